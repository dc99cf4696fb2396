//! What the server knows: the workspace roots with their indexes and
//! diagnostics, and the documents open in the editor. Every change to it
//! happens under one lock, synchronously, in the order the client sent the
//! notifications; nothing in here awaits.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use tower_lsp_server::ls_types::{self as lsp, Uri};
use tree_sitter::{Parser, Tree};

use super::convert;
use crate::config::Config;
use crate::rules::{self, deps, Diagnostic, Scope};
use crate::text::document::{Document, Encoding};
use crate::workspace::discover::{self, rel_under};
use crate::workspace::{Unit, Workspace};

/// Where a document sits: a root, and its path relative to that root.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Place {
    pub root: usize,
    pub rel: String,
}

pub struct OpenDoc {
    pub doc: Document,
    /// The tree-sitter block tree. Every change edits it (`InputEdit`) at
    /// once; the incremental reparse runs right after the diagnostics of
    /// that change are out, or sooner if a request needs the tree.
    pub tree: Option<Tree>,
    /// Edited but not reparsed yet.
    pub tree_stale: bool,
    /// The version a pulling client last received diagnostics for.
    pub pulled: Option<i32>,
    /// `None` for a file outside every OpenSpec workspace.
    pub place: Option<Place>,
    /// The version whose diagnostics were last pushed.
    pub published: Option<i32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RootStatus {
    /// Only what open documents need has been read (see `priority_dirs`).
    Partial,
    Ready,
}

pub struct Root {
    /// Canonical.
    pub path: PathBuf,
    /// The same folder as the client spells it (through a link, say), for
    /// matching its URIs and answering in its terms.
    pub alias: Option<PathBuf>,
    pub ws: Workspace,
    pub status: RootStatus,
    /// Units whose inputs are complete while the root is still partial.
    pub ready_units: HashSet<Unit>,
    /// `specls.toml`, or the default when it is missing or invalid.
    pub toml: Config,
    pub toml_error: Option<String>,
    /// Diagnostics per unit, with default severities.
    pub diags: HashMap<Unit, Vec<Diagnostic>>,
    pub dirty: HashSet<Unit>,
    pub all_dirty: bool,
    /// Files changed on disk while the root was being read: the read may
    /// have seen them before the change, so they are read again when it is
    /// installed.
    pub changed_while_reading: HashSet<String>,
    /// Its workspace folder was removed: it holds nothing and matches no
    /// file until a folder holding it is added again. (Roots are never
    /// taken out of the list, since places name them by index.)
    pub retired: bool,
}

impl Root {
    fn new(path: PathBuf, alias: Option<PathBuf>) -> Root {
        let (toml, toml_error) = match Config::load(&path) {
            Ok(c) => (c, None),
            Err(e) => (Config::default(), Some(e)),
        };
        Root {
            ws: Workspace::empty(&path),
            path,
            alias,
            status: RootStatus::Partial,
            ready_units: HashSet::new(),
            toml,
            toml_error,
            diags: HashMap::new(),
            dirty: HashSet::new(),
            all_dirty: false,
            changed_while_reading: HashSet::new(),
            retired: false,
        }
    }

    fn base(&self) -> &Path {
        self.alias.as_deref().unwrap_or(&self.path)
    }

    pub fn reload_toml(&mut self) {
        match Config::load(&self.path) {
            Ok(c) => {
                self.toml = c;
                self.toml_error = None;
            }
            Err(e) => {
                self.toml = Config::default();
                self.toml_error = Some(e);
            }
        }
    }

    fn mark(&mut self, rel: &str, structural: bool) {
        if structural {
            self.all_dirty = true;
        } else {
            self.dirty.extend(deps::dependents(&self.ws, rel));
        }
    }

