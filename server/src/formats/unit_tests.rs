//! Annotated fixtures of Spec Kit and Kiro units: each `//- path` starts a
//! file (`specs/<feature>/…` is Spec Kit, `.kiro/specs/<feature>/…` Kiro),
//! and a line of carets (or a lone `|`) with a severity and a code marks
//! where a finding is expected on the text line above it, as in the
//! OpenSpec rule fixtures.

use super::*;
use crate::formats::{kiro, speckit};

/// An expected or found finding: `(file, span, severity, code)`.
type Note = (usize, Span, String, String);

/// A fixture's files (path, text) with annotations taken out, and the
/// annotations.
fn parse(fixture: &str) -> (Vec<(String, String)>, Vec<Note>) {
    let mut files = Vec::new();
    let mut notes = Vec::new();
    for chunk in fixture.split("//- ").skip(1) {
        let (path, body) = chunk.split_once('\n').unwrap_or((chunk, ""));
        let mut text = String::new();
        let mut last: Option<(usize, &str)> = None;
        for line in body.split_inclusive('\n') {
            let content = line.trim_end_matches('\n');
            let rest = content.trim_start_matches(' ');
            let col = content.len() - rest.len();
            let width = rest.len() - rest.trim_start_matches('^').len();
            let after = if width > 0 {
                Some(&rest[width..])
            } else {
                rest.strip_prefix('|')
            };
            let mut words = after.map(|a| a.split_whitespace()).into_iter().flatten();
            let (sev, code) = (words.next(), words.next());
            let annotation = match (sev, code) {
                (Some(s), Some(c)) if Severity::parse(s).is_some() && c.contains('/') => {
                    Some((s, c))
                }
                _ => None,
            };
            match annotation {
                Some((sev, code)) => {
                    let (start, of) = last.expect("an annotation before any text");
                    let at =
                        |c: usize| start + of.char_indices().nth(c).map_or(of.len(), |(i, _)| i);
                    notes.push((
                        files.len(),
                        Span::new(at(col), at(col + width)),
                        sev.to_string(),
                        code.to_string(),
                    ));
                }
                None => {
                    last = Some((text.len(), line));
                    text.push_str(line);
                }
            }
        }
        files.push((path.trim().to_string(), text));
    }
    (files, notes)
}

/// Each file in the shared shape, read by its format's reader.
fn documents(files: &[(String, String)]) -> Vec<Document> {
    let mut feature = kiro::FeatureSpec::default();
    let mut kiro_summaries = Vec::new();
    for (path, text) in files {
        if path.starts_with(".kiro/") {
            let name = path.rsplit('/').next().unwrap();
            let s = kiro::read(kiro::roots::FileKind::of(name), text).expect("a Kiro file");
            feature.add(s.clone());
            kiro_summaries.push(Some(s));
        } else {
            kiro_summaries.push(None);
        }
    }
    files
        .iter()
        .zip(&kiro_summaries)
        .map(|((path, text), k)| match k {
            Some(s) => kiro::graph::document_in(s, &feature),
            None => {
                let kind = speckit::FileKind::of(path).expect("a Spec Kit path");
                speckit::graph::document(&speckit::read(kind, text))
            }
        })
        .collect()
}

fn run(files: &[(String, String)]) -> Vec<Finding> {
    let docs = documents(files);
    let unit: Vec<UnitFile> = docs
        .iter()
        .zip(files)
        .map(|(doc, (_, text))| UnitFile { doc, text })
        .collect();
    check_unit(&unit)
}

