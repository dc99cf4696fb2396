//! Completion latency of the real release `specls lsp` over stdio, in a
//! generated workspace with 20,000 distinct scenario steps. A benchmark,
//! not a test: it reports figures against the target and never fails on
//! them (it exits non-zero only when the server crashes, hangs or answers
//! wrong).
//!
//!   cargo bench -p specls-e2e --bench completion
//!
//! See tests/benches/README.md for what is measured and the settings.

#[allow(dead_code)]
mod replay {
    pub mod harness;
    pub mod rpc;
    pub mod workload;
}

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use replay::harness::{commit, env_usize, machine, ms, repo_root, specls_bin, stats};
use replay::rpc::{file_uri, is_progress_end, Server};
use replay::workload::Rng;
use serde_json::{json, Value};

const TIMEOUT: Duration = Duration::from_secs(30);
const INDEX_TIMEOUT: Duration = Duration::from_secs(300);
const TARGET_P99_MS: f64 = 10.0;

const SYLLABLES: [&str; 20] = [
    "ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "ba", "de", "fu", "ga", "hi", "jo", "pe",
    "qu", "ro", "su", "wa",
];

/// A made-up word, different for every `n` below 160,000, and spread so
/// that neighbours do not share their first syllables.
fn word(n: usize) -> String {
    let mut m = (n * 7919) % 160_000;
    let mut w = String::new();
    for _ in 0..4 {
        w.push_str(SYLLABLES[m % 20]);
        m /= 20;
    }
    w
}

const PHRASES: [&str; 12] = [
    "starts a warm transfer to the front queue",
    "is shown on the live call board",
    "rejects the request with an error",
    "records the outcome in the call log",
    "sends the signed webhook to the endpoint",
    "asks the caller to confirm the number",
    "hands the caller back to the voice agent",
    "keeps the transcript for the retention period",
    "marks the queue as closed for the day",
    "notifies every operator of the workspace",
    "retries the delivery after a short pause",
    "stores the summary with the call record",
];

const NAMES: [&str; 6] = ["Dana", "Emma", "Ilya", "Noor", "Tomás", "Yuki"];

struct Generated {
    steps: Vec<String>,
    templates: usize,
    with_values: usize,
    files: usize,
    bytes: usize,
}

const CAPABILITIES: usize = 200;
const REQUIREMENTS: usize = 25;
const DELTA_REL: &str = "openspec/changes/bench/specs/cap-000/spec.md";
/// The delta the bench types in; line 8 is the step being written.
const DELTA: &str = "## ADDED Requirements

### Requirement: Bench

The system SHALL be measured.

#### Scenario: Typing

- **WHEN** 
";
const STEP_LINE: u32 = 8;
const TASKS_REL: &str = "openspec/changes/bench/tasks.md";
/// Line 3 is the acceptance item being written (16 characters).
const TASKS: &str = "## 1. Bench

- [ ] 1.1 Measure completion
  - Acceptance: 
";
const LINK_LINE: u32 = 3;
const LABEL_END: u32 = 16;
const KEYWORD_END: u32 = 11;

/// 200 main specs of 25 requirements, each with two scenarios of a WHEN
/// and a THEN: 20,000 steps, each starting with its own made-up word. Every
/// fourth requirement adds `the caller says "<name>" to <word>` steps,
/// which differ only in the quoted name (one suggestion with choices).
fn generate(root: &Path) -> Generated {
    let mut rng = Rng::new(0xC0FFEE);
    let mut n = 0;
    let mut steps = Vec::new();
    let mut with_values = 0;
    let mut bytes = 0;
    let mut value_templates = std::collections::HashSet::new();
    let write = |rel: &str, text: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write("openspec/config.yaml", "schema: spec-driven\n");
    for c in 0..CAPABILITIES {
        let mut t = String::new();
        let _ = write!(
            t,
            "# cap-{c:03} Specification\n\n## Purpose\n\nA generated capability for the completion benchmark, number {c}.\n\n## Requirements\n"
        );
        for r in 0..REQUIREMENTS {
            let _ = write!(
                t,
                "\n### Requirement: Rule {r} of {c}\n\nThe system SHALL follow rule {r}.\n"
            );
            for s in 0..2 {
                let _ = write!(t, "\n#### Scenario: Case {s}\n\n");
                for kw in ["WHEN", "THEN"] {
                    let step = format!("{} {}", word(n), PHRASES[rng.below(PHRASES.len())]);
                    n += 1;
                    let _ = writeln!(t, "- **{kw}** {step}");
                    steps.push(step);
                }
                if r % 4 == 0 && s == 1 {
                    let w = word(100_000 + rng.below(200));
                    let name = NAMES[rng.below(NAMES.len())];
                    let _ = writeln!(t, "- **AND** the caller says \"{name}\" to {w}");
                    value_templates.insert(w);
                    with_values += 1;
                }
            }
        }
        bytes += t.len();
        write(&format!("openspec/specs/cap-{c:03}/spec.md"), &t);
    }
    write(DELTA_REL, DELTA);
    write(TASKS_REL, TASKS);
    write(
        "openspec/changes/bench/proposal.md",
        "## Why\n\nThe completion benchmark needs a change to type in; this one is it.\n\n## What Changes\n\n- A delta to type steps into.\n",
    );
    Generated {
        templates: steps.len() + value_templates.len(),
        steps,
        with_values,
        files: CAPABILITIES + 2,
        bytes,
    }
}

