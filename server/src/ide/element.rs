//! What the cursor is on, and the places definition, references and hover
//! move between: requirement and scenario "sites" in main and delta specs,
//! headings and files. A task list's ids, tasks and groups are read in the
//! shared shape instead (`shaped::subject_at`), as Spec Kit's and Kiro's
//! are.
//!
//! A requirement has one identity across files: the main spec's requirement
//! of a capability, and every delta entry of that capability that changes it
//! (ADDED of the same name, MODIFIED, REMOVED, both sides of a RENAMED). Each
//! site carries that identity as its `key`, the name in the main spec.

use super::links::{self, MdLink, Resolved};
use super::{hit, NavTarget};
use crate::model::proposal::CapabilityRef;
use crate::model::{Heading, Requirement, Scenario, Span};
use crate::syntax::js;
use crate::workspace::{ChangeRef, FileKind, SourceFile, Summary, Workspace};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    Main,
    Added,
    Modified,
    Removed,
    RenamedFrom,
    RenamedTo,
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::Main => "requirement",
            Role::Added => "ADDED",
            Role::Modified => "MODIFIED",
            Role::Removed => "REMOVED",
            Role::RenamedFrom => "RENAMED FROM",
            Role::RenamedTo => "RENAMED TO",
        }
    }
}

/// A requirement as written in one file.
#[derive(Clone, Copy)]
pub(crate) struct ReqSite<'a> {
    pub file: &'a SourceFile,
    pub capability: &'a str,
    /// The change of a delta; `None` in a main spec.
    pub change: Option<&'a ChangeRef>,
    pub role: Role,
    pub name: &'a str,
    /// The main-spec name this entry stands for.
    pub key: &'a str,
    /// The block, for headers (REMOVED bullets and RENAMED lines have none).
    pub block: Option<&'a Requirement>,
    /// Where the cursor must be: the header or bullet line.
    pub line_span: Span,
    pub focus: Span,
    pub full: Span,
}

impl<'a> ReqSite<'a> {
    pub fn nav(&self) -> NavTarget {
        NavTarget::new(&self.file.rel, self.full, self.focus)
    }

    fn same(&self, other: &ReqSite) -> bool {
        self.file.rel == other.file.rel && self.line_span == other.line_span
    }
}

#[derive(Clone, Copy)]
pub(crate) struct ScenarioSite<'a> {
    pub req: ReqSite<'a>,
    pub scenario: &'a Scenario,
}

impl<'a> ScenarioSite<'a> {
    pub fn nav(&self) -> NavTarget {
        let s = self.scenario;
        let full = Span {
            start: s.header.start,
            end: s.body.end.max(s.header.end),
        };
        NavTarget::new(&self.req.file.rel, full, s.name_span)
    }
}

/// Something a link, a reference or the cursor can land on.
#[derive(Clone, Copy)]
pub(crate) enum Site<'a> {
    Req(ReqSite<'a>),
    Scenario(ScenarioSite<'a>),
    Heading(&'a SourceFile, &'a Heading),
    File(&'a SourceFile),
}

impl<'a> Site<'a> {
    pub fn nav(&self) -> NavTarget {
        match self {
            Site::Req(r) => r.nav(),
            Site::Scenario(s) => s.nav(),
            Site::Heading(f, h) => heading_nav(f, h),
            Site::File(f) => file_nav(f),
        }
    }
}

/// What the cursor is on, outside what the shared shape answers (a task
/// list's ids, tasks and groups: `shaped::subject_at`).
pub(crate) enum Element<'a> {
    Link {
        file: &'a SourceFile,
        link: MdLink,
    },
    Capability {
        change: &'a ChangeRef,
        cap: &'a CapabilityRef,
    },
    Site(Site<'a>),
}

pub(crate) fn element_at<'a>(ws: &'a Workspace, rel: &str, offset: usize) -> Option<Element<'a>> {
    let file = ws.file(rel)?;
    if offset > file.text().len() {
        return None;
    }
    // Narrow things first: a link may sit inside a heading.
    if let (FileKind::Proposal { change }, Summary::Proposal(p)) = (&file.kind, &file.summary) {
        if let Some(cap) = p.capabilities.iter().find(|c| hit(c.span, offset)) {
            return Some(Element::Capability { change, cap });
        }
    }
    if links::is_markdown(rel) {
        if let Some(link) = links::link_at(file.text(), offset) {
            return Some(Element::Link { file, link });
        }
    }
    let reqs = req_sites(file);
    if let Some(r) = reqs.iter().find(|r| hit(r.line_span, offset)) {
        return Some(Element::Site(Site::Req(*r)));
    }
    for r in &reqs {
        let Some(block) = r.block else { continue };
        if let Some(scenario) = block.scenarios.iter().find(|s| hit(s.header, offset)) {
            return Some(Element::Site(Site::Scenario(ScenarioSite {
                req: *r,
                scenario,
            })));
        }
    }
    let heading = file.headings().iter().find(|h| hit(h.span, offset))?;
    Some(Element::Site(Site::Heading(file, heading)))
}

