//! LSP message streams against the server in-process (`specls::lsp::serve`,
//! the same code `specls lsp` runs on stdio): documents opened, edited with
//! any ranges and versions, and closed; every request the server offers, at
//! any position; settings; malformed frames and bodies. A panic anywhere,
//! even one the server would catch and log, fails the target.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};

#[derive(Arbitrary, Debug)]
enum Msg {
    Open {
        doc: u8,
        text: String,
    },
    Change {
        doc: u8,
        version: i8,
        range: Option<((u8, u8), (u8, u8))>,
        text: String,
    },
    Close {
        doc: u8,
    },
    Request {
        method: u8,
        doc: u8,
        line: u8,
        character: u8,
    },
    Settings {
        rule: u8,
        severity: u8,
        delay: Option<u16>,
    },
    /// Bytes written to the stream as they are: broken frames.
    Raw(Vec<u8>),
    /// A well-framed body that may not be JSON-RPC at all.
    Body(String),
    Shutdown,
    Exit,
}

#[derive(Arbitrary, Debug)]
struct Input {
    utf8: bool,
    pull: bool,
    msgs: Vec<Msg>,
}

const FILES: &[(&str, &str)] = &[
    (
        "openspec/specs/cap/spec.md",
        "# cap\n\n## Purpose\n\nWhat the capability does, said at some length here.\n\n## Requirements\n\n### Requirement: Greet\n\nThe agent SHALL greet.\n\n#### Scenario: Hello\n\n- **WHEN** a call starts\n- **THEN** the agent greets\n",
    ),
    (
        "openspec/changes/c/specs/cap/spec.md",
        "## MODIFIED Requirements\n\n### Requirement: Greet\n\nThe agent SHALL greet 😀.\n\n#### Scenario: Hello\n\n- **WHEN** a call starts\n- **THEN** the agent greets\n",
    ),
    (
        "openspec/changes/c/tasks.md",
        "## 1. Work\n\n- [ ] 1.1 Greet (requires 1.2)\n  - Acceptance: [hello](specs/cap/spec.md#scenario-hello)\n- [x] 1.2 Prepare\n",
    ),
    (
        "openspec/changes/c/proposal.md",
        "## Why\n\nCallers want to be greeted warmly by the agent when a call starts.\n\n## What Changes\n\n- Greeting.\n\n## Capabilities\n\n### Modified Capabilities\n\n- `cap`: greeting\n",
    ),
    ("openspec/config.yaml", "schema: spec-driven\n"),
];

const METHODS: &[&str] = &[
    "textDocument/definition",
    "textDocument/references",
    "textDocument/hover",
    "textDocument/documentSymbol",
    "workspace/symbol",
    "textDocument/foldingRange",
    "textDocument/documentLink",
    "textDocument/diagnostic",
    "textDocument/completion",
    "textDocument/codeAction",
    "textDocument/prepareRename",
    "textDocument/rename",
    "textDocument/codeLens",
    "textDocument/inlayHint",
    "textDocument/semanticTokens/full",
    "textDocument/semanticTokens/range",
    "workspace/executeCommand",
    "specls/unknownMethod",
];

const RULES: &[&str] = &[
    "requirement/missing-shall-must",
    "tasks/unknown-dependency",
    "no/such-rule",
];
const SEVERITIES: &[&str] = &["error", "warning", "info", "hint", "off", "loud"];

/// A workspace on disk, made once per process.
fn root() -> &'static PathBuf {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("specls-fuzz-lsp-{}", std::process::id()));
        for (rel, text) in FILES {
            let p = dir.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        dir
    })
}

fn uri(doc: u8) -> String {
    let rel = FILES[doc as usize % 4].0;
    format!("file://{}/{rel}", root().display())
}

fn frame(out: &mut Vec<u8>, body: &[u8]) {
    out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
    out.extend_from_slice(body);
}

fn send(out: &mut Vec<u8>, msg: Value) {
    frame(out, msg.to_string().as_bytes());
}

fn pos(line: u8, character: u8) -> Value {
    json!({"line": line, "character": character})
}

