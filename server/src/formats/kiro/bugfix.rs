//! `bugfix.md` of a bugfix spec (G3): the `1.x` (current, defective), `2.x`
//! (expected) and `3.x` (unchanged) behaviour lines. They are plain lines or
//! bold (`**2.13**`), not always list items, and tasks cite them as
//! `_Requirements: 1.1, 2.3_`.

use super::ears::{self, Ears};
use super::refs::CriterionId;
use super::requirements::criterion_item;
use super::text::heading_title;
use crate::model::Span;
use crate::syntax::{js, Doc};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BugSection {
    /// `### Current Behavior (Defect)`
    Current,
    /// `### Expected Behavior (Correct)`
    Expected,
    /// `### Unchanged Behavior (Regression Prevention)`
    Unchanged,
}

impl BugSection {
    /// The section whose lines are numbered `n.x`.
    pub fn of_number(n: u32) -> Option<BugSection> {
        match n {
            1 => Some(BugSection::Current),
            2 => Some(BugSection::Expected),
            3 => Some(BugSection::Unchanged),
            _ => None,
        }
    }

    fn of_title(title: &str) -> Option<BugSection> {
        let t = title.to_ascii_lowercase();
        if t.starts_with("current behavio") {
            Some(BugSection::Current)
        } else if t.starts_with("expected behavio") {
            Some(BugSection::Expected)
        } else if t.starts_with("unchanged behavio") {
            Some(BugSection::Unchanged)
        } else {
            None
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BugItem {
    /// `2.3` reads as requirement 2, item 3, the shape criterion ids have.
    pub id: CriterionId,
    /// `2.3` as written.
    pub id_span: Span,
    /// The section heading the line sits under, which may disagree with the
    /// id's first number.
    pub section: Option<BugSection>,
    /// The text after the id, trimmed.
    pub text: Span,
    pub line: u32,
    pub ears: Ears,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BugfixDoc {
    pub title: Option<Span>,
    pub introduction: Option<Span>,
    /// The three section headings, in document order.
    pub sections: Vec<(BugSection, Span)>,
    /// The line of each of [`BugfixDoc::sections`].
    pub section_lines: Vec<u32>,
    pub items: Vec<BugItem>,
}

impl BugfixDoc {
    pub fn item(&self, id: CriterionId) -> Option<&BugItem> {
        self.items.iter().find(|i| i.id == id)
    }

    /// Whether `id` names a line (`2.3`) or a whole section that has lines
    /// (`2`).
    pub fn resolves(&self, id: CriterionId) -> bool {
        match id.item {
            Some(_) => self.item(id).is_some(),
            None => self.items.iter().any(|i| i.id.req == id.req),
        }
    }

    pub fn items_of(&self, n: u32) -> Option<u32> {
        self.items
            .iter()
            .filter(|i| i.id.req == n)
            .filter_map(|i| i.id.item)
            .max()
    }
}

pub fn parse(source: &str) -> BugfixDoc {
    let doc = Doc::new(source);
    let mut out = BugfixDoc::default();
    let mut section = None;
    for i in 0..doc.len() {
        if doc.masked(i) {
            continue;
        }
        if let Some((level, title, at)) = heading_title(&doc, i) {
            if level == 1 && out.title.is_none() {
                out.title = Some(Span::new(at, at + title.len()));
            }
            if level <= 3 {
                if let Some(s) = BugSection::of_title(title) {
                    section = Some(s);
                    out.sections.push((s, doc.trimmed_range(i).into()));
                    out.section_lines.push(i as u32);
                } else if level <= 2 {
                    section = None;
                    if title.eq_ignore_ascii_case("Introduction") && out.introduction.is_none() {
                        out.introduction = Some(doc.trimmed_range(i).into());
                    }
                }
            }
            continue;
        }
        let line = doc.line(i);
        let base = doc.lines[i].start as usize;
        // `- 1.1 …` is read like `1.1 …`.
        let trimmed = js::trim_start(line);
        let rest = trimmed
            .strip_prefix("- ")
            .or_else(|| trimmed.strip_prefix("* "))
            .map_or(line, js::trim_start);
        let off = line.len() - rest.len();
        let Some(item) = criterion_item(rest) else {
            continue;
        };
        let Some(major) = item.written_req else {
            continue;
        };
        let after = &rest[item.text_at..];
        let text = js::trim(after);
        let text_at = base + off + item.text_at + (after.len() - js::trim_start(after).len());
        // The id begins at the major number's first digit, after any `**`.
        let id_start = base + off + rest.find(|c: char| c.is_ascii_digit()).unwrap_or(0);
        out.items.push(BugItem {
            id: CriterionId::criterion(major, item.item),
            id_span: Span::new(id_start, base + off + item.number.1),
            section,
            text: Span::new(text_at, text_at + text.len()),
            line: i as u32,
            ears: ears::analyse(text, text_at),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUG: &str = r#"# Bugfix Requirements Document

## Introduction

Hooks break.

## Bug Analysis

### Current Behavior (Defect)

**1.1** WHEN a user saves an invalid hook THEN the system accepts it

### Expected Behavior (Correct)

2.1 WHEN a user saves an invalid hook THEN the system SHALL reject it
- 2.2 WHEN a hook is valid THEN the system SHALL save it

### Unchanged Behavior (Regression Prevention)

**3.1** WHEN a valid hook exists THEN the system SHALL CONTINUE TO trigger it
3.2 WHEN a hook fires THEN the system SHALL run it

```
3.3 not an item
```
"#;

    #[test]
    fn three_sections_of_lines() {
        let d = parse(BUG);
        let at = |s: Span| &BUG[s.range()];
        assert_eq!(at(d.title.unwrap()), "Bugfix Requirements Document");
        assert!(d.introduction.is_some());
        assert_eq!(
            d.sections.iter().map(|s| s.0).collect::<Vec<_>>(),
            [
                BugSection::Current,
                BugSection::Expected,
                BugSection::Unchanged
            ]
        );
        let got: Vec<_> = d
            .items
            .iter()
            .map(|i| (i.id.to_string(), at(i.id_span), i.section))
            .collect();
        assert_eq!(
            got,
            [
                ("1.1".into(), "1.1", Some(BugSection::Current)),
                ("2.1".into(), "2.1", Some(BugSection::Expected)),
                ("2.2".into(), "2.2", Some(BugSection::Expected)),
                ("3.1".into(), "3.1", Some(BugSection::Unchanged)),
                ("3.2".into(), "3.2", Some(BugSection::Unchanged)),
            ]
        );
        assert_eq!(
            at(d.items[0].text),
            "WHEN a user saves an invalid hook THEN the system accepts it"
        );
        assert!(d.items[3].ears.continue_to.is_some());
        assert!(d.items[4].ears.continue_to.is_none());
        assert!(d.resolves(CriterionId::criterion(2, 2)));
        assert!(d.resolves(CriterionId::requirement(3)));
        assert!(!d.resolves(CriterionId::criterion(3, 3)));
        assert_eq!(d.items_of(2), Some(2));
    }

    #[test]
    fn an_item_under_the_wrong_section_keeps_both() {
        let t = "### Current Behavior (Defect)\n\n**2.1** WHEN x THEN y\n";
        let d = parse(t);
        assert_eq!(d.items[0].id, CriterionId::criterion(2, 1));
        assert_eq!(d.items[0].section, Some(BugSection::Current));
    }
}
