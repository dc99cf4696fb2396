//! tasks.md: phases (`## Phase 3: User Story 1 - …`, the old template's
//! `## Phase 3.1: Setup`, nested `### Phase 1.2: …`) and task lines
//! `- [ ] T001 [P] [US1] Description with path/to/file.py (depends on T000)`,
//! with bold ids (`**T001**`), letter suffixes (`T012a`), combined labels
//! (`[US1][US2]`, `[US1/2]`), dependency clauses with ranges, cited
//! requirement ids and named file paths. Indented lines under a task
//! (detail bullets) count as part of it for dependencies, ids and paths.
//! Each path carries its role: the file the task writes, or one it only
//! reads, runs, checks or names as a reference; two `[P]` tasks conflict
//! only over files they both write.

use super::scan::{self, offset_in, Text};
use super::IdRef;
use crate::model::Span;
use crate::syntax::js;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PhaseKind {
    Setup,
    Foundational,
    /// The user stories a phase implements (`User Story 2`, `User Story 1+2`).
    Story(Vec<u32>),
    Polish,
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phase {
    pub heading: Span,
    pub title: Span,
    pub level: u8,
    pub kind: PhaseKind,
    pub line: u32,
}

/// A `[US1]` label (or `[US1/2]`, `[US1, US2]`): the stories it names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoryLabel {
    pub numbers: Vec<u32>,
    /// The bracketed label.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dependency {
    pub id: String,
    /// The id as written, or the whole range it was expanded from.
    pub span: Span,
    pub from_range: bool,
}

/// What a task does with a file it names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathRole {
    /// The file the task creates or changes.
    Written,
    /// A file the task reads, runs or checks, or names as a reference
    /// (`mirroring \`a.ts\``, `**Verify**: \`b.json\` parses`).
    Read,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilePath {
    /// Without a leading `./` and a `:line` or `::test` suffix.
    pub path: String,
    pub span: Span,
    pub role: PathRole,
}

impl FilePath {
    /// A folder (`src/models/`) or a pattern (`commands/*.md`,
    /// `capture-{plan,tasks}.md`): it names files, but not one file.
    pub fn is_pattern(&self) -> bool {
        self.path.ends_with('/') || self.path.contains(['*', '{'])
    }
}

/// What a task does, from the verb it opens with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskKind {
    /// Creates or changes files (the default).
    Change,
    /// Runs, verifies or inspects (`Run the tests`, `Verify …`, `Manual
    /// test: …`): it writes no file, so every path it names is read.
    Check,
    /// Acts outside the files (`Commit …`, `Deploy …`, `Install …`): it
    /// need not name one.
    Operate,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Task {
    pub id: Option<String>,
    pub id_span: Option<Span>,
    pub done: bool,
    pub checkbox: Span,
    /// The task line, trimmed.
    pub span: Span,
    /// What follows the id and labels.
    pub description: Span,
    /// The `[P]` label.
    pub parallel: Option<Span>,
    pub stories: Vec<StoryLabel>,
    /// Other bracketed labels after the id (`[A]`).
    pub other_labels: Vec<Span>,
    pub dependencies: Vec<Dependency>,
    pub requirements: Vec<IdRef>,
    pub paths: Vec<FilePath>,
    pub phase: Option<usize>,
    pub parent: Option<usize>,
    pub line: u32,
    /// The last line of the task's detail bullets (its own line when none).
    pub last_line: u32,
    pub kind: TaskKind,
    /// Struck through (`- [x] ~~T009 Write …~~ — removed`): withdrawn, but
    /// its id stays taken.
    pub struck: bool,
}

/// A range the reader could not expand: backwards (`T014–T010`), too long,
/// or between ids with letter suffixes. Its two ends are kept as
/// dependencies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadRange {
    pub span: Span,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TaskFile {
    pub phases: Vec<Phase>,
    pub tasks: Vec<Task>,
    pub bad_ranges: Vec<BadRange>,
}

/// The longest range expanded; longer ones are kept as their two ends.
const MAX_RANGE: u64 = 1000;

