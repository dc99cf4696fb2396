//! The host without a protocol: edits, file events, unit invalidation,
//! open and close, and snapshots that keep answering from the state they
//! were taken of.

use std::path::{Path, PathBuf};

use super::*;
use crate::rules::Code;

const SPEC: &str = "openspec/specs/ledger/spec.md";
const TASKS: &str = "openspec/changes/add-export/tasks.md";

const SPEC_TEXT: &str = "# ledger Specification\n\n## Purpose\n\nKeeps the books of the shop, entry by entry, for the clerks and the accountant.\n\n## Requirements\n\n### Requirement: Entry\nThe ledger SHALL record each entry.\n\n#### Scenario: Entry is accepted\n- **WHEN** a clerk posts an entry\n- **THEN** the ledger shows it\n";

const TASKS_TEXT: &str = "## 1. Export\n\n- [ ] 1.1 Export entries\n  - Acceptance: [accepted](../../specs/ledger/spec.md#scenario-entry-is-accepted)\n";

const PROPOSAL_TEXT: &str = "## Why\n\nThe shop wants its books exported for the accountant.\n\n## What Changes\n\n- Export entries.\n\n## Impact\n\n- ledger\n";

/// A root on disk with a main spec and a change whose task links one of
/// its scenarios, registered and read by a fresh host.
fn setup() -> (tempfile::TempDir, Host) {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    for (rel, text) in [
        (SPEC, SPEC_TEXT),
        (TASKS, TASKS_TEXT),
        ("openspec/changes/add-export/proposal.md", PROPOSAL_TEXT),
    ] {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let mut host = Host::default();
    let (i, new) = host.add_root(root.clone(), None);
    assert!(new);
    host.install(i, Workspace::load(&root));
    host.recheck();
    (dir, host)
}

fn path(host: &Host, rel: &str) -> PathBuf {
    host.roots()[0].path.join(rel)
}

fn place(rel: &str) -> Place {
    Place {
        root: 0,
        rel: rel.to_string(),
    }
}

fn codes(host: &Host, rel: &str) -> Vec<Code> {
    host.file_diagnostics(&place(rel))
        .iter()
        .map(|d| d.code)
        .collect()
}

/// A change that replaces the first occurrence of `old` with `new`.
fn replace(host: &Host, p: &Path, old: &str, new: &str) -> TextChange {
    let text = host.doc(p).unwrap().doc.text();
    let start = text.find(old).unwrap();
    let idx = crate::text::LineIndex::new(&text);
    let a = idx.position(&text, start, host.encoding());
    let b = idx.position(&text, start + old.len(), host.encoding());
    TextChange {
        range: Some((a, b)),
        text: new.to_string(),
    }
}

fn ws_text(host: &Host, rel: &str) -> String {
    host.roots()[0].ws.file(rel).unwrap().text.clone()
}

#[test]
fn an_edit_changes_the_index_and_its_diagnostics() {
    let (_dir, mut host) = setup();
    assert!(codes(&host, SPEC).is_empty(), "{:?}", codes(&host, SPEC));
    let p = path(&host, SPEC);
    assert_eq!(
        host.open(p.clone(), SPEC_TEXT.to_string(), 1),
        Some(place(SPEC))
    );
    let ch = replace(&host, &p, "SHALL", "will");
    host.change(&p, 2, vec![ch]).unwrap();
    assert!(ws_text(&host, SPEC).contains("ledger will record"));
    let changed = host.recheck();
    assert!(changed.contains(&place(SPEC)));
    assert_eq!(codes(&host, SPEC), vec![Code::RequirementMissingShallMust]);
    // Put back: the diagnostic goes.
    let ch = replace(&host, &p, "will", "SHALL");
    host.change(&p, 3, vec![ch]).unwrap();
    host.recheck();
    assert!(codes(&host, SPEC).is_empty());
}

#[test]
fn a_version_that_does_not_increase_is_refused() {
    let (_dir, mut host) = setup();
    let p = path(&host, SPEC);
    host.open(p.clone(), SPEC_TEXT.to_string(), 5);
    let ch = replace(&host, &p, "SHALL", "will");
    let err = host.change(&p, 5, vec![ch.clone()]).unwrap_err();
    assert!(err.contains("version 5, not after 5"), "{err}");
    assert_eq!(ws_text(&host, SPEC), SPEC_TEXT);
    let closed = path(&host, TASKS);
    assert!(host.change(&closed, 9, vec![ch]).is_err());
}

#[test]
fn positions_of_changes_count_in_the_host_encoding() {
    let (_dir, mut host) = setup();
    let p = path(&host, SPEC);
    host.set_encoding(Encoding::Utf16);
    let text = SPEC_TEXT.replace("Keeps", "😀 Keeps");
    host.open(p.clone(), text.clone(), 1);
    // Line 4 is "😀 Keeps…": the emoji is two UTF-16 units, four bytes.
    let at = |character| Position { line: 4, character };
    host.change(
        &p,
        2,
        vec![TextChange {
            range: Some((at(3), at(8))),
            text: "Holds".to_string(),
        }],
    )
    .unwrap();
    assert!(ws_text(&host, SPEC).contains("😀 Holds the books"));
}

#[test]
fn editing_a_spec_rechecks_the_changes_that_link_it() {
    let (_dir, mut host) = setup();
    assert!(codes(&host, TASKS).is_empty(), "{:?}", codes(&host, TASKS));
    let p = path(&host, SPEC);
    host.open(p.clone(), SPEC_TEXT.to_string(), 1);
    host.recheck();
    // Renaming the scenario breaks the task's acceptance link, in a file
    // nobody edited.
    let ch = replace(&host, &p, "Entry is accepted", "Entry is taken");
    host.change(&p, 2, vec![ch]).unwrap();
    let changed = host.recheck();
    assert!(changed.contains(&place(TASKS)), "{changed:?}");
    assert_eq!(codes(&host, TASKS), vec![Code::TasksBrokenAcceptanceLink]);
}

#[test]
fn closing_a_document_goes_back_to_the_file_on_disk() {
    let (_dir, mut host) = setup();
    let p = path(&host, SPEC);
    host.open(p.clone(), SPEC_TEXT.replace("SHALL", "will"), 1);
    host.recheck();
    assert_eq!(codes(&host, SPEC), vec![Code::RequirementMissingShallMust]);
    assert!(host.close(&p).is_some());
    assert!(host.doc(&p).is_none());
    assert_eq!(ws_text(&host, SPEC), SPEC_TEXT);
    host.recheck();
    assert!(codes(&host, SPEC).is_empty());
    assert!(host.close(&p).is_none(), "closing twice is harmless");
}

#[test]
fn file_events_reread_what_is_not_open() {
    let (_dir, mut host) = setup();
    let spec = path(&host, SPEC);
    std::fs::write(&spec, SPEC_TEXT.replace("SHALL", "will")).unwrap();
    assert!(!host.files_changed(vec![(spec.clone(), FsChange::Changed)]));
    assert!(ws_text(&host, SPEC).contains("will record"));
    host.recheck();
    assert_eq!(codes(&host, SPEC), vec![Code::RequirementMissingShallMust]);

    // A created file re-lists the root.
    let other = path(&host, "openspec/specs/audit/spec.md");
    std::fs::create_dir_all(other.parent().unwrap()).unwrap();
    std::fs::write(&other, SPEC_TEXT.replace("ledger", "audit")).unwrap();
    host.files_changed(vec![(other.clone(), FsChange::Created)]);
    assert!(host.roots()[0]
        .ws
        .file("openspec/specs/audit/spec.md")
        .is_some());

    // A deleted one goes, with its diagnostics.
    std::fs::remove_file(&spec).unwrap();
    host.files_changed(vec![(spec, FsChange::Deleted)]);
    assert!(host.roots()[0].ws.file(SPEC).is_none());
    host.recheck();
    assert!(codes(&host, SPEC).is_empty());

    // The settings file says so.
    let toml = path(&host, crate::config::FILE_NAME);
    std::fs::write(&toml, "").unwrap();
    assert!(host.files_changed(vec![(toml, FsChange::Changed)]));
}

#[test]
fn an_open_document_wins_over_the_disk() {
    let (_dir, mut host) = setup();
    let p = path(&host, SPEC);
    let edited = SPEC_TEXT.replace("each entry", "every entry");
    host.open(p.clone(), edited.clone(), 1);
    std::fs::write(&p, SPEC_TEXT.replace("SHALL", "will")).unwrap();
    host.files_changed(vec![(p.clone(), FsChange::Changed)]);
    assert_eq!(ws_text(&host, SPEC), edited);
    // Even when the whole root is listed again.
    let other = path(&host, "openspec/specs/audit/spec.md");
    std::fs::create_dir_all(other.parent().unwrap()).unwrap();
    std::fs::write(&other, SPEC_TEXT).unwrap();
    host.files_changed(vec![(other, FsChange::Created)]);
    assert_eq!(ws_text(&host, SPEC), edited);
}

#[test]
fn a_snapshot_keeps_the_state_it_was_taken_of() {
    let (_dir, mut host) = setup();
    let p = path(&host, SPEC);
    host.open(p.clone(), SPEC_TEXT.to_string(), 1);
    let before = host.snapshot();
    // Asking again without a change hands out the same one.
    assert!(Arc::ptr_eq(&before, &host.snapshot()));
    let ch = replace(&host, &p, "Entry is accepted", "Entry is taken");
    host.change(&p, 2, vec![ch]).unwrap();
    let after = host.snapshot();
    assert!(!Arc::ptr_eq(&before, &after));

    assert_eq!(before.version(&p), Some(1));
    assert_eq!(before.doc(&p).unwrap().doc.text(), SPEC_TEXT);
    assert_eq!(before.ws(0).unwrap().file(SPEC).unwrap().text, SPEC_TEXT);
    assert_eq!(after.version(&p), Some(2));
    assert!(after
        .ws(0)
        .unwrap()
        .file(SPEC)
        .unwrap()
        .text
        .contains("Entry is taken"));

    // The task's acceptance link leads to the scenario in the old
    // snapshot, and nowhere in the new one.
    let link = TASKS_TEXT.find("scenario-entry").unwrap();
    let old = crate::ide::definition(before.ws(0).unwrap(), TASKS, link);
    assert_eq!(old.len(), 1, "{old:?}");
    assert_eq!(old[0].rel, SPEC);
    let focus = old[0].focus;
    assert!(SPEC_TEXT[focus.start as usize..focus.end as usize].contains("Entry is accepted"));
    let new = crate::ide::definition(after.ws(0).unwrap(), TASKS, link);
    assert!(new.iter().all(|t| t.focus != focus), "{new:?}");

    // Closing and file events do not reach it either.
    host.close(&p);
    assert!(host.snapshot().doc(&p).is_none());
    assert_eq!(before.version(&p), Some(1));
}

#[test]
fn a_snapshot_tree_follows_the_edits() {
    let (_dir, mut host) = setup();
    let p = path(&host, SPEC);
    host.open(p.clone(), SPEC_TEXT.to_string(), 1);
    let ch = replace(&host, &p, "## Purpose", "## Purpose\n\n## Notes");
    host.change(&p, 2, vec![ch]).unwrap();
    // The host has not reparsed; the snapshot's tree is for the new text.
    let snap = host.snapshot();
    let tree = snap.tree(&p).unwrap();
    let text = snap.doc(&p).unwrap().doc.text();
    assert_eq!(tree.root_node().end_byte(), text.len());
    assert!(!tree.root_node().has_error());
    let sections = crate::ide::folding_ranges(&text, &tree);
    let notes_line = text[..text.find("## Notes").unwrap()].lines().count() as u32;
    assert!(
        sections.iter().any(|f| f.start_line == notes_line),
        "{notes_line}: {:?}",
        sections.iter().map(|f| f.start_line).collect::<Vec<_>>()
    );
}

#[test]
fn places_and_paths_round_trip_through_a_snapshot() {
    let (_dir, mut host) = setup();
    let p = path(&host, SPEC);
    let snap = host.snapshot();
    assert_eq!(snap.place_of_file(&p), Some(place(SPEC)));
    assert_eq!(snap.path_of(0, SPEC), Some(p.clone()));
    assert_eq!(snap.place_of(Path::new("/nowhere/spec.md")), None);
    // A file outside `openspec/` but under the root still has a place.
    assert_eq!(
        host.place_of(&path(&host, "README.md")),
        Some(place("README.md"))
    );
}

#[test]
fn a_removed_folder_keeps_roots_with_open_documents() {
    let (dir, mut host) = setup();
    let p = path(&host, SPEC);
    host.open(p.clone(), SPEC_TEXT.to_string(), 1);
    host.remove_folder(dir.path());
    assert!(!host.roots()[0].retired);
    host.close(&p);
    host.remove_folder(dir.path());
    assert!(host.roots()[0].retired);
    assert_eq!(host.place_of(&p), None);
}
