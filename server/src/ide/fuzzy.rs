//! Fuzzy matching for symbol search: the query must be a subsequence of the
//! candidate, ignoring case, and the score prefers an exact match, then a
//! prefix, then a contiguous run, then matches at word starts, close together
//! and early in the name, then shorter names.
//!
//! A workspace symbol query runs the matcher over every requirement, scenario
//! and task of the workspace, so scoring an ASCII candidate allocates
//! nothing; other candidates reuse one buffer.

/// A query, prepared once and run against many candidates.
pub struct Matcher {
    chars: Vec<char>,
    /// The lowercased query, when it is ASCII (the common case).
    bytes: Option<Vec<u8>>,
    scratch: Vec<char>,
}

/// Scores of the tiers, far apart so that no bonus crosses a tier.
const EXACT: f64 = 100_000.0;
const PREFIX: f64 = 50_000.0;
const CONTIGUOUS: f64 = 20_000.0;

const MATCH: f64 = 16.0;
const WORD_START: f64 = 8.0;
const FIRST_CHAR_WORD_START: f64 = 8.0;
const CONSECUTIVE: f64 = 6.0;
const GAP_OPEN: f64 = 3.0;
const GAP_EXTEND: f64 = 1.0;
const LEADING: f64 = 0.5;
const LENGTH: f64 = 0.1;

