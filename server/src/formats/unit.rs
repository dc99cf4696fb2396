//! The rules every format besides OpenSpec shares, written once over the
//! shared shape, and the index of one unit's ids they (and the editor
//! features) resolve references with.
//!
//! A unit is the set of files references resolve within: a Spec Kit feature
//! folder, a Kiro spec folder. A format plugs in by mapping each of its
//! files into a [`Document`] (`speckit::graph`, `kiro::graph`) and handing
//! the unit's documents with their texts to [`check_unit`]; its own rules
//! (`speckit::rules`, `kiro::rules`) run beside, and must not report what
//! is reported here: dependencies (`tasks/unknown-dependency`,
//! `tasks/dependency-cycle`, `tasks/done-before-dependency`), duplicate task
//! ids (`tasks/duplicate-id`, per file) and scenario steps
//! (`scenario/missing-when`, `scenario/missing-then`, `scenario/step-order`,
//! whose logic OpenSpec's rules share through [`crate::model::steps`]).

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::shape::{Document, Reference, RequirementKind, Target, Task, TaskState};
use crate::diagnostic::{Code, Severity};
use crate::model::graph::strongly_connected;
use crate::model::steps::check_steps;
use crate::model::Span;
use crate::text::nearest::did_you_mean;

/// One file of a unit (a Spec Kit feature folder, a Kiro spec folder).
pub struct UnitFile<'a> {
    pub doc: &'a Document,
    pub text: &'a str,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    /// Index into the slice of files the unit was checked with.
    pub file: usize,
    pub span: Span,
    pub message: String,
}

impl Finding {
    fn new(code: Code, file: usize, span: Span, message: impl Into<String>) -> Finding {
        Finding {
            code: code.as_str(),
            severity: code.default_severity(),
            file,
            span,
            message: message.into(),
        }
    }
}

/// Where an id is defined within a unit, and what cites it.
///
/// Requirements and stories share one namespace ([`Target::Requirement`]
/// resolves to any requirement but a property, [`Target::Story`] to a story
/// only: Kiro's `_Requirements: 2_` names `Requirement 2`, a story);
/// properties and tasks have their own. The first definition of an id
/// wins: defining one twice is a format rule's concern.
#[derive(Clone, Debug, Default)]
pub struct Index {
    requirements: HashMap<String, (usize, usize)>,
    properties: HashMap<String, (usize, usize)>,
    tasks: HashMap<String, (usize, usize)>,
    /// Each definition's id span, by `(file, index)`.
    requirement_spans: HashMap<(usize, usize), Span>,
    task_spans: HashMap<(usize, usize), Span>,
    stories: HashSet<(usize, usize)>,
    citations: HashMap<(Target, String), Vec<(usize, Span)>>,
}

impl Index {
    pub fn build(docs: &[&Document]) -> Index {
        let mut ix = Index::default();
        for (f, doc) in docs.iter().enumerate() {
            for (k, r) in doc.requirements.iter().enumerate() {
                let map = match r.kind {
                    RequirementKind::Property => &mut ix.properties,
                    _ => &mut ix.requirements,
                };
                map.entry(r.id.clone()).or_insert((f, k));
                ix.requirement_spans.insert((f, k), r.id_span);
                if r.kind == RequirementKind::Story {
                    ix.stories.insert((f, k));
                }
            }
            for (k, t) in doc.tasks.iter().enumerate() {
                if let (Some(id), Some(span)) = (&t.id, t.id_span) {
                    ix.tasks.entry(id.clone()).or_insert((f, k));
                    ix.task_spans.insert((f, k), span);
                }
            }
            // Links by anchor name headings of any file, not ids of the
            // unit: the workspace resolves them.
            let cited = doc
                .tasks
                .iter()
                .flat_map(|t| t.links.iter().chain(&t.dependencies))
                .chain(&doc.references)
                .filter(|r| r.target != Target::Anchor);
            for r in cited {
                ix.citations
                    .entry((r.target, r.id.clone()))
                    .or_default()
                    .push((f, r.span));
            }
        }
        ix
    }

    /// The requirement (any kind but a property) defined as `id`.
    pub fn requirement(&self, id: &str) -> Option<(usize, usize)> {
        self.requirements.get(id).copied()
    }

    /// The design property defined as `id`.
    pub fn property(&self, id: &str) -> Option<(usize, usize)> {
        self.properties.get(id).copied()
    }

    pub fn task(&self, id: &str) -> Option<(usize, usize)> {
        self.tasks.get(id).copied()
    }

