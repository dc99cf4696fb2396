//! Rules over one feature folder: references, coverage, numbering, task
//! structure, requirement structure, EARS wording, the bugfix sections and
//! `.config.kiro`. Duplicate task numbers and `_Depends:_` ids are checked
//! by the rules every format shares (`formats::unit`).

use std::collections::{BTreeSet, HashMap};

use super::*;
use crate::formats::kiro::bugfix::BugSection;
use crate::formats::kiro::config::{SPEC_TYPES, WORKFLOW_TYPES};
use crate::formats::kiro::ears::Keyword;
use crate::formats::kiro::refs::{CriterionId, IdRef, Ref, RefLabel, RefList};
use crate::formats::kiro::tasks::TasksDoc;
use crate::formats::kiro::{FeatureSpec, SpecIndex};

/// Every finding of one feature. `requirements_text` is the text of its
/// requirements.md, which names the systems the Glossary is checked
/// against.
pub fn check_feature(spec: &FeatureSpec, requirements_text: Option<&str>) -> Vec<Finding> {
    let mut out = Vec::new();
    let ix = spec.index();
    references(spec, &ix, &mut out);
    coverage(spec, &ix, &mut out);
    if let Some(t) = &spec.tasks {
        tasks(t, &mut out);
        properties(spec, t, &mut out);
    }
    requirements(spec, requirements_text, &mut out);
    bugfix(spec, &mut out);
    config(spec, &mut out);
    out
}

/// The reference lists of the feature, with the file each sits in.
fn lists(spec: &FeatureSpec) -> Vec<(FileKind, &RefList)> {
    let mut out = Vec::new();
    if let Some(t) = &spec.tasks {
        for task in &t.tasks {
            out.extend(task.refs.iter().map(|l| (FileKind::Tasks, l)));
        }
    }
    if let Some(d) = &spec.design {
        out.extend(d.validates.iter().map(|v| (FileKind::Design, &v.list)));
    }
    out
}

fn label_name(l: &RefList) -> &'static str {
    match l.label {
        RefLabel::Requirements => "_Requirements:_",
        RefLabel::Validates => "Validates:",
    }
}

fn references(spec: &FeatureSpec, ix: &SpecIndex, out: &mut Vec<Finding>) {
    if !spec.has_criteria_source() {
        return;
    }
    let doc = if spec.requirements.is_some() {
        "requirements.md"
    } else {
        "bugfix.md"
    };
    let unknown = |file, r: &IdRef, l: &RefList| {
        let what = match r.id.item {
            Some(_) => "criterion",
            None => "requirement",
        };
        Finding::new(
            UNKNOWN_CRITERION,
            Severity::Error,
            file,
            r.span,
            format!(
                "{} names {what} {}, which {doc} does not define: cite an id it defines, or add the criterion to {doc}",
                label_name(l),
                r.id
            ),
        )
    };
    for (file, l) in lists(spec) {
        for r in &l.refs {
            match r {
                Ref::Id(i) => {
                    if !ix.resolves(i.id) {
                        out.push(unknown(file, i, l));
                    }
                }
                Ref::Range { from, to, .. } => {
                    for end in [from, to] {
                        if !ix.resolves(end.id) {
                            out.push(unknown(file, end, l));
                        }
                    }
                }
                Ref::Malformed { text, span, reason } => out.push(Finding::new(
                    UNKNOWN_CRITERION,
                    Severity::Error,
                    file,
                    *span,
                    format!("`{text}` is not a criterion id ({reason}); write ids as 2.3 or ranges as 2.1-2.4"),
                )),
            }
        }
    }
}