/// Every requirement site of a main or delta spec, in document order of
/// kind (main requirements; or ADDED, MODIFIED, REMOVED, RENAMED).
pub(crate) fn req_sites(file: &SourceFile) -> Vec<ReqSite<'_>> {
    let mut out = Vec::new();
    match (&file.kind, &file.summary) {
        (FileKind::MainSpec { capability }, Summary::Main(spec)) => {
            for r in &spec.requirements {
                out.push(block_site(file, capability, None, Role::Main, r, &r.name));
            }
        }
        (FileKind::DeltaSpec { change, capability }, Summary::Delta(d)) => {
            let change = Some(change);
            for r in &d.added {
                out.push(block_site(
                    file,
                    capability,
                    change,
                    Role::Added,
                    r,
                    &r.name,
                ));
            }
            for r in &d.modified {
                // A MODIFIED entry names the requirement by its new name when
                // the same file renames it.
                let key = d
                    .renamed
                    .iter()
                    .find(|rn| rn.to.name == r.name)
                    .map_or(r.name.as_str(), |rn| rn.from.name.as_str());
                out.push(block_site(file, capability, change, Role::Modified, r, key));
            }
            for n in &d.removed {
                let block = d.removed_blocks.iter().find(|b| b.line == n.line);
                out.push(ReqSite {
                    file,
                    capability,
                    change,
                    role: Role::Removed,
                    name: &n.name,
                    key: &n.name,
                    block,
                    line_span: block.map_or(n.span, |b| b.header),
                    focus: n.name_span,
                    full: block.map_or(n.span, |b| b.block),
                });
            }
            for rn in &d.renamed {
                for (side, role) in [(&rn.from, Role::RenamedFrom), (&rn.to, Role::RenamedTo)] {
                    out.push(ReqSite {
                        file,
                        capability,
                        change,
                        role,
                        name: &side.name,
                        key: &rn.from.name,
                        block: None,
                        line_span: side.span,
                        focus: side.name_span,
                        full: side.span,
                    });
                }
            }
        }
        _ => {}
    }
    out
}

fn block_site<'a>(
    file: &'a SourceFile,
    capability: &'a str,
    change: Option<&'a ChangeRef>,
    role: Role,
    r: &'a Requirement,
    key: &'a str,
) -> ReqSite<'a> {
    ReqSite {
        file,
        capability,
        change,
        role,
        name: &r.name,
        key,
        block: Some(r),
        line_span: r.header,
        focus: r.name_span,
        full: r.block,
    }
}

/// The main spec's requirement a site stands for.
pub(crate) fn main_requirement<'a>(ws: &'a Workspace, site: &ReqSite) -> Option<ReqSite<'a>> {
    let (file, _) = ws.main_spec(site.capability)?;
    req_sites(file).into_iter().find(|r| r.name == site.key)
}

/// Every site of the requirement `site` stands for: the main requirement,
/// then the entries of active changes (ordered by path), and `site` itself
/// when it is none of those (an archived delta).
pub(crate) fn requirement_family<'a>(ws: &'a Workspace, site: &ReqSite<'a>) -> Vec<ReqSite<'a>> {
    let mut out: Vec<ReqSite<'a>> = main_requirement(ws, site).into_iter().collect();
    let mut deltas: Vec<&SourceFile> = ws
        .files
        .iter()
        .filter(|f| {
            matches!(&f.kind, FileKind::DeltaSpec { change, capability }
                if !change.archived && capability == site.capability)
        })
        .collect();
    deltas.sort_by(|a, b| a.rel.cmp(&b.rel));
    for f in deltas {
        out.extend(req_sites(f).into_iter().filter(|r| r.key == site.key));
    }
    if !out.iter().any(|r| r.same(site)) {
        out.insert(0, *site);
    }
    out
}

