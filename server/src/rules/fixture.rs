//! Rule tests: the diagnostics of a fixture workspace (see
//! [`crate::workspace::fixture`]), rendered so that expectations read like
//! the text they point at.

use std::path::Path;

use crate::rules::{check_workspace, Diagnostic};
pub use crate::workspace::fixture::workspace;
use crate::workspace::fixture::{Annotated, Annotation};
use crate::workspace::Workspace;

/// Each diagnostic as `code path:line `marked text``, 1-based lines.
pub fn render(ws: &Workspace, diags: &[Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .map(|d| {
            let file = ws.file(&d.path);
            let text = file.map_or("", |f| f.text());
            let line = file.map_or(0, |f| f.line_col(d.span.start as usize).line) + 1;
            let marked = text.get(d.span.range()).unwrap_or("");
            format!("{} {}:{} `{}`", d.code.as_str(), d.path, line, marked)
        })
        .collect()
}

/// All diagnostics of a fixture, rendered.
pub fn check(fixture: &str) -> Vec<String> {
    let ws = workspace(fixture);
    render(&ws, &check_workspace(&ws))
}

/// Diagnostics of a fixture whose code starts with `prefix`.
pub fn check_only(fixture: &str, prefix: &str) -> Vec<String> {
    check(fixture)
        .into_iter()
        .filter(|d| d.starts_with(prefix))
        .collect()
}

/// The messages of a fixture's diagnostics whose code starts with
/// `prefix` (annotations, if any, taken out of the files first).
pub fn messages(fixture: &str, prefix: &str) -> Vec<String> {
    let ws = Annotated::new(fixture).ws;
    check_workspace(&ws)
        .into_iter()
        .filter(|d| d.code.as_str().starts_with(prefix))
        .map(|d| d.message)
        .collect()
}

/// Checks the diagnostics of an annotated fixture (see
/// [`crate::workspace::fixture::Annotation`]) whose code starts with
/// `prefix` against its annotations: code, severity and exact span
/// (annotations of other codes are not allowed). The `fix` marks are for
/// the quick-fix tests and are not looked at here.
pub fn check_annotated_only(fixture: &str, prefix: &str) {
    let fx = Annotated::new(fixture);
    let actual: Vec<Annotation> = check_workspace(&fx.ws)
        .iter()
        .filter(|d| d.code.as_str().starts_with(prefix))
        .map(annotation)
        .collect();
    let expected: Vec<Annotation> = fx
        .annotations
        .iter()
        .map(|a| Annotation {
            fix: false,
            ..a.clone()
        })
        .collect();
    assert_annotations(&fx, &expected, &actual);
}

/// [`check_annotated_only`] for files that are not valid UTF-8: each U+FFFD
/// of the fixture's files stands for a byte 0xFF, which the reader decodes
/// back to U+FFFD, so the annotations' offsets hold in the text read.
pub fn check_annotated_bytes_only(fixture: &str, prefix: &str) {
    let mut fx = Annotated::new(fixture);
    let files = fx
        .files
        .iter()
        .map(|(path, text)| {
            let mut bytes = Vec::with_capacity(text.len());
            for (i, c) in text.char_indices() {
                match c {
                    '\u{fffd}' => bytes.push(0xff),
                    _ => bytes.extend_from_slice(&text.as_bytes()[i..i + c.len_utf8()]),
                }
            }
            (path.clone(), bytes)
        })
        .collect();
    fx.ws = Workspace::from_memory(Path::new("/fixture"), files);
    let actual: Vec<Annotation> = check_workspace(&fx.ws)
        .iter()
        .filter(|d| d.code.as_str().starts_with(prefix))
        .map(annotation)
        .collect();
    assert_annotations(&fx, &fx.annotations, &actual);
}

/// A diagnostic as an annotation (no fix mark).
pub fn annotation(d: &Diagnostic) -> Annotation {
    Annotation {
        path: d.path.clone(),
        span: d.span,
        severity: d.severity.as_str().to_string(),
        code: d.code.as_str().to_string(),
        fix: false,
    }
}

/// Panics, showing what is missing, what is extra and the fixture as it
/// should be annotated, unless both lists hold the same annotations.
pub fn assert_annotations(fx: &Annotated, expected: &[Annotation], actual: &[Annotation]) {
    let mut expected = expected.to_vec();
    let mut actual = actual.to_vec();
    expected.sort();
    actual.sort();
    if expected == actual {
        return;
    }
    let show = |a: &Annotation| {
        let file = fx.ws.file(&a.path);
        let text = file.map_or("", |f| f.text());
        let line = file.map_or(0, |f| f.line_col(a.span.start as usize).line) + 1;
        format!(
            "  {} {}{} {}:{line} {:?}",
            a.severity,
            a.code,
            if a.fix { " fix" } else { "" },
            a.path,
            text.get(a.span.range()).unwrap_or("<bad span>")
        )
    };
    let missing: Vec<String> = expected
        .iter()
        .filter(|a| !actual.contains(a))
        .map(show)
        .collect();
    let extra: Vec<String> = actual
        .iter()
        .filter(|a| !expected.contains(a))
        .map(show)
        .collect();
    panic!(
        "the diagnostics differ from the annotations\nannotated, not found:\n{}\nfound, not annotated:\n{}\nthe fixture annotated with what was found:\n{}",
        missing.join("\n"),
        extra.join("\n"),
        fx.render(&actual)
    );
}

#[cfg(test)]
mod tests {
    use super::check_annotated_only;

    #[test]
    #[should_panic(
        expected = "annotated, not found:\n  error tasks/unknown-dependency openspec/changes/c/tasks.md:2 \"1.\""
    )]
    fn a_span_off_by_one_is_a_mismatch() {
        check_annotated_only(
            r#"//- openspec/changes/c/tasks.md
## 1. A
- [ ] 1.1 a (requires 1.9)
                      ^^ error tasks/unknown-dependency
"#,
            "tasks/",
        );
    }

    #[test]
    #[should_panic(expected = "found, not annotated:\n  warning tasks/duplicate-id")]
    fn an_unannotated_diagnostic_is_a_mismatch() {
        check_annotated_only(
            "//- openspec/changes/c/tasks.md\n## 1. A\n- [ ] 1.1 a\n- [ ] 1.1 b\n",
            "tasks/",
        );
    }
}
