//! Task-list fixes: a dependency on an unknown id takes the nearest id
//! (`tasks/unknown-dependency`), a link to an anchor no heading has takes
//! the nearest anchor of its file (`tasks/broken-acceptance-link`, as its
//! message suggests), an acceptance criterion without a link gets
//! one to the scenarios its words match best (`tasks/unlinked-acceptance`),
//! and a scenario no task covers gets a task (`tasks/uncovered-scenario`).

use std::collections::HashSet;

use super::Fix;
use crate::formats::openspec;
use crate::ide::edit::{
    line_ending, line_start, link_label, relative_link, SourceChange, TextEdit,
};
use crate::model::tasks::{indent_columns, Group, Task, TaskList};
use crate::model::{Requirement, Scenario, Span};
use crate::syntax::{js, Doc};
use crate::text::anchor::AnchorId;
use crate::text::nearest::nearest;
use crate::workspace::links::{covered, link_target_path};
use crate::workspace::{ChangeRef, FileKind, SourceFile, Summary, Workspace};

fn tasks_of(file: &SourceFile) -> Option<(&ChangeRef, &TaskList)> {
    match (&file.kind, &file.summary) {
        (FileKind::Tasks { change }, Summary::Tasks(t)) => Some((change, t)),
        _ => None,
    }
}

pub(super) fn unknown_dependency(file: &SourceFile, span: Span) -> Vec<Fix> {
    let Some((_, list)) = tasks_of(file) else {
        return Vec::new();
    };
    let Some((owner, dep)) = list
        .tasks
        .iter()
        .flat_map(|t| t.deps.iter().map(move |d| (t, d)))
        .find(|(_, d)| d.span == span)
    else {
        return Vec::new();
    };
    // As the diagnostic's suggestion: never the task's own id.
    let ids = list
        .tasks
        .iter()
        .filter_map(|t| t.id.as_deref())
        .filter(|&id| Some(id) != owner.id.as_deref());
    let Some(near) = nearest(&dep.id, ids) else {
        return Vec::new();
    };
    vec![Fix::nearest_name(&file.rel, span, near)]
}

/// A link whose file exists but has no heading with its anchor: the
/// anchor of that file nearest to it, the one the diagnostic suggests.
pub(super) fn broken_acceptance_link(ws: &Workspace, file: &SourceFile, span: Span) -> Vec<Fix> {
    let Some((_, list)) = tasks_of(file) else {
        return Vec::new();
    };
    let Some(link) = list
        .tasks
        .iter()
        .flat_map(|t| &t.acceptance)
        .flat_map(|a| &a.links)
        .find(|l| l.target_span == span)
    else {
        return Vec::new();
    };
    let (Some(target), Some(fragment)) = (
        link_target_path(&file.rel, link).and_then(|p| ws.file(&p)),
        link.fragment.as_deref().filter(|f| !f.is_empty()),
    ) else {
        return Vec::new();
    };
    let wanted = AnchorId::of(fragment);
    if target.headings().iter().any(|h| h.anchor == wanted) {
        return Vec::new();
    }
    let names = target.anchors();
    let anchors = names.iter().map(String::as_str);
    let Some(near) = nearest(fragment, anchors) else {
        return Vec::new();
    };
    // The anchor as written: after the last `#` of the link's target.
    let written = &file.text()[span.range()];
    let Some(hash) = written.rfind('#') else {
        return Vec::new();
    };
    let at = Span::new(span.start as usize + hash + 1, span.end as usize);
    vec![Fix::nearest_name(&file.rel, at, near)]
}

/// A scenario an acceptance link can point at.
struct Candidate<'a> {
    file: &'a SourceFile,
    req: &'a Requirement,
    scenario: &'a Scenario,
    anchor: String,
    /// In one of the change's own delta specs (searched before main specs).
    in_change: bool,
}

impl Candidate<'_> {
    fn link(&self, from: &str) -> String {
        format!(
            "[{}]({}#{})",
            link_label(&self.scenario.name),
            relative_link(from, &self.file.rel),
            self.anchor
        )
    }
}

