//! Rules over spec.md (and the markers and placeholders of plan.md and the
//! constitution).

use super::{finding, File, Finding, Severity};
use crate::formats::shape::RequirementKind;
use crate::formats::speckit::{Constitution, Placeholder, PlaceholderKind, Plan, SpecFile};
use crate::model::Span;
use rustc_hash::FxHashMap;

/// The template allows three markers in a spec.
const MAX_MARKERS: usize = 3;

pub fn check_spec(text: &str, spec: &SpecFile, out: &mut Vec<Finding>) {
    for (k, m) in spec.markers.iter().enumerate() {
        out.push(finding(
            "speckit/needs-clarification",
            Severity::Info,
            File::Spec,
            m.span,
            format!(
                "open question: {} (answer it, e.g. with /speckit.clarify, and replace the marker with the decision)",
                &text[m.question.range()]
            ),
        ));
        if k >= MAX_MARKERS {
            out.push(finding(
                "speckit/too-many-clarifications",
                Severity::Warning,
                File::Spec,
                m.span,
                format!(
                    "clarification marker {} of at most {MAX_MARKERS}: decide the less important questions with a reasonable default and record it in Assumptions",
                    k + 1
                ),
            ));
        }
    }
    placeholders(text, &spec.placeholders, File::Spec, out);
    for (k, st) in spec.stories.iter().enumerate() {
        let Some(n) = st.number else { continue };
        if !spec.scenarios.iter().any(|s| s.story == Some(k)) {
            out.push(finding(
                "speckit/story-without-scenarios",
                Severity::Warning,
                File::Spec,
                st.heading,
                format!(
                    "user story {n} has no acceptance scenario: add one under it, e.g. \"1. **Given** …, **When** …, **Then** …\""
                ),
            ));
        }
    }
    duplicates(spec, out);
    for r in &spec.requirements {
        if r.kind == RequirementKind::Functional
            && !r
                .keywords
                .iter()
                .any(|(k, _)| matches!(k.as_str(), "MUST" | "SHALL" | "SHOULD" | "MAY"))
        {
            out.push(finding(
                "speckit/requirement-no-keyword",
                Severity::Warning,
                File::Spec,
                r.id_span,
                format!(
                    "{} states no MUST, SHALL, SHOULD or MAY: say how binding it is with one of them, e.g. \"System MUST …\"",
                    r.id
                ),
            ));
        }
        if matches!(
            r.kind,
            RequirementKind::Functional | RequirementKind::SuccessCriterion
        ) {
            vague(text, r.text, &r.id, out);
        }
    }
}

fn duplicates(spec: &SpecFile, out: &mut Vec<Finding>) {
    let mut seen: FxHashMap<&str, u32> = FxHashMap::default();
    for r in &spec.requirements {
        if let Some(first) = seen.insert(&r.id, r.line) {
            seen.insert(&r.id, first);
            out.push(finding(
                "speckit/duplicate-id",
                Severity::Error,
                File::Spec,
                r.id_span,
                format!(
                    "{} is already defined on line {}: give this one the next free id",
                    r.id,
                    first + 1
                ),
            ));
        }
    }
    let mut stories: FxHashMap<u32, u32> = FxHashMap::default();
    for st in &spec.stories {
        let (Some(n), Some(span)) = (st.number, st.number_span) else {
            continue;
        };
        if let Some(&first) = stories.get(&n) {
            out.push(finding(
                "speckit/duplicate-id",
                Severity::Error,
                File::Spec,
                span,
                format!(
                    "user story {n} is already defined on line {}: number the stories 1, 2, 3 … once each",
                    first + 1
                ),
            ));
        } else {
            stories.insert(n, st.line);
        }
    }
}

/// Adjectives that promise a quality without measuring it.
const VAGUE: &[&str] = &[
    "fast",
    "quick",
    "quickly",
    "scalable",
    "secure",
    "securely",
    "robust",
    "intuitive",
    "user-friendly",
    "easy",
    "easily",
    "efficient",
    "efficiently",
    "performant",
    "seamless",
    "seamlessly",
    "responsive",
    "reliable",
    "simple",
    "flexible",
];

/// Names in which a vague word names a thing rather than promising a
/// quality: "the remove quick action", "complexity fast path", "the
/// responsive behavior MUST follow the container".
const TERMS: &[(&str, &[&str])] = &[
    (
        "quick",
        &[
            "action", "actions", "pick", "fix", "fixes", "start", "link", "links",
        ],
    ),
    ("fast", &["path", "paths", "forward", "mode"]),
    ("simple", &["mode"]),
    (
        "responsive",
        &[
            "behavior",
            "behaviour",
            "design",
            "layout",
            "breakpoint",
            "breakpoints",
        ],
    ),
];

/// Words after which "secure" is the verb ("MUST secure the boundaries
/// via …"), which the rest of the sentence then says how.
const MODALS: &[&str] = &["must", "shall", "should", "may", "will", "to", "not"];

