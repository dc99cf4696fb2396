//! Memory at scale: `specls check` and `specls lsp` over 1×, 4×, 16× and
//! 40× copies of the shared OpenSpec corpus (scripts/make-scaled-corpus.sh),
//! with the time to read the same files in one process beside them. A
//! benchmark, not a test: it prints figures against the targets and never
//! fails on them; it exits 1 only when a run could not be measured.
//!
//!   cargo bench -p specls-e2e --bench memory
//!
//! Settings (environment):
//!   SPECLS_MEMORY_SCALES  the scales, default "1 4 16 40"
//!   SPECLS_MEMORY_RUNS    runs of `check` per scale (the median is shown), default 3
//!   SPECLS_SCALED_DIR     where the copies go, default /tmp/specls-scaled
//!   SPECLS_CORPUS         the corpus, default ../shared/corpus beside the repository
//!   SPECLS_BIN            a specls binary to measure instead of a release build
//!
//! Peak memory of `check` is the child's `ru_maxrss` from `wait4`; the
//! server's is `VmRSS`/`VmHWM` from `/proc/<pid>/status` once the indexing
//! progress has ended and the server has been quiet for half a second.

// Shared with the replay bench, which uses more of them.
#[allow(dead_code)]
mod replay {
    pub mod harness;
    pub mod rpc;
}

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use replay::harness::{commit, env_usize, machine, repo_root, specls_bin};
use replay::rpc::{memory_kib, Server};
use serde_json::json;

const TIMEOUT: Duration = Duration::from_secs(30);
const INDEX_TIMEOUT: Duration = Duration::from_secs(600);

/// Markdown files under `dir` and their total size, hidden folders skipped
/// as the tools skip them.
fn markdown(dir: &Path) -> Vec<(PathBuf, u64)> {
    let mut out = Vec::new();
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
            } else if ft.is_file() && name.to_lowercase().ends_with(".md") {
                let len = e.metadata().map_or(0, |m| m.len());
                out.push((e.path(), len));
            }
        }
    }
    out
}

/// The floor `check` is held to: walking `dir` and reading every Markdown
/// file into memory, in this process, with a warm cache. Best of three.
fn read_floor(dir: &Path) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..3 {
        let t0 = Instant::now();
        let mut total = 0usize;
        for (path, _) in markdown(dir) {
            total += std::fs::read(&path).map_or(0, |b| b.len());
        }
        std::hint::black_box(total);
        best = best.min(t0.elapsed());
    }
    best
}

/// Runs `specls check` on `dir` once: wall time and peak RSS in KiB.
fn check_once(bin: &Path, dir: &Path) -> Result<(Duration, u64), String> {
    let t0 = Instant::now();
    let child = Command::new(bin)
        .args(["check", "--format", "json"])
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain old data, zero is a valid value, and wait4
    // writes it for the child we just spawned and have not waited for.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = t0.elapsed();
    // The child has been reaped; dropping the handle does not wait again.
    drop(child);
    if r != pid {
        return Err(format!("wait4 failed: {}", std::io::Error::last_os_error()));
    }
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    if !matches!(code, Some(0 | 1)) {
        return Err(format!(
            "specls check ended with {status:#x} on {}",
            dir.display()
        ));
    }
    Ok((wall, usage.ru_maxrss as u64))
}

/// A server on `folder` from `initialize` to the end of its indexing:
/// the time from `initialized` to the progress end, and VmRSS/VmHWM (KiB).
fn server_after_index(bin: &Path, folder: &Path) -> Result<(Duration, u64, u64), String> {
    let mut s = Server::spawn(bin, folder);
    let caps = json!({
        "general": {"positionEncodings": ["utf-8", "utf-16"]},
        "textDocument": {"publishDiagnostics": {"versionSupport": true}},
        "window": {"workDoneProgress": true},
        "workspace": {"workspaceFolders": true}
    });
    s.initialize(folder, caps, TIMEOUT)?;
    let t0 = s.notify("initialized", json!({}));
    let end = s.wait("the end of indexing", INDEX_TIMEOUT, |m| {
        m.method() == Some("$/progress") && m.msg["params"]["value"]["kind"] == "end"
    })?;
    s.settle(Duration::from_millis(500), Duration::from_secs(20));
    let (rss, hwm) = memory_kib(s.pid()).ok_or("cannot read /proc/<pid>/status")?;
    let (_, notes) = s.stop();
    for n in notes {
        println!("  note: {n}");
    }
    Ok((end.at - t0, rss, hwm))
}

