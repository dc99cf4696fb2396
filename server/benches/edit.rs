//! The engine's work for one keystroke in a large main spec, without the
//! protocol: what `specls lsp` does between a `didChange` and diagnostics
//! being ready, less the rope, the lock and the conversion to LSP types.
//!
//! The workspace is generated (no corpus needed): a main spec of about
//! 5,000 lines (338 requirements, two scenarios each, non-ASCII text before
//! each SHALL) and a change whose delta modifies five of its requirements
//! and whose tasks link 40 of its scenarios (and the delta's), so an edit of the spec also
//! re-checks the change, as in the server. Each iteration inserts a space
//! into a requirement's SHALL line (a different one each time, then
//! removes it), re-reads the file with the previous version at hand
//! (`Workspace::set_text`), and re-checks every unit the file's
//! dependents name.
//!
//! `cargo bench -p specls --bench edit`; figures in docs/performance.md.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use specls::rules::{self, deps, Scope};
use specls::workspace::Workspace;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SPEC: &str = "openspec/specs/big/spec.md";
const PAYEES: &[&str] = &["Café Ñandú", "Bäckerei Müller", "Łódź Market", "Acme"];

/// The spec's text and the byte offset of each requirement's SHALL line.
fn big_spec(requirements: usize) -> (String, Vec<usize>) {
    let mut t = String::from(
        "# big Specification\n\n## Purpose\n\nDefines how the ledger records, reconciles and archives entries, in € and with accented payees.\n\n## Requirements\n\n",
    );
    let mut shall_lines = Vec::new();
    for n in 1..=requirements {
        let payee = PAYEES[n % PAYEES.len()];
        let _ = write!(t, "### Requirement: Ledger Entry {n}\n\n");
        shall_lines.push(t.len());
        let _ = writeln!(
            t,
            "For {payee} — {n},00 € — the ledger SHALL record entry {n} and keep the amount “as entered”."
        );
        if n % 3 == 0 {
            t.push_str("Entries are grouped by month, following the period calendar.\n");
        }
        let _ = write!(
            t,
            "\n#### Scenario: Entry {n} is accepted\n\n- **GIVEN** an open period\n- **WHEN** a clerk posts entry {n}\n- **THEN** the ledger shows entry {n}\n\n#### Scenario: Entry {n} is refused\n\n- **WHEN** a clerk posts entry {n} after the period closed\n- **THEN** nothing is recorded\n\n"
        );
    }
    (t, shall_lines)
}

fn workspace() -> (Workspace, String, Vec<usize>) {
    let (spec, shall_lines) = big_spec(338);
    let mut delta = String::from("## MODIFIED Requirements\n\n");
    for n in [1, 67, 169, 270, 338] {
        let _ = write!(
            delta,
            "### Requirement: Ledger Entry {n}\n\nThe ledger SHALL record entry {n} within one business day.\n\n#### Scenario: Entry {n} is accepted\n\n- **WHEN** a clerk posts entry {n}\n- **THEN** the ledger shows entry {n}\n\n#### Scenario: Entry {n} is refused\n\n- **WHEN** a clerk posts entry {n} after the period closed\n- **THEN** nothing is recorded\n\n"
        );
    }
    let mut tasks = String::from("## 1. Ledger\n\n");
    for n in 1..=40 {
        let _ = writeln!(
            tasks,
            "- [ ] 1.{n} Record entry {n}\n  - Acceptance: [accepted](../../specs/big/spec.md#scenario-entry-{n}-is-accepted)"
        );
    }
    tasks.push_str("\n## 2. Delta\n\n- [ ] 2.1 Record within a day\n");
    for n in [1, 67, 169, 270, 338] {
        let _ = writeln!(
            tasks,
            "  - Acceptance: [a](specs/big/spec.md#scenario-entry-{n}-is-accepted), [r](specs/big/spec.md#scenario-entry-{n}-is-refused)"
        );
    }
    let change = "openspec/changes/rework-ledger";
    let files = vec![
        ("openspec/config.yaml".to_string(), b"schema: spec-driven\n".to_vec()),
        (SPEC.to_string(), spec.clone().into_bytes()),
        (
            format!("{change}/proposal.md"),
            b"## Why\n\nClerks wait too long for entries to be recorded; record them within a day.\n\n## What Changes\n\n- Entries are recorded within one business day.\n\n## Capabilities\n\n### Modified Capabilities\n\n- `big`: daily recording.\n".to_vec(),
        ),
        (format!("{change}/specs/big/spec.md"), delta.into_bytes()),
        (format!("{change}/tasks.md"), tasks.into_bytes()),
    ];
    let ws = Workspace::from_memory(Path::new("/bench"), files);
    (ws, spec, shall_lines)
}

