//! Rules over one tasks.md and one checklist alone.

use super::{finding, File, Finding, Severity};
use crate::formats::speckit::checklist::Checklist;
use crate::formats::speckit::tasks::{PathRole, PhaseKind, TaskFile, TaskKind};
use rustc_hash::FxHashMap;

/// `cmd:checklist.md`: at least 80 % of items carry a traceability marker.
const TRACED_SHARE: f64 = 0.8;

pub fn check_tasks(tf: &TaskFile, out: &mut Vec<Finding>) {
    // Phases holding a task with an id: gate checklists under a phase
    // heading of their own (`### Phase 3.1: Foundation` with `- [x] All
    // tables created`) hold none.
    let mut phases_with_ids = vec![false; tf.phases.len()];
    for t in &tf.tasks {
        if let (Some(_), Some(p)) = (&t.id, t.phase) {
            phases_with_ids[p] = true;
        }
    }
    // A file whose tasks carry no story label at all does not use labels:
    // that is one finding for the file, not one per task.
    let labels_used = tf.tasks.iter().any(|t| !t.stories.is_empty());
    let mut unlabelled_reported = false;
    // `[P]` tasks of each phase by the files they name, for
    // parallel-same-file: (phase, path) → first task.
    let mut parallel: FxHashMap<(usize, &str), usize> = FxHashMap::default();
    for (k, task) in tf.tasks.iter().enumerate() {
        let Some(id) = &task.id else {
            // Detail checkboxes under a task, and checklists outside the
            // phases (`## Validation Checklist`) or in phases of their own,
            // are not tasks.
            if task.parent.is_none() && task.phase.is_some_and(|p| phases_with_ids[p]) {
                out.push(finding(
                    "speckit/task-format",
                    Severity::Warning,
                    File::Tasks,
                    task.checkbox,
                    "task without a T### id: write `- [ ] T001 [P] [US1] Description with path`"
                        .to_string(),
                ));
            }
            continue;
        };
        // A struck-through task was withdrawn: nothing left to ask of it.
        if task.struck {
            continue;
        }
        let id_span = task.id_span.unwrap_or(task.span);
        let phase = task.phase.map(|p| &tf.phases[p]);
        match phase.map(|p| &p.kind) {
            Some(PhaseKind::Story(ns)) => {
                if task.stories.is_empty() && !labels_used {
                    if !unlabelled_reported {
                        unlabelled_reported = true;
                        let n = tf
                            .tasks
                            .iter()
                            .filter(|t| {
                                t.id.is_some()
                                    && !t.struck
                                    && t.phase.is_some_and(|p| {
                                        matches!(tf.phases[p].kind, PhaseKind::Story(_))
                                    })
                            })
                            .count();
                        out.push(finding(
                            "speckit/missing-story-label",
                            Severity::Warning,
                            File::Tasks,
                            id_span,
                            format!(
                                "no task of this file carries a story label, though {n} sit in user story phases: label each after its id, e.g. [US{}] on {id}",
                                ns[0]
                            ),
                        ));
                    }
                } else if task.stories.is_empty() && task.kind != TaskKind::Check {
                    // A gate that only runs or verifies (`Run the US1
                    // tests`) writes nothing of the story: its story is
                    // the phase's.
                    out.push(finding(
                        "speckit/missing-story-label",
                        Severity::Warning,
                        File::Tasks,
                        id_span,
                        format!(
                            "{id} is in the phase of user story {} but has no label: add [US{}] after the id (and [P])",
                            ns[0], ns[0]
                        ),
                    ));
                }
                // `[US1+US2]` in the phase of story 2 names the phase's
                // story: the task serves both, and sits in the later phase.
                let names_phase_story = task
                    .stories
                    .iter()
                    .any(|l| l.numbers.iter().any(|m| ns.contains(m)));
                for label in task.stories.iter().filter(|_| !names_phase_story) {
                    if let Some(m) = label.numbers.iter().find(|m| !ns.contains(m)) {
                        out.push(finding(
                            "speckit/story-label-mismatch",
                            Severity::Warning,
                            File::Tasks,
                            label.span,
                            format!(
                                "[US{m}] on a task in the phase of user story {}: label it [US{}], or move it to the phase of story {m}",
                                ns[0], ns[0]
                            ),
                        ));
                    }
                }
            }
            Some(kind @ (PhaseKind::Setup | PhaseKind::Foundational | PhaseKind::Polish)) => {
                let name = match kind {
                    PhaseKind::Setup => "Setup",
                    PhaseKind::Foundational => "Foundational",
                    _ => "Polish",
                };
                for label in &task.stories {
                    out.push(finding(
                        "speckit/forbidden-story-label",
                        Severity::Warning,
                        File::Tasks,
                        label.span,
                        format!(
                            "a {name} task belongs to no user story: remove the label, or move the task to its story's phase"
                        ),
                    ));
                }
            }
            _ => {}
        }
        // Running, checking, committing or deploying touches no file.
        if task.paths.is_empty() && task.kind == TaskKind::Change {
            out.push(finding(
                "speckit/task-without-path",
                Severity::Hint,
                File::Tasks,
                id_span,
                format!("{id} names no file path: say which file it changes, e.g. \"in src/models/user.py\""),
            ));
        }
        if let (Some(_), Some(p)) = (task.parallel, task.phase) {
            let mut seen_here: Vec<&str> = Vec::new();
            // Only files both tasks write conflict: two tasks may read, run
            // or refer to the same file side by side.
            for path in &task.paths {
                let file = path.path.as_str();
                if path.role != PathRole::Written || path.is_pattern() || seen_here.contains(&file)
                {
                    continue;
                }
                seen_here.push(file);
                if let Some(&first) = parallel.get(&(p, file)) {
                    let other = tf.tasks[first].id.as_deref().unwrap_or("another task");
                    out.push(finding(
                        "speckit/parallel-same-file",
                        Severity::Warning,
                        File::Tasks,
                        path.span,
                        format!(
                            "{id} and {other} are both [P] in this phase and both change {file}: parallel tasks must touch different files, so drop [P] from one of them"
                        ),
                    ));
                } else {
                    parallel.insert((p, file), k);
                }
            }
        }
    }
}

