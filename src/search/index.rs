//! The documents of one language's search and their index: terms with their
//! weighted postings, written as a manifest, shards of terms and one fragment per
//! document (the public form), or as one file (a portal's).

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::sync::{Arc, Mutex, PoisonError};

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::words::{Stemmer, cut, dictionary_form, each_word, lower_into, nfkc, quality};
use crate::lang::Lang;
use crate::output::OutputFile;

/// A shard larger than this (serialized) is split by one more char of its key.
pub(crate) const SHARD_LIMIT: usize = 24 * 1024;
/// The most postings a term keeps (its heaviest); the rest are counted in `"c"`.
pub(crate) const POSTING_CAP: usize = 1000;
/// The highest weight of a term in a document.
const WEIGHT_CAP: u32 = 1000;
/// About how much text a fragment keeps, in chars (the index holds it all).
const FRAGMENT_CHARS: usize = 1200;

/// At most this much of each part's text is kept in a fragment: a snippet shows
/// about 160 chars.
const PART_CHARS: usize = 300;
/// The most fragments one parallel task makes at a time.
const FRAGMENT_CHUNK: usize = 64;
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
    /// The language the section's title is written in.
    pub section_lang: Lang,
    /// The language its text is written in.
    pub lang: Lang,
    /// Summary and tags: weighted between headings and body text.
    pub keywords: String,
    /// Its text in page order, split at headings.
    pub parts: Vec<Part>,
}

/// A stretch of a document under one heading (the first: anchor and heading empty).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Part {
    pub anchor: String,
    pub heading: String,
    pub text: String,
    /// The language of `heading` when it is not the document's (a playbook
    /// preview's untranslated task).
    pub heading_lang: Option<Lang>,
    /// The same for `text`.
    pub text_lang: Option<Lang>,
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
    /// The section title's language, when not the document's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sl: Option<String>,
    #[serde(default)]
    pub p: Vec<FragmentPart>,
}

/// A part as a fragment shows it: `[anchor, heading, text]`, then the text's and
/// the heading's languages when either is not the document's (`""`: the
/// document's), as `search.js` reads them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(into = "Vec<String>", from = "Vec<String>")]
pub(crate) struct FragmentPart {
    pub anchor: String,
    pub heading: String,
    pub text: String,
    pub text_lang: String,
    pub heading_lang: String,
}

impl From<FragmentPart> for Vec<String> {
    fn from(p: FragmentPart) -> Vec<String> {
        let mut out = vec![p.anchor, p.heading, p.text];
        if !p.heading_lang.is_empty() {
            out.extend([p.text_lang, p.heading_lang]);
        } else if !p.text_lang.is_empty() {
            out.push(p.text_lang);
        }
        out
    }
}

impl From<Vec<String>> for FragmentPart {
    fn from(items: Vec<String>) -> FragmentPart {
        let mut items = items.into_iter();
        let mut next = || items.next().unwrap_or_default();
        FragmentPart {
            anchor: next(),
            heading: next(),
            text: next(),
            text_lang: next(),
            heading_lang: next(),
        }
    }
}

/// A document's terms (sorted) with their weights.
type Terms = Vec<(Arc<str>, u32)>;

/// The shards' keys and sizes, by key, as a manifest lists them.
type Listed = Vec<(Box<str>, usize)>;

/// A term's postings and the lengths of what a shard writes of it.
struct Postings {
    /// (id, weight), ids ascending, not capped.
    list: Vec<(u32, u32)>,
    /// The length of `"term":[…]` (the capped list when capped).
    t: usize,
    /// The length of `"term":df` when capped, else 0.
    c: usize,
}

impl Postings {
    fn new(term: &str, list: Vec<(u32, u32)>) -> Postings {
        let mut p = Postings { list, t: 0, c: 0 };
        p.measure(term);
        p
    }

    /// Sets `t` and `c` from `list`, counting digits rather than writing.
    fn measure(&mut self, term: &str) {
        let name = json_str_len(term) + 1;
        if self.list.len() > POSTING_CAP {
            self.t = name + list_len(&top(&self.list));
            self.c = name + digits(self.list.len() as u64);
        } else {
            self.t = name + list_len(&self.list);
            self.c = 0;
        }
    }
}

