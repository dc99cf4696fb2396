//! A JSON-RPC client that drives `specls lsp` over stdio, for the
//! end-to-end tests of the language server.
//!
//! The client starts the real binary with piped stdin, stdout and stderr. A
//! reader thread cuts stdout into `Content-Length` frames, answers the
//! server's own requests at once (so a server that waits for an answer
//! never stalls a test) and passes every message on through a channel; the
//! test thread reads that channel whenever it waits for something and keeps
//! everything it saw, in order, for assertions.
//!
//! ```no_run
//! use serde_json::json;
//! use specls_e2e::lsp::{utf16_client, LspClient, Range};
//! use specls_e2e::Workspace;
//!
//! let ws = Workspace::new("//- openspec/specs/voice/spec.md\n# voice\n");
//! let mut lsp = LspClient::start(ws.path());
//! lsp.initialize(utf16_client(), json!({"diagnostics": {"delay-ms": 0}}), &[ws.path()]);
//! lsp.initialized();
//! let uri = lsp.open(&ws.join("openspec/specs/voice/spec.md"), "# voice\n", 1);
//! let publish = lsp.diagnostics(&uri, |p| p.version == Some(1));
//! lsp.change(&uri, 2, &[(Range::new(0, 2, 0, 7), "Voice")]);
//! lsp.shutdown_and_exit();
//! # let _ = publish;
//! ```
//!
//! Server → client requests get these answers, and stay recorded (see
//! [`LspClient::server_requests`]): `workspace/configuration` → one entry
//! per requested item, from [`LspClient::set_configuration`] (default
//! `null`); `client/registerCapability`, `client/unregisterCapability`,
//! `window/workDoneProgress/create`, `workspace/diagnostic/refresh` and
//! anything else → `null`.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::specls_bin;

/// How long [`LspClient::request`] waits for its response.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the `wait_*` helpers and [`LspClient::diagnostics`] wait.
pub const WAIT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the server may take to exit after `exit`.
pub const EXIT_TIMEOUT: Duration = Duration::from_secs(5);

/// How much of the server's stderr is kept for failure messages.
const STDERR_KEEP: usize = 64 * 1024;

// ---------------------------------------------------------------------------
// Positions

/// A position as the protocol counts it: zero-based line and character
/// offset in the negotiated encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub line: u32,
    pub character: u32,
}

impl Pos {
    pub fn new(line: u32, character: u32) -> Pos {
        Pos { line, character }
    }

    pub fn json(self) -> Value {
        json!({"line": self.line, "character": self.character})
    }

    /// Reads `{"line", "character"}`; panics on anything else.
    #[track_caller]
    pub fn from_json(v: &Value) -> Pos {
        let field = |k: &str| {
            v[k].as_u64()
                .unwrap_or_else(|| panic!("position without a numeric \"{k}\": {v}"))
                as u32
        };
        Pos::new(field("line"), field("character"))
    }
}

impl std::fmt::Display for Pos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.line, self.character)
    }
}

/// A protocol range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Range {
    pub start: Pos,
    pub end: Pos,
}

impl Range {
    pub fn new(start_line: u32, start_char: u32, end_line: u32, end_char: u32) -> Range {
        Range {
            start: Pos::new(start_line, start_char),
            end: Pos::new(end_line, end_char),
        }
    }

    /// The empty range at a position (where an insertion goes).
    pub fn at(line: u32, character: u32) -> Range {
        Range::new(line, character, line, character)
    }

    pub fn json(self) -> Value {
        json!({"start": self.start.json(), "end": self.end.json()})
    }

    #[track_caller]
    pub fn from_json(v: &Value) -> Range {
        Range {
            start: Pos::from_json(&v["start"]),
            end: Pos::from_json(&v["end"]),
        }
    }
}

impl std::fmt::Display for Range {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.start, self.end)
    }
}

/// `{"textDocument": {"uri"}, "position"}`, the parameters of most
/// position requests.
pub fn position_params(uri: &str, line: u32, character: u32) -> Value {
    json!({"textDocument": {"uri": uri}, "position": Pos::new(line, character).json()})
}

// ---------------------------------------------------------------------------
// Diagnostics

/// One diagnostic as the server sent it.
#[derive(Clone, Debug, PartialEq)]
pub struct Diag {
    /// The `code`, as a string (numbers are written out).
    pub code: String,
    /// 1 error, 2 warning, 3 information, 4 hint; 0 when absent.
    pub severity: u64,
    pub range: Range,
    pub message: String,
    /// The `source`, empty when absent.
    pub source: String,
    pub raw: Value,
}

impl Diag {
    #[track_caller]
    pub fn from_json(v: &Value) -> Diag {
        let code = match &v["code"] {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        };
        Diag {
            code,
            severity: v["severity"].as_u64().unwrap_or(0),
            range: Range::from_json(&v["range"]),
            message: v["message"].as_str().unwrap_or_default().to_string(),
            source: v["source"].as_str().unwrap_or_default().to_string(),
            raw: v.clone(),
        }
    }

    /// `(code, severity, range)`, the part most assertions compare.
    pub fn key(&self) -> (String, u64, Range) {
        (self.code.clone(), self.severity, self.range)
    }
}

/// One `textDocument/publishDiagnostics` (or the items of a pulled report).
#[derive(Clone, Debug, PartialEq)]
pub struct Publish {
    pub uri: String,
    pub version: Option<i64>,
    pub diagnostics: Vec<Diag>,
}

impl Publish {
    #[track_caller]
    fn from_params(params: &Value) -> Publish {
        Publish {
            uri: params["uri"].as_str().unwrap_or_default().to_string(),
            version: params["version"].as_i64(),
            diagnostics: diags_of(&params["diagnostics"]),
        }
    }

    /// The codes, in the order the server sent them.
    pub fn codes(&self) -> Vec<&str> {
        self.diagnostics.iter().map(|d| d.code.as_str()).collect()
    }

