//! Completion in task lists and links: task ids after a dependency word,
//! scenario links after `Acceptance:`, and scenario paths and anchors after
//! `](` in any Markdown file.

use std::collections::HashSet;
use std::rc::Rc;

use super::{filter_for, Completion, Completions, Cursor, ItemKind, Trigger, LIMIT};
use crate::formats::openspec;
use crate::ide::fuzzy::Matcher;
use crate::ide::shaped::{Def, Unit};
use crate::ide::snippet::Snippet;
use crate::model::tasks::{parse_task_line, task_id, TaskList};
use crate::model::Span;
use crate::syntax::js;
use crate::workspace::links::link_target_path;
use crate::workspace::{FileKind, SourceFile, Summary, Workspace};

const DEP_WORDS: [&str; 4] = ["requires", "depends on", "after", "blocked by"];

pub(super) fn tasks(cx: &Cursor, ws: &Workspace, trigger: Trigger, out: &mut Completions) {
    let Summary::Tasks(list) = &cx.file.summary else {
        return;
    };
    if let Some(dep) = dependency_context(cx, list) {
        if matches!(trigger, Trigger::Invoked | Trigger::Char(' ' | ',')) {
            task_ids(cx, list, dep, out);
        }
        return;
    }
    if link_target(cx, ws, trigger, out) {
        return;
    }
    if let Some(start) = acceptance_context(cx) {
        if matches!(trigger, Trigger::Invoked | Trigger::Char(' ' | '[' | ',')) {
            acceptance_links(cx, ws, start, out);
        }
    }
}

struct DepAt {
    /// Where the id being typed starts in `before`.
    start: usize,
    /// The task whose dependencies these are.
    owner: Option<usize>,
    /// Ids already listed.
    listed: Vec<String>,
}

/// `2.1`, `C`, `C.2`, or a start of one.
fn looks_like_id(s: &str) -> bool {
    let b = s.as_bytes();
    match b.first() {
        None => true,
        Some(c) if c.is_ascii_digit() => true,
        Some(c) if c.is_ascii_uppercase() => b.len() == 1 || b[1] == b'.',
        _ => false,
    }
}

fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '.'
}

/// After a dependency word: in a trailing parenthesis of a task line
/// (`(requires 1.1, `), or in a `- Requires:` sub-bullet.
fn dependency_context(cx: &Cursor, list: &TaskList) -> Option<DepAt> {
    let b = cx.before;
    let line = cx.doc.line(cx.line);
    let (list_start, owner) = if parse_task_line(line).is_some() {
        let open = b.rfind('(')?;
        let inner = js::trim_start(&b[open + 1..]);
        let rest = DEP_WORDS.iter().find_map(|w| {
            let r = js::strip_prefix_ci(inner, w)?;
            r.starts_with([' ', ':']).then_some(r)
        })?;
        let owner = list.tasks.iter().position(|t| t.line as usize == cx.line);
        (b.len() - rest.len(), owner)
    } else {
        let t = js::trim_start(b);
        let item = js::trim_start(t.strip_prefix(['-', '*', '+'])?);
        let (bold, item) = match item.strip_prefix("**") {
            Some(r) => (true, r),
            None => (false, item),
        };
        let rest = DEP_WORDS.iter().find_map(|w| {
            let r = js::strip_prefix_ci(item, w)?;
            if bold {
                r.strip_prefix(":**").or_else(|| r.strip_prefix("**:"))
            } else {
                r.strip_prefix(':')
            }
        })?;
        let indent = crate::model::tasks::indent_columns(line);
        let owner = list
            .tasks
            .iter()
            .rposition(|t| (t.line as usize) < cx.line && (t.indent as usize) < indent);
        (b.len() - rest.len(), Some(owner?))
    };
    let ids = b[list_start..].trim_start_matches(':');
    if !ids
        .chars()
        .all(|c| is_id_char(c) || c == ',' || c == '&' || c.is_whitespace())
    {
        return None;
    }
    let token = ids
        .chars()
        .rev()
        .take_while(|&c| is_id_char(c))
        .map(char::len_utf8)
        .sum::<usize>();
    let start = b.len() - token;
    let listed: Vec<String> = ids[..ids.len() - token]
        .split([',', '&', ' ', '\t'])
        .filter(|w| !w.is_empty() && *w != "and")
        .map(str::to_string)
        .collect();
    // Only ids: `(after the demo` is prose.
    if !listed
        .iter()
        .map(String::as_str)
        .chain([&b[start..]])
        .all(looks_like_id)
    {
        return None;
    }
    Some(DepAt {
        start,
        owner,
        listed,
    })
}

