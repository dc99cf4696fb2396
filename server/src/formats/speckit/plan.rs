//! plan.md: its sections, the requirement ids it cites, clarification
//! markers (bracketed, or the template's bare `NEEDS CLARIFICATION` value
//! on a `**Label**: value` line) and placeholders.

use super::scan::{self, Text};
use super::{IdRef, Marker, Placeholder};
use crate::model::Span;
use crate::syntax::js;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    pub level: u8,
    pub title: Span,
    pub heading: Span,
    pub line: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    pub sections: Vec<Section>,
    pub requirements: Vec<IdRef>,
    pub markers: Vec<Marker>,
    pub placeholders: Vec<Placeholder>,
}

impl Plan {
    pub fn parse(text: &str) -> Plan {
        let t = Text::new(text);
        let mut out = Plan::default();
        let mut guidance_level = None;
        for i in 0..t.len() {
            // Template tokens count in code too (see `scan::placeholders`).
            if !t.prose(i) {
                if guidance_level.is_none() && !t.in_comment(t.start(i)) {
                    scan::placeholders(&t, i, &mut out.placeholders);
                }
                continue;
            }
            if let Some((level, title)) = t.heading(i) {
                if guidance_level.is_some_and(|l| level <= l) {
                    guidance_level = None;
                }
                if t.slice(title).to_lowercase().starts_with("execution flow") {
                    guidance_level = Some(level);
                }
                out.sections.push(Section {
                    level,
                    title,
                    heading: t.trimmed(i),
                    line: i as u32,
                });
            }
            if guidance_level.is_some() {
                continue;
            }
            let line = t.line(i);
            let item = js::trim_start(&line[scan::list_item(line).unwrap_or(0)..]);
            let label_line = item.starts_with("**") && item[2..].contains("**:");
            let before = out.markers.len();
            scan::markers(&t, i, label_line, &mut out.markers);
            // `[e.g., …, or NEEDS CLARIFICATION]` is the template's hint.
            let base = t.start(i);
            let mut k = before;
            while k < out.markers.len() {
                if in_example(line, out.markers[k].span.start as usize - base) {
                    out.markers.remove(k);
                } else {
                    k += 1;
                }
            }
            scan::placeholders(&t, i, &mut out.placeholders);
            cited(&t, i, &mut out.requirements);
        }
        out
    }
}

/// Whether byte `at` of `line` sits inside a `[e.g., …]` hint.
fn in_example(line: &str, at: usize) -> bool {
    line[..at]
        .rfind("[e.g.,")
        .is_some_and(|k| !line[k..at].contains(']'))
}

/// Requirement ids on prose line `i`, outside comments.
fn cited(t: &Text, i: usize, out: &mut Vec<IdRef>) {
    let before = out.len();
    scan::requirement_refs(t.line(i), t.start(i), out);
    let mut k = before;
    while k < out.len() {
        if t.in_comment(out[k].span.start as usize) {
            out.remove(k);
        } else {
            k += 1;
        }
    }
}

/// The requirement ids a Markdown file cites in its prose (for the files a
/// feature holds beyond the template's: research.md, data-model.md, notes).
pub fn cited_ids(text: &str) -> Vec<IdRef> {
    let t = Text::new(text);
    let mut out = Vec::new();
    for i in 0..t.len() {
        if t.prose(i) {
            cited(&t, i, &mut out);
        }
    }
    out
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
