//! `specls tasks [CHANGE] [--format text|mermaid|json]`: a change's task
//! graph (waves, critical path, cycles), or the list of active changes when
//! no change is named and the current folder is in none. See
//! `docs/tasks.md`.
//!
//! Exit status, as `specls check` counts it: 0 when the graph is shown (or
//! the list), 1 when the graph has what `check` reports as an error (a
//! dependency cycle or an unknown dependency), 2 when it could not run (no
//! workspace, no such change, a change without `tasks.md`).

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::ide::taskgraph::{self, JSON_VERSION};
use crate::text::nearest::did_you_mean;
use crate::workspace::{discover, ChangeRef, Workspace};

use super::check::display_root;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Mermaid,
    Json,
}

/// What the arguments name.
enum Target {
    Change(Box<Workspace>, ChangeRef),
    /// A Spec Kit or Kiro feature folder, relative to the workspace root.
    Feature(Box<Workspace>, String),
    /// No change named: the active changes of these workspaces.
    List(Vec<Workspace>),
}

/// Runs the command, printing to stdout/stderr; returns the exit status.
pub fn run(change: Option<&str>, format: Format) -> i32 {
    match resolve(change) {
        Ok(Target::Change(ws, change)) => show(&ws, &change, format),
        Ok(Target::Feature(ws, feature)) => show_feature(&ws, &feature, format),
        Ok(Target::List(roots)) => list(&roots, format),
        Err(msg) => {
            eprintln!("specls: {msg}");
            2
        }
    }
}

fn show(ws: &Workspace, change: &ChangeRef, format: Format) -> i32 {
    let Some(cg) = taskgraph::for_change(ws, change) else {
        eprintln!(
            "specls: change \"{}\" has no tasks.md ({})",
            change.id,
            ws.root.join("openspec").join(change.dir()).display()
        );
        return 2;
    };
    print_graph(&cg, format)
}

fn print_graph(cg: &taskgraph::ChangeGraph, format: Format) -> i32 {
    match format {
        Format::Text => print!("{}", cg.to_text()),
        Format::Mermaid => print!("{}", cg.to_mermaid()),
        Format::Json => println!("{}", cg.to_json()),
    }
    if !cg.has_errors() {
        return 0;
    }
    // The text says it in its own sections; a diagram or JSON on stdout
    // does not explain the exit status, so stderr does.
    if format != Format::Text {
        let g = &cg.graph;
        let mut why = Vec::new();
        if !g.cycles.is_empty() {
            why.push(match g.cycles.len() {
                1 => "a dependency cycle".to_string(),
                n => format!("{n} dependency cycles"),
            });
        }
        if !g.unknown.is_empty() {
            let ids: Vec<&str> = g.unknown.iter().map(|u| u.id.as_str()).collect();
            why.push(format!(
                "{} naming no task ({})",
                match ids.len() {
                    1 => "a dependency".to_string(),
                    n => format!("{n} dependencies"),
                },
                ids.join(", ")
            ));
        }
        eprintln!(
            "specls: the task graph of {} has {}",
            cg.name,
            why.join(" and ")
        );
    }
    1
}

fn show_feature(ws: &Workspace, feature: &str, format: Format) -> i32 {
    match taskgraph::for_feature(ws, feature) {
        Some(cg) => print_graph(&cg, format),
        None => {
            eprintln!(
                "specls: feature \"{feature}\" has no tasks.md ({})",
                ws.root.join(feature).display()
            );
            2
        }
    }
}

