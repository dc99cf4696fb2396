//! Percent-decoding of link paths and fragments, as a browser reads
//! `specs/a%20b/spec.md`.

/// Decodes `%XX` escapes (invalid escapes are kept as written, so a link
/// with a stray `%` still names the file it spells).
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() && s.is_char_boundary(i + 3) {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::percent_decode;

    #[test]
    fn escapes_decode_and_broken_ones_stay() {
        assert_eq!(percent_decode("specs/a%20b/spec.md"), "specs/a b/spec.md");
        assert_eq!(percent_decode("%E6%BC%A2"), "漢");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        // An escape cut by a multi-byte character is not one.
        assert_eq!(percent_decode("%2漢"), "%2漢");
    }
}
