//! Document outline and workspace symbol search.
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
//! Workspace symbols are capabilities, changes, requirements (container:
//! the capability, plus the change for a delta entry), scenarios
//! (container: the requirement) and tasks (container: the change), ranked by
//! [`fuzzy`](super::fuzzy) score. Archived changes are searched too, ranked
//! below active ones. An empty query lists symbols without ranking them:
//! capabilities, changes, then each file's requirements, scenarios and tasks
//! in file order, archived ones last.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::ops::ControlFlow;

use rustc_hash::FxHashMap;

use super::element::{heading_nav, line_around, req_sites, Role};
use super::fuzzy::Matcher;
use super::links::is_markdown;
use super::SymbolKind;
use crate::model::tasks::TaskList;
use crate::model::{Heading, Requirement, Span};
use crate::syntax::{js, Doc};
use crate::workspace::{ChangeRef, FileKind, SourceFile, Summary, Workspace};

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

fn heading_symbol(file: &SourceFile, h: &Heading) -> Symbol {
    let full = heading_nav(file, h).full;
    let title = file.text.get(h.title.range()).unwrap_or("").to_string();
    for r in req_sites(file) {
        let Some(block) = r.block else { continue };
        if block.line == h.line {
            let detail = count(block.scenarios.len(), "scenario");
            return symbol(
                r.name.to_string(),
                Some(detail),
                SymbolKind::Requirement,
                full,
                r.focus,
            );
        }
        if let Some(s) = block.scenarios.iter().find(|s| s.line == h.line) {
            return symbol(
                s.name.clone(),
                None,
                SymbolKind::Scenario,
                full,
                s.name_span,
            );
        }
    }
    let kind = match (&file.summary, h.level) {
        (Summary::Tasks(t), 2) => {
            if let Some(g) = t.groups.iter().find(|g| g.line == h.line) {
                let (done, all) = t
                    .tasks
                    .iter()
                    .filter(|x| x.group.is_some_and(|i| t.groups[i].line == g.line))
                    .fold((0, 0), |(d, a), x| (d + usize::from(x.done), a + 1));
                let detail = format!("{done}/{all} done");
                return symbol(title, Some(detail), SymbolKind::Group, full, h.title);
            }
            SymbolKind::Heading
        }
        (Summary::Main(_), 2) if is_one_of(&title, &["purpose", "requirements"]) => {
            SymbolKind::Section
        }
        (Summary::Delta(d), 2)
            if d.sections
                .iter()
                .any(|s| s.line == h.line && s.op.is_some()) =>
        {
            SymbolKind::Section
        }
        (Summary::Proposal(_), 2)
            if is_one_of(&title, &["why", "what changes", "capabilities", "impact"]) =>
        {
            SymbolKind::Section
        }
        _ => SymbolKind::Heading,
    };
    symbol(title, None, kind, full, h.title)
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
    for h in file.headings() {
        while stack.last().is_some_and(|(l, _)| *l >= h.level) {
            close(&mut stack, &mut roots);
        }
        stack.push((h.level, heading_symbol(file, h)));
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
                let full = line_around(&file.text, c.span);
                out.push(symbol(
                    c.name.clone(),
                    Some(detail.into()),
                    SymbolKind::Capability,
                    full,
                    c.span,
                ));
            }
        }
        Summary::Tasks(t) => out.extend(task_symbols(&file.text, t)),
        _ => {}
    }
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
                if crate::model::tasks::indent_columns(line) <= t.indent {
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
                t.description.clone(),
                Some(state.into()),
                SymbolKind::Task,
                full,
                t.id_span.unwrap_or(t.span),
            ))
        })
        .collect();
    // Children are attached last to first so that each parent receives
    // them in document order.
    for i in (0..tasks.tasks.len()).rev() {
        if let Some(p) = tasks.tasks[i].parent {
            let child = syms[i].take().expect("each task is attached once");
            if let Some(parent) = syms[p].as_mut() {
                parent.children.insert(0, child);
            }
        }
    }
    syms.into_iter().flatten().collect()
}

