//! `gangway digest`: what each person should hear today, from every
//! customer's plan ([`crate::build::plan_customers`]), as data ([`Digest`])
//! that [`markdown`], [`html`], [`json`] and [`eml()`] write out.
//!
//! Who hears what:
//! - each person in a customer's `team:` holding a customer-side role hears of
//!   the tasks their roles own, in the customer's language, and of the
//!   customer's milestones expected later than planned. Internal tasks never
//!   reach a customer-side digest;
//! - each person holding a vendor-side role hears of their tasks across all
//!   their customers (internal ones included), in the site's default language;
//!   the same address in several customers is one recipient. The holder of the
//!   contact role (`contact: true`) also hears of every task of their customers
//!   that is overdue or blocked, whoever owns it, and of late milestones.
//!
//! The customer's owner (the vendor-side person [`crate::roster`] names) also
//! hears what the client said since `since` (the working day before today
//! unless `--since` says), up to today: the tasks the client reported done or
//! stuck from the portal (`reported: true`, by their `on`), and the
//! milestone ratings of `feedback/<customer>.yaml`, comments included (the
//! client's text, escaped as every value is).
//!
//! Each task is said once, in the first section that fits: reported by the
//! client, blocked (with its
//! note), overdue, newly unblocked (every task it waits for is closed, the last
//! of them done since the previous working day, or `since`), due within
//! `within_days` working days, expected later than planned (its forecast due
//! date is after the planned one). Nothing keeps state between runs, so a
//! forecast is reported as "expected later than planned", not as a change.
//!
//! Pure: the day comes in with the options; nothing is sent or printed.

mod eml;
mod format;

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use rustc_hash::FxHashMap as HashMap;

use crate::build::Planned;
use crate::calendar::WorkCalendar;
use crate::diagnostic::{Code, Diagnostic};
use crate::lang::Lang;
use crate::model::{Customer, Playbook, Site};
use crate::plan::{Item, Kind, Plan};
use crate::raw::{Side, Status};

pub use crate::config::Mailbox;
pub use eml::eml;
pub use format::{html, json, markdown, plain};

/// Working days ahead a task counts as due soon, unless `[digest] within_days`
/// or `--within` says.
pub const DEFAULT_WITHIN_DAYS: u32 = 3;

/// What to make digests of.
#[derive(Clone, Debug, Default)]
pub struct Request {
    /// Only this customer (by id).
    pub customer: Option<String>,
    /// Only this person: a role id or an e-mail address.
    pub owner: Option<String>,
    /// Working days ahead a task counts as due soon.
    pub within_days: Option<u32>,
    /// What counts as newly unblocked (closed on or after this day), and from
    /// when what the client reported and rated is told (default: the working
    /// day before today).
    pub since: Option<Date>,
}