impl TaskFile {
    pub fn parse(text: &str) -> TaskFile {
        let t = Text::new(text);
        let n = t.len();
        // Whether a heading directly holds a task with an id (before the
        // next heading of any level).
        let mut holds_tasks = vec![false; n];
        let mut last_heading = None;
        for i in 0..n {
            if !t.prose(i) {
                continue;
            }
            if t.heading(i).is_some() {
                last_heading = Some(i);
            } else if let (Some(h), Some(cb)) = (last_heading, scan::checkbox(t.line(i))) {
                if id_after_checkbox(t.line(i), cb.2).is_some() {
                    holds_tasks[h] = true;
                }
            }
        }
        let mut out = TaskFile::default();
        let mut stack: Vec<(u8, Option<usize>)> = Vec::new();
        // Open tasks by indentation, for parents and detail lines.
        let mut open: Vec<(usize, usize)> = Vec::new();
        for (i, &holds) in holds_tasks.iter().enumerate() {
            if !t.prose(i) {
                continue;
            }
            let line = t.line(i);
            let base = t.start(i);
            if let Some((level, title)) = t.heading(i) {
                open.clear();
                while stack.last().is_some_and(|&(l, _)| l >= level) {
                    stack.pop();
                }
                let in_phase = stack.iter().any(|s| s.1.is_some());
                let kind = phase_kind(t.slice(title));
                let phase_like = level >= 2 && (kind.is_some() || (holds && !in_phase));
                let mut entry = None;
                if phase_like && !(in_phase && kind.is_none()) {
                    out.phases.push(Phase {
                        heading: t.trimmed(i),
                        title,
                        level,
                        kind: kind.unwrap_or(PhaseKind::Other),
                        line: i as u32,
                    });
                    entry = Some(out.phases.len() - 1);
                }
                stack.push((level, entry));
                continue;
            }
            let indent = indent_of(line);
            let blank = js::trim(line).is_empty();
            if !blank {
                while open.last().is_some_and(|&(_, ind)| ind >= indent) {
                    open.pop();
                }
            }
            let phase = stack.iter().rev().find_map(|s| s.1);
            if let Some((done, cb, text_at)) = scan::checkbox(line) {
                let task = task_line(line, base, done, cb, text_at, &mut out.bad_ranges);
                out.tasks.push(Task {
                    span: t.trimmed(i),
                    phase,
                    parent: open.last().map(|o| o.0),
                    line: i as u32,
                    last_line: i as u32,
                    ..task
                });
                open.push((out.tasks.len() - 1, indent));
                continue;
            }
            if blank {
                continue;
            }
            // A detail line of the innermost open task.
            if let Some(&(k, _)) = open.last() {
                let task = &mut out.tasks[k];
                task.last_line = i as u32;
                details(line, base, task, Where::Detail, &mut out.bad_ranges);
            }
        }
        out
    }

    pub fn task(&self, id: &str) -> Option<&Task> {
        self.tasks.iter().find(|t| t.id.as_deref() == Some(id))
    }

    /// Whether any phase is a user story phase (the old template has none).
    pub fn has_story_phases(&self) -> bool {
        self.phases
            .iter()
            .any(|p| matches!(p.kind, PhaseKind::Story(_)))
    }
}

