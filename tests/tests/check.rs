//! `specls check` end to end: the real binary on the demo workspace and on
//! throwaway workspaces, its exit codes, `specls.toml`, path filters, and
//! input that must never make it crash.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use serde_json::Value;
use specls_e2e::{
    codes, diagnostics, examples_dir, files_under, human_diagnostics, repo_root, run,
    run_with_timeout, HumanDiagnostic, Rng, Workspace,
};

// ---------------------------------------------------------------------------
// Fixtures

/// The mistakes planted in `examples/` (examples/README.md, "Deliberate
/// mistakes"): path under examples/, line, code, severity after
/// examples/specls.toml.
#[rustfmt::skip]
const PLANTED: [(&str, u64, &str, &str); 21] = [
    ("openspec/changes/add-call-transfer/tasks.md",                    33, "tasks/unknown-dependency",        "error"),
    ("openspec/changes/add-call-transfer/tasks.md",                    41, "tasks/broken-acceptance-link",    "error"),
    ("openspec/changes/add-call-transfer/tasks.md",                    43, "tasks/unlinked-acceptance",       "warning"),
    ("openspec/changes/add-call-transfer/tasks.md",                    28, "tasks/done-before-dependency",    "warning"),
    ("openspec/changes/add-call-transfer/specs/voice-agent/spec.md",   30, "delta/drops-scenarios",           "error"),
    ("openspec/changes/add-call-transfer/specs/webhooks/spec.md",      20, "requirement/missing-shall-must",  "warning"),
    ("openspec/changes/add-call-transfer/specs/webhooks/spec.md",      22, "rfc2119/lowercase-keyword",       "hint"),
    ("openspec/changes/add-call-transfer/specs/call-transfer/spec.md", 38, "scenario/wrong-level",            "error"),
    ("openspec/specs/call-analytics/spec.md",                          80, "scenario/missing-then",           "warning"),
    ("openspec/changes/add-call-transfer/specs/call-transfer/spec.md", 21, "tasks/uncovered-scenario",        "info"),
    ("specs/001-call-recording-consent/spec.md",                       81, "speckit/needs-clarification",     "info"),
    ("specs/001-call-recording-consent/spec.md",                       82, "speckit/requirement-no-keyword",  "warning"),
    ("specs/001-call-recording-consent/tasks.md",                      86, "speckit/story-label-mismatch",    "warning"),
    ("specs/001-call-recording-consent/tasks.md",                      87, "tasks/unknown-dependency",        "error"),
    ("specs/001-call-recording-consent/tasks.md",                      90, "speckit/unknown-requirement",     "error"),
    ("specs/001-call-recording-consent/tasks.md",                     100, "speckit/unknown-story",           "error"),
    (".kiro/specs/callback-scheduling/requirements.md",                43, "kiro/ears",                       "warning"),
    (".kiro/specs/callback-scheduling/requirements.md",                63, "kiro/uncovered-criterion",        "info"),
    (".kiro/specs/callback-scheduling/tasks.md",                       40, "kiro/parent-done-early",          "warning"),
    (".kiro/specs/callback-scheduling/tasks.md",                       57, "kiro/unknown-criterion",          "error"),
    (".kiro/specs/callback-scheduling/tasks.md",                       63, "kiro/unknown-property",           "error"),
];

const EXAMPLES_SUMMARY: &str =
    "9 errors, 8 warnings, 3 infos, 1 hint in 24 files (9 with problems)";

/// A workspace with a main spec and one change (proposal, delta, tasks with
/// a dependency and acceptance links into both the delta and the main
/// spec) that gets no diagnostic at all.
const CLEAN: &str = r#"
//- openspec/config.yaml
schema: spec-driven
//- openspec/specs/auth/spec.md
# auth Specification

## Purpose

Defines how members of a workspace sign in, how sessions are kept, and when they end.

## Requirements

### Requirement: Password Sign-In

The system SHALL let a member sign in with an email address and a password.

#### Scenario: Correct password

- **GIVEN** a member "ana@example.com" with password "s3cret"
- **WHEN** she signs in with "ana@example.com" and "s3cret"
- **THEN** she is signed in

#### Scenario: Wrong password

- **GIVEN** a member "ana@example.com" with password "s3cret"
- **WHEN** she signs in with "ana@example.com" and "guess"
- **THEN** the sign-in is rejected with error "invalid_credentials"
//- openspec/changes/add-lockout/proposal.md
# Add account lockout

## Why

Repeated wrong passwords are the first sign of a guessing attack, and today nothing slows an attacker down.

## What Changes

- Lock an account for 15 minutes after 5 wrong passwords in a row.

## Capabilities

### Modified Capabilities

- `auth`: sign-in locks an account after repeated failures.

## Impact

Sign-in service and its error codes.
//- openspec/changes/add-lockout/specs/auth/spec.md
## ADDED Requirements

### Requirement: Account Lockout

The system SHALL lock an account for 15 minutes after 5 wrong passwords in a row.

#### Scenario: Fifth wrong password locks the account

- **GIVEN** a member "ana@example.com" who entered 4 wrong passwords in a row
- **WHEN** she signs in with "ana@example.com" and "guess"
- **THEN** the account is locked for 15 minutes
//- openspec/changes/add-lockout/tasks.md
## 1. Lockout

- [x] 1.1 Count failed sign-ins per account
  - Acceptance: [Wrong password](../../specs/auth/spec.md#scenario-wrong-password)
- [ ] 1.2 Lock the account after the fifth failure (requires 1.1)
  - Acceptance: [Fifth wrong password locks the account](specs/auth/spec.md#scenario-fifth-wrong-password-locks-the-account)
"#;

/// Number of Markdown files in [`CLEAN`].
const CLEAN_FILES: usize = 4;

/// A main spec whose Purpose is too short: one warning,
/// `spec/purpose-too-short`, on line 5.
const SHORT_PURPOSE_SPEC: &str = "# billing Specification

## Purpose

Invoices.

## Requirements

### Requirement: Monthly Invoice

The system SHALL send each workspace an invoice on the first day of a month.

#### Scenario: Invoice on the first

- **GIVEN** workspace \"Acme\" is on the monthly plan
- **WHEN** the first day of a month begins
- **THEN** workspace \"Acme\" receives an invoice
";

/// A main spec with one scenario that has no THEN (`scenario/missing-then`
/// on line 13), for tests that need "the rest is still analysed".
const MISSING_THEN_SPEC: &str = "# calls Specification

## Purpose

Defines how the call log records every call of a workspace, with its caller and duration.

## Requirements

### Requirement: Call Log

The system SHALL record every call with its caller and duration.

#### Scenario: A call is logged

- **GIVEN** a workspace with an empty call log
- **WHEN** a call from \"+1 415 555 0100\" ends
";

fn clean_with(extra: &str) -> Workspace {
    Workspace::new(&format!("{CLEAN}{extra}"))
}

fn assert_summary(out: &specls_e2e::Output, expected: &str) {
    assert_eq!(out.summary(), expected, "summary line\n{out}");
}

// ---------------------------------------------------------------------------
// Helpers

/// Line `n` (1-based) of a file, with its line end removed.
fn line_of(path: &Path, n: u64) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .nth(n as usize - 1)
        .unwrap_or_else(|| panic!("{} has no line {n}", path.display()))
        .to_string()
}

/// The text a one-line JSON diagnostic marks, found from its line and
/// character columns in the file under `root`.
fn marked(root: &Path, d: &Value) -> String {
    let line = d["line"].as_u64().unwrap();
    assert_eq!(d["end_line"], d["line"], "one-line range expected: {d}");
    let col = d["column"].as_u64().unwrap() as usize;
    let end = d["end_column"].as_u64().unwrap() as usize;
    line_of(&root.join(d["path"].as_str().unwrap()), line)
        .chars()
        .skip(col - 1)
        .take(end - col)
        .collect()
}

fn find<'a>(json: &'a Value, code: &str) -> &'a Value {
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code} diagnostic in {json:#}"))
}

