//! The documents of one language's search and their index: terms with their
//! weighted postings, written as a manifest, shards of terms and one fragment per
//! document (the public form), or as one file (a portal's).

use std::collections::BTreeMap;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::words::{Stemmer, cut, dictionary_form, lower_into, nfkc, quality, words};
use crate::lang::Lang;
use crate::output::OutputFile;

/// A shard larger than this (serialized) is split by one more char of its key.
pub(crate) const SHARD_LIMIT: usize = 24 * 1024;
/// The most postings a term keeps (its heaviest); the rest are counted in `"c"`.
pub(crate) const POSTING_CAP: usize = 1000;
/// The highest weight of a term in a document.
const WEIGHT_CAP: u32 = 1000;
/// About how much text a fragment keeps, in chars (the index holds it all).
const FRAGMENT_CHARS: usize = 6000;
/// Below this many documents, tokenising runs on the caller's thread.
const PARALLEL_FROM: usize = 32;
/// The most documents one parallel task takes at a time.
const CHUNK: usize = 16;
/// Weights of an occurrence by where it is.
const TITLE: u32 = 10;
const HEADING: u32 = 5;
const KEYWORDS: u32 = 3;
const BODY: u32 = 1;

/// One searchable page (or FAQ entry), public only: the caller never passes a
/// portal's or a customer's text.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Doc {
    /// Its address relative to the site root (`lo/kb/setup/`, `faq/#entry`).
    pub url: String,
    pub title: String,
    /// The title of its section (empty when none).
    pub section: String,
    /// The language its text is written in.
    pub lang: Lang,
    /// Summary and tags: weighted between headings and body text.
    pub keywords: String,
    /// Its text in page order, split at headings.
    pub parts: Vec<Part>,
}

/// A stretch of a document under one heading (the first: anchor and heading empty).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Part {
    pub anchor: String,
    pub heading: String,
    pub text: String,
}

/// What a result shows of a document: `f/<id>.json`, or one of the portal form's `"f"`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Fragment {
    pub u: String,
    pub t: String,
    #[serde(default)]
    pub s: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub l: Option<String>,
    #[serde(default)]
    pub p: Vec<(String, String, String)>,
}

/// A document's terms (sorted) with their weights.
type Terms = Vec<(Box<str>, u32)>;

/// One language's index.
pub(crate) struct Index {
    lang: Lang,
    stemmer: Option<Stemmer>,
    /// By id: the language's own documents first, then by url.
    docs: Vec<Doc>,
    own: usize,
    /// By id: the document's terms, so that [`Index::replace`] can take them back.
    terms: Vec<Terms>,
    /// Term → (id, weight), ids ascending, not capped.
    postings: BTreeMap<Box<str>, Vec<(u32, u32)>>,
    /// Url → id; `u32::MAX` for a url that more than one document has.
    by_url: FxHashMap<String, u32>,
}

impl Index {
    /// The index of `docs`, shown in `lang`. The bytes it writes do not depend on
    /// the order of `docs`.
    pub fn new(lang: &Lang, mut docs: Vec<Doc>) -> Index {
        docs.sort_by(|a, b| {
            (a.lang != *lang)
                .cmp(&(b.lang != *lang))
                .then_with(|| a.cmp(b))
        });
        let own = docs.iter().take_while(|d| d.lang == *lang).count();
        let stemmer = Stemmer::for_lang(lang);
        let terms: Vec<Terms> = if docs.len() < PARALLEL_FROM {
            let mut tokeniser = Tokeniser::new(stemmer.as_ref());
            docs.iter().map(|d| tokeniser.doc_terms(d)).collect()
        } else {
            docs.par_iter()
                .with_max_len(CHUNK)
                .map_init(
                    || Tokeniser::new(stemmer.as_ref()),
                    |tokeniser, d| tokeniser.doc_terms(d),
                )
                .collect()
        };
        let mut postings: BTreeMap<Box<str>, Vec<(u32, u32)>> = BTreeMap::new();
        for (id, list) in terms.iter().enumerate() {
            for (term, weight) in list {
                let posting = (id as u32, *weight);
                match postings.get_mut(term) {
                    Some(p) => p.push(posting),
                    None => {
                        postings.insert(term.clone(), vec![posting]);
                    }
                }
            }
        }
        let mut by_url = FxHashMap::default();
        for (id, d) in docs.iter().enumerate() {
            by_url
                .entry(d.url.clone())
                .and_modify(|i| *i = u32::MAX)
                .or_insert(id as u32);
        }
        Index {
            lang: lang.clone(),
            stemmer,
            docs,
            own,
            terms,
            postings,
            by_url,
        }
    }

