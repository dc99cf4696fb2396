//! Main-spec rules (OpenSpec's `validate <spec>`, plus the extensions).

use rustc_hash::FxHashMap;

use super::{requirement, Code, Scope, Sink};
use crate::model::spec::{requirement_name, MainSpec, SchemaRequirement};
use crate::model::Span;
use crate::syntax::js;
use crate::workspace::{SourceFile, Summary, Workspace};

const SECTIONS_GUIDE: &str = "Expected headers: \"## Purpose\" and \"## Requirements\", with \"### Requirement: <name>\" blocks under Requirements.";

pub fn check(ws: &Workspace, scope: &Scope, sink: &mut Sink) {
    for f in scope.files(ws) {
        if let Summary::Main(spec) = &f.summary {
            check_spec(spec, f, sink);
        }
    }
}

fn first_line(text: &str) -> Span {
    let end = text.find(['\n', '\r']).unwrap_or(text.len());
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    Span::new(start, end.max(start))
}

pub fn check_spec(spec: &MainSpec, file: &SourceFile, sink: &mut Sink) {
    let (path, text) = (file.rel.as_str(), file.text());
    // OpenSpec stops at a missing Purpose or Requirements section and reports
    // nothing else; so do the rules it has, while the extensions still run.
    let purpose = spec.purpose.as_ref().filter(|p| p.text_len > 0);
    let structural_ok = match (purpose, spec.requirements_heading) {
        (None, _) => {
            let span = spec
                .purpose
                .as_ref()
                .map(|p| p.heading)
                .unwrap_or(first_line(text));
            let msg = if spec.purpose.is_some() {
                format!("The Purpose section is empty. Say in a sentence or two what this capability is for. {SECTIONS_GUIDE}")
            } else {
                format!("Spec must have a Purpose section. Add \"## Purpose\" with a sentence on what this capability is for. {SECTIONS_GUIDE}")
            };
            sink.push(Code::SpecMissingPurpose, path, span, msg);
            false
        }
        (Some(_), None) => {
            sink.push(
                Code::SpecMissingRequirements,
                path,
                first_line(text),
                format!("Spec must have a Requirements section. Add \"## Requirements\" after the Purpose. {SECTIONS_GUIDE}"),
            );
            false
        }
        (Some(_), Some(_)) => true,
    };
    if structural_ok {
        check_structure(spec, file, sink);
    }
    for req in &spec.requirements {
        requirement::check_extensions(req, path, sink);
    }
    requirement::check_misplaced_scenarios(&spec.misplaced_scenarios, path, sink);
}

fn check_structure(spec: &MainSpec, file: &SourceFile, sink: &mut Sink) {
    let (path, text) = (file.rel.as_str(), file.text());
    let purpose = spec.purpose.as_ref().expect("checked by the caller");
    let req_heading = spec.requirements_heading.expect("checked by the caller");
    if spec.schema_requirements.is_empty() {
        sink.push(
            Code::SpecNoRequirements,
            path,
            req_heading,
            "Spec must have at least one requirement. Add a \"### Requirement: <name>\" block with a SHALL/MUST statement and a \"#### Scenario:\".",
        );
    }
    for (span, header) in &spec.delta_headers {
        sink.push(
            Code::SpecDeltaHeaderInMainSpec,
            path,
            *span,
            format!("Main spec contains delta header \"{header}\". Delta headers are only valid inside openspec/changes/<name>/specs/<capability-path>/spec.md and truncate the parsed ## Requirements section; remove it and merge its requirements into \"## Requirements\"."),
        );
    }
    for (span, header) in &spec.outside_requirements {
        sink.push(
            Code::RequirementOutsideSection,
            path,
            *span,
            format!("Requirement header \"{header}\" appears outside the main ## Requirements section, so it is invisible to validate, list and archive. Move it under \"## Requirements\"."),
        );
    }
    // Line numbers are needed only for duplicates, which are rare.
    let line_of = |at: usize| file.line_col(at).line + 1;
    let mut first: FxHashMap<&str, Span> = FxHashMap::default();
    for req in spec.requirements.iter().filter(|r| r.spaced_header) {
        match first.get(req.name.as_str()) {
            Some(prev) => {
                let line = line_of(prev.start as usize);
                sink.push(
                    Code::RequirementDuplicate,
                    path,
                    req.header,
                    format!("Requirement header \"{}\" duplicates the requirement declared on line {line}. Requirement names must be unique; rename or merge one of them.", js::trim(&text[req.header.range()])),
                );
            }
            None => {
                first.insert(&req.name, req.header);
            }
        }
    }
    if let Some(at) = purpose.placeholder {
        sink.push(
            Code::SpecPurposePlaceholder,
            path,
            at,
            "Purpose section is still a placeholder (the sentence `openspec archive` writes for a new capability, or a TBD/TODO marker). Replace it with what this capability is for.",
        );
    } else if purpose.text_len < 50 {
        sink.push(
            Code::SpecPurposeTooShort,
            path,
            purpose.span,
            format!("Purpose section is too brief ({} characters; OpenSpec's validator wants at least 50, counted as it counts them, in UTF-16 units). Say what the capability is for and who relies on it.", purpose.text_len),
        );
    }
    for sr in &spec.schema_requirements {
        let scenario_form = js::strip_prefix_ci(&sr.title, "scenario").is_some();
        if !sr.canonical && !scenario_form {
            check_unprefixed(sr, js::trim(&text[sr.header.range()]), path, sink);
        } else if !sr.canonical && scenario_form && sr.level != 3 {
            // A level-4 `Scenario:` directly under Requirements belongs to no
            // requirement.
            sink.push(
                Code::ScenarioWrongLevel,
                path,
                sr.header,
                "This scenario is not inside any \"### Requirement:\" block, so OpenSpec reads it as a requirement of its own. Move it under the requirement it belongs to.",
            );
        }
        if sr.canonical && sr.scenarios == 0 {
            sink.push(
                Code::RequirementNoScenario,
                path,
                sr.header,
                "Requirement must have at least one scenario. Scenarios are level-4 headings with steps: \"#### Scenario: <name>\" then \"- **WHEN** ...\" and \"- **THEN** ...\".",
            );
        }
        if sr.text_len > 500 {
            sink.push(
                Code::RequirementTooLong,
                path,
                sr.header,
                format!("Requirement text is very long ({} characters, more than 500). Consider splitting it into smaller requirements.", sr.text_len),
            );
        }
        if !sr.canonical && sr.text_is_empty {
            sink.push(
                Code::RequirementMissingText,
                path,
                sr.header,
                "Requirement text cannot be empty. Add a SHALL/MUST statement under the header.",
            );
        }
    }
    for req in &spec.requirements {
        requirement::check_text(req, &format!("Requirement \"{}\"", req.name), path, sink);
    }
}

