//! The Neovim plugin (`editors/neovim`) in a real Neovim against the real
//! server: `nvim --headless` loads the plugin from the repository, opens a
//! copy of `examples/` and runs one check of `editors/neovim/test/e2e.lua`.
//!
//! Neovims: the `:`-separated paths in `SPECLS_NVIM`, else `nvim` on PATH.
//! A Neovim with `vim.lsp.config` (0.11+) runs each check twice, through
//! `vim.lsp.enable` and through the FileType path older versions use.
//! Without any Neovim the tests say so and pass, unless
//! `SPECLS_REQUIRE_NEOVIM=1` (CI), which makes that a failure.
//! `scripts/install-neovim.sh` installs one.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use specls_e2e::{examples_dir, repo_root, specls_bin};

const TIMEOUT: Duration = Duration::from_secs(120);

struct Neovim {
    path: PathBuf,
    /// Has `vim.lsp.config`/`vim.lsp.enable` (0.11+).
    native: bool,
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// (major, minor) from the first line of `nvim --version` ("NVIM v0.7.2").
fn version(nvim: &Path) -> Option<(u32, u32)> {
    let out = Command::new(nvim).arg("--version").output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let v = text.lines().next()?.strip_prefix("NVIM v")?;
    let mut parts = v.split(['.', '-']);
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

fn neovims() -> Vec<Neovim> {
    let required = std::env::var("SPECLS_REQUIRE_NEOVIM").is_ok_and(|v| v == "1");
    let candidates: Vec<PathBuf> = match std::env::var_os("SPECLS_NVIM") {
        Some(list) if !list.is_empty() => std::env::split_paths(&list).collect(),
        _ => on_path("nvim").into_iter().collect(),
    };
    let mut found = Vec::new();
    for path in candidates {
        match version(&path) {
            Some(v) => found.push(Neovim {
                native: v >= (0, 11),
                path,
            }),
            None if required => panic!("{} is not a working nvim", path.display()),
            None => {}
        }
    }
    if found.is_empty() {
        assert!(
            !required,
            "SPECLS_REQUIRE_NEOVIM=1 but no nvim was found (PATH or SPECLS_NVIM); \
             scripts/install-neovim.sh installs it"
        );
        // Straight to the stderr handle, past the harness's capture: a
        // skipped test must say so.
        let _ = writeln!(
            std::io::stderr(),
            "nvim not found: skipping the Neovim tests (scripts/install-neovim.sh installs it)"
        );
    }
    found
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Runs `check` of e2e.lua in every Neovim found and every start path it
/// has; fails with the whole output of the first run that does not pass.
fn run_check(check: &str) {
    for nvim in neovims() {
        let modes: &[bool] = if nvim.native {
            &[true, false]
        } else {
            &[false]
        };
        for &native in modes {
            run_one(&nvim.path, check, native);
        }
    }
}

/// Runs `check` through `vim.lsp.enable` only, in the Neovims that have it.
fn run_native_check(check: &str) {
    let native: Vec<Neovim> = neovims().into_iter().filter(|n| n.native).collect();
    if native.is_empty() {
        let _ = writeln!(
            std::io::stderr(),
            "no Neovim 0.11+ found: skipping `{check}` (scripts/install-neovim.sh --newer DIR installs one)"
        );
    }
    for nvim in native {
        run_one(&nvim.path, check, true);
    }
}

fn run_one(nvim: &Path, check: &str, native: bool) {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("examples");
    copy_dir(&examples_dir(), &ws);
    // Neovim's state (LSP log, shada) goes to the temporary folder too.
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let plugin = repo_root().join("editors/neovim");
    let script = plugin.join("test/e2e.lua");

    let mut child = Command::new(nvim)
        .arg("--headless")
        .arg("--clean")
        .arg("--cmd")
        .arg(format!("set rtp^={}", plugin.display()))
        .arg("-c")
        .arg(format!("luafile {}", script.display()))
        .current_dir(tmp.path())
        .env("SPECLS_BIN", specls_bin())
        .env("SPECLS_WORKSPACE", &ws)
        .env("SPECLS_CHECK", check)
        .env("SPECLS_REPO", repo_root())
        .env("SPECLS_STUB_LOG", tmp.path().join("stub-requests.jsonl"))
        .env("STUB_LOG", tmp.path().join("stub-requests.jsonl"))
        .env("SPECLS_NATIVE", if native { "1" } else { "0" })
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("could not run {}: {e}", nvim.display()));

    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = pipe.read_to_end(&mut buf);
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = stdout.join().unwrap();
    let stderr = stderr.join().unwrap();
    let what = format!(
        "{} check `{check}` ({} path)",
        nvim.display(),
        if native { "vim.lsp.enable" } else { "FileType" }
    );
    let passed = status.is_some_and(|s| s.success()) && stdout.contains("SPECLS-NVIM-TEST PASS");
    assert!(
        passed,
        "{what} failed ({}):\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}",
        match status {
            Some(s) => format!("{s}"),
            None => format!("killed after {} s", TIMEOUT.as_secs()),
        }
    );
    let _ = writeln!(
        std::io::stderr(),
        "{what}: passed in {} ms",
        start.elapsed().as_millis()
    );
}

/// examples/README.md rows 1–4: the four mistakes of tasks.md, on their
/// lines, with their severities, and `2.4` after an em dash at the right
/// byte column.
#[test]
fn diagnostics_arrive_for_the_known_mistakes() {
    run_check("diagnostics");
}

/// The Spec Kit and Kiro trees of the demo: their planted mistakes arrive as
/// diagnostics, and definition goes from a task's FR id to spec.md.
#[test]
fn spec_kit_and_kiro_files_are_served() {
    run_check("formats");
}

/// Task 1.4's acceptance link goes to `#### Scenario: Nobody answers in
/// time` (line 67 of the change's call-transfer spec); `(requires 1.1)`
/// goes to task 1.1.
#[test]
fn definition_from_an_acceptance_link_lands_on_the_scenario_heading() {
    run_check("definition");
}

/// `specls.rules` reaches the server from `setup{ settings = … }`.
#[test]
fn settings_turn_a_rule_off() {
    run_check("settings");
}

/// The task graph command against a stub server that answers
/// `specls.taskGraph` (needs `node`, as the VS Code extension's tests do).
#[test]
fn show_task_graph_sends_the_contract_and_shows_the_answer() {
    if on_path("node").is_none() {
        let _ = writeln!(
            std::io::stderr(),
            "node not found: skipping the Neovim task graph test (its stub server is a node script)"
        );
        return;
    }
    run_check("task_graph_stub");
}

#[test]
fn restart_attaches_a_new_client() {
    run_check("restart");
}

#[test]
fn a_missing_binary_is_a_clear_error() {
    run_check("missing_binary");
}

#[test]
fn a_crashing_server_is_a_clear_error() {
    run_check("crash");
}

/// The keyword matches, and the tree-sitter captures where Neovim has the
/// markdown parsers.
#[test]
fn keywords_are_highlighted() {
    run_check("highlights");
}

// Completion is served by the server's completion feature.
#[test]
fn completion_after_when_offers_workspace_steps() {
    run_check("completion");
}

// The server's `specls.taskGraph` command answers this.
#[test]
fn show_task_graph_opens_the_mermaid_text() {
    run_check("task_graph");
}

/// Neovim 0.11+: `vim.lsp.enable('specls')` with the command set through
/// `vim.lsp.config` and no setup call, from the plugin's `lsp/specls.lua`.
#[test]
fn lsp_enable_works_without_setup() {
    run_native_check("enable_without_setup");
}

/// Code lenses are fetched on attach and again after an edit.
#[test]
fn code_lenses_come_on_attach_and_follow_edits() {
    run_check("codelens");
}

#[test]
fn omnifunc_is_set_on_attach() {
    run_check("omnifunc");
}

/// A server killed with SIGKILL: the message names only commands that
/// exist in this Neovim, and :SpeclsRestart starts a new server.
#[test]
fn restart_works_after_the_server_died() {
    run_check("restart_after_crash");
}

/// The root detection also knows Spec Kit and Kiro trees.
#[test]
fn spec_kit_and_kiro_trees_have_roots() {
    run_check("roots");
}
