use jiff::civil::date;

use super::*;

fn row(label: &str, kind: &'static str, critical: bool, forecast: Option<Expected>) -> Row {
    Row {
        id: label.to_string(),
        label: label.into(),
        label_lang: None,
        x: Pct(1250),
        w: Pct(500),
        kind,
        status: "in-progress",
        critical,
        overdue: true,
        start: "1 Dec".into(),
        due: "3 Dec".into(),
        start_iso: "2026-12-01".into(),
        due_iso: "2026-12-03".into(),
        forecast,
    }
}

fn expected() -> Expected {
    Expected {
        x: Pct(2000),
        w: Pct(750),
        start: "4 Dec".into(),
        due: "9 Dec".into(),
        start_iso: "2026-12-04".into(),
        due_iso: "2026-12-09".into(),
        late_days: 4,
    }
}

fn chart(today_x: Option<Pct>, rows: Vec<Row>) -> Timeline {
    Timeline {
        days: 40,
        expected: rows.iter().any(|r| r.forecast.is_some()),
        rows,
        ticks: vec![Tick {
            x: Pct(0),
            label: "1 <Dec>".into(),
            fits: vec!["s", "m"],
        }],
        today_x,
        html: "<div/>".into(),
    }
}

/// The chart's template value is the map its fields serialize to as JSON.
#[test]
fn value_is_the_serialized_chart() {
    let env = minijinja::Environment::new();
    let show = |v: minijinja::Value| {
        env.render_str(
            "{{ v|tojson }} {{ v }} {{ v.rows[0].x + 3 }} {{ v.today_x is none }}",
            minijinja::context! { v },
        )
        .unwrap()
    };
    for (today_x, forecast) in [(None, false), (Some(Pct(1234)), true)] {
        let make = || {
            chart(
                today_x,
                vec![row(
                    "Kick-off <call>",
                    "task",
                    true,
                    forecast.then(expected),
                )],
            )
        };
        assert_eq!(
            show(make().into_value()),
            show(minijinja::Value::from(minijinja::value::Serde(
                &serde_json::to_value(make()).unwrap()
            )))
        );
    }
}

/// The picture escapes author text, writes positions as percentages, and draws the
/// expected bar beside the planned one only for a late item.
#[test]
fn picture_escapes_names_and_draws_expected_bars() {
    let t = |key: &str, fallback: &str| match key {
        "timeline_chart" => "Chart & more".to_string(),
        "critical_path" => "Critical".to_string(),
        "overdue" => "Late".to_string(),
        "planned_expected" => fallback.to_string(),
        key => format!("[{key}]"),
    };
    let html = chart(
        Some(Pct(3000)),
        vec![
            row(
                "Sign <b>\"terms\"</b> & 'go'",
                "task",
                true,
                Some(expected()),
            ),
            row("ລາວ", "milestone", false, Some(expected())),
            row("On time", "task", false, None),
        ],
    )
    .draw(&ChartWords::new(&t, true))
    .html;
    for expected in [
        "<div class=\"gantt\" role=\"img\" aria-label=\"Chart &amp; more\">",
        "<span class=\"gantt-name\"><span class=\"warn\" aria-hidden=\"true\">⚠ </span>Sign &lt;b&gt;&quot;terms&quot;&lt;/b&gt; &amp; &#39;go&#39;</span>",
        "<text class=\"tick-label fit-s fit-m\" x=\"0.00%\" dx=\"3\" y=\"13\">1 &lt;Dec&gt;</text>",
        "<li class=\"gantt-row is-task s-in-progress crit late expected\">",
        "1 Dec – 3 Dec · planned 3 Dec → expected 9 Dec · [status_in_progress] · Critical · Late</title>",
        "<rect class=\"bar\" x=\"12.50%\" y=\"-8\" width=\"5.00%\" height=\"9\" rx=\"2\"/>",
        "<rect class=\"hatched\" x=\"12.50%\" y=\"-8\" width=\"5.00%\" height=\"9\" rx=\"2\" fill=\"url(#gantt-hatch)\"/>",
        "<rect class=\"expect\" x=\"20.00%\" y=\"3\" width=\"7.50%\" height=\"6\" rx=\"2\"/>",
        "<line class=\"slip\" x1=\"12.50%\" y1=\"0\" x2=\"20.00%\" y2=\"0\"/>",
        "<svg class=\"at\" x=\"20.00%\" overflow=\"visible\"><polygon class=\"expect\" points=\"0,-7 7,0 0,7 -7,0\"/></svg>",
        "<line class=\"today\" x1=\"30.00%\" x2=\"30.00%\" y2=\"100%\"/>",
        "<li class=\"gantt-row is-task s-in-progress late\"><span class=\"gantt-name\"><span class=\"warn\" aria-hidden=\"true\">⚠ </span>On time</span>",
    ] {
        assert!(html.contains(expected), "{expected}\nnot in\n{html}");
    }
    // The on-time row has one bar and nothing expected.
    let on_time = &html[html.find(">On time<").unwrap()..];
    assert!(
        on_time.contains("<rect class=\"bar\" x=\"12.50%\" y=\"-5\" width=\"5.00%\" height=\"10\"")
    );
    assert!(!on_time.contains("expect"), "{on_time}");
    assert!(!html.contains("style"), "{html}");
    assert_eq!(Pct(5).to_string(), "0.05%");
}

