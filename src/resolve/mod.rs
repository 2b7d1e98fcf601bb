//! Resolve: the site's files in, the validated [`Site`] out.
//!
//! Parses every input (config, playbooks, customers, content, theme), converts the
//! raw data into the model once, and checks every reference. All problems are
//! collected; the site is returned only when there are no errors, so invalid states
//! never reach planning or rendering.

pub(crate) mod content;
pub(crate) mod customers;
mod dashboard;
pub(crate) mod feedback;
mod plans_only;
pub(crate) mod playbook_translations;
pub(crate) mod playbooks;
pub(crate) mod theme;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::{CONFIG_PATH, parse_config};
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Label, SourceFile};
use crate::model::Site;
use crate::source::SourceTree;
use crate::text::TextEngine;
use playbooks::InFile;

/// Decodes a file as UTF-8 text, or reports it.
pub(crate) fn text_file(
    path: &str,
    bytes: &[u8],
    diagnostics: &mut Diagnostics,
) -> Option<Arc<SourceFile>> {
    text_file_owned(path, bytes.to_vec(), diagnostics)
}

/// [`text_file`] for bytes the caller gives up: no copy when they are UTF-8 text
/// already in NFC.
fn text_file_owned(
    path: &str,
    bytes: Vec<u8>,
    diagnostics: &mut Diagnostics,
) -> Option<Arc<SourceFile>> {
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..'\u{feff}'.len_utf8());
            }
            // Normalised once here, so ids, slugs, anchors and comparisons all see NFC.
            Some(SourceFile::new(
                crate::locale::nfc(path),
                crate::locale::nfc_owned(text),
            ))
        }
        Err(err) => {
            let valid = err.utf8_error().valid_up_to();
            let file = SourceFile::new(path, String::from_utf8_lossy(err.as_bytes()).into_owned());
            diagnostics.push(
                Diagnostic::error(Code::NotUtf8, "this file is not valid UTF-8 text")
                    .at(Label::new(&file, valid, valid))
                    .help("save the file as UTF-8"),
            );
            None
        }
    }
}

/// A file under customers/: decoded and parsed as YAML, not text, or not a customer.
enum CustomerEntry<'a> {
    Read(Arc<SourceFile>, Box<customers::Parsed>),
    NotText(Diagnostics),
    Ignored(&'a str),
}

fn read_customer<'a>(path: &'a str, bytes: &[u8]) -> CustomerEntry<'a> {
    if !is_yaml(path) || path["customers/".len()..].contains('/') {
        return CustomerEntry::Ignored(path);
    }
    let mut problems = Diagnostics::new();
    match text_file(path, bytes, &mut problems) {
        Some(file) => {
            let parsed = customers::parse_customer(&file);
            CustomerEntry::Read(file, Box::new(parsed))
        }
        None => CustomerEntry::NotText(problems),
    }
}

fn is_yaml(path: &str) -> bool {
    path.ends_with(".yaml") || path.ends_with(".yml")
}

/// Resolves a whole site. `taken` are Markdown files under content/ that the
/// caller moved out of `tree` (so they are not held twice); they count as part of it.
pub(crate) fn resolve(
    tree: &SourceTree,
    taken: Vec<(String, Vec<u8>)>,
    options: &crate::options::BuildOptions,
    diagnostics: &mut Diagnostics,
) -> Option<Site> {
    let config_file = config_file(tree, diagnostics)?;
    let config = parse_config(&config_file, diagnostics);
    if config.is_none() {
        diagnostics.push(checks_skipped(&config_file));
        return None;
    }
    let (lang, languages) = site_languages(config.as_ref());
    let mut tracker = crate::translation::Tracker::new(&languages[1..]);
    let raw_html = config.as_ref().map(|c| c.raw_html).unwrap_or_default();

    let files = ContentFiles::read(tree, taken, diagnostics);
    let mut parsed = content::parse_content(&files.markdown, &lang, &languages, raw_html);
    if let Some(config) = &config {
        git_history_warning(&config_file, config, options, diagnostics);
        if let Some(days) = content::git_days(config, options) {
            content::date_from_git(&mut parsed, days);
        }
    }
    // The content is checked on one thread. Customer files need nothing else of
    // the site to be read as YAML: the other threads read them meanwhile.
    let (content, customer_entries) = rayon::join(
        || {
            content::resolve_content(
                &files.markdown,
                parsed,
                &files.other,
                &lang,
                &languages,
                &mut tracker,
                diagnostics,
            )
        },
        || read_customers(tree),
    );
    let index = content_index(&content);
    let (playbooks, customers, theme, feedback) = resolve_the_rest(
        tree,
        &config_file,
        config.as_ref(),
        &index,
        customer_entries,
        &mut tracker,
        options,
        diagnostics,
    );
    let static_files = static_files(tree, files.assets);
    let dashboard = site_dashboard(
        &config_file,
        config.as_ref(),
        &customers,
        options,
        diagnostics,
    );

    if diagnostics.has_errors() {
        return None;
    }
    let mut site = Site {
        config: config?,
        playbooks,
        customers,
        articles: content.articles,
        sections: content.sections,
        faqs: content.faqs,
        home: content.home,
        home_title: content.home_title,
        faq_page: content.faq_page,
        translations: tracker.finish(),
        theme,
        static_files,
        index: Default::default(),
        markdown_parsed: content.parsed,
        links: content.links,
        content_index: index,
        dashboard: dashboard?,
        feedback,
    };
    site.index();
    Some(site)
}

