//! The quick reader against serde-saphyr, end to end: for the site's documents
//! changed in the ways authors break YAML (a misspelt key, a key twice, a key
//! missing, a value of the wrong type or an unknown word, a syntax slip, a tab),
//! [`super::parse`] must give exactly what serde-saphyr alone gives: the same
//! value, places included, or the same diagnostic (code, message, help, line and
//! column). The quick reader may decline any document; it may never read one
//! differently, nor read one serde-saphyr refuses (which would lose its error).
//!
//! Seeded: `GANGWAY_FUZZ_ITERATIONS` (default [`CASES`]) and `GANGWAY_FUZZ_SEED`
//! choose how many documents and which, as for the site fuzzer in `tests/it/fuzz.rs`.

use std::sync::Arc;

use serde::de::DeserializeOwned;

use super::tree::tests::{Kind, SiteDocument, site_documents};
use super::{parse, parse_slowly};
use crate::diagnostic::{Diagnostic, SourceFile};
use crate::raw::{RawArticleMeta, RawCustomer, RawFaqMeta, RawPlaybook, RawPlaybookTranslation};

/// Documents in a plain `cargo test`.
const CASES: u64 = 400;
const SEED: u64 = 0x0DD5_EED5_2026_1217;

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|t| {
            let t = t.trim();
            match t.strip_prefix("0x") {
                Some(hex) => u64::from_str_radix(hex, 16).ok(),
                None => t.parse().ok(),
            }
        })
        .unwrap_or(default)
}

/// Values of the wrong type, or words no field takes.
const WRONG_VALUES: &[&str] = &[
    "[a, b]",
    "{ k: v }",
    "123",
    "-1",
    "1.5",
    "yes",
    "true",
    "~",
    "\"\"",
    "finished",
    "2026-13-45",
    "12:30",
    "ສະບາຍດີ",
    "नमस्ते",
    "|\n  a block",
];

/// Pieces of YAML that break a document put anywhere.
const PIECES: &[&str] = &[
    ":", "- ", ": ", "#", "'", "\"", "[", "]", "{", "}", ",", "|", ">", "&a ", "*a", "!", "%", "@",
    "`", "?", "---", "...", "\t", "\r", "\u{feff}", "\u{85}", "\n  ", "\n- ",
];

/// The byte offsets of line starts.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .filter(|&i| i < text.len())
        .collect()
}

