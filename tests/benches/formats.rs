//! Spec Kit and Kiro under editor traffic: keystrokes in a generated
//! 2,000-line Spec Kit `tasks.md` and 1,000-line Kiro `tasks.md` (the
//! server's own work from each edit to its diagnostics), and completion
//! latency in the largest real tree of each corpus. A benchmark, not a
//! test: it reports figures against the targets and never fails on them (it
//! exits non-zero only when the server crashes, hangs or answers wrong).
//!
//!   cargo bench -p specls-e2e --bench formats
//!
//! See tests/benches/README.md for what is measured and the settings.

#[allow(dead_code)]
mod replay {
    pub mod harness;
    pub mod rpc;
    pub mod workload;
}

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use replay::harness::{commit, env_usize, machine, repo_root, specls_bin, stats, Stats};
use replay::rpc::{file_uri, is_progress_end, pulled_codes, Server};
use replay::workload::Rng;
use serde_json::{json, Value};

const TIMEOUT: Duration = Duration::from_secs(30);
const INDEX_TIMEOUT: Duration = Duration::from_secs(300);

fn capabilities() -> Value {
    json!({
        "general": {"positionEncodings": ["utf-8", "utf-16"]},
        "textDocument": {
            "synchronization": {"dynamicRegistration": false, "didSave": true},
            "diagnostic": {"dynamicRegistration": false, "relatedDocumentSupport": false},
            "completion": {"completionItem": {"snippetSupport": true}, "contextSupport": true}
        },
        "window": {"workDoneProgress": true},
        "workspace": {"workspaceFolders": true, "diagnostics": {"refreshSupport": true}}
    })
}

/// A server on `root`, indexed, ready for requests.
fn start(bin: &Path, root: &Path) -> Result<Server, String> {
    let mut s = Server::spawn(bin, root);
    s.initialize(root, capabilities(), TIMEOUT)?;
    s.notify("initialized", json!({}));
    s.wait("the end of indexing", INDEX_TIMEOUT, is_progress_end)?;
    s.drain();
    Ok(s)
}

fn open(s: &mut Server, uri: &str, text: &str) {
    s.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
    );
}

/// Replaces `line`'s characters `from..to` (UTF-8 columns: the client
/// offers UTF-8 and every generated line is ASCII where it is edited).
fn change(
    s: &mut Server,
    uri: &str,
    version: i32,
    line: usize,
    from: usize,
    to: usize,
    text: &str,
) {
    s.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{
                "range": {
                    "start": {"line": line, "character": from},
                    "end": {"line": line, "character": to}
                },
                "text": text
            }]
        }),
    );
}

fn pull(s: &mut Server, uri: &str) -> Result<Vec<String>, String> {
    let (id, _) = s.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": uri}, "identifier": "specls"}),
    );
    pulled_codes(&s.response(id, TIMEOUT)?.msg)
}

// ---------------------------------------------------------------------------
// Generated workspaces

/// A generated `tasks.md` and what a keystroke may change in it.
struct Tasks {
    rel: &'static str,
    text: String,
    /// Per editable line: its number and the column of the one character
    /// that a keystroke replaces with `9` (a digit of a dependency or
    /// criterion id, which then names nothing).
    edits: Vec<(usize, usize)>,
    /// The code one such keystroke must add to the file's diagnostics.
    adds: &'static str,
}

const STORIES: usize = 20;
const FRS: usize = 100;

