//! A hostile client: messages written from the letter of the protocol
//! (and past it), through the real binary. After each bad input the server
//! must still be running, answer a valid request on an open document of a
//! copy of `examples/` correctly, and exit with the right status at the end.

use std::time::Duration;

use serde_json::{json, Value};
use specls_e2e::lsp::{find_symbol, position_params, utf16_client, LspClient};
use specls_e2e::{examples_dir, Workspace};

const SPEC: &str = "openspec/specs/call-analytics/spec.md";

/// A copy of `examples/` served by `specls lsp`, with one spec open.
struct Session {
    _ws: Workspace,
    lsp: LspClient,
    uri: String,
}

impl Session {
    fn start() -> Session {
        let ws = Workspace::copy_of(&examples_dir());
        let (mut lsp, _) = LspClient::start_in(ws.path(), utf16_client(), json!({}));
        let text = std::fs::read_to_string(ws.join(SPEC)).expect("the example spec");
        let uri = lsp.open(&ws.join(SPEC), &text, 1);
        let mut s = Session { _ws: ws, lsp, uri };
        s.assert_serving("at the start");
        s
    }

    /// The oracle: the server runs and answers a document-symbol request and
    /// a hover on the open spec with what the spec says.
    #[track_caller]
    fn assert_serving(&mut self, after: &str) {
        assert!(
            self.lsp.is_running(),
            "the server ended after {after}\n{}",
            self.lsp.context()
        );
        let symbols = self
            .lsp
            .request(
                "textDocument/documentSymbol",
                json!({"textDocument": {"uri": self.uri}}),
            )
            .unwrap_or_else(|e| {
                panic!(
                    "documentSymbol failed after {after}: {e}\n{}",
                    self.lsp.context()
                )
            });
        assert!(
            find_symbol(&symbols, |n| n.contains("Call Records")).is_some(),
            "after {after}, the symbols miss the requirement: {symbols}"
        );
        // Line 8 is "### Requirement: Call Records".
        let hover = self
            .lsp
            .request("textDocument/hover", position_params(&self.uri, 8, 20));
        assert!(
            matches!(&hover, Ok(h) if h.is_object()),
            "after {after}, hover gave {hover:?}\n{}",
            self.lsp.context()
        );
    }

    fn raw_frame(&mut self, body: &[u8]) {
        let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        frame.extend_from_slice(body);
        self.lsp.send_raw(&frame);
    }

    /// The error responses with a null id received so far.
    fn orphan_codes(&self) -> Vec<i64> {
        self.lsp
            .orphan_responses()
            .iter()
            .filter_map(|r| r["error"]["code"].as_i64())
            .collect()
    }
}

