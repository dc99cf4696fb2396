//! Harness for the end-to-end tests in `tests/tests/`: builds the real
//! `specls` binary once per test process, runs it, and writes throwaway
//! workspaces from a fixture string.
//!
//! ```text
//! //- specls.toml
//! [rules]
//! "spec/purpose-too-short" = "off"
//! //- openspec/specs/auth/spec.md
//! # Auth
//! …
//! ```
//!
//! Each file starts after a `//- <path>` line (the path is relative to the
//! workspace root, the folder that holds `openspec/`) and runs to the next
//! such line.

pub mod lsp;

use std::ffi::OsStr;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The cargo workspace root (the folder holding `server/`, `tests/`,
/// `examples/`).
pub fn repo_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .expect("tests/ has a parent folder")
        .to_path_buf()
}

/// The bundled demo workspace, `examples/`.
pub fn examples_dir() -> PathBuf {
    repo_root().join("examples")
}

fn target_dir() -> PathBuf {
    let root = repo_root();
    match std::env::var_os("CARGO_TARGET_DIR") {
        // The build below runs in the repo root, so a relative target dir is
        // relative to it.
        Some(dir) if !dir.is_empty() => root.join(dir),
        _ => root.join("target"),
    }
}

/// Path of a `specls` debug binary built from the current sources; the
/// build runs once per test process.
pub fn specls_bin() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let status = Command::new(&cargo)
            .args(["build", "-q", "-p", "specls", "--bin", "specls"])
            .current_dir(repo_root())
            .status()
            .unwrap_or_else(|e| panic!("could not start {}: {e}", Path::new(&cargo).display()));
        assert!(status.success(), "building specls failed: {status}");
        let bin = target_dir()
            .join("debug")
            .join(format!("specls{}", std::env::consts::EXE_SUFFIX));
        assert!(bin.is_file(), "no binary at {}", bin.display());
        bin
    })
    .clone()
}

/// What one run of `specls` did.
#[derive(Debug, Clone)]
pub struct Output {
    /// The exit code. A run killed by a signal (a stack overflow, say) fails
    /// the test inside [`run`] instead.
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// stdout parsed as JSON (for `--format json`).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON: {e}\n--- stdout ---\n{}\n--- stderr ---\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// The last non-empty line of stdout (the human summary).
    pub fn summary(&self) -> &str {
        self.stdout
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
    }

    /// Asserts the run ended on its own terms: exit 0 or 1 (never 2, never
    /// a panic's 101) and no panic message.
    #[track_caller]
    pub fn assert_ran(&self) -> &Self {
        assert!(
            !self.stderr.contains("panicked"),
            "specls panicked:\n{}",
            self.stderr
        );
        assert!(
            self.status == 0 || self.status == 1,
            "exit status {}, expected 0 or 1\n{self}",
            self.status
        );
        self
    }

    /// Asserts the exit status, showing the whole run when it differs.
    #[track_caller]
    pub fn assert_status(&self, status: i32) -> &Self {
        assert_eq!(self.status, status, "unexpected exit status\n{self}");
        self
    }
}

impl std::fmt::Display for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let cut = |s: &str| -> String {
            const MAX: usize = 8000;
            if s.len() <= MAX {
                s.to_string()
            } else {
                let mut end = MAX;
                while !s.is_char_boundary(end) {
                    end -= 1;
                }
                format!("{}… ({} bytes in all)", &s[..end], s.len())
            }
        };
        write!(
            f,
            "--- status {} ---\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.status,
            cut(&self.stdout),
            cut(&self.stderr)
        )
    }
}

/// How long one run may take before [`run`] kills it and fails.
pub const RUN_TIMEOUT: Duration = Duration::from_secs(120);

/// Runs `specls args…` in `cwd` and collects its output (lossily decoded).
/// A run that outlives [`RUN_TIMEOUT`] is killed and fails the test.
#[track_caller]
pub fn run<S: AsRef<OsStr>>(args: &[S], cwd: &Path) -> Output {
    run_with_timeout(args, cwd, RUN_TIMEOUT).unwrap_or_else(|| {
        panic!(
            "specls did not finish within {} s (killed)",
            RUN_TIMEOUT.as_secs()
        )
    })
}