/// `text` changed in one way authors break YAML; with a word saying which.
fn break_once(rng: &mut Rng, text: &str) -> (String, &'static str) {
    let starts = line_starts(text);
    if starts.is_empty() {
        return (PIECES[rng.below(PIECES.len())].to_string(), "piece");
    }
    let start = starts[rng.below(starts.len())];
    let end = text[start..]
        .find('\n')
        .map_or(text.len(), |i| start + i + 1);
    let line = &text[start..end];
    let (before, after) = (&text[..start], &text[end..]);
    let indent = line.len() - line.trim_start_matches(' ').len();
    let body = &line[indent..];
    let key_end = body
        .find(':')
        .filter(|&i| !body.starts_with('#') && !body.starts_with('-') && !body[..i].contains(' '));
    match rng.below(9) {
        // A misspelt key: a letter doubled.
        0 if key_end.is_some_and(|k| k > 0) => {
            let k = key_end.unwrap_or(0);
            let chars: Vec<(usize, char)> = body[..k].char_indices().collect();
            let (at, c) = chars[rng.below(chars.len())];
            let changed = format!("{}{}{c}{}", &line[..indent], &body[..at], &body[at..]);
            (format!("{before}{changed}{after}"), "misspelt key")
        }
        // The value replaced by one of the wrong type.
        1 if key_end.is_some() => {
            let k = key_end.unwrap_or(0);
            let value = WRONG_VALUES[rng.below(WRONG_VALUES.len())]
                .replace('\n', &format!("\n{}", " ".repeat(indent)));
            let changed = format!("{}: {value}\n", &line[..indent + k]);
            (format!("{before}{changed}{after}"), "wrong value")
        }
        // The line twice: a duplicate key, or a list entry twice.
        2 => (format!("{before}{line}{line}{after}"), "line twice"),
        // The line gone: a missing key, or an entry gone.
        3 => (format!("{before}{after}"), "line gone"),
        // Indented one more or one less.
        4 => {
            let changed = if indent > 0 && rng.below(2) == 0 {
                line[1..].to_string()
            } else {
                format!(" {line}")
            };
            (format!("{before}{changed}{after}"), "indentation")
        }
        // A tab in the indentation.
        5 => (format!("{before}\t{line}{after}"), "tab"),
        // Cut short.
        6 => {
            let mut at = rng.below(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            (text[..at].to_string(), "cut")
        }
        // A piece of YAML syntax anywhere on the line.
        _ => {
            let mut at = start + rng.below(line.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let piece = PIECES[rng.below(PIECES.len())];
            (format!("{}{piece}{}", &text[..at], &text[at..]), "piece")
        }
    }
}

/// A diagnostic as the test compares it.
fn shown(d: &Diagnostic) -> String {
    format!(
        "{} {} | {:?} | {:?}",
        d.code,
        d.message,
        d.help,
        d.location()
    )
}

/// How both ways read `text` as `T`, shown for comparison; and which way it was.
fn both<T: DeserializeOwned + std::fmt::Debug>(file: &Arc<SourceFile>) -> (String, String, bool) {
    let len = file.text.len();
    let show = |r: Result<T, Diagnostic>| match r {
        Ok(value) => format!("ok {value:?}"),
        Err(d) => format!("error {}", shown(&d)),
    };
    let quick = super::tree::read::<T>(&file.text).is_some();
    (
        show(parse::<T>(file, 0, len)),
        show(parse_slowly::<T>(file, 0, len)),
        quick,
    )
}

/// The end-to-end comparison over seeded broken documents.
#[test]
fn quick_reader_and_serde_saphyr_give_the_same_values_and_diagnostics() {
    let seed = env_number("GANGWAY_FUZZ_SEED", SEED);
    let cases = env_number("GANGWAY_FUZZ_ITERATIONS", CASES);
    let documents: Vec<SiteDocument> = site_documents()
        .into_iter()
        .filter(|d| !d.rel.starts_with("tests/"))
        .collect();
    assert!(documents.len() > 50, "{}", documents.len());
    let mut rng = Rng(seed.max(1));
    let (mut quick_ok, mut errors) = (0, 0);
    for case in 0..cases {
        let doc = &documents[rng.below(documents.len())];
        let mut text = doc.text.clone();
        let mut how = Vec::new();
        for _ in 0..1 + rng.below(2) {
            let (changed, what) = break_once(&mut rng, &text);
            text = changed;
            how.push(what);
        }
        let file = SourceFile::new(doc.rel.clone(), text.clone());
        let (fast, slow, quick) = match doc.kind {
            Kind::Customer => both::<RawCustomer>(&file),
            Kind::Playbook => both::<RawPlaybook>(&file),
            Kind::PlaybookTranslation => both::<RawPlaybookTranslation>(&file),
            Kind::Faq => both::<RawFaqMeta>(&file),
            Kind::Article => both::<RawArticleMeta>(&file),
        };
        assert_eq!(
            fast, slow,
            "GANGWAY_FUZZ_SEED={seed:#x}, case {case}: {} broken by {how:?}:\n{text}",
            doc.rel
        );
        quick_ok += usize::from(quick);
        errors += usize::from(slow.starts_with("error"));
    }
    // The comparison means something only if both kinds of outcome are common.
    let cases = cases as usize;
    assert!(quick_ok > cases / 10, "read quickly: {quick_ok} of {cases}");
    assert!(errors > cases / 4, "with a diagnostic: {errors} of {cases}");
}

/// Breakages the quick reader must not read past (each once had to be left to
/// serde-saphyr): a key twice, a misspelt key, a wrong type, an unknown status.
#[test]
fn known_breakages_give_serde_saphyrs_diagnostics() {
    let base = "name: Acme\nplaybook: saas\nkickoff: 2026-12-01\n";
    for (text, code, line) in [
        (format!("{base}name: Other\n"), "duplicate-key", 4),
        (format!("{base}lanugage: en\n"), "unknown-key", 4),
        (format!("{base}languages: en\n"), "wrong-type", 4),
        (
            format!("{base}progress:\n  a: {{ status: finished }}\n"),
            "invalid-value",
            5,
        ),
        (
            "name: Acme\nkickoff: 2026-12-01\n".to_string(),
            "missing-key",
            2,
        ),
    ] {
        let file = SourceFile::new("customers/acme.yaml", text.clone());
        let (fast, slow, _) = both::<RawCustomer>(&file);
        assert_eq!(fast, slow, "{text}");
        let d = parse::<RawCustomer>(&file, 0, text.len()).unwrap_err();
        assert_eq!(d.code, code, "{text}");
        assert_eq!(d.location().map(|l| l.1), Some(line), "{text}: {d:?}");
    }
}
