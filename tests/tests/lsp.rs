//! `specls lsp` end to end, over the protocol: starting and stopping,
//! the initialize handshake, bad input, several workspace folders,
//! progress, dynamic registration and configuration. Diagnostics are in
//! `lsp_diagnostics.rs`, navigation in `lsp_navigation.rs`.

mod lsp_common;

use std::time::Duration;

use lsp_common::*;
use serde_json::{json, Value};
use specls_e2e::lsp::{
    file_uri, key, position_params, utf16_client, utf8_client, LspClient, Range, WAIT_TIMEOUT,
};
use specls_e2e::Workspace;

/// The initialize result of a server started with `args` and `caps`, after
/// which the server is shut down cleanly.
fn initialize_result(args: &[&str], caps: impl Into<Value>) -> Value {
    let ws = spec_workspace(GOOD_SPEC);
    let mut lsp = LspClient::spawn(args, ws.path());
    let init = lsp.initialize(caps, fast(), &[ws.path()]);
    lsp.initialized();
    lsp.shutdown_and_exit();
    init
}

/// A provider is on when it is `true` or an options object.
#[track_caller]
fn assert_provider(caps: &Value, name: &str) {
    let v = &caps[name];
    assert!(
        v == &json!(true) || v.is_object(),
        "capabilities.{name} should be true, is {v}"
    );
}

// ---------------------------------------------------------------------------
// Starting, the handshake, stopping

#[test]
fn lsp_subcommand_serves_on_stdio() {
    let init = initialize_result(&["lsp"], utf16_client());
    assert_eq!(init["serverInfo"]["name"], "specls", "{init}");
}

#[test]
fn lsp_stdio_flag_serves_on_stdio() {
    let init = initialize_result(&["lsp", "--stdio"], utf16_client());
    assert_eq!(init["serverInfo"]["name"], "specls", "{init}");
}

#[test]
fn initialize_advertises_the_contracted_capabilities() {
    let init = initialize_result(&["lsp"], utf16_client());
    let caps = &init["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16", "{caps}");
    let sync = &caps["textDocumentSync"];
    assert_eq!(sync["openClose"], true, "{sync}");
    assert_eq!(sync["change"], 2, "incremental sync: {sync}");
    assert_eq!(sync["save"]["includeText"], false, "{sync}");
    for name in [
        "definitionProvider",
        "referencesProvider",
        "hoverProvider",
        "documentSymbolProvider",
        "workspaceSymbolProvider",
        "foldingRangeProvider",
        "documentLinkProvider",
    ] {
        assert_provider(caps, name);
    }
    assert!(
        caps["diagnosticProvider"].is_null(),
        "no diagnosticProvider for a client without textDocument.diagnostic: {caps}"
    );
    assert_eq!(init["serverInfo"]["name"], "specls");
}

#[test]
fn utf8_is_negotiated_when_the_client_offers_it() {
    let init = initialize_result(&["lsp"], utf8_client());
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    // Offered second is offered all the same.
    let init = initialize_result(
        &["lsp"],
        utf16_client().position_encodings(&["utf-16", "utf-8"]),
    );
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
}

#[test]
fn utf16_is_the_fallback_encoding() {
    let init = initialize_result(&["lsp"], utf16_client().position_encodings(&["utf-16"]));
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    // UTF-32 is not spoken; UTF-16 is what every client must understand.
    let init = initialize_result(&["lsp"], utf16_client().position_encodings(&["utf-32"]));
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
}

#[test]
fn pull_support_adds_the_diagnostic_provider() {
    let init = initialize_result(&["lsp"], utf16_client().pull_diagnostics(true));
    let dp = &init["capabilities"]["diagnosticProvider"];
    assert_eq!(dp["interFileDependencies"], true, "{dp}");
    // Every file's problems, not only the open ones' (lsp_workspace_diagnostics.rs).
    assert_eq!(dp["workspaceDiagnostics"], true, "{dp}");
}

