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
