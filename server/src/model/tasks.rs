//! Task lists: `openspec/changes/<id>/tasks.md`, with the dependency and
//! acceptance-link extensions (dialect 3.3 and 3.4).

use super::{headings, Heading, Span};
use crate::syntax::{js, Doc};
use thin_vec::ThinVec;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// `2` for `## 2. Setup`, `C` for `## Phase C: Features` or `## C. Features`.
    pub id: Option<String>,
    pub title: String,
    pub heading: Span,
    pub line: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DepRef {
    pub id: String,
    pub span: Span,
}

/// A Markdown link `[label](path#fragment)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub label: String,
    pub path: String,
    pub fragment: Option<String>,
    /// The whole `[label](target)`.
    pub span: Span,
    /// The `target` inside the parentheses.
    pub target_span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Acceptance {
    /// The `Acceptance:` item line, trimmed.
    pub span: Span,
    pub links: Vec<Link>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Task {
    /// A box rather than a `String`: no spare capacity, and a word less
    /// per task.
    pub id: Option<Box<str>>,
    pub id_span: Option<Span>,
    pub done: bool,
    /// The task line, trimmed.
    pub span: Span,
    pub checkbox: Span,
    /// The text after the checkbox, trimmed: a span rather than a copy, the
    /// file's text being at hand wherever it is shown (see
    /// [`Task::description`]).
    pub description: Span,
    pub line: u32,
    pub indent: u32,
    /// Indices as `u32` (see [`Task::group`], [`Task::parent`]): a task list
    /// is kept for every change of a tree, and a monorepo holds hundreds of
    /// thousands of tasks.
    group: Option<u32>,
    parent: Option<u32>,
    /// Thin (one pointer, and no allocation while empty): most tasks have
    /// neither dependencies nor acceptance criteria, and a task list is
    /// kept for every change of a tree.
    pub deps: ThinVec<DepRef>,
    pub acceptance: ThinVec<Acceptance>,
}

impl Task {
    /// The group (`## N.` heading) the task is under, an index into
    /// [`TaskList::groups`].
    pub fn group(&self) -> Option<usize> {
        self.group.map(|g| g as usize)
    }

    /// The task this one is a sub-task of, an index into [`TaskList::tasks`].
    pub fn parent(&self) -> Option<usize> {
        self.parent.map(|p| p as usize)
    }

    /// The description, from the text of the file the task was read from.
    pub fn description<'a>(&self, text: &'a str) -> &'a str {
        text.get(self.description.range()).unwrap_or("")
    }
}

