//! Render: the validated site and its plans in, output files out.
//!
//! One file per concept: `page` (a page and the values every page has),
//! `language` (one language's values about articles, sections, FAQ and
//! playbooks), `pages` (the public pages), `sitemap`, `portal/` (a customer's
//! portal), `dashboard` (the vendor's page across customers), `timeline` (the
//! chart), `values` (template value helpers), `lang_text` (text that carries
//! its language and says so on a page of another).
//!
//! Invariant: never touches the file system; every byte it makes goes to the
//! caller's sink as an [`OutputFile`]. Invariant: everything about one customer is
//! written under that customer's portal directory and, as a row of figures, in
//! the vendor's dashboard, and nowhere else; public pages are built from
//! playbooks and content only, never from customers.

mod dashboard;
pub(crate) mod lang_text;
pub(crate) mod language;
pub(crate) mod page;
pub(crate) mod pages;
mod portal;
mod redirects;
pub(crate) mod search;
pub(crate) mod sitemap;
pub(crate) mod timeline;
pub(crate) mod values;

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::civil::Date;
use minijinja::{Environment, UndefinedBehavior, Value};
use rayon::prelude::*;

use crate::diagnostic::{Code, Diagnostic, Diagnostics, Label, SourceFile};
use crate::lang::Lang;
use crate::locale::Locale;
use crate::model::{Customer, Site};
use crate::output::OutputFile;
use crate::plan::Plan;

pub(crate) use dashboard::render_dashboard;
pub(crate) use pages::render_public;
pub(crate) use portal::render_portal;

/// The path of a customer's portal directory, relative to the site root, with a
/// trailing `/`.
pub(crate) fn portal_dir(customer: &Customer) -> String {
    customer.portal.clone()
}

/// The theme's templates, compiled once.
pub(crate) struct Templates {
    env: Environment<'static>,
    /// Templates whose syntax error is already reported: pages using them are skipped quietly.
    broken: std::collections::BTreeSet<String>,
    files: BTreeMap<String, Arc<SourceFile>>,
}

impl Templates {
    /// Compiles every template, reporting syntax errors.
    pub fn new(
        templates: &BTreeMap<String, Arc<SourceFile>>,
        locales: Arc<BTreeMap<Lang, Locale>>,
        diagnostics: &mut Diagnostics,
    ) -> Templates {
        let mut env = Environment::new();
        // `debug()` prints the whole render state: every compiled template and the
        // page's values, in an order that differs between builds. Themes print the
        // values they are given instead (docs/theming.md lists them).
        env.remove_global("debug");
        // Numbers and plural categories in the page's language (the `lang` value).
        let for_num = Arc::clone(&locales);
        env.add_filter(
            "num",
            move |state: &minijinja::State<'_, '_>, n: i64| -> String {
                match page_locale(&for_num, state) {
                    Some(l) => l.number(n),
                    None => n.to_string(),
                }
            },
        );
        let for_plural = Arc::clone(&locales);
        env.add_filter(
            "plural",
            move |state: &minijinja::State<'_, '_>, n: i64| -> String {
                match page_locale(&for_plural, state) {
                    Some(l) => l.plural(n).to_string(),
                    None => if n == 1 { "one" } else { "other" }.to_string(),
                }
            },
        );
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_debug(false);
        env.set_fuel(Some(20_000_000));
        // Escape as Jinja2 does (& < > " '), not `/`: URLs in attributes stay readable
        // and pages stay small.
        // Text in another language than the page is printed in an element saying
        // so (`lang_text`).
        env.add_filter("insert", lang_text::insert);
        env.add_filter("safe", lang_text::safe);
        env.set_formatter(|out, state, value| {
            if lang_text::write(out, state, value)? {
                return Ok(());
            }
            if *state.auto_escape() == minijinja::AutoEscape::Html
                && !value.is_safe()
                && let Some(text) = value.as_str()
            {
                return out
                    .write_str(&crate::html::escape(text))
                    .map_err(minijinja::Error::from);
            }
            minijinja::escape_formatter(out, state, value)
        });
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html") || name.ends_with(".xml") {
                minijinja::AutoEscape::Html
            } else {
                minijinja::AutoEscape::None
            }
        });
        let mut broken = std::collections::BTreeSet::new();
        for (name, file) in templates {
            if let Err(err) = env.add_template_owned(name.clone(), file.text.clone()) {
                diagnostics.push(template_error(&err, templates, name));
                broken.insert(name.clone());
            }
        }
        Templates {
            env,
            broken,
            files: templates.clone(),
        }
    }

    /// Renders template `name` with `ctx`.
    pub fn render(&self, name: &str, ctx: Value) -> Result<String, Diagnostic> {
        if self.broken.contains(name) {
            return Ok(String::new());
        }
        let template = self
            .env
            .get_template(name)
            .map_err(|err| template_error(&err, &self.files, name))?;
        template
            .render(ctx)
            .map_err(|err| template_error(&err, &self.files, name))
    }
}

