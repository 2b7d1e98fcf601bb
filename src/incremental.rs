//! Incremental rebuilds for `serve`: after a good build, the resolved site, its
//! plans and templates are kept ([`State`]); an edit to an article, a customer or
//! a playbook then re-resolves only the files behind it and re-renders only the
//! pages that show them.
//!
//! Invariant: the files and diagnostics of an update are exactly those a full
//! build of the same files would make. Whatever this module cannot prove
//! unaffected — a new, deleted or renamed file, a changed title, summary, tag,
//! weight, heading or reading time, an FAQ question (they show on other pages),
//! `gangway.toml`, the theme, section indexes, or any error — makes
//! [`update`] return `None`, and the caller builds everything again.
//!
//! What shows where (the dependencies this relies on):
//! - an article's text is on its own page in every language; its title,
//!   summary, tags, reading time and anchors are also on listings, in portals
//!   (guides) and in other pages' link checks;
//! - an FAQ answer is on the home and FAQ pages in every language and in the
//!   portals of customers whose plan cites it (its question also in references);
//! - a customer file is in that customer's portal and in the dashboard;
//! - a file in `static/` or beside the articles is copied to one output file
//!   (the one in `static/` when both have the name);
//! - a playbook is in its preview, on the home page (its title and summary), in
//!   every playbook that extends it, and in the portals of customers on any of
//!   them and their dashboard rows (the dashboard is made again whenever a
//!   portal is).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::build::{BuildOptions, PortalLink, Prepared, plan_one, plan_preview};
use crate::diagnostic::{Diagnostic, Diagnostics, Severity};
use crate::lang::Lang;
use crate::model::{Article, Site};
use crate::output::OutputFile;
use crate::render::RenderInput;
use crate::render::pages::PublicPage;
use crate::resolve::content::{self, content_id};
use crate::resolve::playbooks::file_stem;
use crate::source::SourceTree;

/// How a file changed since the last build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Change {
    Created,
    Modified,
    Removed,
}

/// What a good build leaves for the next one.
pub(crate) struct State {
    pub prepared: Prepared,
    /// The diagnostics of that build (warnings: a state exists only after a good build).
    pub diagnostics: Vec<Diagnostic>,
}

/// What an incremental rebuild made.
#[derive(Debug)]
pub(crate) struct Update {
    /// Files made again; every other file stays as it is, except under `replaced`.
    pub files: Vec<OutputFile>,
    /// Folders made again as a whole (portals): files under them that are not
    /// in `files` are gone.
    pub replaced: Vec<String>,
    /// Every diagnostic of the site now.
    pub diagnostics: Vec<Diagnostic>,
    /// Every portal's address now.
    pub portals: Vec<PortalLink>,
    /// Customers (by index) whose portals changed but were not rendered (when
    /// asked to be lazy): render them with [`render_portals`] before serving them.
    pub stale: Vec<(usize, String)>,
}

/// Applies `changes` (files of `tree` that changed since `state` was made) to
/// `state`, and returns what to serve now; `None` when the change needs a full
/// build. After `None`, `state` may be partly updated: drop it.
///
/// With `lazy`, the portals a playbook edit changes are not rendered but listed
/// in [`Update::stale`] (a customer's own edit is always rendered).
pub(crate) fn update(
    state: &mut State,
    tree: &SourceTree,
    changes: &BTreeMap<String, Change>,
    options: &BuildOptions,
    lazy: bool,
) -> Option<Update> {
    if changes.is_empty() || changes.values().any(|c| *c != Change::Modified) {
        return None;
    }
    let touched = Touched::sort(&state.prepared.site, changes)?;
    let copies = copy_files(state, tree, &touched.copied)?;
    let mut work = Work {
        customers: touched.customers.clone(),
        ..Work::default()
    };
    if !touched.playbooks.is_empty() {
        redo_playbooks(state, tree, &touched.playbooks, &mut work)?;
    }
    let days = content::git_days(&state.prepared.site.config, options);
    let citing = redo_pages(state, tree, days, &touched, &mut work)?;
    redo_customers(state, tree, options, &mut work)?;
    if work.diagnostics.has_errors() {
        return None;
    }
    work.customers.extend(citing);
    let mut rendered = render_changed(state, options, &work, &touched.customers, lazy)?;
    redo_search(state, options, &touched, &work, &mut rendered)?;
    work.diagnostics.extend(rendered.diagnostics);
    let diagnostics = merge_diagnostics(state, &work.replaced_files, work.diagnostics)?;
    state.diagnostics = diagnostics.clone();
    let mut files = rendered.files;
    files.extend(copies);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Some(Update {
        files,
        replaced: rendered.replaced,
        diagnostics,
        portals: state.prepared.portals(),
        stale: rendered.stale,
    })
}

