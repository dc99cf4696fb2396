use super::*;

fn at(src: &str, s: Span) -> &str {
    &src[s.range()]
}

#[test]
fn items_with_ids_markers_and_dimensions() {
    let src = r#"# Requirements Quality Checklist: E2E

**Feature**: [spec.md](../spec.md)

## Completeness

- [x] CHK001 - Are API methods covered? [Completeness, Spec §FR-001 to FR-005]
- [ ] CHK002 Is the range defined? [Clarity, Gap - could add to spec]
- [ ] **CHK003** Clear tests? [Clarity, Spec §US1, US2]
- [ ] CHK004 Aligned? [Consistency, Plan §Structure] [Ambiguity]
- [x] CHK005 No marker here [Completeness]
- [ ] No id at all, see [the spec](spec.md)
"#;
    let c = Checklist::parse(src);
    assert_eq!(
        c.title.map(|t| at(src, t)),
        Some("Requirements Quality Checklist: E2E")
    );
    let got: Vec<_> = c
        .items
        .iter()
        .map(|i| {
            (
                i.id.as_deref(),
                i.done,
                i.traces
                    .iter()
                    .map(|t| (t.kind, at(src, t.span)))
                    .collect::<Vec<_>>(),
                i.dimensions.iter().map(|d| at(src, *d)).collect::<Vec<_>>(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                Some("CHK001"),
                true,
                vec![(TraceKind::Spec, "Spec §FR-001 to FR-005")],
                vec!["Completeness"]
            ),
            (
                Some("CHK002"),
                false,
                vec![(TraceKind::Gap, "Gap - could add to spec")],
                vec!["Clarity"]
            ),
            (
                Some("CHK003"),
                false,
                vec![(TraceKind::Spec, "Spec §US1")],
                vec!["Clarity"]
            ),
            (
                Some("CHK004"),
                false,
                vec![
                    (TraceKind::Section, "Plan §Structure"),
                    (TraceKind::Ambiguity, "Ambiguity")
                ],
                vec!["Consistency"]
            ),
            (Some("CHK005"), true, vec![], vec!["Completeness"]),
            (None, false, vec![], vec![]),
        ]
    );
    let reqs: Vec<_> = c.items[0]
        .requirements
        .iter()
        .map(|r| at(src, r.span))
        .collect();
    assert_eq!(reqs, ["FR-001", "FR-005"]);
    let stories: Vec<_> = c.items[2]
        .stories
        .iter()
        .map(|s| (s.0, at(src, s.1)))
        .collect();
    assert_eq!(stories, [(1, "US1"), (2, "US2")]);
    assert_eq!(at(src, c.items[2].id_span.unwrap()), "CHK003");
}

#[test]
fn half_typed_items() {
    let src = "- [ ] CHK\n- [ ] CHK12x nope\n- [ ] CHK7 [Spec §FR-\n";
    let c = Checklist::parse(src);
    let ids: Vec<_> = c.items.iter().map(|i| i.id.as_deref()).collect();
    assert_eq!(ids, [None, None, Some("CHK7")]);
    assert!(c.items[2].traces.is_empty());
}
