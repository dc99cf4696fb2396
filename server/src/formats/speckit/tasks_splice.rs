//! Re-reading tasks.md after a keystroke without reading all of it.
//!
//! Typing in a task list changes one line at a time, and most keystrokes
//! leave what makes that line structure as it was: not a heading, fence,
//! comment or front-matter line before or after, the same indentation,
//! blank or not, a checkbox or not, an id after the checkbox or not. Such an
//! edit changes at most one task, the one whose own line or detail lines
//! hold the edited line; every phase, parent and line number stays, and
//! everything after the line moves by the same number of bytes. That task is
//! read again from its own lines, as a document of their own: its first line
//! is a prose task line, so no fence, comment or front matter is open there,
//! and those lines alone read as they do in the whole file.
//!
//! Every other edit (and a task with sub-tasks, or inside another) goes back
//! to [`TaskFile::parse`]. `server/tests/speckit_splice.rs` holds both paths
//! to a fresh read on every tasks.md of the corpus.

use super::{id_after_checkbox, indent_of, BadRange, Task, TaskFile};
use crate::formats::speckit::scan;
use crate::model::Span;
use crate::syntax::js;
use crate::text::diff::{changed_lines, line_feeds};

/// What [`TaskFile::splice`] changed, for the summaries built from the
/// task file: every span that started at or after `at` moved by `delta`
/// bytes, and `task`, if any, was read again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spliced {
    pub at: u32,
    pub delta: i64,
    pub task: Option<usize>,
}

/// The task read again, with what it replaces.
struct Fresh {
    index: usize,
    task: Task,
    bad_ranges: Vec<BadRange>,
    /// The task's lines in the old text.
    old_block: std::ops::Range<usize>,
}

impl TaskFile {
    /// Makes `self`, the summary of `old`, the summary of `new` when the
    /// edit between them is one this module takes, and says what moved;
    /// `None`, with `self` untouched, when `new` must be read in full.
    pub fn splice(&mut self, old: &str, new: &str) -> Option<Spliced> {
        if old == new {
            return Some(Spliced {
                at: old.len() as u32,
                delta: 0,
                task: None,
            });
        }
        let (at, delta, fresh) = self.plan(old, new)?;
        let from = at as u32;
        let mut task = None;
        if let Some(f) = &fresh {
            let r = &f.old_block;
            self.bad_ranges
                .retain(|b| !r.contains(&(b.span.start as usize)));
        }
        for (i, t) in self.tasks.iter_mut().enumerate() {
            if fresh.as_ref().is_none_or(|f| f.index != i) {
                t.shift(from, delta);
            }
        }
        for p in &mut self.phases {
            shift(&mut p.heading, from, delta);
            shift(&mut p.title, from, delta);
        }
        for b in &mut self.bad_ranges {
            shift(&mut b.span, from, delta);
        }
        if let Some(f) = fresh {
            let k = self
                .bad_ranges
                .partition_point(|b| b.span.start < f.task.span.start);
            self.bad_ranges.splice(k..k, f.bad_ranges);
            self.tasks[f.index] = f.task;
            task = Some(f.index);
        }
        Some(Spliced {
            at: from,
            delta,
            task,
        })
    }

    /// Where the edit ends in the old text, how far it moves what follows,
    /// and the task it changed, read again; `None` when it is not an edit
    /// this module takes.
    fn plan(&self, old: &str, new: &str) -> Option<(usize, i64, Option<Fresh>)> {
        let region = changed_lines(old, new)?;
        let (a, b) = (
            &old[region.start..region.old_end],
            &new[region.start..region.new_end],
        );
        if line_feeds(a) > 1 || line_feeds(a) != line_feeds(b) {
            return None;
        }
        let (a, b) = (content(a), content(b));
        if !same_structure(a, b) {
            return None;
        }
        let delta = region.delta();
        // The tasks before `k` start on earlier lines.
        let k = self
            .tasks
            .partition_point(|t| (t.span.start as usize) < region.start);
        let owner = if self
            .tasks
            .get(k)
            .is_some_and(|t| (t.span.start as usize) < region.old_end)
        {
            Some((k, region.start))
        } else if let Some(c) = k.checked_sub(1) {
            let t = &self.tasks[c];
            let start = line_start(old, t.span.start as usize);
            let line = t.line as usize + line_count(&old[start..region.start]);
            if line <= t.last_line as usize {
                Some((c, start))
            } else if t.parent.is_some() {
                // A task it is nested in may hold the line.
                return None;
            } else {
                None
            }
        } else {
            None
        };
        let Some((index, start)) = owner else {
            return Some((region.old_end, delta, None));
        };
        let was = &self.tasks[index];
        if self
            .tasks
            .get(index + 1)
            .is_some_and(|n| n.line <= was.last_line)
        {
            return None;
        }
        let end = end_of_lines(new, start, (was.last_line - was.line) as usize + 1);
        let mut read = TaskFile::parse(&new[start..end]);
        if read.tasks.len() != 1 || !read.phases.is_empty() {
            return None;
        }
        let mut task = read.tasks.pop()?;
        if task.line != 0 || task.last_line != was.last_line - was.line {
            return None;
        }
        task.shift(0, start as i64);
        task.line = was.line;
        task.last_line = was.last_line;
        task.phase = was.phase;
        task.parent = was.parent;
        for b in &mut read.bad_ranges {
            b.span.shift(start as i64);
        }
        let old_end = usize::try_from(end as i64 - delta).ok()?;
        Some((
            region.old_end,
            delta,
            Some(Fresh {
                index,
                task,
                bad_ranges: read.bad_ranges,
                old_block: start..old_end,
            }),
        ))
    }
}

