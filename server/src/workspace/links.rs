//! Link resolution: where a Markdown link of one file lands in the
//! workspace, and which requirements and scenarios an acceptance link
//! stands for. Rules report the links that land nowhere; editor features
//! follow, count and complete the others.

use rustc_hash::FxHashMap;

use super::{SourceFile, Workspace};
use crate::model::tasks::Link;
use crate::model::{Heading, Requirement, Scenario};
use crate::text::anchor::AnchorId;
use crate::text::nearest::did_you_mean;
use crate::text::percent::percent_decode;

/// What an acceptance link points at.
pub enum Target<'a> {
    /// Scenarios, by (file, requirement name, scenario name).
    Scenarios(Vec<(&'a str, &'a str, &'a str)>),
    Broken(String),
}

/// Joins a link path to the folder of `from` (both workspace-relative).
pub fn resolve_path(from: &str, link: &str) -> Option<String> {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for seg in link.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// The file an acceptance link in `from` points at, relative to the
/// workspace root (the tasks file itself for a bare `#anchor`).
pub fn link_target_path(from: &str, link: &Link) -> Option<String> {
    if link.path.is_empty() {
        Some(from.to_string())
    } else {
        resolve_path(from, &percent_decode(&link.path))
    }
}

/// The headings and requirement elements of one file, by anchor and line.
struct FileTargets<'a> {
    anchors: FxHashMap<AnchorId, &'a Heading>,
    lines: FxHashMap<u32, (&'a Requirement, Option<&'a Scenario>)>,
}

/// Resolves many links against the same files, indexing each target file
/// once: a task list with a hundred links into a long spec would otherwise
/// scan its headings and requirements once per link.
pub struct LinkResolver<'a> {
    ws: &'a Workspace,
    files: FxHashMap<&'a str, FileTargets<'a>>,
}

impl<'a> LinkResolver<'a> {
    pub fn new(ws: &'a Workspace) -> LinkResolver<'a> {
        LinkResolver {
            ws,
            files: FxHashMap::default(),
        }
    }

    fn targets(&mut self, file: &'a SourceFile) -> &FileTargets<'a> {
        self.files.entry(file.rel.as_str()).or_insert_with(|| {
            let mut anchors = FxHashMap::default();
            // The first heading with an anchor wins, as a browser does.
            for h in file.headings() {
                anchors.entry(h.anchor).or_insert(h);
            }
            let mut lines = FxHashMap::default();
            for r in file.summary.requirement_blocks() {
                lines.entry(r.line).or_insert((r, None));
                for sc in &r.scenarios {
                    lines.entry(sc.line).or_insert((r, Some(sc)));
                }
            }
            FileTargets { anchors, lines }
        })
    }

    pub fn resolve(&mut self, from: &str, link: &Link) -> Target<'a> {
        let ws = self.ws;
        let path = link_target_path(from, link);
        let Some(file) = path.as_deref().and_then(|p| ws.file(p)) else {
            return Target::Broken(format!(
                "\"{}\" is not a file of this workspace (paths are relative to the tasks file).",
                link.path
            ));
        };
        let Some(fragment) = link.fragment.as_deref().filter(|f| !f.is_empty()) else {
            return Target::Broken(format!("\"{}\" has no #anchor: link to a scenario or requirement heading, e.g. {}#scenario-<name>.", link.path, link.path));
        };
        let targets = self.targets(file);
        let Some(heading) = targets.anchors.get(&AnchorId::of(fragment)).copied() else {
            let names = file.anchors();
            let anchors = names.iter().map(String::as_str);
            return Target::Broken(format!(
                "No heading of {} has the anchor #{fragment}.{}",
                file.rel,
                did_you_mean(fragment, anchors)
            ));
        };
        match targets.lines.get(&heading.line) {
            Some((r, None)) => Target::Scenarios(
                r.scenarios
                    .iter()
                    .map(|s| (file.rel.as_str(), r.name.as_str(), s.name.as_str()))
                    .collect(),
            ),
            Some((r, Some(s))) => {
                Target::Scenarios(vec![(file.rel.as_str(), r.name.as_str(), s.name.as_str())])
            }
            None => Target::Broken(format!(
                "#{fragment} is the heading \"{}\", which is not a requirement or a scenario.",
                &file.text()[heading.title.range()]
            )),
        }
    }
}
