use super::*;
use crate::formats::kiro::read;
use crate::formats::kiro::roots::FileKind;
use crate::model::Span;

fn at(src: &str, s: Span) -> &str {
    &src[s.range()]
}

/// `(id, kind, text at id span, parent id)` of every requirement.
fn reqs<'a>(
    doc: &'a Document,
    src: &'a str,
) -> Vec<(&'a str, RequirementKind, &'a str, Option<&'a str>)> {
    doc.requirements
        .iter()
        .map(|r| {
            (
                r.id.as_str(),
                r.kind,
                at(src, r.id_span),
                r.parent.map(|p| doc.requirements[p].id.as_str()),
            )
        })
        .collect()
}

/// `(id, text at span, from_range)` of references.
fn refs<'a>(list: &'a [Reference], src: &'a str) -> Vec<(&'a str, &'a str, bool)> {
    list.iter()
        .map(|r| (r.id.as_str(), at(src, r.span), r.from_range))
        .collect()
}

use RequirementKind::{Criterion, Property, Story};

#[test]
fn g1_requirements_and_criteria_numbered_under_them() {
    let src = "# Requirements Document\n\n## Introduction\n\nSign-in.\n\n## Requirements\n\n### Requirement 1\n\n**User Story:** As a user, I want to sign in\n\n#### Acceptance Criteria\n\n1. WHEN a user enters valid credentials THEN the system SHALL sign them in\n2. IF the password is wrong THEN the system SHALL show an error\n\n### Requirement 2\n\n**User Story:** As a user, I want to sign out\n\n#### Acceptance Criteria\n\n1. WHEN a user signs out THEN the system SHALL end the session\n";
    let doc = document(&read(FileKind::Requirements, src).unwrap());
    assert_eq!(
        reqs(&doc, src),
        [
            ("1", Story, "1", None),
            ("1.1", Criterion, "1", Some("1")),
            ("1.2", Criterion, "2", Some("1")),
            ("2", Story, "2", None),
            ("2.1", Criterion, "1", Some("2")),
        ]
    );
    // A story's text is its user story; a criterion's, its statement.
    assert_eq!(
        at(src, doc.requirements[0].text),
        "**User Story:** As a user, I want to sign in"
    );
    assert_eq!(
        at(src, doc.requirements[2].text),
        "IF the password is wrong THEN the system SHALL show an error"
    );
    assert!(doc.tasks.is_empty() && doc.references.is_empty());
}

#[test]
fn g2_titles_whole_ids_properties_and_validates() {
    let src = "## Glossary\n\n- **Auth_Service**: issues tokens\n\n## Requirements\n\n### Requirement 1: Sign in\n\n**User Story:** As a user, I sign in\n\n#### Acceptance Criteria\n\n1.1 WHEN a user signs in, THE Auth_Service SHALL issue a token\n1.2 THE Auth_Service SHALL log the attempt\n";
    let doc = document(&read(FileKind::Requirements, src).unwrap());
    assert_eq!(
        reqs(&doc, src),
        [
            ("1", Story, "1", None),
            ("1.1", Criterion, "1", Some("1")),
            ("1.2", Criterion, "2", Some("1")),
        ]
    );
    assert_eq!(at(src, doc.requirements[0].title.unwrap()), "Sign in");

    let design = "## Correctness Properties\n\n### Property 1: Tokens round-trip\n\n**Validates: Requirements 1.1, 2.1-2.3**\n\n### Property 2: Logged\n\n**Validates: Requirements 1.2**\n\n## Testing Strategy\n\n- **Property 1**: tested with proptest\n";
    let doc = document(&read(FileKind::Design, design).unwrap());
    assert_eq!(
        reqs(&doc, design),
        [("1", Property, "1", None), ("2", Property, "2", None)]
    );
    assert_eq!(
        at(design, doc.requirements[0].title.unwrap()),
        "Tokens round-trip"
    );
    let targets: Vec<_> = doc.references.iter().map(|r| r.target).collect();
    // The bullet's mention of Property 1 points at its definition.
    assert_eq!(
        targets,
        [
            Target::Property,
            Target::Requirement,
            Target::Requirement,
            Target::Requirement,
            Target::Requirement,
            Target::Requirement
        ]
    );
    assert_eq!(
        refs(&doc.references, design),
        [
            ("1", "1", false),
            ("1.1", "1.1", false),
            ("2.1", "2.1", false),
            ("2.2", "2.1-2.3", true),
            ("2.3", "2.3", false),
            ("1.2", "1.2", false),
        ]
    );
}