/// One line per active change, with its progress.
fn list(roots: &[Workspace], format: Format) -> i32 {
    let mut rows = Vec::new();
    for ws in roots {
        for change in ws.changes.keys().filter(|c| !c.archived) {
            let (tasks, done) = match taskgraph::for_change(ws, change) {
                Some(cg) => {
                    let nodes = &cg.graph.nodes;
                    let done = nodes.iter().filter(|n| cg.done(n.task));
                    (Some(nodes.len()), done.count())
                }
                None => (None, 0),
            };
            rows.push((ws, change, tasks, done));
        }
    }
    match format {
        Format::Json => {
            let changes: Vec<Value> = rows
                .iter()
                .map(|(ws, c, tasks, done)| {
                    json!({
                        "id": c.id,
                        "root": ws.root.to_string_lossy(),
                        "path": format!("openspec/{}", c.dir()),
                        "tasks": tasks,
                        "done": done,
                    })
                })
                .collect();
            println!("{}", json!({"version": JSON_VERSION, "changes": changes}));
            0
        }
        Format::Text | Format::Mermaid => {
            let mut out = String::new();
            if rows.is_empty() {
                out.push_str("No active change.\n");
            } else {
                out.push_str("Active changes:\n");
                let width = rows.iter().map(|r| r.1.id.chars().count()).max();
                for (ws, c, tasks, done) in &rows {
                    let progress = match tasks {
                        Some(n) => format!("{done}/{n} tasks done"),
                        None => "no tasks.md".to_string(),
                    };
                    let root = if roots.len() > 1 {
                        format!("  ({})", display_root(&ws.root))
                    } else {
                        String::new()
                    };
                    out.push_str(&format!(
                        "  {:<w$}  {progress}{root}\n",
                        c.id,
                        w = width.unwrap_or(0)
                    ));
                }
                out.push_str("Run `specls tasks CHANGE` to see a change's task graph.\n");
            }
            if format == Format::Mermaid {
                // A diagram needs one change; the list is a hint, not output.
                eprint!("specls: name a change to draw its graph.\n{out}");
                return 2;
            }
            print!("{out}");
            0
        }
    }
}

fn resolve(arg: Option<&str>) -> Result<Target, String> {
    let cwd = std::env::current_dir().map_err(|e| format!("no current folder: {e}"))?;
    match arg {
        Some(a) if Path::new(a).exists() => from_path(Path::new(a)),
        Some(name) => by_name(&cwd, name),
        None => from_path(&cwd),
    }
}

