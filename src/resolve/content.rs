//! The knowledge base: articles, sections, FAQ entries and the home page text
//! under `content/`, with every relative link checked.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Diagnostics, Label, SourceFile};
use crate::lang::Lang;
use crate::markdown::{self, MdLink};
use crate::model::{Article, Faq, Heading, Section};
use crate::raw::{RawArticleMeta, RawFaqMeta};
use crate::yaml;

/// What the knowledge base resolves to.
#[derive(Debug, Default)]
pub(crate) struct Content {
    pub articles: Vec<Article>,
    pub sections: Vec<Section>,
    pub faqs: Vec<Faq>,
    pub home_html: String,
    /// Pages that exist but could not be read (their problem is already reported):
    /// links and references to them are not reported again.
    pub unreadable: BTreeSet<String>,
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
    file: Arc<SourceFile>,
    body: usize,
    kind: Kind,
    rendered: markdown::Rendered,
}

enum Kind {
    Article(RawArticleMeta),
    Faq(RawFaqMeta),
    SectionIndex(RawArticleMeta),
    Home,
}

/// Parses and checks everything under `content/`. `files` are the Markdown files,
/// `others` the other files (by path under `content/`).
pub(crate) fn resolve_content(
    files: &[Arc<SourceFile>],
    others: &BTreeSet<String>,
    lang: &Lang,
    diagnostics: &mut Diagnostics,
) -> Content {
    let results: Vec<(Option<Parsed>, Diagnostics)> = files
        .par_iter()
        .map(|file| {
            let mut d = Diagnostics::new();
            let parsed = parse_file(file, &mut d);
            (parsed, d)
        })
        .collect();
    let mut parsed = Vec::new();
    let mut unreadable = BTreeSet::new();
    for (file, (p, d)) in files.iter().zip(results) {
        diagnostics.extend(d);
        match p {
            Some(p) => parsed.push(p),
            None => {
                let id = file
                    .path
                    .trim_start_matches("content/")
                    .trim_end_matches(".md");
                unreadable.insert(id.to_string());
            }
        }
    }

    // Link targets: every Markdown file (by id) with its anchors, and every other file.
    let mut anchors: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for p in &parsed {
        let set = p.rendered.headings.iter().map(|h| h.id.clone()).collect();
        anchors.insert(p.id.clone(), set);
    }
    for p in &parsed {
        for link in &p.rendered.links {
            check_link(p, link, &anchors, others, &unreadable, diagnostics);
        }
    }

    let mut content = Content {
        unreadable,
        ..Content::default()
    };
    let mut section_meta: BTreeMap<String, (i64, Section)> = BTreeMap::new();
    for p in parsed {
        match p.kind {
            Kind::Article(meta) => {
                if meta.draft {
                    continue;
                }
                let section = p.id.split('/').next().unwrap_or("").to_string();
                let section = if p.id.contains('/') {
                    section
                } else {
                    String::new()
                };
                content.articles.push(Article {
                    id: p.id,
                    section,
                    lang: lang.clone(),
                    title: meta.title.value,
                    summary: meta.summary.unwrap_or_default(),
                    tags: meta.tags,
                    weight: meta.weight.unwrap_or(0),
                    html: p.rendered.html,
                    headings: p.rendered.headings,
                });
            }
            Kind::Faq(meta) => {
                if meta.draft {
                    continue;
                }
                content.faqs.push(Faq {
                    id: p.id.trim_start_matches("faq/").to_string(),
                    lang: lang.clone(),
                    question: meta.question.value,
                    answer_html: p.rendered.html,
                    tags: meta.tags,
                    weight: meta.weight.unwrap_or(0),
                });
            }
            Kind::SectionIndex(meta) => {
                let id = p.id.trim_end_matches("/_index").to_string();
                section_meta.insert(
                    id.clone(),
                    (
                        meta.weight.unwrap_or(0),
                        Section {
                            id,
                            title: meta.title.value,
                            intro_html: p.rendered.html,
                        },
                    ),
                );
            }
            Kind::Home => content.home_html = p.rendered.html,
        }
    }
    content.articles.sort_by(|a, b| {
        (&a.section, a.weight, &a.title, &a.id).cmp(&(&b.section, b.weight, &b.title, &b.id))
    });
    content
        .faqs
        .sort_by(|a, b| (a.weight, &a.question, &a.id).cmp(&(b.weight, &b.question, &b.id)));
    let used: BTreeSet<&str> = content
        .articles
        .iter()
        .map(|a| a.section.as_str())
        .collect();
    let mut sections: Vec<(i64, Section)> = used
        .into_iter()
        .map(|id| {
            section_meta.remove(id).unwrap_or_else(|| {
                (
                    0,
                    Section {
                        id: id.to_string(),
                        title: default_section_title(id),
                        intro_html: String::new(),
                    },
                )
            })
        })
        .collect();
    sections.sort_by(|a, b| (a.0, &a.1.title).cmp(&(b.0, &b.1.title)));
    content.sections = sections.into_iter().map(|(_, s)| s).collect();
    content
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

fn parse_file(file: &Arc<SourceFile>, diagnostics: &mut Diagnostics) -> Option<Parsed> {
    let path = file.path.strip_prefix("content/")?;
    let id = path.strip_suffix(".md")?.to_string();
    let split = split_front_matter(&file.text);
    let Some((start, len)) = split.yaml else {
        diagnostics.push(
            Diagnostic::error("missing-front-matter", "this page has no front matter")
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
        yaml::parse::<RawArticleMeta>(file, start, len)
            .map_err(|d| diagnostics.push(d))
            .ok()?;
        Kind::Home
    } else if let Some(rest) = id.strip_prefix("faq/") {
        if rest == "_index" {
            return None;
        }
        if rest.contains('/') {
            diagnostics.push(
                Diagnostic::warning("ignored-file", "FAQ entries live directly in content/faq/; this one is in a sub-folder and is ignored")
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
    let dir = match id.rfind('/') {
        Some(i) => id[..i + 1].to_string(),
        None => String::new(),
    };
    // Pages are written as `<id>/index.html`; `root` leads from there to the site root.
    let page_dir = match &kind {
        Kind::Faq(_) => "faq/".to_string(),
        Kind::Home => String::new(),
        Kind::SectionIndex(_) => format!("{}/", id.trim_end_matches("/_index")),
        Kind::Article(_) => format!("{id}/"),
    };
    let root = "../".repeat(page_dir.matches('/').count());
    let body = &file.text[split.body..];
    let rendered = markdown::render(body, &|dest| rewrite_link(dest, &dir, &root));
    Some(Parsed {
        id,
        file: Arc::clone(file),
        body: split.body,
        kind,
        rendered,
    })
}

/// Is `dest` a link inside the site (relative, not `#...`, not `scheme:`)?
fn is_relative(dest: &str) -> bool {
    !(dest.is_empty()
        || dest.starts_with('#')
        || dest.starts_with('/')
        || dest.starts_with("//")
        || dest
            .split_once(':')
            .is_some_and(|(scheme, _)| !scheme.contains('/') && !scheme.contains('.')))
}

/// Resolves `dest` (relative to the folder `dir` under content/) to a path under content/.
fn resolve_path(dest: &str, dir: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for part in dest.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

fn split_anchor(dest: &str) -> (&str, Option<&str>) {
    match dest.split_once('#') {
        Some((path, anchor)) => (path, Some(anchor)),
        None => (dest, None),
    }
}

fn rewrite_link(dest: &str, dir: &str, root: &str) -> Option<String> {
    if !is_relative(dest) {
        return None;
    }
    let (path, anchor) = split_anchor(dest);
    let target = resolve_path(path, dir)?;
    let url = match target.strip_suffix(".md") {
        Some("_index") => root.to_string(),
        Some(id) if id.ends_with("/_index") => format!("{root}{}/", id.trim_end_matches("/_index")),
        Some(id) if id.starts_with("faq/") => {
            format!("{root}faq/#{}", id.trim_start_matches("faq/"))
        }
        Some(id) => format!("{root}{id}/"),
        None => format!("{root}{target}"),
    };
    Some(match anchor {
        Some(a) if !url.contains('#') => format!("{url}#{a}"),
        _ => url,
    })
}

fn check_link(
    page: &Parsed,
    link: &MdLink,
    anchors: &BTreeMap<String, BTreeSet<String>>,
    others: &BTreeSet<String>,
    unreadable: &BTreeSet<String>,
    diagnostics: &mut Diagnostics,
) {
    let here = || Label::new(&page.file, page.body + link.start, page.body + link.end);
    if link.dest.starts_with('/') && !link.dest.starts_with("//") {
        diagnostics.push(
            Diagnostic::warning("absolute-link", format!("`{}` is an absolute path; it breaks when the site is not at the root of its host", link.dest))
                .at(here())
                .help("link to the Markdown file instead, relative to this one: `../kb/setup.md`"),
        );
        return;
    }
    if let Some(anchor) = link.dest.strip_prefix('#') {
        if let Some(set) = anchors.get(&page.id)
            && !set.contains(anchor)
        {
            diagnostics.push(
                Diagnostic::error(
                    "broken-anchor",
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
                "broken-link",
                format!("`{}` leads outside content/", link.dest),
            )
            .at(here())
            .help("link to files inside content/ by their relative path"),
        );
        return;
    };
    match target.strip_suffix(".md") {
        Some(id) if unreadable.contains(id) => {}
        Some(id) => match anchors.get(id) {
            None => {
                let mut d = Diagnostic::error(
                    "broken-link",
                    format!(
                        "`{}` links to content/{target}, which does not exist",
                        link.dest
                    ),
                )
                .at(here());
                let ids = anchors.keys().chain(unreadable).map(String::as_str);
                if let Some(best) = crate::suggest::did_you_mean(id, ids) {
                    d = d.help(format!("did you mean content/{best}.md?"));
                }
                diagnostics.push(d);
            }
            Some(set) => {
                if let Some(anchor) = anchor
                    && !set.contains(anchor)
                {
                    diagnostics.push(
                        Diagnostic::error(
                            "broken-anchor",
                            format!("content/{target} has no heading with the anchor `#{anchor}`"),
                        )
                        .at(here())
                        .help(nearest(anchor, set)),
                    );
                }
            }
        },
        None if !others.contains(&target)
            && !anchors.contains_key(target.trim_end_matches('/')) =>
        {
            diagnostics.push(
                Diagnostic::error(
                    "broken-link",
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

/// Headings of an article for its table of contents (levels 2 and 3).
pub(crate) fn toc(headings: &[Heading]) -> Vec<&Heading> {
    headings
        .iter()
        .filter(|h| h.level == 2 || h.level == 3)
        .collect()
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
    fn links_resolve_relative_to_the_file() {
        assert_eq!(
            rewrite_link("permissions.md", "kb/", "../../").as_deref(),
            Some("../../kb/permissions/")
        );
        assert_eq!(
            rewrite_link("../security/sso.md#metadata", "kb/", "../../").as_deref(),
            Some("../../security/sso/#metadata")
        );
        assert_eq!(
            rewrite_link("img/a.png", "kb/", "../../").as_deref(),
            Some("../../kb/img/a.png")
        );
        assert_eq!(rewrite_link("https://x.example", "kb/", "../../"), None);
        assert_eq!(rewrite_link("mailto:a@b", "kb/", "../../"), None);
        assert_eq!(rewrite_link("#top", "kb/", "../../"), None);
    }
}
