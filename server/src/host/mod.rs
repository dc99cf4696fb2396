//! The engine behind the language server, without the protocol: the
//! workspace roots with their indexes and diagnostics, the text of the
//! documents open in an editor (keyed by file path), the units whose
//! diagnostics are out of date, and what file events do to all of that.
//!
//! Everything here changes through `&mut Host`, synchronously and in the
//! order its caller applies changes; nothing awaits. Readers do not share
//! that: [`Host::snapshot`] hands out an immutable [`Snapshot`] (an `Arc`)
//! that answers from the state as it was when taken, however the host
//! changes afterwards. Workspaces sit behind `Arc`s, so a snapshot is a
//! clone of pointers; the first change after one was taken copies the
//! workspace it touches if the snapshot is still held (`Arc::make_mut`),
//! and not otherwise.

mod snapshot;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tree_sitter::{Parser, Tree};

use crate::config::Config;
use crate::ide::steps::StepIndex;
use crate::rules::{self, deps, Diagnostic, Scope};
use crate::text::document::{Document, Encoding, Position};
use crate::workspace::discover::{self, rel_under};
use crate::workspace::{Unit, Workspace};

pub use snapshot::{DocView, RootView, Snapshot};

/// Open documents larger than this keep no tree-sitter block tree. The
/// tree costs about 70 bytes of memory per byte of text and 0.3 s per MB
/// to parse: a 20 MB document made the server parse for seconds at each
/// folding request and hold gigabytes. Folding falls back to headings
/// for them (`ide::folding::heading_folds`).
pub const TREE_LIMIT: usize = 2 << 20;

/// Whether a document of `len` bytes keeps a block tree.
pub fn keeps_tree(len: usize) -> bool {
    len <= TREE_LIMIT
}

/// Where a file sits: a root, and its path relative to that root.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Place {
    pub root: usize,
    pub rel: String,
}

/// A document open in an editor.
pub struct OpenDoc {
    pub doc: Document,
    /// The tree-sitter block tree. Every change edits it (`InputEdit`) at
    /// once; the incremental reparse runs when the caller asks for it
    /// ([`Host::stale_trees`], [`Host::reparse`]).
    pub tree: Option<Tree>,
    /// Edited but not reparsed yet.
    pub tree_stale: bool,
    /// `None` for a file outside every OpenSpec workspace.
    pub place: Option<Place>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RootStatus {
    /// Only what open documents need has been read (see `priority_read`).
    Partial,
    Ready,
}

pub struct Root {
    /// Canonical.
    pub path: PathBuf,
    /// The same folder as the client spells it (through a link, say), for
    /// matching its paths and answering in its terms.
    pub alias: Option<PathBuf>,
    pub ws: Arc<Workspace>,
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
            ws: Arc::new(Workspace::empty(&path)),
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

    /// The root as the client spells it.
    pub fn base(&self) -> &Path {
        self.alias.as_deref().unwrap_or(&self.path)
    }

