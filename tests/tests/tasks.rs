//! `specls tasks` end to end: the real binary on a fixture workspace whose
//! waves are worked out by hand below, and on `examples/`.

use serde_json::{json, Value};
use specls_e2e::{examples_dir, run, Workspace};

/// Change `ship`: lettered phase, a sub-task whose dependency counts for its
/// task, a `Requires:` sub-bullet and group dependencies. By hand:
///
/// ```text
/// 1.2 ← 1.1, 2.1 (2.1 through sub-task 1.2.1)
/// 2.2 ← 1.2, 2.1
/// C.1 ← groups 1 and 2: 1.1 1.2 1.3 2.1 2.2
/// C.2 ← C.1
/// wave 1: 1.1 1.3 2.1 · wave 2: 1.2 · wave 3: 2.2 · wave 4: C.1 · wave 5: C.2
/// critical path: C.2 ← C.1 ← 2.2 (its only wave-3 dependency) ← 1.2 (the
/// first of 1.2/2.1 in wave 2) ← 1.1 (the first of 1.1/2.1 in wave 1)
/// ```
///
/// Change `loop`: 1.1 and 1.2 need each other, 1.3 needs 1.2, 1.4 is free.
/// Change `empty` has no tasks.md; `old` is archived.
const FIXTURE: &str = "
//- openspec/config.yaml
schema: spec-driven
//- openspec/changes/ship/proposal.md
# Ship
//- openspec/changes/ship/specs/app/spec.md
## ADDED Requirements
//- openspec/changes/ship/tasks.md
## 1. Backend
- [x] 1.1 Schema
- [ ] 1.2 API (requires 1.1)
  - [ ] 1.2.1 Endpoints (requires 2.1)
- [ ] 1.3 Docs
## 2. Frontend
- [ ] 2.1 Design tokens
- [ ] 2.2 Screens
  - Requires: 1.2, 2.1
## Phase C: Launch
- [ ] C.1 Beta (requires 1, 2)
- [ ] C.2 Announce (after C.1)
//- openspec/changes/loop/tasks.md
## 1. Loop
- [ ] 1.1 a (requires 1.2)
- [ ] 1.2 b (requires 1.1)
- [ ] 1.3 c (requires 1.2)
- [ ] 1.4 d
//- openspec/changes/empty/proposal.md
# Empty
//- openspec/changes/archive/2026-01-02-old/tasks.md
## 1. Old
- [x] 1.1 done long ago
";

fn workspace() -> Workspace {
    Workspace::new(FIXTURE)
}

const SHIP_TEXT: &str = "Task graph of ship (openspec/changes/ship/tasks.md)
7 tasks, 1 done · 5 waves · critical path: 1.1 → 1.2 → 2.2 → C.1 → C.2

Wave 1
* [x] 1.1 Schema
  [ ] 1.3 Docs
  [ ] 2.1 Design tokens

Wave 2
* [ ] 1.2 API ← 1.1, 2.1
      [ ] 1.2.1 Endpoints

Wave 3
* [ ] 2.2 Screens ← 1.2, 2.1

Wave 4
* [ ] C.1 Beta ← 1.1, 1.2, 1.3, 2.1, 2.2

Wave 5
* [ ] C.2 Announce ← C.1

* on the critical path
";

#[test]
fn text_groups_tasks_in_waves_and_marks_the_critical_path() {
    let ws = workspace();
    let out = ws.run(&["tasks", "ship"]);
    out.assert_status(0);
    assert_eq!(out.stdout, SHIP_TEXT, "{out}");
    assert_eq!(out.stderr, "");
}

#[test]
fn json_has_waves_critical_path_and_dependencies() {
    let ws = workspace();
    let out = ws.run(&["tasks", "ship", "--format", "json"]);
    out.assert_status(0);
    let v = out.json();
    assert_eq!(v["version"], 1);
    assert_eq!(v["change"], json!({"id": "ship", "archived": false}));
    assert_eq!(v["path"], "openspec/changes/ship/tasks.md");
    assert_eq!(v["summary"], json!({"tasks": 7, "done": 1, "waves": 5}));
    assert_eq!(
        v["waves"],
        json!([["1.1", "1.3", "2.1"], ["1.2"], ["2.2"], ["C.1"], ["C.2"]])
    );
    assert_eq!(
        v["critical_path"],
        json!(["1.1", "1.2", "2.2", "C.1", "C.2"])
    );
    assert_eq!(v["cycles"], json!([]));
    assert_eq!(v["blocked"], json!([]));
    assert_eq!(v["unknown_dependencies"], json!([]));
    let task = |key: &str| -> Value {
        v["tasks"]
            .as_array()
            .and_then(|a| a.iter().find(|t| t["key"] == key).cloned())
            .unwrap_or_else(|| panic!("no task {key}: {v}"))
    };
    let t12 = task("1.2");
    assert_eq!(t12["depends_on"], json!(["1.1", "2.1"]));
    assert_eq!(t12["wave"], 2);
    assert_eq!(t12["line"], 3);
    assert_eq!(t12["title"], "API");
    assert_eq!(t12["group"], "1");
    assert_eq!(
        t12["subtasks"],
        json!([{"id": "1.2.1", "title": "Endpoints", "line": 4, "done": false}])
    );
    assert_eq!(task("C.1")["group"], "C");
    assert_eq!(task("1.3")["critical"], false);
    assert_eq!(task("C.2")["critical"], true);
    assert_eq!(v["groups"][2]["title"], "Phase C: Launch");
    assert_eq!(v["groups"][2]["tasks"], json!(["C.1", "C.2"]));
}

