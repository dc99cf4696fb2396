//! Kiro roots and features: a root is the nearest folder holding
//! `.kiro/specs/` or `.kiro/steering/`; each `.kiro/specs/<feature>/` folder
//! is a feature, and files placed directly in `.kiro/specs/` form one
//! unnamed feature. A repository may also hold OpenSpec or Spec Kit trees;
//! the layout says so and leaves them to their readers.
//!
//! Only metadata is read here. Links to folders are never followed, a link
//! to a file counts only when it stays inside the root, and anything that is
//! not a regular file (a pipe would block a reader forever) is reported and
//! skipped.

use std::path::{Path, PathBuf};

/// Folders deeper than this under `.kiro/steering/` are not searched.
const MAX_DEPTH: usize = 8;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileKind {
    Requirements,
    Bugfix,
    Design,
    Tasks,
    /// `.config.kiro`
    Config,
    /// cc-sdd's `spec.json`
    SpecJson,
    /// A Markdown file under `.kiro/steering/` (never returned by
    /// [`FileKind::of`], which sees only a name).
    Steering,
    /// Any other Markdown file (`research.md`, `README.md`, notes): read
    /// for links only.
    OtherMarkdown,
    /// Anything else (YAML, images): not read.
    Other,
}

impl FileKind {
    pub fn of(name: &str) -> FileKind {
        match name {
            "requirements.md" => FileKind::Requirements,
            "bugfix.md" => FileKind::Bugfix,
            "design.md" => FileKind::Design,
            "tasks.md" => FileKind::Tasks,
            ".config.kiro" => FileKind::Config,
            "spec.json" => FileKind::SpecJson,
            n if n.to_ascii_lowercase().ends_with(".md") => FileKind::OtherMarkdown,
            _ => FileKind::Other,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecFile {
    /// Relative to the root, `/`-separated.
    pub rel: String,
    pub kind: FileKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Feature {
    /// The folder name; `None` for the files placed directly in
    /// `.kiro/specs/`.
    pub name: Option<String>,
    /// Relative to the root: `.kiro/specs/<name>` or `.kiro/specs`.
    pub dir: String,
    /// The files directly in the folder, sorted.
    pub files: Vec<SpecFile>,
}

impl Feature {
    pub fn file(&self, kind: FileKind) -> Option<&SpecFile> {
        self.files.iter().find(|f| f.kind == kind)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub rel: String,
    pub message: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Layout {
    pub root: PathBuf,
    pub features: Vec<Feature>,
    /// Markdown files under `.kiro/steering/` (sub-folders included),
    /// relative to the root, sorted.
    pub steering: Vec<String>,
    /// The root also holds an OpenSpec tree (`openspec/`).
    pub openspec: bool,
    /// The root also holds a Spec Kit tree (`.specify/`, or the legacy
    /// `memory/constitution.md` beside `specs/`).
    pub speckit: bool,
    pub problems: Vec<Problem>,
}

fn real_dir(p: &Path) -> bool {
    std::fs::symlink_metadata(p).is_ok_and(|m| m.is_dir())
}

/// Whether `dir` holds `.kiro/specs/` or `.kiro/steering/` (real folders,
/// not links).
pub fn is_root(dir: &Path) -> bool {
    let k = dir.join(".kiro");
    real_dir(&k) && (real_dir(&k.join("specs")) || real_dir(&k.join("steering")))
}

/// The nearest root at or above `start`.
pub fn root_above(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|d| is_root(d))
        .map(Path::to_path_buf)
}

/// The roots for `path`: the nearest at or above it, else every root below
/// it (not below another root, not through links, not in `node_modules` or
/// `target`), sorted.
pub fn find_roots(path: &Path) -> Vec<PathBuf> {
    let start = if real_dir(path) {
        path.to_path_buf()
    } else {
        match path.parent() {
            Some(p) => p.to_path_buf(),
            None => return Vec::new(),
        }
    };
    if let Some(r) = root_above(&start) {
        return vec![r];
    }
    let mut out = Vec::new();
    let mut stack = vec![(start, 0usize)];
    while let Some((dir, depth)) = stack.pop() {
        if is_root(&dir) {
            out.push(dir);
            continue;
        }
        if depth >= MAX_DEPTH {
            continue;
        }
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in rd.flatten() {
            let name = e.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') || name == "node_modules" || name == "target" {
                continue;
            }
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push((e.path(), depth + 1));
            }
        }
    }
    out.sort();
    out
}

/// The features and steering files of the root `root`.
pub fn layout(root: &Path) -> Layout {
    let mut out = Layout {
        root: root.to_path_buf(),
        openspec: real_dir(&root.join("openspec")),
        speckit: real_dir(&root.join(".specify"))
            || (root.join("memory/constitution.md").is_file() && real_dir(&root.join("specs"))),
        ..Layout::default()
    };
    let croot = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let specs = root.join(".kiro/specs");
    if real_dir(&specs) {
        let (files, dirs) = list(&croot, root, &specs, &mut out.problems);
        if !files.is_empty() {
            out.features.push(Feature {
                name: None,
                dir: ".kiro/specs".into(),
                files,
            });
        }
        for d in dirs {
            let name = d
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let (files, _) = list(&croot, root, &d, &mut out.problems);
            out.features.push(Feature {
                dir: format!(".kiro/specs/{name}"),
                name: Some(name),
                files,
            });
        }
    }
    let steering = root.join(".kiro/steering");
    if real_dir(&steering) {
        let mut stack = vec![(steering, 0usize)];
        while let Some((dir, depth)) = stack.pop() {
            let (files, dirs) = list(&croot, root, &dir, &mut out.problems);
            out.steering.extend(
                files
                    .into_iter()
                    .filter(|f| f.rel.to_ascii_lowercase().ends_with(".md"))
                    .map(|f| f.rel),
            );
            if depth < MAX_DEPTH {
                stack.extend(dirs.into_iter().map(|d| (d, depth + 1)));
            }
        }
        out.steering.sort();
    }
    out
}

/// The files and folders directly in `dir`, both sorted.
fn list(
    croot: &Path,
    root: &Path,
    dir: &Path,
    problems: &mut Vec<Problem>,
) -> (Vec<SpecFile>, Vec<PathBuf>) {
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    let rd = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => {
            problems.push(Problem {
                rel: rel(root, dir),
                message: format!("could not list the folder: {e}"),
            });
            return (files, dirs);
        }
    };
    for e in rd.flatten() {
        let Ok(ft) = e.file_type() else { continue };
        let path = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if ft.is_dir() {
            dirs.push(path);
            continue;
        }
        if ft.is_symlink() {
            match std::fs::canonicalize(&path) {
                Ok(t) if t.is_dir() => {
                    problems.push(Problem {
                        rel: rel(root, &path),
                        message: "skipped: a link to a folder is not followed".into(),
                    });
                    continue;
                }
                Ok(t)
                    if t.starts_with(croot) && std::fs::metadata(&t).is_ok_and(|m| m.is_file()) => {
                }
                _ => {
                    problems.push(Problem {
                        rel: rel(root, &path),
                        message: "skipped: the link points outside the repository or nowhere"
                            .into(),
                    });
                    continue;
                }
            }
        } else if !ft.is_file() {
            problems.push(Problem {
                rel: rel(root, &path),
                message: "skipped: not a regular file (a pipe, socket or device)".into(),
            });
            continue;
        }
        files.push(SpecFile {
            rel: rel(root, &path),
            kind: FileKind::of(&name),
        });
    }
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    dirs.sort();
    (files, dirs)
}

fn rel(root: &Path, p: &Path) -> String {
    p.strip_prefix(root)
        .unwrap_or(p)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
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
    fn features_steering_and_the_unnamed_feature() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, ".kiro/specs/auth/requirements.md", "");
        write(root, ".kiro/specs/auth/tasks.md", "");
        write(root, ".kiro/specs/auth/.config.kiro", "{}");
        write(root, ".kiro/specs/auth/notes/deep.md", "");
        write(root, ".kiro/specs/bugfix.md", "");
        write(root, ".kiro/specs/.config.kiro", "{}");
        write(root, ".kiro/steering/product.md", "");
        write(root, ".kiro/steering/situational/a.md", "");
        write(root, ".kiro/steering/hooks.json", "");
        write(root, "openspec/specs/x/spec.md", "");
        let l = layout(root);
        assert!(l.openspec && !l.speckit);
        let got: Vec<_> = l
            .features
            .iter()
            .map(|f| {
                (
                    f.name.clone(),
                    f.dir.as_str(),
                    f.files.iter().map(|x| x.kind).collect::<Vec<_>>(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    None,
                    ".kiro/specs",
                    vec![FileKind::Config, FileKind::Bugfix]
                ),
                (
                    Some("auth".into()),
                    ".kiro/specs/auth",
                    vec![FileKind::Config, FileKind::Requirements, FileKind::Tasks]
                ),
            ]
        );
        assert_eq!(
            l.steering,
            [
                ".kiro/steering/product.md",
                ".kiro/steering/situational/a.md"
            ]
        );
        assert!(l.problems.is_empty());
    }

    #[test]
    fn roots_above_and_below() {
        let dir = tempfile::tempdir().unwrap();
        let top = dir.path();
        write(top, "a/.kiro/steering/tech.md", "");
        write(top, "b/c/.kiro/specs/f/tasks.md", "");
        write(top, "b/c/src/main.rs", "");
        write(top, "node_modules/x/.kiro/specs/f/tasks.md", "");
        std::fs::create_dir_all(top.join("d/.kiro/hooks")).unwrap();
        assert_eq!(root_above(&top.join("b/c/src")), Some(top.join("b/c")));
        assert_eq!(find_roots(&top.join("b/c/src/main.rs")), [top.join("b/c")]);
        assert_eq!(find_roots(top), [top.join("a"), top.join("b/c")]);
        assert!(!is_root(&top.join("d")));
    }

    #[cfg(unix)]
    #[test]
    fn links_and_pipes_are_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside");
        let root = dir.path().join("repo");
        write(&outside, "tasks.md", "");
        write(&root, ".kiro/specs/f/requirements.md", "");
        write(&root, "docs/design.md", "");
        std::os::unix::fs::symlink(&outside, root.join(".kiro/specs/linked")).unwrap();
        std::os::unix::fs::symlink(
            outside.join("tasks.md"),
            root.join(".kiro/specs/f/tasks.md"),
        )
        .unwrap();
        std::os::unix::fs::symlink(
            root.join("docs/design.md"),
            root.join(".kiro/specs/f/design.md"),
        )
        .unwrap();
        let fifo = root.join(".kiro/specs/f/bugfix.md");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success());
        let l = layout(&root);
        assert_eq!(l.features.len(), 1, "{:?}", l.features);
        let kinds: Vec<_> = l.features[0].files.iter().map(|f| f.kind).collect();
        assert_eq!(kinds, [FileKind::Design, FileKind::Requirements]);
        let mut probs: Vec<_> = l.problems.iter().map(|p| p.rel.as_str()).collect();
        probs.sort();
        let mut want = vec![".kiro/specs/f/tasks.md", ".kiro/specs/linked"];
        if made {
            want.insert(0, ".kiro/specs/f/bugfix.md");
        }
        assert_eq!(probs, want);
        // A `.kiro` that is a link out of the tree makes no root.
        let other = dir.path().join("other");
        std::fs::create_dir_all(&other).unwrap();
        std::os::unix::fs::symlink(root.join(".kiro"), other.join(".kiro")).unwrap();
        assert!(!is_root(&other));
    }
}
