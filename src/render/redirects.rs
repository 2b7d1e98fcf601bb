//! Redirects from a page's earlier addresses (front matter `aliases` and
//! `slug`): a small page at each that sends the reader on (a meta refresh, the
//! canonical address, and a link for whoever gets no further), and `_redirects`,
//! the same as rules for hosts that read that file (Netlify, Cloudflare Pages).

use crate::html::escape;
use crate::model::{ArticleVersion, Site};
use crate::output::OutputFile;
use crate::render::Sink;
use crate::render::language::Lx;
use crate::render::page::{Page, base_path, dir_url, lang_prefix};

/// The redirect pages to the article `page` (shown in `lx`'s language) from the
/// earlier addresses of `version`, the version it shows.
pub(crate) fn redirect_pages(
    site: &Site,
    lx: &Lx<'_>,
    version: &ArticleVersion,
    page: &Page,
    sink: &Sink<'_>,
) {
    let url = format!("{}/{}", site.config.base_url, dir_url(&page.path));
    for alias in &version.aliases {
        let path = lx.path(alias);
        sink(redirect_page(
            site,
            path,
            &url,
            &version.title,
            lx.lang.as_str(),
        ));
    }
}

/// The redirect page at `path` (an output path) to the page at `to` (its
/// absolute URL), titled `title`, in `lang`.
fn redirect_page(site: &Site, path: String, to: &str, title: &str, lang: &str) -> OutputFile {
    let to = escape(to);
    let title = escape(title);
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n\
         <title>{title}</title>\n<meta name=\"robots\" content=\"noindex\">\n\
         <link rel=\"canonical\" href=\"{to}\">\n\
         <meta http-equiv=\"refresh\" content=\"0; url={to}\">\n</head>\n\
         <body>\n<p><a href=\"{to}\">{title}</a></p>\n</body>\n</html>\n",
        csp = escape(&site.config.csp.page()),
    );
    OutputFile {
        path,
        bytes: html.into_bytes(),
    }
}

/// Every article's redirects in every language as `_redirects` rules (from, to,
/// 301), in the order of their paths; `None` when there are none.
pub(crate) fn redirects_file(site: &Site) -> Option<String> {
    let base = base_path(&site.config.base_url);
    let default = &site.config.default_language;
    let mut rules: Vec<String> = Vec::new();
    for a in &site.articles {
        for lang in &site.config.languages {
            let prefix = lang_prefix(lang, default);
            for alias in &a.text.get(lang).0.aliases {
                rules.push(format!(
                    "{base}{prefix}{} {base}{prefix}{}/ 301\n",
                    dir_url(alias),
                    a.id
                ));
            }
        }
    }
    rules.sort();
    (!rules.is_empty()).then(|| rules.concat())
}
