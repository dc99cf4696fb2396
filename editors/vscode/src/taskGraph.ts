// The arguments of `specls.showTaskGraph` and the server's answer to
// `specls.taskGraph`. No vscode import, so it is unit-tested in node.

export interface TaskGraphTarget {
  uri: string;
  format: string;
}

// The command is invoked by code lenses with `[{ uri, format: "mermaid" }]`,
// from the explorer with a Uri, and from the palette with nothing (then the
// active editor's document is meant).
export function taskGraphTarget(arg: unknown, activeUri: string | undefined): TaskGraphTarget | undefined {
  if (Array.isArray(arg)) {
    arg = arg[0];
  }
  let uri: string | undefined;
  let format = "mermaid";
  if (typeof arg === "string") {
    uri = arg;
  } else if (arg && typeof arg === "object") {
    const o = arg as { uri?: unknown; format?: unknown; scheme?: unknown; toString(): string };
    if (typeof o.uri === "string") {
      uri = o.uri;
    } else if (typeof o.scheme === "string") {
      uri = o.toString();
    }
    if (typeof o.format === "string") {
      format = o.format;
    }
  }
  uri = uri ?? activeUri;
  if (!uri || !/\.md$/i.test(uri)) {
    return undefined;
  }
  return { uri, format };
}

// The Mermaid text: the answer itself, or a `text`/`mermaid`/`graph` field
// of an object answer.
export function graphText(result: unknown): string | undefined {
  if (typeof result === "string") {
    return result;
  }
  if (result && typeof result === "object") {
    for (const key of ["text", "mermaid", "graph", "content"]) {
      const v = (result as Record<string, unknown>)[key];
      if (typeof v === "string") {
        return v;
      }
    }
  }
  return undefined;
}
