//! Spec Kit and Kiro files through the language server, on a copy of
//! `examples/` (its Spec Kit feature `specs/001-call-recording-consent/`
//! and Kiro spec `.kiro/specs/callback-scheduling/`, with the mistakes
//! planted there and listed in `examples/README.md`): pushed and pulled
//! diagnostics at the planted lines, definition, references, hover,
//! outline, completion and rename of ids, and an edit that fixes a planted
//! mistake. Positions are found in the files' text here, so the
//! expectations follow from what the files say; two tests put an em dash
//! and an emoji before the id and ask in UTF-16 and in UTF-8.

mod lsp_common;

use lsp_common::*;
use serde_json::{json, Value};
use specls_e2e::lsp::{
    find_symbol, hover_text, location_lines, position_params, utf16_client, utf8_client,
    ClientCaps, LspClient, Pos, Range, WAIT_TIMEOUT,
};
use specls_e2e::{examples_dir, Workspace};

const SK_SPEC: &str = "specs/001-call-recording-consent/spec.md";
const SK_TASKS: &str = "specs/001-call-recording-consent/tasks.md";
const K_REQS: &str = ".kiro/specs/callback-scheduling/requirements.md";
const K_DESIGN: &str = ".kiro/specs/callback-scheduling/design.md";
const K_TASKS: &str = ".kiro/specs/callback-scheduling/tasks.md";

fn nonempty(v: &Value) -> bool {
    !(v.is_null() || v.as_array().is_some_and(Vec::is_empty))
}

fn read(ws: &Workspace, rel: &str) -> String {
    std::fs::read_to_string(ws.join(rel)).expect("example file")
}

/// The column of byte `at` of `line`, in UTF-8 bytes or UTF-16 units.
fn column(line: &str, at: usize, utf8: bool) -> u32 {
    if utf8 {
        at as u32
    } else {
        line[..at].encode_utf16().count() as u32
    }
}

/// The position of the `k`-th byte of the first line holding `needle`
/// (0-based line; column in the given encoding).
#[track_caller]
fn find(text: &str, needle: &str, k: usize, utf8: bool) -> Pos {
    let (n, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle:?}"));
    let at = line.find(needle).unwrap() + k;
    Pos::new(n as u32, column(line, at, utf8))
}

