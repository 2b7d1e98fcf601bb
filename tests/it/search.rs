//! Search, measured on the example site's own text in every language: words
//! from the middle of sentences (in Lao, from inside runs written without
//! spaces), partial words, headings (landing on their section), words with tone
//! marks, Devanagari conjuncts and Kazakh letters must each find their page.
//! Recall per language is printed (`cargo test search -- --nocapture`).
//!
//! Also: what the public index may hold (public pages only), the portals' own
//! indexes, and queries of any bytes.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use gangway::build::SearchIndex;
use icu_segmenter::WordSegmenter;
use icu_segmenter::options::WordBreakInvariantOptions;

use crate::harness::*;

const LANGUAGES: [&str; 6] = ["en", "ms", "ne", "kk", "lo", "ny"];

/// The example site's index in each language, made once.
fn index(lang: &str) -> &'static SearchIndex {
    static INDEXES: OnceLock<BTreeMap<String, SearchIndex>> = OnceLock::new();
    let all = INDEXES.get_or_init(|| {
        let site = Site::example();
        LANGUAGES
            .iter()
            .map(|l| {
                let searched = gangway::build::search(site.tree(), &site.options(), Some(l));
                let index = searched
                    .index
                    .unwrap_or_else(|| panic!("no index for {l}: {:?}", searched.diagnostics));
                (l.to_string(), index)
            })
            .collect()
    });
    &all[lang]
}

/// The example site's output, built once.
fn example() -> &'static Files {
    static FILES: OnceLock<Files> = OnceLock::new();
    FILES.get_or_init(|| Site::example().build().ok())
}

/// An article of the example in one language: its address and its text.
struct Article {
    url: String,
    headings: Vec<String>,
    /// The body's lines of running text (no headings, lists markers or links' targets).
    lines: Vec<String>,
}

/// The knowledge-base articles written in `lang` (not falling back to another).
fn articles(lang: &str) -> Vec<Article> {
    let site = Site::example();
    let mut out = Vec::new();
    for (path, bytes) in site.tree().iter() {
        let Some(rest) = path.strip_prefix("content/kb/") else {
            continue;
        };
        let Some(stem) = rest.strip_suffix(".md") else {
            continue;
        };
        let (name, file_lang) = match stem.rsplit_once('.') {
            Some((name, l)) => (name, l),
            None => (stem, "en"),
        };
        if file_lang != lang || name.starts_with('_') {
            continue;
        }
        let text = String::from_utf8_lossy(bytes);
        let body = without_comments(text.splitn(3, "---").nth(2).unwrap_or_default());
        let prefix = if lang == "en" {
            String::new()
        } else {
            format!("{lang}/")
        };
        let mut article = Article {
            url: format!("{prefix}kb/{name}/"),
            headings: Vec::new(),
            lines: Vec::new(),
        };
        for line in body.lines().map(str::trim) {
            if let Some(h) = line
                .strip_prefix("## ")
                .or_else(|| line.strip_prefix("### "))
            {
                // Without a heading attribute (`{#id}`), which the page does not show.
                let h = h.split(" {#").next().unwrap_or(h);
                article.headings.push(h.trim().to_string());
            } else if !line.is_empty() && !line.starts_with(['|', '`', '<', '>', '#', '!']) {
                article.lines.push(plain(line));
            }
        }
        out.push(article);
    }
    out
}

/// Markdown without its HTML comments (notes to translators the page does not show).
fn without_comments(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        rest = rest[start..]
            .find("-->")
            .map_or("", |end| &rest[start + end + 3..]);
    }
    out.push_str(rest);
    out
}

/// A line of Markdown without its markup: link targets, emphasis and list markers.
fn plain(line: &str) -> String {
    let mut out = String::new();
    let mut skip = false;
    let mut prev = ' ';
    for c in line.chars() {
        match c {
            '(' if prev == ']' => skip = true,
            ')' if skip => skip = false,
            _ if skip => {}
            '*' | '_' | '[' | ']' | '`' => out.push(' '),
            _ => out.push(c),
        }
        prev = c;
    }
    out.trim_start_matches(['-', '+', ' '])
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.')
        .trim()
        .to_string()
}