/// Puts `sym` inside the deepest symbol whose range holds it, in order.
fn insert(level: &mut Vec<Symbol>, sym: Symbol) {
    let holder = level
        .iter()
        .position(|s| s.full.start <= sym.full.start && sym.full.end <= s.full.end);
    match holder {
        Some(i) => insert(&mut level[i].children, sym),
        None => {
            let at = level.partition_point(|s| s.full.start < sym.full.start);
            level.insert(at, sym);
        }
    }
}

/// A workspace symbol search result.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkspaceSymbol {
    pub name: String,
    pub kind: SymbolKind,
    pub container: Option<String>,
    pub rel: String,
    pub focus: Span,
    /// Higher is better; only the order is meaningful.
    pub score: f64,
}

/// What a result's container is, kept borrowed until a result is returned.
#[derive(Clone, Copy)]
enum Container<'a> {
    None,
    Capability(&'a str),
    Delta(&'a str, &'a ChangeRef),
    Requirement(&'a str),
    Change(&'a ChangeRef),
    Archive,
    /// Rendered already (by a [`SymbolIndex`]).
    Text(&'a str),
}

impl Container<'_> {
    fn render(self) -> Option<String> {
        match self {
            Container::None => None,
            Container::Capability(c) | Container::Requirement(c) | Container::Text(c) => {
                Some(c.to_string())
            }
            Container::Delta(cap, ch) => Some(format!("{cap} ({})", change_label(ch))),
            Container::Change(ch) => Some(change_label(ch)),
            Container::Archive => Some("archive".into()),
        }
    }
}

fn change_label(ch: &ChangeRef) -> String {
    if ch.archived {
        format!("archived change {}", ch.id)
    } else {
        format!("change {}", ch.id)
    }
}

/// A symbol of the workspace, borrowed.
#[derive(Clone, Copy)]
struct Sym<'a> {
    kind: SymbolKind,
    name: &'a str,
    container: Container<'a>,
    rel: &'a str,
    focus: Span,
    archived: bool,
}

/// Every symbol of the workspace: capabilities, changes, then each file's
/// requirements (each followed by its scenarios) and tasks, in file order.
fn visit<'a>(ws: &'a Workspace, mut f: impl FnMut(Sym<'a>) -> ControlFlow<()>) {
    let _ = visit_all(ws, &mut f);
}

fn visit_all<'a>(
    ws: &'a Workspace,
    f: &mut impl FnMut(Sym<'a>) -> ControlFlow<()>,
) -> ControlFlow<()> {
    let first_title =
        |file: &SourceFile| file.headings().first().map_or(Span::default(), |h| h.title);
    for file in &ws.files {
        if let FileKind::MainSpec { capability } = &file.kind {
            f(Sym {
                kind: SymbolKind::Capability,
                name: capability,
                container: Container::None,
                rel: &file.rel,
                focus: first_title(file),
                archived: false,
            })?;
        }
    }
    for (change, info) in &ws.changes {
        let proposal = info
            .files
            .iter()
            .find(|&&i| matches!(ws.files[i].kind, FileKind::Proposal { .. }));
        let Some(file) = proposal.or(info.files.first()).map(|&i| &ws.files[i]) else {
            continue;
        };
        f(Sym {
            kind: SymbolKind::Change,
            name: &change.id,
            container: if change.archived {
                Container::Archive
            } else {
                Container::None
            },
            rel: &file.rel,
            focus: first_title(file),
            archived: change.archived,
        })?;
    }
    for file in &ws.files {
        let rel = file.rel.as_str();
        let (reqs, container, archived): (Vec<&Requirement>, Container, bool) =
            match (&file.kind, &file.summary) {
                (FileKind::MainSpec { capability }, Summary::Main(s)) => (
                    s.requirements.iter().collect(),
                    Container::Capability(capability),
                    false,
                ),
                (FileKind::DeltaSpec { change, capability }, Summary::Delta(d)) => (
                    d.blocks().collect(),
                    Container::Delta(capability, change),
                    change.archived,
                ),
                (FileKind::Tasks { change }, Summary::Tasks(t)) => {
                    for task in &t.tasks {
                        f(Sym {
                            kind: SymbolKind::Task,
                            name: &task.description,
                            container: Container::Change(change),
                            rel,
                            focus: task.id_span.unwrap_or(task.span),
                            archived: change.archived,
                        })?;
                    }
                    continue;
                }
                _ => continue,
            };
        for r in reqs {
            f(Sym {
                kind: SymbolKind::Requirement,
                name: &r.name,
                container,
                rel,
                focus: r.name_span,
                archived,
            })?;
            for sc in &r.scenarios {
                f(Sym {
                    kind: SymbolKind::Scenario,
                    name: &sc.name,
                    container: Container::Requirement(&r.name),
                    rel,
                    focus: sc.name_span,
                    archived,
                })?;
            }
        }
    }
    ControlFlow::Continue(())
}

/// A scored symbol.
struct Candidate<'a> {
    score: f64,
    sym: Sym<'a>,
}

