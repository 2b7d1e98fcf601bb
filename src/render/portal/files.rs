//! The portal's files other than pages: the calendars (`calendar.ics`, and
//! `calendar-<role>.ics` for each role's own tasks) and the machine-readable plan
//! (`plan.json`), all in the customer's language.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;

use crate::ics;
use crate::lang::Lang;
use crate::locale::Locale;
use crate::model::{Customer, Playbook};
use crate::offset::Offset;
use crate::plan::{Item, Kind, Plan, pick};
use crate::raw::{Side, Status};
use crate::render::RenderInput;

/// One calendar file of a portal: its path under the portal's folder and its text.
pub(super) struct CalendarFile {
    pub name: String,
    pub text: String,
}

/// The name of the calendar of `role`'s tasks in a portal's folder.
pub(super) fn role_calendar_name(role: &str) -> String {
    format!("calendar-{role}.ics")
}

/// The roles with a calendar of their own: those that own a task the customer
/// sees, in the playbook's order. Role ids are valid ids (`ids::is_valid_id`), so
/// they stand in file names and addresses as they are.
pub(super) fn calendar_roles<'a>(playbook: &'a Playbook, plan: &Plan) -> Vec<&'a str> {
    playbook
        .roles
        .keys()
        .map(String::as_str)
        .filter(|role| {
            plan.visible()
                .any(|i| i.kind == Kind::Task && i.owner.as_deref() == Some(*role))
        })
        .collect()
}

/// The calendars, in the customer's language: `calendar.ics` with every item the
/// customer sees, then one per role in [`calendar_roles`] with that role's tasks.
pub(super) fn calendars(
    input: &RenderInput<'_>,
    customer: &Customer,
    playbook: &Playbook,
    plan: &Plan,
    dir: &str,
) -> Vec<CalendarFile> {
    let words = Words::new(input, customer, dir);
    let events: Vec<(Option<&str>, ics::Event)> = plan
        .visible()
        .map(|item| {
            let owner = (item.kind == Kind::Task)
                .then_some(item.owner.as_deref())
                .flatten();
            (owner, words.event(playbook, item))
        })
        .collect();
    let lang = &customer.language;
    let default = &input.site.config.default_language;
    let title = format!(
        "{} — {}",
        customer.name,
        pick(&plan.title, lang, default).0.title
    );
    let stamp = ics::stamp(plan.kickoff);
    // Each event is written once, for the calendar of all tasks and its role's.
    let written: Vec<(Option<&str>, String)> = events
        .iter()
        .map(|(owner, event)| (*owner, ics::write_one(event, &stamp)))
        .collect();
    let mut files = vec![CalendarFile {
        name: "calendar.ics".to_string(),
        text: ics::assemble(&title, written.iter().map(|(_, e)| e.as_str())),
    }];
    for role in calendar_roles(playbook, plan) {
        let own = written
            .iter()
            .filter(|(owner, _)| *owner == Some(role))
            .map(|(_, e)| e.as_str());
        let role_title = playbook
            .roles
            .get(role)
            .map(|r| r.title.get(lang).0)
            .unwrap_or(role);
        files.push(CalendarFile {
            name: role_calendar_name(role),
            text: ics::assemble(&format!("{title} — {role_title}"), own),
        });
    }
    files
}

/// What a portal's calendar events are made of besides the plan: the customer,
/// the site, and the interface text of the customer's language.
struct Words<'a> {
    customer: &'a Customer,
    lang: &'a Lang,
    default: &'a Lang,
    locale: &'a Locale,
    base_url: &'a str,
    dir: &'a str,
    /// The host part of the site's address, for event UIDs.
    host: String,
    today: Date,
    reminders: Option<Offset>,
    strings: Option<&'a BTreeMap<String, String>>,
}

