//! `specls check --format github`: GitHub Actions workflow commands, one
//! annotation per diagnostic (`::error file=…,line=…::message`), so that a
//! workflow step shows each problem on the line of the pull request's diff
//! it belongs to. Paths are relative to the current folder, where the
//! workflow runs the check (the repository's root).

use super::check::{Counts, RootReport};
use super::{located, render, shown_path};
use crate::rules::Severity;

/// GitHub has three annotation levels; info and hint are both notices.
fn command(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "notice",
    }
}

/// A message: `%`, CR and LF would end or corrupt the command.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value: as a message, and `:` and `,` separate properties.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn github(reports: &[RootReport], counts: Counts) -> String {
    let mut out = String::new();
    for d in located(reports) {
        let title = format!("specls {}", d.code.as_str());
        out.push_str(&format!(
            "::{} file={},line={},endLine={},col={},endColumn={},title={}::{}\n",
            command(d.severity),
            escape_property(&d.file),
            d.start.0,
            d.end.0,
            d.start.1,
            d.end.1,
            escape_property(&title),
            escape_data(&format!("{} [{}]", d.message, d.code.as_str()))
        ));
    }
    for r in reports {
        for p in &r.problems {
            let file = shown_path(&r.root, &p.rel);
            out.push_str(&format!(
                "::error file={},title=specls::{}\n",
                escape_property(&file),
                escape_data(&format!("{file} could not be read: {}", p.message))
            ));
        }
    }
    out.push_str(&render::summary_line(counts));
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_cannot_be_broken_by_their_text() {
        assert_eq!(escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
