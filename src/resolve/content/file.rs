//! One file under `content/`: where it belongs (its page id and language), its
//! front matter, and what parsing it finds (headings, links, words), each file
//! on its own so they parse in parallel.

use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostic::{Code, Diagnostic, Diagnostics, Label, SourceFile};
use crate::lang::Lang;
use crate::links::rewrite_link;
use crate::markdown;
use crate::raw::{RawArticleMeta, RawFaqMeta};
use crate::raw_html::{RawHtml, sanitised_warning};
use crate::translation::source_hash;
use crate::yaml;

/// The Markdown body and front matter of a file.
pub(crate) struct Split {
    /// Byte range of the front matter between its fence lines.
    pub yaml: Option<(usize, usize)>,
    /// Byte offset where the body starts.
    pub body: usize,
    /// The front matter is TOML (`+++` fences, as Hugo and Zola write it), not YAML.
    pub toml: bool,
}

/// Splits `---` (YAML) or `+++` (TOML) front matter from the body.
pub(crate) fn split_front_matter(text: &str) -> Split {
    let first = text.strip_prefix('\u{feff}').map_or(0, |_| 3);
    let rest = &text[first..];
    let none = Split {
        yaml: None,
        body: first,
        toml: false,
    };
    let fence = if rest.starts_with("---") {
        "---"
    } else if rest.starts_with("+++") {
        "+++"
    } else {
        return none;
    };
    let open = match &rest[3..] {
        r if r.starts_with('\n') => 4,
        r if r.starts_with("\r\n") => 5,
        _ => return none,
    };
    let start = first + open;
    let mut pos = start;
    for line in text[start..].split_inclusive('\n') {
        if line.trim_end() == fence {
            return Split {
                yaml: Some((start, pos - start)),
                body: pos + line.len(),
                toml: fence == "+++",
            };
        }
        pos += line.len();
    }
    none
}

pub(super) struct Parsed {
    pub(super) id: String,
    /// The id its file name gives ([`content_id`]), which its links are
    /// resolved from: the page id but for an `index.md` (`kb/post/index`).
    pub(super) file_id: String,
    pub(super) lang: Lang,
    pub(super) file: Arc<SourceFile>,
    /// Byte offset of the front matter's YAML in the file.
    pub(super) yaml_base: usize,
    pub(super) body: usize,
    pub(super) kind: Kind,
    /// The source hash of an original (the default language's version); empty for
    /// a translation.
    pub(super) hash: String,
    pub(super) rendered: markdown::Rendered,
    /// Minutes to read an article (counted here, while files are parsed in parallel).
    pub(super) reading_minutes: usize,
    /// An article's description, dates and redirects.
    pub(super) extras: super::front::Extras,
}

pub(super) enum Kind {
    Article(RawArticleMeta),
    Faq(RawFaqMeta),
    SectionIndex(RawArticleMeta),
    Home(RawArticleMeta),
}

impl Kind {
    pub(super) fn translation_of(&self) -> Option<&crate::yaml::Spanned<String>> {
        match self {
            Kind::Article(m) | Kind::SectionIndex(m) | Kind::Home(m) => m.translation_of.as_ref(),
            Kind::Faq(m) => m.translation_of.as_ref(),
        }
    }
}

/// Whether `tag` is written as a language tag: a language of two or three lowercase
/// letters, then optional subtags written as gangway writes them (a script `Hant`, a
/// region `BR` or `419`). `fr`, `pt-BR`, `zh-Hant` are; `2`, `v2`, `FR`, `draft-1` are not.
pub(super) fn is_language_tag(tag: &str) -> bool {
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

/// What each `index.md` under `content/` is, decided by its folder (MkDocs and
/// Hugo give the name two meanings): by the id [`content_id`] gives its file
/// (`kb/index`), the id of the page it is. A folder holding other Markdown
/// files (in it or below, `_index.md` included) has it as its section page, as
/// MkDocs has (`kb/index` → `kb/_index`, `index` → `_index`, the home page); a
/// folder holding no other Markdown file is one article, a Hugo leaf bundle, at
/// the folder's address (`kb/post/index` → `kb/post`), its other files beside it.
/// `content/faq/index.md` is always the FAQ page's.
#[derive(Clone, Debug, Default)]
pub(crate) struct IndexPages(pub(crate) std::collections::BTreeMap<String, String>);

impl IndexPages {
    /// The `index.md` files among `paths` (every content file, any language).
    pub(crate) fn of<'a>(
        paths: impl IntoIterator<Item = &'a str>,
        default: &Lang,
        languages: &[Lang],
    ) -> IndexPages {
        let ids: std::collections::BTreeSet<String> = paths
            .into_iter()
            .filter_map(|p| content_id(p, default, languages))
            .map(|(id, _)| id)
            .collect();
        let mut map = std::collections::BTreeMap::new();
        for id in &ids {
            let Some(folder) = index_folder(id) else {
                continue;
            };
            let others = ids
                .range(folder.to_string()..)
                .take_while(|other| other.starts_with(folder))
                .any(|other| other != id);
            let page = if others || folder.is_empty() || folder == "faq/" {
                format!("{folder}_index")
            } else {
                folder.trim_end_matches('/').to_string()
            };
            map.insert(id.clone(), page);
        }
        IndexPages(map)
    }

    /// The page id of the file whose [`content_id`] is `id`.
    pub(crate) fn page(&self, id: String) -> String {
        self.0.get(&id).cloned().unwrap_or(id)
    }
}

