use super::{apply_fix, fixes_of};

const MAIN: &str = "//- openspec/specs/voice/spec.md
## Purpose
The voice agent answers every inbound call without any delay.
## Requirements
### Requirement: Answer
The agent SHALL answer.

#### Scenario: Ring
- **WHEN** it rings
- **THEN** it answers

#### Scenario: Busy 🚦
- **WHEN** busy
- **THEN** queue
  the caller

### Requirement: Hang up
It SHALL hang up.
#### Scenario: Bye
- **WHEN** bye
- **THEN** hang up
";

#[test]
fn dropped_scenarios_are_copied_verbatim() {
    let fx = format!(
        "{MAIN}//- openspec/changes/c/specs/voice/spec.md\r
## MODIFIED Requirements\r
### Requirement: Answer\r
The agent SHALL answer fast.\r
\r
#### Scenario: Ring\r
- **WHEN** it rings\r
- **THEN** it answers at once\r
\r
## ADDED Requirements\r
### Requirement: Hold\r
The agent SHALL hold.\r
#### Scenario: Wait\r
- **WHEN** asked\r
- **THEN** hold\r
"
    );
    let done = apply_fix(&fx, "delta/drops-scenarios", 0);
    assert_eq!(
        done.fix.title,
        "Copy the dropped scenario \"Busy 🚦\" from the main spec"
    );
    assert!(done.fix.preferred);
    assert_eq!(
        done.text("openspec/changes/c/specs/voice/spec.md"),
        "## MODIFIED Requirements\r
### Requirement: Answer\r
The agent SHALL answer fast.\r
\r
#### Scenario: Ring\r
- **WHEN** it rings\r
- **THEN** it answers at once\r
\r
#### Scenario: Busy 🚦\r
- **WHEN** busy\r
- **THEN** queue\r
  the caller\r
\r
## ADDED Requirements\r
### Requirement: Hold\r
The agent SHALL hold.\r
#### Scenario: Wait\r
- **WHEN** asked\r
- **THEN** hold\r
"
    );
}

#[test]
fn a_renamed_requirement_takes_its_scenarios_from_the_old_name() {
    let fx = format!(
        "{MAIN}//- openspec/changes/c/specs/voice/spec.md
## RENAMED Requirements
- FROM: `### Requirement: Answer`
- TO: `### Requirement: Pick up`
## MODIFIED Requirements
### Requirement: Pick up
The agent SHALL pick up."
    );
    let done = apply_fix(&fx, "delta/drops-scenarios", 0);
    assert_eq!(
        done.fix.title,
        "Copy the 2 dropped scenarios from the main spec"
    );
    assert!(done
        .text("openspec/changes/c/specs/voice/spec.md")
        .ends_with("The agent SHALL pick up.\n\n#### Scenario: Ring\n- **WHEN** it rings\n- **THEN** it answers\n\n#### Scenario: Busy 🚦\n- **WHEN** busy\n- **THEN** queue\n  the caller"));
}

#[test]
fn unknown_targets_take_the_nearest_name() {
    for (entry, want) in [
        (
            "## MODIFIED Requirements\n### Requirement: Hang-up\nIt SHALL hang up now.\n#### Scenario: Bye\n- **WHEN** bye\n- **THEN** hang up\n",
            "## MODIFIED Requirements\n### Requirement: Hang up\nIt SHALL hang up now.\n#### Scenario: Bye\n- **WHEN** bye\n- **THEN** hang up\n",
        ),
        (
            "## REMOVED Requirements\n- `### Requirement: Answr`\n",
            "## REMOVED Requirements\n- `### Requirement: Answer`\n",
        ),
        (
            "## RENAMED Requirements\n- FROM: `### Requirement: answer`\n- TO: `### Requirement: Reply`\n",
            "## RENAMED Requirements\n- FROM: `### Requirement: Answer`\n- TO: `### Requirement: Reply`\n",
        ),
    ] {
        let fx = format!("{MAIN}//- openspec/changes/c/specs/voice/spec.md\n{entry}");
        let done = apply_fix(&fx, "delta/unknown-target", 0);
        assert_eq!(done.text("openspec/changes/c/specs/voice/spec.md"), want);
        assert!(done.fix.preferred);
    }
}

#[test]
fn no_nearest_name_means_no_fix() {
    let fx = format!("{MAIN}//- openspec/changes/c/specs/voice/spec.md\n## REMOVED Requirements\n- `### Requirement: Voicemail greeting`\n");
    assert!(fixes_of(&fx, "delta/unknown-target").2.is_empty());
    let fx = "//- openspec/changes/c/specs/voice/spec.md\n## REMOVED Requirements\n- `### Requirement: Answer`\n";
    assert!(fixes_of(fx, "delta/unknown-target").2.is_empty());
}
