//! Files read into the shared shape, in the editor features: the unit a
//! file belongs to (a Spec Kit or Kiro feature folder; an OpenSpec task
//! list, whose ids resolve within the file) and what sits under a cursor
//! there. Every feature that has moved onto the shape (definition,
//! references, hover, rename, outline, lens, symbols and completion for
//! Spec Kit and Kiro; for OpenSpec task lists, what the cursor is on and
//! what a dependency may name) asks this module rather than a format's own
//! summaries, so a new format arrives with its reader and nothing here
//! changes.
//!
//! An id under the cursor is either a definition (a requirement, story,
//! criterion or property id; a task id) or a citation of one (a task's
//! dependency or link, a plan's or checklist's reference). Both name the
//! same thing, a [`Named`]: what the id means, by kind and id, within the
//! unit. A task id may also name a phase that has an id (an OpenSpec group:
//! `requires 2` names `## 2. Calls`) when no task has it.

use rustc_hash::{FxHashMap, FxHashSet};

use super::element::{heading_nav, line_around};
use super::links;
use super::{hit, NavTarget};
use crate::formats::openspec;
use crate::formats::shape::{Document, Phase, Requirement, RequirementKind, Target, Task};
use crate::formats::unit::Index;
use crate::model::Span;
use crate::workspace::links::{covered, ScenarioKey};
use crate::workspace::{SourceFile, Summary, Workspace};

/// An OpenSpec task list in the shared shape, built on demand: OpenSpec
/// keeps its own summaries, and a unit of one file borrows this document
/// ([`Unit::single`]).
pub fn openspec_tasks<'w>(ws: &'w Workspace, rel: &str) -> Option<(&'w SourceFile, Document)> {
    let file = ws.file(rel)?;
    let Summary::Tasks(tasks) = &file.summary else {
        return None;
    };
    Some((file, openspec::tasks(tasks, file.text())))
}

/// A feature folder's files in the shared shape, with their index.
pub struct Unit<'w> {
    pub files: Vec<(&'w SourceFile, &'w Document)>,
    pub index: Index,
}

impl<'w> Unit<'w> {
    /// The unit `rel` belongs to, and the position of `rel` in it.
    pub fn of(ws: &'w Workspace, rel: &str) -> Option<(Unit<'w>, usize)> {
        let file = ws.file(rel)?;
        file.summary.shape()?;
        let feature = file.kind.feature()?;
        let unit = Unit::feature(ws, feature);
        let at = unit.files.iter().position(|(f, _)| f.rel == rel)?;
        Some((unit, at))
    }

    /// The files of one feature folder that have a shape.
    pub fn feature(ws: &'w Workspace, feature: &str) -> Unit<'w> {
        let files: Vec<(&SourceFile, &Document)> = ws
            .feature_files(feature)
            .filter_map(|f| Some((f, f.summary.shape()?)))
            .collect();
        let docs: Vec<&Document> = files.iter().map(|(_, d)| *d).collect();
        let index = Index::build(&docs);
        Unit { files, index }
    }

    /// A unit of one file: an OpenSpec task list, whose dependency ids name
    /// tasks and groups of the same file.
    pub fn single(file: &'w SourceFile, doc: &'w Document) -> Unit<'w> {
        Unit {
            files: vec![(file, doc)],
            index: Index::build(&[doc]),
        }
    }

