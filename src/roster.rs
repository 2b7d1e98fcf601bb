//! The roster: one small row of figures per customer, for the vendor's
//! dashboard ([`crate::render`]) and for reports (`gangway report`), and the
//! roll-ups of those rows per playbook and per owner.
//!
//! A row is made from a customer's plan while its portal renders, so a build
//! that lets each plan go with its portal still has every row at the end; rows
//! are a few hundred bytes, plans are not.
//!
//! What a row counts, and why:
//! - tasks: every task of the plan, internal ones too. The dashboard is the
//!   vendor's view, and internal work is work the vendor still has to do; the
//!   portal's own percentage counts only what the customer can see, so the two
//!   differ by the internal tasks (`internal_open` says by how many are open).
//! - owner: the person in the customer's `team:` filling the playbook's contact
//!   role when that role is on the vendor side (the single point of contact),
//!   else the first vendor-side role of the playbook (in its order) that the
//!   team fills; none when the team names no vendor-side person.
//! - risk: [`Plan::outlook`] with `[forecast] late_after_days`: a finished
//!   onboarding is on track however late it finished.
//!
//! Pure: "today" is an input. Nothing here reads a customer's `notes:` (the
//! model does not hold them) nor the titles of internal tasks: a row holds
//! counts of internal work, never its text.

use jiff::civil::Date;
use serde::Serialize;

use crate::calendar::days_between;
use crate::model::{Customer, Playbook, Site};
use crate::plan::{Kind, Outlook, Plan, pick};
use crate::raw::{Side, Status};

/// One customer's onboarding in figures. Field names are stable (`snake_case`),
/// dates are ISO `YYYY-MM-DD`, and every field is a plain value, so the rows
/// serialize as JSON objects and as CSV records alike.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CustomerRow {
    /// The customer's id (its file name).
    pub customer: String,
    /// The customer's name.
    pub name: String,
    /// The id of the customer's playbook.
    pub playbook: String,
    /// The playbook's title in the site's default language.
    pub playbook_title: String,
    /// The vendor-side owner's role id (see the module's header for who that is).
    pub owner_role: Option<String>,
    /// The owner's name.
    pub owner_name: Option<String>,
    /// The owner's e-mail address, when the team gives one.
    pub owner_email: Option<String>,
    /// Tasks done or skipped, in whole percent of all tasks (rounded down, so
    /// 100 means every task is closed).
    pub percent_done: u32,
    /// Tasks done or skipped, internal ones included.
    pub tasks_done: usize,
    /// Every task of the plan, internal ones included.
    pub tasks_total: usize,
    /// Internal tasks (vendor-only work) still open.
    pub internal_open: usize,
    /// Open tasks past their planned due date.
    pub overdue: usize,
    /// Tasks marked blocked.
    pub blocked: usize,
    /// The next milestone not reached: the one expected first.
    pub next_milestone: Option<String>,
    /// Its title in the site's default language.
    pub next_milestone_title: Option<String>,
    /// Its planned date.
    #[serde(serialize_with = "iso::option")]
    pub next_milestone_planned: Option<Date>,
    /// Its expected date (the forecast).
    #[serde(serialize_with = "iso::option")]
    pub next_milestone_forecast: Option<Date>,
    /// The kickoff, as the customer's file gives it.
    #[serde(serialize_with = "iso::date")]
    pub kickoff: Date,
    /// When the plan ends: the planned go-live (`Plan::end`).
    #[serde(serialize_with = "iso::date")]
    pub go_live_planned: Date,
    /// When it is expected to end now (`Plan::forecast_end`); for a finished
    /// onboarding, when it did.
    #[serde(serialize_with = "iso::date")]
    pub go_live_forecast: Date,
    /// Working days the expected go-live is after the planned one (0 when not).
    pub late_days: i64,
    /// `on-track`, `at-risk` or `late`.
    pub risk: &'static str,
    /// Calendar days from the kickoff to today (negative before the kickoff).
    pub days_since_kickoff: i64,
    /// Whether everything the customer sees is done or skipped.
    pub finished: bool,
    /// The risk as a value, for ordering.
    #[serde(skip)]
    pub(crate) outlook: Outlook,
    /// The customer's portal folder (`p/<token>/`), for the dashboard's links.
    /// Not serialized: reports go to CI logs, which are often public.
    #[serde(skip)]
    pub portal: String,
    /// Whether the customer's portal is encrypted: an unencrypted dashboard
    /// leaves such customers out, so their text is never on the host in the clear.
    pub encrypted: bool,
    /// Tasks the client reported done or stuck from the portal that still say
    /// `reported: true` (the vendor has not confirmed them).
    pub reported_unconfirmed: usize,
    /// Milestone ratings the client gave (`feedback/<customer>.yaml`).
    pub csat_count: usize,
    /// Their average, to two decimals; none without ratings.
    pub csat_average: Option<f64>,
    /// The reported tasks themselves, for the dashboard (customer-side tasks
    /// only: an internal task's title is never in a row).
    #[serde(skip)]
    pub reports: Vec<Reported>,
    /// The ratings, with their milestones' titles, for the dashboard and the
    /// roll-ups. Comments are the client's text, untrusted.
    #[serde(skip)]
    pub ratings: Vec<Rated>,
}

