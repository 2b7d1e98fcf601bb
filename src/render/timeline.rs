//! The timeline chart's geometry: where each bar, tick and the today line go, and the
//! chart's SVG picture drawn from it.
//!
//! The picture is drawn here rather than in a template: it is the largest part of a
//! portal (four passes over every task), and a template spent more time on it than on
//! the rest of the portal. Themes restyle it with CSS (every element has a class), or
//! draw their own from the geometry, which templates get as well.

use jiff::civil::Date;
use serde::Serialize;

use crate::calendar::{add_days, days_between};
use crate::plan::{Item, Kind};
use crate::raw::Status;

/// One row of the chart.
#[derive(Debug, Serialize)]
pub(crate) struct Row {
    pub label: String,
    pub x: i64,
    pub y: i64,
    pub w: i64,
    pub h: i64,
    pub kind: &'static str,
    pub status: &'static str,
    pub critical: bool,
    pub overdue: bool,
    pub start: String,
    pub due: String,
    pub start_iso: String,
    pub due_iso: String,
}

/// A vertical grid line.
#[derive(Debug, Serialize)]
pub(crate) struct Tick {
    pub x: i64,
    pub label: String,
}

/// The whole chart.
#[derive(Debug, Serialize)]
pub(crate) struct Timeline {
    pub width: i64,
    pub height: i64,
    pub label_width: i64,
    pub rows: Vec<Row>,
    pub ticks: Vec<Tick>,
    pub today_x: Option<i64>,
    /// The picture ([`Timeline::draw`]); empty until drawn.
    pub svg: String,
}

const LABEL_WIDTH: i64 = 240;
const ROW: i64 = 28;
const BAR: i64 = 18;
const TOP: i64 = 28;
const CHART_WIDTH: i64 = 720;

/// Lays out `items` from `kickoff` to `end`. `label` formats tick dates; `today`
/// draws the today line when it falls inside the chart.
pub(crate) fn layout<'a>(
    items: impl Iterator<Item = &'a Item>,
    kickoff: Date,
    end: Date,
    today: Option<Date>,
    row_label: &dyn Fn(&Item) -> String,
    tick_label: &dyn Fn(Date, i64) -> String,
    date_label: &dyn Fn(Date) -> String,
) -> Timeline {
    let days = days_between(kickoff, end).max(0) + 1;
    let day_w = (CHART_WIDTH / days).clamp(4, 40);
    let x_of = |d: Date| LABEL_WIDTH + days_between(kickoff, d).clamp(0, days) * day_w;
    let mut rows = Vec::new();
    for (n, item) in items.enumerate() {
        let y = TOP + n as i64 * ROW + (ROW - BAR) / 2;
        let x = x_of(item.start);
        let w = match item.kind {
            Kind::Milestone => BAR,
            Kind::Task => (x_of(item.due) + day_w - x).max(day_w),
        };
        rows.push(Row {
            label: row_label(item),
            x,
            y,
            w,
            h: BAR,
            kind: match item.kind {
                Kind::Task => "task",
                Kind::Milestone => "milestone",
            },
            status: item.status.as_str(),
            critical: item.critical,
            overdue: item.overdue,
            start: date_label(item.start),
            due: date_label(item.due),
            start_iso: item.start.to_string(),
            due_iso: item.due.to_string(),
        });
    }
    // A tick every week, or every four weeks on long plans.
    let step = if days > 120 { 28 } else { 7 };
    let mut ticks = Vec::new();
    let mut offset = 0;
    while offset <= days {
        let date = add_days(kickoff, offset);
        ticks.push(Tick {
            x: LABEL_WIDTH + offset * day_w,
            label: tick_label(date, offset),
        });
        offset += step;
    }
    let today_x = today
        .filter(|&t| t >= kickoff && t <= add_days(end, 1))
        .map(|t| LABEL_WIDTH + days_between(kickoff, t) * day_w);
    Timeline {
        width: LABEL_WIDTH + days * day_w + 16,
        height: TOP + rows.len() as i64 * ROW + 8,
        label_width: LABEL_WIDTH,
        rows,
        ticks,
        today_x,
        svg: String::new(),
    }
}

/// The words the chart's picture shows, in the page's language.
pub(crate) struct ChartWords {
    /// The picture's accessible title.
    title: String,
    critical_path: String,
    overdue: String,
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
            statuses: show_status.then(|| {
                Status::ALL
                    .iter()
                    .map(|s| (s.as_str(), t(s.string_key(), s.as_str())))
                    .collect()
            }),
        }
    }
}

impl Timeline {
    /// Draws the chart as an SVG picture (into `svg`): the stripes, the week ticks, the
    /// task names, the bars (with a tooltip each) and the today line.
    pub(crate) fn draw(mut self, words: &ChartWords) -> Timeline {
        self.svg = self.picture(words);
        self
    }

