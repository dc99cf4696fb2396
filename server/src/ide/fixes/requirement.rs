//! Headings that miss the `Requirement:` prefix: `requirement/not-a-
//! requirement-header` (make it `### Requirement: <title>`, or demote a
//! `### Scenario` to `####`), and `delta/empty` when its sections hold
//! entries that only lack the prefix.

use super::scenario::scenario_heading;
use super::Fix;
use crate::ide::edit::{line_start, SourceChange, TextEdit};
use crate::model::delta::Op;
use crate::model::spec::{after_word, requirement_name};
use crate::model::Span;
use crate::syntax::{js, Doc};
use crate::workspace::{SourceFile, Summary};

pub(super) fn not_a_header(file: &SourceFile, span: Span) -> Vec<Fix> {
    let title = match &file.summary {
        Summary::Main(s) => s
            .schema_requirements
            .iter()
            .find(|r| r.header == span)
            .map(|r| r.title.clone()),
        Summary::Delta(d) => d
            .skipped_headers
            .iter()
            .find(|h| h.span == span)
            .map(|h| h.header.clone()),
        _ => None,
    };
    let Some(title) = title else {
        return Vec::new();
    };
    let line = Span::new(
        line_start(file.text(), span.start as usize),
        span.end as usize,
    );
    let mut out = Vec::new();
    let bare = js::trim(js::strip_closing_hashes(js::trim(&title)));
    if let Some(name) = after_word(bare, "scenario") {
        let heading = scenario_heading(name);
        let edit = TextEdit::new(&file.rel, line, &heading);
        out.push(Fix::new(
            format!("Demote to \"{heading}\""),
            SourceChange::new(vec![edit]),
            true,
        ));
        return out;
    }
    if let Some(name) = requirement_name(&title) {
        let heading = format!("### Requirement: {name}");
        let edit = TextEdit::new(&file.rel, line, &heading);
        out.push(Fix::new(
            format!("Make it \"{heading}\""),
            SourceChange::new(vec![edit]),
            true,
        ));
    }
    out
}

/// `delta/empty`: every entry of the delta sections written without the
/// `Requirement:` prefix (`### Name` in ADDED/MODIFIED, `` - `### Name` ``
/// in REMOVED, `FROM:`/`TO:` lines in RENAMED) gets it, in one fix.
pub(super) fn missing_prefixes(file: &SourceFile, span: Span) -> Vec<Fix> {
    let Summary::Delta(delta) = &file.summary else {
        return Vec::new();
    };
    if delta.first_delta_heading() != Some(span) {
        return Vec::new();
    }
    let doc = Doc::new(file.text());
    let mut edits = Vec::new();
    for section in &delta.sections {
        let Some(op) = section.op else { continue };
        let first = section.line as usize + 1;
        let end = doc
            .lines
            .partition_point(|l| l.start < section.span.end)
            .max(first);
        for i in first..end {
            if doc.masked(i) {
                continue;
            }
            if let Some(e) = prefix_edit(&doc, i, op) {
                edits.push(TextEdit::new(&file.rel, e.0, e.1));
            }
        }
    }
    if edits.is_empty() {
        return Vec::new();
    }
    let n = edits.len();
    let title = if n == 1 {
        "Add the missing \"Requirement:\" prefix".to_string()
    } else {
        format!("Add the missing \"Requirement:\" prefix to {n} entries")
    };
    vec![Fix::new(title, SourceChange::new(edits), true)]
}

/// The edit that gives line `i` of a delta section the prefix it lacks.
fn prefix_edit(doc: &Doc, i: usize, op: Op) -> Option<(Span, String)> {
    let line = doc.line(i);
    let base = doc.lines[i].start as usize;
    let t = js::trim_start(line);
    let shape_ok = match op {
        Op::Added | Op::Modified => doc.atx(i).is_some_and(|a| a.level == 3),
        Op::Removed => t.starts_with("###") || t.starts_with(['-', '*', '+']),
        Op::Renamed => {
            let s = t.trim_start_matches(['-', '*', '+']).trim_start();
            s.starts_with("FROM:") || s.starts_with("TO:")
        }
    };
    if !shape_ok {
        return None;
    }
    let h = line.find("###")?;
    let after = &line[h + 3..];
    if after.starts_with('#') {
        return None;
    }
    let body_at = h + 3 + (after.len() - js::trim_start(after).len());
    let body = js::trim_end(&line[body_at..]);
    let body = if op == Op::Added || op == Op::Modified {
        body
    } else {
        body.strip_suffix('`').unwrap_or(body)
    };
    if body.starts_with("Requirement:") || after_word(body, "scenario").is_some() {
        return None;
    }
    let name = requirement_name(body)?;
    let end = body_at + body.len();
    Some((
        Span::new(base + h + 3, base + end),
        format!(" Requirement: {name}"),
    ))
}
