//! Character classes and small matchers that reproduce the JavaScript regular
//! expressions OpenSpec reads Markdown with. Parity with the reference CLI
//! depends on these details (JS `\s` is wider than ASCII whitespace, `\b` is
//! ASCII-only), so they live in one place instead of being approximated inline.

/// JavaScript's `\s` and the set `String.prototype.trim` removes.
pub fn is_ws(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
                | '\u{feff}'
    )
}

/// `String.prototype.trim`.
pub fn trim(s: &str) -> &str {
    s.trim_matches(is_ws)
}

pub fn trim_start(s: &str) -> &str {
    s.trim_start_matches(is_ws)
}

pub fn trim_end(s: &str) -> &str {
    s.trim_end_matches(is_ws)
}

/// Length as JavaScript counts it (UTF-16 code units): OpenSpec's length
/// thresholds (Purpose ≥ 50, requirement text ≤ 500) are measured this way.
pub fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

fn is_ascii_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// `/\b(SHALL|MUST)\b/` without the `u` flag: word boundaries are ASCII.
pub fn contains_shall_or_must(s: &str) -> bool {
    find_word(s, "SHALL") || find_word(s, "MUST")
}

/// Whether `word` occurs in `s` with ASCII word boundaries on both sides.
pub fn find_word(s: &str, word: &str) -> bool {
    word_positions(s, word).next().is_some()
}

/// Byte offsets of each occurrence of `word` in `s` bounded by ASCII
/// non-word characters (or the ends of `s`).
pub fn word_positions<'a>(s: &'a str, word: &'a str) -> impl Iterator<Item = usize> + 'a {
    let bytes = s.as_bytes();
    // Short needles: a plain scan beats building a searcher per call.
    let first = word.as_bytes()[0];
    memchr::memchr_iter(first, bytes)
        .filter(move |&at| bytes[at..].starts_with(word.as_bytes()))
        .filter(move |&at| {
            let before_ok = at == 0 || !is_ascii_word(bytes[at - 1]);
            let end = at + word.len();
            let after_ok = end == bytes.len() || !is_ascii_word(bytes[end]);
            before_ok && after_ok
        })
}

/// `s.replace(/[ \t]+#+[ \t]*$/, '').trim()`: the name of a requirement or a
/// scenario without a closing ATX `#` run.
pub fn strip_closing_hashes(s: &str) -> &str {
    let space_or_tab = |c: char| c == ' ' || c == '\t';
    let t = s.trim_end_matches(space_or_tab);
    let without_hashes = t.trim_end_matches('#');
    if without_hashes.len() < t.len() {
        let before = without_hashes.trim_end_matches(space_or_tab);
        if before.len() < without_hashes.len() {
            return trim(before);
        }
    }
    trim(s)
}

/// Case-insensitive ASCII prefix test returning the rest of `s`.
pub fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    if s.len() >= prefix.len()
        && s.is_char_boundary(prefix.len())
        && s[..prefix.len()].eq_ignore_ascii_case(prefix)
    {
        Some(&s[prefix.len()..])
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shall_must_uses_ascii_word_boundaries() {
        assert!(contains_shall_or_must("The system SHALL answer"));
        assert!(contains_shall_or_must("MUST"));
        assert!(contains_shall_or_must("éMUST")); // é is not an ASCII word char
        assert!(!contains_shall_or_must("MUSTARD"));
        assert!(!contains_shall_or_must("_SHALL"));
        assert!(!contains_shall_or_must("the system shall answer"));
    }

    #[test]
    fn closing_hash_run_needs_space_before_it() {
        assert_eq!(strip_closing_hashes("Foo ###"), "Foo");
        assert_eq!(strip_closing_hashes("Foo ### \t"), "Foo");
        assert_eq!(strip_closing_hashes("C#"), "C#");
        assert_eq!(strip_closing_hashes("  Foo  "), "Foo");
        assert_eq!(strip_closing_hashes("Foo\u{a0}#"), "Foo\u{a0}#");
    }

    #[test]
    fn js_trim_includes_unicode_spaces() {
        assert_eq!(trim("\u{3000} x \u{feff}"), "x");
        assert_eq!(utf16_len("😀a"), 3);
    }
}
