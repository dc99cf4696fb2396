//! Delta-spec rules: the file's own structure, and the delta against the
//! main spec it will be merged into (as `openspec archive` would do it).

use std::collections::{HashMap, HashSet};

use super::{requirement, Code, Scope, Sink};
use crate::model::delta::{DeltaSpec, Op};
use crate::model::spec::{requirement_name, MainSpec};
use crate::model::{Requirement, Span};
use crate::syntax::js;
use crate::text::nearest::did_you_mean;
use crate::workspace::{FileKind, Summary, Workspace};

pub fn check(ws: &Workspace, scope: &Scope, sink: &mut Sink) {
    for f in scope.files(ws) {
        let (FileKind::DeltaSpec { change, capability }, Summary::Delta(delta)) =
            (&f.kind, &f.summary)
        else {
            continue;
        };
        if change.archived {
            continue;
        }
        check_file(delta, &f.rel, sink);
        let main = ws.main_spec(capability).map(|(mf, s)| (s, mf.text()));
        check_against_main(delta, f.text(), main, capability, &f.rel, sink);
    }
}

fn first_line_span(delta: &DeltaSpec) -> Span {
    delta
        .sections
        .first()
        .map(|s| s.heading)
        .unwrap_or_default()
}

pub fn check_file(delta: &DeltaSpec, path: &str, sink: &mut Sink) {
    let scenario_lines: HashSet<Span> = delta.misplaced_scenarios.iter().map(|m| m.span).collect();
    for s in &delta.skipped_headers {
        if scenario_lines.contains(&s.span) {
            continue;
        }
        let msg = if s
            .header
            .trim_end_matches(':')
            .eq_ignore_ascii_case("requirement")
        {
            format!("Header \"### {}\" in {} is missing a requirement name and is ignored by validation. Add a name, e.g. \"### Requirement: <name>\".", s.header, s.section)
        } else {
            // OpenSpec's own wording, with the name a `需求:` or `Requirement -`
            // prefix stands for rather than the prefix doubled.
            let name = requirement_name(&s.header).unwrap_or_else(|| s.header.clone());
            format!("Header \"### {}\" in {} is not a \"### Requirement:\" header and is ignored by validation. Use \"### Requirement: {name}\" if it should be validated as a requirement.", s.header, s.section)
        };
        let mut d =
            super::Diagnostic::new(Code::RequirementNotARequirementHeader, path, s.span, msg);
        // In a delta OpenSpec ignores such a heading rather than failing.
        d.severity = super::Severity::Info;
        sink.diagnostics.push(d);
    }
    requirement::check_misplaced_scenarios(&delta.misplaced_scenarios, path, sink);
    for u in &delta.unpaired {
        let missing = if u.side == "FROM" { "TO" } else { "FROM" };
        sink.push(
            Code::DeltaUnpairedRename,
            path,
            u.span,
            format!("RENAMED {}: \"{}\" has no matching {missing}: line. Write each rename as a FROM: line followed immediately by its TO: line.", u.side, u.name),
        );
    }
    for o in &delta.orphans {
        let place = match &o.section {
            Some(s) => format!("under \"## {s}\""),
            None => "above the first \"## \" section".to_string(),
        };
        sink.push(
            Code::DeltaOrphanRequirement,
            path,
            o.span,
            format!("Requirement \"{}\" is {place}, which is not a delta section, so it is ignored. Move it under \"## ADDED Requirements\", \"## MODIFIED Requirements\", \"## REMOVED Requirements\", or \"## RENAMED Requirements\".", o.name),
        );
    }
    let present: Vec<Op> = Op::ALL
        .into_iter()
        .filter(|&op| delta.has_section(op))
        .collect();
    if delta.entry_count() == 0 {
        if present.is_empty() {
            sink.push(
                Code::DeltaNoSections,
                path,
                first_line_span(delta),
                "No delta sections found. Add headers such as \"## ADDED Requirements\" or move non-delta notes outside specs/.",
            );
        } else {
            let names: Vec<String> = present
                .iter()
                .map(|op| format!("## {} Requirements", op.as_str()))
                .collect();
            let span = delta.first_delta_heading().unwrap_or_default();
            sink.push(
                Code::DeltaEmpty,
                path,
                span,
                format!("Delta sections {} were found, but no requirement entries parsed. Ensure each section includes at least one \"### Requirement:\" block (REMOVED may use bullet list syntax).", list(&names)),
            );
        }
    }
    let mut added: HashMap<&str, Span> = HashMap::new();
    let mut modified: HashMap<&str, Span> = HashMap::new();
    let mut removed: HashMap<&str, Span> = HashMap::new();
    for (op, reqs, names) in [
        (Op::Added, &delta.added, &mut added),
        (Op::Modified, &delta.modified, &mut modified),
    ] {
        for r in reqs {
            let label = format!("{} \"{}\"", op.as_str(), r.name);
            if names.insert(&r.name, r.header).is_some() {
                sink.push(
                    Code::RequirementDuplicate,
                    path,
                    r.header,
                    format!("Duplicate requirement in {}: \"{}\". Each requirement may appear once per section; merge the two blocks.", op.as_str(), r.name),
                );
            }
            requirement::check_text(r, &label, path, sink);
            requirement::check_has_scenario(r, &label, path, sink);
            requirement::check_extensions(r, path, sink);
        }
    }
    for r in &delta.removed {
        if removed.insert(&r.name, r.span).is_some() {
            sink.push(
                Code::RequirementDuplicate,
                path,
                r.span,
                format!("Duplicate requirement in REMOVED: \"{}\".", r.name),
            );
        }
    }
    let mut from_seen = HashSet::new();
    let mut to_seen = HashSet::new();
    for rn in &delta.renamed {
        if !from_seen.insert(rn.from.name.as_str()) {
            sink.push(
                Code::DeltaConflict,
                path,
                rn.from.span,
                format!(
                    "Duplicate FROM in RENAMED: \"{}\". Rename a requirement once.",
                    rn.from.name
                ),
            );
        }
        if !to_seen.insert(rn.to.name.as_str()) {
            sink.push(Code::DeltaConflict, path, rn.to.span, format!("Duplicate TO in RENAMED: \"{}\". Two requirements cannot take the same new name.", rn.to.name));
        }
    }
    for (name, span) in sorted(&modified) {
        if removed.contains_key(name) {
            sink.push(Code::DeltaConflict, path, span, format!("Requirement present in both MODIFIED and REMOVED: \"{name}\". Keep one of the two operations."));
        }
        if added.contains_key(name) {
            sink.push(Code::DeltaConflict, path, span, format!("Requirement present in both MODIFIED and ADDED: \"{name}\". Keep one of the two operations."));
        }
    }
    for (name, span) in sorted(&added) {
        if removed.contains_key(name) {
            sink.push(Code::DeltaConflict, path, span, format!("Requirement present in both ADDED and REMOVED: \"{name}\". Keep one of the two operations."));
        }
    }
    let fold = |s: &str| {
        s.to_lowercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    for rn in &delta.renamed {
        if let Some(span) = modified.get(rn.from.name.as_str()) {
            sink.push(
                Code::DeltaConflict,
                path,
                *span,
                format!(
                    "MODIFIED references old name from RENAMED. Use new header for \"{}\".",
                    rn.to.name
                ),
            );
        }
        if added.contains_key(rn.to.name.as_str()) {
            sink.push(Code::DeltaConflict, path, rn.to.span, format!("RENAMED TO collides with ADDED for \"{}\". Pick another name or drop one of them.", rn.to.name));
        }
        if let Some(r) = delta
            .removed
            .iter()
            .find(|r| fold(&r.name) == fold(&rn.from.name))
        {
            let note = if r.name == rn.from.name {
                String::new()
            } else {
                format!(" (REMOVED spells it \"{}\")", r.name)
            };
            sink.push(Code::DeltaConflict, path, rn.from.span, format!("Requirement present in both RENAMED and REMOVED: \"{}\"{note}. Keep one of the two operations.", rn.from.name));
        }
    }
}

fn sorted<'a>(m: &HashMap<&'a str, Span>) -> Vec<(&'a str, Span)> {
    let mut v: Vec<(&str, Span)> = m.iter().map(|(k, v)| (*k, *v)).collect();
    v.sort_by_key(|(_, s)| *s);
    v
}

