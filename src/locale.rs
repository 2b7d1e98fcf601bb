//! Formatting and text measures for readers: dates, numbers, percentages, plural
//! categories, collation, Unicode normalisation, word counts, reading time,
//! truncation, and the plain text of rendered HTML to measure, each as readers
//! of a page's language expect them.
//!
//! This module owns every locale-dependent string the portals show, so the
//! multilingual work has one place to grow. It is pure: no IO, no clock, no
//! environment; the locale data is compiled into the binary (ICU4X compiled
//! data).
//!
//! Where ICU has no data for a language it falls back to its root locale, which
//! writes dates as "2026 M12 1". We never show that: Chichewa (`ny`) gets strings
//! of our own, and any other language without date data gets English data while
//! keeping its own tag.

// Most of this API is for templates and sorting that are being wired up; until
// every item has a caller outside tests, don't fail `-D warnings` over it.
#![allow(dead_code, reason = "locale API ahead of its callers")]

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use icu_calendar::{Date as IcuDate, Gregorian};
use icu_collator::options::CollatorOptions;
use icu_collator::{Collator, CollatorBorrowed};
use icu_datetime::fieldsets::{MD, YMD, YMDE};
use icu_datetime::{DateTimeFormatterPreferences, FixedCalendarDateTimeFormatter};
use icu_decimal::DecimalFormatter;
use icu_decimal::input::Decimal;
use icu_locale::Locale as IcuLocale;
use icu_locale::subtags::{Language, Region, language, region};
use icu_normalizer::ComposingNormalizerBorrowed;
use icu_plurals::{PluralCategory, PluralRules};
use icu_segmenter::options::WordBreakInvariantOptions;
use icu_segmenter::{GraphemeClusterSegmenter, WordSegmenter, WordSegmenterBorrowed};
use jiff::civil::Date;

use crate::lang::Lang;

/// Everything needed to format values for readers of one language.
///
/// Build it once per language with [`Locale::new`] and share it (it is `Send + Sync`);
/// the ICU formatters are constructed there and kept.
pub(crate) struct Locale {
    /// The language as the site asked for it, kept even when its data is English.
    lang: Lang,
    /// True when ICU had no date data for `lang` and English data is used instead.
    fallback: bool,
    /// How dates are written.
    dates: Dates,
    /// Locale digits and grouping; `None` only if even English data failed to load.
    decimal: Option<DecimalFormatter>,
    /// CLDR cardinal plural categories.
    plurals: Plurals,
    /// Collation for sorting; `None` only if even root data failed to load.
    collator: Option<CollatorBorrowed<'static>>,
}

// `Locale` is shared across rayon threads: keep it `Send + Sync`. (ICU4X data
// payloads are only thread-safe with the `icu_provider/sync` feature.)
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Locale>();
};

/// How a [`Locale`] writes dates.
enum Dates {
    /// ICU formatters for the Gregorian calendar.
    Icu(Box<IcuDates>),
    /// Our own Chichewa strings (ICU has no Chichewa data).
    Chichewa,
    /// Neither ICU nor our own strings: ISO 8601. Only if compiled data failed to load.
    Iso,
}

/// The ICU date formatters of one locale.
struct IcuDates {
    /// Medium date with year: "1 Dec 2026".
    medium: FixedCalendarDateTimeFormatter<Gregorian, YMD>,
    /// Long date with weekday: "Tuesday, 1 December 2026".
    long: FixedCalendarDateTimeFormatter<Gregorian, YMDE>,
    /// Day and month: "1 Dec".
    short: FixedCalendarDateTimeFormatter<Gregorian, MD>,
}

/// How a [`Locale`] picks plural categories.
enum Plurals {
    /// CLDR rules from ICU.
    Icu(PluralRules),
    /// "one" for 1, else "other" (Chichewa, and the last resort).
    OneOther,
}

// Chichewa (Chinyanja) names. ICU/CLDR has no Chichewa data, so these are ours.
// TODO(native speaker): please review these month and weekday names and the
// "Lachiwiri, 1 Disembala 2026" / "1 Disembala 2026" date orders.

/// Chichewa month names, January first. Also used for short dates: there are no
/// standard abbreviations.
const NY_MONTHS: [&str; 12] = [
    "Januwale",
    "Febuluwale",
    "Malichi",
    "Epulo",
    "Meyi",
    "Juni",
    "Julayi",
    "Ogasiti",
    "Seputembala",
    "Okutobala",
    "Novembala",
    "Disembala",
];

/// Chichewa weekday names, Sunday first.
const NY_WEEKDAYS: [&str; 7] = [
    "Lamulungu",
    "Lolemba",
    "Lachiwiri",
    "Lachitatu",
    "Lachinayi",
    "Lachisanu",
    "Loweruka",
];

/// ISO 639 code of Chichewa.
const CHICHEWA: Language = language!("ny");

/// How ICU's root locale writes the probe date; a locale whose dates come out the
/// same has no date data of its own.
static ROOT_PROBE: LazyLock<Option<String>> =
    LazyLock::new(|| IcuDates::new(&IcuLocale::UNKNOWN).map(|d| d.probe()));

impl Locale {
    /// The locale for `lang`. Never fails: a language ICU has no data for uses
    /// English data (see [`Locale::is_fallback`]) but keeps its tag; Chichewa uses
    /// our own strings; plain `en` uses international English (`en-001`: "1 Dec 2026").
    pub fn new(lang: &Lang) -> Locale {
        let english = english_locale();
        let requested = lang.as_str().parse::<IcuLocale>().ok();
        let chichewa = requested
            .as_ref()
            .is_some_and(|l| l.id.language == CHICHEWA);

        if chichewa {
            // Numbers and collation come from ICU's root locale, which matches how
            // Malawi writes and sorts them ("1,234,567").
            let root = IcuLocale::UNKNOWN;
            return Locale {
                lang: lang.clone(),
                fallback: false,
                dates: Dates::Chichewa,
                decimal: decimal_formatter(&root),
                plurals: Plurals::OneOther,
                collator: collator(&root),
            };
        }

        // Plain English means international English: day before month.
        let requested = requested.map(|mut l| {
            if l.id.language == language!("en") && l.id.region.is_none() {
                l.id.region = Some(WORLD);
            }
            l
        });
        let dates = requested
            .as_ref()
            .and_then(IcuDates::new)
            .filter(|d| ROOT_PROBE.as_deref() != Some(d.probe().as_str()));
        let (locale, dates, fallback) = match (requested, dates) {
            (Some(locale), Some(dates)) => (locale, Some(dates), false),
            _ => {
                let dates = IcuDates::new(&english);
                (english, dates, true)
            }
        };
        Locale {
            lang: lang.clone(),
            fallback,
            dates: dates.map_or(Dates::Iso, |d| Dates::Icu(Box::new(d))),
            decimal: decimal_formatter(&locale),
            plurals: plural_rules(&locale),
            collator: collator(&locale),
        }
    }

