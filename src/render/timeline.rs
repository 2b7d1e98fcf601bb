//! The timeline chart's geometry: where each bar, expected bar, tick and the today line
//! go across the chart, and the chart's picture drawn from it (`picture.rs`).
//!
//! Positions are fractions of the chart's width (percentages), not pixels: the chart
//! fills whatever width the page gives it, a phone's as well as a desktop's, and task
//! names are HTML text beside the bars (or above them on a narrow screen) that wraps
//! rather than being clipped. The one thing that depends on the width in pixels is how
//! many tick labels fit without overlapping; the chart carries a set of labels for each
//! of a few minimum widths ([`FITS`]) and the stylesheet shows the set for the width it
//! has. Label widths are estimated per script ([`text_width`]), conservatively.
//!
//! The picture is drawn here rather than in a template: it is the largest part of a
//! portal, and a template spent more time on it than on the rest of the portal.

mod picture;

use jiff::civil::Date;
use serde::Serialize;

pub(crate) use self::picture::ChartWords;
use crate::calendar::{add_days, days_between};
use crate::plan::{Item, Kind};

/// A position or length across the chart, in hundredths of a percent of its width
/// (0..=10000), so that it is written the same way on every build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Pct(pub i64);

impl Pct {
    /// The percentage as a number (`12.5` for 12.5 %).
    fn value(self) -> f64 {
        self.0 as f64 / 100.0
    }
}

impl std::fmt::Display for Pct {
    /// `12.50%`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{:02}%", self.0 / 100, self.0 % 100)
    }
}

impl Serialize for Pct {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.value())
    }
}

/// Where a late item is now expected, when that differs from its plan.
#[derive(Debug, Serialize)]
pub(crate) struct Expected {
    pub x: Pct,
    pub w: Pct,
    pub start: String,
    pub due: String,
    pub start_iso: String,
    pub due_iso: String,
    /// Working days after the planned due date.
    pub late_days: i64,
}

/// One row of the chart.
#[derive(Debug, Serialize)]
pub(crate) struct Row {
    /// The task's or milestone's id.
    pub id: String,
    pub label: String,
    /// The label's language when it is not the page's (an untranslated title);
    /// the template value's `label` says it itself.
    #[serde(skip)]
    pub label_lang: Option<String>,
    /// Where the bar starts, and its length (a milestone's `x` is its day's middle).
    pub x: Pct,
    pub w: Pct,
    pub kind: &'static str,
    pub status: &'static str,
    pub critical: bool,
    pub overdue: bool,
    pub start: String,
    pub due: String,
    pub start_iso: String,
    pub due_iso: String,
    /// The expected dates of unfinished work that is late; `None` when on plan.
    pub forecast: Option<Expected>,
}

/// A vertical grid line, with its label in the sets of labels it belongs to.
#[derive(Debug, Serialize)]
pub(crate) struct Tick {
    pub x: Pct,
    pub label: String,
    /// The minimum widths ([`FITS`]) at which this tick's label is shown.
    pub fits: Vec<&'static str>,
}

/// The whole chart.
#[derive(Debug, Serialize)]
pub(crate) struct Timeline {
    /// Days from kickoff to the last planned or expected day: the chart's width.
    pub days: i64,
    pub rows: Vec<Row>,
    pub ticks: Vec<Tick>,
    pub today_x: Option<Pct>,
    /// Whether any row has expected dates (the legend then explains their bars).
    pub expected: bool,
    /// The picture ([`Timeline::draw`]); empty until drawn.
    pub html: String,
}

/// The sets of tick labels: a name (a class `fit-<name>` in the picture) and the
/// narrowest chart area, in CSS pixels, the set is for. The stylesheet shows set `s`
/// below a 40rem chart, `m` from 40rem (names beside the bars, the bars at least 380
/// px wide) and `l` from 60rem.
pub(crate) const FITS: [(&str, i64); 3] = [("s", 260), ("m", 380), ("l", 600)];

/// The font size, in CSS pixels, tick labels are measured at: the stylesheet draws
/// them at 11 px, so a theme may enlarge them a little without overlap.
const TICK_FONT: f64 = 12.0;

