//! Completion fixtures: a workspace in one string with `$0` at the cursor.
//! Expected values are read off the fixture text.

use super::*;
use crate::ide::fixture::{Fixture, VOICE};
use crate::workspace::links::{LinkResolver, Target};
use crate::workspace::Workspace;

fn complete_at(fx: &Fixture, trigger: Trigger) -> Completions {
    let mut idx = StepIndex::default();
    idx.refresh([(0, &fx.ws)]);
    let c = completion(&fx.ws, &idx, &fx.rel, fx.offset, trigger);
    for item in &c.items {
        check_item(&fx.ws, &fx.rel, fx.offset, item);
    }
    c
}

pub(crate) fn complete(fixture: &str) -> (Fixture, Completions) {
    let fx = Fixture::new(fixture);
    let c = complete_at(&fx, Trigger::Invoked);
    (fx, c)
}

fn labels(c: &Completions) -> Vec<&str> {
    c.items.iter().map(|i| i.label.as_str()).collect()
}

/// The keyword items (an empty line also gets headings after them).
fn keyword_labels(c: &Completions) -> Vec<&str> {
    c.items
        .iter()
        .filter(|i| i.kind == ItemKind::Keyword)
        .map(|i| i.label.as_str())
        .collect()
}

pub(crate) fn item<'a>(c: &'a Completions, label: &str) -> &'a Completion {
    c.items
        .iter()
        .find(|i| i.label == label)
        .unwrap_or_else(|| panic!("no item {label:?} in {:?}", labels(c)))
}

/// The edit of `item` applied to the file (plain text, as a client
/// without snippets inserts it).
pub(crate) fn apply(ws: &Workspace, rel: &str, item: &Completion) -> String {
    let text = &ws.file(rel).unwrap().text();
    let r = item.edit.range();
    format!(
        "{}{}{}",
        &text[..r.start],
        item.insert.plain(),
        &text[r.end..]
    )
}

/// The text `item` replaces.
fn replaced<'a>(ws: &'a Workspace, rel: &str, item: &Completion) -> &'a str {
    &ws.file(rel).unwrap().text()[item.edit.range()]
}

/// Every edit: on character boundaries, on the cursor's line, around the
/// cursor; the filter starts with what it replaces up to the cursor, in
/// some case; the file still reads after it.
fn check_item(ws: &Workspace, rel: &str, offset: usize, item: &Completion) {
    let text = &ws.file(rel).unwrap().text();
    let r = item.edit.range();
    assert!(
        r.start <= offset && offset <= r.end && r.end <= text.len(),
        "{item:?} at {offset}"
    );
    assert!(
        text.is_char_boundary(r.start) && text.is_char_boundary(r.end),
        "{item:?}"
    );
    assert!(
        !text[r.clone()].contains(['\n', '\r']),
        "edit spans lines: {item:?}"
    );
    let typed = &text[r.start..offset];
    assert!(
        item.filter
            .to_lowercase()
            .starts_with(&typed.to_lowercase()),
        "filter {:?} does not start with {typed:?}",
        item.filter
    );
    assert!(!item.label.is_empty());
    let new = format!(
        "{}{}{}",
        &text[..r.start],
        item.insert.plain(),
        &text[r.end..]
    );
    let kind = crate::workspace::kind_of(rel);
    let _ = crate::workspace::summarize(&kind, &new, rel);
}

// ---------------------------------------------------------------------------
// Step keywords

const CHANGE_DELTA: &str = "//- openspec/changes/c/specs/voice/spec.md
## ADDED Requirements

### Requirement: Callback
The agent SHALL call back.

#### Scenario: Missed call
";

#[test]
fn first_step_offers_given_and_when_in_the_file_style() {
    let (fx, c) = complete(&format!("{VOICE}{CHANGE_DELTA}$0\n"));
    // Keywords first, then what else may start an empty line.
    assert_eq!(labels(&c)[..3], ["GIVEN", "WHEN", "### Requirement: …"]);
    assert_eq!(item(&c, "WHEN").insert.plain(), "- **WHEN** ");
    assert_eq!(replaced(&fx.ws, &fx.rel, item(&c, "WHEN")), "");
    assert!(!c.incomplete);
}

