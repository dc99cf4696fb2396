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
//!   scenarios come first.
//!
//! Every edit replaces a range of the cursor's line that contains the
//! cursor, on character boundaries; what cannot be placed yields nothing.
//! Lists that depend on what is typed are marked incomplete, so clients ask
//! again as typing goes on rather than filtering a stale list themselves.

use std::collections::HashSet;

use super::fuzzy::Matcher;
use super::snippet::{Piece, Snippet};
use super::steps::StepIndex;
use crate::model::delta::Op;
use crate::model::steps::{parse_step, Keyword, Step};
use crate::model::tasks::{parse_task_line, task_id, TaskList};
use crate::model::{reader, Requirement, Span};
use crate::rules::tasks::link_target_path;
use crate::syntax::{js, Doc};
use crate::workspace::{FileKind, SourceFile, Summary, Workspace};

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
            spec(&cx, ws, steps, capability, None, trigger, &mut out)
        }
        FileKind::DeltaSpec { capability, .. } => {
            let delta = match &file.summary {
                Summary::Delta(d) => Some(d),
                _ => None,
            };
            spec(&cx, ws, steps, capability, delta, trigger, &mut out)
        }
        FileKind::Tasks { .. } => tasks(&cx, ws, trigger, &mut out),
        _ if rel.to_ascii_lowercase().ends_with(".md") => {
            link_target(&cx, ws, trigger, &mut out);
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
        let text = file.text.as_str();
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
        self.file.text.as_str()
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

// ---------------------------------------------------------------------------
// Specs

/// The headings above the cursor's line that say where it is.
#[derive(Default)]
struct Enclosing {
    /// The `##` section: its line and operation (delta specs) or whether it
    /// is `## Requirements` (main specs).
    section: Option<usize>,
    /// A `### Requirement:` header, when the cursor is inside its block.
    requirement: Option<usize>,
    /// A `####` heading, when the cursor is in that scenario's body.
    scenario: Option<usize>,
}

fn enclosing(doc: &Doc, line: usize) -> Enclosing {
    let mut e = Enclosing::default();
    let mut level3_seen = false;
    for i in (0..line).rev() {
        let Some(a) = doc.atx(i) else { continue };
        match a.level {
            4 if e.scenario.is_none() && !level3_seen => e.scenario = Some(i),
            4 => {}
            3 => {
                if !level3_seen && reader::requirement_header(doc.line(i)).is_some() {
                    e.requirement = Some(i);
                } else if !level3_seen {
                    e.scenario = None;
                }
                level3_seen = true;
            }
            2 => {
                e.section = Some(i);
                break;
            }
            1 => break,
            _ => {}
        }
    }
    // A scenario heading outside any requirement is no scenario.
    if e.requirement.is_none() {
        e.scenario = None;
    }
    e
}

/// How the file writes its steps: the text before the keyword (`- **`),
/// after it (`** `), and the keyword's case.
#[derive(Clone, Debug, PartialEq, Eq)]
struct StepStyle {
    lead: String,
    trail: String,
    case: Case,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Case {
    Upper,
    Title,
    Lower,
}

impl StepStyle {
    fn openspec() -> StepStyle {
        StepStyle {
            lead: "- **".into(),
            trail: "** ".into(),
            case: Case::Upper,
        }
    }

    fn word(&self, k: Keyword) -> String {
        let up = k.as_str();
        match self.case {
            Case::Upper => up.to_string(),
            Case::Lower => up.to_ascii_lowercase(),
            Case::Title => format!("{}{}", &up[..1], up[1..].to_ascii_lowercase()),
        }
    }

    fn form(&self, k: Keyword) -> String {
        format!("{}{}{}", self.lead, self.word(k), self.trail)
    }

    /// The same style from the first step of a file.
    fn of(text: &str, step: &Step) -> Option<StepStyle> {
        let kw = text.get(step.keyword_span.range())?;
        let line_start = text
            .get(..step.keyword_span.start as usize)?
            .rfind(['\n', '\r'])
            .map_or(0, |i| i + 1);
        let lead = js::trim_start(text.get(line_start..step.keyword_span.start as usize)?);
        let trail = text.get(step.keyword_span.end as usize..step.text_span.start as usize)?;
        let case = if kw.chars().all(|c| c.is_ascii_uppercase()) {
            Case::Upper
        } else if kw.chars().skip(1).all(|c| c.is_ascii_lowercase())
            && kw.starts_with(|c: char| c.is_ascii_uppercase())
        {
            Case::Title
        } else {
            Case::Lower
        };
        // A trail without a space (`**WHEN**x`) would glue the text on.
        let trail = if trail.ends_with(' ') {
            trail.to_string()
        } else {
            format!("{} ", trail.trim_end())
        };
        if lead.contains(['\n', '\r']) || trail.contains(['\n', '\r']) {
            return None;
        }
        Some(StepStyle {
            lead: lead.to_string(),
            trail,
            case,
        })
    }

    /// The file's style: its first step's, else OpenSpec's.
    fn of_file(file: &SourceFile) -> StepStyle {
        let reqs: Vec<&Requirement> = match &file.summary {
            Summary::Main(s) => s.requirements.iter().collect(),
            Summary::Delta(d) => d.added.iter().chain(&d.modified).collect(),
            _ => Vec::new(),
        };
        reqs.iter()
            .flat_map(|r| r.scenarios.iter().flat_map(|s| s.steps.first()))
            .find_map(|st| StepStyle::of(&file.text, st))
            .unwrap_or_else(StepStyle::openspec)
    }
}

#[allow(clippy::too_many_arguments)]
fn spec(
    cx: &Cursor,
    ws: &Workspace,
    steps: &StepIndex,
    capability: &str,
    delta: Option<&crate::model::DeltaSpec>,
    trigger: Trigger,
    out: &mut Completions,
) {
    let enc = enclosing(&cx.doc, cx.line);
    let op = if delta.is_some() {
        enc.section
            .and_then(|s| crate::model::delta::delta_section_header(cx.doc.line(s)))
    } else {
        None
    };
    let in_requirements = match (delta, enc.section) {
        (Some(_), _) => matches!(op, Some(Op::Added | Op::Modified)),
        (None, Some(s)) => reader::is_requirements_header(cx.doc.line(s)),
        (None, None) => false,
    };
    let t = js::trim_start(cx.before);
    let indent = cx.before.len() - t.len();

    if let (Some(d), Some(op @ (Op::Modified | Op::Removed | Op::Renamed))) = (delta, op) {
        if let Some(at) = name_context(cx, op) {
            if matches!(trigger, Trigger::Invoked | Trigger::Char(' ' | '#')) {
                requirement_names(cx, ws, d, capability, op, &at, out);
            }
            // A heading typed part of the way may still be another heading.
            if at.whole != Some(HEADER) {
                return;
            }
        }
    }
    let style = StepStyle::of_file(cx.file);
    let in_scenario = enc.scenario.is_some() && in_requirements;
    if let Some(start) = step_text_start(cx.before) {
        // A bold keyword is a step wherever it is written; a plain one only
        // in a scenario, where it cannot be prose.
        if in_scenario || cx.before.contains("**") {
            if matches!(trigger, Trigger::Invoked | Trigger::Char(' ')) {
                step_texts(cx, steps, capability, start, out);
            }
            return;
        }
    }
    if in_scenario {
        let typed_any = !t.is_empty();
        let by_trigger = match trigger {
            Trigger::Invoked => true,
            Trigger::Char('-' | '*') => true,
            Trigger::Char(' ') => typed_any,
            _ => false,
        };
        if by_trigger && !t.starts_with('#') {
            keywords(cx, &enc, &style, indent, out);
        }
    }
    if indent == 0
        && (t.is_empty() || t.starts_with('#'))
        && matches!(trigger, Trigger::Invoked | Trigger::Char('#'))
    {
        // A new requirement under MODIFIED would name nothing to modify.
        let new_requirement = in_requirements && op != Some(Op::Modified);
        headings(
            cx,
            &enc,
            delta.is_some(),
            new_requirement,
            in_requirements,
            &style,
            out,
        );
    }
    if in_requirements
        && enc.requirement.is_some()
        && enc.scenario.is_none()
        && trigger == Trigger::Invoked
        && !t.starts_with('#')
    {
        rfc2119(cx, out);
    }
}

/// Where the step text starts in `before`, when `before` is a step keyword
/// (as the model reads steps) followed by at least one blank.
fn step_text_start(before: &str) -> Option<usize> {
    // A sentinel stands for the text still to come: the model does not read
    // a plain-style keyword without text as a step.
    let probe = format!("{before}\u{1}");
    let step = parse_step(&probe, 0, 0, None)?;
    let start = step.text_span.start as usize;
    let gap = &before[step.keyword_span.end as usize..start.min(before.len())];
    (start <= before.len() && gap.ends_with(|c: char| c.is_whitespace())).then_some(start)
}

fn step_texts(
    cx: &Cursor,
    steps: &StepIndex,
    capability: &str,
    start: usize,
    out: &mut Completions,
) {
    let typed = &cx.before[start..];
    // The step on this line is in the index too; it must not suggest itself.
    let own = own_step(cx).map(|st| &cx.text()[st.text_span.range()]);
    let (hits, _) = steps.query(typed, Some(capability), own, LIMIT);
    let edit = cx.span(cx.line_start + start, cx.rest_end());
    for hit in hits {
        let s = steps.suggestion(&hit);
        let mut pieces = Vec::new();
        let mut stop = 0;
        for (k, part) in s.parts.iter().enumerate() {
            if !part.is_empty() {
                pieces.push(Piece::Text(part.clone()));
            }
            let Some(values) = s.slots.get(k) else {
                continue;
            };
            if values.len() == 1 {
                pieces.push(Piece::Text(values[0].clone()));
            } else {
                stop += 1;
                pieces.push(Piece::Choice(stop, values.clone()));
            }
        }
        let insert = Snippet(pieces);
        let mut detail = format!(
            "{} step, used {} time{}",
            s.kind.as_str(),
            s.count,
            if s.count == 1 { "" } else { "s" }
        );
        let choices: Vec<String> = s
            .slots
            .iter()
            .filter(|v| v.len() > 1)
            .map(|v| v.join(" | "))
            .collect();
        if !choices.is_empty() {
            detail.push_str(&format!("; values: {}", choices.join("; ")));
        }
        let plain = insert.plain();
        out.items.push(Completion {
            filter: filter_for(typed, &plain),
            label: s.label,
            kind: ItemKind::Step,
            detail: Some(detail),
            documentation: None,
            edit,
            insert,
        });
    }
    out.incomplete = true;
}

/// The step the model read on the cursor's line, if any.
fn own_step<'a>(cx: &Cursor<'a>) -> Option<&'a Step> {
    let reqs: Vec<&Requirement> = match &cx.file.summary {
        Summary::Main(s) => s.requirements.iter().collect(),
        Summary::Delta(d) => d.added.iter().chain(&d.modified).collect(),
        _ => return None,
    };
    reqs.into_iter()
        .flat_map(|r| r.scenarios.iter().flat_map(|s| s.steps.iter()))
        .find(|st| st.line as usize == cx.line)
}