/// The files [`Index::changed_files`] made: those that differ from the last
/// written. When `whole`, the shards' keys changed: every shard is in `files`
/// and the caller removes the shards it has before writing them.
pub(crate) struct Changed {
    pub files: Vec<OutputFile>,
    pub whole: bool,
}

/// A shard: its key, the range of the index's terms (in order) it holds, its size.
struct Shard<'e> {
    key: &'e str,
    terms: Range<usize>,
    size: usize,
}

/// One language's index.
pub(crate) struct Index {
    lang: Lang,
    stemmer: Option<Stemmer>,
    /// By id: the language's own documents first, then by url.
    docs: Vec<Doc>,
    own: usize,
    /// By id: the document's terms, so that [`Index::replace`] can take them back.
    terms: Vec<Terms>,
    /// Term → its postings.
    postings: BTreeMap<Box<str>, Postings>,
    /// Url → id; `u32::MAX` for a url that more than one document has.
    by_url: FxHashMap<String, u32>,
    /// Documents replaced since files were last made.
    touched_docs: BTreeSet<u32>,
    /// The terms whose postings those documents changed (added, removed, weighed
    /// again).
    touched_terms: BTreeSet<Box<str>>,
    /// The shards (key, size) of the files last made, by key; `None` before.
    written: Mutex<Option<Listed>>,
}

/// One language's index being made ([`Index::gather`]): documents added from any
/// thread, in any order, each made into terms as it comes and kept only for what
/// its fragment shows ([`Builder::finish`] gives the [`Index`]).
struct Builder {
    lang: Lang,
    stemmer: Option<Stemmer>,
    /// A tokeniser per thread of the pool (and one for any other thread), kept
    /// from document to document: they remember the words they have seen.
    tokenisers: Vec<Mutex<Option<Tokeniser>>>,
    gathered: Mutex<Gathered>,
    /// Whether each document's terms are kept (for [`Index::replace`]).
    keep_terms: bool,
}

/// What a [`Builder`] has gathered, by the order documents came in.
#[derive(Default)]
struct Gathered {
    docs: Vec<Doc>,
    terms: Vec<Terms>,
    /// Term → its postings (order, weight), each number as a LEB128 varint: half
    /// the memory of pairs of `u32` while the documents come in.
    lists: FxHashMap<Arc<str>, Vec<u8>>,
}

impl Builder {
    /// A builder of `lang`'s index.
    fn new(lang: &Lang, keep_terms: bool) -> Builder {
        Builder {
            keep_terms,
            lang: lang.clone(),
            stemmer: Stemmer::for_lang(lang),
            tokenisers: (0..=rayon::current_num_threads())
                .map(|_| Mutex::new(None))
                .collect(),
            gathered: Mutex::default(),
        }
    }

    /// Adds `doc`; any thread, any order.
    fn add(&self, doc: Doc) {
        let slot = rayon::current_thread_index()
            .unwrap_or(self.tokenisers.len() - 1)
            .min(self.tokenisers.len() - 1);
        // A thread that waits inside a document may take up another: it then
        // finds its tokeniser taken and makes one for the time.
        match self.tokenisers[slot].try_lock() {
            Ok(mut kept) => {
                let tokeniser = kept.get_or_insert_with(|| Tokeniser::new(&self.lang));
                self.gather(tokeniser, doc);
            }
            Err(_) => self.gather(&mut Tokeniser::new(&self.lang), doc),
        }
    }

    /// Reads `doc` with `tokeniser` and adds its postings (and its terms, when
    /// they are kept).
    fn gather(&self, tokeniser: &mut Tokeniser, doc: Doc) {
        tokeniser.read(&doc);
        let doc = doc.cut_for_fragment();
        let mut terms = Terms::new();
        let mut g = self.gathered.lock().unwrap_or_else(PoisonError::into_inner);
        let g = &mut *g;
        let seq = g.docs.len() as u32;
        tokeniser.take_terms(|term, weight| {
            post(&mut g.lists, term, seq, weight);
            if self.keep_terms {
                terms.push((term.clone(), weight));
            }
        });
        g.docs.push(doc);
        if self.keep_terms {
            terms.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            g.terms.push(terms);
        }
    }

