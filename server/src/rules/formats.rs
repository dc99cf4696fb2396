//! Spec Kit and Kiro (dialect-formats sections 3 and 4): each feature folder
//! goes to its format's own rules, which live beside its reader in
//! `formats/`, and the constitution and steering files to theirs. Their
//! findings become diagnostics here, under the codes of `diagnostic.rs`.

use super::{Scope, Sink};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::formats::kiro::{self, steering::FileTarget};
use crate::formats::speckit;
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
    }
    for f in scope.files(ws) {
        if f.kind.feature().is_some() {
            continue;
        }
        match &f.summary {
            Summary::SpecKit(s) => {
                if let speckit::Summary::Constitution(c) = &s.native {
                    for x in speckit::rules::constitution(c) {
                        emit(
                            sink,
                            &f.rel,
                            x.code,
                            severity(&x.severity),
                            x.span,
                            x.message,
                        );
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
                        emit(
                            sink,
                            &f.rel,
                            x.code,
                            severity(&x.severity),
                            x.span,
                            x.message,
                        );
                    }
                }
            }
            _ => {}
        }
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
        let text = f.text.as_str();
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
            emit(sink, rel, x.code, severity(&x.severity), x.span, x.message);
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
                requirements_text = Some(f.text.as_str());
            }
            spec.add(native.clone());
        }
        rel_of.push((*kind, f.rel.as_str()));
    }
    for x in kiro::rules::check_feature(&spec, requirements_text) {
        if let Some((_, rel)) = rel_of.iter().find(|(k, _)| *k == x.file) {
            emit(sink, rel, x.code, severity(&x.severity), x.span, x.message);
        }
    }
}

/// A format's severity as the engine's (each format's rules name the same
/// four levels).
fn severity(s: &impl std::fmt::Debug) -> Severity {
    Severity::parse(&format!("{s:?}").to_lowercase()).unwrap_or(Severity::Warning)
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
