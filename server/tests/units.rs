//! The incremental engine agrees with a full check: checking every unit
//! gives what checking the whole workspace gives, an edit changes no
//! diagnostics outside the units `dependents` names, and a workspace edited
//! file by file equals one read fresh from the same texts.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use specls::rules::{check, check_workspace, deps::dependents, Diagnostic, Scope};
use specls::workspace::{Unit, Workspace};

mod common;

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples")
}

fn parity_fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/parity-fixture")
}

fn by_units(ws: &Workspace) -> Vec<Diagnostic> {
    let mut all: Vec<Diagnostic> = ws
        .units()
        .iter()
        .flat_map(|u| check(ws, &Scope::Unit(u)))
        .collect();
    all.sort_by(|a, b| (&a.path, a.span.start, a.code).cmp(&(&b.path, b.span.start, b.code)));
    all.dedup();
    all
}

fn trees() -> Vec<PathBuf> {
    let mut out = vec![examples(), parity_fixture()];
    out.extend(common::corpus_trees());
    out
}

/// The Spec Kit and Kiro corpora's repositories, when present.
fn format_trees() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for corpus in [common::corpus_speckit(), common::corpus_kiro()]
        .into_iter()
        .flatten()
    {
        let mut repos: Vec<PathBuf> = std::fs::read_dir(&corpus)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        repos.sort();
        out.extend(repos);
    }
    out
}

#[test]
fn every_unit_together_is_the_whole_workspace() {
    let formats = format_trees();
    for tree in trees().into_iter().chain(formats.iter().cloned()) {
        for root in specls::workspace::discover::find_roots(&tree).unwrap() {
            let ws = Workspace::load(&root);
            let whole = check_workspace(&ws);
            // Every OpenSpec tree of the corpus has something to report.
            assert!(
                !whole.is_empty()
                    || ws.files.is_empty()
                    || tree == examples()
                    || formats.contains(&tree)
            );
            assert_eq!(by_units(&ws), whole, "{}", root.display());
        }
    }
}

/// Each unit's diagnostics, keyed for comparison.
fn per_unit(ws: &Workspace) -> BTreeMap<Unit, Vec<Diagnostic>> {
    ws.units()
        .into_iter()
        .map(|u| {
            let d = check(ws, &Scope::Unit(&u));
            (u, d)
        })
        .collect()
}

/// Ways an author edits a file, each likely to change cross-file results.
fn mutations(text: &str) -> Vec<String> {
    let mut out = vec![
        String::new(),
        format!("{text}\nextra line\n"),
        text.replacen("Scenario:", "Scenario: renamed", 1),
        text.replacen("Requirement:", "Requirement: Renamed", 1),
        text.replacen("#### ", "### ", 1),
        text.replacen("- [ ]", "- [x]", 1),
        text.replacen("](", "](../", 1),
    ];
    // Drop the middle line.
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() > 2 {
        let mut l = lines.clone();
        l.remove(lines.len() / 2);
        out.push(l.join("\n"));
    }
    out.retain(|m| m != text);
    out
}

#[test]
fn an_edit_changes_only_the_units_dependents_names() {
    let mut edits = 0;
    for tree in [examples(), parity_fixture()] {
        let ws0 = Workspace::load(&tree);
        let before = per_unit(&ws0);
        let texts: Vec<(String, String)> = ws0
            .files
            .iter()
            .map(|f| (f.rel.clone(), f.text().to_string()))
            .collect();
        for (rel, text) in &texts {
            for m in mutations(text) {
                let mut ws = Workspace::load(&tree);
                assert!(!ws.set_file(rel, m.into_bytes()), "{rel} is known");
                let allowed: HashSet<Unit> = dependents(&ws, rel).into_iter().collect();
                let after = per_unit(&ws);
                for (unit, diags) in &after {
                    if before.get(unit) != Some(diags) {
                        assert!(
                            allowed.contains(unit),
                            "editing {rel} changed {unit:?}, which dependents() does not name"
                        );
                    }
                }
                edits += 1;
            }
        }
    }
    assert!(edits > 100, "only {edits} edits tried");
}

fn memory_copy(ws: &Workspace) -> Vec<(String, Vec<u8>)> {
    ws.files
        .iter()
        .map(|f| (f.rel.clone(), f.text().to_string().into_bytes()))
        .collect()
}

#[test]
fn a_workspace_edited_in_place_equals_one_read_fresh() {
    let tree = examples();
    let loaded = Workspace::load(&tree);
    let base = memory_copy(&loaded);
    for (k, (rel, text)) in base.iter().enumerate() {
        let text = String::from_utf8(text.clone()).unwrap();
        for m in mutations(&text) {
            let mut ws = Workspace::from_memory(&tree, base.clone());
            ws.set_file(rel, m.clone().into_bytes());
            let mut files = base.clone();
            files[k].1 = m.into_bytes();
            let fresh = Workspace::from_memory(&tree, files);
            assert_eq!(
                check_workspace(&ws),
                check_workspace(&fresh),
                "edit of {rel}"
            );
        }
        // Removing the file, then adding it back.
        let mut ws = Workspace::from_memory(&tree, base.clone());
        assert!(ws.remove(rel));
        let mut files = base.clone();
        files.remove(k);
        let fresh = Workspace::from_memory(&tree, files);
        assert_eq!(
            check_workspace(&ws),
            check_workspace(&fresh),
            "removal of {rel}"
        );
        assert!(ws.set_file(rel, text.into_bytes()));
        assert_eq!(
            check_workspace(&ws),
            check_workspace(&Workspace::from_memory(&tree, base.clone())),
            "re-adding {rel}"
        );
    }
}

