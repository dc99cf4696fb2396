//! A Kiro file's summary in the shared shape.
//!
//! - requirements.md: `Requirement N` becomes a [`RequirementKind::Story`]
//!   with id `N` (its id span the number in the heading), each acceptance
//!   criterion a [`RequirementKind::Criterion`] with id `N.M` and the story
//!   as parent. A criterion's id span is its item number as written: a G1/G2
//!   list numbers items `1.`, `2.` under their requirement, so the file holds
//!   `M` alone unless it spells `N.M`.
//! - bugfix.md: each `1.x`/`2.x`/`3.x` line is a criterion under a story
//!   `1`/`2`/`3` for its section, as Kiro's references read them
//!   (`_Requirements: 2_` names every expected-behaviour line). A section's
//!   story spans its heading, which holds no number: it cannot be renamed.
//! - design.md: `Property k` becomes a [`RequirementKind::Property`] with
//!   id `k` (the defining form; later mentions of the same number are
//!   references to it), and every `Validates:` id a document reference.
//! - tasks.md: numbered headings are phases; each task keeps its number,
//!   state, `*` (optional), `(P)` (parallel), parent and phase, its
//!   `_Requirements:_` ids and `Property k` mentions as links and its
//!   `_Depends:_` ids as dependencies (an id that is no task number is kept
//!   as written, so it resolves to nothing and is reported).
//!
//! Ranges (`1.1-1.4`) expand to every id they name: the two ends keep their
//! own spans, the ids between span the whole range and are marked
//! [`Reference::from_range`]. A range across requirements (`1.3-2.2`) needs
//! to know where requirement 1 ends, which only the requirements document
//! says: [`document_in`] takes it from the feature, [`document`] keeps the
//! ends and what lies within one requirement.

use super::bugfix::{BugSection, BugfixDoc};
use super::design::DesignDoc;
use super::refs::{CriterionId, RefList};
use super::requirements::RequirementsDoc;
use super::tasks::{TaskState as KiroState, TasksDoc};
use super::{FeatureSpec, Summary};
use crate::formats::shape::{
    Document, Phase, PhaseKind, Reference, Requirement, RequirementKind, Target, Task, TaskState,
};

/// The file alone: ranges across requirements keep only their ends and the
/// ids within one requirement.
pub fn document(summary: &Summary) -> Document {
    map(summary, &|_| None)
}

/// The file within its feature, whose requirements (or bugfix lines) say
/// how many criteria each requirement has, so that every range expands in
/// full.
pub fn document_in(summary: &Summary, feature: &FeatureSpec) -> Document {
    map(summary, &|r| feature.items_of(r))
}

fn map(summary: &Summary, items_of: &dyn Fn(u32) -> Option<u32>) -> Document {
    match summary {
        Summary::Requirements(r) => requirements(r),
        Summary::Bugfix(b) => bugfix(b),
        Summary::Design(d) => design(d, items_of),
        Summary::Tasks(t) => tasks(t, items_of),
        Summary::Config(_) | Summary::Steering(_) => Document::default(),
    }
}

pub fn requirements(r: &RequirementsDoc) -> Document {
    let mut doc = Document::default();
    for req in &r.requirements {
        let parent = doc.requirements.len();
        doc.requirements.push(Requirement {
            id: req.number.to_string(),
            kind: RequirementKind::Story,
            id_span: req.number_span,
            title: req.title,
            text: req.user_story.or(req.title).unwrap_or(req.heading),
            span: req.heading,
            parent: None,
            line: req.line,
        });
        for c in &req.criteria {
            doc.requirements.push(Requirement {
                id: c.id.to_string(),
                kind: RequirementKind::Criterion,
                id_span: c.number_span,
                title: None,
                text: c.body,
                // The item line from its number: the definition holds its id.
                span: crate::model::Span {
                    start: c.number_span.start.min(c.body.start),
                    end: c.body.end.max(c.number_span.end),
                },
                parent: Some(parent),
                line: c.line,
            });
        }
    }
    doc
}

