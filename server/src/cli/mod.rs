//! The terminal front end.

pub mod check;
pub mod github;
pub mod render;
pub mod sarif;
pub mod tasks;

use std::path::Path;

use crate::rules::{Code, Severity};
use check::{display_root, RootReport};

/// A diagnostic placed for a report read outside the workspace: the file
/// as shown from the current folder, and 1-based (line, column) positions
/// with columns in Unicode scalar values, the end exclusive.
pub struct Located<'a> {
    pub file: String,
    pub start: (u32, u32),
    pub end: (u32, u32),
    pub severity: Severity,
    pub code: Code,
    pub message: &'a str,
}

/// `root`'s file `rel` as the user's shell would name it.
pub fn shown_path(root: &Path, rel: &str) -> String {
    in_shown_root(&display_root(root), rel)
}

/// `rel` under a root already shown by [`display_root`]: naming the root
/// asks the file system for the current folder, once per root rather than
/// once per diagnostic.
fn in_shown_root(shown: &str, rel: &str) -> String {
    match shown {
        "." => rel.to_string(),
        shown => format!("{shown}/{rel}"),
    }
}

/// Every diagnostic of `reports` with its position, in report order.
pub fn located(reports: &[RootReport]) -> Vec<Located<'_>> {
    let mut out = Vec::new();
    for r in reports {
        let shown = display_root(&r.root);
        for (d, p) in r.diagnostics.iter().zip(&r.placed) {
            out.push(Located {
                file: in_shown_root(&shown, &d.path),
                start: p.start,
                end: p.end,
                severity: d.severity,
                code: d.code,
                message: &d.message,
            });
        }
    }
    out
}
