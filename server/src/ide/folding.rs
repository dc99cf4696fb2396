//! Folding ranges from the tree-sitter-md block tree: sections (a heading to
//! the last content line before the next heading of the same or a higher
//! level), fenced and indented code, lists and list items, block quotes,
//! tables, HTML blocks, front matter and `<!-- #region -->` …
//! `<!-- #endregion -->` pairs.
//!
//! Lines are 0-based and counted as everywhere else in specls (LF, CRLF and
//! CR), from byte offsets: tree-sitter's own rows count LF only. A range ends
//! on its last line with content, and ranges of one line are left out. When
//! two ranges start on the same line (a list and its first item), only the
//! larger is kept: editors show one fold per line.

use tree_sitter::{Node, Tree};

use crate::text::LineIndex;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fold {
    pub start_line: u32,
    pub end_line: u32,
    pub kind: FoldKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FoldKind {
    Region,
    Comment,
    /// Markdown has none; kept so that the adapter maps every LSP kind.
    Imports,
}

/// Folds of `text`, whose line index is `lines` and which `tree` must be a
/// parse of (a stale tree gives wrong folds, never a panic).
pub fn folding_ranges(text: &str, lines: &LineIndex, tree: &Tree) -> Vec<Fold> {
    let mut out = Vec::new();
    let mut regions: Vec<u32> = Vec::new();
    let mut stack = vec![tree.root_node()];
    let mut cursor = tree.walk();
    while let Some(node) = stack.pop() {
        let kind = match node.kind() {
            "section"
            | "fenced_code_block"
            | "indented_code_block"
            | "list"
            | "list_item"
            | "block_quote"
            | "pipe_table"
            | "minus_metadata"
            | "plus_metadata" => Some(FoldKind::Region),
            "html_block" => {
                let head = block_head(text, &node);
                if let Some(marker) = region_marker(head) {
                    let line = lines.line_col(text, node.start_byte()).line;
                    match marker {
                        Marker::Start => regions.push(line),
                        Marker::End => {
                            if let Some(start) = regions.pop() {
                                push(&mut out, start, line, FoldKind::Region);
                            }
                        }
                    }
                    None
                } else if head.starts_with(b"<!--") {
                    Some(FoldKind::Comment)
                } else {
                    Some(FoldKind::Region)
                }
            }
            _ => None,
        };
        if let Some(kind) = kind {
            if let Some((start, end)) = line_span(text, lines, &node) {
                push(&mut out, start, end, kind);
            }
        }
        // Children in reverse so that they come off the stack in order.
        let children: Vec<Node> = node.children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
    out.sort_by(|a, b| {
        a.start_line
            .cmp(&b.start_line)
            .then(b.end_line.cmp(&a.end_line))
    });
    out.dedup_by_key(|f| f.start_line);
    out
}

/// Folds of a text without a block tree (a document too large to keep
/// one): each ATX heading's section, from the heading to its last line
/// with content before the next heading of the same or a higher level,
/// headings in fenced code and front matter left out. Linear in the text.
pub fn heading_folds(text: &str) -> Vec<Fold> {
    let doc = crate::syntax::Doc::new(text);
    let mut out = Vec::new();
    // Open sections: (level, heading line, last line with content).
    let mut open: Vec<(u8, u32, u32)> = Vec::new();
    for i in 0..doc.len() {
        let line = i as u32;
        if let Some(atx) = doc.atx(i) {
            while open.last().is_some_and(|&(l, _, _)| l >= atx.level) {
                let (_, start, end) = open.pop().expect("checked");
                push(&mut out, start, end, FoldKind::Region);
            }
            open.push((atx.level, line, line));
        }
        if !doc.line(i).trim().is_empty() {
            for s in &mut open {
                s.2 = line;
            }
        }
    }
    while let Some((_, start, end)) = open.pop() {
        push(&mut out, start, end, FoldKind::Region);
    }
    out.sort_by_key(|f| f.start_line);
    out
}

fn push(out: &mut Vec<Fold>, start_line: u32, end_line: u32, kind: FoldKind) {
    if end_line > start_line {
        out.push(Fold {
            start_line,
            end_line,
            kind,
        });
    }
}

/// The first line and the last line with content of a node.
fn line_span(text: &str, lines: &LineIndex, node: &Node) -> Option<(u32, u32)> {
    let b = text.as_bytes();
    let start = node.start_byte().min(b.len());
    let mut end = node.end_byte().min(b.len());
    while end > start && b[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    if end == start {
        return None;
    }
    let first = lines.line_col(text, start).line;
    let last = lines.line_col(text, end - 1).line;
    Some((first, last))
}

/// The node's bytes up to the first line end, without leading blanks.
fn block_head<'t>(text: &'t str, node: &Node) -> &'t [u8] {
    let b = text.as_bytes();
    let start = node.start_byte().min(b.len());
    let end = node.end_byte().min(b.len());
    let s = &b[start..end];
    let s = &s[s.iter().take_while(|c| matches!(c, b' ' | b'\t')).count()..];
    let len = s
        .iter()
        .position(|&c| c == b'\n' || c == b'\r')
        .unwrap_or(s.len());
    &s[..len]
}

enum Marker {
    Start,
    End,
}

/// `<!-- #region name -->` / `<!-- #endregion -->`, as VS Code writes them.
fn region_marker(head: &[u8]) -> Option<Marker> {
    let rest = head.strip_prefix(b"<!--")?;
    let rest = &rest[rest.iter().take_while(|c| c.is_ascii_whitespace()).count()..];
    if rest.starts_with(b"#endregion") {
        Some(Marker::End)
    } else if rest.starts_with(b"#region") {
        Some(Marker::Start)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::tree::{block_parser, parse_blocks};

    /// Without a tree, the sections of the headings: the same ranges the
    /// tree gives sections, headings in code and front matter left out,
    /// CR and CRLF counted as line ends.
    #[test]
    fn heading_folds_are_the_sections_of_the_tree() {
        let text = "---\r\n# not: a heading\r\n---\r\n# Title\r\n\r\nIntro.\n\n## One\rtext\r\r```\n# code\n```\n\n### Deep\nx\n\n\n## Two\n\n## Three\ny\n# Next\nz\n";
        let tree = parse_blocks(&mut block_parser(), text, None).unwrap();
        let lines = LineIndex::new(text);
        let header_lines: Vec<u32> = crate::syntax::Doc::new(text)
            .lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.atx > 0)
            .map(|(i, _)| i as u32)
            .collect();
        let sections: Vec<Fold> = folding_ranges(text, &lines, &tree)
            .into_iter()
            .filter(|f| header_lines.contains(&f.start_line))
            .collect();
        let by_heading = heading_folds(text);
        assert_eq!(by_heading, sections);
        let shown: Vec<String> = by_heading
            .iter()
            .map(|f| format!("{}-{}", f.start_line + 1, f.end_line + 1))
            .collect();
        assert_eq!(shown, ["4-22", "8-16", "15-16", "21-22", "23-24"]);
    }

    /// Folds as `start-end kind` with 1-based lines, for reading against the
    /// numbered fixture.
    fn folds(text: &str) -> Vec<String> {
        let tree = parse_blocks(&mut block_parser(), text, None).unwrap();
        folding_ranges(text, &LineIndex::new(text), &tree)
            .into_iter()
            .map(|f| format!("{}-{} {:?}", f.start_line + 1, f.end_line + 1, f.kind))
            .collect()
    }

    const DOC: &str = "\
---
title: x
---
# Voice 🎉

## Requirements

### Requirement: 挨拶
The agent SHALL greet.

#### Scenario: Hello
- **WHEN** a call starts
- **THEN** it says hello


## Notes
```md
### Requirement: not a heading
```
<!--
a comment
-->
<!-- #region notes -->
- one
  - nested
    more
- two
<!-- #endregion -->
> quoted
> twice

| a | b |
|---|---|
| 1 | 2 |
## Single
";

    #[test]
    fn sections_code_lists_comments_and_front_matter() {
        assert_eq!(
            folds(DOC),
            [
                "1-3 Region",   // front matter
                "4-35 Region",  // # Voice, to its last line
                "6-13 Region",  // ## Requirements, without the blank lines before ## Notes
                "8-13 Region",  // ### Requirement
                "11-13 Region", // #### Scenario
                "12-13 Region", // its steps
                "16-34 Region", // ## Notes; the fenced heading does not end it
                "17-19 Region", // fenced code
                "20-22 Comment",
                "23-28 Region", // #region … #endregion
                "24-27 Region", // the list (its first item starts on the same line)
                "25-26 Region", // the nested list under `- one`
                "29-30 Region", // block quote
                "32-34 Region", // table
            ]
        );
    }

    #[test]
    fn crlf_and_cr_line_ends_count_like_lf() {
        let lf = "# A\n\nx\n\n## B\n- a\n- b\n\n## C\n";
        assert_eq!(folds(lf), ["1-9 Region", "5-7 Region", "6-7 Region"]);
        assert_eq!(folds(&lf.replace('\n', "\r\n")), folds(lf));
        assert_eq!(folds(&lf.replace('\n', "\r")), folds(lf));
    }

    #[test]
    fn single_lines_and_empty_text_fold_nothing() {
        assert!(folds("").is_empty());
        assert!(folds("- x\n# A\n# B\n").is_empty());
    }

    #[test]
    fn a_stale_tree_does_not_panic() {
        let mut p = block_parser();
        let old = "# A\n\nlong text 🎉🎉🎉\n\n## B\n- a\n- b\n";
        let tree = parse_blocks(&mut p, old, None).unwrap();
        for text in ["", "# A", "é", "🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉"]
        {
            let _ = folding_ranges(text, &LineIndex::new(text), &tree);
        }
    }
}