    /// Adds a document read before ([`Index::read`]).
    fn add_read(&self, read: &ReadDoc) {
        let mut g = self.gathered.lock().unwrap_or_else(PoisonError::into_inner);
        let g = &mut *g;
        let seq = g.docs.len() as u32;
        for (term, weight) in &read.terms {
            post(&mut g.lists, term, seq, *weight);
        }
        g.docs.push(read.doc.clone());
        if self.keep_terms {
            g.terms.push(read.terms.clone());
        }
    }

    /// The index of the documents added: ids by the language's own documents
    /// first, then by document, whatever order they came in.
    fn finish(self) -> Index {
        let lang = self.lang;
        let Gathered { docs, terms, lists } = self
            .gathered
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        let mut order: Vec<u32> = (0..docs.len() as u32).collect();
        let key = |i: &u32| {
            let d = &docs[*i as usize];
            (d.lang != lang, d)
        };
        order.sort_by(|a, b| key(a).cmp(&key(b)));
        // `id[seq]`: the id of the document that came in `seq`th.
        let mut id = vec![0u32; order.len()];
        for (new, &seq) in order.iter().enumerate() {
            id[seq as usize] = new as u32;
        }
        let docs = in_order(docs, &order);
        // Kept for every document or for none.
        let terms = if terms.is_empty() {
            terms
        } else {
            in_order(terms, &order)
        };
        let own = docs.iter().take_while(|d| d.lang == lang).count();
        // Gathered in a hash map, then sorted once.
        let mut lists: Vec<(Arc<str>, Vec<u8>)> = lists.into_iter().collect();
        lists.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let postings = lists
            .into_iter()
            .map(|(term, bytes)| {
                let mut list = read_pairs(&bytes);
                for p in &mut list {
                    p.0 = id[p.0 as usize];
                }
                list.sort_unstable();
                let p = Postings::new(&term, list);
                (Box::from(&*term), p)
            })
            .collect();
        let mut by_url = FxHashMap::default();
        for (id, d) in docs.iter().enumerate() {
            by_url
                .entry(d.url.clone())
                .and_modify(|i| *i = u32::MAX)
                .or_insert(id as u32);
        }
        Index {
            lang,
            stemmer: self.stemmer,
            docs,
            own,
            terms,
            postings,
            by_url,
            touched_docs: BTreeSet::new(),
            touched_terms: BTreeSet::new(),
            written: Mutex::new(None),
        }
    }
}

/// Adds the posting (`seq`, `weight`) to `term`'s list.
fn post(lists: &mut FxHashMap<Arc<str>, Vec<u8>>, term: &Arc<str>, seq: u32, weight: u32) {
    let list = match lists.get_mut(term) {
        Some(list) => list,
        None => lists.entry(term.clone()).or_default(),
    };
    push_varint(list, seq);
    push_varint(list, weight);
}

/// A document made into terms once ([`Index::read`]), to be put into many
/// indexes ([`Index::of_read`]): a guide or FAQ entry that many portals show.
pub(crate) struct ReadDoc {
    doc: Doc,
    terms: Terms,
}

/// `items` (by the order they came in) put in `order` (those orders, sorted).
fn in_order<T>(items: Vec<T>, order: &[u32]) -> Vec<T> {
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    order
        .iter()
        .filter_map(|&seq| slots[seq as usize].take())
        .collect()
}

/// Appends `n` as an unsigned LEB128 varint.
fn push_varint(out: &mut Vec<u8>, mut n: u32) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// The pairs of varints [`push_varint`] wrote.
fn read_pairs(bytes: &[u8]) -> Vec<(u32, u32)> {
    let mut numbers = Vec::with_capacity(bytes.len() / 2);
    let (mut n, mut shift) = (0u32, 0u32);
    for &b in bytes {
        n |= u32::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            numbers.push(n);
            (n, shift) = (0, 0);
        } else {
            shift += 7;
        }
    }
    numbers.chunks_exact(2).map(|p| (p[0], p[1])).collect()
}

impl Doc {
    /// The document with only what its fragment shows: each part's text cut to
    /// one char more than a fragment keeps of it (so the fragment still knows it
    /// was cut).
    fn cut_for_fragment(mut self) -> Doc {
        for part in &mut self.parts {
            let kept = cut(&part.text, PART_CHARS + 1).len();
            part.text.truncate(kept);
            // Held until the index is written: what the text held beyond is let go.
            part.text.shrink_to_fit();
        }
        self
    }
}