/// The change a file or folder is in; the list of changes when it is in
/// none.
fn from_path(path: &Path) -> Result<Target, String> {
    let abs = std::fs::canonicalize(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let dir = if abs.is_file() {
        abs.parent().map(Path::to_path_buf).unwrap_or(abs.clone())
    } else {
        abs.clone()
    };
    let roots = match discover::root_above(&dir) {
        Some(r) => vec![r],
        None => discover::find_roots(&dir)?,
    };
    if roots.is_empty() {
        return Err(no_workspace(path));
    }
    if let [root] = roots.as_slice() {
        if let Some(change) = change_at(root, &abs) {
            return Ok(Target::Change(Box::new(load_change(root, &change)), change));
        }
        if let Some(feature) = feature_at(root, &abs) {
            let ws = Workspace::load_filtered(root, &|rel| {
                feature == rel
                    || feature.starts_with(&format!("{rel}/"))
                    || rel.starts_with(&format!("{feature}/"))
            });
            return Ok(Target::Feature(Box::new(ws), feature));
        }
    }
    Ok(Target::List(roots.iter().map(|r| load_active(r)).collect()))
}

/// What the list needs of a workspace: the files directly in each active
/// change folder. Main specs, delta specs and archives are not read.
fn load_active(root: &Path) -> Workspace {
    Workspace::load_filtered(root, &|rel| {
        rel.strip_prefix("openspec/changes")
            .is_some_and(|r| r.is_empty() || (r != "/archive" && r[1..].find('/').is_none()))
    })
}

/// What a graph needs: one change's folder.
fn load_change(root: &Path, change: &ChangeRef) -> Workspace {
    let dir = format!("openspec/{}", change.dir());
    Workspace::load_filtered(root, &|rel| {
        dir == rel || dir.starts_with(&format!("{rel}/")) || rel.starts_with(&format!("{dir}/"))
    })
}

/// The change folders of a root, active then archived, by name.
fn change_dirs(root: &Path) -> Vec<ChangeRef> {
    let names = |dir: PathBuf| -> Vec<String> {
        let mut out: Vec<String> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.'))
            .collect();
        out.sort();
        out
    };
    let changes = root.join("openspec").join("changes");
    let active = names(changes.clone())
        .into_iter()
        .filter(|n| n != "archive")
        .map(|id| ChangeRef {
            id,
            archived: false,
        });
    let archived = names(changes.join("archive"))
        .into_iter()
        .map(|id| ChangeRef { id, archived: true });
    active.chain(archived).collect()
}

/// The Spec Kit or Kiro feature folder that holds `path`, if any, relative
/// to the root.
fn feature_at(root: &Path, path: &Path) -> Option<String> {
    let rel = discover::rel_under(path, root)?;
    let parts: Vec<&str> = rel.split('/').collect();
    let formats = discover::formats(root);
    match parts.as_slice() {
        ["specs", name, ..] if formats.speckit => Some(format!("specs/{name}")),
        [".kiro", "specs", name, ..] if formats.kiro && !name.ends_with(".md") => {
            Some(format!(".kiro/specs/{name}"))
        }
        [".kiro", "specs", ..] if formats.kiro => Some(".kiro/specs".to_string()),
        _ => None,
    }
}

/// The change folder that holds `path`, if any.
fn change_at(root: &Path, path: &Path) -> Option<ChangeRef> {
    let rel = path
        .strip_prefix(root.join("openspec").join("changes"))
        .ok()?;
    let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
    let first = parts.next()?;
    if first == "archive" {
        return Some(ChangeRef {
            id: parts.next()?.into_owned(),
            archived: true,
        });
    }
    Some(ChangeRef {
        id: first.into_owned(),
        archived: false,
    })
}

/// A change named by its folder: an active change, else an archived one by
/// its full folder name or by the name after its date.
fn by_name(cwd: &Path, name: &str) -> Result<Target, String> {
    let roots = discover::find_roots(cwd)?;
    if roots.is_empty() {
        return Err(format!(
            "\"{name}\" is neither a path nor a change of a workspace here: {}",
            no_workspace(cwd)
        ));
    }
    let name = name.trim_end_matches('/');
    let mut candidates: Vec<String> = Vec::new();
    for root in &roots {
        let dirs = change_dirs(root);
        let matchers: [fn(&ChangeRef, &str) -> bool; 3] = [
            |c, n| !c.archived && c.id == n,
            |c, n| c.archived && c.id == n,
            |c, n| c.archived && archived_name(&c.id) == n,
        ];
        let found = matchers
            .iter()
            .find_map(|matches| dirs.iter().find(|c| matches(c, name)));
        if let Some(change) = found {
            return Ok(Target::Change(
                Box::new(load_change(root, change)),
                change.clone(),
            ));
        }
        candidates.extend(dirs.into_iter().filter(|c| !c.archived).map(|c| c.id));
    }
    let hint = did_you_mean(name, candidates.iter().map(String::as_str));
    let listed = if candidates.is_empty() {
        "There is no active change.".to_string()
    } else {
        format!("Active changes: {}.", candidates.join(", "))
    };
    Err(format!("no change named \"{name}\".{hint} {listed}"))
}

/// `2026-09-14-add-x` → `add-x`.
fn archived_name(id: &str) -> &str {
    let b = id.as_bytes();
    let dated = b.len() > 11
        && b[..10].iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
        && b[10] == b'-';
    if dated {
        &id[11..]
    } else {
        id
    }
}

fn no_workspace(p: &Path) -> String {
    format!(
        "no spec workspace at or around {}: looked for a folder holding openspec/ (with specs/, changes/, config.yaml or project.md), .specify/ (or memory/constitution.md beside specs/), or .kiro/specs/ or .kiro/steering/",
        PathBuf::from(p).display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archived_names_lose_their_date() {
        assert_eq!(archived_name("2026-09-14-add-x"), "add-x");
        assert_eq!(archived_name("add-x"), "add-x");
        assert_eq!(archived_name("2026-09-14"), "2026-09-14");
        assert_eq!(archived_name("2026-9-14-add-x"), "2026-9-14-add-x");
    }

    #[test]
    fn a_path_in_a_change_folder_names_the_change() {
        let root = Path::new("/w");
        let at = |p: &str| change_at(root, Path::new(p));
        assert_eq!(at("/w/openspec/changes/add-x/specs/a").unwrap().id, "add-x");
        let archived = at("/w/openspec/changes/archive/2026-01-01-y").unwrap();
        assert!(archived.archived && archived.id == "2026-01-01-y");
        assert!(at("/w/openspec/changes").is_none());
        assert!(at("/w/openspec/changes/archive").is_none());
        assert!(at("/w/openspec/specs/a").is_none());
    }
}
