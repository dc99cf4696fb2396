//! Editor features over a [`Workspace`]: go to definition, references,
//! hover, outlines, workspace symbols, folding and document links (dialect
//! section 5).
//!
//! This layer knows nothing of LSP. Positions are byte offsets into a file's
//! text and results are [`Span`]s and plain structs, so the protocol adapter
//! owns every encoding question (UTF-16 columns, URIs) in one place. Every
//! entry point accepts any offset (past the end, inside a multi-byte
//! character) and any `rel`: what it cannot place yields an empty answer,
//! never a panic.

pub mod definition;
pub mod folding;
pub mod fuzzy;
pub mod hover;
pub mod links;
pub mod references;
pub mod symbols;

mod element;
#[cfg(test)]
mod fixture;

pub use definition::definition;
pub use folding::{folding_ranges, Fold, FoldKind};
pub use hover::{hover, Hover};
pub use links::{document_links, DocLink};
pub use references::references;
pub use symbols::{document_symbols, workspace_symbols, Symbol, SymbolIndex, WorkspaceSymbol};

use crate::model::Span;

/// A place to navigate to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NavTarget {
    /// The file, relative to the workspace root.
    pub rel: String,
    /// The whole element (a requirement block, a scenario from its header to
    /// the end of its body, a task line, a link), for previews.
    pub full: Span,
    /// The part to select: the element's name. Always inside `full`.
    pub focus: Span,
}

impl NavTarget {
    fn new(rel: &str, full: Span, focus: Span) -> NavTarget {
        NavTarget {
            rel: rel.to_string(),
            full,
            focus,
        }
    }
}

/// What an outline entry or a workspace symbol stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    File,
    /// A `##` section with a meaning in the dialect (`Purpose`,
    /// `Requirements`, `ADDED Requirements`…).
    Section,
    Capability,
    Change,
    Requirement,
    Scenario,
    Task,
    /// A task group (`## 1. Setup`, `## Phase C: Features`).
    Group,
    /// Any other heading.
    Heading,
}

/// Whether `offset` touches `span`. The end is included so that a cursor
/// just after a name (where it sits after a double click or while typing)
/// still counts as on it.
fn hit(span: Span, offset: usize) -> bool {
    span.start as usize <= offset && offset <= span.end as usize
}
