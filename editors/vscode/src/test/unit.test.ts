// Unit tests of the parts that need no VS Code: `node --test out/test`.

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, test } from "node:test";
import { findServer } from "../server";
import { toServerSettings } from "../serverSettings";
import { graphText, taskGraphTarget } from "../taskGraph";

const made: string[] = [];
after(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "specls-vscode-"));
  made.push(d);
  return d;
}

function executable(dir: string, name: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, "#!/bin/sh\n");
  fs.chmodSync(p, 0o755);
  return p;
}

test("settings have the shape of specls.toml", () => {
  assert.deepEqual(toServerSettings({ "rfc2119/lowercase-keyword": "off" }, 300), {
    rules: { "rfc2119/lowercase-keyword": "off" },
    diagnostics: { "delay-ms": 300 },
  });
});

test("an unset delay is left to specls.toml", () => {
  assert.deepEqual(toServerSettings({}, null), { rules: {}, diagnostics: {} });
  assert.deepEqual(toServerSettings(undefined, undefined), { rules: {}, diagnostics: {} });
});

test("workspace diagnostics are sent only when set", () => {
  assert.deepEqual(toServerSettings({}, null, false), { rules: {}, diagnostics: { workspace: false } });
  assert.deepEqual(toServerSettings({}, null, null), { rules: {}, diagnostics: {} });
  assert.deepEqual(toServerSettings({}, null, "no"), { rules: {}, diagnostics: {} });
});

test("settings drop values the server cannot read", () => {
  assert.deepEqual(toServerSettings({ a: "off", b: 3 }, -1), { rules: { a: "off" }, diagnostics: {} });
  assert.deepEqual(toServerSettings(["x"], 12.6), { rules: {}, diagnostics: { "delay-ms": 13 } });
});

test("the server is found on PATH before ~/.cargo/bin", { skip: process.platform === "win32" }, () => {
  const home = tempDir();
  const bin = tempDir();
  fs.mkdirSync(path.join(home, ".cargo", "bin"), { recursive: true });
  const cargo = executable(path.join(home, ".cargo", "bin"), "specls");
  const onPath = executable(bin, "specls");
  assert.equal(findServer("", { PATH: bin }, home).path, onPath);
  assert.equal(findServer("", { PATH: "" }, home).path, cargo);
});

test("the bundled server comes after the setting and before PATH", { skip: process.platform === "win32" }, () => {
  const home = tempDir();
  const bin = tempDir();
  const ext = tempDir();
  const onPath = executable(bin, "specls");
  // An extension without bin/ (the platform-neutral .vsix) falls through.
  assert.equal(findServer("", { PATH: bin }, home, ext).path, onPath);
  fs.mkdirSync(path.join(ext, "bin"));
  const bundled = executable(path.join(ext, "bin"), "specls");
  assert.deepEqual(findServer("", { PATH: bin }, home, ext), { path: bundled, bundled: true });
  const configured = executable(tempDir(), "my-specls");
  assert.equal(findServer(configured, { PATH: bin }, home, ext).path, configured);
});

test("no server: nothing found, nothing configured", { skip: process.platform === "win32" }, () => {
  const home = tempDir();
  assert.deepEqual(findServer("", { PATH: tempDir() }, home), {});
});

test("a configured path must exist and be executable", { skip: process.platform === "win32" }, () => {
  const dir = tempDir();
  const exe = executable(dir, "my-specls");
  const plain = path.join(dir, "plain");
  fs.writeFileSync(plain, "");
  assert.deepEqual(findServer(exe, {}, dir), { path: exe, configured: exe });
  assert.equal(findServer(path.join(dir, "nope"), {}, dir).problem, "does not exist");
  assert.equal(findServer(plain, {}, dir).problem, "is not an executable file");
  assert.equal(findServer("~/my-specls", {}, dir).path, exe);
});

test("task graph target from a code lens, a uri, or the active editor", () => {
  const uri = "file:///w/openspec/changes/a/tasks.md";
  assert.deepEqual(taskGraphTarget({ uri, format: "mermaid" }, undefined), { uri, format: "mermaid" });
  assert.deepEqual(taskGraphTarget([{ uri, format: "mermaid" }], undefined), { uri, format: "mermaid" });
  assert.deepEqual(taskGraphTarget(undefined, uri), { uri, format: "mermaid" });
  assert.deepEqual(taskGraphTarget({ scheme: "file", toString: () => uri }, undefined), { uri, format: "mermaid" });
  assert.equal(taskGraphTarget(undefined, undefined), undefined);
  assert.equal(taskGraphTarget(undefined, "file:///w/x.ts"), undefined);
});

test("the Mermaid text is the answer or a field of it", () => {
  assert.equal(graphText("graph TD\n"), "graph TD\n");
  assert.equal(graphText({ text: "flowchart LR" }), "flowchart LR");
  assert.equal(graphText({ mermaid: "graph" }), "graph");
  assert.equal(graphText(null), undefined);
  assert.equal(graphText({ other: 1 }), undefined);
});
