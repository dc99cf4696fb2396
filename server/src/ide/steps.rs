//! The index of scenario steps used across the workspace, for step
//! completion: OpenSpec scenarios and Spec Kit acceptance scenarios (read
//! from the shared shape), one index for both.
//!
//! Steps that differ only in quoted values or numbers share a *template*
//! (`the caller says "Dune"` and `the caller says "Emma"` are one template
//! with one slot), so completion offers one suggestion with the values
//! actually used as choices. The index is kept between requests and brought
//! up to date file by file: a file whose [`SourceFile::stamp`] did not change
//! is not looked at again, and a changed file's old steps are subtracted
//! before its new ones are added. A request after typing in one file costs
//! one walk over the file list plus that file's steps, not a rebuild of
//! every template.

use rustc_hash::FxHashMap;

use super::fuzzy::Matcher;
use crate::model::steps::Keyword;
use crate::workspace::{FileKind, SourceFile, Summary, Workspace};

/// The literal parts and the values of a step text: `parts.len()` is
/// `values.len() + 1`, and the text is `parts[0] values[0] parts[1] …`.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    pub parts: Vec<&'a str>,
    pub values: Vec<&'a str>,
}

/// Cuts out quoted values (`"…"`, `“…”`, `` `…` ``) and numbers standing
/// alone (`8`, `3.5`, not the `2` of `v2`).
pub fn split(text: &str) -> Split<'_> {
    let b = text.as_bytes();
    let mut parts = Vec::new();
    let mut values = Vec::new();
    let mut lit = 0;
    let mut i = 0;
    while i < b.len() {
        let rest = &text[i..];
        let closing = if rest.starts_with('"') {
            Some("\"")
        } else if rest.starts_with('`') {
            Some("`")
        } else if rest.starts_with('\u{201c}') {
            Some("\u{201d}")
        } else {
            None
        };
        if let Some(close) = closing {
            let open_len = rest.chars().next().map_or(1, char::len_utf8);
            if let Some(end) = rest[open_len..].find(close) {
                let stop = i + open_len + end + close.len();
                parts.push(&text[lit..i]);
                values.push(&text[i..stop]);
                lit = stop;
                i = stop;
                continue;
            }
        }
        if b[i].is_ascii_digit() && (i == 0 || !is_word_byte(text, i, true)) {
            let mut j = i + b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
            if b.get(j) == Some(&b'.') && b.get(j + 1).is_some_and(u8::is_ascii_digit) {
                j += 1 + b[j + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
            }
            if j == b.len() || !is_word_byte(text, j, false) {
                parts.push(&text[lit..i]);
                values.push(&text[i..j]);
                lit = j;
                i = j;
                continue;
            }
            i = j;
            continue;
        }
        i += rest.chars().next().map_or(1, char::len_utf8);
    }
    parts.push(&text[lit..]);
    Split { parts, values }
}

