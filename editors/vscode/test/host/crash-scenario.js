// Runs the extension against a server that exits at once (argument
// "at-once") or crashes each time soon after it started ("after-start"), and
// prints, as one JSON line, the error messages it showed and the status bar
// text. A child
// process of host.test.js: when the server dies during initialize,
// vscode-languageclient writes to its closed stdin and calls its own stop()
// without awaiting either, and node's test runner would fail any test in
// whose process that happens; VS Code's extension host only logs them.

"use strict";

const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const Module = require("node:module");
const { createVscode, textDocument } = require("./vscode-mock");

process.on("unhandledRejection", () => {});
process.on("uncaughtException", () => {});

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "specls-crash-"));
process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
const crash = path.join(dir, "specls");
const mode = process.argv[2];
fs.writeFileSync(
  crash,
  mode === "after-start"
    ? `#!/bin/sh\nSTUB_DIE=1 STUB_LOG=/dev/null exec "${process.execPath}" "${path.join(__dirname, "stub-server.js")}"\n`
    : "#!/bin/sh\nexit 3\n",
);
fs.chmodSync(crash, 0o755);

const mock = createVscode({
  folder: dir,
  documents: [textDocument("/w/openspec/specs/a/spec.md", "# a\n")],
  config: { "specls.server.path": crash },
});
const realLoad = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === "vscode") return mock.vscode;
  return realLoad.call(this, request, parent, isMain);
};
const ext = require(path.resolve(__dirname, "..", "..", "dist", "extension.js"));

(async () => {
  await ext.activate({ subscriptions: [] });
  const start = Date.now();
  const done = () =>
    mode === "after-start"
      ? mock.state.errors.some((e) => /was not restarted/.test(e.message))
      : mock.state.errors.some((e) => e.message.startsWith("specls: the language server"));
  while (!done()) {
    if (Date.now() - start > 30000) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  // The client's clean-up of the dead connection, and any restart it would
  // try, happen within this second.
  await new Promise((r) => setTimeout(r, 1000));
  process.stdout.write(
    JSON.stringify({ errors: mock.state.errors, status: mock.state.status.text, crash }) + "\n",
  );
  process.exit(0);
})();
