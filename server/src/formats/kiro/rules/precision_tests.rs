//! Cases from the review of findings on real Kiro repositories
//! (docs/precision.md): for each rule, a case it no longer reports and one
//! it still does, in the engine's annotated fixtures.

use crate::rules::fixture::check_annotated_only;

/// Kiro leaves the line of a task it ticks above an unticked copy that
/// holds the task's details: the ticked line is no task of its own to ask
/// for requirements. A task without any still gets the note.
#[test]
fn task_without_requirements_skips_the_ticked_copy_of_a_task() {
    check_annotated_only(
        r#"//- .kiro/specs/pay/requirements.md
# Requirements Document

### Requirement 1: Pay

**User Story:** As a buyer, I want to pay, so that I get my order.

#### Acceptance Criteria

1. WHEN the buyer pays THE Shop SHALL confirm the order
2. WHEN the card is declined THE Shop SHALL say why
//- .kiro/specs/pay/tasks.md
# Implementation Plan

- [ ] 1. Confirm orders
  - _Requirements: 1.1_
- [x] 2. Explain declines




- [ ] 2. Explain declines
  - Show the reason the bank gave
  - _Requirements: 1.2_
- [ ] 3. Log declines
         ^^^^^^^^^^^^ info kiro/task-without-requirements
"#,
        "kiro/task-without-requirements",
    );
}

/// A bugfix line numbered for another section is reported once, where it
/// sits; the line of the right section that bears the same number is no
/// repeat. A number used twice within its section still is.
#[test]
fn numbering_reports_a_misplaced_bugfix_line_once() {
    check_annotated_only(
        r#"//- .kiro/specs/login-fix/bugfix.md
# Bugfix Requirements Document

## Bug Analysis

### Current Behavior (Defect)

**1.1** WHEN a user signs in twice THEN the session is lost

**2.1** WHEN a user signs out THEN the token stays valid
  ^^^ warning kiro/numbering

### Expected Behavior (Correct)

**2.1** WHEN a user signs in twice THEN the system SHALL keep the session

**2.1** WHEN a user signs out THEN the system SHALL revoke the token
  ^^^ warning kiro/numbering

### Unchanged Behavior (Regression Prevention)

**3.1** WHEN a user signs in once THEN the system SHALL CONTINUE TO open a session
"#,
        "kiro/numbering",
    );
}