    fn computable(&self, unit: &Unit) -> bool {
        self.status == RootStatus::Ready || self.ready_units.contains(unit)
    }
}

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

/// Settings from the editor, layered over each root's `specls.toml`.
#[derive(Clone, Debug, Default)]
pub struct EditorSettings {
    pub config: Config,
    pub sets_delay: bool,
}

pub struct State {
    pub encoding: Encoding,
    pub caps: ClientCaps,
    pub editor: EditorSettings,
    pub roots: Vec<Root>,
    pub docs: HashMap<Uri, OpenDoc>,
    /// Steps of every root, for completion.
    pub steps: crate::ide::steps::StepIndex,
    parser: Parser,
    /// Set by `shutdown`; `exit` without it ends with status 1.
    pub shut_down: bool,
    /// The settings changed since the last diagnostics pass: every report
    /// a pulling client holds may have other severities now.
    pub reports_outdated: bool,
    /// With `SPECLS_TIMING=1`: time spent on edits whose diagnostics are
    /// not computed yet (see `Inner::timed`).
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
            encoding: Encoding::Utf16,
            caps: ClientCaps::default(),
            editor: EditorSettings::default(),
            roots: Vec::new(),
            docs: HashMap::new(),
            steps: Default::default(),
            parser: crate::syntax::tree::block_parser(),
            shut_down: false,
            reports_outdated: false,
            timing: (std::env::var("SPECLS_TIMING").as_deref() == Ok("1"))
                .then_some(std::time::Duration::ZERO),
            lens_stale: false,
        }
    }
}

impl State {
    /// The root and relative path of a file, if it is in a known root.
    /// Files directly under the root count (`specls.toml`); the index only
    /// holds files under `openspec/`.
    pub fn place_of(&self, path: &Path) -> Option<Place> {
        let find = |p: &Path| {
            // The deepest root wins when roots nest.
            self.roots
                .iter()
                .enumerate()
                .filter(|(_, r)| !r.retired)
                .filter_map(|(i, r)| {
                    let rel =
                        rel_under(p, &r.path).or_else(|| rel_under(p, r.alias.as_deref()?))?;
                    Some((r.path.components().count(), Place { root: i, rel }))
                })
                .max_by_key(|(depth, _)| *depth)
                .map(|(_, place)| place)
        };
        if let Some(p) = find(path) {
            return Some(p);
        }
        // Through links: the folder may exist even when the file does not.
        let parent = std::fs::canonicalize(path.parent()?).ok()?;
        find(&parent.join(path.file_name()?))
    }

    pub fn uri_place(&self, uri: &Uri) -> Option<Place> {
        self.place_of(&uri.to_file_path()?)
    }

    /// The URI the client knows a file by: an open document's own, else
    /// built from the root as the client spells it.
    pub fn uri_of(&self, root: usize, rel: &str) -> Option<Uri> {
        let here = Place {
            root,
            rel: rel.to_string(),
        };
        if let Some((uri, _)) = self
            .docs
            .iter()
            .find(|(_, d)| d.place.as_ref() == Some(&here))
        {
            return Some(uri.clone());
        }
        let mut path = self.roots.get(root)?.base().to_path_buf();
        path.extend(rel.split('/'));
        Uri::from_file_path(path)
    }

    pub fn open_doc_at(&self, place: &Place) -> Option<&OpenDoc> {
        self.docs.values().find(|d| d.place.as_ref() == Some(place))
    }

    /// Registers a root (once); returns its index and whether it is new.
    pub fn add_root(&mut self, path: PathBuf, alias: Option<PathBuf>) -> (usize, bool) {
        if let Some(i) = self.roots.iter().position(|r| r.path == path) {
            if self.roots[i].retired {
                self.roots[i] = Root::new(path, alias.filter(|a| *a != self.roots[i].path));
                return (i, true);
            }
            if self.roots[i].alias.is_none() {
                self.roots[i].alias = alias.filter(|a| *a != path);
            }
            return (i, false);
        }
        let alias = alias.filter(|a| *a != path);
        self.roots.push(Root::new(path, alias));
        (self.roots.len() - 1, true)
    }