    /// Whether some diagnostic has this code.
    pub fn has(&self, code: &str) -> bool {
        self.diagnostics.iter().any(|d| d.code == code)
    }

    /// The diagnostics with this code.
    pub fn with_code(&self, code: &str) -> Vec<&Diag> {
        self.diagnostics.iter().filter(|d| d.code == code).collect()
    }

    /// `(code, severity, range)` of every diagnostic, sorted, for comparing
    /// with an expected list regardless of the server's order.
    pub fn keys(&self) -> Vec<(String, u64, Range)> {
        let mut k: Vec<_> = self.diagnostics.iter().map(Diag::key).collect();
        k.sort_by(|a, b| (a.2, &a.0, a.1).cmp(&(b.2, &b.0, b.1)));
        k
    }

    pub fn is_empty(&self) -> bool {
        self.diagnostics.is_empty()
    }
}

/// Reads an array of diagnostics (null reads as none).
#[track_caller]
pub fn diags_of(v: &Value) -> Vec<Diag> {
    match v {
        Value::Null => Vec::new(),
        Value::Array(items) => items.iter().map(Diag::from_json).collect(),
        other => panic!("diagnostics are not an array: {other}"),
    }
}

/// `(code, severity, range)` for building expected lists.
pub fn key(code: &str, severity: u64, range: Range) -> (String, u64, Range) {
    (code.to_string(), severity, range)
}

// ---------------------------------------------------------------------------
// Client capabilities

/// Client capabilities, as JSON, with builder methods for the variations
/// the tests need. Start from [`utf16_client`] or [`utf8_client`].
#[derive(Clone, Debug)]
pub struct ClientCaps(pub Value);

/// A client that does not mention position encodings (so UTF-16), pushes
/// only (no `textDocument.diagnostic`), registers nothing dynamically, has
/// no `workspace/configuration` and no work-done progress.
pub fn utf16_client() -> ClientCaps {
    ClientCaps(json!({
        "general": {},
        "textDocument": {
            "synchronization": {"dynamicRegistration": false, "didSave": true},
            "publishDiagnostics": {
                "relatedInformation": true,
                "versionSupport": true,
                "codeDescriptionSupport": true,
                "dataSupport": true
            },
            "hover": {"contentFormat": ["markdown", "plaintext"]},
            "definition": {"linkSupport": false},
            "references": {},
            "documentSymbol": {"hierarchicalDocumentSymbolSupport": true},
            "foldingRange": {"lineFoldingOnly": true},
            "documentLink": {"tooltipSupport": true}
        },
        "workspace": {
            "workspaceFolders": true,
            "configuration": false,
            "didChangeConfiguration": {"dynamicRegistration": false},
            "didChangeWatchedFiles": {"dynamicRegistration": false},
            "symbol": {},
            "fileOperations": {"didDelete": true}
        },
        "window": {"workDoneProgress": false}
    }))
}

/// [`utf16_client`] that offers `general.positionEncodings: ["utf-8",
/// "utf-16"]`.
pub fn utf8_client() -> ClientCaps {
    utf16_client().position_encodings(&["utf-8", "utf-16"])
}

impl ClientCaps {
    /// Sets `general.positionEncodings`.
    pub fn position_encodings(self, encodings: &[&str]) -> ClientCaps {
        self.set("general/positionEncodings", json!(encodings))
    }

    /// With `textDocument.diagnostic` (pull diagnostics) or without.
    pub fn pull_diagnostics(self, on: bool) -> ClientCaps {
        if on {
            self.set(
                "textDocument/diagnostic",
                json!({"dynamicRegistration": false, "relatedDocumentSupport": false}),
            )
            .set("workspace/diagnostics", json!({"refreshSupport": true}))
        } else {
            self.remove("textDocument/diagnostic")
                .remove("workspace/diagnostics")
        }
    }

    /// `workspace.didChangeWatchedFiles.dynamicRegistration`.
    pub fn watched_files_registration(self, on: bool) -> ClientCaps {
        self.set(
            "workspace/didChangeWatchedFiles",
            json!({"dynamicRegistration": on, "relativePatternSupport": on}),
        )
    }

    /// `window.workDoneProgress`.
    pub fn work_done_progress(self, on: bool) -> ClientCaps {
        self.set("window/workDoneProgress", json!(on))
    }

    /// `workspace.configuration`.
    pub fn configuration(self, on: bool) -> ClientCaps {
        self.set("workspace/configuration", json!(on))
    }

    /// Sets the value at a `/`-separated path, creating objects on the way.
    pub fn set(mut self, path: &str, value: Value) -> ClientCaps {
        let mut at = &mut self.0;
        let parts: Vec<&str> = path.split('/').collect();
        for (i, part) in parts.iter().enumerate() {
            if !at.is_object() {
                *at = json!({});
            }
            let obj = at.as_object_mut().expect("just made an object");
            if i + 1 == parts.len() {
                obj.insert(part.to_string(), value);
                break;
            }
            at = obj.entry(part.to_string()).or_insert_with(|| json!({}));
        }
        self
    }

    /// Removes the value at a `/`-separated path, if there is one.
    pub fn remove(mut self, path: &str) -> ClientCaps {
        let (parent, last) = match path.rsplit_once('/') {
            Some((p, l)) => (format!("/{p}"), l),
            None => (String::new(), path),
        };
        if let Some(Value::Object(obj)) = self.0.pointer_mut(&parent) {
            obj.remove(last);
        }
        self
    }
}

impl From<ClientCaps> for Value {
    fn from(c: ClientCaps) -> Value {
        c.0
    }
}

// ---------------------------------------------------------------------------
// URIs

