//! A differential file-system test: seeded random sequences of file
//! operations on a copy of `examples/` (a file created, deleted or renamed,
//! a capability folder replaced, `openspec/` removed and put back), with
//! the server watching the files itself and, separately, with the client
//! reporting them (`workspace/didChangeWatchedFiles`). After each operation
//! settles, the diagnostics the server gives for every open document equal
//! `specls check` on the same tree, and its workspace symbols equal those
//! of a server started fresh on it.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::json;
use specls_e2e::lsp::{file_uri, utf16_client, LspClient};
use specls_e2e::{copy_dir, examples_dir, files_under, Rng, Workspace};

/// Open in the editor, with the text on disk; operations leave them alone
/// (but for removing `openspec/` and putting it back), since an open
/// document's text, not the disk, is what the server reads.
const OPEN: &[&str] = &[
    "openspec/changes/add-call-transfer/tasks.md",
    "openspec/specs/call-analytics/spec.md",
];

/// What a server says about the tree: each open document's diagnostics as
/// (code, 1-based line), and every workspace symbol as (name, file, line).
#[derive(Debug, PartialEq, Eq)]
struct Said {
    diagnostics: Vec<BTreeSet<(String, u64)>>,
    symbols: BTreeSet<(String, String, u64)>,
}

fn pulled(lsp: &mut LspClient, ws: &Workspace) -> Option<Vec<BTreeSet<(String, u64)>>> {
    OPEN.iter()
        .map(|rel| {
            let uri = file_uri(&ws.join(rel));
            let r = lsp
                .request(
                    "textDocument/diagnostic",
                    json!({"textDocument": {"uri": uri}}),
                )
                .ok()?;
            Some(
                r["items"]
                    .as_array()?
                    .iter()
                    .map(|d| {
                        (
                            d["code"].as_str().unwrap_or_default().to_string(),
                            d["range"]["start"]["line"].as_u64().unwrap_or(0) + 1,
                        )
                    })
                    .collect(),
            )
        })
        .collect()
}

fn symbols(lsp: &mut LspClient, ws: &Workspace) -> Option<BTreeSet<(String, String, u64)>> {
    let root = file_uri(ws.path());
    let v = lsp.request("workspace/symbol", json!({"query": ""})).ok()?;
    Some(
        v.as_array()?
            .iter()
            .map(|s| {
                let uri = s["location"]["uri"].as_str().unwrap_or_default();
                (
                    s["name"].as_str().unwrap_or_default().to_string(),
                    uri.strip_prefix(&root).unwrap_or(uri).to_string(),
                    s["location"]["range"]["start"]["line"]
                        .as_u64()
                        .unwrap_or(0),
                )
            })
            .collect(),
    )
}

fn said(lsp: &mut LspClient, ws: &Workspace) -> Option<Said> {
    Some(Said {
        diagnostics: pulled(lsp, ws)?,
        symbols: symbols(lsp, ws)?,
    })
}

/// What `specls check` says of the open documents.
fn checked(ws: &Workspace) -> Vec<BTreeSet<(String, u64)>> {
    let (_, report) = ws.check_json(&[]);
    OPEN.iter()
        .map(|rel| {
            specls_e2e::diagnostics(&report)
                .into_iter()
                .filter(|(_, path, _)| path == rel)
                .map(|(code, _, line)| (code, line))
                .collect()
        })
        .collect()
}

fn start(ws: &Workspace, client_watches: bool) -> LspClient {
    let (mut lsp, _) = LspClient::start_in(
        ws.path(),
        utf16_client()
            .pull_diagnostics(true)
            .watched_files_registration(client_watches),
        json!({"diagnostics": {"delay-ms": 0}}),
    );
    for rel in OPEN {
        let text = std::fs::read_to_string(ws.join(rel)).unwrap();
        lsp.open(&ws.join(rel), &text, 1);
    }
    lsp
}

/// A server started on the tree as it is now.
fn fresh(ws: &Workspace) -> Said {
    let mut lsp = start(ws, true);
    let deadline = Instant::now() + Duration::from_secs(20);
    let got = loop {
        if let Some(s) = said(&mut lsp, ws).filter(|s| !s.symbols.is_empty()) {
            break s;
        }
        assert!(Instant::now() < deadline, "a fresh server said nothing");
        std::thread::sleep(Duration::from_millis(50));
    };
    lsp.shutdown_and_exit();
    got
}

