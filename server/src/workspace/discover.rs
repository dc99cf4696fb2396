//! Finding workspace roots and listing their files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::kind::{ChangeRef, FileKind};
use super::ReadProblem;

/// A folder is a workspace root when it holds an `openspec/` folder with
/// `specs/`, `changes/`, a `config.yaml`/`config.yml` or a legacy `project.md`.
pub fn is_root(dir: &Path) -> bool {
    let o = dir.join("openspec");
    o.join("specs").is_dir()
        || o.join("changes").is_dir()
        || o.join("config.yaml").is_file()
        || o.join("config.yml").is_file()
        || o.join("project.md").is_file()
}

/// The workspace roots for `path`: the nearest root at or above it, or else
/// every root below it (so that a folder of several projects can be
/// checked at once).
pub fn find_roots(path: &Path) -> Result<Vec<PathBuf>, String> {
    let abs = std::fs::canonicalize(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let start = if abs.is_file() {
        abs.parent().map(Path::to_path_buf).unwrap_or(abs.clone())
    } else {
        abs.clone()
    };
    for dir in start.ancestors() {
        // `openspec/` itself names its parent.
        if dir.file_name().is_some_and(|n| n == "openspec") {
            if let Some(parent) = dir.parent() {
                if is_root(parent) {
                    return Ok(vec![parent.to_path_buf()]);
                }
            }
        }
        if is_root(dir) {
            return Ok(vec![dir.to_path_buf()]);
        }
    }
    let mut roots = Vec::new();
    let walker = ignore::WalkBuilder::new(&start)
        .hidden(true)
        .require_git(false)
        .follow_links(false)
        .max_depth(Some(8))
        .filter_entry(|e| {
            let name = e.file_name();
            name != "node_modules" && name != "openspec" && name != "target"
        })
        .build();
    for entry in walker.flatten() {
        if entry.file_type().is_some_and(|t| t.is_dir()) && is_root(entry.path()) {
            roots.push(entry.path().to_path_buf());
        }
    }
    roots.sort();
    Ok(roots)
}

#[derive(Clone, Debug)]
pub struct ListedFile {
    /// Relative to the root, starting with `openspec/`.
    pub rel: String,
    pub kind: FileKind,
    pub size: u64,
    /// Whether the file is read (Markdown and change metadata).
    pub wanted: bool,
}

#[derive(Debug, Default)]
pub struct Listing {
    pub files: Vec<ListedFile>,
    /// Every folder directly under `changes/` and `changes/archive/`.
    pub change_dirs: Vec<ChangeRef>,
    /// Folders below `changes/<id>/` (relative to `changes/<id>/`), for
    /// finding namespace folders.
    pub change_subdirs: BTreeMap<ChangeRef, Vec<String>>,
    pub problems: Vec<ReadProblem>,
    pub local_schemas: BTreeSet<String>,
}

/// Lists the files under `root/openspec`, honouring `.gitignore`, skipping
/// hidden folders, and never following a link to a folder (so link loops
/// cannot trap the walk). A link to a file is read when it stays inside the
/// workspace.
pub fn list(root: &Path) -> Listing {
    let mut out = Listing::default();
    let base = root.join("openspec");
    let canonical_root = std::fs::canonicalize(root).unwrap_or(root.to_path_buf());
    let walker = ignore::WalkBuilder::new(&base)
        .hidden(false)
        .require_git(false)
        .follow_links(false)
        .filter_entry(|e| {
            !(e.depth() > 0
                && e.file_type().is_some_and(|t| t.is_dir())
                && e.file_name().to_string_lossy().starts_with('.'))
        })
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let rel = err_path(&err).map(|p| rel_of(root, &p)).unwrap_or_default();
                out.problems.push(ReadProblem {
                    rel,
                    message: format!("could not list: {err}"),
                });
                continue;
            }
        };
        let Some(ft) = entry.file_type() else {
            continue;
        };
        let rel = rel_of(root, entry.path());
        let inner = rel.strip_prefix("openspec/").unwrap_or(&rel).to_string();
        if ft.is_dir() {
            record_dir(&mut out, &inner);
            continue;
        }
        let size = if ft.is_symlink() {
            match std::fs::canonicalize(entry.path()) {
                Ok(target) if target.starts_with(&canonical_root) && target.is_file() => {
                    target.metadata().map(|m| m.len()).unwrap_or(0)
                }
                Ok(target) if target.is_dir() => continue,
                _ => {
                    out.problems.push(ReadProblem {
                        rel,
                        message: "skipped: the link points outside the workspace or nowhere".into(),
                    });
                    continue;
                }
            }
        } else {
            entry.metadata().map(|m| m.len()).unwrap_or(0)
        };
        if let Some(name) = inner
            .strip_prefix("schemas/")
            .and_then(|r| r.strip_suffix("/schema.yaml"))
        {
            if !name.contains('/') {
                out.local_schemas.insert(name.to_string());
            }
        }
        let kind = FileKind::classify(&inner);
        let wanted = inner.to_lowercase().ends_with(".md")
            || matches!(kind, FileKind::ChangeMeta { .. } | FileKind::ProjectConfig);
        out.files.push(ListedFile {
            rel,
            kind,
            size,
            wanted,
        });
    }
    out.files.sort_by(|a, b| a.rel.cmp(&b.rel));
    out
}

