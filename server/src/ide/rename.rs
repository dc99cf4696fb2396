//! Rename a requirement, a scenario or a task id, with everything that
//! names it.
//!
//! - A requirement: every entry of the active changes that names it by the
//!   same name (the main spec's heading, ADDED/MODIFIED headings, REMOVED
//!   entries, RENAMED FROM lines), found as find-references finds its
//!   family. A name that only exists inside one change (an ADDED
//!   requirement, or the new name a RENAMED TO gives) is renamed in that
//!   file alone. Archived changes are history and are left as they are.
//! - A scenario: its heading and its copies in that family's blocks (a
//!   MODIFIED block must keep the main spec's scenario names).
//! - A task id: the id and every dependency on it in the same file.
//!
//! Every link anywhere in the workspace whose anchor names a heading whose
//! anchor changes (the renamed one, or a later duplicate whose `-1` suffix
//! moves) gets the new anchor.
//!
//! In a Spec Kit or Kiro feature folder, an id is renamed at its definition
//! and every citation in the folder, over the shared shape: a task id
//! (`T001`, Kiro's `2.1`), a requirement id (`FR-001`, `SC-002`), a story
//! number (the heading's number, `[USn]` labels and the story phases'
//! headings), a Kiro requirement number (with its criteria `N.M` and their
//! citations) and a criterion number. A dotted id brings the ids below it
//! along (task `2` renames `2.1`), so numbering stays nested. An id cited
//! through a range (`T010–T014`) is refused: the range cannot be renamed in
//! place.

use std::collections::{HashMap, HashSet};

use super::edit::{apply_to_text, SourceChange, TextEdit};
use super::element::{
    element_at, main_requirement, requirement_family, scenario_family, Element, ReqSite,
    ScenarioSite, Site,
};
use super::links::{self, resolve, scan_links, MdLink, Resolved};
use super::shaped::{
    at_cursor, openspec_tasks, repeated_own, subject_at as subject_at_cursor, Def, Named,
    Subject as Shaped, Unit,
};
use crate::formats::shape::{PhaseKind, RequirementKind, Target, Task as ShapeTask};
use crate::model::tasks::task_id;
use crate::model::{anchor_names, headings, Span};
use crate::syntax::Doc;
use crate::text::anchor::AnchorId;
use crate::text::percent::percent_decode;
use crate::workspace::{FileKind, SourceFile, Workspace};

/// What `prepare_rename` found: the span to edit and its current name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Renameable {
    pub span: Span,
    pub placeholder: String,
}

/// Why a rename was refused, said so that the editor can show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenameError(pub String);

impl std::fmt::Display for RenameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

enum Subject<'a> {
    Req(ReqSite<'a>),
    Scenario(ScenarioSite<'a>),
}

fn archived(file: &SourceFile) -> bool {
    file.kind.change().is_some_and(|c| c.archived)
}

/// The subject at `offset` and the span that names it there.
fn subject_at<'a>(ws: &'a Workspace, rel: &str, offset: usize) -> Option<(Subject<'a>, Span)> {
    match element_at(ws, rel, offset)? {
        Element::Site(Site::Req(r)) if !archived(r.file) => {
            // A bullet whose name is empty points at its whole line.
            (r.focus != r.line_span || r.block.is_some()).then_some((Subject::Req(r), r.focus))
        }
        Element::Site(Site::Scenario(s)) if !archived(s.req.file) => {
            let span = s.scenario.name_span;
            Some((Subject::Scenario(s), span))
        }
        _ => None,
    }
}

/// Whether something at `offset` of `rel` can be renamed, and the name to
/// offer for editing.
pub fn prepare_rename(ws: &Workspace, rel: &str, offset: usize) -> Option<Renameable> {
    if let Some((unit, at)) = Unit::of(ws, rel) {
        return shaped_prepare(&unit, at, offset);
    }
    if let Some((file, doc)) = openspec_tasks(ws, rel) {
        let unit = Unit::single(file, &doc);
        if let Some((task, span)) = openspec_task_at(&unit, offset) {
            return Some(Renameable {
                span,
                placeholder: task.id.clone()?,
            });
        }
    }
    let (subject, span) = subject_at(ws, rel, offset)?;
    let placeholder = match subject {
        Subject::Req(r) => r.name.to_string(),
        Subject::Scenario(s) => s.scenario.name.clone(),
    };
    Some(Renameable { span, placeholder })
}