/// A task the client reported from the portal, not confirmed by the vendor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reported {
    /// The task's id.
    pub task: String,
    /// Its title in the site's default language.
    pub title: String,
    /// `done`, or `stuck` for a task reported blocked.
    pub status: &'static str,
    /// The day it was reported (its progress entry's `on`).
    pub on: Option<Date>,
    /// Who reported it, as they gave their name.
    pub by: String,
}

/// A client's rating of a milestone, with the milestone's title.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rated {
    /// The milestone's id.
    pub milestone: String,
    /// Its title in the site's default language (the id when the plan has it not).
    pub title: String,
    /// 1 to 5.
    pub rating: u8,
    /// The client's comment (untrusted text), or empty.
    pub comment: String,
    /// Who rated, as they gave their name.
    pub by: String,
    /// When.
    pub on: Date,
    /// The milestone's place in the plan, to list milestones in plan order.
    pub place: usize,
}

/// Ratings in sum: how many and their total, for averages over any group.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Csat {
    /// How many ratings.
    pub count: usize,
    /// Their sum.
    pub total: u64,
}

impl Csat {
    /// Counts one rating.
    pub fn add(&mut self, rating: u8) {
        self.count += 1;
        self.total += u64::from(rating);
    }

    /// The sum of `ratings`.
    pub fn of<'a>(ratings: impl IntoIterator<Item = &'a Rated>) -> Csat {
        let mut csat = Csat::default();
        for r in ratings {
            csat.add(r.rating);
        }
        csat
    }

    /// The average rating rounded to two decimals; none without ratings.
    pub fn average(self) -> Option<f64> {
        #[expect(clippy::cast_precision_loss, reason = "counts of ratings are small")]
        let average = (self.count > 0).then(|| self.total as f64 / self.count as f64);
        average.map(|a| (a * 100.0).round() / 100.0)
    }
}

/// The row of `customer`, planned as `plan`, on `today`.
pub(crate) fn row(site: &Site, customer: &Customer, plan: &Plan, today: Date) -> CustomerRow {
    let default = &site.config.default_language;
    let playbook = site.playbooks.get(&customer.playbook);
    let owner = playbook.and_then(|p| owner(p, customer));
    let (mut done, mut total, mut internal_open, mut overdue, mut blocked) = (0, 0, 0, 0, 0);
    for item in plan.items.iter().filter(|i| i.kind == Kind::Task) {
        total += 1;
        let closed = item.status.is_closed();
        done += usize::from(closed);
        internal_open += usize::from(item.internal && !closed);
        overdue += usize::from(item.overdue);
        blocked += usize::from(item.status == Status::Blocked);
    }
    let next = plan
        .items
        .iter()
        .filter(|i| i.kind == Kind::Milestone && !i.status.is_closed())
        .min_by_key(|i| (i.forecast_due, i.due));
    let outlook = plan.outlook(site.config.late_after_days);
    let reports = reports(plan, default);
    let ratings = ratings(site, customer, plan);
    let csat = Csat::of(&ratings);
    CustomerRow {
        customer: customer.id.clone(),
        name: customer.name.clone(),
        playbook: customer.playbook.clone(),
        playbook_title: pick(&plan.title, default, default).0.title.clone(),
        owner_role: owner.map(|(role, _)| role.to_string()),
        owner_name: owner.map(|(_, p)| p.name.clone()),
        owner_email: owner
            .map(|(_, p)| p.email.clone())
            .filter(|e| !e.is_empty()),
        percent_done: percent(done, total, plan.finished()),
        tasks_done: done,
        tasks_total: total,
        internal_open,
        overdue,
        blocked,
        next_milestone: next.map(|m| m.id.clone()),
        next_milestone_title: next.map(|m| m.text(default, default).0.title.clone()),
        next_milestone_planned: next.map(|m| m.due),
        next_milestone_forecast: next.map(|m| m.forecast_due),
        kickoff: customer.kickoff,
        go_live_planned: plan.end,
        go_live_forecast: plan.forecast_end,
        late_days: plan.late_days,
        risk: outlook.as_str(),
        days_since_kickoff: days_between(customer.kickoff, today),
        finished: plan.finished(),
        outlook,
        portal: customer.portal.clone(),
        encrypted: customer.passphrase.is_some(),
        reported_unconfirmed: reports.len(),
        csat_count: csat.count,
        csat_average: csat.average(),
        reports,
        ratings,
    }
}

