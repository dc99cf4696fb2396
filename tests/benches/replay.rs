//! Replays editor traffic against the real release `specls lsp` over stdio
//! and reports latency percentiles, cold-start times and memory. A
//! benchmark, not a test: it reports figures against targets and never
//! fails on them (it exits non-zero only when the server crashes, hangs or
//! answers something it should not).
//!
//!   cargo bench -p specls-e2e --bench replay
//!
//! See tests/benches/README.md for what is measured and the settings.

mod replay {
    pub mod harness;
    pub mod rpc;
    pub mod workload;
}

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use replay::harness::{commit, env_usize, machine, ms, repo_root, specls_bin, stats, Stats};
use replay::rpc::{file_uri, is_progress_end, memory_kib, pulled_codes, Server};
use replay::workload::{self, Rng, BIG_REL};
use serde_json::{json, Value};

const TIMEOUT: Duration = Duration::from_secs(30);
const INDEX_TIMEOUT: Duration = Duration::from_secs(300);

// ---------------------------------------------------------------------------
// Figures

fn verdict(ok: bool) -> &'static str {
    if ok {
        "met"
    } else {
        "**missed**"
    }
}

/// Rows of the table printed at the end.
#[derive(Default)]
struct Report {
    rows: Vec<String>,
    single: Vec<String>,
    problems: Vec<String>,
}

impl Report {
    fn latency(&mut self, what: &str, s: &Stats, target: &str, ok: bool) {
        self.rows.push(format!(
            "| {what} | {} | {:.3} | {:.3} | {:.3} | {:.3} | {target} | {} |",
            s.n,
            s.p50,
            s.p90,
            s.p99,
            s.max,
            verdict(ok)
        ));
    }
}

// ---------------------------------------------------------------------------
// Part 1: edits and navigation on a generated 5,000-line spec

#[derive(Clone, Copy, PartialEq)]
enum Enc {
    Utf8,
    Utf16,
}

impl Enc {
    fn name(self) -> &'static str {
        match self {
            Enc::Utf8 => "UTF-8",
            Enc::Utf16 => "UTF-16",
        }
    }

    fn wire(self) -> &'static str {
        match self {
            Enc::Utf8 => "utf-8",
            Enc::Utf16 => "utf-16",
        }
    }

    /// The column of byte offset `b` in `line`.
    fn column(self, line: &str, b: usize) -> usize {
        match self {
            Enc::Utf8 => b,
            Enc::Utf16 => line[..b].chars().map(char::len_utf16).sum(),
        }
    }
}

fn pull_capabilities(enc: Enc) -> Value {
    let mut caps = json!({
        "textDocument": {
            "synchronization": {"dynamicRegistration": false, "didSave": true},
            "diagnostic": {"dynamicRegistration": false, "relatedDocumentSupport": false},
            "hover": {"contentFormat": ["markdown", "plaintext"]},
            "definition": {"linkSupport": true},
            "references": {}
        },
        "window": {"workDoneProgress": true},
        "workspace": {"workspaceFolders": true, "diagnostics": {"refreshSupport": true}}
    });
    if enc == Enc::Utf8 {
        caps["general"] = json!({"positionEncodings": ["utf-8", "utf-16"]});
    }
    caps
}

fn push_capabilities() -> Value {
    json!({
        "general": {"positionEncodings": ["utf-8", "utf-16"]},
        "textDocument": {
            "synchronization": {"dynamicRegistration": false, "didSave": true},
            "publishDiagnostics": {"versionSupport": true}
        },
        "window": {"workDoneProgress": true},
        "workspace": {"workspaceFolders": true}
    })
}

struct NavFigures {
    method: &'static str,
    samples: Vec<Duration>,
    non_null: usize,
}

