//! Line helpers the Kiro readers share.

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
