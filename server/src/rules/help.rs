//! One line per rule saying when it fires, for reports that carry their
//! rules with them (SARIF). The full table, with fixes, is docs/rules.md;
//! the two are kept in step by a test.

use super::Code;

/// When `code` fires, in one sentence.
pub fn summary(code: Code) -> &'static str {
    match code {
        Code::SpecMissingPurpose => "No `Purpose` section (any level, any case), or it is empty.",
        Code::SpecMissingRequirements => "No `Requirements` section.",
        Code::SpecNoRequirements => "The Requirements section has no child heading.",
        Code::SpecPurposeTooShort => "The Purpose is shorter than 50 characters (UTF-16 units, as OpenSpec counts).",
        Code::SpecPurposePlaceholder => "The Purpose is archive's \"TBD - created by archiving change …\" sentence, or starts with TBD/TODO.",
        Code::SpecDeltaHeaderInMainSpec => "`## ADDED/MODIFIED/REMOVED/RENAMED Requirements` in a main spec.",
        Code::RequirementOutsideSection => "`### Requirement:` outside the `## Requirements` section.",
        Code::RequirementNotARequirementHeader => "A heading directly under Requirements (or a `###` in ADDED/MODIFIED) that is not `### Requirement:`.",
        Code::RequirementDuplicate => "Two requirements of a spec, or two entries of one delta section, share a name.",
        Code::RequirementMissingText => "A requirement has no body text (or SHALL/MUST only in its header).",
        Code::RequirementMissingShallMust => "The body has no uppercase SHALL or MUST.",
        Code::RequirementNoScenario => "No scenario with a body.",
        Code::RequirementTooLong => "Body text longer than 500 characters.",
        Code::ScenarioWrongLevel => "`### Scenario:`, `##### Scenario:`, `- Scenario:` or `**Scenario:**`: something meant as a scenario that OpenSpec cannot see.",
        Code::ScenarioEmpty => "A scenario heading with no body (OpenSpec silently does not count it).",
        Code::ScenarioMissingWhen => "A scenario has steps but no WHEN.",
        Code::ScenarioMissingThen => "A scenario has steps but no THEN.",
        Code::ScenarioStepOrder => "A GIVEN after a WHEN or THEN, or a WHEN after a THEN.",
        Code::ScenarioDuplicate => "Two scenarios of one requirement share a name.",
        Code::Rfc2119LowercaseKeyword => "Lowercase must/shall/should/may in a requirement body (outside code spans).",
        Code::DeltaNoSections => "No delta section.",
        Code::DeltaEmpty => "Delta sections but no entry parsed.",
        Code::DeltaOrphanRequirement => "`### Requirement:` outside the four delta sections.",
        Code::DeltaUnpairedRename => "A FROM without TO or a TO without FROM.",
        Code::DeltaConflict => "One name in two operations, duplicate FROM/TO, MODIFIED of a renamed-away name, RENAMED TO equal to an ADDED.",
        Code::DeltaUnknownTarget => "MODIFIED, REMOVED or RENAMED FROM names no requirement of the main spec, the main spec does not exist, or it is structurally invalid; the message suggests the nearest name.",
        Code::DeltaAlreadyExists => "ADDED (or RENAMED TO) names a requirement the main spec already has.",
        Code::DeltaDropsScenarios => "A MODIFIED block omits scenarios the current requirement has.",
        Code::ChangeNoDeltas => "No delta entry and no `skip_specs: true`.",
        Code::ChangeMisplacedDelta => "`specs/spec.md`, or delta sections in another file under `specs/`.",
        Code::ChangeSkipSpecsConflict => "`skip_specs: true` with files under `specs/`, or metadata too invalid to honour the marker.",
        Code::ChangeNested => "A folder under `changes/` that only wraps other change folders.",
        Code::ProposalMissingWhy => "No `Why` section, or an empty one.",
        Code::ProposalWhyLength => "Why shorter than 50 or longer than 1000 characters.",
        Code::ProposalMissingWhatChanges => "No `What Changes` section, or an empty one.",
        Code::ProposalUnknownCapability => "A capability under Modified Capabilities has no main spec, or one under New Capabilities already has one.",
        Code::TasksNoCheckboxes => "List items but no checkbox.",
        Code::TasksGroupMismatch => "A task id's first number differs from its `## N.` group.",
        Code::TasksDuplicateId => "The same task id twice.",
        Code::TasksUnknownDependency => "A dependency names no task or group.",
        Code::TasksDependencyCycle => "Dependencies form a cycle (reported on each edge, listing the cycle).",
        Code::TasksDoneBeforeDependency => "A checked task depends on an unchecked one.",
        Code::TasksBrokenAcceptanceLink => "An acceptance link's file is not in the workspace, it has no anchor, its anchor names no heading, or the heading is not a requirement or scenario.",
        Code::TasksUnlinkedAcceptance => "An `Acceptance:` item with no link.",
        Code::TasksNoAcceptance => "A top-level task without acceptance criteria, where other tasks of the file have some.",
        Code::TasksUncoveredScenario => "A scenario of the change's ADDED/MODIFIED requirements that no task links (reported on the scenario).",
        Code::ArchiveIncompleteTasks => "An archived change has unchecked tasks (one diagnostic per file, on the first open task).",
        Code::FileNotUtf8 => "The file is not valid UTF-8; it is read with replacement characters and still analysed.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code has a row in docs/rules.md, and its summary is that
    /// row's "fires when" text (less the fix), so neither drifts alone.
    #[test]
    fn summaries_follow_the_rules_table() {
        let doc = include_str!("../../../docs/rules.md");
        for &code in Code::ALL {
            let row = doc
                .lines()
                .find(|l| l.starts_with(&format!("| `{}` |", code.as_str())))
                .unwrap_or_else(|| panic!("docs/rules.md has no row for {}", code.as_str()));
            let when = row.split(" | ").nth(2).unwrap_or("");
            let summary = summary(code).trim_end_matches('.');
            let summary = summary[..1].to_lowercase() + &summary[1..];
            assert!(
                when.starts_with(&summary)
                    || when.to_lowercase().starts_with(&summary.to_lowercase()),
                "{}: the summary {summary:?} is not the start of the table's text {when:?}",
                code.as_str()
            );
        }
    }
}
