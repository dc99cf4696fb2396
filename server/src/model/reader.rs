//! The readers OpenSpec uses, reproduced line for line: the section tree of
//! its Markdown parser, the `### Requirement:` block reader, and the
//! requirement-body and scenario readers. OpenSpec reads the same file with
//! more than one of them, and they disagree on edge cases; keeping each one
//! separate is what lets specls fire exactly where the CLI does.

use super::steps::{self, Keyword};
use super::{Requirement, Scenario, Span};
use crate::syntax::{js, lines::atx, Doc};

/// A heading of the section tree (`/^(#{1,6})\s+(.+)$/`), whose content runs
/// to the next heading of the same or a higher level.
#[derive(Clone, Debug)]
pub struct Section<'a> {
    pub level: u8,
    pub title: &'a str,
    pub line: usize,
    /// First line after the content (exclusive).
    pub content_end: usize,
    pub children: Vec<usize>,
}

pub struct SectionTree<'a> {
    pub nodes: Vec<Section<'a>>,
}

impl<'a> SectionTree<'a> {
    pub fn new(doc: &Doc<'a>) -> SectionTree<'a> {
        let heads: Vec<(usize, u8, &str)> = (0..doc.len())
            .filter_map(|i| doc.section_heading(i).map(|(l, t)| (i, l, t)))
            .collect();
        // Content ends at the next heading of the same or higher level, where
        // "heading" is the looser `/^(#{1,6})\s+/`.
        let breaks: Vec<(usize, u8)> = (0..doc.len())
            .filter_map(|i| doc.atx(i).map(|a| (i, a.level)))
            .collect();
        let mut nodes: Vec<Section> = Vec::with_capacity(heads.len());
        let mut stack: Vec<usize> = Vec::new();
        let mut b = 0;
        for &(line, level, title) in &heads {
            while b < breaks.len() && breaks[b].0 <= line {
                b += 1;
            }
            let content_end = breaks[b..]
                .iter()
                .find(|&&(_, l)| l <= level)
                .map(|&(i, _)| i)
                .unwrap_or(doc.len());
            while stack.last().is_some_and(|&p| nodes[p].level >= level) {
                stack.pop();
            }
            let idx = nodes.len();
            if let Some(&p) = stack.last() {
                nodes[p].children.push(idx);
            }
            nodes.push(Section {
                level,
                title,
                line,
                content_end,
                children: Vec::new(),
            });
            stack.push(idx);
        }
        SectionTree { nodes }
    }

    /// The first section in document order whose title equals `title`,
    /// ignoring case (OpenSpec's `findSection`).
    pub fn find(&self, title: &str) -> Option<usize> {
        let wanted = title.to_lowercase();
        self.nodes.iter().position(|s| {
            if s.title.is_ascii() {
                s.title.eq_ignore_ascii_case(&wanted)
            } else {
                s.title.to_lowercase() == wanted
            }
        })
    }

    /// The section's content as OpenSpec sees it: its lines joined and trimmed.
    pub fn content(&self, doc: &Doc, idx: usize) -> String {
        let s = &self.nodes[idx];
        content_text(doc, s.line + 1, s.content_end)
    }
}

/// Lines `from..to` joined with `\n` and trimmed.
pub fn content_text(doc: &Doc, from: usize, to: usize) -> String {
    if from >= to {
        return String::new();
    }
    let start = doc.lines[from].start as usize;
    let end = doc.lines[to - 1].end as usize;
    let raw = &doc.text[start..end];
    let trimmed = js::trim(raw);
    if raw.contains('\r') {
        trimmed.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        trimmed.to_string()
    }
}

/// Whether lines `from..to` hold anything but whitespace (OpenSpec's test
/// for a section with a body: its content, trimmed, is not empty).
pub fn has_content(doc: &Doc, from: usize, to: usize) -> bool {
    (from..to).any(|k| !js::trim(doc.line(k)).is_empty())
}

/// The length (UTF-16 units) of the requirement text OpenSpec's schema
/// reader takes from a section's content, lines `from..to`: the same walk as
/// `extract_requirement_body`, without building the text. OpenSpec trims the
/// content before splitting it, so the first non-blank line is read trimmed.
pub fn requirement_body_len(doc: &Doc, from: usize, to: usize) -> usize {
    let mut captured = (0usize, 0usize); // (units, lines)
    let mut metadata = (0usize, 0usize);
    let mut first = true;
    for k in from..to {
        let line = doc.line(k);
        let t = js::trim(line);
        if first && t.is_empty() {
            continue;
        }
        let shown = if first { js::trim_start(line) } else { line };
        first = false;
        if doc.masked(k) {
            continue;
        }
        if atx(shown).is_some() {
            break;
        }
        if t.is_empty() {
            continue;
        }
        let slot = if is_metadata_line(t) {
            &mut metadata
        } else {
            &mut captured
        };
        slot.0 += js::utf16_len(t);
        slot.1 += 1;
    }
    let (units, lines) = if captured.1 > 0 { captured } else { metadata };
    units + lines.saturating_sub(1)
}

/// The code-fence mask over a slice of lines (OpenSpec recomputes it for each
/// piece of text it reads).
pub fn fence_mask(lines: &[&str]) -> Vec<bool> {
    let mut fences = Fences::default();
    lines.iter().map(|line| fences.masks(line)).collect()
}

/// [`fence_mask`] a line at a time, for walks that build no list of lines.
#[derive(Default)]
pub struct Fences {
    open: Option<(char, usize)>,
}

impl Fences {
    /// Whether `line`, the next line of the text, is masked.
    pub fn masks(&mut self, line: &str) -> bool {
        let rest = js::trim_start(line);
        let run = rest
            .chars()
            .next()
            .filter(|c| *c == '`' || *c == '~')
            .map(|c| {
                let n = rest.chars().take_while(|&x| x == c).count();
                (c, n)
            });
        let run = run.filter(|&(_, n)| n >= 3);
        match self.open {
            None => {
                if run.is_some() {
                    self.open = run;
                    return true;
                }
                false
            }
            Some((c, n)) => {
                if let Some((c2, n2)) = run {
                    if c2 == c && n2 >= n && js::trim(&rest[n2 * c2.len_utf8()..]).is_empty() {
                        self.open = None;
                    }
                }
                true
            }
        }
    }
}

fn is_metadata_line(trimmed: &str) -> bool {
    // `/^\*\*[^*]+\*\*:/`
    let Some(inner) = trimmed.strip_prefix("**") else {
        return false;
    };
    match inner.find('*') {
        Some(n) if n > 0 => inner[n..].starts_with("**:"),
        _ => false,
    }
}

/// OpenSpec's `extractRequirementBody`: body lines up to the first heading,
/// fenced and blank lines skipped, `**Key**:` lines kept only when nothing
/// else is there.
pub fn extract_requirement_body(lines: &[&str]) -> String {
    let mut captured: Vec<&str> = Vec::new();
    let mut metadata: Vec<&str> = Vec::new();
    for (t, meta) in body_lines(lines.iter().copied()) {
        if meta {
            metadata.push(t);
        } else {
            captured.push(t);
        }
    }
    if captured.is_empty() {
        metadata.join("\n")
    } else {
        captured.join("\n")
    }
}

/// The lines [`extract_requirement_body`] reads, trimmed, each with whether
/// it is a `**Key**:` line: up to the first heading, fenced and blank lines
/// skipped.
fn body_lines<'a>(lines: impl Iterator<Item = &'a str>) -> impl Iterator<Item = (&'a str, bool)> {
    let mut fences = Fences::default();
    lines
        .filter(move |line| !fences.masks(line))
        .take_while(|line| atx(line).is_none())
        .map(js::trim)
        .filter(|t| !t.is_empty())
        .map(|t| (t, is_metadata_line(t)))
}