#[test]
fn well_framed_invalid_messages_are_answered_and_the_server_serves_on() {
    let mut s = Session::start();
    // Requests whose id cannot be read: answered with id null.
    let unreadable_id = [
        r#"{"jsonrpc":"2.0","id":1.5,"method":"textDocument/hover"}"#,
        r#"{"jsonrpc":"2.0","id":{},"method":"textDocument/hover"}"#,
        r#"{"jsonrpc":"2.0","id":[1],"method":"textDocument/hover"}"#,
        r#"{"jsonrpc":"2.0","id":true,"method":"textDocument/hover"}"#,
        r#"{"jsonrpc":"2.0","id":9223372036854775808,"method":"textDocument/hover"}"#,
    ];
    for body in unreadable_id {
        let before = s.orphan_codes().len();
        s.raw_frame(body.as_bytes());
        s.assert_serving(body);
        assert_eq!(s.orphan_codes()[before..], [-32600], "{body}");
    }
    // Requests with a usable id but no valid message around it: answered
    // with their own id.
    let usable_id = [
        (
            json!(901),
            r#"{"jsonrpc":"1.0","id":901,"method":"textDocument/hover"}"#,
        ),
        (
            json!(902),
            r#"{"jsonrpc":2,"id":902,"method":"textDocument/hover"}"#,
        ),
        (
            json!("903"),
            r#"{"id":"903","method":"textDocument/hover"}"#,
        ),
        (json!(904), r#"{"jsonrpc":"2.0","id":904,"method":5}"#),
    ];
    for (id, body) in usable_id {
        s.raw_frame(body.as_bytes());
        let answer = s.lsp.response_to(&id, body, Duration::from_secs(10));
        assert_eq!(
            answer.as_ref().err().map(|e| e["code"].clone()),
            Some(json!(-32600)),
            "{body}: {answer:?}"
        );
        s.assert_serving(body);
    }
    // Invalid notifications: nothing to answer.
    let before = s.orphan_codes().len();
    for body in [
        r#"{"jsonrpc":"1.0","method":"textDocument/didClose"}"#,
        r#"{"method":"initialized","params":{}}"#,
        r#"{"jsonrpc":"2.0","method":5}"#,
    ] {
        s.raw_frame(body.as_bytes());
        s.assert_serving(body);
    }
    assert_eq!(
        s.orphan_codes().len(),
        before,
        "notifications are not answered"
    );
    // 1 KiB of binary junk as a body: a parse error.
    let junk: Vec<u8> = (0..1024u32).map(|i| (i * 151 + 7) as u8).collect();
    let before = s.orphan_codes().len();
    s.raw_frame(&junk);
    s.assert_serving("a binary body");
    assert_eq!(s.orphan_codes()[before..], [-32700]);
    s.lsp.shutdown_and_exit();
}

#[test]
fn bad_bytes_between_frames_do_not_wedge_the_transport() {
    let mut s = Session::start();
    let hover = |id: &str| {
        format!(
            r#"{{"jsonrpc":"2.0","id":"{id}","method":"textDocument/hover","params":{{"textDocument":{{"uri":"{}"}},"position":{{"line":8,"character":20}}}}}}"#,
            s.uri
        )
    };
    let body = hover("lost");
    let junk: Vec<(&str, Vec<u8>)> = vec![
        ("64 NUL bytes", vec![0u8; 64]),
        (
            "a header without its blank line",
            format!("Content-Length: {}\r\n{body}", body.len()).into_bytes(),
        ),
        (
            "no Content-Length",
            format!("Content-Type: application/json\r\n\r\n{body}").into_bytes(),
        ),
        (
            "Content-Length: -5",
            format!("Content-Length: -5\r\n\r\n{body}").into_bytes(),
        ),
        (
            "Content-Length: abc",
            format!("Content-Length: abc\r\n\r\n{body}").into_bytes(),
        ),
        (
            "Content-Length: 2^70",
            format!("Content-Length: 1180591620717411303424\r\n\r\n{body}").into_bytes(),
        ),
        (
            "a length shorter than the body",
            format!("Content-Length: 10\r\n\r\n{body}").into_bytes(),
        ),
    ];
    for (what, bytes) in junk {
        s.lsp.send_raw(&bytes);
        s.assert_serving(what);
        let got = s.orphan_codes();
        assert!(
            !got.is_empty() && got.iter().all(|&c| c == -32700 || c == -32600),
            "{what}: {got:?}"
        );
    }
    // None of the bodies behind a bad header was taken for a request.
    s.lsp.pump_for(Duration::from_millis(200));
    let answered: Vec<&Value> = s
        .lsp
        .messages()
        .iter()
        .filter(|m| m["id"] == "lost")
        .collect();
    assert!(answered.is_empty(), "{answered:?}");
    s.lsp.shutdown_and_exit();
}

/// Ten sessions, each sending `shutdown` and `exit` at once: the shutdown
/// came first, so every one ends with status 0.
#[test]
fn shutdown_and_exit_sent_together_end_with_status_0() {
    let ws = Workspace::new("//- openspec/specs/a/spec.md\n# a\n");
    for run in 0..10 {
        let (mut lsp, _) = LspClient::start_in(ws.path(), utf16_client(), json!({}));
        lsp.send_request("shutdown", Value::Null);
        lsp.notify("exit", Value::Null);
        let status = lsp.wait_exit(Duration::from_secs(10));
        assert_eq!(status, Some(Some(0)), "run {run}\n{}", lsp.context());
    }
}

#[test]
fn a_dollar_request_gets_method_not_found_and_a_dollar_notification_nothing() {
    let mut s = Session::start();
    let r = s.lsp.request("$/specls/noSuchThing", json!({}));
    assert_eq!(
        r.as_ref().err().map(|e| e["code"].clone()),
        Some(json!(-32601)),
        "{r:?}"
    );
    s.assert_serving("a $/ request");
    let before = s.lsp.messages().len();
    s.lsp.notify("$/specls/noSuchThing", json!({}));
    s.assert_serving("a $/ notification");
    // Only the two answers of the oracle came after the notification.
    let after: Vec<&Value> = s.lsp.messages()[before..]
        .iter()
        .filter(|m| m.get("method").is_none())
        .collect();
    assert_eq!(after.len(), 2, "{after:?}");
    s.lsp.shutdown_and_exit();
}

/// A second `initialized` is ignored: the workspace is read once, with
/// one progress stream.
#[test]
fn a_second_initialized_is_ignored() {
    let ws = Workspace::copy_of(&examples_dir());
    let mut lsp = LspClient::start(ws.path());
    lsp.initialize(
        utf16_client().work_done_progress(true),
        json!({}),
        &[ws.path()],
    );
    lsp.initialized();
    lsp.initialized();
    lsp.request_until(
        "workspace/symbol",
        json!({"query": "Call Records"}),
        Duration::from_secs(10),
        |v| v.as_array().is_some_and(|a| !a.is_empty()),
    );
    lsp.pump_for(Duration::from_millis(500));
    let begins = lsp
        .progress()
        .iter()
        .filter(|p| p["value"]["kind"] == "begin")
        .count();
    let creates = lsp.server_requests("window/workDoneProgress/create").len();
    assert_eq!((creates, begins), (1, 1), "{:?}", lsp.progress());
    lsp.shutdown_and_exit();
}

/// A client that declares work-done progress but never answers the
/// request that creates the token still gets its workspace read.
#[test]
fn an_unanswered_progress_request_does_not_hold_up_the_index() {
    let ws = Workspace::copy_of(&examples_dir());
    let mut lsp = LspClient::start(ws.path());
    lsp.never_answer("window/workDoneProgress/create");
    lsp.initialize(
        utf16_client().work_done_progress(true),
        json!({}),
        &[ws.path()],
    );
    lsp.initialized();
    let symbols = lsp.request_until(
        "workspace/symbol",
        json!({"query": "Call Records"}),
        Duration::from_secs(20),
        |v| v.as_array().is_some_and(|a| !a.is_empty()),
    );
    assert!(symbols.is_array());
    assert_eq!(
        lsp.server_requests("window/workDoneProgress/create").len(),
        1,
        "the server did ask for a token"
    );
    assert!(lsp.progress().is_empty(), "no progress without a token");
    // Cross-file diagnostics need the index: the change's tasks link to
    // its delta specs, and check agrees with what the server says.
    let tasks = "openspec/changes/add-call-transfer/tasks.md";
    let text = std::fs::read_to_string(ws.join(tasks)).unwrap();
    let uri = lsp.open(&ws.join(tasks), &text, 1);
    let want: Vec<String> = {
        let (_, report) = ws.check_json(&[]);
        let mut codes: Vec<String> = specls_e2e::diagnostics(&report)
            .into_iter()
            .filter(|(_, file, _)| file.ends_with("add-call-transfer/tasks.md"))
            .map(|(code, _, _)| code)
            .collect();
        codes.sort();
        assert!(codes.contains(&"tasks/broken-acceptance-link".to_string()));
        codes
    };
    lsp.request_until(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": uri}}),
        Duration::from_secs(20),
        |r| {
            let mut got: Vec<String> = r["items"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|d| d["code"].as_str().map(str::to_string))
                .collect();
            got.sort();
            got == want
        },
    );
    lsp.shutdown_and_exit();
}

/// A `didChange` whose range starts after its end replaces the range it
/// spans, as if it were written in order, rather than inserting at its
/// start.
#[test]
fn a_reversed_range_is_applied_in_order() {
    let mut s = Session::start();
    // Line 8 is "### Requirement: Call Records"; 17..29 is "Call Records".
    let uri = s.uri.clone();
    s.lsp.change(
        &uri,
        2,
        &[(specls_e2e::lsp::Range::new(8, 29, 8, 17), "Billing")],
    );
    let symbols = s.lsp.request_ok(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let names: Vec<&str> = specls_e2e::lsp::flatten_symbols(&symbols)
        .iter()
        .filter_map(|v| v["name"].as_str())
        .collect();
    assert!(
        names.contains(&"Billing") && !names.iter().any(|n| n.contains("Call Records")),
        "{names:?}"
    );
    s.lsp.shutdown_and_exit();
}

/// A folder opened and closed as if it were a document is not a file of
/// the index: closing it must not drop the files under it, open or not.
#[test]
fn a_folder_opened_and_closed_as_a_document_leaves_the_files_under_it() {
    let mut s = Session::start();
    let folder = specls_e2e::lsp::file_uri(&s._ws.join("openspec/specs"));
    s.lsp
        .open_uri(&folder, "### Requirement: Not a file\n\nIt SHALL be.\n", 1);
    s.assert_serving("opening a folder as a document");
    s.lsp.close(&folder);
    // The open spec's outline comes from its text in the index.
    s.assert_serving("closing a folder opened as a document");
    // A spec under the folder that is not open is still indexed.
    let symbols = s
        .lsp
        .request_ok("workspace/symbol", json!({"query": "Live Call Board"}));
    let files: Vec<&str> = symbols
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v["location"]["uri"].as_str())
        .collect();
    assert!(
        files.iter().any(|u| u.ends_with("specs/dashboard/spec.md")),
        "{symbols}"
    );
    s.lsp.shutdown_and_exit();
}

/// The names of the symbols of `uri`'s outline, with the line each starts
/// on.
fn outline(lsp: &mut LspClient, uri: &str) -> Vec<(String, u64)> {
    let symbols = lsp.request_ok(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    specls_e2e::lsp::flatten_symbols(&symbols)
        .iter()
        .map(|v| {
            (
                v["name"].as_str().unwrap_or_default().to_string(),
                v["selectionRange"]["start"]["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

/// A second URI for a file that is open (another spelling of its path, or
/// its path through a linked folder) never shares the first one's text:
/// an edit sent through either lands on the text the client has under
/// that URI, or not at all.
#[test]
fn an_alias_uri_of_an_open_file_never_edits_its_text() {
    use specls_e2e::lsp::Range;
    type Spell = fn(&str) -> String;
    let aliases: [(&str, Spell); 4] = [
        ("file://localhost/", |u| {
            u.replacen("file:///", "file://localhost/", 1)
        }),
        ("a percent-encoded letter", |u| {
            u.replace("/spec.md", "/%73pec.md")
        }),
        ("a /./ segment", |u| u.replace("/openspec/", "/./openspec/")),
        ("a linked folder", |u| u.replace("/openspec/", "/linked/")),
    ];
    for (what, alias_of) in aliases {
        let mut s = Session::start();
        #[cfg(unix)]
        std::os::unix::fs::symlink(s._ws.join("openspec"), s._ws.join("linked")).unwrap();
        let text = std::fs::read_to_string(s._ws.join(SPEC)).unwrap();
        let uri = s.uri.clone();
        let alias = alias_of(&uri);
        assert_ne!(alias, uri);
        s.lsp.open_uri(&alias, &text, 1);
        // Line 8 is "### Requirement: Call Records"; 17..29 is "Call Records".
        s.lsp
            .change(&uri, 2, &[(Range::new(8, 17, 8, 29), "Billing")]);
        s.lsp.change(
            &alias,
            10,
            &[(
                Range::new(7, 0, 7, 0),
                "### Requirement: Alias Only\n\nIt SHALL be.\n\n",
            )],
        );
        let names = outline(&mut s.lsp, &uri);
        assert!(
            names.contains(&("Billing".to_string(), 8))
                && !names.iter().any(|(n, _)| n.contains("Call Records"))
                && !names.iter().any(|(n, _)| n.contains("Alias Only")),
            "{what}: the outline of the first URI is not the text its client has: {names:?}"
        );
        // Closing the alias leaves the document open under its first URI.
        s.lsp.close(&alias);
        s.lsp
            .change(&uri, 3, &[(Range::new(8, 17, 8, 24), "Invoices")]);
        let names = outline(&mut s.lsp, &uri);
        assert!(
            names.contains(&("Invoices".to_string(), 8)),
            "{what}: after the alias was closed: {names:?}"
        );
        s.lsp.shutdown_and_exit();
    }
}

/// A main spec of `n` requirements, one scenario each.
fn big_spec(n: usize) -> String {
    let mut s = String::from("# big Specification\n\n## Purpose\n\nA spec with many requirements, to load the server.\n\n## Requirements\n");
    for i in 0..n {
        s.push_str(&format!(
            "\n### Requirement: Rule {i}\n\nThe system SHALL keep rule {i}.\n\n#### Scenario: Case {i}\n\n- **WHEN** case {i} happens\n- **THEN** rule {i} holds\n"
        ));
    }
    s
}

/// Outlines of a large spec cancelled right after they were sent answer
/// `RequestCancelled` and stop (or never start) rather than run to the
/// end, and a hover sent after them is answered.
#[test]
fn cancelled_requests_stop_their_work() {
    let ws = Workspace::copy_of(&examples_dir());
    let big = "openspec/specs/big/spec.md";
    let text = big_spec(8_000);
    ws.write(big, &text);
    let mut lsp = LspClient::spawn_with_env(&["lsp"], ws.path(), &[("SPECLS_TEST_HOOKS", "1")]);
    lsp.initialize(utf16_client(), json!({}), &[ws.path()]);
    lsp.initialized();
    let uri = lsp.open(&ws.join(big), &text, 1);
    let small = std::fs::read_to_string(ws.join(SPEC)).unwrap();
    let small_uri = lsp.open(&ws.join(SPEC), &small, 1);
    // Once through, uncancelled: it answers, and counts as finished.
    let params = json!({"textDocument": {"uri": uri}});
    let whole = lsp.request_ok("textDocument/documentSymbol", params.clone());
    assert!(
        find_symbol(&whole, |n| n == "Rule 7999").is_some(),
        "the outline misses the last requirement"
    );
    let finished = |lsp: &mut LspClient, method: &str| {
        lsp.request_ok("specls/testCounters", Value::Null)[method]
            .as_u64()
            .unwrap_or(0)
    };
    assert_eq!(finished(&mut lsp, "textDocument/documentSymbol"), 1);
    let hovers = finished(&mut lsp, "textDocument/hover");
    let ids: Vec<i64> = (0..6)
        .map(|_| {
            let id = lsp.send_request("textDocument/documentSymbol", params.clone());
            lsp.notify("$/cancelRequest", json!({"id": id}));
            id
        })
        .collect();
    // Line 8 is "### Requirement: Call Records".
    let hover = lsp.request("textDocument/hover", position_params(&small_uri, 8, 20));
    assert!(
        matches!(&hover, Ok(h) if h.is_object()),
        "{hover:?}\n{}",
        lsp.context()
    );
    for id in ids {
        let answer = lsp.response(id, Duration::from_secs(30));
        assert_eq!(
            answer.as_ref().err().and_then(|e| e["code"].as_i64()),
            Some(-32800),
            "request {id}: {answer:?}"
        );
    }
    // What still runs is left to end before the counts are read.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while finished(&mut lsp, "running") > 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(finished(&mut lsp, "textDocument/hover"), hovers + 1);
    assert_eq!(
        finished(&mut lsp, "textDocument/documentSymbol"),
        1,
        "cancelled outlines ran to the end"
    );
    lsp.shutdown_and_exit();
}

/// A request sent right after `initialized`, before the server has even
/// found the workspace's roots, waits for them rather than answer from an
/// index with no root in it.
#[test]
fn a_request_right_after_initialized_waits_for_the_roots() {
    let ws = Workspace::copy_of(&examples_dir());
    let mut lsp = LspClient::start(ws.path());
    lsp.initialize(utf16_client(), json!({}), &[ws.path()]);
    lsp.initialized();
    let symbols = lsp.request_ok("workspace/symbol", json!({"query": "Call Records"}));
    assert!(
        find_symbol(&symbols, |n| n == "Call Records").is_some(),
        "{symbols}"
    );
    lsp.shutdown_and_exit();
}