/// The changed source files, sorted by what they are.
struct Touched {
    /// Articles by id.
    articles: BTreeSet<String>,
    /// FAQ entries by id (`faq/...`).
    faqs: BTreeSet<String>,
    /// Customers by index: the customers edited.
    customers: BTreeSet<usize>,
    /// Playbooks by id (a translation counts as its playbook).
    playbooks: BTreeSet<String>,
    /// Files copied as they are: output path → source path.
    copied: BTreeMap<String, String>,
}

impl Touched {
    /// Sorts `changes`; `None` for a file that is none of these kinds or that
    /// the site does not have yet.
    fn sort(site: &Site, changes: &BTreeMap<String, Change>) -> Option<Touched> {
        let mut touched = Touched {
            articles: BTreeSet::new(),
            faqs: BTreeSet::new(),
            customers: BTreeSet::new(),
            playbooks: BTreeSet::new(),
            copied: BTreeMap::new(),
        };
        let default = &site.config.default_language;
        for path in changes.keys() {
            if path.starts_with("content/") && path.ends_with(".md") {
                let (id, _) =
                    content_id(&crate::locale::nfc(path), default, &site.config.languages)?;
                // What an `index.md` is depends on its folder's other files: rebuilt whole.
                if content::index_folder(&id).is_some() {
                    return None;
                }
                match id.strip_prefix("faq/") {
                    Some(faq) => {
                        site.faq(faq)?;
                        touched.faqs.insert(id.clone());
                    }
                    None => {
                        site.article(&id)?;
                        touched.articles.insert(id);
                    }
                }
            } else if let Some(rel) = path
                .strip_prefix("static/")
                .or_else(|| path.strip_prefix("content/"))
            {
                // A file copied as it is (static/, or an image beside an article).
                site.static_files.get(rel)?;
                touched.copied.insert(rel.to_string(), path.clone());
            } else if let Some(stem) = file_stem(path, "customers/") {
                let index = site.customers.iter().position(|c| c.id == stem)?;
                touched.customers.insert(index);
            } else if let Some(stem) = file_stem(path, "playbooks/") {
                // `saas.ms.yaml` translates `saas.yaml`.
                let owner = stem.split_once('.').map_or(stem.as_str(), |(o, _)| o);
                touched.playbooks.insert(owner.to_string());
            } else {
                return None;
            }
        }
        Some(touched)
    }
}

/// What an update has done so far.
#[derive(Default)]
struct Work {
    /// The diagnostics of the files looked at again.
    diagnostics: Diagnostics,
    /// Those files: their old diagnostics are replaced by what they say now.
    replaced_files: BTreeSet<String>,
    /// The public pages to render again.
    public: Wanted,
    /// Customers (by index) whose portals are rendered again.
    customers: BTreeSet<usize>,
    /// Customers (by index) whose portal folder moved (a new
    /// `portal_rotation`), with the folder it moved from.
    moved: BTreeMap<usize, String>,
}

/// Takes the copied files again (a file in static/ wins over one of the same
/// name beside the articles), into the site and as output files.
fn copy_files(
    state: &mut State,
    tree: &SourceTree,
    copied: &BTreeMap<String, String>,
) -> Option<Vec<OutputFile>> {
    let mut copies = Vec::new();
    for (rel, path) in copied {
        let from_static = format!("static/{rel}");
        let source = if tree.get(&from_static).is_some() {
            from_static
        } else {
            path.clone()
        };
        let bytes = tree.get(&source)?.to_vec();
        state
            .prepared
            .site
            .static_files
            .insert(rel.clone(), bytes.clone());
        copies.push(OutputFile {
            path: rel.clone(),
            bytes,
        });
    }
    Some(copies)
}

/// Resolves the playbooks again; their previews, the home page and the portals
/// of every customer on an affected playbook are rendered again.
fn redo_playbooks(
    state: &mut State,
    tree: &SourceTree,
    playbooks: &BTreeSet<String>,
    work: &mut Work,
) -> Option<()> {
    let affected = update_playbooks(state, tree, playbooks, &mut work.diagnostics)?;
    work.public.playbooks.extend(affected.iter().cloned());
    work.public.home = true;
    work.public.a_z = true;
    work.replaced_files.extend(
        tree.under("playbooks/")
            .map(|(path, _)| crate::locale::nfc(path)),
    );
    let site = &state.prepared.site;
    work.customers.extend(
        site.customers
            .iter()
            .enumerate()
            .filter(|(_, c)| affected.contains(&c.playbook))
            .map(|(i, _)| i),
    );
    Some(())
}