/// Space kept between two tick labels, and between a tick and its label, in pixels.
const TICK_GAP: f64 = 10.0;
const TICK_PAD: f64 = 3.0;

/// What the chart's text says, in the page's language.
pub(crate) struct Labels<'a> {
    /// An item's name, and its language when it is not the page's.
    pub row: &'a dyn Fn(&Item) -> (String, Option<String>),
    /// A tick's label from its date and its day number (days after kickoff).
    pub tick: &'a dyn Fn(Date, i64) -> String,
    /// A date in the tooltips and the table.
    pub date: &'a dyn Fn(Date) -> String,
}

/// Lays out `items` from `kickoff` to `end` (or to the last expected day, when later).
/// With `today`, the chart shows the forecast (expected bars for late work) and the
/// today line when today falls inside the chart; without it (a playbook preview), the
/// plan alone.
pub(crate) fn layout<'a>(
    items: impl Iterator<Item = &'a Item> + Clone,
    kickoff: Date,
    end: Date,
    today: Option<Date>,
    labels: &Labels<'_>,
) -> Timeline {
    let last = match today {
        Some(_) => items.clone().map(|i| i.forecast_due).fold(end, Date::max),
        None => end,
    };
    let days = days_between(kickoff, last).max(0) + 1;
    let at = |d: Date| days_between(kickoff, d).clamp(0, days);
    let pct = |offset: i64| Pct(offset * 10_000 / days);
    // A milestone stands in the middle of its day.
    let mid = |offset: i64| Pct((2 * offset + 1) * 10_000 / (2 * days));
    let bar = |kind: Kind, start: Date, due: Date| match kind {
        Kind::Milestone => (mid(at(due)), Pct(0)),
        Kind::Task => {
            let (s, e) = (at(start), at(due).max(at(start)) + 1);
            (pct(s), Pct(pct(e.min(days)).0 - pct(s).0))
        }
    };
    let rows = items
        .map(|item| {
            let (x, w) = bar(item.kind, item.start, item.due);
            let late = today.is_some()
                && !item.status.is_closed()
                && (item.forecast_start, item.forecast_due) != (item.start, item.due);
            let forecast = late.then(|| {
                let (x, w) = bar(item.kind, item.forecast_start, item.forecast_due);
                Expected {
                    x,
                    w,
                    start: (labels.date)(item.forecast_start),
                    due: (labels.date)(item.forecast_due),
                    start_iso: item.forecast_start.to_string(),
                    due_iso: item.forecast_due.to_string(),
                    late_days: item.late_days,
                }
            });
            let (label, label_lang) = (labels.row)(item);
            Row {
                id: item.id.clone(),
                label,
                label_lang,
                x,
                w,
                kind: match item.kind {
                    Kind::Task => "task",
                    Kind::Milestone => "milestone",
                },
                status: item.status.as_str(),
                critical: item.critical,
                overdue: item.overdue,
                start: (labels.date)(item.start),
                due: (labels.date)(item.due),
                start_iso: item.start.to_string(),
                due_iso: item.due.to_string(),
                forecast,
            }
        })
        .collect::<Vec<Row>>();
    let today_x = today
        .filter(|&t| t >= kickoff && t <= add_days(last, 1))
        .map(|t| pct(at(t)));
    Timeline {
        days,
        expected: rows.iter().any(|r| r.forecast.is_some()),
        rows,
        ticks: ticks(kickoff, days, labels.tick),
        today_x,
        html: String::new(),
    }
}

/// Days between two grid lines: a week, or four weeks or thirteen on long plans.
pub(super) fn tick_step(days: i64) -> i64 {
    match days {
        ..=140 => 7,
        141..=560 => 28,
        _ => 91,
    }
}