/// The folder (`kb/post/`, `""` for content/ itself) of an `index.md` file's
/// [`content_id`]; `None` for any other file.
pub(crate) fn index_folder(id: &str) -> Option<&str> {
    match id.strip_suffix("index")? {
        "" => Some(""),
        folder if folder.ends_with('/') => Some(folder),
        _ => None,
    }
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

/// What the page at `id` is, from its front matter (at `start`, `len` bytes);
/// `None` when the front matter has an error, or the file is not a page (an
/// entry in a sub-folder of content/faq/). The FAQ's `_index.md` is read as a
/// section index (title and introduction of the FAQ page).
fn page_kind(
    file: &Arc<SourceFile>,
    id: &str,
    split: &Split,
    diagnostics: &mut Diagnostics,
) -> Option<Kind> {
    let (start, len) = split.yaml?;
    let toml = split.toml;
    let kind = if id == "_index" {
        Kind::Home(front_matter(file, start, len, toml, diagnostics)?)
    } else if let Some(rest) = id.strip_prefix("faq/") {
        if rest == "_index" {
            return Some(Kind::SectionIndex(
                yaml::parse(file, start, len)
                    .map_err(|d| diagnostics.push(d))
                    .ok()?,
            ));
        }
        if rest.contains('/') {
            diagnostics.push(
                Diagnostic::warning(Code::IgnoredFile, "FAQ entries live directly in content/faq/; this one is in a sub-folder and is ignored")
                    .at(Label::new(file, 0, 0)),
            );
            return None;
        }
        Kind::Faq(front_matter(file, start, len, toml, diagnostics)?)
    } else if id.ends_with("/_index") {
        Kind::SectionIndex(front_matter(file, start, len, toml, diagnostics)?)
    } else {
        Kind::Article(front_matter(file, start, len, toml, diagnostics)?)
    };
    Some(kind)
}

/// The front matter at `start` (`len` bytes), as YAML or TOML; `None` (with the
/// problem in `diagnostics`) when it cannot be read.
fn front_matter<T: serde::de::DeserializeOwned>(
    file: &Arc<SourceFile>,
    start: usize,
    len: usize,
    toml: bool,
    diagnostics: &mut Diagnostics,
) -> Option<T> {
    if toml {
        yaml::parse_toml(file, start, len)
            .map_err(|ds| diagnostics.push_all(ds))
            .ok()
    } else {
        yaml::parse_all(file, start, len)
            .map_err(|ds| diagnostics.push_all(ds))
            .ok()
    }
}

/// The Markdown files under `content/`, each parsed on its own (in parallel):
/// what [`super::resolve_content`] checks against the others.
/// Also what each `index.md` is.
pub(crate) struct ParsedFiles(
    /// Boxed: a `Parsed` is large, and most of a version map's slots are empty.
    pub(super) Vec<(Option<Box<Parsed>>, Diagnostics)>,
    pub(super) IndexPages,
);

/// Parses every Markdown file of `files` (front matter, headings, links, words).
pub(crate) fn parse_content(
    files: &[Arc<SourceFile>],
    default: &Lang,
    languages: &[Lang],
    raw: RawHtml,
) -> ParsedFiles {
    let index = IndexPages::of(files.iter().map(|f| f.path.as_str()), default, languages);
    let parsed = files
        .par_iter()
        .with_max_len(crate::PAR_CHUNK)
        .map(|file| {
            let mut d = Diagnostics::new();
            let parsed = parse_file(file, (default, languages, &index), raw, &mut d);
            (parsed.map(Box::new), d)
        })
        .collect();
    ParsedFiles(parsed, index)
}

/// A page without front matter whose text starts with a `# Title` heading (as
/// MkDocs writes pages): an article or section introduction with that title,
/// and where its body starts (after the heading, which the page shows as its
/// title); the home page's `index.md`, as MkDocs writes it, too. FAQ entries
/// need their front matter.
fn titled_by_heading(file: &Arc<SourceFile>, id: &str, split: &Split) -> Option<(Kind, usize)> {
    if id.starts_with("faq/") {
        return None;
    }
    let body = &file.text[split.body..];
    let skipped = body.len() - body.trim_start().len();
    let line_start = split.body + body[..skipped].rfind('\n').map_or(0, |i| i + 1);
    let line_end = file.text[line_start..]
        .find('\n')
        .map_or(file.text.len(), |i| line_start + i + 1);
    let line = file.text[line_start..line_end].trim_end();
    let heading = line.strip_prefix("# ")?;
    // A closing sequence of `#`s is not part of the title (CommonMark).
    let heading = heading.trim_end_matches('#').trim_end();
    let heading = if heading.is_empty() {
        line[2..].trim()
    } else {
        heading.trim()
    };
    if heading.is_empty() {
        return None;
    }
    let at = line_start + line.find(heading)?;
    let meta = yaml::title_only(file, at..at + heading.len())?;
    let kind = if id == "_index" {
        Kind::Home(meta)
    } else if id.ends_with("/_index") {
        Kind::SectionIndex(meta)
    } else {
        Kind::Article(meta)
    };
    Some((kind, line_end))
}

/// A page with neither front matter nor a first `# Title` heading.
fn no_front_matter(file: &Arc<SourceFile>, id: &str) -> Diagnostic {
    let d = Diagnostic::error(Code::MissingFrontMatter, "this page has no front matter")
        .at(Label::new(file, 0, 0));
    if id.starts_with("faq/") {
        d.help("start the file with:\n---\nquestion: ...\n---")
    } else {
        d.help("start the file with:\n---\ntitle: ...\n---\nor with its title as a first heading: `# Title`")
    }
}

/// A front matter opened and never closed, or holding nothing: said so, at its
/// opening `---`, instead of "no front matter" or the parser's words.
fn front_matter_problem(file: &Arc<SourceFile>, id: &str, split: &Split) -> Option<Diagnostic> {
    let key = if id.starts_with("faq/") {
        "question"
    } else {
        "title"
    };
    let opened = file.text.trim_start_matches('\u{feff}');
    if split.yaml.is_none() && (opened.starts_with("---\n") || opened.starts_with("---\r\n")) {
        let at = file.text.len() - opened.len();
        return Some(
            Diagnostic::error(
                Code::MissingFrontMatter,
                "this page's front matter is not closed: no line `---` ends it",
            )
            .at(Label::new(file, at, at + 3))
            .help(format!(
                "end the front matter with a line holding only `---`:\n---\n{key}: ...\n---"
            )),
        );
    }
    if let Some((start, len)) = split.yaml
        && id != "faq/_index"
        && file.text[start..start + len]
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        return Some(
            Diagnostic::error(
                Code::MissingKey,
                format!("the front matter is empty: this page has no `{key}`"),
            )
            .at(Label::new(file, 0, 3))
            .help(format!(
                "write the page's {key} between the `---` lines: `{key}: ...`"
            )),
        );
    }
    None
}

