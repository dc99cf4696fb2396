//! `requirements.md` of a feature spec: Introduction, Glossary, and
//! `### Requirement N[: Title]` blocks with a `**User Story:**` and numbered
//! `#### Acceptance Criteria` (criterion id = requirement number . item).

use super::ears::{self, Ears};
use super::refs::CriterionId;
use super::text::{self, heading_title};
use crate::model::Span;
use crate::syntax::{js, Doc};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Criterion {
    pub id: CriterionId,
    /// The item number as written (`3` in `3.` and in `2.3.`).
    pub number_span: Span,
    /// The whole list marker (`3.`, `2.3.`, `**2.3**`): where a finding
    /// about the criterion as a whole starts.
    pub marker: Span,
    /// The requirement number written before the item (`2` in `2.3.`), when
    /// the list spells whole ids.
    pub written_req: Option<u32>,
    /// The text after the number on the item's first line, trimmed.
    pub text: Span,
    /// The whole item: its first line up to the next item or heading, with
    /// continuation lines and sub-bullets, trailing blank lines excluded.
    pub body: Span,
    pub line: u32,
    /// The EARS clauses of the whole body.
    pub ears: Ears,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    pub number: u32,
    pub number_span: Span,
    pub title: Option<Span>,
    /// The heading line, trimmed.
    pub heading: Span,
    pub line: u32,
    /// The `**User Story:**` line (or cc-sdd's `**Objective:**`), trimmed.
    pub user_story: Option<Span>,
    pub criteria_heading: Option<Span>,
    pub criteria: Vec<Criterion>,
    /// From the heading to the end of the block's last non-blank line.
    pub block: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term {
    /// The term as written, emphasis removed.
    pub name: String,
    pub span: Span,
    /// The definition after the separator, possibly empty.
    pub definition: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Glossary {
    pub heading: Span,
    pub terms: Vec<Term>,
}

impl Glossary {
    /// Whether the Glossary defines `name`, comparing as Kiro's authors
    /// write the same name: `Auth_Service`, `Auth Service`, `auth-service`.
    pub fn defines(&self, name: &str) -> bool {
        let want = normalise_name(name);
        self.terms.iter().any(|t| {
            let n = normalise_name(&t.name);
            n == want
                // `Auth_Service (AS)` defines `Auth_Service` and `AS`.
                || t.name.split(['(', ')', '/']).any(|part| normalise_name(part) == want)
        })
    }
}

pub fn normalise_name(s: &str) -> String {
    s.trim()
        .chars()
        .map(|c| match c {
            '_' | '-' | ' ' => ' ',
            c => c.to_ascii_lowercase(),
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequirementsDoc {
    /// The level-1 heading's title.
    pub title: Option<Span>,
    pub introduction: Option<Span>,
    pub glossary: Option<Glossary>,
    pub requirements: Vec<Requirement>,
    /// Numbered items under an Acceptance Criteria heading that no
    /// requirement owns (after a `### NFR-1` heading, say).
    pub orphan_criteria: Vec<Span>,
    /// Requirement headings whose number cannot be read
    /// (`### Requirement 0`, a number too large).
    pub bad_headings: Vec<Span>,
}

impl RequirementsDoc {
    pub fn requirement(&self, number: u32) -> Option<&Requirement> {
        self.requirements.iter().find(|r| r.number == number)
    }

    pub fn criterion(&self, id: CriterionId) -> Option<&Criterion> {
        let item = id.item?;
        self.requirement(id.req)?
            .criteria
            .iter()
            .find(|c| c.id.item == Some(item))
    }

    /// Whether `id` names a requirement (no item) or a criterion.
    pub fn resolves(&self, id: CriterionId) -> bool {
        match id.item {
            None => self.requirement(id.req).is_some(),
            Some(_) => self.criterion(id).is_some(),
        }
    }

    /// The last item number of requirement `req`, for expanding ranges.
    pub fn items_of(&self, req: u32) -> Option<u32> {
        self.requirement(req)?
            .criteria
            .iter()
            .filter_map(|c| c.id.item)
            .max()
    }

    pub fn criteria(&self) -> impl Iterator<Item = &Criterion> {
        self.requirements.iter().flat_map(|r| r.criteria.iter())
    }
}

const INTRODUCTION: &[&str] = &[
    "Introduction",
    "はじめに",
    "概要",
    "简介",
    "引言",
    "Introducción",
];
const GLOSSARY: &[&str] = &[
    "Glossary",
    "用語集",
    "用語定義",
    "用語",
    "术语表",
    "術語表",
    "Glosario",
];
const CRITERIA: &[&str] = &[
    "Acceptance Criteria",
    "受け入れ基準",
    "受入基準",
    "验收标准",
    "Criterios de aceptación",
];
const REQUIREMENT_WORDS: &[&str] = &["Requirement", "要件", "需求", "Requisito"];
const STORY_LABELS: &[&str] = &[
    "User Story",
    "Objective",
    "ユーザーストーリー",
    "目的",
    "用户故事",
];

/// The section a level-2 heading opens.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Glossary,
    Other,
}

pub fn parse(source: &str) -> RequirementsDoc {
    let doc = Doc::new(source);
    let mut out = RequirementsDoc::default();
    let mut section = Section::Other;
    let mut in_criteria = false;
    // The item being read: (requirement index or None for an orphan,
    // criterion index); continuation lines extend its body.
    let mut open_item = false;
    // The requirement whose block is being read.
    let mut open: Option<usize> = None;
    for i in 0..doc.len() {
        if doc.masked(i) {
            continue;
        }
        let line = doc.line(i);
        let base = doc.lines[i].start as usize;
        if let Some((level, title, title_at)) = heading_title(&doc, i) {
            open_item = false;
            if level == 1 && out.title.is_none() {
                out.title = Some(Span::new(title_at, title_at + title.len()));
            }
            if let Some((number, number_span, title_span)) =
                requirement_heading(level, title, title_at)
            {
                close_block(&doc, &mut out, &mut open, i);
                section = Section::Other;
                in_criteria = false;
                match number {
                    Some(number) => {
                        open = Some(out.requirements.len());
                        out.requirements.push(Requirement {
                            number,
                            number_span,
                            title: title_span,
                            heading: doc.trimmed_range(i).into(),
                            line: i as u32,
                            user_story: None,
                            criteria_heading: None,
                            criteria: Vec::new(),
                            block: doc.trimmed_range(i).into(),
                        })
                    }
                    None => out.bad_headings.push(doc.trimmed_range(i).into()),
                }
                continue;
            }
            if level >= 3 && text::is_titled(title, CRITERIA) {
                in_criteria = true;
                if let Some(k) = open {
                    let r = &mut out.requirements[k];
                    if r.criteria_heading.is_none() {
                        r.criteria_heading = Some(doc.trimmed_range(i).into());
                    }
                }
                continue;
            }
            in_criteria = false;
            if level <= 3 {
                close_block(&doc, &mut out, &mut open, i);
            }
            if level <= 2 {
                section = Section::Other;
                if text::is_titled(title, GLOSSARY) {
                    section = Section::Glossary;
                    out.glossary.get_or_insert(Glossary {
                        heading: doc.trimmed_range(i).into(),
                        terms: Vec::new(),
                    });
                } else if text::is_titled(title, INTRODUCTION) && out.introduction.is_none() {
                    out.introduction = Some(doc.trimmed_range(i).into());
                }
            }
            continue;
        }
        if js::trim(line).is_empty() {
            continue;
        }
        if section == Section::Glossary {
            if let Some(term) = glossary_term(line, base) {
                out.glossary.as_mut().expect("open").terms.push(term);
            }
            continue;
        }
        if in_criteria {
            if let Some(item) = criterion_item(line) {
                open_item = true;
                let after = &line[item.text_at..];
                let text = js::trim(after);
                let text_at = base + item.text_at + (after.len() - js::trim_start(after).len());
                let text_span = Span::new(text_at, text_at + text.len());
                let Some(k) = open else {
                    out.orphan_criteria.push(doc.trimmed_range(i).into());
                    continue;
                };
                let r = &mut out.requirements[k];
                r.criteria.push(Criterion {
                    id: CriterionId::criterion(r.number, item.item),
                    number_span: Span::new(base + item.number.0, base + item.number.1),
                    marker: Span::new(base + item.start, base + item.text_at),
                    written_req: item.written_req,
                    text: text_span,
                    body: text_span,
                    line: i as u32,
                    ears: ears::analyse(text, text_at),
                });
                continue;
            }
            if open_item {
                if let Some(c) = open.and_then(|k| out.requirements[k].criteria.last_mut()) {
                    c.body.end = doc.trimmed_range(i).end as u32;
                }
                continue;
            }
        }
        if let Some(k) = open {
            let r = &mut out.requirements[k];
            if r.user_story.is_none() && r.criteria.is_empty() {
                if let Some((label, _, _)) = super::refs::labelled(line, STORY_LABELS) {
                    // `**Objective:**` is only a user story in bold.
                    if label != "Objective" || js::trim_start(line).starts_with("**") {
                        r.user_story = Some(doc.trimmed_range(i).into());
                    }
                }
            }
        }
    }
    close_block(&doc, &mut out, &mut open, doc.len());
    // Read EARS over the whole item: a SHALL may sit on a continuation line.
    for r in &mut out.requirements {
        for c in &mut r.criteria {
            if c.body != c.text {
                c.ears = ears::analyse(&source[c.body.range()], c.body.start as usize);
            }
        }
    }
    out
}

/// Ends the block of requirement `open` before line `next`.
fn close_block(doc: &Doc, out: &mut RequirementsDoc, open: &mut Option<usize>, next: usize) {
    let Some(k) = open.take() else { return };
    let r = &mut out.requirements[k];
    let mut last = next;
    while last > r.line as usize + 1 && js::trim(doc.line(last - 1)).is_empty() {
        last -= 1;
    }
    if last > r.line as usize + 1 {
        r.block.end = doc.trimmed_range(last - 1).end as u32;
    }
}

pub(super) struct Item {
    /// The item number's byte range in the line.
    pub number: (usize, usize),
    pub item: u32,
    pub written_req: Option<u32>,
    /// Where the text after the number starts in the line.
    pub text_at: usize,
    /// Where the marker starts (after the indentation).
    pub start: usize,
}

/// `N. text`, `N.M. text`, `N.M text`, `**N.M** text` at an indentation of
/// at most three spaces.
pub(super) fn criterion_item(line: &str) -> Option<Item> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let mut at = indent;
    let bold = line[at..].starts_with("**");
    if bold {
        at += 2;
    }
    let digits = |from: usize| line[from..].bytes().take_while(u8::is_ascii_digit).count();
    let n1 = digits(at);
    if n1 == 0 {
        return None;
    }
    let first = (at, at + n1);
    at += n1;
    let mut second = None;
    if line[at..].starts_with('.') {
        let n2 = digits(at + 1);
        if n2 > 0 {
            second = Some((at + 1, at + 1 + n2));
            at += 1 + n2;
            if line[at..].starts_with('.') {
                at += 1;
            }
        } else {
            at += 1;
        }
    } else if line[at..].starts_with(')') && second.is_none() {
        at += 1;
    } else {
        return None;
    }
    if bold {
        at += line[at..].starts_with("**") as usize * 2;
    }
    let rest = &line[at..];
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    let parse = |(s, e): (usize, usize)| line[s..e].parse::<u32>().ok().filter(|&n| n > 0);
    let (number, item, written_req) = match second {
        Some(s) => (s, parse(s)?, Some(parse(first)?)),
        None => (first, parse(first)?, None),
    };
    Some(Item {
        number,
        item,
        written_req,
        text_at: at,
        start: indent,
    })
}

/// `Requirement N`, `Requirement N: Title`, `要件 N: Title`, and at level 3
/// the numeric-only `N. Title`. Returns the number (`None` when it cannot
/// be read), its span and the title's span.
fn requirement_heading(
    level: u8,
    title: &str,
    title_at: usize,
) -> Option<(Option<u32>, Span, Option<Span>)> {
    let (num_at, rest) = match REQUIREMENT_WORDS
        .iter()
        .find_map(|w| title.strip_prefix(w).map(|r| (title.len() - r.len(), r)))
    {
        Some((after, rest)) if (2..=4).contains(&level) => {
            let spaces = rest.len() - rest.trim_start().len();
            let r = &rest[spaces..];
            if !r.starts_with(|c: char| c.is_ascii_digit()) {
                return None;
            }
            (after + spaces, r)
        }
        _ if level == 3 => {
            let n = title.bytes().take_while(u8::is_ascii_digit).count();
            let after = &title[n..];
            if n == 0 || !after.starts_with(". ") {
                return None;
            }
            (0, title)
        }
        _ => return None,
    };
    let n = rest.bytes().take_while(u8::is_ascii_digit).count();
    let after = &rest[n..];
    // `Requirement 1.2` is no requirement heading; `Requirement 1:` is.
    if after.starts_with('.') && after[1..].starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    if !(after.is_empty() || after.starts_with([':', '：', '.', ' ', '-', '–', '—', '\t'])) {
        return None;
    }
    let number = rest[..n]
        .parse::<u32>()
        .ok()
        .filter(|&n| (1..=100_000).contains(&n));
    let number_span = Span::new(title_at + num_at, title_at + num_at + n);
    let t = after.trim_start_matches([':', '：', '.', ' ', '-', '–', '—', '\t']);
    let title_span = (!t.trim().is_empty()).then(|| {
        let s = title_at + (title.len() - t.len());
        Span::new(s, s + t.trim_end().len())
    });
    Some((number, number_span, title_span))
}

/// `- **Term**: definition`, `- **Term** - definition`, `- Term: definition`.
fn glossary_term(line: &str, base: usize) -> Option<Term> {
    let t = js::trim_start(line);
    let rest = t.strip_prefix(['-', '*', '+'])?.trim_start();
    let rest_at = base + (line.len() - rest.len());
    let (name, name_at, after) = if let Some(inner) = rest.strip_prefix("**") {
        let end = inner.find("**")?;
        let name = inner[..end].trim_end_matches([':', '：']).trim();
        (
            name,
            rest_at + 2 + (inner[..end].len() - inner[..end].trim_start().len()),
            &inner[end + 2..],
        )
    } else {
        let end = rest.find([':', '：'])?;
        let name = rest[..end].trim();
        if name.is_empty() || name.split_whitespace().count() > 5 {
            return None;
        }
        (name, rest_at, &rest[end..])
    };
    if name.is_empty() {
        return None;
    }
    let def = after
        .trim_start_matches([':', '：', ' ', '-', '–', '—', '\t'])
        .trim_end();
    let def_at = base + (def.as_ptr() as usize - line.as_ptr() as usize);
    Some(Term {
        name: name.to_string(),
        span: Span::new(name_at, name_at + name.len()),
        definition: Span::new(def_at, def_at + def.len()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, s: Span) -> &str {
        &text[s.range()]
    }

    const G2: &str = r#"# Requirements Document

## Introduction

Sign-in for the portal.

## Glossary

- **Auth_Service**: The service that issues tokens
- **Session Store** - Where sessions live

## Requirements

### Requirement 1: Sign in

**User Story:** As a user, I want to sign in, so that I see my data

#### Acceptance Criteria

1. WHEN a user submits valid credentials, THE Auth_Service SHALL issue a token
2. IF the password is wrong, THEN THE Auth_Service SHALL reject the attempt
   and count it

### Requirement 2

#### Acceptance Criteria

1. THE Session_Store SHALL expire sessions after 30 minutes
"#;

    #[test]
    fn g2_requirements_with_glossary() {
        let d = parse(G2);
        assert_eq!(at(G2, d.title.unwrap()), "Requirements Document");
        assert_eq!(at(G2, d.introduction.unwrap()), "## Introduction");
        let g = d.glossary.as_ref().unwrap();
        let names: Vec<_> = g.terms.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["Auth_Service", "Session Store"]);
        assert_eq!(at(G2, g.terms[0].span), "Auth_Service");
        assert_eq!(at(G2, g.terms[1].definition), "Where sessions live");
        assert!(g.defines("Session_Store") && g.defines("auth service"));
        assert!(!g.defines("Billing"));

        assert_eq!(d.requirements.len(), 2);
        let r1 = &d.requirements[0];
        assert_eq!(r1.number, 1);
        assert_eq!(at(G2, r1.number_span), "1");
        assert_eq!(at(G2, r1.title.unwrap()), "Sign in");
        assert!(at(G2, r1.user_story.unwrap()).starts_with("**User Story:** As a user"));
        assert_eq!(
            at(G2, r1.criteria_heading.unwrap()),
            "#### Acceptance Criteria"
        );
        let ids: Vec<_> = r1.criteria.iter().map(|c| c.id.to_string()).collect();
        assert_eq!(ids, ["1.1", "1.2"]);
        let c2 = &r1.criteria[1];
        assert_eq!(at(G2, c2.number_span), "2");
        assert_eq!(
            at(G2, c2.text),
            "IF the password is wrong, THEN THE Auth_Service SHALL reject the attempt"
        );
        assert!(at(G2, c2.body).ends_with("the attempt\n   and count it"));
        assert_eq!(at(G2, c2.ears.system.unwrap()), "Auth_Service");
        assert!(at(G2, r1.block).starts_with("### Requirement 1: Sign in"));
        assert!(at(G2, r1.block).ends_with("and count it"));

        let r2 = &d.requirements[1];
        assert_eq!((r2.number, r2.title, r2.user_story), (2, None, None));
        assert_eq!(r2.criteria[0].id, CriterionId::criterion(2, 1));
        assert_eq!(d.items_of(1), Some(2));
        assert!(d.resolves(CriterionId::criterion(2, 1)));
        assert!(d.resolves(CriterionId::requirement(2)));
        assert!(!d.resolves(CriterionId::criterion(2, 2)));
        assert!(!d.resolves(CriterionId::requirement(3)));
    }

    #[test]
    fn g1_criteria_and_numeric_headings() {
        let t = "## High-Level Requirements\n\n### 1. Compass Radar\n\n**User Story**: As a player, I rotate\n\n#### Acceptance Criteria\n\n1.1. WHEN I open the Radar THEN the system SHALL ask\n\n1.2 THE Radar SHALL show a north indicator\n\n### 1.1 Not a requirement\n";
        let d = parse(t);
        assert_eq!(d.requirements.len(), 1);
        let r = &d.requirements[0];
        assert_eq!((r.number, at(t, r.title.unwrap())), (1, "Compass Radar"));
        assert!(r.user_story.is_some());
        let got: Vec<_> = r
            .criteria
            .iter()
            .map(|c| {
                (
                    c.id.to_string(),
                    c.written_req,
                    at(t, c.number_span),
                    at(t, c.text),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "1.1".to_string(),
                    Some(1),
                    "1",
                    "WHEN I open the Radar THEN the system SHALL ask"
                ),
                (
                    "1.2".to_string(),
                    Some(1),
                    "2",
                    "THE Radar SHALL show a north indicator"
                ),
            ]
        );
        assert!(at(t, r.block).ends_with("north indicator"));
        assert_eq!(at(t, r.criteria[0].marker), "1.1.");
        assert_eq!(at(t, r.criteria[1].marker), "1.2");
    }

    #[test]
    fn japanese_and_cc_sdd() {
        let t = "### 要件 1: 計測\n\n#### 受け入れ基準\n\n1.1. GA4 で計測されている:\n   - `page_view`\n1.2. 主要 KPI を定義\n\n### Requirement 2: RSS\n**Objective:** As a ユーザー, I want フィード\n\n#### Acceptance Criteria\n1. When ユーザーがアクセス, the Syndication Service shall XML を返却\n";
        let d = parse(t);
        let ids: Vec<_> = d.criteria().map(|c| c.id.to_string()).collect();
        assert_eq!(ids, ["1.1", "1.2", "2.1"]);
        assert_eq!(at(t, d.requirements[0].title.unwrap()), "計測");
        assert!(at(t, d.requirements[0].criteria[0].body).ends_with("`page_view`"));
        assert!(d.requirements[1].user_story.is_some());
        let c = &d.requirements[1].criteria[0];
        assert_eq!(at(t, c.ears.system.unwrap()), "Syndication Service");
        assert!(c.ears.lowercase_shall.is_some());
    }

    #[test]
    fn criteria_outside_requirements_and_bad_headings() {
        let t = "### Requirement 1\n#### Acceptance Criteria\n1. THE A SHALL b\n## Non-Functional Requirements\n### NFR-1: Speed\n#### Acceptance Criteria\n1. THE A SHALL be fast\n### Requirement 0\n### Requirement 99999999999: Big\n```\n### Requirement 7\n```\n";
        let d = parse(t);
        assert_eq!(d.requirements.len(), 1);
        assert_eq!(d.requirements[0].criteria.len(), 1);
        assert_eq!(d.orphan_criteria.len(), 1);
        assert_eq!(at(t, d.orphan_criteria[0]), "1. THE A SHALL be fast");
        let bad: Vec<_> = d.bad_headings.iter().map(|s| at(t, *s)).collect();
        assert_eq!(
            bad,
            ["### Requirement 0", "### Requirement 99999999999: Big"]
        );
    }

    #[test]
    fn items_that_are_not_criteria() {
        for line in [
            "    1. indented code",
            "1 apple",
            "1.a text",
            "12text",
            "- 1. bullet",
        ] {
            assert!(criterion_item(line).is_none(), "{line}");
        }
        let i = criterion_item("**2.13** WHEN x THEN y").unwrap();
        assert_eq!(
            (i.item, i.written_req, i.text_at, i.start),
            (13, Some(2), 8, 0)
        );
        let i = criterion_item("  4.1 The A shall b").unwrap();
        assert_eq!(
            (i.item, i.written_req, i.number, i.start, i.text_at),
            (1, Some(4), (4, 5), 2, 5)
        );
    }

    #[test]
    fn nothing_breaks_on_odd_input() {
        for t in [
            "",
            "#",
            "### Requirement",
            "### Requirement 1:",
            "#### Acceptance Criteria\n1.",
            "1.\n2.",
        ] {
            let _ = parse(t);
        }
        let d = parse("### Requirement 1:\n#### Acceptance Criteria\n1.");
        assert_eq!(d.requirements[0].title, None);
        assert_eq!(d.requirements[0].criteria[0].text.range().len(), 0);
    }
}
