//! Syntax: the line scanner every file goes through, and the tree-sitter
//! block tree that open documents keep for incremental work.

pub mod js;
pub mod lines;
pub mod tree;

pub use lines::{Doc, Line};
