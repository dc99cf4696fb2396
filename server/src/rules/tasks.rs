//! Task-list rules: OpenSpec's checkbox and numbering lints, and the
//! dependency and acceptance-link extensions.

use std::collections::HashSet;

use rustc_hash::FxHashSet;

use super::{Code, Scope, Sink};
use crate::model::tasks::{Numbering, Task, TaskList};
use crate::model::Span;
use crate::text::nearest::did_you_mean;
use crate::workspace::graph::strongly_connected;
use crate::workspace::links::{LinkResolver, Target};
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

/// Tasks a dependency id stands for: the task, or every task of a group.
fn targets(tasks: &TaskList, id: &str) -> Vec<usize> {
    if let Some(i) = tasks.tasks.iter().position(|t| t.id.as_deref() == Some(id)) {
        return vec![i];
    }
    tasks
        .tasks
        .iter()
        .enumerate()
        .filter(|(_, t)| t.group.and_then(|g| tasks.groups[g].id.as_deref()) == Some(id))
        .map(|(i, _)| i)
        .collect()
}

fn label(t: &Task, text: &str) -> String {
    t.id.clone()
        .unwrap_or_else(|| t.description(text).chars().take(40).collect())
}

fn check_dependencies(tasks: &TaskList, text: &str, path: &str, sink: &mut Sink) {
    let ids: Vec<&str> = tasks.tasks.iter().filter_map(|t| t.id.as_deref()).collect();
    // Edges task → task, with the span of the reference that makes them.
    let mut edges: Vec<Vec<(usize, Span)>> = vec![Vec::new(); tasks.tasks.len()];
    for (i, t) in tasks.tasks.iter().enumerate() {
        for dep in &t.deps {
            let to = targets(tasks, &dep.id);
            if to.is_empty() {
                sink.push(
                    Code::TasksUnknownDependency,
                    path,
                    dep.span,
                    format!(
                        "Task {} depends on \"{}\", but no task or group has that id.{}",
                        label(t, text),
                        dep.id,
                        // Never the task's own id: depending on itself is
                        // not what anybody meant.
                        did_you_mean(
                            &dep.id,
                            ids.iter()
                                .copied()
                                .filter(|&id| Some(id) != t.id.as_deref())
                        )
                    ),
                );
                continue;
            }
            for &j in to.iter().filter(|&&j| j != i || to.len() == 1) {
                // A group dependency does not make a task depend on itself.
                if j == i && tasks.tasks[i].id.as_deref() != Some(dep.id.as_str()) {
                    continue;
                }
                edges[i].push((j, dep.span));
                if t.done && !tasks.tasks[j].done && j != i {
                    sink.push(
                        Code::TasksDoneBeforeDependency,
                        path,
                        dep.span,
                        format!("Task {} is checked, but the task it depends on, {}, is not. Uncheck {} or finish {} first.", label(t, text), label(&tasks.tasks[j], text), label(t, text), label(&tasks.tasks[j], text)),
                    );
                }
            }
        }
    }
    for scc in strongly_connected(edges.len(), |v, k| edges[v].get(k).map(|&(w, _)| w)) {
        let members: HashSet<usize> = scc.iter().copied().collect();
        let cyclic = scc.len() > 1 || edges[scc[0]].iter().any(|(j, _)| *j == scc[0]);
        if !cyclic {
            continue;
        }
        let mut order = scc.clone();
        order.sort();
        let names: Vec<String> = order
            .iter()
            .map(|&i| label(&tasks.tasks[i], text))
            .collect();
        let cycle = format!("{} → {}", names.join(" → "), names[0]);
        let mut reported = HashSet::new();
        for &i in &order {
            for &(j, span) in &edges[i] {
                if members.contains(&j) && reported.insert(span) {
                    sink.push(
                        Code::TasksDependencyCycle,
                        path,
                        span,
                        format!("Dependency cycle: {cycle}. No task of the cycle can start; remove one of these dependencies."),
                    );
                }
            }
        }
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
    let mut covered: FxHashSet<(String, String, String)> = FxHashSet::default();
    let mut any_links = false;
    let mut resolver = LinkResolver::new(ws);
    for t in &tasks.tasks {
        for a in &t.acceptance {
            if a.links.is_empty() {
                sink.push(Code::TasksUnlinkedAcceptance, path, a.span, format!("This acceptance criterion of task {} links no scenario. Link the scenario that proves it, e.g. [name](specs/<capability>/spec.md#scenario-<name>).", label(t, text)));
            }
            for link in &a.links {
                any_links = true;
                match resolver.resolve(path, link) {
                    Target::Scenarios(s) => covered.extend(
                        s.into_iter()
                            .map(|(f, r, n)| (f.to_string(), r.to_string(), n.to_string())),
                    ),
                    Target::Broken(why) => sink.push(
                        Code::TasksBrokenAcceptanceLink,
                        path,
                        link.target_span,
                        format!("Broken acceptance link: {why}"),
                    ),
                }
            }
        }
    }
    let with_acceptance = tasks.tasks.iter().any(|t| !t.acceptance.is_empty());
    if with_acceptance {
        for t in tasks
            .tasks
            .iter()
            .filter(|t| t.parent.is_none() && t.acceptance.is_empty())
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
    let mut seen: HashSet<(String, String, String)> = HashSet::new();
    for &i in &info.files {
        let f = &ws.files[i];
        let (FileKind::DeltaSpec { .. }, Summary::Delta(d)) = (&f.kind, &f.summary) else {
            continue;
        };
        for r in d.requirements() {
            for s in r.scenarios.iter().filter(|s| s.has_body) {
                let key = (f.rel.clone(), r.name.clone(), s.name.clone());
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
