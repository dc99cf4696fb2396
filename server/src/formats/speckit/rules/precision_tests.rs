//! Cases from the review of findings on real Spec Kit repositories
//! (docs/precision.md): for each rule, a case it no longer reports and one
//! it still does, in the engine's annotated fixtures.

use crate::rules::fixture::check_annotated_only;

/// Two `[P]` tasks conflict over a file both write; a task that runs,
/// verifies or only refers to the file (a **Verify** line, "mention",
/// "link out to", "from") does not write it.
#[test]
fn parallel_same_file_compares_written_files_only() {
    check_annotated_only(
        r#"//- .specify/memory/constitution.md
# Constitution
//- specs/001-notes/tasks.md
# Tasks

## Phase 1: Setup

- [ ] T001 [P] Add the store in `src/store.ts`
- [ ] T002 [P] Add the index in `src/store.ts`
                                 ^^^^^^^^^^^^ warning speckit/parallel-same-file
- [ ] T003 [P] Run `npm test` and verify `src/store.ts` builds
- [ ] T004 [P] Document the store — `README.md`
  - **Do**: Mention `src/store.ts` and link out to `docs/store.md`.
  - **Verify**: `src/store.ts` still compiles.
- [ ] T005 [P] Write the guide — `docs/store.md`
- [ ] T006 [P] Merge the keys from `src/keys.ts` into `src/config.ts`
- [ ] T007 [P] Rename the keys in `src/keys.ts`
- [ ] T008 [P] Stub `vscode.workspace.fs.stat` in `tests/a.test.ts`
- [ ] T009 [P] Stub `vscode.workspace.fs.stat` in `tests/b.test.ts`
"#,
        "speckit/parallel-same-file",
    );
}

/// A task that by its nature touches no file (runs, verifies, tests by
/// hand, commits) is not asked for one, nor one that names its file as a
/// link or by a name without an extension; a task that changes code
/// without saying where still is.
#[test]
fn task_without_path_spares_tasks_that_touch_no_file() {
    check_annotated_only(
        r#"//- .specify/memory/constitution.md
# Constitution
//- specs/001-notes/tasks.md
# Tasks

## Phase 1: Setup

- [ ] T001 Run `npm test` and confirm it passes
- [ ] T002 Verify the build on a clean checkout
- [ ] T003 ⚠️ CRITICAL: Run the US1 tests — ALL MUST pass
- [ ] T004 Manual test: open the board and add a note
- [ ] T005 Commit all changes
- [ ] T006 CHANGELOG entry
- [ ] T007 In [src/notes.ts](src/notes.ts), add the sort
- [ ] T008 Add the sort to the board
      ^^^^ hint speckit/task-without-path
- [ ] T009 Write failing test `testSort()`
      ^^^^ hint speckit/task-without-path
"#,
        "speckit/task-without-path",
    );
}

/// A struck-through task (`~~T009 …~~ — removed`) has its id: it is a
/// withdrawn task, not a task without one; a checkbox without an id among
/// tasks still is.
#[test]
fn task_format_reads_struck_through_tasks() {
    check_annotated_only(
        r#"//- .specify/memory/constitution.md
# Constitution
//- specs/001-notes/tasks.md
# Tasks

## Phase 1: Setup

- [x] ~~T001 Write `demo/commands/demo.py`~~ — **removed** at review (D15)
- [x] **T002** ~~Sanity-check the sizes~~ — folded into T003
- [ ] T003 Check the sizes in `docs/sizes.md`
- [ ] Forgot the id in `src/x.py`
  ^^^ warning speckit/task-format
"#,
        "speckit/task-",
    );
}

/// A scenario item wrapped over several lines keeps its steps: a **Then**
/// on the wrapped line is the scenario's, not prose. A scenario that ends
/// without one is still reported.
#[test]
fn missing_then_reads_wrapped_scenario_items() {
    check_annotated_only(
        r#"//- .specify/memory/constitution.md
# Constitution
//- specs/001-notes/spec.md
# Feature Specification: Notes

### User Story 1 - Journal a task (Priority: P1)

**Acceptance Scenarios**:

1. **Given** a feature dir with no summaries, **When** the script runs with
   `--task T001 --kind complete`, **Then** the summary is written
   and a single history entry is added.
2. **Given** the summary exists, **When** the same task is journaled
   again, **Then** the history entry stays single.
3. **Given** a finished run, **When** the panel renders
^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning scenario/missing-then
"#,
        "scenario/",
    );
}

