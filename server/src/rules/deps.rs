//! Which units' diagnostics a file's content can change. A unit's rules
//! read its own files and, across units, only: the main spec of each
//! capability its deltas or proposal name, the other active changes'
//! proposals and delta specs of those capabilities (stacked changes), the
//! files its acceptance links point at, and the project configuration. An edit re-checks the edited
//! file's unit and the units found here, nothing else.

use crate::workspace::links::link_target_path;
use crate::workspace::{FileKind, Summary, Unit, Workspace};

/// The units whose diagnostics may change when the text of `rel` changes
/// (the file's own unit first). Creating or deleting files changes what
/// names resolve to everywhere; callers re-check every unit then.
pub fn dependents(ws: &Workspace, rel: &str) -> Vec<Unit> {
    let own = ws.unit_of(rel);
    let kind = crate::workspace::kind_of(rel);
    if kind == FileKind::ProjectConfig {
        return ws.units();
    }
    // A proposal's capability lists decide which capabilities its change
    // creates, which every other change's proposal reads (stacked changes);
    // before and after an edit they may name different ones.
    if matches!(kind, FileKind::Proposal { .. }) {
        let mut out = vec![own.clone()];
        out.extend(
            ws.changes
                .keys()
                .filter(|c| !c.archived)
                .map(|c| Unit::Change(c.clone()))
                .filter(|u| *u != own),
        );
        return out;
    }
    let capability = match &kind {
        FileKind::MainSpec { capability } | FileKind::DeltaSpec { capability, .. } => {
            Some(capability.as_str())
        }
        _ => None,
    };
    let mut out = vec![own.clone()];
    for (change, info) in &ws.changes {
        let unit = Unit::Change(change.clone());
        if unit == own || change.archived {
            continue;
        }
        let depends = info.files.iter().any(|&i| {
            let f = &ws.files[i];
            match (&f.kind, &f.summary) {
                (FileKind::DeltaSpec { capability: c, .. }, _) => capability == Some(c.as_str()),
                (FileKind::Proposal { .. }, Summary::Proposal(p)) => {
                    capability.is_some_and(|c| p.capabilities.iter().any(|k| k.name == c))
                }
                (FileKind::Tasks { .. }, Summary::Tasks(t)) => t
                    .tasks
                    .iter()
                    .flat_map(|t| &t.acceptance)
                    .flat_map(|a| &a.links)
                    .any(|l| link_target_path(&f.rel, l).as_deref() == Some(rel)),
                _ => false,
            }
        });
        if depends {
            out.push(unit);
        }
    }
    out
}
