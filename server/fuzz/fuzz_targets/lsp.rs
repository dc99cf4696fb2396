//! LSP message streams against the server in-process (`specls::lsp::serve`,
//! the same code `specls lsp` runs on stdio): documents opened (under their
//! path or an alias of it), edited with any ranges and versions, and
//! closed; every request the server offers, at any position; settings;
//! malformed frames and bodies. A panic anywhere, even one the server would
//! catch and log, fails the target, and so does a server that, after the
//! input, has ended, does not answer a request on a document it was never
//! sent (liveness: the outline of a spec opened at the end), or holds for an open document a text other than the
//! client's.
//!
//! An input that starts with `RAW\n` is not decoded into messages: the rest
//! is written as it is after a document is opened (the seeds of
//! `scripts/fuzz.sh` are such inputs, the bad messages and bytes that once
//! ended or wedged the server).
#![no_main]

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};
use specls::text::document::{Document, Encoding, Position};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::Notify;

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
    // Never opened or edited: the liveness request looks for its
    // requirement.
    (
        PROBE,
        "# probe\n\n## Purpose\n\nA spec the session never touches, asked about at its end.\n\n## Requirements\n\n### Requirement: Probe\n\nThe server SHALL answer.\n\n#### Scenario: Asked\n\n- **WHEN** asked\n- **THEN** it answers\n",
    ),
];

const PROBE: &str = "openspec/specs/probe/spec.md";

/// The documents messages name: the first four files, each under its path
/// and under an alias (a `/./` segment).
const DOCS: u8 = 8;

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
        // `specls/testText`, which the oracle reads texts back with.
        std::env::set_var("SPECLS_TEST_HOOKS", "1");
        let dir = std::env::temp_dir().join(format!("specls-fuzz-lsp-{}", std::process::id()));
        for (rel, text) in FILES {
            let p = dir.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        dir
    })
}

fn file_of(doc: u8) -> usize {
    (doc % DOCS) as usize % 4
}

