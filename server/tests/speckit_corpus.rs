//! The Spec Kit reader over every file of the shared corpus: no panic,
//! every span on character boundaries and holding what it claims, and
//! counts cross-checked against simple independent scans.

mod common;

use specls::formats::shape::Target;
use specls::formats::speckit::{self, graph, root, FileKind, Summary};
use specls::model::Span;
use std::collections::BTreeSet;
use std::path::Path;

fn text_at(text: &str, s: Span) -> &str {
    let r = s.range();
    assert!(
        r.start <= r.end && r.end <= text.len(),
        "span {s:?} out of {}",
        text.len()
    );
    assert!(
        text.is_char_boundary(r.start) && text.is_char_boundary(r.end),
        "span {s:?} not on char boundaries"
    );
    &text[r]
}

/// Lines outside fenced code (a plain toggle on ``` and ~~~ lines).
fn unfenced(text: &str) -> Vec<&str> {
    let mut fence: Option<char> = None;
    let mut out = Vec::new();
    for line in text.lines() {
        let t = line.trim_start();
        let c = t.chars().next();
        if matches!(c, Some('`') | Some('~')) && t.starts_with(&c.unwrap().to_string().repeat(3)) {
            match fence {
                None => fence = c,
                Some(f) if Some(f) == c => fence = None,
                _ => {}
            }
            continue;
        }
        if fence.is_none() {
            out.push(line);
        }
    }
    out
}

/// Checkbox lines whose text starts with `T<digits>` (bold or not).
fn independent_task_count(text: &str) -> usize {
    unfenced(text)
        .into_iter()
        .filter(|l| {
            let t = l.trim_start();
            let Some(rest) = t.strip_prefix("- ").or_else(|| t.strip_prefix("* ")) else {
                return false;
            };
            let Some(rest) = ["[ ] ", "[x] ", "[X] "]
                .iter()
                .find_map(|c| rest.strip_prefix(c))
            else {
                return false;
            };
            let rest = rest.trim_start();
            // A struck-through task (`~~T009 …~~ — removed`) keeps its id.
            let rest = rest.strip_prefix("~~").unwrap_or(rest);
            let rest = rest.strip_prefix("**").unwrap_or(rest);
            let Some(d) = rest.strip_prefix('T') else {
                return false;
            };
            let n = d.bytes().take_while(u8::is_ascii_digit).count();
            n > 0
                && !d[n..]
                    .starts_with(|c: char| c.is_ascii_alphanumeric() && !c.is_ascii_lowercase())
                && !d[n..].chars().nth(1).is_some_and(|c| {
                    c.is_ascii_alphanumeric()
                        && d[n..].starts_with(|c: char| c.is_ascii_lowercase())
                })
        })
        .count()
}

/// `- **FR-001**:` definitions outside fences.
fn independent_fr_ids(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for l in unfenced(text) {
        let Some(rest) = l.trim_start().strip_prefix("- **FR-") else {
            continue;
        };
        let n = rest
            .bytes()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        if rest[n..].starts_with("**:") {
            out.insert(format!("FR-{}", &rest[..n]));
        }
    }
    out
}