fn coverage(spec: &FeatureSpec, ix: &SpecIndex, out: &mut Vec<Finding>) {
    let items_of = |r: u32| ix.items_of(r);
    let mut covered: BTreeSet<CriterionId> = BTreeSet::new();
    let mut whole: BTreeSet<u32> = BTreeSet::new();
    let mut tasks_cite = false;
    for (file, l) in lists(spec) {
        for r in &l.refs {
            for id in r.ids(&items_of) {
                tasks_cite |= file == FileKind::Tasks;
                match id.id.item {
                    Some(_) => {
                        covered.insert(id.id);
                    }
                    None => {
                        whole.insert(id.id.req);
                    }
                }
            }
        }
    }
    if !tasks_cite {
        return;
    }
    let is_covered = |id: CriterionId| covered.contains(&id) || whole.contains(&id.req);
    if let Some(r) = &spec.requirements {
        for c in r.criteria() {
            if !is_covered(c.id) {
                out.push(Finding::new(
                    UNCOVERED_CRITERION,
                    Severity::Info,
                    FileKind::Requirements,
                    Span::new(c.marker.start as usize, c.text.end as usize),
                    format!(
                        "criterion {} is cited by no task and validated by no design property: add it to the _Requirements:_ line of the task that implements it",
                        c.id
                    ),
                ));
            }
        }
    }
    if let Some(b) = &spec.bugfix {
        for i in &b.items {
            if !is_covered(i.id) {
                out.push(Finding::new(
                    UNCOVERED_CRITERION,
                    Severity::Info,
                    FileKind::Bugfix,
                    i.id_span,
                    format!(
                        "{} is cited by no task and validated by no design property: add it to the _Requirements:_ line of the task that implements it",
                        i.id
                    ),
                ));
            }
        }
    }
}

fn tasks(t: &TasksDoc, out: &mut Vec<Finding>) {
    let f = FileKind::Tasks;
    let mut children: HashMap<usize, Vec<usize>> = HashMap::new();
    for (k, x) in t.tasks.iter().enumerate() {
        if let Some(p) = x.parent {
            children.entry(p).or_default().push(k);
        }
    }
    let any_refs = t.tasks.iter().any(|x| !x.refs.is_empty());
    let mut last_with_id: HashMap<&str, usize> = HashMap::new();
    for (k, x) in t.tasks.iter().enumerate() {
        if let Some(id) = &x.id {
            last_with_id.insert(id.text.as_str(), k);
        }
    }
    for (k, task) in t.tasks.iter().enumerate() {
        // A sub-task not under its parent number.
        if let Some(id) = &task.id {
            if let Some(p) = id.parent() {
                let in_group = task
                    .group
                    .and_then(|g| t.groups[g].number)
                    .is_some_and(|n| p == n.to_string());
                if task.parent.is_none() && !in_group {
                    out.push(Finding::new(
                        NUMBERING,
                        Severity::Warning,
                        f,
                        id.span,
                        format!(
                            "sub-task {} is not under a task {p}: move it under task {p}, or renumber it",
                            id.text
                        ),
                    ));
                }
            }
        }
        // A checked task with an unchecked required sub-task.
        if task.done() {
            if let Some(child) = children
                .get(&k)
                .into_iter()
                .flatten()
                .map(|&c| &t.tasks[c])
                .find(|c| !c.done() && c.optional.is_none())
            {
                let name = child.id.as_ref().map_or_else(
                    || "a sub-task".to_string(),
                    |i| format!("sub-task {}", i.text),
                );
                out.push(Finding::new(
                    PARENT_DONE_EARLY,
                    Severity::Warning,
                    f,
                    task.checkbox,
                    format!(
                        "this task is checked while {name} (line {}) is not: finish it first, or uncheck this task (an optional sub-task is marked `- [ ]*`)",
                        child.line + 1
                    ),
                ));
            }
        }
        // A leaf task with no references where others have them.
        let leaf = !children.contains_key(&k);
        let mut ancestor_refs = false;
        let mut a = task.parent;
        while let Some(p) = a {
            ancestor_refs |= !t.tasks[p].refs.is_empty();
            a = t.tasks[p].parent;
        }
        // Kiro leaves the line of a task it ticks above an unticked copy
        // (`- [x] 7. Add damage` over `- [ ] 7. Add damage` and its
        // details): the copy below is the task; tasks/duplicate-id
        // reports the pair.
        let copied_below = task
            .id
            .as_ref()
            .is_some_and(|id| last_with_id.get(id.text.as_str()).is_some_and(|&j| j > k));
        if any_refs
            && leaf
            && !copied_below
            && task.id.is_some()
            && task.optional.is_none()
            && !task.checkpoint
            && task.refs.is_empty()
            && !ancestor_refs
        {
            out.push(Finding::new(
                TASK_WITHOUT_REQUIREMENTS,
                Severity::Info,
                f,
                task.title,
                "this task cites no requirement (add a `_Requirements: 1.1_` line)",
            ));
        }
    }
}

