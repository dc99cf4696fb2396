//! Fixtures and helpers shared by the language-server tests (`lsp*.rs`).
//! Line numbers in the comments are zero-based, as the protocol counts.

#![allow(dead_code)]

use std::path::Path;
use std::time::Duration;

use serde_json::{json, Value};
use specls_e2e::lsp::{LspClient, Publish};
use specls_e2e::Workspace;

pub const MAIN: &str = "openspec/specs/voice/spec.md";
pub const DELTA: &str = "openspec/changes/c/specs/voice/spec.md";
pub const TASKS: &str = "openspec/changes/c/tasks.md";

/// A main spec whose requirement body has no SHALL/MUST: exactly one
/// diagnostic, `requirement/missing-shall-must` on the header, line 8,
/// characters 0..25.
///
/// ```text
///  0 # voice Specification
///  2 ## Purpose
///  4 The voice agent answers every inbound call with a spoken greeting.   (66 characters)
///  6 ## Requirements
///  8 ### Requirement: Greeting                                            (25 characters)
/// 10 The agent greets the caller by name.                                 ("greets" is 10..16, 36 characters)
/// 12 #### Scenario: Caller hears a greeting
/// 14 - **WHEN** a call arrives
/// 15 - **THEN** the agent says hello
/// ```
pub const WEAK_SPEC: &str = "# voice Specification

## Purpose

The voice agent answers every inbound call with a spoken greeting.

## Requirements

### Requirement: Greeting

The agent greets the caller by name.

#### Scenario: Caller hears a greeting

- **WHEN** a call arrives
- **THEN** the agent says hello
";

/// [`WEAK_SPEC`] with a lowercase "must" in the body (line 10, characters
/// 10..14): `requirement/missing-shall-must` (warning, 8:0-8:25) and
/// `rfc2119/lowercase-keyword` (hint, 10:10-10:14).
pub const LOWERCASE_SPEC: &str = "# voice Specification

## Purpose

The voice agent answers every inbound call with a spoken greeting.

## Requirements

### Requirement: Greeting

The agent must greet the caller by name.

#### Scenario: Caller hears a greeting

- **WHEN** a call arrives
- **THEN** the agent says hello
";

/// [`WEAK_SPEC`] fixed: no diagnostic.
pub const GOOD_SPEC: &str = "# voice Specification

## Purpose

The voice agent answers every inbound call with a spoken greeting.

## Requirements

### Requirement: Greeting

The agent SHALL greet the caller.

#### Scenario: Caller hears a greeting

- **WHEN** a call arrives
- **THEN** the agent says hello
";

/// The delta spec of change `c`: an ADDED and a MODIFIED requirement.
///
/// ```text
///  0 ## ADDED Requirements
///  2 ### Requirement: Transfer
///  4 The agent SHALL transfer the call when the caller asks for a human.
///  6 #### Scenario: Caller asks                  ("Caller asks" is 15..26, "asks" 22..26)
///  8 - **WHEN** the caller says "human"
///  9 - **THEN** the call is transferred
/// 11 ## MODIFIED Requirements
/// 13 ### Requirement: Greeting
/// 15 The agent SHALL greet the caller by name.
/// 17 #### Scenario: Caller hears a greeting      (38 characters)
/// 19 - **WHEN** a call arrives
/// 20 - **THEN** the agent says hello
/// ```
pub const DELTA_SPEC: &str = "## ADDED Requirements

### Requirement: Transfer

The agent SHALL transfer the call when the caller asks for a human.

#### Scenario: Caller asks

- **WHEN** the caller says \"human\"
- **THEN** the call is transferred

## MODIFIED Requirements

### Requirement: Greeting

The agent SHALL greet the caller by name.

#### Scenario: Caller hears a greeting

- **WHEN** a call arrives
- **THEN** the agent says hello
";

/// The tasks of change `c`, every scenario of [`DELTA_SPEC`] linked.
///
/// ```text
/// 0 ## 1. Transfer
/// 2 - [ ] 1.1 Detect the request for a human
/// 3   - Acceptance: [x](specs/voice/spec.md#scenario-caller-asks)               (target 20..60)
/// 4 - [ ] 1.2 Transfer the call (requires 1.1)                                  ("1.1" 38..41)
/// 5   - Acceptance: [x](specs/voice/spec.md#scenario-caller-asks)               (target 20..60)
/// 6 - [ ] 1.3 Greet the caller by name
/// 7   - Acceptance: [x](specs/voice/spec.md#scenario-caller-hears-a-greeting)   (target 20..72)
/// ```
pub const TASKS_MD: &str = "## 1. Transfer