struct EditFigures {
    workload: String,
    open_to_diagnostics: Duration,
    baseline: Vec<String>,
    edits: Vec<Duration>,
    /// The server's own work per timed edit, as it reports it.
    server_work: Vec<Duration>,
    stale: usize,
    /// Edits after which the SHALL warning was expected.
    broken: usize,
    /// `specls check` on the generated workspace.
    check_summary: String,
    stale_examples: Vec<String>,
    nav: Vec<NavFigures>,
}

fn run_edits(
    bin: &Path,
    enc: Enc,
    iterations: usize,
    warmup: usize,
    nav_each: usize,
) -> Result<(EditFigures, Vec<String>), String> {
    let dir = tempfile::Builder::new()
        .prefix("specls-replay-")
        .tempdir()
        .map_err(|e| e.to_string())?;
    let root = dir.path().canonicalize().map_err(|e| e.to_string())?;
    let gen = workload::write_generated(&root, 5000);
    let big = &gen.big;
    let uri = file_uri(&root.join(BIG_REL));

    let mut s = Server::spawn(bin, &root);
    let init = s.initialize(&root, pull_capabilities(enc), TIMEOUT)?;
    let negotiated = init["capabilities"]["positionEncoding"]
        .as_str()
        .unwrap_or("utf-16");
    if negotiated != enc.wire() {
        s.notes.push(format!(
            "negotiated position encoding {negotiated}, expected {}",
            enc.wire()
        ));
    }
    if init["capabilities"]["diagnosticProvider"].is_null() {
        return Err("the server offers no pull diagnostics to a pulling client".into());
    }
    s.notify("initialized", json!({}));
    s.wait("the end of indexing", INDEX_TIMEOUT, is_progress_end)?;
    s.drain();

    let t0 = s.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": big.text}}),
    );
    let (id, _) = s.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": uri}, "identifier": "specls"}),
    );
    let r = s.response(id, TIMEOUT)?;
    let open_to_diagnostics = r.at - t0;
    let baseline = pulled_codes(&r.msg)?;

    let mut lines: Vec<String> = big.text.lines().map(str::to_string).collect();
    let mut rng = Rng::new(0xED17);
    let mut version = 1;
    let mut edits = Vec::with_capacity(iterations);
    let mut stale = 0;
    let mut broken = 0;
    let mut stale_examples = Vec::new();
    // The pending deletion: line, byte offset, column.
    let mut inserted: Option<(usize, usize, usize)> = None;
    for i in 0..warmup + iterations {
        let (line, range, text) = match inserted.take() {
            None => {
                let req = &big.requirements[rng.below(big.requirements.len())];
                let line = req.body_line;
                let bounds: Vec<usize> = lines[line]
                    .char_indices()
                    .map(|(b, _)| b)
                    .chain([lines[line].len()])
                    .collect();
                let b = bounds[rng.below(bounds.len())];
                let col = enc.column(&lines[line], b);
                lines[line].insert(b, ' ');
                inserted = Some((line, b, col));
                (line, (col, col), " ")
            }
            Some((line, b, col)) => {
                lines[line].remove(b);
                (line, (col, col + 1), "")
            }
        };
        version += 1;
        let t = s.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{
                    "range": {
                        "start": {"line": line, "character": range.0},
                        "end": {"line": line, "character": range.1}
                    },
                    "text": text
                }]
            }),
        );
        let (id, _) = s.request(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": uri}, "identifier": "specls"}),
        );
        let r = s.response(id, TIMEOUT)?;
        if i >= warmup {
            edits.push(r.at - t);
        }
        // The answer must describe the text just sent: the body line holds
        // the requirement's only SHALL, so splitting it adds exactly one
        // warning, and deleting the space takes it away again.
        let mut expected = baseline.clone();
        if !lines[line].contains("SHALL") {
            expected.push("requirement/missing-shall-must".into());
            expected.sort();
            if i >= warmup {
                broken += 1;
            }
        }
        let got = pulled_codes(&r.msg)?;
        if got != expected {
            stale += 1;
            if stale_examples.len() < 5 {
                stale_examples.push(format!(
                    "edit {i} (version {version}, line {}): expected {expected:?}, got {got:?}",
                    line + 1
                ));
            }
        }
    }
    s.drain();

    // Navigation on requirement and scenario headers.
    let mut nav: Vec<NavFigures> = [
        "textDocument/definition",
        "textDocument/hover",
        "textDocument/references",
    ]
    .into_iter()
    .map(|method| NavFigures {
        method,
        samples: Vec::with_capacity(nav_each),
        non_null: 0,
    })
    .collect();
    for k in 0..nav_each {
        let req = &big.requirements[rng.below(big.requirements.len())];
        let line = if k % 2 == 0 {
            req.header_line
        } else {
            req.scenario_lines[rng.below(2)]
        };
        let text = &lines[line];
        let name_at = text.find(": ").map_or(0, |c| c + 2);
        let b = name_at + (text.len() - name_at) / 2;
        let col = enc.column(text, b);
        for f in nav.iter_mut() {
            let mut params = json!({
                "textDocument": {"uri": uri},
                "position": {"line": line, "character": col}
            });
            if f.method == "textDocument/references" {
                params["context"] = json!({"includeDeclaration": true});
            }
            let (id, t) = s.request(f.method, params);
            let r = s.response(id, TIMEOUT)?;
            f.samples.push(r.at - t);
            if !r.msg["result"].is_null() {
                f.non_null += 1;
            }
        }
    }
    s.drain();
    // One report per edit (warm-up included), in order; the timed edits are
    // the last ones.
    let mut server_work = s.server_work();
    let timed = server_work.len().saturating_sub(iterations);
    server_work.drain(..timed);
    for unexpected in [
        "textDocument/publishDiagnostics",
        "workspace/diagnostic/refresh",
    ] {
        if let Some(n) = s.received.get(unexpected) {
            s.notes.push(format!(
                "sent {n} {unexpected} to a pulling client with one open document"
            ));
        }
    }
    let (_, notes) = s.stop();
    let check_summary = Command::new(bin)
        .args(["check", "--format", "json"])
        .arg(&root)
        .output()
        .ok()
        .and_then(|o| serde_json::from_slice::<Value>(&o.stdout).ok())
        .map_or("?".to_string(), |v| v["summary"].to_string());
    drop(dir);
    Ok((
        EditFigures {
            workload: format!(
                "a {}-line main spec ({} KiB) with {} requirements; a change with a delta MODIFYING {} of them and tasks with {} acceptance links into both",
                big.lines,
                big.text.len() / 1024,
                big.requirements.len(),
                gen.modified.len(),
                gen.links
            ),
            open_to_diagnostics,
            baseline,
            edits,
            server_work,
            stale,
            broken,
            check_summary,
            stale_examples,
            nav,
        },
        notes,
    ))
}