/// The `file://` URI of a path, as an editor sends it: absolute, with
/// symbolic links of the existing part resolved (so that it matches what a
/// server that canonicalises paths sends back) and percent-encoded.
pub fn file_uri(path: &Path) -> String {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().expect("current folder").join(path)
    };
    let resolved = canonical_prefix(&abs);
    let mut s = resolved.to_string_lossy().replace('\\', "/");
    if let Some(rest) = s.strip_prefix("//?/") {
        s = rest.to_string();
    }
    if !s.starts_with('/') {
        s.insert(0, '/');
    }
    let mut out = String::from("file://");
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Canonicalises the longest existing ancestor of `p` and appends the rest.
fn canonical_prefix(p: &Path) -> PathBuf {
    let mut existing = p.to_path_buf();
    let mut rest: Vec<std::ffi::OsString> = Vec::new();
    loop {
        if let Ok(c) = std::fs::canonicalize(&existing) {
            let mut out = c;
            for r in rest.iter().rev() {
                out.push(r);
            }
            return out;
        }
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => return p.to_path_buf(),
        }
    }
}

/// The path of a `file://` URI (percent-decoded).
pub fn uri_to_path(uri: &str) -> PathBuf {
    let rest = uri
        .strip_prefix("file://")
        .unwrap_or_else(|| panic!("not a file URI: {uri}"));
    // `file://host/path` is not something the tests produce; `file:///p`.
    let decoded = percent_decode(rest);
    if cfg!(windows) {
        PathBuf::from(decoded.trim_start_matches('/'))
    } else {
        PathBuf::from(decoded)
    }
}

/// A URI reduced to a form two spellings of one file share: decoded, the
/// fragment dropped, a Windows drive letter lowercased.
pub fn normalize_uri(uri: &str) -> String {
    let no_fragment = uri.split('#').next().unwrap_or(uri);
    let mut s = percent_decode(no_fragment);
    if let Some(rest) = s.strip_prefix("file:///") {
        let b = rest.as_bytes();
        if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
            s = format!(
                "file:///{}{}",
                (b[0] as char).to_ascii_lowercase(),
                &rest[1..]
            );
        }
    }
    s
}

