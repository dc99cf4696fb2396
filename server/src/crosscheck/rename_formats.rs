//! Renames in Spec Kit and Kiro feature folders checked by the rules: the
//! renamed folder has no diagnostic it did not have, and the new id leads
//! to its definition.

use std::path::Path;

use crate::ide::edit::apply;
use crate::ide::fixture::{render, Fixture};
use crate::ide::{definition, prepare_rename, rename};
use crate::rules::check_workspace;
use crate::workspace::Workspace;

/// Renames at the cursor; returns the renamed workspace and every touched
/// file's new text, after checking the rules find nothing new (a code in a
/// file) after.
fn renamed(fixture: &str, new_name: &str) -> (Workspace, Vec<(String, String)>) {
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
    let found = |ws: &Workspace| {
        let mut v: Vec<String> = check_workspace(ws)
            .into_iter()
            .map(|d| format!("{} {}", d.code.as_str(), d.path))
            .collect();
        v.sort();
        v
    };
    let mut before = found(&fx.ws);
    for d in found(&after) {
        let Some(i) = before.iter().position(|b| *b == d) else {
            panic!("new after the rename: {d}");
        };
        before.remove(i);
    }
    (after, new.into_iter().collect())
}

fn text<'a>(files: &'a [(String, String)], rel: &str) -> &'a str {
    &files.iter().find(|(r, _)| r == rel).expect(rel).1
}

/// Where `needle` (its `at`-th byte) leads in the renamed workspace.
fn goes(ws: &Workspace, rel: &str, needle: &str, at: usize) -> Vec<String> {
    let offset = ws.file(rel).unwrap().text().find(needle).expect(needle) + at;
    definition(ws, rel, offset)
        .iter()
        .map(|t| render(ws, t))
        .collect()
}

const SPEC_KIT: &str = r#"//- .specify/memory/constitution.md
# Constitution
//- specs/001-notes/spec.md
# Feature Specification: Notes

## User Scenarios & Testing

### User Story 1 - Write a note (Priority: P1)

1. **Given** an empty board, **When** I add a note, **Then** it shows.

### User Story 2 - Sort notes (Priority: P2)

1. **Given** two notes, **When** I sort, **Then** the older comes first.

## Requirements

- **FR-001**: The board MUST keep notes.
- **FR-002**: The board MUST sort notes by age.
//- specs/001-notes/plan.md
# Plan

The store covers FR-001 and FR-002.
//- specs/001-notes/tasks.md
# Tasks

## Phase 3: User Story 1 - Write a note

- [ ] T001 [US1] Store notes in src/notes.ts (FR-001)
- [ ] T002 [US1] Show notes in src/board.ts (depends on T001)

## Phase 4: User Story 2 - Sort notes

- [ ] T003 [US2] Sort notes in src/sort.ts (FR-002) (depends on T001, T002)
"#;

