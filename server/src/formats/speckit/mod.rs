//! GitHub Spec Kit: a root holding `.specify/` (or the legacy
//! `memory/constitution.md` beside `specs/`), one folder per feature under
//! `specs/`, each with spec.md, plan.md, tasks.md and checklists.
//!
//! Each file kind has a reader (text in, an immutable summary out, every
//! element with its byte span) and [`graph`] maps a feature's summaries into
//! the shared [`shape`](crate::formats::shape). The readers are line
//! scanners: they never fail, and text that follows no template simply
//! yields fewer elements. Structure inside fenced code, front matter and
//! HTML comments is not structure; the old spec template's guidance
//! sections (`Execution Flow`, `Quick Guidelines`, …) are skipped too,
//! because they quote the very markers a checker looks for.

pub mod checklist;
pub mod constitution;
pub mod graph;
pub mod plan;
pub mod root;
pub mod rules;
pub(crate) mod scan;
pub mod spec;
pub mod tasks;

use crate::formats::shape::RequirementKind;
use crate::model::Span;

pub use checklist::Checklist;
pub use constitution::Constitution;
pub use plan::Plan;
pub use spec::SpecFile;
pub use tasks::TaskFile;

/// A requirement id cited somewhere (`FR-001`, `SC-002`, `NFR-001`, `R001`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdRef {
    pub id: String,
    pub kind: RequirementKind,
    pub span: Span,
}

/// A `[NEEDS CLARIFICATION: …]` marker (or, in a plan, the bare
/// `NEEDS CLARIFICATION` value, whose question span is empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Marker {
    pub span: Span,
    pub question: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlaceholderKind {
    /// A template token left unfilled: `[FEATURE NAME]`, `[DATE]`,
    /// `[PRINCIPLE_1_NAME]`.
    Template,
    /// `TODO`, `TKTK`, `???`.
    Note,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placeholder {
    pub kind: PlaceholderKind,
    pub span: Span,
}

/// What a file of a Spec Kit tree is, from its path relative to the root.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileKind {
    Spec,
    Plan,
    Tasks,
    Checklist,
    Constitution,
    /// Any other Markdown of a feature (research.md, data-model.md, notes):
    /// read for links only.
    Other,
}

impl FileKind {
    /// The kind of `path` (relative to the root, `/`-separated), or `None`
    /// for a file outside the feature folders and the constitution.
    pub fn of(path: &str) -> Option<FileKind> {
        let parts: Vec<&str> = path.split('/').collect();
        match parts.as_slice() {
            [".specify", "memory", "constitution.md"] | ["memory", "constitution.md"] => {
                Some(FileKind::Constitution)
            }
            ["specs", _, "spec.md"] => Some(FileKind::Spec),
            ["specs", _, "plan.md"] => Some(FileKind::Plan),
            ["specs", _, "tasks.md"] => Some(FileKind::Tasks),
            ["specs", _, "checklists", f] if f.ends_with(".md") => Some(FileKind::Checklist),
            ["specs", _, .., f] if f.ends_with(".md") => Some(FileKind::Other),
            _ => None,
        }
    }
}

/// One file read by the reader for its kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Summary {
    Spec(SpecFile),
    Plan(Plan),
    Tasks(TaskFile),
    Checklist(Checklist),
    Constitution(Constitution),
    /// Files read for links only: the requirement ids they cite.
    Other(Vec<IdRef>),
}

/// Reads `text` as a file of kind `kind`.
pub fn read(kind: FileKind, text: &str) -> Summary {
    match kind {
        FileKind::Spec => Summary::Spec(SpecFile::parse(text)),
        FileKind::Plan => Summary::Plan(Plan::parse(text)),
        FileKind::Tasks => Summary::Tasks(TaskFile::parse(text)),
        FileKind::Checklist => Summary::Checklist(Checklist::parse(text)),
        FileKind::Constitution => Summary::Constitution(Constitution::parse(text)),
        FileKind::Other => Summary::Other(plan::cited_ids(text)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_kinds_from_paths() {
        assert_eq!(FileKind::of("specs/001-a/spec.md"), Some(FileKind::Spec));
        assert_eq!(FileKind::of("specs/x/tasks.md"), Some(FileKind::Tasks));
        assert_eq!(
            FileKind::of("specs/x/checklists/ux.md"),
            Some(FileKind::Checklist)
        );
        assert_eq!(
            FileKind::of("specs/x/contracts/api.md"),
            Some(FileKind::Other)
        );
        assert_eq!(
            FileKind::of("memory/constitution.md"),
            Some(FileKind::Constitution)
        );
        assert_eq!(
            FileKind::of(".specify/memory/constitution.md"),
            Some(FileKind::Constitution)
        );
        assert_eq!(FileKind::of("specs/spec.md"), None);
        assert_eq!(FileKind::of("README.md"), None);
    }
}
