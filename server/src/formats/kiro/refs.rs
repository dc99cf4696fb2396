//! Criterion references: the ids in `_Requirements: 1.2, 3.1-3.4_` and
//! `**Validates: Requirements 2.1**` lines, and the labelled lines that hold
//! them.
//!
//! Every id keeps its span, and what cannot be read as an id is kept as a
//! malformed reference with its span rather than dropped: a rule can then say
//! precisely what is wrong where.

use crate::model::Span;

/// A requirement number, or a criterion `req.item` (in a bugfix spec the
/// `1.x`/`2.x`/`3.x` line ids have the same shape).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CriterionId {
    pub req: u32,
    /// `None` for a whole requirement (`_Requirements: 4_`).
    pub item: Option<u32>,
}

impl CriterionId {
    pub fn criterion(req: u32, item: u32) -> CriterionId {
        CriterionId {
            req,
            item: Some(item),
        }
    }

    pub fn requirement(req: u32) -> CriterionId {
        CriterionId { req, item: None }
    }
}

impl std::fmt::Display for CriterionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.item {
            Some(i) => write!(f, "{}.{}", self.req, i),
            None => write!(f, "{}", self.req),
        }
    }
}

/// One id as written, with its span.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdRef {
    pub id: CriterionId,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ref {
    Id(IdRef),
    /// `from-to` with `from` before `to`; both ends are criteria or both are
    /// requirements.
    Range {
        from: IdRef,
        to: IdRef,
        span: Span,
    },
    /// Looks like an id (it starts with a digit or `.digit`) but is not one:
    /// `1.`, `.2`, `1.1-`, `1.3-1.1`, `1.5a`, a number too large.
    Malformed {
        text: String,
        span: Span,
        reason: &'static str,
    },
}

impl Ref {
    pub fn span(&self) -> Span {
        match self {
            Ref::Id(r) => r.span,
            Ref::Range { span, .. } | Ref::Malformed { span, .. } => *span,
        }
    }

    /// The ids this reference names. A range within one requirement expands
    /// by itself; a range across requirements needs `items_of(req)`, the
    /// number of the last criterion of requirement `req` (`None` when the
    /// spec has no such requirement). A range of whole requirements yields
    /// requirements. Malformed references name nothing. Each id carries the
    /// span of the reference it came from (its own span for the two ends).
    pub fn ids(&self, items_of: &dyn Fn(u32) -> Option<u32>) -> Vec<IdRef> {
        match self {
            Ref::Id(r) => vec![*r],
            Ref::Malformed { .. } => Vec::new(),
            Ref::Range { from, to, span } => {
                let mut out = Vec::new();
                let at = |id: CriterionId| {
                    if id == from.id {
                        from.span
                    } else if id == to.id {
                        to.span
                    } else {
                        *span
                    }
                };
                match (from.id.item, to.id.item) {
                    (Some(a), Some(b)) if from.id.req == to.id.req => {
                        for i in a..=b {
                            let id = CriterionId::criterion(from.id.req, i);
                            out.push(IdRef { id, span: at(id) });
                        }
                    }
                    (Some(a), Some(b)) => {
                        for r in from.id.req..=to.id.req {
                            let first = if r == from.id.req { a } else { 1 };
                            let last = if r == to.id.req {
                                b
                            } else {
                                match items_of(r) {
                                    Some(n) => n,
                                    None => continue,
                                }
                            };
                            for i in first..=last {
                                let id = CriterionId::criterion(r, i);
                                out.push(IdRef { id, span: at(id) });
                            }
                        }
                    }
                    _ => {
                        for r in from.id.req..=to.id.req {
                            let id = CriterionId::requirement(r);
                            out.push(IdRef { id, span: at(id) });
                        }
                    }
                }
                out
            }
        }
    }
}

/// Which label introduced a reference list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefLabel {
    /// `_Requirements: …_` (or a localised label such as `_要件: …_`).
    Requirements,
    /// `**Validates: Requirements …**`.
    Validates,
}

/// A labelled line of references.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefList {
    pub label: RefLabel,
    /// The whole line, trimmed.
    pub line: Span,
    /// The text after the label, without the closing emphasis.
    pub value: Span,
    pub refs: Vec<Ref>,
    /// Words that are no ids at all ("All", "Various", "NFR-1"): the list
    /// says something, but nothing a rule can resolve.
    pub prose: bool,
}

