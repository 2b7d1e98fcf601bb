//! Public pages: home, knowledge base, FAQ, playbook previews, 404, sitemap and
//! robots.txt, in every language of the site.
//!
//! Built from the site's content and playbooks only; customers are not an input here.
//! The default language is published at the root, every other language under a
//! folder of its name (`ms/kb/setup/`). A page whose text is not translated yet
//! shows the original with a notice, in the original's `lang`.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::Arc;

use minijinja::Value;
use minijinja::value::{Enumerator, Object};
use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::lang::Lang;
use crate::links::{LANG_ROOT, SITE_ROOT};
use crate::locale::Locale;
use crate::model::{Article, Faq, Playbook, Section, Site};
use crate::output::OutputFile;
use crate::plan::{Item, Kind, Plan, pick};
use crate::render::timeline::{self, Timeline};
use crate::render::values::{list, record};
use crate::render::{RenderInput, Sink, root_of};

/// A page to render.
pub(crate) struct Page {
    /// The output path: `ms/kb/setup/index.html`.
    pub path: String,
    pub template: &'static str,
    pub title: String,
    pub kind: &'static str,
    /// The language of the page (its interface and everything translated).
    pub lang: Lang,
    /// The language of its main text: differs from `lang` when that text is not
    /// translated yet and the original is shown.
    pub content_lang: Lang,
    /// The page in every language: (language, output path).
    pub alternates: Vec<(Lang, String)>,
    /// The page's own template values, by name.
    pub values: Vec<(&'static str, Value)>,
}

/// The folder of a language under the site root: `""` for the default, `"ms/"` otherwise.
pub(crate) fn lang_prefix(lang: &Lang, default: &Lang) -> String {
    if lang == default {
        String::new()
    } else {
        format!("{lang}/")
    }
}

/// The URL of a page's folder from its output path: `kb/setup/index.html` → `kb/setup/`.
fn dir_url(path: &str) -> &str {
    path.strip_suffix("index.html").unwrap_or(path)
}

/// Replaces the link placeholders of rendered Markdown for a page; text without
/// them is returned as it is, not copied.
pub(crate) fn place_links<'a>(html: &'a str, lang_root: &str, site_root: &str) -> Cow<'a, str> {
    if !html.contains("@@gangway-") {
        return Cow::Borrowed(html);
    }
    let mut out = Cow::Borrowed(html);
    if out.contains(LANG_ROOT) {
        out = Cow::Owned(out.replace(LANG_ROOT, lang_root));
    }
    if out.contains(SITE_ROOT) {
        out = Cow::Owned(out.replace(SITE_ROOT, site_root));
    }
    out
}

/// The path part of the base URL, with a trailing `/`: `https://x.example/help` → `/help/`.
fn base_path(base_url: &str) -> String {
    let after_scheme = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    match after_scheme.find('/') {
        Some(i) => format!("{}/", after_scheme[i..].trim_end_matches('/')),
        None => "/".to_string(),
    }
}

/// The values every template gets, merged with the page's own.
pub(crate) fn context(
    site: &Site,
    shared: &minijinja::Value,
    page: &mut Page,
    noindex: bool,
) -> minijinja::Value {
    let default = &site.config.default_language;
    let base_url = &site.config.base_url;
    // The host serves 404.html at whatever address was missed, so a relative
    // root would be wrong there: use the absolute path of the site instead.
    let site_root = if page.kind == "404" {
        base_path(base_url)
    } else {
        root_of(&page.path)
    };
    let root = format!("{site_root}{}", lang_prefix(&page.lang, default));
    let (translations, alternates) = if page.alternates.len() > 1 {
        let translations = list(page.alternates.iter().map(|(l, p)| {
            record! {
                "current" => *l == page.lang,
                "lang" => l.as_str(),
                "name" => l.native_name(),
                "url" => format!("{site_root}{}", dir_url(p)),
            }
        }));
        let alternates = list(page.alternates.iter().map(|(l, p)| {
            record! { "lang" => l.as_str(), "url" => format!("{base_url}/{}", dir_url(p)) }
        }));
        (translations, alternates)
    } else {
        (list([]), list([]))
    };
    let x_default = page
        .alternates
        .iter()
        .find(|(l, _)| l == default)
        .map(|(_, p)| format!("{base_url}/{}", dir_url(p)))
        .unwrap_or_default();
    let page_value = record! {
        "content_lang" => page.content_lang.as_str(),
        "fallback" => page.content_lang != page.lang,
        "kind" => page.kind,
        "noindex" => noindex,
        "title" => page.title.as_str(),
        "url" => format!("{base_url}/{}", dir_url(&page.path)),
    };
    let mut own = vec![
        ("root", Value::from(root)),
        ("site_root", Value::from(site_root)),
        ("page", page_value),
        ("translations", translations),
        ("alternates", alternates),
        ("x_default", Value::from(x_default)),
    ];
    own.append(&mut page.values);
    // The values shared by every page of a language are made once and merged in.
    Value::from_object(PageContext {
        shared: shared.clone(),
        own,
    })
}

