//! Navigation through the language server on the change fixture of
//! `lsp_common` (main spec, delta spec, tasks): definition, references,
//! hover, outline, workspace symbols, folding and document links.
//! Targets may be files that are not open, so requests that need the
//! workspace index are repeated until the index has the answer.

mod lsp_common;

use lsp_common::*;
use serde_json::{json, Value};
use specls_e2e::lsp::{
    find_symbol, flatten_symbols, hover_text, location_lines, position_params, same_file,
    utf16_client, LspClient, Range, WAIT_TIMEOUT,
};
use specls_e2e::Workspace;

fn nonempty(v: &Value) -> bool {
    !(v.is_null() || v.as_array().is_some_and(Vec::is_empty))
}

/// The change workspace with a server started and `open` opened.
fn session(open: &[&str]) -> (Workspace, LspClient, Vec<String>) {
    let ws = change_workspace();
    let mut lsp = start(&ws, utf16_client());
    let uris = open
        .iter()
        .map(|rel| open_file(&mut lsp, &ws, rel))
        .collect();
    (ws, lsp, uris)
}

#[test]
fn definition_of_a_dependency_id_is_the_task() {
    let (ws, mut lsp, uris) = session(&[TASKS]);
    // "- [ ] 1.2 Transfer the call (requires 1.1)": "1.1" is 38..41.
    let r = lsp.request_until(
        "textDocument/definition",
        position_params(&uris[0], 4, 39),
        WAIT_TIMEOUT,
        nonempty,
    );
    assert_eq!(location_lines(&r), [(norm(&ws, TASKS), 2)], "{r}");
    lsp.shutdown_and_exit();
}

#[test]
fn definition_of_an_acceptance_link_is_the_scenario() {
    let (ws, mut lsp, uris) = session(&[TASKS]);
    // Line 3, in "#scenario-caller-asks" (the target is 20..60).
    let r = lsp.request_until(
        "textDocument/definition",
        position_params(&uris[0], 3, 45),
        WAIT_TIMEOUT,
        nonempty,
    );
    assert_eq!(location_lines(&r), [(norm(&ws, DELTA), 6)], "{r}");
    lsp.shutdown_and_exit();
}

#[test]
fn definition_of_a_modified_header_is_the_main_requirement() {
    let (ws, mut lsp, uris) = session(&[DELTA]);
    // "### Requirement: Greeting" under MODIFIED, line 13.
    let r = lsp.request_until(
        "textDocument/definition",
        position_params(&uris[0], 13, 20),
        WAIT_TIMEOUT,
        nonempty,
    );
    assert_eq!(location_lines(&r), [(norm(&ws, MAIN), 8)], "{r}");
    lsp.shutdown_and_exit();
}

#[test]
fn references_of_a_scenario_are_the_tasks_linking_it() {
    let (ws, mut lsp, uris) = session(&[DELTA]);
    // "#### Scenario: Caller asks", line 6; linked from tasks lines 3 and 5.
    let params = json!({
        "textDocument": {"uri": uris[0]},
        "position": {"line": 6, "character": 18},
        "context": {"includeDeclaration": false},
    });
    let r = lsp.request_until("textDocument/references", params, WAIT_TIMEOUT, |v| {
        location_lines(v).len() >= 2
    });
    assert_eq!(
        location_lines(&r),
        [(norm(&ws, TASKS), 3), (norm(&ws, TASKS), 5)],
        "{r}"
    );
    lsp.shutdown_and_exit();
}

#[test]
fn hover_on_a_dependency_shows_the_task() {
    let (_ws, mut lsp, uris) = session(&[TASKS]);
    let r = lsp.request_until(
        "textDocument/hover",
        position_params(&uris[0], 4, 39),
        WAIT_TIMEOUT,
        |v| !v.is_null(),
    );
    let text = hover_text(&r);
    assert!(
        text.contains("Detect the request for a human"),
        "the hover shows task 1.1: {text:?}"
    );
    lsp.shutdown_and_exit();
}