fn indent_of(line: &str) -> usize {
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

/// The id's range right after a checkbox (`T001`, `**T001**`,
/// `~~T001 …~~`).
fn id_after_checkbox(line: &str, text_at: usize) -> Option<std::ops::Range<usize>> {
    let mut at = text_at;
    for mark in ["~~", "**"] {
        if line[at..].starts_with(mark) {
            at += mark.len();
        }
    }
    scan::task_id_at(line, at).map(|end| at..end)
}

/// A phase heading's kind, or `None` when the title names no phase:
/// `Phase 3: User Story 1 - …`, `Phase 3.1: Setup`, `Setup`, `US2 — …`.
pub(crate) fn phase_kind(title: &str) -> Option<PhaseKind> {
    let mut rest = title;
    let mut numbered = false;
    if let Some(r) = js::strip_prefix_ci(title, "phase ") {
        let r = js::trim_start(r);
        let id = r
            .find(|c: char| !(c.is_alphanumeric() || c == '.'))
            .unwrap_or(r.len());
        if id > 0 {
            numbered = true;
            rest = js::trim_start(&r[id..]);
            rest = rest
                .strip_prefix([':', '—', '–', '-', '.'])
                .map(js::trim_start)
                .unwrap_or(rest);
        }
    }
    if let Some(stories) = story_numbers(rest) {
        return Some(PhaseKind::Story(stories));
    }
    let lower = rest.to_lowercase();
    let kind = if lower.starts_with("setup") {
        PhaseKind::Setup
    } else if lower.starts_with("foundation") {
        PhaseKind::Foundational
    } else if lower.starts_with("polish") {
        PhaseKind::Polish
    } else {
        PhaseKind::Other
    };
    (numbered || kind != PhaseKind::Other).then_some(kind)
}

/// `User Story 2`, `User Stories 1 & 2`, `User Story 1+2`, `US3`: the
/// numbers, or `None` when `s` does not begin with a story reference.
fn story_numbers(s: &str) -> Option<Vec<u32>> {
    let rest = js::strip_prefix_ci(s, "user stories")
        .or_else(|| js::strip_prefix_ci(s, "user story"))
        .or_else(|| s.strip_prefix("US"))?;
    let mut nums = Vec::new();
    let mut r = rest;
    loop {
        r = js::trim_start(r);
        r = r.strip_prefix("US").unwrap_or(r);
        let d = r.bytes().take_while(u8::is_ascii_digit).count();
        if d == 0 || d > 6 {
            break;
        }
        nums.push(r[..d].parse().ok()?);
        r = js::trim_start(&r[d..]);
        match ["+", "&", ",", "/", "and "]
            .iter()
            .find(|p| r.starts_with(**p))
        {
            Some(p) => r = &r[p.len()..],
            None => break,
        }
    }
    (!nums.is_empty()).then_some(nums)
}

fn task_line(
    line: &str,
    base: usize,
    done: bool,
    cb: std::ops::Range<usize>,
    text_at: usize,
    bad: &mut Vec<BadRange>,
) -> Task {
    let mut task = Task {
        id: None,
        id_span: None,
        done,
        checkbox: Span::new(base + cb.start, base + cb.end),
        span: Span::default(),
        description: Span::default(),
        parallel: None,
        stories: Vec::new(),
        other_labels: Vec::new(),
        dependencies: Vec::new(),
        requirements: Vec::new(),
        paths: Vec::new(),
        phase: None,
        parent: None,
        line: 0,
        last_line: 0,
        kind: TaskKind::Change,
        struck: false,
    };
    let mut q = text_at;
    if let Some(id) = id_after_checkbox(line, text_at) {
        task.struck = line[text_at..].starts_with("~~");
        let after_strike = text_at + if task.struck { 2 } else { 0 };
        let mut bold_open = line[after_strike..].starts_with("**");
        task.id = Some(line[id.clone()].to_string());
        task.id_span = Some(Span::new(base + id.start, base + id.end));
        q = id.end;
        loop {
            if bold_open && line[q..].starts_with("**") {
                q += 2;
                bold_open = false;
            }
            if line[q..].starts_with(':') {
                q += 1;
            }
            let lead = js::trim_start(&line[q..]);
            let at = offset_in(line, lead);
            if !lead.starts_with('[') {
                if bold_open && lead.starts_with("**") {
                    q = at;
                    continue;
                }
                break;
            }
            let Some(close) = lead.find(']') else { break };
            let inner = &lead[1..close];
            if inner.contains('[') {
                break;
            }
            let span = Span::new(base + at, base + at + close + 1);
            if inner == "P" {
                task.parallel = Some(span);
            } else if let Some(numbers) = inner
                .starts_with("US")
                .then(|| story_numbers(inner))
                .flatten()
            {
                task.stories.push(StoryLabel { numbers, span });
            } else {
                task.other_labels.push(span);
            }
            q = at + close + 1;
        }
    }
    let desc = js::trim(&line[q..]);
    let d_at = if desc.is_empty() {
        line.len()
    } else {
        offset_in(line, desc)
    };
    task.description = Span::new(base + d_at, base + d_at + desc.len());
    task.kind = task_kind(desc);
    // `**T001** ~~Skip the redirect~~ — superseded by T002`.
    task.struck |= task.id.is_some() && desc.starts_with("~~");
    details(line, base, &mut task, Where::TaskLine, bad);
    // The id itself is no dependency or path; `details` read from the
    // description onwards only through its own checks, so drop anything
    // found before the description.
    let from = task.description.start;
    task.dependencies.retain(|d| d.span.start >= from);
    task.requirements.retain(|r| r.span.start >= from);
    task.paths.retain(|p| p.span.start >= from);
    task
}

/// Which line of a task is read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Where {
    TaskLine,
    /// A detail line below it: prose about the task (`**Verify**: passes
    /// after T008 lands`, `T002, T003 can run in parallel after T001`)
    /// names other tasks without depending on them, so only a line that
    /// opens with a dependency clause (`- *(depends on T001)*`,
    /// `- **Depends on**: T004`) states the task's dependencies.
    Detail,
}

/// Dependencies, requirement ids and file paths of one line of a task.
fn details(line: &str, base: usize, task: &mut Task, at: Where, bad: &mut Vec<BadRange>) {
    dependencies(line, base, at, &mut task.dependencies, bad);
    scan::requirement_refs(line, base, &mut task.requirements);
    let from = task.paths.len();
    paths(line, base, &mut task.paths);
    let read_all = task.kind == TaskKind::Check
        || (at == Where::Detail
            && match line_label(line).as_deref() {
                Some(l) if READ_LABELS.contains(&l) => true,
                Some(l) if WRITE_LABELS.contains(&l) => false,
                // `**Do**: …` and plain bullets under a task whose line
                // names the file it writes say how to change that file:
                // the other files they name are read or referred to
                // ("Add `toc.ts` to the module list", "link to `docs/a.md`").
                _ => task.paths[..from]
                    .iter()
                    .any(|p| p.role == PathRole::Written && p.span.start < task.span.end),
            });
    if read_all {
        for p in &mut task.paths[from..] {
            p.role = PathRole::Read;
        }
    }
}

