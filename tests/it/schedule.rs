//! Scheduling (docs/schema.md, "Offsets and durations" and "Scheduling rules"),
//! read back from `portal/<id>/plan.json`.
//!
//! The calendar of [`Site::new`] works Monday to Friday with Friday
//! 2026-12-25 off. Dates used below: Tue 12-01, Fri 12-04, Sat 12-05,
//! Mon 12-07, Thu 12-10, Mon 12-14, Wed 12-23, Thu 12-24, Mon 12-28.

use crate::harness::*;

const PB: &str = "playbooks/onboarding.yaml";

/// The minimal site with its playbook's tasks replaced by `tasks` (one phase,
/// every task owned by `csm`; each given as YAML list items at column 0) and
/// the customer's kickoff set to `kickoff`.
fn schedule(kickoff: &str, tasks: &str) -> Site {
    let tasks: String = dedent(tasks)
        .lines()
        .map(|l| format!("      {l}\n"))
        .collect();
    Site::new()
        .file(
            PB,
            &format!(
                "title: Onboarding\n\
                 roles:\n  \
                   csm: {{ title: Customer success manager, side: vendor, contact: true }}\n  \
                   admin: {{ title: Customer administrator, side: customer }}\n\
                 phases:\n  \
                   - id: only\n    \
                     title: Only\n    \
                     tasks:\n{tasks}"
            ),
        )
        .edit(
            "customers/acme.yaml",
            "kickoff: 2026-12-01",
            &format!("kickoff: {kickoff}"),
        )
}

#[test]
fn business_days_skip_weekends() {
    let plan = schedule(
        "2026-12-10",
        r#"
        - { id: a, title: A, owner: csm, due: 2bd }
        "#,
    )
    .build()
    .plan("acme");
    assert_eq!(plan.due("a"), "2026-12-14");
}

#[test]
fn business_days_skip_the_holidays_of_gangway_toml() {
    let site = schedule(
        "2026-12-23",
        r#"
        - { id: a, title: A, owner: csm, due: 2bd }
        "#,
    );
    assert_eq!(site.build().plan("acme").due("a"), "2026-12-28");
    let without_christmas = site.edit(
        "gangway.toml",
        "holidays = [\"2026-12-25\"]",
        "holidays = []",
    );
    assert_eq!(
        without_christmas.build().plan("acme").due("a"),
        "2026-12-25"
    );
}

#[test]
fn two_business_days_three_days_and_one_week_are_different_dates() {
    let plan = schedule(
        "2026-12-07",
        r#"
        - { id: zero, title: Zero, owner: csm, due: 0d }
        - { id: two-bd, title: Two business days, owner: csm, due: 2bd }
        - { id: three-d, title: Three days, owner: csm, due: 3d }
        - { id: one-w, title: One week, owner: csm, due: 1w }
        "#,
    )
    .build()
    .plan("acme");
    assert_eq!(plan.due("zero"), "2026-12-07");
    assert_eq!(plan.due("two-bd"), "2026-12-09");
    assert_eq!(plan.due("three-d"), "2026-12-10");
    assert_eq!(plan.due("one-w"), "2026-12-14");
}

#[test]
fn calendar_days_ending_on_a_weekend_move_to_the_next_business_day() {
    let plan = schedule(
        "2026-12-10",
        r#"
        - { id: three-d, title: Three days, owner: csm, due: 3d }
        - { id: two-bd, title: Two business days, owner: csm, due: 2bd }
        "#,
    )
    .build()
    .plan("acme");
    // Sunday the 13th rolls to Monday: the same day as two business days.
    assert_eq!(plan.due("three-d"), "2026-12-14");
    assert_eq!(plan.due("two-bd"), "2026-12-14");
}

