//! Public pages: home, knowledge base, FAQ, playbook previews, 404, sitemap, robots.txt.
//!
//! Built from the site's content and playbooks only; customers are not an input here.

use rayon::prelude::*;
use serde_json::{Value as Json, json};

use crate::diagnostic::Diagnostics;
use crate::lang::Lang;
use crate::locale::format_date;
use crate::model::{Article, Faq, Playbook, Site};
use crate::output::OutputFile;
use crate::plan::{Item, Kind, Plan};
use crate::render::timeline::{self, Timeline};
use crate::render::{RenderInput, root_of};
use crate::resolve::content::toc;

/// A page to render: output path, template, title, kind and its own values.
pub(crate) struct Page {
    pub path: String,
    pub template: &'static str,
    pub title: String,
    pub kind: &'static str,
    pub values: Json,
}

/// The values every template gets, merged with the page's own.
pub(crate) fn context(
    site: &Site,
    lang: &Lang,
    page: &Page,
    noindex: bool,
    today: &str,
) -> minijinja::Value {
    let mut ctx = json!({
        // The host serves 404.html at whatever address was missed, so a relative
        // root would be wrong there: use the absolute path of the site instead.
        "root": if page.kind == "404" { base_path(&site.config.base_url) } else { root_of(&page.path) },
        "lang": lang.as_str(),
        "t": &site.theme.strings,
        "site": {
            "title": &site.config.title,
            "description": &site.config.description,
            "base_url": &site.config.base_url,
            "vendor": &site.config.vendor,
        },
        "page": { "title": &page.title, "kind": page.kind, "noindex": noindex },
        "today": today,
    });
    if let (Json::Object(base), Json::Object(own)) = (&mut ctx, &page.values) {
        for (k, v) in own {
            base.insert(k.clone(), v.clone());
        }
    }
    minijinja::Value::from(minijinja::value::Serde(&ctx))
}

