//! The pipeline: files in, output files and diagnostics out.
//!
//! load ([`SourceTree`]) → resolve ([`crate::resolve`]) → plan ([`crate::plan`]) →
//! render ([`crate::render`]) → write ([`crate::output`], done by the caller). This
//! function does no IO: `build`, `check`, `serve` and the tests all call it.

mod collisions;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::lang::Lang;
use crate::model::Site;
use crate::output::OutputFile;
use crate::plan::{self, Plan};
use crate::render::{self, RenderInput, Templates};
use crate::resolve;
use crate::source::SourceTree;
use crate::text::TextEngine;

pub use crate::options::{BuildOptions, GitDates, MemoryProbe, WithoutPassphrase};

/// Figures about a build, for the summary line.
#[derive(Clone, Debug, Default)]
pub struct BuildStats {
    /// Public pages and files.
    pub public_files: usize,
    /// Customer portals built.
    pub customers: usize,
    /// Languages the site is published in.
    pub languages: usize,
    /// Time spent, without writing.
    pub elapsed: Duration,
    /// Pages rendered through a template: one per HTML page, whatever the site's size.
    pub pages_rendered: usize,
    /// Markdown files parsed: one per file under `content/`, whatever the site's size.
    pub markdown_parsed: usize,
    /// Article versions rendered to HTML (when their pages are): one per version,
    /// however many languages show it.
    pub markdown_rendered: usize,
    /// Each stage's time and memory, when [`BuildOptions::timings`] asks for them.
    pub stages: Option<StageTimes>,
}

/// How long each stage of a build took, and the memory the process used after
/// each (Linux only; `None` elsewhere).
#[derive(Clone, Copy, Debug, Default)]
pub struct StageTimes {
    /// Resolving the site.
    pub resolve: Duration,
    /// Planning (customers' plans and previews) and preparing templates.
    pub plan: Duration,
    /// Rendering every page and file.
    pub render: Duration,
    /// Resident memory after resolving, in MB.
    pub resident_after_resolve: Option<u64>,
    /// Resident memory after planning, in MB.
    pub resident_after_plan: Option<u64>,
    /// Resident memory after rendering, in MB.
    pub resident_after_render: Option<u64>,
    /// The most memory used so far, in MB.
    pub peak: Option<u64>,
}

impl std::fmt::Display for StageTimes {
    /// The line `GANGWAY_TIMINGS` prints (bench/run.py reads it).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mb = |v: Option<u64>| v.map_or_else(|| "?".to_string(), |v| format!("{v} MB"));
        write!(
            f,
            "timings: resolve {:?}, plan {:?}, render {:?}; resident after resolve {}, after plan {}, after render {}, peak {}",
            self.resolve,
            self.plan,
            self.render,
            mb(self.resident_after_resolve),
            mb(self.resident_after_plan),
            mb(self.resident_after_render),
            mb(self.peak),
        )
    }
}

/// The result of compiling a site.
#[derive(Debug)]
pub struct Compiled {
    /// The output files, sorted by path; empty when there are errors.
    pub files: Vec<OutputFile>,
    /// Every problem found, in a stable order.
    pub diagnostics: Vec<Diagnostic>,
    /// Figures about the build.
    pub stats: BuildStats,
    /// Which translations are missing or outdated (empty when the site did not resolve).
    pub translations: crate::translation::TranslationReport,
    /// Every customer's portal address (empty when the site did not resolve).
    pub portals: Vec<PortalLink>,
    /// Where the vendor's dashboard is published, when it is.
    pub dashboard: Option<DashboardLink>,
}

/// Where the vendor's dashboard is published.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DashboardLink {
    /// Its folder under the site root: `p/<token>/`.
    pub path: String,
    /// Whether it is encrypted.
    pub encrypted: bool,
    /// When it should be encrypted but is shown unencrypted for want of its
    /// passphrase ([`WithoutPassphrase::ShowUnencrypted`]): the environment
    /// variable that would hold it.
    pub unsealed: Option<String>,
}

