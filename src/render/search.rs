//! What search may find: the public pages of each language as [`crate::search`]
//! documents, and each portal's own FAQ entries and guides.
//!
//! Invariant: the public index is made from the site's content and playbooks only
//! (the home text, articles, FAQ entries, playbook previews); no customer is an
//! input of [`public_docs`]. A portal's index holds only what that portal shows,
//! and is written inside its folder (encrypted with it when it is).

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::lang::Lang;
use crate::markdown;
use crate::model::{Article, Faq, Playbook, Site};
use crate::plan::{ItemText, Kind, Plan};
use crate::render::language::Lx;
use crate::render::page::lang_prefix;
use crate::render::{RenderInput, Sink};
use crate::search::{Doc, Index, Part, ReadDoc};
use rustc_hash::FxHashMap;
use std::sync::{Arc, Mutex, PoisonError};

/// The folder of a language's public index, relative to the site root.
pub(crate) fn index_dir(lang: &Lang) -> String {
    format!("search/{lang}/")
}

/// The public documents of one language: home, articles, FAQ entries and
/// playbook previews, as that language's pages show them, each given to `add` as
/// it is made (articles from any thread): no language's whole text is held at once.
pub(crate) fn public_docs(
    lx: &Lx<'_>,
    previews: &BTreeMap<String, Plan>,
    add: &(dyn Fn(Doc) + Sync),
) {
    let site = lx.site;
    let prefix = lang_prefix(lx.lang, lx.default());
    add(home_doc(site, lx.lang, &prefix));
    // Each article's Markdown is read again for its text, on every thread.
    site.articles
        .par_iter()
        .with_max_len(crate::PAR_CHUNK)
        .for_each(|a| add(article_doc(lx, a, &prefix)));
    let faq_page = format!("{prefix}faq/");
    for f in &site.faqs {
        add(faq_doc(lx, f, &faq_page));
    }
    for p in site.playbooks.values().filter(|p| !p.draft) {
        if let Some(plan) = previews.get(&p.id) {
            add(playbook_doc(lx, p, plan, &prefix));
        }
    }
}

/// The home page: the site's title and the home text.
fn home_doc(site: &Site, lang: &Lang, prefix: &str) -> Doc {
    let (text, text_lang) = match &site.home {
        Some(h) => {
            let (html, l) = h.get(lang);
            (squeeze(&crate::locale::strip_html(html)), l.clone())
        }
        None => (String::new(), lang.clone()),
    };
    Doc {
        url: prefix.to_string(),
        title: site.config.title_in(lang).to_string(),
        section: String::new(),
        section_lang: text_lang.clone(),
        lang: text_lang,
        keywords: site.config.description_in(lang).to_string(),
        parts: vec![Part {
            anchor: String::new(),
            heading: String::new(),
            text,
            ..Part::default()
        }],
    }
}

/// An article as its page in `lx.lang` shows it, one part per heading.
pub(crate) fn article_doc(lx: &Lx<'_>, a: &Article, prefix: &str) -> Doc {
    let (v, content_lang) = a.text.get(lx.lang);
    let section = lx
        .site
        .sections
        .iter()
        .find(|s| s.id == a.section)
        .map(|s| {
            let (v, l) = s.text.get(lx.lang);
            (v.title.clone(), l.clone())
        })
        .unwrap_or_else(|| (String::new(), lx.lang.clone()));
    let outline = markdown::outline(v.body.text(), lx.site.config.raw_html);
    let mut keywords = v.summary.clone();
    for tag in &v.tags {
        keywords.push(' ');
        keywords.push_str(tag);
    }
    Doc {
        url: format!("{prefix}{}/", a.id),
        title: v.title.clone(),
        section: section.0,
        section_lang: section.1,
        lang: content_lang.clone(),
        keywords,
        parts: sections(&outline),
    }
}

