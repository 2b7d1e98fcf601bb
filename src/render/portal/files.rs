//! The portal's files other than pages: the calendar (`calendar.ics`) and the
//! machine-readable plan (`plan.json`), both in the customer's language.

use std::collections::BTreeSet;

use crate::ics;
use crate::model::{Customer, Playbook};
use crate::plan::{Item, Kind, Plan, pick};
use crate::raw::Side;
use crate::render::RenderInput;

/// The calendar, in the customer's language.
pub(super) fn calendar(
    input: &RenderInput<'_>,
    customer: &Customer,
    playbook: &Playbook,
    plan: &Plan,
    dir: &str,
) -> String {
    let site = input.site;
    let lang = &customer.language;
    let default = &site.config.default_language;
    let locale = input.locale(lang);
    let planned_expected = site
        .theme
        .strings
        .get(lang)
        .and_then(|s| s.get("planned_expected"))
        .map_or("planned {planned} → expected {expected}", String::as_str);
    let host = site
        .config
        .base_url
        .split("://")
        .nth(1)
        .unwrap_or("gangway")
        .split('/')
        .next()
        .unwrap_or("gangway")
        .to_string();
    let events: Vec<ics::Event> = plan
        .visible()
        .map(|item| {
            let owner = item
                .owner
                .as_ref()
                .map(|o| {
                    let role = playbook
                        .roles
                        .get(o)
                        .map(|r| r.title.get(lang).0.to_string())
                        .unwrap_or_default();
                    match customer.team.get(o) {
                        Some(p) => format!("{} ({role})", p.name),
                        None => role,
                    }
                })
                .unwrap_or_default();
            let mut description = String::new();
            if !owner.is_empty() {
                description.push_str(&owner);
            }
            if !item.note.is_empty() {
                if !description.is_empty() {
                    description.push('\n');
                }
                description.push_str(&item.note);
            }
            // The event is on the expected date (a done task's real one); one not
            // done yet names its planned date.
            if item.forecast_due != item.due && !item.status.is_closed() {
                if !description.is_empty() {
                    description.push('\n');
                }
                description.push_str(
                    &planned_expected
                        .replace("{planned}", &locale.date(item.due))
                        .replace("{expected}", &locale.date(item.forecast_due)),
                );
            }
            ics::Event {
                uid: format!("{}-{}@{host}", customer.id, item.id),
                date: item.forecast_due,
                summary: item.text(lang, default).0.title.clone(),
                description,
                url: Some(match item.kind {
                    Kind::Task => {
                        format!("{}/{dir}checklist/#task-{}", site.config.base_url, item.id)
                    }
                    Kind::Milestone => {
                        format!("{}/{dir}#milestone-{}", site.config.base_url, item.id)
                    }
                }),
                categories: vec![match item.kind {
                    Kind::Task => "task".to_string(),
                    Kind::Milestone => "milestone".to_string(),
                }],
            }
        })
        .collect();
    let name = format!(
        "{} — {}",
        customer.name,
        pick(&plan.title, lang, default).0.title
    );
    ics::write(&ics::Calendar {
        name: &name,
        stamp: plan.kickoff,
        events: &events,
    })
}

/// The machine-readable plan, in the customer's language.
pub(super) fn plan_json<'p>(
    input: &'p RenderInput<'_>,
    customer: &'p Customer,
    playbook: &'p Playbook,
    plan: &'p Plan,
) -> String {
    let lang = &customer.language;
    let default = &input.site.config.default_language;
    let visible: BTreeSet<&str> = plan.visible().map(|i| i.id.as_str()).collect();
    let item = |i: &'p Item| -> PlanItem<'p> {
        PlanItem {
            after: i
                .after
                .iter()
                .map(String::as_str)
                .filter(|a| visible.contains(a))
                .collect(),
            critical: i.critical,
            done_on: i.done_on.map(|d| d.to_string()),
            due: i.due.to_string(),
            faq: &i.faq,
            forecast_due: i.forecast_due.to_string(),
            forecast_start: i.forecast_start.to_string(),
            guides: &i.guides,
            id: &i.id,
            kind: match i.kind {
                Kind::Task => "task",
                Kind::Milestone => "milestone",
            },
            late_days: i.late_days,
            note: (!i.note.is_empty()).then_some(i.note.as_str()),
            overdue: i.overdue,
            owner_name: i
                .owner
                .as_ref()
                .and_then(|o| customer.team.get(o))
                .map(|p| p.name.as_str()),
            owner_role: i.owner.as_deref(),
            side: i.side.map(Side::as_str),
            start: i.start.to_string(),
            status: i.status.as_str(),
            title: &i.text(lang, default).0.title,
        }
    };
    let (done, total) = plan.progress();
    let file = PlanFile {
        customer: &customer.name,
        end: plan.end.to_string(),
        forecast_end: plan.forecast_end.to_string(),
        format: "gangway-plan/1",
        kickoff: plan.kickoff.to_string(),
        language: customer.language.as_str(),
        late_days: plan.late_days,
        milestones: plan
            .visible()
            .filter(|i| i.kind == Kind::Milestone)
            .map(item)
            .collect(),
        phases: playbook
            .phases
            .iter()
            .enumerate()
            .map(|(n, p)| PlanPhase {
                id: &p.id,
                tasks: plan
                    .visible()
                    .filter(|i| i.phase == Some(n))
                    .map(item)
                    .collect(),
                title: plan
                    .phases
                    .get(n)
                    .map(|t| pick(t, lang, default).0.title.as_str()),
            })
            .collect(),
        playbook: &playbook.id,
        progress: Progress { done, total },
        risk: plan.outlook(input.site.config.late_after_days).as_str(),
        timezone: customer.timezone.as_deref(),
        today: input.today.to_string(),
    };
    let mut out = serde_json::to_string_pretty(&file).unwrap_or_default();
    out.push('\n');
    out
}

/// `plan.json`, written straight from borrowed values: building a
/// `serde_json::Value` first cost as much as rendering the portal's pages.
/// Fields are in alphabetical order, as the format has always listed them.
#[derive(serde::Serialize)]
struct PlanFile<'a> {
    customer: &'a str,
    end: String,
    /// When the plan is expected to finish, given the work that is late.
    forecast_end: String,
    format: &'static str,
    kickoff: String,
    language: &'a str,
    /// Working days `forecast_end` is after `end`.
    late_days: i64,
    milestones: Vec<PlanItem<'a>>,
    phases: Vec<PlanPhase<'a>>,
    playbook: &'a str,
    progress: Progress,
    /// `on-track`, `at-risk` or `late` (`[forecast] late_after_days`).
    risk: &'static str,
    timezone: Option<&'a str>,
    today: String,
}
#[derive(serde::Serialize)]
struct Progress {
    done: usize,
    total: usize,
}
#[derive(serde::Serialize)]
struct PlanPhase<'a> {
    id: &'a str,
    tasks: Vec<PlanItem<'a>>,
    title: Option<&'a str>,
}
#[derive(serde::Serialize)]
struct PlanItem<'a> {
    after: Vec<&'a str>,
    critical: bool,
    done_on: Option<String>,
    due: String,
    faq: &'a [String],
    /// The expected dates (the planned ones when nothing before is late).
    forecast_due: String,
    forecast_start: String,
    guides: &'a [String],
    id: &'a str,
    kind: &'static str,
    late_days: i64,
    note: Option<&'a str>,
    overdue: bool,
    owner_name: Option<&'a str>,
    owner_role: Option<&'a str>,
    side: Option<&'static str>,
    start: String,
    status: &'static str,
    title: &'a str,
}