/// Like [`run`], but gives up after `timeout`: kills the process and
/// returns `None`.
#[track_caller]
pub fn run_with_timeout<S: AsRef<OsStr>>(
    args: &[S],
    cwd: &Path,
    timeout: Duration,
) -> Option<Output> {
    let mut child = Command::new(specls_bin())
        .args(args)
        .current_dir(cwd)
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("could not run specls: {e}"));
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut buf);
            }
            buf
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait().expect("wait for specls") {
            Some(status) => break Some(status),
            None if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            None => std::thread::sleep(Duration::from_millis(10)),
        }
    };
    let stdout = String::from_utf8_lossy(&stdout.join().expect("read stdout")).into_owned();
    let stderr = String::from_utf8_lossy(&stderr.join().expect("read stderr")).into_owned();
    let status = status?;
    let Some(code) = status.code() else {
        panic!("specls was killed ({status})\n--- stderr ---\n{stderr}");
    };
    Some(Output {
        status: code,
        stdout,
        stderr,
    })
}

/// A workspace in a temporary folder, deleted when dropped.
pub struct Workspace {
    dir: tempfile::TempDir,
}

impl Workspace {
    /// An empty temporary folder (not yet a workspace).
    pub fn empty() -> Workspace {
        Workspace {
            dir: tempfile::Builder::new()
                .prefix("specls-e2e-")
                .tempdir()
                .expect("create a temporary folder"),
        }
    }

    /// Writes every `//- path` section of `fixture`.
    pub fn new(fixture: &str) -> Workspace {
        let ws = Workspace::empty();
        for (path, body) in parse_fixture(fixture) {
            ws.write(&path, body);
        }
        ws
    }

    /// A copy of the folder `src` (for instance [`examples_dir`]), dotfiles
    /// included.
    pub fn copy_of(src: &Path) -> Workspace {
        let ws = Workspace::empty();
        copy_dir(src, ws.path());
        ws
    }

    /// The folder (the workspace root, when the fixture has `openspec/`).
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `path()/rel`.
    pub fn join(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes a file, creating its folders.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> &Self {
        let p = self.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent)
                .unwrap_or_else(|e| panic!("create {}: {e}", parent.display()));
        }
        std::fs::write(&p, contents).unwrap_or_else(|e| panic!("write {}: {e}", p.display()));
        self
    }

    /// Creates a folder (and its parents).
    pub fn mkdir(&self, rel: &str) -> &Self {
        let p = self.join(rel);
        std::fs::create_dir_all(&p).unwrap_or_else(|e| panic!("create {}: {e}", p.display()));
        self
    }

    /// Runs `specls args…` with the workspace root as the current folder.
    pub fn run<S: AsRef<OsStr>>(&self, args: &[S]) -> Output {
        run(args, self.path())
    }

    /// `specls check` in the workspace root, with extra arguments.
    pub fn check(&self, extra: &[&str]) -> Output {
        let mut args = vec!["check"];
        args.extend_from_slice(extra);
        self.run(&args)
    }

    /// `specls check --format json` in the workspace root.
    pub fn check_json(&self, extra: &[&str]) -> (Output, serde_json::Value) {
        let mut args = vec!["--format", "json"];
        args.extend_from_slice(extra);
        let out = self.check(&args);
        let json = out.json();
        (out, json)
    }
}

/// Copies the folder `from` into `to` (which may exist), recreating
/// symbolic links as links.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("create {}: {e}", to.display()));
    let entries =
        std::fs::read_dir(from).unwrap_or_else(|e| panic!("list {}: {e}", from.display()));
    for entry in entries {
        let entry = entry.unwrap_or_else(|e| panic!("list {}: {e}", from.display()));
        let ft = entry.file_type().expect("file type");
        let dest = to.join(entry.file_name());
        if ft.is_dir() {
            copy_dir(&entry.path(), &dest);
        } else if ft.is_symlink() {
            let target = std::fs::read_link(entry.path()).expect("read link");
            #[cfg(unix)]
            std::os::unix::fs::symlink(target, &dest).expect("create link");
            #[cfg(not(unix))]
            let _ = target;
        } else {
            std::fs::copy(entry.path(), &dest)
                .unwrap_or_else(|e| panic!("copy {}: {e}", entry.path().display()));
        }
    }
}

