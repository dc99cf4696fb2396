//! What `SECURITY.md` promises, held to: specls writes no file, reads
//! nothing outside the workspace through links, and runs no program.

mod lsp_common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use lsp_common::*;
use serde_json::{json, Value};
use specls_e2e::lsp::{file_uri, position_params, utf16_client, LspClient, Range, WAIT_TIMEOUT};
use specls_e2e::{examples_dir, repo_root, specls_bin, Workspace};

/// Every path under `dir` (folders included) with its bytes (none for a
/// folder), and its modification time.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (Option<Vec<u8>>, std::time::SystemTime)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            let meta = std::fs::symlink_metadata(&p).unwrap();
            let bytes = if meta.is_dir() {
                stack.push(p.clone());
                None
            } else {
                Some(std::fs::read(&p).unwrap_or_default())
            };
            out.insert(p, (bytes, meta.modified().unwrap()));
        }
    }
    out
}

/// What a session produced that a careless server might have written
/// itself.
#[derive(Debug, Default)]
struct Produced {
    fixes: usize,
    renames: usize,
    completions: usize,
    graphs: usize,
}

/// A session that asks for everything that produces edits or output:
/// changes, completion, code actions on every diagnostic, rename, the
/// task graph, saves.
fn busy_session(lsp: &mut LspClient, ws: &Workspace) -> Produced {
    let tasks = "openspec/changes/add-call-transfer/tasks.md";
    let spec = "openspec/changes/add-call-transfer/specs/call-transfer/spec.md";
    let mut made = Produced::default();
    // (file, a line to edit, a place for completion, a name and its new name)
    for (rel, edit_line, complete, rename, new_name) in [
        (tasks, 7, (7, 15), (2, 7), "1.9"),
        (spec, 5, (10, 40), (8, 22), "Warm Handover"),
    ] {
        let uri = open_file(lsp, ws, rel);
        lsp.change(&uri, 2, &[(Range::at(edit_line, 0), "x")]);
        let diags = lsp.request(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": uri}}),
        );
        let items: Vec<Value> = diags
            .ok()
            .and_then(|d| d["items"].as_array().cloned())
            .unwrap_or_default();
        for d in &items {
            let r = lsp.request(
                "textDocument/codeAction",
                json!({"textDocument": {"uri": uri}, "range": d["range"], "context": {"diagnostics": [d]}}),
            );
            let actions = r
                .ok()
                .and_then(|v| v.as_array().cloned())
                .unwrap_or_default();
            made.fixes += actions.iter().filter(|a| !a["edit"].is_null()).count();
        }
        let c = lsp.request(
            "textDocument/completion",
            position_params(&uri, complete.0, complete.1),
        );
        if c.is_ok_and(|v| !v.is_null()) {
            made.completions += 1;
        }
        let mut p = position_params(&uri, rename.0, rename.1);
        p["newName"] = json!(new_name);
        if lsp
            .request("textDocument/rename", p)
            .is_ok_and(|v| !v.is_null())
        {
            made.renames += 1;
        }
        lsp.notify(
            "textDocument/didSave",
            json!({"textDocument": {"uri": uri}}),
        );
    }
    let graph = lsp.request(
        "workspace/executeCommand",
        json!({"command": "specls.taskGraph", "arguments": [{"uri": file_uri(&ws.join(tasks)), "format": "mermaid"}]}),
    );
    made.graphs += usize::from(graph.is_ok_and(|v| v.is_string()));
    made
}

/// The server writes nothing: not in the workspace, not in its working
/// folder, not in its home. Edits go to the client, which applies them.
#[test]
fn the_server_writes_no_file() {
    let ws = Workspace::copy_of(&examples_dir());
    let cwd = Workspace::empty();
    let home = Workspace::empty();
    let before = snapshot(ws.path());
    let mut lsp = LspClient::spawn_with_env(
        &["lsp"],
        cwd.path(),
        &[("HOME", &home.path().to_string_lossy())],
    );
    lsp.initialize(utf16_client().pull_diagnostics(true), fast(), &[ws.path()]);
    lsp.initialized();
    let made = busy_session(&mut lsp, &ws);
    assert!(
        made.fixes > 0 && made.renames == 2 && made.completions == 2 && made.graphs == 1,
        "the session must produce edits for the test to mean anything: {made:?}"
    );
    lsp.shutdown_and_exit();
    assert_eq!(snapshot(ws.path()), before, "the workspace changed");
    assert!(
        snapshot(cwd.path()).is_empty(),
        "files appeared in the working folder"
    );
    assert!(snapshot(home.path()).is_empty(), "files appeared in HOME");
}

/// `specls check` and `specls tasks` write nothing either.
#[test]
fn the_commands_write_no_file() {
    let ws = Workspace::copy_of(&examples_dir());
    let before = snapshot(ws.path());
    for args in [
        vec!["check", "."],
        vec!["check", ".", "--format", "json"],
        vec!["tasks", "add-call-transfer", "--format", "mermaid"],
    ] {
        let out = ws.run(&args);
        assert!(out.status <= 1, "{args:?} did not run: {}", out.stderr);
    }
    assert_eq!(snapshot(ws.path()), before);
}