/// Where a customer's portal is published.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortalLink {
    /// The customer's id (its file name).
    pub customer: String,
    /// The customer's name.
    pub name: String,
    /// The portal's folder under the site root: `p/<token>/`.
    pub path: String,
    /// Whether the portal is encrypted.
    pub encrypted: bool,
    /// When it should be encrypted but is shown unencrypted for want of its
    /// passphrase ([`WithoutPassphrase::ShowUnencrypted`]): the environment
    /// variable that would hold it.
    pub unsealed: Option<String>,
}

impl Compiled {
    /// True when any diagnostic is an error: nothing may be written.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == crate::diagnostic::Severity::Error)
    }
}

/// Compiles a site held in memory; the output files come back sorted by path
/// (empty when there are errors).
pub fn compile(tree: &SourceTree, options: &BuildOptions) -> Compiled {
    let files = std::sync::Mutex::new(Vec::new());
    let mut compiled = compile_to(tree, options, &|f| {
        if let Ok(mut list) = files.lock() {
            list.push(f);
        }
    });
    if !compiled.has_errors() {
        let mut files = files.into_inner().unwrap_or_default();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        compiled.files = files;
    }
    compiled
}

/// Compiles a site, handing each output file to `sink` as soon as it is made, so
/// the whole output is never in memory at once. The sink may receive files
/// before an error is found: write them somewhere the build can still discard
/// ([`crate::output::Staging`]). `Compiled::files` stays empty.
pub fn compile_to(
    tree: &SourceTree,
    options: &BuildOptions,
    sink: &(dyn Fn(crate::OutputFile) + Sync),
) -> Compiled {
    compile_keeping(tree, options, sink).0
}

/// Everything rendering needs, kept between builds by `serve` so that a change
/// re-renders only the pages it affects ([`crate::incremental`]).
pub(crate) struct Prepared {
    pub site: Site,
    /// Public previews by playbook id.
    pub previews: BTreeMap<String, Plan>,
    /// Customer plans, by index into `site.customers`; empty when they are made
    /// as the portals are rendered (`plans_deferred`).
    pub plans: Vec<Option<Plan>>,
    plans_deferred: bool,
    pub locales: std::sync::Arc<BTreeMap<Lang, crate::locale::Locale>>,
    pub shared: BTreeMap<Lang, minijinja::Value>,
    pub templates: Templates,
    pub engine: TextEngine,
    /// The public search indexes by language, kept for incremental updates
    /// (filled when the site is rendered, only for `serve`: `plans_deferred` is false).
    pub search: std::sync::Mutex<BTreeMap<Lang, crate::search::Index>>,
    /// How long resolving and planning took and the memory in use after each,
    /// when [`BuildOptions::timings`] asks.
    stage_times: Option<StageTimes>,
}

impl Prepared {
    /// The renderer's view of this state.
    pub fn input<'a>(&'a self, options: &'a BuildOptions) -> RenderInput<'a> {
        RenderInput {
            site: &self.site,
            locales: self.locales.as_ref(),
            shared: self.shared.clone(),
            templates: &self.templates,
            previews: &self.previews,
            today: options.today,
            secret: &options.secret,
            seal_iterations: options.seal_iterations,
            rendered: std::sync::atomic::AtomicUsize::new(0),
            markdown_rendered: std::sync::atomic::AtomicUsize::new(0),
            keep_search: (!self.plans_deferred).then_some(&self.search),
            portal_indexes: Default::default(),
        }
    }

    /// Every planned customer's row, in the order of the customer files
    /// (plans kept: `serve`).
    pub(crate) fn rows(&self, today: jiff::civil::Date) -> Vec<crate::roster::CustomerRow> {
        crate::roster::rows(&self.site, &self.plans, today)
    }

    /// The dashboard's address, when it is written.
    pub fn dashboard(&self) -> Option<DashboardLink> {
        self.site.dashboard.as_ref().map(|d| DashboardLink {
            path: d.path.clone(),
            encrypted: d.passphrase.is_some(),
            unsealed: d.unsealed.clone(),
        })
    }

