use super::*;

fn at(src: &str, s: Span) -> &str {
    &src[s.range()]
}

const CURRENT: &str = r#"# Feature Specification: Tide Client

**Feature Branch**: `002-sample-client`

## User Scenarios & Testing *(mandatory)*

### User Story 1 - Read Extremes (Priority: P1)

A CI operator wants extremes.

**Acceptance Scenarios**:

1. **Given** a valid key, **When** the tests run, **Then** extremes are listed.
2. **Given** a bad key, **When** the call is made, **Then** an error arrives, **And** nothing is cached.

---

### User Story 2 — Errors (Priority: P2)

Nothing to test here.

### User Story 3: Colon Title

1. **Given** x, **Then** y

### Edge Cases

- What happens when the key is missing?
- Network fails mid-call.

## Requirements _(mandatory)_

### Functional Requirements

- **FR-001**: Client MUST call `getTides()` [NEEDS CLARIFICATION: which days?]
- **FR-01**: Client should retry.
- **FR-001a**: Client MAY cache results.
- FR-002: Client SHALL log.
- **FR-005** Client MUST page results.
- **SC-009** `npm test` passes.
- **FR-005** is cited here, not defined again.
- **FR-003 and FR-004** constrain everything.
- `[NEEDS CLARIFICATION: quoted]` and <!-- [NEEDS CLARIFICATION: hidden] -->

### Key Entities *(include if feature involves data)*

- **Tide**: a height at a time
- **Station** - where it was measured

## Success Criteria *(mandatory)*

- **SC-001**: 5 API variations are exercised

## Clarifications

### Session 2025-01-02

- Q: Which API? → A: The v3 one.
- Q: Unanswered?

```
- **FR-999**: fenced, not a requirement [NEEDS CLARIFICATION: fenced]
```
"#;