/// (code, path, line) of every planted mistake, as sorted triples.
fn planted_triples() -> BTreeSet<(String, String, u64)> {
    PLANTED
        .iter()
        .map(|(p, l, c, _)| (c.to_string(), p.to_string(), *l))
        .collect()
}

fn human_severity(json_severity: &str) -> &'static str {
    match json_severity {
        "error" => "error",
        "warning" => "warning",
        "info" => "info",
        "hint" => "hint",
        other => panic!("unknown severity {other}"),
    }
}

/// The five counts of a human summary line, `N errors, N warnings, N
/// infos, N hints in N files`.
fn parse_summary(line: &str) -> [u64; 5] {
    let nums: Vec<u64> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect();
    // The counts, then maybe the files with problems.
    nums.get(..5)
        .and_then(|n| n.try_into().ok())
        .unwrap_or_else(|| panic!("not a summary line: {line:?}"))
}

fn json_summary(json: &Value) -> [u64; 5] {
    let s = &json["summary"];
    ["errors", "warnings", "infos", "hints", "files"].map(|k| {
        s[k].as_u64()
            .unwrap_or_else(|| panic!("summary.{k} is not a count: {s}"))
    })
}

/// Diagnostics of a JSON report with their full range.
fn ranges(json: &Value) -> Vec<(String, String, u64, u64, u64, u64)> {
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["path"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["end_line"].as_u64().unwrap(),
                d["end_column"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// Rewrites every `.md` file under `dir` with `f`.
fn rewrite_markdown(dir: &Path, f: impl Fn(&[u8]) -> Vec<u8>) -> usize {
    let mut n = 0;
    for rel in files_under(dir) {
        if rel.ends_with(".md") {
            let p = dir.join(&rel);
            let bytes = std::fs::read(&p).unwrap();
            std::fs::write(&p, f(&bytes)).unwrap();
            n += 1;
        }
    }
    n
}

fn to_crlf(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 20);
    for &b in bytes {
        if b == b'\n' {
            out.push(b'\r');
        }
        out.push(b);
    }
    out
}

fn to_cr(bytes: &[u8]) -> Vec<u8> {
    bytes
        .iter()
        .map(|&b| if b == b'\n' { b'\r' } else { b })
        .collect()
}

fn with_bom(bytes: &[u8]) -> Vec<u8> {
    let mut out = vec![0xEF, 0xBB, 0xBF];
    out.extend_from_slice(bytes);
    out
}

// ---------------------------------------------------------------------------
// The demo workspace

#[test]
fn examples_human_output_reports_every_planted_mistake() {
    let out = run(&["check", "examples"], &repo_root());
    out.assert_status(1);
    assert!(
        out.stdout.ends_with(&format!("\n{EXAMPLES_SUMMARY}\n")),
        "stdout must end with the summary line\n{out}"
    );
    assert_eq!(out.stderr, "", "nothing on stderr");

    let found = human_diagnostics(&out.stdout);
    assert_eq!(found.len(), PLANTED.len(), "{found:#?}");
    for (path, line, code, severity) in PLANTED {
        let path = format!("examples/{path}");
        assert!(
            found.iter().any(|d| d.code == code
                && d.path == path
                && d.line == line
                && d.severity == human_severity(severity)),
            "{severity}[{code}] at {path}:{line} missing from\n{found:#?}"
        );
    }

    // Positions, checked against the files themselves.
    let ex = examples_dir();
    let unknown = found
        .iter()
        .find(|d| d.code == "tasks/unknown-dependency")
        .unwrap();
    assert_eq!(
        (unknown.line, unknown.column),
        (33, 91),
        "column counts characters"
    );
    let tasks_33 = line_of(&ex.join(PLANTED[0].0), 33);
    assert!(
        tasks_33.contains('—'),
        "line 33 has the em dash: {tasks_33}"
    );
    let at: String = tasks_33.chars().skip(90).take(3).collect();
    assert_eq!(at, "2.4", "column 91 of tasks.md:33 is where 2.4 starts");
    assert_eq!(
        tasks_33.find("2.4)").map(|b| b + 1),
        Some(93),
        "…which is byte column 93"
    );

    let wrong_level = found
        .iter()
        .find(|d| d.code == "scenario/wrong-level")
        .unwrap();
    assert_eq!(wrong_level.column, 1);
    assert_eq!(
        line_of(&ex.join(PLANTED[7].0), 38),
        "### Scenario: Transfer requested outside business hours"
    );
    assert_eq!(
        line_of(&ex.join(PLANTED[8].0), 80),
        "#### Scenario: Day without calls"
    );
    assert_eq!(
        line_of(&ex.join(PLANTED[4].0), 30),
        "### Requirement: Call Wrap-Up"
    );
    assert!(line_of(&ex.join(PLANTED[1].0), 41).contains("#scenario-operator-accepts-the-tranfser"));

    // The source line is shown with the range marked.
    assert!(out.stdout.contains(
        "33 │ - [ ] 3.3 Live call board — show the transfer status and the receiving operator (requires 2.4)"
    ));
}

#[test]
fn examples_json_output() {
    let root = repo_root();
    let human = run(&["check", "examples"], &root);
    let out = run(&["check", "examples", "--format", "json"], &root);
    out.assert_status(1);
    assert_eq!(out.stderr, "");
    let json = out.json();
    assert_eq!(json["version"], 1);
    assert_eq!(json["unreadable"], serde_json::json!([]));

    let diags = json["diagnostics"].as_array().expect("diagnostics array");
    for d in diags {
        for key in ["path", "severity", "code", "message"] {
            let s = d[key]
                .as_str()
                .unwrap_or_else(|| panic!("{key} is not a string in {d}"));
            assert!(!s.is_empty(), "{key} is empty in {d}");
        }
        for key in ["line", "column", "end_line", "end_column"] {
            let n = d[key]
                .as_u64()
                .unwrap_or_else(|| panic!("{key} is not a number in {d}"));
            assert!(n >= 1, "{key} is 1-based in {d}");
        }
        let start = (d["line"].as_u64(), d["column"].as_u64());
        let end = (d["end_line"].as_u64(), d["end_column"].as_u64());
        assert!(start <= end, "range ends before it starts: {d}");
        let path = d["path"].as_str().unwrap();
        assert!(
            ["openspec/", "specs/", ".kiro/"]
                .iter()
                .any(|tree| path.starts_with(tree))
                && !path.contains('\\'),
            "path relative to the workspace root, with /: {path}"
        );
        assert!(
            ["error", "warning", "info", "hint"].contains(&d["severity"].as_str().unwrap()),
            "{d}"
        );
        assert_eq!(d["root"], "examples", "{d}");
    }

    let got: BTreeSet<_> = diagnostics(&json).into_iter().collect();
    assert_eq!(got, planted_triples());
    for (path, line, code, severity) in PLANTED {
        let d = diags
            .iter()
            .find(|d| d["code"] == code && d["path"] == path && d["line"] == line)
            .unwrap();
        assert_eq!(d["severity"], severity, "{d}");
    }

    let unknown = find(&json, "tasks/unknown-dependency");
    assert_eq!(
        (
            &unknown["line"],
            &unknown["column"],
            &unknown["end_line"],
            &unknown["end_column"]
        ),
        (
            &Value::from(33),
            &Value::from(91),
            &Value::from(33),
            &Value::from(94)
        ),
        "{unknown}"
    );
    let ex = examples_dir();
    assert_eq!(marked(&ex, unknown), "2.4");
    assert_eq!(
        marked(&ex, find(&json, "tasks/done-before-dependency")),
        "2.2"
    );
    assert_eq!(
        marked(&ex, find(&json, "rfc2119/lowercase-keyword")),
        "should"
    );
    assert!(marked(&ex, find(&json, "tasks/broken-acceptance-link"))
        .ends_with("#scenario-operator-accepts-the-tranfser"));
    assert_eq!(
        marked(&ex, find(&json, "scenario/wrong-level")),
        "### Scenario: Transfer requested outside business hours"
    );
    assert_eq!(
        marked(&ex, find(&json, "scenario/missing-then")),
        "#### Scenario: Day without calls"
    );
    assert!(find(&json, "tasks/unknown-dependency")["message"]
        .as_str()
        .unwrap()
        .contains("2.4"));

    // Summary: matches the diagnostics and the human run.
    let mut by_severity = [0u64; 4];
    for d in diags {
        let i = ["error", "warning", "info", "hint"]
            .iter()
            .position(|s| d["severity"] == *s)
            .unwrap();
        by_severity[i] += 1;
    }
    let summary = json_summary(&json);
    assert_eq!(summary[..4], by_severity[..]);
    assert_eq!(summary, parse_summary(human.summary()));
    assert_eq!(summary, [9, 8, 3, 1, 24]);

    // Documented order: path, then position.
    let keys: Vec<_> = ranges(&json)
        .into_iter()
        .map(|(_, p, l, c, _, _)| (p, l, c))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "diagnostics are sorted by path and position");

    // Human and JSON report the same diagnostics at the same places.
    let from_human: BTreeSet<_> = human_diagnostics(&human.stdout)
        .into_iter()
        .map(|d| (d.code, d.path, d.line, d.column))
        .collect();
    let from_json: BTreeSet<_> = ranges(&json)
        .into_iter()
        .map(|(c, p, l, col, _, _)| (c, format!("examples/{p}"), l, col))
        .collect();
    assert_eq!(from_human, from_json);
}

#[test]
fn examples_checked_from_inside_the_workspace() {
    // From the root itself: paths are printed relative to it.
    let out = run(&["check"], &examples_dir());
    out.assert_status(1);
    assert_summary(&out, EXAMPLES_SUMMARY);
    let found = human_diagnostics(&out.stdout);
    assert!(found.iter().any(|d| d.path == PLANTED[0].0 && d.line == 33));

    // From a change folder: the root is found above, and the output is
    // limited to that folder.
    let change = examples_dir().join("openspec/changes/add-call-transfer");
    let out = run(&["check", "--format", "json"], &change);
    out.assert_status(1);
    let json = out.json();
    let expected: BTreeSet<_> = planted_triples()
        .into_iter()
        .filter(|(_, p, _)| p.starts_with("openspec/changes/add-call-transfer/"))
        .collect();
    assert_eq!(expected.len(), 9);
    assert_eq!(
        diagnostics(&json).into_iter().collect::<BTreeSet<_>>(),
        expected
    );
}

// ---------------------------------------------------------------------------
// Exit codes

#[test]
fn clean_workspace_exits_0() {
    let ws = Workspace::new(CLEAN);
    let out = ws.check(&[]);
    out.assert_status(0);
    assert_eq!(
        out.stdout,
        format!("0 errors, 0 warnings, 0 infos, 0 hints in {CLEAN_FILES} files\n")
    );
    assert_eq!(out.stderr, "");
    ws.check(&["--strict"]).assert_status(0);

    let (out, json) = ws.check_json(&[]);
    out.assert_status(0);
    assert_eq!(json["diagnostics"], serde_json::json!([]));
    assert_eq!(json_summary(&json), [0, 0, 0, 0, CLEAN_FILES as u64]);
}

#[test]
fn warnings_fail_only_with_strict() {
    let ws = clean_with(&format!(
        "//- openspec/specs/billing/spec.md\n{SHORT_PURPOSE_SPEC}"
    ));
    let out = ws.check(&[]);
    out.assert_status(0);
    assert_summary(
        &out,
        &format!(
            "0 errors, 1 warning, 0 infos, 0 hints in {} files (1 with problems)",
            CLEAN_FILES + 1
        ),
    );
    assert_eq!(
        human_diagnostics(&out.stdout),
        vec![HumanDiagnostic {
            severity: "warning".into(),
            code: "spec/purpose-too-short".into(),
            path: "openspec/specs/billing/spec.md".into(),
            line: 5,
            column: 1,
        }]
    );
    let strict = ws.check(&["--strict"]);
    strict.assert_status(1);
    assert_eq!(
        strict.stdout, out.stdout,
        "--strict changes only the status"
    );
    let (out, _) = ws.check_json(&["--strict"]);
    out.assert_status(1);
}

#[test]
fn infos_and_hints_do_not_fail_even_with_strict() {
    // Task 1.1 loses its acceptance link: tasks/no-acceptance (info); a
    // requirement body whose only keyword is a lowercase "must":
    // rfc2119/lowercase-keyword (hint; its companion warning,
    // requirement/missing-shall-must, is turned off).
    let fixture = CLEAN
        .replace(
            "  - Acceptance: [Wrong password](../../specs/auth/spec.md#scenario-wrong-password)\n",
            "",
        )
        .replace(
            "The system SHALL let a member sign in with an email address and a password.",
            "The system must let a member sign in with an email address and a password.",
        )
        + "//- specls.toml\n[rules]\n\"requirement/missing-shall-must\" = \"off\"\n";
    assert!(fixture.contains("system must let") && !fixture.contains("[Wrong password]"));
    let ws = Workspace::new(&fixture);
    let out = ws.check(&["--strict"]);
    out.assert_status(0);
    assert_summary(
        &out,
        &format!("0 errors, 0 warnings, 1 info, 1 hint in {CLEAN_FILES} files (2 with problems)"),
    );
    let found: Vec<_> = human_diagnostics(&out.stdout)
        .into_iter()
        .map(|d| (d.severity, d.code, d.path, d.line))
        .collect();
    let d = |s: &str, c: &str, p: &str, l: u64| (s.to_string(), c.to_string(), p.to_string(), l);
    assert_eq!(
        found,
        [
            d(
                "info",
                "tasks/no-acceptance",
                "openspec/changes/add-lockout/tasks.md",
                3
            ),
            d(
                "hint",
                "rfc2119/lowercase-keyword",
                "openspec/specs/auth/spec.md",
                11
            ),
        ]
    );
}

#[test]
fn no_workspace_exits_2() {
    let ws = Workspace::new("//- notes/readme.md\n# Just notes\n");
    let out = ws.check(&[]);
    out.assert_status(2);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr.contains("no spec workspace"),
        "stderr explains: {}",
        out.stderr
    );
    // An openspec/ folder with none of the markers is not a workspace either.
    ws.write("openspec/notes.md", "# notes\n");
    ws.check(&["notes"]).assert_status(2);
    ws.check(&["--format", "json"]).assert_status(2);
}