    /// Every task id of the unit.
    pub fn task_ids(&self) -> impl Iterator<Item = &str> {
        self.tasks.keys().map(String::as_str)
    }

    /// The file and id span of what `r` names: a requirement's or a
    /// property's id, a story's number, a task's id.
    pub fn resolve(&self, r: &Reference) -> Option<(usize, Span)> {
        let at = match r.target {
            Target::Requirement => self.requirement(&r.id),
            Target::Story => self.requirement(&r.id).filter(|d| self.stories.contains(d)),
            Target::Property => self.property(&r.id),
            Target::Task => {
                let d = self.task(&r.id)?;
                return Some((d.0, self.task_spans[&d]));
            }
            Target::Anchor => None,
        }?;
        Some((at.0, self.requirement_spans[&at]))
    }

    /// Every citation of `id` as `target`: task links and dependencies,
    /// and the references outside tasks, in file order.
    pub fn references_to(&self, target: Target, id: &str) -> Vec<(usize, Span)> {
        self.citations
            .get(&(target, id.to_string()))
            .cloned()
            .unwrap_or_default()
    }
}

/// The shared rules over one unit's files, in file then position order.
pub fn check_unit(files: &[UnitFile]) -> Vec<Finding> {
    let mut out = Vec::new();
    for (f, file) in files.iter().enumerate() {
        duplicate_tasks(f, file, &mut out);
        scenarios(f, file.doc, &mut out);
    }
    out.extend(check_dependencies(files, false));
    out.sort_by(|a, b| (a.file, a.span, a.code).cmp(&(b.file, b.span, b.code)));
    out
}

/// A task as messages name it: its id, or the start of its description.
fn label(file: &UnitFile, t: &Task) -> String {
    t.id.clone().unwrap_or_else(|| {
        file.text
            .get(t.description.range())
            .unwrap_or("")
            .chars()
            .take(40)
            .collect()
    })
}

fn duplicate_tasks(f: usize, file: &UnitFile, out: &mut Vec<Finding>) {
    let mut first: HashMap<&str, &Task> = HashMap::default();
    for t in &file.doc.tasks {
        let (Some(id), Some(span)) = (&t.id, t.id_span) else {
            continue;
        };
        match first.get(id.as_str()) {
            Some(was) => out.push(Finding::new(
                Code::TasksDuplicateId,
                f,
                span,
                format!(
                    "Task ID \"{id}\" is duplicated; it was first declared on line {}. Renumber one of them.",
                    was.line + 1
                ),
            )),
            None => {
                first.insert(id, t);
            }
        }
    }
}

fn scenarios(f: usize, doc: &Document, out: &mut Vec<Finding>) {
    for s in &doc.scenarios {
        let found = check_steps(&s.steps);
        if found.missing_when {
            out.push(Finding::new(
                Code::ScenarioMissingWhen,
                f,
                s.span,
                "This scenario has steps but no WHEN. Add the action under test, e.g. \"**When** ...\".",
            ));
        }
        if found.missing_then {
            out.push(Finding::new(
                Code::ScenarioMissingThen,
                f,
                s.span,
                "This scenario has steps but no THEN. Add the expected outcome, e.g. \"**Then** ...\".",
            ));
        }
        for (span, order) in found.out_of_order {
            out.push(Finding::new(
                Code::ScenarioStepOrder,
                f,
                span,
                order.advice(),
            ));
        }
    }
}

/// Each task id of the unit and where it is defined, the first definition
/// winning as in [`Index`], and the ids in file order (each once): all the
/// dependency rules need, borrowed from the documents, so that a
/// keystroke's re-check copies no id.
fn task_ids<'a>(files: &[UnitFile<'a>]) -> (HashMap<&'a str, (usize, usize)>, Vec<&'a str>) {
    let mut ids = HashMap::default();
    let mut order = Vec::new();
    for (f, file) in files.iter().enumerate() {
        for (k, t) in file.doc.tasks.iter().enumerate() {
            if let (Some(id), Some(_)) = (&t.id, t.id_span) {
                ids.entry(id.as_str()).or_insert_with(|| {
                    order.push(id.as_str());
                    (f, k)
                });
            }
        }
    }
    (ids, order)
}

