//! One language of the site ([`Lx`]): the values pages in it show about
//! articles, sections, FAQ entries, playbooks and the references of tasks, made
//! the same way for public pages and portals.

use minijinja::Value;

use crate::lang::Lang;
use crate::locale::Locale;
use crate::model::{Article, Faq, Playbook, Section, Site};
use crate::plan::{Item, Kind, Plan, pick};
use crate::render::lang_text;
use crate::render::page::{Page, lang_prefix, place_links};
use crate::render::root_of;
use crate::render::timeline::{self, Timeline};
use crate::render::values::{list, record};

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
pub(crate) struct ListedSection<'a> {
    section: &'a Section,
    title: Value,
    intro_html: &'a str,
    articles: Vec<Listed<'a>>,
}

impl Lx<'_> {
    pub(crate) fn default(&self) -> &Lang {
        &self.site.config.default_language
    }

    /// The relative roots of a page at `path` (in this language): of the
    /// language's pages and of the site. Every page's values are computed with
    /// the roots of its own depth.
    pub(crate) fn roots(&self, path: &str) -> (String, String) {
        let site_root = root_of(&self.path(path));
        (
            format!("{site_root}{}", lang_prefix(self.lang, self.default())),
            site_root,
        )
    }

    /// The output path of a public page in this language.
    pub(crate) fn path(&self, path: &str) -> String {
        format!("{}{path}", lang_prefix(self.lang, self.default()))
    }

    /// The same public page in every language.
    pub(crate) fn alternates(&self, path: &str) -> Vec<(Lang, String)> {
        let default = self.default();
        self.site
            .config
            .languages
            .iter()
            .map(|l| (l.clone(), format!("{}{path}", lang_prefix(l, default))))
            .collect()
    }

    pub(crate) fn page(
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

    /// The name of the n-th table's scroll region on a page whose text is in
    /// `text_lang` (the label is read in the text's language, as it sits inside it).
    pub(crate) fn table_label(&self, text_lang: &Lang, n: usize) -> String {
        let template = self
            .site
            .theme
            .strings
            .get(text_lang)
            .and_then(|s| s.get("table_region"))
            .map_or("Table {n}", String::as_str);
        let n = i64::try_from(n).unwrap_or(i64::MAX);
        let number = if text_lang == self.lang {
            self.locale.number(n)
        } else {
            n.to_string()
        };
        template.replace("{n}", &number)
    }

    pub(crate) fn t(&self, key: &str, fallback: &str) -> String {
        self.site
            .theme
            .strings
            .get(self.lang)
            .and_then(|s| s.get(key))
            .cloned()
            .unwrap_or_else(|| fallback.to_string())
    }

    /// Articles of a section in this language's order: weight, then title by collation.
    pub(crate) fn articles_of(&self, section: &str) -> Vec<&Article> {
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
    pub(crate) fn sorted_tags(&self, tags: &[String]) -> Value {
        let mut tags: Vec<&String> = tags.iter().collect();
        tags.sort_by(|a, b| self.locale.compare(a, b));
        list(tags.into_iter().map(Value::from))
    }

    /// The knowledge base's sections with their articles, sorted once for every page
    /// that lists them.
    pub(crate) fn listing(&self) -> Vec<ListedSection<'_>> {
        self.site
            .sections
            .iter()
            .map(|s| {
                let (v, section_lang) = s.text.get(self.lang);
                let articles = self
                    .articles_of(&s.id)
                    .into_iter()
                    .map(|a| {
                        let (v, content_lang) = a.text.get(self.lang);
                        Listed {
                            article: a,
                            lang: content_lang,
                            reading_minutes: v.reading_minutes,
                            summary: lang_text::text(v.summary.as_str(), content_lang),
                            tags: self.sorted_tags(&v.tags),
                            title: lang_text::text(v.title.as_str(), content_lang),
                        }
                    })
                    .collect();
                ListedSection {
                    section: s,
                    title: lang_text::text(v.title.as_str(), section_lang),
                    intro_html: &v.intro_html,
                    articles,
                }
            })
            .collect()
    }

    /// The knowledge base's sections with their articles; `root` leads to this language's root.
    pub(crate) fn sections(
        &self,
        listing: &[ListedSection<'_>],
        root: &str,
        site_root: &str,
    ) -> Value {
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
                "answer_html" => lang_text::html(
                    crate::render::page::wrap_tables(place_links(&v.answer_html, root, site_root), &|n| {
                        self.table_label(content_lang, n)
                    }),
                    content_lang,
                ),
                "id" => f.id.as_str(),
                "lang" => content_lang.as_str(),
                "lang_attr" => if content_lang == self.lang { "" } else { content_lang.as_str() },
                "question" => lang_text::text(v.question.as_str(), content_lang),
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
                    let (v, l) = a.text.get(self.lang);
                    record! {
                        "title" => lang_text::text(v.title.as_str(), l),
                        "url" => format!("{root}{}/", a.id),
                    }
                }),
        );
        let faq = list(item.faq.iter().filter_map(|id| site.faq(id)).map(|f| {
            let (v, l) = f.text.get(self.lang);
            record! {
                "question" => lang_text::text(v.question.as_str(), l),
                "url" => format!("{faq_page}#{}", f.id),
            }
        }));
        (guides, faq)
    }

    /// The preview's calendar: the site's work week without holidays, as in `plan::plan_preview`.
    pub(crate) fn preview_calendar(&self) -> crate::calendar::WorkCalendar {
        self.site.config.calendar.with_holidays([])
    }

    /// A playbook's title and summary in this language, rendered in its preview plan.
    pub(crate) fn playbook_text<'a>(
        &'a self,
        plan: &'a Plan,
    ) -> (&'a crate::plan::ItemText, &'a Lang) {
        pick(&plan.title, self.lang, self.default())
    }

    pub(crate) fn playbook_summary(&self, p: &Playbook, plan: &Plan, root: &str) -> Value {
        let tasks = plan.visible().filter(|i| i.kind == Kind::Task).count();
        let days = self
            .preview_calendar()
            .business_days_between(plan.kickoff, plan.end);
        let (text, filed) = self.playbook_text(plan);
        record! {
            "id" => p.id.as_str(),
            "phase_count" => p.phases.len(),
            "summary_html" => lang_text::description(text, filed),
            "task_count" => tasks,
            "title" => lang_text::title(text, filed),
            "total_days" => days,
            "url" => format!("{root}playbooks/{}/", p.id),
        }
    }

    pub(crate) fn preview_timeline(&self, plan: &Plan) -> Timeline {
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
            &timeline::Labels {
                row: &|i: &Item| {
                    let (text, filed) = i.text(self.lang, default);
                    let l = text.title_lang(filed);
                    (
                        text.title.clone(),
                        (l != self.lang).then(|| l.as_str().to_string()),
                    )
                },
                tick: &|d, _| label(d),
                date: &label,
            },
        )
        .draw(&timeline::ChartWords::new(
            &|key, fallback| self.t(key, fallback),
            false,
        ))
    }

    pub(crate) fn preview_values(
        &self,
        p: &Playbook,
        plan: &Plan,
        root: &str,
    ) -> Vec<(&'static str, Value)> {
        let calendar = self.preview_calendar();
        let day = |d| calendar.business_days_between(plan.kickoff, d);
        let default = self.default();
        let faq_page = format!("{root}faq/");
        let by_phase = items_by_phase(p, plan);
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
                            .map_or_else(
                                || Value::from(""),
                                |r| lang_text::get(&r.title, self.lang),
                            );
                        let (text, filed) = item.text(self.lang, default);
                        let lang = text.title_lang(filed);
                        record! {
                            "conditional" => item.conditional,
                            "description_html" => lang_text::description(text, filed),
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
                            "title" => lang_text::title(text, filed),
                        }
                    }));
                    let (text, filed) = plan
                        .phases
                        .get(i)
                        .map(|t| pick(t, self.lang, default))
                        .unwrap_or((&*crate::plan::EMPTY_TEXT, default));
                    let lang = text.title_lang(filed);
                    record! {
                        "description_html" => lang_text::description(text, filed),
                        "id" => phase.id.as_str(),
                        "lang" => lang.as_str(),
                        "tasks" => tasks,
                        "title" => lang_text::title(text, filed),
                    }
                }),
        );
        let roles = list(p.roles.iter().map(|(id, r)| {
            record! {
                "contact" => r.contact,
                "id" => id.as_str(),
                "side" => r.side.as_str(),
                "title" => lang_text::get(&r.title, self.lang),
            }
        }));
        let milestones = list(
            plan.visible()
                .filter(|i| i.kind == Kind::Milestone)
                .map(|m| {
                    record! {
                        "day" => day(m.due),
                        "id" => m.id.as_str(),
                        "title" => { let (text, filed) = m.text(self.lang, default); lang_text::title(text, filed) },
                    }
                }),
        );
        let (text, filed) = self.playbook_text(plan);
        vec![
            (
                "playbook",
                record! {
                    "id" => p.id.as_str(),
                    "milestones" => milestones,
                    "phases" => phases,
                    "roles" => roles,
                    "summary_html" => lang_text::description(text, filed),
                    "title" => lang_text::title(text, filed),
                    "total_days" => day(plan.end),
                },
            ),
            ("timeline", self.preview_timeline(plan).into_value()),
        ]
    }
}

/// Each phase's items, gathered in one pass rather than one pass per phase.
fn items_by_phase<'a>(p: &Playbook, plan: &'a Plan) -> Vec<Vec<&'a Item>> {
    let mut by_phase: Vec<Vec<&Item>> = vec![Vec::new(); p.phases.len()];
    for item in plan.visible() {
        if let Some(items) = item.phase.and_then(|i| by_phase.get_mut(i)) {
            items.push(item);
        }
    }
    by_phase
}

/// The other links of an item (they do not depend on the language or the page).
pub(crate) fn links_value(item: &Item) -> Value {
    list(
        item.links
            .iter()
            .map(|l| record! { "title" => l.title.as_str(), "url" => l.url.as_str() }),
    )
}
