//! What the protocol side keeps beside the host: the client's capabilities,
//! the URI each open document was opened with, what each was last sent or
//! pulled, and the views that read-only requests answer from. The engine
//! itself (roots, open texts, re-checking) is [`crate::host`], which knows
//! files by path; this module turns URIs into paths and back. Every change
//! happens under one lock, synchronously, in the order the client sent the
//! notifications; nothing in here awaits.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tower_lsp_server::ls_types::{self as lsp, Uri};

use super::convert;
use crate::host::{DocView, Host, Snapshot, TextChange};
pub use crate::host::{FsChange, Place};
use crate::text::document::Encoding;
use crate::workspace::Workspace;

/// What the client can do, from `initialize`.
#[derive(Clone, Debug, Default)]
pub struct ClientCaps {
    pub pull_diagnostics: bool,
    pub diagnostic_refresh: bool,
    pub progress: bool,
    pub watch_dynamic: bool,
    pub configuration: bool,
    /// `workspace.codeLens.refreshSupport`.
    pub code_lens_refresh: bool,
    /// `workspace.workspaceEdit.documentChanges`: versioned edits.
    pub document_changes: bool,
    /// `textDocument.rename.prepareSupport`.
    pub prepare_rename: bool,
    pub completion_snippets: bool,
    pub completion_label_details: bool,
}

/// What the client was told about one open document.
#[derive(Default)]
struct Sent {
    /// The version a pulling client last received diagnostics for.
    pulled: Option<i32>,
    /// The version whose diagnostics were last pushed.
    published: Option<i32>,
}

pub struct State {
    pub host: Host,
    pub caps: ClientCaps,
    /// The URI each open document was opened with, by the path the host
    /// knows it by; shared with the views taken since the last open or
    /// close.
    uris: Arc<HashMap<PathBuf, Uri>>,
    sent: HashMap<PathBuf, Sent>,
    /// Closed files whose last push had diagnostics: what a pushing client
    /// shows for files that are not open, and must be told to clear.
    shown_closed: HashSet<Place>,
    /// Files closed since the last push: their diagnostics go back to
    /// those of the file on disk (or away, without workspace diagnostics).
    closed_since: HashSet<Place>,
    /// The severities changed: every closed file's push is out of date.
    push_all_closed: bool,
    /// Set by `shutdown`; `exit` without it ends with status 1.
    pub shut_down: bool,
    /// The settings changed since the last diagnostics pass: every report
    /// a pulling client holds may have other severities now.
    pub reports_outdated: bool,
    /// With `SPECLS_TIMING=1`: time spent on edits whose diagnostics are
    /// not computed yet (see `report_timing`).
    pub timing: Option<std::time::Duration>,
    /// A file other files' code lenses count from changed since the client
    /// was last asked to refresh them.
    pub lens_stale: bool,
}

/// One document's diagnostics, ready to send.
pub struct Publish {
    pub uri: Uri,
    pub version: Option<i32>,
    pub diagnostics: Vec<lsp::Diagnostic>,
}

impl Default for State {
    fn default() -> State {
        State {
            host: Host::default(),
            caps: ClientCaps::default(),
            uris: Arc::default(),
            sent: HashMap::new(),
            shown_closed: HashSet::new(),
            closed_since: HashSet::new(),
            push_all_closed: false,
            shut_down: false,
            reports_outdated: false,
            timing: (std::env::var("SPECLS_TIMING").as_deref() == Ok("1"))
                .then_some(std::time::Duration::ZERO),
            lens_stale: false,
        }
    }
}

/// The path the host knows the file of `uri` by; `None` for a URI that
/// names no file (`untitled:`), which the server leaves alone.
pub fn path_of(uri: &Uri) -> Option<PathBuf> {
    uri.to_file_path().map(|p| p.into_owned())
}

impl State {
    /// A view of the state for a read-only request: a few pointer clones.
    pub fn view(&mut self) -> View {
        View {
            snap: self.host.snapshot(),
            uris: self.uris.clone(),
            caps: self.caps.clone(),
            cancel: Arc::default(),
        }
    }

    /// The version of the open document `uri`, if it is open.
    pub fn version_of(&self, uri: &Uri) -> Option<i32> {
        self.host.doc(&path_of(uri)?).map(|d| d.doc.version)
    }

