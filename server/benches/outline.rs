//! Outline (`document_symbols`) and code lens of large files of every kind
//! that has them, at 2,000, 8,000 and 16,000 requirements (or tasks): the
//! time per element should stay flat as the file grows. The engine's work
//! only; the same through the real server over stdio is
//! `cargo bench -p specls-e2e --bench large`.
//!
//! `cargo bench -p specls --bench outline`; figures in docs/performance.md.
//! `SPECLS_OUTLINE_SIZES="2000 8000"` picks the sizes.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use specls::ide::{document_symbols, lens::code_lenses};
use specls::workspace::Workspace;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// An OpenSpec main spec of `n` requirements, one scenario each, and a
/// change modifying every tenth of them (each a lens).
fn openspec_main(n: usize) -> Vec<(String, String)> {
    let mut spec = String::from("# big Specification\n\n## Purpose\n\nA spec with many requirements, to load the server.\n\n## Requirements\n");
    let mut delta = String::from("## MODIFIED Requirements\n");
    for i in 0..n {
        let req = format!(
            "\n### Requirement: Rule {i}\n\nThe system SHALL keep rule {i}.\n\n#### Scenario: Case {i}\n\n- **WHEN** case {i} happens\n- **THEN** rule {i} holds\n"
        );
        spec.push_str(&req);
        if i % 10 == 0 {
            delta.push_str(&req);
        }
    }
    vec![
        ("openspec/specs/big/spec.md".into(), spec),
        (
            "openspec/changes/touch/proposal.md".into(),
            "## Why\n\nTo touch the big spec's requirements.\n\n## What Changes\n\n- Rules change.\n".into(),
        ),
        ("openspec/changes/touch/specs/big/spec.md".into(), delta),
    ]
}

/// An OpenSpec change whose delta adds `n` requirements and whose
/// `tasks.md` has a task per requirement in groups of ten, each linking
/// its scenario (coverage lenses on the delta, progress on the tasks).
fn openspec_change(n: usize) -> Vec<(String, String)> {
    let mut delta = String::from("## ADDED Requirements\n");
    let mut tasks = String::new();
    for i in 0..n {
        let _ = write!(
            delta,
            "\n### Requirement: Rule {i}\n\nThe system SHALL keep rule {i}.\n\n#### Scenario: Case {i}\n\n- **WHEN** case {i} happens\n- **THEN** rule {i} holds\n"
        );
        if i % 10 == 0 {
            let _ = write!(tasks, "\n## {}. Group {}\n\n", i / 10 + 1, i / 10);
        }
        let _ = writeln!(
            tasks,
            "- [ ] {}.{} Rule {i}\n  - Acceptance: [case](specs/big/spec.md#scenario-case-{i})\n  - [x] {}.{}.1 Sub-task of rule {i}",
            i / 10 + 1,
            i % 10 + 1,
            i / 10 + 1,
            i % 10 + 1
        );
    }
    vec![
        (
            "openspec/changes/grow/proposal.md".into(),
            "## Why\n\nTo add many requirements.\n\n## What Changes\n\n- Rules are added.\n".into(),
        ),
        ("openspec/changes/grow/specs/big/spec.md".into(), delta),
        ("openspec/changes/grow/tasks.md".into(), tasks),
    ]
}

/// A Kiro spec of `n` requirements with three criteria each, and a task
/// per requirement (with two sub-tasks) citing its criteria.
fn kiro(n: usize) -> Vec<(String, String)> {
    let mut reqs = String::from(
        "# Requirements Document\n\n## Introduction\n\nMany requirements.\n\n## Requirements\n",
    );
    let mut tasks = String::from("# Implementation Plan\n\n");
    for i in 1..=n {
        let _ = write!(
            reqs,
            "\n### Requirement {i}: Rule {i}\n\n**User Story:** As a user, I want rule {i}, so that it holds.\n\n#### Acceptance Criteria\n\n1. WHEN case {i} happens, THE System SHALL keep rule {i}.\n2. WHEN case {i} ends, THE System SHALL log it.\n3. IF case {i} fails, THEN THE System SHALL retry.\n"
        );
        let _ = write!(
            tasks,
            "- [ ] {i}. Implement rule {i}\n- [x] {i}.1 Keep rule {i}\n  - _Requirements: {i}.1, {i}.2_\n- [ ] {i}.2 Retry rule {i}\n  - _Requirements: {i}.3_\n\n"
        );
    }
    vec![
        (".kiro/specs/big/requirements.md".into(), reqs),
        (".kiro/specs/big/tasks.md".into(), tasks),
    ]
}

