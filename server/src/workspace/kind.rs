//! What a file of a workspace is: a path under `openspec/` (dialect section
//! 1), a Spec Kit file (`specs/<feature>/…`, the constitution) or a Kiro file
//! (`.kiro/specs/…`, `.kiro/steering/…`), from its path relative to the root
//! (dialect-formats section 2).

use crate::formats::{kiro, speckit};

/// The kind of a file, from its path relative to the `openspec/` folder.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum FileKind {
    MainSpec {
        capability: String,
    },
    DeltaSpec {
        change: ChangeRef,
        capability: String,
    },
    Proposal {
        change: ChangeRef,
    },
    Design {
        change: ChangeRef,
    },
    Tasks {
        change: ChangeRef,
    },
    /// `.openspec.yaml` of a change.
    ChangeMeta {
        change: ChangeRef,
    },
    /// Another Markdown file inside a change's `specs/` folder (a
    /// `specs/spec.md`, or a note beside a delta).
    StrayDelta {
        change: ChangeRef,
        rel: String,
    },
    /// `openspec/config.yaml` / `config.yml`.
    ProjectConfig,
    /// A Spec Kit file: one of a feature folder `specs/<feature>/`
    /// (`feature` is that folder, relative to the root), or the
    /// constitution (no feature).
    SpecKit {
        feature: Option<String>,
        kind: speckit::FileKind,
    },
    /// A Kiro file: one of a spec folder (`feature` is `.kiro/specs/<name>`,
    /// or `.kiro/specs` for files placed directly there), or a steering file
    /// (no feature).
    Kiro {
        feature: Option<String>,
        kind: kiro::roots::FileKind,
    },
    Other,
}

/// The spec formats a root holds: each is read only where its markers are.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Formats {
    pub openspec: bool,
    pub speckit: bool,
    pub kiro: bool,
}

impl Formats {
    pub fn any(self) -> bool {
        self.openspec || self.speckit || self.kiro
    }

    /// Whether a file at `rel` belongs to one of these formats' trees (and
    /// so is indexed when an editor opens it).
    pub fn holds(self, rel: &str) -> bool {
        match FileKind::of(rel) {
            FileKind::SpecKit { .. } => self.speckit,
            FileKind::Kiro { .. } => self.kiro,
            _ => self.openspec && rel.starts_with("openspec/"),
        }
    }

    /// The folders (relative to the root) whose files these formats read.
    pub fn folders(self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.openspec {
            out.push("openspec");
        }
        if self.speckit {
            out.extend(["specs", ".specify", "memory"]);
        }
        if self.kiro {
            out.push(".kiro");
        }
        out
    }
}

/// A change, active or archived, named by its folder.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ChangeRef {
    /// The folder name (for an archived change, `2026-09-14-add-x`).
    pub id: String,
    pub archived: bool,
}

impl ChangeRef {
    /// The folder, relative to `openspec/`.
    pub fn dir(&self) -> String {
        if self.archived {
            format!("changes/archive/{}", self.id)
        } else {
            format!("changes/{}", self.id)
        }
    }
}

impl FileKind {
    /// The kind of a file named relative to a workspace root, whichever
    /// format's tree it is in.
    pub fn of(rel: &str) -> FileKind {
        if let Some(inner) = rel.strip_prefix("openspec/") {
            return FileKind::classify(inner);
        }
        if let Some(kiro) = classify_kiro(rel) {
            return kiro;
        }
        let parts: Vec<&str> = rel.split('/').collect();
        if parts.iter().any(|p| p.starts_with('.') && *p != ".specify") {
            return FileKind::Other;
        }
        match speckit::FileKind::of(rel) {
            Some(kind) => FileKind::SpecKit {
                feature: match parts.as_slice() {
                    ["specs", name, ..] if kind != speckit::FileKind::Constitution => {
                        Some(format!("specs/{name}"))
                    }
                    _ => None,
                },
                kind,
            },
            None => FileKind::Other,
        }
    }

    /// The feature folder of a Spec Kit or Kiro file.
    pub fn feature(&self) -> Option<&str> {
        match self {
            FileKind::SpecKit { feature, .. } | FileKind::Kiro { feature, .. } => {
                feature.as_deref()
            }
            _ => None,
        }
    }

    pub fn change(&self) -> Option<&ChangeRef> {
        match self {
            FileKind::DeltaSpec { change, .. }
            | FileKind::Proposal { change }
            | FileKind::Design { change }
            | FileKind::Tasks { change }
            | FileKind::ChangeMeta { change }
            | FileKind::StrayDelta { change, .. } => Some(change),
            _ => None,
        }
    }

    /// Classifies `rel`, a `/`-separated path relative to `openspec/`.
    pub fn classify(rel: &str) -> FileKind {
        let parts: Vec<&str> = rel.split('/').collect();
        if parts
            .iter()
            .any(|p| p.starts_with('.') && *p != ".openspec.yaml")
        {
            return FileKind::Other;
        }
        match parts.as_slice() {
            ["config.yaml"] | ["config.yml"] => FileKind::ProjectConfig,
            ["specs", cap @ .., "spec.md"] if !cap.is_empty() => FileKind::MainSpec {
                capability: cap.join("/"),
            },
            ["changes", "archive", id, rest @ ..] => classify_in_change(
                ChangeRef {
                    id: id.to_string(),
                    archived: true,
                },
                rest,
            ),
            ["changes", id, rest @ ..] if *id != "archive" => classify_in_change(
                ChangeRef {
                    id: id.to_string(),
                    archived: false,
                },
                rest,
            ),
            _ => FileKind::Other,
        }
    }
}

