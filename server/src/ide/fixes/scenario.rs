//! `scenario/wrong-level`: something written as a scenario where OpenSpec
//! does not look becomes a `#### Scenario:` heading.

use super::Fix;
use crate::ide::edit::{line_start, SourceChange, TextEdit};
use crate::model::Span;
use crate::workspace::{SourceFile, Summary};

pub(super) fn wrong_level(file: &SourceFile, span: Span) -> Vec<Fix> {
    let found = match &file.summary {
        Summary::Main(s) => &s.misplaced_scenarios,
        Summary::Delta(d) => &d.misplaced_scenarios,
        _ => return Vec::new(),
    };
    // The rule that reports a level-4 scenario outside every requirement
    // has no misplaced entry: moving it is the author's call.
    // Nor has one outside every requirement: rewriting its line would leave
    // it where OpenSpec does not look.
    let Some(m) = found
        .iter()
        .find(|m| m.span == span && !m.outside_requirement)
    else {
        return Vec::new();
    };
    let heading = scenario_heading(&m.name);
    // From the start of the line: an indented heading is not a heading to
    // OpenSpec's line reader.
    let start = line_start(file.text(), m.span.start as usize);
    let edit = TextEdit::new(&file.rel, Span::new(start, m.span.end as usize), &heading);
    vec![Fix::new(
        format!("Rewrite as \"{heading}\""),
        SourceChange::new(vec![edit]),
        true,
    )]
}

/// `#### Scenario: <name>`, from a name as the misplaced forms leave it
/// (`**Scenario: x**` keeps the closing stars).
pub(super) fn scenario_heading(name: &str) -> String {
    let name = name.trim().trim_end_matches('*').trim_end();
    if name.is_empty() {
        "#### Scenario:".to_string()
    } else {
        format!("#### Scenario: {name}")
    }
}