/// Resolves the changed articles and FAQ entries again. Returns the customers
/// whose portal shows a changed FAQ entry: their portals are rendered again as
/// they are (an answer is on the home and FAQ pages and in the portals citing it).
fn redo_pages(
    state: &mut State,
    tree: &SourceTree,
    days: Option<&BTreeMap<String, jiff::civil::Date>>,
    touched: &Touched,
    work: &mut Work,
) -> Option<BTreeSet<usize>> {
    let mut citing = BTreeSet::new();
    for id in &touched.articles {
        let files = update_page(state, tree, days, id, &mut work.diagnostics)?;
        work.replaced_files.extend(files);
        work.public.articles.insert(id.clone());
        // A portal's own search index holds the text of the guides it cites.
        if state.prepared.site.config.search.portal {
            citing.extend(citing_plans(state, |item| {
                item.guides.iter().any(|g| g == id)
            }));
        }
    }
    for id in &touched.faqs {
        let files = update_page(state, tree, days, id, &mut work.diagnostics)?;
        work.replaced_files.extend(files);
        work.public.home = true;
        work.public.faq = true;
        let entry = id.trim_start_matches("faq/");
        citing.extend(citing_plans(state, |item| {
            item.faq.iter().any(|f| f == entry)
        }));
    }
    Some(citing)
}

/// The customers (by index) whose plan has a visible item `cites`.
fn citing_plans(state: &State, cites: impl Fn(&crate::plan::Item) -> bool) -> Vec<usize> {
    state
        .prepared
        .plans
        .iter()
        .enumerate()
        .filter_map(|(i, plan)| plan.as_ref()?.visible().any(&cites).then_some(i))
        .collect()
}

/// Resolves and plans again every customer in `work.customers`, in parallel.
fn redo_customers(
    state: &mut State,
    tree: &SourceTree,
    options: &BuildOptions,
    work: &mut Work,
) -> Option<()> {
    let customers: Vec<usize> = work.customers.iter().copied().collect();
    let prepared = &state.prepared;
    // Looked up once for all the customers redone, not once per customer.
    let files: BTreeMap<String, &str> = tree
        .under("customers/")
        .filter_map(|(path, _)| Some((file_stem(path, "customers/")?, path)))
        .collect();
    let unresolved = crate::resolve::unresolved_playbooks(tree, &prepared.site.playbooks);
    let redone: Vec<Option<Redone>> = customers
        .par_iter()
        .map(|&index| {
            let id = &prepared.site.customers[index].id;
            redo_customer(prepared, tree, files.get(id)?, &unresolved, options)
        })
        .collect();
    let prepared = &mut state.prepared;
    for (index, redone) in customers.into_iter().zip(redone) {
        let redone = redone?;
        let old = std::mem::replace(&mut prepared.site.customers[index], redone.customer);
        prepared.plans[index] = Some(redone.plan);
        work.replaced_files.insert(redone.path);
        work.diagnostics.extend(redone.diagnostics);
        if old.portal != prepared.site.customers[index].portal {
            work.moved.insert(index, old.portal);
        }
    }
    Some(())
}

/// The pages and portals an update renders.
struct Rendered {
    files: Vec<OutputFile>,
    /// Portal folders replaced as a whole.
    replaced: Vec<String>,
    /// Portals left for later (with `lazy`).
    stale: Vec<(usize, String)>,
    diagnostics: Diagnostics,
}

/// Renders the public pages and portals `work` names. With `lazy`, only the
/// portals of `edited` customers and those that moved are rendered now; a portal
/// rendered now replaces its folder (and the one it moved from), one left for
/// later keeps its old files, which are not served until rendered.
fn render_changed(
    state: &State,
    options: &BuildOptions,
    work: &Work,
    edited: &BTreeSet<usize>,
    lazy: bool,
) -> Option<Rendered> {
    let prepared = &state.prepared;
    let input = prepared.input(options);
    let files = Mutex::new(Vec::new());
    let sink = |f: OutputFile| {
        if let Ok(mut list) = files.lock() {
            list.push(f);
        }
    };
    let mut diagnostics = Diagnostics::new();
    if work.public.any() {
        diagnostics.extend(crate::render::pages::render_public_only(
            &input,
            &|page| work.public.wants(page),
            &sink,
        ));
    }
    let (now, later): (Vec<usize>, Vec<usize>) = work
        .customers
        .iter()
        .partition(|i| !lazy || edited.contains(i) || work.moved.contains_key(i));
    let mut replaced: Vec<String> = now
        .iter()
        .filter_map(|i| work.moved.get(i).cloned())
        .collect();
    let (portal_files, d) = portal_files(prepared, &input, &now)?;
    diagnostics.extend(d);
    for f in portal_files {
        sink(f);
    }
    for &index in &now {
        replaced.push(prepared.site.customers[index].portal.clone());
    }
    // The dashboard shows every customer: made again from all the plans (kept,
    // so it costs a row per customer) whenever any customer is.
    if let Some(dashboard) = &prepared.site.dashboard
        && !work.customers.is_empty()
    {
        let rows = prepared.rows(options.today);
        let (made, d) = crate::render::render_dashboard(&input, dashboard, &rows);
        diagnostics.extend(d);
        for f in made {
            sink(f);
        }
        replaced.push(dashboard.path.clone());
    }
    let stale = later
        .iter()
        .map(|&i| (i, prepared.site.customers[i].portal.clone()))
        .collect();
    if diagnostics.has_errors() {
        return None;
    }
    replaced.sort();
    replaced.dedup();
    Some(Rendered {
        files: files.into_inner().unwrap_or_default(),
        replaced,
        stale,
        diagnostics,
    })
}

