use super::*;

/// Parsed files for a feature, kept alive for the borrow in [`Feature`].
struct Files {
    spec: Option<(String, SpecFile)>,
    plan: Option<(String, Plan)>,
    tasks: Option<(String, TaskFile)>,
    checklists: Vec<(String, Checklist)>,
}

fn files(
    spec: Option<&str>,
    plan: Option<&str>,
    tasks: Option<&str>,
    checklists: &[&str],
) -> Files {
    Files {
        spec: spec.map(|s| (s.to_string(), SpecFile::parse(s))),
        plan: plan.map(|s| (s.to_string(), Plan::parse(s))),
        tasks: tasks.map(|s| (s.to_string(), TaskFile::parse(s))),
        checklists: checklists
            .iter()
            .map(|s| (s.to_string(), Checklist::parse(s)))
            .collect(),
    }
}

/// `(code, file, text at the span)` of every finding.
fn run(f: &Files) -> Vec<(&'static str, File, String)> {
    let feature = Feature {
        spec: f.spec.as_ref().map(|(t, s)| (t.as_str(), s)),
        plan: f.plan.as_ref().map(|(t, s)| (t.as_str(), s)),
        tasks: f.tasks.as_ref().map(|(t, s)| (t.as_str(), s)),
        checklists: f.checklists.iter().map(|(t, s)| (t.as_str(), s)).collect(),
    };
    let text = |file: File| -> &str {
        match file {
            File::Spec => &f.spec.as_ref().unwrap().0,
            File::Plan => &f.plan.as_ref().unwrap().0,
            File::Tasks => &f.tasks.as_ref().unwrap().0,
            File::Checklist(k) => &f.checklists[k].0,
            File::Constitution => unreachable!(),
        }
    };
    check(&feature)
        .into_iter()
        .map(|x| (x.code, x.file, text(x.file)[x.span.range()].to_string()))
        .collect()
}

