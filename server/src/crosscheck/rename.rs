//! Renames checked by the rules: the renamed workspace has no error the
//! original did not have.

use std::path::Path;

use crate::ide::edit::apply;
use crate::ide::fixture::{Fixture, VOICE};
use crate::ide::rename::tests::changes;
use crate::ide::rename::{prepare_rename, rename};
use crate::rules::{check_workspace, Severity};
use crate::workspace::Workspace;

/// Renames at the cursor and returns every touched file's new text,
/// after checking the renamed workspace has no error the original did
/// not have.
fn renamed(fixture: &str, new_name: &str) -> Vec<(String, String)> {
    let fx = Fixture::new(fixture);
    let prep = prepare_rename(&fx.ws, &fx.rel, fx.offset).expect("renameable");
    assert!(prep.span.start as usize <= fx.offset && fx.offset <= prep.span.end as usize);
    let change = rename(&fx.ws, &fx.rel, fx.offset, new_name).expect("rename");
    let new = apply(&fx.ws, &change).expect("applies");
    let files: Vec<(String, Vec<u8>)> = fx
        .ws
        .files
        .iter()
        .map(|f| {
            let t = new
                .get(&f.rel)
                .cloned()
                .unwrap_or_else(|| f.text().to_string());
            (f.rel.clone(), t.into_bytes())
        })
        .collect();
    let after = Workspace::from_memory(Path::new("/fixture"), files);
    let errors = |ws: &Workspace| {
        let mut v: Vec<String> = check_workspace(ws)
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| format!("{} {}", d.code.as_str(), d.path))
            .collect();
        v.sort();
        v
    };
    assert_eq!(errors(&after), errors(&fx.ws), "errors before and after");
    new.into_iter().collect()
}

fn text<'a>(files: &'a [(String, String)], rel: &str) -> &'a str {
    &files.iter().find(|(r, _)| r == rel).expect(rel).1
}

#[test]
fn a_requirement_is_renamed_in_every_change_and_link() {
    let fx = changes().replace(
        "### Requirement: Transfer\nThe agent SHALL transfer.",
        "### Requirement: Trans$0fer\nThe agent SHALL transfer.",
    );
    let files = renamed(&fx, "Hand over 🤝");
    let rels: Vec<&str> = files.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(
        rels,
        [
            "openspec/changes/c/design.md",
            "openspec/changes/c/specs/voice/spec.md",
            "openspec/changes/c/tasks.md",
            "openspec/changes/d/specs/voice/spec.md",
            "openspec/specs/voice/spec.md",
        ]
    );
    assert!(text(&files, "openspec/specs/voice/spec.md")
        .contains("### Requirement: Hand over 🤝\nThe agent SHALL transfer."));
    assert!(text(&files, "openspec/changes/c/specs/voice/spec.md")
        .starts_with("## MODIFIED Requirements\n### Requirement: Hand over 🤝\n"));
    assert_eq!(
        text(&files, "openspec/changes/d/specs/voice/spec.md"),
        "## REMOVED Requirements\n- `### Requirement: Hand over 🤝`\n"
    );
    // The emoji is not part of an anchor; the space before it is.
    assert_eq!(
        text(&files, "openspec/changes/c/design.md"),
        "See [the requirement](../../specs/voice/spec.md#requirement-hand-over-).\n"
    );
    // Scenario links are unchanged; the requirement link follows.
    assert!(text(&files, "openspec/changes/c/tasks.md")
        .ends_with("  - Acceptance: [r](specs/voice/spec.md#requirement-hand-over-)\n"));
    assert!(text(&files, "openspec/changes/c/tasks.md")
        .contains("[a](specs/voice/spec.md#scenario-caller-asks)"));
}

#[test]
fn a_rename_from_a_delta_entry_is_the_same_rename() {
    let from_main = renamed(
        &changes().replace(
            "### Requirement: Transfer\nThe agent SHALL transfer.",
            "### Requirement: $0Transfer\nThe agent SHALL transfer.",
        ),
        "Handover",
    );
    let from_removed = renamed(
        &changes().replace(
            "- `### Requirement: Transfer`",
            "- `### Requirement: Tra$0nsfer`",
        ),
        "Handover",
    );
    assert_eq!(from_main, from_removed);
}

#[test]
fn a_scenario_is_renamed_with_its_copies_and_links() {
    let fx = changes().replace(
        "#### Scenario: Caller asks\n- **WHEN** asked",
        "#### Scenario: Caller$0 asks\n- **WHEN** asked",
    );
    let prep = {
        let f = Fixture::new(&fx);
        prepare_rename(&f.ws, &f.rel, f.offset).unwrap()
    };
    assert_eq!(prep.placeholder, "Caller asks");
    let files = renamed(&fx, "Caller wants a person");
    assert!(text(&files, "openspec/specs/voice/spec.md")
        .contains("#### Scenario: Caller wants a person\n- **WHEN** the caller asks"));
    assert!(text(&files, "openspec/changes/c/specs/voice/spec.md")
        .contains("#### Scenario: Caller wants a person\n- **WHEN** asked"));
    assert!(text(&files, "openspec/changes/c/tasks.md").contains(
        "[a](specs/voice/spec.md#scenario-caller-wants-a-person), [m](../../specs/voice/spec.md#scenario-caller-wants-a-person)"
    ));
    // The archived copy is history.
    assert!(!files.iter().any(|(r, _)| r.contains("archive")));
}

