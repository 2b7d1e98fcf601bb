//! The vendor's dashboard: one row per customer ([`crate::roster`]), the same
//! rows in one page per order (sorting without a script), and roll-ups per
//! playbook and per owner with static SVG bars.
//!
//! Written under its own unguessable folder ([`crate::model::Dashboard::path`],
//! under `p/` like the portals, so hosts treat it as one), in the site's default
//! language, never indexed, and encrypted as a portal is when `[dashboard]
//! encrypt` says so. It is the one page that holds every customer: it links to
//! each portal, and nothing links to it.

use std::cmp::Ordering;
use std::fmt::Write as _;

use minijinja::Value;

use crate::diagnostic::Diagnostics;
use crate::lang::Lang;
use crate::locale::Locale;
use crate::model::Dashboard;
use crate::output::OutputFile;
use crate::render::page::{Page, render_pages};
use crate::render::values::{list, record};
use crate::render::{RenderInput, portal};
use crate::roster::{CustomerRow, RollUp, roll_up};

mod clients;

/// The orders the rows are shown in: (key, folder under the dashboard, the
/// column's string key). The first is the dashboard's own page.
const SORTS: [(&str, &str, &str); 6] = [
    ("risk", "", "dashboard_col_risk"),
    ("name", "by-name/", "dashboard_col_customer"),
    ("playbook", "by-playbook/", "dashboard_col_playbook"),
    ("owner", "by-owner/", "dashboard_col_owner"),
    ("go-live", "by-go-live/", "dashboard_col_go_live"),
    ("progress", "by-progress/", "dashboard_col_progress"),
];

/// Renders the dashboard over `rows` (in the order of the customer files). An
/// unencrypted dashboard leaves out the customers whose portals are encrypted
/// (and says how many), so no encrypted customer's text is on the host in the
/// clear; an encrypted one shows them all.
pub(crate) fn render_dashboard(
    input: &RenderInput<'_>,
    dashboard: &Dashboard,
    rows: &[CustomerRow],
) -> (Vec<OutputFile>, Diagnostics) {
    let lang = &input.site.config.default_language;
    let shown: Vec<CustomerRow>;
    let (rows, left_out) = if dashboard.passphrase.is_none() && rows.iter().any(|r| r.encrypted) {
        shown = rows.iter().filter(|r| !r.encrypted).cloned().collect();
        (shown.as_slice(), rows.len() - shown.len())
    } else {
        (rows, 0)
    };
    let view = View::new(input, lang, rows);
    let summary = view.summary(left_out);
    let clients = view.clients();
    let row_values: Vec<Value> = rows.iter().map(|r| view.row(r)).collect();
    let pages = SORTS
        .iter()
        .map(|&(key, folder, _)| {
            let order = view.order(key);
            let path = format!("{}{folder}index.html", dashboard.path);
            let values = vec![
                ("dashboard", summary.clone()),
                ("clients", clients.clone()),
                ("sort", Value::from(key)),
                ("sorts", view.sorts(key, &dashboard.path)),
                ("sort_links", view.sort_links(key, &dashboard.path)),
                ("home", Value::from(dashboard.path.clone())),
                (
                    "rows",
                    list(order.into_iter().map(|i| row_values[i].clone())),
                ),
            ];
            Page {
                path,
                template: "dashboard.html",
                title: view.t("dashboard_title").to_string(),
                kind: "dashboard",
                lang: lang.clone(),
                content_lang: lang.clone(),
                alternates: Vec::new(),
                values,
            }
        })
        .collect();
    let rendered = std::sync::Mutex::new(Vec::new());
    let diagnostics = render_pages(input, pages, true, &|f| {
        if let Ok(mut list) = rendered.lock() {
            list.push(f);
        }
    });
    let mut files = rendered.into_inner().unwrap_or_default();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    if let Some(passphrase) = &dashboard.passphrase {
        files = portal::seal_folder(input, &dashboard.path, passphrase.expose(), files, &|_| {
            lang
        });
    }
    (files, diagnostics)
}

/// What every page of the dashboard shares: the rows, the formatter, and each
/// row's rank by name, playbook title and owner in the language's collation.
struct View<'a> {
    input: &'a RenderInput<'a>,
    locale: &'a Locale,
    strings: Option<&'a std::collections::BTreeMap<String, String>>,
    rows: &'a [CustomerRow],
    name_rank: Vec<usize>,
    playbook_rank: Vec<usize>,
    owner_rank: Vec<usize>,
}

