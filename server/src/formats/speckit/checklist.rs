//! checklists/*.md: `- [ ] CHK001 Item? [Completeness, Spec §FR-001]`
//! items with their traceability markers. Items without a `CHK` id (the
//! generated requirements.md) are read too.

use super::scan::{self, offset_in, Text};
use super::IdRef;
use crate::model::Span;
use crate::syntax::js;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TraceKind {
    /// `Spec §FR-001`, `Spec §US1`.
    Spec,
    /// Another document's section: `Plan §Structure`.
    Section,
    Gap,
    Ambiguity,
    Conflict,
    Assumption,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trace {
    pub kind: TraceKind,
    /// The marker inside its brackets (`Spec §FR-001`, `Gap`).
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub id: Option<String>,
    pub id_span: Option<Span>,
    pub done: bool,
    pub checkbox: Span,
    /// The item line, trimmed.
    pub span: Span,
    pub traces: Vec<Trace>,
    /// Quality dimensions (`Completeness`, `Clarity`, …).
    pub dimensions: Vec<Span>,
    /// Requirement ids inside `Spec §…` markers.
    pub requirements: Vec<IdRef>,
    /// Story numbers inside `Spec §…` markers (`Spec §US1, US2`).
    pub stories: Vec<(u32, Span)>,
    pub line: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Checklist {
    pub title: Option<Span>,
    pub items: Vec<Item>,
}

impl Checklist {
    pub fn parse(text: &str) -> Checklist {
        let t = Text::new(text);
        let mut out = Checklist::default();
        for i in 0..t.len() {
            if !t.prose(i) {
                continue;
            }
            if let Some((level, title)) = t.heading(i) {
                if level == 1 && out.title.is_none() {
                    out.title = Some(title);
                }
                continue;
            }
            let line = t.line(i);
            let base = t.start(i);
            let Some((done, cb, text_at)) = scan::checkbox(line) else {
                continue;
            };
            let bold = line[text_at..].starts_with("**");
            let id_at = text_at + if bold { 2 } else { 0 };
            let id_end = check_id(line, id_at);
            let mut item = Item {
                id: id_end.map(|e| line[id_at..e].to_string()),
                id_span: id_end.map(|e| Span::new(base + id_at, base + e)),
                done,
                checkbox: Span::new(base + cb.start, base + cb.end),
                span: t.trimmed(i),
                traces: Vec::new(),
                dimensions: Vec::new(),
                requirements: Vec::new(),
                stories: Vec::new(),
                line: i as u32,
            };
            brackets(line, base, id_end.unwrap_or(text_at), &mut item);
            out.items.push(item);
        }
        out
    }
}

/// `CHK` and digits at `at`; returns the end.
fn check_id(line: &str, at: usize) -> Option<usize> {
    let rest = line[at..].strip_prefix("CHK")?;
    let d = rest.bytes().take_while(u8::is_ascii_digit).count();
    let end = at + 3 + d;
    (d > 0
        && !line
            .as_bytes()
            .get(end)
            .is_some_and(|c| c.is_ascii_alphanumeric()))
    .then_some(end)
}

/// The bracketed groups of an item (not links), each a comma-separated
/// list of dimensions and markers.
fn brackets(line: &str, base: usize, from: usize, item: &mut Item) {
    let code = scan::code_spans(line);
    let mut pos = from;
    while let Some(k) = line[pos..].find('[') {
        let open = pos + k;
        let Some(close) = line[open..].find(']').map(|c| open + c) else {
            return;
        };
        pos = close + 1;
        if line[open + 1..close].contains('[') {
            pos = open + 1;
            continue;
        }
        if line[close + 1..].starts_with('(') || code.iter().any(|r| r.contains(&open)) {
            continue;
        }
        for part in line[open + 1..close].split(',') {
            let p = js::trim(part);
            if p.is_empty() {
                continue;
            }
            let at = base + offset_in(line, p);
            let span = Span::new(at, at + p.len());
            let first = p.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
            let kind = if p.contains('§') {
                Some(if first == "Spec" {
                    TraceKind::Spec
                } else {
                    TraceKind::Section
                })
            } else {
                match first {
                    "Gap" => Some(TraceKind::Gap),
                    "Ambiguity" => Some(TraceKind::Ambiguity),
                    "Conflict" => Some(TraceKind::Conflict),
                    "Assumption" => Some(TraceKind::Assumption),
                    _ => None,
                }
            };
            match kind {
                Some(kind) => item.traces.push(Trace { kind, span }),
                None if item
                    .traces
                    .last()
                    .is_some_and(|t| t.kind == TraceKind::Spec) =>
                {
                    // `Spec §US1, US2`: the list goes on after the comma.
                }
                None => item.dimensions.push(span),
            }
            if item
                .traces
                .last()
                .is_some_and(|t| t.kind == TraceKind::Spec)
            {
                scan::requirement_refs(p, at, &mut item.requirements);
                stories(p, at, &mut item.stories);
            }
        }
    }
}

/// `US1` tokens of `s`.
fn stories(s: &str, base: usize, out: &mut Vec<(u32, Span)>) {
    let b = s.as_bytes();
    let mut pos = 0;
    while let Some(k) = s[pos..].find("US") {
        let at = pos + k;
        pos = at + 2;
        if at > 0 && b[at - 1].is_ascii_alphanumeric() {
            continue;
        }
        let d = b[pos..].iter().take_while(|c| c.is_ascii_digit()).count();
        if d == 0 || d > 6 || b.get(pos + d).is_some_and(|c| c.is_ascii_alphanumeric()) {
            continue;
        }
        if let Ok(n) = s[pos..pos + d].parse() {
            out.push((n, Span::new(base + at, base + pos + d)));
        }
    }
}

#[cfg(test)]
#[path = "checklist_tests.rs"]
mod tests;