    /// Every portal's address.
    pub fn portals(&self) -> Vec<PortalLink> {
        self.site
            .customers
            .iter()
            .map(|c| PortalLink {
                customer: c.id.clone(),
                name: c.name.clone(),
                path: c.portal.clone(),
                encrypted: c.passphrase.is_some(),
                unsealed: c.unsealed.clone(),
            })
            .collect()
    }
}

/// Plans a customer on its playbook; `None` (with diagnostics) when it cannot be planned.
/// Its texts are made in the languages its portal is published in and the site's default
/// (what a missing translation falls back to), not in every site language.
pub(crate) fn plan_one(
    site: &Site,
    customer: &crate::model::Customer,
    options: &BuildOptions,
    engine: &TextEngine,
    diagnostics: &mut Diagnostics,
) -> Option<Plan> {
    let default = &site.config.default_language;
    let languages: Vec<crate::lang::Lang> = site
        .config
        .languages
        .iter()
        .filter(|l| *l == default || customer.languages.contains(l))
        .cloned()
        .collect();
    site.playbooks.get(&customer.playbook).and_then(|p| {
        plan::plan_customer(p, customer, &languages, options.today, engine, diagnostics)
    })
}

/// Plans `customers` in parallel, in their order, their problems added to
/// `diagnostics` in that order too.
fn plan_all(
    site: &Site,
    customers: &[crate::model::Customer],
    options: &BuildOptions,
    engine: &TextEngine,
    diagnostics: &mut Diagnostics,
) -> Vec<Option<Plan>> {
    let planned: Vec<(Option<Plan>, Diagnostics)> = customers
        .par_iter()
        .with_max_len(crate::PAR_CHUNK)
        .map(|customer| {
            let mut d = Diagnostics::new();
            let plan = plan_one(site, customer, options, engine, &mut d);
            (plan, d)
        })
        .collect();
    let mut plans = Vec::with_capacity(planned.len());
    for (p, d) in planned {
        diagnostics.extend(d);
        plans.push(p);
    }
    plans
}

/// What the public preview of `playbook` says in `lang` in place of a customer's
/// values: the theme's `placeholder_*` strings and the playbook's role titles.
fn placeholder_words(
    site: &Site,
    playbook: &crate::model::Playbook,
    lang: &Lang,
) -> minijinja::Value {
    let strings = site.theme.strings.get(lang);
    let t = |key: &str, fallback: &str| {
        strings
            .and_then(|s| s.get(key))
            .map_or_else(|| fallback.to_string(), Clone::clone)
    };
    crate::text::placeholder_context_in(crate::text::PlaceholderWords {
        company: t("placeholder_company", "your company"),
        person: t("placeholder_person", "your {role}"),
        email: t("placeholder_email", "the email address of your {role}"),
        phone: t("placeholder_phone", "the phone number of your {role}"),
        kickoff: t("placeholder_kickoff", "your start date"),
        value: t("placeholder_value", "agreed"),
        roles: playbook
            .roles
            .iter()
            .map(|(id, role)| (id.clone(), crate::text::in_sentence(role.title.get(lang).0)))
            .collect(),
    })
}

/// Plans the public preview of a playbook, with its checks.
pub(crate) fn plan_preview(
    site: &Site,
    playbook: &crate::model::Playbook,
    engine: &TextEngine,
    diagnostics: &mut Diagnostics,
) -> Option<Plan> {
    let contexts = site
        .config
        .languages
        .iter()
        .map(|lang| (lang.clone(), placeholder_words(site, playbook, lang)))
        .collect();
    let plan = plan::plan_preview(
        playbook,
        &site.config.languages,
        &contexts,
        &site.config.calendar,
        engine,
        diagnostics,
    )?;
    plan::check_preview(playbook, &plan, &site.config.calendar, diagnostics);
    Some(plan)
}

