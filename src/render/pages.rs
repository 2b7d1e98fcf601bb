//! Public pages: home, knowledge base, FAQ, playbook previews, 404, sitemap and
//! robots.txt, in every language of the site.
//!
//! Built from the site's content and playbooks only; customers are not an input here.
//! The default language is published at the root, every other language under a
//! folder of its name (`ms/kb/setup/`). A page whose text is not translated yet
//! shows the original with a notice, in the original's `lang`.

use std::borrow::Cow;

use minijinja::Value;
use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::lang::Lang;
use crate::model::{Article, Faq, Playbook, Site};
use crate::output::OutputFile;
use crate::plan::Plan;
use crate::render::lang_text;
use crate::render::language::{ListedSection, Lx};
use crate::render::page::{Page, place_links, render_page, render_pages, wrap_tables};
use crate::render::redirects::redirect_pages;
use crate::render::sitemap::{SitemapEntry, sitemap, sitemap_entry};
use crate::render::values::{list, record};
use crate::render::{RenderInput, Sink};

/// A public page, in every language: what an incremental rebuild asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PublicPage<'a> {
    Home,
    KbIndex,
    Faq,
    NotFound,
    Article(&'a str),
    Playbook(&'a str),
    /// The A–Z page: every article, FAQ entry and playbook by title, and the tags.
    AToZ,
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
        pages.push(faq_page(lx, &all_faqs));
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
    if site.config.search.enabled && want(PublicPage::AToZ) {
        pages.push(a_z_page(input, lx));
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

/// The FAQ page: every entry, under the title and introduction of
/// `content/faq/_index.md` when there is one (in this language, else the original's).
fn faq_page(lx: &Lx<'_>, all_faqs: &[&Faq]) -> Page {
    let (root, site_root) = lx.roots("faq/index.html");
    let (title, heading, heading_lang, intro_html) = match &lx.site.faq_page {
        Some(text) => {
            let (v, l) = text.get(lx.lang);
            let attr = if l == lx.lang { "" } else { l.as_str() };
            let intro = place_links(&v.intro_html, &root, &site_root);
            (v.title.clone(), v.title.clone(), attr, intro)
        }
        None => (
            lx.t("faq", "Frequently asked questions"),
            lx.t("faq_heading", "Frequently asked questions"),
            "",
            Cow::Borrowed(""),
        ),
    };
    lx.page(
        "faq/index.html",
        "faq.html",
        title,
        "faq",
        lx.lang,
        vec![
            ("faqs", lx.faq_values(all_faqs, &root, &site_root)),
            ("heading", Value::from(heading)),
            ("heading_lang", Value::from(heading_lang)),
            ("intro_html", Value::from(intro_html)),
        ],
    )
}

/// The home page: its own title and text, the public playbooks, the sections and the FAQ.
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
    // The page is in the language of its text; the title comes with it.
    let heading = match site.home_title.as_ref() {
        Some(t) => {
            let (title, title_lang) = t.get(&home_lang);
            lang_text::text(title.as_str(), title_lang)
        }
        None => lang_text::text(site.config.title_in(lang), lang),
    };
    let mut listed: Vec<&Playbook> = site.playbooks.values().filter(|p| !p.draft).collect();
    listed.sort_by(Playbook::listing_order);
    let playbooks = list(listed.into_iter().filter_map(|p| {
        input
            .previews
            .get(&p.id)
            .map(|plan| lx.playbook_summary(p, plan, &root))
    }));
    lx.page(
        "index.html",
        "home.html",
        site.config.title_in(lang).to_string(),
        "home",
        &home_lang,
        vec![
            ("heading", heading),
            ("intro_html", lang_text::html(home_html, &home_lang)),
            ("playbooks", playbooks),
            ("sections", lx.sections(listing, &root, &site_root)),
            ("faqs", lx.faq_values(all_faqs, &root, &site_root)),
        ],
    )
}

/// A title on the A–Z page, with its address and the language it is written in.
struct Indexed<'a> {
    title: &'a str,
    url: String,
    lang: &'a Lang,
}

impl Indexed<'_> {
    fn value(&self, lx: &Lx<'_>) -> Value {
        record! {
            "lang_attr" => if self.lang == lx.lang { "" } else { self.lang.as_str() },
            "title" => self.title,
            "url" => self.url.as_str(),
        }
    }
}

