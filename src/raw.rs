//! Raw input: serde structs that mirror the YAML files as written.
//!
//! Every field is as loose as the file allows and keeps its place in the file
//! ([`Spanned`]), so [`crate::resolve`] can explain any problem it finds. Nothing
//! here is validated beyond its shape; nothing outside `resolve` should read these.

use std::collections::BTreeMap;

use crate::yaml::Spanned;
use indexmap::IndexMap;
use serde::Deserialize;

/// Vendor or customer: who does a task.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, schemars::JsonSchema, serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The vendor's team.
    Vendor,
    /// The customer's team.
    Customer,
}

impl Side {
    /// `vendor` or `customer`.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Vendor => "vendor",
            Side::Customer => "customer",
        }
    }
}

/// `playbooks/<id>.yaml`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPlaybook {
    /// The playbook's id: the file name without `.yaml` (must match it if given).
    pub id: Option<Spanned<String>>,
    /// The playbook's name (templated text).
    pub title: Spanned<String>,
    /// One paragraph of Markdown, shown on the public preview.
    pub summary: Option<Spanned<String>>,
    /// The id of a playbook this one starts from (see "Extending" in docs/schema.md).
    pub extends: Option<Spanned<String>>,
    /// A draft is checked but not published.
    #[serde(default)]
    pub draft: bool,
    /// Where the playbook is listed: lower first, then by id.
    pub weight: Option<i64>,
    /// Role id -> role: who takes part in the onboarding.
    #[serde(default)]
    pub roles: IndexMap<Spanned<String>, RawRole>,
    /// The phases, in order: titled groups of tasks.
    #[serde(default)]
    pub phases: Vec<RawPhase>,
    /// Named points in the plan.
    #[serde(default)]
    pub milestones: Vec<RawMilestone>,
    /// Only with `extends`: tasks or milestones of the parent to drop.
    #[serde(default)]
    pub remove: Vec<Spanned<String>>,
}

/// A role in a playbook.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRole {
    /// The role's name, as the portal shows it.
    pub title: Spanned<String>,
    /// Whose team fills the role: `vendor` or `customer`.
    pub side: Side,
    /// The vendor's single point of contact: exactly one role of a playbook.
    #[serde(default)]
    pub contact: bool,
}

/// A phase: a titled group of tasks.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPhase {
    /// The phase's id, unique within the playbook.
    pub id: Spanned<String>,
    /// The phase's name (templated text).
    pub title: Option<Spanned<String>>,
    /// Markdown shown under the phase's name (templated).
    pub description: Option<Spanned<String>>,
    /// The phase's tasks, in order.
    #[serde(default)]
    pub tasks: Vec<RawTask>,
}

/// A task, in a playbook phase or a customer's `extra_tasks`.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTask {
    /// The task's id, unique within the playbook.
    pub id: Spanned<String>,
    /// Only in a customer's `extra_tasks`: the phase the task joins.
    pub phase: Option<Spanned<String>>,
    /// The task's name (templated text in a playbook); in a customer's
    /// `extra_tasks`, text or text per language (`{ ms: …, ne: … }`).
    pub title: Spanned<Localized>,
    /// Markdown with the details (templated in a playbook); per language as
    /// the title in `extra_tasks`.
    pub description: Option<Spanned<Localized>>,
    /// The id of the role that does it.
    pub owner: Spanned<String>,
    /// Overrides the side of the owner role: `vendor` or `customer`.
    pub side: Option<Side>,
    /// Due this long after kickoff: an offset such as `2bd`, `3d` or `1w`.
    pub due: Option<Spanned<String>>,
    /// Planned length (default `1bd`).
    pub duration: Option<Spanned<String>>,
    /// Tasks or milestones this one waits for.
    #[serde(default)]
    pub after: Vec<Spanned<String>>,
    /// Knowledge-base articles that help (`kb/account-setup`).
    #[serde(default)]
    pub guides: Vec<Spanned<String>>,
    /// FAQ entries that help (`reset-password`).
    #[serde(default)]
    pub faq: Vec<Spanned<String>>,
    /// Other links.
    #[serde(default)]
    pub links: Vec<RawLink>,
    /// A condition (a Jinja expression over `customer`): the task is in the plan only when it holds.
    pub when: Option<Spanned<String>>,
    /// Vendor-only: never in any output file.
    #[serde(default)]
    pub internal: bool,
    /// How the client finishes it from the portal: `done` (the default),
    /// `approve` or `acknowledge`.
    #[schemars(with = "Option<crate::schema::ActionName>")]
    pub action: Option<Spanned<String>>,
    /// A document the task asks the client for, and where it goes.
    pub request: Option<RawRequest>,
}