/// `text` with every run of white space (line breaks of the Markdown source,
/// spaces between blocks) made one space, and none at either end: what a
/// snippet shows. White space is Unicode's (`char::is_whitespace`). Stretches
/// whose only white space is single spaces are copied whole; only bytes that may
/// begin white space (ASCII's, and the lead bytes of U+0085, U+00A0, U+1680,
/// U+2000–U+205F and U+3000) are looked at more closely.
fn squeeze(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    // The stretch being read, copied whole when white space other than a single
    // space between words ends it.
    let mut stretch: Option<usize> = None;
    let mut at = 0;
    while at < bytes.len() {
        // Up to the next byte that may begin white space.
        let plain = bytes[at..]
            .iter()
            .position(|&b| MAY_BE_SPACE[usize::from(b)])
            .unwrap_or(bytes.len() - at);
        if plain > 0 {
            stretch.get_or_insert(at);
            at += plain;
            continue;
        }
        // One space between words, the most common case, stays in the stretch.
        if bytes[at] == b' '
            && stretch.is_some()
            && at + 1 < bytes.len()
            && space_width(text, at + 1) == 0
        {
            at += 1;
            continue;
        }
        let width = space_width(text, at);
        if width == 0 {
            // A char that only begins like white space.
            stretch.get_or_insert(at);
            at += text[at..].chars().next().map_or(1, char::len_utf8);
            continue;
        }
        let mut end = at + width;
        loop {
            match space_width(text, end) {
                0 => break,
                w => end += w,
            }
        }
        if let Some(start) = stretch.take() {
            out.push_str(&text[start..at]);
        }
        if end < bytes.len() && !out.is_empty() {
            out.push(' ');
        }
        at = end;
    }
    if let Some(start) = stretch {
        out.push_str(&text[start..]);
    }
    out
}

/// The bytes that may begin a white-space char: ASCII's (tab to carriage
/// return, space) and the lead bytes of those beyond ASCII.
static MAY_BE_SPACE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0x09;
    while b <= 0x0D {
        table[b] = true;
        b += 1;
    }
    table[0x20] = true;
    table[0xC2] = true;
    table[0xE1] = true;
    table[0xE2] = true;
    table[0xE3] = true;
    table
};

/// The width in bytes of the white-space char at `at` in `text`, 0 when there is
/// none (or `at` is the end).
fn space_width(text: &str, at: usize) -> usize {
    let Some(&b) = text.as_bytes().get(at) else {
        return 0;
    };
    if !MAY_BE_SPACE[usize::from(b)] {
        return 0;
    }
    if b.is_ascii() {
        return 1;
    }
    match text[at..].chars().next() {
        Some(c) if c.is_whitespace() => c.len_utf8(),
        _ => 0,
    }
}

/// The text of a page cut at its headings: the text before the first heading,
/// then each heading with the text up to the next.
fn sections(outline: &markdown::Outline) -> Vec<Part> {
    let text = outline.text.as_str();
    let spans = &outline.heading_spans;
    // Headings written as raw HTML are not in the outline's list: without one
    // span per heading, the page is one part.
    if spans.len() != outline.headings.len() {
        return vec![Part {
            anchor: String::new(),
            heading: String::new(),
            text: squeeze(text),
            ..Part::default()
        }];
    }
    let mut parts = Vec::with_capacity(spans.len() + 1);
    let first_end = spans.first().map_or(text.len(), |s| s.0);
    parts.push(Part {
        anchor: String::new(),
        heading: String::new(),
        text: squeeze(&text[..first_end]),
        ..Part::default()
    });
    for (i, (heading, &(start, end))) in outline.headings.iter().zip(spans).enumerate() {
        let next = spans.get(i + 1).map_or(text.len(), |s| s.0);
        parts.push(Part {
            anchor: heading.id.clone(),
            heading: squeeze(&text[start..end]),
            text: squeeze(&text[end..next]),
            ..Part::default()
        });
    }
    parts
}

/// An FAQ entry: found at its place on the FAQ page (`faq_url` is that page).
fn faq_doc(lx: &Lx<'_>, f: &Faq, faq_url: &str) -> Doc {
    let (v, text_lang) = f.text.get(lx.lang);
    Doc {
        url: format!("{faq_url}#{}", f.id),
        title: v.question.clone(),
        section: lx.t("faq", "FAQ"),
        section_lang: lx.lang.clone(),
        lang: text_lang.clone(),
        keywords: v.tags.join(" "),
        parts: vec![Part {
            anchor: String::new(),
            heading: String::new(),
            text: squeeze(&crate::locale::strip_html(&v.answer_html)),
            ..Part::default()
        }],
    }
}

