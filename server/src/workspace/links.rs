//! Link resolution: where a Markdown link of one file lands in the
//! workspace, and which requirements and scenarios an acceptance link
//! stands for. Rules report the links that land nowhere; editor features
//! follow, count and complete the others.

use rustc_hash::FxHashMap;

use super::{SourceFile, Workspace};
use crate::formats::shape::{Document, Reference};
use crate::model::tasks::Link;
use crate::model::{Heading, Requirement, Scenario};
use crate::text::anchor::AnchorId;
use crate::text::nearest::did_you_mean;
use crate::text::percent::percent_decode;

/// A scenario by where it is written: its file, its requirement's name and
/// its own. Copies of a scenario in one file (a name repeated, a
/// requirement both ADDED and MODIFIED) are one scenario.
pub type ScenarioKey<'a> = (&'a str, &'a str, &'a str);

/// What an acceptance link points at.
pub enum Target<'a> {
    Scenarios(Vec<ScenarioKey<'a>>),
    Broken(String),
}

/// What the links by anchor of a document's tasks (OpenSpec's acceptance
/// criteria in the shared shape) stand for: the one reading of them that
/// the acceptance rules, the coverage lenses and the quick fixes share.
pub struct Covered<'a, 'd> {
    /// Per task of the document, the scenarios its links name, link by
    /// link (a requirement's link names each of its scenarios), repeats
    /// included.
    pub tasks: Vec<Vec<ScenarioKey<'a>>>,
    /// The links that name no scenario or requirement, with why, in task
    /// order.
    pub broken: Vec<(&'d Reference, String)>,
}

/// Resolves the links by anchor of the tasks of `doc`, the file `from`.
pub fn covered<'a, 'd>(ws: &'a Workspace, from: &str, doc: &'d Document) -> Covered<'a, 'd> {
    let mut resolver = LinkResolver::new(ws);
    let mut out = Covered {
        tasks: Vec::with_capacity(doc.tasks.len()),
        broken: Vec::new(),
    };
    for t in &doc.tasks {
        let mut found = Vec::new();
        for r in &t.links {
            let Some((path, anchor)) = r.link() else {
                continue;
            };
            match resolver.resolve_parts(from, path, anchor) {
                Target::Scenarios(s) => found.extend(s),
                Target::Broken(why) => out.broken.push((r, why)),
            }
        }
        out.tasks.push(found);
    }
    out
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
    target_path(from, &link.path)
}

/// The file a link path written in `from` names, relative to the
/// workspace root: `from` itself for an empty path, the path
/// percent-decoded, and a leading `/` read as the workspace root, as
/// GitHub reads it for the repository's. Following a link and the rules
/// that report broken ones read paths this one way.
pub fn target_path(from: &str, path: &str) -> Option<String> {
    if path.is_empty() {
        return Some(from.to_string());
    }
    let decoded = percent_decode(path);
    match decoded.strip_prefix('/') {
        Some(rooted) => resolve_path("", rooted),
        None => resolve_path(from, &decoded),
    }
}

/// The anchors a link's fragment may name, in the order they are tried:
/// as written, then percent-decoded (an editor may have encoded a
/// non-ASCII anchor).
pub fn fragment_anchors(fragment: &str) -> impl Iterator<Item = AnchorId> {
    let decoded = percent_decode(fragment);
    let again = (decoded != fragment).then(|| AnchorId::of(&decoded));
    std::iter::once(AnchorId::of(fragment)).chain(again)
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
        self.resolve_parts(from, &link.path, link.fragment.as_deref())
    }

