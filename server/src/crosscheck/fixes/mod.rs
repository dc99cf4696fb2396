//! Quick fixes checked by the rules: a fix applied to a fixture removes
//! its diagnostic and brings no new error. One module per rule area, as in
//! `ide::fixes`.

mod delta;
mod requirement;
mod scenario;
mod tasks;

use std::collections::HashMap;
use std::path::Path;

use crate::ide::edit::apply;
use crate::ide::fixes::{fixes, Fix};
use crate::rules::fixture::render;
use crate::rules::{check_workspace, Diagnostic, Severity};
use crate::workspace::fixture::workspace;
use crate::workspace::Workspace;

/// A clean main spec with one requirement and one scenario, for fixes
/// in other files to point at.
pub const MAIN_SPEC: &str = "//- openspec/specs/voice/spec.md
## Purpose
The voice agent answers every inbound call without any delay.
## Requirements
### Requirement: Answer
The agent SHALL answer.
#### Scenario: Ring
- **WHEN** it rings
- **THEN** it answers
";

pub struct Applied {
    pub fix: Fix,
    /// The new text of each file the fix touched.
    pub files: Vec<(String, String)>,
    pub after: Vec<Diagnostic>,
}

impl Applied {
    pub fn text(&self, rel: &str) -> &str {
        &self
            .files
            .iter()
            .find(|(r, _)| r == rel)
            .unwrap_or_else(|| panic!("the fix did not touch {rel}"))
            .1
    }
}

/// The fixes of the first diagnostic with `code` in the fixture.
pub fn fixes_of(fixture: &str, code: &str) -> (Workspace, Diagnostic, Vec<Fix>) {
    let ws = workspace(fixture);
    let diag = check_workspace(&ws)
        .into_iter()
        .find(|d| d.code.as_str() == code)
        .unwrap_or_else(|| panic!("no {code} in the fixture"));
    let found = fixes(&ws, &diag);
    (ws, diag, found)
}

/// Applies fix number `which` of the first `code` diagnostic, checks the
/// workspace again and asserts that this diagnostic is gone (no `code`
/// diagnostic is left at all in its file when `all_gone`) and that no
/// error appeared that was not there before.
pub fn apply_fix(fixture: &str, code: &str, which: usize) -> Applied {
    let (ws, diag, found) = fixes_of(fixture, code);
    let before = check_workspace(&ws);
    let fix = found
        .get(which)
        .unwrap_or_else(|| panic!("{code} has {} fixes, not {}", found.len(), which + 1))
        .clone();
    let new = apply(&ws, &fix.change).expect("the fix applies");
    let files: Vec<(String, Vec<u8>)> = ws
        .files
        .iter()
        .map(|f| {
            let text = new.get(&f.rel).cloned().unwrap_or_else(|| f.text.clone());
            (f.rel.clone(), text.into_bytes())
        })
        .collect();
    let after_ws = Workspace::from_memory(Path::new("/fixture"), files);
    let after = check_workspace(&after_ws);
    let count = |ds: &[Diagnostic]| {
        ds.iter()
            .filter(|d| d.code == diag.code && d.path == diag.path)
            .count()
    };
    assert!(
        count(&after) < count(&before),
        "{code} is still there after \"{}\": {:?}",
        fix.title,
        render(&after_ws, &after)
    );
    let errors = |ds: &[Diagnostic]| {
        let mut m: HashMap<(String, String), usize> = HashMap::new();
        for d in ds.iter().filter(|d| d.severity == Severity::Error) {
            *m.entry((d.code.as_str().to_string(), d.path.clone()))
                .or_default() += 1;
        }
        m
    };
    let (b, a) = (errors(&before), errors(&after));
    for (k, n) in &a {
        assert!(
            b.get(k).copied().unwrap_or(0) >= *n,
            "\"{}\" brought a new error {k:?}: {:?}",
            fix.title,
            render(&after_ws, &after)
        );
    }
    Applied {
        fix,
        files: new.into_iter().collect(),
        after,
    }
}

/// The real diagnostics of files mixing line endings, a BOM, emoji and CJK
/// get their fixes.
#[test]
fn awkward_files_get_their_fixes() {
    let ws = workspace(&crate::ide::fixes::tests::awkward());
    let found: Vec<&str> = check_workspace(&ws)
        .iter()
        .filter(|d| !fixes(&ws, d).is_empty())
        .map(|d| d.code.as_str())
        .collect();
    for code in [
        "scenario/wrong-level",
        "delta/unknown-target",
        "tasks/unknown-dependency",
        "tasks/unlinked-acceptance",
    ] {
        assert!(found.contains(&code), "{code}: {found:?}");
    }
}
