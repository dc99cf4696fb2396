//! Hover: a preview of what the thing under the cursor names.
//!
//! - dependency id: the task's line, its state and group (for a group id,
//!   the group's progress and tasks); a task id itself: the same, plus the
//!   state of what it depends on;
//! - link: a scenario's name, requirement, file and steps; a requirement's
//!   text and scenario names; another heading's section or a file's start;
//! - delta entry: the main requirement's current text and scenarios (for
//!   ADDED, a note that the main spec does not have it yet); a delta
//!   scenario: the main scenario's current steps;
//! - main requirement header: the active changes that touch it;
//! - proposal capability: the spec's Purpose;
//! - group heading: its progress.
//!
//! A reference that resolves to nothing (unknown dependency id, broken
//! anchor, acceptance link to a missing file, delta entry or capability with
//! no spec) gets a one-line "not found" hover saying what was looked for:
//! hovering is how a reader asks why navigation does nothing. A link to a
//! path outside the workspace gets no hover, since the file may well exist
//! on disk. Previews are capped at [`MAX_LINES`] lines.

use std::fmt::Write;

use super::and_list;
use super::element::{
    conflicting_changes, element_at, link_target, main_requirement, overlapping,
    requirement_family, Element, LinkTarget, ReqSite, Role, ScenarioSite, Site,
};
use super::shaped;
use crate::formats::shape::{Phase, RequirementKind, Target, Task as ShapeTask, TaskState};
use crate::model::{Heading, Span};
use crate::syntax::js;
use crate::workspace::{ChangeRef, SourceFile, Summary, Workspace};

/// Markdown to show, and the range of the current file it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    pub markdown: String,
    pub span: Span,
}

/// The longest preview, in lines of the previewed text.
pub const MAX_LINES: usize = 30;

pub fn hover(ws: &Workspace, rel: &str, offset: usize) -> Option<Hover> {
    if let Some((unit, at)) = shaped::Unit::of(ws, rel) {
        return shaped_hover(&unit, at, offset);
    }
    // An OpenSpec task list: its tasks and groups over the shared shape,
    // its links as in any OpenSpec file.
    if let Some((file, doc)) = shaped::openspec_tasks(ws, rel) {
        if let Some(h) = task_list_hover(&shaped::Unit::single(file, &doc), offset) {
            return h;
        }
    }
    let (markdown, span) = match element_at(ws, rel, offset)? {
        Element::Link { file, link } => {
            let md = match link_target(ws, &file.rel, &link) {
                Some(LinkTarget::Site(site)) => site_preview(site),
                Some(LinkTarget::MissingAnchor(f, anchor)) => not_found(&format!(
                    "No heading of `{}` has the anchor `#{anchor}`.",
                    f.rel
                )),
                None if is_acceptance_link(file, link.span) => not_found(&format!(
                    "`{}` is not a file of this workspace (paths are relative to this file).",
                    link.path
                )),
                None => return None,
            };
            (md, link.span)
        }
        Element::Capability { change, cap } => (capability(ws, change, &cap.name), cap.span),
        Element::Site(Site::Req(r)) => (requirement_hover(ws, &r), r.line_span),
        Element::Site(Site::Scenario(s)) if s.req.role != Role::Main => {
            let m = main_requirement(ws, &s.req)?;
            let scenario = m
                .block?
                .scenarios
                .iter()
                .find(|x| x.name == s.scenario.name)?;
            let md = scenario_preview(&ScenarioSite { req: m, scenario }, "current ");
            (md, s.scenario.header)
        }
        Element::Site(_) => return None,
    };
    Some(Hover { markdown, span })
}

