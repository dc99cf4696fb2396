//! The task graph of a change: which tasks can be worked on together
//! (waves), the longest dependency chain (critical path), and what keeps
//! the graph from being ordered (cycles, unknown dependencies). Shared by
//! `specls tasks` and the server's `specls.taskGraph` command, so both give
//! the same answer in the same three formats. The semantics are documented
//! in `docs/tasks.md`; in short:
//!
//! - nodes are the top-level tasks of `tasks.md`. A sub-task is part of its
//!   parent's work: a dependency written on a sub-task counts for its
//!   top-level task, and a dependency naming a sub-task stands for its
//!   top-level task (a dependency between two parts of one task is dropped);
//! - a group id (`requires 2`) stands for every task of that group but the
//!   depending task itself;
//! - the order of groups means nothing: only written dependencies order
//!   tasks;
//! - done tasks stay in the graph, so waves do not shift as work is checked
//!   off;
//! - a task with no dependency is in wave 1, any other one wave after its
//!   latest dependency; unknown dependency ids are reported and ignored;
//! - tasks on a cycle have no wave and are reported apart, as are the tasks
//!   that depend on them (directly or not), which are *blocked*;
//! - the critical path is the longest chain, counted in tasks. Of the tasks
//!   in the last wave it ends at the first in document order, and each step
//!   back takes the first dependency (in document order) one wave earlier.

use crate::formats::openspec;
use crate::formats::shape::{self, TaskState};
use crate::model::tasks::{Task, TaskList, DEP_WORDS};
use crate::model::Span;
use crate::syntax::js;
use crate::workspace::graph::strongly_connected;
use crate::workspace::{kind_of, ChangeRef, FileKind, Summary, Workspace};

mod render;

pub use render::JSON_VERSION;

/// A top-level task and the sub-tasks folded into it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// Index into [`TaskList::tasks`].
    pub task: usize,
    /// The task's id; for a task without one, `@<line>`; for a repeated id
    /// after its first use, `<id>@<line>` (lines 1-based). Unique in a graph.
    pub key: String,
    /// Every task below this one, in document order.
    pub subtasks: Vec<usize>,
    /// The nodes this one depends on, in document order, without repeats.
    pub deps: Vec<usize>,
    /// 1-based; `None` on a cycle or blocked by one.
    pub wave: Option<u32>,
}

/// A dependency id that names no task and no group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unknown {
    /// The node whose task (or sub-task) wrote it.
    pub node: usize,
    pub id: String,
    pub span: Span,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TaskGraph {
    /// In document order.
    pub nodes: Vec<Node>,
    /// Node indices per wave; `waves[0]` is wave 1. Each in document order.
    pub waves: Vec<Vec<usize>>,
    /// From its first task to its last.
    pub critical_path: Vec<usize>,
    /// Each cycle's nodes in document order; cycles ordered by their first
    /// node.
    pub cycles: Vec<Vec<usize>>,
    /// Nodes that are on no cycle but depend on one, in document order.
    pub blocked: Vec<usize>,
    pub unknown: Vec<Unknown>,
}

/// What orders a task list's tasks besides the dependencies written out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Implied {
    /// Nothing (OpenSpec: the order of groups means nothing).
    Nothing,
    /// Spec Kit and Kiro (docs/tasks.md): phases run one after another,
    /// and within a phase each task waits for the tasks before it, except
    /// that tasks marked parallel (`[P]`, `(P)`) next to each other wait
    /// only for what comes before all of them.
    PhaseOrder,
}

impl TaskGraph {
    /// The graph of an OpenSpec task list: only the dependencies written
    /// out order its tasks, and a group id names each task of the group.
    pub fn build(tasks: &TaskList, text: &str) -> TaskGraph {
        TaskGraph::from_shape(&openspec::tasks(tasks, text), Implied::Nothing)
    }