/// A task-numbering finding, as OpenSpec's numbering lint reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Numbering {
    GroupMismatch {
        id: String,
        span: Span,
        group: String,
        task_group: String,
    },
    Duplicate {
        id: String,
        span: Span,
        first_line: u32,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskList {
    pub headings: Vec<Heading>,
    pub groups: Vec<Group>,
    /// Tasks outside code, in document order.
    pub tasks: Vec<Task>,
    /// Checkbox lines counted as OpenSpec counts them: every line, code
    /// included.
    pub checkbox_lines: usize,
    /// Of those, the ones checked.
    pub checkbox_done: usize,
    /// The first list item outside code, comments and front matter (where
    /// OpenSpec reports a task file with no checkbox).
    pub first_list_item: Option<Span>,
    pub numbering: Vec<Numbering>,
}

impl TaskList {
    pub fn parse(text: &str) -> TaskList {
        let doc = Doc::new(text);
        let mut groups = Vec::new();
        let mut tasks: Vec<Task> = Vec::new();
        let mut checkbox_lines = 0;
        let mut checkbox_done = 0;
        // Open tasks by indentation, to attach sub-tasks and sub-bullets.
        let mut stack: Vec<usize> = Vec::new();
        // The open `Acceptance:` item: (task, its indentation).
        let mut open_acceptance: Option<(usize, usize)> = None;
        for i in 0..doc.len() {
            let line = doc.line(i);
            let base = doc.lines[i].start as usize;
            let task_line = parse_task_line(line);
            if let Some(tl) = &task_line {
                checkbox_lines += 1;
                checkbox_done += usize::from(tl.done);
            }
            if doc.masked(i) {
                continue;
            }
            if let Some(a) = doc.atx(i) {
                stack.clear();
                open_acceptance = None;
                if a.level == 2 {
                    let title = js::trim(&line[2..]).to_string();
                    groups.push(Group {
                        id: group_id(&title),
                        title,
                        heading: doc.trimmed_range(i).into(),
                        line: i as u32,
                    });
                }
                continue;
            }
            let indent = indent_columns(line);
            if js::trim(line).is_empty() {
                continue;
            }
            while stack
                .last()
                .is_some_and(|&t| tasks[t].indent as usize >= indent)
            {
                stack.pop();
            }
            if open_acceptance.is_some_and(|(_, ai)| indent <= ai) {
                open_acceptance = None;
            }
            if let Some(tl) = task_line {
                let desc_at = tl.description_at;
                let description = js::trim(&line[desc_at..]);
                let (id, id_span) = match task_id(description) {
                    Some(id) => {
                        let at = base
                            + desc_at
                            + (line[desc_at..].len() - js::trim_start(&line[desc_at..]).len());
                        (Some(id.into()), Some(Span::new(at, at + id.len())))
                    }
                    None => (None, None),
                };
                let deps = trailing_dependencies(line, base);
                tasks.push(Task {
                    id,
                    id_span,
                    done: tl.done,
                    span: doc.trimmed_range(i).into(),
                    checkbox: Span::new(base + tl.checkbox.0, base + tl.checkbox.1),
                    description: {
                        let at = base + (description.as_ptr() as usize - line.as_ptr() as usize);
                        Span::new(at, at + description.len())
                    },
                    line: i as u32,
                    indent: indent as u32,
                    group: groups.len().checked_sub(1).map(|g| g as u32),
                    parent: stack.last().map(|&p| p as u32),
                    deps: deps.into(),
                    acceptance: ThinVec::new(),
                });
                stack.push(tasks.len() - 1);
                open_acceptance = None;
                continue;
            }
            let Some(&owner) = stack.last() else { continue };
            let Some(item) = bullet_text(line) else {
                continue;
            };
            let item_at = base + (line.len() - item.len());
            if let Some((task, _)) = open_acceptance {
                let links = parse_links(item, item_at);
                tasks[task]
                    .acceptance
                    .last_mut()
                    .expect("open item")
                    .links
                    .extend(links);
                continue;
            }
            if let Some(rest) = label_value(item, ACCEPTANCE_LABELS) {
                let rest_at = item_at + (item.len() - rest.len());
                tasks[owner].acceptance.push(Acceptance {
                    span: doc.trimmed_range(i).into(),
                    links: parse_links(rest, rest_at),
                });
                open_acceptance = Some((owner, indent));
            } else if let Some(rest) = label_value(item, DEP_WORDS) {
                let rest_at = item_at + (item.len() - rest.len());
                if let Some(ids) = id_list(rest, rest_at) {
                    tasks[owner].deps.extend(ids);
                }
            }
        }
        TaskList {
            headings: headings(&doc),
            groups,
            tasks,
            checkbox_lines,
            checkbox_done,
            first_list_item: first_list_item(&doc),
            numbering: numbering(&doc),
        }
    }

    pub fn task(&self, id: &str) -> Option<&Task> {
        self.tasks.iter().find(|t| t.id.as_deref() == Some(id))
    }

    /// Tasks of the group with this id (`2`, `C`).
    pub fn group_tasks<'a>(&'a self, group: &'a str) -> impl Iterator<Item = &'a Task> + 'a {
        self.tasks.iter().filter(move |t| {
            t.group()
                .and_then(|g| self.groups[g].id.as_deref())
                .is_some_and(|g| g == group)
        })
    }
}

pub const DEP_WORDS: &[&str] = &["requires", "depends on", "after", "blocked by"];

pub struct TaskLine {
    pub done: bool,
    /// Byte range of `[ ]` in the line.
    pub checkbox: (usize, usize),
    pub description_at: usize,
}