/// The kinds of the steps above the cursor in its scenario decide which
/// keywords fit next.
fn keywords(cx: &Cursor, enc: &Enclosing, style: &StepStyle, indent: usize, out: &mut Completions) {
    let t = &cx.before[indent..];
    let Some(scenario) = enc.scenario else { return };
    let mut last: Option<Keyword> = None;
    for i in scenario + 1..cx.line {
        if cx.doc.masked(i) {
            continue;
        }
        if let Some(st) = parse_step(cx.doc.line(i), 0, 0, last) {
            last = Some(st.kind);
        }
    }
    let fitting: &[Keyword] = match last {
        None => &[Keyword::Given, Keyword::When],
        Some(Keyword::Given) => &[Keyword::When, Keyword::And, Keyword::But],
        Some(Keyword::When) => &[Keyword::Then, Keyword::And, Keyword::But],
        Some(_) => &[Keyword::And, Keyword::But],
    };
    // What is typed must be on the way to a keyword in some spelling, so
    // that prose in a scenario body does not pop keywords up.
    let spellings = [
        style.clone(),
        StepStyle::openspec(),
        StepStyle {
            lead: "* **".into(),
            ..StepStyle::openspec()
        },
        StepStyle {
            lead: "- ".into(),
            trail: " ".into(),
            case: Case::Title,
        },
        StepStyle {
            lead: String::new(),
            trail: " ".into(),
            case: Case::Title,
        },
    ];
    let lower = t.to_lowercase();
    let on_the_way = Keyword::ALL.iter().any(|&k| {
        spellings
            .iter()
            .any(|s| s.form(k).to_lowercase().starts_with(&lower))
    });
    if !on_the_way {
        return;
    }
    let edit = cx.span(cx.line_start + indent, cx.closing_end());
    let what = match last {
        None => "the first step",
        Some(Keyword::Given) => "after a GIVEN",
        Some(Keyword::When) => "after a WHEN",
        Some(_) => "after a THEN",
    };
    for &k in fitting {
        let form = style.form(k);
        out.items.push(Completion {
            label: style.word(k),
            kind: ItemKind::Keyword,
            detail: Some(format!("step keyword, {what}: {}…", form)),
            documentation: None,
            edit,
            filter: filter_for(t, &form),
            insert: Snippet::text(form),
        });
    }
}