/// A warning when `[content] last_updated = "git"` asks for dates from a
/// history that was not read whole; the build goes on without them.
fn git_history_warning(
    config_file: &Arc<SourceFile>,
    config: &crate::config::Config,
    options: &crate::options::BuildOptions,
    diagnostics: &mut Diagnostics,
) {
    use crate::options::GitDates;
    let crate::config::LastUpdated::Git(at) = &config.last_updated else {
        return;
    };
    let (message, help) = match &options.git_dates {
        GitDates::Read { shallow: false, .. } => return,
        GitDates::Read { shallow: true, .. } => (
            "the site's git repository is a shallow clone: articles changed before its oldest commit show that commit's day as \"Last updated\"".to_string(),
            "build from the whole history: `git fetch --unshallow`, or in GitHub Actions `fetch-depth: 0` on actions/checkout",
        ),
        GitDates::Unreadable(why) => (
            format!("dates from git are asked for, but {why}: articles show the dates of their front matter"),
            "build inside the site's git repository, with git installed, or remove `last_updated` to use front matter dates",
        ),
        GitDates::NotRead => (
            "dates from git are asked for, but the git history was not read: articles show the dates of their front matter".to_string(),
            "`gangway serve` reads the history when it starts: restart it after setting `last_updated`",
        ),
    };
    diagnostics.push(
        Diagnostic::warning(Code::GitHistory, message)
            .at(Label::new(config_file, at.start, at.end))
            .help(help),
    );
}

/// Everything of a site but its knowledge base, resolved against it: what
/// [`resolve`] and [`resolve_for_plans`] share, so the two report the same
/// problems in settings, playbooks, customers and client feedback.
#[expect(
    clippy::too_many_arguments,
    reason = "the pieces resolve and resolve_for_plans each make their own way"
)]
fn resolve_the_rest(
    tree: &SourceTree,
    config_file: &Arc<SourceFile>,
    config: Option<&crate::config::Config>,
    index: &crate::model::ContentIndex,
    customer_entries: Vec<CustomerEntry<'_>>,
    tracker: &mut crate::translation::Tracker,
    options: &crate::options::BuildOptions,
    diagnostics: &mut Diagnostics,
) -> (
    BTreeMap<String, crate::model::Playbook>,
    Vec<crate::model::Customer>,
    crate::model::Theme,
    crate::model::Feedback,
) {
    let (lang, languages) = site_languages(config);
    let raw_html = config.map(|c| c.raw_html).unwrap_or_default();
    let texts = TextEngine::new().with_raw_html(raw_html);
    let (playbooks, known_broken) =
        resolve_playbooks(tree, &lang, &languages, index, &texts, tracker, diagnostics);

    // With errors in gangway.toml, customers are still checked (against defaults).
    let fallback;
    let config_for_customers = match config {
        Some(c) => c,
        None => {
            fallback = crate::config::Config::fallback(languages.clone());
            &fallback
        }
    };
    let so_far = customers::SiteSoFar {
        config: config_for_customers,
        playbooks: &playbooks,
        broken_playbooks: &known_broken,
        content: index,
        texts: &texts,
        options,
    };
    let customers = resolve_customers(customer_entries, &so_far, diagnostics);

    let theme = theme::resolve_theme(
        tree,
        config.and_then(|c| c.theme.as_deref()),
        &languages,
        Some(config_file),
        diagnostics,
    );
    let feedback =
        feedback::resolve_feedback(tree, &customers, &playbooks, index, &languages, diagnostics);
    (playbooks, customers, theme, feedback)
}

