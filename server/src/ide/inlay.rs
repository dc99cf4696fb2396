//! Inlay hints: after each dependency id of a task list, what it names, so
//! that `(requires 1.1, 2)` reads `(requires 1.1 Add tables, 2 Voice
//! agent)` without leaving the line. A done task is marked `✓`; an id that
//! names nothing gets no hint (its diagnostic says why).

use super::taskgraph::{task_title, truncate};
use crate::model::tasks::{Group, Task, TaskList};
use crate::model::Span;
use crate::workspace::Summary;
use crate::workspace::Workspace;

/// The longest title a hint shows, in characters (`…` included).
pub const MAX_CHARS: usize = 32;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    /// Where the hint sits: right after the id.
    pub offset: usize,
    pub label: String,
    /// The whole title, when the label had to be cut.
    pub tooltip: Option<String>,
}

/// The hints whose position lies in `range` (both ends included).
pub fn inlay_hints(ws: &Workspace, rel: &str, range: Span) -> Vec<InlayHint> {
    let Some(file) = ws.file(rel) else {
        return Vec::new();
    };
    let Summary::Tasks(tasks) = &file.summary else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for dep in tasks.tasks.iter().flat_map(|t| &t.deps) {
        if dep.span.end < range.start || dep.span.end > range.end {
            continue;
        }
        let (full, done) = match dep_target(tasks, &dep.id) {
            Some(DepTarget::Task(t)) => (task_title(t, file.text()), t.done),
            Some(DepTarget::Group(g)) => {
                // `## 2. Voice agent` → `Voice agent`.
                let title = match &g.id {
                    Some(id) => g
                        .title
                        .strip_prefix("Phase ")
                        .unwrap_or(&g.title)
                        .strip_prefix(id.as_str())
                        .map(|r| r.trim_start_matches(['.', ':']).trim())
                        .unwrap_or(&g.title),
                    None => &g.title,
                };
                (title.to_string(), false)
            }
            None => continue,
        };
        if full.is_empty() {
            continue;
        }
        let label = truncate(&full, MAX_CHARS);
        out.push(InlayHint {
            offset: dep.span.end as usize,
            tooltip: (label != full).then_some(full),
            label: if done { format!("✓ {label}") } else { label },
        });
    }
    out
}

/// What a dependency id names: a task, else a group (dialect 3.3).
enum DepTarget<'a> {
    Task(&'a Task),
    Group(&'a Group),
}

fn dep_target<'a>(tasks: &'a TaskList, id: &str) -> Option<DepTarget<'a>> {
    if let Some(t) = tasks.task(id) {
        return Some(DepTarget::Task(t));
    }
    tasks
        .groups
        .iter()
        .find(|g| g.id.as_deref() == Some(id))
        .map(DepTarget::Group)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::Fixture;

    /// Each hint as `text before it|label`, for a fixture where `$0` marks
    /// the end of the range asked for (from the file's start).
    fn hints(fixture: &str) -> Vec<String> {
        let fx = Fixture::new(fixture);
        let text = &fx.ws.file(&fx.rel).unwrap().text();
        inlay_hints(&fx.ws, &fx.rel, Span::new(0, fx.offset))
            .iter()
            .map(|h| {
                let line_start = text[..h.offset].rfind('\n').map_or(0, |i| i + 1);
                let tip = h
                    .tooltip
                    .as_deref()
                    .map(|t| format!(" ({t})"))
                    .unwrap_or_default();
                format!("{}|{}{tip}", &text[line_start..h.offset], h.label)
            })
            .collect()
    }

    #[test]
    fn dependency_ids_show_what_they_name() {
        let got = hints(
            "//- openspec/changes/c/tasks.md
## 1. Telephony
- [x] 1.1 Add the transfer tables
- [ ] 1.2 Add conference bridging and hold music to the adapter (requires 1.1)
## Phase C: Voice agent 🎙
- [ ] C.1 Détecter les demandes (after 1.2, 1, 9.9)
  - Requires: C
- [ ] C.2 漢字のタスク (requires C.1)$0
- [ ] C.3 Outside the range (requires C.1)
",
        );
        assert_eq!(
            got,
            [
                "- [ ] 1.2 Add conference bridging and hold music to the adapter (requires 1.1|✓ Add the transfer tables",
                "- [ ] C.1 Détecter les demandes (after 1.2|Add conference bridging and hol… (Add conference bridging and hold music to the adapter)",
                "- [ ] C.1 Détecter les demandes (after 1.2, 1|Telephony",
                "  - Requires: C|Voice agent 🎙",
                "- [ ] C.2 漢字のタスク (requires C.1|Détecter les demandes",
            ]
        );
    }

    #[test]
    fn other_files_and_empty_titles_get_none() {
        assert!(hints("//- openspec/changes/c/proposal.md\n# P (requires 1.1)$0\n").is_empty());
        assert!(hints(
            "//- openspec/changes/c/tasks.md\n- [ ] 1.1\n- [ ] 1.2 b (requires 1.1)$0\n"
        )
        .is_empty());
        let fx = Fixture::new(
            "//- openspec/changes/c/tasks.md\n- [ ] 1.1 a\n- [ ] 1.2 b (requires 1.1)\n",
        );
        assert!(inlay_hints(
            &fx.ws,
            "openspec/changes/c/tasks.md",
            Span::new(usize::MAX - 1, usize::MAX)
        )
        .is_empty());
        assert!(inlay_hints(&fx.ws, "nope.md", Span::new(0, 100)).is_empty());
    }
}