/// The public search indexes after an edit of articles, FAQ entries or
/// playbooks: their folders made again as a whole. `None` when they cannot be
/// updated in place.
fn redo_search(
    state: &State,
    options: &BuildOptions,
    touched: &Touched,
    work: &Work,
    rendered: &mut Rendered,
) -> Option<()> {
    let public = &work.public;
    if touched.faqs.is_empty() && public.articles.is_empty() && public.playbooks.is_empty() {
        return Some(());
    }
    let prepared = &state.prepared;
    let input = prepared.input(options);
    let articles: Vec<&str> = public.articles.iter().map(String::as_str).collect();
    let faqs: Vec<&str> = touched
        .faqs
        .iter()
        .map(|id| id.trim_start_matches("faq/"))
        .collect();
    let playbooks: Vec<&str> = public.playbooks.iter().map(String::as_str).collect();
    let mut kept = prepared.search.lock().ok()?;
    let update = crate::render::search::update_public_search(
        &input, &mut kept, &articles, &faqs, &playbooks,
    )?;
    if !update.replaced.is_empty() {
        rendered.replaced.extend(update.replaced);
        rendered.replaced.sort();
    }
    rendered.files.extend(update.files);
    Some(())
}

/// The site's diagnostics now: the old ones of files not looked at again, and the
/// new ones. `None` when there is an error among them.
fn merge_diagnostics(
    state: &State,
    replaced_files: &BTreeSet<String>,
    new: Diagnostics,
) -> Option<Vec<Diagnostic>> {
    let mut all: Vec<Diagnostic> = state
        .diagnostics
        .iter()
        .filter(|d| {
            d.primary
                .as_ref()
                .is_none_or(|l| !replaced_files.contains(&l.file.path))
        })
        .cloned()
        .collect();
    all.extend(new.sorted());
    let diagnostics = Diagnostics::from(all).sorted();
    if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        return None;
    }
    Some(diagnostics)
}

/// Renders the portals of these customers (by index), as an update of the
/// files being served. `None` when rendering fails: build everything.
pub(crate) fn render_portals(
    state: &State,
    customers: &[usize],
    options: &BuildOptions,
) -> Option<Update> {
    let prepared = &state.prepared;
    let (files, d) = portal_files(prepared, &prepared.input(options), customers)?;
    if d.has_errors() {
        return None;
    }
    Some(Update {
        files,
        replaced: customers
            .iter()
            .map(|&i| prepared.site.customers[i].portal.clone())
            .collect(),
        diagnostics: state.diagnostics.clone(),
        portals: prepared.portals(),
        stale: Vec::new(),
    })
}

/// The files of these customers' portals, rendered in parallel, with what
/// rendering them reported; `None` when one of them has no plan.
fn portal_files(
    prepared: &Prepared,
    input: &RenderInput<'_>,
    customers: &[usize],
) -> Option<(Vec<OutputFile>, Diagnostics)> {
    let rendered: Vec<Option<(Vec<OutputFile>, Diagnostics)>> = customers
        .par_iter()
        .map(|&index| {
            let customer = prepared.site.customers.get(index)?;
            let plan = prepared.plans.get(index)?.as_ref()?;
            Some(crate::render::render_portal(input, customer, plan))
        })
        .collect();
    let mut files = Vec::new();
    let mut diagnostics = Diagnostics::new();
    for r in rendered {
        let (made, d) = r?;
        files.extend(made);
        diagnostics.extend(d);
    }
    Some((files, diagnostics))
}

/// Public pages an update renders again, in every language.
#[derive(Debug, Default)]
struct Wanted {
    home: bool,
    faq: bool,
    /// The A–Z pages, which list the playbooks by title.
    a_z: bool,
    articles: BTreeSet<String>,
    playbooks: BTreeSet<String>,
}

impl Wanted {
    fn any(&self) -> bool {
        self.home || self.faq || self.a_z || !self.articles.is_empty() || !self.playbooks.is_empty()
    }

    fn wants(&self, page: PublicPage<'_>) -> bool {
        match page {
            PublicPage::Home => self.home,
            PublicPage::Faq => self.faq,
            PublicPage::AToZ => self.a_z,
            PublicPage::Article(id) => self.articles.contains(id),
            PublicPage::Playbook(id) => self.playbooks.contains(id),
            PublicPage::KbIndex | PublicPage::NotFound | PublicPage::Files => false,
        }
    }
}