#[test]
fn link_labels_that_repeat_the_old_name_follow_it_as_whole_words() {
    let fx = changes()
        .replace(
            "#### Scenario: Caller asks\n- **WHEN** asked",
            "#### Scenario: Caller$0 asks\n- **WHEN** asked",
        )
        .replace(
            "[a](specs/voice/spec.md#scenario-caller-asks)",
            "[Caller asks](specs/voice/spec.md#scenario-caller-asks)",
        )
        .replace(
            "[m](../../specs/voice/spec.md#scenario-caller-asks)",
            "[When Caller asks, twice: Caller asks](../../specs/voice/spec.md#scenario-caller-asks)",
        )
        .replace(
            "[r](specs/voice/spec.md#requirement-transfer)",
            "[Caller asksed](specs/voice/spec.md#requirement-transfer)",
        );
    let files = renamed(&fx, "Caller wants a person");
    let tasks = text(&files, "openspec/changes/c/tasks.md");
    assert!(
        tasks.contains(
            "[Caller wants a person](specs/voice/spec.md#scenario-caller-wants-a-person)"
        ),
        "{tasks}"
    );
    assert!(
        tasks.contains(
            "[When Caller wants a person, twice: Caller wants a person](../../specs/voice/spec.md#scenario-caller-wants-a-person)"
        ),
        "{tasks}"
    );
    // Not a whole word, and a link to another heading: both left alone.
    assert!(
        tasks.contains("[Caller asksed](specs/voice/spec.md#requirement-transfer)"),
        "{tasks}"
    );
}

#[test]
fn a_renamed_duplicate_moves_the_suffix_of_the_other() {
    let fx = "//- openspec/specs/a/spec.md
## Purpose
The voice agent answers every inbound call without any delay.
## Requirements
### Requirement: One
It SHALL one.
#### Scenario: Same$0
- **WHEN** a
- **THEN** b
### Requirement: Two
It SHALL two.
#### Scenario: Same
- **WHEN** a
- **THEN** b
//- openspec/changes/c/tasks.md
- [ ] 1.1 x
  - Acceptance: [second](../../specs/a/spec.md#scenario-same-1)
";
    let files = renamed(fx, "Other");
    assert_eq!(
        text(&files, "openspec/changes/c/tasks.md"),
        "- [ ] 1.1 x\n  - Acceptance: [second](../../specs/a/spec.md#scenario-same)\n"
    );
}

#[test]
fn a_new_name_from_a_rename_is_renamed_in_its_file_only() {
    let fx = format!(
        "{VOICE}//- openspec/changes/c/specs/voice/spec.md
## RENAMED Requirements
- FROM: `### Requirement: Greeting`
- TO: `### Requirement: Wel$0come`
## MODIFIED Requirements
### Requirement: Welcome
The agent SHALL greet.

#### Scenario: Hello
- **WHEN** a call starts
- **THEN** it says hello
"
    );
    let files = renamed(&fx, "Salute");
    assert_eq!(files.len(), 1);
    assert_eq!(
        files[0].1,
        "## RENAMED Requirements
- FROM: `### Requirement: Greeting`
- TO: `### Requirement: Salute`
## MODIFIED Requirements
### Requirement: Salute
The agent SHALL greet.

#### Scenario: Hello
- **WHEN** a call starts
- **THEN** it says hello
"
    );
    // From the old name, the main requirement and the FROM line.
    let files = renamed(
        &fx.replace("$0", "").replace(
            "FROM: `### Requirement: Greeting`",
            "FROM: `### Requirement: $0Greeting`",
        ),
        "Hello there",
    );
    let rels: Vec<&str> = files.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(
        rels,
        [
            "openspec/changes/c/specs/voice/spec.md",
            "openspec/specs/voice/spec.md"
        ]
    );
    assert!(files[0]
        .1
        .starts_with("## RENAMED Requirements\n- FROM: `### Requirement: Hello there`\n- TO: `### Requirement: Welcome`\n"));
}

#[test]
fn a_task_id_is_renamed_with_its_dependencies() {
    let fx = "//- openspec/changes/c/tasks.md
## 1. Setup
- [x] 1.$01 Trunk
- [ ] 1.2 Route (requires 1.1)
## 2. Calls
- [ ] 2.1 Answer
  - Requires: 1.1, 1.2
- [ ] 2.2 Hold (requires 1)
";
    let files = renamed(fx, "1.5");
    assert_eq!(
        text(&files, "openspec/changes/c/tasks.md"),
        "## 1. Setup
- [x] 1.5 Trunk
- [ ] 1.2 Route (requires 1.5)
## 2. Calls
- [ ] 2.1 Answer
  - Requires: 1.5, 1.2
- [ ] 2.2 Hold (requires 1)
"
    );
    // From a dependency, the task it names.
    let from_dep = renamed(
        &fx.replace("$0", "")
            .replace("Requires: 1.1", "Requires: 1$0.1"),
        "1.5",
    );
    assert_eq!(from_dep, files);
}