/// The edits that rename what is at `offset` of `rel` to `new_name`.
pub fn rename(
    ws: &Workspace,
    rel: &str,
    offset: usize,
    new_name: &str,
) -> Result<SourceChange, RenameError> {
    if let Some((unit, at)) = Unit::of(ws, rel) {
        return shaped_rename(&unit, at, offset, new_name);
    }
    if let Some((file, doc)) = openspec_tasks(ws, rel) {
        let unit = Unit::single(file, &doc);
        if let Some((task, _)) = openspec_task_at(&unit, offset) {
            return rename_task(&unit, task, new_name);
        }
    }
    let Some((subject, _)) = subject_at(ws, rel, offset) else {
        return Err(RenameError(
            "Nothing to rename here: put the cursor on a requirement or scenario name, or on a task id."
                .into(),
        ));
    };
    let mut change = match subject {
        Subject::Req(r) => rename_requirement(ws, &r, new_name)?,
        Subject::Scenario(s) => rename_scenario(ws, &s, new_name)?,
    };
    change.drop_overlaps();
    Ok(change)
}

/// A name as a heading can hold it: one line, no backtick (REMOVED and
/// RENAMED entries are written in backticks), no closing `#` run.
fn check_name(new_name: &str, what: &str) -> Result<String, RenameError> {
    let name = new_name.trim();
    if name.is_empty() {
        return Err(RenameError(format!("A {what} name cannot be empty.")));
    }
    if name.contains(['\n', '\r']) {
        return Err(RenameError(format!("A {what} name must fit on one line.")));
    }
    if name.contains('`') {
        return Err(RenameError(format!(
            "A {what} name cannot contain a backtick: REMOVED and RENAMED entries quote names in backticks."
        )));
    }
    if name.ends_with('#') {
        return Err(RenameError(format!(
            "A {what} name cannot end with \"#\": it would be read as a closing \"#\" run."
        )));
    }
    Ok(name.to_string())
}

fn rename_requirement(
    ws: &Workspace,
    site: &ReqSite,
    new_name: &str,
) -> Result<SourceChange, RenameError> {
    let name = check_name(new_name, "requirement")?;
    if name == site.name {
        return Err(RenameError(format!(
            "The requirement is already named \"{name}\"."
        )));
    }
    // A name the main spec does not have lives in this file only.
    let local = site.name != site.key || main_requirement(ws, site).is_none();
    let family: Vec<ReqSite> = requirement_family(ws, site)
        .into_iter()
        .filter(|s| s.name == site.name && !archived(s.file))
        .filter(|s| !local || s.file.rel == site.file.rel)
        .collect();
    // Every requirement name the capability's main spec and active deltas
    // use: archiving them together must not meet two requirements of one
    // name.
    for f in ws.files.iter().filter(|f| !archived(f)) {
        let cap = match &f.kind {
            FileKind::MainSpec { capability } | FileKind::DeltaSpec { capability, .. } => {
                capability
            }
            _ => continue,
        };
        if cap != site.capability {
            continue;
        }
        for other in super::element::req_sites(f) {
            if other.name == name {
                return Err(RenameError(format!(
                    "\"{name}\" is already a requirement name in {} (line {}); pick another name.",
                    f.rel,
                    line_of(f.text(), other.line_span.start)
                )));
            }
        }
    }
    let mut edits = Vec::new();
    for s in &family {
        if s.file.text().get(s.focus.range()).is_none() {
            continue;
        }
        edits.push(TextEdit::new(&s.file.rel, s.focus, &name));
    }
    Ok(with_anchor_updates(ws, edits))
}

fn rename_scenario(
    ws: &Workspace,
    site: &ScenarioSite,
    new_name: &str,
) -> Result<SourceChange, RenameError> {
    let name = check_name(new_name, "scenario")?;
    if name == site.scenario.name {
        return Err(RenameError(format!(
            "The scenario is already named \"{name}\"."
        )));
    }
    let copies: Vec<ScenarioSite> = scenario_family(ws, site)
        .into_iter()
        .filter(|c| !archived(c.req.file))
        .collect();
    for c in &copies {
        let Some(block) = c.req.block else { continue };
        if let Some(other) = block.scenarios.iter().find(|s| s.name == name) {
            return Err(RenameError(format!(
                "Requirement \"{}\" already has a scenario \"{name}\" ({}, line {}); pick another name.",
                c.req.name,
                c.req.file.rel,
                other.line + 1
            )));
        }
    }
    let mut edits = Vec::new();
    for c in &copies {
        let s = c.scenario;
        // A heading with no name after `Scenario:` has an empty span at
        // the end of its line: the name is inserted there.
        let new_text = if s.name_span.start == s.name_span.end
            && !c.req.file.text()[..s.name_span.start as usize].ends_with([' ', '\t'])
        {
            format!(" {name}")
        } else {
            name.clone()
        };
        edits.push(TextEdit::new(&c.req.file.rel, s.name_span, new_text));
    }
    Ok(with_anchor_updates(ws, edits))
}

