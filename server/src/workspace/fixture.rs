//! Test fixtures: a small workspace written as one string, each file
//! introduced by a `//- path` line (paths relative to the workspace root).
//! Rules and editor features both build their test workspaces with it.

use std::path::Path;

use super::Workspace;
use crate::model::Span;

pub fn workspace(fixture: &str) -> Workspace {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for chunk in fixture.split("//- ").skip(1) {
        let (path, body) = chunk.split_once('\n').unwrap_or((chunk, ""));
        files.push((path.trim().to_string(), body.as_bytes().to_vec()));
    }
    Workspace::from_memory(Path::new("/fixture"), files)
}

/// A diagnostic a fixture expects, written under the line it points at:
///
/// ```text
/// - [ ] 1.2 Wire the router (requires 9.9)
///                                     ^^^ error tasks/unknown-dependency fix
/// ```
///
/// The carets stand under the characters of the span (a span that runs
/// over several lines is marked to the end of its first line and says on
/// which line it ends: `^^^ warning code ..4`); a lone `|` marks an empty
/// span. `fix` says that an editor offers a quick fix for it. Any number of
/// annotation lines may follow one text line; they are not part of the
/// file.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Annotation {
    pub path: String,
    pub span: Span,
    pub severity: String,
    pub code: String,
    pub fix: bool,
}

/// A fixture with its annotations taken out.
pub struct Annotated {
    pub ws: Workspace,
    pub annotations: Vec<Annotation>,
    /// Each file's text, in fixture order.
    pub files: Vec<(String, String)>,
}

impl Annotated {
    pub fn new(fixture: &str) -> Annotated {
        let mut files = Vec::new();
        let mut annotations = Vec::new();
        for chunk in fixture.split("//- ").skip(1) {
            let (path, body) = chunk.split_once('\n').unwrap_or((chunk, ""));
            let path = path.trim().to_string();
            let mut text = String::new();
            // The last text line: its start in `text`, and the line.
            let mut last: Option<(usize, &str)> = None;
            let mut pending = Vec::new();
            for line in body.split_inclusive('\n') {
                match parse_annotation(line) {
                    Some(a) => {
                        let (start, of) = last.unwrap_or_else(|| {
                            panic!("{path}: an annotation before any text: {line:?}")
                        });
                        let of = of.trim_end_matches(['\n', '\r']);
                        let at = |col: usize| {
                            start + of.char_indices().nth(col).map_or(of.len(), |(i, _)| i)
                        };
                        let begin = at(a.col);
                        // A span over several lines ends at the end of a line
                        // that is yet to come: set once the file is read.
                        let end = at(a.col + a.width);
                        pending.push((annotations.len(), a.ends_on));
                        annotations.push(Annotation {
                            path: path.clone(),
                            span: Span::new(begin, end),
                            severity: a.severity.to_string(),
                            code: a.code.to_string(),
                            fix: a.fix,
                        });
                    }
                    None => {
                        last = Some((text.len(), line));
                        text.push_str(line);
                    }
                }
            }
            for (i, ends_on) in pending {
                let Some(n) = ends_on else { continue };
                let (start, line) = text
                    .split_inclusive('\n')
                    .scan(0, |pos, l| {
                        let start = *pos;
                        *pos += l.len();
                        Some((start, l))
                    })
                    .nth(n - 1)
                    .unwrap_or_else(|| panic!("{path}: no line {n} in the file"));
                let content = line.trim_end_matches(['\n', '\r']).len();
                annotations[i].span.end = (start + content) as u32;
            }
            files.push((path, text));
        }
        let ws = Workspace::from_memory(
            Path::new("/fixture"),
            files
                .iter()
                .map(|(p, t)| (p.clone(), t.as_bytes().to_vec()))
                .collect(),
        );
        annotations.sort();
        Annotated {
            ws,
            annotations,
            files,
        }
    }

