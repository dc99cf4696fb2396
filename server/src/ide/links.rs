//! Inline Markdown links: finding them outside code, resolving them to files
//! and headings of the workspace, and the document links an editor
//! underlines.

use crate::model::{Heading, Span};
use crate::syntax::Doc;
use crate::workspace::links::{fragment_anchors, target_path};
use crate::workspace::{SourceFile, Workspace};

/// A link whose target is a file of the workspace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocLink {
    /// The destination inside the parentheses (`specs/a/spec.md#x`), where
    /// editors underline the link.
    pub span: Span,
    pub target_rel: String,
    /// The 0-based line of the heading the `#anchor` names, when it does.
    pub target_line: Option<u32>,
}

/// Every inline link `[label](path#anchor)` outside code in the Markdown
/// file `rel` whose path (relative to `rel`, or to the workspace root when
/// it starts with `/`) is a file of the workspace. External URLs, images and
/// paths that name no workspace file are left out: the editor or other tools
/// handle those.
pub fn document_links(ws: &Workspace, rel: &str) -> Vec<DocLink> {
    let Some(file) = ws.file(rel).filter(|f| is_markdown(&f.rel)) else {
        return Vec::new();
    };
    scan_links(file.text())
        .into_iter()
        .filter_map(|link| {
            let target = resolve(ws, rel, &link)?;
            let (target_rel, target_line) = match target {
                Resolved::File(f) => (f.rel.clone(), None),
                Resolved::Heading(f, h) => (f.rel.clone(), Some(h.line)),
                Resolved::MissingAnchor(f) => (f.rel.clone(), None),
            };
            Some(DocLink {
                span: link.dest,
                target_rel,
                target_line,
            })
        })
        .collect()
}

pub(crate) fn is_markdown(rel: &str) -> bool {
    rel.len() >= 3 && rel.as_bytes()[rel.len() - 3..].eq_ignore_ascii_case(b".md")
}

/// An inline link to a local path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct MdLink {
    /// The whole `[label](destination "title")`.
    pub span: Span,
    /// The destination, without angle brackets or title.
    pub dest: Span,
    /// The destination before `#`, as written (still percent-encoded).
    pub path: String,
    pub fragment: Option<String>,
}

/// What a link resolves to.
pub(crate) enum Resolved<'a> {
    File(&'a SourceFile),
    Heading(&'a SourceFile, &'a Heading),
    /// The file exists but no heading has the link's anchor.
    MissingAnchor(&'a SourceFile),
}

/// Resolves `link`, found in the file `from`; `None` when its path names no
/// file of the workspace.
pub(crate) fn resolve<'a>(ws: &'a Workspace, from: &str, link: &MdLink) -> Option<Resolved<'a>> {
    let file = resolve_file(ws, from, &link.path)?;
    let Some(fragment) = link.fragment.as_deref().filter(|f| !f.is_empty()) else {
        return Some(Resolved::File(file));
    };
    Some(match find_anchor(file, fragment) {
        Some(h) => Resolved::Heading(file, h),
        None => Resolved::MissingAnchor(file),
    })
}

/// The file a link path names, relative to `from`.
fn resolve_file<'a>(ws: &'a Workspace, from: &str, path: &str) -> Option<&'a SourceFile> {
    ws.file(&target_path(from, path)?)
}

/// The heading `fragment` names; the first of an anchor, as a browser
/// goes to.
fn find_anchor<'a>(file: &'a SourceFile, fragment: &str) -> Option<&'a Heading> {
    let heads = file.headings();
    fragment_anchors(fragment).find_map(|id| heads.iter().find(|h| h.anchor == id))
}

/// Every local link of `text` outside fenced code and front matter.
pub(crate) fn scan_links(text: &str) -> Vec<MdLink> {
    let mut out = Vec::new();
    // Most files of a large workspace have no link at all.
    if memchr::memmem::find(text.as_bytes(), b"](").is_none() {
        return out;
    }
    let doc = Doc::new(text);
    for (i, l) in doc.lines.iter().enumerate() {
        if !l.masked {
            line_links(doc.line(i), l.start as usize, &mut out);
        }
    }
    out
}

