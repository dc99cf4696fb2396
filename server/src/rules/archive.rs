//! Archived changes are history: only their task completion is checked
//! (OpenSpec's `validate --archived`).

use super::{Code, Scope, Sink};
use crate::workspace::{FileKind, Summary, Workspace};

pub fn check(ws: &Workspace, scope: &Scope, sink: &mut Sink) {
    for f in scope.files(ws) {
        let (FileKind::Tasks { change }, Summary::Tasks(t)) = (&f.kind, &f.summary) else {
            continue;
        };
        if !change.archived || t.checkbox_done == t.checkbox_lines {
            continue;
        }
        let open = t.checkbox_lines - t.checkbox_done;
        let span = t
            .tasks
            .iter()
            .find(|t| !t.done)
            .map(|t| t.span)
            .unwrap_or_default();
        sink.push(
            Code::ArchiveIncompleteTasks,
            &f.rel,
            span,
            format!("{open} incomplete task{} ({}/{} completed) in an archived change. Check {} off if done, or move the open work into a new change.", if open == 1 { "" } else { "s" }, t.checkbox_done, t.checkbox_lines, if open == 1 { "it" } else { "them" }),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::fixture::{check_annotated_only, check_only, messages};

    #[test]
    fn archived_changes_report_only_open_tasks() {
        check_annotated_only(
            r#"//- openspec/changes/archive/2026-01-01-x/tasks.md
## 1. A
- [x] 1.1 a
- [ ] 1.2 b (requires 9.9)
^^^^^^^^^^^^^^^^^^^^^^^^^^ warning archive/incomplete-tasks
"#,
            "",
        );
        let one = messages(
            "//- openspec/changes/archive/2026-01-01-x/tasks.md\n- [x] 1.1 a\n- [ ] 1.2 b\n",
            "archive/",
        );
        assert!(
            one[0].starts_with("1 incomplete task (1/2 completed)"),
            "{one:?}"
        );
        assert!(one[0].contains("Check it off"), "{one:?}");
        let two = messages(
            "//- openspec/changes/archive/2026-01-01-x/tasks.md\n- [ ] 1.1 a\n- [ ] 1.2 b\n",
            "archive/",
        );
        assert!(
            two[0].starts_with("2 incomplete tasks (0/2 completed)"),
            "{two:?}"
        );
        assert!(check_only(
            "//- openspec/changes/archive/2026-01-01-x/tasks.md\n- [x] 1.1 a\n",
            ""
        )
        .is_empty());
    }
}