fn uri(doc: u8) -> String {
    let rel = FILES[file_of(doc)].0;
    if doc % DOCS < 4 {
        format!("file://{}/{rel}", root().display())
    } else {
        format!("file://{}/./{rel}", root().display())
    }
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

/// Raw bytes made safe for the oracle: a `Content-Length` whose body would
/// reach past the chunk is spoilt (its body would swallow the messages
/// after it, which no server can tell from a slow client), and the chunk
/// ends with a blank line, which ends any header it leaves open. Lengths
/// that are not lengths (`-5`, `abc`, past `usize`) stay: the server must
/// resynchronise after them.
fn sanitize(raw: &[u8]) -> Vec<u8> {
    let mut out = raw.to_vec();
    let lower = raw.to_ascii_lowercase();
    let mark = b"content-length";
    let mut at = 0;
    while let Some(i) = lower[at..].windows(mark.len()).position(|w| w == mark) {
        let i = at + i;
        at = i + mark.len();
        let line_end = raw[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(raw.len(), |e| at + e);
        let value = raw[at..line_end]
            .strip_prefix(b":")
            .map(|v| v.strip_suffix(b"\r").unwrap_or(v));
        let Some(length) = value
            .and_then(|v| std::str::from_utf8(v).ok())
            .map(|v| v.trim_matches([' ', '\t']))
            .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|v| v.parse::<usize>().ok())
        else {
            continue;
        };
        let body_at = [&b"\r\n\r\n"[..], b"\n\n"]
            .iter()
            .filter_map(|blank| {
                raw[at..]
                    .windows(blank.len())
                    .position(|w| w == *blank)
                    .map(|p| at + p + blank.len())
            })
            .min();
        if body_at.is_none_or(|b| raw.len() - b < length) {
            out[i] = b'x';
        }
    }
    out.extend_from_slice(b"\r\n\r\n");
    out
}

/// What the client holds: the text of each file it has open, with the URI
/// it opened it under and its version.
#[derive(Default)]
struct Client {
    open: HashMap<usize, (String, Document)>,
    enc: Option<Encoding>,
}

impl Client {
    fn open(&mut self, doc: u8, text: &str) {
        let u = uri(doc);
        // The server refuses a second URI for an open file.
        if self
            .open
            .get(&file_of(doc))
            .is_none_or(|(open, _)| *open == u)
        {
            self.open.insert(file_of(doc), (u, Document::new(text, 0)));
        }
    }

    fn change(&mut self, doc: u8, version: i8, range: Option<Position2>, text: &str) {
        let u = uri(doc);
        let enc = self.enc.unwrap_or(Encoding::Utf16);
        if let Some((open, d)) = self.open.get_mut(&file_of(doc)) {
            if *open == u && i32::from(version) > d.version {
                d.apply(range, text, enc);
                d.version = i32::from(version);
            }
        }
    }

    fn close(&mut self, doc: u8) {
        if self
            .open
            .get(&file_of(doc))
            .is_some_and(|(open, _)| *open == uri(doc))
        {
            self.open.remove(&file_of(doc));
        }
    }
}

type Position2 = (Position, Position);

fn position(p: (u8, u8)) -> Position {
    Position {
        line: p.0.into(),
        character: p.1.into(),
    }
}

fn capabilities(utf8: bool, pull: bool) -> Value {
    let mut caps = json!({
        "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}, "configuration": true},
        "window": {"workDoneProgress": true},
    });
    if pull {
        caps["textDocument"] = json!({"diagnostic": {"dynamicRegistration": false}});
    }
    if utf8 {
        caps["general"] = json!({"positionEncodings": ["utf-8", "utf-16"]});
    }
    caps
}

/// Whether bytes sent as they are may end the session (`shutdown`,
/// `exit`) or edit a document behind the client's back: then only "no
/// panic" is checked.
fn may_end_or_edit(bytes: &[u8]) -> bool {
    let lower = bytes.to_ascii_lowercase();
    [
        &b"exit"[..],
        b"shutdown",
        b"textdocument/did",
        b"initialize",
    ]
    .iter()
    .any(|w| lower.windows(w.len()).any(|x| x == *w))
}

/// One session: `initialize` (sent first, the rest once it is answered, as
/// clients do), the messages, and what the client expects at the end.
struct Session {
    caps: Value,
    rest: Vec<u8>,
    client: Client,
    /// Whether the oracle applies (no `shutdown` or `exit` was sent).
    check: bool,
}

fn session(input: &Input) -> Session {
    let mut out = Vec::new();
    let mut client = Client {
        enc: Some(if input.utf8 {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        }),
        ..Client::default()
    };
    let mut check = true;
    send(
        &mut out,
        json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    );
    for (id, msg) in input.msgs.iter().take(64).enumerate() {
        let id = id + 1;
        match msg {
            Msg::Open { doc, text } => {
                client.open(*doc, text);
                send(
                    &mut out,
                    json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
                        "textDocument": {"uri": uri(*doc), "languageId": "markdown", "version": 0, "text": text}}}),
                )
            }
            Msg::Change {
                doc,
                version,
                range,
                text,
            } => {
                client.change(
                    *doc,
                    *version,
                    range.map(|(a, b)| (position(a), position(b))),
                    text,
                );
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
            Msg::Close { doc } => {
                client.close(*doc);
                send(
                    &mut out,
                    json!({"jsonrpc": "2.0", "method": "textDocument/didClose", "params": {
                        "textDocument": {"uri": uri(*doc)}}}),
                )
            }
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
            Msg::Raw(bytes) => {
                check &= !may_end_or_edit(bytes);
                out.extend_from_slice(&sanitize(bytes))
            }
            Msg::Body(text) => {
                check &= !may_end_or_edit(text.as_bytes());
                frame(&mut out, text.as_bytes())
            }
            Msg::Shutdown => {
                check = false;
                send(
                    &mut out,
                    json!({"jsonrpc": "2.0", "id": id, "method": "shutdown", "params": null}),
                )
            }
            Msg::Exit => {
                check = false;
                send(&mut out, json!({"jsonrpc": "2.0", "method": "exit"}))
            }
        }
    }
    Session {
        caps: capabilities(input.utf8, input.pull),
        rest: out,
        client,
        check,
    }
}

