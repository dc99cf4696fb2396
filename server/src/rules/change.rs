//! Change-level rules: a change must carry deltas where OpenSpec can read
//! them, its metadata must be honourable, and it must not change what
//! another active change changes (`change/overlap`).

use super::{Code, Scope, Sink};
use crate::model::Span;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::workspace::{Change, ChangeRef, FileKind, Summary, Workspace};

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
    check_overlaps(ws, scope, sink);
}

/// One entry of a delta spec, as [`check_overlaps`] compares them.
struct Entry<'a> {
    change: &'a ChangeRef,
    path: &'a str,
    capability: &'a str,
    op: &'static str,
    name: &'a str,
    span: Span,
    line: u32,
    /// ADDED or RENAMED TO: the entry brings the name into the spec; the
    /// others change a requirement the spec already has.
    creates: bool,
}

/// The requirement names `change` adds, changes or removes in the
/// capabilities for which `wanted` holds.
fn entries<'a>(
    ws: &'a Workspace,
    change: &'a ChangeRef,
    info: &'a Change,
    wanted: &dyn Fn(&str) -> bool,
) -> Vec<Entry<'a>> {
    let mut out = Vec::new();
    for &i in &info.files {
        let f = &ws.files[i];
        let (FileKind::DeltaSpec { capability, .. }, Summary::Delta(d)) = (&f.kind, &f.summary)
        else {
            continue;
        };
        if !wanted(capability) {
            continue;
        }
        let mut push = |op, name: &'a str, span, line, creates| {
            out.push(Entry {
                change,
                path: &f.rel,
                capability,
                op,
                name,
                span,
                line,
                creates,
            })
        };
        for r in &d.added {
            push("ADDED", &r.name, r.name_span, r.line, true);
        }
        for r in &d.modified {
            push("MODIFIED", &r.name, r.name_span, r.line, false);
        }
        for r in &d.removed {
            push("REMOVED", &r.name, r.name_span, r.line, false);
        }
        for r in &d.renamed {
            push(
                "RENAMED FROM",
                &r.from.name,
                r.from.name_span,
                r.from.line,
                false,
            );
            push("RENAMED TO", &r.to.name, r.to.name_span, r.to.line, true);
        }
    }
    out
}