    /// The language this locale was made for, as given (even when its data is English).
    pub fn lang(&self) -> &Lang {
        &self.lang
    }

    /// True when ICU has no data for this language and English data stands in.
    pub fn is_fallback(&self) -> bool {
        self.fallback
    }

    /// A medium date with the year: en "1 Dec 2026", ms "1 Dis 2026",
    /// ne "२०२६ डिसेम्बर १", ny "1 Disembala 2026".
    pub fn date(&self, d: Date) -> String {
        match &self.dates {
            Dates::Icu(f) => {
                gregorian(d).map_or_else(|| d.to_string(), |g| f.medium.format(&g).to_string())
            }
            Dates::Chichewa => format!("{} {} {}", d.day(), ny_month(d), d.year()),
            Dates::Iso => d.to_string(),
        }
    }

    /// A long date with weekday and full month name: en "Tuesday, 1 December 2026",
    /// ny "Lachiwiri, 1 Disembala 2026".
    pub fn date_long(&self, d: Date) -> String {
        match &self.dates {
            Dates::Icu(f) => {
                gregorian(d).map_or_else(|| d.to_string(), |g| f.long.format(&g).to_string())
            }
            Dates::Chichewa => format!(
                "{}, {} {} {}",
                ny_weekday(d),
                d.day(),
                ny_month(d),
                d.year()
            ),
            Dates::Iso => d.to_string(),
        }
    }

    /// Day and month without the year, for chart ticks: en "1 Dec", ny "1 Disembala".
    pub fn short_date(&self, d: Date) -> String {
        match &self.dates {
            Dates::Icu(f) => {
                gregorian(d).map_or_else(|| d.to_string(), |g| f.short.format(&g).to_string())
            }
            Dates::Chichewa => format!("{} {}", d.day(), ny_month(d)),
            Dates::Iso => format!("{:02}-{:02}", d.month(), d.day()),
        }
    }

    /// An integer with the locale's digits and grouping: en "1,234,567",
    /// ne "१२,३४,५६७", kk "1 234 567" (no-break space).
    pub fn number(&self, n: i64) -> String {
        match &self.decimal {
            Some(f) => f.format(&Decimal::from(n)).to_string(),
            None => n.to_string(),
        }
    }

    /// A percentage, `n` being 0..=100: en "29%", ne "२९%".
    ///
    /// ICU4X 2 has no percent formatter outside `icu_experimental`, so this is the
    /// locale's number followed by "%", which is CLDR's pattern (`#,##0%`) for all
    /// six portal languages. Languages whose pattern differs (fr "29 %", tr "%29")
    /// are not yet handled.
    pub fn percent(&self, n: i64) -> String {
        format!("{}%", self.number(n))
    }

    /// The CLDR cardinal plural category of `n`: "zero", "one", "two", "few",
    /// "many" or "other". Chichewa: "one" for 1, else "other".
    pub fn plural(&self, n: i64) -> &'static str {
        match &self.plurals {
            Plurals::Icu(rules) => match rules.category_for(n) {
                PluralCategory::Zero => "zero",
                PluralCategory::One => "one",
                PluralCategory::Two => "two",
                PluralCategory::Few => "few",
                PluralCategory::Many => "many",
                PluralCategory::Other => "other",
            },
            Plurals::OneOther if n == 1 => "one",
            Plurals::OneOther => "other",
        }
    }

    /// Orders two strings as a sorted list of titles or tags in this language
    /// should be: Kazakh "ә" between "а" and "б", English "apple" before "Banana".
    /// Both are NFC-normalised first; languages without a tailoring use root
    /// collation.
    pub fn compare(&self, a: &str, b: &str) -> Ordering {
        let (a, b) = (NFC.normalize(a), NFC.normalize(b));
        match &self.collator {
            Some(c) => c.compare(&a, &b),
            None => a.cmp(&b),
        }
    }

    /// The locale for `lang`, built once per language and shared.
    pub fn shared(lang: &Lang) -> Arc<Locale> {
        static CACHE: LazyLock<Mutex<HashMap<Lang, Arc<Locale>>>> = LazyLock::new(Default::default);
        let mut cache = CACHE
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Arc::clone(
            cache
                .entry(lang.clone())
                .or_insert_with(|| Arc::new(Locale::new(lang))),
        )
    }
}

impl std::fmt::Debug for Locale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Locale")
            .field("lang", &self.lang)
            .field("fallback", &self.fallback)
            .finish_non_exhaustive()
    }
}

/// Region `001` ("world"), which makes `en` international English.
const WORLD: Region = region!("001");

/// The English used for plain `en` and for languages without data.
fn english_locale() -> IcuLocale {
    let mut locale = IcuLocale::UNKNOWN;
    locale.id.language = language!("en");
    locale.id.region = Some(WORLD);
    locale
}

/// A decimal formatter for `locale`, else for English.
fn decimal_formatter(locale: &IcuLocale) -> Option<DecimalFormatter> {
    DecimalFormatter::try_new(locale.into(), Default::default())
        .or_else(|_| DecimalFormatter::try_new((&english_locale()).into(), Default::default()))
        .ok()
}