fn check_spans(text: &str, summary: &Summary) {
    match summary {
        Summary::Spec(s) => {
            for r in &s.requirements {
                assert_eq!(text_at(text, r.id_span), r.id);
                text_at(text, r.text);
                for (k, sp) in &r.keywords {
                    assert_eq!(text_at(text, *sp), k);
                }
            }
            for st in &s.stories {
                let h = text_at(text, st.heading);
                assert!(h.starts_with('#'), "{h}");
                if let Some(ns) = st.number_span {
                    assert_eq!(text_at(text, ns), st.number.unwrap().to_string());
                }
                text_at(text, st.title);
                if let Some((n, sp)) = st.priority {
                    assert_eq!(text_at(text, sp), format!("P{n}"));
                }
                text_at(text, st.section);
            }
            for sc in &s.scenarios {
                let whole = sc.span.range();
                for step in &sc.steps {
                    let kw = text_at(text, step.keyword_span);
                    assert_eq!(kw.to_ascii_uppercase(), step.keyword.as_str());
                    text_at(text, step.text_span);
                    assert!(
                        whole.start <= step.keyword_span.start as usize
                            && step.text_span.end as usize <= whole.end
                    );
                }
            }
            for m in &s.markers {
                assert!(text_at(text, m.span).starts_with("[NEEDS CLARIFICATION:"));
                text_at(text, m.question);
            }
            for p in &s.placeholders {
                assert!(!text_at(text, p.span).is_empty());
            }
            for e in &s.entities {
                text_at(text, e.name);
                text_at(text, e.text);
            }
            for e in &s.edge_cases {
                text_at(text, *e);
            }
            for ses in &s.sessions {
                assert_eq!(text_at(text, ses.date).len(), 10);
                for a in &ses.answers {
                    text_at(text, a.question);
                }
            }
        }
        Summary::Tasks(t) => {
            for task in &t.tasks {
                if let (Some(id), Some(sp)) = (&task.id, task.id_span) {
                    assert_eq!(text_at(text, sp), id);
                }
                let cb = text_at(text, task.checkbox);
                assert!(cb.starts_with('[') && cb.ends_with(']'), "{cb}");
                text_at(text, task.description);
                for d in &task.dependencies {
                    let s = text_at(text, d.span);
                    if d.from_range {
                        assert!(s.starts_with('T'), "{s}");
                    } else {
                        assert_eq!(s, d.id);
                    }
                }
                for r in &task.requirements {
                    assert_eq!(text_at(text, r.span), r.id);
                }
                for l in &task.stories {
                    let s = text_at(text, l.span);
                    assert!(s.starts_with("[US") && s.ends_with(']'), "{s}");
                }
                for p in &task.paths {
                    let s = text_at(text, p.span);
                    assert!(
                        s.contains(p.path.trim_end_matches('/')) || p.path.is_empty(),
                        "{s} vs {}",
                        p.path
                    );
                }
            }
            for p in &t.phases {
                text_at(text, p.title);
            }
        }
        Summary::Plan(p) => {
            for r in &p.requirements {
                assert_eq!(text_at(text, r.span), r.id);
            }
            for m in &p.markers {
                assert!(text_at(text, m.span).contains("NEEDS CLARIFICATION"));
            }
        }
        Summary::Checklist(c) => {
            for item in &c.items {
                if let (Some(id), Some(sp)) = (&item.id, item.id_span) {
                    assert_eq!(text_at(text, sp), id);
                }
                for tr in &item.traces {
                    text_at(text, tr.span);
                }
                for r in &item.requirements {
                    assert_eq!(text_at(text, r.span), r.id);
                }
            }
        }
        Summary::Constitution(c) => {
            for p in &c.principles {
                text_at(text, p.name);
                text_at(text, p.heading);
            }
            for p in &c.placeholders {
                text_at(text, p.span);
            }
        }
        Summary::Other(ids) => {
            for r in ids {
                assert_eq!(text_at(text, r.span), r.id);
            }
        }
    }
    // The shared shape keeps the same spans.
    let doc = graph::document(summary);
    for r in &doc.requirements {
        if r.kind != specls::formats::shape::RequirementKind::Story {
            assert_eq!(text_at(text, r.id_span), r.id);
        }
    }
    for t in &doc.tasks {
        for d in &t.dependencies {
            assert_eq!(d.target, Target::Task);
            text_at(text, d.span);
        }
    }
}

#[derive(Default, Debug)]
struct Counts {
    roots: usize,
    features: usize,
    stories: usize,
    scenarios: usize,
    frs: usize,
    scs: usize,
    tasks: usize,
    untagged: usize,
    deps: usize,
    markers: usize,
    placeholders: usize,
    checks: usize,
}

