//! Diagnostics through the language server: pushed for open documents
//! with their version, pulled when the client asks, ranges in the
//! negotiated encoding, rapid edits, and cross-file updates from edits,
//! from files changed on disk and from deletions.

mod lsp_common;

use std::time::Duration;

use lsp_common::*;
use serde_json::json;
use specls_e2e::lsp::{key, utf16_client, utf8_client, LspClient, Publish, Range, WAIT_TIMEOUT};

const SHALL_MUST: &str = "requirement/missing-shall-must";
const LOWERCASE: &str = "rfc2119/lowercase-keyword";
const BROKEN: &str = "tasks/broken-acceptance-link";
const UNCOVERED: &str = "tasks/uncovered-scenario";

// ---------------------------------------------------------------------------
// One document

#[test]
fn missing_shall_must_is_pushed_and_an_edit_clears_it() {
    let ws = spec_workspace(WEAK_SPEC);
    let mut lsp = start(&ws, utf16_client());
    // Versions are the client's: start at 5 to tell them from a counter.
    let main = lsp.open(&ws.join(MAIN), WEAK_SPEC, 5);
    let p = lsp.diagnostics(&main, |p| p.version == Some(5));
    assert_eq!(
        p.keys(),
        [key(SHALL_MUST, 2, Range::new(8, 0, 8, 25))],
        "{p:?}"
    );
    assert_source(&p);
    assert!(
        p.diagnostics[0].message.contains("SHALL"),
        "{}",
        p.diagnostics[0].message
    );
    // "The agent greets the caller by name." → "The agent SHALL greet …"
    lsp.change(&main, 6, &[(Range::new(10, 10, 10, 16), "SHALL greet")]);
    let p = lsp.diagnostics(&main, |p| p.version == Some(6));
    assert!(p.is_empty(), "{p:?}");
    lsp.shutdown_and_exit();
}

#[test]
fn closing_a_document_clears_its_diagnostics() {
    let ws = spec_workspace(WEAK_SPEC);
    let mut lsp = LspClient::start_in(ws.path(), utf16_client(), open_only()).0;
    let main = open_file(&mut lsp, &ws, MAIN);
    lsp.diagnostics(&main, |p| p.has(SHALL_MUST));
    lsp.close(&main);
    lsp.diagnostics(&main, Publish::is_empty);
    // And it stays cleared: the file is still wrong on disk, but no longer
    // open.
    lsp.pump_for(Duration::from_millis(300));
    let last = lsp.latest_diagnostics(&main).expect("a publish");
    assert!(
        last.is_empty(),
        "diagnostics came back after close: {last:?}"
    );
    lsp.shutdown_and_exit();
}

/// The same spec as [`WEAK_SPEC`] with CRLF line ends, emoji, CJK, an
/// umlaut and a tab before the diagnosed text:
///
/// ```text
///  8 ### Requirement: Grüße 🎉 你好
/// 10 🎉\t你好 — the agent must greet the caller.
/// ```
///
/// Line 8 is 28 UTF-16 units (🎉 is two) and 36 bytes (ü ß two each, 🎉
/// four, 你 好 three each). On line 10, "must" starts after 🎉 (2 units, 4
/// bytes), a tab (1, 1), 你好 (2, 6), a space, an em dash (1, 3), a space
/// and "the agent " (10, 10): at unit 18 or byte 26.
fn unicode_crlf_spec() -> String {
    [
        "# voice Specification",
        "",
        "## Purpose",
        "",
        "The voice agent answers every inbound call with a spoken greeting.",
        "",
        "## Requirements",
        "",
        "### Requirement: Grüße 🎉 你好",
        "",
        "🎉\t你好 — the agent must greet the caller.",
        "",
        "#### Scenario: Caller hears a greeting",
        "",
        "- **WHEN** a call arrives",
        "- **THEN** the agent says hello",
        "",
    ]
    .join("\r\n")
}