/// Tick labels never overlap nor run past the chart at the width their set is for,
/// whatever the script: labels of the same text length differ in width, and the
/// spacing follows the widest.
#[test]
fn tick_labels_are_spaced_by_their_width() {
    let kickoff = date(2026, 12, 1);
    let scripts: [&dyn Fn(Date) -> String; 4] = [
        &|d| format!("{} Dec", d.day()),
        &|d| format!("{} डिसेम्बर", d.day()),
        &|d| format!("{} ທັນວາ", d.day()),
        &|d| format!("{} желтоқсан", d.day()),
    ];
    for days in [5, 30, 90, 200, 900] {
        for script in scripts {
            let ticks = ticks(kickoff, days, &|d, _| script(d));
            for (fit, px) in FITS {
                let shown: Vec<(f64, f64)> = ticks
                    .iter()
                    .filter(|t| t.fits.contains(&fit))
                    .map(|t| {
                        let left = t.x.0 as f64 / 10_000.0 * px as f64 + TICK_PAD;
                        (left, left + text_width(&t.label, TICK_FONT))
                    })
                    .collect();
                assert!(!shown.is_empty(), "{days} days, {fit}: no label");
                for pair in shown.windows(2) {
                    assert!(pair[0].1 + TICK_GAP <= pair[1].0, "{days} {fit} {pair:?}");
                }
                assert!(
                    shown.last().unwrap().1 <= px as f64,
                    "{days} {fit} {shown:?}"
                );
            }
        }
    }
    // Lao and Devanagari are measured wider than Latin text of as many characters.
    assert!(text_width("ທັນວາ", 12.0) > text_width("Dec 1", 12.0));
    assert!(text_width("डिसेम्", 12.0) > text_width("Dec 12", 12.0));
}

/// Rows draw their grid with the axis's pattern, one tile per tick step (a week
/// on a 40-day chart: 17.5 %), not with a line element per tick.
#[test]
fn rows_draw_the_grid_with_one_pattern_at_the_tick_step() {
    let t = |key: &str, _: &str| key.to_string();
    let html = chart(
        None,
        vec![row("A", "task", false, None), row("B", "task", false, None)],
    )
    .draw(&ChartWords::new(&t, true))
    .html;
    assert!(
        html.contains("<pattern id=\"gantt-grid\" width=\"17.5000%\" height=\"100%\" patternUnits=\"userSpaceOnUse\">"),
        "{html}"
    );
    assert_eq!(
        html.matches("fill=\"url(#gantt-grid)\"").count(),
        2,
        "{html}"
    );
    let rows = &html[html.find("gantt-rows").expect("rows")..];
    assert!(!rows.contains("<line x1="), "no grid lines in rows: {rows}");
    assert_eq!(super::tick_step(40), 7);
    assert_eq!(super::tick_step(300), 28);
}