/// The words of `text` as ICU's dictionary segmenter finds them (the words a
/// reader of Lao sees inside a run written without spaces).
fn words(text: &str) -> Vec<String> {
    let segmenter = WordSegmenter::new_dictionary(WordBreakInvariantOptions::default());
    let breaks: Vec<usize> = segmenter.segment_str(text).collect();
    breaks
        .windows(2)
        .map(|w| text[w[0]..w[1]].to_string())
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .collect()
}

/// Words taken from the middle of the article's sentences: never a line's first
/// or last word; for Lao, only words inside a run without spaces.
fn middle_words(article: &Article, lang: &str) -> Vec<String> {
    let mut probes = Vec::new();
    for line in &article.lines {
        if lang == "lo" {
            for run in line.split_whitespace() {
                let inside = words(run);
                if inside.len() >= 3 {
                    probes.extend(inside[1..inside.len() - 1].iter().cloned());
                }
            }
        } else {
            let all = words(line);
            if all.len() >= 3 {
                probes.extend(all[1..all.len() - 1].iter().cloned());
            }
        }
    }
    // Every third word, so each article gives a handful from every part of it.
    probes.into_iter().step_by(3).collect()
}

/// Whether a query finds `url` (at any rank: every match is returned).
fn finds(lang: &str, query: &str, url: &str) -> bool {
    index(lang).query(query).iter().any(|h| h.url == url)
}

/// Runs every probe of a kind, printing recall and returning the misses.
fn recall(lang: &str, kind: &str, probes: &[(String, String)]) -> Vec<String> {
    let misses: Vec<String> = probes
        .iter()
        .filter(|(q, url)| !finds(lang, q, url))
        .map(|(q, url)| format!("{q:?} -> {url}"))
        .collect();
    println!(
        "search recall {lang} {kind}: {}/{} ({:.1}%)",
        probes.len() - misses.len(),
        probes.len(),
        100.0 * (probes.len() - misses.len()) as f64 / probes.len().max(1) as f64
    );
    misses
}

#[test]
fn every_language_finds_words_from_the_middle_of_its_sentences() {
    let mut misses = Vec::new();
    for lang in LANGUAGES {
        let probes: Vec<(String, String)> = articles(lang)
            .iter()
            .flat_map(|a| {
                middle_words(a, lang)
                    .into_iter()
                    .map(|w| (w, a.url.clone()))
            })
            .collect();
        assert!(
            probes.len() >= 30,
            "{lang}: only {} probe words",
            probes.len()
        );
        misses.extend(recall(lang, "words", &probes));
    }
    assert!(misses.is_empty(), "not found: {misses:#?}");
}

#[test]
fn partial_words_find_their_pages() {
    let mut misses = Vec::new();
    for lang in LANGUAGES {
        let probes: Vec<(String, String)> = articles(lang)
            .iter()
            .flat_map(|a| {
                middle_words(a, lang).into_iter().filter_map(|w| {
                    let chars: Vec<char> = w.chars().collect();
                    (chars.len() >= 5).then(|| {
                        let keep = chars.len() * 2 / 3;
                        (chars[..keep].iter().collect(), a.url.clone())
                    })
                })
            })
            .collect();
        assert!(
            probes.len() >= 10,
            "{lang}: only {} partial words",
            probes.len()
        );
        misses.extend(recall(lang, "partial words", &probes));
    }
    assert!(misses.is_empty(), "not found: {misses:#?}");
}

#[test]
fn headings_find_their_page_and_land_on_their_section() {
    let files = example();
    let mut misses = Vec::new();
    for lang in LANGUAGES {
        let mut total = 0;
        for article in articles(lang) {
            for heading in &article.headings {
                total += 1;
                let hits = index(lang).query(heading);
                let Some(hit) = hits.iter().find(|h| h.url == article.url) else {
                    misses.push(format!("{lang}: {heading:?} does not find {}", article.url));
                    continue;
                };
                let page = files.page(&format!("{}index.html", article.url));
                if hit.anchor.is_empty() || !page.contains(&format!("id=\"{}\"", hit.anchor)) {
                    misses.push(format!(
                        "{lang}: {heading:?} lands on {:?}, not a section of {}",
                        hit.anchor, article.url
                    ));
                }
            }
        }
        assert!(total >= 5, "{lang}: only {total} headings");
        println!("search recall {lang} headings: {total} headings checked");
    }
    assert!(misses.is_empty(), "{misses:#?}");
}

