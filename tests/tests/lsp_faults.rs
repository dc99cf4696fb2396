//! Faults over stdio: what a real session can throw at the server besides
//! well-formed requests. In each, the server answers or reports clearly,
//! keeps serving, and exits cleanly when asked (or when its client is
//! gone). Malformed frames, unknown methods, a caught panic and a file
//! deleted while open are in `lsp.rs`.

mod lsp_common;

use std::fmt::Write as _;
use std::io::Write as _;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use lsp_common::*;
use serde_json::{json, Value};
use specls_e2e::lsp::{file_uri, position_params, utf16_client, LspClient, Range, WAIT_TIMEOUT};
use specls_e2e::{specls_bin, Workspace};

fn pull_client() -> specls_e2e::lsp::ClientCaps {
    utf16_client().pull_diagnostics(true)
}

#[test]
fn exit_without_shutdown_ends_with_status_1() {
    let ws = spec_workspace(GOOD_SPEC);
    let mut lsp = start(&ws, utf16_client());
    lsp.notify("exit", Value::Null);
    let status = lsp.wait_exit(Duration::from_secs(10));
    assert_eq!(status, Some(Some(1)), "{}", lsp.context());
}

/// The client sends a request and vanishes: both pipes close before the
/// answer is written. The server must notice and end, not hang or spin.
#[test]
fn a_client_that_disappears_mid_request_ends_the_server() {
    let ws = spec_workspace(WEAK_SPEC);
    let mut child = Command::new(specls_bin())
        .arg("lsp")
        .current_dir(ws.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("specls starts");
    let frame = |v: Value| {
        let body = v.to_string();
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    };
    let folder = file_uri(ws.path());
    let mut stdin = child.stdin.take().expect("stdin");
    let mut msgs = String::new();
    msgs += &frame(
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "processId": null, "rootUri": folder, "capabilities": {},
        "workspaceFolders": [{"uri": folder, "name": "w"}]}}),
    );
    msgs += &frame(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    msgs += &frame(
        json!({"jsonrpc": "2.0", "id": 2, "method": "workspace/symbol", "params": {"query": "greet"}}),
    );
    stdin.write_all(msgs.as_bytes()).expect("write");
    drop(child.stdout.take());
    drop(stdin);
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            assert!(!status.success(), "no shutdown was asked for: {status}");
            return;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the server kept running after its client disappeared");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A message larger than the limit is skipped with an error, and the next
/// one is read. (The limit is 256 MiB; a test hook lowers it to 1 MiB so
/// that the test sends 2 MiB.)
#[test]
fn a_message_over_the_size_limit_is_refused_and_the_server_reads_on() {
    let ws = spec_workspace(WEAK_SPEC);
    let mut lsp = LspClient::spawn_with_env(
        &["lsp"],
        ws.path(),
        &[
            ("SPECLS_TEST_HOOKS", "1"),
            ("SPECLS_TEST_MAX_MESSAGE", "1048576"),
        ],
    );
    lsp.initialize(pull_client(), fast(), &[ws.path()]);
    lsp.initialized();
    let big = "x".repeat(2 << 20);
    let uri = file_uri(&ws.join(MAIN));
    lsp.open_uri(&uri, &big, 1);
    // The refused message is answered with an error of its own...
    let symbols = lsp.request("workspace/symbol", json!({"query": "greeting"}));
    assert!(symbols.is_ok(), "{symbols:?}\n{}", lsp.context());
    let refused: Vec<&Value> = lsp.orphan_responses();
    assert!(
        refused.iter().any(|r| r["error"]["code"] == json!(-32600)
            && r["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("too large"))),
        "no 'message too large' error: {refused:?}"
    );
    // ...and the document was never opened: the file on disk is served.
    lsp.open_uri(&uri, WEAK_SPEC, 2);
    assert_eq!(
        pulled_codes_within(&mut lsp, &uri, WAIT_TIMEOUT),
        ["requirement/missing-shall-must"]
    );
    lsp.shutdown_and_exit();
}

/// A 50 MB spec opened in the editor: checked, edited and answered, with
/// its one diagnostic.
#[test]
fn a_50_mb_spec_opened_in_the_editor_is_served() {
    let mut text = String::from(
        "# big Specification\n\n## Purpose\n\nA very large spec, to see that the server copes with one.\n\n## Requirements\n\n",
    );
    let mut n = 0;
    while text.len() < 50_000_000 {
        n += 1;
        let _ = write!(
            text,
            "### Requirement: Entry {n}\n\nThe ledger SHALL record entry {n}.\n\n#### Scenario: Entry {n} is recorded\n\n- **WHEN** entry {n} is posted\n- **THEN** it is recorded\n\n"
        );
    }
    // One requirement without SHALL/MUST: exactly one warning.
    let weak = text
        .find("The ledger SHALL record entry 777.")
        .expect("entry 777");
    text.replace_range(weak + 11..weak + 16, "will");
    let ws = spec_workspace(GOOD_SPEC);
    let mut lsp = start(&ws, pull_client());
    let uri = file_uri(&ws.join("openspec/specs/big/spec.md"));
    lsp.open_uri(&uri, &text, 1);
    // A hang detector, not a timing: a debug build takes 45 s of CPU for
    // this text, and other tests share the machine's two cores.
    let slow = Duration::from_secs(300);
    assert_eq!(
        pulled_codes_within(&mut lsp, &uri, slow),
        ["requirement/missing-shall-must"],
        "{n} requirements"
    );
    // Fix it: entry 777's body is on line 8 + 9 * 776 + 2 (blocks of nine lines).
    let line = (8 + 9 * 776 + 2) as u32;
    lsp.change(&uri, 2, &[(Range::new(line, 11, line, 15), "SHALL")]);
    assert!(pulled_codes_within(&mut lsp, &uri, slow).is_empty());
    let hover = lsp.request_timeout("textDocument/hover", position_params(&uri, line, 3), slow);
    assert!(hover.is_ok(), "{hover:?}");
    lsp.shutdown_and_exit();
}

/// An open file replaced on disk by a folder (unreadable as a file): the
/// buffer stays the truth while open; closing it drops it without harm.
/// A closed file replaced by a named pipe is not read into a hang.
#[test]
fn files_made_unreadable_while_open_or_closed() {
    let ws = change_workspace();
    let mut lsp = start(&ws, utf16_client());
    let main = open_file(&mut lsp, &ws, MAIN);
    lsp.diagnostics(&main, |_| true);
    std::fs::remove_file(ws.join(MAIN)).unwrap();
    std::fs::create_dir(ws.join(MAIN)).unwrap();
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": main, "type": 2}]}),
    );
    lsp.change(&main, 2, &[(Range::at(0, 0), "x")]);
    lsp.diagnostics(&main, |p| p.version == Some(2));
    lsp.close(&main);
    lsp.diagnostics(&main, |p| p.version.is_none() && p.is_empty());

    let tasks = ws.join(TASKS);
    std::fs::remove_file(&tasks).unwrap();
    let made = Command::new("mkfifo").arg(&tasks).status();
    if made.is_ok_and(|s| s.success()) {
        lsp.notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": file_uri(&tasks), "type": 2}]}),
        );
    }
    let symbols = lsp.request_timeout(
        "workspace/symbol",
        json!({"query": "transfer"}),
        WAIT_TIMEOUT,
    );
    assert!(symbols.is_ok(), "{symbols:?}\n{}", lsp.context());
    lsp.shutdown_and_exit();
}

/// 100,000 Markdown files: indexed with progress, and served meanwhile.
/// It writes 100,000 files and takes minutes, so a plain `cargo test`
/// skips it unless `SPECLS_SLOW_TESTS=1` (which CI sets) asks for it.
#[test]
fn a_workspace_of_100000_files_is_indexed_and_served() {
    if std::env::var_os("SPECLS_SLOW_TESTS").is_none_or(|v| v != "1") {
        eprintln!(
            "skipping the 100,000-file workspace: set SPECLS_SLOW_TESTS=1 to run it (CI does)"
        );
        return;
    }
    let ws = Workspace::new("//- openspec/config.yaml\nschema: spec-driven\n");
    let made = Instant::now();
    for i in 0..100_000 {
        let dir = ws.join(&format!("openspec/specs/cap-{:03}/part-{i}", i / 1000));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("spec.md"),
            format!("# part {i}\n\n## Purpose\n\nThe part {i} of a very large workspace, for the fault tests.\n\n## Requirements\n\n### Requirement: Part {i} works\n\nThe part SHALL work.\n\n#### Scenario: It works\n\n- **WHEN** used\n- **THEN** it works\n"),
        )
        .unwrap();
    }
    let made = made.elapsed();
    let started = Instant::now();
    let mut lsp = start(&ws, utf16_client().work_done_progress(true));
    // Served while indexing: a request is answered (perhaps before the
    // index has the answer).
    let early = lsp.request_timeout(
        "workspace/symbol",
        json!({"query": "Part 99999 works"}),
        Duration::from_secs(60),
    );
    assert!(early.is_ok(), "{early:?}");
    let found = lsp.request_until(
        "workspace/symbol",
        json!({"query": "Part 99999 works"}),
        Duration::from_secs(300),
        |v| {
            v.as_array().is_some_and(|a| {
                a.iter().any(|s| {
                    s["name"]
                        .as_str()
                        .is_some_and(|n| n.contains("Part 99999 works"))
                })
            })
        },
    );
    assert!(found.is_array());
    let indexed = started.elapsed();
    let _ = writeln!(
        std::io::stderr(),
        "100,000 files: made in {made:.1?}, indexed and found in {indexed:.1?}"
    );
    lsp.shutdown_and_exit();
}
