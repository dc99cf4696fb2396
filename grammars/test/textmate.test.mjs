// The TextMate injection (grammars/textmate) applied to VS Code's own
// Markdown grammar (the copy @shikijs/langs ships) with vscode-textmate and
// vscode-oniguruma, the libraries VS Code tokenizes with: which words get the
// OpenSpec scopes, and that Markdown's own structure is left as it was.
// Run: npm ci && npm test (in grammars/test).

import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import vsctm from "vscode-textmate";
import oniguruma from "vscode-oniguruma";
import markdown from "@shikijs/langs/markdown";

const here = path.dirname(fileURLToPath(import.meta.url));
const injection = JSON.parse(
  fs.readFileSync(path.join(here, "..", "textmate", "openspec-keywords.tmLanguage.json"), "utf8"),
);
const wasm = fs.readFileSync(path.join(here, "node_modules", "vscode-oniguruma", "release", "onig.wasm"));
await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
const md = markdown.find((g) => g.scopeName === "text.html.markdown");

function registry(withInjection) {
  return new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (p) => new oniguruma.OnigScanner(p),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope) =>
      scope === "text.html.markdown" ? md : scope === injection.scopeName ? injection : null,
    getInjections: (scope) => (withInjection && scope === "text.html.markdown" ? [injection.scopeName] : []),
  });
}
const plain = await registry(false).loadGrammar("text.html.markdown");
const injected = await registry(true).loadGrammar("text.html.markdown");

function tokenize(grammar, text) {
  let stack = vsctm.INITIAL;
  return text.split("\n").map((line) => {
    const r = grammar.tokenizeLine(line, stack);
    stack = r.ruleStack;
    return r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
  });
}

// Per line, the words that got an OpenSpec scope, as "word=kind".
function marked(text) {
  return tokenize(injected, text).map((tokens) =>
    tokens
      .map((t) => {
        const s = t.scopes.find((x) => x.endsWith(".openspec"));
        if (!s) return null;
        return `${t.text}=${s.startsWith("keyword.other.rfc2119") ? "rfc" : "step"}`;
      })
      .filter(Boolean),
  );
}

test("the injection's scope names", () => {
  assert.equal(injection.scopeName, "specls.openspec-keywords.injection");
  const pkg = JSON.parse(fs.readFileSync(path.join(here, "..", "..", "editors", "vscode", "package.json"), "utf8"));
  const g = pkg.contributes.grammars.find((x) => x.scopeName === injection.scopeName);
  assert.ok(g, "the VS Code extension contributes this grammar");
  assert.deepEqual(g.injectTo, ["text.html.markdown"]);
});

test("RFC 2119 keywords in requirement text", () => {
  assert.deepEqual(
    marked("The system SHALL greet the caller and MUST NOT stay silent; it SHOULD NOT hang up and MAY retry."),
    [["SHALL=rfc", "MUST NOT=rfc", "SHOULD NOT=rfc", "MAY=rfc"]],
  );
  assert.deepEqual(marked("REQUIRED, RECOMMENDED and OPTIONAL fields."), [
    ["REQUIRED=rfc", "RECOMMENDED=rfc", "OPTIONAL=rfc"],
  ]);
  assert.deepEqual(marked("The SHALL  NOT form with two spaces."), [["SHALL  NOT=rfc"]]);
});

test("lowercase words and parts of words are not keywords", () => {
  assert.deepEqual(marked("lowercase shall and must carry no weight, nor MUSTARD, NOT-MUST or MAY-BE."), [[]]);
});

test("step keywords, bold or plain, opening list items or lines", () => {
  const text = [
    "#### Scenario: Caller dials",
    "",
    "- **GIVEN** a phone number is claimed",
    "- **WHEN** a caller dials",
    "- **THEN** the agent answers",
    "- **AND** the greeting plays",
    "  - **BUT** not twice",
    "- When the caller hangs up",
    "* Then the call ends",
    "Given a plain line",
  ].join("\n");
  assert.deepEqual(marked(text), [
    [],
    [],
    ["GIVEN=step"],
    ["WHEN=step"],
    ["THEN=step"],
    ["AND=step"],
    ["BUT=step"],
    ["When=step"],
    ["Then=step"],
    ["Given=step"],
  ]);
});

test("a capitalised step word inside a sentence is prose", () => {
  assert.deepEqual(marked("The caller says When and Then in a sentence."), [[]]);
  assert.deepEqual(marked("- [ ] 1.1 Then task text"), [[]]);
});

test("a plain When that opens a requirement's condition or a list's lead-in is prose", () => {
  const text = [
    "### Requirement: Transfer",
    "When the caller asks for a person, the agent SHALL transfer the call.",
    "- When no operator is free, the agent MUST offer a callback.",
    "When syncing:",
    "#### Scenario: Caller asks",
    "Given a caller on the line",
    "When the caller asks for a person",
    "Then the call is transferred",
    "- **When** bold is a step even with SHALL in the line",
    "- **WHEN** the caller asks, the agent SHALL answer",
  ].join("\n");
  assert.deepEqual(marked(text), [
    [],
    ["SHALL=rfc"],
    ["MUST=rfc"],
    [],
    [],
    ["Given=step"],
    ["When=step"],
    ["Then=step"],
    ["When=step", "SHALL=rfc"],
    ["WHEN=step", "SHALL=rfc"],
  ]);
});

test("keywords in bold and italics are marked inside the emphasis", () => {
  const [tokens] = tokenize(injected, "A **SHALL** in bold.");
  const shall = tokens.find((t) => t.text === "SHALL");
  assert.ok(shall.scopes.includes("markup.bold.markdown"), shall.scopes.join(" "));
  assert.ok(shall.scopes.includes("keyword.other.rfc2119.openspec"), shall.scopes.join(" "));
});

test("code, fenced blocks, headings and link targets are left alone", () => {
  const text = [
    "### Requirement: MUST be fast",
    "",
    "Text with `MUST` in code and a [target](SHALL.md).",
    "",
    "```",
    "The code SHALL not be marked, WHEN either",
    "```",
  ].join("\n");
  assert.deepEqual(marked(text), [[], [], [], [], [], [], []]);
});

test("Markdown's own scopes are unchanged apart from the added keyword scopes", () => {
  const text = fs.readFileSync(
    path.join(here, "..", "..", "examples", "openspec", "changes", "add-call-transfer", "specs", "call-transfer", "spec.md"),
    "utf8",
  );
  const strip = (lines) =>
    lines.map((tokens) => tokens.map((t) => t.scopes.filter((s) => !s.endsWith(".openspec")).join(" ")));
  // Token boundaries differ where a keyword was split out, so compare the
  // scope of every character.
  const perChar = (grammar) =>
    tokenize(grammar, text).map((tokens) => {
      const out = [];
      for (const t of tokens) for (const _ of t.text) out.push(t.scopes.filter((s) => !s.endsWith(".openspec")).join(" "));
      return out;
    });
  assert.deepEqual(perChar(injected), perChar(plain));
  assert.ok(strip(tokenize(injected, text)).length > 50);
  const count = marked(text).flat();
  assert.ok(count.includes("SHALL=rfc") && count.includes("WHEN=step"), count.join(" "));
});
