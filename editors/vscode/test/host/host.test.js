// The built extension (dist/extension.js) with the real vscode-languageclient,
// run in node against the real `specls` binary, with `vscode` replaced by
// vscode-mock.js. It checks what VS Code cannot be started here to show:
// the settings reach the server in its shape, a missing or crashing server
// gives an error with a button to open the setting, and the task graph
// command keeps its contract.
//
//   SPECLS_BIN=/path/to/specls node --test test/host/
//
// SPECLS_BIN defaults to ../../target/debug/specls; without a binary the
// server tests skip (and say so), unless SPECLS_REQUIRE_HOST_TEST=1.

"use strict";

const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const Module = require("node:module");
const { execFileSync } = require("node:child_process");
const { after, test } = require("node:test");
const { createVscode, textDocument, Uri } = require("./vscode-mock");

const root = path.resolve(__dirname, "..", "..", "..", "..");
const bundle = path.resolve(__dirname, "..", "..", "dist", "extension.js");
const bin = process.env.SPECLS_BIN || path.join(root, "target", "debug", "specls");
const haveBin = fs.existsSync(bin);
if (!haveBin) {
  if (process.env.SPECLS_REQUIRE_HOST_TEST === "1") {
    throw new Error(`SPECLS_REQUIRE_HOST_TEST=1 but there is no specls binary at ${bin}`);
  }
  process.stderr.write(`no specls binary at ${bin}: skipping the tests that need the server (set SPECLS_BIN)\n`);
}

let current;
const realLoad = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === "vscode") return current.vscode;
  return realLoad.call(this, request, parent, isMain);
};

/// A fresh copy of the extension module on a fresh mock.
function load(options) {
  current = createVscode(options);
  delete require.cache[bundle];
  const ext = require(bundle);
  const context = { subscriptions: [], extensionPath: path.dirname(bundle) };
  return { ext, context, ...current };
}