/// The tasks of each phase id (OpenSpec's groups), by id.
fn group_members<'a>(files: &[UnitFile<'a>]) -> HashMap<&'a str, Vec<(usize, usize)>> {
    let mut out: HashMap<&str, Vec<(usize, usize)>> = HashMap::default();
    for (f, file) in files.iter().enumerate() {
        for (k, t) in file.doc.tasks.iter().enumerate() {
            let id = t
                .phase
                .and_then(|p| file.doc.phases.get(p))
                .and_then(|p| p.id.as_deref());
            if let Some(id) = id {
                out.entry(id).or_default().push((f, k));
            }
        }
    }
    out
}

/// Dependencies between one unit's tasks: `tasks/unknown-dependency`,
/// `tasks/done-before-dependency` and `tasks/dependency-cycle`, for every
/// format (an OpenSpec task list is a unit of one file, through
/// [`openspec::tasks`](super::openspec::tasks)). With `groups`, an id no
/// task has may name a phase (an OpenSpec group): the task then depends on
/// each task of it but itself.
pub fn check_dependencies(files: &[UnitFile], groups: bool) -> Vec<Finding> {
    let mut out = Vec::new();
    let (tasks, ids) = task_ids(files);
    let members = if groups {
        group_members(files)
    } else {
        HashMap::default()
    };
    let unknown = if groups { "task or group" } else { "task" };
    // Every task of the unit numbered in file order, for the graph.
    let mut base = Vec::with_capacity(files.len());
    let mut n = 0;
    for file in files {
        base.push(n);
        n += file.doc.tasks.len();
    }
    let node = |(f, k): (usize, usize)| base[f] + k;
    let task_at = |v: usize| {
        let f = base.partition_point(|&b| b <= v) - 1;
        (f, &files[f].doc.tasks[v - base[f]])
    };
    // Edges task → task, with the file and span of the reference that makes
    // them.
    let mut edges: Vec<Vec<(usize, usize, Span)>> = vec![Vec::new(); n];
    for (f, file) in files.iter().enumerate() {
        for (k, t) in file.doc.tasks.iter().enumerate() {
            let from = node((f, k));
            for d in &t.dependencies {
                let targets: Vec<usize> = match tasks.get(d.id.as_str()) {
                    Some(&to) => vec![node(to)],
                    None => {
                        match members.get(d.id.as_str()) {
                            // A group dependency does not make a task depend
                            // on itself.
                            Some(m) => m.iter().map(|&x| node(x)).filter(|&v| v != from).collect(),
                            None => {
                                out.push(Finding::new(
                                Code::TasksUnknownDependency,
                                f,
                                d.span,
                                format!(
                                    "Task {} depends on \"{}\", but no {unknown} has that id.{}",
                                    label(file, t),
                                    d.id,
                                    // Never the task's own id: depending on
                                    // itself is not what anybody meant.
                                    did_you_mean(
                                        &d.id,
                                        ids.iter().copied().filter(|&id| Some(id) != t.id.as_deref())
                                    )
                                ),
                            ));
                                continue;
                            }
                        }
                    }
                };
                for to_node in targets {
                    edges[from].push((to_node, f, d.span));
                    let (tf, dep) = task_at(to_node);
                    if to_node != from && t.state == TaskState::Done && dep.state != TaskState::Done
                    {
                        let (a, b) = (label(file, t), label(&files[tf], dep));
                        out.push(Finding::new(
                            Code::TasksDoneBeforeDependency,
                            f,
                            d.span,
                            format!("Task {a} is checked, but the task it depends on, {b}, is not. Uncheck {a} or finish {b} first."),
                        ));
                    }
                }
            }
        }
    }
    for scc in strongly_connected(n, |v, k| edges[v].get(k).map(|e| e.0)) {
        let cyclic = scc.len() > 1 || edges[scc[0]].iter().any(|e| e.0 == scc[0]);
        if !cyclic {
            continue;
        }
        let members: HashSet<usize> = scc.iter().copied().collect();
        let mut order = scc;
        order.sort_unstable();
        let names: Vec<String> = order
            .iter()
            .map(|&v| {
                let (f, t) = task_at(v);
                label(&files[f], t)
            })
            .collect();
        let cycle = format!("{} → {}", names.join(" → "), names[0]);
        let mut reported = HashSet::default();
        for &v in &order {
            for &(w, f, span) in &edges[v] {
                if members.contains(&w) && reported.insert((f, span)) {
                    out.push(Finding::new(
                        Code::TasksDependencyCycle,
                        f,
                        span,
                        format!("Dependency cycle: {cycle}. No task of the cycle can start; remove one of these dependencies."),
                    ));
                }
            }
        }
    }
    out
}

#[cfg(test)]
#[path = "unit_tests.rs"]
mod tests;
