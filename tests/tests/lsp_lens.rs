//! Code lens, `workspace/executeCommand` (`specls.taskGraph`), inlay hints
//! and semantic tokens through the language server, in UTF-16 and UTF-8
//! clients. Every position below is counted by hand from the fixtures.

mod lsp_common;

use lsp_common::*;
use serde_json::{json, Value};
use specls_e2e::lsp::{
    position_params, utf16_client, utf8_client, ClientCaps, LspClient, Range, WAIT_TIMEOUT,
};
use specls_e2e::Workspace;

fn nonempty(v: &Value) -> bool {
    v.as_array().is_some_and(|a| !a.is_empty())
}

/// Each lens as (line, title, command, arguments).
fn lenses(v: &Value) -> Vec<(u32, String, String, Value)> {
    v.as_array()
        .unwrap_or_else(|| panic!("code lenses: {v}"))
        .iter()
        .map(|l| {
            let cmd = &l["command"];
            (
                Range::from_json(&l["range"]).start.line,
                cmd["title"].as_str().unwrap_or_default().to_string(),
                cmd["command"].as_str().unwrap_or_default().to_string(),
                cmd.get("arguments").cloned().unwrap_or(Value::Null),
            )
        })
        .collect()
}

#[test]
fn capabilities_declare_lens_hints_tokens_and_the_command() {
    let ws = change_workspace();
    let (mut lsp, init) = LspClient::start_in(ws.path(), utf16_client(), fast());
    let caps = &init["capabilities"];
    assert_eq!(caps["codeLensProvider"], json!({"resolveProvider": false}));
    assert_eq!(caps["inlayHintProvider"], true);
    assert_eq!(
        caps["executeCommandProvider"]["commands"],
        json!(["specls.taskGraph"])
    );
    let st = &caps["semanticTokensProvider"];
    assert_eq!(
        st["legend"],
        json!({"tokenTypes": ["keyword", "modifier", "variable", "macro"], "tokenModifiers": ["declaration"]})
    );
    assert_eq!(st["full"], true);
    assert_eq!(st["range"], true);
    lsp.shutdown_and_exit();
}

#[test]
fn code_lenses_on_scenarios_groups_and_main_requirements() {
    let ws = change_workspace();
    let mut lsp = start(&ws, utf16_client());
    let tasks = open_file(&mut lsp, &ws, TASKS);
    let delta = open_file(&mut lsp, &ws, DELTA);
    let main = open_file(&mut lsp, &ws, MAIN);
    let params = |uri: &str| json!({"textDocument": {"uri": uri}});
    // tasks.md: "## 1. Transfer" on line 0, three open tasks.
    let r = lsp.request_until(
        "textDocument/codeLens",
        params(&tasks),
        WAIT_TIMEOUT,
        nonempty,
    );
    assert_eq!(
        lenses(&r),
        [
            (
                0,
                "Task graph".to_string(),
                "specls.showTaskGraph".to_string(),
                json!([{"uri": tasks, "format": "mermaid"}])
            ),
            (0, "0/3 done".to_string(), String::new(), Value::Null),
        ]
    );
    assert_eq!(Range::from_json(&r[0]["range"]), Range::new(0, 0, 0, 14));
    // The delta: "Caller asks" (line 6) is linked by 1.1 and 1.2, "Caller
    // hears a greeting" (line 17) by 1.3.
    let r = lsp.request_until("textDocument/codeLens", params(&delta), WAIT_TIMEOUT, |v| {
        lenses(v).len() == 2
    });
    assert_eq!(
        lenses(&r),
        [
            (6, "2 tasks".to_string(), String::new(), Value::Null),
            (17, "1 task".to_string(), String::new(), Value::Null),
        ]
    );
    assert_eq!(Range::from_json(&r[0]["range"]), Range::new(6, 0, 6, 26));
    // The main spec: "### Requirement: Greeting" (line 8) is MODIFIED by c.
    let r = lsp.request_until(
        "textDocument/codeLens",
        params(&main),
        WAIT_TIMEOUT,
        nonempty,
    );
    assert_eq!(
        lenses(&r),
        [(8, "MODIFIED in c".to_string(), String::new(), Value::Null)]
    );
    lsp.shutdown_and_exit();
}