/// A page's template context: the values its language shares, then its own.
///
/// Looks up as `merge_maps([own, shared])` would (a shared value wins), without
/// building a map of the page's values.
#[derive(Debug)]
struct PageContext {
    shared: Value,
    /// The page's values; a later one wins over an earlier one of the same name.
    own: Vec<(&'static str, Value)>,
}

impl Object for PageContext {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        let shared = match self.shared.downcast_object_ref::<SharedValues>() {
            Some(s) => s.get(key),
            None => self.shared.get_attr(key).ok().filter(|v| !v.is_undefined()),
        };
        shared.or_else(|| {
            self.own
                .iter()
                .rev()
                .find(|(k, _)| crate::render::values::same_key(k, key))
                .map(|(_, v)| v.clone())
        })
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        let mut keys: BTreeSet<Value> = self.own.iter().map(|(k, _)| Value::from(*k)).collect();
        if let Ok(shared) = self.shared.try_iter() {
            keys.extend(shared);
        }
        Enumerator::Iter(Box::new(keys.into_iter()))
    }
}

/// The values every page of a language shares: a map of `lang`, `site`, `t`, `today`.
#[derive(Debug)]
pub(crate) struct SharedValues {
    lang: Value,
    site: Value,
    t: Value,
    today: Value,
}

const SHARED_KEYS: &[&str; 4] = &["lang", "site", "t", "today"];
const _: () = assert!(crate::render::values::sorted(SHARED_KEYS));

impl SharedValues {
    fn get(&self, key: &str) -> Option<Value> {
        Some(
            match key {
                "lang" => &self.lang,
                "site" => &self.site,
                "t" => &self.t,
                "today" => &self.today,
                _ => return None,
            }
            .clone(),
        )
    }
}

impl Object for SharedValues {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        self.get(key)
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(SHARED_KEYS)
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        Some(SHARED_KEYS.len())
    }
}

/// The UI strings of a language (`t`): a map, looked up by name without making a key.
///
/// A page reads `t` a few hundred times (every label of a portal checklist), so the
/// strings are found by a fast hash rather than by comparing keys down a tree; the
/// sorted keys are kept for iteration, which must follow a map's order.
#[derive(Debug)]
pub(crate) struct Strings {
    values: rustc_hash::FxHashMap<String, Value>,
    keys: Vec<Value>,
}

impl Strings {
    pub(crate) fn new(strings: impl IntoIterator<Item = (String, Value)>) -> Strings {
        let values: rustc_hash::FxHashMap<String, Value> = strings.into_iter().collect();
        let mut keys: Vec<&String> = values.keys().collect();
        keys.sort_unstable();
        let keys = keys.into_iter().map(|k| Value::from(k.as_str())).collect();
        Strings { values, keys }
    }
}

impl Object for Strings {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.values.get(key.as_str()?).cloned()
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        self.values.get(key).cloned()
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Values(self.keys.clone())
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        Some(self.keys.len())
    }
}

/// The values every page of `lang` shares: `lang`, `t`, `site` and `today` (formatted once).
pub(crate) fn shared_values(site: &Site, lang: &Lang, today: &str) -> minijinja::Value {
    let default = &site.config.default_language;
    let strings = site
        .theme
        .strings
        .get(lang)
        .or_else(|| site.theme.strings.get(default));
    let strings = strings.map(|s| {
        Value::from_object(Strings::new(
            s.iter().map(|(k, v)| (k.clone(), Value::from(v.as_str()))),
        ))
    });
    let vendor = &site.config.vendor;
    Value::from_object(SharedValues {
        lang: Value::from(lang.as_str()),
        site: record! {
            "base_url" => site.config.base_url.as_str(),
            // Written as it is: its sources cannot hold `"`, `<` or `>` (see `csp`).
            "csp" => Value::from_safe_string(site.config.csp.page()),
            "description" => site.config.description_in(lang),
            "title" => site.config.title_in(lang),
            "vendor" => record! {
                "name" => vendor.name.as_str(),
                "support_email" => vendor.support_email.as_str(),
                "support_url" => vendor.support_url.as_str(),
            },
        },
        t: Value::from(strings),
        today: Value::from(today),
    })
}

