// Where the `specls` executable is: the setting, else the binary bundled in
// a platform-specific .vsix (bin/ of the extension), else PATH, else the
// place `cargo install` puts it. No vscode import, so it is unit-tested in
// node.

import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface ServerLookup {
  // The executable found, or undefined.
  path?: string;
  // Whether it is the one bundled with the extension.
  bundled?: boolean;
  // The setting's value when one was given.
  configured?: string;
  // Why the configured path cannot be used.
  problem?: string;
}

function isExecutable(file: string): boolean {
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) {
      return false;
    }
    if (process.platform === "win32") {
      return true;
    }
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function expandHome(p: string, home: string): string {
  if (p === "~") {
    return home;
  }
  if (p.startsWith("~/") || p.startsWith("~\\")) {
    return path.join(home, p.slice(2));
  }
  return p;
}

export function findServer(
  configured: string,
  env: NodeJS.ProcessEnv = process.env,
  home: string = os.homedir(),
  extensionDir?: string,
): ServerLookup {
  const exe = process.platform === "win32" ? "specls.exe" : "specls";
  const setting = configured.trim();
  if (setting !== "") {
    const p = expandHome(setting, home);
    if (!fs.existsSync(p)) {
      return { configured: setting, problem: "does not exist" };
    }
    if (!isExecutable(p)) {
      return { configured: setting, problem: "is not an executable file" };
    }
    return { path: p, configured: setting };
  }
  if (extensionDir) {
    const candidate = path.join(extensionDir, "bin", exe);
    if (isExecutable(candidate)) {
      return { path: candidate, bundled: true };
    }
  }
  const dirs = (env.PATH ?? env.Path ?? "").split(path.delimiter).filter((d) => d !== "");
  dirs.push(path.join(env.CARGO_HOME ?? path.join(home, ".cargo"), "bin"));
  for (const dir of dirs) {
    const candidate = path.join(dir, exe);
    if (isExecutable(candidate)) {
      return { path: candidate };
    }
  }
  return {};
}
