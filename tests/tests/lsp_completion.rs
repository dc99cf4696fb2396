//! Completion through the language server: workspace steps after a step
//! keyword (snippet and plain-text clients), positions in UTF-16 and UTF-8
//! with CJK and emoji before the cursor, MODIFIED entries that bring the
//! whole requirement block, and task ids and scenario links in tasks.md.
//! Steps and scenarios come from files that are not open, so requests are
//! repeated until the index has them.

mod lsp_common;

use lsp_common::*;
use serde_json::{json, Value};
use specls_e2e::lsp::{utf16_client, utf8_client, ClientCaps, LspClient, Range, WAIT_TIMEOUT};
use specls_e2e::Workspace;

const SPEC: &str = "openspec/specs/voice/spec.md";
const DELTA_FILE: &str = "openspec/changes/c/specs/voice/spec.md";
const TASKS_FILE: &str = "openspec/changes/c/tasks.md";

/// The main spec: "a call arrives" twice, "the agent says" with "hello" and
/// "bonjour", and one step in CJK and emoji.
const MAIN_SPEC: &str = "# voice Specification

## Purpose

The voice agent answers every inbound call with a spoken greeting.

## Requirements

### Requirement: Greeting

The agent SHALL greet the caller.

#### Scenario: Caller hears a greeting

- **WHEN** a call arrives
- **THEN** the agent says \"hello\"

#### Scenario: Caller hears a greeting in French

- **WHEN** a call arrives
- **THEN** the agent says \"bonjour\"

### Requirement: Dialling

The agent SHALL dial.

#### Scenario: Dial

- **WHEN** 漢字 🎉 caller dials
- **THEN** the call connects
";

/// ```text
///  0 ## ADDED Requirements
///  2 ### Requirement: Transfer
///  4 漢字🎉 The agent sh          (cursor at the end: UTF-16 19, UTF-8 25)
///  6 #### Scenario: Caller asks
///  8 - **WHEN**                   (11 characters)
/// 10 ## MODIFIED Requirements
/// 12 ### Requirement:             (17 characters)
/// ```
const DELTA_TEXT: &str = "## ADDED Requirements

### Requirement: Transfer

漢字🎉 The agent sh

#### Scenario: Caller asks

- **WHEN** 

## MODIFIED Requirements

### Requirement: 
";

/// ```text
/// 0 ## 1. Transfer
/// 2 - [ ] 1.1 Detect the request for a human
/// 3 - [ ] 1.2 Transfer the call (requires      (38 characters)
/// 4   - Acceptance:                            (16 characters)
/// ```
const TASKS_TEXT: &str = "## 1. Transfer

- [ ] 1.1 Detect the request for a human
- [ ] 1.2 Transfer the call (requires 
  - Acceptance: 
";

fn workspace() -> Workspace {
    let ws = Workspace::new("//- openspec/config.yaml\nschema: spec-driven\n");
    ws.write(SPEC, MAIN_SPEC);
    ws.write(DELTA_FILE, DELTA_TEXT);
    ws.write(TASKS_FILE, TASKS_TEXT);
    ws
}

fn snippet_client(caps: ClientCaps) -> ClientCaps {
    caps.set(
        "textDocument/completion",
        json!({"completionItem": {"snippetSupport": true}, "contextSupport": true}),
    )
}

fn items(v: &Value) -> Vec<Value> {
    v["items"].as_array().cloned().unwrap_or_default()
}

fn labels(v: &Value) -> Vec<String> {
    items(v)
        .iter()
        .map(|i| i["label"].as_str().unwrap_or("").to_string())
        .collect()
}

fn item<'a>(v: &'a Value, label: &str) -> &'a Value {
    v["items"]
        .as_array()
        .and_then(|a| a.iter().find(|i| i["label"] == label))
        .unwrap_or_else(|| panic!("no item {label:?} in {v}"))
}