/// Renders pages in parallel; diagnostics come back in page order.
pub(crate) fn render_pages(
    input: &RenderInput<'_>,
    pages: Vec<Page>,
    noindex: bool,
    sink: &Sink<'_>,
) -> Diagnostics {
    let problems: Vec<Diagnostic> = pages
        .into_par_iter()
        .filter_map(|page| render_page(input, page, noindex, sink))
        .collect();
    problems.into()
}

/// Renders one page through its template and sends it on; the template's error, if any.
fn render_page(
    input: &RenderInput<'_>,
    mut page: Page,
    noindex: bool,
    sink: &Sink<'_>,
) -> Option<Diagnostic> {
    input
        .rendered
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let ctx = context(input.site, input.shared(&page.lang), &mut page, noindex);
    match input.templates.render(page.template, ctx) {
        Ok(html) => {
            sink(OutputFile {
                path: page.path,
                bytes: html.into_bytes(),
            });
            None
        }
        Err(d) => Some(d),
    }
}

/// Per-language values shared by the pages of one language.
pub(crate) struct Lx<'a> {
    pub site: &'a Site,
    pub lang: &'a Lang,
    pub locale: &'a Locale,
}

/// An article in a listing, with the values that do not depend on the page showing it.
struct Listed<'a> {
    article: &'a Article,
    lang: &'a Lang,
    reading_minutes: usize,
    summary: Value,
    tags: Value,
    title: Value,
}

/// A section of the knowledge base with its articles, in one language.
struct ListedSection<'a> {
    section: &'a Section,
    title: Value,
    intro_html: &'a str,
    articles: Vec<Listed<'a>>,
}