fn report_edits(rep: &mut Report, enc: Enc, f: &EditFigures) {
    if !f.server_work.is_empty() {
        let w = stats(&f.server_work);
        rep.latency(
            &format!(
                "server work, didChange → diagnostics ready ({})",
                enc.name()
            ),
            &w,
            "p50 ≤ 1, p99 ≤ 5",
            w.p50 <= 1.0 && w.p99 <= 5.0,
        );
    }
    let e = stats(&f.edits);
    rep.latency(
        &format!(
            "didChange → pulled diagnostics, client round trip ({})",
            enc.name()
        ),
        &e,
        "(includes pipes and framing)",
        e.p50 <= 1.0 && e.p99 <= 5.0,
    );
    for n in &f.nav {
        let st = stats(&n.samples);
        let name = n.method.trim_start_matches("textDocument/");
        let answered = if n.non_null == 0 {
            ", all null".to_string()
        } else {
            format!(", {} non-null", n.non_null)
        };
        rep.latency(
            &format!("{name} ({}{answered})", enc.name()),
            &st,
            "p99 ≤ 5",
            st.p99 <= 5.0,
        );
    }
    rep.single.push(format!(
        "{}: didOpen of the big spec → first pulled diagnostics {:.3} ms; baseline diagnostics {:?}; stale or wrong answers {} of {} ({} of them split the SHALL and had to show its warning)",
        enc.name(),
        ms(f.open_to_diagnostics),
        f.baseline,
        f.stale,
        f.edits.len(),
        f.broken
    ));
    let mut slow: Vec<(usize, &Duration)> = f.edits.iter().enumerate().collect();
    slow.sort_by(|a, b| b.1.cmp(a.1));
    rep.single.push(format!(
        "{}: slowest edits (timed index: ms): {}",
        enc.name(),
        slow.iter()
            .take(3)
            .map(|(i, d)| format!("#{i}: {:.3}", ms(**d)))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    for ex in &f.stale_examples {
        rep.problems.push(format!("{}: {ex}", enc.name()));
    }
}

// ---------------------------------------------------------------------------
// Part 1b: navigation in one document while another is typed into

struct TypingFigures {
    /// Definition and hover on `tasks.md` with nothing else going on.
    quiet: Vec<NavFigures>,
    /// The same while a second thread types into the big spec.
    typing: Vec<NavFigures>,
    keystrokes: usize,
    interval: Duration,
}

/// Positions inside the acceptance links of the change's `tasks.md`: where
/// definition leads into the big spec and hover previews a scenario.
fn link_positions(tasks: &str) -> Vec<(usize, usize)> {
    tasks
        .lines()
        .enumerate()
        .filter_map(|(n, l)| Some((n, l.find("spec.md#scenario-")? + 10)))
        .collect()
}

/// `n` definition and `n` hover requests on `uri`, one at a time, with a
/// pause of up to 10 ms between them so that they do not keep step with
/// the typist.
fn nav_round(
    s: &mut Server,
    uri: &str,
    at: &[(usize, usize)],
    n: usize,
    rng: &mut Rng,
) -> Result<Vec<NavFigures>, String> {
    let mut nav: Vec<NavFigures> = ["textDocument/definition", "textDocument/hover"]
        .into_iter()
        .map(|method| NavFigures {
            method,
            samples: Vec::with_capacity(n),
            non_null: 0,
        })
        .collect();
    for _ in 0..n {
        let (line, col) = at[rng.below(at.len())];
        for f in nav.iter_mut() {
            let (id, t) = s.request(
                f.method,
                json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": col}}),
            );
            let r = s.response(id, TIMEOUT)?;
            f.samples.push(r.at - t);
            if !r.msg["result"].is_null() {
                f.non_null += 1;
            }
            std::thread::sleep(Duration::from_micros(rng.below(10_000) as u64));
        }
    }
    Ok(nav)
}

/// Opens the big spec and the change's `tasks.md`; times definition and
/// hover on the task list's acceptance links, first with nothing else
/// going on, then while a second thread types into the big spec (a space
/// inserted at the start of a requirement's SHALL line and deleted again,
/// one `didChange` every `interval`, with no pause for answers, as a
/// client sends them). The server re-checks after every keystroke (no
/// debounce), so the navigation shares the server with that work.
fn run_nav_while_typing(
    bin: &Path,
    nav_each: usize,
    interval: Duration,
) -> Result<(TypingFigures, Vec<String>), String> {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::Arc;
    let dir = tempfile::Builder::new()
        .prefix("specls-replay-typing-")
        .tempdir()
        .map_err(|e| e.to_string())?;
    let root = dir.path().canonicalize().map_err(|e| e.to_string())?;
    let gen = workload::write_generated(&root, 5000);
    let tasks_path = root.join(workload::TASKS_REL);
    let tasks = std::fs::read_to_string(&tasks_path).map_err(|e| e.to_string())?;
    let at = link_positions(&tasks);
    if at.is_empty() {
        return Err("the generated tasks.md has no acceptance links".into());
    }
    let big_uri = file_uri(&root.join(BIG_REL));
    let tasks_uri = file_uri(&tasks_path);

    let mut s = Server::spawn(bin, &root);
    s.initialize(&root, pull_capabilities(Enc::Utf8), TIMEOUT)?;
    s.notify("initialized", json!({}));
    s.wait("the end of indexing", INDEX_TIMEOUT, is_progress_end)?;
    for (uri, text) in [(&big_uri, &gen.big.text), (&tasks_uri, &tasks)] {
        s.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
        );
    }
    let (id, _) = s.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": tasks_uri}, "identifier": "specls"}),
    );
    s.response(id, TIMEOUT)?;
    s.drain();

    let mut rng = Rng::new(0x7A5C);
    // Warm-up, then the quiet round.
    nav_round(&mut s, &tasks_uri, &at, 20, &mut rng)?;
    let quiet = nav_round(&mut s, &tasks_uri, &at, nav_each, &mut rng)?;
    s.drain();

    let stop = Arc::new(AtomicBool::new(false));
    let typed = Arc::new(AtomicUsize::new(0));
    let body_lines: Vec<usize> = gen.big.requirements.iter().map(|r| r.body_line).collect();
    let typist = {
        let input = s.input();
        let stop = stop.clone();
        let typed = typed.clone();
        let uri = big_uri.clone();
        std::thread::spawn(move || {
            let mut rng = Rng::new(0x7E57);
            let mut version = 1;
            let mut pending: Option<usize> = None;
            while !stop.load(Ordering::Relaxed) {
                let (line, end, text) = match pending.take() {
                    None => {
                        let line = body_lines[rng.below(body_lines.len())];
                        pending = Some(line);
                        (line, 0, " ")
                    }
                    Some(line) => (line, 1, ""),
                };
                version += 1;
                let msg = json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                    "textDocument": {"uri": uri, "version": version},
                    "contentChanges": [{
                        "range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": end}},
                        "text": text
                    }]
                }});
                use std::io::Write as _;
                if input
                    .lock()
                    .unwrap()
                    .write_all(&replay::rpc::frame(&msg))
                    .is_err()
                {
                    break;
                }
                typed.fetch_add(1, Ordering::Relaxed);
                std::thread::sleep(interval);
            }
        })
    };
    // The typist gets going before the timing starts.
    std::thread::sleep(Duration::from_millis(200));
    let typing = nav_round(&mut s, &tasks_uri, &at, nav_each, &mut rng);
    stop.store(true, Ordering::Relaxed);
    let _ = typist.join();
    let typing = typing?;
    s.settle(Duration::from_millis(300), Duration::from_secs(10));
    let (_, notes) = s.stop();
    drop(dir);
    Ok((
        TypingFigures {
            quiet,
            typing,
            keystrokes: typed.load(Ordering::Relaxed),
            interval,
        },
        notes,
    ))
}

