// specls for VS Code: runs `specls lsp --stdio` for the Markdown files of
// OpenSpec trees, feeds it the `specls.*` settings, and owns the commands
// the server's code lenses invoke.

import * as vscode from "vscode";
import {
  CloseAction,
  CloseHandlerResult,
  ErrorAction,
  ErrorHandlerResult,
  ExecuteCommandRequest,
  DidChangeConfigurationNotification,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  State,
  TransportKind,
} from "vscode-languageclient/node";
import { findServer, ServerLookup } from "./server";
import { serverSettings } from "./settings";
import { graphText, taskGraphTarget } from "./taskGraph";

// OpenSpec trees, and already GitHub Spec Kit (`.specify/`, `memory/`,
// `specs/<feature>/`) and Kiro (`.kiro/specs/`, `.kiro/steering/`) trees,
// whose formats the server is learning.
const PATTERNS = [
  "**/openspec/**/*.md",
  "**/.specify/**/*.md",
  "**/memory/constitution.md",
  "**/specs/*/spec.md",
  "**/specs/*/plan.md",
  "**/specs/*/tasks.md",
  "**/.kiro/specs/**/*.md",
  "**/.kiro/steering/**/*.md",
];
const SELECTOR = PATTERNS.map((pattern) => ({ scheme: "file", language: "markdown", pattern }));
// What makes a workspace one to start the server for (the activation events
// of package.json say the same).
const WORKSPACE_MARKERS = "{**/openspec/**/*.md,**/.specify/**,**/memory/constitution.md,**/.kiro/specs/**/*.md,**/.kiro/steering/**/*.md}";
// The default error handler gives up after this many crashes in this window.
const MAX_CRASHES = 4;
const CRASH_WINDOW_MS = 3 * 60 * 1000;

let client: LanguageClient | undefined;
let status: vscode.StatusBarItem;
let output: vscode.OutputChannel;
let starting: Promise<void> | undefined;
let crashes: number[] = [];
let extensionDir: string | undefined;

type Status = "starting" | "running" | "stopped" | "error";

function setStatus(state: Status, detail?: string): void {
  const icon = { starting: "$(sync~spin)", running: "$(check)", stopped: "$(circle-slash)", error: "$(error)" }[state];
  status.text = `${icon} specls`;
  status.tooltip = detail ? `specls: ${state}\n${detail}` : `specls: ${state}`;
  status.backgroundColor = state === "error" ? new vscode.ThemeColor("statusBarItem.errorBackground") : undefined;
  status.show();
}

async function openServerSetting(): Promise<void> {
  await vscode.commands.executeCommand("workbench.action.openSettings", "specls.server.path");
}

// An error the user must act on: with buttons to open the setting, show
// the log, or try again.
async function reportError(message: string): Promise<void> {
  output.appendLine(`[error] ${message}`);
  const choice = await vscode.window.showErrorMessage(message, "Open Setting", "Show Output", "Restart Server");
  if (choice === "Open Setting") {
    await openServerSetting();
  } else if (choice === "Show Output") {
    output.show(true);
  } else if (choice === "Restart Server") {
    await vscode.commands.executeCommand("specls.restartServer");
  }
}

function missingMessage(lookup: ServerLookup): string {
  if (lookup.configured) {
    return `specls: the language server at "${lookup.configured}" (setting specls.server.path) ${lookup.problem}.`;
  }
  return (
    "specls: the language server `specls` was not found on PATH or in ~/.cargo/bin. " +
    "Install it with `cargo install --path server` from the specls repository, or set specls.server.path."
  );
}

function createClient(command: string): LanguageClient {
  // A server that never got as far as running is reported by start();
  // restarting it would only fail the same way again, in the background.
  let ranOnce = false;
  const serverOptions: ServerOptions = {
    command,
    args: ["lsp"],
    transport: TransportKind.stdio,
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: SELECTOR,
    outputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    initializationOptions: () => serverSettings(),
    middleware: {
      workspace: {
        // The server asks for section "specls" in the shape of specls.toml
        // (docs/lsp.md, "Settings"), not VS Code's own layout of the keys.
        configuration: async (params, token, next) => {
          const result = await next(params, token);
          if (!Array.isArray(result)) {
            return result;
          }
          return params.items.map((item, i) => {
            if (item.section === "specls") {
              const scope = item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined;
              return serverSettings(scope);
            }
            return result[i];
          });
        },
      },
    },
    errorHandler: {
      // A write error comes before the close that explains it; the close
      // handler below reports (the client's own popup would only say
      // "connection to server is erroring").
      error: (): ErrorHandlerResult => ({ action: ErrorAction.Continue, handled: true }),
      closed: (): CloseHandlerResult => {
        if (!ranOnce) {
          return { action: CloseAction.DoNotRestart, handled: true };
        }
        const now = Date.now();
        crashes = crashes.filter((t) => now - t < CRASH_WINDOW_MS);
        crashes.push(now);
        if (crashes.length > MAX_CRASHES) {
          setStatus("error", "the server crashed repeatedly");
          void reportError(
            `specls: the language server crashed ${crashes.length} times in 3 minutes and was not restarted. ` +
              "See the specls output for its last messages.",
          );
          return { action: CloseAction.DoNotRestart, handled: true };
        }
        void reportError("specls: the language server stopped unexpectedly; it is being restarted.");
        return { action: CloseAction.Restart, handled: true };
      },
    },
  };
  // The id "specls" makes the client read `specls.trace.server`.
  const c = new LanguageClient("specls", "specls", serverOptions, clientOptions);
  c.onDidChangeState((e) => {
    if (e.newState === State.Running) {
      ranOnce = true;
      setStatus("running", `${command}`);
    } else if (e.newState === State.Starting) {
      setStatus("starting", `${command}`);
    } else if (status.text.indexOf("$(error)") < 0) {
      setStatus("stopped");
    }
  });
  return c;
}

