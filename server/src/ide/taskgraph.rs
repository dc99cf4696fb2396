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

use std::fmt::Write;

use serde_json::{json, Value};

use crate::model::tasks::{Task, TaskList, DEP_WORDS};
use crate::model::Span;
use crate::syntax::js;
use crate::workspace::graph::strongly_connected;
use crate::workspace::{kind_of, ChangeRef, FileKind, Summary, Workspace};

/// The version of the JSON object [`to_json`] builds.
pub const JSON_VERSION: u32 = 1;

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

/// What the formats show of a task: `[x] 1.1`, its title.
fn checkbox(t: &Task) -> &'static str {
    if t.done {
        "[x]"
    } else {
        "[ ]"
    }
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

    /// Tasks grouped in waves, the critical path marked with `*`.
    pub fn to_text(&self) -> String {
        let g = &self.graph;
        let mut out = String::new();
        let _ = writeln!(out, "Task graph of {} ({})", self.change.id, self.rel);
        let path = self.keys(&g.critical_path).join(" → ");
        let _ = writeln!(
            out,
            "{} tasks, {} done · {} wave{} · critical path: {}",
            g.nodes.len(),
            self.done_count(),
            g.waves.len(),
            if g.waves.len() == 1 { "" } else { "s" },
            if path.is_empty() { "none" } else { &path },
        );
        if g.nodes.is_empty() {
            out.push_str("\nNo task.\n");
            return out;
        }
        let section = |out: &mut String, title: &str, nodes: &[usize]| {
            let _ = writeln!(out, "\n{title}");
            for &n in nodes {
                self.text_task(out, n);
            }
        };
        for (w, nodes) in g.waves.iter().enumerate() {
            section(&mut out, &format!("Wave {}", w + 1), nodes);
        }
        for cycle in &g.cycles {
            let keys = self.keys(cycle);
            let title = format!(
                "Cycle (no wave until it is broken): {} → {}",
                keys.join(" → "),
                keys[0]
            );
            section(&mut out, &title, cycle);
        }
        if !g.blocked.is_empty() {
            section(&mut out, "Blocked by a cycle", &g.blocked);
        }
        if !g.unknown.is_empty() {
            out.push_str("\nUnknown dependencies (ignored)\n");
            for u in &g.unknown {
                let _ = writeln!(
                    out,
                    "  {} requires {}: no task or group has that id",
                    g.nodes[u.node].key, u.id
                );
            }
        }
        if !g.critical_path.is_empty() {
            out.push_str("\n* on the critical path\n");
        }
        out
    }

    fn text_task(&self, out: &mut String, n: usize) {
        let node = &self.graph.nodes[n];
        let t = self.task(n);
        let mark = if self.graph.on_critical_path(n) {
            '*'
        } else {
            ' '
        };
        let _ = write!(out, "{mark} {} {} {}", checkbox(t), node.key, task_title(t));
        if !node.deps.is_empty() {
            let _ = write!(out, " ← {}", self.keys(&node.deps).join(", "));
        }
        out.push('\n');
        for &s in &node.subtasks {
            let st = &self.tasks.tasks[s];
            let label = match &st.id {
                Some(id) => format!("{id} {}", task_title(st)),
                None => task_title(st),
            };
            let _ = writeln!(out, "      {} {}", checkbox(st), label);
        }
    }

    /// A Mermaid `flowchart`: one subgraph per wave, arrows from a task to
    /// the tasks that need it, the critical path's tasks and arrows styled.
    pub fn to_mermaid(&self) -> String {
        let g = &self.graph;
        let mut out = String::from("flowchart LR\n");
        let node_line = |out: &mut String, n: usize| {
            let t = self.task(n);
            let label = format!(
                "{}{} {}",
                if t.done { "✓ " } else { "" },
                g.nodes[n].key,
                truncate(&task_title(t), 40)
            );
            let _ = writeln!(out, "    t{n}[\"{}\"]", mermaid_escape(&label));
        };
        let subgraph = |out: &mut String, id: &str, title: &str, nodes: &[usize]| {
            let _ = writeln!(out, "  subgraph {id} [\"{title}\"]");
            for &n in nodes {
                node_line(out, n);
            }
            out.push_str("  end\n");
        };
        for (w, nodes) in g.waves.iter().enumerate() {
            subgraph(
                &mut out,
                &format!("wave{}", w + 1),
                &format!("Wave {}", w + 1),
                nodes,
            );
        }
        for (k, cycle) in g.cycles.iter().enumerate() {
            subgraph(&mut out, &format!("cycle{}", k + 1), "Cycle", cycle);
        }
        if !g.blocked.is_empty() {
            subgraph(&mut out, "blocked", "Blocked by a cycle", &g.blocked);
        }
        let mut critical_edges = Vec::new();
        let mut edge = 0;
        for (n, node) in g.nodes.iter().enumerate() {
            for &d in &node.deps {
                let _ = writeln!(out, "  t{d} --> t{n}");
                if g.critical_path.windows(2).any(|p| p == [d, n]) {
                    critical_edges.push(edge.to_string());
                }
                edge += 1;
            }
        }
        out.push_str("  classDef done fill:#e6f4ea,stroke:#2e7d32\n");
        out.push_str("  classDef critical stroke:#d9480f,stroke-width:3px\n");
        out.push_str("  classDef cycle stroke:#c92a2a,stroke-dasharray:5 3\n");
        let class = |out: &mut String, name: &str, nodes: Vec<usize>| {
            if !nodes.is_empty() {
                let names: Vec<String> = nodes.iter().map(|n| format!("t{n}")).collect();
                let _ = writeln!(out, "  class {} {name}", names.join(","));
            }
        };
        class(
            &mut out,
            "done",
            (0..g.nodes.len()).filter(|&n| self.task(n).done).collect(),
        );
        class(&mut out, "critical", g.critical_path.clone());
        class(&mut out, "cycle", g.cycles.concat());
        if !critical_edges.is_empty() {
            let _ = writeln!(
                out,
                "  linkStyle {} stroke:#d9480f,stroke-width:3px",
                critical_edges.join(",")
            );
        }
        out
    }

    /// The versioned JSON object described in `docs/tasks.md`.
    pub fn to_json(&self) -> Value {
        let g = &self.graph;
        let title_of = |t: &Task| task_title(t);
        let tasks: Vec<Value> = g
            .nodes
            .iter()
            .enumerate()
            .map(|(n, node)| {
                let t = self.task(n);
                let subtasks: Vec<Value> = node
                    .subtasks
                    .iter()
                    .map(|&s| {
                        let st = &self.tasks.tasks[s];
                        json!({"id": st.id, "title": title_of(st), "line": st.line + 1, "done": st.done})
                    })
                    .collect();
                json!({
                    "key": node.key,
                    "id": t.id,
                    "title": title_of(t),
                    "line": t.line + 1,
                    "done": t.done,
                    "group": t.group.and_then(|i| self.tasks.groups[i].id.clone()),
                    "wave": node.wave,
                    "critical": g.on_critical_path(n),
                    "depends_on": self.keys(&node.deps),
                    "subtasks": subtasks,
                })
            })
            .collect();
        let groups: Vec<Value> = self
            .tasks
            .groups
            .iter()
            .enumerate()
            .map(|(i, gr)| {
                let members: Vec<usize> = (0..g.nodes.len())
                    .filter(|&n| self.task(n).group == Some(i))
                    .collect();
                json!({
                    "id": gr.id,
                    "title": gr.title,
                    "line": gr.line + 1,
                    "tasks": self.keys(&members),
                })
            })
            .collect();
        let unknown: Vec<Value> = g
            .unknown
            .iter()
            .map(|u| json!({"task": g.nodes[u.node].key, "id": u.id}))
            .collect();
        json!({
            "version": JSON_VERSION,
            "change": {"id": self.change.id, "archived": self.change.archived},
            "path": self.rel,
            "summary": {"tasks": g.nodes.len(), "done": self.done_count(), "waves": g.waves.len()},
            "groups": groups,
            "tasks": tasks,
            "waves": g.waves.iter().map(|w| self.keys(w)).collect::<Vec<_>>(),
            "critical_path": self.keys(&g.critical_path),
            "cycles": g.cycles.iter().map(|c| self.keys(c)).collect::<Vec<_>>(),
            "blocked": self.keys(&g.blocked),
            "unknown_dependencies": unknown,
        })
    }

    /// Whether the graph has what `specls check` reports as an error: a
    /// cycle or an unknown dependency.
    pub fn has_errors(&self) -> bool {
        !self.graph.cycles.is_empty() || !self.graph.unknown.is_empty()
    }
}

