use super::*;

fn at(src: &str, s: Span) -> &str {
    &src[s.range()]
}

#[test]
fn principles_version_and_unfilled_tokens() {
    let src = r#"<!-- Sync Impact Report: TODO(RATIFICATION_DATE) [PRINCIPLE_9_NAME] -->
# [PROJECT_NAME] Constitution

## Core Principles

### I. Library-First
Text.

### II. Test-First (NON-NEGOTIABLE)

### [PRINCIPLE_3_NAME]
[PRINCIPLE_3_DESCRIPTION]

### Article IV — Security

## Governance

### Amendments

**Version**: 1.2.0 | **Ratified**: [RATIFICATION_DATE] | **Last Amended**: 2025-01-01
"#;
    let c = Constitution::parse(src);
    let got: Vec<_> = c
        .principles
        .iter()
        .map(|p| {
            (
                p.number.map(|n| at(src, n)),
                at(src, p.name),
                p.non_negotiable,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (Some("I"), "Library-First", false),
            (Some("II"), "Test-First (NON-NEGOTIABLE)", true),
            (None, "[PRINCIPLE_3_NAME]", false),
            (Some("IV"), "Security", false),
        ]
    );
    assert_eq!(c.version.map(|v| at(src, v)), Some("1.2.0"));
    let ph: Vec<_> = c.placeholders.iter().map(|p| at(src, p.span)).collect();
    // Nothing from the comment.
    assert_eq!(
        ph,
        [
            "[PROJECT_NAME]",
            "[PRINCIPLE_3_NAME]",
            "[PRINCIPLE_3_DESCRIPTION]",
            "[RATIFICATION_DATE]"
        ]
    );
}
