//! A small JSON-RPC client for `specls lsp` over stdio: Content-Length
//! framing, a reader thread that stamps every message with the moment its
//! body was read, and answers `null` to every request the server sends.
//!
//! Self-contained on purpose: the bench must not move when the test
//! suite's LSP helpers do.

use std::collections::{BTreeMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// One message from the server and when the reader thread had its body.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub at: Instant,
    pub msg: Value,
}

impl Incoming {
    pub fn method(&self) -> Option<&str> {
        self.msg.get("method").and_then(Value::as_str)
    }
}

/// A running `specls lsp`.
pub struct Server {
    child: Child,
    stdin: Arc<Mutex<ChildStdin>>,
    rx: Receiver<Incoming>,
    /// Messages read but not yet asked for.
    backlog: VecDeque<Incoming>,
    next_id: i64,
    stderr: Arc<Mutex<Vec<u8>>>,
    /// Things worth telling the reader: errors and warnings the server
    /// logged, error responses, a closed pipe.
    pub notes: Vec<String>,
    /// How many of each notification or request the server sent.
    pub received: BTreeMap<String, usize>,
    pub spawned_at: Instant,
    /// Messages dropped unread for their size (see [`Server::spawn_dropping`]).
    #[allow(dead_code)] // only the large-document bench reads it
    dropped: Arc<AtomicUsize>,
}

pub fn frame(msg: &Value) -> Vec<u8> {
    let body = serde_json::to_vec(msg).expect("JSON serialises");
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(&body);
    out
}

/// Reads one framed message; `None` at the end of the stream.
fn read_message(r: &mut impl BufRead) -> Option<Vec<u8>> {
    let mut len = None;
    let mut line = String::new();
    loop {
        line.clear();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                len = v.trim().parse::<usize>().ok();
            }
        }
    }
    let mut body = vec![0; len?];
    r.read_exact(&mut body).ok()?;
    Some(body)
}

impl Server {
    pub fn spawn(bin: &Path, cwd: &Path) -> Server {
        Server::spawn_dropping(bin, cwd, usize::MAX)
    }

    /// As [`Server::spawn`], but messages of more than `larger_than` bytes
    /// are counted ([`Server::dropped`]) and dropped without being parsed:
    /// a bench that keeps asking for outlines of a large file would
    /// otherwise hold hundreds of megabytes of parsed JSON per answer.
    pub fn spawn_dropping(bin: &Path, cwd: &Path, larger_than: usize) -> Server {
        let dropped = Arc::new(AtomicUsize::new(0));
        let dropped_by_reader = dropped.clone();
        let spawned_at = Instant::now();
        let mut child = Command::new(bin)
            .arg("lsp")
            // The server's own account of its work per edit, on stderr.
            .env("SPECLS_TIMING", "1")
            .current_dir(cwd)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let stdin = Arc::new(Mutex::new(child.stdin.take().expect("piped stdin")));
        let stdout = child.stdout.take().expect("piped stdout");
        let mut err_pipe = child.stderr.take().expect("piped stderr");
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let err_sink = stderr.clone();
        thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err_pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                err_sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        let (tx, rx) = mpsc::channel();
        let replies = stdin.clone();
        thread::spawn(move || {
            let mut r = BufReader::with_capacity(1 << 16, stdout);
            while let Some(body) = read_message(&mut r) {
                let at = Instant::now();
                if body.len() > larger_than {
                    dropped_by_reader.fetch_add(1, Ordering::SeqCst);
                    continue;
                }
                let Ok(msg) = serde_json::from_slice::<Value>(&body) else {
                    continue;
                };
                // A request from the server: answer at once, from here, so
                // the server never waits on the bench's main thread.
                if msg.get("method").is_some() {
                    if let Some(id) = msg.get("id") {
                        let reply = json!({"jsonrpc": "2.0", "id": id, "result": null});
                        let _ = replies.lock().unwrap().write_all(&frame(&reply));
                    }
                }
                if tx.send(Incoming { at, msg }).is_err() {
                    break;
                }
            }
        });
        Server {
            child,
            stdin,
            rx,
            backlog: VecDeque::new(),
            next_id: 0,
            stderr,
            notes: Vec::new(),
            received: BTreeMap::new(),
            spawned_at,
            dropped,
        }
    }

