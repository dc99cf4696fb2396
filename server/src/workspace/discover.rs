//! Finding workspace roots and listing their files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::kind::{ChangeRef, FileKind, Formats};
use ignore::gitignore::{Gitignore, GitignoreBuilder};

use super::ReadProblem;

/// A folder is a workspace root when it holds the tree of a spec format
/// (dialect-formats section 2): see [`formats`].
pub fn is_root(dir: &Path) -> bool {
    formats(dir).any()
}

/// The spec formats whose trees `dir` holds: OpenSpec when it holds an
/// `openspec/` folder with `specs/`, `changes/`, a `config.yaml`/`config.yml`
/// or a legacy `project.md`; Spec Kit when it holds `.specify/`, or the
/// legacy `memory/constitution.md` beside `specs/`; Kiro when it holds
/// `.kiro/specs/` or `.kiro/steering/`.
///
/// Spec Kit features with neither marker (the `.specify/` folder was not
/// committed, as in one of the nine Spec Kit repositories of the corpus)
/// are a root only when a feature folder under `specs/` holds a file that
/// opens with the title of Spec Kit's own template (see
/// [`has_speckit_templates`]): `specs/` alone is too common a name to claim.
pub fn formats(dir: &Path) -> Formats {
    let real_dir = |p: &Path| std::fs::symlink_metadata(p).is_ok_and(|m| m.is_dir());
    let specs = dir.join("specs");
    Formats {
        openspec: is_openspec_root(dir),
        speckit: real_dir(&dir.join(".specify"))
            || (dir.join("memory/constitution.md").is_file() && real_dir(&specs))
            || (real_dir(&specs) && has_speckit_templates(dir, &specs)),
        kiro: crate::formats::kiro::roots::is_root(dir),
    }
}

/// The titles Spec Kit's templates give a feature's spec and plan
/// (`# Feature Specification: …`, `# Implementation Plan: …`). In the
/// Spec Kit corpus, every tree with features has files that open so (229
/// of 502; most of the rest use speckit-companion's own `# Spec` preset,
/// in a tree with `.specify/`); no file of the OpenSpec corpus does.
const SPECKIT_TITLES: [(&str, &str); 2] = [
    ("spec.md", "# Feature Specification"),
    ("plan.md", "# Implementation Plan"),
];

/// How many feature folders of an unmarked `specs/` are looked into before
/// giving up: enough for a tree whose first features lack the titles, and
/// bounded for a `specs/` of thousands of unrelated folders.
const UNMARKED_PROBES: usize = 32;

/// Whether some `specs/<feature>/` of `dir` holds a spec.md or plan.md
/// opening with its Spec Kit template title. `openspec/` and `.kiro/` are
/// never Spec Kit roots: their own `specs/` folders mean something else.
fn has_speckit_templates(dir: &Path, specs: &Path) -> bool {
    if matches!(
        dir.file_name().and_then(|n| n.to_str()),
        Some("openspec" | ".kiro")
    ) {
        return false;
    }
    let Ok(entries) = std::fs::read_dir(specs) else {
        return false;
    };
    let mut probed = 0;
    for e in entries.flatten() {
        if !e.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        probed += 1;
        if probed > UNMARKED_PROBES {
            return false;
        }
        for (file, title) in SPECKIT_TITLES {
            let Ok(bytes) = super::read_regular(&e.path().join(file)) else {
                continue;
            };
            let text = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]);
            let first = text
                .trim_start_matches('\u{feff}')
                .lines()
                .find(|l| !l.trim().is_empty());
            if first.is_some_and(|l| l.trim_start().starts_with(title)) {
                return true;
            }
        }
    }
    false
}

fn is_openspec_root(dir: &Path) -> bool {
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
    if let Some(root) = root_above(&start) {
        return Ok(vec![root]);
    }
    let mut roots = Vec::new();
    walk_for_roots(&start, 0, &mut Vec::new(), &mut roots);
    roots.sort();
    Ok(roots)
}

/// How deep below the starting folder roots are looked for.
const ROOT_DEPTH: usize = 8;