/// The formatter of the page being rendered, found by its `lang` value.
fn page_locale<'a>(
    locales: &'a BTreeMap<Lang, Locale>,
    state: &minijinja::State<'_, '_>,
) -> Option<&'a Locale> {
    let lang = state.lookup("lang")?;
    let lang = lang.as_str()?;
    locales
        .iter()
        .find(|(l, _)| l.as_str() == lang)
        .map(|(_, l)| l)
}

/// A diagnostic for a theme template error, at the template's file and line.
fn template_error(
    err: &minijinja::Error,
    files: &BTreeMap<String, Arc<SourceFile>>,
    name: &str,
) -> Diagnostic {
    // The innermost error names the template and line where it happened.
    let mut inner: &dyn std::error::Error = err;
    let mut located = err;
    while let Some(source) = inner.source() {
        if let Some(e) = source.downcast_ref::<minijinja::Error>()
            && e.line().is_some()
        {
            located = e;
        }
        inner = source;
    }
    let template = located.name().unwrap_or(name);
    let message = match located.detail() {
        Some(detail) => format!("{}: {detail}", located.kind()),
        None => located.kind().to_string(),
    };
    let mut d = Diagnostic::error(
        Code::TemplateError,
        format!("in template `{template}`: {message}"),
    );
    if let Some(file) = files.get(template) {
        let line = located.line().unwrap_or(1);
        let (start, end) = match located.range() {
            Some(r) if r.end <= file.text.len() => (r.start, r.end),
            _ => {
                let s = file.offset_of(line, 1);
                (
                    s,
                    file.text[s..].find('\n').map_or(file.text.len(), |i| s + i),
                )
            }
        };
        d = d.at(Label::new(file, start, end));
    }
    if located.kind() == minijinja::ErrorKind::UndefinedError {
        d = d.help("see docs/theming.md for the values each template receives");
    }
    d
}

/// Everything the renderer needs besides the site.
pub(crate) struct RenderInput<'a> {
    pub site: &'a Site,
    /// One formatter per site language, made once.
    pub locales: &'a BTreeMap<Lang, Locale>,
    /// The template values every page of a language shares, made once per language.
    pub shared: BTreeMap<Lang, minijinja::Value>,
    pub templates: &'a Templates,
    /// Public previews by playbook id.
    pub previews: &'a BTreeMap<String, Plan>,
    pub today: Date,
    /// Keys the salts and nonces of encrypted portals, so rebuilds are byte-identical.
    pub secret: &'a crate::privacy::PortalSecret,
    /// PBKDF2 rounds for encrypted portals.
    pub seal_iterations: u32,
    /// Pages rendered so far (for [`crate::BuildStats::pages_rendered`]).
    pub rendered: std::sync::atomic::AtomicUsize,
    /// Article versions rendered to HTML so far (for [`crate::BuildStats::markdown_rendered`]).
    pub markdown_rendered: std::sync::atomic::AtomicUsize,
    /// Where the public search indexes are kept after they are written, for a
    /// later incremental update (`serve`); `None` lets them go.
    pub keep_search: Option<&'a std::sync::Mutex<BTreeMap<Lang, crate::search::Index>>>,
    /// The portals' search indexes made so far in this render.
    pub portal_indexes: search::PortalIndexes,
}

