//! The vendor's dashboard: its rows, its orders, its roll-ups, its settings,
//! and what it must not show (docs/schema.md, `[dashboard]`).

use crate::harness::*;

/// A second customer on the minimal site, finished: every task done.
const FINISHED: &str = r#"
name: Zenith Finished Ltd
playbook: onboarding
kickoff: 2026-11-02
team:
  csm: { name: Bea Owner, email: bea@vendor.test }
progress:
  welcome: { status: done, on: 2026-11-02 }
  setup: { status: done, on: 2026-11-12 }
"#;

fn site() -> Site {
    Site::new().file("customers/zenith.yaml", FINISHED)
}

/// Where `needles` appear in `text`, in order (each must appear).
fn positions(text: &str, needles: &[&str]) -> Vec<usize> {
    needles
        .iter()
        .map(|n| {
            text.find(n)
                .unwrap_or_else(|| panic!("{n} not in the page"))
        })
        .collect()
}

#[test]
fn every_customer_has_a_row_linking_to_its_portal() {
    let files = site().build().ok();
    let page = files.page("dashboard/index.html");
    for (customer, name) in [("acme", "Acme Corp"), ("zenith", "Zenith Finished Ltd")] {
        let link = format!(r#"<a href="../../{}">{name}</a>"#, files.portal(customer));
        assert!(page.contains(&link), "{link} not in:\n{page}");
    }
    assert!(page.contains(r#"<meta name="robots" content="noindex"#));
    assert!(page.contains("Casey Vendor") && page.contains("casey@vendor.test"));
    // The customer-side people are not the vendor's owners.
    assert!(!page.contains("Ada Admin"));
    assert!(page.contains(r#"<html lang="en">"#));
}

#[test]
fn one_page_per_order_and_the_first_by_risk() {
    let files = site()
        .file(
            "customers/beta.yaml",
            "name: Beta Late\nplaybook: onboarding\nkickoff: 2026-10-01\nteam:\n  csm: { name: Ann Other }\n",
        )
        .build()
        .ok();
    let by_risk = files.page("dashboard/index.html");
    // Late first, finished last. Acme and Beta are both late, expected on the
    // same day (their open work cannot finish before today): by name then.
    let at = positions(
        &by_risk,
        &[">Acme Corp<", ">Beta Late<", ">Zenith Finished Ltd<"],
    );
    assert!(at[0] < at[1] && at[1] < at[2], "{at:?}");
    assert!(by_risk.contains("row-late") && by_risk.contains("row-finished"));
    assert!(by_risk.find("row-late") < by_risk.find("row-finished"));
    let by_name = files.page("dashboard/by-name/index.html");
    let at = positions(
        &by_name,
        &[">Acme Corp<", ">Beta Late<", ">Zenith Finished Ltd<"],
    );
    assert!(at[0] < at[1] && at[1] < at[2], "{at:?}");
    assert!(
        by_name.contains(r#"aria-sort="ascending"><a href="../../../"#)
            || by_name.contains("aria-sort")
    );
    for sort in ["by-playbook", "by-owner", "by-go-live", "by-progress"] {
        let page = files.page(&format!("dashboard/{sort}/index.html"));
        for name in ["Acme Corp", "Beta Late", "Zenith Finished Ltd"] {
            assert!(page.contains(name), "{name} not on {sort}");
        }
        assert!(
            page.contains(&format!(
                r#"href="../../../{}{sort}/#customers" aria-current="page""#,
                files.dashboard()
            )),
            "{sort}"
        );
    }
    // No script runs anywhere on it: sorting is a page per order.
    for path in files.paths().into_iter().filter(|p| files.in_dashboard(p)) {
        let text = files.file(path);
        assert!(
            !text.contains("<script") && !text.contains(" style="),
            "{path}"
        );
    }
}

#[test]
fn roll_ups_give_the_median_days_to_go_live_of_finished_customers() {
    let files = site().build().ok();
    let page = files.page("dashboard/index.html");
    // Zenith: kickoff 2 Nov, last task done 12 Nov, the milestone reached with it.
    let onboarding = page
        .split("<th scope=\"row\">Onboarding</th>")
        .nth(1)
        .expect("a row for the playbook");
    let row = &onboarding[..onboarding.find("</tr>").unwrap()];
    assert!(row.contains(r#"<span class="bar-text">10</span>"#), "{row}");
    assert!(row.contains("<svg class=\"bar\""), "{row}");
    // Per owner: Casey's customer is open, Bea's finished.
    assert!(page.contains("<th scope=\"row\">Bea Owner</th>"));
    assert!(page.contains("<th scope=\"row\">Casey Vendor</th>"));
    assert!(page.contains("None finished yet"));
}

#[test]
fn hostile_customer_names_are_text_on_the_dashboard() {
    let name = r#"<script>alert(1)</script><img src=x onerror=alert(2)> "Q" & 'A'"#;
    let files = site()
        .file(
            "customers/hostile.yaml",
            &format!(
                "name: '{}'\nplaybook: onboarding\nkickoff: 2026-12-01\nteam:\n  csm: {{ name: '<b>Boss</b>', email: boss@vendor.test }}\n",
                name.replace('\'', "''")
            ),
        )
        .build()
        .ok();
    for path in files.paths().into_iter().filter(|p| files.in_dashboard(p)) {
        let text = files.file(path);
        assert!(
            !text.contains("<script>alert")
                && !text.contains("<img src=x")
                && !text.contains("<b>Boss"),
            "{path}"
        );
        assert!(
            text.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;")
                || text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{path}"
        );
        assert!(text.contains("&lt;b&gt;Boss"), "{path}");
    }
}

#[test]
fn enabled_false_writes_no_dashboard() {
    let build = site()
        .append("gangway.toml", "\n[dashboard]\nenabled = false\n")
        .build();
    let files = build.ok();
    assert_eq!(files.dashboard, None);
    assert!(!files.paths().iter().any(|p| p.contains("by-name")));
}

#[test]
fn a_site_without_customers_has_no_dashboard_unless_asked() {
    let none = Site::new().remove("customers/acme.yaml").build().ok();
    assert_eq!(none.dashboard, None);
    let asked = Site::new()
        .remove("customers/acme.yaml")
        .append("gangway.toml", "\n[dashboard]\nenabled = true\n")
        .build()
        .ok();
    assert!(asked.has("dashboard/index.html"));
}

#[test]
fn dashboard_settings_are_checked_where_they_are_written() {
    let site = Site::new().append("gangway.toml", "\n[dashboard]\nenabld = false\n");
    let line = site
        .text("gangway.toml")
        .lines()
        .position(|l| l.starts_with("enabld"))
        .unwrap()
        + 1;
    site.build()
        .assert_error("unknown-key", "gangway.toml", line);
    let site = Site::new().append("gangway.toml", "\n[dashboard]\nrotation = \"one\"\n");
    let line = site
        .text("gangway.toml")
        .lines()
        .position(|l| l.starts_with("rotation"))
        .unwrap()
        + 1;
    site.build()
        .assert_error("wrong-type", "gangway.toml", line);
    let site = Site::new().append(
        "gangway.toml",
        "\n[dashboard]\nencrypt = { passphrase_env = \"STAFF_PASSPHRASE\" }\n",
    );
    let line = site
        .text("gangway.toml")
        .lines()
        .position(|l| l.starts_with("encrypt"))
        .unwrap()
        + 1;
    site.build()
        .assert_error("missing-passphrase", "gangway.toml", line);
    site.env("STAFF_PASSPHRASE", "short").build().assert_error(
        "weak-passphrase",
        "gangway.toml",
        line,
    );
}

/// The minimal site with what clients said: Acme reported `setup` done (by a
/// name that is markup), Zenith's tasks are confirmed; ratings of `live` by
/// both (4 from Acme with a comment that is markup; 5 and 2 from Zenith); the
/// article voted on 3 times (2 helpful) and a second article once.
fn with_feedback() -> Site {
    site()
        .append(
            "customers/acme.yaml",
            "progress:\n  welcome: { status: done, on: 2026-12-01 }\n  setup: { status: done, on: 2026-12-03, reported: true, by: \"<b>Bob</b> & Co\" }\n",
        )
        .file(
            "feedback/acme.yaml",
            "ratings:\n  - { milestone: live, rating: 4, on: 2026-12-04, by: Ada, comment: \"<script>alert('c')</script> fine\" }\n",
        )
        .file(
            "feedback/zenith.yaml",
            "ratings:\n  - { milestone: live, rating: 5, on: 2026-11-12 }\n  - { milestone: live, rating: 2, on: 2026-11-13, comment: Slow start }\n",
        )
        .file(
            "content/kb/other.md",
            "---\ntitle: Another article\nsummary: Few votes.\n---\nText.\n",
        )
        .file(
            "feedback/kb/setup.yaml",
            "votes:\n  - { lang: en, helpful: true, on: 2026-12-01 }\n  - { lang: en, helpful: false, on: 2026-12-02 }\n  - { lang: en, helpful: true, on: 2026-12-03 }\n",
        )
        .file(
            "feedback/kb/other.yaml",
            "votes:\n  - { lang: en, helpful: true, on: 2026-12-01 }\n",
        )
}

/// The part of `page` from `from` to the next `until`.
fn between<'a>(page: &'a str, from: &str, until: &str) -> &'a str {
    let start = page
        .find(from)
        .unwrap_or_else(|| panic!("{from} not in the page"));
    let rest = &page[start..];
    &rest[..rest.find(until).unwrap_or(rest.len())]
}

#[test]
fn reports_awaiting_confirmation_are_listed_with_who_reported_them() {
    let files = with_feedback()
        .append("gangway.toml", "\n[actions]\nconfirm = true\n")
        .build()
        .ok();
    let page = files.page("dashboard/index.html");
    let reported = between(&page, "id=\"reported-h\"", "</section>");
    assert!(
        reported.contains("Reported by clients, awaiting confirmation"),
        "{reported}"
    );
    assert!(reported.contains("Set up the account"), "{reported}");
    assert!(reported.contains(&format!(
        r#"<a href="../../{}">Acme Corp</a>"#,
        files.portal("acme")
    )));
    assert!(reported.contains(r#"<time datetime="2026-12-03">"#));
    assert!(reported.contains("&lt;b&gt;Bob&lt;/b&gt;"), "{reported}");
    assert!(!page.contains("<b>Bob"));
    // Zenith's done tasks are confirmed: not listed.
    assert!(!reported.contains("Zenith"));
    // The customers table counts them.
    let acme_row = between(&page, ">Acme Corp</a></th>", "</tr>");
    assert!(acme_row.contains("<td class=\"num\">1</td>"), "{acme_row}");
}

#[test]
fn without_confirm_only_the_last_14_days_of_reports_are_listed() {
    let recent = with_feedback().build().ok();
    let page = recent.page("dashboard/index.html");
    assert!(page.contains("Reported by clients in the last 14 days"));
    assert!(between(&page, "id=\"reported-h\"", "</section>").contains("Set up the account"));
    // Five weeks later the report is old news, and nothing is listed.
    let later = with_feedback().today("2027-01-20").build().ok();
    let page = later.page("dashboard/index.html");
    assert!(
        !page.contains("id=\"reported-h\""),
        "no empty list without confirm"
    );
    let acme_row = between(&page, ">Acme Corp</a></th>", "</tr>");
    assert!(acme_row.contains("<td class=\"num\">0</td>"), "{acme_row}");
}

#[test]
fn csat_is_averaged_per_milestone_playbook_and_owner() {
    let files = with_feedback().build().ok();
    let page = files.page("dashboard/index.html");
    let csat = between(&page, "id=\"csat-h\"", "</section>");
    // (4 + 5 + 2) / 3 = 3.67, shown to one decimal.
    assert!(
        csat.contains("<strong>3.7 out of 5</strong> · Ratings: 3"),
        "{csat}"
    );
    let milestone = between(csat, "<th scope=\"row\">Go live</th>", "</tr>");
    assert!(
        milestone.contains("3.7 out of 5") && milestone.contains(">3</td>"),
        "{milestone}"
    );
    assert!(
        milestone.contains("<rect class=\"bar-csat\" x=\"0.00\" y=\"0\" width=\"74.00\""),
        "{milestone}"
    );
    let playbooks = between(csat, "id=\"csat-playbooks-h\"", "</table>");
    assert!(playbooks.contains("3.7 out of 5"), "{playbooks}");
    let owners = between(csat, "id=\"csat-owners-h\"", "</table>");
    let casey = between(owners, "Casey Vendor", "</tr>");
    assert!(
        casey.contains("4.0 out of 5") && casey.contains(">1</td>"),
        "{casey}"
    );
    let bea = between(owners, "Bea Owner", "</tr>");
    assert!(
        bea.contains("3.5 out of 5") && bea.contains(">2</td>"),
        "{bea}"
    );
    // Comments, newest first, escaped.
    let comments = between(csat, "id=\"comments-h\"", "</ul>");
    assert!(
        comments.find("alert") < comments.find("Slow start"),
        "{comments}"
    );
    assert!(comments.contains("&lt;script&gt;alert("), "{comments}");
    for path in files.paths().into_iter().filter(|p| files.in_dashboard(p)) {
        assert!(!files.file(path).contains("<script>alert"), "{path}");
    }
}

#[test]
fn page_votes_rank_articles_with_enough_votes() {
    let files = with_feedback().build().ok();
    let page = files.page("dashboard/index.html");
    let kb = between(&page, "id=\"kb-h\"", "</section>");
    let most = between(kb, "id=\"kb-most-h\"", "</table>");
    assert!(
        most.contains(r#"<a href="../../kb/setup/">Setting up your account</a>"#),
        "{most}"
    );
    // 2 of 3, rounded to the nearest percent.
    assert!(
        most.contains("67&nbsp;%") && most.contains("2 of 3"),
        "{most}"
    );
    assert!(most.contains("<li>en: 2 of 3</li>"), "{most}");
    let few = between(kb, "id=\"kb-few-h\"", "</table>");
    assert!(
        few.contains("Too few votes to rank (fewer than 3)"),
        "{few}"
    );
    assert!(
        few.contains("Another article") && !few.contains("Setting up"),
        "{few}"
    );
    assert!(
        !kb.contains("kb-least-h"),
        "one ranked article is not also the least helpful"
    );
}

#[test]
fn an_encrypted_customers_reports_and_ratings_stay_off_an_unencrypted_dashboard() {
    let sealed = "name: Sealed Co\nplaybook: onboarding\nkickoff: 2026-12-01\nteam:\n  csm: { name: Sam Sealed, email: sam@vendor.test }\nprogress:\n  welcome: { status: done, on: 2026-12-01 }\n  setup: { status: blocked, note: SEALEDNOTE, on: 2026-12-10, reported: true, by: SEALEDBY }\nencrypt:\n  passphrase_env: SEALED_PASSPHRASE\n";
    let site = with_feedback()
        .file("customers/sealed.yaml", sealed)
        .file(
            "feedback/sealed.yaml",
            "ratings:\n  - { milestone: live, rating: 1, on: 2026-12-11, comment: SEALEDCOMMENT }\n",
        )
        .env("SEALED_PASSPHRASE", "a passphrase long enough for the test")
        .append("gangway.toml", "\n[actions]\nconfirm = true\n");
    let files = site.build().ok();
    let page = files.page("dashboard/index.html");
    for secret in ["SEALEDBY", "SEALEDCOMMENT", "SEALEDNOTE", "Sealed Co"] {
        assert_eq!(files.containing(secret), Vec::<&str>::new(), "{secret}");
    }
    // The figures are those without it: 3 ratings, not 4.
    assert!(page.contains("<strong>3.7 out of 5</strong> · Ratings: 3"));
    // An encrypted dashboard holds it, sealed: readable in no file.
    let sealed_dashboard = site
        .append(
            "gangway.toml",
            "\n[dashboard]\nencrypt = { passphrase_env = \"STAFF\" }\n",
        )
        .env("STAFF", "another passphrase long enough for it")
        .build()
        .ok();
    assert_eq!(
        sealed_dashboard.containing("SEALEDCOMMENT"),
        Vec::<&str>::new()
    );
}

#[test]
fn the_least_helpful_articles_are_listed_worst_first_and_apart_from_the_most() {
    let vote = |helpful: bool| format!("  - {{ lang: en, helpful: {helpful}, on: 2026-12-01 }}\n");
    let files = with_feedback()
        .file(
            "content/kb/good.md",
            "---\ntitle: Good one\nsummary: s\n---\nText.\n",
        )
        .file(
            "content/kb/bad.md",
            "---\ntitle: Bad one\nsummary: s\n---\nText.\n",
        )
        .file(
            "feedback/kb/good.yaml",
            &format!("votes:\n{}", vote(true).repeat(4)),
        )
        .file(
            "feedback/kb/bad.yaml",
            &format!("votes:\n{}{}", vote(false).repeat(2), vote(true)),
        )
        .build()
        .ok();
    let page = files.page("dashboard/index.html");
    let most = between(&page, "id=\"kb-most-h\"", "</table>");
    let at = positions(most, &["Good one", "Setting up your account"]);
    assert!(at[0] < at[1], "best first: {most}");
    assert!(!most.contains("Bad one"));
    let least = between(&page, "id=\"kb-least-h\"", "</table>");
    assert!(
        least.contains("Bad one") && least.contains("33&nbsp;%"),
        "{least}"
    );
    assert!(
        !least.contains("Good one") && !least.contains("Setting up"),
        "{least}"
    );
}