fn requirement_hover(ws: &Workspace, r: &ReqSite) -> String {
    if r.role == Role::Main {
        let family = requirement_family(ws, r);
        let touching: Vec<String> = family
            .iter()
            .filter_map(|s| Some(format!("`{}` ({})", s.change?.id, s.role.label())))
            .collect();
        let mut md = format!("**Requirement: {}**\n\n", escape(r.name));
        if touching.is_empty() {
            md.push_str("No active change touches it.");
        } else {
            let _ = write!(md, "Changed by {}.", touching.join(", "));
        }
        let conflicting = conflicting_changes(&family);
        if !conflicting.is_empty() {
            let ids: Vec<String> = conflicting.iter().map(|c| format!("`{}`", c.id)).collect();
            let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
            let _ = write!(
                md,
                "\n\n⚠ {} conflict (`change/overlap`): archive applies each to the spec the other left, so the one archived second fails or overwrites the other's edit.",
                and_list(&ids)
            );
        }
        return md;
    }
    let others = overlapping(ws, r);
    let note = if others.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = others
            .iter()
            .map(|o| {
                let line = line_no(o.file, o.line_span.start);
                format!(
                    "`{}` ({} at `{}` line {line})",
                    o.change.map_or("", |c| c.id.as_str()),
                    o.role.label(),
                    o.file.rel
                )
            })
            .collect();
        format!(
            "\n\n⚠ Conflicts with active change {} (`change/overlap`).",
            list.join(", ")
        )
    };
    let md = match main_requirement(ws, r) {
        Some(m) => requirement_preview(&m, "current "),
        None if r.role == Role::Added => format!(
            "**Requirement: {}** · new: `openspec/specs/{}/spec.md` does not have it yet.",
            escape(r.name),
            r.capability
        ),
        None => not_found(&format!(
            "`openspec/specs/{}/spec.md` has no requirement \"{}\".",
            r.capability,
            escape(r.key)
        )),
    };
    md + &note
}

fn site_preview(site: Site) -> String {
    match site {
        Site::Scenario(s) => scenario_preview(&s, ""),
        Site::Req(r) => requirement_preview(&r, ""),
        Site::Heading(f, h) => heading_preview(f, h),
        Site::File(f) => {
            let mut md = format!("`{}`\n\n", f.rel);
            md.push_str(&fenced(f.text(), MAX_LINES / 2));
            md
        }
    }
}

/// The main spec's Purpose; for a capability the change creates, its delta
/// spec's new requirements.
fn capability(ws: &Workspace, change: &ChangeRef, name: &str) -> String {
    if let Some((f, spec)) = ws.main_spec(name) {
        let mut md = format!(
            "**Capability `{name}`** · `{}` · {}\n\n",
            f.rel,
            count(spec.requirements.len(), "requirement")
        );
        match spec.purpose.as_ref().filter(|p| p.text_len > 0) {
            Some(p) => md.push_str(&quote(&p.text(f.text()))),
            None => md.push_str("_No Purpose._"),
        }
        return md;
    }
    let delta = format!("openspec/{}/specs/{name}/spec.md", change.dir());
    match ws.file(&delta).map(|f| &f.summary) {
        Some(Summary::Delta(d)) => {
            let mut md = format!("**Capability `{name}`** · new · `{delta}`\n\n");
            bullets(&mut md, d.added.iter().map(|r| escape(&r.name)));
            md
        }
        _ => not_found(&format!(
            "No spec for capability `{name}`: neither `openspec/specs/{name}/spec.md` nor `{delta}` exists."
        )),
    }
}

/// `kind` qualifies what is shown (`"current "` when the cursor is on a
/// delta and the preview is the main spec's version).
fn scenario_preview(s: &ScenarioSite, kind: &str) -> String {
    let text = s.req.file.text();
    let mut md = format!(
        "**Scenario: {}** · {kind}requirement *{}*\n\n`{}` line {}\n\n",
        escape(&s.scenario.name),
        escape(s.req.name),
        s.req.file.rel,
        line_no(s.req.file, s.scenario.header.start)
    );
    let body = text.get(s.scenario.body.range()).unwrap_or("");
    if js::trim(body).is_empty() {
        md.push_str("_No steps._");
    } else {
        md.push_str(&fenced(body, MAX_LINES));
    }
    md
}