/// OpenSpec's `TASK_LINE_PATTERN`:
/// `^\s*(?:[-*+]|\d{1,9}[.)])\s*\[(?:\s*([^\]\s]?)\s*\](?![([])|\s+\])\s*(.*)`.
pub fn parse_task_line(line: &str) -> Option<TaskLine> {
    let mut p = line.len() - js::trim_start(line).len();
    let b = line.as_bytes();
    match b.get(p)? {
        b'-' | b'*' | b'+' => p += 1,
        b'0'..=b'9' => {
            let digits = b[p..].iter().take_while(|c| c.is_ascii_digit()).count();
            if digits > 9 || !matches!(b.get(p + digits), Some(b'.') | Some(b')')) {
                return None;
            }
            p += digits + 1;
        }
        _ => return None,
    }
    p = line.len() - js::trim_start(&line[p..]).len();
    if b.get(p) != Some(&b'[') {
        return None;
    }
    let open = p;
    let inner_start = p + 1;
    let close = inner_start + line[inner_start..].find(']')?;
    let inner = &line[inner_start..close];
    let mut chars = js::trim(inner).chars();
    let mark = chars.next();
    let one_char = chars.next().is_none() && mark.is_none_or(|c| c != ']');
    let next = b.get(close + 1);
    let followed_by_link = matches!(next, Some(b'(') | Some(b'['));
    let all_ws = js::trim(inner).is_empty();
    let ok = (one_char && !followed_by_link) || (all_ws && !inner.is_empty());
    if !ok {
        return None;
    }
    let done = one_char && !followed_by_link && matches!(mark, Some('x') | Some('X'));
    let desc = close + 1;
    let desc = line.len() - js::trim_start(&line[desc..]).len();
    Some(TaskLine {
        done,
        checkbox: (open, close + 1),
        description_at: desc,
    })
}

/// `^(\d+(?:\.\d+)+(?:[A-Za-z]+)?)(?=\s|$)`, or a lettered id `C.2`, `C.2.1`.
pub fn task_id(description: &str) -> Option<&str> {
    let end = description.find(js::is_ws).unwrap_or(description.len());
    let word = &description[..end];
    let b = word.as_bytes();
    let mut p;
    if b.first().is_some_and(|c| c.is_ascii_uppercase()) && b.get(1) == Some(&b'.') {
        p = 1;
    } else {
        p = b.iter().take_while(|c| c.is_ascii_digit()).count();
        if p == 0 {
            return None;
        }
    }
    let mut parts = 0;
    while b.get(p) == Some(&b'.') {
        let n = b[p + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            break;
        }
        p += 1 + n;
        parts += 1;
    }
    if parts == 0 {
        return None;
    }
    let letters = b[p..]
        .iter()
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    if !b[0].is_ascii_uppercase() {
        p += letters;
    }
    (p == b.len()).then_some(word)
}

/// `2` for `2. Setup`, `C` for `Phase C: Features` or `C. Features`.
fn group_id(title: &str) -> Option<String> {
    let digits = title.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && title[digits..].starts_with('.') {
        return Some(title[..digits].to_string());
    }
    let t = js::strip_prefix_ci(title, "phase ")
        .map(js::trim_start)
        .unwrap_or(title);
    let b = t.as_bytes();
    if b.first().is_some_and(u8::is_ascii_uppercase) && matches!(b.get(1), Some(b'.') | Some(b':'))
    {
        return Some(t[..1].to_string());
    }
    if t.len() < title.len() {
        let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits > 0 && matches!(b.get(digits), Some(b'.') | Some(b':')) {
            return Some(t[..digits].to_string());
        }
    }
    None
}

/// The width of a line's leading blanks, tabs counting to the next stop of
/// four.
pub(crate) fn indent_columns(line: &str) -> usize {
    let mut col = 0;
    for c in line.chars() {
        match c {
            ' ' => col += 1,
            '\t' => col += 4 - col % 4,
            _ => break,
        }
    }
    col
}

/// The text of a bullet item (`-`, `*`, `+`, `1.`), or `None`.
fn bullet_text(line: &str) -> Option<&str> {
    let rest = after_list_marker(line)?;
    rest.starts_with([' ', '\t']).then(|| js::trim(rest))
}

/// What follows a list marker (`-`, `*`, `+`, or up to nine digits and `.`
/// or `)`) at the start of a line, leading whitespace allowed.
fn after_list_marker(line: &str) -> Option<&str> {
    let t = js::trim_start(line);
    if let Some(r) = t.strip_prefix(['-', '*', '+']) {
        return Some(r);
    }
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 9 {
        return None;
    }
    t[digits..].strip_prefix(['.', ')'])
}

/// The labels that open an acceptance item, longest first.
pub const ACCEPTANCE_LABELS: &[&str] = &["acceptance criteria", "acceptance"];

