//! Quick fixes and rename through the language server. Each returned edit
//! is applied here, by the test, to the text it was computed for (columns
//! in the negotiated encoding), and the result is compared with the text
//! worked out by hand; for quick fixes, the fixed text is then sent back
//! and the diagnostic must disappear.

mod lsp_common;

use lsp_common::*;
use serde_json::{json, Value};
use specls_e2e::lsp::{
    normalize_uri, position_params, utf16_client, utf8_client, ClientCaps, LspClient, Pos, Range,
    WAIT_TIMEOUT,
};
use specls_e2e::Workspace;

const WRONG_LEVEL: &str = "scenario/wrong-level";
const UNKNOWN_DEP: &str = "tasks/unknown-dependency";
const UNCOVERED: &str = "tasks/uncovered-scenario";

/// The byte offset of `pos` in `text` (lines end with `\n`), counting
/// columns in UTF-8 bytes or UTF-16 units.
fn offset(text: &str, pos: Pos, utf8: bool) -> usize {
    let mut at = 0;
    for (i, line) in text.split('\n').enumerate() {
        if i as u32 == pos.line {
            let mut units = 0;
            for (b, c) in line.char_indices() {
                if units >= pos.character {
                    assert_eq!(units, pos.character, "column inside a character");
                    return at + b;
                }
                units += if utf8 { c.len_utf8() } else { c.len_utf16() } as u32;
            }
            assert_eq!(units, pos.character, "column past the end of line {i}");
            return at + line.len();
        }
        at += line.len() + 1;
    }
    panic!("line {} past the end", pos.line)
}

/// `edits` applied to `text`.
fn apply(text: &str, edits: &[(Range, String)], utf8: bool) -> String {
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|(r, t)| {
            (
                offset(text, r.start, utf8),
                offset(text, r.end, utf8),
                t.as_str(),
            )
        })
        .collect();
    spans.sort_by_key(|s| (s.0, s.1));
    for w in spans.windows(2) {
        assert!(w[0].1 <= w[1].0, "overlapping edits {spans:?}");
    }
    let mut out = text.to_string();
    for (s, e, t) in spans.into_iter().rev() {
        out.replace_range(s..e, t);
    }
    out
}

/// One document's part of a `WorkspaceEdit`.
#[derive(Debug)]
struct DocEdits {
    uri: String,
    /// The version of a `documentChanges` entry (`null` for a closed
    /// document); `None` for the `changes` form.
    version: Option<Value>,
    edits: Vec<(Range, String)>,
}

/// The documents of a `WorkspaceEdit`, sorted by URI.
#[track_caller]
fn doc_edits(edit: &Value) -> Vec<DocEdits> {
    let read = |list: &Value| -> Vec<(Range, String)> {
        list.as_array()
            .expect("an array of edits")
            .iter()
            .map(|e| {
                (
                    Range::from_json(&e["range"]),
                    e["newText"].as_str().expect("newText").to_string(),
                )
            })
            .collect()
    };
    let mut out = Vec::new();
    if let Some(changes) = edit["documentChanges"].as_array() {
        assert!(edit.get("changes").is_none(), "one form only: {edit}");
        for c in changes {
            out.push(DocEdits {
                uri: normalize_uri(c["textDocument"]["uri"].as_str().expect("uri")),
                version: Some(c["textDocument"]["version"].clone()),
                edits: read(&c["edits"]),
            });
        }
    } else {
        let map = edit["changes"]
            .as_object()
            .expect("changes or documentChanges");
        for (uri, list) in map {
            out.push(DocEdits {
                uri: normalize_uri(uri),
                version: None,
                edits: read(list),
            });
        }
    }
    out.sort_by(|a, b| a.uri.cmp(&b.uri));
    out
}

fn with_document_changes(caps: ClientCaps) -> ClientCaps {
    caps.set(
        "workspace/workspaceEdit",
        json!({"documentChanges": true, "resourceOperations": ["create"]}),
    )
    .set("textDocument/rename", json!({"prepareSupport": true}))
    .set(
        "textDocument/codeAction",
        json!({"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix"]}}, "isPreferredSupport": true}),
    )
}

