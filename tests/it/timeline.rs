//! The portal timeline (issue 19, part 2) and the dates around it: expected bars beside
//! late work, names written whole, tick labels spaced for their script, and planned and
//! expected dates as `<time>` elements in the table and on the overview.
//!
//! The site: two tasks from Tue 2026-12-01, `a` (2 working days, due Wed 12-02) and
//! `b` after it (3 days, due Mon 12-07), then the milestone `live`.

use crate::harness::*;

const PB: &str = "playbooks/onboarding.yaml";
const TIMELINE: &str = "portal/acme/timeline/index.html";

fn site(b_title: &str) -> Site {
    Site::new().file(
        PB,
        &format!(
            "title: Onboarding\n\
                 roles:\n  \
                   csm: {{ title: Customer success manager, side: vendor, contact: true }}\n  \
                   admin: {{ title: Customer administrator, side: customer }}\n\
                 phases:\n  \
                   - id: only\n    \
                     title: Only\n    \
                     tasks:\n      \
                       - {{ id: a, title: First task, owner: csm, duration: 2bd }}\n      \
                       - {{ id: b, title: \"{b_title}\", owner: csm, duration: 3bd, after: [a] }}\n\
                 milestones:\n  \
                   - {{ id: live, title: Live, after: [b] }}\n"
        ),
    )
}

/// The part of `html` from the chart row whose name is `name` to the end of that row.
fn row<'a>(html: &'a str, name: &str) -> &'a str {
    let at = html
        .find(&format!("{name}</span>"))
        .unwrap_or_else(|| panic!("no row {name} in\n{html}"));
    let end = html[at..].find("</li>").expect("the row's end");
    &html[at..at + end]
}

#[test]
fn a_late_task_has_an_expected_bar_and_an_on_time_one_has_none() {
    // On 12-09 `a` is late (due 12-02), so `b` and `live` move too.
    let late = site("Second task")
        .today("2026-12-09")
        .build()
        .file(TIMELINE);
    let b = row(&late, "Second task");
    assert!(b.contains("<rect class=\"expect\""), "{b}");
    assert!(
        b.contains("planned 7 Dec 2026 → expected 14 Dec 2026"),
        "{b}"
    );
    assert!(row(&late, "Live").contains("<polygon class=\"expect\""));
    assert!(
        late.contains("class=\"key expect\""),
        "the legend explains it"
    );
    // The table gives both due dates as dates a machine can read.
    assert!(
        late.contains(
            "<td>planned <time datetime=\"2026-12-07\">7 Dec 2026</time> → expected \
             <time class=\"expected\" datetime=\"2026-12-14\">14 Dec 2026</time></td>"
        ),
        "{late}"
    );

    let on_time = site("Second task")
        .today("2026-12-01")
        .build()
        .file(TIMELINE);
    assert!(!on_time.contains("class=\"expect\""), "{on_time}");
    assert!(!on_time.contains("key expect"), "{on_time}");
    assert!(on_time.contains("<td><time datetime=\"2026-12-07\">7 Dec 2026</time></td>"));
}

#[test]
fn a_done_task_has_no_expected_bar_however_late_it_was_done() {
    let html = site("Second task")
        .append(
            "customers/acme.yaml",
            "progress:\n  a: { status: done, on: 2026-12-04 }\n",
        )
        .today("2026-12-04")
        .build()
        .file(TIMELINE);
    assert!(!row(&html, "First task").contains("expect"), "{html}");
    // `b` now cannot finish before 12-09.
    assert!(row(&html, "Second task").contains("<rect class=\"expect\""));
}

/// Long names were cut mid-word by a fixed 232 px label column: now the whole name is
/// HTML text that wraps, nothing clips it, and the chart scrolls nowhere.
#[test]
fn long_names_are_written_whole_and_never_clipped() {
    let long = "Provision the secure environment for Harbourside Payments Ltd and its auditors";
    let html = site(long).today("2026-12-01").build().file(TIMELINE);
    assert!(
        html.contains(&format!("<span class=\"gantt-name\">{long}</span>")),
        "{html}"
    );
    assert!(!html.contains("clip-path"), "{html}");
    assert!(!html.contains("chart-scroll"), "{html}");
    // Positions are shares of the chart's width, so it fits a phone's.
    // `b` starts on 12-03, the third of the chart's seven days.
    assert!(
        row(&html, long).contains("<rect class=\"bar\" x=\"28.57%\" y=\"-5\" width=\"71.43%\"")
    );
}

/// Nepali dates are wider than English ones: at the narrowest width fewer of them are
/// labelled than in English, and fewer than at the widest (`text_width` in
/// `render::timeline` measures them; its unit test checks that no two overlap).
#[test]
fn tick_labels_are_spaced_for_their_script() {
    let labels = |lang: &str| {
        let html = site("Second task")
            .edit(
                "gangway.toml",
                "description = ",
                "languages = [\"en\", \"ne\"]\ndescription = ",
            )
            .append("customers/acme.yaml", &format!("language: {lang}\n"))
            .edit(PB, "duration: 3bd", "duration: 80bd")
            .today("2026-12-01")
            .build()
            .file(TIMELINE);
        let count = |fit: &str| html.matches(&format!(" fit-{fit}")).count();
        (count("s"), count("l"), html)
    };
    let (en_narrow, en_wide, _) = labels("en");
    let (ne_narrow, ne_wide, ne) = labels("ne");
    assert!(
        ne.contains(">१ डिसेम्बर</text>") || ne.contains("डिसे"),
        "{ne}"
    );
    assert!(ne_narrow < en_narrow, "ne {ne_narrow}, en {en_narrow}");
    assert!(ne_narrow < ne_wide && en_narrow < en_wide);
    assert!(ne_narrow >= 2, "{ne}");
}

/// The overview's late milestone lost its `<time>` element; both dates are now dates.
/// Next steps say why they come in their order.
#[test]
fn the_overview_gives_planned_and_expected_dates_as_dates() {
    let html = site("Second task")
        .today("2026-12-09")
        .build()
        .file("portal/acme/index.html");
    assert!(
        html.contains(
            "planned <time datetime=\"2026-12-07\">7 Dec 2026</time> → expected \
             <time class=\"expected\" datetime=\"2026-12-14\">14 Dec 2026</time> · "
        ),
        "{html}"
    );
    assert!(
        html.contains("Tasks ready to start come first, then the rest by due date."),
        "{html}"
    );
}