/// Checks the findings of `fixture` whose code starts with `prefix`
/// against its annotations (code, severity, exact span); on a mismatch
/// shows both with the text they cover.
fn check_annotated(fixture: &str, prefix: &str) {
    let (files, mut expected) = parse(fixture);
    let mut found: Vec<_> = run(&files)
        .into_iter()
        .filter(|f| f.code.starts_with(prefix))
        .map(|f| {
            (
                f.file,
                f.span,
                f.severity.as_str().to_string(),
                f.code.to_string(),
            )
        })
        .collect();
    expected.sort();
    found.sort();
    let show = |v: &[Note]| {
        v.iter()
            .map(|(f, s, sev, c)| {
                format!("  {sev} {c} {} {:?}", files[*f].0, &files[*f].1[s.range()])
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(
        expected == found,
        "annotated:\n{}\nfound:\n{}",
        show(&expected),
        show(&found)
    );
}

fn messages(fixture: &str, code: &str) -> Vec<String> {
    let (files, _) = parse(fixture);
    run(&files)
        .into_iter()
        .filter(|f| f.code == code)
        .map(|f| f.message)
        .collect()
}

#[test]
fn the_fixture_reader_places_annotations_on_the_line_above() {
    let (files, notes) = parse("//- a.md\nab 漢字\n   ^^ error x/y\n|\n| hint x/z\n");
    assert_eq!(files, [("a.md".to_string(), "ab 漢字\n|\n".to_string())]);
    assert_eq!(&files[0].1[notes[0].1.range()], "漢字");
    assert_eq!((notes[1].1.start, notes[1].1.end), (10, 10));
}

// Spec Kit.

#[test]
fn speckit_unknown_dependencies_fire_with_the_nearest_other_id() {
    check_annotated(
        "//- specs/001-pay/tasks.md
## Phase 1: Setup
- [ ] T001 Init in src/main.rs
- [ ] T002 Charge in src/pay.rs (depends on T001, T009)
                                                  ^^^^ error tasks/unknown-dependency
- [ ] T003 Refund in src/refund.rs after T012
                                         ^^^^ error tasks/unknown-dependency
",
        "tasks/",
    );
    let msgs = messages(
        "//- specs/001-pay/tasks.md\n- [ ] T001 A in a.rs\n- [ ] T002 B in b.rs (depends on T003)\n",
        "tasks/unknown-dependency",
    );
    // T002 is nearer to T003 than T001, but a task never depends on itself.
    assert_eq!(
        msgs,
        ["Task T002 depends on \"T003\", but no task has that id. Did you mean \"T001\"?"]
    );
}

#[test]
fn speckit_known_dependencies_and_ranges_are_quiet() {
    check_annotated(
        "//- specs/001-pay/tasks.md
- [x] T010 A in a.rs
- [x] T011 B in b.rs
- [x] T012 C in c.rs
- [ ] T013 D in d.rs (depends on T010–T012)
- [ ] T014 E in e.rs after T013
",
        "tasks/",
    );
}

#[test]
fn speckit_a_range_with_a_gap_names_the_missing_id_on_the_range() {
    check_annotated(
        "//- specs/001-pay/tasks.md
- [ ] T010 A in a.rs
- [ ] T012 C in c.rs
- [ ] T013 D in d.rs (depends on T010–T012)
                                 ^^^^^^^^^ error tasks/unknown-dependency
",
        "tasks/",
    );
}

#[test]
fn speckit_done_before_dependency_and_cycles() {
    check_annotated(
        "//- specs/001-pay/tasks.md
- [ ] T001 A in a.rs
- [x] T002 B in b.rs (depends on T001)
                                 ^^^^ warning tasks/done-before-dependency
- [ ] T003 C in c.rs (depends on T004)
                                 ^^^^ error tasks/dependency-cycle
- [ ] T004 D in d.rs (depends on T003)
                                 ^^^^ error tasks/dependency-cycle
",
        "tasks/",
    );
    let msgs = messages(
        "//- specs/001-pay/tasks.md\n- [ ] T003 C in c.rs (depends on T004)\n- [ ] T004 D in d.rs (depends on T003)\n",
        "tasks/dependency-cycle",
    );
    assert_eq!(
        msgs[0],
        "Dependency cycle: T003 → T004 → T003. No task of the cycle can start; remove one of these dependencies."
    );
}

#[test]
fn speckit_duplicate_task_ids_per_file() {
    check_annotated(
        "//- specs/001-pay/tasks.md
- [ ] T001 A in a.rs
- [ ] T002 B in b.rs
- [ ] T001 C in c.rs
      ^^^^ warning tasks/duplicate-id
",
        "tasks/",
    );
    check_annotated(
        "//- specs/001-pay/tasks.md\n- [ ] T001 A in a.rs\n- [ ] T002 B in b.rs\n",
        "tasks/",
    );
}

#[test]
fn speckit_acceptance_scenarios_need_when_and_then_in_order() {
    check_annotated(
        "//- specs/001-pay/spec.md
### User Story 1 - Pay (Priority: P1)

1. **Given** a cart, **When** paying, **Then** it is paid
2. **Then** nothing happens
^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning scenario/missing-when
3. **When** paying, **Then** paid, **Given** a cart
                                     ^^^^^ info scenario/step-order
",
        "scenario/",
    );
    check_annotated(
        "//- specs/001-pay/spec.md
### User Story 1 - Pay (Priority: P1)

1. **Given** a cart, **When** paying, **Then** it is paid, **And** a receipt is sent
2. **Given** an empty cart, **Then** the pay button is disabled
",
        "scenario/",
    );
}

// Kiro.

#[test]
fn kiro_unknown_dependencies_and_done_before() {
    check_annotated(
        "//- .kiro/specs/pay/tasks.md
- [x] 1. A
  - _Depends: 2, 9, 1._
              ^ warning tasks/done-before-dependency
                 ^ error tasks/unknown-dependency
                    ^^ error tasks/unknown-dependency
- [ ] 2. B
",
        "tasks/",
    );
    check_annotated(
        "//- .kiro/specs/pay/tasks.md
- [x] 1. A
- [x] 2. B
  - _Depends: 1_
- [ ] 2.1 C
  - _Depends: 1, 2_
",
        "tasks/",
    );
}

#[test]
fn kiro_an_in_progress_dependency_is_not_done() {
    check_annotated(
        "//- .kiro/specs/pay/tasks.md
- [-] 1. A
- [x] 2. B
  - _Depends: 1_
              ^ warning tasks/done-before-dependency
",
        "tasks/",
    );
}

#[test]
fn kiro_cycles_including_a_task_depending_on_itself() {
    check_annotated(
        "//- .kiro/specs/pay/tasks.md
- [ ] 1. A
  - _Depends: 1_
              ^ error tasks/dependency-cycle
- [ ] 2. B
  - _Depends: 3_
              ^ error tasks/dependency-cycle
- [ ] 3. C
  - _Depends: 2_
              ^ error tasks/dependency-cycle
- [ ] 4. D
  - _Depends: 3_
",
        "tasks/",
    );
}

#[test]
fn kiro_duplicate_task_numbers() {
    check_annotated(
        "//- .kiro/specs/pay/tasks.md
- [ ] 1. A
- [ ] 1.1 B
- [ ] 1.1 C
      ^^^ warning tasks/duplicate-id
",
        "tasks/",
    );
    check_annotated(
        "//- .kiro/specs/pay/tasks.md\n- [ ] 1. A\n- [ ] 1.1 B\n",
        "tasks/",
    );
}

#[test]
fn a_kiro_spec_has_no_scenarios_to_check() {
    check_annotated(
        "//- .kiro/specs/pay/requirements.md
### Requirement 1
#### Acceptance Criteria
1. THEN the system SHALL pay, WHEN asked
",
        "scenario/",
    );
}

// The index.

#[test]
fn the_index_resolves_across_files_and_lists_citations() {
    let (files, _) = parse(
        "//- .kiro/specs/pay/requirements.md
### Requirement 1: Pay
#### Acceptance Criteria
1. THE A SHALL pay
2. THE A SHALL log
//- .kiro/specs/pay/design.md
### Property 1: Paid
**Validates: Requirements 1.1**
//- .kiro/specs/pay/tasks.md
- [ ] 1. Pay
  - _Requirements: 1.1, 1_
  - **Property 1: Paid**
- [ ] 2. Log
  - _Depends: 1_
",
    );
    let docs = documents(&files);
    let refs: Vec<&Document> = docs.iter().collect();
    let ix = Index::build(&refs);
    let text = |f: usize, s: Span| &files[f].1[s.range()];
    assert_eq!(ix.requirement("1.2"), Some((0, 2)));
    assert_eq!(ix.property("1"), Some((1, 0)));
    // Requirement 1 and Property 1 share a number, not a namespace.
    assert_eq!(ix.requirement("1"), Some((0, 0)));
    assert_eq!(ix.task("2"), Some((2, 1)));
    assert_eq!(ix.task("9"), None);
    let cites: Vec<_> = ix
        .references_to(Target::Requirement, "1.1")
        .into_iter()
        .map(|(f, s)| (files[f].0.as_str(), text(f, s)))
        .collect();
    assert_eq!(
        cites,
        [
            (".kiro/specs/pay/design.md", "1.1"),
            (".kiro/specs/pay/tasks.md", "1.1")
        ]
    );
    let task_link = &docs[2].tasks[0].links;
    let (f, s) = ix.resolve(&task_link[1]).unwrap();
    assert_eq!(
        (f, text(f, s)),
        (0, "1"),
        "requirement 1 is its heading's number"
    );
    let (f, s) = ix.resolve(&task_link[2]).unwrap();
    assert_eq!((f, text(f, s)), (1, "1"), "property 1 is in design.md");
    let dep = &docs[2].tasks[1].dependencies[0];
    let (f, s) = ix.resolve(dep).unwrap();
    // The first task's number, at the start of tasks.md.
    assert_eq!((f, text(f, s), s.start), (2, "1", "- [ ] ".len() as u32));
    assert_eq!(ix.references_to(Target::Task, "1").len(), 1);
    assert!(ix.references_to(Target::Task, "2").is_empty());
}

#[test]
fn a_story_reference_resolves_to_stories_only() {
    let (files, _) = parse(
        "//- specs/001-pay/spec.md
### User Story 1 - Pay (Priority: P1)
1. **Given** a cart, **When** paying, **Then** paid
## Requirements
- **FR-001**: System MUST charge
//- specs/001-pay/tasks.md
## Phase 1: User Story 1 - Pay
- [ ] T001 [US1] Charge in src/pay.rs (FR-001)
",
    );
    let docs = documents(&files);
    let refs: Vec<&Document> = docs.iter().collect();
    let ix = Index::build(&refs);
    let links = &docs[1].tasks[0].links;
    let at = |r: &Reference| ix.resolve(r).map(|(f, s)| &files[f].1[s.range()]);
    let story = links.iter().find(|l| l.target == Target::Story).unwrap();
    let fr = links
        .iter()
        .find(|l| l.target == Target::Requirement)
        .unwrap();
    assert_eq!(at(story), Some("1"));
    assert_eq!(at(fr), Some("FR-001"));
    let as_story = Reference {
        target: Target::Story,
        ..fr.clone()
    };
    assert_eq!(at(&as_story), None, "FR-001 is no story");
}
