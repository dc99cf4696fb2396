//! Document outline (document symbols).
//!
//! The outline nests headings by level (a heading's range runs to the last
//! non-blank line before the next heading of the same or a higher level) and
//! names what the dialect gives meaning to: `Purpose`, `Requirements`, delta
//! and proposal sections are sections, `### Requirement:` blocks are
//! requirements (named without the `Requirement:` prefix, detail: scenario
//! count), `####` headings under them are scenarios, `##` groups of a task
//! list are groups (detail: progress) holding their tasks, sub-tasks nested
//! (detail: done/open). Entries that are not headings are placed inside the
//! heading whose range holds them: REMOVED bullets and RENAMED pairs
//! (`Old → New`) of a delta, and a proposal's capabilities.
//!

use rustc_hash::{FxHashMap, FxHashSet};

use super::element::{heading_fulls, line_around, req_sites, ReqSite, Role};
use super::links::is_markdown;
use super::SymbolKind;
use crate::formats::shape;
use crate::model::tasks::TaskList;
use crate::model::{Heading, Scenario, Span};
use crate::syntax::{js, Doc};
use crate::workspace::{SourceFile, Summary, Workspace};

/// An outline entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// The whole element; holds `focus` and every child's `full`.
    pub full: Span,
    pub focus: Span,
    pub children: Vec<Symbol>,
}

pub fn document_symbols(ws: &Workspace, rel: &str) -> Vec<Symbol> {
    let Some(file) = ws.file(rel).filter(|f| is_markdown(&f.rel)) else {
        return Vec::new();
    };
    let mut roots = heading_tree(file);
    for extra in extras(file) {
        insert(&mut roots, extra);
    }
    roots
}

fn symbol(
    name: String,
    detail: Option<String>,
    kind: SymbolKind,
    full: Span,
    focus: Span,
) -> Symbol {
    Symbol {
        // Editors reject outline entries without a name.
        name: if js::trim(&name).is_empty() {
            "(untitled)".to_string()
        } else {
            name
        },
        detail,
        kind,
        full,
        focus,
        children: Vec::new(),
    }
}

/// What naming a heading needs from the rest of the file, worked out once
/// per file: looked up heading by heading, an outline of a spec with N
/// requirements cost N² steps.
struct Headings<'a> {
    file: &'a SourceFile,
    /// Each heading's whole range, by its index in `file.headings()`.
    fulls: Vec<Span>,
    /// The requirement or scenario a heading line opens; the first
    /// requirement site to claim a line has it.
    elements: FxHashMap<u32, Element<'a>>,
    /// A task group's progress (done, all), by the line of its heading.
    groups: FxHashMap<u32, (usize, usize)>,
    /// The lines of a delta's ADDED/MODIFIED/REMOVED/RENAMED headings.
    delta_sections: FxHashSet<u32>,
}