#[test]
fn mermaid_is_a_flowchart_with_the_critical_path_styled() {
    let ws = workspace();
    let out = ws.run(&["tasks", "ship", "--format", "mermaid"]);
    out.assert_status(0);
    let m = &out.stdout;
    assert!(m.starts_with("flowchart LR\n"), "{m}");
    // Nodes t0..t6 are 1.1 1.2 1.3 2.1 2.2 C.1 C.2; arrows by dependent,
    // then dependency: 0 t0→t1, 1 t3→t1, 2 t1→t4, 3 t3→t4, 4..8 t0 t1 t2
    // t3 t4 → t5, 9 t5→t6. The path uses arrows 0, 2, 8 and 9.
    let arrows: Vec<&str> = m.lines().filter(|l| l.contains("-->")).collect();
    assert_eq!(
        arrows,
        [
            "  t0 --> t1",
            "  t3 --> t1",
            "  t1 --> t4",
            "  t3 --> t4",
            "  t0 --> t5",
            "  t1 --> t5",
            "  t2 --> t5",
            "  t3 --> t5",
            "  t4 --> t5",
            "  t5 --> t6",
        ]
    );
    assert!(m.contains("\n  class t0,t1,t4,t5,t6 critical\n"), "{m}");
    assert!(m.contains("\n  linkStyle 0,2,8,9 stroke:"), "{m}");
    assert!(m.contains("\n  class t0 done\n"), "{m}");
    assert!(
        m.contains("  subgraph wave2 [\"Wave 2\"]\n    t1[\"1.2 API\"]\n  end\n"),
        "{m}"
    );
}

#[test]
fn the_change_is_found_from_a_path_or_the_current_folder() {
    let ws = workspace();
    let out = ws.run(&["tasks", "openspec/changes/ship/tasks.md"]);
    out.assert_status(0);
    assert_eq!(out.stdout, SHIP_TEXT);
    let out = run(&["tasks"], &ws.join("openspec/changes/ship/specs/app"));
    out.assert_status(0);
    assert_eq!(out.stdout, SHIP_TEXT, "{out}");
}

#[test]
fn without_a_change_the_active_changes_are_listed() {
    let ws = workspace();
    let out = ws.run(&["tasks"]);
    out.assert_status(0);
    assert_eq!(
        out.stdout,
        "Active changes:
  empty  no tasks.md
  loop   0/4 tasks done
  ship   1/7 tasks done
Run `specls tasks CHANGE` to see a change's task graph.
"
    );
    let out = run(&["tasks", "--format", "json"], &ws.join("openspec"));
    out.assert_status(0);
    let v = out.json();
    assert_eq!(v["version"], 1);
    let rows: Vec<(String, Value, Value)> = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_string(),
                c["tasks"].clone(),
                c["done"].clone(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("empty".to_string(), Value::Null, json!(0)),
            ("loop".to_string(), json!(4), json!(0)),
            ("ship".to_string(), json!(7), json!(1)),
        ]
    );
    // A diagram needs a change: the list goes to stderr and the run fails.
    let out = ws.run(&["tasks", "--format", "mermaid"]);
    out.assert_status(2);
    assert_eq!(out.stdout, "");
    assert!(out.stderr.contains("ship   1/7 tasks done"), "{out}");
}

#[test]
fn a_cycle_is_reported_apart_and_exits_1() {
    let ws = workspace();
    let out = ws.run(&["tasks", "loop"]);
    out.assert_status(1);
    assert_eq!(
        out.stdout,
        "Task graph of loop (openspec/changes/loop/tasks.md)
4 tasks, 0 done · 1 wave · critical path: 1.4

Wave 1
* [ ] 1.4 d

Cycle (no wave until it is broken): 1.1 → 1.2 → 1.1
  [ ] 1.1 a ← 1.2
  [ ] 1.2 b ← 1.1

Blocked by a cycle
  [ ] 1.3 c ← 1.2

* on the critical path
"
    );
    let v = ws.run(&["tasks", "loop", "--format", "json"]).json();
    assert_eq!(v["cycles"], json!([["1.1", "1.2"]]));
    assert_eq!(v["blocked"], json!(["1.3"]));
    assert_eq!(v["waves"], json!([["1.4"]]));
    assert_eq!(v["tasks"][0]["wave"], Value::Null);
    let out = ws.run(&["tasks", "loop", "--format", "mermaid"]);
    out.assert_status(1);
    // stdout holds the diagram; stderr says why the status is 1.
    assert_eq!(
        out.stderr, "specls: the task graph of loop has a dependency cycle\n",
        "{out}"
    );
    let m = out.stdout;
    assert!(
        m.contains("  subgraph cycle1 [\"Cycle\"]\n    t0[\"1.1 a\"]\n    t1[\"1.2 b\"]\n  end\n"),
        "{m}"
    );
    assert!(m.contains("\n  class t0,t1 cycle\n"), "{m}");
}