fn requirement_preview(r: &ReqSite, kind: &str) -> String {
    let Some(block) = r.block else {
        return format!("**Requirement: {}**", escape(r.name));
    };
    let mut md = format!(
        "**Requirement: {}** · {kind}text in `{}` line {}\n\n",
        escape(r.name),
        r.file.rel,
        line_no(r.file, block.header.start)
    );
    let text = crate::model::reader::requirement_text(r.file.text(), block);
    if text.is_empty() {
        md.push_str("_No text._");
    } else {
        md.push_str(&quote(&text));
    }
    if !block.scenarios.is_empty() {
        let _ = write!(md, "\n\n{}:\n", count(block.scenarios.len(), "scenario"));
        bullets(&mut md, block.scenarios.iter().map(|s| escape(&s.name)));
    }
    md
}

fn heading_preview(f: &SourceFile, h: &Heading) -> String {
    let end = super::element::section_end(f, h) as usize;
    let section = f.text().get(h.span.start as usize..end).unwrap_or("");
    format!(
        "`{}` line {}\n\n{}",
        f.rel,
        h.line + 1,
        fenced(section, MAX_LINES)
    )
}

/// An OpenSpec task list, in its own words: a task with its group and the
/// state of what it depends on, a group with its progress. Spec Kit and
/// Kiro name the defining file and count citations instead
/// ([`shaped_hover`]). `None` when the cursor is on none of its ids, tasks
/// or groups; `Some(None)` on a task's line off its id.
fn task_list_hover(unit: &shaped::Unit, offset: usize) -> Option<Option<Hover>> {
    use shaped::{Def, Subject};
    Some(match shaped::subject_at(unit, 0, offset)? {
        Subject::Id(c) => {
            let markdown = match unit.definition(&c.named) {
                Some(Def::Task(f, t)) => task(unit, f, t),
                Some(Def::Phase(f, k, p)) => phase(unit, f, k, p),
                _ => not_found(&format!("No task or group `{}` in this file.", c.named.id)),
            };
            Some(Hover {
                markdown,
                span: c.span,
            })
        }
        Subject::Def(Def::Task(f, t)) => {
            t.id_span
                .filter(|s| super::hit(*s, offset))
                .map(|span| Hover {
                    markdown: task(unit, f, t),
                    span,
                })
        }
        Subject::Def(Def::Phase(f, k, p)) => Some(Hover {
            markdown: phase(unit, f, k, p),
            span: p.heading,
        }),
        Subject::Def(Def::Requirement(..)) => None,
    })
}

fn task(unit: &shaped::Unit, f: usize, t: &ShapeTask) -> String {
    let mut md = format!(
        "**Task {}** · {}",
        t.id.as_deref().unwrap_or("(no id)"),
        state(t)
    );
    if let Some(p) = t.phase.and_then(|p| unit.files[f].1.phases.get(p)) {
        let _ = write!(md, " · group *{}*", escape(unit.text(f, p.title)));
    }
    md.push_str("\n\n");
    md.push_str(&fenced(unit.text(f, t.span), 1));
    if !t.dependencies.is_empty() {
        let deps: Vec<String> = t
            .dependencies
            .iter()
            .map(|d| {
                let named = shaped::Named {
                    target: Target::Task,
                    id: d.id.clone(),
                };
                match unit.definition(&named) {
                    Some(shaped::Def::Task(_, x)) => format!("{} ({})", d.id, state(x)),
                    Some(shaped::Def::Phase(pf, k, _)) => {
                        let (done, all) = progress(unit, pf, k);
                        format!("group {} ({done}/{all} done)", d.id)
                    }
                    _ => format!("{} (unknown)", d.id),
                }
            })
            .collect();
        let _ = write!(md, "\n\nDepends on {}.", deps.join(", "));
    }
    md
}

