//! Formatting dates and numbers for readers.
//!
//! One entry point per kind of value, taking the language, so every page formats the
//! same way and the multilingual work has one place to grow.

use jiff::civil::Date;

use crate::lang::Lang;

const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A date as readers of `lang` write it: `1 Dec 2026`.
pub(crate) fn format_date(date: Date, _lang: &Lang) -> String {
    let month = MONTHS_EN[(date.month() as usize).saturating_sub(1) % 12];
    format!("{} {} {}", date.day(), month, date.year())
}

/// A short date without the year: `1 Dec`.
pub(crate) fn format_short_date(date: Date, _lang: &Lang) -> String {
    let month = MONTHS_EN[(date.month() as usize).saturating_sub(1) % 12];
    format!("{} {}", date.day(), month)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_dates() {
        let en = Lang::english();
        assert_eq!(
            format_date(jiff::civil::date(2026, 12, 1), &en),
            "1 Dec 2026"
        );
        assert_eq!(
            format_short_date(jiff::civil::date(2027, 1, 31), &en),
            "31 Jan"
        );
    }
}

/// Unicode NFC (interim: identity until the ICU-backed module lands).
pub(crate) fn nfc(s: &str) -> String {
    s.to_string()
}

/// Words in plain text (interim).
pub(crate) fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

/// Plain text of HTML (interim).
pub(crate) fn strip_html(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Formatting for one language (interim: English forms).
#[derive(Debug)]
pub(crate) struct Locale {
    lang: Lang,
}

impl Locale {
    /// The formatter for `lang`.
    pub fn new(lang: &Lang) -> Locale {
        Locale { lang: lang.clone() }
    }

    /// A date with year.
    pub fn date(&self, d: Date) -> String {
        format_date(d, &self.lang)
    }

    /// A date without year.
    pub fn short_date(&self, d: Date) -> String {
        format_short_date(d, &self.lang)
    }

    /// A whole number.
    pub fn number(&self, n: i64) -> String {
        n.to_string()
    }

    /// A percentage.
    pub fn percent(&self, n: i64) -> String {
        format!("{n}%")
    }

    /// The plural category of `n`.
    pub fn plural(&self, n: i64) -> &'static str {
        if n == 1 { "one" } else { "other" }
    }

    /// Collation order.
    pub fn compare(&self, a: &str, b: &str) -> std::cmp::Ordering {
        a.to_lowercase().cmp(&b.to_lowercase())
    }
}