/// `Label: value`, `**Label:** value` or `**Label**: value`, any case; the
/// value without its leading whitespace.
pub fn label_value<'a>(item: &'a str, labels: &[&str]) -> Option<&'a str> {
    let (bold, rest) = match item.strip_prefix("**") {
        Some(r) => (true, r),
        None => (false, item),
    };
    for label in labels {
        let Some(after) = js::strip_prefix_ci(rest, label) else {
            continue;
        };
        let after = if bold {
            after
                .strip_prefix(":**")
                .or_else(|| after.strip_prefix("**:"))
        } else {
            after.strip_prefix(':')
        };
        if let Some(v) = after {
            return Some(js::trim_start(v));
        }
    }
    None
}

fn is_id(s: &str) -> bool {
    let b = s.as_bytes();
    let (head, rest) = if b.first().is_some_and(u8::is_ascii_uppercase) {
        (1, &s[1..])
    } else {
        let d = b.iter().take_while(|c| c.is_ascii_digit()).count();
        (d, &s[d..])
    };
    head > 0
        && rest
            .split('.')
            .skip(1)
            .all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()))
        && (rest.is_empty() || rest.starts_with('.'))
}

/// `2.2, 2.3 and C` → ids with spans; `None` unless every item is an id.
fn id_list(s: &str, at: usize) -> Option<Vec<DepRef>> {
    let mut out = Vec::new();
    let mut pos = 0;
    for piece in s.split([',', '&']) {
        let piece_at = pos;
        pos += piece.len() + 1;
        for (k, word) in piece.split(" and ").enumerate() {
            let offset = if k == 0 {
                0
            } else {
                piece.find(word).unwrap_or(0)
            };
            let id = word.trim().trim_end_matches('.');
            if id.is_empty() {
                if k == 0 && piece.trim().is_empty() && out.is_empty() {
                    return None;
                }
                continue;
            }
            if !is_id(id) {
                return None;
            }
            let lead = word.len() - word.trim_start().len();
            let start = at + piece_at + offset + lead;
            out.push(DepRef {
                id: id.to_string(),
                span: Span::new(start, start + id.len()),
            });
        }
    }
    (!out.is_empty()).then_some(out)
}

/// `(requires 2.2, 2.3)` at the end of a task line.
fn trailing_dependencies(line: &str, base: usize) -> Vec<DepRef> {
    let t = js::trim_end(line);
    let Some(inner_end) = t.strip_suffix(')').map(str::len) else {
        return Vec::new();
    };
    let Some(open) = t[..inner_end].rfind('(') else {
        return Vec::new();
    };
    let inner = &t[open + 1..inner_end];
    let trimmed = js::trim_start(inner);
    for word in DEP_WORDS {
        let Some(rest) = js::strip_prefix_ci(trimmed, word) else {
            continue;
        };
        if !rest.starts_with([' ', ':']) {
            continue;
        }
        let rest = rest.strip_prefix(':').unwrap_or(rest);
        let rest_at = base + open + 1 + (inner.len() - rest.len());
        if let Some(ids) = id_list(rest, rest_at) {
            return ids;
        }
    }
    Vec::new()
}

/// Inline links `[label](target)` in `s`, which starts at byte `at`.
pub fn parse_links(s: &str, at: usize) -> Vec<Link> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while let Some(off) = s[i..].find('[') {
        let open = i + off;
        i = open + 1;
        if open > 0 && b[open - 1] == b'!' {
            continue;
        }
        let Some(close) = s[open..].find("](").map(|c| open + c) else {
            break;
        };
        let Some(end) = s[close + 2..].find(')').map(|e| close + 2 + e) else {
            break;
        };
        let target = s[close + 2..end].trim();
        let label = s[open + 1..close].trim().to_string();
        i = end + 1;
        if target.contains("://") || target.starts_with("mailto:") {
            continue;
        }
        let (path, fragment) = match target.split_once('#') {
            Some((p, f)) => (p.to_string(), Some(f.to_string())),
            None => (target.to_string(), None),
        };
        let t_at = close + 2 + (s[close + 2..end].len() - s[close + 2..end].trim_start().len());
        out.push(Link {
            label,
            path,
            fragment,
            span: Span::new(at + open, at + end + 1),
            target_span: Span::new(at + t_at, at + t_at + target.len()),
        });
    }
    out
}

