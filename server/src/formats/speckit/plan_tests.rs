use super::*;
use crate::formats::speckit::PlaceholderKind;

fn at(src: &str, s: Span) -> &str {
    &src[s.range()]
}

#[test]
fn plan_sections_citations_markers_and_placeholders() {
    let src = r#"# Implementation Plan: [FEATURE]

**Branch**: `[###-feature-name]` | **Date**: [DATE] | **Spec**: [link]

## Technical Context

**Language/Version**: NEEDS CLARIFICATION
**Storage**: [if applicable, e.g., PostgreSQL or N/A]
**Testing**: [e.g., pytest, XCTest or NEEDS CLARIFICATION]
**Scale/Scope**: [domain-specific, e.g., 10k users or NEEDS CLARIFICATION]
**Output**: research.md not required (no NEEDS CLARIFICATION items).

## Summary

Covers FR-001 and SC-002; see [NEEDS CLARIFICATION: which cache?].
- For each NEEDS CLARIFICATION → research task
<!-- FR-099 in a comment -->

## Project Structure

```text
# [REMOVE IF UNUSED] Option 1: Single project
src/ FR-100
```
"#;
    let p = Plan::parse(src);
    let titles: Vec<_> = p.sections.iter().map(|s| at(src, s.title)).collect();
    assert_eq!(
        titles,
        [
            "Implementation Plan: [FEATURE]",
            "Technical Context",
            "Summary",
            "Project Structure"
        ]
    );
    let ids: Vec<_> = p.requirements.iter().map(|r| at(src, r.span)).collect();
    assert_eq!(ids, ["FR-001", "SC-002"]);
    // The bare value on a label line and the bracketed marker; not the
    // example hint, nor the instruction in a plain bullet.
    let markers: Vec<_> = p.markers.iter().map(|m| at(src, m.span)).collect();
    assert_eq!(
        markers,
        ["NEEDS CLARIFICATION", "[NEEDS CLARIFICATION: which cache?]"]
    );
    let ph: Vec<_> = p.placeholders.iter().map(|x| at(src, x.span)).collect();
    assert_eq!(
        ph,
        [
            "[FEATURE]",
            "[###-feature-name]",
            "[DATE]",
            "[link]",
            "[if applicable, e.g., PostgreSQL or N/A]",
            "[e.g., pytest, XCTest or NEEDS CLARIFICATION]",
            "[domain-specific, e.g., 10k users or NEEDS CLARIFICATION]",
            "[REMOVE IF UNUSED]"
        ]
    );
}

#[test]
fn old_plan_execution_flow_is_guidance() {
    let src = "## Execution Flow (/plan command scope)\n**Language**: NEEDS CLARIFICATION\nTODO\n## Phase 0\n**Language**: NEEDS CLARIFICATION\nTODO: decide\n";
    let p = Plan::parse(src);
    assert_eq!(p.markers.len(), 1);
    assert_eq!(
        p.markers[0].span.start as usize,
        src.rfind("NEEDS").unwrap()
    );
    let notes: Vec<_> = p
        .placeholders
        .iter()
        .map(|x| (x.kind, at(src, x.span)))
        .collect();
    assert_eq!(notes, [(PlaceholderKind::Note, "TODO")]);
}

#[test]
fn other_files_are_read_for_their_citations() {
    let src = "# Research\n\nFR-003 needs SC-001.\n```\nFR-004\n```\n";
    let ids: Vec<_> = cited_ids(src).into_iter().map(|r| r.id).collect();
    assert_eq!(ids, ["FR-003", "SC-001"]);
}
