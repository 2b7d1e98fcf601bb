//! The validated site: what [`crate::resolve`] makes of the raw input.
//!
//! Invariant: everything here has been checked. Ids are valid and unique, every
//! reference (role, task, article, FAQ entry, playbook) points at something that
//! exists, `extends` chains are flattened, dates are real dates. Later stages never
//! re-validate. Source files reach them only through [`Origin`] (for diagnostics)
//! and as the theme's templates; file paths only as output paths (static files).
//! The model owns its indexes ([`ContentIndex`], [`LinkTargets`]), so one page or
//! customer can be checked again on its own.

use std::collections::BTreeMap;
use std::sync::Arc;

use indexmap::IndexMap;
use jiff::civil::Date;

use crate::calendar::WorkCalendar;
use crate::config::Config;
mod index;

pub(crate) use crate::diagnostic::Origin;
use crate::diagnostic::SourceFile;
use crate::lang::Lang;
pub(crate) use crate::markdown::Heading;
use crate::offset::Offset;
use crate::raw::{Side, Status};
pub(crate) use index::{ContentIndex, LinkTargets};

/// Author-written text in one language, with its translations; may hold
/// `{{ ... }}` template expressions.
#[derive(Clone, Debug)]
pub(crate) struct Text {
    pub source: String,
    /// The language `source` is written in.
    pub lang: Lang,
    pub origin: Origin,
    /// Translations by language: the text and where it was written.
    pub translations: BTreeMap<Lang, (String, Origin)>,
    /// Written in a customer file (an extra task): data, shown as it is, never a
    /// template nor Markdown.
    pub data: bool,
}

impl Text {
    /// The text in `lang`, falling back to the original: (text, where written, its language).
    pub fn get(&self, lang: &Lang) -> (&str, &Origin, &Lang) {
        match self.translations.get_key_value(lang) {
            Some((lang, (text, origin))) => (text, origin, lang),
            None => (&self.source, &self.origin, &self.lang),
        }
    }
}

/// A reference to a task or milestone by id, with where it was written.
#[derive(Clone, Debug)]
pub(crate) struct Ref {
    pub id: String,
    pub origin: Origin,
}

#[derive(Clone, Debug)]
pub(crate) struct Link {
    pub title: String,
    pub url: String,
}

#[derive(Clone, Debug)]
pub(crate) struct Role {
    pub title: Text,
    pub side: Side,
    pub contact: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct Task {
    pub id: String,
    pub title: Text,
    pub description: Option<Text>,
    pub owner: String,
    pub side: Side,
    pub due: Option<Offset>,
    pub duration: Offset,
    pub after: Vec<Ref>,
    /// Article ids (paths under `content/` without `.md`).
    pub guides: Vec<String>,
    /// FAQ entry ids.
    pub faq: Vec<String>,
    pub links: Vec<Link>,
    pub when: Option<Text>,
    pub internal: bool,
    /// How the client finishes it from the portal (`action:`); customer-side tasks only.
    pub action: crate::actions::Completion,
    /// A document the task asks the client for (`request:`).
    pub request: Option<Request>,
}

/// A document a task asks for: a link to the vendor's file-request,
/// e-signature or form service (gangway never receives the file).
#[derive(Clone, Debug)]
pub(crate) struct Request {
    pub kind: RequestKind,
    /// The service's address, templated per customer.
    pub url: Text,
    /// What is asked for, templated per customer; the task's title when `None`.
    pub title: Option<Text>,
}

/// What the client does with a requested document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RequestKind {
    Upload,
    Sign,
    Form,
}

impl RequestKind {
    pub(crate) const ALL: [RequestKind; 3] =
        [RequestKind::Upload, RequestKind::Sign, RequestKind::Form];