/// The OpenSpec task whose id is at `offset` of a task list's unit, and
/// that id's span: the task's own id, or a dependency naming the task (a
/// group id is not renamed: it is its heading's number).
fn openspec_task_at<'u>(unit: &Unit<'u>, offset: usize) -> Option<(&'u ShapeTask, Span)> {
    match subject_at_cursor(unit, 0, offset)? {
        Shaped::Id(c) => match unit.definition(&c.named)? {
            Def::Task(_, task) => Some((task, c.span)),
            _ => None,
        },
        Shaped::Def(Def::Task(_, task)) => {
            let span = task.id_span.filter(|s| super::hit(*s, offset))?;
            Some((task, span))
        }
        Shaped::Def(_) => None,
    }
}

/// An OpenSpec task id renamed in its task list, with OpenSpec's id syntax
/// (`2.3`, `C.2`); its dependencies follow. Spec Kit's and Kiro's ids keep
/// their own form and bring nested ids along ([`shaped_rename`]).
fn rename_task(unit: &Unit, task: &ShapeTask, new_name: &str) -> Result<SourceChange, RenameError> {
    let (Some(old), Some(span)) = (task.id.as_deref(), task.id_span) else {
        return Err(RenameError("This task has no id to rename.".into()));
    };
    let id = new_name.trim();
    if task_id(id) != Some(id) {
        return Err(RenameError(format!(
            "\"{id}\" is not a task id: write it as numbers joined by dots (\"2.3\"), or a phase letter and numbers (\"C.2\")."
        )));
    }
    if id == old {
        return Err(RenameError(format!("The task is already {id}.")));
    }
    if let Some((f, k)) = unit.index.task(id) {
        return Err(RenameError(format!(
            "Task {id} already exists (line {}); pick another id.",
            unit.files[f].1.tasks[k].line + 1
        )));
    }
    let rel = &unit.files[0].0.rel;
    let mut edits = vec![TextEdit::new(rel, span, id)];
    for (f, cited) in unit.index.references_to(Target::Task, old) {
        edits.push(TextEdit::new(&unit.files[f].0.rel, cited, id));
    }
    let mut change = SourceChange::new(edits);
    change.drop_overlaps();
    Ok(change)
}

/// The id at `offset` of file `at` of a unit, narrowed to the id itself
/// (a label's `[US1]` to `US1`), with its meaning.
fn shaped_subject(unit: &Unit, at: usize, offset: usize) -> Option<(Named, Span)> {
    let found = at_cursor(unit, at, offset)?;
    if found.named.target == Target::Property {
        return None;
    }
    let text = unit.text(at, found.span);
    let span = match find_id(text, &found.named.id) {
        Some(i) => Span::new(
            found.span.start as usize + i,
            found.span.start as usize + i + found.named.id.len(),
        ),
        None => found.span,
    };
    Some((found.named, span))
}

fn shaped_prepare(unit: &Unit, at: usize, offset: usize) -> Option<Renameable> {
    let (named, span) = shaped_subject(unit, at, offset)?;
    // A citation of nothing has nothing to rename with it; a group's id is
    // its heading's number, renumbered by hand.
    if let Def::Phase(..) = unit.definition(&named)? {
        return None;
    }
    Some(Renameable {
        span,
        placeholder: unit.text(at, span).to_string(),
    })
}

fn group_id(id: &str) -> String {
    format!("{id} names a group: renumber the group's heading and its tasks by hand.")
}

/// Where `id` stands in `text` as a whole word.
fn find_id(text: &str, id: &str) -> Option<usize> {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '.' || c == '-';
    text.match_indices(id).map(|(i, _)| i).find(|&i| {
        let end = i + id.len();
        !text[..i].ends_with(word) && !text[end..].trim_end_matches('.').starts_with(word)
    })
}

/// The last part of an id, as a definition may write it alone: a Kiro
/// criterion's `M` of `N.M`, a story's number.
fn short(id: &str) -> &str {
    match id.rfind('.') {
        Some(i) => &id[i + 1..],
        None => id.strip_prefix("US").unwrap_or(id),
    }
}

