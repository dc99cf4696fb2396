//! Change-level rules: a change must carry deltas where OpenSpec can read
//! them, and its metadata must be honourable.

use super::{Code, Scope, Sink};
use crate::model::Span;
use crate::workspace::{ChangeRef, FileKind, Summary, Workspace};

/// Where a diagnostic about a whole change is drawn: the proposal's first
/// line, else the first file of the change, else the folder itself.
pub fn anchor(ws: &Workspace, change: &ChangeRef) -> String {
    let dir = format!("openspec/{}/", change.dir());
    let proposal = format!("{dir}proposal.md");
    if ws.file(&proposal).is_some() {
        return proposal;
    }
    // Files are kept sorted by path: the first one under `dir` is the least.
    let at = ws.files.partition_point(|f| f.rel.as_str() < dir.as_str());
    match ws.files.get(at) {
        Some(f) if f.rel.starts_with(&dir) => f.rel.clone(),
        _ => dir.trim_end_matches('/').to_string(),
    }
}

pub fn check(ws: &Workspace, scope: &Scope, sink: &mut Sink) {
    for (change, info) in scope.changes(ws) {
        if change.archived {
            continue;
        }
        let here = anchor(ws, change);
        if !info.nested.is_empty() {
            sink.push(
                Code::ChangeNested,
                &here,
                Span::default(),
                format!("\"changes/{}\" only wraps other change folders ({}). Change folders are always flat: move each one directly under openspec/changes/, folding the namespace into its name.", change.id, info.nested.join(", ")),
            );
            continue;
        }
        let mut deltas = 0;
        let mut misplaced = 0;
        for &i in &info.files {
            let f = &ws.files[i];
            match (&f.kind, &f.summary) {
                (FileKind::DeltaSpec { .. }, Summary::Delta(d)) => deltas += d.entry_count(),
                (FileKind::StrayDelta { rel, .. }, Summary::Delta(d)) => {
                    if rel == "spec.md" {
                        misplaced += 1;
                        sink.push(Code::ChangeMisplacedDelta, &f.rel, Span::default(), "Delta spec found at specs/spec.md. Delta specs must live under a capability path (e.g. specs/<capability-path>/spec.md); a file at the specs/ root is ignored when the change is applied or archived.");
                    } else if d.first_delta_heading().is_some() {
                        misplaced += 1;
                        let capability = match rel.rsplit_once('/') {
                            Some((dir, _)) => dir.to_string(),
                            None => rel
                                .trim_end_matches(".md")
                                .trim_end_matches(".MD")
                                .to_string(),
                        };
                        let span = d.first_delta_heading().unwrap_or_default();
                        sink.push(Code::ChangeMisplacedDelta, &f.rel, span, format!("Delta spec found at specs/{rel}. Delta specs must be a spec.md inside a capability folder; this file is ignored when the change is applied or archived. Move its requirements into specs/{capability}/spec.md."));
                    }
                }
                _ => {}
            }
        }
        let meta_path = format!("openspec/{}/.openspec.yaml", change.dir());
        let skip = info
            .meta
            .as_ref()
            .map(|m| m.skip_specs.clone())
            .unwrap_or_default();
        if let Some(reason) = &skip.invalid_reason {
            sink.push(Code::ChangeSkipSpecsConflict, &meta_path, Span::default(), format!("skip_specs is set but .openspec.yaml is not valid change metadata, so the marker is not honored. Fix the metadata ({reason})."));
        }
        if skip.declared && info.specs_has_files {
            sink.push(Code::ChangeSkipSpecsConflict, &meta_path, Span::default(), "skip_specs is set in .openspec.yaml but spec files exist under specs/. Remove skip_specs or delete the delta spec files.");
        }
        if deltas == 0 && misplaced == 0 && !skip.declared {
            sink.push(Code::ChangeNoDeltas, &here, Span::default(), "Change must have at least one delta. Add a spec.md under specs/<capability>/ with \"## ADDED/MODIFIED/REMOVED/RENAMED Requirements\" and at least one \"### Requirement:\" with a \"#### Scenario:\". If this change intentionally modifies no specs (a refactor, tooling, docs), set \"skip_specs: true\" in the change's .openspec.yaml instead.");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::fixture::{check_annotated_only, check_only};

    const ADDED: &str = "## ADDED Requirements\n### Requirement: R\nIt SHALL x.\n#### Scenario: s\n- **WHEN** a\n- **THEN** b\n";

    #[test]
    fn no_deltas() {
        check_annotated_only(
            r#"//- openspec/changes/c/proposal.md
## Why
| error change/no-deltas
x
"#,
            "change/",
        );
        let got = check_only(&format!("//- openspec/changes/c/proposal.md\n## Why\n//- openspec/changes/c/specs/a/spec.md\n{ADDED}"), "change/");
        assert!(got.is_empty(), "{got:?}");
    }

    #[test]
    fn skip_specs_accepts_no_deltas_but_not_spec_files() {
        let got = check_only("//- openspec/changes/c/.openspec.yaml\nschema: spec-driven\nskip_specs: true\n//- openspec/changes/c/tasks.md\n- [ ] 1.1 x\n", "change/");
        assert!(got.is_empty(), "{got:?}");
        check_annotated_only(
            r#"//- openspec/changes/c/.openspec.yaml
schema: spec-driven
| error change/skip-specs-conflict
skip_specs: true
//- openspec/changes/c/specs/a/spec.md
## ADDED Requirements
### Requirement: R
It SHALL x.
#### Scenario: s
- **WHEN** a
- **THEN** b
"#,
            "change/",
        );
        let got = check_only(
            "//- openspec/changes/c/.openspec.yaml\nskip_specs: true\n",
            "change/",
        );
        assert_eq!(got.len(), 2, "{got:?}"); // not honoured, so also no deltas
    }

    #[test]
    fn misplaced_deltas() {
        check_annotated_only(
            r#"//- openspec/changes/c/specs/spec.md
## ADDED Requirements
| error change/misplaced-delta
### Requirement: R
It SHALL x.
#### Scenario: s
- **WHEN** a
- **THEN** b
//- openspec/changes/c/specs/voice.md
## ADDED Requirements
^^^^^^^^^^^^^^^^^^^^^ error change/misplaced-delta
### Requirement: R
It SHALL x.
#### Scenario: s
- **WHEN** a
- **THEN** b
//- openspec/changes/c/specs/a/notes.md
just notes
"#,
            "change/",
        );
    }

    #[test]
    fn nested_change_folders() {
        check_annotated_only(
            r#"//- openspec/changes/team/add-x/proposal.md
## Why
| error change/nested
//- openspec/changes/team/add-x/specs/a/spec.md
## ADDED Requirements
### Requirement: R
It SHALL x.
#### Scenario: s
- **WHEN** a
- **THEN** b
"#,
            "change/",
        );
    }
}
