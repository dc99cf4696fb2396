// No vscode import, so it is unit-tested in node.

export interface ServerSettings {
  rules: Record<string, string>;
  diagnostics: { "delay-ms"?: number; workspace?: boolean };
}

// `delayMs` and `workspace` are sent only when set: unset, the workspace's
// specls.toml (or the server's default) decides.
export function toServerSettings(rules: unknown, delayMs: unknown, workspace?: unknown): ServerSettings {
  const out: ServerSettings = { rules: {}, diagnostics: {} };
  if (rules && typeof rules === "object" && !Array.isArray(rules)) {
    for (const [name, level] of Object.entries(rules as Record<string, unknown>)) {
      if (typeof level === "string") {
        out.rules[name] = level;
      }
    }
  }
  if (typeof delayMs === "number" && Number.isFinite(delayMs) && delayMs >= 0) {
    out.diagnostics["delay-ms"] = Math.round(delayMs);
  }
  if (typeof workspace === "boolean") {
    out.diagnostics.workspace = workspace;
  }
  return out;
}
