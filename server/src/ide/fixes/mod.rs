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
mod shaped;
mod tasks;

use super::edit::{SourceChange, TextEdit};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::Span;
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
    if diag.span.end as usize > file.text().len() {
        return Vec::new();
    }
    let mut out = match diag.code {
        Code::ScenarioWrongLevel => scenario::wrong_level(file, diag.span),
        Code::RequirementNotARequirementHeader | Code::RequirementMissingPrefix => {
            requirement::not_a_header(file, diag.span)
        }
        Code::DeltaEmpty => requirement::missing_prefixes(file, diag.span),
        Code::DeltaDropsScenarios => delta::drops_scenarios(ws, file, diag.span),
        Code::DeltaUnknownTarget => delta::unknown_target(ws, file, diag.span),
        Code::TasksUnknownDependency if file.summary.shape().is_some() => {
            shaped::unknown_id(ws, file, diag.span)
        }
        Code::TasksUnknownDependency => tasks::unknown_dependency(file, diag.span),
        Code::SpeckitUnknownRequirement
        | Code::SpeckitUnknownStory
        | Code::KiroUnknownCriterion
        | Code::KiroUnknownProperty => shaped::unknown_id(ws, file, diag.span),
        Code::SpeckitMissingStoryLabel => shaped::missing_story_label(file, diag.span),
        Code::SpeckitForbiddenStoryLabel => shaped::forbidden_story_label(file, diag.span),
        Code::SpeckitStoryLabelMismatch => shaped::story_label_mismatch(file, diag.span),
        Code::TasksBrokenAcceptanceLink => tasks::broken_acceptance_link(ws, file, diag.span),
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::ide::edit::apply;
    use crate::ide::fixture::VOICE;
    use crate::model::Span;
    use crate::workspace::fixture::workspace;

    /// Diagnostics of every code at every span of files mixing
    /// line endings, a BOM, emoji and CJK (what a client holding stale
    /// diagnostics may ask about): no panic, and every fix applies.
    /// Files mixing line endings, a BOM, emoji and CJK, with diagnostics of
    /// most fixable rules.
    pub(crate) fn awkward() -> String {
        format!(
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
        )
    }

    #[test]
    fn any_span_of_awkward_files() {
        let ws = workspace(&awkward());
        for f in &ws.files {
            let n = f.text().len();
            for start in 0..n + 2 {
                for end in [start, start + 1, start + 3, n, n + 5] {
                    for &code in Code::ALL {
                        let d = Diagnostic::new(code, &f.rel, Span::new(start, end), "");
                        for fix in fixes(&ws, &d) {
                            apply(&ws, &fix.change)
                                .unwrap_or_else(|e| panic!("{}: {e}", fix.title));
                        }
                    }
                }
            }
        }
    }
}
