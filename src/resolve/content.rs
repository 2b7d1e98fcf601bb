//! The knowledge base: articles, sections, FAQ entries and the home page text
//! under `content/`, in every language, with every relative link checked.
//!
//! Translations sit beside the original (`setup.md`, `setup.ms.md`) or in a folder
//! per language (`content/ms/kb/setup.md`). Links are written into the HTML as
//! placeholders ([`crate::links::LANG_ROOT`], [`crate::links::SITE_ROOT`]) that the renderer replaces per page, so
//! one rendering of a page serves every language it is shown in.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostic::{Code, Diagnostic, Diagnostics, Label, SourceFile};
use crate::lang::Lang;
use crate::links::{is_relative, link_dir, page_id, resolve_path, rewrite_link, split_anchor};
use crate::markdown::{self, MdLink};
use crate::model::{
    Article, ArticleVersion, Faq, FaqVersion, LinkTargets, Localized, Section, SectionVersion,
};
use crate::raw::{RawArticleMeta, RawFaqMeta};
use crate::raw_html::{RawHtml, sanitised_warning};
use crate::translation::{Tracker, source_hash};
use crate::yaml;

/// What the knowledge base resolves to.
#[derive(Debug)]
pub(crate) struct Content {
    pub articles: Vec<Article>,
    pub sections: Vec<Section>,
    pub faqs: Vec<Faq>,
    pub home: Option<Localized<String>>,
    /// Markdown files parsed (each exactly once).
    pub parsed: usize,
    /// Pages that exist but could not be read (their problem is already reported):
    /// links and references to them are not reported again.
    pub unreadable: BTreeSet<String>,
    /// What links may lead to, kept so one page can be checked again on its own.
    pub links: LinkTargets,
}

/// The Markdown body and front matter of a file.
pub(crate) struct Split {
    /// Byte range of the YAML between the `---` lines.
    pub yaml: Option<(usize, usize)>,
    /// Byte offset where the body starts.
    pub body: usize,
}

/// Splits `---` front matter from the body.
pub(crate) fn split_front_matter(text: &str) -> Split {
    let first = text.strip_prefix('\u{feff}').map_or(0, |_| 3);
    let rest = &text[first..];
    let open = if rest.starts_with("---\n") {
        4
    } else if rest.starts_with("---\r\n") {
        5
    } else {
        return Split {
            yaml: None,
            body: first,
        };
    };
    let start = first + open;
    let mut pos = start;
    for line in text[start..].split_inclusive('\n') {
        if line.trim_end() == "---" {
            return Split {
                yaml: Some((start, pos - start)),
                body: pos + line.len(),
            };
        }
        pos += line.len();
    }
    Split {
        yaml: None,
        body: first,
    }
}

struct Parsed {
    id: String,
    lang: Lang,
    file: Arc<SourceFile>,
    /// Byte offset of the front matter's YAML in the file.
    yaml_base: usize,
    body: usize,
    kind: Kind,
    /// The source hash of an original (the default language's version); empty for
    /// a translation.
    hash: String,
    rendered: markdown::Rendered,
    /// Minutes to read an article (counted here, while files are parsed in parallel).
    reading_minutes: usize,
}

enum Kind {
    Article(RawArticleMeta),
    Faq(RawFaqMeta),
    SectionIndex(RawArticleMeta),
    Home(RawArticleMeta),
}

impl Kind {
    fn translation_of(&self) -> Option<&crate::yaml::Spanned<String>> {
        match self {
            Kind::Article(m) | Kind::SectionIndex(m) | Kind::Home(m) => m.translation_of.as_ref(),
            Kind::Faq(m) => m.translation_of.as_ref(),
        }
    }
}

/// Whether a page's original (its default-language version, else its first) is a
/// draft; a draft's translations are not published either.
fn is_draft(versions: &BTreeMap<Lang, Parsed>, default: &Lang) -> bool {
    let original = versions.get(default).or_else(|| versions.values().next());
    match original.map(|p| &p.kind) {
        Some(Kind::Article(meta)) => meta.draft,
        Some(Kind::Faq(meta)) => meta.draft,
        _ => false,
    }
}