/// Change `c` MODIFIES "Greeting" and change `d` REMOVES it: the main
/// requirement's lens and hover say they conflict, and the hover on `c`'s
/// entry names `d`'s.
#[test]
fn conflicting_changes_are_named_in_the_lens_and_the_hover() {
    let ws = change_workspace();
    ws.write(
        "openspec/changes/d/specs/voice/spec.md",
        "## REMOVED Requirements\n- `### Requirement: Greeting`\n",
    );
    let mut lsp = start(&ws, utf16_client());
    let main = open_file(&mut lsp, &ws, MAIN);
    let r = lsp.request_until(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": main}}),
        WAIT_TIMEOUT,
        nonempty,
    );
    assert_eq!(
        lenses(&r),
        [(
            8,
            "MODIFIED in c · REMOVED in d · ⚠ conflict: c and d".to_string(),
            String::new(),
            Value::Null
        )]
    );
    // Line 8 is "### Requirement: Greeting"; character 20 is in the name.
    let h = lsp
        .request("textDocument/hover", position_params(&main, 8, 20))
        .expect("hover");
    let md = h["contents"]["value"].as_str().unwrap_or_default();
    assert!(
        md.contains("Changed by `c` (MODIFIED), `d` (REMOVED)."),
        "{h}"
    );
    assert!(
        md.contains("⚠ `c` and `d` conflict (`change/overlap`)"),
        "{h}"
    );
    lsp.shutdown_and_exit();
}

#[test]
fn task_graph_command_returns_text_mermaid_and_the_cli_json() {
    let ws = change_workspace();
    let mut lsp = start(&ws, utf16_client());
    // Any file of the change will do, open or not.
    let delta = uri(&ws, DELTA);
    let tasks = open_file(&mut lsp, &ws, TASKS);
    let call = |lsp: &mut LspClient, uri: &str, format: Value| {
        lsp.request(
            "workspace/executeCommand",
            json!({"command": "specls.taskGraph", "arguments": [{"uri": uri, "format": format}]}),
        )
    };
    // 1.1 and 1.3 need nothing; 1.2 needs 1.1.
    let text = call(&mut lsp, &delta, json!("text")).expect("text");
    assert_eq!(
        text,
        "Task graph of c (openspec/changes/c/tasks.md)
3 tasks, 0 done · 2 waves · critical path: 1.1 → 1.2

Wave 1
* [ ] 1.1 Detect the request for a human
  [ ] 1.3 Greet the caller by name

Wave 2
* [ ] 1.2 Transfer the call ← 1.1

* on the critical path
"
    );
    let mermaid = call(&mut lsp, &tasks, json!("mermaid")).expect("mermaid");
    let mermaid = mermaid.as_str().expect("a string");
    assert!(mermaid.starts_with("flowchart LR\n"), "{mermaid}");
    assert!(mermaid.contains("\n  t0 --> t1\n"), "{mermaid}");
    assert!(mermaid.contains("\n  linkStyle 0 stroke:"), "{mermaid}");
    // No format means text.
    assert_eq!(call(&mut lsp, &tasks, Value::Null).expect("default"), text);
    let graph = call(&mut lsp, &tasks, json!("json")).expect("json");
    assert_eq!(graph["version"], 1);
    assert_eq!(graph["waves"], json!([["1.1", "1.3"], ["1.2"]]));
    assert_eq!(graph["critical_path"], json!(["1.1", "1.2"]));
    let cli = ws.run(&["tasks", "c", "--format", "json"]);
    cli.assert_status(0);
    assert_eq!(graph, cli.json(), "the server and the CLI give one object");
    // Invalid calls are invalid params, not crashes.
    for (args, what) in [
        (json!([{"uri": tasks, "format": "dot"}]), "a format"),
        (
            json!([{"uri": uri(&ws, MAIN)}]),
            "a file outside any change",
        ),
        (json!([]), "no argument"),
        (json!(["x"]), "a string argument"),
    ] {
        let e = lsp
            .request(
                "workspace/executeCommand",
                json!({"command": "specls.taskGraph", "arguments": args}),
            )
            .expect_err(what);
        assert_eq!(e["code"], -32602, "{what}: {e}");
    }
    let e = lsp
        .request(
            "workspace/executeCommand",
            json!({"command": "specls.nope", "arguments": []}),
        )
        .expect_err("unknown command");
    assert_eq!(e["code"], -32602, "{e}");
    lsp.shutdown_and_exit();
}

// ---------------------------------------------------------------------------
// Positions in both encodings

const DELTA_U: &str = "openspec/changes/u/specs/a/spec.md";
const TASKS_U: &str = "openspec/changes/u/tasks.md";

