//! The chart's picture: HTML rows whose names wrap (never clipped), each with a small
//! SVG track for its bars, all positioned in percentages of the track's width so the
//! chart fits any screen. No `style` attribute anywhere (the pages'
//! Content-Security-Policy refuses them): every element has a class, and SVG geometry
//! is written as presentation attributes.
//!
//! ```text
//! div.gantt-box > div.gantt[role=img]
//!   div.gantt-head:  span.gantt-name (empty), svg.gantt-track.gantt-axis (ticks, labels)
//!   ol.gantt-rows > li.gantt-row:  span.gantt-name, span.gantt-bars > svg.gantt-track
//!                                  (title, grid, today line, svg.marks: the bars at
//!                                  mid-height, each milestone an svg.at)
//! ```

use std::fmt::Write as _;

use super::{Row, Timeline};
use crate::html::escape;
use crate::raw::Status;

/// The words the chart's picture shows, in the page's language.
pub(crate) struct ChartWords {
    /// The picture's accessible name.
    title: String,
    critical_path: String,
    overdue: String,
    /// "planned {planned} → expected {expected}", for late items' tooltips.
    planned_expected: String,
    /// Each status's word (`todo` → "To do") when bars show their status, on a
    /// customer's plan; `None` on a playbook preview, which has no progress.
    statuses: Option<Vec<(&'static str, String)>>,
}

impl ChartWords {
    /// The words from the theme's UI strings: `t(key, fallback)`.
    pub(crate) fn new(t: &dyn Fn(&str, &str) -> String, show_status: bool) -> ChartWords {
        ChartWords {
            title: t("timeline_chart", "Timeline chart of tasks and milestones"),
            critical_path: t("critical_path", "Critical path"),
            overdue: t("overdue", "Overdue"),
            planned_expected: t(
                "planned_expected",
                "planned {planned} → expected {expected}",
            ),
            statuses: show_status.then(|| {
                Status::ALL
                    .iter()
                    .map(|s| (s.as_str(), t(s.string_key(), s.as_str())))
                    .collect()
            }),
        }
    }
}

const SVG: &str = "xmlns=\"http://www.w3.org/2000/svg\" aria-hidden=\"true\" focusable=\"false\"";

/// The chart's markup.
pub(super) fn draw(chart: &Timeline, words: &ChartWords) -> String {
    let mut out = String::with_capacity(1200 + chart.rows.len() * (700 + 60 * chart.ticks.len()));
    // A line for every tick, then the today line: drawn in every row, and in the
    // axis below its labels.
    // Rows draw their grid lines with one pattern, a line every `tick_step` days
    // from the kickoff (the ticks' places), rather than a line element per tick
    // in every row: that was a third of a timeline page's bytes.
    let grid = row_grid(chart);
    // `write!` into a String cannot fail.
    let _ = write!(
        out,
        "<div class=\"gantt-box\">\n<div class=\"gantt\" role=\"img\" aria-label=\"{}\">\n  \
         <div class=\"gantt-head\"><span class=\"gantt-name\"></span><svg class=\"gantt-track gantt-axis\" {SVG}>\n    \
         <defs><pattern id=\"gantt-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect class=\"hatch\" width=\"3\" height=\"6\"/></pattern>\
         <pattern id=\"gantt-grid\" width=\"{:.4}%\" height=\"100%\" patternUnits=\"userSpaceOnUse\"><rect class=\"grid-line\" width=\"1\" height=\"100%\"/></pattern></defs>\n    \
         {}",
        escape(&words.title),
        100.0 * super::tick_step(chart.days) as f64 / chart.days.max(1) as f64,
        axis_grid(chart, 16),
    );
    for tick in chart.ticks.iter().filter(|t| !t.fits.is_empty()) {
        out.push_str("\n    <text class=\"tick-label");
        for fit in &tick.fits {
            let _ = write!(out, " fit-{fit}");
        }
        let _ = write!(
            out,
            "\" x=\"{}\" dx=\"3\" y=\"13\">{}</text>",
            tick.x,
            escape(&tick.label)
        );
    }
    out.push_str("\n  </svg></div>\n  <ol class=\"gantt-rows\">");
    for row in &chart.rows {
        draw_row(&mut out, row, &grid, words);
    }
    out.push_str("\n  </ol>\n</div>\n</div>");
    out
}

/// A row's grid lines (the pattern the axis defines) and the today line.
fn row_grid(chart: &Timeline) -> String {
    let mut grid = String::from(
        "<rect class=\"grid\" width=\"100%\" height=\"100%\" fill=\"url(#gantt-grid)\"/>",
    );
    if let Some(x) = chart.today_x {
        let _ = write!(
            grid,
            "<line class=\"today\" x1=\"{x}\" x2=\"{x}\" y2=\"100%\"/>"
        );
    }
    grid
}

/// The axis's grid lines and today line, below its labels (from `top`, in
/// pixels, to the bottom); the rows draw theirs with [`row_grid`].
fn axis_grid(chart: &Timeline, top: i64) -> String {
    let mut grid = String::from("<g class=\"grid\">");
    for tick in &chart.ticks {
        let _ = write!(
            grid,
            "<line x1=\"{x}\" y1=\"{top}\" x2=\"{x}\" y2=\"100%\"/>",
            x = tick.x
        );
    }
    grid.push_str("</g>");
    if let Some(x) = chart.today_x {
        let _ = write!(
            grid,
            "<line class=\"today\" x1=\"{x}\" y1=\"{top}\" x2=\"{x}\" y2=\"100%\"/>"
        );
    }
    grid
}

/// One row: its name, and its track with the tooltip, the grid, and the bar (or a
/// milestone's diamond) with the expected one beside it when the item is late.
fn draw_row(out: &mut String, row: &Row, grid: &str, words: &ChartWords) {
    let status = if words.statuses.is_some() {
        row.status
    } else {
        "plan"
    };
    let _ = write!(
        out,
        "\n    <li class=\"gantt-row is-{} s-{}{}{}{}\"><span class=\"gantt-name\"{}>{}{}</span>",
        row.kind,
        escape(status),
        if row.critical { " crit" } else { "" },
        if row.overdue { " late" } else { "" },
        if row.forecast.is_some() {
            " expected"
        } else {
            ""
        },
        LangAttr(row.label_lang.as_deref()),
        if row.overdue {
            "<span class=\"warn\" aria-hidden=\"true\">⚠ </span>"
        } else {
            ""
        },
        escape(&row.label),
    );
    let _ = write!(
        out,
        "<span class=\"gantt-bars\"><svg class=\"gantt-track\" {SVG}><title>"
    );
    tooltip(out, row, words);
    let _ = write!(
        out,
        "</title>{grid}<svg class=\"marks\" y=\"50%\" overflow=\"visible\">"
    );
    if row.kind == "milestone" {
        if let Some(f) = &row.forecast {
            let _ = write!(
                out,
                "<line class=\"slip\" x1=\"{}\" y1=\"0\" x2=\"{}\" y2=\"0\"/>{}",
                row.x,
                f.x,
                Diamond("expect", f.x),
            );
        }
        let _ = write!(out, "{}", Diamond("diamond", row.x));
    } else {
        // With an expected bar, the planned one moves up to make room below it.
        let (y, h) = if row.forecast.is_some() {
            (-8, 9)
        } else {
            (-5, 10)
        };
        let bar = format!(
            "x=\"{}\" y=\"{y}\" width=\"{}\" height=\"{h}\" rx=\"2\"",
            row.x, row.w
        );
        let _ = write!(out, "<rect class=\"bar\" {bar}/>");
        if row.critical {
            let _ = write!(
                out,
                "<rect class=\"hatched\" {bar} fill=\"url(#gantt-hatch)\"/>"
            );
        }
        if let Some(f) = &row.forecast {
            let _ = write!(
                out,
                "<rect class=\"expect\" x=\"{}\" y=\"3\" width=\"{}\" height=\"6\" rx=\"2\"/>",
                f.x, f.w
            );
        }
    }
    out.push_str("</svg></svg></span></li>");
}

/// ` lang="…"` for a name in another language than the page, else nothing.
struct LangAttr<'a>(Option<&'a str>);