/// The 0-based line of the first line starting with `prefix`, after the
/// first line holding `after`.
#[track_caller]
fn line_after(text: &str, after: &str, prefix: &str) -> u32 {
    let from = text
        .lines()
        .position(|l| l.contains(after))
        .unwrap_or_else(|| panic!("no line with {after:?}"));
    let n = text
        .lines()
        .enumerate()
        .skip(from)
        .find(|(_, l)| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line {prefix:?} after {after:?}"))
        .0;
    n as u32
}

/// A copy of the examples with a server started and `open` opened.
fn session(caps: ClientCaps, open: &[&str]) -> (Workspace, LspClient, Vec<String>) {
    let ws = Workspace::copy_of(&examples_dir());
    let mut lsp = start(&ws, caps);
    let uris = open
        .iter()
        .map(|rel| open_file(&mut lsp, &ws, rel))
        .collect();
    (ws, lsp, uris)
}

/// (code, 0-based line, start character) of every diagnostic, sorted.
fn placed(diags: &[Value]) -> Vec<(String, u32, u32)> {
    let mut out: Vec<(String, u32, u32)> = diags
        .iter()
        .map(|d| {
            let r = Range::from_json(&d["range"]);
            (
                d["code"].as_str().unwrap_or_default().to_string(),
                r.start.line,
                r.start.character,
            )
        })
        .collect();
    out.sort();
    out
}

// ---------------------------------------------------------------------------
// Diagnostics

#[test]
fn spec_kit_tasks_diagnostics_are_pushed_at_the_planted_lines() {
    let (_ws, mut lsp, uris) = session(utf16_client(), &[SK_TASKS]);
    let p = lsp.diagnostics(&uris[0], |p| p.has("speckit/unknown-story"));
    assert_source(&p);
    let raw: Vec<Value> = p.diagnostics.iter().map(|d| d.raw.clone()).collect();
    // examples/README.md, S3–S6: 1-based lines and columns, ASCII up to
    // the column, so the UTF-16 character is the column less one.
    let mut want = vec![
        ("speckit/story-label-mismatch".to_string(), 85, 11),
        ("tasks/unknown-dependency".to_string(), 86, 162),
        ("speckit/unknown-requirement".to_string(), 89, 136),
        ("speckit/unknown-story".to_string(), 99, 11),
    ];
    want.sort();
    assert_eq!(placed(&raw), want, "{p:?}");
    lsp.shutdown_and_exit();
}

/// A Spec Kit tree whose `.specify/` was not committed is still served:
/// its features open with the template's titles.
#[test]
fn a_spec_kit_tree_without_its_marker_is_served() {
    let ws = Workspace::copy_of(&examples_dir());
    std::fs::remove_dir_all(ws.path().join(".specify")).expect("remove .specify");
    let mut lsp = start(&ws, utf16_client());
    let uri = open_file(&mut lsp, &ws, SK_TASKS);
    let p = lsp.diagnostics(&uri, |p| p.has("speckit/unknown-story"));
    assert!(p.has("speckit/story-label-mismatch"), "{p:?}");
    assert!(p.has("speckit/unknown-requirement"), "{p:?}");
    lsp.shutdown_and_exit();
}

#[test]
fn kiro_tasks_diagnostics_are_pulled_at_the_planted_lines() {
    let (_ws, mut lsp, uris) = session(utf16_client().pull_diagnostics(true), &[K_TASKS]);
    let r = lsp.request_ok(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": uris[0]}}),
    );
    assert_eq!(r["kind"], "full", "{r}");
    // examples/README.md, K3–K5.
    let mut want = vec![
        ("kiro/parent-done-early".to_string(), 39, 2),
        ("kiro/unknown-criterion".to_string(), 56, 24),
        ("kiro/unknown-property".to_string(), 62, 15),
    ];
    want.sort();
    assert_eq!(placed(r["items"].as_array().expect("items")), want, "{r}");
    lsp.shutdown_and_exit();
}

#[test]
fn fixing_the_unknown_dependency_clears_it() {
    let (ws, mut lsp, uris) = session(utf16_client(), &[SK_TASKS]);
    let text = read(&ws, SK_TASKS);
    lsp.diagnostics(&uris[0], |p| p.has("tasks/unknown-dependency"));
    // T021 depends on T031, which does not exist; T017 detects the decline.
    let at = find(&text, "(depends on T031)", 12, false);
    lsp.change(
        &uris[0],
        2,
        &[(
            Range::new(at.line, at.character, at.line, at.character + 4),
            "T017",
        )],
    );
    let p = lsp.diagnostics(&uris[0], |p| p.version == Some(2));
    assert!(!p.has("tasks/unknown-dependency"), "{p:?}");
    // The other planted mistakes of the file stay.
    assert!(p.has("speckit/unknown-story"), "{p:?}");
    lsp.shutdown_and_exit();
}

// ---------------------------------------------------------------------------
// Navigation

#[test]
fn definition_of_a_story_label_and_of_a_requirement_citation() {
    let (ws, mut lsp, uris) = session(utf16_client(), &[SK_TASKS]);
    let tasks = read(&ws, SK_TASKS);
    let spec = read(&ws, SK_SPEC);
    let label = find(&tasks, "T012 [US1]", 7, false);
    let r = lsp.request_until(
        "textDocument/definition",
        position_params(&uris[0], label.line, label.character),
        WAIT_TIMEOUT,
        nonempty,
    );
    let story = line_after(&spec, "## User Scenarios", "### User Story 1 ");
    assert_eq!(location_lines(&r), [(norm(&ws, SK_SPEC), story)], "{r}");
    let fr = find(&tasks, "(FR-004)", 3, false);
    let r = lsp.request_until(
        "textDocument/definition",
        position_params(&uris[0], fr.line, fr.character),
        WAIT_TIMEOUT,
        nonempty,
    );
    let def = find(&spec, "**FR-004**", 0, false).line;
    assert_eq!(location_lines(&r), [(norm(&ws, SK_SPEC), def)], "{r}");
    let h = lsp.request_ok(
        "textDocument/hover",
        position_params(&uris[0], fr.line, fr.character),
    );
    let h = hover_text(&h);
    assert!(h.starts_with("**Requirement FR-004**"), "{h}");
    lsp.shutdown_and_exit();
}

/// Lines (0-based) of `text` citing criterion `id` in a `_Requirements:`
/// or `Validates:` list.
fn citing(text: &str, id: &str) -> Vec<u32> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.contains("_Requirements:") || l.contains("Validates: Requirements"))
        .filter(|(_, l)| {
            l.split(|c: char| !(c.is_ascii_digit() || c == '.'))
                .any(|w| w.trim_end_matches('.') == id)
        })
        .map(|(n, _)| n as u32)
        .collect()
}