/// Collects the roots under `dir`, skipping hidden folders, links to
/// folders, `node_modules`, `target`, `openspec/` folders themselves and
/// what `.gitignore` files exclude. Written out rather than left to the
/// `ignore` crate's walker because that walker opens every `.gitignore` it
/// meets itself, and a named pipe in that place would hang it; here they
/// go through the guarded read.
fn walk_for_roots(
    dir: &Path,
    depth: usize,
    matchers: &mut Vec<(PathBuf, Gitignore)>,
    roots: &mut Vec<PathBuf>,
) {
    if is_root(dir) {
        roots.push(dir.to_path_buf());
    }
    if depth >= ROOT_DEPTH {
        return;
    }
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let entries: Vec<std::fs::DirEntry> = rd.flatten().collect();
    let before = matchers.len();
    if entries.iter().any(|e| e.file_name() == ".gitignore") {
        if let Some(g) = load_gitignore(dir) {
            matchers.push((dir.to_path_buf(), g));
        }
    }
    let mut subdirs: Vec<PathBuf> = entries
        .iter()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            !name.starts_with('.')
                && name != "node_modules"
                && name != "openspec"
                && name != "target"
        })
        .map(|e| e.path())
        .filter(|p| !ignored(matchers, p, true))
        .collect();
    subdirs.sort();
    for sub in subdirs {
        walk_for_roots(&sub, depth + 1, matchers, roots);
    }
    matchers.truncate(before);
}

/// The nearest root at or above the folder `start` (an absolute path).
pub fn root_above(start: &Path) -> Option<PathBuf> {
    for dir in start.ancestors() {
        // `openspec/` itself names its parent.
        if dir.file_name().is_some_and(|n| n == "openspec") {
            if let Some(parent) = dir.parent() {
                if is_openspec_root(parent) {
                    return Some(parent.to_path_buf());
                }
            }
        }
        if is_root(dir) {
            return Some(dir.to_path_buf());
        }
    }
    None
}

#[derive(Clone, Debug)]
pub struct ListedFile {
    /// Relative to the root, starting with `openspec/`. A workspace keeps
    /// its listing for as long as it lives, one entry for every file of a
    /// tree, so an entry holds no more than this and the next field (the
    /// file's kind is known again from the path).
    pub rel: Box<str>,
    /// Whether the file is read (Markdown and change metadata).
    pub wanted: bool,
    /// Whether the walk cannot vouch for the file being a regular one (it
    /// was a link, or was not found by a walk): such a file is looked at
    /// before it is opened ([`super::read_regular`]); one the walk saw as a
    /// regular file is opened straight away ([`super::read_listed`]).
    pub unvouched: bool,
}

#[derive(Clone, Debug, Default)]
pub struct Listing {
    pub files: Vec<ListedFile>,
    /// Every folder directly under `changes/` and `changes/archive/`.
    pub change_dirs: Vec<ChangeRef>,
    /// Folders below `changes/<id>/` (relative to `changes/<id>/`), for
    /// finding namespace folders.
    pub change_subdirs: BTreeMap<ChangeRef, Vec<String>>,
    pub problems: Vec<ReadProblem>,
    pub local_schemas: BTreeSet<String>,
    /// The formats the root held when it was listed.
    pub formats: Formats,
}

/// Lists the files under `root/openspec`, honouring `.gitignore` files (the
/// root's and any below it), skipping hidden folders, and never following a
/// link to a folder (so link loops cannot trap the walk). A link to a file is
/// read when it stays inside the workspace.
///
/// The walk is written out rather than left to a generic walker because
/// system calls dominate the cost of a check: each folder is listed once and
/// only the `.gitignore` files that exist are opened.
/// Names that OpenSpec reads as files; a folder with one of them is a mistake.
const FILE_NAMES: &[&str] = &["spec.md", "tasks.md", "proposal.md", "design.md"];

pub fn list(root: &Path) -> Listing {
    list_filtered(root, &|_| true)
}

