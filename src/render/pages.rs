//! Public pages: home, knowledge base, FAQ, playbook previews, 404, sitemap and
//! robots.txt, in every language of the site.
//!
//! Built from the site's content and playbooks only; customers are not an input here.
//! The default language is published at the root, every other language under a
//! folder of its name (`ms/kb/setup/`). A page whose text is not translated yet
//! shows the original with a notice, in the original's `lang`.

use rayon::prelude::*;
use serde_json::{Value as Json, json};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::lang::Lang;
use crate::locale::Locale;
use crate::model::{Article, Faq, Playbook, Site};
use crate::output::OutputFile;
use crate::plan::{Item, Kind, Plan, pick};
use crate::render::timeline::{self, Timeline};
use crate::render::{RenderInput, Sink, root_of};
use crate::resolve::content::{LANG_ROOT, SITE_ROOT, toc};

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
    pub values: Json,
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

/// Replaces the link placeholders of rendered Markdown for a page.
pub(crate) fn place_links(html: &str, lang_root: &str, site_root: &str) -> String {
    if !html.contains("@@gangway-") {
        return html.to_string();
    }
    html.replace(LANG_ROOT, lang_root)
        .replace(SITE_ROOT, site_root)
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
    // The host serves 404.html at whatever address was missed, so a relative
    // root would be wrong there: use the absolute path of the site instead.
    let site_root = if page.kind == "404" {
        base_path(&site.config.base_url)
    } else {
        root_of(&page.path)
    };
    let root = format!("{site_root}{}", lang_prefix(&page.lang, default));
    let translations: Vec<Json> = page
        .alternates
        .iter()
        .map(|(l, p)| {
            json!({
                "lang": l.as_str(),
                "name": l.native_name(),
                "url": format!("{site_root}{}", dir_url(p)),
                "current": *l == page.lang,
            })
        })
        .collect();
    let alternates: Vec<Json> = page
        .alternates
        .iter()
        .map(|(l, p)| json!({ "lang": l.as_str(), "url": format!("{}/{}", site.config.base_url, dir_url(p)) }))
        .collect();
    let x_default = page
        .alternates
        .iter()
        .find(|(l, _)| l == default)
        .map(|(_, p)| format!("{}/{}", site.config.base_url, dir_url(p)))
        .unwrap_or_default();
    let mut ctx = json!({
        "root": root,
        "site_root": site_root,
        "page": {
            "title": &page.title,
            "kind": page.kind,
            "noindex": noindex,
            "fallback": page.content_lang != page.lang,
            "content_lang": page.content_lang.as_str(),
            "url": format!("{}/{}", site.config.base_url, dir_url(&page.path)),
        },
        "translations": if translations.len() > 1 { translations } else { Vec::new() },
        "alternates": if alternates.len() > 1 { alternates } else { Vec::new() },
        "x_default": x_default,
    });
    if let (Json::Object(base), Json::Object(own)) = (&mut ctx, std::mem::take(&mut page.values)) {
        base.extend(own);
    }
    // The values shared by every page of a language are converted once and merged in.
    minijinja::value::merge_maps([
        minijinja::Value::from(minijinja::value::Serde(&ctx)),
        shared.clone(),
    ])
}

/// The values every page of `lang` shares: `lang`, `t`, `site` and `today` (formatted once).
pub(crate) fn shared_values(site: &Site, lang: &Lang, today: &str) -> minijinja::Value {
    let default = &site.config.default_language;
    let strings = site
        .theme
        .strings
        .get(lang)
        .or_else(|| site.theme.strings.get(default));
    let value = json!({
        "lang": lang.as_str(),
        "today": today,
        "t": strings,
        "site": {
            "title": site.config.title_in(lang),
            "description": site.config.description_in(lang),
            "base_url": &site.config.base_url,
            "vendor": &site.config.vendor,
        },
    });
    minijinja::Value::from(minijinja::value::Serde(&value))
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
        .filter_map(|mut page| {
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
        })
        .collect();
    problems.into()
}

/// Per-language values shared by the pages of one language.
pub(crate) struct Lx<'a> {
    pub site: &'a Site,
    pub lang: &'a Lang,
    pub locale: &'a Locale,
}

