//! A query over an index's files, by the algorithm the browser's script follows:
//! the query's words, the shards they need, terms matched exactly, by prefix or
//! (with a stemmer) as a stem of the word, pages that match every word, ranked.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Bound;

use rustc_hash::FxHashMap;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::index::{Fragment, FragmentPart, hex};
use super::words::{
    MAX_WORD_CHARS, Stemmer, cut, dictionary_form, nfkc, normalise, quality, words,
};

/// The most chars of a query that are read.
const QUERY_CHARS: usize = 256;
/// The most words of a query that are used.
const MAX_WORDS: usize = 8;
/// The most terms one word matches.
const MAX_TERMS: usize = 64;
/// Shards whose key extends a word are fetched when together at most this large.
const EXTENSION_BYTES: u64 = 60_000;
/// About how long a snippet is, in chars, and how much of it comes before the match.
const SNIPPET_CHARS: usize = 160;
const SNIPPET_BEFORE: usize = 50;

/// One result.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Hit {
    /// The document's id in the index.
    pub id: u32,
    /// The document's address relative to the site root (without the anchor).
    pub url: String,
    pub title: String,
    pub section: String,
    /// The document's language when it is not the index's.
    pub lang: Option<String>,
    /// The heading id of the part the snippet comes from (empty: the page's top);
    /// the result's address is `url#anchor` when it is not empty.
    pub anchor: String,
    /// About 160 chars of the part's text around the first match, matches in `[` `]`.
    pub snippet: String,
    pub score: f64,
}

impl Hit {
    /// Where the result leads: `url#anchor`, or `url` when there is no anchor or
    /// the url already has one (an FAQ entry).
    pub fn address(&self) -> String {
        if self.anchor.is_empty() || self.url.contains('#') {
            self.url.clone()
        } else {
            format!("{}#{}", self.url, self.anchor)
        }
    }
}

/// What a query found, and what it fetched to find it.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Found {
    /// The best results, best first (at most the limit asked for).
    pub hits: Vec<Hit>,
    /// How many documents matched.
    pub total: usize,
    /// Every file fetched, in order: its path and its size in bytes.
    pub fetched: Vec<(String, usize)>,
}

/// An index that cannot be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum QueryError {
    /// A file the index lists (or its manifest) is not there.
    Missing(String),
    /// A file is not what the index writes.
    Invalid { path: String, error: String },
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueryError::Missing(path) => write!(f, "the search index has no `{path}`"),
            QueryError::Invalid { path, error } => {
                write!(f, "the search index's `{path}` cannot be read: {error}")
            }
        }
    }
}

impl std::error::Error for QueryError {}

#[derive(Deserialize)]
struct Manifest {
    pages: u32,
    own: u32,
    stem: String,
    #[serde(default)]
    shards: Vec<(String, u64)>,
    /// The portal form: every term, and every fragment.
    #[serde(default)]
    t: Option<BTreeMap<String, Vec<u32>>>,
    #[serde(default)]
    c: BTreeMap<String, u32>,
    #[serde(default)]
    f: Option<Vec<Fragment>>,
}

#[derive(Deserialize)]
struct Shard {
    #[serde(default)]
    t: BTreeMap<String, Vec<u32>>,
    #[serde(default)]
    c: BTreeMap<String, u32>,
}

/// The words of one whitespace-separated run of a query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Run {
    pub words: Vec<String>,
    /// The words joined, when there are several (text written without spaces).
    pub joined: Option<String>,
}

/// A query's runs: NFKC, lower case, 256 chars, split on whitespace and into
/// words (segmented in the dictionaries' form, then each word normalised again:
/// NFKC, lower case, 64 chars); at most 8 words in all.
pub(crate) fn parse_query(q: &str) -> Vec<Run> {
    let q = nfkc(q).to_lowercase();
    let q = cut(&q, QUERY_CHARS);
    let mut runs = Vec::new();
    let mut used = 0;
    for run in q.split_whitespace() {
        if used == MAX_WORDS {
            break;
        }
        let run = dictionary_form(run);
        let words: Vec<String> = words(&run)
            .map(|(_, w)| normalise(w))
            .take(MAX_WORDS - used)
            .collect();
        if words.is_empty() {
            continue;
        }
        used += words.len();
        let joined = (words.len() > 1).then(|| cut(&words.concat(), MAX_WORD_CHARS).to_string());
        runs.push(Run { words, joined });
    }
    runs
}

/// Pages with a score; `filter: false` for a word whose terms are all capped,
/// which adds score but lets every page through.
struct Set {
    filter: bool,
    scores: FxHashMap<u32, f64>,
}