    /// As written in a playbook, and in templates (`request.kind`).
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            RequestKind::Upload => "upload",
            RequestKind::Sign => "sign",
            RequestKind::Form => "form",
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Phase {
    pub id: String,
    pub title: Text,
    pub description: Option<Text>,
    pub tasks: Vec<Task>,
}

#[derive(Clone, Debug)]
pub(crate) struct Milestone {
    pub id: String,
    pub title: Text,
    pub description: Option<Text>,
    pub after: Vec<Ref>,
    pub due: Option<Offset>,
    pub when: Option<Text>,
}

/// A playbook with its `extends` chain already applied.
#[derive(Clone, Debug)]
pub(crate) struct Playbook {
    pub id: String,
    /// This playbook's id, then the one it extends, and so on.
    pub lineage: Vec<String>,
    pub title: Text,
    pub summary: Option<Text>,
    pub draft: bool,
    /// Where the playbook is listed (its own file's `weight:`, 0 when not given):
    /// lower first, then by id.
    pub weight: i64,
    pub roles: IndexMap<String, Role>,
    pub phases: Vec<Phase>,
    pub milestones: Vec<Milestone>,
}

impl Playbook {
    /// The role whose person is the customer's single point of contact.
    pub fn contact_role(&self) -> Option<(&str, &Role)> {
        self.roles
            .iter()
            .find(|(_, r)| r.contact)
            .map(|(id, r)| (id.as_str(), r))
    }

    /// Ordering of playbook listings: by `weight`, then by id.
    pub fn listing_order(a: &&Playbook, b: &&Playbook) -> std::cmp::Ordering {
        (a.weight, &a.id).cmp(&(b.weight, &b.id))
    }