/// The code actions for `range` of `uri`, asked with `diagnostics` as the
/// context.
fn code_actions(lsp: &mut LspClient, uri: &str, range: Range, diagnostics: Value) -> Vec<Value> {
    let r = lsp.request_ok(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range.json(), "context": {"diagnostics": diagnostics}}),
    );
    r.as_array().cloned().unwrap_or_default()
}

// ---------------------------------------------------------------------------
// Quick fixes

/// A main spec with a scenario written as a list item, line 17:
/// `- Scenario: 保留 🎵 music` (23 UTF-16 units, 29 UTF-8 bytes).
const MISPLACED: &str = "# voice Specification

## Purpose

The voice agent answers every inbound call with a spoken greeting.

## Requirements

### Requirement: Greeting

The agent SHALL greet the caller.

#### Scenario: Caller hears a greeting

- **WHEN** a call arrives
- **THEN** the agent says hello

- Scenario: 保留 🎵 music
- **WHEN** the caller waits
- **THEN** music plays
";

fn wrong_level_fix_clears_the_pushed_diagnostic(caps: ClientCaps, utf8: bool, end: u32) {
    let ws = spec_workspace(MISPLACED);
    let mut lsp = start(&ws, caps);
    let uri = lsp.open(&ws.join(MAIN), MISPLACED, 1);
    let p = lsp.diagnostics(&uri, |p| p.has(WRONG_LEVEL));
    let d = p.with_code(WRONG_LEVEL)[0].clone();
    assert_eq!(d.range, Range::new(17, 0, 17, end));
    // The cursor anywhere in the diagnostic is enough.
    let actions = code_actions(&mut lsp, &uri, Range::at(17, 3), json!([d.raw]));
    assert_eq!(actions.len(), 1, "{actions:?}");
    let a = &actions[0];
    assert_eq!(a["title"], "Rewrite as \"#### Scenario: 保留 🎵 music\"");
    assert_eq!(a["kind"], "quickfix");
    assert_eq!(a["isPreferred"], true);
    assert_eq!(a["diagnostics"][0]["code"], WRONG_LEVEL);
    let docs = doc_edits(&a["edit"]);
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].uri, norm(&ws, MAIN));
    assert_eq!(
        docs[0].edits,
        [(
            Range::new(17, 0, 17, end),
            "#### Scenario: 保留 🎵 music".to_string()
        )]
    );
    let fixed = apply(MISPLACED, &docs[0].edits, utf8);
    assert_eq!(
        fixed,
        MISPLACED.replace("- Scenario: 保留", "#### Scenario: 保留")
    );
    lsp.change_full(&uri, 2, &fixed);
    let p = lsp.diagnostics(&uri, |p| p.version == Some(2));
    assert!(p.is_empty(), "{p:?}");
    lsp.shutdown_and_exit();
}

#[test]
fn wrong_level_fix_utf16() {
    wrong_level_fix_clears_the_pushed_diagnostic(utf16_client(), false, 23);
}

#[test]
fn wrong_level_fix_utf8() {
    wrong_level_fix_clears_the_pushed_diagnostic(utf8_client(), true, 29);
}

/// Tasks with a dependency on a missing id after CJK text, line 4:
/// `- [ ] 1.2 転送する (requires 1.10)`; "1.10" is at UTF-16 25..29, UTF-8
/// 33..37. Its nearest id is 1.1 (1.2 and 1.3 share only "1.").
const TYPO_TASKS: &str = "## 1. Transfer

