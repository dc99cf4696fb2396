//! A Spec Kit file's summary in the shared shape.
//!
//! - spec.md: numbered user stories become [`RequirementKind::Story`]
//!   requirements with id `US<n>` (the form `[USn]` labels cite), followed by
//!   the `FR`/`SC`/`NFR`/`R` items under their own ids. Acceptance scenarios
//!   point at their story; those under the old template's single primary
//!   story (which has no number, so nothing can cite it) have no parent.
//! - tasks.md: phases keep their order and kind (story phases carry
//!   `US<n>`); each task's `depends on`/`after` ids become task
//!   dependencies (ranges expanded, each expanded id spanning the range), its
//!   cited requirement ids and `[USn]` labels become links.
//! - plan.md, checklists and other files: the requirement ids (and a
//!   checklist's `Spec §USn`) they cite become document references.
//! - The constitution has no counterpart yet: its principles are cited by
//!   name in prose, not by id.

use super::checklist::Checklist;
use super::plan::Plan;
use super::spec::SpecFile;
use super::tasks::{PhaseKind as SkPhase, Task as SkTask, TaskFile};
use super::{IdRef, Summary};
use crate::formats::shape::{
    Document, Phase, PhaseKind, Reference, Requirement, RequirementKind, Scenario, Target, Task,
    TaskState,
};

pub fn document(summary: &Summary) -> Document {
    match summary {
        Summary::Spec(s) => spec(s),
        Summary::Tasks(t) => tasks(t),
        Summary::Plan(p) => plan(p),
        Summary::Checklist(c) => checklist(c),
        Summary::Constitution(_) => Document::default(),
        Summary::Other(ids) => Document {
            references: ids.iter().map(requirement_ref).collect(),
            ..Document::default()
        },
    }
}

fn requirement_ref(r: &IdRef) -> Reference {
    Reference::new(Target::Requirement, r.id.as_str(), r.span)
}

pub fn spec(s: &SpecFile) -> Document {
    let mut doc = Document::default();
    // Story index in the summary → requirement index in the document.
    let mut story_req = vec![None; s.stories.len()];
    for (k, st) in s.stories.iter().enumerate() {
        let (Some(id), Some(id_span)) = (st.id(), st.number_span) else {
            continue;
        };
        story_req[k] = Some(doc.requirements.len());
        doc.requirements.push(Requirement {
            id,
            kind: RequirementKind::Story,
            id_span,
            title: Some(st.title),
            text: st.title,
            span: st.heading,
            parent: None,
            line: st.line,
        });
    }
    for r in &s.requirements {
        doc.requirements.push(Requirement {
            id: r.id.clone(),
            kind: r.kind,
            id_span: r.id_span,
            title: None,
            text: r.text,
            span: r.span,
            parent: None,
            line: r.line,
        });
    }
    for sc in &s.scenarios {
        doc.scenarios.push(Scenario {
            parent: sc.story.and_then(|k| story_req[k]),
            span: sc.span,
            steps: sc.steps.clone(),
            line: sc.line,
        });
    }
    doc
}

pub fn tasks(t: &TaskFile) -> Document {
    let mut doc = Document::default();
    for p in &t.phases {
        doc.phases.push(Phase {
            id: None,
            title: p.title,
            heading: p.heading,
            kind: match &p.kind {
                SkPhase::Setup => PhaseKind::Setup,
                SkPhase::Foundational => PhaseKind::Foundational,
                SkPhase::Story(ns) => {
                    PhaseKind::Stories(ns.iter().map(|n| format!("US{n}")).collect())
                }
                SkPhase::Polish => PhaseKind::Polish,
                SkPhase::Other => PhaseKind::Other,
            },
            line: p.line,
        });
    }
    doc.tasks = t.tasks.iter().map(task).collect();
    doc
}

/// One task in the shared shape: what a splice of the task list reads
/// again for the task it changed.
pub fn task(task: &SkTask) -> Task {
    let mut links: Vec<Reference> = task.requirements.iter().map(requirement_ref).collect();
    for label in &task.stories {
        for n in &label.numbers {
            links.push(Reference::new(Target::Story, format!("US{n}"), label.span));
        }
    }
    Task {
        id: task.id.clone(),
        id_span: task.id_span,
        state: TaskState::from_done(task.done),
        optional: false,
        parallel: task.parallel.is_some(),
        checkbox: task.checkbox,
        span: task.span,
        description: task.description,
        line: task.line,
        parent: task.parent,
        phase: task.phase,
        dependencies: task
            .dependencies
            .iter()
            .map(|d| Reference {
                target: Target::Task,
                id: d.id.clone(),
                span: d.span,
                from_range: d.from_range,
            })
            .collect(),
        links,
    }
}

pub fn plan(p: &Plan) -> Document {
    Document {
        references: p.requirements.iter().map(requirement_ref).collect(),
        ..Document::default()
    }
}

pub fn checklist(c: &Checklist) -> Document {
    let mut references = Vec::new();
    for item in &c.items {
        references.extend(item.requirements.iter().map(requirement_ref));
        references.extend(
            item.stories
                .iter()
                .map(|(n, span)| Reference::new(Target::Story, format!("US{n}"), *span)),
        );
    }
    Document {
        references,
        ..Document::default()
    }
}

#[cfg(test)]
#[path = "graph_tests.rs"]
mod tests;