/// A heading directly under Requirements that is not `### Requirement:`.
/// OpenSpec's validator reads it as a requirement all the same, and fails
/// it only when it has no scenario; archive cannot address it either way.
fn check_unprefixed(sr: &SchemaRequirement, header: &str, path: &str, sink: &mut Sink) {
    let fix = match requirement_name(&sr.title) {
        Some(name) => format!("Make it \"### Requirement: {name}\""),
        None => "Give it a name: \"### Requirement: <name>\"".to_string(),
    };
    if sr.scenarios == 0 {
        let found = if sr.empty_children > 0 {
            " (a sub-heading with no body under it does not count)"
        } else {
            ""
        };
        sink.push(
            Code::RequirementNotARequirementHeader,
            path,
            sr.header,
            format!("\"{header}\" sits under Requirements, so OpenSpec reads it as a requirement, and it has no scenario{found}: \"Requirement must have at least one scenario\". {fix} and add a \"#### Scenario:\" with steps under it, or move the heading out of the Requirements section."),
        );
    } else {
        let n = sr.scenarios;
        let scenarios = if n == 1 { "scenario" } else { "scenarios" };
        sink.push(
            Code::RequirementMissingPrefix,
            path,
            sr.header,
            format!("OpenSpec validates \"{header}\" as a requirement with {n} {scenarios}, but without the \"Requirement:\" prefix a change cannot MODIFY, REMOVE or RENAME it: archive finds requirements only by \"### Requirement: <name>\" headers and reads this heading as part of the requirement above it. {fix}."),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::fixture::{check_annotated_only, check_only, messages};

    const PURPOSE: &str =
        "## Purpose\nThe voice agent answers every inbound call without any delay.\n";

    #[test]
    fn missing_purpose_stops_the_other_structural_rules() {
        check_annotated_only(
            r#"//- openspec/specs/a/spec.md
# A
^^^ error spec/missing-purpose
## Requirements
### Requirement: X
no keyword
"#,
            "spec/",
        );
        check_annotated_only(
            r#"//- openspec/specs/a/spec.md
## Purpose
^^^^^^^^^^ error spec/missing-purpose

## Requirements
"#,
            "spec/",
        );
    }

    #[test]
    fn missing_and_empty_requirements() {
        check_annotated_only(
            r#"//- openspec/specs/a/spec.md
# A
^^^ error spec/missing-requirements
## Purpose
The voice agent answers every inbound call without any delay.
"#,
            "spec/",
        );
        check_annotated_only(
            r#"//- openspec/specs/a/spec.md
## Purpose
The voice agent answers every inbound call without any delay.
## Requirements
^^^^^^^^^^^^^^^ error spec/no-requirements
Nothing yet.
"#,
            "spec/",
        );
    }

    #[test]
    fn purpose_too_short_and_placeholder() {
        let reqs = "## Requirements\n### Requirement: R\nIt SHALL x.\n#### Scenario: s\n- **WHEN** a\n- **THEN** b\n";
        check_annotated_only(
            r#"//- openspec/specs/a/spec.md
## Purpose
Short.
^^^^^^ warning spec/purpose-too-short
## Requirements
### Requirement: R
It SHALL x.
#### Scenario: s
- **WHEN** a
- **THEN** b
"#,
            "spec/",
        );
        let got = check_only(
            &format!("//- openspec/specs/a/spec.md\n## Purpose\nTBD - created by archiving change add-x. Update Purpose after archive.\n{reqs}"),
            "spec/",
        );
        assert_eq!(got.len(), 1);
        assert!(
            got[0].starts_with("spec/purpose-placeholder openspec/specs/a/spec.md:2"),
            "{got:?}"
        );
        assert!(check_only(
            &format!("//- openspec/specs/a/spec.md\n{PURPOSE}{reqs}"),
            "spec/"
        )
        .is_empty());
    }

    #[test]
    fn structure_rules() {
        check_annotated_only(
            r#"//- openspec/specs/a/spec.md
### Requirement: Early
^^^^^^^^^^^^^^^^^^^^^^ error requirement/outside-section
It SHALL x.
## Purpose
The voice agent answers every inbound call without any delay.
## Requirements
### Requirement: R
It SHALL x.
#### Scenario: s
- **WHEN** a
- **THEN** b
### Requirement: R ###
^^^^^^^^^^^^^^^^^^^^^^ error requirement/duplicate
It SHALL y.
#### Scenario: t
- **WHEN** a
- **THEN** b
### Notes
^^^^^^^^^ warning requirement/missing-prefix
#### Scenario: u
- **WHEN** a
- **THEN** b
## ADDED Requirements
^^^^^^^^^^^^^^^^^^^^^ error spec/delta-header-in-main-spec
"#,
            "",
        );
    }

    /// OpenSpec reads any heading directly under Requirements as a
    /// requirement: with a scenario it reports nothing (only archive cannot
    /// address it, `requirement/missing-prefix`); without one it fails it.
    #[test]
    fn unprefixed_headings_fail_only_without_a_scenario() {
        check_annotated_only(
            r#"//- openspec/specs/a/spec.md
## Purpose
The voice agent answers every inbound call without any delay.
## Requirements
### LCDN-001: CDN URL Pattern Matching
^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning requirement/missing-prefix
The CDN SHALL match URL patterns.
#### Scenario: Hit
- **WHEN** a URL matches
- **THEN** it is served from the CDN
### 需求：用户登录
^^^^^^^^^^^^^^^^^^^^^ warning requirement/missing-prefix
系统 SHALL 允许登录。
#### Scenario: 成功
- **WHEN** 输入正确密码
- **THEN** 登录成功
### LCDN-002: No scenario yet
^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error requirement/not-a-requirement-header
The CDN SHALL purge.
### LCDN-003: Empty scenario
^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error requirement/not-a-requirement-header
The CDN SHALL log.
#### Scenario: Later
### Requirement: Canonical
The CDN SHALL cache.
#### Scenario: Cached
- **WHEN** a
- **THEN** b
"#,
            "requirement/",
        );
    }

    #[test]
    fn unprefixed_heading_messages_say_what_openspec_sees() {
        let head = "//- openspec/specs/a/spec.md\n## Purpose\nThe voice agent answers every inbound call without any delay.\n## Requirements\n";
        let with = messages(
            &format!("{head}### 需求: 登录\n系统 SHALL 登录。\n#### Scenario: a\n- **WHEN** a\n- **THEN** b\n"),
            "requirement/missing-prefix",
        );
        assert!(
            with[0].contains("as a requirement with 1 scenario,"),
            "{with:?}"
        );
        assert!(
            with[0].contains("Make it \"### Requirement: 登录\""),
            "{with:?}"
        );
        assert!(!with[0].contains("Requirement: 需求"), "{with:?}");
        let without = messages(
            &format!("{head}### 需求: 登录\n系统 SHALL 登录。\n#### Scenario: a\n"),
            "requirement/not-a-requirement-header",
        );
        assert!(
            without[0].contains("it has no scenario (a sub-heading with no body"),
            "{without:?}"
        );
    }

    #[test]
    fn wrong_level_scenario_and_no_scenario() {
        check_annotated_only(
            r#"//- openspec/specs/a/spec.md
## Purpose
The voice agent answers every inbound call without any delay.
## Requirements
### Requirement: R
^^^^^^^^^^^^^^^^^^ error requirement/no-scenario
It SHALL x.
### Scenario: too high
^^^^^^^^^^^^^^^^^^^^^^ error scenario/wrong-level
- **WHEN** a
- **THEN** b
"#,
            "",
        );
    }

    #[test]
    fn long_requirement_text_is_info() {
        let long = "The system SHALL ".to_string() + &"x".repeat(500);
        let got = check_only(
            &format!("//- openspec/specs/a/spec.md\n{PURPOSE}## Requirements\n### Requirement: R\n{long}\n#### Scenario: s\n- **WHEN** a\n- **THEN** b\n"),
            "requirement/too-long",
        );
        assert_eq!(
            got,
            ["requirement/too-long openspec/specs/a/spec.md:4 `### Requirement: R`"]
        );
    }
}
