//! The index that task references (`guides:`, `faq:`) are resolved against.

use std::collections::{BTreeMap, BTreeSet};

use crate::suggest::did_you_mean;

/// Which articles and FAQ entries exist.
#[derive(Clone, Debug, Default)]
pub(crate) struct ContentIndex {
    articles: BTreeSet<String>,
    by_stem: BTreeMap<String, Vec<String>>,
    faqs: BTreeSet<String>,
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
        }
    }

    /// The article id a reference names, or a help line.
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
        Err(match did_you_mean(reference, candidates) {
            Some(best) => format!("did you mean `{best}`?"),
            None => {
                "name an article by its path under content/ without `.md`, e.g. `kb/account-setup`"
                    .to_string()
            }
        })
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
            match did_you_mean(reference, self.faqs.iter().map(String::as_str)) {
                Some(best) => format!("did you mean `{best}`?"),
                None => {
                    "name an FAQ entry by its file name in content/faq/ without `.md`".to_string()
                }
            },
        )
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
}
