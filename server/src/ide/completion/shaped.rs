//! Completion in Spec Kit and Kiro files, written once over the shared
//! shape of the file's feature folder ([`Unit`]): what an id list, a label
//! or a line start expects is decided from the text before the cursor, and
//! what is offered comes from the unit's requirements, stories, criteria
//! and tasks, whichever file defines them.
//!
//! - task ids after `depends on` / `after` (Spec Kit) and `_Depends:`
//!   (Kiro), and after each `,` of such a list, through the code every
//!   format shares ([`super::task_ids`]);
//! - story labels after `[US`;
//! - requirement ids after `Spec §` in a checklist and in a task's
//!   parenthesis of requirement ids;
//! - criterion ids after `_Requirements:` and `**Validates: Requirements`;
//! - step texts after a bold Given/When/Then/And in a spec's acceptance
//!   scenarios, from the whole workspace's [`StepIndex`];
//! - skeletons: a user story in a Spec Kit spec, EARS criteria in a Kiro
//!   requirements document.

use super::spec::step_texts;
use super::task_ids::{self, TaskIds};
use super::{filter_for, Completion, Completions, Cursor, ItemKind, Trigger, LIMIT};
use crate::formats::kiro::roots::FileKind as KiroKind;
use crate::formats::kiro::Summary as KiroSummary;
use crate::formats::shape::{Requirement, RequirementKind};
use crate::formats::speckit::FileKind as SpecKitKind;
use crate::ide::fuzzy::Matcher;
use crate::ide::shaped::Unit;
use crate::ide::snippet::{Piece, Snippet};
use crate::ide::steps::StepIndex;
use crate::syntax::js;
use crate::workspace::{FileKind, Summary, Workspace};

pub(super) fn shaped(
    cx: &Cursor,
    ws: &Workspace,
    steps: &StepIndex,
    trigger: Trigger,
    out: &mut Completions,
) {
    let Some((unit, _)) = Unit::of(ws, &cx.file.rel) else {
        return;
    };
    let fits = |chars: &[char]| match trigger {
        Trigger::Invoked => true,
        Trigger::Char(c) => chars.contains(&c),
    };
    match &cx.file.kind {
        FileKind::SpecKit { kind, feature } => match kind {
            SpecKitKind::Tasks => {
                if let Some(list) = task_ids::SPEC_KIT.list(cx) {
                    if TaskIds::fits(trigger) {
                        task_ids::SPEC_KIT.offer(cx, &unit, &list, out);
                    }
                } else if let Some(start) = story_label(cx.before) {
                    if fits(&['[', ' ']) {
                        stories(cx, &unit, start, out);
                    }
                } else if let Some(list) = id_list(cx.before, &["("], is_requirement_id) {
                    if fits(&['(', ' ', ',']) {
                        requirements(cx, &unit, &list, false, out);
                    }
                }
            }
            SpecKitKind::Checklist => {
                if let Some(list) = id_list(cx.before, &["spec §"], is_requirement_id) {
                    if fits(&[' ', ',']) {
                        requirements(cx, &unit, &list, false, out);
                    }
                }
            }
            SpecKitKind::Spec => {
                if let Some((start, end, own)) = step_at(cx) {
                    if fits(&[' ']) {
                        let feature = feature.as_deref().unwrap_or("");
                        step_texts(cx, steps, feature, start, own, end, out);
                    }
                } else if line_start(cx) && in_stories(cx) && fits(&['#']) {
                    story_skeleton(cx, &unit, out);
                }
            }
            _ => {}
        },
        FileKind::Kiro { kind, .. } => match kind {
            KiroKind::Tasks => {
                if let Some(list) = task_ids::KIRO.list(cx) {
                    if TaskIds::fits(trigger) {
                        task_ids::KIRO.offer(cx, &unit, &list, out);
                    }
                } else if let Some(list) = id_list(cx.before, &["_requirements:"], is_number_id) {
                    if fits(&[' ', ',']) {
                        requirements(cx, &unit, &list, true, out);
                    }
                }
            }
            KiroKind::Design => {
                if let Some(list) = id_list(cx.before, &["**validates: requirements"], is_number_id)
                {
                    if fits(&[' ', ',']) {
                        requirements(cx, &unit, &list, true, out);
                    }
                }
            }
            KiroKind::Requirements => {
                if let Some(start) = criterion_start(cx.before) {
                    if fits(&[' ']) {
                        ears(cx, start, out);
                    }
                }
            }
            _ => {}
        },
        _ => {}
    }
}