#[test]
fn removing_a_change_folder_drops_the_change() {
    let ws0 = Workspace::load(&examples());
    let change = ws0
        .changes
        .keys()
        .find(|c| !c.archived)
        .expect("the examples have an active change")
        .clone();
    let mut ws = Workspace::load(&examples());
    assert!(ws.remove(&format!("openspec/{}", change.dir())));
    assert!(!ws.changes.contains_key(&change));
    assert!(check_workspace(&ws)
        .iter()
        .all(|d| !d.path.starts_with(&format!("openspec/{}/", change.dir()))));
}

#[test]
fn refresh_reads_new_and_changed_files_and_forgets_deleted_ones() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let spec = root.join("openspec/specs/a/spec.md");
    std::fs::create_dir_all(spec.parent().unwrap()).unwrap();
    std::fs::write(&spec, "## Purpose\nx\n## Requirements\n").unwrap();
    let mut ws = Workspace::load(root);
    assert_eq!(ws.files.len(), 1);
    let spec_b = root.join("openspec/specs/b/spec.md");
    std::fs::create_dir_all(spec_b.parent().unwrap()).unwrap();
    std::fs::write(&spec_b, "## Purpose\ny\n").unwrap();
    std::fs::remove_file(&spec).unwrap();
    // An unsaved editor buffer the walk cannot see stays.
    ws.set_file("openspec/specs/c/spec.md", b"## Purpose\nz\n".to_vec());
    ws.refresh(&HashSet::new(), &|rel| rel == "openspec/specs/c/spec.md");
    let names: BTreeSet<&str> = ws.files.iter().map(|f| f.rel.as_str()).collect();
    assert_eq!(
        names,
        BTreeSet::from(["openspec/specs/b/spec.md", "openspec/specs/c/spec.md"])
    );
    assert!(ws.main_spec("b").is_some() && ws.main_spec("a").is_none());
    // A file named as changed is read again.
    std::fs::write(&spec_b, "## Purpose\nchanged\n").unwrap();
    ws.refresh(
        &HashSet::from(["openspec/specs/b/spec.md".to_string()]),
        &|_| false,
    );
    assert!(ws
        .file("openspec/specs/b/spec.md")
        .unwrap()
        .text()
        .contains("changed"));
    assert!(ws.file("openspec/specs/c/spec.md").is_none());
}

/// Edits of every kind, at positions spread over the text.
fn edits_of(text: &str, seed: u64) -> Vec<String> {
    let mut x = seed | 1;
    let mut next = |n: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % n.max(1) as u64) as usize
    };
    let mut out = Vec::new();
    for insert in [
        " ",
        "x",
        "\n",
        "```\n",
        "### Requirement: New\n",
        "#### Scenario: S\n",
        "## Next\n",
        "é",
        "\r\n",
        "- **AND** more\n",
        "- Scenario: x\n",
        "~",
    ] {
        for _ in 0..6 {
            let mut at = next(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let mut t = text.to_string();
            t.insert_str(at, insert);
            out.push(t);
        }
    }
    for _ in 0..6 {
        let mut a = next(text.len() + 1);
        while !text.is_char_boundary(a) {
            a -= 1;
        }
        let mut b = (a + 1 + next(40)).min(text.len());
        while !text.is_char_boundary(b) {
            b -= 1;
        }
        let mut t = text.to_string();
        t.replace_range(a..b, "");
        out.push(t);
    }
    out
}

#[test]
fn rereading_a_main_spec_after_an_edit_equals_reading_it_fresh() {
    use specls::model::MainSpec;
    let mut specs: Vec<String> = Vec::new();
    for tree in trees() {
        for root in specls::workspace::discover::find_roots(&tree).unwrap() {
            let ws = Workspace::load(&root);
            specs.extend(
                ws.files
                    .iter()
                    .filter(|f| matches!(f.kind, specls::workspace::FileKind::MainSpec { .. }))
                    .map(|f| f.text().to_string()),
            );
        }
    }
    assert!(specs.len() >= 5);
    // A spread of the corpus keeps the test quick in debug builds.
    let stride = specs.len().div_ceil(120);
    let mut checked = 0;
    let mut spliced = 0;
    for (k, old) in specs.iter().enumerate().step_by(stride) {
        let before = MainSpec::parse(old);
        for new in edits_of(old, k as u64 + 1) {
            let fresh = MainSpec::parse(&new);
            assert_eq!(
                MainSpec::reparse(&new, Some((&before, old))),
                fresh,
                "spec {k} after an edit"
            );
            // And back again, from the edited summary.
            assert_eq!(MainSpec::reparse(old, Some((&fresh, &new))), before);
            // The short way, which moves the summary into the new one.
            if before.can_splice(old, &new) {
                spliced += 1;
            }
            assert_eq!(
                before.clone().splice(old, &new),
                fresh,
                "spec {k} after an edit, spliced"
            );
            assert_eq!(fresh.splice(&new, old), before, "spec {k}, spliced back");
            checked += 1;
        }
    }
    assert!(checked > 200, "{checked}");
    eprintln!("{spliced} of {checked} edits took the short way");
    // Most edits land in requirement bodies; both ways must be exercised.
    assert!(
        spliced > checked / 10 && spliced < checked,
        "{spliced} of {checked} edits took the short way"
    );
}
