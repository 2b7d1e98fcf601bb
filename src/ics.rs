//! A small RFC 5545 (iCalendar) writer for all-day events.
//!
//! This module owns turning [`Event`]s into the text of one `VCALENDAR`: property
//! order, text escaping, line folding and CRLF line endings. It must not read the
//! clock, the file system or the environment, so the same input always gives
//! byte-identical output; deciding which events exist and where the file goes is
//! the caller's business. No external iCalendar crate is used because the subset
//! gangway needs is small and its exact bytes matter for reproducible builds.

use jiff::civil::Date;

/// The longest a physical line may be, in octets, not counting its CRLF
/// (RFC 5545 section 3.1).
const MAX_LINE_OCTETS: usize = 75;

/// One all-day event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// A globally unique, stable identifier chosen by the caller, so that
    /// calendar clients recognise the same event across rebuilds.
    pub uid: String,
    /// The day the event takes place; it lasts the whole day.
    pub date: Date,
    /// A one-line title.
    pub summary: String,
    /// The language of the title, when not the calendar's (an untranslated
    /// task): written as the `LANGUAGE` parameter of `SUMMARY`.
    pub summary_lang: Option<String>,
    /// A longer text; when empty, no `DESCRIPTION` is written.
    pub description: String,
    /// A link to the event's page, if it has one.
    pub url: Option<String>,
    /// Free-form categories; may be empty, in which case no `CATEGORIES` is written.
    pub categories: Vec<String>,
    /// Whether the event will not take place (`STATUS:CANCELLED`). No `STATUS` is
    /// written otherwise: `TENTATIVE` and `CONFIRMED` say nothing a reader needs.
    pub cancelled: bool,
    /// A reminder, if the event has one.
    pub alarm: Option<Alarm>,
}

/// A reminder shown by the reader's calendar (`VALARM` with `ACTION:DISPLAY`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alarm {
    /// The day it goes off, at [`ALARM_HOUR`] in the reader's own time zone; on or
    /// before the event's day.
    pub day: Date,
    /// What it says.
    pub description: String,
}

/// The hour of the day, in the reader's time zone, reminders go off.
pub const ALARM_HOUR: i64 = 9;

/// A whole calendar: a name, a build stamp and the events in output order.
#[derive(Debug, Clone, Copy)]
pub struct Calendar<'a> {
    /// The display name clients show (`X-WR-CALNAME`).
    pub name: &'a str,
    /// The date used for every `DTSTAMP`, at midnight UTC. It is passed in rather
    /// than read from the clock so that rebuilding the same input gives the same bytes.
    pub stamp: Date,
    /// The events, written in this order.
    pub events: &'a [Event],
}

/// The text being written: each content line is built in `line`, then folded
/// onto `out` by [`Lines::emit`].
#[derive(Default)]
struct Lines {
    out: String,
    line: String,
}

impl Lines {
    /// Ends the content line being built.
    fn emit(&mut self) {
        push_folded(&mut self.out, &self.line);
        self.line.clear();
    }

    /// A whole content line written as it is.
    fn fixed(&mut self, line: &str) {
        self.line.push_str(line);
        self.emit();
    }

    /// A content line `NAME:value` with a `TEXT` value.
    fn text(&mut self, name: &str, value: &str) {
        self.line.push_str(name);
        self.line.push(':');
        escape_text_into(&mut self.line, value);
        self.emit();
    }
}

/// Renders `calendar` as iCalendar text: CRLF line endings (the last line
/// included), escaped text values, and lines folded at 75 octets.
pub fn write(calendar: &Calendar<'_>) -> String {
    let stamp = format_date(calendar.stamp);
    let events: Vec<String> = calendar
        .events
        .iter()
        .map(|event| write_one(event, &stamp))
        .collect();
    assemble(calendar.name, events.iter().map(String::as_str))
}

/// One event's lines (`BEGIN:VEVENT` ... `END:VEVENT`, folded, CRLF), for
/// [`assemble`]: an event in several calendars is written once. `stamp` is
/// the calendar's stamp as [`stamp`] spells it.
pub fn write_one(event: &Event, stamp: &str) -> String {
    let mut lines = Lines::default();
    write_event(&mut lines, event, stamp);
    lines.out
}

