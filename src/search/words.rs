//! Words of any script, their normal form and their stems: the terms of the index
//! and the words of a query are made here, the same way for both.

use std::borrow::Cow;
use std::sync::LazyLock;

use icu_normalizer::ComposingNormalizerBorrowed;
use icu_segmenter::WordSegmenter;
use icu_segmenter::WordSegmenterBorrowed;
use icu_segmenter::options::WordBreakInvariantOptions;
use rust_stemmers::Algorithm;

use crate::lang::Lang;

/// The longest term, in chars: longer words are cut (the query's words too).
pub(crate) const MAX_WORD_CHARS: usize = 64;

/// NFKC: one form for compatibility variants, so Lao's ຳ and ໍ + າ, or ໜ and ຫ + ນ,
/// are one letter.
const NFKC: ComposingNormalizerBorrowed<'static> = ComposingNormalizerBorrowed::new_nfkc();

/// ICU's word segmenter with the dictionary model for every script written without
/// spaces (Lao, Thai, Khmer, Burmese, Chinese, Japanese), the rules elsewhere.
static SEGMENTER: LazyLock<WordSegmenterBorrowed<'static>> =
    LazyLock::new(|| WordSegmenter::new_dictionary(WordBreakInvariantOptions::default()));

/// The words of `text`: each with its byte offset, as written. A word is a segment
/// that holds a letter or a number (`char::is_alphanumeric`); ICU's "word-like"
/// flag is not asked, since it drops some Nepali words (icu4x#8321).
pub(crate) fn words(text: &str) -> impl Iterator<Item = (usize, &str)> + '_ {
    let mut previous: Option<usize> = None;
    SEGMENTER.segment_str(text).filter_map(move |at| {
        let start = previous.replace(at)?;
        let word = &text[start..at];
        word.chars()
            .any(char::is_alphanumeric)
            .then_some((start, word))
    })
}

/// `text` in NFKC (borrowed when it already is).
pub(crate) fn nfkc(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        Cow::Borrowed(text)
    } else {
        NFKC.normalize(text)
    }
}

/// A word's normal form: NFKC, lower case (`str::to_lowercase`, JavaScript's
/// `toLowerCase`), at most [`MAX_WORD_CHARS`] chars.
pub(crate) fn normalise(word: &str) -> String {
    let mut out = String::new();
    lower_into(&nfkc(word), &mut out);
    out
}

/// Appends the lower case of `word` (already NFKC), cut to [`MAX_WORD_CHARS`] chars,
/// to `out`, which is cleared first. No allocation once `out` is large enough,
/// except for words with a capital sigma, whose lower case depends on its place.
pub(crate) fn lower_into(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        let end = word.len().min(MAX_WORD_CHARS);
        out.push_str(&word[..end]);
        out.make_ascii_lowercase();
        return;
    }
    if word.contains('Σ') {
        out.extend(word.to_lowercase().chars().take(MAX_WORD_CHARS));
        return;
    }
    out.extend(
        word.chars()
            .flat_map(char::to_lowercase)
            .take(MAX_WORD_CHARS),
    );
}

/// Cuts `word` to at most `max` chars.
pub(crate) fn cut(word: &str, max: usize) -> &str {
    match word.char_indices().nth(max) {
        Some((at, _)) => &word[..at],
        None => word,
    }
}

/// The Snowball stemmers: the primary subtags they serve, their names.
const STEMMERS: &[(&[&str], &str, Algorithm)] = &[
    (&["ar"], "arabic", Algorithm::Arabic),
    (&["da"], "danish", Algorithm::Danish),
    (&["nl"], "dutch", Algorithm::Dutch),
    (&["en"], "english", Algorithm::English),
    (&["fi"], "finnish", Algorithm::Finnish),
    (&["fr"], "french", Algorithm::French),
    (&["de"], "german", Algorithm::German),
    (&["el"], "greek", Algorithm::Greek),
    (&["hu"], "hungarian", Algorithm::Hungarian),
    (&["it"], "italian", Algorithm::Italian),
    (&["no", "nb", "nn"], "norwegian", Algorithm::Norwegian),
    (&["pt"], "portuguese", Algorithm::Portuguese),
    (&["ro"], "romanian", Algorithm::Romanian),
    (&["ru"], "russian", Algorithm::Russian),
    (&["es"], "spanish", Algorithm::Spanish),
    (&["sv"], "swedish", Algorithm::Swedish),
    (&["ta"], "tamil", Algorithm::Tamil),
    (&["tr"], "turkish", Algorithm::Turkish),
];