/// Resolves what planning needs of a site, for [`crate::build::plan_customers`]:
/// settings, playbooks, customers and theme exactly as [`resolve`] does (the
/// same checks, the same diagnostics), but of the knowledge base only which
/// articles and FAQ entries exist and which are drafts, from file names and
/// front matter ([`plans_only::content_index`]), so task references still
/// resolve. No Markdown is parsed and nothing under `content/` is checked:
/// that is `gangway check`'s job. The site has no articles, sections, FAQ
/// entries or static files; it must not be rendered.
pub(crate) fn resolve_for_plans(
    tree: &SourceTree,
    options: &crate::options::BuildOptions,
    diagnostics: &mut Diagnostics,
) -> Option<Site> {
    let config_file = config_file(tree, diagnostics)?;
    let config = parse_config(&config_file, diagnostics);
    if config.is_none() {
        diagnostics.push(checks_skipped(&config_file));
        return None;
    }
    let (lang, languages) = site_languages(config.as_ref());
    let mut tracker = crate::translation::Tracker::new(&languages[1..]);
    let (index, customer_entries) = rayon::join(
        || plans_only::content_index(tree, &lang, &languages),
        || read_customers(tree),
    );
    let (playbooks, customers, theme, feedback) = resolve_the_rest(
        tree,
        &config_file,
        config.as_ref(),
        &index,
        customer_entries,
        &mut tracker,
        options,
        diagnostics,
    );
    let dashboard = site_dashboard(
        &config_file,
        config.as_ref(),
        &customers,
        options,
        diagnostics,
    );
    if diagnostics.has_errors() {
        return None;
    }
    Some(Site {
        config: config?,
        playbooks,
        customers,
        articles: Vec::new(),
        sections: Vec::new(),
        faqs: Vec::new(),
        home: None,
        home_title: None,
        faq_page: None,
        translations: tracker.finish(),
        theme,
        static_files: BTreeMap::new(),
        index: Default::default(),
        markdown_parsed: 0,
        links: crate::model::LinkTargets::none(lang),
        content_index: index,
        dashboard: dashboard?,
        feedback,
    })
}

/// The dashboard's settings resolved (`Some(None)` when none is written; `None`
/// after an error), or no dashboard when the settings did not parse.
fn site_dashboard(
    config_file: &Arc<SourceFile>,
    config: Option<&crate::config::Config>,
    customers: &[crate::model::Customer],
    options: &crate::options::BuildOptions,
    diagnostics: &mut Diagnostics,
) -> Option<Option<crate::model::Dashboard>> {
    match config {
        Some(c) => {
            dashboard::resolve_dashboard(config_file, c, customers.len(), options, diagnostics)
        }
        None => Some(None),
    }
}

/// `gangway.toml` as text; without it, this is not a site.
fn config_file(tree: &SourceTree, diagnostics: &mut Diagnostics) -> Option<Arc<SourceFile>> {
    let Some(config_bytes) = tree.get(CONFIG_PATH) else {
        diagnostics.push(
            Diagnostic::error(Code::NotASite, "there is no gangway.toml here")
                .help("run `gangway build` in a site's folder, pass `--root DIR`, or create a site with `gangway init DIR`"),
        );
        return None;
    };
    text_file(CONFIG_PATH, config_bytes, diagnostics)
}

/// The default language and every language of the site (the default first);
/// English alone when the settings do not parse.
fn site_languages(
    config: Option<&crate::config::Config>,
) -> (crate::lang::Lang, Vec<crate::lang::Lang>) {
    let lang = config
        .map(|c| c.default_language.clone())
        .unwrap_or_else(crate::lang::Lang::english);
    let languages = config
        .map(|c| c.languages.clone())
        .unwrap_or_else(|| vec![lang.clone()]);
    (lang, languages)
}

