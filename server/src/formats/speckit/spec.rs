//! spec.md: user stories (one `### User Story N - Title (Priority: P1)` per
//! story, or the old template's single `### Primary User Story`), acceptance
//! scenarios with their Given/When/Then steps, requirement items (`FR-001`,
//! `SC-001`, and the `NFR`/`R` numbering some presets use), key entities,
//! edge cases, clarification sessions, markers and placeholders.

use super::scan::{self, offset_in, Text};
use super::{Marker, Placeholder};
use crate::formats::shape::{Keyword, RequirementKind, Step, Style};
use crate::model::Span;
use crate::syntax::js;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Story {
    /// `N` of `User Story N`; `None` for the old template's primary story.
    pub number: Option<u32>,
    pub number_span: Option<Span>,
    /// The heading line, trimmed.
    pub heading: Span,
    /// The title after the separator, without the priority (empty for a
    /// primary story).
    pub title: Span,
    /// `1` of `(Priority: P1)` or `(P1)`, with the span of `P1`.
    pub priority: Option<(u32, Span)>,
    /// From the heading to the end of its section.
    pub section: Span,
    pub line: u32,
}

impl Story {
    /// The id `[USn]` labels use.
    pub fn id(&self) -> Option<String> {
        self.number.map(|n| format!("US{n}"))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    /// Index into [`SpecFile::stories`] of the story whose section holds it.
    pub story: Option<usize>,
    /// From the first step's line to the last one's, trimmed.
    pub span: Span,
    pub steps: Vec<Step>,
    pub line: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    pub id: String,
    pub kind: RequirementKind,
    pub id_span: Span,
    /// The statement after the id and its separator.
    pub text: Span,
    /// The item line, trimmed.
    pub span: Span,
    /// Upper-case RFC 2119 keywords after the id (`(MUST)` qualifiers
    /// included).
    pub keywords: Vec<(String, Span)>,
    pub line: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entity {
    pub name: Span,
    pub text: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// The whole bullet, trimmed.
    pub span: Span,
    pub question: Span,
    /// After `→ A:`; `None` when the bullet has no answer.
    pub answer: Option<Span>,
}

/// A `### Session YYYY-MM-DD` of the Clarifications section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub heading: Span,
    pub date: Span,
    pub answers: Vec<Answer>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpecFile {
    /// The feature name of `# Feature Specification: <name>` (or the whole
    /// first-level title).
    pub title: Option<Span>,
    pub stories: Vec<Story>,
    pub scenarios: Vec<Scenario>,
    pub requirements: Vec<Requirement>,
    pub entities: Vec<Entity>,
    pub edge_cases: Vec<Span>,
    pub sessions: Vec<Session>,
    pub markers: Vec<Marker>,
    pub placeholders: Vec<Placeholder>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Section {
    /// The old template's instructions: they quote markers and steps.
    Guidance,
    EdgeCases,
    Entities,
    Clarifications,
    Session(usize),
    Story(usize),
    Other,
}

fn classify(title: &str) -> Section {
    let lower = title.to_lowercase();
    let has = |w: &str| lower.contains(w);
    if has("execution flow")
        || has("quick guidelines")
        || has("for ai generation")
        || has("section requirements")
    {
        Section::Guidance
    } else if has("edge case") {
        Section::EdgeCases
    } else if has("key entities") {
        Section::Entities
    } else if lower.starts_with("clarifications") {
        Section::Clarifications
    } else {
        Section::Other
    }
}

/// A story heading's parts: number (with its range in `title`), title
/// range, priority (with the range of `Pn`).
pub(crate) struct StoryHeading {
    pub number: Option<(u32, std::ops::Range<usize>)>,
    pub title: std::ops::Range<usize>,
    pub priority: Option<(u32, std::ops::Range<usize>)>,
}

/// `User Story 2 - Title (Priority: P2)`, `User Story 1 — Title`,
/// `User Story 3: Title (P1)`, `US1 — Title (P1)`, `Primary User Story`.
pub(crate) fn story_heading(title: &str) -> Option<StoryHeading> {
    if title.eq_ignore_ascii_case("primary user story") {
        return Some(StoryHeading {
            number: None,
            title: title.len()..title.len(),
            priority: None,
        });
    }
    let rest = js::strip_prefix_ci(title, "user story")
        .map(js::trim_start)
        .or_else(|| title.strip_prefix("US"))?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 6 {
        return None;
    }
    let num_at = offset_in(title, rest);
    let number: u32 = rest[..digits].parse().ok()?;
    let mut after = js::trim_start(&rest[digits..]);
    // Digits must end the word: `User Story 1s` is no story heading.
    if after.len() == rest.len() - digits
        && !after.is_empty()
        && !after.starts_with(['-', '–', '—', ':', '('])
    {
        return None;
    }
    for sep in ['-', '–', '—', ':'] {
        if let Some(a) = after.strip_prefix(sep) {
            after = js::trim_start(a);
            break;
        }
    }
    let mut end = offset_in(title, after) + after.len();
    let mut priority = None;
    if let Some(open) = title[..end].rfind('(') {
        let inner = &title[open + 1..];
        let p = js::strip_prefix_ci(inner, "priority:")
            .map(js::trim_start)
            .unwrap_or(inner);
        if let Some(pd) = p.strip_prefix('P') {
            let d = pd.bytes().take_while(u8::is_ascii_digit).count();
            if d > 0 && pd[d..].starts_with(')') {
                let p_at = offset_in(title, p);
                priority = pd[..d].parse().ok().map(|n| (n, p_at..p_at + 1 + d));
                end = js::trim_end(&title[..open]).len();
            }
        }
    }
    let t_at = offset_in(title, after).min(end);
    Some(StoryHeading {
        number: Some((number, num_at..num_at + digits)),
        title: t_at..end,
        priority,
    })
}

/// `**Given**`, `**When:**`, `**Then**:` … in one line, outside inline
/// code: where each keyword sits and where its text starts.
fn bold_keywords(line: &str) -> Vec<(Keyword, std::ops::Range<usize>, usize)> {
    let code = scan::code_spans(line);
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(k) = line[pos..].find("**") {
        let at = pos + k;
        pos = at + 2;
        let inner = &line[at + 2..];
        let Some(close) = inner.find("**") else { break };
        let word = inner[..close].trim_end_matches(':');
        let kw = match word {
            "Given" | "GIVEN" => Keyword::Given,
            "When" | "WHEN" => Keyword::When,
            "Then" | "THEN" => Keyword::Then,
            "And" | "AND" => Keyword::And,
            "But" | "BUT" => Keyword::But,
            _ => continue,
        };
        if code.iter().any(|r| r.contains(&at)) {
            continue;
        }
        let mut text_at = at + 2 + close + 2;
        if line[text_at..].starts_with(':') {
            text_at += 1;
        }
        out.push((kw, at + 2..at + 2 + word.len(), text_at));
        pos = text_at;
    }
    out
}

/// The steps of one line, each step's text running to the next keyword.
pub(crate) fn line_steps(
    line: &str,
    base: usize,
    line_no: u32,
    mut previous: Option<Keyword>,
) -> Vec<Step> {
    let kws = bold_keywords(line);
    let mut out = Vec::with_capacity(kws.len());
    for (k, (keyword, kw, text_at)) in kws.iter().enumerate() {
        let text_end = kws.get(k + 1).map_or(line.len(), |n| n.1.start - 2);
        let raw = &line[*text_at..text_end.max(*text_at)];
        let text = js::trim(raw).trim_end_matches([',', ';']);
        let text = js::trim_end(text);
        let t_at = if text.is_empty() {
            *text_at
        } else {
            offset_in(line, text)
        };
        let kind = match keyword {
            Keyword::And | Keyword::But => previous.unwrap_or(*keyword),
            k => *k,
        };
        previous = Some(kind);
        out.push(Step {
            keyword: *keyword,
            kind,
            style: Style::Bold,
            keyword_span: Span::new(base + kw.start, base + kw.end),
            text_span: Span::new(base + t_at, base + t_at + text.len()),
            line: line_no,
        });
    }
    out
}

/// Steps of an item written in plain words: it opens with `Given` (or
/// `When`) and goes on at `, when` / `, then` (any case).
fn plain_steps(line: &str, at: usize, base: usize, line_no: u32) -> Vec<Step> {
    let item = &line[at..];
    let first = if item.starts_with("Given ") {
        Keyword::Given
    } else if item.starts_with("When ") {
        Keyword::When
    } else {
        return Vec::new();
    };
    let lower = item.to_ascii_lowercase();
    // (keyword, where the word starts, where its text starts)
    let mut marks = vec![(first, 0, if first == Keyword::Given { 6 } else { 5 })];
    for (sep, kw) in [
        (", when ", Keyword::When),
        (", then ", Keyword::Then),
        ("; then ", Keyword::Then),
    ] {
        let mut pos = 0;
        while let Some(k) = lower[pos..].find(sep) {
            let w = pos + k + 2;
            marks.push((kw, w, w + 5));
            pos = w;
        }
    }
    marks.sort_by_key(|m| m.1);
    let mut out = Vec::new();
    for (k, &(keyword, w, text_at)) in marks.iter().enumerate() {
        let end = marks.get(k + 1).map_or(item.len(), |n| n.1 - 2);
        let text = js::trim(&item[text_at.min(end)..end]).trim_end_matches([',', ';']);
        let t_at = if text.is_empty() {
            text_at
        } else {
            offset_in(item, text)
        };
        out.push(Step {
            keyword,
            kind: keyword,
            style: Style::Plain,
            keyword_span: Span::new(
                base + at + w,
                base + at + w + 4 + usize::from(keyword == Keyword::Given),
            ),
            text_span: Span::new(base + at + t_at, base + at + t_at + text.len()),
            line: line_no,
        });
    }
    out
}

/// A requirement item's id, after the list marker at `at`: `**FR-001**:`,
/// `FR-001:`, `**R001** (MUST):`, `**NFR-004 (evidence)** —`. Returns the
/// kind, the id's range and where the statement starts; `None` for an item
/// that merely cites ids (`**FR-001 and FR-002** constrain …`).
pub(crate) fn requirement_item(
    line: &str,
    at: usize,
) -> Option<(RequirementKind, std::ops::Range<usize>, usize)> {
    let bold = line[at..].starts_with("**");
    let id_at = at + if bold { 2 } else { 0 };
    let (kind, id_end) = scan::requirement_id_at(line, id_at)?;
    let mut q = id_end;
    let skip_ws = |q: usize| line.len() - js::trim_start(&line[q..]).len();
    let mut closed = !bold;
    if !closed && line[q..].starts_with("**") {
        q += 2;
        closed = true;
    }
    q = skip_ws(q);
    if line[q..].starts_with('(') {
        q += line[q..].find(')')? + 1;
        q = skip_ws(q);
    }
    if !closed && line[q..].starts_with("**") {
        q = skip_ws(q + 2);
        closed = true;
    }
    match ["::", ":", "—", "–", "-"]
        .iter()
        .find(|s| line[q..].starts_with(**s))
    {
        Some(sep) => q += sep.len(),
        // `- **FR-009** The system MUST …`: bold closed on the id alone
        // marks a definition even without a separator, unless a lowercase
        // word follows (`**FR-025** is a documentation requirement …` talks
        // about one).
        None if bold
            && closed
            && line[q..]
                .chars()
                .next()
                .is_some_and(|c| !c.is_lowercase() && !c.is_whitespace()) => {}
        None => return None,
    }
    if !closed && line[q..].starts_with("**") {
        q += 2;
    }
    Some((kind, id_at..id_end, skip_ws(q)))
}

impl SpecFile {
    pub fn parse(text: &str) -> SpecFile {
        let t = Text::new(text);
        let mut out = SpecFile::default();
        // Open sections: (level, kind).
        let mut stack: Vec<(u8, Section)> = Vec::new();
        // The scenario being read, and whether it may take more lines.
        let mut open: Option<(usize, bool)> = None;
        // The requirement whose indented continuation lines may follow.
        let mut open_req: Option<usize> = None;
        for i in 0..t.len() {
            let line = t.line(i);
            let base = t.start(i);
            if let Some((level, title_span)) = t.heading(i) {
                open = None;
                open_req = None;
                while stack.last().is_some_and(|&(l, _)| l >= level) {
                    stack.pop();
                }
                let title = t.slice(title_span);
                let in_clar = stack.iter().any(|s| s.1 == Section::Clarifications);
                let section = if level == 1 {
                    if out.title.is_none() {
                        let name = js::strip_prefix_ci(title, "feature specification:")
                            .map(js::trim)
                            .unwrap_or(title);
                        let at = offset_in(text, name);
                        out.title = Some(Span::new(at, at + name.len()));
                    }
                    Section::Other
                } else if let Some(h) = story_heading(title) {
                    let ts = title_span.start as usize;
                    out.stories.push(Story {
                        number: h.number.as_ref().map(|n| n.0),
                        number_span: h.number.map(|n| Span::new(ts + n.1.start, ts + n.1.end)),
                        heading: t.trimmed(i),
                        title: Span::new(ts + h.title.start, ts + h.title.end),
                        priority: h
                            .priority
                            .map(|(n, r)| (n, Span::new(ts + r.start, ts + r.end))),
                        section: Span::new(base, t.doc.next_start(i)),
                        line: i as u32,
                    });
                    Section::Story(out.stories.len() - 1)
                } else if let Some(date) = in_clar.then(|| session_date(title)).flatten() {
                    let at = title_span.start as usize;
                    out.sessions.push(Session {
                        heading: t.trimmed(i),
                        date: Span::new(at + date.start, at + date.end),
                        answers: Vec::new(),
                    });
                    Section::Session(out.sessions.len() - 1)
                } else {
                    classify(title)
                };
                stack.push((level, section));
                // `# Feature Specification: [FEATURE NAME]` is the token
                // most often left behind.
                if !stack.iter().any(|s| s.1 == Section::Guidance) {
                    scan::markers(&t, i, false, &mut out.markers);
                    scan::placeholders(&t, i, &mut out.placeholders);
                }
                continue;
            }
            // Every line extends the stories whose sections are open.
            for &(_, s) in &stack {
                if let Section::Story(k) = s {
                    out.stories[k].section.end = t.doc.next_start(i) as u32;
                }
            }
            if !t.prose(i) || stack.iter().any(|s| s.1 == Section::Guidance) {
                continue;
            }
            scan::markers(&t, i, false, &mut out.markers);
            scan::placeholders(&t, i, &mut out.placeholders);
            let item = scan::list_item(line);
            if let Some(k) = open_req {
                // A hard-wrapped statement goes on over indented lines.
                if item.is_none() && line.starts_with([' ', '\t']) && !js::trim(line).is_empty() {
                    let end = t.trimmed(i).end;
                    let r = &mut out.requirements[k];
                    r.text.end = end;
                    r.span.end = end;
                    r.keywords.extend(scan::keywords(line, base));
                    continue;
                }
                open_req = None;
            }
            let innermost = stack.last().map_or(Section::Other, |s| s.1);
            if let Some(at) = item {
                if let Some((kind, id, text_at)) = requirement_item(line, at) {
                    let stmt = js::trim_end(&line[text_at..]);
                    out.requirements.push(Requirement {
                        id: line[id.clone()].to_string(),
                        kind,
                        id_span: Span::new(base + id.start, base + id.end),
                        text: Span::new(base + text_at, base + text_at + stmt.len()),
                        span: t.trimmed(i),
                        keywords: scan::keywords(&line[id.end..], base + id.end),
                        line: i as u32,
                    });
                    open_req = Some(out.requirements.len() - 1);
                }
                match innermost {
                    Section::EdgeCases => {
                        let s = js::trim_end(&line[at..]);
                        if !s.is_empty() {
                            out.edge_cases
                                .push(Span::new(base + at, base + at + s.len()));
                        }
                    }
                    Section::Entities => {
                        if let Some(e) = entity(line, at, base) {
                            out.entities.push(e);
                        }
                    }
                    Section::Session(k) => {
                        if let Some(a) = answer(line, at, base) {
                            out.sessions[k].answers.push(a);
                        }
                    }
                    _ => {}
                }
            }
            // Acceptance scenarios: a self-contained item
            // (`1. **Given** …, **When** …, **Then** …`), or one step per
            // line or item, a new scenario starting at each Given.
            let story = stack.iter().rev().find_map(|s| match s.1 {
                Section::Story(k) => Some(k),
                _ => None,
            });
            let first = bold_keywords(line).first().map(|k| (k.0, k.1.start));
            // `1. Given a spec, when I advance, then …`: plain keywords in
            // one item.
            if first.is_none() {
                let steps = item
                    .map(|at| plain_steps(line, at, base, i as u32))
                    .unwrap_or_default();
                if steps.len() > 1 {
                    out.scenarios.push(Scenario {
                        story,
                        span: t.trimmed(i),
                        steps,
                        line: i as u32,
                    });
                    open = None;
                    continue;
                }
            }
            // A step wrapped onto the next line of its paragraph keeps the
            // scenario open; any other text closes it.
            let wrapped = item.is_none()
                && i > 0
                && !js::trim(line).is_empty()
                && !js::trim(t.line(i - 1)).is_empty()
                && open.is_some_and(|(k, _)| out.scenarios[k].span.end == t.trimmed(i - 1).end);
            let Some((first_kw, first_at)) = first else {
                if wrapped {
                    if let Some((k, _)) = open {
                        out.scenarios[k].span.end = t.trimmed(i).end;
                    }
                } else if !js::trim(line).is_empty() {
                    open = None;
                }
                continue;
            };
            // A keyword must open the line (after any list marker) to make
            // it a step line; `**When**` mid-sentence is prose, except in
            // the wrapped rest of a scenario's item ("…, **When** the
            // script runs with\n   `--task T001`, **Then** …"), where it
            // goes on with the scenario.
            let lead = item.unwrap_or(line.len() - js::trim_start(line).len());
            if first_at != lead + 2 {
                if let (true, Some((k, _))) = (wrapped, open) {
                    let previous = out.scenarios[k].steps.last().map(|s| s.kind);
                    let steps = line_steps(line, base, i as u32, previous);
                    let sc = &mut out.scenarios[k];
                    sc.steps.extend(steps);
                    sc.span.end = t.trimmed(i).end;
                } else {
                    open = None;
                }
                continue;
            }
            let continues = open.and_then(|(k, more)| {
                let sc = &out.scenarios[k];
                let has_then = sc.steps.iter().any(|s| s.kind == Keyword::Then);
                let starts_new =
                    first_kw == Keyword::Given || (first_kw == Keyword::When && has_then);
                (more && !starts_new).then_some(k)
            });
            let previous = continues.and_then(|k| out.scenarios[k].steps.last().map(|s| s.kind));
            let steps = line_steps(line, base, i as u32, previous);
            let self_contained = steps.len() > 1;
            match continues {
                Some(k) if !self_contained => {
                    let sc = &mut out.scenarios[k];
                    sc.steps.extend(steps);
                    sc.span.end = t.trimmed(i).end;
                }
                _ => {
                    out.scenarios.push(Scenario {
                        story,
                        span: t.trimmed(i),
                        steps,
                        line: i as u32,
                    });
                    open = Some((out.scenarios.len() - 1, !self_contained));
                }
            }
        }
        out
    }

    /// The story numbered `n`.
    pub fn story(&self, n: u32) -> Option<&Story> {
        self.stories.iter().find(|s| s.number == Some(n))
    }

    /// Whether the spec uses per-story headings (the current template).
    pub fn has_numbered_stories(&self) -> bool {
        self.stories.iter().any(|s| s.number.is_some())
    }
}

/// `Session 2025-01-02` (anything may follow): the date's range.
fn session_date(title: &str) -> Option<std::ops::Range<usize>> {
    let rest = title.strip_prefix("Session ")?;
    let b = rest.as_bytes();
    let ok = b.len() >= 10
        && b[..10].iter().enumerate().all(|(k, c)| {
            if k == 4 || k == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    ok.then_some(8..18)
}

/// `- **Name**: what it is` (also `- **Name** - …`).
fn entity(line: &str, at: usize, base: usize) -> Option<Entity> {
    let inner = line[at..].strip_prefix("**")?;
    let close = inner.find("**")?;
    let name = js::trim(inner[..close].trim_end_matches(':'));
    if name.is_empty() {
        return None;
    }
    let name_at = offset_in(line, name);
    let after = &inner[close + 2..];
    let after = after.strip_prefix(':').unwrap_or(after);
    let after = js::trim_start(after);
    let after = after
        .strip_prefix(['-', '–', '—'])
        .map(js::trim_start)
        .unwrap_or(after);
    let text = js::trim_end(after);
    let text_at = offset_in(line, text);
    Some(Entity {
        name: Span::new(base + name_at, base + name_at + name.len()),
        text: Span::new(base + text_at, base + text_at + text.len()),
    })
}

/// `- Q: question → A: answer` (also `->`).
fn answer(line: &str, at: usize, base: usize) -> Option<Answer> {
    let item = js::trim_end(&line[at..]);
    let q = item
        .strip_prefix("Q:")
        .or_else(|| item.strip_prefix("**Q**:"))?;
    let q = js::trim_start(q);
    let (question, answer) = match q
        .find("→ A:")
        .map(|k| (k, "→ A:".len()))
        .or_else(|| q.find("-> A:").map(|k| (k, 5)))
    {
        Some((k, n)) => (js::trim_end(&q[..k]), Some(js::trim(&q[k + n..]))),
        None => (q, None),
    };
    let span_of = |s: &str| {
        let o = offset_in(line, s);
        Span::new(base + o, base + o + s.len())
    };
    Some(Answer {
        span: span_of(item),
        question: span_of(question),
        answer: answer.map(span_of),
    })
}

#[cfg(test)]
#[path = "spec_tests.rs"]
mod tests;