/// Every customer's plan, without the pages: what [`plan_customers`] gives.
/// `gangway digest` (and reports across customers) read it.
pub struct Planned {
    /// The resolved site (`None` when it has errors). Its knowledge base is known
    /// by name only ([`crate::resolve::resolve_for_plans`]): never render it.
    pub(crate) site: Option<Site>,
    /// Each customer's plan, by index into `site.customers`; `None` for a
    /// customer that could not be planned (its errors are in `diagnostics`).
    pub(crate) plans: Vec<Option<Plan>>,
    /// Dates, numbers and plurals for each of the site's languages.
    pub(crate) locales: BTreeMap<Lang, crate::locale::Locale>,
    /// Every problem found in the settings, playbooks (with their public
    /// previews) and customers, as a full build reports them, sorted.
    pub diagnostics: Vec<Diagnostic>,
}

impl Planned {
    /// True when any diagnostic is an error: the plans are not to be trusted.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == crate::diagnostic::Severity::Error)
    }

    /// The ids of the customers, in file order (empty when the site has errors).
    pub fn customer_ids(&self) -> Vec<&str> {
        self.site
            .iter()
            .flat_map(|s| s.customers.iter().map(|c| c.id.as_str()))
            .collect()
    }

    /// How many customers were planned.
    pub fn customers_planned(&self) -> usize {
        self.plans.iter().flatten().count()
    }

    /// Every planned customer's row (empty when the site has errors).
    pub fn rows(&self, today: jiff::civil::Date) -> Vec<crate::roster::CustomerRow> {
        match self.site.as_ref().filter(|_| !self.has_errors()) {
            Some(site) => crate::roster::rows(site, &self.plans, today),
            None => Vec::new(),
        }
    }

    /// The site's languages, each with its locale ready (empty when the site has errors).
    pub fn languages(&self) -> Vec<String> {
        self.locales.keys().map(ToString::to_string).collect()
    }
}

/// Plans every customer of a site without building it: the fast path for
/// commands that need plans only (`gangway digest`), under a second for 2,000
/// customers where a full build of their site takes much longer.
///
/// Settings, playbooks, customers and the theme's strings are resolved and
/// checked exactly as [`compile`] does, and every customer is planned with the
/// same code, so their diagnostics are the same as a full build's. The knowledge
/// base is not parsed: only which articles and FAQ entries exist (from file
/// names) and which are drafts (from front matter), so `guides:` and `faq:`
/// still resolve. Problems in content and templates are not looked for;
/// reporting them is `gangway check`'s job. `tree` may be a whole site or what
/// [`SourceTree::read_for_plans`] reads.
pub fn plan_customers(tree: &SourceTree, options: &BuildOptions) -> Planned {
    let mut diagnostics = Diagnostics::new();
    let Some(site) = resolve::resolve_for_plans(tree, options, &mut diagnostics) else {
        return Planned {
            site: None,
            plans: Vec::new(),
            locales: BTreeMap::new(),
            diagnostics: diagnostics.sorted(),
        };
    };
    let engine = TextEngine::new().with_raw_html(site.config.raw_html);
    // The previews' checks are the playbooks' (a full build reports them too).
    for playbook in site.playbooks.values() {
        plan_preview(&site, playbook, &engine, &mut diagnostics);
    }
    let plans = plan_all(&site, &site.customers, options, &engine, &mut diagnostics);
    let locales = site
        .config
        .languages
        .iter()
        .map(|l| {
            let strings = site.theme.strings.get(l);
            (l.clone(), crate::locale::Locale::new(l, strings))
        })
        .collect();
    Planned {
        site: Some(site),
        plans,
        locales,
        diagnostics: diagnostics.sorted(),
    }
}

