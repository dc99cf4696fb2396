//! Every quick fix offered for every diagnostic, and a rename at every
//! renameable element, of the rule fixture, the examples and the corpus
//! trees: the edits apply (spans inside the text, on character boundaries,
//! not overlapping) and every file they touch reads again.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use specls::ide::edit::{apply, SourceChange};
use specls::ide::{fixes, prepare_rename, rename};
use specls::model::Span;
use specls::rules::check_workspace;
use specls::workspace::{summarize, Summary, Workspace};

mod common;

fn trees() -> Vec<PathBuf> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = vec![here.join("tests/parity-fixture"), here.join("../examples")];
    out.extend(common::corpus_trees());
    out
}

/// Applies `change` and reads every touched file again; panics with `what`
/// when it does not apply.
fn assert_applies(ws: &Workspace, change: &SourceChange, what: &dyn Fn() -> String) {
    for rel in change.files() {
        let edits = change.file_edits(rel);
        for pair in edits.windows(2) {
            let (a, b) = (pair[0].span, pair[1].span);
            let both_inserts = a.start == a.end && b.start == b.end;
            assert!(
                a.end <= b.start || both_inserts,
                "{}: overlapping edits {a:?} {b:?} in {rel}",
                what()
            );
        }
    }
    let new = apply(ws, change).unwrap_or_else(|e| panic!("{}: {e}", what()));
    for (rel, text) in new {
        let kind = ws.file(&rel).expect("edited files exist").kind.clone();
        let summary = summarize(&kind, &text, &rel);
        assert!(
            !matches!(summary, Summary::None) || !rel.ends_with(".md"),
            "{}: {rel} no longer reads",
            what()
        );
    }
}

/// The renameable places of a file: requirement and scenario names, task
/// ids and dependencies, by their first byte.
fn renameable(ws: &Workspace) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for f in &ws.files {
        let mut spans: Vec<Span> = Vec::new();
        match &f.summary {
            Summary::Main(s) => {
                for r in &s.requirements {
                    spans.push(r.name_span);
                    spans.extend(r.scenarios.iter().map(|s| s.name_span));
                }
            }
            Summary::Delta(d) => {
                for r in d.added.iter().chain(&d.modified) {
                    spans.push(r.name_span);
                    spans.extend(r.scenarios.iter().map(|s| s.name_span));
                }
                spans.extend(d.removed.iter().map(|r| r.name_span));
                for rn in &d.renamed {
                    spans.push(rn.from.name_span);
                    spans.push(rn.to.name_span);
                }
            }
            Summary::Tasks(t) => {
                for task in &t.tasks {
                    spans.extend(task.id_span);
                    spans.extend(task.deps.iter().map(|d| d.span));
                }
            }
            _ => {}
        }
        out.extend(spans.into_iter().map(|s| (f.rel.clone(), s.start as usize)));
    }
    out
}

/// A new name that no element of a workspace has.
fn new_name(placeholder: &str, is_task: bool) -> String {
    if is_task {
        // An id no fixture or corpus tree uses.
        let group = placeholder.split('.').next().unwrap_or("1");
        format!("{group}.9173")
    } else {
        format!("{placeholder} (renamed ✓)")
    }
}

/// At most this many renames per tree: every kind of element is reached
/// long before, and a rename scans every file of the tree for links.
const RENAMES_PER_TREE: usize = 400;

/// `text` with the mistakes the fixable rules catch written in: a scenario
/// at the wrong level, a heading without `Requirement:`, a typo in a delta
/// entry's name, a MODIFIED block losing a scenario, a dependency on a
/// missing id, acceptance criteria without their links.
fn mutate(rel: &str, text: &str) -> String {
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    let find = |lines: &[String], p: &dyn Fn(&str) -> bool| lines.iter().position(|l| p(l));
    if rel.ends_with("tasks.md") {
        let mut unlink = false;
        for l in &mut lines {
            if let Some(at) = l.find("(requires ") {
                let end = l[at..].find([',', ')']).map_or(l.len(), |e| at + e);
                l.insert(end, '0');
            }
            if l.contains("cceptance") {
                unlink = !unlink;
                if unlink {
                    while let Some(open) = l.find("](") {
                        let Some(close) = l[open..].find(')') else {
                            break;
                        };
                        l.replace_range(open..open + close + 1, "");
                    }
                }
            }
        }
    } else if rel.ends_with("spec.md") {
        if let Some(i) = find(&lines, &|l| l.starts_with("#### Scenario:")) {
            lines[i] = lines[i].replacen("#### ", "- ", 1);
        }
        let reqs: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].starts_with("### Requirement: "))
            .collect();
        if rel.contains("/changes/") && lines.len() % 2 == 0 {
            // Half the deltas lose every prefix, and with it every entry.
            for l in &mut lines {
                *l = l.replace("### Requirement: ", "### ");
            }
        } else if rel.contains("/changes/") {
            if let Some(&i) = reqs.first() {
                lines[i].pop();
            }
            if let Some(i) = (0..lines.len())
                .rev()
                .find(|&i| lines[i].starts_with("#### Scenario: "))
            {
                lines[i] = lines[i].replacen("Scenario: ", "Scenario: Other ", 1);
            }
        } else if let Some(&i) = reqs.get(1) {
            lines[i] = lines[i].replacen("Requirement: ", "", 1);
        }
    }
    lines.join("\n")
}