fn properties(spec: &FeatureSpec, t: &TasksDoc, out: &mut Vec<Finding>) {
    let Some(d) = &spec.design else { return };
    let defined: BTreeSet<u32> = d.properties.iter().map(|p| p.number).collect();
    for task in &t.tasks {
        for p in &task.properties {
            if !defined.contains(&p.number) {
                out.push(Finding::new(
                    UNKNOWN_PROPERTY,
                    Severity::Error,
                    FileKind::Tasks,
                    p.span,
                    format!(
                        "design.md defines no Property {}: name a property design.md defines, or add it there",
                        p.number
                    ),
                ));
            }
        }
    }
}

fn requirements(spec: &FeatureSpec, text: Option<&str>, out: &mut Vec<Finding>) {
    let Some(r) = &spec.requirements else { return };
    let f = FileKind::Requirements;
    for h in &r.bad_headings {
        out.push(Finding::new(
            NUMBERING,
            Severity::Warning,
            f,
            *h,
            "this requirement's number cannot be read (numbers run from 1)",
        ));
    }
    // A lowercase "shall" is worth a word only beside capital ones: a spec
    // written all in lowercase (cc-sdd's Title-case EARS) follows its own
    // convention, and a hint on each of its criteria would be noise.
    let capitals = r
        .requirements
        .iter()
        .flat_map(|q| &q.criteria)
        .any(|c| c.ears.shall.is_some());
    let mut seen = BTreeSet::new();
    let mut last = 0;
    for req in &r.requirements {
        if !seen.insert(req.number) {
            out.push(Finding::new(
                NUMBERING,
                Severity::Warning,
                f,
                req.number_span,
                format!(
                    "Requirement {} is numbered again: give it the next free number",
                    req.number
                ),
            ));
        } else if req.number != last + 1 {
            let msg = if req.number > last + 1 {
                format!(
                    "Requirement {} follows Requirement {last}: numbers are skipped, and _Requirements:_ ids depend on them; number the requirements without gaps",
                    req.number
                )
            } else {
                format!(
                    "Requirement {} follows Requirement {last}: numbers run backwards",
                    req.number
                )
            };
            out.push(Finding::new(
                NUMBERING,
                Severity::Warning,
                f,
                req.number_span,
                msg,
            ));
        }
        last = last.max(req.number);
        let mut items = BTreeSet::new();
        for c in &req.criteria {
            let item = c.id.item.unwrap_or(0);
            if !items.insert(item) {
                out.push(Finding::new(
                    NUMBERING,
                    Severity::Warning,
                    f,
                    c.number_span,
                    format!(
                        "criterion {} is numbered again: number the criteria 1, 2, 3 …",
                        c.id
                    ),
                ));
            }
            if let Some(w) = c.written_req.filter(|&w| w != req.number) {
                out.push(Finding::new(
                    NUMBERING,
                    Severity::Warning,
                    f,
                    c.number_span,
                    format!(
                        "written as {w}.{item} under Requirement {}, where it reads as {}",
                        req.number, c.id
                    ),
                ));
            }
        }
        if req.criteria.is_empty() {
            out.push(Finding::new(
                REQUIREMENT_STRUCTURE,
                Severity::Warning,
                f,
                req.heading,
                format!(
                    "Requirement {} has no numbered acceptance criteria: add them under \"#### Acceptance Criteria\" as \"1. WHEN … THE <System> SHALL …\"",
                    req.number
                ),
            ));
        } else if req.user_story.is_none() {
            out.push(Finding::new(
                REQUIREMENT_STRUCTURE,
                Severity::Info,
                f,
                req.heading,
                format!(
                    "Requirement {} has no **User Story:**: add \"**User Story:** As a …, I want …, so that …\"",
                    req.number
                ),
            ));
        }
        for c in &req.criteria {
            ears(&c.ears, c.text, c.id, capitals, out);
            if let (Some(g), Some(text), Some(sys)) = (&r.glossary, text, c.ears.system) {
                let name = text.get(sys.range()).unwrap_or("");
                // `THE System SHALL` is EARS's generic subject, not a name.
                let generic = name.eq_ignore_ascii_case("system");
                if c.ears.system_after_upper_the && !generic && !name.is_empty() && !g.defines(name)
                {
                    out.push(Finding::new(
                        UNKNOWN_SYSTEM,
                        Severity::Hint,
                        f,
                        sys,
                        format!("`{name}` is not defined in the Glossary: add it there, or use a system name the Glossary defines"),
                    ));
                }
            }
        }
    }
}