/// An id list after one of `words`: where the id being typed starts in
/// `before`, and the ids already listed.
pub(super) struct IdList {
    pub start: usize,
    pub listed: Vec<String>,
}

pub(super) fn is_task_id(s: &str) -> bool {
    let digits = s.strip_prefix(['T', 't']).unwrap_or(s);
    digits.chars().all(|c| c.is_ascii_digit() || c == '.')
}

/// `FR-001`, `SC-2`, `NFR-`, `R001`, or a start of one.
fn is_requirement_id(s: &str) -> bool {
    let letters = s.chars().take_while(char::is_ascii_uppercase).count();
    let rest = &s[letters..];
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    (letters > 0 || s.is_empty()) && rest.chars().all(|c| c.is_ascii_digit())
}

fn is_number_id(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii_digit() || c == '.')
}

/// The last of `words` (any case) in `before`, followed by ids that `id`
/// accepts separated by commas and blanks, the last one being typed.
pub(super) fn id_list(before: &str, words: &[&str], id: fn(&str) -> bool) -> Option<IdList> {
    let lower = before.to_ascii_lowercase();
    let (after, word) = words
        .iter()
        .filter_map(|w| {
            let at = lower.rfind(w)?;
            // A word stands alone: `depends on` yes, `independs on` no.
            let alone = !w.starts_with(|c: char| c.is_ascii_alphabetic())
                || !lower[..at].ends_with(|c: char| c.is_alphanumeric());
            alone.then_some((at + w.len(), *w))
        })
        .max()?;
    let rest = &before[after..];
    let token = rest
        .chars()
        .rev()
        .take_while(|&c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        .map(char::len_utf8)
        .sum::<usize>();
    let head = &rest[..rest.len() - token];
    let separated = if head.is_empty() {
        !word.ends_with(|c: char| c.is_ascii_alphabetic())
    } else {
        head.ends_with([' ', ',', '\t'])
    };
    let listed: Vec<String> = head
        .split([',', ' ', '\t'])
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    let start = before.len() - token;
    (separated && listed.iter().all(|w| id(w)) && id(&before[start..]))
        .then_some(IdList { start, listed })
}

/// Where the number of a story label being typed starts: after `[US`.
fn story_label(before: &str) -> Option<usize> {
    let digits = before.bytes().rev().take_while(u8::is_ascii_digit).count();
    let head = &before[..before.len() - digits];
    head.ends_with("[US").then(|| head.len() - 2)
}

/// Past the typed id: the rest of it, so accepting replaces the whole id.
fn id_tail(after: &str) -> usize {
    after
        .chars()
        .take_while(|&c| is_id_char(c))
        .map(char::len_utf8)
        .sum()
}

/// Text of a span, on one line and trimmed, for a detail.
pub(super) fn one_line(s: &str) -> String {
    let s = s.split(['\n', '\r']).next().unwrap_or("");
    let s = js::trim(s);
    match s.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// An id that may be offered, with what its detail shows.
pub(super) struct Candidate {
    pub id: String,
    pub title: String,
    pub kind: ItemKind,
}

/// How ids are ranked against the typed one and how much of the text is
/// an id.
pub(super) struct Rank {
    /// Whether an id that starts with what is typed in another case still
    /// comes first.
    pub any_case: bool,
    /// At most this many; the list is then marked incomplete so that the
    /// editor asks again as the id grows.
    pub cap: Option<usize>,
    /// The characters of an id, so that accepting replaces all of it.
    pub id_char: fn(char) -> bool,
}

impl Rank {
    /// Spec Kit's and Kiro's: their files are long and their ids carry
    /// letters typed in either case.
    pub const SHAPED: Rank = Rank {
        any_case: true,
        cap: Some(LIMIT),
        id_char: is_id_char,
    };
}

fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '.' || c == '-'
}

/// Ranks candidates against the typed id: ids it starts first, in
/// document order, then fuzzy matches of id and title.
pub(super) fn push_ids(
    cx: &Cursor,
    start: usize,
    candidates: Vec<Candidate>,
    listed: &[String],
    insert_suffix: &str,
    rank: &Rank,
    out: &mut Completions,
) {
    let typed = &cx.before[start..];
    let tail = cx
        .after
        .chars()
        .take_while(|&c| (rank.id_char)(c))
        .map(char::len_utf8)
        .sum::<usize>();
    let edit = cx.span(cx.line_start + start, cx.offset + tail);
    let mut m = Matcher::new(typed);
    let mut found: Vec<(u8, f64, usize, Completion)> = Vec::new();
    for (order, Candidate { id, title, kind }) in candidates.into_iter().enumerate() {
        if listed.contains(&id) {
            continue;
        }
        let natural = format!("{id} {title}");
        let starts = if rank.any_case {
            id.to_ascii_lowercase()
                .starts_with(&typed.to_ascii_lowercase())
        } else {
            id.starts_with(typed)
        };
        let (tier, score) = if starts {
            (0, 0.0)
        } else {
            match m.score(&natural) {
                Some(s) => (1, s),
                None => continue,
            }
        };
        found.push((
            tier,
            score,
            order,
            Completion {
                label: id.clone(),
                kind,
                detail: Some(if kind == ItemKind::Group {
                    format!("group: {title}")
                } else {
                    title
                }),
                documentation: None,
                edit,
                filter: filter_for(typed, &natural),
                insert: Snippet::text(format!("{id}{insert_suffix}")),
            },
        ));
    }
    found.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(&b.2)));
    let found = found.into_iter().map(|(_, _, _, c)| c);
    match rank.cap {
        Some(cap) => {
            out.incomplete = true;
            out.items.extend(found.take(cap));
        }
        None => out.items.extend(found),
    }
}

