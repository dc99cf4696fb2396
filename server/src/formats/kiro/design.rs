//! `design.md`: the correctness properties (G2+) that tasks name as
//! `Property k`, and the `**Validates: Requirements …**` lines that tie them
//! to criteria.

use super::refs::{ref_line, RefLabel, RefList};
use super::text::heading_title;
use crate::model::Span;
use crate::syntax::{js, Doc};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PropertyForm {
    /// `### Property 1: Title`
    Heading,
    /// `**Property 1: Title**` on a line of its own.
    Bold,
    /// `Property 1: Title` at the start of a paragraph.
    Plain,
    /// `- **Property 1**: …` or `- Property 1: …`, as testing strategies
    /// list them.
    Bullet,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Property {
    pub number: u32,
    pub number_span: Span,
    pub title: Option<Span>,
    /// The defining line, trimmed.
    pub span: Span,
    pub line: u32,
    pub form: PropertyForm,
    /// Indices into [`DesignDoc::validates`] of the lines under it.
    pub validates: Vec<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Validates {
    pub list: RefList,
    /// The property the line sits under, if any.
    pub property: Option<usize>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DesignDoc {
    pub properties: Vec<Property>,
    pub validates: Vec<Validates>,
    /// The `## Correctness Properties` heading.
    pub properties_heading: Option<Span>,
}

impl DesignDoc {
    /// Whether any form defines property `k`.
    pub fn defines(&self, k: u32) -> bool {
        self.properties.iter().any(|p| p.number == k)
    }

    /// The defining property `k`: a heading or bold definition before a
    /// bullet mention in a testing-strategy list.
    pub fn property(&self, k: u32) -> Option<&Property> {
        let rank = |p: &&Property| match p.form {
            PropertyForm::Heading => 0,
            PropertyForm::Bold => 1,
            PropertyForm::Plain => 2,
            PropertyForm::Bullet => 3,
        };
        self.properties
            .iter()
            .filter(|p| p.number == k)
            .min_by_key(rank)
    }
}

pub fn parse(source: &str) -> DesignDoc {
    let doc = Doc::new(source);
    let mut out = DesignDoc::default();
    // The property whose Validates lines are being read, with the level of
    // its heading (7 for the non-heading forms, closed by any heading).
    let mut open: Option<(usize, u8)> = None;
    for i in 0..doc.len() {
        if doc.masked(i) {
            continue;
        }
        let line = doc.line(i);
        let base = doc.lines[i].start as usize;
        if let Some((level, title, at)) = heading_title(&doc, i) {
            if let Some((number, nspan, tspan)) = property_words(title, at) {
                open = Some((out.properties.len(), level));
                out.properties.push(Property {
                    number,
                    number_span: nspan,
                    title: tspan,
                    span: doc.trimmed_range(i).into(),
                    line: i as u32,
                    form: PropertyForm::Heading,
                    validates: Vec::new(),
                });
                continue;
            }
            if open.is_some_and(|(_, l)| level <= l) {
                open = None;
            }
            if title.eq_ignore_ascii_case("Correctness Properties") {
                out.properties_heading = Some(doc.trimmed_range(i).into());
            }
            continue;
        }
        let trimmed: Span = doc.trimmed_range(i).into();
        if let Some(list) = ref_line(line, base, trimmed) {
            if list.label == RefLabel::Validates {
                let property = open.map(|(p, _)| p);
                if let Some(p) = property {
                    out.properties[p].validates.push(out.validates.len());
                }
                out.validates.push(Validates { list, property });
                continue;
            }
        }
        if let Some(p) = property_line(line, base, i, trimmed) {
            open = Some((out.properties.len(), 7));
            out.properties.push(p);
        }
    }
    out
}

/// A non-heading definition: bold, plain at column 0, or a bullet.
fn property_line(line: &str, base: usize, i: usize, span: Span) -> Option<Property> {
    let t = js::trim_start(line);
    let (bullet, rest) = match t.strip_prefix("- ").or_else(|| t.strip_prefix("* ")) {
        Some(r) => (true, js::trim_start(r)),
        None => (false, t),
    };
    let bold = rest.starts_with("**");
    let inner = rest.trim_start_matches('*');
    let at = base + (inner.as_ptr() as usize - line.as_ptr() as usize);
    let (number, nspan, title) = property_words(inner, at)?;
    let form = match (bullet, bold) {
        (true, _) => PropertyForm::Bullet,
        (false, true) => PropertyForm::Bold,
        (false, false) if t.len() == line.len() => PropertyForm::Plain,
        _ => return None,
    };
    // Plain and bullet forms need the colon: `Property 1 holds` is prose.
    let after = &inner[(nspan.end as usize - at)..];
    if !bold && !after.starts_with([':', '：']) {
        return None;
    }
    Some(Property {
        number,
        number_span: nspan,
        title,
        span,
        line: i as u32,
        form,
        validates: Vec::new(),
    })
}

/// `Property N[: Title]` at the start of `s` (at byte `at`).
fn property_words(s: &str, at: usize) -> Option<(u32, Span, Option<Span>)> {
    let rest = s.strip_prefix("Property")?;
    let spaces = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    if spaces == 0 {
        return None;
    }
    let digits = &rest[spaces..];
    let n = digits.bytes().take_while(u8::is_ascii_digit).count();
    let after = &digits[n..];
    if n == 0
        || after.starts_with(|c: char| {
            c.is_alphanumeric() || c == '.' && after[1..].starts_with(|d: char| d.is_ascii_digit())
        })
    {
        return None;
    }
    let number = digits[..n].parse::<u32>().ok().filter(|&k| k > 0)?;
    let nstart = at + (s.len() - digits.len());
    let title = after
        .trim_start_matches(['*', ':', '：', ' ', '\t', '-', '–', '—', '.'])
        .trim_end_matches(['*', ' ', '\t']);
    let title = (!title.is_empty()).then(|| {
        let ts = at + (title.as_ptr() as usize - s.as_ptr() as usize);
        Span::new(ts, ts + title.len())
    });
    Some((number, Span::new(nstart, nstart + n), title))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::kiro::refs::{CriterionId, Ref};

    const DESIGN: &str = r#"# Design

## Correctness Properties

### Property 1: Token round trip

*For any* valid token, encrypting then decrypting yields it.

**Validates: Requirements 2.1, 2.2**

### Property 2

**Validates: Requirements 3.1-3.3**

## Testing Strategy

**Property 3: Sessions expire**
**Validates: Requirements 4**

Property 4: Bug Condition - Hook File Validation

- **Property 5**: Generate random profiles
- Property 6 is mentioned in prose, not defined

```ts
// Property 7: in code
```

**Validates: Requirements 9.9**
"#;

    #[test]
    fn every_property_form() {
        let d = parse(DESIGN);
        let at = |s: Span| &DESIGN[s.range()];
        let got: Vec<_> = d
            .properties
            .iter()
            .map(|p| (p.number, at(p.number_span), p.title.map(at), p.form))
            .collect();
        assert_eq!(
            got,
            [
                (1, "1", Some("Token round trip"), PropertyForm::Heading),
                (2, "2", None, PropertyForm::Heading),
                (3, "3", Some("Sessions expire"), PropertyForm::Bold),
                (
                    4,
                    "4",
                    Some("Bug Condition - Hook File Validation"),
                    PropertyForm::Plain
                ),
                (
                    5,
                    "5",
                    Some("Generate random profiles"),
                    PropertyForm::Bullet
                ),
            ]
        );
        assert_eq!(
            at(d.properties_heading.unwrap()),
            "## Correctness Properties"
        );
        assert!(d.defines(5) && !d.defines(6) && !d.defines(7));
    }

    #[test]
    fn validates_lines_belong_to_their_property() {
        let d = parse(DESIGN);
        let owners: Vec<_> = d.validates.iter().map(|v| v.property).collect();
        // The last line follows a bullet property (5) that no heading closed.
        assert_eq!(owners, [Some(0), Some(1), Some(2), Some(4)]);
        assert_eq!(d.properties[0].validates, [0]);
        let ids: Vec<String> = d.validates[1].list.refs[0]
            .ids(&|_| None)
            .iter()
            .map(|i| i.id.to_string())
            .collect();
        assert_eq!(ids, ["3.1", "3.2", "3.3"]);
        assert!(matches!(
            d.validates[2].list.refs[0],
            Ref::Id(r) if r.id == CriterionId::requirement(4)
        ));
    }

    #[test]
    fn property_words_reject_lookalikes() {
        for s in [
            "Property-based testing",
            "Property 1a",
            "Properties 1",
            "Property 1.2",
            "Property 0: zero",
            "Property",
        ] {
            assert!(property_words(s, 0).is_none(), "{s}");
        }
    }
}