    /// The graph of a task list in the shared shape, for every format:
    /// sub-tasks fold into their top-level task, and a dependency id no
    /// task has may name a phase with that id (an OpenSpec group), standing
    /// for each of its tasks but the depending one. `implied` says what
    /// orders the tasks besides the dependencies written out.
    pub fn from_shape(doc: &shape::Document, implied: Implied) -> TaskGraph {
        let all = &doc.tasks;
        let top = |mut i: usize| {
            while let Some(p) = all[i].parent.filter(|&p| p < i) {
                i = p;
            }
            i
        };
        let mut node_of = vec![usize::MAX; all.len()];
        let mut nodes: Vec<Node> = Vec::new();
        let mut seen_ids = std::collections::HashSet::new();
        for (i, t) in all.iter().enumerate() {
            let first_use = t.id.as_ref().is_some_and(|id| seen_ids.insert(id.clone()));
            let root = top(i);
            if root != i {
                node_of[i] = node_of[root];
                nodes[node_of[root]].subtasks.push(i);
                continue;
            }
            let key = match &t.id {
                Some(id) if first_use => id.clone(),
                Some(id) => format!("{id}@{}", t.line + 1),
                None => format!("@{}", t.line + 1),
            };
            node_of[i] = nodes.len();
            nodes.push(Node {
                task: i,
                key,
                subtasks: Vec::new(),
                deps: Vec::new(),
                wave: None,
            });
        }
        // The implied order. `base`: what the tasks since the last task not
        // marked parallel wait for; `run`: the parallel tasks since then.
        let mut base: Vec<usize> = Vec::new();
        let mut run: Vec<usize> = Vec::new();
        let mut phase = nodes.first().and_then(|n| all[n.task].phase);
        let implied_nodes = match implied {
            Implied::Nothing => 0,
            Implied::PhaseOrder => nodes.len(),
        };
        for n in 0..implied_nodes {
            let t = &all[nodes[n].task];
            if t.phase != phase {
                // A phase begins once everything before it is done.
                phase = t.phase;
                // Whatever ran beside each other last waited for `base`.
                if !run.is_empty() {
                    base = std::mem::take(&mut run);
                }
            }
            if t.parallel {
                nodes[n].deps.extend(base.iter().copied());
                run.push(n);
            } else {
                // The parallel run waited for `base` already.
                let after = if run.is_empty() { &base } else { &run };
                nodes[n].deps.extend(after.iter().copied());
                base = vec![n];
                run.clear();
            }
        }
        let mut unknown = Vec::new();
        for (i, t) in all.iter().enumerate() {
            let me = node_of[i];
            for dep in &t.dependencies {
                match all
                    .iter()
                    .position(|x| x.id.as_deref() == Some(dep.id.as_str()))
                {
                    Some(j) if node_of[j] != me => nodes[me].deps.push(node_of[j]),
                    // A top-level task naming itself is a cycle of one;
                    // one part of a task naming another part is not.
                    Some(j) if j == i && t.parent.is_none() => nodes[me].deps.push(me),
                    Some(_) => {}
                    None => {
                        let group = |n: &Node| {
                            all[n.task]
                                .phase
                                .and_then(|p| doc.phases.get(p))
                                .and_then(|p| p.id.as_deref())
                                == Some(dep.id.as_str())
                        };
                        let members: Vec<usize> =
                            (0..nodes.len()).filter(|&k| group(&nodes[k])).collect();
                        if members.is_empty() {
                            unknown.push(Unknown {
                                node: me,
                                id: dep.id.clone(),
                                span: dep.span,
                            });
                        }
                        nodes[me]
                            .deps
                            .extend(members.into_iter().filter(|&k| k != me));
                    }
                }
            }
        }
        for n in &mut nodes {
            n.deps.sort_unstable();
            n.deps.dedup();
        }
        let mut graph = TaskGraph {
            nodes,
            unknown,
            ..TaskGraph::default()
        };
        graph.order();
        graph
    }