/// A phase with its progress and its tasks, one line each.
fn phase(unit: &shaped::Unit, f: usize, k: usize, p: &Phase) -> String {
    let (done, all) = progress(unit, f, k);
    let mut md = format!(
        "**Group {}** · {done} of {all} done\n\n",
        escape(unit.text(f, p.title))
    );
    let lines = phase_tasks(unit, f, k).map(|t| {
        let mark = if t.state == TaskState::Done { "x" } else { " " };
        format!("[{mark}] {}", unit.text(f, t.description))
    });
    bullets(&mut md, lines);
    md
}

fn phase_tasks<'u>(
    unit: &'u shaped::Unit,
    f: usize,
    k: usize,
) -> impl Iterator<Item = &'u ShapeTask> + 'u {
    unit.files[f]
        .1
        .tasks
        .iter()
        .filter(move |t| t.phase == Some(k))
}

fn progress(unit: &shaped::Unit, f: usize, k: usize) -> (usize, usize) {
    phase_tasks(unit, f, k).fold((0, 0), |(d, a), t| {
        (d + usize::from(t.state == TaskState::Done), a + 1)
    })
}

fn state(t: &ShapeTask) -> &'static str {
    match t.state {
        TaskState::Done => "done",
        TaskState::Open => "open",
        TaskState::InProgress => "in progress",
    }
}

fn is_acceptance_link(file: &SourceFile, span: Span) -> bool {
    let Summary::Tasks(tasks) = &file.summary else {
        return false;
    };
    tasks
        .tasks
        .iter()
        .flat_map(|t| &t.acceptance)
        .flat_map(|a| &a.links)
        .any(|l| l.span == span)
}

/// Spec Kit and Kiro: what an id names, with its text and how often the
/// unit cites it.
fn shaped_hover(unit: &shaped::Unit, at: usize, offset: usize) -> Option<Hover> {
    let cursor = shaped::at_cursor(unit, at, offset)?;
    let what = match cursor.named.target {
        Target::Task => "task",
        Target::Property => "property",
        Target::Story => "user story",
        Target::Requirement => "requirement",
        // Never under the cursor as an id (`at_cursor`).
        Target::Anchor => return None,
    };
    let repeated = shaped::repeated_own(unit, at, &cursor);
    let first = unit.definition(&cursor.named);
    let Some(def) = repeated.or(first) else {
        let md = not_found(&format!("No {what} `{}` in this feature.", cursor.named.id));
        return Some(Hover {
            markdown: md,
            span: cursor.span,
        });
    };
    let file = unit.files[def.file()].0;
    let name = file.rel.rsplit('/').next().unwrap_or(&file.rel);
    let mut md = String::new();
    match def {
        shaped::Def::Requirement(f, r) => {
            let kind = match r.kind {
                RequirementKind::Story => "User story",
                RequirementKind::Criterion => "Criterion",
                RequirementKind::Property => "Property",
                RequirementKind::SuccessCriterion => "Success criterion",
                _ => "Requirement",
            };
            let _ = write!(md, "**{kind} {}** · {}", escape(&r.id), escape(name));
            let title = r.title.map(|t| unit.text(f, t)).unwrap_or("");
            let body = unit.text(f, r.text);
            md.push_str(
                "

",
            );
            if !title.is_empty() && title != body {
                let _ = writeln!(md, "*{}*\n", escape(title));
            }
            md.push_str(&fenced(body, 1));
        }
        shaped::Def::Task(f, t) => {
            let id = t.id.as_deref().unwrap_or("(no id)");
            let _ = write!(
                md,
                "**Task {}** · {} · {}",
                escape(id),
                state(t),
                escape(name)
            );
            md.push_str(
                "

",
            );
            md.push_str(&fenced(unit.text(f, t.span), 1));
        }
        shaped::Def::Phase(f, k, p) => md.push_str(&phase(unit, f, k, p)),
    }
    if let (Some(_), Some(first)) = (repeated, first) {
        let file = unit.files[first.file()].0;
        let line = file.line_col(first.spans().0.start as usize).line + 1;
        let _ = write!(
            md,
            "

An earlier {what} has this id ({}, line {line}); what cites `{}` names that one.",
            escape(&file.rel),
            escape(&cursor.named.id)
        );
        return Some(Hover {
            markdown: md,
            span: cursor.span,
        });
    }
    let cited = unit.citations(&cursor.named).len();
    let _ = write!(
        md,
        "

Cited {}.",
        match cited {
            0 => "nowhere in this feature".to_string(),
            1 => "once in this feature".to_string(),
            n => format!("{n} times in this feature"),
        }
    );
    Some(Hover {
        markdown: md,
        span: cursor.span,
    })
}

