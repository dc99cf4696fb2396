//! Spec Kit and Kiro quick fixes: applied, their diagnostic is gone and no
//! error is new.

use super::{apply_fix, check_fix_marks};

const SPEC: &str = r#"//- .specify/memory/constitution.md
# Constitution
//- specs/001-notes/spec.md
# Feature Specification: Notes

### User Story 1 - Write a note (Priority: P1)

1. **Given** an empty board, **When** I add a note, **Then** it shows.

### User Story 2 - Sort notes (Priority: P2)

1. **Given** two notes, **When** I sort, **Then** the older comes first.

## Requirements

- **FR-001**: The board MUST keep notes.
- **FR-002**: The board MUST sort notes by age.
"#;

#[test]
fn spec_kit_fix_marks() {
    check_fix_marks(&format!(
        "{SPEC}{}",
        r#"//- specs/001-notes/tasks.md
## Phase 1: Setup

- [ ] T001 [US1] Scaffold src/app.ts
           ^^^^^ warning speckit/forbidden-story-label fix

## Phase 3: User Story 1 - Write a note

- [ ] T002 [P] Store notes in src/notes.ts (FR-001)
      ^^^^ warning speckit/missing-story-label fix
- [ ] T003 [US2] Show notes in src/board.ts (FR-02) (depends on T0002)
           ^^^^^ warning speckit/story-label-mismatch fix
                                             ^^^^^ error speckit/unknown-requirement fix
                                                                ^^^^^ error tasks/unknown-dependency fix

## Phase 4: User Story 2 - Sort notes

- [ ] T004 [US3] Sort notes in src/sort.ts (FR-003)
           ^^^^^ error speckit/unknown-story fix
           ^^^^^ warning speckit/story-label-mismatch fix
                                            ^^^^^^ error speckit/unknown-requirement fix
- [ ] T005 [US2] Order by age in src/sort.ts (FR-002)
"#
    ));
}

#[test]
fn spec_kit_fixes_apply() {
    let tasks = |body: &str| format!("{SPEC}//- specs/001-notes/tasks.md\n{body}");
    let done = apply_fix(
        &tasks("## Phase 3: User Story 1 - Write a note\n\n- [ ] T001 [P] Store notes in src/notes.ts (FR-001, FR-002)\n"),
        "speckit/missing-story-label",
        0,
    );
    assert_eq!(
        done.text("specs/001-notes/tasks.md").lines().nth(2),
        Some("- [ ] T001 [P] [US1] Store notes in src/notes.ts (FR-001, FR-002)")
    );
    let done = apply_fix(
        &tasks("## Phase 1: Setup\n\n- [ ] T001 [US1] Scaffold src/app.ts (FR-001, FR-002)\n"),
        "speckit/forbidden-story-label",
        0,
    );
    assert_eq!(
        done.text("specs/001-notes/tasks.md").lines().nth(2),
        Some("- [ ] T001 Scaffold src/app.ts (FR-001, FR-002)")
    );
    let done = apply_fix(
        &tasks("## Phase 3: User Story 1 - Write a note\n\n- [ ] T001 [US1] Store notes in src/notes.ts (FR-001, FR-020)\n"),
        "speckit/unknown-requirement",
        0,
    );
    assert_eq!(done.fix.title, "Change to \"FR-002\"");
}

#[test]
fn kiro_fix_marks_and_fixes() {
    let fx = r#"//- .kiro/specs/pay/requirements.md
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
- [ ] 1. Confirm orders
  - _Requirements: 1.1_
- [ ] 2. Explain declines
  - Property 2 holds
             ^ error kiro/unknown-property
  - _Requirements: 1.2, 1.3_
                        ^^^ error kiro/unknown-criterion fix
"#;
    check_fix_marks(fx);
    let plain = crate::workspace::fixture::Annotated::new(fx).files;
    let text: String = plain
        .iter()
        .map(|(rel, t)| format!("//- {rel}\n{t}"))
        .collect();
    let done = apply_fix(&text, "kiro/unknown-criterion", 0);
    assert!(
        done.text(".kiro/specs/pay/tasks.md")
            .contains("_Requirements: 1.2, 1.1_"),
        "{}",
        done.fix.title
    );
}