fn edit_range(i: &Value) -> Range {
    Range::from_json(&i["textEdit"]["range"])
}

/// Asks for completion at `line:character` until the answer has an item
/// labelled `expect` (the index may still be loading).
#[track_caller]
fn complete(
    lsp: &mut LspClient,
    uri: &str,
    line: u32,
    character: u32,
    trigger: Option<&str>,
    expect: &str,
) -> Value {
    let mut params = json!({
        "textDocument": {"uri": uri},
        "position": {"line": line, "character": character},
    });
    params["context"] = match trigger {
        Some(c) => json!({"triggerKind": 2, "triggerCharacter": c}),
        None => json!({"triggerKind": 1}),
    };
    lsp.request_until("textDocument/completion", params, WAIT_TIMEOUT, |v| {
        labels(v).iter().any(|l| l == expect)
    })
}

fn session(caps: ClientCaps, rel: &str, text: &str) -> (Workspace, LspClient, String) {
    let ws = workspace();
    let mut lsp = start(&ws, caps);
    let uri = lsp.open(&ws.join(rel), text, 1);
    (ws, lsp, uri)
}

#[test]
fn the_server_offers_completion_with_trigger_characters() {
    let ws = workspace();
    let (mut lsp, init) = LspClient::start_in(ws.path(), utf16_client(), fast());
    let opts = &init["capabilities"]["completionProvider"];
    let triggers: Vec<&str> = opts["triggerCharacters"]
        .as_array()
        .expect("trigger characters")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for c in [" ", "#", "(", "[", ","] {
        assert!(triggers.contains(&c), "{c:?} in {triggers:?}");
    }
    lsp.shutdown_and_exit();
}

#[test]
fn workspace_steps_after_a_bold_when_as_snippets() {
    let (_ws, mut lsp, uri) = session(snippet_client(utf16_client()), DELTA_FILE, DELTA_TEXT);
    let r = complete(&mut lsp, &uri, 8, 11, Some(" "), "a call arrives");
    // The capability's WHEN steps first, after a WHEN; then equal counts
    // order by text.
    assert_eq!(
        labels(&r),
        [
            "a call arrives",
            "漢字 🎉 caller dials",
            "the agent says \"bonjour\"",
            "the call connects"
        ],
        "{r}"
    );
    let says = item(&r, "the agent says \"bonjour\"");
    assert_eq!(says["insertTextFormat"], 2);
    assert_eq!(
        says["textEdit"]["newText"],
        "the agent says ${1|\"bonjour\",\"hello\"|}"
    );
    assert_eq!(edit_range(says), Range::new(8, 11, 8, 11));
    assert_eq!(r["isIncomplete"], true);
    // The server's order stands: sortText follows it.
    let sorts: Vec<String> = items(&r)
        .iter()
        .map(|i| i["sortText"].as_str().unwrap().to_string())
        .collect();
    let mut sorted = sorts.clone();
    sorted.sort();
    assert_eq!(sorts, sorted);
    // A step without choices is plain text even for a snippet client.
    assert_eq!(item(&r, "a call arrives")["insertTextFormat"], 1);
    lsp.shutdown_and_exit();
}

#[test]
fn a_client_without_snippets_gets_plain_text_with_the_first_choice() {
    let (_ws, mut lsp, uri) = session(utf16_client(), DELTA_FILE, DELTA_TEXT);
    let r = complete(&mut lsp, &uri, 8, 11, None, "the agent says \"bonjour\"");
    let says = item(&r, "the agent says \"bonjour\"");
    assert_eq!(says["insertTextFormat"], 1);
    assert_eq!(says["textEdit"]["newText"], "the agent says \"bonjour\"");
    lsp.shutdown_and_exit();
}

