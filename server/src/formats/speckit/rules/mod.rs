//! Spec Kit's own rules (dialect-formats section 3) over one feature's
//! summaries, as plain findings; the engine will turn them into its
//! diagnostics once formats are wired in. The rules shared by every format
//! (dependencies, cycles, scenario steps, duplicate task ids) are not here:
//! they are written once over the shared shape.
//!
//! References resolve within the feature: a task's `FR-001` names the
//! feature's spec.md, a `[US2]` label its second user story.

mod feature;
mod spec;
mod tasks;

use super::{Checklist, Constitution, Plan, SpecFile, TaskFile};
use crate::model::Span;

pub use feature::check_links;
pub use spec::{check_constitution, check_plan, check_spec};
pub use tasks::{check_checklist, check_tasks};

pub use crate::diagnostic::Severity;

/// Every code these rules emit.
pub const CODES: &[&str] = &[
    "speckit/needs-clarification",
    "speckit/too-many-clarifications",
    "speckit/placeholder",
    "speckit/story-without-scenarios",
    "speckit/duplicate-id",
    "speckit/requirement-no-keyword",
    "speckit/vague-term",
    "speckit/unknown-requirement",
    "speckit/uncovered-requirement",
    "speckit/unknown-story",
    "speckit/missing-story-label",
    "speckit/forbidden-story-label",
    "speckit/story-label-mismatch",
    "speckit/story-without-tasks",
    "speckit/task-format",
    "speckit/task-without-path",
    "speckit/parallel-same-file",
    "speckit/checklist-untraced",
];

/// Which file of the feature a finding is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum File {
    Spec,
    Plan,
    Tasks,
    /// Index into [`Feature::checklists`].
    Checklist(usize),
    Constitution,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    pub file: File,
    pub span: Span,
    pub message: String,
}

/// One feature folder's files, each as its text and its summary.
#[derive(Default)]
pub struct Feature<'a> {
    pub spec: Option<(&'a str, &'a SpecFile)>,
    pub plan: Option<(&'a str, &'a Plan)>,
    pub tasks: Option<(&'a str, &'a TaskFile)>,
    pub checklists: Vec<(&'a str, &'a Checklist)>,
}

/// Every Spec Kit finding of one feature, in file then position order.
pub fn check(feature: &Feature) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some((text, spec)) = feature.spec {
        check_spec(text, spec, &mut out);
    }
    if let Some((_, plan)) = feature.plan {
        check_plan(plan, &mut out);
    }
    if let Some((_, tasks)) = feature.tasks {
        check_tasks(tasks, &mut out);
    }
    for (k, (_, c)) in feature.checklists.iter().enumerate() {
        check_checklist(c, File::Checklist(k), &mut out);
    }
    check_links(feature, &mut out);
    out.sort_by(|a, b| (a.file, a.span, a.code).cmp(&(b.file, b.span, b.code)));
    out
}

/// The constitution's findings (it belongs to the root, not a feature).
pub fn constitution(c: &Constitution) -> Vec<Finding> {
    let mut out = Vec::new();
    check_constitution(c, &mut out);
    out
}

fn finding(
    code: &'static str,
    severity: Severity,
    file: File,
    span: Span,
    message: String,
) -> Finding {
    Finding {
        code,
        severity,
        file,
        span,
        message,
    }
}

#[cfg(test)]
mod precision_tests;
#[cfg(test)]
mod tests;
