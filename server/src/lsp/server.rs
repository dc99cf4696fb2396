//! The protocol handlers. Notifications take the state lock and apply
//! their change synchronously (never awaiting while holding it). Read-only
//! requests take a view under the lock (a few pointer clones), let the lock
//! go, and compute on the view on a blocking thread (see [`Inner::read`]);
//! slow work is left to background tasks.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use super::state::{path_of, Cancel, FsChange, Place, State, View};

use super::{
    actions, capabilities, code_lens, commands, convert, features, inlay, memory, rename, semantic,
    transport, watch,
};
use crate::config::Config;
use crate::host::EditorSettings;

pub struct Inner {
    pub client: Client,
    state: Mutex<State>,
    /// Bumped by every change; a debounced publish runs only if no change
    /// came after it was scheduled.
    generation: AtomicU64,
    /// Publishing is serialised so that an older computation can never
    /// overwrite a newer one at the client.
    publish_gate: tokio::sync::Mutex<()>,
    folders: Mutex<Vec<PathBuf>>,
    /// Woken whenever files arrive from a background read.
    read_done: tokio::sync::Notify,
    /// Workspace folders whose roots are still being looked for: until
    /// they are found, "every root is read" would hold of none.
    finding_roots: AtomicU64,
    watcher: Mutex<Option<watch::Fallback>>,
    /// Set by [`Backend::end`]: no watcher starts after it.
    ended: std::sync::atomic::AtomicBool,
    /// Turns true at [`Backend::end`]: requests to the client still
    /// unanswered are given up ([`unless_ended`]).
    end: tokio::sync::watch::Sender<bool>,
    /// Roots found by opening a document before watching began: read only
    /// once it has (a file written between a read and the start of the
    /// watch would be seen by neither). `None` once watching has begun.
    unwatched_roots: Mutex<Option<Vec<(usize, PathBuf)>>>,
    /// With `SPECLS_TEST_HOOKS=1`: how many read-only requests of each
    /// method ran to the end (not stopped by a cancellation).
    counting: bool,
    finished: Arc<Mutex<HashMap<&'static str, u64>>>,
}

/// The key of `specls/testCounters` that counts the reads running now.
const RUNNING: &str = "running";

/// Cancels a request's work when its handler is dropped: tower-lsp-server
/// drops the handler of a request the client cancels.
struct CancelOnDrop(Arc<Cancel>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.request();
    }
}

/// `request`, a request to the client, or `None` once the session has
/// ended without its answer. tower-lsp-server waits for an answer for good,
/// and a client that is gone never sends one: the task waiting would live
/// on with what it holds (for most, the whole state), one per session in a
/// process that serves many.
pub async fn unless_ended<F: std::future::Future>(
    mut end: tokio::sync::watch::Receiver<bool>,
    request: F,
) -> Option<F::Output> {
    tokio::select! {
        answer = request => Some(answer),
        _ = end.wait_for(|ended| *ended) => None,
    }
}

fn test_hooks() -> bool {
    std::env::var("SPECLS_TEST_HOOKS").as_deref() == Ok("1")
}

#[derive(Clone)]
pub struct Backend(pub Arc<Inner>);

/// What a read-only request waits for before it reads (see
/// [`Inner::inputs`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wait {
    /// Nothing: it reads only the open document's own text.
    No,
    /// What the diagnostics of its document depend on (every root when it
    /// names no document).
    Doc,
    /// Every root.
    All,
}

fn internal_error(what: &str) -> Error {
    Error {
        code: tower_lsp_server::jsonrpc::ErrorCode::InternalError,
        message: format!("specls: internal error in {what} (see the log)").into(),
        data: None,
    }
}

/// How long typing must pause before edited trees are reparsed.
const REPARSE_IDLE: Duration = Duration::from_millis(30);

impl Backend {
    pub fn new(client: Client) -> Backend {
        Backend(Arc::new(Inner {
            client,
            state: Mutex::new(State::default()),
            generation: AtomicU64::new(0),
            publish_gate: tokio::sync::Mutex::new(()),
            folders: Mutex::new(Vec::new()),
            read_done: tokio::sync::Notify::new(),
            finding_roots: AtomicU64::new(0),
            watcher: Mutex::new(None),
            ended: std::sync::atomic::AtomicBool::new(false),
            end: tokio::sync::watch::Sender::new(false),
            unwatched_roots: Mutex::new(Some(Vec::new())),
            counting: test_hooks(),
            finished: Arc::default(),
        }))
    }

    pub fn shut_down(&self) -> bool {
        self.0.lock().shut_down
    }