    /// The number of documents.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// Puts `doc` in place of the document with its url, keeping every id. False
    /// (and nothing changed) when no document or more than one has the url, or when
    /// it moves between the language's own documents and the others: the caller
    /// then makes a new index.
    pub fn replace(&mut self, doc: Doc) -> bool {
        let Some(&id) = self.by_url.get(&doc.url) else {
            return false;
        };
        let Some(old) = self.docs.get(id as usize) else {
            return false;
        };
        if (old.lang == self.lang) != (doc.lang == self.lang) {
            return false;
        }
        let new_terms = Tokeniser::new(self.stemmer.as_ref()).doc_terms(&doc);
        for (term, _) in &self.terms[id as usize] {
            if let Some(list) = self.postings.get_mut(term) {
                if let Ok(at) = list.binary_search_by_key(&id, |p| p.0) {
                    list.remove(at);
                }
                if list.is_empty() {
                    self.postings.remove(term);
                }
            }
        }
        for (term, weight) in &new_terms {
            let list = self.postings.entry(term.clone()).or_default();
            match list.binary_search_by_key(&id, |p| p.0) {
                Ok(at) => list[at].1 = *weight,
                Err(at) => list.insert(at, (id, *weight)),
            }
        }
        self.terms[id as usize] = new_terms;
        self.docs[id as usize] = doc;
        true
    }

    /// The public form under `dir` (`search/lo/`): `index.json`, the shards
    /// `s/<hex of key>.json` and the fragments `f/<id>.json`, sorted by path.
    pub fn files(&self, dir: &str) -> Vec<OutputFile> {
        let entries = self.entries();
        let mut shards = Vec::new();
        place_all(&entries, &mut shards);
        shards.sort_by(|a, b| a.0.cmp(b.0));
        let mut files = Vec::with_capacity(shards.len() + self.docs.len() + 1);
        let mut listed = Vec::with_capacity(shards.len());
        for (key, slice) in shards {
            let bytes = shard_json(slice).into_bytes();
            listed.push((key.to_string(), bytes.len()));
            files.push(OutputFile {
                path: format!("{dir}s/{}.json", hex(key)),
                bytes,
            });
        }
        let mut manifest = self.header();
        manifest.push_str(",\"shards\":[");
        for (i, (key, size)) in listed.iter().enumerate() {
            if i > 0 {
                manifest.push(',');
            }
            manifest.push('[');
            json_str(&mut manifest, key);
            manifest.push(',');
            push_num(&mut manifest, *size as u64);
            manifest.push(']');
        }
        manifest.push_str("]}");
        files.push(OutputFile {
            path: format!("{dir}index.json"),
            bytes: manifest.into_bytes(),
        });
        for id in 0..self.docs.len() {
            files.push(OutputFile {
                path: format!("{dir}f/{id}.json"),
                bytes: self.fragment_json(id),
            });
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }

    /// The portal form: the manifest's fields with every term (`"t"`, `"c"`) and
    /// every fragment (`"f"`) in one JSON document.
    pub fn single_file(&self) -> Vec<u8> {
        let entries = self.entries();
        let mut out = self.header();
        out.push(',');
        let shard = shard_json(&entries);
        // The shard's members without its braces.
        out.push_str(&shard[1..shard.len() - 1]);
        let mut bytes = out.into_bytes();
        bytes.extend_from_slice(b",\"f\":[");
        for id in 0..self.docs.len() {
            if id > 0 {
                bytes.push(b',');
            }
            bytes.extend_from_slice(&self.fragment_json(id));
        }
        bytes.extend_from_slice(b"]}");
        bytes
    }

    /// `{"v":1,"lang":…,"stem":…,"pages":N,"own":K` (no closing brace).
    fn header(&self) -> String {
        let mut out = String::from("{\"v\":1,\"lang\":");
        json_str(&mut out, self.lang.as_str());
        out.push_str(",\"stem\":");
        json_str(&mut out, self.stemmer.as_ref().map_or("none", |s| s.name()));
        out.push_str(",\"pages\":");
        push_num(&mut out, self.docs.len() as u64);
        out.push_str(",\"own\":");
        push_num(&mut out, self.own as u64);
        out
    }

    /// Every term as it is written into a shard, in term order.
    fn entries(&self) -> Vec<Entry<'_>> {
        self.postings
            .iter()
            .map(|(term, list)| entry(term, list))
            .collect()
    }

