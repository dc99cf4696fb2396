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
    let Some(m) = found.iter().find(|m| m.span == span) else {
        return Vec::new();
    };
    let heading = scenario_heading(&m.name);
    // From the start of the line: an indented heading is not a heading to
    // OpenSpec's line reader.
    let start = line_start(&file.text, m.span.start as usize);
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

#[cfg(test)]
mod tests {
    use crate::ide::fixes::test_support::{apply_fix, fixes_of};

    use crate::ide::fixes::test_support::MAIN_SPEC as MAIN;

    #[test]
    fn each_misplaced_form_becomes_a_level_four_heading() {
        for (line, want) in [
            ("##### Scenario: Busy", "#### Scenario: Busy"),
            ("- Scenario: Busy", "#### Scenario: Busy"),
            ("  - **Scenario:** Busy", "#### Scenario: Busy"),
            ("**Scenario: Busy**", "#### Scenario: Busy"),
        ] {
            let fx = format!("{MAIN}{line}\n- **WHEN** busy\n- **THEN** queue\n");
            let done = apply_fix(&fx, "scenario/wrong-level", 0);
            assert_eq!(done.fix.title, format!("Rewrite as \"{want}\""));
            assert!(done.fix.preferred);
            assert_eq!(
                done.text("openspec/specs/voice/spec.md"),
                format!(
                    "{}{want}\n- **WHEN** busy\n- **THEN** queue\n",
                    MAIN.split_once('\n').unwrap().1
                ),
                "{line}"
            );
        }
    }

    #[test]
    fn a_level_three_scenario_in_a_delta() {
        let fx = "//- openspec/changes/c/specs/voice/spec.md\r
## ADDED Requirements\r
### Requirement: Hold\r
The agent SHALL hold.\r
#### Scenario: Wait\r
- **WHEN** asked\r
- **THEN** hold\r
### Scenario: 保留 🎵\r
- **WHEN** music\r
- **THEN** play\r
";
        let done = apply_fix(fx, "scenario/wrong-level", 0);
        assert_eq!(
            done.text("openspec/changes/c/specs/voice/spec.md"),
            fx.split_once('\n')
                .unwrap()
                .1
                .replace("### Scenario: 保留", "#### Scenario: 保留")
        );
    }

    #[test]
    fn a_scenario_outside_every_requirement_has_no_fix() {
        let fx = "//- openspec/specs/voice/spec.md
## Purpose
The voice agent answers every inbound call without any delay.
## Requirements
#### Scenario: Lost
- **WHEN** a
- **THEN** b
### Requirement: Answer
The agent SHALL answer.
#### Scenario: Ring
- **WHEN** it rings
- **THEN** it answers
";
        assert!(fixes_of(fx, "scenario/wrong-level").2.is_empty());
    }
}
