use super::*;

fn entries(paths: &[&str]) -> Vec<Entry> {
    paths
        .iter()
        .map(|p| match p.strip_suffix('/') {
            Some(d) => Entry::dir(d),
            None => Entry::file(p),
        })
        .collect()
}

fn summary(roots: &[Root]) -> Vec<(String, Layout, Vec<String>)> {
    roots
        .iter()
        .map(|r| {
            (
                r.dir.clone(),
                r.layout,
                r.features.iter().map(|f| f.name.clone()).collect(),
            )
        })
        .collect()
}

#[test]
fn specify_root_and_its_features() {
    let roots = detect(&entries(&[
        ".specify/",
        ".specify/memory/constitution.md",
        "specs/001-auth/spec.md",
        "specs/001-auth/checklists/requirements.md",
        "specs/001-auth/contracts/api.md",
        "specs/20250101-120000-ts/tasks.md",
        "specs/notes-only/research.md",
        "specs/README.md",
        "openspec/specs/auth/spec.md",
    ]));
    assert_eq!(
        summary(&roots),
        [(
            "".to_string(),
            Layout::Specify,
            vec!["001-auth".to_string(), "20250101-120000-ts".to_string()]
        )]
    );
    let r = &roots[0];
    assert_eq!(
        r.constitution.as_deref(),
        Some(".specify/memory/constitution.md")
    );
    assert!(r.has_openspec);
    let f = &r.features[0];
    assert_eq!(f.dir, "specs/001-auth");
    assert_eq!(f.spec.as_deref(), Some("specs/001-auth/spec.md"));
    assert_eq!(f.checklists, ["specs/001-auth/checklists/requirements.md"]);
    assert_eq!(f.others, ["specs/001-auth/contracts/api.md"]);
}

#[test]
fn legacy_layout_needs_specs_beside_memory() {
    let legacy = detect(&entries(&["memory/constitution.md", "specs/x/plan.md"]));
    assert_eq!(
        summary(&legacy),
        [("".to_string(), Layout::Legacy, vec!["x".to_string()])]
    );
    assert_eq!(
        legacy[0].constitution.as_deref(),
        Some("memory/constitution.md")
    );
    assert!(detect(&entries(&["memory/constitution.md", "docs/a.md"])).is_empty());
}

#[test]
fn nested_roots_take_their_own_features() {
    let roots = detect(&entries(&[
        ".specify/",
        "specs/001-a/spec.md",
        "examples/demo/.specify/",
        "examples/demo/specs/001-b/tasks.md",
    ]));
    assert_eq!(
        summary(&roots),
        [
            ("".to_string(), Layout::Specify, vec!["001-a".to_string()]),
            (
                "examples/demo".to_string(),
                Layout::Specify,
                vec!["001-b".to_string()]
            ),
        ]
    );
    assert_eq!(roots[1].features[0].dir, "examples/demo/specs/001-b");
}

#[test]
fn marker_less_trees_only_with_numbered_features_outside_other_formats() {
    let bare = detect(&entries(&[
        "specs/001-migration/spec.md",
        "specs/unnumbered/spec.md",
    ]));
    assert_eq!(
        summary(&bare),
        [(
            "".to_string(),
            Layout::SpecsOnly,
            vec!["001-migration".to_string(), "unnumbered".to_string()]
        )]
    );
    assert!(detect(&entries(&["specs/auth/spec.md"])).is_empty());
    assert!(detect(&entries(&[
        "openspec/specs/001-auth/spec.md",
        ".kiro/specs/01-x/tasks.md"
    ]))
    .is_empty());
}
