//! Go to definition.
//!
//! References go to what they name: a dependency id to its task (or, for a
//! group id, the group), a link to the requirement, scenario, heading or file
//! it points at (a link whose anchor is broken still opens the file), a delta
//! entry to the main-spec requirement it changes and to the entries of other
//! active changes that overlap it (`change/overlap`) (a scenario of a delta block
//! to the same-named scenario of that requirement), a proposal's capability
//! to its main spec, or to the change's delta spec for a new capability.
//!
//! Declarations (main-spec requirements and scenarios, tasks, groups, other
//! headings) go to themselves, the convention that lets an editor offer
//! "find references" when definition is invoked on a definition.

use super::element::{self, element_at, file_nav, link_target, Element, LinkTarget, Role, Site};
use super::shaped;
use super::NavTarget;
use crate::workspace::Workspace;

/// Over the shared shape: an id goes to where its unit defines it, a
/// definition (a task's line, a phase's heading) to itself. `None` when
/// the cursor is on none of those.
fn shaped_definition(unit: &shaped::Unit, at: usize, offset: usize) -> Option<Vec<NavTarget>> {
    let subject = shaped::subject_at(unit, at, offset)?;
    Some(
        unit.resolve(subject)
            .map(|d| unit.def_nav(&d))
            .into_iter()
            .collect(),
    )
}

