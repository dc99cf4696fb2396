//! `tasks.md`: numbered tasks and sub-tasks (`- [ ] 1. …`, `- [ ] 1.1 …`),
//! optional tasks (`- [ ]* 2.2` in Kiro, `2.2*` in cc-sdd), checkpoints, the
//! `_Requirements:_` and `**Validates:**` lines under a task, `Property k`
//! mentions, cc-sdd's `(P)` and `_Depends:_`.
//!
//! Sub-tasks are not consistently indented in real files, so a sub-task's
//! parent is found by its number (`2.1` under `2`), not by indentation;
//! numberless checkboxes (detail bullets written as checkboxes) hang under
//! the task above them by indentation.

use super::refs::{labelled, ref_line, RefList};
use super::text::heading_title;
use crate::model::Span;
use crate::syntax::{js, Doc};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskState {
    Todo,
    Done,
    /// `[-]` or `[~]`, Kiro's in-progress markers.
    InProgress,
    /// Any other character in the box.
    Other(char),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskId {
    /// `2.1` for `2.1`, `2.1.` and `2.1*`.
    pub text: String,
    pub span: Span,
}

impl TaskId {
    /// The id of the task this one is a sub-task of: `2` for `2.1`.
    pub fn parent(&self) -> Option<&str> {
        self.text.rsplit_once('.').map(|(p, _)| p)
    }

    pub fn depth(&self) -> usize {
        self.text.split('.').count()
    }
}

/// `Property k` named in a task (`**Property 1: …**`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PropertyRef {
    pub number: u32,
    /// The digits.
    pub span: Span,
}

/// An id in a `_Depends: 1.2_` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DepRef {
    pub id: String,
    pub span: Span,
    /// Not a task number (`1.`, `x`).
    pub malformed: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Task {
    pub id: Option<TaskId>,
    pub state: TaskState,
    /// `[ ]`, `[x]`.
    pub checkbox: Span,
    /// The `*` that marks the task optional.
    pub optional: Option<Span>,
    /// cc-sdd's `(P)`: may run in parallel with its siblings.
    pub parallel: Option<Span>,
    /// The title after the id and markers, trimmed.
    pub title: Span,
    /// The task line, trimmed.
    pub span: Span,
    /// From the task line to its last detail line.
    pub block: Span,
    pub line: u32,
    /// Leading columns (a tab counts four).
    pub indent: u32,
    /// The task this one is a sub-task of: by number, or for a numberless
    /// checkbox by indentation.
    pub parent: Option<usize>,
    /// The numbered heading the task sits under (`### 1. Setup`).
    pub group: Option<usize>,
    /// `Checkpoint - Ensure all tests pass`: a gate, not work.
    pub checkpoint: bool,
    /// `_Requirements:_` and `**Validates: Requirements …**` lines.
    pub refs: Vec<RefList>,
    pub properties: Vec<PropertyRef>,
    pub depends: Vec<DepRef>,
}