    /// Waves by Kahn's algorithm; what it cannot order is split into cycles
    /// and the tasks behind them.
    fn order(&mut self) {
        let n = self.nodes.len();
        let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut pending: Vec<usize> = vec![0; n];
        for (i, node) in self.nodes.iter().enumerate() {
            pending[i] = node.deps.len();
            for &d in &node.deps {
                dependents[d].push(i);
            }
        }
        let mut current: Vec<usize> = (0..n).filter(|&i| pending[i] == 0).collect();
        let mut wave = 1;
        while !current.is_empty() {
            let mut next = Vec::new();
            for &i in &current {
                self.nodes[i].wave = Some(wave);
                for &d in &dependents[i] {
                    pending[d] -= 1;
                    if pending[d] == 0 {
                        next.push(d);
                    }
                }
            }
            next.sort_unstable();
            self.waves.push(std::mem::replace(&mut current, next));
            wave += 1;
        }
        let mut on_cycle = vec![false; n];
        let deps = |v: usize, k: usize| self.nodes[v].deps.get(k).copied();
        for mut scc in strongly_connected(n, deps) {
            let cyclic = scc.len() > 1 || self.nodes[scc[0]].deps.contains(&scc[0]);
            if cyclic {
                scc.sort_unstable();
                for &i in &scc {
                    on_cycle[i] = true;
                }
                self.cycles.push(scc);
            }
        }
        self.cycles.sort();
        self.blocked = (0..n)
            .filter(|&i| self.nodes[i].wave.is_none() && !on_cycle[i])
            .collect();
        self.critical_path = self.longest_chain();
    }

    fn longest_chain(&self) -> Vec<usize> {
        let Some(&end) = self.waves.last().and_then(|w| w.first()) else {
            return Vec::new();
        };
        let mut path = vec![end];
        let mut at = end;
        while let Some(w) = self.nodes[at].wave.filter(|&w| w > 1) {
            let Some(&prev) = self.nodes[at]
                .deps
                .iter()
                .find(|&&d| self.nodes[d].wave == Some(w - 1))
            else {
                break;
            };
            path.push(prev);
            at = prev;
        }
        path.reverse();
        path
    }

    pub fn on_critical_path(&self, node: usize) -> bool {
        self.critical_path.contains(&node)
    }
}

/// A task's description without its id and without a trailing dependency
/// parenthesis: what a reader calls the task.
pub fn task_title(task: &Task, text: &str) -> String {
    let mut d = js::trim(task.description(text));
    if let Some(id) = &task.id {
        d = js::trim_start(d.strip_prefix(&**id).unwrap_or(d));
    }
    if !task.deps.is_empty() && d.ends_with(')') {
        if let Some(open) = d.rfind('(') {
            let inner = js::trim_start(&d[open + 1..]);
            if DEP_WORDS
                .iter()
                .any(|w| js::strip_prefix_ci(inner, w).is_some())
            {
                d = js::trim_end(&d[..open]);
            }
        }
    }
    d.to_string()
}

/// `s` cut to at most `max` characters, with `…` when cut.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.truncate(js::trim_end(&out).len());
    out.push('…');
    out
}

/// Where a graph's tasks come from.
#[derive(Clone, Copy)]
pub enum Tasks<'a> {
    /// An OpenSpec change's `tasks.md`, with its text.
    OpenSpec(&'a TaskList, &'a str),
    /// A Spec Kit or Kiro `tasks.md` in the shared shape, with its text.
    Shaped(&'a shape::Document, &'a str),
}

/// A task list and its graph, ready to render: an OpenSpec change's, or a
/// Spec Kit or Kiro feature folder's.
pub struct ChangeGraph<'a> {
    /// The change, or the feature folder's name.
    pub name: String,
    pub archived: bool,
    /// The tasks file, relative to the workspace root.
    pub rel: &'a str,
    pub tasks: Tasks<'a>,
    pub graph: TaskGraph,
}