/// Whether two URIs name the same file (fragments ignored).
pub fn same_file(a: &str, b: &str) -> bool {
    normalize_uri(a) == normalize_uri(b)
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("");
            if let Ok(v) = u8::from_str_radix(hex, 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

// ---------------------------------------------------------------------------
// Results

/// The locations of a definition or references result, as `(uri, range)`:
/// accepts `null`, a `Location`, and arrays of `Location` or `LocationLink`
/// (for a link, its `targetSelectionRange`).
#[track_caller]
pub fn locations(v: &Value) -> Vec<(String, Range)> {
    let one = |l: &Value| -> (String, Range) {
        if let Some(uri) = l["targetUri"].as_str() {
            let r = if l["targetSelectionRange"].is_object() {
                &l["targetSelectionRange"]
            } else {
                &l["targetRange"]
            };
            (uri.to_string(), Range::from_json(r))
        } else {
            let uri = l["uri"]
                .as_str()
                .unwrap_or_else(|| panic!("not a Location or LocationLink: {l}"));
            (uri.to_string(), Range::from_json(&l["range"]))
        }
    };
    match v {
        Value::Null => Vec::new(),
        Value::Array(items) => items.iter().map(one).collect(),
        Value::Object(_) => vec![one(v)],
        other => panic!("not a location result: {other}"),
    }
}

/// `(normalized uri, start line)` of each location, sorted: what navigation
/// tests compare.
#[track_caller]
pub fn location_lines(v: &Value) -> Vec<(String, u32)> {
    let mut out: Vec<_> = locations(v)
        .into_iter()
        .map(|(u, r)| (normalize_uri(&u), r.start.line))
        .collect();
    out.sort();
    out
}

/// The text of a hover result, whatever its shape (`MarkupContent`,
/// `MarkedString`, or an array of those), joined with newlines; empty for
/// `null`.
pub fn hover_text(v: &Value) -> String {
    fn piece(c: &Value) -> String {
        match c {
            Value::String(s) => s.clone(),
            Value::Object(o) => o
                .get("value")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            Value::Array(items) => items.iter().map(piece).collect::<Vec<_>>().join("\n"),
            _ => String::new(),
        }
    }
    if v.is_null() {
        return String::new();
    }
    piece(&v["contents"])
}

/// Every `DocumentSymbol` of a tree, depth first (children after their
/// parent).
pub fn flatten_symbols(v: &Value) -> Vec<&Value> {
    fn walk<'a>(items: &'a Value, out: &mut Vec<&'a Value>) {
        if let Value::Array(items) = items {
            for s in items {
                out.push(s);
                walk(&s["children"], out);
            }
        }
    }
    let mut out = Vec::new();
    walk(v, &mut out);
    out
}

/// The first symbol of a `DocumentSymbol` tree (depth first) whose name
/// satisfies `pred`.
pub fn find_symbol(v: &Value, pred: impl Fn(&str) -> bool) -> Option<&Value> {
    flatten_symbols(v)
        .into_iter()
        .find(|s| s["name"].as_str().is_some_and(&pred))
}

// ---------------------------------------------------------------------------
// The client

enum Incoming {
    Message(Value),
    /// A frame whose body is not JSON (kept for failure messages).
    Garbage(String),
    /// stdout ended or could not be read as frames.
    Closed(String),
}

/// How `workspace/configuration` is answered.
#[derive(Clone, Debug)]
enum ConfigAnswer {
    /// Item `i` gets entry `i`, `null` past the end.
    PerItem(Vec<Value>),
    /// Every item gets this.
    All(Value),
}

/// A running `specls lsp` and everything it has sent.
pub struct LspClient {
    child: Child,
    stdin: Arc<Mutex<Option<ChildStdin>>>,
    rx: Receiver<Incoming>,
    stderr: Arc<Mutex<Vec<u8>>>,
    config: Arc<Mutex<ConfigAnswer>>,
    /// Server requests the client never answers.
    unanswered: Arc<Mutex<Vec<String>>>,
    args: Vec<String>,
    next_id: i64,
    /// Responses by id (the id's JSON text).
    responses: HashMap<String, Value>,
    /// Every message from the server, in arrival order.
    log: Vec<Value>,
    /// Which notifications of `log` [`LspClient::wait_notification`] has
    /// handed out already.
    taken: Vec<bool>,
    /// Every publishDiagnostics, in arrival order.
    publishes: Vec<Publish>,
    /// The latest publishDiagnostics per normalized URI.
    latest: HashMap<String, Publish>,
    garbage: Vec<String>,
    closed: Option<String>,
    exited: bool,
}

impl LspClient {
    /// Starts `specls lsp` in `cwd`.
    pub fn start(cwd: &Path) -> LspClient {
        LspClient::spawn(&["lsp"], cwd)
    }

    /// Starts `specls args…` in `cwd` (for instance `["lsp", "--stdio"]`).
    pub fn spawn<S: AsRef<OsStr>>(args: &[S], cwd: &Path) -> LspClient {
        LspClient::spawn_program(&specls_bin(), args, cwd)
    }

    /// Starts `specls args…` in `cwd` with `env` added to its environment
    /// (test hooks, limits).
    pub fn spawn_with_env<S: AsRef<OsStr>>(
        args: &[S],
        cwd: &Path,
        env: &[(&str, &str)],
    ) -> LspClient {
        LspClient::spawn_program_with_env(&specls_bin(), args, cwd, env)
    }

    /// Starts another program as the server (for checking the client
    /// itself against a stand-in).
    pub fn spawn_program<S: AsRef<OsStr>>(program: &Path, args: &[S], cwd: &Path) -> LspClient {
        LspClient::spawn_program_with_env(program, args, cwd, &[])
    }

    fn spawn_program_with_env<S: AsRef<OsStr>>(
        program: &Path,
        args: &[S],
        cwd: &Path,
        env: &[(&str, &str)],
    ) -> LspClient {
        let mut child = Command::new(program)
            .args(args)
            .current_dir(cwd)
            .envs(env.iter().copied())
            .env("RUST_BACKTRACE", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {}: {e}", program.display()));
        let stdin = Arc::new(Mutex::new(child.stdin.take()));
        let stdout = child.stdout.take().expect("piped stdout");
        let mut stderr_pipe = child.stderr.take().expect("piped stderr");
        let stderr = Arc::new(Mutex::new(Vec::new()));
        {
            let stderr = Arc::clone(&stderr);
            std::thread::spawn(move || {
                let mut buf = [0u8; 8192];
                while let Ok(n) = stderr_pipe.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    let mut kept = stderr.lock().unwrap_or_else(|e| e.into_inner());
                    kept.extend_from_slice(&buf[..n]);
                    if kept.len() > 2 * STDERR_KEEP {
                        let cut = kept.len() - STDERR_KEEP;
                        kept.drain(..cut);
                    }
                }
            });
        }
        let config = Arc::new(Mutex::new(ConfigAnswer::PerItem(Vec::new())));
        let (tx, rx) = mpsc::channel();
        let unanswered = Arc::new(Mutex::new(Vec::new()));
        {
            let stdin = Arc::clone(&stdin);
            let config = Arc::clone(&config);
            let unanswered = Arc::clone(&unanswered);
            std::thread::spawn(move || read_loop(stdout, stdin, config, unanswered, tx));
        }
        LspClient {
            child,
            stdin,
            rx,
            stderr,
            config,
            unanswered,
            args: args
                .iter()
                .map(|a| a.as_ref().to_string_lossy().into_owned())
                .collect(),
            next_id: 1,
            responses: HashMap::new(),
            log: Vec::new(),
            taken: Vec::new(),
            publishes: Vec::new(),
            latest: HashMap::new(),
            garbage: Vec::new(),
            closed: None,
            exited: false,
        }
    }

    // -- configuration answers --------------------------------------------

    /// Answers item `i` of later `workspace/configuration` requests with
    /// `items[i]` (`null` past the end). The default is `null` for every
    /// item.
    pub fn set_configuration(&mut self, items: Vec<Value>) {
        *self.config.lock().unwrap_or_else(|e| e.into_inner()) = ConfigAnswer::PerItem(items);
    }

    /// Answers every item of later `workspace/configuration` requests with
    /// `settings`.
    pub fn set_configuration_all(&mut self, settings: Value) {
        *self.config.lock().unwrap_or_else(|e| e.into_inner()) = ConfigAnswer::All(settings);
    }

    /// Leaves later server requests with this method unanswered (they stay
    /// recorded), as a client that declares a capability but never
    /// answers.
    pub fn never_answer(&mut self, method: &str) {
        self.unanswered
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(method.to_string());
    }

    // -- sending ----------------------------------------------------------

    /// Writes bytes to the server's stdin as they are (for malformed
    /// input).
    #[track_caller]
    pub fn send_raw(&mut self, bytes: &[u8]) {
        let res = {
            let mut guard = self.stdin.lock().unwrap_or_else(|e| e.into_inner());
            match guard.as_mut() {
                Some(w) => w.write_all(bytes).and_then(|_| w.flush()),
                None => Err(std::io::Error::other("stdin already closed")),
            }
        };
        if let Err(e) = res {
            let status = self.wait_exit(Duration::from_millis(500));
            panic!(
                "could not write to the server: {e}; exit status {status:?}\n{}",
                self.context()
            );
        }
    }

    /// Writes one framed message.
    #[track_caller]
    pub fn send(&mut self, msg: &Value) {
        let body = serde_json::to_vec(msg).expect("serialize a message");
        let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        frame.extend_from_slice(&body);
        self.send_raw(&frame);
    }

    /// Sends a notification; `Value::Null` params are left out.
    #[track_caller]
    pub fn notify(&mut self, method: &str, params: Value) {
        let mut msg = json!({"jsonrpc": "2.0", "method": method});
        if !params.is_null() {
            msg["params"] = params;
        }
        self.send(&msg);
    }

    /// Sends a request without waiting; returns its id for
    /// [`LspClient::response`].
    #[track_caller]
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        let mut msg = json!({"jsonrpc": "2.0", "id": id, "method": method});
        if !params.is_null() {
            msg["params"] = params;
        }
        self.send(&msg);
        id
    }

    /// Sends a request and waits [`REQUEST_TIMEOUT`] for its response:
    /// `Ok(result)` or `Err(error object)`.
    #[track_caller]
    pub fn request(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        self.request_timeout(method, params, REQUEST_TIMEOUT)
    }

    #[track_caller]
    pub fn request_timeout(
        &mut self,
        method: &str,
        params: Value,
        timeout: Duration,
    ) -> Result<Value, Value> {
        let id = self.send_request(method, params);
        self.response_to(&json!(id), method, timeout)
    }

    /// [`LspClient::request`] that fails the test on an error response.
    #[track_caller]
    pub fn request_ok(&mut self, method: &str, params: Value) -> Value {
        match self.request(method, params.clone()) {
            Ok(v) => v,
            Err(e) => panic!("{method} failed: {e}\nparams: {params}\n{}", self.context()),
        }
    }

    /// Repeats a request (every 50 ms) until it succeeds with a result that
    /// satisfies `pred`, for answers that may come before the workspace is
    /// indexed; fails the test with the last answer after `timeout`.
    #[track_caller]
    pub fn request_until(
        &mut self,
        method: &str,
        params: Value,
        timeout: Duration,
        pred: impl Fn(&Value) -> bool,
    ) -> Value {
        let deadline = Instant::now() + timeout;
        loop {
            // An error (say, content modified while indexing) is "not yet".
            let got = self.request(method, params.clone());
            if let Ok(v) = &got {
                if pred(v) {
                    return v.clone();
                }
            }
            if Instant::now() >= deadline {
                panic!(
                    "{method} never gave the expected result within {timeout:?}; last: {got:?}\nparams: {params}\n{}",
                    self.context()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits for the response to request `id`.
    #[track_caller]
    pub fn response(&mut self, id: i64, timeout: Duration) -> Result<Value, Value> {
        self.response_to(&json!(id), "request", timeout)
    }

    /// Waits for the response with this id (any JSON id, e.g. a string
    /// used by a hand-written request sent with [`LspClient::send`]).
    #[track_caller]
    pub fn response_to(
        &mut self,
        id: &Value,
        what: &str,
        timeout: Duration,
    ) -> Result<Value, Value> {
        let key = id.to_string();
        let msg = self.wait_until(
            timeout,
            &format!("the response to {what} (id {key})"),
            |c| c.responses.remove(&key),
        );
        if let Some(err) = msg.get("error") {
            Err(err.clone())
        } else {
            Ok(msg.get("result").cloned().unwrap_or(Value::Null))
        }
    }

    // -- lifecycle ----------------------------------------------------------

    /// Sends `initialize` and returns its result. `workspace_folders` become
    /// `workspaceFolders` (and the first one `rootUri`); none sends `null`.
    #[track_caller]
    pub fn initialize(
        &mut self,
        capabilities: impl Into<Value>,
        initialization_options: Value,
        workspace_folders: &[&Path],
    ) -> Value {
        let folders: Vec<Value> = workspace_folders
            .iter()
            .map(|p| {
                json!({
                    "uri": file_uri(p),
                    "name": p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                })
            })
            .collect();
        let root = workspace_folders.first();
        let params = json!({
            "processId": std::process::id(),
            "clientInfo": {"name": "specls-e2e", "version": env!("CARGO_PKG_VERSION")},
            "locale": "en",
            "rootPath": root.map(|p| canonical_prefix(p).to_string_lossy().into_owned()),
            "rootUri": root.map(|p| file_uri(p)),
            "capabilities": capabilities.into(),
            "initializationOptions": initialization_options,
            "trace": "off",
            "workspaceFolders": if folders.is_empty() { Value::Null } else { Value::Array(folders) },
        });
        self.request_ok("initialize", params)
    }

    /// Sends `initialized`.
    #[track_caller]
    pub fn initialized(&mut self) {
        self.notify("initialized", json!({}));
    }

    /// `specls lsp` in `root`, initialized with `root` as the only
    /// workspace folder; returns the client and the initialize result.
    #[track_caller]
    pub fn start_in(
        root: &Path,
        capabilities: impl Into<Value>,
        initialization_options: Value,
    ) -> (LspClient, Value) {
        let mut c = LspClient::start(root);
        let init = c.initialize(capabilities, initialization_options, &[root]);
        c.initialized();
        (c, init)
    }

    /// `shutdown` (which must succeed with `null`), then `exit`; the server
    /// must then exit with status 0 within [`EXIT_TIMEOUT`].
    #[track_caller]
    pub fn shutdown_and_exit(&mut self) {
        match self.request("shutdown", Value::Null) {
            Ok(Value::Null) => {}
            other => panic!(
                "shutdown answered {other:?}, expected null\n{}",
                self.context()
            ),
        }
        self.notify("exit", Value::Null);
        let code = self.wait_exit(EXIT_TIMEOUT).unwrap_or_else(|| {
            panic!(
                "the server did not exit within {EXIT_TIMEOUT:?} of \"exit\"\n{}",
                self.context()
            )
        });
        assert_eq!(
            code,
            Some(0),
            "the server exited with {code:?} after shutdown and exit, expected 0\n{}",
            self.context()
        );
    }

    /// Closes the server's stdin (as a client that dies does).
    pub fn close_stdin(&mut self) {
        self.stdin.lock().unwrap_or_else(|e| e.into_inner()).take();
    }

    /// Waits for the process to end: `Some(exit code)` (`None` inside when
    /// killed by a signal), or `None` after `timeout`.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<Option<i32>> {
        let deadline = Instant::now() + timeout;
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => {
                    self.exited = true;
                    // Let the reader and stderr threads catch up.
                    self.pump_for(Duration::from_millis(20));
                    return Some(status.code());
                }
                Ok(None) if Instant::now() >= deadline => return None,
                Ok(None) => {
                    self.pump_available();
                    std::thread::sleep(Duration::from_millis(10));
                }
                Err(e) => panic!("waiting for the server: {e}"),
            }
        }
    }

    // -- documents ------------------------------------------------------------

    /// `textDocument/didOpen` of a file (language `markdown`); returns its
    /// URI.
    #[track_caller]
    pub fn open(&mut self, path: &Path, text: &str, version: i64) -> String {
        let uri = file_uri(path);
        self.open_uri(&uri, text, version);
        uri
    }

    #[track_caller]
    pub fn open_uri(&mut self, uri: &str, text: &str, version: i64) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": version, "text": text}}),
        );
    }

    /// Incremental `textDocument/didChange`: each `(range, text)` in order.
    #[track_caller]
    pub fn change(&mut self, uri: &str, version: i64, edits: &[(Range, &str)]) {
        let changes: Vec<Value> = edits
            .iter()
            .map(|(r, t)| json!({"range": r.json(), "text": t}))
            .collect();
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
    }

    /// `textDocument/didChange` that replaces the whole text.
    #[track_caller]
    pub fn change_full(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    #[track_caller]
    pub fn save(&mut self, uri: &str) {
        self.notify(
            "textDocument/didSave",
            json!({"textDocument": {"uri": uri}}),
        );
    }

    #[track_caller]
    pub fn close(&mut self, uri: &str) {
        self.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        );
    }

    /// `workspace/didChangeWatchedFiles` with `(uri, type)` pairs: 1
    /// created, 2 changed, 3 deleted.
    #[track_caller]
    pub fn watched_files_changed(&mut self, changes: &[(&str, u32)]) {
        let changes: Vec<Value> = changes
            .iter()
            .map(|(uri, t)| json!({"uri": uri, "type": t}))
            .collect();
        self.notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": changes}),
        );
    }

    // -- waiting ----------------------------------------------------------------

    /// Waits until the latest `textDocument/publishDiagnostics` for `uri`
    /// satisfies `pred` (publishes before the call count too: only the
    /// latest one per URI matters) and returns it.
    #[track_caller]
    pub fn diagnostics(&mut self, uri: &str, pred: impl Fn(&Publish) -> bool) -> Publish {
        self.diagnostics_timeout(uri, WAIT_TIMEOUT, pred)
    }

    #[track_caller]
    pub fn diagnostics_timeout(
        &mut self,
        uri: &str,
        timeout: Duration,
        pred: impl Fn(&Publish) -> bool,
    ) -> Publish {
        let key = normalize_uri(uri);
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(p) = self.latest.get(&key) {
                if pred(p) {
                    return p.clone();
                }
            }
            if self.closed.is_some() || Instant::now() >= deadline {
                let latest = match self.latest.get(&key) {
                    Some(p) => format!(
                        "version {:?}:\n{}",
                        p.version,
                        p.diagnostics
                            .iter()
                            .map(|d| format!(
                                "  {} {} sev {} {:?}",
                                d.range, d.code, d.severity, d.message
                            ))
                            .collect::<Vec<_>>()
                            .join("\n")
                    ),
                    None => "none at all".to_string(),
                };
                panic!(
                    "the diagnostics of {uri} never became what the test expects within {timeout:?}; latest publish: {latest}\n{}",
                    self.context()
                );
            }
            self.pump_once(deadline);
        }
    }

    /// The latest publish for `uri`, if any arrived yet (without waiting).
    pub fn latest_diagnostics(&self, uri: &str) -> Option<&Publish> {
        self.latest.get(&normalize_uri(uri))
    }

    /// Every publish for `uri` so far, in arrival order.
    pub fn publishes(&self, uri: &str) -> Vec<&Publish> {
        let key = normalize_uri(uri);
        self.publishes
            .iter()
            .filter(|p| normalize_uri(&p.uri) == key)
            .collect()
    }

    /// Every publish so far, in arrival order.
    pub fn all_publishes(&self) -> &[Publish] {
        &self.publishes
    }

    /// Waits for a notification `method` not returned by an earlier call
    /// whose params satisfy `pred`, and returns its params. Notifications
    /// that arrived before the call count.
    #[track_caller]
    pub fn wait_notification(
        &mut self,
        method: &str,
        pred: impl Fn(&Value) -> bool,
        timeout: Duration,
    ) -> Value {
        let what = format!("a {method} notification the test expects");
        self.wait_until(timeout, &what, |c| {
            let i = c.log.iter().enumerate().position(|(i, m)| {
                !c.taken[i] && m.get("id").is_none() && m["method"] == method && pred(&m["params"])
            })?;
            c.taken[i] = true;
            Some(c.log[i]["params"].clone())
        })
    }

    /// Waits for a request from the server with this method whose params
    /// satisfy `pred`; returns the whole message. Earlier ones count.
    #[track_caller]
    pub fn wait_server_request(
        &mut self,
        method: &str,
        pred: impl Fn(&Value) -> bool,
        timeout: Duration,
    ) -> Value {
        let what = format!("a {method} request from the server");
        self.wait_until(timeout, &what, |c| {
            c.log
                .iter()
                .find(|m| m.get("id").is_some() && m["method"] == method && pred(&m["params"]))
                .cloned()
        })
    }

    /// Reads messages for `d`, whatever arrives.
    pub fn pump_for(&mut self, d: Duration) {
        let deadline = Instant::now() + d;
        while Instant::now() < deadline && self.closed.is_none() {
            self.pump_once(deadline);
        }
        self.pump_available();
    }

    // -- what was received ----------------------------------------------------

    /// Every message the server sent, in arrival order.
    pub fn messages(&self) -> &[Value] {
        &self.log
    }

    /// The params of every notification `method`, in arrival order.
    pub fn notifications(&self, method: &str) -> Vec<&Value> {
        self.log
            .iter()
            .filter(|m| m.get("id").is_none() && m["method"] == method)
            .map(|m| &m["params"])
            .collect()
    }

    /// Every request the server sent with this method (whole messages).
    pub fn server_requests(&self, method: &str) -> Vec<&Value> {
        self.log
            .iter()
            .filter(|m| m.get("id").is_some() && m["method"] == method)
            .collect()
    }

    /// The params of every `$/progress`.
    pub fn progress(&self) -> Vec<&Value> {
        self.notifications("$/progress")
    }

    /// The params of every `window/logMessage`.
    pub fn log_messages(&self) -> Vec<&Value> {
        self.notifications("window/logMessage")
    }

    /// Responses that carry no id the client used (e.g. `id: null` parse
    /// errors), in arrival order.
    pub fn orphan_responses(&self) -> Vec<&Value> {
        self.log
            .iter()
            .filter(|m| m.get("method").is_none() && m.get("id").is_none_or(Value::is_null))
            .collect()
    }

    /// Frames whose body was not JSON.
    pub fn garbage(&self) -> &[String] {
        &self.garbage
    }

    /// The last `max` bytes of the server's stderr (lossily decoded).
    pub fn stderr_tail(&self, max: usize) -> String {
        let kept = self.stderr.lock().unwrap_or_else(|e| e.into_inner());
        let from = kept.len().saturating_sub(max);
        String::from_utf8_lossy(&kept[from..]).into_owned()
    }

    /// The server's process id (for reading its memory from `/proc`).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    // -- internals ----------------------------------------------------------

    fn accept(&mut self, inc: Incoming) {
        match inc {
            Incoming::Message(msg) => {
                let is_response = msg.get("method").is_none();
                if is_response {
                    if let Some(id) = msg.get("id").filter(|id| !id.is_null()) {
                        self.responses.insert(id.to_string(), msg.clone());
                    }
                } else if msg.get("id").is_none()
                    && msg["method"] == "textDocument/publishDiagnostics"
                {
                    let p = Publish::from_params(&msg["params"]);
                    self.latest.insert(normalize_uri(&p.uri), p.clone());
                    self.publishes.push(p);
                }
                self.log.push(msg);
                self.taken.push(false);
            }
            Incoming::Garbage(g) => self.garbage.push(g),
            Incoming::Closed(why) => {
                self.closed.get_or_insert(why);
            }
        }
    }

    fn pump_once(&mut self, deadline: Instant) {
        let now = Instant::now();
        if now >= deadline {
            return;
        }
        match self.rx.recv_timeout(deadline - now) {
            Ok(inc) => self.accept(inc),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                self.closed.get_or_insert("the reader thread ended".into());
            }
        }
    }

    fn pump_available(&mut self) {
        while let Ok(inc) = self.rx.try_recv() {
            self.accept(inc);
        }
    }

    #[track_caller]
    fn wait_until<T>(
        &mut self,
        timeout: Duration,
        what: &str,
        mut check: impl FnMut(&mut LspClient) -> Option<T>,
    ) -> T {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(t) = check(self) {
                return t;
            }
            if let Some(why) = self.closed.clone() {
                // Whatever was already sent still counts.
                self.pump_available();
                if let Some(t) = check(self) {
                    return t;
                }
                let status = self.wait_exit(Duration::from_millis(500));
                panic!(
                    "waiting for {what}: the server's output ended ({why}); exit status {status:?}\n{}",
                    self.context()
                );
            }
            if Instant::now() >= deadline {
                panic!(
                    "timed out after {timeout:?} waiting for {what}\n{}",
                    self.context()
                );
            }
            self.pump_once(deadline);
        }
    }

    /// What a failure message shows: the command, the last messages and
    /// the end of stderr.
    pub fn context(&self) -> String {
        let mut out = format!("--- specls {} ---\n", self.args.join(" "));
        let from = self.log.len().saturating_sub(8);
        let _ = writeln!(
            out,
            "--- last {} of {} messages from the server ---",
            self.log.len() - from,
            self.log.len()
        );
        for m in &self.log[from..] {
            let mut s = m.to_string();
            if s.len() > 600 {
                let mut end = 600;
                while !s.is_char_boundary(end) {
                    end -= 1;
                }
                s.truncate(end);
                s.push('…');
            }
            let _ = writeln!(out, "{s}");
        }
        if !self.garbage.is_empty() {
            let _ = writeln!(out, "--- frames that were not JSON ---");
            for g in &self.garbage {
                let _ = writeln!(out, "{g}");
            }
        }
        let _ = write!(out, "--- stderr (tail) ---\n{}", self.stderr_tail(4000));
        out
    }
}