    /// The root for a document outside every known root, found by looking
    /// upwards from it (a file opened from outside the workspace folders).
    pub fn discover_root_for(&mut self, path: &Path) -> Option<(usize, bool)> {
        let dir = path.parent()?;
        let canonical = std::fs::canonicalize(dir).ok()?;
        let root = discover::root_above(&canonical)?;
        // The client's spelling of the root, when the document's folder is a
        // link to the real one.
        let depth = canonical.strip_prefix(&root).ok()?.components().count();
        let alias = dir.ancestors().nth(depth).map(Path::to_path_buf);
        Some(self.add_root(root, alias))
    }

    pub fn open(&mut self, uri: Uri, text: String, version: i32) -> Option<Place> {
        let place = uri.to_file_path().and_then(|p| self.place_of(&p));
        let tree = self.parser.parse(&text, None);
        let doc = Document::new(&text, version);
        if let Some(place) = &place {
            self.set_overlay(place, text);
        }
        self.docs.insert(
            uri,
            OpenDoc {
                doc,
                tree,
                tree_stale: false,
                pulled: None,
                place: place.clone(),
                published: None,
            },
        );
        place
    }

    /// Puts an editor's text for a file into the index.
    fn set_overlay(&mut self, place: &Place, text: String) {
        if !place.rel.starts_with("openspec/") {
            return;
        }
        let root = &mut self.roots[place.root];
        let added = root.ws.set_text(&place.rel, text);
        root.mark(&place.rel, added);
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
        let enc = self.encoding;
        let Some(open) = self.docs.get_mut(uri) else {
            return Err(format!("didChange for {} which is not open", uri.as_str()));
        };
        if version <= open.doc.version {
            return Err(format!(
                "didChange for {} with version {version}, not after {}; ignored",
                uri.as_str(),
                open.doc.version
            ));
        }
        for ch in changes {
            let range = ch
                .range
                .map(|r| (convert::position_in(r.start), convert::position_in(r.end)));
            match open.doc.apply(range, &ch.text, enc) {
                Some(edit) => {
                    if let Some(tree) = &mut open.tree {
                        tree.edit(&edit);
                    }
                }
                None => open.tree = None,
            }
        }
        open.doc.version = version;
        open.tree_stale = true;
        let text = open.doc.text();
        if let Some(place) = open.place.clone() {
            self.set_overlay(&place, text);
        }
        Ok(())
    }

    /// Brings edited trees up to date: an incremental reparse that reuses
    /// every node the edits did not touch (a full parse only after a
    /// whole-text change).
    pub fn reparse(&mut self, only: Option<&Uri>) {
        for (uri, open) in self.docs.iter_mut() {
            if !open.tree_stale || only.is_some_and(|u| u != uri) {
                continue;
            }
            let text = open.doc.text();
            open.tree = self.parser.parse(&text, open.tree.as_ref());
            open.tree_stale = false;
        }
    }

    /// What a reparse off the lock needs: each stale document's version,
    /// text and edited tree.
    pub fn stale_trees(&self, only: Option<&Uri>) -> Vec<(Uri, i32, String, Option<Tree>)> {
        self.docs
            .iter()
            .filter(|(uri, d)| d.tree_stale && only.is_none_or(|u| u == *uri))
            .map(|(uri, d)| (uri.clone(), d.doc.version, d.doc.text(), d.tree.clone()))
            .collect()
    }

    /// Takes a tree parsed off the lock, if its document has not changed
    /// since (otherwise a later reparse covers the newer edits).
    pub fn put_tree(&mut self, uri: &Uri, version: i32, tree: Option<Tree>) {
        if let Some(d) = self.docs.get_mut(uri) {
            if d.doc.version == version && d.tree_stale {
                d.tree = tree;
                d.tree_stale = false;
            }
        }
    }

    /// Forgets a document; the index goes back to the file on disk.
    pub fn close(&mut self, uri: &Uri) -> Option<OpenDoc> {
        let open = self.docs.remove(uri)?;
        if let Some(place) = &open.place {
            self.reread(place);
        }
        Some(open)
    }

