//! Large documents through the real release server over stdio: how outline
//! and code lens grow with the number of requirements, how long a request
//! on another document waits while a large one is outlined, and what a
//! 20 MB document costs in time and memory. A benchmark, not a test: it
//! prints figures and never fails on them; it exits 1 only when the server
//! crashes, hangs or answers wrongly.
//!
//!   cargo bench -p specls-e2e --bench large
//!
//! Settings (environment):
//!   SPECLS_LARGE_ONLY     one part: "scale", "latency" or "memory"
//!   SPECLS_LARGE_SIZES    requirement counts for "scale", default "2000 8000 16000"
//!   SPECLS_LARGE_KINDS    files for "scale", default "openspec kiro"
//!   SPECLS_LARGE_RUNS     outline and lens requests per size (the median is shown), default 5
//!   SPECLS_LARGE_HOVERS   hovers timed in "latency", default 300
//!   SPECLS_LARGE_MB       size of the document of "memory", default 20
//!   SPECLS_BIN            a specls binary to measure instead of a release build

// Shared with the replay bench, which uses more of them.
#[allow(dead_code)]
mod replay {
    pub mod harness;
    pub mod rpc;
}

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use replay::harness::{commit, env_usize, machine, ms, repo_root, specls_bin, stats};
use replay::rpc::{file_uri, memory_kib, Server};
use serde_json::{json, Value};

const TIMEOUT: Duration = Duration::from_secs(900);
const SMALL: &str = "openspec/specs/small/spec.md";
const BIG: &str = "openspec/specs/big/spec.md";

/// A main spec of `n` requirements, one scenario each (the shape of the
/// hostile-client report's spec).
fn big_spec(n: usize) -> String {
    let mut s = String::from(
        "# big Specification\n\n## Purpose\n\nA spec with many requirements, to load the server.\n\n## Requirements\n",
    );
    for i in 0..n {
        s.push_str(&format!(
            "\n### Requirement: Rule {i}\n\nThe system SHALL keep rule {i}.\n\n#### Scenario: Case {i}\n\n- **WHEN** case {i} happens\n- **THEN** rule {i} holds\n"
        ));
    }
    s
}

const SMALL_TEXT: &str = "# small Specification\n\n## Purpose\n\nA small spec to hover on while a large one is outlined.\n\n## Requirements\n\n### Requirement: Call Records\n\nThe system SHALL keep a record of each call.\n\n#### Scenario: A call ends\n\n- **WHEN** a call ends\n- **THEN** its record is kept\n";

/// A workspace with the small spec, a change modifying a few requirements
/// of the big one (so the code lens has something to say), and the big
/// spec's file written with `big`.
fn workspace(big: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    let write = |rel: &str, text: &str| {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write(SMALL, SMALL_TEXT);
    write(BIG, big);
    write(
        "openspec/changes/touch-big/proposal.md",
        "## Why\n\nTo give the big spec's code lens something to show.\n\n## What Changes\n\n- Rule 1 changes.\n",
    );
    write(
        "openspec/changes/touch-big/specs/big/spec.md",
        "## MODIFIED Requirements\n\n### Requirement: Rule 1\n\nThe system SHALL keep rule 1 twice.\n\n#### Scenario: Case 1\n\n- **WHEN** case 1 happens\n- **THEN** rule 1 holds\n",
    );
    dir
}

fn start(bin: &Path, root: &Path) -> Server {
    let mut s = Server::spawn(bin, root);
    init(&mut s, root);
    s
}

fn init(s: &mut Server, root: &Path) {
    let caps = json!({
        "general": {"positionEncodings": ["utf-16"]},
        "textDocument": {"documentSymbol": {"hierarchicalDocumentSymbolSupport": true}}
    });
    s.initialize(root, caps, TIMEOUT)
        .unwrap_or_else(|e| fail(&e));
    s.notify("initialized", json!({}));
}

fn fail(e: &str) -> ! {
    eprintln!("large: {e}");
    std::process::exit(1);
}

fn open(s: &mut Server, root: &Path, rel: &str, text: &str) -> String {
    let uri = file_uri(&root.join(rel));
    s.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
    );
    uri
}

/// One request, answered: its result and round trip.
fn call(s: &mut Server, method: &str, params: Value) -> (Value, Duration) {
    let (id, at) = s.request(method, params);
    let r = s.response(id, TIMEOUT).unwrap_or_else(|e| fail(&e));
    if let Some(e) = r.msg.get("error") {
        fail(&format!("{method}: {e}"));
    }
    (r.msg["result"].clone(), r.at - at)
}