#[test]
fn ranges_count_utf16_units_for_a_utf16_client() {
    let ws = spec_workspace(&unicode_crlf_spec());
    let (mut lsp, init) = LspClient::start_in(ws.path(), utf16_client(), fast());
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    let main = lsp.open(&ws.join(MAIN), &unicode_crlf_spec(), 1);
    let p = lsp.diagnostics(&main, |p| p.version == Some(1));
    assert_eq!(
        p.keys(),
        [
            key(SHALL_MUST, 2, Range::new(8, 0, 8, 28)),
            key(LOWERCASE, 4, Range::new(10, 18, 10, 22)),
        ]
    );
    // Edits come in UTF-16 too: "must" → "SHALL" fixes both.
    lsp.change(&main, 2, &[(Range::new(10, 18, 10, 22), "SHALL")]);
    let p = lsp.diagnostics(&main, |p| p.version == Some(2));
    assert!(p.is_empty(), "{p:?}");
    lsp.shutdown_and_exit();
}

#[test]
fn ranges_count_bytes_for_a_utf8_client() {
    let ws = spec_workspace(&unicode_crlf_spec());
    let (mut lsp, init) = LspClient::start_in(ws.path(), utf8_client(), fast());
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    let main = lsp.open(&ws.join(MAIN), &unicode_crlf_spec(), 1);
    let p = lsp.diagnostics(&main, |p| p.version == Some(1));
    assert_eq!(
        p.keys(),
        [
            key(SHALL_MUST, 2, Range::new(8, 0, 8, 36)),
            key(LOWERCASE, 4, Range::new(10, 26, 10, 30)),
        ]
    );
    // Read as UTF-16, 10:26-10:30 would be "et t" of "greet the", leaving
    // both diagnostics in place.
    lsp.change(&main, 2, &[(Range::new(10, 26, 10, 30), "SHALL")]);
    let p = lsp.diagnostics(&main, |p| p.version == Some(2));
    assert!(p.is_empty(), "{p:?}");
    lsp.shutdown_and_exit();
}

/// An open document that starts with a BOM: positions on its first line
/// count from after it, in ranges going out and in edits coming in, as they
/// do for files read from disk (editors show the text without it).
#[test]
fn a_leading_bom_is_not_a_column_of_an_open_document() {
    let text = "\u{feff}## Purpose\n\n## Requirements\n";
    let ws = spec_workspace(text);
    for caps in [utf16_client(), utf8_client()] {
        let (mut lsp, _) = LspClient::start_in(ws.path(), caps, fast());
        let main = lsp.open(&ws.join(MAIN), text, 1);
        let p = lsp.diagnostics(&main, |p| p.version == Some(1));
        // The empty Purpose is reported on its heading, 10 characters from
        // the start of line 0, the BOM not among them.
        let on_purpose: Vec<Range> = p
            .diagnostics
            .iter()
            .map(|d| d.range)
            .filter(|r| r.start.line == 0)
            .collect();
        assert_eq!(on_purpose, [Range::new(0, 0, 0, 10)], "{p:?}");
        // An insertion at 0:0 goes after the BOM: the heading moves down a
        // line whole, with no BOM left in front of it.
        lsp.change(&main, 2, &[(Range::new(0, 0, 0, 0), "# voice\n")]);
        let p = lsp.diagnostics(&main, |p| p.version == Some(2));
        assert!(
            p.diagnostics
                .iter()
                .any(|d| d.range == Range::new(1, 0, 1, 10)),
            "{p:?}"
        );
        assert!(
            p.diagnostics.iter().all(|d| d.range.start.line != 0),
            "{p:?}"
        );
        lsp.shutdown_and_exit();
    }
}

/// Typed one character at a time at the end of line 10 of [`WEAK_SPEC`]
/// ("The agent greets the caller by name.", 36 characters): 200 characters,
/// a line break among them.
const TYPED: &str = " It would speak slowly and say 你好 to callers from Taipei.\nIf the caller is silent, the agent must repeat the greeting once, then wait fifty seconds for an answer before it ends the call very politely.";

