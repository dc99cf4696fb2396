//! Quick fixes for Spec Kit and Kiro diagnostics: an unknown id changed to
//! the nearest one its unit defines (written once over the shared shape),
//! and Spec Kit's story labels put right (over its own task summary, since
//! labels are Spec Kit's alone).

use super::{Fix, SourceChange, TextEdit};
use crate::formats::shape::{RequirementKind, Target};
use crate::formats::speckit;
use crate::ide::shaped::Unit;
use crate::model::Span;
use crate::text::nearest::nearest;
use crate::workspace::{SourceFile, Summary, Workspace};

/// An id cited at `span` that its unit does not define: the nearest id of
/// the same kind (never the citing task's own).
pub(super) fn unknown_id(ws: &Workspace, file: &SourceFile, span: Span) -> Vec<Fix> {
    let Some((unit, at)) = Unit::of(ws, &file.rel) else {
        return Vec::new();
    };
    let doc = unit.files[at].1;
    let cited = doc
        .tasks
        .iter()
        .flat_map(|t| {
            t.dependencies
                .iter()
                .chain(&t.links)
                .map(move |r| (Some(t), r))
        })
        .chain(doc.references.iter().map(|r| (None, r)))
        .find(|(_, r)| r.span == span && !r.from_range);
    let Some((task, r)) = cited else {
        return Vec::new();
    };
    let owner = task.and_then(|t| t.id.as_deref());
    // An id the task already cites is no better a guess.
    let already: Vec<&str> = task
        .iter()
        .flat_map(|t| t.dependencies.iter().chain(&t.links))
        .filter(|c| c.target == r.target)
        .map(|c| c.id.as_str())
        .collect();
    let docs = unit.files.iter().map(|(_, d)| *d);
    let ids: Vec<&str> = match r.target {
        Target::Task => docs
            .flat_map(|d| &d.tasks)
            .filter_map(|t| t.id.as_deref())
            .filter(|&id| Some(id) != owner)
            .collect(),
        target => docs
            .flat_map(|d| &d.requirements)
            .filter(|q| match target {
                Target::Property => q.kind == RequirementKind::Property,
                Target::Story => q.kind == RequirementKind::Story,
                _ => q.kind != RequirementKind::Property,
            })
            .map(|q| q.id.as_str())
            .collect(),
    };
    let ids = ids.into_iter().filter(|id| !already.contains(id));
    let Some(near) = nearest(&r.id, ids) else {
        return Vec::new();
    };
    // The id as written sits inside the span (a label is `[US3]`).
    let written = &file.text()[span.range()];
    let Some(k) = written.find(r.id.as_str()) else {
        return Vec::new();
    };
    let id_span = Span::new(
        span.start as usize + k,
        span.start as usize + k + r.id.len(),
    );
    vec![Fix::nearest_name(&file.rel, id_span, near)]
}

/// The Spec Kit task whose label or id sits at `span`, with its phase's
/// stories.
fn speckit_task(file: &SourceFile, span: Span) -> Option<(&speckit::tasks::Task, Vec<u32>)> {
    let Summary::SpecKit(s) = &file.summary else {
        return None;
    };
    let speckit::Summary::Tasks(tasks) = &s.native else {
        return None;
    };
    let task = tasks
        .tasks
        .iter()
        .find(|t| t.id_span == Some(span) || t.stories.iter().any(|l| l.span == span))?;
    let stories = match task
        .phase
        .and_then(|p| tasks.phases.get(p))
        .map(|p| &p.kind)
    {
        Some(speckit::tasks::PhaseKind::Story(n)) => n.clone(),
        _ => Vec::new(),
    };
    Some((task, stories))
}

fn label(stories: &[u32]) -> String {
    let ids: Vec<String> = stories.iter().map(|n| format!("US{n}")).collect();
    format!("[{}]", ids.join(", "))
}

/// A task of a story's phase without a label: add the phase's label after
/// the id and `[P]`, where the template puts it.
pub(super) fn missing_story_label(file: &SourceFile, span: Span) -> Vec<Fix> {
    let Some((task, stories)) = speckit_task(file, span) else {
        return Vec::new();
    };
    let (Some(id), false) = (task.id_span, stories.is_empty()) else {
        return Vec::new();
    };
    let after = task.parallel.filter(|p| p.start > id.start).unwrap_or(id);
    let at = Span::new(after.end as usize, after.end as usize);
    let new = label(&stories);
    let edit = TextEdit::new(&file.rel, at, format!(" {new}"));
    vec![Fix::new(
        format!("Add {new}"),
        SourceChange::new(vec![edit]),
        true,
    )]
}

/// A story label in a Setup, Foundational or Polish phase: take it out,
/// with the blank before it.
pub(super) fn forbidden_story_label(file: &SourceFile, span: Span) -> Vec<Fix> {
    if speckit_task(file, span).is_none() {
        return Vec::new();
    }
    let start = span.start as usize;
    let from = if file.text()[..start].ends_with(' ') {
        start - 1
    } else {
        start
    };
    let edit = TextEdit::new(&file.rel, Span::new(from, span.end as usize), "");
    vec![Fix::new(
        format!("Remove {}", &file.text()[span.range()]),
        SourceChange::new(vec![edit]),
        true,
    )]
}

/// A label naming another story than its phase's: the phase's label.
pub(super) fn story_label_mismatch(file: &SourceFile, span: Span) -> Vec<Fix> {
    let Some((_, stories)) = speckit_task(file, span) else {
        return Vec::new();
    };
    if stories.is_empty() {
        return Vec::new();
    }
    let new = label(&stories);
    let edit = TextEdit::new(&file.rel, span, &new);
    vec![Fix::new(
        format!("Change to {new}"),
        SourceChange::new(vec![edit]),
        true,
    )]
}