impl<'a> View<'a> {
    fn new(input: &'a RenderInput<'a>, lang: &Lang, rows: &'a [CustomerRow]) -> View<'a> {
        let locale = input.locale(lang);
        let strings = input.site.theme.strings.get(lang);
        let unassigned = |r: &'a CustomerRow| r.owner_name.as_deref().unwrap_or("\u{10FFFF}");
        View {
            input,
            locale,
            strings,
            rows,
            name_rank: ranks(locale, rows, |r| &r.name),
            playbook_rank: ranks(locale, rows, |r| &r.playbook_title),
            owner_rank: ranks(locale, rows, unassigned),
        }
    }

    /// A UI string of the site's default language.
    fn t(&self, key: &str) -> &'a str {
        self.strings
            .and_then(|s| s.get(key))
            .map_or("", String::as_str)
    }

    /// Row indexes in the order `key` names; every order ends by name, then id,
    /// so it is total and the same on every build.
    fn order(&self, key: &str) -> Vec<usize> {
        let rows = self.rows;
        let by_risk = |a: usize, b: usize| {
            (rows[a].urgency(), rows[a].go_live_forecast)
                .cmp(&(rows[b].urgency(), rows[b].go_live_forecast))
        };
        let first = |a: usize, b: usize| -> Ordering {
            match key {
                "name" => Ordering::Equal,
                "playbook" => self.playbook_rank[a]
                    .cmp(&self.playbook_rank[b])
                    .then_with(|| by_risk(a, b)),
                "owner" => self.owner_rank[a]
                    .cmp(&self.owner_rank[b])
                    .then_with(|| by_risk(a, b)),
                "go-live" => (rows[a].go_live_forecast, rows[a].urgency())
                    .cmp(&(rows[b].go_live_forecast, rows[b].urgency())),
                "progress" => rows[a].percent_done.cmp(&rows[b].percent_done),
                _ => by_risk(a, b),
            }
        };
        let mut order: Vec<usize> = (0..rows.len()).collect();
        order.sort_by(|&a, &b| {
            first(a, b)
                .then(self.name_rank[a].cmp(&self.name_rank[b]))
                .then_with(|| rows[a].customer.cmp(&rows[b].customer))
        });
        order
    }

    /// The links to every order, from the page of `current`.
    fn sorts(&self, current: &str, dir: &str) -> Value {
        list(SORTS.iter().map(|&(key, folder, label)| {
            record! {
                "current" => key == current,
                "key" => key,
                "label" => self.t(label),
                "path" => format!("{dir}{folder}"),
            }
        }))
    }

    /// The same links by key, for the column headings.
    fn sort_links(&self, current: &str, dir: &str) -> Value {
        let links: std::collections::BTreeMap<&str, Value> = SORTS
            .iter()
            .map(|&(key, folder, label)| {
                let link = record! {
                    "current" => key == current,
                    "key" => key,
                    "label" => self.t(label),
                    "path" => format!("{dir}{folder}"),
                };
                (key, link)
            })
            .collect();
        Value::from(links)
    }

    /// A date in the page's language, and as ISO for `<time>`.
    fn date(&self, d: jiff::civil::Date) -> Value {
        record! { "iso" => d.to_string(), "text" => self.locale.date(d) }
    }

    /// One row's values.
    fn row(&self, r: &CustomerRow) -> Value {
        let milestone = match (&r.next_milestone_title, r.next_milestone_planned) {
            (Some(title), Some(planned)) => record! {
                "forecast" => self.date(r.next_milestone_forecast.unwrap_or(planned)),
                "moved" => r.next_milestone_forecast.is_some_and(|f| f != planned),
                "planned" => self.date(planned),
                "title" => title.as_str(),
            },
            _ => Value::from(()),
        };
        record! {
            "blocked" => r.blocked,
            "customer" => r.customer.as_str(),
            "days_since_kickoff" => r.days_since_kickoff,
            "finished" => r.finished,
            "go_live_forecast" => self.date(r.go_live_forecast),
            "go_live_planned" => self.date(r.go_live_planned),
            "internal_open" => r.internal_open,
            "kickoff" => self.date(r.kickoff),
            "late_days" => r.late_days,
            "milestone" => milestone,
            "name" => r.name.as_str(),
            "overdue" => r.overdue,
            "owner" => r.owner_name.as_deref(),
            "owner_email" => r.owner_email.as_deref(),
            "percent" => r.percent_done,
            "playbook" => r.playbook_title.as_str(),
            "portal" => r.portal.as_str(),
            "reported" => r.reports.iter().filter(|p| self.listed(p)).count(),
            "risk" => r.risk,
            "risk_label" => self.t(if r.finished { "dashboard_finished" } else { r.outlook.string_key() }),
            "tasks_done" => r.tasks_done,
            "tasks_total" => r.tasks_total,
        }
    }