/// A task's title: its description without the id and a trailing
/// dependency parenthesis.
fn task_title(description: &str) -> &str {
    let d = match task_id(description) {
        Some(id) => js::trim_start(&description[id.len()..]),
        None => description,
    };
    let t = js::trim_end(d);
    if let (Some(open), true) = (t.rfind('('), t.ends_with(')')) {
        let inner = js::trim_start(&t[open + 1..]).to_ascii_lowercase();
        if DEP_WORDS.iter().any(|w| inner.starts_with(w)) {
            return js::trim_end(&t[..open]);
        }
    }
    t
}

fn task_ids(cx: &Cursor, list: &TaskList, dep: DepAt, out: &mut Completions) {
    let typed = &cx.before[dep.start..];
    let tail = cx
        .after
        .chars()
        .take_while(|&c| is_id_char(c))
        .map(char::len_utf8)
        .sum::<usize>();
    let edit = cx.span(cx.line_start + dep.start, cx.offset + tail);
    let own_id = dep.owner.and_then(|o| list.tasks[o].id.as_deref());
    let mut m = Matcher::new(typed);
    let mut found: Vec<(u8, f64, usize, Completion)> = Vec::new();
    let mut push = |id: &str, title: &str, kind: ItemKind, order: usize, found: &mut Vec<_>| {
        if Some(id) == own_id || dep.listed.iter().any(|l| l == id) {
            return;
        }
        let tier = if id.starts_with(typed) { 0 } else { 1 };
        let score = if tier == 0 {
            0.0
        } else {
            match m.score(&format!("{id} {title}")) {
                Some(s) => s,
                None => return,
            }
        };
        let natural = format!("{id} {title}");
        found.push((
            tier,
            score,
            order,
            Completion {
                label: id.to_string(),
                kind,
                detail: Some(if kind == ItemKind::Group {
                    format!("group: {title}")
                } else {
                    title.to_string()
                }),
                documentation: None,
                edit,
                filter: filter_for(typed, &natural),
                insert: Snippet::text(id),
            },
        ));
    };
    // What a dependency may name comes from the shared shape, as Spec
    // Kit's and Kiro's does; the words around it and the ranking are
    // OpenSpec's.
    let doc = openspec::tasks(list, cx.file.text());
    let unit = Unit::single(cx.file, &doc);
    for (order, (id, def)) in unit.dependable().enumerate() {
        match def {
            Def::Task(f, t) => {
                let title = task_title(unit.text(f, t.description));
                push(id, title, ItemKind::Task, order, &mut found);
            }
            Def::Phase(f, _, p) => {
                // `2. Calls` → `Calls`.
                let title = unit.text(f, p.title);
                let title = title.trim_start_matches(|c: char| c != ' ').trim();
                push(id, title, ItemKind::Group, order, &mut found);
            }
            Def::Requirement(..) => {}
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(&b.2)));
    out.items.extend(found.into_iter().map(|x| x.3));
}

/// On an `Acceptance:` item after its label, or on a bullet nested under
/// one: where the link being typed starts in `before`.
fn acceptance_context(cx: &Cursor) -> Option<usize> {
    let b = cx.before;
    let t = js::trim_start(b);
    let item = js::trim_start(t.strip_prefix(['-', '*', '+'])?);
    if item.len() == t.len() - 1 && !item.is_empty() {
        // `-x`: not a bullet.
        return None;
    }
    let value_start = match acceptance_value(item) {
        Some(v) => b.len() - v.len(),
        None => {
            // A nested bullet: the nearest less indented line above must be
            // an `Acceptance:` item.
            let indent = crate::model::tasks::indent_columns(b);
            let parent = (0..cx.line).rev().find(|&i| {
                let l = cx.doc.line(i);
                !js::trim(l).is_empty() && crate::model::tasks::indent_columns(l) < indent
            })?;
            let pl = js::trim_start(cx.doc.line(parent));
            let pitem = js::trim_start(pl.strip_prefix(['-', '*', '+'])?);
            acceptance_value(pitem)?;
            b.len() - item.len()
        }
    };
    // The link being typed starts after the last finished link or comma.
    let seg_from = b[value_start..]
        .rfind([')', ','])
        .map_or(value_start, |i| value_start + i + 1);
    let seg = &b[seg_from..];
    if seg.contains("](") {
        return None;
    }
    Some(b.len() - js::trim_start(seg).len())
}

