//! Delta fixes against the main spec: copy the scenarios a MODIFIED block
//! dropped (`delta/drops-scenarios`), and point an entry that names no
//! requirement at the nearest name (`delta/unknown-target`).

use std::collections::HashMap;

use super::Fix;
use crate::ide::edit::{line_ending, line_start, with_line_endings, SourceChange, TextEdit};
use crate::model::{DeltaSpec, Requirement, Span};
use crate::rules::nearest;
use crate::syntax::js;
use crate::workspace::{FileKind, SourceFile, Summary, Workspace};

fn delta_of(file: &SourceFile) -> Option<(&str, &DeltaSpec)> {
    match (&file.kind, &file.summary) {
        (FileKind::DeltaSpec { capability, .. }, Summary::Delta(d)) => Some((capability, d)),
        _ => None,
    }
}

pub(super) fn drops_scenarios(ws: &Workspace, file: &SourceFile, span: Span) -> Vec<Fix> {
    let Some((capability, delta)) = delta_of(file) else {
        return Vec::new();
    };
    let Some(modified) = delta.modified.iter().find(|r| r.header == span) else {
        return Vec::new();
    };
    let Some((main_file, main)) = ws.main_spec(capability) else {
        return Vec::new();
    };
    // The block that holds the current scenarios: follow this file's
    // renames back from the MODIFIED name, as archive does.
    let mut key = modified.name.as_str();
    let mut seen = Vec::new();
    let current = loop {
        if let Some(r) = main.requirement(key) {
            break Some(r);
        }
        if seen.contains(&key) {
            break None;
        }
        seen.push(key);
        match delta.renamed.iter().find(|rn| rn.to.name == key) {
            Some(rn) => key = &rn.from.name,
            None => break None,
        }
    };
    let Some(current) = current else {
        return Vec::new();
    };
    let missing = dropped(current, modified);
    if missing.is_empty() {
        return Vec::new();
    }
    let eol = line_ending(&file.text);
    let mut insert = String::new();
    for sc in &missing {
        let start = line_start(&main_file.text, sc.header.start as usize);
        let end = sc.body.end.max(sc.header.end) as usize;
        let Some(block) = main_file.text.get(start..end) else {
            return Vec::new();
        };
        insert.push_str(eol);
        insert.push_str(eol);
        insert.push_str(&with_line_endings(js::trim_end(block), eol));
    }
    let at = modified.block.end as usize;
    let edit = TextEdit::new(&file.rel, Span::new(at, at), insert);
    let title = match missing.as_slice() {
        [one] => format!(
            "Copy the dropped scenario \"{}\" from the main spec",
            one.name
        ),
        many => format!(
            "Copy the {} dropped scenarios from the main spec",
            many.len()
        ),
    };
    vec![Fix::new(title, SourceChange::new(vec![edit]), true)]
}

/// The scenarios of `current` that `modified` does not have, by name and
/// count, as the rule compares them.
fn dropped<'a>(
    current: &'a Requirement,
    modified: &Requirement,
) -> Vec<&'a crate::model::Scenario> {
    let mut left: HashMap<&str, usize> = HashMap::new();
    for s in &modified.scenarios {
        *left.entry(s.name.as_str()).or_default() += 1;
    }
    let mut out = Vec::new();
    for s in &current.scenarios {
        match left.get_mut(s.name.as_str()) {
            Some(n) if *n > 0 => *n -= 1,
            _ => out.push(s),
        }
    }
    out
}

pub(super) fn unknown_target(ws: &Workspace, file: &SourceFile, span: Span) -> Vec<Fix> {
    let Some((capability, delta)) = delta_of(file) else {
        return Vec::new();
    };
    let name = delta
        .modified
        .iter()
        .map(|r| (r.name_span, r.name.as_str()))
        .chain(delta.removed.iter().map(|r| (r.name_span, r.name.as_str())))
        .chain(
            delta
                .renamed
                .iter()
                .map(|r| (r.from.name_span, r.from.name.as_str())),
        )
        .find(|(s, _)| *s == span)
        .map(|(_, n)| n);
    let Some(name) = name else {
        return Vec::new();
    };
    // The span must hold the name itself (a bullet with an empty name
    // points at its whole line).
    if file.text.get(span.range()).map(js::trim) != Some(name) || name.is_empty() {
        return Vec::new();
    }
    let Some((_, main)) = ws.main_spec(capability) else {
        return Vec::new();
    };
    let Some(near) = nearest(name, main.requirements.iter().map(|r| r.name.as_str())) else {
        return Vec::new();
    };
    vec![Fix::nearest_name(&file.rel, span, near)]
}

#[cfg(test)]
mod tests {
    use crate::ide::fixes::test_support::{apply_fix, fixes_of};

