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

pub mod completion;
pub mod definition;
pub mod edit;
pub mod fixes;
pub mod folding;
pub mod fuzzy;
pub mod hover;
pub mod inlay;
pub mod lens;
pub mod links;
pub mod outline;
pub mod references;
pub mod rename;
pub mod semantic;
pub mod snippet;
pub mod steps;
pub mod taskgraph;
pub mod workspace_symbols;

mod element;
#[cfg(test)]
pub(crate) mod fixture;
mod shaped;

pub use definition::definition;
pub use edit::{SourceChange, TextEdit};
pub use fixes::{fixes, Fix};
pub use folding::{folding_ranges, heading_folds, Fold, FoldKind};
pub use hover::{hover, Hover};
pub use links::{document_links, DocLink};
pub use outline::{document_symbols, Symbol};
pub use references::references;
pub use rename::{prepare_rename, rename, RenameError, Renameable};
pub use workspace_symbols::{workspace_symbols, SymbolIndex, WorkspaceSymbol};

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
/// `a`, `a and b`, `a, b and c`: names as a sentence reads them.
fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn hit(span: Span, offset: usize) -> bool {
    span.start as usize <= offset && offset <= span.end as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::VOICE;
    use crate::workspace::fixture::workspace;
    use crate::workspace::Workspace;

    fn assert_span(ws: &Workspace, rel: &str, span: Span, what: &str) {
        let text = &ws.file(rel).unwrap().text();
        assert!(
            text.get(span.range()).is_some(),
            "{what}: {span:?} is not a range of {rel} on character boundaries"
        );
    }

    /// Every entry point, at every byte offset of files mixing line endings,
    /// a BOM, emoji and CJK: no panic, and every span it returns is a valid
    /// range of its file.
    #[test]
    fn every_entry_point_accepts_every_offset() {
        let ws = workspace(&format!(
            "{VOICE}//- openspec/changes/c/specs/voice/spec.md\r
\u{feff}## MODIFIED Requirements\r
### Requirement: Transfer 🎉\r
漢字 SHALL.\r#### Scenario: 挨拶\r- **WHEN** 🎉\r
## RENAMED Requirements\r
- FROM: `### Requirement: Greeting`\r
- TO: `### Requirement: 歓迎`\r
//- openspec/changes/c/tasks.md
## 1. 漢字
- [ ] 1.1 🎉 [s](specs/voice/spec.md#scenario-挨拶) (requires 1.2)
  - Acceptance: [t](../../specs/voice/spec.md#requirement-transfer), [x](../../specs/voice/spec.md#nope)
- [x] 1.2 é (requires 1)
//- openspec/changes/c/proposal.md
## Capabilities
### New Capabilities
- `voice`: 🎉
- `新`: x
"
        ));
        let rels: Vec<String> = ws.files.iter().map(|f| f.rel.clone()).collect();
        for rel in rels.iter().map(String::as_str).chain(["", "nope.md"]) {
            let len = ws.file(rel).map_or(0, |f| f.text().len());
            for offset in (0..len + 3).chain([usize::MAX]) {
                for t in definition(&ws, rel, offset)
                    .into_iter()
                    .chain(references(&ws, rel, offset, true))
                {
                    assert_span(&ws, &t.rel, t.full, "full");
                    assert_span(&ws, &t.rel, t.focus, "focus");
                    assert!(t.full.start <= t.focus.start && t.focus.end <= t.full.end);
                }
                if let Some(h) = hover(&ws, rel, offset) {
                    assert_span(&ws, rel, h.span, "hover");
                    assert!(!h.markdown.is_empty());
                }
            }
            fn walk(ws: &Workspace, rel: &str, syms: &[Symbol]) {
                for s in syms {
                    assert_span(ws, rel, s.full, "symbol");
                    assert_span(ws, rel, s.focus, "symbol focus");
                    assert!(!s.name.is_empty());
                    walk(ws, rel, &s.children);
                }
            }
            walk(&ws, rel, &document_symbols(&ws, rel));
            for l in document_links(&ws, rel) {
                assert_span(&ws, rel, l.span, "link");
                assert!(ws.file(&l.target_rel).is_some());
            }
        }
        for s in workspace_symbols(&ws, "", 1000) {
            assert_span(&ws, &s.rel, s.focus, "workspace symbol");
        }
    }
}