/// Resolves every playbook again; returns the ids of the playbooks whose
/// lineage includes a changed one (before or after the change). `None` when the
/// set of playbooks or what is public changed.
fn update_playbooks(
    state: &mut State,
    tree: &SourceTree,
    changed: &BTreeSet<String>,
    diagnostics: &mut Diagnostics,
) -> Option<BTreeSet<String>> {
    let prepared = &mut state.prepared;
    let site = &mut prepared.site;
    let default = site.config.default_language.clone();
    let languages = site.config.languages.clone();
    let mut tracker = crate::translation::Tracker::new(&languages[1..]);
    let mut d = Diagnostics::new();
    let (playbooks, _) = crate::resolve::resolve_playbooks(
        tree,
        &default,
        &languages,
        &site.content_index,
        &prepared.engine,
        &mut tracker,
        &mut d,
    );
    if d.has_errors()
        || playbooks.len() != site.playbooks.len()
        || playbooks.iter().any(|(id, p)| {
            site.playbooks
                .get(id)
                .is_none_or(|old| old.draft != p.draft)
        })
    {
        return None;
    }
    let touches = |lineage: &[String]| lineage.iter().any(|id| changed.contains(id));
    let affected: BTreeSet<String> = playbooks
        .iter()
        .filter(|(id, p)| touches(&p.lineage) || touches(&site.playbooks[*id].lineage))
        .map(|(id, _)| id.clone())
        .collect();
    site.playbooks = playbooks;
    site.translations
        .replace_under("playbooks/", &tracker.finish());
    for id in &affected {
        let playbook = &site.playbooks[id];
        match plan_preview(site, playbook, &prepared.engine, &mut d) {
            Some(plan) => {
                prepared.previews.insert(id.clone(), plan);
            }
            None => return None,
        }
    }
    // Previews of unaffected playbooks keep their warnings; theirs are reported again.
    for (id, playbook) in &site.playbooks {
        if !affected.contains(id) {
            plan_preview(site, playbook, &prepared.engine, &mut d);
        }
    }
    diagnostics.extend(d);
    Some(affected)
}

/// Resolves every version of an article or FAQ entry (`faq/…`) again. Returns
/// the paths of its files; `None` when anything other pages show of it changed.
fn update_page(
    state: &mut State,
    tree: &SourceTree,
    days: Option<&BTreeMap<String, jiff::civil::Date>>,
    id: &str,
    diagnostics: &mut Diagnostics,
) -> Option<Vec<String>> {
    let site = &mut state.prepared.site;
    let default = site.config.default_language.clone();
    let languages = site.config.languages.clone();
    let versions = match id.strip_prefix("faq/") {
        Some(faq) => site.faq(faq)?.text.versions.len(),
        None => site.article(id)?.text.versions.len(),
    };
    let mut d = Diagnostics::new();
    let mut files = Vec::new();
    for lang in &languages {
        for path in content::version_paths(id, lang, &default) {
            if let Some(bytes) = tree.get(&path) {
                files.push(crate::resolve::text_file(&path, bytes, &mut d)?);
            }
        }
    }
    // Every version must be found again under the name it was read by.
    if files.len() != versions {
        return None;
    }
    let (page, item) = content::reresolve_page(
        id,
        &files,
        &site.links,
        &languages,
        site.config.raw_html,
        days,
        &mut d,
    )?;
    if d.has_errors() {
        return None;
    }
    match page {
        content::Reresolved::Article(article) => {
            let old = site.article(id)?;
            if !same_outside(old, &article, &site.links.anchors) {
                return None;
            }
            let index = site.articles.iter().position(|a| a.id == id)?;
            site.articles[index] = article;
        }
        content::Reresolved::Faq(faq, anchors) => {
            let old = site.faq(&faq.id)?;
            let anchors_same = anchors.iter().all(|(lang, set)| {
                site.links.anchors.get(&(id.to_string(), lang.clone())) == Some(set)
            });
            let same = old.weight == faq.weight
                && old.text.original == faq.text.original
                && old.text.versions.len() == faq.text.versions.len()
                && old.text.versions.iter().all(|(lang, o)| {
                    faq.text
                        .versions
                        .get(lang)
                        .is_some_and(|n| o.question == n.question && o.tags == n.tags)
                });
            if !same || !anchors_same {
                return None;
            }
            let index = site.faqs.iter().position(|f| f.id == faq.id)?;
            site.faqs[index] = faq;
        }
        content::Reresolved::Draft => return None,
    }
    if let Some(item) = item {
        site.translations
            .replace_item(&item.original, &item.hash, &item.translations);
    }
    diagnostics.extend(d);
    Some(files.iter().map(|f| f.path.clone()).collect())
}