/// Detail-line labels whose paths the task reads, checks or refers to
/// (`**Verify**: \`package.json\` parses`, `**Leverage**: \`a.ts\``).
const READ_LABELS: &[&str] = &[
    "verify",
    "verification",
    "validate",
    "validation",
    "check",
    "checks",
    "checkpoint",
    "leverage",
    "reference",
    "references",
    "see",
    "see also",
    "context",
    "depends on",
    "dependencies",
    "acceptance",
    "acceptance criteria",
    "done when",
    "source",
    "sources",
    "input",
    "inputs",
    "pattern",
    "example",
    "examples",
    "note",
    "notes",
    "why",
    "rationale",
    "evidence",
    "gate",
    "expected",
];

/// Detail-line labels that list the files the task writes.
const WRITE_LABELS: &[&str] = &[
    "file", "files", "path", "paths", "target", "targets", "output", "outputs", "location",
    "touches", "modify", "modifies", "create", "creates", "changes", "edit", "edits", "where",
];

/// The label a detail line opens with (`- **Verify**: …`, `**Files:**`,
/// `Depends on: T005`), lowercased.
fn line_label(line: &str) -> Option<String> {
    let s = js::trim_start(line);
    let s = ["- ", "* ", "+ "]
        .iter()
        .find_map(|b| s.strip_prefix(b))
        .unwrap_or(s);
    let s = js::trim_start(s).trim_start_matches(['*', '_']);
    let end = s.find(':')?;
    let label = s[..end].trim_end_matches(['*', '_']);
    (!label.is_empty() && label.len() <= 30 && label.chars().all(|c| c.is_alphabetic() || c == ' '))
        .then(|| label.to_lowercase())
}

/// Verbs a task that only runs, verifies or inspects opens with.
const CHECK_VERBS: &[&str] = &[
    "run",
    "rerun",
    "re-run",
    "execute",
    "launch",
    "compile",
    "reproduce",
    "verify",
    "validate",
    "check",
    "confirm",
    "review",
    "inspect",
    "audit",
    "measure",
    "benchmark",
    "profile",
    "grep",
    "search",
    "sweep",
    "lint",
    "sanity-check",
    "double-check",
    "smoke-test",
    "critique",
    "eyeball",
    "verification",
    "validation",
];

/// Words that make a checking task of the words before them
/// (`Manual smoke test`, `Final visual review`, `Performance validation`)
/// or of a leading label (`Spec 110 regression check: …`, `Gate: …`).
const CHECK_NOUNS: &[&str] = &[
    "check",
    "checks",
    "verify",
    "verification",
    "validation",
    "review",
    "sweep",
    "gate",
    "audit",
    "inspection",
    "qa",
    "suite",
    "gates",
];

/// Openings that qualify a test as a run rather than code to write
/// (`Manual test`, `Performance tests ensuring …`).
const CHECK_ADJECTIVES: &[&str] = &[
    "manual",
    "manually",
    "full",
    "final",
    "visual",
    "live",
    "performance",
    "regression",
    "smoke",
    "acceptance",
    "end-to-end",
    "e2e",
    "sanity",
];

/// Commands a task that only runs something opens with (`` `npm test`
/// green ``, `` `poetry run pytest` ``).
const COMMANDS: &[&str] = &[
    "npm",
    "npx",
    "yarn",
    "pnpm",
    "poetry",
    "python",
    "python3",
    "pytest",
    "cargo",
    "go",
    "make",
    "git",
    "gradle",
    "./gradlew",
    "dotnet",
    "node",
    "bun",
    "deno",
    "uv",
    "pip",
    "bash",
    "sh",
    "jest",
    "tsc",
];

/// Verbs of work outside the files: committing, shipping, installing,
/// restoring, or nothing at all (`No-op`, `N/A`).
const OPERATE_VERBS: &[&str] = &[
    "commit", "push", "publish", "deploy", "release", "tag", "install", "rebuild", "restore",
    "test", "no-op", "n/a", "skip", "skipped",
];

/// Chinese openings of a checking task: verify, run, check, performance
/// test.
const CHECK_PREFIXES_ZH: &[&str] = &["验证", "运行", "检查", "性能测试"];

/// The longest leading `Label:` read for a check noun: longer, the colon
/// ends a sentence ("Add a constant before the suggestion check: …").
const LABEL_WORDS: usize = 5;

