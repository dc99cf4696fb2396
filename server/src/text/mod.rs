//! Text: line and column arithmetic, and the rope-backed documents an editor
//! edits.
//!
//! Every conversion between byte offsets and positions goes through a
//! [`LineIndex`]: the workspace keeps one per file version
//! (`SourceFile::lines`), so features, the protocol edge and the terminal
//! reports agree on lines, columns and the byte order mark.

pub mod anchor;
pub mod diff;
pub mod document;
pub mod nearest;
pub mod percent;

use document::{Encoding, Position};

/// The length of a leading byte order mark of `text`, 0 without one.
///
/// A leading BOM is not content: editors keep it as a property of the file
/// and show (and, as VS Code and Neovim do, send) the text without it, so
/// columns on the first line start after it. This holds for files read from
/// disk and for open documents alike, in every encoding.
pub fn bom_len(text: &str) -> usize {
    if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    }
}

/// Line starts of a text, where LF, CRLF and CR each end a line (the same
/// line breaks the scanner and LSP clients count). Starts are `u32`: the
/// index of every closed file is kept with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIndex {
    starts: Vec<u32>,
}

/// A 0-based line and a 0-based column counted in characters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let b = text.as_bytes();
        let first = bom_len(text);
        let mut starts = vec![first as u32];
        let mut i = first;
        while let Some(off) = memchr::memchr2(b'\n', b'\r', &b[i..]) {
            let at = i + off;
            i = if b[at] == b'\r' && b.get(at + 1) == Some(&b'\n') {
                at + 2
            } else {
                at + 1
            };
            starts.push(i as u32);
        }
        starts.shrink_to_fit();
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

    /// The line holding byte `offset` (clamped to the text).
    pub fn line(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&s| s as usize <= offset)
            .max(1)
            - 1
    }

    /// The line holding byte `offset`, and the column in characters.
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let (line, start, end) = self.locate(text, offset);
        LineCol {
            line: line as u32,
            col: text[start..end].chars().count() as u32,
        }
    }

    /// The position of byte `offset` (clamped to the text, and back to a
    /// character boundary) with columns counted in `enc`.
    pub fn position(&self, text: &str, offset: usize, enc: Encoding) -> Position {
        let (line, start, end) = self.locate(text, offset);
        let character = match enc {
            Encoding::Utf8 => end - start,
            Encoding::Utf16 => text[start..end].encode_utf16().count(),
        };
        Position {
            line: line as u32,
            character: character as u32,
        }
    }

    /// The byte offset of `pos`, clamped as [`column_offset`] says; a line
    /// past the end gives the end of the text.
    pub fn offset(&self, text: &str, pos: Position, enc: Encoding) -> usize {
        let line = pos.line as usize;
        let Some(&start) = self.starts.get(line) else {
            return text.len();
        };
        let start = start as usize;
        let end = self
            .starts
            .get(line + 1)
            .map_or(text.len(), |&s| s as usize);
        start + column_offset(text[start..end].chars(), pos.character, enc)
    }
}

/// The byte offset, within a line whose characters are `line`, of column
/// `character` in `enc`. A column past the end of the line clamps to the
/// line end (before the line break), and a column inside a surrogate pair
/// or a multi-byte character to the character's start: clients send such
/// positions, and they must never crash the server.
pub fn column_offset(line: impl Iterator<Item = char>, character: u32, enc: Encoding) -> usize {
    let mut units = 0usize;
    let mut offset = 0usize;
    for c in line {
        if c == '\n' || c == '\r' {
            break;
        }
        let w = match enc {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
        };
        if units + w > character as usize {
            break;
        }
        units += w;
        offset += c.len_utf8();
    }
    offset
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

    /// Every character boundary of a text with a BOM, an emoji, CJK, a tab,
    /// CRLF and a lone CR: its position in each encoding, and back to the
    /// same offset, both through the line index and through an open
    /// document's rope.
    #[test]
    fn positions_round_trip_with_a_bom_in_both_encodings() {
        use document::{Document, Encoding, Position};
        let text = "\u{feff}a😀\t漢\r\nx\ry\n\tz😀";
        let idx = LineIndex::new(text);
        let doc = Document::new(text, 1);
        let p = |line, character| Position { line, character };
        // Worked out by hand: 'a' is column 0 after the BOM; the emoji is two
        // UTF-16 units and four bytes; the tab one unit; 漢 one unit, three bytes.
        let han = text.find('漢').unwrap();
        assert_eq!(idx.position(text, han, Encoding::Utf16), p(0, 4));
        assert_eq!(idx.position(text, han, Encoding::Utf8), p(0, 6));
        let y = text.find('y').unwrap();
        assert_eq!(idx.position(text, y, Encoding::Utf16), p(2, 0));
        let z = text.find('z').unwrap();
        assert_eq!(idx.position(text, z, Encoding::Utf16), p(3, 1));
        assert_eq!(idx.position(text, text.len(), Encoding::Utf16), p(3, 4));
        assert_eq!(idx.position(text, text.len(), Encoding::Utf8), p(3, 6));
        // Inside the BOM is the start of the first line.
        assert_eq!(idx.position(text, 1, Encoding::Utf8), p(0, 0));
        for enc in [Encoding::Utf8, Encoding::Utf16] {
            for (offset, c) in text.char_indices().skip(1) {
                if c == '\n' && text[..offset].ends_with('\r') {
                    // Between CR and LF is no position of its own.
                    continue;
                }
                let pos = idx.position(text, offset, enc);
                assert_eq!(idx.offset(text, pos, enc), offset, "{enc:?} {pos:?}");
                assert_eq!(doc.offset(pos, enc), offset, "{enc:?} {pos:?}");
            }
            assert_eq!(idx.offset(text, p(0, 0), enc), 3);
            assert_eq!(doc.offset(p(0, 0), enc), 3);
            // Past the line's end: before its CRLF; past the last line: the end.
            let cr = text.find('\r').unwrap();
            assert_eq!(idx.offset(text, p(0, 99), enc), cr);
            assert_eq!(doc.offset(p(0, 99), enc), cr);
            assert_eq!(idx.offset(text, p(9, 0), enc), text.len());
            assert_eq!(doc.offset(p(9, 0), enc), text.len());
        }
        // Inside the emoji's surrogate pair: back to its start.
        let emoji = text.find('😀').unwrap();
        assert_eq!(idx.offset(text, p(0, 2), Encoding::Utf16), emoji);
        assert_eq!(doc.offset(p(0, 2), Encoding::Utf16), emoji);
    }

    #[test]
    fn a_bom_elsewhere_is_a_character() {
        use document::{Encoding, Position};
        let text = "a\n\u{feff}b";
        let idx = LineIndex::new(text);
        let b = text.find('b').unwrap();
        let pos = Position {
            line: 1,
            character: 1,
        };
        assert_eq!(idx.position(text, b, Encoding::Utf16), pos);
        assert_eq!(idx.offset(text, pos, Encoding::Utf16), b);
    }
}
