//! The front-matter keys other generators share (`description`, `date`,
//! `lastmod`/`updated`, `aliases`, `slug`), made into what an article's pages use.

use std::sync::Arc;

use jiff::civil::Date;

use crate::diagnostic::{Code, Diagnostic, Diagnostics, SourceFile};
use crate::links::{link_dir, resolve_path};
use crate::raw::RawArticleMeta;
use crate::yaml::{self, Spanned};

/// What an article's front matter adds to its pages besides its text.
#[derive(Debug, Default)]
pub(super) struct Extras {
    /// `description`, else `summary`: the page's meta description.
    pub description: String,
    /// When it was last changed: `lastmod` or `updated`, else `date`.
    pub updated: Option<Date>,
    /// `lastmod`, else `updated`, as written: a day from git does not replace it.
    pub lastmod: Option<Date>,
    /// Where its redirects are written: output paths under the language's root
    /// (`old/setup/index.html`), from `aliases` and `slug`.
    pub aliases: Vec<String>,
}

/// The extras of the article `id` from its front matter (at `base` in `file`);
/// values that cannot be used are reported and left out.
pub(super) fn extras(
    file: &Arc<SourceFile>,
    base: usize,
    id: &str,
    meta: &RawArticleMeta,
    diagnostics: &mut Diagnostics,
) -> Extras {
    let mut date = |v: &Option<Spanned<String>>| {
        let v = v.as_ref()?;
        page_date(&v.value)
            .map_err(|message| {
                diagnostics.push(
                    Diagnostic::error(Code::InvalidDate, message)
                        .at(yaml::label(file, base, v))
                        .help("write the date as YYYY-MM-DD; a time after it (2024-05-01T10:00:00Z) is allowed and not shown"),
                );
            })
            .ok()
    };
    let written = date(&meta.date);
    let changed = date(&meta.lastmod);
    let updated = date(&meta.updated);
    let mut aliases = Vec::new();
    let mut add = |v: &Spanned<String>, path: Result<String, String>| {
        match path {
        Ok(path) => aliases.push(path),
        Err(message) => diagnostics.push(
            Diagnostic::error(Code::InvalidUrl, message)
                .at(yaml::label(file, base, v))
                .help("write an earlier address of this page on this site: /old/path/ from the site root, or old-name/ beside the page"),
        ),
    }
    };
    for alias in &meta.aliases {
        add(alias, alias_path(&alias.value, id));
    }
    if let Some(slug) = &meta.slug {
        let name = id.rsplit('/').next().unwrap_or(id);
        let value = slug.value.trim();
        if value.contains('/') || value.is_empty() {
            add(
                slug,
                Err(format!("`{value}` is not one part of an address")),
            );
        } else if value != name {
            add(slug, alias_path(&format!("{value}/"), id));
        }
    }
    aliases.sort();
    aliases.dedup();
    Extras {
        description: meta
            .description
            .clone()
            .or_else(|| meta.summary.clone())
            .unwrap_or_default()
            .trim()
            .to_string(),
        updated: changed.or(updated).or(written),
        lastmod: changed.or(updated),
        aliases,
    }
}

impl Extras {
    /// Takes "Last updated" from `committed`, the day of the last commit that
    /// changed the file, unless `lastmod` or `updated` is written (which wins);
    /// without a commit (a file not in the history) the front matter's day stays.
    pub(super) fn commit_day(&mut self, committed: Option<Date>) {
        if self.lastmod.is_none()
            && let Some(day) = committed
        {
            self.updated = Some(day);
        }
    }
}

/// A front-matter date: `YYYY-MM-DD`, optionally followed by a time.
fn page_date(text: &str) -> Result<Date, String> {
    let text = text.trim();
    let (day, rest) = match (text.get(..10), text.get(10..)) {
        (Some(day), Some(rest)) => (day, rest),
        _ => (text, ""),
    };
    if !(rest.is_empty() || rest.starts_with(['T', 't', ' '])) {
        return Err(format!("`{text}` is not a date in the form YYYY-MM-DD"));
    }
    crate::calendar::parse_date(day)
}

/// The output path (under the language's root) of the redirect for `alias`, an
/// earlier address of the page `id`: from the site root when it starts with `/`,
/// else from the page's folder, as Hugo reads aliases.
pub(super) fn alias_path(alias: &str, id: &str) -> Result<String, String> {
    let alias = alias.trim();
    if alias.contains("://") || alias.starts_with("//") {
        return Err(format!(
            "`{alias}` is a URL; an alias is an address on this site"
        ));
    }
    if let Some(c) = crate::url::unfit_in_path(alias) {
        return Err(format!("`{c}` cannot stand in an address (in `{alias}`)"));
    }
    let path = if alias.starts_with('/') {
        resolve_path(alias, "")
    } else {
        resolve_path(alias, link_dir(id))
    };
    let path = path.ok_or_else(|| format!("`{alias}` leads above the site's root"))?;
    if path.is_empty() {
        return Err(format!("`{alias}` is the home page's address"));
    }
    let last = path.rsplit('/').next().unwrap_or("");
    Ok(if last.ends_with(".html") || last.ends_with(".htm") {
        path
    } else {
        format!("{path}/index.html")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_are_output_paths_from_the_root_or_the_page_folder() {
        assert_eq!(
            alias_path("/old/setup/", "kb/a"),
            Ok("old/setup/index.html".into())
        );
        assert_eq!(
            alias_path("/old/setup", "kb/a"),
            Ok("old/setup/index.html".into())
        );
        assert_eq!(
            alias_path("setup-v1", "kb/a"),
            Ok("kb/setup-v1/index.html".into())
        );
        assert_eq!(
            alias_path("/2019/01/a.html", "kb/a"),
            Ok("2019/01/a.html".into())
        );
        assert!(alias_path("https://old.example/a/", "kb/a").is_err());
        assert!(alias_path("/", "kb/a").is_err());
        assert!(alias_path("../../../x", "kb/a").is_err());
        assert!(alias_path("/a b/", "kb/a").is_err());
        assert!(alias_path("/a?b", "kb/a").is_err());
    }

    #[test]
    fn dates_may_carry_a_time() {
        let d = |s: &str| page_date(s).map(|d| d.to_string());
        assert_eq!(d("2024-05-01"), Ok("2024-05-01".into()));
        assert_eq!(d("2024-05-01T10:00:00+02:00"), Ok("2024-05-01".into()));
        assert_eq!(d("2024-05-01 10:00:00 +0000"), Ok("2024-05-01".into()));
        assert!(d("2024-5-1").is_err());
        assert!(d("2024-02-30").is_err());
        assert!(d("yesterday").is_err());
    }
}