#[test]
fn rapid_edits_end_in_the_diagnostics_of_the_final_text() {
    assert_eq!(
        TYPED.chars().count(),
        200,
        "the fixture types 200 characters"
    );
    let ws = spec_workspace(WEAK_SPEC);
    // Open documents only: the close below must leave nothing behind, so
    // that the reopened text's diagnostics are its own.
    let mut lsp = LspClient::start_in(ws.path(), utf16_client(), open_only()).0;
    let main = lsp.open(&ws.join(MAIN), WEAK_SPEC, 1);
    lsp.diagnostics(&main, |p| p.version == Some(1) && p.has(SHALL_MUST));

    // Versions 2..=201, sent without waiting for anything.
    let (mut line, mut character) = (10u32, 36u32);
    let mut buf = [0u8; 4];
    for (i, c) in TYPED.chars().enumerate() {
        let version = i as i64 + 2;
        lsp.change(
            &main,
            version,
            &[(Range::at(line, character), c.encode_utf8(&mut buf))],
        );
        if c == '\n' {
            line += 1;
            character = 0;
        } else {
            character += c.len_utf16() as u32;
        }
    }
    let final_text = WEAK_SPEC.replacen(
        "The agent greets the caller by name.",
        &format!("The agent greets the caller by name.{TYPED}"),
        1,
    );
    // The body still has no uppercase keyword, and line 11 reads "If the
    // caller is silent, the agent must …": "must" at 35..39 (a hint only
    // in a body that writes no keyword uppercase).
    let expected = [
        key(SHALL_MUST, 2, Range::new(8, 0, 8, 25)),
        key(LOWERCASE, 4, Range::new(11, 35, 11, 39)),
    ];
    let p = lsp.diagnostics(&main, |p| p.version == Some(201));
    assert_eq!(p.keys(), expected, "{p:?}");
    // Nothing older arrives after it.
    lsp.pump_for(Duration::from_millis(300));
    let last = lsp.latest_diagnostics(&main).expect("a publish").clone();
    assert_eq!(
        last.version,
        Some(201),
        "a stale publish came last: {last:?}"
    );

    // The same text opened fresh gives the same diagnostics, messages
    // included.
    lsp.close(&main);
    lsp.diagnostics(&main, Publish::is_empty);
    lsp.open(&ws.join(MAIN), &final_text, 1);
    let fresh = lsp.diagnostics(&main, |p| p.version == Some(1) && !p.is_empty());
    assert_eq!(fresh.keys(), expected);
    let messages =
        |p: &Publish| -> Vec<String> { p.diagnostics.iter().map(|d| d.message.clone()).collect() };
    assert_eq!(messages(&fresh), messages(&last));
    lsp.shutdown_and_exit();
}

// ---------------------------------------------------------------------------
// Across files

/// The two acceptance links to "Caller asks" (tasks lines 3 and 5), broken.
fn broken_asks_links() -> Vec<(String, u64, Range)> {
    vec![
        key(BROKEN, 1, Range::new(3, 20, 3, 60)),
        key(BROKEN, 1, Range::new(5, 20, 5, 60)),
    ]
}

#[test]
fn renaming_a_scenario_breaks_and_restores_acceptance_links() {
    let ws = change_workspace();
    let mut lsp = start(&ws, utf16_client());
    let delta = open_file(&mut lsp, &ws, DELTA);
    let tasks = open_file(&mut lsp, &ws, TASKS);
    lsp.diagnostics(&delta, |p| p.version == Some(1) && p.is_empty());
    lsp.diagnostics(&tasks, |p| p.version == Some(1) && p.is_empty());

    // "#### Scenario: Caller asks" → "#### Scenario: Caller requests".
    lsp.change(&delta, 2, &[(Range::new(6, 22, 6, 26), "requests")]);
    let t = lsp.diagnostics(&tasks, |p| !p.is_empty());
    assert_eq!(t.keys(), broken_asks_links(), "{t:?}");
    assert_eq!(t.version, Some(1), "tasks.md itself is still at version 1");
    assert_source(&t);
    // The renamed scenario is now linked by no task.
    let d = lsp.diagnostics(&delta, |p| p.version == Some(2) && p.has(UNCOVERED));
    assert_eq!(
        d.keys(),
        [key(UNCOVERED, 3, Range::new(6, 0, 6, 30))],
        "{d:?}"
    );

    // And back.
    lsp.change(&delta, 3, &[(Range::new(6, 22, 6, 30), "asks")]);
    lsp.diagnostics(&tasks, Publish::is_empty);
    let d = lsp.diagnostics(&delta, |p| p.version == Some(3));
    assert!(d.is_empty(), "{d:?}");
    lsp.shutdown_and_exit();
}