/// Resolves and plans a site, with every problem in `diagnostics`; `None` when it
/// does not resolve. Without `plan_customers`, customers are planned as their
/// portals are rendered ([`finish`]), and no plan outlives its portal.
fn prepare(
    tree: &SourceTree,
    taken: Vec<(String, Vec<u8>)>,
    options: &BuildOptions,
    plan_customers: bool,
    diagnostics: &mut Diagnostics,
) -> Option<Prepared> {
    let started = Instant::now();
    let site = resolve::resolve(tree, taken, options, diagnostics)?;
    let t_resolve = started.elapsed();
    let rss_resolved = options.timings.and_then(|probe| probe().0);
    let engine = TextEngine::new().with_raw_html(site.config.raw_html);
    let mut previews = BTreeMap::new();
    for (id, playbook) in &site.playbooks {
        if let Some(plan) = plan_preview(&site, playbook, &engine, diagnostics) {
            previews.insert(id.clone(), plan);
        }
    }
    let customers: &[crate::model::Customer] = if plan_customers { &site.customers } else { &[] };
    let plans = plan_all(&site, customers, options, &engine, diagnostics);

    let locales: std::sync::Arc<BTreeMap<_, _>> = std::sync::Arc::new(
        site.config
            .languages
            .iter()
            .map(|l| {
                let strings = site.theme.strings.get(l);
                (l.clone(), crate::locale::Locale::new(l, strings))
            })
            .collect(),
    );
    let templates = Templates::new(
        &site.theme.templates,
        std::sync::Arc::clone(&locales),
        diagnostics,
    );
    let shared = site
        .config
        .languages
        .iter()
        .map(|l| {
            (
                l.clone(),
                render::page::shared_values(&site, l, &locales[l], options.today),
            )
        })
        .collect();
    Some(Prepared {
        stage_times: options.timings.map(|probe| StageTimes {
            resolve: t_resolve,
            plan: started.elapsed() - t_resolve,
            resident_after_resolve: rss_resolved,
            resident_after_plan: probe().0,
            ..StageTimes::default()
        }),
        site,
        previews,
        plans,
        plans_deferred: !plan_customers,
        locales,
        shared,
        templates,
        engine,
        search: std::sync::Mutex::default(),
    })
}

/// [`compile_to`] for a tree the caller no longer needs: the files are let go
/// once the site is resolved, so they are not in memory while pages are rendered.
/// Meant for a process that ends after the build (the command line): the
/// resolved site is not freed, the exit gives its memory back at once.
pub fn compile_to_consuming(
    tree: SourceTree,
    options: &BuildOptions,
    sink: &(dyn Fn(crate::OutputFile) + Sync),
) -> Compiled {
    let started = Instant::now();
    let mut diagnostics = Diagnostics::new();
    // The pages move into the resolver, so their text is not held twice.
    let mut tree = tree;
    let pages = tree.take_where(|p| p.starts_with("content/") && p.ends_with(".md"));
    let mut prepared = prepare(&tree, pages, options, false, &mut diagnostics);
    drop(tree);
    // Every page's anchors are for checking links, done once the site is resolved
    // (`serve` keeps them to compare edits): let go before the pages are rendered.
    if let Some(p) = &mut prepared {
        p.site.links.anchors.clear();
    }
    let (compiled, prepared) = finish(prepared, diagnostics, started, options, sink);
    // The caller is done with the site once it is rendered, and the process
    // usually ends soon after: freeing a model of a hundred thousand pieces one
    // by one took seconds at 60,000 pages, for memory the exit gives back anyway.
    std::mem::forget(prepared);
    compiled
}

/// [`compile_to`], also returning the state a later incremental build starts
/// from (when the site resolved).
pub(crate) fn compile_keeping(
    tree: &SourceTree,
    options: &BuildOptions,
    sink: &(dyn Fn(crate::OutputFile) + Sync),
) -> (Compiled, Option<Prepared>) {
    let started = Instant::now();
    let mut diagnostics = Diagnostics::new();
    let prepared = prepare(tree, Vec::new(), options, true, &mut diagnostics);
    finish(prepared, diagnostics, started, options, sink)
}