#[test]
fn missing_path_exits_2() {
    let ws = Workspace::new(CLEAN);
    let out = ws.check(&["does/not/exist"]);
    out.assert_status(2);
    assert_eq!(out.stdout, "");
    assert!(out.stderr.contains("does/not/exist"), "{}", out.stderr);
    // Also when only one of several paths is missing.
    ws.check(&["openspec", "nowhere.md"]).assert_status(2);
}

#[test]
fn bad_arguments_exit_2() {
    let ws = Workspace::new(CLEAN);
    let out = ws.check(&["--format", "xml"]);
    out.assert_status(2);
    assert_eq!(out.stdout, "");
    assert!(out.stderr.contains("xml"), "{}", out.stderr);
    for args in [
        &["check", "--bogus"][..],
        &["frobnicate"],
        &[],
        &["check", "--format"],
    ] {
        let out = ws.run(args);
        out.assert_status(2);
        assert!(!out.stderr.is_empty(), "{args:?}: an explanation on stderr");
    }
    // Help and version are not errors.
    let out = ws.run(&["check", "--help"]);
    out.assert_status(0);
    assert!(out.stdout.contains("--strict") && out.stdout.contains("--format"));
    ws.run(&["--version"]).assert_status(0);
}

#[test]
fn invalid_config_exits_2_and_says_why() {
    let cases: [(&str, &[&str]); 5] = [
        (
            "[rules]\n\"tasks/uncoverd-scenario\" = \"warning\"\n",
            &["tasks/uncoverd-scenario", "tasks/uncovered-scenario"],
        ),
        (
            "[rules\n\"tasks/uncovered-scenario\" = \"warning\"\n",
            &["TOML"],
        ),
        (
            "[rules]\n\"tasks/uncovered-scenario\" = \"loud\"\n",
            &["loud", "tasks/uncovered-scenario"],
        ),
        ("[rulez]\n", &["rulez"]),
        ("[diagnostics]\ndelay-ms = \"soon\"\n", &["delay-ms"]),
    ];
    for (toml, mentions) in cases {
        let ws = clean_with(&format!("//- specls.toml\n{toml}"));
        for format in ["human", "json"] {
            let out = ws.check(&["--format", format]);
            out.assert_status(2);
            assert_eq!(out.stdout, "", "{toml}: nothing on stdout");
            assert!(
                out.stderr.contains("specls.toml"),
                "{toml}: stderr names the file: {}",
                out.stderr
            );
            for m in mentions {
                assert!(
                    out.stderr.contains(m),
                    "{toml}: stderr mentions {m}: {}",
                    out.stderr
                );
            }
            assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
        }
    }
}

