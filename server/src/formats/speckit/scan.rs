//! What every Spec Kit reader shares: which text is prose (not fenced code,
//! front matter, HTML comments or inline code), the id tokens the format
//! uses, clarification markers and template placeholders.

use super::{IdRef, Marker, Placeholder, PlaceholderKind};
use crate::formats::shape::RequirementKind;
use crate::model::Span;
use crate::syntax::{js, Doc};
use std::ops::Range;

/// A document cut into lines, with its HTML comments found: the view every
/// Spec Kit reader starts from.
pub(crate) struct Text<'a> {
    pub doc: Doc<'a>,
    /// Byte ranges of HTML comments outside fenced code, in order.
    comments: Vec<Range<usize>>,
}

impl<'a> Text<'a> {
    pub fn new(text: &'a str) -> Text<'a> {
        let doc = Doc::new(text);
        let comments = html_comments(&doc);
        Text { doc, comments }
    }

    pub fn text(&self) -> &'a str {
        self.doc.text
    }

    pub fn len(&self) -> usize {
        self.doc.len()
    }

    pub fn line(&self, i: usize) -> &'a str {
        self.doc.line(i)
    }

    pub fn start(&self, i: usize) -> usize {
        self.doc.lines[i].start as usize
    }

    /// Whether byte `at` sits inside an HTML comment.
    pub fn in_comment(&self, at: usize) -> bool {
        let k = self.comments.partition_point(|r| r.end <= at);
        self.comments.get(k).is_some_and(|r| r.start <= at)
    }

    /// Whether line `i` is outside code and front matter and does not open
    /// inside a comment: a line whose structure counts.
    pub fn prose(&self, i: usize) -> bool {
        !self.doc.masked(i) && !self.in_comment(self.start(i))
    }

    /// The ATX heading on line `i` (a prose line): its level and its title
    /// without closing hashes and trailing italic notes like `*(mandatory)*`.
    pub fn heading(&self, i: usize) -> Option<(u8, Span)> {
        if !self.prose(i) {
            return None;
        }
        let (level, title) = self.doc.section_heading(i)?;
        let title = js::strip_closing_hashes(title);
        let title = strip_italic_note(title);
        let at = offset_in(self.text(), title);
        Some((level, Span::new(at, at + title.len())))
    }

    pub fn slice(&self, s: Span) -> &'a str {
        &self.text()[s.range()]
    }

    pub fn trimmed(&self, i: usize) -> Span {
        self.doc.trimmed_range(i).into()
    }
}

/// Byte offset of `part`, a slice of `whole`, in `whole`.
pub(crate) fn offset_in(whole: &str, part: &str) -> usize {
    part.as_ptr() as usize - whole.as_ptr() as usize
}

/// `Title *(mandatory)*` or `Title _(include if …)_` → `Title`: Spec Kit's
/// headings carry these notes, and Prettier turns one style into the other.
pub(crate) fn strip_italic_note(title: &str) -> &str {
    let t = js::trim_end(title);
    for (open, close) in [("*(", ")*"), ("_(", ")_")] {
        if t.ends_with(close) {
            if let Some(k) = t.rfind(open) {
                return js::trim_end(&t[..k]);
            }
        }
    }
    t
}

fn html_comments(doc: &Doc) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    for i in 0..doc.len() {
        if doc.masked(i) {
            continue;
        }
        let line = doc.line(i);
        let base = doc.lines[i].start as usize;
        let code = code_spans(line);
        let mut pos = 0;
        loop {
            match open {
                None => {
                    let Some(k) = line[pos..].find("<!--") else {
                        break;
                    };
                    let at = pos + k;
                    pos = at + 4;
                    if code.iter().any(|r| r.contains(&at)) {
                        continue;
                    }
                    open = Some(base + at);
                }
                Some(start) => {
                    let Some(k) = line[pos..].find("-->") else {
                        break;
                    };
                    pos += k + 3;
                    out.push(start..base + pos);
                    open = None;
                }
            }
        }
    }
    if let Some(start) = open {
        out.push(start..doc.text.len());
    }
    out
}