/// Whether everything other pages show of an article is unchanged: its
/// versions, section, weight, and per version the title, summary, tags,
/// reading time and anchors; and what the site's files hold of it (the date in
/// `sitemap.xml`, the redirects in `_redirects` and at their own addresses).
fn same_outside(
    old: &Article,
    new: &Article,
    anchors: &BTreeMap<(String, Lang), BTreeSet<String>>,
) -> bool {
    old.id == new.id
        && old.section == new.section
        && old.weight == new.weight
        && old.text.original == new.text.original
        && old.text.versions.len() == new.text.versions.len()
        && old.text.versions.iter().all(|(lang, o)| {
            new.text.versions.get(lang).is_some_and(|n| {
                let ids: BTreeSet<String> = n.headings.iter().map(|h| h.id.clone()).collect();
                o.title == n.title
                    && o.summary == n.summary
                    && o.tags == n.tags
                    && o.reading_minutes == n.reading_minutes
                    && o.updated == n.updated
                    && o.aliases == n.aliases
                    && anchors.get(&(new.id.clone(), lang.clone())) == Some(&ids)
            })
        })
}

/// A customer resolved and planned again.
struct Redone {
    customer: crate::model::Customer,
    plan: crate::plan::Plan,
    /// Its file.
    path: String,
    diagnostics: Diagnostics,
}