// ---------------------------------------------------------------------------
// specls.toml

#[test]
fn config_turns_rules_off_and_changes_severities() {
    let fixture = format!("{CLEAN}//- openspec/specs/billing/spec.md\n{SHORT_PURPOSE_SPEC}");

    let off = Workspace::new(&format!(
        "{fixture}//- specls.toml\n[rules]\n\"spec/purpose-too-short\" = \"off\"\n"
    ));
    let (out, json) = off.check_json(&["--strict"]);
    out.assert_status(0);
    assert_eq!(codes(&json), Vec::<String>::new());

    let error = Workspace::new(&format!(
        "{fixture}//- specls.toml\n[rules]\n\"spec/purpose-too-short\" = \"error\"\n[diagnostics]\ndelay-ms = 10\n"
    ));
    let (out, json) = error.check_json(&[]);
    out.assert_status(1);
    assert_eq!(find(&json, "spec/purpose-too-short")["severity"], "error");
    assert_eq!(json_summary(&json)[..4], [1, 0, 0, 0]);
    let out = error.check(&[]);
    assert!(out.stdout.starts_with("error[spec/purpose-too-short]: "));

    let hint = Workspace::new(&format!(
        "{fixture}//- specls.toml\n[rules]\n\"spec/purpose-too-short\" = \"hint\"\n"
    ));
    let out = hint.check(&["--strict"]);
    out.assert_status(0);
    assert!(out.stdout.starts_with("hint[spec/purpose-too-short]: "));
}

#[test]
fn config_changes_the_examples_report() {
    let ws = Workspace::copy_of(&examples_dir());
    ws.write(
        "specls.toml",
        "[rules]\n\"tasks/uncovered-scenario\" = \"warning\"\n\"rfc2119/lowercase-keyword\" = \"off\"\n\"scenario/missing-then\" = \"error\"\n",
    );
    let out = ws.check(&[]);
    out.assert_status(1);
    assert_summary(
        &out,
        "10 errors, 8 warnings, 2 infos, 0 hints in 24 files (9 with problems)",
    );
    let found = human_diagnostics(&out.stdout);
    assert!(!found.iter().any(|d| d.code == "rfc2119/lowercase-keyword"));
    let sev = |code: &str| {
        found
            .iter()
            .find(|d| d.code == code)
            .map(|d| d.severity.clone())
    };
    assert_eq!(sev("tasks/uncovered-scenario").as_deref(), Some("warning"));
    assert_eq!(sev("scenario/missing-then").as_deref(), Some("error"));

    // Without specls.toml the defaults apply (lowercase-keyword is a hint by
    // default too), so the report is the documented one.
    std::fs::remove_file(ws.join("specls.toml")).unwrap();
    assert_summary(&ws.check(&[]), EXAMPLES_SUMMARY);
}