/// Pages in every filtering set, scored by the sum of all.
fn and(sets: Vec<Set>) -> Set {
    let filtering: Vec<&Set> = sets.iter().filter(|s| s.filter).collect();
    let Some(smallest) = filtering.iter().min_by_key(|s| s.scores.len()) else {
        let mut scores: FxHashMap<u32, f64> = FxHashMap::default();
        for s in &sets {
            for (id, score) in &s.scores {
                *scores.entry(*id).or_default() += score;
            }
        }
        return Set {
            filter: false,
            scores,
        };
    };
    let scores = smallest
        .scores
        .keys()
        .filter(|id| filtering.iter().all(|s| s.scores.contains_key(id)))
        .map(|id| (*id, sets.iter().filter_map(|s| s.scores.get(id)).sum()))
        .collect();
    Set {
        filter: true,
        scores,
    }
}

/// Pages in either set, with the better score.
fn or(a: Set, b: Set) -> Set {
    let mut scores = a.scores;
    for (id, score) in b.scores {
        let s = scores.entry(id).or_insert(score);
        *s = s.max(score);
    }
    Set {
        filter: a.filter && b.filter,
        scores,
    }
}

/// Fetches files and keeps a list of them.
struct Fetcher<'a> {
    fetch: &'a dyn Fn(&str) -> Option<Vec<u8>>,
    fetched: Vec<(String, usize)>,
}

impl Fetcher<'_> {
    fn get<T: DeserializeOwned>(&mut self, path: &str) -> Result<T, QueryError> {
        let bytes = (self.fetch)(path).ok_or_else(|| QueryError::Missing(path.to_string()))?;
        self.fetched.push((path.to_string(), bytes.len()));
        serde_json::from_slice(&bytes).map_err(|e| QueryError::Invalid {
            path: path.to_string(),
            error: e.to_string(),
        })
    }
}

/// The index being read: its manifest and the shards fetched so far.
struct Reader<'a> {
    fetcher: Fetcher<'a>,
    manifest: Manifest,
    /// The portal form's terms, as one shard.
    single: Option<Shard>,
    shards: FxHashMap<String, Shard>,
}

impl Reader<'_> {
    /// The keys of the shards `word` needs: those that are a prefix of it, and those
    /// that extend it when they are not too large together.
    fn keys(&self, word: &str) -> Vec<String> {
        let listed = &self.manifest.shards;
        let mut keys: Vec<String> = word
            .char_indices()
            .map(|(at, c)| &word[..at + c.len_utf8()])
            .filter(|p| listed.binary_search_by(|(k, _)| k.as_str().cmp(p)).is_ok())
            .map(str::to_string)
            .collect();
        let from = listed.partition_point(|(k, _)| k.as_str() <= word);
        let longer = &listed[from..];
        let longer = &longer[..longer.partition_point(|(k, _)| k.starts_with(word))];
        if longer.iter().map(|(_, size)| size).sum::<u64>() <= EXTENSION_BYTES {
            keys.extend(longer.iter().map(|(k, _)| k.clone()));
        }
        keys
    }

    /// The pages `word` matches, or `None` when no term matches it.
    fn word(&mut self, word: &str) -> Result<Option<Set>, QueryError> {
        let keys = match self.single {
            Some(_) => Vec::new(),
            None => self.keys(word),
        };
        for key in &keys {
            if !self.shards.contains_key(key) {
                let shard = self.fetcher.get(&format!("s/{}.json", hex(key)))?;
                self.shards.insert(key.clone(), shard);
            }
        }
        let sources: Vec<&Shard> = match &self.single {
            Some(single) => vec![single],
            None => keys.iter().filter_map(|k| self.shards.get(k)).collect(),
        };
        let stem = self.manifest.stem != "none";
        Ok(word_set(word, stem, self.manifest.pages, &sources))
    }

    /// The pages a run matches (every word, or the words joined), or `None`.
    fn run(&mut self, run: &Run) -> Result<Option<Set>, QueryError> {
        let mut sets = Vec::with_capacity(run.words.len());
        for w in &run.words {
            match self.word(w)? {
                Some(set) => sets.push(set),
                None => {
                    sets.clear();
                    break;
                }
            }
        }
        let each = (!sets.is_empty()).then(|| and(sets));
        let joined = match &run.joined {
            Some(j) => self.word(j)?,
            None => None,
        };
        Ok(match (each, joined) {
            (Some(a), Some(b)) => Some(or(a, b)),
            (a, b) => a.or(b),
        })
    }

    fn fragment(&mut self, id: u32) -> Result<Fragment, QueryError> {
        if let Some(f) = self.manifest.f.as_ref().and_then(|f| f.get(id as usize)) {
            return Ok(f.clone());
        }
        self.fetcher.get(&format!("f/{id}.json"))
    }
}

