//! Words of any script, their normal form and their stems: the terms of the index
//! and the words of a query are made here, the same way for both.

use std::borrow::Cow;
use std::sync::LazyLock;

use icu_normalizer::ComposingNormalizerBorrowed;
use icu_properties::props::{GeneralCategory, GeneralCategoryGroup};
use icu_properties::{CodePointMapData, CodePointMapDataBorrowed};
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
/// spaces (Lao, Thai, Khmer, Burmese, Chinese, Japanese).
static SEGMENTER: LazyLock<WordSegmenterBorrowed<'static>> =
    LazyLock::new(|| WordSegmenter::new_dictionary(WordBreakInvariantOptions::default()));

/// Zero-width non-joiner and joiner: inside words of Indic and Arabic scripts.
const JOINERS: [char; 2] = ['\u{200C}', '\u{200D}'];

/// The words of `text`, each with its byte offset, as written. A run of letters,
/// marks, numbers and zero-width (non-)joiners is a word, unless it holds a letter
/// of a script written without spaces (Lao, Thai, Khmer, Burmese, Chinese,
/// Japanese): such a run is cut into words by ICU's dictionaries. A word holds a
/// letter or number. `search.js` splits a query the same way (its `words`), so
/// a query's words are the index's terms whatever the browser's segmenter does
/// with punctuation inside spaced words (`don't`, `3.5`).
pub(crate) fn words(text: &str) -> impl Iterator<Item = (usize, &str)> + '_ {
    let mut out = Vec::new();
    each_word(text, |at, word| out.push((at, word)));
    out.into_iter()
}

/// Gives each of the [`words`] of `text` to `each`, with its byte offset.
pub(crate) fn each_word<'t>(text: &'t str, mut each: impl FnMut(usize, &'t str)) {
    let mut run: Option<Run> = None;
    let classes = &*CLASSES;
    for (at, c) in text.char_indices() {
        let (kind, unspaced) = match classes.get(c as usize) {
            Some(&class) => class,
            None => (kind(c), needs_dictionary(c)),
        };
        if kind == Kind::Other {
            if let Some(r) = run.take() {
                r.push(text, at, &mut each);
            }
            continue;
        }
        let r = run.get_or_insert(Run {
            start: at,
            letters: false,
            unspaced: false,
        });
        r.letters |= kind == Kind::Letter;
        r.unspaced |= unspaced;
    }
    if let Some(r) = run {
        r.push(text, text.len(), &mut each);
    }
}

/// A run of word chars being read.
struct Run {
    start: usize,
    /// Whether it holds a letter or number (general category L or N).
    letters: bool,
    /// Whether it holds a letter of a script written without spaces.
    unspaced: bool,
}

impl Run {
    /// Gives the words of the run, which ends at `end`, to `each`.
    fn push<'t>(&self, text: &'t str, end: usize, each: &mut impl FnMut(usize, &'t str)) {
        let run = &text[self.start..end];
        if !self.unspaced {
            // A run of marks alone may still hold an alphabetic one.
            if self.letters || run.chars().any(is_alphanumeric) {
                each(self.start, run);
            }
            return;
        }
        let mut previous: Option<usize> = None;
        for at in SEGMENTER.segment_str(run) {
            if let Some(from) = previous.replace(at) {
                let word = &run[from..at];
                if word.chars().any(is_alphanumeric) {
                    each(self.start + from, word);
                }
            }
        }
    }
}

/// What a char is to the word splitter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A letter or number.
    Letter,
    /// A mark or zero-width (non-)joiner: inside a word, not one alone.
    Inside,
    /// Anything else separates words.
    Other,
}

/// The chars below this are classified by a table ([`CLASSES`]): every script of
/// Europe, Africa, South and South-East Asia; those above it ([`kind`]) by ICU's
/// data each time.
const TABLED: u32 = 0x3040;

/// What each char below [`TABLED`] is to the word splitter: its [`Kind`] and
/// whether it is of a script written without spaces, made once from ICU's data.
static CLASSES: LazyLock<Box<[(Kind, bool)]>> = LazyLock::new(|| {
    (0..TABLED)
        .map(|n| char::from_u32(n).map_or((Kind::Other, false), |c| (kind(c), needs_dictionary(c))))
        .collect()
});

/// Unicode's general categories, from ICU's data (one table lookup a char).
const CATEGORIES: CodePointMapDataBorrowed<'static, GeneralCategory> =
    CodePointMapData::<GeneralCategory>::new();

