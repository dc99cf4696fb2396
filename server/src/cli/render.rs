//! Output of `specls check`: compiler-style text, or stable JSON.

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity as CsSeverity};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::{self, Config as TermConfig};

use std::ops::Range;

use serde_json::json;

use super::check::{display_root, Counts, Excerpt, RootReport};
use crate::rules::Severity;

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

pub fn summary_line(c: Counts) -> String {
    let with = match c.files_with_problems {
        0 => String::new(),
        n => format!(" ({n} with problems)"),
    };
    format!(
        "{}, {}, {}, {} in {}{with}",
        plural(c.errors, "error"),
        plural(c.warnings, "warning"),
        plural(c.infos, "info"),
        plural(c.hints, "hint"),
        plural(c.files, "file")
    )
}

/// The files of one root as the renderer reads them: the excerpts of the
/// lines their diagnostics cover, each line where the file's own line index
/// puts it (a lone CR ends a line too) and numbered as in the file.
struct Sources<'a> {
    prefix: &'a str,
    files: Vec<(&'a str, &'a Excerpt)>,
}

impl<'f, 'a: 'f> Files<'f> for Sources<'a> {
    type FileId = usize;
    type Name = String;
    type Source = &'f str;

    fn name(&'f self, id: usize) -> Result<String, FilesError> {
        let (rel, _) = self.files.get(id).ok_or(FilesError::FileMissing)?;
        Ok(format!("{}{}", self.prefix, rel))
    }

    fn source(&'f self, id: usize) -> Result<&'f str, FilesError> {
        let (_, ex) = self.files.get(id).ok_or(FilesError::FileMissing)?;
        Ok(&ex.text)
    }

    fn line_index(&'f self, id: usize, byte_index: usize) -> Result<usize, FilesError> {
        let (_, ex) = self.files.get(id).ok_or(FilesError::FileMissing)?;
        Ok(ex.line_index(byte_index))
    }

    fn line_range(&'f self, id: usize, line: usize) -> Result<Range<usize>, FilesError> {
        let (_, ex) = self.files.get(id).ok_or(FilesError::FileMissing)?;
        ex.line_range(line).ok_or(FilesError::LineTooLarge {
            given: line,
            max: ex.last_line(),
        })
    }
}

/// Whether the human output is coloured: only on a terminal, and never
/// when `NO_COLOR` is set to anything (https://no-color.org).
pub fn colour_wanted() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// One diagnostic, rendered with colours (ANSI) or without.
fn emit(
    config: &TermConfig,
    files: &Sources,
    cs: &CsDiagnostic<usize>,
    colour: bool,
) -> Result<String, FilesError> {
    if !colour {
        return term::emit_into_string(config, files, cs);
    }
    let mut buf = term::termcolor::Buffer::ansi();
    term::emit_to_write_style(&mut buf, config, files, cs)?;
    Ok(String::from_utf8_lossy(buf.as_slice()).into_owned())
}

pub fn human(reports: &[RootReport], counts: Counts, colour: bool) -> String {
    let config = TermConfig::default();
    let mut out = String::new();
    for r in reports {
        let root = display_root(&r.root);
        let prefix = if root == "." {
            String::new()
        } else {
            format!("{root}/")
        };
        let mut files = Sources {
            prefix: &prefix,
            files: Vec::new(),
        };
        let mut ids = std::collections::HashMap::new();
        for (d, p) in r.diagnostics.iter().zip(&r.placed) {
            let sev = match d.severity {
                Severity::Error => CsSeverity::Error,
                Severity::Warning => CsSeverity::Warning,
                Severity::Info => CsSeverity::Note,
                Severity::Hint => CsSeverity::Help,
            };
            let (Some(excerpt), Some(range)) = (r.excerpts.get(&d.path), p.range.clone()) else {
                out.push_str(&format!(
                    "{}[{}]: {}\n  ┌─ {prefix}{}\n\n",
                    d.severity.as_str(),
                    d.code.as_str(),
                    d.message,
                    d.path
                ));
                continue;
            };
            let id = *ids.entry(d.path.as_str()).or_insert_with(|| {
                files.files.push((d.path.as_str(), excerpt));
                files.files.len() - 1
            });
            let cs = CsDiagnostic::new(sev)
                .with_code(d.code.as_str())
                .with_message(d.message.clone())
                .with_labels(vec![Label::primary(id, range)]);
            match emit(&config, &files, &cs, colour) {
                // The renderer names info and hint `note` and `help`; the
                // summary, the JSON and the settings say `info` and `hint`.
                // The label is the first word it writes.
                Ok(s) => out.push_str(&match d.severity {
                    Severity::Info => s.replacen("note", "info", 1),
                    Severity::Hint => s.replacen("help", "hint", 1),
                    _ => s,
                }),
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
            "files_with_problems": counts.files_with_problems,
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

#[cfg(test)]
mod colour_tests {
    use super::*;
    use crate::rules::check_workspace;
    use crate::workspace::fixture::workspace;

    /// `s` without ANSI colour sequences (`ESC [ … m`).
    fn plain(s: &str) -> String {
        let mut out = String::new();
        let mut it = s.chars();
        while let Some(c) = it.next() {
            if c == '\u{1b}' {
                for d in it.by_ref() {
                    if d == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    /// Coloured output is the plain output with colours, and only when
    /// asked for.
    #[test]
    fn colour_only_adds_colours() {
        let ws =
            workspace("//- openspec/changes/c/tasks.md\n## 1. A\n- [ ] 1.1 a (requires 9.9)\n");
        let diagnostics = check_workspace(&ws);
        assert!(!diagnostics.is_empty());
        let report = RootReport::new(
            std::path::PathBuf::from("/fixture"),
            &ws,
            diagnostics,
            Vec::new(),
        );
        let reports = [report];
        let counts = Counts::of(&reports);
        let bare = human(&reports, counts, false);
        let coloured = human(&reports, counts, true);
        assert!(!bare.contains('\u{1b}'), "{bare}");
        assert!(coloured.contains("\u{1b}["), "{coloured}");
        assert_eq!(plain(&coloured), bare);
    }
}