fn mutated(ws: &Workspace) -> Workspace {
    let files = ws
        .files
        .iter()
        .map(|f| (f.rel.clone(), mutate(&f.rel, f.text()).into_bytes()))
        .collect();
    Workspace::from_memory(&ws.root, files)
}

#[test]
fn every_fix_and_rename_applies_cleanly() {
    let mut fixes_applied = 0;
    let mut renames_applied = 0;
    let mut by_code: std::collections::BTreeMap<&str, usize> = Default::default();
    // Time spent computing fixes and renames (not applying or checking).
    let (mut fix_time, mut rename_time) = (Duration::ZERO, Duration::ZERO);
    let mut slowest_rename = (Duration::ZERO, String::new());
    for tree in trees() {
        for root in specls::workspace::discover::find_roots(&tree).unwrap() {
            let loaded = Workspace::load(&root);
            let broken = mutated(&loaded);
            for ws in [&loaded, &broken] {
                for d in check_workspace(ws) {
                    let started = Instant::now();
                    let found = fixes(ws, &d);
                    fix_time += started.elapsed();
                    for fix in found {
                        *by_code.entry(d.code.as_str()).or_default() += 1;
                        assert_applies(ws, &fix.change, &|| {
                            format!(
                                "{}: fix \"{}\" for {} at {}:{:?}",
                                root.display(),
                                fix.title,
                                d.code.as_str(),
                                d.path,
                                d.span
                            )
                        });
                        fixes_applied += 1;
                    }
                }
            }
            let ws = &loaded;
            let places = renameable(ws);
            let step = places.len().div_ceil(RENAMES_PER_TREE).max(1);
            for (rel, at) in places.into_iter().step_by(step) {
                let Some(prep) = prepare_rename(ws, &rel, at) else {
                    continue;
                };
                let text = &ws.file(&rel).unwrap().text();
                assert!(
                    text.get(prep.span.range()).is_some(),
                    "{rel}:{at}: prepareRename span {:?} is not a range of the text",
                    prep.span
                );
                let is_task = rel.ends_with("tasks.md");
                let name = new_name(&prep.placeholder, is_task);
                let started = Instant::now();
                let renamed = rename(ws, &rel, at, &name);
                let took = started.elapsed();
                rename_time += took;
                if took > slowest_rename.0 {
                    slowest_rename = (took, format!("{}: {rel}", root.display()));
                }
                match renamed {
                    Ok(change) => {
                        assert!(!change.edits.is_empty(), "{rel}:{at}: an empty rename");
                        assert_applies(ws, &change, &|| {
                            format!("{}: rename at {rel}:{at} to {name:?}", root.display())
                        });
                        renames_applied += 1;
                    }
                    // Refusals are fine (a name taken twice in a corpus
                    // file, say), as long as they say why.
                    Err(e) => assert!(!e.0.is_empty()),
                }
            }
        }
    }
    // Written past the harness's capture, so that a run shows how much was
    // covered.
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "applied {fixes_applied} fixes and {renames_applied} renames; fixes by rule: {by_code:?}; \
         computing them took {fix_time:?} (fixes, every diagnostic asked) and {rename_time:?} \
         (renames), the slowest rename {:?} ({})",
        slowest_rename.0,
        slowest_rename.1
    );
    assert!(renames_applied > 0);
    // The rule fixture and the mutated trees have every rule with a fix.
    for code in [
        "scenario/wrong-level",
        "requirement/not-a-requirement-header",
        "delta/empty",
        "delta/drops-scenarios",
        "delta/unknown-target",
        "tasks/unknown-dependency",
        "tasks/unlinked-acceptance",
        "tasks/uncovered-scenario",
    ] {
        assert!(
            by_code.contains_key(code),
            "no {code} fix was ever offered: {by_code:?}"
        );
    }
}
