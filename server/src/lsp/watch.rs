//! Noticing files changed outside the editor (a `git checkout`, another
//! tool): through the client's watcher when it can register one, else with
//! the `notify` crate. Either way events land in `State::files_changed`.

use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use notify::RecursiveMode;
#[cfg(not(target_os = "linux"))]
use notify::{RecommendedWatcher, Watcher};
use tower_lsp_server::ls_types::*;

use super::state::FsChange;

/// The folders under a root that hold spec files of some format (OpenSpec,
/// Spec Kit, Kiro).
const TREES: &[&str] = &["openspec", "specs", ".specify", "memory", ".kiro"];

/// The dynamic registration of `workspace/didChangeWatchedFiles`: every
/// file of a spec format's tree, the settings file, and ignore files.
pub fn registration() -> Registration {
    let watchers: Vec<FileSystemWatcher> = [
        "**/openspec/**",
        "**/specs/**",
        "**/.specify/memory/**",
        "**/memory/constitution.md",
        "**/.kiro/**",
        "**/specls.toml",
        "**/.gitignore",
    ]
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

/// A file-system watcher over each root's spec trees (`openspec/`, Spec
/// Kit's `specs/`, `.specify/` and `memory/`, `.kiro/`) and its
/// `specls.toml`. Events are batched for 50 ms, so a checkout that touches
/// a thousand files is applied once.
///
/// An inotify watch dies with its folder: after `rm -rf openspec` and a
/// copy put back (a branch switch, a restore), nothing under the new folder
/// would ever be seen again. So whenever an `openspec/` folder itself is
/// created, removed or renamed (or any other tree's folder), or the kernel dropped events, it is watched
/// afresh and every file in it is announced as changed: files written
/// before the new watch took hold are read too.
pub struct Fallback {
    shared: Arc<Mutex<Shared>>,
}

struct Shared {
    /// `None` once the [`Fallback`] is dropped: the watcher goes, and with
    /// it the sender the batching thread waits on, which then ends.
    watcher: Option<Backend>,
    roots: Vec<PathBuf>,
}

impl Fallback {
    pub fn start(
        roots: &[PathBuf],
        apply: impl Fn(Vec<(PathBuf, FsChange)>) + Send + 'static,
    ) -> notify::Result<Fallback> {
        let (tx, rx) = mpsc::channel::<notify::Result<notify::Event>>();
        let watcher = backend(tx)?;
        let shared = Arc::new(Mutex::new(Shared {
            watcher: Some(watcher),
            roots: Vec::new(),
        }));
        let mut me = Fallback {
            shared: shared.clone(),
        };
        for root in roots {
            me.add(root);
        }
        std::thread::Builder::new()
            .name("specls-watch".to_string())
            .spawn(move || batch(rx, &shared, apply))
            .map_err(|e| notify::Error::generic(&e.to_string()))?;
        Ok(me)
    }

    /// Watches one more root: its spec trees, and the root itself (not
    /// recursively) for `specls.toml` and for those folders coming and
    /// going. A folder that cannot be watched is left out; its
    /// files are still read when opened.
    pub fn add(&mut self, root: &Path) {
        let mut shared = self.shared.lock().unwrap_or_else(|e| e.into_inner());
        if shared.roots.iter().any(|r| r == root) {
            return;
        }
        let Some(watcher) = shared.watcher.as_mut() else {
            return;
        };
        for tree in TREES {
            let dir = root.join(tree);
            if dir.is_dir() {
                let _ = watcher.watch(&dir, RecursiveMode::Recursive);
            }
        }
        let _ = watcher.watch(root, RecursiveMode::NonRecursive);
        shared.roots.push(root.to_path_buf());
    }
}

impl Drop for Fallback {
    fn drop(&mut self) {
        lock(&self.shared).watcher = None;
    }
}

fn lock(shared: &Mutex<Shared>) -> std::sync::MutexGuard<'_, Shared> {
    shared.lock().unwrap_or_else(|e| e.into_inner())
}