/// The customer-side tasks of `plan` the client reported done or stuck and
/// the vendor has not confirmed (`reported: true`), in plan order.
fn reports(plan: &Plan, default: &crate::lang::Lang) -> Vec<Reported> {
    plan.visible()
        .filter(|i| i.kind == Kind::Task && i.reported)
        .filter_map(|i| {
            let status = match i.status {
                Status::Done => "done",
                Status::Blocked => "stuck",
                _ => return None,
            };
            Some(Reported {
                task: i.id.clone(),
                title: i.text(default, default).0.title.clone(),
                status,
                on: i.reported_on,
                by: i.by.clone(),
            })
        })
        .collect()
}

/// The customer's milestone ratings, each with its milestone's title.
fn ratings(site: &Site, customer: &Customer, plan: &Plan) -> Vec<Rated> {
    let default = &site.config.default_language;
    let Some(given) = site.feedback.ratings.get(&customer.id) else {
        return Vec::new();
    };
    given
        .iter()
        .map(|r| {
            let found = plan
                .items
                .iter()
                .enumerate()
                .find(|(_, i)| i.kind == Kind::Milestone && i.id == r.milestone);
            let (place, title) = found.map_or_else(
                || (usize::MAX, r.milestone.clone()),
                |(n, m)| (n, m.text(default, default).0.title.clone()),
            );
            Rated {
                milestone: r.milestone.clone(),
                title,
                rating: r.rating,
                comment: r.comment.clone(),
                by: r.by.clone(),
                on: r.on,
                place,
            }
        })
        .collect()
}

/// The rows of every customer planned in `plans` (by index into
/// `site.customers`), in the order of the customer files.
pub(crate) fn rows(site: &Site, plans: &[Option<Plan>], today: Date) -> Vec<CustomerRow> {
    site.customers
        .iter()
        .zip(plans)
        .filter_map(|(c, p)| Some(row(site, c, p.as_ref()?, today)))
        .collect()
}

/// Done in whole percent, rounded down; a plan without tasks is all done once finished.
fn percent(done: usize, total: usize, finished: bool) -> u32 {
    if total == 0 {
        return if finished { 100 } else { 0 };
    }
    u32::try_from(done * 100 / total).unwrap_or(100)
}

/// The vendor-side owner of a customer: its role id and person (see the module's header).
pub(crate) fn owner<'a>(
    playbook: &'a Playbook,
    customer: &'a Customer,
) -> Option<(&'a str, &'a crate::model::Person)> {
    let filled = |role: &'a str| customer.team.get(role).map(|p| (role, p));
    playbook
        .contact_role()
        .filter(|(_, r)| r.side == Side::Vendor)
        .and_then(|(id, _)| filled(id))
        .or_else(|| {
            playbook
                .roles
                .iter()
                .filter(|(_, r)| r.side == Side::Vendor)
                .find_map(|(id, _)| filled(id))
        })
}

impl CustomerRow {
    /// Calendar days from the kickoff to the go-live, for a finished onboarding.
    pub fn days_to_go_live(&self) -> Option<i64> {
        self.finished
            .then(|| days_between(self.kickoff, self.go_live_forecast))
    }

