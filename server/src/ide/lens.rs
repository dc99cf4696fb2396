//! Code lenses: counts shown above a line.
//!
//! - a scenario of an ADDED or MODIFIED requirement in a change's delta
//!   spec: how many tasks of the change link it, directly or through its
//!   requirement ("2 tasks", "1 task", "no task"), once the change has a
//!   `tasks.md`;
//! - a task group heading: its progress, every checkbox of the group
//!   counted, sub-tasks included, as the group's hover counts them ("3/5
//!   done");
//! - the first group heading of `tasks.md`: "Task graph", which asks the
//!   editor to show the change's graph (the only lens with something to
//!   run);
//! - a main-spec requirement that active changes touch: which, and how,
//!   and which of them conflict as `change/overlap` says ("MODIFIED in
//!   add-x · REMOVED in add-y · ⚠ conflict: add-x and add-y").

use rustc_hash::FxHashMap;

use super::and_list;
use super::element::{conflicting_changes, req_sites, ReqSite, Role};
use super::shaped;
use crate::formats::openspec;
use crate::formats::shape::{self, RequirementKind, TaskState};
use crate::model::tasks::TaskList;
use crate::model::Span;
use crate::workspace::{ChangeRef, FileKind, SourceFile, Summary, Workspace};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lens {
    /// The line the lens sits above (a heading).
    pub span: Span,
    pub title: String,
    pub action: Option<LensAction>,
}

/// What a lens asks the editor to do when clicked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LensAction {
    /// Show the task graph of the change this `tasks.md` belongs to.
    ShowTaskGraph,
}

pub fn code_lenses(ws: &Workspace, rel: &str) -> Vec<Lens> {
    let Some(file) = ws.file(rel) else {
        return Vec::new();
    };
    match (&file.kind, &file.summary) {
        (FileKind::Tasks { .. }, Summary::Tasks(tasks)) => task_lenses(tasks, file.text()),
        (FileKind::DeltaSpec { change, .. }, Summary::Delta(_)) if !change.archived => {
            coverage_lenses(ws, change, file)
        }
        (FileKind::MainSpec { .. }, Summary::Main(_)) => change_lenses(ws, file),
        _ => match shaped::Unit::of(ws, rel) {
            Some((unit, at)) => shaped_lenses(ws, &unit, at),
            None => Vec::new(),
        },
    }
}

/// Spec Kit and Kiro: above each requirement, story and criterion, the
/// tasks that cite it and how many are done (a Kiro criterion also says
/// whether a design property validates it); above each phase heading its
/// progress; above a task with sub-tasks, theirs.
fn shaped_lenses(ws: &Workspace, unit: &shaped::Unit, at: usize) -> Vec<Lens> {
    let (file, doc) = unit.files[at];
    let mut out = Vec::new();
    // The task graph, from a task list's first phase (else its first
    // heading, else its first task).
    if file.rel.ends_with("/tasks.md") && !doc.tasks.is_empty() {
        let at = doc
            .phases
            .first()
            .map(|p| p.heading)
            .or(file.headings().first().map(|h| h.span))
            .unwrap_or(doc.tasks[0].span);
        out.push(Lens {
            span: at,
            title: "Task graph".to_string(),
            action: Some(LensAction::ShowTaskGraph),
        });
    }
    // Everything below is gathered in one pass each: looked up per
    // requirement or per task, a file of N of them cost N² steps.
    let citing = unit.citing(ws);
    let mut criteria: Vec<Vec<&shape::Requirement>> = vec![Vec::new(); doc.requirements.len()];
    for c in &doc.requirements {
        if let Some(list) = c.parent.and_then(|p| criteria.get_mut(p)) {
            list.push(c);
        }
    }
    for (r, criteria) in doc.requirements.iter().zip(&criteria) {
        if r.kind == RequirementKind::Property {
            continue;
        }
        // A requirement is also cited through its criteria.
        let mut tasks: Vec<&shape::Task> = Vec::new();
        for named in std::iter::once(r)
            .chain(criteria.iter().copied())
            .map(shaped::Named::of_requirement)
        {
            tasks.extend(citing.tasks(&named));
        }
        let (n, done) = tally(tasks);
        let mut title = match n {
            0 => "no task".to_string(),
            1 => format!("1 task, {done} done"),
            n => format!("{n} tasks, {done} done"),
        };
        if r.kind == RequirementKind::Criterion && citing.validated(&r.id) {
            title.push_str(" · validated by a property");
        }
        out.push(Lens {
            span: r.span,
            title,
            action: None,
        });
    }
    phase_progress(doc, &mut out);
    let mut subs = vec![(0, 0); doc.tasks.len()];
    for c in &doc.tasks {
        if let Some(s) = c.parent.and_then(|p| subs.get_mut(p)) {
            s.0 += usize::from(c.state == TaskState::Done);
            s.1 += 1;
        }
    }
    for (t, (done, all)) in doc.tasks.iter().zip(subs) {
        if all > 0 {
            out.push(Lens {
                span: t.span,
                title: format!("{done}/{all} sub-tasks done"),
                action: None,
            });
        }
    }
    out.sort_by_key(|l| l.span.start);
    out
}