// ---------------------------------------------------------------------------
// PATH arguments

#[test]
fn path_inside_a_workspace_limits_the_output() {
    let root = repo_root();

    let out = run(&["check", "examples/openspec/specs"], &root);
    out.assert_status(0);
    let found = human_diagnostics(&out.stdout);
    assert_eq!(found.len(), 1, "{out}");
    assert_eq!(
        (found[0].code.as_str(), found[0].line),
        ("scenario/missing-then", 80)
    );
    assert_summary(
        &out,
        "0 errors, 1 warning, 0 infos, 0 hints in 24 files (1 with problems)",
    );

    // One file; cross-file rules still see the whole workspace: the dropped
    // scenario is only visible with the main spec.
    let delta = "examples/openspec/changes/add-call-transfer/specs/voice-agent/spec.md";
    let out = run(&["check", delta, "--format", "json"], &root);
    out.assert_status(1);
    assert_eq!(codes(&out.json()), ["delta/drops-scenarios"]);

    let out = run(
        &[
            "check",
            "examples/openspec/changes/add-call-transfer/tasks.md",
            "--format",
            "json",
        ],
        &root,
    );
    out.assert_status(1);
    let got: BTreeSet<_> = diagnostics(&out.json()).into_iter().collect();
    let expected: BTreeSet<_> = planted_triples()
        .into_iter()
        .filter(|(_, p, _)| p == "openspec/changes/add-call-transfer/tasks.md")
        .collect();
    assert_eq!(got.len(), 4);
    assert_eq!(got, expected);

    // Several paths: the union.
    let out = run(
        &[
            "check",
            "examples/openspec/specs/call-analytics/spec.md",
            "examples/openspec/changes/add-call-transfer/specs/webhooks",
            "--format",
            "json",
        ],
        &root,
    );
    out.assert_status(0);
    let mut got = codes(&out.json());
    got.sort();
    assert_eq!(
        got,
        [
            "requirement/missing-shall-must",
            "rfc2119/lowercase-keyword",
            "scenario/missing-then"
        ]
    );

    // A path and its root: the root wins, everything is reported.
    let out = run(&["check", "examples/openspec/specs", "examples"], &root);
    out.assert_status(1);
    assert_summary(&out, EXAMPLES_SUMMARY);
    assert_eq!(human_diagnostics(&out.stdout).len(), PLANTED.len());
}

#[test]
fn path_to_a_clean_file_of_a_failing_workspace_exits_0() {
    let ws = clean_with(&format!(
        "//- openspec/specs/calls/spec.md\n{MISSING_THEN_SPEC}//- openspec/specs/broken/spec.md\n# broken\n"
    ));
    ws.check(&[]).assert_status(1);
    let out = ws.check(&["openspec/specs/auth"]);
    out.assert_status(0);
    assert_eq!(human_diagnostics(&out.stdout), vec![]);
    let out = ws.check(&["--format", "json", "openspec/specs/calls/spec.md"]);
    out.assert_status(0);
    assert_eq!(
        diagnostics(&out.json()),
        [(
            "scenario/missing-then".to_string(),
            "openspec/specs/calls/spec.md".to_string(),
            13
        )]
    );
}

#[test]
fn folder_of_several_workspaces_checks_each() {
    let ws = Workspace::new(&format!(
        "//- one/openspec/specs/calls/spec.md\n{MISSING_THEN_SPEC}//- two/openspec/specs/billing/spec.md\n{SHORT_PURPOSE_SPEC}//- two/openspec/config.yaml\nschema: spec-driven\n"
    ));
    let (out, json) = ws.check_json(&[]);
    out.assert_status(0);
    let got: Vec<_> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["root"].as_str().unwrap().to_string(),
                d["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("one".to_string(), "scenario/missing-then".to_string()),
            ("two".to_string(), "spec/purpose-too-short".to_string()),
        ]
    );
    assert_eq!(json_summary(&json), [0, 2, 0, 0, 2]);
    let out = ws.check(&["--strict"]);
    out.assert_status(1);
    let paths: Vec<_> = human_diagnostics(&out.stdout)
        .into_iter()
        .map(|d| d.path)
        .collect();
    assert_eq!(
        paths,
        [
            "one/openspec/specs/calls/spec.md",
            "two/openspec/specs/billing/spec.md"
        ]
    );
}

// ---------------------------------------------------------------------------
// Bad input: never a crash

#[test]
fn invalid_utf8_is_reported_and_the_rest_still_analysed() {
    let ws = clean_with("");
    // Latin-1 "café" and a lone continuation byte in the Purpose.
    let text = MISSING_THEN_SPEC.replace(
        "Defines how the call log",
        "Defines how the caf\u{1} call\u{2} log",
    );
    let bytes: Vec<u8> = text
        .bytes()
        .map(|b| match b {
            1 => 0xE9,
            2 => 0x80,
            b => b,
        })
        .collect();
    assert!(std::str::from_utf8(&bytes).is_err());
    ws.write("openspec/specs/calls/spec.md", &bytes);
    ws.write(
        "openspec/specs/billing/spec.md",
        SHORT_PURPOSE_SPEC.as_bytes(),
    );

    let (out, json) = ws.check_json(&[]);
    out.assert_ran().assert_status(0);
    let mut got = diagnostics(&json);
    got.sort();
    let s = |c: &str, p: &str, l: u64| (c.to_string(), p.to_string(), l);
    assert_eq!(
        got,
        [
            s("file/not-utf8", "openspec/specs/calls/spec.md", 5),
            s("scenario/missing-then", "openspec/specs/calls/spec.md", 13),
            s(
                "spec/purpose-too-short",
                "openspec/specs/billing/spec.md",
                5
            ),
        ]
    );
    let d = find(&json, "file/not-utf8");
    assert_eq!(d["severity"], "warning");
    assert_eq!(
        d["column"], 20,
        "the first invalid byte, in characters: {d}"
    );
    let human = ws.check(&[]);
    human.assert_ran();
    assert!(human.stdout.contains("file/not-utf8"));
    assert_summary(
        &human,
        &format!(
            "0 errors, 3 warnings, 0 infos, 0 hints in {} files (2 with problems)",
            CLEAN_FILES + 2
        ),
    );
}