impl Drop for LspClient {
    fn drop(&mut self) {
        if !self.exited {
            let _ = self.child.kill();
        }
        self.close_stdin();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------
// The reader thread

fn read_loop(
    stdout: ChildStdout,
    stdin: Arc<Mutex<Option<ChildStdin>>>,
    config: Arc<Mutex<ConfigAnswer>>,
    unanswered: Arc<Mutex<Vec<String>>>,
    tx: Sender<Incoming>,
) {
    let mut r = BufReader::new(stdout);
    loop {
        let body = match read_frame(&mut r) {
            Ok(Some(body)) => body,
            Ok(None) => {
                let _ = tx.send(Incoming::Closed("end of output".into()));
                return;
            }
            Err(e) => {
                let _ = tx.send(Incoming::Closed(e));
                return;
            }
        };
        let msg: Value = match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(e) => {
                let text = String::from_utf8_lossy(&body).into_owned();
                let _ = tx.send(Incoming::Garbage(format!("{e}: {text}")));
                continue;
            }
        };
        let skip = |m: &str| {
            let list = unanswered.lock().unwrap_or_else(|e| e.into_inner());
            list.iter().any(|u| u == m)
        };
        if let (Some(method), Some(id)) = (msg["method"].as_str(), msg.get("id")) {
            if skip(method) {
                if tx.send(Incoming::Message(msg)).is_err() {
                    return;
                }
                continue;
            }
            let result = answer(method, &msg["params"], &config);
            let reply = json!({"jsonrpc": "2.0", "id": id, "result": result});
            let body = serde_json::to_vec(&reply).expect("serialize a reply");
            let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
            frame.extend_from_slice(&body);
            if let Some(w) = stdin.lock().unwrap_or_else(|e| e.into_inner()).as_mut() {
                let _ = w.write_all(&frame).and_then(|_| w.flush());
            }
        }
        if tx.send(Incoming::Message(msg)).is_err() {
            return;
        }
    }
}

/// The client's answer to a server request.
fn answer(method: &str, params: &Value, config: &Mutex<ConfigAnswer>) -> Value {
    match method {
        "workspace/configuration" => {
            let n = params["items"].as_array().map_or(0, Vec::len);
            let config = config.lock().unwrap_or_else(|e| e.into_inner()).clone();
            let items: Vec<Value> = (0..n)
                .map(|i| match &config {
                    ConfigAnswer::PerItem(v) => v.get(i).cloned().unwrap_or(Value::Null),
                    ConfigAnswer::All(v) => v.clone(),
                })
                .collect();
            Value::Array(items)
        }
        // client/registerCapability, client/unregisterCapability,
        // window/workDoneProgress/create, workspace/diagnostic/refresh and
        // the rest.
        _ => Value::Null,
    }
}

/// One frame's body; `Ok(None)` at a clean end of output (between frames).
fn read_frame(r: &mut impl BufRead) -> Result<Option<Vec<u8>>, String> {
    let mut length: Option<usize> = None;
    let mut first = true;
    loop {
        let mut line = Vec::new();
        let n = r
            .read_until(b'\n', &mut line)
            .map_err(|e| format!("reading a header: {e}"))?;
        if n == 0 {
            return if first {
                Ok(None)
            } else {
                Err("output ended inside a frame header".into())
            };
        }
        first = false;
        let text = String::from_utf8_lossy(&line);
        if !text.ends_with("\r\n") {
            return Err(format!(
                "header line not ended by CRLF (something other than LSP on stdout?): {text:?}"
            ));
        }
        let text = text.trim_end_matches("\r\n");
        if text.is_empty() {
            break;
        }
        let Some((name, value)) = text.split_once(':') else {
            return Err(format!(
                "not a header line (something other than LSP on stdout?): {text:?}"
            ));
        };
        if name.trim().eq_ignore_ascii_case("content-length") {
            length = Some(
                value
                    .trim()
                    .parse()
                    .map_err(|e| format!("bad Content-Length {value:?}: {e}"))?,
            );
        }
    }
    let len = length.ok_or("a frame without Content-Length")?;
    let mut body = vec![0; len];
    r.read_exact(&mut body)
        .map_err(|e| format!("output ended inside a {len}-byte body: {e}"))?;
    Ok(Some(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_read_one_by_one() {
        let raw = b"Content-Length: 2\r\n\r\n{}Content-Type: x\r\nContent-Length: 4\r\n\r\nnull";
        let mut r = &raw[..];
        assert_eq!(read_frame(&mut r).unwrap(), Some(b"{}".to_vec()));
        assert_eq!(read_frame(&mut r).unwrap(), Some(b"null".to_vec()));
        assert_eq!(read_frame(&mut r).unwrap(), None);
        let mut bad = &b"hello\n"[..];
        assert!(read_frame(&mut bad).is_err());
        let mut cut = &b"Content-Length: 10\r\n\r\n{}"[..];
        assert!(read_frame(&mut cut).is_err());
    }

    #[test]
    fn uris_round_trip_and_compare() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a b").join("spec.md");
        let uri = file_uri(&p);
        assert!(uri.starts_with("file:///"), "{uri}");
        assert!(uri.ends_with("/a%20b/spec.md"), "{uri}");
        assert_eq!(
            uri_to_path(&uri),
            canonical_prefix(&p),
            "decoding gives the path back"
        );
        assert!(same_file(&uri, &format!("{}#L3", uri.replace("%20", " "))));
        assert_eq!(normalize_uri("file:///C%3A/x"), "file:///c:/x");
    }

    #[test]
    fn capability_builder_sets_and_removes() {
        let caps = utf8_client()
            .pull_diagnostics(true)
            .work_done_progress(true);
        assert_eq!(
            caps.0["general"]["positionEncodings"],
            json!(["utf-8", "utf-16"])
        );
        assert!(caps.0["textDocument"]["diagnostic"].is_object());
        assert_eq!(caps.0["window"]["workDoneProgress"], json!(true));
        let caps = caps.pull_diagnostics(false);
        assert!(caps.0["textDocument"].get("diagnostic").is_none());
        assert!(utf16_client().0["general"]
            .get("positionEncodings")
            .is_none());
    }

    #[test]
    fn result_shapes_are_read() {
        let loc = json!({"uri": "file:///a", "range": {"start": {"line": 3, "character": 1}, "end": {"line": 3, "character": 4}}});
        let link = json!({"targetUri": "file:///b", "targetRange": Range::new(1, 0, 9, 0).json(), "targetSelectionRange": Range::new(2, 0, 2, 5).json()});
        assert_eq!(location_lines(&loc), [("file:///a".to_string(), 3)]);
        assert_eq!(
            location_lines(&json!([link, loc])),
            [("file:///a".to_string(), 3), ("file:///b".to_string(), 2)]
        );
        assert!(locations(&Value::Null).is_empty());
        assert_eq!(
            hover_text(&json!({"contents": {"kind": "markdown", "value": "**1.1** x"}})),
            "**1.1** x"
        );
        assert_eq!(
            hover_text(&json!({"contents": ["a", {"language": "md", "value": "b"}]})),
            "a\nb"
        );
        let syms = json!([{"name": "R", "children": [{"name": "S", "children": []}]}]);
        assert_eq!(find_symbol(&syms, |n| n == "S").unwrap()["name"], "S");
    }
}