/// A Mermaid label inside `["…"]`: quotes, angle brackets and `#` (which
/// starts an entity) written as entities.
fn mermaid_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '#' => out.push_str("#35;"),
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '\r' | '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
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

    fn change_graph_fixture() -> Workspace {
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

    #[test]
    fn text_lists_waves_and_marks_the_critical_path() {
        let ws = change_graph_fixture();
        let cg = for_file(&ws, "openspec/changes/c/tasks.md").unwrap();
        assert_eq!(
            cg.to_text(),
            "Task graph of c (openspec/changes/c/tasks.md)
6 tasks, 1 done · 4 waves · critical path: 1.1 → 1.2 → 1.4 → 2.2

Wave 1
* [x] 1.1 a
  [ ] 2.1 e

Wave 2
* [ ] 1.2 b ← 1.1
  [ ] 1.3 c ← 1.1

Wave 3
* [ ] 1.4 d ← 1.2, 1.3

Wave 4
* [ ] 2.2 f ← 1.1, 1.2, 1.3, 1.4

* on the critical path
"
        );
    }

    #[test]
    fn a_list_without_tasks_says_so() {
        let ws = workspace("//- openspec/changes/c/tasks.md\n# Tasks\n\nLater.\n");
        let cg = for_file(&ws, "openspec/changes/c/tasks.md").unwrap();
        assert_eq!(
            cg.to_text(),
            "Task graph of c (openspec/changes/c/tasks.md)\n0 tasks, 0 done · 0 waves · critical path: none\n\nNo task.\n"
        );
        assert_eq!(cg.to_mermaid().lines().next(), Some("flowchart LR"));
        assert!(!cg.to_mermaid().contains("linkStyle"));
        assert_eq!(cg.to_json()["waves"], json!([]));
        assert!(!cg.has_errors());
    }

    #[test]
    fn mermaid_styles_the_critical_path() {
        let ws = change_graph_fixture();
        let cg = for_file(&ws, "openspec/changes/c/tasks.md").unwrap();
        // Nodes t0..t5 are 1.1 1.2 1.3 1.4 2.1 2.2; arrows in the order of
        // the dependent, then of the dependency: 0 t0→t1, 1 t0→t2,
        // 2 t1→t3, 3 t2→t3, 4 t0→t5, 5 t1→t5, 6 t2→t5, 7 t3→t5. The path
        // 1.1 → 1.2 → 1.4 → 2.2 is arrows 0, 2 and 7.
        assert_eq!(
            cg.to_mermaid(),
            "flowchart LR
  subgraph wave1 [\"Wave 1\"]
    t0[\"✓ 1.1 a\"]
    t4[\"2.1 e\"]
  end
  subgraph wave2 [\"Wave 2\"]
    t1[\"1.2 b\"]
    t2[\"1.3 c\"]
  end
  subgraph wave3 [\"Wave 3\"]
    t3[\"1.4 d\"]
  end
  subgraph wave4 [\"Wave 4\"]
    t5[\"2.2 f\"]
  end
  t0 --> t1
  t0 --> t2
  t1 --> t3
  t2 --> t3
  t0 --> t5
  t1 --> t5
  t2 --> t5
  t3 --> t5
  classDef done fill:#e6f4ea,stroke:#2e7d32
  classDef critical stroke:#d9480f,stroke-width:3px
  classDef cycle stroke:#c92a2a,stroke-dasharray:5 3
  class t0 done
  class t0,t1,t3,t5 critical
  linkStyle 0,2,7 stroke:#d9480f,stroke-width:3px
"
        );
        assert_eq!(
            mermaid_escape("a \"b\" <c> #1"),
            "a #quot;b#quot; #lt;c#gt; #35;1"
        );
    }

    #[test]
    fn json_is_the_documented_object() {
        let ws = workspace(
            "//- openspec/changes/c/tasks.md
## 1. A
- [x] 1.1 a
  - [ ] 1.1.1 part
- [ ] 1.2 b (requires 1.1, 7.7)
",
        );
        let cg = for_file(&ws, "openspec/changes/c/tasks.md").unwrap();
        assert!(cg.has_errors());
        assert_eq!(
            cg.to_json(),
            json!({
                "version": 1,
                "change": {"id": "c", "archived": false},
                "path": "openspec/changes/c/tasks.md",
                "summary": {"tasks": 2, "done": 1, "waves": 2},
                "groups": [{"id": "1", "title": "1. A", "line": 1, "tasks": ["1.1", "1.2"]}],
                "tasks": [
                    {"key": "1.1", "id": "1.1", "title": "a", "line": 2, "done": true,
                     "group": "1", "wave": 1, "critical": true, "depends_on": [],
                     "subtasks": [{"id": "1.1.1", "title": "part", "line": 3, "done": false}]},
                    {"key": "1.2", "id": "1.2", "title": "b", "line": 4, "done": false,
                     "group": "1", "wave": 2, "critical": true, "depends_on": ["1.1"],
                     "subtasks": []},
                ],
                "waves": [["1.1"], ["1.2"]],
                "critical_path": ["1.1", "1.2"],
                "cycles": [],
                "blocked": [],
                "unknown_dependencies": [{"task": "1.2", "id": "7.7"}],
            })
        );
    }
}