#[test]
fn a_kickoff_on_a_weekend_starts_on_the_next_business_day() {
    let plan = schedule(
        "2026-12-05",
        r#"
        - { id: a, title: A, owner: csm }
        "#,
    )
    .build()
    .plan("acme");
    assert_eq!(plan.0["kickoff"], "2026-12-07");
    assert_eq!(plan.start("a"), "2026-12-07");
    assert_eq!(plan.due("a"), "2026-12-07");
}

#[test]
fn a_duration_counts_business_days_from_the_first_one() {
    let plan = schedule(
        "2026-12-04",
        r#"
        - { id: one, title: One day, owner: csm }
        - { id: three, title: Three days, owner: csm, duration: 3bd }
        - { id: week, title: A week, owner: csm, duration: 1w }
        "#,
    )
    .build()
    .plan("acme");
    assert_eq!(plan.due("one"), "2026-12-04");
    assert_eq!(plan.start("three"), "2026-12-04");
    assert_eq!(plan.due("three"), "2026-12-08");
    assert_eq!(plan.due("week"), "2026-12-10");
}

#[test]
fn a_task_starts_the_business_day_after_what_it_waits_for() {
    let plan = schedule(
        "2026-12-01",
        r#"
        - { id: a, title: A, owner: csm, duration: 3bd }
        - { id: b, title: B, owner: csm, duration: 2bd, after: [a] }
        "#,
    )
    .build()
    .plan("acme");
    assert_eq!(plan.start("a"), "2026-12-01");
    assert_eq!(plan.due("a"), "2026-12-03");
    assert_eq!(plan.start("b"), "2026-12-04");
    assert_eq!(plan.due("b"), "2026-12-07");
}

#[test]
fn a_task_waits_for_the_latest_of_its_dependencies() {
    let plan = schedule(
        "2026-12-01",
        r#"
        - { id: short, title: Short, owner: csm, duration: 1bd }
        - { id: long, title: Long, owner: csm, duration: 4bd }
        - { id: join, title: Join, owner: csm, after: [short, long] }
        "#,
    )
    .build()
    .plan("acme");
    assert_eq!(plan.due("long"), "2026-12-04");
    assert_eq!(plan.start("join"), "2026-12-07");
}

#[test]
fn a_milestone_falls_on_the_latest_due_date_it_waits_for() {
    let plan = schedule(
        "2026-12-01",
        r#"
        - { id: short, title: Short, owner: csm, duration: 1bd }
        - { id: long, title: Long, owner: csm, duration: 4bd }
        "#,
    )
    .append(
        PB,
        "milestones:\n  - { id: m, title: Milestone, after: [short, long] }\n",
    )
    .build()
    .plan("acme");
    assert_eq!(plan.due("m"), "2026-12-04");
}

#[test]
fn excluded_tasks_pass_their_dependencies_through() {
    let plan = schedule(
        "2026-12-01",
        r#"
        - { id: a, title: A, owner: csm, duration: 3bd }
        - { id: x, title: X, owner: csm, duration: 5bd, after: [a], when: "false" }
        - { id: y, title: Y, owner: csm, duration: 5bd, after: [x], when: "false" }
        - { id: c, title: C, owner: csm, after: [y] }
        "#,
    )
    .build()
    .plan("acme");
    assert!(plan.find("x").is_none() && plan.find("y").is_none());
    assert_eq!(plan.after("c"), ["a"]);
    assert_eq!(plan.start("c"), "2026-12-04");
}

#[test]
fn a_dependency_cycle_is_one_error_naming_every_task() {
    let build = schedule(
        "2026-12-01",
        r#"
        - { id: plan, title: Plan, owner: csm, after: [review] }
        - { id: build, title: Build, owner: csm, after: [plan] }
        - { id: review, title: Review, owner: csm, after: [build] }
        - { id: unrelated, title: Unrelated, owner: csm }
        "#,
    )
    .build();
    let d = build.diagnostic("dependency-cycle");
    for task in ["`plan`", "`build`", "`review`"] {
        assert!(
            d.message.contains(&task[1..task.len() - 1]),
            "{task} missing from {}",
            d.message
        );
    }
    assert!(!d.message.contains("unrelated"), "{}", d.message);
    // Each `after` entry that closes the circle is pointed at.
    let mut lines: Vec<usize> = std::iter::once(d.location().expect("a place").1)
        .chain(d.secondary.iter().map(|l| l.line_col().0))
        .collect();
    lines.sort_unstable();
    assert_eq!(lines, [9, 10, 11]);
    assert_eq!(build.errors().len(), 1, "{}", build.report());
}