/// ```text
/// 0 ## ADDED Requirements
/// 1 ### Requirement: 挨拶
/// 2 漢字🎉 SHALL greet; it MUST NOT hang up.
///   SHALL: UTF-16 5 (漢字 2 + 🎉 2 + space), UTF-8 11 (6 + 4 + 1); MUST NOT
///   16 further in both ("SHALL greet; it ")
/// 3 #### Scenario: 挨拶する      (UTF-16 19, UTF-8 27 long)
/// 4 - **WHEN** a call 漢字 arrives   (WHEN at 4)
/// 5 - **THEN** it greets            (THEN at 4)
/// ```
const DELTA_U_TEXT: &str = "## ADDED Requirements
### Requirement: 挨拶
漢字🎉 SHALL greet; it MUST NOT hang up.
#### Scenario: 挨拶する
- **WHEN** a call 漢字 arrives
- **THEN** it greets
";

/// CRLF line ends.
///
/// ```text
/// 0 ## 1. 漢字                       (UTF-16 8, UTF-8 12 long)
/// 1 - [ ] 1.1 🎉 greet (requires 1.2)
///   "1.1" at 6; "1.2" after "- [ ] 1.1 " (10), 🎉, " greet (requires " (17):
///   UTF-16 29..32, UTF-8 31..34
/// 2   - Acceptance: [挨拶](specs/a/spec.md#scenario-挨拶する)
///   the target after "  - Acceptance: [" (17), 挨拶, "](": UTF-16 21, 29
///   long (16 + 9 + 4); UTF-8 25, 37 long (16 + 9 + 12)
/// 3 - [x] 1.2 done                   ("1.2" at 6)
/// ```
const TASKS_U_TEXT: &str = "## 1. 漢字\r\n- [ ] 1.1 🎉 greet (requires 1.2)\r\n  - Acceptance: [挨拶](specs/a/spec.md#scenario-挨拶する)\r\n- [x] 1.2 done\r\n";

/// Columns that differ between the encodings: (UTF-16, UTF-8).
#[derive(Clone, Copy)]
enum Enc {
    Utf16,
    Utf8,
}

impl Enc {
    fn pick(self, utf16: u32, utf8: u32) -> u32 {
        match self {
            Enc::Utf16 => utf16,
            Enc::Utf8 => utf8,
        }
    }

    fn client(self) -> ClientCaps {
        match self {
            Enc::Utf16 => utf16_client(),
            Enc::Utf8 => utf8_client(),
        }
    }
}

fn encoding_session(enc: Enc) -> (Workspace, LspClient, String, String) {
    let ws = Workspace::new("//- openspec/config.yaml\nschema: spec-driven\n");
    ws.write(DELTA_U, DELTA_U_TEXT);
    ws.write(TASKS_U, TASKS_U_TEXT);
    let (mut lsp, init) = LspClient::start_in(ws.path(), enc.client(), fast());
    let want = match enc {
        Enc::Utf16 => "utf-16",
        Enc::Utf8 => "utf-8",
    };
    assert_eq!(init["capabilities"]["positionEncoding"], want);
    let delta = open_file(&mut lsp, &ws, DELTA_U);
    let tasks = open_file(&mut lsp, &ws, TASKS_U);
    (ws, lsp, delta, tasks)
}

/// The relative encoding decoded: (line, start, length, type, modifiers).
fn decode(v: &Value) -> Vec<(u32, u32, u32, u32, u32)> {
    let data: Vec<u32> = v["data"]
        .as_array()
        .unwrap_or_else(|| panic!("semantic tokens: {v}"))
        .iter()
        .map(|n| n.as_u64().expect("a number") as u32)
        .collect();
    assert_eq!(data.len() % 5, 0, "{v}");
    let (mut line, mut start) = (0, 0);
    data.chunks(5)
        .map(|c| {
            if c[0] > 0 {
                start = 0;
            }
            line += c[0];
            start += c[1];
            (line, start, c[2], c[3], c[4])
        })
        .collect()
}