/// `/^###\s*Requirement:\s*(.+)\s*$/i`: the requirement name (normalised) and
/// the byte offset in the line where the name starts.
pub fn requirement_header(line: &str) -> Option<(String, usize, bool)> {
    let rest = line.strip_prefix("###")?;
    let after_ws = js::trim_start(rest);
    let spaced = after_ws.len() < rest.len();
    let after_kw = js::strip_prefix_ci(after_ws, "requirement:")?;
    if after_kw.is_empty() {
        return None;
    }
    let name_raw = js::trim_start(after_kw);
    let name = js::strip_closing_hashes(after_kw).to_string();
    Some((name, line.len() - name_raw.len(), spaced))
}

/// `/^##\s+/`: where a requirement block or the Requirements section ends.
pub fn is_level2(line: &str) -> bool {
    atx(line).is_some_and(|a| a.level == 2)
}

/// `/^##\s+Requirements\s*$/i`.
pub fn is_requirements_header(line: &str) -> bool {
    if !is_level2(line) {
        return false;
    }
    js::trim(&line[2..]).eq_ignore_ascii_case("requirements")
}

/// Lines `from..to` split into requirement blocks: each starts at a
/// `### Requirement:` header and runs to the next one or to a `## ` line.
/// Returns `(header line, end line exclusive)` pairs.
pub fn requirement_blocks(doc: &Doc, from: usize, to: usize) -> Vec<(usize, usize)> {
    let is_header = |i: usize| !doc.masked(i) && requirement_header(doc.line(i)).is_some();
    let mut out = Vec::new();
    let mut i = from;
    while i < to {
        if !is_header(i) {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        while i < to && !is_header(i) && (doc.masked(i) || !is_level2(doc.line(i))) {
            i += 1;
        }
        out.push((start, i));
    }
    out
}

/// The body text OpenSpec reads of `req` (see [`extract_requirement_body`]),
/// read again from the file's `text`: the summary keeps only the facts the
/// rules need about it, and only a hover shows it.
pub fn requirement_text(text: &str, req: &Requirement) -> String {
    let block = text.get(req.extent.range()).unwrap_or("");
    let doc = Doc::new(block);
    let body: Vec<&str> = (1..doc.len()).map(|i| doc.line(i)).collect();
    extract_requirement_body(&body)
}

/// Reads one requirement block (header at `h`, lines up to `end`).
pub fn read_requirement(doc: &Doc, h: usize, end: usize) -> Requirement {
    let line = doc.line(h);
    let (name, name_at, spaced) = requirement_header(line).expect("caller checked the header");
    let base = doc.lines[h].start as usize;
    let name_end = base + js::trim_end(line).len();
    let (has_text, shall_or_must) = body_facts(doc, h + 1, end);
    let (scenarios, empty_scenarios) = read_scenarios(doc, h + 1, end);
    let last = last_content_line(doc, h, end);
    let lowercase_keywords = lowercase_keywords(doc, h + 1, end);
    Requirement {
        name,
        header: doc.trimmed_range(h).into(),
        name_span: Span::new(base + name_at, name_end.max(base + name_at)),
        line: h as u32,
        spaced_header: spaced,
        has_text,
        shall_or_must,
        scenarios,
        empty_scenarios: empty_scenarios as u32,
        block: Span::new(base, doc.lines[last].end as usize),
        extent: Span::new(base, extent_end(doc, end)),
        lowercase_keywords: lowercase_keywords.into(),
    }
}

/// Whether the text [`extract_requirement_body`] reads from lines
/// `from..to` is not empty, and whether it holds SHALL or MUST: the same
/// walk, without building the text (a check reads every requirement, and
/// keeps only these two facts of its body).
pub fn body_facts(doc: &Doc, from: usize, to: usize) -> (bool, bool) {
    // (any line, any line with the keywords), for plain and `**Key**:` lines.
    let mut captured = (false, false);
    let mut metadata = (false, false);
    for (t, meta) in body_lines((from..to).map(|k| doc.line(k))) {
        let slot = if meta { &mut metadata } else { &mut captured };
        slot.0 = true;
        // The text joins its lines with newlines, which no word crosses.
        slot.1 = slot.1 || js::contains_shall_or_must(t);
    }
    if captured.0 {
        captured
    } else {
        metadata
    }
}

/// Where a block that ends before line `end` stops: the start of that line,
/// or the end of the text.
pub fn extent_end(doc: &Doc, end: usize) -> usize {
    doc.lines
        .get(end)
        .map(|l| l.start as usize)
        .unwrap_or(doc.text.len())
}

/// The last line of `from..to` that is not blank (at least `from`).
pub fn last_content_line(doc: &Doc, from: usize, to: usize) -> usize {
    (from..to)
        .rev()
        .find(|&i| !js::trim(doc.line(i)).is_empty())
        .unwrap_or(from)
}

/// `/^####\s+/`.
pub fn is_scenario_header(line: &str) -> bool {
    atx(line).is_some_and(|a| a.level == 4)
}

/// The scenario name OpenSpec compares: the header without `####`, without a
/// closing `#` run and without a `Scenario:` prefix.
pub fn scenario_name(line: &str) -> (&str, usize) {
    let rest = js::trim_start(&line[4..]);
    let t = js::strip_closing_hashes(rest);
    let t = match js::strip_prefix_ci(t, "scenario:") {
        Some(r) => js::trim(r),
        None => t,
    };
    let at = if t.is_empty() {
        line.len()
    } else {
        t.as_ptr() as usize - line.as_ptr() as usize
    };
    (t, at)
}

/// The scenarios of a requirement block: every unmasked `#### ` heading; a
/// body runs to the next heading of level 1–4.
fn read_scenarios(doc: &Doc, from: usize, to: usize) -> (Vec<Scenario>, usize) {
    let mut out = Vec::new();
    let mut empty = 0;
    let mut i = from;
    while i < to {
        if doc.masked(i) || !is_scenario_header(doc.line(i)) {
            i += 1;
            continue;
        }
        let h = i;
        let mut end = h + 1;
        while end < to && doc.atx(end).is_none_or(|a| a.level > 4) {
            end += 1;
        }
        let has_body = (h + 1..end).any(|k| !js::trim(doc.line(k)).is_empty());
        if !has_body {
            empty += 1;
        }
        let line = doc.line(h);
        let (name, at) = scenario_name(line);
        let base = doc.lines[h].start as usize;
        let mut steps = Vec::new();
        let mut kind: Option<Keyword> = None;
        for k in h + 1..end {
            if doc.masked(k) {
                continue;
            }
            if let Some(s) =
                steps::parse_step(doc.line(k), doc.lines[k].start as usize, k as u32, kind)
            {
                kind = Some(s.kind);
                steps.push(s);
            }
        }
        let last = last_content_line(doc, h, end);
        out.push(Scenario {
            name: name.to_string(),
            header: doc.trimmed_range(h).into(),
            name_span: Span::new(base + at, base + at + name.len()),
            line: h as u32,
            has_body,
            steps: steps.into_boxed_slice(),
            body: Span::new(
                doc.next_start(h).min(doc.lines[last].end as usize),
                doc.lines[last].end as usize,
            ),
        });
        i = end;
    }
    (out, empty)
}

/// The lowercase words that read as a slipped RFC 2119 keyword. Lowercase
/// "may" is left out: in requirement prose it says what can happen ("the
/// lookup may return another row"), almost never a permission (every "may"
/// of the corpus sample was such a possibility or a restated prohibition).
const LOWERCASE_KEYWORDS: [&str; 3] = ["must", "shall", "should"];

/// The uppercase keywords (dialect 3.2): a body that uses one writes its
/// keywords uppercase, so its lowercase words are plain English (RFC 8174).
const UPPERCASE_KEYWORDS: [&str; 7] = [
    "MUST",
    "SHALL",
    "SHOULD",
    "MAY",
    "REQUIRED",
    "RECOMMENDED",
    "OPTIONAL",
];

/// Labels that open a paragraph of rationale or commentary rather than of
/// requirement: `Why:`, `**Rationale**:`, `Note:`, `> …`.
const RATIONALE_LABELS: [&str; 9] = [
    "why",
    "rationale",
    "reason",
    "note",
    "context",
    "background",
    "because",
    "example",
    "e.g.",
];

/// Lowercase RFC 2119 keywords that read as normative slips in the body text
/// of a requirement (before its first heading): none when the body already
/// states an uppercase keyword (RFC 8174: then only uppercase words are
/// normative); never in code, quotes, block quotes or rationale paragraphs.
fn lowercase_keywords(doc: &Doc, from: usize, to: usize) -> Vec<(Span, String)> {
    let mut lines = Vec::new();
    let mut rationale = false;
    for i in from..to {
        if doc.masked(i) {
            continue;
        }
        if doc.atx(i).is_some() {
            break;
        }
        let line = doc.line(i);
        let t = js::trim(line);
        if t.is_empty() {
            rationale = false;
            continue;
        }
        if UPPERCASE_KEYWORDS
            .iter()
            .any(|kw| js::word_positions(line, kw).any(|at| !inside_code_or_quote(line, at)))
        {
            return Vec::new();
        }
        rationale |= is_rationale(t);
        if !rationale {
            lines.push(i);
        }
    }
    let mut out = Vec::new();
    for i in lines {
        let line = doc.line(i);
        let base = doc.lines[i].start as usize;
        for kw in LOWERCASE_KEYWORDS {
            for at in js::word_positions(line, kw) {
                if inside_code_or_quote(line, at) {
                    continue;
                }
                out.push((Span::new(base + at, base + at + kw.len()), kw.to_string()));
            }
        }
    }
    out.sort_by_key(|(s, _)| *s);
    out
}

/// Whether a trimmed body line opens rationale: a block quote, or one of
/// [`RATIONALE_LABELS`] (bold or not, after a bullet) followed by a colon,
/// or "Because" opening the sentence.
fn is_rationale(t: &str) -> bool {
    if t.starts_with('>') {
        return true;
    }
    let t = t.trim_start_matches(['-', '*', '+', ' ', '_']);
    RATIONALE_LABELS.iter().any(|label| {
        let Some(rest) = js::strip_prefix_ci(t, label) else {
            return false;
        };
        let rest = rest.trim_start_matches(['*', '_']);
        rest.starts_with(':')
            || rest.starts_with("s:")
            || (*label == "because" && rest.starts_with([' ', ',']))
            || *label == "e.g."
    })
}

/// Whether byte `at` of `line` is inside a code span or a double-quoted
/// string ("…" or “…”): a quoted keyword is cited, not used.
fn inside_code_or_quote(line: &str, at: usize) -> bool {
    let before = &line[..at];
    inside_backticks(line, at)
        || before.matches('"').count() % 2 == 1
        || before.matches('\u{201c}').count() > before.matches('\u{201d}').count()
}

fn inside_backticks(line: &str, at: usize) -> bool {
    line[..at].matches('`').count() % 2 == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirement_header_variants() {
        assert_eq!(
            requirement_header("### Requirement: Call routing").map(|r| r.0),
            Some("Call routing".into())
        );
        assert_eq!(
            requirement_header("###Requirement:X ##").map(|r| (r.0, r.2)),
            Some(("X".into(), false))
        );
        assert_eq!(
            requirement_header("### requirement: lower").map(|r| r.0),
            Some("lower".into())
        );
        assert!(requirement_header("### Requirement:").is_none());
        assert_eq!(
            requirement_header("### Requirement:  ").map(|r| r.0),
            Some("".into())
        );
        assert!(requirement_header("#### Requirement: X").is_none());
        assert!(requirement_header("### Scenario: X").is_none());
    }

    #[test]
    fn requirements_header_is_exact() {
        assert!(is_requirements_header("## Requirements"));
        assert!(is_requirements_header("##  requirements  "));
        assert!(!is_requirements_header("## Requirements:"));
        assert!(!is_requirements_header("### Requirements"));
        assert!(!is_requirements_header("## ADDED Requirements"));
    }

    #[test]
    fn body_reader_skips_metadata_unless_alone() {
        assert_eq!(
            extract_requirement_body(&[
                "**ID**: R1",
                "",
                "The system SHALL x.",
                "#### Scenario: a"
            ]),
            "The system SHALL x."
        );
        assert_eq!(
            extract_requirement_body(&["**Constraint**: It MUST y"]),
            "**Constraint**: It MUST y"
        );
        assert_eq!(
            extract_requirement_body(&["```", "SHALL", "```", "#### S"]),
            ""
        );
        assert_eq!(
            extract_requirement_body(&["line one", "  line two  "]),
            "line one\nline two"
        );
    }

    #[test]
    fn body_length_walk_matches_the_text_reader() {
        let cases = [
            "\n  first line  \nsecond\n",
            "**ID**: R1\n\nThe system SHALL x.\n#### Scenario: a\nb",
            "**Only**: metadata\n**More**: lines",
            "```\nSHALL\n```\nafter the fence\n",
            "\n    # indented heading-like first line\nnext",
            "😀 wide\nCJK 漢字\n",
            "",
            "\n\n",
        ];
        for body in cases {
            let text = format!("### Requirement: X\n{body}");
            let doc = Doc::new(&text);
            let content = content_text(&doc, 1, doc.len());
            let lines: Vec<&str> = content.split('\n').collect();
            let want = js::utf16_len(&extract_requirement_body(&lines));
            assert_eq!(requirement_body_len(&doc, 1, doc.len()), want, "{body:?}");
        }
    }

    /// The two facts a requirement keeps of its body are those of the text
    /// OpenSpec reads, on bodies where each fact is decided by one kind of
    /// line: a fence, a heading, `**Key**:` lines alone or beside plain ones.
    #[test]
    fn body_facts_match_the_text_reader() {
        let cases = [
            ("The system SHALL x.", (true, true)),
            (
                "**ID**: R1\n\nThe system does x.\n**Note**: it MUST y",
                (true, false),
            ),
            ("**Only**: it MUST x\n**More**: lines", (true, true)),
            ("```\nSHALL\n```\nafter the fence\n", (true, false)),
            ("~~~~\nMUST\n~~~\nstill fenced MUST", (false, false)),
            ("#### Scenario: a\nThe system SHALL x.", (false, false)),
            ("SHALLOW and MUSTARD, not the words", (true, false)),
            ("\u{a0}\u{3000}\n\tMUST\u{3000}", (true, true)),
            ("", (false, false)),
            ("\n\n", (false, false)),
        ];
        for (body, want) in cases {
            let text = format!("### Requirement: X\n{body}");
            let doc = Doc::new(&text);
            let lines: Vec<&str> = (1..doc.len()).map(|i| doc.line(i)).collect();
            let read = extract_requirement_body(&lines);
            assert_eq!(
                (!read.is_empty(), js::contains_shall_or_must(&read)),
                want,
                "{body:?}"
            );
            assert_eq!(body_facts(&doc, 1, doc.len()), want, "{body:?}");
        }
    }

    #[test]
    fn section_tree_nests_and_finds_case_insensitively() {
        let doc = Doc::new(
            "# T\n## Purpose\ntext\n## requirements\n### Requirement: A\nbody\n#### S\nx\n",
        );
        let tree = SectionTree::new(&doc);
        let p = tree.find("Purpose").unwrap();
        assert_eq!(tree.content(&doc, p), "text");
        let r = tree.find("Requirements").unwrap();
        assert_eq!(tree.nodes[r].children.len(), 1);
        let req = tree.nodes[r].children[0];
        assert_eq!(tree.nodes[req].children.len(), 1);
    }

    #[test]
    fn scenario_names_drop_prefix_and_closing_hashes() {
        assert_eq!(
            scenario_name("#### Scenario: Busy line ####").0,
            "Busy line"
        );
        assert_eq!(scenario_name("####  Edge case").0, "Edge case");
        assert_eq!(scenario_name("#### scenario:x").0, "x");
    }
}