/// `new_name` as an id of the same form as `old`: the same letters before
/// the number (a story takes its number alone too), dots where `old` has
/// them; a criterion keeps its requirement and takes its number alone too.
fn new_id(old: &str, kind: Option<RequirementKind>, new_name: &str) -> Result<String, RenameError> {
    let name = new_name.trim();
    let digits_dots = |s: &str| {
        !s.is_empty()
            && !s.starts_with('.')
            && !s.ends_with('.')
            && !s.contains("..")
            && s.chars().all(|c| c.is_ascii_digit() || c == '.')
    };
    let id = match kind {
        Some(RequirementKind::Criterion) => {
            let (req, _) = old.rsplit_once('.').unwrap_or(("", old));
            if name.chars().all(|c| c.is_ascii_digit()) && !name.is_empty() {
                format!("{req}.{name}")
            } else {
                match name.rsplit_once('.') {
                    Some((r, m)) if r == req && !m.is_empty() && m.chars().all(|c| c.is_ascii_digit()) => {
                        name.to_string()
                    }
                    _ => {
                        return Err(RenameError(format!(
                            "\"{name}\" is not a criterion of requirement {req}: write its number (\"3\") or \"{req}.3\"; moving a criterion to another requirement is not a rename."
                        )))
                    }
                }
            }
        }
        Some(RequirementKind::Story) if old.starts_with("US") => {
            let n = name.strip_prefix("US").unwrap_or(name);
            if n.is_empty() || !n.chars().all(|c| c.is_ascii_digit()) {
                return Err(RenameError(format!(
                    "\"{name}\" is not a story number: write it as \"3\" or \"US3\"."
                )));
            }
            format!("US{n}")
        }
        _ => {
            let letters = old.len() - old.trim_start_matches(|c: char| !c.is_ascii_digit()).len();
            let (prefix, number) = (&old[..letters], &old[letters..]);
            let rest = name.strip_prefix(prefix).unwrap_or("");
            // Tasks nest with dots; requirement numbers do not.
            let fits = if number.contains('.') || (prefix.is_empty() && kind.is_none()) {
                digits_dots(rest)
            } else {
                !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit())
            };
            if !name.starts_with(prefix) || !fits {
                let example = if prefix.is_empty() {
                    "\"3\" or \"2.3\"".to_string()
                } else {
                    format!("\"{prefix}012\"")
                };
                return Err(RenameError(format!(
                    "\"{name}\" does not fit where {old} stands: write it as {example}."
                )));
            }
            name.to_string()
        }
    };
    if id == old {
        return Err(RenameError(format!("It is already {old}.")));
    }
    Ok(id)
}