fn report_typing(rep: &mut Report, f: &TypingFigures) {
    for (when, figures) in [("quiet", &f.quiet), ("while typing", &f.typing)] {
        for n in figures {
            let st = stats(&n.samples);
            let name = n.method.trim_start_matches("textDocument/");
            rep.latency(
                &format!(
                    "{name} in tasks.md, {when} (UTF-8, {} non-null)",
                    n.non_null
                ),
                &st,
                "p99 ≤ 5",
                st.p99 <= 5.0,
            );
        }
    }
    rep.single.push(format!(
        "navigation while typing: {} keystrokes into the big spec, one every {} ms, while the requests ran",
        f.keystrokes,
        f.interval.as_millis()
    ));
}

// ---------------------------------------------------------------------------
// Part 2: cold start on the scaled corpus

struct ColdFigures {
    to_initialize: Duration,
    to_first_diagnostics: Duration,
    to_index_end: Duration,
    rss_kib: u64,
    hwm_kib: u64,
    first_vs_last_differ: bool,
}

/// Starts a push client on `folder`, opens `open` right after
/// `initialized`, and times what comes back.
fn cold_start(
    bin: &Path,
    folder: &Path,
    open: &Path,
) -> Result<(ColdFigures, Vec<String>), String> {
    let text = std::fs::read_to_string(open).map_err(|e| e.to_string())?;
    let uri = file_uri(open);
    let mut s = Server::spawn(bin, folder);
    let init = s.initialize(folder, push_capabilities(), TIMEOUT)?;
    if !init["capabilities"]["diagnosticProvider"].is_null() {
        s.notes
            .push("the server offers pull diagnostics to a client that did not ask".into());
    }
    let to_initialize = Instant::now() - s.spawned_at;
    let t0 = s.notify("initialized", json!({}));
    s.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
    );
    let is_mine = |m: &replay::rpc::Incoming| {
        m.method() == Some("textDocument/publishDiagnostics") && m.msg["params"]["uri"] == uri
    };
    let first = s.wait(
        "publishDiagnostics for the open file",
        INDEX_TIMEOUT,
        is_mine,
    )?;
    let end = s.wait("the end of indexing", INDEX_TIMEOUT, is_progress_end)?;
    // Later pushes for the file, up to a quiet moment; the last one is
    // what the whole index says.
    let mut last = first.clone();
    while let Ok(m) = s.wait("", Duration::from_millis(500), is_mine) {
        last = m;
    }
    s.settle(Duration::from_millis(500), Duration::from_secs(10));
    let (rss_kib, hwm_kib) = memory_kib(s.pid()).ok_or("cannot read /proc/<pid>/status")?;
    let codes = |m: &Value| {
        let mut v: Vec<String> = m["params"]["diagnostics"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|d| format!("{}@{}", d["code"], d["range"]["start"]["line"]))
            .collect();
        v.sort();
        v
    };
    let first_vs_last_differ = codes(&first.msg) != codes(&last.msg);
    let (_, notes) = s.stop();
    Ok((
        ColdFigures {
            to_initialize,
            to_first_diagnostics: first.at - t0,
            to_index_end: end.at - t0,
            rss_kib,
            hwm_kib,
            first_vs_last_differ,
        },
        notes,
    ))
}

