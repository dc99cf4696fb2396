//! Spec Kit's own rules (dialect-formats section 3) over one feature's
//! summaries, as plain findings; not yet wired to the engine's diagnostics.