/// Whether the character before (`before`) or at byte `i` is part of a
/// word, so a digit run there is not a number standing alone.
fn is_word_byte(text: &str, i: usize, before: bool) -> bool {
    let c = if before {
        text[..i].chars().next_back()
    } else {
        text[i..].chars().next()
    };
    c.is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// The key shared by the steps of one template: the literal parts joined
/// by a character that cannot occur in a line.
fn key(parts: &[&str]) -> String {
    parts.join("\n")
}

#[derive(Debug, Default)]
struct Template {
    parts: Box<[Box<str>]>,
    /// Values per slot → how many steps use them.
    variants: FxHashMap<Box<[Box<str>]>, u32>,
    total: u32,
    /// Capability id → steps in files of that capability.
    caps: Vec<(u32, u32)>,
    /// GIVEN, WHEN, THEN uses.
    kinds: [u32; 3],
    /// The most used variant (the first by value among equals) and its
    /// text: what is shown and matched.
    top: Box<[Box<str>]>,
    label: String,
    /// Where the label, lowercased, sits in [`StepIndex::hay`] (only for
    /// ASCII labels), and the letters and digits in it: what lets a query
    /// skip most templates without scoring them.
    seg: Option<u32>,
    mask: u64,
}

impl Template {
    fn text(&self, values: &[Box<str>]) -> String {
        let mut out = String::new();
        self.write_text(values, &mut out);
        out
    }

    fn write_text(&self, values: &[Box<str>], out: &mut String) {
        out.push_str(&self.parts[0]);
        for (v, p) in values.iter().zip(self.parts[1..].iter()) {
            out.push_str(v);
            out.push_str(p);
        }
    }

    /// Whether a query can skip scoring this template with the matcher: one
    /// variant and an ASCII label in the haystack.
    fn fast(&self) -> bool {
        self.variants.len() == 1 && self.seg.is_some()
    }

    /// Recomputes the label; returns whether it changed.
    fn relabel(&mut self) -> bool {
        let top = self
            .variants
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
            .map(|(v, _)| v.clone())
            .unwrap_or_default();
        let label = self.text(&top);
        self.top = top;
        if label == self.label {
            return false;
        }
        self.label = label;
        true
    }
}

/// The lowercase ASCII letters and digits present, one bit each.
fn mask(lower: &[u8]) -> u64 {
    lower.iter().fold(0, |m, &b| match b {
        b'a'..=b'z' => m | 1 << (b - b'a'),
        b'0'..=b'9' => m | 1 << (26 + b - b'0'),
        _ => m,
    })
}

/// Whether `q` is a subsequence of `c` (both lowercase ASCII).
fn subsequence(q: &[u8], c: &[u8]) -> bool {
    let mut qi = 0;
    for &b in c {
        if qi < q.len() && q[qi] == b {
            qi += 1;
        }
    }
    qi == q.len()
}

#[derive(Debug)]
struct Entry {
    template: u32,
    values: Box<[Box<str>]>,
    cap: u32,
    kind: Keyword,
}

#[derive(Debug)]
struct FileSteps {
    stamp: u64,
    seen: u64,
    entries: Vec<Entry>,
}

/// Every step of the main and delta specs of a set of workspaces (archived
/// changes left out: they repeat what was merged into the main specs).
#[derive(Debug, Default)]
pub struct StepIndex {
    /// Per root, per file.
    files: Vec<FxHashMap<String, FileSteps>>,
    templates: Vec<Template>,
    by_key: FxHashMap<String, u32>,
    free: Vec<u32>,
    caps: Vec<String>,
    cap_ids: FxHashMap<String, u32>,
    pass: u64,
    /// Every ASCII label lowercased, each followed by a line break, so that
    /// one vectorised search finds all the labels holding a query; `segs`
    /// maps each segment's start to its template (in order). Labels that
    /// change are appended again; `dead` counts the bytes of the old ones.
    hay: Vec<u8>,
    segs: Vec<(u32, u32)>,
    dead: usize,
    dead_unknown: bool,
    /// What a query reads of every template, kept apart and small so that
    /// a pass over 20,000 templates stays in cache.
    info: Vec<Info>,
    /// Per capability: template → steps of it in that capability.
    cap_members: Vec<FxHashMap<u32, u32>>,
}

#[derive(Clone, Copy, Debug, Default)]
struct Info {
    total: u32,
    /// The label's segment in the haystack, `u32::MAX` without one.
    seg: u32,
    len: u32,
    mask: u64,
    fast: bool,
}

/// One suggestion of a query: a template and how it ranks.
#[derive(Clone, Debug)]
pub struct StepHit {
    pub template: u32,
    pub score: f64,
    pub same_capability: bool,
    pub count: u32,
    /// The variant whose text matched best, offered first (`None`: the
    /// most used one).
    best: Option<Box<[Box<str>]>>,
    /// One use of these values is the step being typed.
    skip: Option<Box<[Box<str>]>>,
}

/// A step suggestion ready to insert: literal parts and, per slot, the
/// values used (most used first, the best match before them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepSuggestion {
    pub label: String,
    pub parts: Vec<String>,
    pub slots: Vec<Vec<String>>,
    pub count: u32,
    pub kind: Keyword,
}

fn kind_slot(k: Keyword) -> usize {
    match k {
        Keyword::Given => 0,
        Keyword::When => 1,
        _ => 2,
    }
}

