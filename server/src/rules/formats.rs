//! Spec Kit and Kiro (dialect-formats sections 3 and 4): each feature folder
//! goes to its format's own rules, which live beside its reader in
//! `formats/`, and the constitution and steering files to theirs. Their
//! findings become diagnostics here, under the codes of `diagnostic.rs`.

use super::{Scope, Sink};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::formats::kiro::{self, steering::FileTarget};
use crate::formats::speckit;
use crate::formats::unit::{check_unit, UnitFile};
use crate::model::Span;
use crate::workspace::{SourceFile, Summary, Unit, Workspace};

pub fn check(ws: &Workspace, scope: &Scope, sink: &mut Sink) {
    let features: Vec<&str> = match scope {
        Scope::All => ws.features.keys().map(String::as_str).collect(),
        Scope::Unit(Unit::Feature(f)) => vec![f.as_str()],
        Scope::Unit(_) => Vec::new(),
    };
    for feature in features {
        let files: Vec<&SourceFile> = ws.feature_files(feature).collect();
        match files.first().map(|f| &f.summary) {
            Some(Summary::SpecKit(_)) => speckit_feature(&files, sink),
            Some(Summary::Kiro(_)) => kiro_feature(&files, sink),
            _ => {}
        }
        shared(&files, sink);
    }
    for f in scope.files(ws) {
        if f.kind.feature().is_some() {
            continue;
        }
        match &f.summary {
            Summary::SpecKit(s) => {
                if let speckit::Summary::Constitution(c) = &s.native {
                    for x in speckit::rules::constitution(c) {
                        emit(sink, &f.rel, x.code, x.severity, x.span, x.message);
                    }
                }
            }
            Summary::Kiro(s) => {
                if let Some(kiro::Summary::Steering(st)) = &s.native {
                    let resolve = |path: &str| {
                        if ws.file(path).is_some() {
                            FileTarget::File(ws.root.join(path))
                        } else {
                            kiro::steering::resolve_file_ref(&ws.root, path)
                        }
                    };
                    for x in kiro::rules::check_steering(st, &resolve) {
                        emit(sink, &f.rel, x.code, x.severity, x.span, x.message);
                    }
                }
            }
            _ => {}
        }
    }
}

/// The rules every format shares (dependencies, cycles, duplicate task ids,
/// scenario steps), over the feature's files in the shared shape.
fn shared(files: &[&SourceFile], sink: &mut Sink) {
    let shaped: Vec<(&SourceFile, UnitFile)> = files
        .iter()
        .filter_map(|f| {
            let doc = f.summary.shape()?;
            Some((
                *f,
                UnitFile {
                    doc,
                    text: f.text(),
                },
            ))
        })
        .collect();
    let (sources, unit): (Vec<&SourceFile>, Vec<UnitFile>) = shaped.into_iter().unzip();
    for x in check_unit(&unit) {
        emit(
            sink,
            &sources[x.file].rel,
            x.code,
            x.severity,
            x.span,
            x.message,
        );
    }
}

fn speckit_feature(files: &[&SourceFile], sink: &mut Sink) {
    let mut feature = speckit::rules::Feature::default();
    let (mut spec, mut plan, mut tasks) = (None, None, None);
    let mut checklists = Vec::new();
    for f in files {
        let Summary::SpecKit(s) = &f.summary else {
            continue;
        };
        let text = f.text();
        match &s.native {
            speckit::Summary::Spec(x) => {
                feature.spec = Some((text, x));
                spec = Some(f.rel.as_str());
            }
            speckit::Summary::Plan(x) => {
                feature.plan = Some((text, x));
                plan = Some(f.rel.as_str());
            }
            speckit::Summary::Tasks(x) => {
                feature.tasks = Some((text, x));
                tasks = Some(f.rel.as_str());
            }
            speckit::Summary::Checklist(x) => {
                feature.checklists.push((text, x));
                checklists.push(f.rel.as_str());
            }
            _ => {}
        }
    }
    for x in speckit::rules::check(&feature) {
        let rel = match x.file {
            speckit::rules::File::Spec => spec,
            speckit::rules::File::Plan => plan,
            speckit::rules::File::Tasks => tasks,
            speckit::rules::File::Checklist(k) => checklists.get(k).copied(),
            speckit::rules::File::Constitution => None,
        };
        if let Some(rel) = rel {
            emit(sink, rel, x.code, x.severity, x.span, x.message);
        }
    }
}

