//! The timeline chart's geometry: where each bar, tick and the today line go.
//!
//! Computed here so the template only draws rectangles; themes restyle it freely.

use jiff::civil::Date;
use serde::Serialize;

use crate::calendar::{add_days, days_between};
use crate::plan::{Item, Kind};

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
    }
}

impl Timeline {
    /// The chart as a template value (the map its fields would serialize to).
    pub(crate) fn into_value(self) -> minijinja::Value {
        use crate::render::values::{list, record};
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
            "ticks" => ticks,
            "today_x" => self.today_x,
            "width" => self.width,
        }
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
}