#[test]
fn a_file_changed_on_disk_updates_open_dependents() {
    let ws = change_workspace();
    let mut lsp = LspClient::start_in(ws.path(), utf16_client(), open_only()).0;
    let tasks = open_file(&mut lsp, &ws, TASKS);
    lsp.diagnostics(&tasks, |p| p.version == Some(1) && p.is_empty());

    let delta = uri(&ws, DELTA);
    ws.write(
        DELTA,
        DELTA_SPEC.replace("Scenario: Caller asks", "Scenario: Caller requests"),
    );
    lsp.watched_files_changed(&[(&delta, 2)]);
    let t = lsp.diagnostics(&tasks, |p| !p.is_empty());
    assert_eq!(t.keys(), broken_asks_links(), "{t:?}");

    ws.write(DELTA, DELTA_SPEC);
    lsp.watched_files_changed(&[(&delta, 2)]);
    lsp.diagnostics(&tasks, Publish::is_empty);

    // Without workspace diagnostics, files that are not open get nothing
    // pushed, though the delta spec had an uncovered scenario for a while
    // (the default is in lsp_workspace_diagnostics.rs).
    assert_never_published(&mut lsp, &delta, Duration::from_millis(200));
    assert_never_published(&mut lsp, &uri(&ws, MAIN), Duration::ZERO);
    lsp.shutdown_and_exit();
}

#[test]
fn a_file_created_on_disk_resolves_links_into_it() {
    let ws = change_workspace();
    std::fs::remove_file(ws.join(DELTA)).expect("remove the delta spec");
    let mut lsp = start(&ws, utf16_client());
    let tasks = open_file(&mut lsp, &ws, TASKS);
    let t = lsp.diagnostics(&tasks, |p| p.diagnostics.len() == 3);
    let mut expected = broken_asks_links();
    expected.push(key(BROKEN, 1, Range::new(7, 20, 7, 72)));
    assert_eq!(t.keys(), expected, "{t:?}");

    ws.write(DELTA, DELTA_SPEC);
    lsp.watched_files_changed(&[(&uri(&ws, DELTA), 1)]);
    lsp.diagnostics(&tasks, Publish::is_empty);
    lsp.shutdown_and_exit();
}

#[test]
fn a_deleted_file_loses_its_diagnostics_and_breaks_links_into_it() {
    let ws = change_workspace();
    // Without task 1.3, the MODIFIED scenario "Caller hears a greeting"
    // (delta line 17) is linked by no task: the delta spec has a diagnostic.
    ws.write(
        TASKS,
        TASKS_MD
            .lines()
            .take(6)
            .map(|l| format!("{l}\n"))
            .collect::<String>(),
    );
    let mut lsp = start(&ws, utf16_client());
    let delta = open_file(&mut lsp, &ws, DELTA);
    let tasks = open_file(&mut lsp, &ws, TASKS);
    let d = lsp.diagnostics(&delta, |p| !p.is_empty());
    assert_eq!(d.keys(), [key(UNCOVERED, 3, Range::new(17, 0, 17, 38))]);
    lsp.diagnostics(&tasks, |p| p.version == Some(1) && p.is_empty());

    // What an editor does when a file it shows is deleted.
    std::fs::remove_file(ws.join(DELTA)).expect("delete the delta spec");
    lsp.close(&delta);
    lsp.watched_files_changed(&[(&delta, 3)]);
    lsp.diagnostics(&delta, Publish::is_empty);
    let t = lsp.diagnostics(&tasks, |p| !p.is_empty());
    assert_eq!(t.keys(), broken_asks_links(), "{t:?}");
    assert!(
        t.diagnostics[0].message.contains("specs/voice/spec.md"),
        "the message names the missing file: {}",
        t.diagnostics[0].message
    );
    lsp.pump_for(Duration::from_millis(200));
    assert!(
        lsp.latest_diagnostics(&delta)
            .is_some_and(Publish::is_empty),
        "the deleted file's diagnostics came back"
    );
    lsp.shutdown_and_exit();
}