/// The local link at `offset`, preferring one that starts there over one
/// that ends there (`[a](x)[b](y)`).
pub(crate) fn link_at(text: &str, offset: usize) -> Option<MdLink> {
    if offset > text.len() {
        return None;
    }
    let doc = Doc::new(text);
    let i = doc
        .lines
        .partition_point(|l| l.start as usize <= offset)
        .checked_sub(1)?;
    let l = doc.lines[i];
    if l.masked || offset > l.end as usize {
        return None;
    }
    let mut found = Vec::new();
    line_links(doc.line(i), l.start as usize, &mut found);
    let inside = |s: Span| s.start as usize <= offset && offset < s.end as usize;
    let pos = found
        .iter()
        .position(|k| inside(k.span))
        .or_else(|| found.iter().position(|k| super::hit(k.span, offset)))?;
    Some(found.swap_remove(pos))
}

/// The links of one line that starts at byte `base`. Byte-wise scanning is
/// safe: every delimiter is ASCII, and no byte of a multi-byte character is.
fn line_links(line: &str, base: usize, out: &mut Vec<MdLink>) {
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'`' => i = skip_code_span(b, i),
            b'[' => {
                let image = i > 0 && b[i - 1] == b'!';
                let Some(link) = link_from(line, i) else {
                    i += 1;
                    continue;
                };
                let end = link.end;
                if !image {
                    if let Some(l) = local_link(line, base, i, link) {
                        out.push(l);
                    }
                }
                i = end;
            }
            _ => i += 1,
        }
    }
}

/// Past the code span starting at the backtick run at `at`; an unmatched run
/// is literal text.
fn skip_code_span(b: &[u8], at: usize) -> usize {
    let n = b[at..].iter().take_while(|&&c| c == b'`').count();
    let mut p = at + n;
    while p < b.len() {
        if b[p] == b'`' {
            let m = b[p..].iter().take_while(|&&c| c == b'`').count();
            if m == n {
                return p + m;
            }
            p += m;
        } else {
            p += 1;
        }
    }
    at + n
}

struct RawLink {
    dest: (usize, usize),
    /// Just past the closing parenthesis.
    end: usize,
}

/// `[label](destination "title")` starting at the `[` at `open`.
fn link_from(line: &str, open: usize) -> Option<RawLink> {
    let b = line.as_bytes();
    let mut depth = 0usize;
    let mut p = open;
    let close = loop {
        match b.get(p)? {
            b'\\' => p += 2,
            b'`' => p = skip_code_span(b, p),
            b'[' => {
                depth += 1;
                p += 1;
            }
            b']' => {
                depth -= 1;
                if depth == 0 {
                    break p;
                }
                p += 1;
            }
            _ => p += 1,
        }
    };
    if b.get(close + 1) != Some(&b'(') {
        return None;
    }
    let mut p = skip_blanks(b, close + 2);
    let dest = if b.get(p) == Some(&b'<') {
        let start = p + 1;
        let len = b[start..].iter().position(|&c| c == b'>' || c == b'<')?;
        if b[start + len] != b'>' {
            return None;
        }
        p = start + len + 1;
        (start, start + len)
    } else {
        let start = p;
        let mut parens = 0usize;
        while let Some(&c) = b.get(p) {
            match c {
                b'\\' => p += 2,
                b' ' | b'\t' => break,
                b'(' => {
                    parens += 1;
                    p += 1;
                }
                b')' if parens == 0 => break,
                b')' => {
                    parens -= 1;
                    p += 1;
                }
                _ => p += 1,
            }
        }
        p = p.min(b.len());
        (start, p)
    };
    p = skip_blanks(b, p);
    if let Some(&q) = b.get(p).filter(|&&c| matches!(c, b'"' | b'\'' | b'(')) {
        let closing = if q == b'(' { b')' } else { q };
        p += 1 + b.get(p + 1..)?.iter().position(|&c| c == closing)? + 1;
        p = skip_blanks(b, p);
    }
    (b.get(p) == Some(&b')')).then_some(RawLink { dest, end: p + 1 })
}

fn skip_blanks(b: &[u8], mut p: usize) -> usize {
    while matches!(b.get(p), Some(b' ' | b'\t')) {
        p += 1;
    }
    p
}

fn local_link(line: &str, base: usize, open: usize, raw: RawLink) -> Option<MdLink> {
    let (ds, de) = raw.dest;
    let dest = &line[ds..de];
    if dest.is_empty() || has_scheme(dest) {
        return None;
    }
    let (path, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f.to_string())),
        None => (dest, None),
    };
    Some(MdLink {
        span: Span::new(base + open, base + raw.end),
        dest: Span::new(base + ds, base + de),
        path: path.to_string(),
        fragment,
    })
}