    pub fn tasks(&self) -> impl Iterator<Item = &Task> {
        self.phases.iter().flat_map(|p| p.tasks.iter())
    }
}

#[derive(Clone, Debug, serde::Serialize)]
pub(crate) struct Person {
    pub name: String,
    pub email: String,
    pub phone: String,
}

#[derive(Clone, Debug)]
pub(crate) struct Progress {
    pub status: Status,
    pub on: Option<Date>,
    /// The blocked note or the skipped reason, shown to the customer.
    pub note: String,
    /// Who approved, acknowledged or reported the status (`by:`), or empty.
    pub by: String,
    /// Reported by the client from the portal (`reported: true`, written by
    /// `gangway ingest`): with `[actions] confirm`, awaiting the vendor's confirmation.
    pub reported: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct ExtraTask {
    pub phase: String,
    pub task: Task,
}

/// A customer. Internal notes are not part of the model at all, so no later
/// stage can leak them.
#[derive(Clone, Debug)]
pub(crate) struct Customer {
    pub id: String,
    /// The portal's folder under the site root: `p/<token>/`.
    pub portal: String,
    /// The passphrase the portal is encrypted with, when it is (read from the
    /// environment; never written anywhere).
    pub passphrase: Option<crate::secret::Secret<String>>,
    /// The environment variable of its passphrase when the portal is encrypted
    /// (`encrypt:`) but rendered unencrypted because the variable is not set
    /// ([`crate::options::WithoutPassphrase::ShowUnencrypted`]).
    pub unsealed: Option<String>,
    pub name: String,
    pub playbook: String,
    pub kickoff: Date,
    pub language: Lang,
    /// The language the customer file's own text is written in (`text_language:`,
    /// else `language`): extra tasks' originals, progress notes.
    pub text_language: Lang,
    /// The languages its portal is published in, in the site's order; holds `language`.
    pub languages: Vec<Lang>,
    pub timezone: Option<String>,
    pub vars: BTreeMap<String, serde_json::Value>,
    pub team: IndexMap<String, Person>,
    pub progress: BTreeMap<String, Progress>,
    pub extra_tasks: Vec<ExtraTask>,
    pub remove_tasks: Vec<Ref>,
    pub calendar: WorkCalendar,
}

/// Something written in one original language and translated into others.
#[derive(Clone, Debug)]
pub(crate) struct Localized<T> {
    /// The language of the original: the site's default language, unless the
    /// original exists only as a translation.
    pub original: Lang,
    pub versions: BTreeMap<Lang, T>,
}

impl<T> Localized<T> {
    /// The version in `lang`, else the original: (version, its language).
    pub fn get(&self, lang: &Lang) -> (&T, &Lang) {
        match self.versions.get_key_value(lang) {
            Some((l, v)) => (v, l),
            None => {
                let (l, v) = self
                    .versions
                    .get_key_value(&self.original)
                    .or_else(|| self.versions.iter().next())
                    .expect("a localized value has at least one version");
                (v, l)
            }
        }
    }
}

/// One language version of an article, with its Markdown already rendered.
#[derive(Clone, Debug)]
pub(crate) struct ArticleVersion {
    pub title: String,
    pub summary: String,
    pub tags: Vec<String>,
    /// The Markdown body, rendered to HTML when the article's page is
    /// (`resolve::content::article_html`): the model does not hold every page's HTML.
    pub body: MarkdownBody,
    pub headings: Vec<Heading>,
    pub reading_minutes: usize,
    /// The page's description (front matter `description`, else `summary`).
    pub description: String,
    /// When it was last changed (`lastmod`, `updated`, else `date`).
    pub updated: Option<jiff::civil::Date>,
    /// Redirects to it: output paths under its language's root (`aliases`, `slug`).
    pub aliases: Vec<String>,
}

/// Where a page's Markdown body is: its file, from a byte offset to the end.
#[derive(Clone, Debug)]
pub(crate) struct MarkdownBody {
    pub file: Arc<SourceFile>,
    pub start: usize,
    /// The id its relative links are resolved from: the one its file name gives,
    /// the page's id but for a leaf bundle's `index.md` (`kb/post/index`).
    pub links_from: String,
}

impl MarkdownBody {
    /// The Markdown text.
    pub fn text(&self) -> &str {
        self.file.text.get(self.start..).unwrap_or_default()
    }
}

/// A knowledge-base article in every language it is written in.
#[derive(Clone, Debug)]
pub(crate) struct Article {
    /// The path under `content/` without language or `.md`: `kb/account-setup`.
    pub id: String,
    /// The first folder under `content/`: `kb`.
    pub section: String,
    pub weight: i64,
    pub text: Localized<ArticleVersion>,
}

/// One language version of a section's title and introduction.
#[derive(Clone, Debug)]
pub(crate) struct SectionVersion {
    pub title: String,
    pub intro_html: String,
}

/// A section (folder) of the knowledge base.
#[derive(Clone, Debug)]
pub(crate) struct Section {
    pub id: String,
    pub text: Localized<SectionVersion>,
}

/// One language version of an FAQ entry.
#[derive(Clone, Debug)]
pub(crate) struct FaqVersion {
    pub question: String,
    pub answer_html: String,
    pub tags: Vec<String>,
}

/// An FAQ entry in every language it is written in.
#[derive(Clone, Debug)]
pub(crate) struct Faq {
    pub id: String,
    pub weight: i64,
    pub text: Localized<FaqVersion>,
}

/// Templates and static files of the theme in use: built-in ones overridden by the site's.
#[derive(Clone, Debug, Default)]
pub(crate) struct Theme {
    /// Template name -> source file.
    pub templates: BTreeMap<String, Arc<SourceFile>>,
    /// Path under `assets/` -> bytes.
    pub assets: BTreeMap<String, Vec<u8>>,
    /// UI strings by language; every language has every key (English fills gaps).
    pub strings: BTreeMap<Lang, BTreeMap<String, String>>,
}

/// The whole validated site.
#[derive(Clone, Debug)]
pub(crate) struct Site {
    pub config: Config,
    pub playbooks: BTreeMap<String, Playbook>,
    pub customers: Vec<Customer>,
    pub articles: Vec<Article>,
    pub sections: Vec<Section>,
    pub faqs: Vec<Faq>,
    /// The home page text by language.
    pub home: Option<Localized<String>>,
    /// The home page's title (`content/_index.md`'s `title:`) by language.
    pub home_title: Option<Localized<String>>,
    /// The FAQ page's title and introduction (`content/faq/_index.md`) by language.
    pub faq_page: Option<Localized<SectionVersion>>,
    /// Which translations are missing or outdated.
    pub translations: crate::translation::TranslationReport,
    pub theme: Theme,
    /// Files from `static/`, copied as they are: path -> bytes.
    pub static_files: BTreeMap<String, Vec<u8>>,
    /// Lookups built once, so no page scans every article: see [`Site::index`].
    pub index: SiteIndex,
    /// Markdown files parsed while resolving.
    pub markdown_parsed: usize,
    /// What links in the knowledge base may lead to.
    pub links: crate::model::LinkTargets,
    /// Which articles and FAQ entries playbooks and customers may name.
    pub content_index: crate::model::ContentIndex,
    /// The vendor's dashboard, when it is written.
    pub dashboard: Option<Dashboard>,
    /// What clients said, from `feedback/`: ratings and page votes.
    pub feedback: Feedback,
}

/// What clients said about their onboarding and the knowledge base, as
/// `gangway ingest` recorded it under `feedback/` (untrusted text throughout).
#[derive(Clone, Debug, Default)]
pub(crate) struct Feedback {
    /// Milestone ratings by customer id (`feedback/<customer>.yaml`), in file order.
    pub ratings: BTreeMap<String, Vec<Rating>>,
    /// Votes by article id (`feedback/<section>/<article>.yaml`), in file order.
    pub votes: BTreeMap<String, Vec<Vote>>,
}

/// A client's rating of a reached milestone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Rating {
    pub milestone: String,
    /// 1 to 5.
    pub rating: u8,
    pub comment: String,
    pub by: String,
    pub on: Date,
}

/// A reader's answer to "Was this page helpful?".
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Vote {
    pub lang: Lang,
    pub helpful: bool,
    pub on: Date,
}

/// Where the vendor's dashboard is written, and how.
#[derive(Clone, Debug)]
pub(crate) struct Dashboard {
    /// Its folder under the site root: `p/<token>/` ([`crate::privacy::dashboard_token`]).
    pub path: String,
    /// The passphrase it is encrypted with, when it is (read from the environment).
    pub passphrase: Option<crate::secret::Secret<String>>,
    /// The environment variable of its passphrase when it is encrypted but
    /// rendered unencrypted because the variable is not set.
    pub unsealed: Option<String>,
}

/// Positions of articles and FAQ entries by id, and of articles by section.
#[derive(Clone, Debug, Default)]
pub(crate) struct SiteIndex {
    articles: rustc_hash::FxHashMap<String, usize>,
    faqs: rustc_hash::FxHashMap<String, usize>,
    sections: BTreeMap<String, Vec<usize>>,
}

impl Site {
    /// Builds the lookups; call once the articles and FAQ entries are final.
    pub fn index(&mut self) {
        let mut index = SiteIndex::default();
        for (i, a) in self.articles.iter().enumerate() {
            index.articles.insert(a.id.clone(), i);
            index.sections.entry(a.section.clone()).or_default().push(i);
        }
        for (i, f) in self.faqs.iter().enumerate() {
            index.faqs.insert(f.id.clone(), i);
        }
        self.index = index;
    }

    /// The article with this id.
    pub fn article(&self, id: &str) -> Option<&Article> {
        self.index.articles.get(id).map(|&i| &self.articles[i])
    }

    /// The FAQ entry with this id.
    pub fn faq(&self, id: &str) -> Option<&Faq> {
        self.index.faqs.get(id).map(|&i| &self.faqs[i])
    }

    /// The articles of a section, in file order.
    pub fn section_articles(&self, section: &str) -> impl Iterator<Item = &Article> {
        self.index
            .sections
            .get(section)
            .into_iter()
            .flatten()
            .map(|&i| &self.articles[i])
    }
}