fn not_found(message: &str) -> String {
    format!("**Not found:** {message}")
}

fn more_lines(n: usize) -> String {
    if n == 1 {
        "1 more line".into()
    } else {
        format!("{n} more lines")
    }
}

fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// One line per item, capped. Items are Markdown already.
fn bullets(md: &mut String, items: impl IntoIterator<Item = String>) {
    let items: Vec<String> = items.into_iter().collect();
    let mut lines: Vec<String> = items
        .iter()
        .take(MAX_LINES)
        .map(|i| format!("- {i}"))
        .collect();
    if items.len() > MAX_LINES {
        lines.push(format!("- … {} more", items.len() - MAX_LINES));
    }
    md.push_str(&lines.join("\n"));
}

fn line_no(file: &SourceFile, offset: u32) -> u32 {
    file.line_col(offset as usize).line + 1
}

/// The text's lines with LF endings (hovers are shown on every platform).
fn lines(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(['\r', '\n']) {
        out.push(&rest[..i]);
        let skip = if rest[i..].starts_with("\r\n") { 2 } else { 1 };
        rest = &rest[i + skip..];
    }
    out.push(rest);
    out
}

/// Up to `max` lines of trimmed text, and how many were left out.
fn capped(text: &str, max: usize) -> (Vec<&str>, usize) {
    let all = lines(js::trim(text));
    let left = all.len().saturating_sub(max);
    (all.into_iter().take(max).collect(), left)
}

/// Markdown source shown as code, in a fence longer than any backtick run
/// inside it so that the preview cannot close it early.
fn fenced(text: &str, max: usize) -> String {
    let (shown, left) = capped(text, max);
    let longest = shown
        .iter()
        .flat_map(|l| l.split(|c| c != '`'))
        .map(str::len)
        .max()
        .unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let mut md = format!("{fence}markdown\n");
    for l in &shown {
        md.push_str(l);
        md.push('\n');
    }
    md.push_str(&fence);
    if left > 0 {
        let _ = write!(md, "\n\n_… {}_", more_lines(left));
    }
    md
}

