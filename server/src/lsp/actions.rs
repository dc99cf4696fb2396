//! `textDocument/codeAction`: the quick fixes of the `ide` layer for the
//! diagnostics at the requested range, and the `WorkspaceEdit`s that carry
//! them (also used by rename).
//!
//! The diagnostics are worked out again from the workspace as it is now
//! (the unit of the document, with the root's settings) rather than taken
//! from the request, so a fix never acts on text the client has moved on
//! from, and a client that does not echo diagnostics still gets fixes.

use std::collections::HashMap;

use tower_lsp_server::ls_types as lsp;

use super::convert;
use super::features::locate;
use super::state::{Place, View};
use crate::ide::{self, SourceChange};
use crate::rules::{self, Scope};

pub fn code_actions(v: &View, p: lsp::CodeActionParams) -> Option<lsp::CodeActionResponse> {
    let quickfix = lsp::CodeActionKind::QUICKFIX;
    if let Some(only) = &p.context.only {
        // `quickfix` or a parent kind (`""` is every kind).
        let wanted = only
            .iter()
            .any(|k| k.as_str().is_empty() || quickfix.as_str().starts_with(k.as_str()));
        if !wanted {
            return Some(Vec::new());
        }
    }
    let (place, start) = locate(v, &p.text_document.uri, p.range.start)?;
    let (_, end) = locate(v, &p.text_document.uri, p.range.end)?;
    let ws = v.ws(place.root)?;
    let file = ws.file(&place.rel)?;
    let unit = ws.unit_of(&place.rel);
    let mine: Vec<rules::Diagnostic> = rules::check(ws, &Scope::Unit(&unit))
        .into_iter()
        .filter(|d| d.path == place.rel)
        .filter(|d| d.span.start as usize <= end && start <= d.span.end as usize)
        .collect();
    let mine = v.snap.config(place.root)?.apply(mine);
    let mut out = Vec::new();
    for d in &mine {
        for fix in ide::fixes(ws, d) {
            let Some(edit) = workspace_edit(v, place.root, &fix.change) else {
                continue;
            };
            out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                title: fix.title,
                kind: Some(quickfix.clone()),
                diagnostics: Some(vec![convert::diagnostic(d, file, v.encoding())]),
                edit: Some(edit),
                command: None,
                is_preferred: fix.preferred.then_some(true),
                disabled: None,
                data: None,
            }));
        }
    }
    Some(out)
}

/// `change` as a `WorkspaceEdit`: versioned `documentChanges` when the
/// client supports them (with the version of each open document, `null`
/// for the others), else `changes`. Ranges are computed on the text the
/// edits were made for: the editor's for open documents.
pub(super) fn workspace_edit(
    v: &View,
    root: usize,
    change: &SourceChange,
) -> Option<lsp::WorkspaceEdit> {
    let mut files = Vec::new();
    for rel in change.files() {
        let uri = v.uri_of(root, rel)?;
        let place = Place {
            root,
            rel: rel.to_string(),
        };
        let open = v.open_doc_at(&place);
        let edits: Vec<lsp::TextEdit> = change
            .file_edits(rel)
            .into_iter()
            .map(|e| {
                Some(lsp::TextEdit {
                    range: super::features::range(v, root, rel, e.span)?,
                    new_text: e.new_text.clone(),
                })
            })
            .collect::<Option<_>>()?;
        files.push((uri, open.map(|o| o.doc.version), edits));
    }
    if v.caps.document_changes {
        let edits = files
            .into_iter()
            .map(|(uri, version, edits)| lsp::TextDocumentEdit {
                text_document: lsp::OptionalVersionedTextDocumentIdentifier { uri, version },
                edits: edits.into_iter().map(lsp::OneOf::Left).collect(),
            })
            .collect();
        Some(lsp::WorkspaceEdit {
            changes: None,
            document_changes: Some(lsp::DocumentChanges::Edits(edits)),
            change_annotations: None,
        })
    } else {
        let changes: HashMap<lsp::Uri, Vec<lsp::TextEdit>> = files
            .into_iter()
            .map(|(uri, _, edits)| (uri, edits))
            .collect();
        Some(lsp::WorkspaceEdit {
            changes: Some(changes),
            document_changes: None,
            change_annotations: None,
        })
    }
}