#[test]
fn empty_files_are_diagnosed_not_fatal() {
    let ws = Workspace::new("//- openspec/config.yaml\n");
    for rel in [
        "openspec/specs/empty/spec.md",
        "openspec/changes/c/proposal.md",
        "openspec/changes/c/design.md",
        "openspec/changes/c/tasks.md",
        "openspec/changes/c/specs/empty/spec.md",
        "openspec/changes/c/.openspec.yaml",
        "openspec/project.md",
    ] {
        ws.write(rel, "");
    }
    let (out, json) = ws.check_json(&[]);
    out.assert_ran().assert_status(1);
    let got = diagnostics(&json);
    assert!(
        got.contains(&(
            "spec/missing-purpose".into(),
            "openspec/specs/empty/spec.md".into(),
            1
        )),
        "{got:?}"
    );
    assert!(
        got.contains(&(
            "delta/no-sections".into(),
            "openspec/changes/c/specs/empty/spec.md".into(),
            1
        )),
        "{got:?}"
    );
    ws.check(&[]).assert_ran();

    // A workspace with nothing in it at all is clean.
    let bare = Workspace::empty();
    bare.mkdir("openspec/specs");
    let out = bare.check(&[]);
    out.assert_status(0);
    assert_eq!(
        out.stdout,
        "0 errors, 0 warnings, 0 infos, 0 hints in 0 files\n"
    );
}

#[test]
fn fifty_megabyte_spec() {
    let ws = clean_with("");
    let head = "# big Specification\n\n## Purpose\n\nA very large spec file, to check that specls copes with its size.\n\n## Requirements\n\n### Requirement: Big\n\nThe system SHALL cope.\n\n#### Scenario: Copes\n\n- **WHEN** the file is big\n- **THEN** it copes\n\n";
    let filler =
        "Filler prose for the big file: a paragraph line that goes on and on, more or less.\n";
    let tail = "\n### Requirement: Last\n\nThe system SHALL end.\n";
    let n = (50 * 1024 * 1024 - head.len()) / filler.len();
    let mut text = String::with_capacity(50 * 1024 * 1024 + 100);
    text.push_str(head);
    for _ in 0..n {
        text.push_str(filler);
    }
    text.push_str(tail);
    assert!(text.len() >= 50 * 1024 * 1024);
    ws.write("openspec/specs/big/spec.md", &text);
    let last_line = text.lines().count() as u64 - 2;

    let (out, json) = ws.check_json(&[]);
    out.assert_ran().assert_status(1);
    assert_eq!(
        diagnostics(&json),
        [(
            "requirement/no-scenario".to_string(),
            "openspec/specs/big/spec.md".to_string(),
            last_line
        )]
    );
    assert_eq!(json_summary(&json), [1, 0, 0, 0, CLEAN_FILES as u64 + 1]);
}

#[test]
fn file_over_the_size_limit_is_named_and_skipped() {
    // 65 MiB, sparse: cheap to make, too big to read.
    let ws = clean_with(&format!(
        "//- openspec/specs/calls/spec.md\n{MISSING_THEN_SPEC}"
    ));
    ws.mkdir("openspec/specs/huge");
    let f = std::fs::File::create(ws.join("openspec/specs/huge/spec.md")).unwrap();
    f.set_len(65 * 1024 * 1024).unwrap();
    drop(f);

    let out = ws.check(&[]);
    out.assert_ran().assert_status(1);
    assert!(
        out.stderr.contains("openspec/specs/huge/spec.md"),
        "stderr names the file: {}",
        out.stderr
    );
    let found = human_diagnostics(&out.stdout);
    assert_eq!(found.len(), 1, "the rest is still checked: {found:?}");
    assert_eq!(found[0].code, "scenario/missing-then");

    let (out, json) = ws.check_json(&[]);
    out.assert_status(1);
    let unreadable = json["unreadable"].as_array().unwrap();
    assert_eq!(unreadable.len(), 1, "{json:#}");
    assert_eq!(unreadable[0]["path"], "openspec/specs/huge/spec.md");
    assert_eq!(json_summary(&json)[..2], [1, 1], "counted as an error");
}

#[test]
fn binary_files_do_not_crash() {
    let ws = clean_with("");
    let mut rng = Rng::new(2024);
    for (rel, len) in [
        ("openspec/specs/binary/spec.md", 300_000),
        ("openspec/changes/add-lockout/design.md", 10_000),
        ("openspec/changes/junk/tasks.md", 50_000),
        ("openspec/changes/junk/proposal.md", 50_000),
        ("openspec/changes/junk/specs/binary/spec.md", 50_000),
        ("openspec/changes/junk/.openspec.yaml", 5_000),
        ("openspec/changes/archive/2025-01-01-junk/tasks.md", 5_000),
    ] {
        let mut bytes = rng.bytes(len);
        bytes[len / 2] = 0; // at least one NUL
        ws.write(rel, bytes);
    }
    let out = ws.check(&[]);
    out.assert_ran();
    let (out, json) = ws.check_json(&[]);
    out.assert_ran();
    let got = diagnostics(&json);
    assert!(
        got.iter()
            .any(|(c, p, _)| c == "file/not-utf8" && p == "openspec/specs/binary/spec.md"),
        "{got:?}"
    );
    let design = "openspec/changes/add-lockout/design.md";
    assert!(
        !got.iter()
            .any(|(c, p, _)| p.starts_with("openspec/specs/auth")
                || (p.starts_with("openspec/changes/add-lockout/")
                    && !(p == design && c == "file/not-utf8"))),
        "the clean files stay clean: {got:?}"
    );
}

/// Random soup of Markdown and spec fragments: every run must end normally.
#[test]
fn token_soup_does_not_crash() {
    #[rustfmt::skip]
    const TOKENS: &[&str] = &[
        "\0", "#", "## ", "### Requirement: ", "#### Scenario: ", "- ", "* ", "1. ", "[ ] ", "[x] ",
        "(requires ", ")", "1.1", "2", "C.1", " ", "  ", "\t", "\n", "\r\n", "\r", ">", "`", "```",
        "~~~", "**WHEN**", "**THEN**", "Given ", "SHALL", "must", "é", "—", "\u{feff}",
        "Acceptance: ", "[a](spec.md#scenario-a)", "](", "## ADDED Requirements\n",
        "## MODIFIED Requirements\n", "## RENAMED Requirements\n", "FROM: ", "TO: ",
        "## REMOVED Requirements\n", "## Purpose\n", "## Requirements\n", "## 1. G\n", "---\n", "x",
        "word ", "😀", "- Requires: ", "../../specs/a/spec.md#", "skip_specs: true\n",
    ];
    const FILES: &[&str] = &[
        "openspec/specs/a/spec.md",
        "openspec/specs/b/spec.md",
        "openspec/changes/c/tasks.md",
        "openspec/changes/c/proposal.md",
        "openspec/changes/c/design.md",
        "openspec/changes/c/specs/a/spec.md",
        "openspec/changes/c/specs/b/spec.md",
        "openspec/changes/c/specs/spec.md",
        "openspec/changes/c/.openspec.yaml",
        "openspec/changes/archive/2025-01-01-d/tasks.md",
        "openspec/changes/archive/2025-01-01-d/specs/a/spec.md",
    ];
    for seed in 0..12u64 {
        let mut rng = Rng::new(seed);
        let ws = Workspace::empty();
        for rel in FILES {
            let mut text = String::new();
            for _ in 0..rng.below(600) {
                text.push_str(TOKENS[rng.below(TOKENS.len())]);
            }
            let mut bytes = text.into_bytes();
            if rng.below(4) == 0 && !bytes.is_empty() {
                let at = rng.below(bytes.len());
                bytes[at] = 0xFF;
            }
            ws.write(rel, bytes);
        }
        let out = ws.check(&["--format", if seed % 2 == 0 { "json" } else { "human" }]);
        out.assert_ran();
    }
}