/// The files under content/.
struct ContentFiles {
    /// The Markdown pages, decoded, sorted by path.
    markdown: Vec<Arc<SourceFile>>,
    /// The other files' paths under content/.
    other: BTreeSet<String>,
    /// Those files' bytes, copied to the output as they are.
    assets: BTreeMap<String, Vec<u8>>,
}

impl ContentFiles {
    /// Decodes the pages in parallel (the pages still in the tree are copied, as
    /// `text_file` would; `taken` are those moved out of it), and checks that
    /// every file's name can stand in an address.
    fn read(
        tree: &SourceTree,
        taken: Vec<(String, Vec<u8>)>,
        diagnostics: &mut Diagnostics,
    ) -> ContentFiles {
        let mut other = BTreeSet::new();
        let mut assets = BTreeMap::new();
        let mut pages = Vec::new();
        for (path, bytes) in tree.under("content/") {
            let rel = &path["content/".len()..];
            if path.ends_with(".md") {
                pages.push((path, bytes));
            } else {
                other.insert(rel.to_string());
                assets.insert(rel.to_string(), bytes.to_vec());
            }
        }
        let decoded: Vec<(Option<Arc<SourceFile>>, Diagnostics)> = pages
            .into_par_iter()
            .map(|(path, bytes)| (path.to_string(), bytes.to_vec()))
            .chain(taken)
            .with_max_len(crate::PAR_CHUNK)
            .map(|(path, bytes)| {
                let mut d = Diagnostics::new();
                (text_file_owned(&path, bytes, &mut d), d)
            })
            .collect();
        let mut markdown = Vec::new();
        for (file, d) in decoded {
            diagnostics.extend(d);
            markdown.extend(file);
        }
        markdown.sort_by(|a, b| a.path.cmp(&b.path));
        // Every file under content/ becomes an address.
        let content_paths = markdown.iter().map(|f| f.path.as_str()).chain(
            tree.under("content/")
                .map(|(path, _)| path)
                .filter(|p| !p.ends_with(".md")),
        );
        for path in content_paths {
            if let Some(c) = crate::url::unfit_in_path(&path["content/".len()..]) {
                diagnostics.push(unfit_file_name(path, c));
            }
        }
        ContentFiles {
            markdown,
            other,
            assets,
        }
    }
}

/// What playbooks and customers may link to: the articles and FAQ entries (those
/// that could not be read count, so links to them are not reported twice).
fn content_index(content: &content::Content) -> crate::model::ContentIndex {
    crate::model::ContentIndex::new(
        content.articles.iter().map(|a| a.id.clone()).chain(
            content
                .unreadable
                .iter()
                .filter(|id| !id.starts_with("faq/"))
                .cloned(),
        ),
        content.faqs.iter().map(|f| f.id.clone()).chain(
            content
                .unreadable
                .iter()
                .filter_map(|id| id.strip_prefix("faq/").map(str::to_string)),
        ),
    )
    .with_drafts(&content.links.drafts)
}

/// Every file under customers/, decoded and parsed as YAML in parallel.
fn read_customers(tree: &SourceTree) -> Vec<CustomerEntry<'_>> {
    let entries: Vec<(&str, &[u8])> = tree.under("customers/").collect();
    entries
        .par_iter()
        .with_max_len(crate::PAR_CHUNK)
        .map(|&(path, bytes)| read_customer(path, bytes))
        .collect()
}

/// Checks every customer file against the site, in parallel: each is independent.
fn resolve_customers(
    entries: Vec<CustomerEntry<'_>>,
    site: &customers::SiteSoFar<'_>,
    diagnostics: &mut Diagnostics,
) -> Vec<crate::model::Customer> {
    let mut files = Vec::new();
    for entry in entries {
        match entry {
            CustomerEntry::Ignored(path) => diagnostics.push(ignored(
                path,
                "customers are `.yaml` files directly in customers/",
            )),
            CustomerEntry::Read(file, parsed) => files.push((file, *parsed)),
            CustomerEntry::NotText(problems) => diagnostics.extend(problems),
        }
    }
    let results: Vec<(Option<crate::model::Customer>, Diagnostics)> = files
        .into_par_iter()
        .with_max_len(crate::PAR_CHUNK)
        .map(|(file, parsed)| {
            let mut d = Diagnostics::new();
            let c = customers::resolve_customer(&file, parsed, site, &mut d);
            (c, d)
        })
        .collect();
    let mut customers = Vec::new();
    for (c, d) in results {
        diagnostics.extend(d);
        customers.extend(c);
    }
    customers
}