#[test]
fn requests_before_initialize_are_refused_without_harm() {
    let ws = spec_workspace(GOOD_SPEC);
    let mut lsp = LspClient::start(ws.path());
    let early = lsp.request("textDocument/hover", position_params(&uri(&ws, MAIN), 0, 0));
    assert!(
        early.is_err(),
        "a request before initialize gets an error: {early:?}"
    );
    let init = lsp.initialize(utf16_client(), fast(), &[ws.path()]);
    assert_eq!(init["serverInfo"]["name"], "specls");
    lsp.initialized();
    lsp.shutdown_and_exit();
}

#[test]
fn closing_stdin_ends_the_server() {
    let ws = spec_workspace(GOOD_SPEC);
    let mut lsp = start(&ws, utf16_client());
    lsp.close_stdin();
    let status = lsp.wait_exit(Duration::from_secs(5));
    assert!(
        status.is_some(),
        "the server kept running after its input ended\n{}",
        lsp.context()
    );
}

// ---------------------------------------------------------------------------
// Bad input

#[test]
fn bad_input_never_crashes_the_server() {
    let ws = spec_workspace(WEAK_SPEC);
    let mut lsp = start(&ws, utf16_client());
    let main = open_file(&mut lsp, &ws, MAIN);
    lsp.diagnostics(&main, |p| p.has("requirement/missing-shall-must"));
    let nowhere = file_uri(&ws.join("openspec/specs/nowhere/spec.md"));

    // Positions past the end, and documents nobody opened: null, empty or
    // an error, never a crash.
    let null_or_empty = |r: &Result<Value, Value>| match r {
        Err(_) => true,
        Ok(v) => v.is_null() || v.as_array().is_some_and(Vec::is_empty),
    };
    for (method, params) in [
        ("textDocument/hover", position_params(&main, 9999, 0)),
        ("textDocument/definition", position_params(&main, 9999, 0)),
        (
            "textDocument/references",
            json!({"textDocument": {"uri": main}, "position": {"line": 9999, "character": 3}, "context": {"includeDeclaration": true}}),
        ),
        ("textDocument/hover", position_params(&nowhere, 0, 0)),
        ("textDocument/definition", position_params(&nowhere, 3, 3)),
        (
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": nowhere}}),
        ),
        (
            "textDocument/foldingRange",
            json!({"textDocument": {"uri": nowhere}}),
        ),
        (
            "textDocument/documentLink",
            json!({"textDocument": {"uri": nowhere}}),
        ),
    ] {
        let r = lsp.request(method, params.clone());
        assert!(
            null_or_empty(&r),
            "{method} {params} should give null, [] or an error, gave {r:?}"
        );
    }
    // A character past the end of a real line: any answer, but an answer.
    let _ = lsp.request("textDocument/hover", position_params(&main, 8, 9999));
    let _ = lsp.request("textDocument/definition", position_params(&main, 10, 9999));

    // A body that is not JSON, in a well-formed frame.
    let junk = br#"{"jsonrpc": "2.0", "id": 99, "method": "#;
    let mut frame = format!("Content-Length: {}\r\n\r\n", junk.len()).into_bytes();
    frame.extend_from_slice(junk);
    lsp.send_raw(&frame);
    // JSON, but not a message.
    lsp.send(&json!([1, 2, 3]));
    // A request with parameters of the wrong shape must still be answered.
    lsp.send(&json!({"jsonrpc": "2.0", "id": "bad-params", "method": "textDocument/hover", "params": {"bogus": 1}}));
    let bad = lsp.response_to(&json!("bad-params"), "hover with bad params", WAIT_TIMEOUT);
    assert!(bad.is_err() || bad == Ok(Value::Null), "{bad:?}");
    // Unknown methods: an error for a request, nothing for a notification.
    let unknown = lsp.request("specls/noSuchMethod", json!({}));
    assert_eq!(
        unknown.as_ref().err().map(|e| e["code"].clone()),
        Some(json!(-32601)),
        "method not found: {unknown:?}"
    );
    lsp.notify("specls/noSuchNotification", json!({"x": 1}));
    // Cancelling what was never asked.
    lsp.notify("$/cancelRequest", json!({"id": 424242}));
    lsp.notify("$/cancelRequest", json!({"id": "nope"}));
    // Edits to a document that is not open, and a change past the end of
    // a document that is.
    lsp.change(&nowhere, 2, &[(Range::at(0, 0), "x")]);
    lsp.close(&nowhere);
    let scratch = lsp.open(&ws.join("openspec/specs/scratch/spec.md"), "# s\n", 1);
    lsp.change(&scratch, 2, &[(Range::new(500, 0, 600, 3), "x")]);

    // Whatever the server said about the junk was an error, not a result.
    for r in lsp.orphan_responses() {
        assert!(r.get("error").is_some(), "unexpected answer to junk: {r}");
    }
    // Still serving: requests answer and diagnostics still follow edits.
    let symbols = lsp.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": main}}),
    );
    assert!(symbols.as_ref().is_ok_and(|v| v.is_array()), "{symbols:?}");
    lsp.change(&main, 2, &[(Range::new(10, 10, 10, 16), "SHALL greet")]);
    lsp.diagnostics(&main, |p| p.version == Some(2) && p.is_empty());
    lsp.shutdown_and_exit();
}