fn stories(cx: &Cursor, unit: &Unit, start: usize, out: &mut Completions) {
    let mut candidates = Vec::new();
    for (f, (_, doc)) in unit.files.iter().enumerate() {
        for r in doc
            .requirements
            .iter()
            .filter(|r| r.kind == RequirementKind::Story)
        {
            candidates.push(Candidate {
                id: r.id.clone(),
                title: title_of(unit, f, r),
                kind: ItemKind::Requirement,
            });
        }
    }
    let closed = cx.after[id_tail(cx.after)..].starts_with(']');
    push_ids(
        cx,
        start,
        candidates,
        &[],
        if closed { "" } else { "]" },
        &Rank::SHAPED,
        out,
    );
}

fn title_of(unit: &Unit, f: usize, r: &Requirement) -> String {
    one_line(unit.text(f, r.title.unwrap_or(r.text)))
}

/// Requirement ids (Spec Kit `FR-`/`SC-`…) or, for Kiro, criterion ids.
fn requirements(cx: &Cursor, unit: &Unit, list: &IdList, criteria: bool, out: &mut Completions) {
    let mut candidates = Vec::new();
    for (f, (_, doc)) in unit.files.iter().enumerate() {
        for r in &doc.requirements {
            let fits = match r.kind {
                RequirementKind::Criterion => criteria,
                RequirementKind::Functional
                | RequirementKind::SuccessCriterion
                | RequirementKind::NonFunctional
                | RequirementKind::Plain => !criteria,
                RequirementKind::Story | RequirementKind::Property => false,
            };
            if fits {
                candidates.push(Candidate {
                    id: r.id.clone(),
                    title: one_line(unit.text(f, r.text)),
                    kind: ItemKind::Requirement,
                });
            }
        }
    }
    push_ids(
        cx,
        list.start,
        candidates,
        &list.listed,
        "",
        &Rank::SHAPED,
        out,
    );
}