/// OpenSpec's first-list-item search for the no-checkbox warning: skips
/// front matter, fenced code (fences indented at most 3 spaces) and HTML
/// comments, and ignores items indented 4 columns or more.
fn first_list_item(doc: &Doc) -> Option<Span> {
    let n = doc.len();
    let is_rule = |i: usize| js::trim_end(doc.line(i)) == "---";
    let mut i = 0;
    if n > 0 && is_rule(0) {
        if let Some(close) = (1..n).find(|&k| is_rule(k)) {
            i = close + 1;
        }
    }
    let mut fence: Option<(u8, usize)> = None;
    let mut in_comment = false;
    while i < n {
        let line = doc.line(i);
        let k = i;
        i += 1;
        if in_comment {
            if line.contains("-->") {
                in_comment = false;
            }
            continue;
        }
        let sp = line.bytes().take_while(|&c| c == b' ').count();
        if sp <= 3 {
            let r = &line.as_bytes()[sp..];
            if let Some(&c) = r.first().filter(|c| **c == b'`' || **c == b'~') {
                let len = r.iter().take_while(|&&x| x == c).count();
                if len >= 3 {
                    match fence {
                        None => fence = Some((c, len)),
                        Some((oc, ol)) => {
                            if c == oc && len >= ol && js::trim(&line[sp + len..]).is_empty() {
                                fence = None;
                            }
                        }
                    }
                    continue;
                }
            }
        }
        if fence.is_some() {
            continue;
        }
        let ts = js::trim_start(line);
        if ts.starts_with("<!--") {
            let after = line.find("<!--").map(|p| p + 4).unwrap_or(0);
            if !line[after..].contains("-->") {
                in_comment = true;
            }
            continue;
        }
        if is_list_item(line) && indent_columns(line) < 4 {
            return Some(doc.trimmed_range(k).into());
        }
    }
    None
}

/// `/^\s*(?:[-*+]|\d{1,9}[.)])\s+\S/`
fn is_list_item(line: &str) -> bool {
    let Some(rest) = after_list_marker(line) else {
        return false;
    };
    let after = js::trim_start(rest);
    after.len() < rest.len() && !after.is_empty()
}

