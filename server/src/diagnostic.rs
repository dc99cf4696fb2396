//! Diagnostics as plain values: a rule's stable code (dialect section 4),
//! its severity, and where it points. The rules produce them; the editor
//! features (quick fixes), the configuration and the front ends read them,
//! so they sit below all of those and know nothing of how they are found.

use crate::model::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    Info,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Hint => "hint",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Some(match s {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            "info" => Severity::Info,
            "hint" => Severity::Hint,
            _ => return None,
        })
    }
}

macro_rules! codes {
    ($($variant:ident = $name:literal, $sev:ident;)*) => {
        /// A rule's stable code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $($variant),* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name),* }
            }

            pub fn default_severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$sev),* }
            }

            pub fn parse(s: &str) -> Option<Code> {
                match s { $($name => Some(Code::$variant),)* _ => None }
            }
        }
    };
}

codes! {
    SpecMissingPurpose = "spec/missing-purpose", Error;
    SpecMissingRequirements = "spec/missing-requirements", Error;
    SpecNoRequirements = "spec/no-requirements", Error;
    SpecPurposeTooShort = "spec/purpose-too-short", Warning;
    SpecPurposePlaceholder = "spec/purpose-placeholder", Warning;
    SpecDeltaHeaderInMainSpec = "spec/delta-header-in-main-spec", Error;
    RequirementOutsideSection = "requirement/outside-section", Error;
    RequirementNotARequirementHeader = "requirement/not-a-requirement-header", Error;
    RequirementMissingPrefix = "requirement/missing-prefix", Warning;
    RequirementDuplicate = "requirement/duplicate", Error;
    RequirementMissingText = "requirement/missing-text", Error;
    RequirementMissingShallMust = "requirement/missing-shall-must", Warning;
    RequirementNoScenario = "requirement/no-scenario", Error;
    RequirementTooLong = "requirement/too-long", Info;
    ScenarioWrongLevel = "scenario/wrong-level", Error;
    ScenarioEmpty = "scenario/empty", Warning;
    ScenarioMissingWhen = "scenario/missing-when", Warning;
    ScenarioMissingThen = "scenario/missing-then", Warning;
    ScenarioStepOrder = "scenario/step-order", Info;
    ScenarioDuplicate = "scenario/duplicate", Warning;
    Rfc2119LowercaseKeyword = "rfc2119/lowercase-keyword", Hint;
    DeltaNoSections = "delta/no-sections", Error;
    DeltaEmpty = "delta/empty", Error;
    DeltaOrphanRequirement = "delta/orphan-requirement", Warning;
    DeltaUnpairedRename = "delta/unpaired-rename", Error;
    DeltaConflict = "delta/conflict", Error;
    DeltaUnknownTarget = "delta/unknown-target", Error;
    DeltaAlreadyExists = "delta/already-exists", Error;
    DeltaDropsScenarios = "delta/drops-scenarios", Error;
    ChangeNoDeltas = "change/no-deltas", Error;
    ChangeMisplacedDelta = "change/misplaced-delta", Error;
    ChangeSkipSpecsConflict = "change/skip-specs-conflict", Error;
    ChangeNested = "change/nested", Error;
    ChangeOverlap = "change/overlap", Warning;
    ProposalMissingWhy = "proposal/missing-why", Warning;
    ProposalWhyLength = "proposal/why-length", Warning;
    ProposalMissingWhatChanges = "proposal/missing-what-changes", Warning;
    ProposalUnknownCapability = "proposal/unknown-capability", Warning;
    TasksNoCheckboxes = "tasks/no-checkboxes", Warning;
    TasksGroupMismatch = "tasks/group-mismatch", Warning;
    TasksDuplicateId = "tasks/duplicate-id", Warning;
    TasksUnknownDependency = "tasks/unknown-dependency", Error;
    TasksDependencyCycle = "tasks/dependency-cycle", Error;
    TasksDoneBeforeDependency = "tasks/done-before-dependency", Warning;
    TasksBrokenAcceptanceLink = "tasks/broken-acceptance-link", Error;
    TasksUnlinkedAcceptance = "tasks/unlinked-acceptance", Warning;
    TasksNoAcceptance = "tasks/no-acceptance", Info;
    TasksUncoveredScenario = "tasks/uncovered-scenario", Info;
    ArchiveIncompleteTasks = "archive/incomplete-tasks", Warning;
    FileNotUtf8 = "file/not-utf8", Warning;
    SpeckitNeedsClarification = "speckit/needs-clarification", Info;
    SpeckitTooManyClarifications = "speckit/too-many-clarifications", Warning;
    SpeckitPlaceholder = "speckit/placeholder", Warning;
    SpeckitStoryWithoutScenarios = "speckit/story-without-scenarios", Warning;
    SpeckitDuplicateId = "speckit/duplicate-id", Error;
    SpeckitRequirementNoKeyword = "speckit/requirement-no-keyword", Warning;
    SpeckitVagueTerm = "speckit/vague-term", Hint;
    SpeckitUnknownRequirement = "speckit/unknown-requirement", Error;
    SpeckitUncoveredRequirement = "speckit/uncovered-requirement", Info;
    SpeckitUnknownStory = "speckit/unknown-story", Error;
    SpeckitMissingStoryLabel = "speckit/missing-story-label", Warning;
    SpeckitForbiddenStoryLabel = "speckit/forbidden-story-label", Warning;
    SpeckitStoryLabelMismatch = "speckit/story-label-mismatch", Warning;
    SpeckitStoryWithoutTasks = "speckit/story-without-tasks", Info;
    SpeckitTaskFormat = "speckit/task-format", Warning;
    SpeckitTaskWithoutPath = "speckit/task-without-path", Hint;
    SpeckitParallelSameFile = "speckit/parallel-same-file", Warning;
    SpeckitChecklistUntraced = "speckit/checklist-untraced", Info;
    KiroUnknownCriterion = "kiro/unknown-criterion", Error;
    KiroUncoveredCriterion = "kiro/uncovered-criterion", Info;
    KiroTaskWithoutRequirements = "kiro/task-without-requirements", Info;
    KiroUnknownProperty = "kiro/unknown-property", Error;
    KiroNumbering = "kiro/numbering", Warning;
    KiroParentDoneEarly = "kiro/parent-done-early", Warning;
    KiroRequirementStructure = "kiro/requirement-structure", Warning;
    KiroEars = "kiro/ears", Warning;
    KiroUnknownSystem = "kiro/unknown-system", Hint;
    KiroBugfixContinue = "kiro/bugfix-continue", Hint;
    KiroConfig = "kiro/config", Error;
    KiroSteering = "kiro/steering", Error;
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    /// The file, relative to the workspace root.
    pub path: String,
    pub span: Span,
    pub message: String,
}

impl Diagnostic {
    pub fn new(code: Code, path: &str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.default_severity(),
            path: path.to_string(),
            span,
            message: message.into(),
        }
    }
}