    fn fragment(&self, id: usize) -> Fragment {
        let doc = &self.docs[id];
        let mut budget = FRAGMENT_CHARS;
        let mut p = Vec::with_capacity(doc.parts.len());
        for part in &doc.parts {
            if part.heading.is_empty() && part.text.is_empty() {
                continue;
            }
            let text = cut(&part.text, budget);
            let whole = text.len() == part.text.len();
            let text = if whole {
                text
            } else {
                // Cut at a space when there is one in the second half.
                match text.rfind(char::is_whitespace) {
                    Some(at) if at > text.len() / 2 => &text[..at],
                    _ => text,
                }
            };
            p.push((part.anchor.clone(), part.heading.clone(), text.to_string()));
            budget -= text.chars().count().min(budget);
            if !whole || budget == 0 {
                break;
            }
        }
        Fragment {
            u: doc.url.clone(),
            t: doc.title.clone(),
            s: doc.section.clone(),
            l: (doc.lang != self.lang).then(|| doc.lang.as_str().to_string()),
            p,
        }
    }

    fn fragment_json(&self, id: usize) -> Vec<u8> {
        serde_json::to_vec(&self.fragment(id)).expect("a fragment is plain strings")
    }
}

/// Turns documents into terms; one per thread, with the stems it has seen.
struct Tokeniser<'a> {
    stemmer: Option<&'a Stemmer>,
    lower: String,
    stems: FxHashMap<String, Box<str>>,
}

/// How many stems a tokeniser remembers before it starts again.
const STEM_CACHE: usize = 50_000;

impl<'a> Tokeniser<'a> {
    fn new(stemmer: Option<&'a Stemmer>) -> Self {
        Tokeniser {
            stemmer,
            lower: String::new(),
            stems: FxHashMap::default(),
        }
    }

    fn doc_terms(&mut self, doc: &Doc) -> Terms {
        let mut weights: FxHashMap<Box<str>, u32> = FxHashMap::default();
        self.add(&doc.title, TITLE, &mut weights);
        self.add(&doc.keywords, KEYWORDS, &mut weights);
        for part in &doc.parts {
            self.add(&part.heading, HEADING, &mut weights);
            self.add(&part.text, BODY, &mut weights);
        }
        let mut terms: Terms = weights
            .into_iter()
            .map(|(t, w)| (t, w.min(WEIGHT_CAP)))
            .collect();
        terms.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        terms
    }

    /// Adds the terms of `text` to `weights`: each word's stem, and the word
    /// itself too when a query for it would not find its stem (`every` → `everi`,
    /// `settings` → `set`), so that every word is found by itself.
    fn add(&mut self, text: &str, weight: u32, weights: &mut FxHashMap<Box<str>, u32>) {
        let text = dictionary_form(text);
        let Tokeniser {
            stemmer,
            lower,
            stems,
        } = self;
        for (_, word) in words(&text) {
            lower_into(&nfkc(word), lower);
            let Some(stemmer) = stemmer else {
                add_term(lower, weight, weights);
                continue;
            };
            if !stems.contains_key(lower.as_str()) {
                if stems.len() >= STEM_CACHE {
                    stems.clear();
                }
                let stem = stemmer.stem(lower).into_owned();
                stems.insert(lower.clone(), stem.into());
            }
            let stem = &stems[lower.as_str()];
            add_term(stem, weight, weights);
            if quality(stem, lower, true).is_none() {
                add_term(lower, weight, weights);
            }
        }
    }
}

/// Adds `weight` to the weight of `term`.
fn add_term(term: &str, weight: u32, weights: &mut FxHashMap<Box<str>, u32>) {
    if term.is_empty() {
        return;
    }
    match weights.get_mut(term) {
        Some(w) => *w = w.saturating_add(weight),
        None => {
            weights.insert(term.into(), weight);
        }
    }
}

/// A term as a shard writes it.
struct Entry<'a> {
    term: &'a str,
    /// `"term":[id0,w0,d1,w1,…]`
    json: String,
    /// `"term":df` when its postings were capped.
    capped: Option<String>,
}