fn headings(
    cx: &Cursor,
    enc: &Enclosing,
    is_delta: bool,
    new_requirement: bool,
    in_requirements: bool,
    style: &StepStyle,
    out: &mut Completions,
) {
    let t = cx.before;
    let edit = cx.span(cx.line_start, cx.closing_end());
    let eol = cx.eol();
    let fits = |head: &str| head.to_lowercase().starts_with(&t.to_lowercase());
    let scenario_lines = |first: u32| -> Vec<Piece> {
        vec![
            Piece::Text("#### Scenario: ".to_string()),
            Piece::Tab(first, "Scenario name".into()),
            Piece::Text(format!("{eol}{}", style.form(Keyword::When))),
            Piece::Tab(first + 1, "a condition".into()),
            Piece::Text(format!("{eol}{}", style.form(Keyword::Then))),
            Piece::Tab(first + 2, "the expected outcome".into()),
            Piece::End,
        ]
    };
    if new_requirement && fits("### Requirement: ") {
        let mut pieces = vec![
            Piece::Text("### Requirement: ".into()),
            Piece::Tab(1, "Requirement name".into()),
            Piece::Text(eol.into()),
            Piece::Tab(2, "The system SHALL describe the behaviour.".into()),
            Piece::Text(format!("{eol}{eol}")),
        ];
        pieces.extend(scenario_lines(3));
        out.items.push(Completion {
            label: "### Requirement: …".into(),
            kind: ItemKind::Skeleton,
            detail: Some("a new requirement with one scenario".into()),
            documentation: None,
            edit,
            filter: filter_for(t, "### Requirement: "),
            insert: Snippet(pieces),
        });
    }
    if in_requirements && enc.requirement.is_some() && fits("#### Scenario: ") {
        out.items.push(Completion {
            label: "#### Scenario: …".into(),
            kind: ItemKind::Skeleton,
            detail: Some("a new scenario with a WHEN and a THEN".into()),
            documentation: None,
            edit,
            filter: filter_for(t, "#### Scenario: "),
            insert: Snippet(scenario_lines(1)),
        });
    }
    if is_delta {
        for op in Op::ALL {
            let head = format!("## {} Requirements", op.as_str());
            if !fits(&head) {
                continue;
            }
            let what = match op {
                Op::Added => "new requirements, each with at least one scenario",
                Op::Modified => "changed requirements, written out whole",
                Op::Removed => "requirements to delete, by name",
                Op::Renamed => "FROM:/TO: pairs of requirement names",
            };
            out.items.push(Completion {
                label: head.clone(),
                kind: ItemKind::Section,
                detail: Some(format!("delta section: {what}")),
                documentation: None,
                edit,
                filter: filter_for(t, &head),
                insert: Snippet::text(head),
            });
        }
    }
}