// ---------------------------------------------------------------------------
// Several workspace folders

/// [`WEAK_SPEC`] with the requirement named `name` (still without
/// SHALL/MUST, header on line 8).
fn weak_spec_named(name: &str) -> String {
    WEAK_SPEC.replace("Requirement: Greeting", &format!("Requirement: {name}"))
}

/// Two workspace folders, each a workspace with one spec ("Alpha
/// Greeting", "Beta Farewell"), and a server started on both.
fn two_folders() -> (Workspace, Workspace, LspClient) {
    let a = Workspace::new("//- openspec/config.yaml\nschema: spec-driven\n");
    a.write(
        "openspec/specs/alpha/spec.md",
        weak_spec_named("Alpha Greeting"),
    );
    let b = Workspace::new("//- openspec/config.yaml\nschema: spec-driven\n");
    b.write(
        "openspec/specs/beta/spec.md",
        weak_spec_named("Beta Farewell"),
    );
    let mut lsp = LspClient::start(a.path());
    lsp.initialize(utf16_client(), fast(), &[a.path(), b.path()]);
    lsp.initialized();
    (a, b, lsp)
}

#[test]
fn every_workspace_folder_is_served() {
    let (a, b, mut lsp) = two_folders();
    let ua = open_file(&mut lsp, &a, "openspec/specs/alpha/spec.md");
    let ub = open_file(&mut lsp, &b, "openspec/specs/beta/spec.md");
    // "### Requirement: Alpha Greeting" is 31 characters, "### Requirement:
    // Beta Farewell" 30.
    let pa = lsp.diagnostics(&ua, |p| !p.is_empty());
    assert_eq!(
        pa.keys(),
        [key(
            "requirement/missing-shall-must",
            2,
            Range::new(8, 0, 8, 31)
        )]
    );
    let pb = lsp.diagnostics(&ub, |p| !p.is_empty());
    assert_eq!(
        pb.keys(),
        [key(
            "requirement/missing-shall-must",
            2,
            Range::new(8, 0, 8, 30)
        )]
    );
    for (query, name, file) in [
        ("alpgreet", "Alpha Greeting", &ua),
        ("betafare", "Beta Farewell", &ub),
    ] {
        let found = lsp.request_until(
            "workspace/symbol",
            json!({"query": query}),
            WAIT_TIMEOUT,
            |v| symbol_in(v, name, file),
        );
        assert!(symbol_in(&found, name, file), "{found}");
    }
    lsp.shutdown_and_exit();
}