    /// The fixture's text with `annotations` written under their lines, as
    /// a fixture would spell them.
    pub fn render(&self, annotations: &[Annotation]) -> String {
        let mut out = String::new();
        for (path, text) in &self.files {
            out.push_str(&format!("//- {path}\n"));
            let mut start = 0;
            for line in text.split_inclusive('\n') {
                out.push_str(line);
                if !line.ends_with('\n') {
                    out.push('\n');
                }
                let content = line.trim_end_matches(['\n', '\r']);
                let end = start + content.len();
                for a in annotations.iter().filter(|a| {
                    &a.path == path
                        && start <= a.span.start as usize
                        && (a.span.start as usize) < start + line.len().max(1)
                }) {
                    let from = a.span.start as usize;
                    let col = text[start..from.min(end)].chars().count();
                    let to = (a.span.end as usize).min(end).max(from);
                    let marks = if a.span.start == a.span.end {
                        "|".to_string()
                    } else {
                        "^".repeat(text[from.min(end)..to].chars().count().max(1))
                    };
                    let mut note = format!("{}{marks} {} {}", " ".repeat(col), a.severity, a.code);
                    if a.span.end as usize > end {
                        let line_no = text[..a.span.end as usize].matches('\n').count() + 1;
                        note.push_str(&format!(" ..{line_no}"));
                    }
                    if a.fix {
                        note.push_str(" fix");
                    }
                    out.push_str(&note);
                    out.push('\n');
                }
                start += line.len();
            }
        }
        out
    }
}

struct Parsed<'a> {
    col: usize,
    width: usize,
    severity: &'a str,
    code: &'a str,
    ends_on: Option<usize>,
    fix: bool,
}

fn parse_annotation(line: &str) -> Option<Parsed<'_>> {
    let line = line.trim_end_matches(['\n', '\r']);
    let rest = line.trim_start_matches(' ');
    let col = line.len() - rest.len();
    let width = rest.len() - rest.trim_start_matches('^').len();
    let (width, after) = if width > 0 {
        (width, &rest[width..])
    } else {
        (0, rest.strip_prefix('|')?)
    };
    let mut words = after.split_whitespace();
    let severity = words.next()?;
    if !["error", "warning", "info", "hint"].contains(&severity) || !after.starts_with(' ') {
        return None;
    }
    let code = words.next()?;
    let mut ends_on = None;
    let mut fix = false;
    for w in words {
        match w {
            "fix" => fix = true,
            w if w.starts_with("..") => ends_on = Some(w[2..].parse().ok()?),
            _ => return None,
        }
    }
    Some(Parsed {
        col,
        width,
        severity,
        code,
        ends_on,
        fix,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FX: &str = "//- a.md
# Title 漢字
  ^^^^^ error x/one
        ^^ hint x/two fix
| table | row |
|
| warning x/empty
//- b.md
first
^^^^^ info x/three ..2
second
";

    #[test]
    fn annotations_are_taken_out_and_placed() {
        let fx = Annotated::new(FX);
        assert_eq!(
            fx.files,
            [
                (
                    "a.md".to_string(),
                    "# Title 漢字\n| table | row |\n|\n".to_string()
                ),
                ("b.md".to_string(), "first\nsecond\n".to_string())
            ]
        );
        let a = |path: &str, start, end, severity: &str, code: &str, fix| Annotation {
            path: path.into(),
            span: Span::new(start, end),
            severity: severity.into(),
            code: code.into(),
            fix,
        };
        // Columns count characters: 漢字 is six bytes.
        let empty_line = "# Title 漢字\n| table | row |\n".len();
        assert_eq!(
            fx.annotations,
            [
                a("a.md", 2, 7, "error", "x/one", false),
                a("a.md", 8, 14, "hint", "x/two", true),
                a("a.md", empty_line, empty_line, "warning", "x/empty", false),
                a("b.md", 0, 12, "info", "x/three", false),
            ]
        );
        assert_eq!(fx.ws.file("b.md").unwrap().text(), "first\nsecond\n");
        // Written back, the fixture reads as it was written.
        assert_eq!(fx.render(&fx.annotations), FX);
    }
}
