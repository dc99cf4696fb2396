//! Workspace symbol search.
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

use super::fuzzy::Matcher;
use super::SymbolKind;
use crate::formats::shape;
use crate::model::{Requirement, Span};
use crate::workspace::{ChangeRef, FileKind, SourceFile, Summary, Workspace};

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
    /// A Spec Kit or Kiro feature folder, by name.
    Feature(&'a str),
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
            Container::Feature(name) => Some(format!("feature {name}")),
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
                            name: task.description(file.text()),
                            container: Container::Change(change),
                            rel,
                            focus: task.id_span.unwrap_or(task.span),
                            archived: change.archived,
                        })?;
                    }
                    continue;
                }
                _ => {
                    shaped_symbols(file, f)?;
                    continue;
                }
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

/// A Spec Kit or Kiro file's requirements (a story or a property by its
/// title, a Kiro criterion by its statement, any other item by its id) and
/// tasks, in the feature folder they belong to.
fn shaped_symbols<'a>(
    file: &'a SourceFile,
    f: &mut impl FnMut(Sym<'a>) -> ControlFlow<()>,
) -> ControlFlow<()> {
    let (Some(doc), Some(feature)) = (file.summary.shape(), file.kind.feature()) else {
        return ControlFlow::Continue(());
    };
    let text = |s: Span| file.text().get(s.range()).unwrap_or("").trim();
    let container = Container::Feature(feature.rsplit('/').next().unwrap_or(feature));
    for r in &doc.requirements {
        let name = match (r.kind, r.title) {
            (_, Some(t)) if !text(t).is_empty() => text(t),
            (shape::RequirementKind::Criterion, _) => text(r.text),
            _ => r.id.as_str(),
        };
        f(Sym {
            kind: SymbolKind::Requirement,
            name,
            container,
            rel: &file.rel,
            focus: r.id_span,
            archived: false,
        })?;
    }
    for t in &doc.tasks {
        f(Sym {
            kind: SymbolKind::Task,
            name: text(t.description),
            container,
            rel: &file.rel,
            focus: t.id_span.unwrap_or(t.span),
            archived: false,
        })?;
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