/// Removing a workspace folder forgets its workspaces, except one holding
/// an open document; adding the folder again brings them back.
#[test]
fn a_removed_workspace_folder_is_forgotten_until_added_again() {
    let (a, b, mut lsp) = two_folders();
    let ua = open_file(&mut lsp, &a, "openspec/specs/alpha/spec.md");
    let ub = file_uri(&b.path().join("openspec/specs/beta/spec.md"));
    let has = |lsp: &mut LspClient, query: &str, name: &str, uri: &str| {
        let found = lsp.request_ok("workspace/symbol", json!({ "query": query }));
        symbol_in(&found, name, uri)
    };
    lsp.request_until(
        "workspace/symbol",
        json!({"query": "betafare"}),
        WAIT_TIMEOUT,
        |v| symbol_in(v, "Beta Farewell", &ub),
    );
    let folder = |w: &Workspace| json!({"uri": file_uri(w.path()), "name": "w"});
    lsp.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({"event": {"added": [], "removed": [folder(&a), folder(&b)]}}),
    );
    // Notifications are applied in order, so the next request sees it.
    assert!(!has(&mut lsp, "betafare", "Beta Farewell", &ub));
    // The open document keeps its workspace.
    assert!(has(&mut lsp, "alpgreet", "Alpha Greeting", &ua));
    lsp.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({"event": {"added": [folder(&b)], "removed": []}}),
    );
    let back = lsp.request_until(
        "workspace/symbol",
        json!({"query": "betafare"}),
        WAIT_TIMEOUT,
        |v| symbol_in(v, "Beta Farewell", &ub),
    );
    assert!(symbol_in(&back, "Beta Farewell", &ub), "{back}");
    lsp.shutdown_and_exit();
}

/// Whether a workspace/symbol result has a symbol whose name contains
/// `name` in file `uri`.
fn symbol_in(result: &Value, name: &str, uri: &str) -> bool {
    result.as_array().is_some_and(|items| {
        items.iter().any(|s| {
            s["name"].as_str().is_some_and(|n| n.contains(name))
                && s["location"]["uri"]
                    .as_str()
                    .is_some_and(|u| specls_e2e::lsp::same_file(u, uri))
        })
    })
}

// ---------------------------------------------------------------------------
// Progress and registration

#[test]
fn indexing_reports_work_done_progress() {
    let ws = change_workspace();
    let mut lsp = start(&ws, utf16_client().work_done_progress(true));
    let end = lsp.wait_notification("$/progress", |p| p["value"]["kind"] == "end", WAIT_TIMEOUT);
    let token = end["token"].clone();
    let created: Vec<Value> = lsp
        .server_requests("window/workDoneProgress/create")
        .iter()
        .map(|m| m["params"]["token"].clone())
        .collect();
    assert!(
        created.contains(&token),
        "progress {token} ended without window/workDoneProgress/create (created: {created:?})"
    );
    // In order: create, begin, …, end, all with the one token.
    let log = lsp.messages();
    let at = |pred: &dyn Fn(&Value) -> bool| log.iter().position(pred);
    let create =
        at(&|m| m["method"] == "window/workDoneProgress/create" && m["params"]["token"] == token)
            .expect("create");
    let begin = at(&|m| {
        m["method"] == "$/progress"
            && m["params"]["token"] == token
            && m["params"]["value"]["kind"] == "begin"
    })
    .unwrap_or_else(|| panic!("no begin for progress {token}"));
    let end_at = at(&|m| {
        m["method"] == "$/progress"
            && m["params"]["token"] == token
            && m["params"]["value"]["kind"] == "end"
    })
    .expect("end");
    assert!(
        create < begin && begin < end_at,
        "create {create}, begin {begin}, end {end_at}"
    );
    assert!(
        log[begin]["params"]["value"]["title"].is_string(),
        "a begin has a title: {}",
        log[begin]
    );
    lsp.shutdown_and_exit();
}

#[test]
fn watched_files_are_registered_when_the_client_can() {
    let ws = change_workspace();
    let mut lsp = start(&ws, utf16_client().watched_files_registration(true));
    let req = lsp.wait_server_request(
        "client/registerCapability",
        registers_watching,
        WAIT_TIMEOUT,
    );
    let regs = req["params"]["registrations"]
        .as_array()
        .expect("registrations");
    let watching = regs
        .iter()
        .find(|r| r["method"] == "workspace/didChangeWatchedFiles")
        .expect("a watched-files registration");
    let watchers = watching["registerOptions"]["watchers"]
        .as_array()
        .unwrap_or_else(|| panic!("no watchers: {watching}"));
    assert!(!watchers.is_empty(), "{watching}");
    lsp.shutdown_and_exit();
}