/// The kind of a task from its description's opening words, after any
/// alert or label in front of them (`⚠️ CRITICAL: Run …`).
fn task_kind(desc: &str) -> TaskKind {
    if CHECK_PREFIXES_ZH.iter().any(|p| desc.starts_with(p)) {
        return TaskKind::Check;
    }
    // An alert word, a label of up to LABEL_WORDS words and its colon: no
    // decision looks further.
    let raw: Vec<&str> = desc
        .split(|c: char| js::is_ws(c))
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .take(LABEL_WORDS + 2)
        .collect();
    let mut at = 0;
    // `CRITICAL:`, `BLOCKING:`: an alert, not the verb.
    if raw.first().is_some_and(|w| {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric() && c != ':');
        w.ends_with(':') && w.len() > 2 && !w.chars().any(char::is_lowercase)
    }) {
        at = 1;
    }
    let norm = |w: &str| {
        w.trim_matches(|c: char| !c.is_alphanumeric() && !"-/.".contains(c))
            .trim_end_matches('.')
            .to_lowercase()
    };
    // The verb and the three words after it are all the checks below read.
    let words: Vec<String> = raw[at..].iter().take(4).map(|w| norm(w)).collect();
    let Some(first) = words.first() else {
        return TaskKind::Change;
    };
    let next_two = &words[1..words.len().min(3)];
    let starts_with_command = raw[at].starts_with('`') && COMMANDS.contains(&first.as_str());
    // `Spec 110 regression check: open …`, `Diff check (SC-005): …`: a
    // short label before the colon that names a check.
    let label_check = raw[at..]
        .iter()
        .take(LABEL_WORDS + 1)
        .position(|w| w.ends_with(':'))
        .is_some_and(|k| {
            let mut label = &raw[at..=at + k];
            if label.len() > 1 && label[label.len() - 1].starts_with('(') {
                label = &label[..label.len() - 1];
            }
            label.len() <= LABEL_WORDS
                && label
                    .last()
                    .is_some_and(|w| CHECK_NOUNS.contains(&norm(w).as_str()))
        });
    if CHECK_VERBS.contains(&first.as_str())
        || starts_with_command
        || label_check
        || (CHECK_ADJECTIVES.contains(&first.as_str())
            && next_two.iter().any(|w| {
                CHECK_NOUNS.contains(&w.as_str()) || w.starts_with("test") || w == "smoke"
            }))
    {
        TaskKind::Check
    } else if OPERATE_VERBS.contains(&first.as_str())
        // `No test updates needed`, `No changes required`.
        || (first == "no"
            && words[1..words.len().min(4)]
                .iter()
                .any(|w| ["needed", "required", "changes", "change"].contains(&w.as_str())))
        // `Create feature branch \`002-x\``: a branch is no file.
        || (["create", "checkout", "switch", "cut"].contains(&first.as_str())
            && next_two.iter().any(|w| w == "branch"))
    {
        TaskKind::Operate
    } else {
        TaskKind::Change
    }
}

/// The words that open a dependency clause (`(depends on T012, T013)`,
/// `after T012`).
const DEP_WORDS: &[&str] = &["depends on", "depend on", "after", "blocked by"];

/// Searchers for [`DEP_WORDS`], built once: every line of a tasks file is
/// searched for each of them on every keystroke.
fn dep_finders() -> &'static [memchr::memmem::Finder<'static>] {
    static FINDERS: std::sync::OnceLock<Vec<memchr::memmem::Finder<'static>>> =
        std::sync::OnceLock::new();
    FINDERS.get_or_init(|| DEP_WORDS.iter().map(memchr::memmem::Finder::new).collect())
}

fn dependencies(
    line: &str,
    base: usize,
    place: Where,
    out: &mut Vec<Dependency>,
    bad: &mut Vec<BadRange>,
) {
    let lower = line.to_ascii_lowercase();
    let b = line.as_bytes();
    for (word, finder) in DEP_WORDS.iter().zip(dep_finders()) {
        let mut pos = 0;
        while let Some(k) = finder.find(&lower.as_bytes()[pos..]) {
            let at = pos + k;
            pos = at + word.len();
            if place == Where::Detail && !line[..at].bytes().all(|c| b" \t-*+_(>".contains(&c)) {
                continue;
            }
            if at > 0 && (b[at - 1].is_ascii_alphanumeric() || b[at - 1] == b'_') {
                continue;
            }
            if b.get(pos).is_some_and(|c| c.is_ascii_alphanumeric()) {
                continue;
            }
            let mut p = pos;
            // `**Depends on**: T001`
            for skip in ["**", ":", "**"] {
                p = line.len() - js::trim_start(&line[p..]).len();
                if line[p..].starts_with(skip) {
                    p += skip.len();
                }
            }
            id_list(line, p, base, out, bad);
        }
    }
}

