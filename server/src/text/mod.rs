//! Text: line and column arithmetic, and the rope-backed documents an editor
//! edits.

pub mod anchor;
pub mod document;
pub mod nearest;
pub mod percent;

/// Line starts of a text, where LF, CRLF and CR each end a line (the same
/// line breaks the scanner and LSP clients count).
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<u32>,
}

/// A 0-based line and a 0-based column counted in characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let b = text.as_bytes();
        // A leading BOM is not content: columns on line 1 start after it.
        let first = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let mut starts = vec![first];
        let mut i = first as usize;
        while let Some(off) = memchr::memchr2(b'\n', b'\r', &b[i..]) {
            let at = i + off;
            i = if b[at] == b'\r' && b.get(at + 1) == Some(&b'\n') {
                at + 2
            } else {
                at + 1
            };
            starts.push(i as u32);
        }
        LineIndex { starts }
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.starts[line] as usize
    }

    /// The line holding byte `offset` (clamped to the text, after a BOM),
    /// that line's start, and the offset moved back to a character
    /// boundary.
    fn locate(&self, text: &str, offset: usize) -> (usize, usize, usize) {
        let offset = offset.min(text.len()).max(self.starts[0] as usize);
        let line = self.starts.partition_point(|&s| s as usize <= offset) - 1;
        let mut end = offset;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        (line, self.starts[line] as usize, end)
    }

    /// The line holding byte `offset`, and the column in characters.
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let (line, start, end) = self.locate(text, offset);
        LineCol {
            line: line as u32,
            col: text[start..end].chars().count() as u32,
        }
    }

    /// The position of byte `offset` with columns counted in `enc`, for
    /// files that are not open in the editor (an open one answers from its
    /// rope).
    pub fn position(
        &self,
        text: &str,
        offset: usize,
        enc: document::Encoding,
    ) -> document::Position {
        let (line, start, end) = self.locate(text, offset);
        let character = match enc {
            document::Encoding::Utf8 => end - start,
            document::Encoding::Utf16 => text[start..end].encode_utf16().count(),
        };
        document::Position {
            line: line as u32,
            character: character as u32,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_across_line_endings() {
        let text = "ab\r\n😀x\rcé\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_count(), 4);
        assert_eq!(idx.line_col(text, 4 + 4), LineCol { line: 1, col: 1 });
        assert_eq!(
            idx.line_col(text, text.find('é').unwrap() + 2),
            LineCol { line: 2, col: 2 }
        );
        assert_eq!(idx.line_col(text, 999), LineCol { line: 3, col: 0 });
    }

    #[test]
    fn positions_count_code_units_of_the_encoding() {
        use document::{Encoding, Position};
        let text = "ab\r\n😀x\r漢\tz\n";
        let idx = LineIndex::new(text);
        let x = text.find('x').unwrap();
        let p = |line, character| Position { line, character };
        assert_eq!(idx.position(text, x, Encoding::Utf16), p(1, 2));
        assert_eq!(idx.position(text, x, Encoding::Utf8), p(1, 4));
        let z = text.find('z').unwrap();
        assert_eq!(idx.position(text, z, Encoding::Utf16), p(2, 2));
        assert_eq!(idx.position(text, z, Encoding::Utf8), p(2, 4));
        // Inside the emoji: back to its start.
        assert_eq!(idx.position(text, 6, Encoding::Utf16), p(1, 0));
        assert_eq!(idx.position(text, 999, Encoding::Utf8), p(3, 0));
    }

    #[test]
    fn a_leading_bom_is_not_a_column() {
        let text = "\u{feff}ab\ncd";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 4), LineCol { line: 0, col: 1 });
        assert_eq!(idx.line_col(text, 0), LineCol { line: 0, col: 0 });
        assert_eq!(idx.line_col(text, 7), LineCol { line: 1, col: 1 });
    }
}