/// A text, or the same text in several languages (`{ ms: …, ne: … }`: how a
/// customer file translates its own extra tasks).
#[derive(Clone, Debug)]
pub enum Localized {
    /// The text as written.
    One(String),
    /// A number or `true`/`false` where text was expected: the text is the
    /// value as written in the file, read back at its place.
    AsWritten,
    /// Language tag and text, in the order written.
    Many(Vec<(String, Spanned<String>)>),
}

impl Localized {
    /// The single text, when it is one (a number as written is read back by the
    /// caller from the file).
    pub fn one(&self) -> Option<&str> {
        match self {
            Localized::One(text) => Some(text),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Localized {
    /// Asked for by name, so the quick reader ([`crate::yaml`]) can give a
    /// scalar's text as written; serde-saphyr reads it as any value.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_newtype_struct(crate::yaml::LOCALIZED, LocalizedVisitor)
    }
}

struct LocalizedVisitor;

impl<'de> serde::de::Visitor<'de> for LocalizedVisitor {
    type Value = Localized;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string, or a map from language to string")
    }

    fn visit_newtype_struct<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Localized, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Localized, E> {
        Ok(Localized::One(v.to_string()))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Localized, E> {
        Ok(Localized::One(v))
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Localized, E> {
        Ok(Localized::AsWritten)
    }

    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Localized, E> {
        Ok(Localized::AsWritten)
    }

    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Localized, E> {
        Ok(Localized::AsWritten)
    }

    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Localized, E> {
        Ok(Localized::AsWritten)
    }

    // The same words as a missing string, which the diagnostics explain.
    fn visit_unit<E: serde::de::Error>(self) -> Result<Localized, E> {
        Err(E::custom("cannot deserialize null into string"))
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Localized, E> {
        self.visit_unit()
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Localized, A::Error> {
        let mut texts = Vec::new();
        while let Some(lang) = map.next_key::<String>()? {
            texts.push((lang, map.next_value::<Spanned<String>>()?));
        }
        Ok(Localized::Many(texts))
    }
}

/// A task's `request:`: what the client sends (`upload`, `sign`, `form`) and the
/// address of the vendor's service that receives it (templated per customer).
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRequest {
    /// What the client does: `upload`, `sign` or `form`.
    #[schemars(with = "crate::schema::RequestName")]
    pub kind: Spanned<String>,
    /// The address of the service that receives it (templated, then checked).
    pub url: Spanned<String>,
    /// The link's text (templated; default: the task's title).
    pub title: Option<Spanned<String>>,
}

/// A milestone: a named point in the plan.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMilestone {
    /// The milestone's id, unique within the playbook.
    pub id: Spanned<String>,
    /// The milestone's name (templated text).
    pub title: Spanned<String>,
    /// Markdown with the details (templated).
    pub description: Option<Spanned<String>>,
    /// Tasks or milestones it waits for: it falls on the latest of their due dates.
    #[serde(default)]
    pub after: Vec<Spanned<String>>,
    /// Due this long after kickoff: an offset such as `20bd`.
    pub due: Option<Spanned<String>>,
    /// A condition (a Jinja expression over `customer`).
    pub when: Option<Spanned<String>>,
}

/// A link to anything outside the site.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLink {
    /// The link's text.
    pub title: String,
    /// The address (http(s), mailto: or tel:).
    pub url: Spanned<String>,
}

/// `customers/<id>.yaml`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCustomer {
    /// The customer's name.
    pub name: Spanned<String>,
    /// The id of the customer's playbook.
    pub playbook: Spanned<String>,
    /// The kickoff day, `YYYY-MM-DD`: day 0 of the plan.
    pub kickoff: Spanned<String>,
    /// The portal's language (default: the site's default language).
    pub language: Option<Spanned<String>>,
    /// The language the file's own text is written in (extra tasks, notes of
    /// progress), when not `language`.
    pub text_language: Option<Spanned<String>>,
    /// The languages the portal is published in besides `language`.
    #[serde(default)]
    pub languages: Vec<Spanned<String>>,
    /// An IANA time zone (`Asia/Kuala_Lumpur`), shown in the portal.
    pub timezone: Option<Spanned<String>>,
    /// Free-form values for conditions and templated text (`customer.vars.plan`).
    #[serde(default)]
    pub vars: BTreeMap<String, serde_json::Value>,
    /// Role id -> person; the playbook's contact role is required.
    #[serde(default)]
    pub team: IndexMap<Spanned<String>, RawPerson>,
    /// Task or milestone id -> where the customer is with it.
    #[serde(default)]
    pub progress: IndexMap<Spanned<String>, RawProgress>,
    /// Tasks for this customer only, each naming its `phase`.
    #[serde(default)]
    pub extra_tasks: Vec<RawTask>,
    /// Playbook tasks this customer does not do.
    #[serde(default)]
    pub remove_tasks: Vec<Spanned<String>>,
    /// Overrides the site's calendar for this customer.
    pub calendar: Option<RawCalendar>,
    /// Bumped by `gangway rotate` to issue a new portal address.
    #[serde(default)]
    pub portal_rotation: u32,
    /// Encrypt this customer's portal with a passphrase from the environment.
    pub encrypt: Option<RawEncrypt>,
    /// Internal notes: read so the key is allowed, never copied anywhere.
    #[serde(default, rename = "notes")]
    pub _notes: Option<serde_json::Value>,
}

/// `encrypt:` in a customer file.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawEncrypt {
    /// The environment variable holding the passphrase.
    pub passphrase_env: Spanned<String>,
}

/// A person filling a role.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPerson {
    /// The person's name.
    pub name: String,
    /// Their e-mail address.
    pub email: Option<String>,
    /// Their phone number.
    pub phone: Option<String>,
}

