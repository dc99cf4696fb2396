//! Settings as the editor integrations (editors/) send them: a client whose
//! configuration has no `specls` section answers `workspace/configuration`
//! with `null` (Helix does, when its `config` holds the settings directly),
//! which must not undo the initializationOptions; and a client that pulls
//! diagnostics (VS Code) must be told to pull again when the settings or
//! `specls.toml` change.

mod lsp_common;

use std::time::{Duration, Instant};

use lsp_common::*;
use serde_json::json;
use specls_e2e::lsp::{file_uri, key, utf16_client, LspClient, Range, WAIT_TIMEOUT};

const LOWERCASE: &str = "rfc2119/lowercase-keyword";
const SHALL_MUST: &str = "requirement/missing-shall-must";

fn asks_for_specls(params: &serde_json::Value) -> bool {
    params["items"]
        .as_array()
        .is_some_and(|items| items.iter().any(|i| i["section"] == "specls"))
}

#[test]
fn a_null_configuration_keeps_the_initialization_options() {
    // LOWERCASE_SPEC: "must" on line 10 (lowercase-keyword) and no SHALL or
    // MUST in the requirement (missing-shall-must on line 8).
    let ws = spec_workspace(LOWERCASE_SPEC);
    let mut lsp = LspClient::start(ws.path());
    // The client's answer to every item: null (the default, said here).
    lsp.set_configuration(Vec::new());
    lsp.initialize(
        utf16_client().configuration(true),
        json!({"rules": {LOWERCASE: "off"}, "diagnostics": {"delay-ms": 0}}),
        &[ws.path()],
    );
    lsp.initialized();
    lsp.wait_server_request("workspace/configuration", asks_for_specls, WAIT_TIMEOUT);
    let main = open_file(&mut lsp, &ws, MAIN);
    lsp.diagnostics(&main, |p| p.version == Some(1) && p.has(SHALL_MUST));
    // An edit after the answer was applied: its diagnostics are computed
    // with whatever settings the null answer left.
    lsp.change(&main, 2, &[(Range::new(0, 2, 0, 7), "Voice")]);
    let p = lsp.diagnostics(&main, |p| p.version == Some(2));
    assert_eq!(p.keys(), [key(SHALL_MUST, 2, Range::new(8, 0, 8, 25))]);
    lsp.shutdown_and_exit();
}

#[test]
fn a_settings_section_as_the_vscode_extension_sends_it() {
    // Unset VS Code settings arrive as empty tables; a rule set to "error"
    // overrides the default warning.
    let ws = spec_workspace(LOWERCASE_SPEC);
    let mut lsp = LspClient::start(ws.path());
    lsp.set_configuration_all(json!({"rules": {SHALL_MUST: "error"}, "diagnostics": {}}));
    lsp.initialize(
        utf16_client().configuration(true),
        json!({"rules": {}, "diagnostics": {"delay-ms": 0}}),
        &[ws.path()],
    );
    lsp.initialized();
    lsp.wait_server_request("workspace/configuration", asks_for_specls, WAIT_TIMEOUT);
    let main = open_file(&mut lsp, &ws, MAIN);
    lsp.diagnostics(&main, |p| p.version == Some(1));
    lsp.change(&main, 2, &[(Range::new(0, 2, 0, 7), "Voice")]);
    let p = lsp.diagnostics(&main, |p| p.version == Some(2));
    assert_eq!(
        p.keys(),
        [
            key(SHALL_MUST, 1, Range::new(8, 0, 8, 25)),
            key(LOWERCASE, 4, Range::new(10, 10, 10, 14)),
        ]
    );
    lsp.shutdown_and_exit();
}

/// VS Code pulls diagnostics; when its settings change, what it pulled
/// before is out of date, and only the server knows, so it must ask the
/// client to pull again.
#[test]
fn a_settings_change_makes_a_pulling_client_pull_again() {
    let ws = spec_workspace(LOWERCASE_SPEC);
    let mut lsp = LspClient::start(ws.path());
    lsp.set_configuration_all(json!({"rules": {}, "diagnostics": {}}));
    lsp.initialize(
        utf16_client().configuration(true).pull_diagnostics(true),
        json!({"rules": {}, "diagnostics": {"delay-ms": 0}}),
        &[ws.path()],
    );
    lsp.initialized();
    lsp.wait_server_request("workspace/configuration", asks_for_specls, WAIT_TIMEOUT);
    let main = open_file(&mut lsp, &ws, MAIN);
    assert_eq!(pulled_codes(&mut lsp, &main), [SHALL_MUST, LOWERCASE]);
    let refreshes = lsp.server_requests("workspace/diagnostic/refresh").len();

    lsp.set_configuration_all(json!({"rules": {LOWERCASE: "off"}, "diagnostics": {}}));
    lsp.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": null}),
    );
    wait_for_another_refresh(&mut lsp, refreshes);
    assert_eq!(pulled_codes(&mut lsp, &main), [SHALL_MUST]);
    lsp.shutdown_and_exit();
}

/// Applying the first settings may have sent a refresh already: waits for
/// one more than `before`.
fn wait_for_another_refresh(lsp: &mut LspClient, before: usize) {
    let deadline = Instant::now() + WAIT_TIMEOUT;
    while lsp.server_requests("workspace/diagnostic/refresh").len() == before {
        assert!(
            Instant::now() < deadline,
            "no workspace/diagnostic/refresh after the settings change"
        );
        lsp.pump_for(Duration::from_millis(20));
    }
}

#[test]
fn a_specls_toml_change_makes_a_pulling_client_pull_again() {
    let ws = spec_workspace(LOWERCASE_SPEC);
    let mut lsp = LspClient::start(ws.path());
    lsp.initialize(
        utf16_client().pull_diagnostics(true),
        json!({"diagnostics": {"delay-ms": 0}}),
        &[ws.path()],
    );
    lsp.initialized();
    let main = open_file(&mut lsp, &ws, MAIN);
    assert_eq!(pulled_codes(&mut lsp, &main), [SHALL_MUST, LOWERCASE]);
    lsp.pump_for(Duration::from_millis(300));
    let refreshes = lsp.server_requests("workspace/diagnostic/refresh").len();

    ws.write(
        "specls.toml",
        "[rules]\n\"rfc2119/lowercase-keyword\" = \"off\"\n",
    );
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&ws.join("specls.toml")), "type": 1}]}),
    );
    wait_for_another_refresh(&mut lsp, refreshes);
    assert_eq!(pulled_codes(&mut lsp, &main), [SHALL_MUST]);
    lsp.shutdown_and_exit();
}