async function until(what, cond, ms = 15000) {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const made = [];
after(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(prefix) {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(d);
  return d;
}

function copyExamples() {
  const dir = tempDir("specls-vscode-host-");
  fs.cpSync(path.join(root, "examples"), dir, { recursive: true });
  return dir;
}

function tasksDocument(ws) {
  const file = path.join(ws, "openspec", "changes", "add-call-transfer", "tasks.md");
  return textDocument(fs.realpathSync(file), fs.readFileSync(file, "utf8"));
}

function codes(state, uri) {
  return (state.diagnostics.get(uri.toString()) || []).map((d) => {
    const c = d.code;
    return typeof c === "object" && c !== null ? String(c.value) : String(c);
  });
}

async function stop(h) {
  await h.ext.deactivate();
  for (const d of h.context.subscriptions) d.dispose && d.dispose();
}

test("diagnostics arrive, with specls.rules applied, and follow a settings change", { skip: !haveBin }, async () => {
  const ws = copyExamples();
  const doc = tasksDocument(ws);
  const h = load({
    folder: ws,
    documents: [doc],
    activeDocument: doc,
    config: {
      "specls.server.path": bin,
      "specls.rules": { "tasks/unknown-dependency": "off" },
      "specls.diagnostics.delayMs": 0,
      // TRACE=1: the LSP traffic, in the output channel (h.state.output).
      "specls.trace.server": process.env.TRACE ? "verbose" : "off",
    },
  });
  await h.ext.activate(h.context);
  await until("the server to run", () => h.state.status.text.includes("$(check)"));
  // examples/README.md rows 1–4 are in tasks.md; row 1 is turned off.
  await until("diagnostics of tasks.md", () => codes(h.state, doc.uri).includes("tasks/broken-acceptance-link"));
  const got = codes(h.state, doc.uri);
  assert.ok(got.includes("tasks/unlinked-acceptance"), got.join(" "));
  assert.ok(got.includes("tasks/done-before-dependency"), got.join(" "));
  assert.ok(!got.includes("tasks/unknown-dependency"), `turned off by specls.rules: ${got.join(" ")}`);

  // The rule is turned on again: the server asks for section "specls" and
  // gets it in the shape of specls.toml.
  h.state.config["specls.rules"] = {};
  h.state.configListeners.fire({ affectsConfiguration: (s) => s === "specls.rules" || s === "specls" });
  await until("unknown-dependency after the settings change", () =>
    codes(h.state, doc.uri).includes("tasks/unknown-dependency"),
  );
  assert.deepEqual(h.state.errors, []);
  await stop(h);
  assert.ok(h.state.status.text.includes("$(circle-slash)"), h.state.status.text);
});

test("a configured path that does not exist: an error whose button opens the setting", async () => {
  const h = load({
    folder: os.tmpdir(),
    documents: [textDocument("/w/openspec/specs/a/spec.md", "# a\n")],
    config: { "specls.server.path": "/nonexistent/specls" },
    answers: (msg, items) => (items.includes("Open Setting") ? "Open Setting" : undefined),
  });
  await h.ext.activate(h.context);
  await until("the error message", () => h.state.errors.length > 0);
  const e = h.state.errors[0];
  assert.match(e.message, /"\/nonexistent\/specls" \(setting specls\.server\.path\) does not exist/);
  assert.deepEqual(e.items, ["Open Setting", "Show Output", "Restart Server"]);
  await until("the settings editor", () => h.state.executed.some((c) => c.id === "workbench.action.openSettings"));
  const open = h.state.executed.find((c) => c.id === "workbench.action.openSettings");
  assert.deepEqual(open.args, ["specls.server.path"]);
  assert.ok(h.state.status.text.includes("$(error)"), h.state.status.text);
  await stop(h);
});

test("no specls on PATH: the error says how to install it", async () => {
  const empty = tempDir("specls-empty-");
  const saved = { PATH: process.env.PATH, HOME: process.env.HOME, CARGO_HOME: process.env.CARGO_HOME };
  process.env.PATH = empty;
  process.env.HOME = empty;
  delete process.env.CARGO_HOME;
  try {
    const h = load({
      folder: empty,
      documents: [textDocument("/w/openspec/specs/a/spec.md", "# a\n")],
      config: { "specls.server.path": "" },
    });
    await h.ext.activate(h.context);
    await until("the error message", () => h.state.errors.length > 0);
    assert.match(h.state.errors[0].message, /not found on PATH/);
    assert.match(h.state.errors[0].message, /cargo install --path server/);
    assert.ok(h.state.errors[0].items.includes("Open Setting"));
    await stop(h);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
});

test("a server that exits at once: an error with the setting's button, and no restart loop", () => {
  const out = execFileSync(process.execPath, [path.join(__dirname, "crash-scenario.js"), "at-once"], {
    encoding: "utf8",
  });
  const { errors, status, crash } = JSON.parse(out.trim().split("\n").pop());
  const ours = errors.filter((e) => e.message.startsWith("specls: the language server"));
  assert.equal(ours.length, 1, JSON.stringify(errors));
  assert.equal(ours[0].message.indexOf(`specls: the language server at "${crash}" could not be started`), 0, ours[0].message);
  assert.deepEqual(ours[0].items, ["Open Setting", "Show Output", "Restart Server"]);
  assert.ok(status.includes("$(error)"), status);
});

test("a server that keeps crashing once running: restarted 4 times, then an error and no more", () => {
  const out = execFileSync(process.execPath, [path.join(__dirname, "crash-scenario.js"), "after-start"], {
    encoding: "utf8",
  });
  const { errors, status } = JSON.parse(out.trim().split("\n").pop());
  const ours = errors.filter((e) => e.message.startsWith("specls: the language server"));
  const restarted = ours.filter((e) => /stopped unexpectedly; it is being restarted/.test(e.message));
  const gaveUp = ours.filter((e) => /crashed 5 times in 3 minutes and was not restarted/.test(e.message));
  assert.equal(restarted.length, 4, JSON.stringify(ours));
  assert.equal(gaveUp.length, 1, JSON.stringify(ours));
  assert.equal(ours.length, 5, JSON.stringify(ours));
  for (const e of ours) assert.ok(e.items.includes("Open Setting"), JSON.stringify(e));
  assert.ok(status.includes("$(error)"), status);
});

test("specls.showTaskGraph sends specls.taskGraph with [{uri, format}] and shows the Mermaid text", async () => {
  const dir = tempDir("specls-graph-");
  const log = path.join(dir, "requests.jsonl");
  const server = path.join(dir, "specls");
  fs.writeFileSync(server, `#!/bin/sh\nexec "${process.execPath}" "${path.join(__dirname, "stub-server.js")}"\n`);
  fs.chmodSync(server, 0o755);
  process.env.STUB_LOG = log;
  const doc = textDocument(path.join(dir, "openspec", "changes", "c", "tasks.md"), "- [ ] 1.1 A\n");
  const h = load({ folder: dir, documents: [doc], activeDocument: doc, config: { "specls.server.path": server } });
  await h.ext.activate(h.context);
  await until("the server to run", () => h.state.status.text.includes("$(check)"));

  // As a code lens invokes it.
  const uri = doc.uri.toString();
  await h.vscode.commands.executeCommand("specls.showTaskGraph", { uri, format: "mermaid" });
  // From the command palette: the active editor's document.
  await h.vscode.commands.executeCommand("specls.showTaskGraph");

  const sent = fs.readFileSync(log, "utf8").trim().split("\n").map(JSON.parse);
  assert.deepEqual(sent, [
    { command: "specls.taskGraph", arguments: [{ uri, format: "mermaid" }] },
    { command: "specls.taskGraph", arguments: [{ uri, format: "mermaid" }] },
  ]);
  assert.equal(h.state.opened.length, 2);
  assert.deepEqual(h.state.opened[0], {
    language: "markdown",
    content: "```mermaid\ngraph TD\n  t1_1[1.1] --> t1_2[1.2]\n```\n",
  });
  assert.equal(h.state.shown.length, 2);
  assert.deepEqual(h.state.errors, []);
  await stop(h);
});

test("specls.showTaskGraph without a tasks file says what to open", async () => {
  const h = load({ folder: os.tmpdir(), documents: [], config: {} });
  await h.ext.activate(h.context);
  await h.vscode.commands.executeCommand("specls.showTaskGraph");
  assert.equal(h.state.errors.length, 1);
  assert.match(h.state.errors[0].message, /open a tasks\.md/);
  await stop(h);
});

test("package.json declares every command the extension registers", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8"));
  const declared = pkg.contributes.commands.map((c) => c.command).sort();
  assert.deepEqual(declared, ["specls.restartServer", "specls.showOutput", "specls.showTaskGraph"]);
  assert.deepEqual(pkg.contributes.configuration.properties["specls.rules"].default, {});
  assert.ok(Uri.file("/a/openspec/b.md").toString().startsWith("file:///a/openspec/"));
});
