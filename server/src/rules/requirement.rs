//! Rules about one requirement block and its scenarios, shared by main specs
//! and the ADDED/MODIFIED sections of deltas.

use std::collections::HashMap;

use super::{Code, Sink};
use crate::model::delta::MisplacedScenario;
use crate::model::steps::check_steps;
use crate::model::Requirement;
use crate::syntax::js;

/// `label` is how OpenSpec names the requirement in messages:
/// `Requirement "X"`, `ADDED "X"`, `MODIFIED "X"`.
pub fn check_text(req: &Requirement, label: &str, path: &str, sink: &mut Sink) {
    let in_header = js::contains_shall_or_must(&req.name);
    if !req.has_text {
        let msg = if in_header {
            format!("{label} must contain SHALL or MUST in the requirement body, not only in the header. Move the SHALL/MUST statement to the line immediately after the \"### Requirement: ...\" header.")
        } else if label.starts_with("Requirement ") {
            format!("{label} must contain SHALL or MUST: it has no body text. Add a line under the header stating the requirement, e.g. \"The system SHALL …\".")
        } else {
            format!("{label} is missing requirement text. Add a line under the header stating the requirement, e.g. \"The system SHALL …\".")
        };
        sink.push(Code::RequirementMissingText, path, req.header, msg);
    } else if !req.shall_or_must {
        let msg = if in_header {
            format!("{label} should contain SHALL or MUST in the requirement body, not only in the header. Move the SHALL/MUST statement to the line immediately after the \"### Requirement: ...\" header.")
        } else {
            format!("{label} should contain SHALL or MUST (RFC 2119 best practice for English specs). State the requirement with an uppercase SHALL or MUST.")
        };
        sink.push(Code::RequirementMissingShallMust, path, req.header, msg);
    }
}

/// Scenario-like lines OpenSpec cannot see (`### Scenario:`, `- Scenario:`…).
pub fn check_misplaced_scenarios(found: &[MisplacedScenario], path: &str, sink: &mut Sink) {
    for m in found {
        let msg = if m.outside_requirement {
            format!("\"{}\" is outside every requirement, so OpenSpec never sees it (it reads scenarios only under a \"### Requirement:\" header). Move it under the requirement it tests, as \"#### Scenario: {}\".", m.form, m.name)
        } else {
            format!("\"{}\" is not a scenario OpenSpec can see: scenarios are level-4 headings. Rewrite it as \"#### Scenario: {}\".", m.form, m.name)
        };
        sink.push(Code::ScenarioWrongLevel, path, m.span, msg);
    }
}

/// ADDED/MODIFIED requirements need a scenario with a body.
pub fn check_has_scenario(req: &Requirement, label: &str, path: &str, sink: &mut Sink) {
    if req.scenario_count() > 0 {
        return;
    }
    let hint = if req.empty_scenarios > 0 {
        " (a scenario header with no body under it does not count; add its steps, e.g. \"- **WHEN** ...\" and \"- **THEN** ...\")"
    } else {
        ". Add one as \"#### Scenario: <name>\" followed by \"- **WHEN** ...\" and \"- **THEN** ...\""
    };
    sink.push(
        Code::RequirementNoScenario,
        path,
        req.header,
        format!("{label} must include at least one scenario{hint}"),
    );
}