fn median<T: Copy + Ord>(mut v: Vec<T>) -> T {
    v.sort();
    v[v.len() / 2]
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

struct Row {
    scale: usize,
    files: usize,
    bytes: u64,
    floor: Duration,
    check: Duration,
    check_kib: u64,
    index: Duration,
    rss_kib: u64,
    hwm_kib: u64,
}

fn main() {
    // `cargo test --benches` runs this without `--bench`: nothing to measure.
    if !std::env::args().any(|a| a == "--bench") {
        println!("memory: a benchmark; run it with `cargo bench -p specls-e2e --bench memory`");
        return;
    }
    let repo = repo_root();
    let corpus = std::env::var_os("SPECLS_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo.join("../shared/corpus"));
    if !corpus.is_dir() {
        println!(
            "memory: the OpenSpec corpus is absent ({} is not a folder; set SPECLS_CORPUS): nothing measured",
            corpus.display()
        );
        return;
    }
    let scales: Vec<usize> = std::env::var("SPECLS_MEMORY_SCALES")
        .unwrap_or_else(|_| "1 4 16 40".into())
        .split_whitespace()
        .filter_map(|s| s.parse().ok())
        .collect();
    let runs = env_usize("SPECLS_MEMORY_RUNS", 3).max(1);
    let out = std::env::var_os("SPECLS_SCALED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp/specls-scaled"));
    let bin = specls_bin(&repo);
    println!(
        "specls memory at scale: {} at {}",
        bin.display(),
        commit(&repo)
    );
    println!("machine: {}", machine());

    let mut failed = false;
    // A server whose only folder is empty: what every per-file figure is
    // measured above.
    let empty = tempfile::tempdir().expect("a temporary folder");
    let (base_rss, base_hwm) = match server_after_index(&bin, empty.path()) {
        Ok((_, rss, hwm)) => (rss, hwm),
        Err(e) => {
            println!("memory: the empty-folder server could not be measured: {e}");
            std::process::exit(1);
        }
    };
    println!(
        "server with an empty folder: VmRSS {:.1} MiB, VmHWM {:.1} MiB",
        mib(base_rss),
        mib(base_hwm)
    );

    let mut rows = Vec::new();
    for &n in &scales {
        let status = Command::new(repo.join("scripts/make-scaled-corpus.sh"))
            .arg(&out)
            .arg(n.to_string())
            .env("SPECLS_CORPUS", &corpus)
            .status();
        if !matches!(status, Ok(s) if s.success()) {
            println!("memory: the {n}× copy could not be built");
            failed = true;
            continue;
        }
        let dir = out.join(format!("x{n}"));
        let files = markdown(&dir);
        let bytes: u64 = files.iter().map(|f| f.1).sum();
        let floor = read_floor(&dir);
        let mut times = Vec::new();
        let mut peaks = Vec::new();
        for _ in 0..runs {
            match check_once(&bin, &dir) {
                Ok((t, kib)) => {
                    times.push(t);
                    peaks.push(kib);
                }
                Err(e) => {
                    println!("memory: {n}×: {e}");
                    failed = true;
                }
            }
        }
        if times.is_empty() {
            continue;
        }
        let (index, rss, hwm) = match server_after_index(&bin, &dir) {
            Ok(v) => v,
            Err(e) => {
                println!("memory: {n}×: the server could not be measured: {e}");
                failed = true;
                continue;
            }
        };
        let row = Row {
            scale: n,
            files: files.len(),
            bytes,
            floor,
            check: median(times),
            check_kib: median(peaks),
            index,
            rss_kib: rss,
            hwm_kib: hwm,
        };
        println!(
            "{n}×: {} files, {:.1} MB; read floor {:.2} s; check {:.2} s, peak {:.0} MiB; server index {:.2} s, VmRSS {:.0} MiB, VmHWM {:.0} MiB",
            row.files,
            row.bytes as f64 / 1e6,
            secs(row.floor),
            secs(row.check),
            mib(row.check_kib),
            secs(row.index),
            mib(row.rss_kib),
            mib(row.hwm_kib)
        );
        rows.push(row);
    }

    println!();
    println!("| scale | files | text MB | read floor | check | check / floor | check peak RSS | check bytes per text byte | server index | server VmRSS | VmHWM | kB per file (RSS above empty) | RSS bytes per text byte |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for r in &rows {
        let above = r.rss_kib.saturating_sub(base_rss) as f64 * 1024.0;
        println!(
            "| {}× | {} | {:.1} | {:.2} s | {:.2} s | {:.1}× | {:.0} MiB | {:.2} | {:.2} s | {:.0} MiB | {:.0} MiB | {:.1} | {:.2} |",
            r.scale,
            r.files,
            r.bytes as f64 / 1e6,
            secs(r.floor),
            secs(r.check),
            secs(r.check) / secs(r.floor),
            mib(r.check_kib),
            r.check_kib as f64 * 1024.0 / r.bytes as f64,
            secs(r.index),
            mib(r.rss_kib),
            mib(r.hwm_kib),
            above / 1e3 / r.files as f64,
            above / r.bytes as f64
        );
    }
    if let Some(big) = rows.iter().find(|r| r.scale == 40) {
        let verdict = |ok: bool| if ok { "met" } else { "**missed**" };
        println!();
        println!("Targets at 40×:");
        println!(
            "- server after indexing ≤ 400 MB RSS: {:.0} MB, {}",
            big.rss_kib as f64 * 1024.0 / 1e6,
            verdict(big.rss_kib * 1024 <= 400_000_000)
        );
        println!(
            "- index ≤ 3 s: {:.2} s, {}",
            secs(big.index),
            verdict(big.index <= Duration::from_secs(3))
        );
        println!(
            "- check peak ≤ 300 MB: {:.0} MB, {}",
            big.check_kib as f64 * 1024.0 / 1e6,
            verdict(big.check_kib * 1024 <= 300_000_000)
        );
        println!(
            "- check ≤ 2× the read floor: {:.1}×, {}",
            secs(big.check) / secs(big.floor),
            verdict(big.check <= big.floor * 2)
        );
    }
    if failed {
        std::process::exit(1);
    }
}