/// What a page's source hash covers, part by part, each with its name: title,
/// summary, body and description of a page; question and answer of an FAQ entry.
fn hashed_parts<'a>(kind: &'a Kind, body: &'a str) -> Vec<(&'static str, &'a str)> {
    match kind {
        Kind::Article(m) | Kind::SectionIndex(m) | Kind::Home(m) => {
            let mut parts = vec![
                ("title", m.title.value.as_str()),
                ("summary", m.summary.as_deref().unwrap_or("")),
                ("body", body),
            ];
            // A description is translated too (added only when there is one, so
            // pages without one keep their hash).
            parts.extend(m.description.as_deref().map(|d| ("description", d)));
            parts
        }
        Kind::Faq(m) => vec![("question", m.question.value.as_str()), ("answer", body)],
    }
}

/// A page as `gangway translations` reads it (any version, original or
/// translation): what its source hash covers and its `translation_of:`.
pub(crate) struct PageText {
    /// The parts the source hash covers, named ([`hashed_parts`]).
    pub parts: Vec<(&'static str, String)>,
    /// The recorded `translation_of:` and the byte range of its value in the file.
    pub translation_of: Option<(String, (usize, usize))>,
    /// Byte range of the front matter between its fence lines, and whether it is TOML.
    pub front: (usize, usize, bool),
}

/// Reads the page `id` from `file` as a build would (the same front matter
/// checks), without parsing its Markdown; the problems when it cannot be read.
pub(crate) fn page_text(file: &Arc<SourceFile>, id: &str) -> Result<PageText, Diagnostics> {
    let mut diagnostics = Diagnostics::new();
    let split = split_front_matter(&file.text);
    if let Some(problem) = front_matter_problem(file, id, &split) {
        diagnostics.push(problem);
        return Err(diagnostics);
    }
    let Some((start, len)) = split.yaml else {
        diagnostics.push(
            Diagnostic::error(Code::MissingFrontMatter, "this page has no front matter")
                .at(Label::new(file, 0, 0)),
        );
        return Err(diagnostics);
    };
    let Some(kind) = page_kind(file, id, &split, &mut diagnostics) else {
        return Err(diagnostics);
    };
    let body = &file.text[split.body..];
    let parts = hashed_parts(&kind, body)
        .into_iter()
        .map(|(name, text)| (name, text.to_string()))
        .collect();
    let translation_of = kind
        .translation_of()
        .map(|r| (r.value.clone(), yaml::span_in(file, start, &r.place)));
    Ok(PageText {
        parts,
        translation_of,
        front: (start, len, split.toml),
    })
}

/// Parses one content file; `index` says what `index.md` files are.
pub(super) fn parse_file(
    file: &Arc<SourceFile>,
    (default, languages, index): (&Lang, &[Lang], &IndexPages),
    raw: RawHtml,
    diagnostics: &mut Diagnostics,
) -> Option<Parsed> {
    let (file_id, lang) = content_id(&file.path, default, languages)?;
    let id = index.page(file_id.clone());
    let split = split_front_matter(&file.text);
    if let Some(problem) = front_matter_problem(file, &id, &split) {
        diagnostics.push(problem);
        return None;
    }
    let mut split = split;
    let (kind, start) = match split.yaml {
        Some((start, _)) => (page_kind(file, &id, &split, diagnostics)?, start),
        None => match titled_by_heading(file, &id, &split) {
            Some((kind, body)) => {
                split.body = body;
                (kind, 0)
            }
            None => {
                diagnostics.push(no_front_matter(file, &id));
                return None;
            }
        },
    };
    let body = &file.text[split.body..];
    // Only an original's hash is compared (with what its translations record).
    let hash = if lang == *default {
        let parts: Vec<&str> = hashed_parts(&kind, body).iter().map(|p| p.1).collect();
        source_hash(&parts)
    } else {
        String::new()
    };
    // An article's HTML is made when its page is rendered (`article_html`); the
    // other pages' HTML (home, section introductions, FAQ answers) is kept.
    let (rendered, reading_minutes) = match kind {
        Kind::Article(_) => {
            let outline = markdown::outline(body, raw);
            let words = crate::locale::word_count(&outline.text);
            // Kept in the model for every page: without the room its growth left.
            let mut headings = outline.headings;
            headings.shrink_to_fit();
            let rendered = markdown::Rendered {
                html: String::new(),
                headings,
                links: outline.links,
                dropped: outline.dropped,
                sanitised: outline.sanitised,
            };
            (rendered, words.div_ceil(200).max(1))
        }
        _ => (
            markdown::render(body, &|dest| rewrite_link(dest, &file_id, &index.0), raw),
            0,
        ),
    };
    for s in &rendered.sanitised {
        diagnostics.push(sanitised_warning(file, split.body + s.at, &s.what));
    }
    for found in super::shortcodes::find(body) {
        let text = &body[found.start..found.end];
        diagnostics.push(
            Diagnostic::warning(
                Code::Shortcode,
                format!("`{text}` is a shortcode or template tag of another generator; gangway would publish it as it is written"),
            )
            .at(Label::new(file, split.body + found.start, split.body + found.end))
            .help(super::shortcodes::advice(&found.name)),
        );
    }
    let extras = match &kind {
        Kind::Article(meta) => super::front::extras(file, start, &id, meta, diagnostics),
        _ => super::front::Extras::default(),
    };
    Some(Parsed {
        file_id,
        extras,
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
    fn an_index_md_is_its_folders_section_page_or_the_folder_itself() {
        let en = Lang::parse("en").unwrap();
        let langs = [en.clone(), Lang::parse("ms").unwrap()];
        let index = IndexPages::of(
            [
                "content/index.md",
                "content/kb/index.md",
                "content/kb/setup.md",
                "content/kb/post/index.md",
                "content/kb/post/index.ms.md",
                "content/kb/post/map.png",
                "content/ms/guides/index.md",
                "content/guides/deep/a.md",
                "content/faq/index.md",
                "content/kb/index-of-terms.md",
            ],
            &en,
            &langs,
        );
        let page = |id: &str| index.page(id.to_string());
        assert_eq!(page("index"), "_index");
        assert_eq!(page("kb/index"), "kb/_index");
        assert_eq!(page("kb/post/index"), "kb/post");
        // A translation in a language folder counts with its original's folder.
        assert_eq!(page("guides/index"), "guides/_index");
        assert_eq!(page("faq/index"), "faq/_index");
        assert_eq!(page("kb/index-of-terms"), "kb/index-of-terms");
        assert_eq!(index.0.len(), 5, "{index:?}");
        // Alone in the site, content/index.md is still the home page.
        let alone = IndexPages::of(["content/index.md"], &en, &langs);
        assert_eq!(alone.page("index".into()), "_index");
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
