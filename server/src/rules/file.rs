//! File-level problems.

use super::{Code, Scope, Sink};
use crate::model::Span;
use crate::workspace::Workspace;

pub fn check(ws: &Workspace, scope: &Scope, sink: &mut Sink) {
    for f in scope.files(ws) {
        if !f.not_utf8 {
            continue;
        }
        let at = f.text.find('\u{fffd}').unwrap_or(0);
        sink.push(
            Code::FileNotUtf8,
            &f.rel,
            Span::new(at, at + '\u{fffd}'.len_utf8().min(f.text.len() - at)),
            "This file is not valid UTF-8; it was read with the invalid bytes replaced. Save it as UTF-8 so that OpenSpec and editors read it the same way.",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::fixture::check_bytes;

    #[test]
    fn invalid_utf8_is_reported_and_still_analysed() {
        let got = check_bytes(
            "openspec/specs/a/spec.md",
            b"## Purpose\nshort \xff\n## Requirements\n",
        );
        assert!(
            got.contains(&"file/not-utf8 openspec/specs/a/spec.md:2 `\u{fffd}`".to_string()),
            "{got:#?}"
        );
        assert!(
            got.iter().any(|d| d.starts_with("spec/no-requirements")),
            "{got:#?}"
        );
    }

    #[test]
    fn valid_utf8_is_not_reported() {
        let got = check_bytes(
            "openspec/specs/a/spec.md",
            "## Purpose\n😀 Ünïcode\n".as_bytes(),
        );
        assert!(!got.iter().any(|d| d.starts_with("file/")), "{got:#?}");
    }
}