/// Cardinal plural rules for `locale`, else "one"/"other".
///
/// CLDR's plural rules depend on the language (and for `pt-PT` the region), never
/// the script, but ICU's fallback takes `sr-Latn` to the root locale (everything
/// "other") instead of to `sr`: so the script is dropped first.
fn plural_rules(locale: &IcuLocale) -> Plurals {
    let mut locale = locale.clone();
    locale.id.script = None;
    PluralRules::try_new_cardinal((&locale).into()).map_or(Plurals::OneOther, Plurals::Icu)
}

/// A collator for `locale` (root collation when the language has no tailoring).
fn collator(locale: &IcuLocale) -> Option<CollatorBorrowed<'static>> {
    Collator::try_new(locale.into(), CollatorOptions::default())
        .or_else(|_| Collator::try_new(Default::default(), CollatorOptions::default()))
        .ok()
}

impl IcuDates {
    /// The three date formatters of `locale`, if ICU can build them.
    fn new(locale: &IcuLocale) -> Option<IcuDates> {
        let prefs = DateTimeFormatterPreferences::from(locale);
        Some(IcuDates {
            medium: FixedCalendarDateTimeFormatter::try_new(prefs, YMD::medium()).ok()?,
            long: FixedCalendarDateTimeFormatter::try_new(prefs, YMDE::long()).ok()?,
            short: FixedCalendarDateTimeFormatter::try_new(prefs, MD::medium()).ok()?,
        })
    }

    /// The medium form of a fixed date, to tell real data from ICU's root fallback.
    fn probe(&self) -> String {
        let date = gregorian(jiff::civil::date(2026, 12, 1));
        date.map(|g| self.medium.format(&g).to_string())
            .unwrap_or_default()
    }
}

/// `d` as an ICU Gregorian date. jiff's and ICU's ranges are both years
/// -9999..=9999, so this only fails if one of them changes.
fn gregorian(d: Date) -> Option<IcuDate<Gregorian>> {
    let month = u8::try_from(d.month()).ok()?;
    let day = u8::try_from(d.day()).ok()?;
    IcuDate::try_new_gregorian(i32::from(d.year()), month, day).ok()
}

/// The Chichewa name of `d`'s month.
fn ny_month(d: Date) -> &'static str {
    NY_MONTHS[usize::from(d.month().unsigned_abs()).saturating_sub(1) % 12]
}

/// The Chichewa name of `d`'s weekday.
fn ny_weekday(d: Date) -> &'static str {
    NY_WEEKDAYS[usize::from(d.weekday().to_sunday_zero_offset().unsigned_abs()) % 7]
}

/// The NFC normaliser (compiled data, no allocation to build).
const NFC: ComposingNormalizerBorrowed<'static> = ComposingNormalizerBorrowed::new_nfc();

/// The word segmenter: UAX #29 rules plus dictionaries for Lao, Thai, Khmer,
/// Burmese, Chinese and Japanese. Deliberately not `new_auto`, which uses the
/// ~100× slower LSTM model for Lao and Thai.
static WORDS: LazyLock<WordSegmenterBorrowed<'static>> =
    LazyLock::new(|| WordSegmenter::new_dictionary(WordBreakInvariantOptions::default()));

/// `s` in Unicode Normalization Form C.
pub(crate) fn nfc(s: &str) -> String {
    if surely_nfc(s) {
        return s.to_string();
    }
    NFC.normalize(s).into_owned()
}

/// [`nfc`] of a string the caller gives up: no copy when it is already normalised.
pub(crate) fn nfc_owned(s: String) -> String {
    if surely_nfc(&s) {
        return s;
    }
    match NFC.normalize(&s) {
        std::borrow::Cow::Borrowed(_) => s,
        std::borrow::Cow::Owned(normalised) => normalised,
    }
}

/// Marks a code point in [`NFC_QUICK`] whose presence needs the full normaliser.
const NFC_ASK: u8 = u8::MAX;

/// For each code point of the Basic Multilingual Plane: its canonical combining class
/// when it may appear unchanged in NFC text whatever precedes it (Unicode's quick check
/// says "yes"), else [`NFC_ASK`]. Made from ICU's own decomposition data, once, and
/// only for text beyond U+02FF.
///
/// A character needs asking when it can be the second half of a composition (its
/// presence may mean that the text is not composed), when NFC replaces it (singletons,
/// compositions NFC excludes), or when it is a surrogate.
static NFC_QUICK: LazyLock<Box<[u8]>> = LazyLock::new(|| {
    use icu_normalizer::properties::{
        CanonicalCombiningClassMapBorrowed, CanonicalCompositionBorrowed,
        CanonicalDecompositionBorrowed, Decomposed,
    };
    let decompose = CanonicalDecompositionBorrowed::new();
    let compose = CanonicalCompositionBorrowed::new();
    let class = CanonicalCombiningClassMapBorrowed::new();
    let mut table = vec![0u8; 0x10000].into_boxed_slice();
    for (i, entry) in table.iter_mut().enumerate() {
        *entry = match char::from_u32(i as u32) {
            None => NFC_ASK,
            Some(c) => match decompose.decompose(c) {
                Decomposed::Default => class.get_u8(c),
                Decomposed::Expansion(a, b) if compose.compose(a, b) == Some(c) => class.get_u8(c),
                _ => NFC_ASK,
            },
        };
    }
    // Second halves of every canonical decomposition (Hangul's included), anywhere.
    for c in (0..=char::MAX as u32).filter_map(char::from_u32) {
        if let Decomposed::Expansion(_, second) = decompose.decompose(c)
            && let Some(entry) = table.get_mut(second as usize)
        {
            *entry = NFC_ASK;
        }
    }
    table
});

/// True when `s` is certainly in NFC, by Unicode's quick check: every character may
/// appear in NFC text as it is, and combining marks come in canonical order. False
/// means "ask the normaliser" (it also answers for text outside the BMP). Two to three
/// times as fast as the normaliser on Devanagari, Cyrillic and Lao text (which it
/// spends ~9% of a large build on); Latin text up to U+02FF never builds the table,
/// which takes ~4 ms.
fn surely_nfc(s: &str) -> bool {
    let mut table: Option<&[u8]> = None;
    let mut last_class = 0u8;
    for c in s.chars() {
        let c = c as usize;
        // Below U+0300 every character is a starter that never composes with what
        // precedes it.
        if c < 0x300 {
            last_class = 0;
            continue;
        }
        let Some(&class) = table.get_or_insert_with(|| &NFC_QUICK).get(c) else {
            return false;
        };
        if class == NFC_ASK || (class != 0 && class < last_class) {
            return false;
        }
        last_class = class;
    }
    true
}