fn registers_watching(params: &Value) -> bool {
    params["registrations"].as_array().is_some_and(|regs| {
        regs.iter()
            .any(|r| r["method"] == "workspace/didChangeWatchedFiles")
    })
}

#[test]
fn watched_files_are_not_registered_without_dynamic_registration() {
    let ws = spec_workspace(WEAK_SPEC);
    let mut lsp = start(&ws, utf16_client().watched_files_registration(false));
    let main = open_file(&mut lsp, &ws, MAIN);
    lsp.diagnostics(&main, |p| !p.is_empty());
    lsp.pump_for(Duration::from_millis(300));
    let regs: Vec<&Value> = lsp
        .server_requests("client/registerCapability")
        .into_iter()
        .filter(|m| registers_watching(&m["params"]))
        .collect();
    assert!(
        regs.is_empty(),
        "registered file watching with a client that cannot: {regs:?}"
    );
    lsp.shutdown_and_exit();
}

// ---------------------------------------------------------------------------
// Configuration

const LOWERCASE: &str = "rfc2119/lowercase-keyword";
const SHALL_MUST: &str = "requirement/missing-shall-must";

#[test]
fn initialization_options_turn_a_rule_off() {
    let ws = spec_workspace(LOWERCASE_SPEC);
    let (mut lsp, _) = LspClient::start_in(
        ws.path(),
        utf16_client(),
        json!({"rules": {LOWERCASE: "off"}, "diagnostics": {"delay-ms": 0}}),
    );
    let main = open_file(&mut lsp, &ws, MAIN);
    let p = lsp.diagnostics(&main, |p| !p.is_empty());
    assert_eq!(p.keys(), [key(SHALL_MUST, 2, Range::new(8, 0, 8, 25))]);
    lsp.shutdown_and_exit();
}

#[test]
fn specls_toml_sets_severities() {
    let ws = spec_workspace(LOWERCASE_SPEC);
    ws.write(
        "specls.toml",
        "[rules]\n\"requirement/missing-shall-must\" = \"error\"\n\"rfc2119/lowercase-keyword\" = \"info\"\n\n[diagnostics]\ndelay-ms = 0\n",
    );
    let (mut lsp, _) = LspClient::start_in(ws.path(), utf16_client(), Value::Null);
    let main = open_file(&mut lsp, &ws, MAIN);
    let p = lsp.diagnostics(&main, |p| p.diagnostics.len() == 2);
    assert_eq!(
        p.keys(),
        [
            key(SHALL_MUST, 1, Range::new(8, 0, 8, 25)),
            key(LOWERCASE, 3, Range::new(10, 10, 10, 14)),
        ]
    );
    lsp.shutdown_and_exit();
}

#[test]
fn configuration_is_pulled_and_a_change_turns_a_rule_off() {
    let ws = spec_workspace(LOWERCASE_SPEC);
    let mut lsp = LspClient::start(ws.path());
    lsp.set_configuration_all(fast());
    lsp.initialize(utf16_client().configuration(true), fast(), &[ws.path()]);
    lsp.initialized();
    lsp.wait_server_request("workspace/configuration", asks_for_specls, WAIT_TIMEOUT);
    let main = open_file(&mut lsp, &ws, MAIN);
    let p = lsp.diagnostics(&main, |p| p.has(LOWERCASE));
    assert_eq!(
        p.keys(),
        [
            key(SHALL_MUST, 2, Range::new(8, 0, 8, 25)),
            key(LOWERCASE, 4, Range::new(10, 10, 10, 14)),
        ]
    );
    let asked = lsp.server_requests("workspace/configuration").len();

    let off = json!({"rules": {LOWERCASE: "off"}, "diagnostics": {"delay-ms": 0}});
    lsp.set_configuration_all(off.clone());
    // Clients that push settings send them too; both say the same.
    lsp.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"specls": off}}),
    );
    let p = lsp.diagnostics(&main, |p| !p.has(LOWERCASE) && p.has(SHALL_MUST));
    assert_eq!(p.keys(), [key(SHALL_MUST, 2, Range::new(8, 0, 8, 25))]);
    assert!(
        lsp.server_requests("workspace/configuration").len() > asked,
        "the server did not ask for the configuration again after didChangeConfiguration"
    );
    lsp.shutdown_and_exit();
}