/// A `RAW\n` input: one document opened, then the bytes.
fn raw_session(bytes: &[u8]) -> Session {
    let mut out = Vec::new();
    send(
        &mut out,
        json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    );
    let text = FILES[0].1;
    send(
        &mut out,
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
            "textDocument": {"uri": uri(0), "languageId": "markdown", "version": 0, "text": text}}}),
    );
    let mut client = Client::default();
    client.open(0, text);
    out.extend_from_slice(&sanitize(bytes));
    Session {
        caps: capabilities(false, false),
        rest: out,
        client,
        check: !may_end_or_edit(bytes),
    }
}

/// The messages the server has written, parsed as they arrive.
#[derive(Default)]
struct Seen {
    buf: Vec<u8>,
    messages: Vec<Value>,
    ended: bool,
}

impl Seen {
    fn take_frames(&mut self) {
        loop {
            let Some(blank) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") else {
                return;
            };
            let header = String::from_utf8_lossy(&self.buf[..blank]).to_string();
            let length: usize = header
                .lines()
                .find_map(|l| l.strip_prefix("Content-Length: "))
                .and_then(|v| v.trim().parse().ok())
                .expect("the server frames every message");
            if self.buf.len() < blank + 4 + length {
                return;
            }
            let body: Vec<u8> = self
                .buf
                .drain(..blank + 4 + length)
                .skip(blank + 4)
                .collect();
            let msg = serde_json::from_slice(&body).expect("the server writes JSON");
            self.messages.push(msg);
        }
    }

    fn response(&self, id: u64) -> Option<&Value> {
        self.messages
            .iter()
            .find(|m| m["id"] == id && m.get("method").is_none())
    }
}

/// The ids of the requests the oracle sends at the end.
const PROBE_ID: u64 = 1_000;

fn probes() -> Vec<u8> {
    let mut out = Vec::new();
    // Liveness: a spec no message of the session names, opened now and
    // outlined. The server answers an outline once what the spec's
    // diagnostics depend on (the main specs) is read, so this also checks
    // that the session's read of the workspace ends.
    let probe = format!("file://{}/{PROBE}", root().display());
    let text = FILES.iter().find(|(p, _)| *p == PROBE).unwrap().1;
    send(
        &mut out,
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
            "textDocument": {"uri": probe, "languageId": "markdown", "version": 0, "text": text}}}),
    );
    send(
        &mut out,
        json!({"jsonrpc": "2.0", "id": PROBE_ID, "method": "textDocument/documentSymbol",
            "params": {"textDocument": {"uri": probe}}}),
    );
    for doc in 0..DOCS {
        send(
            &mut out,
            json!({"jsonrpc": "2.0", "id": PROBE_ID + 1 + u64::from(doc), "method": "specls/testText",
                "params": {"uri": uri(doc)}}),
        );
    }
    out
}

/// One runtime for every session: starting one (and waiting for its
/// blocking threads to end) each time cost more than most sessions.
fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    })
}

