//! EARS clauses of one acceptance criterion: `WHEN …, THE <System> SHALL …`
//! and its variants (G1's `WHEN … THEN the system SHALL …`, cc-sdd's
//! `When …, the <System> shall …`). The keywords stay English inside
//! Japanese or Chinese text, so words are told apart by ASCII letters only.

use crate::model::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keyword {
    When,
    While,
    Where,
    If,
    Then,
    /// The response: `THE <System> SHALL …` (from the article, or from
    /// SHALL when there is none).
    Shall,
}

impl Keyword {
    fn of(word: &str) -> Option<Keyword> {
        Some(match word.to_ascii_uppercase().as_str() {
            "WHEN" => Keyword::When,
            "WHILE" => Keyword::While,
            "WHERE" => Keyword::Where,
            "IF" => Keyword::If,
            "THEN" => Keyword::Then,
            "SHALL" => Keyword::Shall,
            _ => return None,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clause {
    pub keyword: Keyword,
    /// The keyword as written (for the response: the SHALL).
    pub keyword_span: Span,
    /// From the clause's first word to the start of the next clause, without
    /// the separating comma and spaces.
    pub span: Span,
    /// Written in capitals, as EARS asks.
    pub uppercase: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ears {
    pub clauses: Vec<Clause>,
    /// The system the response names: the words between the article and
    /// SHALL (`Auth_Service` in `THE Auth_Service SHALL`).
    pub system: Option<Span>,
    /// Whether that article was an uppercase `THE`, the G2 form that names a
    /// Glossary system.
    pub system_after_upper_the: bool,
    /// The first uppercase `SHALL`.
    pub shall: Option<Span>,
    /// The first `shall` written in lowercase (or mixed case).
    pub lowercase_shall: Option<Span>,
    /// `SHALL CONTINUE TO` (bugfix unchanged behaviour), from SHALL to TO.
    pub continue_to: Option<Span>,
    /// The text begins with WHEN, IF, WHILE, WHERE or THE, in any case
    /// (cc-sdd writes `When` and `The`).
    pub leading_keyword: bool,
    /// A Japanese or Chinese response marker (`…すること`, `しなければならない`,
    /// `必须`) in a criterion that has no SHALL: EARS translated rather than
    /// quoted, which the English wording checks cannot judge.
    pub localised_shall: Option<Span>,
}

impl Ears {
    /// The keyword the criterion begins with, if any.
    pub fn leading(&self) -> Option<&Clause> {
        self.clauses.first()
    }

    pub fn has(&self, k: Keyword) -> bool {
        self.clauses.iter().any(|c| c.keyword == k)
    }
}

#[derive(Clone, Copy)]
struct Word {
    s: usize,
    e: usize,
}

/// Runs of ASCII letters, digits and `_`: a keyword is a whole word.
fn words(text: &str) -> Vec<Word> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_alphanumeric() || b[i] == b'_' {
            let s = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            out.push(Word { s, e: i });
        } else {
            i += 1;
        }
    }
    out
}

fn is_upper(w: &str) -> bool {
    w.bytes().all(|b| !b.is_ascii_lowercase())
}

/// Reads the EARS structure of `text`, which starts at byte `at` of the
/// file.
pub fn analyse(text: &str, at: usize) -> Ears {
    let ws = words(text);
    let word = |w: &Word| &text[w.s..w.e];
    let sp = |s: usize, e: usize| Span::new(at + s, at + e);
    let mut ears = Ears {
        leading_keyword: ws.first().is_some_and(|w| {
            js_blank(&text[..w.s])
                && ["WHEN", "IF", "WHILE", "WHERE", "THE"]
                    .iter()
                    .any(|k| word(w).eq_ignore_ascii_case(k))
        }),
        ..Ears::default()
    };

    // The response marker: the first uppercase SHALL, else any `shall`.
    let upper_shall = ws.iter().position(|w| word(w) == "SHALL");
    let any_shall = ws
        .iter()
        .position(|w| word(w).eq_ignore_ascii_case("shall"));
    if let Some(i) = upper_shall {
        ears.shall = Some(sp(ws[i].s, ws[i].e));
    }
    if let Some(i) = ws
        .iter()
        .position(|w| word(w).eq_ignore_ascii_case("shall") && word(w) != "SHALL")
    {
        ears.lowercase_shall = Some(sp(ws[i].s, ws[i].e));
    }
    let response = upper_shall.or(any_shall);
    if response.is_none() {
        ears.localised_shall = localised_shall(text).map(|(s, e)| sp(s, e));
    }

    // Clause starts: (word index, keyword, uppercase). Conditions count in
    // capitals anywhere, and in any case as the first word; a lowercase
    // `then` counts after a comma (cc-sdd's `If …, then the …`).
    let mut starts: Vec<(usize, Keyword, bool)> = Vec::new();
    for (i, w) in ws.iter().enumerate() {
        let t = word(w);
        let Some(k) = Keyword::of(t) else { continue };
        if k == Keyword::Shall {
            continue;
        }
        let upper = is_upper(t);
        let first = i == 0 && js_blank(&text[..w.s]);
        let after_comma = text[..w.s].trim_end().ends_with([',', '、', '，']);
        let counts = upper || first || (k == Keyword::Then && after_comma);
        if counts && response.is_none_or(|r| i < r || upper) {
            starts.push((i, k, upper));
        }
    }

    if let Some(r) = response {
        // The system: the words between the last clause boundary (a
        // keyword or a comma) and SHALL, without the article.
        let boundary = starts
            .iter()
            .filter(|(i, _, _)| *i < r)
            .map(|(i, _, _)| ws[*i].e)
            .max()
            .unwrap_or(0);
        let before = &text[boundary..ws[r].s];
        let seg_start = before.rfind([',', '、', '，', ':']).map_or(boundary, |c| {
            boundary + c + before[c..].chars().next().map_or(1, char::len_utf8)
        });
        let seg_words: Vec<usize> = (0..r).filter(|&i| ws[i].s >= seg_start).collect();
        let mut response_start = ws[r].s;
        let article = seg_words
            .iter()
            .rposition(|&i| word(&ws[i]).eq_ignore_ascii_case("the"));
        let name_from = match article {
            Some(a) => seg_words.get(a + 1).copied(),
            None => seg_words.first().copied(),
        };
        if let Some(nf) = name_from {
            let last = r - 1;
            if last >= nf && last - nf < 6 {
                ears.system = Some(sp(ws[nf].s, ws[last].e));
                ears.system_after_upper_the =
                    article.is_some_and(|a| word(&ws[seg_words[a]]) == "THE");
                response_start = match article {
                    Some(a) => ws[seg_words[a]].s,
                    None => ws[nf].s,
                };
            }
        }
        // Keep clause starts in order; the response sits among them.
        let pos = starts
            .iter()
            .position(|(i, _, _)| ws[*i].s > response_start);
        let entry = (r, Keyword::Shall, word(&ws[r]) == "SHALL");
        match pos {
            Some(p) => starts.insert(p, entry),
            None => starts.push(entry),
        }
        // SHALL CONTINUE TO
        if let (Some(c), Some(t)) = (ws.get(r + 1), ws.get(r + 2)) {
            if word(c).eq_ignore_ascii_case("continue") && word(t).eq_ignore_ascii_case("to") {
                ears.continue_to = Some(sp(ws[r].s, t.e));
            }
        }
        // Clause spans start at the response's article, not its SHALL.
        for (n, &(i, k, upper)) in starts.iter().enumerate() {
            let start = if k == Keyword::Shall {
                response_start
            } else {
                ws[i].s
            };
            let end = starts
                .get(n + 1)
                .map(|&(j, k2, _)| {
                    if k2 == Keyword::Shall {
                        response_start
                    } else {
                        ws[j].s
                    }
                })
                .unwrap_or(text.len());
            let end = start + trim_clause_end(&text[start..end.max(start)]);
            ears.clauses.push(Clause {
                keyword: k,
                keyword_span: sp(ws[i].s, ws[i].e),
                span: sp(start, end),
                uppercase: upper,
            });
        }
    } else {
        for (n, &(i, k, upper)) in starts.iter().enumerate() {
            let start = ws[i].s;
            let end = starts.get(n + 1).map_or(text.len(), |&(j, _, _)| ws[j].s);
            let end = start + trim_clause_end(&text[start..end]);
            ears.clauses.push(Clause {
                keyword: k,
                keyword_span: sp(ws[i].s, ws[i].e),
                span: sp(start, end),
                uppercase: upper,
            });
        }
    }
    ears
}

/// Response markers of EARS written in Japanese or Chinese.
const LOCAL_SHALL: &[&str] = &[
    "しなければならない",
    "するものとする",
    "ものとする",
    "必要がある",
    "应当",
    "必须",
    "應當",
    "必須",
];

fn localised_shall(text: &str) -> Option<(usize, usize)> {
    for m in LOCAL_SHALL {
        if let Some(at) = text.find(m) {
            return Some((at, at + m.len()));
        }
    }
    // `…を割り当てること。` ends a sentence with the nominaliser that Japanese
    // requirement style uses for "shall".
    for line in text.lines() {
        let t = line.trim_end().trim_end_matches(['。', '.']);
        if t.ends_with("こと") {
            let at = t.as_ptr() as usize - text.as_ptr() as usize + t.len() - "こと".len();
            return Some((at, at + "こと".len()));
        }
    }
    None
}

fn js_blank(s: &str) -> bool {
    s.chars().all(|c| c.is_whitespace() || c == '*')
}

/// The length of a clause without the trailing spaces and separators.
fn trim_clause_end(s: &str) -> usize {
    s.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ',' | '、' | '，'))
        .len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(text: &str) -> Vec<(Keyword, &str)> {
        analyse(text, 0)
            .clauses
            .iter()
            .map(|c| (c.keyword, &text[c.span.range()]))
            .collect()
    }

    #[test]
    fn g2_event_driven() {
        let t = "WHEN a user signs in, THE Auth_Service SHALL issue a token";
        assert_eq!(
            show(t),
            [
                (Keyword::When, "WHEN a user signs in"),
                (Keyword::Shall, "THE Auth_Service SHALL issue a token")
            ]
        );
        let e = analyse(t, 10);
        assert!(e.leading_keyword);
        assert_eq!(e.system, Some(Span::new(36, 48)));
        assert!(e.system_after_upper_the);
        assert_eq!(e.shall, Some(Span::new(49, 54)));
        assert_eq!(e.lowercase_shall, None);
    }

    #[test]
    fn g1_then_the_system() {
        let t = "WHEN I open the Radar tool THEN the system SHALL request permission";
        assert_eq!(
            show(t),
            [
                (Keyword::When, "WHEN I open the Radar tool"),
                (Keyword::Then, "THEN"),
                (Keyword::Shall, "the system SHALL request permission")
            ]
        );
        let e = analyse(t, 0);
        assert_eq!(&t[e.system.unwrap().range()], "system");
        assert!(!e.system_after_upper_the);
    }

    #[test]
    fn unwanted_behaviour_and_state() {
        let t = "IF the token expired, THEN THE Auth_Service SHALL reject it";
        assert_eq!(
            show(t),
            [
                (Keyword::If, "IF the token expired"),
                (Keyword::Then, "THEN"),
                (Keyword::Shall, "THE Auth_Service SHALL reject it")
            ]
        );
        let t = "WHILE offline, WHEN a save fails, THE Queue SHALL retry";
        let kinds: Vec<_> = show(t).into_iter().map(|c| c.0).collect();
        assert_eq!(kinds, [Keyword::While, Keyword::When, Keyword::Shall]);
    }

    #[test]
    fn ubiquitous_with_lowercase_shall_and_japanese() {
        let t = "The Syndication Service shall 同一条件のフィードを 5 分間キャッシュ";
        let e = analyse(t, 0);
        assert_eq!(&t[e.system.unwrap().range()], "Syndication Service");
        assert_eq!(e.shall, None);
        assert_eq!(&t[e.lowercase_shall.unwrap().range()], "shall");
        assert_eq!(show(t)[0].0, Keyword::Shall);
        let t = "When ユーザーが `/feeds/rss` にアクセス, the Syndication Service shall XML を返却";
        assert_eq!(
            show(t),
            [
                (Keyword::When, "When ユーザーが `/feeds/rss` にアクセス"),
                (Keyword::Shall, "the Syndication Service shall XML を返却")
            ]
        );
    }

    #[test]
    fn no_shall_and_mid_sentence_words() {
        let t = "Users can see where the map is when it loads";
        let e = analyse(t, 0);
        assert!(e.clauses.is_empty() && e.shall.is_none() && e.system.is_none());
        assert!(!e.leading_keyword);
        let t = "WHEN saved THEN the page reloads";
        assert_eq!(
            show(t),
            [
                (Keyword::When, "WHEN saved"),
                (Keyword::Then, "THEN the page reloads")
            ]
        );
    }

    #[test]
    fn japanese_ears_without_english_keywords() {
        let t = "タスクが作成されたとき、システムはタスクに一意のIDを割り当てること";
        let e = analyse(t, 0);
        assert_eq!(&t[e.localised_shall.unwrap().range()], "こと");
        assert!(e.shall.is_none() && e.clauses.is_empty());
        let t = "系统必须记录每次登录";
        assert_eq!(&t[analyse(t, 0).localised_shall.unwrap().range()], "必须");
        assert!(analyse("GA4 で以下のイベントが計測されている:", 0)
            .localised_shall
            .is_none());
        // An English SHALL wins: the localised marker is only looked for
        // without one.
        assert!(analyse("THE A SHALL b こと", 0).localised_shall.is_none());
    }

    #[test]
    fn continue_to() {
        let t = "WHEN a hook fires THEN the system SHALL CONTINUE TO run it";
        let e = analyse(t, 0);
        assert_eq!(&t[e.continue_to.unwrap().range()], "SHALL CONTINUE TO");
    }
}