fn batch(
    rx: mpsc::Receiver<notify::Result<notify::Event>>,
    shared: &Mutex<Shared>,
    apply: impl Fn(Vec<(PathBuf, FsChange)>),
) {
    while let Ok(first) = rx.recv() {
        if !matters(&first) {
            continue;
        }
        let mut raw = vec![first];
        let mut until = Instant::now() + QUIET;
        while let Some(left) = until.checked_duration_since(Instant::now()) {
            match rx.recv_timeout(left) {
                Ok(more) if matters(&more) => {
                    raw.push(more);
                    until = Instant::now() + QUIET;
                }
                Ok(_) => {}
                Err(_) => break,
            }
        }
        let rescan = raw.iter().any(|e| match e {
            Ok(e) => e.need_rescan(),
            // An error from the watcher may mean lost events.
            Err(_) => true,
        });
        let mut touched: Vec<PathBuf> = Vec::new();
        let mut events = Vec::new();
        for e in raw {
            if let Some(e) = e.as_ref().ok().filter(|e| is_structural(&e.kind)) {
                touched.extend(e.paths.iter().cloned());
            }
            collect(e, &mut events);
        }
        // A folder created inside a watched tree is watched from the moment
        // its event is seen; what was written into it before that (a copy
        // that paused, under load) has no event of its own.
        let created_dirs: Vec<PathBuf> = events
            .iter()
            .filter(|(p, k)| *k == FsChange::Created && p.is_dir())
            .map(|(p, _)| p.clone())
            .collect();
        for dir in created_dirs {
            files_under(&dir, &mut events);
        }
        let roots = lock(shared).roots.clone();
        for root in roots {
            for tree in TREES {
                let dir = root.join(tree);
                if rescan || touched.contains(&dir) {
                    rewatch(shared, &root, &dir, &mut events);
                }
            }
        }
        events.dedup();
        apply(events);
    }
}

/// How long a batch waits for more changes after its last one.
const QUIET: Duration = Duration::from_millis(50);

/// Whether an event can change what the server knows. inotify reports
/// every open of a watched file, and the server's own indexing opens each
/// one: at 98,000 files those events, held until the batch ended, cost
/// memory, and since a read went on extending the batch, a change made
/// during indexing waited for all of it. They are dropped as they come.
fn matters(event: &notify::Result<notify::Event>) -> bool {
    match event {
        Ok(e) => e.need_rescan() || !matches!(e.kind, notify::EventKind::Access(_)),
        Err(_) => true,
    }
}

/// Watches `spec` afresh and announces every file in it as changed.
fn rewatch(shared: &Mutex<Shared>, root: &Path, spec: &Path, out: &mut Vec<(PathBuf, FsChange)>) {
    {
        let mut shared = lock(shared);
        let Some(watcher) = shared.watcher.as_mut() else {
            return;
        };
        let _ = watcher.unwatch(spec);
        if !spec.is_dir() {
            return;
        }
        let _ = watcher.watch(spec, RecursiveMode::Recursive);
    }
    // Listed after the watch is in place: a file written in between is
    // both listed and reported, never neither.
    let listing = crate::workspace::discover::list(root);
    out.extend(
        listing
            .files
            .into_iter()
            .map(|f| (root.join(&*f.rel), FsChange::Created)),
    );
}

/// Announces every file under `dir` as created (links are not followed, so
/// a link loop cannot keep it going).
fn files_under(dir: &Path, out: &mut Vec<(PathBuf, FsChange)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            files_under(&entry.path(), out);
        } else if kind.is_file() {
            out.push((entry.path(), FsChange::Created));
        }
    }
}

