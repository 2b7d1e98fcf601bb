//! Formatting for readers of one language ([`Locale`]: dates, numbers,
//! percentages, plural categories, collation), and the text measures that do not
//! depend on it ([`text`]: Unicode normalisation, word counts, the plain text of
//! rendered HTML).
//!
//! This module owns every locale-dependent string the portals show, so the
//! multilingual work has one place to grow. It is pure: no IO, no clock, no
//! environment; the locale data is compiled into the binary (ICU4X compiled
//! data).
//!
//! Where ICU has no data for a language it falls back to its root locale, which
//! writes dates as "2026 M12 1". We never show that: a language without date data
//! writes dates with the month names of its interface text (`month_1` ...
//! `month_12` in the theme's strings, as the built-in Chichewa does), else with
//! English data.

// Most of this API is for templates and sorting that are being wired up; until
// every item has a caller outside tests, don't fail `-D warnings` over it.

mod text;

pub(crate) use text::{index_letter, nfc, nfc_owned, strip_html, word_count};

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::sync::LazyLock;

use icu_calendar::{Date as IcuDate, Gregorian};
use icu_collator::options::CollatorOptions;
use icu_collator::{Collator, CollatorBorrowed};
use icu_datetime::fieldsets::{MD, YMD};
use icu_datetime::{DateTimeFormatterPreferences, FixedCalendarDateTimeFormatter};
use icu_decimal::DecimalFormatter;
use icu_decimal::input::Decimal;
use icu_locale::Locale as IcuLocale;
use icu_locale::subtags::{Language, Region, language, region};
use icu_plurals::{PluralCategory, PluralRules};
use jiff::civil::Date;
use text::NFC;

use crate::lang::Lang;

/// Everything needed to format values for readers of one language.
///
/// Build it once per language with [`Locale::new`] and share it (it is `Send + Sync`);
/// the ICU formatters are constructed there and kept.
pub(crate) struct Locale {
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
    /// Day, month name and year, with the month names of the theme's strings
    /// (for languages ICU has no date data for, such as Chichewa).
    Named(Box<[String; 12]>),
    /// Neither ICU nor our own strings: ISO 8601. Only if compiled data failed to load.
    Iso,
}