/// The memory of a server whose only folder is empty, after indexing.
fn baseline_memory(bin: &Path) -> Result<((u64, u64), Vec<String>), String> {
    let dir = tempfile::Builder::new()
        .prefix("specls-replay-empty-")
        .tempdir()
        .map_err(|e| e.to_string())?;
    let root = dir.path().canonicalize().map_err(|e| e.to_string())?;
    let mut s = Server::spawn(bin, &root);
    s.initialize(&root, push_capabilities(), TIMEOUT)?;
    s.notify("initialized", json!({}));
    s.wait("the end of indexing", INDEX_TIMEOUT, is_progress_end)?;
    s.settle(Duration::from_millis(500), Duration::from_secs(10));
    let mem = memory_kib(s.pid()).ok_or("cannot read /proc/<pid>/status")?;
    let (_, notes) = s.stop();
    Ok((mem, notes))
}

/// The number of files `specls check` reads in `folder` (its summary).
fn files_checked(bin: &Path, folder: &Path) -> Option<u64> {
    let out = Command::new(bin)
        .args(["check", "--format", "json"])
        .arg(folder)
        .output()
        .ok()?;
    let v: Value = serde_json::from_slice(&out.stdout).ok()?;
    v["summary"]["files"].as_u64()
}

/// A main spec of the largest tree of the last copy: the one read last.
fn file_to_open(folder: &Path, copies: usize) -> Option<PathBuf> {
    let copy = folder.join(format!("copy-{copies:02}"));
    let tree = workload::corpus_trees(&copy)
        .into_iter()
        .max_by_key(|t| workload::markdown_files(t))?;
    let mut specs: Vec<PathBuf> = std::fs::read_dir(tree.join("openspec/specs"))
        .ok()?
        .flatten()
        .map(|e| e.path().join("spec.md"))
        .filter(|p| p.is_file())
        .collect();
    specs.sort();
    specs.into_iter().next()
}

