//! A hostile file system: named pipes where specls reads its settings and
//! ignore files, and a file past the size limit. `specls check` must finish
//! and `specls lsp` must keep serving; every run has a timeout, so a
//! regression fails instead of hanging.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::json;
use specls_e2e::lsp::{file_uri, find_symbol, utf16_client, LspClient};
use specls_e2e::{copy_dir, examples_dir, run_with_timeout, Output, Workspace};

const SPEC: &str = "openspec/specs/call-analytics/spec.md";
const LIMIT: Duration = Duration::from_secs(30);

/// Replaces `path` (if any) with a named pipe; false where `mkfifo` is
/// missing.
fn make_fifo(path: &Path) -> bool {
    let _ = std::fs::remove_file(path);
    let made = Command::new("mkfifo").arg(path).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("mkfifo is not available; the named-pipe cases are skipped");
        return false;
    }
    true
}

#[track_caller]
fn check(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    run_with_timeout(&all, dir, LIMIT).unwrap_or_else(|| {
        panic!(
            "specls check in {} hung (killed after {LIMIT:?})",
            dir.display()
        )
    })
}

/// The (file, code, line) of every diagnostic of a JSON report.
fn found(out: &Output) -> Vec<(String, String, u64)> {
    specls_e2e::diagnostics(&out.json())
}

#[test]
fn check_finishes_with_named_pipes_for_ignore_files() {
    let plain = Workspace::copy_of(&examples_dir());
    let want = check(plain.path(), &[]);
    for place in [
        ".gitignore",
        "openspec/.gitignore",
        "openspec/specs/.gitignore",
    ] {
        let ws = Workspace::copy_of(&examples_dir());
        if !make_fifo(&ws.join(place)) {
            return;
        }
        let got = check(ws.path(), &[]);
        got.assert_ran();
        assert_eq!(found(&got), found(&want), "a pipe at {place}\n{got}");
    }
    // Looking for roots below a folder reads the ignore files there too.
    let outer = Workspace::empty();
    copy_dir(&examples_dir(), &outer.join("demo"));
    if !make_fifo(&outer.join(".gitignore")) || !make_fifo(&outer.join("demo/.gitignore")) {
        return;
    }
    let got = check(outer.path(), &[]);
    got.assert_ran();
    assert!(
        got.json().to_string().contains("call-analytics"),
        "the root below was checked\n{got}"
    );
}

#[test]
fn check_refuses_a_named_pipe_for_settings_clearly() {
    let ws = Workspace::copy_of(&examples_dir());
    if !make_fifo(&ws.join("specls.toml")) {
        return;
    }
    let out = check(ws.path(), &[]);
    assert!(!out.stderr.contains("panicked"), "{out}");
    assert_eq!(out.status, 2, "{out}");
    assert!(
        out.stderr.contains("specls.toml") && out.stderr.contains("not a regular file"),
        "{out}"
    );
}

/// A file past the 64 MiB limit is skipped by its size, without being read:
/// the check's peak memory stays far below the file's size.
#[test]
fn a_file_over_the_limit_is_skipped_without_reading_it() {
    let ws = Workspace::copy_of(&examples_dir());
    let big = ws.join("openspec/specs/huge/spec.md");
    std::fs::create_dir_all(big.parent().unwrap()).unwrap();
    // Sparse: no disk is used.
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(65 << 20).unwrap();
    drop(f);
    let out = check(ws.path(), &[]);
    out.assert_ran();
    assert!(
        out.stdout.contains("larger than the 64 MiB"),
        "the big file is named as skipped\n{out}"
    );
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        eprintln!("/usr/bin/time is missing; the memory of the skip is not measured");
        return;
    }
    let run = Command::new(time)
        .args(["-f", "%M"])
        .arg(specls_e2e::specls_bin())
        .args(["check", "--format", "json"])
        .current_dir(ws.path())
        .output()
        .expect("run specls under /usr/bin/time");
    let err = String::from_utf8_lossy(&run.stderr);
    let kib: u64 = err
        .lines()
        .rev()
        .find_map(|l| l.trim().parse().ok())
        .unwrap_or_else(|| panic!("no peak memory from /usr/bin/time: {err}"));
    assert!(
        kib < 48 * 1024,
        "skipping a 65 MiB file took {kib} KiB of memory at its peak"
    );
}