/// A playbook's public preview: its summary, then for each phase a part with
/// its title and description and a part per task (its title and description,
/// found at the task on the page), then a part per milestone (found at the list
/// of milestones). Each part says the language of its heading
/// and of its text when a translation is missing.
fn playbook_doc(lx: &Lx<'_>, p: &Playbook, plan: &Plan, prefix: &str) -> Doc {
    let default = lx.default();
    let (text, title_lang) = lx.playbook_text(plan);
    // The summary, under the page's title (its heading).
    let mut parts = vec![Part {
        heading: String::new(),
        heading_lang: None,
        ..text_part(String::new(), text, title_lang)
    }];
    let mut by_phase: Vec<Vec<Part>> = vec![Vec::new(); p.phases.len()];
    for item in plan.visible() {
        if let Some(out) = item.phase.and_then(|i| by_phase.get_mut(i)) {
            let (t, filed) = item.text(lx.lang, default);
            out.push(text_part(format!("task-{}", item.id), t, filed));
        }
    }
    for ((i, phase), tasks) in p.phases.iter().enumerate().zip(by_phase) {
        let (t, filed) = plan
            .phases
            .get(i)
            .map(|t| crate::plan::pick(t, lx.lang, default))
            .unwrap_or((&*crate::plan::EMPTY_TEXT, default));
        parts.push(text_part(format!("phase-{}", phase.id), t, filed));
        parts.extend(tasks);
    }
    // Milestones are listed together, after the phases, by title alone.
    for item in plan.visible().filter(|i| i.kind == Kind::Milestone) {
        let (t, filed) = item.text(lx.lang, default);
        parts.push(Part {
            text: String::new(),
            text_lang: None,
            ..text_part("milestones-h".to_string(), t, filed)
        });
    }
    Doc {
        url: format!("{prefix}playbooks/{}/", p.id),
        title: text.title.clone(),
        section: lx.t("playbook_preview", "Onboarding plan"),
        section_lang: lx.lang.clone(),
        lang: title_lang.clone(),
        keywords: String::new(),
        parts,
    }
}

/// A part with `text`'s title as heading and its description as text (filed
/// under `filed`), found at `anchor`.
fn text_part(anchor: String, text: &ItemText, filed: &Lang) -> Part {
    let body = squeeze(&crate::locale::strip_html(&text.description_html));
    Part {
        anchor,
        heading: text.title.clone(),
        text_lang: (!body.is_empty()).then(|| text.description_lang(filed).clone()),
        text: body,
        heading_lang: Some(text.title_lang(filed).clone()),
    }
}

/// Writes the public search index of every language (when `[search] enabled`),
/// keeping the indexes when the input asks (`serve`).
pub(crate) fn render_public_search(input: &RenderInput<'_>, sink: &Sink<'_>) {
    let site = input.site;
    if !site.config.search.enabled {
        return;
    }
    // The languages in parallel, each index let go (or kept) once written.
    site.config.languages.par_iter().for_each(|lang| {
        let lx = Lx {
            site,
            lang,
            locale: input.locale(lang),
        };
        let index = Index::gather(lang, input.keep_search.is_some(), |add| {
            public_docs(&lx, input.previews, add);
        });
        index.send_files(&index_dir(lang), sink);
        if let Some(keep) = input.keep_search
            && let Ok(mut kept) = keep.lock()
        {
            kept.insert(lang.clone(), index);
        }
    });
}

/// A portal's own index in `lang`, written at `dir` (the portal's folder in that
/// language): the FAQ entries the portal shows (`faqs`, found on its FAQ page)
/// and the guides its visible tasks and milestones cite (public articles).
/// Addresses are relative to `dir`.
pub(crate) fn portal_index(
    input: &RenderInput<'_>,
    plan: &Plan,
    faqs: &[&Faq],
    lang: &Lang,
    dir: &str,
) -> crate::output::OutputFile {
    let site = input.site;
    let lx = Lx {
        site,
        lang,
        locale: input.locale(lang),
    };
    let root = format!(
        "{}{}",
        crate::render::root_of(&format!("{dir}index.html")),
        lang_prefix(lang, lx.default())
    );
    let mut guides: Vec<&str> = plan
        .visible()
        .flat_map(|item| item.guides.iter().map(String::as_str))
        .collect();
    guides.sort_unstable();
    guides.dedup();
    // Each entry and guide is made into terms once per language and depth, for
    // every portal that shows it.
    let cache = &input.portal_indexes;
    let mut docs: Vec<Arc<ReadDoc>> = faqs
        .iter()
        .map(|f| cache.read(lang, format!("faq {}", f.id), || faq_doc(&lx, f, "faq/")))
        .collect();
    docs.extend(guides.iter().filter_map(|id| site.article(id)).map(|a| {
        cache.read(lang, format!("article {root} {}", a.id), || {
            article_doc(&lx, a, &root)
        })
    }));
    crate::output::OutputFile {
        path: format!("{dir}search.json"),
        bytes: Index::of_read(lang, &docs).single_file(),
    }
}

/// The documents of portal indexes read so far in one render, by language and
/// what they are (`faq <id>`, `article <root> <id>`): every portal of a playbook
/// shows much the same entries and guides.
#[derive(Default)]
pub(crate) struct PortalIndexes {
    read: Mutex<FxHashMap<(Lang, String), Arc<ReadDoc>>>,
}