    /// Resolves the link `path#anchor` (`anchor` is `None` without a `#`)
    /// written in `from`.
    fn resolve_parts(&mut self, from: &str, path: &str, anchor: Option<&str>) -> Target<'a> {
        let ws = self.ws;
        let target = target_path(from, path);
        let Some(file) = target.as_deref().and_then(|p| ws.file(p)) else {
            return Target::Broken(format!(
                "\"{path}\" is not a file of this workspace (paths are relative to the tasks file, or to the workspace root when they start with /)."
            ));
        };
        let Some(fragment) = anchor.filter(|f| !f.is_empty()) else {
            return Target::Broken(format!("\"{path}\" has no #anchor: link to a scenario or requirement heading, e.g. {path}#scenario-<name>."));
        };
        let targets = self.targets(file);
        let Some(heading) =
            fragment_anchors(fragment).find_map(|id| targets.anchors.get(&id).copied())
        else {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::openspec;
    use crate::workspace::fixture::workspace;

    const CHANGE: &str = "//- openspec/changes/c/specs/voice/spec.md
## ADDED Requirements
### Requirement: Hold
The agent SHALL hold.
#### Scenario: Caller waits
- **WHEN** nobody is free
- **THEN** music plays
#### Scenario: Caller hangs up
- **WHEN** the caller hangs up
- **THEN** the call ends
//- openspec/changes/c/tasks.md
## 1. Hold
- [ ] 1.1 Music
  - Acceptance: [w](specs/voice/spec.md#scenario-caller-waits), [again](specs/voice/spec.md#scenario-caller-waits)
- [ ] 1.2 Hold
  - Acceptance: [all](specs/voice/spec.md#requirement-hold), [typo](specs/voice/spec.md#scenario-nope)
- [ ] 1.3 Nothing
  - Acceptance: [gone](specs/gone/spec.md#x), [bare](specs/voice/spec.md)
";

    /// The task list `rel` of `ws` in the shared shape.
    fn tasks_doc(ws: &Workspace, rel: &str) -> Document {
        let Some(crate::workspace::Summary::Tasks(list)) = ws.file(rel).map(|f| &f.summary) else {
            panic!("no task list");
        };
        openspec::tasks(list, ws.file(rel).unwrap().text())
    }

    /// The links of each task stand for scenarios, a requirement's for
    /// each of its scenarios; the others are broken, each with why.
    #[test]
    fn links_by_anchor_stand_for_scenarios() {
        let ws = workspace(CHANGE);
        let rel = "openspec/changes/c/tasks.md";
        let doc = tasks_doc(&ws, rel);
        let found = covered(&ws, rel, &doc);
        let spec = "openspec/changes/c/specs/voice/spec.md";
        assert_eq!(
            found.tasks,
            [
                vec![
                    (spec, "Hold", "Caller waits"),
                    (spec, "Hold", "Caller waits")
                ],
                vec![
                    (spec, "Hold", "Caller waits"),
                    (spec, "Hold", "Caller hangs up")
                ],
                vec![],
            ]
        );
        let want = [
            (
                "specs/voice/spec.md#scenario-nope",
                "No heading of openspec/changes/c/specs/voice/spec.md has the anchor #scenario-nope.",
            ),
            (
                "specs/gone/spec.md#x",
                "\"specs/gone/spec.md\" is not a file of this workspace",
            ),
            ("specs/voice/spec.md", "\"specs/voice/spec.md\" has no #anchor"),
        ];
        assert_eq!(found.broken.len(), want.len());
        for ((r, why), (id, start)) in found.broken.iter().zip(want) {
            assert_eq!(r.id, id);
            assert!(why.starts_with(start), "{why}");
        }
    }

    /// A link rooted at the workspace (`/openspec/…`, as GitHub reads a
    /// leading `/`) and an anchor an editor percent-encoded stand for
    /// their scenarios, as following them in the editor lands there.
    #[test]
    fn rooted_paths_and_encoded_anchors_are_read_as_navigation_reads_them() {
        let ws = workspace(
            "//- openspec/changes/c/specs/voice/spec.md
## ADDED Requirements
### Requirement: Hold
The agent SHALL hold.
#### Scenario: Caller waits
- **WHEN** nobody is free
- **THEN** music plays
#### Scenario: Café closes
- **WHEN** the café closes
- **THEN** the call ends
//- openspec/changes/c/tasks.md
## 1. Hold
- [ ] 1.1 Music
  - Acceptance: [w](/openspec/changes/c/specs/voice/spec.md#scenario-caller-waits)
- [ ] 1.2 Close
  - Acceptance: [c](specs/voice/spec.md#scenario-caf%C3%A9-closes), [gone](/specs/voice/spec.md#scenario-caller-waits)
",
        );
        let rel = "openspec/changes/c/tasks.md";
        let doc = tasks_doc(&ws, rel);
        let found = covered(&ws, rel, &doc);
        let spec = "openspec/changes/c/specs/voice/spec.md";
        assert_eq!(
            found.tasks,
            [
                vec![(spec, "Hold", "Caller waits")],
                vec![(spec, "Hold", "Café closes")],
            ]
        );
        // Rooted at the workspace, not at the change: no such file.
        assert_eq!(found.broken.len(), 1);
        assert_eq!(
            found.broken[0].0.id,
            "/specs/voice/spec.md#scenario-caller-waits"
        );
        assert!(found.broken[0]
            .1
            .contains("or to the workspace root when they start with /"));
    }
}