    /// Tasks still open, internal ones included.
    pub fn open_tasks(&self) -> usize {
        self.tasks_total - self.tasks_done
    }

    /// Where the row stands in the dashboard's first order: late, at risk, on
    /// track, then finished.
    pub(crate) fn urgency(&self) -> u8 {
        match (self.finished, self.outlook) {
            (false, Outlook::Late) => 0,
            (false, Outlook::AtRisk) => 1,
            (false, Outlook::OnTrack) => 2,
            (true, _) => 3,
        }
    }

    /// What rows are grouped by for the per-owner roll-up: the owner's e-mail
    /// address (one person on several playbooks), else the name; `""` for none.
    pub fn owner_key(&self) -> String {
        match (&self.owner_email, &self.owner_name) {
            (Some(email), _) => email.to_lowercase(),
            (None, Some(name)) => name.clone(),
            (None, None) => String::new(),
        }
    }
}

/// Figures over a group of rows (a playbook's customers, an owner's).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RollUp {
    /// What the rows have in common: a playbook id, an owner key (`""` for none).
    pub key: String,
    /// How to show it: the playbook's title, the owner's name.
    pub label: String,
    /// Customers in the group.
    pub customers: usize,
    /// Of them, finished.
    pub finished: usize,
    /// Unfinished and on track.
    pub on_track: usize,
    /// Unfinished and at risk.
    pub at_risk: usize,
    /// Unfinished and late.
    pub late: usize,
    /// Open tasks across the group, internal ones included.
    pub open_tasks: usize,
    /// Overdue tasks across the group.
    pub overdue: usize,
    /// The median of calendar days from kickoff to go-live over the finished
    /// customers (the mean of the middle two, rounded up, for an even count);
    /// `None` when none has finished.
    pub median_days_to_go_live: Option<i64>,
    /// Tasks reported by the group's clients and not confirmed.
    pub reported_unconfirmed: usize,
    /// Milestone ratings the group's clients gave.
    pub csat_count: usize,
    /// Their average, to two decimals; none without ratings.
    pub csat_average: Option<f64>,
}

/// The rows grouped by `key` (which gives each row's key and label), in key
/// order. One pass over the rows and a sort of each group's durations.
pub fn roll_up<'a>(
    rows: impl IntoIterator<Item = &'a CustomerRow>,
    key: impl Fn(&CustomerRow) -> (String, String),
) -> Vec<RollUp> {
    let mut groups: std::collections::BTreeMap<String, (RollUp, Vec<i64>, Csat)> =
        std::collections::BTreeMap::new();
    for row in rows {
        let (k, label) = key(row);
        let (group, days, csat) = groups.entry(k.clone()).or_insert_with(|| {
            (
                RollUp {
                    key: k,
                    label,
                    ..RollUp::default()
                },
                Vec::new(),
                Csat::default(),
            )
        });
        group.reported_unconfirmed += row.reported_unconfirmed;
        for r in &row.ratings {
            csat.add(r.rating);
        }
        group.customers += 1;
        group.open_tasks += row.open_tasks();
        group.overdue += row.overdue;
        match row.urgency() {
            0 => group.late += 1,
            1 => group.at_risk += 1,
            2 => group.on_track += 1,
            _ => group.finished += 1,
        }
        days.extend(row.days_to_go_live());
    }
    groups
        .into_values()
        .map(|(mut group, mut days, csat)| {
            group.median_days_to_go_live = median(&mut days);
            group.csat_count = csat.count;
            group.csat_average = csat.average();
            group
        })
        .collect()
}

/// The median, the mean of the middle two rounded up for an even count.
fn median(values: &mut [i64]) -> Option<i64> {
    values.sort_unstable();
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => {
            let (a, b) = (values[n / 2 - 1], values[n / 2]);
            Some(a + (b - a + 1) / 2)
        }
    }
}

/// Dates as ISO `YYYY-MM-DD` text, for serde.
mod iso {
    use jiff::civil::Date;
    use serde::Serializer;