/// The scenarios (with a body) of a spec file's ADDED/MODIFIED or main
/// requirements, with their anchors.
fn scenarios_of(file: &SourceFile, in_change: bool) -> Vec<Candidate<'_>> {
    let heads = file.headings();
    let mut names: Option<Vec<String>> = None;
    let mut out = Vec::new();
    for (req, scenario) in file.summary.scenarios().filter(|(_, s)| s.has_body) {
        let Some(h) = heads.iter().position(|h| h.line == scenario.line) else {
            continue;
        };
        // Only files with scenarios need their anchors' text.
        let names = names.get_or_insert_with(|| file.anchors());
        out.push(Candidate {
            file,
            req,
            scenario,
            anchor: names[h].clone(),
            in_change,
        });
    }
    out
}

/// The change's delta scenarios, then every main spec's.
fn candidates<'a>(ws: &'a Workspace, change: &ChangeRef) -> Vec<Candidate<'a>> {
    let mut out = Vec::new();
    if let Some(info) = ws.changes.get(change) {
        for &i in &info.files {
            let f = &ws.files[i];
            if matches!(f.kind, FileKind::DeltaSpec { .. }) {
                out.extend(scenarios_of(f, true));
            }
        }
    }
    for f in ws
        .files
        .iter()
        .filter(|f| matches!(f.kind, FileKind::MainSpec { .. }))
    {
        out.extend(scenarios_of(f, false));
    }
    out
}

const STOP_WORDS: &[&str] = &[
    "the",
    "and",
    "for",
    "with",
    "when",
    "then",
    "given",
    "that",
    "this",
    "are",
    "was",
    "were",
    "from",
    "into",
    "not",
    "can",
    "will",
    "shall",
    "must",
    "should",
    "may",
    "its",
    "has",
    "have",
    "been",
    "but",
    "all",
    "any",
    "each",
    "per",
    "via",
    "acceptance",
    "criteria",
    "scenario",
];

/// The words of `text` that say something: lowercase, at least three
/// letters (any length outside ASCII), stop words and plural `s` dropped.
fn words(text: &str) -> HashSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let w = w.to_lowercase();
            if w.is_ascii() && w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") {
                w[..w.len() - 1].to_string()
            } else {
                w
            }
        })
        .filter(|w| (w.len() >= 3 || !w.is_ascii()) && !STOP_WORDS.contains(&w.as_str()))
        .collect()
}

/// How well `c` matches the criterion's words: a word of the scenario's
/// name counts three, a word of its steps one.
fn score(file_text: &str, c: &Candidate, criterion: &HashSet<String>) -> usize {
    let name = words(&c.scenario.name);
    let steps: String = c
        .scenario
        .steps
        .iter()
        .filter_map(|s| file_text.get(s.text_span.range()))
        .collect::<Vec<_>>()
        .join(" ");
    let steps = words(&steps);
    criterion
        .iter()
        .map(|w| {
            if name.contains(w) {
                3
            } else if steps.contains(w) {
                1
            } else {
                0
            }
        })
        .sum()
}

/// The text of an acceptance item after its label, with the nested lines
/// under it.
fn criterion_text(text: &str, item: Span) -> String {
    let doc = Doc::new(text);
    let Some(i) = doc
        .lines
        .partition_point(|l| l.start <= item.start)
        .checked_sub(1)
    else {
        return String::new();
    };
    let line = doc.line(i);
    let mut out = match line.split_once(':') {
        Some((_, rest)) => rest.to_string(),
        None => String::new(),
    };
    let indent = indent_columns(line);
    for k in i + 1..doc.len() {
        let l = doc.line(k);
        if js::trim(l).is_empty() {
            continue;
        }
        if indent_columns(l) <= indent {
            break;
        }
        out.push(' ');
        out.push_str(l);
    }
    out
}

/// How many fixes to offer for one unlinked criterion.
const BEST_FEW: usize = 3;

