//! `sitemap.xml`: every public page, with its address in each language.

use crate::lang::Lang;
use crate::render::page::dir_url;

/// A page's URL path and its `<url>` element in the sitemap.
pub(crate) type SitemapEntry = (String, String);

/// A page's `<url>` element of the sitemap, with when it last changed (when
/// known) and its address in every language when it has more than one, the
/// first (the default language's) also as `x-default`, as the page's HTML
/// says: (the page's URL path, the element).
pub(crate) fn sitemap_entry(
    base_url: &str,
    path: &str,
    alternates: &[(Lang, String)],
    lastmod: Option<jiff::civil::Date>,
) -> SitemapEntry {
    use std::fmt::Write as _;

    // HTML's escaping is XML's too (`&#39;` for `'` included).
    use crate::html::escape;
    // The protocol asks for ASCII addresses: pages named in other scripts are
    // percent-encoded UTF-8 here, while links between pages keep them as written.
    use crate::url::encode_for_sitemap;
    let path = dir_url(path);
    let mut out = String::with_capacity(64 + alternates.len() * 96);
    // `write!` into a String cannot fail.
    let _ = write!(
        out,
        "  <url><loc>{}</loc>",
        escape(&format!("{base_url}/{}", encode_for_sitemap(path)))
    );
    if let Some(day) = lastmod {
        let _ = write!(out, "<lastmod>{day}</lastmod>");
    }
    if alternates.len() > 1 {
        let default = alternates.first().map(|(_, p)| ("x-default", p));
        let every = alternates.iter().map(|(lang, p)| (lang.as_str(), p));
        for (lang, p) in every.chain(default) {
            let _ = write!(
                out,
                "<xhtml:link rel=\"alternate\" hreflang=\"{lang}\" href=\"{}\"/>",
                escape(&format!("{base_url}/{}", encode_for_sitemap(dir_url(p))))
            );
        }
    }
    out.push_str("</url>\n");
    (path.to_string(), out)
}

/// The sitemap: every public page's entry, in the order of their paths.
pub(crate) fn sitemap(mut entries: Vec<SitemapEntry>) -> String {
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    out.reserve(entries.iter().map(|(_, e)| e.len()).sum::<usize>() + 10);
    for (_, entry) in &entries {
        out.push_str(entry);
    }
    out.push_str("</urlset>\n");
    out
}