    /// Opens a document. A second URI for a file already open (another
    /// spelling of its path, or a path through a linked folder) is refused:
    /// the host keeps one text per file, and the client keeps one buffer
    /// per URI, so edits through both would each land on text the client
    /// never had under that URI. The refusal is returned for the log; the
    /// alias's later changes and close are ignored.
    pub fn open(&mut self, uri: Uri, text: String, version: i32) -> Result<Option<Place>, String> {
        let Some(path) = path_of(&uri) else {
            return Ok(None);
        };
        let first = match self.uris.get(&path) {
            Some(open) if *open != uri => Some(open.clone()),
            Some(_) => None,
            None => self.host.place_of(&path).and_then(|place| {
                let (other, _) = self.host.open_doc_at(&place)?;
                self.uris.get(other).cloned()
            }),
        };
        if let Some(first) = first {
            return Err(format!(
                "didOpen of {} ignored: the same file is open as {}; its changes are ignored until it is closed and opened again",
                uri.as_str(),
                first.as_str()
            ));
        }
        Arc::make_mut(&mut self.uris).insert(path.clone(), uri);
        self.sent.insert(path.clone(), Sent::default());
        Ok(self.host.open(path, text, version))
    }

    /// The path of `uri` if it is open under that very URI (not an alias
    /// that was refused).
    fn own_path(&self, uri: &Uri) -> Option<PathBuf> {
        let path = path_of(uri)?;
        (self.uris.get(&path) == Some(uri)).then_some(path)
    }

    /// Applies one `didChange`. Edits come in order (see the module docs of
    /// `lsp`); a version that does not increase means the client and the
    /// server disagree about the text, and is refused.
    pub fn change(
        &mut self,
        uri: &Uri,
        version: i32,
        changes: Vec<lsp::TextDocumentContentChangeEvent>,
    ) -> Result<(), String> {
        if path_of(uri).is_none() {
            return Ok(());
        }
        let Some(path) = self.own_path(uri) else {
            return Err(format!(
                "didChange for {}, which is not open under that URI; ignored",
                uri.as_str()
            ));
        };
        let changes = changes
            .into_iter()
            .map(|ch| TextChange {
                range: ch
                    .range
                    .map(|r| (convert::position_in(r.start), convert::position_in(r.end))),
                text: ch.text,
            })
            .collect();
        self.host
            .change(&path, version, changes)
            .map_err(|e| format!("didChange for {}: {e}", uri.as_str()))
    }

    /// Forgets a document; the index goes back to the file on disk. Returns
    /// whether the client must be told at once to clear what it shows under
    /// `uri`: later pushes for the closed file name it by the path under its
    /// root, which may be another spelling of it.
    pub fn close(&mut self, uri: &Uri) -> bool {
        let Some(path) = self.own_path(uri) else {
            return false;
        };
        Arc::make_mut(&mut self.uris).remove(&path);
        self.sent.remove(&path);
        let place = self.host.close(&path).and_then(|open| open.place);
        match place {
            Some(place) => {
                let same = Uri::from_file_path(self.host.path_at(&place)).as_ref() == Some(uri);
                // What it showed while open is now shown for a closed file.
                self.shown_closed.insert(place.clone());
                self.closed_since.insert(place);
                !same
            }
            None => true,
        }
    }

    /// Applies files changed on disk.
    pub fn files_changed(&mut self, events: Vec<(PathBuf, FsChange)>) {
        if self.host.files_changed(events) {
            self.republish_all();
        }
    }

    /// Sends every open document's diagnostics again (settings changed).
    pub fn republish_all(&mut self) {
        for s in self.sent.values_mut() {
            s.published = None;
        }
        self.push_all_closed = true;
        self.reports_outdated = true;
    }

    /// An open document's diagnostics in protocol form.
    pub fn doc_diagnostics(&self, uri: &Uri) -> Vec<lsp::Diagnostic> {
        path_of(uri)
            .map(|p| self.diagnostics_at(&p))
            .unwrap_or_default()
    }