/// The A–Z page of a language: every article, FAQ entry and playbook preview by
/// title, filed under its first letter ([`crate::locale::index_letter`]) in the
/// language's collation, then every tag with its articles.
fn a_z_page(input: &RenderInput<'_>, lx: &Lx<'_>) -> Page {
    let path = "a-z/index.html";
    let (root, _) = lx.roots(path);
    let site = input.site;
    let mut entries: Vec<Indexed<'_>> = Vec::new();
    for a in &site.articles {
        let (v, lang) = a.text.get(lx.lang);
        let url = format!("{root}{}/", a.id);
        entries.push(Indexed {
            title: &v.title,
            url,
            lang,
        });
    }
    for f in &site.faqs {
        let (v, lang) = f.text.get(lx.lang);
        let url = format!("{root}faq/#{}", f.id);
        entries.push(Indexed {
            title: &v.question,
            url,
            lang,
        });
    }
    for p in site.playbooks.values().filter(|p| !p.draft) {
        if let Some(plan) = input.previews.get(&p.id) {
            let (text, lang) = lx.playbook_text(plan);
            let url = format!("{root}playbooks/{}/", p.id);
            entries.push(Indexed {
                title: &text.title,
                url,
                lang,
            });
        }
    }
    entries.sort_by(|a, b| {
        lx.locale
            .compare(a.title, b.title)
            .then_with(|| a.url.cmp(&b.url))
    });
    // A letter's entries stay together even where collation puts another
    // letter's title among them.
    let mut letters: Vec<(String, Vec<Value>)> = Vec::new();
    for e in &entries {
        let letter = crate::locale::index_letter(e.title);
        match letters.iter_mut().find(|(l, _)| *l == letter) {
            Some((_, list)) => list.push(e.value(lx)),
            None => letters.push((letter, vec![e.value(lx)])),
        }
    }
    let letters = list(
        letters
            .into_iter()
            .enumerate()
            .map(|(i, (letter, entries))| {
                record! {
                    "entries" => Value::from(entries),
                    "id" => format!("letter-{}", i + 1),
                    "letter" => letter,
                }
            }),
    );
    lx.page(
        path,
        "a_z.html",
        lx.t("a_z_title", "A–Z index"),
        "a_z",
        lx.lang,
        vec![("letters", letters), ("tags", a_z_tags(lx, &root))],
    )
}