/// Like [`list`], descending only into folders (named relative to the
/// root) for which `descend` holds: an editor reads the part of a large
/// workspace that an open file needs before the rest.
pub fn list_filtered(root: &Path, descend: &dyn Fn(&str) -> bool) -> Listing {
    let formats = formats(root);
    let mut out = Listing {
        formats,
        ..Listing::default()
    };
    let mut canonical_root: Option<PathBuf> = None;
    let mut matchers: Vec<(PathBuf, Gitignore)> = Vec::new();
    if let Some(g) = load_gitignore(root) {
        matchers.push((root.to_path_buf(), g));
    }
    // (folder, its path relative to the root, number of matchers that
    // apply to it); OpenSpec's folder is listed even when it went missing,
    // so that its absence is reported. Relative paths are built from their
    // folder's, not by taking the root off every entry's path.
    let mut stack: Vec<(PathBuf, String, usize)> = Vec::new();
    if formats.openspec || !formats.any() {
        stack.push((
            root.join("openspec"),
            "openspec".to_string(),
            matchers.len(),
        ));
    }
    let mut starts: Vec<&str> = Vec::new();
    if formats.speckit {
        starts.extend(["specs", ".specify/memory", "memory"]);
    }
    if formats.kiro {
        starts.extend([".kiro/specs", ".kiro/steering"]);
    }
    for start in starts.into_iter().rev() {
        let dir = root.join(start);
        if std::fs::symlink_metadata(&dir).is_ok_and(|m| m.is_dir()) && descend(start) {
            stack.push((dir, start.to_string(), matchers.len()));
        }
    }
    while let Some((dir, dir_rel, depth)) = stack.pop() {
        matchers.truncate(depth);
        let entries: Vec<std::fs::DirEntry> = match std::fs::read_dir(&dir) {
            Ok(rd) => rd.flatten().collect(),
            Err(err) => {
                out.problems.push(ReadProblem {
                    rel: dir_rel,
                    message: format!("could not list the folder: {err}"),
                });
                continue;
            }
        };
        if entries.iter().any(|e| e.file_name() == ".gitignore") {
            if let Some(g) = load_gitignore(&dir) {
                matchers.push((dir.clone(), g));
            }
        }
        let depth = matchers.len();
        let mut subdirs = Vec::new();
        for entry in entries {
            let Ok(ft) = entry.file_type() else { continue };
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let path = entry.path();
            if ft.is_dir() {
                if name.starts_with('.') || ignored(&matchers, &path, true) {
                    continue;
                }
                let rel = format!("{dir_rel}/{name}");
                if !descend(&rel) {
                    continue;
                }
                if let Some(inner) = rel.strip_prefix("openspec/") {
                    if FILE_NAMES.contains(&name.as_ref()) {
                        out.problems.push(ReadProblem {
                            rel: rel.clone(),
                            message: "this is a folder where a file is expected; it cannot be read"
                                .into(),
                        });
                    }
                    record_dir(&mut out, inner);
                }
                subdirs.push((path, rel));
                continue;
            }
            if ignored(&matchers, &path, false) {
                continue;
            }
            let rel = format!("{dir_rel}/{name}");
            if !ft.is_file() && !ft.is_symlink() {
                // Reading a pipe would wait for a writer forever.
                out.problems.push(ReadProblem {
                    rel,
                    message: "skipped: not a regular file (a pipe, socket or device)".into(),
                });
                continue;
            }
            if ft.is_symlink() {
                let croot = canonical_root.get_or_insert_with(|| {
                    std::fs::canonicalize(root).unwrap_or(root.to_path_buf())
                });
                match std::fs::canonicalize(&path) {
                    Ok(target) if target.is_dir() => continue,
                    Ok(target) if target.starts_with(&*croot) && target.is_file() => {}
                    _ => {
                        out.problems.push(ReadProblem {
                            rel,
                            message: "skipped: the link points outside the workspace or nowhere"
                                .into(),
                        });
                        continue;
                    }
                }
            }
            let Some(inner) = rel.strip_prefix("openspec/").map(str::to_string) else {
                // Spec Kit and Kiro trees: only the files their formats
                // define are theirs.
                let kind = FileKind::of(&rel);
                if kind != FileKind::Other {
                    let wanted = rel.to_lowercase().ends_with(".md")
                        || matches!(
                            kind,
                            FileKind::Kiro {
                                kind: crate::formats::kiro::roots::FileKind::Config,
                                ..
                            }
                        );
                    out.files.push(ListedFile {
                        rel: rel.into_boxed_str(),
                        wanted,
                        unvouched: ft.is_symlink(),
                    });
                }
                continue;
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
                rel: rel.into_boxed_str(),
                wanted,
                unvouched: ft.is_symlink(),
            });
        }
        subdirs.sort_by(|a, b| a.0.cmp(&b.0));
        for (d, rel) in subdirs.into_iter().rev() {
            stack.push((d, rel, depth));
        }
    }
    out.files.sort_by(|a, b| a.rel.cmp(&b.rel));
    out.change_dirs.sort();
    out
}