    /// The session is over: the file watcher stops (its threads end), and
    /// none starts later (a registration the gone client never answered
    /// fails after the end, and would fall back to one). Otherwise each
    /// session served in one process (the fuzz target) left two threads
    /// and the whole server state behind.
    pub fn end(&self) {
        let mut w = self.0.watcher.lock().unwrap_or_else(|e| e.into_inner());
        self.0.ended.store(true, Ordering::SeqCst);
        self.0.end.send_replace(true);
        w.take();
    }

    /// Answers a frame the transport guard found malformed with the error
    /// it deserves.
    pub async fn malformed(&self, params: Value) -> Result<()> {
        let code = params["code"].as_i64().unwrap_or(-32700);
        Err(Error {
            code: tower_lsp_server::jsonrpc::ErrorCode::from(code),
            message: params["message"]
                .as_str()
                .unwrap_or("malformed message")
                .to_string()
                .into(),
            data: None,
        })
    }

    /// `specls/testPanic`: panics inside a handler, for the tests that
    /// check a panic is caught and the server keeps serving. Answered only
    /// when `SPECLS_TEST_HOOKS=1` is set in the server's environment.
    pub async fn test_panic(&self) -> Result<()> {
        if !test_hooks() {
            return Err(Error::method_not_found());
        }
        self.0.request("specls/testPanic", |_| {
            panic!("a deliberate panic for the tests")
        })
    }

    /// `specls/testText`: the text and version of the document open under
    /// `params.uri` (null when it is not open under that URI), for the
    /// fuzz oracle that the server's text is the client's. Answered only
    /// when `SPECLS_TEST_HOOKS=1` is set.
    /// A large `didOpen` or `didChange` the transport set aside (see
    /// `transport`): handled here as it would have been, in its place in
    /// the order of messages.
    pub async fn large_text(&self, params: Value) {
        #[derive(serde::Deserialize)]
        struct Note<P> {
            params: P,
        }
        let Some(body) = params["key"].as_u64().and_then(transport::take_large) else {
            return;
        };
        let method = transport::notification_method(&body);
        match method.as_deref() {
            Some("textDocument/didOpen") => {
                let note = serde_json::from_slice::<Note<DidOpenTextDocumentParams>>(&body);
                drop(body);
                match note {
                    Ok(n) => self.did_open(n.params).await,
                    Err(e) => self
                        .0
                        .log(MessageType::WARNING, format!("specls: didOpen: {e}")),
                }
            }
            Some("textDocument/didChange") => {
                let note = serde_json::from_slice::<Note<DidChangeTextDocumentParams>>(&body);
                drop(body);
                match note {
                    Ok(n) => self.did_change(n.params).await,
                    Err(e) => self
                        .0
                        .log(MessageType::WARNING, format!("specls: didChange: {e}")),
                }
            }
            _ => {}
        }
    }

    pub async fn test_text(&self, params: Value) -> Result<Value> {
        if !test_hooks() {
            return Err(Error::method_not_found());
        }
        let uri: Uri = params["uri"]
            .as_str()
            .and_then(|u| u.parse().ok())
            .ok_or_else(|| Error::invalid_params("a uri"))?;
        Ok(self
            .0
            .lock()
            .open_text(&uri)
            .map(|(text, version)| serde_json::json!({"text": text, "version": version}))
            .unwrap_or(Value::Null))
    }

    /// `specls/testCounters`: how many read-only requests of each method
    /// ran to the end, and how many are running (`running`), for the tests
    /// that check cancelled work stops.
    /// Answered only when `SPECLS_TEST_HOOKS=1` is set.
    pub async fn test_counters(&self) -> Result<Value> {
        if !test_hooks() {
            return Err(Error::method_not_found());
        }
        let finished = self.0.finished.lock().unwrap_or_else(|e| e.into_inner());
        Ok(serde_json::to_value(&*finished).unwrap_or_default())
    }
}

impl Inner {
    /// The state; a handler that panicked while holding the lock leaves it
    /// usable (the panic was caught and logged).
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn log(&self, typ: MessageType, message: String) {
        let client = self.client.clone();
        tokio::spawn(async move { client.log_message(typ, message).await });
    }

    /// Logs a caught panic to the client; the server goes on serving.
    fn report_panic(&self, what: &str, panic: Box<dyn std::any::Any + Send>) {
        let msg = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        self.log(
            MessageType::ERROR,
            format!("specls: internal error in {what}: {msg}; the server keeps running"),
        );
    }

    /// Runs `f` on the state, catching a panic: it is logged to the client
    /// and the server goes on serving.
    pub fn with_state<T>(&self, what: &str, f: impl FnOnce(&mut State) -> T) -> Option<T> {
        let mut st = self.lock();
        match catch_unwind(AssertUnwindSafe(|| f(&mut st))) {
            Ok(v) => Some(v),
            Err(panic) => {
                drop(st);
                self.report_panic(what, panic);
                None
            }
        }
    }

