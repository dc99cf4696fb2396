//! `specls check --format sarif`: SARIF 2.1.0 for code-scanning upload.
//!
//! One run, with every rule as a reporting descriptor (its summary and
//! default level) so that a viewer can explain a result it has never seen,
//! and results whose locations are relative to the current folder
//! (`%SRCROOT%`), where CI runs the check. Columns are Unicode scalar
//! values, as in the JSON report, and said so with `columnKind`.

use serde_json::{json, Value};

use super::check::RootReport;
use super::located;
use crate::rules::{help, Code, Severity};

/// SARIF's levels: `note` is its lowest that viewers still show.
fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

fn rules() -> Vec<Value> {
    Code::ALL
        .iter()
        .map(|&code| {
            let summary = help::summary(code);
            json!({
                "id": code.as_str(),
                "shortDescription": {"text": summary},
                "fullDescription": {"text": format!("Fires when: {summary}")},
                "help": {"text": format!(
                    "{summary} The rules, their defaults and fixes are described in docs/rules.md; \
                     change a rule's severity or turn it off in specls.toml."
                )},
                "defaultConfiguration": {"level": level(code.default_severity())},
            })
        })
        .collect()
}

pub fn sarif(reports: &[RootReport]) -> String {
    let index_of = |code: Code| Code::ALL.iter().position(|&c| c == code);
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for d in located(reports) {
        results.push(json!({
            "ruleId": d.code.as_str(),
            "ruleIndex": index_of(d.code),
            "level": level(d.severity),
            "message": {"text": d.message},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": {"uri": uri_path(&d.file), "uriBaseId": "%SRCROOT%"},
                    "region": {
                        "startLine": d.start.0,
                        "startColumn": d.start.1,
                        "endLine": d.end.0,
                        "endColumn": d.end.1,
                    }
                }
            }],
        }));
    }
    for r in reports {
        for p in &r.problems {
            let file = super::shown_path(&r.root, &p.rel);
            notifications.push(json!({
                "level": "error",
                "message": {"text": format!("{file} could not be read: {}", p.message)},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri_path(&file), "uriBaseId": "%SRCROOT%"}
                    }
                }],
            }));
        }
    }
    let cwd = std::env::current_dir()
        .ok()
        .and_then(|c| std::fs::canonicalize(c).ok())
        .map(|c| file_uri_dir(&c.to_string_lossy()));
    let mut run = json!({
        "tool": {"driver": {
            "name": "specls",
            "version": env!("CARGO_PKG_VERSION"),
            "rules": rules(),
        }},
        "columnKind": "unicodeCodePoints",
        "results": results,
        "invocations": [{
            "executionSuccessful": notifications.is_empty(),
            "toolExecutionNotifications": notifications,
        }],
    });
    if let Some(base) = cwd {
        run["originalUriBaseIds"] = json!({"%SRCROOT%": {"uri": base}});
    }
    let v = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    });
    let mut s = serde_json::to_string_pretty(&v).expect("JSON values serialise");
    s.push('\n');
    s
}

/// A path as a URI reference: `/`-separated, with the characters a URI
/// cannot hold percent-encoded (spaces, `%`, `#`, `?`, non-ASCII).
fn uri_path(path: &str) -> String {
    let mut out = String::new();
    for &b in path.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' | b'+' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `file:///abs/dir/`: a base URI must end with a slash.
fn file_uri_dir(dir: &str) -> String {
    let mut s = format!("file://{}", uri_path(dir));
    if !s.ends_with('/') {
        s.push('/');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(
            uri_path("openspec/specs/a b/spec.md"),
            "openspec/specs/a%20b/spec.md"
        );
        assert_eq!(uri_path("规格/#1?.md"), "%E8%A7%84%E6%A0%BC/%231%3F.md");
        assert_eq!(file_uri_dir("/w/x"), "file:///w/x/");
        assert_eq!(file_uri_dir("/"), "file:///");
    }

    #[test]
    fn every_rule_is_described_once() {
        let rules = rules();
        assert_eq!(rules.len(), Code::ALL.len());
        let info = rules
            .iter()
            .find(|r| r["id"] == "tasks/uncovered-scenario")
            .expect("the rule is listed");
        assert_eq!(info["defaultConfiguration"]["level"], "note");
        let error = rules
            .iter()
            .find(|r| r["id"] == "tasks/unknown-dependency")
            .expect("the rule is listed");
        assert_eq!(error["defaultConfiguration"]["level"], "error");
        assert!(error["shortDescription"]["text"]
            .as_str()
            .is_some_and(|t| t.contains("dependency names no task")));
    }
}