/// The session as bytes: `initialize`, and what follows it (sent once the
/// server has answered it, as clients do).
fn stream(input: &Input) -> (Vec<u8>, Vec<u8>) {
    let mut out = Vec::new();
    let mut caps = json!({
        "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}, "configuration": true},
        "window": {"workDoneProgress": true},
    });
    if input.pull {
        caps["textDocument"] = json!({"diagnostic": {"dynamicRegistration": false}});
    }
    if input.utf8 {
        caps["general"] = json!({"positionEncodings": ["utf-8", "utf-16"]});
    }
    let folder = format!("file://{}", root().display());
    send(
        &mut out,
        json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "processId": null, "rootUri": folder, "capabilities": caps,
            "workspaceFolders": [{"uri": folder, "name": "fuzz"}],
            "initializationOptions": {"diagnostics": {"delay-ms": 0}}}}),
    );
    let init = std::mem::take(&mut out);
    send(
        &mut out,
        json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    );
    for (id, msg) in input.msgs.iter().take(64).enumerate() {
        let id = id + 1;
        match msg {
            Msg::Open { doc, text } => send(
                &mut out,
                json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
                    "textDocument": {"uri": uri(*doc), "languageId": "markdown", "version": 0, "text": text}}}),
            ),
            Msg::Change {
                doc,
                version,
                range,
                text,
            } => {
                let change = match range {
                    Some((a, b)) => {
                        json!({"range": {"start": pos(a.0, a.1), "end": pos(b.0, b.1)}, "text": text})
                    }
                    None => json!({"text": text}),
                };
                send(
                    &mut out,
                    json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                        "textDocument": {"uri": uri(*doc), "version": version},
                        "contentChanges": [change]}}),
                )
            }
            Msg::Close { doc } => send(
                &mut out,
                json!({"jsonrpc": "2.0", "method": "textDocument/didClose", "params": {
                    "textDocument": {"uri": uri(*doc)}}}),
            ),
            Msg::Request {
                method,
                doc,
                line,
                character,
            } => {
                let m = METHODS[*method as usize % METHODS.len()];
                // One object that carries every method's parameters: each
                // handler reads its own fields.
                let range = json!({"start": pos(*line, 0), "end": pos(*line, *character)});
                let format = ["text", "mermaid", "json", "svg"][*character as usize % 4];
                let params = json!({
                    "textDocument": {"uri": uri(*doc)},
                    "position": pos(*line, *character),
                    "range": range,
                    "context": {"includeDeclaration": line % 2 == 0, "diagnostics": [], "triggerKind": 1},
                    "query": "gre",
                    "newName": if character % 2 == 0 { "Greet Again" } else { "1.9" },
                    "command": "specls.taskGraph",
                    "arguments": [{"uri": uri(*doc), "format": format}],
                });
                send(
                    &mut out,
                    json!({"jsonrpc": "2.0", "id": id, "method": m, "params": params}),
                )
            }
            Msg::Settings {
                rule,
                severity,
                delay,
            } => {
                let rule = RULES[*rule as usize % RULES.len()];
                let sev = SEVERITIES[*severity as usize % SEVERITIES.len()];
                send(
                    &mut out,
                    json!({"jsonrpc": "2.0", "method": "workspace/didChangeConfiguration", "params": {
                        "settings": {"specls": {"rules": {rule: sev}, "diagnostics": {"delay-ms": delay}}}}}),
                )
            }
            Msg::Raw(bytes) => out.extend_from_slice(bytes),
            Msg::Body(text) => frame(&mut out, text.as_bytes()),
            Msg::Shutdown => send(
                &mut out,
                json!({"jsonrpc": "2.0", "id": id, "method": "shutdown", "params": null}),
            ),
            Msg::Exit => send(&mut out, json!({"jsonrpc": "2.0", "method": "exit"})),
        }
    }
    (init, out)
}

fuzz_target!(|input: Input| {
    let (init, rest) = stream(&input);
    if std::env::var_os("SPECLS_FUZZ_ECHO").is_some() {
        eprintln!("{input:?}");
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let answers = std::sync::Arc::new(std::sync::Mutex::new((Vec::new(), Instant::now())));
    rt.block_on(async {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (mut client, input) = tokio::io::duplex(1 << 16);
        let (output, mut from_server) = tokio::io::duplex(1 << 16);
        let serve = specls::lsp::serve(input, output);
        let seen = answers.clone();
        let collect = async move {
            let mut buf = vec![0u8; 1 << 14];
            while let Ok(n) = from_server.read(&mut buf).await {
                if n == 0 {
                    break;
                }
                let mut s = seen.lock().unwrap();
                s.0.extend_from_slice(&buf[..n]);
                s.1 = Instant::now();
            }
        };
        // The input stays open until the server has been quiet for a few
        // milliseconds (it has answered what it will), then ends.
        let quiet = answers.clone();
        let feed = async move {
            let _ = client.write_all(&init).await;
            let start = Instant::now();
            while !quiet.lock().unwrap().0.windows(6).any(|w| w == b"\"id\":0")
                && start.elapsed() < Duration::from_secs(3)
            {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            let _ = client.write_all(&rest).await;
            let start = Instant::now();
            loop {
                tokio::time::sleep(Duration::from_millis(2)).await;
                let idle = quiet.lock().unwrap().1.elapsed();
                if idle > Duration::from_millis(6) || start.elapsed() > Duration::from_secs(3) {
                    break;
                }
            }
        };
        let bounded = tokio::time::timeout(Duration::from_secs(30), serve);
        let _ = tokio::join!(bounded, collect, feed);
    });
    rt.shutdown_background();
    let answers = std::mem::take(&mut answers.lock().unwrap().0);
    // SPECLS_FUZZ_ECHO=1 shows what the server answered: a check that
    // inputs reach the handlers rather than stopping at the framing.
    if std::env::var_os("SPECLS_FUZZ_ECHO").is_some() {
        let text = String::from_utf8_lossy(&answers);
        eprintln!(
            "answers to {} messages: {} bytes, {} results, {} errors, {} diagnostics pushes",
            input.msgs.len(),
            answers.len(),
            text.matches("\"result\"").count(),
            text.matches("\"error\"").count(),
            text.matches("publishDiagnostics").count()
        );
    }
});