pub fn check_checklist(c: &Checklist, file: File, out: &mut Vec<Finding>) {
    let mut seen: FxHashMap<&str, u32> = FxHashMap::default();
    for item in &c.items {
        let (Some(id), Some(span)) = (&item.id, item.id_span) else {
            continue;
        };
        match seen.get(id.as_str()) {
            Some(&first) => out.push(finding(
                "speckit/duplicate-id",
                Severity::Error,
                file,
                span,
                format!(
                    "{id} is already used on line {}: give this item the next free id",
                    first + 1
                ),
            )),
            None => {
                seen.insert(id, item.line);
            }
        }
    }
    // The 80 % rule belongs to the checklist command's lists, whose items
    // carry CHK ids; the generated requirements.md (plain items, no ids,
    // no markers by design) is not held to it.
    let total = c.items.len();
    if total == 0 || c.items.iter().all(|i| i.id.is_none()) {
        return;
    }
    let traced = c.items.iter().filter(|i| !i.traces.is_empty()).count();
    if (traced as f64) < TRACED_SHARE * total as f64 {
        let span = c.title.unwrap_or(c.items[0].span);
        out.push(finding(
            "speckit/checklist-untraced",
            Severity::Info,
            file,
            span,
            format!(
                "{traced} of {total} items carry a [Spec §…], [Gap], [Ambiguity], [Conflict] or [Assumption] marker; at least 80 % should: add to each item the requirement it checks, e.g. [Spec §FR-001]"
            ),
        ));
    }
}