    fn reload_toml(&mut self) {
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

    /// The workspace, to change: copied first if a snapshot still holds it.
    fn ws_mut(&mut self) -> &mut Workspace {
        Arc::make_mut(&mut self.ws)
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

/// Settings from the editor, layered over each root's `specls.toml`.
#[derive(Clone, Debug, Default)]
pub struct EditorSettings {
    pub config: Config,
    pub sets_delay: bool,
}

/// A file-system event, from the client or a watcher.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FsChange {
    Created,
    Changed,
    Deleted,
}

/// One change of an open document as an editor sends it: `range` (start
/// and end, in the host's encoding) replaced with `text`, or the whole text
/// when there is no range.
#[derive(Clone, Debug)]
pub struct TextChange {
    pub range: Option<(Position, Position)>,
    pub text: String,
}

pub struct Host {
    encoding: Encoding,
    editor: EditorSettings,
    roots: Vec<Root>,
    docs: HashMap<PathBuf, OpenDoc>,
    /// Steps of every root, for completion; brought up to date by the
    /// reader that needs it, from its snapshot.
    steps: Arc<Mutex<StepIndex>>,
    parser: Parser,
    /// The snapshot of the current state, once one was asked for; every
    /// change that a snapshot shows drops it.
    snapshot: Option<Arc<Snapshot>>,
    /// Places whose diagnostics an installed index changed, for the next
    /// [`Host::recheck`] to report with its own.
    indexed_changes: HashSet<Place>,
}

impl Default for Host {
    fn default() -> Host {
        Host {
            encoding: Encoding::Utf16,
            editor: EditorSettings::default(),
            roots: Vec::new(),
            docs: HashMap::new(),
            steps: Default::default(),
            parser: crate::syntax::tree::block_parser(),
            snapshot: None,
            indexed_changes: HashSet::new(),
        }
    }
}

/// The root and relative path of `path` among `roots` (as root index, the
/// canonical path, the client's spelling, whether retired). Files directly
/// under a root count (`specls.toml`); the index only holds files under
/// `openspec/`. The deepest root wins when roots nest.
fn place_among<'a>(
    roots: impl Iterator<Item = (usize, &'a Path, Option<&'a Path>, bool)> + Clone,
    path: &Path,
) -> Option<Place> {
    let find = |p: &Path| {
        roots
            .clone()
            .filter(|(_, _, _, retired)| !retired)
            .filter_map(|(i, root, alias, _)| {
                let rel = rel_under(p, root).or_else(|| rel_under(p, alias?))?;
                Some((root.components().count(), Place { root: i, rel }))
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

impl Host {
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// Sets how positions in changes are counted (before any document is
    /// open: positions already taken stay as they were counted).
    pub fn set_encoding(&mut self, enc: Encoding) {
        self.encoding = enc;
        self.snapshot = None;
    }

    pub fn editor(&self) -> &EditorSettings {
        &self.editor
    }

    pub fn set_editor(&mut self, editor: EditorSettings) {
        self.editor = editor;
        self.snapshot = None;
    }

    pub fn roots(&self) -> &[Root] {
        &self.roots
    }

    pub fn doc(&self, path: &Path) -> Option<&OpenDoc> {
        self.docs.get(path)
    }

    /// The open documents, by path.
    pub fn docs(&self) -> impl Iterator<Item = (&PathBuf, &OpenDoc)> {
        self.docs.iter()
    }

    /// The state as it is now, for readers: it does not change afterwards.
    pub fn snapshot(&mut self) -> Arc<Snapshot> {
        if let Some(s) = &self.snapshot {
            return s.clone();
        }
        let s = Arc::new(Snapshot::of(self));
        self.snapshot = Some(s.clone());
        s
    }

    /// The root and relative path of a file, if it is in a known root.
    pub fn place_of(&self, path: &Path) -> Option<Place> {
        place_among(
            self.roots
                .iter()
                .enumerate()
                .map(|(i, r)| (i, r.path.as_path(), r.alias.as_deref(), r.retired)),
            path,
        )
    }

    /// The path of the file at `place`, as the client spells its root.
    pub fn path_at(&self, place: &Place) -> PathBuf {
        let mut path = self.roots[place.root].base().to_path_buf();
        path.extend(place.rel.split('/'));
        path
    }

    /// The open document at `place`, with its path.
    pub fn open_doc_at(&self, place: &Place) -> Option<(&PathBuf, &OpenDoc)> {
        self.docs
            .iter()
            .find(|(_, d)| d.place.as_ref() == Some(place))
    }

    /// Registers a root (once); returns its index and whether it is new.
    pub fn add_root(&mut self, path: PathBuf, alias: Option<PathBuf>) -> (usize, bool) {
        self.snapshot = None;
        if let Some(i) = self.roots.iter().position(|r| r.path == path) {
            if self.roots[i].retired {
                self.roots[i] = Root::new(path, alias.filter(|a| *a != self.roots[i].path));
                self.adopt_docs();
                return (i, true);
            }
            if self.roots[i].alias.is_none() {
                self.roots[i].alias = alias.filter(|a| *a != path);
            }
            return (i, false);
        }
        let alias = alias.filter(|a| *a != path);
        self.roots.push(Root::new(path, alias));
        self.adopt_docs();
        (self.roots.len() - 1, true)
    }

    /// Gives a place to the open documents that had none: opened before the
    /// root holding them was known (its folder was found later, or was
    /// missing for a moment when they were opened).
    fn adopt_docs(&mut self) {
        let homeless: Vec<PathBuf> = self
            .docs
            .iter()
            .filter(|(path, d)| d.place.is_none() && !path.is_dir())
            .map(|(path, _)| path.clone())
            .collect();
        for path in homeless {
            let Some(place) = self.place_of(&path) else {
                continue;
            };
            // Another spelling of a file already open keeps no place: the
            // host holds one text per file.
            if self.open_doc_at(&place).is_some() {
                continue;
            }
            let Some(open) = self.docs.get_mut(&path) else {
                continue;
            };
            open.place = Some(place.clone());
            let text = open.doc.text();
            self.set_overlay(&place, text);
        }
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

    /// Opens a document with the editor's text; its text is the truth for
    /// that file until it is closed. Returns where it sits.
    pub fn open(&mut self, path: PathBuf, text: String, version: i32) -> Option<Place> {
        self.snapshot = None;
        // A folder opened as a document has no place in the index: its text
        // would stand for a file there, and closing it would drop from the
        // index every file under the folder, open ones included.
        let place = self.place_of(&path).filter(|_| !path.is_dir());
        let tree = if keeps_tree(text.len()) {
            self.parser.parse(&text, None)
        } else {
            None
        };
        let doc = Document::new(&text, version);
        if let Some(place) = &place {
            self.set_overlay(place, text);
        }
        self.docs.insert(
            path,
            OpenDoc {
                doc,
                tree,
                tree_stale: false,
                place: place.clone(),
            },
        );
        place
    }

    /// Puts an editor's text for a file into the index.
    fn set_overlay(&mut self, place: &Place, text: String) {
        let root = &mut self.roots[place.root];
        if !root.ws.formats.holds(&place.rel) {
            return;
        }
        let added = root.ws_mut().set_text(&place.rel, text);
        root.mark(&place.rel, added);
    }

    /// Applies one batch of changes to an open document. Changes come in
    /// order; a version that does not increase means the editor and the
    /// host disagree about the text, and is refused.
    pub fn change(
        &mut self,
        path: &Path,
        version: i32,
        changes: Vec<TextChange>,
    ) -> Result<(), String> {
        let enc = self.encoding;
        let Some(open) = self.docs.get_mut(path) else {
            return Err(format!("a change of {} which is not open", path.display()));
        };
        if version <= open.doc.version {
            return Err(format!(
                "a change of {} with version {version}, not after {}; ignored",
                path.display(),
                open.doc.version
            ));
        }
        self.snapshot = None;
        for ch in changes {
            match open.doc.apply(ch.range, &ch.text, enc) {
                Some(edit) => {
                    if let Some(tree) = &mut open.tree {
                        tree.edit(&edit);
                    }
                }
                None => open.tree = None,
            }
        }
        open.doc.version = version;
        // A document grown past the limit lets its tree go; one shrunk
        // back under it is parsed again at the next reparse.
        open.tree_stale = keeps_tree(open.doc.len_bytes());
        if !open.tree_stale {
            open.tree = None;
        }
        let text = open.doc.text();
        if let Some(place) = open.place.clone() {
            self.set_overlay(&place, text);
        }
        Ok(())
    }

    /// Brings the edited tree of `only` (or of every document) up to date:
    /// an incremental reparse that reuses what the edits left untouched.
    pub fn reparse(&mut self, only: Option<&Path>) {
        for (path, open) in self.docs.iter_mut() {
            if !open.tree_stale || only.is_some_and(|p| p != path) {
                continue;
            }
            let text = open.doc.text();
            open.tree = self.parser.parse(&text, open.tree.as_ref());
            open.tree_stale = false;
            self.snapshot = None;
        }
    }

    /// What a reparse done elsewhere needs: each stale document's version,
    /// text and edited tree.
    pub fn stale_trees(&self, only: Option<&Path>) -> Vec<(PathBuf, i32, String, Option<Tree>)> {
        self.docs
            .iter()
            .filter(|(path, d)| d.tree_stale && only.is_none_or(|p| p == *path))
            .map(|(path, d)| (path.clone(), d.doc.version, d.doc.text(), d.tree.clone()))
            .collect()
    }

    /// Takes a tree parsed elsewhere, if its document has not changed since
    /// (otherwise a later reparse covers the newer edits).
    pub fn put_tree(&mut self, path: &Path, version: i32, tree: Option<Tree>) {
        if let Some(d) = self.docs.get_mut(path) {
            if d.doc.version == version && d.tree_stale {
                d.tree = tree;
                d.tree_stale = false;
                self.snapshot = None;
            }
        }
    }

    /// Forgets a document; the index goes back to the file on disk.
    pub fn close(&mut self, path: &Path) -> Option<OpenDoc> {
        let open = self.docs.remove(path)?;
        self.snapshot = None;
        if let Some(place) = &open.place {
            self.reread(place);
        }
        Some(open)
    }

    /// Reads a file from disk again (or drops it when it is gone), unless
    /// it is open: then the editor's text is the truth.
    fn reread(&mut self, place: &Place) {
        if !self.roots[place.root].ws.formats.holds(&place.rel) || self.open_doc_at(place).is_some()
        {
            return;
        }
        let root = &mut self.roots[place.root];
        let path = root.path.join(&place.rel);
        match read_capped(&path) {
            Some(bytes) => {
                let added = root.ws_mut().set_file(&place.rel, bytes);
                root.mark(&place.rel, added);
            }
            None => {
                if root.ws.file(&place.rel).is_some() {
                    root.ws_mut().remove(&place.rel);
                    root.all_dirty = true;
                }
            }
        }
    }

    /// Applies files changed on disk: one changed file re-reads that file
    /// and marks its dependents; files created or deleted re-list the root.
    /// Returns whether a root's settings (`specls.toml`) changed, which
    /// changes the severities of every report.
    pub fn files_changed(&mut self, events: Vec<(PathBuf, FsChange)>) -> bool {
        let mut settings = false;
        let mut structural: HashMap<usize, HashSet<String>> = HashMap::new();
        for (path, change) in events {
            let Some(place) = self.place_of(&path) else {
                continue;
            };
            self.snapshot = None;
            let root = &mut self.roots[place.root];
            if root.status != RootStatus::Ready {
                root.changed_while_reading.insert(place.rel.clone());
            }
            if place.rel == crate::config::FILE_NAME {
                root.reload_toml();
                settings = true;
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
                    let rel = &place.rel;
                    // Any format's tree, files and folders alike: the walk
                    // finds out again which formats the root holds.
                    let first = rel.split('/').next().unwrap_or("");
                    let in_tree =
                        ["openspec", "specs", ".specify", "memory", ".kiro"].contains(&first);
                    if gitignore || in_tree {
                        // A folder's event stands for every file under it:
                        // a folder replaced (`rm -rf` and a copy put back)
                        // may hold other text under the same names, which
                        // a walk alone would keep as it was read.
                        let under = format!("{rel}/");
                        let within: Vec<String> = root
                            .ws
                            .files
                            .iter()
                            .filter(|f| f.rel.starts_with(&under))
                            .map(|f| f.rel.clone())
                            .collect();
                        let set = structural.entry(place.root).or_default();
                        set.extend(within);
                        set.insert(place.rel);
                    }
                }
            }
        }
        for (i, changed) in structural {
            let open = self.open_rels(i);
            let root = &mut self.roots[i];
            root.ws_mut().refresh(&changed, &|rel| open.contains(rel));
            root.all_dirty = true;
            self.reapply_overlays(i);
        }
        settings
    }

    /// Puts every open document's text of root `i` back over what was read
    /// from disk.
    fn reapply_overlays(&mut self, i: usize) {
        let texts: Vec<(String, String)> = self
            .docs
            .values()
            .filter_map(|d| {
                let p = d.place.as_ref()?;
                (p.root == i && self.roots[i].ws.formats.holds(&p.rel))
                    .then(|| (p.rel.clone(), d.doc.text()))
            })
            .collect();
        for (rel, text) in texts {
            self.set_overlay(&Place { root: i, rel }, text);
        }
    }

    /// Forgets the roots inside a workspace folder the client removed,
    /// except those holding an open document: like a file opened from
    /// outside the folders, it keeps its workspace while it is open.
    pub fn remove_folder(&mut self, folder: &Path) {
        self.snapshot = None;
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

    /// Installs a fully read workspace for root `i`.
    pub fn install(&mut self, i: usize, ws: Workspace) {
        if self.roots[i].retired {
            return;
        }
        self.snapshot = None;
        let open = self.open_rels(i);
        let root = &mut self.roots[i];
        root.ws = Arc::new(ws);
        root.status = RootStatus::Ready;
        root.ready_units.clear();
        root.all_dirty = true;
        let missed = std::mem::take(&mut root.changed_while_reading);
        if !missed.is_empty() {
            root.ws_mut().refresh(&missed, &|rel| open.contains(rel));
        }
        self.reapply_overlays(i);
    }

    /// Installs a root read by [`index_root`]: its diagnostics, computed
    /// while its files' text was at hand, stand, and only what changed
    /// since the read (open documents, files changed meanwhile) is checked
    /// again.
    pub fn install_indexed(&mut self, i: usize, indexed: Indexed) {
        if self.roots[i].retired {
            return;
        }
        self.snapshot = None;
        let Indexed { ws, diags } = indexed;
        let open = self.open_rels(i);
        let root = &mut self.roots[i];
        root.ws = Arc::new(ws);
        root.status = RootStatus::Ready;
        root.ready_units.clear();
        let old = std::mem::replace(&mut root.diags, diags);
        for unit in old.keys().chain(root.diags.keys()) {
            let (before, after) = (old.get(unit), root.diags.get(unit));
            if before != after {
                for d in before.into_iter().chain(after).flatten() {
                    self.indexed_changes.insert(Place {
                        root: i,
                        rel: d.path.clone(),
                    });
                }
            }
        }
        root.dirty.clear();
        root.all_dirty = false;
        let missed = std::mem::take(&mut root.changed_while_reading);
        if !missed.is_empty() {
            root.ws_mut().refresh(&missed, &|rel| open.contains(rel));
            root.all_dirty = true;
        }
        // Each open document marks what depends on it, as an edit would.
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
        self.snapshot = None;
        root.ws_mut().absorb(part);
        root.ready_units.insert(unit.clone());
        root.dirty.insert(unit);
        self.reapply_overlays(i);
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
    /// returns the places whose diagnostics changed. Files found changed
    /// on disk when their text was read back are read again first, as
    /// changed files are, and what they make dirty is checked too. The
    /// text read back for the rules is let go afterwards.
    pub fn recheck(&mut self) -> HashSet<Place> {
        let mut changed = std::mem::take(&mut self.indexed_changes);
        // A file rewritten again and again could be found stale at every
        // pass; what is still stale after a few waits for the next one.
        for _ in 0..4 {
            let stale = self.reread_stale();
            changed.extend(self.check_dirty());
            if !stale && !self.any_stale() {
                break;
            }
        }
        self.release_texts();
        changed
    }

    /// Reads again the files found changed on disk when their text was
    /// read back; returns whether there were any.
    fn reread_stale(&mut self) -> bool {
        let mut any = false;
        for i in 0..self.roots.len() {
            for rel in self.roots[i].ws.take_stale() {
                any = true;
                self.snapshot = None;
                self.reread(&Place { root: i, rel });
            }
        }
        any
    }

    fn any_stale(&self) -> bool {
        self.roots.iter().any(|r| r.ws.has_stale())
    }

    /// Lets go of the text of closed files, in every root whose workspace
    /// no reader holds (a snapshot keeps what it read until it goes, and
    /// the next call lets it go): the index keeps summaries, and text is
    /// read back when needed. The other files of an open document's unit
    /// keep theirs, or each keystroke would read them back.
    pub fn release_texts(&mut self) {
        if !self.roots.iter().any(|r| r.ws.may_hold_text()) {
            return;
        }
        if self
            .snapshot
            .as_ref()
            .is_some_and(|s| Arc::strong_count(s) == 1)
        {
            // Nobody but the host holds it, and it is cheap to take again.
            self.snapshot = None;
        }
        for (i, root) in self.roots.iter_mut().enumerate() {
            let open: Vec<Unit> = (self.docs.values())
                .filter_map(|d| d.place.as_ref().filter(|p| p.root == i))
                .map(|p| root.ws.unit_of(&p.rel))
                .collect();
            if let Some(ws) = Arc::get_mut(&mut root.ws) {
                ws.release_texts_except(&open);
            }
        }
    }

    /// [`Host::recheck`] without the rereads.
    fn check_dirty(&mut self) -> HashSet<Place> {
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
        let out: Vec<Diagnostic> = root
            .diags
            .values()
            .flatten()
            .filter(|d| d.path == place.rel)
            .cloned()
            .collect();
        settle(&self.config(place.root), out)
    }

    /// Every file's diagnostics in root `i`, with its severities applied,
    /// by path; files without any are left out.
    pub fn root_diagnostics(&self, i: usize) -> BTreeMap<String, Vec<Diagnostic>> {
        let mut by_file: BTreeMap<String, Vec<Diagnostic>> = BTreeMap::new();
        for d in self.roots[i].diags.values().flatten() {
            by_file.entry(d.path.clone()).or_default().push(d.clone());
        }
        let config = self.config(i);
        by_file
            .into_iter()
            .map(|(rel, v)| (rel, settle(&config, v)))
            .filter(|(_, v)| !v.is_empty())
            .collect()
    }

    /// Names what an editor was given for a file: the same id means the
    /// same diagnostics at the same positions, so a client that holds it
    /// needs nothing new. The text's reading is part of it, since an edit
    /// above a diagnostic moves its line without changing its bytes.
    pub fn report_id(&self, place: &Place, diags: &[Diagnostic]) -> String {
        if diags.is_empty() {
            return "none".to_string();
        }
        let stamp = self.roots[place.root]
            .ws
            .file(&place.rel)
            .map_or(0, |f| f.stamp);
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (stamp, diags).hash(&mut h);
        format!("{:016x}", h.finish())
    }

    /// Whether everything the diagnostics of the open document at `path`
    /// depend on has been read.
    pub fn inputs_ready(&self, path: &Path) -> bool {
        let Some(place) = self.docs.get(path).and_then(|d| d.place.as_ref()) else {
            return true;
        };
        self.place_ready(place)
    }

    /// Whether everything the diagnostics of the file at `place` depend on
    /// has been read.
    pub fn place_ready(&self, place: &Place) -> bool {
        let root = &self.roots[place.root];
        root.computable(&root.ws.unit_of(&place.rel))
    }

    /// Whether every root has been read completely.
    pub fn all_ready(&self) -> bool {
        self.roots.iter().all(|r| r.status == RootStatus::Ready)
    }

    /// For a document opened before its root is read: the folders whose
    /// files its diagnostics depend on (main specs, schemas, the project
    /// configuration, and its own change), and the unit they complete.
    pub fn priority_read(&self, place: &Place) -> Option<(PathBuf, Vec<String>, Unit)> {
        let root = &self.roots[place.root];
        if root.status == RootStatus::Ready || !root.ws.formats.holds(&place.rel) {
            return None;
        }
        let unit = root.ws.unit_of(&place.rel);
        if root.ready_units.contains(&unit) {
            return None;
        }
        // A Spec Kit or Kiro feature's rules read its own folder only; a
        // constitution or steering file, only itself.
        let dirs = match &unit {
            Unit::Feature(dir) => vec![dir.clone()],
            _ if !place.rel.starts_with("openspec/") => Vec::new(),
            Unit::Change(c) => vec![
                "openspec/specs".to_string(),
                "openspec/schemas".to_string(),
                format!("openspec/{}", c.dir()),
            ],
            Unit::File(_) => vec!["openspec/specs".to_string(), "openspec/schemas".to_string()],
        };
        Some((root.path.clone(), dirs, unit))
    }
}

/// One file's diagnostics in the order they are shown, each once, with
/// `config`'s severities.
fn settle(config: &Config, mut diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diags.sort_by_key(|d| (d.span.start, d.code));
    diags.dedup();
    config.apply(diags)
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

/// A root read for the index, with the diagnostics of each of its units.
pub struct Indexed {
    ws: Workspace,
    diags: HashMap<Unit, Vec<Diagnostic>>,
}

/// Reads a root for the index and checks every unit of it while its files'
/// text is at hand, then lets that text go: a root's text is held only
/// while it is read, never all roots' at once.
pub fn index_root(root: &Path) -> Indexed {
    use rayon::prelude::*;
    let mut ws = Workspace::load(root);
    let diags = ws
        .units()
        .into_par_iter()
        .map(|unit| {
            let d = rules::check(&ws, &Scope::Unit(&unit));
            (unit, d)
        })
        .filter(|(_, d)| !d.is_empty())
        .collect();
    ws.release_texts();
    Indexed { ws, diags }
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

/// The host without a protocol: edits, file events, unit invalidation,
/// open and close, and snapshots that keep answering from the state they
/// were taken of.
#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::rules::Code;

    const SPEC: &str = "openspec/specs/ledger/spec.md";
    const TASKS: &str = "openspec/changes/add-export/tasks.md";

    const SPEC_TEXT: &str = "# ledger Specification\n\n## Purpose\n\nKeeps the books of the shop, entry by entry, for the clerks and the accountant.\n\n## Requirements\n\n### Requirement: Entry\nThe ledger SHALL record each entry.\n\n#### Scenario: Entry is accepted\n- **WHEN** a clerk posts an entry\n- **THEN** the ledger shows it\n";

    const TASKS_TEXT: &str = "## 1. Export\n\n- [ ] 1.1 Export entries\n  - Acceptance: [accepted](../../specs/ledger/spec.md#scenario-entry-is-accepted)\n";

    const PROPOSAL_TEXT: &str = "## Why\n\nThe shop wants its books exported for the accountant.\n\n## What Changes\n\n- Export entries.\n\n## Impact\n\n- ledger\n";

    /// A root on disk with a main spec and a change whose task links one of
    /// its scenarios, registered and read by a fresh host.
    fn setup() -> (tempfile::TempDir, Host) {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        for (rel, text) in [
            (SPEC, SPEC_TEXT),
            (TASKS, TASKS_TEXT),
            ("openspec/changes/add-export/proposal.md", PROPOSAL_TEXT),
        ] {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let mut host = Host::default();
        let (i, new) = host.add_root(root.clone(), None);
        assert!(new);
        host.install(i, Workspace::load(&root));
        host.recheck();
        (dir, host)
    }

    /// [`setup`] as the server indexes: the root read and checked by
    /// [`index_root`].
    fn setup_indexed() -> (tempfile::TempDir, Host) {
        let (dir, _) = setup();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        let mut host = Host::default();
        let (i, _) = host.add_root(root.clone(), None);
        host.install_indexed(i, index_root(&root));
        host.recheck();
        (dir, host)
    }

    fn path(host: &Host, rel: &str) -> PathBuf {
        host.roots()[0].path.join(rel)
    }

    fn place(rel: &str) -> Place {
        Place {
            root: 0,
            rel: rel.to_string(),
        }
    }

    fn codes(host: &Host, rel: &str) -> Vec<Code> {
        host.file_diagnostics(&place(rel))
            .iter()
            .map(|d| d.code)
            .collect()
    }

    /// A change that replaces the first occurrence of `old` with `new`.
    fn replace(host: &Host, p: &Path, old: &str, new: &str) -> TextChange {
        let text = host.doc(p).unwrap().doc.text();
        let start = text.find(old).unwrap();
        let idx = crate::text::LineIndex::new(&text);
        let a = idx.position(&text, start, host.encoding());
        let b = idx.position(&text, start + old.len(), host.encoding());
        TextChange {
            range: Some((a, b)),
            text: new.to_string(),
        }
    }

    fn ws_text(host: &Host, rel: &str) -> String {
        host.roots()[0].ws.file(rel).unwrap().text().to_string()
    }

    /// Change metadata is the one text kept after indexing: each change of
    /// the tree reads its own again whenever a file is created or deleted
    /// (`Workspace::read_metadata`), which would otherwise be a read from
    /// disk per change.
    #[test]
    fn change_metadata_text_stays_held_after_indexing() {
        let (dir, _) = setup();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        let meta = "openspec/changes/add-export/.openspec.yaml";
        std::fs::write(root.join(meta), "schema: spec-driven\n").unwrap();
        let indexed = index_root(&root);
        let held: Vec<&str> = indexed
            .ws
            .files
            .iter()
            .filter(|f| f.holds_text())
            .map(|f| f.rel.as_str())
            .collect();
        assert_eq!(held, [meta]);
    }

    /// After indexing, the server holds summaries and not the text of
    /// closed files; what needs that text reads it back, and the
    /// diagnostics are those of a root checked with all its text at hand.
    #[test]
    fn closed_files_text_is_not_held_and_is_read_back_when_needed() {
        let (_d1, held) = setup();
        let (_d2, mut host) = setup_indexed();
        let diags = |h: &Host| -> Vec<(String, Vec<Code>)> {
            h.root_diagnostics(0)
                .into_iter()
                .map(|(rel, ds)| (rel, ds.iter().map(|d| d.code).collect()))
                .collect()
        };
        assert!(!diags(&host).is_empty());
        assert_eq!(diags(&host), diags(&held));
        let holding = |h: &Host| -> Vec<String> {
            let ws = &h.roots()[0].ws;
            let held = ws.files.iter().filter(|f| f.holds_text());
            held.map(|f| f.rel.clone()).collect()
        };
        assert_eq!(holding(&host), Vec::<String>::new());

        // Hover on the task's link previews the scenario from the spec's
        // text, read back from disk.
        let snap = host.snapshot();
        let ws = snap.ws(0).unwrap();
        let at = TASKS_TEXT.find("[accepted]").unwrap() + 1;
        let hover = crate::ide::hover::hover(ws, TASKS, at).unwrap();
        assert!(
            hover.markdown.contains("a clerk posts an entry"),
            "{hover:?}"
        );
        assert_eq!(ws.file(SPEC).unwrap().text(), SPEC_TEXT);
        drop(snap);

        // An edit to the open tasks re-checks its change.
        let p = path(&host, TASKS);
        host.open(p.clone(), TASKS_TEXT.to_string(), 1);
        let ch = replace(&host, &p, "1.1 Export", "1.1 Send");
        host.change(&p, 2, vec![ch]).unwrap();
        // The change's other files stay read while one of them is open:
        // the next keystroke checks them again. A closed spec goes.
        let proposal = "openspec/changes/add-export/proposal.md";
        let snap = host.snapshot();
        for rel in [proposal, SPEC] {
            assert!(!snap.ws(0).unwrap().file(rel).unwrap().text().is_empty());
        }
        drop(snap);
        host.recheck();
        assert_eq!(holding(&host), [proposal, TASKS]);
        assert_eq!(diags(&host), diags(&held));
        host.close(&p);
        host.recheck();
        assert_eq!(holding(&host), Vec::<String>::new());
        assert_eq!(diags(&host), diags(&held));
    }

    /// A closed file rewritten on disk without an event (missed by the
    /// watcher, say) is not read back under its old summary's spans: it
    /// reads as blanks until the next recheck reads it again as a changed
    /// file and checks what depends on it.
    #[test]
    fn a_file_changed_behind_the_index_is_read_again_not_sliced() {
        let (_dir, mut host) = setup_indexed();
        assert!(codes(&host, SPEC).is_empty());
        let changed = SPEC_TEXT.replace("ledger SHALL record", "ledger records");
        std::fs::write(path(&host, SPEC), &changed).unwrap();

        let snap = host.snapshot();
        let text = snap.ws(0).unwrap().file(SPEC).unwrap().text();
        assert_eq!(text.len(), SPEC_TEXT.len());
        assert!(text.trim().is_empty(), "{text:?}");
        drop(snap);

        let places = host.recheck();
        assert!(places.contains(&place(SPEC)));
        assert_eq!(codes(&host, SPEC), vec![Code::RequirementMissingShallMust]);
        assert_eq!(ws_text(&host, SPEC), changed);
        assert!(host.roots()[0].ws.take_stale().is_empty());
    }

    #[test]
    fn an_edit_changes_the_index_and_its_diagnostics() {
        let (_dir, mut host) = setup();
        assert!(codes(&host, SPEC).is_empty(), "{:?}", codes(&host, SPEC));
        let p = path(&host, SPEC);
        assert_eq!(
            host.open(p.clone(), SPEC_TEXT.to_string(), 1),
            Some(place(SPEC))
        );
        let ch = replace(&host, &p, "SHALL", "will");
        host.change(&p, 2, vec![ch]).unwrap();
        assert!(ws_text(&host, SPEC).contains("ledger will record"));
        let changed = host.recheck();
        assert!(changed.contains(&place(SPEC)));
        assert_eq!(codes(&host, SPEC), vec![Code::RequirementMissingShallMust]);
        // Put back: the diagnostic goes.
        let ch = replace(&host, &p, "will", "SHALL");
        host.change(&p, 3, vec![ch]).unwrap();
        host.recheck();
        assert!(codes(&host, SPEC).is_empty());
    }

    /// A document opened before its root is known (the index had not found
    /// it yet, or its folder was missing for a moment) is placed once the
    /// root is added, and its text counts from then on.
    #[test]
    fn a_document_opened_before_its_root_is_placed_when_the_root_comes() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        let p = root.join(SPEC);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, SPEC_TEXT).unwrap();
        let mut host = Host::default();
        let weak = SPEC_TEXT.replace("SHALL", "will");
        assert_eq!(host.open(p.clone(), weak, 1), None);
        host.add_root(root.clone(), None);
        assert_eq!(host.doc(&p).unwrap().place, Some(place(SPEC)));
        host.install(0, Workspace::load(&root));
        host.recheck();
        assert_eq!(codes(&host, SPEC), vec![Code::RequirementMissingShallMust]);
    }

    /// A Spec Kit feature beside the OpenSpec tree: its own unit, checked
    /// as its files are edited, whichever of them is edited.
    #[test]
    fn a_spec_kit_feature_is_one_unit() {
        let (_dir, mut host) = setup();
        let root = host.roots()[0].path.clone();
        let spec = "specs/001-export/spec.md";
        let tasks = "specs/001-export/tasks.md";
        for (rel, text) in [
            (".specify/memory/constitution.md", "# Constitution\n"),
            (spec, "# Feature Specification: Export\n\n## Requirements\n\n- **FR-001**: The shop MUST export entries.\n"),
            (tasks, "## Phase 1: Setup\n\n- [ ] T001 Export in src/export.ts (FR-001)\n"),
        ] {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        host.install(0, Workspace::load(&root));
        host.recheck();
        assert!(codes(&host, tasks).is_empty(), "{:?}", codes(&host, tasks));
        let t = path(&host, tasks);
        host.open(t.clone(), std::fs::read_to_string(&t).unwrap(), 1);
        let ch = replace(&host, &t, "FR-001", "FR-002");
        host.change(&t, 2, vec![ch]).unwrap();
        host.recheck();
        assert_eq!(codes(&host, tasks), vec![Code::SpeckitUnknownRequirement]);
        assert_eq!(codes(&host, spec), vec![Code::SpeckitUncoveredRequirement]);
        // The spec gains FR-002: the task's citation resolves.
        let s = path(&host, spec);
        host.open(s.clone(), std::fs::read_to_string(&s).unwrap(), 1);
        let ch = replace(
            &host,
            &s,
            "entries.\n",
            "entries.\n- **FR-002**: The shop MUST sign them.\n",
        );
        host.change(&s, 2, vec![ch]).unwrap();
        host.recheck();
        assert!(codes(&host, tasks).is_empty(), "{:?}", codes(&host, tasks));
        assert_eq!(codes(&host, spec), vec![Code::SpeckitUncoveredRequirement]);
    }

    #[test]
    fn a_version_that_does_not_increase_is_refused() {
        let (_dir, mut host) = setup();
        let p = path(&host, SPEC);
        host.open(p.clone(), SPEC_TEXT.to_string(), 5);
        let ch = replace(&host, &p, "SHALL", "will");
        let err = host.change(&p, 5, vec![ch.clone()]).unwrap_err();
        assert!(err.contains("version 5, not after 5"), "{err}");
        assert_eq!(ws_text(&host, SPEC), SPEC_TEXT);
        let closed = path(&host, TASKS);
        assert!(host.change(&closed, 9, vec![ch]).is_err());
    }

    #[test]
    fn positions_of_changes_count_in_the_host_encoding() {
        let (_dir, mut host) = setup();
        let p = path(&host, SPEC);
        host.set_encoding(Encoding::Utf16);
        let text = SPEC_TEXT.replace("Keeps", "😀 Keeps");
        host.open(p.clone(), text.clone(), 1);
        // Line 4 is "😀 Keeps…": the emoji is two UTF-16 units, four bytes.
        let at = |character| Position { line: 4, character };
        host.change(
            &p,
            2,
            vec![TextChange {
                range: Some((at(3), at(8))),
                text: "Holds".to_string(),
            }],
        )
        .unwrap();
        assert!(ws_text(&host, SPEC).contains("😀 Holds the books"));
    }

    #[test]
    fn editing_a_spec_rechecks_the_changes_that_link_it() {
        let (_dir, mut host) = setup();
        assert!(codes(&host, TASKS).is_empty(), "{:?}", codes(&host, TASKS));
        let p = path(&host, SPEC);
        host.open(p.clone(), SPEC_TEXT.to_string(), 1);
        host.recheck();
        // Renaming the scenario breaks the task's acceptance link, in a file
        // nobody edited.
        let ch = replace(&host, &p, "Entry is accepted", "Entry is taken");
        host.change(&p, 2, vec![ch]).unwrap();
        let changed = host.recheck();
        assert!(changed.contains(&place(TASKS)), "{changed:?}");
        assert_eq!(codes(&host, TASKS), vec![Code::TasksBrokenAcceptanceLink]);
    }

    #[test]
    fn closing_a_document_goes_back_to_the_file_on_disk() {
        let (_dir, mut host) = setup();
        let p = path(&host, SPEC);
        host.open(p.clone(), SPEC_TEXT.replace("SHALL", "will"), 1);
        host.recheck();
        assert_eq!(codes(&host, SPEC), vec![Code::RequirementMissingShallMust]);
        assert!(host.close(&p).is_some());
        assert!(host.doc(&p).is_none());
        assert_eq!(ws_text(&host, SPEC), SPEC_TEXT);
        host.recheck();
        assert!(codes(&host, SPEC).is_empty());
        assert!(host.close(&p).is_none(), "closing twice is harmless");
    }

    #[test]
    fn file_events_reread_what_is_not_open() {
        let (_dir, mut host) = setup();
        let spec = path(&host, SPEC);
        std::fs::write(&spec, SPEC_TEXT.replace("SHALL", "will")).unwrap();
        assert!(!host.files_changed(vec![(spec.clone(), FsChange::Changed)]));
        assert!(ws_text(&host, SPEC).contains("will record"));
        host.recheck();
        assert_eq!(codes(&host, SPEC), vec![Code::RequirementMissingShallMust]);

        // A created file re-lists the root.
        let other = path(&host, "openspec/specs/audit/spec.md");
        std::fs::create_dir_all(other.parent().unwrap()).unwrap();
        std::fs::write(&other, SPEC_TEXT.replace("ledger", "audit")).unwrap();
        host.files_changed(vec![(other.clone(), FsChange::Created)]);
        assert!(host.roots()[0]
            .ws
            .file("openspec/specs/audit/spec.md")
            .is_some());

        // A deleted one goes, with its diagnostics.
        std::fs::remove_file(&spec).unwrap();
        host.files_changed(vec![(spec, FsChange::Deleted)]);
        assert!(host.roots()[0].ws.file(SPEC).is_none());
        host.recheck();
        assert!(codes(&host, SPEC).is_empty());

        // The settings file says so.
        let toml = path(&host, crate::config::FILE_NAME);
        std::fs::write(&toml, "").unwrap();
        assert!(host.files_changed(vec![(toml, FsChange::Changed)]));
    }

    #[test]
    fn an_open_document_wins_over_the_disk() {
        let (_dir, mut host) = setup();
        let p = path(&host, SPEC);
        let edited = SPEC_TEXT.replace("each entry", "every entry");
        host.open(p.clone(), edited.clone(), 1);
        std::fs::write(&p, SPEC_TEXT.replace("SHALL", "will")).unwrap();
        host.files_changed(vec![(p.clone(), FsChange::Changed)]);
        assert_eq!(ws_text(&host, SPEC), edited);
        // Even when the whole root is listed again.
        let other = path(&host, "openspec/specs/audit/spec.md");
        std::fs::create_dir_all(other.parent().unwrap()).unwrap();
        std::fs::write(&other, SPEC_TEXT).unwrap();
        host.files_changed(vec![(other, FsChange::Created)]);
        assert_eq!(ws_text(&host, SPEC), edited);
    }

    #[test]
    fn a_snapshot_keeps_the_state_it_was_taken_of() {
        let (_dir, mut host) = setup();
        let p = path(&host, SPEC);
        host.open(p.clone(), SPEC_TEXT.to_string(), 1);
        let before = host.snapshot();
        // Asking again without a change hands out the same one.
        assert!(Arc::ptr_eq(&before, &host.snapshot()));
        let ch = replace(&host, &p, "Entry is accepted", "Entry is taken");
        host.change(&p, 2, vec![ch]).unwrap();
        let after = host.snapshot();
        assert!(!Arc::ptr_eq(&before, &after));

        assert_eq!(before.version(&p), Some(1));
        assert_eq!(before.doc(&p).unwrap().doc.text(), SPEC_TEXT);
        assert_eq!(before.ws(0).unwrap().file(SPEC).unwrap().text(), SPEC_TEXT);
        assert_eq!(after.version(&p), Some(2));
        assert!(after
            .ws(0)
            .unwrap()
            .file(SPEC)
            .unwrap()
            .text()
            .contains("Entry is taken"));

        // The task's acceptance link leads to the scenario in the old
        // snapshot, and nowhere in the new one.
        let link = TASKS_TEXT.find("scenario-entry").unwrap();
        let old = crate::ide::definition(before.ws(0).unwrap(), TASKS, link);
        assert_eq!(old.len(), 1, "{old:?}");
        assert_eq!(old[0].rel, SPEC);
        let focus = old[0].focus;
        assert!(SPEC_TEXT[focus.start as usize..focus.end as usize].contains("Entry is accepted"));
        let new = crate::ide::definition(after.ws(0).unwrap(), TASKS, link);
        assert!(new.iter().all(|t| t.focus != focus), "{new:?}");

        // Closing and file events do not reach it either.
        host.close(&p);
        assert!(host.snapshot().doc(&p).is_none());
        assert_eq!(before.version(&p), Some(1));
    }

    #[test]
    fn a_snapshot_tree_follows_the_edits() {
        let (_dir, mut host) = setup();
        let p = path(&host, SPEC);
        host.open(p.clone(), SPEC_TEXT.to_string(), 1);
        let ch = replace(&host, &p, "## Purpose", "## Purpose\n\n## Notes");
        host.change(&p, 2, vec![ch]).unwrap();
        // The host has not reparsed; the snapshot's tree is for the new text.
        let snap = host.snapshot();
        let tree = snap.tree(&p).unwrap();
        let text = snap.doc(&p).unwrap().doc.text();
        assert_eq!(tree.root_node().end_byte(), text.len());
        assert!(!tree.root_node().has_error());
        let lines = crate::text::LineIndex::new(&text);
        let sections = crate::ide::folding_ranges(&text, &lines, &tree);
        let notes_line = text[..text.find("## Notes").unwrap()].lines().count() as u32;
        assert!(
            sections.iter().any(|f| f.start_line == notes_line),
            "{notes_line}: {:?}",
            sections.iter().map(|f| f.start_line).collect::<Vec<_>>()
        );
    }

    #[test]
    fn places_and_paths_round_trip_through_a_snapshot() {
        let (_dir, mut host) = setup();
        let p = path(&host, SPEC);
        let snap = host.snapshot();
        assert_eq!(snap.place_of_file(&p), Some(place(SPEC)));
        assert_eq!(snap.path_of(0, SPEC), Some(p.clone()));
        assert_eq!(snap.place_of(Path::new("/nowhere/spec.md")), None);
        // A file outside `openspec/` but under the root still has a place.
        assert_eq!(
            host.place_of(&path(&host, "README.md")),
            Some(place("README.md"))
        );
    }

    #[test]
    fn a_removed_folder_keeps_roots_with_open_documents() {
        let (dir, mut host) = setup();
        let p = path(&host, SPEC);
        host.open(p.clone(), SPEC_TEXT.to_string(), 1);
        host.remove_folder(dir.path());
        assert!(!host.roots()[0].retired);
        host.close(&p);
        host.remove_folder(dir.path());
        assert!(host.roots()[0].retired);
        assert_eq!(host.place_of(&p), None);
    }
}