async function start(): Promise<void> {
  const lookup = findServer(
    vscode.workspace.getConfiguration("specls").get<string>("server.path") ?? "",
    process.env,
    undefined,
    extensionDir,
  );
  if (!lookup.path) {
    setStatus("error", "language server not found");
    void reportError(missingMessage(lookup));
    return;
  }
  output.appendLine(`[info] starting ${lookup.path} lsp`);
  const c = createClient(lookup.path);
  client = c;
  setStatus("starting", lookup.path);
  try {
    await c.start();
  } catch (e) {
    client = undefined;
    setStatus("error", String(e));
    void reportError(`specls: the language server at "${lookup.path}" could not be started: ${errorText(e)}`);
  }
}

async function stop(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) {
    try {
      await c.stop(2000);
    } catch (e) {
      output.appendLine(`[warn] stopping the server: ${errorText(e)}`);
    }
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

// Starts the server once, the first time it is needed: a workspace with an
// `openspec/` tree, or a Markdown file of one being opened.
function ensureStarted(): Promise<void> {
  if (!starting) {
    starting = start();
  }
  return starting;
}

function wanted(doc: vscode.TextDocument): boolean {
  return vscode.languages.match(SELECTOR, doc) > 0;
}

async function restart(): Promise<void> {
  crashes = [];
  await stop();
  starting = start();
  await starting;
}

async function showTaskGraph(arg?: unknown): Promise<void> {
  const target = taskGraphTarget(arg, vscode.window.activeTextEditor?.document.uri.toString());
  if (!target) {
    void vscode.window.showErrorMessage("specls: open a tasks.md of an OpenSpec change to show its task graph.");
    return;
  }
  await ensureStarted();
  const c = client;
  if (!c || !c.isRunning()) {
    void reportError("specls: the language server is not running, so there is no task graph to show.");
    return;
  }
  let result: unknown;
  try {
    result = await c.sendRequest(ExecuteCommandRequest.type, {
      command: "specls.taskGraph",
      arguments: [target],
    });
  } catch (e) {
    void vscode.window.showErrorMessage(`specls: the task graph could not be made: ${errorText(e)}`);
    return;
  }
  const text = graphText(result);
  if (text === undefined) {
    void vscode.window.showErrorMessage(`specls: the server sent no task graph for ${target.uri}`);
    return;
  }
  const doc = await vscode.workspace.openTextDocument({
    language: "markdown",
    content: "```mermaid\n" + text.replace(/\n*$/, "\n") + "```\n",
  });
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extensionDir = context.extensionPath;
  output = vscode.window.createOutputChannel("specls");
  status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 100);
  status.command = "specls.showOutput";
  setStatus("stopped");
  context.subscriptions.push(output, status);

  context.subscriptions.push(
    vscode.commands.registerCommand("specls.restartServer", restart),
    vscode.commands.registerCommand("specls.showTaskGraph", showTaskGraph),
    vscode.commands.registerCommand("specls.showOutput", () => output.show(true)),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration("specls.server.path")) {
        if (starting) {
          await restart();
        }
        return;
      }
      if (e.affectsConfiguration("specls.rules") || e.affectsConfiguration("specls.diagnostics")) {
        // The server asks again (workspace/configuration); the settings
        // ride along for servers that read them from the notification.
        await client?.sendNotification(DidChangeConfigurationNotification.type, {
          settings: { specls: serverSettings() },
        });
      }
    }),
    vscode.workspace.onDidOpenTextDocument((doc) => {
      if (wanted(doc)) {
        void ensureStarted();
      }
    }),
  );

  if (vscode.workspace.textDocuments.some(wanted)) {
    await ensureStarted();
    return;
  }
  const found = await vscode.workspace.findFiles(WORKSPACE_MARKERS, "**/node_modules/**", 1);
  if (found.length > 0) {
    await ensureStarted();
  }
}

export async function deactivate(): Promise<void> {
  await stop();
}