#[test]
fn keywords_follow_the_steps_above() {
    let after_when = format!("{VOICE}{CHANGE_DELTA}- **WHEN** the line drops\n$0\n");
    assert_eq!(
        keyword_labels(&complete(&after_when).1),
        ["THEN", "AND", "BUT"]
    );
    let after_given = format!("{VOICE}{CHANGE_DELTA}- **GIVEN** a caller\n- **AND** a queue\n$0\n");
    // AND continues the GIVEN.
    assert_eq!(
        keyword_labels(&complete(&after_given).1),
        ["WHEN", "AND", "BUT"]
    );
    let after_then =
        format!("{VOICE}{CHANGE_DELTA}- **WHEN** the line drops\n- **THEN** it calls\n$0\n");
    assert_eq!(keyword_labels(&complete(&after_then).1), ["AND", "BUT"]);
}

#[test]
fn keywords_replace_a_half_typed_bullet() {
    let (fx, c) = complete(&format!(
        "{VOICE}{CHANGE_DELTA}- **WHEN** the line drops\n  - **th$0\n"
    ));
    let then = item(&c, "THEN");
    // Indentation stays; the typed bullet goes.
    assert_eq!(replaced(&fx.ws, &fx.rel, then), "- **th");
    assert_eq!(then.insert.plain(), "- **THEN** ");
    assert_eq!(then.filter, "- **thEN** ");
    // Prose in a scenario body is left alone.
    let (_, c) = complete(&format!("{VOICE}{CHANGE_DELTA}The line$0\n"));
    assert!(c.items.is_empty(), "{:?}", labels(&c));
}

#[test]
fn a_plain_style_file_gets_plain_keywords() {
    let (_, c) = complete(
        "//- openspec/specs/p/spec.md
## Requirements
### Requirement: P
It SHALL work.
#### Scenario: S
- Given a caller
- When it rings
$0
",
    );
    assert_eq!(keyword_labels(&c), ["Then", "And", "But"]);
    assert_eq!(item(&c, "Then").insert.plain(), "- Then ");
}

// ---------------------------------------------------------------------------
// Step texts

const STEPS: &str = "//- openspec/specs/books/spec.md
## Requirements
### Requirement: Lend
The library SHALL lend.
#### Scenario: One
- **WHEN** the reader borrows \"Dune\"
- **THEN** the loan lasts 14 days
#### Scenario: Two
- **WHEN** the reader borrows \"Emma\"
- **THEN** the loan lasts 14 days
#### Scenario: Three
- **WHEN** the reader borrows \"Emma\"
- **THEN** the reader is told no
//- openspec/specs/films/spec.md
## Requirements
### Requirement: Stream
The service SHALL stream.
#### Scenario: One
- **WHEN** the viewer presses play
- **THEN** the reader is told no
";

#[test]
fn step_texts_of_the_workspace_after_a_keyword() {
    let (fx, c) = complete(&format!(
        "{STEPS}//- openspec/changes/c/specs/books/spec.md
## ADDED Requirements
### Requirement: Return
The library SHALL take books back.
#### Scenario: Back
- **WHEN** $0
"
    ));
    // Fuzzy ties on an empty query: capability books first, its WHEN steps
    // first, then uses. books: "borrows" (WHEN, 3), "lasts" (2), "told no"
    // (2 in all, 1 here); films only: "presses play" (1).
    assert_eq!(
        labels(&c),
        [
            "the reader borrows \"Emma\"",
            "the loan lasts 14 days",
            "the reader is told no",
            "the viewer presses play"
        ]
    );
    let borrows = item(&c, "the reader borrows \"Emma\"");
    assert_eq!(
        borrows.insert.snippet(),
        "the reader borrows ${1|\"Emma\",\"Dune\"|}"
    );
    assert_eq!(borrows.insert.plain(), "the reader borrows \"Emma\"");
    // The number never varies: no placeholder.
    assert_eq!(
        item(&c, "the loan lasts 14 days").insert.snippet(),
        "the loan lasts 14 days"
    );
    assert_eq!(replaced(&fx.ws, &fx.rel, borrows), "");
    assert!(c.incomplete);
    assert_eq!(
        borrows.detail.as_deref(),
        Some("WHEN step, used 3 times; values: \"Emma\" | \"Dune\"")
    );
}

