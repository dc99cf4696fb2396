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
        check_dependencies(tasks, &f.rel, sink);
        check_acceptance(ws, change, tasks, &f.rel, sink);
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

fn label(t: &Task) -> String {
    t.id.clone()
        .unwrap_or_else(|| t.description.chars().take(40).collect())
}

fn check_dependencies(tasks: &TaskList, path: &str, sink: &mut Sink) {
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
                        label(t),
                        dep.id,
                        did_you_mean(&dep.id, ids.iter().copied())
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
                        format!("Task {} is checked, but the task it depends on, {}, is not. Uncheck {} or finish {} first.", label(t), label(&tasks.tasks[j]), label(t), label(&tasks.tasks[j])),
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
        let names: Vec<String> = order.iter().map(|&i| label(&tasks.tasks[i])).collect();
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
    path: &str,
    sink: &mut Sink,
) {
    let mut covered: FxHashSet<(String, String, String)> = FxHashSet::default();
    let mut any_links = false;
    let mut resolver = LinkResolver::new(ws);
    for t in &tasks.tasks {
        for a in &t.acceptance {
            if a.links.is_empty() {
                sink.push(Code::TasksUnlinkedAcceptance, path, a.span, format!("This acceptance criterion of task {} links no scenario. Link the scenario that proves it, e.g. [name](specs/<capability>/spec.md#scenario-<name>).", label(t)));
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
            sink.push(Code::TasksNoAcceptance, path, t.span, format!("Task {} has no acceptance criteria, while other tasks here do. Add \"- Acceptance: [scenario](specs/…#scenario-…)\" under it.", label(t)));
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
    use crate::rules::fixture::{check_only, messages};

    const SPEC: &str = "//- openspec/changes/c/specs/voice/spec.md\n## ADDED Requirements\n### Requirement: Transfer\nIt SHALL transfer.\n#### Scenario: Caller asks for a human\n- **WHEN** asked\n- **THEN** transfer\n#### Scenario: Nobody free\n- **WHEN** busy\n- **THEN** queue\n";

    #[test]
    fn unknown_dependencies_suggest_the_nearest_id() {
        let fx = "//- openspec/changes/c/tasks.md\n## 1. A\n- [ ] 1.1 a\n- [ ] 1.2 b (requires 1.1, 1.3)\n  - Requires: 2\n- [ ] 1.3x c (after the demo)\n";
        assert_eq!(
            check_only(fx, "tasks/unknown"),
            [
                "tasks/unknown-dependency openspec/changes/c/tasks.md:3 `1.3`",
                "tasks/unknown-dependency openspec/changes/c/tasks.md:4 `2`",
            ]
        );
        assert!(messages(fx, "tasks/unknown")[0].contains("Did you mean"));
    }

    #[test]
    fn cycles_are_reported_on_each_edge() {
        let fx = "//- openspec/changes/c/tasks.md\n## 1. A\n- [ ] 1.1 a (requires 1.3)\n- [ ] 1.2 b (requires 1.1)\n- [ ] 1.3 c (requires 1.2)\n- [ ] 1.4 d (requires 1.3)\n";
        let got = check_only(fx, "tasks/dependency-cycle");
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(messages(fx, "tasks/dependency-cycle")[0].contains("1.1 → 1.2 → 1.3 → 1.1"));
        assert!(check_only(
            "//- openspec/changes/c/tasks.md\n## 1. A\n- [ ] 1.1 a\n- [ ] 1.2 b (requires 1)\n",
            "tasks/dependency-cycle"
        )
        .is_empty());
    }

    #[test]
    fn done_before_dependency() {
        let fx = "//- openspec/changes/c/tasks.md\n## 1. A\n- [ ] 1.1 a\n- [x] 1.2 b (requires 1.1)\n- [x] 1.3 c (requires 1.2)\n";
        assert_eq!(
            check_only(fx, "tasks/done"),
            ["tasks/done-before-dependency openspec/changes/c/tasks.md:3 `1.1`"]
        );
    }

    #[test]
    fn acceptance_links_resolve_to_scenarios() {
        let fx = format!("{SPEC}//- openspec/changes/c/tasks.md\n## 1. A\n- [ ] 1.1 a\n  - Acceptance: [ok](specs/voice/spec.md#scenario-caller-asks-for-a-human)\n- [ ] 1.2 b\n  - Acceptance: [typo](specs/voice/spec.md#scenario-caller-asks-for-a-humann)\n  - Acceptance: [file](specs/nope/spec.md#x)\n  - Acceptance: [req](specs/voice/spec.md#added-requirements)\n- [ ] 1.3 c\n  - Acceptance: it works\n- [ ] 1.4 d\n");
        let mut got = check_only(&fx, "tasks/");
        got.sort();
        let mut want = vec![
            "tasks/broken-acceptance-link openspec/changes/c/tasks.md:5 `specs/voice/spec.md#scenario-caller-asks-for-a-humann`",
            "tasks/broken-acceptance-link openspec/changes/c/tasks.md:6 `specs/nope/spec.md#x`",
            "tasks/broken-acceptance-link openspec/changes/c/tasks.md:7 `specs/voice/spec.md#added-requirements`",
            "tasks/no-acceptance openspec/changes/c/tasks.md:10 `- [ ] 1.4 d`",
            "tasks/uncovered-scenario openspec/changes/c/specs/voice/spec.md:7 `#### Scenario: Nobody free`",
            "tasks/unlinked-acceptance openspec/changes/c/tasks.md:9 `- Acceptance: it works`",
        ];
        want.sort();
        assert_eq!(got, want);
    }

    #[test]
    fn uncovered_scenarios_of_each_capability_are_reported() {
        let other = SPEC.replace("specs/voice/", "specs/webhooks/");
        let fx = format!("{SPEC}{other}//- openspec/changes/c/tasks.md\n## 1. A\n- [ ] 1.1 a\n  - Acceptance: [one](specs/voice/spec.md#scenario-caller-asks-for-a-human)\n");
        assert_eq!(
            check_only(&fx, "tasks/uncovered"),
            [
                "tasks/uncovered-scenario openspec/changes/c/specs/voice/spec.md:7 `#### Scenario: Nobody free`",
                "tasks/uncovered-scenario openspec/changes/c/specs/webhooks/spec.md:4 `#### Scenario: Caller asks for a human`",
                "tasks/uncovered-scenario openspec/changes/c/specs/webhooks/spec.md:7 `#### Scenario: Nobody free`",
            ]
        );
    }

    #[test]
    fn a_requirement_link_covers_all_its_scenarios() {
        let fx = format!("{SPEC}//- openspec/changes/c/tasks.md\n## 1. A\n- [ ] 1.1 a\n  - Acceptance: [all](specs/voice/spec.md#requirement-transfer)\n");
        assert!(
            check_only(&fx, "tasks/").is_empty(),
            "{:?}",
            check_only(&fx, "tasks/")
        );
    }

    #[test]
    fn openspec_lints_apply_to_spec_driven_only() {
        let fx = "//- openspec/changes/c/tasks.md\n## 1. A\n- [ ] 2.1 a\n- [ ] 2.1 b\n";
        assert_eq!(
            check_only(fx, "tasks/"),
            [
                "tasks/group-mismatch openspec/changes/c/tasks.md:2 `2.1`",
                "tasks/group-mismatch openspec/changes/c/tasks.md:3 `2.1`",
                "tasks/duplicate-id openspec/changes/c/tasks.md:3 `2.1`",
            ]
        );
        let custom = format!("//- openspec/config.yaml\nschema: mine\n{fx}");
        assert!(check_only(&custom, "tasks/").is_empty());
        assert_eq!(
            check_only(
                "//- openspec/changes/c/tasks.md\n# Tasks\n- do a thing\n",
                "tasks/"
            ),
            ["tasks/no-checkboxes openspec/changes/c/tasks.md:2 `- do a thing`"]
        );
    }
}
