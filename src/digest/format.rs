//! A digest's words in the recipient's language, and its Markdown, HTML and
//! JSON forms. Values from customer files (names, titles, notes) are text:
//! escaped for Markdown and for HTML as they are written.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use jiff::civil::Date;

use super::{Entry, Message, Recipient, Rules, Section, SectionKind};
use crate::lang::Lang;
use crate::locale::Locale;
use crate::model::{Customer, Rating, Site};
use crate::plan::{Item, Kind, Plan};
use crate::raw::Side;

/// The theme's strings and the locale of one language.
pub(super) struct Words<'a> {
    lang: &'a Lang,
    default: &'a Lang,
    strings: Option<&'a BTreeMap<String, String>>,
    locale: Option<&'a Locale>,
}

impl<'a> Words<'a> {
    pub(super) fn new(site: &'a Site, locales: &'a BTreeMap<Lang, Locale>, lang: &'a Lang) -> Self {
        Words {
            lang,
            default: &site.config.default_language,
            strings: site.theme.strings.get(lang),
            locale: locales.get(lang),
        }
    }

    /// The string `key`, with `{name}` placeholders filled in.
    fn text(&self, key: &str, values: &[(&str, &str)]) -> String {
        let mut out = self
            .strings
            .and_then(|s| s.get(key))
            .map_or(key, String::as_str)
            .to_string();
        for (name, value) in values {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        out
    }

    /// `key_one` or `key_other` for `n`, with `{n}` in the language's digits.
    fn count(&self, key: &str, n: i64) -> String {
        let form = self.locale.map_or("other", |l| l.plural(n));
        let exact = format!("{key}_{form}");
        let key = match self.strings {
            Some(s) if s.contains_key(&exact) => exact,
            _ => format!("{key}_other"),
        };
        self.text(&key, &[("n", &self.number(n))])
    }

    fn number(&self, n: i64) -> String {
        self.locale.map_or_else(|| n.to_string(), |l| l.number(n))
    }

    fn date(&self, d: Date) -> String {
        self.locale.map_or_else(|| d.to_string(), |l| l.date(d))
    }
}

/// A recipient as a person reads them in a log line: "Ada Admin <ada@acme.test>".
pub(super) fn label(r: &Recipient) -> String {
    match &r.email {
        Some(email) => format!("{} <{email}>", r.name),
        None => format!("{} ({})", r.name, r.customers.join(", ")),
    }
}

/// A message from what a recipient hears: (section, customer, item), sorted,
/// and the ratings they hear of (the section of its own after reported tasks).
pub(super) fn message<'a>(
    site: &Site,
    words: &Words<'_>,
    (recipient, side): (Recipient, Side),
    found: impl Iterator<Item = (SectionKind, &'a Customer, &'a Plan, &'a Item)>,
    rated: impl Iterator<Item = (&'a Customer, &'a Plan, &'a Rating)>,
    rules: &Rules,
) -> Message {
    let mut sections: Vec<Section> = Vec::new();
    let mut ratings: Vec<Entry> = rated
        .map(|(customer, plan, rating)| rated_entry(words, customer, plan, rating))
        .collect();
    for (kind, customer, plan, item) in found {
        if kind > SectionKind::Rated && !ratings.is_empty() {
            sections.push(rated_section(words, std::mem::take(&mut ratings)));
        }
        let entry = entry(site, words, side, &recipient, (customer, plan, item), kind);
        match sections.last_mut() {
            Some(s) if s.kind == kind => s.entries.push(entry),
            _ => sections.push(Section {
                kind,
                heading: heading(words, kind, rules.within_days),
                entries: vec![entry],
            }),
        }
    }
    if !ratings.is_empty() {
        sections.push(rated_section(words, ratings));
    }
    for s in &mut sections {
        s.entries.sort_by(|a, b| {
            (a.reported_on, a.due, &a.customer, &a.id).cmp(&(
                b.reported_on,
                b.due,
                &b.customer,
                &b.id,
            ))
        });
    }
    let today = words.date(rules.today);
    let vendor = site.config.vendor.name.as_str();
    let vendor = if vendor.is_empty() {
        site.config.title.as_str()
    } else {
        vendor
    };
    Message {
        language: words.lang.to_string(),
        subject: words.text("digest_subject", &[("date", &today)]),
        greeting: words.text("digest_greeting", &[("name", &recipient.name)]),
        intro: words.text("digest_intro", &[("date", &today)]),
        footer: words.text("digest_footer", &[("vendor", vendor)]),
        recipient,
        sections,
    }
}

fn rated_section(words: &Words<'_>, entries: Vec<Entry>) -> Section {
    Section {
        kind: SectionKind::Rated,
        heading: words.text("digest_rated", &[]),
        entries,
    }
}

/// A rating the client gave, as an entry: the milestone, the customer, the
/// rating and its day, who gave it, and the comment.
fn rated_entry(words: &Words<'_>, customer: &Customer, plan: &Plan, rating: &Rating) -> Entry {
    let milestone = plan
        .items
        .iter()
        .find(|i| i.kind == Kind::Milestone && i.id == rating.milestone);
    let title = milestone.map_or_else(
        || rating.milestone.clone(),
        |m| m.text(words.lang, words.default).0.title.clone(),
    );
    let mut details = vec![customer.name.clone()];
    let stars = rating.rating.to_string();
    let on = words.date(rating.on);
    details.push(words.text("digest_rating", &[("rating", &stars), ("date", &on)]));
    if !rating.by.trim().is_empty() {
        details.push(words.text("digest_by", &[("name", rating.by.trim())]));
    }
    if !rating.comment.trim().is_empty() {
        details.push(format!("“{}”", rating.comment.trim()));
    }
    Entry {
        customer: customer.id.clone(),
        customer_name: customer.name.clone(),
        id: rating.milestone.clone(),
        kind: "rating",
        title,
        owner: None,
        status: milestone.map_or("", |m| m.status.as_str()),
        due: milestone.map_or(rating.on, |m| m.due),
        expected: milestone.map_or(rating.on, |m| m.forecast_due),
        late_days: 0,
        days_overdue: 0,
        ready_since: None,
        note: rating.comment.clone(),
        by: rating.by.clone(),
        reported_on: Some(rating.on),
        rating: Some(rating.rating),
        details,
    }
}

fn heading(words: &Words<'_>, kind: SectionKind, within: u32) -> String {
    match kind {
        SectionKind::Reported => words.text("digest_reported", &[]),
        SectionKind::Rated => words.text("digest_rated", &[]),
        SectionKind::Blocked => words.text("digest_blocked", &[]),
        SectionKind::Overdue => words.text("digest_overdue", &[]),
        SectionKind::Unblocked => words.text("digest_unblocked", &[]),
        SectionKind::DueSoon => words.count("digest_due_soon", i64::from(within)),
        SectionKind::ExpectedLater => words.text("digest_expected_later", &[]),
    }
}

/// One entry, with the facts its section calls for in the message's language.
fn entry(
    site: &Site,
    words: &Words<'_>,
    side: Side,
    recipient: &Recipient,
    (customer, plan, item): (&Customer, &Plan, &Item),
    kind: SectionKind,
) -> Entry {
    let ready = match kind {
        SectionKind::Unblocked => {
            let by_id = plan.items.iter().map(|i| (i.id.as_str(), i)).collect();
            super::ready_since(item, &by_id)
        }
        _ => None,
    };
    let mut details = Vec::new();
    if side == Side::Vendor {
        details.push(customer.name.clone());
    }
    if let Some(owner) = &item.owner
        && !recipient.roles.contains(owner)
        && let Some(role) = site
            .playbooks
            .get(&customer.playbook)
            .and_then(|p| p.roles.get(owner))
    {
        details.push(role.title.get(words.lang).0.to_string());
    }
    let due = words.text("digest_due_on", &[("date", &words.date(item.due))]);
    match kind {
        SectionKind::Reported => {
            let key = if item.status == crate::raw::Status::Blocked {
                "digest_reported_stuck"
            } else {
                "digest_reported_done"
            };
            let on = item.reported_on.map(|d| words.date(d)).unwrap_or_default();
            details.push(words.text(key, &[("date", &on)]));
            if !item.by.trim().is_empty() {
                details.push(words.text("digest_by", &[("name", item.by.trim())]));
            }
        }
        SectionKind::Rated => {}
        SectionKind::Blocked | SectionKind::DueSoon => details.push(due),
        SectionKind::Overdue => {
            details.push(due);
            details.push(words.count("days_overdue", item.days_overdue));
        }
        SectionKind::Unblocked => {
            if let Some(day) = ready {
                let day = words.date(day);
                details.push(words.text("digest_ready_since", &[("date", &day)]));
            }
            details.push(due);
        }
        SectionKind::ExpectedLater => {
            let planned = words.date(item.due);
            let expected = words.date(item.forecast_due);
            let pair = [
                ("planned", planned.as_str()),
                ("expected", expected.as_str()),
            ];
            details.push(words.text("planned_expected", &pair));
            details.push(words.count("working_days_late", item.late_days));
        }
    }
    if !item.note.trim().is_empty()
        && (kind == SectionKind::Blocked
            || (kind == SectionKind::Reported && item.status == crate::raw::Status::Blocked))
    {
        let note = words.text("note", &[]);
        details.push(format!("{note}: {}", item.note.trim()));
    }
    Entry {
        customer: customer.id.clone(),
        customer_name: customer.name.clone(),
        id: item.id.clone(),
        kind: match item.kind {
            Kind::Task => "task",
            Kind::Milestone => "milestone",
        },
        title: item.text(words.lang, words.default).0.title.clone(),
        owner: item.owner.clone(),
        status: item.status.as_str(),
        due: item.due,
        expected: item.forecast_due,
        late_days: item.late_days,
        days_overdue: item.days_overdue,
        ready_since: ready,
        note: item.note.clone(),
        by: item.by.clone(),
        reported_on: (kind == SectionKind::Reported)
            .then_some(item.reported_on)
            .flatten(),
        rating: None,
        details,
    }
}

/// The message as Markdown (`--format md`): every value escaped, so nothing in
/// it is read as markup.
pub fn markdown(m: &Message) -> String {
    written(m, escape_md)
}

/// The message as plain text, the text part of an e-mail: laid out as the
/// Markdown is, but with nothing escaped (a mail client shows the text as it
/// is, and "Seitkali\!" would be read with its backslash); line breaks inside
/// a value become spaces, so a value cannot start a line of its own.
pub fn plain(m: &Message) -> String {
    written(m, |s| {
        s.chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect()
    })
}

fn written(m: &Message, md: impl Fn(&str) -> String) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", md(&m.subject));
    let _ = writeln!(out, "{}\n\n{}\n", md(&m.greeting), md(&m.intro));
    for s in &m.sections {
        let _ = writeln!(out, "## {}\n", md(&s.heading));
        for e in &s.entries {
            let details: Vec<String> = e.details.iter().map(|d| md(d)).collect();
            let _ = writeln!(out, "- **{}** · {}", md(&e.title), details.join(" · "));
        }
        out.push('\n');
    }
    let _ = writeln!(out, "{}", md(&m.footer));
    out
}

/// Text as Markdown shows it as it is, still readable as plain text (this is
/// also an e-mail's text part): a backslash before each character Markdown
/// could read as markup, line breaks as spaces.
fn escape_md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '|' | '~' | '#' | '!' | '&' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The message as an HTML page: the HTML part of an e-mail, and `--format html`.
pub fn html(m: &Message) -> String {
    let h = |s: &str| crate::html::escape(s).into_owned();
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n</head>\n<body>\n<h1>{}</h1>\n<p>{}</p>\n<p>{}</p>\n",
        h(&m.language),
        h(&m.subject),
        h(&m.subject),
        h(&m.greeting),
        h(&m.intro)
    );
    for s in &m.sections {
        let _ = writeln!(out, "<h2>{}</h2>\n<ul>", h(&s.heading));
        for e in &s.entries {
            let details: Vec<String> = e.details.iter().map(|d| h(d)).collect();
            let _ = writeln!(
                out,
                "<li><strong>{}</strong> · {}</li>",
                h(&e.title),
                details.join(" · ")
            );
        }
        out.push_str("</ul>\n");
    }
    let _ = write!(
        out,
        "<p><small>{}</small></p>\n</body>\n</html>\n",
        h(&m.footer)
    );
    out
}

