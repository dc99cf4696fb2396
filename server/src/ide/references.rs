//! Find references: definition the other way round.
//!
//! The cursor may be on a declaration or on a reference to one; either way
//! the answer is about the declaration:
//! - a requirement (main spec or delta entry): every entry of an active
//!   change that touches the same main requirement (ADDED of the same name,
//!   MODIFIED, REMOVED, either side of RENAMED), the main requirement itself,
//!   and every link to any of their headings;
//! - a scenario: its copies in that family's blocks, and every link to any
//!   of them (links to the requirement are not links to the scenario);
//! - a task: the dependencies naming it, directly or through its group; a
//!   group: the dependencies naming the group;
//! - any other heading or file: the links to it;
//! - a proposal's capability: every proposal listing it and the delta specs
//!   of active changes for it, with the main spec as the declaration.
//!
//! Links are searched in every Markdown file of the workspace, so acceptance
//! links and links from designs or notes are found alike. The declaration is
//! the element under the cursor when it is a declaration, else what the
//! reference under the cursor names; `include_declaration` puts it first.
//! The rest is ordered by path and position.

use super::element::{
    element_at, file_nav, heading_nav, line_around, link_target, requirement_family,
    scenario_family, Element, LinkTarget, Site,
};
use super::links::{self, resolve, scan_links, Resolved};
use super::shaped;
use super::NavTarget;
use crate::workspace::{FileKind, SourceFile, Summary, Workspace};

/// Over the shared shape: every citation of what the cursor names within
/// its unit, after its definition when asked for; nothing for an id that
/// names nothing. `None` when the cursor is on no id, task or phase.
fn shaped_references(
    unit: &shaped::Unit,
    at: usize,
    offset: usize,
    include_declaration: bool,
) -> Option<Vec<NavTarget>> {
    let subject = shaped::subject_at(unit, at, offset)?;
    let Some(def) = unit.resolve(subject) else {
        return Some(Vec::new());
    };
    let decl = include_declaration.then(|| unit.def_nav(&def));
    let cited = unit.cited(&def).into_iter();
    Some(
        decl.into_iter()
            .chain(cited.map(|(f, span)| unit.citation_nav(f, span)))
            .collect(),
    )
}

pub fn references(
    ws: &Workspace,
    rel: &str,
    offset: usize,
    include_declaration: bool,
) -> Vec<NavTarget> {
    if let Some((unit, at)) = shaped::Unit::of(ws, rel) {
        return shaped_references(&unit, at, offset, include_declaration).unwrap_or_default();
    }
    // An OpenSpec task list: its tasks and groups over the shared shape,
    // its links and other headings as in any OpenSpec file.
    if let Some((file, doc)) = shaped::openspec_tasks(ws, rel) {
        let unit = shaped::Unit::single(file, &doc);
        if let Some(out) = shaped_references(&unit, 0, offset, include_declaration) {
            return out;
        }
    }
    let Some(el) = element_at(ws, rel, offset) else {
        return Vec::new();
    };
    let (decl, mut refs) = match el {
        Element::Link { file, link } => match link_target(ws, &file.rel, &link) {
            Some(LinkTarget::Site(site)) => site_refs(ws, site),
            _ => return Vec::new(),
        },
        Element::Capability { cap, .. } => capability_refs(ws, &cap.name),
        Element::Site(site) => site_refs(ws, site),
    };
    refs.sort_by(|a, b| (&a.rel, a.focus.start).cmp(&(&b.rel, b.focus.start)));
    refs.dedup();
    refs.retain(|r| Some(r) != decl.as_ref());
    match decl {
        Some(d) if include_declaration => std::iter::once(d).chain(refs).collect(),
        _ => refs,
    }
}