fn run_cold(bin: &Path, repo: &Path, rep: &mut Report, runs: usize) -> Result<(), String> {
    let corpus = std::env::var_os("SPECLS_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/work/shared/corpus"));
    if !corpus.is_dir() || workload::corpus_trees(&corpus).is_empty() {
        rep.single.push(format!(
            "cold start: SKIPPED, the corpus is absent ({} holds no tree with openspec/; set SPECLS_CORPUS)",
            corpus.display()
        ));
        return Ok(());
    }
    let out = std::env::var_os("SPECLS_REPLAY_SCALED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp/specls-replay-scaled"));
    let (folder, copies) = workload::scaled_corpus(repo, &corpus, &out, 10_000)?;
    let md = workload::markdown_files(&folder);
    let files = files_checked(bin, &folder);
    let roots = (1..=copies)
        .map(|c| workload::corpus_trees(&folder.join(format!("copy-{c:02}"))).len())
        .sum::<usize>();
    let open = file_to_open(&folder, copies).ok_or("no main spec to open")?;
    println!(
        "cold start: {} ({copies} copies, {roots} roots, {md} Markdown files, `specls check` reads {}); opening {}",
        folder.display(),
        files.map_or("?".to_string(), |f| f.to_string()),
        open.strip_prefix(&folder).unwrap_or(&open).display()
    );
    let ((base_rss, base_hwm), notes) = baseline_memory(bin)?;
    rep.problems.extend(notes);
    let mut runs_out = Vec::new();
    for k in 0..runs {
        let (f, notes) = cold_start(bin, &folder, &open)?;
        rep.problems.extend(notes);
        if f.first_vs_last_differ {
            rep.problems.push(format!(
                "cold run {}: the first push for the open file differs from the last one",
                k + 1
            ));
        }
        println!(
            "  run {}: initialize {:.1} ms, first diagnostics {:.3} ms, index end {:.1} ms, VmRSS {} KiB, VmHWM {} KiB",
            k + 1,
            ms(f.to_initialize),
            ms(f.to_first_diagnostics),
            ms(f.to_index_end),
            f.rss_kib,
            f.hwm_kib
        );
        runs_out.push(f);
    }
    let first = stats(
        &runs_out
            .iter()
            .map(|f| f.to_first_diagnostics)
            .collect::<Vec<_>>(),
    );
    let end = stats(&runs_out.iter().map(|f| f.to_index_end).collect::<Vec<_>>());
    rep.latency(
        "initialized → first publishDiagnostics of the open file",
        &first,
        "≤ 100",
        first.max <= 100.0,
    );
    rep.latency(
        "initialized → progress end (whole index)",
        &end,
        "≤ 1000",
        end.max <= 1000.0,
    );
    let n = files.unwrap_or(md as u64).max(1);
    let mut rss: Vec<u64> = runs_out.iter().map(|f| f.rss_kib).collect();
    let mut hwm: Vec<u64> = runs_out.iter().map(|f| f.hwm_kib).collect();
    rss.sort();
    hwm.sort();
    let med = |v: &[u64]| v[v.len() / 2];
    let per_file = |kib: u64, base: u64| kib.saturating_sub(base) as f64 * 1.024 / n as f64;
    let rss_pf = per_file(med(&rss), base_rss);
    let hwm_pf = per_file(med(&hwm), base_hwm);
    rep.single.push(format!(
        "memory after indexing {n} files ({roots} roots), median of {runs}: VmRSS {:.1} MiB, VmHWM {:.1} MiB; empty-folder baseline VmRSS {:.1} MiB, VmHWM {:.1} MiB; per file above baseline: VmRSS {rss_pf:.1} kB, VmHWM {hwm_pf:.1} kB (target < 50 kB: {})",
        med(&rss) as f64 / 1024.0,
        med(&hwm) as f64 / 1024.0,
        base_rss as f64 / 1024.0,
        base_hwm as f64 / 1024.0,
        verdict(rss_pf < 50.0 && hwm_pf < 50.0)
    ));
    Ok(())
}