/// Renders a prepared site (or reports why it could not be prepared).
fn finish(
    prepared: Option<Prepared>,
    mut diagnostics: Diagnostics,
    started: Instant,
    options: &BuildOptions,
    sink: &(dyn Fn(crate::OutputFile) + Sync),
) -> (Compiled, Option<Prepared>) {
    let Some(prepared) = prepared else {
        return (
            Compiled {
                files: Vec::new(),
                diagnostics: diagnostics.sorted(),
                stats: BuildStats::default(),
                translations: Default::default(),
                portals: Vec::new(),
                dashboard: None,
            },
            None,
        );
    };
    let t_prepare = started.elapsed();
    let input = prepared.input(options);
    let public_files = std::sync::atomic::AtomicUsize::new(0);
    let portal_prefix = crate::privacy::PORTAL_ROOT;
    let plan_now = |customer: &crate::model::Customer| {
        let mut d = Diagnostics::new();
        let plan = plan_one(&prepared.site, customer, options, &prepared.engine, &mut d);
        (plan, d)
    };
    let plans = if prepared.plans_deferred {
        render::CustomerPlans::OnDemand(&plan_now)
    } else {
        render::CustomerPlans::Made(&prepared.plans)
    };
    let paths = collisions::OutputPaths::default();
    let portals = render::render_site(&input, plans, &mut diagnostics, &|f: crate::OutputFile| {
        paths.record(&f.path);
        if !f.path.starts_with(portal_prefix) {
            public_files.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        sink(f);
    });
    let stages = prepared
        .stage_times
        .zip(options.timings)
        .map(|(stages, probe)| {
            let (resident, peak) = probe();
            StageTimes {
                render: started.elapsed() - t_prepare,
                resident_after_render: resident,
                peak,
                ..stages
            }
        });
    let site = &prepared.site;
    for d in paths.diagnostics(site) {
        diagnostics.push(d);
    }
    let stats = BuildStats {
        public_files: public_files.into_inner(),
        pages_rendered: input.rendered.load(std::sync::atomic::Ordering::Relaxed),
        markdown_parsed: site.markdown_parsed,
        markdown_rendered: input
            .markdown_rendered
            .load(std::sync::atomic::Ordering::Relaxed),
        customers: portals,
        languages: site.config.languages.len(),
        elapsed: started.elapsed(),
        stages,
    };
    drop(input);
    let compiled = Compiled {
        files: Vec::new(),
        diagnostics: diagnostics.sorted(),
        stats,
        translations: prepared.site.translations.clone(),
        portals: prepared.portals(),
        dashboard: prepared.dashboard(),
    };
    (compiled, Some(prepared))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET_TEXT: &str = "a portal secret that must never be printed 0123";
    const PASSPHRASE: &str = "correct horse battery staple lantern";

    fn options() -> BuildOptions {
        let secret = crate::privacy::PortalSecret::from_text(SECRET_TEXT).expect("long enough");
        let env = BTreeMap::from([("ACME_PASSPHRASE".to_string(), PASSPHRASE.to_string())]);
        BuildOptions::new(jiff::civil::date(2026, 12, 14), secret, env)
    }

    /// Everything a formatted value must not show: the secret's text, the key
    /// made from it (as `Debug` prints a byte array) and the passphrase.
    fn assert_hides_secrets(shown: &str) {
        let key = format!(
            "{:?}",
            crate::privacy::PortalSecret::from_text(SECRET_TEXT)
                .expect("long enough")
                .mac(b"")
        );
        for needle in [SECRET_TEXT, PASSPHRASE, &key[..12]] {
            assert!(!shown.contains(needle), "{needle:?} shown in:\n{shown}");
        }
    }

    /// Issue 17, item 5: `BuildOptions` derived `Debug` over the process
    /// environment, so any log line or panic message holding the options printed
    /// every passphrase in it.
    #[test]
    fn debug_output_of_build_options_hides_secret_and_environment() {
        let options = options();
        for shown in [format!("{options:?}"), format!("{options:#?}")] {
            assert_hides_secrets(&shown);
            // Not even which variables are set.
            assert!(!shown.contains("ACME_PASSPHRASE"), "{shown}");
            assert!(shown.contains(crate::secret::REDACTED), "{shown}");
            assert!(
                shown.contains("seal_iterations"),
                "the rest is still shown: {shown}"
            );
        }
    }

    /// The passphrase an encrypted portal is sealed with lives in the model's
    /// customer; printing the resolved site must not show it.
    #[test]
    fn debug_output_of_the_site_hides_portal_passphrases() {
        let mut tree = crate::init::starter_tree();
        let path = "customers/example-customer.yaml";
        let mut text =
            String::from_utf8(tree.get(path).expect("starter customer").to_vec()).expect("UTF-8");
        text.push_str("encrypt:\n  passphrase_env: ACME_PASSPHRASE\n");
        tree.insert(path, text);
        let mut diagnostics = Diagnostics::new();
        let site = resolve::resolve(&tree, Vec::new(), &options(), &mut diagnostics)
            .expect("the starter site resolves");
        let customer = &site.customers[0];
        assert_eq!(
            customer.passphrase.as_ref().map(|p| p.expose().as_str()),
            Some(PASSPHRASE),
            "the portal is encrypted with the passphrase"
        );
        for shown in [format!("{site:?}"), format!("{site:#?}")] {
            assert_hides_secrets(&shown);
        }
    }
}

/// What `gangway search` found.
#[derive(Debug)]
pub struct Searched {
    /// The site's problems (there is an index only when there is no error).
    pub diagnostics: Vec<Diagnostic>,
    /// The site's languages.
    pub languages: Vec<String>,
    /// The language's index; `None` when the site has errors or no language by
    /// the name asked.
    pub index: Option<SearchIndex>,
}

/// One language's public search index, in memory: the files `build` writes
/// under `search/<lang>/`.
#[derive(Debug)]
pub struct SearchIndex {
    /// The language searched.
    pub lang: String,
    files: BTreeMap<String, Vec<u8>>,
}

/// A page `gangway search` found.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchHit {
    /// The page's address relative to the site root, without the anchor.
    pub url: String,
    /// The heading id of the section that matched; empty for the page's top.
    pub anchor: String,
    /// The page's title.
    pub title: String,
    /// The page's section (an article's), or what kind of page it is.
    pub section: String,
    /// The text around the first match, the matched words in `[` `]`.
    pub snippet: String,
    /// How well it matched (higher is better; pages in the searched language come first).
    pub score: f64,
    /// Where the result leads: the url, with `#anchor` when there is one.
    pub address: String,
}

