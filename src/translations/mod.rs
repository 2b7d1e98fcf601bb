//! `gangway translations`: every original of a site (a page under `content/`, a
//! playbook) and its translations, read as a build reads them, with the source
//! hash each original has now and the one each translation records
//! (`translation_of:`); recording the hash in a translation without touching the
//! rest of its file ([`stamp`]); what changed between two versions of an
//! original, paragraph by paragraph ([`diff`]).
//!
//! Pure functions of a [`SourceTree`] and of texts: the command reads the git
//! history and writes the files.

pub mod diff;
pub mod stamp;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Diagnostics, SourceFile};
use crate::lang::Lang;
use crate::resolve::content::{IndexPages, content_id, page_text};
use crate::resolve::playbook_translations::playbook_parts;
use crate::resolve::playbooks::{file_stem, parse_playbook};
use crate::source::SourceTree;
use crate::translation::source_hash;

/// One named piece of an original's text (`title`, `body`, `task kickoff: description`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Part {
    /// What the text is.
    pub name: String,
    /// The text.
    pub text: String,
}

/// What kind of file an original is: it decides how any version of it is read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A page under `content/`, with its id (`kb/setup`, `faq/fees`, `_index`).
    Page(String),
    /// A playbook (`playbooks/<id>.yaml`).
    Playbook,
}

/// One translation of an original.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Translation {
    /// Its file.
    pub path: String,
    /// The hash it records (`translation_of:`), if any.
    pub recorded: Option<String>,
    /// Whether the file could be read (its problems are in [`Inventory::unreadable`]).
    pub readable: bool,
}

/// An original (a file in the default language) and its translations.
#[derive(Clone, Debug)]
pub struct Original {
    /// Its file.
    pub path: String,
    /// Page or playbook.
    pub kind: Kind,
    /// Its source hash now; `None` when it cannot be read.
    pub hash: Option<String>,
    /// What the hash covers.
    pub parts: Vec<Part>,
    /// Its translations, by language.
    pub translations: BTreeMap<String, Translation>,
}

/// A file that could not be read, and why (its first problem).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unreadable {
    /// The file.
    pub path: String,
    /// `3:1: the front matter is not closed` (line and column, then the problem).
    pub problem: String,
}

/// Every original of a site and its translations.
#[derive(Debug)]
pub struct Inventory {
    /// The site's default language.
    pub default_language: String,
    /// The other languages, in the site's order.
    pub languages: Vec<String>,
    /// Pages first, then playbooks, each in path order.
    pub originals: Vec<Original>,
    /// Translations whose original does not exist: (language, path).
    pub orphans: Vec<(String, String)>,
    /// Files that could not be read.
    pub unreadable: Vec<Unreadable>,
    default: Lang,
    all: Vec<Lang>,
    /// Where each original (by its path) and each translation (by its path, with
    /// its language) is in `originals`.
    index: std::collections::HashMap<String, (usize, Option<String>)>,
}

/// One translation as the report lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// The translation's file.
    pub path: String,
    /// The original's file.
    pub original: String,
    /// The hash the translation records.
    pub recorded: Option<String>,
    /// The original's hash now.
    pub current: String,
}

/// Where one language stands.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LanguageStatus {
    /// The language.
    pub lang: String,
    /// Translations that record the original's current hash.
    pub up_to_date: Vec<Entry>,
    /// Translations that record another hash: made from an older version.
    pub outdated: Vec<Entry>,
    /// Translations that record no hash: their freshness is unknown.
    pub missing_hash: Vec<Entry>,
    /// Originals without a translation in this language.
    pub missing: Vec<String>,
    /// Translations that could not be read.
    pub unreadable: Vec<String>,
}

/// Reads the originals and translations of the site in `tree`; the problems of
/// `gangway.toml` when it cannot be read (the languages come from it).
pub fn read(tree: &SourceTree) -> Result<Inventory, Vec<Diagnostic>> {
    let mut problems = Diagnostics::new();
    let config = tree
        .get(crate::config::CONFIG_PATH)
        .and_then(|bytes| {
            crate::resolve::text_file(crate::config::CONFIG_PATH, bytes, &mut problems)
        })
        .and_then(|file| crate::config::parse_config(&file, &mut problems));
    let Some(config) = config else {
        return Err(problems.iter().cloned().collect());
    };
    let mut inventory = Inventory {
        default_language: config.default_language.to_string(),
        languages: (config.languages.iter())
            .filter(|l| **l != config.default_language)
            .map(Lang::to_string)
            .collect(),
        originals: Vec::new(),
        orphans: Vec::new(),
        unreadable: Vec::new(),
        default: config.default_language.clone(),
        all: config.languages.clone(),
        index: Default::default(),
    };
    inventory.read_pages(tree);
    inventory.read_playbooks(tree);
    for (i, o) in inventory.originals.iter().enumerate() {
        inventory.index.insert(o.path.clone(), (i, None));
        for (lang, t) in &o.translations {
            inventory
                .index
                .insert(t.path.clone(), (i, Some(lang.clone())));
        }
    }
    Ok(inventory)
}

