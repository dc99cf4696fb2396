//! The workspaces the bench replays against: a generated one with a large
//! main spec and a change that depends on it, and scaled copies of the
//! shared corpus.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// xorshift64*: deterministic, so every run replays the same edits.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Where each requirement of the big spec sits (0-based lines).
pub struct Requirement {
    pub header_line: usize,
    /// The line with the requirement's one SHALL.
    pub body_line: usize,
    pub scenario_lines: [usize; 2],
}

pub struct BigSpec {
    pub text: String,
    pub requirements: Vec<Requirement>,
    pub lines: usize,
}

pub const BIG_REL: &str = "openspec/specs/big/spec.md";
const CHANGE: &str = "openspec/changes/rework-ledger";
/// The change's task list, whose acceptance links lead into the big spec.
pub const TASKS_REL: &str = "openspec/changes/rework-ledger/tasks.md";

const PAYEES: &[&str] = &[
    "Café Ñandú",
    "Bäckerei Müller",
    "Crêperie Lœuf",
    "Smørrebrød Hus",
    "Zürich Kiosk",
    "Łódź Market",
    "Acme Supplies",
    "Globex Travel",
];
const ACTIONS: &[&str] = &[
    "record",
    "reconcile",
    "export",
    "archive",
    "approve",
    "reverse",
];

fn requirement_name(n: usize) -> String {
    format!("Ledger Entry {n}")
}

fn scenario_names(n: usize) -> [String; 2] {
    [
        format!("Entry {n} is accepted"),
        format!("Entry {n} is refused in a closed period"),
    ]
}

/// One requirement block as lines; `modified` gives the wording of the
/// change's delta.
fn requirement_block(n: usize, rng: &mut Rng, modified: bool) -> Vec<String> {
    let payee = PAYEES[rng.below(PAYEES.len())];
    let action = ACTIONS[rng.below(ACTIONS.len())];
    let amount = 10 + rng.below(990);
    let [ok, refused] = scenario_names(n);
    let mut out = vec![
        format!("### Requirement: {}", requirement_name(n)),
        String::new(),
    ];
    let when = if modified {
        "within one business day"
    } else {
        "when a clerk asks for it"
    };
    // Non-ASCII before the SHALL: a server that counts columns in the
    // wrong unit splits a different word than the bench expects.
    out.push(format!(
        "For {payee} — {amount},{:02} € — the ledger SHALL {action} entry {n} {when}, and keep the original amount “as entered”.",
        n % 100
    ));
    if rng.below(3) == 0 {
        out.push(format!(
            "Entries of {payee} are grouped by month; the grouping follows the period calendar of the workspace."
        ));
    }
    out.push(String::new());
    out.push(format!("#### Scenario: {ok}"));
    out.push(String::new());
    if rng.below(2) == 0 {
        out.push(format!("- **GIVEN** an open period and payee “{payee}”"));
    }
    out.push(format!(
        "- **WHEN** a clerk posts entry {n} for {amount},00 €"
    ));
    out.push(format!(
        "- **THEN** the ledger shows entry {n} as posted to {payee}"
    ));
    out.push(String::new());
    out.push(format!("#### Scenario: {refused}"));
    out.push(String::new());
    out.push(format!(
        "- **WHEN** a clerk posts entry {n} after the period closed"
    ));
    out.push(format!(
        "- **THEN** the ledger refuses entry {n} — nothing is recorded"
    ));
    out.push(String::new());
    out
}

/// A main spec of about `target_lines` lines.
pub fn big_spec(target_lines: usize, seed: u64) -> BigSpec {
    let mut rng = Rng::new(seed);
    let mut lines: Vec<String> = vec![
        "# big Specification".into(),
        String::new(),
        "## Purpose".into(),
        String::new(),
        "Defines how the ledger records, reconciles and archives entries, including amounts in € and payees with accented names.".into(),
        String::new(),
        "## Requirements".into(),
        String::new(),
    ];
    let mut requirements = Vec::new();
    let mut n = 1;
    while lines.len() < target_lines {
        let block = requirement_block(n, &mut rng, false);
        let at = lines.len();
        let scenario = |k: usize| {
            at + block
                .iter()
                .enumerate()
                .filter(|(_, l)| l.starts_with("#### Scenario:"))
                .nth(k)
                .expect("two scenarios")
                .0
        };
        requirements.push(Requirement {
            header_line: at,
            body_line: at + 2,
            scenario_lines: [scenario(0), scenario(1)],
        });
        lines.extend(block);
        n += 1;
    }
    let count = lines.len();
    let mut text = lines.join("\n");
    text.push('\n');
    BigSpec {
        text,
        requirements,
        lines: count,
    }
}

/// What the generated workspace holds besides the big spec.
pub struct Generated {
    pub big: BigSpec,
    pub modified: Vec<usize>,
    pub links: usize,
}