fn site_refs(ws: &Workspace, site: Site) -> (Option<NavTarget>, Vec<NavTarget>) {
    match site {
        Site::Req(r) => {
            let family = requirement_family(ws, &r);
            let headings: Vec<(&str, u32)> = family
                .iter()
                .filter_map(|s| Some((s.file.rel.as_str(), s.block?.line)))
                .collect();
            let mut refs: Vec<NavTarget> = family.iter().map(|s| s.nav()).collect();
            refs.extend(links_to(ws, |f, line| {
                line.is_some_and(|l| headings.contains(&(f.rel.as_str(), l)))
            }));
            (Some(r.nav()), refs)
        }
        Site::Scenario(s) => {
            let family = scenario_family(ws, &s);
            let headings: Vec<(&str, u32)> = family
                .iter()
                .map(|x| (x.req.file.rel.as_str(), x.scenario.line))
                .collect();
            let mut refs: Vec<NavTarget> = family.iter().map(|x| x.nav()).collect();
            refs.extend(links_to(ws, |f, line| {
                line.is_some_and(|l| headings.contains(&(f.rel.as_str(), l)))
            }));
            (Some(s.nav()), refs)
        }
        Site::Heading(file, h) => {
            let refs = links_to(ws, |f, line| f.rel == file.rel && line == Some(h.line));
            (Some(heading_nav(file, h)), refs)
        }
        Site::File(file) => {
            let refs = links_to(ws, |f, line| f.rel == file.rel && line.is_none());
            (Some(file_nav(file)), refs)
        }
    }
}

/// Links anywhere in the workspace whose target passes `wanted` (the target
/// file, and the line of the heading its anchor names, if any). Links with a
/// broken anchor point at nothing and are never returned.
fn links_to(ws: &Workspace, wanted: impl Fn(&SourceFile, Option<u32>) -> bool) -> Vec<NavTarget> {
    let mut out = Vec::new();
    for f in ws.files.iter().filter(|f| links::is_markdown(&f.rel)) {
        for link in scan_links(f.text()) {
            let hit = match resolve(ws, &f.rel, &link) {
                Some(Resolved::File(t)) => wanted(t, None),
                Some(Resolved::Heading(t, h)) => wanted(t, Some(h.line)),
                _ => false,
            };
            if hit {
                out.push(NavTarget::new(&f.rel, link.span, link.span));
            }
        }
    }
    out
}