/// Resolves and plans one customer again from its file at `path`; `None` when
/// it has errors. `unresolved` are the names under playbooks/ that are not playbooks.
fn redo_customer(
    prepared: &Prepared,
    tree: &SourceTree,
    path: &str,
    unresolved: &BTreeSet<String>,
    options: &BuildOptions,
) -> Option<Redone> {
    let site: &Site = &prepared.site;
    let mut d = Diagnostics::new();
    let file = crate::resolve::text_file(path, tree.get(path)?, &mut d)?;
    let parsed = crate::resolve::customers::parse_customer(&file);
    let so_far = crate::resolve::customers::SiteSoFar {
        config: &site.config,
        playbooks: &site.playbooks,
        broken_playbooks: unresolved,
        content: &site.content_index,
        texts: &prepared.engine,
        options,
    };
    let customer = crate::resolve::customers::resolve_customer(&file, parsed, &so_far, &mut d)?;
    if d.has_errors() {
        return None;
    }
    let plan = plan_one(site, &customer, options, &prepared.engine, &mut d)?;
    if d.has_errors() {
        return None;
    }
    Some(Redone {
        customer,
        plan,
        path: file.path.clone(),
        diagnostics: d,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn options() -> BuildOptions {
        BuildOptions::for_tests(jiff::civil::date(2026, 12, 14))
    }

    fn example() -> SourceTree {
        let (tree, problems) = SourceTree::read(Path::new(env!("CARGO_MANIFEST_DIR")));
        assert!(problems.is_empty());
        tree
    }

    /// A full build: its files by path, its diagnostics, and its state.
    fn full(tree: &SourceTree) -> (BTreeMap<String, Vec<u8>>, Vec<Diagnostic>, Option<State>) {
        let files = Mutex::new(BTreeMap::new());
        let (compiled, prepared) = crate::build::compile_keeping(tree, &options(), &|f| {
            files.lock().unwrap().insert(f.path, f.bytes);
        });
        let state = prepared.map(|prepared| State {
            prepared,
            diagnostics: compiled.diagnostics.clone(),
        });
        (files.into_inner().unwrap(), compiled.diagnostics, state)
    }

    fn edit(tree: &mut SourceTree, path: &str, from: &str, to: &str) -> BTreeMap<String, Change> {
        let text = String::from_utf8(tree.get(path).unwrap().to_vec()).unwrap();
        assert!(text.contains(from), "{path} has no `{from}`");
        tree.insert(path, text.replacen(from, to, 1));
        BTreeMap::from([(path.to_string(), Change::Modified)])
    }

    /// Writes `update` into `files`: how many pages and portal files it made, and
    /// how many files of the public search index.
    fn apply(files: &mut BTreeMap<String, Vec<u8>>, update: Update) -> (usize, usize) {
        files.retain(|path, _| {
            !update
                .replaced
                .iter()
                .any(|dir| path.starts_with(dir.as_str()))
        });
        let search = update
            .files
            .iter()
            .filter(|f| f.path.starts_with("search/"))
            .count();
        let n = update.files.len() - search;
        for f in update.files {
            files.insert(f.path, f.bytes);
        }
        (n, search)
    }

    /// Applies edits one after another, each incrementally, and checks the
    /// result against a full build of the same files every time.
    fn check(edits: &[(&str, &str, &str)]) -> Vec<usize> {
        check_with(edits, false)
    }

    fn check_with(edits: &[(&str, &str, &str)], lazy: bool) -> Vec<usize> {
        check_tree(example(), edits, lazy)
    }

    fn check_tree(tree: SourceTree, edits: &[(&str, &str, &str)], lazy: bool) -> Vec<usize> {
        counts(tree, edits, lazy).into_iter().map(|c| c.0).collect()
    }

    /// [`check_tree`], counting the public search index's files apart: (pages
    /// and portal files, search files) per edit.
    fn counts(
        mut tree: SourceTree,
        edits: &[(&str, &str, &str)],
        lazy: bool,
    ) -> Vec<(usize, usize)> {
        let (mut files, _, state) = full(&tree);
        let mut state = state.unwrap();
        let mut made = Vec::new();
        for (path, from, to) in edits {
            let changes = edit(&mut tree, path, from, to);
            let mut update = update(&mut state, &tree, &changes, &options(), lazy)
                .unwrap_or_else(|| panic!("{path}: no incremental rebuild"));
            // Portals left for later are rendered now, as `serve` does when asked for them.
            let stale: Vec<usize> = update.stale.drain(..).map(|(i, _)| i).collect();
            let diagnostics = update.diagnostics.clone();
            let mut n = apply(&mut files, update);
            // Out-of-date portals keep their files until rendered: nothing is missing.
            for p in expected_paths(&tree) {
                assert!(
                    files.contains_key(&p),
                    "after editing {path}: {p} is missing"
                );
            }
            if !stale.is_empty() {
                assert!(lazy);
                let later = render_portals(&state, &stale, &options()).expect("portals");
                assert_eq!(later.diagnostics, diagnostics);
                let (pages, search) = apply(&mut files, later);
                n.0 += pages;
                n.1 += search;
            }
            made.push(n);
            let (expected, expected_diagnostics, _) = full(&tree);
            assert_eq!(
                files.keys().collect::<Vec<_>>(),
                expected.keys().collect::<Vec<_>>(),
                "after editing {path}"
            );
            for (p, bytes) in &expected {
                assert!(files[p] == *bytes, "after editing {path}: {p} differs");
            }
            assert_eq!(diagnostics, expected_diagnostics, "after editing {path}");
            assert_eq!(
                state.prepared.site.translations,
                state_translations(&tree),
                "after editing {path}"
            );
        }
        made
    }

    fn expected_paths(tree: &SourceTree) -> Vec<String> {
        full(tree).0.into_keys().collect()
    }

    fn state_translations(tree: &SourceTree) -> crate::translation::TranslationReport {
        full(tree).2.unwrap().prepared.site.translations
    }

    #[test]
    fn an_article_edit_keeps_its_day_from_git() {
        let mut tree = example();
        let config = String::from_utf8(tree.get("gangway.toml").unwrap().to_vec()).unwrap();
        tree.insert(
            "gangway.toml",
            format!("{config}\n[content]\nlast_updated = \"git\"\n"),
        );
        let mut options = options();
        let day = jiff::civil::date(2025, 5, 6);
        options.git_dates = crate::options::GitDates::Read {
            days: std::sync::Arc::new(BTreeMap::from([(
                "content/kb/permissions.md".to_string(),
                day,
            )])),
            shallow: false,
        };
        let build = |tree: &SourceTree| {
            let files = Mutex::new(BTreeMap::new());
            let (compiled, prepared) = crate::build::compile_keeping(tree, &options, &|f| {
                files.lock().unwrap().insert(f.path, f.bytes);
            });
            let state = prepared.map(|prepared| State {
                prepared,
                diagnostics: compiled.diagnostics.clone(),
            });
            (files.into_inner().unwrap(), state)
        };
        let (_, state) = build(&tree);
        let mut state = state.unwrap();
        let changes = edit(
            &mut tree,
            "content/kb/permissions.md",
            "Every person",
            "Each person",
        );
        let made = update(&mut state, &tree, &changes, &options, false).expect("an update");
        let (expected, _) = build(&tree);
        let page = made
            .files
            .iter()
            .find(|f| f.path == "kb/permissions/index.html")
            .expect("the article's page");
        assert!(page.bytes == expected["kb/permissions/index.html"]);
        let text = String::from_utf8_lossy(&page.bytes);
        assert!(text.contains(r#"<time datetime="2025-05-06">"#), "{text}");
    }

    #[test]
    fn article_edits_match_a_full_build() {
        let made = counts(
            example(),
            &[
                (
                    "content/kb/permissions.md",
                    "Every person",
                    "Each and every person",
                ),
                (
                    "content/kb/permissions.ms.md",
                    "Setiap orang",
                    "Setiap seorang",
                ),
                (
                    "content/kb/permissions.ms.md",
                    "translation_of: 8c1933627fea",
                    "translation_of: 000000000000",
                ),
            ],
            false,
        );
        // One page per language, and the files of the portals whose plan cites the
        // article as a guide (their own search index holds the guide's text).
        let pages: Vec<usize> = made.iter().map(|c| c.0).collect();
        assert_eq!(pages, [94, 94, 94]);
        // Of the public search index, per language: the manifest, the article's
        // fragment and the few shards of the words that changed.
        for (_, search) in &made {
            assert!(*search <= 6 * (1 + 1 + 6), "{made:?}");
        }
    }

    #[test]
    fn faq_edits_match_a_full_build() {
        for lazy in [false, true] {
            let made = check_with(
                &[
                    (
                        "content/faq/how-long.md",
                        "\n---\n",
                        "\n---\nIn short: it depends.\n\n",
                    ),
                    (
                        "content/faq/add-more-users.md",
                        "Yes, at any time.",
                        "Yes, whenever you like.",
                    ),
                ],
                lazy,
            );
            // Home and FAQ pages in six languages, and the portals that cite the entry.
            assert!(made.iter().all(|&n| n > 12), "{made:?}");
        }
    }

    #[test]
    fn copied_file_edits_match_a_full_build() {
        let mut tree = example();
        tree.insert("static/downloads/terms.txt", "Terms, first version");
        tree.insert("content/kb/diagram.svg", "<svg>first</svg>");
        tree.insert("content/security/shared.txt", "from content");
        tree.insert("static/security/shared.txt", "from static");
        let made = check_tree(
            tree,
            &[
                ("static/downloads/terms.txt", "first", "second"),
                ("content/kb/diagram.svg", "first", "second"),
                // Shadowed by the file of the same name in static/: nothing changes.
                ("content/security/shared.txt", "content", "the articles"),
                ("static/security/shared.txt", "static", "static, edited"),
            ],
            false,
        );
        assert_eq!(made, [1, 1, 1, 1]);
    }

    #[test]
    fn customer_edits_match_a_full_build() {
        let made = check(&[
            (
                "customers/mero-ghar.yaml",
                "Mero Ghar Housing Cooperative",
                "Mero Ghar Cooperative",
            ),
            (
                "customers/harbourside-payments.yaml",
                "sales-handover: { status: done, on: 2026-12-01 }",
                "sales-handover: { status: blocked, note: Waiting }",
            ),
        ]);
        // One portal in at most six languages, and the dashboard's pages.
        for n in made {
            assert!(n > 0 && n <= 6 * 4 + 2 + 6, "{n} files for one portal");
        }
    }

    /// A role's own calendar (`calendar-<role>.ics`) comes and goes with its first
    /// task: an edit that shows or hides a task adds or removes a portal file.
    #[test]
    fn a_customer_edit_that_adds_and_removes_a_roles_calendar_matches_a_full_build() {
        let tree = example();
        let feeds = |tree: &SourceTree| -> usize {
            full(tree)
                .0
                .keys()
                .filter(|p| p.ends_with("/calendar-it-contact.ics"))
                .count()
        };
        let before = feeds(&tree);
        let mut enterprise = example();
        edit(
            &mut enterprise,
            "customers/tanjung-logistics.yaml",
            "plan: growth",
            "plan: enterprise",
        );
        assert_eq!(feeds(&enterprise), before + 1);
        check_tree(
            tree,
            &[
                (
                    "customers/tanjung-logistics.yaml",
                    "plan: growth",
                    "plan: enterprise",
                ),
                (
                    "customers/tanjung-logistics.yaml",
                    "plan: enterprise",
                    "plan: growth",
                ),
            ],
            false,
        );
    }

    #[test]
    fn playbook_edits_match_a_full_build() {
        for lazy in [false, true] {
            playbook_edits(lazy);
        }
    }

    fn playbook_edits(lazy: bool) {
        check_with(
            &[
                (
                    "playbooks/consulting.yaml",
                    "Share background documents and process maps",
                    "Share background documents",
                ),
                (
                    "playbooks/base.yaml",
                    "Send the welcome email to",
                    "Email a warm welcome to",
                ),
                (
                    "playbooks/saas.ms.yaml",
                    "title: Orientasi SaaS",
                    "title: Orientasi perisian SaaS",
                ),
                (
                    "playbooks/base.yaml",
                    "title: Executive sponsor",
                    "title: Sponsor",
                ),
            ],
            lazy,
        );
    }

    #[test]
    fn what_other_pages_show_needs_a_full_build() {
        let mut tree = example();
        let (_, _, state) = full(&tree);
        let mut state = state.unwrap();
        for (path, from, to) in [
            (
                "content/kb/permissions.md",
                "title: Roles and permissions",
                "title: Roles",
            ),
            (
                "content/kb/permissions.md",
                "## Custom roles {#custom-roles}",
                "## Custom roles {#own-roles}",
            ),
            (
                "content/kb/permissions.md",
                "Every person",
                "Every [person](nowhere.md)",
            ),
            ("gangway.toml", "title", "title"),
        ] {
            let changes = edit(&mut tree, path, from, to);
            assert!(
                update(&mut state, &tree, &changes, &options(), false).is_none(),
                "{path}: {to}"
            );
            // A refused update may leave the state half-way: start again.
            state = full(&tree).2.unwrap_or_else(|| full(&example()).2.unwrap());
            tree = example();
        }
        let created = BTreeMap::from([("content/kb/new.md".to_string(), Change::Created)]);
        assert!(update(&mut state, &tree, &created, &options(), false).is_none());
    }
}