fn edit(c: &mut Criterion) {
    let (mut ws, mut text, shall_lines) = workspace();
    let found = rules::check_workspace(&ws);
    assert!(
        found.is_empty(),
        "the generated workspace must be clean, or the bench measures diagnostics it should not have: {found:#?}"
    );
    let mut i = 0usize;
    c.bench_function("edit/keystroke-in-5000-line-spec", |b| {
        b.iter(|| {
            // Odd iterations remove the space the even one inserted, so the
            // text never drifts; the line changes each pair.
            let at = shall_lines[(i / 2 * 37) % shall_lines.len()] + 4;
            if i % 2 == 0 {
                text.insert(at, ' ');
            } else {
                text.remove(at);
            }
            i += 1;
            ws.set_text(SPEC, text.clone());
            for unit in deps::dependents(&ws, SPEC) {
                black_box(rules::check(&ws, &Scope::Unit(&unit)));
            }
        })
    });
}

/// A Spec Kit feature whose `tasks.md` has 1,880 one-line tasks in 23
/// phases (about 2,000 lines), each after a phase's first depending on the
/// one before: the tasks file a keystroke re-reads whole.
fn speckit() -> (Workspace, String, Vec<usize>) {
    let mut spec = String::from(
        "# Feature Specification: Big\n\n## User Scenarios & Testing *(mandatory)*\n\n",
    );
    for n in 1..=20 {
        let _ = write!(
            spec,
            "### User Story {n} - Queue {n} (Priority: P1)\n\nAn operator takes the calls of queue {n}.\n\n**Acceptance Scenarios**:\n\n1. **Given** an operator on queue {n}, **When** a call arrives, **Then** it is offered\n\n"
        );
    }
    spec.push_str("## Requirements *(mandatory)*\n\n### Functional Requirements\n\n");
    for n in 1..=100 {
        let _ = writeln!(
            spec,
            "- **FR-{n:03}**: System MUST route the calls of line {n}"
        );
    }
    let mut tasks = String::from("# Tasks: Big\n\n");
    let mut dependency_digits = Vec::new();
    let mut id = 0;
    for p in 1..=23 {
        let story = (3..23).contains(&p).then(|| p - 2);
        match story {
            Some(s) => {
                let _ = write!(
                    tasks,
                    "## Phase {p}: User Story {s} - Queue {s} (Priority: P1)\n\n"
                );
            }
            None => {
                let _ = write!(tasks, "## Phase {p}: Shared\n\n");
            }
        }
        for k in 0..82 {
            if id == 1880 {
                break;
            }
            id += 1;
            let label = story.map_or(String::new(), |s| format!(" [US{s}]"));
            let _ = write!(
                tasks,
                "- [ ] T{id:04}{label} Implement step {k} in src/routing/p{p}/step{k}.rs (FR-{:03})",
                1 + id % 100
            );
            if k > 0 {
                dependency_digits.push(tasks.len() + " (depends on T".len());
                let _ = write!(tasks, " (depends on T{:04})", id - 1);
            }
            tasks.push('\n');
        }
        tasks.push_str("\n**Checkpoint**: done\n\n");
    }
    let files = vec![
        (
            ".specify/memory/constitution.md".to_string(),
            b"# Constitution\n".to_vec(),
        ),
        ("specs/001-big/spec.md".to_string(), spec.into_bytes()),
        (SPECKIT_TASKS.to_string(), tasks.clone().into_bytes()),
    ];
    (
        Workspace::from_memory(Path::new("/bench"), files),
        tasks,
        dependency_digits,
    )
}

const SPECKIT_TASKS: &str = "specs/001-big/tasks.md";

fn speckit_edit(c: &mut Criterion) {
    let (mut ws, mut text, digits) = speckit();
    let found = rules::check_workspace(&ws);
    assert!(
        found.is_empty(),
        "the generated feature must be clean: {found:#?}"
    );
    let mut i = 0usize;
    let mut was = b'0';
    c.bench_function("edit/keystroke-in-2000-line-speckit-tasks", |b| {
        b.iter(|| {
            // A dependency's first digit becomes 9 (an unknown id), then
            // goes back.
            let at = digits[(i / 2 * 37) % digits.len()];
            if i % 2 == 0 {
                was = text.as_bytes()[at];
                text.replace_range(at..at + 1, "9");
            } else {
                text.replace_range(at..at + 1, std::str::from_utf8(&[was]).expect("a digit"));
            }
            i += 1;
            ws.set_text(SPECKIT_TASKS, text.clone());
            for unit in deps::dependents(&ws, SPECKIT_TASKS) {
                black_box(rules::check(&ws, &Scope::Unit(&unit)));
            }
        })
    });
}

criterion_group!(benches, edit, speckit_edit);
criterion_main!(benches);