impl Index {
    /// The index of `docs`, shown in `lang`, to be written once. The bytes it
    /// writes do not depend on the order of `docs`. (A build uses
    /// [`Index::gather`], which never holds every document's text.)
    #[cfg(test)]
    pub fn new(lang: &Lang, docs: Vec<Doc>) -> Index {
        Index::make(lang, docs, false)
    }

    /// `Index::new`, keeping each document's terms so that [`Index::replace`]
    /// can put a new version in its place (as `serve`'s [`Index::gather`]).
    #[cfg(test)]
    pub fn updatable(lang: &Lang, docs: Vec<Doc>) -> Index {
        Index::make(lang, docs, true)
    }

    /// The index of the documents `fill` gives to the function it is called with,
    /// from any thread, in any order: each is made into terms as it comes, so the
    /// documents' whole texts are never held together. The bytes of
    /// `Index::new` (tests) of the same documents; `keep_terms` keeps each
    /// document's terms, for [`Index::replace`].
    pub fn gather(
        lang: &Lang,
        keep_terms: bool,
        fill: impl FnOnce(&(dyn Fn(Doc) + Sync)),
    ) -> Index {
        let builder = Builder::new(lang, keep_terms);
        fill(&|doc| builder.add(doc));
        builder.finish()
    }

    /// `doc` made into terms for an index in `lang`, once for many indexes.
    pub fn read(lang: &Lang, doc: Doc) -> ReadDoc {
        let terms = Tokeniser::new(lang).doc_terms(&doc);
        ReadDoc {
            doc: doc.cut_for_fragment(),
            terms,
        }
    }

    /// The index of documents read before, in `lang` (each read in `lang`): the
    /// bytes of [`Index::gather`] of the same documents.
    pub fn of_read(lang: &Lang, docs: &[std::sync::Arc<ReadDoc>]) -> Index {
        let builder = Builder::new(lang, false);
        for read in docs {
            builder.add_read(read);
        }
        builder.finish()
    }

    /// [`Index::gather`] of `docs`, given from the pool's threads.
    #[cfg(test)]
    fn make(lang: &Lang, docs: Vec<Doc>, keep_terms: bool) -> Index {
        Index::gather(lang, keep_terms, |add| {
            docs.into_par_iter().for_each(add);
        })
    }

    /// The number of documents.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// How many terms have more postings than they keep.
    #[cfg(test)]
    pub fn postings_capped(&self) -> usize {
        self.postings.values().filter(|p| p.c > 0).count()
    }

    /// Puts `doc` in place of the document with its url, keeping every id. False
    /// (and nothing changed) when no document or more than one has the url, or when
    /// it moves between the language's own documents and the others, or when the
    /// index was not gathered keeping its terms: the caller then makes a new index.
    pub fn replace(&mut self, doc: Doc) -> bool {
        if self.terms.len() != self.docs.len() {
            return false;
        }
        let Some(&id) = self.by_url.get(&doc.url) else {
            return false;
        };
        let Some(old) = self.docs.get(id as usize) else {
            return false;
        };
        if (old.lang == self.lang) != (doc.lang == self.lang) {
            return false;
        }
        let new_terms = Tokeniser::new(&self.lang).doc_terms(&doc);
        let old_terms = std::mem::replace(&mut self.terms[id as usize], new_terms);
        for (term, weight) in changes(&old_terms, &self.terms[id as usize]) {
            let p = self
                .postings
                .entry(term.into())
                .or_insert_with(|| Postings {
                    list: Vec::new(),
                    t: 0,
                    c: 0,
                });
            let at = p.list.binary_search_by_key(&id, |p| p.0);
            match (at, weight) {
                (Ok(at), Some(w)) => p.list[at].1 = w,
                (Err(at), Some(w)) => p.list.insert(at, (id, w)),
                (Ok(at), None) => {
                    p.list.remove(at);
                }
                (Err(_), None) => {}
            }
            if p.list.is_empty() {
                self.postings.remove(term);
            } else {
                p.measure(term);
            }
            self.touched_terms.insert(term.into());
        }
        self.touched_docs.insert(id);
        self.docs[id as usize] = doc.cut_for_fragment();
        true
    }