    fn picture(&self, words: &ChartWords) -> String {
        use std::fmt::Write as _;

        use crate::html::escape;
        let mut out = String::with_capacity(600 + self.rows.len() * 520);
        let (w, h) = (self.width, self.height);
        // `write!` into a String cannot fail.
        let _ = write!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"gantt\" role=\"img\" aria-labelledby=\"gantt-title\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">\n      \
             <title id=\"gantt-title\">{}</title>\n      \
             <defs>\n        \
             <pattern id=\"gantt-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect class=\"hatch\" width=\"3\" height=\"6\"/></pattern>\n        \
             <clipPath id=\"gantt-labels\"><rect x=\"0\" y=\"0\" width=\"{}\" height=\"{h}\"/></clipPath>\n      \
             </defs>",
            escape(&words.title),
            self.label_width - 8,
        );
        for row in self.rows.iter().skip(1).step_by(2) {
            let _ = write!(
                out,
                "\n      <rect class=\"stripe\" x=\"0\" y=\"{}\" width=\"{w}\" height=\"{}\"/>",
                row.y, row.h
            );
        }
        out.push_str("\n      <g class=\"ticks\">");
        for tick in &self.ticks {
            let _ = write!(
                out,
                "\n        <line x1=\"{x}\" y1=\"18\" x2=\"{x}\" y2=\"{h}\"/>\n        <text x=\"{}\" y=\"13\">{}</text>",
                tick.x + 3,
                escape(&tick.label),
                x = tick.x,
            );
        }
        out.push_str("\n      </g>\n      <g class=\"labels\" clip-path=\"url(#gantt-labels)\">");
        for row in &self.rows {
            let _ = write!(
                out,
                "\n        <text x=\"4\" y=\"{}\" dominant-baseline=\"central\"{}>{}{}</text>",
                Half(2 * row.y + row.h),
                if row.critical { " class=\"crit\"" } else { "" },
                if row.overdue { "⚠ " } else { "" },
                escape(&row.label),
            );
        }
        out.push_str("\n      </g>\n      <g class=\"bars\">");
        for row in &self.rows {
            bar(&mut out, row, words);
        }
        out.push_str("\n      </g>");
        if let Some(x) = self.today_x {
            let _ = write!(
                out,
                "\n      <line class=\"today\" x1=\"{x}\" y1=\"18\" x2=\"{x}\" y2=\"{h}\"/>"
            );
        }
        out.push_str("\n    </svg>");
        out
    }

    /// The chart as a template value (the map its fields would serialize to; the
    /// picture is markup, not escaped again).
    pub(crate) fn into_value(self) -> minijinja::Value {
        use crate::render::values::{list, record};
        let svg = minijinja::Value::from_safe_string(self.svg);
        let rows = list(self.rows.into_iter().map(|r| {
            record! {
                "critical" => r.critical,
                "due" => r.due,
                "due_iso" => r.due_iso,
                "h" => r.h,
                "kind" => r.kind,
                "label" => r.label,
                "overdue" => r.overdue,
                "start" => r.start,
                "start_iso" => r.start_iso,
                "status" => r.status,
                "w" => r.w,
                "x" => r.x,
                "y" => r.y,
            }
        }));
        let ticks = list(
            self.ticks
                .into_iter()
                .map(|t| record! { "label" => t.label, "x" => t.x }),
        );
        record! {
            "height" => self.height,
            "label_width" => self.label_width,
            "rows" => rows,
            "svg" => svg,
            "ticks" => ticks,
            "today_x" => self.today_x,
            "width" => self.width,
        }
    }
}

