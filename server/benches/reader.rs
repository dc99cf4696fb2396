//! Benchmarks over the shared OpenSpec corpus (`docs/performance.md`).
//!
//! - `reader/*`: the structural reader alone — every Markdown file's text,
//!   already in memory, read into its typed summary by kind
//!   (`workspace::summarize`), one thread. Throughput is bytes of Markdown.
//!   `reader/all` is the figure the 300 MB/s target is about; the per-kind
//!   groups and `reader/lines` (the line scanner alone) show where the time
//!   goes.
//! - `workspace/*`: reading the files of a tree in-process, one thread
//!   (`read`: what the check is compared with), listing a tree
//!   (`discover::list`) and loading it
//!   (`Workspace::load`, which reads from the page cache and parses on
//!   rayon's pool) for `BaseOut+baseout`, the largest tree.
//! - `rules/*`: `rules::check_workspace` on loaded workspaces.
//! - `check/*`: `cli::check::collect` plus JSON rendering, which is
//!   `specls check --format json` without process start-up and printing.
//!
//! The bench uses the binary's allocator (mimalloc), so the figures are those
//! of the shipped program; with glibc's the reader is about a third slower.
//!
//! The corpus is read from `SPECLS_CORPUS`, else `../shared/corpus` relative
//! to the repository root. Without it every benchmark is skipped with a
//! message (with `SPECLS_REQUIRE_CORPUS=1`, its absence is an error).

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use specls::cli::check::{collect, Counts};
use specls::cli::render;
use specls::rules::check_workspace;
use specls::syntax::Doc;
use specls::workspace::{discover, summarize, FileKind, Summary, Workspace};

// The allocator the `specls` binary uses (server/src/main.rs), so that the
// figures are those of the shipped program.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The tree the whole-process targets are stated for.
const LARGEST_TREE: &str = "BaseOut+baseout";

fn corpus_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("SPECLS_CORPUS") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"),
    };
    if dir.is_dir() {
        return Some(dir);
    }
    let msg = format!(
        "specls benches: the OpenSpec corpus is absent ({} is not a folder; set SPECLS_CORPUS)",
        dir.display()
    );
    if std::env::var_os("SPECLS_REQUIRE_CORPUS").is_some_and(|v| v == "1") {
        panic!("{msg}");
    }
    eprintln!("{msg}: skipping every benchmark");
    None
}

/// The workspace roots of the corpus: each folder holding `openspec/`.
fn trees(corpus: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(corpus)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.join("openspec").is_dir())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// One Markdown file, read into memory, with its path relative to
/// `openspec/` and its kind.
struct MdFile {
    rel: String,
    kind: FileKind,
    text: String,
    /// Size on disk (`text` differs for a file that is not UTF-8).
    bytes: u64,
}

fn walk_md(dir: &Path, base: &Path, out: &mut Vec<MdFile>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let Ok(ft) = e.file_type() else { continue };
        let path = e.path();
        if ft.is_dir() {
            walk_md(&path, base, out);
        } else if ft.is_file() && path.extension().is_some_and(|x| x == "md") {
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            let rel = path
                .strip_prefix(base)
                .unwrap_or(&path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let kind = FileKind::classify(&rel);
            let text = String::from_utf8_lossy(&bytes).into_owned();
            out.push(MdFile {
                rel,
                kind,
                text,
                bytes: bytes.len() as u64,
            });
        }
    }
}

/// Every Markdown file under the `openspec/` folder of every tree.
fn corpus_md(trees: &[PathBuf]) -> Vec<MdFile> {
    let mut out = Vec::new();
    for t in trees {
        let base = t.join("openspec");
        walk_md(&base, &base, &mut out);
    }
    out
}

fn bytes_of<'a>(files: impl IntoIterator<Item = &'a MdFile>) -> u64 {
    files.into_iter().map(|f| f.bytes).sum()
}

fn kind_name(kind: &FileKind) -> &'static str {
    match kind {
        FileKind::MainSpec { .. } => "main-spec",
        FileKind::DeltaSpec { .. } | FileKind::StrayDelta { .. } => "delta-spec",
        FileKind::Proposal { .. } => "proposal",
        FileKind::Tasks { .. } => "tasks",
        _ => "other-md",
    }
}

/// Reads every file into its summary; returns a count so that nothing is
/// optimised away.
fn summarize_all(files: &[&MdFile]) -> usize {
    let mut n = 0;
    for f in files {
        let s = summarize(&f.kind, &f.text, &f.rel);
        n += usize::from(!matches!(s, Summary::None));
        black_box(s);
    }
    n
}

