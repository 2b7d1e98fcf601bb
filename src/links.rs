//! Links between pages of the knowledge base. A relative Markdown link is
//! written into a page's HTML as a placeholder address ([`LANG_ROOT`],
//! [`SITE_ROOT`]) that rendering fills in for each page, so an article's HTML is
//! made once for every language and depth it is shown at.

use std::collections::BTreeMap;

use crate::markdown;
use crate::raw_html::RawHtml;

/// Written in place of "the site root plus the page's language prefix" in links to pages.
pub(crate) const LANG_ROOT: &str = "@@gangway-lang-root@@";
/// Written in place of "the site root" in links to files (images beside articles).
pub(crate) const SITE_ROOT: &str = "@@gangway-site-root@@";

/// The HTML of an article's body (its Markdown `body`), with link placeholders (see [`LANG_ROOT`]).
/// A link to a page's earlier address (`aliases`: address → page id) leads to the
/// page itself, so the reader skips the redirect and keeps the link's anchor.
/// `id` is the one the article's file name gives (`kb/post/index` for a leaf
/// bundle's `index.md`: [`crate::model::MarkdownBody::links_from`]);
/// `index_pages` what each `index.md` is.
pub(crate) fn article_html(
    id: &str,
    body: &str,
    raw: RawHtml,
    (aliases, index_pages): (&BTreeMap<String, String>, &BTreeMap<String, String>),
) -> String {
    markdown::render(
        body,
        &|dest| rewrite_link_to(dest, id, aliases, index_pages),
        raw,
    )
    .html
}

/// The folder a page's relative links are resolved against: the folder of its id
/// (a translation in a language folder links like its original does).
pub(crate) fn link_dir(id: &str) -> &str {
    match id.rfind('/') {
        Some(i) => &id[..i + 1],
        None => "",
    }
}

/// The folder of a page's address, which links written as addresses are
/// resolved against: `kb/setup/` for `kb/setup`, `kb/` for `kb/_index`, `faq/`
/// for an FAQ entry, `""` for the home page.
pub(crate) fn address_dir(id: &str) -> String {
    if id == "_index" || id == "index" {
        String::new()
    } else if let Some(section) = id.strip_suffix("/_index").or(id.strip_suffix("/index")) {
        // `kb/index`: MkDocs' section page, or a leaf bundle `kb/post/index`,
        // whose address is its folder's.
        format!("{section}/")
    } else if id.starts_with("faq/") {
        "faq/".to_string()
    } else {
        format!("{id}/")
    }
}

/// What a link inside the site is written as.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum LinkKind {
    /// A Markdown file, relative to the linking file (`setup.md`, `../kb/setup.md`)
    /// or to `content/` (Zola's `@/kb/setup.md`): `target` is its path under content/.
    Markdown,
    /// A page's address, relative to the linking page's address (`../setup/`, as
    /// Hugo and Zola sites link) or to the site root (`/kb/setup/`): `target` is
    /// the page's id, or a folder's path, without a trailing `/`.
    Address,
    /// Another file, relative to the linking file: `target` is its path under content/.
    File,
}

/// A link inside the site, resolved: see [`LinkKind`].
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Resolved<'a> {
    pub kind: LinkKind,
    pub target: String,
    pub anchor: Option<&'a str>,
    /// Written from the site root (`/kb/setup/`).
    pub absolute: bool,
}

/// Resolves `dest`, written on the page `id`; `None` when it is no link inside the
/// site (a URL with a scheme, `#anchor`, `//host`) or leads outside content/.
/// An absolute path counts only when it is written as a page's address.
pub(crate) fn resolve_link<'a>(dest: &'a str, id: &str) -> Option<Resolved<'a>> {
    let (path, anchor) = split_anchor(dest);
    let path = path.split('?').next().unwrap_or(path);
    if let Some(rest) = path.strip_prefix("@/") {
        return Some(Resolved {
            kind: LinkKind::Markdown,
            target: resolve_path(rest, "")?,
            anchor,
            absolute: false,
        });
    }
    let absolute = path.starts_with('/') && !path.starts_with("//");
    if !absolute && !is_relative(dest) {
        return None;
    }
    let last = path.rsplit('/').next().unwrap_or("");
    let kind = if path.ends_with(".md") {
        LinkKind::Markdown
    } else if last.contains('.') && last != "." && last != ".." {
        LinkKind::File
    } else {
        LinkKind::Address
    };
    if absolute && kind != LinkKind::Address {
        return None;
    }
    let target = match kind {
        LinkKind::Address if absolute => resolve_path(path, "")?,
        LinkKind::Address => resolve_path(path, &address_dir(id))?,
        _ => resolve_path(path, link_dir(id))?,
    };
    Some(Resolved {
        kind,
        target,
        anchor,
        absolute,
    })
}

