//! OpenSpec's summaries (read by `model`) in the shared shape, so that the
//! logic written once over the shape serves OpenSpec too. Task lists come
//! first: their dependencies and cycles are checked by
//! [`unit::check_dependencies`](crate::formats::unit::check_dependencies),
//! as Spec Kit's and Kiro's are; their acceptance links are references by
//! anchor ([`Target::Anchor`]), which the workspace resolves to the
//! scenarios they stand for.

use super::shape::{Document, Phase, PhaseKind, Reference, Target, Task, TaskState};
use crate::model::tasks::TaskList;
use crate::model::Span;

/// A change's tasks.md: each `## N. Group` a phase whose id dependencies
/// may name, each task with its id, state, group and `depends on` ids, and
/// among its links the destinations of its acceptance links, as written.
/// Built per request rather than kept: the destinations are copies of the
/// task list's text.
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
            id: task.id.as_deref().map(String::from),
            id_span: task.id_span,
            state: TaskState::from_done(task.done),
            optional: false,
            parallel: false,
            checkbox: task.checkbox,
            span: task.span,
            description: task.description,
            line: task.line,
            parent: task.parent(),
            phase: task.group(),
            dependencies: task
                .deps
                .iter()
                .map(|d| Reference::new(Target::Task, d.id.as_str(), d.span))
                .collect(),
            links: task
                .acceptance
                .iter()
                .flat_map(|a| &a.links)
                .map(|l| {
                    let written = text.get(l.target_span.range()).unwrap_or("");
                    Reference::new(Target::Anchor, written, l.target_span)
                })
                .collect(),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Acceptance links are the task's links by anchor, as written at
    /// their destination; a link's path and anchor come back apart.
    #[test]
    fn acceptance_links_are_references_by_anchor() {
        let text = "## 1. Calls\n- [x] 1.1 Answer (requires 1.2)\n  - Acceptance: [a](specs/voice/spec.md#scenario-caller-asks), [b](#own), [c](x.md)\n- [ ] 1.2 Ring\n";
        let doc = tasks(&TaskList::parse(text), text);
        let t = &doc.tasks[0];
        assert_eq!(t.state, TaskState::Done);
        assert_eq!(
            t.dependencies,
            [Reference::new(Target::Task, "1.2", t.dependencies[0].span)]
        );
        let want = [
            (
                "specs/voice/spec.md#scenario-caller-asks",
                ("specs/voice/spec.md", Some("scenario-caller-asks")),
            ),
            ("#own", ("", Some("own"))),
            ("x.md", ("x.md", None)),
        ];
        assert_eq!(t.links.len(), want.len());
        for (r, (id, parts)) in t.links.iter().zip(want) {
            assert_eq!(r.target, Target::Anchor);
            assert_eq!((&text[r.span.range()], r.id.as_str()), (id, id));
            assert_eq!(r.link(), Some(parts));
        }
        assert!(doc.tasks[1].links.is_empty());
        // An id is no link.
        assert_eq!(t.dependencies[0].link(), None);
    }
}