/// A spec reached through a link that leaves the workspace (a linked
/// folder, a linked file, a link created while the server runs) is never
/// read.
#[test]
fn links_out_of_the_workspace_are_not_followed() {
    let outside = Workspace::empty();
    outside.write(
        "secret/spec.md",
        "# secret\n\n## Purpose\n\nA spec outside the workspace, which must never be read through a link.\n\n## Requirements\n\n### Requirement: Outside Secret\n\nIt SHALL stay unread.\n\n#### Scenario: Unread\n\n- **WHEN** indexed\n- **THEN** absent\n",
    );
    let ws = spec_workspace(GOOD_SPEC);
    let link = |target: &Path, rel: &str| {
        let at = ws.join(rel);
        std::fs::create_dir_all(at.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, at).unwrap();
    };
    link(&outside.join("secret"), "openspec/specs/linked-folder");
    link(
        &outside.join("secret/spec.md"),
        "openspec/specs/linked-file/spec.md",
    );

    let check = ws.check(&["--format", "json"]);
    let json = check.json();
    assert_eq!(json["summary"]["files"], 1, "{json}");

    let mut lsp = start(&ws, utf16_client());
    // The workspace is read once its own spec is found.
    lsp.request_until(
        "workspace/symbol",
        json!({"query": "Greeting"}),
        WAIT_TIMEOUT,
        |v| v.as_array().is_some_and(|a| !a.is_empty()),
    );
    let secret = |lsp: &mut LspClient| {
        lsp.request_ok("workspace/symbol", json!({"query": "Outside Secret"}))
            .as_array()
            .is_some_and(|a| !a.is_empty())
    };
    assert!(!secret(&mut lsp), "a linked spec was read");
    // A link made while the server runs, announced by the client.
    link(
        &outside.join("secret/spec.md"),
        "openspec/specs/late/spec.md",
    );
    let late = file_uri(&ws.join("openspec/specs/late/spec.md"));
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": late, "type": 1}]}),
    );
    lsp.notify(
        "workspace/didCreateFiles",
        json!({"files": [{"uri": late}]}),
    );
    assert!(!secret(&mut lsp), "a link created later was read");
    // While a real file created the same way is read.
    ws.write(
        "openspec/specs/late-real/spec.md",
        GOOD_SPEC.replace("Requirement: Greeting", "Requirement: Late Real"),
    );
    let real = file_uri(&ws.join("openspec/specs/late-real/spec.md"));
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": real, "type": 1}]}),
    );
    let found = lsp.request_until(
        "workspace/symbol",
        json!({"query": "Late Real"}),
        WAIT_TIMEOUT,
        |v| v.as_array().is_some_and(|a| !a.is_empty()),
    );
    assert!(found.as_array().is_some_and(|a| !a.is_empty()));
    assert!(!secret(&mut lsp), "a link was read with the real file");
    lsp.shutdown_and_exit();
}

/// No program is started: every name a tool might run is on `PATH` as a
/// program that leaves a mark, and none is left after a session and the
/// commands. (And the source holds no way to start one: see below.)
#[test]
fn no_program_is_run() {
    let decoys = Workspace::empty();
    let marks = Workspace::empty();
    for name in [
        "git", "sh", "bash", "node", "npm", "npx", "openspec", "cargo", "xdg-open", "python3",
        "nvim", "code", "specls",
    ] {
        let p = decoys.join(name);
        std::fs::write(
            &p,
            format!("#!/bin/sh\ntouch '{}/{name}'\n", marks.path().display()),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = decoys.path().to_string_lossy().into_owned();
    let ws = Workspace::copy_of(&examples_dir());
    let mut lsp = LspClient::spawn_with_env(&["lsp"], ws.path(), &[("PATH", &path)]);
    lsp.initialize(utf16_client().pull_diagnostics(true), fast(), &[ws.path()]);
    lsp.initialized();
    busy_session(&mut lsp, &ws);
    lsp.shutdown_and_exit();
    for args in [vec!["check", "."], vec!["tasks", "add-call-transfer"]] {
        let status = Command::new(specls_bin())
            .args(&args)
            .current_dir(ws.path())
            .env("PATH", &path)
            .output()
            .expect("specls runs");
        assert!(status.status.code().is_some());
    }
    let left: Vec<PathBuf> = snapshot(marks.path()).into_keys().collect();
    assert!(left.is_empty(), "programs were run: {left:?}");
}

/// The source has no way to start a program, open a socket or write a
/// file: none of the standard library's entry points for those appears in
/// the server's code outside its tests.
#[test]
fn the_source_starts_no_program_opens_no_socket_writes_no_file() {
    let forbidden = [
        "process::Command",
        "Command::new(",
        "std::net",
        "TcpStream",
        "UdpSocket",
        "fs::write(",
        "File::create",
        "OpenOptions",
        "create_dir",
        "remove_file",
        "remove_dir",
        "fs::rename",
        "fs::copy",
        "set_permissions",
    ];
    let mut found = Vec::new();
    let mut stack = vec![repo_root().join("server/src")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            if p.extension().is_none_or(|x| x != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            // Unit tests at the end of a file may write fixtures.
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            for (i, line) in code.lines().enumerate() {
                let l = line.trim_start();
                if l.starts_with("//") {
                    continue;
                }
                // A read-only open (the guarded read's, which must not
                // wait on a pipe) and the trait it needs write nothing.
                let read_only = (l.contains("OpenOptions::new().read(true)")
                    && ![".write(", ".append(", ".create", ".truncate("]
                        .iter()
                        .any(|w| l.contains(w)))
                    || l == "use std::os::unix::fs::OpenOptionsExt;";
                for f in forbidden {
                    // `lsp::Command` is a protocol type, not a process.
                    if l.contains(f)
                        && !l.contains("lsp::Command")
                        && !(f == "OpenOptions" && read_only)
                    {
                        found.push(format!("{}:{}: {l}", p.display(), i + 1));
                    }
                }
            }
        }
    }
    assert!(found.is_empty(), "{found:#?}");
}
