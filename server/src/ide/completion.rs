//! Completion (dialect section 5): what fits at the cursor, by where it is.
//!
//! - scenario bodies: step keywords that fit after the steps above (GIVEN or
//!   WHEN first, THEN after a WHEN, AND/BUT after any step), written in the
//!   file's own step style; after a keyword, the step texts used anywhere in
//!   the workspace ([`StepIndex`]), one suggestion per template with the
//!   values actually used as choices;
//! - at the start of a line: `### Requirement:` and `#### Scenario:`
//!   skeletons where they belong, and the four delta section headers in a
//!   delta spec;
//! - requirement bodies: RFC 2119 keywords;
//! - delta MODIFIED/REMOVED/RENAMED entries: the main spec's requirement
//!   names; a MODIFIED name brings the whole current block along, so no
//!   scenario is dropped;
//! - `tasks.md`: task ids (with titles) after `requires` and the other
//!   dependency words; scenario links after `Acceptance:`; in any Markdown
//!   file, scenario paths and anchors after `](`. The change's own delta
//!   scenarios come first;
//! - Spec Kit and Kiro files: ids, labels, step texts and skeletons from the
//!   feature folder (`completion/shaped.rs`).
//!
//! Every edit replaces a range of the cursor's line that contains the
//! cursor, on character boundaries; what cannot be placed yields nothing.
//! Lists that depend on what is typed are marked incomplete, so clients ask
//! again as typing goes on rather than filtering a stale list themselves.

mod shaped;
mod spec;
mod task_ids;
mod tasks;

use super::snippet::Snippet;
use super::steps::StepIndex;
use crate::model::Span;
use crate::syntax::{js, Doc};
use crate::workspace::{FileKind, SourceFile, Summary, Workspace};

pub use tasks::relative_path;

/// Why the client asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// Typing a word, an explicit request, or a re-request of an incomplete
    /// list.
    Invoked,
    /// One of the trigger characters was typed.
    Char(char),
}

/// The characters that make a client ask without being told to: a space
/// (after a step keyword, `requires`, `Acceptance:`, `### Requirement:`,
/// `- `), `#` (headings, link anchors), `(` (link targets after `](`), `[`
/// (links after `Acceptance:`), `,` (the next dependency or link), `-` and
/// `*` (a step bullet).
pub const TRIGGER_CHARACTERS: [char; 7] = [' ', '#', '(', '[', ',', '-', '*'];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemKind {
    Keyword,
    Step,
    Skeleton,
    Section,
    Rfc2119,
    Requirement,
    Task,
    Group,
    Link,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    pub kind: ItemKind,
    pub detail: Option<String>,
    /// Markdown.
    pub documentation: Option<String>,
    /// What accepting replaces: on the cursor's line, containing the cursor.
    pub edit: Span,
    pub insert: Snippet,
    /// What clients match the typed text against. It always starts with
    /// what was typed in `edit` (or is the natural text when that already
    /// does), so a client's own filter keeps every item and scores them
    /// alike, and the order given here stands.
    pub filter: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Completions {
    /// Best first.
    pub items: Vec<Completion>,
    /// The list depends on what is typed (or was cut short): ask again.
    pub incomplete: bool,
}

/// How many step texts and links one answer carries.
pub const LIMIT: usize = 50;

pub fn completion(
    ws: &Workspace,
    steps: &StepIndex,
    rel: &str,
    offset: usize,
    trigger: Trigger,
) -> Completions {
    let Some(file) = ws.file(rel) else {
        return Completions::default();
    };
    let Some(cx) = Cursor::new(file, offset) else {
        return Completions::default();
    };
    let mut out = Completions::default();
    match &file.kind {
        FileKind::MainSpec { capability } => {
            spec::spec(&cx, ws, steps, capability, None, trigger, &mut out)
        }
        FileKind::DeltaSpec { capability, .. } => {
            let delta = match &file.summary {
                Summary::Delta(d) => Some(&**d),
                _ => None,
            };
            spec::spec(&cx, ws, steps, capability, delta, trigger, &mut out)
        }
        FileKind::Tasks { .. } => tasks::tasks(&cx, ws, trigger, &mut out),
        FileKind::SpecKit { .. } | FileKind::Kiro { .. } => {
            shaped::shaped(&cx, ws, steps, trigger, &mut out);
            if out.items.is_empty() {
                tasks::link_target(&cx, ws, trigger, &mut out);
            }
        }
        _ if rel.to_ascii_lowercase().ends_with(".md") => {
            tasks::link_target(&cx, ws, trigger, &mut out);
        }
        _ => {}
    }
    out
}

/// The cursor's line and what surrounds it.
struct Cursor<'a> {
    file: &'a SourceFile,
    doc: Doc<'a>,
    line: usize,
    offset: usize,
    line_start: usize,
    /// The line before the cursor, and after it (without the terminator).
    before: &'a str,
    after: &'a str,
}

impl<'a> Cursor<'a> {
    fn new(file: &'a SourceFile, offset: usize) -> Option<Cursor<'a>> {
        let text = file.text();
        if offset > text.len() || !text.is_char_boundary(offset) {
            return None;
        }
        let doc = Doc::new(text);
        let line = doc
            .lines
            .partition_point(|l| l.start as usize <= offset)
            .checked_sub(1)?;
        let l = doc.lines[line];
        // Inside a line break (between CR and LF) or a BOM: no line to edit.
        if offset > l.end as usize || l.masked {
            return None;
        }
        let line_start = l.start as usize;
        Some(Cursor {
            file,
            before: &text[line_start..offset],
            after: &text[offset..l.end as usize],
            doc,
            line,
            offset,
            line_start,
        })
    }

    fn text(&self) -> &'a str {
        self.file.text()
    }

    /// The line's text after the cursor, up to its last non-blank.
    fn rest_end(&self) -> usize {
        self.offset + js::trim_end(self.after).len()
    }

    /// Where an edit that starts a line's content ends: over what an
    /// editor closed already (`**`, `#`) and blanks, but never over text
    /// the insert does not stand for.
    fn closing_end(&self) -> usize {
        let rest = js::trim_end(self.after);
        if rest.chars().all(|c| matches!(c, '*' | '#') || js::is_ws(c)) {
            self.offset + rest.len()
        } else {
            self.offset
        }
    }

    /// The line break the file uses (its first one), for multi-line
    /// inserts.
    fn eol(&self) -> &'static str {
        let t = self.text();
        match t.find(['\r', '\n']) {
            Some(i) if t[i..].starts_with("\r\n") => "\r\n",
            Some(i) if t[i..].starts_with('\r') => "\r",
            _ => "\n",
        }
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(start, end)
    }
}

/// The typed text is a prefix of `natural` (in any case)? Then clients
/// match `natural` as it is; otherwise the typed text goes first so that
/// they keep the item anyway.
fn filter_for(typed: &str, natural: &str) -> String {
    if natural.starts_with(typed) {
        return natural.to_string();
    }
    if typed.is_ascii() && natural.is_ascii() && natural.len() >= typed.len() {
        let head = &natural[..typed.len()];
        if head.eq_ignore_ascii_case(typed) {
            return format!("{typed}{}", &natural[typed.len()..]);
        }
    }
    format!("{typed} {natural}")
}

#[cfg(test)]
pub(crate) mod tests;
