//! Scenario steps (dialect 3.1): `- **WHEN** …` in OpenSpec style, or
//! Gherkin's plain `When …`, optionally as a bullet.

use super::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Keyword {
    Given,
    When,
    Then,
    And,
    But,
}

impl Keyword {
    pub const ALL: [Keyword; 5] = [
        Keyword::Given,
        Keyword::When,
        Keyword::Then,
        Keyword::And,
        Keyword::But,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Keyword::Given => "GIVEN",
            Keyword::When => "WHEN",
            Keyword::Then => "THEN",
            Keyword::And => "AND",
            Keyword::But => "BUT",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// `- **WHEN** …`
    Bold,
    /// `When …`
    Plain,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub keyword: Keyword,
    /// GIVEN, WHEN or THEN: what an AND/BUT continues.
    pub kind: Keyword,
    pub style: Style,
    pub keyword_span: Span,
    /// What follows the keyword, trimmed.
    pub text_span: Span,
    pub line: u32,
}

/// Reads a step from one line that starts at byte `offset` of the file.
/// `previous` is the kind of the step before it in the same scenario.
pub fn parse_step(
    line: &str,
    offset: usize,
    line_no: u32,
    previous: Option<Keyword>,
) -> Option<Step> {
    let trimmed = line.trim_start();
    let mut pos = line.len() - trimmed.len();
    let rest = &line[pos..];
    // Optional bullet.
    let after_bullet = rest
        .strip_prefix("- ")
        .or_else(|| rest.strip_prefix("* "))
        .or_else(|| rest.strip_prefix("+ "));
    if let Some(a) = after_bullet {
        pos += rest.len() - a.len();
        let a2 = a.trim_start();
        pos += a.len() - a2.len();
    }
    let rest = &line[pos..];
    let (keyword, style, kw_start, kw_end, text_start) =
        if let Some(inner) = rest.strip_prefix("**") {
            let close = inner.find("**")?;
            let word = inner[..close].trim_end_matches(':');
            let keyword = keyword_of(word, true)?;
            let kw_start = pos + 2;
            let kw_end = kw_start + word.len();
            let mut text_start = pos + 2 + close + 2;
            if line[text_start..].starts_with(':') {
                text_start += 1;
            }
            (keyword, Style::Bold, kw_start, kw_end, text_start)
        } else {
            let word_len = rest
                .find(|c: char| !c.is_ascii_alphabetic())
                .unwrap_or(rest.len());
            let word = &rest[..word_len];
            let keyword = keyword_of(word, false)?;
            let after = &rest[word_len..];
            // A plain keyword must be followed by a space (or a colon) and text.
            if !(after.starts_with(' ') || after.starts_with(':')) {
                return None;
            }
            let mut text_start = pos + word_len;
            if line[text_start..].starts_with(':') {
                text_start += 1;
            }
            (keyword, Style::Plain, pos, pos + word_len, text_start)
        };
    let raw_text = &line[text_start..];
    let text = raw_text.trim();
    let lead = raw_text.len() - raw_text.trim_start().len();
    if style == Style::Plain && text.is_empty() {
        return None;
    }
    let kind = match keyword {
        Keyword::And | Keyword::But => previous.unwrap_or(keyword),
        k => k,
    };
    Some(Step {
        keyword,
        kind,
        style,
        keyword_span: Span::new(offset + kw_start, offset + kw_end),
        text_span: Span::new(
            offset + text_start + lead,
            offset + text_start + lead + text.len(),
        ),
        line: line_no,
    })
}

fn keyword_of(word: &str, any_case: bool) -> Option<Keyword> {
    let upper = word.to_ascii_uppercase();
    let k = match upper.as_str() {
        "GIVEN" => Keyword::Given,
        "WHEN" => Keyword::When,
        "THEN" => Keyword::Then,
        "AND" => Keyword::And,
        "BUT" => Keyword::But,
        _ => return None,
    };
    if any_case {
        return Some(k);
    }
    // Plain style: `When` or `WHEN`, never lowercase prose.
    let mut chars = word.chars();
    let first_upper = chars.next().is_some_and(|c| c.is_ascii_uppercase());
    let rest_lower = chars.clone().all(|c| c.is_ascii_lowercase());
    let rest_upper = chars.all(|c| c.is_ascii_uppercase());
    (first_upper && (rest_lower || rest_upper)).then_some(k)
}

/// A step out of the GIVEN → WHEN → THEN order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutOfOrder {
    GivenAfterWhenOrThen,
    WhenAfterThen,
}

impl OutOfOrder {
    /// What to do about it, as every format's `scenario/step-order` says.
    pub fn advice(self) -> &'static str {
        match self {
            OutOfOrder::GivenAfterWhenOrThen => "GIVEN after a WHEN or THEN: put the preconditions first, or split this into two scenarios.",
            OutOfOrder::WhenAfterThen => "WHEN after a THEN: a scenario tests one action; split this into two scenarios.",
        }
    }
}