/// One row's bar (or a milestone's diamond) with its tooltip: name, dates, status,
/// and whether it is critical or late.
fn bar(out: &mut String, row: &Row, words: &ChartWords) {
    use std::fmt::Write as _;

    use crate::html::escape;
    let status = if words.statuses.is_some() {
        row.status
    } else {
        "plan"
    };
    let _ = write!(
        out,
        "\n        <g class=\"s-{}{}{}\">\n          <title>{}: {}",
        escape(status),
        if row.critical { " crit" } else { "" },
        if row.overdue { " late" } else { "" },
        escape(&row.label),
        escape(&row.start),
    );
    if row.due != row.start {
        let _ = write!(out, " – {}", escape(&row.due));
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
    out.push_str("</title>");
    if row.kind == "milestone" {
        // The diamond's centre and radius, in half pixels.
        let (cx, cy, r) = (2 * row.x + row.w, 2 * row.y + row.h, row.h - 4);
        let _ = write!(
            out,
            "\n          <polygon class=\"diamond\" points=\"{},{} {},{} {},{} {},{}\"/>",
            Half(cx),
            Half(cy - r),
            Half(cx + r),
            Half(cy),
            Half(cx),
            Half(cy + r),
            Half(cx - r),
            Half(cy),
        );
    } else {
        let bar = format!(
            "x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\"",
            row.x,
            row.y + 4,
            row.w,
            row.h - 8
        );
        let _ = write!(out, "\n          <rect class=\"bar\" {bar}/>");
        if row.critical {
            let _ = write!(
                out,
                "\n          <rect class=\"hatched\" {bar} fill=\"url(#gantt-hatch)\"/>"
            );
        }
    }
    out.push_str("\n        </g>");
}

/// A number of half pixels, written as the template engine writes a float
/// (`42.0`, `42.5`): the picture's coordinates are the same as when a template drew it.
struct Half(i64);

impl std::fmt::Display for Half {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let n = self.0.unsigned_abs();
        write!(f, "{sign}{}.{}", n / 2, if n % 2 == 1 { 5 } else { 0 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The chart's template value is the map its fields serialize to as JSON.
    #[test]
    fn value_is_the_serialized_chart() {
        let chart = |today_x| Timeline {
            width: 976,
            height: 92,
            label_width: LABEL_WIDTH,
            rows: vec![Row {
                label: "Kick-off <call>".into(),
                x: 240,
                y: 33,
                w: 40,
                h: BAR,
                kind: "task",
                status: "in-progress",
                critical: true,
                overdue: false,
                start: "1 Dec".into(),
                due: "3 Dec".into(),
                start_iso: "2026-12-01".into(),
                due_iso: "2026-12-03".into(),
            }],
            ticks: vec![Tick {
                x: 240,
                label: "Day 0".into(),
            }],
            today_x,
            svg: "<svg/>".into(),
        };
        let env = minijinja::Environment::new();
        let show = |v: minijinja::Value| {
            env.render_str(
                "{{ v|tojson }} {{ v }} {{ v.rows[0].x + 3 }} {{ v.today_x is none }}",
                minijinja::context! { v },
            )
            .unwrap()
        };
        for today_x in [None, Some(300)] {
            assert_eq!(
                show(chart(today_x).into_value()),
                show(minijinja::Value::from(minijinja::value::Serde(
                    &serde_json::to_value(chart(today_x)).unwrap()
                )))
            );
        }
    }

    /// The picture escapes author text and writes half pixels as the template did.
    #[test]
    fn picture_escapes_names_and_writes_half_pixels() {
        let row = |label: &str, kind, w, h, critical| Row {
            label: label.into(),
            x: 240,
            y: 33,
            w,
            h,
            kind,
            status: "in-progress",
            critical,
            overdue: true,
            start: "1 Dec".into(),
            due: "3 Dec".into(),
            start_iso: "2026-12-01".into(),
            due_iso: "2026-12-03".into(),
        };
        let chart = Timeline {
            width: 976,
            height: 92,
            label_width: LABEL_WIDTH,
            rows: vec![
                row("Sign <b>\"terms\"</b> & 'go'", "task", 40, BAR, true),
                row("ລາວ", "milestone", 17, 17, false),
            ],
            ticks: vec![Tick {
                x: 240,
                label: "1 <Dec>".into(),
            }],
            today_x: Some(300),
            svg: String::new(),
        };
        let t = |key: &str, _: &str| match key {
            "timeline_chart" => "Chart & more".to_string(),
            "critical_path" => "Critical".to_string(),
            "overdue" => "Late".to_string(),
            key => format!("[{key}]"),
        };
        let svg = chart.draw(&ChartWords::new(&t, true)).svg;
        for expected in [
            "<title id=\"gantt-title\">Chart &amp; more</title>",
            ">⚠ Sign &lt;b&gt;&quot;terms&quot;&lt;/b&gt; &amp; &#39;go&#39;</text>",
            "<text x=\"243\" y=\"13\">1 &lt;Dec&gt;</text>",
            "<g class=\"s-in-progress crit late\">",
            "1 Dec – 3 Dec · [status_in_progress] · Critical · Late</title>",
            "<rect class=\"hatched\" x=\"240\" y=\"37\" width=\"40\" height=\"10\" rx=\"3\" fill=\"url(#gantt-hatch)\"/>",
            // A 17 px diamond at x 240, y 33: centre (248.5, 41.5), radius 6.5.
            "points=\"248.5,35.0 255.0,41.5 248.5,48.0 242.0,41.5\"",
            "<text x=\"4\" y=\"41.5\"",
            "<line class=\"today\" x1=\"300\" y1=\"18\" x2=\"300\" y2=\"92\"/>",
        ] {
            assert!(svg.contains(expected), "{expected}\nnot in\n{svg}");
        }
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"), "{svg}");
        assert_eq!(Half(-3).to_string(), "-1.5");
    }
}