fn semantic_tokens_in_both_encodings(enc: Enc) {
    let (_ws, mut lsp, delta, tasks) = encoding_session(enc);
    let p = enc;
    // Types: 0 keyword, 1 modifier, 2 variable, 3 macro; modifier bit 1 is
    // declaration.
    let r = lsp.request_ok(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": delta}}),
    );
    assert_eq!(
        decode(&r),
        [
            (2, p.pick(5, 11), 5, 1, 0),
            (2, p.pick(21, 27), 8, 1, 0),
            (4, 4, 4, 0, 0),
            (5, 4, 4, 0, 0),
        ],
        "{r}"
    );
    let r = lsp.request_ok(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": tasks}}),
    );
    assert_eq!(
        decode(&r),
        [
            (1, 6, 3, 2, 1),
            (1, p.pick(29, 31), 3, 2, 0),
            (2, p.pick(21, 25), p.pick(29, 37), 3, 0),
            (3, 6, 3, 2, 1),
        ],
        "{r}"
    );
    // A range covering line 2 only: the acceptance link.
    let r = lsp.request_ok(
        "textDocument/semanticTokens/range",
        json!({"textDocument": {"uri": tasks}, "range": Range::new(2, 0, 3, 0).json()}),
    );
    assert_eq!(
        decode(&r),
        [(2, p.pick(21, 25), p.pick(29, 37), 3, 0)],
        "{r}"
    );
    // A range from inside "greet" on line 2 (after SHALL) to past the end.
    let r = lsp.request_ok(
        "textDocument/semanticTokens/range",
        json!({"textDocument": {"uri": delta}, "range": Range::new(2, p.pick(12, 20), 9, 0).json()}),
    );
    assert_eq!(
        decode(&r),
        [
            (2, p.pick(21, 27), 8, 1, 0),
            (4, 4, 4, 0, 0),
            (5, 4, 4, 0, 0),
        ],
        "{r}"
    );
    lsp.shutdown_and_exit();
}

#[test]
fn semantic_tokens_utf16() {
    semantic_tokens_in_both_encodings(Enc::Utf16);
}

#[test]
fn semantic_tokens_utf8() {
    semantic_tokens_in_both_encodings(Enc::Utf8);
}

fn hints_and_lenses_in_both_encodings(enc: Enc) {
    let (_ws, mut lsp, delta, tasks) = encoding_session(enc);
    let p = enc;
    let r = lsp.request_ok(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": tasks}, "range": Range::new(0, 0, 4, 0).json()}),
    );
    assert_eq!(
        r,
        json!([{
            "position": {"line": 1, "character": p.pick(32, 34)},
            "label": "✓ done",
            "paddingLeft": true,
        }])
    );
    // A range that ends before the id: no hint.
    let r = lsp.request_ok(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": tasks}, "range": Range::new(0, 0, 1, 10).json()}),
    );
    assert_eq!(r, json!([]));
    let r = lsp.request_until(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": tasks}}),
        WAIT_TIMEOUT,
        nonempty,
    );
    assert_eq!(
        lenses(&r).iter().map(|l| l.1.as_str()).collect::<Vec<_>>(),
        ["Task graph", "1/2 done"]
    );
    for l in r.as_array().unwrap() {
        assert_eq!(
            Range::from_json(&l["range"]),
            Range::new(0, 0, 0, p.pick(8, 12))
        );
    }
    let r = lsp.request_until(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": delta}}),
        WAIT_TIMEOUT,
        nonempty,
    );
    assert_eq!(
        lenses(&r),
        [(3, "1 task".to_string(), String::new(), Value::Null)]
    );
    assert_eq!(
        Range::from_json(&r[0]["range"]),
        Range::new(3, 0, 3, p.pick(19, 27))
    );
    lsp.shutdown_and_exit();
}

#[test]
fn inlay_hints_and_lenses_utf16() {
    hints_and_lenses_in_both_encodings(Enc::Utf16);
}

#[test]
fn inlay_hints_and_lenses_utf8() {
    hints_and_lenses_in_both_encodings(Enc::Utf8);
}

#[test]
fn edits_are_seen_and_unknown_documents_get_nothing() {
    let (ws, mut lsp, _delta, tasks) = encoding_session(Enc::Utf16);
    // Uncheck 1.2: "- [x]" → "- [ ]" on line 3.
    lsp.change(&tasks, 2, &[(Range::new(3, 3, 3, 4), " ")]);
    let r = lsp.request_ok(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": tasks}, "range": Range::new(0, 0, 4, 0).json()}),
    );
    assert_eq!(r[0]["label"], "done", "{r}");
    let r = lsp.request_ok(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": tasks}}),
    );
    assert_eq!(lenses(&r)[1].1, "0/2 done");
    let nowhere = specls_e2e::lsp::file_uri(&ws.join("elsewhere/notes.md"));
    for method in ["textDocument/codeLens", "textDocument/semanticTokens/full"] {
        let r = lsp.request_ok(method, json!({"textDocument": {"uri": nowhere}}));
        assert!(r.is_null(), "{method}: {r}");
    }
    let r = lsp.request_ok(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": tasks}, "range": Range::new(99, 0, 120, 5).json()}),
    );
    assert_eq!(r, json!([]));
    lsp.shutdown_and_exit();
}