/// A vague word in a requirement's statement, unless a number (a metric)
/// is on the same line, or the word is quoted, in code, emphasised as a
/// term (`*simple*`), part of a name (`quick action`) or a verb.
fn vague(text: &str, stmt: Span, id: &str, out: &mut Vec<Finding>) {
    let s = &text[stmt.range()];
    if s.bytes().any(|b| b.is_ascii_digit()) {
        return;
    }
    let lower = s.to_ascii_lowercase();
    let b = lower.as_bytes();
    let quoted = quoted_ranges(s);
    for word in VAGUE {
        let mut pos = 0;
        while let Some(k) = lower[pos..].find(word) {
            let at = pos + k;
            pos = at + word.len();
            let before_ok = at == 0 || !(b[at - 1].is_ascii_alphanumeric() || b[at - 1] == b'-');
            let after_ok = b
                .get(pos)
                .is_none_or(|c| !(c.is_ascii_alphanumeric() || *c == b'-'));
            if before_ok
                && after_ok
                && !quoted.iter().any(|r| r.start <= at && pos <= r.end)
                && !names_a_thing(&lower, at, pos, word)
            {
                let start = stmt.start as usize + at;
                out.push(finding(
                    "speckit/vague-term",
                    Severity::Hint,
                    File::Spec,
                    Span::new(start, start + word.len()),
                    format!(
                        "“{}” in {id} has no measure: say how {word} with a number",
                        &s[at..pos]
                    ),
                ));
                return;
            }
        }
    }
}

/// Byte ranges of `code`, "quotes", “quotes” and `*emphasis*`/`_emphasis_`
/// around a single word: text that names a word rather than uses it.
fn quoted_ranges(s: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    for (open, close) in [("`", "`"), ("\"", "\""), ("“", "”"), ("‘", "’")] {
        let mut pos = 0;
        while let Some(k) = s[pos..].find(open) {
            let start = pos + k + open.len();
            let Some(e) = s[start..].find(close) else {
                break;
            };
            out.push(start..start + e);
            pos = start + e + close.len();
        }
    }
    // `*simple*`, `_normal_`: one emphasised word, a term being defined.
    for mark in ['*', '_'] {
        let mut pos = 0;
        while let Some(k) = s[pos..].find(mark) {
            let start = pos + k + 1;
            let word_end = s[start..]
                .find(|c: char| !(c.is_alphanumeric() || c == '-'))
                .map_or(s.len(), |e| start + e);
            if word_end > start && s[word_end..].starts_with(mark) {
                out.push(start..word_end);
                pos = word_end + 1;
            } else {
                pos = start;
            }
        }
    }
    out
}

/// Whether the vague word at `at..end` of the lowercased statement is part
/// of a name (`quick action`) or the verb "secure".
fn names_a_thing(lower: &str, at: usize, end: usize, word: &str) -> bool {
    let next = lower[end..]
        .trim_start_matches([' ', '-'])
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("");
    if TERMS
        .iter()
        .any(|(w, nouns)| *w == word && nouns.contains(&next))
    {
        return true;
    }
    let previous = lower[..at]
        .split(|c: char| !c.is_alphanumeric())
        .rfind(|w| !w.is_empty())
        .unwrap_or("");
    word == "secure" && MODALS.contains(&previous)
}

fn placeholders(text: &str, ps: &[Placeholder], file: File, out: &mut Vec<Finding>) {
    for p in ps {
        let token = &text[p.span.range()];
        let message = match p.kind {
            PlaceholderKind::Template => {
                format!("unfilled template placeholder {token}: replace it with the real value, or delete the line")
            }
            PlaceholderKind::Note => {
                format!("{token} left in the document: resolve it, or move it to a task")
            }
        };
        out.push(finding(
            "speckit/placeholder",
            Severity::Warning,
            file,
            p.span,
            message,
        ));
    }
}

pub fn check_plan(plan: &Plan, out: &mut Vec<Finding>) {
    for m in &plan.markers {
        out.push(finding(
            "speckit/needs-clarification",
            Severity::Info,
            File::Plan,
            m.span,
            "open question in the plan".to_string(),
        ));
    }
    for p in &plan.placeholders {
        out.push(finding(
            "speckit/placeholder",
            Severity::Warning,
            File::Plan,
            p.span,
            match p.kind {
                PlaceholderKind::Template => "unfilled template placeholder".to_string(),
                PlaceholderKind::Note => "note left in the plan".to_string(),
            },
        ));
    }
}

pub fn check_constitution(c: &Constitution, out: &mut Vec<Finding>) {
    for p in &c.placeholders {
        out.push(finding(
            "speckit/placeholder",
            Severity::Warning,
            File::Constitution,
            p.span,
            match p.kind {
                PlaceholderKind::Template => "unfilled constitution placeholder".to_string(),
                PlaceholderKind::Note => "note left in the constitution".to_string(),
            },
        ));
    }
}