/// In an acceptance scenario line, after a bold keyword and a blank: where
/// the step text starts in `before`, where the replaced text ends (before
/// the next keyword), and the step's own text.
fn step_at<'a>(cx: &Cursor<'a>) -> Option<(usize, usize, Option<&'a str>)> {
    let lower = cx.before.to_ascii_lowercase();
    let (kw_end, _) = ["**given**", "**when**", "**then**", "**and**", "**but**"]
        .iter()
        .filter_map(|k| lower.rfind(k).map(|at| (at + k.len(), *k)))
        .max()?;
    let gap = &cx.before[kw_end..];
    let text = js::trim_start(gap);
    if gap.len() == text.len() || text.contains("**") {
        return None;
    }
    let start = cx.before.len() - text.len();
    // Up to the next keyword's `, **`, or the end of the line.
    let end = match cx.after.find("**") {
        Some(i) => {
            let head = js::trim_end(&cx.after[..i]);
            cx.offset + head.trim_end_matches([',', ';']).len()
        }
        None => cx.rest_end(),
    };
    let own = cx.file.summary.shape().and_then(|d| {
        d.scenarios
            .iter()
            .flat_map(|s| &s.steps)
            .find(|st| {
                st.line as usize == cx.line
                    && st.text_span.start as usize <= cx.offset
                    && cx.offset <= st.text_span.end as usize
            })
            .map(|st| &cx.text()[st.text_span.range()])
    });
    Some((start, end, own))
}

/// The cursor is at the start of a line's content: nothing typed but `#`s.
fn line_start(cx: &Cursor) -> bool {
    cx.before.chars().all(|c| c == '#') && js::trim(cx.after).is_empty()
}

/// Under the spec's `## User Scenarios & Testing` (any `##` section that
/// speaks of scenarios or user stories), where stories belong.
fn in_stories(cx: &Cursor) -> bool {
    (0..cx.line)
        .rev()
        .map(|i| cx.doc.line(i))
        .find(|l| l.starts_with("## "))
        .is_some_and(|h| {
            let h = h.to_ascii_lowercase();
            h.contains("scenario") || h.contains("user stor")
        })
}

fn story_skeleton(cx: &Cursor, unit: &Unit, out: &mut Completions) {
    let next = unit
        .files
        .iter()
        .flat_map(|(_, d)| &d.requirements)
        .filter(|r| r.kind == RequirementKind::Story)
        .filter_map(|r| r.id.strip_prefix("US")?.parse::<u32>().ok())
        .max()
        .unwrap_or(0)
        + 1;
    let eol = cx.eol();
    let head = format!("### User Story {next} - ");
    let insert = Snippet(vec![
        Piece::Text(head.clone()),
        Piece::Tab(1, "Title".into()),
        Piece::Text(" (Priority: P".into()),
        // The next story's priority is the likeliest, P3 at most.
        Piece::Choice(2, priorities(next)),
        Piece::Text(format!(
            "){eol}{eol}**Acceptance Scenarios**:{eol}{eol}1. **Given** "
        )),
        Piece::Tab(3, "a state".into()),
        Piece::Text(", **When** ".into()),
        Piece::Tab(4, "an action".into()),
        Piece::Text(", **Then** ".into()),
        Piece::Tab(5, "an outcome".into()),
        Piece::End,
    ]);
    out.items.push(Completion {
        label: format!("### User Story {next}"),
        kind: ItemKind::Skeleton,
        detail: Some("user story with an acceptance scenario".into()),
        documentation: None,
        edit: cx.span(cx.line_start, cx.closing_end()),
        filter: filter_for(cx.before, &head),
        insert,
    });
}

fn priorities(next: u32) -> Vec<String> {
    let first = next.clamp(1, 3);
    std::iter::once(first)
        .chain((1..=3).filter(|&p| p != first))
        .map(|p| p.to_string())
        .collect()
}

/// At a numbered criterion line's content (`1. `, maybe with a word typed):
/// where that content starts in `before`.
fn criterion_start(before: &str) -> Option<usize> {
    let t = js::trim_start(before);
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    let rest = t[digits..].strip_prefix(". ")?;
    let typed = js::trim_start(rest);
    (digits > 0 && typed.chars().all(|c| c.is_ascii_alphabetic()))
        .then(|| before.len() - typed.len())
}