#[test]
fn a_dependency_cycle_between_a_customers_extra_tasks_is_an_error() {
    let build = Site::new()
        .append(
            "customers/acme.yaml",
            r#"
            extra_tasks:
              - { phase: start, id: x, title: X, owner: csm, after: [y] }
              - { phase: start, id: y, title: Y, owner: csm, after: [x] }
            "#,
        )
        .build();
    let d = build.diagnostic("dependency-cycle");
    assert!(d.message.contains("`acme`"), "{}", d.message);
    assert!(
        d.message.contains("x → y") || d.message.contains("y → x"),
        "{}",
        d.message
    );
    assert_eq!(
        d.location().map(|l| l.0),
        Some("customers/acme.yaml".to_string())
    );
}

#[test]
fn the_critical_path_is_the_chain_that_decides_the_end() {
    let plan = schedule(
        "2026-12-01",
        r#"
        - { id: long, title: Long, owner: csm, duration: 3bd }
        - { id: short, title: Short, owner: csm, duration: 1bd }
        - { id: join, title: Join, owner: csm, after: [long, short] }
        - { id: side, title: Side, owner: csm, after: [short] }
        "#,
    )
    .append(
        PB,
        "milestones:\n  - { id: done, title: Done, after: [join] }\n",
    )
    .build()
    .plan("acme");
    assert_eq!(plan.critical(), ["long", "join", "done"]);
    assert_eq!(plan.0["end"], "2026-12-04");
}

#[test]
fn critical_tasks_are_flagged_on_the_checklist() {
    let checklist = schedule(
        "2026-12-01",
        r#"
        - { id: long, title: Long task, owner: csm, duration: 3bd }
        - { id: short, title: Short task, owner: csm, duration: 1bd }
        "#,
    )
    .build()
    .file("portal/acme/checklist/index.html");
    let long = checklist.find("id=\"task-long\"").expect("long task");
    let short = checklist.find("id=\"task-short\"").expect("short task");
    assert!(checklist[long..short].contains("Critical path"));
    assert!(!checklist[short..].contains("flag-critical"));
}

/// Regression: tasks with a `due` offset stopped the walk back along the
/// critical path, even when their date was pushed by what they wait for.
/// Here `b` is due on day 1 but cannot start before `a` ends on day 4, so it
/// ends on day 5 and decides the end; delaying `a` delays it.
#[test]
fn a_task_pushed_past_its_due_offset_keeps_its_dependencies_critical() {
    let plan = schedule(
        "2026-12-07",
        r#"
        - { id: a, title: A, owner: csm, duration: 5bd }
        - { id: b, title: B, owner: csm, due: 1bd, after: [a] }
        "#,
    )
    .build()
    .plan("acme");
    assert_eq!(plan.due("b"), "2026-12-14");
    assert_eq!(plan.critical(), ["a", "b"]);
}

/// docs/schema.md: "When `due` is given and lies before the start its
/// dependencies allow, gangway warns". The due date is first moved past the
/// start, and the check then compares against the moved date, so it never fires.
#[test]
fn a_due_offset_before_the_dependencies_end_is_a_warning() {
    let build = schedule(
        "2026-12-07",
        r#"
        - { id: a, title: A, owner: csm, duration: 5bd }
        - { id: b, title: B, owner: csm, due: 1bd, after: [a] }
        "#,
    )
    .build();
    build.ok();
    build.assert_warning("due-before-dependency", PB, 10);
}