/// The ICU date formatters of one locale.
struct IcuDates {
    /// Medium date with year: "1 Dec 2026".
    medium: FixedCalendarDateTimeFormatter<Gregorian, YMD>,
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

/// ISO 639 code of Chichewa.
const CHICHEWA: Language = language!("ny");

/// How ICU's root locale writes the probe date; a locale whose dates come out the
/// same has no date data of its own.
static ROOT_PROBE: LazyLock<Option<String>> =
    LazyLock::new(|| IcuDates::new(&IcuLocale::UNKNOWN).map(|d| d.probe()));

impl Locale {
    /// The locale for `lang`, given the theme's interface text in it (`strings`).
    /// Never fails. Plain `en` uses international English (`en-001`: "1 Dec
    /// 2026"). A language ICU has no date data for (Chichewa, say) writes dates
    /// with the month names of its strings (`month_1` ... `month_12`, where a
    /// translator can correct them), else with English data.
    pub fn new(lang: &Lang, strings: Option<&BTreeMap<String, String>>) -> Locale {
        let english = english_locale();
        let named = strings.and_then(month_names);
        let requested = lang.as_str().parse::<IcuLocale>().ok();
        let chichewa = requested
            .as_ref()
            .is_some_and(|l| l.id.language == CHICHEWA);

        if chichewa {
            // Numbers and collation come from ICU's root locale, which matches how
            // Malawi writes and sorts them ("1,234,567").
            let root = IcuLocale::UNKNOWN;
            let dates = match named {
                Some(names) => Dates::Named(names),
                None => IcuDates::new(&english).map_or(Dates::Iso, |d| Dates::Icu(Box::new(d))),
            };
            return Locale {
                dates,
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
        let (locale, dates) = match (requested, dates, named) {
            (Some(locale), Some(dates), _) => (locale, Dates::Icu(Box::new(dates))),
            (_, _, Some(names)) => (english, Dates::Named(names)),
            _ => {
                let dates = IcuDates::new(&english);
                (
                    english,
                    dates.map_or(Dates::Iso, |d| Dates::Icu(Box::new(d))),
                )
            }
        };
        Locale {
            dates,
            decimal: decimal_formatter(&locale),
            plurals: plural_rules(&locale),
            collator: collator(&locale),
        }
    }

    /// A medium date with the year: en "1 Dec 2026", ms "1 Dis 2026",
    /// ne "२०२६ डिसेम्बर १", ny "1 Disembala 2026".
    pub fn date(&self, d: Date) -> String {
        match &self.dates {
            Dates::Icu(f) => {
                gregorian(d).map_or_else(|| d.to_string(), |g| f.medium.format(&g).to_string())
            }
            Dates::Named(names) => format!("{} {} {}", d.day(), month(names, d), d.year()),
            Dates::Iso => d.to_string(),
        }
    }

    /// Day and month without the year, for chart ticks: en "1 Dec", ny "1 Disembala".
    pub fn short_date(&self, d: Date) -> String {
        match &self.dates {
            Dates::Icu(f) => {
                gregorian(d).map_or_else(|| d.to_string(), |g| f.short.format(&g).to_string())
            }
            Dates::Named(names) => format!("{} {}", d.day(), month(names, d)),
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

    /// A number with one decimal, given in tenths: 43 is en "4.3", ne "४.३".
    pub fn tenths(&self, tenths: i64) -> String {
        match &self.decimal {
            Some(f) => {
                let mut d = Decimal::from(tenths);
                d.multiply_pow10(-1);
                d.pad_end(-1);
                f.format(&d).to_string()
            }
            None => format!("{}.{}", tenths / 10, (tenths % 10).abs()),
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
}

impl std::fmt::Debug for Locale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Locale").finish_non_exhaustive()
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

/// The twelve month names of a language's interface text (`month_1` is
/// January), when it has them all.
fn month_names(strings: &BTreeMap<String, String>) -> Option<Box<[String; 12]>> {
    let names: Vec<String> = (1..=12)
        .map(|m| strings.get(&format!("month_{m}")).cloned())
        .collect::<Option<_>>()?;
    names.try_into().ok().map(Box::new)
}

/// The name of `d`'s month among `names` (January first).
fn month(names: &[String; 12], d: Date) -> &str {
    &names[usize::from(d.month().unsigned_abs()).saturating_sub(1) % 12]
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    /// The locale for `tag` with the built-in interface text (Chichewa's holds
    /// its month names).
    fn locale(tag: &str) -> Locale {
        let lang = Lang::parse(tag).unwrap();
        let ny: BTreeMap<String, String> =
            toml::from_str(include_str!("../theme/strings/ny.toml")).unwrap();
        let strings = tag.starts_with("ny").then_some(&ny);
        Locale::new(&lang, strings)
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
        println!("lang | date | short_date | 1234567 | 29% | plural 0/1/2/5");
        for tag in SIX
            .iter()
            .copied()
            .chain(["en-US", "pt-BR", "sr-Latn", "xx"])
        {
            let l = locale(tag);
            println!(
                "{tag} | {:?} | {:?} | {:?} | {:?} | {}/{}/{}/{}",
                l.date(dec1()),
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
        assert_eq!(en.short_date(dec1()), "1 Dec");
        // A site that says en-US gets US order.
        assert_eq!(locale("en-US").date(dec1()), "Dec 1, 2026");
    }

    #[test]
    fn malay_dates() {
        let ms = locale("ms");
        assert_eq!(ms.date(dec1()), "1 Dis 2026");
        assert_eq!(ms.short_date(dec1()), "1 Dis");
    }

    #[test]
    fn nepali_dates_use_devanagari_digits() {
        let ne = locale("ne");
        for s in [ne.date(dec1()), ne.short_date(dec1())] {
            assert!(!has_ascii_digit(&s), "{s}");
            assert!(!has_ascii_letter(&s), "{s}");
        }
        assert!(ne.date(dec1()).contains('२'));
        assert_eq!(ne.date(dec1()), "२०२६ डिसेम्बर १");
        assert_eq!(ne.short_date(dec1()), "डिसेम्बर १");
    }

    #[test]
    fn kazakh_dates_are_cyrillic() {
        let kk = locale("kk");
        for s in [kk.date(dec1()), kk.short_date(dec1())] {
            assert!(!has_ascii_letter(&s), "{s}");
            assert!(
                s.chars().any(|c| ('\u{400}'..='\u{4ff}').contains(&c)),
                "{s}"
            );
        }
        // CLDR's medium pattern for kk pads the day ("01"); the month-day one
        // doesn't. A narrow no-break space joins the year to "ж." (жыл, year).
        assert_eq!(kk.date(dec1()), "2026\u{202f}ж. 01 жел.");
        assert_eq!(kk.short_date(dec1()), "1 жел.");
    }

    #[test]
    fn lao_dates_are_lao() {
        let lo = locale("lo");
        for s in [lo.date(dec1()), lo.short_date(dec1())] {
            assert!(!has_ascii_letter(&s), "{s}");
            assert!(
                s.chars().any(|c| ('\u{e80}'..='\u{eff}').contains(&c)),
                "{s}"
            );
        }
        assert_eq!(lo.date(dec1()), "1 ທ.ວ. 2026");
        assert_eq!(lo.short_date(dec1()), "1 ທ.ວ.");
    }

    #[test]
    fn chichewa_dates_are_ours() {
        let ny = locale("ny");
        assert_eq!(ny.date(dec1()), "1 Disembala 2026");
        assert_eq!(ny.short_date(dec1()), "1 Disembala");
        let names = [
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
        for (m, name) in (1..=12).zip(names) {
            assert_eq!(ny.date(date(2027, m, 15)), format!("15 {name} 2027"));
            assert_eq!(ny.short_date(date(2027, m, 15)), format!("15 {name}"));
        }
        assert_eq!(locale("ny-MW").date(dec1()), "1 Disembala 2026");
    }

    #[test]
    fn no_language_gets_the_root_fallback() {
        for tag in SIX.iter().copied().chain(["xx", "und", "tlh"]) {
            let l = locale(tag);
            for s in [l.date(dec1()), l.short_date(dec1())] {
                assert!(!s.contains("M12"), "{tag}: {s}");
            }
        }
    }

    #[test]
    fn unknown_languages_use_english_but_keep_their_tag() {
        let xx = locale("xx");
        assert_eq!(xx.date(dec1()), "1 Dec 2026");
        assert_eq!(xx.plural(1), "one");
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
        assert_eq!(ne.tenths(43), "४.३");
        assert_eq!(locale("en").tenths(50), "5.0");
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

    /// Construction cost: `cargo test --release -- --ignored --nocapture construction`.
    #[test]
    #[ignore = "timing, prints only"]
    fn construction_time() {
        let langs: Vec<Lang> = SIX.iter().map(|t| Lang::parse(t).unwrap()).collect();
        let start = std::time::Instant::now();
        let mut n = 0;
        for _ in 0..100 {
            for lang in &langs {
                n += Locale::new(lang, None).plural(1).len();
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