/// EARS wording: only a criterion with no SHALL at all is a warning, so
/// wording never buries the reference findings.
fn ears(
    e: &crate::formats::kiro::ears::Ears,
    text: Span,
    id: CriterionId,
    capitals: bool,
    out: &mut Vec<Finding>,
) {
    let f = FileKind::Requirements;
    if text.start == text.end || e.localised_shall.is_some() {
        return;
    }
    if e.shall.is_none() && e.lowercase_shall.is_none() {
        out.push(Finding::new(
            EARS,
            Severity::Warning,
            f,
            text,
            format!(
                "criterion {id} has no SHALL: EARS states the response as `THE <System> SHALL …`"
            ),
        ));
        return;
    }
    if e.shall.is_none() && capitals {
        if let Some(s) = e.lowercase_shall {
            out.push(Finding::new(
                EARS,
                Severity::Hint,
                f,
                s,
                "EARS writes SHALL in capitals, as the other criteria of this spec do",
            ));
        }
    }
    if !e.leading_keyword {
        out.push(Finding::new(
            EARS,
            Severity::Hint,
            f,
            Span::new(text.start as usize, text.start as usize),
            format!("criterion {id} does not begin with WHEN, IF, WHILE, WHERE or THE: write it as an EARS sentence, e.g. \"WHEN … THE <System> SHALL …\""),
        ));
    }
    if let Some(c) = e
        .clauses
        .iter()
        .find(|c| c.keyword == Keyword::If && c.uppercase)
    {
        if !e.has(Keyword::Then) {
            out.push(Finding::new(
                EARS,
                Severity::Hint,
                f,
                c.keyword_span,
                "IF without THEN: EARS writes `IF <condition>, THEN THE <System> SHALL …`",
            ));
        }
    }
}