impl Lx<'_> {
    fn default(&self) -> &Lang {
        &self.site.config.default_language
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
        values: Json,
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

    fn sorted_tags(&self, tags: &[String]) -> Vec<String> {
        let mut tags = tags.to_vec();
        tags.sort_by(|a, b| self.locale.compare(a, b));
        tags
    }

    fn article_summary(&self, a: &Article, root: &str) -> Json {
        let (v, content_lang) = a.text.get(self.lang);
        json!({
            "title": v.title,
            "summary": v.summary,
            "url": format!("{root}{}/", a.id),
            "tags": self.sorted_tags(&v.tags),
            "lang": content_lang.as_str(),
            "reading_minutes": v.reading_minutes,
        })
    }

    /// The knowledge base's sections with their articles; `root` leads to this language's root.
    fn sections(&self, root: &str, site_root: &str) -> Json {
        Json::Array(
            self.site
                .sections
                .iter()
                .map(|s| {
                    let (v, _) = s.text.get(self.lang);
                    let articles: Vec<Json> = self
                        .articles_of(&s.id)
                        .into_iter()
                        .map(|a| self.article_summary(a, root))
                        .collect();
                    json!({
                        "id": s.id,
                        "title": v.title,
                        "intro_html": place_links(&v.intro_html, root, site_root),
                        "articles": articles,
                    })
                })
                .collect(),
        )
    }

    /// FAQ entries as template values.
    pub(crate) fn faq_values(&self, faqs: &[&Faq], root: &str, site_root: &str) -> Json {
        Json::Array(
            faqs.iter()
                .map(|f| {
                    let (v, content_lang) = f.text.get(self.lang);
                    json!({
                        "id": f.id,
                        "question": v.question,
                        "answer_html": place_links(&v.answer_html, root, site_root),
                        "tags": self.sorted_tags(&v.tags),
                        "lang": content_lang.as_str(),
                        "lang_attr": if content_lang == self.lang { "" } else { content_lang.as_str() },
                    })
                })
                .collect(),
        )
    }

    /// Guides, FAQ and links of an item, as template values; `root` leads to this
    /// language's root, `faq_page` is the FAQ page's URL.
    pub(crate) fn references(&self, item: &Item, root: &str, faq_page: &str) -> (Json, Json, Json) {
        let site = self.site;
        let guides: Vec<Json> = item
            .guides
            .iter()
            .filter_map(|id| site.article(id))
            .map(|a| json!({ "title": a.text.get(self.lang).0.title, "url": format!("{root}{}/", a.id) }))
            .collect();
        let faq: Vec<Json> = item
            .faq
            .iter()
            .filter_map(|id| site.faq(id))
            .map(|f| json!({ "question": f.text.get(self.lang).0.question, "url": format!("{faq_page}#{}", f.id) }))
            .collect();
        let links: Vec<Json> = item
            .links
            .iter()
            .map(|l| json!({ "title": l.title, "url": l.url }))
            .collect();
        (Json::Array(guides), Json::Array(faq), Json::Array(links))
    }

    /// The preview's calendar: the site's work week without holidays, as in `plan::plan_preview`.
    fn preview_calendar(&self) -> crate::calendar::WorkCalendar {
        self.site.config.calendar.with_holidays([])
    }

    /// A playbook's title and summary in this language, rendered in its preview plan.
    fn playbook_text<'a>(&'a self, plan: &'a Plan) -> (&'a crate::plan::ItemText, &'a Lang) {
        pick(&plan.title, self.lang, self.default())
    }

    fn playbook_summary(&self, p: &Playbook, plan: &Plan, root: &str) -> Json {
        let tasks = plan.visible().filter(|i| i.kind == Kind::Task).count();
        let days = self
            .preview_calendar()
            .business_days_between(plan.kickoff, plan.end);
        let (text, _) = self.playbook_text(plan);
        json!({
            "id": p.id,
            "title": text.title,
            "summary_html": text.description_html,
            "url": format!("{root}playbooks/{}/", p.id),
            "task_count": tasks,
            "phase_count": p.phases.len(),
            "total_days": days,
        })
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
    }

    fn preview_values(&self, p: &Playbook, plan: &Plan, root: &str) -> Json {
        let calendar = self.preview_calendar();
        let day = |d| calendar.business_days_between(plan.kickoff, d);
        let default = self.default();
        let phases: Vec<Json> = p
            .phases
            .iter()
            .enumerate()
            .map(|(i, phase)| {
                let tasks: Vec<Json> = plan
                    .visible()
                    .filter(|item| item.phase == Some(i))
                    .map(|item| {
                        let (guides, faq, links) = self.references(item, root, &format!("{root}faq/"));
                        let owner = item
                            .owner
                            .as_ref()
                            .and_then(|o| p.roles.get(o))
                            .map(|r| r.title.get(self.lang).0.to_string())
                            .unwrap_or_default();
                        let (text, lang) = item.text(self.lang, default);
                        json!({
                            "id": item.id, "title": text.title, "description_html": text.description_html,
                            "lang": lang.as_str(),
                            "lang_attr": if lang == self.lang { "" } else { lang.as_str() },
                            "owner": owner, "side": item.side.map(|s| s.as_str()).unwrap_or(""),
                            "start_day": day(item.start), "due_day": day(item.due),
                            "conditional": item.conditional, "guides": guides, "faq": faq, "links": links,
                        })
                    })
                    .collect();
                let (text, lang) = plan
                    .phases
                    .get(i)
                    .map(|t| pick(t, self.lang, default))
                    .unwrap_or((&EMPTY_TEXT, default));
                json!({
                    "id": phase.id,
                    "title": text.title,
                    "description_html": text.description_html,
                    "lang": lang.as_str(),
                    "tasks": tasks,
                })
            })
            .collect();
        let roles: Vec<Json> = p
            .roles
            .iter()
            .map(|(id, r)| json!({ "id": id, "title": r.title.get(self.lang).0, "side": r.side.as_str(), "contact": r.contact }))
            .collect();
        let milestones: Vec<Json> = plan
            .visible()
            .filter(|i| i.kind == Kind::Milestone)
            .map(|m| json!({ "id": m.id, "title": m.text(self.lang, default).0.title, "day": day(m.due) }))
            .collect();
        json!({
            "playbook": {
                "id": p.id,
                "title": self.playbook_text(plan).0.title,
                "summary_html": self.playbook_text(plan).0.description_html,
                "total_days": day(plan.end),
                "roles": roles,
                "phases": phases,
                "milestones": milestones,
            },
            "timeline": self.preview_timeline(plan),
        })
    }
}