/// The graph of a change, if it has a `tasks.md`.
pub fn for_change<'a>(ws: &'a Workspace, change: &ChangeRef) -> Option<ChangeGraph<'a>> {
    let info = ws.changes.get(change)?;
    info.files.iter().find_map(|&i| {
        let f = ws.files.get(i)?;
        match (&f.kind, &f.summary) {
            (FileKind::Tasks { change }, Summary::Tasks(tasks)) => Some(ChangeGraph {
                name: change.id.clone(),
                archived: change.archived,
                rel: &f.rel,
                tasks: Tasks::OpenSpec(tasks, f.text()),
                graph: TaskGraph::build(tasks, f.text()),
            }),
            _ => None,
        }
    })
}

/// The graph of a Spec Kit or Kiro feature folder (`specs/001-x`,
/// `.kiro/specs/x`), if it has a `tasks.md`.
pub fn for_feature<'a>(ws: &'a Workspace, feature: &str) -> Option<ChangeGraph<'a>> {
    ws.feature_files(feature).find_map(|f| {
        let name = f.rel.rsplit('/').next()?;
        let doc = f.summary.shape().filter(|_| name == "tasks.md")?;
        Some(ChangeGraph {
            name: feature.rsplit('/').next().unwrap_or(feature).to_string(),
            archived: false,
            rel: &f.rel,
            tasks: Tasks::Shaped(doc, f.text()),
            graph: TaskGraph::from_shape(doc, Implied::PhaseOrder),
        })
    })
}

/// The graph of the change or feature folder that `rel` (any file of it,
/// read or not) belongs to.
pub fn for_file<'a>(ws: &'a Workspace, rel: &str) -> Option<ChangeGraph<'a>> {
    let kind = kind_of(rel);
    if let Some(feature) = kind.feature() {
        return for_feature(ws, feature);
    }
    let change = kind.change()?.clone();
    for_change(ws, &change)
}

impl ChangeGraph<'_> {
    /// The task of node `node`, by index into the source's tasks.
    fn task_of(&self, node: usize) -> usize {
        self.graph.nodes[node].task
    }

    fn keys(&self, nodes: &[usize]) -> Vec<&str> {
        nodes
            .iter()
            .map(|&n| self.graph.nodes[n].key.as_str())
            .collect()
    }

    /// Whether task `t` (an index into the source's tasks) is done.
    pub fn done(&self, t: usize) -> bool {
        match self.tasks {
            Tasks::OpenSpec(l, _) => l.tasks[t].done,
            Tasks::Shaped(d, _) => d.tasks[t].state == TaskState::Done,
        }
    }

    fn id(&self, t: usize) -> Option<&str> {
        match self.tasks {
            Tasks::OpenSpec(l, _) => l.tasks[t].id.as_deref(),
            Tasks::Shaped(d, _) => d.tasks[t].id.as_deref(),
        }
    }

    /// 0-based.
    fn line(&self, t: usize) -> u32 {
        match self.tasks {
            Tasks::OpenSpec(l, _) => l.tasks[t].line,
            Tasks::Shaped(d, _) => d.tasks[t].line,
        }
    }

    fn title(&self, t: usize) -> String {
        match self.tasks {
            Tasks::OpenSpec(l, text) => task_title(&l.tasks[t], text),
            Tasks::Shaped(d, text) => {
                let desc = text.get(d.tasks[t].description.range()).unwrap_or("");
                without_dependency_clause(js::trim(desc)).to_string()
            }
        }
    }

    /// The index of the task's group (an OpenSpec group, a phase).
    fn group_of(&self, t: usize) -> Option<usize> {
        match self.tasks {
            Tasks::OpenSpec(l, _) => l.tasks[t].group(),
            Tasks::Shaped(d, _) => d.tasks[t].phase,
        }
    }

    /// Each group's id, title and 0-based line.
    fn groups(&self) -> Vec<(Option<String>, String, u32)> {
        match self.tasks {
            Tasks::OpenSpec(l, _) => l
                .groups
                .iter()
                .map(|g| (g.id.clone(), g.title.clone(), g.line))
                .collect(),
            Tasks::Shaped(d, text) => d
                .phases
                .iter()
                .map(|p| {
                    let title = text.get(p.title.range()).unwrap_or("").trim();
                    (None, title.to_string(), p.line)
                })
                .collect(),
        }
    }

    /// The sub-tasks of a node's task, as indices into the source's tasks.
    fn subtasks(&self, node: usize) -> &[usize] {
        &self.graph.nodes[node].subtasks
    }

    fn done_count(&self) -> usize {
        (0..self.graph.nodes.len())
            .filter(|&n| self.done(self.task_of(n)))
            .count()
    }

    /// Whether the graph has what `specls check` reports as an error: a
    /// cycle or an unknown dependency.
    pub fn has_errors(&self) -> bool {
        !self.graph.cycles.is_empty() || !self.graph.unknown.is_empty()
    }
}