/// How many distinct tasks `tasks` holds (a task may cite a thing through
/// several of its links, or through its parts), and how many of them are
/// done: every coverage lens counts so.
fn tally(mut tasks: Vec<&shape::Task>) -> (usize, usize) {
    tasks.sort_by_key(|t| std::ptr::from_ref(*t) as usize);
    tasks.dedup_by_key(|t| std::ptr::from_ref(*t) as usize);
    let done = tasks.iter().filter(|t| t.state == TaskState::Done).count();
    (tasks.len(), done)
}

fn task_lenses(tasks: &TaskList, text: &str) -> Vec<Lens> {
    let mut out = Vec::new();
    // The graph lens goes on the first numbered or lettered group, else on
    // the first group, else on the first heading.
    let graph_at = tasks
        .groups
        .iter()
        .find(|g| g.id.is_some())
        .or(tasks.groups.first())
        .map(|g| g.heading)
        .or(tasks.headings.first().map(|h| h.span));
    if let Some(span) = graph_at {
        out.push(Lens {
            span,
            title: "Task graph".to_string(),
            action: Some(LensAction::ShowTaskGraph),
        });
    }
    phase_progress(&openspec::tasks(tasks, text), &mut out);
    out
}

/// Above each phase (an OpenSpec group) that holds tasks, how many of them
/// are done: the same lens for every format.
fn phase_progress(doc: &shape::Document, out: &mut Vec<Lens>) {
    let mut phases = vec![(0, 0); doc.phases.len()];
    for t in &doc.tasks {
        if let Some(p) = t.phase.and_then(|p| phases.get_mut(p)) {
            p.0 += usize::from(t.state == TaskState::Done);
            p.1 += 1;
        }
    }
    for (p, (done, all)) in doc.phases.iter().zip(phases) {
        if all > 0 {
            out.push(Lens {
                span: p.heading,
                title: format!("{done}/{all} done"),
                action: None,
            });
        }
    }
}

/// The tasks file of a change.
fn tasks_of<'a>(ws: &'a Workspace, change: &ChangeRef) -> Option<(&'a SourceFile, &'a TaskList)> {
    ws.changes.get(change)?.files.iter().find_map(|&i| {
        let f = ws.files.get(i)?;
        match &f.summary {
            Summary::Tasks(t) if matches!(f.kind, FileKind::Tasks { .. }) => Some((f, &**t)),
            _ => None,
        }
    })
}

/// A delta spec's scenarios: how many tasks of the change cite each, read
/// in the shared shape as [`shaped_lenses`] reads Spec Kit's and Kiro's
/// citations. OpenSpec's lens says how many, not how many are done.
fn coverage_lenses(ws: &Workspace, change: &ChangeRef, file: &SourceFile) -> Vec<Lens> {
    let Some((tasks_file, tasks)) = tasks_of(ws, change) else {
        return Vec::new();
    };
    let Summary::Delta(delta) = &file.summary else {
        return Vec::new();
    };
    let doc = openspec::tasks(tasks, tasks_file.text());
    let unit = shaped::Unit::single(tasks_file, &doc);
    let citing = unit.citing(ws);
    let mut out = Vec::new();
    for r in delta.requirements() {
        for s in r.scenarios.iter().filter(|s| s.has_body) {
            let key = (file.rel.as_str(), r.name.as_str(), s.name.as_str());
            let (n, _) = tally(citing.linking(key).to_vec());
            let title = match n {
                0 => "no task".to_string(),
                1 => "1 task".to_string(),
                n => format!("{n} tasks"),
            };
            out.push(Lens {
                span: s.header,
                title,
                action: None,
            });
        }
    }
    out.sort_by_key(|l| l.span.start);
    out
}

