//! The line scanner: OpenSpec reads structure line by line, so every file is
//! first cut into lines (LF, CRLF and CR all end a line, a leading BOM is not
//! content) and each line is marked when it sits inside fenced code or front
//! matter. Everything structural is derived from this table.

use super::js;

/// One line of a document, as byte offsets into the document text. `end`
/// excludes the line terminator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line {
    pub start: u32,
    pub end: u32,
    /// Inside a fenced code block (fence lines included) or front matter:
    /// structure written here is an example, not structure.
    pub masked: bool,
    /// The ATX heading level (`/^(#{1,6})\s/`), 0 when the line is not one;
    /// every reader asks, so it is worked out once.
    pub atx: u8,
}

/// A document cut into lines, with the masks computed.
#[derive(Debug)]
pub struct Doc<'a> {
    pub text: &'a str,
    pub lines: Vec<Line>,
}

/// An ATX heading as OpenSpec's regexes see it: a run of 1–6 `#` at column 0
/// followed by a JavaScript whitespace character.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Atx {
    pub level: u8,
}

impl<'a> Doc<'a> {
    pub fn new(text: &'a str) -> Doc<'a> {
        let mut lines = split_lines(text);
        for l in &mut lines {
            let s = &text[l.start as usize..l.end as usize];
            if s.starts_with('#') {
                l.atx = atx(s).map_or(0, |a| a.level);
            }
        }
        mask_fences(text, &mut lines);
        mask_front_matter(text, &mut lines);
        Doc { text, lines }
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    pub fn line(&self, i: usize) -> &'a str {
        let l = self.lines[i];
        &self.text[l.start as usize..l.end as usize]
    }

    pub fn masked(&self, i: usize) -> bool {
        self.lines[i].masked
    }

    /// `/^(#{1,6})\s/` on an unmasked line.
    pub fn atx(&self, i: usize) -> Option<Atx> {
        let l = self.lines[i];
        (!l.masked && l.atx > 0).then_some(Atx { level: l.atx })
    }

    /// `/^(#{1,6})\s+(.+)$/` on an unmasked line: a heading with a title (the
    /// title may be empty after trimming when the line is `#` and spaces).
    pub fn section_heading(&self, i: usize) -> Option<(u8, &'a str)> {
        self.atx(i)?;
        section_heading(self.line(i))
    }

    /// Byte range of line `i` (without terminator).
    pub fn range(&self, i: usize) -> std::ops::Range<usize> {
        let l = self.lines[i];
        l.start as usize..l.end as usize
    }

    /// Byte offset just past line `i` including its terminator, or the end of
    /// text for the last line.
    pub fn next_start(&self, i: usize) -> usize {
        self.lines
            .get(i + 1)
            .map(|l| l.start as usize)
            .unwrap_or(self.text.len())
    }

    /// The range of line `i` without leading and trailing whitespace, or the
    /// start of the line when it is blank: where a diagnostic about the line
    /// is drawn.
    pub fn trimmed_range(&self, i: usize) -> std::ops::Range<usize> {
        let r = self.range(i);
        let s = self.line(i);
        let lead = s.len() - js::trim_start(s).len();
        let trail = s.len() - js::trim_end(s).len();
        if lead + trail >= s.len() {
            r.start..r.start
        } else {
            r.start + lead..r.end - trail
        }
    }
}

pub fn atx(line: &str) -> Option<Atx> {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    if !(1..=6).contains(&hashes) {
        return None;
    }
    let next = line[hashes..].chars().next()?;
    js::is_ws(next).then_some(Atx {
        level: hashes as u8,
    })
}

/// `/^(#{1,6})\s+(.+)$/`, returning the level and the trimmed title.
pub fn section_heading(line: &str) -> Option<(u8, &str)> {
    let Atx { level } = atx(line)?;
    let rest = &line[level as usize..];
    // `\s+` then `.+`: at least one whitespace character and one more
    // character of any kind must follow the hashes.
    rest.chars().nth(1)?;
    Some((level, js::trim(rest)))
}

fn split_lines(text: &str) -> Vec<Line> {
    let bytes = text.as_bytes();
    let mut lines = Vec::with_capacity(bytes.len() / 40 + 1);
    let mut start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut pos = start;
    while let Some(off) = memchr::memchr2(b'\n', b'\r', &bytes[pos..]) {
        let at = pos + off;
        lines.push(Line {
            start: start as u32,
            end: at as u32,
            masked: false,
            atx: 0,
        });
        pos = if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
            at + 2
        } else {
            at + 1
        };
        start = pos;
    }
    lines.push(Line {
        start: start as u32,
        end: bytes.len() as u32,
        masked: false,
        atx: 0,
    });
    lines
}