/// The stamp date as `DTSTAMP` spells it, for [`write_one`].
pub fn stamp(date: Date) -> String {
    format_date(date)
}

/// A calendar named `name` of events already written by [`write_one`], in order.
pub fn assemble<'e>(name: &str, events: impl IntoIterator<Item = &'e str>) -> String {
    let mut lines = Lines::default();
    for fixed in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//gangway//gangway//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        lines.fixed(fixed);
    }
    lines.text("X-WR-CALNAME", name);
    for event in events {
        lines.out.push_str(event);
    }
    lines.fixed("END:VCALENDAR");
    lines.out
}

/// One `VEVENT`, its reminder inside it.
fn write_event(lines: &mut Lines, event: &Event, stamp: &str) {
    lines.fixed("BEGIN:VEVENT");
    lines.text("UID", &event.uid);
    // Midnight UTC of the stamp date, spelled out rather than derived from the
    // clock, so DTSTAMP only changes when the caller's stamp does.
    lines.fixed(&format!("DTSTAMP:{stamp}T000000Z"));
    lines.fixed(&format!("DTSTART;VALUE=DATE:{}", format_date(event.date)));
    // DTEND is exclusive, so an all-day event ends on the next day. The only
    // date without a next day is the last one jiff can represent; there the
    // property is left out, which RFC 5545 (section 3.6.1) defines as lasting
    // one day for a DATE-valued DTSTART, i.e. the same meaning.
    if let Ok(next) = event.date.tomorrow() {
        lines.fixed(&format!("DTEND;VALUE=DATE:{}", format_date(next)));
    }
    match &event.summary_lang {
        // A language tag is letters, digits and hyphens: nothing to escape.
        Some(lang) if lang.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') => {
            lines.text(&format!("SUMMARY;LANGUAGE={lang}"), &event.summary);
        }
        _ => lines.text("SUMMARY", &event.summary),
    }
    if !event.description.is_empty() {
        lines.text("DESCRIPTION", &event.description);
    }
    if let Some(url) = &event.url {
        // URL is a URI value, which RFC 5545 does not escape; control
        // characters are dropped instead so a stray newline cannot end the
        // content line and inject properties.
        let url: String = url.chars().filter(|c| !c.is_control()).collect();
        if !url.is_empty() {
            lines.fixed(&format!("URL:{url}"));
        }
    }
    if !event.categories.is_empty() {
        lines.line.push_str("CATEGORIES:");
        for (i, category) in event.categories.iter().enumerate() {
            if i > 0 {
                lines.line.push(',');
            }
            // Escaped one by one so a comma inside a category stays part of
            // it instead of splitting it in two.
            escape_text_into(&mut lines.line, category);
        }
        lines.emit();
    }
    if event.cancelled {
        lines.fixed("STATUS:CANCELLED");
    }
    // All-day reminders should not show the reader as busy.
    lines.fixed("TRANSP:TRANSPARENT");
    if let Some(alarm) = &event.alarm {
        lines.fixed("BEGIN:VALARM");
        lines.fixed("ACTION:DISPLAY");
        lines.fixed(&format!("TRIGGER:{}", trigger(alarm.day, event.date)));
        lines.text("DESCRIPTION", &alarm.description);
        lines.fixed("END:VALARM");
    }
    lines.fixed("END:VEVENT");
}

/// The `TRIGGER` of a reminder at [`ALARM_HOUR`] on `day`, for an all-day event
/// on `start`: a duration relative to the event's start, midnight of its day in
/// the reader's time zone (RFC 5545 section 3.8.6.3). `-PT15H` is 09:00 the day
/// before, `-P2DT15H` 09:00 three days before, `PT9H` 09:00 on the day itself.
///
/// The relative form is the one Apple Calendar, Outlook and Google Calendar write
/// themselves for an all-day event's reminder; an absolute `DATE-TIME` trigger
/// would have to be in UTC, and so at another hour for every reader's time zone.
fn trigger(day: Date, start: Date) -> String {
    let days_before = day
        .until(start)
        .map(|span| i64::from(span.get_days()))
        .unwrap_or(0);
    let hours = ALARM_HOUR - 24 * days_before;
    let sign = if hours < 0 { "-" } else { "" };
    let hours = hours.unsigned_abs();
    let (days, hours) = (hours / 24, hours % 24);
    match (days, hours) {
        (0, h) => format!("{sign}PT{h}H"),
        (d, 0) => format!("{sign}P{d}D"),
        (d, h) => format!("{sign}P{d}DT{h}H"),
    }
}