fn read(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn every_file_of_the_speckit_corpus_reads_and_cross_checks() {
    let Some(corpus) = common::corpus_speckit() else {
        return;
    };
    let mut trees: Vec<_> = std::fs::read_dir(&corpus)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    trees.sort();
    let mut total = Counts::default();
    let mut all_md = 0;
    for tree in &trees {
        let name = tree.file_name().unwrap().to_string_lossy().to_string();
        let entries = root::walk(tree);
        // Every Markdown file through every reader: none may panic, and the
        // spans each gives must hold.
        for e in entries.iter().filter(|e| !e.dir && e.path.ends_with(".md")) {
            all_md += 1;
            let text = read(&tree.join(&e.path));
            for kind in [
                FileKind::Spec,
                FileKind::Plan,
                FileKind::Tasks,
                FileKind::Checklist,
                FileKind::Constitution,
                FileKind::Other,
            ] {
                check_spans(&text, &speckit::read(kind, &text));
            }
        }
        let roots = root::detect(&entries);
        assert!(!roots.is_empty(), "{name}: no Spec Kit root found");
        let mut c = Counts {
            roots: roots.len(),
            ..Counts::default()
        };
        for r in &roots {
            c.features += r.features.len();
            for f in &r.features {
                let spec = f.spec.as_ref().map(|p| {
                    let text = read(&tree.join(p));
                    let s = speckit::SpecFile::parse(&text);
                    let expected = independent_fr_ids(&text);
                    let got: BTreeSet<String> =
                        s.requirements.iter().map(|r| r.id.clone()).collect();
                    for id in &expected {
                        assert!(got.contains(id), "{p}: {id} defined but not read");
                    }
                    c.stories += s.stories.iter().filter(|s| s.number.is_some()).count();
                    c.scenarios += s.scenarios.len();
                    c.frs += s
                        .requirements
                        .iter()
                        .filter(|r| r.id.starts_with("FR-"))
                        .count();
                    c.scs += s
                        .requirements
                        .iter()
                        .filter(|r| r.id.starts_with("SC-"))
                        .count();
                    c.markers += s.markers.len();
                    c.placeholders += s.placeholders.len();
                    s
                });
                let _ = spec;
                if let Some(p) = &f.tasks {
                    let text = read(&tree.join(p));
                    let t = speckit::TaskFile::parse(&text);
                    let with_id = t.tasks.iter().filter(|t| t.id.is_some()).count();
                    assert_eq!(
                        with_id,
                        independent_task_count(&text),
                        "{p}: tasks with ids"
                    );
                    c.tasks += with_id;
                    c.untagged += t.tasks.len() - with_id;
                    c.deps += t.tasks.iter().map(|t| t.dependencies.len()).sum::<usize>();
                }
                for p in &f.checklists {
                    let text = read(&tree.join(p));
                    c.checks += speckit::Checklist::parse(&text)
                        .items
                        .iter()
                        .filter(|i| i.id.is_some())
                        .count();
                }
            }
        }
        println!(
            "{name}: roots {} ({:?}) features {} stories {} scenarios {} FR {} SC {} tasks {} (+{} without id) dependencies {} markers {} placeholders {} CHK {}",
            c.roots,
            roots.iter().map(|r| r.layout).collect::<Vec<_>>(),
            c.features,
            c.stories,
            c.scenarios,
            c.frs,
            c.scs,
            c.tasks,
            c.untagged,
            c.deps,
            c.markers,
            c.placeholders,
            c.checks
        );
        total.roots += c.roots;
        total.features += c.features;
        total.stories += c.stories;
        total.scenarios += c.scenarios;
        total.frs += c.frs;
        total.scs += c.scs;
        total.tasks += c.tasks;
        total.untagged += c.untagged;
        total.deps += c.deps;
        total.markers += c.markers;
        total.placeholders += c.placeholders;
        total.checks += c.checks;
    }
    println!("all {} Markdown files: {total:?}", all_md);
    assert!(total.tasks > 3000, "{total:?}");
}

/// Every rule over every feature of the corpus, Spec Kit's own and those
/// every format shares: no panic, every finding's span inside its file; a
/// count per code and a few samples each, printed for reading by eye
/// (`--nocapture`).
#[test]
fn speckit_rules_over_the_corpus() {
    use specls::formats::shape::Document;
    use specls::formats::speckit::graph;
    use specls::formats::speckit::rules::{self, Feature, File};
    use specls::formats::unit::{check_unit, UnitFile};
    use std::collections::BTreeMap;
    let Some(corpus) = common::corpus_speckit() else {
        return;
    };
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut samples: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut trees: Vec<_> = std::fs::read_dir(&corpus)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    trees.sort();
    for tree in &trees {
        for r in root::find_roots(tree) {
            let mut found = Vec::new();
            if let Some(c) = &r.constitution {
                let text = read(&tree.join(c));
                for f in rules::constitution(&speckit::Constitution::parse(&text)) {
                    found.push((c.clone(), text.clone(), f.code, f.span, f.message));
                }
            }
            for feat in &r.features {
                let load = |p: &Option<String>| p.as_ref().map(|p| read(&tree.join(p)));
                let (st, pt, tt) = (load(&feat.spec), load(&feat.plan), load(&feat.tasks));
                let ct: Vec<String> = feat
                    .checklists
                    .iter()
                    .map(|p| read(&tree.join(p)))
                    .collect();
                let spec = st.as_deref().map(speckit::SpecFile::parse);
                let plan = pt.as_deref().map(speckit::Plan::parse);
                let tasks = tt.as_deref().map(speckit::TaskFile::parse);
                let lists: Vec<_> = ct.iter().map(|t| speckit::Checklist::parse(t)).collect();
                let feature = Feature {
                    spec: st.as_deref().zip(spec.as_ref()),
                    plan: pt.as_deref().zip(plan.as_ref()),
                    tasks: tt.as_deref().zip(tasks.as_ref()),
                    checklists: ct.iter().map(String::as_str).zip(lists.iter()).collect(),
                };
                for f in rules::check(&feature) {
                    let (path, text) = match f.file {
                        File::Spec => (feat.spec.clone(), st.clone()),
                        File::Plan => (feat.plan.clone(), pt.clone()),
                        File::Tasks => (feat.tasks.clone(), tt.clone()),
                        File::Checklist(k) => {
                            (Some(feat.checklists[k].clone()), Some(ct[k].clone()))
                        }
                        File::Constitution => unreachable!(),
                    };
                    found.push((path.unwrap(), text.unwrap(), f.code, f.span, f.message));
                }
                // The rules every format shares, over the same files in the
                // shared shape.
                let mut unit: Vec<(String, &str, Document)> = Vec::new();
                if let (Some(p), Some(t), Some(s)) = (&feat.spec, &st, &spec) {
                    unit.push((p.clone(), t, graph::spec(s)));
                }
                if let (Some(p), Some(t), Some(x)) = (&feat.plan, &pt, &plan) {
                    unit.push((p.clone(), t, graph::plan(x)));
                }
                if let (Some(p), Some(t), Some(x)) = (&feat.tasks, &tt, &tasks) {
                    unit.push((p.clone(), t, graph::tasks(x)));
                }
                for ((p, t), c) in feat.checklists.iter().zip(&ct).zip(&lists) {
                    unit.push((p.clone(), t, graph::checklist(c)));
                }
                let files: Vec<UnitFile> = unit
                    .iter()
                    .map(|(_, text, doc)| UnitFile { doc, text })
                    .collect();
                for f in check_unit(&files) {
                    let (path, text, _) = &unit[f.file];
                    found.push((path.clone(), text.to_string(), f.code, f.span, f.message));
                }
            }
            let tree_name = tree.file_name().unwrap().to_string_lossy().to_string();
            for (path, text, code, span, message) in found {
                let s = text_at(&text, span);
                *counts.entry(code).or_default() += 1;
                let list = samples.entry(code).or_default();
                // Spread the samples: every 37th finding of a code after the
                // first three.
                if list.len() < 3 || (counts[code] % 37 == 0 && list.len() < 6) {
                    let line = text[..span.start as usize].matches('\n').count() + 1;
                    let shown: String = s.chars().take(60).collect();
                    list.push(format!("{tree_name}/{path}:{line} `{shown}` {message}"));
                }
            }
        }
    }
    for (code, n) in &counts {
        println!("{code}: {n}");
        for s in &samples[code] {
            println!("    {s}");
        }
    }
    assert!(!counts.is_empty());
}