fn kiro_feature(files: &[&SourceFile], sink: &mut Sink) {
    let mut spec = kiro::FeatureSpec::default();
    let mut requirements_text = None;
    let mut rel_of = Vec::new();
    for f in files {
        let (Summary::Kiro(s), kiro_kind) = (&f.summary, &f.kind) else {
            continue;
        };
        let crate::workspace::FileKind::Kiro { kind, .. } = kiro_kind else {
            continue;
        };
        if let Some(native) = &s.native {
            if matches!(native, kiro::Summary::Requirements(_)) {
                requirements_text = Some(f.text());
            }
            spec.add(native.clone());
        }
        rel_of.push((*kind, f.rel.as_str()));
    }
    for x in kiro::rules::check_feature(&spec, requirements_text) {
        if let Some((_, rel)) = rel_of.iter().find(|(k, _)| *k == x.file) {
            emit(sink, rel, x.code, x.severity, x.span, x.message);
        }
    }
}

fn emit(sink: &mut Sink, rel: &str, code: &str, severity: Severity, span: Span, message: String) {
    // Every code a format emits is in `codes!` (a test of `formats` says
    // so); one that is not could not be configured, so it is not shown.
    let Some(code) = Code::parse(code) else {
        return;
    };
    let mut d = Diagnostic::new(code, rel, span, message);
    d.severity = severity;
    sink.diagnostics.push(d);
}

#[cfg(test)]
mod tests {
    use crate::rules::fixture::{check, check_annotated_only};

    /// A Spec Kit feature's own rules report in the file they concern,
    /// under the engine's codes and severities.
    #[test]
    fn spec_kit_findings_are_diagnostics() {
        check_annotated_only(
            r#"//- .specify/memory/constitution.md
# Constitution
//- specs/001-notes/spec.md
# Feature Specification: Notes

## User Scenarios & Testing

### User Story 1 - Write a note (Priority: P1)

1. **Given** an empty board, **When** I add a note, **Then** it shows.

## Requirements

- **FR-001**: The board MUST keep notes.
- **FR-002**: The board keeps notes sorted.
    ^^^^^^ warning speckit/requirement-no-keyword
    ^^^^^^ info speckit/uncovered-requirement
//- specs/001-notes/tasks.md
# Tasks

## Phase 3: User Story 1 - Write a note

- [ ] T001 [US1] Store notes in src/notes.ts (FR-001)
- [ ] T002 [US2] Sort notes in src/sort.ts (FR-003)
           ^^^^^ error speckit/unknown-story
           ^^^^^ warning speckit/story-label-mismatch
                                            ^^^^^^ error speckit/unknown-requirement
"#,
            "speckit/",
        );
    }

    /// A Kiro feature's rules and a steering file's, each in its file.
    #[test]
    fn kiro_findings_are_diagnostics() {
        check_annotated_only(
            r#"//- .kiro/specs/pay/requirements.md
# Requirements Document

### Requirement 1: Pay

**User Story:** As a buyer, I want to pay, so that I get my order.

#### Acceptance Criteria

1. WHEN the buyer pays THE Shop SHALL confirm the order
2. WHEN the card is declined THE Shop SHALL say why
//- .kiro/specs/pay/tasks.md
# Implementation Plan

- [ ] 1. Confirm orders
  - _Requirements: 1.1, 1.3_
                        ^^^ error kiro/unknown-criterion
- [ ] 2. Explain declines
  - _Requirements: 1.2_
//- .kiro/steering/style.md
---
inclusion: sometimes
           ^^^^^^^^^ error kiro/steering
---
Write short sentences.
"#,
            "kiro/",
        );
    }

    /// Each format's rules see only its own files: a `specs/` folder in a
    /// root without Spec Kit's markers is not read as Spec Kit, and a clean
    /// feature reports nothing.
    #[test]
    fn formats_are_told_apart() {
        let clean = check(
            r#"//- .kiro/specs/pay/requirements.md
# Requirements Document

### Requirement 1: Pay

**User Story:** As a buyer, I want to pay, so that I get my order.

#### Acceptance Criteria

1. WHEN the buyer pays THE Shop SHALL confirm the order
//- .kiro/specs/pay/tasks.md
- [ ] 1. Confirm orders
  - _Requirements: 1.1_
"#,
        );
        assert_eq!(clean, Vec::<String>::new());
    }
}