fn bugfix(spec: &FeatureSpec, out: &mut Vec<Finding>) {
    let Some(b) = &spec.bugfix else { return };
    let f = FileKind::Bugfix;
    let mut first: HashMap<CriterionId, u32> = HashMap::new();
    for i in &b.items {
        let by_number = BugSection::of_number(i.id.req);
        let misplaced = match (i.section, by_number) {
            (Some(s), Some(n)) if s != n => Some(s),
            _ => None,
        };
        if let Some(s) = misplaced {
            out.push(Finding::new(
                NUMBERING,
                Severity::Warning,
                f,
                i.id_span,
                format!(
                    "{} sits under {}, whose lines are numbered {}.x",
                    i.id,
                    section_name(s),
                    section_number(s)
                ),
            ));
        } else if let Some(line) = first.get(&i.id) {
            // A number out of its section is reported there once; the line
            // in the right section that bears it again is not a repeat.
            out.push(Finding::new(
                NUMBERING,
                Severity::Warning,
                f,
                i.id_span,
                format!(
                    "{} is numbered again (first on line {}): give it the next free number",
                    i.id,
                    line + 1
                ),
            ));
        } else {
            first.insert(i.id, i.line);
        }
        let unchanged = i.section.or(by_number) == Some(BugSection::Unchanged);
        if unchanged && i.ears.continue_to.is_none() {
            out.push(Finding::new(
                BUGFIX_CONTINUE,
                Severity::Hint,
                f,
                i.text,
                "unchanged behaviour is written `… THEN the system SHALL CONTINUE TO …`",
            ));
        }
    }
}

fn section_name(s: BugSection) -> &'static str {
    match s {
        BugSection::Current => "Current Behavior",
        BugSection::Expected => "Expected Behavior",
        BugSection::Unchanged => "Unchanged Behavior",
    }
}

fn section_number(s: BugSection) -> u32 {
    match s {
        BugSection::Current => 1,
        BugSection::Expected => 2,
        BugSection::Unchanged => 3,
    }
}