const RFC2119: [(&str, &str); 10] = [
    (
        "SHALL",
        "an absolute requirement (OpenSpec counts SHALL and MUST)",
    ),
    (
        "MUST",
        "an absolute requirement (OpenSpec counts SHALL and MUST)",
    ),
    ("SHALL NOT", "an absolute prohibition"),
    ("MUST NOT", "an absolute prohibition"),
    ("SHOULD", "recommended; exceptions need a reason"),
    ("SHOULD NOT", "not recommended; exceptions need a reason"),
    ("MAY", "truly optional"),
    ("REQUIRED", "same as MUST"),
    ("RECOMMENDED", "same as SHOULD"),
    ("OPTIONAL", "same as MAY"),
];

fn rfc2119(cx: &Cursor, out: &mut Completions) {
    let word_len = cx
        .before
        .bytes()
        .rev()
        .take_while(u8::is_ascii_alphabetic)
        .count();
    let start = cx.before.len() - word_len;
    if cx.before[..start]
        .chars()
        .next_back()
        .is_some_and(|c| c.is_alphanumeric() || c == '_')
    {
        return;
    }
    let word = &cx.before[start..];
    let tail = cx.after.bytes().take_while(u8::is_ascii_alphabetic).count();
    let edit = cx.span(cx.line_start + start, cx.offset + tail);
    let upper = word.to_ascii_uppercase();
    for (kw, what) in RFC2119 {
        if !kw.starts_with(&upper) {
            continue;
        }
        out.items.push(Completion {
            label: kw.into(),
            kind: ItemKind::Rfc2119,
            detail: Some(format!("RFC 2119: {what}")),
            documentation: None,
            edit,
            filter: filter_for(word, kw),
            insert: Snippet::text(kw),
        });
    }
}

/// A requirement name being typed in a delta entry.
struct NameAt {
    /// Where the name (or what is typed of the entry) starts in `before`.
    start: usize,
    /// The entry has no `### Requirement:` yet (`- FROM: `, `###`): the
    /// insert writes it, this way.
    whole: Option<&'static str>,
    /// The entry opened a backtick, which the insert must close unless the
    /// line already does.
    backtick: bool,
}

const HEADER: &str = "### Requirement: ";
const TICKED: &str = "`### Requirement: ";

fn name_context(cx: &Cursor, op: Op) -> Option<NameAt> {
    let b = cx.before;
    let indent = b.len() - js::trim_start(b).len();
    let mut p = indent;
    let mut bullet = false;
    if b[p..].starts_with(['-', '*', '+']) {
        bullet = true;
        p += 1;
        let q = b.len() - js::trim_start(&b[p..]).len();
        if q == p && p < b.len() {
            return None;
        }
        p = q;
    }
    if op == Op::Renamed {
        let rest = b[p..].strip_prefix("FROM:")?;
        p = b.len() - js::trim_start(rest).len();
        if rest.is_empty() {
            return None;
        }
    }
    let mut q = p;
    let backtick = b[q..].starts_with('`');
    if backtick {
        q += 1;
    }
    let full = b[q..]
        .strip_prefix("###")
        .map(js::trim_start)
        .and_then(|a| a.strip_prefix("Requirement:"));
    if let Some(after) = full {
        // MODIFIED entries are headers: a bullet or a backtick makes them text.
        if op == Op::Modified && (bullet || backtick || indent != 0) {
            return None;
        }
        if !after.starts_with(|c: char| js::is_ws(c)) {
            return None;
        }
        return Some(NameAt {
            start: b.len() - js::trim_start(after).len(),
            whole: None,
            backtick,
        });
    }
    // An entry typed part of the way.
    let r = &b[p..];
    let whole = match op {
        Op::Modified if !bullet && indent == 0 && !r.is_empty() && HEADER.starts_with(r) => HEADER,
        Op::Removed if bullet && TICKED.starts_with(r) => TICKED,
        Op::Removed if !bullet && indent == 0 && !r.is_empty() && HEADER.starts_with(r) => HEADER,
        Op::Renamed if TICKED.starts_with(r) => TICKED,
        _ => return None,
    };
    Some(NameAt {
        start: p,
        whole: Some(whole),
        backtick: false,
    })
}