/// A blank line in a scenario's body gets steps, not delta sections; a
/// heading being typed there gets them.
#[test]
fn delta_sections_are_not_offered_in_a_scenario_body() {
    let body = "//- openspec/changes/c/specs/books/spec.md
## ADDED Requirements
### Requirement: Return
The library SHALL take books back.
#### Scenario: Back
- **WHEN** a book comes back
$0
";
    let (_, c) = complete(body);
    assert!(
        !labels(&c).iter().any(|l| l.starts_with("## ")),
        "{:?}",
        labels(&c)
    );
    let (_, c) = complete(&body.replace("$0", "## $0"));
    assert!(
        labels(&c).contains(&"## MODIFIED Requirements"),
        "{:?}",
        labels(&c)
    );
}

/// After `- **WHEN** ` the capability's WHEN steps come before its
/// other steps, however often those are used.
#[test]
fn the_keyword_typed_ranks_its_own_steps_first() {
    let (_, c) = complete(
        "//- openspec/specs/books/spec.md
## Requirements
### Requirement: Lend
The library SHALL lend.
#### Scenario: One
- **WHEN** the reader borrows a book
- **THEN** the loan is recorded
#### Scenario: Two
- **GIVEN** a member
- **THEN** the loan is recorded
#### Scenario: Three
- **WHEN** $0
",
    );
    assert_eq!(
        labels(&c),
        [
            "the reader borrows a book",
            "the loan is recorded",
            "a member"
        ]
    );
}

#[test]
fn step_texts_are_ranked_by_what_is_typed_and_replace_it() {
    let (fx, c) = complete(&format!(
        "{STEPS}//- openspec/specs/films/spec.md
## Requirements
### Requirement: Stream
The service SHALL stream.
#### Scenario: One
- **WHEN** the viewer presses play
- **THEN** the reader is told no
#### Scenario: Two
- **WHEN** reader bo$0 old text
"
    ));
    assert_eq!(labels(&c)[0], "the reader borrows \"Emma\"");
    let first = &c.items[0];
    // The whole text after the keyword is replaced, and the filter starts
    // with what was typed, so clients keep this order.
    assert_eq!(replaced(&fx.ws, &fx.rel, first), "reader bo old text");
    assert_eq!(first.filter, "reader bo the reader borrows \"Emma\"");
    // The half-typed step is in the index but does not suggest itself.
    assert!(!labels(&c).iter().any(|l| l.contains("old text")));
}

#[test]
fn typing_a_value_puts_it_first() {
    let (_, c) = complete(&format!(
        "{STEPS}//- openspec/changes/c/specs/books/spec.md
## ADDED Requirements
### Requirement: Return
The library SHALL take books back.
#### Scenario: Back
- **WHEN** borrows dune$0
"
    ));
    let first = &c.items[0];
    assert_eq!(first.label, "the reader borrows \"Dune\"");
    assert_eq!(
        first.insert.snippet(),
        "the reader borrows ${1|\"Dune\",\"Emma\"|}"
    );
}

#[test]
fn plain_style_step_text() {
    let (fx, c) = complete(&format!(
        "{STEPS}//- openspec/specs/p/spec.md
## Requirements
### Requirement: P
It SHALL work.
#### Scenario: S
When the viewer$0
"
    ));
    assert_eq!(labels(&c)[0], "the viewer presses play");
    assert_eq!(replaced(&fx.ws, &fx.rel, &c.items[0]), "the viewer");
}

// ---------------------------------------------------------------------------
// Skeletons, section headers, RFC 2119