/// Inline code spans of one line (CommonMark: a run of n backticks closed by
/// the next run of exactly n), as byte ranges including the backticks.
pub(crate) fn code_spans(line: &str) -> Vec<Range<usize>> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(k) = memchr::memchr(b'`', &b[i..]) {
        let open = i + k;
        let n = b[open..].iter().take_while(|&&c| c == b'`').count();
        let mut j = open + n;
        let mut closed = None;
        while let Some(k) = memchr::memchr(b'`', &b[j..]) {
            let at = j + k;
            let m = b[at..].iter().take_while(|&&c| c == b'`').count();
            if m == n {
                closed = Some(at + m);
                break;
            }
            j = at + m;
        }
        match closed {
            Some(end) => {
                out.push(open..end);
                i = end;
            }
            None => i = open + n,
        }
    }
    out
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Whether `s[at..]` starts a token: nothing word-like (or a hyphen, so
/// `pre-FR-001` is not an id) just before it.
fn boundary_before(s: &[u8], at: usize) -> bool {
    at == 0 || !(is_word(s[at - 1]) || s[at - 1] == b'-')
}

/// Digits then an optional single lowercase letter suffix, then a boundary.
/// Returns the end, or `None` when the digit count is outside `digits`.
fn number_end(s: &[u8], at: usize, digits: Range<usize>) -> Option<usize> {
    let n = s[at..].iter().take_while(|c| c.is_ascii_digit()).count();
    if !digits.contains(&n) {
        return None;
    }
    let mut end = at + n;
    if s.get(end).is_some_and(u8::is_ascii_lowercase)
        && !s.get(end + 1).is_some_and(|&c| is_word(c))
    {
        end += 1;
    }
    (!s.get(end).is_some_and(|&c| is_word(c))).then_some(end)
}

/// A requirement id starting at `at`: `FR-001`, `FR-01`, `FR-001a`,
/// `SC-001`, `NFR-001`/`NFR001`, `R001`. Returns its kind and end.
pub(crate) fn requirement_id_at(s: &str, at: usize) -> Option<(RequirementKind, usize)> {
    let b = s.as_bytes();
    if !boundary_before(b, at) {
        return None;
    }
    let rest = &b[at..];
    let (kind, digits_at, digits) = if rest.starts_with(b"FR-") {
        (RequirementKind::Functional, at + 3, 2..5)
    } else if rest.starts_with(b"SC-") {
        (RequirementKind::SuccessCriterion, at + 3, 2..5)
    } else if rest.starts_with(b"NFR-") {
        (RequirementKind::NonFunctional, at + 4, 2..5)
    } else if rest.starts_with(b"NFR") {
        (RequirementKind::NonFunctional, at + 3, 3..4)
    } else if rest.starts_with(b"R") {
        (RequirementKind::Plain, at + 1, 3..4)
    } else {
        return None;
    };
    number_end(b, digits_at, digits).map(|end| (kind, end))
}

/// A task id starting at `at`: `T` and digits, with an optional letter
/// suffix (`T012a`).
pub(crate) fn task_id_at(s: &str, at: usize) -> Option<usize> {
    let b = s.as_bytes();
    // A hyphen may come before: `T010-T014` is a range.
    if (at > 0 && is_word(b[at - 1])) || b.get(at) != Some(&b'T') {
        return None;
    }
    number_end(b, at + 1, 1..7)
}

/// Every requirement id in `s` (which starts at byte `base` of the file).
pub(crate) fn requirement_refs(s: &str, base: usize, out: &mut Vec<IdRef>) {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if matches!(b[i], b'F' | b'S' | b'N' | b'R') {
            if let Some((kind, end)) = requirement_id_at(s, i) {
                out.push(IdRef {
                    id: s[i..end].to_string(),
                    kind,
                    span: Span::new(base + i, base + end),
                });
                i = end;
                continue;
            }
        }
        i += 1;
    }
}

/// `[NEEDS CLARIFICATION: …]` markers of one prose line, outside inline
/// code, comments and strike-through; `bare` also takes the plan template's
/// unbracketed `NEEDS CLARIFICATION` values.
pub(crate) fn markers(t: &Text, i: usize, bare: bool, out: &mut Vec<Marker>) {
    const WORDS: &str = "NEEDS CLARIFICATION";
    let line = t.line(i);
    if !line.contains(WORDS) {
        return;
    }
    let base = t.start(i);
    let code = code_spans(line);
    let mut pos = 0;
    while let Some(k) = line[pos..].find(WORDS) {
        let at = pos + k;
        pos = at + WORDS.len();
        if code.iter().any(|r| r.contains(&at)) || t.in_comment(base + at) {
            continue;
        }
        if line[..at].matches("~~").count() % 2 == 1 {
            continue;
        }
        let bracketed = at > 0 && line.as_bytes()[at - 1] == b'[';
        if bracketed {
            let after = &line[pos..];
            let Some(body) = after.strip_prefix(':') else {
                continue;
            };
            let Some(close) = body.find(']') else {
                continue;
            };
            let question = js::trim(&body[..close]);
            let q_at = offset_in(line, question);
            let end = pos + 1 + close + 1;
            pos = end;
            out.push(Marker {
                span: Span::new(base + at - 1, base + end),
                question: Span::new(base + q_at, base + q_at + question.len()),
            });
        } else if bare && {
            // Only as the whole value of a `**Label**:` line: prose that
            // mentions the words (`no NEEDS CLARIFICATION items`) is none.
            let before = js::trim_end(&line[..at]);
            before.ends_with("**:") || before.ends_with(":**")
        } {
            out.push(Marker {
                span: Span::new(base + at, base + pos),
                question: Span::new(base + pos, base + pos),
            });
        }
    }
}

