//! The knowledge base: articles, sections, FAQ entries and the home page text
//! under `content/`, in every language, with every relative link checked.
//!
//! Translations sit beside the original (`setup.md`, `setup.ms.md`) or in a folder
//! per language (`content/ms/kb/setup.md`). Links are written into the HTML as
//! placeholders ([`crate::links::LANG_ROOT`], [`crate::links::SITE_ROOT`]) that the renderer replaces per page, so
//! one rendering of a page serves every language it is shown in.

mod file;
mod front;
mod links;
mod shortcodes;

pub(crate) use file::page_text;
pub(crate) use file::{
    IndexPages, ParsedFiles, content_id, index_folder, parse_content, split_front_matter,
    version_paths,
};

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::diagnostic::{Code, Diagnostic, Diagnostics, Label, SourceFile};
use crate::lang::Lang;
use crate::model::{
    Article, ArticleVersion, Faq, FaqVersion, LinkTargets, Localized, Section, SectionVersion,
};
use crate::raw_html::RawHtml;
use crate::translation::Tracker;
use crate::yaml;

use file::{Kind, Parsed, is_language_tag, parse_file};
use links::check_link;

/// What the knowledge base resolves to.
#[derive(Debug)]
pub(crate) struct Content {
    pub articles: Vec<Article>,
    pub sections: Vec<Section>,
    pub faqs: Vec<Faq>,
    pub home: Option<Localized<String>>,
    /// The home page's title (`content/_index.md`) by language.
    pub home_title: Option<Localized<String>>,
    /// The FAQ page's title and introduction (`content/faq/_index.md`) by language.
    pub faq_page: Option<Localized<SectionVersion>>,
    /// Markdown files parsed (each exactly once).
    pub parsed: usize,
    /// Pages that exist but could not be read (their problem is already reported):
    /// links and references to them are not reported again.
    pub unreadable: BTreeSet<String>,
    /// What links may lead to, kept so one page can be checked again on its own.
    pub links: LinkTargets,
}

/// Whether a page's original (its default-language version, else its first) is a
/// draft; a draft's translations are not published either.
fn is_draft(versions: &Versions, default: &Lang) -> bool {
    let original = versions.get(default).or_else(|| versions.values().next());
    match original.map(|p| &p.kind) {
        Some(Kind::Article(meta)) => meta.draft,
        Some(Kind::Faq(meta)) => meta.draft,
        _ => false,
    }
}

/// Reports a file written as a translation into a language the site does not have
/// (`setup.fr.md`, or `content/fr/kb/setup.md` beside `content/kb/setup.md` when
/// gangway knows the language's name, [`Lang::native_name`]), which
/// would otherwise be published as a page of its own (`/kb/setup.fr/`). True when
/// it is one: it is then not a page.
fn stray_translation(
    p: &Parsed,
    paths: &BTreeSet<&str>,
    languages: &[Lang],
    diagnostics: &mut Diagnostics,
) -> bool {
    let name = p.id.rsplit('/').next().unwrap_or(&p.id);
    let by_suffix = name
        .rsplit_once('.')
        .map(|(_, suffix)| suffix)
        .filter(|s| is_language_tag(s));
    let by_folder = || {
        let (first, rest) = p.id.split_once('/')?;
        let original = format!("content/{rest}.md");
        // A folder is a language only when gangway knows the language by name
        // (`kb/` and other short section names are not), and the page translates one.
        let known = Lang::parse(first).is_ok_and(|l| l.native_name() != l.as_str());
        (is_language_tag(first) && known && paths.contains(original.as_str())).then_some(first)
    };
    let configured: Vec<&str> = languages.iter().map(Lang::as_str).collect();
    let Some(tag) = by_suffix
        .or_else(by_folder)
        .filter(|tag| !configured.contains(tag))
    else {
        return false;
    };
    let help = crate::suggest::hint(tag, configured.iter().copied()).unwrap_or_else(|| {
        format!(
            "add \"{tag}\" to `languages` in gangway.toml to publish it, or rename the file if `{tag}` is part of its name"
        )
    });
    diagnostics.push(
        Diagnostic::error(
            Code::InvalidLanguage,
            format!(
                "{} is a translation into `{tag}`, which is not one of the site's languages ({})",
                p.file.path,
                configured.join(", ")
            ),
        )
        .at(Label::new(&p.file, 0, 0))
        .help(help),
    );
    true
}

/// A page's versions by language, as parsed (boxed: a [`Parsed`] is large, and a
/// map's node holds room for eleven).
type Versions = BTreeMap<Lang, Box<Parsed>>;