/// OpenSpec's numbering lint for one file: group mismatches and duplicate
/// ids, on every line (code included), once any `## N.` group exists.
fn numbering<'a>(doc: &Doc<'a>) -> Vec<Numbering> {
    let numbered_group = |line: &'a str| -> Option<&'a str> {
        let sp = line.bytes().take_while(|&c| c == b' ').count();
        if sp > 3 {
            return None;
        }
        let r = line[sp..].strip_prefix("##")?;
        let r2 = r.trim_start_matches([' ', '\t']);
        if r2.len() == r.len() {
            return None;
        }
        let d = r2.bytes().take_while(u8::is_ascii_digit).count();
        if d == 0 {
            return None;
        }
        let after = r2[d..].strip_prefix('.')?;
        (after.is_empty() || after.starts_with([' ', '\t'])).then(|| &r2[..d])
    };
    let level_two = |line: &str| -> bool {
        let sp = line.bytes().take_while(|&c| c == b' ').count();
        if sp > 3 {
            return false;
        }
        match line[sp..].strip_prefix("##") {
            Some(r) => !r.starts_with('#') && (r.is_empty() || r.starts_with([' ', '\t'])),
            None => false,
        }
    };
    let n = doc.len();
    if !(0..n).any(|i| numbered_group(doc.line(i)).is_some()) {
        return Vec::new();
    }
    let strip_zeros = |s: &'a str| -> &'a str {
        let t = s.trim_start_matches('0');
        if t.is_empty() {
            "0"
        } else {
            t
        }
    };
    let mut out = Vec::new();
    // Ids borrowed from the text: a task list is read on every keystroke.
    let mut first: rustc_hash::FxHashMap<&str, u32> = Default::default();
    let mut current: Option<&str> = None;
    for i in 0..n {
        let line = doc.line(i);
        if level_two(line) {
            current = numbered_group(line);
        }
        let Some(group) = current else { continue };
        let Some(tl) = parse_task_line(line) else {
            continue;
        };
        let desc = js::trim(&line[tl.description_at..]);
        let Some(id) = task_id(desc).filter(|id| id.as_bytes()[0].is_ascii_digit()) else {
            continue;
        };
        let at = doc.lines[i].start as usize + tl.description_at;
        let span = Span::new(at, at + id.len());
        let task_group = id.split('.').next().unwrap_or_default();
        if strip_zeros(task_group) != strip_zeros(group) {
            out.push(Numbering::GroupMismatch {
                id: id.to_string(),
                span,
                group: group.to_string(),
                task_group: task_group.to_string(),
            });
        }
        match first.get(id) {
            Some(&l) => out.push(Numbering::Duplicate {
                id: id.to_string(),
                span,
                first_line: l,
            }),
            None => {
                first.insert(id, i as u32);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_lines_follow_openspec() {
        let cases = [
            ("- [x] 1.1 Done", Some(true)),
            ("- [ ] 1.2 Open", Some(false)),
            ("  - [X] nested", Some(true)),
            ("* [ ] star", Some(false)),
            ("1. [ ] numbered", Some(false)),
            ("- [~] tilde", Some(false)),
            ("- [] empty", Some(false)),
            ("- [Link](x.md)", None),
            ("- [ ](x.md) still a task", Some(false)),
            ("- [WIP] multi", None),
            ("text [ ]", None),
        ];
        for (line, want) in cases {
            assert_eq!(parse_task_line(line).map(|t| t.done), want, "{line}");
        }
    }

    #[test]
    fn task_ids() {
        assert_eq!(task_id("1.1 Create"), Some("1.1"));
        assert_eq!(task_id("2.3.1a Sub"), Some("2.3.1a"));
        assert_eq!(task_id("C.2 Lettered"), Some("C.2"));
        assert_eq!(task_id("1 Alone"), None);
        assert_eq!(task_id("1.1. Dotted"), None);
        assert_eq!(task_id("1.1"), Some("1.1"));
    }

    #[test]
    fn dependencies_and_acceptance() {
        let t = TaskList::parse(
            "## 1. Setup\n- [x] 1.1 First\n- [ ] 1.2 Second (requires 1.1)\n  - Requires: 1.1 and 2\n  - **Acceptance:** [Ring](specs/a/spec.md#scenario-ring)\n- [ ] 1.3 Third (after the demo)\n  - Acceptance criteria:\n    - [A](x.md#a)\n    - [B](x.md#b)\n  - [ ] 1.3.1 Sub\n## Phase C: Features\n- [ ] C.1 Lettered (blocked by 1.2, C.2)\n",
        );
        assert_eq!(t.groups.len(), 2);
        assert_eq!(t.groups[1].id.as_deref(), Some("C"));
        let deps: Vec<Vec<&str>> = t
            .tasks
            .iter()
            .map(|t| t.deps.iter().map(|d| d.id.as_str()).collect())
            .collect();
        assert_eq!(
            deps,
            [
                vec![],
                vec!["1.1", "1.1", "2"],
                vec![],
                vec![],
                vec!["1.2", "C.2"]
            ]
        );
        assert_eq!(
            t.tasks[1].acceptance[0].links[0].fragment.as_deref(),
            Some("scenario-ring")
        );
        assert_eq!(t.tasks[2].acceptance[0].links.len(), 2);
        assert_eq!(t.tasks[3].parent(), Some(2));
        assert_eq!(t.tasks[3].id.as_deref(), Some("1.3.1"));
        let text = "- [ ] 1.2 Second (requires 1.1)";
        let d = &TaskList::parse(text).tasks[0].deps[0];
        assert_eq!(&text[d.span.range()], "1.1");
    }

    #[test]
    fn numbering_lint() {
        let t = TaskList::parse(
            "## 1. A\n- [ ] 1.1 a\n- [ ] 2.1 b\n- [ ] 1.1 c\n## Notes\n- [ ] 9.9 free\n",
        );
        assert_eq!(t.numbering.len(), 2);
        assert!(matches!(&t.numbering[0], Numbering::GroupMismatch { id, .. } if id == "2.1"));
        assert!(matches!(
            &t.numbering[1],
            Numbering::Duplicate { first_line: 1, .. }
        ));
    }

    #[test]
    fn first_list_item_skips_code_comments_and_front_matter() {
        let t = TaskList::parse(
            "---\nx: - a\n---\n```\n- code\n```\n<!--\n- c\n-->\n    - indented\n- real\n",
        );
        assert_eq!(t.checkbox_lines, 0);
        assert!(t.first_list_item.is_some());
        let text = "---\nx: - a\n---\n```\n- code\n```\n<!--\n- c\n-->\n    - indented\n- real\n";
        assert_eq!(&text[t.first_list_item.unwrap().range()], "- real");
    }
}
