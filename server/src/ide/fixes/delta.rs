//! Delta fixes against the main spec: copy the scenarios a MODIFIED block
//! dropped (`delta/drops-scenarios`), and point an entry that names no
//! requirement at the nearest name (`delta/unknown-target`).

use std::collections::HashMap;

use super::Fix;
use crate::ide::edit::{line_ending, line_start, with_line_endings, SourceChange, TextEdit};
use crate::model::{DeltaSpec, Requirement, Span};
use crate::syntax::js;
use crate::text::nearest::nearest;
use crate::workspace::{FileKind, SourceFile, Summary, Workspace};

fn delta_of(file: &SourceFile) -> Option<(&str, &DeltaSpec)> {
    match (&file.kind, &file.summary) {
        (FileKind::DeltaSpec { capability, .. }, Summary::Delta(d)) => Some((capability, d)),
        _ => None,
    }
}

pub(super) fn drops_scenarios(ws: &Workspace, file: &SourceFile, span: Span) -> Vec<Fix> {
    let Some((capability, delta)) = delta_of(file) else {
        return Vec::new();
    };
    let Some(modified) = delta.modified.iter().find(|r| r.header == span) else {
        return Vec::new();
    };
    let Some((main_file, main)) = ws.main_spec(capability) else {
        return Vec::new();
    };
    // The block that holds the current scenarios: follow this file's
    // renames back from the MODIFIED name, as archive does.
    let mut key = modified.name.as_str();
    let mut seen = Vec::new();
    let current = loop {
        if let Some(r) = main.requirement(key) {
            break Some(r);
        }
        if seen.contains(&key) {
            break None;
        }
        seen.push(key);
        match delta.renamed.iter().find(|rn| rn.to.name == key) {
            Some(rn) => key = &rn.from.name,
            None => break None,
        }
    };
    let Some(current) = current else {
        return Vec::new();
    };
    let missing = dropped(current, modified);
    if missing.is_empty() {
        return Vec::new();
    }
    let eol = line_ending(file.text());
    let mut insert = String::new();
    for sc in &missing {
        let start = line_start(main_file.text(), sc.header.start as usize);
        let end = sc.body.end.max(sc.header.end) as usize;
        let Some(block) = main_file.text().get(start..end) else {
            return Vec::new();
        };
        insert.push_str(eol);
        insert.push_str(eol);
        insert.push_str(&with_line_endings(js::trim_end(block), eol));
    }
    let at = modified.block.end as usize;
    let edit = TextEdit::new(&file.rel, Span::new(at, at), insert);
    let title = match missing.as_slice() {
        [one] => format!(
            "Copy the dropped scenario \"{}\" from the main spec",
            one.name
        ),
        many => format!(
            "Copy the {} dropped scenarios from the main spec",
            many.len()
        ),
    };
    vec![Fix::new(title, SourceChange::new(vec![edit]), true)]
}

/// The scenarios of `current` that `modified` does not have, by name and
/// count, as the rule compares them.
fn dropped<'a>(
    current: &'a Requirement,
    modified: &Requirement,
) -> Vec<&'a crate::model::Scenario> {
    let mut left: HashMap<&str, usize> = HashMap::new();
    for s in &modified.scenarios {
        *left.entry(s.name.as_str()).or_default() += 1;
    }
    let mut out = Vec::new();
    for s in &current.scenarios {
        match left.get_mut(s.name.as_str()) {
            Some(n) if *n > 0 => *n -= 1,
            _ => out.push(s),
        }
    }
    out
}

pub(super) fn unknown_target(ws: &Workspace, file: &SourceFile, span: Span) -> Vec<Fix> {
    let Some((capability, delta)) = delta_of(file) else {
        return Vec::new();
    };
    let name = delta
        .modified
        .iter()
        .map(|r| (r.name_span, r.name.as_str()))
        .chain(delta.removed.iter().map(|r| (r.name_span, r.name.as_str())))
        .chain(
            delta
                .renamed
                .iter()
                .map(|r| (r.from.name_span, r.from.name.as_str())),
        )
        .find(|(s, _)| *s == span)
        .map(|(_, n)| n);
    let Some(name) = name else {
        return Vec::new();
    };
    // The span must hold the name itself (a bullet with an empty name
    // points at its whole line).
    if file.text().get(span.range()).map(js::trim) != Some(name) || name.is_empty() {
        return Vec::new();
    }
    let Some((_, main)) = ws.main_spec(capability) else {
        return Vec::new();
    };
    let Some(near) = nearest(name, main.requirements.iter().map(|r| r.name.as_str())) else {
        return Vec::new();
    };
    vec![Fix::nearest_name(&file.rel, span, near)]
}