/// What the scenario rules (`scenario/missing-when`, `scenario/missing-then`,
/// `scenario/step-order`) find in one scenario's steps. A scenario with no
/// steps is left to the rules about empty scenarios: nothing is found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StepCheck {
    pub missing_when: bool,
    pub missing_then: bool,
    /// Each step out of order, at its keyword.
    pub out_of_order: Vec<(Span, OutOfOrder)>,
}

/// Checks one scenario's steps; written once for OpenSpec and every other
/// format. An AND/BUT neither satisfies nor breaks the order: only the
/// keywords written count.
pub fn check_steps(steps: &[Step]) -> StepCheck {
    let mut out = StepCheck::default();
    if steps.is_empty() {
        return out;
    }
    let has = |k: Keyword| steps.iter().any(|st| st.keyword == k);
    // GIVEN a state, THEN what holds in it: a scenario that describes a
    // situation rather than an action needs no WHEN. Repositories of every
    // format write them, and a warning on each was noise.
    let states = has(Keyword::Given) && has(Keyword::Then);
    out.missing_when = !(has(Keyword::When) || states);
    out.missing_then = !has(Keyword::Then);
    let mut saw_when = false;
    let mut saw_then = false;
    for st in steps {
        match st.keyword {
            Keyword::Given if saw_when || saw_then => out
                .out_of_order
                .push((st.keyword_span, OutOfOrder::GivenAfterWhenOrThen)),
            Keyword::When if saw_then => out
                .out_of_order
                .push((st.keyword_span, OutOfOrder::WhenAfterThen)),
            _ => {}
        }
        saw_when |= st.keyword == Keyword::When;
        saw_then |= st.keyword == Keyword::Then;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(line: &str) -> Option<(Keyword, Style, String)> {
        parse_step(line, 0, 0, None)
            .map(|s| (s.keyword, s.style, line[s.text_span.range()].to_string()))
    }

    #[test]
    fn openspec_style_steps() {
        assert_eq!(
            step("- **WHEN** the call is received"),
            Some((Keyword::When, Style::Bold, "the call is received".into()))
        );
        assert_eq!(
            step("  * **Then**: it rings"),
            Some((Keyword::Then, Style::Bold, "it rings".into()))
        );
        assert_eq!(
            step("- **GIVEN:** a number"),
            Some((Keyword::Given, Style::Bold, "a number".into()))
        );
        assert_eq!(step("- **Note** not a step"), None);
    }

    #[test]
    fn plain_style_steps() {
        assert_eq!(
            step("When the call is received"),
            Some((Keyword::When, Style::Plain, "the call is received".into()))
        );
        assert_eq!(
            step("- And it is logged"),
            Some((Keyword::And, Style::Plain, "it is logged".into()))
        );
        assert_eq!(step("when lowercase prose begins a line"), None);
        assert_eq!(step("Thence we go"), None);
        assert_eq!(step("Then"), None);
    }

    #[test]
    fn and_continues_the_previous_kind_and_spans_point_at_text() {
        let s = parse_step("- **AND** it hangs up", 100, 3, Some(Keyword::Then)).unwrap();
        assert_eq!(s.kind, Keyword::Then);
        assert_eq!(s.keyword_span, Span::new(104, 107));
        assert_eq!(s.text_span, Span::new(110, 121));
    }

    /// Steps read from `lines`, one a line, as one scenario.
    fn scenario(lines: &[&str]) -> (String, Vec<Step>) {
        let text = lines.join("\n");
        let mut steps: Vec<Step> = Vec::new();
        let mut at = 0;
        for (i, l) in lines.iter().enumerate() {
            let prev = steps.last().map(|s| s.kind);
            steps.extend(parse_step(l, at, i as u32, prev));
            at += l.len() + 1;
        }
        (text, steps)
    }

    #[test]
    fn step_checks_find_missing_keywords_and_order() {
        let (_, steps) = scenario(&[
            "- **GIVEN** a",
            "- **WHEN** b",
            "- **AND** c",
            "- **THEN** d",
        ]);
        assert_eq!(check_steps(&steps), StepCheck::default());
        assert_eq!(
            check_steps(&[]),
            StepCheck::default(),
            "no steps: nothing to say"
        );
        let (_, steps) = scenario(&["- **GIVEN** a", "- **AND** b"]);
        let found = check_steps(&steps);
        assert!(found.missing_when && found.missing_then);
        let (text, steps) = scenario(&[
            "- **WHEN** a",
            "- **THEN** b",
            "- **GIVEN** c",
            "- **WHEN** d",
        ]);
        let found = check_steps(&steps);
        assert!(!found.missing_when && !found.missing_then);
        let order: Vec<_> = found
            .out_of_order
            .iter()
            .map(|(s, o)| (&text[s.range()], *o))
            .collect();
        assert_eq!(
            order,
            [
                ("GIVEN", OutOfOrder::GivenAfterWhenOrThen),
                ("WHEN", OutOfOrder::WhenAfterThen)
            ]
        );
    }
}