    /// Reads a file from disk again (or drops it when it is gone), unless
    /// it is open: then the editor's text is the truth.
    fn reread(&mut self, place: &Place) {
        if !place.rel.starts_with("openspec/") || self.open_doc_at(place).is_some() {
            return;
        }
        let root = &mut self.roots[place.root];
        let path = root.path.join(&place.rel);
        match read_capped(&path) {
            Some(bytes) => {
                let added = root.ws.set_file(&place.rel, bytes);
                root.mark(&place.rel, added);
            }
            None => {
                if root.ws.file(&place.rel).is_some() {
                    root.ws.remove(&place.rel);
                    root.all_dirty = true;
                }
            }
        }
    }

    /// Applies files changed on disk: one changed file re-reads that file
    /// and marks its dependents; files created or deleted re-list the root.
    pub fn files_changed(&mut self, events: Vec<(PathBuf, FsChange)>) {
        let mut structural: HashMap<usize, HashSet<String>> = HashMap::new();
        for (path, change) in events {
            let Some(place) = self.place_of(&path) else {
                continue;
            };
            let root = &mut self.roots[place.root];
            if root.status != RootStatus::Ready {
                root.changed_while_reading.insert(place.rel.clone());
            }
            if place.rel == crate::config::FILE_NAME {
                root.reload_toml();
                self.republish_all();
                continue;
            }
            let gitignore = place.rel.ends_with(".gitignore");
            match change {
                FsChange::Changed if !gitignore => {
                    if root.ws.file(&place.rel).is_some() {
                        self.reread(&place);
                    }
                }
                _ => {
                    if gitignore || place.rel.starts_with("openspec/") {
                        structural.entry(place.root).or_default().insert(place.rel);
                    }
                }
            }
        }
        for (i, changed) in structural {
            let open = self.open_rels(i);
            let root = &mut self.roots[i];
            root.ws.refresh(&changed, &|rel| open.contains(rel));
            root.all_dirty = true;
            self.reapply_overlays(i);
        }
    }

    /// Puts every open document's text of root `i` back over what was read
    /// from disk.
    pub fn reapply_overlays(&mut self, i: usize) {
        let texts: Vec<(String, String)> = self
            .docs
            .values()
            .filter_map(|d| {
                let p = d.place.as_ref()?;
                (p.root == i && p.rel.starts_with("openspec/"))
                    .then(|| (p.rel.clone(), d.doc.text()))
            })
            .collect();
        for (rel, text) in texts {
            self.set_overlay(&Place { root: i, rel }, text);
        }
    }

    /// Installs a fully read workspace for root `i`.
    /// Forgets the roots inside a workspace folder the client removed,
    /// except those holding an open document: like a file opened from
    /// outside the folders, it keeps its workspace while it is open.
    pub fn remove_folder(&mut self, folder: &Path) {
        let canonical = std::fs::canonicalize(folder).unwrap_or_else(|_| folder.to_path_buf());
        let open: HashSet<usize> = self
            .docs
            .values()
            .filter_map(|d| d.place.as_ref())
            .map(|p| p.root)
            .collect();
        for (i, root) in self.roots.iter_mut().enumerate() {
            let inside = root.path.starts_with(&canonical)
                || root.alias.as_deref().is_some_and(|a| a.starts_with(folder));
            if inside && !open.contains(&i) && !root.retired {
                let path = root.path.clone();
                *root = Root::new(path, None);
                root.retired = true;
            }
        }
    }

    pub fn install(&mut self, i: usize, ws: Workspace) {
        if self.roots[i].retired {
            return;
        }
        let open = self.open_rels(i);
        let root = &mut self.roots[i];
        root.ws = ws;
        root.status = RootStatus::Ready;
        root.ready_units.clear();
        root.all_dirty = true;
        let missed = std::mem::take(&mut root.changed_while_reading);
        if !missed.is_empty() {
            root.ws.refresh(&missed, &|rel| open.contains(rel));
        }
        self.reapply_overlays(i);
    }