/// A Snowball stemmer, for a language that has one.
pub(crate) struct Stemmer {
    name: &'static str,
    stemmer: rust_stemmers::Stemmer,
}

impl Stemmer {
    /// The stemmer of `lang`'s primary subtag (`en` → English), if Snowball has one.
    pub fn for_lang(lang: &Lang) -> Option<Stemmer> {
        let primary = lang.as_str().split('-').next().unwrap_or("");
        STEMMERS
            .iter()
            .find(|(tags, _, _)| tags.contains(&primary))
            .map(|&(_, name, algorithm)| Stemmer {
                name,
                stemmer: rust_stemmers::Stemmer::create(algorithm),
            })
    }

    /// The stemmer a manifest names (`english`); none for `none` or an unknown name.
    pub fn for_name(name: &str) -> Option<Stemmer> {
        STEMMERS
            .iter()
            .find(|(_, n, _)| *n == name)
            .map(|&(_, name, algorithm)| Stemmer {
                name,
                stemmer: rust_stemmers::Stemmer::create(algorithm),
            })
    }

    /// The algorithm's name as the manifest gives it (`english`).
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The stem of a normalised word.
    pub fn stem<'a>(&self, word: &'a str) -> Cow<'a, str> {
        self.stemmer.stem(word)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(text: &str) -> Vec<&str> {
        words(text).map(|(_, w)| w).collect()
    }

    #[test]
    fn words_of_spaced_and_unspaced_scripts() {
        assert_eq!(list("Hello, world! 42"), ["Hello", "world", "42"]);
        // Lao without spaces: several words, each a part of the run.
        let lao = "ຂ້ອຍຮັກພາສາລາວ";
        let found = list(lao);
        assert!(found.len() >= 3, "{found:?}");
        assert_eq!(found.concat(), lao);
        // Offsets point at the word.
        for (at, w) in words("a bb, ccc") {
            assert_eq!(&"a bb, ccc"[at..at + w.len()], w);
        }
        assert!(list("  ,.;! ").is_empty());
        assert!(list("").is_empty());
    }

    #[test]
    fn normal_form() {
        assert_eq!(normalise("Configuration"), "configuration");
        // Composed and decomposed Lao are one.
        assert_eq!(normalise("ຄຳ"), normalise("ຄໍາ"));
        assert_eq!(normalise("ໜ້າ"), normalise("ຫນ້າ"));
        // Kazakh capitals.
        assert_eq!(normalise("ӘҒҚҢӨҰҮҺІ"), "әғқңөұүһі");
        // Final sigma as str::to_lowercase writes it.
        assert_eq!(normalise("ΟΔΟΣ"), "οδος");
        assert_eq!(normalise(&"x".repeat(100)).len(), MAX_WORD_CHARS);
        assert_eq!(normalise(&"ລ".repeat(100)).chars().count(), MAX_WORD_CHARS);
        assert_eq!(cut("abc", 2), "ab");
        assert_eq!(cut("ab", 5), "ab");
    }

    #[test]
    fn stemmers_by_primary_subtag() {
        let en = Stemmer::for_lang(&Lang::parse("en-GB").unwrap()).unwrap();
        assert_eq!(en.name(), "english");
        assert_eq!(en.stem("configurations"), en.stem("configure"));
        assert_eq!(Stemmer::for_name("english").unwrap().name(), "english");
        assert!(Stemmer::for_name("none").is_none());
        for (_, name, _) in STEMMERS {
            assert_eq!(Stemmer::for_name(name).unwrap().name(), *name);
        }
        for none in ["ms", "ne", "kk", "lo", "ny"] {
            assert!(Stemmer::for_lang(&Lang::parse(none).unwrap()).is_none());
        }
    }
}