/// What `c` is to the word splitter: general categories L and N are letters, M
/// and the zero-width (non-)joiners are inside words (JavaScript:
/// `[\p{L}\p{N}]` and `[\p{M}\u200C\u200D]`).
fn kind(c: char) -> Kind {
    if c.is_ascii() {
        return if c.is_ascii_alphanumeric() {
            Kind::Letter
        } else {
            Kind::Other
        };
    }
    let category = CATEGORIES.get(c);
    if GeneralCategoryGroup::Letter.contains(category)
        || GeneralCategoryGroup::Number.contains(category)
    {
        Kind::Letter
    } else if GeneralCategoryGroup::Mark.contains(category) || JOINERS.contains(&c) {
        Kind::Inside
    } else {
        Kind::Other
    }
}

/// Is `c` part of a word (a letter, mark or number, or a zero-width
/// (non-)joiner)?
#[cfg(test)]
pub(crate) fn is_word_char(c: char) -> bool {
    kind(c) != Kind::Other
}

/// Is `c` a letter of a script written without spaces, which ICU's dictionaries
/// cut into words: Thai, Lao, Burmese, Khmer, Han, Hiragana, Katakana?
pub(crate) fn needs_dictionary(c: char) -> bool {
    matches!(
        c,
        '\u{0E00}'..='\u{0EFF}'
            | '\u{1000}'..='\u{109F}'
            | '\u{A9E0}'..='\u{A9FF}'
            | '\u{AA60}'..='\u{AA7F}'
            | '\u{1780}'..='\u{17FF}'
            | '\u{19E0}'..='\u{19FF}'
            | '\u{3040}'..='\u{30FF}'
            | '\u{31F0}'..='\u{31FF}'
            | '\u{3400}'..='\u{4DBF}'
            | '\u{4E00}'..='\u{9FFF}'
            | '\u{F900}'..='\u{FAFF}'
            | '\u{FF66}'..='\u{FF9F}'
            | '\u{20000}'..='\u{2FFFF}'
    )
}

/// `char::is_alphanumeric`, answered at once for ASCII and for the letters that
/// begin most words of the scripts written without spaces here (Thai and Lao
/// consonants and leading vowels) and of Devanagari and Cyrillic.
pub(crate) fn is_alphanumeric(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    matches!(
        c,
        '\u{0E01}'..='\u{0E2E}'
            | '\u{0E40}'..='\u{0E44}'
            | '\u{0E81}'..='\u{0E82}'
            | '\u{0E84}'
            | '\u{0E86}'..='\u{0E8A}'
            | '\u{0E8C}'..='\u{0EA3}'
            | '\u{0EA5}'
            | '\u{0EA7}'..='\u{0EAE}'
            | '\u{0EC0}'..='\u{0EC4}'
            | '\u{0904}'..='\u{0939}'
            | '\u{0410}'..='\u{044F}'
    ) || c.is_alphanumeric()
}

/// The pairs of letters [`dictionary_form`] writes as one: Lao ຫນ, ຫມ and ໍາ, and
/// Thai ํา.
const PAIRS: [(&str, &str); 4] = [
    ("\u{0EAB}\u{0E99}", "\u{0EDC}"),
    ("\u{0EAB}\u{0EA1}", "\u{0EDD}"),
    ("\u{0ECD}\u{0EB2}", "\u{0EB3}"),
    ("\u{0E4D}\u{0E32}", "\u{0E33}"),
];

/// The last bytes of the pairs' first letters (ຫ, ໍ, ํ in UTF-8), looked for first.
const PAIR_MARKS: (u8, u8) = (0xAB, 0x8D);

/// `text` in the form the segmenter's dictionaries know: Lao ຫນ, ຫມ and ໍາ, and
/// Thai ํา, as the single letters ໜ, ໝ, ຳ and ำ. NFKC writes those letters as two,
/// and in that form the dictionary finds no words around them; so text is put in
/// this form before it is segmented (documents and queries alike), and each word
/// is put in NFKC afterwards ([`normalise`]), where both spellings are one.
pub(crate) fn dictionary_form(text: &str) -> Cow<'_, str> {
    if !has_pair(text.as_bytes()) {
        return Cow::Borrowed(text);
    }
    let mut out = text.to_string();
    for (two, one) in PAIRS {
        if out.contains(two) {
            out = out.replace(two, one);
        }
    }
    Cow::Owned(out)
}