#[test]
fn current_template_stories_with_every_separator_and_priority() {
    let s = SpecFile::parse(CURRENT);
    assert_eq!(s.title.map(|t| at(CURRENT, t)), Some("Tide Client"));
    let got: Vec<_> = s
        .stories
        .iter()
        .map(|st| {
            (
                st.number,
                at(CURRENT, st.title),
                st.priority.map(|p| (p.0, at(CURRENT, p.1))),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (Some(1), "Read Extremes", Some((1, "P1"))),
            (Some(2), "Errors", Some((2, "P2"))),
            (Some(3), "Colon Title", None),
        ]
    );
    assert_eq!(at(CURRENT, s.stories[0].number_span.unwrap()), "1");
    assert_eq!(
        at(CURRENT, s.stories[1].heading),
        "### User Story 2 — Errors (Priority: P2)"
    );
    // A story's section runs to the next heading of its level.
    assert!(at(CURRENT, s.stories[0].section).ends_with("---\n\n"));
    assert_eq!(s.stories[0].id().as_deref(), Some("US1"));
}

#[test]
fn inline_scenarios_split_into_steps_and_belong_to_their_story() {
    let s = SpecFile::parse(CURRENT);
    assert_eq!(s.scenarios.len(), 3);
    let steps = |k: usize| -> Vec<(Keyword, Keyword, &str)> {
        s.scenarios[k]
            .steps
            .iter()
            .map(|st| (st.keyword, st.kind, at(CURRENT, st.text_span)))
            .collect()
    };
    assert_eq!(
        steps(0),
        [
            (Keyword::Given, Keyword::Given, "a valid key"),
            (Keyword::When, Keyword::When, "the tests run"),
            (Keyword::Then, Keyword::Then, "extremes are listed."),
        ]
    );
    assert_eq!(
        steps(1)[3],
        (Keyword::And, Keyword::Then, "nothing is cached.")
    );
    assert_eq!(at(CURRENT, s.scenarios[1].steps[3].keyword_span), "And");
    assert_eq!(
        s.scenarios.iter().map(|sc| sc.story).collect::<Vec<_>>(),
        [Some(0), Some(0), Some(2)]
    );
    // Story 2 has none; story 3's lacks a When.
    assert!(s.scenarios[2]
        .steps
        .iter()
        .all(|st| st.kind != Keyword::When));
}

#[test]
fn requirements_with_two_digit_ids_suffixes_and_plain_ids() {
    let s = SpecFile::parse(CURRENT);
    let got: Vec<_> = s
        .requirements
        .iter()
        .map(|r| (r.id.as_str(), at(CURRENT, r.id_span), at(CURRENT, r.text)))
        .collect();
    assert_eq!(
        got,
        [
            (
                "FR-001",
                "FR-001",
                "Client MUST call `getTides()` [NEEDS CLARIFICATION: which days?]"
            ),
            ("FR-01", "FR-01", "Client should retry."),
            ("FR-001a", "FR-001a", "Client MAY cache results."),
            ("FR-002", "FR-002", "Client SHALL log."),
            ("FR-005", "FR-005", "Client MUST page results."),
            ("SC-009", "SC-009", "`npm test` passes."),
            ("SC-001", "SC-001", "5 API variations are exercised"),
        ]
    );
    let kws: Vec<Vec<&str>> = s
        .requirements
        .iter()
        .map(|r| r.keywords.iter().map(|k| at(CURRENT, k.1)).collect())
        .collect();
    assert_eq!(
        kws,
        [
            vec!["MUST"],
            vec![],
            vec!["MAY"],
            vec!["SHALL"],
            vec!["MUST"],
            vec![],
            vec![]
        ]
    );
    assert_eq!(s.requirements[0].kind, RequirementKind::Functional);
    assert_eq!(s.requirements[6].kind, RequirementKind::SuccessCriterion);
}

#[test]
fn markers_outside_code_comments_and_fences_only() {
    let s = SpecFile::parse(CURRENT);
    let got: Vec<_> = s.markers.iter().map(|m| at(CURRENT, m.question)).collect();
    assert_eq!(got, ["which days?"]);
    assert_eq!(
        at(CURRENT, s.markers[0].span),
        "[NEEDS CLARIFICATION: which days?]"
    );
}

#[test]
fn entities_edge_cases_and_clarification_sessions() {
    let s = SpecFile::parse(CURRENT);
    let ents: Vec<_> = s
        .entities
        .iter()
        .map(|e| (at(CURRENT, e.name), at(CURRENT, e.text)))
        .collect();
    assert_eq!(
        ents,
        [
            ("Tide", "a height at a time"),
            ("Station", "where it was measured")
        ]
    );
    let edges: Vec<_> = s.edge_cases.iter().map(|e| at(CURRENT, *e)).collect();
    assert_eq!(
        edges,
        [
            "What happens when the key is missing?",
            "Network fails mid-call."
        ]
    );
    assert_eq!(s.sessions.len(), 1);
    assert_eq!(at(CURRENT, s.sessions[0].date), "2025-01-02");
    let qa: Vec<_> = s.sessions[0]
        .answers
        .iter()
        .map(|a| (at(CURRENT, a.question), a.answer.map(|x| at(CURRENT, x))))
        .collect();
    assert_eq!(
        qa,
        [("Which API?", Some("The v3 one.")), ("Unanswered?", None)]
    );
}

const OLD: &str = r#"# Feature Specification: Continued API Migration

## Execution Flow (main)
```
3. For each unclear aspect:
   → Mark with [NEEDS CLARIFICATION: specific question]
```

## ⚡ Quick Guidelines
1. **Mark all ambiguities**: Use [NEEDS CLARIFICATION: specific question] for any assumption

## User Scenarios & Testing

### Primary User Story
As a developer I want TypeScript.

### Acceptance Scenarios
1. **Given** JS code, **When** migrated, **Then** tests pass
2. **Given** a repo, **When** built, **Then** it compiles

### Edge Cases
- What if types clash?

## Requirements

### Functional Requirements
- **FR-001**: System MUST migrate code
- **FR-002**: System MUST keep 146 tests [NEEDS CLARIFICATION: which suite?]

## Review & Acceptance Checklist
- [x] No [NEEDS CLARIFICATION] markers remain
"#;

#[test]
fn old_template_primary_story_and_guidance_is_not_content() {
    let s = SpecFile::parse(OLD);
    assert_eq!(s.stories.len(), 1);
    assert_eq!(s.stories[0].number, None);
    assert!(!s.has_numbered_stories());
    // Scenarios under the sibling `### Acceptance Scenarios` belong to no
    // story: the section tree puts them beside the primary story.
    assert_eq!(s.scenarios.len(), 2);
    assert_eq!(s.scenarios[0].story, None);
    assert_eq!(s.requirements.len(), 2);
    assert_eq!(s.edge_cases.len(), 1);
    // Only the marker in the requirement counts: the ones in the guidance
    // sections and the checklist's `[NEEDS CLARIFICATION]` do not.
    let got: Vec<_> = s.markers.iter().map(|m| at(OLD, m.question)).collect();
    assert_eq!(got, ["which suite?"]);
}

#[test]
fn step_per_line_and_when_then_pairs_form_scenarios() {
    let src = "## Scenarios\n\n#### Scenario 1: Notify\n1. **Given** a session\n2. **When** a reminder is made\n3. **Then** it appears\n4. **And** it syncs\n\n#### Two pairs\n**When** A happens\n**Then** B follows\n**When** C happens\n**Then** D follows\n\nProse with **When** inside is no step.\n";
    let s = SpecFile::parse(src);
    let shapes: Vec<Vec<Keyword>> = s
        .scenarios
        .iter()
        .map(|sc| sc.steps.iter().map(|st| st.kind).collect())
        .collect();
    assert_eq!(
        shapes,
        [
            vec![Keyword::Given, Keyword::When, Keyword::Then, Keyword::Then],
            vec![Keyword::When, Keyword::Then],
            vec![Keyword::When, Keyword::Then],
        ]
    );
    assert_eq!(
        at(src, s.scenarios[1].span),
        "**When** A happens\n**Then** B follows"
    );
}

#[test]
fn story_heading_forms() {
    let parts = |t: &'static str| {
        story_heading(t).map(|h| {
            (
                h.number.map(|n| n.0),
                &t[h.title],
                h.priority.map(|p| (p.0, &t[p.1])),
            )
        })
    };
    assert_eq!(
        parts("User Story 1 - Browse (Priority: P1)"),
        Some((Some(1), "Browse", Some((1, "P1"))))
    );
    assert_eq!(
        parts("User Story 12 – Dash (Priority: P3) 🎯 MVP"),
        Some((Some(12), "Dash", Some((3, "P3"))))
    );
    assert_eq!(
        parts("US4 — Safe no-ops (P1)"),
        Some((Some(4), "Safe no-ops", Some((1, "P1"))))
    );
    assert_eq!(parts("User Story 2"), Some((Some(2), "", None)));
    assert_eq!(parts("Primary User Story"), Some((None, "", None)));
    assert_eq!(parts("User Stories"), None);
    assert_eq!(parts("User Story Dependencies"), None);
    assert_eq!(parts("USB support"), None);
    assert_eq!(parts("User Story 1s"), None);
}