/// Why no digest could be made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refused {
    /// The site has errors (they are in [`Planned::diagnostics`]).
    SiteHasErrors,
    /// `--customer` names no customer.
    UnknownCustomer {
        /// What was asked for.
        given: String,
        /// "did you mean …?", when a customer is close.
        help: Option<String>,
    },
    /// `--owner` names no role nor address of anyone with a digest.
    UnknownOwner {
        /// What was asked for.
        given: String,
        /// "did you mean …?", when one is close.
        help: Option<String>,
    },
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (what, given, help) = match self {
            Refused::SiteHasErrors => return write!(f, "the site has errors"),
            Refused::UnknownCustomer { given, help } => ("no customer is called", given, help),
            Refused::UnknownOwner { given, help } => ("no role or e-mail address is", given, help),
        };
        write!(f, "{what} `{given}`")?;
        if let Some(help) = help {
            write!(f, "; {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Refused {}

/// Every digest of a day.
#[derive(Clone, Debug)]
pub struct Digest {
    /// The day it is for.
    pub today: Date,
    /// Tasks whose last dependency closed on or after this day are newly
    /// unblocked, and what the client reported or rated from this day on is told.
    pub since: Date,
    /// Working days ahead a task counts as due soon.
    pub within_days: u32,
    /// One per recipient with something to hear, vendor people first, then by
    /// customer; each recipient once.
    pub messages: Vec<Message>,
    /// Recipients with nothing to hear today (no message is made for them).
    pub quiet: Vec<String>,
    /// Problems worth a warning: recipients without an e-mail address.
    pub warnings: Vec<Diagnostic>,
    /// The sender of e-mail files: `[digest] from`, else the vendor's support address.
    pub from: Option<Mailbox>,
}

/// One recipient's digest, its words already in the recipient's language.
#[derive(Clone, Debug)]
pub struct Message {
    /// Who it is for.
    pub recipient: Recipient,
    /// The language it is written in.
    pub language: String,
    /// The e-mail subject and page title.
    pub subject: String,
    /// "Hello Ada,".
    pub greeting: String,
    /// The sentence before the sections.
    pub intro: String,
    /// The sentence after them.
    pub footer: String,
    /// The sections with something in them, in a fixed order.
    pub sections: Vec<Section>,
}

/// Someone who receives a digest.
#[derive(Clone, Debug)]
pub struct Recipient {
    /// Their name (the role's title when the team names nobody).
    pub name: String,
    /// Their e-mail address, if the customer file gives one.
    pub email: Option<String>,
    /// `vendor` or `customer`.
    pub side: &'static str,
    /// The roles they hold, by id.
    pub roles: Vec<String>,
    /// The customers they work with, by id.
    pub customers: Vec<String>,
    /// A file name for their digest, without extension: safe on every file
    /// system, unique within the digest.
    pub file_stem: String,
}

/// What a section of a digest is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SectionKind {
    /// Tasks the client reported done or stuck from the portal since `since`.
    Reported,
    /// Milestone ratings the client gave since `since`.
    Rated,
    /// Tasks that cannot go on, with their notes.
    Blocked,
    /// Tasks past their due date.
    Overdue,
    /// Tasks whose dependencies just closed.
    Unblocked,
    /// Tasks due within a few working days.
    DueSoon,
    /// Tasks and milestones whose forecast is later than their plan.
    ExpectedLater,
}

impl SectionKind {
    /// The name in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            SectionKind::Reported => "reported",
            SectionKind::Rated => "rated",
            SectionKind::Blocked => "blocked",
            SectionKind::Overdue => "overdue",
            SectionKind::Unblocked => "unblocked",
            SectionKind::DueSoon => "due_soon",
            SectionKind::ExpectedLater => "expected_later",
        }
    }
}

/// A section of a message.
#[derive(Clone, Debug)]
pub struct Section {
    /// What it is about.
    pub kind: SectionKind,
    /// Its heading in the message's language.
    pub heading: String,
    /// The tasks and milestones, by due date, then customer, then id.
    pub entries: Vec<Entry>,
}

/// One task or milestone in a section.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The customer's id and name.
    pub customer: String,
    /// The customer's name.
    pub customer_name: String,
    /// The task's or milestone's id.
    pub id: String,
    /// `task` or `milestone`.
    pub kind: &'static str,
    /// Its title in the message's language (or the default language).
    pub title: String,
    /// The role that owns it (none for a milestone).
    pub owner: Option<String>,
    /// Its status as written in customer files (`in-progress`).
    pub status: &'static str,
    /// The planned due date.
    pub due: Date,
    /// The forecast due date.
    pub expected: Date,
    /// Working days the forecast is after the plan.
    pub late_days: i64,
    /// Days past the due date (0 when not overdue).
    pub days_overdue: i64,
    /// When the last task it waited for was done (newly unblocked tasks).
    pub ready_since: Option<Date>,
    /// The blocked note, a rating's comment, or empty.
    pub note: String,
    /// Who reported, approved or rated it, as they gave their name, or empty.
    pub by: String,
    /// When the client reported it, or rated (reported and rated entries).
    pub reported_on: Option<Date>,
    /// The rating, 1 to 5 (rated entries; their `id` is the milestone's).
    pub rating: Option<u8>,
    /// The facts to show after the title, in the message's language ("due 3
    /// Dec 2026", "11 days overdue", the customer and owner for vendor digests).
    pub details: Vec<String>,
}