fn kind_rank(k: SymbolKind) -> u8 {
    match k {
        SymbolKind::Capability => 0,
        SymbolKind::Change => 1,
        SymbolKind::Requirement => 2,
        SymbolKind::Scenario => 3,
        SymbolKind::Task => 4,
        _ => 5,
    }
}

/// Best first: higher score, then kind, shorter name, name, file, position.
fn better(a: &Candidate, b: &Candidate) -> Ordering {
    let (x, y) = (&a.sym, &b.sym);
    b.score
        .total_cmp(&a.score)
        .then_with(|| kind_rank(x.kind).cmp(&kind_rank(y.kind)))
        .then_with(|| x.name.len().cmp(&y.name.len()))
        .then_with(|| x.name.cmp(y.name))
        .then_with(|| x.rel.cmp(y.rel))
        .then_with(|| x.focus.cmp(&y.focus))
}

// The heap keeps the worst kept candidate on top, to evict it.
impl Ord for Candidate<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        better(self, other)
    }
}

impl PartialOrd for Candidate<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Candidate<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Candidate<'_> {}

/// How far an archived change's symbols rank below active ones.
const ARCHIVED_PENALTY: f64 = 5.0;

/// Runs a query over symbols, keeping the best `limit`.
struct Search<'a> {
    matcher: Matcher,
    limit: usize,
    heap: BinaryHeap<Candidate<'a>>,
    /// For an empty query: symbols in visiting order, archived ones after.
    listed: [Vec<Sym<'a>>; 2],
}

impl<'a> Search<'a> {
    fn new(query: &str, limit: usize) -> Search<'a> {
        Search {
            matcher: Matcher::new(query),
            limit,
            heap: BinaryHeap::with_capacity(limit.min(1024) + 1),
            listed: [Vec::new(), Vec::new()],
        }
    }

    fn offer(&mut self, sym: Sym<'a>) -> ControlFlow<()> {
        if self.matcher.is_empty() {
            // Every symbol matches an empty query equally: list them in
            // order and stop as soon as enough active ones are listed.
            let list = &mut self.listed[usize::from(sym.archived)];
            if list.len() < self.limit {
                list.push(sym);
            }
            return if self.listed[0].len() == self.limit {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            };
        }
        let Some(mut score) = self.matcher.score(sym.name) else {
            return ControlFlow::Continue(());
        };
        if sym.archived {
            score -= ARCHIVED_PENALTY;
        }
        let c = Candidate { score, sym };
        if self.heap.len() < self.limit {
            self.heap.push(c);
        } else if self
            .heap
            .peek()
            .is_some_and(|worst| better(&c, worst).is_lt())
        {
            self.heap.pop();
            self.heap.push(c);
        }
        ControlFlow::Continue(())
    }

    fn finish(self) -> Vec<WorkspaceSymbol> {
        let out = |score: f64, s: Sym| WorkspaceSymbol {
            name: s.name.to_string(),
            kind: s.kind,
            container: s.container.render(),
            rel: s.rel.to_string(),
            focus: s.focus,
            score,
        };
        if self.matcher.is_empty() {
            let [active, archived] = self.listed;
            let archived = archived.into_iter().map(|s| out(-ARCHIVED_PENALTY, s));
            return active
                .into_iter()
                .map(|s| out(0.0, s))
                .chain(archived)
                .take(self.limit)
                .collect();
        }
        self.heap
            .into_sorted_vec()
            .into_iter()
            .map(|c| out(c.score, c.sym))
            .collect()
    }
}