/// docs/schema.md: "A task without `after` starts on the kickoff day". gangway
/// instead schedules a task with `due` backwards from its due date (a one-day
/// task due in a week starts in a week). Either the rule or the code is wrong.
#[test]
fn a_task_without_after_starts_on_the_kickoff_day() {
    let plan = schedule(
        "2026-12-07",
        r#"
        - { id: a, title: A, owner: csm, due: 1w }
        "#,
    )
    .build()
    .plan("acme");
    assert_eq!(plan.due("a"), "2026-12-14");
    assert_eq!(plan.start("a"), "2026-12-07");
}

// ---------------------------------------------------------------------------
// Overdue

/// Tasks due on 12-01 (a), 12-02 (b), 12-03 (c) ... one per business day.
fn overdue_site() -> Site {
    schedule(
        "2026-12-01",
        r#"
        - { id: todo-late, title: Late, owner: csm, due: 0bd }
        - { id: done-late, title: Done, owner: csm, due: 1bd }
        - { id: skipped-late, title: Skipped, owner: csm, due: 2bd }
        - { id: working-late, title: Working, owner: csm, due: 3bd }
        - { id: blocked-late, title: Blocked, owner: csm, due: 4bd }
        - { id: due-today, title: Due today, owner: csm, due: 9bd }
        - { id: due-later, title: Due later, owner: csm, due: 10bd }
        "#,
    )
    .append(
        "customers/acme.yaml",
        r#"
        progress:
          done-late: { status: done, on: 2026-12-10 }
          skipped-late: { status: skipped, reason: Not needed }
          working-late: { status: in-progress }
          blocked-late: { status: blocked, note: Waiting }
        "#,
    )
}

#[test]
fn tasks_not_done_or_skipped_are_overdue_after_their_due_date() {
    let plan = overdue_site().today("2026-12-14").build().plan("acme");
    assert_eq!(plan.0["today"], "2026-12-14");
    assert_eq!(plan.due("due-today"), "2026-12-14");
    assert_eq!(
        plan.overdue(),
        ["todo-late", "working-late", "blocked-late"]
    );
}

#[test]
fn overdue_depends_on_today() {
    let plan = overdue_site().today("2026-12-01").build().plan("acme");
    assert_eq!(plan.overdue(), Vec::<&str>::new());
    let plan = overdue_site().today("2026-12-16").build().plan("acme");
    assert_eq!(
        plan.overdue(),
        [
            "todo-late",
            "working-late",
            "blocked-late",
            "due-today",
            "due-later"
        ]
    );
}

#[test]
fn overdue_tasks_are_listed_on_the_portal_overview_with_their_delay() {
    let overview = overdue_site()
        .today("2026-12-14")
        .build()
        .file("portal/acme/index.html");
    assert!(overview.contains("13 days overdue"), "{overview}");
    assert!(overview.contains("Waiting"));
}

/// A two-day task, a three-day task after it, and a milestone after that:
/// planned 12-01..12-02, 12-03..12-07 and 12-07 from a Tuesday kickoff.
fn forecast_site() -> Site {
    schedule(
        "2026-12-01",
        r#"
        - { id: a, title: A, owner: csm, duration: 2bd }
        - { id: b, title: B, owner: csm, duration: 3bd, after: [a] }
        "#,
    )
    .append(
        PB,
        r#"
        milestones:
          - { id: live, title: Live, after: [b] }
        "#,
    )
}

#[test]
fn with_nothing_late_the_forecast_is_the_plan() {
    let plan = forecast_site().today("2026-12-01").build().plan("acme");
    for (id, due) in [
        ("a", "2026-12-02"),
        ("b", "2026-12-07"),
        ("live", "2026-12-07"),
    ] {
        assert_eq!((plan.due(id), plan.forecast(id)), (due, due), "{id}");
    }
    assert_eq!(plan.forecast_end(), "2026-12-07");
    assert_eq!(plan.0["end"], "2026-12-07");
}