/// Every file under `dir` (recursively), relative to it with `/`, sorted.
pub fn files_under(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("list folder") {
            let entry = entry.expect("list folder");
            let p = entry.path();
            if entry.file_type().expect("file type").is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p.strip_prefix(base).expect("under base");
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// One diagnostic of the human output: its severity word (`error`,
/// `warning`, `note`, `help`), code, and `path:line:column` as printed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct HumanDiagnostic {
    pub severity: String,
    pub code: String,
    pub path: String,
    pub line: u64,
    pub column: u64,
}

/// Reads the compiler-style human output back: each `severity[code]:`
/// header and the `┌─ path:line:column` line after it.
pub fn human_diagnostics(stdout: &str) -> Vec<HumanDiagnostic> {
    let mut out = Vec::new();
    let mut pending: Option<(String, String)> = None;
    for line in stdout.lines() {
        if let Some((sev, rest)) = line.split_once('[') {
            if ["error", "warning", "info", "hint"].contains(&sev) {
                if let Some((code, _)) = rest.split_once("]: ") {
                    pending = Some((sev.to_string(), code.to_string()));
                    continue;
                }
            }
        }
        if let Some(loc) = line.trim_start().strip_prefix("┌─ ") {
            let Some((severity, code)) = pending.take() else {
                continue;
            };
            let mut parts = loc.trim().rsplitn(3, ':');
            let column = parts.next().and_then(|c| c.parse().ok());
            let line_no = parts.next().and_then(|l| l.parse().ok());
            let (path, line, column) = match (line_no, column, parts.next()) {
                (Some(l), Some(c), Some(p)) => (p.to_string(), l, c),
                // A diagnostic on a folder has no position.
                _ => (loc.trim().to_string(), 0, 0),
            };
            out.push(HumanDiagnostic {
                severity,
                code,
                path,
                line,
                column,
            });
        }
    }
    out
}

/// A small deterministic random generator (xorshift64*), so that tests
/// with "random" input are reproducible.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// `len` random bytes.
    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(len + 8);
        while out.len() < len {
            out.extend_from_slice(&self.next_u64().to_le_bytes());
        }
        out.truncate(len);
        out
    }
}

/// Splits a fixture into `(path, contents)` pairs. Text before the first
/// `//- ` line is ignored.
pub fn parse_fixture(fixture: &str) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = Vec::new();
    for line in fixture.split_inclusive('\n') {
        if let Some(path) = line.strip_prefix("//- ") {
            files.push((path.trim().to_string(), String::new()));
        } else if let Some((_, body)) = files.last_mut() {
            body.push_str(line);
        }
    }
    files
}

/// Diagnostics of a JSON report as `(code, path, line)`, in report order.
pub fn diagnostics(json: &serde_json::Value) -> Vec<(String, String, u64)> {
    json["diagnostics"]
        .as_array()
        .expect("\"diagnostics\" is an array")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().expect("code").to_string(),
                d["path"].as_str().expect("path").to_string(),
                d["line"].as_u64().expect("line"),
            )
        })
        .collect()
}

/// The codes of a JSON report's diagnostics, in report order.
pub fn codes(json: &serde_json::Value) -> Vec<String> {
    diagnostics(json).into_iter().map(|(c, _, _)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixture_splits_on_path_lines() {
        let files = parse_fixture("ignored\n//- a/b.md\n# A\n\ntext\n//- c.toml\nx = 1\n");
        assert_eq!(
            files,
            vec![
                ("a/b.md".to_string(), "# A\n\ntext\n".to_string()),
                ("c.toml".to_string(), "x = 1\n".to_string()),
            ]
        );
    }

    #[test]
    fn human_output_reads_back() {
        let out = "error[tasks/unknown-dependency]: Task 3.3 depends on \"2.4\".\n   ┌─ examples/openspec/changes/x/tasks.md:33:91\n   │\n\nerror[change/no-deltas]: none\n  ┌─ openspec/changes/c1\n\n1 error, 0 warnings, 0 infos, 0 hints in 1 file\n";
        assert_eq!(
            human_diagnostics(out),
            vec![
                HumanDiagnostic {
                    severity: "error".into(),
                    code: "tasks/unknown-dependency".into(),
                    path: "examples/openspec/changes/x/tasks.md".into(),
                    line: 33,
                    column: 91,
                },
                HumanDiagnostic {
                    severity: "error".into(),
                    code: "change/no-deltas".into(),
                    path: "openspec/changes/c1".into(),
                    line: 0,
                    column: 0,
                },
            ]
        );
    }

    #[test]
    fn rng_is_deterministic() {
        assert_eq!(Rng::new(7).bytes(100), Rng::new(7).bytes(100));
        assert_ne!(Rng::new(7).bytes(100), Rng::new(8).bytes(100));
        assert_eq!(Rng::new(1).bytes(13).len(), 13);
    }

    #[test]
    fn workspace_writes_files() {
        let ws = Workspace::new("//- openspec/specs/a/spec.md\n# A\n//- specls.toml\n");
        assert_eq!(
            std::fs::read_to_string(ws.join("openspec/specs/a/spec.md")).unwrap(),
            "# A\n"
        );
        assert!(ws.join("specls.toml").is_file());
    }
}
