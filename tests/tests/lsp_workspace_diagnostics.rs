//! The whole workspace's problems, not only the open files': pushed for
//! every file to a client that does not pull, and answered to
//! `workspace/diagnostic` (with result ids, so a file whose diagnostics did
//! not change is sent as "unchanged") to one that does. The oracle is
//! `specls check --format json` on the same tree, which sees every file.

mod lsp_common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use lsp_common::*;
use serde_json::{json, Value};
use specls_e2e::lsp::{normalize_uri, utf16_client, LspClient, Range, WAIT_TIMEOUT};
use specls_e2e::{examples_dir, Workspace};

/// `(code, 1-based line)` per file, by path relative to the workspace.
type ByFile = BTreeMap<String, BTreeSet<(String, u64)>>;

/// What `specls check` says, by file.
fn checked(ws: &Workspace) -> ByFile {
    let (_, report) = ws.check_json(&[]);
    let mut out = ByFile::new();
    for (code, path, line) in specls_e2e::diagnostics(&report) {
        out.entry(path).or_default().insert((code, line));
    }
    out
}

/// The workspace-relative path of a URI the server sent.
fn rel_of(ws: &Workspace, uri: &str) -> String {
    let base = normalize_uri(&uri_of_dir(ws));
    normalize_uri(uri)
        .strip_prefix(&base)
        .unwrap_or_else(|| panic!("{uri} is not under {base}"))
        .trim_start_matches('/')
        .to_string()
}

fn uri_of_dir(ws: &Workspace) -> String {
    specls_e2e::lsp::file_uri(ws.path())
}

fn keys(items: &[Value]) -> BTreeSet<(String, u64)> {
    items
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_string(),
                u64::from(Range::from_json(&d["range"]).start.line) + 1,
            )
        })
        .collect()
}

/// What the latest pushes say, by file, leaving out files whose latest
/// push is empty.
fn pushed(lsp: &LspClient, ws: &Workspace) -> ByFile {
    let mut latest: BTreeMap<String, BTreeSet<(String, u64)>> = BTreeMap::new();
    for p in lsp.all_publishes() {
        let raw: Vec<Value> = p.diagnostics.iter().map(|d| d.raw.clone()).collect();
        latest.insert(rel_of(ws, &p.uri), keys(&raw));
    }
    latest.retain(|_, v| !v.is_empty());
    latest
}

/// Pumps until the pushes say `want`, or fails with both.
#[track_caller]
fn pushes_become(lsp: &mut LspClient, ws: &Workspace, want: &ByFile) {
    let deadline = Instant::now() + WAIT_TIMEOUT;
    loop {
        let got = pushed(lsp, ws);
        if &got == want {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the pushes never matched specls check:\nwant {want:#?}\ngot {got:#?}"
        );
        lsp.pump_for(Duration::from_millis(20));
    }
}

#[test]
fn every_files_problems_are_pushed_without_opening_it() {
    let ws = Workspace::copy_of(&examples_dir());
    let want = checked(&ws);
    assert!(
        want.len() >= 5,
        "the examples have problems in several files: {want:#?}"
    );
    let mut lsp = start(&ws, utf16_client());
    pushes_become(&mut lsp, &ws, &want);
    // Closed files are not versioned documents.
    assert!(lsp.all_publishes().iter().all(|p| p.version.is_none()));

    // A planted mistake fixed on disk is cleared; one made is reported.
    let tasks = "openspec/changes/add-call-transfer/tasks.md";
    let text = std::fs::read_to_string(ws.join(tasks)).unwrap();
    ws.write(tasks, text.replace("2.4", "2.3"));
    let spec = "openspec/specs/dashboard/spec.md";
    let spec_text = std::fs::read_to_string(ws.join(spec)).unwrap();
    ws.write(spec, spec_text.replacen("SHALL", "shall", 1));
    lsp.watched_files_changed(&[(&uri(&ws, tasks), 2), (&uri(&ws, spec), 2)]);
    let after = checked(&ws);
    assert_ne!(after, want, "the edits changed what check says");
    pushes_become(&mut lsp, &ws, &after);
    lsp.shutdown_and_exit();
}

#[test]
fn a_closed_document_shows_the_problems_of_the_file_on_disk() {
    let ws = Workspace::copy_of(&examples_dir());
    let want = checked(&ws);
    let tasks = "openspec/changes/add-call-transfer/tasks.md";
    assert!(want.contains_key(tasks), "{want:#?}");
    let mut lsp = start(&ws, utf16_client());
    // Open, with every problem fixed in the editor.
    let uri = lsp.open(&ws.join(tasks), "## 1. Nothing\n\n- [ ] 1.1 Nothing\n", 1);
    lsp.diagnostics(&uri, |p| p.version == Some(1) && p.is_empty());
    // Closed without saving: the file on disk is what counts again.
    lsp.close(&uri);
    let p = lsp.diagnostics(&uri, |p| p.version.is_none() && !p.is_empty());
    let raw: Vec<Value> = p.diagnostics.iter().map(|d| d.raw.clone()).collect();
    assert_eq!(&keys(&raw), &want[tasks]);
    lsp.shutdown_and_exit();
}

#[test]
fn turning_workspace_diagnostics_off_clears_the_closed_files() {
    let ws = Workspace::copy_of(&examples_dir());
    let want = checked(&ws);
    let mut lsp = LspClient::start(ws.path());
    lsp.set_configuration_all(json!({"diagnostics": {"delay-ms": 0}}));
    lsp.initialize(
        utf16_client().configuration(true),
        json!({"diagnostics": {"delay-ms": 0}}),
        &[ws.path()],
    );
    lsp.initialized();
    pushes_become(&mut lsp, &ws, &want);

    lsp.set_configuration_all(json!({"diagnostics": {"delay-ms": 0, "workspace": false}}));
    lsp.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": null}),
    );
    pushes_become(&mut lsp, &ws, &ByFile::new());
    lsp.shutdown_and_exit();
}

