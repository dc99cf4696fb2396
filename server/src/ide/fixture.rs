//! Test fixtures for editor features: a workspace written as one string
//! (`//- path` before each file, as in `rules::fixture`) with `$0` marking
//! the cursor, and results rendered as `path:line "selected text"` so that
//! expectations read like what an editor would show.

use super::NavTarget;
use crate::model::Span;
use crate::text::LineIndex;
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
    let text = ws.file(rel).map_or("", |f| f.text.as_str());
    let line = LineIndex::new(text)
        .line_col(text, span.start as usize)
        .line
        + 1;
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
