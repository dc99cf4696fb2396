//! Task-list rules: OpenSpec's checkbox and numbering lints, and the
//! dependency and acceptance-link extensions.

use std::collections::HashSet;

use rustc_hash::FxHashSet;

use super::{Code, Scope, Sink};
use crate::formats::openspec;
use crate::formats::unit::{check_dependencies as check_dependencies_of, UnitFile};
use crate::model::tasks::{Numbering, Task, TaskList};
use crate::workspace::links::{covered, ScenarioKey};
use crate::workspace::{ChangeRef, FileKind, Summary, Workspace};

pub fn check(ws: &Workspace, scope: &Scope, sink: &mut Sink) {
    for f in scope.files(ws) {
        let (FileKind::Tasks { change }, Summary::Tasks(tasks)) = (&f.kind, &f.summary) else {
            continue;
        };
        if change.archived {
            continue;
        }
        if ws.uses_built_in_spec_driven(change) {
            check_openspec_lints(tasks, &f.rel, sink);
        }
        check_dependencies(tasks, f.text(), &f.rel, sink);
        check_acceptance(ws, change, tasks, f.text(), &f.rel, sink);
    }
}

fn check_openspec_lints(tasks: &TaskList, path: &str, sink: &mut Sink) {
    if tasks.checkbox_lines == 0 {
        if let Some(span) = tasks.first_list_item {
            sink.push(Code::TasksNoCheckboxes, path, span, "This change counts as 0 tasks: no line is a checkbox, so \"openspec list\" and \"openspec status\" report no work and \"openspec archive\" has nothing to flag as incomplete. Write each task as \"- [ ] 1.1 Description\".");
        }
    }
    for n in &tasks.numbering {
        match n {
            Numbering::GroupMismatch { id, span, group, task_group } => sink.push(
                Code::TasksGroupMismatch,
                path,
                *span,
                format!("Task \"{id}\" is under group {group}, but its leading number points to group {task_group}. Move it to group {task_group} or renumber it."),
            ),
            Numbering::Duplicate { id, span, first_line } => sink.push(
                Code::TasksDuplicateId,
                path,
                *span,
                format!("Task ID \"{id}\" is duplicated; it was first declared on line {}. Renumber one of them.", first_line + 1),
            ),
        }
    }
}

fn label(t: &Task, text: &str) -> String {
    t.id.as_deref()
        .map(String::from)
        .unwrap_or_else(|| t.description(text).chars().take(40).collect())
}

/// Dependencies and cycles are checked once for every format, over the
/// shared shape: the task list is a unit of one file whose groups
/// dependencies may name.
fn check_dependencies(tasks: &TaskList, text: &str, path: &str, sink: &mut Sink) {
    let doc = openspec::tasks(tasks, text);
    for f in check_dependencies_of(&[UnitFile { doc: &doc, text }], true) {
        let code = Code::parse(f.code).expect("the shared rules report table codes");
        sink.push(code, path, f.span, f.message);
    }
}