#[test]
fn ten_thousand_deep_nesting() {
    const DEPTH: usize = 10_000;
    let spec_head = "# deep Specification\n\n## Purpose\n\nA spec whose requirement body nests Markdown ten thousand levels deep.\n\n## Requirements\n\n### Requirement: Deep\n\nThe system SHALL cope.\n\n";
    let scenario = "\n#### Scenario: Deep\n\n- **WHEN** the nesting is deep\n- **THEN** it copes\n";
    let quotes = format!("{}deep\n", "> ".repeat(DEPTH));
    let bullets = format!("{}item\n", "- ".repeat(DEPTH));
    let ordered = format!("{}item\n", "1. ".repeat(DEPTH));
    let brackets = format!("{}x{}\n", "[".repeat(DEPTH), "]".repeat(DEPTH));
    let parens = format!("{}x{}\n", "(".repeat(DEPTH), ")".repeat(DEPTH));
    let emphasis = format!("{}x{}\n", "*_".repeat(DEPTH), "_*".repeat(DEPTH));
    let links = format!("{}x{}\n", "[a](".repeat(DEPTH), ")".repeat(DEPTH));
    // 2,000 lines, each indented one step more (the file stays small).
    let stairs: String = (0..2_000)
        .map(|i| format!("{}- step\n", " ".repeat(i)))
        .collect();

    let ws = clean_with("");
    ws.write(
        "openspec/specs/deep/spec.md",
        format!("{spec_head}{quotes}{bullets}{ordered}{brackets}{parens}{emphasis}{links}{stairs}{scenario}"),
    );
    ws.write(
        "openspec/changes/deep/proposal.md",
        format!("## Why\n\n{quotes}\n## What Changes\n\n{bullets}{stairs}"),
    );
    ws.write(
        "openspec/changes/deep/specs/auth/spec.md",
        format!(
            "## ADDED Requirements\n\n### Requirement: Deep Steps\n\nThe system SHALL cope.\n\n#### Scenario: Nested steps\n\n{}- **WHEN** deep\n{}- **THEN** deeper\n{stairs}",
            "> ".repeat(DEPTH),
            "- ".repeat(DEPTH)
        ),
    );
    ws.write(
        "openspec/changes/deep/tasks.md",
        format!(
            "## 1. Deep\n\n{}[ ] 1.1 nested task (requires {}1.2{})\n- [ ] 1.2 task\n  - Acceptance: {}\n{}",
            "- ".repeat(DEPTH),
            "(".repeat(DEPTH),
            ")".repeat(DEPTH),
            links.trim_end(),
            (0..2_000)
                .map(|i| format!("{}- [ ] 1.{} step (requires 1.{})\n", " ".repeat(i), i + 3, i + 2))
                .collect::<String>()
        ),
    );
    for format in ["human", "json"] {
        ws.check(&["--format", format]).assert_ran();
    }
    // The deep files are still read: their requirements are found.
    let (_, json) = ws.check_json(&[]);
    let got = diagnostics(&json);
    for expected in [
        ("requirement/too-long", "openspec/specs/deep/spec.md", 9),
        (
            "tasks/uncovered-scenario",
            "openspec/changes/deep/specs/auth/spec.md",
            7,
        ),
    ] {
        let expected = (expected.0.to_string(), expected.1.to_string(), expected.2);
        assert!(got.contains(&expected), "{expected:?} missing from {got:?}");
    }
    assert!(
        !got.iter()
            .any(|(_, p, _)| p.starts_with("openspec/specs/auth")
                || p.starts_with("openspec/changes/add-lockout/")),
        "the clean files stay clean: {got:?}"
    );
}

#[test]
fn ten_thousand_requirements_in_one_file() {
    const N: usize = 10_000;
    let mut text = String::from(
        "# many Specification\n\n## Purpose\n\nA spec with ten thousand requirements, to check that specls copes with many.\n\n## Requirements\n\n",
    );
    for i in 0..N {
        text.push_str(&format!(
            "### Requirement: Rule {i}\n\nThe system SHALL apply rule {i}.\n\n#### Scenario: Rule {i} applies\n\n- **WHEN** rule {i} is tested\n- **THEN** it holds\n\n"
        ));
    }
    // One duplicate at the very end, and one requirement without a scenario.
    let dup_line = text.lines().count() as u64 + 1;
    text.push_str("### Requirement: Rule 17\n\nThe system SHALL apply rule 17 twice.\n\n#### Scenario: Again\n\n- **WHEN** rule 17 is tested\n- **THEN** it holds\n\n");
    let bare_line = text.lines().count() as u64 + 1;
    text.push_str("### Requirement: Bare\n\nThe system SHALL have no scenario.\n");

    let ws = clean_with("");
    ws.write("openspec/specs/many/spec.md", &text);
    let (out, json) = ws.check_json(&[]);
    out.assert_ran().assert_status(1);
    let file = "openspec/specs/many/spec.md".to_string();
    assert_eq!(
        diagnostics(&json),
        [
            ("requirement/duplicate".to_string(), file.clone(), dup_line),
            ("requirement/no-scenario".to_string(), file, bare_line),
        ]
    );
    // "Rule 17" was first declared on line 9 + 9 * 17.
    assert!(find(&json, "requirement/duplicate")["message"]
        .as_str()
        .unwrap()
        .contains(&format!("line {}", 9 + 9 * 17)));
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_not_followed() {
    use std::os::unix::fs::symlink;
    let ws = clean_with("");
    symlink("..", ws.join("openspec/specs/auth/up")).unwrap();
    symlink(".", ws.join("openspec/changes/add-lockout/self")).unwrap();
    symlink(ws.path(), ws.join("openspec/specs/root")).unwrap();
    ws.mkdir("openspec/specs/a");
    ws.mkdir("openspec/specs/b");
    symlink("../b", ws.join("openspec/specs/a/to-b")).unwrap();
    symlink("../a", ws.join("openspec/specs/b/to-a")).unwrap();

    let out = run_with_timeout(&["check"], ws.path(), Duration::from_secs(30))
        .expect("specls finishes despite link loops");
    out.assert_ran().assert_status(0);
    assert_eq!(
        out.stdout,
        format!("0 errors, 0 warnings, 0 infos, 0 hints in {CLEAN_FILES} files\n")
    );
    assert_eq!(out.stderr, "");
    // Pointing at the loop itself works too.
    ws.check(&["openspec/specs/a/to-b"]).assert_ran();
}

#[cfg(unix)]
#[test]
fn dangling_symlink_is_named_and_the_rest_checked() {
    use std::os::unix::fs::symlink;
    let ws = clean_with(&format!(
        "//- openspec/specs/calls/spec.md\n{MISSING_THEN_SPEC}"
    ));
    ws.mkdir("openspec/specs/gone");
    symlink("../nowhere/spec.md", ws.join("openspec/specs/gone/spec.md")).unwrap();

    let out = ws.check(&[]);
    out.assert_ran().assert_status(1);
    assert!(
        out.stderr.contains("openspec/specs/gone/spec.md"),
        "stderr names the link: {}",
        out.stderr
    );
    let found = human_diagnostics(&out.stdout);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].code, "scenario/missing-then");

    let (_, json) = ws.check_json(&[]);
    assert_eq!(json["unreadable"][0]["path"], "openspec/specs/gone/spec.md");
}