/// Checks everything under `content/` and makes the model of it: `files` are the
/// Markdown files as [`parse_content`] parsed them, `others` the other files (by
/// path under `content/`). Runs on one thread.
pub(crate) fn resolve_content(
    files: &[Arc<SourceFile>],
    parsed: ParsedFiles,
    others: &BTreeSet<String>,
    default: &Lang,
    languages: &[Lang],
    tracker: &mut Tracker,
    diagnostics: &mut Diagnostics,
) -> Content {
    let index = parsed.1.clone();
    let (by_id, unreadable) = group_versions(files, parsed, default, languages, diagnostics);
    check_slugs(&by_id, diagnostics);
    let links = link_targets(&by_id, others, (&unreadable, index), default);
    for (id, versions) in &by_id {
        if let Some(item) = check_versions(id, versions, &links, diagnostics) {
            tracker.item(&item.original, &item.hash, &item.translations);
        }
    }
    let parsed_count = by_id.values().map(|v| v.len()).sum();
    let mut content = Content {
        articles: Vec::new(),
        sections: Vec::new(),
        faqs: Vec::new(),
        home: None,
        home_title: None,
        faq_page: None,
        parsed: parsed_count,
        unreadable,
        links,
    };
    let mut section_meta: BTreeMap<String, (i64, Localized<SectionVersion>)> = BTreeMap::new();
    for (id, versions) in by_id {
        add_page(&mut content, &mut section_meta, id, versions, default);
    }
    content
        .faqs
        .sort_by(|a, b| (a.weight, &a.id).cmp(&(b.weight, &b.id)));
    // content/faq/_index.md titles the FAQ page; it is no section of articles.
    content.faq_page = section_meta.remove("faq").map(|(_, text)| text);
    content.sections = sections(&content.articles, section_meta, default);
    content
}

/// Every page's versions by id and language; a version given twice is an error.
/// Also returns the ids of pages that could not be read.
fn group_versions(
    files: &[Arc<SourceFile>],
    parsed: ParsedFiles,
    default: &Lang,
    languages: &[Lang],
    diagnostics: &mut Diagnostics,
) -> (BTreeMap<String, Versions>, BTreeSet<String>) {
    let paths: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let mut by_id: BTreeMap<String, Versions> = BTreeMap::new();
    let mut unreadable = BTreeSet::new();
    let ParsedFiles(parsed, index) = parsed;
    for (file, (p, d)) in files.iter().zip(parsed) {
        diagnostics.extend(d);
        match p {
            Some(p)
                if p.lang == *default && stray_translation(&p, &paths, languages, diagnostics) => {}
            Some(p) => {
                let versions = by_id.entry(p.id.clone()).or_default();
                if let Some(first) = versions.get(&p.lang) {
                    diagnostics.push(duplicate_page(&p, first));
                    continue;
                }
                versions.insert(p.lang.clone(), p);
            }
            None => {
                if let Some((id, _)) = content_id(&file.path, default, languages) {
                    unreadable.insert(index.page(id));
                }
            }
        }
    }
    (by_id, unreadable)
}

/// Two files that give the same version of a page: a translation written both
/// ways, or a folder's page written both as gangway's `_index.md` and as
/// MkDocs' `index.md` (or a leaf bundle `post/index.md` beside `post.md`).
fn duplicate_page(p: &Parsed, first: &Parsed) -> Diagnostic {
    let index = |q: &Parsed| file::index_folder(&q.file_id).is_some();
    let help = if index(p) || index(first) {
        "keep one: `index.md` is the same page as the other file (a folder's `_index.md`, or `name.md` for the folder `name/`); merge them into one of the two"
    } else {
        "keep one: either `name.LANG.md` beside the original or `content/LANG/...`, not both"
    };
    Diagnostic::error(
        Code::DuplicatePage,
        format!("two files give the {} version of `{}`", p.lang, p.id),
    )
    .at(Label::new(&p.file, 0, 0))
    .also(Label::new(&first.file, 0, 0).with_message("the other one"))
    .help(help)
}

/// Slugs must not collide once case and normalisation are ignored (hosts may do either).
fn check_slugs(by_id: &BTreeMap<String, Versions>, diagnostics: &mut Diagnostics) {
    let mut slugs: BTreeMap<String, &str> = BTreeMap::new();
    for (id, versions) in by_id {
        let slug = crate::locale::nfc(id).to_lowercase();
        if let Some(other) = slugs.insert(slug, id)
            && let Some(p) = versions.values().next()
        {
            diagnostics.push(
                Diagnostic::error(
                    Code::SlugCollision,
                    format!("`{id}` and `{other}` would be published at the same address"),
                )
                .at(Label::new(&p.file, 0, 0))
                .help("addresses ignore upper and lower case; rename one of the files"),
            );
        }
    }
}

