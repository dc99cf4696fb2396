//! Steering files: front matter that Kiro cannot use, and `#[[file:…]]`
//! references that lead nowhere.

use super::*;
use crate::formats::kiro::steering::{FileTarget, Steering, INCLUSIONS};

/// Every finding of one steering file. `resolve` says where a
/// `#[[file:…]]` path leads (see
/// [`crate::formats::kiro::steering::resolve_file_ref`]); passing it in keeps
/// the rule free of the file system.
pub fn check_steering(s: &Steering, resolve: &dyn Fn(&str) -> FileTarget) -> Vec<Finding> {
    let f = FileKind::Steering;
    let mut out: Vec<Finding> = s
        .problems
        .iter()
        .map(|p| Finding::new(STEERING, Severity::Error, f, p.span, p.message.clone()))
        .collect();
    if let Some(fm) = &s.front_matter {
        if let Some(inc) = &fm.inclusion {
            if !INCLUSIONS.contains(&inc.value.as_str()) {
                out.push(Finding::new(
                    STEERING,
                    Severity::Error,
                    f,
                    inc.span,
                    format!(
                        "unknown inclusion `{}`: Kiro knows {}",
                        inc.value,
                        INCLUSIONS.join(", ")
                    ),
                ));
            } else if inc.value == "fileMatch" && fm.file_match_pattern.is_empty() {
                out.push(Finding::new(
                    STEERING,
                    Severity::Error,
                    f,
                    inc.span,
                    "inclusion `fileMatch` needs a `fileMatchPattern`",
                ));
            }
        }
    }
    for r in &s.file_refs {
        let problem = match resolve(&r.path) {
            FileTarget::File(_) => continue,
            FileTarget::Missing => "no such file in the repository",
            FileTarget::Outside => "it leads outside the repository",
            FileTarget::Folder => "it names a folder, not a file",
            FileTarget::NotRegular => "it names a pipe, socket or device",
        };
        out.push(Finding::new(
            STEERING,
            Severity::Error,
            f,
            r.path_span,
            format!("`{}` cannot be included: {problem}", r.path),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::kiro::steering::parse;

    fn codes(text: &str) -> Vec<String> {
        let s = parse(text);
        let resolve = |p: &str| match p {
            "docs/api.md" => FileTarget::File("docs/api.md".into()),
            "docs" => FileTarget::Folder,
            _ => FileTarget::Missing,
        };
        check_steering(&s, &resolve)
            .into_iter()
            .map(|f| format!("{:?} {}", f.severity, &text[f.span.range()]))
            .collect()
    }

    #[test]
    fn fires_on_bad_inclusion_missing_pattern_and_missing_files() {
        assert_eq!(
            codes("---\ninclusion: conditional\n---\n"),
            ["Error conditional"]
        );
        assert_eq!(
            codes("---\ninclusion: fileMatch\n---\n"),
            ["Error fileMatch"]
        );
        assert_eq!(
            codes("See #[[file:docs/missing.md]] and #[[file:docs]]"),
            ["Error docs/missing.md", "Error docs"]
        );
        assert_eq!(codes("---\ninclusion: [x\n---\n").len(), 1);
    }

    #[test]
    fn quiet_on_good_files() {
        assert!(codes("# Tech\n").is_empty());
        assert!(codes("---\ninclusion: manual\n---\nSee #[[file:docs/api.md]]").is_empty());
        assert!(codes("---\ninclusion: fileMatch\nfileMatchPattern: \"src/**\"\n---\n").is_empty());
        assert!(codes("---\nname: x\ndescription: y\n---\n").is_empty());
    }
}
