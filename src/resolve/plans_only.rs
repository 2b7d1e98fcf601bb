//! The knowledge base as planning sees it: which articles and FAQ entries
//! exist and which are drafts, from file names and front matter alone, for
//! [`super::resolve_for_plans`]. Nothing is parsed as Markdown and nothing is
//! checked: a file with a problem still counts as a page, as [`super::resolve`]
//! counts a page it could not read, so a task naming it is not reported.

use std::collections::BTreeMap;

use crate::lang::Lang;
use crate::model::ContentIndex;
use crate::source::SourceTree;

use super::content::{IndexPages, content_id, split_front_matter};

/// What a page is, by where its file is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Article,
    Faq,
}

/// The articles and FAQ entries under `content/` of `tree` (whose Markdown
/// files may hold only their front matter, [`SourceTree::read_for_plans`]),
/// with the drafts among them: a page is a draft when its original (the
/// default language's version, else its first) says `draft: true`, as in
/// [`super::content`].
pub(super) fn content_index(tree: &SourceTree, default: &Lang, languages: &[Lang]) -> ContentIndex {
    // id → (kind, versions by language: whether each says `draft: true`)
    let mut pages: BTreeMap<String, (Kind, BTreeMap<Lang, bool>)> = BTreeMap::new();
    // Ids are compared in NFC, as resolve normalises every path it reads.
    let files: Vec<(String, &[u8])> = tree
        .under("content/")
        .map(|(path, bytes)| (crate::locale::nfc(path), bytes))
        .collect();
    let index = IndexPages::of(files.iter().map(|(p, _)| p.as_str()), default, languages);
    for (path, bytes) in files {
        let Some((id, lang)) = content_id(&path, default, languages) else {
            continue;
        };
        let id = index.page(id);
        let kind = match id.strip_prefix("faq/") {
            Some(rest) if rest == "_index" || rest.contains('/') => continue,
            Some(_) => Kind::Faq,
            None if id == "_index" || id.ends_with("/_index") => continue,
            None => Kind::Article,
        };
        let draft = says_draft(bytes);
        pages
            .entry(id)
            .or_insert_with(|| (kind, BTreeMap::new()))
            .1
            .insert(lang, draft);
    }
    let drafts: std::collections::BTreeSet<String> = pages
        .iter()
        .filter(|(_, (_, versions))| {
            versions
                .get(default)
                .or_else(|| versions.values().next())
                .copied()
                .unwrap_or(false)
        })
        .map(|(id, _)| id.clone())
        .collect();
    // Drafts exist but are not published: a reference to one is refused as such.
    let of_kind = |kind: Kind| -> Vec<String> {
        pages
            .iter()
            .filter(|(id, (k, _))| *k == kind && !drafts.contains(*id))
            .map(|(id, _)| id.clone())
            .collect()
    };
    let faqs = of_kind(Kind::Faq)
        .into_iter()
        .map(|id| id["faq/".len()..].to_string());
    ContentIndex::new(of_kind(Kind::Article), faqs).with_drafts(&drafts)
}

/// Whether a page's front matter says `draft: true` (as YAML writes true:
/// `true`, `True`, `TRUE`), read from its top-level lines without parsing the
/// rest. Anything else is not a draft; a value YAML would refuse is the full
/// check's to report.
fn says_draft(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let split = split_front_matter(text);
    let Some((start, len)) = split.yaml else {
        return false;
    };
    let key = if split.toml { "draft" } else { "draft:" };
    text[start..start + len].lines().any(|line| {
        let value = line.strip_prefix(key).map(|v| match split.toml {
            true => v.trim_start().strip_prefix('=').unwrap_or("#"),
            false => v,
        });
        value.is_some_and(|value| {
            let value = value.split(" #").next().unwrap_or("").trim();
            matches!(value, "true" | "True" | "TRUE")
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_is_read_from_a_top_level_line() {
        assert!(says_draft(b"---\ntitle: A\ndraft: true # for now\n---\n"));
        assert!(says_draft(b"\xEF\xBB\xBF---\r\ndraft: True\r\n---\r\n"));
        assert!(!says_draft(b"---\ntitle: A\ndraft: false\n---\n"));
        assert!(!says_draft(b"---\nmeta:\n  draft: true\n---\n"));
        assert!(!says_draft(b"draft: true\n"));
        assert!(says_draft(b"+++\ntitle = \"A\"\ndraft = true\n+++\n"));
        assert!(!says_draft(b"+++\ndraft = false\n+++\n"));
    }

    #[test]
    fn pages_are_known_by_their_paths() {
        let mut tree = SourceTree::new();
        tree.insert("content/kb/setup.md", "---\ntitle: A\n---\n");
        tree.insert("content/kb/setup.ms.md", "---\ntitle: B\n---\n");
        tree.insert("content/kb/_index.md", "---\ntitle: KB\n---\n");
        tree.insert("content/kb/later.md", "---\ndraft: true\n---\n");
        tree.insert("content/faq/reset.md", "---\nquestion: Q\n---\n");
        tree.insert("content/faq/old/x.md", "---\nquestion: Q\n---\n");
        tree.insert("content/kb/image.png", "");
        let en = Lang::english();
        let ms = Lang::parse("ms").expect("a language");
        let index = content_index(&tree, &en, &[en.clone(), ms]);
        assert_eq!(index.article("setup"), Ok("kb/setup".to_string()));
        assert_eq!(index.faq("reset"), Ok("reset".to_string()));
        assert!(index.article("kb/_index").is_err());
        assert!(index.faq("old/x").is_err());
        assert!(index.article("kb/later").is_err());
        assert_eq!(index.draft_article("kb/later"), Some("kb/later"));
    }
}
