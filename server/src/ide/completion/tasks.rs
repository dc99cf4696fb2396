//! Completion in task lists and links: task ids after a dependency word
//! (through [`super::task_ids`], with OpenSpec's data), scenario links
//! after `Acceptance:`, and scenario paths and anchors after `](` in any
//! Markdown file.

use std::rc::Rc;

use rustc_hash::FxHashMap;

use super::task_ids::{self, TaskIds};
use super::{filter_for, Completion, Completions, Cursor, ItemKind, Trigger, LIMIT};
use crate::formats::openspec;
use crate::ide::fuzzy::Matcher;
use crate::ide::shaped::Unit;
use crate::ide::snippet::Snippet;
use crate::model::Span;
use crate::syntax::js;
use crate::text::anchor::AnchorId;
use crate::workspace::links::link_target_path;
use crate::workspace::{FileKind, SourceFile, Summary, Workspace};

pub(super) fn tasks(cx: &Cursor, ws: &Workspace, trigger: Trigger, out: &mut Completions) {
    let Summary::Tasks(list) = &cx.file.summary else {
        return;
    };
    if let Some(deps) = task_ids::OPENSPEC.list(cx) {
        if TaskIds::fits(trigger) {
            // Read into the shape only when ids are asked for.
            let doc = openspec::tasks(list, cx.file.text());
            let unit = Unit::single(cx.file, &doc);
            task_ids::OPENSPEC.offer(cx, &unit, &deps, out);
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
    file: &'a SourceFile,
    /// The scenario's heading, an index into the file's headings.
    heading: usize,
    /// The heading's anchor as the summary keeps it (a hash).
    id: AnchorId,
    /// The anchor's name: computed from the file's text, which a closed
    /// file reads back from disk, so only for the targets shown or matched
    /// by their link ([`name_anchors`]).
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
/// those of every main spec, with paths relative to `from`; their anchors
/// unnamed.
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
        for (r, s) in f.summary.scenarios() {
            // Headings are in document order.
            let Ok(h) = headings.binary_search_by_key(&s.line, |h| h.line) else {
                continue;
            };
            out.push(LinkTarget {
                scenario: &s.name,
                requirement: &r.name,
                target_rel: &f.rel,
                path: Rc::clone(&path),
                file: f,
                heading: h,
                id: headings[h].anchor,
                anchor: String::new(),
                own,
            });
        }
    }
    out
}

/// Names the anchors of `targets`, reading each file's anchors once.
fn name_anchors(targets: &mut [LinkTarget]) {
    let mut names: FxHashMap<&str, Vec<String>> = FxHashMap::default();
    for t in targets {
        let of_file = names
            .entry(t.target_rel)
            .or_insert_with(|| t.file.anchors());
        t.anchor = of_file.get(t.heading).cloned().unwrap_or_default();
    }
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

/// The targets already linked from `file` (tasks: every acceptance link):
/// by the anchor as written (hashed, as headings keep theirs), the files
/// it is linked in.
type Linked = FxHashMap<AnchorId, Vec<String>>;

fn linked(file: &SourceFile) -> Linked {
    let mut out = Linked::default();
    let Summary::Tasks(list) = &file.summary else {
        return out;
    };
    for l in list
        .tasks
        .iter()
        .flat_map(|t| t.acceptance.iter().flat_map(|a| a.links.iter()))
    {
        if let Some(rel) = link_target_path(&file.rel, l) {
            let id = AnchorId::of(l.fragment.as_deref().unwrap_or(""));
            out.entry(id).or_default().push(rel);
        }
    }
    out
}

/// Ranks targets for `query`: the change's own first, then not yet linked,
/// then the fuzzy score, then their order. `key` writes what is matched
/// into a buffer, so that ten thousand targets cost no allocation each.
fn ranked<'a>(
    targets: Vec<LinkTarget<'a>>,
    query: &str,
    key: impl Fn(&LinkTarget, &mut String),
    linked: &Linked,
) -> (Vec<LinkTarget<'a>>, bool) {
    let mut m = Matcher::new(query);
    let mut buf = String::new();
    let mut scored: Vec<(bool, bool, f64, usize, LinkTarget)> = Vec::new();
    for (i, t) in targets.into_iter().enumerate() {
        buf.clear();
        key(&t, &mut buf);
        let Some(s) = m.score(&buf) else { continue };
        let done = linked
            .get(&t.id)
            .is_some_and(|rels| rels.iter().any(|r| r == t.target_rel));
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
    let (mut targets, _) = ranked(
        link_targets(ws, cx.file),
        query,
        |t, buf| {
            buf.push_str(t.scenario);
            buf.push(' ');
            buf.push_str(t.requirement);
        },
        &done,
    );
    // Matched by name: only the anchors shown are named.
    name_anchors(&mut targets);
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
    // Matched by their link: every anchor is named.
    let named = |ws, file| {
        let mut targets = link_targets(ws, file);
        name_anchors(&mut targets);
        targets
    };
    let targets = named(ws, cx.file);
    let (targets, _) = if typed.is_empty() && !label.trim().is_empty() {
        // The label says which scenario is meant.
        let (by_label, more) = ranked(targets, label, |t, buf| buf.push_str(t.scenario), &done);
        if by_label.is_empty() {
            ranked(named(ws, cx.file), "", |t, buf| t.write_target(buf), &done)
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
