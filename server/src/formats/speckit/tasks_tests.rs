use super::*;
use crate::formats::shape::RequirementKind;

fn at(src: &str, s: Span) -> &str {
    &src[s.range()]
}

const CURRENT: &str = r#"# Tasks: Tide Client

## Format: `[ID] [P?] [Story] Description`

- **[P]**: Can run in parallel

## Phase 1: Setup (Shared Infrastructure)

- [x] T001 Create `sample-client/build.gradle.kts`
- [ ] T002 [P] Configure lint in .editorconfig and src/lint/rules.ts

## Phase 2: Foundational (Blocking Prerequisites)

- [ ] T003 [P] Add model in src/models/tide.py (FR-001, SC-002)

---

## Phase 3: User Story 1 - Read Extremes (Priority: P1) 🎯 MVP

### Tests for User Story 1

- [X] T004 [P] [US1] Test extremes in tests/test_tide.py (depends on T002, T003)
- [ ] T005 [US1][US2] Wire both stories in src/app.py after T004
- [ ] T006 [US1/2] Shared view
  - **Files**: `src/view.ts`
  - Depends on: T005
- [ ] T012a [P] [US1] Suffixed id (depends on T001–T003)

### Implementation for User Story 1

- [ ] Forgot the id in src/x.py

## Phase 4: Polish & Cross-Cutting Concerns

- [ ] T007 Update docs (depends on T004-T006)

## Dependencies & Execution Order

- [ ] This checklist line is no task
"#;

#[test]
fn phases_with_their_kinds() {
    let t = TaskFile::parse(CURRENT);
    let got: Vec<_> = t
        .phases
        .iter()
        .map(|p| (at(CURRENT, p.title), p.level, p.kind.clone()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "Phase 1: Setup (Shared Infrastructure)",
                2,
                PhaseKind::Setup
            ),
            (
                "Phase 2: Foundational (Blocking Prerequisites)",
                2,
                PhaseKind::Foundational
            ),
            (
                "Phase 3: User Story 1 - Read Extremes (Priority: P1) 🎯 MVP",
                2,
                PhaseKind::Story(vec![1])
            ),
            (
                "Phase 4: Polish & Cross-Cutting Concerns",
                2,
                PhaseKind::Polish
            ),
        ]
    );
    assert!(t.has_story_phases());
}