pub(super) fn unlinked_acceptance(ws: &Workspace, file: &SourceFile, span: Span) -> Vec<Fix> {
    let Some((change, list)) = tasks_of(file) else {
        return Vec::new();
    };
    let found = list.tasks.iter().find_map(|t| {
        t.acceptance
            .iter()
            .find(|a| a.span == span && a.links.is_empty())
            .map(|a| (t, a))
    });
    let Some((task, item)) = found else {
        return Vec::new();
    };
    let mut criterion = words(&criterion_text(file.text(), item.span));
    if criterion.is_empty() {
        let all = task.description(file.text());
        let description = all.strip_prefix(task.id.as_deref().unwrap_or(""));
        criterion = words(description.unwrap_or(all));
    }
    let all = candidates(ws, change);
    let mut scored: Vec<(usize, usize, &Candidate)> = all
        .iter()
        .enumerate()
        .map(|(k, c)| (score(c.file.text(), c, &criterion), k, c))
        .filter(|(s, _, _)| *s > 0)
        .collect();
    scored.sort_by_key(|&(s, k, c)| (!c.in_change, std::cmp::Reverse(s), k));
    let chosen: Vec<(&Candidate, bool)> = if scored.is_empty() {
        // Nothing matches the words: offer what no task covers yet.
        let covered = covered_by(ws, &file.rel, list);
        all.iter()
            .filter(|c| c.in_change)
            .filter(|c| !covered.contains(&key(c)))
            .take(BEST_FEW)
            .map(|c| (c, false))
            .collect()
    } else {
        let top = scored[0].0;
        let clear = scored.iter().skip(1).all(|(s, _, _)| *s < top);
        scored
            .iter()
            .take(BEST_FEW)
            .enumerate()
            .map(|(i, (_, _, c))| (*c, i == 0 && clear))
            .collect()
    };
    // Appended to the item line, where the rule looks for links.
    let at = item.span.end as usize;
    chosen
        .into_iter()
        .map(|(c, preferred)| {
            let link = c.link(&file.rel);
            let edit = TextEdit::new(&file.rel, Span::new(at, at), format!(" {link}"));
            Fix::new(
                format!(
                    "Link scenario \"{}\" ({})",
                    c.scenario.name,
                    relative_link(&file.rel, &c.file.rel)
                ),
                SourceChange::new(vec![edit]),
                preferred,
            )
        })
        .collect()
}

fn key(c: &Candidate) -> (String, String, String) {
    (
        c.file.rel.clone(),
        c.req.name.clone(),
        c.scenario.name.clone(),
    )
}

/// The scenarios the tasks of `list` (the file `rel`) link, directly or
/// through their requirement, as the acceptance rules read the links.
fn covered_by(ws: &Workspace, rel: &str, list: &TaskList) -> HashSet<(String, String, String)> {
    let Some(file) = ws.file(rel) else {
        return HashSet::new();
    };
    let doc = openspec::tasks(list, file.text());
    covered(ws, rel, &doc)
        .tasks
        .into_iter()
        .flatten()
        .map(|(f, r, s)| (f.to_string(), r.to_string(), s.to_string()))
        .collect()
}