    pub(super) fn date<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(d)
    }

    pub(super) fn option<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.collect_str(d),
            None => s.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::{BuildOptions, plan_one};
    use crate::diagnostic::Diagnostics;
    use crate::text::TextEngine;

    const TODAY: Date = jiff::civil::date(2027, 1, 20);

    /// The starter site with `customer` (YAML) as its one customer, resolved
    /// and planned for [`TODAY`].
    fn row_of(extra: &str) -> CustomerRow {
        row_with(extra, &[])
    }

    /// [`row_of`] with more files (path, text) in the site.
    fn row_with(extra: &str, files: &[(&str, &str)]) -> CustomerRow {
        let mut tree = crate::init::starter_tree();
        let path = "customers/example-customer.yaml";
        let text =
            String::from_utf8(tree.get(path).expect("starter customer").to_vec()).expect("UTF-8");
        tree.insert(path, format!("{text}{extra}"));
        for (path, text) in files {
            tree.insert(*path, text.to_string());
        }
        let options = BuildOptions::for_tests(TODAY);
        let mut d = Diagnostics::new();
        let site = crate::resolve::resolve(&tree, Vec::new(), &options, &mut d).expect("resolves");
        let engine = TextEngine::new();
        let customer = &site.customers[0];
        let plan = plan_one(&site, customer, &options, &engine, &mut d).expect("plans");
        assert!(!d.has_errors(), "{d:?}");
        row(&site, customer, &plan, TODAY)
    }

    #[test]
    fn a_row_counts_every_task_and_names_the_vendor_side_owner() {
        let row = row_of("");
        assert_eq!(row.customer, "example-customer");
        assert!(row.tasks_total > 0);
        assert!(row.tasks_done <= row.tasks_total);
        assert_eq!(
            row.percent_done as usize,
            row.tasks_done * 100 / row.tasks_total
        );
        assert_eq!(row.owner_role.as_deref(), Some("csm"), "{row:#?}");
        assert!(row.owner_name.is_some());
        assert_eq!(row.days_since_kickoff, days_between(row.kickoff, TODAY));
        assert!(row.go_live_forecast >= row.go_live_planned);
        // Far past the example's kickoff with work open: late.
        assert_eq!(row.risk, "late");
        assert!(!row.finished && row.days_to_go_live().is_none());
        assert!(row.next_milestone.is_some() && row.next_milestone_title.is_some());
    }

    #[test]
    fn rows_serialize_with_iso_dates_and_without_the_portal() {
        let row = row_of("");
        let json = serde_json::to_value(&row).expect("serializes");
        assert_eq!(json["kickoff"], row.kickoff.to_string());
        assert!(
            json["go_live_planned"]
                .as_str()
                .is_some_and(|s| s.len() == 10)
        );
        assert!(json.get("portal").is_none() && json.get("outlook").is_none());
        assert_eq!(json["risk"], "late");
    }

    fn sample(id: &str, finished: bool, days: i64, outlook: Outlook) -> CustomerRow {
        let kickoff = jiff::civil::date(2026, 1, 1);
        CustomerRow {
            customer: id.into(),
            name: id.into(),
            playbook: "p".into(),
            playbook_title: "P".into(),
            owner_role: None,
            owner_name: Some("Ann".into()),
            owner_email: Some("Ann@X.example".into()),
            percent_done: 0,
            tasks_done: 1,
            tasks_total: 4,
            internal_open: 0,
            overdue: 2,
            blocked: 0,
            next_milestone: None,
            next_milestone_title: None,
            next_milestone_planned: None,
            next_milestone_forecast: None,
            kickoff,
            go_live_planned: kickoff,
            go_live_forecast: kickoff.checked_add(jiff::Span::new().days(days)).unwrap(),
            late_days: 0,
            risk: outlook.as_str(),
            days_since_kickoff: 0,
            finished,
            outlook,
            portal: String::new(),
            encrypted: false,
            reported_unconfirmed: 0,
            csat_count: 0,
            csat_average: None,
            reports: Vec::new(),
            ratings: Vec::new(),
        }
    }

    #[test]
    fn roll_ups_count_risks_and_take_the_median_of_finished_customers() {
        let rows = [
            sample("a", true, 30, Outlook::OnTrack),
            sample("b", true, 41, Outlook::OnTrack),
            sample("c", false, 500, Outlook::Late),
            sample("d", false, 5, Outlook::AtRisk),
        ];
        let groups = roll_up(&rows, |r| (r.owner_key(), r.owner_name.clone().unwrap()));
        assert_eq!(groups.len(), 1);
        let g = &groups[0];
        assert_eq!(g.key, "ann@x.example");
        assert_eq!(
            (g.customers, g.finished, g.late, g.at_risk, g.on_track),
            (4, 2, 1, 1, 0)
        );
        assert_eq!(g.open_tasks, 12);
        assert_eq!(g.overdue, 8);
        // (30 + 41) / 2 = 35.5, rounded up; the unfinished ones do not count.
        assert_eq!(g.median_days_to_go_live, Some(36));
        let odd = roll_up(&rows[..1], |r| {
            (r.playbook.clone(), r.playbook_title.clone())
        });
        assert_eq!(odd[0].median_days_to_go_live, Some(30));
        let none = roll_up(&rows[2..], |r| {
            (r.playbook.clone(), r.playbook_title.clone())
        });
        assert_eq!(none[0].median_days_to_go_live, None);
    }

    #[test]
    fn csat_averages_to_two_decimals_and_is_none_without_ratings() {
        let mut csat = Csat::default();
        assert_eq!(csat.average(), None);
        for r in [4, 5, 5] {
            csat.add(r);
        }
        assert_eq!((csat.count, csat.total), (3, 14));
        assert_eq!(csat.average(), Some(4.67));
        let mut rows = [
            sample("a", false, 0, Outlook::Late),
            sample("b", false, 0, Outlook::Late),
        ];
        let rated = |rating| Rated {
            milestone: "m".into(),
            title: "M".into(),
            rating,
            comment: String::new(),
            by: String::new(),
            on: jiff::civil::date(2026, 1, 1),
            place: 0,
        };
        rows[0].ratings = vec![rated(1), rated(2)];
        rows[1].ratings = vec![rated(5)];
        rows[1].reported_unconfirmed = 2;
        let groups = roll_up(&rows, |r| (r.playbook.clone(), r.playbook_title.clone()));
        // Every rating weighs the same, not every customer: 8 / 3.
        assert_eq!(groups[0].csat_average, Some(2.67));
        assert_eq!(groups[0].csat_count, 3);
        assert_eq!(groups[0].reported_unconfirmed, 2);
    }

    #[test]
    fn a_row_lists_reported_customer_side_tasks_and_rated_milestones() {
        let row = row_of("");
        assert!(row.reports.is_empty() && row.ratings.is_empty());
        assert_eq!(
            (row.reported_unconfirmed, row.csat_count, row.csat_average),
            (0, 0, None)
        );
        let customer = "customers/example-customer.yaml";
        let text = String::from_utf8(crate::init::starter_tree().get(customer).unwrap().to_vec())
            .unwrap()
            .replace(
                "kickoff: { status: in-progress }",
                "kickoff: { status: done, on: 2026-12-02 }\n  account: { status: done, on: 2026-12-03, reported: true, by: Alex }\n  sso: { status: blocked, note: no IdP, on: 2026-12-04, reported: true }",
            );
        let row = row_with(
            "",
            &[
                (customer, &text),
                (
                    "feedback/example-customer.yaml",
                    "ratings:\n  - { milestone: go-live, rating: 3, on: 2026-12-05, comment: ok }\n",
                ),
            ],
        );
        let reports: Vec<_> = row
            .reports
            .iter()
            .map(|r| (r.task.as_str(), r.status, r.by.as_str()))
            .collect();
        assert_eq!(reports, [("account", "done", "Alex"), ("sso", "stuck", "")]);
        assert_eq!(row.reports[0].on, Some(jiff::civil::date(2026, 12, 3)));
        assert_eq!(row.reported_unconfirmed, 2);
        assert_eq!((row.csat_count, row.csat_average), (1, Some(3.0)));
        assert_eq!(row.ratings[0].comment, "ok");
        assert_ne!(
            row.ratings[0].title, "go-live",
            "the milestone's title, not its id"
        );
    }

    #[test]
    fn percent_is_rounded_down_so_100_means_all_closed() {
        assert_eq!(percent(199, 200, false), 99);
        assert_eq!(percent(200, 200, true), 100);
        assert_eq!(percent(0, 0, true), 100);
        assert_eq!(percent(0, 0, false), 0);
    }
}