/// The entries of other active changes that `change/overlap` reports
/// `site` against: the same requirement changed (MODIFIED, REMOVED,
/// RENAMED) by both, or the same name ADDED by both. A MODIFIED of what
/// another change ADDS is stacked on it, not an overlap.
pub(crate) fn overlapping<'a>(ws: &'a Workspace, site: &ReqSite<'a>) -> Vec<ReqSite<'a>> {
    let Some(own) = site.change.filter(|c| !c.archived) else {
        return Vec::new();
    };
    let adds = |r: Role| r == Role::Added;
    requirement_family(ws, site)
        .into_iter()
        .filter(|o| {
            o.change.is_some_and(|c| c != own && !c.archived)
                && o.role != Role::Main
                && adds(o.role) == adds(site.role)
        })
        .collect()
}

/// The active changes of `family` (a [`requirement_family`]) that
/// `change/overlap` sets against each other: two or more that change the
/// requirement, or two or more that ADD its name, each in change order.
/// Empty when nothing conflicts.
pub(crate) fn conflicting_changes<'a>(family: &[ReqSite<'a>]) -> Vec<&'a ChangeRef> {
    let mut out: Vec<&ChangeRef> = Vec::new();
    for adds in [false, true] {
        let mut changes: Vec<&ChangeRef> = Vec::new();
        for s in family {
            let Some(c) = s.change.filter(|c| !c.archived) else {
                continue;
            };
            if s.role != Role::Main && (s.role == Role::Added) == adds && !changes.contains(&c) {
                changes.push(c);
            }
        }
        if changes.len() > 1 {
            out.extend(
                changes
                    .into_iter()
                    .filter(|c| !out.contains(c))
                    .collect::<Vec<_>>(),
            );
        }
    }
    out
}

/// Every copy of a scenario: the scenarios of the same name in the blocks of
/// its requirement's family.
pub(crate) fn scenario_family<'a>(
    ws: &'a Workspace,
    site: &ScenarioSite<'a>,
) -> Vec<ScenarioSite<'a>> {
    let mut out = Vec::new();
    for req in requirement_family(ws, &site.req) {
        let Some(block) = req.block else { continue };
        for scenario in &block.scenarios {
            if scenario.name == site.scenario.name {
                out.push(ScenarioSite { req, scenario });
            }
        }
    }
    out
}

/// The site a heading is: a requirement, a scenario, or just a heading.
pub(crate) fn heading_site<'a>(file: &'a SourceFile, heading: &'a Heading) -> Site<'a> {
    for r in req_sites(file) {
        let Some(block) = r.block else { continue };
        if block.line == heading.line {
            return Site::Req(r);
        }
        if let Some(scenario) = block.scenarios.iter().find(|s| s.line == heading.line) {
            return Site::Scenario(ScenarioSite { req: r, scenario });
        }
    }
    Site::Heading(file, heading)
}

/// Where a link leads, when it names a file of the workspace.
pub(crate) enum LinkTarget<'a> {
    Site(Site<'a>),
    /// The file exists; the anchor names none of its headings.
    MissingAnchor(&'a SourceFile, String),
}

pub(crate) fn link_target<'a>(
    ws: &'a Workspace,
    from: &str,
    link: &MdLink,
) -> Option<LinkTarget<'a>> {
    Some(match links::resolve(ws, from, link)? {
        Resolved::File(f) => LinkTarget::Site(Site::File(f)),
        Resolved::Heading(f, h) => LinkTarget::Site(heading_site(f, h)),
        Resolved::MissingAnchor(f) => {
            LinkTarget::MissingAnchor(f, link.fragment.clone().unwrap_or_default())
        }
    })
}

/// A heading: its section (to the last non-blank line before the next
/// heading of the same or a higher level) and its title.
pub(crate) fn heading_nav(file: &SourceFile, heading: &Heading) -> NavTarget {
    let full = Span {
        start: heading.span.start,
        end: section_end(file, heading).max(heading.span.end),
    };
    NavTarget::new(&file.rel, full, heading.title)
}