/// Link targets: every page's anchors per language, and every other file.
fn link_targets(
    by_id: &BTreeMap<String, Versions>,
    others: &BTreeSet<String>,
    (unreadable, index): (&BTreeSet<String>, file::IndexPages),
    default: &Lang,
) -> LinkTargets {
    LinkTargets {
        index_pages: index.0,
        ids: by_id
            .iter()
            .filter_map(|(id, versions)| Some((id.clone(), versions.keys().next()?.clone())))
            .collect(),
        anchors: by_id
            .iter()
            .flat_map(|(id, versions)| {
                versions.iter().map(move |(lang, p)| {
                    let set = p.rendered.headings.iter().map(|h| h.id.clone()).collect();
                    ((id.clone(), lang.clone()), set)
                })
            })
            .collect(),
        others: others.clone(),
        unreadable: unreadable.clone(),
        drafts: by_id
            .iter()
            .filter(|(_, versions)| is_draft(versions, default))
            .map(|(id, _)| id.clone())
            .collect(),
        aliases: by_id
            .iter()
            .flat_map(|(id, versions)| {
                versions.values().flat_map(move |p| {
                    p.extras.aliases.iter().map(move |path| {
                        let address = path.strip_suffix("/index.html").unwrap_or(path);
                        (address.to_string(), id.clone())
                    })
                })
            })
            .collect(),
        default: default.clone(),
    }
}

/// Adds one page (all its versions) to the content by its kind; drafts are left
/// out, section indexes go to `section_meta` by section id.
fn add_page(
    content: &mut Content,
    section_meta: &mut BTreeMap<String, (i64, Localized<SectionVersion>)>,
    id: String,
    versions: Versions,
    default: &Lang,
) {
    let original = if versions.contains_key(default) {
        default.clone()
    } else {
        versions
            .keys()
            .next()
            .cloned()
            .unwrap_or_else(|| default.clone())
    };
    let Some(first) = versions.get(&original) else {
        return;
    };
    match &first.kind {
        Kind::Article(meta) => {
            if !meta.draft {
                let weight = meta.weight.unwrap_or(0);
                content
                    .articles
                    .push(build_article(id, weight, original, versions));
            }
        }
        Kind::Faq(meta) => {
            if !meta.draft {
                let weight = meta.weight.unwrap_or(0);
                content
                    .faqs
                    .push(build_faq(&id, weight, original, versions));
            }
        }
        Kind::SectionIndex(meta) => {
            let weight = meta.weight.unwrap_or(0);
            let sid = id.trim_end_matches("/_index").to_string();
            let mut out = BTreeMap::new();
            for (lang, p) in versions {
                if let Kind::SectionIndex(meta) = p.kind {
                    out.insert(
                        lang,
                        SectionVersion {
                            title: meta.title.value,
                            intro_html: p.rendered.html,
                        },
                    );
                }
            }
            section_meta.insert(
                sid,
                (
                    weight,
                    Localized {
                        original,
                        versions: out,
                    },
                ),
            );
        }
        Kind::Home(_) => {
            let titles = versions
                .iter()
                .filter_map(|(l, p)| match &p.kind {
                    Kind::Home(meta) => Some((l.clone(), meta.title.value.clone())),
                    _ => None,
                })
                .collect();
            content.home_title = Some(Localized {
                original: original.clone(),
                versions: titles,
            });
            let out = versions
                .into_iter()
                .map(|(l, p)| (l, p.rendered.html))
                .collect();
            content.home = Some(Localized {
                original,
                versions: out,
            });
        }
    }
}

/// The sections that have articles, by weight then id; a section without an
/// `_index.md` is titled after its folder.
fn sections(
    articles: &[Article],
    mut section_meta: BTreeMap<String, (i64, Localized<SectionVersion>)>,
    default: &Lang,
) -> Vec<Section> {
    let used: BTreeSet<&str> = articles.iter().map(|a| a.section.as_str()).collect();
    let mut sections: Vec<(i64, Section)> = used
        .into_iter()
        .map(|id| {
            let (weight, text) = section_meta.remove(id).unwrap_or_else(|| {
                (
                    0,
                    Localized {
                        original: default.clone(),
                        versions: BTreeMap::from([(
                            default.clone(),
                            SectionVersion {
                                title: default_section_title(id),
                                intro_html: String::new(),
                            },
                        )]),
                    },
                )
            });
            (
                weight,
                Section {
                    id: id.to_string(),
                    text,
                },
            )
        })
        .collect();
    sections.sort_by(|a, b| (a.0, &a.1.id).cmp(&(b.0, &b.1.id)));
    sections.into_iter().map(|(_, s)| s).collect()
}

