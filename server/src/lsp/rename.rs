//! `textDocument/prepareRename` and `textDocument/rename` over the `ide`
//! layer's rename: the name's range and text, then the edits of every file
//! that names it, as a `WorkspaceEdit`. A refused rename (an invalid or
//! taken name) is an error whose message says why.

use tower_lsp_server::ls_types as lsp;

use super::actions::workspace_edit;
use super::features::{locate, range};
use super::state::View;
use crate::ide;

pub fn prepare(v: &View, p: lsp::TextDocumentPositionParams) -> Option<lsp::PrepareRenameResponse> {
    let (place, offset) = locate(v, &p.text_document.uri, p.position)?;
    let found = ide::prepare_rename(v.ws(place.root)?, &place.rel, offset)?;
    Some(lsp::PrepareRenameResponse::RangeWithPlaceholder {
        range: range(v, place.root, &place.rel, found.span)?,
        placeholder: found.placeholder,
    })
}

pub fn rename(v: &View, p: lsp::RenameParams) -> Result<Option<lsp::WorkspaceEdit>, String> {
    let tp = p.text_document_position;
    let Some((place, offset)) = locate(v, &tp.text_document.uri, tp.position) else {
        return Ok(None);
    };
    let Some(ws) = v.ws(place.root) else {
        return Ok(None);
    };
    let change = ide::rename(ws, &place.rel, offset, &p.new_name).map_err(|e| e.0)?;
    Ok(workspace_edit(v, place.root, &change))
}
