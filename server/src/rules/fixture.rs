//! Rule tests: the diagnostics of a fixture workspace (see
//! [`crate::workspace::fixture`]), rendered so that expectations read like
//! the text they point at.

use std::path::Path;

use crate::rules::{check_workspace, Diagnostic};
use crate::text::LineIndex;
pub use crate::workspace::fixture::workspace;
use crate::workspace::Workspace;

/// Each diagnostic as `code path:line `marked text``, 1-based lines.
pub fn render(ws: &Workspace, diags: &[Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .map(|d| {
            let text = ws.file(&d.path).map(|f| f.text.as_str()).unwrap_or("");
            let line = LineIndex::new(text)
                .line_col(text, d.span.start as usize)
                .line
                + 1;
            let marked = text.get(d.span.range()).unwrap_or("");
            format!("{} {}:{} `{}`", d.code.as_str(), d.path, line, marked)
        })
        .collect()
}

/// All diagnostics of a fixture, rendered.
pub fn check(fixture: &str) -> Vec<String> {
    let ws = workspace(fixture);
    render(&ws, &check_workspace(&ws))
}

/// Diagnostics of a fixture whose code starts with `prefix`.
pub fn check_only(fixture: &str, prefix: &str) -> Vec<String> {
    check(fixture)
        .into_iter()
        .filter(|d| d.starts_with(prefix))
        .collect()
}

/// Diagnostics and messages, for tests that read the message.
pub fn messages(fixture: &str, prefix: &str) -> Vec<String> {
    let ws = workspace(fixture);
    check_workspace(&ws)
        .into_iter()
        .filter(|d| d.code.as_str().starts_with(prefix))
        .map(|d| d.message)
        .collect()
}

pub fn check_bytes(path: &str, bytes: &[u8]) -> Vec<String> {
    let ws = Workspace::from_memory(
        Path::new("/fixture"),
        vec![(path.to_string(), bytes.to_vec())],
    );
    render(&ws, &check_workspace(&ws))
}