#[test]
fn requirement_and_scenario_skeletons() {
    let (fx, c) = complete(&format!("{VOICE}\n##$0\n"));
    // Line 24 is after the last scenario of Greeting: inside its block.
    assert_eq!(labels(&c), ["### Requirement: …", "#### Scenario: …"]);
    let req = item(&c, "### Requirement: …");
    assert_eq!(replaced(&fx.ws, &fx.rel, req), "##");
    assert_eq!(
        req.insert.snippet(),
        "### Requirement: ${1:Requirement name}\n${2:The system SHALL describe the behaviour.}\n\n#### Scenario: ${3:Scenario name}\n- **WHEN** ${4:a condition}\n- **THEN** ${5:the expected outcome}$0"
    );
    let text = apply(&fx.ws, &fx.rel, req);
    let spec = crate::model::MainSpec::parse(&text);
    let added = spec
        .requirement("Requirement name")
        .expect("a new requirement");
    assert_eq!(added.scenarios.len(), 1);
    assert_eq!(added.scenarios[0].steps.len(), 2);
    assert!(added.shall_or_must);
    let sc = item(&c, "#### Scenario: …");
    let text = apply(&fx.ws, &fx.rel, sc);
    let spec = crate::model::MainSpec::parse(&text);
    assert_eq!(spec.requirement("Greeting").unwrap().scenarios.len(), 2);
}

#[test]
fn delta_section_headers() {
    let (fx, c) = complete("//- openspec/changes/c/specs/voice/spec.md\n## A$0\n");
    assert_eq!(labels(&c), ["## ADDED Requirements"]);
    assert_eq!(replaced(&fx.ws, &fx.rel, &c.items[0]), "## A");
    let (_, c) = complete("//- openspec/changes/c/specs/voice/spec.md\n$0\n");
    assert_eq!(
        labels(&c),
        [
            "## ADDED Requirements",
            "## MODIFIED Requirements",
            "## REMOVED Requirements",
            "## RENAMED Requirements"
        ]
    );
    // `#` typed: skeletons where they fit, and the headers.
    let fx = Fixture::new(&format!("{CHANGE_DELTA}- **WHEN** x\n\n#$0\n"));
    let c = complete_at(&fx, Trigger::Char('#'));
    assert_eq!(
        labels(&c),
        [
            "### Requirement: …",
            "#### Scenario: …",
            "## ADDED Requirements",
            "## MODIFIED Requirements",
            "## REMOVED Requirements",
            "## RENAMED Requirements"
        ]
    );
}

#[test]
fn rfc2119_keywords_in_requirement_bodies() {
    let (fx, c) = complete(&format!(
        "{CHANGE_DELTA}- **WHEN** x\n### Requirement: Two\nThe agent sh$0ll wait.\n"
    ));
    assert_eq!(labels(&c), ["SHALL", "SHALL NOT", "SHOULD", "SHOULD NOT"]);
    // The whole word under the cursor is replaced.
    assert_eq!(replaced(&fx.ws, &fx.rel, &c.items[0]), "shll");
    assert_eq!(c.items[0].filter, "shALL");
    // Not in scenarios, and not after a space trigger.
    let fx = Fixture::new(&format!(
        "{CHANGE_DELTA}- **WHEN** x\n### Requirement: Two\nThe $0\n"
    ));
    assert!(complete_at(&fx, Trigger::Char(' ')).items.is_empty());
    assert_eq!(complete_at(&fx, Trigger::Invoked).items.len(), 10);
}

// ---------------------------------------------------------------------------
// Delta entries

pub(crate) const MODIFY: &str = "//- openspec/changes/c/specs/voice/spec.md
## MODIFIED Requirements

### Requirement: $0
";

#[test]
fn modified_names_bring_the_whole_block() {
    let (fx, c) = complete(&format!("{VOICE}{MODIFY}"));
    assert_eq!(labels(&c), ["Transfer", "Greeting"]);
    let t = item(&c, "Transfer");
    assert_eq!(
        t.insert.plain(),
        "Transfer
The agent SHALL transfer.

#### Scenario: Caller asks
- **WHEN** the caller asks for a human
- **THEN** the call is transferred

#### Scenario: Nobody free
- **WHEN** nobody is free
- **THEN** the caller waits"
    );
    let text = apply(&fx.ws, &fx.rel, t);
    let mut ws = crate::workspace::fixture::workspace(VOICE);
    ws.set_text(&fx.rel, text);
    let Summary::Delta(d) = &ws.file(&fx.rel).unwrap().summary else {
        panic!()
    };
    assert_eq!(d.modified[0].scenario_count(), 2);
}