/// A vague word that is quoted, in code, emphasised as a term, part of a
/// name ("quick action", "fast path") or the verb "secure" promises no
/// quality; one that does is still reported.
#[test]
fn vague_term_skips_names_terms_and_verbs() {
    check_annotated_only(
        r#"//- .specify/memory/constitution.md
# Constitution
//- specs/001-notes/spec.md
# Feature Specification: Notes

## Requirements

- **FR-001**: System MUST label the remove quick action as "Remove Line"
- **FR-002**: The system MUST classify each spec as *simple* or *normal*
- **FR-003**: The `simple`-mode branch MUST write a short plan
- **FR-004**: System MUST secure tenant boundaries via separate namespaces
- **FR-005**: The responsive behavior MUST follow the container width
- **FR-006**: The settings MUST list the complexity fast path first
- **FR-007**: The button MUST read "Make it fast"
- **FR-008**: System MUST provide seamless transitions between views
                                  ^^^^^^^^ hint speckit/vague-term
- **FR-009**: Stored notes MUST be secure against replay
                                   ^^^^^^ hint speckit/vague-term
"#,
        "speckit/vague-term",
    );
}

/// A file whose tasks carry no story label at all gets one finding, on
/// its first unlabelled story task; a file that uses labels still gets one
/// per task that lacks its own, unless the task is a gate that only runs
/// or verifies (django-literature's `⚠️ CRITICAL: Run the US1 tests`).
#[test]
fn missing_story_label_once_in_a_file_without_labels() {
    check_annotated_only(
        r#"//- .specify/memory/constitution.md
# Constitution
//- specs/001-notes/tasks.md
# Tasks

## Phase 1: Setup

- [ ] T001 Scaffold `src/app.ts`

## Phase 2: User Story 1 - Write a note (Priority: P1)

- [ ] T002 Store notes in `src/notes.ts`
      ^^^^ warning speckit/missing-story-label
- [ ] T003 Show notes in `src/board.ts`

## Phase 3: User Story 2 - Sort notes (Priority: P2)

- [ ] T004 Sort notes in `src/sort.ts`
//- specs/002-tags/tasks.md
# Tasks

## Phase 3: User Story 1 - Tag a note (Priority: P1)

- [ ] T001 [US1] Store tags in `src/tags.ts`
- [ ] T002 Show tags in `src/board.ts`
      ^^^^ warning speckit/missing-story-label
- [ ] T003 ⚠️ CRITICAL: Run the US1 tests: `pytest tests/test_tags.py` — ALL MUST pass
- [ ] T004 Verify tags survive a reload
"#,
        "speckit/missing-story-label",
    );
}

/// A label that names the phase's story among others (`[US1+US2]` in the
/// phase of story 2) matches it; a label of another story alone does not.
#[test]
fn story_label_mismatch_accepts_a_label_naming_the_phase_story() {
    check_annotated_only(
        r#"//- .specify/memory/constitution.md
# Constitution
//- specs/001-notes/spec.md
# Feature Specification: Notes

### User Story 1 - Write a note (Priority: P1)

1. **Given** a board, **When** I add a note, **Then** it shows.

### User Story 2 - Sort notes (Priority: P2)

1. **Given** notes, **When** I sort, **Then** they are in order.
//- specs/001-notes/tasks.md
# Tasks

## Phase 4: User Story 2 - Sort notes (Priority: P2)

- [ ] T005 [US2] Sort notes in `src/sort.ts`
- [ ] T006 [US1+US2] Test writing and sorting in `tests/notes.test.ts`
- [ ] T007 [US1] Store the sort order in `src/notes.ts`
           ^^^^^ warning speckit/story-label-mismatch
"#,
        "speckit/story-label-mismatch",
    );
}
