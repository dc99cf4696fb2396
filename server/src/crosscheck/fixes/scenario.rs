use super::{apply_fix, fixes_of};

use super::MAIN_SPEC as MAIN;

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

/// A scenario under `## Scenarios`, outside every requirement: rewriting
/// its line would leave it where OpenSpec does not look, so there is no
/// fix, and the message says to move it; one inside a requirement keeps
/// its fix.
#[test]
fn a_scenario_under_a_scenarios_section_has_no_fix() {
    super::check_fix_marks(&format!(
        "{MAIN}### Scenario: Hang up
^^^^^^^^^^^^^^^^^^^^^ error scenario/wrong-level fix
- **WHEN** done
- **THEN** it hangs up
## Scenarios
### Scenario: Busy
^^^^^^^^^^^^^^^^^^ error scenario/wrong-level
- **WHEN** busy
- **THEN** queue
#### Scenario: Silent
^^^^^^^^^^^^^^^^^^^^^ error scenario/wrong-level
- **WHEN** silent
- **THEN** prompt
"
    ));
    let (_, d, found) = fixes_of(
        &format!("{MAIN}## Scenarios\n### Scenario: Busy\n- **WHEN** busy\n- **THEN** queue\n"),
        "scenario/wrong-level",
    );
    assert!(found.is_empty());
    assert!(
        d.message.contains("outside every requirement")
            && d.message.contains("Move it under the requirement it tests"),
        "{}",
        d.message
    );
}