/// The number of words in plain `text`, for reading times: words separated by
/// spaces are counted; text in scripts written without spaces is measured.
///
/// Lao, Thai, Khmer and Burmese text counts one word per 4.3 letters and marks
/// (Lao articles of the example site average 4.29 per word as ICU's dictionary
/// segmenter splits them, the benchmark's 4.54); Chinese and Japanese count one
/// word per character, as Hugo counts them. Segmenting with the dictionary took
/// an eighth of a build's time at 60,000 pages for a figure that is rounded to
/// minutes.
pub(crate) fn word_count(text: &str) -> usize {
    let mut words = 0;
    let mut counted = false;
    // Letters and marks of scripts without spaces: South-East Asian, and CJK.
    let (mut sea, mut cjk) = (0usize, 0usize);
    for c in text.chars() {
        if c.is_ascii() {
            if matches!(c, ' ' | '\t'..='\r') {
                counted = false;
            } else if !counted && c.is_ascii_alphanumeric() {
                counted = true;
                words += 1;
            }
        } else if let Some(script) = unspaced_script(c) {
            // Not the start of a spaced word: what follows is measured, not counted.
            counted = true;
            match script {
                Unspaced::SouthEastAsian => sea += 1,
                Unspaced::Cjk => cjk += 1,
            }
        } else if c.is_whitespace() || c == '\u{200B}' {
            counted = false;
        } else if !counted && is_alphanumeric(c) {
            counted = true;
            words += 1;
        }
    }
    words + (sea * 10).div_ceil(SEA_LETTERS_PER_WORD_TENTHS) + cjk
}

/// Letters and marks per word in Lao, Thai, Khmer and Burmese text, in tenths (4.3).
const SEA_LETTERS_PER_WORD_TENTHS: usize = 43;

/// `char::is_alphanumeric`, answered at once for the letters most words here
/// start with (Cyrillic А–я, Devanagari consonants and vowels).
fn is_alphanumeric(c: char) -> bool {
    matches!(c, '\u{0410}'..='\u{044F}' | '\u{0904}'..='\u{0939}') || c.is_alphanumeric()
}

/// Scripts written without spaces between words.
enum Unspaced {
    /// Thai, Lao, Myanmar, Khmer: letters and marks, several to a word.
    SouthEastAsian,
    /// Chinese and Japanese: about a word a character.
    Cjk,
}

/// The script of `c` if it is written without spaces between words.
fn unspaced_script(c: char) -> Option<Unspaced> {
    match c {
        '\u{0E00}'..='\u{0EFF}'   // Thai, Lao
        | '\u{1000}'..='\u{109F}' // Myanmar
        | '\u{1780}'..='\u{17FF}' // Khmer
            => Some(Unspaced::SouthEastAsian),
        '\u{3040}'..='\u{30FF}'   // Hiragana, Katakana
        | '\u{3400}'..='\u{9FFF}' // CJK
        | '\u{F900}'..='\u{FAFF}' => Some(Unspaced::Cjk),
        _ => None,
    }
}

/// Minutes to read plain `text` at 200 words a minute, rounded down, at least 1.
pub(crate) fn reading_minutes(text: &str) -> usize {
    (word_count(text) / 200).max(1)
}

/// `text` cut to at most `max_chars` characters (Unicode scalar values) followed
/// by "…", or `text` unchanged if it fits. Never splits a grapheme cluster (a
/// Devanagari conjunct, a Lao syllable with its marks, a letter with combining
/// accents), and cuts at a word boundary when one lies within the last 30% of
/// the budget. Whitespace before the cut is dropped. The "…" is not counted in
/// `max_chars`. If the first grapheme cluster alone is longer than `max_chars`
/// the result is just "…".
pub(crate) fn truncate(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    // Byte offset and character count of every grapheme boundary that fits.
    let mut graphemes: Vec<(usize, usize)> = Vec::new();
    let mut chars = 0;
    let mut prev = 0;
    for b in GraphemeClusterSegmenter::new().segment_str(text) {
        chars += text[prev..b].chars().count();
        prev = b;
        if chars > max_chars {
            break;
        }
        graphemes.push((b, chars));
    }
    let Some(&(hard, _)) = graphemes.last() else {
        return "…".to_string();
    };
    // Prefer the last word boundary at or after 70% of the budget.
    let min_chars = max_chars - max_chars * 3 / 10;
    // Segment the whole text (lazily): the end of a prefix would always look
    // like a word boundary.
    let cut = WORDS
        .segment_str(text)
        .take_while(|&b| b <= hard)
        .filter_map(|b| {
            graphemes
                .binary_search_by_key(&b, |&(byte, _)| byte)
                .ok()
                .map(|i| graphemes[i])
        })
        .filter(|&(_, n)| n >= min_chars && n > 0)
        .map(|(byte, _)| byte)
        .last()
        .unwrap_or(hard);
    let mut out = text[..cut].trim_end().to_string();
    out.push('…');
    out
}