    pub fn text(&self, file: usize, span: Span) -> &'w str {
        self.files[file].0.text().get(span.range()).unwrap_or("")
    }

    /// Where `named` is defined. A task id no task has names the first
    /// phase with that id, if any.
    pub fn definition(&self, named: &Named) -> Option<Def<'w>> {
        match named.target {
            Target::Task => match self.index.task(&named.id) {
                Some((f, k)) => Some(Def::Task(f, &self.files[f].1.tasks[k])),
                None => self.phase(&named.id),
            },
            Target::Property => {
                let (f, k) = self.index.property(&named.id)?;
                Some(Def::Requirement(f, &self.files[f].1.requirements[k]))
            }
            Target::Requirement | Target::Story => {
                let (f, k) = self.index.requirement(&named.id)?;
                let r = &self.files[f].1.requirements[k];
                (named.target == Target::Requirement || r.kind == RequirementKind::Story)
                    .then_some(Def::Requirement(f, r))
            }
            Target::Anchor => None, // a heading anywhere: the workspace resolves it
        }
    }

    fn phase(&self, id: &str) -> Option<Def<'w>> {
        self.files.iter().enumerate().find_map(|(f, (_, d))| {
            let k = d.phases.iter().position(|p| p.id.as_deref() == Some(id))?;
            Some(Def::Phase(f, k, &d.phases[k]))
        })
    }

    /// Every citation of what `def` defines, in file and position order: a
    /// requirement's as [`Unit::citations`] finds them; a task's by its id,
    /// and through its phase's id from tasks outside that phase (depending
    /// on a group depends on each of its tasks, but a group's own tasks do
    /// not depend on themselves); a phase's by its id, unless a task has
    /// that id (the task wins).
    pub fn cited(&self, def: &Def) -> Vec<(usize, Span)> {
        let mut out = match *def {
            Def::Requirement(_, r) => return self.citations(&Named::of_requirement(r)),
            Def::Task(f, t) => {
                let mut out = match &t.id {
                    Some(id) => self.index.references_to(Target::Task, id),
                    None => Vec::new(),
                };
                let phase = t.phase.map(|p| (p, &self.files[f].1.phases[p]));
                if let Some((p, id)) = phase.and_then(|(p, ph)| Some((p, ph.id.as_deref()?))) {
                    if self.index.task(id).is_none() {
                        out.extend(self.dependencies_on(id, Some((f, p))));
                    }
                }
                out
            }
            Def::Phase(_, _, p) => match p.id.as_deref() {
                Some(id) if self.index.task(id).is_none() => self.dependencies_on(id, None),
                _ => Vec::new(),
            },
        };
        out.sort_by_key(|&(f, s)| (f, s.start));
        out.dedup();
        out
    }

    /// The dependencies naming `id`, but those of tasks in phase `except`
    /// (a file and a phase of it).
    fn dependencies_on(&self, id: &str, except: Option<(usize, usize)>) -> Vec<(usize, Span)> {
        let mut out = Vec::new();
        for (f, (_, d)) in self.files.iter().enumerate() {
            for t in &d.tasks {
                if except.is_some_and(|e| t.phase.map(|p| (f, p)) == Some(e)) {
                    continue;
                }
                out.extend(
                    t.dependencies
                        .iter()
                        .filter(|r| r.target == Target::Task && r.id == id)
                        .map(|r| (f, r.span)),
                );
            }
        }
        out
    }

    /// What a dependency may name, in the order completion offers it:
    /// every task with an id, file by file, then every phase with one (an
    /// OpenSpec group). A task and a phase sharing an id both come, though
    /// a dependency on that id names the task ([`Unit::definition`]).
    pub fn dependable(&self) -> impl Iterator<Item = (&'w str, Def<'w>)> + '_ {
        let tasks = self.files.iter().enumerate().flat_map(|(f, (_, d))| {
            d.tasks
                .iter()
                .filter_map(move |t| Some((t.id.as_deref()?, Def::Task(f, t))))
        });
        let phases = self.files.iter().enumerate().flat_map(|(f, (_, d))| {
            d.phases
                .iter()
                .enumerate()
                .filter_map(move |(k, p)| Some((p.id.as_deref()?, Def::Phase(f, k, p))))
        });
        tasks.chain(phases)
    }

    /// Where a definition is: a phase as its heading's section, a task or a
    /// requirement as its line with its id to select.
    pub fn def_nav(&self, def: &Def) -> NavTarget {
        let file = self.files[def.file()].0;
        if let Def::Phase(_, _, p) = def {
            if let Some(h) = file.headings().iter().find(|h| h.line == p.line) {
                return heading_nav(file, h);
            }
        }
        let (full, focus) = def.spans();
        self.nav(def.file(), full, focus)
    }

    /// A citation: its line, with the id as written to select.
    pub fn citation_nav(&self, file: usize, span: Span) -> NavTarget {
        let full = line_around(self.files[file].0.text(), span);
        self.nav(file, full, span)
    }

    /// Every citation of `named`: a story is cited by its labels and by
    /// requirement references to its id (Kiro's `_Requirements: 2_`).
    pub fn citations(&self, named: &Named) -> Vec<(usize, Span)> {
        let mut out = self.index.references_to(named.target, &named.id);
        let story = matches!(self.definition(named), Some(Def::Requirement(_, r)) if r.kind == RequirementKind::Story);
        if story {
            let other = match named.target {
                Target::Story => Target::Requirement,
                _ => Target::Story,
            };
            out.extend(self.index.references_to(other, &named.id));
        }
        out.sort_by_key(|&(f, s)| (f, s.start));
        out.dedup();
        out
    }

    /// Who cites what in the unit, gathered once: asked requirement by
    /// requirement, scanning every task for each cost a unit of N
    /// requirements and N tasks N² steps. Ids are cited by id; scenarios
    /// by links to their heading or their requirement's (OpenSpec's
    /// acceptance criteria), which `ws` resolves.
    pub fn citing(&self, ws: &'w Workspace) -> Citing<'w> {
        let mut by_id: FxHashMap<&'w str, Vec<(Target, &'w Task)>> = FxHashMap::default();
        let mut by_scenario: FxHashMap<ScenarioKey<'w>, Vec<&'w Task>> = FxHashMap::default();
        let mut validated = FxHashSet::default();
        for (file, d) in &self.files {
            for t in &d.tasks {
                for l in t.links.iter().filter(|l| l.target != Target::Anchor) {
                    by_id.entry(l.id.as_str()).or_default().push((l.target, t));
                }
            }
            let found = covered(ws, &file.rel, d);
            for (t, mut keys) in d.tasks.iter().zip(found.tasks) {
                // A task linking a scenario twice covers it once.
                keys.sort_unstable();
                keys.dedup();
                for k in keys {
                    by_scenario.entry(k).or_default().push(t);
                }
            }
            for r in &d.references {
                if r.target == Target::Requirement {
                    validated.insert(r.id.as_str());
                }
            }
        }
        Citing {
            by_id,
            by_scenario,
            validated,
        }
    }

    pub fn nav(&self, file: usize, full: Span, focus: Span) -> NavTarget {
        NavTarget::new(&self.files[file].0.rel, full, focus)
    }
}