/// Writes the generated workspace into `root`: the big spec, and a change
/// (proposal, tasks linking scenarios of the big spec, a delta modifying
/// some of its requirements).
pub fn write_generated(root: &Path, target_lines: usize) -> Generated {
    let big = big_spec(target_lines, 0x5EED);
    let write = |rel: &str, text: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().expect("a file has a folder")).expect("mkdir");
        std::fs::write(&p, text).expect("write");
    };
    write("openspec/config.yaml", "schema: spec-driven\n");
    write(BIG_REL, &big.text);
    let count = big.requirements.len();
    let modified: Vec<usize> = [1, count / 5, count / 2, 4 * count / 5, count]
        .into_iter()
        .collect();
    write(
        &format!("{CHANGE}/proposal.md"),
        "## Why\n\nClerks wait too long for ledger entries to be recorded; the ledger should record them within one business day.\n\n## What Changes\n\n- Ledger entries are recorded within one business day instead of on request.\n\n## Capabilities\n\n### New Capabilities\n\n### Modified Capabilities\n\n- `big`: entries are recorded within one business day.\n\n## Impact\n\n- Ledger service: a daily recording job.\n",
    );
    let mut delta = String::from("## MODIFIED Requirements\n\n");
    let mut rng = Rng::new(0xDE17A);
    for &n in &modified {
        for l in requirement_block(n, &mut rng, true) {
            delta.push_str(&l);
            delta.push('\n');
        }
    }
    write(&format!("{CHANGE}/specs/big/spec.md"), &delta);
    let mut tasks = String::from("## 1. Ledger\n\n");
    let mut links = 0;
    let step = (count / 60).max(1);
    for (k, n) in (1..=count).step_by(step).enumerate() {
        let [ok, refused] = scenario_names(n);
        let _ = writeln!(
            tasks,
            "- [ ] 1.{} Record entry {n} within one business day",
            k + 1
        );
        let _ = writeln!(
            tasks,
            "  - Acceptance: [{ok}](../../specs/big/spec.md#{}), [{refused}](../../specs/big/spec.md#{})",
            slug(&format!("Scenario: {ok}")),
            slug(&format!("Scenario: {refused}"))
        );
        links += 2;
    }
    let _ = writeln!(tasks, "\n## 2. Delta\n");
    for (k, &n) in modified.iter().enumerate() {
        let [ok, refused] = scenario_names(n);
        let _ = writeln!(tasks, "- [ ] 2.{} Change entry {n}", k + 1);
        let _ = writeln!(
            tasks,
            "  - Acceptance: [{ok}](specs/big/spec.md#{}), [{refused}](specs/big/spec.md#{})",
            slug(&format!("Scenario: {ok}")),
            slug(&format!("Scenario: {refused}"))
        );
        links += 2;
    }
    write(&format!("{CHANGE}/tasks.md"), &tasks);
    Generated {
        big,
        modified,
        links,
    }
}

/// GitHub's heading anchor for ASCII titles.
fn slug(title: &str) -> String {
    title
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            'A'..='Z' => Some(c.to_ascii_lowercase()),
            'a'..='z' | '0'..='9' | '-' | '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// The trees of the corpus: its folders holding `openspec/`.
pub fn corpus_trees(corpus: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(corpus)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("openspec").is_dir())
        .collect();
    out.sort();
    out
}

/// Markdown files under `dir` (hidden folders skipped, as the server does).
pub fn markdown_files(dir: &Path) -> usize {
    let mut n = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let Ok(ft) = e.file_type() else { continue };
            let name = e.file_name();
            let name = name.to_string_lossy();
            if ft.is_dir() {
                if !name.starts_with('.') {
                    stack.push(e.path());
                }
            } else if name.to_lowercase().ends_with(".md") {
                n += 1;
            }
        }
    }
    n
}

/// Builds (or reuses) enough copies of the corpus for `min_files`
/// Markdown files with `scripts/make-scaled-corpus.sh`; returns the
/// workspace folder and the number of copies.
pub fn scaled_corpus(
    repo: &Path,
    corpus: &Path,
    out: &Path,
    min_files: usize,
) -> Result<(PathBuf, usize), String> {
    let per_copy: usize = corpus_trees(corpus).iter().map(|t| markdown_files(t)).sum();
    if per_copy == 0 {
        return Err(format!("no Markdown files in {}", corpus.display()));
    }
    let copies = min_files.div_ceil(per_copy);
    let status = Command::new(repo.join("scripts/make-scaled-corpus.sh"))
        .arg(out)
        .arg(copies.to_string())
        .env("SPECLS_CORPUS", corpus)
        .status()
        .map_err(|e| format!("cannot run scripts/make-scaled-corpus.sh: {e}"))?;
    if !status.success() {
        return Err(format!("scripts/make-scaled-corpus.sh failed: {status}"));
    }
    Ok((out.join(format!("x{copies}")), copies))
}