/// The grid lines (every week, or every four weeks or thirteen on long plans) and, for
/// each minimum width in [`FITS`], which of them are labelled: every k-th line, k
/// chosen so that the widest label fits between two labels, and none whose label would
/// run past the chart's end.
fn ticks(kickoff: Date, days: i64, label: &dyn Fn(Date, i64) -> String) -> Vec<Tick> {
    let step = tick_step(days);
    let mut ticks: Vec<(i64, Tick, f64)> = (0..days)
        .step_by(step as usize)
        .map(|offset| {
            let text = label(add_days(kickoff, offset), offset);
            let width = text_width(&text, TICK_FONT);
            let tick = Tick {
                x: Pct(offset * 10_000 / days),
                label: text,
                fits: Vec::new(),
            };
            (offset, tick, width)
        })
        .collect();
    let widest = ticks.iter().map(|t| t.2).fold(0.0, f64::max);
    for (fit, px) in FITS {
        let day = px as f64 / days as f64;
        let per_label = (widest + TICK_GAP) / (step as f64 * day);
        let every = (per_label.ceil() as usize).max(1);
        for (offset, tick, width) in ticks.iter_mut().step_by(every) {
            if *offset as f64 * day + TICK_PAD + *width <= px as f64 {
                tick.fits.push(fit);
            }
        }
    }
    ticks.into_iter().map(|(_, tick, _)| tick).collect()
}

/// A generous estimate of how wide `text` is drawn at `font_px`, in pixels, from the
/// script of each character: Latin and digits are narrower than Cyrillic, Devanagari
/// and Lao, whose combining signs are counted as if they took room of their own.
pub(crate) fn text_width(text: &str, font_px: f64) -> f64 {
    let em: f64 = text
        .chars()
        .map(|c| match c {
            ' ' | '.' | ',' | ':' | '\'' => 0.35,
            '\u{20}'..='\u{7e}' => 0.68,
            '\u{a0}'..='\u{24f}' => 0.7,
            '\u{400}'..='\u{52f}' => 0.75,
            // Devanagari digits are narrower than its letters.
            '\u{966}'..='\u{96f}' => 0.65,
            '\u{900}'..='\u{97f}' => 0.85,
            '\u{e80}'..='\u{eff}' => 0.8,
            c if c.is_control() => 0.0,
            _ => 1.05,
        })
        .sum();
    em * font_px
}

impl Timeline {
    /// Draws the chart (into `html`): the axis with its ticks, one row per item with
    /// its name and its bars, and the today line.
    pub(crate) fn draw(mut self, words: &ChartWords) -> Timeline {
        self.html = picture::draw(&self, words);
        self
    }

    /// The chart as a template value (the map its fields would serialize to; the
    /// picture is markup, not escaped again).
    pub(crate) fn into_value(self) -> minijinja::Value {
        use crate::render::values::{list, record};
        let html = minijinja::Value::from_safe_string(self.html);
        let rows = list(self.rows.into_iter().map(|r| {
            let forecast = r.forecast.map(|f| {
                record! {
                    "due" => f.due,
                    "due_iso" => f.due_iso,
                    "late_days" => f.late_days,
                    "start" => f.start,
                    "start_iso" => f.start_iso,
                    "w" => f.w.value(),
                    "x" => f.x.value(),
                }
            });
            record! {
                "critical" => r.critical,
                "due" => r.due,
                "due_iso" => r.due_iso,
                "forecast" => forecast,
                "id" => r.id,
                "kind" => r.kind,
                "label" => match r.label_lang {
                    Some(l) => crate::render::lang_text::text_in(r.label, &l),
                    None => minijinja::Value::from(r.label),
                },
                "overdue" => r.overdue,
                "start" => r.start,
                "start_iso" => r.start_iso,
                "status" => r.status,
                "w" => r.w.value(),
                "x" => r.x.value(),
            }
        }));
        let ticks = list(self.ticks.into_iter().map(|t| {
            record! { "fits" => t.fits, "label" => t.label, "x" => t.x.value() }
        }));
        record! {
            "days" => self.days,
            "expected" => self.expected,
            "html" => html,
            "rows" => rows,
            "ticks" => ticks,
            "today_x" => self.today_x.map(Pct::value),
        }
    }
}

#[cfg(test)]
mod tests;