impl RenderInput<'_> {
    /// The values every page in `lang` shares.
    pub fn shared(&self, lang: &Lang) -> &minijinja::Value {
        match self.shared.get(lang) {
            Some(v) => v,
            None => &self.shared[&self.site.config.default_language],
        }
    }

    /// The formatter of a site language.
    pub fn locale(&self, lang: &crate::lang::Lang) -> &crate::locale::Locale {
        match self.locales.get(lang) {
            Some(l) => l,
            None => &self.locales[&self.site.config.default_language],
        }
    }
}

/// Renders the whole site. Pages are rendered in parallel; the result is sorted by path.
/// Where rendered files go, as they are made: a staging directory, or a list.
pub(crate) type Sink<'a> = dyn Fn(OutputFile) + Sync + 'a;

/// Where the customers' plans come from when their portals are rendered.
pub(crate) enum CustomerPlans<'a> {
    /// Made beforehand, by index into `site.customers` (`serve` keeps them).
    Made(&'a [Option<Plan>]),
    /// Made as each portal is rendered, and let go with it: a build holds only the
    /// plans of the portals being rendered. With the planning problems.
    OnDemand(&'a (dyn Fn(&Customer) -> (Option<Plan>, Diagnostics) + Sync)),
}

/// Renders the whole site; returns how many portals were rendered.
pub(crate) fn render_site(
    input: &RenderInput<'_>,
    plans: CustomerPlans<'_>,
    diagnostics: &mut Diagnostics,
    sink: &Sink<'_>,
) -> usize {
    let dashboard = input.site.dashboard.as_ref();
    // Each portal is sent on as soon as it is made, so no more than a few portals
    // are in memory at once; the dashboard's small row is kept instead.
    let portal = |customer: &Customer, plan: &Plan| -> Rendered {
        let (files, d) = render_portal(input, customer, plan);
        for f in files {
            sink(f);
        }
        let row = dashboard.map(|_| crate::roster::row(input.site, customer, plan, input.today));
        (true, d, row)
    };
    let customers = || {
        input
            .site
            .customers
            .par_iter()
            .with_max_len(crate::PAR_CHUNK)
    };
    let portals = || -> Vec<Rendered> {
        match plans {
            CustomerPlans::Made(plans) => customers()
                .zip(plans.par_iter())
                .map(|(customer, plan)| match plan {
                    Some(plan) => portal(customer, plan),
                    None => (false, Diagnostics::new(), None),
                })
                .collect(),
            CustomerPlans::OnDemand(make) => customers()
                .map(|customer| {
                    let (plan, mut d) = make(customer);
                    match plan {
                        Some(plan) => {
                            let (done, more, row) = portal(customer, &plan);
                            d.extend(more);
                            (done, d, row)
                        }
                        None => (false, d, None),
                    }
                })
                .collect(),
        }
    };
    // The portals are rendered alongside the public pages, so neither's last few
    // pages leave a core idle.
    // The search indexes are made beside the pages: their single-threaded
    // stretches (gathering postings, writing shards) fill the cores the pages
    // leave, and one language's index is in memory at a time per thread. (Made
    // from the pages' own parse instead, every language's postings were gathered
    // at once: 10,000 articles × 6 languages took 670 MB more, and longer.)
    let (public, portals) = rayon::join(
        || {
            rayon::join(
                || render_public(input, sink),
                || search::render_public_search(input, sink),
            )
            .0
        },
        portals,
    );
    diagnostics.extend(public);
    let mut rendered = 0;
    let mut rows = Vec::new();
    for (done, d, row) in portals {
        rendered += usize::from(done);
        diagnostics.extend(d);
        rows.extend(row);
    }
    if let Some(dashboard) = dashboard {
        let (files, d) = render_dashboard(input, dashboard, &rows);
        diagnostics.extend(d);
        for f in files {
            sink(f);
        }
    }
    rendered
}

/// What rendering one customer gave: whether its portal was rendered, the
/// problems, and its dashboard row (when there is a dashboard).
type Rendered = (bool, Diagnostics, Option<crate::roster::CustomerRow>);

/// The relative path from a page at `path` (`kb/setup/index.html`) to the site root.
pub(crate) fn root_of(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_of_counts_folders() {
        assert_eq!(root_of("index.html"), "");
        assert_eq!(root_of("kb/setup/index.html"), "../../");
    }
}