fn check_acceptance(
    ws: &Workspace,
    change: &ChangeRef,
    tasks: &TaskList,
    text: &str,
    path: &str,
    sink: &mut Sink,
) {
    for t in &tasks.tasks {
        for a in t.acceptance.iter().filter(|a| a.links.is_empty()) {
            sink.push(Code::TasksUnlinkedAcceptance, path, a.span, format!("This acceptance criterion of task {} links no scenario. Link the scenario that proves it, e.g. [name](specs/<capability>/spec.md#scenario-<name>).", label(t, text)));
        }
    }
    // The links themselves in the shared shape, read as the coverage lenses
    // and the quick fixes read them.
    let doc = openspec::tasks(tasks, text);
    let found = covered(ws, path, &doc);
    for (link, why) in &found.broken {
        sink.push(
            Code::TasksBrokenAcceptanceLink,
            path,
            link.span,
            format!("Broken acceptance link: {why}"),
        );
    }
    let any_links = doc.tasks.iter().any(|t| !t.links.is_empty());
    let covered: FxHashSet<ScenarioKey> = found.tasks.into_iter().flatten().collect();
    let with_acceptance = tasks.tasks.iter().any(|t| !t.acceptance.is_empty());
    if with_acceptance {
        for t in tasks
            .tasks
            .iter()
            .filter(|t| t.parent().is_none() && t.acceptance.is_empty())
        {
            sink.push(Code::TasksNoAcceptance, path, t.span, format!("Task {} has no acceptance criteria, while other tasks here do. Add \"- Acceptance: [scenario](specs/…#scenario-…)\" under it.", label(t, text)));
        }
    }
    // Coverage is only meaningful once the change links tasks to scenarios.
    if !any_links {
        return;
    }
    let Some(info) = ws.changes.get(change) else {
        return;
    };
    // A scenario name repeated within one requirement is reported once.
    let mut seen: HashSet<ScenarioKey> = HashSet::new();
    for &i in &info.files {
        let f = &ws.files[i];
        let (FileKind::DeltaSpec { .. }, Summary::Delta(d)) = (&f.kind, &f.summary) else {
            continue;
        };
        for r in d.requirements() {
            for s in r.scenarios.iter().filter(|s| s.has_body) {
                let key = (f.rel.as_str(), r.name.as_str(), s.name.as_str());
                if covered.contains(&key) || !seen.insert(key) {
                    continue;
                }
                sink.push(Code::TasksUncoveredScenario, &f.rel, s.header, format!("No task of this change links scenario \"{}\". Add it to a task's \"Acceptance:\" so the work that satisfies it is tracked.", s.name));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::fixture::{check_annotated_only, messages};

    #[test]
    fn the_nearest_id_is_never_the_task_itself() {
        let fx = r#"//- openspec/changes/c/tasks.md
## 1. A
- [ ] 1.1 a
- [ ] 1.3 b (requires 1.4)
                      ^^^ error tasks/unknown-dependency
"#;
        check_annotated_only(fx, "tasks/unknown");
        let m = &messages(fx, "tasks/unknown")[0];
        assert!(!m.contains("\"1.3\"?"), "{m}");
        assert!(m.contains("Did you mean \"1.1\"?"), "{m}");
    }

    #[test]
    fn unknown_dependencies_suggest_the_nearest_id() {
        let fx = r#"//- openspec/changes/c/tasks.md
## 1. A
- [ ] 1.1 a
- [ ] 1.2 b (requires 1.1, 1.3)
                           ^^^ error tasks/unknown-dependency
  - Requires: 2
              ^ error tasks/unknown-dependency
- [ ] 1.3x c (after the demo)
"#;
        check_annotated_only(fx, "tasks/unknown");
        assert!(messages(fx, "tasks/unknown")[0].contains("Did you mean"));
    }

    #[test]
    fn cycles_are_reported_on_each_edge() {
        let fx = r#"//- openspec/changes/c/tasks.md
## 1. A
- [ ] 1.1 a (requires 1.3)
                      ^^^ error tasks/dependency-cycle
- [ ] 1.2 b (requires 1.1)
                      ^^^ error tasks/dependency-cycle
- [ ] 1.3 c (requires 1.2)
                      ^^^ error tasks/dependency-cycle
- [ ] 1.4 d (requires 1.3)
"#;
        check_annotated_only(fx, "tasks/dependency-cycle");
        assert!(messages(fx, "tasks/dependency-cycle")[0].contains("1.1 → 1.2 → 1.3 → 1.1"));
        // A group dependency does not make a task depend on itself.
        check_annotated_only(
            "//- openspec/changes/c/tasks.md\n## 1. A\n- [ ] 1.1 a\n- [ ] 1.2 b (requires 1)\n",
            "tasks/dependency-cycle",
        );
    }

    /// A group id names each task of the group: the same rules, through
    /// the shared shape, as for a task id.
    #[test]
    fn group_dependencies_depend_on_each_task_of_the_group() {
        let fx = r#"//- openspec/changes/c/tasks.md
## 1. A
- [ ] 1.1 a (requires 2)
                      ^ error tasks/dependency-cycle
- [ ] 1.2 b
## 2. B
- [x] 2.1 c (requires 1.1)
                      ^^^ error tasks/dependency-cycle
                      ^^^ warning tasks/done-before-dependency
- [ ] 2.2 d (requires 9.9)
                      ^^^ error tasks/unknown-dependency
"#;
        check_annotated_only(fx, "tasks/");
        assert!(messages(fx, "tasks/dependency-cycle")[0].contains("1.1 → 2.1 → 1.1"));
        assert!(messages(fx, "tasks/unknown-dependency")[0]
            .contains("depends on \"9.9\", but no task or group has that id."));
    }

    #[test]
    fn done_before_dependency() {
        check_annotated_only(
            r#"//- openspec/changes/c/tasks.md
## 1. A
- [ ] 1.1 a
- [x] 1.2 b (requires 1.1)
                      ^^^ warning tasks/done-before-dependency
- [x] 1.3 c (requires 1.2)
"#,
            "tasks/done",
        );
    }

    #[test]
    fn acceptance_links_resolve_to_scenarios() {
        check_annotated_only(
            r#"//- openspec/changes/c/specs/voice/spec.md
## ADDED Requirements
### Requirement: Transfer
It SHALL transfer.
#### Scenario: Caller asks for a human
- **WHEN** asked
- **THEN** transfer
#### Scenario: Nobody free
^^^^^^^^^^^^^^^^^^^^^^^^^^ info tasks/uncovered-scenario
- **WHEN** busy
- **THEN** queue
//- openspec/changes/c/tasks.md
## 1. A
- [ ] 1.1 a
  - Acceptance: [ok](specs/voice/spec.md#scenario-caller-asks-for-a-human)
- [ ] 1.2 b
  - Acceptance: [typo](specs/voice/spec.md#scenario-caller-asks-for-a-humann)
                       ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error tasks/broken-acceptance-link
  - Acceptance: [file](specs/nope/spec.md#x)
                       ^^^^^^^^^^^^^^^^^^^^ error tasks/broken-acceptance-link
  - Acceptance: [req](specs/voice/spec.md#added-requirements)
                      ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error tasks/broken-acceptance-link
- [ ] 1.3 c
  - Acceptance: it works
  ^^^^^^^^^^^^^^^^^^^^^^ warning tasks/unlinked-acceptance
- [ ] 1.4 d
^^^^^^^^^^^ info tasks/no-acceptance
"#,
            "tasks/",
        );
    }

    /// A rooted path and a percent-encoded anchor are links that land
    /// (the editor follows them there), so they are not broken and they
    /// cover their scenarios; a rooted path that misses is still broken.
    #[test]
    fn rooted_and_encoded_acceptance_links_are_not_broken() {
        check_annotated_only(
            r#"//- openspec/changes/c/specs/voice/spec.md
## ADDED Requirements
### Requirement: Transfer
It SHALL transfer.
#### Scenario: Caller asks for a human
- **WHEN** asked
- **THEN** transfer
#### Scenario: Café full
- **WHEN** busy
- **THEN** queue
//- openspec/changes/c/tasks.md
## 1. A
- [ ] 1.1 a
  - Acceptance: [ok](/openspec/changes/c/specs/voice/spec.md#scenario-caller-asks-for-a-human)
- [ ] 1.2 b
  - Acceptance: [ok](specs/voice/spec.md#scenario-caf%C3%A9-full)
  - Acceptance: [gone](/specs/voice/spec.md#scenario-café-full)
                       ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error tasks/broken-acceptance-link
"#,
            "tasks/",
        );
    }

    #[test]
    fn uncovered_scenarios_of_each_capability_are_reported() {
        check_annotated_only(
            r#"//- openspec/changes/c/specs/voice/spec.md
## ADDED Requirements
### Requirement: Transfer
It SHALL transfer.
#### Scenario: Caller asks for a human
- **WHEN** asked
- **THEN** transfer
#### Scenario: Nobody free
^^^^^^^^^^^^^^^^^^^^^^^^^^ info tasks/uncovered-scenario
- **WHEN** busy
- **THEN** queue
//- openspec/changes/c/specs/webhooks/spec.md
## ADDED Requirements
### Requirement: Transfer
It SHALL transfer.
#### Scenario: Caller asks for a human
^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ info tasks/uncovered-scenario
- **WHEN** asked
- **THEN** transfer
#### Scenario: Nobody free
^^^^^^^^^^^^^^^^^^^^^^^^^^ info tasks/uncovered-scenario
- **WHEN** busy
- **THEN** queue
//- openspec/changes/c/tasks.md
## 1. A
- [ ] 1.1 a
  - Acceptance: [one](specs/voice/spec.md#scenario-caller-asks-for-a-human)
"#,
            "tasks/uncovered",
        );
    }

    #[test]
    fn a_requirement_link_covers_all_its_scenarios() {
        check_annotated_only(
            r#"//- openspec/changes/c/specs/voice/spec.md
## ADDED Requirements
### Requirement: Transfer
It SHALL transfer.
#### Scenario: Caller asks for a human
- **WHEN** asked
- **THEN** transfer
#### Scenario: Nobody free
- **WHEN** busy
- **THEN** queue
//- openspec/changes/c/tasks.md
## 1. A
- [ ] 1.1 a
  - Acceptance: [all](specs/voice/spec.md#requirement-transfer)
"#,
            "tasks/",
        );
    }

    #[test]
    fn openspec_lints_apply_to_spec_driven_only() {
        check_annotated_only(
            r#"//- openspec/changes/c/tasks.md
## 1. A
- [ ] 2.1 a
      ^^^ warning tasks/group-mismatch
- [ ] 2.1 b
      ^^^ warning tasks/group-mismatch
      ^^^ warning tasks/duplicate-id
"#,
            "tasks/",
        );
        check_annotated_only(
            "//- openspec/config.yaml\nschema: mine\n//- openspec/changes/c/tasks.md\n## 1. A\n- [ ] 2.1 a\n- [ ] 2.1 b\n",
            "tasks/",
        );
        check_annotated_only(
            r#"//- openspec/changes/c/tasks.md
# Tasks
- do a thing
^^^^^^^^^^^^ warning tasks/no-checkboxes
"#,
            "tasks/",
        );
    }
}