fn acceptance_value(item: &str) -> Option<&str> {
    crate::model::tasks::label_value(item, crate::model::tasks::ACCEPTANCE_LABELS)
}

/// A scenario a link can point at.
struct LinkTarget<'a> {
    scenario: &'a str,
    requirement: &'a str,
    target_rel: &'a str,
    /// Shared by the scenarios of one file.
    path: Rc<str>,
    anchor: String,
    own: bool,
}

impl LinkTarget<'_> {
    fn target(&self) -> String {
        let mut out = String::new();
        self.write_target(&mut out);
        out
    }

    fn write_target(&self, out: &mut String) {
        out.push_str(&self.path);
        out.push('#');
        out.push_str(&self.anchor);
    }
}

/// The scenarios of the change's own delta specs (ADDED and MODIFIED), then
/// those of every main spec, with paths relative to `from`.
fn link_targets<'a>(ws: &'a Workspace, from: &'a SourceFile) -> Vec<LinkTarget<'a>> {
    let mut files: Vec<(&SourceFile, bool)> = Vec::new();
    if let Some(change) = from.kind.change() {
        if let Some(c) = ws.changes.get(change) {
            let mut own: Vec<&SourceFile> = c
                .files
                .iter()
                .map(|&i| &ws.files[i])
                .filter(|f| matches!(f.kind, FileKind::DeltaSpec { .. }))
                .collect();
            own.sort_by(|a, b| a.rel.cmp(&b.rel));
            files.extend(own.into_iter().map(|f| (f, true)));
        }
    }
    let mut mains: Vec<(&String, &usize)> = ws.main_specs.iter().collect();
    mains.sort();
    files.extend(mains.into_iter().map(|(_, &i)| (&ws.files[i], false)));
    let mut out = Vec::new();
    for (f, own) in files {
        let path: Rc<str> = relative_path(&from.rel, &f.rel).into();
        let headings = f.headings();
        let mut names: Option<Vec<String>> = None;
        for (r, s) in f.summary.scenarios() {
            // Headings are in document order.
            let Ok(h) = headings.binary_search_by_key(&s.line, |h| h.line) else {
                continue;
            };
            let names = names.get_or_insert_with(|| f.anchors());
            out.push(LinkTarget {
                scenario: &s.name,
                requirement: &r.name,
                target_rel: &f.rel,
                path: Rc::clone(&path),
                anchor: names[h].clone(),
                own,
            });
        }
    }
    out
}

/// The path of `to` relative to the folder of `from` (both relative to the
/// workspace root), percent-encoding what a Markdown link target cannot
/// hold as it is.
pub fn relative_path(from: &str, to: &str) -> String {
    let mut dir: Vec<&str> = from.split('/').collect();
    dir.pop();
    let target: Vec<&str> = to.split('/').collect();
    let common = dir
        .iter()
        .zip(&target)
        .take_while(|(a, b)| a == b)
        .count()
        .min(target.len().saturating_sub(1));
    let mut parts: Vec<String> = vec!["..".to_string(); dir.len() - common];
    parts.extend(target[common..].iter().map(|p| encode(p)));
    parts.join("/")
}

fn encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for c in segment.chars() {
        match c {
            ' ' | '%' | '(' | ')' | '#' | '<' | '>' | '[' | ']' | '?' => {
                out.push_str(&format!("%{:02X}", c as u32));
            }
            _ => out.push(c),
        }
    }
    out
}

/// The targets already linked from `file` (tasks: every acceptance link),
/// as `file#anchor`.
fn linked(file: &SourceFile) -> HashSet<String> {
    let Summary::Tasks(list) = &file.summary else {
        return HashSet::new();
    };
    list.tasks
        .iter()
        .flat_map(|t| t.acceptance.iter().flat_map(|a| a.links.iter()))
        .filter_map(|l| {
            let rel = link_target_path(&file.rel, l)?;
            Some(format!("{rel}#{}", l.fragment.as_deref().unwrap_or("")))
        })
        .collect()
}