#[test]
fn modified_follows_line_endings_and_renames() {
    let crlf = VOICE.replace('\n', "\r\n").replace(
        "//- openspec/specs/voice/spec.md\r\n",
        "//- openspec/specs/voice/spec.md\n",
    );
    let (_, c) = complete(&format!(
        "{crlf}//- openspec/changes/c/specs/voice/spec.md
## RENAMED Requirements
- FROM: `### Requirement: Greeting`
- TO: `### Requirement: Welcome`
## MODIFIED Requirements
### Requirement: Tra$0
"
    ));
    assert_eq!(labels(&c), ["Transfer"]);
    let plain = c.items[0].insert.plain();
    assert!(plain.contains("\n#### Scenario: Nobody free\n") && !plain.contains('\r'));
    let (_, c) = complete(&format!(
        "{VOICE}//- openspec/changes/c/specs/voice/spec.md
## RENAMED Requirements
- FROM: `### Requirement: Greeting`
- TO: `### Requirement: Welcome`
## MODIFIED Requirements
### Requirement: $0
"
    ));
    assert_eq!(labels(&c), ["Transfer", "Welcome"]);
    assert!(item(&c, "Welcome").insert.plain().contains("it says hello"));
}

#[test]
fn removed_and_renamed_names() {
    let (fx, c) = complete(&format!(
        "{VOICE}//- openspec/changes/c/specs/voice/spec.md
## REMOVED Requirements
- `### Requirement: Greeting`
- `### Requirement: $0`
"
    ));
    // Greeting is removed already.
    assert_eq!(labels(&c), ["Transfer"]);
    assert_eq!(c.items[0].insert.plain(), "Transfer");
    assert_eq!(replaced(&fx.ws, &fx.rel, &c.items[0]), "");
    let (fx, c) = complete(&format!(
        "{VOICE}//- openspec/changes/c/specs/voice/spec.md
## RENAMED Requirements
- FROM: $0
"
    ));
    assert_eq!(labels(&c), ["Transfer", "Greeting"]);
    let text = apply(&fx.ws, &fx.rel, &c.items[1]);
    assert!(
        text.ends_with("- FROM: `### Requirement: Greeting`\n"),
        "{text}"
    );
    let d = crate::model::DeltaSpec::parse(&format!("{text}- TO: `### Requirement: Hi`\n"));
    assert_eq!(d.renamed[0].from.name, "Greeting");
}

#[test]
fn a_half_typed_modified_header_offers_names_and_headings() {
    let (fx, c) = complete(&format!(
        "{VOICE}//- openspec/changes/c/specs/voice/spec.md
## MODIFIED Requirements
###$0
"
    ));
    assert_eq!(labels(&c)[..2], ["Transfer", "Greeting"]);
    let text = apply(&fx.ws, &fx.rel, &c.items[1]);
    assert!(text
        .contains("## MODIFIED Requirements\n### Requirement: Greeting\nThe agent SHALL greet."));
    // No skeleton of a new requirement under MODIFIED.
    assert!(!labels(&c).contains(&"### Requirement: …"));
}

// ---------------------------------------------------------------------------
// Tasks

const TASKS_FX: &str = "//- openspec/changes/c/specs/voice/spec.md
## ADDED Requirements
### Requirement: Callback
The agent SHALL call back.
#### Scenario: Missed call
- **WHEN** a call is missed
- **THEN** the agent calls back
#### Scenario: Busy line
- **WHEN** the line is busy
- **THEN** it tries again
";

