use super::{apply_fix, fixes_of};

const DELTA: &str = "//- openspec/changes/c/specs/voice/spec.md
## ADDED Requirements
### Requirement: Transfer
The agent SHALL transfer.
#### Scenario: Caller asks for a human
- **WHEN** the caller says human
- **THEN** the call is transferred
#### Scenario: Nobody free
- **WHEN** all agents are busy
- **THEN** the caller waits in a queue
### Requirement: Greeting
The agent SHALL greet.
#### Scenario: Hello again
- **WHEN** a caller returns
- **THEN** it greets them by name
";

const MAIN: &str = "//- openspec/specs/voice/spec.md
## Purpose
The voice agent answers every inbound call without any delay.
## Requirements
### Requirement: Answer
The agent SHALL answer.
#### Scenario: Hello
- **WHEN** a call starts
- **THEN** it says hello
";

#[test]
fn an_unknown_dependency_takes_the_nearest_id() {
    let fx = "//- openspec/changes/c/tasks.md
## 2. Setup
- [ ] 2.1 Setup
## 3. Routing
- [ ] 3.4 Route
- [ ] 3.5 Ring (requires 2.11)
";
    let done = apply_fix(fx, "tasks/unknown-dependency", 0);
    assert_eq!(done.fix.title, "Change to \"2.1\"");
    assert!(done.fix.preferred);
    assert!(done
        .text("openspec/changes/c/tasks.md")
        .ends_with("- [ ] 3.5 Ring (requires 2.1)\n"));
}

#[test]
fn an_unlinked_criterion_links_the_best_matching_scenarios() {
    let fx = format!(
        "{MAIN}{DELTA}//- openspec/changes/c/tasks.md
## 1. Transfer
- [ ] 1.1 Transfer
  - Acceptance: the call reaches a human when asked
"
    );
    let (_, _, found) = fixes_of(&fx, "tasks/unlinked-acceptance");
    let titles: Vec<(&str, bool)> = found
        .iter()
        .map(|f| (f.title.as_str(), f.preferred))
        .collect();
    // "human" is in the first one's name (3) and "call" in its steps
    // (1); "call" is also in a step of the main spec's "Hello" (1).
    assert_eq!(
        titles,
        [
            (
                "Link scenario \"Caller asks for a human\" (specs/voice/spec.md)",
                true
            ),
            ("Link scenario \"Hello\" (../../specs/voice/spec.md)", false),
        ]
    );
    let done = apply_fix(&fx, "tasks/unlinked-acceptance", 0);
    assert!(done.text("openspec/changes/c/tasks.md").ends_with(
        "  - Acceptance: the call reaches a human when asked [Caller asks for a human](specs/voice/spec.md#scenario-caller-asks-for-a-human)\n"
    ));
    let done = apply_fix(&fx, "tasks/unlinked-acceptance", 1);
    assert!(done
        .text("openspec/changes/c/tasks.md")
        .ends_with("asked [Hello](../../specs/voice/spec.md#scenario-hello)\n"));
}

#[test]
fn a_criterion_matching_nothing_offers_the_uncovered_scenarios() {
    let fx = format!(
        "{DELTA}//- openspec/changes/c/tasks.md
## 1. Transfer
- [ ] 1.1 Transfer
  - Acceptance: [x](specs/voice/spec.md#scenario-nobody-free)
- [ ] 1.2 Polish
  - **Acceptance:** 🎉
"
    );
    let (_, _, found) = fixes_of(&fx, "tasks/unlinked-acceptance");
    let titles: Vec<&str> = found.iter().map(|f| f.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Link scenario \"Caller asks for a human\" (specs/voice/spec.md)",
            "Link scenario \"Hello again\" (specs/voice/spec.md)",
        ]
    );
    assert!(found.iter().all(|f| !f.preferred));
    let done = apply_fix(&fx, "tasks/unlinked-acceptance", 1);
    assert!(done.text("openspec/changes/c/tasks.md").ends_with(
        "  - **Acceptance:** 🎉 [Hello again](specs/voice/spec.md#scenario-hello-again)\n"
    ));
}

#[test]
fn an_uncovered_scenario_gets_a_task_in_the_group_of_its_requirement() {
    let fx = format!(
        "{DELTA}//- openspec/changes/c/tasks.md
## 1. Transfer
- [ ] 1.1 Detect
  - Acceptance: [x](specs/voice/spec.md#scenario-caller-asks-for-a-human)
- [x] 1.2 Route (requires 1.1)

## 2. Greeting
- [ ] 2.1 Greet
  - Acceptance: [x](specs/voice/spec.md#scenario-hello-again)
"
    );
    let done = apply_fix(&fx, "tasks/uncovered-scenario", 0);
    assert_eq!(
        done.fix.title,
        "Add task 1.3 covering \"Nobody free\" to tasks.md"
    );
    assert!(done.fix.preferred);
    assert_eq!(
        done.text("openspec/changes/c/tasks.md"),
        "## 1. Transfer
- [ ] 1.1 Detect
  - Acceptance: [x](specs/voice/spec.md#scenario-caller-asks-for-a-human)
- [x] 1.2 Route (requires 1.1)
- [ ] 1.3 Cover scenario \"Nobody free\"
  - Acceptance: [Nobody free](specs/voice/spec.md#scenario-nobody-free)

## 2. Greeting
- [ ] 2.1 Greet
  - Acceptance: [x](specs/voice/spec.md#scenario-hello-again)
"
    );
    assert!(!done
        .after
        .iter()
        .any(|d| d.code.as_str() == "tasks/uncovered-scenario"));
}

#[test]
fn an_uncovered_scenario_in_a_file_without_groups() {
    let fx = format!(
        "{DELTA}//- openspec/changes/c/tasks.md\r
\t* [ ] 4.1 Detect\r
\t  - Acceptance: [x](specs/voice/spec.md#scenario-caller-asks-for-a-human)\r
\t  - Acceptance: [x](specs/voice/spec.md#requirement-greeting)"
    );
    let done = apply_fix(&fx, "tasks/uncovered-scenario", 0);
    assert_eq!(
        done.text("openspec/changes/c/tasks.md"),
        "\t* [ ] 4.1 Detect\r
\t  - Acceptance: [x](specs/voice/spec.md#scenario-caller-asks-for-a-human)\r
\t  - Acceptance: [x](specs/voice/spec.md#requirement-greeting)\r
- [ ] 4.2 Cover scenario \"Nobody free\"\r
  - Acceptance: [Nobody free](specs/voice/spec.md#scenario-nobody-free)"
    );
}

/// A typo in a link's anchor takes the nearest anchor of the linked file;
/// an anchor like none of them gets no fix.
#[test]
fn a_broken_anchor_takes_the_nearest_one() {
    let fx = format!(
        "{DELTA}//- openspec/changes/c/tasks.md
## 1. Calls
- [ ] 1.1 Route calls
  - Acceptance: [s](specs/voice/spec.md#scenario-caller-asks-for-a-humna)
"
    );
    let done = apply_fix(&fx, "tasks/broken-acceptance-link", 0);
    assert_eq!(
        done.fix.title,
        "Change to \"scenario-caller-asks-for-a-human\""
    );
    assert!(done
        .text("openspec/changes/c/tasks.md")
        .contains("](specs/voice/spec.md#scenario-caller-asks-for-a-human)"));
    let far = fx.replace("scenario-caller-asks-for-a-humna", "zzz-unrelated");
    let (_, _, found) = fixes_of(&far, "tasks/broken-acceptance-link");
    assert!(found.is_empty());
}