static EMPTY_TEXT: crate::plan::ItemText = crate::plan::ItemText {
    title: String::new(),
    description_html: String::new(),
};

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

/// The public pages of one language that `want` asks for.
fn language_pages(
    input: &RenderInput<'_>,
    lang: &Lang,
    want: &dyn Fn(PublicPage<'_>) -> bool,
) -> Vec<Page> {
    let site = input.site;
    let lx = Lx {
        site,
        lang,
        locale: input.locale(lang),
    };
    let public_playbooks: Vec<&Playbook> = site.playbooks.values().filter(|p| !p.draft).collect();
    let all_faqs: Vec<&Faq> = site.faqs.iter().collect();
    // Every page's values are computed with the relative root of its own depth.
    let at = |path: &str| {
        let site_root = root_of(&lx.path(path));
        (
            format!("{site_root}{}", lang_prefix(lang, lx.default())),
            site_root,
        )
    };

    let mut pages = Vec::new();
    if want(PublicPage::Home) {
        let (root, site_root) = at("index.html");
        let (home_html, home_lang) = match &site.home {
            Some(h) => {
                let (html, l) = h.get(lang);
                (place_links(html, &root, &site_root), l.clone())
            }
            None => (String::new(), lang.clone()),
        };
        pages.push(lx.page(
        "index.html",
        "home.html",
        site.config.title_in(lang).to_string(),
        "home",
        &home_lang,
        json!({
            "intro_html": home_html,
            "playbooks": public_playbooks.iter().filter_map(|p| input.previews.get(&p.id).map(|plan| lx.playbook_summary(p, plan, &root))).collect::<Vec<_>>(),
            "sections": lx.sections(&root, &site_root),
            "faqs": lx.faq_values(&all_faqs, &root, &site_root),
        }),
    ));
    }
    if want(PublicPage::KbIndex) {
        let (root, site_root) = at("kb/index.html");
        pages.push(lx.page(
            "kb/index.html",
            "kb_index.html",
            lx.t("knowledge_base", "Knowledge base"),
            "kb_index",
            lang,
            json!({ "sections": lx.sections(&root, &site_root) }),
        ));
    }
    if want(PublicPage::Faq) {
        let (root, site_root) = at("faq/index.html");
        pages.push(lx.page(
            "faq/index.html",
            "faq.html",
            lx.t("faq", "Frequently asked questions"),
            "faq",
            lang,
            json!({ "faqs": lx.faq_values(&all_faqs, &root, &site_root) }),
        ));
    }
    if want(PublicPage::NotFound) {
        pages.push(lx.page(
            "404.html",
            "404.html",
            lx.t("not_found_title", "Page not found"),
            "404",
            lang,
            json!({}),
        ));
    }
    for a in &site.articles {
        if !want(PublicPage::Article(&a.id)) {
            continue;
        }
        let path = format!("{}/index.html", a.id);
        let (root, site_root) = at(&path);
        let (v, content_lang) = a.text.get(lang);
        let section = site.sections.iter().find(|s| s.id == a.section);
        let section_title = section
            .map(|s| s.text.get(lang).0.title.clone())
            .unwrap_or_default();
        pages.push(lx.page(
            &path,
            "article.html",
            v.title.clone(),
            "article",
            content_lang,
            json!({
                "article": {
                    "title": v.title, "summary": v.summary, "tags": lx.sorted_tags(&v.tags),
                    "lang": content_lang.as_str(),
                    "html": place_links(&v.html, &root, &site_root),
                    "toc": toc(&v.headings), "url": format!("{root}{}/", a.id),
                    "section": a.section, "section_title": section_title,
                    "reading_minutes": v.reading_minutes,
                }
            }),
        ));
    }
    for p in &public_playbooks {
        let Some(plan) = input.previews.get(&p.id) else {
            continue;
        };
        if !want(PublicPage::Playbook(&p.id)) {
            continue;
        }
        let path = format!("playbooks/{}/index.html", p.id);
        let (root, _) = at(&path);
        let (text, title_lang) = lx.playbook_text(plan);
        let (title, title_lang) = (text.title.clone(), title_lang.clone());
        pages.push(lx.page(
            &path,
            "playbook.html",
            title,
            "playbook",
            &title_lang,
            lx.preview_values(p, plan, &root),
        ));
    }
    pages
}

/// Every public page and file.
pub(crate) fn render_public(input: &RenderInput<'_>, sink: &Sink<'_>) -> Diagnostics {
    render_public_only(input, &|_| true, sink)
}

/// The public pages and files `want` asks for, in every language.
pub(crate) fn render_public_only(
    input: &RenderInput<'_>,
    want: &dyn Fn(PublicPage<'_>) -> bool,
    sink: &Sink<'_>,
) -> Diagnostics {
    let site = input.site;
    let mut diagnostics = Diagnostics::new();
    let mut sitemap_paths: Vec<(String, Vec<(Lang, String)>)> = Vec::new();
    // One language at a time: its pages are made, rendered and sent on before the next.
    for lang in &site.config.languages {
        let pages = language_pages(input, lang, want);
        sitemap_paths.extend(
            pages
                .iter()
                .filter(|p| p.kind != "404")
                .map(|p| (dir_url(&p.path).to_string(), p.alternates.clone())),
        );
        diagnostics.extend(render_pages(input, pages, false, sink));
    }
    if !want(PublicPage::Files) {
        return diagnostics;
    }
    sitemap_paths.sort_by(|a, b| a.0.cmp(&b.0));
    let mut files = Vec::new();
    files.push(OutputFile {
        path: "sitemap.xml".into(),
        bytes: sitemap(&site.config.base_url, &sitemap_paths).into_bytes(),
    });
    files.push(OutputFile {
        path: "_headers".into(),
        bytes: crate::privacy::headers_file().into_bytes(),
    });
    files.push(OutputFile {
        path: "robots.txt".into(),
        bytes: format!(
            "User-agent: *\nAllow: /\n\nSitemap: {}/sitemap.xml\n",
            site.config.base_url
        )
        .into_bytes(),
    });
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
    for f in files {
        sink(f);
    }
    diagnostics
}

fn sitemap(base_url: &str, pages: &[(String, Vec<(Lang, String)>)]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    for (path, alternates) in pages {
        out.push_str("  <url><loc>");
        out.push_str(&xml_escape(&format!("{base_url}/{path}")));
        out.push_str("</loc>");
        if alternates.len() > 1 {
            for (lang, p) in alternates {
                out.push_str(&format!(
                    "<xhtml:link rel=\"alternate\" hreflang=\"{lang}\" href=\"{}\"/>",
                    xml_escape(&format!("{base_url}/{}", dir_url(p)))
                ));
            }
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