impl<'a> Words<'a> {
    fn new(input: &'a RenderInput<'_>, customer: &'a Customer, dir: &'a str) -> Words<'a> {
        let site = input.site;
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
        Words {
            customer,
            lang: &customer.language,
            default: &site.config.default_language,
            locale: input.locale(&customer.language),
            base_url: &site.config.base_url,
            dir,
            host,
            today: input.today,
            reminders: site.config.reminders,
            strings: site.theme.strings.get(&customer.language),
        }
    }

    /// The interface text `key` in the customer's language, else `fallback`.
    fn string(&self, key: &str, fallback: &'a str) -> &str {
        self.strings
            .and_then(|s| s.get(key))
            .map_or(fallback, String::as_str)
    }

    /// The event of one item: on its expected date, its title marked when it is
    /// done or skipped (and a skipped one cancelled), with a reminder when it is a
    /// customer-side task still to do.
    fn event(&self, playbook: &Playbook, item: &Item) -> ics::Event {
        let (text, filed) = item.text(self.lang, self.default);
        let title = &text.title;
        let title_lang = text.title_lang(filed);
        let summary = match item.status {
            Status::Done => self.string("calendar_done", "✓ {title}"),
            Status::Skipped => self.string("calendar_skipped", "Skipped: {title}"),
            _ => "{title}",
        }
        .replace("{title}", title);
        let (dir, base_url) = (self.dir, self.base_url);
        ics::Event {
            uid: format!("{}-{}@{}", self.customer.id, item.id, self.host),
            date: item.forecast_due,
            summary,
            summary_lang: (title_lang != self.lang).then(|| title_lang.as_str().to_string()),
            description: self.description(playbook, item),
            url: Some(match item.kind {
                Kind::Task => format!("{base_url}/{dir}checklist/#task-{}", item.id),
                Kind::Milestone => format!("{base_url}/{dir}#milestone-{}", item.id),
            }),
            categories: vec![match item.kind {
                Kind::Task => "task".to_string(),
                Kind::Milestone => "milestone".to_string(),
            }],
            cancelled: item.status == Status::Skipped,
            alarm: self.alarm(item, title),
        }
    }

    /// The owner, the note, and the planned date when the event is not on it.
    fn description(&self, playbook: &Playbook, item: &Item) -> String {
        let lang = self.lang;
        let owner = item.owner.as_ref().map(|o| {
            let role = playbook
                .roles
                .get(o)
                .map(|r| r.title.get(lang).0.to_string())
                .unwrap_or_default();
            match self.customer.team.get(o) {
                Some(p) => format!("{} ({role})", p.name),
                None => role,
            }
        });
        let mut lines: Vec<String> = Vec::new();
        lines.extend(owner.filter(|o| !o.is_empty()));
        if !item.note.is_empty() {
            lines.push(item.note.clone());
        }
        // The event is on the expected date (a done task's real one); one not
        // done yet names its planned date.
        if item.forecast_due != item.due && !item.status.is_closed() {
            lines.push(
                self.string(
                    "planned_expected",
                    "planned {planned} → expected {expected}",
                )
                .replace("{planned}", &self.locale.date(item.due))
                .replace("{expected}", &self.locale.date(item.forecast_due)),
            );
        }
        lines.join("\n")
    }

    /// The reminder of a customer-side task still to do: `[reminders] before` its
    /// expected due date, counted on the customer's business days. None when
    /// reminders are off, or when that day is already past (an import would only
    /// raise it as missed).
    fn alarm(&self, item: &Item, title: &str) -> Option<ics::Alarm> {
        let before = self.reminders?;
        if item.kind != Kind::Task || item.side != Some(Side::Customer) || item.status.is_closed() {
            return None;
        }
        let day = self.customer.calendar.before(item.forecast_due, before);
        (day >= self.today).then(|| ics::Alarm {
            day,
            description: self
                .string("reminder_due", "Due {date}: {title}")
                .replace("{date}", &self.locale.date(item.forecast_due))
                .replace("{title}", title),
        })
    }
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
            action: (i.kind == Kind::Task && i.side == Some(Side::Customer))
                .then(|| i.action.as_str()),
            after: i
                .after
                .iter()
                .map(String::as_str)
                .filter(|a| visible.contains(a))
                .collect(),
            by: (!i.by.is_empty()).then_some(i.by.as_str()),
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
            reported: i.reported,
            reported_on: i.reported_on.map(|d| d.to_string()),
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
    /// How the client finishes a customer-side task in the portal: `done`,
    /// `approve` or `acknowledge`.
    action: Option<&'static str>,
    after: Vec<&'a str>,
    /// Who approved, acknowledged or reported it (`by:`), when given.
    by: Option<&'a str>,
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
    /// Reported by the client, not yet confirmed by the vendor.
    reported: bool,
    /// The day of a reported or approved status.
    reported_on: Option<String>,
    side: Option<&'static str>,
    start: String,
    status: &'static str,
    title: &'a str,
}