    /// The public form under `dir` (`search/lo/`): `index.json`, the shards
    /// `s/<hex of key>.json` and the fragments `f/<id>.json`, sorted by path.
    pub fn files(&self, dir: &str) -> Vec<OutputFile> {
        let files = Mutex::new(Vec::with_capacity(self.docs.len() + 64));
        self.send_files(dir, &|f| {
            files.lock().unwrap_or_else(PoisonError::into_inner).push(f);
        });
        let mut files = files.into_inner().unwrap_or_else(PoisonError::into_inner);
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }

    /// [`Index::files`], each given to `sink` as it is made (the fragments from
    /// any thread, in no order), so that a language's files are not all in memory
    /// at once.
    pub fn send_files(&self, dir: &str, sink: &(dyn Fn(OutputFile) + Sync)) {
        let terms: Vec<(&str, &Postings)> = self.postings.iter().map(|(t, p)| (&**t, p)).collect();
        let shards = layout(&terms);
        for s in &shards {
            sink(shard_file(dir, s, &terms));
        }
        sink(self.manifest(dir, &shards));
        (0..self.docs.len())
            .into_par_iter()
            .with_max_len(FRAGMENT_CHUNK)
            .for_each(|id| sink(self.fragment_file(dir, id)));
        *self.written.lock().unwrap_or_else(PoisonError::into_inner) = Some(listed(&shards));
    }

    /// What differs under `dir` from the files last made ([`Index::files`] or
    /// this): the manifest when a shard's size changed, the fragments of the
    /// documents replaced since, and the shards that hold a term they had or have.
    /// When the shards' keys changed, every shard, and `whole`. Sorted by path.
    pub fn changed_files(&mut self, dir: &str) -> Changed {
        let (changed, written) = self.changes(dir);
        *self
            .written
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner) = Some(written);
        self.touched_docs.clear();
        self.touched_terms.clear();
        changed
    }

    /// [`Index::changed_files`]' files, and the shards they list.
    fn changes(&self, dir: &str) -> (Changed, Listed) {
        let terms: Vec<(&str, &Postings)> = self.postings.iter().map(|(t, p)| (&**t, p)).collect();
        let shards = layout(&terms);
        let now = listed(&shards);
        let last = self.written.lock().unwrap_or_else(PoisonError::into_inner);
        let same_keys = last.as_ref().is_some_and(|last| {
            last.len() == now.len() && last.iter().zip(&now).all(|(a, b)| a.0 == b.0)
        });
        let mut files = Vec::new();
        if same_keys {
            // The shard of a term, there or gone: the longest key that starts it.
            let mut chosen = BTreeSet::new();
            for term in &self.touched_terms {
                let found = term
                    .char_indices()
                    .map(|(at, c)| &term[..at + c.len_utf8()])
                    .rev()
                    .find_map(|key| now.binary_search_by(|s| (*s.0).cmp(key)).ok());
                chosen.extend(found);
            }
            files.extend(
                chosen
                    .into_iter()
                    .map(|i| shard_file(dir, &shards[i], &terms)),
            );
        } else {
            files.extend(shards.iter().map(|s| shard_file(dir, s, &terms)));
        }
        if last.as_ref() != Some(&now) {
            files.push(self.manifest(dir, &shards));
        }
        if last.is_none() {
            files.extend((0..self.docs.len()).map(|id| self.fragment_file(dir, id)));
        } else {
            files.extend(
                self.touched_docs
                    .iter()
                    .map(|&id| self.fragment_file(dir, id as usize)),
            );
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        let whole = !same_keys;
        (Changed { files, whole }, now)
    }

    /// `index.json` under `dir`, listing `shards`.
    fn manifest(&self, dir: &str, shards: &[Shard]) -> OutputFile {
        let mut manifest = self.header();
        manifest.push_str(",\"shards\":[");
        for (i, s) in shards.iter().enumerate() {
            if i > 0 {
                manifest.push(',');
            }
            manifest.push('[');
            json_str(&mut manifest, s.key);
            manifest.push(',');
            push_num(&mut manifest, s.size as u64);
            manifest.push(']');
        }
        manifest.push_str("]}");
        OutputFile {
            path: format!("{dir}index.json"),
            bytes: manifest.into_bytes(),
        }
    }

    fn fragment_file(&self, dir: &str, id: usize) -> OutputFile {
        OutputFile {
            path: format!("{dir}f/{id}.json"),
            bytes: self.fragment_json(id),
        }
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
    fn entries(&self) -> Vec<Entry> {
        self.postings
            .iter()
            .map(|(term, p)| entry(term, &p.list))
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
            // Every heading is kept (a result lands on it); of the text, the
            // beginning of each part, while the budget lasts.
            let text = cut(&part.text, budget.min(PART_CHARS));
            let text = if text.len() == part.text.len() {
                text
            } else {
                // Cut at a space when there is one in the second half.
                match text.rfind(char::is_whitespace) {
                    Some(at) if at > text.len() / 2 => &text[..at],
                    _ => text,
                }
            };
            // A part's language is said when it is not the document's.
            let other = |l: &Option<Lang>| match l {
                Some(l) if *l != doc.lang => l.as_str().to_string(),
                _ => String::new(),
            };
            p.push(FragmentPart {
                anchor: part.anchor.clone(),
                heading: part.heading.clone(),
                text: text.to_string(),
                text_lang: other(&part.text_lang),
                heading_lang: other(&part.heading_lang),
            });
            budget -= text.chars().count().min(budget);
        }
        Fragment {
            u: doc.url.clone(),
            t: doc.title.clone(),
            s: doc.section.clone(),
            l: (doc.lang != self.lang).then(|| doc.lang.as_str().to_string()),
            sl: (!doc.section.is_empty() && doc.section_lang != doc.lang)
                .then(|| doc.section_lang.as_str().to_string()),
            p,
        }
    }

    fn fragment_json(&self, id: usize) -> Vec<u8> {
        serde_json::to_vec(&self.fragment(id)).expect("a fragment is plain strings")
    }
}

