//! Two outputs at one address: the check that makes `check` and `build` agree.
//!
//! Every file a build makes passes through [`OutputPaths::record`] on its way to
//! the sink, so a page whose address is taken by a generated file (an article
//! `content/sitemap.xml.md` publishing `sitemap.xml/index.html` beside the
//! sitemap) or by another page is an error of the compile itself, found by `check`
//! as by `build`, located at the content file when one is to blame. Without it the
//! clash surfaced only when the second file hit the disk (`File exists`), with no
//! file or line.

use std::sync::Mutex;

use rustc_hash::FxHashSet;

use crate::diagnostic::{Code, Diagnostic, Label};
use crate::model::Site;

/// The paths a build has made so far, and the clashes among them.
#[derive(Default)]
pub(crate) struct OutputPaths(Mutex<Ledger>);

#[derive(Default)]
struct Ledger {
    files: FxHashSet<String>,
    folders: FxHashSet<String>,
    clashes: Vec<Clash>,
}

/// Two outputs that cannot both be written.
struct Clash {
    /// The path written twice, or written as a file and needed as a folder.
    path: String,
    /// For a file/folder clash found at the file inside, that file.
    inside: Option<String>,
    /// Whether `path` was already a folder when it was written as a file.
    was_folder: bool,
}

impl OutputPaths {
    /// Notes one output path (called from any thread).
    pub(crate) fn record(&self, path: &str) {
        if let Ok(mut ledger) = self.0.lock() {
            ledger.record(path);
        }
    }

    /// One error per clash, at the content file that publishes at that address
    /// when there is one.
    pub(crate) fn diagnostics(self, site: &Site) -> Vec<Diagnostic> {
        let ledger = self.0.into_inner().unwrap_or_default();
        let mut clashes = ledger.clashes;
        clashes.sort_by(|a, b| (&a.path, &a.inside).cmp(&(&b.path, &b.inside)));
        clashes.iter().map(|clash| clash.diagnostic(site)).collect()
    }
}

impl Ledger {
    fn record(&mut self, path: &str) {
        if self.folders.contains(path) {
            self.clashes.push(Clash {
                path: path.to_string(),
                inside: None,
                was_folder: true,
            });
        }
        if !self.files.insert(path.to_string()) {
            self.clashes.push(Clash {
                path: path.to_string(),
                inside: None,
                was_folder: false,
            });
            return;
        }
        // Folders from the deepest up; once one is known, so are those above it.
        let mut end = path.len();
        while let Some(slash) = path[..end].rfind('/') {
            let folder = &path[..slash];
            if self.files.contains(folder) {
                self.clashes.push(Clash {
                    path: folder.to_string(),
                    inside: Some(path.to_string()),
                    was_folder: false,
                });
            }
            if !self.folders.insert(folder.to_string()) {
                break;
            }
            end = slash;
        }
    }
}

impl Clash {
    fn diagnostic(&self, site: &Site) -> Diagnostic {
        // Portal folders are named by token: never print one.
        let shown = |p: &str| crate::privacy::redact_portal_paths(p, []);
        let message = match &self.inside {
            Some(inside) => format!(
                "`{}` is published as a file and is also the folder of `{}`",
                shown(&self.path),
                shown(inside)
            ),
            None if self.was_folder => format!(
                "`{}` is published as a file and is also the folder of other pages",
                shown(&self.path)
            ),
            None => format!("two files would be published at `{}`", shown(&self.path)),
        };
        let diagnostic = Diagnostic::error(Code::OutputCollision, message).help(
            "every address is published once: rename the content or static file; \
             `sitemap.xml`, `robots.txt`, `_headers`, `404.html`, `assets/`, `p/`, \
             `playbooks/`, `faq/` and the language folders are the site's own",
        );
        let blamed = [Some(self.path.as_str()), self.inside.as_deref()]
            .into_iter()
            .flatten()
            .find_map(|path| article_file(site, path));
        match blamed {
            Some(file) => diagnostic.at(Label::new(file, 0, 0)),
            None => diagnostic,
        }
    }
}

/// The source file of the article published at `path` (its page, or its folder).
fn article_file<'a>(
    site: &'a Site,
    path: &str,
) -> Option<&'a std::sync::Arc<crate::diagnostic::SourceFile>> {
    let page = path.strip_suffix("/index.html").unwrap_or(path);
    let (lang, id) = match page.split_once('/') {
        Some((first, rest)) if site.config.languages.iter().any(|l| l.as_str() == first) => {
            (Some(first), rest)
        }
        _ => (None, page),
    };
    let article = site.articles.iter().find(|a| a.id == id)?;
    let version = lang
        .and_then(|l| article.text.versions.iter().find(|(k, _)| k.as_str() == l))
        .map(|(_, v)| v)
        .or_else(|| article.text.versions.values().next())?;
    Some(&version.body.file)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clashes(paths: &[&str]) -> Vec<(String, Option<String>)> {
        let mut ledger = Ledger::default();
        for p in paths {
            ledger.record(p);
        }
        ledger
            .clashes
            .into_iter()
            .map(|c| (c.path, c.inside))
            .collect()
    }

    #[test]
    fn a_path_written_twice_or_as_file_and_folder_is_a_clash() {
        assert!(clashes(&["index.html", "kb/a/index.html", "kb/index.html"]).is_empty());
        assert_eq!(
            clashes(&["kb/a/index.html", "kb/a/index.html"]),
            [("kb/a/index.html".to_string(), None)]
        );
        // The file first, then a page inside a folder of the same name.
        assert_eq!(
            clashes(&["sitemap.xml", "sitemap.xml/index.html"]),
            [(
                "sitemap.xml".to_string(),
                Some("sitemap.xml/index.html".to_string())
            )]
        );
        // The folder first, then the file.
        assert_eq!(
            clashes(&["assets/style.css/index.html", "assets/style.css"]),
            [("assets/style.css".to_string(), None)]
        );
    }
}
