//! File-level problems.

use super::{Code, Scope, Sink};
use crate::model::Span;
use crate::workspace::Workspace;

pub fn check(ws: &Workspace, scope: &Scope, sink: &mut Sink) {
    for f in scope.files(ws) {
        if !f.not_utf8 {
            continue;
        }
        let at = f.text().find('\u{fffd}').unwrap_or(0);
        sink.push(
            Code::FileNotUtf8,
            &f.rel,
            Span::new(at, at + '\u{fffd}'.len_utf8().min(f.text().len() - at)),
            "This file is not valid UTF-8; it was read with the invalid bytes replaced. Save it as UTF-8 so that OpenSpec and editors read it the same way.",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::fixture::{check_annotated_bytes_only, check_annotated_only};

    #[test]
    fn invalid_utf8_is_reported_and_still_analysed() {
        // U+FFFD stands for the byte 0xFF here; the spec is read all the
        // same, and its missing requirements are reported.
        check_annotated_bytes_only(
            "//- openspec/specs/a/spec.md
## Purpose
short \u{fffd}
^^^^^^^ warning spec/purpose-too-short
      ^ warning file/not-utf8
## Requirements
^^^^^^^^^^^^^^^ error spec/no-requirements
",
            "",
        );
    }

    #[test]
    fn valid_utf8_is_not_reported() {
        check_annotated_only(
            "//- openspec/specs/a/spec.md\n## Purpose\n😀 Ünïcode\n",
            "file/",
        );
    }
}