fn requirement_names(
    cx: &Cursor,
    ws: &Workspace,
    d: &crate::model::DeltaSpec,
    capability: &str,
    op: Op,
    at: &NameAt,
    out: &mut Completions,
) {
    let Some((main_file, main)) = ws.main_spec(capability) else {
        return;
    };
    let typed = &cx.before[at.start..];
    let line = cx.line as u32;
    // Names this file already gives the same operation elsewhere.
    let taken: HashSet<&str> = match op {
        Op::Modified => d
            .modified
            .iter()
            .filter(|r| r.line != line)
            .map(|r| r.name.as_str())
            .collect(),
        Op::Removed => d
            .removed
            .iter()
            .filter(|r| r.line != line)
            .map(|r| r.name.as_str())
            .collect(),
        _ => d
            .renamed
            .iter()
            .filter(|r| r.from.line != line)
            .map(|r| r.from.name.as_str())
            .collect(),
    };
    let mut end = cx.rest_end();
    let closes = cx.text()[cx.offset..end].ends_with('`');
    if closes && end > cx.offset {
        end -= 1;
    }
    let edit = cx.span(cx.line_start + at.start, end);
    let eol = cx.eol();
    // Matched against the name alone: what is typed of `### Requirement: `
    // says nothing about which one.
    let mut m = Matcher::new(if at.whole.is_some() { "" } else { typed });
    let mut found: Vec<(f64, usize, Completion)> = Vec::new();
    for (i, r) in main.requirements.iter().enumerate() {
        // A MODIFIED entry must use the new name of a rename in this file.
        let name = match op {
            Op::Modified => d
                .renamed
                .iter()
                .find(|x| x.from.name == r.name)
                .map_or(r.name.as_str(), |x| x.to.name.as_str()),
            _ => r.name.as_str(),
        };
        if name.is_empty() || taken.contains(name) {
            continue;
        }
        let Some(score) = m.score(name) else { continue };
        let scenarios = r.scenario_count();
        let plural = if scenarios == 1 { "" } else { "s" };
        let mut entry = format!("{}{name}", at.whole.unwrap_or(""));
        if at.whole == Some(TICKED) || (at.backtick && !closes) {
            entry.push('`');
        }
        let natural = entry.clone();
        let detail = match op {
            Op::Modified => {
                // The whole current block, so that no scenario is dropped.
                let body = main_file
                    .text
                    .get(r.header.end as usize..r.block.end as usize)
                    .unwrap_or("");
                entry.push_str(&with_eol(body, eol));
                format!("MODIFIED: copies the current text and {scenarios} scenario{plural}")
            }
            Op::Removed => format!("REMOVED: requirement with {scenarios} scenario{plural}"),
            _ => format!("RENAMED FROM: requirement with {scenarios} scenario{plural}"),
        };
        found.push((
            score,
            i,
            Completion {
                label: name.to_string(),
                kind: ItemKind::Requirement,
                detail: Some(detail),
                documentation: Some(preview(&main_file.text, r)),
                edit,
                filter: filter_for(typed, &natural),
                insert: Snippet::text(entry),
            },
        ));
    }
    found.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    out.items.extend(found.into_iter().map(|(_, _, c)| c));
    out.incomplete = true;
}

/// `text` with every line break written as `eol`.
fn with_eol(text: &str, eol: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(['\r', '\n']) {
        out.push_str(&rest[..i]);
        out.push_str(eol);
        let skip = if rest[i..].starts_with("\r\n") { 2 } else { 1 };
        rest = &rest[i + skip..];
    }
    out.push_str(rest);
    out
}

/// The requirement's block as a Markdown preview, cut at 30 lines.
fn preview(text: &str, r: &Requirement) -> String {
    let block = text.get(r.block.range()).unwrap_or("");
    let lines: Vec<&str> = block.lines().collect();
    let mut md = String::from("```markdown\n");
    for l in lines.iter().take(30) {
        md.push_str(l.trim_end_matches('\r'));
        md.push('\n');
    }
    if lines.len() > 30 {
        md.push_str("…\n");
    }
    md.push_str("```");
    md
}

// ---------------------------------------------------------------------------
// Tasks and links

const DEP_WORDS: [&str; 4] = ["requires", "depends on", "after", "blocked by"];