fn list(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [head @ .., last] => format!("{} and {last}", head.join(", ")),
    }
}

/// Checks the delta as archive would apply it: RENAMED, then REMOVED, then
/// MODIFIED, then ADDED, against the main spec of the same capability.
pub fn check_against_main(
    delta: &DeltaSpec,
    delta_text: &str,
    main: Option<(&MainSpec, &str)>,
    capability: &str,
    path: &str,
    sink: &mut Sink,
) {
    let Some((main, main_text)) = main else {
        let spec_path = format!("openspec/specs/{capability}/spec.md");
        for r in &delta.modified {
            sink.push(Code::DeltaUnknownTarget, path, r.name_span, format!("MODIFIED \"{}\": {spec_path} does not exist, so there is nothing to modify. A new capability takes only ADDED requirements.", r.name));
        }
        for r in &delta.removed {
            sink.push(
                Code::DeltaUnknownTarget,
                path,
                r.name_span,
                format!(
                    "REMOVED \"{}\": {spec_path} does not exist, so there is nothing to remove.",
                    r.name
                ),
            );
        }
        for rn in &delta.renamed {
            sink.push(Code::DeltaUnknownTarget, path, rn.from.name_span, format!("RENAMED FROM \"{}\": {spec_path} does not exist, so there is nothing to rename.", rn.from.name));
        }
        return;
    };
    if !main.delta_headers.is_empty() || !main.outside_requirements.is_empty() {
        // Archive refuses to touch a main spec whose requirements it cannot
        // all see; say so once, where the delta starts.
        let first = delta.first_delta_heading().unwrap_or_default();
        sink.push(
            Code::DeltaUnknownTarget,
            path,
            first,
            format!("openspec/specs/{capability}/spec.md is structurally invalid (a delta header, or a requirement outside \"## Requirements\"), so archive cannot apply this delta to it. Fix the main spec first."),
        );
        return;
    }
    let fold = |s: &str| {
        s.to_lowercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let current: HashMap<&str, &Requirement> = main
        .requirements
        .iter()
        .map(|r| (r.name.as_str(), r))
        .collect();
    let mut names: HashSet<String> = current.keys().map(|s| s.to_string()).collect();
    let all: Vec<&str> = main.requirements.iter().map(|r| r.name.as_str()).collect();
    for rn in &delta.renamed {
        let (from, to) = (&rn.from.name, &rn.to.name);
        if !names.contains(from) {
            if names.contains(to) {
                continue; // already applied by hand: archive treats it as done
            }
            sink.push(Code::DeltaUnknownTarget, path, rn.from.name_span, format!("RENAMED FROM \"{from}\" names no requirement of the main spec, so archive would refuse it.{}", did_you_mean(from, all.iter().copied())));
            continue;
        }
        if names.contains(to) {
            sink.push(Code::DeltaAlreadyExists, path, rn.to.name_span, format!("RENAMED TO \"{to}\": the main spec already has a requirement with that name, so archive would refuse the rename."));
            continue;
        }
        names.remove(from);
        names.insert(to.clone());
    }
    for r in &delta.removed {
        if !names.remove(&r.name) {
            sink.push(
                Code::DeltaUnknownTarget,
                path,
                r.name_span,
                format!(
                    "REMOVED \"{}\" names no requirement of the main spec.{}",
                    r.name,
                    did_you_mean(&r.name, all.iter().copied())
                ),
            );
        }
    }
    let renamed_away: HashSet<&str> = delta.renamed.iter().map(|r| r.from.name.as_str()).collect();
    let renamed_from: HashMap<&str, &str> = delta
        .renamed
        .iter()
        .map(|r| (r.to.name.as_str(), r.from.name.as_str()))
        .collect();
    for r in &delta.modified {
        if renamed_away.contains(r.name.as_str()) {
            continue; // reported as a conflict
        }
        if !names.contains(&r.name) {
            sink.push(Code::DeltaUnknownTarget, path, r.name_span, format!("MODIFIED \"{}\" names no requirement of the main spec, so archive would refuse it.{}", r.name, did_you_mean(&r.name, all.iter().copied())));
            continue;
        }
        // Follow renames back to the block that holds the current scenarios.
        let mut key = r.name.as_str();
        let mut seen = HashSet::new();
        let cur = loop {
            if let Some(c) = current.get(key) {
                break Some(*c);
            }
            if !seen.insert(key) {
                break None;
            }
            match renamed_from.get(key) {
                Some(k) => key = k,
                None => break None,
            }
        };
        if let Some(cur) = cur {
            check_scenario_loss(cur, r, path, sink);
        }
    }
    for r in &delta.added {
        if let Some(existing) = current.get(r.name.as_str()) {
            if names.contains(&r.name) && !same_block(main_text, existing, delta_text, r) {
                sink.push(Code::DeltaAlreadyExists, path, r.name_span, format!("ADDED \"{}\": the main spec already has this requirement. Use MODIFIED to change it, or pick a new name.", r.name));
            }
        } else if names.contains(&r.name) {
            sink.push(
                Code::DeltaAlreadyExists,
                path,
                r.name_span,
                format!(
                    "ADDED \"{}\": a RENAMED entry already gives a requirement this name.",
                    r.name
                ),
            );
        } else if let Some(existing) = names.iter().find(|n| fold(n) == fold(&r.name)) {
            sink.push(
                Code::DeltaAlreadyExists,
                path,
                r.name_span,
                format!("ADDED \"{}\": the main spec already has \"{existing}\", which differs only in case or spacing. Use MODIFIED with that exact name, or choose a distinct one.", r.name),
            );
        }
    }
}

/// Archive's test for an ADDED block that is already in the main spec: the
/// same text, line endings aside, trimmed.
fn same_block(a_text: &str, a: &Requirement, b_text: &str, b: &Requirement) -> bool {
    normalized_block(a_text, a) == normalized_block(b_text, b)
}

fn normalized_block<'t>(text: &'t str, r: &Requirement) -> std::borrow::Cow<'t, str> {
    let raw = js::trim(&text[r.block.range()]);
    if raw.contains('\r') {
        std::borrow::Cow::Owned(raw.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        std::borrow::Cow::Borrowed(raw)
    }
}