impl std::fmt::Display for LangAttr<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(lang) => write!(f, " lang=\"{}\"", escape(lang)),
            None => Ok(()),
        }
    }
}

/// A milestone's diamond, 14 px across, centred on `x` at mid-height.
struct Diamond(&'static str, super::Pct);

impl std::fmt::Display for Diamond {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "<svg class=\"at\" x=\"{}\" overflow=\"visible\"><polygon class=\"{}\" points=\"0,-7 7,0 0,7 -7,0\"/></svg>",
            self.1, self.0
        )
    }
}

/// A row's tooltip: name, dates, expected dates when late, status, and whether it is
/// critical or overdue.
///
/// A label in another language than the page is left out: the tooltip is in
/// the page's language (an SVG `<title>` holds text only, so no part of it can
/// say it is in another), and the name stands beside the bar, marked.
fn tooltip(out: &mut String, row: &Row, words: &ChartWords) {
    if row.label_lang.is_none() {
        let _ = write!(out, "{}: ", escape(&row.label));
    }
    let _ = write!(out, "{}", escape(&row.start));
    if row.due != row.start {
        let _ = write!(out, " – {}", escape(&row.due));
    }
    if let Some(f) = &row.forecast {
        let text = words
            .planned_expected
            .replace("{planned}", &row.due)
            .replace("{expected}", &f.due);
        let _ = write!(out, " · {}", escape(&text));
    }
    if let Some(statuses) = &words.statuses {
        let word = statuses
            .iter()
            .find(|(s, _)| *s == row.status)
            .map_or(row.status, |(_, w)| w.as_str());
        let _ = write!(out, " · {}", escape(word));
    }
    if row.critical {
        let _ = write!(out, " · {}", escape(&words.critical_path));
    }
    if row.overdue {
        let _ = write!(out, " · {}", escape(&words.overdue));
    }
}
