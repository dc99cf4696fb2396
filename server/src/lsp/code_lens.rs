//! `textDocument/codeLens`: the `ide` layer's lenses with their commands,
//! and when to ask clients for them again.

use serde_json::json;
use tower_lsp_server::ls_types as lsp;
use tower_lsp_server::ls_types::Uri;

use super::convert::FilePositions;
use super::state::{State, View};
use crate::ide::lens::{code_lenses, LensAction};
use crate::workspace::FileKind;

/// What the "Task graph" lens runs: implemented by the editor plugins
/// (which call [`super::commands::TASK_GRAPH`] and show the result), not by the server.
pub const SHOW_TASK_GRAPH: &str = "specls.showTaskGraph";

/// Notes an edit of `uri`: a task list or a delta spec changes the code
/// lenses of other files (coverage counts, the changes touching a main
/// requirement), which clients only ask again for when told to.
pub fn note_edit(st: &mut State, uri: &Uri) {
    let Some(place) = st.open_place(uri) else {
        return;
    };
    if matches!(
        crate::workspace::kind_of(&place.rel),
        FileKind::Tasks { .. } | FileKind::DeltaSpec { .. }
    ) {
        st.lens_stale = true;
    }
}

/// Whether to send `workspace/codeLens/refresh` now (once per batch of
/// edits, after their diagnostics, and only to clients that support it).
pub fn take_refresh(st: &mut State) -> bool {
    std::mem::take(&mut st.lens_stale) && st.caps.code_lens_refresh
}

pub fn code_lens(v: &View, p: lsp::CodeLensParams) -> Option<Vec<lsp::CodeLens>> {
    let uri = p.text_document.uri;
    let place = v.uri_place(&uri)?;
    let pos = FilePositions::at(v, &place)?;
    let lenses = code_lenses(v.ws(place.root)?, &place.rel);
    if v.cancelled() {
        return None;
    }
    Some(
        lenses
            .into_iter()
            .take_while(|_| !v.cancelled())
            .map(|l| {
                let command = match l.action {
                    Some(LensAction::ShowTaskGraph) => lsp::Command::new(
                        l.title,
                        SHOW_TASK_GRAPH.to_string(),
                        Some(vec![json!({"uri": uri.as_str(), "format": "mermaid"})]),
                    ),
                    // A title with nothing to run: editors show it as text.
                    None => lsp::Command::new(l.title, String::new(), None),
                };
                lsp::CodeLens {
                    range: pos.range(l.span),
                    command: Some(command),
                    data: None,
                }
            })
            .collect(),
    )
}