#[test]
fn g2_tasks_state_optional_parents_links_and_properties() {
    let src = "# Implementation Plan\n\n- [ ] 1. Set up\n  - _Requirements: 1.1_\n- [-] 2. Build auth\n- [x] 2.1 Write token code\n  - _Requirements: 1.1-1.3, 2_\n- [ ]* 2.2 Property test\n  - **Property 1: Tokens round-trip**\n- [~] 3. Checkpoint - Ensure all tests pass\n";
    let doc = document(&read(FileKind::Tasks, src).unwrap());
    let tasks: Vec<_> = doc
        .tasks
        .iter()
        .map(|t| {
            (
                t.id.as_deref(),
                at(src, t.id_span.unwrap()),
                t.state,
                t.optional,
                t.parent.map(|p| doc.tasks[p].id.as_deref().unwrap()),
            )
        })
        .collect();
    use TaskState::{Done, InProgress, Open};
    assert_eq!(
        tasks,
        [
            (Some("1"), "1", Open, false, None),
            (Some("2"), "2", InProgress, false, None),
            (Some("2.1"), "2.1", Done, false, Some("2")),
            (Some("2.2"), "2.2", Open, true, Some("2")),
            (Some("3"), "3", InProgress, false, None),
        ]
    );
    assert_eq!(
        refs(&doc.tasks[2].links, src),
        [
            ("1.1", "1.1", false),
            ("1.2", "1.1-1.3", true),
            ("1.3", "1.3", false),
            ("2", "2", false)
        ]
    );
    assert_eq!(doc.tasks[3].links.len(), 1);
    assert_eq!(doc.tasks[3].links[0].target, Target::Property);
    assert_eq!(refs(&doc.tasks[3].links, src), [("1", "1", false)]);
    assert!(doc.phases.is_empty());
}

#[test]
fn cc_sdd_groups_parallel_optional_and_depends() {
    let src = "# Tasks\n\n## 1. Foundation\n\n- [x] 1.1 (P) Add dependencies\n  - _Requirements: 1.1_\n- [ ] 1.2* Optional check\n  - _Depends: 1.1, 9.9, 1._\n";
    let doc = document(&read(FileKind::Tasks, src).unwrap());
    assert_eq!(doc.phases.len(), 1);
    assert_eq!(at(src, doc.phases[0].title), "1. Foundation");
    let t = &doc.tasks;
    assert_eq!(t.len(), 2);
    assert!(t[0].parallel && !t[0].optional);
    assert!(t[1].optional && !t[1].parallel);
    assert_eq!((t[0].phase, t[1].phase), (Some(0), Some(0)));
    // An id that is no task number is kept, as written, to be reported.
    let deps: Vec<_> = t[1]
        .dependencies
        .iter()
        .map(|d| (d.target, d.id.as_str(), at(src, d.span)))
        .collect();
    assert_eq!(
        deps,
        [
            (Target::Task, "1.1", "1.1"),
            (Target::Task, "9.9", "9.9"),
            (Target::Task, "1.", "1.")
        ]
    );
}

#[test]
fn g3_bugfix_lines_are_criteria_of_their_section() {
    let src = "# Bugfix\n\n### Current Behavior (Defect)\n\n1.1 WHEN x THEN the page crashes\n\n### Expected Behavior (Correct)\n\n**2.1** WHEN x THEN the system SHALL show the page\n**2.2** WHEN y THEN the system SHALL log\n\n### Unchanged Behavior (Regression Prevention)\n\n3.1 WHEN z THEN the system SHALL CONTINUE TO work\n";
    let doc = document(&read(FileKind::Bugfix, src).unwrap());
    assert_eq!(
        reqs(&doc, src),
        [
            ("1", Story, "### Current Behavior (Defect)", None),
            ("2", Story, "### Expected Behavior (Correct)", None),
            (
                "3",
                Story,
                "### Unchanged Behavior (Regression Prevention)",
                None
            ),
            ("1.1", Criterion, "1.1", Some("1")),
            ("2.1", Criterion, "2.1", Some("2")),
            ("2.2", Criterion, "2.2", Some("2")),
            ("3.1", Criterion, "3.1", Some("3")),
        ]
    );
    assert_eq!(doc.requirements[1].line, 6);
    assert_eq!(
        at(src, doc.requirements[5].text),
        "WHEN y THEN the system SHALL log"
    );
}

#[test]
fn ranges_across_requirements_need_the_feature() {
    let req = "### Requirement 1\n#### Acceptance Criteria\n1. THE A SHALL a\n2. THE A SHALL b\n3. THE A SHALL c\n### Requirement 2\n#### Acceptance Criteria\n1. THE A SHALL d\n2. THE A SHALL e\n";
    let tasks = "- [ ] 1. All\n  - _Requirements: 1.2-2.1_\n";
    let summary = read(FileKind::Tasks, tasks).unwrap();
    let alone: Vec<_> = document(&summary).tasks[0]
        .links
        .iter()
        .map(|r| r.id.clone())
        .collect();
    // Alone, the file cannot know requirement 1 ends at 1.3; its ends stay.
    assert_eq!(alone, ["1.2", "2.1"]);
    let mut feature = FeatureSpec::default();
    feature.add(read(FileKind::Requirements, req).unwrap());
    let within: Vec<_> = document_in(&summary, &feature).tasks[0]
        .links
        .iter()
        .map(|r| (r.id.clone(), r.from_range))
        .collect();
    assert_eq!(
        within,
        [
            ("1.2".to_string(), false),
            ("1.3".to_string(), true),
            ("2.1".to_string(), false)
        ]
    );
}