/// The template's own tokens, which a filled document no longer holds.
const TEMPLATE_TOKENS: &[&str] = &[
    "[FEATURE NAME]",
    "[FEATURE]",
    "[###-feature-name]",
    "[###-feature]",
    "[DATE]",
    "[link]",
    "[REMOVE IF UNUSED]",
    "[Brief Title]",
    "[initial state]",
    "[action]",
    "[expected outcome]",
    "[Entity 1]",
    "[Entity 2]",
    "[boundary condition]",
    "[error scenario]",
    "[Describe this user journey in plain language]",
    "[Explain the value and why it has this priority level]",
    "[Describe how this can be tested independently]",
];

/// Unfilled template tokens and TODO-style notes on line `i`. Tokens count
/// even inside code (the plan template puts `[###-feature-name]` in
/// backticks and `[REMOVE IF UNUSED]` in its fenced source tree); `TODO`,
/// `TKTK` and `???` only in prose, where code comments cannot be meant.
pub(crate) fn placeholders(t: &Text, i: usize, out: &mut Vec<Placeholder>) {
    let line = t.line(i);
    let base = t.start(i);
    if t.in_comment(base) && t.in_comment(base + line.len().saturating_sub(1)) {
        return;
    }
    let b = line.as_bytes();
    let mut pos = 0;
    while let Some(k) = memchr::memchr(b'[', &b[pos..]) {
        let at = pos + k;
        pos = at + 1;
        let Some(close) = line[at..].find(']').map(|c| at + c) else {
            break;
        };
        if matches!(b.get(close + 1), Some(b'(') | Some(b'[') | Some(b':'))
            || t.in_comment(base + at)
        {
            continue;
        }
        let token = &line[at..=close];
        if TEMPLATE_TOKENS.contains(&token)
            || token.starts_with("[e.g., ")
            || token.contains(", e.g., ")
            || is_snake_token(token)
        {
            out.push(Placeholder {
                kind: PlaceholderKind::Template,
                span: Span::new(base + at, base + close + 1),
            });
            pos = close + 1;
        }
    }
    if !t.prose(i) {
        return;
    }
    // Code, and the text of links (`[TODO list](todo.md)`), mention the
    // words rather than leave them.
    let mut code = code_spans(line);
    code.extend(link_texts(line));
    for word in ["TODO", "TKTK"] {
        for at in js::word_positions(line, word) {
            if !code.iter().any(|r| r.contains(&at))
                && !t.in_comment(base + at)
                && is_note_marker(line, at, word.len())
            {
                out.push(Placeholder {
                    kind: PlaceholderKind::Note,
                    span: Span::new(base + at, base + at + word.len()),
                });
            }
        }
    }
    let mut pos = 0;
    while let Some(k) = line[pos..].find("???") {
        let at = pos + k;
        let run = b[at..].iter().take_while(|&&c| c == b'?').count();
        pos = at + run;
        if !code.iter().any(|r| r.contains(&at)) && !t.in_comment(base + at) {
            out.push(Placeholder {
                kind: PlaceholderKind::Note,
                span: Span::new(base + at, base + at + run),
            });
        }
    }
    out.sort_by_key(|p| p.span);
}

/// Whether the `TODO` at `at` is left as a note rather than mentioned in
/// a sentence: it opens the line's text (after a bullet or emphasis), or a
/// colon, parenthesis, dash or the end of the line follows it (`TODO:`,
/// `TODO(date)`, `… (TODO)`). "a TODO stub", "TODO comments", "behind the
/// TODO flag" talk about notes in the code; every such finding of the
/// Spec Kit corpus was a false alarm.
fn is_note_marker(line: &str, at: usize, len: usize) -> bool {
    let before = line[..at].trim_start_matches([' ', '\t', '-', '*', '+', '_', '>', '[', '(']);
    let after = line[at + len..].trim_start_matches(['*', '_']);
    before.is_empty()
        || after.trim().is_empty()
        || after.starts_with([':', '(', ')', ']', '!', '.', ','])
        || after
            .trim_start()
            .starts_with(['-', '\u{2013}', '\u{2014}'])
}

/// The `[text]` parts of inline links `[text](target)`.
fn link_texts(line: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(k) = line[pos..].find("](") {
        let close = pos + k;
        pos = close + 2;
        if let Some(open) = line[..close].rfind('[') {
            out.push(open..close + 1);
        }
    }
    out
}

