//! Test fixtures for editor features: a workspace written as one string
//! (`//- path` before each file, as in `rules::fixture`) with `$0` marking
//! the cursor, and results rendered as `path:line "selected text"` so that
//! expectations read like what an editor would show.

use super::NavTarget;
use crate::model::Span;
use crate::workspace::fixture::workspace;
use crate::workspace::Workspace;

pub(crate) struct Fixture {
    pub ws: Workspace,
    /// The file holding the cursor (empty when there is no `$0`).
    pub rel: String,
    /// The cursor's byte offset in that file.
    pub offset: usize,
}

impl Fixture {
    pub fn new(fixture: &str) -> Fixture {
        let mut rel = String::new();
        let mut offset = 0;
        for chunk in fixture.split("//- ").skip(1) {
            let (path, body) = chunk.split_once('\n').unwrap_or((chunk, ""));
            if let Some(at) = body.find("$0") {
                rel = path.trim().to_string();
                offset = at;
            }
        }
        Fixture {
            ws: workspace(&fixture.replacen("$0", "", 1)),
            rel,
            offset,
        }
    }
}

/// `path:line "text"`: the 1-based line of `span` and the text it covers.
pub(crate) fn render_span(ws: &Workspace, rel: &str, span: Span) -> String {
    let file = ws.file(rel);
    let text = file.map_or("", |f| f.text());
    let line = file.map_or(0, |f| f.line_col(span.start as usize).line) + 1;
    format!(
        "{rel}:{line} {:?}",
        text.get(span.range()).unwrap_or("<bad span>")
    )
}

pub(crate) fn render(ws: &Workspace, t: &NavTarget) -> String {
    assert!(
        t.full.start <= t.focus.start && t.focus.end <= t.full.end,
        "focus {:?} outside full {:?}",
        t.focus,
        t.full
    );
    render_span(ws, &t.rel, t.focus)
}

/// A main spec used across the feature tests. Lines (1-based): `Purpose` 3,
/// `Transfer` 8, `Caller asks` 11, `Nobody free` 15, `Greeting` 19, `Hello` 22.
pub(crate) const VOICE: &str = "//- openspec/specs/voice/spec.md
# Voice

## Purpose
Answer calls for the call centre, day and night, in every language.

## Requirements

### Requirement: Transfer
The agent SHALL transfer.

#### Scenario: Caller asks
- **WHEN** the caller asks for a human
- **THEN** the call is transferred

#### Scenario: Nobody free
- **WHEN** nobody is free
- **THEN** the caller waits

### Requirement: Greeting
The agent SHALL greet.

#### Scenario: Hello
- **WHEN** a call starts
- **THEN** it says hello
";

/// A generated main spec of many requirements, for the tests that features
/// stay right and linear on long files.
pub(crate) struct LongSpec {
    /// The main spec `openspec/specs/big/spec.md`, then a change `c` that
    /// modifies every tenth requirement and a change `d` that removes every
    /// hundredth.
    pub fixture: String,
    /// Per requirement, in the main spec's text: the block (header to its
    /// last step), its name, and each of its two scenarios' blocks.
    pub requirements: Vec<[Span; 4]>,
}

pub(crate) const LONG_SPEC: &str = "openspec/specs/big/spec.md";

impl LongSpec {
    pub fn new(n: usize) -> LongSpec {
        let mut text =
            String::from("## Purpose\nThe big spec holds many requirements, to measure with.\n\n## Requirements\n\n");
        let mut requirements = Vec::with_capacity(n);
        let mut modified = String::from("## MODIFIED Requirements\n\n");
        let mut removed = String::from("## REMOVED Requirements\n\n");
        for i in 0..n {
            let start = text.len();
            text.push_str("### Requirement: ");
            let name = Span::new(text.len(), text.len() + format!("R{i}").len());
            text.push_str(&format!("R{i}\nThe system SHALL do {i}.\n\n"));
            let a = text.len();
            text.push_str(&format!(
                "#### Scenario: S{i}a\n- **WHEN** a{i}\n- **THEN** b{i}"
            ));
            let a = Span::new(a, text.len());
            text.push_str("\n\n");
            let b = text.len();
            text.push_str(&format!(
                "#### Scenario: S{i}b\n- **WHEN** c{i}\n- **THEN** d{i}"
            ));
            let b = Span::new(b, text.len());
            text.push_str("\n\n");
            requirements.push([Span::new(start, b.end as usize), name, a, b]);
            if i % 10 == 0 {
                modified.push_str(&format!("### Requirement: R{i}\nThe system SHALL do {i} faster.\n\n#### Scenario: S{i}a\n- **WHEN** a{i}\n- **THEN** b{i}\n\n#### Scenario: S{i}b\n- **WHEN** c{i}\n- **THEN** d{i}\n\n"));
            }
            if i % 100 == 0 {
                removed.push_str(&format!("### Requirement: R{i}\n"));
            }
        }
        LongSpec {
            fixture: format!(
                "//- {LONG_SPEC}\n{text}//- openspec/changes/c/specs/big/spec.md\n{modified}//- openspec/changes/d/specs/big/spec.md\n{removed}"
            ),
            requirements,
        }
    }
}