/// A description without a trailing `(depends on …)` clause.
fn without_dependency_clause(d: &str) -> &str {
    if d.ends_with(')') {
        if let Some(open) = d.rfind('(') {
            let inner = js::trim_start(&d[open + 1..]);
            if DEP_WORDS
                .iter()
                .chain(&["depends on", "depend on", "after"])
                .any(|w| js::strip_prefix_ci(inner, w).is_some())
            {
                return js::trim_end(&d[..open]);
            }
        }
    }
    d
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::workspace::fixture::workspace;

    fn graph(text: &str) -> TaskGraph {
        TaskGraph::build(&TaskList::parse(text), text)
    }

    /// Node lists as keys, for comparing with lists worked out by hand.
    fn keys(g: &TaskGraph, nodes: &[usize]) -> Vec<String> {
        nodes.iter().map(|&n| g.nodes[n].key.clone()).collect()
    }

    fn waves(g: &TaskGraph) -> Vec<Vec<String>> {
        g.waves.iter().map(|w| keys(g, w)).collect()
    }

    const DIAMOND: &str = "## 1. A
- [x] 1.1 a
- [ ] 1.2 b (requires 1.1)
- [ ] 1.3 c (requires 1.1)
- [ ] 1.4 d (requires 1.2, 1.3)
## 2. B
- [ ] 2.1 e
- [ ] 2.2 f (requires 1)
";

    #[test]
    fn waves_follow_the_latest_dependency_and_group_order_means_nothing() {
        let g = graph(DIAMOND);
        // 2.1 has no dependency although its group comes second; 2.2 needs
        // every task of group 1, the latest being 1.4 in wave 3.
        assert_eq!(
            waves(&g),
            [
                vec!["1.1", "2.1"],
                vec!["1.2", "1.3"],
                vec!["1.4"],
                vec!["2.2"]
            ]
        );
        // Ends at 2.2; back through 1.4, then the first of 1.2/1.3.
        assert_eq!(keys(&g, &g.critical_path), ["1.1", "1.2", "1.4", "2.2"]);
        assert!(g.cycles.is_empty() && g.blocked.is_empty() && g.unknown.is_empty());
    }

    #[test]
    fn cycles_and_what_they_block_are_reported_apart() {
        let g = graph(
            "## 1. A
- [ ] 1.1 a (requires 1.3)
- [ ] 1.2 b (requires 1.1)
- [ ] 1.3 c (requires 1.2)
- [ ] 1.4 d (requires 1.3)
- [ ] 1.5 e (requires 9.9)
- [ ] 1.6 f (requires 1.6)
",
        );
        let cycles: Vec<Vec<String>> = g.cycles.iter().map(|c| keys(&g, c)).collect();
        assert_eq!(cycles, [vec!["1.1", "1.2", "1.3"], vec!["1.6"]]);
        assert_eq!(keys(&g, &g.blocked), ["1.4"]);
        assert_eq!(waves(&g), [vec!["1.5"]]);
        assert_eq!(keys(&g, &g.critical_path), ["1.5"]);
        assert_eq!(g.unknown.len(), 1);
        assert_eq!((g.unknown[0].node, g.unknown[0].id.as_str()), (4, "9.9"));
        for n in [0, 1, 2, 3, 5] {
            assert_eq!(g.nodes[n].wave, None, "{}", g.nodes[n].key);
        }
    }

    #[test]
    fn sub_tasks_fold_into_their_top_level_task() {
        let g = graph(
            "## 1. A
- [ ] 1.1 a
  - [ ] 1.1.1 a1 (requires 1.2)
  - [ ] 1.1.2 a2 (requires 1.1.1)
- [ ] 1.2 b
- [ ] 1.3 c (requires 1.1.2)
",
        );
        assert_eq!(
            g.nodes.iter().map(|n| n.key.as_str()).collect::<Vec<_>>(),
            ["1.1", "1.2", "1.3"]
        );
        assert_eq!(g.nodes[0].subtasks, [1, 2]);
        // 1.1.1's dependency is 1.1's; 1.1.2 → 1.1.1 is inside 1.1 and
        // dropped; 1.3 → 1.1.2 is 1.3 → 1.1.
        assert_eq!(waves(&g), [vec!["1.2"], vec!["1.1"], vec!["1.3"]]);
        assert_eq!(keys(&g, &g.critical_path), ["1.2", "1.1", "1.3"]);
        assert!(g.cycles.is_empty());
    }

    #[test]
    fn repeated_and_missing_ids_get_keys_of_their_line() {
        let g = graph(
            "## 1. A
- [ ] 1.1 a
- [ ] 1.1 again (requires 1.1)
- [ ] no id (requires 1.1)
",
        );
        assert_eq!(
            g.nodes.iter().map(|n| n.key.as_str()).collect::<Vec<_>>(),
            ["1.1", "1.1@3", "@4"]
        );
        assert_eq!(waves(&g), [vec!["1.1"], vec!["1.1@3", "@4"]]);
    }

    #[test]
    fn a_group_dependency_skips_the_task_itself_and_an_empty_group_is_unknown() {
        let g = graph(
            "## 1. A
- [ ] 1.1 a
- [ ] 1.2 b (requires 1)
- [ ] 1.3 c (requires 5)
## 5. Later
",
        );
        assert_eq!(waves(&g), [vec!["1.1", "1.3"], vec!["1.2"]]);
        assert!(g.cycles.is_empty());
        assert_eq!(g.unknown.len(), 1);
        assert_eq!(g.unknown[0].id, "5");
    }

    #[test]
    fn an_empty_list_and_a_long_chain() {
        let g = graph("# Tasks\n\nNothing yet.\n");
        assert!(g.nodes.is_empty() && g.waves.is_empty() && g.critical_path.is_empty());
        let mut text = String::from("## 1. Chain\n- [ ] 1.1 first\n");
        for i in 2..=5000 {
            text.push_str(&format!("- [ ] 1.{i} next (requires 1.{})\n", i - 1));
        }
        let g = graph(&text);
        assert_eq!(g.waves.len(), 5000);
        assert_eq!(g.critical_path.len(), 5000);
        // The chain closed into a cycle: no wave, one cycle, no overflow.
        text = text.replace("1.1 first", "1.1 first (requires 1.5000)");
        let g = graph(&text);
        assert!(g.waves.is_empty());
        assert_eq!(g.cycles.len(), 1);
        assert_eq!(g.cycles[0].len(), 5000);
    }

    #[test]
    fn titles_drop_the_id_and_the_dependency_parenthesis() {
        let src = "- [ ] 1.2 Second step (requires 1.1)\n- [ ] 1.3 Third (after the demo)\n- [ ] Plain (Depends On: 1.1)\n";
        let t = TaskList::parse(src);
        let titles: Vec<String> = t.tasks.iter().map(|x| task_title(x, src)).collect();
        assert_eq!(titles, ["Second step", "Third (after the demo)", "Plain"]);
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("ab cdef", 4), "ab…");
        assert_eq!(truncate("漢字漢字", 4), "漢字漢字");
    }

    fn shaped(fixture: &str, rel: &str) -> TaskGraph {
        let ws = workspace(fixture);
        let doc = ws.file(rel).unwrap().summary.shape().unwrap().clone();
        TaskGraph::from_shape(&doc, Implied::PhaseOrder)
    }

    /// Spec Kit: phases one after another; within one, a task waits for
    /// those before it, and `[P]` tasks side by side wait together.
    #[test]
    fn spec_kit_phases_and_parallel_tasks_order_the_graph() {
        let g = shaped(
            "//- .specify/memory/constitution.md
# C
//- specs/001-a/tasks.md
## Phase 1: Setup

- [ ] T001 Scaffold in src/app.ts
- [ ] T002 [P] Lint in .eslintrc
- [ ] T003 [P] Format in .prettierrc

## Phase 2: Foundational

- [ ] T004 [P] Model in src/model.ts
- [ ] T005 [P] Store in src/store.ts
- [ ] T006 Wire in src/wire.ts (depends on T004)
- [ ] T007 [P] Docs in docs/a.md (depends on T009)
",
            "specs/001-a/tasks.md",
        );
        assert_eq!(
            waves(&g),
            [
                vec!["T001"],
                vec!["T002", "T003"],
                vec!["T004", "T005"],
                vec!["T006"],
                vec!["T007"],
            ]
        );
        let deps: Vec<Vec<String>> = g.nodes.iter().map(|n| keys(&g, &n.deps)).collect();
        assert_eq!(
            deps[3],
            ["T002", "T003"],
            "a phase waits for the last one's end"
        );
        assert_eq!(deps[5], ["T004", "T005"]);
        assert_eq!(deps[6], ["T006"]);
        // T007 names a task that does not exist: reported, and it waits for
        // nothing but the order.
        assert_eq!(g.unknown.len(), 1);
        assert_eq!(g.unknown[0].id, "T009");
        assert_eq!(g.nodes[6].wave, Some(5));
        assert_eq!(
            keys(&g, &g.critical_path),
            ["T001", "T002", "T004", "T006", "T007"]
        );
    }

    /// A written dependency on a later task contradicts the order the list
    /// implies: a cycle.
    #[test]
    fn a_dependency_on_a_later_task_is_a_cycle() {
        let g = shaped(
            "//- .specify/memory/constitution.md
# C
//- specs/001-a/tasks.md
## Phase 1: Setup

- [ ] T001 First (depends on T002)
- [ ] T002 Second
",
            "specs/001-a/tasks.md",
        );
        assert_eq!(g.cycles.len(), 1);
        assert!(g.waves.is_empty());
    }

    /// Kiro: numbering order, `(P)` side by side, sub-tasks folded in.
    #[test]
    fn kiro_tasks_in_numbering_order() {
        let g = shaped(
            "//- .kiro/specs/pay/tasks.md
- [x] 1. Set up
  - [x] 1.1 Scaffold
- [ ] 2. (P) Model
- [ ] 3. (P) Store
- [ ] 4. Wire
  - [ ]* 4.1 Optional test
",
            ".kiro/specs/pay/tasks.md",
        );
        assert_eq!(waves(&g), [vec!["1"], vec!["2", "3"], vec!["4"]]);
        assert_eq!(g.nodes[0].subtasks, [1]);
        assert_eq!(g.nodes[3].subtasks, [5]);
    }

    pub(super) fn change_graph_fixture() -> Workspace {
        workspace(&format!(
            "//- openspec/changes/c/proposal.md\n# c\n//- openspec/changes/c/tasks.md\n{DIAMOND}"
        ))
    }

    #[test]
    fn any_file_of_a_change_finds_its_graph() {
        let ws = change_graph_fixture();
        let cg = for_file(&ws, "openspec/changes/c/proposal.md").expect("graph");
        assert_eq!(cg.rel, "openspec/changes/c/tasks.md");
        assert_eq!(cg.graph.nodes.len(), 6);
        assert!(for_file(&ws, "openspec/changes/c/.openspec.yaml").is_some());
        assert!(for_file(&ws, "openspec/changes/d/tasks.md").is_none());
        assert!(for_file(&ws, "openspec/specs/x/spec.md").is_none());
        assert!(for_file(&ws, "").is_none());
    }
}