fn entry<'a>(term: &'a str, list: &[(u32, u32)]) -> Entry<'a> {
    let mut kept: Vec<(u32, u32)>;
    let (list, capped) = if list.len() > POSTING_CAP {
        kept = list.to_vec();
        // The heaviest, ties to the lower id; then back in id order.
        kept.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        kept.truncate(POSTING_CAP);
        kept.sort_unstable_by_key(|p| p.0);
        let mut c = String::with_capacity(term.len() + 8);
        json_str(&mut c, term);
        c.push(':');
        push_num(&mut c, list.len() as u64);
        (&kept[..], Some(c))
    } else {
        (list, None)
    };
    let mut json = String::with_capacity(term.len() + 4 + list.len() * 6);
    json_str(&mut json, term);
    json.push_str(":[");
    let mut previous = 0;
    for (i, (id, weight)) in list.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        push_num(&mut json, u64::from(id - previous));
        json.push(',');
        push_num(&mut json, u64::from(*weight));
        previous = *id;
    }
    json.push(']');
    Entry { term, json, capped }
}

/// The shards of all `entries` (sorted by term): keys of one char, split while
/// too large.
fn place_all<'a, 'e>(entries: &'a [Entry<'e>], out: &mut Vec<(&'e str, &'a [Entry<'e>])>) {
    by_prefix(entries, 1, &mut |key, group| place(key, group, out));
}

/// Calls `each` with every run of `entries` (sorted) that shares its first
/// `chars` chars, and that prefix; every entry has at least `chars` chars.
fn by_prefix<'a, 'e>(
    mut entries: &'a [Entry<'e>],
    chars: usize,
    each: &mut dyn FnMut(&'e str, &'a [Entry<'e>]),
) {
    while let Some(first) = entries.first() {
        let key = cut(first.term, chars);
        let end = entries.partition_point(|e| e.term.starts_with(key));
        each(key, &entries[..end]);
        entries = &entries[end..];
    }
}

/// Places the entries that start with `key`: one shard, or the term equal to the
/// key in its own and the longer ones under keys one char longer.
fn place<'a, 'e>(
    key: &'e str,
    entries: &'a [Entry<'e>],
    out: &mut Vec<(&'e str, &'a [Entry<'e>])>,
) {
    if shard_size(entries) <= SHARD_LIMIT {
        out.push((key, entries));
        return;
    }
    let split = usize::from(entries.first().is_some_and(|e| e.term == key));
    let (exact, longer) = entries.split_at(split);
    if !exact.is_empty() {
        out.push((key, exact));
    }
    let chars = key.chars().count() + 1;
    by_prefix(longer, chars, &mut |child, group| place(child, group, out));
}

/// The length of [`shard_json`] of `entries`.
fn shard_size(entries: &[Entry]) -> usize {
    let list = |sizes: &mut dyn Iterator<Item = usize>| {
        let (mut total, mut n) = (0, 0);
        for s in sizes {
            total += s;
            n += 1;
        }
        (total + n.max(1) - 1, n)
    };
    let (t, _) = list(&mut entries.iter().map(|e| e.json.len()));
    let (c, n) = list(
        &mut entries
            .iter()
            .filter_map(|e| e.capped.as_ref().map(String::len)),
    );
    // {"t":{…}} and ,"c":{…}
    "{\"t\":{}}".len() + t + if n > 0 { ",\"c\":{}".len() + c } else { 0 }
}

/// `{"t":{…},"c":{…}}`, `"c"` left out when no term is capped.
fn shard_json(entries: &[Entry]) -> String {
    let mut out = String::with_capacity(shard_size(entries));
    out.push_str("{\"t\":{");
    for (i, e) in entries.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&e.json);
    }
    out.push('}');
    let mut capped = entries.iter().filter_map(|e| e.capped.as_ref()).peekable();
    if capped.peek().is_some() {
        out.push_str(",\"c\":{");
        for (i, c) in capped.enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(c);
        }
        out.push('}');
    }
    out.push('}');
    out
}

/// The lower-case hex of `key`'s UTF-8 bytes: a shard's file name.
pub(crate) fn hex(key: &str) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(key.len() * 2);
    for b in key.bytes() {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

/// Appends `s` as a JSON string.
fn json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                out.push_str("\\u00");
                out.push_str(&hex(&(c as u8 as char).to_string()));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Appends `n` in decimal.
fn push_num(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[at..] {
        out.push(char::from(d));
    }
}