/// Ids cannot be this large in a real spec; a larger number is a typo and is
/// kept as malformed rather than overflowing.
const MAX_NUMBER: u32 = 100_000;

/// The longest range expanded, in requirements or in criteria.
const MAX_RANGE: u32 = 1_000;

/// Reads a reference list `value` that starts at byte `at` of the file.
pub fn parse_refs(value: &str, at: usize) -> (Vec<Ref>, bool) {
    let words = words(value);
    let mut refs = Vec::new();
    let mut prose = false;
    let mut i = 0;
    while i < words.len() {
        let (s, e) = words[i];
        let w = &value[s..e];
        if !looks_like_id(w) {
            let dash = matches!(w, "-" | "–" | "—" | "~" | "to");
            if !dash && !is_filler(w) {
                prose = true;
            }
            i += 1;
            continue;
        }
        // `1.1 - 1.3`, `1.1 to 1.3`: a range written with spaces.
        if i + 2 < words.len()
            && matches!(
                &value[words[i + 1].0..words[i + 1].1],
                "-" | "–" | "~" | "to"
            )
            && looks_like_id(&value[words[i + 2].0..words[i + 2].1])
        {
            let (s2, e2) = words[i + 2];
            refs.push(range(
                (&value[s..e], at + s),
                (&value[s2..e2], at + s2),
                &value[s..e2],
                Span::new(at + s, at + e2),
            ));
            i += 3;
            continue;
        }
        refs.push(one_word(w, at + s));
        i += 1;
    }
    (refs, prose)
}

/// Words the label often carries that say nothing themselves.
fn is_filler(w: &str) -> bool {
    let l = w.to_ascii_lowercase();
    matches!(
        l.as_str(),
        "requirement" | "requirements" | "req" | "reqs" | "and" | "&" | "要件"
    )
}

fn looks_like_id(w: &str) -> bool {
    let b = w.as_bytes();
    match b.first() {
        Some(c) if c.is_ascii_digit() => true,
        Some(b'.') => b.get(1).is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    }
}

