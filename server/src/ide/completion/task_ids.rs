//! Task ids after a dependency word, written once for every format. What a
//! dependency may name comes from the shared shape ([`Unit::dependable`]);
//! what differs between formats is data ([`TaskIds`]): the words that open
//! a list and where they stand, how a title is cut for the detail, and how
//! the ids are ranked.

use super::shaped::{id_list, is_task_id, one_line, push_ids, Candidate, Rank};
use super::{Completions, Cursor, ItemKind, Trigger};
use crate::formats::shape::Task;
use crate::ide::shaped::{Def, Unit};
use crate::model::tasks::{parse_task_line, task_id, DEP_WORDS};
use crate::syntax::js;
use crate::workspace::Summary;

/// How one format writes a task's dependencies and ranks the ids offered.
pub(super) struct TaskIds {
    /// The words that open a list of ids, in any case.
    words: &'static [&'static str],
    place: Place,
    title: Title,
    rank: Rank,
}

/// Where a dependency word opens a list of ids.
enum Place {
    /// Anywhere on the line, the last word before the cursor winning: Spec
    /// Kit's `(depends on T001)` and Kiro's `_Depends: 1.2_` sit in prose
    /// of many shapes.
    Anywhere,
    /// OpenSpec: in the trailing parenthesis of a task line
    /// (`(requires 1.1, `) or as the label of a sub-bullet
    /// (`- Requires: `, `- **Requires:** `), where its checker reads them.
    ParenOrLabel,
}

/// How a task's description becomes the detail of its id.
enum Title {
    /// The first line after the id, shortened: Spec Kit and Kiro
    /// descriptions carry paths, labels and requirement lists.
    FirstLine,
    /// All of it after the id, less a trailing dependency parenthesis,
    /// which would repeat what is being typed.
    WithoutDependencies,
}

pub(super) const OPENSPEC: TaskIds = TaskIds {
    // The words its checker reads, so that completion offers ids where a
    // dependency will be read.
    words: DEP_WORDS,
    place: Place::ParenOrLabel,
    title: Title::WithoutDependencies,
    // A task list is short and its ids are typed as written: every id,
    // those starting with exactly what is typed first.
    rank: Rank {
        any_case: false,
        cap: None,
        id_char: is_openspec_id_char,
    },
};

pub(super) const SPEC_KIT: TaskIds = TaskIds {
    words: &["depends on", "(after"],
    place: Place::Anywhere,
    title: Title::FirstLine,
    rank: Rank::SHAPED,
};

pub(super) const KIRO: TaskIds = TaskIds {
    words: &["_depends:"],
    place: Place::Anywhere,
    title: Title::FirstLine,
    rank: Rank::SHAPED,
};

/// An id list being typed after a dependency word.
pub(super) struct DepList {
    /// Where the id being typed starts in `before`.
    start: usize,
    /// Ids already listed.
    listed: Vec<String>,
    /// The line of the task whose dependencies these are: the nearest task
    /// at or above it is the one that cannot depend on itself.
    owner: Option<u32>,
}

impl TaskIds {
    /// Whether `trigger` asks for ids: typing one, or the blank or comma
    /// before the next.
    pub(super) fn fits(trigger: Trigger) -> bool {
        matches!(trigger, Trigger::Invoked | Trigger::Char(' ' | ','))
    }

    pub(super) fn list(&self, cx: &Cursor) -> Option<DepList> {
        match self.place {
            Place::Anywhere => {
                let l = id_list(cx.before, self.words, is_task_id)?;
                Some(DepList {
                    start: l.start,
                    listed: l.listed,
                    owner: Some(cx.line as u32),
                })
            }
            Place::ParenOrLabel => paren_or_label(cx, self.words),
        }
    }

    /// The tasks and groups of `unit` that the task being written may
    /// depend on.
    pub(super) fn offer(&self, cx: &Cursor, unit: &Unit, list: &DepList, out: &mut Completions) {
        let own = list.owner.and_then(|line| own_task(cx, unit, line));
        let mut candidates = Vec::new();
        for (id, def) in unit.dependable() {
            if Some(id) == own {
                continue;
            }
            match def {
                Def::Task(f, t) => candidates.push(Candidate {
                    id: id.to_string(),
                    title: self.task_title(unit, f, t),
                    kind: ItemKind::Task,
                }),
                Def::Phase(f, _, p) => {
                    // `2. Calls` → `Calls`. Only OpenSpec's groups have ids.
                    let title = unit.text(f, p.title);
                    let title = title.trim_start_matches(|c: char| c != ' ').trim();
                    candidates.push(Candidate {
                        id: id.to_string(),
                        title: title.to_string(),
                        kind: ItemKind::Group,
                    });
                }
                Def::Requirement(..) => {}
            }
        }
        push_ids(
            cx,
            list.start,
            candidates,
            &list.listed,
            "",
            &self.rank,
            out,
        );
    }

