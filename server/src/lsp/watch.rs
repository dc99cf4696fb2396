//! Noticing files changed outside the editor (a `git checkout`, another
//! tool): through the client's watcher when it can register one, else with
//! the `notify` crate. Either way events land in `State::files_changed`.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify::{RecommendedWatcher, RecursiveMode, Watcher};
use tower_lsp_server::ls_types::*;

use super::state::FsChange;

/// The dynamic registration of `workspace/didChangeWatchedFiles`: every
/// file under an `openspec/` folder, the settings file, and ignore files.
pub fn registration() -> Registration {
    let watchers: Vec<FileSystemWatcher> = ["**/openspec/**", "**/specls.toml", "**/.gitignore"]
        .into_iter()
        .map(|g| FileSystemWatcher {
            glob_pattern: GlobPattern::String(g.to_string()),
            kind: None,
        })
        .collect();
    Registration {
        id: "specls/watch".to_string(),
        method: "workspace/didChangeWatchedFiles".to_string(),
        register_options: serde_json::to_value(DidChangeWatchedFilesRegistrationOptions {
            watchers,
        })
        .ok(),
    }
}

/// A file-system watcher over each root's `openspec/` folder and its
/// `specls.toml`. Events are batched for 50 ms, so a checkout that touches
/// a thousand files is applied once.
pub struct Fallback {
    watcher: RecommendedWatcher,
}

impl Fallback {
    pub fn start(
        roots: &[PathBuf],
        apply: impl Fn(Vec<(PathBuf, FsChange)>) + Send + 'static,
    ) -> notify::Result<Fallback> {
        let (tx, rx) = mpsc::channel::<notify::Result<notify::Event>>();
        let watcher = notify::recommended_watcher(tx)?;
        let mut me = Fallback { watcher };
        for root in roots {
            me.add(root);
        }
        std::thread::Builder::new()
            .name("specls-watch".to_string())
            .spawn(move || batch(rx, apply))
            .map_err(|e| notify::Error::generic(&e.to_string()))?;
        Ok(me)
    }

    /// Watches one more root: its `openspec/` folder, and the root itself
    /// (not recursively) for `specls.toml`. A folder that cannot be watched
    /// is left out; its files are still read when opened.
    pub fn add(&mut self, root: &Path) {
        let spec = root.join("openspec");
        if spec.is_dir() {
            let _ = self.watcher.watch(&spec, RecursiveMode::Recursive);
        }
        let _ = self.watcher.watch(root, RecursiveMode::NonRecursive);
    }
}

fn batch(
    rx: mpsc::Receiver<notify::Result<notify::Event>>,
    apply: impl Fn(Vec<(PathBuf, FsChange)>),
) {
    while let Ok(first) = rx.recv() {
        let mut events = Vec::new();
        collect(first, &mut events);
        while let Ok(more) = rx.recv_timeout(Duration::from_millis(50)) {
            collect(more, &mut events);
        }
        events.dedup();
        apply(events);
    }
}

fn collect(event: notify::Result<notify::Event>, out: &mut Vec<(PathBuf, FsChange)>) {
    let Ok(event) = event else { return };
    use notify::EventKind;
    let kind = match event.kind {
        EventKind::Create(_) => FsChange::Created,
        EventKind::Remove(_) => FsChange::Deleted,
        EventKind::Modify(notify::event::ModifyKind::Name(_)) => {
            // A rename: whichever side exists now was created.
            for p in event.paths {
                let k = if Path::new(&p).exists() {
                    FsChange::Created
                } else {
                    FsChange::Deleted
                };
                out.push((p, k));
            }
            return;
        }
        EventKind::Modify(_) => FsChange::Changed,
        _ => return,
    };
    out.extend(event.paths.into_iter().map(|p| (p, kind)));
}