    /// The paths of root `i`'s open documents.
    fn open_rels(&self, i: usize) -> HashSet<String> {
        self.docs
            .values()
            .filter_map(|d| d.place.as_ref())
            .filter(|p| p.root == i)
            .map(|p| p.rel.clone())
            .collect()
    }

    /// Adds what a priority read found for `unit` to a partial root.
    pub fn absorb_partial(&mut self, i: usize, part: Workspace, unit: Unit) {
        let root = &mut self.roots[i];
        if root.status == RootStatus::Ready || root.retired {
            return;
        }
        root.ws.absorb(part);
        root.ready_units.insert(unit.clone());
        root.dirty.insert(unit);
        self.reapply_overlays(i);
    }

    /// Sends every open document's diagnostics again (settings changed).
    pub fn republish_all(&mut self) {
        for d in self.docs.values_mut() {
            d.published = None;
        }
        self.reports_outdated = true;
    }

    /// The effective settings of a root.
    pub fn config(&self, i: usize) -> Config {
        self.roots[i]
            .toml
            .overridden_by(&self.editor.config, self.editor.sets_delay)
    }

    /// The debounce before pushing diagnostics.
    pub fn delay_ms(&self) -> u64 {
        if self.editor.sets_delay {
            return self.editor.config.delay_ms;
        }
        self.roots
            .iter()
            .map(|r| r.toml.delay_ms)
            .min()
            .unwrap_or(Config::default().delay_ms)
    }

    /// Re-runs the rules of every dirty unit that can be computed, and
    /// returns the places whose diagnostics changed.
    pub fn recheck(&mut self) -> HashSet<Place> {
        let mut changed = HashSet::new();
        for (i, root) in self.roots.iter_mut().enumerate() {
            let exists: HashSet<Unit> = if root.all_dirty {
                root.ws.units().into_iter().collect()
            } else {
                HashSet::new()
            };
            let units: Vec<Unit> = if root.all_dirty {
                // Units that no longer exist lose their diagnostics.
                let gone = root.diags.keys().filter(|u| !exists.contains(*u));
                exists.iter().chain(gone).cloned().collect()
            } else {
                root.dirty.iter().cloned().collect()
            };
            let mut left = HashSet::new();
            for unit in units {
                if !root.computable(&unit) {
                    left.insert(unit);
                    continue;
                }
                let new = if root.all_dirty && !exists.contains(&unit) {
                    Vec::new()
                } else {
                    rules::check(&root.ws, &Scope::Unit(&unit))
                };
                let old = root.diags.remove(&unit).unwrap_or_default();
                if old != new {
                    for d in old.iter().chain(&new) {
                        changed.insert(Place {
                            root: i,
                            rel: d.path.clone(),
                        });
                    }
                }
                if !new.is_empty() {
                    root.diags.insert(unit, new);
                }
            }
            root.all_dirty = false;
            root.dirty = left;
        }
        changed
    }

    /// The diagnostics of one file, with the root's severities applied.
    pub fn file_diagnostics(&self, place: &Place) -> Vec<Diagnostic> {
        let root = &self.roots[place.root];
        let mut out: Vec<Diagnostic> = root
            .diags
            .values()
            .flatten()
            .filter(|d| d.path == place.rel)
            .cloned()
            .collect();
        out.sort_by_key(|d| (d.span.start, d.code));
        out.dedup();
        self.config(place.root).apply(out)
    }

    /// An open document's diagnostics in protocol form.
    pub fn doc_diagnostics(&self, uri: &Uri) -> Vec<lsp::Diagnostic> {
        let Some(open) = self.docs.get(uri) else {
            return Vec::new();
        };
        let Some(place) = &open.place else {
            return Vec::new();
        };
        self.file_diagnostics(place)
            .iter()
            .map(|d| convert::diagnostic(d, &open.doc, self.encoding))
            .collect()
    }