#[test]
fn an_archived_change_is_found_by_its_name() {
    let ws = workspace();
    for name in ["old", "2026-01-02-old"] {
        let v = ws.run(&["tasks", name, "--format", "json"]).json();
        assert_eq!(
            v["change"],
            json!({"id": "2026-01-02-old", "archived": true})
        );
        assert_eq!(v["waves"], json!([["1.1"]]));
    }
}

#[test]
fn what_cannot_run_exits_2() {
    let ws = workspace();
    let out = ws.run(&["tasks", "shp"]);
    out.assert_status(2);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr
            .contains("no change named \"shp\". Did you mean \"ship\"?"),
        "{out}"
    );
    let out = ws.run(&["tasks", "empty"]);
    out.assert_status(2);
    assert!(
        out.stderr.contains("change \"empty\" has no tasks.md"),
        "{out}"
    );
    let out = ws.run(&["tasks", "ship", "--format", "dot"]);
    out.assert_status(2);
    let nowhere = Workspace::empty();
    let out = nowhere.run(&["tasks"]);
    out.assert_status(2);
    assert!(out.stderr.contains("no spec workspace"), "{out}");
    let out = nowhere.run(&["tasks", "ship"]);
    out.assert_status(2);
}

#[test]
fn examples_graph_worked_out_by_hand() {
    // examples/openspec/changes/add-call-transfer/tasks.md: 1.3 ← 1.1,
    // 1.4 ← 1.2, 2.2 ← 1.2 2.1, 2.3 ← 2.2, 3.1 ← 2.2, 3.2 ← 3.1, 3.3 ← 2.4
    // (no such task), 3.4 ← 1.1, 4.1 ← group 3, 4.2 ← 4.1.
    let out = run(
        &["tasks", "add-call-transfer", "--format", "json"],
        &examples_dir(),
    );
    out.assert_status(1);
    let v = out.json();
    assert_eq!(
        v["waves"],
        json!([
            ["1.1", "1.2", "2.1", "3.3"],
            ["1.3", "1.4", "2.2", "3.4"],
            ["2.3", "3.1"],
            ["3.2"],
            ["4.1"],
            ["4.2"]
        ])
    );
    assert_eq!(
        v["critical_path"],
        json!(["1.2", "2.2", "3.1", "3.2", "4.1", "4.2"])
    );
    assert_eq!(
        v["unknown_dependencies"],
        json!([{"task": "3.3", "id": "2.4"}])
    );
    assert_eq!(v["summary"], json!({"tasks": 13, "done": 4, "waves": 6}));
    let listed = run(&["tasks"], &examples_dir());
    listed.assert_status(0);
    assert!(
        listed
            .stdout
            .contains("  add-call-transfer  4/13 tasks done\n"),
        "{listed}"
    );
}

/// A Spec Kit feature and a Kiro spec, named by their folders: the order
/// their task lists imply, and the demo's unknown dependency.
#[test]
fn spec_kit_and_kiro_features_have_task_graphs() {
    let root = examples_dir();
    let out = run(
        &[
            "tasks",
            "specs/001-call-recording-consent",
            "--format",
            "json",
        ],
        &root,
    );
    // T021 depends on T031, which does not exist: exit 1, as check says.
    out.assert_status(1);
    let v = out.json();
    assert_eq!(v["change"]["id"], "001-call-recording-consent");
    assert_eq!(v["path"], "specs/001-call-recording-consent/tasks.md");
    assert_eq!(
        v["unknown_dependencies"],
        json!([{"task": "T021", "id": "T031"}])
    );
    let wave_of = |key: &str| -> usize {
        let waves = v["waves"].as_array().unwrap();
        waves
            .iter()
            .position(|w| w.as_array().unwrap().iter().any(|k| k == key))
            .unwrap_or_else(|| panic!("{key} in no wave"))
    };
    // T002 and T003 are [P] side by side in Setup, after T001.
    assert_eq!(wave_of("T001"), 0);
    assert_eq!(wave_of("T002"), 1);
    assert_eq!(wave_of("T003"), 1);
    // Phases run one after another: the last task of the file comes last.
    let last = v["waves"].as_array().unwrap().len() - 1;
    assert_eq!(wave_of("T029"), last);

    let out = run(
        &["tasks", ".kiro/specs/callback-scheduling/tasks.md"],
        &root,
    );
    out.assert_status(0);
    assert!(
        out.stdout.starts_with(
            "Task graph of callback-scheduling (.kiro/specs/callback-scheduling/tasks.md)\n"
        ),
        "{out}"
    );
}