fn quote(text: &str) -> String {
    let (shown, left) = capped(text, MAX_LINES);
    let mut md: String = shown
        .iter()
        .map(|l| {
            if l.is_empty() {
                ">".to_string()
            } else {
                format!("> {l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    if left > 0 {
        let _ = write!(md, "\n>\n> _… {}_", more_lines(left));
    }
    md
}

/// Names are shown inside emphasis: characters Markdown would read as
/// markup are escaped.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::{Fixture, VOICE};

    fn hover_at(fixture: &str) -> Option<(String, String)> {
        let fx = Fixture::new(fixture);
        let h = hover(&fx.ws, &fx.rel, fx.offset)?;
        let text = &fx.ws.file(&fx.rel).unwrap().text();
        Some((text[h.span.range()].to_string(), h.markdown))
    }

    const TASKS: &str = "//- openspec/changes/c/tasks.md
## 1. Setup
- [x] 1.1 Create the trunk
- [ ] 1.2 Route calls (requires 1.$01)
## 2. Calls
- [ ] 2.1 Answer (requires 1, 1.2, 7.7)
  - Acceptance: [asks](../../specs/voice/spec.md#scenario-caller-asks)
  - Acceptance: [transfer](../../specs/voice/spec.md#requirement-transfer)
  - Acceptance: [typo](../../specs/voice/spec.md#scenario-caller-askz)
  - Acceptance: [gone](specs/gone/spec.md#x)
";

    fn tasks_at(from: &str, to: &str) -> Option<(String, String)> {
        hover_at(&format!(
            "{VOICE}{}",
            TASKS.replace("$0", "").replace(from, to)
        ))
    }

    #[test]
    fn a_dependency_shows_the_task_line_and_state() {
        let (span, md) = hover_at(&format!("{VOICE}{TASKS}")).unwrap();
        assert_eq!(span, "1.1");
        assert_eq!(
            md,
            "**Task 1.1** · done · group *1. Setup*\n\n```markdown\n- [x] 1.1 Create the trunk\n```"
        );
        let (span, md) = tasks_at("(requires 1, 1.2", "(requires 1$0, 1.2").unwrap();
        assert_eq!(span, "1");
        assert_eq!(
            md,
            "**Group 1. Setup** · 1 of 2 done\n\n- [x] 1.1 Create the trunk\n- [ ] 1.2 Route calls (requires 1.1)"
        );
        let (span, md) = tasks_at("7.7", "7.$07").unwrap();
        assert_eq!(span, "7.7");
        assert_eq!(md, "**Not found:** No task or group `7.7` in this file.");
    }

    /// `## ` with nothing after it opens a group with an empty title, and
    /// its task says so.
    #[test]
    fn a_group_without_a_title_is_named_empty() {
        let (span, md) =
            hover_at("//- openspec/changes/c/tasks.md\n## \n- [ ] 1.$01 Lone\n").unwrap();
        assert_eq!(span, "1.1");
        assert_eq!(
            md,
            "**Task 1.1** · open · group **\n\n```markdown\n- [ ] 1.1 Lone\n```"
        );
    }

    #[test]
    fn a_task_id_shows_what_it_depends_on() {
        let (span, md) = tasks_at("- [ ] 2.1 Answer", "- [ ] 2.$01 Answer").unwrap();
        assert_eq!(span, "2.1");
        assert_eq!(
            md,
            "**Task 2.1** · open · group *2. Calls*\n\n```markdown\n- [ ] 2.1 Answer (requires 1, 1.2, 7.7)\n```\n\nDepends on group 1 (1/2 done), 1.2 (open), 7.7 (unknown)."
        );
        // The rest of a task line has no hover.
        assert!(tasks_at("Answer (", "Ans$0wer (").is_none());
    }

    #[test]
    fn an_acceptance_link_previews_the_scenario() {
        let (span, md) = tasks_at("[asks]", "[as$0ks]").unwrap();
        assert_eq!(
            span,
            "[asks](../../specs/voice/spec.md#scenario-caller-asks)"
        );
        assert_eq!(
            md,
            "**Scenario: Caller asks** · requirement *Transfer*\n\n`openspec/specs/voice/spec.md` line 11\n\n```markdown\n- **WHEN** the caller asks for a human\n- **THEN** the call is transferred\n```"
        );
        let (_, md) = tasks_at("[transfer]", "[$0transfer]").unwrap();
        assert_eq!(
            md,
            "**Requirement: Transfer** · text in `openspec/specs/voice/spec.md` line 8\n\n> The agent SHALL transfer.\n\n2 scenarios:\n- Caller asks\n- Nobody free"
        );
        let (_, md) = tasks_at("[typo]", "[$0typo]").unwrap();
        assert_eq!(
            md,
            "**Not found:** No heading of `openspec/specs/voice/spec.md` has the anchor `#scenario-caller-askz`."
        );
        let (_, md) = tasks_at("[gone]", "[$0gone]").unwrap();
        assert!(
            md.starts_with("**Not found:** `specs/gone/spec.md` is not a file"),
            "{md}"
        );
    }

    #[test]
    fn long_scenarios_are_capped_and_fences_cannot_be_closed_early() {
        let steps: String = (0..40)
            .map(|i| format!("- **AND** step {i} ```x```\n"))
            .collect();
        let fx = format!(
            "//- openspec/specs/v/spec.md\n## Requirements\n### Requirement: R\nIt SHALL.\n#### Scenario: Long\n{steps}//- openspec/changes/c/tasks.md\n- [ ] 1.1 [$0l](../../specs/v/spec.md#scenario-long)\n"
        );
        let (_, md) = hover_at(&fx).unwrap();
        assert!(
            md.contains("\n````markdown\n- **AND** step 0 ```x```\n"),
            "{md}"
        );
        assert!(
            md.contains("- **AND** step 29 ```x```\n````\n\n_… 10 more lines_"),
            "{md}"
        );
        assert!(!md.contains("step 30"));
    }

    #[test]
    fn delta_entries_show_the_current_main_requirement() {
        let delta = "//- openspec/changes/c/specs/voice/spec.md
## MODIFIED Requirements
### Requirement: Greeting
The agent SHALL greet in 🎉 漢字.

#### Scenario: Hello
- **WHEN** a call starts
- **THEN** it says hi

## ADDED Requirements
### Requirement: Music
It SHALL play music.

## REMOVED Requirements
- `### Requirement: Ghost`
";
        let at = |from: &str, to: &str| {
            hover_at(&format!("{VOICE}{}", delta.replace(from, to))).unwrap()
        };
        let (span, md) = at("Requirement: Greeting", "Requirement: Gree$0ting");
        assert_eq!(span, "### Requirement: Greeting");
        assert_eq!(
            md,
            "**Requirement: Greeting** · current text in `openspec/specs/voice/spec.md` line 19\n\n> The agent SHALL greet.\n\n1 scenario:\n- Hello"
        );
        let (_, md) = at("#### Scenario: Hello", "#### Scenario: $0Hello");
        assert!(
            md.starts_with("**Scenario: Hello** · current requirement *Greeting*"),
            "{md}"
        );
        assert!(md.contains("it says hello"));
        assert_eq!(
            at("Music", "Mu$0sic").1,
            "**Requirement: Music** · new: `openspec/specs/voice/spec.md` does not have it yet."
        );
        assert_eq!(
            at("Ghost", "Gh$0ost").1,
            "**Not found:** `openspec/specs/voice/spec.md` has no requirement \"Ghost\"."
        );
        // On the main requirement: the changes touching it.
        let fx = format!(
            "{}{delta}",
            VOICE.replace("Requirement: Greeting", "Requirement: $0Greeting")
        );
        assert_eq!(
            hover_at(&fx).unwrap().1,
            "**Requirement: Greeting**\n\nChanged by `c` (MODIFIED)."
        );
    }

    #[test]
    fn conflicting_changes_are_named_on_both_sides() {
        let c = "//- openspec/changes/c/specs/voice/spec.md
## MODIFIED Requirements
### Requirement: Greeting
The agent SHALL greet in 🎉 漢字.

#### Scenario: Hello
- **WHEN** a call starts
- **THEN** it says hi
";
        let d = "//- openspec/changes/d/specs/voice/spec.md
## REMOVED Requirements
- `### Requirement: Greeting`
";
        // A change that renames and modifies its own requirement is not in
        // conflict with itself.
        let alone = "//- openspec/changes/e/specs/voice/spec.md
## RENAMED Requirements
- FROM: `### Requirement: Transfer`
- TO: `### Requirement: Handover`
";
        let main = VOICE.replace("Requirement: Greeting", "Requirement: $0Greeting");
        assert_eq!(
            hover_at(&format!("{main}{c}{d}{alone}")).unwrap().1,
            "**Requirement: Greeting**\n\nChanged by `c` (MODIFIED), `d` (REMOVED).\n\n\
             ⚠ `c` and `d` conflict (`change/overlap`): archive applies each to the spec the \
             other left, so the one archived second fails or overwrites the other's edit."
        );
        let md = hover_at(&format!(
            "{VOICE}{}{d}{alone}",
            c.replace("### Requirement: Greeting", "### Requirement: Gree$0ting")
        ))
        .unwrap()
        .1;
        assert!(
            md.starts_with(
                "**Requirement: Greeting** · current text in `openspec/specs/voice/spec.md`"
            ),
            "{md}"
        );
        assert!(
            md.ends_with("\n\n⚠ Conflicts with active change `d` (REMOVED at `openspec/changes/d/specs/voice/spec.md` line 2) (`change/overlap`)."),
            "{md}"
        );
        let transfer = VOICE.replace("Requirement: Transfer", "Requirement: $0Transfer");
        let md = hover_at(&format!("{transfer}{c}{alone}")).unwrap().1;
        assert!(!md.contains("conflict"), "{md}");
        let md = hover_at(&format!(
            "{VOICE}{c}{}",
            alone.replace(
                "FROM: `### Requirement: Transfer`",
                "FROM: `### Requirement: Trans$0fer`"
            )
        ))
        .unwrap()
        .1;
        assert!(!md.contains("onflict"), "{md}");
    }

    #[test]
    fn proposal_capabilities_show_the_purpose() {
        let fx = format!(
            "{VOICE}//- openspec/changes/c/proposal.md
## Capabilities
### New Capabilities
- `hold`: new
- `ghost`: nothing
### Modified Capabilities
- `vo$0ice`: changed
//- openspec/changes/c/specs/hold/spec.md
## ADDED Requirements
### Requirement: Music
It SHALL play.
"
        );
        let (span, md) = hover_at(&fx).unwrap();
        assert_eq!(span, "voice");
        assert_eq!(
            md,
            "**Capability `voice`** · `openspec/specs/voice/spec.md` · 2 requirements\n\n> Answer calls for the call centre, day and night, in every language."
        );
        let clean = fx.replace("$0", "");
        let (_, md) = hover_at(&clean.replace("`hold`", "`ho$0ld`")).unwrap();
        assert_eq!(
            md,
            "**Capability `hold`** · new · `openspec/changes/c/specs/hold/spec.md`\n\n- Music"
        );
        let (_, md) = hover_at(&clean.replace("`ghost`", "`$0ghost`")).unwrap();
        assert!(
            md.starts_with("**Not found:** No spec for capability `ghost`"),
            "{md}"
        );
    }

    #[test]
    fn crlf_previews_use_lf_and_nothing_breaks_on_odd_offsets() {
        let fx = "//- openspec/changes/c/design.md\r\n# D 🎉\r\n\r\n## 決定\r\nline one\r\nline two\r\n\r\n## Next\r\n//- openspec/changes/c/proposal.md\r\nSee [d](design.md#決$0定).\r\n";
        let (_, md) = hover_at(fx).unwrap();
        assert_eq!(md, "`openspec/changes/c/design.md` line 3\n\n```markdown\n## 決定\nline one\nline two\n```");
        let fx = Fixture::new(fx);
        let len = fx.ws.file(&fx.rel).unwrap().text().len();
        for offset in (0..len + 2).chain([usize::MAX]) {
            let _ = hover(&fx.ws, &fx.rel, offset);
        }
        assert!(hover(&fx.ws, "nope.md", 0).is_none());
    }

    #[test]
    fn headings_and_plain_text_have_no_hover() {
        assert!(hover_at(&VOICE.replace("## Purpose", "## Pur$0pose")).is_none());
        assert!(hover_at(&VOICE.replace("Scenario: Hello", "Scenario: Hel$0lo")).is_none());
        assert!(hover_at(&VOICE.replace("every language", "every $0language")).is_none());
    }
}
