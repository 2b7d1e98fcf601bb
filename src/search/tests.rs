//! The index and the query together: scripts, bad input, the files' form and size.

use std::collections::{BTreeMap, BTreeSet};

use super::words::{normalise, words};
use super::*;
use crate::lang::Lang;

fn lang(tag: &str) -> Lang {
    Lang::parse(tag).unwrap()
}

fn doc(url: &str, tag: &str, title: &str, text: &str) -> Doc {
    Doc {
        url: url.to_string(),
        title: title.to_string(),
        section: String::new(),
        section_lang: lang(tag),
        lang: lang(tag),
        keywords: String::new(),
        parts: vec![Part {
            anchor: String::new(),
            heading: String::new(),
            text: text.to_string(),
            ..Part::default()
        }],
    }
}

/// The public form's files by their path under the index folder.
fn files(index: &Index) -> BTreeMap<String, Vec<u8>> {
    index
        .files("search/x/")
        .into_iter()
        .map(|f| {
            (
                f.path.strip_prefix("search/x/").unwrap().to_string(),
                f.bytes,
            )
        })
        .collect()
}

fn query_files(files: &BTreeMap<String, Vec<u8>>, q: &str) -> Found {
    search(&|path| files.get(path).cloned(), q, 10).unwrap()
}

/// The urls found for `q`, the same from the public and the portal form.
fn urls(index: &Index, q: &str) -> Vec<String> {
    let sharded = query_files(&files(index), q);
    let single = index.single_file();
    let one = search(&|p| (p == "index.json").then(|| single.clone()), q, 10).unwrap();
    let list = |f: &Found| f.hits.iter().map(|h| h.url.clone()).collect::<Vec<_>>();
    assert_eq!(list(&sharded), list(&one), "{q}");
    assert!(one.fetched.iter().all(|(p, _)| p == "index.json"));
    list(&sharded)
}

