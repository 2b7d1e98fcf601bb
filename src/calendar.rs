//! The business-day calendar: which days are work days, and date arithmetic over them.
//!
//! Pure date logic, no clock: "today" always comes from the caller.

use std::collections::BTreeSet;
use std::ops::Bound;

use jiff::ToSpan;
use jiff::civil::{Date, Weekday};

use crate::offset::Offset;

/// Work days of the week and holidays.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkCalendar {
    /// Indexed by `Weekday::to_monday_zero_offset`.
    workdays: [bool; 7],
    holidays: BTreeSet<Date>,
}

impl Default for WorkCalendar {
    /// Monday to Friday, no holidays.
    fn default() -> WorkCalendar {
        WorkCalendar {
            workdays: [true, true, true, true, true, false, false],
            holidays: BTreeSet::new(),
        }
    }
}

/// Parses `mon`, `tue`, ... (also full English names).
pub fn parse_weekday(name: &str) -> Option<Weekday> {
    let name = name.trim().to_ascii_lowercase();
    let short = name.get(..3)?;
    let day = match short {
        "mon" => Weekday::Monday,
        "tue" => Weekday::Tuesday,
        "wed" => Weekday::Wednesday,
        "thu" => Weekday::Thursday,
        "fri" => Weekday::Friday,
        "sat" => Weekday::Saturday,
        "sun" => Weekday::Sunday,
        _ => return None,
    };
    let full = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    (name.len() == 3 || full.contains(&name.as_str())).then_some(day)
}

/// Parses a `YYYY-MM-DD` date.
pub fn parse_date(text: &str) -> Result<Date, String> {
    let text = text.trim();
    let ok_shape = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !ok_shape {
        return Err(format!("`{text}` is not a date in the form YYYY-MM-DD"));
    }
    text.parse::<Date>()
        .map_err(|_| format!("`{text}` is not a real date"))
}

impl WorkCalendar {
    /// A calendar with the given work days and holidays. With no work days at all,
    /// falls back to every day being a work day so date arithmetic always ends.
    pub fn new(workdays: &[Weekday], holidays: impl IntoIterator<Item = Date>) -> WorkCalendar {
        let mut days = [false; 7];
        for day in workdays {
            days[day.to_monday_zero_offset() as usize] = true;
        }
        if !days.iter().any(|&d| d) {
            days = [true; 7];
        }
        WorkCalendar {
            workdays: days,
            holidays: holidays.into_iter().collect(),
        }
    }

    /// The same work days with other holidays.
    pub fn with_holidays(&self, holidays: impl IntoIterator<Item = Date>) -> WorkCalendar {
        WorkCalendar {
            workdays: self.workdays,
            holidays: holidays.into_iter().collect(),
        }
    }

    /// The same holidays with other work days.
    pub fn with_workdays(&self, workdays: &[Weekday]) -> WorkCalendar {
        WorkCalendar::new(workdays, self.holidays.iter().copied())
    }

    /// True when people work on `date`.
    pub fn is_business_day(&self, date: Date) -> bool {
        self.is_workday(date) && !self.holidays.contains(&date)
    }

    /// `date` itself when it is a business day, else the next one.
    pub fn roll_forward(&self, mut date: Date) -> Date {
        // Bounded: a year of holidays on every work day is not a calendar.
        for _ in 0..800 {
            if self.is_business_day(date) {
                return date;
            }
            date = next_day(date);
        }
        date
    }

    /// The first business day after `date`.
    pub fn next_business_day(&self, date: Date) -> Date {
        self.roll_forward(next_day(date))
    }

    /// The business day `n` business days after `date` (which is rolled forward first).
    pub fn add_business_days(&self, date: Date, n: u32) -> Date {
        let mut date = self.roll_forward(date);
        for _ in 0..n {
            date = self.next_business_day(date);
        }
        date
    }

    /// `date` moved by an offset; the result is rolled forward to a business day.
    pub fn add(&self, date: Date, offset: Offset) -> Date {
        match offset {
            Offset::BusinessDays(n) => self.add_business_days(date, n),
            Offset::Days(n) => self.roll_forward(add_days(date, i64::from(n))),
        }
    }

    /// The last day of a task that starts on `start` and lasts `duration`
    /// (a one-day task ends the day it starts).
    pub fn finish(&self, start: Date, duration: Offset) -> Date {
        match duration {
            Offset::BusinessDays(0) | Offset::Days(0) => start,
            Offset::BusinessDays(n) => self.add_business_days(start, n - 1),
            Offset::Days(n) => self.roll_forward(add_days(start, i64::from(n) - 1)),
        }
    }

    /// `date` itself when it is a business day, else the one before it.
    pub fn roll_back(&self, mut date: Date) -> Date {
        // Bounded as in `roll_forward`.
        for _ in 0..800 {
            if self.is_business_day(date) {
                return date;
            }
            date = add_days(date, -1);
        }
        date
    }