#[test]
fn a_spec_kit_task_id_with_its_dependencies() {
    let fx = SPEC_KIT.replace("(depends on T001)", "(depends on T0$001)");
    let (ws, files) = renamed(&fx, "T010");
    let tasks = text(&files, "specs/001-notes/tasks.md");
    assert!(tasks.contains("- [ ] T010 [US1] Store notes"));
    assert!(tasks.contains("(depends on T010)\n"));
    assert!(tasks.contains("(depends on T010, T002)\n"));
    assert!(!tasks.contains("T001"));
    assert_eq!(
        goes(&ws, "specs/001-notes/tasks.md", "T010, T002", 1),
        [r#"specs/001-notes/tasks.md:5 "T010""#]
    );
}

/// A task whose id repeats an earlier one's is renamed alone: what cites
/// the id names the earlier task and keeps doing so, and the repetition
/// is undone rather than moved to the earlier task.
#[test]
fn a_repeated_spec_kit_task_id_is_renamed_alone() {
    let fx = SPEC_KIT.replace("- [ ] T003 [US2]", "- [ ] T0$002 [US2]");
    let (ws, files) = renamed(&fx, "T003");
    let tasks = text(&files, "specs/001-notes/tasks.md");
    assert!(tasks.contains("- [ ] T002 [US1] Show notes"));
    assert!(tasks
        .contains("- [ ] T003 [US2] Sort notes in src/sort.ts (FR-002) (depends on T001, T002)"));
    assert_eq!(
        goes(&ws, "specs/001-notes/tasks.md", "T001, T002", 7),
        [r#"specs/001-notes/tasks.md:6 "T002""#]
    );
}

/// The same for a requirement id defined twice (`speckit/duplicate-id`):
/// the repeat is renamed alone, and what cites the id keeps naming the
/// first.
#[test]
fn a_repeated_spec_kit_requirement_id_is_renamed_alone() {
    let fx = SPEC_KIT.replace("- **FR-002**", "- **FR-0$001**");
    let (_, files) = renamed(&fx, "FR-002");
    let rels: Vec<&str> = files.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(rels, ["specs/001-notes/spec.md"]);
    let spec = text(&files, "specs/001-notes/spec.md");
    assert!(spec.contains("- **FR-001**: The board MUST keep notes."));
    assert!(spec.contains("- **FR-002**: The board MUST sort notes by age."));
}

#[test]
fn a_spec_kit_requirement_id_in_spec_plan_and_tasks() {
    let fx = SPEC_KIT.replace("- **FR-002**", "- **FR-0$002**");
    let (ws, files) = renamed(&fx, "FR-007");
    let rels: Vec<&str> = files.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(
        rels,
        [
            "specs/001-notes/plan.md",
            "specs/001-notes/spec.md",
            "specs/001-notes/tasks.md"
        ]
    );
    assert!(text(&files, "specs/001-notes/plan.md").contains("FR-001 and FR-007."));
    assert!(text(&files, "specs/001-notes/spec.md").contains("- **FR-007**: The board MUST sort"));
    assert!(text(&files, "specs/001-notes/tasks.md").contains("(FR-007) (depends on"));
    assert_eq!(
        goes(&ws, "specs/001-notes/tasks.md", "FR-007", 3),
        [r#"specs/001-notes/spec.md:16 "FR-007""#]
    );
}

#[test]
fn a_spec_kit_story_number_in_heading_labels_and_phase() {
    // From a label: the placeholder is the label's id.
    let fx = SPEC_KIT.replace("T003 [US2]", "T003 [U$0S2]");
    let f = Fixture::new(&fx);
    assert_eq!(
        prepare_rename(&f.ws, &f.rel, f.offset).unwrap().placeholder,
        "US2"
    );
    let (ws, files) = renamed(&fx, "3");
    assert!(text(&files, "specs/001-notes/spec.md")
        .contains("### User Story 3 - Sort notes (Priority: P2)"));
    let tasks = text(&files, "specs/001-notes/tasks.md");
    assert!(tasks.contains("## Phase 4: User Story 3 - Sort notes"));
    assert!(tasks.contains("- [ ] T003 [US3] Sort notes"));
    assert_eq!(
        goes(&ws, "specs/001-notes/tasks.md", "[US3]", 2),
        [r#"specs/001-notes/spec.md:9 "3""#]
    );
    // A phase of two stories names both.
    let fx = SPEC_KIT
        .replace(
            "## Phase 4: User Story 2 - Sort notes",
            "## Phase 4: User Story 1 & 2 - Sort notes",
        )
        .replace("### User Story 2", "### User Story $02");
    let (_, files) = renamed(&fx, "5");
    assert!(text(&files, "specs/001-notes/tasks.md")
        .contains("## Phase 4: User Story 1 & 5 - Sort notes"));
    // From the heading, written as a label.
    let fx = SPEC_KIT.replace("### User Story 1", "### User Story $01");
    let (_, files) = renamed(&fx, "US4");
    let tasks = text(&files, "specs/001-notes/tasks.md");
    assert!(tasks.contains("## Phase 3: User Story 4 - Write a note"));
    assert_eq!(tasks.matches("[US4]").count(), 2);
}

#[test]
fn spec_kit_refusals_say_why() {
    let err = |fixture: &str, name: &str| {
        let f = Fixture::new(fixture);
        rename(&f.ws, &f.rel, f.offset, name).unwrap_err().0
    };
    let at_t1 = SPEC_KIT.replace("- [ ] T001", "- [ ] T0$001");
    assert_eq!(
        err(&at_t1, "T002"),
        "T002 already exists in specs/001-notes/tasks.md (line 6); pick another id."
    );
    assert_eq!(
        err(&at_t1, "2"),
        "\"2\" does not fit where T001 stands: write it as \"T012\"."
    );
    let at_fr = SPEC_KIT.replace("- **FR-001**", "- **FR-0$001**");
    assert_eq!(
        err(&at_fr, "SC-001"),
        "\"SC-001\" does not fit where FR-001 stands: write it as \"FR-012\"."
    );
    // A label of a story the spec does not have names nothing to rename.
    let stray = SPEC_KIT.replace("T003 [US2]", "T003 [US$03]");
    let f = Fixture::new(&stray);
    assert_eq!(prepare_rename(&f.ws, &f.rel, f.offset), None);
    assert_eq!(
        err(&stray, "4"),
        "US3 is not defined in this feature: there is nothing to rename."
    );
    let ranged = SPEC_KIT.replace("(depends on T001, T002)", "(depends on T001–T002)");
    assert_eq!(
        err(&ranged.replace("- [ ] T002", "- [ ] T0$002"), "T020"),
        "T002 is cited through the range \"T001–T002\" in specs/001-notes/tasks.md (line 10), which cannot be renamed in place: write the range out as a list first."
    );
}

const KIRO: &str = r#"//- .kiro/specs/pay/requirements.md
# Requirements Document

### Requirement 1: Pay

**User Story:** As a buyer, I want to pay, so that I get my order.

#### Acceptance Criteria

1. WHEN the buyer pays THE Shop SHALL confirm the order
2. WHEN the card is declined THE Shop SHALL say why
//- .kiro/specs/pay/design.md
# Design

### Property 1: Confirmation follows payment

**Validates: Requirements 1.1**
//- .kiro/specs/pay/tasks.md
# Implementation Plan

- [ ] 1. Payments
- [ ] 1.1 Confirm orders
  - _Requirements: 1.1_
- [ ] 1.2 Explain declines
  - Property 1 holds
  - _Requirements: 1.2, 1_
"#;

#[test]
fn a_kiro_criterion_number_everywhere_it_is_cited() {
    let fx = KIRO.replace("_Requirements: 1.1_", "_Requirements: 1.$01_");
    let (ws, files) = renamed(&fx, "1.3");
    assert!(text(&files, ".kiro/specs/pay/requirements.md")
        .contains("3. WHEN the buyer pays THE Shop SHALL confirm"));
    assert!(text(&files, ".kiro/specs/pay/design.md").contains("**Validates: Requirements 1.3**"));
    assert!(text(&files, ".kiro/specs/pay/tasks.md").contains("  - _Requirements: 1.3_\n"));
    assert_eq!(
        goes(&ws, ".kiro/specs/pay/design.md", "1.3", 2),
        [r#".kiro/specs/pay/requirements.md:9 "3""#]
    );
    // From the definition, by its number alone.
    let fx = KIRO.replace("2. WHEN the card", "$02. WHEN the card");
    let (_, files) = renamed(&fx, "5");
    assert!(text(&files, ".kiro/specs/pay/tasks.md").contains("_Requirements: 1.5, 1_"));
}

#[test]
fn a_kiro_requirement_number_takes_its_criteria_along() {
    // Requirement 3 follows 1: renumbering it 2 closes the gap.
    let fx = KIRO
        .replace(
            "THE Shop SHALL say why\n",
            "THE Shop SHALL say why\n\n### Requirement 3: Refund\n\n**User Story:** As a buyer, I want refunds, so that I get my money back.\n\n#### Acceptance Criteria\n\n1. WHEN the buyer returns the order THE Shop SHALL refund it\n",
        )
        .replace("_Requirements: 1.2, 1_\n", "_Requirements: 1.2, 1_\n- [ ] 1.3 Refund\n  - _Requirements: 3.1, 3_\n");
    let before = Fixture::new(&fx);
    let numbering = |ws: &Workspace| {
        check_workspace(ws)
            .iter()
            .filter(|d| d.code.as_str() == "kiro/numbering")
            .count()
    };
    assert_eq!(numbering(&before.ws), 1);
    let (ws, files) = renamed(
        &fx.replace("### Requirement 3:", "### Requirement $03:"),
        "2",
    );
    assert_eq!(numbering(&ws), 0);
    assert!(text(&files, ".kiro/specs/pay/requirements.md").contains("### Requirement 2: Refund"));
    let tasks = text(&files, ".kiro/specs/pay/tasks.md");
    assert!(tasks.contains("_Requirements: 2.1, 2_\n"));
    // Requirement 1 and its criteria stay.
    assert!(tasks.contains("_Requirements: 1.2, 1_\n"));
    assert_eq!(
        goes(&ws, ".kiro/specs/pay/tasks.md", "2.1, 2_", 5),
        [r#".kiro/specs/pay/requirements.md:12 "2""#]
    );
    assert_eq!(
        goes(&ws, ".kiro/specs/pay/tasks.md", "2.1, 2_", 0),
        [r#".kiro/specs/pay/requirements.md:18 "1""#]
    );
}

#[test]
fn a_kiro_task_number_takes_its_sub_tasks_along() {
    let fx = KIRO.replace("- [ ] 1. Payments", "- [ ] $01. Payments");
    let (_, files) = renamed(&fx, "3");
    let tasks = text(&files, ".kiro/specs/pay/tasks.md");
    assert!(tasks.contains("- [ ] 3. Payments\n- [ ] 3.1 Confirm orders\n"));
    assert!(tasks.contains("- [ ] 3.2 Explain declines"));
    // Criteria citations are not task ids.
    assert!(tasks.contains("_Requirements: 1.2, 1_"));
    let f = Fixture::new(&KIRO.replace("  - Property 1 holds", "  - Property $01 holds"));
    assert_eq!(prepare_rename(&f.ws, &f.rel, f.offset), None);
    assert_eq!(
        rename(&f.ws, &f.rel, f.offset, "2").unwrap_err().0,
        "Properties are numbered by the design; renumber them there by hand."
    );
    // Off any id: nothing to rename.
    let f = Fixture::new(&KIRO.replace("Confirm orders", "Confirm $0orders"));
    assert_eq!(prepare_rename(&f.ws, &f.rel, f.offset), None);
    assert!(rename(&f.ws, &f.rel, f.offset, "2").is_err());
    let f = Fixture::new(&KIRO.replace("### Requirement 1:", "### Requirement $01:"));
    assert_eq!(
        rename(&f.ws, &f.rel, f.offset, "1.5").unwrap_err().0,
        "\"1.5\" does not fit where 1 stands: write it as \"3\" or \"2.3\"."
    );
}

#[test]
fn ids_in_a_kiro_range_and_at_its_ends_are_not_renamed() {
    let fx = KIRO
        .replace(
            "2. WHEN the card is declined THE Shop SHALL say why\n",
            "2. WHEN the card is declined THE Shop SHALL say why\n3. WHEN the order ships THE Shop SHALL say so\n",
        )
        .replace("_Requirements: 1.2, 1_", "_Requirements: 1.1-1.3_");
    // Requirement 1 brings its criteria along, the range's among them.
    let f = Fixture::new(&fx.replace("### Requirement 1:", "### Requirement $01:"));
    let e = rename(&f.ws, &f.rel, f.offset, "2").unwrap_err().0;
    assert!(
        e.starts_with("1.1 is cited through the range \"1.1-1.3\""),
        "{e}"
    );
    // 1.2 is cited only inside the range.
    let f = Fixture::new(&fx.replace("2. WHEN the card", "$02. WHEN the card"));
    let e = rename(&f.ws, &f.rel, f.offset, "5").unwrap_err().0;
    assert!(
        e.starts_with("1.2 is cited through the range \"1.1-1.3\""),
        "{e}"
    );
    // Renaming an end would change what the range covers.
    let f = Fixture::new(&fx.replace("1. WHEN the buyer", "$01. WHEN the buyer"));
    let e = rename(&f.ws, &f.rel, f.offset, "9").unwrap_err().0;
    assert!(
        e.starts_with("1.1 is cited through the range \"1.1-1.3\""),
        "{e}"
    );
    let f = Fixture::new(&fx.replace("3. WHEN the order", "$03. WHEN the order"));
    let e = rename(&f.ws, &f.rel, f.offset, "4").unwrap_err().0;
    assert!(
        e.starts_with("1.3 is cited through the range \"1.1-1.3\""),
        "{e}"
    );
}