/// The text of rendered `html`: tags dropped (block-level tags leave a space so
/// words on either side stay apart), comments, `<script>` and `<style>` dropped,
/// and the character references `&amp;` `&lt;` `&gt;` `&quot;` `&#39;` `&apos;`
/// `&nbsp;` and numeric ones (`&#8212;`, `&#x27;`) decoded. Others are kept as written.
pub(crate) fn strip_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(['<', '&']) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if rest.starts_with('&') {
            let (c, len) = char_ref(rest);
            out.push(c.unwrap_or('&'));
            rest = &rest[len..];
            continue;
        }
        // A tag, comment or declaration starts with '<' and one of these.
        let next = rest[1..].chars().next();
        if !next.is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '/' | '!' | '?')) {
            out.push('<');
            rest = &rest[1..];
            continue;
        }
        if let Some(body) = rest.strip_prefix("<!--") {
            rest = body.find("-->").map_or("", |e| &body[e + 3..]);
            continue;
        }
        let end = rest.find('>').map_or(rest.len(), |e| e + 1);
        let tag = &rest[..end];
        rest = &rest[end..];
        let name: String = tag
            .trim_start_matches(['<', '/'])
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        if matches!(name.as_str(), "script" | "style") && !tag.starts_with("</") {
            let close = format!("</{name}");
            rest = find_ascii_ci(rest, &close)
                .map_or("", |e| &rest[e..])
                .split_once('>')
                .map_or("", |(_, after)| after);
            out.push(' ');
        } else if BLOCK_TAGS.contains(&name.as_str())
            && !out.is_empty()
            && !out.ends_with([' ', '\n'])
        {
            out.push(' ');
        }
    }
    out.push_str(rest);
    out
}

/// Tags that separate words when rendered.
const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "caption",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "img",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "td",
    "th",
    "tr",
    "ul",
];

/// Decodes the character reference at the start of `s` (which starts with '&'):
/// the character it stands for, if known, and how many bytes it takes (1, for
/// the '&' alone, when unknown).
fn char_ref(s: &str) -> (Option<char>, usize) {
    // ';' is ASCII, so its byte offset is a char boundary.
    let Some(semi) = s.bytes().take(12).position(|b| b == b';') else {
        return (None, 1);
    };
    let name = &s[1..semi];
    let text = match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some('\u{a0}'),
        _ => name.strip_prefix('#').and_then(|num| {
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => num.parse().ok(),
            };
            code.and_then(char::from_u32)
        }),
    };
    match text {
        Some(c) => (Some(c), semi + 1),
        None => (None, 1),
    }
}