    /// The day `offset` before `date`, on a business day: `2bd` steps back over two
    /// business days, `3d` goes back three calendar days and then, when that is not
    /// a business day, to the one before it. A reminder set this way never falls on
    /// a weekend or a holiday, and never after `date`.
    pub fn before(&self, date: Date, offset: Offset) -> Date {
        match offset {
            Offset::BusinessDays(n) => {
                let mut day = self.roll_back(date);
                for _ in 0..n {
                    day = self.roll_back(add_days(day, -1));
                }
                day
            }
            Offset::Days(n) => self.roll_back(add_days(date, -i64::from(n))),
        }
    }

    /// Business days after `a` up to and including `b` (0 when `b` is not after `a`).
    ///
    /// Counted by whole weeks, then the days left over and the holidays in between,
    /// not day by day: a plan's preview asks this for every task from the kickoff, and
    /// a day-by-day count made a long playbook's preview grow with its square.
    pub fn business_days_between(&self, a: Date, b: Date) -> i64 {
        let days = days_between(a, b);
        if days <= 0 {
            return 0;
        }
        let per_week = self.workdays.iter().filter(|&&w| w).count() as i64;
        let weeks = days / 7;
        let mut count = weeks * per_week;
        let mut day = add_days(a, weeks * 7);
        while day < b {
            day = next_day(day);
            #[cfg(test)]
            tests::DAYS_WALKED.with(|n| n.set(n.get() + 1));
            if self.is_workday(day) {
                count += 1;
            }
        }
        let holidays = self
            .holidays
            .range((Bound::Excluded(a), Bound::Included(b)))
            .filter(|&&h| self.is_workday(h))
            .count();
        count - holidays as i64
    }

    /// True when `date` is one of the work week's days (holiday or not).
    fn is_workday(&self, date: Date) -> bool {
        self.workdays[date.weekday().to_monday_zero_offset() as usize]
    }
}

/// The day after `date`, saturating at the end of the supported range.
pub fn next_day(date: Date) -> Date {
    add_days(date, 1)
}

/// `date` plus `n` calendar days, saturating at the ends of the supported range.
pub fn add_days(date: Date, n: i64) -> Date {
    date.checked_add(n.days()).unwrap_or(date)
}

