//! Readers for the spec formats besides OpenSpec's own (whose reader is still
//! `model`), and the format-neutral shape every reader hands to the shared
//! engine.
//!
//! Each format has a reader that turns one file's text into a rich,
//! format-specific summary (what its own rules and editor features need), and
//! a mapping from those summaries into [`shape::Document`]: requirements with
//! stable ids, scenarios with steps, phases, and tasks with state, parent,
//! dependencies and links. Dependency, link, coverage, cycle and completion
//! logic is meant to be written once over that shape. Spec Kit maps into it
//! (`speckit::graph`); Kiro's summaries are read but not yet mapped.

pub mod kiro;
pub mod shape;
pub mod speckit;