impl Matcher {
    pub fn new(query: &str) -> Matcher {
        let chars: Vec<char> = query.trim().chars().map(lower).collect();
        let bytes = chars
            .iter()
            .all(char::is_ascii)
            .then(|| chars.iter().map(|&c| c as u8).collect());
        Matcher {
            chars,
            bytes,
            scratch: Vec::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    /// The score of `candidate`, or `None` when the query is not a
    /// subsequence of it. An empty query matches everything with score 0.
    pub fn score(&mut self, candidate: &str) -> Option<f64> {
        if self.chars.is_empty() {
            return Some(0.0);
        }
        if candidate.is_ascii() {
            let q = self.bytes.as_deref()?;
            let c = candidate.as_bytes();
            // Most candidates of a search do not match: reject them with
            // vectorised scans before scoring.
            if !ascii_subsequence(q, c) {
                return None;
            }
            return score_units(q, c);
        }
        let mut buf = std::mem::take(&mut self.scratch);
        buf.clear();
        buf.extend(candidate.chars());
        let s = score_units(&self.chars, &buf);
        self.scratch = buf;
        s
    }
}

/// The score [`Matcher::score`] gives an ASCII `candidate` holding the
/// query (`len` bytes) as it is at byte `start`: for callers that found
/// the occurrence themselves, with one search over many candidates.
pub fn contiguous_score(candidate: &[u8], start: usize, len: usize) -> f64 {
    let c = candidate;
    let len_penalty = c.len().saturating_sub(len) as f64 * LENGTH;
    if c.len() == len {
        return EXACT;
    }
    if start == 0 {
        return PREFIX - len_penalty;
    }
    let bonus = if start < c.len() && word_start(c, start) {
        WORD_START
    } else {
        0.0
    };
    CONTIGUOUS + bonus - start as f64 * LEADING - len_penalty
}

/// Whether the lowercase ASCII `q` is a subsequence of `c`, ignoring case.
fn ascii_subsequence(q: &[u8], c: &[u8]) -> bool {
    let mut at = 0;
    for &b in q {
        let rest = &c[at..];
        let found = if b.is_ascii_lowercase() {
            memchr::memchr2(b, b.to_ascii_uppercase(), rest)
        } else {
            memchr::memchr(b, rest)
        };
        match found {
            Some(i) => at += i + 1,
            None => return false,
        }
    }
    true
}

fn lower(c: char) -> char {
    if c.is_ascii() {
        c.to_ascii_lowercase()
    } else {
        // Single-character lowercase mappings cover the scripts names use;
        // the rare multi-character ones compare by their first character.
        c.to_lowercase().next().unwrap_or(c)
    }
}

trait Unit: Copy + PartialEq {
    fn lower(self) -> Self;
    fn is_alnum(self) -> bool;
    fn is_upper(self) -> bool;
    fn is_lower(self) -> bool;
}

impl Unit for u8 {
    fn lower(self) -> u8 {
        self.to_ascii_lowercase()
    }
    fn is_alnum(self) -> bool {
        self.is_ascii_alphanumeric()
    }
    fn is_upper(self) -> bool {
        self.is_ascii_uppercase()
    }
    fn is_lower(self) -> bool {
        self.is_ascii_lowercase()
    }
}

impl Unit for char {
    fn lower(self) -> char {
        lower(self)
    }
    fn is_alnum(self) -> bool {
        self.is_alphanumeric()
    }
    fn is_upper(self) -> bool {
        self.is_uppercase()
    }
    fn is_lower(self) -> bool {
        self.is_lowercase()
    }
}

/// Whether position `i` starts a word: the start, after a separator, or a
/// lower-to-upper case change (`callRouting`).
fn word_start<T: Unit>(c: &[T], i: usize) -> bool {
    if i == 0 {
        return true;
    }
    let (prev, cur) = (c[i - 1], c[i]);
    (!prev.is_alnum() && cur.is_alnum()) || (prev.is_lower() && cur.is_upper())
}

/// `q` is lowercase already.
fn score_units<T: Unit>(q: &[T], c: &[T]) -> Option<f64> {
    // The first complete match, scanning forward...
    let mut qi = 0;
    let mut end = 0;
    for (i, &ch) in c.iter().enumerate() {
        if ch.lower() == q[qi] {
            qi += 1;
            if qi == q.len() {
                end = i;
                break;
            }
        }
    }
    if qi < q.len() {
        return None;
    }
    // ...then tightened backward to the shortest window ending there.
    let mut start = end;
    let mut qi = q.len();
    for i in (0..=end).rev() {
        if c[i].lower() == q[qi - 1] {
            qi -= 1;
            if qi == 0 {
                start = i;
                break;
            }
        }
    }
    let len_penalty = (c.len() - q.len()) as f64 * LENGTH;
    if end + 1 - start == q.len() {
        if c.len() == q.len() {
            return Some(EXACT);
        }
        if start == 0 {
            return Some(PREFIX - len_penalty);
        }
        let bonus = if word_start(c, start) {
            WORD_START
        } else {
            0.0
        };
        return Some(CONTIGUOUS + bonus - start as f64 * LEADING - len_penalty);
    }
    let mut score = 0.0;
    let mut prev: Option<usize> = None;
    let mut qi = 0;
    for (i, &ch) in c.iter().enumerate().take(end + 1).skip(start) {
        if qi == q.len() || ch.lower() != q[qi] {
            continue;
        }
        score += MATCH;
        if word_start(c, i) {
            score += if qi == 0 {
                WORD_START + FIRST_CHAR_WORD_START
            } else {
                WORD_START
            };
        }
        match prev {
            Some(p) if p + 1 == i => score += CONSECUTIVE,
            Some(p) => score -= GAP_OPEN + (i - p - 2) as f64 * GAP_EXTEND,
            None => {}
        }
        prev = Some(i);
        qi += 1;
    }
    Some(score - start as f64 * LEADING - len_penalty)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranked<'a>(query: &str, names: &[&'a str]) -> Vec<&'a str> {
        let mut m = Matcher::new(query);
        let mut scored: Vec<(f64, &str)> = names
            .iter()
            .filter_map(|n| Some((m.score(n)?, *n)))
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        scored.into_iter().map(|(_, n)| n).collect()
    }

    #[test]
    fn subsequences_match_ignoring_case() {
        let mut m = Matcher::new("CRt");
        assert!(m.score("call routing").is_some());
        assert!(m.score("Call Routing").is_some());
        assert!(m.score("route call").is_none());
        assert!(Matcher::new("漢").score("ascii").is_none());
        assert!(Matcher::new("ÜB").score("Überweisung").is_some());
        assert!(Matcher::new("").score("anything") == Some(0.0));
    }

    #[test]
    fn exact_then_prefix_then_contiguous_then_word_starts() {
        assert_eq!(
            ranked(
                "transfer",
                &[
                    "Call transfer",
                    "Transfer",
                    "Transfer queue",
                    "T r a n s f e r",
                    "Retransfer"
                ]
            ),
            [
                "Transfer",
                "Transfer queue",
                "Call transfer",
                "Retransfer",
                "T r a n s f e r"
            ]
        );
        // Word starts beat scattered letters; closer is better.
        assert_eq!(
            ranked("cr", &["cancel order", "call routing", "scar"]),
            ["call routing", "scar", "cancel order"]
        );
        assert_eq!(
            ranked("rr", &["xrXr", "callRequestRouting", "rr"]),
            ["rr", "callRequestRouting", "xrXr"]
        );
    }

    #[test]
    fn contiguous_scores_agree_with_the_matcher() {
        for (q, c) in [
            ("transfer", "Transfer"),
            ("trans", "Transfer queue"),
            ("call", "the call ends"),
            ("all", "the call ends"),
        ] {
            let start = c.to_ascii_lowercase().find(q).unwrap();
            assert_eq!(
                Some(contiguous_score(c.as_bytes(), start, q.len())),
                Matcher::new(q).score(c),
                "{q} in {c}"
            );
        }
    }

    #[test]
    fn non_ascii_candidates_and_queries() {
        assert_eq!(
            ranked("挨拶", &["挨拶 🎉", "ご挨拶", "挨_拶"]),
            ["挨拶 🎉", "ご挨拶", "挨_拶"]
        );
        // Case folds beyond ASCII; accents are not folded.
        assert_eq!(Matcher::new("é").score("É"), Some(EXACT));
        assert!(Matcher::new("e").score("É").is_none());
    }
}