/// The extensions: empty scenarios, step structure, duplicate scenario
/// names, lowercase RFC 2119 keywords.
pub fn check_extensions(req: &Requirement, path: &str, sink: &mut Sink) {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for s in &req.scenarios {
        if !s.has_body {
            sink.push(
                Code::ScenarioEmpty,
                path,
                s.header,
                format!("Scenario \"{}\" has no body, so OpenSpec does not count it. Add its steps, e.g. \"- **WHEN** ...\" and \"- **THEN** ...\".", s.name),
            );
        }
        if *seen
            .entry(s.name.as_str())
            .and_modify(|n| *n += 1)
            .or_insert(1)
            == 2
        {
            sink.push(
                Code::ScenarioDuplicate,
                path,
                s.header,
                format!("Requirement \"{}\" already has a scenario named \"{}\". Give each scenario its own name so links and MODIFIED blocks can tell them apart.", req.name, s.name),
            );
        }
        let found = check_steps(&s.steps);
        if found.missing_when {
            sink.push(
                Code::ScenarioMissingWhen,
                path,
                s.header,
                format!("Scenario \"{}\" has steps but no WHEN. Add the action under test, e.g. \"- **WHEN** ...\".", s.name),
            );
        }
        if found.missing_then {
            sink.push(
                Code::ScenarioMissingThen,
                path,
                s.header,
                format!("Scenario \"{}\" has steps but no THEN. Add the expected outcome, e.g. \"- **THEN** ...\".", s.name),
            );
        }
        for (span, order) in found.out_of_order {
            sink.push(Code::ScenarioStepOrder, path, span, order.advice());
        }
    }
    for (span, kw) in &req.lowercase_keywords {
        let upper = kw.to_uppercase();
        sink.push(
            Code::Rfc2119LowercaseKeyword,
            path,
            *span,
            format!("Lowercase \"{kw}\" in a requirement body that has no uppercase keyword: if it states the requirement, write \"{upper}\" (only uppercase RFC 2119 keywords are normative, RFC 8174; OpenSpec looks for SHALL or MUST)."),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::fixture::{check_annotated_only, messages};

    const HEAD: &str = "//- openspec/specs/voice/spec.md\n## Purpose\nThe voice agent answers every inbound call without delay.\n## Requirements\n";

    #[test]
    fn missing_text_and_keyword() {
        check_annotated_only(
            r#"//- openspec/specs/voice/spec.md
## Purpose
The voice agent answers every inbound call without delay.
## Requirements
### Requirement: Empty
^^^^^^^^^^^^^^^^^^^^^^ error requirement/missing-text
#### Scenario: s
- **WHEN** a
- **THEN** b
### Requirement: Weak
^^^^^^^^^^^^^^^^^^^^^ warning requirement/missing-shall-must
The agent answers.
#### Scenario: s
- **WHEN** a
- **THEN** b
### Requirement: Good
The agent MUST answer.
#### Scenario: s
- **WHEN** a
- **THEN** b
"#,
            "requirement/",
        );
    }

    #[test]
    fn keyword_only_in_header_says_where_to_move_it() {
        let m = messages(
            &format!("{HEAD}### Requirement: The agent SHALL answer\n#### Scenario: s\n- **WHEN** a\n- **THEN** b\n"),
            "requirement/missing-text",
        );
        assert!(m[0].contains("not only in the header"), "{m:?}");
    }

    #[test]
    fn step_rules_fire_and_stay_quiet() {
        check_annotated_only(
            r#"//- openspec/specs/voice/spec.md
## Purpose
The voice agent answers every inbound call without delay.
## Requirements
### Requirement: R
It SHALL x.
#### Scenario: no then
^^^^^^^^^^^^^^^^^^^^^^ warning scenario/missing-then
- **GIVEN** a
- **WHEN** b
#### Scenario: no when
^^^^^^^^^^^^^^^^^^^^^^ warning scenario/missing-when
- **THEN** c
#### Scenario: order
- **WHEN** a
- **THEN** b
- **GIVEN** c
    ^^^^^ info scenario/step-order
#### Scenario: fine
Given a
When b
Then c
And d
#### Scenario: prose only
Just words.
#### Scenario: fine
^^^^^^^^^^^^^^^^^^^ warning scenario/duplicate
- **WHEN** x
- **THEN** y
#### Scenario: empty
^^^^^^^^^^^^^^^^^^^^ warning scenario/empty
"#,
            "scenario/",
        );
    }

    #[test]
    fn lowercase_keywords_are_hinted_outside_code() {
        check_annotated_only(
            r#"//- openspec/specs/voice/spec.md
## Purpose
The voice agent answers every inbound call without delay.
## Requirements
### Requirement: R
It must x and shall y, not `must`, not "must".
   ^^^^ hint rfc2119/lowercase-keyword
              ^^^^^ hint rfc2119/lowercase-keyword
#### Scenario: s
- **WHEN** it must
- **THEN** b
"#,
            "rfc2119/",
        );
    }

    /// What the corpus sample showed to be false alarms or noise: "may" of
    /// possibility, rationale, and lowercase words in a body that already
    /// writes its keywords uppercase (RFC 8174).
    #[test]
    fn lowercase_keywords_stay_quiet_where_they_are_not_normative() {
        check_annotated_only(
            r#"//- openspec/specs/voice/spec.md
## Purpose
The voice agent answers every inbound call without delay.
## Requirements
### Requirement: States its keyword
The agent SHALL answer and must not drop the call.
#### Scenario: s
- **WHEN** a
- **THEN** b
### Requirement: Possibility
A lookup may return another row; the agent must retry.
                                           ^^^^ hint rfc2119/lowercase-keyword
#### Scenario: s
- **WHEN** a
- **THEN** b
### Requirement: Rationale
The agent must log each call.
          ^^^^ hint rfc2119/lowercase-keyword
**Why:** auditors must see every call,
and support should too.

> Note: the queue must not grow.
Because the log must stay small, it should rotate.
#### Scenario: s
- **WHEN** a
- **THEN** b
"#,
            "rfc2119/",
        );
    }
}
