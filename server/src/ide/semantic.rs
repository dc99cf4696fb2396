//! Semantic tokens: the words the dialect gives a meaning that Markdown
//! highlighting cannot know.
//!
//! - RFC 2119 keywords (uppercase, whole words; `MUST NOT`, `SHALL NOT` and
//!   `SHOULD NOT` as one token when on one line) in requirement bodies, the
//!   text between a `### Requirement:` header and its first sub-heading,
//!   outside fenced code and inline code;
//! - step keywords (GIVEN, WHEN, THEN, AND, BUT) of scenario steps, in
//!   either spelling;
//! - in task lists: each task's id, each dependency id, and the target of
//!   each acceptance link.
//!
//! Every token lies on one line (spans come from single lines), and tokens
//! come sorted and without overlap, as the protocol's relative encoding
//! needs.

use crate::model::{Requirement, Span};
use crate::syntax::Doc;
use crate::workspace::{SourceFile, Workspace};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// MUST, SHALL NOT, MAY… in a requirement body.
    Rfc2119,
    /// GIVEN/WHEN/THEN/AND/BUT starting a scenario step.
    StepKeyword,
    /// A task's own id, where the task is written.
    TaskId,
    /// A task or group id named as a dependency.
    DependencyId,
    /// The `path#anchor` of an acceptance link.
    AcceptanceLink,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub span: Span,
    pub kind: TokenKind,
}

/// Every token of a file, sorted by position.
pub fn semantic_tokens(ws: &Workspace, rel: &str) -> Vec<Token> {
    let Some(file) = ws.file(rel) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    requirements(file, file.summary.requirement_blocks(), &mut out);
    for t in file.summary.tasks() {
        if let Some(span) = t.id_span {
            out.push(Token {
                span,
                kind: TokenKind::TaskId,
            });
        }
        for d in &t.deps {
            out.push(Token {
                span: d.span,
                kind: TokenKind::DependencyId,
            });
        }
        for l in t.acceptance.iter().flat_map(|a| &a.links) {
            out.push(Token {
                span: l.target_span,
                kind: TokenKind::AcceptanceLink,
            });
        }
    }
    out.retain(|t| t.span.start < t.span.end && one_line(file.text(), t.span));
    out.sort_by_key(|t| (t.span.start, t.span.end));
    // Spans from the readers do not overlap; should two ever do, the first
    // wins, so the encoding stays valid.
    let mut end = 0;
    out.retain(|t| {
        let keep = t.span.start >= end;
        if keep {
            end = t.span.end;
        }
        keep
    });
    out
}

/// The tokens that touch `range`.
pub fn semantic_tokens_in(ws: &Workspace, rel: &str, range: Span) -> Vec<Token> {
    let mut all = semantic_tokens(ws, rel);
    all.retain(|t| t.span.end > range.start && t.span.start < range.end);
    all
}

fn one_line(text: &str, span: Span) -> bool {
    text.get(span.range())
        .is_some_and(|s| !s.contains(['\n', '\r']))
}

fn requirements<'a>(
    file: &SourceFile,
    reqs: impl Iterator<Item = &'a Requirement>,
    out: &mut Vec<Token>,
) {
    let doc = Doc::new(file.text());
    let headings = file.headings();
    for r in reqs {
        // Headings are in document order.
        let next = headings.partition_point(|h| h.span.start <= r.header.end);
        let body_end = headings
            .get(next)
            .map_or(r.block.end, |h| h.span.start.min(r.block.end));
        let first = (r.line + 1) as usize;
        for i in first..doc.len() {
            let range = doc.range(i);
            if range.start as u32 >= body_end {
                break;
            }
            if doc.masked(i) {
                continue;
            }
            keywords(doc.line(i), range.start, out);
        }
        for s in &r.scenarios {
            for st in &s.steps {
                out.push(Token {
                    span: st.keyword_span,
                    kind: TokenKind::StepKeyword,
                });
            }
        }
    }
}

const KEYWORDS: &[&str] = &[
    "MUST",
    "SHALL",
    "SHOULD",
    "REQUIRED",
    "RECOMMENDED",
    "MAY",
    "OPTIONAL",
];