/// The days of the site's files in its git history when `[content]
/// last_updated = "git"` asks for them and the binary read them.
pub(crate) fn git_days<'a>(
    config: &crate::config::Config,
    options: &'a crate::options::BuildOptions,
) -> Option<&'a BTreeMap<String, jiff::civil::Date>> {
    match (&config.last_updated, &options.git_dates) {
        (crate::config::LastUpdated::Git(_), crate::options::GitDates::Read { days, .. }) => {
            Some(days)
        }
        _ => None,
    }
}

/// Each article's "Last updated" from the last commit that changed its file
/// (`days`, by path), where its front matter writes no `lastmod` or `updated`.
pub(crate) fn date_from_git(parsed: &mut ParsedFiles, days: &BTreeMap<String, jiff::civil::Date>) {
    for p in parsed.0.iter_mut().filter_map(|(p, _)| p.as_mut()) {
        commit_day(p, days);
    }
}

fn commit_day(p: &mut Parsed, days: &BTreeMap<String, jiff::civil::Date>) {
    if matches!(p.kind, Kind::Article(_)) {
        p.extras.commit_day(days.get(&p.file.path).copied());
    }
}

/// An article from its parsed versions; `weight` and `original` come from the original.
fn build_article(id: String, weight: i64, original: Lang, versions: Versions) -> Article {
    let section = match id.split_once('/') {
        Some((s, _)) => s.to_string(),
        None => String::new(),
    };
    let mut out = BTreeMap::new();
    for (lang, p) in versions {
        if let Kind::Article(meta) = p.kind {
            out.insert(
                lang,
                ArticleVersion {
                    title: meta.title.value,
                    summary: meta.summary.unwrap_or_default(),
                    tags: all_tags(meta.tags, meta.taxonomies),
                    description: p.extras.description,
                    updated: p.extras.updated,
                    aliases: p.extras.aliases,
                    body: crate::model::MarkdownBody {
                        file: p.file,
                        start: p.body,
                        links_from: p.file_id,
                    },
                    headings: p.rendered.headings,
                    reading_minutes: p.reading_minutes,
                },
            );
        }
    }
    Article {
        id,
        section,
        weight,
        text: Localized {
            original,
            versions: out,
        },
    }
}