fn err_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } => err_path(err),
        ignore::Error::WithLineNumber { err, .. } => err_path(err),
        _ => None,
    }
}

fn rel_of(root: &Path, p: &Path) -> String {
    let rel = p.strip_prefix(root).unwrap_or(p);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

pub fn record_dir(out: &mut Listing, inner: &str) {
    let parts: Vec<&str> = inner.split('/').collect();
    match parts.as_slice() {
        ["changes", "archive", id] => out.change_dirs.push(ChangeRef {
            id: id.to_string(),
            archived: true,
        }),
        ["changes", id] if *id != "archive" => out.change_dirs.push(ChangeRef {
            id: id.to_string(),
            archived: false,
        }),
        ["changes", id, rest @ ..] if *id != "archive" && !rest.is_empty() => {
            out.change_subdirs
                .entry(ChangeRef {
                    id: id.to_string(),
                    archived: false,
                })
                .or_default()
                .push(rest.join("/"));
        }
        _ => {}
    }
}

/// `openspec/changes/<id>/rest` → the active change and `rest`.
pub fn change_of(rel: &str) -> Option<(ChangeRef, &str)> {
    let inner = rel.strip_prefix("openspec/changes/")?;
    let (id, rest) = inner.split_once('/')?;
    if id == "archive" {
        return None;
    }
    Some((
        ChangeRef {
            id: id.to_string(),
            archived: false,
        },
        rest,
    ))
}

const CHANGE_MARKERS: &[&str] = &[".openspec.yaml", "proposal.md", "tasks.md", "design.md"];

/// Active change folders that hold no file of their own and only wrap
/// other change folders (OpenSpec's nested-change rule, three levels deep).
pub fn nested_changes(listing: &Listing) -> Vec<(ChangeRef, Vec<String>)> {
    let mut files_by_change: BTreeMap<ChangeRef, Vec<&str>> = BTreeMap::new();
    for f in &listing.files {
        if let Some((c, rest)) = change_of(&f.rel) {
            files_by_change.entry(c).or_default().push(rest);
        }
    }
    let mut out = Vec::new();
    for c in listing.change_dirs.iter().filter(|c| !c.archived) {
        let files = files_by_change.get(c).cloned().unwrap_or_default();
        let looks_like_change = |prefix: &str| {
            files.iter().any(|f| {
                let Some(r) = f.strip_prefix(prefix) else {
                    return false;
                };
                CHANGE_MARKERS.contains(&r)
                    || (r.starts_with("specs/") && !r.split('/').any(|s| s.starts_with('.')))
            })
        };
        if looks_like_change("") {
            continue;
        }
        let own_file = files
            .iter()
            .any(|f| !f.contains('/') && !f.starts_with('.'));
        if own_file {
            continue;
        }
        let mut nested = Vec::new();
        let subdirs = listing.change_subdirs.get(c).cloned().unwrap_or_default();
        for d in &subdirs {
            let depth = d.split('/').count();
            if depth > 3 || d.split('/').any(|s| s.starts_with('.')) {
                continue;
            }
            let prefix = format!("{d}/");
            // Only the shallowest folder that looks like a change counts.
            let parent_is_change = subdirs
                .iter()
                .any(|p| d.starts_with(&format!("{p}/")) && looks_like_change(&format!("{p}/")));
            if !parent_is_change && looks_like_change(&prefix) {
                nested.push(format!("{}/{}", c.id, d));
            }
        }
        if !nested.is_empty() {
            nested.sort();
            out.push((c.clone(), nested));
        }
    }
    out
}
