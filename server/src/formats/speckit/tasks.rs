//! tasks.md: phases (`## Phase 3: User Story 1 - …`, the old template's
//! `## Phase 3.1: Setup`, nested `### Phase 1.2: …`) and task lines
//! `- [ ] T001 [P] [US1] Description with path/to/file.py (depends on T000)`,
//! with bold ids (`**T001**`), letter suffixes (`T012a`), combined labels
//! (`[US1][US2]`, `[US1/2]`), dependency clauses with ranges, cited
//! requirement ids and named file paths. Indented lines under a task
//! (detail bullets) count as part of it for dependencies, ids and paths.

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

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilePath {
    /// Without a leading `./` and a `:line` or `::test` suffix.
    pub path: String,
    pub span: Span,
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

/// The id's range right after a checkbox (`T001`, `**T001**`).
fn id_after_checkbox(line: &str, text_at: usize) -> Option<std::ops::Range<usize>> {
    let at = text_at
        + if line[text_at..].starts_with("**") {
            2
        } else {
            0
        };
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
    };
    let mut q = text_at;
    if let Some(id) = id_after_checkbox(line, text_at) {
        let mut bold_open = line[text_at..].starts_with("**");
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
    paths(line, base, &mut task.paths);
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

/// File paths a line names: in backticks, or bare words with a slash and
/// an extension (`src/a.ts`) or a known extension (`README.md`).
pub(crate) fn paths(line: &str, base: usize, out: &mut Vec<FilePath>) {
    let code = scan::code_spans(line);
    for r in &code {
        let inner = line[r.clone()].trim_matches('`');
        let inner_t = js::trim(inner);
        if let Some(p) = path_of(inner_t, true) {
            let at = offset_in(line, inner_t);
            out.push(FilePath {
                path: p.to_string(),
                span: Span::new(base + at, base + at + inner_t.len()),
            });
        }
    }
    for word in line.split(|c: char| js::is_ws(c)) {
        // A path has a folder or an extension (see `path_of`): most words
        // have neither, and this is the reader's busiest loop.
        if !word.bytes().any(|c| c == b'/' || c == b'.') {
            continue;
        }
        let at = offset_in(line, word);
        if code.iter().any(|r| r.start < at + word.len() && at < r.end) {
            continue;
        }
        let w = word.trim_start_matches(['(', '"', '\'', '[', '*']);
        let w = w.trim_end_matches([')', '"', '\'', ',', '.', ';', ':', ']', '*']);
        if let Some(p) = path_of(w, false) {
            let at = offset_in(line, w);
            out.push(FilePath {
                path: p.to_string(),
                span: Span::new(base + at, base + at + w.len()),
            });
        }
    }
    out.sort_by_key(|p| p.span);
}

/// The path `s` names, if it looks like one.
fn path_of(s: &str, in_code: bool) -> Option<&str> {
    if s.is_empty()
        || s.contains("://")
        || s.contains(char::is_whitespace)
        || s.contains(['(', '<', '>', '=', '{', '$', '*', '|'])
    {
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
            .all(|p| p.chars().any(char::is_alphanumeric) || p == "..");
        if !segments_ok || s == "/" {
            return None;
        }
        if s.ends_with('/') {
            return in_code.then_some(s);
        }
        (ext.is_some() || in_code).then_some(s)
    } else {
        let ext = ext?;
        if !has_name {
            return None;
        }
        (in_code || BARE_EXTENSIONS.contains(&ext)).then_some(s)
    }
}

#[cfg(test)]
#[path = "tasks_tests.rs"]
mod tests;