/// A term found for a word: its quality, document frequency, postings, and
/// whether they were capped.
struct Candidate<'a> {
    quality: f64,
    df: u32,
    term: &'a str,
    postings: &'a [u32],
    capped: bool,
}

/// The pages `word` matches in `sources`: its best 64 terms, each page scored by
/// its best term.
fn word_set(word: &str, stem: bool, pages: u32, sources: &[&Shard]) -> Option<Set> {
    let mut found: Vec<Candidate> = Vec::new();
    for &shard in sources {
        let mut add = |term: &'_ str, quality: f64| {
            let Some((term, postings)) = shard.t.get_key_value(term) else {
                return;
            };
            let capped = shard.c.get(term).copied();
            found.push(Candidate {
                quality,
                df: capped.unwrap_or((postings.len() / 2) as u32).max(1),
                term,
                postings,
                capped: capped.is_some(),
            });
        };
        let from = (Bound::Included(word), Bound::Unbounded);
        let longer: Vec<&str> = shard
            .t
            .range::<str, _>(from)
            .map(|(t, _)| t.as_str())
            .take_while(|t| t.starts_with(word))
            .collect();
        // Terms that are the word or extend it, then (with a stemmer) its stems.
        let stems = word.char_indices().skip(3).map(|(at, _)| &word[..at]);
        for t in longer.into_iter().chain(stems.filter(|_| stem)) {
            if let Some(q) = quality(t, word, stem) {
                add(t, q);
            }
        }
    }
    if found.is_empty() {
        return None;
    }
    found.sort_by(|a, b| {
        b.quality
            .total_cmp(&a.quality)
            .then(b.df.cmp(&a.df))
            .then(a.term.cmp(b.term))
    });
    found.truncate(MAX_TERMS);
    let mut set = Set {
        filter: false,
        scores: FxHashMap::default(),
    };
    for c in &found {
        let idf = (1.0 + f64::from(pages) / f64::from(c.df)).ln();
        let mut id = 0u32;
        for (i, pair) in c.postings.chunks_exact(2).enumerate() {
            id = if i == 0 {
                pair[0]
            } else {
                id.saturating_add(pair[0])
            };
            let score = f64::from(pair[1]) * c.quality * idf;
            let s = set.scores.entry(id).or_insert(score);
            *s = s.max(score);
        }
        set.filter |= !c.capped;
    }
    Some(set)
}

/// Runs the query `q` over the index whose files `fetch` gives (paths relative to
/// its folder: `index.json`, `s/<hex>.json`, `f/<id>.json`; an `index.json` that
/// holds `"t"` is the portal form, and nothing else is fetched). At most `limit`
/// hits are returned, each with its fragment's title and a snippet.
pub(crate) fn search(
    fetch: &dyn Fn(&str) -> Option<Vec<u8>>,
    q: &str,
    limit: usize,
) -> Result<Found, QueryError> {
    let runs = parse_query(q);
    let mut fetcher = Fetcher {
        fetch,
        fetched: Vec::new(),
    };
    if runs.is_empty() {
        return Ok(Found::default());
    }
    let mut manifest: Manifest = fetcher.get("index.json")?;
    manifest.shards.sort();
    let single = manifest.t.take().map(|t| Shard {
        t,
        c: std::mem::take(&mut manifest.c),
    });
    let mut reader = Reader {
        fetcher,
        manifest,
        single,
        shards: FxHashMap::default(),
    };
    let mut sets = Vec::with_capacity(runs.len());
    for run in &runs {
        match reader.run(run)? {
            Some(set) => sets.push(set),
            None => {
                return Ok(Found {
                    fetched: reader.fetcher.fetched,
                    ..Found::default()
                });
            }
        }
    }
    let own = reader.manifest.own;
    let mut ranked: Vec<(u32, f64)> = and(sets).scores.into_iter().collect();
    ranked.sort_by(|a, b| {
        (a.0 >= own)
            .cmp(&(b.0 >= own))
            .then(b.1.total_cmp(&a.1))
            .then(a.0.cmp(&b.0))
    });
    let total = ranked.len();
    let query_words: Vec<String> = runs
        .iter()
        .flat_map(|r| r.words.iter().chain(&r.joined).cloned())
        .collect();
    let marker = Marker {
        query: &query_words,
        stemmer: Stemmer::for_name(&reader.manifest.stem),
    };
    let mut hits = Vec::with_capacity(limit.min(total));
    for &(id, score) in ranked.iter().take(limit) {
        let fragment = reader.fragment(id)?;
        let (anchor, snippet) = marker.snippet(&fragment);
        hits.push(Hit {
            id,
            url: fragment.u,
            title: fragment.t,
            section: fragment.s,
            lang: fragment.l,
            anchor,
            snippet,
            score,
        });
    }
    Ok(Found {
        hits,
        total,
        fetched: reader.fetcher.fetched,
    })
}