/// `[PRINCIPLE_1_NAME]`, `[PROJECT_NAME]`: the constitution template's
/// tokens, uppercase words joined by underscores.
fn is_snake_token(token: &str) -> bool {
    let inner = &token[1..token.len() - 1];
    inner.contains('_')
        && inner.bytes().next().is_some_and(|c| c.is_ascii_uppercase())
        && inner
            .bytes()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_')
}

/// Where a list item's text starts: after `-`, `*`, `+` or `1.`/`1)` and
/// blanks; `None` when the line is no list item.
pub(crate) fn list_item(line: &str) -> Option<usize> {
    let t = js::trim_start(line);
    let lead = line.len() - t.len();
    let b = t.as_bytes();
    let marker = match b.first()? {
        b'-' | b'*' | b'+' => 1,
        b'0'..=b'9' => {
            let d = b.iter().take_while(|c| c.is_ascii_digit()).count();
            if d > 9 || !matches!(b.get(d), Some(b'.') | Some(b')')) {
                return None;
            }
            d + 1
        }
        _ => return None,
    };
    let rest = &t[marker..];
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    Some(lead + marker + (rest.len() - js::trim_start(rest).len()))
}

/// A checkbox list item: `- [ ]`, `- [x]`, `- [X]` (also `*`, `+`, `1.`),
/// followed by a blank or the end of the line. Returns whether it is
/// checked, the checkbox's byte range and where the text after it starts.
pub(crate) fn checkbox(line: &str) -> Option<(bool, Range<usize>, usize)> {
    let at = list_item(line)?;
    let b = line.as_bytes();
    if b.get(at) != Some(&b'[') || b.get(at + 2) != Some(&b']') {
        return None;
    }
    let done = match b[at + 1] {
        b' ' => false,
        b'x' | b'X' => true,
        _ => return None,
    };
    if !matches!(b.get(at + 3), None | Some(b' ') | Some(b'\t')) {
        return None;
    }
    let rest = &line[at + 3..];
    Some((done, at..at + 3, line.len() - js::trim_start(rest).len()))
}

/// Upper-case RFC 2119 keywords of `s`, as (word, span).
pub(crate) fn keywords(s: &str, base: usize) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    for word in ["MUST", "SHALL", "SHOULD", "MAY", "REQUIRED"] {
        for at in js::word_positions(s, word) {
            out.push((
                word.to_string(),
                Span::new(base + at, base + at + word.len()),
            ));
        }
    }
    out.sort_by_key(|k| k.1);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_pair_runs_of_equal_length() {
        assert_eq!(code_spans("a `b` c"), vec![2..5]);
        assert_eq!(code_spans("``a ` b`` `c"), vec![0..9]);
        assert_eq!(code_spans("`unclosed"), Vec::<Range<usize>>::new());
    }

    #[test]
    fn requirement_ids_need_boundaries_and_digit_counts() {
        let ids = |s: &str| {
            let mut v = Vec::new();
            requirement_refs(s, 0, &mut v);
            v.into_iter().map(|r| r.id).collect::<Vec<_>>()
        };
        assert_eq!(
            ids("FR-001, FR-01 and FR-001a; SC-010."),
            ["FR-001", "FR-01", "FR-001a", "SC-010"]
        );
        assert_eq!(ids("NFR-002 NFR003 R004"), ["NFR-002", "NFR003", "R004"]);
        // Half-typed, too long, glued to a word or suffixed by more letters.
        assert!(ids("FR- FR-1 FR-00001 xFR-001 FR-001ab R12 R1234 pre-FR-001").is_empty());
    }

    #[test]
    fn task_ids() {
        assert_eq!(task_id_at("T001 x", 0), Some(4));
        assert_eq!(task_id_at("T012a,", 0), Some(5));
        assert_eq!(task_id_at("T0", 0), Some(2));
        assert_eq!(task_id_at("T ", 0), None);
        assert_eq!(task_id_at("XT001", 1), None);
        assert_eq!(task_id_at("T001ab", 0), None);
    }

    #[test]
    fn checkboxes() {
        assert_eq!(checkbox("- [ ] T001 x"), Some((false, 2..5, 6)));
        assert_eq!(checkbox("  * [X] done"), Some((true, 4..7, 8)));
        assert_eq!(checkbox("1. [x]"), Some((true, 3..6, 6)));
        assert_eq!(checkbox("- [P] parallel"), None);
        assert_eq!(checkbox("- [ ](link)"), None);
        assert_eq!(checkbox("-[ ] no space"), None);
    }

    #[test]
    fn comments_span_lines_and_ignore_code() {
        let t = Text::new("a <!-- b\nc --> d\n`<!--` e\n```\n<!--\n```\nf");
        assert!(t.in_comment(2));
        assert!(t.in_comment(10));
        assert!(!t.in_comment(15));
        // The opener in inline code and the one in a fence open nothing.
        assert!(!t.in_comment(t.start(2) + 7));
        assert!(!t.in_comment(t.start(6)));
    }
}