/// The tasks citing each id of a unit, and the requirement ids cited
/// outside tasks ([`Unit::citing`]).
pub struct Citing<'w> {
    by_id: FxHashMap<&'w str, Vec<(Target, &'w Task)>>,
    by_scenario: FxHashMap<ScenarioKey<'w>, Vec<&'w Task>>,
    validated: FxHashSet<&'w str>,
}

impl<'w> Citing<'w> {
    /// The tasks that cite `named` among their links (a story also through
    /// requirement references to its id, and a requirement through story
    /// references), in no particular order; a task citing it twice comes
    /// twice.
    pub fn tasks<'a>(&'a self, named: &'a Named) -> impl Iterator<Item = &'w Task> + 'a {
        let story = named.target == Target::Story;
        self.by_id
            .get(named.id.as_str())
            .into_iter()
            .flatten()
            .filter(move |(target, _)| {
                *target == named.target
                    || (story && *target == Target::Requirement)
                    || (named.target == Target::Requirement && *target == Target::Story)
            })
            .map(|&(_, t)| t)
    }

    /// The tasks whose links by anchor name `scenario` (or its
    /// requirement), each once.
    pub fn linking<'a>(&'a self, scenario: ScenarioKey<'a>) -> &'a [&'a Task] {
        let by: &'a FxHashMap<ScenarioKey<'a>, Vec<&'a Task>> = &self.by_scenario;
        by.get(&scenario).map_or(&[], Vec::as_slice)
    }

    /// Whether a reference outside tasks (a design property's
    /// `Validates:`) cites the requirement `id`.
    pub fn validated(&self, id: &str) -> bool {
        self.validated.contains(id)
    }
}

/// A definition in a unit.
#[derive(Clone, Copy)]
pub enum Def<'w> {
    Requirement(usize, &'w Requirement),
    Task(usize, &'w Task),
    /// A phase of file `.0`, at index `.1` of its phases.
    Phase(usize, usize, &'w Phase),
}

impl Def<'_> {
    pub fn file(&self) -> usize {
        match self {
            Def::Requirement(f, _) | Def::Task(f, _) | Def::Phase(f, _, _) => *f,
        }
    }

    /// The whole definition and its id (a phase's title).
    pub fn spans(&self) -> (Span, Span) {
        match self {
            Def::Requirement(_, r) => (r.span, r.id_span),
            Def::Task(_, t) => (t.span, t.id_span.unwrap_or(t.span)),
            Def::Phase(_, _, p) => (p.heading, p.title),
        }
    }
}

/// What an id means within its unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Named {
    pub target: Target,
    pub id: String,
}

impl Named {
    pub fn of_requirement(r: &Requirement) -> Named {
        Named {
            target: match r.kind {
                RequirementKind::Property => Target::Property,
                RequirementKind::Story => Target::Story,
                _ => Target::Requirement,
            },
            id: r.id.clone(),
        }
    }
}

/// The id under the cursor.
pub struct AtCursor {
    pub named: Named,
    /// The id as written where the cursor is.
    pub span: Span,
}

/// What definition and references are about at a cursor: an id (cited or
/// defined there), or the task or phase whose line it is on.
pub enum Subject<'w> {
    /// An id, with where it is written.
    Id(AtCursor),
    Def(Def<'w>),
}