/// The Glossary's names, for the system a criterion speaks of.
fn glossary(cx: &Cursor) -> Vec<String> {
    let Summary::Kiro(s) = &cx.file.summary else {
        return Vec::new();
    };
    match &s.native {
        Some(KiroSummary::Requirements(r)) => r
            .glossary
            .iter()
            .flat_map(|g| &g.terms)
            .map(|t| t.name.clone())
            .collect(),
        _ => Vec::new(),
    }
}

fn ears(cx: &Cursor, start: usize, out: &mut Completions) {
    let mut systems = glossary(cx);
    if systems.is_empty() {
        systems.push("System".into());
    }
    let system = Piece::Choice(2, systems);
    let typed = &cx.before[start..];
    let edit = cx.span(cx.line_start + start, cx.offset + id_tail(cx.after));
    let forms: [(&str, &str, Vec<Piece>); 5] = [
        (
            "WHEN",
            "event-driven",
            vec![
                Piece::Text("WHEN ".into()),
                Piece::Tab(1, "an event".into()),
                Piece::Text(", THE ".into()),
                system.clone(),
                Piece::Text(" SHALL ".into()),
                Piece::Tab(3, "respond".into()),
            ],
        ),
        (
            "IF",
            "unwanted behaviour",
            vec![
                Piece::Text("IF ".into()),
                Piece::Tab(1, "a condition".into()),
                Piece::Text(", THEN THE ".into()),
                system.clone(),
                Piece::Text(" SHALL ".into()),
                Piece::Tab(3, "respond".into()),
            ],
        ),
        (
            "WHILE",
            "state-driven",
            vec![
                Piece::Text("WHILE ".into()),
                Piece::Tab(1, "a state".into()),
                Piece::Text(", THE ".into()),
                system.clone(),
                Piece::Text(" SHALL ".into()),
                Piece::Tab(3, "respond".into()),
            ],
        ),
        (
            "WHERE",
            "optional feature",
            vec![
                Piece::Text("WHERE ".into()),
                Piece::Tab(1, "a feature is included".into()),
                Piece::Text(", THE ".into()),
                system.clone(),
                Piece::Text(" SHALL ".into()),
                Piece::Tab(3, "respond".into()),
            ],
        ),
        (
            "THE",
            "ubiquitous",
            vec![
                Piece::Text("THE ".into()),
                system.clone(),
                Piece::Text(" SHALL ".into()),
                Piece::Tab(3, "respond".into()),
            ],
        ),
    ];
    for (word, what, mut pieces) in forms {
        if !word.starts_with(&typed.to_ascii_uppercase()) {
            continue;
        }
        pieces.push(Piece::End);
        let insert = Snippet(pieces);
        out.items.push(Completion {
            label: format!("{word} … SHALL"),
            kind: ItemKind::Skeleton,
            detail: Some(format!("EARS, {what}")),
            documentation: None,
            edit,
            filter: filter_for(typed, &insert.plain()),
            insert,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{apply, complete, item};
    use super::super::Completions;

    const SPEC: &str = r#"//- .specify/memory/constitution.md
# Constitution
//- specs/001-notes/spec.md
# Feature Specification: Notes

## User Scenarios & Testing

### User Story 1 - Write a note (Priority: P1)

1. **Given** an empty board, **When** I add a note, **Then** it shows.

### User Story 2 - Sort notes (Priority: P2)

1. **Given** two notes, **When** I sort, **Then** the older comes first.

## Requirements

- **FR-001**: The board MUST keep notes.
- **FR-002**: The board MUST sort notes by age.
- **SC-001**: Sorting takes under a second.
"#;

    const TASKS: &str = r#"//- specs/001-notes/tasks.md
# Tasks

## Phase 3: User Story 1 - Write a note

- [ ] T001 [US1] Store notes in src/notes.ts (FR-001)
- [ ] T002 [US1] Show notes in src/board.ts (depends on T001)

## Phase 4: User Story 2 - Sort notes

- [ ] T003 [US2] Sort notes in src/sort.ts (FR-002) (depends on T001)
"#;

    fn labels(c: &Completions) -> Vec<&str> {
        c.items.iter().map(|i| i.label.as_str()).collect()
    }

    fn spec_kit(tasks: &str) -> String {
        format!("{SPEC}{tasks}")
    }

    #[test]
    fn spec_kit_task_ids_after_depends_on_and_each_comma() {
        let (fx, c) = complete(&spec_kit(
            &TASKS.replace("(depends on T001)\n\n", "(depends on T0$0)\n\n"),
        ));
        // T002 is the task being written: it cannot depend on itself.
        assert_eq!(labels(&c), ["T001", "T003"]);
        assert!(c.incomplete);
        let t1 = item(&c, "T001");
        assert_eq!(
            t1.detail.as_deref(),
            Some("Store notes in src/notes.ts (FR-001)")
        );
        assert!(apply(&fx.ws, &fx.rel, t1).contains("(depends on T001)\n"));
        let (_, c) = complete(&spec_kit(&TASKS.replace(
            "(FR-002) (depends on T001)",
            "(FR-002) (depends on T001, $0)",
        )));
        assert_eq!(labels(&c), ["T002"]);
        let (_, c) = complete(&spec_kit(
            &TASKS.replace("(FR-002) (depends on T001)", "(FR-002) (after $0)"),
        ));
        assert_eq!(labels(&c), ["T001", "T002"]);
        // Prose after a dependency word offers nothing.
        let (_, c) = complete(&spec_kit(&TASKS.replace(
            "(FR-002) (depends on T001)",
            "(FR-002) (depends on the sorter $0)",
        )));
        assert_eq!(labels(&c), Vec::<&str>::new());
    }

    #[test]
    fn spec_kit_story_labels_and_requirement_ids() {
        let (fx, c) = complete(&spec_kit(&format!(
            "{TASKS}- [ ] T004 [US$0 Count notes in src/count.ts\n"
        )));
        assert_eq!(labels(&c), ["US1", "US2"]);
        assert_eq!(item(&c, "US2").detail.as_deref(), Some("Sort notes"));
        assert!(apply(&fx.ws, &fx.rel, item(&c, "US2")).contains("- [ ] T004 [US2] Count notes"));
        let (fx, c) = complete(&spec_kit(&format!(
            "{TASKS}- [ ] T004 [US2] Count notes in src/count.ts (FR-001, $0)\n"
        )));
        // FR-001 is listed already.
        assert_eq!(labels(&c), ["FR-002", "SC-001"]);
        assert_eq!(
            item(&c, "SC-001").detail.as_deref(),
            Some("Sorting takes under a second.")
        );
        assert!(apply(&fx.ws, &fx.rel, item(&c, "FR-002")).contains("(FR-001, FR-002)\n"));
        let (_, c) = complete(&spec_kit(&format!(
            "{TASKS}- [ ] T004 [US2] Count notes in src/count.ts (S$0\n"
        )));
        // The id typed starts first; the others only match its letter fuzzily.
        assert_eq!(labels(&c)[0], "SC-001");
        let checklist = "//- specs/001-notes/checklists/requirements.md\n# Checklist\n\n- [ ] CHK001 Is sorting measurable? [Clarity, Spec §$0]\n";
        let (fx, c) = complete(&spec_kit(&format!("{TASKS}{checklist}")));
        assert_eq!(labels(&c), ["FR-001", "FR-002", "SC-001"]);
        assert!(apply(&fx.ws, &fx.rel, item(&c, "SC-001")).contains("[Clarity, Spec §SC-001]"));
    }

    #[test]
    fn spec_kit_step_texts_come_from_the_acceptance_scenarios() {
        let spec = SPEC.replace(
            "**Then** the older comes first.\n",
            "**Then** the older comes first.\n2. **Given** $0, **When** I sort\n",
        );
        let (fx, c) = complete(&format!("{spec}{TASKS}"));
        for step in ["an empty board", "two notes", "I add a note", "it shows."] {
            item(&c, step);
        }
        let applied = apply(&fx.ws, &fx.rel, item(&c, "two notes"));
        // The next step of the line stays.
        assert!(
            applied.contains("2. **Given** two notes, **When** I sort\n"),
            "{applied}"
        );
    }

    #[test]
    fn spec_kit_user_story_skeleton_takes_the_next_number() {
        let spec = SPEC.replace("## Requirements\n", "$0\n## Requirements\n");
        let (fx, c) = complete(&format!("{spec}{TASKS}"));
        let story = item(&c, "### User Story 3");
        assert!(apply(&fx.ws, &fx.rel, story).contains(
            "the older comes first.\n\n### User Story 3 - Title (Priority: P3)\n\n**Acceptance Scenarios**:\n\n1. **Given** a state, **When** an action, **Then** an outcome\n## Requirements"
        ));
        // Not under "## Requirements".
        let spec = SPEC.replace("- **FR-001**", "$0\n- **FR-001**");
        let (_, c) = complete(&format!("{spec}{TASKS}"));
        assert!(
            !c.items
                .iter()
                .any(|i| i.label.starts_with("### User Story")),
            "{:?}",
            labels(&c)
        );
        assert!(story
            .insert
            .snippet()
            .starts_with("### User Story 3 - ${1:Title} (Priority: P${2|3,1,2|})"));
    }

    const KIRO: &str = r#"//- .kiro/specs/pay/requirements.md
# Requirements Document

## Glossary

- **Shop**: the web shop.
- **Card_Gateway**: the service that charges cards.

## Requirements

### Requirement 1: Pay

**User Story:** As a buyer, I want to pay, so that I get my order.

#### Acceptance Criteria

1. WHEN the buyer pays THE Shop SHALL confirm the order
2. WHEN the card is declined THE Shop SHALL say why
//- .kiro/specs/pay/design.md
# Design

### Property 1: Confirmation follows payment

**Validates: Requirements 1.1**
//- .kiro/specs/pay/tasks.md
# Implementation Plan

- [ ] 1. Confirm orders
  - _Requirements: 1.1_
- [ ] 2. Explain declines
  - _Requirements: 1.2_
"#;

    #[test]
    fn kiro_criteria_in_requirements_and_validates_lines() {
        let (fx, c) = complete(&KIRO.replace("_Requirements: 1.2_", "_Requirements: $0_"));
        assert_eq!(labels(&c), ["1.1", "1.2"]);
        assert_eq!(
            item(&c, "1.2").detail.as_deref(),
            Some("WHEN the card is declined THE Shop SHALL say why")
        );
        assert!(apply(&fx.ws, &fx.rel, item(&c, "1.2")).contains("  - _Requirements: 1.2_\n"));
        let (_, c) = complete(&KIRO.replace("_Requirements: 1.2_", "_Requirements: 1.2, $0_"));
        assert_eq!(labels(&c), ["1.1"]);
        let (_, c) = complete(&KIRO.replace(
            "**Validates: Requirements 1.1**",
            "**Validates: Requirements 1.1, 1.$0**",
        ));
        assert_eq!(labels(&c), ["1.2"]);
    }

    #[test]
    fn kiro_task_ids_after_depends() {
        let (_, c) = complete(&KIRO.replace(
            "  - _Requirements: 1.2_\n",
            "  - _Requirements: 1.2_\n  - _Depends: $0_\n",
        ));
        assert_eq!(labels(&c), ["1"]);
        assert_eq!(item(&c, "1").detail.as_deref(), Some("Confirm orders"));
    }

    #[test]
    fn kiro_ears_skeletons_name_the_glossary_systems() {
        let (fx, c) = complete(&KIRO.replace(
            "THE Shop SHALL say why\n",
            "THE Shop SHALL say why\n3. $0\n",
        ));
        assert_eq!(
            labels(&c),
            [
                "WHEN … SHALL",
                "IF … SHALL",
                "WHILE … SHALL",
                "WHERE … SHALL",
                "THE … SHALL"
            ]
        );
        let when = item(&c, "WHEN … SHALL");
        assert!(
            apply(&fx.ws, &fx.rel, when).contains("\n3. WHEN an event, THE Shop SHALL respond\n")
        );
        assert_eq!(
            when.insert.snippet(),
            "WHEN ${1:an event}, THE ${2|Shop,Card_Gateway|} SHALL ${3:respond}$0"
        );
        let (_, c) = complete(&KIRO.replace(
            "THE Shop SHALL say why\n",
            "THE Shop SHALL say why\n3. WH$0\n",
        ));
        assert_eq!(
            labels(&c),
            ["WHEN … SHALL", "WHILE … SHALL", "WHERE … SHALL"]
        );
    }
}
