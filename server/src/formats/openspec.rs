//! OpenSpec's summaries (read by `model`) in the shared shape, so that the
//! logic written once over the shape serves OpenSpec too. Task lists come
//! first: their dependencies and cycles are checked by
//! [`unit::check_dependencies`](crate::formats::unit::check_dependencies),
//! as Spec Kit's and Kiro's are.

use super::shape::{Document, Phase, PhaseKind, Reference, Target, Task, TaskState};
use crate::model::tasks::TaskList;
use crate::model::Span;

/// A change's tasks.md: each `## N. Group` a phase whose id dependencies
/// may name, each task with its id, state, group and `depends on` ids.
/// Acceptance links point at files, not ids, and stay with the OpenSpec
/// rules.
pub fn tasks(t: &TaskList, text: &str) -> Document {
    let phases = t
        .groups
        .iter()
        .map(|g| Phase {
            id: g.id.clone(),
            title: title_span(text, g.heading, &g.title),
            heading: g.heading,
            kind: PhaseKind::Other,
            line: g.line,
        })
        .collect();
    let tasks = t
        .tasks
        .iter()
        .map(|task| Task {
            id: task.id.clone(),
            id_span: task.id_span,
            state: TaskState::from_done(task.done),
            optional: false,
            parallel: false,
            checkbox: task.checkbox,
            span: task.span,
            description: task.description,
            line: task.line,
            parent: task.parent,
            phase: task.group,
            dependencies: task
                .deps
                .iter()
                .map(|d| Reference::new(Target::Task, d.id.as_str(), d.span))
                .collect(),
            links: Vec::new(),
        })
        .collect();
    Document {
        phases,
        tasks,
        ..Document::default()
    }
}

/// Where `title` sits in the heading `heading`. A title is the heading's
/// text, so it is found there; an empty one (`## ` and nothing else) is
/// empty at the heading's end, so that the span always holds the title.
fn title_span(text: &str, heading: Span, title: &str) -> Span {
    text.get(heading.range())
        .and_then(|h| h.rfind(title))
        .filter(|_| !title.is_empty())
        .map_or(
            Span::new(heading.end as usize, heading.end as usize),
            |at| {
                let start = heading.start as usize + at;
                Span::new(start, start + title.len())
            },
        )
}
