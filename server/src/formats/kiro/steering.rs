//! Steering files (`.kiro/steering/*.md`): optional YAML front matter
//! (`inclusion: always | fileMatch | manual | auto`, `fileMatchPattern`,
//! `name`, `description`) and `#[[file:relative/path]]` references.

use std::path::{Component, Path, PathBuf};

use crate::model::Span;
use crate::syntax::{js, Doc};

/// Front matter this large is no steering header; it is not parsed.
const MAX_FRONT_MATTER: usize = 64 * 1024;

pub const INCLUSIONS: &[&str] = &["always", "fileMatch", "manual", "auto"];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub value: String,
    /// The value as written on its line (quotes excluded), or the key's line
    /// for a list.
    pub span: Span,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FrontMatter {
    /// From the opening `---` to the closing one.
    pub span: Span,
    pub inclusion: Option<Field>,
    /// A string, or each string of a list.
    pub file_match_pattern: Vec<Field>,
    /// Whether the `fileMatchPattern` key is present at all.
    pub has_file_match_pattern: bool,
    pub name: Option<Field>,
    pub description: Option<Field>,
    /// Every top-level key with the span of its name.
    pub keys: Vec<(String, Span)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileRef {
    /// The path as written, trimmed.
    pub path: String,
    /// The whole `#[[file:…]]`.
    pub span: Span,
    pub path_span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub message: String,
    pub span: Span,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Steering {
    pub front_matter: Option<FrontMatter>,
    pub file_refs: Vec<FileRef>,
    /// Front matter that is not YAML, not a mapping, or not closed.
    pub problems: Vec<Problem>,
}

impl Steering {
    /// The inclusion mode as written; a file without one is always
    /// included.
    pub fn inclusion(&self) -> &str {
        self.front_matter
            .as_ref()
            .and_then(|f| f.inclusion.as_ref())
            .map_or("always", |f| f.value.as_str())
    }
}

pub fn parse(text: &str) -> Steering {
    let doc = Doc::new(text);
    let mut out = Steering::default();
    let opens = !doc.is_empty() && js::trim_end(doc.line(0)) == "---";
    if opens {
        match (1..doc.len()).find(|&i| js::trim_end(doc.line(i)) == "---") {
            Some(close) => front_matter(&doc, close, &mut out),
            None => out.problems.push(Problem {
                message: "the front matter opened by `---` is never closed".into(),
                span: doc.trimmed_range(0).into(),
            }),
        }
    }
    for i in 0..doc.len() {
        if doc.masked(i) {
            continue;
        }
        let line = doc.line(i);
        let base = doc.lines[i].start as usize;
        let mut from = 0;
        while let Some(off) = line[from..].find("#[[file:") {
            let at = from + off;
            let inner = at + "#[[file:".len();
            let Some(close) = line[inner..].find("]]") else {
                break;
            };
            let raw = &line[inner..inner + close];
            let path = raw.trim();
            let p_at = inner + (raw.len() - raw.trim_start().len());
            out.file_refs.push(FileRef {
                path: path.to_string(),
                span: Span::new(base + at, base + inner + close + 2),
                path_span: Span::new(base + p_at, base + p_at + path.len()),
            });
            from = inner + close + 2;
        }
    }
    out
}

fn front_matter(doc: &Doc, close: usize, out: &mut Steering) {
    let start = doc.lines[0].start as usize;
    let body_start = doc.next_start(0).min(doc.lines[close].start as usize);
    let body_end = doc.lines[close].start as usize;
    let span = Span::new(start, doc.lines[close].end as usize);
    let yaml = &doc.text[body_start..body_end];
    if yaml.len() > MAX_FRONT_MATTER {
        out.problems.push(Problem {
            message: format!("the front matter is {} bytes; it is not read", yaml.len()),
            span: doc.trimmed_range(0).into(),
        });
        return;
    }
    let mut fm = FrontMatter {
        span,
        ..FrontMatter::default()
    };
    if !yaml.trim().is_empty() {
        let value: serde_norway::Value = match serde_norway::from_str(yaml) {
            Ok(v) => v,
            Err(e) => {
                out.problems.push(Problem {
                    message: format!("the front matter is not YAML: {e}"),
                    span,
                });
                return;
            }
        };
        let serde_norway::Value::Mapping(map) = value else {
            out.problems.push(Problem {
                message: "the front matter must be a YAML mapping of keys to values".into(),
                span,
            });
            return;
        };
        for (k, v) in &map {
            let Some(key) = k.as_str() else { continue };
            let line = key_line(doc, 1, close, key);
            let key_span = line.map_or(span, |i| {
                let s = doc.lines[i].start as usize;
                Span::new(s, s + key.len())
            });
            fm.keys.push((key.to_string(), key_span));
            let field = |v: &serde_norway::Value| {
                let value = scalar(v)?;
                Some(Field {
                    value,
                    span: line.map_or(span, |i| value_span(doc, i, key)),
                })
            };
            match key {
                "inclusion" => fm.inclusion = field(v),
                "name" => fm.name = field(v),
                "description" => fm.description = field(v),
                "fileMatchPattern" => {
                    fm.has_file_match_pattern = true;
                    match v {
                        serde_norway::Value::Sequence(items) => {
                            for it in items {
                                if let Some(value) = scalar(it) {
                                    fm.file_match_pattern.push(Field {
                                        value,
                                        span: key_span,
                                    });
                                }
                            }
                        }
                        other => fm.file_match_pattern.extend(field(other)),
                    }
                }
                _ => {}
            }
        }
    }
    out.front_matter = Some(fm);
}

fn scalar(v: &serde_norway::Value) -> Option<String> {
    match v {
        serde_norway::Value::String(s) => Some(s.clone()),
        serde_norway::Value::Bool(b) => Some(b.to_string()),
        serde_norway::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The front-matter line (between `from` and `to`) where top-level `key:`
/// is written.
fn key_line(doc: &Doc, from: usize, to: usize, key: &str) -> Option<usize> {
    (from..to).find(|&i| {
        let l = doc.line(i);
        l.strip_prefix(key)
            .is_some_and(|r| r.trim_start_matches([' ', '\t']).starts_with(':'))
    })
}

/// The value after `key:` on line `i`, quotes and trailing spaces excluded.
fn value_span(doc: &Doc, i: usize, key: &str) -> Span {
    let line = doc.line(i);
    let base = doc.lines[i].start as usize;
    let after = &line[key.len()..];
    let colon = after.find(':').map_or(0, |c| c + 1);
    let v = after[colon..].trim();
    let v = v
        .strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .or_else(|| v.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')))
        .unwrap_or(v);
    let at = base + (v.as_ptr() as usize - line.as_ptr() as usize);
    Span::new(at, at + v.len())
}

/// Where a `#[[file:…]]` reference leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileTarget {
    File(PathBuf),
    Missing,
    /// An absolute path, one that climbs out of the repository, or a link
    /// that leads out of it.
    Outside,
    /// A folder: a reference names a file.
    Folder,
    /// A pipe, socket or device: never opened.
    NotRegular,
}

/// Resolves `path`, relative to the repository `root` (the folder holding
/// `.kiro/`), without reading anything: only the file's metadata is looked
/// at, and nothing outside `root` is looked at beyond finding that it is
/// outside.
pub fn resolve_file_ref(root: &Path, path: &str) -> FileTarget {
    let p = Path::new(path);
    if path.is_empty() {
        return FileTarget::Missing;
    }
    let mut rel = PathBuf::new();
    for c in p.components() {
        match c {
            Component::Normal(n) => rel.push(n),
            Component::CurDir => {}
            Component::ParentDir => {
                if !rel.pop() {
                    return FileTarget::Outside;
                }
            }
            Component::RootDir | Component::Prefix(_) => return FileTarget::Outside,
        }
    }
    let joined = root.join(&rel);
    if std::fs::symlink_metadata(&joined).is_err() {
        return FileTarget::Missing;
    }
    let (Ok(croot), Ok(target)) = (std::fs::canonicalize(root), std::fs::canonicalize(&joined))
    else {
        // A dangling link.
        return FileTarget::Missing;
    };
    if !target.starts_with(&croot) {
        return FileTarget::Outside;
    }
    match std::fs::metadata(&target) {
        Ok(m) if m.is_dir() => FileTarget::Folder,
        Ok(m) if m.is_file() => FileTarget::File(target),
        Ok(_) => FileTarget::NotRegular,
        Err(_) => FileTarget::Missing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_fields_with_spans() {
        let t = "---\ninclusion: fileMatch\nfileMatchPattern: \"**/components/**\"\nname: ui\n---\n# UI\n";
        let s = parse(t);
        assert!(s.problems.is_empty(), "{:?}", s.problems);
        let fm = s.front_matter.as_ref().unwrap();
        let inc = fm.inclusion.as_ref().unwrap();
        assert_eq!(
            (inc.value.as_str(), &t[inc.span.range()]),
            ("fileMatch", "fileMatch")
        );
        assert_eq!(fm.file_match_pattern[0].value, "**/components/**");
        assert_eq!(
            &t[fm.file_match_pattern[0].span.range()],
            "**/components/**"
        );
        assert_eq!(fm.name.as_ref().unwrap().value, "ui");
        let keys: Vec<_> = fm.keys.iter().map(|k| &t[k.1.range()]).collect();
        assert_eq!(keys, ["inclusion", "fileMatchPattern", "name"]);
        assert_eq!(s.inclusion(), "fileMatch");
        assert_eq!(
            &t[fm.span.range()],
            "---\ninclusion: fileMatch\nfileMatchPattern: \"**/components/**\"\nname: ui\n---"
        );
    }

    #[test]
    fn no_front_matter_means_always() {
        let s = parse("# Product\n\nText");
        assert!(s.front_matter.is_none() && s.problems.is_empty());
        assert_eq!(s.inclusion(), "always");
    }

    #[test]
    fn a_list_of_patterns() {
        let t = "---\ninclusion: fileMatch\nfileMatchPattern:\n  - 'a/**'\n  - b.ts\n---\n";
        let fm = parse(t).front_matter.unwrap();
        let v: Vec<_> = fm
            .file_match_pattern
            .iter()
            .map(|f| f.value.as_str())
            .collect();
        assert_eq!(v, ["a/**", "b.ts"]);
    }

    #[test]
    fn bad_front_matter_is_a_problem() {
        let s = parse("---\ninclusion: [always\n---\n");
        assert!(s.problems[0]
            .message
            .starts_with("the front matter is not YAML"));
        let s = parse("---\n- a\n- b\n---\n");
        assert!(s.problems[0].message.contains("mapping"));
        let s = parse("---\ninclusion: always\n# Title\n");
        assert!(s.problems[0].message.contains("never closed"));
        // Aliases that would expand enormously are refused, not expanded.
        let bomb = "---\na: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n---\n";
        let _ = parse(bomb);
    }

    #[test]
    fn file_references_outside_code() {
        let t = "See #[[file:api/openapi.yaml]] and #[[file: docs/a.md ]].\n```\n#[[file:ignored]]\n```\n#[[file:unclosed";
        let s = parse(t);
        let got: Vec<_> = s
            .file_refs
            .iter()
            .map(|r| (r.path.as_str(), &t[r.span.range()], &t[r.path_span.range()]))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "api/openapi.yaml",
                    "#[[file:api/openapi.yaml]]",
                    "api/openapi.yaml"
                ),
                ("docs/a.md", "#[[file: docs/a.md ]]", "docs/a.md"),
            ]
        );
    }

    #[test]
    fn resolution_stays_in_the_repository() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        std::fs::create_dir_all(root.join("docs")).unwrap();
        std::fs::write(root.join("docs/a.md"), "x").unwrap();
        std::fs::write(dir.path().join("secret.md"), "x").unwrap();
        assert!(matches!(
            resolve_file_ref(&root, "docs/a.md"),
            FileTarget::File(_)
        ));
        assert!(matches!(
            resolve_file_ref(&root, "./docs/../docs/a.md"),
            FileTarget::File(_)
        ));
        assert_eq!(resolve_file_ref(&root, "docs"), FileTarget::Folder);
        assert_eq!(resolve_file_ref(&root, "docs/b.md"), FileTarget::Missing);
        assert_eq!(resolve_file_ref(&root, "../secret.md"), FileTarget::Outside);
        assert_eq!(resolve_file_ref(&root, "/etc/passwd"), FileTarget::Outside);
        assert_eq!(resolve_file_ref(&root, ""), FileTarget::Missing);
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("secret.md"), root.join("link.md")).unwrap();
            assert_eq!(resolve_file_ref(&root, "link.md"), FileTarget::Outside);
            std::os::unix::fs::symlink(root.join("nowhere"), root.join("dangling.md")).unwrap();
            assert_eq!(resolve_file_ref(&root, "dangling.md"), FileTarget::Missing);
            let fifo = root.join("pipe");
            if std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .is_ok_and(|s| s.success())
            {
                assert_eq!(resolve_file_ref(&root, "pipe"), FileTarget::NotRegular);
            }
        }
    }
}