/// The file's first problem, as one line.
fn problem_of(path: &str, problems: Diagnostics) -> Unreadable {
    let first = problems.iter().next().cloned();
    let problem = match first {
        Some(d) => match &d.primary {
            Some(label) => {
                let (line, column) = label.line_col();
                format!("{line}:{column}: {}", d.message)
            }
            None => d.message.clone(),
        },
        None => "cannot be read".to_string(),
    };
    Unreadable {
        path: path.to_string(),
        problem,
    }
}

/// Decodes a file as a build does (UTF-8, without a byte-order mark, NFC).
fn decode(path: &str, bytes: &[u8]) -> Result<Arc<SourceFile>, Unreadable> {
    let mut problems = Diagnostics::new();
    crate::resolve::text_file(path, bytes, &mut problems).ok_or_else(|| problem_of(path, problems))
}

/// Reads one version of a page: its parts and recorded hash.
fn read_page(
    path: &str,
    id: &str,
    bytes: &[u8],
) -> Result<(Vec<Part>, Option<String>), Unreadable> {
    let file = decode(path, bytes)?;
    let page = page_text(&file, id).map_err(|d| problem_of(path, d))?;
    let parts = (page.parts.into_iter())
        .map(|(name, text)| Part {
            name: name.to_string(),
            text,
        })
        .collect();
    Ok((
        parts,
        page.translation_of.map(|(v, _)| v.trim().to_string()),
    ))
}

/// Reads one version of a playbook: its parts.
fn read_playbook(path: &str, bytes: &[u8]) -> Result<Vec<Part>, Unreadable> {
    let file = decode(path, bytes)?;
    let mut problems = Diagnostics::new();
    let Some((_, raw)) = parse_playbook(&file, &mut problems) else {
        return Err(problem_of(path, problems));
    };
    Ok(playbook_parts(&raw)
        .into_iter()
        .map(|(name, text)| Part {
            name,
            text: text.to_string(),
        })
        .collect())
}

/// The hash of `parts`, as a build computes it.
pub fn hash_of(parts: &[Part]) -> String {
    let texts: Vec<&str> = parts.iter().map(|p| p.text.as_str()).collect();
    source_hash(&texts)
}

impl Inventory {
    fn read_pages(&mut self, tree: &SourceTree) {
        // id → (original, translations by language)
        type Versions<'a> = BTreeMap<String, (Option<&'a str>, BTreeMap<String, &'a str>)>;
        let mut by_id: Versions<'_> = BTreeMap::new();
        let paths = tree.under("content/").map(|(path, _)| path);
        let index = IndexPages::of(paths, &self.default, &self.all);
        for (path, _) in tree.under("content/") {
            let Some((id, lang)) = content_id(path, &self.default, &self.all) else {
                continue;
            };
            let id = index.page(id);
            let entry = by_id.entry(id).or_default();
            if lang == self.default {
                entry.0 = Some(path);
            } else {
                // Two layouts for one page are an error `check` reports; the first counts.
                entry.1.entry(lang.to_string()).or_insert(path);
            }
        }
        for (id, (original, translations)) in by_id {
            let Some(original) = original else {
                for (lang, path) in translations {
                    self.orphans.push((lang, path.to_string()));
                }
                continue;
            };
            let read = read_page(original, &id, tree.get(original).unwrap_or_default());
            let mut item = self.add_original(original, Kind::Page(id.clone()), read.map(|r| r.0));
            for (lang, path) in translations {
                let read = read_page(path, &id, tree.get(path).unwrap_or_default());
                let (recorded, readable) = match read {
                    Ok((_, recorded)) => (recorded, true),
                    Err(problem) => {
                        self.unreadable.push(problem);
                        (None, false)
                    }
                };
                let path = path.to_string();
                (item.translations).insert(
                    lang,
                    Translation {
                        path,
                        recorded,
                        readable,
                    },
                );
            }
            self.originals.push(item);
        }
    }