/// `scheme:` as in `https:`, `mailto:`, `vscode:`; two letters at least so
/// that a Windows drive letter is not one.
fn has_scheme(dest: &str) -> bool {
    let Some(colon) = dest.find(':') else {
        return false;
    };
    let scheme = &dest[..colon];
    scheme.len() >= 2
        && scheme.as_bytes()[0].is_ascii_alphabetic()
        && scheme
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'.' | b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::fixture::workspace;

    fn links(line: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        line_links(line, 0, &mut out);
        out.into_iter()
            .map(|l| {
                (
                    line[l.span.range()].to_string(),
                    line[l.dest.range()].to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn finds_local_inline_links_only() {
        assert_eq!(
            links("see [a](x.md#h) and [b](<y z.md> \"T\") or [c](https://e.org) ![i](p.png)"),
            [
                ("[a](x.md#h)".to_string(), "x.md#h".to_string()),
                ("[b](<y z.md> \"T\")".into(), "y z.md".into())
            ]
        );
        // Code spans hide links; a link label may hold one.
        assert_eq!(
            links("`[a](x.md)` [`b`](y.md)"),
            [("[`b`](y.md)".into(), "y.md".into())]
        );
        // Nested brackets, parentheses in the path, escapes.
        assert_eq!(
            links(r"[a [b]](p(1).md) \[c](z.md) [d](mailto:x@y) [e](C:x.md)"),
            [
                ("[a [b]](p(1).md)".to_string(), "p(1).md".to_string()),
                ("[e](C:x.md)".into(), "C:x.md".into())
            ]
        );
        // Unclosed forms are text.
        assert!(links("[a](x.md [b] (c) [d](e").is_empty());
        assert!(links("[🎉 ünï](").is_empty());
    }

    #[test]
    fn links_in_fences_and_front_matter_are_text() {
        let text = "---\nx: [a](b.md)\n---\n```\n[c](d.md)\n```\n[e](f.md)\n";
        let got: Vec<_> = scan_links(text).into_iter().map(|l| l.path).collect();
        assert_eq!(got, ["f.md"]);
    }

    #[test]
    fn document_links_resolve_paths_and_anchors() {
        let ws = workspace(
            "//- openspec/changes/c/tasks.md\n## 1. A 🎉\n- [ ] 1.1 a [d](design.md) [s](specs/v/spec.md#requirement-ok) [m](../../specs/v/spec.md#nope) [r](/openspec/changes/c/design.md#why) [x](gone.md) [w](https://x.org)\n  - Acceptance: [self](#1-a-)\n//- openspec/changes/c/design.md\n# D\n\n## Why\n//- openspec/changes/c/specs/v/spec.md\n## ADDED Requirements\n### Requirement: OK\nIt SHALL.\n//- openspec/specs/v/spec.md\n# V\n",
        );
        let rel = "openspec/changes/c/tasks.md";
        let text = &ws.file(rel).unwrap().text();
        let got: Vec<String> = document_links(&ws, rel)
            .into_iter()
            .map(|l| {
                format!(
                    "{} -> {} {:?}",
                    &text[l.span.range()],
                    l.target_rel,
                    l.target_line
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                "design.md -> openspec/changes/c/design.md None",
                "specs/v/spec.md#requirement-ok -> openspec/changes/c/specs/v/spec.md Some(1)",
                "../../specs/v/spec.md#nope -> openspec/specs/v/spec.md None",
                "/openspec/changes/c/design.md#why -> openspec/changes/c/design.md Some(2)",
                "#1-a- -> openspec/changes/c/tasks.md Some(0)",
            ]
        );
        assert!(document_links(&ws, "openspec/nope.md").is_empty());
    }

    #[test]
    fn link_at_prefers_the_link_starting_at_the_cursor() {
        let text = "x [a](p.md)[b](q.md)\r\n```\n[c](r.md)\n```\n";
        let at = |o| link_at(text, o).map(|l| l.path);
        assert_eq!(at(2).as_deref(), Some("p.md"));
        assert_eq!(at(11).as_deref(), Some("q.md"));
        assert_eq!(at(20).as_deref(), Some("q.md"));
        assert_eq!(at(21), None); // between CR and LF
        assert_eq!(at(text.find("[c]").unwrap() + 1), None);
        assert_eq!(at(1), None);
        assert_eq!(at(9999), None);
    }
}