/// A Spec Kit feature: a spec with 20 stories and 100 FRs, and a tasks file
/// of 1,880 tasks in 23 phases (about 2,100 lines), every task after a
/// phase's first depending on the one before it.
fn write_speckit(root: &Path) -> Tasks {
    let feature = root.join("specs/001-big");
    std::fs::create_dir_all(root.join(".specify/memory")).expect("mkdir");
    std::fs::create_dir_all(&feature).expect("mkdir");
    std::fs::write(
        root.join(".specify/memory/constitution.md"),
        "# Big Constitution\n\n## Core Principles\n\n### I. Tests first\n\nEvery story is tested.\n",
    )
    .expect("write");
    let mut spec = String::from(
        "# Feature Specification: Big\n\n**Feature Branch**: `001-big`\n\n## User Scenarios & Testing *(mandatory)*\n\n",
    );
    for n in 1..=STORIES {
        let _ = write!(
            spec,
            "### User Story {n} - Handle queue {n} (Priority: P{})\n\nAn operator handles the calls of queue {n}.\n\n**Why this priority**: queue {n} carries calls.\n\n**Independent Test**: call queue {n}.\n\n**Acceptance Scenarios**:\n\n1. **Given** an operator on queue {n}, **When** a call arrives on queue {n}, **Then** the call is offered to the operator\n2. **Given** a busy operator, **When** the caller waits for {n} minutes, **Then** the caller hears the waiting message\n\n",
            1 + n % 3
        );
    }
    spec.push_str("## Requirements *(mandatory)*\n\n### Functional Requirements\n\n");
    for n in 1..=FRS {
        let _ = writeln!(
            spec,
            "- **FR-{n:03}**: System MUST route the calls of line {n} to the queue that owns it"
        );
    }
    spec.push_str("\n## Success Criteria *(mandatory)*\n\n- **SC-001**: 95% of calls are answered within 30 seconds\n");
    std::fs::write(feature.join("spec.md"), spec).expect("write");

    let mut text = String::from("# Tasks: Big\n\n**Input**: Design documents from `/specs/001-big/`\n\n## Format: `[ID] [P?] [Story] Description`\n\n");
    let mut edits = Vec::new();
    let mut line = text.lines().count();
    let mut id = 0;
    let phases = STORIES + 3;
    let per_phase = 1880 / phases + 1;
    for p in 1..=phases {
        let story = (p > 2 && p < phases).then_some(p - 2);
        let head = match story {
            Some(s) => format!(
                "## Phase {p}: User Story {s} - Handle queue {s} (Priority: P{})\n\n**Goal**: queue {s} works.\n\n",
                1 + s % 3
            ),
            None if p == 1 => format!("## Phase {p}: Setup\n\n**Purpose**: project skeleton\n\n"),
            None if p == 2 => format!("## Phase {p}: Foundational\n\n**Purpose**: shared routing\n\n"),
            None => format!("## Phase {p}: Polish\n\n**Purpose**: cleanup\n\n"),
        };
        line += head.lines().count();
        text.push_str(&head);
        for k in 0..per_phase {
            if id == 1880 {
                break;
            }
            id += 1;
            let label = story.map_or(String::new(), |s| format!(" [US{s}]"));
            let mut row = format!(
                "- [ ] T{id:04}{label} Implement step {k} of the routing in src/routing/p{p}/step{k}.rs (FR-{:03})",
                1 + id % FRS
            );
            if k > 0 {
                // The keystroke replaces the first digit of the id.
                edits.push((line, row.len() + " (depends on T".len()));
                let _ = write!(row, " (depends on T{:04})", id - 1);
            }
            row.push('\n');
            text.push_str(&row);
            line += 1;
        }
        text.push_str(&format!("\n**Checkpoint**: phase {p} done\n\n"));
        line += 3;
    }
    std::fs::write(feature.join("tasks.md"), &text).expect("write");
    Tasks {
        rel: "specs/001-big/tasks.md",
        text,
        edits,
        adds: "tasks/unknown-dependency",
    }
}

const REQUIREMENTS: usize = 40;
const CRITERIA: usize = 5;