/// The tags of a page: `tags`, then Zola's `[taxonomies] tags`, each once.
fn all_tags(mut tags: Vec<String>, taxonomies: Option<crate::raw::RawTaxonomies>) -> Vec<String> {
    for tag in taxonomies.map(|t| t.tags).unwrap_or_default() {
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    tags
}

/// An FAQ entry from its parsed versions; `weight` and `original` come from the original.
fn build_faq(id: &str, weight: i64, original: Lang, versions: Versions) -> Faq {
    let mut out = BTreeMap::new();
    for (lang, p) in versions {
        if let Kind::Faq(meta) = p.kind {
            out.insert(
                lang,
                FaqVersion {
                    question: meta.question.value,
                    answer_html: p.rendered.html,
                    tags: meta.tags,
                },
            );
        }
    }
    Faq {
        id: id.trim_start_matches("faq/").to_string(),
        weight,
        text: Localized {
            original,
            versions: out,
        },
    }
}

/// What the translation report records about one page: see [`Tracker::item`].
pub(crate) struct TrackedItem {
    pub original: String,
    pub hash: String,
    pub translations: Vec<(String, String, Option<String>)>,
}

/// Checks every version of one page: its links, and whether its translations are
/// up to date. Returns what the translation report records (`None` without an original).
fn check_versions(
    id: &str,
    versions: &Versions,
    links: &LinkTargets,
    diagnostics: &mut Diagnostics,
) -> Option<TrackedItem> {
    for p in versions.values() {
        for link in &p.rendered.links {
            check_link(p, link, links, diagnostics);
        }
        for d in &p.rendered.dropped {
            let label = Label::new(&p.file, p.body + d.start, p.body + d.end);
            diagnostics.push(d.diagnostic(label));
        }
    }
    let default = &links.default;
    let Some(original) = versions.get(default) else {
        // An original that did not parse is reported already: its translations
        // have one, it only cannot be read.
        if let Some(p) = versions.values().next()
            && !links.unreadable.contains(id)
        {
            diagnostics.push(
                Diagnostic::warning(
                    Code::TranslationWithoutOriginal,
                    format!(
                        "`{}` has a {} version but no original in {default}",
                        id, p.lang
                    ),
                )
                .at(Label::new(&p.file, 0, 0))
                .help(format!(
                    "add content/{id}.md; until then this version is shown in every language"
                )),
            );
        }
        return None;
    };
    let mut list = Vec::new();
    for (lang, p) in versions {
        if lang == default {
            continue;
        }
        let recorded = p.kind.translation_of();
        if let Some(r) = recorded
            && r.value.trim() != original.hash
        {
            diagnostics.push(
                Diagnostic::warning(
                    Code::OutdatedTranslation,
                    format!(
                        "this {lang} translation was made from an older version of {}",
                        original.file.path
                    ),
                )
                .at(yaml::label(&p.file, p.yaml_base, r))
                .help(format!(
                    "update the translation, then set `translation_of: {}` (`gangway translations stamp {}` does; `gangway translations status` shows what changed)",
                    original.hash, p.file.path
                )),
            );
        }
        list.push((
            lang.to_string(),
            p.file.path.clone(),
            recorded.map(|r| r.value.trim().to_string()),
        ));
    }
    Some(TrackedItem {
        original: original.file.path.clone(),
        hash: original.hash.clone(),
        translations: list,
    })
}

/// A page resolved again from the files of all its versions.
pub(crate) enum Reresolved {
    Article(Article),
    /// With the anchors of each version (FAQ versions do not keep their headings).
    Faq(Faq, BTreeMap<Lang, BTreeSet<String>>),
    /// A draft now: not published.
    Draft,
}

/// An article or FAQ entry resolved again from the files of all its versions,
/// checked against the rest of the site as it was: for incremental rebuilds.
/// `files` are the Markdown files of every version of `id`. `None` when a file
/// no longer parses as a version of the same kind of page (its problems are in
/// `diagnostics`).
pub(crate) fn reresolve_page(
    id: &str,
    files: &[Arc<SourceFile>],
    links: &LinkTargets,
    languages: &[Lang],
    raw: RawHtml,
    days: Option<&BTreeMap<String, jiff::civil::Date>>,
    diagnostics: &mut Diagnostics,
) -> Option<(Reresolved, Option<TrackedItem>)> {
    let default = &links.default;
    let mut versions = BTreeMap::new();
    let faq = id.starts_with("faq/");
    for file in files {
        // `index.md` files are not updated on their own (see
        // `incremental::Touched::sort`): every other file is the page its name says.
        let none = file::IndexPages::default();
        let mut p = parse_file(file, (default, languages, &none), raw, diagnostics)?;
        if let Some(days) = days {
            commit_day(&mut p, days);
        }
        let kind_ok = match p.kind {
            Kind::Article(_) => !faq,
            Kind::Faq(_) => faq,
            _ => false,
        };
        if p.id != id || !kind_ok {
            return None;
        }
        if versions.insert(p.lang.clone(), Box::new(p)).is_some() {
            return None;
        }
    }
    let item = check_versions(id, &versions, links, diagnostics);
    let original = if versions.contains_key(default) {
        default.clone()
    } else {
        versions.keys().next()?.clone()
    };
    let (draft, weight) = match &versions.get(&original)?.kind {
        Kind::Article(meta) => (meta.draft, meta.weight),
        Kind::Faq(meta) => (meta.draft, meta.weight),
        _ => return None,
    };
    if draft {
        return Some((Reresolved::Draft, item));
    }
    let weight = weight.unwrap_or(0);
    let page = if faq {
        let anchors = versions
            .iter()
            .map(|(lang, p)| {
                let set = p.rendered.headings.iter().map(|h| h.id.clone()).collect();
                (lang.clone(), set)
            })
            .collect();
        Reresolved::Faq(build_faq(id, weight, original, versions), anchors)
    } else {
        Reresolved::Article(build_article(id.to_string(), weight, original, versions))
    };
    Some((page, item))
}

/// `kb` → `Knowledge base`, `getting-started` → `Getting started`.
fn default_section_title(id: &str) -> String {
    match id {
        "" => "Articles".to_string(),
        "kb" => "Knowledge base".to_string(),
        _ => {
            let words = id.replace(['-', '_'], " ");
            let mut chars = words.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        }
    }
}
