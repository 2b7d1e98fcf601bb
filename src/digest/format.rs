//! A digest's words in the recipient's language, and its Markdown, HTML and
//! JSON forms. Values from customer files (names, titles, notes) are text:
//! escaped for Markdown and for HTML as they are written.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use jiff::civil::Date;

use super::{Entry, Message, Recipient, Rules, Section, SectionKind};
use crate::lang::Lang;
use crate::locale::Locale;
use crate::model::{Customer, Site};
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

/// A message from what a recipient hears: (section, customer, item), sorted.
pub(super) fn message<'a>(
    site: &Site,
    words: &Words<'_>,
    recipient: Recipient,
    side: Side,
    found: impl Iterator<Item = (SectionKind, &'a Customer, &'a Plan, &'a Item)>,
    rules: &Rules,
) -> Message {
    let mut sections: Vec<Section> = Vec::new();
    for (kind, customer, plan, item) in found {
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
    for s in &mut sections {
        s.entries
            .sort_by(|a, b| (a.due, &a.customer, &a.id).cmp(&(b.due, &b.customer, &b.id)));
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

fn heading(words: &Words<'_>, kind: SectionKind, within: u32) -> String {
    match kind {
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
    if !item.note.trim().is_empty() && kind == SectionKind::Blocked {
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
    })
}