fn labels(v: &Value) -> Vec<&str> {
    v["result"]["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|i| i["label"].as_str()).collect())
        .unwrap_or_default()
}

struct Figures {
    first: Duration,
    samples: Vec<Duration>,
    /// Scenario links after `Acceptance:`, among 10,000 scenarios.
    links: Vec<Duration>,
    /// The first of those: the server reads the specs' text back from disk
    /// to name their anchors.
    first_link: Duration,
    /// Requests whose answer missed the step the prefix was cut from.
    wrong: Vec<String>,
    sizes: Vec<usize>,
}

fn run(
    bin: &Path,
    root: &Path,
    gen: &Generated,
    iterations: usize,
    warmup: usize,
    links: usize,
) -> Result<(Figures, Vec<String>), String> {
    let mut s = Server::spawn(bin, root);
    let caps = json!({
        "textDocument": {
            "synchronization": {"dynamicRegistration": false},
            "completion": {"completionItem": {"snippetSupport": true}, "contextSupport": true}
        },
        "window": {"workDoneProgress": true},
        "workspace": {"workspaceFolders": true}
    });
    let init = s.initialize(root, caps, TIMEOUT)?;
    if init["capabilities"]["completionProvider"].is_null() {
        return Err("the server offers no completion".into());
    }
    s.notify("initialized", json!({}));
    s.wait("the end of indexing", INDEX_TIMEOUT, is_progress_end)?;
    s.drain();
    let doc = file_uri(&root.join(DELTA_REL));
    s.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": doc, "languageId": "markdown", "version": 1, "text": DELTA}}),
    );
    let complete = |s: &mut Server, character: u32, trigger: Option<&str>| {
        let context = match trigger {
            Some(c) => json!({"triggerKind": 2, "triggerCharacter": c}),
            None => json!({"triggerKind": 1}),
        };
        let (id, t) = s.request(
            "textDocument/completion",
            json!({
                "textDocument": {"uri": doc},
                "position": {"line": STEP_LINE, "character": character},
                "context": context
            }),
        );
        s.response(id, TIMEOUT).map(|r| (r.at - t, r.msg))
    };
    // The first request builds the step index.
    let (first, r) = complete(&mut s, KEYWORD_END, Some(" "))?;
    if labels(&r).is_empty() {
        return Err(format!("no step offered after `- **WHEN** `: {r}"));
    }
    let mut rng = Rng::new(0x5EED);
    let mut typed_len = 0u32;
    let mut version = 1;
    let mut f = Figures {
        first,
        samples: Vec::with_capacity(iterations),
        wrong: Vec::new(),
        sizes: Vec::new(),
        links: Vec::new(),
        first_link: Duration::ZERO,
    };
    for i in 0..warmup + iterations {
        // Type the start of a random step (0 to 12 characters, ASCII), as
        // an editor sends it, then ask.
        let step = &gen.steps[rng.below(gen.steps.len())];
        let k = rng.below(13).min(step.len());
        let prefix = &step[..k];
        version += 1;
        s.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": doc, "version": version},
                "contentChanges": [{
                    "range": {
                        "start": {"line": STEP_LINE, "character": KEYWORD_END},
                        "end": {"line": STEP_LINE, "character": KEYWORD_END + typed_len}
                    },
                    "text": prefix
                }]
            }),
        );
        typed_len = k as u32;
        let trigger = (k == 0).then_some(" ");
        let (took, r) = complete(&mut s, KEYWORD_END + typed_len, trigger)?;
        if i < warmup {
            continue;
        }
        f.samples.push(took);
        let got = labels(&r);
        f.sizes.push(got.len());
        // Six characters of the made-up word leave at most 20 steps that
        // start alike, all within the answer.
        let ok = if k >= 6 {
            got.iter().any(|l| l == step)
        } else {
            !got.is_empty()
        };
        if !ok || r["result"]["isIncomplete"] != true {
            f.wrong.push(format!(
                "typed {prefix:?} (from {step:?}): {:?}",
                &got[..got.len().min(5)]
            ));
        }
    }
    // Scenario links: type the start of a requirement name after
    // `Acceptance: ` in tasks.md, then ask.
    let tasks = file_uri(&root.join(TASKS_REL));
    s.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": tasks, "languageId": "markdown", "version": 1, "text": TASKS}}),
    );
    let mut typed_len = 0u32;
    for i in 0..warmup + links {
        let name = format!(
            "Rule {} of {}",
            rng.below(REQUIREMENTS),
            rng.below(CAPABILITIES)
        );
        let prefix = &name[..rng.below(name.len() + 1)];
        version += 1;
        s.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": tasks, "version": version},
                "contentChanges": [{
                    "range": {
                        "start": {"line": LINK_LINE, "character": LABEL_END},
                        "end": {"line": LINK_LINE, "character": LABEL_END + typed_len}
                    },
                    "text": prefix
                }]
            }),
        );
        typed_len = prefix.len() as u32;
        let (id, t) = s.request(
            "textDocument/completion",
            json!({
                "textDocument": {"uri": tasks},
                "position": {"line": LINK_LINE, "character": LABEL_END + typed_len},
                "context": {"triggerKind": 1}
            }),
        );
        let r = s.response(id, TIMEOUT)?;
        if i == 0 {
            f.first_link = r.at - t;
        }
        if i >= warmup {
            f.links.push(r.at - t);
        }
        if labels(&r.msg).is_empty() {
            f.wrong.push(format!("no scenario link for {prefix:?}"));
        }
    }
    let (_, notes) = s.stop();
    Ok((f, notes))
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!(
            "completion: a benchmark; run it with `cargo bench -p specls-e2e --bench completion`"
        );
        return;
    }
    let repo = repo_root();
    let bin = specls_bin(&repo);
    let iterations = env_usize("SPECLS_COMPLETION_REQUESTS", 1000);
    let warmup = env_usize("SPECLS_COMPLETION_WARMUP", 50);
    let links = env_usize("SPECLS_COMPLETION_LINKS", 300);
    println!("specls completion: {} at {}", bin.display(), commit(&repo));
    println!("machine: {}", machine());
    let dir = tempfile::Builder::new()
        .prefix("specls-completion-")
        .tempdir()
        .expect("a temporary folder");
    let root = dir.path().canonicalize().expect("canonical path");
    let gen = generate(&root);
    println!(
        "workload: {} main specs ({} KiB), {} distinct steps plus {} that differ only in a quoted name ({} step templates in all); a delta open in the editor",
        gen.files - 2,
        gen.bytes / 1024,
        gen.steps.len(),
        gen.with_values,
        gen.templates
    );
    println!(
        "each request: didChange that types 0–12 characters of a random step after `- **WHEN** `, then textDocument/completion there ({warmup} warm-up, {iterations} timed)"
    );
    match run(&bin, &root, &gen, iterations, warmup, links) {
        Ok((f, notes)) => {
            let st = stats(&f.samples);
            let mut sizes = f.sizes.clone();
            sizes.sort();
            println!();
            println!("| measurement (ms) | n | p50 | p90 | p99 | max | target | verdict |");
            println!("|---|---|---|---|---|---|---|---|");
            println!(
                "| completion after a keystroke, client round trip | {} | {:.3} | {:.3} | {:.3} | {:.3} | p99 ≤ {TARGET_P99_MS} | {} |",
                st.n,
                st.p50,
                st.p90,
                st.p99,
                st.max,
                if st.p99 <= TARGET_P99_MS { "met" } else { "**missed**" }
            );
            let l = stats(&f.links);
            println!(
                "| scenario links after `Acceptance:` (10,000 scenarios), client round trip | {} | {:.3} | {:.3} | {:.3} | {:.3} | (none) | |",
                l.n, l.p50, l.p90, l.p99, l.max
            );
            println!();
            println!(
                "- first request (builds the step index): {:.3} ms",
                ms(f.first)
            );
            println!(
                "- first scenario-link request (reads the specs back from disk to name their anchors): {:.3} ms",
                ms(f.first_link)
            );
            println!(
                "- items per answer: median {}, max {}",
                sizes.get(sizes.len() / 2).copied().unwrap_or(0),
                sizes.last().copied().unwrap_or(0)
            );
            println!(
                "- answers missing the step typed from (or not marked incomplete): {} of {}",
                f.wrong.len(),
                f.samples.len()
            );
            for w in f.wrong.iter().take(5) {
                println!("  - {w}");
            }
            for n in &notes {
                println!("- server: {n}");
            }
            if !f.wrong.is_empty() {
                std::process::exit(1);
            }
        }
        Err(e) => {
            println!("completion run failed: {e}");
            std::process::exit(1);
        }
    }
}