#[test]
fn definition_and_references_of_a_kiro_criterion() {
    let (ws, mut lsp, uris) = session(utf16_client(), &[K_TASKS]);
    let tasks = read(&ws, K_TASKS);
    let at = find(&tasks, "_Requirements: 4.1, 4.2_", 16, false);
    let r = lsp.request_until(
        "textDocument/definition",
        position_params(&uris[0], at.line, at.character),
        WAIT_TIMEOUT,
        nonempty,
    );
    let criterion = line_after(&read(&ws, K_REQS), "### Requirement 4:", "1. ");
    assert_eq!(location_lines(&r), [(norm(&ws, K_REQS), criterion)], "{r}");
    let r = lsp.request_ok(
        "textDocument/references",
        json!({"textDocument": {"uri": uris[0]}, "position": at.json(), "context": {"includeDeclaration": false}}),
    );
    let mut want: Vec<(String, u32)> = citing(&read(&ws, K_DESIGN), "4.1")
        .into_iter()
        .map(|l| (norm(&ws, K_DESIGN), l))
        .chain(
            citing(&tasks, "4.1")
                .into_iter()
                .map(|l| (norm(&ws, K_TASKS), l)),
        )
        .collect();
    want.sort();
    let mut got = location_lines(&r);
    got.sort();
    assert!(want.len() >= 2, "{want:?}");
    assert_eq!(got, want, "{r}");
    lsp.shutdown_and_exit();
}

#[test]
fn outline_of_spec_kit_tasks_has_phases_with_their_tasks() {
    let (_ws, mut lsp, uris) = session(utf16_client(), &[SK_TASKS]);
    let r = lsp.request_until(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uris[0]}}),
        WAIT_TIMEOUT,
        nonempty,
    );
    // Tasks sit under the phase, some under its "Tests for" and
    // "Implementation for" subheadings.
    let phase = find_symbol(&r, |n| n.starts_with("Phase 4: User Story 2"))
        .unwrap_or_else(|| panic!("no story 2 phase in {r}"));
    let mut names = Vec::new();
    fn walk<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
        for c in v["children"].as_array().into_iter().flatten() {
            out.extend(c["name"].as_str());
            walk(c, out);
        }
    }
    walk(phase, &mut names);
    for id in ["T017", "T024"] {
        assert!(names.iter().any(|n| n.starts_with(id)), "{id} in {names:?}");
    }
    // T025 belongs to the stale phase of story 3.
    assert!(!names.iter().any(|n| n.starts_with("T025")), "{names:?}");
    lsp.shutdown_and_exit();
}

// ---------------------------------------------------------------------------
// Completion and rename, in both encodings

/// T019's dependency on T017; the id starts at byte 29.
const T019_DEP: &str = "confirmations.ts (depends on T017)";

/// T019's line with an em dash and an emoji before its dependency.
fn decorate(tasks: &str) -> String {
    tasks.replace("Confirm the decline with", "Confirm the decline — 🎙 with")
}