/// A folder where a file is expected cannot be read as one (permissions do
/// not stop root, so this stands in for an unreadable file).
#[test]

fn unreadable_file_is_named_and_the_run_continues() {
    for rel in [
        "openspec/specs/billing/spec.md",
        "openspec/changes/add-lockout/tasks.md",
    ] {
        let ws = clean_with(&format!(
            "//- openspec/specs/calls/spec.md\n{MISSING_THEN_SPEC}"
        ));
        if ws.join(rel).exists() {
            std::fs::remove_file(ws.join(rel)).unwrap();
        }
        ws.mkdir(rel);
        let out = ws.check(&[]);
        out.assert_ran();
        assert!(
            human_diagnostics(&out.stdout)
                .iter()
                .any(|d| d.code == "scenario/missing-then"),
            "{rel}: the run continues\n{out}"
        );
        assert!(
            out.stderr.contains(rel),
            "{rel}: stderr names the file\n{out}"
        );
        out.assert_status(1);
    }
}

/// A named pipe must not make the check wait forever for a writer.
#[cfg(unix)]
#[test]

fn named_pipe_does_not_hang() {
    let ws = clean_with("");
    ws.mkdir("openspec/specs/pipe");
    let fifo = ws.join("openspec/specs/pipe/spec.md");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("run mkfifo");
    assert!(status.success());
    let out = run_with_timeout(&["check"], ws.path(), Duration::from_secs(20))
        .unwrap_or_else(|| panic!("specls check hung on the FIFO (killed after 20 s)"));
    out.assert_ran().assert_status(1);
    assert!(out.stderr.contains("openspec/specs/pipe/spec.md"), "{out}");
}

// ---------------------------------------------------------------------------
// Line ends and BOM

fn examples_with(f: impl Fn(&[u8]) -> Vec<u8>) -> Workspace {
    let ws = Workspace::copy_of(&examples_dir());
    let n = rewrite_markdown(ws.path(), f);
    assert!(n >= 14, "rewrote {n} Markdown files");
    ws
}

#[test]
fn crlf_and_bom_give_the_same_diagnostics() {
    let lf = Workspace::copy_of(&examples_dir());
    let (out, reference) = lf.check_json(&[]);
    out.assert_status(1);
    let reference_ranges = ranges(&reference);
    assert_eq!(reference_ranges.len(), PLANTED.len());
    let reference_human = human_diagnostics(&lf.check(&[]).stdout);

    type Rewrite = fn(&[u8]) -> Vec<u8>;
    let variants: [(&str, Rewrite); 3] = [
        ("CRLF", to_crlf),
        ("BOM", with_bom),
        ("BOM+CRLF", |b| with_bom(&to_crlf(b))),
    ];
    for (name, f) in variants {
        let ws = examples_with(f);
        let (out, json) = ws.check_json(&[]);
        out.assert_status(1);
        assert_eq!(
            diagnostics(&json),
            diagnostics(&reference),
            "{name}: same codes and lines"
        );
        assert_eq!(ranges(&json), reference_ranges, "{name}: same ranges");
        assert_eq!(json["summary"], reference["summary"], "{name}");

        let human = ws.check(&[]);
        assert_eq!(
            human_diagnostics(&human.stdout),
            reference_human,
            "{name}: human output"
        );
        assert!(
            !human.stdout.contains('\r'),
            "{name}: no carriage returns in the output"
        );
        assert_summary(&human, EXAMPLES_SUMMARY);
    }
}

#[test]
fn cr_only_line_ends_give_the_same_json_diagnostics() {
    let (_, reference) = Workspace::copy_of(&examples_dir()).check_json(&[]);
    let ws = examples_with(to_cr);
    let (out, json) = ws.check_json(&[]);
    out.assert_status(1);
    assert_eq!(ranges(&json), ranges(&reference));
}

#[test]

fn cr_only_line_ends_in_human_output() {
    let reference = human_diagnostics(&Workspace::copy_of(&examples_dir()).check(&[]).stdout);
    let ws = examples_with(to_cr);
    let out = ws.check(&[]);
    out.assert_status(1);
    assert_eq!(human_diagnostics(&out.stdout), reference);
}

#[test]

fn bom_does_not_shift_first_line_columns() {
    let tasks = "- [ ] 1.1 Do it (requires 9.9)\n- [ ] 1.2 Next (requires 1.1)\n";
    let fixture = format!(
        "//- openspec/changes/c/specs/auth/spec.md\n## ADDED Requirements\n\n### Requirement: New\n\nThe system SHALL x.\n\n#### Scenario: S\n\n- **WHEN** a\n- **THEN** b\n//- openspec/changes/c/tasks.md\n{tasks}"
    );
    let ws = Workspace::new(&fixture);
    let (_, plain) = ws.check_json(&[]);
    let expected = ranges(&plain);
    assert_eq!(
        expected,
        [(
            "tasks/unknown-dependency".to_string(),
            "openspec/changes/c/tasks.md".to_string(),
            1,
            27,
            1,
            30
        )]
    );
    ws.write("openspec/changes/c/tasks.md", with_bom(tasks.as_bytes()));
    let (_, bom) = ws.check_json(&[]);
    assert_eq!(ranges(&bom), expected, "JSON columns");
    let human = human_diagnostics(&ws.check(&[]).stdout);
    assert_eq!(human[0].column, 27, "human columns");
}