/// Polls (pumping messages) until the server has sent `n` requests of
/// `method`; fails after [`WAIT_TIMEOUT`].
fn wait_server_requests(lsp: &mut LspClient, method: &str, n: usize) {
    let deadline = std::time::Instant::now() + WAIT_TIMEOUT;
    while lsp.server_requests(method).len() < n {
        assert!(
            std::time::Instant::now() < deadline,
            "the server sent {} {method} requests, not {n}",
            lsp.server_requests(method).len()
        );
        lsp.pump_for(std::time::Duration::from_millis(50));
    }
}

#[test]
fn editing_tasks_refreshes_the_lenses_of_other_files() {
    const REFRESH: &str = "workspace/codeLens/refresh";
    let ws = change_workspace();
    let caps = utf16_client().set("workspace/codeLens/refreshSupport", json!(true));
    let mut lsp = start(&ws, caps);
    let tasks = open_file(&mut lsp, &ws, TASKS);
    let delta = open_file(&mut lsp, &ws, DELTA);
    let params = json!({"textDocument": {"uri": delta}});
    lsp.request_until("textDocument/codeLens", params.clone(), WAIT_TIMEOUT, |v| {
        lenses(v).first().is_some_and(|l| l.1 == "2 tasks")
    });
    // Reading the workspace may already have asked for refreshes.
    lsp.pump_for(std::time::Duration::from_millis(300));
    let before = lsp.server_requests(REFRESH).len();
    // Line 5 is 1.2's acceptance link to "Caller asks": drop it.
    lsp.change(&tasks, 2, &[(Range::new(5, 0, 6, 0), "")]);
    wait_server_requests(&mut lsp, REFRESH, before + 1);
    let r = lsp.request_ok("textDocument/codeLens", params);
    assert_eq!(lenses(&r)[0].1, "1 task", "{r}");
    // A client without refresh support is never asked.
    let mut plain = start(&ws, utf16_client());
    let tasks = open_file(&mut plain, &ws, TASKS);
    plain.change(&tasks, 2, &[(Range::new(5, 0, 6, 0), "")]);
    plain.pump_for(std::time::Duration::from_millis(500));
    assert!(plain.server_requests(REFRESH).is_empty());
    plain.shutdown_and_exit();
    lsp.shutdown_and_exit();
}

/// Times the new requests on the largest main spec and the largest task
/// list of the corpus (best of 20 round trips, debug build unless built
/// otherwise). Not a check: run it by hand with
/// `SPECLS_CORPUS=/path/to/corpus cargo test -p specls-e2e --test lsp_lens -- --ignored --nocapture`.
#[test]
#[ignore]
fn timing_on_the_corpus() {
    let Some(corpus) = std::env::var_os("SPECLS_CORPUS").map(std::path::PathBuf::from) else {
        eprintln!("SPECLS_CORPUS is not set: nothing timed");
        return;
    };
    for (root, rel) in [
        ("kalbasit+ncps", "openspec/specs/cdc-chunking/spec.md"),
        (
            "BaseOut+baseout",
            "openspec/changes/shared-entitlements/tasks.md",
        ),
    ] {
        let root = corpus.join(root);
        let Ok(text) = std::fs::read_to_string(root.join(rel)) else {
            eprintln!("{} is absent", root.join(rel).display());
            continue;
        };
        let (mut lsp, _) = LspClient::start_in(&root, utf16_client(), fast());
        let uri = lsp.open(&root.join(rel), &text, 1);
        let doc = json!({"textDocument": {"uri": uri}});
        lsp.request_ok("textDocument/codeLens", doc.clone());
        let all = Range::new(0, 0, 1_000_000, 0).json();
        for (method, params) in [
            ("textDocument/semanticTokens/full", doc.clone()),
            ("textDocument/codeLens", doc.clone()),
            (
                "textDocument/inlayHint",
                json!({"textDocument": {"uri": uri}, "range": all}),
            ),
            (
                "workspace/executeCommand",
                json!({"command": "specls.taskGraph", "arguments": [{"uri": uri, "format": "json"}]}),
            ),
        ] {
            let mut best = f64::MAX;
            for _ in 0..20 {
                let t = std::time::Instant::now();
                let _ = lsp.request(method, params.clone());
                best = best.min(t.elapsed().as_secs_f64() * 1000.0);
            }
            eprintln!("{rel} ({} bytes) {method}: {best:.2} ms", text.len());
        }
        lsp.shutdown_and_exit();
    }
}
