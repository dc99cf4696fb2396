// A stand-in for the `vscode` module, just enough of it for the extension
// and vscode-languageclient to run in plain node against a real server. It
// records what the extension shows (messages, status bar, documents,
// diagnostics, commands) so that host.test.js can assert on it.
//
// Anything not modelled here is a generic class or a no-op returning a
// disposable, so that the client's many feature registrations succeed.

"use strict";

const url = require("node:url");
const path = require("node:path");

function disposable(fn) {
  return { dispose: fn || (() => {}) };
}

class Disposable {
  constructor(fn) {
    this._fn = fn;
  }
  static from(...items) {
    return new Disposable(() => items.forEach((d) => d && d.dispose && d.dispose()));
  }
  dispose() {
    if (this._fn) this._fn();
  }
}

class EventEmitter {
  constructor() {
    this.listeners = new Set();
    this.event = (listener, thisArg) => {
      const l = thisArg ? listener.bind(thisArg) : listener;
      this.listeners.add(l);
      return disposable(() => this.listeners.delete(l));
    };
  }
  fire(value) {
    for (const l of [...this.listeners]) l(value);
  }
  dispose() {
    this.listeners.clear();
  }
}

class Uri {
  constructor(str) {
    const u = new URL(str);
    this.scheme = u.protocol.replace(/:$/, "");
    this.authority = u.host;
    this.path = decodeURIComponent(u.pathname);
    this.query = u.search.replace(/^\?/, "");
    this.fragment = u.hash.replace(/^#/, "");
    this._str = this.scheme === "file" ? url.pathToFileURL(this.path).href : str;
  }
  static parse(str) {
    return new Uri(str);
  }
  static file(p) {
    return new Uri(url.pathToFileURL(p).href);
  }
  static joinPath(base, ...parts) {
    return Uri.file(path.join(base.fsPath, ...parts));
  }
  get fsPath() {
    return this.scheme === "file" ? this.path : this._str;
  }
  with() {
    return this;
  }
  toString() {
    return this._str;
  }
  toJSON() {
    return this._str;
  }
}

class Position {
  constructor(line, character) {
    this.line = line;
    this.character = character;
  }
}

class Range {
  constructor(a, b, c, d) {
    if (typeof a === "number") {
      this.start = new Position(a, b);
      this.end = new Position(c, d);
    } else {
      this.start = a;
      this.end = b;
    }
  }
}

class Diagnostic {
  constructor(range, message, severity) {
    this.range = range;
    this.message = message;
    this.severity = severity;
  }
}

class CancellationError extends Error {}

class CancellationTokenSource {
  constructor() {
    const emitter = new EventEmitter();
    this.token = { isCancellationRequested: false, onCancellationRequested: emitter.event };
    this._emitter = emitter;
  }
  cancel() {
    this.token.isCancellationRequested = true;
    this._emitter.fire();
  }
  dispose() {}
}

class TabInputText {
  constructor(uri) {
    this.uri = uri;
  }
}

class ThemeColor {
  constructor(id) {
    this.id = id;
  }
}

// Classes and enums the client's converters touch but the tests do not
// look into.
function generic(name) {
  const cls = class {
    constructor(...args) {
      this.args = args;
    }
  };
  Object.defineProperty(cls, "name", { value: name });
  return new Proxy(cls, {
    get(target, prop) {
      if (prop in target) return target[prop];
      return typeof prop === "string" ? `${name}.${prop}` : undefined;
    },
  });
}

/// A fake TextDocument with the text of `file`.
function textDocument(file, text) {
  const uri = Uri.file(file);
  const lines = text.split("\n");
  return {
    uri,
    fileName: file,
    languageId: "markdown",
    version: 1,
    isClosed: false,
    isDirty: false,
    isUntitled: false,
    lineCount: lines.length,
    eol: 1,
    getText: () => text,
    lineAt: (i) => ({ text: lines[typeof i === "number" ? i : i.line] }),
  };
}

/// Minimal glob for `**/openspec/**/*.md`-style patterns.
function globMatch(pattern, file) {
  const re = pattern
    .split("**/")
    .map((part) => part.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*"))
    .join("(?:.*/)?");
  return new RegExp(`(^|/)${re}$`).test(file);
}

function createVscode(options) {
  const state = {
    config: options.config || {},
    errors: [],
    warnings: [],
    infos: [],
    answers: options.answers || (() => undefined),
    executed: [],
    commands: new Map(),
    opened: [],
    shown: [],
    diagnostics: new Map(),
    status: undefined,
    output: [],
    configListeners: new EventEmitter(),
  };
  const documents = options.documents || [];

  function getConfiguration(section) {
    const prefix = section ? `${section}.` : "";
    return {
      get(key, dflt) {
        const full = prefix + key;
        if (full in state.config) return state.config[full];
        // Nested reads: getConfiguration("specls").get("diagnostics")
        const nested = {};
        let any = false;
        for (const [k, v] of Object.entries(state.config)) {
          if (k.startsWith(full + ".")) {
            nested[k.slice(full.length + 1)] = v;
            any = true;
          }
        }
        return any ? nested : dflt;
      },
      has(key) {
        return prefix + key in state.config;
      },
      inspect(key) {
        return { key: prefix + key, globalValue: state.config[prefix + key] };
      },
      update: async () => {},
    };
  }

  function match(selector, doc) {
    const sels = Array.isArray(selector) ? selector : [selector];
    for (const s of sels) {
      if (typeof s === "string") {
        if (s === doc.languageId) return 10;
        continue;
      }
      if (s.language && s.language !== doc.languageId) continue;
      if (s.scheme && s.scheme !== doc.uri.scheme) continue;
      if (s.pattern && !globMatch(typeof s.pattern === "string" ? s.pattern : s.pattern.pattern, doc.uri.fsPath))
        continue;
      return 10;
    }
    return 0;
  }

  const message = (list) => async (msg, ...items) => {
    if (items.length && typeof items[0] === "object" && !Array.isArray(items[0]) && !items[0].title) items.shift();
    list.push({ message: msg, items });
    return state.answers(msg, items);
  };

  const noEvent = () => disposable();

  const base = {
    version: "1.82.0",
    Uri,
    Position,
    Range,
    Diagnostic,
    Disposable,
    EventEmitter,
    CancellationError,
    CancellationTokenSource,
    TabInputText,
    TabInputTextDiff: class {},
    TabInputCustom: class {},
    ThemeColor,
    DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
    StatusBarAlignment: { Left: 1, Right: 2 },
    ViewColumn: { Active: -1, Beside: -2, One: 1 },
    ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
    env: { appName: "vscode-mock", language: "en", machineId: "mock", openExternal: async () => true },
    extensions: { getExtension: () => undefined, all: [] },
    commands: {
      registerCommand(id, fn) {
        if (state.commands.has(id)) throw new Error(`command '${id}' already exists`);
        state.commands.set(id, fn);
        return disposable(() => state.commands.delete(id));
      },
      async executeCommand(id, ...args) {
        state.executed.push({ id, args });
        const fn = state.commands.get(id);
        return fn ? fn(...args) : undefined;
      },
      getCommands: async () => [...state.commands.keys()],
    },
    window: {
      createOutputChannel(name) {
        return {
          name,
          append: (s) => state.output.push(s),
          appendLine: (s) => state.output.push(s),
          replace: () => {},
          clear: () => {},
          show: () => {},
          hide: () => {},
          dispose: () => {},
        };
      },
      createStatusBarItem() {
        const item = { text: "", tooltip: "", show() {}, hide() {}, dispose() {} };
        state.status = item;
        return item;
      },
      showErrorMessage: message(state.errors),
      showWarningMessage: message(state.warnings),
      showInformationMessage: message(state.infos),
      async showTextDocument(doc, opts) {
        state.shown.push({ doc, opts });
        return { document: doc };
      },
      activeTextEditor: options.activeDocument ? { document: options.activeDocument } : undefined,
      visibleTextEditors: [],
      tabGroups: {
        all: [{ tabs: documents.map((d) => ({ input: new TabInputText(d.uri) })) }],
        onDidChangeTabs: noEvent,
        onDidChangeTabGroups: noEvent,
      },
      onDidChangeActiveTextEditor: noEvent,
      onDidChangeVisibleTextEditors: noEvent,
      withProgress: async (opts, task) => task({ report() {} }, new CancellationTokenSource().token),
      createWebviewPanel: () => {
        throw new Error("no webviews in the mock");
      },
    },
    workspace: {
      workspaceFolders: options.folder ? [{ uri: Uri.file(options.folder), name: "ws", index: 0 }] : undefined,
      textDocuments: documents,
      getConfiguration,
      getWorkspaceFolder: () => undefined,
      onDidChangeConfiguration: state.configListeners.event,
      onDidOpenTextDocument: noEvent,
      onDidCloseTextDocument: noEvent,
      onDidChangeTextDocument: noEvent,
      onDidSaveTextDocument: noEvent,
      onWillSaveTextDocument: noEvent,
      onDidChangeWorkspaceFolders: noEvent,
      onDidCreateFiles: noEvent,
      onDidRenameFiles: noEvent,
      onDidDeleteFiles: noEvent,
      onWillCreateFiles: noEvent,
      onWillRenameFiles: noEvent,
      onWillDeleteFiles: noEvent,
      onDidOpenNotebookDocument: noEvent,
      onDidCloseNotebookDocument: noEvent,
      onDidChangeNotebookDocument: noEvent,
      onDidSaveNotebookDocument: noEvent,
      notebookDocuments: [],
      findFiles: async () => [],
      createFileSystemWatcher: () => ({
        onDidCreate: noEvent,
        onDidChange: noEvent,
        onDidDelete: noEvent,
        dispose() {},
      }),
      applyEdit: async () => true,
      async openTextDocument(arg) {
        const doc = { uri: Uri.parse("untitled:Untitled-1"), languageId: arg.language, getText: () => arg.content };
        state.opened.push(arg);
        return doc;
      },
      fs: {},
    },
    languages: {
      match,
      createDiagnosticCollection(name) {
        return {
          name,
          set(uri, diags) {
            if (Array.isArray(uri)) {
              for (const [u, d] of uri) state.diagnostics.set(u.toString(), d || []);
            } else {
              state.diagnostics.set(uri.toString(), diags || []);
            }
          },
          delete(uri) {
            state.diagnostics.delete(uri.toString());
          },
          clear() {
            state.diagnostics.clear();
          },
          get(uri) {
            return state.diagnostics.get(uri.toString());
          },
          has(uri) {
            return state.diagnostics.has(uri.toString());
          },
          forEach(fn) {
            for (const [u, d] of state.diagnostics) fn(Uri.parse(u), d, this);
          },
          dispose() {},
        };
      },
      getLanguages: async () => ["markdown"],
    },
  };

  // languages.registerXProvider and friends: accepted and ignored.
  base.languages = new Proxy(base.languages, {
    get(target, prop) {
      if (prop in target) return target[prop];
      return () => disposable();
    },
  });
  const vscode = new Proxy(base, {
    get(target, prop) {
      if (prop in target) return target[prop];
      if (typeof prop === "string" && /^[A-Z]/.test(prop)) {
        target[prop] = generic(prop);
        return target[prop];
      }
      return undefined;
    },
  });
  return { vscode, state, textDocument };
}

module.exports = { createVscode, textDocument, Uri };
