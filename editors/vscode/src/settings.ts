// The `specls.*` settings in the shape the server reads: the keys of
// specls.toml as JSON (docs/lsp.md, "Settings").

import * as vscode from "vscode";
import { toServerSettings } from "./serverSettings";

export function serverSettings(scope?: vscode.Uri): object {
  const cfg = vscode.workspace.getConfiguration("specls", scope);
  return toServerSettings(
    cfg.get<unknown>("rules"),
    cfg.get<unknown>("diagnostics.delayMs"),
    cfg.get<unknown>("diagnostics.workspace"),
  );
}