#[test]
fn text_following_no_template_and_half_typed_ids_give_nothing() {
    for src in [
        "",
        "just prose\nwith **Given** in the middle",
        "- **FR-**: half typed\n- **FR-0**: one digit\n- FR-001 no separator",
        "### User Story\n### User Story x - y\n- [NEEDS CLARIFICATION: unclosed",
        "<!-- never closed\n- **FR-001**: hidden",
        "\u{feff}# T\r\n- **FR-001**:\r\n",
    ] {
        let s = SpecFile::parse(src);
        assert!(s.stories.is_empty(), "{src}");
        assert!(s.scenarios.is_empty(), "{src}");
        assert!(s.markers.is_empty(), "{src}");
        // The last one defines FR-001 with an empty statement.
        assert!(
            s.requirements
                .iter()
                .all(|r| r.id == "FR-001" && at(src, r.text).is_empty()),
            "{src}"
        );
    }
}

#[test]
fn plain_word_scenarios_and_wrapped_requirements() {
    let src = "### US1 — Advance (Priority: P1)\n\n1. Given a spec mid-`specify`, when I advance it, then status becomes `specified`.\n2. Same for `plan`.\n\n- **FR-004**: The command body (shared by all\n  bodies) MUST journal each task\n- **FR-005**: Next\n";
    let s = SpecFile::parse(src);
    assert_eq!(s.scenarios.len(), 1);
    let steps: Vec<_> = s.scenarios[0]
        .steps
        .iter()
        .map(|st| (st.keyword, at(src, st.keyword_span), at(src, st.text_span)))
        .collect();
    assert_eq!(
        steps,
        [
            (Keyword::Given, "Given", "a spec mid-`specify`"),
            (Keyword::When, "when", "I advance it"),
            (Keyword::Then, "then", "status becomes `specified`."),
        ]
    );
    assert_eq!(s.scenarios[0].story, Some(0));
    let r = &s.requirements[0];
    assert_eq!(
        at(src, r.text),
        "The command body (shared by all\n  bodies) MUST journal each task"
    );
    assert_eq!(r.keywords.len(), 1);
    assert_eq!(at(src, s.requirements[1].text), "Next");
}

/// A step wrapped onto the next line of its paragraph stays in its
/// scenario; text after a blank line, or a new item, does not join it.
#[test]
fn wrapped_steps_stay_in_their_scenario() {
    let src = "## Scenarios\n\n### Completed spec opens\n\n**When** a user opens a spec whose context has\n`status: \"completed\"`\n**Then** no tab pulses, and the badge\nreads \"Completed\".\n\n### Next\n\n**When** A happens\n\nUnrelated prose.\n**Then** B follows\n";
    let s = SpecFile::parse(src);
    let shapes: Vec<Vec<Keyword>> = s
        .scenarios
        .iter()
        .map(|sc| sc.steps.iter().map(|st| st.kind).collect())
        .collect();
    assert_eq!(
        shapes,
        [
            vec![Keyword::When, Keyword::Then],
            vec![Keyword::When],
            vec![Keyword::Then],
        ]
    );
    assert!(at(src, s.scenarios[0].span).ends_with("reads \"Completed\"."));
}
