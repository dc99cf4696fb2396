//! Readers for the spec formats besides OpenSpec's own (whose reader is
//! `model`, mapped into the shape in `openspec`), and the format-neutral
//! shape every reader hands to the shared engine.
//!
//! Each format has a reader that turns one file's text into a rich,
//! format-specific summary (what its own rules and editor features need), and
//! a mapping from those summaries into [`shape::Document`]: requirements with
//! stable ids, scenarios with steps, phases, and tasks with state, parent,
//! dependencies and links. Dependency, link, coverage, cycle and completion
//! logic is written once over that shape. Spec Kit maps into it in
//! `speckit::graph`, Kiro in `kiro::graph`; [`unit::check_unit`] runs the
//! rules every format shares over one unit's documents. docs/formats.md says
//! how a new format plugs in.

pub mod kiro;
pub mod openspec;
pub mod shape;
pub mod speckit;
pub mod unit;

#[cfg(test)]
mod tests {
    use crate::diagnostic::Code;

    /// The engine reports findings under [`Code`]: a format's code that the
    /// table lacks could be neither configured nor reported.
    #[test]
    fn every_format_code_is_in_the_code_table() {
        for &name in super::speckit::rules::CODES
            .iter()
            .chain(super::kiro::rules::CODES)
        {
            let code = Code::parse(name).unwrap_or_else(|| panic!("{name} is not a Code"));
            assert_eq!(code.as_str(), name);
        }
    }
}