#[test]
fn files_have_the_contract_form() {
    let index = Index::new(
        &lang("ms"),
        vec![
            doc("b/", "ms", "Hi", "Hello world"),
            doc("a/", "ms", "", "hello"),
            doc("c/", "en", "X", ""),
        ],
    );
    let files = files(&index);
    let text = |p: &str| String::from_utf8(files[p].clone()).unwrap();
    assert_eq!(
        text("index.json"),
        format!(
            "{{\"v\":1,\"lang\":\"ms\",\"stem\":\"none\",\"pages\":3,\"own\":2,\"shards\":[[\"h\",{}],[\"w\",{}],[\"x\",{}]]}}",
            files["s/68.json"].len(),
            files["s/77.json"].len(),
            files["s/78.json"].len()
        )
    );
    assert_eq!(
        text("s/68.json"),
        r#"{"t":{"hello":[0,1,1,1],"hi":[1,10]}}"#
    );
    assert_eq!(text("s/78.json"), r#"{"t":{"x":[2,10]}}"#);
    assert_eq!(
        text("f/1.json"),
        r#"{"u":"b/","t":"Hi","s":"","p":[["","","Hello world"]]}"#
    );
    assert_eq!(
        text("f/2.json"),
        r#"{"u":"c/","t":"X","s":"","l":"en","p":[]}"#
    );
    assert_eq!(files.len(), 1 + 3 + 3);
    let single = String::from_utf8(index.single_file()).unwrap();
    assert!(single.starts_with(
        r#"{"v":1,"lang":"ms","stem":"none","pages":3,"own":2,"t":{"hello":[0,1,1,1],"hi":[1,10],"#
    ));
    assert!(single.ends_with(r#""p":[]}]}"#), "{single}");
    // The paths are sorted, the default stemmer is named.
    let paths: Vec<String> = index.files("d/").into_iter().map(|f| f.path).collect();
    assert!(paths.is_sorted());
    let en = Index::new(&lang("en"), vec![doc("a/", "en", "Running", "")]);
    assert!(
        String::from_utf8(en.single_file())
            .unwrap()
            .contains(r#""stem":"english""#)
    );
}

#[test]
fn lao_word_from_inside_a_run_without_spaces() {
    let sentence = "ຂ້ອຍຮັກພາສາລາວແລະຂ້ອຍຢາກຮຽນພາສາອັງກິດຢູ່ໂຮງຮຽນ";
    let found: Vec<&str> = words(sentence).map(|(_, w)| w).collect();
    assert!(found.len() >= 5, "{found:?}");
    let middle = found[found.len() / 2];
    let index = Index::new(
        &lang("lo"),
        vec![
            doc("lo/a/", "lo", "ບົດຄວາມ", sentence),
            doc("lo/b/", "lo", "ອື່ນ", "ສະບາຍດີ"),
        ],
    );
    assert_eq!(urls(&index, middle), ["lo/a/"], "{middle}");
    assert_eq!(urls(&index, "ໂຮງຮຽນ"), ["lo/a/"]);
    assert_eq!(urls(&index, "ສະບາຍດີ"), ["lo/b/"]);
    let hit = &query_files(&files(&index), middle).hits[0];
    assert!(
        hit.snippet.contains(&format!("[{middle}]")),
        "{}",
        hit.snippet
    );
}

#[test]
fn composed_and_decomposed_lao_find_each_other() {
    // ຳ (U+0EB3) and ໍ + າ; ໜ (U+0EDC) and ຫ + ນ.
    let composed = "ຄຳຖາມ ໜ້າທຳອິດ";
    let decomposed = "ຄໍາຖາມ ຫນ້າທໍາອິດ";
    assert_ne!(composed, decomposed);
    let index = Index::new(
        &lang("lo"),
        vec![
            doc("lo/c/", "lo", "", composed),
            doc("lo/d/", "lo", "", decomposed),
        ],
    );
    for q in ["ຄຳຖາມ", "ຄໍາຖາມ", "ໜ້າທຳອິດ", "ຫນ້າທໍາອິດ", "ໜ້າ"]
    {
        assert_eq!(urls(&index, q), ["lo/c/", "lo/d/"], "{q}");
    }
}

#[test]
fn english_stems_and_prefixes() {
    let index = Index::new(
        &lang("en"),
        vec![
            doc("a/", "en", "Setup", "How to configure the gateway."),
            doc("b/", "en", "Welcome", "Your onboarding starts here."),
            doc("c/", "en", "Other", "Nothing relevant."),
        ],
    );
    assert_eq!(urls(&index, "configurations"), ["a/"]);
    assert_eq!(urls(&index, "Configuring"), ["a/"]);
    assert_eq!(urls(&index, "onboa"), ["b/"]);
    assert_eq!(urls(&index, "ONBOARDING starts"), ["b/"]);
    // Every word must match.
    assert!(urls(&index, "onboarding gateway").is_empty());
    assert!(urls(&index, "xylophone").is_empty());
    // Without a stemmer, prefixes still work.
    let ms = Index::new(
        &lang("ms"),
        vec![doc("a/", "ms", "", "Proses onboarding pelanggan")],
    );
    assert_eq!(urls(&ms, "onboa pelang"), ["a/"]);
    let hit: &Hit = &query_files(&files(&index), "configurations").hits[0];
    assert_eq!(hit.title, "Setup");
    assert!(hit.snippet.contains("[configure]"), "{}", hit.snippet);
}

#[test]
fn nepali_hindi_and_kazakh_words() {
    let ne = "कृपया आफ्नो खाता सेटिङ्गहरू जाँच गर्नुहोस्। हिंदी भाषा";
    let index = Index::new(&lang("ne"), vec![doc("ne/a/", "ne", "खाता", ne)]);
    // A conjunct (ङ्ग) with a vowel sign at the end (ू), a virama at the end,
    // a candrabindu, and a word ending in a vowel sign (ी).
    for q in ["सेटिङ्गहरू", "गर्नुहोस्", "जाँच", "हिंदी", "कृपया", "सेटिङ्ग"]
    {
        assert_eq!(urls(&index, q), ["ne/a/"], "{q}");
    }
    let kk = "Әріптестеріңізге ғана Құжаттар Өңдеу Ұйым Үйлестіру Һижра Іскер";
    let index = Index::new(&lang("kk"), vec![doc("kk/a/", "kk", "Ақпарат", kk)]);
    for q in [
        "әріптестеріңізге",
        "ӘРІПТЕСТЕРІҢІЗГЕ",
        "ғана",
        "құжат",
        "ӨҢДЕУ",
        "ұйым",
        "үйлестіру",
        "һижра",
        "іскер",
        "ақпарат",
    ] {
        assert_eq!(urls(&index, q), ["kk/a/"], "{q}");
    }
}

#[test]
fn bad_documents_do_not_panic() {
    let empty = Index::new(&lang("lo"), Vec::new());
    assert_eq!(
        files(&empty)["index.json"],
        br#"{"v":1,"lang":"lo","stem":"none","pages":0,"own":0,"shards":[]}"#
    );
    assert!(urls(&empty, "ສະບາຍດີ").is_empty());
    let lao = "ສະບາຍດີ".repeat(1500);
    let latin = "a".repeat(10_000);
    let mut blank = doc("blank/", "lo", "", "");
    blank.parts.push(Part {
        anchor: "x".into(),
        heading: String::new(),
        text: String::new(),
        ..Part::default()
    });
    let index = Index::new(
        &lang("lo"),
        vec![
            blank,
            doc("lao/", "lo", "", &lao),
            doc("latin/", "lo", "", &latin),
        ],
    );
    let files = files(&index);
    assert_eq!(files["f/0.json"], br#"{"u":"blank/","t":"","s":"","p":[]}"#);
    assert_eq!(urls(&index, "ສະບາຍດີ"), ["lao/"]);
    assert_eq!(urls(&index, &latin), ["latin/"]);
    let hit = &query_files(&files, &latin).hits[0];
    assert!(hit.snippet.chars().count() <= 170, "{}", hit.snippet.len());
    // The fragment keeps the beginning of the text: 300 chars (Lao: 3 bytes each).
    let kept = files["f/1.json"].len();
    assert!((300 * 3..=300 * 3 + 100).contains(&kept), "{kept}");
}

#[test]
fn the_quick_letter_test_agrees_with_the_standard_library() {
    for c in ('\u{0}'..='\u{2FFF}').chain(['\u{1F600}', '\u{20000}']) {
        assert_eq!(
            super::words::is_alphanumeric(c),
            c.is_alphanumeric(),
            "{c:?} U+{:04X}",
            c as u32
        );
    }
}

#[test]
fn a_fragment_keeps_every_heading_and_the_beginning_of_each_part() {
    let mut d = doc("long/", "en", "Long", &"word ".repeat(2000));
    for i in 0..20 {
        d.parts.push(Part {
            anchor: format!("h{i}"),
            heading: format!("Heading {i}"),
            text: "text ".repeat(500),
            ..Part::default()
        });
    }
    let index = Index::new(&lang("en"), vec![d]);
    let files = files(&index);
    let fragment: super::index::Fragment =
        serde_json::from_slice(&files["f/0.json"]).expect("JSON");
    assert_eq!(fragment.p.len(), 21);
    assert!(fragment.p.iter().all(|p| p.text.chars().count() <= 300));
    let text: usize = fragment.p.iter().map(|p| p.text.chars().count()).sum();
    assert!(text <= 1200, "{text}");
    assert_eq!(fragment.p[20].heading, "Heading 19");
    assert_eq!(query_files(&files, "heading 19").hits[0].anchor, "h19");
}

#[test]
fn bad_queries_do_not_panic() {
    let index = Index::new(
        &lang("en"),
        vec![
            doc("a/", "en", "Setup", "Configure the gateway ́ ຳ"),
            doc("b/", "lo", "ລາວ", "ສະບາຍດີ"),
        ],
    );
    let files = files(&index);
    for q in [
        "",
        "   \t\n ",
        "!!! ,,, ??? … —",
        "\u{0}\u{1}\u{7}\u{1b}\u{7f}\u{202e}\u{feff}",
        "\u{301}\u{301}",
        "\u{0eb3}",
        "\u{948}\u{94d}",
        "a\u{301}",
    ] {
        query_files(&files, q);
        urls(&index, q);
    }
    assert!(query_files(&files, "").fetched.is_empty());
    assert!(query_files(&files, " ,.; ").hits.is_empty());
    let long = "configure ".repeat(1000);
    assert_eq!(urls(&index, &long), ["a/"]);
    urls(&index, &"ສະບາຍດີ".repeat(1500));
    urls(&index, &"x".repeat(10_000));
    // A missing or broken index is an error, not a panic.
    assert!(matches!(
        search(&|_| None, "gateway", 10),
        Err(QueryError::Missing(_))
    ));
    assert!(matches!(
        search(&|_| Some(b"[1,".to_vec()), "gateway", 10),
        Err(QueryError::Invalid { .. })
    ));
}

/// Every term in the shards of `files`, each shard's size checked against the
/// manifest and the limit.
fn shard_terms(files: &BTreeMap<String, Vec<u8>>) -> BTreeSet<String> {
    let manifest: serde_json::Value = serde_json::from_slice(&files["index.json"]).unwrap();
    let mut terms = BTreeSet::new();
    let listed = manifest["shards"].as_array().unwrap();
    assert_eq!(
        listed.len(),
        files.keys().filter(|p| p.starts_with("s/")).count()
    );
    for pair in listed {
        let key = pair[0].as_str().unwrap();
        let path = format!("s/{}.json", super::index::hex(key));
        let bytes = &files[&path];
        assert_eq!(bytes.len() as u64, pair[1].as_u64().unwrap());
        let shard: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        let t = shard["t"].as_object().unwrap();
        assert!(
            bytes.len() <= SHARD_LIMIT || t.len() == 1,
            "{key}: {}",
            bytes.len()
        );
        for term in t.keys() {
            assert!(term.starts_with(key), "{term} in {key}");
            assert!(terms.insert(term.clone()), "{term} twice");
        }
    }
    terms
}

/// Word `i` of a made-up language: letters from `i`'s digits in base 20.
fn made_up(mut i: usize, first: char) -> String {
    let mut w = String::from(first);
    loop {
        w.push(char::from(b'a' + (i % 20) as u8));
        i /= 20;
        if i == 0 {
            break w;
        }
    }
}

#[test]
fn a_large_page_splits_its_shards_and_keeps_every_word() {
    let text: Vec<String> = (0..20_000).map(|i| made_up(i, 's')).collect();
    let index = Index::new(&lang("ms"), vec![doc("big/", "ms", "", &text.join(" "))]);
    let files = files(&index);
    let terms = shard_terms(&files);
    let expected: BTreeSet<String> = text.iter().cloned().collect();
    assert_eq!(terms, expected);
    let keys = files.keys().filter(|p| p.starts_with("s/")).count();
    assert!(keys > 5, "{keys} shards");
    for w in text.iter().step_by(997).chain(text.last()) {
        assert_eq!(urls(&index, w), ["big/"], "{w}");
    }
}

#[test]
fn a_term_in_most_documents_is_capped() {
    let docs: Vec<Doc> = (0..5000)
        .map(|i| {
            let title = if i % 1000 == 7 { "common" } else { "page" };
            doc(
                &format!("p{i:05}/"),
                "ms",
                title,
                &format!("common zebra{i}"),
            )
        })
        .collect();
    let index = Index::new(&lang("ms"), docs);
    let files = files(&index);
    let shard: serde_json::Value = serde_json::from_slice(&files["s/63.json"]).unwrap();
    assert_eq!(shard["c"]["common"], 5000);
    assert_eq!(
        shard["t"]["common"].as_array().unwrap().len(),
        2 * POSTING_CAP
    );
    let found = query_files(&files, "common");
    assert_eq!(found.total, POSTING_CAP);
    // The documents with the word in their title come first.
    assert_eq!(found.hits[0].url, "p00007/");
    assert_eq!(found.hits[4].url, "p04007/");
    // A capped word filters nothing: a page beyond the cap is still found.
    assert_eq!(urls(&index, "common zebra4321"), ["p04321/"]);
    assert_eq!(urls(&index, "zebra4321 common"), ["p04321/"]);
}

#[test]
fn a_query_fetches_little_of_a_large_index() {
    let docs: Vec<Doc> = (0..3000)
        .map(|i| {
            let text: Vec<String> = (0..60)
                .map(|j| made_up((i * 7919 + j * 104_729) % 20_000, 'k'))
                .collect();
            doc(&format!("d{i}/"), "ms", &made_up(i, 't'), &text.join(" "))
        })
        .collect();
    let index = Index::new(&lang("ms"), docs);
    let files = files(&index);
    shard_terms(&files);
    let all: usize = files.values().map(Vec::len).sum();
    for q in ["kab", "taa", "kbcd", "k", "kabcd tbc"] {
        let found = query_files(&files, q);
        let shards: usize = found
            .fetched
            .iter()
            .filter(|(p, _)| p.starts_with("s/"))
            .map(|(_, n)| n)
            .sum();
        assert!(shards <= 160_000, "{q}: {shards} of {all} bytes");
        let fragments = found
            .fetched
            .iter()
            .filter(|(p, _)| p.starts_with("f/"))
            .count();
        assert!(fragments <= 10);
    }
    assert!(!query_files(&files, "kab").hits.is_empty());
}

#[test]
fn bytes_do_not_depend_on_input_order() {
    let docs: Vec<Doc> = (0..200)
        .map(|i| {
            let tag = if i % 3 == 0 { "en" } else { "lo" };
            doc(
                &format!("x/{}/", (i * 37) % 200),
                tag,
                &format!("ໜ້າ {i}"),
                &format!("ຂ້ອຍຮັກພາສາລາວ word{i} shared"),
            )
        })
        .collect();
    let mut reversed = docs.clone();
    reversed.reverse();
    let (a, b) = (
        Index::new(&lang("lo"), docs),
        Index::new(&lang("lo"), reversed),
    );
    assert_eq!(a.files("s/"), b.files("s/"));
    assert_eq!(a.single_file(), b.single_file());
    // Lao documents first: English ones have ids from `own`.
    let manifest: serde_json::Value = serde_json::from_slice(&files(&a)["index.json"]).unwrap();
    assert_eq!(manifest["own"], 133);
    let found = query_files(&files(&a), "shared");
    assert!(found.hits.iter().all(|h| h.lang.is_none()));
    assert_eq!(found.total, 200);
}

#[test]
fn replacing_a_document_gives_the_bytes_of_a_new_index() {
    let mut docs: Vec<Doc> = (0..50)
        .map(|i| {
            doc(
                &format!("a{i}/"),
                "en",
                &format!("Title {i}"),
                &format!("alpha beta{i}"),
            )
        })
        .collect();
    let mut index = Index::updatable(&lang("en"), docs.clone());
    let changed = doc("a7/", "en", "Changed", "gamma delta alpha");
    assert!(index.replace(changed.clone()));
    docs[7] = changed;
    let fresh = Index::new(&lang("en"), docs.clone());
    assert_eq!(index.files("s/"), fresh.files("s/"));
    assert_eq!(index.single_file(), fresh.single_file());
    assert_eq!(index.len(), 50);
    assert!(urls(&index, "beta7").is_empty());
    assert_eq!(urls(&index, "gamma"), ["a7/"]);
    // Unknown urls and a change of language group are declined.
    assert!(!index.replace(doc("new/", "en", "", "")));
    assert!(!index.replace(doc("a3/", "lo", "", "")));
    assert_eq!(index.files("s/"), fresh.files("s/"));
    // An index made to be written once keeps no terms: it declines, unchanged.
    let mut once = Index::new(&lang("en"), docs.clone());
    assert!(!once.replace(doc("a7/", "en", "Again", "epsilon")));
    assert_eq!(once.files("s/"), fresh.files("s/"));
    assert_eq!(
        Index::updatable(&lang("en"), docs).files("s/"),
        fresh.files("s/")
    );
}

#[test]
fn ranking_by_weight_and_own_language_first() {
    let mut keywords = doc("k/", "en", "", "");
    keywords.keywords = "invoice".into();
    let mut heading = doc("h/", "en", "", "");
    heading.parts[0].heading = "Invoice".into();
    heading.parts.push(Part {
        anchor: "billing".into(),
        heading: "Billing".into(),
        text: "Send the invoice each month.".into(),
        ..Part::default()
    });
    let index = Index::new(
        &lang("en"),
        vec![
            doc("b/", "en", "", "an invoice in the body"),
            keywords,
            heading,
            doc("t/", "en", "Invoice", ""),
            doc("z/", "ms", "Invoice", "invoice"),
        ],
    );
    assert_eq!(urls(&index, "invoice"), ["t/", "h/", "k/", "b/", "z/"]);
    let found = query_files(&files(&index), "billing");
    assert_eq!(found.hits[0].anchor, "billing");
    assert_eq!(found.hits[0].address(), "h/#billing");
    assert_eq!(found.hits[0].snippet, "Send the invoice each month.");
    let scores: Vec<f64> = query_files(&files(&index), "invoice")
        .hits
        .iter()
        .map(|h| h.score)
        .collect();
    assert!(scores[0] > scores[1] && scores[1] > scores[2] && scores[2] > scores[3]);
    assert_eq!(normalise("INVOICE"), "invoice");
}

/// Every word of the example site's pages finds its page, in each language: a word
/// cut out of its text and searched alone is segmented as it was in the text, or
/// its pieces or the pieces joined match.
#[test]
fn every_word_of_the_example_pages_finds_its_page() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/content");
    for tag in ["en", "lo", "ne", "kk", "ms", "ny"] {
        let mut docs = Vec::new();
        for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
            let entry = entry.unwrap();
            let name = entry.file_name().to_string_lossy().to_string();
            let ours = match tag {
                "en" => name.ends_with(".md") && name.split('.').count() == 2,
                _ => name.ends_with(&format!(".{tag}.md")),
            };
            if ours {
                let text = std::fs::read_to_string(entry.path()).unwrap();
                let url = entry
                    .path()
                    .strip_prefix(root)
                    .unwrap()
                    .display()
                    .to_string();
                docs.push(doc(&url, tag, "", &text));
            }
        }
        assert!(docs.len() >= 10, "{tag}: {} pages", docs.len());
        let index = Index::new(&lang(tag), docs.clone());
        let files = files(&index);
        let (mut tried, mut missed) = (0, Vec::new());
        for d in &docs {
            let text = &d.parts[0].text;
            for (_, w) in words(text).step_by(23) {
                tried += 1;
                let found = search(&|p| files.get(p).cloned(), w, usize::MAX).unwrap();
                if !found.hits.iter().any(|h| h.url == d.url) {
                    missed.push(w.to_string());
                }
            }
        }
        assert!(tried >= 100, "{tag}: {tried}");
        assert!(
            missed.is_empty(),
            "{tag}: {} of {tried}: {missed:?}",
            missed.len()
        );
    }
}

/// A small random number generator (a linear congruence), the same numbers on
/// every run.
struct Numbers(u64);

impl Numbers {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % below as u64) as usize
    }
}

/// Document `i`: `n` made-up words, most of them common, starting with a, b, k or s.
fn generated(i: usize, numbers: &mut Numbers, n: usize) -> Doc {
    let text: Vec<String> = (0..n)
        .map(|_| {
            let first = ['a', 'b', 'k', 's'][numbers.next(4)];
            let bound = numbers.next(3000) + 1;
            made_up(numbers.next(bound), first)
        })
        .collect();
    doc(&format!("g{i}/"), "ms", &made_up(i, 't'), &text.join(" "))
}

/// `files` with the files of `changed` written, its shards first removed when
/// they are all written again.
fn apply_changed(files: &mut BTreeMap<String, Vec<u8>>, changed: Changed) {
    if changed.whole {
        files.retain(|p, _| !p.starts_with("s/"));
    }
    for f in changed.files {
        let path = f.path.strip_prefix("search/x/").unwrap().to_string();
        files.insert(path, f.bytes);
    }
}

/// Replaces `doc` in `index` and `docs`, then checks that the changed files make
/// `written` the files of a new index of `docs`. Whether the shards' keys changed.
fn edit_and_check(
    index: &mut Index,
    docs: &mut [Doc],
    written: &mut BTreeMap<String, Vec<u8>>,
    at: usize,
    doc: Doc,
) -> bool {
    assert!(index.replace(doc.clone()));
    docs[at] = doc;
    let changed = index.changed_files("search/x/");
    let whole = changed.whole;
    apply_changed(written, changed);
    let expected = files(&Index::new(&lang("ms"), docs.to_vec()));
    assert_eq!(
        written.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &expected {
        assert!(written[path] == *bytes, "{path} differs");
    }
    whole
}

/// The keys of the manifest in `files`.
fn keys(files: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let manifest: serde_json::Value = serde_json::from_slice(&files["index.json"]).unwrap();
    manifest["shards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| pair[0].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn changed_files_bring_the_files_to_those_of_a_new_index() {
    let mut numbers = Numbers(21);
    let mut docs: Vec<Doc> = (0..400).map(|i| generated(i, &mut numbers, 40)).collect();
    let mut index = Index::updatable(&lang("ms"), docs.clone());
    let mut written = files(&index);
    let first_keys = keys(&written);
    assert!(
        first_keys.iter().any(|k| k.chars().count() > 1),
        "{first_keys:?}"
    );
    let mut whole = Vec::new();
    // Documents written again: their words move between shards.
    for _ in 0..25 {
        let at = numbers.next(docs.len());
        let n = 10 + numbers.next(60);
        let doc = generated(at, &mut numbers, n);
        whole.push(edit_and_check(&mut index, &mut docs, &mut written, at, doc));
    }
    assert!(whole.iter().any(|w| !w), "{whole:?}");
    // A document with thousands of new words: shards split, and a new one.
    let before = docs[7].clone();
    let mut big = generated(7, &mut numbers, 5);
    big.parts[0].text = (0..4000)
        .map(|i| made_up(i, if i % 2 == 0 { 'a' } else { 'q' }))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(edit_and_check(&mut index, &mut docs, &mut written, 7, big));
    let split = keys(&written);
    assert!(split.len() > first_keys.len() + 2, "{split:?}");
    assert!(split.iter().any(|k| k.starts_with('q')));
    // A small edit with those shards in place, then back: the shards merge.
    let small = generated(100, &mut numbers, 20);
    edit_and_check(&mut index, &mut docs, &mut written, 100, small);
    assert!(edit_and_check(
        &mut index,
        &mut docs,
        &mut written,
        7,
        before
    ));
    let merged = keys(&written);
    assert!(merged.len() < split.len());
    assert!(!merged.iter().any(|k| k.starts_with('q')));
    // Nothing replaced since: nothing written.
    let none = index.changed_files("search/x/");
    assert!(none.files.is_empty() && !none.whole);
}

#[test]
fn changed_files_of_capped_terms() {
    let mut docs: Vec<Doc> = (0..1200)
        .map(|i| {
            let title = if i % 100 == 3 { "common" } else { "page" };
            let text = format!("common shared{} word{i}", i % 3);
            doc(&format!("c{i:04}/"), "ms", title, &text)
        })
        .collect();
    let mut index = Index::updatable(&lang("ms"), docs.clone());
    let mut written = files(&index);
    let edits = [
        // Heavier: among the kept postings now.
        (1150, "common", "common common"),
        // Gone: one fewer counted, and another posting kept in its place.
        (3, "page", "shared1"),
        (40, "page", "shared0 shared0"),
        // Back again.
        (3, "common", "common"),
        (1199, "page", "common word1199"),
    ];
    for (at, title, text) in edits {
        let doc = doc(&format!("c{at:04}/"), "ms", title, text);
        assert!(!edit_and_check(
            &mut index,
            &mut docs,
            &mut written,
            at,
            doc
        ));
    }
}

#[test]
fn a_one_word_edit_writes_a_few_files() {
    let mut numbers = Numbers(5);
    let mut docs: Vec<Doc> = (0..500).map(|i| generated(i, &mut numbers, 40)).collect();
    let mut index = Index::updatable(&lang("ms"), docs.clone());
    let mut written = files(&index);
    let mut doc = docs[250].clone();
    let text = &doc.parts[0].text;
    let first = text.split(' ').next().unwrap().to_string();
    // A word other documents have, in place of the first.
    let other = docs[3].parts[0].text.split(' ').nth(2).unwrap().to_string();
    doc.parts[0].text = text.replacen(&first, &other, 1);
    assert!(index.replace(doc.clone()));
    docs[250] = doc;
    let changed = index.changed_files("search/x/");
    assert!(!changed.whole);
    let paths: Vec<&str> = changed.files.iter().map(|f| f.path.as_str()).collect();
    let shards = paths
        .iter()
        .filter(|p| p.starts_with("search/x/s/"))
        .count();
    assert!((1..=3).contains(&shards), "{paths:?}");
    let fragments = paths
        .iter()
        .filter(|p| p.starts_with("search/x/f/"))
        .count();
    assert_eq!(fragments, 1, "{paths:?}");
    assert!(paths.len() <= shards + 2, "{paths:?}");
    apply_changed(&mut written, changed);
    assert_eq!(written, files(&Index::new(&lang("ms"), docs)));
}

/// How long replacing one document and writing what changed take on an index of
/// 10,000 documents (200 words each, 150 words in most of them, capped). Prints
/// the times; run by hand:
/// `cargo test --release --lib search::tests::time_an_edit -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement, printed, not a check"]
fn time_an_edit_of_a_large_index() {
    use std::time::{Duration, Instant};
    let mut numbers = Numbers(10_000);
    let with_common = |d: &mut Doc, numbers: &mut Numbers| {
        let common: Vec<String> = (0..150)
            .filter(|i| numbers.next(100) < 20 + i % 70)
            .map(|i| made_up(i, 'c'))
            .collect();
        d.parts[0].text.push(' ');
        d.parts[0].text.push_str(&common.join(" "));
    };
    let mut docs: Vec<Doc> = (0..10_000)
        .map(|i| {
            let mut d = generated(i, &mut numbers, 200);
            with_common(&mut d, &mut numbers);
            d
        })
        .collect();
    let started = Instant::now();
    let mut index = Index::updatable(&lang("ms"), docs.clone());
    let made = started.elapsed();
    let started = Instant::now();
    let all = index.files("search/x/");
    let written = started.elapsed();
    let capped = index.postings_capped();
    let (mut replace, mut changed) = (Vec::new(), Vec::new());
    let mut sizes = Vec::new();
    for _ in 0..30 {
        let at = numbers.next(docs.len());
        let mut doc = generated(at, &mut numbers, 200);
        with_common(&mut doc, &mut numbers);
        doc.url = docs[at].url.clone();
        let started = Instant::now();
        assert!(index.replace(doc.clone()));
        replace.push(started.elapsed());
        let started = Instant::now();
        let files = index.changed_files("search/x/");
        changed.push(started.elapsed());
        sizes.push((files.files.len(), files.whole));
        docs[at] = doc;
    }
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        (v[v.len() / 2], v[v.len() - 1])
    };
    eprintln!(
        "10,000 documents: {} files, {capped} capped terms; new {made:?}, files() {written:?}",
        all.len()
    );
    eprintln!("replace (median, max): {:?}", median(&mut replace));
    eprintln!("changed_files (median, max): {:?}", median(&mut changed));
    eprintln!("files written per edit (count, whole): {sizes:?}");
}

#[test]
fn a_fragment_part_names_its_languages_only_when_they_differ() {
    use super::index::FragmentPart;
    let part = |text_lang: &str, heading_lang: &str| FragmentPart {
        anchor: "task-a".into(),
        heading: "Kickoff".into(),
        text: "A call".into(),
        text_lang: text_lang.into(),
        heading_lang: heading_lang.into(),
    };
    for (p, json) in [
        (part("", ""), r#"["task-a","Kickoff","A call"]"#),
        (part("en", ""), r#"["task-a","Kickoff","A call","en"]"#),
        (part("", "en"), r#"["task-a","Kickoff","A call","","en"]"#),
        (
            part("ms", "en"),
            r#"["task-a","Kickoff","A call","ms","en"]"#,
        ),
    ] {
        assert_eq!(serde_json::to_string(&p).unwrap(), json);
        assert_eq!(serde_json::from_str::<FragmentPart>(json).unwrap(), p);
    }
}

#[test]
fn an_index_of_documents_read_before_has_the_bytes_of_a_new_one() {
    let docs = vec![
        doc("faq/#a", "lo", "ລະຫັດຜ່ານ", "ລະບົບຈະໃຫ້ທ່ານຕັ້ງລະຫັດຜ່ານ"),
        doc("../../lo/kb/b/", "lo", "ບັນຊີ", "ຕັ້ງຄ່າບັນຊີ"),
        doc("../../kb/c/", "en", "Settings", "Every setting, running"),
    ];
    read_before_gives_the_bytes_of_a_new_index(&lang("lo"), docs);
}

/// Asserts that `docs`, each read once (in reverse order) and put together,
/// give the files of an index gathered afresh, in both forms.
fn read_before_gives_the_bytes_of_a_new_index(lang: &Lang, docs: Vec<Doc>) {
    let read: Vec<std::sync::Arc<ReadDoc>> = docs
        .iter()
        .rev()
        .map(|d| std::sync::Arc::new(Index::read(lang, d.clone())))
        .collect();
    let fresh = Index::new(lang, docs);
    let put_together = Index::of_read(lang, &read);
    assert_eq!(put_together.single_file(), fresh.single_file());
    assert_eq!(put_together.files("s/"), fresh.files("s/"));
}

#[test]
fn many_documents_read_before_give_the_bytes_of_a_new_index() {
    // Forty documents in two languages sharing many words, one without any word,
    // two at the same address: put together, they give the same postings, ids and
    // fragments as documents gathered afresh.
    let words = [
        "setup",
        "account",
        "password",
        "ລະຫັດ",
        "ບັນຊີ",
        "invoice",
        "team",
        "role",
    ];
    let mut docs: Vec<Doc> = (0..40)
        .map(|i| {
            let text: Vec<&str> = (0..(i % 7 + 1))
                .map(|j| words[(i * 3 + j * 5) % words.len()])
                .collect();
            let language = if i % 3 == 0 { "en" } else { "lo" };
            doc(
                &format!("kb/{}/", i % 37),
                language,
                words[i % words.len()],
                &text.join(" "),
            )
        })
        .collect();
    docs.push(doc("kb/empty/", "lo", "", ""));
    read_before_gives_the_bytes_of_a_new_index(&lang("lo"), docs);
}