- [ ] 1.1 Detect the request for a human
  - Acceptance: [x](specs/voice/spec.md#scenario-caller-asks)
- [ ] 1.2 転送する (requires 1.10)
  - Acceptance: [x](specs/voice/spec.md#scenario-caller-asks)
- [ ] 1.3 Greet the caller by name
  - Acceptance: [x](specs/voice/spec.md#scenario-caller-hears-a-greeting)
";

fn unknown_dependency_fix(caps: ClientCaps, utf8: bool, at: (u32, u32)) {
    let ws = change_workspace();
    ws.write(TASKS, TYPO_TASKS);
    let mut lsp = start(&ws, with_document_changes(caps).pull_diagnostics(true));
    let uri = lsp.open(&ws.join(TASKS), TYPO_TASKS, 7);
    let pulled = lsp.request_until(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": uri}}),
        WAIT_TIMEOUT,
        |r| r["items"].as_array().is_some_and(|a| !a.is_empty()),
    );
    let items = pulled["items"].as_array().unwrap();
    let d = items
        .iter()
        .find(|d| d["code"] == UNKNOWN_DEP)
        .unwrap_or_else(|| panic!("no {UNKNOWN_DEP}: {pulled}"));
    let range = Range::new(4, at.0, 4, at.1);
    assert_eq!(Range::from_json(&d["range"]), range);
    // The client sends no diagnostics: the server finds them itself.
    let actions = code_actions(&mut lsp, &uri, range, json!([]));
    let fix = actions
        .iter()
        .find(|a| a["diagnostics"][0]["code"] == UNKNOWN_DEP)
        .unwrap_or_else(|| panic!("no fix: {actions:?}"));
    assert_eq!(fix["title"], "Change to \"1.1\"");
    let docs = doc_edits(&fix["edit"]);
    assert_eq!(docs.len(), 1);
    assert_eq!(
        docs[0].version,
        Some(json!(7)),
        "the open document's version"
    );
    assert_eq!(docs[0].edits, [(range, "1.1".to_string())]);
    let fixed = apply(TYPO_TASKS, &docs[0].edits, utf8);
    assert_eq!(
        fixed,
        TYPO_TASKS.replace("(requires 1.10)", "(requires 1.1)")
    );
    // Sent as the same incremental edit the server proposed.
    lsp.change(&uri, 8, &[(range, "1.1")]);
    let r = lsp.request_ok(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": uri}}),
    );
    let codes: Vec<&Value> = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| &d["code"])
        .collect();
    assert!(!codes.contains(&&json!(UNKNOWN_DEP)), "{r}");
    lsp.shutdown_and_exit();
}

#[test]
fn unknown_dependency_fix_pulled_utf16() {
    unknown_dependency_fix(utf16_client(), false, (25, 29));
}

#[test]
fn unknown_dependency_fix_pulled_utf8() {
    unknown_dependency_fix(utf8_client(), true, (33, 37));
}

/// Tasks covering only "Caller asks"; line 3 is
/// `  - Acceptance: [人](specs/voice/spec.md#scenario-caller-asks)` (61
/// UTF-16 units, 63 UTF-8 bytes).
const PARTIAL_TASKS: &str = "## 1. Transfer

- [ ] 1.1 Detect the request for a human
  - Acceptance: [人](specs/voice/spec.md#scenario-caller-asks)
";

fn uncovered_fix_edits_the_closed_tasks_file(caps: ClientCaps, utf8: bool, end: u32) {
    let ws = change_workspace();
    ws.write(TASKS, PARTIAL_TASKS);
    let mut lsp = start(&ws, with_document_changes(caps));
    let delta = open_file(&mut lsp, &ws, DELTA);
    let p = lsp.diagnostics(&delta, |p| p.has(UNCOVERED));
    let d = p.with_code(UNCOVERED)[0].clone();
    // "#### Scenario: Caller hears a greeting", line 17.
    assert_eq!(d.range, Range::new(17, 0, 17, 38));
    let actions = code_actions(&mut lsp, &delta, d.range, json!([d.raw]));
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(
        actions[0]["title"],
        "Add task 1.2 covering \"Caller hears a greeting\" to tasks.md"
    );
    let docs = doc_edits(&actions[0]["edit"]);
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].uri, norm(&ws, TASKS));
    assert_eq!(docs[0].version, Some(Value::Null), "tasks.md is not open");
    let added = "\n- [ ] 1.2 Cover scenario \"Caller hears a greeting\"\n  - Acceptance: [Caller hears a greeting](specs/voice/spec.md#scenario-caller-hears-a-greeting)";
    assert_eq!(docs[0].edits, [(Range::at(3, end), added.to_string())]);
    let fixed = apply(PARTIAL_TASKS, &docs[0].edits, utf8);
    assert_eq!(fixed, format!("{}{added}\n", PARTIAL_TASKS.trim_end()));
    // The client saves the file it edited.
    ws.write(TASKS, &fixed);
    lsp.watched_files_changed(&[(&uri(&ws, TASKS), 2)]);
    let p = lsp.diagnostics(&delta, |p| !p.has(UNCOVERED));
    assert!(p.is_empty(), "{p:?}");
    lsp.shutdown_and_exit();
}

#[test]
fn uncovered_fix_utf16() {
    uncovered_fix_edits_the_closed_tasks_file(utf16_client(), false, 61);
}

#[test]
fn uncovered_fix_utf8() {
    uncovered_fix_edits_the_closed_tasks_file(utf8_client(), true, 63);
}

#[test]
fn only_other_kinds_get_no_quick_fixes() {
    let ws = spec_workspace(MISPLACED);
    let mut lsp = start(&ws, utf16_client());
    let uri = lsp.open(&ws.join(MAIN), MISPLACED, 1);
    lsp.diagnostics(&uri, |p| p.has(WRONG_LEVEL));
    let r = lsp.request_ok(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": Range::at(17, 3).json(),
               "context": {"diagnostics": [], "only": ["refactor"]}}),
    );
    assert_eq!(r, json!([]));
    lsp.shutdown_and_exit();
}