/// A fence opener: optional whitespace, then three or more backticks or
/// tildes. Returns the fence character and run length.
fn fence_run(line: &str) -> Option<(u8, usize)> {
    let rest = js::trim_start(line);
    let b = rest.as_bytes();
    let c = *b.first()?;
    if c != b'`' && c != b'~' {
        return None;
    }
    let n = b.iter().take_while(|&&x| x == c).count();
    (n >= 3).then_some((c, n))
}

fn mask_fences(text: &str, lines: &mut [Line]) {
    let mut open: Option<(u8, usize)> = None;
    for line in lines.iter_mut() {
        let s = &text[line.start as usize..line.end as usize];
        match open {
            None => {
                if let Some(f) = fence_run(s) {
                    open = Some(f);
                    line.masked = true;
                }
            }
            Some((c, n)) => {
                line.masked = true;
                if let Some((c2, n2)) = fence_run(s) {
                    let after = &js::trim_start(s)[n2..];
                    if c2 == c && n2 >= n && js::trim(after).is_empty() {
                        open = None;
                    }
                }
            }
        }
    }
}

/// Front matter is a `---` line at the very start of the file closed by
/// another `---` line; unclosed, it is ordinary text.
fn mask_front_matter(text: &str, lines: &mut [Line]) {
    let is_rule = |l: &Line| js::trim_end(&text[l.start as usize..l.end as usize]) == "---";
    if lines.first().is_none_or(|l| !is_rule(l)) {
        return;
    }
    if let Some(close) = lines.iter().skip(1).position(is_rule) {
        for l in &mut lines[..close + 2] {
            l.masked = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masks(text: &str) -> Vec<bool> {
        Doc::new(text).lines.iter().map(|l| l.masked).collect()
    }

    #[test]
    fn every_line_ending_ends_a_line() {
        let d = Doc::new("a\r\nb\rc\nd");
        let got: Vec<_> = (0..d.len()).map(|i| d.line(i)).collect();
        assert_eq!(got, ["a", "b", "c", "d"]);
        assert_eq!(Doc::new("a\n").len(), 2);
    }

    #[test]
    fn bom_is_not_part_of_the_first_line() {
        let d = Doc::new("\u{feff}## Purpose");
        assert_eq!(d.line(0), "## Purpose");
        assert_eq!(d.section_heading(0), Some((2, "Purpose")));
    }

    #[test]
    fn fences_mask_at_any_indentation_and_close_on_same_char_at_least_as_long() {
        let text = "x\n      ```md\n## no\n~~~\n``\n`````\n## yes";
        assert_eq!(masks(text), [false, true, true, true, true, true, false]);
        // A closing line must hold nothing but the fence.
        assert_eq!(masks("```\n``` x\n## no"), [true, true, true]);
        // A longer opener needs a closer at least as long.
        assert_eq!(masks("````\n```\n````\nz"), [true, true, true, false]);
    }

    #[test]
    fn front_matter_only_at_byte_zero_and_only_when_closed() {
        assert_eq!(masks("---\ntitle: x\n---\n# A"), [true, true, true, false]);
        assert_eq!(masks("---\ntitle: x\n# A"), [false, false, false]);
        assert_eq!(masks("\n---\nx\n---"), [false, false, false, false]);
    }

    #[test]
    fn headings_follow_the_js_regexes() {
        assert_eq!(section_heading("## Purpose"), Some((2, "Purpose")));
        assert_eq!(section_heading("##\tPurpose  "), Some((2, "Purpose")));
        assert_eq!(section_heading("####### seven"), None);
        assert_eq!(section_heading("##Purpose"), None);
        assert_eq!(section_heading("## "), None);
        assert_eq!(section_heading("##  "), Some((2, "")));
        assert_eq!(atx("## ").map(|a| a.level), Some(2));
        assert_eq!(atx(" ## indented"), None);
    }
}