/// Symbols of the whole workspace matching `query`, best first, at most
/// `limit` of them. This walks the workspace's summaries; an editor that
/// searches one workspace snapshot repeatedly (a query per keystroke) does
/// better with a [`SymbolIndex`], which keeps every name in one buffer.
pub fn workspace_symbols(ws: &Workspace, query: &str, limit: usize) -> Vec<WorkspaceSymbol> {
    if limit == 0 {
        return Vec::new();
    }
    let mut search = Search::new(query, limit);
    visit(ws, |sym| search.offer(sym));
    search.finish()
}

/// The workspace's symbols copied into flat arrays, for repeated searches
/// of one workspace snapshot: scanning names stored side by side is several
/// times faster than following each one into its file's summary. It owns its
/// data, so it stays valid (and stale) after the workspace changes.
pub struct SymbolIndex {
    /// Every name, one after another.
    names: String,
    /// Rendered containers and paths, each stored once.
    strings: Vec<String>,
    entries: Vec<Entry>,
}

struct Entry {
    name: (u32, u32),
    kind: SymbolKind,
    container: Option<u32>,
    rel: u32,
    focus: Span,
    archived: bool,
}

impl SymbolIndex {
    pub fn new(ws: &Workspace) -> SymbolIndex {
        let mut index = SymbolIndex {
            names: String::new(),
            strings: Vec::new(),
            entries: Vec::new(),
        };
        let mut interned: FxHashMap<String, u32> = FxHashMap::default();
        let mut intern = |strings: &mut Vec<String>, s: String| -> u32 {
            *interned.entry(s).or_insert_with_key(|k| {
                strings.push(k.clone());
                (strings.len() - 1) as u32
            })
        };
        visit(ws, |sym| {
            let start = index.names.len() as u32;
            index.names.push_str(sym.name);
            let container = sym
                .container
                .render()
                .map(|c| intern(&mut index.strings, c));
            let rel = intern(&mut index.strings, sym.rel.to_string());
            index.entries.push(Entry {
                name: (start, sym.name.len() as u32),
                kind: sym.kind,
                container,
                rel,
                focus: sym.focus,
                archived: sym.archived,
            });
            ControlFlow::Continue(())
        });
        index
    }