/// Probe words of a language that hold one of `marks`, with their pages.
fn words_with(lang: &str, marks: &dyn Fn(char) -> bool) -> Vec<(String, String)> {
    let mut seen = BTreeSet::new();
    articles(lang)
        .iter()
        .flat_map(|a| {
            a.lines
                .iter()
                .flat_map(|l| words(l))
                .filter(|w| w.chars().any(marks))
                .map(|w| (w, a.url.clone()))
                .collect::<Vec<_>>()
        })
        .filter(|p| seen.insert(p.clone()))
        .collect()
}

#[test]
fn tone_marks_conjuncts_and_kazakh_letters_are_found() {
    let lao_tones = |c: char| ('\u{0EC8}'..='\u{0ECB}').contains(&c);
    let virama = |c: char| c == '\u{094D}';
    let kazakh = |c: char| "әғқңөұүһіӘҒҚҢӨҰҮҺІ".contains(c);
    let mut misses = Vec::new();
    for (lang, kind, marks) in [
        ("lo", "tone marks", &lao_tones as &dyn Fn(char) -> bool),
        ("ne", "conjuncts", &virama),
        ("kk", "Kazakh letters", &kazakh),
    ] {
        let probes = words_with(lang, marks);
        assert!(
            probes.len() >= 20,
            "{lang}: only {} words with {kind}",
            probes.len()
        );
        misses.extend(recall(lang, kind, &probes));
        // Upper case finds the same pages (Kazakh, Malay, Chichewa have case).
        let upper: Vec<(String, String)> = probes
            .iter()
            .map(|(w, url)| (w.to_uppercase(), url.clone()))
            .collect();
        misses.extend(recall(lang, &format!("{kind}, upper case"), &upper));
    }
    assert!(misses.is_empty(), "not found: {misses:#?}");
}

#[test]
fn lao_written_with_decomposed_am_or_ho_ligatures_finds_the_composed_word() {
    // ຳ (U+0EB3) is also written ໍ + າ, and ໜ (U+0EDC) as ຫ + ນ: a reader's
    // keyboard gives either form.
    let composed = words_with("lo", &|c| c == '\u{0EB3}' || c == '\u{0EDC}');
    assert!(composed.len() >= 5, "{composed:?}");
    let decomposed: Vec<(String, String)> = composed
        .iter()
        .map(|(w, url)| {
            (
                w.replace('\u{0EB3}', "\u{0ECD}\u{0EB2}")
                    .replace('\u{0EDC}', "\u{0EAB}\u{0E99}"),
                url.clone(),
            )
        })
        .collect();
    assert_ne!(composed, decomposed);
    let misses = recall("lo", "decomposed spellings", &decomposed);
    assert!(misses.is_empty(), "not found: {misses:#?}");
}

#[test]
fn english_finds_other_forms_of_a_word() {
    // The example's English articles say "configure"/"configuration" and
    // "invite"/"invitation"-style forms; stemming finds one from the other.
    let hits = index("en").query("configurations");
    assert!(!hits.is_empty(), "no page for \"configurations\"");
    let plural = index("en").query("administrators");
    let singular = index("en").query("administrator");
    let urls =
        |h: &[gangway::build::SearchHit]| h.iter().map(|h| h.url.clone()).collect::<BTreeSet<_>>();
    assert!(!singular.is_empty());
    assert_eq!(urls(&plural), urls(&singular));
}

#[test]
fn queries_of_any_bytes_do_not_fail() {
    let long = "ກ".repeat(10_000);
    let queries = [
        "",
        "   ",
        "!!! ??? ...",
        "\u{0}\u{1}\u{7f}",
        "\u{0301}\u{0EC8}",
        "\u{FFFD}\u{FEFF}",
        long.as_str(),
        "a b c d e f g h i j k l m n o p",
        "<script>alert(1)</script>",
    ];
    for lang in LANGUAGES {
        for q in queries {
            // Any answer is fine; not failing is the point, and nothing matches
            // punctuation alone.
            let hits = index(lang).query(q);
            if q.trim().is_empty() || q.starts_with('!') {
                assert!(hits.is_empty(), "{lang} {q:?}: {hits:?}");
            }
        }
    }
}