#[test]
fn task_lines_ids_labels_state_and_phase() {
    let t = TaskFile::parse(CURRENT);
    let got: Vec<_> = t
        .tasks
        .iter()
        .map(|k| {
            (
                k.id.as_deref(),
                k.done,
                k.parallel.is_some(),
                k.stories
                    .iter()
                    .map(|l| l.numbers.clone())
                    .collect::<Vec<_>>(),
                k.phase,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (Some("T001"), true, false, vec![], Some(0)),
            (Some("T002"), false, true, vec![], Some(0)),
            (Some("T003"), false, true, vec![], Some(1)),
            (Some("T004"), true, true, vec![vec![1]], Some(2)),
            (Some("T005"), false, false, vec![vec![1], vec![2]], Some(2)),
            (Some("T006"), false, false, vec![vec![1, 2]], Some(2)),
            (Some("T012a"), false, true, vec![vec![1]], Some(2)),
            (None, false, false, vec![], Some(2)),
            (Some("T007"), false, false, vec![], Some(3)),
            (None, false, false, vec![], None),
        ]
    );
    let t4 = t.task("T004").unwrap();
    assert_eq!(at(CURRENT, t4.id_span.unwrap()), "T004");
    assert_eq!(at(CURRENT, t4.checkbox), "[X]");
    assert_eq!(at(CURRENT, t4.stories[0].span), "[US1]");
    assert_eq!(
        at(CURRENT, t4.description),
        "Test extremes in tests/test_tide.py (depends on T002, T003)"
    );
    assert_eq!(
        at(CURRENT, t.tasks[7].description),
        "Forgot the id in src/x.py"
    );
}

#[test]
fn dependencies_lists_after_clauses_detail_lines_and_ranges() {
    let t = TaskFile::parse(CURRENT);
    let deps = |id: &str| -> Vec<(String, bool)> {
        t.task(id)
            .unwrap()
            .dependencies
            .iter()
            .map(|d| (d.id.clone(), d.from_range))
            .collect()
    };
    let plain = |ids: &[&str]| -> Vec<(String, bool)> {
        ids.iter().map(|i| (i.to_string(), false)).collect()
    };
    let ranged = |ids: &[&str]| -> Vec<(String, bool)> {
        ids.iter().map(|i| (i.to_string(), true)).collect()
    };
    assert_eq!(deps("T004"), plain(&["T002", "T003"]));
    assert_eq!(deps("T005"), plain(&["T004"]));
    assert_eq!(deps("T006"), plain(&["T005"]));
    assert_eq!(deps("T012a"), ranged(&["T001", "T002", "T003"]));
    assert_eq!(deps("T007"), ranged(&["T004", "T005", "T006"]));
    let r = &t.task("T007").unwrap().dependencies[0];
    assert_eq!(at(CURRENT, r.span), "T004-T006");
    assert!(t.bad_ranges.is_empty());
    assert_eq!(
        t.task("T006").unwrap().last_line,
        t.task("T006").unwrap().line + 2
    );
}

#[test]
fn requirement_ids_and_file_paths_named_by_a_task() {
    let t = TaskFile::parse(CURRENT);
    let reqs: Vec<_> = t
        .task("T003")
        .unwrap()
        .requirements
        .iter()
        .map(|r| at(CURRENT, r.span))
        .collect();
    assert_eq!(reqs, ["FR-001", "SC-002"]);
    let paths = |id: &str| -> Vec<String> {
        t.task(id)
            .unwrap()
            .paths
            .iter()
            .map(|p| p.path.clone())
            .collect()
    };
    assert_eq!(paths("T001"), ["sample-client/build.gradle.kts"]);
    // A bare word needs a slash and an extension, a known extension, or a
    // known name (`.editorconfig`).
    assert_eq!(paths("T002"), [".editorconfig", "src/lint/rules.ts"]);
    assert_eq!(paths("T006"), ["src/view.ts"]);
    assert!(paths("T007").is_empty());
}

#[test]
fn bold_ids_and_labels_inside_the_bold() {
    let src = "## Phase 1: Core Implementation (Sequential)\n\n- [x] **T001** Update constants — `src/core/constants.ts` | R002, R005\n- [x] **T002 [P]** Contract test in `tests/a.test.ts`:\n- [x] **T008** [P][A] Unit tests *(depends on T001)*\n- [ ] **T3** short id\n";
    let t = TaskFile::parse(src);
    let got: Vec<_> = t
        .tasks
        .iter()
        .map(|k| {
            (
                k.id.as_deref().unwrap(),
                k.parallel.is_some(),
                k.other_labels.len(),
                at(src, k.description),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "T001",
                false,
                0,
                "Update constants — `src/core/constants.ts` | R002, R005"
            ),
            ("T002", true, 0, "Contract test in `tests/a.test.ts`:"),
            ("T008", true, 1, "Unit tests *(depends on T001)*"),
            ("T3", false, 0, "short id"),
        ]
    );
    let r: Vec<_> = t.tasks[0]
        .requirements
        .iter()
        .map(|r| (r.id.as_str(), r.kind))
        .collect();
    assert_eq!(
        r,
        [
            ("R002", RequirementKind::Plain),
            ("R005", RequirementKind::Plain)
        ]
    );
    assert_eq!(t.tasks[2].dependencies[0].id, "T001");
    // A custom phase title is still a numbered phase, of no known kind.
    assert_eq!(t.phases[0].kind, PhaseKind::Other);
}

#[test]
fn old_template_phases_nested_phases_and_custom_sections() {
    let src = "## Phase 3.1: Setup\n- [ ] T001 Init\n## Phase 3.2: Tests First (TDD) ⚠️ MUST COMPLETE BEFORE 3.3\n### Contract Tests\n- [ ] T002 [P] Test\n## Phase 3.5: Polish\n- [ ] T003 Docs\n## Core work\n- [ ] T004 Work\n## Phase 1: Foundation\n### Phase 1.1: Project Setup & Dependencies\n- [ ] T005 Install\n## Validation Checklist\n- [ ] All tests pass\n";
    let t = TaskFile::parse(src);
    let got: Vec<_> = t
        .phases
        .iter()
        .map(|p| (at(src, p.title), p.kind.clone()))
        .collect();
    assert_eq!(
        got,
        [
            ("Phase 3.1: Setup", PhaseKind::Setup),
            (
                "Phase 3.2: Tests First (TDD) ⚠️ MUST COMPLETE BEFORE 3.3",
                PhaseKind::Other
            ),
            ("Phase 3.5: Polish", PhaseKind::Polish),
            ("Core work", PhaseKind::Other),
            ("Phase 1: Foundation", PhaseKind::Foundational),
            ("Phase 1.1: Project Setup & Dependencies", PhaseKind::Other),
        ]
    );
    let phases: Vec<_> = t.tasks.iter().map(|k| k.phase).collect();
    assert_eq!(phases, [Some(0), Some(1), Some(2), Some(3), Some(5), None]);
    assert!(!t.has_story_phases());
}

#[test]
fn story_phase_forms() {
    assert_eq!(
        phase_kind("Phase 5: User Story 1+2 — emissions (P2)"),
        Some(PhaseKind::Story(vec![1, 2]))
    );
    assert_eq!(
        phase_kind("US3 — Read-only + safe"),
        Some(PhaseKind::Story(vec![3]))
    );
    assert_eq!(
        phase_kind("User Stories 1 & 2"),
        Some(PhaseKind::Story(vec![1, 2]))
    );
    assert_eq!(
        phase_kind("Phase 4b: FR-020 — Identifier Value Validation"),
        Some(PhaseKind::Other)
    );
    assert_eq!(phase_kind("Setup"), Some(PhaseKind::Setup));
    assert_eq!(phase_kind("Implementation for User Story 1"), None);
    assert_eq!(phase_kind("Notes"), None);
    assert_eq!(phase_kind("Phase"), None);
}

#[test]
fn half_typed_ids_labels_and_bad_ranges() {
    let src = "## Phase 3: User Story 1\n- [ ] T0 half\n- [ ] T [US1] no digits\n- [ ] T010 [US half label\n- [ ] T011 [US] empty label\n- [ ] T012 backwards (depends on T014–T010)\n- [ ] T013 itself (depends on T013)\n- [ ] T014 huge (depends on T1-T99999)\n- [ ] T015 (depends on all)\n- [ ] T016 after FR- and T\n";
    let t = TaskFile::parse(src);
    let ids: Vec<_> = t.tasks.iter().map(|k| k.id.as_deref()).collect();
    assert_eq!(
        ids,
        [
            Some("T0"),
            None,
            Some("T010"),
            Some("T011"),
            Some("T012"),
            Some("T013"),
            Some("T014"),
            Some("T015"),
            Some("T016")
        ]
    );
    assert!(t.tasks[2].stories.is_empty());
    assert_eq!(at(src, t.tasks[2].description), "[US half label");
    assert!(t.tasks[3].stories.is_empty());
    assert_eq!(t.tasks[3].other_labels.len(), 1);
    // Backwards and oversized ranges keep their two ends and are reported.
    let ends = |k: usize| -> Vec<&str> {
        t.tasks[k]
            .dependencies
            .iter()
            .map(|d| d.id.as_str())
            .collect()
    };
    assert_eq!(ends(4), ["T014", "T010"]);
    assert_eq!(ends(6), ["T1", "T99999"]);
    let bad: Vec<_> = t.bad_ranges.iter().map(|b| at(src, b.span)).collect();
    assert_eq!(bad, ["T014–T010", "T1-T99999"]);
    // A dependency on itself is read as written; the cycle rule judges it.
    assert_eq!(ends(5), ["T013"]);
    assert!(ends(7).is_empty());
    assert!(ends(8).is_empty());
    assert!(t.tasks[8].requirements.is_empty());
}

#[test]
fn ten_thousand_tasks_read_in_one_pass() {
    let mut src = String::from("## Phase 1: Setup\n");
    for n in 1..=10_000 {
        src.push_str(&format!(
            "- [ ] T{n:05} [P] Task in src/f{n}.rs (depends on T{:05})\n",
            n.max(2) - 1
        ));
    }
    let start = std::time::Instant::now();
    let t = TaskFile::parse(&src);
    assert_eq!(t.tasks.len(), 10_000);
    assert_eq!(t.tasks[9_999].dependencies[0].id, "T09999");
    assert_eq!(t.tasks[9_999].paths[0].path, "src/f10000.rs");
    // Generous: a quadratic reader would take minutes in a debug build.
    assert!(start.elapsed().as_secs() < 20);
}

#[test]
fn code_and_comments_hold_no_tasks() {
    let src = "## Phase 1: Setup\n```\n- [ ] T001 example\n```\n<!--\n- [ ] T002 hidden\n-->\n- [ ] T003 real\n";
    let t = TaskFile::parse(src);
    let ids: Vec<_> = t.tasks.iter().map(|k| k.id.as_deref()).collect();
    assert_eq!(ids, [Some("T003")]);
}

#[test]
fn paths_from_words() {
    let got = |s: &str| -> Vec<String> {
        let mut v = Vec::new();
        paths(s, 0, &mut v);
        v.into_iter().map(|p| p.path).collect()
    };
    assert_eq!(
        got("Edit `./src/a.ts:42` and tests/b.py::test_x"),
        ["src/a.ts", "tests/b.py"]
    );
    assert_eq!(
        got("Read README.md, then `config/`"),
        ["README.md", "config/"]
    );
    assert!(got("Use Node.js and/or Given/When/Then at https://x.io/a.md").is_empty());
    assert!(got("`npm run build` and `getTides()`").is_empty());
    // A slash command is no file; a root-level file is.
    assert_eq!(
        got("Run `/install-local`, then edit `/etc/hosts`"),
        ["/etc/hosts"]
    );
}

/// Below a task, only a line that opens with a dependency clause states
/// its dependencies; prose that mentions other tasks does not.
#[test]
fn detail_lines_depend_only_when_they_open_with_the_clause() {
    let src = "## Phase 1: Setup

- [ ] T001 Scaffold src/app.ts
- [ ] T002 Add the reader in src/reader.ts
  - *(depends on T001)*
  - **Verify**: `npm test -- reader` passes after T003 lands (after T004 adds tests).
- [ ] T003 Add the writer in src/writer.ts
  - **Depends on**: T002
  - T004, T005 can run in parallel after T001
- [ ] T004 Tests in tests/reader.test.ts
";
    let t = TaskFile::parse(src);
    let deps = |id: &str| -> Vec<&str> {
        t.task(id)
            .unwrap()
            .dependencies
            .iter()
            .map(|d| d.id.as_str())
            .collect()
    };
    assert_eq!(deps("T002"), ["T001"]);
    assert_eq!(deps("T003"), ["T002"]);
    assert_eq!(deps("T004"), Vec::<&str>::new());
}

/// The forms a path takes in real task lists: a Markdown link's target, a
/// bare folder, a dotfile or a file known without an extension, a pattern
/// in code, a command's argument; and code that only looks like a file.
#[test]
fn paths_in_the_forms_tasks_write_them() {
    let got = |s: &str| -> Vec<String> {
        let mut v = Vec::new();
        paths(s, 0, &mut v);
        v.into_iter().map(|p| p.path).collect()
    };
    assert_eq!(
        got("In [src/speckit/detector.ts](src/speckit/detector.ts), import x"),
        ["src/speckit/detector.ts"]
    );
    assert_eq!(
        got("创建项目结构 在 src/ModularGodot.Core.Test/ 中"),
        ["src/ModularGodot.Core.Test/"]
    );
    assert_eq!(
        got("配置格式化工具 (如 .editorconfig) and `.env.local`"),
        [".editorconfig", ".env.local"]
    );
    assert_eq!(
        got("CHANGELOG entry; README: extend it"),
        ["CHANGELOG", "README"]
    );
    assert_eq!(
        got("Update `commands/speckit.{plan,tasks}.md` and `.specify/companion/**`"),
        ["commands/speckit.{plan,tasks}.md", ".specify/companion/**"]
    );
    assert_eq!(
        got("Run `poetry run pytest tests/test_models.py -v`"),
        ["tests/test_models.py"]
    );
    // Members, call chains and quoted strings are code, not files.
    assert!(got("stub `vscode.workspace.fs.stat`, `fs.statSync` and `\"n/a\"`").is_empty());
    assert!(got("Given/When/Then and/or I/O").is_empty());
}

/// Each path's role: the file a task writes, or one it reads, runs, checks
/// or refers to. Two `[P]` tasks conflict only over written files.
#[test]
fn path_roles_from_the_words_and_lines_around_them() {
    let src = "## Phase 1: Setup

- [ ] T001 [P] Merge the values from `src/old.ts` into `Context` in `src/constants.ts`
- [ ] T002 [P] Update `README.md` to say the dates are derived from `.ctx.json`, per CLAUDE.md
- [ ] T003 [P] Document the sidebar — `README.md`
  - **Do**: Add `src/toc.ts` to the module list and link out to `docs/sidebar.md`.
  - **Verify**: the count matches `package.json`.
- [ ] T004 [P] Unit tests — `test-expert`
  - **Files**: `tests/a.test.ts`
  - **Reference**: `tests/b.test.ts`
  - Add cases to `tests/c.test.ts`
- [ ] T005 [P] Run `npm test` and verify `src/constants.ts` has annotations
- [ ] T006 [P] Add a `Status` entry to `src/types.ts`
";
    let t = TaskFile::parse(src);
    let roles = |id: &str| -> Vec<(String, PathRole)> {
        t.task(id)
            .unwrap()
            .paths
            .iter()
            .map(|p| (p.path.clone(), p.role))
            .collect()
    };
    let (w, r) = (PathRole::Written, PathRole::Read);
    let pairs = |v: &[(&str, PathRole)]| -> Vec<(String, PathRole)> {
        v.iter().map(|(p, k)| (p.to_string(), *k)).collect()
    };
    assert_eq!(
        roles("T001"),
        pairs(&[("src/old.ts", r), ("src/constants.ts", w)])
    );
    assert_eq!(
        roles("T002"),
        pairs(&[("README.md", w), (".ctx.json", r), ("CLAUDE.md", r)])
    );
    assert_eq!(
        roles("T003"),
        pairs(&[
            ("README.md", w),
            ("src/toc.ts", r),
            ("docs/sidebar.md", r),
            ("package.json", r)
        ])
    );
    assert_eq!(
        roles("T004"),
        pairs(&[
            ("tests/a.test.ts", w),
            ("tests/b.test.ts", r),
            ("tests/c.test.ts", w)
        ])
    );
    assert_eq!(roles("T005"), pairs(&[("src/constants.ts", r)]));
    assert_eq!(roles("T006"), pairs(&[("src/types.ts", w)]));
}

/// What a task does, from its opening words: checks (runs, verifies,
/// inspects) and work outside the files need no path.
#[test]
fn task_kinds_from_the_opening_words() {
    let kinds = [
        (
            "Run `npm run compile` to ensure a clean build",
            TaskKind::Check,
        ),
        (
            "⚠️ CRITICAL: Run US1 tests: `poetry run pytest -v`",
            TaskKind::Check,
        ),
        ("Verify the project compiles", TaskKind::Check),
        ("Manual test: open each plan sub-section", TaskKind::Check),
        ("Manual smoke test across providers", TaskKind::Check),
        ("Final visual review against the preview", TaskKind::Check),
        ("Full suite and gates. Story exit.", TaskKind::Check),
        ("Performance tests ensuring memory < 100MB", TaskKind::Check),
        (
            "`npm run compile` clean + `npm test` green",
            TaskKind::Check,
        ),
        ("Spec 110 regression check: open a spec", TaskKind::Check),
        (
            "Additive-only diff check (SC-005): confirm",
            TaskKind::Check,
        ),
        ("验证仅成功场景测试", TaskKind::Check),
        ("Commit all changes with a message", TaskKind::Operate),
        (
            "Create feature branch `002-edit` if not on it",
            TaskKind::Operate,
        ),
        ("No test updates needed", TaskKind::Operate),
        ("Test with the high contrast theme", TaskKind::Operate),
        (
            "Add a constant before the suggestion check: `const a = 1;`",
            TaskKind::Change,
        ),
        ("Write failing test `testGetTides()`", TaskKind::Change),
        ("Unit test: pulse is null when completed", TaskKind::Change),
        ("Add input validation to the form", TaskKind::Change),
        ("No such story", TaskKind::Change),
        ("Create RLS policies for payment tables", TaskKind::Change),
    ];
    for (desc, kind) in kinds {
        assert_eq!(task_kind(desc), kind, "{desc}");
    }
}

/// A struck-through task is withdrawn: its id is read, and it is marked.
#[test]
fn struck_through_tasks_keep_their_ids() {
    let src = "## Phase 1: Setup\n- [x] ~~T009 [US1] Write `demo.py`~~ — removed\n- [x] **T010** ~~Skip the redirect~~ — superseded by T011\n- [ ] T011 Remove the redirect in src/a.ts\n";
    let t = TaskFile::parse(src);
    let got: Vec<_> = t
        .tasks
        .iter()
        .map(|k| (k.id.as_deref(), k.struck))
        .collect();
    assert_eq!(
        got,
        [
            (Some("T009"), true),
            (Some("T010"), true),
            (Some("T011"), false)
        ]
    );
    assert_eq!(t.task("T009").unwrap().stories.len(), 1);
}
