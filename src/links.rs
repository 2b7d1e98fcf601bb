//! Links between pages of the knowledge base. A relative Markdown link is
//! written into a page's HTML as a placeholder address ([`LANG_ROOT`],
//! [`SITE_ROOT`]) that rendering fills in for each page, so an article's HTML is
//! made once for every language and depth it is shown at.

use crate::markdown;
use crate::raw_html::RawHtml;

/// Written in place of "the site root plus the page's language prefix" in links to pages.
pub(crate) const LANG_ROOT: &str = "@@gangway-lang-root@@";
/// Written in place of "the site root" in links to files (images beside articles).
pub(crate) const SITE_ROOT: &str = "@@gangway-site-root@@";

/// The HTML of an article's body (its Markdown `body`), with link placeholders (see [`LANG_ROOT`]).
pub(crate) fn article_html(id: &str, body: &str, raw: RawHtml) -> String {
    markdown::render(body, &|dest| rewrite_link(dest, link_dir(id)), raw).html
}

/// [`article_html`] with the body's visible text and its headings' places in it
/// (`markdown::render_with_text`), from the same parse.
pub(crate) fn article_html_and_text(
    id: &str,
    body: &str,
    raw: RawHtml,
) -> (markdown::Rendered, String, Vec<(usize, usize)>) {
    markdown::render_with_text(body, &|dest| rewrite_link(dest, link_dir(id)), raw)
}

/// The folder a page's relative links are resolved against: the folder of its id
/// (a translation in a language folder links like its original does).
pub(crate) fn link_dir(id: &str) -> &str {
    match id.rfind('/') {
        Some(i) => &id[..i + 1],
        None => "",
    }
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

/// The placeholder URL for a relative link, or `None` to keep it as written.
pub(crate) fn rewrite_link(dest: &str, dir: &str) -> Option<String> {
    if !is_relative(dest) {
        return None;
    }
    let (path, anchor) = split_anchor(dest);
    let target = resolve_path(path, dir)?;
    let url = match target.strip_suffix(".md") {
        Some(md) => {
            let id = page_id(md);
            match id.as_str() {
                "_index" => LANG_ROOT.to_string(),
                _ if id.ends_with("/_index") => {
                    format!("{LANG_ROOT}{}/", id.trim_end_matches("/_index"))
                }
                _ if id.starts_with("faq/") => {
                    format!("{LANG_ROOT}faq/#{}", id.trim_start_matches("faq/"))
                }
                _ => format!("{LANG_ROOT}{id}/"),
            }
        }
        None => format!("{SITE_ROOT}{target}"),
    };
    Some(match anchor {
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

    #[test]
    fn links_become_placeholders_resolved_against_the_file() {
        assert_eq!(
            rewrite_link("permissions.md", "kb/").unwrap(),
            format!("{LANG_ROOT}kb/permissions/")
        );
        assert_eq!(
            rewrite_link("../security/sso.md#metadata", "kb/").unwrap(),
            format!("{LANG_ROOT}security/sso/#metadata")
        );
        assert_eq!(
            rewrite_link("setup.ms.md", "kb/").unwrap(),
            format!("{LANG_ROOT}kb/setup/")
        );
        assert_eq!(
            rewrite_link("img/a.png", "kb/").unwrap(),
            format!("{SITE_ROOT}kb/img/a.png")
        );
        assert_eq!(rewrite_link("https://x.example", "kb/"), None);
        assert_eq!(rewrite_link("mailto:a@b", "kb/"), None);
        assert_eq!(rewrite_link("#top", "kb/"), None);
    }
}