/// The files copied as they are: static/, then the files beside the articles
/// (a file in static/ wins).
fn static_files(tree: &SourceTree, assets: BTreeMap<String, Vec<u8>>) -> BTreeMap<String, Vec<u8>> {
    let mut static_files = BTreeMap::new();
    for (path, bytes) in tree.under("static/") {
        static_files.insert(path["static/".len()..].to_string(), bytes.to_vec());
    }
    for (path, bytes) in assets {
        static_files.entry(path).or_insert(bytes);
    }
    static_files
}

/// Said once when gangway.toml cannot be read: what depends on it is not checked,
/// rather than checked against defaults and reported falsely.
fn checks_skipped(config: &Arc<SourceFile>) -> Diagnostic {
    Diagnostic::warning(
        Code::ChecksSkipped,
        "the rest of the site is not checked until gangway.toml has no errors",
    )
    .at(Label::new(config, 0, 0))
    .help("the site's languages, calendar and addresses come from gangway.toml; fix the errors above and run again")
}

/// Playbooks, with their translations, resolved against the content: every
/// file under playbooks/. Also returns the ids of playbooks that exist but did
/// not resolve (customers on them are not reported again).
pub(crate) fn resolve_playbooks(
    tree: &SourceTree,
    lang: &crate::lang::Lang,
    languages: &[crate::lang::Lang],
    index: &crate::model::ContentIndex,
    texts: &TextEngine,
    tracker: &mut crate::translation::Tracker,
    diagnostics: &mut Diagnostics,
) -> (BTreeMap<String, crate::model::Playbook>, BTreeSet<String>) {
    let files = PlaybookFiles::read(tree, lang, languages, diagnostics);
    files.track_translations(tracker, diagnostics);
    let PlaybookFiles {
        raws,
        translations,
        broken,
    } = files;
    let mut playbooks =
        playbooks::resolve_playbooks(raws, &broken, index, lang, texts, diagnostics);
    playbook_translations::apply_translations(&mut playbooks, &translations, texts, diagnostics);
    let known_broken = unresolved_playbooks(tree, &playbooks);
    (playbooks, known_broken)
}

/// The files under playbooks/, parsed.
struct PlaybookFiles {
    /// Playbooks by id.
    raws: BTreeMap<String, InFile<crate::raw::RawPlaybook>>,
    /// Names of files that did not parse as playbooks.
    broken: BTreeSet<String>,
    /// Translations by (playbook id, language).
    translations: BTreeMap<(String, crate::lang::Lang), InFile<crate::raw::RawPlaybookTranslation>>,
}

impl PlaybookFiles {
    /// Parses every playbook and translation (`saas.ms.yaml` translates
    /// `saas.yaml` into Malay).
    fn read(
        tree: &SourceTree,
        lang: &crate::lang::Lang,
        languages: &[crate::lang::Lang],
        diagnostics: &mut Diagnostics,
    ) -> PlaybookFiles {
        let mut files = PlaybookFiles {
            raws: BTreeMap::new(),
            broken: BTreeSet::new(),
            translations: BTreeMap::new(),
        };
        for (path, bytes) in tree.under("playbooks/") {
            if !is_yaml(path) || path["playbooks/".len()..].contains('/') {
                diagnostics.push(ignored(
                    path,
                    "playbooks are `.yaml` files directly in playbooks/",
                ));
                continue;
            }
            let Some(file) = text_file(path, bytes, diagnostics) else {
                continue;
            };
            let stem = playbooks::file_stem(path, "playbooks/").unwrap_or_default();
            if let Some((owner, suffix)) = stem.split_once('.') {
                match languages.iter().find(|l| l.as_str() == suffix && *l != lang) {
                    Some(tl) => {
                        if let Some(raw) = playbook_translations::parse_translation(&file, diagnostics) {
                            files.translations.insert((owner.to_string(), tl.clone()), InFile { file, value: raw });
                        }
                    }
                    None => diagnostics.push(
                        Diagnostic::warning(Code::IgnoredFile, format!("{path} is not used: `{suffix}` is not one of the site's other languages"))
                            .at(Label::new(&file, 0, 0))
                            .help("translations are named `<playbook>.<language>.yaml` for a language listed in gangway.toml"),
                    ),
                }
                continue;
            }
            match playbooks::parse_playbook(&file, diagnostics) {
                Some((id, raw)) => {
                    files.raws.insert(id, InFile { file, value: raw });
                }
                None => {
                    files.broken.insert(stem);
                }
            }
        }
        files
    }