#[test]
fn did_delete_files_breaks_links_into_the_deleted_spec() {
    let ws = change_workspace();
    let mut lsp = start(&ws, utf16_client());
    let tasks = open_file(&mut lsp, &ws, TASKS);
    lsp.diagnostics(&tasks, |p| p.version == Some(1) && p.is_empty());

    std::fs::remove_file(ws.join(DELTA)).expect("delete the delta spec");
    lsp.notify(
        "workspace/didDeleteFiles",
        json!({"files": [{"uri": uri(&ws, DELTA)}]}),
    );
    let t = lsp.diagnostics(&tasks, |p| !p.is_empty());
    let mut expected = broken_asks_links();
    expected.push(key(BROKEN, 1, Range::new(7, 20, 7, 72)));
    assert_eq!(t.keys(), expected, "{t:?}");
    lsp.shutdown_and_exit();
}

// ---------------------------------------------------------------------------
// Pull diagnostics

/// `textDocument/diagnostic` for `uri`, which must be a full report.
#[track_caller]
fn pull(lsp: &mut LspClient, uri: &str) -> Publish {
    let r = lsp.request_ok(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": uri}}),
    );
    full_report(uri, &r)
}

#[track_caller]
fn full_report(uri: &str, r: &serde_json::Value) -> Publish {
    assert_eq!(r["kind"], "full", "a full report: {r}");
    Publish {
        uri: uri.to_string(),
        version: None,
        diagnostics: specls_e2e::lsp::diags_of(&r["items"]),
    }
}

#[test]
fn with_pull_support_diagnostics_are_pulled_not_pushed() {
    let ws = spec_workspace(WEAK_SPEC);
    let mut lsp = start(&ws, utf16_client().pull_diagnostics(true));
    let main = open_file(&mut lsp, &ws, MAIN);
    let p = pull(&mut lsp, &main);
    assert_eq!(p.keys(), [key(SHALL_MUST, 2, Range::new(8, 0, 8, 25))]);
    assert_source(&p);
    lsp.change(&main, 2, &[(Range::new(10, 10, 10, 16), "SHALL greet")]);
    let p = pull(&mut lsp, &main);
    assert!(p.is_empty(), "{p:?}");
    lsp.pump_for(Duration::from_millis(300));
    assert!(
        lsp.all_publishes().is_empty(),
        "diagnostics were pushed to a client that pulls: {:?}",
        lsp.all_publishes()
    );
    lsp.shutdown_and_exit();
}

#[test]
fn pulled_diagnostics_follow_changes_in_other_files() {
    let ws = change_workspace();
    let mut lsp = start(&ws, utf16_client().pull_diagnostics(true));
    let delta = open_file(&mut lsp, &ws, DELTA);
    let tasks = open_file(&mut lsp, &ws, TASKS);
    let p = pull(&mut lsp, &tasks);
    assert!(p.is_empty(), "{p:?}");

    lsp.change(&delta, 2, &[(Range::new(6, 22, 6, 26), "requests")]);
    // A server may answer from the state before the edit and then ask for
    // a refresh (workspace/diagnostic/refresh); asking again must converge.
    let params = json!({"textDocument": {"uri": tasks}});
    let r = lsp.request_until("textDocument/diagnostic", params, WAIT_TIMEOUT, |r| {
        r["items"].as_array().is_some_and(|i| !i.is_empty())
    });
    assert_eq!(full_report(&tasks, &r).keys(), broken_asks_links());
    lsp.shutdown_and_exit();
}

/// A client that cannot register file watching (the presets here) relies on
/// the server's own watcher: a change on disk with no notification at all
/// still reaches the open dependents.
#[test]
fn without_client_watching_the_servers_own_watcher_sees_disk_changes() {
    let ws = change_workspace();
    let mut lsp = start(&ws, utf16_client().work_done_progress(true));
    let tasks = open_file(&mut lsp, &ws, TASKS);
    lsp.diagnostics(&tasks, |p| p.version == Some(1) && p.is_empty());
    // The watcher starts once the workspace is read.
    lsp.wait_notification(
        "$/progress",
        |p| p["value"]["kind"] == "end",
        Duration::from_secs(10),
    );
    ws.write(
        DELTA,
        DELTA_SPEC.replace("Scenario: Caller asks", "Scenario: Caller requests"),
    );
    let t = lsp.diagnostics(&tasks, |p| !p.is_empty());
    assert_eq!(t.keys(), broken_asks_links(), "{t:?}");
    ws.write(DELTA, DELTA_SPEC);
    lsp.diagnostics(&tasks, Publish::is_empty);
    lsp.shutdown_and_exit();
}