fn tasks(cx: &Cursor, ws: &Workspace, trigger: Trigger, out: &mut Completions) {
    let Summary::Tasks(list) = &cx.file.summary else {
        return;
    };
    if let Some(dep) = dependency_context(cx, list) {
        if matches!(trigger, Trigger::Invoked | Trigger::Char(' ' | ',')) {
            task_ids(cx, list, dep, out);
        }
        return;
    }
    if link_target(cx, ws, trigger, out) {
        return;
    }
    if let Some(start) = acceptance_context(cx) {
        if matches!(trigger, Trigger::Invoked | Trigger::Char(' ' | '[' | ',')) {
            acceptance_links(cx, ws, start, out);
        }
    }
}

struct DepAt {
    /// Where the id being typed starts in `before`.
    start: usize,
    /// The task whose dependencies these are.
    owner: Option<usize>,
    /// Ids already listed.
    listed: Vec<String>,
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

fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '.'
}

/// After a dependency word: in a trailing parenthesis of a task line
/// (`(requires 1.1, `), or in a `- Requires:` sub-bullet.
fn dependency_context(cx: &Cursor, list: &TaskList) -> Option<DepAt> {
    let b = cx.before;
    let line = cx.doc.line(cx.line);
    let (list_start, owner) = if parse_task_line(line).is_some() {
        let open = b.rfind('(')?;
        let inner = js::trim_start(&b[open + 1..]);
        let rest = DEP_WORDS.iter().find_map(|w| {
            let r = js::strip_prefix_ci(inner, w)?;
            r.starts_with([' ', ':']).then_some(r)
        })?;
        let owner = list.tasks.iter().position(|t| t.line as usize == cx.line);
        (b.len() - rest.len(), owner)
    } else {
        let t = js::trim_start(b);
        let item = js::trim_start(t.strip_prefix(['-', '*', '+'])?);
        let (bold, item) = match item.strip_prefix("**") {
            Some(r) => (true, r),
            None => (false, item),
        };
        let rest = DEP_WORDS.iter().find_map(|w| {
            let r = js::strip_prefix_ci(item, w)?;
            if bold {
                r.strip_prefix(":**").or_else(|| r.strip_prefix("**:"))
            } else {
                r.strip_prefix(':')
            }
        })?;
        let indent = crate::model::tasks::indent_columns(line);
        let owner = list
            .tasks
            .iter()
            .rposition(|t| (t.line as usize) < cx.line && t.indent < indent);
        (b.len() - rest.len(), Some(owner?))
    };
    let ids = b[list_start..].trim_start_matches(':');
    if !ids
        .chars()
        .all(|c| is_id_char(c) || c == ',' || c == '&' || c.is_whitespace())
    {
        return None;
    }
    let token = ids
        .chars()
        .rev()
        .take_while(|&c| is_id_char(c))
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
    Some(DepAt {
        start,
        owner,
        listed,
    })
}

/// A task's title: its description without the id and a trailing
/// dependency parenthesis.
fn task_title(description: &str) -> &str {
    let d = match task_id(description) {
        Some(id) => js::trim_start(&description[id.len()..]),
        None => description,
    };
    let t = js::trim_end(d);
    if let (Some(open), true) = (t.rfind('('), t.ends_with(')')) {
        let inner = js::trim_start(&t[open + 1..]).to_ascii_lowercase();
        if DEP_WORDS.iter().any(|w| inner.starts_with(w)) {
            return js::trim_end(&t[..open]);
        }
    }
    t
}

fn task_ids(cx: &Cursor, list: &TaskList, dep: DepAt, out: &mut Completions) {
    let typed = &cx.before[dep.start..];
    let tail = cx
        .after
        .chars()
        .take_while(|&c| is_id_char(c))
        .map(char::len_utf8)
        .sum::<usize>();
    let edit = cx.span(cx.line_start + dep.start, cx.offset + tail);
    let own_id = dep.owner.and_then(|o| list.tasks[o].id.as_deref());
    let mut m = Matcher::new(typed);
    let mut found: Vec<(u8, f64, usize, Completion)> = Vec::new();
    let mut push = |id: &str, title: &str, kind: ItemKind, order: usize, found: &mut Vec<_>| {
        if Some(id) == own_id || dep.listed.iter().any(|l| l == id) {
            return;
        }
        let tier = if id.starts_with(typed) { 0 } else { 1 };
        let score = if tier == 0 {
            0.0
        } else {
            match m.score(&format!("{id} {title}")) {
                Some(s) => s,
                None => return,
            }
        };
        let natural = format!("{id} {title}");
        found.push((
            tier,
            score,
            order,
            Completion {
                label: id.to_string(),
                kind,
                detail: Some(if kind == ItemKind::Group {
                    format!("group: {title}")
                } else {
                    title.to_string()
                }),
                documentation: None,
                edit,
                filter: filter_for(typed, &natural),
                insert: Snippet::text(id),
            },
        ));
    };
    for (i, t) in list.tasks.iter().enumerate() {
        if let Some(id) = &t.id {
            push(
                id,
                task_title(&t.description),
                ItemKind::Task,
                i,
                &mut found,
            );
        }
    }
    for (i, g) in list.groups.iter().enumerate() {
        if let Some(id) = &g.id {
            let title = g.title.trim_start_matches(|c: char| c != ' ').trim();
            push(id, title, ItemKind::Group, list.tasks.len() + i, &mut found);
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(&b.2)));
    out.items.extend(found.into_iter().map(|x| x.3));
}