#[test]
fn task_ids_after_requires() {
    let fixture = format!(
        "{TASKS_FX}//- openspec/changes/c/tasks.md
## 1. Setup
- [ ] 1.1 Add the queue
- [x] 1.2 Wire the line (requires 1.1)
## 2. Calls
- [ ] 2.1 Call back (requires 1.2, $0
"
    );
    let (fx, c) = complete(&fixture);
    // 1.2 is listed already and 2.1 is the task itself.
    assert_eq!(labels(&c), ["1.1", "1", "2"]);
    assert_eq!(c.items[0].detail.as_deref(), Some("Add the queue"));
    assert_eq!(c.items[1].detail.as_deref(), Some("group: Setup"));
    assert_eq!(replaced(&fx.ws, &fx.rel, &c.items[0]), "");
    let (fx, c) = complete(&fixture.replace("1.2, $0", "1.$0"));
    assert_eq!(labels(&c), ["1.1", "1.2"]);
    assert_eq!(replaced(&fx.ws, &fx.rel, &c.items[0]), "1.");
    // A sub-bullet.
    let (_, c) = complete(&fixture.replace(
        "- [ ] 2.1 Call back (requires 1.2, $0",
        "- [ ] 2.1 Call back\n  - Requires: $0",
    ));
    assert_eq!(labels(&c), ["1.1", "1.2", "1", "2"]);
    // Prose in parentheses is not a dependency list.
    let (_, c) = complete(&fixture.replace("(requires 1.2, $0", "(after the de$0"));
    assert!(c.items.is_empty(), "{:?}", labels(&c));
}

#[test]
fn acceptance_links_resolve_to_their_scenario() {
    let fixture = format!(
        "{VOICE}{TASKS_FX}//- openspec/changes/c/tasks.md
## 1. Setup
- [ ] 1.1 Add the queue
  - Acceptance: [Missed call](specs/voice/spec.md#scenario-missed-call), $0
"
    );
    let (fx, c) = complete(&fixture);
    // Own delta first (the linked one after), then the main spec.
    assert_eq!(
        labels(&c),
        [
            "Busy line",
            "Missed call",
            "Caller asks",
            "Nobody free",
            "Hello"
        ]
    );
    assert_eq!(
        c.items[0].insert.plain(),
        "[Busy line](specs/voice/spec.md#scenario-busy-line)"
    );
    assert_eq!(
        item(&c, "Hello").insert.plain(),
        "[Hello](../../specs/voice/spec.md#scenario-hello)"
    );
    // Every one resolves to the scenario it names.
    for it in &c.items {
        let text = apply(&fx.ws, &fx.rel, it);
        let mut ws = crate::workspace::fixture::workspace(&fixture.replace("$0", ""));
        ws.set_text(&fx.rel, text);
        let Summary::Tasks(list) = &ws.file(&fx.rel).unwrap().summary else {
            panic!()
        };
        let link = list.tasks[0].acceptance[0].links.last().unwrap();
        match LinkResolver::new(&ws).resolve(&fx.rel, link) {
            Target::Scenarios(s) => assert_eq!(s.len(), 1),
            Target::Broken(why) => panic!("{}: {why}", it.label),
        }
    }
    // A half-typed label filters.
    let (fx, c) = complete(&fixture.replace(", $0", ", [bus$0]"));
    assert_eq!(labels(&c), ["Busy line"]);
    assert_eq!(replaced(&fx.ws, &fx.rel, &c.items[0]), "[bus]");
}

#[test]
fn link_targets_after_a_bracket_paren() {
    let fixture = format!(
        "{VOICE}{TASKS_FX}//- openspec/changes/c/tasks.md
## 1. Setup
- [ ] 1.1 Add the queue
  - Acceptance: [Caller asks]($0)
"
    );
    let (fx, c) = complete(&fixture);
    // The label picks the scenario.
    assert_eq!(labels(&c), ["Caller asks"]);
    assert_eq!(
        c.items[0].insert.plain(),
        "../../specs/voice/spec.md#scenario-caller-asks"
    );
    assert_eq!(replaced(&fx.ws, &fx.rel, &c.items[0]), "");
    // A typed target is matched against the paths and replaced whole.
    let (fx, c) = complete(&fixture.replace("[Caller asks]($0)", "[x](specs/busy$0-old)"));
    assert_eq!(labels(&c), ["Busy line"]);
    assert_eq!(replaced(&fx.ws, &fx.rel, &c.items[0]), "specs/busy-old");
    // Unclosed: the insert closes it. Also in other Markdown files.
    let (_, c) = complete(&format!(
        "{VOICE}{TASKS_FX}//- openspec/changes/c/design.md\nSee [it](../../specs/voice/spec.md#scenario-he$0\n"
    ));
    assert_eq!(labels(&c), ["Hello"]);
    assert_eq!(
        c.items[0].insert.plain(),
        "../../specs/voice/spec.md#scenario-hello)"
    );
}

#[test]
fn relative_paths() {
    assert_eq!(
        relative_path("openspec/changes/c/tasks.md", "openspec/specs/a b/spec.md"),
        "../../specs/a%20b/spec.md"
    );
    assert_eq!(
        relative_path(
            "openspec/changes/c/tasks.md",
            "openspec/changes/c/specs/x/spec.md"
        ),
        "specs/x/spec.md"
    );
    assert_eq!(relative_path("a.md", "a.md"), "a.md");
}

// ---------------------------------------------------------------------------
// Robustness

#[test]
fn nothing_in_code_fences_unknown_files_or_odd_offsets() {
    let (_, c) = complete(&format!("{CHANGE_DELTA}```\n$0\n```\n"));
    assert!(c.items.is_empty());
    let ws = crate::workspace::fixture::workspace(VOICE);
    let idx = StepIndex::default();
    for (rel, offset) in [("nope.md", 0), ("openspec/specs/voice/spec.md", usize::MAX)] {
        assert!(completion(&ws, &idx, rel, offset, Trigger::Invoked)
            .items
            .is_empty());
    }
}

/// Files mixing line endings, a BOM, emoji, CJK, half-typed entries; at
/// every byte offset and for every trigger, every item's edit is valid
/// (checked in `complete_at`), and the file still reads after it.
#[test]
fn every_offset_gives_valid_edits() {
    let fixture = format!(
        "{VOICE}//- openspec/changes/c/specs/voice/spec.md
\u{feff}## MODIFIED Requirements\r
### Requirement: Tr🎉\r
漢字 SHALL.\r#### Scenario: 挨拶\r- **WHEN** 🎉 says \"漢\"\r- **TH\r
- **AND** \r
## REMOVED Requirements\n- `### Requirement: \n## RENAMED Requirements\r\n- FROM: `###\r\n- FROM:\n## ADDED Requirements\n### Requirement: X\nsh\n#### Scenario: Y\n- **WHEN** 8 \"a\" `b`\nWhen\n
//- openspec/changes/c/tasks.md
## 1. 漢字
- [ ] 1.1 🎉 (requires 1.2, \r
  - Acceptance: [s](specs/voice/spec.md#scenario-挨拶), [
  - Requires: 1.
  - **Acceptance:** [🎉](../../specs/voice/spec.md#
- [x] 1.2 é (requires
  - Acceptance criteria:
    - [
//- openspec/changes/c/design.md
[x](specs/
"
    );
    let ws = crate::workspace::fixture::workspace(&fixture);
    let mut idx = StepIndex::default();
    idx.refresh([(0, &ws)]);
    let rels: Vec<String> = ws.files.iter().map(|f| f.rel.clone()).collect();
    let mut total = 0;
    for rel in &rels {
        let len = ws.file(rel).unwrap().text().len();
        for offset in 0..=len + 1 {
            for trigger in [Trigger::Invoked]
                .into_iter()
                .chain(TRIGGER_CHARACTERS.map(Trigger::Char))
            {
                let c = completion(&ws, &idx, rel, offset, trigger);
                for it in &c.items {
                    check_item(&ws, rel, offset, it);
                    // Snippets render without panicking too.
                    let _ = it.insert.snippet();
                    total += 1;
                }
            }
        }
    }
    assert!(total > 1000, "only {total} items were checked");
}

#[test]
fn a_bold_step_outside_a_scenario_still_gets_step_texts() {
    let (_, c) = complete(&format!(
        "{STEPS}//- openspec/specs/p/spec.md\n## Purpose\n- **WHEN** view$0\n"
    ));
    assert_eq!(labels(&c), ["the viewer presses play"]);
    // A plain keyword there is prose.
    let (_, c) = complete(&format!(
        "{STEPS}//- openspec/specs/p/spec.md\n## Purpose\nWhen view$0\n"
    ));
    assert!(c.items.is_empty(), "{:?}", labels(&c));
}

#[test]
fn keywords_and_headings_never_swallow_the_text_after_the_cursor() {
    let (fx, c) = complete(&format!(
        "{CHANGE_DELTA}- **WHEN** the line drops\n$0- **THEN** it calls\n"
    ));
    let and = item(&c, "AND");
    assert_eq!(replaced(&fx.ws, &fx.rel, and), "");
    // What an editor closed already is replaced.
    let (fx, c) = complete(&format!("{CHANGE_DELTA}- **WHEN** x\n- **th$0**\n"));
    assert_eq!(replaced(&fx.ws, &fx.rel, item(&c, "THEN")), "- **th**");
}