/// Renders a list of pages in parallel.
pub(crate) fn render_pages(
    input: &RenderInput<'_>,
    pages: Vec<Page>,
    lang: &Lang,
    noindex: bool,
) -> (Vec<OutputFile>, Diagnostics) {
    let today = format_date(input.today, lang);
    let results: Vec<Result<OutputFile, crate::diagnostic::Diagnostic>> = pages
        .into_par_iter()
        .map(|page| {
            let ctx = context(input.site, lang, &page, noindex, &today);
            input
                .templates
                .render(page.template, ctx)
                .map(|html| OutputFile {
                    path: page.path,
                    bytes: html.into_bytes(),
                })
        })
        .collect();
    let mut files = Vec::new();
    let mut diagnostics = Diagnostics::new();
    for r in results {
        match r {
            Ok(f) => files.push(f),
            Err(d) => diagnostics.push(d),
        }
    }
    (files, diagnostics)
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

fn article_url(id: &str, root: &str) -> String {
    format!("{root}{id}/")
}

fn article_summary(a: &Article, root: &str) -> Json {
    json!({ "title": a.title, "summary": a.summary, "url": article_url(&a.id, root), "tags": a.tags, "lang": a.lang })
}

fn sections(site: &Site, root: &str) -> Json {
    Json::Array(
        site.sections
            .iter()
            .map(|s| {
                let articles: Vec<Json> = site
                    .articles
                    .iter()
                    .filter(|a| a.section == s.id)
                    .map(|a| article_summary(a, root))
                    .collect();
                json!({ "id": s.id, "title": s.title, "intro_html": s.intro_html, "articles": articles })
            })
            .collect(),
    )
}

pub(crate) fn faq_values(faqs: &[&Faq]) -> Json {
    Json::Array(
        faqs.iter()
            .map(|f| json!({ "id": f.id, "question": f.question, "answer_html": f.answer_html, "tags": f.tags, "lang": f.lang }))
            .collect(),
    )
}

/// Guides, FAQ and links of an item, as template values, with URLs relative to `root`.
pub(crate) fn references(
    site: &Site,
    item: &Item,
    root: &str,
    faq_page: &str,
) -> (Json, Json, Json) {
    let guides: Vec<Json> = item
        .guides
        .iter()
        .filter_map(|id| site.articles.iter().find(|a| &a.id == id))
        .map(|a| json!({ "title": a.title, "url": article_url(&a.id, root) }))
        .collect();
    let faq: Vec<Json> = item
        .faq
        .iter()
        .filter_map(|id| site.faqs.iter().find(|f| &f.id == id))
        .map(|f| json!({ "question": f.question, "url": format!("{faq_page}#{}", f.id) }))
        .collect();
    let links: Vec<Json> = item
        .links
        .iter()
        .map(|l| json!({ "title": l.title, "url": l.url }))
        .collect();
    (Json::Array(guides), Json::Array(faq), Json::Array(links))
}

/// The preview's calendar: the site's work week without holidays, as in `plan::plan_preview`.
fn preview_calendar(site: &Site) -> crate::calendar::WorkCalendar {
    site.config.calendar.with_holidays([])
}

fn playbook_summary(site: &Site, p: &Playbook, plan: Option<&Plan>, root: &str) -> Json {
    let tasks = plan.map_or(0, |pl| {
        pl.visible().filter(|i| i.kind == Kind::Task).count()
    });
    let calendar = preview_calendar(site);
    let days = plan.map_or(0, |pl| calendar.business_days_between(pl.kickoff, pl.end));
    json!({
        "id": p.id,
        "title": p.title.source,
        "summary_html": p.summary.as_ref().map(|s| crate::markdown::render_plain(&s.source)).unwrap_or_default(),
        "url": format!("{root}playbooks/{}/", p.id),
        "task_count": tasks,
        "phase_count": p.phases.len(),
        "total_days": days,
    })
}

fn preview_timeline(plan: &Plan, site: &Site) -> Timeline {
    let calendar = preview_calendar(site);
    let label = |d| {
        let n = calendar.business_days_between(plan.kickoff, d).to_string();
        match site.theme.strings.get("day_single") {
            Some(pattern) => pattern.replace("{n}", &n),
            None => format!("Day {n}"),
        }
    };
    timeline::layout(
        plan.visible(),
        plan.kickoff,
        plan.end,
        None,
        &|d, _| label(d),
        &label,
    )
}

fn preview_values(site: &Site, p: &Playbook, plan: &Plan, root: &str) -> Json {
    let calendar = preview_calendar(site);
    let day = |d| calendar.business_days_between(plan.kickoff, d);
    let phases: Vec<Json> = p
        .phases
        .iter()
        .enumerate()
        .map(|(i, phase)| {
            let tasks: Vec<Json> = plan
                .visible()
                .filter(|item| item.phase == Some(i))
                .map(|item| {
                    let (guides, faq, links) = references(site, item, root, &format!("{root}faq/"));
                    let owner = item
                        .owner
                        .as_ref()
                        .and_then(|o| p.roles.get(o))
                        .map(|r| r.title.source.clone())
                        .unwrap_or_default();
                    json!({
                        "id": item.id, "title": item.title, "description_html": item.description_html,
                        "owner": owner, "side": item.side.map(|s| s.as_str()).unwrap_or(""),
                        "start_day": day(item.start), "due_day": day(item.due),
                        "conditional": item.conditional, "guides": guides, "faq": faq, "links": links,
                    })
                })
                .collect();
            json!({
                "id": phase.id,
                "title": crate::text::TextEngine::new().render(&phase.title, &crate::text::placeholder_context()).unwrap_or_else(|_| phase.title.source.clone()),
                "description_html": phase.description.as_ref().map(|d| crate::markdown::render_plain(&d.source)).unwrap_or_default(),
                "tasks": tasks,
            })
        })
        .collect();
    let roles: Vec<Json> = p
        .roles
        .iter()
        .map(|(id, r)| json!({ "id": id, "title": r.title.source, "side": r.side.as_str(), "contact": r.contact }))
        .collect();
    let milestones: Vec<Json> = plan
        .visible()
        .filter(|i| i.kind == Kind::Milestone)
        .map(|m| json!({ "id": m.id, "title": m.title, "day": day(m.due) }))
        .collect();
    json!({
        "playbook": {
            "id": p.id,
            "title": p.title.source,
            "summary_html": p.summary.as_ref().map(|s| crate::markdown::render_plain(&s.source)).unwrap_or_default(),
            "total_days": day(plan.end),
            "roles": roles,
            "phases": phases,
            "milestones": milestones,
        },
        "timeline": preview_timeline(plan, site),
    })
}

/// Every public page and file.
pub(crate) fn render_public(input: &RenderInput<'_>) -> (Vec<OutputFile>, Diagnostics) {
    let site = input.site;
    let lang = &site.config.default_language;
    let t = |key: &str, fallback: &str| {
        site.theme
            .strings
            .get(key)
            .cloned()
            .unwrap_or_else(|| fallback.to_string())
    };
    let public_playbooks: Vec<&Playbook> = site.playbooks.values().filter(|p| !p.draft).collect();
    let all_faqs: Vec<&Faq> = site.faqs.iter().collect();

    let mut pages = vec![
        Page {
            path: "index.html".into(),
            template: "home.html",
            title: site.config.title.clone(),
            kind: "home",
            values: json!({
                "intro_html": site.home_html,
                "playbooks": public_playbooks.iter().map(|p| playbook_summary(site, p, input.previews.get(&p.id), "")).collect::<Vec<_>>(),
                "sections": sections(site, ""),
                "faqs": faq_values(&all_faqs),
            }),
        },
        Page {
            path: "kb/index.html".into(),
            template: "kb_index.html",
            title: t("knowledge_base", "Knowledge base"),
            kind: "kb_index",
            values: json!({ "sections": sections(site, "../") }),
        },
        Page {
            path: "faq/index.html".into(),
            template: "faq.html",
            title: t("faq", "Frequently asked questions"),
            kind: "faq",
            values: json!({ "faqs": faq_values(&all_faqs) }),
        },
        Page {
            path: "404.html".into(),
            template: "404.html",
            title: t("not_found_title", "Page not found"),
            kind: "404",
            values: json!({}),
        },
    ];
    for a in &site.articles {
        let path = format!("{}/index.html", a.id);
        let root = root_of(&path);
        let section_title = site
            .sections
            .iter()
            .find(|s| s.id == a.section)
            .map(|s| s.title.clone())
            .unwrap_or_default();
        pages.push(Page {
            path,
            template: "article.html",
            title: a.title.clone(),
            kind: "article",
            values: json!({
                "article": {
                    "title": a.title, "summary": a.summary, "tags": a.tags, "html": a.html,
                    "toc": toc(&a.headings), "url": article_url(&a.id, &root), "section": a.section, "section_title": section_title,
                }
            }),
        });
    }
    for p in &public_playbooks {
        let Some(plan) = input.previews.get(&p.id) else {
            continue;
        };
        let path = format!("playbooks/{}/index.html", p.id);
        let root = root_of(&path);
        pages.push(Page {
            path,
            template: "playbook.html",
            title: p.title.source.clone(),
            kind: "playbook",
            values: preview_values(site, p, plan, &root),
        });
    }

    let mut sitemap_paths: Vec<String> = pages
        .iter()
        .filter(|p| p.kind != "404")
        .map(|p| p.path.trim_end_matches("index.html").to_string())
        .collect();
    sitemap_paths.sort();

    let (mut files, diagnostics) = render_pages(input, pages, lang, false);
    files.push(OutputFile {
        path: "sitemap.xml".into(),
        bytes: sitemap(&site.config.base_url, &sitemap_paths).into_bytes(),
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
    (files, diagnostics)
}

fn sitemap(base_url: &str, paths: &[String]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for p in paths {
        out.push_str("  <url><loc>");
        out.push_str(&xml_escape(&format!("{base_url}/{p}")));
        out.push_str("</loc></url>\n");
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