/// Whether an event can mean that a folder came or went. Reading a folder
/// (as `rewatch` itself does) reports an `Access` event on it; taking that
/// for a new folder would rewatch and list it again, forever.
fn is_structural(kind: &notify::EventKind) -> bool {
    use notify::event::ModifyKind;
    use notify::EventKind;
    matches!(
        kind,
        EventKind::Create(_) | EventKind::Remove(_) | EventKind::Modify(ModifyKind::Name(_))
    )
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

/// The watcher behind [`Fallback`]: `inotify` itself on Linux, `notify`
/// elsewhere.
#[cfg(not(target_os = "linux"))]
type Backend = RecommendedWatcher;
#[cfg(target_os = "linux")]
type Backend = linux::Inotify;

#[cfg(not(target_os = "linux"))]
fn backend(tx: mpsc::Sender<notify::Result<notify::Event>>) -> notify::Result<Backend> {
    notify::recommended_watcher(tx)
}
#[cfg(target_os = "linux")]
fn backend(tx: mpsc::Sender<notify::Result<notify::Event>>) -> notify::Result<Backend> {
    linux::Inotify::start(tx)
}

/// inotify without `notify`: `notify` 8 asks for an event at every open of
/// a watched file, and the index opens every one (98,000 at the largest
/// scale measured); generating, reading and dropping those took a third of
/// the server's CPU while it indexed. Events come out as `notify` events,
/// so the batching above is the same on every system.
#[cfg(target_os = "linux")]
mod linux {
    use std::collections::HashMap;
    use std::os::fd::AsRawFd;
    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{mpsc, Arc, Mutex};

    use inotify::{EventMask, WatchDescriptor, WatchMask, Watches};
    use notify::event::{
        CreateKind, DataChange, Flag, MetadataKind, ModifyKind, RemoveKind, RenameMode,
    };
    use notify::{Event, EventKind, RecursiveMode};

    #[derive(Default)]
    struct Table {
        /// Each watched folder and whether folders created in it are
        /// watched too.
        dirs: HashMap<WatchDescriptor, (PathBuf, bool)>,
        by_path: HashMap<PathBuf, WatchDescriptor>,
    }

    pub struct Inotify {
        watches: Watches,
        table: Arc<Mutex<Table>>,
        stop: Arc<AtomicBool>,
    }

    fn mask() -> WatchMask {
        WatchMask::ATTRIB
            | WatchMask::CREATE
            | WatchMask::DELETE
            | WatchMask::CLOSE_WRITE
            | WatchMask::MODIFY
            | WatchMask::MOVED_FROM
            | WatchMask::MOVED_TO
            | WatchMask::DELETE_SELF
            | WatchMask::MOVE_SELF
    }

    fn lock(t: &Mutex<Table>) -> std::sync::MutexGuard<'_, Table> {
        t.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Watches `dir`, and with `recursive` every folder under it (links
    /// not followed).
    fn add(
        watches: &mut Watches,
        table: &Mutex<Table>,
        dir: &Path,
        recursive: bool,
    ) -> std::io::Result<()> {
        let wd = watches.add(dir, mask())?;
        {
            let mut t = lock(table);
            t.dirs.insert(wd.clone(), (dir.to_path_buf(), recursive));
            t.by_path.insert(dir.to_path_buf(), wd);
        }
        if recursive {
            for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                if e.file_type().is_ok_and(|t| t.is_dir()) {
                    let _ = add(watches, table, &e.path(), true);
                }
            }
        }
        Ok(())
    }

    impl Inotify {
        pub fn start(tx: mpsc::Sender<notify::Result<Event>>) -> notify::Result<Inotify> {
            let ino = inotify::Inotify::init().map_err(notify::Error::io)?;
            let me = Inotify {
                watches: ino.watches(),
                table: Arc::default(),
                stop: Arc::default(),
            };
            let (watches, table, stop) = (me.watches.clone(), me.table.clone(), me.stop.clone());
            std::thread::Builder::new()
                .name("specls-inotify".to_string())
                .spawn(move || read(ino, watches, &table, &stop, &tx))
                .map_err(notify::Error::io)?;
            Ok(me)
        }

        pub fn watch(&mut self, dir: &Path, mode: RecursiveMode) -> notify::Result<()> {
            add(
                &mut self.watches,
                &self.table,
                dir,
                mode == RecursiveMode::Recursive,
            )
            .map_err(notify::Error::io)
        }

        /// Stops watching `dir` and every folder under it.
        pub fn unwatch(&mut self, dir: &Path) -> notify::Result<()> {
            let gone: Vec<WatchDescriptor> = {
                let mut t = lock(&self.table);
                let paths: Vec<PathBuf> = t
                    .by_path
                    .keys()
                    .filter(|p| p.starts_with(dir))
                    .cloned()
                    .collect();
                let mut gone = Vec::new();
                for p in paths {
                    if let Some(wd) = t.by_path.remove(&p) {
                        t.dirs.remove(&wd);
                        gone.push(wd);
                    }
                }
                gone
            };
            for wd in gone {
                let _ = self.watches.remove(wd);
            }
            Ok(())
        }
    }

    impl Drop for Inotify {
        fn drop(&mut self) {
            self.stop.store(true, Ordering::SeqCst);
        }
    }

    /// Reads events until the watcher is dropped or nobody listens.
    fn read(
        mut ino: inotify::Inotify,
        mut watches: Watches,
        table: &Mutex<Table>,
        stop: &AtomicBool,
        tx: &mpsc::Sender<notify::Result<Event>>,
    ) {
        let mut buf = vec![0u8; 64 * 1024];
        while !stop.load(Ordering::SeqCst) {
            let mut pfd = libc::pollfd {
                fd: ino.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one valid pollfd, for a descriptor this thread owns.
            let n = unsafe { libc::poll(&mut pfd, 1, 100) };
            if n <= 0 {
                continue;
            }
            let events = match ino.read_events(&mut buf) {
                Ok(e) => e,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
                Err(e) => {
                    let _ = tx.send(Err(notify::Error::io(e)));
                    return;
                }
            };
            let mut out = Vec::new();
            for ev in events {
                if ev.mask.contains(EventMask::Q_OVERFLOW) {
                    out.push(Event::new(EventKind::Other).set_flag(Flag::Rescan));
                    continue;
                }
                let Some((dir, recursive)) = lock(table).dirs.get(&ev.wd).cloned() else {
                    continue;
                };
                if ev.mask.contains(EventMask::IGNORED) {
                    let mut t = lock(table);
                    if let Some((p, _)) = t.dirs.remove(&ev.wd) {
                        if t.by_path.get(&p) == Some(&ev.wd) {
                            t.by_path.remove(&p);
                        }
                    }
                    continue;
                }
                let path = match ev.name {
                    Some(name) => dir.join(name),
                    None => dir.clone(),
                };
                let is_dir = ev.mask.contains(EventMask::ISDIR);
                let kind = if ev.mask.contains(EventMask::CREATE) {
                    EventKind::Create(if is_dir {
                        CreateKind::Folder
                    } else {
                        CreateKind::File
                    })
                } else if ev
                    .mask
                    .intersects(EventMask::MOVED_FROM | EventMask::MOVED_TO)
                {
                    EventKind::Modify(ModifyKind::Name(RenameMode::Any))
                } else if ev
                    .mask
                    .intersects(EventMask::DELETE | EventMask::DELETE_SELF | EventMask::MOVE_SELF)
                {
                    EventKind::Remove(if is_dir {
                        RemoveKind::Folder
                    } else {
                        RemoveKind::Any
                    })
                } else if ev.mask.contains(EventMask::ATTRIB) {
                    EventKind::Modify(ModifyKind::Metadata(MetadataKind::Any))
                } else if ev
                    .mask
                    .intersects(EventMask::MODIFY | EventMask::CLOSE_WRITE)
                {
                    EventKind::Modify(ModifyKind::Data(DataChange::Any))
                } else {
                    continue;
                };
                // A folder made (or moved) inside a watched tree is
                // watched from now on, as `notify` does.
                if recursive
                    && is_dir
                    && ev.mask.intersects(EventMask::CREATE | EventMask::MOVED_TO)
                {
                    let _ = add(&mut watches, table, &path, true);
                }
                out.push(Event::new(kind).add_path(path));
            }
            for e in out {
                if tx.send(Ok(e)).is_err() {
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    fn write(root: &Path, rel: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "# x\n").unwrap();
    }

    /// Waits until `count` stops moving for `quiet`, or `limit` passes;
    /// returns its value then.
    fn settle(count: &AtomicUsize, quiet: Duration, limit: Duration) -> usize {
        let start = std::time::Instant::now();
        let mut last = count.load(Ordering::SeqCst);
        let mut since = std::time::Instant::now();
        while start.elapsed() < limit {
            std::thread::sleep(Duration::from_millis(20));
            let now = count.load(Ordering::SeqCst);
            if now != last {
                last = now;
                since = std::time::Instant::now();
            } else if since.elapsed() >= quiet {
                break;
            }
        }
        last
    }

    /// Reading the trees (as every index and every rewatch does) must not
    /// count as a change: it once set off a rewatch that read them again,
    /// without end, and the debounced diagnostics never came.
    #[test]
    fn reading_the_trees_is_not_a_change() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        write(&root, ".kiro/specs/a/tasks.md");
        write(&root, "specs/001-a/spec.md");
        write(&root, "openspec/specs/a/spec.md");
        let batches = Arc::new(AtomicUsize::new(0));
        let seen = batches.clone();
        let _w = Fallback::start(std::slice::from_ref(&root), move |events| {
            if !events.is_empty() {
                seen.fetch_add(1, Ordering::SeqCst);
            }
        })
        .unwrap();
        for _ in 0..3 {
            let listing = crate::workspace::discover::list(&root);
            for f in &listing.files {
                std::fs::read(root.join(&*f.rel)).unwrap();
            }
        }
        let n = settle(&batches, Duration::from_millis(500), Duration::from_secs(5));
        assert_eq!(
            n, 0,
            "reading the files was taken for {n} batches of changes"
        );

        // A real change is still seen, once.
        write(&root, ".kiro/specs/a/design.md");
        let n = settle(&batches, Duration::from_millis(500), Duration::from_secs(5));
        assert_eq!(n, 1, "one new file, {n} batches");
    }

    /// Files read without pause (an index of a large tree) must not hold
    /// back a change made meanwhile: each open once extended the batch, so
    /// the change waited until the reading stopped.
    #[test]
    fn a_change_is_seen_while_files_are_being_read() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        write(&root, "openspec/specs/a/spec.md");
        let seen: Arc<Mutex<Vec<(PathBuf, FsChange)>>> = Arc::default();
        let sink = seen.clone();
        let _w = Fallback::start(std::slice::from_ref(&root), move |events| {
            sink.lock().unwrap().extend(events);
        })
        .unwrap();
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let reader = {
            let stop = stop.clone();
            let file = root.join("openspec/specs/a/spec.md");
            std::thread::spawn(move || {
                let start = std::time::Instant::now();
                while !stop.load(Ordering::SeqCst) && start.elapsed() < Duration::from_secs(10) {
                    std::fs::read(&file).unwrap();
                    std::thread::sleep(Duration::from_millis(2));
                }
            })
        };
        std::thread::sleep(Duration::from_millis(200));
        write(&root, "openspec/specs/b/spec.md");
        let new = root.join("openspec/specs/b/spec.md");
        let deadline = std::time::Instant::now() + Duration::from_secs(3);
        let found = loop {
            if seen.lock().unwrap().iter().any(|(p, _)| *p == new) {
                break true;
            }
            if std::time::Instant::now() > deadline {
                break false;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        stop.store(true, Ordering::SeqCst);
        reader.join().unwrap();
        assert!(found, "the new file was not announced while reads went on");
    }

    /// Opening and reading files sends nothing at all from the watcher on
    /// Linux: the index opens every file, and each open as an event cost
    /// a third of the server's CPU while it indexed the largest trees.
    #[cfg(target_os = "linux")]
    #[test]
    fn reads_are_not_even_reported() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        write(&root, "openspec/specs/a/spec.md");
        write(&root, "openspec/changes/c/tasks.md");
        let (tx, rx) = mpsc::channel();
        let mut w = backend(tx).unwrap();
        w.watch(&root.join("openspec"), RecursiveMode::Recursive)
            .unwrap();
        for _ in 0..3 {
            let listing = crate::workspace::discover::list(&root);
            for f in &listing.files {
                std::fs::read(root.join(&*f.rel)).unwrap();
            }
        }
        let got = rx.recv_timeout(Duration::from_millis(300));
        assert!(got.is_err(), "reading sent {got:?}");
        // A folder made after the watch was placed is watched too.
        let wait_for = |want: &Path| {
            let deadline = std::time::Instant::now() + Duration::from_secs(3);
            while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
                match rx.recv_timeout(left) {
                    Ok(Ok(e)) if e.paths.iter().any(|p| p == want) => return true,
                    Ok(_) => {}
                    Err(_) => break,
                }
            }
            false
        };
        let new_dir = root.join("openspec/changes/d");
        std::fs::create_dir(&new_dir).unwrap();
        assert!(wait_for(&new_dir), "the new folder was not reported");
        std::thread::sleep(Duration::from_millis(100));
        write(&root, "openspec/changes/d/tasks.md");
        assert!(
            wait_for(&new_dir.join("tasks.md")),
            "a file in the new folder was not reported"
        );
    }

    fn copy_tree(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                copy_tree(&e.path(), &to.join(e.file_name()));
            } else {
                std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
            }
        }
    }

    /// `rm -rf openspec` and a copy put back (a branch switch): every file
    /// of the copy is announced, though the folder's old watch died with
    /// it.
    #[test]
    fn a_tree_removed_and_put_back_is_announced_again() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        let rels: Vec<String> = (0..6)
            .flat_map(|i| {
                [
                    format!("openspec/specs/cap-{i}/spec.md"),
                    format!("openspec/changes/ch-{i}/specs/cap-{i}/spec.md"),
                    format!("openspec/changes/ch-{i}/tasks.md"),
                ]
            })
            .collect();
        for rel in &rels {
            write(&root, rel);
        }
        let backup = tempfile::tempdir().unwrap();
        copy_tree(&root.join("openspec"), backup.path());
        let seen: Arc<Mutex<Vec<(PathBuf, FsChange)>>> = Arc::default();
        let sink = seen.clone();
        let _w = Fallback::start(std::slice::from_ref(&root), move |events| {
            sink.lock().unwrap().extend(events);
        })
        .unwrap();
        for round in 0..3 {
            std::fs::remove_dir_all(root.join("openspec")).unwrap();
            copy_tree(backup.path(), &root.join("openspec"));
            let count = AtomicUsize::new(0);
            let deadline = std::time::Instant::now() + Duration::from_secs(5);
            loop {
                std::thread::sleep(Duration::from_millis(100));
                let events = seen.lock().unwrap();
                // Every file's last event says it is there.
                let mut last: std::collections::HashMap<&PathBuf, FsChange> = Default::default();
                for (p, k) in events.iter() {
                    last.insert(p, *k);
                }
                let missing: Vec<&String> = rels
                    .iter()
                    .filter(|r| {
                        !matches!(
                            last.get(&root.join(r)),
                            Some(FsChange::Created) | Some(FsChange::Changed)
                        )
                    })
                    .collect();
                count.store(missing.len(), Ordering::SeqCst);
                if missing.is_empty() {
                    break;
                }
                assert!(
                    std::time::Instant::now() < deadline,
                    "round {round}: never announced again: {missing:?}"
                );
            }
            seen.lock().unwrap().clear();
        }
    }

    /// A dropped watcher's thread ends (and drops what it calls back
    /// with): each session the lsp fuzz target served in one process once
    /// left two threads and the server's state behind.
    #[test]
    fn a_dropped_watcher_ends_its_thread() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        write(&root, "openspec/specs/a/spec.md");
        let held = Arc::new(());
        let in_thread = held.clone();
        let w = Fallback::start(std::slice::from_ref(&root), move |_| {
            let _ = &in_thread;
        })
        .unwrap();
        assert_eq!(Arc::strong_count(&held), 2);
        drop(w);
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while Arc::strong_count(&held) > 1 && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(
            Arc::strong_count(&held),
            1,
            "the watcher's thread still runs after it was dropped"
        );
    }
}