/// One `workspace/diagnostic`: per file, its result id and (for a full
/// report) its diagnostics; `None` for an unchanged one.
type Pulled = BTreeMap<String, (String, Option<BTreeSet<(String, u64)>>)>;

fn pull_workspace(lsp: &mut LspClient, ws: &Workspace, previous: &Pulled) -> Pulled {
    let ids: Vec<Value> = previous
        .iter()
        .map(|(rel, (id, _))| json!({"uri": uri(ws, rel), "value": id}))
        .collect();
    let r = lsp.request_ok(
        "workspace/diagnostic",
        json!({"identifier": "specls", "previousResultIds": ids}),
    );
    let mut out = Pulled::new();
    for item in r["items"].as_array().expect("items") {
        let rel = rel_of(ws, item["uri"].as_str().expect("uri"));
        let id = item["resultId"].as_str().expect("a result id").to_string();
        let items = match item["kind"].as_str() {
            Some("full") => Some(keys(item["items"].as_array().expect("items"))),
            Some("unchanged") => None,
            other => panic!("report kind {other:?}: {item}"),
        };
        assert!(
            out.insert(rel.clone(), (id, items)).is_none(),
            "{rel} reported twice"
        );
    }
    out
}

/// The full reports of a pull that have diagnostics, by file.
fn full(p: &Pulled) -> ByFile {
    p.iter()
        .filter_map(|(rel, (_, items))| Some((rel.clone(), items.clone()?)))
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

#[test]
fn a_workspace_pull_reports_every_file_and_then_only_what_changed() {
    let ws = Workspace::copy_of(&examples_dir());
    let want = checked(&ws);
    let mut lsp = start(&ws, utf16_client().pull_diagnostics(true));
    let first = pull_workspace(&mut lsp, &ws, &Pulled::new());
    assert_eq!(full(&first), want);

    // Asked again with the ids it gave: nothing is sent again.
    let second = pull_workspace(&mut lsp, &ws, &first);
    assert_eq!(
        second.keys().collect::<Vec<_>>(),
        first.keys().collect::<Vec<_>>()
    );
    for (rel, (id, items)) in &second {
        assert!(items.is_none(), "{rel} was sent again: {items:?}");
        assert_eq!(id, &first[rel].0, "{rel}'s id changed");
    }
    // A pushing server would have pushed; this one must not.
    assert!(lsp.all_publishes().is_empty());

    // One file fixed on disk: only it is sent, empty; one broken: sent.
    let tasks = "openspec/changes/add-call-transfer/tasks.md";
    let text = std::fs::read_to_string(ws.join(tasks)).unwrap();
    let fixed = text
        .lines()
        .filter(|l| !l.contains("2.4") && !l.contains("Acceptance"))
        .collect::<Vec<_>>()
        .join("\n");
    ws.write(tasks, fixed);
    lsp.watched_files_changed(&[(&uri(&ws, tasks), 2)]);
    let after = checked(&ws);
    let deadline = Instant::now() + WAIT_TIMEOUT;
    let third = loop {
        let third = pull_workspace(&mut lsp, &ws, &first);
        let changed: Vec<&String> = third
            .iter()
            .filter(|(_, (_, items))| items.is_some())
            .map(|(rel, _)| rel)
            .collect();
        if !changed.is_empty() || Instant::now() > deadline {
            break third;
        }
        lsp.pump_for(Duration::from_millis(50));
    };
    let mut now = first.clone();
    for (rel, (id, items)) in &third {
        match items {
            Some(v) => now.insert(rel.clone(), (id.clone(), Some(v.clone()))),
            None => {
                assert_eq!(id, &first[rel].0, "{rel}: unchanged under a new id");
                None
            }
        };
    }
    assert_eq!(full(&now), after, "the pulls add up to what check says");
    let sent: Vec<&String> = third
        .iter()
        .filter(|(_, (_, items))| items.is_some())
        .map(|(rel, _)| rel)
        .collect();
    assert!(
        sent.iter()
            .all(|rel| rel.ends_with("add-call-transfer/tasks.md")
                || rel.contains("add-call-transfer/")),
        "files the change does not touch were sent again: {sent:?}"
    );
    lsp.shutdown_and_exit();
}

#[test]
fn a_workspace_pull_is_empty_when_workspace_diagnostics_are_off() {
    let ws = Workspace::copy_of(&examples_dir());
    ws.write("specls.toml", "[diagnostics]\nworkspace = false\n");
    let mut lsp = start(&ws, utf16_client().pull_diagnostics(true));
    let p = pull_workspace(&mut lsp, &ws, &Pulled::new());
    assert!(p.is_empty(), "{p:#?}");
    lsp.shutdown_and_exit();
}
