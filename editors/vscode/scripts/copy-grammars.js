// Copies the TextMate grammar from grammars/textmate (its single source) into
// syntaxes/, where package.json's "contributes.grammars" and the packaged
// extension find it.
const fs = require("fs");
const path = require("path");

const from = path.join(__dirname, "..", "..", "..", "grammars", "textmate", "openspec-keywords.tmLanguage.json");
const dir = path.join(__dirname, "..", "syntaxes");
fs.mkdirSync(dir, { recursive: true });
fs.copyFileSync(from, path.join(dir, "openspec-keywords.tmLanguage.json"));