    /// Records every playbook's translations with the translation tracker, warning
    /// about translations made from an older version and those of no playbook.
    fn track_translations(
        &self,
        tracker: &mut crate::translation::Tracker,
        diagnostics: &mut Diagnostics,
    ) {
        let hashes: BTreeMap<String, String> = self
            .raws
            .iter()
            .map(|(id, raw)| (id.clone(), playbook_translations::playbook_hash(&raw.value)))
            .collect();
        for (id, raw) in &self.raws {
            let list: Vec<(String, String, Option<String>)> = self
                .translations
                .iter()
                .filter(|((owner, _), _)| owner == id)
                .map(|((_, l), tr)| {
                    let recorded = tr
                        .value
                        .translation_of
                        .as_ref()
                        .map(|r| r.value.trim().to_string());
                    if let Some(r) = &tr.value.translation_of
                        && r.value.trim() != hashes[id]
                    {
                        diagnostics.push(
                            Diagnostic::warning(
                                Code::OutdatedTranslation,
                                format!(
                                    "this {l} translation was made from an older version of {}",
                                    raw.file.path
                                ),
                            )
                            .at(crate::yaml::label(&tr.file, 0, r))
                            .help(format!(
                                "update the translation, then set `translation_of: {}` (`gangway translations stamp {}` does; `gangway translations status` shows what changed)",
                                hashes[id], tr.file.path
                            )),
                        );
                    }
                    (l.to_string(), tr.file.path.clone(), recorded)
                })
                .collect();
            tracker.item(&raw.file.path, &hashes[id], &list);
        }
        for (owner, _) in self.translations.keys() {
            if !self.raws.contains_key(owner)
                && !self.broken.contains(owner)
                && let Some(tr) = self
                    .translations
                    .iter()
                    .find(|((o, _), _)| o == owner)
                    .map(|(_, t)| t)
            {
                diagnostics.push(
                    Diagnostic::warning(
                        Code::TranslationWithoutOriginal,
                        format!(
                            "{} translates a playbook `{owner}` that does not exist",
                            tr.file.path
                        ),
                    )
                    .at(Label::new(&tr.file, 0, 0)),
                );
            }
        }
    }
}

/// The names of files under playbooks/ that are not resolved playbooks (broken
/// ones, and translations): customers naming one are not also reported as
/// naming an unknown playbook.
pub(crate) fn unresolved_playbooks(
    tree: &SourceTree,
    playbooks: &BTreeMap<String, crate::model::Playbook>,
) -> BTreeSet<String> {
    tree.under("playbooks/")
        .filter_map(|(path, _)| playbooks::file_stem(path, "playbooks/"))
        .filter(|stem| !playbooks.contains_key(stem))
        .collect()
}

/// A file under content/ whose name cannot stand in an address as it is: the
/// file is named, not encoded, so what authors link to is what readers see.
fn unfit_file_name(path: &str, c: char) -> Diagnostic {
    let shown = if c.is_ascii_graphic() {
        format!("`{c}`")
    } else {
        format!("U+{:04X}", c as u32)
    };
    Diagnostic::error(
        Code::InvalidFileName,
        format!("{path} has {shown} in its name, which cannot stand in a web address"),
    )
    .at(Label::new(&SourceFile::new(path, ""), 0, 0))
    .help("rename the file using letters, digits, `-`, `_` and `.` (any script's letters are fine)")
}

fn ignored(path: &str, help: &str) -> Diagnostic {
    Diagnostic::warning(Code::IgnoredFile, format!("{path} is not used")).help(help.to_string())
}
