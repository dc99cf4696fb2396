//! Completion in main and delta specs: step keywords and step texts in
//! scenarios, skeletons and section headers at the start of a line, RFC
//! 2119 keywords in requirement bodies, and the main spec's requirement
//! names in MODIFIED, REMOVED and RENAMED entries.

use std::collections::HashSet;

use super::{filter_for, Completion, Completions, Cursor, ItemKind, Trigger, LIMIT};
use crate::ide::fuzzy::Matcher;
use crate::ide::snippet::{Piece, Snippet};
use crate::ide::steps::StepIndex;
use crate::model::delta::Op;
use crate::model::steps::{parse_step, Keyword, Step};
use crate::model::{reader, Requirement};
use crate::syntax::{js, Doc};
use crate::workspace::{SourceFile, Workspace};

/// The headings above the cursor's line that say where it is.
#[derive(Default)]
struct Enclosing {
    /// The line of the `##` section heading.
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
        file.summary
            .scenarios()
            .flat_map(|(_, s)| s.steps.first())
            .find_map(|st| StepStyle::of(file.text(), st))
            .unwrap_or_else(StepStyle::openspec)
    }
}

pub(super) fn spec(
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
                let own = own_step(cx).map(|st| &cx.text()[st.text_span.range()]);
                step_texts(cx, steps, capability, start, own, cx.rest_end(), out);
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

/// The step texts for a step whose text starts at `start` of `before` and
/// is replaced up to `end`. `own` is the step being typed: it is in the
/// index too, and must not suggest itself.
pub(super) fn step_texts(
    cx: &Cursor,
    steps: &StepIndex,
    capability: &str,
    start: usize,
    own: Option<&str>,
    end: usize,
    out: &mut Completions,
) {
    let typed = &cx.before[start..];
    // After a GIVEN, WHEN or THEN, the steps of that kind come first among
    // those that match as well and belong to the same capability (the index
    // ranks by match, capability and uses, not by kind).
    let probe = format!("{}\u{1}", &cx.before[..start]);
    let wanted = parse_step(&probe, 0, 0, None)
        .map(|st| st.keyword)
        .filter(|k| matches!(k, Keyword::Given | Keyword::When | Keyword::Then));
    let (hits, _) = steps.query(typed, Some(capability), own, LIMIT);
    let mut ranked: Vec<_> = hits.iter().map(|h| (h, steps.suggestion(h))).collect();
    if let Some(k) = wanted {
        // Stable: otherwise the index's order stands.
        ranked.sort_by(|(a, x), (b, y)| {
            b.score
                .total_cmp(&a.score)
                .then(b.same_capability.cmp(&a.same_capability))
                .then((x.kind != k).cmp(&(y.kind != k)))
        });
    }
    let edit = cx.span(cx.line_start + start, end);
    for (_, s) in ranked {
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
    cx.file
        .summary
        .steps()
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
    // In a scenario's body a blank line is where the next step goes: the
    // delta sections are offered there only once a heading is being typed.
    if is_delta && (enc.scenario.is_none() || t.starts_with('#')) {
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
                    .text()
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
                documentation: Some(preview(main_file.text(), r)),
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