/// The `name:` of every customer file of the example.
fn customer_names() -> Vec<String> {
    let site = Site::example();
    site.tree()
        .iter()
        .filter(|(p, _)| p.starts_with("customers/"))
        .filter_map(|(_, bytes)| {
            let text = String::from_utf8_lossy(bytes);
            text.lines()
                .find_map(|l| l.strip_prefix("name:"))
                .map(|n| n.trim().trim_matches('"').to_string())
        })
        .collect()
}

#[test]
fn the_public_index_leads_to_public_pages_only_and_names_no_customer() {
    let files = example();
    let search: Vec<&str> = files
        .paths()
        .into_iter()
        .filter(|p| p.starts_with("search/"))
        .collect();
    for lang in LANGUAGES {
        assert!(files.has(&format!("search/{lang}/index.json")), "{lang}");
    }
    let mut fragments = 0;
    for path in &search {
        let text = files.file(path);
        for (customer, dir) in &files.portals {
            let token = dir.trim_start_matches("p/").trim_end_matches('/');
            assert!(!text.contains(token), "{path} holds {customer}'s address");
        }
        for name in customer_names() {
            assert!(!text.contains(&name), "{path} holds {name:?}");
        }
        if path.contains("/f/") {
            fragments += 1;
            let fragment: serde_json::Value = serde_json::from_str(&text).expect("JSON");
            let url = fragment["u"].as_str().expect("an address");
            let page = url.split('#').next().unwrap_or_default();
            assert!(!url.starts_with("p/"), "{path} leads to {url}");
            assert!(
                files.has(&format!("{page}index.html")),
                "{path}: {url} is no page"
            );
        }
    }
    // Every article, FAQ entry and playbook preview of every language, and the home pages.
    assert!(fragments >= 6 * 30, "{fragments} documents");
}

#[test]
fn each_portal_searches_the_faq_entries_and_guides_it_shows() {
    let files = example();
    let names = customer_names();
    assert!(files.portals.len() >= 5);
    for (customer, dir) in &files.portals {
        let index: serde_json::Value =
            serde_json::from_str(&files.file(&format!("{dir}search.json"))).expect("JSON");
        let faq_page = files.page(&format!("{dir}faq/index.html"));
        let fragments = index["f"]
            .as_array()
            .expect("the portal form holds its fragments");
        assert!(!fragments.is_empty(), "{customer}: an empty index");
        for fragment in fragments {
            let url = fragment["u"].as_str().expect("an address");
            if let Some(entry) = url.strip_prefix("faq/#") {
                assert!(
                    faq_page.contains(&format!("id=\"{entry}\"")),
                    "{customer}: {entry} is not on the portal's FAQ page"
                );
            } else {
                // A guide: a public article, addressed from the portal's folder.
                let depth = dir.matches('/').count();
                let public = url.strip_prefix(&"../".repeat(depth)).unwrap_or(url);
                assert!(
                    files.has(&format!("{public}index.html")) && !public.starts_with("p/"),
                    "{customer}: {url}"
                );
            }
        }
        let text = files.file(&format!("{dir}search.json"));
        for name in &names {
            assert!(
                !text.contains(name.as_str()),
                "{customer}'s index names {name}"
            );
        }
    }
}

#[test]
fn an_encrypted_portals_index_is_encrypted_with_it_and_search_can_be_turned_off() {
    let site = Site::new()
        .append(
            "customers/acme.yaml",
            "encrypt:\n  passphrase_env: ACME_PASSPHRASE\n",
        )
        .env("ACME_PASSPHRASE", "a passphrase long enough for the test");
    let files = site.build().ok();
    let dir = files.portal("acme");
    assert!(files.has(&format!("{dir}search.json.enc")));
    assert!(!files.has(&format!("{dir}search.json")));
    assert!(files.has("search/en/index.json"));
    let off = site
        .append(
            "gangway.toml",
            "\n[search]\nenabled = false\nportal = false\n",
        )
        .build()
        .ok();
    let left: Vec<&str> = off
        .paths()
        .into_iter()
        .filter(|p| p.contains("search"))
        .collect();
    assert_eq!(left, Vec::<&str>::new());
}