    fn diagnostics_at(&self, path: &Path) -> Vec<lsp::Diagnostic> {
        let Some(open) = self.host.doc(path) else {
            return Vec::new();
        };
        let Some(place) = &open.place else {
            return Vec::new();
        };
        let file = self.host.roots().get(place.root);
        let Some(file) = file.and_then(|r| r.ws.file(&place.rel)) else {
            return Vec::new();
        };
        self.host
            .file_diagnostics(place)
            .iter()
            .map(|d| convert::diagnostic(d, file, self.host.encoding()))
            .collect()
    }

    /// The documents whose pushed diagnostics are out of date: their
    /// diagnostics changed, or their version did.
    pub fn pending_pushes(&mut self, changed: &HashSet<Place>) -> Vec<Publish> {
        let mut out = Vec::new();
        for (path, uri) in self.uris.iter() {
            let Some(open) = self.host.doc(path) else {
                continue;
            };
            let Some(place) = &open.place else {
                continue;
            };
            if !self.host.place_ready(place) {
                continue;
            }
            let version = open.doc.version;
            let sent = self.sent.entry(path.clone()).or_default();
            if sent.published == Some(version) && !changed.contains(place) {
                continue;
            }
            sent.published = Some(version);
            out.push(Publish {
                diagnostics: Vec::new(),
                uri: uri.clone(),
                version: Some(version),
            });
        }
        for p in &mut out {
            p.diagnostics = self.doc_diagnostics(&p.uri);
        }
        out.extend(self.closed_pushes(changed));
        out
    }

    /// The pushes for files that are not open: those whose diagnostics
    /// changed, were just closed, or (after a settings change) are shown.
    /// Without workspace diagnostics (`diagnostics.workspace = false`)
    /// they only clear what the client still shows.
    fn closed_pushes(&mut self, changed: &HashSet<Place>) -> Vec<Publish> {
        let mut places: HashSet<Place> = changed.clone();
        places.extend(self.closed_since.iter().cloned());
        if std::mem::take(&mut self.push_all_closed) {
            places.extend(self.shown_closed.iter().cloned());
            for (i, root) in self.host.roots().iter().enumerate() {
                if !root.retired {
                    places.extend(
                        self.host
                            .root_diagnostics(i)
                            .into_keys()
                            .map(|rel| Place { root: i, rel }),
                    );
                }
            }
        }
        let mut out = Vec::new();
        let mut places: Vec<Place> = places.into_iter().collect();
        places.sort_by(|a, b| (a.root, &a.rel).cmp(&(b.root, &b.rel)));
        for place in places {
            if self.host.open_doc_at(&place).is_some() {
                self.closed_since.remove(&place);
                continue;
            }
            // A root still being read has only some of its diagnostics;
            // the pass after the read sends the rest.
            if !self.host.place_ready(&place) {
                continue;
            }
            self.closed_since.remove(&place);
            let diagnostics = if self.host.config(place.root).workspace_diagnostics() {
                self.closed_diagnostics(&place)
            } else {
                Vec::new()
            };
            if diagnostics.is_empty() {
                if !self.shown_closed.remove(&place) {
                    continue;
                }
            } else {
                self.shown_closed.insert(place.clone());
            }
            let Some(uri) = Uri::from_file_path(self.host.path_at(&place)) else {
                continue;
            };
            out.push(Publish {
                uri,
                version: None,
                diagnostics,
            });
        }
        out
    }

    /// The diagnostics of a file that is not open, in protocol form.
    fn closed_diagnostics(&self, place: &Place) -> Vec<lsp::Diagnostic> {
        let Some(file) = self.host.roots()[place.root].ws.file(&place.rel) else {
            return Vec::new();
        };
        self.host
            .file_diagnostics(place)
            .iter()
            .map(|d| convert::diagnostic(d, file, self.host.encoding()))
            .collect()
    }

    /// Whether everything the diagnostics of `uri` depend on has been read.
    pub fn inputs_ready(&self, uri: &Uri) -> bool {
        path_of(uri).is_none_or(|p| self.host.inputs_ready(&p))
    }

    /// With `SPECLS_TIMING=1`, writes to stderr the server's own work from
    /// the edits since the last diagnostics to these (applying the edits,
    /// re-reading, re-checking), leaving out time spent waiting for the
    /// client: what the replay benchmark reports as server work.
    pub fn report_timing(&mut self, started: std::time::Instant) {
        if let Some(t) = &mut self.timing {
            if !t.is_zero() {
                eprintln!(
                    "specls-timing edit-to-diagnostics-us {}",
                    (*t + started.elapsed()).as_micros()
                );
                *t = std::time::Duration::ZERO;
            }
        }
    }