fn run(s: &Session) {
    let rt = runtime();
    let seen = Arc::new(Mutex::new(Seen::default()));
    let news = Arc::new(Notify::new());
    let mut init = Vec::new();
    let folder = format!("file://{}", root().display());
    send(
        &mut init,
        json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "processId": null, "rootUri": folder, "capabilities": s.caps,
            "workspaceFolders": [{"uri": folder, "name": "fuzz"}],
            "initializationOptions": {"diagnostics": {"delay-ms": 0}}}}),
    );
    let answered = rt.block_on(async {
        let (mut client, input) = tokio::io::duplex(1 << 16);
        let (output, mut from_server) = tokio::io::duplex(1 << 16);
        let (seen2, news2) = (seen.clone(), news.clone());
        let serve = async move {
            let status = specls::lsp::serve(input, output).await;
            // Waking the driver: an ended server answers nothing more.
            seen2.lock().unwrap().ended = true;
            news2.notify_one();
            status
        };
        let (seen3, news3) = (seen.clone(), news.clone());
        let collect = async move {
            let mut buf = vec![0u8; 1 << 14];
            while let Ok(n) = from_server.read(&mut buf).await {
                if n == 0 {
                    break;
                }
                let mut s = seen3.lock().unwrap();
                s.buf.extend_from_slice(&buf[..n]);
                s.take_frames();
                drop(s);
                news3.notify_one();
            }
        };
        let wait_for = |ids: Vec<u64>, limit: Duration| {
            let (seen, news) = (seen.clone(), news.clone());
            async move {
                let deadline = tokio::time::Instant::now() + limit;
                loop {
                    {
                        let s = seen.lock().unwrap();
                        if ids.iter().all(|id| s.response(*id).is_some()) {
                            return true;
                        }
                        if s.ended {
                            return false;
                        }
                    }
                    if tokio::time::timeout_at(deadline, news.notified())
                        .await
                        .is_err()
                    {
                        return false;
                    }
                }
            }
        };
        let drive = async move {
            let _ = client.write_all(&init).await;
            if !wait_for(vec![0], Duration::from_secs(5)).await {
                return false;
            }
            let _ = client.write_all(&s.rest).await;
            let _ = client.write_all(&probes()).await;
            let ids = (PROBE_ID..=PROBE_ID + u64::from(DOCS)).collect();
            let answered = wait_for(ids, Duration::from_secs(10)).await;

            // The input ends: the server ends too.
            drop(client);
            answered
        };
        let bounded = tokio::time::timeout(Duration::from_secs(30), serve);
        let (_, _, answered) = tokio::join!(bounded, collect, drive);
        answered
    });
    let seen = std::mem::take(&mut *seen.lock().unwrap());
    if std::env::var_os("SPECLS_FUZZ_ECHO").is_some() {
        let results = seen
            .messages
            .iter()
            .filter(|m| m.get("result").is_some())
            .count();
        let errors = seen
            .messages
            .iter()
            .filter(|m| m.get("error").is_some())
            .count();
        eprintln!(
            "{} messages from the server: {results} results, {errors} errors; oracle {}",
            seen.messages.len(),
            if s.check { "on" } else { "off" }
        );
    }
    if !s.check {
        return;
    }
    assert!(
        answered,
        "the server did not answer the liveness requests (ended: {})",
        seen.ended
    );
    let found = seen.response(PROBE_ID).unwrap().to_string();
    assert!(
        found.contains("Probe") && found.contains("\"result\""),
        "the outline of the spec no message touched misses its requirement: {found}"
    );
    for doc in 0..DOCS {
        let got = &seen.response(PROBE_ID + 1 + u64::from(doc)).unwrap()["result"];
        let want = s
            .client
            .open
            .get(&file_of(doc))
            .filter(|(u, _)| *u == uri(doc))
            .map(|(_, d)| d.text());
        assert_eq!(
            got["text"].as_str(),
            want.as_deref(),
            "the server's text of {} is not the client's",
            uri(doc)
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let session = match data.strip_prefix(b"RAW\n") {
        Some(bytes) => raw_session(bytes),
        None => {
            let Ok(input) = Input::arbitrary_take_rest(Unstructured::new(data)) else {
                return;
            };
            if std::env::var_os("SPECLS_FUZZ_ECHO").is_some() {
                eprintln!("{input:?}");
            }
            session(&input)
        }
    };
    run(&session);
});