fn bench_reader(c: &mut Criterion, files: &[MdFile]) {
    let all: Vec<&MdFile> = files.iter().collect();
    eprintln!(
        "specls benches: reader over {} Markdown files, {} bytes",
        all.len(),
        bytes_of(files)
    );
    let mut g = c.benchmark_group("reader");
    g.throughput(Throughput::Bytes(bytes_of(files)));
    g.bench_function("all", |b| b.iter(|| summarize_all(black_box(&all))));
    // The same, classifying each path first, as `Workspace::load` does.
    g.bench_function("all+classify", |b| {
        b.iter(|| {
            let mut n = 0;
            for f in &all {
                let kind = FileKind::classify(&f.rel);
                let s = summarize(&kind, black_box(&f.text), &f.rel);
                n += usize::from(!matches!(s, Summary::None));
                black_box(s);
            }
            n
        })
    });
    // The line scanner alone (cutting lines, masking fences and front
    // matter), which every reader starts with.
    g.bench_function("lines", |b| {
        b.iter(|| {
            all.iter()
                .map(|f| Doc::new(black_box(&f.text)).len())
                .sum::<usize>()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("reader/kind");
    for kind in ["main-spec", "delta-spec", "proposal", "tasks", "other-md"] {
        let some: Vec<&MdFile> = files
            .iter()
            .filter(|f| kind_name(&f.kind) == kind)
            .collect();
        if some.is_empty() {
            continue;
        }
        g.throughput(Throughput::Bytes(bytes_of(some.iter().copied())));
        g.bench_function(kind, |b| b.iter(|| summarize_all(black_box(&some))));
    }
    g.finish();
}

fn bench_workspace(c: &mut Criterion, trees: &[PathBuf]) {
    let Some(largest) = trees.iter().find(|t| t.ends_with(LARGEST_TREE)) else {
        eprintln!(
            "specls benches: {LARGEST_TREE} is not in the corpus: skipping workspace/* and check/*"
        );
        return;
    };
    let md_bytes = bytes_of(&corpus_md(std::slice::from_ref(largest)));

    let mut g = c.benchmark_group("workspace");
    g.throughput(Throughput::Bytes(md_bytes));
    // What the check is measured against: reading the files it reads, in
    // this process, one after the other (the listing made beforehand).
    let wanted: Vec<PathBuf> = discover::list(largest)
        .files
        .iter()
        .filter(|f| f.wanted)
        .map(|f| largest.join(&*f.rel))
        .collect();
    g.bench_function(format!("read/{LARGEST_TREE}"), |b| {
        b.iter(|| {
            wanted
                .iter()
                .map(|p| std::fs::read(black_box(p)).map_or(0, |b| b.len()))
                .sum::<usize>()
        })
    });
    g.bench_function(format!("list/{LARGEST_TREE}"), |b| {
        b.iter(|| discover::list(black_box(largest)).files.len())
    });
    g.bench_function(format!("load/{LARGEST_TREE}"), |b| {
        b.iter_with_large_drop(|| Workspace::load(black_box(largest)))
    });
    g.finish();

    let mut g = c.benchmark_group("check");
    g.throughput(Throughput::Bytes(md_bytes));
    let paths = vec![largest.clone()];
    g.bench_function(format!("json/{LARGEST_TREE}"), |b| {
        b.iter_with_large_drop(|| {
            let reports = collect(black_box(&paths)).expect("the tree is a workspace");
            let out = render::json(&reports, Counts::of(&reports));
            (reports, out)
        })
    });
    g.finish();
}

fn bench_rules(c: &mut Criterion, trees: &[PathBuf]) {
    let loaded: Vec<(PathBuf, Workspace, u64)> = trees
        .iter()
        .map(|t| {
            let ws = Workspace::load(t);
            let bytes = ws
                .files
                .iter()
                .filter(|f| f.rel.ends_with(".md"))
                .map(|f| f.text().len() as u64)
                .sum();
            (t.clone(), ws, bytes)
        })
        .collect();
    let mut g = c.benchmark_group("rules");
    if let Some((t, ws, bytes)) = loaded.iter().find(|(t, ..)| t.ends_with(LARGEST_TREE)) {
        g.throughput(Throughput::Bytes(*bytes));
        let name = t.file_name().unwrap_or_default().to_string_lossy();
        g.bench_function(format!("check_workspace/{name}"), |b| {
            b.iter_with_large_drop(|| check_workspace(black_box(ws)))
        });
    }
    g.throughput(Throughput::Bytes(loaded.iter().map(|(.., b)| b).sum()));
    g.bench_function("check_workspace/corpus", |b| {
        b.iter_with_large_drop(|| {
            loaded
                .iter()
                .map(|(_, ws, _)| check_workspace(black_box(ws)))
                .collect::<Vec<_>>()
        })
    });
    g.finish();
}

fn benches(c: &mut Criterion) {
    let Some(corpus) = corpus_dir() else { return };
    let trees = trees(&corpus);
    if trees.is_empty() {
        eprintln!(
            "specls benches: no OpenSpec tree (a folder holding openspec/) in {}: skipping",
            corpus.display()
        );
        return;
    }
    let files = corpus_md(&trees);
    bench_reader(c, &files);
    drop(files);
    bench_workspace(c, &trees);
    bench_rules(c, &trees);
}

criterion_group!(reader, benches);
criterion_main!(reader);
