//! Finding Spec Kit roots and their features (dialect-formats section 2).
//!
//! A root is the folder holding `.specify/`, or, in the legacy layout,
//! `memory/constitution.md` beside a `specs/` folder. Roots nest: a file
//! belongs to the nearest one. Each `specs/<name>/` folder of a root holding
//! spec.md, plan.md or tasks.md is a feature, whatever its name.
//!
//! Some repositories keep Spec Kit features with neither marker (the
//! `.specify/` folder was not committed); [`Layout::SpecsOnly`] reports those
//! when a `specs/` folder holds a feature whose name starts with a number
//! (`001-…`), outside `openspec/` and `.kiro/`, whose own `specs/` folders
//! mean something else. The engine finds roots with
//! `workspace::discover::formats`, which is stricter: an unmarked `specs/`
//! counts only when a feature opens with the template's title.
//!
//! [`detect`] is a pure function over a list of entries; [`walk`] lists a
//! directory without following symbolic links and without opening anything
//! but directories, so FIFOs and devices are never touched.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A file or folder, `/`-separated and relative to the folder walked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub path: String,
    pub dir: bool,
}

impl Entry {
    pub fn file(path: &str) -> Entry {
        Entry {
            path: path.to_string(),
            dir: false,
        }
    }

    pub fn dir(path: &str) -> Entry {
        Entry {
            path: path.to_string(),
            dir: true,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Layout {
    /// A `.specify/` folder.
    Specify,
    /// `memory/constitution.md` beside `specs/`.
    Legacy,
    /// Numbered feature folders under `specs/` and no marker.
    SpecsOnly,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Feature {
    /// The feature folder (`specs/001-x` under the root), from the walked
    /// folder.
    pub dir: String,
    pub name: String,
    pub spec: Option<String>,
    pub plan: Option<String>,
    pub tasks: Option<String>,
    pub checklists: Vec<String>,
    /// Every other Markdown file of the folder, subfolders included.
    pub others: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Root {
    /// The root folder, `""` for the walked folder itself.
    pub dir: String,
    pub layout: Layout,
    pub constitution: Option<String>,
    pub features: Vec<Feature>,
    /// The root also holds an `openspec/` folder.
    pub has_openspec: bool,
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

fn parent(path: &str) -> &str {
    path.rfind('/').map_or("", |k| &path[..k])
}

/// `path` relative to `dir`, when it lies inside it.
fn under<'a>(path: &'a str, dir: &str) -> Option<&'a str> {
    if dir.is_empty() {
        return Some(path);
    }
    path.strip_prefix(dir)?.strip_prefix('/')
}

const FEATURE_FILES: [&str; 3] = ["spec.md", "plan.md", "tasks.md"];

/// The Spec Kit roots among `entries`, sorted by folder.
pub fn detect(entries: &[Entry]) -> Vec<Root> {
    let mut dirs: BTreeSet<&str> = BTreeSet::new();
    let mut files: BTreeSet<&str> = BTreeSet::new();
    for e in entries {
        let p = e.path.trim_end_matches('/');
        if e.dir {
            dirs.insert(p);
        } else {
            files.insert(p);
        }
        let mut d = parent(p);
        while !d.is_empty() && dirs.insert(d) {
            d = parent(d);
        }
    }
    let mut roots: BTreeMap<String, Layout> = BTreeMap::new();
    for d in &dirs {
        if d.rsplit('/').next() == Some(".specify") {
            roots.insert(parent(d).to_string(), Layout::Specify);
        }
    }
    for f in &files {
        let Some(memory) = f
            .strip_suffix("constitution.md")
            .map(|m| m.trim_end_matches('/'))
        else {
            continue;
        };
        if memory.rsplit('/').next() != Some("memory") {
            continue;
        }
        let p = parent(memory);
        if p.rsplit('/').next() == Some(".specify") {
            continue;
        }
        if dirs.contains(join(p, "specs").as_str()) {
            roots.entry(p.to_string()).or_insert(Layout::Legacy);
        }
    }
    // Marker-less roots: `<p>/specs/<NNN-name>/{spec,plan,tasks}.md`.
    for f in &files {
        let (dir, name) = (parent(f), &f[parent(f).len()..].trim_start_matches('/'));
        if !FEATURE_FILES.contains(name) {
            continue;
        }
        let feature = dir.rsplit('/').next().unwrap_or("");
        let specs = parent(dir);
        if specs.rsplit('/').next() != Some("specs") && specs != "specs" {
            continue;
        }
        let p = parent(specs);
        let p = if specs == "specs" { "" } else { p };
        let foreign = p.split('/').any(|c| c == "openspec" || c == ".kiro")
            || specs.split('/').any(|c| c == "openspec" || c == ".kiro");
        let numbered = feature.bytes().take_while(u8::is_ascii_digit).count() > 0
            && feature
                .trim_start_matches(|c: char| c.is_ascii_digit())
                .starts_with(['-', '_']);
        if !foreign && numbered && nearest(&roots, f).is_none_or(|r| r != p) {
            roots.entry(p.to_string()).or_insert(Layout::SpecsOnly);
        }
    }
    let mut out: BTreeMap<String, Root> = roots
        .iter()
        .map(|(dir, &layout)| {
            let constitution = [".specify/memory/constitution.md", "memory/constitution.md"]
                .iter()
                .map(|c| join(dir, c))
                .find(|c| files.contains(c.as_str()));
            let root = Root {
                dir: dir.clone(),
                layout,
                constitution,
                features: Vec::new(),
                has_openspec: dirs.contains(join(dir, "openspec").as_str()),
            };
            (dir.clone(), root)
        })
        .collect();
    let mut features: BTreeMap<(String, String), Feature> = BTreeMap::new();
    for f in &files {
        if !f.ends_with(".md") {
            continue;
        }
        let Some(root) = nearest(&roots, f) else {
            continue;
        };
        let rel = under(f, root).unwrap_or(f);
        let mut parts = rel.splitn(3, '/');
        let (Some("specs"), Some(name), Some(rest)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let feature = features
            .entry((root.to_string(), name.to_string()))
            .or_insert_with(|| Feature {
                dir: join(root, &format!("specs/{name}")),
                name: name.to_string(),
                ..Feature::default()
            });
        let path = f.to_string();
        match rest {
            "spec.md" => feature.spec = Some(path),
            "plan.md" => feature.plan = Some(path),
            "tasks.md" => feature.tasks = Some(path),
            r if r.starts_with("checklists/") && !r["checklists/".len()..].contains('/') => {
                feature.checklists.push(path)
            }
            _ => feature.others.push(path),
        }
    }
    for ((root, _), feature) in features {
        if feature.spec.is_some() || feature.plan.is_some() || feature.tasks.is_some() {
            if let Some(r) = out.get_mut(&root) {
                r.features.push(feature);
            }
        }
    }
    out.into_values().collect()
}

/// The nearest root holding `path`.
fn nearest<'a>(roots: &'a BTreeMap<String, Layout>, path: &str) -> Option<&'a str> {
    let mut d = parent(path);
    loop {
        if let Some((k, _)) = roots.get_key_value(d) {
            return Some(k.as_str());
        }
        if d.is_empty() {
            return None;
        }
        d = parent(d);
    }
}

/// Folders never worth walking.
const SKIP: &[&str] = &[".git", "node_modules", "target", ".venv", "__pycache__"];

/// The deepest folder walked: deeper trees are not spec trees.
const MAX_DEPTH: usize = 24;

/// Every folder and file under `dir`, without following symbolic links and
/// skipping anything that is neither a file nor a folder.
pub fn walk(dir: &Path) -> Vec<Entry> {
    let mut out = Vec::new();
    walk_into(dir, "", 0, &mut out);
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

fn walk_into(dir: &Path, rel: &str, depth: usize, out: &mut Vec<Entry>) {
    if depth > MAX_DEPTH {
        return;
    }
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    for e in read.flatten() {
        let Ok(name) = e.file_name().into_string() else {
            continue;
        };
        // `DirEntry::file_type` does not follow links.
        let Ok(ty) = e.file_type() else { continue };
        let path = join(rel, &name);
        if ty.is_dir() {
            if SKIP.contains(&name.as_str()) {
                continue;
            }
            out.push(Entry::dir(&path));
            walk_into(&e.path(), &path, depth + 1, out);
        } else if ty.is_file() {
            out.push(Entry::file(&path));
        }
    }
}

/// The Spec Kit roots under `dir`.
pub fn find_roots(dir: &Path) -> Vec<Root> {
    detect(&walk(dir))
}

#[cfg(test)]
#[path = "root_tests.rs"]
mod tests;