/// The subject at `offset` of file `at`: an id as [`at_cursor`] finds it
/// but a task's own, then the task whose line holds the cursor, then the
/// phase whose heading does. A task's own id stands for that task rather
/// than for the first of its id, so a duplicate goes to itself. A link on
/// a task line is the link's, not the task's: `None`, for the format's own
/// link navigation to answer.
pub fn subject_at<'w>(unit: &Unit<'w>, at: usize, offset: usize) -> Option<Subject<'w>> {
    let (file, doc) = unit.files[at];
    if let Some(c) = at_cursor(unit, at, offset) {
        if !matches!(own_def(unit, at, &c), Some(Def::Task(..))) {
            return Some(Subject::Id(c));
        }
    }
    if links::is_markdown(&file.rel) && links::link_at(file.text(), offset).is_some() {
        return None;
    }
    if let Some(t) = doc.tasks.iter().find(|t| hit(t.span, offset)) {
        return Some(Subject::Def(Def::Task(at, t)));
    }
    let (k, p) = doc
        .phases
        .iter()
        .enumerate()
        .find(|(_, p)| hit(p.heading, offset))?;
    Some(Subject::Def(Def::Phase(at, k, p)))
}

/// The task or requirement whose own id is `c`, when an earlier one of the
/// unit has that id already: citations of the id name the earlier one
/// ([`Unit::definition`]), and this one stands for itself alone. Hover
/// describes it and rename renames it alone, which is how the repetition
/// is undone. Requirements only where an id stands alone (`FR-`, `SC-`): a
/// story's number and a Kiro requirement's criteria are not repeated that
/// simply.
pub fn repeated_own<'w>(unit: &Unit<'w>, at: usize, c: &AtCursor) -> Option<Def<'w>> {
    let own = own_def(unit, at, c)?;
    let first = unit.definition(&c.named)?;
    (first.file() != at || first.spans() != own.spans()).then_some(own)
}

/// The task or standalone requirement (`FR-`, `SC-`) whose own id is `c`.
fn own_def<'w>(unit: &Unit<'w>, at: usize, c: &AtCursor) -> Option<Def<'w>> {
    let doc = unit.files[at].1;
    Some(match c.named.target {
        Target::Task => Def::Task(at, doc.tasks.iter().find(|t| t.id_span == Some(c.span))?),
        Target::Requirement => Def::Requirement(
            at,
            doc.requirements.iter().find(|r| {
                r.id_span == c.span
                    && matches!(
                        r.kind,
                        RequirementKind::Functional | RequirementKind::SuccessCriterion
                    )
            })?,
        ),
        _ => return None,
    })
}

impl<'w> Unit<'w> {
    /// What `subject` stands for, where it is defined.
    pub fn resolve(&self, subject: Subject<'w>) -> Option<Def<'w>> {
        match subject {
            Subject::Id(c) => self.definition(&c.named),
            Subject::Def(def) => Some(def),
        }
    }
}

/// The id at `offset` of file `at` of the unit: a citation first (it sits
/// inside a task's line, which a task's own span also covers), then a
/// definition's id.
pub fn at_cursor(unit: &Unit, at: usize, offset: usize) -> Option<AtCursor> {
    let doc = unit.files[at].1;
    // A link (an acceptance criterion) is no id: its own navigation
    // follows it.
    let ids = || {
        doc.tasks
            .iter()
            .flat_map(|t| t.dependencies.iter().chain(&t.links))
            .chain(&doc.references)
            .filter(|r| r.target != Target::Anchor)
    };
    let cited = ids()
        .find(|r| !r.from_range && hit(r.span, offset))
        .or_else(|| ids().find(|r| hit(r.span, offset)));
    if let Some(r) = cited {
        return Some(AtCursor {
            named: Named {
                target: r.target,
                id: r.id.clone(),
            },
            span: r.span,
        });
    }
    if let Some(r) = doc.requirements.iter().find(|r| hit(r.id_span, offset)) {
        return Some(AtCursor {
            named: Named::of_requirement(r),
            span: r.id_span,
        });
    }
    let t = doc
        .tasks
        .iter()
        .find(|t| t.id_span.is_some_and(|s| hit(s, offset)))?;
    Some(AtCursor {
        named: Named {
            target: Target::Task,
            id: t.id.clone()?,
        },
        span: t.id_span?,
    })
}

#[cfg(test)]
mod tests {
    use crate::ide::fixture::{render, Fixture};
    use crate::ide::{definition, hover, references};

    pub(super) const SPEC: &str = r#"//- .specify/memory/constitution.md
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
"#;

    pub(super) const TASKS: &str = r#"//- specs/001-notes/tasks.md
# Tasks

## Phase 3: User Story 1 - Write a note

- [ ] T001 [US1] Store notes in src/notes.ts (FR-001)
- [ ] T002 [US1] Show notes in src/board.ts (depends on T001)

## Phase 4: User Story 2 - Sort notes

- [ ] T003 [US2] Sort notes in src/sort.ts (FR-002) (depends on T001)
"#;

    fn go(fixture: &str) -> Vec<String> {
        let f = Fixture::new(fixture);
        definition(&f.ws, &f.rel, f.offset)
            .iter()
            .map(|t| render(&f.ws, t))
            .collect()
    }

