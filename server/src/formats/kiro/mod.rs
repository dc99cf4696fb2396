//! Kiro spec trees (`.kiro/specs/<feature>/` and `.kiro/steering/`): a
//! reader per file kind, each turning a file's text into a typed, immutable
//! summary with byte spans, and the detection of Kiro roots and features.
//!
//! Kiro's format has three generations in the wild (see the format
//! reference): G1 `WHEN … THEN the system SHALL …` criteria, G2 Glossaries,
//! `THE <System> SHALL` and correctness properties, G3 `.config.kiro` and
//! bugfix specs; cc-sdd writes the same layout with `(P)` markers, Title-case
//! EARS and Japanese text. Every reader accepts all of them.

pub mod bugfix;
pub mod config;
pub mod design;
pub mod ears;
pub mod refs;
pub mod requirements;
pub mod roots;
pub mod steering;
pub mod tasks;
mod text;
