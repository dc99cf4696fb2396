//! Main specs: `openspec/specs/<capability>/spec.md`.

use rustc_hash::FxHashMap;

use super::reader::{self, SectionTree};
use super::{headings, Heading, Requirement, Span};
use crate::syntax::{js, Doc};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Purpose {
    pub heading: Span,
    /// The length of the content (trimmed, as OpenSpec reads it) in UTF-16
    /// units, as OpenSpec counts it; 0 when there is none. The rules need no
    /// more of the text.
    pub text_len: u32,
    /// The content lines (first to last non-blank), or the heading when empty.
    pub span: Span,
    /// Where a placeholder Purpose (`TBD…`, `TODO…`, archive's sentence) is.
    pub placeholder: Option<Span>,
}

impl Purpose {
    /// The content as OpenSpec reads it (trimmed, line breaks as `\n`),
    /// read again from the file's `text`: only a hover shows it.
    pub fn text(&self, text: &str) -> String {
        if self.text_len == 0 {
            return String::new();
        }
        let raw = js::trim(text.get(self.span.range()).unwrap_or(""));
        if raw.contains('\r') {
            raw.replace("\r\n", "\n").replace('\r', "\n")
        } else {
            raw.to_string()
        }
    }
}

/// A direct child heading of the Requirements section: what OpenSpec's
/// schema reader counts as a requirement, whatever its text says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaRequirement {
    pub header: Span,
    pub level: u8,
    pub title: String,
    /// Whether the heading is a `### Requirement:` header.
    pub canonical: bool,
    /// The requirement text (body, or the title when there is none), in
    /// UTF-16 code units as OpenSpec measures it.
    pub text_len: usize,
    pub text_is_empty: bool,
    /// Child headings with a body.
    pub scenarios: usize,
    /// Child headings without one.
    pub empty_children: usize,
    /// The lines this was read from: the heading to the end of everything
    /// under it (what re-reading can reuse it by).
    pub extent: Span,
    /// Whether the heading line is inside a code fence, where the lines
    /// under it would be read with a fence open.
    pub masked: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MainSpec {
    pub headings: Vec<Heading>,
    pub purpose: Option<Purpose>,
    /// The `Requirements` section heading, found anywhere, any level.
    pub requirements_heading: Option<Span>,
    pub schema_requirements: Vec<SchemaRequirement>,
    /// `### Requirement:` blocks inside the first `## Requirements` section.
    pub requirements: Vec<Requirement>,
    /// `## ADDED|MODIFIED|REMOVED|RENAMED Requirements` lines.
    // This and the next two are rare, and thin (a pointer, no allocation
    // while empty): a main spec is kept for every capability of a tree.
    pub delta_headers: thin_vec::ThinVec<(Span, String)>,
    /// `### Requirement:` headers outside the `## Requirements` section.
    pub outside_requirements: thin_vec::ThinVec<(Span, String)>,
    /// Things meant as scenarios that OpenSpec cannot see.
    pub misplaced_scenarios: thin_vec::ThinVec<super::delta::MisplacedScenario>,
}

impl MainSpec {
    pub fn parse(text: &str) -> MainSpec {
        MainSpec::reparse(text, None)
    }