/// A Spec Kit feature of `n` functional requirements under `n / 10` user
/// stories, and a task per requirement citing it and its story.
fn speckit(n: usize) -> Vec<(String, String)> {
    let stories = (n / 10).max(1);
    let mut spec =
        String::from("# Feature Specification: Big\n\n## User Scenarios & Testing *(mandatory)*\n");
    for s in 1..=stories {
        let _ = write!(
            spec,
            "\n### User Story {s} - Story {s} (Priority: P1)\n\nA user does thing {s}.\n\n**Acceptance Scenarios**:\n\n1. **Given** state {s}, **When** the user acts, **Then** thing {s} happens.\n"
        );
    }
    spec.push_str("\n## Requirements *(mandatory)*\n\n### Functional Requirements\n\n");
    let mut tasks = String::from("# Tasks: Big\n\n");
    for i in 1..=n {
        let _ = writeln!(spec, "- **FR-{i:05}**: System MUST keep rule {i}.");
        if (i - 1) % 10 == 0 {
            let _ = write!(
                tasks,
                "\n## Phase {}: Story {}\n\n",
                (i - 1) / 10 + 1,
                (i - 1) / 10 + 1
            );
        }
        let _ = writeln!(
            tasks,
            "- [ ] T{i:05} [US{}] Keep rule {i} (FR-{i:05})",
            (i - 1) / 10 + 1
        );
    }
    vec![
        (
            ".specify/memory/constitution.md".into(),
            "# Constitution\n".into(),
        ),
        ("specs/001-big/spec.md".into(), spec),
        ("specs/001-big/tasks.md".into(), tasks),
    ]
}

fn sizes() -> Vec<usize> {
    std::env::var("SPECLS_OUTLINE_SIZES")
        .unwrap_or_else(|_| "2000 8000 16000".into())
        .split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect()
}

fn bench(c: &mut Criterion) {
    type Make = fn(usize) -> Vec<(String, String)>;
    let cases: [(&str, Make, &[&str]); 4] = [
        (
            "openspec-main",
            openspec_main,
            &["openspec/specs/big/spec.md"],
        ),
        (
            "openspec-change",
            openspec_change,
            &[
                "openspec/changes/grow/specs/big/spec.md",
                "openspec/changes/grow/tasks.md",
            ],
        ),
        (
            "kiro",
            kiro,
            &[
                ".kiro/specs/big/requirements.md",
                ".kiro/specs/big/tasks.md",
            ],
        ),
        (
            "speckit",
            speckit,
            &["specs/001-big/spec.md", "specs/001-big/tasks.md"],
        ),
    ];
    for (name, make, files) in cases {
        for rel in files {
            let short = rel
                .rsplit('/')
                .next()
                .unwrap_or(rel)
                .trim_end_matches(".md");
            let mut g = c.benchmark_group(format!("{name}/{short}"));
            g.sample_size(10)
                .warm_up_time(Duration::from_millis(500))
                .measurement_time(Duration::from_secs(2));
            for n in sizes() {
                let files: Vec<(String, Vec<u8>)> = make(n)
                    .into_iter()
                    .map(|(p, t)| (p, t.into_bytes()))
                    .collect();
                let ws = Workspace::from_memory(Path::new("/bench"), files);
                assert!(!document_symbols(&ws, rel).is_empty(), "{rel}: no outline");
                g.throughput(Throughput::Elements(n as u64));
                g.bench_with_input(BenchmarkId::new("outline", n), &n, |b, _| {
                    b.iter(|| black_box(document_symbols(&ws, rel)))
                });
                g.bench_with_input(BenchmarkId::new("lens", n), &n, |b, _| {
                    b.iter(|| black_box(code_lenses(&ws, rel)))
                });
            }
            g.finish();
        }
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