/// Is `dest` a link inside the site (relative, not `#...`, not `scheme:`)?
pub(crate) fn is_relative(dest: &str) -> bool {
    !(dest.is_empty()
        || dest.starts_with('#')
        || dest.starts_with('/')
        || dest.starts_with("//")
        || dest
            .split_once(':')
            .is_some_and(|(scheme, _)| !scheme.contains('/') && !scheme.contains('.')))
}

/// Resolves `dest` (relative to the folder `dir` under content/) to a path under content/.
pub(crate) fn resolve_path(dest: &str, dir: &str) -> Option<String> {
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

pub(crate) fn split_anchor(dest: &str) -> (&str, Option<&str>) {
    match dest.split_once('#') {
        Some((path, anchor)) => (path, Some(anchor)),
        None => (dest, None),
    }
}

/// The placeholder URL for a link inside the site written on the page `id`, or
/// `None` to keep it as written.
pub(crate) fn rewrite_link(
    dest: &str,
    id: &str,
    index_pages: &BTreeMap<String, String>,
) -> Option<String> {
    rewrite_link_to(dest, id, &BTreeMap::new(), index_pages)
}

/// [`rewrite_link`], with links to earlier addresses (`aliases`: address → page
/// id) leading to their pages, and links to `index.md` files to the pages they
/// are (`index_pages`: the id a file name gives → page id).
fn rewrite_link_to(
    dest: &str,
    id: &str,
    aliases: &BTreeMap<String, String>,
    index_pages: &BTreeMap<String, String>,
) -> Option<String> {
    let mut link = resolve_link(dest, id)?;
    if link.kind == LinkKind::Address
        && let Some(page) = aliases.get(&link.target)
    {
        link.target.clone_from(page);
    }
    let page = |id: &str| match id {
        "_index" | "" => LANG_ROOT.to_string(),
        _ if id.ends_with("/_index") => {
            format!("{LANG_ROOT}{}/", id.trim_end_matches("/_index"))
        }
        _ if id.starts_with("faq/") => {
            format!("{LANG_ROOT}faq/#{}", id.trim_start_matches("faq/"))
        }
        _ => format!("{LANG_ROOT}{id}/"),
    };
    let url = match link.kind {
        LinkKind::Markdown => match link.target.strip_suffix(".md") {
            Some(md) => {
                let id = page_id(md);
                page(index_pages.get(&id).unwrap_or(&id))
            }
            None => format!("{SITE_ROOT}{}", link.target),
        },
        LinkKind::Address => page(&link.target),
        LinkKind::File => format!("{SITE_ROOT}{}", link.target),
    };
    Some(match link.anchor {
        Some(a) if !url.contains('#') => format!("{url}#{a}"),
        _ => url,
    })
}

/// A link may name a translation (`setup.ms.md`); it leads to the page, in the reader's language.
pub(crate) fn page_id(md: &str) -> String {
    match md.rsplit_once('.') {
        Some((stem, suffix))
            if !suffix.contains('/')
                && crate::lang::Lang::parse(suffix).is_ok()
                && suffix.len() <= 3 =>
        {
            stem.to_string()
        }
        _ => md.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;

    fn rewrite(dest: &str, id: &str) -> Option<String> {
        rewrite_link(dest, id, &BTreeMap::new())
    }

    #[test]
    fn an_index_md_links_from_its_folder() {
        assert_eq!(address_dir("kb/post/index"), "kb/post/");
        assert_eq!(address_dir("kb/index"), "kb/");
        assert_eq!(address_dir("index"), "");
        assert_eq!(link_dir("kb/post/index"), "kb/post/");
        // The id links are resolved from is the one the file name gives
        // (`MarkdownBody::links_from`, `Parsed::file_id`).
        let languages = [Lang::english(), Lang::parse("ms").unwrap()];
        let file_id = |path: &str| {
            crate::resolve::content::content_id(path, &languages[0], &languages)
                .unwrap()
                .0
        };
        assert_eq!(file_id("content/kb/post/index.md"), "kb/post/index");
        assert_eq!(file_id("content/ms/kb/post/index.md"), "kb/post/index");
        assert_eq!(file_id("content/kb/post/index.ms.md"), "kb/post/index");
        assert_eq!(file_id("content/kb/post.md"), "kb/post");
        assert_eq!(
            link_dir(&file_id("content/kb/index.md")),
            link_dir("kb/_index")
        );
        let pages = BTreeMap::from([
            ("kb/post/index".to_string(), "kb/post".to_string()),
            ("kb/index".to_string(), "kb/_index".to_string()),
        ]);
        let to = |dest: &str| rewrite_link(dest, "kb/a", &pages).unwrap();
        assert_eq!(to("post/index.md#x"), format!("{LANG_ROOT}kb/post/#x"));
        assert_eq!(to("post/index.ms.md"), format!("{LANG_ROOT}kb/post/"));
        assert_eq!(to("index.md"), format!("{LANG_ROOT}kb/"));
        // From the bundle itself, files are beside it.
        assert_eq!(
            rewrite_link("map.png", "kb/post/index", &pages).unwrap(),
            format!("{SITE_ROOT}kb/post/map.png")
        );
    }

    #[test]
    fn links_become_placeholders_resolved_against_the_file() {
        assert_eq!(
            rewrite("permissions.md", "kb/a").unwrap(),
            format!("{LANG_ROOT}kb/permissions/")
        );
        assert_eq!(
            rewrite("../security/sso.md#metadata", "kb/a").unwrap(),
            format!("{LANG_ROOT}security/sso/#metadata")
        );
        assert_eq!(
            rewrite("setup.ms.md", "kb/a").unwrap(),
            format!("{LANG_ROOT}kb/setup/")
        );
        assert_eq!(
            rewrite("img/a.png", "kb/a").unwrap(),
            format!("{SITE_ROOT}kb/img/a.png")
        );
        assert_eq!(rewrite("https://x.example", "kb/a"), None);
        assert_eq!(rewrite("mailto:a@b", "kb/a"), None);
        assert_eq!(rewrite("#top", "kb/a"), None);
        assert_eq!(rewrite("//cdn.example/x.png", "kb/a"), None);
    }

    #[test]
    fn addresses_are_resolved_against_the_page_address() {
        // Hugo and Zola: a page at kb/a/ links to its neighbour as ../b/.
        for dest in ["../b/", "../b", "/kb/b/", "/kb/b", "@/kb/b.md"] {
            assert_eq!(
                rewrite(dest, "kb/a").unwrap(),
                format!("{LANG_ROOT}kb/b/"),
                "{dest}"
            );
        }
        assert_eq!(
            rewrite("../b/#step-2", "kb/a").unwrap(),
            format!("{LANG_ROOT}kb/b/#step-2")
        );
        // From a section's page (kb/) and the home page.
        assert_eq!(
            rewrite("b/", "kb/_index").unwrap(),
            format!("{LANG_ROOT}kb/b/")
        );
        assert_eq!(
            rewrite("kb/b/", "_index").unwrap(),
            format!("{LANG_ROOT}kb/b/")
        );
        assert_eq!(rewrite("../../", "kb/a").unwrap(), LANG_ROOT);
        // An earlier address leads to the page itself.
        let aliases = BTreeMap::from([("kb/old".to_string(), "kb/b".to_string())]);
        assert_eq!(
            rewrite_link_to("../old/#x", "kb/a", &aliases, &BTreeMap::new()).unwrap(),
            format!("{LANG_ROOT}kb/b/#x")
        );
        // Absolute paths to files are left alone (and warned about).
        assert_eq!(rewrite("/images/a.png", "kb/a"), None);
        // Above the site root: not a link inside the site.
        assert_eq!(rewrite("../../../x/", "kb/a"), None);
    }
}
