//! What changed between two versions of a text, as whole lines: what the
//! readers that re-read only the lines an edit touched start from.

/// The lines an edit changed: the same start in both texts, and the ends
/// in the old and the new text (each just past a line feed, or the end).
pub struct Region {
    pub start: usize,
    pub old_end: usize,
    pub new_end: usize,
}

impl Region {
    pub fn delta(&self) -> i64 {
        self.new_end as i64 - self.old_end as i64
    }
}

/// The whole lines that differ between `old` and `new`, when they are
/// separated by line feeds alone or CRLF (a lone CR also ends a line, and
/// is left to the full reader).
pub fn changed_lines(old: &str, new: &str) -> Option<Region> {
    let (a, b) = (old.as_bytes(), new.as_bytes());
    let prefix = common_prefix(a, b);
    let most = a.len().min(b.len()) - prefix;
    let suffix = common_suffix(a, b).min(most);
    let start = memchr::memrchr(b'\n', &a[..prefix])? + 1;
    let tail = a.len() - suffix;
    let old_end = memchr::memchr(b'\n', &a[tail..]).map_or(a.len(), |i| tail + i + 1);
    let new_end = old_end + b.len() - a.len();
    let lone_cr = |t: &[u8]| memchr::memchr_iter(b'\r', t).any(|i| t.get(i + 1) != Some(&b'\n'));
    if lone_cr(&a[start..old_end]) || lone_cr(&b[start..new_end]) {
        return None;
    }
    Some(Region {
        start,
        old_end,
        new_end,
    })
}

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const CHUNK: usize = 64;
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + CHUNK <= n && a[i..i + CHUNK] == b[i..i + CHUNK] {
        i += CHUNK;
    }
    while i < n && a[i] == b[i] {
        i += 1;
    }
    i
}

fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    const CHUNK: usize = 64;
    let n = a.len().min(b.len());
    let (a, b) = (&a[a.len() - n..], &b[b.len() - n..]);
    let mut i = 0;
    while i + CHUNK <= n && a[n - i - CHUNK..n - i] == b[n - i - CHUNK..n - i] {
        i += CHUNK;
    }
    while i < n && a[n - i - 1] == b[n - i - 1] {
        i += 1;
    }
    i
}

pub fn line_feeds(s: &str) -> usize {
    memchr::memchr_iter(b'\n', s.as_bytes()).count()
}