/// Splits on whitespace, commas (ASCII and full-width), semicolons and
/// parentheses, returning byte ranges.
fn words(s: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        let sep = c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '、' | '，' | '；');
        match (sep, start) {
            (true, Some(st)) => {
                out.push((st, i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(st) = start {
        out.push((st, s.len()));
    }
    out
}

const DASHES: &[char] = &['-', '–', '—', '~'];

fn one_word(w: &str, at: usize) -> Ref {
    let span = Span::new(at, at + w.len());
    if let Some(d) = w.find(DASHES) {
        let dl = w[d..].chars().next().map_or(1, char::len_utf8);
        let (a, b) = (&w[..d], &w[d + dl..]);
        if b.is_empty() {
            return malformed(w, span, "a range needs an end");
        }
        return range((a, at), (b, at + d + dl), w, span);
    }
    match plain_id(w) {
        Ok(id) => Ref::Id(IdRef { id, span }),
        Err(reason) => malformed(w, span, reason),
    }
}

fn range((a, a_at): (&str, usize), (b, b_at): (&str, usize), whole: &str, span: Span) -> Ref {
    let text = |_: Span| whole.to_string();
    let from = match plain_id(a) {
        Ok(id) => id,
        Err(reason) => return malformed(&text(span), span, reason),
    };
    let to = match plain_id(b) {
        Ok(id) => id,
        Err(reason) => return malformed(&text(span), span, reason),
    };
    if from.item.is_some() != to.item.is_some() {
        return malformed(
            &text(span),
            span,
            "a range joins two criteria or two requirements",
        );
    }
    if to <= from {
        return malformed(&text(span), span, "a range must run upwards");
    }
    // Expanding is linear in the range's length; no spec has a thousand
    // criteria under one requirement or a thousand requirements.
    if to.req - from.req > MAX_RANGE
        || to.item.unwrap_or(0).abs_diff(from.item.unwrap_or(0)) > MAX_RANGE
    {
        return malformed(&text(span), span, "the range is too long");
    }
    Ref::Range {
        from: IdRef {
            id: from,
            span: Span::new(a_at, a_at + a.len()),
        },
        to: IdRef {
            id: to,
            span: Span::new(b_at, b_at + b.len()),
        },
        span,
    }
}

fn malformed(w: &str, span: Span, reason: &'static str) -> Ref {
    Ref::Malformed {
        text: w.to_string(),
        span,
        reason,
    }
}

/// `N` or `N.M`, numbers from 1.
pub fn plain_id(w: &str) -> Result<CriterionId, &'static str> {
    let mut parts = w.split('.');
    let req = number(parts.next().unwrap_or(""))?;
    let item = match parts.next() {
        None => None,
        Some(p) => Some(number(p)?),
    };
    if parts.next().is_some() {
        return Err("an id has at most two numbers");
    }
    Ok(CriterionId { req, item })
}

fn number(p: &str) -> Result<u32, &'static str> {
    if p.is_empty() {
        return Err("a number is missing");
    }
    if !p.bytes().all(|b| b.is_ascii_digit()) {
        return Err("not a number");
    }
    match p.parse::<u32>() {
        Ok(n) if (1..=MAX_NUMBER).contains(&n) => Ok(n),
        Ok(0) => Err("numbers start at 1"),
        _ => Err("the number is too large"),
    }
}

/// A labelled line: `_Requirements: …_`, `**Validates: Requirements …**`
/// and their spellings. `line` is the line's text, `at` its start in the
/// file, `trimmed` the line's trimmed span.
pub fn ref_line(line: &str, at: usize, trimmed: Span) -> Option<RefList> {
    let (label, value_at, value) = labelled(line, REF_LABELS)?;
    let label = if label == "Validates" {
        RefLabel::Validates
    } else {
        RefLabel::Requirements
    };
    let (refs, prose) = parse_refs(value, at + value_at);
    Some(RefList {
        label,
        line: trimmed,
        value: Span::new(at + value_at, at + value_at + value.len()),
        refs,
        prose,
    })
}

const REF_LABELS: &[&str] = &[
    "Requirements",
    "Requirement",
    "Validates",
    "要件",
    "需求",
    "Requisitos",
];

/// Finds `label: value` at the start of a line (after a list marker),
/// with the label and value in `_…_`, `*…*` or `**…**` emphasis in any of
/// the usual placements. Returns the label as listed, the value's offset in
/// `line` and the value (trimmed, closing emphasis removed).
pub fn labelled<'a>(
    line: &'a str,
    labels: &[&'static str],
) -> Option<(&'static str, usize, &'a str)> {
    let rest = strip_marker(line);
    let opened = rest.trim_start_matches(['*', '_']);
    let label = labels
        .iter()
        .find(|l| {
            opened.len() >= l.len()
                && opened.is_char_boundary(l.len())
                && opened[..l.len()].eq_ignore_ascii_case(l)
        })
        .copied()?;
    let after = opened[label.len()..].trim_start_matches(['*', '_']);
    let after = after
        .strip_prefix(':')
        .or_else(|| after.strip_prefix('：'))?;
    let mut value = after.trim_start_matches(['*', '_', ' ', '\t']);
    // `**Validates: Requirements 1.1**` and `_Requirements: …_`.
    if label == "Validates" {
        for w in ["Requirements", "Requirement", "要件"] {
            if let Some(v) = value.strip_prefix(w) {
                value = v.trim_start();
                break;
            }
        }
    }
    let end = value.find(['*', '_']).unwrap_or(value.len());
    let value = value[..end].trim_end();
    let off = value.as_ptr() as usize - line.as_ptr() as usize;
    Some((label, off, value))
}

/// The text after a list marker (`-`, `*`, `+`, `1.`) and indentation.
pub fn strip_marker(line: &str) -> &str {
    let t = line.trim_start();
    for m in ["- ", "* ", "+ "] {
        if let Some(r) = t.strip_prefix(m) {
            return r.trim_start();
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(v: &str) -> Vec<Ref> {
        parse_refs(v, 100).0
    }

    fn id(req: u32, item: u32, s: usize, e: usize) -> Ref {
        Ref::Id(IdRef {
            id: CriterionId::criterion(req, item),
            span: Span::new(s, e),
        })
    }

    #[test]
    fn lists_of_criteria_keep_each_span() {
        assert_eq!(
            refs("1.2, 3.10"),
            vec![id(1, 2, 100, 103), id(3, 10, 105, 109)]
        );
    }

    #[test]
    fn whole_requirements_and_ranges() {
        let r = refs("4, 1.1-1.3");
        assert_eq!(
            r[0],
            Ref::Id(IdRef {
                id: CriterionId::requirement(4),
                span: Span::new(100, 101)
            })
        );
        let Ref::Range { from, to, span } = &r[1] else {
            panic!("{r:?}")
        };
        assert_eq!(
            (from.id, from.span),
            (CriterionId::criterion(1, 1), Span::new(103, 106))
        );
        assert_eq!(
            (to.id, to.span),
            (CriterionId::criterion(1, 3), Span::new(107, 110))
        );
        assert_eq!(*span, Span::new(103, 110));
        let ids: Vec<String> = r[1]
            .ids(&|_| None)
            .iter()
            .map(|i| i.id.to_string())
            .collect();
        assert_eq!(ids, ["1.1", "1.2", "1.3"]);
    }

    #[test]
    fn a_range_across_requirements_expands_with_the_spec() {
        let r = refs("1.2-3.1");
        let counts = |r: u32| match r {
            1 => Some(3),
            2 => Some(2),
            _ => None,
        };
        let ids: Vec<String> = r[0].ids(&counts).iter().map(|i| i.id.to_string()).collect();
        assert_eq!(ids, ["1.2", "1.3", "2.1", "2.2", "3.1"]);
        // A requirement the spec lacks contributes nothing in the middle.
        let r = refs("1.3 - 3.1");
        let ids: Vec<String> = r[0]
            .ids(&|r| (r == 1).then_some(3))
            .iter()
            .map(|i| i.id.to_string())
            .collect();
        assert_eq!(ids, ["1.3", "3.1"]);
    }

    #[test]
    fn bad_ids_are_kept_with_spans() {
        for (text, reason) in [
            ("1.", "a number is missing"),
            (".2", "a number is missing"),
            ("1.1-", "a range needs an end"),
            ("1.3-1.1", "a range must run upwards"),
            ("99999999999", "the number is too large"),
            ("1.5a", "not a number"),
            ("0.1", "numbers start at 1"),
            ("1.2.3", "an id has at most two numbers"),
            ("1-1.2", "a range joins two criteria or two requirements"),
            ("1.1-1.5000", "the range is too long"),
            ("1-5000", "the range is too long"),
        ] {
            let r = refs(text);
            assert_eq!(
                r,
                vec![Ref::Malformed {
                    text: text.into(),
                    span: Span::new(100, 100 + text.len()),
                    reason
                }],
                "{text}"
            );
        }
    }

    #[test]
    fn prose_is_noted_not_misread() {
        let (r, prose) = parse_refs("All requirements", 0);
        assert!(r.is_empty() && prose);
        let (r, prose) = parse_refs("NFR-1, 2.1 (accessibility)", 0);
        assert_eq!(r, vec![id(2, 1, 7, 10)]);
        assert!(prose);
        let (_, prose) = parse_refs("Requirements 1.1 and 1.2", 0);
        assert!(!prose);
    }

    #[test]
    fn labels_in_their_spellings() {
        let line = "  - _Requirements: 1.1, 2.3_";
        let l = ref_line(line, 10, Span::new(12, 38)).unwrap();
        assert_eq!(l.label, RefLabel::Requirements);
        assert_eq!(
            &line[l.value.start as usize - 10..l.value.end as usize - 10],
            "1.1, 2.3"
        );
        assert_eq!(l.refs[1], id(2, 3, 34, 37));
        let line = "**Validates: Requirements 2.1, 2.2**";
        let l = ref_line(line, 0, Span::new(0, 36)).unwrap();
        assert_eq!(l.label, RefLabel::Validates);
        assert_eq!(l.refs, vec![id(2, 1, 26, 29), id(2, 2, 31, 34)]);
        let line = "- _要件: 1.1_";
        let l = ref_line(line, 0, Span::new(0, 0)).unwrap();
        assert_eq!(l.refs, vec![id(1, 1, 11, 14)]);
        assert!(ref_line("- Requirements are listed below", 0, Span::default()).is_none());
        assert!(ref_line("- _Boundary: Parser_", 0, Span::default()).is_none());
    }
}