pub fn bugfix(b: &BugfixDoc) -> Document {
    let mut doc = Document::default();
    // Section number → index of its story, for the sections with a heading.
    let mut story: [Option<usize>; 4] = [None; 4];
    for (&(section, heading), &line) in b.sections.iter().zip(&b.section_lines) {
        let n = section_number(section);
        if story[n as usize].is_some() {
            continue;
        }
        story[n as usize] = Some(doc.requirements.len());
        doc.requirements.push(Requirement {
            id: n.to_string(),
            kind: RequirementKind::Story,
            id_span: heading,
            title: Some(heading),
            text: heading,
            span: heading,
            parent: None,
            line,
        });
    }
    for i in &b.items {
        doc.requirements.push(Requirement {
            id: i.id.to_string(),
            kind: RequirementKind::Criterion,
            id_span: i.id_span,
            title: None,
            text: i.text,
            span: crate::model::Span {
                start: i.id_span.start,
                end: i.text.end.max(i.id_span.end),
            },
            parent: story.get(i.id.req as usize).copied().flatten(),
            line: i.line,
        });
    }
    doc
}

fn section_number(s: BugSection) -> u32 {
    match s {
        BugSection::Current => 1,
        BugSection::Expected => 2,
        BugSection::Unchanged => 3,
    }
}

pub fn design(d: &DesignDoc, items_of: &dyn Fn(u32) -> Option<u32>) -> Document {
    let mut doc = Document::default();
    for (k, p) in d.properties.iter().enumerate() {
        let defining = d
            .property(p.number)
            .is_some_and(|def| std::ptr::eq(def, &d.properties[k]));
        if defining {
            doc.requirements.push(Requirement {
                id: p.number.to_string(),
                kind: RequirementKind::Property,
                id_span: p.number_span,
                title: p.title,
                text: p.title.unwrap_or(p.span),
                span: p.span,
                parent: None,
                line: p.line,
            });
        } else {
            doc.references.push(Reference::new(
                Target::Property,
                p.number.to_string(),
                p.number_span,
            ));
        }
    }
    for v in &d.validates {
        doc.references.extend(requirement_refs(&v.list, items_of));
    }
    doc
}

pub fn tasks(t: &TasksDoc, items_of: &dyn Fn(u32) -> Option<u32>) -> Document {
    let mut doc = Document::default();
    for g in &t.groups {
        doc.phases.push(Phase {
            id: None,
            title: g.title,
            heading: g.heading,
            kind: PhaseKind::Other,
            line: g.line,
        });
    }
    for task in &t.tasks {
        let mut links: Vec<Reference> = task
            .refs
            .iter()
            .flat_map(|l| requirement_refs(l, items_of))
            .collect();
        links.extend(
            task.properties
                .iter()
                .map(|p| Reference::new(Target::Property, p.number.to_string(), p.span)),
        );
        doc.tasks.push(Task {
            id: task.id.as_ref().map(|i| i.text.clone()),
            id_span: task.id.as_ref().map(|i| i.span),
            state: match task.state {
                KiroState::Done => TaskState::Done,
                KiroState::InProgress => TaskState::InProgress,
                KiroState::Todo | KiroState::Other(_) => TaskState::Open,
            },
            optional: task.optional.is_some(),
            parallel: task.parallel.is_some(),
            checkbox: task.checkbox,
            span: task.span,
            description: task.title,
            line: task.line,
            parent: task.parent,
            phase: task.group,
            dependencies: task
                .depends
                .iter()
                .map(|d| Reference::new(Target::Task, d.id.as_str(), d.span))
                .collect(),
            links,
        });
    }
    doc
}

/// The ids of a `_Requirements:_` or `Validates:` list, ranges expanded;
/// malformed entries name nothing (Kiro's own rules report them).
fn requirement_refs(list: &RefList, items_of: &dyn Fn(u32) -> Option<u32>) -> Vec<Reference> {
    let mut out = Vec::new();
    for r in &list.refs {
        let mut ids = r.ids(items_of);
        if let super::refs::Ref::Range { from, to, .. } = r {
            // Without the requirements' lengths an expansion across
            // requirements may drop an end; the ends are written, so they
            // are always cited.
            for end in [from, to] {
                if !ids.iter().any(|i| i.id == end.id) {
                    ids.push(*end);
                }
            }
            ids.sort_by_key(|i| i.id);
        }
        let whole = r.span();
        out.extend(ids.into_iter().map(|i| Reference {
            target: Target::Requirement,
            id: i.id.to_string(),
            span: i.span,
            from_range: i.span == whole && !is_written(r, i.id),
        }));
    }
    out
}

/// Whether `id` is written out in `r` (an id, or an end of a range).
fn is_written(r: &super::refs::Ref, id: CriterionId) -> bool {
    match r {
        super::refs::Ref::Id(i) => i.id == id,
        super::refs::Ref::Range { from, to, .. } => from.id == id || to.id == id,
        super::refs::Ref::Malformed { .. } => false,
    }
}

#[cfg(test)]
#[path = "graph_tests.rs"]
mod tests;