/// Does `text` hold one of the [`PAIRS`]? One pass over the bytes for the last
/// byte of a pair's first letter ([`PAIR_MARKS`]), then a look at what is there.
fn has_pair(text: &[u8]) -> bool {
    memchr::memchr2_iter(PAIR_MARKS.0, PAIR_MARKS.1, text).any(|at| {
        at >= 2
            && PAIRS
                .iter()
                .any(|(two, _)| text[at - 2..].starts_with(two.as_bytes()))
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
    // No more bytes than `max`: no more chars.
    if word.len() <= max {
        return word;
    }
    // Counted by the bytes that begin a char.
    let mut chars = 0;
    for (at, &b) in word.as_bytes().iter().enumerate() {
        if b & 0xC0 != 0x80 {
            if chars == max {
                return &word[..at];
            }
            chars += 1;
        }
    }
    word
}

/// How well the term `term` matches the query word `word` (rule 4 of the
/// search's contract): equal 1.0, the term extends the word 0.6, or, when the
/// index has a stemmer, the term starts the word and is at least 3 chars and half
/// its length 0.8 (a stem of it).
pub(crate) fn quality(term: &str, word: &str, stem: bool) -> Option<f64> {
    if term == word {
        return Some(1.0);
    }
    if term.starts_with(word) {
        return Some(0.6);
    }
    let chars = term.chars().count();
    (stem && word.starts_with(term) && chars >= 3 && 2 * chars >= word.chars().count())
        .then_some(0.8)
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
        // Beyond the table of chars, ICU's data is read each time.
        assert_eq!(list("あいう、漢字").concat(), "あいう漢字");
        assert!(list("").is_empty());
    }

    #[test]
    fn runs_of_letters_marks_and_numbers_are_words() {
        // Punctuation inside a spaced word cuts it, as `search.js` does.
        assert_eq!(
            list("don't e-mail 3.5"),
            ["don", "t", "e", "mail", "3", "5"]
        );
        // Devanagari: a virama (a mark, not a letter) and a zero-width joiner stay
        // inside the word.
        assert_eq!(list("क्षेत्र र\u{200D}ाम"), ["क्षेत्र", "र\u{200D}ाम"]);
        // Thai and Lao tone marks stay in their words; a run mixing Latin and Lao
        // is cut by the dictionary segmenter.
        let mixed = list("ABCລາວ");
        assert_eq!(mixed.concat(), "ABCລາວ");
        assert!(mixed.len() >= 2, "{mixed:?}");
        // Marks or joiners alone are no word.
        assert!(list("\u{094D}\u{200D}").is_empty());
        assert!(is_word_char('\u{0E48}') && is_word_char('\u{094D}'));
        assert!(!is_word_char('’') && !is_word_char('\u{00A0}'));
    }

    #[test]
    fn dictionary_form_keeps_lao_words_whole() {
        // NFKC splits ໜ and ຳ; segmenting that form breaks the words around them.
        let text = "ທັງໝົດໃນແຜນງານຂອງທ່ານ ຄຳຖາມ";
        let split = nfkc(text);
        let form = dictionary_form(&split);
        assert_eq!(form, text);
        let found: Vec<String> = words(&form).map(|(_, w)| normalise(w)).collect();
        assert!(found.contains(&normalise("ແຜນງານ")), "{found:?}");
        assert!(found.contains(&normalise("ທັງໝົດ")), "{found:?}");
        assert!(matches!(dictionary_form("plain"), Cow::Borrowed(_)));
        // Each pair alone, and none: only the pairs are rewritten.
        for (two, _) in PAIRS {
            assert!(
                [PAIR_MARKS.0, PAIR_MARKS.1].contains(&two.as_bytes()[2]),
                "{two:?}"
            );
        }
        for (two, one) in [
            ("\u{0EAB}\u{0E99}", "\u{0EDC}"),
            ("\u{0EAB}\u{0EA1}", "\u{0EDD}"),
            ("\u{0ECD}\u{0EB2}", "\u{0EB3}"),
            ("\u{0E4D}\u{0E32}", "\u{0E33}"),
        ] {
            assert_eq!(dictionary_form(&format!("ກ{two}ກ")), format!("ກ{one}ກ"));
            assert!(has_pair(two.as_bytes()));
            assert!(!has_pair(&two.as_bytes()[..4]));
        }
        for none in [
            "\u{0EAB}",
            "\u{0EAB}\u{0E9A}",
            "\u{090D}\u{0EB2}",
            "ຫ ນ",
            "\u{0ECD}",
        ] {
            assert!(
                matches!(dictionary_form(none), Cow::Borrowed(_)),
                "{none:?}"
            );
        }
        // Thai's sara am.
        assert_eq!(
            dictionary_form("\u{0E19}\u{0E4D}\u{0E32}"),
            "\u{0E19}\u{0E33}"
        );
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
        assert_eq!(cut("ລາວ", 2), "ລາ");
        assert_eq!(cut("ລາວ", 3), "ລາວ");
        assert_eq!(cut("aລb", 2), "aລ");
        assert_eq!(cut("ລາວ", 0), "");
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