/// Task ids separated by commas, `and`, `&`, `/` or blanks, with ranges
/// (`T010–T014`, `T010-T014`, `T010..T014`), from byte `p` on.
fn id_list(
    line: &str,
    mut p: usize,
    base: usize,
    out: &mut Vec<Dependency>,
    bad: &mut Vec<BadRange>,
) {
    loop {
        let rest = js::trim_start(&line[p..]);
        p = line.len() - rest.len();
        if let Some(r) = [",", "&", "/", "and ", "or "]
            .iter()
            .find(|s| rest.starts_with(**s))
        {
            if out.is_empty() && p == 0 {
                return;
            }
            p += r.len();
            continue;
        }
        let Some(end) = scan::task_id_at(line, p) else {
            return;
        };
        let first = p..end;
        p = end;
        // A range: a dash or `..`, blanks allowed around it.
        let after = js::trim_start(&line[p..]);
        let sep = ["–", "—", "-", ".."]
            .iter()
            .find(|s| after.starts_with(**s));
        if let Some(sep) = sep {
            let second_at = offset_in(line, after) + sep.len();
            let second_at = line.len() - js::trim_start(&line[second_at..]).len();
            if let Some(second_end) = scan::task_id_at(line, second_at) {
                range(line, first, second_at..second_end, base, out, bad);
                p = second_end;
                continue;
            }
        }
        out.push(Dependency {
            id: line[first.clone()].to_string(),
            span: Span::new(base + first.start, base + first.end),
            from_range: false,
        });
    }
}

fn range(
    line: &str,
    a: std::ops::Range<usize>,
    b: std::ops::Range<usize>,
    base: usize,
    out: &mut Vec<Dependency>,
    bad: &mut Vec<BadRange>,
) {
    let span = Span::new(base + a.start, base + b.end);
    let (x, y) = (&line[a.start + 1..a.end], &line[b.start + 1..b.end]);
    let numeric = |s: &str| s.bytes().all(|c| c.is_ascii_digit());
    if numeric(x) && numeric(y) {
        if let (Ok(from), Ok(to)) = (x.parse::<u64>(), y.parse::<u64>()) {
            if from <= to && to - from <= MAX_RANGE {
                let width = x.len();
                for n in from..=to {
                    out.push(Dependency {
                        id: format!("T{n:0width$}"),
                        span,
                        from_range: true,
                    });
                }
                return;
            }
        }
    }
    bad.push(BadRange { span });
    for r in [a, b] {
        out.push(Dependency {
            id: line[r.clone()].to_string(),
            span: Span::new(base + r.start, base + r.end),
            from_range: false,
        });
    }
}

/// Extensions a bare word (not in backticks, without a slash) must have to
/// count as a file name; `.js` is left out because prose names frameworks
/// that way (`Node.js`).
const BARE_EXTENSIONS: &[&str] = &[
    "md", "ts", "tsx", "jsx", "py", "rs", "go", "json", "yaml", "yml", "toml", "kt", "kts", "java",
    "cs", "sql", "sh", "html", "css", "scss", "vue", "svelte", "rb", "php", "swift", "gradle",
    "xml", "mjs", "cjs",
];

/// File paths a line names: in backticks, as a Markdown link's target, or
/// bare words with a slash and an extension (`src/a.ts`), a known
/// extension (`README.md`), or a closing slash (`src/models/`). Each is
/// written unless the words before it say it is read or referred to.
pub(crate) fn paths(line: &str, base: usize, out: &mut Vec<FilePath>) {
    let code = scan::code_spans(line);
    let named = |at: usize, text: &str, path: &str| FilePath {
        path: path.to_string(),
        span: Span::new(base + at, base + at + text.len()),
        role: role_before(line, at, &code),
    };
    for r in &code {
        let inner = line[r.clone()].trim_matches('`');
        let inner_t = js::trim(inner);
        if let Some(p) = path_of(inner_t, true) {
            out.push(named(offset_in(line, inner_t), inner_t, p));
        } else if inner_t.contains(|c: char| js::is_ws(c)) {
            // A command's arguments (`poetry run pytest tests/test_a.py`,
            // `git rm --cached .specify/a.yml`): files it runs or reads.
            for word in inner_t.split(|c: char| js::is_ws(c)) {
                let w = word.trim_matches(['"', '\'']);
                if let Some(p) = path_of(w, false) {
                    let at = offset_in(line, w);
                    out.push(FilePath {
                        path: p.to_string(),
                        span: Span::new(base + at, base + at + w.len()),
                        role: PathRole::Read,
                    });
                }
            }
        }
    }
    for word in line.split(|c: char| js::is_ws(c)) {
        // A path has a folder, an extension or a well-known name (see
        // `path_of`): most words have none, and this is the reader's
        // busiest loop.
        if !word.bytes().any(|c| c == b'/' || c == b'.') && !names_a_file(word) {
            continue;
        }
        let at = offset_in(line, word);
        if code.iter().any(|r| r.start < at + word.len() && at < r.end) {
            continue;
        }
        // `[src/a.ts](src/a.ts)`: the link's target.
        let word = match word.find("](") {
            Some(k) => &word[k + 2..],
            None => word,
        };
        let w = word.trim_start_matches(['(', '"', '\'', '[', '*']);
        let w = w.trim_end_matches([')', '"', '\'', ',', '.', ';', ':', ']', '*']);
        if let Some(p) = path_of(w, false) {
            out.push(named(offset_in(line, w), w, p));
        }
    }
    out.sort_by_key(|p| p.span);
}

