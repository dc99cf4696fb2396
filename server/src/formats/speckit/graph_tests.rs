use super::*;
use crate::formats::speckit::{read, FileKind};

fn at(src: &str, s: crate::model::Span) -> &str {
    &src[s.range()]
}

#[test]
fn spec_stories_become_requirements_that_labels_and_scenarios_point_at() {
    let src = "### User Story 2 - Pay (Priority: P1)\n1. **Given** a cart, **When** paying, **Then** paid\n## Requirements\n- **FR-001**: System MUST charge\n";
    let doc = document(&read(FileKind::Spec, src));
    let reqs: Vec<_> = doc
        .requirements
        .iter()
        .map(|r| (r.id.as_str(), r.kind, at(src, r.id_span), at(src, r.text)))
        .collect();
    assert_eq!(
        reqs,
        [
            ("US2", RequirementKind::Story, "2", "Pay"),
            (
                "FR-001",
                RequirementKind::Functional,
                "FR-001",
                "System MUST charge"
            ),
        ]
    );
    assert_eq!(doc.scenarios.len(), 1);
    assert_eq!(doc.scenarios[0].parent, Some(0));
    assert_eq!(doc.scenarios[0].steps.len(), 3);
}

#[test]
fn tasks_carry_state_phase_dependencies_and_links() {
    let src = "## Phase 3: User Story 2 - Pay\n- [x] T001 [P] [US2] Charge in src/pay.rs (FR-001)\n- [ ] T002 [US2] Refund (depends on T001–T001)\n";
    let doc = document(&read(FileKind::Tasks, src));
    assert_eq!(doc.phases.len(), 1);
    assert_eq!(
        doc.phases[0].kind,
        PhaseKind::Stories(vec!["US2".to_string()])
    );
    let t1 = &doc.tasks[0];
    assert_eq!(
        (t1.state, t1.parallel, t1.phase),
        (TaskState::Done, true, Some(0))
    );
    let links: Vec<_> = t1
        .links
        .iter()
        .map(|l| (l.target, l.id.as_str(), at(src, l.span)))
        .collect();
    assert_eq!(
        links,
        [
            (Target::Requirement, "FR-001", "FR-001"),
            (Target::Story, "US2", "[US2]")
        ]
    );
    let t2 = &doc.tasks[1];
    assert_eq!(t2.state, TaskState::Open);
    let deps: Vec<_> = t2
        .dependencies
        .iter()
        .map(|d| (d.target, d.id.as_str(), d.from_range))
        .collect();
    assert_eq!(deps, [(Target::Task, "T001", true)]);
}

#[test]
fn checklists_and_plans_become_references() {
    let src = "- [ ] CHK001 Ok? [Spec §FR-002, US3]\n";
    let doc = document(&read(FileKind::Checklist, src));
    let refs: Vec<_> = doc
        .references
        .iter()
        .map(|r| (r.target, r.id.as_str()))
        .collect();
    assert_eq!(
        refs,
        [(Target::Requirement, "FR-002"), (Target::Story, "US3")]
    );
    let doc = document(&read(FileKind::Plan, "Implements FR-007.\n"));
    assert_eq!(doc.references[0].id, "FR-007");
}