pub fn definition(ws: &Workspace, rel: &str, offset: usize) -> Vec<NavTarget> {
    if let Some((unit, at)) = shaped::Unit::of(ws, rel) {
        return shaped_definition(&unit, at, offset).unwrap_or_default();
    }
    // An OpenSpec task list: its tasks and groups over the shared shape,
    // its links and other headings as in any OpenSpec file.
    if let Some((file, doc)) = shaped::openspec_tasks(ws, rel) {
        if let Some(out) = shaped_definition(&shaped::Unit::single(file, &doc), 0, offset) {
            return out;
        }
    }
    let Some(el) = element_at(ws, rel, offset) else {
        return Vec::new();
    };
    let target = match el {
        Element::Link { file, link } => match link_target(ws, &file.rel, &link) {
            Some(LinkTarget::Site(site)) => Some(site.nav()),
            Some(LinkTarget::MissingAnchor(f, _)) => Some(file_nav(f)),
            None => None,
        },
        Element::Capability { change, cap, .. } => match ws.main_spec(&cap.name) {
            Some((f, _)) => Some(file_nav(f)),
            None => {
                let delta = format!("openspec/{}/specs/{}/spec.md", change.dir(), cap.name);
                ws.file(&delta).map(file_nav)
            }
        },
        Element::Site(Site::Req(r)) if r.role != Role::Main => {
            // The main requirement, then what other active changes do to it
            // (`change/overlap`).
            let mut out: Vec<NavTarget> = element::main_requirement(ws, &r)
                .map(|m| m.nav())
                .into_iter()
                .collect();
            out.extend(element::overlapping(ws, &r).iter().map(|o| o.nav()));
            return out;
        }
        Element::Site(Site::Scenario(s)) if s.req.role != Role::Main => {
            element::main_requirement(ws, &s.req).and_then(|m| {
                let block = m.block?;
                let scenario = block.scenarios.iter().find(|x| x.name == s.scenario.name)?;
                Some(element::ScenarioSite { req: m, scenario }.nav())
            })
        }
        Element::Site(site) => Some(site.nav()),
    };
    target.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::{render, Fixture, VOICE};

    fn def(fixture: &str) -> Vec<String> {
        let fx = Fixture::new(fixture);
        definition(&fx.ws, &fx.rel, fx.offset)
            .iter()
            .map(|t| render(&fx.ws, t))
            .collect()
    }

    #[test]
    fn dependency_ids_go_to_their_task_or_group() {
        let tasks = "//- openspec/changes/c/tasks.md
## 1. Setup
- [x] 1.1 Create the trunk
- [ ] 1.2 Route calls (requires 1.$01, 2)
## 2. Calls
- [ ] 2.1 Answer
  - Requires: 1.2
";
        assert_eq!(def(tasks), ["openspec/changes/c/tasks.md:2 \"1.1\""]);
        assert_eq!(
            def(&tasks.replace("1.$01, 2)", "1.1, 2$0)")),
            ["openspec/changes/c/tasks.md:4 \"2. Calls\""]
        );
        assert_eq!(
            def(&tasks
                .replace("1.$01, 2)", "1.1, 2)")
                .replace("Requires: 1.2", "Requires: $01.2")),
            ["openspec/changes/c/tasks.md:3 \"1.2\""]
        );
        // Unknown ids go nowhere.
        assert!(def(&tasks.replace("1.$01", "9.$09")).is_empty());
    }

    #[test]
    fn acceptance_links_go_to_scenarios_and_requirements() {
        let fx = format!(
            "{VOICE}//- openspec/changes/c/tasks.md
## 1. A
- [ ] 1.1 a
  - Acceptance: [asks](../../specs/voice/spec.md#scen$0ario-caller-asks)
"
        );
        assert_eq!(
            def(&fx),
            ["openspec/specs/voice/spec.md:11 \"Caller asks\""]
        );
        let fx2 = fx.replace("#scen$0ario-caller-asks", "#requirement-greeting$0");
        assert_eq!(def(&fx2), ["openspec/specs/voice/spec.md:19 \"Greeting\""]);
        // A broken anchor still opens the file; a missing file goes nowhere.
        let fx3 = fx.replace("#scen$0ario-caller-asks", "#nope$0");
        assert_eq!(def(&fx3), ["openspec/specs/voice/spec.md:1 \"Voice\""]);
        let fx4 = fx.replace("voice/spec.md#scen$0ario", "$0other/spec.md#scenario");
        assert!(def(&fx4).is_empty());
    }

    #[test]
    fn the_full_range_covers_the_scenario_or_requirement_block() {
        let fx = Fixture::new(&format!(
            "{VOICE}//- openspec/changes/c/tasks.md\n- [ ] 1.1 a\n  - Acceptance: [$0a](../../specs/voice/spec.md#scenario-nobody-free) [b](../../specs/voice/spec.md#requirement-transfer)\n"
        ));
        let t = &definition(&fx.ws, &fx.rel, fx.offset)[0];
        let text = &fx.ws.file(&t.rel).unwrap().text();
        assert_eq!(
            &text[t.full.range()],
            "#### Scenario: Nobody free\n- **WHEN** nobody is free\n- **THEN** the caller waits"
        );
        let b = fx.ws.file(&fx.rel).unwrap().text().find("[b]").unwrap();
        let t = &definition(&fx.ws, &fx.rel, b)[0];
        assert!(text[t.full.range()].starts_with("### Requirement: Transfer\n"));
        assert!(text[t.full.range()].ends_with("- **THEN** the caller waits"));
    }

    /// `change/overlap`: from an entry, also to what another active change
    /// does to the same requirement (not to a change stacked on an ADDED,
    /// nor to an archived one).
    #[test]
    fn overlapping_entries_of_other_changes_are_definitions_too() {
        let others = "//- openspec/changes/b/specs/voice/spec.md
## REMOVED Requirements
- `### Requirement: Transfer`
## ADDED Requirements
### Requirement: Hold music
The agent SHALL play music.
#### Scenario: Wait
- **WHEN** held
- **THEN** music
//- openspec/changes/archive/2026-01-01-d/specs/voice/spec.md
## MODIFIED Requirements
### Requirement: Transfer
The agent SHALL transfer.
#### Scenario: Caller asks
- **WHEN** asked
- **THEN** transferred
";
        let mine = "//- openspec/changes/c/specs/voice/spec.md
## MODIFIED Requirements
### Requirement: Trans$0fer
The agent SHALL transfer quickly.
#### Scenario: Caller asks
- **WHEN** asked
- **THEN** transferred
## ADDED Requirements
### Requirement: Hold music
The agent SHALL hold.
#### Scenario: Wait
- **WHEN** held
- **THEN** music
";
        assert_eq!(
            def(&format!("{VOICE}{mine}{others}")),
            [
                "openspec/specs/voice/spec.md:8 \"Transfer\"",
                "openspec/changes/b/specs/voice/spec.md:2 \"Transfer\"",
            ]
        );
        let added = mine.replace("$0", "").replace(
            "Hold music\nThe agent SHALL hold",
            "Hold$0 music\nThe agent SHALL hold",
        );
        assert_eq!(
            def(&format!("{VOICE}{added}{others}")),
            ["openspec/changes/b/specs/voice/spec.md:4 \"Hold music\""]
        );
        // Without another change touching it, only the main requirement.
        assert_eq!(
            def(&format!("{VOICE}{mine}")),
            ["openspec/specs/voice/spec.md:8 \"Transfer\""]
        );
    }

    #[test]
    fn delta_headers_go_to_the_main_requirement() {
        let delta = "//- openspec/changes/c/specs/voice/spec.md
## MODIFIED Requirements
### Requirement: Trans$0fer
The agent SHALL transfer quickly.

#### Scenario: Caller asks
- **WHEN** asked
- **THEN** transferred

## REMOVED Requirements
- `### Requirement: Greeting`

## RENAMED Requirements
- FROM: `### Requirement: Greeting`
- TO: `### Requirement: Welcome`

## ADDED Requirements
### Requirement: Hold music
The agent SHALL play music.
";
        let main_transfer = "openspec/specs/voice/spec.md:8 \"Transfer\"";
        let main_greeting = "openspec/specs/voice/spec.md:19 \"Greeting\"";
        assert_eq!(def(&format!("{VOICE}{delta}")), [main_transfer]);
        let at = |from: &str, to: &str| {
            def(&format!(
                "{VOICE}{}",
                delta.replace("$0", "").replace(from, to)
            ))
        };
        assert_eq!(
            at(
                "`### Requirement: Greeting`\n\n",
                "`### Requirement: Gr$0eeting`\n\n"
            ),
            [main_greeting]
        );
        assert_eq!(at("FROM: `###", "FROM:$0 `###"), [main_greeting]);
        // The TO side names the requirement being renamed.
        assert_eq!(at("Welcome", "Wel$0come"), [main_greeting]);
        // ADDED has no main requirement yet.
        assert!(at("Hold music", "Hold$0 music").is_empty());
        // A delta scenario goes to the main scenario of the same name.
        assert_eq!(
            at("#### Scenario: Caller asks", "#### Scenario: Caller$0 asks"),
            ["openspec/specs/voice/spec.md:11 \"Caller asks\""]
        );
    }

    #[test]
    fn a_modified_entry_under_its_new_name_goes_to_the_old_one() {
        let fx = format!(
            "{VOICE}//- openspec/changes/c/specs/voice/spec.md
## RENAMED Requirements
- FROM: `### Requirement: Greeting`
- TO: `### Requirement: Welcome`

## MODIFIED Requirements
### Requirement: Wel$0come
The agent SHALL welcome.
"
        );
        assert_eq!(def(&fx), ["openspec/specs/voice/spec.md:19 \"Greeting\""]);
    }

    #[test]
    fn main_spec_declarations_go_to_themselves() {
        assert_eq!(
            def(&VOICE.replace("#### Scenario: Hello", "#### Scenario: $0Hello")),
            ["openspec/specs/voice/spec.md:22 \"Hello\""]
        );
        assert_eq!(
            def(&VOICE.replace("## Purpose", "## Pur$0pose")),
            ["openspec/specs/voice/spec.md:3 \"Purpose\""]
        );
        assert!(def(&VOICE.replace("Answer calls", "Answer $0calls")).is_empty());
    }

    #[test]
    fn proposal_capabilities_go_to_their_spec() {
        let fx = format!(
            "{VOICE}//- openspec/changes/c/proposal.md
## Why
x
## Capabilities
### New Capabilities
- `call-trans$0fer`: new
### Modified Capabilities
- `voice`: changed
- `ghost`: nothing
//- openspec/changes/c/specs/call-transfer/spec.md
## ADDED Requirements
"
        );
        assert_eq!(
            def(&fx),
            ["openspec/changes/c/specs/call-transfer/spec.md:1 \"ADDED Requirements\""]
        );
        let clean = fx.replace("$0", "");
        assert_eq!(
            def(&clean.replace("`voice`", "`$0voice`")),
            ["openspec/specs/voice/spec.md:1 \"Voice\""]
        );
        assert!(def(&clean.replace("`ghost`", "`gh$0ost`")).is_empty());
    }

    #[test]
    fn other_markdown_links_go_to_their_target() {
        let fx = "//- openspec/changes/c/design.md
# Design 🎉 漢字
See [the proposal](proposal.md) and [why](proposal.md#w$0hy).
//- openspec/changes/c/proposal.md
# P

## Why
Because.
";
        assert_eq!(def(fx), ["openspec/changes/c/proposal.md:3 \"Why\""]);
        assert_eq!(
            def(&fx.replace("$0", "").replace("[the", "[$0the")),
            ["openspec/changes/c/proposal.md:1 \"P\""]
        );
    }

    #[test]
    fn crlf_files_and_wide_characters_keep_spans_exact() {
        let fx = "//- openspec/specs/voice/spec.md\r\n## Purpose\r\n漢字 🎉 purpose text that is long enough for the purpose rule.\r\n\r\n## Requirements\r\n\r\n### Requirement: 挨拶 🎉\r\nThe agent SHALL greet.\r\n\r\n#### Scenario: こんにちは 🎉\r\n- **WHEN** x\r\n- **THEN** y\r\n//- openspec/changes/c/tasks.md\r\n- [ ] 1.1 a 🎉 [s](../../specs/voice/spec.md#scenario-こんにちは-$0)\r\n";
        assert_eq!(
            def(fx),
            ["openspec/specs/voice/spec.md:9 \"こんにちは 🎉\""]
        );
        let fx = Fixture::new(fx);
        let t = &definition(&fx.ws, &fx.rel, fx.offset)[0];
        let text = &fx.ws.file(&t.rel).unwrap().text();
        assert_eq!(
            &text[t.full.range()],
            "#### Scenario: こんにちは 🎉\r\n- **WHEN** x\r\n- **THEN** y"
        );
    }

    #[test]
    fn any_offset_is_safe() {
        let fx = Fixture::new(&format!("{VOICE}//- openspec/changes/c/tasks.md\n- [ ] 1.1 é🎉 (requires 1.1)\n  - Acceptance: [x](../../specs/voice/spec.md#scenario-hello)\n"));
        for rel in [
            fx.rel.as_str(),
            "openspec/specs/voice/spec.md",
            "nope.md",
            "",
        ] {
            let len = fx.ws.file(rel).map_or(0, |f| f.text().len());
            for offset in (0..len + 3).chain([usize::MAX]) {
                let _ = definition(&fx.ws, rel, offset);
            }
        }
    }
}