impl StepIndex {
    /// Brings the index up to date with the files of `roots` (each with a
    /// stable index, as the server numbers its roots).
    pub fn refresh<'a>(&mut self, roots: impl IntoIterator<Item = (usize, &'a Workspace)>) {
        self.pass += 1;
        let pass = self.pass;
        let mut live = Vec::new();
        for (root, ws) in roots {
            live.push(root);
            if self.files.len() <= root {
                self.files.resize_with(root + 1, FxHashMap::default);
            }
            for f in &ws.files {
                if !matches!(
                    f.summary,
                    Summary::Main(_) | Summary::Delta(_) | Summary::SpecKit(_)
                ) {
                    continue;
                }
                if let Some(fs) = self.files[root].get_mut(f.rel.as_str()) {
                    if fs.stamp == f.stamp {
                        fs.seen = pass;
                        continue;
                    }
                }
                let entries = self.read(f);
                let old = self.files[root].insert(
                    f.rel.clone(),
                    FileSteps {
                        stamp: f.stamp,
                        seen: pass,
                        entries,
                    },
                );
                if let Some(old) = old {
                    self.subtract(old.entries);
                }
            }
        }
        for root in 0..self.files.len() {
            let mut gone = Vec::new();
            let map = &mut self.files[root];
            let keep_root = live.contains(&root);
            map.retain(|_, fs| {
                let keep = keep_root && fs.seen == pass;
                if !keep {
                    gone.push(std::mem::take(&mut fs.entries));
                }
                keep
            });
            for entries in gone {
                self.subtract(entries);
            }
        }
    }

    fn cap_id(&mut self, cap: &str) -> u32 {
        if let Some(&id) = self.cap_ids.get(cap) {
            return id;
        }
        let id = self.caps.len() as u32;
        self.caps.push(cap.to_string());
        self.cap_members.push(FxHashMap::default());
        self.cap_ids.insert(cap.to_string(), id);
        id
    }

    /// Adds the steps of one file; returns what was added.
    fn read(&mut self, f: &SourceFile) -> Vec<Entry> {
        // A Spec Kit feature folder stands where a capability does: its
        // acceptance scenarios rank first while writing that feature.
        let cap = match &f.kind {
            FileKind::MainSpec { capability } => capability.as_str(),
            FileKind::DeltaSpec { change, capability } if !change.archived => capability.as_str(),
            FileKind::SpecKit {
                feature: Some(feature),
                ..
            } => feature.as_str(),
            _ => return Vec::new(),
        };
        let cap = self.cap_id(cap);
        let steps: Vec<&crate::model::steps::Step> = match f.summary.shape() {
            Some(doc) => doc.scenarios.iter().flat_map(|s| &s.steps).collect(),
            None => f.summary.steps().collect(),
        };
        let mut out = Vec::with_capacity(steps.len());
        for st in steps {
            let Some(text) = f.text().get(st.text_span.range()) else {
                continue;
            };
            if text.is_empty() {
                continue;
            }
            let sp = split(text);
            let k = key(&sp.parts);
            let id = match self.by_key.get(&k) {
                Some(&id) => id,
                None => {
                    let t = Template {
                        parts: sp.parts.iter().map(|p| Box::from(*p)).collect(),
                        ..Template::default()
                    };
                    let id = match self.free.pop() {
                        Some(id) => {
                            self.templates[id as usize] = t;
                            id
                        }
                        None => {
                            self.templates.push(t);
                            (self.templates.len() - 1) as u32
                        }
                    };
                    self.by_key.insert(k, id);
                    id
                }
            };
            let values: Box<[Box<str>]> = sp.values.iter().map(|v| Box::from(*v)).collect();
            let t = &mut self.templates[id as usize];
            *t.variants.entry(values.clone()).or_default() += 1;
            t.total += 1;
            match t.caps.iter_mut().find(|(c, _)| *c == cap) {
                Some((_, n)) => *n += 1,
                None => t.caps.push((cap, 1)),
            }
            t.kinds[kind_slot(st.kind)] += 1;
            if t.relabel() {
                self.place(id);
            }
            *self.cap_members[cap as usize].entry(id).or_default() += 1;
            self.sync(id);
            out.push(Entry {
                template: id,
                values,
                cap,
                kind: st.kind,
            });
        }
        out
    }

    fn subtract(&mut self, entries: Vec<Entry>) {
        for e in entries {
            let members = &mut self.cap_members[e.cap as usize];
            if let Some(n) = members.get_mut(&e.template) {
                *n -= 1;
                if *n == 0 {
                    members.remove(&e.template);
                }
            }
            let t = &mut self.templates[e.template as usize];
            if let Some(n) = t.variants.get_mut(&e.values) {
                *n -= 1;
                if *n == 0 {
                    t.variants.remove(&e.values);
                }
            }
            t.total = t.total.saturating_sub(1);
            if let Some(i) = t.caps.iter().position(|(c, _)| *c == e.cap) {
                t.caps[i].1 -= 1;
                if t.caps[i].1 == 0 {
                    t.caps.swap_remove(i);
                }
            }
            let k = &mut t.kinds[kind_slot(e.kind)];
            *k = k.saturating_sub(1);
            if t.total == 0 {
                let parts: Vec<&str> = t.parts.iter().map(|p| &**p).collect();
                self.by_key.remove(&key(&parts));
                if t.seg.is_some() {
                    self.dead += t.label.len() + 1;
                }
                self.templates[e.template as usize] = Template::default();
                self.free.push(e.template);
            } else if t.relabel() {
                self.place(e.template);
            }
            self.sync(e.template);
        }
    }

    fn sync(&mut self, id: u32) {
        let t = &self.templates[id as usize];
        let info = Info {
            total: t.total,
            seg: t.seg.unwrap_or(u32::MAX),
            len: t.label.len() as u32,
            mask: t.mask,
            fast: t.fast(),
        };
        let i = id as usize;
        if self.info.len() <= i {
            self.info.resize(i + 1, Info::default());
        }
        self.info[i] = info;
    }

    /// Writes template `id`'s new label at the end of the haystack (the
    /// old one stays as a dead segment until the next compaction).
    fn place(&mut self, id: u32) {
        let t = &mut self.templates[id as usize];
        if t.seg.take().is_some() {
            // The label changed; the old segment held the old one, whose
            // length is gone: count the live bytes again on compaction.
            self.dead_unknown = true;
        }
        if !t.label.is_ascii() {
            t.mask = 0;
            return;
        }
        let start = self.hay.len();
        self.hay
            .extend(t.label.bytes().map(|b| b.to_ascii_lowercase()));
        self.hay.push(b'\n');
        t.mask = mask(&self.hay[start..self.hay.len() - 1]);
        t.seg = Some(start as u32);
        self.segs.push((start as u32, id));
        if self.hay.len() > 1 << 16 && (self.dead_unknown || self.dead > self.hay.len() / 2) {
            self.compact();
        }
    }

    /// Rebuilds the haystack from the live labels, when the dead segments
    /// could outweigh them.
    fn compact(&mut self) {
        let live: usize = self
            .templates
            .iter()
            .filter(|t| t.seg.is_some())
            .map(|t| t.label.len() + 1)
            .sum();
        self.dead_unknown = false;
        self.dead = self.hay.len() - live.min(self.hay.len());
        if self.dead <= self.hay.len() / 2 {
            return;
        }
        self.hay.clear();
        self.segs.clear();
        self.dead = 0;
        for (id, t) in self.templates.iter_mut().enumerate() {
            if t.seg.is_none() {
                continue;
            }
            let start = self.hay.len();
            self.hay
                .extend(t.label.bytes().map(|b| b.to_ascii_lowercase()));
            self.hay.push(b'\n');
            t.seg = Some(start as u32);
            self.segs.push((start as u32, id as u32));
        }
        for id in 0..self.templates.len() {
            self.sync(id as u32);
        }
    }

    /// How many templates the index holds.
    pub fn len(&self) -> usize {
        self.templates.len() - self.free.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The templates matching `typed`, best first: fuzzy score, then used
    /// in `capability`, then how often used. `exclude` is the step being
    /// typed (it is in the index too, and must not suggest itself). At most
    /// `limit` hits; the flag says whether more matched.
    pub fn query(
        &self,
        typed: &str,
        capability: Option<&str>,
        exclude: Option<&str>,
        limit: usize,
    ) -> (Vec<StepHit>, bool) {
        let cap = capability.and_then(|c| self.cap_ids.get(c).copied());
        let own = exclude.map(|e| {
            let sp = split(e);
            let values: Box<[Box<str>]> = sp.values.iter().map(|v| Box::from(*v)).collect();
            (key(&sp.parts), values)
        });
        let own_id = own.as_ref().and_then(|(k, _)| self.by_key.get(k).copied());
        let mut m = Matcher::new(typed);
        let q = typed.trim();
        let q_lower: Option<Vec<u8>> =
            (!q.is_empty() && q.is_ascii()).then(|| q.to_ascii_lowercase().into_bytes());
        let own_values = own.as_ref().map(|o| &*o.1);
        let n = self.templates.len();
        let mut same = vec![false; n];
        if let Some(c) = cap {
            for &id in self.cap_members[c as usize].keys() {
                same[id as usize] = true;
            }
        }
        let count_of = |id: usize| {
            let total = self.info[id].total;
            if own_id == Some(id as u32) {
                total - 1
            } else {
                total
            }
        };
        let mut hits = Vec::new();
        let mut buf = String::new();
        if m.is_empty() {
            // Everything matches alike: rank by capability and uses alone.
            for (id, info) in self.info.iter().enumerate() {
                if info.total == 0 {
                    continue;
                }
                if own_id == Some(id as u32) {
                    hits.extend(self.hit(id, &mut m, own_id, own_values, &same, &mut buf));
                    continue;
                }
                hits.push(StepHit {
                    template: id as u32,
                    score: 0.0,
                    same_capability: same[id],
                    count: info.total,
                    best: None,
                    skip: None,
                });
            }
        }
        let mut seen = vec![false; n];
        // Pass 1: one vectorised search of the haystack finds every ASCII
        // label holding what is typed as it is (in any case); those score
        // in the fuzzy matcher's contiguous tiers, above every scattered
        // match, by position alone (word starts are judged on the lowercase
        // text).
        if let Some(ql) = &q_lower {
            let mut k = 0;
            for pos in memchr::memmem::find_iter(&self.hay, ql) {
                while k + 1 < self.segs.len() && self.segs[k + 1].0 as usize <= pos {
                    k += 1;
                }
                let (start, id) = self.segs[k];
                let i = id as usize;
                let info = self.info[i];
                if seen[i] || info.seg != start || !info.fast || info.total == 0 {
                    continue;
                }
                seen[i] = true;
                let count = count_of(i);
                if count == 0 {
                    continue;
                }
                let lower = &self.hay[start as usize..(start + info.len) as usize];
                hits.push(StepHit {
                    template: id,
                    score: crate::ide::fuzzy::contiguous_score(
                        lower,
                        pos - start as usize,
                        ql.len(),
                    ),
                    same_capability: same[i],
                    count,
                    best: None,
                    skip: None,
                });
            }
        }
        // Templates the haystack does not answer for (several variants,
        // non-ASCII labels, a non-ASCII query) go through the matcher.
        if !m.is_empty() {
            for (id, info) in self.info.iter().enumerate() {
                if info.total == 0 || (q_lower.is_some() && info.fast) {
                    continue;
                }
                hits.extend(self.hit(id, &mut m, own_id, own_values, &same, &mut buf));
            }
        }
        // Pass 2, only when pass 1 found too few: scattered matches, after
        // a test of the letters present and a subsequence scan that reject
        // most labels cheaply.
        if let Some(ql) = q_lower.as_deref().filter(|_| hits.len() < limit) {
            let q_mask = mask(ql);
            for (id, info) in self.info.iter().enumerate() {
                if info.total == 0 || seen[id] || !info.fast || q_mask & !info.mask != 0 {
                    continue;
                }
                let lower = &self.hay[info.seg as usize..(info.seg + info.len) as usize];
                if !subsequence(ql, lower) {
                    continue;
                }
                hits.extend(self.hit(id, &mut m, own_id, own_values, &same, &mut buf));
            }
        }
        // The first `limit` by rank (ties by index order, cheap to compare),
        // then those in their final order (ties by text).
        let rank = |a: &StepHit, b: &StepHit| {
            b.score
                .total_cmp(&a.score)
                .then(b.same_capability.cmp(&a.same_capability))
                .then(b.count.cmp(&a.count))
        };
        let more = hits.len() > limit;
        if more {
            hits.select_nth_unstable_by(limit, |a, b| rank(a, b).then(a.template.cmp(&b.template)));
            hits.truncate(limit);
        }
        hits.sort_by(|a, b| {
            rank(a, b).then_with(|| {
                self.templates[a.template as usize]
                    .label
                    .cmp(&self.templates[b.template as usize].label)
            })
        });
        (hits, more)
    }

    /// Template `id` as a hit for the matcher's query, if it matches.
    fn hit(
        &self,
        id: usize,
        m: &mut Matcher,
        own_id: Option<u32>,
        own_values: Option<&[Box<str>]>,
        same: &[bool],
        buf: &mut String,
    ) -> Option<StepHit> {
        let t = &self.templates[id];
        let mut count = t.total;
        let mut own_variant = None;
        if own_id == Some(id as u32) {
            count -= 1;
            if count == 0 {
                return None;
            }
            own_variant = own_values;
        }
        let mut best: Option<(f64, &Box<[Box<str>]>)> = None;
        let top_is_own = own_variant == Some(&*t.top) && t.variants.get(&t.top) == Some(&1);
        if !top_is_own {
            if let Some(s) = m.score(&t.label) {
                best = Some((s, &t.top));
            }
        }
        if t.variants.len() > 1 && (!m.is_empty() || top_is_own) {
            // Another variant may match what is typed better (the user
            // typed one of its values).
            for (v, &n) in t.variants.iter().take(64) {
                if own_variant == Some(&**v) && n == 1 {
                    continue;
                }
                buf.clear();
                t.write_text(v, buf);
                if let Some(s) = m.score(buf) {
                    if best.is_none_or(|(b, _)| s > b) {
                        best = Some((s, v));
                    }
                }
            }
        }
        let (score, v) = best?;
        Some(StepHit {
            template: id as u32,
            score,
            same_capability: same[id],
            count,
            best: (v != &t.top).then(|| v.clone()),
            skip: own_variant.map(Box::from),
        })
    }

    /// The suggestion for a hit: slots whose values never vary become
    /// literal text.
    pub fn suggestion(&self, hit: &StepHit) -> StepSuggestion {
        let t = &self.templates[hit.template as usize];
        let best = hit.best.as_ref().unwrap_or(&t.top);
        let slots = t.parts.len() - 1;
        let mut values: Vec<Vec<(String, u32)>> = vec![Vec::new(); slots];
        for (v, &n) in &t.variants {
            let n = if hit.skip.as_ref() == Some(v) {
                n - 1
            } else {
                n
            };
            if n == 0 {
                continue;
            }
            for (s, val) in v.iter().enumerate() {
                match values[s].iter_mut().find(|(x, _)| x == &**val) {
                    Some((_, c)) => *c += n,
                    None => values[s].push((val.to_string(), n)),
                }
            }
        }
        let slots: Vec<Vec<String>> = values
            .into_iter()
            .enumerate()
            .map(|(s, mut vals)| {
                let first = best.get(s).map(|b| b.to_string());
                vals.sort_by(|a, b| {
                    let pa = first.as_deref() == Some(a.0.as_str());
                    let pb = first.as_deref() == Some(b.0.as_str());
                    pb.cmp(&pa).then(b.1.cmp(&a.1)).then(a.0.cmp(&b.0))
                });
                vals.into_iter().map(|(v, _)| v).collect()
            })
            .collect();
        let kind = match t.kinds.iter().enumerate().max_by_key(|(_, n)| **n) {
            Some((0, _)) => Keyword::Given,
            Some((1, _)) => Keyword::When,
            _ => Keyword::Then,
        };
        StepSuggestion {
            label: t.text(best),
            parts: t.parts.iter().map(|p| p.to_string()).collect(),
            slots,
            count: hit.count,
            kind,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::fixture::workspace;

    #[test]
    fn values_are_quoted_text_and_numbers_standing_alone() {
        let s = split("the caller says \"hi, there\" after 8 seconds on v2 `x.y` 3.5");
        assert_eq!(
            s.parts,
            ["the caller says ", " after ", " seconds on v2 ", " ", ""]
        );
        assert_eq!(s.values, ["\"hi, there\"", "8", "`x.y`", "3.5"]);
        let s = split("an unclosed \"quote and 漢字 9");
        assert_eq!(s.values, ["9"]);
        assert_eq!(split("“Dune” ok").values, ["“Dune”"]);
        assert_eq!(split("").parts, [""]);
    }

    fn index(fixture: &str) -> (Workspace, StepIndex) {
        let ws = workspace(fixture);
        let mut idx = StepIndex::default();
        idx.refresh([(0, &ws)]);
        (ws, idx)
    }

    const TWO: &str = "//- openspec/specs/a/spec.md
## Requirements
### Requirement: R
x SHALL.
#### Scenario: S
- **WHEN** the caller says \"Dune\"
- **THEN** it waits 8 seconds
#### Scenario: T
- **WHEN** the caller says \"Emma\"
- **THEN** it waits 8 seconds
- **AND** it waits 8 seconds
//- openspec/specs/b/spec.md
## Requirements
### Requirement: R
x SHALL.
#### Scenario: S
- **WHEN** the caller says \"Emma\"
- **THEN** it hangs up
";

    #[test]
    fn steps_differing_in_values_share_a_template() {
        let (_, idx) = index(TWO);
        assert_eq!(idx.len(), 3);
        let (hits, more) = idx.query("says", None, None, 10);
        assert!(!more);
        assert_eq!(hits.len(), 1);
        let s = idx.suggestion(&hits[0]);
        // "Emma" is used twice, "Dune" once.
        assert_eq!(s.label, "the caller says \"Emma\"");
        assert_eq!(s.parts, ["the caller says ", ""]);
        assert_eq!(s.slots, [vec!["\"Emma\"", "\"Dune\""]]);
        assert_eq!(s.count, 3);
        assert_eq!(s.kind, Keyword::When);
        // Typing a value puts it first.
        let (hits, _) = idx.query("says dune", None, None, 10);
        assert_eq!(
            idx.suggestion(&hits[0]).slots,
            [vec!["\"Dune\"", "\"Emma\""]]
        );
    }

    #[test]
    fn ranking_is_fuzzy_then_capability_then_frequency() {
        let (_, idx) = index(TWO);
        let labels = |cap: Option<&str>| -> Vec<String> {
            idx.query("", cap, None, 10)
                .0
                .iter()
                .map(|h| idx.suggestion(h).label)
                .collect()
        };
        // Frequencies: says 3, waits 3, hangs up 1; equal counts by label.
        assert_eq!(
            labels(None),
            [
                "it waits 8 seconds",
                "the caller says \"Emma\"",
                "it hangs up"
            ]
        );
        // Capability b uses "says" and "hangs up", not "waits".
        assert_eq!(
            labels(Some("b")),
            [
                "the caller says \"Emma\"",
                "it hangs up",
                "it waits 8 seconds"
            ]
        );
        let (hits, _) = idx.query("hang", None, None, 10);
        assert_eq!(idx.suggestion(&hits[0]).label, "it hangs up");
        assert_eq!(hits.len(), 1);
        let (hits, more) = idx.query("", None, None, 2);
        assert_eq!((hits.len(), more), (2, true));
        // Scattered letters are found too, after what holds them as typed.
        let labels = |q: &str, limit: usize| -> Vec<String> {
            idx.query(q, None, None, limit)
                .0
                .iter()
                .map(|h| idx.suggestion(h).label)
                .collect()
        };
        assert_eq!(labels("hgup", 10), ["it hangs up"]);
        // Both start with "it" (the query is trimmed): the shorter first.
        assert_eq!(labels("it ", 10), ["it hangs up", "it waits 8 seconds"]);
        assert_eq!(labels("it ", 1), ["it hangs up"]);
        let mut scattered = labels("its", 10);
        scattered.sort();
        assert_eq!(scattered, ["it hangs up", "it waits 8 seconds"]);
    }

    #[test]
    fn the_step_being_typed_does_not_suggest_itself() {
        let (_, idx) = index(TWO);
        let (hits, _) = idx.query("", None, Some("it hangs up"), 10);
        assert!(hits
            .iter()
            .all(|h| idx.suggestion(h).label != "it hangs up"));
        let (hits, _) = idx.query("says", None, Some("the caller says \"Dune\""), 10);
        assert_eq!(hits[0].count, 2);
    }

    #[test]
    fn spec_kit_acceptance_steps_rank_in_their_feature() {
        let (_, idx) = index(
            "//- .specify/memory/constitution.md
# Constitution
//- specs/001-calls/spec.md
## User Scenarios & Testing

### User Story 1 - Answer (Priority: P1)

1. **Given** a caller waits, **When** the agent answers, **Then** the caller hears \"hello\"
//- openspec/specs/b/spec.md
## Requirements
### Requirement: R
x SHALL.
#### Scenario: S
- **WHEN** the agent answers late
- **THEN** the caller hears \"bye\"
",
        );
        // One template for both "the caller hears" steps.
        assert_eq!(idx.len(), 4);
        let (hits, _) = idx.query("", Some("specs/001-calls"), None, 10);
        let ranked: Vec<(String, bool)> = hits
            .iter()
            .map(|h| (idx.suggestion(h).label, h.same_capability))
            .collect();
        // The feature's own steps first; the OpenSpec step last.
        assert_eq!(
            ranked.last(),
            Some(&("the agent answers late".to_string(), false))
        );
        assert_eq!(ranked.iter().filter(|(_, same)| *same).count(), 3);
        let kinds: Vec<Keyword> = hits.iter().map(|h| idx.suggestion(h).kind).collect();
        assert!(kinds.contains(&Keyword::Given), "{ranked:?}");
    }

    #[test]
    fn updates_follow_edits_and_removals() {
        let (mut ws, mut idx) = index(TWO);
        ws.set_text(
            "openspec/specs/b/spec.md",
            "## Requirements\n### Requirement: R\nx SHALL.\n#### Scenario: S\n- **WHEN** a new step\n".into(),
        );
        idx.refresh([(0, &ws)]);
        let labels: Vec<String> = idx
            .query("", None, None, 10)
            .0
            .iter()
            .map(|h| idx.suggestion(h).label)
            .collect();
        // "says" is down to Dune and Emma once each: the label takes the
        // first by value.
        assert_eq!(
            labels,
            [
                "it waits 8 seconds",
                "the caller says \"Dune\"",
                "a new step"
            ]
        );
        ws.remove("openspec/specs/a/spec.md");
        idx.refresh([(0, &ws)]);
        assert_eq!(idx.len(), 1);
        idx.refresh([]);
        assert!(idx.is_empty());
    }

    /// An index kept up to date through many edits answers exactly as one
    /// built from scratch, also once its haystack has been compacted.
    #[test]
    fn incremental_updates_answer_like_a_fresh_index() {
        fn spec(seed: usize, n: usize) -> String {
            let mut t = String::from("## Requirements\n### Requirement: R\nIt SHALL.\n");
            for i in 0..n {
                let w = (seed * 31 + i * 7) % 97;
                t.push_str(&format!(
                    "#### Scenario: S{i}\n- **WHEN** the clerk number {w} files \"form {}\" today\n- **THEN** ledger entry kalo{w}ne is booked as k{i}x{seed}z in the period ledger\n",
                    (seed + i) % 3
                ));
            }
            t
        }
        let files = |seed: usize| -> String {
            (0..6)
                .map(|f| format!("//- openspec/specs/c{f}/spec.md\n{}", spec(seed + f, 400)))
                .collect()
        };
        let mut ws = workspace(&files(0));
        let mut idx = StepIndex::default();
        idx.refresh([(0, &ws)]);
        for round in 1..30 {
            let f = round % 6;
            ws.set_text(
                &format!("openspec/specs/c{f}/spec.md"),
                spec(round * 5 + f, 300 + round * 7),
            );
            idx.refresh([(0, &ws)]);
            let mut fresh = StepIndex::default();
            fresh.refresh([(0, &ws)]);
            for q in [
                "",
                "kalo",
                "ledger entry kalo1",
                "clerk 4",
                "form 2",
                "kl1n",
                "zzz",
            ] {
                let answer = |x: &StepIndex| -> Vec<(String, u32, Vec<Vec<String>>)> {
                    x.query(q, Some("c1"), None, 10_000)
                        .0
                        .iter()
                        .map(|h| {
                            let s = x.suggestion(h);
                            (s.label, s.count, s.slots)
                        })
                        .collect()
                };
                assert_eq!(answer(&idx), answer(&fresh), "round {round}, query {q:?}");
            }
        }
        let mut fresh = StepIndex::default();
        fresh.refresh([(0, &ws)]);
        assert!(fresh.hay.len() > 1 << 16);
        assert!(
            idx.hay.len() <= 2 * fresh.hay.len() + (1 << 16),
            "the haystack is compacted: {} bytes for {}",
            idx.hay.len(),
            fresh.hay.len()
        );
    }
}