/// Ranks targets for `query`: the change's own first, then not yet linked,
/// then the fuzzy score, then their order. `key` writes what is matched
/// into a buffer, so that ten thousand targets cost no allocation each.
fn ranked<'a>(
    targets: Vec<LinkTarget<'a>>,
    query: &str,
    key: impl Fn(&LinkTarget, &mut String),
    linked: &HashSet<String>,
) -> (Vec<LinkTarget<'a>>, bool) {
    let mut m = Matcher::new(query);
    let mut buf = String::new();
    let mut scored: Vec<(bool, bool, f64, usize, LinkTarget)> = Vec::new();
    for (i, t) in targets.into_iter().enumerate() {
        buf.clear();
        key(&t, &mut buf);
        let Some(s) = m.score(&buf) else { continue };
        let done = !linked.is_empty() && {
            buf.clear();
            buf.push_str(t.target_rel);
            buf.push('#');
            buf.push_str(&t.anchor);
            linked.contains(buf.as_str())
        };
        scored.push((t.own, done, s, i, t));
    }
    let order = |a: &(bool, bool, f64, usize, LinkTarget),
                 b: &(bool, bool, f64, usize, LinkTarget)| {
        b.0.cmp(&a.0)
            .then(a.1.cmp(&b.1))
            .then(b.2.total_cmp(&a.2))
            .then(a.3.cmp(&b.3))
    };
    let more = scored.len() > LIMIT;
    if more {
        scored.select_nth_unstable_by(LIMIT, order);
        scored.truncate(LIMIT);
    }
    scored.sort_by(order);
    (scored.into_iter().map(|x| x.4).collect(), more)
}

fn acceptance_links(cx: &Cursor, ws: &Workspace, start: usize, out: &mut Completions) {
    let seg = &cx.before[start..];
    let query = seg.trim_start_matches('[').trim_end_matches(']');
    let mut end = cx.offset;
    // An editor may have closed the bracket already.
    if seg.starts_with('[') && cx.after.starts_with(']') && !cx.after.starts_with("](") {
        end += 1;
    }
    let edit = cx.span(cx.line_start + start, end);
    let done = linked(cx.file);
    let (targets, _) = ranked(
        link_targets(ws, cx.file),
        query,
        |t, buf| {
            buf.push_str(t.scenario);
            buf.push(' ');
            buf.push_str(t.requirement);
        },
        &done,
    );
    for t in targets {
        let label = t.scenario.replace(['[', ']'], "");
        let text = format!("[{label}]({})", t.target());
        out.items.push(link_item(t, label.clone(), text, seg, edit));
    }
    out.incomplete = true;
}

fn link_item(t: LinkTarget, label: String, text: String, typed: &str, edit: Span) -> Completion {
    Completion {
        filter: filter_for(typed, &text),
        label,
        kind: ItemKind::Link,
        detail: Some(format!("{} › {}", t.requirement, t.path)),
        documentation: Some(format!("`{}`", t.target())),
        edit,
        insert: Snippet::text(text),
    }
}

/// After `](`: the path and anchor of a scenario. Returns whether the
/// cursor was in such a place.
pub(super) fn link_target(
    cx: &Cursor,
    ws: &Workspace,
    trigger: Trigger,
    out: &mut Completions,
) -> bool {
    let b = cx.before;
    let Some(open) = b.rfind("](") else {
        return false;
    };
    let start = open + 2;
    let typed = &b[start..];
    if typed.contains([')', ' ', '\t']) {
        return false;
    }
    if !matches!(trigger, Trigger::Invoked | Trigger::Char('(' | '#')) {
        return true;
    }
    let label = b[..open].rfind('[').map_or("", |i| &b[i + 1..open]);
    // The rest of an existing target is replaced too.
    let stretch = cx.after.find([')', ' ', '\t']).unwrap_or(cx.after.len());
    let closed = cx.after[stretch..].starts_with(')');
    let edit = cx.span(cx.line_start + start, cx.offset + stretch);
    let done = linked(cx.file);
    let targets = link_targets(ws, cx.file);
    let (targets, _) = if typed.is_empty() && !label.trim().is_empty() {
        // The label says which scenario is meant.
        let (by_label, more) = ranked(targets, label, |t, buf| buf.push_str(t.scenario), &done);
        if by_label.is_empty() {
            ranked(
                link_targets(ws, cx.file),
                "",
                |t, buf| t.write_target(buf),
                &done,
            )
        } else {
            (by_label, more)
        }
    } else {
        ranked(targets, typed, |t, buf| t.write_target(buf), &done)
    };
    for t in targets {
        let mut text = t.target();
        let label = t.scenario.to_string();
        let natural = text.clone();
        if !closed {
            text.push(')');
        }
        let mut item = link_item(t, label, text, typed, edit);
        item.filter = filter_for(typed, &natural);
        out.items.push(item);
    }
    out.incomplete = true;
    true
}