/// Whole calendar days from `a` to `b` (negative when `b` is earlier).
pub fn days_between(a: Date, b: Date) -> i64 {
    // Between civil dates the span's largest unit is days, so this is exact.
    b.since(a)
        .map(|span| i64::from(span.get_days()))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    thread_local! {
        /// Days [`WorkCalendar::business_days_between`] stepped through one by one
        /// on this thread.
        pub(super) static DAYS_WALKED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }

    /// Regression: the public preview of a playbook counted business days from the
    /// kickoff day by day for every task, so 10,000 chained tasks (about 40 years)
    /// took 12 s to publish where 2,500 took 1 s. The count walks at most the six
    /// days after the last whole week, however far apart the dates are.
    #[test]
    fn business_days_between_walks_at_most_six_days_at_any_distance() {
        let c = WorkCalendar::default().with_holidays([date(2030, 12, 25), date(2060, 1, 1)]);
        let a = date(2026, 12, 14);
        for days in [1, 6, 7, 100, 10_000, 1_000_000] {
            DAYS_WALKED.with(|n| n.set(0));
            let counted = c.business_days_between(a, add_days(a, days));
            let walked = DAYS_WALKED.with(|n| n.get());
            assert!(walked <= 6, "{days} days apart: {walked} days walked");
            assert!(counted > 0 && counted <= days, "{days}: {counted}");
        }
    }

    fn cal() -> WorkCalendar {
        WorkCalendar::new(
            &[
                Weekday::Monday,
                Weekday::Tuesday,
                Weekday::Wednesday,
                Weekday::Thursday,
                Weekday::Friday,
            ],
            [date(2026, 12, 25)],
        )
    }

    #[test]
    fn business_days_skip_weekends_and_holidays() {
        // Wednesday 2026-12-23 + 2bd: Thu 24, (Fri 25 holiday, weekend) Mon 28.
        assert_eq!(
            cal().add(date(2026, 12, 23), Offset::BusinessDays(2)),
            date(2026, 12, 28)
        );
        assert_eq!(
            cal().add(date(2026, 12, 23), Offset::BusinessDays(0)),
            date(2026, 12, 23)
        );
    }

    #[test]
    fn before_steps_back_over_weekends_and_holidays() {
        // Monday 2026-12-28 - 1bd: (weekend, Fri 25 holiday) Thursday 24.
        assert_eq!(
            cal().before(date(2026, 12, 28), Offset::BusinessDays(1)),
            date(2026, 12, 24)
        );
        assert_eq!(
            cal().before(date(2026, 12, 28), Offset::BusinessDays(2)),
            date(2026, 12, 23)
        );
        // Wednesday - 1bd is Tuesday; 0bd is the day itself.
        assert_eq!(
            cal().before(date(2026, 12, 16), Offset::BusinessDays(1)),
            date(2026, 12, 15)
        );
        assert_eq!(
            cal().before(date(2026, 12, 16), Offset::BusinessDays(0)),
            date(2026, 12, 16)
        );
        // Calendar days land on the business day before: Monday - 2d is Saturday,
        // so Friday; Monday - 1w is the Monday before.
        assert_eq!(
            cal().before(date(2026, 12, 14), Offset::Days(2)),
            date(2026, 12, 11)
        );
        assert_eq!(
            cal().before(date(2026, 12, 14), Offset::Days(7)),
            date(2026, 12, 7)
        );
        // A date that is not a business day counts from the one before it.
        assert_eq!(
            cal().before(date(2026, 12, 27), Offset::BusinessDays(1)),
            date(2026, 12, 23)
        );
    }

    #[test]
    fn calendar_days_land_on_a_business_day() {
        // Friday + 1d is Saturday, rolled to Monday.
        assert_eq!(
            cal().add(date(2026, 12, 4), Offset::Days(1)),
            date(2026, 12, 7)
        );
        assert_eq!(
            cal().add(date(2026, 12, 1), Offset::Days(7)),
            date(2026, 12, 8)
        );
    }

    #[test]
    fn durations_count_the_first_day() {
        assert_eq!(
            cal().finish(date(2026, 12, 1), Offset::BusinessDays(1)),
            date(2026, 12, 1)
        );
        assert_eq!(
            cal().finish(date(2026, 12, 3), Offset::BusinessDays(3)),
            date(2026, 12, 7)
        );
    }

    #[test]
    fn counts_business_days_between() {
        // Wed 23 Dec to Mon 28 Dec: Thu 24, (Fri 25 holiday), Mon 28.
        assert_eq!(
            cal().business_days_between(date(2026, 12, 23), date(2026, 12, 28)),
            2
        );
        assert_eq!(
            cal().business_days_between(date(2026, 12, 28), date(2026, 12, 23)),
            0
        );
    }

    /// Counting by weeks gives what counting day by day gives, for every start and
    /// span up to ten weeks, with holidays on work days and at the weekend, on a
    /// Monday-to-Friday and a Sunday-to-Thursday week.
    #[test]
    fn business_days_between_counts_as_day_by_day_does() {
        let by_day = |c: &WorkCalendar, a: Date, b: Date| {
            let (mut n, mut d) = (0, a);
            while d < b {
                d = next_day(d);
                n += i64::from(c.is_business_day(d));
            }
            n
        };
        let holidays = [date(2026, 12, 25), date(2026, 12, 26), date(2027, 1, 1)];
        let calendars = [
            WorkCalendar::default().with_holidays(holidays),
            WorkCalendar::new(
                &[
                    Weekday::Sunday,
                    Weekday::Monday,
                    Weekday::Tuesday,
                    Weekday::Wednesday,
                    Weekday::Thursday,
                ],
                holidays,
            ),
        ];
        for c in &calendars {
            for start in 0..14 {
                let a = add_days(date(2026, 12, 14), start);
                for span in -3..70 {
                    let b = add_days(a, span);
                    assert_eq!(c.business_days_between(a, b), by_day(c, a, b), "{a} to {b}");
                }
            }
        }
    }

    #[test]
    fn other_work_weeks() {
        let sun_thu = WorkCalendar::new(
            &[
                Weekday::Sunday,
                Weekday::Monday,
                Weekday::Tuesday,
                Weekday::Wednesday,
                Weekday::Thursday,
            ],
            [],
        );
        // Thursday 2026-12-03 + 1bd is Sunday 2026-12-06.
        assert_eq!(
            sun_thu.add(date(2026, 12, 3), Offset::BusinessDays(1)),
            date(2026, 12, 6)
        );
    }

    #[test]
    fn parses_dates_and_weekdays() {
        assert_eq!(parse_date("2026-02-28"), Ok(date(2026, 2, 28)));
        assert!(parse_date("2026-02-30").is_err());
        assert!(parse_date("2026-2-3").is_err());
        assert!(parse_date("tomorrow").is_err());
        assert_eq!(parse_weekday("Sun"), Some(Weekday::Sunday));
        assert_eq!(parse_weekday("thursday"), Some(Weekday::Thursday));
        assert_eq!(parse_weekday("thurs"), None);
    }

    #[test]
    fn days_between_counts_calendar_days() {
        assert_eq!(days_between(date(2026, 12, 30), date(2027, 1, 2)), 3);
        assert_eq!(days_between(date(2027, 1, 2), date(2026, 12, 30)), -3);
    }
}