/// Turns documents into terms; one per thread, with the stems it has seen.
struct Tokeniser {
    stemmer: Option<Stemmer>,
    lower: String,
    /// A word as written → its term, and the word itself as a second term when a
    /// query for it would not reach its stem: most words come again and again.
    words: FxHashMap<Box<str>, WordTerms>,
    /// The terms seen, by number, and their numbers.
    names: Vec<Arc<str>>,
    ids: FxHashMap<Arc<str>, u32>,
    /// The weight of each term (by number) in the document being read; 0: absent.
    weights: Vec<u32>,
    /// The terms with a weight.
    touched: Vec<u32>,
}

/// A word's term (its number), and the word itself when it is a term too.
type WordTerms = (u32, Option<u32>);

/// How many words a tokeniser remembers before it starts again.
const WORD_CACHE: usize = 10_000;

impl Tokeniser {
    fn new(lang: &Lang) -> Self {
        Tokeniser {
            stemmer: Stemmer::for_lang(lang),
            lower: String::new(),
            words: FxHashMap::default(),
            names: Vec::new(),
            ids: FxHashMap::default(),
            weights: Vec::new(),
            touched: Vec::new(),
        }
    }

    /// The terms of `doc` with their weights, sorted.
    fn doc_terms(&mut self, doc: &Doc) -> Terms {
        self.read(doc);
        let mut terms: Terms = Vec::with_capacity(self.touched.len());
        self.take_terms(|term, weight| terms.push((term.clone(), weight)));
        terms.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        terms
    }

    /// Weighs the terms of `doc`, for [`Tokeniser::take_terms`].
    fn read(&mut self, doc: &Doc) {
        self.add(&doc.title, TITLE);
        self.add(&doc.keywords, KEYWORDS);
        for part in &doc.parts {
            self.add(&part.heading, HEADING);
            self.add(&part.text, BODY);
        }
    }

    /// Gives each term read since the last call with its weight, in no order,
    /// and forgets them.
    fn take_terms(&mut self, mut each: impl FnMut(&Arc<str>, u32)) {
        for id in self.touched.drain(..) {
            let weight = std::mem::take(&mut self.weights[id as usize]);
            each(&self.names[id as usize], weight.min(WEIGHT_CAP));
        }
        if self.words.len() >= WORD_CACHE {
            self.words.clear();
            self.names.clear();
            self.ids.clear();
            self.weights.clear();
        }
    }

    /// Adds the terms of `text` with `weight`: each word's stem, and the word
    /// itself too when a query for it would not find its stem (`every` → `everi`,
    /// `settings` → `set`), so that every word is found by itself.
    fn add(&mut self, text: &str, weight: u32) {
        let text = dictionary_form(text);
        each_word(&text, |_, word| {
            let (term, also) = match self.words.get(word) {
                Some(&known) => known,
                None => {
                    let found = self.word_terms(word);
                    self.words.insert(word.into(), found);
                    found
                }
            };
            self.weigh(term, weight);
            if let Some(also) = also {
                self.weigh(also, weight);
            }
        });
    }