/// Where a customer is with one task.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawProgress {
    /// `todo`, `in-progress`, `done` (needs `on`), `blocked` (needs `note`) or `skipped` (needs `reason`).
    pub status: Spanned<Status>,
    /// The day it happened, `YYYY-MM-DD`.
    pub on: Option<Spanned<String>>,
    /// Shown to the customer (a blocked task's reason).
    pub note: Option<String>,
    /// Why a skipped task is skipped.
    pub reason: Option<String>,
    /// Who approved, acknowledged or reported it.
    pub by: Option<String>,
    /// Reported by the client (written by `gangway ingest`).
    #[serde(default)]
    pub reported: bool,
}

/// The status of a task for a customer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Not started.
    Todo,
    /// Under way.
    InProgress,
    /// Finished, on a date.
    Done,
    /// Cannot go on, for a reason given in a note.
    Blocked,
    /// Will not be done, for a reason given.
    Skipped,
}

impl Status {
    /// Every status.
    pub const ALL: [Status; 5] = [
        Status::Todo,
        Status::InProgress,
        Status::Done,
        Status::Blocked,
        Status::Skipped,
    ];

    /// The key of its word among the theme's UI strings (`status_in_progress`).
    pub fn string_key(self) -> &'static str {
        match self {
            Status::Todo => "status_todo",
            Status::InProgress => "status_in_progress",
            Status::Done => "status_done",
            Status::Blocked => "status_blocked",
            Status::Skipped => "status_skipped",
        }
    }

    /// The status as written in YAML and used by templates.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Todo => "todo",
            Status::InProgress => "in-progress",
            Status::Done => "done",
            Status::Blocked => "blocked",
            Status::Skipped => "skipped",
        }
    }

    /// Done or skipped: nothing more will happen.
    pub fn is_closed(self) -> bool {
        matches!(self, Status::Done | Status::Skipped)
    }
}

/// A calendar override in a customer file.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCalendar {
    /// The working days (`mon` … `sun`).
    pub workdays: Option<Vec<Spanned<String>>>,
    /// Days off, `YYYY-MM-DD`: replaces the site's holidays.
    pub holidays: Option<Vec<Spanned<String>>>,
}