/// Line 8 with CJK and emoji typed after the keyword: the edit replaces
/// them, from column 11 to the cursor, counted in the client's encoding.
#[test]
fn typed_cjk_and_emoji_are_replaced_in_both_encodings() {
    let text = DELTA_TEXT.replace("- **WHEN** \n", "- **WHEN** 漢字 🎉 ca\n");
    // "漢字 🎉 ca": 2 + 1 + 2 + 3 UTF-16 units, 6 + 1 + 4 + 3 bytes.
    for (caps, end) in [(utf16_client(), 19), (utf8_client(), 25)] {
        let (_ws, mut lsp, uri) = session(caps, DELTA_FILE, &text);
        let r = complete(&mut lsp, &uri, 8, end, None, "漢字 🎉 caller dials");
        assert_eq!(labels(&r)[0], "漢字 🎉 caller dials", "{r}");
        let first = &items(&r)[0];
        assert_eq!(edit_range(first), Range::new(8, 11, 8, end));
        assert_eq!(first["textEdit"]["newText"], "漢字 🎉 caller dials");
        assert!(first["filterText"]
            .as_str()
            .unwrap()
            .starts_with("漢字 🎉 ca"));
        lsp.shutdown_and_exit();
    }
}

/// Line 4, `漢字🎉 The agent sh`: RFC 2119 keywords replace `sh`, which
/// starts after the CJK and the emoji.
#[test]
fn rfc2119_keywords_after_cjk_and_emoji_in_both_encodings() {
    for (caps, start, end) in [(utf16_client(), 15, 17), (utf8_client(), 21, 23)] {
        let (_ws, mut lsp, uri) = session(caps, DELTA_FILE, DELTA_TEXT);
        let r = complete(&mut lsp, &uri, 4, end, None, "SHALL");
        assert_eq!(
            labels(&r),
            ["SHALL", "SHALL NOT", "SHOULD", "SHOULD NOT"],
            "{r}"
        );
        assert_eq!(edit_range(&items(&r)[0]), Range::new(4, start, 4, end));
        lsp.shutdown_and_exit();
    }
}

#[test]
fn modified_inserts_the_whole_current_block() {
    let (ws, mut lsp, uri) = session(utf16_client(), DELTA_FILE, DELTA_TEXT);
    let r = complete(&mut lsp, &uri, 12, 17, Some(" "), "Greeting");
    assert_eq!(labels(&r), ["Greeting", "Dialling"], "{r}");
    let g = item(&r, "Greeting");
    assert_eq!(edit_range(g), Range::new(12, 17, 12, 17));
    let block = g["textEdit"]["newText"].as_str().unwrap();
    assert_eq!(
        block,
        "Greeting

The agent SHALL greet the caller.

#### Scenario: Caller hears a greeting

- **WHEN** a call arrives
- **THEN** the agent says \"hello\"

#### Scenario: Caller hears a greeting in French

- **WHEN** a call arrives
- **THEN** the agent says \"bonjour\""
    );
    // Applied, the delta keeps every scenario: no drops-scenarios.
    lsp.change(&uri, 2, &[(Range::new(12, 17, 12, 17), block)]);
    let text = DELTA_TEXT.replace(
        "### Requirement: \n",
        &format!("### Requirement: {block}\n"),
    );
    let checked = ws.write(DELTA_FILE, &text).check_json(&[]).1;
    let codes = specls_e2e::codes(&checked);
    assert!(
        !codes.iter().any(|c| c == "delta/drops-scenarios"),
        "{codes:?}"
    );
    lsp.shutdown_and_exit();
}