impl Lx<'_> {
    fn default(&self) -> &Lang {
        &self.site.config.default_language
    }

    /// The relative roots of a page at `path` (in this language): of the
    /// language's pages and of the site. Every page's values are computed with
    /// the roots of its own depth.
    fn roots(&self, path: &str) -> (String, String) {
        let site_root = root_of(&self.path(path));
        (
            format!("{site_root}{}", lang_prefix(self.lang, self.default())),
            site_root,
        )
    }

    /// The output path of a public page in this language.
    fn path(&self, path: &str) -> String {
        format!("{}{path}", lang_prefix(self.lang, self.default()))
    }

    /// The same public page in every language.
    fn alternates(&self, path: &str) -> Vec<(Lang, String)> {
        let default = self.default();
        self.site
            .config
            .languages
            .iter()
            .map(|l| (l.clone(), format!("{}{path}", lang_prefix(l, default))))
            .collect()
    }

    fn page(
        &self,
        path: &str,
        template: &'static str,
        title: String,
        kind: &'static str,
        content_lang: &Lang,
        values: Vec<(&'static str, Value)>,
    ) -> Page {
        Page {
            path: self.path(path),
            template,
            title,
            kind,
            lang: self.lang.clone(),
            content_lang: content_lang.clone(),
            alternates: self.alternates(path),
            values,
        }
    }

    fn t(&self, key: &str, fallback: &str) -> String {
        self.site
            .theme
            .strings
            .get(self.lang)
            .and_then(|s| s.get(key))
            .cloned()
            .unwrap_or_else(|| fallback.to_string())
    }

    /// Articles of a section in this language's order: weight, then title by collation.
    fn articles_of(&self, section: &str) -> Vec<&Article> {
        let mut list: Vec<&Article> = self.site.section_articles(section).collect();
        list.sort_by(|a, b| {
            a.weight
                .cmp(&b.weight)
                .then_with(|| {
                    self.locale.compare(
                        &a.text.get(self.lang).0.title,
                        &b.text.get(self.lang).0.title,
                    )
                })
                .then_with(|| a.id.cmp(&b.id))
        });
        list
    }

    /// Tags in this language's order, as a template value.
    fn sorted_tags(&self, tags: &[String]) -> Value {
        let mut tags: Vec<&String> = tags.iter().collect();
        tags.sort_by(|a, b| self.locale.compare(a, b));
        list(tags.into_iter().map(Value::from))
    }

    /// The knowledge base's sections with their articles, sorted once for every page
    /// that lists them.
    fn listing(&self) -> Vec<ListedSection<'_>> {
        self.site
            .sections
            .iter()
            .map(|s| {
                let (v, _) = s.text.get(self.lang);
                let articles = self
                    .articles_of(&s.id)
                    .into_iter()
                    .map(|a| {
                        let (v, content_lang) = a.text.get(self.lang);
                        Listed {
                            article: a,
                            lang: content_lang,
                            reading_minutes: v.reading_minutes,
                            summary: Value::from(v.summary.as_str()),
                            tags: self.sorted_tags(&v.tags),
                            title: Value::from(v.title.as_str()),
                        }
                    })
                    .collect();
                ListedSection {
                    section: s,
                    title: Value::from(v.title.as_str()),
                    intro_html: &v.intro_html,
                    articles,
                }
            })
            .collect()
    }

    /// The knowledge base's sections with their articles; `root` leads to this language's root.
    fn sections(&self, listing: &[ListedSection<'_>], root: &str, site_root: &str) -> Value {
        list(listing.iter().map(|s| {
            let articles = list(s.articles.iter().map(|a| {
                record! {
                    "lang" => a.lang.as_str(),
                    "reading_minutes" => a.reading_minutes,
                    "summary" => a.summary.clone(),
                    "tags" => a.tags.clone(),
                    "title" => a.title.clone(),
                    "url" => format!("{root}{}/", a.article.id),
                }
            }));
            record! {
                "articles" => articles,
                "id" => s.section.id.as_str(),
                "intro_html" => place_links(s.intro_html, root, site_root),
                "title" => s.title.clone(),
            }
        }))
    }

    /// FAQ entries as template values.
    pub(crate) fn faq_values(&self, faqs: &[&Faq], root: &str, site_root: &str) -> Value {
        list(faqs.iter().map(|f| {
            let (v, content_lang) = f.text.get(self.lang);
            record! {
                "answer_html" => place_links(&v.answer_html, root, site_root),
                "id" => f.id.as_str(),
                "lang" => content_lang.as_str(),
                "lang_attr" => if content_lang == self.lang { "" } else { content_lang.as_str() },
                "question" => v.question.as_str(),
                "tags" => self.sorted_tags(&v.tags),
            }
        }))
    }

    /// Guides, FAQ and links of an item, as template values; `root` leads to this
    /// language's root, `faq_page` is the FAQ page's URL.
    pub(crate) fn references(
        &self,
        item: &Item,
        root: &str,
        faq_page: &str,
    ) -> (Value, Value, Value) {
        let (guides, faq) = self.guides_and_faq(item, root, faq_page);
        (guides, faq, links_value(item))
    }

    /// Guides and FAQ entries of an item: the references whose titles are translated
    /// and whose URLs depend on the page.
    pub(crate) fn guides_and_faq(&self, item: &Item, root: &str, faq_page: &str) -> (Value, Value) {
        let site = self.site;
        let guides = list(
            item.guides
                .iter()
                .filter_map(|id| site.article(id))
                .map(|a| {
                    record! {
                        "title" => a.text.get(self.lang).0.title.as_str(),
                        "url" => format!("{root}{}/", a.id),
                    }
                }),
        );
        let faq = list(item.faq.iter().filter_map(|id| site.faq(id)).map(|f| {
            record! {
                "question" => f.text.get(self.lang).0.question.as_str(),
                "url" => format!("{faq_page}#{}", f.id),
            }
        }));
        (guides, faq)
    }

    /// The preview's calendar: the site's work week without holidays, as in `plan::plan_preview`.
    fn preview_calendar(&self) -> crate::calendar::WorkCalendar {
        self.site.config.calendar.with_holidays([])
    }

    /// A playbook's title and summary in this language, rendered in its preview plan.
    fn playbook_text<'a>(&'a self, plan: &'a Plan) -> (&'a crate::plan::ItemText, &'a Lang) {
        pick(&plan.title, self.lang, self.default())
    }

    fn playbook_summary(&self, p: &Playbook, plan: &Plan, root: &str) -> Value {
        let tasks = plan.visible().filter(|i| i.kind == Kind::Task).count();
        let days = self
            .preview_calendar()
            .business_days_between(plan.kickoff, plan.end);
        let (text, _) = self.playbook_text(plan);
        record! {
            "id" => p.id.as_str(),
            "phase_count" => p.phases.len(),
            "summary_html" => Arc::clone(&text.description_html),
            "task_count" => tasks,
            "title" => text.title.as_str(),
            "total_days" => days,
            "url" => format!("{root}playbooks/{}/", p.id),
        }
    }

    fn preview_timeline(&self, plan: &Plan) -> Timeline {
        let calendar = self.preview_calendar();
        let pattern = self.t("day_single", "Day {n}");
        let label = |d| {
            pattern.replace(
                "{n}",
                &self
                    .locale
                    .number(calendar.business_days_between(plan.kickoff, d)),
            )
        };
        let default = self.default();
        timeline::layout(
            plan.visible(),
            plan.kickoff,
            plan.end,
            None,
            &|i: &Item| i.text(self.lang, default).0.title.clone(),
            &|d, _| label(d),
            &label,
        )
        .draw(&timeline::ChartWords::new(
            &|key, fallback| self.t(key, fallback),
            false,
        ))
    }

    fn preview_values(&self, p: &Playbook, plan: &Plan, root: &str) -> Vec<(&'static str, Value)> {
        let calendar = self.preview_calendar();
        let day = |d| calendar.business_days_between(plan.kickoff, d);
        let default = self.default();
        let faq_page = format!("{root}faq/");
        // Each phase's items, gathered in one pass rather than one pass per phase.
        let mut by_phase: Vec<Vec<&Item>> = vec![Vec::new(); p.phases.len()];
        for item in plan.visible() {
            if let Some(items) = item.phase.and_then(|i| by_phase.get_mut(i)) {
                items.push(item);
            }
        }
        let phases = list(
            p.phases
                .iter()
                .zip(by_phase)
                .enumerate()
                .map(|(i, (phase, items))| {
                    let tasks = list(items.into_iter().map(|item| {
                        let (guides, faq, links) = self.references(item, root, &faq_page);
                        let owner = item
                            .owner
                            .as_ref()
                            .and_then(|o| p.roles.get(o))
                            .map(|r| r.title.get(self.lang).0)
                            .unwrap_or_default();
                        let (text, lang) = item.text(self.lang, default);
                        record! {
                            "conditional" => item.conditional,
                            "description_html" => Arc::clone(&text.description_html),
                            "due_day" => day(item.due),
                            "faq" => faq,
                            "guides" => guides,
                            "id" => item.id.as_str(),
                            "lang" => lang.as_str(),
                            "lang_attr" => if lang == self.lang { "" } else { lang.as_str() },
                            "links" => links,
                            "owner" => owner,
                            "side" => item.side.map(|s| s.as_str()).unwrap_or(""),
                            "start_day" => day(item.start),
                            "title" => text.title.as_str(),
                        }
                    }));
                    let (text, lang) = plan
                        .phases
                        .get(i)
                        .map(|t| pick(t, self.lang, default))
                        .unwrap_or((&*crate::plan::EMPTY_TEXT, default));
                    record! {
                        "description_html" => Arc::clone(&text.description_html),
                        "id" => phase.id.as_str(),
                        "lang" => lang.as_str(),
                        "tasks" => tasks,
                        "title" => text.title.as_str(),
                    }
                }),
        );
        let roles = list(p.roles.iter().map(|(id, r)| {
            record! {
                "contact" => r.contact,
                "id" => id.as_str(),
                "side" => r.side.as_str(),
                "title" => r.title.get(self.lang).0,
            }
        }));
        let milestones = list(
            plan.visible()
                .filter(|i| i.kind == Kind::Milestone)
                .map(|m| {
                    record! {
                        "day" => day(m.due),
                        "id" => m.id.as_str(),
                        "title" => m.text(self.lang, default).0.title.as_str(),
                    }
                }),
        );
        let (text, _) = self.playbook_text(plan);
        vec![
            (
                "playbook",
                record! {
                    "id" => p.id.as_str(),
                    "milestones" => milestones,
                    "phases" => phases,
                    "roles" => roles,
                    "summary_html" => Arc::clone(&text.description_html),
                    "title" => text.title.as_str(),
                    "total_days" => day(plan.end),
                },
            ),
            ("timeline", self.preview_timeline(plan).into_value()),
        ]
    }
}