fn change_lenses(ws: &Workspace, file: &SourceFile) -> Vec<Lens> {
    let FileKind::MainSpec { capability } = &file.kind else {
        return Vec::new();
    };
    // The entries of active changes for this capability, by the main
    // requirement they name: read once for the file, not once per
    // requirement (which made a spec with N requirements cost N² steps).
    let mut entries: FxHashMap<&str, Vec<ReqSite>> = FxHashMap::default();
    for f in &ws.files {
        if matches!(&f.kind, FileKind::DeltaSpec { change, capability: c }
            if !change.archived && c == capability)
        {
            for site in req_sites(f) {
                entries.entry(site.key).or_default().push(site);
            }
        }
    }
    let mut out = Vec::new();
    for site in req_sites(file) {
        // One entry per change (changes by path), its operations in the
        // order its delta writes them.
        let mut family = entries.get(site.key).cloned().unwrap_or_default();
        family.sort_by_key(|s| (s.file.rel.as_str(), s.line_span.start));
        let mut by_change: Vec<(&str, Vec<&str>)> = Vec::new();
        for s in &family {
            let Some(change) = s.change else { continue };
            let op = match s.role {
                Role::RenamedFrom | Role::RenamedTo => "RENAMED",
                r => r.label(),
            };
            match by_change.iter_mut().find(|(c, _)| *c == change.id) {
                Some((_, ops)) if !ops.contains(&op) => ops.push(op),
                Some(_) => {}
                None => by_change.push((&change.id, vec![op])),
            }
        }
        if by_change.is_empty() {
            continue;
        }
        let mut parts: Vec<String> = by_change
            .iter()
            .map(|(c, ops)| format!("{} in {c}", ops.join(", ")))
            .collect();
        let conflicting = conflicting_changes(&family);
        if !conflicting.is_empty() {
            let ids: Vec<&str> = conflicting.iter().map(|c| c.id.as_str()).collect();
            parts.push(format!("⚠ conflict: {}", and_list(&ids)));
        }
        out.push(Lens {
            span: site.line_span,
            title: parts.join(" · "),
            action: None,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::{render_span, LongSpec, LONG_SPEC, VOICE};
    use crate::workspace::fixture::workspace;

    fn lenses(fixture: &str, rel: &str) -> Vec<String> {
        let ws = workspace(fixture);
        code_lenses(&ws, rel)
            .iter()
            .map(|l| {
                let cmd = if l.action.is_some() { " [command]" } else { "" };
                format!("{} {}{cmd}", render_span(&ws, rel, l.span), l.title)
            })
            .collect()
    }

    const DELTA: &str = "//- openspec/changes/c/specs/voice/spec.md
## ADDED Requirements
### Requirement: Hold
The agent SHALL hold.
#### Scenario: Caller waits
- **WHEN** nobody is free
- **THEN** music plays
#### Scenario: Caller hangs up
- **WHEN** the caller hangs up
- **THEN** the call ends
#### Scenario: Empty heading
## MODIFIED Requirements
### Requirement: Transfer
The agent SHALL transfer.
#### Scenario: Caller asks
- **WHEN** the caller asks for a human
- **THEN** the call is transferred
#### Scenario: Nobody free
- **WHEN** nobody is free
- **THEN** the caller waits
";

    const TASKS: &str = "//- openspec/changes/c/tasks.md
# Tasks
## Notes
## 1. Hold
- [x] 1.1 Music
  - Acceptance: [w](specs/voice/spec.md#scenario-caller-waits)
- [ ] 1.2 Hang-up (requires 1.1)
  - Acceptance: [w](specs/voice/spec.md#scenario-caller-waits), [again](specs/voice/spec.md#scenario-caller-waits)
  - [x] 1.2.1 Sub
    - Acceptance: [all](specs/voice/spec.md#requirement-transfer)
## 2. Transfer
- [ ] 2.1 Transfer
  - Acceptance: [main](../../specs/voice/spec.md#scenario-caller-asks)
";

    #[test]
    fn scenarios_show_how_many_tasks_link_them() {
        let fx = format!("{VOICE}{DELTA}{TASKS}");
        // Caller waits: 1.1 and 1.2 (twice, counted once). Hang up: none.
        // The empty heading is no scenario. Transfer's scenarios: 1.2.1
        // through the requirement; 2.1 links the main spec's copy, which
        // is not this file's scenario.
        assert_eq!(
            lenses(&fx, "openspec/changes/c/specs/voice/spec.md"),
            [
                "openspec/changes/c/specs/voice/spec.md:4 \"#### Scenario: Caller waits\" 2 tasks",
                "openspec/changes/c/specs/voice/spec.md:7 \"#### Scenario: Caller hangs up\" no task",
                "openspec/changes/c/specs/voice/spec.md:14 \"#### Scenario: Caller asks\" 1 task",
                "openspec/changes/c/specs/voice/spec.md:17 \"#### Scenario: Nobody free\" 1 task",
            ]
        );
        // Without a tasks.md there is nothing to count.
        assert!(lenses(
            &format!("{VOICE}{DELTA}"),
            "openspec/changes/c/specs/voice/spec.md"
        )
        .is_empty());
    }

    #[test]
    fn groups_show_progress_and_the_first_numbered_group_the_graph() {
        let fx = format!("{VOICE}{DELTA}{TASKS}");
        assert_eq!(
            lenses(&fx, "openspec/changes/c/tasks.md"),
            [
                "openspec/changes/c/tasks.md:3 \"## 1. Hold\" Task graph [command]",
                "openspec/changes/c/tasks.md:3 \"## 1. Hold\" 2/3 done",
                "openspec/changes/c/tasks.md:10 \"## 2. Transfer\" 0/1 done",
            ]
        );
        // No numbered group: the first heading.
        assert_eq!(
            lenses(
                "//- openspec/changes/c/tasks.md\n# Plan\n- [ ] a\n",
                "openspec/changes/c/tasks.md"
            ),
            ["openspec/changes/c/tasks.md:1 \"# Plan\" Task graph [command]"]
        );
        assert!(lenses(
            "//- openspec/changes/c/tasks.md\n- [ ] a\n",
            "openspec/changes/c/tasks.md"
        )
        .is_empty());
    }

    #[test]
    fn main_requirements_show_the_changes_touching_them() {
        let fx = format!(
            "{VOICE}{DELTA}//- openspec/changes/d/specs/voice/spec.md
## RENAMED Requirements
- FROM: `### Requirement: Greeting`
- TO: `### Requirement: Welcome`
## MODIFIED Requirements
### Requirement: Welcome
The agent SHALL welcome.
#### Scenario: Hello
- **WHEN** a call starts
- **THEN** it says hello
//- openspec/changes/e/specs/voice/spec.md
## REMOVED Requirements
### Requirement: Transfer
//- openspec/changes/archive/2026-01-01-old/specs/voice/spec.md
## REMOVED Requirements
### Requirement: Greeting
"
        );
        assert_eq!(
            lenses(&fx, "openspec/specs/voice/spec.md"),
            [
                "openspec/specs/voice/spec.md:8 \"### Requirement: Transfer\" MODIFIED in c · REMOVED in e · ⚠ conflict: c and e",
                "openspec/specs/voice/spec.md:19 \"### Requirement: Greeting\" RENAMED, MODIFIED in d",
            ]
        );
        assert!(lenses(VOICE, "openspec/specs/voice/spec.md").is_empty());
    }

    #[test]
    fn unknown_files_have_no_lens() {
        let ws = workspace(VOICE);
        assert!(code_lenses(&ws, "nope.md").is_empty());
        assert!(code_lenses(&ws, "").is_empty());
    }

    /// A main spec of thousands of requirements, every tenth modified by
    /// change `c` and every hundredth removed by change `d`: each of those
    /// gets its lens, and no other requirement does.
    #[test]
    fn a_spec_with_thousands_of_requirements() {
        let n = 3000;
        let long = LongSpec::new(n);
        let ws = workspace(&long.fixture);
        let lenses = code_lenses(&ws, LONG_SPEC);
        assert_eq!(lenses.len(), n / 10);
        for (k, lens) in lenses.iter().enumerate() {
            let i = k * 10;
            let [block, ..] = long.requirements[i];
            let header = format!("### Requirement: R{i}");
            assert_eq!(
                lens.span,
                Span::new(block.start as usize, block.start as usize + header.len())
            );
            let want = if i % 100 == 0 {
                "MODIFIED in c · REMOVED in d · ⚠ conflict: c and d"
            } else {
                "MODIFIED in c"
            };
            assert_eq!(lens.title, want, "R{i}");
        }
    }
}

/// The entry points of lenses, hints, tokens and the task graph on files
/// mixing line endings, a BOM, emoji and CJK, cycles and half-typed lines:
/// no panic, and every span they return is a range of the file that does
/// not cross a line.
#[cfg(test)]
mod robustness {
    use super::*;
    use crate::ide::fixture::VOICE;
    use crate::ide::{inlay, semantic, taskgraph};
    use crate::workspace::fixture::workspace;

    #[test]
    fn every_entry_point_accepts_every_input() {
        let ws = workspace(&format!(
            "{VOICE}//- openspec/changes/c/specs/voice/spec.md\r
\u{feff}## MODIFIED Requirements\r
### Requirement: Transfer 🎉\r
漢字 SHALL NOT\r\n MUST\rSHOULD `MAY.\r#### Scenario: 挨拶\r- **WHEN** 🎉\r- **\r
## RENAMED Requirements\r
- FROM: `### Requirement: Greeting`\r
- TO: `### Requirement: 歓迎`\r
//- openspec/changes/c/tasks.md
## 1. 漢字
- [ ] 1.1 🎉 [s](specs/voice/spec.md#scenario-挨拶) (requires 1.2)
  - Acceptance: [t](../../specs/voice/spec.md#requirement-transfer), [x](../../specs/voice/spec.md#nope), [](
- [x] 1.2 é (requires 1, 1.1, 1.2.1)
  - [ ] 1.2.1 sub (requires 1.1)
  - Requires: 
- [ ] (requires
## Phase C
- [ ] C.1 (requires C, 9)
"
        ));
        let rels: Vec<String> = ws.files.iter().map(|f| f.rel.clone()).collect();
        for rel in rels.iter().map(String::as_str).chain(["", "nope.md"]) {
            let text = ws.file(rel).map_or("", |f| f.text());
            let valid = |s: Span, what: &str| {
                let t = text.get(s.range());
                assert!(t.is_some(), "{what} {s:?} in {rel}");
            };
            for l in code_lenses(&ws, rel) {
                valid(l.span, "lens");
                assert!(!l.title.is_empty());
            }
            let len = text.len();
            let ends = (0..len + 2).chain([usize::MAX]);
            for end in ends {
                for start in [0, end / 2, end, usize::MAX] {
                    let range = Span::new(start.min(end), end);
                    for h in inlay::inlay_hints(&ws, rel, range) {
                        assert!(text.is_char_boundary(h.offset), "hint at {}", h.offset);
                        assert!(!h.label.is_empty());
                    }
                    for t in semantic::semantic_tokens_in(&ws, rel, range) {
                        valid(t.span, "token");
                    }
                }
            }
            let tokens = semantic::semantic_tokens(&ws, rel);
            for w in tokens.windows(2) {
                assert!(w[0].span.end <= w[1].span.start, "{w:?}");
            }
            for t in &tokens {
                valid(t.span, "token");
                assert!(!text[t.span.range()].contains(['\n', '\r']));
            }
            if let Some(cg) = taskgraph::for_file(&ws, rel) {
                assert!(!cg.to_text().is_empty());
                assert!(cg.to_mermaid().starts_with("flowchart"));
                assert_eq!(cg.to_json()["version"], 1);
            }
        }
    }
}