fn shaped_rename(
    unit: &Unit,
    at: usize,
    offset: usize,
    new_name: &str,
) -> Result<SourceChange, RenameError> {
    let Some(found) = at_cursor(unit, at, offset) else {
        return Err(RenameError(
            "Nothing to rename here: put the cursor on a task, requirement, story or criterion id."
                .into(),
        ));
    };
    let repeated = repeated_own(unit, at, &found);
    let named = found.named;
    if named.target == Target::Property {
        return Err(RenameError(
            "Properties are numbered by the design; renumber them there by hand.".into(),
        ));
    }
    if let Some(own) = repeated {
        return rename_repeated(unit, at, own, &named, new_name);
    }
    let Some(def) = unit.definition(&named) else {
        return Err(RenameError(format!(
            "{} is not defined in this feature: there is nothing to rename.",
            named.id
        )));
    };
    let kind = match def {
        Def::Requirement(_, r) => Some(r.kind),
        Def::Task(..) => None,
        Def::Phase(..) => return Err(RenameError(group_id(&named.id))),
    };
    let new = new_id(&named.id, kind, new_name)?;
    // The id and the ids nested below it (a task's sub-tasks, a Kiro
    // requirement's criteria), each with its new id.
    let mut pairs = vec![(named.clone(), new.clone())];
    let nested = format!("{}.", named.id);
    for (_, doc) in &unit.files {
        let ids: Vec<(&str, Target)> = match def {
            Def::Task(..) | Def::Phase(..) => doc
                .tasks
                .iter()
                .filter_map(|t| Some((t.id.as_deref()?, Target::Task)))
                .collect(),
            Def::Requirement(..) => doc
                .requirements
                .iter()
                .filter(|r| r.kind == RequirementKind::Criterion)
                .map(|r| (r.id.as_str(), Target::Requirement))
                .collect(),
        };
        for (id, target) in ids {
            if let Some(tail) = id.strip_prefix(&nested) {
                pairs.push((
                    Named {
                        target,
                        id: id.to_string(),
                    },
                    format!("{new}.{tail}"),
                ));
            }
        }
    }
    let renamed: HashSet<&str> = pairs.iter().map(|(n, _)| n.id.as_str()).collect();
    for (old, new) in &pairs {
        let taken = Named {
            target: old.target,
            id: new.clone(),
        };
        if !renamed.contains(new.as_str()) {
            if let Some(other) = unit.definition(&taken) {
                let f = other.file();
                return Err(RenameError(format!(
                    "{new} already exists in {} (line {}); pick another id.",
                    unit.files[f].0.rel,
                    line_of(unit.files[f].0.text(), other.spans().0.start)
                )));
            }
        }
        range_citation(unit, old)?;
    }
    let mut edits = Vec::new();
    for (old, new) in &pairs {
        let Some(def) = unit.definition(old) else {
            continue;
        };
        let mut sites = vec![(def.file(), def.spans().1)];
        sites.extend(unit.citations(old));
        for (f, span) in sites {
            let text = unit.text(f, span);
            let rel = &unit.files[f].0.rel;
            if let Some(i) = find_id(text, &old.id) {
                let s = span.start as usize + i;
                edits.push(TextEdit::new(
                    rel,
                    Span::new(s, s + old.id.len()),
                    new.as_str(),
                ));
            } else if text == short(&old.id) {
                if short(new) != text {
                    edits.push(TextEdit::new(rel, span, short(new)));
                }
            } else {
                return Err(RenameError(format!(
                    "{} is written as \"{text}\" in {rel} (line {}); rename it there by hand.",
                    old.id,
                    line_of(unit.files[f].0.text(), span.start)
                )));
            }
        }
        if matches!(def, Def::Requirement(_, r) if r.kind == RequirementKind::Story) {
            edits.extend(story_phases(unit, &old.id, new));
        }
    }
    let mut change = SourceChange::new(edits);
    change.drop_overlaps();
    Ok(change)
}

/// Renames a task or requirement whose id repeats an earlier one's: that
/// id alone, as the citations of the id name the earlier one.
fn rename_repeated(
    unit: &Unit,
    at: usize,
    own: Def,
    named: &Named,
    new_name: &str,
) -> Result<SourceChange, RenameError> {
    let kind = match own {
        Def::Requirement(_, r) => Some(r.kind),
        _ => None,
    };
    let new = new_id(&named.id, kind, new_name)?;
    let taken = Named {
        target: named.target,
        id: new.clone(),
    };
    if let Some(other) = unit.definition(&taken) {
        let f = other.file();
        return Err(RenameError(format!(
            "{new} already exists in {} (line {}); pick another id.",
            unit.files[f].0.rel,
            line_of(unit.files[f].0.text(), other.spans().0.start)
        )));
    }
    let span = own.spans().1;
    let text = unit.text(at, span);
    let Some(i) = find_id(text, &named.id) else {
        return Err(RenameError(format!(
            "{} is written as \"{text}\"; rename it by hand.",
            named.id
        )));
    };
    let s = span.start as usize + i;
    Ok(SourceChange::new(vec![TextEdit::new(
        &unit.files[at].0.rel,
        Span::new(s, s + named.id.len()),
        new.as_str(),
    )]))
}

/// A citation of `named` produced by expanding a range cannot be renamed,
/// and neither can an end of a range: a new end would change what the
/// range covers (`1.1-1.3` renamed at `1.1` to `1.9` runs backwards).
fn range_citation(unit: &Unit, named: &Named) -> Result<(), RenameError> {
    for (f, (file, doc)) in unit.files.iter().enumerate() {
        let refs = doc
            .tasks
            .iter()
            .flat_map(|t| t.dependencies.iter().chain(&t.links))
            .chain(&doc.references);
        for r in refs {
            let cites = r.id == named.id
                && (r.target == named.target
                    || matches!(
                        (r.target, named.target),
                        (Target::Story, Target::Requirement) | (Target::Requirement, Target::Story)
                    ));
            if !cites {
                continue;
            }
            let range = if r.from_range {
                Some(r.span)
            } else {
                range_around(file.text(), r.span)
            };
            if let Some(range) = range {
                return Err(RenameError(format!(
                    "{} is cited through the range \"{}\" in {} (line {}), which cannot be renamed in place: write the range out as a list first.",
                    named.id,
                    unit.text(f, range),
                    file.rel,
                    line_of(file.text(), range.start)
                )));
            }
        }
    }
    Ok(())
}

