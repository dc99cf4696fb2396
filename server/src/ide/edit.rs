//! Plain text edits, as quick fixes and renames return them: a file, a byte
//! span of its current text and the text to put there. The protocol adapter
//! turns them into a `WorkspaceEdit`; tests apply them with [`apply`].

use std::collections::BTreeMap;

use crate::model::Span;
use crate::workspace::Workspace;

/// Replace `span` of the file `rel` (relative to the workspace root) with
/// `new_text`. An empty span inserts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub rel: String,
    pub span: Span,
    pub new_text: String,
}

impl TextEdit {
    pub fn new(rel: &str, span: Span, new_text: impl Into<String>) -> TextEdit {
        TextEdit {
            rel: rel.to_string(),
            span,
            new_text: new_text.into(),
        }
    }
}

/// Edits to one or more files, meant to be applied together. Within a file
/// the spans do not overlap; two insertions at one offset apply in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceChange {
    pub edits: Vec<TextEdit>,
}

impl SourceChange {
    pub fn new(edits: Vec<TextEdit>) -> SourceChange {
        SourceChange { edits }
    }

    /// The files touched, sorted, each once.
    pub fn files(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self.edits.iter().map(|e| e.rel.as_str()).collect();
        out.sort();
        out.dedup();
        out
    }

    /// The edits of one file, ordered by position (stable for insertions
    /// at the same offset).
    pub fn file_edits(&self, rel: &str) -> Vec<&TextEdit> {
        let mut out: Vec<&TextEdit> = self.edits.iter().filter(|e| e.rel == rel).collect();
        out.sort_by_key(|e| (e.span.start, e.span.end));
        out
    }

    /// Drops every edit that overlaps an earlier one of the same file, so
    /// that what is left always applies. The earlier edits are the ones
    /// that matter most (callers push names before the links to them).
    pub(crate) fn drop_overlaps(&mut self) {
        let mut kept: Vec<TextEdit> = Vec::new();
        for e in std::mem::take(&mut self.edits) {
            let clash = kept
                .iter()
                .any(|k| k.rel == e.rel && overlap(k.span, e.span));
            if !clash && !kept.contains(&e) {
                kept.push(e);
            }
        }
        self.edits = kept;
    }
}

/// Whether applying both would be ambiguous: their ranges share text, or
/// one inserts strictly inside the other's range.
fn overlap(a: Span, b: Span) -> bool {
    match (a.start == a.end, b.start == b.end) {
        (true, true) => false,
        (true, false) => b.start < a.start && a.start < b.end,
        (false, true) => a.start < b.start && b.start < a.end,
        (false, false) => a.start < b.end && b.start < a.end,
    }
}

/// The new text of every file `change` touches, or why it cannot apply: a
/// file that does not exist, a span past the end or not on character
/// boundaries, or spans that overlap.
pub fn apply(ws: &Workspace, change: &SourceChange) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for rel in change.files() {
        let Some(file) = ws.file(rel) else {
            return Err(format!("{rel} is not a file of the workspace"));
        };
        let edits: Vec<(Span, &str)> = change
            .file_edits(rel)
            .iter()
            .map(|e| (e.span, e.new_text.as_str()))
            .collect();
        let text = apply_to_text(file.text(), &edits).map_err(|e| format!("{rel}: {e}"))?;
        out.insert(rel.to_string(), text);
    }
    Ok(out)
}

/// `edits` (sorted by position) applied to `text`.
pub fn apply_to_text(text: &str, edits: &[(Span, &str)]) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut at = 0usize;
    for &(span, new) in edits {
        let (s, e) = (span.start as usize, span.end as usize);
        if s > e || e > text.len() {
            return Err(format!(
                "span {s}..{e} is outside the text ({} bytes)",
                text.len()
            ));
        }
        if !text.is_char_boundary(s) || !text.is_char_boundary(e) {
            return Err(format!("span {s}..{e} is not on character boundaries"));
        }
        if s < at {
            return Err(format!("span {s}..{e} overlaps the edit before it"));
        }
        out.push_str(&text[at..s]);
        out.push_str(new);
        at = e;
    }
    out.push_str(&text[at..]);
    Ok(out)
}

/// The line break a file uses (its first one), `\n` when it has none.
pub(crate) fn line_ending(text: &str) -> &'static str {
    match text.find(['\n', '\r']) {
        Some(i) if text[i..].starts_with("\r\n") => "\r\n",
        Some(i) if text.as_bytes()[i] == b'\r' => "\r",
        _ => "\n",
    }
}

/// Where the line holding byte `at` starts.
pub(crate) fn line_start(text: &str, at: usize) -> usize {
    let at = at.min(text.len());
    text.as_bytes()[..at]
        .iter()
        .rposition(|&b| b == b'\n' || b == b'\r')
        .map_or(0, |i| i + 1)
}

/// `text` with every line break written as `eol`.
pub(crate) fn with_line_endings(text: &str, eol: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\n', eol)
}

/// The path of `to` as a link written in `from` (both relative to the
/// workspace root), with the characters that would end or break a Markdown
/// link destination percent-encoded.
pub(crate) fn relative_link(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = {
        let mut parts: Vec<&str> = from.split('/').collect();
        parts.pop();
        parts
    };
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dir
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<&str> = vec![".."; from_dir.len() - common];
    parts.extend(&to_parts[common..]);
    let path = parts.join("/");
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '#' => out.push_str("%23"),
            '%' => out.push_str("%25"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '[' => out.push_str("%5B"),
            ']' => out.push_str("%5D"),
            c => out.push(c),
        }
    }
    out
}

/// A link label that cannot end the link early: brackets dropped, and
/// backslashes too (they would escape what follows).
pub(crate) fn link_label(name: &str) -> String {
    let label: String = name
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | '\\' | '\n' | '\r'))
        .collect();
    let label = label.trim();
    if label.is_empty() {
        "scenario".to_string()
    } else {
        label.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_apply_in_order_and_refuse_bad_spans() {
        let text = "héllo world";
        let got = apply_to_text(text, &[(Span::new(0, 0), ">"), (Span::new(7, 12), "there")]);
        assert_eq!(got.as_deref(), Ok(">héllo there"));
        assert!(apply_to_text(text, &[(Span::new(2, 3), "")]).is_err());
        assert!(apply_to_text(text, &[(Span::new(0, 99), "")]).is_err());
        assert!(apply_to_text(text, &[(Span::new(0, 4), ""), (Span::new(3, 5), "")]).is_err());
    }

    #[test]
    fn relative_links_climb_and_encode() {
        assert_eq!(
            relative_link(
                "openspec/changes/c/tasks.md",
                "openspec/changes/c/specs/a/spec.md"
            ),
            "specs/a/spec.md"
        );
        assert_eq!(
            relative_link("openspec/changes/c/tasks.md", "openspec/specs/a b/spec.md"),
            "../../specs/a%20b/spec.md"
        );
    }

    #[test]
    fn line_helpers() {
        assert_eq!(line_ending("a\r\nb"), "\r\n");
        assert_eq!(line_ending("a\rb"), "\r");
        assert_eq!(line_ending("ab"), "\n");
        assert_eq!(line_start("ab\ncd", 4), 3);
        assert_eq!(line_start("ab\r\ncd", 5), 4);
        assert_eq!(line_start("ab", 1), 0);
        assert_eq!(with_line_endings("a\nb\r\nc", "\r\n"), "a\r\nb\r\nc");
    }
}