// ---------------------------------------------------------------------------
// Rename

/// Main spec, line 8: `### Requirement: Grüße 👋` (the name is UTF-16
/// 17..25, UTF-8 17..29).
const GRUSS_MAIN: &str = "# voice Specification

## Purpose

The voice agent answers every inbound call with a spoken greeting.

## Requirements

### Requirement: Grüße 👋

The agent SHALL greet the caller.

#### Scenario: Caller hears a greeting

- **WHEN** a call arrives
- **THEN** the agent says hello
";

/// Delta, line 2: the same header.
const GRUSS_DELTA: &str = "## MODIFIED Requirements

### Requirement: Grüße 👋

The agent SHALL greet the caller by name.

#### Scenario: Caller hears a greeting

- **WHEN** a call arrives
- **THEN** the agent says hello
";

/// Tasks, line 3: the anchor `requirement-grüße-` is at UTF-16 40..58,
/// UTF-8 40..60.
const GRUSS_TASKS: &str = "## 1. Greeting

- [ ] 1.1 Greet the caller
  - Acceptance: [r](specs/voice/spec.md#requirement-grüße-)
";

fn rename_across_files(caps: ClientCaps, utf8: bool, name_end: u32, anchor_end: u32) {
    let ws = Workspace::new(CHANGE);
    ws.write(MAIN, GRUSS_MAIN);
    ws.write(DELTA, GRUSS_DELTA);
    ws.write(TASKS, GRUSS_TASKS);
    let versioned =
        caps.0.pointer("/workspace/workspaceEdit/documentChanges") == Some(&json!(true));
    let mut lsp = start(&ws, caps);
    let delta = lsp.open(&ws.join(DELTA), GRUSS_DELTA, 3);
    let prep = lsp.request_until(
        "textDocument/prepareRename",
        position_params(&delta, 2, 18),
        WAIT_TIMEOUT,
        |v| !v.is_null(),
    );
    assert_eq!(
        Range::from_json(&prep["range"]),
        Range::new(2, 17, 2, name_end)
    );
    assert_eq!(prep["placeholder"], "Grüße 👋");
    let r = lsp.request_ok(
        "textDocument/rename",
        json!({"textDocument": {"uri": delta}, "position": Pos::new(2, 18).json(), "newName": "Begrüßung"}),
    );
    let docs = doc_edits(&r);
    let uris: Vec<&str> = docs.iter().map(|d| d.uri.as_str()).collect();
    let mut want = vec![norm(&ws, DELTA), norm(&ws, TASKS), norm(&ws, MAIN)];
    want.sort();
    assert_eq!(uris, want, "{r}");
    for d in &docs {
        let (rel, text) = if d.uri == norm(&ws, MAIN) {
            (MAIN, GRUSS_MAIN)
        } else if d.uri == norm(&ws, DELTA) {
            (DELTA, GRUSS_DELTA)
        } else {
            (TASKS, GRUSS_TASKS)
        };
        let version = match (versioned, rel == DELTA) {
            (true, true) => Some(json!(3)),
            (true, false) => Some(Value::Null),
            (false, _) => None,
        };
        assert_eq!(d.version, version, "{rel}");
        let want_edits = match rel {
            MAIN => vec![(Range::new(8, 17, 8, name_end), "Begrüßung".to_string())],
            DELTA => vec![(Range::new(2, 17, 2, name_end), "Begrüßung".to_string())],
            _ => vec![(
                Range::new(3, 40, 3, anchor_end),
                "requirement-begrüßung".to_string(),
            )],
        };
        assert_eq!(d.edits, want_edits, "{rel}");
        let renamed = apply(text, &d.edits, utf8);
        let expected = if rel == TASKS {
            text.replace("#requirement-grüße-", "#requirement-begrüßung")
        } else {
            text.replace("Requirement: Grüße 👋", "Requirement: Begrüßung")
        };
        assert_eq!(renamed, expected, "{rel}");
    }
    lsp.shutdown_and_exit();
}

#[test]
fn rename_across_files_utf16_with_changes() {
    let caps = utf16_client().set("textDocument/rename", json!({"prepareSupport": true}));
    rename_across_files(caps, false, 25, 58);
}

#[test]
fn rename_across_files_utf8_with_document_changes() {
    rename_across_files(with_document_changes(utf8_client()), true, 29, 60);
}

#[test]
fn rename_in_an_unsaved_document_uses_the_buffer_and_its_version() {
    let ws = change_workspace();
    let mut lsp = start(&ws, with_document_changes(utf16_client()));
    let main = open_file(&mut lsp, &ws, MAIN);
    // Two lines above the title, not saved: "Greeting" moves to line 10.
    lsp.change(&main, 2, &[(Range::at(0, 0), "<!-- draft -->\n\n")]);
    let buffer = format!("<!-- draft -->\n\n{GOOD_SPEC}");
    let prep = lsp.request_until(
        "textDocument/prepareRename",
        position_params(&main, 10, 20),
        WAIT_TIMEOUT,
        |v| !v.is_null(),
    );
    assert_eq!(Range::from_json(&prep["range"]), Range::new(10, 17, 10, 25));
    let r = lsp.request_ok(
        "textDocument/rename",
        json!({"textDocument": {"uri": main}, "position": Pos::new(10, 20).json(), "newName": "Salutation"}),
    );
    let docs = doc_edits(&r);
    let mine = docs
        .iter()
        .find(|d| d.uri == norm(&ws, MAIN))
        .expect("the main spec");
    assert_eq!(mine.version, Some(json!(2)));
    assert_eq!(
        apply(&buffer, &mine.edits, false),
        buffer.replace("Requirement: Greeting", "Requirement: Salutation")
    );
    // The delta's MODIFIED header, line 13, from the file on disk.
    let delta = docs
        .iter()
        .find(|d| d.uri == norm(&ws, DELTA))
        .expect("the delta");
    assert_eq!(delta.version, Some(Value::Null));
    assert_eq!(
        delta.edits,
        [(Range::new(13, 17, 13, 25), "Salutation".to_string())]
    );
    // A name the capability already uses (the delta ADDs "Transfer").
    let refused = lsp.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": main}, "position": Pos::new(10, 20).json(), "newName": "Transfer"}),
    );
    let err = refused.expect_err("a taken name is refused");
    assert!(
        err["message"]
            .as_str()
            .is_some_and(|m| m.contains("already a requirement name")),
        "{err}"
    );
    lsp.shutdown_and_exit();
}