fn capability_refs(ws: &Workspace, cap: &str) -> (Option<NavTarget>, Vec<NavTarget>) {
    let decl = ws.main_spec(cap).map(|(f, _)| file_nav(f));
    let mut refs = Vec::new();
    for f in &ws.files {
        match (&f.kind, &f.summary) {
            (_, Summary::Proposal(p)) => {
                for c in p.capabilities.iter().filter(|c| c.name == cap) {
                    refs.push(NavTarget::new(
                        &f.rel,
                        line_around(f.text(), c.span),
                        c.span,
                    ));
                }
            }
            (FileKind::DeltaSpec { change, capability }, _)
                if !change.archived && capability == cap =>
            {
                refs.push(file_nav(f));
            }
            _ => {}
        }
    }
    (decl, refs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::{render, Fixture, VOICE};

    fn refs(fixture: &str, include_declaration: bool) -> Vec<String> {
        let fx = Fixture::new(fixture);
        references(&fx.ws, &fx.rel, fx.offset, include_declaration)
            .iter()
            .map(|t| render(&fx.ws, t))
            .collect()
    }

    /// Two active changes and an archived one touching `Transfer`, and tasks
    /// linking its scenarios in the main spec and in a delta.
    fn changes() -> String {
        format!(
            "{VOICE}//- openspec/changes/c/specs/voice/spec.md
## MODIFIED Requirements
### Requirement: Transfer
The agent SHALL transfer quickly.

#### Scenario: Caller asks
- **WHEN** asked
- **THEN** transferred

#### Scenario: Nobody free
- **WHEN** busy
- **THEN** wait
//- openspec/changes/c/tasks.md
## 1. Calls
- [ ] 1.1 Transfer [spec](specs/voice/spec.md#scenario-caller-asks)
  - Acceptance: [main](../../specs/voice/spec.md#scenario-caller-asks)
- [ ] 1.2 All (requires 1.1)
  - Acceptance: [req](specs/voice/spec.md#requirement-transfer), [free](specs/voice/spec.md#scenario-nobody-free)
//- openspec/changes/d/specs/voice/spec.md
## REMOVED Requirements
- `### Requirement: Transfer`
## RENAMED Requirements
- FROM: `### Requirement: Greeting`
- TO: `### Requirement: Welcome`
//- openspec/changes/archive/2025-01-01-e/specs/voice/spec.md
## MODIFIED Requirements
### Requirement: Transfer
Old.
#### Scenario: Caller asks
- **WHEN** x
//- openspec/changes/c/design.md
See [the requirement](../../specs/voice/spec.md#requirement-transfer).
"
        )
    }

    #[test]
    fn a_main_requirement_is_touched_by_deltas_and_linked_by_tasks() {
        let fx = changes().replace(
            "### Requirement: Transfer\nThe agent SHALL transfer.",
            "### Requirement: Trans$0fer\nThe agent SHALL transfer.",
        );
        assert_eq!(
            refs(&fx, true),
            [
                "openspec/specs/voice/spec.md:8 \"Transfer\"",
                "openspec/changes/c/design.md:1 \"[the requirement](../../specs/voice/spec.md#requirement-transfer)\"",
                "openspec/changes/c/specs/voice/spec.md:2 \"Transfer\"",
                "openspec/changes/c/tasks.md:5 \"[req](specs/voice/spec.md#requirement-transfer)\"",
                "openspec/changes/d/specs/voice/spec.md:2 \"Transfer\"",
            ]
        );
        assert_eq!(refs(&fx, false).len(), 4);
    }

    #[test]
    fn a_delta_requirement_gets_the_same_family() {
        let fx = changes().replace(
            "### Requirement: Transfer\nThe agent SHALL transfer quickly.",
            "### Requirement: Transfer$0\nThe agent SHALL transfer quickly.",
        );
        assert_eq!(
            refs(&fx, true),
            [
                "openspec/changes/c/specs/voice/spec.md:2 \"Transfer\"",
                "openspec/changes/c/design.md:1 \"[the requirement](../../specs/voice/spec.md#requirement-transfer)\"",
                "openspec/changes/c/tasks.md:5 \"[req](specs/voice/spec.md#requirement-transfer)\"",
                "openspec/changes/d/specs/voice/spec.md:2 \"Transfer\"",
                "openspec/specs/voice/spec.md:8 \"Transfer\"",
            ]
        );
        // An archived delta still finds its family, and is its declaration.
        let fx = changes().replace(
            "### Requirement: Transfer\nOld.",
            "### Requirement: $0Transfer\nOld.",
        );
        let got = refs(&fx, true);
        assert_eq!(
            got[0],
            "openspec/changes/archive/2025-01-01-e/specs/voice/spec.md:2 \"Transfer\""
        );
        assert_eq!(got.len(), 6);
    }

    #[test]
    fn both_sides_of_a_rename_belong_to_the_old_name() {
        let fx = changes().replace(
            "TO: `### Requirement: Welcome`",
            "TO: `### Requirement: Wel$0come`",
        );
        assert_eq!(
            refs(&fx, false),
            [
                "openspec/changes/d/specs/voice/spec.md:4 \"Greeting\"",
                "openspec/specs/voice/spec.md:19 \"Greeting\"",
            ]
        );
    }

    #[test]
    fn a_scenario_is_linked_directly_or_through_its_copies() {
        let fx = changes().replace(
            "#### Scenario: Caller asks\n- **WHEN** the",
            "#### Scenario: Caller$0 asks\n- **WHEN** the",
        );
        assert_eq!(
            refs(&fx, true),
            [
                "openspec/specs/voice/spec.md:11 \"Caller asks\"",
                "openspec/changes/c/specs/voice/spec.md:5 \"Caller asks\"",
                "openspec/changes/c/tasks.md:2 \"[spec](specs/voice/spec.md#scenario-caller-asks)\"",
                "openspec/changes/c/tasks.md:3 \"[main](../../specs/voice/spec.md#scenario-caller-asks)\"",
            ]
        );
        // From a link, the same answer with the link's target as declaration.
        let fx = changes().replace("[free](specs", "[fr$0ee](specs");
        assert_eq!(
            refs(&fx, true),
            [
                "openspec/changes/c/specs/voice/spec.md:9 \"Nobody free\"",
                "openspec/changes/c/tasks.md:5 \"[free](specs/voice/spec.md#scenario-nobody-free)\"",
                "openspec/specs/voice/spec.md:15 \"Nobody free\"",
            ]
        );
    }

    #[test]
    fn tasks_are_referenced_by_dependencies() {
        let fx = "//- openspec/changes/c/tasks.md
## 1. Setup
- [x] 1.$01 Trunk
- [ ] 1.2 Route (requires 1.1)
## 2. Calls
- [ ] 2.1 Answer (after 1)
  - Requires: 1.1, 1.2
- [ ] 2.2 Hold (requires 2)
";
        assert_eq!(
            refs(fx, true),
            [
                "openspec/changes/c/tasks.md:2 \"1.1\"",
                "openspec/changes/c/tasks.md:3 \"1.1\"",
                "openspec/changes/c/tasks.md:5 \"1\"",
                "openspec/changes/c/tasks.md:6 \"1.1\"",
            ]
        );
        // On a dependency: the task it names. On a group heading or a group
        // id: the group dependencies (2.2 is inside group 2: not its own).
        let clean = fx.replace("$0", "");
        assert_eq!(
            refs(
                &clean.replace("Route (requires 1.1)", "Route (requires 1.1$0)"),
                false
            )
            .len(),
            3
        );
        assert_eq!(
            refs(&clean.replace("## 2. Calls", "## 2.$0 Calls"), true),
            [
                "openspec/changes/c/tasks.md:4 \"2. Calls\"",
                "openspec/changes/c/tasks.md:7 \"2\""
            ]
        );
        assert_eq!(
            refs(&clean.replace("- [ ] 2.2", "- [ ] 2.$02"), true),
            ["openspec/changes/c/tasks.md:7 \"2.2\""]
        );
    }

    #[test]
    fn headings_and_files_are_referenced_by_links() {
        let fx = "//- openspec/changes/c/design.md
# Design

## Deci$0sions
Text.
//- openspec/changes/c/proposal.md
## Why
See [decisions](design.md#decisions), [design](design.md), [typo](design.md#decision).
";
        assert_eq!(
            refs(fx, true),
            [
                "openspec/changes/c/design.md:3 \"Decisions\"",
                "openspec/changes/c/proposal.md:2 \"[decisions](design.md#decisions)\"",
            ]
        );
        let on_file = fx.replace("$0", "").replace("[design]", "[$0design]");
        assert_eq!(
            refs(&on_file, false),
            ["openspec/changes/c/proposal.md:2 \"[design](design.md)\""]
        );
    }

    #[test]
    fn capabilities_are_listed_by_proposals_and_deltas() {
        let fx = format!(
            "{}//- openspec/changes/c/proposal.md
## Capabilities
### Modified Capabilities
- `vo$0ice`: changed
//- openspec/changes/d/proposal.md
## Capabilities
### Modified Capabilities
- `voice`: also
",
            changes()
        );
        assert_eq!(
            refs(&fx, true),
            [
                "openspec/specs/voice/spec.md:1 \"Voice\"",
                "openspec/changes/c/proposal.md:3 \"voice\"",
                "openspec/changes/c/specs/voice/spec.md:1 \"MODIFIED Requirements\"",
                "openspec/changes/d/proposal.md:3 \"voice\"",
                "openspec/changes/d/specs/voice/spec.md:1 \"REMOVED Requirements\"",
            ]
        );
    }

    #[test]
    fn nothing_under_the_cursor_means_no_references() {
        let fx = Fixture::new(&changes());
        for rel in ["openspec/changes/c/tasks.md", "nope.md"] {
            assert!(references(&fx.ws, rel, usize::MAX, true).is_empty());
        }
        let text = &fx.ws.file("openspec/specs/voice/spec.md").unwrap().text();
        let body = text.find("day and night").unwrap();
        assert!(references(&fx.ws, "openspec/specs/voice/spec.md", body, true).is_empty());
    }
}
