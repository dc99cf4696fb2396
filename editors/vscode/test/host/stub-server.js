// A stand-in language server for the task-graph contract: it answers
// `initialize`, and `workspace/executeCommand` `specls.taskGraph` with a
// fixed Mermaid text, and appends every executeCommand's params as one JSON
// line to the file named by STUB_LOG. With STUB_DIE=1 it exits with status 1
// right after `initialized`, a server that crashes once running.

"use strict";

const fs = require("node:fs");

let buf = Buffer.alloc(0);
function send(msg) {
  const body = Buffer.from(JSON.stringify(msg), "utf8");
  process.stdout.write(`Content-Length: ${body.length}\r\n\r\n`);
  process.stdout.write(body);
}

function handle(msg) {
  if (msg.method === "initialize") {
    send({
      jsonrpc: "2.0",
      id: msg.id,
      result: { capabilities: { executeCommandProvider: { commands: ["specls.taskGraph"] } } },
    });
  } else if (msg.method === "initialized" && process.env.STUB_DIE === "1") {
    setTimeout(() => process.exit(1), 50);
  } else if (msg.method === "workspace/executeCommand") {
    fs.appendFileSync(process.env.STUB_LOG, JSON.stringify(msg.params) + "\n");
    send({ jsonrpc: "2.0", id: msg.id, result: "graph TD\n  t1_1[1.1] --> t1_2[1.2]\n" });
  } else if (msg.method === "shutdown") {
    send({ jsonrpc: "2.0", id: msg.id, result: null });
  } else if (msg.method === "exit") {
    process.exit(0);
  } else if (msg.id !== undefined && msg.method !== undefined) {
    send({ jsonrpc: "2.0", id: msg.id, result: null });
  }
}

process.stdin.on("data", (chunk) => {
  buf = Buffer.concat([buf, chunk]);
  for (;;) {
    const end = buf.indexOf("\r\n\r\n");
    if (end < 0) return;
    const m = /Content-Length: (\d+)/i.exec(buf.slice(0, end).toString());
    const len = Number(m[1]);
    if (buf.length < end + 4 + len) return;
    const body = buf.slice(end + 4, end + 4 + len).toString("utf8");
    buf = buf.slice(end + 4 + len);
    handle(JSON.parse(body));
  }
});
