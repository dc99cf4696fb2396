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
        Code::RequirementNotARequirementHeader => "A heading directly under Requirements that is not `### Requirement:` and has no scenario (OpenSpec reads it as a requirement and fails it), or a `###` in ADDED/MODIFIED that is not `### Requirement:` (OpenSpec ignores it).",
        Code::RequirementMissingPrefix => "A heading directly under Requirements that OpenSpec validates as a requirement with scenarios, but that lacks the `Requirement:` prefix, so no change can MODIFY, REMOVE or RENAME it.",
        Code::RequirementDuplicate => "Two requirements of a spec, or two entries of one delta section, share a name.",
        Code::RequirementMissingText => "A requirement has no body text (or SHALL/MUST only in its header).",
        Code::RequirementMissingShallMust => "The body has no uppercase SHALL or MUST.",
        Code::RequirementNoScenario => "No scenario with a body.",
        Code::RequirementTooLong => "Body text longer than 500 characters.",
        Code::ScenarioWrongLevel => "`### Scenario:`, `##### Scenario:`, `- Scenario:` or `**Scenario:**`: something meant as a scenario that OpenSpec cannot see; also a `#### Scenario:` outside every requirement (under a `## Scenarios` section, say).",
        Code::ScenarioEmpty => "A scenario heading with no body (OpenSpec silently does not count it).",
        Code::ScenarioMissingWhen => "A scenario has steps but no WHEN.",
        Code::ScenarioMissingThen => "A scenario has steps but no THEN.",
        Code::ScenarioStepOrder => "A GIVEN after a WHEN or THEN, or a WHEN after a THEN.",
        Code::ScenarioDuplicate => "Two scenarios of one requirement share a name.",
        Code::Rfc2119LowercaseKeyword => "Lowercase must/shall/should in a requirement body that has no uppercase RFC 2119 keyword (not in code, quotes, block quotes or rationale paragraphs such as `Why:`).",
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
        Code::ChangeOverlap => "Two active changes MODIFY, REMOVE or RENAME the same requirement of one capability, or ADD (or RENAME TO) the same name to it; reported on each entry, naming the other change.",
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
        Code::SpeckitNeedsClarification => "Each `[NEEDS CLARIFICATION: …]` left in spec.md or plan.md (not in fenced code, HTML comments or the old template's guidance lines).",
        Code::SpeckitTooManyClarifications => "The 4th and later clarification markers of one spec.md (the template allows 3).",
        Code::SpeckitPlaceholder => "An unfilled template token (`[FEATURE NAME]`, `[###-feature-name]`, `[DATE]`, `[PRINCIPLE_1_NAME]`-style tokens, `TODO`/`TKTK`/`???`) in spec, plan or constitution.",
        Code::SpeckitStoryWithoutScenarios => "A `### User Story N` with no acceptance scenario (`**Given**`/`**When**`/`**Then**` item).",
        Code::SpeckitDuplicateId => "An `FR-`, `SC-`, user story number or `CHK` id defined twice in one feature.",
        Code::SpeckitRequirementNoKeyword => "An `FR-###` whose text has no uppercase MUST, SHALL, SHOULD or MAY.",
        Code::SpeckitVagueTerm => "A vague adjective (fast, scalable, secure, robust, intuitive, user-friendly, …) on an FR or SC line with no number or unit on that line.",
        Code::SpeckitUnknownRequirement => "An `FR-`/`SC-` reference (tasks, checklists' `[Spec §FR-001]`, plan) naming no requirement of the feature's spec.md.",
        Code::SpeckitUncoveredRequirement => "An FR that no task cites, in a tasks.md that cites FR ids at all.",
        Code::SpeckitUnknownStory => "A `[USn]` label naming no user story of spec.md (when spec.md has per-story headings).",
        Code::SpeckitMissingStoryLabel => "A task in a `User Story N` phase without a `[USn]` label (not when the file has no story phases, as in the old template, nor for a gate that only runs or verifies, such as `Run the US1 tests`).",
        Code::SpeckitForbiddenStoryLabel => "A `[USn]` label in a Setup, Foundational or Polish phase.",
        Code::SpeckitStoryLabelMismatch => "`[USm]` on a task in the phase of user story n ≠ m.",
        Code::SpeckitStoryWithoutTasks => "A user story with no task labelled for it, when tasks.md exists.",
        Code::SpeckitTaskFormat => "A checkbox line in a tasks.md whose other tasks carry `T###` ids, lacking one.",
        Code::SpeckitTaskWithoutPath => "A task that changes something and names no file path.",
        Code::SpeckitParallelSameFile => "Two `[P]` tasks of one phase that both write the same file.",
        Code::SpeckitChecklistUntraced => "Under 80 % of a checklist's items carry a `[Spec §…]`, `[Gap]`, `[Ambiguity]`, `[Conflict]` or `[Assumption]` marker.",
        Code::KiroUnknownCriterion => "An id in `_Requirements: …_` or `**Validates: Requirements …**` (ranges expanded) naming no requirement N or criterion N.M of the spec (in a bugfix spec: no `1.x`/`2.x`/`3.x` line).",
        Code::KiroUncoveredCriterion => "A criterion that no task references and no design property validates, in a spec whose tasks reference criteria at all.",
        Code::KiroTaskWithoutRequirements => "A leaf task (not optional, not a checkpoint) without `_Requirements:_` where other tasks of the file have them.",
        Code::KiroUnknownProperty => "A task naming `Property k` that design.md does not define.",
        Code::KiroNumbering => "Requirement numbers repeated or skipped; criterion numbers repeated; a sub-task `N.M` not under task `N`.",
        Code::KiroParentDoneEarly => "A checked task with an unchecked required sub-task.",
        Code::KiroRequirementStructure => "A requirement with no acceptance criteria (info: no `**User Story:**`).",
        Code::KiroEars => "A criterion without an uppercase SHALL (hint: it does not begin with WHEN, IF, WHILE, WHERE or THE; IF without THEN; lowercase \"shall\").",
        Code::KiroUnknownSystem => "`THE <Name> SHALL` naming a system the spec's Glossary does not define (only when it has a Glossary).",
        Code::KiroBugfixContinue => "An Unchanged Behavior line of a bugfix spec without `SHALL CONTINUE TO`.",
        Code::KiroConfig => "`.config.kiro` is not JSON, has an unknown `specType`/`workflowType`, or a `specType` that contradicts the files present.",
        Code::KiroSteering => "Steering front matter with an unknown `inclusion`, `fileMatch` without `fileMatchPattern`, or a `#[[file:…]]` reference to a missing file.",
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