/// One request whose answer is too large to keep (a server started with
/// [`Server::spawn_dropping`] drops it unread): the round trip, once the
/// answer was read.
fn call_dropped(s: &mut Server, method: &str, params: Value) -> Duration {
    let before = s.dropped();
    let t = Instant::now();
    s.request(method, params);
    while s.dropped() == before {
        if t.elapsed() > TIMEOUT {
            fail(&format!("no answer to {method}"));
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    t.elapsed()
}

fn count_symbols(v: &Value) -> usize {
    v.as_array().map_or(0, |a| {
        a.iter()
            .map(|s| 1 + count_symbols(&s["children"]))
            .sum::<usize>()
    })
}

fn median(mut d: Vec<Duration>) -> Duration {
    d.sort();
    d[d.len() / 2]
}

/// A Kiro spec of `n` requirements with three criteria each, and a task
/// per requirement citing them: requirements.md and tasks.md.
fn kiro_spec(n: usize) -> (String, String) {
    let mut reqs = String::from(
        "# Requirements Document\n\n## Introduction\n\nMany requirements.\n\n## Requirements\n",
    );
    let mut tasks = String::from("# Implementation Plan\n\n");
    for i in 1..=n {
        reqs.push_str(&format!(
            "\n### Requirement {i}: Rule {i}\n\n**User Story:** As a user, I want rule {i}, so that it holds.\n\n#### Acceptance Criteria\n\n1. WHEN case {i} happens, THE System SHALL keep rule {i}.\n2. WHEN case {i} ends, THE System SHALL log it.\n3. IF case {i} fails, THEN THE System SHALL retry.\n"
        ));
        tasks.push_str(&format!(
            "- [ ] {i}. Implement rule {i}\n- [x] {i}.1 Keep rule {i}\n  - _Requirements: {i}.1, {i}.2_\n- [ ] {i}.2 Retry rule {i}\n  - _Requirements: {i}.3_\n\n"
        ));
    }
    (reqs, tasks)
}

/// Outline and code lens of files of 2,000, 8,000 and 16,000
/// requirements, open in the editor: an OpenSpec main spec (one scenario
/// each) and a Kiro `requirements.md` (three criteria each, cited by a
/// `tasks.md`).
fn scale(bin: &Path) {
    let sizes: Vec<usize> = std::env::var("SPECLS_LARGE_SIZES")
        .unwrap_or_else(|_| "2000 8000 16000".into())
        .split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect();
    let runs = env_usize("SPECLS_LARGE_RUNS", 5).max(1);
    let kinds: Vec<String> = std::env::var("SPECLS_LARGE_KINDS")
        .unwrap_or_else(|_| "openspec kiro".into())
        .split_whitespace()
        .map(str::to_string)
        .collect();
    println!("\n## Outline and code lens by size (median of {runs})\n");
    println!("| file | requirements | bytes | outline | symbols | per 1,000 requirements | code lens | lenses | per 1,000 requirements |");
    println!("|---|---|---|---|---|---|---|---|---|");
    for kind in &kinds {
        for &n in &sizes {
            let (ws, rel, text, want) = match kind.as_str() {
                "kiro" => {
                    let (reqs, tasks) = kiro_spec(n);
                    let ws = workspace(&big_spec(1));
                    let rel = ".kiro/specs/big/requirements.md";
                    for (p, t) in [(rel, &reqs), (".kiro/specs/big/tasks.md", &tasks)] {
                        let p = ws.path().join(p);
                        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                        std::fs::write(p, t).unwrap();
                    }
                    // The title, its two sections, and each
                    // requirement's heading, its criteria heading and three
                    // criteria.
                    (ws, rel, reqs, 5 * n + 3)
                }
                _ => {
                    let text = big_spec(n);
                    // Two sections (and the title), a requirement and a
                    // scenario each.
                    (workspace(&text), BIG, text, 2 * n + 3)
                }
            };
            let mut s = start(bin, ws.path());
            let uri = open(&mut s, ws.path(), rel, &text);
            let doc = json!({"textDocument": {"uri": uri}});
            // Untimed: the first answer waits for the workspace to be read.
            let (first, _) = call(&mut s, "textDocument/documentSymbol", doc.clone());
            let symbols = count_symbols(&first);
            if symbols != want {
                fail(&format!(
                    "{kind}, {n} requirements: {symbols} symbols in the outline, not {want}"
                ));
            }
            let (lens, _) = call(&mut s, "textDocument/codeLens", doc.clone());
            let lenses = lens.as_array().map_or(0, Vec::len);
            let outline = median(
                (0..runs)
                    .map(|_| call(&mut s, "textDocument/documentSymbol", doc.clone()).1)
                    .collect(),
            );
            let lens = median(
                (0..runs)
                    .map(|_| call(&mut s, "textDocument/codeLens", doc.clone()).1)
                    .collect(),
            );
            let per = |d: Duration| ms(d) * 1000.0 / n as f64;
            println!(
                "| {rel} | {n} | {} | {:.1} ms | {symbols} | {:.2} ms | {:.1} ms | {lenses} | {:.2} ms |",
                text.len(),
                ms(outline),
                per(outline),
                ms(lens),
                per(lens)
            );
            report(s);
        }
    }
}

/// Hovers on a small spec, alone and while a second thread keeps asking
/// for the outline of a 16,000-requirement spec.
fn latency(bin: &Path) {
    let n = 16_000;
    let hovers = env_usize("SPECLS_LARGE_HOVERS", 300).max(1);
    let text = big_spec(n);
    let ws = workspace(&text);
    // The outlines' answers (about 6 MB each) are counted, not kept.
    let mut s = Server::spawn_dropping(bin, ws.path(), 1 << 20);
    init(&mut s, ws.path());
    let big = open(&mut s, ws.path(), BIG, &text);
    let small = open(&mut s, ws.path(), SMALL, SMALL_TEXT);
    let doc = json!({"textDocument": {"uri": big}});
    call_dropped(&mut s, "textDocument/documentSymbol", doc.clone());
    // A warm outline: how often the second thread asks for one.
    let first = call_dropped(&mut s, "textDocument/documentSymbol", doc.clone());
    // Line 8 is "### Requirement: Call Records".
    let hover = json!({"textDocument": {"uri": small}, "position": {"line": 8, "character": 20}});
    let mut quiet = Vec::new();
    for _ in 0..hovers {
        let (h, d) = call(&mut s, "textDocument/hover", hover.clone());
        if !h.is_object() {
            fail(&format!("no hover: {h}"));
        }
        quiet.push(d);
    }
    // The outlines go through their own writer: requests written whole
    // under the input's lock, answers read (and dropped) by the main
    // thread's waits. The ids are far from the main thread's.
    let input = s.input();
    let stop = Arc::new(AtomicBool::new(false));
    let outlines = {
        let stop = stop.clone();
        let doc = doc.clone();
        std::thread::spawn(move || {
            let mut sent = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let msg = json!({"jsonrpc": "2.0", "id": 1_000_000 + sent, "method": "textDocument/documentSymbol", "params": doc});
                use std::io::Write;
                let _ = input.lock().unwrap().write_all(&replay::rpc::frame(&msg));
                sent += 1;
                // One outline in flight, roughly, all the time.
                std::thread::sleep(first);
            }
            sent
        })
    };
    std::thread::sleep(first);
    let mut busy = Vec::new();
    for i in 0..hovers {
        let (h, d) = call(&mut s, "textDocument/hover", hover.clone());
        if !h.is_object() {
            fail(&format!("no hover: {h}"));
        }
        busy.push(d);
        if i % 50 == 0 {
            s.drain();
        }
        // Spread over many outlines, as an editor's requests would be.
        std::thread::sleep(Duration::from_millis(10));
    }
    stop.store(true, Ordering::Relaxed);
    let sent = outlines.join().unwrap();
    let answered = s.dropped() - 2;
    println!("\n## A hover on a small spec while a 16,000-requirement spec is outlined\n");
    println!(
        "One outline of the big spec: {:.0} ms (a warm one). {sent} outlines sent while the hovers ran, one every {0:.0} ms ({answered} answered by the end); a hover every 10 ms.\n",
        ms(first)
    );
    println!("| hover | n | p50 | p90 | p99 | max |");
    println!("|---|---|---|---|---|---|");
    for (what, d) in [("quiet", &quiet), ("while outlining", &busy)] {
        let st = stats(d);
        println!(
            "| {what} | {} | {:.3} | {:.3} | {:.3} | {:.3} |",
            st.n, st.p50, st.p90, st.p99, st.max
        );
    }
    s.settle(Duration::from_millis(500), TIMEOUT);
    report(s);
}

fn rss_mib(s: &Server) -> f64 {
    memory_kib(s.pid()).map_or(f64::NAN, |(rss, _)| rss as f64 / 1024.0)
}

fn hwm_mib(s: &Server) -> f64 {
    memory_kib(s.pid()).map_or(f64::NAN, |(_, hwm)| hwm as f64 / 1024.0)
}

/// A small spec made 20 MB by a whole-text change, then hover and folding
/// on it, then shrunk back, then closed: RSS at each step.
fn memory(bin: &Path) {
    let mb = env_usize("SPECLS_LARGE_MB", 20).max(1);
    let ws = workspace(&big_spec(10));
    // The outline and folding ranges of the large document (tens of MB)
    // are dropped unread.
    let mut s = Server::spawn_dropping(bin, ws.path(), 1 << 20);
    init(&mut s, ws.path());
    let small = open(&mut s, ws.path(), SMALL, SMALL_TEXT);
    let hover = json!({"textDocument": {"uri": small}, "position": {"line": 8, "character": 20}});
    call(&mut s, "textDocument/hover", hover.clone());
    s.settle(Duration::from_millis(500), TIMEOUT);
    let mut rows = vec![(
        "baseline (workspace read, small spec open)".to_string(),
        rss_mib(&s),
        String::new(),
    )];
    // The big text: requirements until `mb` MB.
    let mut big = big_spec(0);
    let mut i = 0;
    while big.len() < mb * 1_000_000 {
        big.push_str(&format!(
            "\n### Requirement: Rule {i}\n\nThe system SHALL keep rule {i}.\n\n#### Scenario: Case {i}\n\n- **WHEN** case {i} happens\n- **THEN** rule {i} holds\n"
        ));
        i += 1;
    }
    let uri = file_uri(&ws.path().join(BIG));
    let small_big = big_spec(10);
    s.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": small_big}}),
    );
    call(
        &mut s,
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 8, "character": 20}}),
    );
    let t = Instant::now();
    s.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": big}]}),
    );
    let (h, d) = call(
        &mut s,
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 8, "character": 20}}),
    );
    if !h.is_object() {
        fail(&format!("no hover on the big document: {h}"));
    }
    let change = t.elapsed();
    s.settle(Duration::from_millis(500), TIMEOUT);
    rows.push((
        format!(
            "{:.1} MB ({i} requirements) by a whole-text change, then hover",
            big.len() as f64 / 1e6
        ),
        rss_mib(&s),
        format!(
            "change + hover {:.0} ms, hover alone {:.0} ms",
            ms(change),
            ms(d)
        ),
    ));
    let d = call_dropped(
        &mut s,
        "textDocument/foldingRange",
        json!({"textDocument": {"uri": uri}}),
    );
    s.settle(Duration::from_millis(500), TIMEOUT);
    rows.push((
        "foldingRange".into(),
        rss_mib(&s),
        format!("{:.0} ms", ms(d)),
    ));
    let d = call_dropped(
        &mut s,
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    s.settle(Duration::from_millis(500), TIMEOUT);
    rows.push((
        "documentSymbol".into(),
        rss_mib(&s),
        format!("{:.0} ms", ms(d)),
    ));
    s.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": small_big}]}),
    );
    call(
        &mut s,
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 8, "character": 20}}),
    );
    s.settle(Duration::from_millis(1000), TIMEOUT);
    rows.push(("shrunk back to 2 KB".into(), rss_mib(&s), String::new()));
    s.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    call(&mut s, "textDocument/hover", hover);
    s.settle(Duration::from_millis(1000), TIMEOUT);
    rows.push(("closed".into(), rss_mib(&s), String::new()));
    let peak = hwm_mib(&s);
    println!("\n## A {mb} MB document: time and memory (VmRSS)\n");
    println!("| step | RSS | × baseline | |");
    println!("|---|---|---|---|");
    let base = rows[0].1;
    for (what, rss, note) in &rows {
        println!("| {what} | {rss:.1} MiB | {:.2} | {note} |", rss / base);
    }
    println!("\nPeak (VmHWM): {peak:.1} MiB.");
    report(s);
}

fn report(s: Server) {
    let (status, notes) = s.stop();
    if !status.is_some_and(|s| s.success()) {
        fail(&format!("the server ended badly: {status:?} {notes:?}"));
    }
    for n in notes {
        println!("note: {n}");
    }
}

fn main() {
    // `cargo bench` passes `--bench`; a filter is not supported.
    let repo = repo_root();
    let bin = specls_bin(&repo);
    println!("# specls large documents\n");
    println!("{}; commit {}; {}", machine(), commit(&repo), bin.display());
    let only = std::env::var("SPECLS_LARGE_ONLY").unwrap_or_default();
    if only.is_empty() || only == "scale" {
        scale(&bin);
    }
    if only.is_empty() || only == "latency" {
        latency(&bin);
    }
    if only.is_empty() || only == "memory" {
        memory(&bin);
    }
    println!("\n{}", machine());
}