#[test]
fn unfinished_work_cannot_finish_before_today_and_moves_what_waits_for_it() {
    // Wednesday 12-09: `a` is a week late, so `b` starts Thursday and takes its
    // three days (Thu, Fri, Mon), and the milestone moves with it.
    let plan = forecast_site().today("2026-12-09").build().plan("acme");
    assert_eq!(plan.forecast("a"), "2026-12-09");
    assert_eq!(plan.item("b")["forecast_start"], "2026-12-10");
    assert_eq!(plan.forecast("b"), "2026-12-14");
    assert_eq!(plan.forecast("live"), "2026-12-14");
    assert_eq!(plan.forecast_end(), "2026-12-14");
    // The plan itself does not move.
    assert_eq!(plan.due("live"), "2026-12-07");
}

#[test]
fn a_done_task_keeps_its_real_date_and_a_skipped_one_takes_no_time() {
    let done = forecast_site()
        .append(
            "customers/acme.yaml",
            "progress:\n  a: { status: done, on: 2026-12-04 }\n",
        )
        .today("2026-12-04")
        .build()
        .plan("acme");
    assert_eq!(done.forecast("a"), "2026-12-04");
    assert_eq!(done.item("b")["forecast_start"], "2026-12-07");
    assert_eq!(done.forecast("b"), "2026-12-09");
    assert_eq!(done.forecast("live"), "2026-12-09");

    let skipped = forecast_site()
        .append(
            "customers/acme.yaml",
            "progress:\n  a: { status: skipped, reason: Not needed }\n",
        )
        .today("2026-12-09")
        .build()
        .plan("acme");
    assert_eq!(skipped.forecast("a"), "2026-12-02");
    // `b` was due 12-07 and is not done: it cannot finish before today.
    assert_eq!(skipped.forecast("b"), "2026-12-09");
    assert_eq!(skipped.forecast("live"), "2026-12-09");
}

#[test]
fn a_milestone_reached_early_moves_the_forecast_end_earlier() {
    let plan = forecast_site()
        .append(
            "customers/acme.yaml",
            "progress:\n  a: { status: done, on: 2026-12-01 }\n  b: { status: done, on: 2026-12-02 }\n",
        )
        .today("2026-12-03")
        .build()
        .plan("acme");
    assert_eq!(plan.forecast("live"), "2026-12-02");
    assert_eq!(plan.forecast_end(), "2026-12-02");
}

#[test]
fn the_risk_follows_the_working_days_late_and_the_sites_threshold() {
    // `live` is expected five working days after its plan (Tue to Mon).
    let plan = forecast_site().today("2026-12-09").build().plan("acme");
    assert_eq!(plan.item("live")["late_days"], 5);
    assert_eq!(
        (&plan.0["late_days"], &plan.0["risk"]),
        (&5.into(), &"at-risk".into())
    );
    let on_time = forecast_site().today("2026-12-01").build().plan("acme");
    assert_eq!(on_time.0["risk"], "on-track");
    let strict = forecast_site()
        .append("gangway.toml", "[forecast]\nlate_after_days = 2\n")
        .today("2026-12-09")
        .build()
        .plan("acme");
    assert_eq!(strict.0["risk"], "late");
}

#[test]
fn the_overview_leads_with_the_risk_and_shows_plan_and_forecast() {
    let overview = forecast_site()
        .today("2026-12-09")
        .build()
        .file("portal/acme/index.html");
    assert!(
        overview.contains("<strong>At risk</strong>: Expected finish"),
        "{overview}"
    );
    assert!(overview.contains("5 working days late"), "{overview}");
    assert!(
        overview.contains(
            "planned <time datetime=\"2026-12-07\">7 Dec 2026</time> → expected \
             <time class=\"expected\" datetime=\"2026-12-14\">14 Dec 2026</time>"
        ),
        "{overview}"
    );
    let on_time = forecast_site()
        .today("2026-12-01")
        .build()
        .file("portal/acme/index.html");
    assert!(
        on_time.contains("<strong>On track</strong></p>"),
        "{on_time}"
    );
    assert!(!on_time.contains("Expected finish"), "{on_time}");
}

