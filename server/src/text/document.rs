//! An open document: its text in a rope, edited in place with the changes
//! a client sends, their positions in either negotiated encoding. Line
//! breaks are LF, CRLF and CR, as everywhere else. Positions going out are
//! computed from the line index of the file version the edits produce
//! (`super::LineIndex`).

use ropey::Rope;
use tree_sitter::{InputEdit, Point};

/// How a client counts characters in a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

/// A position as a client sends it: 0-based line, and a column in the
/// negotiated encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: u32,
    pub character: u32,
}

#[derive(Clone, Debug)]
pub struct Document {
    rope: Rope,
    pub version: i32,
}

impl Document {
    pub fn new(text: &str, version: i32) -> Document {
        Document {
            rope: Rope::from_str(text),
            version,
        }
    }

    pub fn text(&self) -> String {
        self.rope.to_string()
    }

    pub fn len_bytes(&self) -> usize {
        self.rope.len_bytes()
    }

    pub fn line_count(&self) -> usize {
        self.rope.len_lines()
    }

    /// The byte offset of `pos`, clamped as [`super::column_offset`] says;
    /// a line past the end gives the end of the text. The same offset as
    /// [`super::LineIndex::offset`] on this text (a leading BOM included):
    /// edits arrive here, every other position goes through the index.
    pub fn offset(&self, pos: Position, enc: Encoding) -> usize {
        let line = pos.line as usize;
        if line >= self.rope.len_lines() {
            return self.rope.len_bytes();
        }
        let mut start = self.rope.line_to_byte(line);
        if line == 0 {
            // Chunks end on character boundaries, so a BOM is whole in the
            // first one.
            start = super::bom_len(self.rope.chunks().next().unwrap_or(""));
        }
        let chars = self.rope.byte_slice(start..).chars();
        start + super::column_offset(chars, pos.character, enc)
    }

    /// Replaces the bytes `start..end` (character boundaries) with `text`.
    pub fn replace(&mut self, start: usize, end: usize, text: &str) {
        let ca = self.rope.byte_to_char(start);
        let cb = self.rope.byte_to_char(end.max(start));
        self.rope.remove(ca..cb);
        self.rope.insert(ca, text);
    }

    /// Applies one change as a client sends it: the range `start..end` in
    /// `enc` replaced with `text`, or the whole text when there is no
    /// range. Returns what happened as a tree-sitter edit, for the
    /// document's block tree; `None` after a whole-text replacement, which
    /// leaves nothing of the old tree to reuse.
    pub fn apply(
        &mut self,
        range: Option<(Position, Position)>,
        text: &str,
        enc: Encoding,
    ) -> Option<InputEdit> {
        let Some((start, end)) = range else {
            self.rope = Rope::from_str(text);
            return None;
        };
        // A reversed range is taken in order, as editors normalise ranges
        // (and as positions past the end are clamped): not as an insertion.
        let (x, y) = (self.offset(start, enc), self.offset(end, enc));
        let (a, b) = (x.min(y), x.max(y));
        let start_position = self.ts_point(a);
        let old_end_position = advance(start_position, self.rope.byte_slice(a..b).chunks());
        self.replace(a, b, text);
        Some(InputEdit {
            start_byte: a,
            old_end_byte: b,
            new_end_byte: a + text.len(),
            start_position,
            old_end_position,
            new_end_position: advance(start_position, [text]),
        })
    }

    /// The point of `offset` as tree-sitter counts: rows end at line feeds
    /// only (a lone CR, a line break everywhere else, is a column here), and
    /// columns are bytes.
    fn ts_point(&self, offset: usize) -> Point {
        advance(
            Point::new(0, 0),
            self.rope
                .byte_slice(..offset.min(self.rope.len_bytes()))
                .chunks(),
        )
    }
}

/// `from` moved over the text of `chunks`, as tree-sitter moves points.
fn advance<'a>(from: Point, chunks: impl IntoIterator<Item = &'a str>) -> Point {
    let mut p = from;
    for chunk in chunks {
        let bytes = chunk.as_bytes();
        match memchr::memrchr(b'\n', bytes) {
            Some(last) => {
                p.row += memchr::memchr_iter(b'\n', bytes).count();
                p.column = bytes.len() - last - 1;
            }
            None => p.column += bytes.len(),
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    const TEXT: &str = "a😀b\r\n漢字x\r\tz\nend";

    #[test]
    fn offsets_in_both_encodings() {
        let d = Document::new(TEXT, 1);
        assert_eq!(d.line_count(), 4);
        // 'b' on line 0: after 'a' and an emoji (4 UTF-8 bytes, 2 UTF-16 units).
        let b = TEXT.find('b').unwrap();
        assert_eq!(d.offset(p(0, 3), Encoding::Utf16), b);
        assert_eq!(d.offset(p(0, 5), Encoding::Utf8), b);
        // CJK: three UTF-8 bytes, one UTF-16 unit each.
        let x = TEXT.find('x').unwrap();
        assert_eq!(d.offset(p(1, 2), Encoding::Utf16), x);
        assert_eq!(d.offset(p(1, 6), Encoding::Utf8), x);
        // A tab is one character; a lone CR ends a line.
        assert_eq!(d.offset(p(2, 1), Encoding::Utf16), TEXT.find('z').unwrap());
        assert_eq!(d.offset(p(3, 0), Encoding::Utf8), TEXT.find("end").unwrap());
    }

    #[test]
    fn out_of_range_and_mid_character_positions_clamp() {
        let d = Document::new(TEXT, 1);
        // Past the end of line 0 clamps before its CRLF.
        assert_eq!(
            d.offset(p(0, 99), Encoding::Utf16),
            TEXT.find('\r').unwrap()
        );
        // Inside the emoji's surrogate pair clamps to its start.
        assert_eq!(d.offset(p(0, 2), Encoding::Utf16), 1);
        assert_eq!(d.offset(p(0, 3), Encoding::Utf8), 1);
        assert_eq!(d.offset(p(99, 0), Encoding::Utf8), TEXT.len());
    }

    #[test]
    fn a_leading_bom_is_not_a_column_of_an_open_document() {
        let text = "\u{feff}ab\ncd";
        let d = Document::new(text, 1);
        for enc in [Encoding::Utf8, Encoding::Utf16] {
            // Column 0 is 'a', after the three bytes of the BOM.
            assert_eq!(d.offset(p(0, 0), enc), 3);
            assert_eq!(d.offset(p(0, 1), enc), 4);
            assert_eq!(d.offset(p(1, 1), enc), 7);
        }
        let mut d = d;
        d.apply(Some((p(0, 0), p(0, 1))), "A", Encoding::Utf16);
        assert_eq!(d.text(), "\u{feff}Ab\ncd");
    }

    #[test]
    fn edits_apply_in_either_encoding() {
        let mut d = Document::new(TEXT, 1);
        d.apply(Some((p(0, 1), p(0, 3))), "-", Encoding::Utf16);
        assert!(d.text().starts_with("a-b\r\n"));
        d.apply(Some((p(1, 6), p(1, 6))), "!", Encoding::Utf8);
        assert!(d.text().contains("漢字!x"));
        // Splitting a CRLF in two keeps line counting consistent.
        d.apply(Some((p(0, 3), p(0, 3))), "\r", Encoding::Utf8);
        assert_eq!(d.line_count(), Document::new(&d.text(), 1).line_count());
    }
}