fn check_scenario_loss(current: &Requirement, modified: &Requirement, path: &str, sink: &mut Sink) {
    let unmatched = |names: &[&str], against: &[&str]| -> Vec<String> {
        let mut left: HashMap<&str, usize> = HashMap::new();
        for n in against {
            *left.entry(n).or_default() += 1;
        }
        let mut out = Vec::new();
        for n in names {
            match left.get_mut(n) {
                Some(c) if *c > 0 => *c -= 1,
                _ => out.push(n.to_string()),
            }
        }
        out
    };
    let cur: Vec<&str> = current.scenarios.iter().map(|s| s.name.as_str()).collect();
    let inc: Vec<&str> = modified.scenarios.iter().map(|s| s.name.as_str()).collect();
    let missing = unmatched(&cur, &inc);
    if missing.is_empty() {
        return;
    }
    let added = unmatched(&inc, &cur);
    let count = |n: usize| format!("{n} {}", if n == 1 { "scenario" } else { "scenarios" });
    let quoted = |v: &[String]| {
        v.iter()
            .map(|n| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let adds = if added.is_empty() {
        "It adds none.".to_string()
    } else {
        format!(
            "It adds {} not in the current spec: {}.",
            count(added.len()),
            quoted(&added)
        )
    };
    sink.push(
        Code::DeltaDropsScenarios,
        path,
        modified.header,
        format!(
            "MODIFIED \"{}\" omits scenario(s) the current spec still has: {}. The modified block has {}; the current spec has {}. {adds} Copy the omitted scenarios into the MODIFIED block (a MODIFIED requirement replaces the whole block, so archive refuses to drop them).",
            modified.name,
            quoted(&missing),
            count(inc.len()),
            count(cur.len())
        ),
    );
}

#[cfg(test)]
mod tests {
    use crate::rules::fixture::{check_annotated_only, messages};

    const MAIN: &str = "//- openspec/specs/voice/spec.md\n## Purpose\nThe voice agent answers every inbound call without any delay.\n## Requirements\n### Requirement: Answer\nIt SHALL answer.\n#### Scenario: Ring\n- **WHEN** it rings\n- **THEN** it answers\n#### Scenario: Busy\n- **WHEN** busy\n- **THEN** queue\n### Requirement: Hang up\nIt SHALL hang up.\n#### Scenario: Bye\n- **WHEN** bye\n- **THEN** hang up\n";

    #[test]
    fn a_clean_delta_has_no_delta_diagnostics() {
        let delta = r#"//- openspec/changes/c/specs/voice/spec.md
## MODIFIED Requirements
### Requirement: Answer
It SHALL answer fast.
#### Scenario: Ring
- **WHEN** it rings
- **THEN** it answers
#### Scenario: Busy
- **WHEN** busy
- **THEN** queue
## ADDED Requirements
### Requirement: Transfer
It SHALL transfer.
#### Scenario: t
- **WHEN** asked
- **THEN** transfer
## RENAMED Requirements
- FROM: `### Requirement: Hang up`
- TO: `### Requirement: End call`
"#;
        check_annotated_only(&format!("{MAIN}{delta}"), "delta/");
    }

    #[test]
    fn dropped_scenarios_are_reported_with_their_names() {
        let delta = r#"//- openspec/changes/c/specs/voice/spec.md
## MODIFIED Requirements
### Requirement: Answer
^^^^^^^^^^^^^^^^^^^^^^^ error delta/drops-scenarios
It SHALL answer.
#### Scenario: Ring
- **WHEN** it rings
- **THEN** it answers
"#;
        let fx = format!("{MAIN}{delta}");
        check_annotated_only(&fx, "delta/");
        let m = messages(&fx, "delta/drops-scenarios");
        assert!(m[0].contains("omits scenario(s) the current spec still has: \"Busy\". The modified block has 1 scenario; the current spec has 2 scenarios. It adds none."), "{m:?}");
    }

    #[test]
    fn unknown_targets_and_existing_names() {
        let delta = r#"//- openspec/changes/c/specs/voice/spec.md
## MODIFIED Requirements
### Requirement: Answr
                 ^^^^^ error delta/unknown-target
It SHALL x.
#### Scenario: s
- **WHEN** a
- **THEN** b
## ADDED Requirements
### Requirement: Hang up
                 ^^^^^^^ error delta/already-exists
It SHALL differ.
#### Scenario: s
- **WHEN** a
- **THEN** b
## REMOVED Requirements
- `### Requirement: Nope`
                    ^^^^ error delta/unknown-target
"#;
        let fx = format!("{MAIN}{delta}");
        check_annotated_only(&fx, "delta/");
        assert!(messages(&fx, "delta/unknown-target")[0].contains("Did you mean \"Answer\"?"));
        // Without a main spec, only ADDED is possible.
        check_annotated_only(
            r#"//- openspec/changes/c/specs/voice/spec.md
## MODIFIED Requirements
### Requirement: X
                 ^ error delta/unknown-target
It SHALL x.
#### Scenario: s
- **WHEN** a
- **THEN** b
"#,
            "delta/",
        );
    }

    #[test]
    fn structure_of_the_delta_file() {
        check_annotated_only(
            r#"//- openspec/changes/c/specs/voice/spec.md
# Notes only
| error delta/no-sections
"#,
            "delta/",
        );
        check_annotated_only(
            r#"//- openspec/changes/c/specs/voice/spec.md
## ADDED Requirements
^^^^^^^^^^^^^^^^^^^^^ error delta/empty
nothing
"#,
            "delta/",
        );
        check_annotated_only(
            r#"//- openspec/changes/c/specs/voice/spec.md
### Requirement: Lost
^^^^^^^^^^^^^^^^^^^^^ warning delta/orphan-requirement
It SHALL x.
## RENAMED Requirements
- FROM: `### Requirement: A`
^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error delta/unpaired-rename
- FROM: `### Requirement: B`
                          ^ error delta/unknown-target
- TO: `### Requirement: C`
"#,
            "delta/",
        );
    }

    #[test]
    fn conflicts_between_operations() {
        let delta = r#"//- openspec/changes/c/specs/voice/spec.md
## MODIFIED Requirements
### Requirement: Answer
^^^^^^^^^^^^^^^^^^^^^^^ error delta/conflict
It SHALL x.
#### Scenario: Ring
- **WHEN** a
- **THEN** b
#### Scenario: Busy
- **WHEN** a
- **THEN** b
## REMOVED Requirements
### Requirement: Answer
## ADDED Requirements
### Requirement: New
It SHALL x.
#### Scenario: s
- **WHEN** a
- **THEN** b
### Requirement: New
It SHALL y.
#### Scenario: s
- **WHEN** a
- **THEN** b
"#;
        check_annotated_only(&format!("{MAIN}{delta}"), "delta/conflict");
        let duplicate = delta.replacen("^^^^^^^^^^^^^^^^^^^^^^^ error delta/conflict\n", "", 1);
        let duplicate = duplicate.replacen(
            "### Requirement: New\nIt SHALL y.\n",
            "### Requirement: New\n^^^^^^^^^^^^^^^^^^^^ error requirement/duplicate\nIt SHALL y.\n",
            1,
        );
        check_annotated_only(&format!("{MAIN}{duplicate}"), "requirement/duplicate");
    }

    #[test]
    fn stray_level3_headings_are_info_and_scenarios_at_level3_are_wrong_level() {
        check_annotated_only(
            r#"//- openspec/changes/c/specs/voice/spec.md
## ADDED Requirements
### Requirement: R
It SHALL x.
#### Scenario: ok
- **WHEN** a
- **THEN** b
### Scenario: too high
^^^^^^^^^^^^^^^^^^^^^^ error scenario/wrong-level
- **WHEN** a
### Notes
^^^^^^^^^ info requirement/not-a-requirement-header
"#,
            "",
        );
    }
}