    /// How many messages were dropped for their size.
    #[allow(dead_code)] // only the large-document bench asks
    pub fn dropped(&self) -> usize {
        self.dropped.load(Ordering::SeqCst)
    }

    /// The server's input, for a second thread that sends notifications
    /// of its own (each message is written whole under the lock).
    pub fn input(&self) -> Arc<Mutex<ChildStdin>> {
        self.stdin.clone()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    fn send(&mut self, msg: &Value) -> Instant {
        let bytes = frame(msg);
        let mut w = self.stdin.lock().unwrap();
        let at = Instant::now();
        if let Err(e) = w.write_all(&bytes) {
            self.notes
                .push(format!("writing to the server failed: {e}"));
        }
        at
    }

    /// Sends a notification; returns when the write started.
    pub fn notify(&mut self, method: &str, params: Value) -> Instant {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}))
    }

    /// Sends a request; returns its id and when the write started.
    pub fn request(&mut self, method: &str, params: Value) -> (i64, Instant) {
        self.next_id += 1;
        let id = self.next_id;
        let at =
            self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        (id, at)
    }

    fn observe(&mut self, m: &Incoming) {
        if let Some(method) = m.method() {
            *self.received.entry(method.to_string()).or_default() += 1;
        }
        match m.method() {
            Some("window/logMessage") | Some("window/showMessage") => {
                let typ = m.msg["params"]["type"].as_i64().unwrap_or(4);
                // 1 error, 2 warning.
                if typ <= 2 {
                    let text = m.msg["params"]["message"].as_str().unwrap_or("");
                    self.notes.push(format!("server said: {text}"));
                }
            }
            None => {
                if let Some(e) = m.msg.get("error") {
                    self.notes.push(format!("error response: {e}"));
                }
            }
            _ => {}
        }
    }

    /// The first message (kept or new) for which `want` holds, waiting at
    /// most `timeout`. Other messages are kept for later calls.
    pub fn wait(
        &mut self,
        what: &str,
        timeout: Duration,
        want: impl Fn(&Incoming) -> bool,
    ) -> Result<Incoming, String> {
        if let Some(i) = self.backlog.iter().position(&want) {
            return Ok(self.backlog.remove(i).expect("index is in range"));
        }
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(m) => {
                    self.observe(&m);
                    if want(&m) {
                        return Ok(m);
                    }
                    self.backlog.push_back(m);
                }
                Err(RecvTimeoutError::Timeout) => {
                    return Err(format!("no {what} within {timeout:?} (hang?)"));
                }
                Err(RecvTimeoutError::Disconnected) => {
                    let status = self.child.try_wait().ok().flatten();
                    return Err(format!(
                        "the server closed its output while the bench waited for {what} (exit: {status:?}); stderr: {}",
                        self.stderr_text()
                    ));
                }
            }
        }
    }

    /// `initialize` for one workspace folder, with diagnostics undelayed;
    /// returns the server's result.
    pub fn initialize(
        &mut self,
        folder: &Path,
        caps: Value,
        timeout: Duration,
    ) -> Result<Value, String> {
        let uri = file_uri(folder);
        let (id, _) = self.request(
            "initialize",
            json!({
                "processId": std::process::id(),
                "rootUri": uri,
                "workspaceFolders": [{"uri": uri, "name": "bench"}],
                "capabilities": caps,
                "initializationOptions": {"diagnostics": {"delay-ms": 0}}
            }),
        );
        let r = self.response(id, timeout)?;
        r.msg
            .get("result")
            .cloned()
            .ok_or_else(|| format!("initialize failed: {}", r.msg))
    }

    pub fn response(&mut self, id: i64, timeout: Duration) -> Result<Incoming, String> {
        self.wait(&format!("response {id}"), timeout, |m| {
            m.method().is_none() && m.msg.get("id").and_then(Value::as_i64) == Some(id)
        })
    }

    /// Drops kept messages (between phases, so the backlog stays small).
    pub fn drain(&mut self) {
        while let Ok(m) = self.rx.try_recv() {
            self.observe(&m);
        }
        self.backlog.clear();
    }

    /// Waits until the server has been silent for `quiet`, at most `max`.
    pub fn settle(&mut self, quiet: Duration, max: Duration) {
        let deadline = Instant::now() + max;
        while Instant::now() < deadline {
            match self.rx.recv_timeout(quiet) {
                Ok(m) => self.observe(&m),
                Err(_) => break,
            }
        }
        self.backlog.clear();
    }

    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap()).into_owned()
    }

    /// `shutdown` then `exit`; returns the exit status, killing the server
    /// when it does not end within five seconds.
    pub fn stop(mut self) -> (Option<ExitStatus>, Vec<String>) {
        let (id, _) = self.request("shutdown", Value::Null);
        if let Err(e) = self.response(id, Duration::from_secs(10)) {
            self.notes.push(format!("shutdown: {e}"));
        }
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + Duration::from_secs(5);
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(s)) => break Some(s),
                Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(10)),
                _ => {
                    self.notes
                        .push("the server did not exit within 5 s of `exit`; killed".into());
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    break None;
                }
            }
        };
        if let Some(s) = status {
            if !s.success() {
                self.notes.push(format!("the server exited with {s}"));
            }
        }
        // Let the stderr thread finish reading.
        thread::sleep(Duration::from_millis(20));
        let err = self.stderr_text();
        let other: Vec<&str> = err.lines().filter(|l| !l.starts_with(TIMING)).collect();
        if !other.join("\n").trim().is_empty() {
            self.notes
                .push(format!("stderr: {}", other.join("\n").trim()));
        }
        (status, std::mem::take(&mut self.notes))
    }

    /// What the server reported as its own work from each edit to its
    /// diagnostics (`SPECLS_TIMING=1`), in order.
    pub fn server_work(&self) -> Vec<Duration> {
        self.stderr_text()
            .lines()
            .filter_map(|l| l.strip_prefix(TIMING)?.trim().parse().ok())
            .map(Duration::from_micros)
            .collect()
    }
}