    /// The counts by risk and the roll-ups, the same on every page.
    fn summary(&self, left_out: usize) -> Value {
        let rows = self.rows;
        let all = roll_up(rows, |_| (String::new(), String::new()));
        let all = all.first().cloned().unwrap_or_default();
        let mut playbooks = roll_up(rows, |r| (r.playbook.clone(), r.playbook_title.clone()));
        let unassigned = self.t("dashboard_unassigned");
        let mut owners = roll_up(rows, |r| {
            let label = r
                .owner_name
                .clone()
                .unwrap_or_else(|| unassigned.to_string());
            (r.owner_key(), label)
        });
        for groups in [&mut playbooks, &mut owners] {
            groups.sort_by(|a, b| {
                self.locale
                    .compare(&a.label, &b.label)
                    .then(a.key.cmp(&b.key))
            });
        }
        record! {
            "at_risk" => all.at_risk,
            "customers" => all.customers,
            "finished" => all.finished,
            "late" => all.late,
            "left_out" => left_out,
            "on_track" => all.on_track,
            "owners" => groups(&owners),
            "playbooks" => groups(&playbooks),
            "today" => self.date(self.input.today),
        }
    }
}

/// Each row's rank when the rows are sorted by `text` in `locale`'s collation.
fn ranks<'r>(
    locale: &Locale,
    rows: &'r [CustomerRow],
    text: impl Fn(&'r CustomerRow) -> &'r str,
) -> Vec<usize> {
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by(|&a, &b| locale.compare(text(&rows[a]), text(&rows[b])));
    let mut rank = vec![0; rows.len()];
    let mut r = 0;
    for (i, &row) in order.iter().enumerate() {
        // Equal texts share a rank, so later keys decide between them.
        if i > 0 && locale.compare(text(&rows[order[i - 1]]), text(&rows[row])) != Ordering::Equal {
            r = i;
        }
        rank[row] = r;
    }
    rank
}

/// The roll-ups as template values, each with its bars drawn to one scale.
fn groups(groups: &[RollUp]) -> Value {
    let most_customers = groups.iter().map(|g| g.customers).max().unwrap_or(0);
    let most_open = groups.iter().map(|g| g.open_tasks).max().unwrap_or(0);
    let longest = groups
        .iter()
        .filter_map(|g| g.median_days_to_go_live)
        .max()
        .unwrap_or(0);
    list(groups.iter().map(|g| {
        let risk_bar = stacked_bar(
            &[
                ("late", g.late),
                ("at-risk", g.at_risk),
                ("on-track", g.on_track),
                ("finished", g.finished),
            ],
            most_customers,
        );
        let median_bar = g
            .median_days_to_go_live
            .map(|d| stacked_bar(&[("days", usize::try_from(d).unwrap_or(0))], usize::try_from(longest).unwrap_or(0)));
        record! {
            "at_risk" => g.at_risk,
            "customers" => g.customers,
            "finished" => g.finished,
            "label" => g.label.as_str(),
            "late" => g.late,
            "median_bar" => median_bar.map(Value::from_safe_string),
            "median_days" => g.median_days_to_go_live,
            "on_track" => g.on_track,
            "open_bar" => Value::from_safe_string(stacked_bar(&[("open", g.open_tasks)], most_open)),
            "open_tasks" => g.open_tasks,
            "overdue" => g.overdue,
            "risk_bar" => Value::from_safe_string(risk_bar),
        }
    }))
}

/// A horizontal bar of `parts` (CSS class, amount) side by side, as wide as
/// their sum is of `scale`: a picture of numbers the table beside it gives, so
/// it is hidden from screen readers. Presentation attributes only (no `style`).
fn stacked_bar(parts: &[(&str, usize)], scale: usize) -> String {
    let mut svg = String::from(
        "<svg class=\"bar\" viewBox=\"0 0 100 10\" preserveAspectRatio=\"none\" width=\"100%\" height=\"14\" aria-hidden=\"true\" focusable=\"false\">",
    );
    let _ = write!(
        svg,
        "<rect class=\"bar-track\" x=\"0\" y=\"0\" width=\"100\" height=\"10\"/>"
    );
    let mut x = 0.0;
    for &(class, n) in parts {
        if n == 0 || scale == 0 {
            continue;
        }
        let w = 100.0 * n as f64 / scale as f64;
        let _ = write!(
            svg,
            "<rect class=\"bar-{class}\" x=\"{x:.2}\" y=\"0\" width=\"{w:.2}\" height=\"10\"/>"
        );
        x += w;
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_as_wide_as_their_share_of_the_scale() {
        let svg = stacked_bar(&[("late", 1), ("on-track", 0), ("finished", 3)], 8);
        assert!(
            svg.contains(r#"class="bar-late" x="0.00" y="0" width="12.50""#),
            "{svg}"
        );
        assert!(
            svg.contains(r#"class="bar-finished" x="12.50" y="0" width="37.50""#),
            "{svg}"
        );
        assert!(!svg.contains("bar-on-track"), "empty parts are not drawn");
        assert!(!svg.contains("style"));
        assert!(!stacked_bar(&[("open", 3)], 0).contains("bar-open"));
    }
}