/// Makes every digest of `planned` for its day, as `request` narrows it.
pub fn digest(
    planned: &Planned,
    options: &crate::options::BuildOptions,
    request: &Request,
) -> Result<Digest, Refused> {
    let Some(site) = planned.site.as_ref().filter(|_| !planned.has_errors()) else {
        return Err(Refused::SiteHasErrors);
    };
    if let Some(given) = &request.customer
        && !site.customers.iter().any(|c| &c.id == given)
    {
        let help = crate::suggest::hint(given, site.customers.iter().map(|c| c.id.as_str()));
        return Err(Refused::UnknownCustomer {
            given: given.clone(),
            help,
        });
    }
    let today = options.today;
    let since = request
        .since
        .unwrap_or_else(|| previous_working_day(&site.config.calendar, today));
    let within_days = request
        .within_days
        .or(site.config.digest.within_days)
        .unwrap_or(DEFAULT_WITHIN_DAYS);
    let rules = Rules {
        today,
        since,
        within_days,
    };
    let mut people = People::default();
    for (c, (customer, plan)) in site.customers.iter().zip(&planned.plans).enumerate() {
        let (Some(plan), Some(playbook)) = (plan, site.playbooks.get(&customer.playbook)) else {
            continue;
        };
        if request.customer.as_ref().is_some_and(|c| *c != customer.id) {
            continue;
        }
        people.add_customer(site, c, customer, playbook, plan, &rules);
    }
    if let Some(owner) = &request.owner {
        people.keep_owner(owner)?;
    }
    let (messages, quiet, warnings) = people.finish(site, planned, &rules);
    let from = site.config.digest.from.clone().or_else(|| {
        let vendor = &site.config.vendor;
        Mailbox::parse(&vendor.support_email).map(|m| Mailbox {
            name: vendor.name.clone(),
            ..m
        })
    });
    Ok(Digest {
        today,
        since,
        within_days,
        messages,
        quiet,
        warnings,
        from,
    })
}

/// The working day before `today` (holidays and weekends skipped).
fn previous_working_day(calendar: &WorkCalendar, today: Date) -> Date {
    let mut day = today;
    for _ in 0..366 {
        match day.yesterday() {
            Ok(d) => day = d,
            Err(_) => return day,
        }
        if calendar.is_business_day(day) {
            return day;
        }
    }
    day
}

/// The day and the thresholds each task is judged by.
struct Rules {
    today: Date,
    since: Date,
    within_days: u32,
}

impl Rules {
    /// The section a task or milestone belongs in, if any, and when it became ready.
    fn section(
        &self,
        item: &Item,
        ready: Option<Date>,
        calendar: &WorkCalendar,
    ) -> Option<SectionKind> {
        if item.status.is_closed() {
            return None;
        }
        if item.kind == Kind::Milestone {
            return (item.late_days > 0).then_some(SectionKind::ExpectedLater);
        }
        if item.status == Status::Blocked {
            return Some(SectionKind::Blocked);
        }
        if item.overdue {
            return Some(SectionKind::Overdue);
        }
        if ready.is_some_and(|d| d >= self.since && d <= self.today) {
            return Some(SectionKind::Unblocked);
        }
        let ahead = calendar.business_days_between(self.today, item.due);
        if item.due >= self.today && ahead <= i64::from(self.within_days) {
            return Some(SectionKind::DueSoon);
        }
        (item.late_days > 0).then_some(SectionKind::ExpectedLater)
    }
}

/// When a task not yet started became ready: the day the last of what it waits
/// for was done, when all of it is closed. `None` for a task that waits for
/// nothing, or for something still open, or only for skipped work.
pub(super) fn ready_since(item: &Item, by_id: &HashMap<&str, &Item>) -> Option<Date> {
    if item.status != Status::Todo || item.after.is_empty() {
        return None;
    }
    let mut latest = None;
    for dep in &item.after {
        let Some(dep) = by_id.get(dep.as_str()) else {
            continue;
        };
        if !dep.status.is_closed() {
            return None;
        }
        if dep.status == Status::Done {
            let on = dep.done_on.unwrap_or(dep.forecast_due);
            latest = latest.max(Some(on));
        }
    }
    latest
}

/// A recipient being gathered: who, in which language, and what they hear.
struct Gathered {
    recipient: Recipient,
    side: Side,
    lang: Lang,
    /// The role and customer a digest is named by when nobody has an address.
    unaddressed: Option<(String, String)>,
    /// (section, customer index in `site.customers`, item id): each once.
    items: BTreeSet<(SectionKind, usize, String)>,
    /// (customer index, index into its ratings): the ratings they hear of.
    ratings: BTreeSet<(usize, usize)>,
}

/// Everyone with a digest, by key: an address, or customer and role when
/// there is none; customer-side people are keyed within their customer.
#[derive(Default)]
struct People {
    by_key: BTreeMap<(u8, String), Gathered>,
}

