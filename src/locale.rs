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
