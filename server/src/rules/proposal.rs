//! Proposal rules. OpenSpec checks these only when archiving (as warnings);
//! specls reports them while the proposal is written.

use super::{Code, Scope, Sink};
use crate::model::proposal::CapabilityKind;
use crate::model::Span;
use crate::text::nearest::did_you_mean;
use crate::workspace::{ChangeRef, FileKind, Summary, Workspace};

pub fn check(ws: &Workspace, scope: &Scope, sink: &mut Sink) {
    for f in scope.files(ws) {
        let (FileKind::Proposal { change }, Summary::Proposal(p)) = (&f.kind, &f.summary) else {
            continue;
        };
        if change.archived {
            continue;
        }
        let top = Span::default();
        match &p.why {
            Some(w) if w.text_len > 0 => {
                let n = w.text_len;
                if n < 50 {
                    sink.push(Code::ProposalWhyLength, &f.rel, w.heading, format!("Why section is {n} characters; OpenSpec wants at least 50 (its limit, checked when archiving; characters counted as it counts them, in UTF-16 units). Say what problem this change solves and for whom."));
                } else if n > 1000 {
                    sink.push(Code::ProposalWhyLength, &f.rel, w.heading, format!("Why section is {n} characters; OpenSpec wants at most 1000 (its limit, checked when archiving; characters counted as it counts them, in UTF-16 units). Keep the motivation short and move detail to design.md."));
                }
            }
            Some(w) => sink.push(Code::ProposalMissingWhy, &f.rel, w.heading, "The Why section is empty. Say what problem this change solves (50 to 1000 characters)."),
            None => sink.push(Code::ProposalMissingWhy, &f.rel, top, "Change must have a Why section. Add \"## Why\" saying what problem this change solves."),
        }
        match &p.what_changes {
            Some(w) if w.text_len > 0 => {}
            Some(w) => sink.push(Code::ProposalMissingWhatChanges, &f.rel, w.heading, "The What Changes section is empty. List what this change adds, modifies or removes."),
            None => sink.push(Code::ProposalMissingWhatChanges, &f.rel, top, "Change must have a What Changes section. Add \"## What Changes\" listing what this change adds, modifies or removes."),
        }
        let known: Vec<&str> = ws.main_specs.keys().map(String::as_str).collect();
        for cap in &p.capabilities {
            let exists = ws.main_specs.contains_key(&cap.name);
            match cap.kind {
                // Stacked changes: another active change creates it first.
                CapabilityKind::Modified if !exists && created_elsewhere(ws, change, &cap.name) => {}
                CapabilityKind::Modified if !exists => sink.push(
                    Code::ProposalUnknownCapability,
                    &f.rel,
                    cap.span,
                    format!("Modified capability \"{}\" has no main spec (openspec/specs/{}/spec.md), and no other active change creates it.{} If it is new, list it under New Capabilities.", cap.name, cap.name, did_you_mean(&cap.name, known.iter().copied())),
                ),
                CapabilityKind::New if exists => sink.push(
                    Code::ProposalUnknownCapability,
                    &f.rel,
                    cap.span,
                    format!("New capability \"{}\" already has a main spec (openspec/specs/{}/spec.md). List it under Modified Capabilities.", cap.name, cap.name),
                ),
                _ => {}
            }
        }
    }
}

/// Whether an active change other than `own` creates `capability`: its
/// proposal lists it under New Capabilities, or it has a delta spec for
/// it that ADDs requirements.
fn created_elsewhere(ws: &Workspace, own: &ChangeRef, capability: &str) -> bool {
    ws.changes
        .iter()
        .filter(|(c, _)| *c != own && !c.archived)
        .flat_map(|(_, info)| &info.files)
        .any(|&i| match (&ws.files[i].kind, &ws.files[i].summary) {
            (FileKind::DeltaSpec { capability: c, .. }, Summary::Delta(d)) => {
                c == capability && !d.added.is_empty()
            }
            (FileKind::Proposal { .. }, Summary::Proposal(p)) => p
                .capabilities
                .iter()
                .any(|k| k.kind == CapabilityKind::New && k.name == capability),
            _ => false,
        })
}

#[cfg(test)]
mod tests {
    use crate::rules::fixture::{check_annotated_only, check_only, messages};

    const WHY: &str = "## Why\nCallers wait too long when the agent cannot help them, so they hang up.\n## What Changes\n- Add transfer\n";

    #[test]
    fn sections() {
        check_annotated_only(
            r#"//- openspec/changes/c/proposal.md
# Title
| warning proposal/missing-why
| warning proposal/missing-what-changes
"#,
            "proposal/",
        );
        check_annotated_only(
            r#"//- openspec/changes/c/proposal.md
## Why
^^^^^^ warning proposal/why-length
Too short.
## What Changes
- x
"#,
            "proposal/",
        );
        assert!(check_only(
            &format!("//- openspec/changes/c/proposal.md\n{WHY}"),
            "proposal/"
        )
        .is_empty());
        // Archived proposals are history.
        assert!(check_only(
            "//- openspec/changes/archive/2026-01-01-c/proposal.md\n# T\n",
            "proposal/"
        )
        .is_empty());
    }

    #[test]
    fn why_length_names_openspec_as_the_source_of_the_limit() {
        let m = messages(
            "//- openspec/changes/c/proposal.md\n## Why\nToo short.\n## What Changes\n- x\n",
            "proposal/why-length",
        );
        assert!(
            m[0].starts_with("Why section is 10 characters; OpenSpec wants at least 50 (its limit"),
            "{m:?}"
        );
    }

    #[test]
    fn capabilities_must_match_main_specs() {
        check_annotated_only(
            r#"//- openspec/specs/voice-agent/spec.md
## Purpose
//- openspec/changes/c/proposal.md
## Why
Callers wait too long when the agent cannot help them, so they hang up.
## What Changes
- Add transfer
## Capabilities
### New Capabilities
- `voice-agent`: x
   ^^^^^^^^^^^ warning proposal/unknown-capability
- `transfer`: y
### Modified Capabilities
- `voice-agnt`: z
   ^^^^^^^^^^ warning proposal/unknown-capability
- `voice-agent`: ok
"#,
            "proposal/",
        );
    }

    /// Stacked changes: a capability another active change creates is no
    /// unknown capability; one only an archived change created still is.
    #[test]
    fn a_capability_a_sibling_change_creates_is_known() {
        check_annotated_only(
            r#"//- openspec/changes/add-queue/proposal.md
## Capabilities
### New Capabilities
- `queue`: x
//- openspec/changes/add-hold/specs/hold/spec.md
## ADDED Requirements
### Requirement: Hold
It SHALL hold.
//- openspec/changes/archive/2026-01-01-add-park/specs/park/spec.md
## ADDED Requirements
### Requirement: Park
It SHALL park.
//- openspec/changes/c/proposal.md
## Why
Callers wait too long when the agent cannot help them, so they hang up.
## What Changes
- Add transfer
## Capabilities
### Modified Capabilities
- `queue`: stacked on add-queue
- `hold`: stacked on add-hold
- `park`: archived long ago, never synced
   ^^^^ warning proposal/unknown-capability
"#,
            "proposal/unknown",
        );
    }
}
