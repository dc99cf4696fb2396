//! specls: the engine behind the `specls` language server and `specls check`.
//!
//! Layers, each using only the ones before it: `syntax` (the line scanner and
//! the tree-sitter block tree), `model` (typed per-file summaries),
//! `workspace` (finding roots and files, the index), `rules` (diagnostics),
//! `ide` (definition, references, hover, symbols, folding, links, in byte
//! offsets and spans) and `cli` (the terminal front end). None of them knows
//! about LSP: `lsp` (the language server) is the only module that does.

pub mod cli;
pub mod config;
pub mod formats;
pub mod ide;
pub mod lsp;
pub mod model;
pub mod rules;
pub mod syntax;
pub mod text;
pub mod workspace;