/// The front matter of a knowledge-base article.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawArticleMeta {
    /// The page's title (its heading).
    pub title: Spanned<String>,
    /// In a translation: the source hash of the original it was made from.
    pub translation_of: Option<Spanned<String>>,
    /// Shown under the title.
    pub summary: Option<String>,
    /// The page's description for search engines and link previews (else `summary`).
    pub description: Option<String>,
    /// Tags of the page.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Zola's `[taxonomies]`: its `tags` are the page's tags.
    pub taxonomies: Option<RawTaxonomies>,
    /// Lower sorts first, then by title.
    pub weight: Option<i64>,
    /// A draft is checked but not published.
    #[serde(default)]
    pub draft: bool,
    /// When the page was written (`YYYY-MM-DD`, a time after it is ignored).
    pub date: Option<Spanned<String>>,
    /// When the page was last changed (Hugo's name).
    pub lastmod: Option<Spanned<String>>,
    /// When the page was last changed (Zola's name).
    pub updated: Option<Spanned<String>>,
    /// Earlier addresses of the page, each made a redirect to it.
    #[serde(default)]
    pub aliases: Vec<Spanned<String>>,
    /// The last part of the page's earlier address, made a redirect to it.
    pub slug: Option<Spanned<String>>,
}

/// Zola's `[taxonomies]` table in front matter.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTaxonomies {
    /// Tags of the page.
    #[serde(default)]
    pub tags: Vec<String>,
}

/// The front matter of an FAQ entry.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFaqMeta {
    /// The question, as the FAQ page shows it.
    pub question: Spanned<String>,
    /// In a translation: the source hash of the original it was made from.
    pub translation_of: Option<Spanned<String>>,
    /// Tags of the entry.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Lower sorts first.
    pub weight: Option<i64>,
    /// A draft is checked but not published.
    #[serde(default)]
    pub draft: bool,
}

/// `playbooks/<id>.<lang>.yaml`: the translatable text of a playbook, keyed by ids.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPlaybookTranslation {
    /// The source hash of the original this translation was made from.
    pub translation_of: Option<Spanned<String>>,
    /// The playbook's title.
    pub title: Option<Spanned<String>>,
    /// The playbook's summary.
    pub summary: Option<Spanned<String>>,
    /// Role id -> the role's title.
    #[serde(default)]
    pub roles: IndexMap<Spanned<String>, Spanned<String>>,
    /// Phase id -> its title and description.
    #[serde(default)]
    pub phases: IndexMap<Spanned<String>, RawTranslatedText>,
    /// Task id -> its title and description.
    #[serde(default)]
    pub tasks: IndexMap<Spanned<String>, RawTranslatedText>,
    /// Milestone id -> its title and description.
    #[serde(default)]
    pub milestones: IndexMap<Spanned<String>, RawTranslatedText>,
}

/// The title and description of one translated phase, task or milestone.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTranslatedText {
    /// The translated title.
    pub title: Option<Spanned<String>>,
    /// The translated description.
    pub description: Option<Spanned<String>>,
}

/// `feedback/<customer>.yaml`: a customer's milestone ratings, written by `gangway ingest`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCustomerFeedback {
    #[serde(default)]
    pub ratings: Vec<RawRating>,
}

/// One rating of a reached milestone.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRating {
    pub milestone: Spanned<String>,
    pub rating: Spanned<i64>,
    pub on: Spanned<String>,
    pub comment: Option<String>,
    pub by: Option<String>,
    /// The submission's own time stamp, as the form service gave it.
    #[expect(
        dead_code,
        reason = "kept in the file for the record; a rating sent twice is recognised without it"
    )]
    pub at: Option<String>,
}

/// `feedback/<section>/<article>.yaml`: the votes on a public article.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPageFeedback {
    #[serde(default)]
    pub votes: Vec<RawVote>,
}

/// One answer to "Was this page helpful?".
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVote {
    pub lang: Spanned<String>,
    pub helpful: bool,
    pub on: Spanned<String>,
    /// The submission's own time stamp, as the form service gave it: what
    /// `gangway ingest` recognises a vote it applied before by.
    pub at: Option<String>,
}