    /// The terms of a word not seen before.
    fn word_terms(&mut self, word: &str) -> WordTerms {
        let mut lower = std::mem::take(&mut self.lower);
        lower_into(&nfkc(word), &mut lower);
        let found = match &self.stemmer {
            None => (self.number(&lower), None),
            Some(stemmer) => {
                let stem = stemmer.stem(&lower);
                let also = quality(&stem, &lower, true).is_none();
                let term = self.number(&stem);
                (term, also.then(|| self.number(&lower)))
            }
        };
        self.lower = lower;
        found
    }

    /// The number of `term`, given it when it has none.
    fn number(&mut self, term: &str) -> u32 {
        if let Some(&id) = self.ids.get(term) {
            return id;
        }
        let id = self.names.len() as u32;
        let name: Arc<str> = term.into();
        self.names.push(name.clone());
        self.ids.insert(name, id);
        self.weights.push(0);
        id
    }

    /// Adds `weight` to the weight of term `id` (an empty term is none).
    fn weigh(&mut self, id: u32, weight: u32) {
        if self.names[id as usize].is_empty() {
            return;
        }
        let slot = &mut self.weights[id as usize];
        if *slot == 0 {
            self.touched.push(id);
        }
        *slot = slot.saturating_add(weight);
    }
}

/// The terms whose weight differs between `old` and `new` (both sorted), with
/// the new weight (`None`: gone).
fn changes<'a>(old: &'a Terms, new: &'a Terms) -> Vec<(&'a str, Option<u32>)> {
    let mut out = Vec::new();
    let (mut old, mut new) = (old.iter().peekable(), new.iter().peekable());
    loop {
        let order = match (old.peek(), new.peek()) {
            (None, None) => return out,
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (Some(a), Some(b)) => a.0.cmp(&b.0),
        };
        match order {
            std::cmp::Ordering::Less => {
                let (term, _) = old.next().expect("peeked");
                out.push((&**term, None));
            }
            std::cmp::Ordering::Greater => {
                let (term, weight) = new.next().expect("peeked");
                out.push((&**term, Some(*weight)));
            }
            std::cmp::Ordering::Equal => {
                let (_, before) = old.next().expect("peeked");
                let (term, weight) = new.next().expect("peeked");
                if before != weight {
                    out.push((&**term, Some(*weight)));
                }
            }
        }
    }
}

/// A term as a shard writes it.
struct Entry {
    /// `"term":[id0,w0,d1,w1,…]`
    json: String,
    /// `"term":df` when its postings were capped.
    capped: Option<String>,
}

fn entry(term: &str, list: &[(u32, u32)]) -> Entry {
    let kept: Vec<(u32, u32)>;
    let (list, capped) = if list.len() > POSTING_CAP {
        kept = top(list);
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
    Entry { json, capped }
}

/// The postings a capped term keeps: the heaviest, ties to the lower id, in id
/// order.
fn top(list: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut kept = list.to_vec();
    if kept.len() > POSTING_CAP {
        kept.select_nth_unstable_by(POSTING_CAP, |a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        kept.truncate(POSTING_CAP);
    }
    kept.sort_unstable_by_key(|p| p.0);
    kept
}

/// The length of `[id0,w0,d1,w1,…]` for `list` (ids ascending).
fn list_len(list: &[(u32, u32)]) -> usize {
    let mut len = 2 + (2 * list.len()).saturating_sub(1);
    let mut previous = 0;
    for &(id, weight) in list {
        len += digits(u64::from(id - previous)) + digits(u64::from(weight));
        previous = id;
    }
    len
}

/// The number of decimal digits of `n`.
fn digits(n: u64) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}

/// The length of [`json_str`] of `s`.
fn json_str_len(s: &str) -> usize {
    2 + s
        .chars()
        .map(|c| match c {
            '"' | '\\' | '\n' | '\r' | '\t' => 2,
            c if u32::from(c) < 0x20 => 6,
            c => c.len_utf8(),
        })
        .sum::<usize>()
}

/// The sizes of the terms of an index (in order) as sums from the first, so that
/// a shard's size is a subtraction.
struct Sizes<'e> {
    terms: Vec<&'e str>,
    /// Before term i: the lengths of their `"t"` members, of their `"c"` members,
    /// and how many are capped.
    sums: Vec<(usize, usize, usize)>,
}