    /// The same answer as [`workspace_symbols`] on the indexed workspace.
    pub fn search(&self, query: &str, limit: usize) -> Vec<WorkspaceSymbol> {
        if limit == 0 {
            return Vec::new();
        }
        let mut search = Search::new(query, limit);
        for e in &self.entries {
            let (start, len) = (e.name.0 as usize, e.name.1 as usize);
            let sym = Sym {
                kind: e.kind,
                name: &self.names[start..start + len],
                container: e.container.map_or(Container::None, |c| {
                    Container::Text(&self.strings[c as usize])
                }),
                rel: &self.strings[e.rel as usize],
                focus: e.focus,
                archived: e.archived,
            };
            if search.offer(sym).is_break() {
                break;
            }
        }
        search.finish()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::{render_span, VOICE};
    use crate::workspace::fixture::workspace;

    /// The outline as indented lines: `kind name [detail] @line "focus"`.
    fn outline(fixture: &str, rel: &str) -> Vec<String> {
        let ws = workspace(fixture);
        let text = &ws.file(rel).unwrap().text;
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
        let text = &ws.file(rel).unwrap().text;
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
        let text = &ws.file(rel).unwrap().text;
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

    fn search(fixture: &str, query: &str, limit: usize) -> Vec<String> {
        let ws = workspace(fixture);
        workspace_symbols(&ws, query, limit)
            .into_iter()
            .map(|s| {
                let at = render_span(&ws, &s.rel, s.focus);
                format!(
                    "{:?} {} ({}) {at}",
                    s.kind,
                    s.name,
                    s.container.unwrap_or_default()
                )
            })
            .collect()
    }

    fn project() -> String {
        format!(
            "{VOICE}//- openspec/changes/add-hold/proposal.md
# Add hold
//- openspec/changes/add-hold/specs/voice/spec.md
## ADDED Requirements
### Requirement: Hold transfer
It SHALL hold.
#### Scenario: Caller on hold
- **WHEN** held
//- openspec/changes/add-hold/tasks.md
## 1. Work
- [ ] 1.1 Transfer to hold
//- openspec/changes/archive/2025-01-01-old/specs/voice/spec.md
## ADDED Requirements
### Requirement: Transfer
It SHALL.
"
        )
    }

    #[test]
    fn workspace_symbols_rank_exact_prefix_then_fuzzy() {
        assert_eq!(
            search(&project(), "transfer", 10),
            [
                "Requirement Transfer (voice) openspec/specs/voice/spec.md:8 \"Transfer\"",
                "Requirement Transfer (voice (archived change 2025-01-01-old)) openspec/changes/archive/2025-01-01-old/specs/voice/spec.md:2 \"Transfer\"",
                "Requirement Hold transfer (voice (change add-hold)) openspec/changes/add-hold/specs/voice/spec.md:2 \"Hold transfer\"",
                "Task 1.1 Transfer to hold (change add-hold) openspec/changes/add-hold/tasks.md:2 \"1.1\"",
            ]
        );
        assert_eq!(
            search(&project(), "hold", 3),
            [
                "Requirement Hold transfer (voice (change add-hold)) openspec/changes/add-hold/specs/voice/spec.md:2 \"Hold transfer\"",
                "Change add-hold () openspec/changes/add-hold/proposal.md:1 \"Add hold\"",
                "Scenario Caller on hold (Hold transfer) openspec/changes/add-hold/specs/voice/spec.md:4 \"Caller on hold\"",
            ]
        );
        assert_eq!(
            search(&project(), "cOnHo", 10),
            ["Scenario Caller on hold (Hold transfer) openspec/changes/add-hold/specs/voice/spec.md:4 \"Caller on hold\""]
        );
    }

    #[test]
    fn an_empty_query_lists_symbols_in_workspace_order_archived_last() {
        let ws = workspace(&project());
        let got: Vec<String> = workspace_symbols(&ws, "", 100)
            .into_iter()
            .map(|s| format!("{:?} {} {}", s.kind, s.name, s.score))
            .collect();
        assert_eq!(
            got,
            [
                "Capability voice 0",
                "Change add-hold 0",
                "Requirement Hold transfer 0",
                "Scenario Caller on hold 0",
                "Task 1.1 Transfer to hold 0",
                "Requirement Transfer 0",
                "Scenario Caller asks 0",
                "Scenario Nobody free 0",
                "Requirement Greeting 0",
                "Scenario Hello 0",
                "Change 2025-01-01-old -5",
                "Requirement Transfer -5",
            ]
        );
        assert_eq!(workspace_symbols(&ws, "", 2).len(), 2);
        assert!(workspace_symbols(&ws, "x", 0).is_empty());
        assert!(workspace_symbols(&ws, "zzzz", 10).is_empty());
    }

    #[test]
    fn the_index_answers_like_the_direct_search() {
        let ws = workspace(&project());
        let index = SymbolIndex::new(&ws);
        assert_eq!(index.len(), 12);
        for query in ["", "transfer", "hold", "cOnHo", "zz", "1.1", "🎉"] {
            for limit in [0, 1, 3, 100] {
                assert_eq!(
                    index.search(query, limit),
                    workspace_symbols(&ws, query, limit),
                    "{query:?} {limit}"
                );
            }
        }
    }

    /// Speed is measured in the benchmarks, not here; this checks that a
    /// large index still ranks the exact name first.
    #[test]
    fn ten_thousand_files_rank_the_exact_name_first() {
        let mut files = Vec::new();
        for i in 0..10_000 {
            let body = format!(
                "## Purpose\nCapability {i}.\n\n## Requirements\n\n### Requirement: Route call {i}\nIt SHALL route.\n\n#### Scenario: Caller dials {i}\n- **WHEN** dialled\n\n#### Scenario: Busy line {i}\n- **WHEN** busy\n"
            );
            files.push((format!("openspec/specs/cap-{i}/spec.md"), body.into_bytes()));
        }
        let ws = Workspace::from_memory(std::path::Path::new("/big"), files);
        let index = SymbolIndex::new(&ws);
        assert_eq!(index.len(), 40_000);
        for q in ["rc", "busy line 9999", ""] {
            assert!(!index.search(q, 100).is_empty(), "{q:?}");
        }
        assert!(index.search("zz", 100).is_empty());
        let top = index.search("busy line 9999", 1);
        assert_eq!(top[0].name, "Busy line 9999");
        assert_eq!(top[0].container.as_deref(), Some("Route call 9999"));
    }
}
