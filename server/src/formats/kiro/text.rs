//! Line helpers the Kiro readers share.

use crate::model::Span;
use crate::syntax::{js, Doc};

/// An unmasked ATX heading of line `i`: its level, its title (closing
/// hashes removed, trimmed) and the title's offset in the file.
pub fn heading_title<'a>(doc: &Doc<'a>, i: usize) -> Option<(u8, &'a str, usize)> {
    let atx = doc.atx(i)?;
    let line = doc.line(i);
    let title = js::strip_closing_hashes(&line[atx.level as usize..]);
    let at = doc.lines[i].start as usize + (title.as_ptr() as usize - line.as_ptr() as usize);
    Some((atx.level, title, at))
}

/// Whether a heading title is one of `names`, ignoring case, emphasis and a
/// trailing colon.
pub fn is_titled(title: &str, names: &[&str]) -> bool {
    let t = title
        .trim_matches(['*', '_'])
        .trim_end_matches([':', '：'])
        .trim();
    names.iter().any(|n| t.eq_ignore_ascii_case(n))
}

/// The span of `part`, a slice of `line`, in a file where `line` starts at
/// byte `base`.
pub fn span_of(line: &str, base: usize, part: &str) -> Span {
    let at = base + (part.as_ptr() as usize - line.as_ptr() as usize);
    Span::new(at, at + part.len())
}

/// Whether `word` occurs in `s` as a whole ASCII word, returning the first
/// offset.
pub fn find_word(s: &str, word: &str) -> Option<usize> {
    let b = s.as_bytes();
    let is_w = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut from = 0;
    while let Some(off) = s[from..].find(word) {
        let at = from + off;
        let end = at + word.len();
        if (at == 0 || !is_w(b[at - 1])) && (end == b.len() || !is_w(b[end])) {
            return Some(at);
        }
        from = at + word.len();
    }
    None
}