    /// Whether a pulling client holds diagnostics that `changed` made out
    /// of date without the document changing: only then must it be told
    /// to pull again (an edited document is pulled anyway).
    pub fn pulls_outdated(&self, changed: &HashSet<Place>) -> bool {
        self.sent.iter().any(|(path, s)| {
            self.host.doc(path).is_some_and(|d| {
                s.pulled == Some(d.doc.version)
                    && d.place.as_ref().is_some_and(|p| changed.contains(p))
            })
        })
    }

    /// A pull of the open document `uri`: the id of its diagnostics, and
    /// the diagnostics unless the client already holds that id.
    pub fn doc_report(
        &self,
        uri: &Uri,
        previous: Option<&str>,
    ) -> (Option<String>, Option<Vec<lsp::Diagnostic>>) {
        let Some(place) = self.open_place(uri) else {
            return (None, Some(Vec::new()));
        };
        let diags = self.host.file_diagnostics(&place);
        let id = self.host.report_id(&place, &diags);
        if previous == Some(id.as_str()) {
            return (Some(id), None);
        }
        (Some(id), Some(self.doc_diagnostics(uri)))
    }

    /// A workspace pull: every file with diagnostics, in full unless the
    /// client already holds its id, and an empty report for each file the
    /// client holds diagnostics for that has none now. Open documents are
    /// reported with their version; roots with `diagnostics.workspace =
    /// false` report nothing.
    pub fn workspace_report(
        &self,
        previous: &[lsp::PreviousResultId],
    ) -> Vec<lsp::WorkspaceDocumentDiagnosticReport> {
        let mut held: HashMap<Place, (&Uri, &str)> = previous
            .iter()
            .filter_map(|p| {
                let place = self.host.place_of(&path_of(&p.uri)?)?;
                Some((place, (&p.uri, p.value.as_str())))
            })
            .collect();
        let mut out = Vec::new();
        for (i, root) in self.host.roots().iter().enumerate() {
            if root.retired || !self.host.config(i).workspace_diagnostics() {
                continue;
            }
            for (rel, diags) in self.host.root_diagnostics(i) {
                let place = Place { root: i, rel };
                if !self.host.place_ready(&place) {
                    continue;
                }
                let (uri, version) = match self.host.open_doc_at(&place) {
                    Some((path, open)) => (
                        self.uris.get(path).cloned(),
                        Some(i64::from(open.doc.version)),
                    ),
                    None => (Uri::from_file_path(self.host.path_at(&place)), None),
                };
                let Some(uri) = uri else { continue };
                let id = self.host.report_id(&place, &diags);
                let before = held.remove(&place).map(|(_, v)| v);
                if before == Some(id.as_str()) {
                    out.push(lsp::WorkspaceDocumentDiagnosticReport::Unchanged(
                        lsp::WorkspaceUnchangedDocumentDiagnosticReport {
                            uri,
                            version,
                            unchanged_document_diagnostic_report:
                                lsp::UnchangedDocumentDiagnosticReport { result_id: id },
                        },
                    ));
                    continue;
                }
                let file = &root.ws.file(&place.rel);
                let items = file.map_or_else(Vec::new, |file| {
                    diags
                        .iter()
                        .map(|d| convert::diagnostic(d, file, self.host.encoding()))
                        .collect()
                });
                out.push(full_report(uri, version, id, items));
            }
        }
        // What the client holds for files that now have nothing; an open
        // document's own pull answers for it.
        let mut gone: Vec<(Place, (&Uri, &str))> = held
            .into_iter()
            .filter(|(place, (_, id))| *id != "none" && self.host.open_doc_at(place).is_none())
            .collect();
        gone.sort_by(|a, b| (a.0.root, &a.0.rel).cmp(&(b.0.root, &b.0.rel)));
        for (_, (uri, _)) in gone {
            out.push(full_report(
                uri.clone(),
                None,
                "none".to_string(),
                Vec::new(),
            ));
        }
        out
    }