/// A folder's `.gitignore`, read through the guarded read (a pipe or an
/// oversized file there is passed over, as an unreadable one always was).
fn load_gitignore(dir: &Path) -> Option<Gitignore> {
    let bytes = super::read_regular(&dir.join(".gitignore")).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    let mut b = GitignoreBuilder::new(dir);
    for line in text.lines() {
        // A bad pattern is skipped; the others still apply.
        let _ = b.add_line(None, line);
    }
    b.build().ok().filter(|g| !g.is_empty())
}

/// The deepest `.gitignore` with an opinion decides.
fn ignored(matchers: &[(PathBuf, Gitignore)], path: &Path, is_dir: bool) -> bool {
    for (_, g) in matchers.iter().rev() {
        match g.matched(path, is_dir) {
            ignore::Match::Ignore(_) => return true,
            ignore::Match::Whitelist(_) => return false,
            ignore::Match::None => {}
        }
    }
    false
}

/// `p` relative to `base`, `/`-separated, if it is under it.
pub fn rel_under(p: &Path, base: &Path) -> Option<String> {
    p.strip_prefix(base).ok().map(slash_path)
}

fn slash_path(rel: &Path) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, rel: &str, text: &str) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    #[test]
    fn gitignore_files_at_the_root_and_below_are_honoured() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, ".gitignore", "openspec/changes/scratch/\n");
        write(root, "openspec/specs/a/spec.md", "x");
        write(root, "openspec/changes/scratch/proposal.md", "x");
        write(
            root,
            "openspec/changes/c/.gitignore",
            "*.tmp.md\n!keep.tmp.md\n",
        );
        write(root, "openspec/changes/c/notes.tmp.md", "x");
        write(root, "openspec/changes/c/keep.tmp.md", "x");
        write(
            root,
            "openspec/changes/c/.openspec.yaml",
            "schema: spec-driven\n",
        );
        write(root, "openspec/.hidden/spec.md", "x");
        let l = list(root);
        let rels: Vec<&str> = l.files.iter().map(|f| &*f.rel).collect();
        assert_eq!(
            rels,
            [
                "openspec/changes/c/.gitignore",
                "openspec/changes/c/.openspec.yaml",
                "openspec/changes/c/keep.tmp.md",
                "openspec/specs/a/spec.md"
            ]
        );
        assert!(l.problems.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn link_loops_and_links_outside_are_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "openspec/specs/a/spec.md", "x");
        write(outside.path(), "secret.md", "x");
        std::os::unix::fs::symlink(root.join("openspec"), root.join("openspec/specs/a/loop"))
            .unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("secret.md"),
            root.join("openspec/specs/a/out.md"),
        )
        .unwrap();
        std::os::unix::fs::symlink(
            root.join("openspec/specs/a/spec.md"),
            root.join("openspec/specs/a/in.md"),
        )
        .unwrap();
        let l = list(root);
        let rels: Vec<&str> = l.files.iter().map(|f| &*f.rel).collect();
        assert_eq!(rels, ["openspec/specs/a/in.md", "openspec/specs/a/spec.md"]);
        assert_eq!(l.problems.len(), 1);
        assert_eq!(l.problems[0].rel, "openspec/specs/a/out.md");
    }

    /// One root may hold all three formats; each tree is listed with only
    /// the files its format defines, and a root is found from any of them.
    #[test]
    fn roots_of_every_format_and_their_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = &std::fs::canonicalize(dir.path()).unwrap();
        write(root, "openspec/specs/a/spec.md", "x");
        write(root, ".specify/memory/constitution.md", "x");
        write(root, ".specify/templates/spec-template.md", "x");
        write(root, "specs/001-a/spec.md", "x");
        write(root, "specs/001-a/checklists/ux.md", "x");
        write(root, "specs/001-a/contracts/api.yaml", "x");
        write(root, "specs/.drafts/spec.md", "x");
        write(root, ".kiro/specs/pay/requirements.md", "x");
        write(root, ".kiro/specs/pay/.config.kiro", "{}");
        write(root, ".kiro/specs/pay/notes/deep.md", "x");
        write(root, ".kiro/steering/product.md", "x");
        write(root, ".kiro/hooks/on-save.md", "x");
        let f = formats(root);
        assert!(f.openspec && f.speckit && f.kiro);
        let l = list(root);
        let rels: Vec<(&str, bool)> = l.files.iter().map(|f| (&*f.rel, f.wanted)).collect();
        assert_eq!(
            rels,
            [
                (".kiro/specs/pay/.config.kiro", true),
                (".kiro/specs/pay/requirements.md", true),
                (".kiro/steering/product.md", true),
                (".specify/memory/constitution.md", true),
                ("openspec/specs/a/spec.md", true),
                ("specs/001-a/checklists/ux.md", true),
                ("specs/001-a/spec.md", true),
            ]
        );
        assert!(l.problems.is_empty(), "{:?}", l.problems);
        for inner in ["specs/001-a", ".kiro/specs/pay", ".specify/memory"] {
            assert_eq!(
                find_roots(&root.join(inner)).unwrap(),
                std::slice::from_ref(root)
            );
        }
    }

    /// A `specs/` folder alone is not Spec Kit (its features do not open
    /// with the template's titles), and a legacy root needs both its
    /// constitution and `specs/`.
    #[test]
    fn spec_kit_roots_need_a_marker() {
        let dir = tempfile::tempdir().unwrap();
        let root = &std::fs::canonicalize(dir.path()).unwrap();
        write(root, "specs/001-a/spec.md", "x");
        assert!(!formats(root).any());
        write(root, "memory/constitution.md", "x");
        let f = formats(root);
        assert!(f.speckit && !f.openspec && !f.kiro);
        let rels: Vec<String> = list(root).files.into_iter().map(|f| f.rel.into()).collect();
        assert_eq!(rels, ["memory/constitution.md", "specs/001-a/spec.md"]);
    }

    /// Without a marker, a feature whose spec.md or plan.md opens with
    /// its Spec Kit template title makes the root; other titles, files
    /// outside a feature folder, and `openspec/`'s own `specs/` do not.
    #[test]
    fn an_unmarked_spec_kit_tree_is_known_by_its_template_titles() {
        let dir = tempfile::tempdir().unwrap();
        let root = &std::fs::canonicalize(dir.path()).unwrap();
        write(root, "specs/notes/spec.md", "# Spec of the notes\n");
        write(root, "specs/spec.md", "# Feature Specification: loose\n");
        write(
            root,
            "specs/002-b/plan.md",
            "# Plan\n# Implementation Plan: late\n",
        );
        assert!(!formats(root).any());
        write(
            root,
            "openspec/specs/001-x/spec.md",
            "# Feature Specification: x\n",
        );
        assert!(!formats(&root.join("openspec")).speckit);
        assert!(!formats(root).speckit);
        write(
            root,
            "specs/001-a/plan.md",
            "\u{feff}\n# Implementation Plan: Call transfer\r\n",
        );
        let f = formats(root);
        assert!(f.speckit && f.openspec && !f.kiro);
        assert_eq!(
            find_roots(&root.join("specs/002-b")).unwrap(),
            std::slice::from_ref(root)
        );
        let rels: Vec<String> = list(root)
            .files
            .into_iter()
            .filter(|f| f.wanted && f.rel.starts_with("specs/"))
            .map(|f| f.rel.into())
            .collect();
        assert_eq!(
            rels,
            [
                "specs/001-a/plan.md",
                "specs/002-b/plan.md",
                "specs/notes/spec.md"
            ]
        );
    }
}