fn items(v: &Value) -> Vec<&Value> {
    v["items"]
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

fn labels(v: &Value) -> Vec<&str> {
    items(v)
        .iter()
        .filter_map(|i| i["label"].as_str())
        .collect()
}

fn task_ids_after_depends_on(caps: ClientCaps, utf8: bool) {
    let (ws, mut lsp, uris) = session(caps, &[SK_TASKS]);
    let text = decorate(&read(&ws, SK_TASKS));
    // The em dash is 3 bytes and 1 unit, the emoji 4 bytes and 2 units.
    assert_eq!(
        find(&text, T019_DEP, 29, true).character - find(&text, T019_DEP, 29, false).character,
        4
    );
    lsp.change_full(&uris[0], 2, &text);
    // After "(depends on T0" of T019, before "17)".
    let at = find(&text, T019_DEP, 31, utf8);
    let r = lsp.request_until(
        "textDocument/completion",
        json!({"textDocument": {"uri": uris[0]}, "position": at.json()}),
        WAIT_TIMEOUT,
        |v| !labels(v).is_empty(),
    );
    let got = labels(&r);
    assert!(got.contains(&"T017") && got.contains(&"T001"), "{got:?}");
    // The task being written does not depend on itself.
    assert!(!got.contains(&"T019"), "{got:?}");
    let t017 = items(&r)
        .into_iter()
        .find(|i| i["label"] == "T017")
        .unwrap();
    // The edit replaces the whole id: "T0" before the cursor, "17" after.
    let start = find(&text, T019_DEP, 29, utf8);
    let end = find(&text, T019_DEP, 33, utf8);
    assert_eq!(
        Range::from_json(&t017["textEdit"]["range"]),
        Range::new(start.line, start.character, end.line, end.character),
        "{t017}"
    );
    assert!(
        t017["detail"]
            .as_str()
            .is_some_and(|d| d.starts_with("Detect \"don't record\"")),
        "{t017}"
    );
    lsp.shutdown_and_exit();
}

#[test]
fn task_ids_after_depends_on_utf16() {
    task_ids_after_depends_on(utf16_client(), false);
}

#[test]
fn task_ids_after_depends_on_utf8() {
    task_ids_after_depends_on(utf8_client(), true);
}

#[test]
fn criteria_inside_requirements_lines() {
    let (ws, mut lsp, uris) = session(utf16_client(), &[K_TASKS]);
    let text = read(&ws, K_TASKS);
    // After "_Requirements: " of task 6.3, before its "2.3".
    let at = find(&text, "_Requirements: 2.3_", 15, false);
    let r = lsp.request_until(
        "textDocument/completion",
        json!({"textDocument": {"uri": uris[0]}, "position": at.json()}),
        WAIT_TIMEOUT,
        |v| labels(v).contains(&"4.3"),
    );
    let got = labels(&r);
    // Criteria 1.1–4.3 of requirements.md, not requirement numbers or tasks.
    for id in ["1.1", "2.4", "3.3", "4.3"] {
        assert!(got.contains(&id), "{id} in {got:?}");
    }
    assert!(!got.contains(&"3.4") && !got.contains(&"6.3"), "{got:?}");
    let reqs = read(&ws, K_REQS);
    let line = line_after(&reqs, "### Requirement 4:", "3. ") as usize;
    let want = reqs.lines().nth(line).unwrap()[3..].trim();
    let detail = items(&r)
        .into_iter()
        .find(|i| i["label"] == "4.3")
        .and_then(|i| i["detail"].as_str())
        .unwrap_or_default()
        .to_string();
    assert!(
        want.starts_with(detail.trim_end_matches('…')),
        "{detail:?} vs {want:?}"
    );
    lsp.shutdown_and_exit();
}

fn rename_task_id(caps: ClientCaps, utf8: bool) {
    let (ws, mut lsp, uris) = session(
        caps.set("textDocument/rename", json!({"prepareSupport": true})),
        &[SK_TASKS],
    );
    let text = decorate(&read(&ws, SK_TASKS));
    lsp.change_full(&uris[0], 2, &text);
    // From the dependency of T019, behind the em dash and the emoji.
    let at = find(&text, T019_DEP, 30, utf8);
    let prep = lsp.request_until(
        "textDocument/prepareRename",
        position_params(&uris[0], at.line, at.character),
        WAIT_TIMEOUT,
        |v| !v.is_null(),
    );
    assert_eq!(prep["placeholder"], "T017", "{prep}");
    let start = find(&text, T019_DEP, 29, utf8);
    assert_eq!(
        Range::from_json(&prep["range"]),
        Range::new(start.line, start.character, start.line, start.character + 4)
    );
    let r = lsp.request_ok(
        "textDocument/rename",
        json!({"textDocument": {"uri": uris[0]}, "position": at.json(), "newName": "T030"}),
    );
    let changes = r["changes"].as_object().expect("changes");
    assert_eq!(changes.len(), 1, "{r}");
    let edits = changes.values().next().unwrap().as_array().unwrap();
    // Every T017 of tasks.md is the id or a dependency on it.
    let mut want: Vec<Range> = text
        .lines()
        .enumerate()
        .flat_map(|(n, l)| {
            l.match_indices("T017").map(move |(b, _)| {
                let c = column(l, b, utf8);
                Range::new(n as u32, c, n as u32, c + 4)
            })
        })
        .collect();
    let mut got: Vec<Range> = edits
        .iter()
        .map(|e| {
            assert_eq!(e["newText"], "T030", "{e}");
            Range::from_json(&e["range"])
        })
        .collect();
    want.sort_by_key(|r| (r.start.line, r.start.character));
    got.sort_by_key(|r| (r.start.line, r.start.character));
    assert_eq!(want.len(), 3, "the id and two dependencies");
    assert_eq!(got, want, "{r}");
    lsp.shutdown_and_exit();
}

#[test]
fn rename_a_task_id_utf16() {
    rename_task_id(utf16_client(), false);
}

#[test]
fn rename_a_task_id_utf8() {
    rename_task_id(utf8_client(), true);
}
