//! Quick fixes checked by the rules: a fix applied to a fixture removes
//! its diagnostic and brings no new error. One module per rule area, as in
//! `ide::fixes`.

mod delta;
mod formats;
mod requirement;
mod scenario;
mod tasks;

use std::collections::HashMap;
use std::path::Path;

use crate::ide::edit::apply;
use crate::ide::fixes::{fixes, Fix};
use crate::rules::fixture::{annotation, assert_annotations, render};
use crate::rules::{check_workspace, Diagnostic, Severity};
use crate::workspace::fixture::{workspace, Annotated, Annotation};
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
            let text = new
                .get(&f.rel)
                .cloned()
                .unwrap_or_else(|| f.text().to_string());
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

/// Checks an annotated fixture (see
/// [`crate::workspace::fixture::Annotation`]) against the rules and the
/// fixes at once: every diagnostic is annotated, and a diagnostic is marked
/// `fix` exactly when an editor is offered a fix for it.
fn check_fix_marks(fixture: &str) {
    let fx = Annotated::new(fixture);
    let actual: Vec<Annotation> = check_workspace(&fx.ws)
        .iter()
        .map(|d| Annotation {
            fix: !fixes(&fx.ws, d).is_empty(),
            ..annotation(d)
        })
        .collect();
    assert_annotations(&fx, &fx.annotations, &actual);
}

#[test]
fn fix_marks_of_task_lists() {
    check_fix_marks(
        r#"//- openspec/changes/c/specs/voice/spec.md
## ADDED Requirements
### Requirement: Transfer
The agent SHALL transfer.
#### Scenario: Caller asks for a human
- **WHEN** the caller says human
- **THEN** the call is transferred
#### Scenario: Nobody free
^^^^^^^^^^^^^^^^^^^^^^^^^^ info tasks/uncovered-scenario fix
- **WHEN** all agents are busy
- **THEN** the caller waits
//- openspec/changes/c/tasks.md
## 1. Calls
- [ ] 1.1 Route calls (requires 1.3)
^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ info tasks/no-acceptance
                                ^^^ error tasks/unknown-dependency fix
- [ ] 1.2 Queue callers (requires 9.9)
                                  ^^^ error tasks/unknown-dependency
  - Acceptance: the caller says human and is transferred
  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning tasks/unlinked-acceptance fix
- [ ] 1.4 Link [s](specs/voice/spec.md#scenario-caller-asks-for-a-human)
  - Acceptance: [s](specs/voice/spec.md#scenario-caller-asks-for-a-human)
"#,
    );
}

#[test]
fn fix_marks_of_specs_and_deltas() {
    check_fix_marks(
        r#"//- openspec/specs/voice/spec.md
## Purpose
The voice agent answers every inbound call without any delay.
## Requirements
### Requirement: Answer
The agent SHALL answer.
#### Scenario: Ring
- **WHEN** it rings
- **THEN** it answers
#### Scenario: Hang
- **WHEN** done
- **THEN** it hangs up
- Scenario: Busy
^^^^^^^^^^^^^^^^ error scenario/wrong-level fix
- **WHEN** busy
    ^^^^ info scenario/step-order
- **THEN** queue
### Transfer
^^^^^^^^^^^^ warning requirement/missing-prefix fix
The agent SHALL transfer.
#### Scenario: Ask
- **WHEN** asked
- **THEN** transferred
//- openspec/changes/c/specs/voice/spec.md
## MODIFIED Requirements
### Requirement: Answr
                 ^^^^^ error delta/unknown-target fix
The agent SHALL answer.
#### Scenario: Ring
- **WHEN** it rings
- **THEN** it answers
### Requirement: Billing
                 ^^^^^^^ error delta/unknown-target
The agent SHALL bill.
#### Scenario: Bill
- **WHEN** billed
- **THEN** paid
//- openspec/changes/d/specs/voice/spec.md
## MODIFIED Requirements
### Requirement: Answer
^^^^^^^^^^^^^^^^^^^^^^^ error delta/drops-scenarios fix
The agent SHALL answer at once.
#### Scenario: Ring
- **WHEN** it rings
- **THEN** it answers
//- openspec/changes/e/specs/voice/spec.md
## MODIFIED Requirements
| error change/no-deltas
^^^^^^^^^^^^^^^^^^^^^^^^ error delta/empty fix
### Hold
^^^^^^^^ info requirement/not-a-requirement-header fix
The agent SHALL hold.
#### Scenario: Wait
- **WHEN** waiting
- **THEN** music
"#,
    );
}
