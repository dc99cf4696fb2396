//! The Kiro rules that need only one feature's summaries (or one steering
//! file), as pure functions returning plain findings: a finding names its
//! file by kind, which within one feature folder is unique. The rules every
//! format shares (task dependencies and cycles, duplicate task numbers) are
//! not here: `formats::unit::check_unit` runs them over the feature's files
//! in the shared shape (`kiro::graph`).

mod feature;
#[cfg(test)]
mod precision_tests;
mod steering;

pub use feature::check_feature;
pub use steering::check_steering;

use super::roots::FileKind;
use crate::model::Span;

pub use crate::diagnostic::Severity;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    pub file: FileKind,
    pub span: Span,
    pub message: String,
}

impl Finding {
    fn new(
        code: &'static str,
        severity: Severity,
        file: FileKind,
        span: Span,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            code,
            severity,
            file,
            span,
            message: message.into(),
        }
    }
}

pub const UNKNOWN_CRITERION: &str = "kiro/unknown-criterion";
pub const UNCOVERED_CRITERION: &str = "kiro/uncovered-criterion";
pub const TASK_WITHOUT_REQUIREMENTS: &str = "kiro/task-without-requirements";
pub const UNKNOWN_PROPERTY: &str = "kiro/unknown-property";
pub const NUMBERING: &str = "kiro/numbering";
pub const PARENT_DONE_EARLY: &str = "kiro/parent-done-early";
pub const REQUIREMENT_STRUCTURE: &str = "kiro/requirement-structure";
pub const EARS: &str = "kiro/ears";
pub const UNKNOWN_SYSTEM: &str = "kiro/unknown-system";
pub const BUGFIX_CONTINUE: &str = "kiro/bugfix-continue";
pub const CONFIG: &str = "kiro/config";
pub const STEERING: &str = "kiro/steering";

/// Every code these rules emit.
pub const CODES: &[&str] = &[
    UNKNOWN_CRITERION,
    UNCOVERED_CRITERION,
    TASK_WITHOUT_REQUIREMENTS,
    UNKNOWN_PROPERTY,
    NUMBERING,
    PARENT_DONE_EARLY,
    REQUIREMENT_STRUCTURE,
    EARS,
    UNKNOWN_SYSTEM,
    BUGFIX_CONTINUE,
    CONFIG,
    STEERING,
];