/// Whether `tag` is written as a language tag: a language of two or three lowercase
/// letters, then optional subtags written as gangway writes them (a script `Hant`, a
/// region `BR` or `419`). `fr`, `pt-BR`, `zh-Hant` are; `2`, `v2`, `FR`, `draft-1` are not.
fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|part| {
            let b = part.as_bytes();
            match b.len() {
                2 => b.iter().all(u8::is_ascii_uppercase),
                3 => b.iter().all(u8::is_ascii_digit),
                4 => b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_lowercase),
                _ => false,
            }
        })
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

/// Where a content file belongs: its id (path under `content/` without language
/// suffix, language folder or `.md`) and its language.
pub(crate) fn content_id(path: &str, default: &Lang, languages: &[Lang]) -> Option<(String, Lang)> {
    let rel = path.strip_prefix("content/")?.strip_suffix(".md")?;
    // A folder per language: content/ms/kb/setup.md.
    if let Some((first, rest)) = rel.split_once('/')
        && let Some(lang) = languages
            .iter()
            .find(|l| l.as_str() == first && *l != default)
    {
        return Some((rest.to_string(), lang.clone()));
    }
    // A suffix: content/kb/setup.ms.md.
    if let Some((stem, suffix)) = rel.rsplit_once('.')
        && !suffix.contains('/')
        && let Some(lang) = languages.iter().find(|l| l.as_str() == suffix)
    {
        return Some((stem.to_string(), lang.clone()));
    }
    Some((rel.to_string(), default.clone()))
}

/// Where the `lang` version of page `id` may be: the paths [`content_id`] maps back
/// to it (the original, or a translation beside it or in the language's folder).
pub(crate) fn version_paths(id: &str, lang: &Lang, default: &Lang) -> Vec<String> {
    if lang == default {
        vec![format!("content/{id}.md")]
    } else {
        vec![
            format!("content/{id}.{lang}.md"),
            format!("content/{lang}/{id}.md"),
        ]
    }
}

/// The Markdown files under `content/`, each parsed on its own (in parallel):
/// what [`resolve_content`] checks against the others.
pub(crate) struct ParsedFiles(Vec<(Option<Parsed>, Diagnostics)>);

/// Parses every Markdown file of `files` (front matter, headings, links, words).
pub(crate) fn parse_content(
    files: &[Arc<SourceFile>],
    default: &Lang,
    languages: &[Lang],
    raw: RawHtml,
) -> ParsedFiles {
    ParsedFiles(
        files
            .par_iter()
            .with_max_len(crate::PAR_CHUNK)
            .map(|file| {
                let mut d = Diagnostics::new();
                let parsed = parse_file(file, default, languages, raw, &mut d);
                (parsed, d)
            })
            .collect(),
    )
}

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
    let (by_id, unreadable) = group_versions(files, parsed, default, languages, diagnostics);
    check_slugs(&by_id, diagnostics);
    let links = link_targets(&by_id, others, &unreadable, default);
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
) -> (BTreeMap<String, BTreeMap<Lang, Parsed>>, BTreeSet<String>) {
    let paths: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let mut by_id: BTreeMap<String, BTreeMap<Lang, Parsed>> = BTreeMap::new();
    let mut unreadable = BTreeSet::new();
    for (file, (p, d)) in files.iter().zip(parsed.0) {
        diagnostics.extend(d);
        match p {
            Some(p)
                if p.lang == *default && stray_translation(&p, &paths, languages, diagnostics) => {}
            Some(p) => {
                let versions = by_id.entry(p.id.clone()).or_default();
                if let Some(first) = versions.get(&p.lang) {
                    diagnostics.push(
                        Diagnostic::error(Code::DuplicatePage, format!("two files give the {} version of `{}`", p.lang, p.id))
                            .at(Label::new(&p.file, 0, 0))
                            .also(Label::new(&first.file, 0, 0).with_message("the other one"))
                            .help("keep one: either `name.LANG.md` beside the original or `content/LANG/...`, not both"),
                    );
                    continue;
                }
                versions.insert(p.lang.clone(), p);
            }
            None => {
                if let Some((id, _)) = content_id(&file.path, default, languages) {
                    unreadable.insert(id);
                }
            }
        }
    }
    (by_id, unreadable)
}