impl Task {
    /// Moves every span that starts at or after `from` by `bytes`.
    fn shift(&mut self, from: u32, bytes: i64) {
        let sp = |s: &mut Span| shift(s, from, bytes);
        if let Some(s) = &mut self.id_span {
            sp(s);
        }
        sp(&mut self.checkbox);
        sp(&mut self.span);
        sp(&mut self.description);
        if let Some(s) = &mut self.parallel {
            sp(s);
        }
        for l in &mut self.stories {
            sp(&mut l.span);
        }
        for s in &mut self.other_labels {
            sp(s);
        }
        for d in &mut self.dependencies {
            sp(&mut d.span);
        }
        for r in &mut self.requirements {
            sp(&mut r.span);
        }
        for p in &mut self.paths {
            sp(&mut p.span);
        }
    }
}

fn shift(s: &mut Span, from: u32, bytes: i64) {
    if s.start >= from {
        s.shift(bytes);
    }
}

/// A line's text without its terminator.
fn content(line: &str) -> &str {
    let line = line.strip_suffix('\n').unwrap_or(line);
    line.strip_suffix('\r').unwrap_or(line)
}

/// Whether a line edited from `a` to `b` leaves the structure of the file
/// as it was: what the reader's first pass and the line scanner see (a
/// heading, a fence, a comment marker, a front-matter rule; indentation,
/// blankness, a checkbox and an id after it) is the same, or absent, in
/// both.
fn same_structure(a: &str, b: &str) -> bool {
    let plain = |l: &str| {
        !js::trim_start(l).starts_with(['#', '`', '~'])
            && !l.contains("<!--")
            && !l.contains("-->")
            && js::trim_end(l) != "---"
    };
    let task = |l: &str| scan::checkbox(l).map(|(_, _, at)| id_after_checkbox(l, at).is_some());
    let blank = |l: &str| js::trim(l).is_empty();
    // A blank line's indentation closes no task.
    plain(a)
        && plain(b)
        && blank(a) == blank(b)
        && (blank(a) || indent_of(a) == indent_of(b))
        && task(a) == task(b)
}

/// The start of the line holding byte `at`.
fn line_start(text: &str, at: usize) -> usize {
    memchr::memrchr2(b'\n', b'\r', &text.as_bytes()[..at]).map_or(0, |i| i + 1)
}

/// How many lines end in `text`, as the line scanner counts them (LF, CRLF
/// and a lone CR each end one).
fn line_count(text: &str) -> usize {
    let b = text.as_bytes();
    memchr::memchr2_iter(b'\n', b'\r', b)
        .filter(|&i| !(b[i] == b'\r' && b.get(i + 1) == Some(&b'\n')))
        .count()
}

/// The end (before its terminator) of the `n`th line from `start`, a line
/// start.
fn end_of_lines(text: &str, start: usize, n: usize) -> usize {
    let b = text.as_bytes();
    let mut at = start;
    for _ in 1..n {
        match memchr::memchr2(b'\n', b'\r', &b[at..]) {
            Some(i) => {
                let i = at + i;
                at = if b[i] == b'\r' && b.get(i + 1) == Some(&b'\n') {
                    i + 2
                } else {
                    i + 1
                };
            }
            None => return b.len(),
        }
    }
    memchr::memchr2(b'\n', b'\r', &b[at..]).map_or(b.len(), |i| at + i)
}