    /// Records that a pulling client now has `uri`'s current diagnostics.
    pub fn mark_pulled(&mut self, uri: &Uri) {
        let Some(path) = path_of(uri) else {
            return;
        };
        let version = self.host.doc(&path).map(|d| d.doc.version);
        if let Some(s) = self.sent.get_mut(&path) {
            s.pulled = version;
        }
    }

    /// The text and version of the document open under `uri` itself.
    pub fn open_text(&self, uri: &Uri) -> Option<(String, i32)> {
        let doc = &self.host.doc(&self.own_path(uri)?)?.doc;
        Some((doc.text(), doc.version))
    }

    /// Whether a document of [`super::memory::LARGE`] bytes or more is
    /// open.
    pub fn large_open(&self) -> bool {
        self.host
            .docs()
            .any(|(_, d)| d.doc.len_bytes() >= super::memory::LARGE)
    }

    /// The place of the open document `uri`.
    pub fn open_place(&self, uri: &Uri) -> Option<Place> {
        self.host.doc(&path_of(uri)?)?.place.clone()
    }
}

fn full_report(
    uri: Uri,
    version: Option<i64>,
    id: String,
    items: Vec<lsp::Diagnostic>,
) -> lsp::WorkspaceDocumentDiagnosticReport {
    lsp::WorkspaceDocumentDiagnosticReport::Full(lsp::WorkspaceFullDocumentDiagnosticReport {
        uri,
        version,
        full_document_diagnostic_report: lsp::FullDocumentDiagnosticReport {
            result_id: Some(id),
            items,
        },
    })
}

/// What a read-only request answers from: a snapshot of the host and the
/// client's names for its open documents, as they were when it was taken.
/// It is `Send` and owns everything it shows, so the work runs anywhere,
/// without the state lock.
pub struct View {
    pub snap: Arc<Snapshot>,
    uris: Arc<HashMap<PathBuf, Uri>>,
    pub caps: ClientCaps,
    /// Set when the request reading this view is cancelled.
    pub cancel: Arc<Cancel>,
}

/// A request's cancellation, shared between its handler (which sets it
/// when the client cancels and the handler is dropped) and the blocking
/// work on its view (which checks it between pieces of work).
#[derive(Default)]
pub struct Cancel {
    requested: AtomicBool,
    /// Whether the work saw the request and stopped short.
    seen: AtomicBool,
}

impl Cancel {
    pub fn request(&self) {
        self.requested.store(true, Ordering::SeqCst);
    }

    /// Whether the work stopped short because of a cancellation.
    pub fn stopped(&self) -> bool {
        self.seen.load(Ordering::SeqCst)
    }
}

impl View {
    /// Whether the request was cancelled: long work checks it between
    /// pieces and stops, since nobody reads its answer.
    pub fn cancelled(&self) -> bool {
        let c = self.cancel.requested.load(Ordering::Relaxed);
        if c {
            self.cancel.seen.store(true, Ordering::SeqCst);
        }
        c
    }

    pub fn encoding(&self) -> Encoding {
        self.snap.encoding
    }

    /// The open document `uri`.
    pub fn doc(&self, uri: &Uri) -> Option<&DocView> {
        self.snap.doc(&path_of(uri)?)
    }

    /// The version of the open document `uri`.
    pub fn version_of(&self, uri: &Uri) -> Option<i32> {
        self.snap.version(&path_of(uri)?)
    }

    /// Where the file of `uri` sits, open or not.
    pub fn uri_place(&self, uri: &Uri) -> Option<Place> {
        self.snap.place_of_file(&path_of(uri)?)
    }

    pub fn ws(&self, root: usize) -> Option<&Workspace> {
        self.snap.ws(root)
    }

    pub fn open_doc_at(&self, place: &Place) -> Option<&DocView> {
        self.snap.open_doc_at(place).map(|(_, d)| d)
    }

    /// The URI the client knows a file by: an open document's own, else
    /// built from the root as the client spells it.
    pub fn uri_of(&self, root: usize, rel: &str) -> Option<Uri> {
        let path = self.snap.path_of(root, rel)?;
        match self.uris.get(&path) {
            Some(uri) => Some(uri.clone()),
            None => Uri::from_file_path(path),
        }
    }
}