/// On an `Acceptance:` item after its label, or on a bullet nested under
/// one: where the link being typed starts in `before`.
fn acceptance_context(cx: &Cursor) -> Option<usize> {
    let b = cx.before;
    let t = js::trim_start(b);
    let item = js::trim_start(t.strip_prefix(['-', '*', '+'])?);
    if item.len() == t.len() - 1 && !item.is_empty() {
        // `-x`: not a bullet.
        return None;
    }
    let value_start = match acceptance_value(item) {
        Some(v) => b.len() - v.len(),
        None => {
            // A nested bullet: the nearest less indented line above must be
            // an `Acceptance:` item.
            let indent = crate::model::tasks::indent_columns(b);
            let parent = (0..cx.line).rev().find(|&i| {
                let l = cx.doc.line(i);
                !js::trim(l).is_empty() && crate::model::tasks::indent_columns(l) < indent
            })?;
            let pl = js::trim_start(cx.doc.line(parent));
            let pitem = js::trim_start(pl.strip_prefix(['-', '*', '+'])?);
            acceptance_value(pitem)?;
            b.len() - item.len()
        }
    };
    // The link being typed starts after the last finished link or comma.
    let seg_from = b[value_start..]
        .rfind([')', ','])
        .map_or(value_start, |i| value_start + i + 1);
    let seg = &b[seg_from..];
    if seg.contains("](") {
        return None;
    }
    Some(b.len() - js::trim_start(seg).len())
}

fn acceptance_value(item: &str) -> Option<&str> {
    let (bold, rest) = match item.strip_prefix("**") {
        Some(r) => (true, r),
        None => (false, item),
    };
    for label in ["acceptance criteria", "acceptance"] {
        let Some(after) = js::strip_prefix_ci(rest, label) else {
            continue;
        };
        let after = if bold {
            after
                .strip_prefix(":**")
                .or_else(|| after.strip_prefix("**:"))
        } else {
            after.strip_prefix(':')
        };
        if let Some(v) = after {
            return Some(v);
        }
    }
    None
}

/// A scenario a link can point at.
struct LinkTarget<'a> {
    scenario: &'a str,
    requirement: &'a str,
    target_rel: &'a str,
    path: String,
    anchor: &'a str,
    own: bool,
}

impl LinkTarget<'_> {
    fn target(&self) -> String {
        format!("{}#{}", self.path, self.anchor)
    }
}

/// The scenarios of the change's own delta specs (ADDED and MODIFIED), then
/// those of every main spec, with paths relative to `from`.
fn link_targets<'a>(ws: &'a Workspace, from: &'a SourceFile) -> Vec<LinkTarget<'a>> {
    let mut files: Vec<(&SourceFile, bool)> = Vec::new();
    if let Some(change) = from.kind.change() {
        if let Some(c) = ws.changes.get(change) {
            let mut own: Vec<&SourceFile> = c
                .files
                .iter()
                .map(|&i| &ws.files[i])
                .filter(|f| matches!(f.kind, FileKind::DeltaSpec { .. }))
                .collect();
            own.sort_by(|a, b| a.rel.cmp(&b.rel));
            files.extend(own.into_iter().map(|f| (f, true)));
        }
    }
    let mut mains: Vec<(&String, &usize)> = ws.main_specs.iter().collect();
    mains.sort();
    files.extend(mains.into_iter().map(|(_, &i)| (&ws.files[i], false)));
    let mut out = Vec::new();
    for (f, own) in files {
        let reqs: Vec<&Requirement> = match &f.summary {
            Summary::Main(s) => s.requirements.iter().collect(),
            Summary::Delta(d) => d.added.iter().chain(&d.modified).collect(),
            _ => continue,
        };
        let path = relative_path(&from.rel, &f.rel);
        let headings = f.headings();
        for r in reqs {
            for s in &r.scenarios {
                let Some(h) = headings.iter().find(|h| h.line == s.line) else {
                    continue;
                };
                out.push(LinkTarget {
                    scenario: &s.name,
                    requirement: &r.name,
                    target_rel: &f.rel,
                    path: path.clone(),
                    anchor: &h.anchor,
                    own,
                });
            }
        }
    }
    out
}

/// The path of `to` relative to the folder of `from` (both relative to the
/// workspace root), percent-encoding what a Markdown link target cannot
/// hold as it is.
pub fn relative_path(from: &str, to: &str) -> String {
    let mut dir: Vec<&str> = from.split('/').collect();
    dir.pop();
    let target: Vec<&str> = to.split('/').collect();
    let common = dir
        .iter()
        .zip(&target)
        .take_while(|(a, b)| a == b)
        .count()
        .min(target.len().saturating_sub(1));
    let mut parts: Vec<String> = vec!["..".to_string(); dir.len() - common];
    parts.extend(target[common..].iter().map(|p| encode(p)));
    parts.join("/")
}