/// The range `span` is an end of, when a dash or `..` joins it to another
/// id on its line.
fn range_around(text: &str, span: Span) -> Option<Span> {
    let (start, end) = (span.start as usize, span.end as usize);
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    let is_id = |c: char| c.is_ascii_alphanumeric() || c == '.';
    let joins = ["-", "\u{2013}", "\u{2014}", ".."];
    let after = text[end..line_end].trim_start();
    if let Some(j) = joins.iter().find(|j| after.starts_with(**j)) {
        let rest = after[j.len()..].trim_start();
        let other = rest.len() - rest.trim_start_matches(is_id).len();
        // Another id, not a word: `T001 - see notes` is no range.
        if rest[..other].contains(|c: char| c.is_ascii_digit()) {
            let to = line_end - rest.len() + other;
            return Some(Span::new(start, to));
        }
    }
    let before = text[line_start..start].trim_end();
    if let Some(j) = joins.iter().find(|j| before.ends_with(**j)) {
        let head = before[..before.len() - j.len()].trim_end();
        let other = head.len() - head.trim_end_matches(is_id).len();
        if head[head.len() - other..].contains(|c: char| c.is_ascii_digit()) {
            return Some(Span::new(line_start + head.len() - other, end));
        }
    }
    None
}

/// Where story number `n` stands in a phase title: among the numbers after
/// `Story`/`Stories` and before the title proper (`User Story 1 & 2 — …`,
/// `User Stories 1 and 2: …`).
fn story_number_in(title: &str, n: &str) -> Option<usize> {
    let from = title.to_ascii_lowercase().find("stor")?;
    let rest = &title[from..];
    let end = rest.find(['—', '–', ':', '(', '-']).unwrap_or(rest.len());
    let b = rest.as_bytes();
    rest[..end]
        .match_indices(n)
        .map(|(i, _)| i)
        .find(|&i| {
            (i == 0 || !b[i - 1].is_ascii_alphanumeric())
                && b.get(i + n.len()).is_none_or(|c| !c.is_ascii_digit())
        })
        .map(|i| from + i)
}

/// The `User Story n` of the headings of the phases that implement story
/// `old` (`US1`), renumbered as `new`.
fn story_phases(unit: &Unit, old: &str, new: &str) -> Vec<TextEdit> {
    let (old_n, new_n) = (short(old), short(new));
    let mut out = Vec::new();
    for (f, (file, doc)) in unit.files.iter().enumerate() {
        for p in &doc.phases {
            let PhaseKind::Stories(ids) = &p.kind else {
                continue;
            };
            if !ids.iter().any(|i| i == old) {
                continue;
            }
            let title = unit.text(f, p.title);
            if let Some(i) = story_number_in(title, old_n) {
                let s = p.title.start as usize + i;
                out.push(TextEdit::new(
                    &file.rel,
                    Span::new(s, s + old_n.len()),
                    new_n,
                ));
            }
        }
    }
    out
}