/// Every message as one JSON document, with stable field names.
pub fn json(d: &super::Digest) -> serde_json::Value {
    let messages: Vec<serde_json::Value> = d
        .messages
        .iter()
        .map(|m| {
            serde_json::json!({
                "recipient": {
                    "name": m.recipient.name,
                    "email": m.recipient.email,
                    "side": m.recipient.side,
                    "roles": m.recipient.roles,
                    "customers": m.recipient.customers,
                    "file": m.recipient.file_stem,
                },
                "language": m.language,
                "subject": m.subject,
                "sections": m.sections.iter().map(|s| serde_json::json!({
                    "kind": s.kind.as_str(),
                    "heading": s.heading,
                    "items": s.entries.iter().map(entry_json).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    serde_json::json!({
        "date": d.today.to_string(),
        "since": d.since.to_string(),
        "within_days": d.within_days,
        "digests": messages,
    })
}

fn entry_json(e: &Entry) -> serde_json::Value {
    serde_json::json!({
        "customer": e.customer,
        "customer_name": e.customer_name,
        "id": e.id,
        "kind": e.kind,
        "title": e.title,
        "owner": e.owner,
        "status": e.status,
        "due": e.due.to_string(),
        "expected": e.expected.to_string(),
        "late_days": e.late_days,
        "days_overdue": e.days_overdue,
        "ready_since": e.ready_since.map(|d| d.to_string()),
        "note": e.note,
        "by": e.by,
        "reported_on": e.reported_on.map(|d| d.to_string()),
        "rating": e.rating,
    })
}