fn encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for c in segment.chars() {
        match c {
            ' ' | '%' | '(' | ')' | '#' | '<' | '>' | '[' | ']' | '?' => {
                out.push_str(&format!("%{:02X}", c as u32));
            }
            _ => out.push(c),
        }
    }
    out
}

/// The targets already linked from `file` (tasks: every acceptance link),
/// as (file, anchor).
fn linked(file: &SourceFile) -> HashSet<(String, String)> {
    let Summary::Tasks(list) = &file.summary else {
        return HashSet::new();
    };
    list.tasks
        .iter()
        .flat_map(|t| t.acceptance.iter().flat_map(|a| a.links.iter()))
        .filter_map(|l| {
            Some((
                link_target_path(&file.rel, l)?,
                l.fragment.clone().unwrap_or_default(),
            ))
        })
        .collect()
}

/// Ranks targets for `query`: the change's own first, then not yet linked,
/// then the fuzzy score, then their order.
fn ranked<'a>(
    targets: Vec<LinkTarget<'a>>,
    query: &str,
    key: impl Fn(&LinkTarget) -> String,
    linked: &HashSet<(String, String)>,
) -> (Vec<LinkTarget<'a>>, bool) {
    let mut m = Matcher::new(query);
    let mut scored: Vec<(bool, bool, f64, usize, LinkTarget)> = targets
        .into_iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let s = m.score(&key(&t))?;
            let done = linked.contains(&(t.target_rel.to_string(), t.anchor.to_string()));
            Some((t.own, done, s, i, t))
        })
        .collect();
    scored.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(a.1.cmp(&b.1))
            .then(b.2.total_cmp(&a.2))
            .then(a.3.cmp(&b.3))
    });
    let more = scored.len() > LIMIT;
    scored.truncate(LIMIT);
    (scored.into_iter().map(|x| x.4).collect(), more)
}

fn acceptance_links(cx: &Cursor, ws: &Workspace, start: usize, out: &mut Completions) {
    let seg = &cx.before[start..];
    let query = seg.trim_start_matches('[').trim_end_matches(']');
    let mut end = cx.offset;
    // An editor may have closed the bracket already.
    if seg.starts_with('[') && cx.after.starts_with(']') && !cx.after.starts_with("](") {
        end += 1;
    }
    let edit = cx.span(cx.line_start + start, end);
    let done = linked(cx.file);
    let (targets, _) = ranked(
        link_targets(ws, cx.file),
        query,
        |t| format!("{} {}", t.scenario, t.requirement),
        &done,
    );
    for t in targets {
        let label = t.scenario.replace(['[', ']'], "");
        let text = format!("[{label}]({})", t.target());
        out.items.push(link_item(t, label.clone(), text, seg, edit));
    }
    out.incomplete = true;
}

fn link_item(t: LinkTarget, label: String, text: String, typed: &str, edit: Span) -> Completion {
    Completion {
        filter: filter_for(typed, &text),
        label,
        kind: ItemKind::Link,
        detail: Some(format!("{} › {}", t.requirement, t.path)),
        documentation: Some(format!("`{}`", t.target())),
        edit,
        insert: Snippet::text(text),
    }
}

/// After `](`: the path and anchor of a scenario. Returns whether the
/// cursor was in such a place.
fn link_target(cx: &Cursor, ws: &Workspace, trigger: Trigger, out: &mut Completions) -> bool {
    let b = cx.before;
    let Some(open) = b.rfind("](") else {
        return false;
    };
    let start = open + 2;
    let typed = &b[start..];
    if typed.contains([')', ' ', '\t']) {
        return false;
    }
    if !matches!(trigger, Trigger::Invoked | Trigger::Char('(' | '#')) {
        return true;
    }
    let label = b[..open].rfind('[').map_or("", |i| &b[i + 1..open]);
    // The rest of an existing target is replaced too.
    let stretch = cx.after.find([')', ' ', '\t']).unwrap_or(cx.after.len());
    let closed = cx.after[stretch..].starts_with(')');
    let edit = cx.span(cx.line_start + start, cx.offset + stretch);
    let done = linked(cx.file);
    let targets = link_targets(ws, cx.file);
    let (targets, _) = if typed.is_empty() && !label.trim().is_empty() {
        // The label says which scenario is meant.
        let (by_label, more) = ranked(targets, label, |t| t.scenario.to_string(), &done);
        if by_label.is_empty() {
            ranked(link_targets(ws, cx.file), "", |t| t.target(), &done)
        } else {
            (by_label, more)
        }
    } else {
        ranked(targets, typed, |t| t.target(), &done)
    };
    for t in targets {
        let mut text = t.target();
        let label = t.scenario.to_string();
        let natural = text.clone();
        if !closed {
            text.push(')');
        }
        let mut item = link_item(t, label, text, typed, edit);
        item.filter = filter_for(typed, &natural);
        out.items.push(item);
    }
    out.incomplete = true;
    true
}

#[cfg(test)]
#[path = "completion_tests.rs"]
mod tests;