#[test]
fn the_late_threshold_is_checked_where_it_is_written() {
    let site = forecast_site()
        .append("gangway.toml", "[forecast]\nlate_after_days = -1\n")
        .build();
    let codes: Vec<&str> = site.diagnostics().iter().map(|d| d.code.as_str()).collect();
    assert!(codes.contains(&"wrong-type"), "{codes:?}");
    let site = forecast_site()
        .append("gangway.toml", "[forecast]\nlate_after = 2\n")
        .build();
    let codes: Vec<&str> = site.diagnostics().iter().map(|d| d.code.as_str()).collect();
    assert!(codes.contains(&"unknown-key"), "{codes:?}");
}

#[test]
fn late_tasks_show_their_planned_and_expected_due_dates() {
    let site = forecast_site()
        .append(
            "customers/acme.yaml",
            "progress:\n  a: { status: done, on: 2026-12-04 }\n",
        )
        .today("2026-12-09")
        .build();
    let checklist = site.file("portal/acme/checklist/index.html");
    // `b` was planned for 12-07 and cannot finish before today, 12-09.
    assert!(
        checklist.contains(
            "planned <time datetime=\"2026-12-07\">7 Dec 2026</time> → expected \
             <time class=\"expected\" datetime=\"2026-12-09\">9 Dec 2026</time>"
        ),
        "{checklist}"
    );
    // `a` was done late: its own due date stands, with no forecast.
    assert!(!checklist.contains(">2 Dec 2026</time> → "), "{checklist}");
}

#[test]
fn a_forecast_past_ten_years_is_an_error_naming_the_task() {
    let site = forecast_site().today("2037-01-05").build();
    let d = site
        .diagnostics()
        .iter()
        .find(|d| d.code.as_str() == "forecast-too-far")
        .expect("a forecast-too-far error");
    assert!(
        d.message
            .contains("`a` is expected to finish on 2037-01-05"),
        "{}",
        d.message
    );
    let at = d.primary.as_ref().expect("a location");
    assert_eq!(at.file.path, PB);
    // Only the first item that crosses the line is named, not all that follow it.
    let count = site
        .diagnostics()
        .iter()
        .filter(|d| d.code.as_str() == "forecast-too-far")
        .count();
    assert_eq!(count, 1);
}

#[test]
fn a_finished_onboarding_is_on_track_however_late_it_finished() {
    let plan = forecast_site()
        .append(
            "customers/acme.yaml",
            "progress:\n  a: { status: done, on: 2026-12-04 }\n  b: { status: done, on: 2026-12-10 }\n",
        )
        .today("2026-12-14")
        .build()
        .plan("acme");
    assert_eq!(plan.forecast_end(), "2026-12-10");
    assert_eq!(plan.0["late_days"], 3);
    assert_eq!(plan.0["risk"], "on-track");
}

#[test]
fn the_timeline_table_is_in_date_order_and_reachable_by_keyboard() {
    let html = schedule(
        "2026-12-01",
        r#"
        - { id: later, title: Later task, owner: csm, due: 5bd }
        - { id: sooner, title: Sooner task, owner: csm, due: 1bd }
        "#,
    )
    .today("2026-12-01")
    .build()
    .file("portal/acme/timeline/index.html");
    let table = &html[html
        .find("<table class=\"timeline-table\">")
        .expect("the table")..];
    let (sooner, later) = (
        table.find("Sooner task").expect("sooner"),
        table.find("Later task").expect("later"),
    );
    assert!(sooner < later, "{table}");
    assert!(
        html.contains(r#"<div class="table-scroll" role="region" tabindex="0" aria-label="Tasks and milestones by date">"#),
        "{html}"
    );
}