/// `change/overlap`: two active changes that change the same requirement
/// of one capability (MODIFIED, REMOVED, RENAMED FROM), or bring the same
/// name into it (ADDED, RENAMED TO). Archive applies each change to the
/// spec the other one left, so the second one archived fails or silently
/// overwrites the first one's edit. A change that MODIFIES what another
/// ADDS is stacked on it, not in conflict.
fn check_overlaps(ws: &Workspace, scope: &Scope, sink: &mut Sink) {
    let in_scope: Vec<&ChangeRef> = scope.changes(ws).into_iter().map(|(c, _)| c).collect();
    // Only the capabilities the changes in scope touch can overlap: an
    // editor checks one change at a time, and gathering every change's
    // names for each of them made the index quadratic in changes.
    let touched: FxHashSet<&str> = in_scope
        .iter()
        .filter(|c| !c.archived)
        .filter_map(|c| ws.changes.get(*c))
        .flat_map(|info| &info.files)
        .filter_map(|&i| match &ws.files[i].kind {
            FileKind::DeltaSpec { capability, .. } => Some(capability.as_str()),
            _ => None,
        })
        .collect();
    if touched.is_empty() {
        return;
    }
    let all: Vec<Entry> = ws
        .changes
        .iter()
        .filter(|(c, _)| !c.archived)
        .flat_map(|(c, info)| entries(ws, c, info, &|cap| touched.contains(cap)))
        .collect();
    let mut by_key: FxHashMap<(&str, &str, bool), Vec<usize>> = FxHashMap::default();
    for (k, e) in all.iter().enumerate() {
        by_key
            .entry((e.capability, e.name, e.creates))
            .or_default()
            .push(k);
    }
    for e in all.iter().filter(|e| in_scope.contains(&e.change)) {
        let others: Vec<&Entry> = by_key[&(e.capability, e.name, e.creates)]
            .iter()
            .map(|&k| &all[k])
            .filter(|o| o.change != e.change)
            .collect();
        let Some(first) = others.first() else {
            continue;
        };
        let more = match others.len() {
            1 => String::new(),
            2 => " and 1 more".to_string(),
            n => format!(" and {} more", n - 1),
        };
        let consequence = if e.creates {
            "The change archived second will be refused, since the requirement will already exist: rename one of them, or fold one change into the other."
        } else {
            "Archive applies each change to the spec the other one left, so the change archived second will fail or overwrite the other's edit: coordinate the two, or fold one change into the other."
        };
        sink.push(
            Code::ChangeOverlap,
            e.path,
            e.span,
            format!(
                "{} \"{}\" of capability \"{}\" overlaps active change \"{}\", which has {} \"{}\" ({}:{}){more}. {consequence}",
                e.op,
                e.name,
                e.capability,
                first.change.id,
                first.op,
                first.name,
                first.path,
                first.line + 1
            ),
        );
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

    const OVERLAP_MAIN: &str = "//- openspec/specs/voice/spec.md
## Purpose
The voice agent answers every inbound call without any delay.
## Requirements
### Requirement: Answer
The agent SHALL answer.
#### Scenario: Ring
- **WHEN** it rings
- **THEN** it answers
### Requirement: Hold
The agent SHALL hold.
#### Scenario: Wait
- **WHEN** asked
- **THEN** it holds
";

    /// Both changes that touch one requirement, or add one name, are
    /// told, each about the other.
    #[test]
    fn overlapping_changes_are_reported_on_each_side() {
        check_annotated_only(
            &format!(
                r#"{OVERLAP_MAIN}//- openspec/changes/a/specs/voice/spec.md
## MODIFIED Requirements
### Requirement: Answer
                 ^^^^^^ warning change/overlap
The agent SHALL answer at once.
#### Scenario: Ring
- **WHEN** it rings
- **THEN** it answers
## ADDED Requirements
### Requirement: Transfer
                 ^^^^^^^^ warning change/overlap
The agent SHALL transfer.
#### Scenario: Ask
- **WHEN** asked
- **THEN** transferred
//- openspec/changes/b/specs/voice/spec.md
## REMOVED Requirements
- `### Requirement: Answer`
                    ^^^^^^ warning change/overlap
## ADDED Requirements
### Requirement: Transfer
                 ^^^^^^^^ warning change/overlap
The agent SHALL transfer calls.
#### Scenario: Ask
- **WHEN** asked
- **THEN** transferred
"#
            ),
            "change/overlap",
        );
        let m = crate::rules::fixture::messages(
            &format!("{OVERLAP_MAIN}//- openspec/changes/a/specs/voice/spec.md\n## REMOVED Requirements\n- `### Requirement: Hold`\n//- openspec/changes/b/specs/voice/spec.md\n## RENAMED Requirements\n- FROM: `### Requirement: Hold`\n- TO: `### Requirement: Park`\n"),
            "change/overlap",
        );
        assert_eq!(m.len(), 2, "{m:?}");
        assert!(
            m[0].starts_with("REMOVED \"Hold\" of capability \"voice\" overlaps active change \"b\", which has RENAMED FROM \"Hold\" (openspec/changes/b/specs/voice/spec.md:2)"),
            "{m:?}"
        );
    }

    /// Not an overlap: a change stacked on one that adds the requirement,
    /// different requirements or capabilities, an archived change.
    #[test]
    fn changes_that_do_not_collide_are_not_reported() {
        assert!(check_only(
            &format!(
                r#"{OVERLAP_MAIN}//- openspec/changes/a/specs/voice/spec.md
## ADDED Requirements
### Requirement: Transfer
The agent SHALL transfer.
#### Scenario: Ask
- **WHEN** asked
- **THEN** transferred
## MODIFIED Requirements
### Requirement: Answer
The agent SHALL answer at once.
#### Scenario: Ring
- **WHEN** it rings
- **THEN** it answers
//- openspec/changes/b/specs/voice/spec.md
## MODIFIED Requirements
### Requirement: Transfer
The agent SHALL transfer warmly.
#### Scenario: Ask
- **WHEN** asked
- **THEN** transferred
### Requirement: Hold
The agent SHALL hold with music.
#### Scenario: Wait
- **WHEN** asked
- **THEN** it holds
//- openspec/changes/c/specs/other/spec.md
## ADDED Requirements
### Requirement: Answer
The other SHALL answer.
#### Scenario: Ring
- **WHEN** it rings
- **THEN** it answers
//- openspec/changes/archive/2026-01-01-d/specs/voice/spec.md
## MODIFIED Requirements
### Requirement: Answer
The agent SHALL answer.
#### Scenario: Ring
- **WHEN** it rings
- **THEN** it answers
"#
            ),
            "change/overlap",
        )
        .is_empty());
    }
}