    fn refs(fixture: &str, decl: bool) -> Vec<String> {
        let f = Fixture::new(fixture);
        references(&f.ws, &f.rel, f.offset, decl)
            .iter()
            .map(|t| render(&f.ws, t))
            .collect()
    }

    #[test]
    fn spec_kit_ids_go_to_their_definitions() {
        let with = |tasks: &str| format!("{SPEC}{tasks}");
        assert_eq!(
            go(&with(&TASKS.replace(
                "(depends on T001)\n\n",
                "(depends on T0$001)\n\n"
            ))),
            [r#"specs/001-notes/tasks.md:5 "T001""#]
        );
        assert_eq!(
            go(&with(&TASKS.replace("(FR-001)", "(FR-0$001)"))),
            [r#"specs/001-notes/spec.md:15 "FR-001""#]
        );
        assert_eq!(
            go(&with(&TASKS.replace("T003 [US2]", "T003 [U$0S2]"))),
            [r#"specs/001-notes/spec.md:9 "2""#]
        );
        // An id nothing defines goes nowhere.
        assert_eq!(
            go(&with(&TASKS.replace("(FR-002)", "(FR-0$009)"))),
            Vec::<String>::new()
        );
    }

    #[test]
    fn spec_kit_references_of_a_requirement_a_story_and_a_task() {
        let spec = SPEC.replace("- **FR-001**", "- **FR-0$001**");
        assert_eq!(
            refs(&format!("{spec}{TASKS}"), true),
            [
                r#"specs/001-notes/spec.md:15 "FR-001""#,
                r#"specs/001-notes/tasks.md:5 "FR-001""#
            ]
        );
        let spec = SPEC.replace("### User Story 1", "### User Story $01");
        assert_eq!(
            refs(&format!("{spec}{TASKS}"), false),
            [
                r#"specs/001-notes/tasks.md:5 "[US1]""#,
                r#"specs/001-notes/tasks.md:6 "[US1]""#
            ]
        );
        let tasks = TASKS.replace("- [ ] T001", "- [ ] T0$001");
        assert_eq!(
            refs(&format!("{SPEC}{tasks}"), false),
            [
                r#"specs/001-notes/tasks.md:6 "T001""#,
                r#"specs/001-notes/tasks.md:10 "T001""#
            ]
        );
    }

    /// The cursor rule is OpenSpec's for every format: a task's line and a
    /// phase's heading stand for themselves, and an id nothing defines has
    /// neither a definition nor references.
    #[test]
    fn spec_kit_task_lines_and_phase_headings_stand_for_themselves() {
        let with = |tasks: &str| format!("{SPEC}{tasks}");
        let on_line = TASKS.replace("Show notes in", "Show no$0tes in");
        assert_eq!(
            go(&with(&on_line)),
            [r#"specs/001-notes/tasks.md:6 "T002""#]
        );
        assert_eq!(
            refs(
                &with(&TASKS.replace("Store notes in", "Store no$0tes in")),
                false
            ),
            [
                r#"specs/001-notes/tasks.md:6 "T001""#,
                r#"specs/001-notes/tasks.md:10 "T001""#
            ]
        );
        let on_phase = TASKS.replace("## Phase 4: User", "## Phase 4: Us$0er");
        assert_eq!(
            go(&with(&on_phase)),
            [r#"specs/001-notes/tasks.md:8 "Phase 4: User Story 2 - Sort notes""#]
        );
        assert!(refs(&with(&on_phase), false).is_empty());
        let unknown = TASKS.replace("(FR-002)", "(FR-0$009)");
        assert!(refs(&with(&unknown), true).is_empty());
    }

    #[test]
    fn spec_kit_hover_shows_the_definition_and_its_citations() {
        let f = Fixture::new(&format!(
            "{SPEC}{}",
            TASKS.replace("(FR-001)", "(FR-0$001)")
        ));
        let h = hover(&f.ws, &f.rel, f.offset).unwrap();
        assert!(
            h.markdown.starts_with("**Requirement FR-001** · spec.md"),
            "{}",
            h.markdown
        );
        assert!(
            h.markdown.contains("The board MUST keep notes."),
            "{}",
            h.markdown
        );
        assert!(
            h.markdown.ends_with("Cited once in this feature."),
            "{}",
            h.markdown
        );
        let f = Fixture::new(&format!(
            "{SPEC}{}",
            TASKS.replace("(FR-002)", "(FR-0$009)")
        ));
        let h = hover(&f.ws, &f.rel, f.offset).unwrap();
        assert_eq!(
            h.markdown,
            "**Not found:** No requirement `FR-009` in this feature."
        );
    }

    /// A task whose id repeats an earlier one's describes itself, and says
    /// that what cites the id names the earlier task; the earlier task's
    /// hover is unchanged.
    #[test]
    fn spec_kit_hover_on_a_repeated_task_id_describes_that_task() {
        let repeated = TASKS.replace("- [ ] T003 [US2]", "- [ ] T0$002 [US2]");
        let f = Fixture::new(&format!("{SPEC}{repeated}"));
        let h = hover(&f.ws, &f.rel, f.offset).unwrap();
        assert!(h.markdown.starts_with("**Task T002**"), "{}", h.markdown);
        assert!(
            h.markdown.contains("Sort notes in src/sort.ts"),
            "{}",
            h.markdown
        );
        assert!(
            h.markdown.ends_with(
                "An earlier task has this id (specs/001-notes/tasks.md, line 6); what cites `T002` names that one."
            ),
            "{}",
            h.markdown
        );
        let first = TASKS
            .replace("- [ ] T003 [US2]", "- [ ] T002 [US2]")
            .replace("- [ ] T002 [US1]", "- [ ] T0$002 [US1]");
        let f = Fixture::new(&format!("{SPEC}{first}"));
        let h = hover(&f.ws, &f.rel, f.offset).unwrap();
        assert!(
            h.markdown.contains("Show notes in src/board.ts"),
            "{}",
            h.markdown
        );
        assert!(
            h.markdown.ends_with("Cited nowhere in this feature."),
            "{}",
            h.markdown
        );
    }

    #[test]
    fn spec_kit_hover_on_a_repeated_requirement_id_describes_that_one() {
        let spec = SPEC.replace("- **FR-002**", "- **FR-0$001**");
        let f = Fixture::new(&format!("{spec}{TASKS}"));
        let h = hover(&f.ws, &f.rel, f.offset).unwrap();
        assert!(
            h.markdown.starts_with("**Requirement FR-001**"),
            "{}",
            h.markdown
        );
        assert!(h.markdown.contains("sort"), "{}", h.markdown);
        assert!(
            h.markdown
                .contains("An earlier requirement has this id (specs/001-notes/spec.md, line"),
            "{}",
            h.markdown
        );
    }

    pub(super) const KIRO: &str = r#"//- .kiro/specs/pay/requirements.md
# Requirements Document

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
  - Property 1 holds
  - _Requirements: 1.2, 1_
"#;

    #[test]
    fn kiro_criteria_properties_and_requirements() {
        assert_eq!(
            go(&KIRO.replace("_Requirements: 1.1_", "_Requirements: 1.$01_")),
            [r#".kiro/specs/pay/requirements.md:9 "1""#]
        );
        assert_eq!(
            go(&KIRO.replace("  - Property 1 holds", "  - Property $01 holds")),
            [r#".kiro/specs/pay/design.md:3 "1""#]
        );
        // Criterion 1.1: cited by a task and validated by the property.
        let at_criterion = KIRO.replace("1. WHEN the buyer", "$01. WHEN the buyer");
        assert_eq!(
            refs(&at_criterion, false),
            [
                r#".kiro/specs/pay/design.md:5 "1.1""#,
                r#".kiro/specs/pay/tasks.md:4 "1.1""#
            ]
        );
        // Requirement 1 as a whole: the `1` of the last task.
        let at_requirement = KIRO.replace("### Requirement 1:", "### Requirement $01:");
        assert_eq!(
            refs(&at_requirement, false),
            [r#".kiro/specs/pay/tasks.md:7 "1""#]
        );
    }
}

#[cfg(test)]
mod outline_tests {
    use crate::ide::outline::{document_symbols, Symbol};
    use crate::workspace::fixture::workspace;

    fn tree(syms: &[Symbol], depth: usize, out: &mut Vec<String>) {
        for s in syms {
            out.push(format!(
                "{}{:?} {}{}",
                "  ".repeat(depth),
                s.kind,
                s.name,
                s.detail
                    .as_deref()
                    .map(|d| format!(" ({d})"))
                    .unwrap_or_default()
            ));
            tree(&s.children, depth + 1, out);
        }
    }

    fn outline(fixture: &str, rel: &str) -> Vec<String> {
        let ws = workspace(fixture);
        let mut out = Vec::new();
        tree(&document_symbols(&ws, rel), 0, &mut out);
        out
    }

    #[test]
    fn spec_kit_outline_names_stories_requirements_phases_and_tasks() {
        let fx = format!("{}{}", super::tests::SPEC, super::tests::TASKS);
        assert_eq!(
            outline(&fx, "specs/001-notes/spec.md"),
            [
                "Heading Feature Specification: Notes",
                "  Heading User Scenarios & Testing",
                "    Requirement User Story 1 - Write a note (Priority: P1) (1 scenario)",
                "    Requirement User Story 2 - Sort notes (Priority: P2) (1 scenario)",
                "  Heading Requirements",
                "    Requirement FR-001 (The board MUST keep notes.)",
                "    Requirement FR-002 (The board MUST sort notes by age.)",
            ]
        );
        assert_eq!(
            outline(&fx, "specs/001-notes/tasks.md"),
            [
                "Heading Tasks",
                "  Group Phase 3: User Story 1 - Write a note (0/2 done)",
                "    Task T001 Store notes in src/notes.ts (FR-001) (open)",
                "    Task T002 Show notes in src/board.ts (depends on T001) (open)",
                "  Group Phase 4: User Story 2 - Sort notes (0/1 done)",
                "    Task T003 Sort notes in src/sort.ts (FR-002) (depends on T001) (open)",
            ]
        );
    }

    #[test]
    fn kiro_outline_nests_criteria_and_sub_tasks() {
        let fx = format!(
            "{}{}",
            super::tests::KIRO,
            "//- .kiro/specs/pay/tasks.md\n- [x] 1. Payments\n- [x] 1.1 Charge the card\n  - _Requirements: 1.1_\n- [ ] 1.2 Refund\n"
        );
        assert_eq!(
            outline(&fx, ".kiro/specs/pay/requirements.md"),
            [
                "Heading Requirements Document",
                "  Requirement Requirement 1: Pay (2 criteria)",
                "    Heading Acceptance Criteria",
                "      Requirement 1.1 (WHEN the buyer pays THE Shop SHALL confirm the order)",
                "      Requirement 1.2 (WHEN the card is declined THE Shop SHALL say why)",
            ]
        );
        assert_eq!(
            outline(&fx, ".kiro/specs/pay/tasks.md"),
            [
                "Task 1 Payments (done)",
                "  Task 1.1 Charge the card (done)",
                "  Task 1.2 Refund (open)",
            ]
        );
    }
}

#[cfg(test)]
mod lens_tests {
    use crate::ide::fixture::render_span;
    use crate::ide::lens::code_lenses;
    use crate::workspace::fixture::workspace;

    fn lenses(fixture: &str, rel: &str) -> Vec<String> {
        let ws = workspace(fixture);
        code_lenses(&ws, rel)
            .iter()
            .map(|l| format!("{} {}", render_span(&ws, rel, l.span), l.title))
            .collect()
    }

    #[test]
    fn spec_kit_stories_requirements_and_phases_count_their_tasks() {
        let fx = format!(
            "{}{}",
            super::tests::SPEC,
            super::tests::TASKS.replace("- [ ] T001", "- [X] T001")
        );
        let spec = "specs/001-notes/spec.md";
        assert_eq!(
            lenses(&fx, spec),
            [
                format!(
                    "{spec}:5 \"### User Story 1 - Write a note (Priority: P1)\" 2 tasks, 1 done"
                ),
                format!("{spec}:9 \"### User Story 2 - Sort notes (Priority: P2)\" 1 task, 0 done"),
                format!("{spec}:15 \"- **FR-001**: The board MUST keep notes.\" 1 task, 1 done"),
                format!(
                    "{spec}:16 \"- **FR-002**: The board MUST sort notes by age.\" 1 task, 0 done"
                ),
            ]
        );
        let tasks = "specs/001-notes/tasks.md";
        assert_eq!(
            lenses(&fx, tasks),
            [
                format!("{tasks}:3 \"## Phase 3: User Story 1 - Write a note\" Task graph"),
                format!("{tasks}:3 \"## Phase 3: User Story 1 - Write a note\" 1/2 done"),
                format!("{tasks}:8 \"## Phase 4: User Story 2 - Sort notes\" 0/1 done"),
            ]
        );
    }

    #[test]
    fn kiro_criteria_show_coverage_and_parents_their_sub_tasks() {
        let fx = format!(
            "{}{}",
            super::tests::KIRO.split("//- .kiro/specs/pay/tasks.md").next().unwrap(),
            "//- .kiro/specs/pay/tasks.md\n- [ ] 1. Payments\n- [x] 1.1 Charge the card\n  - _Requirements: 1.1_\n- [ ] 1.2 Refund\n"
        );
        let req = ".kiro/specs/pay/requirements.md";
        let lines: Vec<String> = lenses(&fx, req)
            .into_iter()
            .map(|l| l.rsplit('"').next().unwrap().trim().to_string())
            .collect();
        assert_eq!(
            lines,
            [
                "1 task, 1 done",
                "1 task, 1 done · validated by a property",
                "no task"
            ]
        );
        let tasks = ".kiro/specs/pay/tasks.md";
        assert_eq!(
            lenses(&fx, tasks),
            [
                format!("{tasks}:1 \"- [ ] 1. Payments\" Task graph"),
                format!("{tasks}:1 \"- [ ] 1. Payments\" 1/2 sub-tasks done")
            ]
        );
    }
}

#[cfg(test)]
mod symbol_tests {
    use crate::ide::fixture::render_span;
    use crate::ide::{workspace_symbols, SymbolIndex};
    use crate::workspace::fixture::workspace;

    /// Spec Kit and Kiro requirements and tasks are found by what they say,
    /// in the feature they belong to; the index answers as the walk does.
    #[test]
    fn workspace_symbols_of_spec_kit_and_kiro() {
        let ws = workspace(&format!(
            "{}{}{}",
            super::tests::SPEC,
            super::tests::TASKS,
            super::tests::KIRO
        ));
        let found = |q: &str| -> Vec<String> {
            let walked: Vec<String> = workspace_symbols(&ws, q, 3)
                .iter()
                .map(|s| {
                    format!(
                        "{} in {}: {}",
                        s.name,
                        s.container.as_deref().unwrap_or("-"),
                        render_span(&ws, &s.rel, s.focus)
                    )
                })
                .collect();
            let indexed: Vec<String> = SymbolIndex::new(&ws)
                .search(q, 3)
                .iter()
                .map(|s| {
                    format!(
                        "{} in {}: {}",
                        s.name,
                        s.container.as_deref().unwrap_or("-"),
                        render_span(&ws, &s.rel, s.focus)
                    )
                })
                .collect();
            assert_eq!(walked, indexed);
            walked
        };
        assert_eq!(
            found("Write a note")[0],
            "Write a note in feature 001-notes: specs/001-notes/spec.md:5 \"1\""
        );
        assert_eq!(
            found("FR-002")[0],
            "FR-002 in feature 001-notes: specs/001-notes/spec.md:16 \"FR-002\""
        );
        assert_eq!(
            found("Sort notes in src")[0],
            "Sort notes in src/sort.ts (FR-002) (depends on T001) in feature 001-notes: specs/001-notes/tasks.md:10 \"T003\""
        );
        assert_eq!(
            found("card is declined")[0],
            "WHEN the card is declined THE Shop SHALL say why in feature pay: .kiro/specs/pay/requirements.md:10 \"2\""
        );
    }
}

#[cfg(test)]
mod citing_tests {
    use super::*;
    use crate::workspace::fixture::workspace;

    const CHANGE: &str = "//- openspec/changes/c/specs/voice/spec.md
## ADDED Requirements
### Requirement: Hold
The agent SHALL hold.
#### Scenario: Caller waits
- **WHEN** nobody is free
- **THEN** music plays
#### Scenario: Caller hangs up
- **WHEN** the caller hangs up
- **THEN** the call ends
//- openspec/changes/c/tasks.md
## 1. Hold
- [x] 1.1 Music
  - Acceptance: [w](specs/voice/spec.md#scenario-caller-waits), [again](specs/voice/spec.md#scenario-caller-waits)
- [ ] 1.2 Hold (requires 1.1)
  - Acceptance: [all](specs/voice/spec.md#requirement-hold)
";

    /// The citations of an OpenSpec task list are gathered as a Spec Kit
    /// unit's are: a scenario is cited by the tasks linking it or its
    /// requirement, each task once; the links are not ids of the unit.
    #[test]
    fn acceptance_links_cite_scenarios_through_the_shared_path() {
        let ws = workspace(CHANGE);
        let (file, doc) = openspec_tasks(&ws, "openspec/changes/c/tasks.md").unwrap();
        let unit = Unit::single(file, &doc);
        let citing = unit.citing(&ws);
        let spec = "openspec/changes/c/specs/voice/spec.md";
        let ids = |scenario: &str| -> Vec<Option<String>> {
            citing
                .linking((spec, "Hold", scenario))
                .iter()
                .map(|t| t.id.clone())
                .collect()
        };
        let some = |id: &str| Some(id.to_string());
        assert_eq!(ids("Caller waits"), [some("1.1"), some("1.2")]);
        assert_eq!(ids("Caller hangs up"), [some("1.2")]);
        assert!(ids("Nobody").is_empty());
        // Not ids: nothing in the index, nothing under the cursor.
        let link = &doc.tasks[1].links[0];
        assert!(unit
            .index
            .references_to(Target::Anchor, &link.id)
            .is_empty());
        assert!(at_cursor(&unit, 0, link.span.start as usize + 1).is_none());
        assert!(unit
            .definition(&Named {
                target: Target::Anchor,
                id: link.id.clone()
            })
            .is_none());
        // The dependency beside them still is one.
        let dep = doc.tasks[1].dependencies[0].span;
        let c = at_cursor(&unit, 0, dep.start as usize).unwrap();
        assert_eq!((c.named.target, c.named.id.as_str()), (Target::Task, "1.1"));
    }
}