impl Sizes<'_> {
    /// The length of [`shard_json`] of the terms in `range`.
    fn shard(&self, range: &Range<usize>) -> usize {
        let (t0, c0, n0) = self.sums[range.start];
        let (t1, c1, n1) = self.sums[range.end];
        let n = range.len();
        let capped = n1 - n0;
        // {"t":{…}} and ,"c":{…}, members separated by commas
        "{\"t\":{}}".len()
            + (t1 - t0)
            + n.saturating_sub(1)
            + if capped > 0 {
                ",\"c\":{}".len() + (c1 - c0) + capped - 1
            } else {
                0
            }
    }
}

/// The shards of the index's `terms` (in order), sorted by key: keys of one
/// char, split while too large. Sizes are counted, nothing is written.
fn layout<'e>(terms: &[(&'e str, &Postings)]) -> Vec<Shard<'e>> {
    let mut sums = Vec::with_capacity(terms.len() + 1);
    let mut sum = (0, 0, 0);
    sums.push(sum);
    for (_, p) in terms {
        sum = (sum.0 + p.t, sum.1 + p.c, sum.2 + usize::from(p.c > 0));
        sums.push(sum);
    }
    let sizes = Sizes {
        terms: terms.iter().map(|(t, _)| *t).collect(),
        sums,
    };
    let mut out = Vec::new();
    by_prefix(&sizes.terms, 0..terms.len(), 1, &mut |key, range| {
        place(&sizes, key, range, &mut out);
    });
    out.sort_by(|a, b| a.key.cmp(b.key));
    out
}

/// Calls `each` with every run of `terms[range]` (sorted) that shares its first
/// `chars` chars, and that prefix; every term has at least `chars` chars.
fn by_prefix<'e>(
    terms: &[&'e str],
    range: Range<usize>,
    chars: usize,
    each: &mut dyn FnMut(&'e str, Range<usize>),
) {
    let mut start = range.start;
    while start < range.end {
        let key = cut(terms[start], chars);
        let end = start + terms[start..range.end].partition_point(|t| t.starts_with(key));
        each(key, start..end);
        start = end;
    }
}

/// Places the terms in `range`, which start with `key`: one shard, or the term
/// equal to the key in its own and the longer ones under keys one char longer.
fn place<'e>(sizes: &Sizes<'e>, key: &'e str, range: Range<usize>, out: &mut Vec<Shard<'e>>) {
    let size = sizes.shard(&range);
    if size <= SHARD_LIMIT {
        out.push(Shard {
            key,
            terms: range,
            size,
        });
        return;
    }
    let split = usize::from(sizes.terms[range.start] == key);
    if split == 1 {
        let exact = range.start..range.start + 1;
        out.push(Shard {
            key,
            size: sizes.shard(&exact),
            terms: exact,
        });
    }
    let chars = key.chars().count() + 1;
    by_prefix(
        &sizes.terms,
        range.start + split..range.end,
        chars,
        &mut |child, group| place(sizes, child, group, out),
    );
}

/// The keys and sizes of `shards`, as the manifest lists them.
fn listed(shards: &[Shard]) -> Listed {
    shards.iter().map(|s| (s.key.into(), s.size)).collect()
}

/// The file of `shard` under `dir`, of the index's `terms`.
fn shard_file(dir: &str, shard: &Shard, terms: &[(&str, &Postings)]) -> OutputFile {
    let entries: Vec<Entry> = terms[shard.terms.clone()]
        .iter()
        .map(|(term, p)| entry(term, &p.list))
        .collect();
    let json = shard_json(&entries);
    debug_assert_eq!(json.len(), shard.size, "{}", shard.key);
    OutputFile {
        path: format!("{dir}s/{}.json", hex(shard.key)),
        bytes: json.into_bytes(),
    }
}

/// `{"t":{…},"c":{…}}`, `"c"` left out when no term is capped.
fn shard_json(entries: &[Entry]) -> String {
    let mut out =
        String::with_capacity(entries.iter().map(|e| e.json.len() + 1).sum::<usize>() + 16);
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