/// Whether a word of a page (normalised) matches a query word for its snippet:
/// equal, or one starts with the other and the shorter has at least 3 chars.
fn matches(page_word: &str, query_word: &str) -> bool {
    let (short, long) = if page_word.len() <= query_word.len() {
        (page_word, query_word)
    } else {
        (query_word, page_word)
    };
    page_word == query_word || (long.starts_with(short) && short.chars().count() >= 3)
}

/// Finds and marks a query's words in a result's text.
struct Marker<'a> {
    query: &'a [String],
    /// The index's stemmer: a word whose stem matches a query word is marked too.
    stemmer: Option<Stemmer>,
}

impl Marker<'_> {
    fn is_match(&self, page_word: &str) -> bool {
        let w = normalise(page_word);
        self.query.iter().any(|q| matches(&w, q))
            || self.stemmer.as_ref().is_some_and(|s| {
                let term = s.stem(&w);
                self.query.iter().any(|q| quality(&term, q, true).is_some())
            })
    }

    /// How many of the query's words `text` holds.
    fn count(&self, text: &str) -> usize {
        let page: Vec<String> = words(text).map(|(_, w)| normalise(w)).collect();
        let stems: Vec<String> = match &self.stemmer {
            Some(s) => page.iter().map(|w| s.stem(w).into_owned()).collect(),
            None => Vec::new(),
        };
        self.query
            .iter()
            .filter(|q| {
                page.iter().any(|w| matches(w, q))
                    || stems.iter().any(|t| quality(t, q, true).is_some())
            })
            .count()
    }

    /// The anchor and the marked snippet of the part of `fragment` that holds
    /// the most of the query's words, a word in its heading counting twice (the
    /// section is about it); the first such part, else the first part.
    fn snippet(&self, fragment: &Fragment) -> (String, String) {
        let mut best: Option<(usize, &FragmentPart)> = None;
        for part in &fragment.p {
            let score = 2 * self.count(&part.heading) + self.count(&part.text);
            if score > 0 && best.is_none_or(|(b, _)| score > b) {
                best = Some((score, part));
            }
        }
        let Some(part) = best.map(|(_, p)| p).or(fragment.p.first()) else {
            return (String::new(), String::new());
        };
        let source = if part.text.is_empty() {
            &part.heading
        } else {
            &part.text
        };
        (part.anchor.clone(), self.mark(source))
    }

    /// About [`SNIPPET_CHARS`] of `text` from shortly before its first match, cut
    /// at words, with `…` where text was left out and matches in `[` `]`.
    fn mark(&self, text: &str) -> String {
        let found: Vec<(usize, usize, bool)> = words(text)
            .map(|(at, w)| (at, at + w.len(), self.is_match(w)))
            .collect();
        let (start, end) = window(text, &found);
        let mut out = String::with_capacity(end - start + 16);
        if start > 0 {
            out.push('…');
        }
        let mut at = start;
        for &(from, to, matched) in &found {
            if !matched || to <= start || from >= end {
                continue;
            }
            let (from, to) = (from.max(start), to.min(end));
            out.push_str(&text[at..from]);
            out.push('[');
            out.push_str(&text[from..to]);
            out.push(']');
            at = to;
        }
        out.push_str(&text[at..end]);
        if end < text.len() {
            out.push('…');
        }
        out
    }
}

/// The byte range of `text` a snippet shows: from a word shortly before the first
/// match (`found`: the words with whether they match) to a word end about
/// [`SNIPPET_CHARS`] later.
fn window(text: &str, found: &[(usize, usize, bool)]) -> (usize, usize) {
    let chars = |from: usize, to: usize| text[from..to].chars().count();
    let first = found.iter().position(|w| w.2).unwrap_or(0);
    let mut s = first;
    while s > 0 && chars(found[s - 1].0, found[first].0) <= SNIPPET_BEFORE {
        s -= 1;
    }
    let start = if s == 0 { 0 } else { found[s].0 };
    let mut e = s;
    while e + 1 < found.len() && chars(start, found[e + 1].1) <= SNIPPET_CHARS {
        e += 1;
    }
    let mut end = if e + 1 >= found.len() && chars(start, text.len()) <= SNIPPET_CHARS {
        text.len()
    } else {
        found.get(e).map_or(text.len(), |w| w.1)
    };
    if chars(start, end) > SNIPPET_CHARS {
        end = start + cut(&text[start..], SNIPPET_CHARS).len();
    }
    (start, end)
}