/// One file operation, with what a watching client reports of it.
fn operate(
    ws: &Workspace,
    backup: &Path,
    op: usize,
    rng: &mut Rng,
    k: usize,
) -> (String, Vec<(String, u32)>) {
    const CREATED: u32 = 1;
    const DELETED: u32 = 3;
    let uri = |rel: &str| file_uri(&ws.join(rel));
    // Files an operation may touch: Markdown under `openspec/`, not open.
    let files: Vec<String> = files_under(&ws.join("openspec"))
        .into_iter()
        .map(|f| format!("openspec/{f}"))
        .filter(|f| f.ends_with(".md") && !OPEN.contains(&f.as_str()))
        .collect();
    let caps: Vec<String> = std::fs::read_dir(ws.join("openspec/specs"))
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|c| c != "call-analytics")
                .collect()
        })
        .unwrap_or_default();
    match op {
        0 => {
            let rel = format!("openspec/specs/made-{k}/spec.md");
            ws.write(
                &rel,
                format!("# made-{k} Specification\n\n## Purpose\n\nA capability made while the server ran, number {k}.\n\n## Requirements\n\n### Requirement: Made {k}\n\nThe system SHALL exist.\n\n#### Scenario: Made\n\n- **WHEN** made\n- **THEN** it exists\n"),
            );
            (format!("create {rel}"), vec![(uri(&rel), CREATED)])
        }
        1 if !files.is_empty() => {
            let rel = files[rng.below(files.len())].clone();
            std::fs::remove_file(ws.join(&rel)).unwrap();
            (format!("delete {rel}"), vec![(uri(&rel), DELETED)])
        }
        2 if !files.is_empty() => {
            let rel = files[rng.below(files.len())].clone();
            let to = rel.replace(".md", &format!("-{k}.md"));
            std::fs::rename(ws.join(&rel), ws.join(&to)).unwrap();
            (
                format!("rename {rel} to {to}"),
                vec![(uri(&rel), DELETED), (uri(&to), CREATED)],
            )
        }
        3 if caps.len() >= 2 => {
            // Replaced by another capability's spec under its name.
            let i = rng.below(caps.len());
            let j = (i + 1 + rng.below(caps.len() - 1)) % caps.len();
            let (a, b) = (&caps[i], &caps[j]);
            let dir = format!("openspec/specs/{a}");
            let spec = std::fs::read_to_string(ws.join(&format!("openspec/specs/{b}/spec.md")))
                .unwrap_or_default();
            std::fs::remove_dir_all(ws.join(&dir)).unwrap();
            ws.write(&format!("{dir}/spec.md"), spec);
            (
                format!("replace {dir} with {b}"),
                vec![(uri(&dir), DELETED), (uri(&dir), CREATED)],
            )
        }
        _ => {
            std::fs::remove_dir_all(ws.join("openspec")).unwrap();
            copy_dir(backup, &ws.join("openspec"));
            (
                "rm -rf openspec and restore it".to_string(),
                vec![(uri("openspec"), DELETED), (uri("openspec"), CREATED)],
            )
        }
    }
}

fn sequence(seed: u64, client_watches: bool, ops: &[Option<usize>]) {
    let ws = Workspace::copy_of(&examples_dir());
    let backup = tempfile::tempdir().unwrap();
    copy_dir(&ws.join("openspec"), backup.path());
    let mut lsp = start(&ws, client_watches);
    let mut rng = Rng::new(seed);
    let mut done = Vec::new();
    for (k, op) in ops.iter().enumerate() {
        let op = op.unwrap_or_else(|| rng.below(5));
        let (what, events) = operate(&ws, backup.path(), op, &mut rng, k);
        done.push(what);
        if client_watches {
            let events: Vec<(&str, u32)> = events.iter().map(|(u, t)| (u.as_str(), *t)).collect();
            lsp.watched_files_changed(&events);
        }
        let want = Said {
            diagnostics: checked(&ws),
            symbols: fresh(&ws).symbols,
        };
        // Settling: the server's own watcher reports after a pause.
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let got = said(&mut lsp, &ws);
            if got.as_ref() == Some(&want) {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "seed {seed}, client watching {client_watches}, after {done:?}:\nwant {want:#?}\ngot {got:#?}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    lsp.shutdown_and_exit();
}

#[test]
fn the_server_watching_files_itself_agrees_with_check_and_a_fresh_server() {
    for seed in [1, 2] {
        sequence(seed, false, &[None; 4]);
    }
}

#[test]
fn a_client_reporting_file_changes_gets_what_check_and_a_fresh_server_say() {
    for seed in [3, 4] {
        sequence(seed, true, &[None; 4]);
    }
}

/// `openspec/` removed and a copy put back, which a branch switch or a
/// restore can do: the events name the folder, not the files under it.
#[test]
fn openspec_removed_and_put_back_is_read_again() {
    sequence(9, false, &[Some(4)]);
    sequence(9, true, &[Some(4)]);
}

/// A capability folder replaced by one with other text under the same
/// names, reported by the client as the folder deleted and created.
#[test]
fn a_folder_replaced_under_the_same_names_is_read_again() {
    sequence(9, true, &[Some(3)]);
}