/// Byte offset of the first ASCII-case-insensitive match of `needle` in `hay`.
fn find_ascii_ci(hay: &str, needle: &str) -> Option<usize> {
    hay.as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// A date as readers of `lang` write it, with the year: `1 Dec 2026`.
/// Kept for existing callers; see [`Locale::date`].
pub(crate) fn format_date(date: Date, lang: &Lang) -> String {
    Locale::shared(lang).date(date)
}

/// A short date without the year: `1 Dec`. Kept for existing callers; see
/// [`Locale::short_date`].
pub(crate) fn format_short_date(date: Date, lang: &Lang) -> String {
    Locale::shared(lang).short_date(date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn locale(tag: &str) -> Locale {
        Locale::new(&Lang::parse(tag).unwrap())
    }

    /// The six portal languages.
    const SIX: [&str; 6] = ["en", "ms", "ne", "kk", "lo", "ny"];

    /// 2026-12-01, a Tuesday.
    fn dec1() -> Date {
        date(2026, 12, 1)
    }

    fn has_ascii_digit(s: &str) -> bool {
        s.chars().any(|c| c.is_ascii_digit())
    }

    fn has_ascii_letter(s: &str) -> bool {
        s.chars().any(|c| c.is_ascii_alphabetic())
    }

    #[test]
    fn prints_the_six_languages() {
        println!("lang | date | date_long | short_date | 1234567 | 29% | plural 0/1/2/5");
        for tag in SIX
            .iter()
            .copied()
            .chain(["en-US", "pt-BR", "sr-Latn", "xx"])
        {
            let l = locale(tag);
            println!(
                "{tag} | {:?} | {:?} | {:?} | {:?} | {:?} | {}/{}/{}/{}",
                l.date(dec1()),
                l.date_long(dec1()),
                l.short_date(dec1()),
                l.number(1_234_567),
                l.percent(29),
                l.plural(0),
                l.plural(1),
                l.plural(2),
                l.plural(5),
            );
        }
    }

    #[test]
    fn english_dates_put_the_day_first() {
        let en = locale("en");
        assert_eq!(en.date(dec1()), "1 Dec 2026");
        assert_eq!(en.date_long(dec1()), "Tuesday, 1 December 2026");
        assert_eq!(en.short_date(dec1()), "1 Dec");
        // Existing callers, through the wrappers.
        let en = Lang::english();
        assert_eq!(format_date(date(2026, 12, 1), &en), "1 Dec 2026");
        assert_eq!(format_short_date(date(2027, 1, 31), &en), "31 Jan");
        // A site that says en-US gets US order.
        assert_eq!(locale("en-US").date(dec1()), "Dec 1, 2026");
    }

    #[test]
    fn malay_dates() {
        let ms = locale("ms");
        assert_eq!(ms.date(dec1()), "1 Dis 2026");
        assert_eq!(ms.date_long(dec1()), "Selasa, 1 Disember 2026");
        assert_eq!(ms.short_date(dec1()), "1 Dis");
    }

    #[test]
    fn nepali_dates_use_devanagari_digits() {
        let ne = locale("ne");
        for s in [ne.date(dec1()), ne.date_long(dec1()), ne.short_date(dec1())] {
            assert!(!has_ascii_digit(&s), "{s}");
            assert!(!has_ascii_letter(&s), "{s}");
        }
        assert!(ne.date(dec1()).contains('२'));
        assert_eq!(ne.date(dec1()), "२०२६ डिसेम्बर १");
        assert_eq!(ne.date_long(dec1()), "२०२६ डिसेम्बर १, मङ्गलबार");
        assert_eq!(ne.short_date(dec1()), "डिसेम्बर १");
    }

    #[test]
    fn kazakh_dates_are_cyrillic() {
        let kk = locale("kk");
        for s in [kk.date(dec1()), kk.date_long(dec1()), kk.short_date(dec1())] {
            assert!(!has_ascii_letter(&s), "{s}");
            assert!(
                s.chars().any(|c| ('\u{400}'..='\u{4ff}').contains(&c)),
                "{s}"
            );
        }
        // CLDR's medium pattern for kk pads the day ("01"); the month-day one
        // doesn't. A narrow no-break space joins the year to "ж." (жыл, year).
        assert_eq!(kk.date(dec1()), "2026\u{202f}ж. 01 жел.");
        assert_eq!(kk.date_long(dec1()), "2026\u{202f}ж. 1 желтоқсан, сейсенбі");
        assert_eq!(kk.short_date(dec1()), "1 жел.");
    }

    #[test]
    fn lao_dates_are_lao() {
        let lo = locale("lo");
        for s in [lo.date(dec1()), lo.date_long(dec1()), lo.short_date(dec1())] {
            assert!(!has_ascii_letter(&s), "{s}");
            assert!(
                s.chars().any(|c| ('\u{e80}'..='\u{eff}').contains(&c)),
                "{s}"
            );
        }
        assert_eq!(lo.date(dec1()), "1 ທ.ວ. 2026");
        assert_eq!(lo.date_long(dec1()), "ວັນອັງຄານ, 1 ທັນວາ, 2026");
        assert_eq!(lo.short_date(dec1()), "1 ທ.ວ.");
    }

    #[test]
    fn chichewa_dates_are_ours() {
        let ny = locale("ny");
        assert_eq!(ny.date(dec1()), "1 Disembala 2026");
        assert_eq!(ny.date_long(dec1()), "Lachiwiri, 1 Disembala 2026");
        assert_eq!(ny.short_date(dec1()), "1 Disembala");
        for (m, name) in (1..=12).zip(NY_MONTHS) {
            assert_eq!(ny.date(date(2027, m, 15)), format!("15 {name} 2027"));
            assert_eq!(ny.short_date(date(2027, m, 15)), format!("15 {name}"));
        }
        // 2026-11-29 is a Sunday.
        for (i, name) in (0..7).zip(NY_WEEKDAYS) {
            let d = date(2026, 11, 29) + jiff::Span::new().days(i);
            assert!(ny.date_long(d).starts_with(&format!("{name}, ")));
        }
        assert_eq!(locale("ny-MW").date(dec1()), "1 Disembala 2026");
    }

    #[test]
    fn no_language_gets_the_root_fallback() {
        for tag in SIX.iter().copied().chain(["xx", "und", "tlh"]) {
            let l = locale(tag);
            for s in [l.date(dec1()), l.date_long(dec1()), l.short_date(dec1())] {
                assert!(!s.contains("M12"), "{tag}: {s}");
            }
        }
    }

    #[test]
    fn unknown_languages_use_english_but_keep_their_tag() {
        let xx = locale("xx");
        assert_eq!(xx.lang().as_str(), "xx");
        assert!(xx.is_fallback());
        assert_eq!(xx.date(dec1()), "1 Dec 2026");
        assert_eq!(xx.plural(1), "one");
        for tag in SIX {
            assert!(!locale(tag).is_fallback(), "{tag}");
        }
        // Languages with data outside the six are used as they are.
        assert_eq!(locale("pt-BR").date(dec1()), "1 de dez. de 2026");
    }

    #[test]
    fn numbers_and_percentages() {
        let ne = locale("ne");
        assert_eq!(ne.number(1_234_567), "१२,३४,५६७");
        assert_eq!(ne.number(0), "०");
        assert_eq!(ne.number(-42), "-४२");
        assert_eq!(ne.percent(29), "२९%");
        assert_eq!(ne.percent(100), "१००%");
        assert_eq!(locale("en").number(1_234_567), "1,234,567");
        assert_eq!(locale("en").percent(29), "29%");
        assert_eq!(locale("ms").number(1_234_567), "1,234,567");
        // Kazakh groups with a no-break space.
        assert_eq!(locale("kk").number(1_234_567), "1\u{a0}234\u{a0}567");
        assert_eq!(locale("lo").number(1_234_567), "1.234.567");
        assert_eq!(locale("ny").number(1_234_567), "1,234,567");
        for tag in SIX {
            assert_eq!(locale(tag).percent(0).chars().last(), Some('%'));
        }
    }

    #[test]
    fn plural_categories() {
        let expected = [
            ("en", ["other", "one", "other", "other"]),
            ("ms", ["other", "other", "other", "other"]),
            ("ne", ["other", "one", "other", "other"]),
            ("kk", ["other", "one", "other", "other"]),
            ("lo", ["other", "other", "other", "other"]),
            ("ny", ["other", "one", "other", "other"]),
        ];
        for (tag, cats) in expected {
            let l = locale(tag);
            let got = [0, 1, 2, 5].map(|n| l.plural(n));
            assert_eq!(got, cats, "{tag}");
        }
        // Rules with more categories, and a script subtag that ICU's fallback
        // would otherwise send to the root locale.
        let sr = locale("sr-Latn");
        assert_eq!(
            [1, 2, 5, 21].map(|n| sr.plural(n)),
            ["one", "few", "other", "one"]
        );
        let ar = locale("ar");
        assert_eq!(
            [0, 1, 2, 3, 11, 100].map(|n| ar.plural(n)),
            ["zero", "one", "two", "few", "many", "other"]
        );
    }

    fn sorted(l: &Locale, words: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        v.sort_by(|a, b| l.compare(a, b));
        v
    }

    #[test]
    fn collation() {
        let kk = locale("kk");
        assert_eq!(sorted(&kk, &["бала", "әже", "ана"]), ["ана", "әже", "бала"]);
        // Kazakh's own tailoring, which root collation (Malay has no tailoring) lacks:
        // ұ before ү, and і after һ.
        assert_eq!(sorted(&kk, &["үй", "ұл"]), ["ұл", "үй"]);
        assert_eq!(sorted(&kk, &["і", "һ", "и"]), ["и", "һ", "і"]);
        assert_eq!(sorted(&locale("ms"), &["үй", "ұл"]), ["үй", "ұл"]);
        let en = locale("en");
        assert_eq!(en.compare("apple", "Banana"), Ordering::Less);
        assert_eq!(
            sorted(&en, &["banana", "Apple", "apple", "Cherry"]),
            ["apple", "Apple", "banana", "Cherry"]
        );
        assert_eq!(en.compare("caf\u{e9}", "cafe\u{301}"), Ordering::Equal);
        assert_eq!(sorted(&locale("ne"), &["ख", "क", "ग"]), ["क", "ख", "ग"]);
    }

    #[test]
    fn quick_check_agrees_with_the_normaliser() {
        // Each BMP character alone and after starters it may compose with: whenever
        // the quick check says "normalised", the normaliser must agree.
        let after = [
            "", "a", "e", "\u{1100}", "\u{ac00}", "\u{915}", "\u{928}", "\u{e81}", "\u{438}",
        ];
        let mut sure = 0;
        for c in (0..0x10000).filter_map(char::from_u32) {
            for a in after {
                let s = format!("{a}{c}x");
                if surely_nfc(&s) {
                    sure += 1;
                    assert!(NFC.is_normalized(&s), "U+{:04X} after {a:?}", c as u32);
                }
            }
        }
        assert!(sure > 500_000, "{sure}");
        // What composes or reorders is never "surely" normalised.
        for s in [
            "e\u{301}",
            "\u{1100}\u{1161}",
            "\u{ac00}\u{11a8}",
            "\u{928}\u{93c}",
            "a\u{301}\u{323}",
            "\u{438}\u{306}",
            "\u{212b}",
            "\u{958}",
        ] {
            assert!(!surely_nfc(s), "{s:?}");
            assert_ne!(nfc(s), s, "{s:?}");
        }
        // Text in the seed languages is recognised as normalised without the normaliser.
        for s in [
            "Selamat datang",
            "नेपाल एक सुन्दर देश हो। कृपया आफ्नो पासवर्ड",
            "Қазақ тілі, бақылау тізімі",
            "ການຕັ້ງຄ່າບັນຊີຜູ້ໃຊ້",
        ] {
            assert!(surely_nfc(s), "{s:?}");
        }
        // Outside the BMP the normaliser decides.
        assert!(!surely_nfc("\u{1d15e}"));
        assert_eq!(nfc("\u{1d15e}"), NFC.normalize("\u{1d15e}"));
    }

    #[test]
    fn nfc_composes() {
        assert_eq!(nfc("e\u{301}"), "\u{e9}");
        assert_eq!(nfc("\u{e9}"), nfc("e\u{301}"));
        assert_eq!(nfc("क्ष"), "क्ष");
    }

    #[test]
    fn word_counts() {
        assert_eq!(word_count("Hello, world! It's 2026 — time to onboard."), 7);
        assert_eq!(word_count(""), 0);
        assert_eq!(word_count("  …  — "), 0);
        // Nepali, including words ending in a vowel sign or virama (icu4x#8321).
        assert_eq!(word_count("नेपाल एक सुन्दर देश हो।"), 5);
        assert_eq!(word_count("कृपया आफ्नो पासवर्ड परिवर्तन गर्नुहोस्।"), 5);
        assert_eq!(word_count("२०२६ मा सुरु गरे"), 4);
        // Lao has no spaces between words.
        let lao = "ການຕັ້ງຄ່າບັນຊີຜູ້ໃຊ້";
        assert_eq!(word_count(lao), 5);
        assert!(word_count(lao) < lao.chars().count());
        assert!(word_count("ຂ້ອຍຮັກພາສາລາວ ແລະ ຂ້ອຍຢາກຮຽນ.") >= 5);
        // Chinese and Japanese: a word a character, as Hugo counts them.
        assert_eq!(word_count("欢迎使用 gangway"), 5);
    }

    /// The measured count of Lao text stays within 10% of what ICU's dictionary
    /// segmenter finds, on every Lao article and FAQ entry of the example site
    /// together and on each long one (reading times are rounded to minutes).
    #[test]
    fn lao_word_estimate_is_close_to_the_dictionary_count() {
        let dictionary = |t: &str| {
            let breaks: Vec<usize> = WORDS.segment_str(t).collect();
            breaks
                .windows(2)
                .filter(|w| t[w[0]..w[1]].chars().any(char::is_alphanumeric))
                .count()
        };
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/content");
        let (mut estimated, mut segmented, mut files) = (0, 0, 0);
        for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
            let entry = entry.expect("content/ is readable");
            if !entry.file_name().to_string_lossy().ends_with(".lo.md") {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).expect("a Lao page");
            let (e, d) = (word_count(&text), dictionary(&text));
            if d >= 300 {
                let ratio = e as f64 / d as f64;
                assert!(
                    (0.9..=1.1).contains(&ratio),
                    "{}: {e} vs {d}",
                    entry.path().display()
                );
            }
            estimated += e;
            segmented += d;
            files += 1;
        }
        assert!(files >= 10, "only {files} Lao pages found");
        let ratio = estimated as f64 / segmented as f64;
        assert!(
            (0.95..=1.05).contains(&ratio),
            "{estimated} vs {segmented} words"
        );
    }

    #[test]
    fn one_pass_word_count_matches_splitting_on_whitespace() {
        let reference = |t: &str| {
            t.split(|c: char| c.is_whitespace() || c == '\u{200B}')
                .filter(|w| w.chars().any(char::is_alphanumeric))
                .count()
        };
        for t in [
            "Hello, world!\tIt's\x0b2026 —\u{00A0}time\u{200B}to onboard.",
            "Қазақстан — әлем; ұлы ғасыр\n\n  ... 12 %",
            "नमस्ते दुनिया, २०२६ मा! — ।",
            "  \u{3000}full\u{3000}width\u{2028}line ",
            "",
        ] {
            assert_eq!(word_count(t), reference(t), "{t:?}");
        }
        // The shortcut agrees with the standard library everywhere it answers.
        for c in ('\u{0400}'..='\u{0FFF}').filter(|&c| is_alphanumeric(c)) {
            assert!(c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn reading_minutes_at_200_words() {
        assert_eq!(reading_minutes(""), 1);
        assert_eq!(reading_minutes("one two three"), 1);
        assert_eq!(reading_minutes(&"word ".repeat(399)), 1);
        assert_eq!(reading_minutes(&"word ".repeat(400)), 2);
        assert_eq!(reading_minutes(&"ບັນຊີ ".repeat(1000)), 5);
        // Lao written as Lao is written, with no spaces at all: 5 words a run (21 letters
        // and marks), 1,000 runs: measured as 4,884 words, 24 minutes (the dictionary: 25).
        assert_eq!(reading_minutes(&"ການຕັ້ງຄ່າບັນຊີຜູ້ໃຊ້".repeat(1000)), 24);
    }

    /// Checks that `out` is a prefix of `text` ending at a grapheme boundary,
    /// within budget, followed by "…".
    fn check_truncation(text: &str, max: usize) {
        let out = truncate(text, max);
        if text.chars().count() <= max {
            assert_eq!(out, text);
            return;
        }
        let kept = out.strip_suffix('…').expect("ellipsis");
        assert!(kept.chars().count() <= max, "{max}: {out}");
        assert!(text.starts_with(kept), "{max}: {out}");
        let boundaries: Vec<usize> = GraphemeClusterSegmenter::new().segment_str(text).collect();
        assert!(
            boundaries.contains(&kept.len()),
            "split a grapheme at {max}: {out}"
        );
    }

    #[test]
    fn truncate_never_splits_a_grapheme() {
        let texts = [
            "क्षमा गर्नुहोस्, तपाईंको खाता निष्क्रिय छ।",
            "ການຕັ້ງຄ່າບັນຊີຜູ້ໃຊ້ ແລະ ຄວາມປອດໄພ",
            "Cre\u{300}me bru\u{302}le\u{301}e and cafe\u{301} au lait",
            "👩‍👩‍👧 family 🇲🇼 flags",
        ];
        for text in texts {
            for max in 0..=text.chars().count() + 1 {
                check_truncation(text, max);
            }
        }
        assert_eq!(truncate("क्ष", 1), "…");
        assert_eq!(truncate("क्ष", 2), "…");
        assert_eq!(truncate("क्ष", 3), "क्ष");
    }

    #[test]
    fn truncate_prefers_word_boundaries() {
        let text = "Welcome to your onboarding portal";
        assert_eq!(truncate(text, 100), text);
        assert_eq!(truncate(text, 33), text);
        assert_eq!(truncate(text, 32), "Welcome to your onboarding…");
        assert_eq!(truncate(text, 20), "Welcome to your…");
        // No boundary in the last 30%: cut inside the word.
        assert_eq!(truncate("Supercalifragilistic", 10), "Supercalif…");
        // Lao: the cut lands between dictionary words.
        let lao = "ການຕັ້ງຄ່າບັນຊີຜູ້ໃຊ້";
        // Words of 7, 3, 5, 3 and 3 characters.
        assert_eq!(truncate(lao, 14), "ການຕັ້ງຄ່າ…");
        assert_eq!(truncate(lao, 15), "ການຕັ້ງຄ່າບັນຊີ…");
        assert_eq!(truncate(lao, 20), "ການຕັ້ງຄ່າບັນຊີຜູ້…");
        assert_eq!(truncate("", 0), "");
        assert_eq!(truncate("abc", 0), "…");
    }

    #[test]
    fn strips_html() {
        assert_eq!(
            strip_html(
                "<h1 id=\"x\">Fish &amp; chips</h1><p>It&#39;s <em>very</em> good &lt;3 &quot;ok&quot;</p>"
            ),
            "Fish & chips It's very good <3 \"ok\" "
        );
        assert_eq!(strip_html("a<br>b<br/>c"), "a b c");
        assert_eq!(strip_html("un<strong>believ</strong>able"), "unbelievable");
        assert_eq!(strip_html("x<!-- <p>hidden</p> -->y"), "xy");
        assert_eq!(strip_html("<script>let a = '<p>';</script>after"), " after");
        assert_eq!(strip_html("<STYLE>p{}</STYLE>text"), " text");
        assert_eq!(
            strip_html("1 < 2 & 3 > 2; &#x2014; &unknown; &#8212;"),
            "1 < 2 & 3 > 2; \u{2014} &unknown; \u{2014}"
        );
        assert_eq!(strip_html("नेपाल&nbsp;<b>देश</b>"), "नेपाल\u{a0}देश");
        assert_eq!(
            word_count(&strip_html("<p>one</p><p>two</p><ul><li>three</li></ul>")),
            3
        );
    }

    #[test]
    fn strip_html_survives_broken_markup() {
        for html in [
            "<",
            "&",
            "<!--",
            "<script",
            "<p",
            "&#xD800;",
            "&#99999999999;",
            "é&é;",
            "&amp",
            "a</",
            "<<>>",
            "&;&#;&#x;",
        ] {
            let _ = strip_html(html);
        }
        assert_eq!(strip_html("&#xD800;"), "&#xD800;");
        assert_eq!(strip_html("é&é;"), "é&é;");
        assert_eq!(strip_html("<p"), "");
    }

    #[test]
    fn locales_are_shared_across_threads() {
        let ne = Locale::shared(&Lang::parse("ne").unwrap());
        assert!(Arc::ptr_eq(
            &ne,
            &Locale::shared(&Lang::parse("ne").unwrap())
        ));
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| assert_eq!(ne.number(29), "२९"));
            }
        });
    }

    /// Construction cost: `cargo test --release -- --ignored --nocapture construction`.
    #[test]
    #[ignore = "timing, prints only"]
    fn construction_time() {
        let langs: Vec<Lang> = SIX.iter().map(|t| Lang::parse(t).unwrap()).collect();
        let start = std::time::Instant::now();
        let mut n = 0;
        for _ in 0..100 {
            for lang in &langs {
                n += Locale::new(lang).plural(1).len();
            }
        }
        let elapsed = start.elapsed();
        println!(
            "600 Locale::new in {elapsed:?}: {:?} per Locale ({n})",
            elapsed / 600
        );
        let text = "ການຕັ້ງຄ່າບັນຊີຜູ້ໃຊ້ ແລະ ຄວາມປອດໄພ ".repeat(10_000);
        let start = std::time::Instant::now();
        let words = word_count(&text);
        let elapsed = start.elapsed();
        println!(
            "word_count on {} KB of Lao: {words} words in {elapsed:?} ({:.1} MB/s)",
            text.len() / 1024,
            text.len() as f64 / elapsed.as_secs_f64() / 1e6
        );
    }
}
