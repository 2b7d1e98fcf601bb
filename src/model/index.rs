//! The model's indexes of the knowledge base: what task references (`guides:`,
//! `faq:`) and relative links in articles may lead to.

use std::collections::{BTreeMap, BTreeSet};

use crate::lang::Lang;
use crate::suggest::hint;

/// Which articles and FAQ entries exist.
#[derive(Clone, Debug, Default)]
pub(crate) struct ContentIndex {
    articles: BTreeSet<String>,
    by_stem: BTreeMap<String, Vec<String>>,
    faqs: BTreeSet<String>,
    /// Drafts (`draft: true`): articles, and FAQ entries by their name in content/faq/.
    /// They exist but are not published, so a task may not refer to them.
    draft_articles: BTreeSet<String>,
    draft_faqs: BTreeSet<String>,
}

impl ContentIndex {
    pub fn new(
        articles: impl IntoIterator<Item = String>,
        faqs: impl IntoIterator<Item = String>,
    ) -> ContentIndex {
        let articles: BTreeSet<String> = articles.into_iter().collect();
        let mut by_stem: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for id in &articles {
            let stem = id.rsplit('/').next().unwrap_or(id);
            by_stem
                .entry(stem.to_string())
                .or_default()
                .push(id.clone());
        }
        ContentIndex {
            articles,
            by_stem,
            faqs: faqs.into_iter().collect(),
            draft_articles: BTreeSet::new(),
            draft_faqs: BTreeSet::new(),
        }
    }

    /// The same index knowing the drafts: page ids under content/ (`kb/setup`,
    /// `faq/reset`).
    pub fn with_drafts<'a>(mut self, drafts: impl IntoIterator<Item = &'a String>) -> ContentIndex {
        for id in drafts {
            match id.strip_prefix("faq/") {
                Some(faq) => self.draft_faqs.insert(faq.to_string()),
                None => self.draft_articles.insert(id.clone()),
            };
        }
        self
    }

    /// The draft article a reference names, when it names no published one: by its
    /// path, or by a name only one draft has.
    pub fn draft_article(&self, reference: &str) -> Option<&str> {
        let reference = reference.trim().trim_start_matches('/');
        let reference = reference.strip_prefix("content/").unwrap_or(reference);
        let reference = reference.strip_suffix(".md").unwrap_or(reference);
        if let Some(id) = self.draft_articles.get(reference) {
            return Some(id);
        }
        let mut by_stem = self
            .draft_articles
            .iter()
            .filter(|id| id.rsplit('/').next() == Some(reference));
        match (by_stem.next(), by_stem.next()) {
            (Some(only), None) if !self.by_stem.contains_key(reference) => Some(only),
            _ => None,
        }
    }

    /// The draft FAQ entry a reference names, when it names no published one.
    pub fn draft_faq(&self, reference: &str) -> Option<&str> {
        let reference = reference.trim();
        let reference = reference.strip_prefix("faq/").unwrap_or(reference);
        let reference = reference.strip_suffix(".md").unwrap_or(reference);
        self.draft_faqs.get(reference).map(String::as_str)
    }

    /// The article id a reference names, or a help line.
    /// Whether an article (published or a draft) has exactly this id.
    pub fn has_article(&self, id: &str) -> bool {
        self.articles.contains(id) || self.draft_articles.contains(id)
    }

    pub fn article(&self, reference: &str) -> Result<String, String> {
        let reference = reference.trim().trim_start_matches('/');
        let reference = reference.strip_prefix("content/").unwrap_or(reference);
        let reference = reference.strip_suffix(".md").unwrap_or(reference);
        if self.articles.contains(reference) {
            return Ok(reference.to_string());
        }
        match self.by_stem.get(reference).map(Vec::as_slice) {
            Some([only]) => return Ok(only.clone()),
            Some(many) if many.len() > 1 => {
                return Err(format!(
                    "several articles are called `{reference}`: write one of {}",
                    many.join(", ")
                ));
            }
            _ => {}
        }
        let candidates = self
            .articles
            .iter()
            .map(String::as_str)
            .chain(self.by_stem.keys().map(String::as_str));
        Err(hint(reference, candidates).unwrap_or_else(|| {
            "name an article by its path under content/ without `.md`, e.g. `kb/account-setup`"
                .to_string()
        }))
    }

    /// The FAQ id a reference names, or a help line.
    pub fn faq(&self, reference: &str) -> Result<String, String> {
        let reference = reference.trim();
        let reference = reference.strip_prefix("faq/").unwrap_or(reference);
        let reference = reference.strip_suffix(".md").unwrap_or(reference);
        if self.faqs.contains(reference) {
            return Ok(reference.to_string());
        }
        Err(
            hint(reference, self.faqs.iter().map(String::as_str)).unwrap_or_else(|| {
                "name an FAQ entry by its file name in content/faq/ without `.md`".to_string()
            }),
        )
    }
}