#[test]
fn prepare_rename_off_a_name_is_null_and_task_ids_rename() {
    let ws = change_workspace();
    let mut lsp = start(&ws, with_document_changes(utf8_client()));
    let tasks = open_file(&mut lsp, &ws, TASKS);
    // Line 0, "## 1. Transfer": a group heading is not renameable.
    let r = lsp.request_ok("textDocument/prepareRename", position_params(&tasks, 0, 8));
    assert!(r.is_null(), "{r}");
    // "1.1" on line 2 (characters 6..9), and its dependency on line 4.
    let prep = lsp.request_ok("textDocument/prepareRename", position_params(&tasks, 2, 7));
    assert_eq!(Range::from_json(&prep["range"]), Range::new(2, 6, 2, 9));
    assert_eq!(prep["placeholder"], "1.1");
    let r = lsp.request_ok(
        "textDocument/rename",
        json!({"textDocument": {"uri": tasks}, "position": Pos::new(2, 7).json(), "newName": "1.4"}),
    );
    let docs = doc_edits(&r);
    assert_eq!(docs.len(), 1);
    assert_eq!(
        apply(TASKS_MD, &docs[0].edits, true),
        TASKS_MD
            .replace("- [ ] 1.1 Detect", "- [ ] 1.4 Detect")
            .replace("(requires 1.1)", "(requires 1.4)")
    );
    lsp.shutdown_and_exit();
}