/// Words after which a path is read, run or referred to, not written:
/// "merge the values from `a.ts` into `b.ts`", "mirroring `x.yml`", "per
/// CLAUDE.md", "derived from `.spec-context.json`".
const READ_WORDS: &[&str] = &[
    "from",
    "per",
    "see",
    "like",
    "unlike",
    "vs",
    "versus",
    "mirror",
    "mirrors",
    "mirroring",
    "mirrored",
    "against",
    "match",
    "matches",
    "matching",
    "mention",
    "mentions",
    "mentioning",
    "follow",
    "follows",
    "following",
    "read",
    "reads",
    "reading",
    "copy",
    "copies",
    "copying",
    "reuse",
    "reuses",
    "reusing",
    "leverage",
    "leverages",
    "leveraging",
    "import",
    "imports",
    "importing",
    "cite",
    "cites",
    "citing",
    "reference",
    "references",
    "referencing",
    "referenced",
    "link",
    "links",
    "linking",
    "run",
    "runs",
    "running",
    "execute",
    "executes",
    "invoke",
    "invokes",
    "invoking",
    "compare",
    "compares",
    "comparing",
    "compared",
    "consult",
    "modeled",
    "modelled",
    "based",
];

/// Words after which a path is the file the task writes.
const WRITE_WORDS: &[&str] = &[
    "in",
    "into",
    "at",
    "inside",
    "within",
    "under",
    "create",
    "creates",
    "creating",
    "add",
    "adds",
    "adding",
    "update",
    "updates",
    "updating",
    "edit",
    "edits",
    "editing",
    "modify",
    "modifies",
    "write",
    "writes",
    "writing",
    "implement",
    "implements",
    "extend",
    "extends",
    "change",
    "changes",
    "fix",
    "fixes",
    "refactor",
    "rename",
    "move",
    "delete",
    "remove",
    "append",
    "insert",
];

/// Words before "to" that make it a reference ("link out to", "similar
/// to", "according to") rather than a destination ("add X to `a.ts`").
const READ_BEFORE_TO: &[&str] = &[
    "link",
    "links",
    "linking",
    "linked",
    "out",
    "relative",
    "similar",
    "identical",
    "according",
    "equal",
    "equivalent",
    "compared",
    "pointing",
    "points",
    "point",
    "refer",
    "refers",
    "referring",
    "next",
    "close",
];

/// How many words back a path's verb or preposition is looked for.
const ROLE_REACH: usize = 6;

/// The role of the path at byte `at`: the nearest telling word before it in
/// its clause decides; none (or a clause break: `—`, `·`, `:`, `.`) means
/// written.
fn role_before(line: &str, at: usize, code: &[std::ops::Range<usize>]) -> PathRole {
    let before = &line[..at];
    // Only the last ROLE_REACH words (and the one before `to`) matter; a
    // line names many paths, so reading it whole for each is quadratic.
    let mut words: Vec<(usize, &str)> = before
        .rsplit(|c: char| js::is_ws(c))
        .filter(|w| !w.is_empty())
        .take(ROLE_REACH + 1)
        .map(|w| (offset_in(before, w), w))
        .collect();
    words.reverse();
    let norm = |w: &str| {
        w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-')
            .to_ascii_lowercase()
    };
    let mut seen = 0;
    for (k, &(start, raw)) in words.iter().enumerate().rev() {
        if seen == ROLE_REACH {
            break;
        }
        if code
            .iter()
            .any(|r| r.start < start + raw.len() && start < r.end)
        {
            seen += 1;
            continue;
        }
        let w = norm(raw);
        if READ_WORDS.contains(&w.as_str()) {
            return PathRole::Read;
        }
        if w == "to" {
            let prev = k.checked_sub(1).map(|j| norm(words[j].1));
            return match prev {
                Some(p) if READ_BEFORE_TO.contains(&p.as_str()) => PathRole::Read,
                _ => PathRole::Written,
            };
        }
        if WRITE_WORDS.contains(&w.as_str()) {
            return PathRole::Written;
        }
        let clause_break =
            w.is_empty() || raw.starts_with('(') || raw.ends_with([':', ';', '.', '?', '!', ')']);
        if clause_break {
            break;
        }
        seen += 1;
    }
    PathRole::Written
}

/// Files that have no extension but a known name (`(如 .editorconfig)`).
const DOTFILES: &[&str] = &[
    ".editorconfig",
    ".gitignore",
    ".gitattributes",
    ".dockerignore",
    ".env",
    ".env.example",
    ".eslintrc",
    ".prettierrc",
    ".npmrc",
    ".nvmrc",
    ".babelrc",
];