impl People {
    /// Adds what each holder of each role of one customer should hear.
    fn add_customer(
        &mut self,
        site: &Site,
        c: usize,
        customer: &Customer,
        playbook: &Playbook,
        plan: &Plan,
        rules: &Rules,
    ) {
        let by_id: HashMap<&str, &Item> = plan.items.iter().map(|i| (i.id.as_str(), i)).collect();
        // Each open item's section, worked out once.
        let sections: Vec<(&Item, SectionKind)> = plan
            .items
            .iter()
            .filter_map(|item| {
                let ready = ready_since(item, &by_id);
                let s = rules.section(item, ready, &customer.calendar)?;
                Some((item, s))
            })
            .collect();
        for (role_id, role) in &playbook.roles {
            let heard: Vec<(SectionKind, String)> = sections
                .iter()
                .filter(|(item, s)| {
                    let own = item.owner.as_deref() == Some(role_id.as_str());
                    let visible = role.side == Side::Vendor || !item.internal;
                    let milestone = item.kind == Kind::Milestone
                        && (role.side == Side::Customer || role.contact);
                    let watched = role.contact
                        && role.side == Side::Vendor
                        && matches!(s, SectionKind::Blocked | SectionKind::Overdue);
                    visible && (own || milestone || watched)
                })
                .map(|(item, s)| (*s, item.id.clone()))
                .collect();
            let gathered = self.holder(site, customer, role_id, role);
            gathered
                .items
                .extend(heard.into_iter().map(|(s, id)| (s, c, id)));
        }
        if let Some((role_id, _)) = crate::roster::owner(playbook, customer)
            && let Some(role) = playbook.roles.get(role_id)
        {
            let (items, ratings) = client_said(site, customer, plan, rules);
            let gathered = self.holder(site, customer, role_id, role);
            gathered
                .items
                .extend(items.into_iter().map(|id| (SectionKind::Reported, c, id)));
            gathered.ratings.extend(ratings.into_iter().map(|r| (c, r)));
        }
    }

    /// The recipient who holds `role_id` for `customer`, made on first use.
    fn holder(
        &mut self,
        site: &Site,
        customer: &Customer,
        role_id: &str,
        role: &crate::model::Role,
    ) -> &mut Gathered {
        let person = customer.team.get(role_id);
        let email = person
            .map(|p| p.email.trim())
            .filter(|e| Mailbox::parse(e).is_some_and(|m| m.name.is_empty()))
            .map(str::to_string);
        let (order, lang) = match role.side {
            Side::Vendor => (0, site.config.default_language.clone()),
            Side::Customer => (1, customer.language.clone()),
        };
        let key = match (&email, role.side) {
            (Some(e), Side::Vendor) => e.to_lowercase(),
            (Some(e), Side::Customer) => format!("{}/{}", customer.id, e.to_lowercase()),
            (None, _) => format!("{}/role:{role_id}", customer.id),
        };
        let name = match person {
            Some(p) if !p.name.trim().is_empty() => p.name.trim().to_string(),
            _ => role.title.get(&lang).0.to_string(),
        };
        let unaddressed = email
            .is_none()
            .then(|| (customer.id.clone(), role_id.to_string()));
        let gathered = self.by_key.entry((order, key)).or_insert_with(|| Gathered {
            recipient: Recipient {
                name,
                email,
                side: role.side.as_str(),
                roles: Vec::new(),
                customers: Vec::new(),
                file_stem: String::new(),
            },
            side: role.side,
            lang,
            unaddressed,
            items: BTreeSet::new(),
            ratings: BTreeSet::new(),
        });
        let r = &mut gathered.recipient;
        if !r.roles.iter().any(|x| x == role_id) {
            r.roles.push(role_id.to_string());
        }
        if !r.customers.contains(&customer.id) {
            r.customers.push(customer.id.clone());
        }
        gathered
    }

    /// Keeps only the recipients `owner` names (by role id or address).
    fn keep_owner(&mut self, owner: &str) -> Result<(), Refused> {
        let wanted = owner.trim().to_lowercase();
        let matches = |g: &Gathered| {
            g.recipient
                .email
                .as_ref()
                .is_some_and(|e| e.to_lowercase() == wanted)
                || g.recipient.roles.iter().any(|r| *r == owner.trim())
        };
        if !self.by_key.values().any(matches) {
            let mut names: BTreeSet<String> = BTreeSet::new();
            for g in self.by_key.values() {
                names.extend(g.recipient.roles.iter().cloned());
                names.extend(g.recipient.email.iter().map(|e| e.to_lowercase()));
            }
            let help = crate::suggest::hint(&wanted, names.iter().map(String::as_str));
            return Err(Refused::UnknownOwner {
                given: owner.to_string(),
                help,
            });
        }
        self.by_key.retain(|_, g| matches(g));
        Ok(())
    }