enum Element<'a> {
    Requirement(ReqSite<'a>),
    Scenario(&'a Scenario),
    /// A Spec Kit or Kiro requirement written as a heading (a user story, a
    /// Kiro requirement or property), with the number of its children.
    Shaped(&'a shape::Requirement, usize),
}

impl<'a> Headings<'a> {
    fn new(file: &'a SourceFile) -> Headings<'a> {
        let mut elements = FxHashMap::default();
        for r in req_sites(file) {
            let Some(block) = r.block else { continue };
            elements
                .entry(block.line)
                .or_insert(Element::Requirement(r));
            for s in &block.scenarios {
                elements.entry(s.line).or_insert(Element::Scenario(s));
            }
        }
        let mut groups = FxHashMap::default();
        let mut delta_sections = FxHashSet::default();
        if let Some(doc) = file.summary.shape() {
            let heading_lines: FxHashSet<u32> = file.headings().iter().map(|h| h.line).collect();
            // Children counted in one pass (counted per requirement, a file
            // of N requirements cost N² steps).
            let mut children = vec![0usize; doc.requirements.len()];
            let parents = doc.requirements.iter().map(|c| c.parent);
            for p in parents
                .chain(doc.scenarios.iter().map(|c| c.parent))
                .flatten()
            {
                if let Some(n) = children.get_mut(p) {
                    *n += 1;
                }
            }
            for (r, &children) in doc.requirements.iter().zip(&children) {
                if heading_lines.contains(&r.line) {
                    elements
                        .entry(r.line)
                        .or_insert(Element::Shaped(r, children));
                }
            }
            let mut progress = vec![(0, 0); doc.phases.len()];
            for t in &doc.tasks {
                if let Some(p) = t.phase.filter(|&p| p < progress.len()) {
                    progress[p].0 += usize::from(t.state == shape::TaskState::Done);
                    progress[p].1 += 1;
                }
            }
            for (p, n) in doc.phases.iter().zip(progress) {
                groups.entry(p.line).or_insert(n);
            }
        }
        match &file.summary {
            Summary::Tasks(t) => {
                let mut progress = vec![(0, 0); t.groups.len()];
                for task in &t.tasks {
                    if let Some(g) = task.group() {
                        progress[g].0 += usize::from(task.done);
                        progress[g].1 += 1;
                    }
                }
                for (g, p) in t.groups.iter().zip(progress) {
                    groups.entry(g.line).or_insert(p);
                }
            }
            Summary::Delta(d) => {
                delta_sections.extend(d.sections.iter().filter(|s| s.op.is_some()).map(|s| s.line))
            }
            _ => {}
        }
        Headings {
            file,
            fulls: heading_fulls(file),
            elements,
            groups,
            delta_sections,
        }
    }

    /// The outline entry of heading number `i`.
    fn symbol(&self, i: usize, h: &Heading) -> Symbol {
        let file = self.file;
        let full = self.fulls[i];
        let title = file.text().get(h.title.range()).unwrap_or("").to_string();
        match self.elements.get(&h.line) {
            Some(Element::Requirement(r)) => {
                let scenarios = r.block.map_or(0, |b| b.scenarios.len());
                return symbol(
                    r.name.to_string(),
                    Some(count(scenarios, "scenario")),
                    SymbolKind::Requirement,
                    full,
                    r.focus,
                );
            }
            Some(Element::Scenario(s)) => {
                return symbol(
                    s.name.clone(),
                    None,
                    SymbolKind::Scenario,
                    full,
                    s.name_span,
                );
            }
            Some(Element::Shaped(r, children)) => {
                let detail = (r.kind == shape::RequirementKind::Story).then(|| {
                    match (&file.summary, children) {
                        (Summary::Kiro(_), 1) => "1 criterion".to_string(),
                        (Summary::Kiro(_), n) => format!("{n} criteria"),
                        (_, n) => count(*n, "scenario"),
                    }
                });
                return symbol(title, detail, SymbolKind::Requirement, full, h.title);
            }
            None => {}
        }
        if file.summary.shape().is_some() {
            if let Some((done, all)) = self.groups.get(&h.line) {
                let detail = format!("{done}/{all} done");
                return symbol(title, Some(detail), SymbolKind::Group, full, h.title);
            }
        }
        let kind = match (&file.summary, h.level) {
            (Summary::Tasks(_), 2) => {
                if let Some((done, all)) = self.groups.get(&h.line) {
                    let detail = format!("{done}/{all} done");
                    return symbol(title, Some(detail), SymbolKind::Group, full, h.title);
                }
                SymbolKind::Heading
            }
            (Summary::Main(_), 2) if is_one_of(&title, &["purpose", "requirements"]) => {
                SymbolKind::Section
            }
            (Summary::Delta(_), 2) if self.delta_sections.contains(&h.line) => SymbolKind::Section,
            (Summary::Proposal(_), 2)
                if is_one_of(&title, &["why", "what changes", "capabilities", "impact"]) =>
            {
                SymbolKind::Section
            }
            _ => SymbolKind::Heading,
        };
        symbol(title, None, kind, full, h.title)
    }
}

fn is_one_of(title: &str, names: &[&str]) -> bool {
    names.iter().any(|n| title.eq_ignore_ascii_case(n))
}

fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// Headings nested by level.
fn heading_tree(file: &SourceFile) -> Vec<Symbol> {
    let mut roots = Vec::new();
    let mut stack: Vec<(u8, Symbol)> = Vec::new();
    fn close(stack: &mut Vec<(u8, Symbol)>, roots: &mut Vec<Symbol>) {
        let (_, done) = stack.pop().expect("caller checked");
        match stack.last_mut() {
            Some((_, parent)) => parent.children.push(done),
            None => roots.push(done),
        }
    }
    let headings = Headings::new(file);
    for (i, h) in file.headings().iter().enumerate() {
        while stack.last().is_some_and(|(l, _)| *l >= h.level) {
            close(&mut stack, &mut roots);
        }
        stack.push((h.level, headings.symbol(i, h)));
    }
    while !stack.is_empty() {
        close(&mut stack, &mut roots);
    }
    roots
}

/// Outline entries that are not headings.
fn extras(file: &SourceFile) -> Vec<Symbol> {
    let mut out = Vec::new();
    match &file.summary {
        Summary::Delta(d) => {
            for r in req_sites(file) {
                if r.role == Role::Removed && r.block.is_none() {
                    out.push(symbol(
                        r.name.to_string(),
                        Some("removed".into()),
                        SymbolKind::Requirement,
                        r.full,
                        r.focus,
                    ));
                }
            }
            for rn in &d.renamed {
                let full = Span {
                    start: rn.from.span.start.min(rn.to.span.start),
                    end: rn.from.span.end.max(rn.to.span.end),
                };
                out.push(symbol(
                    format!("{} → {}", rn.from.name, rn.to.name),
                    Some("renamed".into()),
                    SymbolKind::Requirement,
                    full,
                    rn.from.name_span,
                ));
            }
        }
        Summary::Proposal(p) => {
            for c in &p.capabilities {
                let detail = match c.kind {
                    crate::model::proposal::CapabilityKind::New => "new",
                    crate::model::proposal::CapabilityKind::Modified => "modified",
                };
                let full = line_around(file.text(), c.span);
                out.push(symbol(
                    c.name.clone(),
                    Some(detail.into()),
                    SymbolKind::Capability,
                    full,
                    c.span,
                ));
            }
        }
        Summary::Tasks(t) => out.extend(task_symbols(file.text(), t)),
        _ => {}
    }
    if let Some(doc) = file.summary.shape() {
        out.extend(shaped_extras(file, doc));
    }
    out
}

/// A Spec Kit or Kiro file's items that are not headings: requirement items
/// (`FR-001`, Kiro's criteria `1.2`) and tasks, each task holding its
/// sub-tasks.
fn shaped_extras(file: &SourceFile, doc: &shape::Document) -> Vec<Symbol> {
    let text = |s: Span| file.text().get(s.range()).unwrap_or("").trim().to_string();
    let heading_lines: FxHashSet<u32> = file.headings().iter().map(|h| h.line).collect();
    let mut out: Vec<Symbol> = doc
        .requirements
        .iter()
        .filter(|r| !heading_lines.contains(&r.line))
        .map(|r| {
            let full = line_around(file.text(), r.span);
            symbol(
                r.id.clone(),
                Some(text(r.text)),
                SymbolKind::Requirement,
                full,
                r.id_span,
            )
        })
        .collect();
    let mut tasks: Vec<Option<Symbol>> = doc
        .tasks
        .iter()
        .map(|t| {
            let state = match t.state {
                shape::TaskState::Done => "done",
                shape::TaskState::Open => "open",
                shape::TaskState::InProgress => "in progress",
            };
            let name = match &t.id {
                Some(id) => format!("{id} {}", text(t.description)),
                None => text(t.description),
            };
            Some(symbol(
                name,
                Some(state.into()),
                SymbolKind::Task,
                line_around(file.text(), t.span),
                t.id_span.unwrap_or(t.span),
            ))
        })
        .collect();
    // Sub-tasks follow their parent: attached last to first, each parent's
    // range grows over its children.
    for i in (0..tasks.len()).rev() {
        let Some(p) = doc.tasks[i].parent.filter(|&p| p < i) else {
            continue;
        };
        let mut child = tasks[i].take().expect("each task is attached once");
        child.children.reverse();
        if let Some(parent) = tasks[p].as_mut() {
            parent.full.end = parent.full.end.max(child.full.end);
            parent.children.push(child);
        }
    }
    out.extend(tasks.into_iter().flatten().map(|mut s| {
        s.children.reverse();
        s
    }));
    out
}

/// Top-level tasks, each holding its sub-tasks; a task's range runs over
/// the lines indented below it (sub-bullets, sub-tasks).
fn task_symbols(text: &str, tasks: &TaskList) -> Vec<Symbol> {
    let doc = Doc::new(text);
    let mut syms: Vec<Option<Symbol>> = tasks
        .tasks
        .iter()
        .map(|t| {
            let i = t.line as usize;
            let mut last = i;
            for j in i + 1..doc.len() {
                if doc.atx(j).is_some() {
                    break;
                }
                let line = doc.line(j);
                if js::trim(line).is_empty() {
                    continue;
                }
                if crate::model::tasks::indent_columns(line) <= t.indent as usize {
                    break;
                }
                last = j;
            }
            let end = if last == i {
                t.span.end
            } else {
                doc.trimmed_range(last).end as u32
            };
            let full = Span {
                start: t.span.start,
                end,
            };
            let state = if t.done { "done" } else { "open" };
            Some(symbol(
                t.description(text).to_string(),
                Some(state.into()),
                SymbolKind::Task,
                full,
                t.id_span.unwrap_or(t.span),
            ))
        })
        .collect();
    // Children are attached last to first, so that a task is complete when
    // it moves into its parent; each parent receives them in reverse and
    // turns them round once they are all there (inserting each at the front
    // would cost a parent of N sub-tasks N² moves).
    for i in (0..tasks.tasks.len()).rev() {
        if let Some(p) = tasks.tasks[i].parent() {
            let mut child = syms[i].take().expect("each task is attached once");
            child.children.reverse();
            if let Some(parent) = syms[p].as_mut() {
                parent.children.push(child);
            }
        }
    }
    syms.into_iter()
        .flatten()
        .map(|mut s| {
            s.children.reverse();
            s
        })
        .collect()
}

/// Puts `sym` inside the deepest symbol whose range holds it, in order.
/// Siblings are in order and do not overlap, so at each level only the
/// last one starting at or before `sym` can hold it: a binary search, where
/// looking at every sibling made a heading of N items cost N² steps.
fn insert(level: &mut Vec<Symbol>, sym: Symbol) {
    let before = level.partition_point(|s| s.full.start <= sym.full.start);
    if let Some(holder) = before.checked_sub(1).map(|i| &mut level[i]) {
        if sym.full.end <= holder.full.end {
            return insert(&mut holder.children, sym);
        }
    }
    let at = level.partition_point(|s| s.full.start < sym.full.start);
    level.insert(at, sym);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::{render_span, LongSpec, LONG_SPEC, VOICE};
    use crate::workspace::fixture::workspace;

    /// The outline as indented lines: `kind name [detail] @line "focus"`.
    fn outline(fixture: &str, rel: &str) -> Vec<String> {
        let ws = workspace(fixture);
        let text = &ws.file(rel).unwrap().text();
        let mut out = Vec::new();
        fn walk(
            ws: &Workspace,
            rel: &str,
            text: &str,
            syms: &[Symbol],
            depth: usize,
            out: &mut Vec<String>,
        ) {
            for s in syms {
                assert!(
                    s.full.start <= s.focus.start && s.focus.end <= s.full.end,
                    "{s:?}"
                );
                for c in &s.children {
                    assert!(
                        s.full.start <= c.full.start && c.full.end <= s.full.end,
                        "{c:?} in {s:?}"
                    );
                }
                let detail = s
                    .detail
                    .as_deref()
                    .map(|d| format!(" [{d}]"))
                    .unwrap_or_default();
                let at = render_span(ws, rel, s.focus);
                let line = at.split(' ').next().unwrap().rsplit(':').next().unwrap();
                out.push(format!(
                    "{}{:?} {}{detail} @{line} {:?}",
                    "  ".repeat(depth),
                    s.kind,
                    s.name,
                    &text[s.focus.range()]
                ));
                walk(ws, rel, text, &s.children, depth + 1, out);
            }
        }
        walk(&ws, rel, text, &document_symbols(&ws, rel), 0, &mut out);
        out
    }

    #[test]
    fn main_spec_outline() {
        assert_eq!(
            outline(VOICE, "openspec/specs/voice/spec.md"),
            [
                "Heading Voice @1 \"Voice\"",
                "  Section Purpose @3 \"Purpose\"",
                "  Section Requirements @6 \"Requirements\"",
                "    Requirement Transfer [2 scenarios] @8 \"Transfer\"",
                "      Scenario Caller asks @11 \"Caller asks\"",
                "      Scenario Nobody free @15 \"Nobody free\"",
                "    Requirement Greeting [1 scenario] @19 \"Greeting\"",
                "      Scenario Hello @22 \"Hello\"",
            ]
        );
    }

    #[test]
    fn heading_ranges_stop_before_the_next_heading_and_blank_lines() {
        let ws = workspace(VOICE);
        let rel = "openspec/specs/voice/spec.md";
        let text = &ws.file(rel).unwrap().text();
        let syms = document_symbols(&ws, rel);
        let purpose = &syms[0].children[0];
        assert_eq!(
            &text[purpose.full.range()],
            "## Purpose\nAnswer calls for the call centre, day and night, in every language."
        );
        assert_eq!(syms[0].full, Span::new(0, text.trim_end().len()));
    }

    #[test]
    fn delta_outline_lists_removed_and_renamed_entries() {
        let fx = "//- openspec/changes/c/specs/voice/spec.md
## ADDED Requirements
### Requirement: Music 🎵
It SHALL play.
#### Scenario: 保留
- **WHEN** held

## REMOVED Requirements
- `### Requirement: Greeting`
### Requirement: Transfer
Gone.

## RENAMED Requirements
- FROM: `### Requirement: Hello`
- TO: `### Requirement: Welcome`

## Notes
";
        assert_eq!(
            outline(fx, "openspec/changes/c/specs/voice/spec.md"),
            [
                "Section ADDED Requirements @1 \"ADDED Requirements\"",
                "  Requirement Music 🎵 [1 scenario] @2 \"Music 🎵\"",
                "    Scenario 保留 @4 \"保留\"",
                "Section REMOVED Requirements @7 \"REMOVED Requirements\"",
                "  Requirement Greeting [removed] @8 \"Greeting\"",
                "  Requirement Transfer [0 scenarios] @9 \"Transfer\"",
                "Section RENAMED Requirements @12 \"RENAMED Requirements\"",
                "  Requirement Hello → Welcome [renamed] @13 \"Hello\"",
                "Heading Notes @16 \"Notes\"",
            ]
        );
    }

    #[test]
    fn task_outline_nests_groups_tasks_and_sub_tasks() {
        let fx = "//- openspec/changes/c/tasks.md\r
# Tasks\r
\r
## 1. Setup\r
- [x] 1.1 Trunk\r
  - Acceptance: [a](x.md#a)\r
  - [ ] 1.1.1 Sub\r
    - [x] 1.1.1.1 Deeper\r
- [ ] 1.2 Route\r
## Phase C: Features\r
- [ ] C.1 Lettered\r
- [ ] no id\r
";
        assert_eq!(
            outline(fx, "openspec/changes/c/tasks.md"),
            [
                "Heading Tasks @1 \"Tasks\"",
                "  Group 1. Setup [2/4 done] @3 \"1. Setup\"",
                "    Task 1.1 Trunk [done] @4 \"1.1\"",
                "      Task 1.1.1 Sub [open] @6 \"1.1.1\"",
                "        Task 1.1.1.1 Deeper [done] @7 \"1.1.1.1\"",
                "    Task 1.2 Route [open] @8 \"1.2\"",
                "  Group Phase C: Features [0/2 done] @9 \"Phase C: Features\"",
                "    Task C.1 Lettered [open] @10 \"C.1\"",
                "    Task no id [open] @11 \"- [ ] no id\"",
            ]
        );
        let ws = workspace(fx);
        let rel = "openspec/changes/c/tasks.md";
        let text = &ws.file(rel).unwrap().text();
        let first = &document_symbols(&ws, rel)[0].children[0].children[0];
        assert_eq!(
            &text[first.full.range()],
            "- [x] 1.1 Trunk\r\n  - Acceptance: [a](x.md#a)\r\n  - [ ] 1.1.1 Sub\r\n    - [x] 1.1.1.1 Deeper"
        );
    }

    #[test]
    fn proposal_outline_shows_capabilities() {
        let fx = "//- openspec/changes/c/proposal.md
## Why
x
## Capabilities
### New Capabilities
- `hold`: new
### Modified Capabilities
- `voice`: changed
## 
";
        assert_eq!(
            outline(fx, "openspec/changes/c/proposal.md"),
            [
                "Section Why @1 \"Why\"",
                "Section Capabilities @3 \"Capabilities\"",
                "  Heading New Capabilities @4 \"New Capabilities\"",
                "    Capability hold [new] @5 \"hold\"",
                "  Heading Modified Capabilities @6 \"Modified Capabilities\"",
                "    Capability voice [modified] @7 \"voice\"",
                "Heading (untitled) @8 \"\"",
            ]
        );
        assert!(document_symbols(&workspace(fx), "openspec/nope.md").is_empty());
    }

    /// A spec of thousands of requirements: every requirement and scenario
    /// in place, with the ranges worked out while the text was generated.
    #[test]
    fn a_spec_with_thousands_of_requirements() {
        let n = 3000;
        let long = LongSpec::new(n);
        let ws = workspace(&long.fixture);
        let text = &ws.file(LONG_SPEC).unwrap().text();
        let syms = document_symbols(&ws, LONG_SPEC);
        let roots: Vec<(&str, SymbolKind)> =
            syms.iter().map(|s| (s.name.as_str(), s.kind)).collect();
        assert_eq!(
            roots,
            [
                ("Purpose", SymbolKind::Section),
                ("Requirements", SymbolKind::Section)
            ]
        );
        let section = &syms[1];
        assert_eq!(section.full.end as usize, text.trim_end().len());
        assert_eq!(section.children.len(), n);
        for (i, (r, [full, name, a, b])) in
            section.children.iter().zip(&long.requirements).enumerate()
        {
            assert_eq!(r.name, format!("R{i}"));
            assert_eq!(r.kind, SymbolKind::Requirement);
            assert_eq!(r.detail.as_deref(), Some("2 scenarios"));
            assert_eq!((r.full, r.focus), (*full, *name), "R{i}");
            let scenarios: Vec<(&str, Span)> = r
                .children
                .iter()
                .map(|s| (s.name.as_str(), s.full))
                .collect();
            assert_eq!(
                scenarios,
                [
                    (format!("S{i}a").as_str(), *a),
                    (format!("S{i}b").as_str(), *b)
                ],
            );
            assert!(r
                .children
                .iter()
                .all(|s| s.kind == SymbolKind::Scenario && s.children.is_empty()));
        }
    }

    /// How long the outline of a spec with N requirements takes, at three
    /// sizes: each step should cost about four and two times the one
    /// before, not sixteen and four. Run with
    /// `cargo test --release -p specls --lib outline::tests::timing -- --ignored --nocapture`.
    #[test]
    #[ignore = "timing figures, not a check"]
    fn timing() {
        for n in [2_000, 8_000, 16_000] {
            let ws = workspace(&LongSpec::new(n).fixture);
            let start = std::time::Instant::now();
            let syms = document_symbols(&ws, LONG_SPEC);
            let outline = start.elapsed();
            let start = std::time::Instant::now();
            let lenses = crate::ide::lens::code_lenses(&ws, LONG_SPEC);
            let lens = start.elapsed();
            println!(
                "{n} requirements: outline {outline:?} ({} requirements), code lens {lens:?} ({} lenses)",
                syms[1].children.len(),
                lenses.len()
            );
        }
    }
}