// ---------------------------------------------------------------------------

fn main() {
    // `cargo test --benches` runs this without `--bench`: nothing to time.
    if !std::env::args().any(|a| a == "--bench") {
        println!("replay: a benchmark; run it with `cargo bench -p specls-e2e --bench replay`");
        return;
    }
    let repo = repo_root();
    let bin = specls_bin(&repo);
    let iterations = env_usize("SPECLS_REPLAY_EDITS", 1000);
    let warmup = env_usize("SPECLS_REPLAY_WARMUP", 50);
    let nav_each = env_usize("SPECLS_REPLAY_NAV", 300);
    let cold_runs = env_usize("SPECLS_REPLAY_COLD_RUNS", 5).max(1);
    println!("specls LSP replay: {} at {}", bin.display(), commit(&repo));
    println!("machine: {}", machine());
    let mut rep = Report::default();
    let mut failed = false;

    let only_typing = std::env::var("SPECLS_REPLAY_ONLY").as_deref() == Ok("typing");
    for enc in [Enc::Utf8, Enc::Utf16] {
        if only_typing {
            break;
        }
        match run_edits(&bin, enc, iterations, warmup, nav_each) {
            Ok((f, notes)) => {
                if enc == Enc::Utf8 {
                    println!(
                        "edits: {}; {warmup} warm-up then {iterations} timed single-character edits; {nav_each} requests of each navigation kind",
                        f.workload
                    );
                    println!(
                        "edits: `specls check` on the generated workspace: {}",
                        f.check_summary
                    );
                }
                report_edits(&mut rep, enc, &f);
                rep.problems
                    .extend(notes.into_iter().map(|n| format!("{}: {n}", enc.name())));
                if f.stale > 0 {
                    failed = true;
                }
            }
            Err(e) => {
                rep.problems.push(format!("{} edit run: {e}", enc.name()));
                failed = true;
            }
        }
    }
    let interval = Duration::from_millis(env_usize("SPECLS_REPLAY_TYPING_MS", 20) as u64);
    match run_nav_while_typing(&bin, nav_each, interval) {
        Ok((f, notes)) => {
            report_typing(&mut rep, &f);
            rep.problems.extend(notes);
        }
        Err(e) => {
            rep.problems.push(format!("navigation while typing: {e}"));
            failed = true;
        }
    }
    if std::env::var("SPECLS_REPLAY_ONLY").as_deref() == Ok("typing") {
        println!("cold start: skipped (SPECLS_REPLAY_ONLY=typing)");
    } else if let Err(e) = run_cold(&bin, &repo, &mut rep, cold_runs) {
        rep.problems.push(format!("cold start: {e}"));
        failed = true;
    }

    println!();
    println!("| measurement (ms) | n | p50 | p90 | p99 | max | target | verdict |");
    println!("|---|---|---|---|---|---|---|---|");
    for r in &rep.rows {
        println!("{r}");
    }
    println!();
    for s in &rep.single {
        println!("- {s}");
    }
    if rep.problems.is_empty() {
        println!(
            "- server behaviour: nothing unexpected (no crash, hang, error log or stale answer)"
        );
    } else {
        println!("\nserver behaviour worth a look:");
        for p in &rep.problems {
            println!("- {p}");
        }
    }
    if failed {
        std::process::exit(1);
    }
}