fn line_of(text: &str, at: u32) -> usize {
    text.as_bytes()[..(at as usize).min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// `edits` (heading names) plus the edits of every link whose target
/// heading's anchor they change.
fn with_anchor_updates(ws: &Workspace, edits: Vec<TextEdit>) -> SourceChange {
    let mut change = SourceChange::new(edits);
    // (file, heading line) → the heading's new anchor.
    let mut moved: HashMap<(String, u32), String> = HashMap::new();
    // Their anchors before: a link can only lead to one of them if its
    // fragment is one of these, which spares resolving every other link.
    let mut old_anchors: HashSet<String> = HashSet::new();
    // (file, heading line) → the name the heading had and gets, for link
    // labels that repeat it.
    let mut names: HashMap<(String, u32), (String, String)> = HashMap::new();
    for rel in change.files() {
        let Some(file) = ws.file(rel) else { continue };
        let mine: Vec<(Span, &str)> = change
            .file_edits(rel)
            .iter()
            .map(|e| (e.span, e.new_text.as_str()))
            .collect();
        let Ok(new_text) = apply_to_text(file.text(), &mine) else {
            continue;
        };
        // Names hold no line break, so every heading keeps its line.
        let new_heads = headings(&Doc::new(&new_text));
        let new_names = anchor_names(&new_heads, &new_text);
        let after: HashMap<u32, (AnchorId, &str)> = new_heads
            .iter()
            .zip(&new_names)
            .map(|(h, name)| (h.line, (h.anchor, name.as_str())))
            .collect();
        let old_names = file.anchors();
        for (h, old_name) in file.headings().iter().zip(&old_names) {
            match after.get(&h.line) {
                Some(&(a, name)) if a != h.anchor => {
                    moved.insert((rel.to_string(), h.line), name.to_string());
                    old_anchors.insert(old_name.clone());
                    let on_line = mine
                        .iter()
                        .find(|(span, _)| h.span.start <= span.start && span.end <= h.span.end);
                    if let Some((span, new)) = on_line {
                        let old = file.text()[span.range()].trim();
                        if !old.is_empty() {
                            names.insert(
                                (rel.to_string(), h.line),
                                (old.to_string(), new.trim().to_string()),
                            );
                        }
                    }
                }
                _ => {}
            }
        }
    }
    if moved.is_empty() {
        return change;
    }
    // A non-ASCII anchor may be written percent-encoded.
    let encoded = old_anchors.iter().any(|a| !a.is_ascii());
    for f in ws.files.iter().filter(|f| links::is_markdown(&f.rel)) {
        // Most files name none of the anchors: skip reading their links.
        let mentions = old_anchors.iter().any(|a| f.text().contains(a.as_str()))
            || (encoded && f.text().contains('%'));
        if !mentions {
            continue;
        }
        for link in scan_links(f.text()) {
            let Some(fragment) = link.fragment.as_deref() else {
                continue;
            };
            if !old_anchors.contains(fragment) && !old_anchors.contains(&percent_decode(fragment)) {
                continue;
            }
            let Some(Resolved::Heading(target, h)) = resolve(ws, &f.rel, &link) else {
                continue;
            };
            let Some(anchor) = moved.get(&(target.rel.clone(), h.line)) else {
                continue;
            };
            let Some(dest) = f.text().get(link.dest.range()) else {
                continue;
            };
            let Some(hash) = dest.find('#') else { continue };
            let start = link.dest.start as usize + hash + 1;
            change.edits.push(TextEdit::new(
                &f.rel,
                Span::new(start, link.dest.end as usize),
                anchor.clone(),
            ));
            if let Some((old, new)) = names.get(&(target.rel.clone(), h.line)) {
                label_update(&mut change, f, &link, old, new);
            }
        }
    }
    change
}

/// Renames `old` to `new` in the label of `link` where it stands as whole
/// words (`[Caller asks](…#scenario-caller-asks)`), unless another edit
/// already covers the label.
fn label_update(change: &mut SourceChange, f: &SourceFile, link: &MdLink, old: &str, new: &str) {
    let start = link.span.start as usize + 1;
    let Some(label) = f.text().get(start..link.dest.start as usize) else {
        return;
    };
    let Some(end) = label.rfind("](") else { return };
    let label = &label[..end];
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let mut edits = Vec::new();
    for (at, _) in label.match_indices(old) {
        let before = label[..at].chars().next_back();
        let after = label[at + old.len()..].chars().next();
        if !word(before) && !word(after) {
            edits.push(TextEdit::new(
                &f.rel,
                Span::new(start + at, start + at + old.len()),
                new,
            ));
        }
    }
    let clash = |e: &TextEdit| {
        change
            .edits
            .iter()
            .any(|o| o.rel == e.rel && o.span.start < e.span.end && e.span.start < o.span.end)
    };
    if !edits.iter().any(clash) {
        change.edits.extend(edits);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::ide::edit::apply;
    use crate::ide::fixture::{Fixture, VOICE};

    fn err(fixture: &str, new_name: &str) -> String {
        let fx = Fixture::new(fixture);
        rename(&fx.ws, &fx.rel, fx.offset, new_name).unwrap_err().0
    }

    /// The main spec [`VOICE`], a change that modifies and removes, another
    /// that renames, tasks linking both, an archived change.
    pub(crate) fn changes() -> String {
        format!(
            "{VOICE}//- openspec/changes/c/specs/voice/spec.md
## MODIFIED Requirements
### Requirement: Transfer
The agent SHALL transfer quickly.

#### Scenario: Caller asks
- **WHEN** asked
- **THEN** transferred

#### Scenario: Nobody free
- **WHEN** busy
- **THEN** wait
//- openspec/changes/c/tasks.md
## 1. Calls
- [ ] 1.1 Transfer
  - Acceptance: [a](specs/voice/spec.md#scenario-caller-asks), [m](../../specs/voice/spec.md#scenario-caller-asks)
- [ ] 1.2 All (requires 1.1)
  - Acceptance: [r](specs/voice/spec.md#requirement-transfer)
//- openspec/changes/d/specs/voice/spec.md
## REMOVED Requirements
- `### Requirement: Transfer`
//- openspec/changes/archive/2025-01-01-e/specs/voice/spec.md
## MODIFIED Requirements
### Requirement: Transfer
Old.
#### Scenario: Caller asks
- **WHEN** x
//- openspec/changes/c/design.md
See [the requirement](../../specs/voice/spec.md#requirement-transfer).
"
        )
    }

    #[test]
    fn invalid_and_colliding_names_are_refused() {
        let on_req = changes().replace(
            "### Requirement: Transfer\nThe agent SHALL transfer.",
            "### Requirement: Trans$0fer\nThe agent SHALL transfer.",
        );
        assert!(err(&on_req, "Greeting").contains("already a requirement name"));
        assert!(err(&on_req, "  ").contains("cannot be empty"));
        assert!(err(&on_req, "a\nb").contains("one line"));
        assert!(err(&on_req, "a `b`").contains("backtick"));
        assert!(err(&on_req, "Transfer").contains("already named"));
        let on_scenario = changes().replace(
            "#### Scenario: Caller asks\n- **WHEN** asked",
            "#### Scenario: Caller$0 asks\n- **WHEN** asked",
        );
        assert!(err(&on_scenario, "Nobody free").contains("already has a scenario"));
        let on_task = "//- openspec/changes/c/tasks.md\n- [ ] 1.$01 a\n- [ ] 1.2 b\n";
        assert!(err(on_task, "1.2").contains("already exists"));
        assert!(err(on_task, "one").contains("not a task id"));
    }

    /// At every byte offset of files mixing line endings, a BOM, emoji
    /// and CJK: no panic, and every rename applies.
    #[test]
    fn every_offset_of_awkward_files() {
        let fx = Fixture::new(&format!(
            "{VOICE}//- openspec/changes/c/specs/voice/spec.md
\u{feff}## MODIFIED Requirements\r
### Requirement: Transfer\r
漢字 SHALL.\r#### Scenario: Caller asks\r- **WHEN** 🎉\r#### Scenario:\r- **WHEN** x\r
## RENAMED Requirements\r
- FROM: `### Requirement: Greeting`\r
- TO: `### Requirement: 歓迎`\r
## REMOVED Requirements
- `### Requirement: `
//- openspec/changes/c/tasks.md
## 1. 漢字
- [ ] 1.1 🎉 [s](specs/voice/spec.md#scenario-caller-asks) (requires 1.2)
  - Acceptance: [t](../../specs/voice/spec.md#requirement-transfer)
- [x] 1.2 é (requires 1)
"
        ));
        let ws = &fx.ws;
        for f in &ws.files {
            for offset in (0..f.text().len() + 2).chain([usize::MAX]) {
                let Some(p) = prepare_rename(ws, &f.rel, offset) else {
                    assert!(rename(ws, &f.rel, offset, "x").is_err());
                    continue;
                };
                assert!(f.text().get(p.span.range()).is_some(), "{}:{offset}", f.rel);
                let name = if f.rel.ends_with("tasks.md") {
                    "1.7"
                } else {
                    "Neu ✓"
                };
                if let Ok(change) = rename(ws, &f.rel, offset, name) {
                    apply(ws, &change).unwrap_or_else(|e| panic!("{}:{offset}: {e}", f.rel));
                }
            }
        }
    }

    #[test]
    fn nothing_renameable_off_names_and_in_archives() {
        let fx = Fixture::new(&changes());
        let archived = "openspec/changes/archive/2025-01-01-e/specs/voice/spec.md";
        let text = &fx.ws.file(archived).unwrap().text();
        let at = text.find("Transfer").unwrap();
        assert!(prepare_rename(&fx.ws, archived, at).is_none());
        let body = fx.ws.file("openspec/specs/voice/spec.md").unwrap();
        let at = body.text().find("day and night").unwrap();
        assert!(prepare_rename(&fx.ws, &body.rel, at).is_none());
        assert!(prepare_rename(&fx.ws, "nope.md", 0).is_none());
        assert!(rename(&fx.ws, &body.rel, usize::MAX, "x").is_err());
    }
}