pub(super) fn uncovered_scenario(ws: &Workspace, file: &SourceFile, span: Span) -> Vec<Fix> {
    let (FileKind::DeltaSpec { change, .. }, Summary::Delta(_)) = (&file.kind, &file.summary)
    else {
        return Vec::new();
    };
    let Some(target) = scenarios_of(file, true)
        .into_iter()
        .find(|c| c.scenario.header == span)
    else {
        return Vec::new();
    };
    let tasks_rel = format!("openspec/{}/tasks.md", change.dir());
    let Some(tasks_file) = ws.file(&tasks_rel) else {
        return Vec::new();
    };
    let Summary::Tasks(list) = &tasks_file.summary else {
        return Vec::new();
    };
    let group = pick_group(ws, &tasks_rel, list, &target);
    let id = fresh_id(list, group.map(|g| &list.groups[g]));
    let text = tasks_file.text();
    let eol = line_ending(text);
    let doc = Doc::new(text);
    // The end of the group's last non-blank line (the file's, without one).
    let (from, to) = match group {
        Some(g) => {
            let line = list.groups[g].line as usize;
            let next = tasks_file
                .headings()
                .iter()
                .find(|h| h.line as usize > line && h.level <= 2)
                .map_or(doc.len(), |h| h.line as usize);
            (line, next)
        }
        None => (0, doc.len()),
    };
    let last = (from..to)
        .rev()
        .find(|&i| !js::trim(doc.line(i)).is_empty());
    let indent = group
        .and_then(|g| {
            list.tasks
                .iter()
                .find(|t| t.group() == Some(g) && t.parent().is_none())
        })
        .map(|t: &Task| {
            let start = line_start(text, t.span.start as usize);
            text[start..t.span.start as usize].to_string()
        })
        .unwrap_or_default();
    let description = match &id {
        Some(id) => format!("{id} Cover scenario \"{}\"", target.scenario.name),
        None => format!("Cover scenario \"{}\"", target.scenario.name),
    };
    let task = format!(
        "{indent}- [ ] {description}{eol}{indent}  - Acceptance: {}",
        target.link(&tasks_rel)
    );
    let (at, insert) = match last {
        Some(i) => (doc.lines[i].end as usize, format!("{eol}{task}")),
        None if text.is_empty() => (0, format!("{task}{eol}")),
        None => (text.len(), format!("{task}{eol}")),
    };
    let edit = TextEdit::new(&tasks_rel, Span::new(at, at), insert);
    let title = match &id {
        Some(id) => format!(
            "Add task {id} covering \"{}\" to tasks.md",
            target.scenario.name
        ),
        None => format!(
            "Add a task covering \"{}\" to tasks.md",
            target.scenario.name
        ),
    };
    vec![Fix::new(title, SourceChange::new(vec![edit]), true)]
}

/// The group a task for `target` belongs in: the one whose tasks link most
/// scenarios of the same requirement, else of the same spec file, else the
/// last numbered group, else the last group.
fn pick_group(ws: &Workspace, rel: &str, list: &TaskList, target: &Candidate) -> Option<usize> {
    let mut same_req = vec![0usize; list.groups.len()];
    let mut same_file = vec![0usize; list.groups.len()];
    let text = ws.file(rel).map_or("", |f| f.text());
    let doc = openspec::tasks(list, text);
    for (t, found) in doc.tasks.iter().zip(covered(ws, rel, &doc).tasks) {
        let Some(g) = t.phase else { continue };
        for (f, r, _) in found {
            if f == target.file.rel {
                same_file[g] += 1;
                same_req[g] += usize::from(r == target.req.name);
            }
        }
    }
    let best = |counts: &[usize]| {
        let max = *counts.iter().max()?;
        (max > 0).then(|| counts.iter().rposition(|&c| c == max))?
    };
    best(&same_req)
        .or_else(|| best(&same_file))
        .or_else(|| list.groups.iter().rposition(|g| g.id.is_some()))
        .or_else(|| list.groups.len().checked_sub(1))
}

/// The next free id in `group` (`2.4` after `2.3`), or after the last task
/// id of the file when the group has no id; `None` when no id is in use.
fn fresh_id(list: &TaskList, group: Option<&Group>) -> Option<String> {
    let prefix = match group.and_then(|g| g.id.clone()) {
        Some(p) => p,
        None => {
            let last = list.tasks.iter().rev().find_map(|t| t.id.as_deref())?;
            last.split('.').next()?.to_string()
        }
    };
    let head = format!("{prefix}.");
    let max = list
        .tasks
        .iter()
        .filter_map(|t| t.id.as_deref()?.strip_prefix(&head))
        .filter_map(|rest| {
            let n = rest.split('.').next()?;
            n.trim_end_matches(|c: char| c.is_ascii_alphabetic())
                .parse::<u64>()
                .ok()
        })
        .max()
        .unwrap_or(0);
    Some(format!("{prefix}.{}", max + 1))
}