#[test]
fn task_ids_after_requires_and_links_after_acceptance() {
    for caps in [utf16_client(), utf8_client()] {
        let (_ws, mut lsp, uri) = session(caps, TASKS_FILE, TASKS_TEXT);
        let r = complete(&mut lsp, &uri, 3, 38, Some(" "), "1.1");
        // Task 1.2 is the one being written; group 1 follows the tasks.
        assert_eq!(labels(&r), ["1.1", "1"], "{r}");
        assert_eq!(item(&r, "1.1")["detail"], "Detect the request for a human");
        assert_eq!(item(&r, "1.1")["textEdit"]["newText"], "1.1");
        // This client does not declare labelDetails.
        assert!(item(&r, "1.1")["labelDetails"].is_null());

        let r = complete(&mut lsp, &uri, 4, 16, Some(" "), "Caller asks");
        // The change's own scenario first, then the main spec's.
        assert_eq!(
            labels(&r),
            [
                "Caller asks",
                "Caller hears a greeting",
                "Caller hears a greeting in French",
                "Dial"
            ],
            "{r}"
        );
        assert_eq!(
            item(&r, "Caller asks")["textEdit"]["newText"],
            "[Caller asks](specs/voice/spec.md#scenario-caller-asks)"
        );
        assert_eq!(
            item(&r, "Dial")["textEdit"]["newText"],
            "[Dial](../../specs/voice/spec.md#scenario-dial)"
        );
        assert_eq!(edit_range(&items(&r)[0]), Range::new(4, 16, 4, 16));
        lsp.shutdown_and_exit();
    }
}

#[test]
fn unknown_documents_and_far_positions_get_empty_answers() {
    let (ws, mut lsp, uri) = session(utf16_client(), DELTA_FILE, DELTA_TEXT);
    for (u, line, ch) in [
        (uri.clone(), 999, 0),
        (uri.clone(), 8, 999),
        (
            specls_e2e::lsp::file_uri(&ws.join("openspec/nope.md")),
            0,
            0,
        ),
    ] {
        let r = lsp.request(
            "textDocument/completion",
            json!({"textDocument": {"uri": u}, "position": {"line": line, "character": ch}}),
        );
        assert!(r.is_ok(), "{r:?}");
    }
    lsp.shutdown_and_exit();
}

/// The demo workspace: a new step line in a scenario of the call-transfer
/// delta (line 19, 0-based, after "- **THEN** operator … bridged") gets the
/// steps of every spec, its own capability's first.
#[test]
fn steps_of_the_examples_workspace_after_a_bold_when() {
    let ws = Workspace::copy_of(&specls_e2e::examples_dir());
    let rel = "openspec/changes/add-call-transfer/specs/call-transfer/spec.md";
    let text = std::fs::read_to_string(ws.join(rel)).unwrap();
    let mut lsp = start(&ws, utf16_client());
    let uri = lsp.open(&ws.join(rel), &text, 1);
    lsp.change(&uri, 2, &[(Range::new(18, 0, 18, 0), "- **WHEN** \n")]);
    // Used three times in this capability: among the first.
    let warm = "voice agent \"Front Desk\" starts a warm transfer to queue \"Front Office\"";
    let r = complete(&mut lsp, &uri, 18, 11, Some(" "), warm);
    let got = labels(&r);
    assert!(got.len() >= 20, "{got:?}");
    assert!(got[..5].iter().any(|l| l == warm), "{got:?}");
    // Typed: a step of the voice-agent main spec, which is not open.
    lsp.change(&uri, 3, &[(Range::new(18, 11, 18, 11), "caller starts")]);
    let r = complete(&mut lsp, &uri, 18, 24, None, "the caller starts talking");
    assert_eq!(labels(&r)[0], "the caller starts talking", "{r}");
    assert_eq!(edit_range(&items(&r)[0]), Range::new(18, 11, 18, 24));
    lsp.shutdown_and_exit();
}

#[test]
fn task_titles_beside_the_label_for_clients_that_show_them() {
    let caps = utf16_client().set(
        "textDocument/completion",
        json!({"completionItem": {"labelDetailsSupport": true}}),
    );
    let (_ws, mut lsp, uri) = session(caps, TASKS_FILE, TASKS_TEXT);
    let r = complete(&mut lsp, &uri, 3, 38, Some(" "), "1.1");
    assert_eq!(
        item(&r, "1.1")["labelDetails"]["description"],
        "Detect the request for a human"
    );
    lsp.shutdown_and_exit();
}