impl Task {
    pub fn done(&self) -> bool {
        self.state == TaskState::Done
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// `1` for `### 1. Setup` or `## Phase 1: Setup`.
    pub number: Option<u32>,
    pub title: Span,
    pub heading: Span,
    pub line: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TasksDoc {
    pub title: Option<Span>,
    pub groups: Vec<Group>,
    pub tasks: Vec<Task>,
}

impl TasksDoc {
    /// The first task numbered `id`.
    pub fn task(&self, id: &str) -> Option<&Task> {
        self.tasks
            .iter()
            .find(|t| t.id.as_ref().is_some_and(|i| i.text == id))
    }

    pub fn children(&self, parent: usize) -> impl Iterator<Item = (usize, &Task)> {
        self.tasks
            .iter()
            .enumerate()
            .filter(move |(_, t)| t.parent == Some(parent))
    }
}

const DEPEND_LABELS: &[&str] = &["Depends on", "Depends", "Dependencies", "依存"];

pub fn parse(source: &str) -> TasksDoc {
    let doc = Doc::new(source);
    let mut out = TasksDoc::default();
    let mut group: Option<usize> = None;
    // The last task seen with each number: a sub-task's parent is looked up
    // here rather than by a scan back, which would be quadratic.
    let mut last_with_id: std::collections::HashMap<String, usize> =
        std::collections::HashMap::new();
    // The task whose detail lines are being read.
    let mut current: Option<usize> = None;
    for i in 0..doc.len() {
        if doc.masked(i) {
            continue;
        }
        let line = doc.line(i);
        let base = doc.lines[i].start as usize;
        if let Some((level, title, at)) = heading_title(&doc, i) {
            current = None;
            if level == 1 && out.title.is_none() {
                out.title = Some(Span::new(at, at + title.len()));
                continue;
            }
            group = Some(out.groups.len());
            out.groups.push(Group {
                number: group_number(title),
                title: Span::new(at, at + title.len()),
                heading: doc.trimmed_range(i).into(),
                line: i as u32,
            });
            continue;
        }
        if js::trim(line).is_empty() {
            continue;
        }
        if let Some(task) = task_line(line, base) {
            let indent = indent_of(line);
            let k = out.tasks.len();
            let parent = match &task.id {
                Some(id) => id.parent().and_then(|p| last_with_id.get(p).copied()),
                // A numberless checkbox belongs to the nearest task above
                // it that is less indented.
                None => current.and_then(|c| {
                    let mut at = Some(c);
                    while let Some(a) = at {
                        if out.tasks[a].indent < indent {
                            return Some(a);
                        }
                        at = out.tasks[a].parent;
                    }
                    None
                }),
            };
            let title = &source[task.title.range()];
            let checkpoint = is_checkpoint(title);
            let mut t = Task {
                id: task.id,
                state: task.state,
                checkbox: task.checkbox,
                optional: task.optional,
                parallel: task.parallel,
                title: task.title,
                span: doc.trimmed_range(i).into(),
                block: doc.trimmed_range(i).into(),
                line: i as u32,
                indent,
                parent,
                group,
                checkpoint,
                refs: Vec::new(),
                properties: Vec::new(),
                depends: Vec::new(),
            };
            // A task line may carry its references inline.
            read_detail(&mut t, line, base, doc.trimmed_range(i).into(), true);
            if let Some(id) = &t.id {
                last_with_id.insert(id.text.clone(), k);
            }
            out.tasks.push(t);
            current = Some(k);
            continue;
        }
        let Some(c) = current else { continue };
        let t = &mut out.tasks[c];
        t.block.end = doc.trimmed_range(i).end as u32;
        read_detail(t, line, base, doc.trimmed_range(i).into(), false);
    }
    out
}

/// References, property mentions and dependencies on one line of a task.
fn read_detail(t: &mut Task, line: &str, base: usize, trimmed: Span, task_line: bool) {
    if !task_line {
        if let Some(list) = ref_line(line, base, trimmed) {
            t.refs.push(list);
            return;
        }
        if let Some((_, at, value)) = labelled(line, DEPEND_LABELS) {
            t.depends.extend(dep_ids(value, base + at));
            return;
        }
    } else if let Some(k) = line.find("_Requirements:") {
        // `- [ ] 1. Title _Requirements: 1.1_`
        if let Some(list) = ref_line(&line[k..], base + k, trimmed) {
            t.refs.push(list);
        }
    }
    t.properties.extend(property_refs(line, base));
}

fn dep_ids(value: &str, at: usize) -> Vec<DepRef> {
    let mut out = Vec::new();
    let mut pos = 0;
    for w in value.split([',', ' ', ';', '、']) {
        let start = pos;
        pos += w.len() + 1;
        if w.is_empty() {
            continue;
        }
        let ok = !w.starts_with('.')
            && !w.ends_with('.')
            && !w.contains("..")
            && w.bytes().all(|b| b.is_ascii_digit() || b == b'.');
        out.push(DepRef {
            id: w.to_string(),
            span: Span::new(at + start, at + start + w.len()),
            malformed: !ok,
        });
    }
    out
}

/// Every `Property k` on a line, `k` a whole number.
fn property_refs(line: &str, base: usize) -> Vec<PropertyRef> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(off) = line[from..].find("Property") {
        let at = from + off;
        from = at + "Property".len();
        if at > 0 && line.as_bytes()[at - 1].is_ascii_alphanumeric() {
            continue;
        }
        let rest = &line[from..];
        let sp = rest.len() - rest.trim_start_matches(' ').len();
        if sp == 0 {
            continue;
        }
        let digits = &rest[sp..];
        let n = digits.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 || digits[n..].starts_with(|c: char| c.is_ascii_alphanumeric()) {
            continue;
        }
        if let Ok(k) = digits[..n].parse::<u32>() {
            let s = base + from + sp;
            out.push(PropertyRef {
                number: k,
                span: Span::new(s, s + n),
            });
        }
    }
    out
}

fn is_checkpoint(title: &str) -> bool {
    let t = title.trim_start_matches(['*', '_']).to_ascii_lowercase();
    t.starts_with("checkpoint")
        || t.starts_with("final checkpoint")
        || title.contains("チェックポイント")
}

/// `1` from `1. Setup`, `Phase 1: Setup`, `Task 1 - …`.
fn group_number(title: &str) -> Option<u32> {
    let t = title.trim_start_matches(['*', '_']);
    let t = ["Phase ", "Task ", "Step ", "Stage "]
        .iter()
        .find_map(|p| t.strip_prefix(p))
        .unwrap_or(t);
    let n = t.bytes().take_while(u8::is_ascii_digit).count();
    let after = &t[n..];
    if n == 0 || !(after.is_empty() || after.starts_with(['.', ':', ' ', ')', '-'])) {
        return None;
    }
    // `1.1 Setup` is no group of tasks 1.x.
    if after.starts_with('.') && after[1..].starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    t[..n].parse().ok()
}

fn indent_of(line: &str) -> u32 {
    let mut cols = 0;
    for c in line.chars() {
        match c {
            ' ' => cols += 1,
            '\t' => cols += 4,
            _ => break,
        }
    }
    cols
}

struct TaskLine {
    id: Option<TaskId>,
    state: TaskState,
    checkbox: Span,
    optional: Option<Span>,
    parallel: Option<Span>,
    title: Span,
}

/// `- [ ] 1. Title`, `- [x]* 2.2 Title`, `- [ ] 12.7* (P) Title`.
fn task_line(line: &str, base: usize) -> Option<TaskLine> {
    let lead = line.len() - line.trim_start_matches([' ', '\t']).len();
    let rest = &line[lead..];
    let rest = rest
        .strip_prefix("- ")
        .or_else(|| rest.strip_prefix("* "))
        .or_else(|| rest.strip_prefix("+ "))?;
    let box_at = line.len() - rest.len();
    let mut chars = rest.char_indices();
    if chars.next()? != (0, '[') {
        return None;
    }
    let (_, mark) = chars.next()?;
    let (close, c) = chars.next()?;
    if c != ']' {
        return None;
    }
    let state = match mark {
        ' ' => TaskState::Todo,
        'x' | 'X' => TaskState::Done,
        '-' | '~' => TaskState::InProgress,
        other => TaskState::Other(other),
    };
    let mut at = box_at + close + 1;
    let checkbox = Span::new(base + box_at, base + at);
    let mut optional = None;
    if line[at..].starts_with('*') && !line[at..].starts_with("**") {
        optional = Some(Span::new(base + at, base + at + 1));
        at += 1;
    }
    let after = &line[at..];
    if !(after.is_empty() || after.starts_with([' ', '\t'])) {
        return None;
    }
    at += after.len() - after.trim_start().len();
    // The id: digits and dots, an optional final dot, an optional `*`.
    let idlen = line[at..]
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b'.')
        .count();
    let raw = &line[at..at + idlen];
    let mut id = None;
    if idlen > 0 && raw.starts_with(|c: char| c.is_ascii_digit()) {
        let text = raw.strip_suffix('.').unwrap_or(raw);
        let mut end = at + idlen;
        let star = line[end..].starts_with('*') && !line[end..].starts_with("**");
        let next = &line[end + star as usize..];
        if !text.contains("..") && (next.is_empty() || next.starts_with([' ', '\t'])) {
            if star {
                optional.get_or_insert(Span::new(base + end, base + end + 1));
                end += 1;
            }
            id = Some(TaskId {
                text: text.to_string(),
                span: Span::new(base + at, base + at + text.len()),
            });
            at = end;
            at += line[at..].len() - line[at..].trim_start().len();
        }
    }
    let mut parallel = None;
    if line[at..].starts_with("(P)") {
        parallel = Some(Span::new(base + at, base + at + 3));
        at += 3;
        at += line[at..].len() - line[at..].trim_start().len();
    }
    let title = js::trim_end(&line[at..]);
    Some(TaskLine {
        id,
        state,
        checkbox,
        optional,
        parallel,
        title: Span::new(base + at, base + at + title.len()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::kiro::refs::{CriterionId, Ref, RefLabel};

    const TASKS: &str = r#"# Implementation Plan

- [x] 1. Set up project structure
  - Create the folders
  - _Requirements: 1.1, 2.3_

- [ ] 2. Implement tokens
- [x] 2.1 Write the encoder
    - _Requirements: 3.1-3.3_
- [ ]* 2.2 Write property test for round trip
    - **Property 1: Token Encryption Round Trip**
    - **Validates: Requirements 2.1, 2.2**
  - [ ] 2.2.1 Deep sub-task
- [-] 3. Checkpoint - Ensure all tests pass, ask the user if questions arise.
"#;

    #[test]
    fn kiro_tasks_with_structure_and_links() {
        let d = parse(TASKS);
        let at = |s: Span| &TASKS[s.range()];
        let ids: Vec<_> = d
            .tasks
            .iter()
            .map(|t| t.id.as_ref().unwrap().text.as_str())
            .collect();
        assert_eq!(ids, ["1", "2", "2.1", "2.2", "2.2.1", "3"]);
        let parents: Vec<_> = d.tasks.iter().map(|t| t.parent).collect();
        assert_eq!(parents, [None, None, Some(1), Some(1), Some(3), None]);
        let states: Vec<_> = d.tasks.iter().map(|t| t.state).collect();
        assert_eq!(
            states,
            [
                TaskState::Done,
                TaskState::Todo,
                TaskState::Done,
                TaskState::Todo,
                TaskState::Todo,
                TaskState::InProgress
            ]
        );
        assert_eq!(at(d.tasks[0].title), "Set up project structure");
        assert_eq!(at(d.tasks[0].id.as_ref().unwrap().span), "1");
        assert_eq!(at(d.tasks[0].checkbox), "[x]");
        assert!(at(d.tasks[0].block).ends_with("_Requirements: 1.1, 2.3_"));
        assert_eq!(d.tasks[0].refs[0].refs.len(), 2);
        assert!(matches!(&d.tasks[2].refs[0].refs[0], Ref::Range { .. }));

        let t = &d.tasks[3];
        assert_eq!(at(t.optional.unwrap()), "*");
        assert_eq!(t.properties.len(), 1);
        assert_eq!((t.properties[0].number, at(t.properties[0].span)), (1, "1"));
        assert_eq!(t.refs[0].label, RefLabel::Validates);
        assert!(matches!(t.refs[0].refs[1], Ref::Id(r) if r.id == CriterionId::criterion(2, 2)));
        assert!(d.tasks[5].checkpoint && !d.tasks[1].checkpoint);
        assert_eq!(d.title.map(at), Some("Implementation Plan"));
    }

    #[test]
    fn cc_sdd_tasks() {
        let t = "## Tasks\n\n### 1. Setup\n\n- [x] 1.1 (P) Add dependencies\n  - _Requirements: 1.1, 全般_\n  - _Depends: 1.2, x_\n- [ ] 1.2* Optional check\n- [ ] 12.7* (P) Both\n";
        let d = parse(t);
        let at = |s: Span| &t[s.range()];
        assert_eq!(
            d.groups.iter().map(|g| g.number).collect::<Vec<_>>(),
            [None, Some(1)]
        );
        let a = &d.tasks[0];
        assert_eq!((a.parent, a.group), (None, Some(1)));
        assert_eq!(at(a.parallel.unwrap()), "(P)");
        assert_eq!(at(a.title), "Add dependencies");
        assert!(a.refs[0].prose);
        let deps: Vec<_> = a
            .depends
            .iter()
            .map(|d| (d.id.as_str(), at(d.span), d.malformed))
            .collect();
        assert_eq!(deps, [("1.2", "1.2", false), ("x", "x", true)]);
        let b = &d.tasks[1];
        assert_eq!(
            (
                b.id.as_ref().unwrap().text.as_str(),
                at(b.optional.unwrap())
            ),
            ("1.2", "*")
        );
        assert_eq!(at(b.title), "Optional check");
        let c = &d.tasks[2];
        assert!(c.optional.is_some() && c.parallel.is_some());
        assert_eq!(at(c.title), "Both");
    }

    #[test]
    fn numberless_checkboxes_hang_under_the_task_above() {
        let t = "- [ ] 1. Wire tools\n  - [ ] **EMF**: open meter\n  - [x] **Audio**: subtitles\n- [ ] Loose item\n";
        let d = parse(t);
        let parents: Vec<_> = d.tasks.iter().map(|t| t.parent).collect();
        assert_eq!(parents, [None, Some(0), Some(0), None]);
        assert!(d.tasks[1].id.is_none());
    }

    #[test]
    fn odd_lines_are_no_tasks_or_no_ids() {
        for l in ["- [] 1. x", "-[ ] 1. x", "- [ ]1. x", "  text [ ] 1."] {
            assert!(task_line(l, 0).is_none(), "{l}");
        }
        let t = task_line("- [ ] 1..2 title", 0).unwrap();
        assert!(t.id.is_none());
        let t = task_line("- [ ] 99999999999. huge", 0).unwrap();
        assert_eq!(t.id.unwrap().text, "99999999999");
        let t = task_line("- [?]", 0).unwrap();
        assert_eq!(t.state, TaskState::Other('?'));
        let d = parse("```\n- [ ] 1. in code\n```\n- [ ] 2.1 orphan\n- [ ] 2.1 twice\n");
        assert_eq!(d.tasks.len(), 2);
        assert_eq!(d.tasks[0].parent, None);
    }

    #[test]
    fn property_mentions() {
        let p = property_refs(
            "- **Property 12: x** and Property 3, not Property-based or Property 4a",
            5,
        );
        let got: Vec<_> = p.iter().map(|p| p.number).collect();
        assert_eq!(got, [12, 3]);
        assert_eq!(p[0].span, Span::new(5 + 13, 5 + 15));
    }
}
