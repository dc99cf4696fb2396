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

impl TaskGraph {
    pub fn build(tasks: &TaskList) -> TaskGraph {
        let all = &tasks.tasks;
        let top = |mut i: usize| {
            // Parents always come before their sub-tasks, so this ends.
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
        let group_of = |t: &Task| t.group.and_then(|g| tasks.groups[g].id.as_deref());
        let mut unknown = Vec::new();
        for (i, t) in all.iter().enumerate() {
            let me = node_of[i];
            for dep in &t.deps {
                let targets: Vec<usize> = match all
                    .iter()
                    .position(|x| x.id.as_deref() == Some(dep.id.as_str()))
                {
                    Some(j) if node_of[j] != me => vec![node_of[j]],
                    // A top-level task naming itself is a cycle of one;
                    // one part of a task naming another part is not.
                    Some(j) if j == i && all[i].parent.is_none() => vec![me],
                    Some(_) => continue,
                    None => {
                        let members: Vec<usize> = nodes
                            .iter()
                            .enumerate()
                            .filter(|(_, n)| group_of(&all[n.task]) == Some(dep.id.as_str()))
                            .map(|(k, _)| k)
                            .collect();
                        if members.is_empty() {
                            unknown.push(Unknown {
                                node: me,
                                id: dep.id.clone(),
                                span: dep.span,
                            });
                        }
                        members.into_iter().filter(|&k| k != me).collect()
                    }
                };
                nodes[me].deps.extend(targets);
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
pub fn task_title(task: &Task) -> String {
    let mut d = js::trim(&task.description);
    if let Some(id) = &task.id {
        d = js::trim_start(d.strip_prefix(id.as_str()).unwrap_or(d));
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

/// A change's task list and its graph, ready to render.
pub struct ChangeGraph<'a> {
    pub change: &'a ChangeRef,
    /// The tasks file, relative to the workspace root.
    pub rel: &'a str,
    pub tasks: &'a TaskList,
    pub graph: TaskGraph,
}

/// The graph of a change, if it has a `tasks.md`.
pub fn for_change<'a>(ws: &'a Workspace, change: &ChangeRef) -> Option<ChangeGraph<'a>> {
    let info = ws.changes.get(change)?;
    info.files.iter().find_map(|&i| {
        let f = ws.files.get(i)?;
        match (&f.kind, &f.summary) {
            (FileKind::Tasks { change }, Summary::Tasks(tasks)) => Some(ChangeGraph {
                change,
                rel: &f.rel,
                tasks,
                graph: TaskGraph::build(tasks),
            }),
            _ => None,
        }
    })
}

/// The graph of the change that `rel` (any file of it, read or not)
/// belongs to.
pub fn for_file<'a>(ws: &'a Workspace, rel: &str) -> Option<ChangeGraph<'a>> {
    let change = kind_of(rel).change()?.clone();
    for_change(ws, &change)
}

impl ChangeGraph<'_> {
    fn task(&self, node: usize) -> &Task {
        &self.tasks.tasks[self.graph.nodes[node].task]
    }

    fn keys(&self, nodes: &[usize]) -> Vec<&str> {
        nodes
            .iter()
            .map(|&n| self.graph.nodes[n].key.as_str())
            .collect()
    }

    fn done_count(&self) -> usize {
        (0..self.graph.nodes.len())
            .filter(|&n| self.task(n).done)
            .count()
    }

    /// Whether the graph has what `specls check` reports as an error: a
    /// cycle or an unknown dependency.
    pub fn has_errors(&self) -> bool {
        !self.graph.cycles.is_empty() || !self.graph.unknown.is_empty()
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::workspace::fixture::workspace;

    fn graph(text: &str) -> TaskGraph {
        TaskGraph::build(&TaskList::parse(text))
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
        let t = TaskList::parse(
            "- [ ] 1.2 Second step (requires 1.1)\n- [ ] 1.3 Third (after the demo)\n- [ ] Plain (Depends On: 1.1)\n",
        );
        let titles: Vec<String> = t.tasks.iter().map(task_title).collect();
        assert_eq!(titles, ["Second step", "Third (after the demo)", "Plain"]);
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("ab cdef", 4), "ab…");
        assert_eq!(truncate("漢字漢字", 4), "漢字漢字");
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