/// A Kiro spec: 40 requirements of 5 EARS criteria each, and a tasks file
/// of 40 groups of 6 sub-tasks (about 1,050 lines) citing two criteria each,
/// so that every criterion is cited twice.
fn write_kiro(root: &Path) -> Tasks {
    let spec = root.join(".kiro/specs/big");
    std::fs::create_dir_all(&spec).expect("mkdir");
    let mut req = String::from(
        "# Requirements Document\n\n## Introduction\n\nCall routing for a big contact centre.\n\n## Glossary\n\n- **Router**: the service that routes calls\n\n## Requirements\n\n",
    );
    for n in 1..=REQUIREMENTS {
        let _ = write!(
            req,
            "### Requirement {n}: Queue {n}\n\n**User Story:** As an operator of queue {n}, I want its calls routed, so that callers wait less.\n\n#### Acceptance Criteria\n\n"
        );
        for c in 1..=CRITERIA {
            let _ = writeln!(
                req,
                "{c}. WHEN a call for queue {n} arrives with priority {c} THEN THE Router SHALL offer it to a free operator"
            );
        }
        req.push('\n');
    }
    std::fs::write(spec.join("requirements.md"), req).expect("write");

    let mut text = String::from("# Implementation Plan\n\n");
    let mut edits = Vec::new();
    let mut line = text.lines().count();
    for g in 1..=REQUIREMENTS {
        text.push_str(&format!("- [ ] {g}. Route queue {g}\n\n"));
        line += 2;
        for j in 1..=6 {
            let a = (j - 1) % CRITERIA + 1;
            let b = j % CRITERIA + 1;
            let _ = write!(
                text,
                "- [ ] {g}.{j} Implement routing step {j} of queue {g}\n  - Wire the step into the router\n"
            );
            let cite = format!("  - _Requirements: {g}.{a}, {g}.{b}_\n");
            // The keystroke replaces the second criterion's number.
            edits.push((
                line + 2,
                cite.find(&format!(", {g}.{b}_")).unwrap() + 2 + format!("{g}.").len(),
            ));
            text.push_str(&cite);
            text.push('\n');
            line += 4;
        }
    }
    std::fs::write(spec.join("tasks.md"), &text).expect("write");
    Tasks {
        rel: ".kiro/specs/big/tasks.md",
        text,
        edits,
        adds: "kiro/unknown-criterion",
    }
}

// ---------------------------------------------------------------------------
// Part 1: keystrokes

struct Keystrokes {
    lines: usize,
    baseline: Vec<String>,
    server_work: Vec<Duration>,
    round_trip: Vec<Duration>,
    wrong: Vec<String>,
    check: String,
}

fn keystrokes(
    bin: &Path,
    write: fn(&Path) -> Tasks,
    iterations: usize,
    warmup: usize,
) -> Result<(Keystrokes, Vec<String>), String> {
    let dir = tempfile::Builder::new()
        .prefix("specls-formats-")
        .tempdir()
        .map_err(|e| e.to_string())?;
    let root = dir.path().canonicalize().map_err(|e| e.to_string())?;
    let tasks = write(&root);
    let uri = file_uri(&root.join(tasks.rel));
    let mut s = start(bin, &root)?;
    open(&mut s, &uri, &tasks.text);
    let baseline = pull(&mut s, &uri)?;
    let lines: Vec<&str> = tasks.text.lines().collect();
    let mut rng = Rng::new(0x7A5C);
    let mut version = 1;
    let mut f = Keystrokes {
        lines: lines.len(),
        baseline: baseline.clone(),
        server_work: Vec::new(),
        round_trip: Vec::with_capacity(iterations),
        wrong: Vec::new(),
        check: String::new(),
    };
    // Each keystroke replaces one digit with `9`; the next one puts it back.
    let mut pending: Option<(usize, usize, char)> = None;
    for i in 0..warmup + iterations {
        let (line, col, put, broken) = match pending.take() {
            None => {
                let (line, col) = tasks.edits[rng.below(tasks.edits.len())];
                let old = lines[line][col..]
                    .chars()
                    .next()
                    .ok_or("edit past a line")?;
                if !old.is_ascii_digit() || old == '9' {
                    return Err(format!(
                        "line {line} column {col} is {old:?}, not a digit to replace: {}",
                        lines[line]
                    ));
                }
                pending = Some((line, col, old));
                (line, col, '9', true)
            }
            Some((line, col, old)) => (line, col, old, false),
        };
        version += 1;
        let t = s.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{
                    "range": {
                        "start": {"line": line, "character": col},
                        "end": {"line": line, "character": col + 1}
                    },
                    "text": put.to_string()
                }]
            }),
        );
        let (id, _) = s.request(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": uri}, "identifier": "specls"}),
        );
        let r = s.response(id, TIMEOUT)?;
        if i >= warmup {
            f.round_trip.push(r.at - t);
        }
        let mut expected = baseline.clone();
        if broken {
            expected.push(tasks.adds.to_string());
            expected.sort();
        }
        let got = pulled_codes(&r.msg)?;
        if got != expected && f.wrong.len() < 5 {
            f.wrong.push(format!(
                "edit {i} (line {}): expected {expected:?}, got {got:?}",
                line + 1
            ));
        }
    }
    s.drain();
    let mut work = s.server_work();
    let skip = work.len().saturating_sub(iterations);
    work.drain(..skip);
    f.server_work = work;
    let (_, notes) = s.stop();
    f.check = Command::new(bin)
        .args(["check", "--format", "json"])
        .arg(&root)
        .output()
        .ok()
        .and_then(|o| serde_json::from_slice::<Value>(&o.stdout).ok())
        .map_or("?".to_string(), |v| v["summary"].to_string());
    Ok((f, notes))
}