fn asks_for_specls(params: &Value) -> bool {
    params["items"]
        .as_array()
        .is_some_and(|items| items.iter().any(|i| i["section"] == "specls"))
}

#[test]
fn a_panic_in_a_handler_is_caught_logged_and_the_server_keeps_serving() {
    // The hook exists only with this variable; the child inherits it.
    std::env::set_var("SPECLS_TEST_HOOKS", "1");
    let ws = spec_workspace(WEAK_SPEC);
    let mut lsp = start(&ws, utf16_client());
    let main = open_file(&mut lsp, &ws, MAIN);
    let err = lsp
        .request("specls/testPanic", Value::Null)
        .expect_err("a panicking handler answers with an error");
    assert_eq!(err["code"], -32603, "internal error: {err}");
    let logged = lsp.wait_notification(
        "window/logMessage",
        |p| {
            p["message"]
                .as_str()
                .is_some_and(|m| m.contains("deliberate panic"))
        },
        Duration::from_secs(5),
    );
    assert_eq!(logged["type"], 1, "logged as an error: {logged}");
    // Still serving, with the same state: an edit still clears the warning.
    let p = lsp.diagnostics(&main, |p| !p.is_empty());
    assert!(p.has(SHALL_MUST), "{p:?}");
    lsp.change(&main, 2, &[(Range::new(10, 10, 10, 16), "SHALL greet")]);
    lsp.diagnostics(&main, |p| p.version == Some(2) && p.is_empty());
    lsp.shutdown_and_exit();
}

#[test]
fn editor_settings_override_specls_toml_rule_by_rule() {
    let ws = spec_workspace(LOWERCASE_SPEC);
    ws.write(
        "specls.toml",
        "[rules]\n\"requirement/missing-shall-must\" = \"error\"\n\"rfc2119/lowercase-keyword\" = \"info\"\n",
    );
    let (mut lsp, _) = LspClient::start_in(
        ws.path(),
        utf16_client(),
        json!({"rules": {LOWERCASE: "warning"}, "diagnostics": {"delay-ms": 0}}),
    );
    let main = open_file(&mut lsp, &ws, MAIN);
    let p = lsp.diagnostics(&main, |p| p.diagnostics.len() == 2);
    // The editor names only the lowercase rule; the file still decides the
    // other.
    assert_eq!(
        p.keys(),
        [
            key(SHALL_MUST, 1, Range::new(8, 0, 8, 25)),
            key(LOWERCASE, 2, Range::new(10, 10, 10, 14)),
        ]
    );
    lsp.shutdown_and_exit();
}

#[test]
fn a_file_deleted_while_open_is_served_from_the_buffer_until_closed() {
    let ws = spec_workspace(WEAK_SPEC);
    let mut lsp = start(&ws, utf16_client());
    let main = open_file(&mut lsp, &ws, MAIN);
    lsp.diagnostics(&main, |p| p.has(SHALL_MUST));
    std::fs::remove_file(ws.join(MAIN)).unwrap();
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": main, "type": 3}]}),
    );
    // The buffer is still what the user sees: edits still get diagnostics.
    lsp.change(&main, 2, &[(Range::new(10, 10, 10, 16), "SHALL greet")]);
    lsp.diagnostics(&main, |p| p.version == Some(2) && p.is_empty());
    let symbols = lsp.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": main}}),
    );
    assert!(symbols.is_ok(), "{symbols:?}");
    lsp.close(&main);
    lsp.diagnostics(&main, |p| p.version.is_none() && p.is_empty());
    lsp.shutdown_and_exit();
}
