//! Readers for the spec formats besides OpenSpec: file text in, typed
//! immutable summary out.

pub mod kiro;