    /// Reads `text`, taking from `prev` (the summary of `prev_text`, the
    /// same file before an edit) every requirement block whose lines did not
    /// change instead of reading it again. The result equals `parse(text)`:
    /// a block's requirement depends only on its own lines, since its header
    /// is never inside a code fence.
    pub fn reparse(text: &str, prev: Option<(&MainSpec, &str)>) -> MainSpec {
        let reuse: FxHashMap<&str, &Requirement> = prev
            .map(|(spec, old)| {
                spec.requirements
                    .iter()
                    .filter_map(|r| Some((old.get(r.extent.range())?, r)))
                    .collect()
            })
            .unwrap_or_default();
        // The same for the schema reader's view, for headings outside fences
        // (their lines are then read the same wherever they stand).
        let reuse_schema: FxHashMap<&str, &SchemaRequirement> = prev
            .map(|(spec, old)| {
                spec.schema_requirements
                    .iter()
                    .filter(|r| !r.masked)
                    .filter_map(|r| Some((old.get(r.extent.range())?, r)))
                    .collect()
            })
            .unwrap_or_default();
        let doc = Doc::new(text);
        let tree = SectionTree::new(&doc);
        let purpose = tree.find("Purpose").map(|p| read_purpose(&doc, &tree, p));
        let req_section = tree.find("Requirements");
        let schema_requirements = req_section
            .map(|r| {
                tree.nodes[r]
                    .children
                    .iter()
                    .map(|&c| {
                        let extent = schema_extent(&doc, &tree, c);
                        let reused = (!doc.masked(tree.nodes[c].line))
                            .then(|| reuse_schema.get(&text[extent.range()]))
                            .flatten();
                        match reused {
                            Some(r) => SchemaRequirement {
                                header: Span {
                                    start: r.header.start - r.extent.start + extent.start,
                                    end: r.header.end - r.extent.start + extent.start,
                                },
                                extent,
                                ..(*r).clone()
                            },
                            None => schema_requirement(&doc, &tree, c),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();

        // The block reader's region: the first `## Requirements` line to the
        // next `## ` line.
        let region = (0..doc.len())
            .find(|&i| !doc.masked(i) && reader::is_requirements_header(doc.line(i)))
            .map(|h| {
                let end = (h + 1..doc.len())
                    .find(|&i| !doc.masked(i) && reader::is_level2(doc.line(i)))
                    .unwrap_or(doc.len());
                (h, end)
            });
        let requirements = region
            .map(|(h, end)| {
                reader::requirement_blocks(&doc, h + 1, end)
                    .into_iter()
                    .map(|(s, e)| {
                        let start = doc.lines[s].start as usize;
                        let lines = &text[start..reader::extent_end(&doc, e)];
                        match reuse.get(lines) {
                            Some(r) => r.shifted(
                                start as i64 - r.extent.start as i64,
                                s as i64 - r.line as i64,
                            ),
                            None => reader::read_requirement(&doc, s, e),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();

        let mut delta_headers = thin_vec::ThinVec::new();
        let mut outside_requirements = thin_vec::ThinVec::new();
        for i in 0..doc.len() {
            if doc.masked(i) {
                continue;
            }
            let line = doc.line(i);
            if super::delta::delta_section_header(line).is_some() {
                delta_headers.push((doc.trimmed_range(i).into(), js::trim(line).to_string()));
                continue;
            }
            if let Some((_, _, true)) = reader::requirement_header(line) {
                let inside = region.is_some_and(|(h, e)| i > h && i < e);
                if !inside {
                    outside_requirements
                        .push((doc.trimmed_range(i).into(), js::trim(line).to_string()));
                }
            }
        }

        MainSpec {
            headings: headings(&doc),
            purpose,
            requirements_heading: req_section.map(|r| doc.trimmed_range(tree.nodes[r].line).into()),
            schema_requirements,
            requirements,
            delta_headers,
            outside_requirements,
            misplaced_scenarios: super::delta::misplaced_scenarios(&doc, 0, doc.len()).into(),
        }
    }

    pub fn requirement(&self, name: &str) -> Option<&Requirement> {
        self.requirements.iter().find(|r| r.name == name)
    }
}

fn read_purpose(doc: &Doc, tree: &SectionTree, idx: usize) -> Purpose {
    let s = &tree.nodes[idx];
    let text = tree.content(doc, idx);
    let heading: Span = doc.trimmed_range(s.line).into();
    let first = (s.line + 1..s.content_end).find(|&i| !js::trim(doc.line(i)).is_empty());
    let span = match first {
        Some(f) => {
            let last = reader::last_content_line(doc, f, s.content_end);
            Span::new(doc.trimmed_range(f).start, doc.trimmed_range(last).end)
        }
        None => heading,
    };
    let placeholder = placeholder(&text).map(|kind| {
        let lines = (s.line + 1..s.content_end).filter(|&i| !doc.masked(i));
        let found = match kind {
            Placeholder::Leading => lines
                .into_iter()
                .find(|&i| !js::trim(doc.line(i)).is_empty()),
            Placeholder::Generated => lines
                .into_iter()
                .find(|&i| doc.line(i).contains(PLACEHOLDER_PREFIX.trim_end())),
        };
        found.map(|i| doc.trimmed_range(i).into()).unwrap_or(span)
    });
    Purpose {
        heading,
        text_len: js::utf16_len(&text) as u32,
        span,
        placeholder,
    }
}

const PLACEHOLDER_PREFIX: &str = "TBD - created by archiving change ";
const PLACEHOLDER_SUFFIX: &str = ". Update Purpose after archive.";

enum Placeholder {
    Leading,
    Generated,
}

/// OpenSpec's placeholder test on a Purpose: archive's generated sentence, or
/// a leading `TBD`/`TODO` marker (shouted, or any case when punctuation or the
/// end of the line follows it).
fn placeholder(purpose: &str) -> Option<Placeholder> {
    let lines: Vec<&str> = purpose.split('\n').collect();
    let mask = reader::fence_mask(&lines);
    let prose: Vec<&str> = lines
        .iter()
        .zip(&mask)
        .filter(|(_, m)| !**m)
        .map(|(l, _)| *l)
        .collect();
    let prose = prose.join("\n");
    let prose = js::trim(&prose);
    if leading_marker(prose) {
        return Some(Placeholder::Leading);
    }
    // A suffix with the prefix starting at or before it.
    let first_prefix = prose.find(PLACEHOLDER_PREFIX)?;
    prose[first_prefix..]
        .contains(PLACEHOLDER_SUFFIX)
        .then_some(Placeholder::Generated)
}

fn leading_marker(prose: &str) -> bool {
    for marker in ["TBD", "TODO"] {
        let Some(rest) = js::strip_prefix_ci(prose, marker) else {
            continue;
        };
        let next = rest.chars().next();
        if next.is_some_and(|c| c.is_alphanumeric() || c == '_' || is_mark(c)) {
            continue;
        }
        if &prose[..marker.len()] == marker {
            return true;
        }
        let after = rest.trim_start_matches([' ', '\t']);
        match after.chars().next() {
            None | Some('\n') => return true,
            Some(c) if ":-\u{2013}\u{2014}.,;()[]{}".contains(c) => return true,
            _ => {}
        }
    }
    false
}

fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x300..=0x36f | 0x1ab0..=0x1aff | 0x1dc0..=0x1dff | 0x20d0..=0x20ff | 0xfe20..=0xfe2f)
}

/// Words that mean "Requirement" and are written where OpenSpec wants the
/// `Requirement:` prefix (`### 需求: 登录`): the prefix goes in their place,
/// not in front of them.
const REQUIREMENT_WORDS: &[&str] = &[
    "requirement",
    "需求",
    "要求",
    "要件",
    "요구사항",
    "anforderung",
    "exigence",
    "requisito",
];

/// The requirement name a heading's title stands for, as the name of a
/// `### Requirement:` header: a leading `Requirement` word (or one of its
/// translations) with a missing, misspelt or full-width colon is dropped;
/// `None` when no name is left.
pub fn requirement_name(title: &str) -> Option<String> {
    let t = js::trim(js::strip_closing_hashes(js::trim(title)));
    let t = REQUIREMENT_WORDS
        .iter()
        .find_map(|w| after_word(t, w))
        .unwrap_or(t);
    let t = js::trim(t);
    (!t.is_empty()).then(|| t.to_string())
}

/// What follows `word` (any case) at the start of `t` and the separators
/// after it, when `word` is a whole word there.
pub fn after_word<'a>(t: &'a str, word: &str) -> Option<&'a str> {
    let rest = js::strip_prefix_ci(t, word)?;
    // A word in a script without spaces ends at its separator.
    if rest.chars().next().is_some_and(char::is_alphanumeric) && word.is_ascii() {
        return None;
    }
    let sep = [':', '\u{ff1a}', '-', '\u{2013}', '\u{2014}', '*', ' ', '\t'];
    let after = rest.trim_start_matches(sep);
    // `需求管理` is a word of its own, not the prefix.
    if !word.is_ascii() && after.len() == rest.len() {
        return None;
    }
    Some(after)
}

/// The lines `schema_requirement` reads for node `idx`: its heading to the
/// end of its content, its children's content and its subtree.
fn schema_extent(doc: &Doc, tree: &SectionTree, idx: usize) -> Span {
    let s = &tree.nodes[idx];
    let next = tree.nodes[idx + 1..]
        .iter()
        .find(|n| n.level <= s.level)
        .map(|n| n.line)
        .unwrap_or(doc.len());
    let end = s
        .children
        .iter()
        .map(|&c| tree.nodes[c].content_end)
        .chain([s.content_end, next])
        .max()
        .unwrap_or(next);
    Span::new(
        doc.lines[s.line].start as usize,
        reader::extent_end(doc, end),
    )
}

pub(super) fn schema_requirement(doc: &Doc, tree: &SectionTree, idx: usize) -> SchemaRequirement {
    let extent = schema_extent(doc, tree, idx);
    let s = &tree.nodes[idx];
    let body_len = reader::requirement_body_len(doc, s.line + 1, s.content_end);
    // With no body, OpenSpec falls back to the title as the text.
    let text_len = if body_len > 0 {
        body_len
    } else {
        js::utf16_len(js::trim(s.title))
    };
    let scenarios = s
        .children
        .iter()
        .filter(|&&c| reader::has_content(doc, tree.nodes[c].line + 1, tree.nodes[c].content_end))
        .count();
    let empty_children = s.children.len() - scenarios;
    SchemaRequirement {
        header: doc.trimmed_range(s.line).into(),
        level: s.level,
        title: s.title.to_string(),
        canonical: reader::requirement_header(doc.line(s.line)).is_some(),
        text_len,
        text_is_empty: text_len == 0,
        scenarios,
        empty_children,
        extent,
        masked: doc.masked(s.line),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_purpose_requirements_and_scenarios() {
        let src = "# Voice\n\n## Purpose\nAnswer calls.\n\n## Requirements\n\n### Requirement: Answer\nThe agent SHALL answer.\n\n#### Scenario: Ring\n- **WHEN** it rings\n- **THEN** it answers\n\n#### Scenario: Empty\n\n### Requirement: Other ###\nMUST\n";
        let spec = MainSpec::parse(src);
        assert_eq!(spec.purpose.as_ref().unwrap().text_len, 13);
        assert_eq!(spec.purpose.as_ref().unwrap().text(src), "Answer calls.");
        assert_eq!(spec.requirements.len(), 2);
        let r = &spec.requirements[0];
        assert_eq!(r.name, "Answer");
        assert!(r.has_text && r.shall_or_must);
        // The text itself is read again when shown.
        assert_eq!(
            crate::model::reader::requirement_text(src, r),
            "The agent SHALL answer."
        );
        assert_eq!(
            crate::model::reader::requirement_text(src, &spec.requirements[1]),
            "MUST"
        );
        assert_eq!(r.scenarios.len(), 2);
        assert_eq!(r.scenario_count(), 1);
        assert_eq!(r.empty_scenarios, 1);
        assert_eq!(r.scenarios[0].steps.len(), 2);
        assert_eq!(spec.requirements[1].name, "Other");
        assert_eq!(spec.schema_requirements.len(), 2);
        assert!(spec.schema_requirements.iter().all(|s| s.canonical));
    }

    #[test]
    fn placeholder_purposes() {
        assert!(placeholder("TBD").is_some());
        assert!(placeholder("tbd: fill in").is_some());
        assert!(placeholder("todo").is_some());
        assert!(placeholder("Todo list management for agents").is_none());
        assert!(placeholder("TODOS are tracked").is_none());
        assert!(placeholder(
            "TBD - created by archiving change add-x. Update Purpose after archive."
        )
        .is_some());
        assert!(placeholder("Routes calls to the right agent.").is_none());
    }

    #[test]
    fn requirement_names_drop_a_prefix_in_any_spelling() {
        let name = |t| requirement_name(t);
        assert_eq!(name("Transfer").as_deref(), Some("Transfer"));
        assert_eq!(
            name("requirement - Transfer ##").as_deref(),
            Some("Transfer")
        );
        assert_eq!(name("需求: 登录").as_deref(), Some("登录"));
        assert_eq!(name("需求：登录").as_deref(), Some("登录"));
        assert_eq!(name("需求管理").as_deref(), Some("需求管理"));
        assert_eq!(
            name("LCDN-001: CDN URL Pattern Matching").as_deref(),
            Some("LCDN-001: CDN URL Pattern Matching")
        );
        assert_eq!(
            name("Requirements coverage").as_deref(),
            Some("Requirements coverage")
        );
        assert_eq!(name("Requirement:"), None);
    }

    #[test]
    fn fenced_structure_is_ignored() {
        let spec = MainSpec::parse("## Purpose\nx\n## Requirements\n```\n### Requirement: Fake\n## ADDED Requirements\n```\n");
        assert!(spec.requirements.is_empty());
        assert!(spec.delta_headers.is_empty());
    }
}