/// A whole file, with its first heading's title to select.
pub(crate) fn file_nav(file: &SourceFile) -> NavTarget {
    let focus = file.headings().first().map_or(Span::default(), |h| h.title);
    NavTarget::new(&file.rel, Span::new(0, file.text().len()), focus)
}

/// The end of the last non-blank line of a heading's section.
pub(crate) fn section_end(file: &SourceFile, heading: &Heading) -> u32 {
    let heads = file.headings();
    let next = heads
        .iter()
        .find(|h| h.line > heading.line && h.level <= heading.level)
        .map(|h| h.span.start as usize);
    body_end(file, heading, next)
}

/// [`heading_nav`]'s `full` for every heading of the file, in one pass:
/// asking [`section_end`] heading by heading is quadratic.
pub(crate) fn heading_fulls(file: &SourceFile) -> Vec<Span> {
    let heads = file.headings();
    let mut out = vec![Span::default(); heads.len()];
    // Headings after the current one, each ending the sections of the
    // headings before it down to its own level.
    let mut after: Vec<&Heading> = Vec::new();
    for (i, h) in heads.iter().enumerate().rev() {
        while after.last().is_some_and(|n| n.level > h.level) {
            after.pop();
        }
        let next = after.last().map(|n| n.span.start as usize);
        out[i] = Span {
            start: h.span.start,
            end: body_end(file, h, next).max(h.span.end),
        };
        after.push(h);
    }
    out
}

/// The end of the last non-blank line between `heading` and `next` (or
/// the end of the file).
fn body_end(file: &SourceFile, heading: &Heading, next: Option<usize>) -> u32 {
    let next = next.unwrap_or(file.text().len());
    let body = file
        .text()
        .get(heading.span.end as usize..next)
        .unwrap_or("");
    (heading.span.end as usize + js::trim_end(body).len()) as u32
}

/// The trimmed line holding `span`, in `text`: the line as the line
/// scanner cuts it (LF, CRLF and a lone CR end a line; a leading BOM is not
/// content), trimmed as [`crate::syntax::Doc::trimmed_range`] trims. Found by looking for
/// the line breaks around `span` rather than by cutting the whole text into
/// lines: the outline and references call this once per item, and cutting
/// the text each time made a file of N items cost N² steps.
pub(crate) fn line_around(text: &str, span: Span) -> Span {
    let bytes = text.as_bytes();
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut at = span.start as usize;
    if at < bom {
        return span;
    }
    at = at.min(bytes.len());
    // The second byte of a CRLF belongs to the line the CR ends.
    if at > bom && bytes.get(at) == Some(&b'\n') && bytes[at - 1] == b'\r' {
        at -= 1;
    }
    let start = memchr::memrchr2(b'\n', b'\r', &bytes[bom..at]).map_or(bom, |i| bom + i + 1);
    let end = memchr::memchr2(b'\n', b'\r', &bytes[at..]).map_or(bytes.len(), |i| at + i);
    let line = &text[start..end];
    let lead = line.len() - js::trim_start(line).len();
    let trail = line.len() - js::trim_end(line).len();
    if lead + trail >= line.len() {
        Span::new(start, start)
    } else {
        Span::new(start + lead, end - trail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::Doc;

    /// `line_around` finds the same line as cutting the text into lines
    /// does, at every offset: LF, CRLF, lone CR, a BOM, blank and
    /// whitespace-only lines, multi-byte characters, no final line break.
    #[test]
    fn line_around_agrees_with_the_line_scanner() {
        for text in [
            "",
            "one",
            "\u{feff}# T\r\n\r\n  - [ ] 1. Task é  \r\n\t\n\rlast",
            "a\r\rb\n\nc\r\n\r\n",
            "\u{feff}",
            "\u{feff}x\n",
            "  \u{3000}wide spaces\u{3000} \n- **WHEN** 😀 x\r",
        ] {
            let doc = Doc::new(text);
            for at in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                let span = Span::new(at, at);
                let want = match doc
                    .lines
                    .partition_point(|l| l.start as usize <= at)
                    .checked_sub(1)
                {
                    Some(i) => doc.trimmed_range(i).into(),
                    None => span,
                };
                assert_eq!(line_around(text, span), want, "{text:?} at {at}");
            }
        }
    }
}