/// Formats a date as the iCalendar `DATE` value `YYYYMMDD`.
fn format_date(date: Date) -> String {
    format!("{:04}{:02}{:02}", date.year(), date.month(), date.day())
}

/// Appends `text` escaped as an iCalendar `TEXT` value (RFC 5545 section 3.3.11).
///
/// Backslash, semicolon and comma are backslash-escaped and a line break (LF, CRLF
/// or a lone CR) becomes one `\n`, so a value's lines stay lines. Other control
/// characters except tab are dropped, because `TEXT` does not allow them and
/// clients reject or mangle them.
fn escape_text_into(out: &mut String, text: &str) {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push_str("\\n");
            }
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
}

/// Appends one content line, folded so no physical line exceeds
/// [`MAX_LINE_OCTETS`] octets, followed by CRLF.
///
/// Folding inserts CRLF and a single space. The space counts towards the next
/// line's length, so continuation lines carry at most 74 octets of content.
/// Cuts are moved back to a character boundary so no UTF-8 sequence is split,
/// which strict clients would otherwise reject.
fn push_folded(out: &mut String, line: &str) {
    let mut rest = line;
    let mut room = MAX_LINE_OCTETS;
    while rest.len() > room {
        // `room` is at least 74 and a character is at most 4 octets, so the cut
        // is never zero and the loop always makes progress.
        let cut = rest.floor_char_boundary(room);
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        room = MAX_LINE_OCTETS - 1;
    }
    out.push_str(rest);
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    /// Undoes folding: removes every CRLF followed by a space or tab.
    fn unfold(text: &str) -> String {
        text.replace("\r\n ", "").replace("\r\n\t", "")
    }

    /// Undoes [`escape_text_into`] for values that went through it.
    fn unescape(value: &str) -> String {
        let mut out = String::new();
        let mut chars = value.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n' | 'N') => out.push('\n'),
                    Some(other) => out.push(other),
                    None => out.push('\\'),
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    /// Splits an unescaped-by-comma list value such as CATEGORIES into items,
    /// honouring `\,` escapes.
    fn split_list(value: &str) -> Vec<String> {
        let mut items = vec![String::new()];
        let mut chars = value.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    if let Some(last) = items.last_mut() {
                        last.push('\\');
                        if let Some(next) = chars.next() {
                            last.push(next);
                        }
                    }
                }
                ',' => items.push(String::new()),
                c => {
                    if let Some(last) = items.last_mut() {
                        last.push(c);
                    }
                }
            }
        }
        items.iter().map(|item| unescape(item)).collect()
    }

    /// Unfolds and parses calendar text into `(name with parameters, raw value)`
    /// pairs, one per content line.
    fn parse(text: &str) -> Vec<(String, String)> {
        let unfolded = unfold(text);
        let body = unfolded
            .strip_suffix("\r\n")
            .expect("output ends with CRLF");
        body.split("\r\n")
            .map(|line| {
                let (name, value) = line.split_once(':').expect("content line has a colon");
                (name.to_owned(), value.to_owned())
            })
            .collect()
    }

    /// The raw values of every property called `name`, in order.
    fn values(text: &str, name: &str) -> Vec<String> {
        parse(text)
            .into_iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v)
            .collect()
    }

    fn event(summary: &str) -> Event {
        Event {
            uid: "setup-1@example.com".to_owned(),
            date: date(2026, 12, 1),
            summary: summary.to_owned(),
            summary_lang: None,
            description: String::new(),
            url: None,
            categories: Vec::new(),
            cancelled: false,
            alarm: None,
        }
    }

    fn render(events: &[Event]) -> String {
        write(&Calendar {
            name: "Onboarding",
            stamp: date(2026, 12, 1),
            events,
        })
    }

    fn escaped(text: &str) -> String {
        let mut out = String::new();
        escape_text_into(&mut out, text);
        out
    }

    /// Asserts every physical line is at most 75 octets and valid UTF-8 on its
    /// own, and every continuation starts with one space.
    fn assert_well_folded(text: &str) {
        let body = text.strip_suffix("\r\n").expect("ends with CRLF");
        for (i, line) in body.split("\r\n").enumerate() {
            assert!(
                line.len() <= MAX_LINE_OCTETS,
                "line {i} has {} octets: {line:?}",
                line.len()
            );
            // Each piece is a &str, so it is valid UTF-8 by construction; also
            // check the raw bytes in case splitting were ever done on bytes.
            assert!(std::str::from_utf8(line.as_bytes()).is_ok());
            assert!(!line.is_empty(), "no empty physical lines");
        }
    }

    #[test]
    fn escapes_text_values() {
        assert_eq!(escaped(r"a\b"), r"a\\b");
        assert_eq!(escaped("a;b,c"), r"a\;b\,c");
        assert_eq!(escaped("one\ntwo"), r"one\ntwo");
        assert_eq!(escaped("one\r\ntwo"), r"one\ntwo");
        // A lone CR (old Mac line ends, or a quoted YAML "\r") is a line break too.
        assert_eq!(escaped("bare\rcr"), r"bare\ncr");
        assert_eq!(escaped("two\r\n\r\nbreaks"), r"two\n\nbreaks");
        assert_eq!(escaped("tab\there"), "tab\there");
        assert_eq!(escaped("bell\u{7}"), "bell");
        assert_eq!(escaped("ການຕັ້ງຄ່າ: ok"), "ການຕັ້ງຄ່າ: ok");
    }

    #[test]
    fn escaped_values_round_trip() {
        let mut e = event(r"Kick-off; agenda, notes \ more");
        e.description = "Line one\r\nLine two\nLine three, with; all\\".to_owned();
        let text = render(&[e]);
        assert_eq!(
            unescape(&values(&text, "SUMMARY")[0]),
            r"Kick-off; agenda, notes \ more"
        );
        assert_eq!(
            unescape(&values(&text, "DESCRIPTION")[0]),
            "Line one\nLine two\nLine three, with; all\\"
        );
    }

    #[test]
    fn categories_are_escaped_individually() {
        let mut e = event("x");
        e.categories = vec!["a,b".to_owned(), "c;d".to_owned(), "plain".to_owned()];
        let text = render(&[e]);
        let raw = &values(&text, "CATEGORIES")[0];
        assert_eq!(raw, r"a\,b,c\;d,plain");
        assert_eq!(split_list(raw), ["a,b", "c;d", "plain"]);
    }

    #[test]
    fn full_event_has_every_property_in_order() {
        let e = Event {
            uid: "kb-setup@gangway".to_owned(),
            date: date(2026, 12, 1),
            summary: "Account setup".to_owned(),
            summary_lang: None,
            description: "Bring ID".to_owned(),
            url: Some("https://example.com/kb/setup/".to_owned()),
            categories: vec!["onboarding".to_owned(), "week 1".to_owned()],
            cancelled: false,
            alarm: None,
        };
        let expected = "BEGIN:VCALENDAR\r\n\
            VERSION:2.0\r\n\
            PRODID:-//gangway//gangway//EN\r\n\
            CALSCALE:GREGORIAN\r\n\
            METHOD:PUBLISH\r\n\
            X-WR-CALNAME:Onboarding\r\n\
            BEGIN:VEVENT\r\n\
            UID:kb-setup@gangway\r\n\
            DTSTAMP:20261201T000000Z\r\n\
            DTSTART;VALUE=DATE:20261201\r\n\
            DTEND;VALUE=DATE:20261202\r\n\
            SUMMARY:Account setup\r\n\
            DESCRIPTION:Bring ID\r\n\
            URL:https://example.com/kb/setup/\r\n\
            CATEGORIES:onboarding,week 1\r\n\
            TRANSP:TRANSPARENT\r\n\
            END:VEVENT\r\n\
            END:VCALENDAR\r\n";
        assert_eq!(render(&[e]), expected);
    }

    #[test]
    fn reminders_are_relative_to_the_start_of_the_day() {
        let due = date(2026, 12, 28);
        assert_eq!(trigger(date(2026, 12, 28), due), "PT9H");
        assert_eq!(trigger(date(2026, 12, 27), due), "-PT15H");
        assert_eq!(trigger(date(2026, 12, 24), due), "-P3DT15H");
        assert_eq!(trigger(date(2026, 11, 28), due), "-P29DT15H");
        // Across a month and a year.
        assert_eq!(trigger(date(2026, 12, 31), date(2027, 1, 1)), "-PT15H");
    }

    #[test]
    fn an_alarm_is_the_last_part_of_its_event() {
        let mut e = event("Sign the order");
        e.date = date(2026, 12, 28);
        e.alarm = Some(Alarm {
            day: date(2026, 12, 24),
            description: "Due 28 Dec, soon".to_owned(),
        });
        let text = render(&[e]);
        let tail = text
            .split("TRANSP:TRANSPARENT\r\n")
            .nth(1)
            .expect("TRANSP before the alarm");
        assert_eq!(
            tail,
            "BEGIN:VALARM\r\n\
             ACTION:DISPLAY\r\n\
             TRIGGER:-P3DT15H\r\n\
             DESCRIPTION:Due 28 Dec\\, soon\r\n\
             END:VALARM\r\n\
             END:VEVENT\r\n\
             END:VCALENDAR\r\n"
        );
        assert!(values(&text, "STATUS").is_empty());
    }

    #[test]
    fn a_cancelled_event_says_so() {
        let mut e = event("Not needed");
        e.cancelled = true;
        assert_eq!(values(&render(&[e]), "STATUS"), ["CANCELLED"]);
    }

    #[test]
    fn optional_properties_are_omitted() {
        let text = render(&[event("Only a summary")]);
        let names: Vec<String> = parse(&text).into_iter().map(|(n, _)| n).collect();
        assert!(!text.contains("VALARM"), "{text}");
        for absent in ["DESCRIPTION", "URL", "CATEGORIES", "STATUS"] {
            assert!(!names.iter().any(|n| n == absent), "{absent} in {text}");
        }
        assert!(names.iter().any(|n| n == "TRANSP"));
    }

    #[test]
    fn url_control_characters_are_dropped() {
        let mut e = event("x");
        e.url = Some("https://example.com/a\r\nX-INJECTED:1".to_owned());
        let text = render(&[e]);
        assert_eq!(values(&text, "URL"), ["https://example.com/aX-INJECTED:1"]);
        assert!(values(&text, "X-INJECTED").is_empty());

        let mut e = event("x");
        e.url = Some("\n".to_owned());
        assert!(values(&render(&[e]), "URL").is_empty());
    }

    #[test]
    fn empty_calendar() {
        let text = write(&Calendar {
            name: "Nothing, yet",
            stamp: date(2026, 1, 1),
            events: &[],
        });
        assert_eq!(
            text,
            "BEGIN:VCALENDAR\r\n\
             VERSION:2.0\r\n\
             PRODID:-//gangway//gangway//EN\r\n\
             CALSCALE:GREGORIAN\r\n\
             METHOD:PUBLISH\r\n\
             X-WR-CALNAME:Nothing\\, yet\r\n\
             END:VCALENDAR\r\n"
        );
    }

    #[test]
    fn line_of_exactly_75_octets_is_not_folded() {
        let mut out = String::new();
        let line = "x".repeat(75);
        push_folded(&mut out, &line);
        assert_eq!(out, format!("{line}\r\n"));

        let mut out = String::new();
        let line = "x".repeat(76);
        push_folded(&mut out, &line);
        assert_eq!(out, format!("{}\r\n x\r\n", "x".repeat(75)));

        // The continuation's leading space counts: 75 + 74 fits in two lines,
        // one more octet needs a third.
        let mut out = String::new();
        push_folded(&mut out, &"y".repeat(75 + 74));
        assert_eq!(out.matches("\r\n").count(), 2);
        let mut out = String::new();
        push_folded(&mut out, &"y".repeat(75 + 74 + 1));
        assert_eq!(out.matches("\r\n").count(), 3);
    }

    #[test]
    fn folding_never_splits_multibyte_characters() {
        // Lao and Devanagari are 3 octets per character with combining marks;
        // shifting by 0..4 ASCII characters puts the 75-octet limit at every
        // possible offset inside a character.
        for text in ["ການຕັ້ງຄ່າ", "खाता सेटअप", "ການຕັ້ງຄ່າ खाता सेटअप 🎉"]
        {
            for pad in 0..4 {
                let summary = format!("{}{}", "a".repeat(pad), text.repeat(12));
                let mut e = event(&summary);
                e.description = text.repeat(20);
                e.categories = vec![text.repeat(9), text.to_owned()];
                let output = render(&[e]);
                assert_well_folded(&output);
                assert!(output.contains("\r\n "), "long lines were folded");
                assert_eq!(unescape(&values(&output, "SUMMARY")[0]), summary);
                assert_eq!(
                    unescape(&values(&output, "DESCRIPTION")[0]),
                    text.repeat(20)
                );
                assert_eq!(
                    split_list(&values(&output, "CATEGORIES")[0]),
                    [text.repeat(9), text.to_owned()]
                );
            }
        }
    }

    #[test]
    fn folded_lines_fill_up_to_the_limit() {
        // Folding should only back off as far as the character boundary needs:
        // with 3-octet characters every full line has 73..=75 octets.
        let mut out = String::new();
        let line = format!("SUMMARY:{}", "खाता".repeat(40));
        push_folded(&mut out, &line);
        let body = out.strip_suffix("\r\n").expect("ends with CRLF");
        let lines: Vec<&str> = body.split("\r\n").collect();
        for full in &lines[..lines.len() - 1] {
            assert!((72..=75).contains(&full.len()), "{} octets", full.len());
        }
        assert_eq!(unfold(&out), format!("{line}\r\n"));
    }

    #[test]
    fn only_crlf_line_endings() {
        let mut e = event("multi\nline\r\nsummary\rhere");
        e.description = "x\n".repeat(100);
        let text = render(&[e.clone(), e]);
        let bytes = text.as_bytes();
        assert!(text.ends_with("\r\n"));
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' {
                assert!(i > 0 && bytes[i - 1] == b'\r', "bare LF at {i}");
            }
            if b == b'\r' {
                assert_eq!(bytes.get(i + 1), Some(&b'\n'), "bare CR at {i}");
            }
        }
    }

    #[test]
    fn output_is_deterministic() {
        let mut a = event("Setup");
        a.categories = vec!["x".to_owned()];
        let mut b = event("Review");
        b.date = date(2027, 3, 4);
        let events = [a, b];
        let first = render(&events);
        assert_eq!(first, render(&events));
        assert_eq!(values(&first, "DTSTAMP"), ["20261201T000000Z"; 2]);
        assert_eq!(values(&first, "SUMMARY"), ["Setup", "Review"]);
    }

    #[test]
    fn dtend_is_the_next_day() {
        for (day, start, end) in [
            (date(2026, 5, 14), "20260514", "20260515"),
            (date(2026, 1, 31), "20260131", "20260201"),
            (date(2026, 12, 31), "20261231", "20270101"),
            (date(2028, 2, 28), "20280228", "20280229"),
            (date(2027, 2, 28), "20270228", "20270301"),
        ] {
            let mut e = event("x");
            e.date = day;
            let text = render(&[e]);
            assert_eq!(values(&text, "DTSTART;VALUE=DATE"), [start]);
            assert_eq!(values(&text, "DTEND;VALUE=DATE"), [end]);
        }
    }

    #[test]
    fn last_representable_date_has_no_dtend() {
        let mut e = event("x");
        e.date = date(9999, 12, 31);
        let text = render(&[e]);
        assert_eq!(values(&text, "DTSTART;VALUE=DATE"), ["99991231"]);
        assert!(values(&text, "DTEND;VALUE=DATE").is_empty());
    }
}