fn config(spec: &FeatureSpec, out: &mut Vec<Finding>) {
    let Some(c) = &spec.config else { return };
    let f = FileKind::Config;
    let c = match c {
        Ok(c) => c,
        Err(p) => {
            out.push(Finding::new(
                CONFIG,
                Severity::Error,
                f,
                p.span,
                p.message.clone(),
            ));
            return;
        }
    };
    for (field, name, allowed) in [
        (&c.spec_type, "specType", SPEC_TYPES),
        (&c.workflow_type, "workflowType", WORKFLOW_TYPES),
    ] {
        let Some(v) = field else { continue };
        if !v.string || !allowed.contains(&v.value.as_str()) {
            out.push(Finding::new(
                CONFIG,
                Severity::Error,
                f,
                v.span,
                format!(
                    "unknown {name} {}: expected {}",
                    v.value,
                    allowed.join(" or ")
                ),
            ));
        }
    }
    if let Some(t) = &c.spec_type {
        let contradiction = match t.value.as_str() {
            "bugfix" => spec.bugfix.is_none() && spec.requirements.is_some(),
            "feature" => spec.requirements.is_none() && spec.bugfix.is_some(),
            _ => false,
        };
        if contradiction {
            let (has, lacks) = if t.value == "bugfix" {
                ("requirements.md", "bugfix.md")
            } else {
                ("bugfix.md", "requirements.md")
            };
            out.push(Finding::new(
                CONFIG,
                Severity::Error,
                f,
                t.span,
                format!(
                    "specType {} but the folder has {has} and no {lacks}",
                    t.value
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::kiro::read;

    /// The findings for a feature made of `files`, as `code text-at-span`,
    /// only those with `code`.
    fn run(files: &[(FileKind, &str)], code: &str) -> Vec<String> {
        let mut spec = FeatureSpec::default();
        for (k, t) in files {
            spec.add(read(*k, t).unwrap());
        }
        let req_text = files
            .iter()
            .find(|(k, _)| *k == FileKind::Requirements)
            .map(|(_, t)| *t);
        check_feature(&spec, req_text)
            .into_iter()
            .filter(|f| f.code == code)
            .map(|f| {
                let text = files.iter().find(|(k, _)| *k == f.file).unwrap().1;
                format!("{:?} {}", f.severity, &text[f.span.range()])
            })
            .collect()
    }

    const REQ: &str = "## Glossary\n\n- **Auth_Service**: issues tokens\n\n## Requirements\n\n### Requirement 1: Sign in\n\n**User Story:** As a user, I sign in\n\n#### Acceptance Criteria\n\n1. WHEN a user signs in, THE Auth_Service SHALL issue a token\n2. THE Auth_Service SHALL log the attempt\n\n### Requirement 2: Sign out\n\n**User Story:** As a user, I sign out\n\n#### Acceptance Criteria\n\n1. WHEN a user signs out, THE Auth_Service SHALL revoke the token\n";

    use FileKind::{Bugfix as B, Config as C, Design as D, Requirements as R, Tasks as T};

    #[test]
    fn unknown_criterion() {
        let tasks = "- [ ] 1. Build\n  - _Requirements: 1.1, 1.3, 3, 1.1-1.4, 1., 2_\n";
        assert_eq!(
            run(&[(R, REQ), (T, tasks)], UNKNOWN_CRITERION),
            ["Error 1.3", "Error 3", "Error 1.4", "Error 1."]
        );
        let design = "### Property 1: Tokens\n**Validates: Requirements 2.2**\n";
        assert_eq!(
            run(&[(R, REQ), (D, design)], UNKNOWN_CRITERION),
            ["Error 2.2"]
        );
        let ok = "- [ ] 1. Build\n  - _Requirements: 1.1-1.2, 2_\n";
        assert!(run(&[(R, REQ), (T, ok)], UNKNOWN_CRITERION).is_empty());
        // Without a requirements.md nothing can be resolved, so nothing is said.
        assert!(run(&[(T, tasks)], UNKNOWN_CRITERION).is_empty());
    }

    #[test]
    fn unknown_criterion_in_a_bugfix_spec() {
        let bug = "### Current Behavior (Defect)\n1.1 WHEN x THEN y\n### Expected Behavior (Correct)\n2.1 WHEN x THEN the system SHALL z\n";
        let tasks = "- [ ] 1. Fix\n  - _Requirements: 1.1, 2.1, 2.2, 3_\n";
        assert_eq!(
            run(&[(B, bug), (T, tasks)], UNKNOWN_CRITERION),
            ["Error 2.2", "Error 3"]
        );
    }

    #[test]
    fn uncovered_criterion() {
        let tasks = "- [ ] 1. Build\n  - _Requirements: 1.1_\n";
        assert_eq!(
            run(&[(R, REQ), (T, tasks)], UNCOVERED_CRITERION),
            [
                "Info 2. THE Auth_Service SHALL log the attempt",
                // (the second requirement's first criterion)
                "Info 1. WHEN a user signs out, THE Auth_Service SHALL revoke the token"
            ]
        );
        // A design property covers what it validates; a whole requirement
        // covers its criteria.
        let design = "### Property 1: Logs\n**Validates: Requirements 1.2**\n";
        let tasks = "- [ ] 1. Build\n  - _Requirements: 1.1, 2_\n";
        assert!(run(&[(R, REQ), (T, tasks), (D, design)], UNCOVERED_CRITERION).is_empty());
        // Tasks that cite nothing: coverage is not asked for.
        assert!(run(&[(R, REQ), (T, "- [ ] 1. Build\n")], UNCOVERED_CRITERION).is_empty());
    }

    #[test]
    fn task_without_requirements() {
        let tasks = "- [ ] 1. Build\n  - _Requirements: 1.1_\n- [ ] 2. Parent\n- [ ] 2.1 Leaf\n- [ ]* 2.2 Optional\n- [ ] 3. Checkpoint - Ensure all tests pass\n- [ ] 4. Parent with refs\n  - _Requirements: 2.1_\n- [ ] 4.1 Covered by its parent\n";
        assert_eq!(
            run(&[(R, REQ), (T, tasks)], TASK_WITHOUT_REQUIREMENTS),
            ["Info Leaf"]
        );
        assert!(run(
            &[(R, REQ), (T, "- [ ] 1. A\n- [ ] 2. B\n")],
            TASK_WITHOUT_REQUIREMENTS
        )
        .is_empty());
    }

    #[test]
    fn unknown_property() {
        let design = "### Property 1: Tokens\n";
        let tasks = "- [ ]* 1.1 Test\n  - **Property 1: Tokens**\n- [ ]* 1.2 Test\n  - **Property 2: Missing**\n";
        assert_eq!(
            run(&[(D, design), (T, tasks)], UNKNOWN_PROPERTY),
            ["Error 2"]
        );
        assert!(run(&[(T, tasks)], UNKNOWN_PROPERTY).is_empty());
    }

    #[test]
    fn numbering() {
        let req = "### Requirement 1\n#### Acceptance Criteria\n1. THE A SHALL b\n1. THE A SHALL c\n### Requirement 3\n#### Acceptance Criteria\n2.1. THE A SHALL d\n### Requirement 3\n#### Acceptance Criteria\n1. THE A SHALL e\n### Requirement 0\n";
        assert_eq!(
            run(&[(R, req)], NUMBERING),
            [
                "Warning ### Requirement 0",
                "Warning 1",
                "Warning 3",
                "Warning 1",
                "Warning 3"
            ]
        );
        let tasks = "- [ ] 1. A\n- [ ] 2.1 Orphan\n### 3. Group\n- [ ] 3.1 In its group\n";
        assert_eq!(run(&[(T, tasks)], NUMBERING), ["Warning 2.1"]);
        assert!(run(&[(R, REQ)], NUMBERING).is_empty());
        // A line out of its section is reported once, there; the line in
        // the right section that bears its number is no repeat.
        let bug = "### Current Behavior (Defect)\n**1.1** WHEN a THEN b\n**2.1** WHEN c THEN d\n### Expected Behavior (Correct)\n**2.1** WHEN c THEN the system SHALL e\n**2.1** WHEN f THEN the system SHALL g\n";
        assert_eq!(run(&[(B, bug)], NUMBERING), ["Warning 2.1"; 2]);
    }

    #[test]
    fn parent_done_early() {
        let tasks = "- [x] 1. A\n- [ ] 1.1 B\n- [x] 2. C\n- [x] 2.1 D\n- [ ]* 2.2 Optional\n";
        assert_eq!(run(&[(T, tasks)], PARENT_DONE_EARLY), ["Warning [x]"]);
        assert!(run(&[(T, "- [ ] 1. A\n- [ ] 1.1 B\n")], PARENT_DONE_EARLY).is_empty());
    }

    #[test]
    fn requirement_structure() {
        let req = "### Requirement 1: Empty\n\n**User Story:** As a user\n\n### Requirement 2: No story\n#### Acceptance Criteria\n1. THE A SHALL b\n";
        assert_eq!(
            run(&[(R, req)], REQUIREMENT_STRUCTURE),
            [
                "Warning ### Requirement 1: Empty",
                "Info ### Requirement 2: No story"
            ]
        );
        assert!(run(&[(R, REQ)], REQUIREMENT_STRUCTURE).is_empty());
    }

    #[test]
    fn ears() {
        let req = "### Requirement 1\n**User Story:** x\n#### Acceptance Criteria\n1. Users can sign in\n2. WHEN x, the system shall y\n3. Tokens: THE A SHALL b\n4. IF x, THE A SHALL y\n5. WHEN x\n   THE A SHALL y on the next line\n";
        assert_eq!(
            run(&[(R, req)], EARS),
            [
                "Warning Users can sign in",
                "Hint shall",
                "Hint ",
                "Hint IF"
            ]
        );
        assert!(run(&[(R, REQ)], EARS).is_empty());
        // All in lowercase: the spec's own convention, not a slip.
        let lower = "### Requirement 1\n**User Story:** x\n#### Acceptance Criteria\n1. WHEN x, The System shall y\n2. The System shall z\n";
        assert!(run(&[(R, lower)], EARS).is_empty());
        let ja = "### Requirement 1\n**User Story:** x\n#### Acceptance Criteria\n1. タスクが作成されたとき、システムは一意のIDを割り当てること\n";
        assert!(run(&[(R, ja)], EARS).is_empty());
    }

    #[test]
    fn unknown_system() {
        let req = REQ.replace("THE Auth_Service SHALL log", "THE Audit_Log SHALL log");
        assert_eq!(run(&[(R, &req)], UNKNOWN_SYSTEM), ["Hint Audit_Log"]);
        assert!(run(&[(R, REQ)], UNKNOWN_SYSTEM).is_empty());
        let generic = REQ.replace("THE Auth_Service SHALL log", "THE System SHALL log");
        assert!(run(&[(R, &generic)], UNKNOWN_SYSTEM).is_empty());
        // No Glossary: nothing to check against.
        let bare = "### Requirement 1\n#### Acceptance Criteria\n1. THE Anything SHALL x\n";
        assert!(run(&[(R, bare)], UNKNOWN_SYSTEM).is_empty());
    }

    #[test]
    fn bugfix_continue() {
        let bug = "### Unchanged Behavior (Regression Prevention)\n3.1 WHEN a THEN the system SHALL CONTINUE TO b\n3.2 WHEN c THEN the system SHALL d\n";
        assert_eq!(
            run(&[(B, bug)], BUGFIX_CONTINUE),
            ["Hint WHEN c THEN the system SHALL d"]
        );
        let ok = "### Unchanged Behavior\n3.1 WHEN a THEN the system SHALL CONTINUE TO b\n";
        assert!(run(&[(B, ok)], BUGFIX_CONTINUE).is_empty());
    }

    #[test]
    fn config() {
        let bad = "{\"specType\": \"hotfix\", \"workflowType\": \"tasks-first\"}";
        assert_eq!(
            run(&[(C, bad)], CONFIG),
            ["Error \"hotfix\"", "Error \"tasks-first\""]
        );
        let contra = "{\"specType\": \"bugfix\", \"workflowType\": \"requirements-first\"}";
        assert_eq!(run(&[(C, contra), (R, REQ)], CONFIG), ["Error \"bugfix\""]);
        assert_eq!(run(&[(C, "{oops")], CONFIG).len(), 1);
        let ok = "{\"specId\": \"0c38089a-31c5-498a-a2d2-bf050638276c\", \"workflowType\": \"design-first\", \"specType\": \"feature\"}";
        assert!(run(&[(C, ok), (R, REQ)], CONFIG).is_empty());
    }

    /// Findings carry their code's default severity from `diagnostic.rs`,
    /// except the two downgrades the rules table documents.
    #[test]
    fn findings_have_their_codes_default_severity() {
        let req = "### Requirement 1\n#### Acceptance Criteria\n1. Users can sign in\n2. when x, the system shall y\n### Requirement 3\n";
        let tasks = "- [x] 1. A\n  - _Requirements: 1.9_\n  - **Property 4: x**\n- [ ] 1.1 B\n- [ ] 2.1 C\n- [ ] 3. D\n";
        let design = "### Property 1: P\n**Validates: Requirements 1.1**\n";
        let bug = "### Unchanged Behavior\n3.1 WHEN a THEN the system SHALL b\n";
        let mut spec = FeatureSpec::default();
        for (k, t) in [(R, req), (T, tasks), (D, design), (B, bug), (C, "{oops")] {
            spec.add(read(k, t).unwrap());
        }
        let found = check_feature(&spec, Some(req));
        let codes: BTreeSet<_> = found.iter().map(|f| f.code).collect();
        assert!(codes.len() >= 8, "{codes:?}");
        for f in &found {
            let code = crate::diagnostic::Code::parse(f.code).unwrap();
            let downgraded = matches!(
                (f.code, f.severity),
                (REQUIREMENT_STRUCTURE, Severity::Info) | (EARS, Severity::Hint)
            );
            assert!(
                downgraded || f.severity == code.default_severity(),
                "{} {:?}",
                f.code,
                f.severity
            );
        }
    }
}