    /// An original read (its parts) or not (the problem is recorded).
    fn add_original(
        &mut self,
        path: &str,
        kind: Kind,
        read: Result<Vec<Part>, Unreadable>,
    ) -> Original {
        let (hash, parts) = match read {
            Ok(parts) => (Some(hash_of(&parts)), parts),
            Err(problem) => {
                self.unreadable.push(problem);
                (None, Vec::new())
            }
        };
        Original {
            path: path.to_string(),
            kind,
            hash,
            parts,
            translations: BTreeMap::new(),
        }
    }

    fn read_playbooks(&mut self, tree: &SourceTree) {
        let mut originals: BTreeMap<String, &str> = BTreeMap::new();
        let mut translations: BTreeMap<String, BTreeMap<String, &str>> = BTreeMap::new();
        for (path, _) in tree.under("playbooks/") {
            let Some(stem) = file_stem(path, "playbooks/") else {
                continue;
            };
            if stem.contains('/') {
                continue;
            }
            match stem.split_once('.') {
                None => {
                    originals.insert(stem, path);
                }
                Some((owner, suffix)) => {
                    if self.languages.iter().any(|l| l == suffix) {
                        let of = translations.entry(owner.to_string()).or_default();
                        of.insert(suffix.to_string(), path);
                    }
                }
            }
        }
        for (id, path) in originals {
            let read = read_playbook(path, tree.get(path).unwrap_or_default());
            let mut item = self.add_original(path, Kind::Playbook, read);
            for (lang, tr) in translations.remove(&id).unwrap_or_default() {
                let (recorded, readable) = match stamp::recorded_in_playbook_translation(
                    tr,
                    tree.get(tr).unwrap_or_default(),
                ) {
                    Ok(recorded) => (recorded, true),
                    Err(problem) => {
                        self.unreadable.push(problem);
                        (None, false)
                    }
                };
                let t = Translation {
                    path: tr.to_string(),
                    recorded,
                    readable,
                };
                item.translations.insert(lang, t);
            }
            self.originals.push(item);
        }
        for (_, by_lang) in translations {
            for (lang, path) in by_lang {
                self.orphans.push((lang, path.to_string()));
            }
        }
    }

    /// The parts and hash of another version of `original` (its text in an
    /// earlier commit, say), read as the build reads it; `None` when that
    /// version cannot be read.
    pub fn version_of(&self, original: &Original, bytes: &[u8]) -> Option<(String, Vec<Part>)> {
        let parts = match &original.kind {
            Kind::Page(id) => read_page(&original.path, id, bytes).ok()?.0,
            Kind::Playbook => read_playbook(&original.path, bytes).ok()?,
        };
        Some((hash_of(&parts), parts))
    }

    /// The original of the translation at `path`, and the translation's language.
    pub fn translation(&self, path: &str) -> Option<(&Original, &str)> {
        match self.index.get(path)? {
            (i, Some(lang)) => Some((&self.originals[*i], lang.as_str())),
            (_, None) => None,
        }
    }

    /// The original at `path`.
    pub fn original(&self, path: &str) -> Option<&Original> {
        match self.index.get(path)? {
            (i, None) => Some(&self.originals[*i]),
            (_, Some(_)) => None,
        }
    }

    /// The status of every language but the default one.
    pub fn status(&self) -> Vec<LanguageStatus> {
        let mut out = Vec::new();
        for lang in &self.languages {
            let mut status = LanguageStatus {
                lang: lang.clone(),
                ..LanguageStatus::default()
            };
            for original in &self.originals {
                let Some(current) = &original.hash else {
                    continue;
                };
                let Some(t) = original.translations.get(lang) else {
                    status.missing.push(original.path.clone());
                    continue;
                };
                let entry = Entry {
                    path: t.path.clone(),
                    original: original.path.clone(),
                    recorded: t.recorded.clone(),
                    current: current.clone(),
                };
                match &t.recorded {
                    _ if !t.readable => status.unreadable.push(t.path.clone()),
                    None => status.missing_hash.push(entry),
                    Some(r) if r == current => status.up_to_date.push(entry),
                    Some(_) => status.outdated.push(entry),
                }
            }
            out.push(status);
        }
        out
    }
}

#[cfg(test)]
mod tests;