/// Every tag of the language's articles, in its collation, with its articles by title.
fn a_z_tags(lx: &Lx<'_>, root: &str) -> Value {
    let mut tags: std::collections::BTreeMap<&str, Vec<Indexed<'_>>> = Default::default();
    for a in &lx.site.articles {
        let (v, lang) = a.text.get(lx.lang);
        for tag in &v.tags {
            let url = format!("{root}{}/", a.id);
            let entry = Indexed {
                title: &v.title,
                url,
                lang,
            };
            tags.entry(tag.as_str()).or_default().push(entry);
        }
    }
    let mut tags: Vec<(&str, Vec<Indexed<'_>>)> = tags.into_iter().collect();
    tags.sort_by(|a, b| lx.locale.compare(a.0, b.0).then_with(|| a.0.cmp(b.0)));
    list(
        tags.into_iter()
            .enumerate()
            .map(|(i, (tag, mut articles))| {
                articles.sort_by(|a, b| {
                    lx.locale
                        .compare(a.title, b.title)
                        .then_with(|| a.url.cmp(&b.url))
                });
                record! {
                    "articles" => list(articles.iter().map(|e| e.value(lx))),
                    "id" => format!("tag-{}", i + 1),
                    "tag" => tag,
                }
            }),
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
    // "Edit this page": the shown version's file, from the site root.
    let edit_url = (lx.site.config.edit_url.as_ref())
        .map(|template| template.replace("{path}", &v.body.file.path));
    let article = record! {
        "edit_url" => edit_url,
        "html" => wrap_tables(place_links(html, &root, &site_root), &|n| lx.table_label(content_lang, n)).into_owned(),
        "lang" => content_lang.as_str(),
        "reading_minutes" => v.reading_minutes,
        "section" => a.section.as_str(),
        "section_title" => section_title,
        "summary" => v.summary.as_str(),
        "tags" => lx.sorted_tags(&v.tags),
        "title" => v.title.as_str(),
        "toc" => toc,
        "updated" => v.updated.map(|d| last_updated(lx, d)),
        "url" => format!("{root}{}/", a.id),
    };
    // The page's own description and kind for `<meta name="description">` and
    // the Open Graph tags (the site's description when it has none).
    let meta = record! {
        "description" => v.description.as_str(),
        "type" => "article",
    };
    // "Was this page helpful?": the page and its language, nothing about the
    // reader, so the page stays the same for everyone.
    let vote = lx.site.config.actions.endpoint.as_deref().map(|endpoint| {
        record! {
            "endpoint" => endpoint,
            "lang" => lx.lang.as_str(),
            "page" => a.id.as_str(),
        }
    });
    lx.page(
        &path,
        "article.html",
        v.title.clone(),
        "article",
        content_lang,
        vec![
            ("article", article),
            ("meta", meta),
            ("vote", Value::from(vote)),
        ],
    )
}

/// "Last updated 12 Jun 2024" in `lx`'s language, as HTML: the day in a `<time>`.
fn last_updated(lx: &Lx<'_>, day: jiff::civil::Date) -> String {
    use crate::html::escape;
    let time = format!(
        "<time datetime=\"{day}\">{}</time>",
        escape(&lx.locale.date(day))
    );
    escape(&lx.t("last_updated", "Last updated {date}")).replace("{date}", &time)
}

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
                    .map(|p| sitemap_entry(base_url, &p.path, &p.alternates, None)),
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
            .map(|a| article_pages(input, &lxs, a, sink))
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

/// An article's pages in every language, with their sitemap entries and problems.
/// The HTML of each of its versions is rendered once (an untranslated article
/// shows its original in every language).
fn article_pages(
    input: &RenderInput<'_>,
    lxs: &[Lx<'_>],
    a: &Article,
    sink: &Sink<'_>,
) -> (Vec<SitemapEntry>, Vec<Diagnostic>) {
    let site = input.site;
    let mut html: Vec<(&Lang, String)> = Vec::new();
    let mut entries = Vec::with_capacity(lxs.len());
    let mut problems = Vec::new();
    for lx in lxs {
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
                        &version.body.links_from,
                        version.body.text(),
                        site.config.raw_html,
                        (&site.links.aliases, &site.links.index_pages),
                    ),
                ));
                html.len() - 1
            }
        };
        let page = article_page(lx, a, &html[at].1);
        redirect_pages(site, lx, version, &page, sink);
        let day = version.updated;
        entries.push(sitemap_entry(
            &site.config.base_url,
            &page.path,
            &page.alternates,
            day,
        ));
        problems.extend(render_page(input, page, false, sink));
    }
    (entries, problems)
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
    let search = site.config.search.enabled || site.config.search.portal;
    for (path, bytes) in &site.theme.assets {
        // The search box's script, only where there is a search box.
        if path == "search.js" && !search {
            continue;
        }
        files.push(OutputFile {
            path: format!("assets/{path}"),
            bytes: bytes.clone(),
        });
    }
    let mut redirects = super::redirects::redirects_file(site);
    for (path, bytes) in &site.static_files {
        let mut bytes = bytes.clone();
        // The site's own `_redirects` first, then the pages' earlier addresses.
        if path == "_redirects"
            && let Some(ours) = redirects.take()
        {
            if !bytes.ends_with(b"\n") && !bytes.is_empty() {
                bytes.push(b'\n');
            }
            bytes.extend_from_slice(ours.as_bytes());
        }
        files.push(OutputFile {
            path: path.clone(),
            bytes,
        });
    }
    if let Some(ours) = redirects {
        files.push(OutputFile {
            path: "_redirects".into(),
            bytes: ours.into_bytes(),
        });
    }
    files
}

/// Headings of an article for its table of contents (levels 2 and 3).
fn toc(headings: &[crate::model::Heading]) -> Vec<&crate::model::Heading> {
    headings
        .iter()
        .filter(|h| h.level == 2 || h.level == 3)
        .collect()
}
