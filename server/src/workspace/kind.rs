//! What a path under `openspec/` is (dialect section 1).

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
    Other,
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
}