/// RFC 2119 keywords in one line starting at byte `at`, outside inline
/// code spans.
fn keywords(line: &str, at: usize, out: &mut Vec<Token>) {
    let b = line.as_bytes();
    let word_byte = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut i = 0;
    let mut in_code = false;
    while i < b.len() {
        if b[i] == b'`' {
            in_code = !in_code;
            i += 1;
            continue;
        }
        if !word_byte(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && word_byte(b[i]) {
            i += 1;
        }
        if in_code || !KEYWORDS.contains(&&line[start..i]) {
            continue;
        }
        let mut end = i;
        if matches!(&line[start..i], "MUST" | "SHALL" | "SHOULD") {
            let gap = b[i..]
                .iter()
                .take_while(|c| **c == b' ' || **c == b'\t')
                .count();
            let after = i + gap;
            if gap > 0
                && line[after..].starts_with("NOT")
                && b.get(after + 3).is_none_or(|c| !word_byte(*c))
            {
                end = after + 3;
                i = end;
            }
        }
        out.push(Token {
            span: Span::new(at + start, at + end),
            kind: TokenKind::Rfc2119,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::{render_span, Fixture};

    fn render(ws: &Workspace, rel: &str, tokens: &[Token]) -> Vec<String> {
        tokens
            .iter()
            .map(|t| format!("{:?} {}", t.kind, render_span(ws, rel, t.span)))
            .collect()
    }

    #[test]
    fn keywords_in_bodies_and_steps() {
        let fx = Fixture::new(
            "//- openspec/specs/a/spec.md
## Purpose
The system SHALL be described here, which is no requirement.
## Requirements
### Requirement: Must SHALL header
The system MUST NOT drop 🎉 calls and SHALL log them; it MAY retry,
SHOULD\tNOT loop, MUSTARD is no keyword, `SHALL` in code is not, OPTIONAL.
```
MUST in a fence
```
**Note**: REQUIRED and RECOMMENDED count.
#### Scenario: Works
- **WHEN** the agent MUST act
- **and** it acts
Then it SHALL be done
",
        );
        let rel = "openspec/specs/a/spec.md";
        assert_eq!(
            render(&fx.ws, rel, &semantic_tokens(&fx.ws, rel)),
            [
                "Rfc2119 openspec/specs/a/spec.md:5 \"MUST NOT\"",
                "Rfc2119 openspec/specs/a/spec.md:5 \"SHALL\"",
                "Rfc2119 openspec/specs/a/spec.md:5 \"MAY\"",
                "Rfc2119 openspec/specs/a/spec.md:6 \"SHOULD\\tNOT\"",
                "Rfc2119 openspec/specs/a/spec.md:6 \"OPTIONAL\"",
                "Rfc2119 openspec/specs/a/spec.md:10 \"REQUIRED\"",
                "Rfc2119 openspec/specs/a/spec.md:10 \"RECOMMENDED\"",
                "StepKeyword openspec/specs/a/spec.md:12 \"WHEN\"",
                "StepKeyword openspec/specs/a/spec.md:13 \"and\"",
                "StepKeyword openspec/specs/a/spec.md:14 \"Then\"",
            ]
        );
    }

    #[test]
    fn delta_blocks_and_task_references() {
        let fx = Fixture::new(
            "//- openspec/changes/c/specs/a/spec.md
## ADDED Requirements
### Requirement: New
It SHALL be new.
#### Scenario: S
- **GIVEN** x
- **BUT** y
## REMOVED Requirements
### Requirement: Old
It MUST go.
//- openspec/changes/c/tasks.md
## 1. A
- [ ] 1.1 漢字 (requires 1.2, 2)
  - Acceptance: [s](specs/a/spec.md#scenario-s), [t](specs/a/spec.md#requirement-new)
- [x] 1.2 b
",
        );
        let delta = "openspec/changes/c/specs/a/spec.md";
        assert_eq!(
            render(&fx.ws, delta, &semantic_tokens(&fx.ws, delta)),
            [
                "Rfc2119 openspec/changes/c/specs/a/spec.md:3 \"SHALL\"",
                "StepKeyword openspec/changes/c/specs/a/spec.md:5 \"GIVEN\"",
                "StepKeyword openspec/changes/c/specs/a/spec.md:6 \"BUT\"",
                "Rfc2119 openspec/changes/c/specs/a/spec.md:9 \"MUST\"",
            ]
        );
        let tasks = "openspec/changes/c/tasks.md";
        let all = semantic_tokens(&fx.ws, tasks);
        assert_eq!(
            render(&fx.ws, tasks, &all),
            [
                "TaskId openspec/changes/c/tasks.md:2 \"1.1\"",
                "DependencyId openspec/changes/c/tasks.md:2 \"1.2\"",
                "DependencyId openspec/changes/c/tasks.md:2 \"2\"",
                "AcceptanceLink openspec/changes/c/tasks.md:3 \"specs/a/spec.md#scenario-s\"",
                "AcceptanceLink openspec/changes/c/tasks.md:3 \"specs/a/spec.md#requirement-new\"",
                "TaskId openspec/changes/c/tasks.md:4 \"1.2\"",
            ]
        );
        // A range: the tokens of line 3 only.
        let text = &fx.ws.file(tasks).unwrap().text();
        let line3 = text.find("  - Acceptance").unwrap();
        let line4 = text.find("- [x]").unwrap();
        let some = semantic_tokens_in(&fx.ws, tasks, Span::new(line3, line4));
        assert_eq!(some, all[3..5]);
    }

    #[test]
    fn nothing_for_other_files() {
        let fx = Fixture::new("//- openspec/changes/c/proposal.md\n## Why\nIt MUST.\n");
        assert!(semantic_tokens(&fx.ws, "openspec/changes/c/proposal.md").is_empty());
        assert!(semantic_tokens(&fx.ws, "nope").is_empty());
    }
}
