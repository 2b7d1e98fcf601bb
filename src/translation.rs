//! Translation status: which pages and playbooks are translated into each language,
//! which translations are missing, and which are outdated.
//!
//! A translation records the source hash of the original it was made from
//! (`translation_of:` in its front matter or YAML). When the original's text changes,
//! its hash changes and the translation is reported as outdated. This works in plain
//! git, with no database: the hash is in the file, next to the text it describes.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The source hash of a piece of original text: 12 hex digits of SHA-256 over its parts.
pub fn source_hash(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.trim().as_bytes());
        hasher.update([0u8]);
    }
    let digest = hasher.finalize();
    digest.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// One translation that no longer matches its original.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Outdated {
    /// The translation's file.
    pub path: String,
    /// The original's file.
    pub original: String,
    /// The hash the translation records.
    pub recorded: String,
    /// The original's hash now.
    pub current: String,
}

/// The status of one language.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LanguageStatus {
    /// The language code.
    pub lang: String,
    /// Translatable items (pages and playbooks).
    pub total: usize,
    /// Items with a translation in this language.
    pub translated: usize,
    /// Originals with no translation (their paths).
    pub missing: Vec<String>,
    /// Translations made from an older version of the original.
    pub outdated: Vec<Outdated>,
    /// Translations that record no source hash, so their freshness is unknown (their paths).
    pub unverified: Vec<String>,
}

/// The status of every language but the default one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TranslationReport {
    /// One entry per non-default language, in the site's order.
    pub languages: Vec<LanguageStatus>,
}

impl TranslationReport {
    /// Adds what one original's translations look like; `count` adds it to the totals.
    fn record(
        &mut self,
        original: &str,
        current: &str,
        translations: &[(String, String, Option<String>)],
        count: bool,
    ) {
        for status in &mut self.languages {
            let found = translations.iter().find(|(l, _, _)| *l == status.lang);
            if count {
                status.total += 1;
            }
            match found {
                None => {
                    if count {
                        status.missing.push(original.to_string());
                    }
                }
                Some((_, path, recorded)) => {
                    if count {
                        status.translated += 1;
                    }
                    match recorded {
                        None => status.unverified.push(path.clone()),
                        Some(r) if r != current => status.outdated.push(Outdated {
                            path: path.clone(),
                            original: original.to_string(),
                            recorded: r.clone(),
                            current: current.to_string(),
                        }),
                        Some(_) => {}
                    }
                }
            }
        }
    }

    /// Records an original again after its text or its translations' recorded
    /// hashes changed (the same files as before): for incremental rebuilds.
    pub(crate) fn replace_item(
        &mut self,
        original: &str,
        current: &str,
        translations: &[(String, String, Option<String>)],
    ) {
        for status in &mut self.languages {
            status.outdated.retain(|o| o.original != original);
            status
                .unverified
                .retain(|p| !translations.iter().any(|(_, path, _)| path == p));
        }
        self.record(original, current, translations, false);
        for l in &mut self.languages {
            l.unverified.sort();
            l.outdated.sort_by(|a, b| a.path.cmp(&b.path));
        }
    }

    /// Replaces everything recorded about files under `prefix` (`playbooks/`) by
    /// what `partial` records about them (the same files, read again): for
    /// incremental rebuilds.
    pub(crate) fn replace_under(&mut self, prefix: &str, partial: &TranslationReport) {
        for status in &mut self.languages {
            status.missing.retain(|p| !p.starts_with(prefix));
            status.unverified.retain(|p| !p.starts_with(prefix));
            status.outdated.retain(|o| !o.path.starts_with(prefix));
            if let Some(new) = partial.languages.iter().find(|l| l.lang == status.lang) {
                status.missing.extend(new.missing.iter().cloned());
                status.unverified.extend(new.unverified.iter().cloned());
                status.outdated.extend(new.outdated.iter().cloned());
            }
            status.missing.sort();
            status.unverified.sort();
            status.outdated.sort_by(|a, b| a.path.cmp(&b.path));
        }
    }

    /// A short human summary, one line per language.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        for l in &self.languages {
            out.push_str(&format!(
                "translations {}: {}/{} translated, {} missing, {} outdated, {} unverified\n",
                l.lang,
                l.translated,
                l.total,
                l.missing.len(),
                l.outdated.len(),
                l.unverified.len()
            ));
            for m in l.missing.iter().take(10) {
                out.push_str(&format!("  missing    {m}\n"));
            }
            if l.missing.len() > 10 {
                out.push_str(&format!(
                    "  ... and {} more missing\n",
                    l.missing.len() - 10
                ));
            }
            for o in &l.outdated {
                out.push_str(&format!(
                    "  outdated   {} (original {} changed)\n",
                    o.path, o.original
                ));
            }
        }
        out
    }
}

/// Collects statuses while the site is resolved.
#[derive(Debug, Default)]
pub(crate) struct Tracker {
    report: TranslationReport,
}

impl Tracker {
    /// A tracker for the given non-default languages.
    pub fn new(languages: &[crate::lang::Lang]) -> Tracker {
        Tracker {
            report: TranslationReport {
                languages: languages
                    .iter()
                    .map(|l| LanguageStatus {
                        lang: l.to_string(),
                        ..LanguageStatus::default()
                    })
                    .collect(),
            },
        }
    }

    /// Records an original and, per language, whether and how it is translated:
    /// `translations` lists (language, translation path, recorded hash).
    pub fn item(
        &mut self,
        original: &str,
        current: &str,
        translations: &[(String, String, Option<String>)],
    ) {
        self.report.record(original, current, translations, true);
    }

    /// The finished report, with every list sorted.
    pub fn finish(mut self) -> TranslationReport {
        for l in &mut self.report.languages {
            l.missing.sort();
            l.unverified.sort();
            l.outdated.sort_by(|a, b| a.path.cmp(&b.path));
        }
        self.report
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;

    #[test]
    fn hashes_are_short_and_stable() {
        let h = source_hash(&["Title", "Body"]);
        assert_eq!(h.len(), 12);
        assert_eq!(h, source_hash(&["Title ", "Body\n"]));
        assert_ne!(h, source_hash(&["Title", "Body changed"]));
    }

    #[test]
    fn tracks_missing_outdated_and_unverified() {
        let mut t = Tracker::new(&[Lang::parse("ms").unwrap(), Lang::parse("ne").unwrap()]);
        t.item(
            "content/a.md",
            "h1",
            &[("ms".into(), "content/a.ms.md".into(), Some("h0".into()))],
        );
        t.item(
            "content/b.md",
            "h2",
            &[
                ("ms".into(), "content/b.ms.md".into(), None),
                ("ne".into(), "content/b.ne.md".into(), Some("h2".into())),
            ],
        );
        let r = t.finish();
        assert_eq!(r.languages[0].translated, 2);
        assert_eq!(r.languages[0].outdated[0].path, "content/a.ms.md");
        assert_eq!(r.languages[0].unverified, ["content/b.ms.md"]);
        assert_eq!(r.languages[1].missing, ["content/a.md"]);
        assert!(
            r.summary()
                .contains("translations ne: 1/2 translated, 1 missing")
        );
    }
}