/// Files known by a name without an extension (`CHANGELOG entry.`,
/// `README: extend the front-end section`).
const NAMED_FILES: &[&str] = &[
    "README",
    "CHANGELOG",
    "LICENSE",
    "CONTRIBUTING",
    "CODEOWNERS",
    "Makefile",
    "Dockerfile",
    "Procfile",
    "Gemfile",
    "Rakefile",
    "Justfile",
    "Jenkinsfile",
    "Vagrantfile",
];

/// Whether a word with no folder and no extension holds one of
/// [`NAMED_FILES`] (`README:`, `(Makefile)`, `Makefile:12`): its first run
/// of letters and digits is the name.
fn names_a_file(word: &str) -> bool {
    let core = word.trim_start_matches(|c: char| !c.is_alphanumeric());
    let end = core
        .find(|c: char| !c.is_alphanumeric())
        .unwrap_or(core.len());
    NAMED_FILES.contains(&&core[..end])
}

/// The path `s` names, if it looks like one.
fn path_of(s: &str, in_code: bool) -> Option<&str> {
    if s.is_empty()
        || s.contains("://")
        || s.contains(char::is_whitespace)
        || s.contains(['(', '<', '>', '=', '$', '|', '"', '\''])
    {
        return None;
    }
    // A pattern (`commands/*.md`, `capture-{plan,tasks}.md`) names files
    // only in code and under a folder.
    if s.contains(['*', '{', '}']) && !(in_code && s.contains('/')) {
        return None;
    }
    let s = s.strip_prefix("./").unwrap_or(s);
    // `file.py::test_name`, `file.ts:42`, `file.ts:10-20`.
    let s = s.split("::").next().unwrap_or(s);
    let s = match s.rfind(':') {
        Some(k) if s[k + 1..].bytes().all(|c| c.is_ascii_digit() || c == b'-') => &s[..k],
        _ => s,
    };
    if s.is_empty() || s.starts_with(':') {
        return None;
    }
    let last = s.rsplit('/').next().unwrap_or(s);
    let ext = last.rfind('.').map(|k| &last[k + 1..]).filter(|e| {
        (1..=10).contains(&e.len())
            && e.bytes().all(|c| c.is_ascii_alphanumeric())
            && e.bytes().any(|c| c.is_ascii_alphabetic())
    });
    let has_name = last.rfind('.').is_some_and(|k| k > 0) || last.starts_with('.');
    // `/install-local`, `/publish`: slash commands, one segment after a
    // leading slash, no extension (a corpus finding took one for a file).
    if s.starts_with('/') && !s[1..].contains('/') && ext.is_none() {
        return None;
    }
    if s.contains('/') {
        let segments_ok = s
            .split('/')
            .filter(|p| !p.is_empty())
            .all(|p| p.chars().any(char::is_alphanumeric) || p == ".." || (in_code && p == "**"));
        if !segments_ok || s == "/" {
            return None;
        }
        if s.ends_with('/') {
            // A bare folder (`src/ModularGodot.Core.Test/ 中`) only in the
            // characters paths are made of, so that `and/or/` stays prose.
            let plain = s.split('/').filter(|p| !p.is_empty()).all(|p| {
                p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
            });
            return (in_code || plain).then_some(s);
        }
        (ext.is_some() || in_code).then_some(s)
    } else {
        if DOTFILES.contains(&s) || NAMED_FILES.contains(&s) {
            return Some(s);
        }
        let ext = ext?;
        if !has_name {
            return None;
        }
        if BARE_EXTENSIONS.contains(&ext) || (in_code && CODE_EXTENSIONS.contains(&ext)) {
            return Some(s);
        }
        // In code, an unknown extension counts when it could be one:
        // `foo.gd` yes; `fs.statSync` (a member) and
        // `vscode.workspace.fs.stat` (a call chain) no.
        let stem = &s[..s.len() - ext.len() - 1];
        let stem = stem.strip_prefix('.').unwrap_or(stem);
        (in_code && !ext.bytes().any(|c| c.is_ascii_uppercase()) && !stem.contains('.'))
            .then_some(s)
    }
}

/// Extensions a file in backticks without a folder may have besides
/// [`BARE_EXTENSIONS`], even when its name has more dots
/// (`collections.contract.test.js`).
const CODE_EXTENSIONS: &[&str] = &[
    "js", "txt", "lock", "cfg", "ini", "env", "csv", "png", "svg", "jpg", "hook", "tf", "proto",
    "graphql", "gd", "tscn", "csproj", "sln", "props", "c", "h", "cpp", "hpp", "dart", "lua",
];

#[path = "tasks_splice.rs"]
mod splice;
pub use splice::Spliced;

#[cfg(test)]
#[path = "tasks_tests.rs"]
mod tests;