/// Everything a relative link in the knowledge base may lead to.
#[derive(Clone, Debug)]
pub(crate) struct LinkTargets {
    /// Every page id, with the first language it exists in.
    pub ids: BTreeMap<String, Lang>,
    /// The anchors of every page version: (id, language) → heading ids.
    pub anchors: BTreeMap<(String, Lang), BTreeSet<String>>,
    /// Other files under content/ (images and the like), by path under content/.
    pub others: BTreeSet<String>,
    /// Pages that exist but could not be read.
    pub unreadable: BTreeSet<String>,
    /// Pages whose original says `draft: true`: they exist, but are not published,
    /// so a published page may not link to them.
    pub drafts: BTreeSet<String>,
    /// Earlier addresses of pages (front matter `aliases` and `slug`), each
    /// published as a redirect: address without its trailing `/` → page id.
    pub aliases: BTreeMap<String, String>,
    /// What each `index.md` is: the id its file name gives (`kb/index`) → the
    /// page's id (`kb/_index`, or `kb/post` for a leaf bundle).
    pub index_pages: BTreeMap<String, String>,
    /// The site's default language.
    pub default: Lang,
}

impl LinkTargets {
    /// No targets at all: the site of [`crate::build::plan_customers`], whose
    /// knowledge base is known by name only and never rendered.
    pub(crate) fn none(default: Lang) -> LinkTargets {
        LinkTargets {
            ids: BTreeMap::new(),
            anchors: BTreeMap::new(),
            others: BTreeSet::new(),
            unreadable: BTreeSet::new(),
            drafts: BTreeSet::new(),
            aliases: BTreeMap::new(),
            index_pages: BTreeMap::new(),
            default,
        }
    }

    /// The anchors of page `id` as a reader of `lang` sees it (its translation, else the original).
    pub(crate) fn anchors_of(&self, id: &str, lang: &Lang) -> Option<&BTreeSet<String>> {
        let key = |l: &Lang| (id.to_string(), l.clone());
        self.anchors
            .get(&key(lang))
            .or_else(|| self.anchors.get(&key(&self.default)))
            .or_else(|| {
                let first = self.ids.get(id)?;
                self.anchors.get(&key(first))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn articles_by_path_or_unique_stem() {
        let index = ContentIndex::new(
            [
                "kb/setup".to_string(),
                "kb/sso".to_string(),
                "security/sso".to_string(),
            ],
            ["reset".to_string()],
        );
        assert_eq!(index.article("kb/setup").unwrap(), "kb/setup");
        assert_eq!(index.article("setup").unwrap(), "kb/setup");
        assert_eq!(index.article("kb/setup.md").unwrap(), "kb/setup");
        assert!(index.article("sso").unwrap_err().contains("several"));
        assert_eq!(
            index.article("kb/setpu").unwrap_err(),
            "did you mean `kb/setup`?"
        );
        assert_eq!(index.faq("reset").unwrap(), "reset");
        assert!(index.faq("rest").is_err());
    }

    #[test]
    fn drafts_by_path_or_unique_name() {
        let drafts = ["kb/later".to_string(), "faq/soon".to_string()];
        let index =
            ContentIndex::new(["kb/setup".to_string()], ["reset".to_string()]).with_drafts(&drafts);
        assert!(index.article("kb/later").is_err());
        assert_eq!(index.draft_article("kb/later"), Some("kb/later"));
        assert_eq!(index.draft_article("later.md"), Some("kb/later"));
        assert_eq!(index.draft_article("kb/setup"), None);
        assert_eq!(index.draft_faq("soon"), Some("soon"));
        assert_eq!(index.draft_faq("faq/soon.md"), Some("soon"));
        assert_eq!(index.draft_faq("reset"), None);
    }
}
