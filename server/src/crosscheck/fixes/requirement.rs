use super::{apply_fix, fixes_of};

use super::MAIN_SPEC as PURPOSE;

#[test]
fn a_main_spec_heading_becomes_a_requirement() {
    let fx = format!(
        "{PURPOSE}### Transfer\nThe agent SHALL transfer.\n#### Scenario: Ask\n- **WHEN** asked\n- **THEN** transferred\n"
    );
    let done = apply_fix(&fx, "requirement/missing-prefix", 0);
    assert_eq!(done.fix.title, "Make it \"### Requirement: Transfer\"");
    assert!(done.fix.preferred);
    assert!(done
        .text("openspec/specs/voice/spec.md")
        .contains("- **THEN** it answers\n### Requirement: Transfer\nThe agent SHALL transfer.\n"));
}

#[test]
fn a_misspelt_prefix_is_corrected() {
    for header in ["### Requirement Transfer", "### requirement - Transfer ##"] {
        let fx = format!(
            "{PURPOSE}{header}\nThe agent SHALL transfer.\n#### Scenario: Ask\n- **WHEN** asked\n- **THEN** transferred\n"
        );
        let done = apply_fix(&fx, "requirement/missing-prefix", 0);
        assert_eq!(
            done.fix.title, "Make it \"### Requirement: Transfer\"",
            "{header}"
        );
    }
}

#[test]
fn a_translated_prefix_is_replaced_not_doubled() {
    let body = "### 需求：用户登录\n系统 SHALL 允许登录。\n";
    let fx = format!("{PURPOSE}{body}#### Scenario: 成功\n- **WHEN** 登录\n- **THEN** 成功\n");
    let done = apply_fix(&fx, "requirement/missing-prefix", 0);
    assert_eq!(done.fix.title, "Make it \"### Requirement: 用户登录\"");
    assert!(done
        .text("openspec/specs/voice/spec.md")
        .contains("\n### Requirement: 用户登录\n系统 SHALL"));
    // Without a scenario (OpenSpec's error) the fix is the same; the
    // requirement then still needs its scenario.
    let (_, _, found) = fixes_of(
        &format!("{PURPOSE}{body}"),
        "requirement/not-a-requirement-header",
    );
    assert_eq!(found[0].title, "Make it \"### Requirement: 用户登录\"");
    // An id before the title is part of the name.
    let fx = format!("{PURPOSE}### LCDN-001: CDN URL Pattern Matching\nIt SHALL match.\n#### Scenario: Hit\n- **WHEN** a\n- **THEN** b\n");
    let done = apply_fix(&fx, "requirement/missing-prefix", 0);
    assert_eq!(
        done.fix.title,
        "Make it \"### Requirement: LCDN-001: CDN URL Pattern Matching\""
    );
}

#[test]
fn a_delta_scenario_heading_is_demoted() {
    let fx = "//- openspec/changes/c/specs/voice/spec.md
## ADDED Requirements
### Requirement: Hold
The agent SHALL hold.
#### Scenario: Wait
- **WHEN** asked
- **THEN** hold
### Scenario - Music
- **WHEN** held
- **THEN** music
";
    let done = apply_fix(fx, "requirement/not-a-requirement-header", 0);
    assert_eq!(done.fix.title, "Demote to \"#### Scenario: Music\"");
    assert_eq!(
        done.text("openspec/changes/c/specs/voice/spec.md"),
        fx.split_once('\n')
            .unwrap()
            .1
            .replace("### Scenario - Music", "#### Scenario: Music")
    );
}

#[test]
fn a_heading_with_no_name_has_no_fix() {
    let fx = "//- openspec/changes/c/specs/voice/spec.md
## ADDED Requirements
### Requirement: Hold
The agent SHALL hold.
#### Scenario: Wait
- **WHEN** asked
- **THEN** hold
### Requirement:
";
    let (_, _, found) = fixes_of(fx, "requirement/not-a-requirement-header");
    assert!(found.is_empty());
}

#[test]
fn an_empty_delta_gets_every_missing_prefix() {
    let fx = format!(
        "{PURPOSE}### Requirement: Hang up
The agent SHALL hang up.
#### Scenario: Bye
- **WHEN** bye
- **THEN** hang up
### Requirement: Greeting
The agent SHALL greet.
#### Scenario: Hello
- **WHEN** a call starts
- **THEN** it says hello
//- openspec/changes/c/specs/voice/spec.md
## MODIFIED Requirements
### Answer
The agent SHALL answer at once.
#### Scenario: Ring
- **WHEN** it rings
- **THEN** it answers
## REMOVED Requirements
- `### Greeting`
## RENAMED Requirements
- FROM: `### Hang up`
- TO: `### End call`
"
    );
    let done = apply_fix(&fx, "delta/empty", 0);
    assert_eq!(
        done.fix.title,
        "Add the missing \"Requirement:\" prefix to 4 entries"
    );
    assert_eq!(
        done.text("openspec/changes/c/specs/voice/spec.md"),
        "## MODIFIED Requirements
### Requirement: Answer
The agent SHALL answer at once.
#### Scenario: Ring
- **WHEN** it rings
- **THEN** it answers
## REMOVED Requirements
- `### Requirement: Greeting`
## RENAMED Requirements
- FROM: `### Requirement: Hang up`
- TO: `### Requirement: End call`
"
    );
}