    /// The documents whose pushed diagnostics are out of date: their
    /// diagnostics changed, or their version did.
    pub fn pending_pushes(&mut self, changed: &HashSet<Place>) -> Vec<Publish> {
        let mut out = Vec::new();
        let uris: Vec<Uri> = self.docs.keys().cloned().collect();
        for uri in uris {
            let open = &self.docs[&uri];
            let Some(place) = open.place.clone() else {
                continue;
            };
            let root = &self.roots[place.root];
            if !root.computable(&root.ws.unit_of(&place.rel)) {
                continue;
            }
            let version = open.doc.version;
            if open.published == Some(version) && !changed.contains(&place) {
                continue;
            }
            out.push(Publish {
                diagnostics: self.doc_diagnostics(&uri),
                uri: uri.clone(),
                version: Some(version),
            });
            if let Some(d) = self.docs.get_mut(&uri) {
                d.published = Some(version);
            }
        }
        out
    }

    /// Whether everything the diagnostics of `uri` depend on has been read.
    pub fn inputs_ready(&self, uri: &Uri) -> bool {
        let Some(place) = self.docs.get(uri).and_then(|d| d.place.as_ref()) else {
            return true;
        };
        let root = &self.roots[place.root];
        root.computable(&root.ws.unit_of(&place.rel))
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

    /// Whether every root has been read completely.
    pub fn all_ready(&self) -> bool {
        self.roots.iter().all(|r| r.status == RootStatus::Ready)
    }

    /// Whether a pulling client holds diagnostics that `changed` made out
    /// of date without the document changing: only then must it be told
    /// to pull again (an edited document is pulled anyway).
    pub fn pulls_outdated(&self, changed: &HashSet<Place>) -> bool {
        self.docs.values().any(|d| {
            d.pulled == Some(d.doc.version) && d.place.as_ref().is_some_and(|p| changed.contains(p))
        })
    }

    /// Records that a pulling client now has `uri`'s current diagnostics.
    pub fn mark_pulled(&mut self, uri: &Uri) {
        if let Some(d) = self.docs.get_mut(uri) {
            d.pulled = Some(d.doc.version);
        }
    }

    /// For a document opened before its root is read: the folders whose
    /// files its diagnostics depend on (main specs, schemas, the project
    /// configuration, and its own change), and the unit they complete.
    pub fn priority_read(&self, place: &Place) -> Option<(PathBuf, Vec<String>, Unit)> {
        let root = &self.roots[place.root];
        if root.status == RootStatus::Ready || !place.rel.starts_with("openspec/") {
            return None;
        }
        let unit = root.ws.unit_of(&place.rel);
        if root.ready_units.contains(&unit) {
            return None;
        }
        let mut dirs = vec!["openspec/specs".to_string(), "openspec/schemas".to_string()];
        if let Unit::Change(c) = &unit {
            dirs.push(format!("openspec/{}", c.dir()));
        }
        Some((root.path.clone(), dirs, unit))
    }
}

/// A file-system event, from the client or the fallback watcher.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FsChange {
    Created,
    Changed,
    Deleted,
}

/// Reads a file as the index does; `None` when it is gone, is no longer a
/// regular file (a pipe would block the read), or cannot be read, as the
/// walk would then leave it out too.
fn read_capped(path: &Path) -> Option<Vec<u8>> {
    if !std::fs::metadata(path).ok()?.is_file() {
        return None;
    }
    crate::workspace::read_bytes(path).ok()
}

/// Reads the folders `dirs` of a root (and the files directly under
/// `openspec/`), for a priority read.
pub fn read_dirs(root: &Path, dirs: &[String]) -> Workspace {
    let keep = |rel: &str| {
        dirs.iter().any(|d| {
            rel == d || rel.starts_with(&format!("{d}/")) || d.starts_with(&format!("{rel}/"))
        })
    };
    Workspace::load_filtered(root, &keep)
}