fn of(found: &[(&'static str, File, String)], code: &str) -> Vec<String> {
    found
        .iter()
        .filter(|f| f.0 == code)
        .map(|f| f.2.clone())
        .collect()
}

const SPEC: &str = "\
### User Story 1 - Pay (Priority: P1)
1. **Given** a cart, **When** paying, **Then** paid

### User Story 2 - Refund (Priority: P2)
No scenarios yet.

## Requirements
- **FR-001**: System MUST charge cards
- **FR-002**: System MUST refund
- **FR-003**: System refunds quickly
- **SC-001**: Payments complete in under 2 seconds
- **SC-002**: Checkout is fast and intuitive
";

#[test]
fn story_without_scenarios() {
    let found = run(&files(Some(SPEC), None, None, &[]));
    assert_eq!(
        of(&found, "speckit/story-without-scenarios"),
        ["### User Story 2 - Refund (Priority: P2)"]
    );
}

#[test]
fn requirement_without_keyword_and_vague_terms() {
    let found = run(&files(Some(SPEC), None, None, &[]));
    assert_eq!(of(&found, "speckit/requirement-no-keyword"), ["FR-003"]);
    // SC-001's number measures it; SC-002 gets one finding, for its first
    // vague word in list order.
    assert_eq!(of(&found, "speckit/vague-term"), ["quickly", "fast"]);
}

#[test]
fn clarification_markers_count_from_the_fourth() {
    let four = "- **FR-001**: A MUST [NEEDS CLARIFICATION: a] [NEEDS CLARIFICATION: b]\n- **FR-002**: B MUST [NEEDS CLARIFICATION: c]\n- **FR-003**: C MUST [NEEDS CLARIFICATION: d]\n";
    let found = run(&files(Some(four), None, None, &[]));
    assert_eq!(of(&found, "speckit/needs-clarification").len(), 4);
    assert_eq!(
        of(&found, "speckit/too-many-clarifications"),
        ["[NEEDS CLARIFICATION: d]"]
    );
    let three = "- **FR-001**: A MUST [NEEDS CLARIFICATION: a] [NEEDS CLARIFICATION: b] [NEEDS CLARIFICATION: c]\n";
    let found = run(&files(Some(three), None, None, &[]));
    assert!(of(&found, "speckit/too-many-clarifications").is_empty());
    assert!(of(&found, "speckit/needs-clarification").len() == 3);
}

#[test]
fn placeholders_fire_and_filled_documents_do_not() {
    let found = run(&files(
        Some("# Feature Specification: [FEATURE NAME]\n**Created**: [DATE]\nTODO here.\n- Retries (TODO)\n**Ratified**: TODO(RATIFICATION_DATE)\nThe limit is TODO: ask ops.\n"),
        Some("**Branch**: `[###-feature-name]`\n"),
        None,
        &[],
    ));
    assert_eq!(
        of(&found, "speckit/placeholder"),
        [
            "[FEATURE NAME]",
            "[DATE]",
            "TODO",
            "TODO",
            "TODO",
            "TODO",
            "[###-feature-name]"
        ]
    );
    // The word in a sentence about notes in the code is not a note (every
    // such finding of the Spec Kit corpus was a false alarm).
    let found = run(&files(
        Some("# Feature Specification: Pay\n**Created**: 2025-01-01\n- The handler is currently a TODO stub.\nCommits should reference updates in TODO comments.\nShip it behind a constant/TODO to swap later.\n"),
        Some("**Branch**: `001-pay`\n"),
        None,
        &[],
    ));
    assert!(of(&found, "speckit/placeholder").is_empty());
    let found = run(&files(
        Some("# Feature Specification: Pay\n**Created**: 2025-01-01\nSee [TODO list](todo.md) and `TODO` in code.\n"),
        Some("**Branch**: `001-pay`\n"),
        None,
        &[],
    ));
    assert!(of(&found, "speckit/placeholder").is_empty());
}

#[test]
fn duplicate_requirement_story_and_check_ids() {
    let spec = "### User Story 1 - A\n1. **Given** x, **When** y, **Then** z\n### User Story 1 - B\n1. **Given** x, **When** y, **Then** z\n- **FR-001**: A MUST\n- **FR-001**: B MUST\n- **FR-002**: C MUST\n";
    let list = "- [ ] CHK001 a [Gap]\n- [ ] CHK001 b [Gap]\n";
    let found = run(&files(Some(spec), None, None, &[list]));
    assert_eq!(
        of(&found, "speckit/duplicate-id"),
        ["1", "FR-001", "CHK001"]
    );
    let found = run(&files(
        Some(SPEC),
        None,
        None,
        &["- [ ] CHK001 a [Gap]\n- [ ] CHK002 b [Gap]\n"],
    ));
    assert!(of(&found, "speckit/duplicate-id").is_empty());
}

const TASKS: &str = "\
## Phase 1: Setup
- [ ] T001 [US1] Init in src/main.rs
## Phase 2: User Story 1 - Pay (Priority: P1)
- [ ] T002 [P] [US1] Charge in src/pay.rs (FR-001, FR-009)
- [ ] T003 [P] [US1] Log charges in src/pay.rs
- [ ] T004 [P] Untagged in src/ui.rs
- [ ] T005 [US2] Wrong story in src/x.rs
- [ ] T006 [US7] No such story
- [ ] Missing the id in src/y.rs
  - [ ] a sub-item is no task
## Validation Checklist
- [ ] Everything is green
";

#[test]
fn story_labels_missing_forbidden_mismatched_and_unknown() {
    let found = run(&files(Some(SPEC), None, Some(TASKS), &[]));
    assert_eq!(of(&found, "speckit/forbidden-story-label"), ["[US1]"]);
    assert_eq!(of(&found, "speckit/missing-story-label"), ["T004"]);
    assert_eq!(
        of(&found, "speckit/story-label-mismatch"),
        ["[US2]", "[US7]"]
    );
    assert_eq!(of(&found, "speckit/unknown-story"), ["[US7]"]);
}

#[test]
fn labels_in_the_right_phases_are_quiet() {
    let tasks = "## Phase 1: Setup\n- [ ] T001 Init in src/main.rs\n## Phase 2: User Story 1\n- [ ] T002 [US1] Pay in src/pay.rs\n## Phase 3: User Story 2\n- [ ] T003 [US2] Refund in src/refund.rs\n## Phase 4: Polish\n- [ ] T004 Docs in README.md\n";
    let found = run(&files(Some(SPEC), None, Some(tasks), &[]));
    for code in [
        "speckit/forbidden-story-label",
        "speckit/missing-story-label",
        "speckit/story-label-mismatch",
        "speckit/unknown-story",
        "speckit/story-without-tasks",
        "speckit/task-without-path",
        "speckit/task-format",
    ] {
        assert!(of(&found, code).is_empty(), "{code}: {found:?}");
    }
    // The old template has no story phases and no labels: nothing to ask.
    let old = "## Phase 3.1: Setup\n- [ ] T001 Init in src/main.rs\n## Phase 3.3: Core\n- [ ] T002 Pay in src/pay.rs\n";
    let found = run(&files(Some(SPEC), None, Some(old), &[]));
    assert!(of(&found, "speckit/missing-story-label").is_empty());
    assert!(of(&found, "speckit/story-without-tasks").is_empty());
}

#[test]
fn stories_without_tasks() {
    let found = run(&files(Some(SPEC), None, Some(TASKS), &[]));
    assert_eq!(
        of(&found, "speckit/story-without-tasks"),
        Vec::<String>::new(),
        "US2 is labelled (wrongly) on T005"
    );
    let tasks = "## Phase 2: User Story 1\n- [ ] T001 [US1] Pay in src/pay.rs\n";
    let found = run(&files(Some(SPEC), None, Some(tasks), &[]));
    assert_eq!(
        of(&found, "speckit/story-without-tasks"),
        ["### User Story 2 - Refund (Priority: P2)"]
    );
}

#[test]
fn task_format_path_and_parallel_same_file() {
    let found = run(&files(Some(SPEC), None, Some(TASKS), &[]));
    assert_eq!(of(&found, "speckit/task-format"), ["[ ]"]);
    assert_eq!(of(&found, "speckit/task-without-path"), ["T006"]);
    assert_eq!(of(&found, "speckit/parallel-same-file"), ["src/pay.rs"]);
    // Same file, but one is not [P], or they sit in different phases.
    let tasks = "## Phase 1: Setup\n- [ ] T001 [P] A in src/a.rs\n- [ ] T002 B in src/a.rs\n## Phase 2: Polish\n- [ ] T003 [P] C in src/a.rs\n";
    let found = run(&files(None, None, Some(tasks), &[]));
    assert!(of(&found, "speckit/parallel-same-file").is_empty());
    // A gate list in a phase of its own is no task list.
    let gates = "## Phase 1: Setup\n- [ ] T001 Init in src/a.rs\n### Phase 3.1: Gates\n- [x] All tables created\n";
    let found = run(&files(None, None, Some(gates), &[]));
    assert!(of(&found, "speckit/task-format").is_empty());
    // A file without any id is no T### file: its checkboxes are free.
    let found = run(&files(
        None,
        None,
        Some("## Phase 1\n- [ ] do a\n- [ ] do b\n"),
        &[],
    ));
    assert!(of(&found, "speckit/task-format").is_empty());
}

#[test]
fn unknown_and_uncovered_requirements() {
    let plan = "Implements FR-001 and FR-077.\n";
    let list = "- [ ] CHK001 ok? [Spec §SC-009]\n- [ ] CHK002 ok? [Spec §FR-002]\n";
    let found = run(&files(Some(SPEC), Some(plan), Some(TASKS), &[list]));
    assert_eq!(
        of(&found, "speckit/unknown-requirement"),
        ["FR-077", "FR-009", "SC-009"]
    );
    assert_eq!(
        of(&found, "speckit/uncovered-requirement"),
        ["FR-002", "FR-003"]
    );
    // Tasks that cite no FR at all say nothing about coverage; a preset's
    // own `R###` ids are not checked against a spec that has none.
    let tasks = "## Phase 1: Setup\n- [ ] T001 Init in src/main.rs | R004\n";
    let found = run(&files(Some(SPEC), None, Some(tasks), &[]));
    assert!(of(&found, "speckit/uncovered-requirement").is_empty());
    assert!(of(&found, "speckit/unknown-requirement").is_empty());
    // Without a spec.md there is nothing to resolve against.
    let found = run(&files(None, Some(plan), None, &[]));
    assert!(of(&found, "speckit/unknown-requirement").is_empty());
}

#[test]
fn checklist_traceability_below_eighty_percent() {
    let untraced = "# UX Checklist\n- [ ] CHK001 a [Gap]\n- [ ] CHK002 b [Clarity]\n- [ ] CHK003 c [Spec §FR-001]\n- [ ] CHK004 d\n- [ ] CHK005 e [Assumption]\n";
    let found = run(&files(None, None, None, &[untraced]));
    assert_eq!(of(&found, "speckit/checklist-untraced"), ["UX Checklist"]);
    let traced = "# UX Checklist\n- [ ] CHK001 a [Gap]\n- [ ] CHK002 b [Conflict]\n- [ ] CHK003 c [Spec §FR-001]\n- [ ] CHK004 d\n- [ ] CHK005 e [Ambiguity]\n";
    let found = run(&files(None, None, None, &[traced]));
    assert!(of(&found, "speckit/checklist-untraced").is_empty());
    let generated = "# Specification Quality Checklist\n- [x] No implementation details\n- [x] Requirements are testable\n";
    let found = run(&files(None, None, None, &[generated]));
    assert!(of(&found, "speckit/checklist-untraced").is_empty());
}

#[test]
fn constitution_placeholders() {
    let src = "# [PROJECT_NAME] Constitution\n### I. Library-First\n";
    let found = constitution(&Constitution::parse(src));
    let got: Vec<_> = found
        .iter()
        .map(|f| (f.code, &src[f.span.range()]))
        .collect();
    assert_eq!(got, [("speckit/placeholder", "[PROJECT_NAME]")]);
    assert!(constitution(&Constitution::parse(
        "# Acme Constitution\n### I. Library-First\n"
    ))
    .is_empty());
}

/// Every finding of the feature texts above carries its code's default
/// severity: the table in `diagnostic.rs` is the one place it is set.
#[test]
fn findings_have_their_codes_default_severity() {
    let spec = "# Feature Specification: [FEATURE NAME]\n### User Story 1 - A\n1. **Given** x, **When** y, **Then** z\n### User Story 1 - B\n- **FR-001**: A MUST [NEEDS CLARIFICATION: a] [NEEDS CLARIFICATION: b] [NEEDS CLARIFICATION: c] [NEEDS CLARIFICATION: d]\n- **FR-001**: is fast\n";
    let list = "# UX\n- [ ] CHK001 a\n- [ ] CHK002 b [Spec §FR-404]\n";
    let f = files(Some(spec), Some("FR-077\n"), Some(TASKS), &[list]);
    let feature = Feature {
        spec: f.spec.as_ref().map(|(t, s)| (t.as_str(), s)),
        plan: f.plan.as_ref().map(|(t, s)| (t.as_str(), s)),
        tasks: f.tasks.as_ref().map(|(t, s)| (t.as_str(), s)),
        checklists: f.checklists.iter().map(|(t, s)| (t.as_str(), s)).collect(),
    };
    let found = check(&feature);
    let codes: std::collections::BTreeSet<_> = found.iter().map(|x| x.code).collect();
    // Most of the table fires here, so the check below is not vacuous.
    assert!(codes.len() >= 12, "{codes:?}");
    for x in &found {
        assert!(CODES.contains(&x.code), "{} is not in CODES", x.code);
        let code = crate::diagnostic::Code::parse(x.code).unwrap();
        assert_eq!(x.severity, code.default_severity(), "{}", x.code);
    }
}