#[test]
fn document_symbols_nest_scenarios_in_their_requirement() {
    let (_ws, mut lsp, uris) = session(&[MAIN, DELTA]);
    for (uri, requirement, req_line, scenario, scenario_line) in [
        (&uris[0], "Greeting", 8, "Caller hears a greeting", 12),
        (&uris[1], "Transfer", 2, "Caller asks", 6),
    ] {
        let r = lsp.request_ok(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        );
        assert!(
            r.as_array()
                .is_some_and(|a| a.iter().all(|s| s.get("selectionRange").is_some())),
            "hierarchical DocumentSymbol[] for a client that supports it: {r}"
        );
        let req = find_symbol(&r, |n| n.contains(requirement))
            .unwrap_or_else(|| panic!("no symbol for requirement {requirement}: {r}"));
        assert_eq!(
            Range::from_json(&req["range"]).start.line,
            req_line,
            "{req}"
        );
        let child = find_symbol(&req["children"], |n| n.contains(scenario))
            .unwrap_or_else(|| panic!("scenario {scenario} is not under {requirement}: {req}"));
        assert_eq!(
            Range::from_json(&child["range"]).start.line,
            scenario_line,
            "{child}"
        );
        // The selection range lies inside the range.
        for s in flatten_symbols(&r) {
            let (range, sel) = (
                Range::from_json(&s["range"]),
                Range::from_json(&s["selectionRange"]),
            );
            assert!(
                range.start <= sel.start && sel.end <= range.end,
                "selectionRange outside range: {s}"
            );
        }
    }
    lsp.shutdown_and_exit();
}

#[test]
fn workspace_symbols_match_fuzzily() {
    let (ws, mut lsp, _) = session(&[]);
    let delta = uri(&ws, DELTA);
    let found = |v: &Value| -> Option<Value> {
        v.as_array()?
            .iter()
            .find(|s| {
                s["name"]
                    .as_str()
                    .is_some_and(|n| n.contains("Caller asks"))
                    && s["location"]["uri"]
                        .as_str()
                        .is_some_and(|u| same_file(u, &delta))
            })
            .cloned()
    };
    let r = lsp.request_until(
        "workspace/symbol",
        json!({"query": "callask"}),
        WAIT_TIMEOUT,
        |v| found(v).is_some(),
    );
    let sym = found(&r).expect("found");
    if sym["location"]["range"].is_object() {
        assert_eq!(
            Range::from_json(&sym["location"]["range"]).start.line,
            6,
            "{sym}"
        );
    }
    lsp.shutdown_and_exit();
}

#[test]
fn the_requirements_section_folds() {
    let (_ws, mut lsp, uris) = session(&[MAIN]);
    let r = lsp.request_ok(
        "textDocument/foldingRange",
        json!({"textDocument": {"uri": uris[0]}}),
    );
    let ranges = r.as_array().unwrap_or_else(|| panic!("{r}"));
    // "## Requirements" is line 6; its last line of text is 15.
    let section = ranges
        .iter()
        .find(|f| f["startLine"] == 6)
        .unwrap_or_else(|| panic!("no folding range starts at ## Requirements: {r}"));
    let end = section["endLine"].as_u64().expect("endLine");
    assert!((15..=16).contains(&end), "{section}");
    lsp.shutdown_and_exit();
}

#[test]
fn document_links_target_the_linked_files() {
    let (ws, mut lsp, uris) = session(&[TASKS]);
    let r = lsp.request_ok(
        "textDocument/documentLink",
        json!({"textDocument": {"uri": uris[0]}}),
    );
    let links = r.as_array().unwrap_or_else(|| panic!("{r}")).clone();
    let delta = uri(&ws, DELTA);
    for line in [3, 5, 7] {
        let link = links
            .iter()
            .find(|l| Range::from_json(&l["range"]).start.line == line)
            .unwrap_or_else(|| panic!("no document link on line {line}: {r}"));
        let link = if link["target"].is_string() {
            link.clone()
        } else {
            lsp.request_ok("documentLink/resolve", link.clone())
        };
        let target = link["target"].as_str().unwrap_or_else(|| panic!("{link}"));
        assert!(
            same_file(target, &delta),
            "line {line} links {target}, expected {delta}"
        );
    }
    lsp.shutdown_and_exit();
}