// ---------------------------------------------------------------------------
// Part 2: completion in the largest real trees

/// The tree under `corpus` with the most Markdown files.
fn largest_tree(corpus: &Path) -> Option<PathBuf> {
    let trees = std::fs::read_dir(corpus).ok()?.flatten().map(|e| e.path());
    trees.filter(|t| t.is_dir()).max_by_key(|t| count_md(t))
}

fn count_md(dir: &Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |rd| {
        rd.flatten()
            .map(|e| {
                let p = e.path();
                match e.file_type() {
                    Ok(t) if t.is_dir() => count_md(&p),
                    Ok(t) if t.is_file() && p.extension().is_some_and(|x| x == "md") => 1,
                    _ => 0,
                }
            })
            .sum()
    })
}

/// The largest file named `name` under `dir` whose text holds `must`.
fn largest_file(dir: &Path, name: &str, must: &str) -> Option<PathBuf> {
    let mut best: Option<(u64, PathBuf)> = None;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(p),
                Ok(t) if t.is_file() && p.file_name().is_some_and(|n| n == name) => {
                    let size = e.metadata().map_or(0, |m| m.len());
                    let holds = std::fs::read_to_string(&p).is_ok_and(|t| t.contains(must));
                    if holds && best.as_ref().is_none_or(|(b, _)| size > *b) {
                        best = Some((size, p));
                    }
                }
                _ => {}
            }
        }
    }
    best.map(|(_, p)| p)
}

/// One kind of completion request: in which file, after what line prefix,
/// and the characters typed after it (one of them per request).
struct Case {
    what: &'static str,
    file: PathBuf,
    prefix: &'static str,
    typed: Vec<String>,
    trigger: Option<&'static str>,
}

struct CaseFigures {
    what: String,
    file: String,
    samples: Vec<Duration>,
    sizes: Vec<usize>,
    empty: usize,
}

fn completion(
    bin: &Path,
    root: &Path,
    cases: &[Case],
    requests: usize,
) -> Result<(Vec<CaseFigures>, Vec<String>), String> {
    let mut s = start(bin, root)?;
    let mut out = Vec::new();
    let mut rng = Rng::new(0xC0DE);
    for case in cases {
        let uri = file_uri(&case.file);
        let text = std::fs::read_to_string(&case.file).map_err(|e| e.to_string())?;
        // A new last line, after a blank one, where the completion is asked.
        let mut text = text.trim_end().to_string();
        text.push_str("\n\n");
        let line = text.lines().count() + 1;
        text.push('\n');
        open(&mut s, &uri, &text);
        let mut version = 1;
        let mut typed_len = 0;
        let mut f = CaseFigures {
            what: case.what.to_string(),
            file: case
                .file
                .strip_prefix(root)
                .unwrap_or(&case.file)
                .display()
                .to_string(),
            samples: Vec::with_capacity(requests),
            sizes: Vec::new(),
            empty: 0,
        };
        for i in 0..requests + 20 {
            let typed = &case.typed[rng.below(case.typed.len())];
            let new = format!("{}{typed}", case.prefix);
            version += 1;
            change(&mut s, &uri, version, line, 0, typed_len, &new);
            typed_len = new.len();
            let context = match (typed.is_empty(), case.trigger) {
                (true, Some(c)) => json!({"triggerKind": 2, "triggerCharacter": c}),
                _ => json!({"triggerKind": 1}),
            };
            let (id, t) = s.request(
                "textDocument/completion",
                json!({
                    "textDocument": {"uri": uri},
                    "position": {"line": line, "character": new.len()},
                    "context": context
                }),
            );
            let r = s.response(id, TIMEOUT)?;
            let items = r.msg["result"]["items"]
                .as_array()
                .or_else(|| r.msg["result"].as_array())
                .map_or(0, Vec::len);
            if i >= 20 {
                f.samples.push(r.at - t);
                f.sizes.push(items);
                if items == 0 {
                    f.empty += 1;
                }
            }
        }
        s.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        );
        s.drain();
        out.push(f);
    }
    let (_, notes) = s.stop();
    Ok((out, notes))
}

