//! Quick fixes: for a diagnostic of the rules, the edits that resolve it
//! (dialect section 4 names one per rule that has a mechanical fix).
//!
//! A fix is worked out from the workspace as it is now, at the diagnostic's
//! span: nothing is carried from the run that produced the diagnostic, so a
//! diagnostic the editor still shows after the text moved on yields no fix
//! rather than a wrong one. One module per rule area.

mod delta;
mod requirement;
mod scenario;
mod tasks;

use super::edit::{SourceChange, TextEdit};
use crate::model::Span;
use crate::rules::{Code, Diagnostic};
use crate::workspace::Workspace;

/// One way to resolve a diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, as an editor lists it.
    pub title: String,
    pub change: SourceChange,
    /// The single obvious fix, which an editor may apply without asking.
    pub preferred: bool,
}

impl Fix {
    fn new(title: impl Into<String>, change: SourceChange, preferred: bool) -> Fix {
        Fix {
            title: title.into(),
            change,
            preferred,
        }
    }

    /// The preferred fix of a name that names nothing: `span` of `rel`
    /// replaced by `near`, the nearest name that exists (the one the
    /// diagnostic suggests).
    fn nearest_name(rel: &str, span: Span, near: &str) -> Fix {
        let edit = TextEdit::new(rel, span, near);
        Fix::new(
            format!("Change to \"{near}\""),
            SourceChange::new(vec![edit]),
            true,
        )
    }
}

/// The fixes of `diag`, best first; none when its rule has no fix or the
/// workspace no longer has what the diagnostic was about.
pub fn fixes(ws: &Workspace, diag: &Diagnostic) -> Vec<Fix> {
    let Some(file) = ws.file(&diag.path) else {
        return Vec::new();
    };
    if diag.span.end as usize > file.text.len() {
        return Vec::new();
    }
    let mut out = match diag.code {
        Code::ScenarioWrongLevel => scenario::wrong_level(file, diag.span),
        Code::RequirementNotARequirementHeader => requirement::not_a_header(file, diag.span),
        Code::DeltaEmpty => requirement::missing_prefixes(file, diag.span),
        Code::DeltaDropsScenarios => delta::drops_scenarios(ws, file, diag.span),
        Code::DeltaUnknownTarget => delta::unknown_target(ws, file, diag.span),
        Code::TasksUnknownDependency => tasks::unknown_dependency(file, diag.span),
        Code::TasksUnlinkedAcceptance => tasks::unlinked_acceptance(ws, file, diag.span),
        Code::TasksUncoveredScenario => tasks::uncovered_scenario(ws, file, diag.span),
        _ => Vec::new(),
    };
    out.retain(|f| !f.change.edits.is_empty());
    // At most one preferred fix, the first.
    let mut seen = false;
    for f in &mut out {
        f.preferred &= !seen;
        seen |= f.preferred;
    }
    out
}

/// The codes that have a quick fix.
pub const FIXABLE: &[Code] = &[
    Code::ScenarioWrongLevel,
    Code::RequirementNotARequirementHeader,
    Code::DeltaEmpty,
    Code::DeltaDropsScenarios,
    Code::DeltaUnknownTarget,
    Code::TasksUnknownDependency,
    Code::TasksUnlinkedAcceptance,
    Code::TasksUncoveredScenario,
];

#[cfg(test)]
pub(crate) mod test_support {
    //! Applying a fix to a fixture and checking the workspace again.

    use std::collections::HashMap;
    use std::path::Path;

    use super::{fixes, Fix};
    use crate::ide::edit::apply;
    use crate::rules::fixture::workspace;
    use crate::rules::{check_workspace, Diagnostic, Severity};
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
            crate::rules::fixture::render(&after_ws, &after)
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
                crate::rules::fixture::render(&after_ws, &after)
            );
        }
        Applied {
            fix,
            files: new.into_iter().collect(),
            after,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::edit::apply;
    use crate::ide::fixture::VOICE;
    use crate::model::Span;
    use crate::rules::fixture::workspace;

    /// Diagnostics of every fixable code at every span of files mixing
    /// line endings, a BOM, emoji and CJK (what a client holding stale
    /// diagnostics may ask about): no panic, and every fix applies.
    #[test]
    fn any_span_of_awkward_files() {
        let ws = workspace(&format!(
            "{VOICE}//- openspec/changes/c/specs/voice/spec.md
\u{feff}## MODIFIED Requirements\r
### Requirement: Transfr\r
漢字 SHALL.\r- Scenario: 挨拶\r- **WHEN** 🎉\r### Scenario 🎉\r
## REMOVED Requirements
- `### 歓迎`
//- openspec/changes/c/tasks.md
## 1. 漢字
- [ ] 1.1 🎉 (requires 1.3)
  - Acceptance: 挨拶 🎉 hello
- [x] 1.2 é
  - Acceptance: [t](specs/voice/spec.md#scenario-挨拶)
"
        ));
        for f in &ws.files {
            let n = f.text.len();
            for start in 0..n + 2 {
                for end in [start, start + 1, start + 3, n, n + 5] {
                    for &code in FIXABLE {
                        let d = Diagnostic::new(code, &f.rel, Span::new(start, end), "");
                        for fix in fixes(&ws, &d) {
                            apply(&ws, &fix.change)
                                .unwrap_or_else(|e| panic!("{}: {e}", fix.title));
                        }
                    }
                }
            }
        }
        // And the real diagnostics of that workspace all have their fixes.
        let found: Vec<&str> = crate::rules::check_workspace(&ws)
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
}
