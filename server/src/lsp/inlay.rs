//! `textDocument/inlayHint`: the `ide` layer's hints in the requested range.

use tower_lsp_server::ls_types as lsp;

use super::convert::{self, FilePositions};
use super::state::View;
use crate::ide::inlay;

pub fn inlay_hints(v: &View, p: lsp::InlayHintParams) -> Option<Vec<lsp::InlayHint>> {
    let place = v.uri_place(&p.text_document.uri)?;
    let pos = FilePositions::at(v, &place)?;
    let range = pos.span(p.range);
    let hints = inlay::inlay_hints(v.ws(place.root)?, &place.rel, range);
    Some(
        hints
            .into_iter()
            .map(|h| lsp::InlayHint {
                position: convert::position_out(pos.position(h.offset)),
                label: lsp::InlayHintLabel::String(h.label),
                kind: None,
                text_edits: None,
                tooltip: h.tooltip.map(lsp::InlayHintTooltip::String),
                padding_left: Some(true),
                padding_right: None,
                data: None,
            })
            .collect(),
    )
}
