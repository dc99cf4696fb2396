//! Completions checked by the rules: what an accepted item writes reads as
//! valid Markdown of its kind.

use crate::ide::completion::tests::{apply, complete, item, MODIFY};
use crate::ide::fixture::VOICE;
use crate::rules::check_workspace;
use crate::rules::fixture::render;
use crate::workspace::fixture::workspace;

/// The whole block a MODIFIED name brings makes a delta the rules accept.
#[test]
fn a_modified_block_is_a_valid_delta() {
    let (fx, c) = complete(&format!("{VOICE}{MODIFY}"));
    let text = apply(&fx.ws, &fx.rel, item(&c, "Transfer"));
    let mut ws = workspace(VOICE);
    ws.set_text(&fx.rel, text);
    let diags = render(&ws, &check_workspace(&ws));
    assert!(!diags.iter().any(|d| d.starts_with("delta/")), "{diags:?}");
}