/// `specls lsp` on a copy of the examples whose settings and ignore files
/// are named pipes from the start: it reads the workspace and serves.
#[test]
fn the_server_serves_with_named_pipes_there_from_the_start() {
    let ws = Workspace::copy_of(&examples_dir());
    for place in ["specls.toml", ".gitignore", "openspec/.gitignore"] {
        if !make_fifo(&ws.join(place)) {
            return;
        }
    }
    let (mut lsp, _) = LspClient::start_in(ws.path(), utf16_client(), json!({}));
    assert_serving(&mut lsp, &ws, "named pipes at the start");
    lsp.shutdown_and_exit();
}

/// The same pipes appearing while the server runs (seen by its own
/// watcher, and announced by the client too).
#[test]
fn the_server_serves_when_named_pipes_appear_later() {
    let ws = Workspace::copy_of(&examples_dir());
    let (mut lsp, _) = LspClient::start_in(ws.path(), utf16_client(), json!({}));
    assert_serving(&mut lsp, &ws, "the start");
    for place in ["specls.toml", ".gitignore", "openspec/.gitignore"] {
        if !make_fifo(&ws.join(place)) {
            return;
        }
        lsp.watched_files_changed(&[(&file_uri(&ws.join(place)), 1)]);
        // Time for the watcher to act on it.
        lsp.pump_for(Duration::from_millis(300));
        assert_serving(&mut lsp, &ws, place);
    }
    lsp.shutdown_and_exit();
}

#[track_caller]
fn assert_serving(lsp: &mut LspClient, ws: &Workspace, after: &str) {
    let symbols = lsp.request_until(
        "workspace/symbol",
        json!({"query": "Call Records"}),
        Duration::from_secs(20),
        |v| v.as_array().is_some_and(|a| !a.is_empty()),
    );
    assert!(symbols.is_array(), "after {after}: {symbols}");
    let text = std::fs::read_to_string(ws.join(SPEC)).unwrap();
    let uri = lsp.open(&ws.join(SPEC), &text, 1);
    let doc = lsp
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        )
        .unwrap_or_else(|e| panic!("after {after}: {e}\n{}", lsp.context()));
    assert!(
        find_symbol(&doc, |n| n.contains("Call Records")).is_some(),
        "after {after}: {doc}"
    );
    lsp.close(&uri);
}

/// `(code, zero-based line)` of what `specls check` reports for `rel`.
fn check_says(root: &Path, rel: &str) -> Vec<(String, u32)> {
    let out = check(root, &[]);
    let mut v: Vec<(String, u32)> = specls_e2e::diagnostics(&out.json())
        .into_iter()
        .filter(|(_, path, _)| path == rel)
        .map(|(code, _, line)| (code, line as u32 - 1))
        .collect();
    v.sort();
    v
}