/// Slugs must not collide once case and normalisation are ignored (hosts may do either).
fn check_slugs(by_id: &BTreeMap<String, BTreeMap<Lang, Parsed>>, diagnostics: &mut Diagnostics) {
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
    by_id: &BTreeMap<String, BTreeMap<Lang, Parsed>>,
    others: &BTreeSet<String>,
    unreadable: &BTreeSet<String>,
    default: &Lang,
) -> LinkTargets {
    LinkTargets {
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
        default: default.clone(),
    }
}

/// Adds one page (all its versions) to the content by its kind; drafts are left
/// out, section indexes go to `section_meta` by section id.
fn add_page(
    content: &mut Content,
    section_meta: &mut BTreeMap<String, (i64, Localized<SectionVersion>)>,
    id: String,
    versions: BTreeMap<Lang, Parsed>,
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

/// An article from its parsed versions; `weight` and `original` come from the original.
fn build_article(
    id: String,
    weight: i64,
    original: Lang,
    versions: BTreeMap<Lang, Parsed>,
) -> Article {
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
                    tags: meta.tags,
                    body: crate::model::MarkdownBody {
                        file: p.file,
                        start: p.body,
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

/// An FAQ entry from its parsed versions; `weight` and `original` come from the original.
fn build_faq(id: &str, weight: i64, original: Lang, versions: BTreeMap<Lang, Parsed>) -> Faq {
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
    versions: &BTreeMap<Lang, Parsed>,
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
        if let Some(p) = versions.values().next() {
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
                    "update the translation, then set `translation_of: {}`",
                    original.hash
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
    diagnostics: &mut Diagnostics,
) -> Option<(Reresolved, Option<TrackedItem>)> {
    let default = &links.default;
    let mut versions = BTreeMap::new();
    let faq = id.starts_with("faq/");
    for file in files {
        let p = parse_file(file, default, languages, raw, diagnostics)?;
        let kind_ok = match p.kind {
            Kind::Article(_) => !faq,
            Kind::Faq(_) => faq,
            _ => false,
        };
        if p.id != id || !kind_ok {
            return None;
        }
        if versions.insert(p.lang.clone(), p).is_some() {
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

fn parse_file(
    file: &Arc<SourceFile>,
    default: &Lang,
    languages: &[Lang],
    raw: RawHtml,
    diagnostics: &mut Diagnostics,
) -> Option<Parsed> {
    let (id, lang) = content_id(&file.path, default, languages)?;
    let split = split_front_matter(&file.text);
    let Some((start, len)) = split.yaml else {
        diagnostics.push(
            Diagnostic::error(Code::MissingFrontMatter, "this page has no front matter")
                .at(Label::new(file, 0, 0))
                .help(if id.starts_with("faq/") {
                    "start the file with:\n---\nquestion: ...\n---"
                } else {
                    "start the file with:\n---\ntitle: ...\n---"
                }),
        );
        return None;
    };
    let kind = if id == "_index" {
        Kind::Home(
            yaml::parse(file, start, len)
                .map_err(|d| diagnostics.push(d))
                .ok()?,
        )
    } else if let Some(rest) = id.strip_prefix("faq/") {
        if rest == "_index" {
            return None;
        }
        if rest.contains('/') {
            diagnostics.push(
                Diagnostic::warning(Code::IgnoredFile, "FAQ entries live directly in content/faq/; this one is in a sub-folder and is ignored")
                    .at(Label::new(file, 0, 0)),
            );
            return None;
        }
        Kind::Faq(
            yaml::parse(file, start, len)
                .map_err(|d| diagnostics.push(d))
                .ok()?,
        )
    } else if id.ends_with("/_index") {
        Kind::SectionIndex(
            yaml::parse(file, start, len)
                .map_err(|d| diagnostics.push(d))
                .ok()?,
        )
    } else {
        Kind::Article(
            yaml::parse(file, start, len)
                .map_err(|d| diagnostics.push(d))
                .ok()?,
        )
    };
    let dir = link_dir(&id).to_string();
    let body = &file.text[split.body..];
    // Only an original's hash is compared (with what its translations record).
    let hash = match &kind {
        _ if lang != *default => String::new(),
        Kind::Article(m) | Kind::SectionIndex(m) | Kind::Home(m) => {
            source_hash(&[&m.title.value, m.summary.as_deref().unwrap_or(""), body])
        }
        Kind::Faq(m) => source_hash(&[&m.question.value, body]),
    };
    // An article's HTML is made when its page is rendered (`article_html`); the
    // other pages' HTML (home, section introductions, FAQ answers) is kept.
    let (rendered, reading_minutes) = match kind {
        Kind::Article(_) => {
            let outline = markdown::outline(body, raw);
            let words = crate::locale::word_count(&outline.text);
            let rendered = markdown::Rendered {
                html: String::new(),
                headings: outline.headings,
                links: outline.links,
                dropped: outline.dropped,
                sanitised: outline.sanitised,
            };
            (rendered, words.div_ceil(200).max(1))
        }
        _ => (
            markdown::render(body, &|dest| rewrite_link(dest, &dir), raw),
            0,
        ),
    };
    for s in &rendered.sanitised {
        diagnostics.push(sanitised_warning(file, split.body + s.at, &s.what));
    }
    Some(Parsed {
        reading_minutes,
        id,
        lang,
        file: Arc::clone(file),
        yaml_base: start,
        body: split.body,
        kind,
        hash,
        rendered,
    })
}

fn check_link(page: &Parsed, link: &MdLink, targets: &LinkTargets, diagnostics: &mut Diagnostics) {
    let here = || Label::new(&page.file, page.body + link.start, page.body + link.end);
    if link.dest.starts_with('/') && !link.dest.starts_with("//") {
        diagnostics.push(
            Diagnostic::warning(Code::AbsoluteLink, format!("`{}` is an absolute path; it breaks when the site is not at the root of its host", link.dest))
                .at(here())
                .help("link to the Markdown file instead, relative to this one: `../kb/setup.md`"),
        );
        return;
    }
    if let Some(anchor) = link.dest.strip_prefix('#') {
        if let Some(set) = targets.anchors.get(&(page.id.clone(), page.lang.clone()))
            && !set.contains(anchor)
        {
            diagnostics.push(
                Diagnostic::error(
                    Code::BrokenAnchor,
                    format!("no heading with the anchor `#{anchor}` on this page"),
                )
                .at(here())
                .help(nearest(anchor, set)),
            );
        }
        return;
    }
    if !is_relative(&link.dest) {
        return;
    }
    let dir = match page.id.rfind('/') {
        Some(i) => &page.id[..i + 1],
        None => "",
    };
    let (path, anchor) = split_anchor(&link.dest);
    let Some(target) = resolve_path(path, dir) else {
        diagnostics.push(
            Diagnostic::error(
                Code::BrokenLink,
                format!("`{}` leads outside content/", link.dest),
            )
            .at(here())
            .help("link to files inside content/ by their relative path"),
        );
        return;
    };
    match target.strip_suffix(".md") {
        Some(md) => check_page_link(page, link, targets, &target, md, anchor, diagnostics),
        None if !targets.others.contains(&target)
            && !targets.ids.contains_key(target.trim_end_matches('/')) =>
        {
            diagnostics.push(
                Diagnostic::error(
                    Code::BrokenLink,
                    format!(
                        "`{}` links to content/{target}, which does not exist",
                        link.dest
                    ),
                )
                .at(here())
                .help("link to Markdown files by their `.md` name, and to images beside them"),
            );
        }
        None => {}
    }
}

/// A link to the page `md` (the target's path without `.md`): the page must
/// exist and be published, and have the anchor the link names.
fn check_page_link(
    page: &Parsed,
    link: &MdLink,
    targets: &LinkTargets,
    target: &str,
    md: &str,
    anchor: Option<&str>,
    diagnostics: &mut Diagnostics,
) {
    let here = || Label::new(&page.file, page.body + link.start, page.body + link.end);
    let id = page_id(md);
    if targets.unreadable.contains(&id) {
        return;
    }
    match targets.anchors_of(&id, &page.lang) {
        None => {
            let mut d = Diagnostic::error(
                Code::BrokenLink,
                format!(
                    "`{}` links to content/{target}, which does not exist",
                    link.dest
                ),
            )
            .at(here());
            let ids = targets
                .ids
                .keys()
                .chain(&targets.unreadable)
                .map(String::as_str);
            if let Some(best) = crate::suggest::did_you_mean(&id, ids) {
                d = d.help(format!("did you mean content/{best}.md?"));
            }
            diagnostics.push(d);
        }
        Some(_) if targets.drafts.contains(&id) && !targets.drafts.contains(&page.id) => {
            diagnostics.push(
                Diagnostic::error(
                    Code::LinkToDraft,
                    format!(
                        "`{}` links to content/{target}, which is a draft and is not published",
                        link.dest
                    ),
                )
                .at(here())
                .help(format!(
                    "publish it (remove `draft: true` from content/{id}.md), or remove the link until it is"
                )),
            );
        }
        Some(set) => {
            if let Some(anchor) = anchor
                && !set.contains(anchor)
            {
                diagnostics.push(
                    Diagnostic::error(
                        Code::BrokenAnchor,
                        format!(
                            "content/{target} has no heading with the anchor `#{anchor}` in {}",
                            page.lang
                        ),
                    )
                    .at(here())
                    .help(format!(
                        "{}; in translations, give headings a fixed anchor with `{{#id}}`",
                        nearest(anchor, set)
                    )),
                );
            }
        }
    }
}

fn nearest(anchor: &str, set: &BTreeSet<String>) -> String {
    match crate::suggest::did_you_mean(anchor, set.iter().map(String::as_str)) {
        Some(best) => format!("did you mean `#{best}`?"),
        None if set.is_empty() => "that page has no headings".to_string(),
        None => format!(
            "anchors there: {}",
            set.iter()
                .take(8)
                .map(|s| format!("#{s}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_is_split_with_offsets() {
        let text = "---\ntitle: A\n---\nBody";
        let s = split_front_matter(text);
        let (start, len) = s.yaml.unwrap();
        assert_eq!(&text[start..start + len], "title: A\n");
        assert_eq!(&text[s.body..], "Body");
        assert!(split_front_matter("no front matter").yaml.is_none());
        assert!(split_front_matter("---\nunclosed").yaml.is_none());
    }

    #[test]
    fn version_paths_lead_back_to_their_page() {
        let en = Lang::english();
        let ms = Lang::parse("ms").unwrap();
        let langs = [en.clone(), ms.clone()];
        for lang in &langs {
            for path in version_paths("kb/a", lang, &en) {
                assert_eq!(
                    content_id(&path, &en, &langs),
                    Some(("kb/a".into(), lang.clone()))
                );
            }
        }
    }

    #[test]
    fn translations_are_found_by_suffix_or_folder() {
        let en = Lang::english();
        let ms = Lang::parse("ms").unwrap();
        let langs = [en.clone(), ms.clone()];
        assert_eq!(
            content_id("content/kb/a.md", &en, &langs),
            Some(("kb/a".into(), en.clone()))
        );
        assert_eq!(
            content_id("content/kb/a.ms.md", &en, &langs),
            Some(("kb/a".into(), ms.clone()))
        );
        assert_eq!(
            content_id("content/ms/kb/a.md", &en, &langs),
            Some(("kb/a".into(), ms.clone()))
        );
        // Not a site language: part of the name.
        assert_eq!(
            content_id("content/kb/a.fr.md", &en, &langs),
            Some(("kb/a.fr".into(), en.clone()))
        );
    }
}