    const MAIN: &str = "//- openspec/specs/voice/spec.md
## Purpose
The voice agent answers every inbound call without any delay.
## Requirements
### Requirement: Answer
The agent SHALL answer.

#### Scenario: Ring
- **WHEN** it rings
- **THEN** it answers

#### Scenario: Busy 🚦
- **WHEN** busy
- **THEN** queue
  the caller

### Requirement: Hang up
It SHALL hang up.
#### Scenario: Bye
- **WHEN** bye
- **THEN** hang up
";

    #[test]
    fn dropped_scenarios_are_copied_verbatim() {
        let fx = format!(
            "{MAIN}//- openspec/changes/c/specs/voice/spec.md\r
## MODIFIED Requirements\r
### Requirement: Answer\r
The agent SHALL answer fast.\r
\r
#### Scenario: Ring\r
- **WHEN** it rings\r
- **THEN** it answers at once\r
\r
## ADDED Requirements\r
### Requirement: Hold\r
The agent SHALL hold.\r
#### Scenario: Wait\r
- **WHEN** asked\r
- **THEN** hold\r
"
        );
        let done = apply_fix(&fx, "delta/drops-scenarios", 0);
        assert_eq!(
            done.fix.title,
            "Copy the dropped scenario \"Busy 🚦\" from the main spec"
        );
        assert!(done.fix.preferred);
        assert_eq!(
            done.text("openspec/changes/c/specs/voice/spec.md"),
            "## MODIFIED Requirements\r
### Requirement: Answer\r
The agent SHALL answer fast.\r
\r
#### Scenario: Ring\r
- **WHEN** it rings\r
- **THEN** it answers at once\r
\r
#### Scenario: Busy 🚦\r
- **WHEN** busy\r
- **THEN** queue\r
  the caller\r
\r
## ADDED Requirements\r
### Requirement: Hold\r
The agent SHALL hold.\r
#### Scenario: Wait\r
- **WHEN** asked\r
- **THEN** hold\r
"
        );
    }

    #[test]
    fn a_renamed_requirement_takes_its_scenarios_from_the_old_name() {
        let fx = format!(
            "{MAIN}//- openspec/changes/c/specs/voice/spec.md
## RENAMED Requirements
- FROM: `### Requirement: Answer`
- TO: `### Requirement: Pick up`
## MODIFIED Requirements
### Requirement: Pick up
The agent SHALL pick up."
        );
        let done = apply_fix(&fx, "delta/drops-scenarios", 0);
        assert_eq!(
            done.fix.title,
            "Copy the 2 dropped scenarios from the main spec"
        );
        assert!(done
            .text("openspec/changes/c/specs/voice/spec.md")
            .ends_with("The agent SHALL pick up.\n\n#### Scenario: Ring\n- **WHEN** it rings\n- **THEN** it answers\n\n#### Scenario: Busy 🚦\n- **WHEN** busy\n- **THEN** queue\n  the caller"));
    }

    #[test]
    fn unknown_targets_take_the_nearest_name() {
        for (entry, want) in [
            (
                "## MODIFIED Requirements\n### Requirement: Hang-up\nIt SHALL hang up now.\n#### Scenario: Bye\n- **WHEN** bye\n- **THEN** hang up\n",
                "## MODIFIED Requirements\n### Requirement: Hang up\nIt SHALL hang up now.\n#### Scenario: Bye\n- **WHEN** bye\n- **THEN** hang up\n",
            ),
            (
                "## REMOVED Requirements\n- `### Requirement: Answr`\n",
                "## REMOVED Requirements\n- `### Requirement: Answer`\n",
            ),
            (
                "## RENAMED Requirements\n- FROM: `### Requirement: answer`\n- TO: `### Requirement: Reply`\n",
                "## RENAMED Requirements\n- FROM: `### Requirement: Answer`\n- TO: `### Requirement: Reply`\n",
            ),
        ] {
            let fx = format!("{MAIN}//- openspec/changes/c/specs/voice/spec.md\n{entry}");
            let done = apply_fix(&fx, "delta/unknown-target", 0);
            assert_eq!(done.text("openspec/changes/c/specs/voice/spec.md"), want);
            assert!(done.fix.preferred);
        }
    }

    #[test]
    fn no_nearest_name_means_no_fix() {
        let fx = format!("{MAIN}//- openspec/changes/c/specs/voice/spec.md\n## REMOVED Requirements\n- `### Requirement: Voicemail greeting`\n");
        assert!(fixes_of(&fx, "delta/unknown-target").2.is_empty());
        let fx = "//- openspec/changes/c/specs/voice/spec.md\n## REMOVED Requirements\n- `### Requirement: Answer`\n";
        assert!(fixes_of(fx, "delta/unknown-target").2.is_empty());
    }
}
