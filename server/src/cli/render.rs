//! Output of `specls check`: compiler-style text, or stable JSON.

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity as CsSeverity};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, Config as TermConfig};

use serde_json::json;

use super::check::{display_root, Counts, RootReport};
use crate::rules::Severity;

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

pub fn summary_line(c: Counts) -> String {
    format!(
        "{}, {}, {}, {} in {}",
        plural(c.errors, "error"),
        plural(c.warnings, "warning"),
        plural(c.infos, "info"),
        plural(c.hints, "hint"),
        plural(c.files, "file")
    )
}

/// The text the renderer is given: without a leading BOM (it is not a
/// column), and with lone CRs turned into LFs, which the renderer counts as
/// line breaks and which keep every byte offset where it was.
fn renderable(text: &str) -> String {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut bytes = body.as_bytes().to_vec();
    for i in 0..bytes.len() {
        if bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n') {
            bytes[i] = b'\n';
        }
    }
    String::from_utf8(bytes).expect("replacing ASCII keeps UTF-8 valid")
}

pub fn human(reports: &[RootReport], counts: Counts) -> String {
    let config = TermConfig::default();
    let mut out = String::new();
    for r in reports {
        let root = display_root(&r.root);
        let prefix = if root == "." {
            String::new()
        } else {
            format!("{root}/")
        };
        let mut files = SimpleFiles::new();
        let mut ids = std::collections::HashMap::new();
        for d in &r.diagnostics {
            let sev = match d.severity {
                Severity::Error => CsSeverity::Error,
                Severity::Warning => CsSeverity::Warning,
                Severity::Info => CsSeverity::Note,
                Severity::Hint => CsSeverity::Help,
            };
            let Some(file) = r.workspace.file(&d.path) else {
                out.push_str(&format!(
                    "{}[{}]: {}\n  ┌─ {prefix}{}\n\n",
                    d.severity.as_str(),
                    d.code.as_str(),
                    d.message,
                    d.path
                ));
                continue;
            };
            let shift = if file.text.starts_with('\u{feff}') {
                3
            } else {
                0
            };
            let id = *ids.entry(d.path.clone()).or_insert_with(|| {
                files.add(format!("{prefix}{}", d.path), renderable(&file.text))
            });
            let range = d.span.start.saturating_sub(shift) as usize
                ..d.span.end.saturating_sub(shift) as usize;
            let cs = CsDiagnostic::new(sev)
                .with_code(d.code.as_str())
                .with_message(d.message.clone())
                .with_labels(vec![Label::primary(id, range)]);
            match term::emit_into_string(&config, &files, &cs) {
                Ok(s) => out.push_str(&s),
                Err(_) => out.push_str(&format!(
                    "{}[{}]: {}\n  ┌─ {prefix}{}\n\n",
                    d.severity.as_str(),
                    d.code.as_str(),
                    d.message,
                    d.path
                )),
            }
        }
    }
    out.push_str(&summary_line(counts));
    out.push('\n');
    out
}

/// The JSON report (`"version": 1`), documented in docs/check.md.
pub fn json(reports: &[RootReport], counts: Counts) -> String {
    let mut diags = Vec::new();
    let mut problems = Vec::new();
    for r in reports {
        let root = display_root(&r.root);
        for p in &r.problems {
            problems.push(json!({"root": root, "path": p.rel, "message": p.message}));
        }
    }
    let mut located = super::located(reports).into_iter();
    for r in reports {
        let root = display_root(&r.root);
        for d in &r.diagnostics {
            let l = located
                .next()
                .expect("one placed diagnostic per diagnostic");
            diags.push(json!({
                "root": root,
                "path": d.path,
                "line": l.start.0,
                "column": l.start.1,
                "end_line": l.end.0,
                "end_column": l.end.1,
                "severity": d.severity.as_str(),
                "code": d.code.as_str(),
                "message": d.message,
            }));
        }
    }
    let v = json!({
        "version": 1,
        "diagnostics": diags,
        "unreadable": problems,
        "summary": {
            "files": counts.files,
            "errors": counts.errors,
            "warnings": counts.warnings,
            "infos": counts.infos,
            "hints": counts.hints,
        }
    });
    let mut s = serde_json::to_string_pretty(&v).expect("JSON values serialise");
    s.push('\n');
    s
}