/// Prefixes of the words of `file`'s lines that hold `marker`, taken after
/// it: what a user typing a step or a criterion would type.
fn typed_after(file: &Path, marker: &str, limit: usize) -> Vec<String> {
    let text = std::fs::read_to_string(file).unwrap_or_default();
    let mut out = vec![String::new()];
    for l in text.lines() {
        if let Some(at) = l.find(marker) {
            let rest: String = l[at + marker.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphabetic() || *c == ' ')
                .collect();
            for n in [1, 3, 6] {
                if rest.len() >= n {
                    out.push(rest[..n].to_string());
                }
            }
        }
        if out.len() >= limit {
            break;
        }
    }
    out
}

fn print_row(what: &str, st: &Stats, target: &str, ok: Option<bool>) {
    println!(
        "| {what} | {} | {:.3} | {:.3} | {:.3} | {:.3} | {target} | {} |",
        st.n,
        st.p50,
        st.p90,
        st.p99,
        st.max,
        match ok {
            Some(true) => "met",
            Some(false) => "**missed**",
            None => "",
        }
    );
}

fn corpus(var: &str, default: &str) -> Option<PathBuf> {
    let dir = std::env::var_os(var).map_or_else(|| PathBuf::from(default), PathBuf::from);
    dir.is_dir().then_some(dir)
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!("formats: a benchmark; run it with `cargo bench -p specls-e2e --bench formats`");
        return;
    }
    let repo = repo_root();
    let bin = specls_bin(&repo);
    let iterations = env_usize("SPECLS_FORMATS_EDITS", 1000);
    let warmup = env_usize("SPECLS_FORMATS_WARMUP", 50);
    let requests = env_usize("SPECLS_FORMATS_COMPLETIONS", 300);
    println!("specls formats: {} at {}", bin.display(), commit(&repo));
    println!("machine: {}", machine());
    let mut failed = false;
    let mut all_notes = Vec::new();

    println!();
    println!("| measurement (ms) | n | p50 | p90 | p99 | max | target | verdict |");
    println!("|---|---|---|---|---|---|---|---|");
    let mut singles = Vec::new();
    for (name, write, target_lines) in [
        ("Spec Kit", write_speckit as fn(&Path) -> Tasks, 2000),
        ("Kiro", write_kiro, 1000),
    ] {
        match keystrokes(&bin, write, iterations, warmup) {
            Ok((f, notes)) => {
                if f.lines < target_lines {
                    singles.push(format!("{name}: tasks.md has only {} lines", f.lines));
                }
                if !f.server_work.is_empty() {
                    let w = stats(&f.server_work);
                    print_row(
                        &format!(
                            "{name}: keystroke in a {}-line tasks.md, server work",
                            f.lines
                        ),
                        &w,
                        "p50 ≤ 1, p99 ≤ 5",
                        Some(w.p50 <= 1.0 && w.p99 <= 5.0),
                    );
                }
                print_row(
                    &format!("{name}: the same, client round trip to pulled diagnostics"),
                    &stats(&f.round_trip),
                    "(includes pipes and JSON)",
                    None,
                );
                singles.push(format!(
                    "{name}: baseline diagnostics of tasks.md {:?}; `specls check` summary {}; wrong answers: {}",
                    f.baseline,
                    f.check,
                    if f.wrong.is_empty() { "none".to_string() } else { f.wrong.join("; ") }
                ));
                failed |= !f.wrong.is_empty();
                all_notes.extend(notes);
            }
            Err(e) => {
                singles.push(format!("{name} keystrokes failed: {e}"));
                failed = true;
            }
        }
    }

    let speckit = corpus("SPECLS_CORPUS_SPECKIT", "/work/shared/corpus-speckit");
    let kiro = corpus("SPECLS_CORPUS_KIRO", "/work/shared/corpus-kiro");
    let mut runs: Vec<(PathBuf, Vec<Case>)> = Vec::new();
    if let Some(tree) = speckit.as_deref().and_then(largest_tree) {
        let mut cases = Vec::new();
        if let Some(tasks) = largest_file(&tree, "tasks.md", "T0") {
            let ids: Vec<String> = ["", "T", "T0", "T00", "T01", "T02", "T1"]
                .map(String::from)
                .to_vec();
            cases.push(Case {
                what: "Spec Kit task ids after `(depends on `",
                file: tasks,
                prefix: "- [ ] T999 Wire the new step (depends on ",
                typed: ids,
                trigger: Some(" "),
            });
        }
        if let Some(spec) = largest_file(&tree, "spec.md", "**When**") {
            let typed = typed_after(&spec, "**When** ", 60);
            cases.push(Case {
                what: "Spec Kit steps after `**When** `",
                file: spec,
                prefix: "1. **Given** a user on the page, **When** ",
                typed,
                trigger: Some(" "),
            });
        }
        runs.push((tree, cases));
    } else {
        singles.push("Spec Kit completion: skipped, no corpus (SPECLS_CORPUS_SPECKIT)".into());
    }
    if let Some(tree) = kiro.as_deref().and_then(largest_tree) {
        let mut cases = Vec::new();
        if let Some(tasks) = largest_file(&tree, "tasks.md", "_Requirements:") {
            let ids: Vec<String> = ["", "1", "1.", "2.", "3.1, ", "4"]
                .map(String::from)
                .to_vec();
            cases.push(Case {
                what: "Kiro criterion ids after `_Requirements: `",
                file: tasks,
                prefix: "  - _Requirements: ",
                typed: ids,
                trigger: Some(" "),
            });
        }
        if let Some(req) = largest_file(&tree, "requirements.md", "WHEN") {
            // The clause is offered while its keyword is typed (a single
            // word after the number); once a space follows, it is prose.
            let typed = ["", "W", "WH", "WHE", "WHEN", "I", "IF", "WHI", "T", "TH"]
                .map(String::from)
                .to_vec();
            cases.push(Case {
                what: "Kiro EARS clauses at a criterion",
                file: req,
                prefix: "9. ",
                typed,
                trigger: Some(" "),
            });
        }
        runs.push((tree, cases));
    } else {
        singles.push("Kiro completion: skipped, no corpus (SPECLS_CORPUS_KIRO)".into());
    }
    // The trees are read where they are; the documents opened are edited
    // only in the server's memory, never on disk.
    for (tree, cases) in runs {
        match completion(&bin, &tree, &cases, requests) {
            Ok((figures, notes)) => {
                for f in figures {
                    let st = stats(&f.samples);
                    print_row(
                        &format!(
                            "{} ({})",
                            f.what,
                            tree.file_name().unwrap_or_default().to_string_lossy()
                        ),
                        &st,
                        "p99 ≤ 10",
                        Some(st.p99 <= 10.0),
                    );
                    let mut sizes = f.sizes.clone();
                    sizes.sort();
                    singles.push(format!(
                        "{} in {}: items per answer median {}, max {}; empty answers {}",
                        f.what,
                        f.file,
                        sizes.get(sizes.len() / 2).copied().unwrap_or(0),
                        sizes.last().copied().unwrap_or(0),
                        f.empty
                    ));
                    failed |= f.empty == f.samples.len();
                }
                all_notes.extend(notes);
            }
            Err(e) => {
                singles.push(format!("completion in {} failed: {e}", tree.display()));
                failed = true;
            }
        }
    }
    println!();
    for l in singles {
        println!("- {l}");
    }
    for n in all_notes {
        println!("- note: {n}");
    }
    if failed {
        std::process::exit(1);
    }
}