/// How the server prefixes its timing lines.
const TIMING: &str = "specls-timing edit-to-diagnostics-us ";

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A `file://` URI for an absolute path, percent-encoding what a URI path
/// cannot hold as it is.
pub fn file_uri(path: &Path) -> String {
    let mut out = String::from("file://");
    for &b in path.to_string_lossy().as_bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'.'
            | b'_'
            | b'~'
            | b'/'
            | b'+'
            | b'@'
            | b'!'
            | b'$'
            | b'&'
            | b'\''
            | b'('
            | b')'
            | b'*'
            | b','
            | b';'
            | b'=' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `VmRSS` and `VmHWM` of a process, in KiB.
pub fn memory_kib(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

/// Whether `m` ends a work-done progress (the server's index is read).
pub fn is_progress_end(m: &Incoming) -> bool {
    m.method() == Some("$/progress") && m.msg["params"]["value"]["kind"] == "end"
}

/// The codes of a pull response's items, sorted.
pub fn pulled_codes(m: &Value) -> Result<Vec<String>, String> {
    let items = m["result"]["items"]
        .as_array()
        .ok_or_else(|| format!("not a full diagnostic report: {m}"))?;
    let mut codes: Vec<String> = items
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("?").to_string())
        .collect();
    codes.sort();
    Ok(codes)
}