/// The codes and lines of the server's latest diagnostics for `uri`, sorted
/// as [`check_says`] gives them.
fn server_says(lsp: &LspClient, uri: &str) -> Vec<(String, u32)> {
    let mut v: Vec<(String, u32)> = lsp
        .latest_diagnostics(uri)
        .map(|p| {
            p.diagnostics
                .iter()
                .map(|d| (d.code.clone(), d.range.start.line))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Waits until the server's diagnostics for each open file equal what
/// `specls check` says and its workspace symbols hold every main spec.
#[track_caller]
fn assert_agrees_with_check(
    lsp: &mut LspClient,
    ws: &Workspace,
    open: &[(&str, String)],
    after: &str,
) {
    for (rel, uri) in open {
        let want = check_says(ws.path(), rel);
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        loop {
            lsp.pump_for(Duration::from_millis(100));
            let got = server_says(lsp, uri);
            if got == want {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "after {after}, the server says of {rel}\n{got:?}\nand check says\n{want:?}"
            );
        }
    }
    for capability in [
        "call-analytics",
        "connect-infrastructure",
        "dashboard",
        "voice-agent",
        "webhooks",
    ] {
        lsp.request_until(
            "workspace/symbol",
            json!({"query": capability}),
            Duration::from_secs(15),
            |v| {
                v.as_array().is_some_and(|a| {
                    a.iter().any(|s| {
                        s["location"]["uri"].as_str().is_some_and(|u| {
                            u.ends_with(&format!("openspec/specs/{capability}/spec.md"))
                        })
                    })
                })
            },
        );
    }
}

/// What a branch switch or a restore does: `rm -rf openspec` and a copy
/// put back. The server's own watcher (the client watches nothing) must
/// follow, however often it happens.
#[test]
fn the_server_watcher_recovers_after_the_spec_folder_is_replaced() {
    let ws = Workspace::copy_of(&examples_dir());
    let backup = Workspace::copy_of(&examples_dir().join("openspec"));
    let mut lsp = LspClient::start(ws.path());
    lsp.initialize(
        utf16_client().work_done_progress(true),
        json!({"diagnostics": {"delay-ms": 0}}),
        &[ws.path()],
    );
    lsp.initialized();
    // Indexed and watching once the progress ends.
    lsp.wait_notification(
        "$/progress",
        |p| p["value"]["kind"] == "end",
        Duration::from_secs(20),
    );
    let mut open = Vec::new();
    for rel in [
        "openspec/changes/add-call-transfer/tasks.md",
        "openspec/changes/add-call-transfer/specs/call-transfer/spec.md",
    ] {
        let text = std::fs::read_to_string(ws.join(rel)).unwrap();
        open.push((rel, lsp.open(&ws.join(rel), &text, 1)));
    }
    assert_agrees_with_check(&mut lsp, &ws, &open, "the start");
    for round in 0..3 {
        std::fs::remove_dir_all(ws.join("openspec")).unwrap();
        lsp.pump_for(Duration::from_millis(200));
        copy_dir(backup.path(), &ws.join("openspec"));
        assert_agrees_with_check(&mut lsp, &ws, &open, &format!("restore {round}"));
    }
    lsp.shutdown_and_exit();
}

/// Writes that land while the server reads its roots: each root is watched
/// just before it is read, and the roots are read side by side, so a write
/// may land on a root not yet watched, watched but not yet read, being
/// read, or read. Whichever it was, once the index has ended the server
/// must say of every written file what `specls check` says, naming the last
/// write's dependency. Thirty roots (copies of the examples' OpenSpec
/// tree), the client watching nothing. (A server that left the roots
/// unwatched fails this after a dozen rounds; one that watched each root
/// only after reading it would lose only a write that fell in between and
/// was the root's last, which this cannot force.)
#[test]
fn writes_during_the_index_are_seen_in_every_root() {
    const ROOTS: usize = 30;
    const TASKS: &str = "openspec/changes/add-call-transfer/tasks.md";
    let ws = Workspace::empty();
    for k in 0..ROOTS {
        copy_dir(
            &examples_dir().join("openspec"),
            &ws.join(&format!("team{k:02}/openspec")),
        );
    }
    let mut lsp = LspClient::start(ws.path());
    lsp.initialize(
        utf16_client().work_done_progress(true),
        json!({"diagnostics": {"delay-ms": 0}}),
        &[ws.path()],
    );
    let original: Vec<String> = (0..ROOTS)
        .map(|k| std::fs::read_to_string(ws.join(&format!("team{k:02}/{TASKS}"))).unwrap())
        .collect();
    lsp.initialized();
    // Round after round until the index ends, every root's task list is
    // given a dependency on a task that does not exist, a new one each
    // round, so that some rounds land on each root after it was read.
    let ended = |lsp: &LspClient| {
        lsp.notifications("$/progress")
            .iter()
            .any(|p| p["value"]["kind"] == "end")
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let mut round = 0;
    while !ended(&lsp) {
        round += 1;
        for (k, text) in original.iter().enumerate() {
            let late = format!(
                "{text}\n## 9. Late\n\n- [ ] 9.1 Written during the index (requires 42.{round})\n"
            );
            std::fs::write(ws.join(&format!("team{k:02}/{TASKS}")), late).unwrap();
        }
        lsp.pump_for(Duration::from_millis(5));
        assert!(
            std::time::Instant::now() < deadline,
            "the index did not end"
        );
    }
    for k in 0..ROOTS {
        let root = ws.join(&format!("team{k:02}"));
        let want = check_says(&root, TASKS);
        assert!(
            want.iter().any(|(c, _)| c == "tasks/unknown-dependency"),
            "check does not see the write in team{k:02}: {want:?}"
        );
        // The message names the last round's id: compare it too.
        let want_last = format!("42.{round}");
        let uri = file_uri(&root.join(TASKS));
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        loop {
            let got = server_says(&lsp, &uri);
            let names_last = lsp.latest_diagnostics(&uri).is_some_and(|p| {
                p.diagnostics
                    .iter()
                    .any(|d| d.code == "tasks/unknown-dependency" && d.message.contains(&want_last))
            });
            if got == want && names_last {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "team{k:02} after {round} rounds: the server says\n{got:?}\nand check says\n{want:?} (naming {want_last}: {names_last})"
            );
            lsp.pump_for(Duration::from_millis(100));
        }
    }
    lsp.shutdown_and_exit();
}