fn classify_kiro(rel: &str) -> Option<FileKind> {
    let parts: Vec<&str> = rel.split('/').collect();
    match parts.as_slice() {
        [".kiro", "steering", rest @ ..]
            if rest
                .last()
                .is_some_and(|f| f.to_ascii_lowercase().ends_with(".md"))
                && !rest.iter().any(|p| p.starts_with('.')) =>
        {
            Some(FileKind::Kiro {
                feature: None,
                kind: kiro::roots::FileKind::Steering,
            })
        }
        [".kiro", "specs", name] => Some(FileKind::Kiro {
            feature: Some(".kiro/specs".to_string()),
            kind: kiro::roots::FileKind::of(name),
        }),
        [".kiro", "specs", dir, name] if !dir.starts_with('.') => Some(FileKind::Kiro {
            feature: Some(format!(".kiro/specs/{dir}")),
            kind: kiro::roots::FileKind::of(name),
        }),
        _ => None,
    }
}

fn classify_in_change(change: ChangeRef, rest: &[&str]) -> FileKind {
    match rest {
        ["proposal.md"] => FileKind::Proposal { change },
        ["design.md"] => FileKind::Design { change },
        ["tasks.md"] => FileKind::Tasks { change },
        [".openspec.yaml"] => FileKind::ChangeMeta { change },
        ["specs", cap @ .., "spec.md"] if !cap.is_empty() => FileKind::DeltaSpec {
            change,
            capability: cap.join("/"),
        },
        ["specs", inner @ ..]
            if inner
                .last()
                .is_some_and(|f| f.to_lowercase().ends_with(".md")) =>
        {
            FileKind::StrayDelta {
                change,
                rel: inner.join("/"),
            }
        }
        _ => FileKind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ch(id: &str, archived: bool) -> ChangeRef {
        ChangeRef {
            id: id.into(),
            archived,
        }
    }

    #[test]
    fn classifies_every_kind() {
        assert_eq!(
            FileKind::classify("specs/identity/auth/spec.md"),
            FileKind::MainSpec {
                capability: "identity/auth".into()
            }
        );
        assert_eq!(FileKind::classify("specs/spec.md"), FileKind::Other);
        assert_eq!(
            FileKind::classify("changes/add-x/specs/voice/spec.md"),
            FileKind::DeltaSpec {
                change: ch("add-x", false),
                capability: "voice".into()
            }
        );
        assert_eq!(
            FileKind::classify("changes/archive/2026-01-01-add-x/tasks.md"),
            FileKind::Tasks {
                change: ch("2026-01-01-add-x", true)
            }
        );
        assert_eq!(
            FileKind::classify("changes/add-x/specs/spec.md"),
            FileKind::StrayDelta {
                change: ch("add-x", false),
                rel: "spec.md".into()
            }
        );
        assert_eq!(
            FileKind::classify("changes/add-x/notes.md"),
            FileKind::Other
        );
        assert_eq!(FileKind::classify("specs/.hidden/spec.md"), FileKind::Other);
        assert_eq!(FileKind::classify("config.yaml"), FileKind::ProjectConfig);
    }

    #[test]
    fn classifies_spec_kit_and_kiro_paths() {
        use crate::formats::{kiro, speckit};
        assert_eq!(
            FileKind::of("specs/001-a/tasks.md"),
            FileKind::SpecKit {
                feature: Some("specs/001-a".into()),
                kind: speckit::FileKind::Tasks
            }
        );
        assert_eq!(
            FileKind::of(".specify/memory/constitution.md"),
            FileKind::SpecKit {
                feature: None,
                kind: speckit::FileKind::Constitution
            }
        );
        assert_eq!(
            FileKind::of(".kiro/specs/pay/requirements.md"),
            FileKind::Kiro {
                feature: Some(".kiro/specs/pay".into()),
                kind: kiro::roots::FileKind::Requirements
            }
        );
        assert_eq!(
            FileKind::of(".kiro/specs/pay/.config.kiro"),
            FileKind::Kiro {
                feature: Some(".kiro/specs/pay".into()),
                kind: kiro::roots::FileKind::Config
            }
        );
        assert_eq!(
            FileKind::of(".kiro/specs/tasks.md").feature(),
            Some(".kiro/specs")
        );
        assert_eq!(
            FileKind::of(".kiro/steering/api/rest.md"),
            FileKind::Kiro {
                feature: None,
                kind: kiro::roots::FileKind::Steering
            }
        );
        assert_eq!(
            FileKind::of("openspec/specs/a/spec.md"),
            FileKind::MainSpec {
                capability: "a".into()
            }
        );
        // Deeper than a spec folder, hidden, or outside every tree.
        assert_eq!(FileKind::of(".kiro/specs/a/b/notes.md"), FileKind::Other);
        assert_eq!(FileKind::of(".kiro/hooks/x.md"), FileKind::Other);
        assert_eq!(FileKind::of("specs/.draft/spec.md"), FileKind::Other);
        assert_eq!(FileKind::of("README.md"), FileKind::Other);
        let all = Formats {
            openspec: true,
            speckit: false,
            kiro: true,
        };
        assert!(all.holds(".kiro/specs/pay/tasks.md"));
        assert!(!all.holds("specs/001-a/spec.md"));
        assert!(all.holds("openspec/project.md"));
        assert!(!all.holds("README.md"));
    }
}