impl SearchIndex {
    /// `query` run as the search box runs it: every page found, best first.
    /// An index that cannot be read finds nothing.
    pub fn query(&self, query: &str) -> Vec<SearchHit> {
        let fetch = |path: &str| self.files.get(path).cloned();
        let found = crate::search::search(&fetch, query, usize::MAX).unwrap_or_default();
        found
            .hits
            .into_iter()
            .map(|h| SearchHit {
                address: h.address(),
                url: h.url,
                anchor: h.anchor,
                title: h.title,
                section: h.section,
                snippet: h.snippet,
                score: h.score,
            })
            .collect()
    }

    /// The index's files, by path under its folder.
    pub fn files(&self) -> &BTreeMap<String, Vec<u8>> {
        &self.files
    }
}

/// `gangway search`: the public index of `lang` (else the default language),
/// made as `build` makes it but in memory. No page is rendered and no customer
/// is planned.
pub fn search(tree: &SourceTree, options: &BuildOptions, lang: Option<&str>) -> Searched {
    let mut diagnostics = Diagnostics::new();
    let prepared = prepare(tree, Vec::new(), options, false, &mut diagnostics);
    let has_errors = diagnostics.has_errors();
    let mut searched = Searched {
        diagnostics: diagnostics.sorted(),
        languages: Vec::new(),
        index: None,
    };
    let Some(prepared) = prepared.filter(|_| !has_errors) else {
        return searched;
    };
    let site = &prepared.site;
    searched.languages = site
        .config
        .languages
        .iter()
        .map(|l| l.to_string())
        .collect();
    let wanted = lang.unwrap_or(site.config.default_language.as_str());
    let Some(lang) = site.config.languages.iter().find(|l| l.as_str() == wanted) else {
        return searched;
    };
    let lx = crate::render::language::Lx {
        site,
        lang,
        locale: &prepared.locales[lang],
    };
    let files = crate::search::Index::gather(lang, false, |add| {
        crate::render::search::public_docs(&lx, &prepared.previews, add);
    })
    .files("")
    .into_iter()
    .map(|f| (f.path, f.bytes))
    .collect();
    searched.index = Some(SearchIndex {
        lang: lang.to_string(),
        files,
    });
    searched
}
