//! An immutable view of the host for readers: the workspaces (shared with
//! the host through `Arc`s), the open documents' text and trees, and the
//! settings, as they were when it was taken.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use tree_sitter::Tree;

use super::{place_among, Host, Place};
use crate::config::Config;
use crate::ide::steps::StepIndex;
use crate::text::document::{Document, Encoding};
use crate::workspace::Workspace;

/// A root as a snapshot sees it.
pub struct RootView {
    pub path: PathBuf,
    pub alias: Option<PathBuf>,
    pub retired: bool,
    pub ws: Arc<Workspace>,
    /// The root's effective settings.
    pub config: Config,
}

impl RootView {
    /// The root as the client spells it.
    pub fn base(&self) -> &Path {
        self.alias.as_deref().unwrap_or(&self.path)
    }
}

/// An open document as a snapshot sees it. A rope and a tree are both
/// shared structures: cloning them copies no text.
pub struct DocView {
    pub doc: Document,
    /// Edited to the current text, but maybe not reparsed since: see
    /// [`Snapshot::tree`].
    tree: Option<Tree>,
    tree_stale: bool,
    pub place: Option<Place>,
}

pub struct Snapshot {
    pub encoding: Encoding,
    roots: Vec<RootView>,
    docs: HashMap<PathBuf, DocView>,
    steps: Arc<Mutex<StepIndex>>,
}

impl Snapshot {
    pub(super) fn of(host: &Host) -> Snapshot {
        Snapshot {
            encoding: host.encoding,
            roots: host
                .roots
                .iter()
                .enumerate()
                .map(|(i, r)| RootView {
                    path: r.path.clone(),
                    alias: r.alias.clone(),
                    retired: r.retired,
                    ws: r.ws.clone(),
                    config: host.config(i),
                })
                .collect(),
            docs: host
                .docs
                .iter()
                .map(|(p, d)| {
                    (
                        p.clone(),
                        DocView {
                            doc: d.doc.clone(),
                            tree: d.tree.clone(),
                            tree_stale: d.tree_stale,
                            place: d.place.clone(),
                        },
                    )
                })
                .collect(),
            steps: host.steps.clone(),
        }
    }

    pub fn roots(&self) -> &[RootView] {
        &self.roots
    }

    /// The workspace of root `i`.
    pub fn ws(&self, i: usize) -> Option<&Workspace> {
        self.roots.get(i).map(|r| &*r.ws)
    }

    /// The effective settings of root `i`.
    pub fn config(&self, i: usize) -> Option<&Config> {
        self.roots.get(i).map(|r| &r.config)
    }

    pub fn doc(&self, path: &Path) -> Option<&DocView> {
        self.docs.get(path)
    }

    /// The version of the open document at `path`.
    pub fn version(&self, path: &Path) -> Option<i32> {
        self.docs.get(path).map(|d| d.doc.version)
    }

    /// The root and relative path of a file, as [`Host::place_of`].
    pub fn place_of(&self, path: &Path) -> Option<Place> {
        place_among(
            self.roots
                .iter()
                .enumerate()
                .map(|(i, r)| (i, r.path.as_path(), r.alias.as_deref(), r.retired)),
            path,
        )
    }

    /// Where a file sits: from its open document when it is open.
    pub fn place_of_file(&self, path: &Path) -> Option<Place> {
        match self.docs.get(path) {
            Some(d) => d.place.clone(),
            None => self.place_of(path),
        }
    }

    /// The open document at `place`, with its path.
    pub fn open_doc_at(&self, place: &Place) -> Option<(&PathBuf, &DocView)> {
        self.docs
            .iter()
            .find(|(_, d)| d.place.as_ref() == Some(place))
    }

    /// The path of the file at `rel` in root `i` as the editor knows it: an
    /// open document's own, else under the root as the client spells it.
    pub fn path_of(&self, i: usize, rel: &str) -> Option<PathBuf> {
        let here = Place {
            root: i,
            rel: rel.to_string(),
        };
        if let Some((path, _)) = self.open_doc_at(&here) {
            return Some(path.clone());
        }
        let mut path = self.roots.get(i)?.base().to_path_buf();
        path.extend(rel.split('/'));
        Some(path)
    }

    /// The block tree of the open document at `path`, for its current
    /// text: reparsed here (incrementally, from the edited tree) when the
    /// host has not done it yet, without changing the host. `None` for a
    /// document over [`super::TREE_LIMIT`].
    pub fn tree(&self, path: &Path) -> Option<Tree> {
        let d = self.docs.get(path)?;
        if !super::keeps_tree(d.doc.len_bytes()) {
            return None;
        }
        match (&d.tree, d.tree_stale) {
            (Some(t), false) => Some(t.clone()),
            (old, _) => crate::syntax::tree::block_parser().parse(d.doc.text(), old.as_ref()),
        }
    }

    /// The step index, brought up to date with this snapshot's workspaces.
    /// It is shared by every snapshot of one host; each reader refreshes it
    /// from its own, so an index refreshed by a newer snapshot is brought
    /// back for an older one (files are told apart by their stamps).
    pub fn steps(&self) -> MutexGuard<'_, StepIndex> {
        let mut steps = self.steps.lock().unwrap_or_else(|e| e.into_inner());
        steps.refresh(self.roots.iter().enumerate().map(|(i, r)| (i, &*r.ws)));
        steps
    }
}
