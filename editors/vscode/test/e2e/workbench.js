// Drives a code-server workbench in headless Chromium the way a user does:
// keyboard shortcuts, the command palette, and what is on the screen (the
// Problems panel, hovers, the suggest widget, the status bar, notifications).

"use strict";

const fs = require("node:fs");
const net = require("node:net");
const path = require("node:path");
const { spawn } = require("node:child_process");

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// Starts code-server and resolves once it listens. Its own process group, so
// that stopping it also stops the extension host and the language server.
async function startCodeServer({ node, entry, userData, extensions, log }) {
  const port = await freePort();
  const out = fs.openSync(log, "a");
  const child = spawn(
    node,
    [
      entry,
      "--config",
      path.join(userData, "config.yaml"),
      "--auth",
      "none",
      "--bind-addr",
      `127.0.0.1:${port}`,
      "--disable-telemetry",
      "--disable-update-check",
      "--disable-workspace-trust",
      "--disable-getting-started-override",
      "--user-data-dir",
      userData,
      "--extensions-dir",
      extensions,
    ],
    { detached: true, stdio: ["ignore", out, out] },
  );
  fs.closeSync(out);
  const deadline = Date.now() + 60000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`code-server exited with status ${child.exitCode}; see ${log}`);
    }
    if (/HTTP server listening/.test(fs.readFileSync(log, "utf8"))) {
      break;
    }
    if (Date.now() > deadline) {
      throw new Error(`code-server did not listen within 60 s; see ${log}`);
    }
    await sleep(100);
  }
  return {
    url: `http://127.0.0.1:${port}`,
    stop() {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
    },
  };
}

class Workbench {
  constructor(page, shots) {
    this.page = page;
    this.shots = shots;
    this.shot = 0;
  }

  async screenshot(name) {
    this.shot += 1;
    const file = path.join(this.shots, `${String(this.shot).padStart(2, "0")}-${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  // Polls fn in the page until it returns a truthy value.
  async until(what, fn, arg, ms = 30000) {
    try {
      const handle = await this.page.waitForFunction(fn, { timeout: ms, polling: 100 }, arg);
      return await handle.jsonValue();
    } catch (e) {
      await this.screenshot(`timeout-${what.replace(/[^a-z0-9]+/gi, "-")}`);
      throw new Error(`timed out waiting for ${what}: ${e.message}`);
    }
  }

  // Polls an async fn in node until it returns a truthy value.
  async poll(what, fn, ms = 30000) {
    const deadline = Date.now() + ms;
    let last;
    for (;;) {
      last = await fn();
      if (last) return last;
      if (Date.now() > deadline) {
        await this.screenshot(`timeout-${what.replace(/[^a-z0-9]+/gi, "-")}`);
        throw new Error(`timed out waiting for ${what}`);
      }
      await sleep(200);
    }
  }

  async press(chord) {
    const keys = chord.split("+");
    for (const k of keys) await this.page.keyboard.down(k);
    for (const k of keys.reverse()) await this.page.keyboard.up(k);
  }

  async type(text) {
    await this.page.keyboard.type(text, { delay: 5 });
  }

  async quickInput(opener, text) {
    await this.press(opener);
    await this.page.waitForSelector(".quick-input-widget:not([style*='display: none']) input", { visible: true });
    await this.type(text);
  }

  // The command palette, as a user runs a command by its title.
  async command(title) {
    await this.quickInput("F1", title);
    await this.until(
      `command "${title}" in the palette`,
      (t) => {
        const row = document.querySelector(".quick-input-list .monaco-list-row.focused");
        return row && row.textContent.includes(t);
      },
      title,
    );
    await this.press("Enter");
  }

  // Quick open (Ctrl+P) of a workspace-relative path.
  async open(rel) {
    const name = path.posix.basename(rel);
    await this.quickInput("Control+P", rel);
    const dir = path.posix.dirname(rel);
    await this.until(
      `${rel} in quick open`,
      ([n, d]) => {
        const row = document.querySelector(".quick-input-list .monaco-list-row.focused");
        const label = row ? row.getAttribute("aria-label") || "" : "";
        return label.includes(n) && label.includes(d);
      },
      [name, dir],
    );
    await this.press("Enter");
    await this.until(
      `${rel} in the editor`,
      (n) => {
        const tab = document.querySelector(".tabs-container .tab.active");
        return tab && tab.textContent.includes(n) && document.activeElement.closest(".monaco-editor");
      },
      name,
    );
  }

  // Puts the cursor at a 1-based line and column (Ctrl+G).
  async goTo(line, column) {
    await this.quickInput("Control+G", `${line}:${column}`);
    await this.press("Enter");
    await this.until(
      `the cursor at ${line}:${column}`,
      (want) => {
        const el = document.getElementById("status.editor.selection");
        return el && el.textContent.includes(want);
      },
      `Ln ${line}, Col ${column}`,
    );
  }

  async cursor() {
    return this.page.$eval("[id='status.editor.selection']", (el) => el.textContent.trim());
  }

  async activeTab() {
    return this.page.$eval(".tabs-container .tab.active", (el) => el.getAttribute("aria-label") || el.textContent);
  }

  // The text of every row of the Problems panel (it is opened if need be).
  async problems() {
    if (!(await this.page.$(".markers-panel"))) {
      await this.press("Control+Shift+M");
      await this.page.waitForSelector(".markers-panel", { visible: true });
    }
    return this.page.$$eval(".markers-panel .monaco-list-row", (rows) => rows.map((r) => r.textContent));
  }

  // The problems shown, as "source(code) [Ln l, Col c] message" (the panel
  // draws the parentheses with CSS).
  async problemRows() {
    await this.problems();
    return this.page.$$eval(".markers-panel .monaco-list-row", (rows) =>
      rows
        .filter((r) => r.querySelector(".marker-code"))
        .map((r) => {
          const t = (sel) => (r.querySelector(sel) ? r.querySelector(sel).textContent : "");
          return `${t(".marker-source")}(${t(".marker-code")}) ${t(".marker-line")} ${t(".marker-message")}`;
        }),
    );
  }

  async statusItem(id) {
    return this.page.$eval(`[id='${id}']`, (el) => ({
      text: el.textContent.trim(),
      label: el.getAttribute("aria-label") || "",
    }));
  }

  // Closes every notification toast with its own close button.
  async clearNotifications() {
    await this.page.$$eval(".notifications-toasts .notification-toast .codicon-notifications-clear", (els) =>
      els.forEach((e) => e.click()),
    );
  }

  async notifications() {
    return this.page.$$eval(".notifications-toasts .notification-toast", (els) => els.map((e) => e.textContent));
  }
}

module.exports = { Workbench, startCodeServer, sleep };
