//! Rules across the files of one feature: references to requirements and
//! stories, and their coverage by tasks.

use super::{finding, Feature, File, Finding, Severity};
use crate::formats::shape::RequirementKind;
use crate::formats::speckit::IdRef;
use rustc_hash::FxHashSet;

pub fn check_links(f: &Feature, out: &mut Vec<Finding>) {
    let Some((_, spec)) = f.spec else { return };
    let defined: FxHashSet<&str> = spec.requirements.iter().map(|r| r.id.as_str()).collect();
    // In order, so that a suggestion does not depend on hashing.
    let mut sorted: Vec<&str> = defined.iter().copied().collect();
    sorted.sort_unstable();
    // `R###` and `NFR` numbering belongs to presets: a citation of one is
    // checked only when the spec uses that numbering itself.
    let kinds: FxHashSet<RequirementKind> = spec.requirements.iter().map(|r| r.kind).collect();
    let unknown = |r: &IdRef, file: File, out: &mut Vec<Finding>| {
        let checked = matches!(
            r.kind,
            RequirementKind::Functional | RequirementKind::SuccessCriterion
        ) || kinds.contains(&r.kind);
        if checked && !defined.contains(r.id.as_str()) {
            out.push(finding(
                "speckit/unknown-requirement",
                Severity::Error,
                file,
                r.span,
                format!(
                    "{} is not a requirement of this feature's spec.md{}: cite an id that spec.md defines, or add the requirement to spec.md",
                    r.id,
                    match crate::text::nearest::nearest(&r.id, sorted.iter().copied()) {
                        Some(n) => format!(" (did you mean {n}?)"),
                        None => String::new(),
                    }
                ),
            ));
        }
    };
    if let Some((_, plan)) = f.plan {
        for r in &plan.requirements {
            unknown(r, File::Plan, out);
        }
    }
    for (k, (_, c)) in f.checklists.iter().enumerate() {
        for item in &c.items {
            for r in &item.requirements {
                unknown(r, File::Checklist(k), out);
            }
        }
    }
    let Some((_, tasks)) = f.tasks else { return };
    for t in &tasks.tasks {
        for r in &t.requirements {
            unknown(r, File::Tasks, out);
        }
    }
    // Coverage, when the tasks cite FR ids at all.
    let cited: FxHashSet<&str> = tasks
        .tasks
        .iter()
        .flat_map(|t| t.requirements.iter())
        .filter(|r| r.kind == RequirementKind::Functional)
        .map(|r| r.id.as_str())
        .collect();
    if !cited.is_empty() {
        for r in spec
            .requirements
            .iter()
            .filter(|r| r.kind == RequirementKind::Functional)
        {
            if !cited.contains(r.id.as_str()) {
                out.push(finding(
                    "speckit/uncovered-requirement",
                    Severity::Info,
                    File::Spec,
                    r.id_span,
                    format!(
                        "no task cites {}: cite it in the task that implements it, e.g. \"… ({})\"",
                        r.id, r.id
                    ),
                ));
            }
        }
    }
    if !spec.has_numbered_stories() {
        return;
    }
    let mut labelled: FxHashSet<u32> = FxHashSet::default();
    for t in &tasks.tasks {
        for label in &t.stories {
            for &n in &label.numbers {
                labelled.insert(n);
                if spec.story(n).is_none() {
                    out.push(finding(
                        "speckit/unknown-story",
                        Severity::Error,
                        File::Tasks,
                        label.span,
                        format!(
                            "spec.md has no user story {n}: label the task with a story spec.md has, or add \"### User Story {n}\" to spec.md"
                        ),
                    ));
                }
            }
        }
    }
    // A tasks.md without any label (the old template) says nothing about
    // which story its tasks serve.
    if labelled.is_empty() {
        return;
    }
    for st in &spec.stories {
        let Some(n) = st.number else { continue };
        if !labelled.contains(&n) {
            out.push(finding(
                "speckit/story-without-tasks",
                Severity::Info,
                File::Spec,
                st.heading,
                format!(
                    "no task is labelled [US{n}]: add the tasks that implement this story to tasks.md, in its own phase"
                ),
            ));
        }
    }
}
