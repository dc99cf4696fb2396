//! The constitution (`.specify/memory/constitution.md`, or the legacy
//! `memory/constitution.md`): its principles, its version line and the
//! template tokens left unfilled (`[PRINCIPLE_1_NAME]`).

use super::scan::{self, offset_in, Text};
use super::Placeholder;
use crate::model::Span;
use crate::syntax::js;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principle {
    /// `IV` of `### IV. Name`, `3` of `### 3. Name`, `I` of `Article I — …`.
    pub number: Option<Span>,
    pub name: Span,
    pub heading: Span,
    pub non_negotiable: bool,
    pub line: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Constitution {
    pub title: Option<Span>,
    pub principles: Vec<Principle>,
    /// The value after `**Version**:`.
    pub version: Option<Span>,
    pub placeholders: Vec<super::Placeholder>,
}

impl Constitution {
    pub fn parse(text: &str) -> Constitution {
        let t = Text::new(text);
        let mut out = Constitution::default();
        let mut in_principles = false;
        for i in 0..t.len() {
            if !t.prose(i) {
                continue;
            }
            let line = t.line(i);
            let base = t.start(i);
            if let Some((level, title)) = t.heading(i) {
                let s = t.slice(title);
                if level == 1 && out.title.is_none() {
                    out.title = Some(title);
                }
                if level <= 2 {
                    let lower = s.to_lowercase();
                    in_principles = lower.contains("principle") || lower.contains("article");
                }
                if level == 3 {
                    if let Some(p) = principle(s, title.start as usize, in_principles) {
                        out.principles.push(Principle {
                            heading: t.trimmed(i),
                            line: i as u32,
                            ..p
                        });
                    }
                }
            }
            let mut found: Vec<Placeholder> = Vec::new();
            scan::placeholders(&t, i, &mut found);
            out.placeholders.extend(found);
            if out.version.is_none() {
                if let Some(k) = line
                    .find("**Version**:")
                    .or_else(|| line.find("**Version:**"))
                {
                    let v = &line[k + 12..];
                    let v = js::trim(v.split('|').next().unwrap_or(v));
                    let at = offset_in(line, v);
                    out.version = Some(Span::new(base + at, base + at + v.len()));
                }
            }
        }
        out
    }
}

fn is_roman(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|c| matches!(c, b'I' | b'V' | b'X' | b'L' | b'C'))
}

/// A principle heading: `I. Name`, `3. **Name**`, `Article IV — Name`, or
/// any third-level heading under a principles section.
fn principle(title: &str, at: usize, in_principles: bool) -> Option<Principle> {
    let body = title.strip_prefix("Article ").unwrap_or(title);
    let word_end = body.find(['.', ' ', ':']).unwrap_or(body.len());
    let word = &body[..word_end];
    let numbered = is_roman(word) || (!word.is_empty() && word.bytes().all(|c| c.is_ascii_digit()));
    if !numbered && !in_principles {
        return None;
    }
    let (number, rest) = if numbered {
        let rest = js::trim_start(&body[word_end..]);
        let rest = rest
            .strip_prefix(['.', ':', '—', '–', '-'])
            .map(js::trim_start)
            .unwrap_or(rest);
        (Some(word), rest)
    } else {
        (None, title)
    };
    let name = js::trim(rest.trim_matches('*'));
    let non_negotiable = name.contains("NON-NEGOTIABLE");
    let span_of = |s: &str| {
        let o = at + offset_in(title, s);
        Span::new(o, o + s.len())
    };
    Some(Principle {
        number: number.map(span_of),
        name: span_of(name),
        heading: Span::default(),
        non_negotiable,
        line: 0,
    })
}

#[cfg(test)]
#[path = "constitution_tests.rs"]
mod tests;