/// The other links of an item (they do not depend on the language or the page).
pub(crate) fn links_value(item: &Item) -> Value {
    list(
        item.links
            .iter()
            .map(|l| record! { "title" => l.title.as_str(), "url" => l.url.as_str() }),
    )
}

/// A public page, in every language: what an incremental rebuild asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PublicPage<'a> {
    Home,
    KbIndex,
    Faq,
    NotFound,
    Article(&'a str),
    Playbook(&'a str),
    /// sitemap.xml, robots.txt, _headers, theme assets and static files.
    Files,
}

/// The public pages of one language that `want` asks for, but its articles
/// ([`article_page`]); `listing` is the sorted article listing, when the home or
/// knowledge-base page is wanted.
fn language_pages(
    input: &RenderInput<'_>,
    lx: &Lx<'_>,
    listing: Option<&[ListedSection<'_>]>,
    want: &(dyn Fn(PublicPage<'_>) -> bool + Sync),
) -> Vec<Page> {
    let site = input.site;
    let listing = listing.unwrap_or_default();
    let all_faqs: Vec<&Faq> = site.faqs.iter().collect();
    let mut pages = Vec::new();
    if want(PublicPage::Home) {
        pages.push(home_page(input, lx, listing, &all_faqs));
    }
    if want(PublicPage::KbIndex) {
        let (root, site_root) = lx.roots("kb/index.html");
        pages.push(lx.page(
            "kb/index.html",
            "kb_index.html",
            lx.t("knowledge_base", "Knowledge base"),
            "kb_index",
            lx.lang,
            vec![("sections", lx.sections(listing, &root, &site_root))],
        ));
    }
    if want(PublicPage::Faq) {
        let (root, site_root) = lx.roots("faq/index.html");
        pages.push(lx.page(
            "faq/index.html",
            "faq.html",
            lx.t("faq", "Frequently asked questions"),
            "faq",
            lx.lang,
            vec![("faqs", lx.faq_values(&all_faqs, &root, &site_root))],
        ));
    }
    if want(PublicPage::NotFound) {
        pages.push(lx.page(
            "404.html",
            "404.html",
            lx.t("not_found_title", "Page not found"),
            "404",
            lx.lang,
            Vec::new(),
        ));
    }
    for p in site.playbooks.values().filter(|p| !p.draft) {
        if let Some(plan) = input.previews.get(&p.id)
            && want(PublicPage::Playbook(&p.id))
        {
            pages.push(playbook_page(lx, p, plan));
        }
    }
    pages
}

/// The home page: its own text, the public playbooks, the sections and the FAQ.
fn home_page(
    input: &RenderInput<'_>,
    lx: &Lx<'_>,
    listing: &[ListedSection<'_>],
    all_faqs: &[&Faq],
) -> Page {
    let (site, lang) = (input.site, lx.lang);
    let (root, site_root) = lx.roots("index.html");
    let (home_html, home_lang) = match &site.home {
        Some(h) => {
            let (html, l) = h.get(lang);
            (place_links(html, &root, &site_root), l.clone())
        }
        None => (Cow::Borrowed(""), lang.clone()),
    };
    let playbooks = list(
        site.playbooks
            .values()
            .filter(|p| !p.draft)
            .filter_map(|p| {
                input
                    .previews
                    .get(&p.id)
                    .map(|plan| lx.playbook_summary(p, plan, &root))
            }),
    );
    lx.page(
        "index.html",
        "home.html",
        site.config.title_in(lang).to_string(),
        "home",
        &home_lang,
        vec![
            ("intro_html", Value::from(home_html)),
            ("playbooks", playbooks),
            ("sections", lx.sections(listing, &root, &site_root)),
            ("faqs", lx.faq_values(all_faqs, &root, &site_root)),
        ],
    )
}

/// A playbook's public preview.
fn playbook_page(lx: &Lx<'_>, p: &Playbook, plan: &Plan) -> Page {
    let path = format!("playbooks/{}/index.html", p.id);
    let (root, _) = lx.roots(&path);
    let (text, title_lang) = lx.playbook_text(plan);
    let (title, title_lang) = (text.title.clone(), title_lang.clone());
    lx.page(
        &path,
        "playbook.html",
        title,
        "playbook",
        &title_lang,
        lx.preview_values(p, plan, &root),
    )
}

/// An article's page in one language, with `html`, the HTML of the version it
/// shows (with link placeholders).
fn article_page(lx: &Lx<'_>, a: &Article, html: &str) -> Page {
    let path = format!("{}/index.html", a.id);
    let (root, site_root) = lx.roots(&path);
    let (v, content_lang) = a.text.get(lx.lang);
    let section = lx.site.sections.iter().find(|s| s.id == a.section);
    let section_title = section
        .map(|s| s.text.get(lx.lang).0.title.as_str())
        .unwrap_or_default();
    let toc = list(toc(&v.headings).into_iter().map(|h| {
        record! {
            "id" => h.id.as_str(),
            "level" => h.level,
            "title" => h.title.as_str(),
        }
    }));
    let article = record! {
        "html" => place_links(html, &root, &site_root).into_owned(),
        "lang" => content_lang.as_str(),
        "reading_minutes" => v.reading_minutes,
        "section" => a.section.as_str(),
        "section_title" => section_title,
        "summary" => v.summary.as_str(),
        "tags" => lx.sorted_tags(&v.tags),
        "title" => v.title.as_str(),
        "toc" => toc,
        "url" => format!("{root}{}/", a.id),
    };
    lx.page(
        &path,
        "article.html",
        v.title.clone(),
        "article",
        content_lang,
        vec![("article", article)],
    )
}

/// A page's URL path and its `<url>` element in the sitemap.
type SitemapEntry = (String, String);

/// Every public page and file.
pub(crate) fn render_public(input: &RenderInput<'_>, sink: &Sink<'_>) -> Diagnostics {
    render_public_only(input, &|_| true, sink)
}

/// The public pages and files `want` asks for, in every language.
pub(crate) fn render_public_only(
    input: &RenderInput<'_>,
    want: &(dyn Fn(PublicPage<'_>) -> bool + Sync),
    sink: &Sink<'_>,
) -> Diagnostics {
    let site = input.site;
    let base_url = &site.config.base_url;
    let lxs: Vec<Lx<'_>> = site
        .config
        .languages
        .iter()
        .map(|lang| Lx {
            site,
            lang,
            locale: input.locale(lang),
        })
        .collect();
    // The listings (home, knowledge base, FAQ, previews: a few large pages per language,
    // one language at a time) are made while the articles are rendered on the other
    // threads, so their sorting and rendering does not hold the whole build up.
    let listings = || {
        let mut diagnostics = Diagnostics::new();
        let mut sitemap_entries: Vec<SitemapEntry> = Vec::new();
        for lx in &lxs {
            // The sorted listing of every article is made only for the pages that show it.
            let listing =
                (want(PublicPage::Home) || want(PublicPage::KbIndex)).then(|| lx.listing());
            let pages = language_pages(input, lx, listing.as_deref(), want);
            sitemap_entries.extend(
                pages
                    .iter()
                    .filter(|p| p.kind != "404")
                    .map(|p| sitemap_entry(base_url, &p.path, &p.alternates)),
            );
            diagnostics.extend(render_pages(input, pages, false, sink));
        }
        (sitemap_entries, diagnostics)
    };
    // An article's pages in every language are made together, so the HTML of each
    // of its versions is rendered once (an untranslated article shows its original
    // in every language) and let go when its pages are done.
    let articles = || {
        let articles: Vec<&Article> = site
            .articles
            .iter()
            .filter(|a| want(PublicPage::Article(&a.id)))
            .collect();
        articles
            .into_par_iter()
            .with_max_len(crate::PAR_CHUNK)
            .map(|a| {
                let mut html: Vec<(&Lang, String)> = Vec::new();
                let mut entries = Vec::with_capacity(lxs.len());
                let mut problems = Vec::new();
                for lx in &lxs {
                    let (version, content_lang) = a.text.get(lx.lang);
                    let at = match html.iter().position(|(l, _)| *l == content_lang) {
                        Some(at) => at,
                        None => {
                            input
                                .markdown_rendered
                                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            html.push((
                                content_lang,
                                crate::links::article_html(
                                    &a.id,
                                    version.body.text(),
                                    site.config.raw_html,
                                ),
                            ));
                            html.len() - 1
                        }
                    };
                    let page = article_page(lx, a, &html[at].1);
                    entries.push(sitemap_entry(base_url, &page.path, &page.alternates));
                    problems.extend(render_page(input, page, false, sink));
                }
                (entries, problems)
            })
            .collect::<Vec<(Vec<SitemapEntry>, Vec<Diagnostic>)>>()
    };
    let ((mut sitemap_entries, mut diagnostics), rendered) = rayon::join(listings, articles);
    for (entries, problems) in rendered {
        sitemap_entries.extend(entries);
        diagnostics.extend(Diagnostics::from(problems));
    }
    if want(PublicPage::Files) {
        for f in site_files(site, sitemap_entries) {
            sink(f);
        }
    }
    diagnostics
}

/// The files of the public site that are not pages: the sitemap, `_headers`,
/// `robots.txt`, the theme's assets and the static files.
fn site_files(site: &Site, sitemap_entries: Vec<SitemapEntry>) -> Vec<OutputFile> {
    let mut files = vec![
        OutputFile {
            path: "sitemap.xml".into(),
            bytes: sitemap(sitemap_entries).into_bytes(),
        },
        OutputFile {
            path: "_headers".into(),
            bytes: crate::privacy::headers_file(&site.config.csp.header()).into_bytes(),
        },
        OutputFile {
            path: "robots.txt".into(),
            bytes: format!(
                "User-agent: *\nAllow: /\n\nSitemap: {}/sitemap.xml\n",
                site.config.base_url
            )
            .into_bytes(),
        },
    ];
    for (path, bytes) in &site.theme.assets {
        files.push(OutputFile {
            path: format!("assets/{path}"),
            bytes: bytes.clone(),
        });
    }
    for (path, bytes) in &site.static_files {
        files.push(OutputFile {
            path: path.clone(),
            bytes: bytes.clone(),
        });
    }
    files
}

/// A page's `<url>` element of the sitemap, with its address in every language
/// when it has more than one: (the page's URL path, the element).
fn sitemap_entry(base_url: &str, path: &str, alternates: &[(Lang, String)]) -> SitemapEntry {
    use std::fmt::Write as _;

    // HTML's escaping is XML's too (`&#39;` for `'` included).
    use crate::html::escape;
    // The protocol asks for ASCII addresses: pages named in other scripts are
    // percent-encoded UTF-8 here, while links between pages keep them as written.
    use crate::url::encode_for_sitemap;
    let path = dir_url(path);
    let mut out = String::with_capacity(64 + alternates.len() * 96);
    // `write!` into a String cannot fail.
    let _ = write!(
        out,
        "  <url><loc>{}</loc>",
        escape(&format!("{base_url}/{}", encode_for_sitemap(path)))
    );
    if alternates.len() > 1 {
        for (lang, p) in alternates {
            let _ = write!(
                out,
                "<xhtml:link rel=\"alternate\" hreflang=\"{lang}\" href=\"{}\"/>",
                escape(&format!("{base_url}/{}", encode_for_sitemap(dir_url(p))))
            );
        }
    }
    out.push_str("</url>\n");
    (path.to_string(), out)
}

/// The sitemap: every public page's entry, in the order of their paths.
fn sitemap(mut entries: Vec<SitemapEntry>) -> String {
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    out.reserve(entries.iter().map(|(_, e)| e.len()).sum::<usize>() + 10);
    for (_, entry) in &entries {
        out.push_str(entry);
    }
    out.push_str("</urlset>\n");
    out
}

/// Headings of an article for its table of contents (levels 2 and 3).
fn toc(headings: &[crate::model::Heading]) -> Vec<&crate::model::Heading> {
    headings
        .iter()
        .filter(|h| h.level == 2 || h.level == 3)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn place_links_replaces_as_two_replaces_do() {
        let cases = [
            "no links",
            "<a href=\"@@gangway-lang-root@@kb/x/\">x</a><img src=\"@@gangway-site-root@@a.png\">",
            "@@gangway-site-@@gangway-lang-root@@root@@",
            "@@gangway-other@@",
        ];
        for html in cases {
            for (lang_root, site_root) in [("", ""), ("../ms/", "../")] {
                let two = html
                    .replace(LANG_ROOT, lang_root)
                    .replace(SITE_ROOT, site_root);
                assert_eq!(place_links(html, lang_root, site_root), two, "{html}");
            }
        }
    }

    /// The context objects answer templates exactly as the merged maps they replace.
    #[test]
    fn page_context_behaves_as_merged_maps() {
        let mut strings = BTreeMap::new();
        strings.insert("b".to_string(), Value::from("B"));
        strings.insert("a".to_string(), Value::from("A's"));
        strings.insert("days_overdue_one".to_string(), Value::from("{n} day"));
        let t_map = Value::from_pairs(strings.iter().map(|(k, v)| (k.as_str(), v.clone())));
        let t_obj = Value::from_object(Strings::new(strings));
        let shared_obj = Value::from_object(SharedValues {
            lang: Value::from("en"),
            site: record! { "title" => "Site" },
            t: t_obj,
            today: Value::from("today"),
        });
        let shared_map = Value::from_pairs([
            ("lang", Value::from("en")),
            ("site", record! { "title" => "Site" }),
            ("t", t_map),
            ("today", Value::from("today")),
        ]);
        let own = vec![
            ("root", Value::from("../")),
            ("page", record! { "kind" => "home" }),
            ("lang", Value::from("shadowed")),
        ];
        let ctx_obj = Value::from_object(PageContext {
            shared: shared_obj,
            own: own.clone(),
        });
        let ctx_map = minijinja::value::merge_maps([Value::from_pairs(own), shared_map]);
        let env = minijinja::Environment::new();
        let template = "{{ lang }} {{ root }} {{ page.kind }} {{ site.title }} {{ today }} \
            {{ t.a }} {{ t['b'] }} {{ t.missing is defined }} {{ t['days_overdue_' ~ 'one'] }} \
            {{ t|length }} {{ t|tojson }} {{ t }} {% for k, v in t|items %}{{ k }}={{ v }};{% endfor %} \
            {{ x is defined }} {{ range(2)|list }}";
        let with_obj = env.render_str(template, &ctx_obj).unwrap();
        assert_eq!(with_obj, env.render_str(template, &ctx_map).unwrap());
        assert!(
            with_obj.starts_with("en ../ home Site today A"),
            "{with_obj}"
        );
        assert_eq!(
            ctx_obj.try_iter().unwrap().collect::<Vec<_>>(),
            ctx_map.try_iter().unwrap().collect::<Vec<_>>()
        );
    }
}