impl PortalIndexes {
    /// The document `key` in `lang`, made by `make` and read the first time.
    fn read(&self, lang: &Lang, key: String, make: impl FnOnce() -> Doc) -> Arc<ReadDoc> {
        let key = (lang.clone(), key);
        let lock = || self.read.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(read) = lock().get(&key) {
            return Arc::clone(read);
        }
        // Read without the lock: another thread may read the same at once, and
        // both give the same terms.
        let read = Arc::new(Index::read(lang, make()));
        lock().insert(key, Arc::clone(&read));
        read
    }
}

/// What the public indexes write after an edit.
pub(crate) struct SearchUpdate {
    /// The files that changed.
    pub files: Vec<crate::output::OutputFile>,
    /// The shard folders (`search/L/s/`) whose files are all in `files`: what
    /// else they hold is gone.
    pub replaced: Vec<String>,
}

/// The public indexes after an edit (`serve`): the named articles, FAQ entries
/// (ids without `faq/`) and playbooks made again as documents and replaced in
/// each kept index, which gives the files that changed since it last wrote.
/// `None` when an index is not kept or a document cannot be replaced in place (a
/// new page, or one whose text changed language): the caller builds everything.
pub(crate) fn update_public_search(
    input: &RenderInput<'_>,
    kept: &mut BTreeMap<Lang, Index>,
    articles: &[&str],
    faqs: &[&str],
    playbooks: &[&str],
) -> Option<SearchUpdate> {
    let site = input.site;
    let mut update = SearchUpdate {
        files: Vec::new(),
        replaced: Vec::new(),
    };
    if !site.config.search.enabled {
        return Some(update);
    }
    for lang in &site.config.languages {
        let index = kept.get_mut(lang)?;
        let lx = Lx {
            site,
            lang,
            locale: input.locale(lang),
        };
        let prefix = lang_prefix(lang, lx.default());
        let mut docs: Vec<Doc> = Vec::new();
        for id in articles {
            docs.push(article_doc(&lx, site.article(id)?, &prefix));
        }
        let faq_page = format!("{prefix}faq/");
        for id in faqs {
            docs.push(faq_doc(&lx, site.faq(id)?, &faq_page));
        }
        for id in playbooks {
            let p = site.playbooks.get(*id)?;
            let plan = input.previews.get(*id)?;
            docs.push(playbook_doc(&lx, p, plan, &prefix));
        }
        for doc in docs {
            if !index.replace(doc) {
                return None;
            }
        }
        let dir = index_dir(lang);
        let changed = index.changed_files(&dir);
        if changed.whole {
            update.replaced.push(format!("{dir}s/"));
        }
        update.files.extend(changed.files);
    }
    Some(update)
}

#[cfg(test)]
mod tests {
    use super::squeeze;

    /// What `squeeze` must give: `split_whitespace` joined by one space.
    fn reference(text: &str) -> String {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn squeeze_makes_every_run_of_white_space_one_space() {
        let cases = [
            "",
            "   ",
            "one",
            "  two  words \n",
            "tab\there\x0bvertical\x0cfeed\r\nend",
            "no\u{a0}break\u{85}next\u{1680}ogham\u{2003}em\u{2028}line\u{202f}narrow\u{3000}ideographic",
            // Lead bytes of white space that begin other chars: ©, ᄀ, —, あ.
            "\u{a9} \u{1100}\u{2014}\u{3042}  \u{00c2}",
            "ລາວ  ພາສາ\n\nनेपाली\u{200b}भाषा",
            "\u{205f}\u{2000}edge\u{200a}",
        ];
        for case in cases {
            assert_eq!(squeeze(case), reference(case), "{case:?}");
        }
        // Every string of up to five of these: single and repeated spaces at
        // either end and between words, and chars that only begin like white space.
        let alphabet = [" ", "\n", "a", "ລ", "\u{a0}", "\u{2014}", "\u{3000}"];
        let mut strings = vec![String::new()];
        for _ in 0..5 {
            let longer: Vec<String> = strings
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            for case in &longer {
                assert_eq!(squeeze(case), reference(case), "{case:?}");
            }
            strings = longer;
        }
        // Every char from U+0000 to U+3100 between two letters.
        for c in (0u32..0x3100).filter_map(char::from_u32) {
            let case = format!("a{c}b {c}{c}c");
            assert_eq!(squeeze(&case), reference(&case), "U+{:04X}", c as u32);
        }
    }
}