    /// The messages of everyone with something to hear, in the order of their
    /// keys, and the names of those with nothing.
    fn finish(
        self,
        site: &Site,
        planned: &Planned,
        rules: &Rules,
    ) -> (Vec<Message>, Vec<String>, Vec<Diagnostic>) {
        let mut messages = Vec::new();
        let mut quiet = Vec::new();
        let mut warnings = Vec::new();
        let mut stems = BTreeSet::new();
        for (_, mut g) in self.by_key {
            // A task reported by the client is said there, not again as blocked.
            let reported: BTreeSet<(usize, String)> = g
                .items
                .iter()
                .filter(|(s, _, _)| *s == SectionKind::Reported)
                .map(|(_, c, id)| (*c, id.clone()))
                .collect();
            g.items.retain(|(s, c, id)| {
                *s == SectionKind::Reported || !reported.contains(&(*c, id.clone()))
            });
            if g.items.is_empty() && g.ratings.is_empty() {
                quiet.push(format::label(&g.recipient));
                continue;
            }
            g.recipient.file_stem = unique_stem(&g, &mut stems);
            if let Some((customer, role)) = &g.unaddressed {
                warnings.push(no_email_warning(customer, role, &g.recipient.file_stem));
            }
            let words = format::Words::new(site, &planned.locales, &g.lang);
            let found = g.items.iter().filter_map(|(section, c, id)| {
                let plan = planned.plans.get(*c)?.as_ref()?;
                let item = plan.items.iter().find(|i| i.id == *id)?;
                Some((*section, &site.customers[*c], plan, item))
            });
            let rated = g.ratings.iter().filter_map(|&(c, r)| {
                let customer = &site.customers[c];
                let plan = planned.plans.get(c)?.as_ref()?;
                let rating = site.feedback.ratings.get(&customer.id)?.get(r)?;
                Some((customer, plan, rating))
            });
            messages.push(format::message(
                site,
                &words,
                (g.recipient, g.side),
                found,
                rated,
                rules,
            ));
        }
        (messages, quiet, warnings)
    }
}

/// What the client of `customer` said within the window: the ids of the tasks
/// they reported done or stuck (customer-side tasks only), and the indexes of
/// their ratings.
fn client_said(
    site: &Site,
    customer: &Customer,
    plan: &Plan,
    rules: &Rules,
) -> (Vec<String>, Vec<usize>) {
    let within = |d: Date| d >= rules.since && d <= rules.today;
    let items = plan
        .visible()
        .filter(|i| i.kind == Kind::Task && i.reported)
        .filter(|i| matches!(i.status, Status::Done | Status::Blocked))
        .filter(|i| i.reported_on.is_some_and(within))
        .map(|i| i.id.clone())
        .collect();
    let ratings = site
        .feedback
        .ratings
        .get(&customer.id)
        .map(|all| (0..all.len()).filter(|&n| within(all[n].on)).collect())
        .unwrap_or_default();
    (items, ratings)
}

/// A file name for a recipient's digest: their address, or customer and role.
fn unique_stem(g: &Gathered, taken: &mut BTreeSet<String>) -> String {
    let base = match (&g.recipient.email, &g.unaddressed) {
        (Some(email), _) => email.to_lowercase(),
        (None, Some((customer, role))) => format!("{customer}-{role}"),
        (None, None) => "digest".to_string(),
    };
    let base: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '@') {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .take(100)
        .collect();
    let base = base.trim_start_matches('.').to_string();
    let base = if base.is_empty() {
        "digest".to_string()
    } else {
        base
    };
    let mut stem = base.clone();
    let mut n = 2;
    while !taken.insert(stem.clone()) {
        stem = format!("{base}-{n}");
        n += 1;
    }
    stem
}

/// The warning for a role whose holder has no address: their digest is a file
/// named after the customer and role, for someone to pass on.
fn no_email_warning(customer: &str, role: &str, stem: &str) -> Diagnostic {
    Diagnostic::warning(
        Code::DigestWithoutEmail,
        format!(
            "customer `{customer}`: nobody with a usable e-mail address holds the `{role}` role, so its digest is written as `{stem}` for someone to pass on"
        ),
    )
    .help(format!(
        "give the person holding `{role}` an `email:` in customers/{customer}.yaml"
    ))
}