    /// A request handler's body: a panic becomes an internal-error
    /// response.
    pub fn request<T>(&self, what: &str, f: impl FnOnce(&mut State) -> T) -> Result<T> {
        self.with_state(what, f).ok_or_else(|| internal_error(what))
    }

    /// A read-only request: waits for what it reads to be read (`wait`),
    /// takes a view under the lock and computes `f` on it on a blocking
    /// thread, so that neither the lock nor an async worker is held while
    /// it runs. The answer is for the version of `uri` the request was
    /// made against: if the document changes before the view is taken or
    /// before the answer is out, the request fails with `ContentModified`
    /// rather than answer for text the client no longer has, or pass an
    /// answer about old text off as one about the new.
    pub async fn read<T: Send + 'static>(
        &self,
        what: &'static str,
        uri: Option<Uri>,
        wait: Wait,
        f: impl FnOnce(&View) -> T + Send + 'static,
    ) -> Result<T> {
        // Nothing has awaited yet: every notification the client sent
        // before this request has been applied, and none sent after it.
        let asked = uri.as_ref().and_then(|u| self.lock().version_of(u));
        let moved_on = |now: Option<i32>| asked.is_some() && now != asked;
        match wait {
            Wait::No => {}
            Wait::Doc => self.inputs(uri.as_ref()).await,
            Wait::All => self.inputs(None).await,
        }
        let view = self.lock().view();
        if moved_on(uri.as_ref().and_then(|u| view.version_of(u))) {
            return Err(Error::content_modified());
        }
        // tower-lsp-server answers a cancelled request itself and drops its
        // handler, but the work on the blocking thread goes on unless it is
        // told: the guard tells it when this future is dropped.
        let cancel = view.cancel.clone();
        let _on_drop = CancelOnDrop(cancel.clone());
        let finished = self.counting.then(|| self.finished.clone());
        let done = tokio::task::spawn_blocking(move || {
            if view.cancelled() {
                return Ok(None);
            }
            let count = |key: &'static str, by: i64| {
                if let Some(counts) = &finished {
                    let mut counts = counts.lock().unwrap_or_else(|e| e.into_inner());
                    let n = counts.entry(key).or_default();
                    *n = n.saturating_add_signed(by);
                }
            };
            count(RUNNING, 1);
            let value = catch_unwind(AssertUnwindSafe(|| f(&view)));
            // Counted here, not once awaited: a cancelled handler is
            // dropped before its await returns, while this work may run on.
            if value.is_ok() && !view.cancel.stopped() {
                count(what, 1);
            }
            count(RUNNING, -1);
            value.map(Some)
        })
        .await;
        let value = match done {
            Ok(Ok(Some(value))) if !cancel.stopped() => value,
            Ok(Ok(_)) => return Err(Error::request_cancelled()),
            Ok(Err(panic)) => {
                self.report_panic(what, panic);
                return Err(internal_error(what));
            }
            Err(e) => {
                self.log(
                    MessageType::ERROR,
                    format!("specls: internal error in {what}: {e}; the server keeps running"),
                );
                return Err(internal_error(what));
            }
        };
        if moved_on(uri.as_ref().and_then(|u| self.lock().version_of(u))) {
            return Err(Error::content_modified());
        }
        Ok(value)
    }

    /// Schedules a diagnostics pass after the debounce.
    pub fn schedule(self: &Arc<Self>) {
        let g = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        let delay = self.lock().host.delay_ms();
        let me = self.clone();
        tokio::spawn(async move {
            if delay > 0 {
                tokio::time::sleep(Duration::from_millis(delay)).await;
            }
            if me.generation.load(Ordering::SeqCst) == g {
                me.publish().await;
            }
        });
    }

    /// Re-checks what changed and sends what is out of date: pushes to a
    /// pushing client, a refresh request to a pulling one.
    pub async fn publish(self: &Arc<Self>) {
        let _gate = self.publish_gate.lock().await;
        let Some((pushes, refresh)) = self.with_state("diagnostics", |st| {
            let started = std::time::Instant::now();
            let changed = st.host.recheck();
            st.report_timing(started);
            if st.caps.pull_diagnostics {
                // Severities change the reports, not the checks, so after a
                // settings change no recheck marks a pulled document
                // outdated: `reports_outdated` does.
                let outdated = std::mem::take(&mut st.reports_outdated);
                let refresh =
                    st.caps.diagnostic_refresh && (outdated || st.pulls_outdated(&changed));
                (Vec::new(), refresh)
            } else {
                let pushes = st.pending_pushes(&changed);
                // Closed files' diagnostics read their text for positions.
                st.host.release_texts();
                (pushes, false)
            }
        }) else {
            return;
        };
        for p in pushes {
            self.client
                .publish_diagnostics(p.uri, p.diagnostics, p.version)
                .await;
        }
        if refresh {
            // The client answers later; waiting here would hold the gate.
            let (client, end) = (self.client.clone(), self.end.subscribe());
            tokio::spawn(async move {
                let _ = unless_ended(end, client.workspace_diagnostic_refresh()).await;
            });
        }
        if self.with_state("code lens", code_lens::take_refresh) == Some(true) {
            let (client, end) = (self.client.clone(), self.end.subscribe());
            tokio::spawn(async move {
                let _ = unless_ended(end, client.code_lens_refresh()).await;
            });
        }
        self.reparse_later(None);
    }

    /// Reparses edited trees once the diagnostics are out and the typing
    /// pauses (no change for `REPARSE_IDLE`), off the path from an edit to
    /// its diagnostics. Edits in between are all applied to the tree with
    /// `InputEdit`, so the reparse stays incremental; a request that needs
    /// the tree reparses at once.
    fn reparse_later(self: &Arc<Self>, only: Option<PathBuf>) {
        let me = self.clone();
        let g = self.generation.load(Ordering::SeqCst);
        tokio::spawn(async move {
            tokio::time::sleep(REPARSE_IDLE).await;
            if me.generation.load(Ordering::SeqCst) != g {
                return;
            }
            // Parsed without the lock: after many scattered edits a reparse
            // can take as long as a full parse (tens of ms on a large file),
            // and requests must not wait for it.
            let stale = me.lock().host.stale_trees(only.as_deref());
            if stale.is_empty() {
                return;
            }
            let parsed = tokio::task::spawn_blocking(move || {
                let mut parser = crate::syntax::tree::block_parser();
                stale
                    .into_iter()
                    .map(|(path, version, text, old)| {
                        let tree = parser.parse(&text, old.as_ref());
                        (path, version, tree)
                    })
                    .collect::<Vec<_>>()
            })
            .await;
            if let Ok(parsed) = parsed {
                me.with_state("reparse", |st| {
                    for (path, version, tree) in parsed {
                        st.host.put_tree(&path, version, tree);
                    }
                });
            }
        });
    }

    /// Reads every root of the workspace folders in the background, with
    /// progress, installing each as it completes.
    async fn index(self: Arc<Self>) {
        let folders = self
            .folders
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        // Never awaited: a client that does not answer the progress request
        // must not hold up the read (see `progress.rs`).
        let wants_progress = self.lock().caps.progress;
        let progress = wants_progress.then(|| {
            let msg = "finding OpenSpec workspaces";
            super::progress::Reporter::start(
                self.client.clone(),
                self.end.subscribe(),
                "specls/index",
                "specls: indexing",
                msg,
            )
        });
        let found = tokio::task::spawn_blocking(move || {
            let mut out = Vec::new();
            for f in folders {
                match crate::workspace::discover::find_roots(&f) {
                    Ok(roots) => out.extend(roots.into_iter().map(|r| (r, f.clone()))),
                    Err(_) => continue,
                }
            }
            out
        })
        .await
        .unwrap_or_default();
        let mut mine = Vec::new();
        {
            let mut st = self.lock();
            for (root, folder) in found {
                let alias = std::fs::canonicalize(&folder)
                    .ok()
                    .and_then(|cf| root.strip_prefix(&cf).ok().map(|r| folder.join(r)));
                let (i, new) = st.host.add_root(root.clone(), alias);
                if new {
                    mine.push((i, root));
                }
            }
            self.finding_roots.fetch_sub(1, Ordering::SeqCst);
        }
        self.read_done.notify_waiters();
        // Each root is watched before it is read: a file written between
        // the read and the watch would be seen by neither. What changes
        // during the read is read again when it is installed.
        self.start_watching().await;
        let early = self
            .unwatched_roots
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
            .unwrap_or_default();
        mine.extend(early);
        let total = mine.len();
        // Roots are read side by side, as `specls check` reads them: one
        // root's listing and assembly run alone on a thread, and a tree of
        // many small roots left the other threads idle while each was read
        // in turn. The server's own watches (a second walk of every folder)
        // are placed on a thread of their own, a root at a time, each root
        // read once its watches are in place rather than after all of them.
        // Each root is installed as soon as it is read.
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let me = self.clone();
        tokio::task::spawn_blocking(move || {
            use rayon::iter::{ParallelBridge, ParallelIterator};
            let (watched, ready) = std::sync::mpsc::channel();
            std::thread::scope(|scope| {
                scope.spawn(move || {
                    for (i, root) in mine {
                        // A root whose watches could not be placed is
                        // still read, like one whose folder cannot be
                        // watched.
                        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            me.watch_root(&root)
                        }));
                        if watched.send((i, root)).is_err() {
                            break;
                        }
                    }
                });
                ready.into_iter().par_bridge().for_each_with(
                    tx,
                    |tx, (i, root): (usize, PathBuf)| {
                        let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            crate::host::index_root(&root)
                        }));
                        let _ = tx.send((i, root, read));
                    },
                );
            });
        });
        let mut k = 0;
        while let Some((i, root, read)) = rx.recv().await {
            k += 1;
            if let Some(p) = &progress {
                p.report(format!("{} ({k}/{total})", root.display()));
            }
            match read {
                Ok(ws) => self.install_root(i, ws),
                Err(_) => self.log(
                    MessageType::ERROR,
                    format!("specls: indexing {} failed", root.display()),
                ),
            }
        }
        let _ = tokio::task::spawn_blocking(super::memory::after_index).await;
        if let Some(p) = progress {
            p.finish("done");
        }
    }

    async fn load_root(self: &Arc<Self>, i: usize, root: PathBuf) {
        let ws = tokio::task::spawn_blocking(move || crate::host::index_root(&root)).await;
        match ws {
            Ok(ws) => self.install_root(i, ws),
            Err(e) => self.log(MessageType::ERROR, format!("specls: indexing failed: {e}")),
        }
    }

    fn install_root(self: &Arc<Self>, i: usize, ws: crate::host::Indexed) {
        self.with_state("indexing", |st| {
            st.host.install_indexed(i, ws);
            st.lens_stale = true;
        });
        self.read_done.notify_waiters();
        self.schedule();
    }

    /// For a document whose root is still being read: read first what its
    /// diagnostics need, so they arrive before the whole index.
    fn priority_read(self: &Arc<Self>, place: &Place) {
        let Some((root, dirs, unit)) = self.lock().host.priority_read(place) else {
            return;
        };
        let me = self.clone();
        let i = place.root;
        tokio::spawn(async move {
            let part =
                tokio::task::spawn_blocking(move || crate::host::read_dirs(&root, &dirs)).await;
            if let Ok(part) = part {
                me.with_state("indexing", |st| {
                    st.host.absorb_partial(i, part, unit);
                    st.lens_stale = true;
                });
                me.read_done.notify_waiters();
                me.publish().await;
            }
        });
    }

    async fn start_watching(self: &Arc<Self>) {
        let (dynamic, roots) = {
            let st = self.lock();
            (
                st.caps.watch_dynamic,
                st.host
                    .roots()
                    .iter()
                    .map(|r| r.path.clone())
                    .collect::<Vec<_>>(),
            )
        };
        if dynamic {
            // Not awaited here: the roots are read after this, and a client
            // slow to answer (or never answering) must not hold that up.
            // Should it refuse, the server's own watcher starts on every
            // root at once.
            let me = self.clone();
            tokio::spawn(async move {
                let asked = me.client.register_capability(vec![watch::registration()]);
                if let Some(Err(e)) = unless_ended(me.end.subscribe(), asked).await {
                    me.log(
                        MessageType::WARNING,
                        format!("specls: could not register file watching ({e}); watching with the file system instead"),
                    );
                    me.watch_files(&roots);
                }
            });
            return;
        }
        // Each root is added as the index reaches it (`watch_root`).
        self.watch_files(&[]);
    }

    /// Has the server's own watcher, if it runs, watch `root` too.
    fn watch_root(&self, root: &std::path::Path) {
        if let Some(w) = self
            .watcher
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_mut()
        {
            w.add(root);
        }
    }

    /// Watches `roots` with the server's own file-system watcher.
    fn watch_files(self: &Arc<Self>, roots: &[PathBuf]) {
        let me = self.clone();
        // The watcher calls back on its own thread, outside the runtime.
        let runtime = tokio::runtime::Handle::current();
        match watch::Fallback::start(roots, move |events| {
            let _in_runtime = runtime.enter();
            me.fs_events(events);
        }) {
            Ok(w) => {
                let mut slot = self.watcher.lock().unwrap_or_else(|e| e.into_inner());
                if !self.ended.load(Ordering::SeqCst) {
                    *slot = Some(w);
                }
            }
            Err(e) => self.log(
                MessageType::WARNING,
                format!("specls: cannot watch files ({e}); changes made outside the editor are seen when files are opened"),
            ),
        }
    }

    /// Asks the client for the `specls` settings section.
    async fn pull_settings(self: &Arc<Self>) {
        if !self.lock().caps.configuration {
            return;
        }
        let items = vec![ConfigurationItem {
            scope_uri: None,
            section: Some("specls".to_string()),
        }];
        let asked = self.client.configuration(items);
        if let Some(Ok(values)) = unless_ended(self.end.subscribe(), asked).await {
            // `null`: the client has no `specls` section (Helix answers so
            // when its settings are the initializationOptions themselves);
            // what initializationOptions said stands.
            if let Some(v) = values.into_iter().next().filter(|v| !v.is_null()) {
                self.apply_settings(&v);
            }
        }
    }

    fn apply_settings(self: &Arc<Self>, v: &Value) {
        match Config::from_json(v) {
            Ok(config) => {
                let sets_delay = v
                    .get("diagnostics")
                    .and_then(|d| d.get("delay-ms"))
                    .is_some();
                self.with_state("settings", |st| {
                    st.host.set_editor(EditorSettings { config, sets_delay });
                    st.republish_all();
                });
                self.schedule();
            }
            Err(e) => {
                let client = self.client.clone();
                tokio::spawn(async move {
                    client
                        .show_message(MessageType::ERROR, format!("specls: invalid settings: {e}"))
                        .await
                });
            }
        }
    }

    /// Waits (briefly, bounded) until what a request about `uri` reads has
    /// been read — for `None`, every root — so that a request made while
    /// the workspace is still being read is answered right, not empty.
    async fn inputs(&self, uri: Option<&Uri>) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        loop {
            let wait = self.read_done.notified();
            let ready = self.finding_roots.load(Ordering::SeqCst) == 0 && {
                let st = self.lock();
                match uri {
                    Some(u) => st.inputs_ready(u),
                    None => st.host.all_ready(),
                }
            };
            if ready || tokio::time::Instant::now() >= deadline {
                return;
            }
            let _ = tokio::time::timeout_at(deadline, wait).await;
        }
    }

    fn fs_events(self: &Arc<Self>, events: Vec<(PathBuf, FsChange)>) {
        if events.is_empty() {
            return;
        }
        self.with_state("file changes", |st| {
            st.files_changed(events);
            st.lens_stale = true;
        });
        self.schedule();
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let enc = convert::negotiate(&params.capabilities);
        let caps = capabilities::client_caps(&params.capabilities);
        let mut folders: Vec<PathBuf> = params
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|f| path_of(&f.uri))
            .collect();
        #[allow(deprecated)]
        if folders.is_empty() {
            if let Some(p) = params.root_uri.as_ref().and_then(path_of) {
                folders.push(p);
            }
        }
        *self.0.folders.lock().unwrap_or_else(|e| e.into_inner()) = folders;
        let options = params.initialization_options.unwrap_or(Value::Null);
        let settings = Config::from_json(&options);
        let sets_delay = options
            .get("diagnostics")
            .and_then(|d| d.get("delay-ms"))
            .is_some();
        self.0.with_state("initialize", |st| {
            st.host.set_encoding(enc);
            st.caps = caps.clone();
            if let Ok(c) = &settings {
                st.host.set_editor(EditorSettings {
                    config: c.clone(),
                    sets_delay,
                });
            }
        });
        if let Err(e) = settings {
            self.0.log(
                MessageType::ERROR,
                format!("specls: invalid initializationOptions, using defaults: {e}"),
            );
        }
        Ok(InitializeResult {
            capabilities: capabilities::server_caps(enc, &caps),
            server_info: Some(ServerInfo {
                name: "specls".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        let inner = self.0.clone();
        tokio::spawn(async move {
            inner.pull_settings().await;
        });
        self.0.finding_roots.fetch_add(1, Ordering::SeqCst);
        tokio::spawn(self.0.clone().index());
    }

    async fn shutdown(&self) -> Result<()> {
        self.0.lock().shut_down = true;
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let uri = doc.uri.clone();
        let place = self.0.with_state("didOpen", |st| {
            // A file outside the workspace folders still gets its own root.
            if let Some(path) = path_of(&uri) {
                if st.host.place_of(&path).is_none() {
                    if let Some((i, true)) = st.host.discover_root_for(&path) {
                        let root = st.host.roots()[i].path.clone();
                        let mut early = self
                            .0
                            .unwatched_roots
                            .lock()
                            .unwrap_or_else(|e| e.into_inner());
                        match early.as_mut() {
                            // The index reads it once watching has begun.
                            Some(list) => list.push((i, root)),
                            None => {
                                if let Some(w) = self
                                    .0
                                    .watcher
                                    .lock()
                                    .unwrap_or_else(|e| e.into_inner())
                                    .as_mut()
                                {
                                    w.add(&root);
                                }
                                let me = self.0.clone();
                                tokio::spawn(async move { me.load_root(i, root).await });
                            }
                        }
                    }
                }
            }
            let r = st.open(doc.uri, doc.text, doc.version);
            memory::large_open(st.large_open());
            r
        });
        match place {
            Some(Ok(Some(place))) => self.0.priority_read(&place),
            Some(Err(e)) => self.0.log(MessageType::WARNING, format!("specls: {e}")),
            _ => {}
        }
        self.0.schedule();
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let id = params.text_document;
        let result = self.0.with_state("didChange", |st| {
            let started = std::time::Instant::now();
            let r = st.change(&id.uri, id.version, params.content_changes);
            code_lens::note_edit(st, &id.uri);
            if let Some(t) = &mut st.timing {
                *t += started.elapsed();
            }
            memory::large_open(st.large_open());
            r
        });
        if let Some(Err(e)) = result {
            self.0.log(MessageType::WARNING, format!("specls: {e}"));
        }
        self.0.schedule();
    }

    async fn did_save(&self, _: DidSaveTextDocumentParams) {}

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let clear_now = self
            .0
            .with_state("didClose", |st| {
                let other_name = st.close(&uri);
                memory::large_open(st.large_open());
                other_name && !st.caps.pull_diagnostics
            })
            .unwrap_or(false);
        // Otherwise the next push sends what the file on disk has, or
        // clears it (see `State::closed_pushes`).
        if clear_now {
            self.0
                .client
                .publish_diagnostics(uri, Vec::new(), None)
                .await;
        }
        self.0.schedule();
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let events = params
            .changes
            .into_iter()
            .filter_map(|e| {
                let kind = match e.typ {
                    FileChangeType::CREATED => FsChange::Created,
                    FileChangeType::DELETED => FsChange::Deleted,
                    _ => FsChange::Changed,
                };
                Some((path_of(&e.uri)?, kind))
            })
            .collect();
        self.0.fs_events(events);
    }

    async fn did_create_files(&self, params: CreateFilesParams) {
        let events = params
            .files
            .iter()
            .filter_map(|f| Some((path_of(&f.uri.parse().ok()?)?, FsChange::Created)))
            .collect();
        self.0.fs_events(events);
    }

    async fn did_rename_files(&self, params: RenameFilesParams) {
        let mut events = Vec::new();
        for f in &params.files {
            if let Some(p) = f.old_uri.parse().ok().as_ref().and_then(path_of) {
                events.push((p, FsChange::Deleted));
            }
            if let Some(p) = f.new_uri.parse().ok().as_ref().and_then(path_of) {
                events.push((p, FsChange::Created));
            }
        }
        self.0.fs_events(events);
    }

    async fn did_delete_files(&self, params: DeleteFilesParams) {
        let events = params
            .files
            .iter()
            .filter_map(|f| Some((path_of(&f.uri.parse().ok()?)?, FsChange::Deleted)))
            .collect();
        self.0.fs_events(events);
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        // Clients that cannot be asked send the settings along; those that
        // can often send nothing useful, so they are asked.
        if !self.0.lock().caps.configuration {
            if let Some(v) = params.settings.get("specls") {
                self.0.apply_settings(v);
            }
            return;
        }
        let inner = self.0.clone();
        tokio::spawn(async move { inner.pull_settings().await });
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        let removed: Vec<PathBuf> = params
            .event
            .removed
            .iter()
            .filter_map(|f| path_of(&f.uri))
            .collect();
        if !removed.is_empty() {
            self.0.with_state("didChangeWorkspaceFolders", |st| {
                for f in &removed {
                    st.host.remove_folder(f);
                }
            });
        }
        let added: Vec<PathBuf> = params
            .event
            .added
            .iter()
            .filter_map(|f| path_of(&f.uri))
            .collect();
        if added.is_empty() {
            return;
        }
        *self.0.folders.lock().unwrap_or_else(|e| e.into_inner()) = added;
        self.0.finding_roots.fetch_add(1, Ordering::SeqCst);
        tokio::spawn(self.0.clone().index());
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        let uri = params.text_document.uri;
        let previous = params.previous_result_id;
        self.0.inputs(Some(&uri)).await;
        let ((result_id, items), refresh) = self.0.request("textDocument/diagnostic", |st| {
            let started = std::time::Instant::now();
            let mut changed = st.host.recheck();
            st.mark_pulled(&uri);
            // This pull answers for its own document.
            if let Some(p) = st.open_place(&uri) {
                changed.remove(&p);
            }
            let refresh = st.caps.diagnostic_refresh && st.pulls_outdated(&changed);
            let report = st.doc_report(&uri, previous.as_deref());
            st.host.release_texts();
            st.report_timing(started);
            (report, refresh)
        })?;
        self.0.reparse_later(path_of(&uri));
        if refresh {
            let (client, end) = (self.0.client.clone(), self.0.end.subscribe());
            tokio::spawn(async move {
                let _ = unless_ended(end, client.workspace_diagnostic_refresh()).await;
            });
        }
        let report = match (items, result_id) {
            (None, Some(id)) => {
                DocumentDiagnosticReport::Unchanged(RelatedUnchangedDocumentDiagnosticReport {
                    related_documents: None,
                    unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport {
                        result_id: id,
                    },
                })
            }
            (items, result_id) => {
                DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
                    related_documents: None,
                    full_document_diagnostic_report: FullDocumentDiagnosticReport {
                        result_id,
                        items: items.unwrap_or_default(),
                    },
                })
            }
        };
        Ok(DocumentDiagnosticReportResult::Report(report))
    }

    async fn workspace_diagnostic(
        &self,
        params: WorkspaceDiagnosticParams,
    ) -> Result<WorkspaceDiagnosticReportResult> {
        // Every root read first, within bounds: a report from a half-read
        // workspace would be taken for the whole and cleared next time.
        self.0.inputs(None).await;
        let (items, refresh) = self.0.request("workspace/diagnostic", |st| {
            let changed = st.host.recheck();
            let refresh = st.caps.diagnostic_refresh && st.pulls_outdated(&changed);
            let report = st.workspace_report(&params.previous_result_ids);
            st.host.release_texts();
            (report, refresh)
        })?;
        if refresh {
            let (client, end) = (self.0.client.clone(), self.0.end.subscribe());
            tokio::spawn(async move {
                let _ = unless_ended(end, client.workspace_diagnostic_refresh()).await;
            });
        }
        Ok(WorkspaceDiagnosticReportResult::Report(
            WorkspaceDiagnosticReport { items },
        ))
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let uri = params
            .text_document_position_params
            .text_document
            .uri
            .clone();
        self.0
            .read("textDocument/definition", Some(uri), Wait::Doc, |v| {
                features::definition(v, params)
            })
            .await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let uri = params.text_document_position.text_document.uri.clone();
        self.0
            .read("textDocument/references", Some(uri), Wait::Doc, |v| {
                features::references(v, params)
            })
            .await
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let uri = params
            .text_document_position_params
            .text_document
            .uri
            .clone();
        self.0
            .read("textDocument/hover", Some(uri), Wait::Doc, |v| {
                features::hover(v, params)
            })
            .await
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        let uri = params.text_document.uri.clone();
        self.0
            .read("textDocument/documentSymbol", Some(uri), Wait::Doc, |v| {
                features::document_symbols(v, params)
            })
            .await
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        self.0
            .read("workspace/symbol", None, Wait::All, |v| {
                features::workspace_symbols(v, params)
            })
            .await
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        let uri = params.text_document.uri.clone();
        self.0
            .read("textDocument/foldingRange", Some(uri), Wait::No, |v| {
                features::folding(v, params)
            })
            .await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri.clone();
        self.0
            .read("textDocument/codeAction", Some(uri), Wait::Doc, |v| {
                actions::code_actions(v, params)
            })
            .await
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        let uri = params.text_document.uri.clone();
        self.0
            .read("textDocument/prepareRename", Some(uri), Wait::Doc, |v| {
                rename::prepare(v, params)
            })
            .await
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let uri = params.text_document_position.text_document.uri.clone();
        // Links anywhere in the workspace follow a rename.
        self.0
            .read("textDocument/rename", Some(uri), Wait::All, |v| {
                rename::rename(v, params)
            })
            .await?
            .map_err(Error::invalid_params)
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let uri = params.text_document_position.text_document.uri.clone();
        self.0
            .read("textDocument/completion", Some(uri), Wait::Doc, |v| {
                super::completion::completion(v, params)
            })
            .await
    }

    async fn document_link(&self, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
        let uri = params.text_document.uri.clone();
        self.0
            .read("textDocument/documentLink", Some(uri), Wait::Doc, |v| {
                features::links(v, params)
            })
            .await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        let uri = params.text_document.uri.clone();
        self.0
            .read("textDocument/codeLens", Some(uri), Wait::Doc, |v| {
                code_lens::code_lens(v, params)
            })
            .await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let uri = params.text_document.uri.clone();
        self.0
            .read("textDocument/inlayHint", Some(uri), Wait::Doc, |v| {
                inlay::inlay_hints(v, params)
            })
            .await
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        let uri = params.text_document.uri.clone();
        self.0
            .read(
                "textDocument/semanticTokens/full",
                Some(uri),
                Wait::Doc,
                |v| semantic::semantic_tokens_full(v, params),
            )
            .await
    }

    async fn semantic_tokens_range(
        &self,
        params: SemanticTokensRangeParams,
    ) -> Result<Option<SemanticTokensRangeResult>> {
        let uri = params.text_document.uri.clone();
        self.0
            .read(
                "textDocument/semanticTokens/range",
                Some(uri),
                Wait::Doc,
                |v| semantic::semantic_tokens_range(v, params),
            )
            .await
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<Value>> {
        match params.command.as_str() {
            commands::TASK_GRAPH => {
                let uri = commands::command_uri(&params);
                self.0
                    .read("workspace/executeCommand", uri, Wait::Doc, move |v| {
                        commands::task_graph(v, &params)
                    })
                    .await?
                    .map(Some)
                    .map_err(Error::invalid_params)
            }
            other => Err(Error::invalid_params(format!(
                "unknown command \"{other}\""
            ))),
        }
    }
}