- [ ] 1.1 Detect the request for a human
  - Acceptance: [x](specs/voice/spec.md#scenario-caller-asks)
- [ ] 1.2 Transfer the call (requires 1.1)
  - Acceptance: [x](specs/voice/spec.md#scenario-caller-asks)
- [ ] 1.3 Greet the caller by name
  - Acceptance: [x](specs/voice/spec.md#scenario-caller-hears-a-greeting)
";

/// A workspace with [`GOOD_SPEC`] as the main spec and change `c`
/// ([`DELTA_SPEC`], [`TASKS_MD`], a proposal): no diagnostic in the main
/// spec, the delta spec or the tasks.
pub const CHANGE: &str = "
//- openspec/config.yaml
schema: spec-driven
//- openspec/changes/c/proposal.md
# Change: Transfer to a human

## Why

Callers who ask for a person are stuck with the agent today, and many of them hang up.

## What Changes

- The agent transfers a call to a human on request.
- The greeting names the caller.
";

/// [`CHANGE`] with every file written.
pub fn change_workspace() -> Workspace {
    let ws = Workspace::new(CHANGE);
    ws.write(MAIN, GOOD_SPEC);
    ws.write(DELTA, DELTA_SPEC);
    ws.write(TASKS, TASKS_MD);
    ws
}

/// A workspace holding one main spec at [`MAIN`].
pub fn spec_workspace(spec: &str) -> Workspace {
    let ws = Workspace::new("//- openspec/config.yaml\nschema: spec-driven\n");
    ws.write(MAIN, spec);
    ws
}

/// Initialization options that make diagnostics immediate.
pub fn fast() -> Value {
    json!({"diagnostics": {"delay-ms": 0}})
}

/// `specls lsp` in `ws`, initialized with `caps` and [`fast`] options.
pub fn start(ws: &Workspace, caps: impl Into<Value>) -> LspClient {
    LspClient::start_in(ws.path(), caps, fast()).0
}

/// [`fast`], with the diagnostics of open documents only
/// (`diagnostics.workspace = false`): for tests of what open and close do
/// to them.
pub fn open_only() -> Value {
    json!({"diagnostics": {"delay-ms": 0, "workspace": false}})
}

/// Opens a file of the workspace with its text on disk, at version 1.
pub fn open_file(lsp: &mut LspClient, ws: &Workspace, rel: &str) -> String {
    let text = std::fs::read_to_string(ws.join(rel)).expect("fixture file");
    lsp.open(&ws.join(rel), &text, 1)
}

/// Asserts every diagnostic says it comes from specls.
#[track_caller]
pub fn assert_source(p: &Publish) {
    for d in &p.diagnostics {
        assert_eq!(d.source, "specls", "source of {:?}", d.raw);
    }
}

/// Reads messages for a while and asserts that no publishDiagnostics for
/// `uri` ever arrived.
#[track_caller]
pub fn assert_never_published(lsp: &mut LspClient, uri: &str, wait: Duration) {
    lsp.pump_for(wait);
    let got = lsp.publishes(uri);
    assert!(
        got.is_empty(),
        "diagnostics were published for {uri}, which is not open: {got:?}"
    );
}

/// The file URI of `rel` under the workspace.
pub fn uri(ws: &Workspace, rel: &str) -> String {
    specls_e2e::lsp::file_uri(&ws.join(rel))
}

/// The normalized URI of `rel`, as [`specls_e2e::lsp::location_lines`]
/// reports it.
pub fn norm(ws: &Workspace, rel: &str) -> String {
    specls_e2e::lsp::normalize_uri(&uri(ws, rel))
}

/// A path of the workspace, for messages.
pub fn show(p: &Path) -> String {
    p.display().to_string()
}

/// `textDocument/diagnostic` for `uri`, answered within `timeout`: the
/// codes of its full report.
pub fn pulled_codes_within(lsp: &mut LspClient, uri: &str, timeout: Duration) -> Vec<String> {
    let r = lsp
        .request_timeout(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": uri}}),
            timeout,
        )
        .unwrap_or_else(|e| panic!("pull failed: {e}\n{}", lsp.context()));
    assert_eq!(r["kind"], "full", "a full report: {r}");
    r["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// [`pulled_codes_within`] the client's usual request timeout.
pub fn pulled_codes(lsp: &mut LspClient, uri: &str) -> Vec<String> {
    pulled_codes_within(lsp, uri, specls_e2e::lsp::REQUEST_TIMEOUT)
}
