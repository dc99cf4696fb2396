//! The shape every format is read into, for the logic written once over all
//! of them: link and dependency resolution, coverage, cycles, step
//! completion, outlines, code lenses, rename.
//!
//! One [`Document`] per file. Ids are plain strings, unique within the unit
//! references resolve in (a Spec Kit feature folder, a Kiro spec folder, an
//! OpenSpec change); a [`Reference`] names its target by kind and id and is
//! resolved by the engine, never by the reader, because the target usually
//! sits in another file.
//!
//! How each format fills it:
//!
//! | element | Spec Kit | Kiro | OpenSpec |
//! |---|---|---|---|
//! | [`Requirement`] | `FR-001`, `SC-001`, `NFR-001`, `R001` items; `US1` user stories | `Requirement N` (id `N`), criterion `N.M` (parent `N`), `Property k` | `### Requirement:` (id = its name) |
//! | [`Scenario`] | acceptance scenarios, parent = their user story | — (criteria are requirements) | `#### Scenario:` |
//! | [`Phase`] | `## Phase N: …` headings, with their kind | `### Phase N` groupings | `## N.` task groups |
//! | [`Task`] | `T001` lines; links to `FR-`/`SC-` ids and `[USn]` labels | `N.M` lines; `_Requirements:_` links | `1.2` lines; acceptance links ([`Target::Anchor`]) |
//! | [`Reference`] outside tasks | ids cited in plan.md and checklists | `Validates:` lines of design.md | — |

pub use crate::model::steps::{Keyword, Step, Style};
pub use crate::model::Span;

/// What a requirement-like element is; rules that apply to one kind only
/// (an FR needs an RFC 2119 keyword, a story needs scenarios) look here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RequirementKind {
    /// Spec Kit `FR-###`; an OpenSpec requirement.
    Functional,
    /// Spec Kit `SC-###`.
    SuccessCriterion,
    /// `NFR-###`, as some Spec Kit presets write.
    NonFunctional,
    /// A bare `R###` requirement (a Spec Kit preset's own numbering).
    Plain,
    /// A user story (`US1`); Kiro's `Requirement N`.
    Story,
    /// Kiro's numbered acceptance criterion `N.M`.
    Criterion,
    /// Kiro's design correctness property.
    Property,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    /// The stable id references use: `FR-001`, `SC-002`, `US1`, `2.3`.
    pub id: String,
    pub kind: RequirementKind,
    /// Where the id is written (for a story, its number).
    pub id_span: Span,
    /// A title, where the format gives one (a story's, a Kiro requirement's).
    pub title: Option<Span>,
    /// The statement itself.
    pub text: Span,
    /// The whole definition: the item line, or the heading for a story.
    pub span: Span,
    /// The requirement this one belongs to (a Kiro criterion's requirement).
    pub parent: Option<usize>,
    pub line: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    /// Index into [`Document::requirements`] of what it illustrates.
    pub parent: Option<usize>,
    pub span: Span,
    pub steps: Vec<Step>,
    pub line: u32,
}

/// What a phase of a task list is for; story phases carry the story ids
/// they implement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PhaseKind {
    Setup,
    Foundational,
    Stories(Vec<String>),
    Polish,
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phase {
    /// An id dependencies may name (OpenSpec's `## 2. Setup`): depending on
    /// it depends on each of its tasks. Spec Kit and Kiro phases have none.
    pub id: Option<String>,
    pub title: Span,
    pub heading: Span,
    pub kind: PhaseKind,
    pub line: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TaskState {
    Open,
    Done,
    /// Kiro's `[-]`/`[~]`.
    InProgress,
}

impl TaskState {
    /// The state of a two-state checkbox (Spec Kit's, OpenSpec's).
    pub fn from_done(done: bool) -> TaskState {
        if done {
            TaskState::Done
        } else {
            TaskState::Open
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    Requirement,
    Story,
    Task,
    Property,
    /// A heading named by a Markdown link rather than by an id (OpenSpec's
    /// acceptance criteria): the id is the link's destination as written,
    /// `specs/auth/spec.md#scenario-login`, its path relative to the citing
    /// file (empty for that file) and still percent-encoded. The heading
    /// may sit in any file of the workspace, so the workspace resolves it
    /// (`workspace::links`), never a unit's index; and under the cursor it
    /// is a link, followed as links are, not an id.
    Anchor,
}

/// An id cited somewhere, to be resolved by kind and id within the unit;
/// or a heading cited by link ([`Target::Anchor`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    pub target: Target,
    pub id: String,
    /// The id as written; for an id produced by expanding a range
    /// (`T010–T014`), the whole range, and [`Reference::from_range`] is set:
    /// such a reference cannot be renamed in place.
    pub span: Span,
    pub from_range: bool,
}

impl Reference {
    /// A citation of `id` as written at `span`.
    pub fn new(target: Target, id: impl Into<String>, span: Span) -> Reference {
        Reference {
            target,
            id: id.into(),
            span,
            from_range: false,
        }
    }

    /// A [`Target::Anchor`] reference's path and anchor (`None` when the
    /// link has no `#`); `None` for a reference by id.
    pub fn link(&self) -> Option<(&str, Option<&str>)> {
        (self.target == Target::Anchor).then(|| match self.id.split_once('#') {
            Some((path, anchor)) => (path, Some(anchor)),
            None => (self.id.as_str(), None),
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Task {
    pub id: Option<String>,
    pub id_span: Option<Span>,
    pub state: TaskState,
    /// Kiro's `- [ ]*` optional tasks.
    pub optional: bool,
    /// May run in parallel with its neighbours (`[P]`, cc-sdd `(P)`).
    pub parallel: bool,
    pub checkbox: Span,
    /// The task line, trimmed.
    pub span: Span,
    pub description: Span,
    pub line: u32,
    pub parent: Option<usize>,
    /// Index into [`Document::phases`].
    pub phase: Option<usize>,
    /// Tasks that must be done first ([`Target::Task`]).
    pub dependencies: Vec<Reference>,
    /// What the task satisfies: requirements, stories, properties.
    pub links: Vec<Reference>,
}

/// One file read into the shared shape.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Document {
    pub requirements: Vec<Requirement>,
    pub scenarios: Vec<Scenario>,
    pub phases: Vec<Phase>,
    pub tasks: Vec<Task>,
    /// References outside tasks (a plan's or a checklist's citations).
    pub references: Vec<Reference>,
}

impl Document {
    /// Moves every span that starts at or after `from` by `bytes`: what an
    /// edit before them, within one line, does to a document whose lines
    /// keep their numbers.
    pub fn shift(&mut self, from: u32, bytes: i64) {
        let sp = |s: &mut Span| {
            if s.start >= from {
                s.shift(bytes)
            }
        };
        for r in &mut self.requirements {
            sp(&mut r.id_span);
            if let Some(t) = &mut r.title {
                sp(t);
            }
            sp(&mut r.text);
            sp(&mut r.span);
        }
        for s in &mut self.scenarios {
            sp(&mut s.span);
            for step in &mut s.steps {
                sp(&mut step.keyword_span);
                sp(&mut step.text_span);
            }
        }
        for p in &mut self.phases {
            sp(&mut p.title);
            sp(&mut p.heading);
        }
        for t in &mut self.tasks {
            if let Some(s) = &mut t.id_span {
                sp(s);
            }
            sp(&mut t.checkbox);
            sp(&mut t.span);
            sp(&mut t.description);
            for r in t.dependencies.iter_mut().chain(&mut t.links) {
                sp(&mut r.span);
            }
        }
        for r in &mut self.references {
            sp(&mut r.span);
        }
    }
}
