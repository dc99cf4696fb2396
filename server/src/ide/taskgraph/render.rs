//! The task graph written out: plain text for a terminal, Mermaid for a
//! Markdown preview, JSON for scripts (its fields are documented in
//! `docs/tasks.md`).

use std::fmt::Write;

use serde_json::{json, Value};

use super::{truncate, ChangeGraph};

/// The version of the JSON object [`ChangeGraph::to_json`] builds.
pub const JSON_VERSION: u32 = 1;

/// What the formats show of a task: `[x] 1.1`, its title.
fn checkbox(done: bool) -> &'static str {
    if done {
        "[x]"
    } else {
        "[ ]"
    }
}

impl ChangeGraph<'_> {
    /// Tasks grouped in waves, the critical path marked with `*`.
    pub fn to_text(&self) -> String {
        let g = &self.graph;
        let mut out = String::new();
        let _ = writeln!(out, "Task graph of {} ({})", self.name, self.rel);
        let path = self.keys(&g.critical_path).join(" → ");
        let _ = writeln!(
            out,
            "{} task{}, {} done · {} wave{} · critical path: {}",
            g.nodes.len(),
            if g.nodes.len() == 1 { "" } else { "s" },
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
        let t = self.task_of(n);
        let mark = if self.graph.on_critical_path(n) {
            '*'
        } else {
            ' '
        };
        let _ = write!(
            out,
            "{mark} {} {} {}",
            checkbox(self.done(t)),
            node.key,
            self.title(t)
        );
        if !node.deps.is_empty() {
            let _ = write!(out, " ← {}", self.keys(&node.deps).join(", "));
        }
        out.push('\n');
        for &s in self.subtasks(n) {
            let label = match self.id(s) {
                Some(id) => format!("{id} {}", self.title(s)),
                None => self.title(s),
            };
            let _ = writeln!(out, "      {} {}", checkbox(self.done(s)), label);
        }
    }

    /// A Mermaid `flowchart`: one subgraph per wave, arrows from a task to
    /// the tasks that need it, the critical path's tasks and arrows styled.
    pub fn to_mermaid(&self) -> String {
        let g = &self.graph;
        let mut out = String::from("flowchart LR\n");
        let node_line = |out: &mut String, n: usize| {
            let t = self.task_of(n);
            let label = format!(
                "{}{} {}",
                if self.done(t) { "✓ " } else { "" },
                g.nodes[n].key,
                truncate(&self.title(t), 40)
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
            (0..g.nodes.len())
                .filter(|&n| self.done(self.task_of(n)))
                .collect(),
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
        let groups = self.groups();
        let tasks: Vec<Value> = g
            .nodes
            .iter()
            .enumerate()
            .map(|(n, node)| {
                let t = self.task_of(n);
                let subtasks: Vec<Value> = node
                    .subtasks
                    .iter()
                    .map(|&s| {
                        json!({"id": self.id(s), "title": self.title(s), "line": self.line(s) + 1, "done": self.done(s)})
                    })
                    .collect();
                json!({
                    "key": node.key,
                    "id": self.id(t),
                    "title": self.title(t),
                    "line": self.line(t) + 1,
                    "done": self.done(t),
                    "group": self.group_of(t).and_then(|i| groups.get(i)).and_then(|g| g.0.clone()),
                    "wave": node.wave,
                    "critical": g.on_critical_path(n),
                    "depends_on": self.keys(&node.deps),
                    "subtasks": subtasks,
                })
            })
            .collect();
        let group_values: Vec<Value> = groups
            .iter()
            .enumerate()
            .map(|(i, (id, title, line))| {
                let members: Vec<usize> = (0..g.nodes.len())
                    .filter(|&n| self.group_of(self.task_of(n)) == Some(i))
                    .collect();
                json!({
                    "id": id,
                    "title": title,
                    "line": line + 1,
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
            "change": {"id": self.name, "archived": self.archived},
            "path": self.rel,
            "summary": {"tasks": g.nodes.len(), "done": self.done_count(), "waves": g.waves.len()},
            "groups": group_values,
            "tasks": tasks,
            "waves": g.waves.iter().map(|w| self.keys(w)).collect::<Vec<_>>(),
            "critical_path": self.keys(&g.critical_path),
            "cycles": g.cycles.iter().map(|c| self.keys(c)).collect::<Vec<_>>(),
            "blocked": self.keys(&g.blocked),
            "unknown_dependencies": unknown,
        })
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
    use serde_json::json;

    use super::mermaid_escape;
    use crate::ide::taskgraph::for_file;
    use crate::ide::taskgraph::tests::change_graph_fixture;
    use crate::workspace::fixture::workspace;

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
    fn one_task_is_singular() {
        let ws = workspace("//- openspec/changes/c/tasks.md\n## 1. A\n- [ ] 1.1 a\n");
        let cg = for_file(&ws, "openspec/changes/c/tasks.md").unwrap();
        assert!(
            cg.to_text().contains("\n1 task, 0 done · 1 wave ·"),
            "{}",
            cg.to_text()
        );
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