    fn task_title(&self, unit: &Unit, f: usize, t: &Task) -> String {
        match self.title {
            Title::FirstLine => {
                let mut title = unit.text(f, t.description);
                if let Some(s) = t.id_span {
                    if s.end <= t.description.end && s.end >= t.description.start {
                        title = &unit.files[f].0.text()[s.end as usize..t.description.end as usize];
                    }
                }
                one_line(title)
            }
            Title::WithoutDependencies => {
                let description = unit.text(f, t.description);
                let d = match task_id(description) {
                    Some(id) => js::trim_start(&description[id.len()..]),
                    None => description,
                };
                let t = js::trim_end(d);
                if let (Some(open), true) = (t.rfind('('), t.ends_with(')')) {
                    let inner = js::trim_start(&t[open + 1..]).to_ascii_lowercase();
                    if self.words.iter().any(|w| inner.starts_with(w)) {
                        return js::trim_end(&t[..open]).to_string();
                    }
                }
                t.to_string()
            }
        }
    }
}

/// The id of the nearest task at or above `line` in the cursor's file.
fn own_task<'u>(cx: &Cursor, unit: &Unit<'u>, line: u32) -> Option<&'u str> {
    let (_, doc) = unit.files.iter().find(|(f, _)| f.rel == cx.file.rel)?;
    doc.tasks
        .iter()
        .rev()
        .find(|t| t.line <= line)
        .and_then(|t| t.id.as_deref())
}

/// `2.1`, `C`, `C.2`, or a start of one.
fn looks_like_id(s: &str) -> bool {
    let b = s.as_bytes();
    match b.first() {
        None => true,
        Some(c) if c.is_ascii_digit() => true,
        Some(c) if c.is_ascii_uppercase() => b.len() == 1 || b[1] == b'.',
        _ => false,
    }
}

fn is_openspec_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '.'
}

/// After a dependency word in a trailing parenthesis of a task line, or
/// after a sub-bullet's dependency label; the owner of a sub-bullet is the
/// nearest less indented task above it.
fn paren_or_label(cx: &Cursor, words: &[&str]) -> Option<DepList> {
    let Summary::Tasks(tasks) = &cx.file.summary else {
        return None;
    };
    let b = cx.before;
    let line = cx.doc.line(cx.line);
    let (list_start, owner) = if parse_task_line(line).is_some() {
        let open = b.rfind('(')?;
        let inner = js::trim_start(&b[open + 1..]);
        let rest = words.iter().find_map(|w| {
            let r = js::strip_prefix_ci(inner, w)?;
            r.starts_with([' ', ':']).then_some(r)
        })?;
        let owner = tasks.tasks.iter().find(|t| t.line as usize == cx.line);
        (b.len() - rest.len(), owner)
    } else {
        let t = js::trim_start(b);
        let item = js::trim_start(t.strip_prefix(['-', '*', '+'])?);
        let (bold, item) = match item.strip_prefix("**") {
            Some(r) => (true, r),
            None => (false, item),
        };
        let rest = words.iter().find_map(|w| {
            let r = js::strip_prefix_ci(item, w)?;
            if bold {
                r.strip_prefix(":**").or_else(|| r.strip_prefix("**:"))
            } else {
                r.strip_prefix(':')
            }
        })?;
        let indent = crate::model::tasks::indent_columns(line);
        let owner = tasks
            .tasks
            .iter()
            .rfind(|t| (t.line as usize) < cx.line && (t.indent as usize) < indent);
        (b.len() - rest.len(), Some(owner?))
    };
    let ids = b[list_start..].trim_start_matches(':');
    if !ids
        .chars()
        .all(|c| is_openspec_id_char(c) || c == ',' || c == '&' || c.is_whitespace())
    {
        return None;
    }
    let token = ids
        .chars()
        .rev()
        .take_while(|&c| is_openspec_id_char(c))
        .map(char::len_utf8)
        .sum::<usize>();
    let start = b.len() - token;
    let listed: Vec<String> = ids[..ids.len() - token]
        .split([',', '&', ' ', '\t'])
        .filter(|w| !w.is_empty() && *w != "and")
        .map(str::to_string)
        .collect();
    // Only ids: `(after the demo` is prose.
    if !listed
        .iter()
        .map(String::as_str)
        .chain([&b[start..]])
        .all(looks_like_id)
    {
        return None;
    }
    Some(DepList {
        start,
        listed,
        owner: owner.map(|t| t.line),
    })
}
