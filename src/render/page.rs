//! A page to render and the values every page has: the page's own context,
//! the values shared by every page of a language (`site`, `t`, `today`), link
//! placeholders filled in for the page's place, and rendering through the theme.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::Arc;

use minijinja::Value;
use minijinja::value::{Enumerator, Object};
use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::lang::Lang;
use crate::links::{LANG_ROOT, SITE_ROOT};
use crate::model::Site;
use crate::output::OutputFile;
use crate::render::values::{list, record};
use crate::render::{RenderInput, Sink, root_of};

/// A page to render.
pub(crate) struct Page {
    /// The output path: `ms/kb/setup/index.html`.
    pub path: String,
    pub template: &'static str,
    pub title: String,
    pub kind: &'static str,
    /// The language of the page (its interface and everything translated).
    pub lang: Lang,
    /// The language of its main text: differs from `lang` when that text is not
    /// translated yet and the original is shown.
    pub content_lang: Lang,
    /// The page in every language: (language, output path).
    pub alternates: Vec<(Lang, String)>,
    /// The page's own template values, by name.
    pub values: Vec<(&'static str, Value)>,
}

/// The folder of a language under the site root: `""` for the default, `"ms/"` otherwise.
pub(crate) fn lang_prefix(lang: &Lang, default: &Lang) -> String {
    if lang == default {
        String::new()
    } else {
        format!("{lang}/")
    }
}

/// The URL of a page's folder from its output path: `kb/setup/index.html` → `kb/setup/`.
pub(crate) fn dir_url(path: &str) -> &str {
    path.strip_suffix("index.html").unwrap_or(path)
}

/// Replaces the link placeholders of rendered Markdown for a page; text without
/// them is returned as it is, not copied.
pub(crate) fn place_links<'a>(html: &'a str, lang_root: &str, site_root: &str) -> Cow<'a, str> {
    if !html.contains("@@gangway-") {
        return Cow::Borrowed(html);
    }
    let mut out = Cow::Borrowed(html);
    if out.contains(LANG_ROOT) {
        out = Cow::Owned(out.replace(LANG_ROOT, lang_root));
    }
    if out.contains(SITE_ROOT) {
        out = Cow::Owned(out.replace(SITE_ROOT, site_root));
    }
    out
}

/// Wraps every table of rendered Markdown in a scroll region of its own, so a wide
/// table scrolls sideways inside the page instead of the whole page: a `div` the
/// keyboard can reach (`tabindex="0"`) and a screen reader names, `label(n)` for
/// the n-th table (1-based), already escaped by the caller or free of markup.
/// Text without a table is returned as it is. The HTML is the Markdown
/// renderer's (or the sanitiser's), so `<table` in it is always a tag: text and
/// attribute values have `<` escaped.
pub(crate) fn wrap_tables<'a>(html: Cow<'a, str>, label: &dyn Fn(usize) -> String) -> Cow<'a, str> {
    if !html.contains("<table") {
        return html;
    }
    // One pass over the places `table` is written: an opening tag gets its
    // region, every `</table>` closes one.
    let mut out = String::with_capacity(html.len() + 160);
    let mut copied = 0;
    let mut n = 0;
    for (at, _) in html.match_indices("table") {
        let bytes = html.as_bytes();
        let opens = at >= 1
            && bytes[at - 1] == b'<'
            && matches!(bytes.get(at + 5), Some(b'>' | b' ' | b'\t' | b'\n'));
        let closes = at >= 2 && &bytes[at - 2..at] == b"</" && bytes.get(at + 5) == Some(&b'>');
        if opens {
            out.push_str(&html[copied..at - 1]);
            n += 1;
            out.push_str(
                "<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" aria-label=\"",
            );
            out.push_str(&crate::html::escape(&label(n)));
            out.push_str("\">");
            copied = at - 1;
        } else if closes {
            out.push_str(&html[copied..at + 6]);
            out.push_str("</div>");
            copied = at + 6;
        }
    }
    out.push_str(&html[copied..]);
    Cow::Owned(out)
}

/// The path part of the base URL, with a trailing `/`: `https://x.example/help` → `/help/`.
pub(crate) fn base_path(base_url: &str) -> String {
    let after_scheme = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    match after_scheme.find('/') {
        Some(i) => format!("{}/", after_scheme[i..].trim_end_matches('/')),
        None => "/".to_string(),
    }
}

/// The kinds of public page that carry the search box.
const SEARCHABLE: &[&str] = &[
    "404", "a_z", "article", "faq", "home", "kb_index", "playbook",
];

/// The search box's value on a public page: its language's index folder
/// (`search/<lang>/` at the site root) and the A–Z page the form goes to
/// without JavaScript; none on portals, the dashboard, or when search is off.
pub(crate) fn search_value(site: &Site, page: &Page, site_root: &str, root: &str) -> Value {
    if !site.config.search.enabled || !SEARCHABLE.contains(&page.kind) {
        return Value::from(());
    }
    record! {
        "a_z" => format!("{root}a-z/"),
        "index" => format!("{site_root}search/{}/", page.lang),
    }
}

/// The values every template gets, merged with the page's own.
pub(crate) fn context(
    site: &Site,
    shared: &minijinja::Value,
    page: &mut Page,
    noindex: bool,
) -> minijinja::Value {
    let default = &site.config.default_language;
    let base_url = &site.config.base_url;
    // The host serves 404.html at whatever address was missed, so a relative
    // root would be wrong there: use the absolute path of the site instead.
    let site_root = if page.kind == "404" {
        base_path(base_url)
    } else {
        root_of(&page.path)
    };
    let root = format!("{site_root}{}", lang_prefix(&page.lang, default));
    let (translations, alternates) = if page.alternates.len() > 1 {
        let translations = list(page.alternates.iter().map(|(l, p)| {
            record! {
                "current" => *l == page.lang,
                "lang" => l.as_str(),
                "name" => l.native_name(),
                "url" => format!("{site_root}{}", dir_url(p)),
            }
        }));
        let alternates = list(page.alternates.iter().map(|(l, p)| {
            record! { "lang" => l.as_str(), "url" => format!("{base_url}/{}", dir_url(p)) }
        }));
        (translations, alternates)
    } else {
        (list([]), list([]))
    };
    let x_default = page
        .alternates
        .iter()
        .find(|(l, _)| l == default)
        .map(|(_, p)| format!("{base_url}/{}", dir_url(p)))
        .unwrap_or_default();
    let page_value = record! {
        "content_lang" => page.content_lang.as_str(),
        "fallback" => page.content_lang != page.lang,
        "kind" => page.kind,
        "noindex" => noindex,
        "title" => page.title.as_str(),
        "url" => format!("{base_url}/{}", dir_url(&page.path)),
    };
    let search = search_value(site, page, &site_root, &root);
    let mut own = vec![
        ("search", search),
        // A portal page's own values set it when the portal has an index.
        ("portal_search", Value::from(())),
        // A page with a description of its own sets it (articles).
        ("meta", Value::from(())),
        ("root", Value::from(root)),
        ("site_root", Value::from(site_root)),
        ("page", page_value),
        ("translations", translations),
        ("alternates", alternates),
        ("x_default", Value::from(x_default)),
    ];
    own.append(&mut page.values);
    // The values shared by every page of a language are made once and merged in.
    Value::from_object(PageContext {
        shared: shared.clone(),
        own,
    })
}

/// A page's template context: the values its language shares, then its own.
///
/// Looks up as `merge_maps([own, shared])` would (a shared value wins), without
/// building a map of the page's values.
#[derive(Debug)]
struct PageContext {
    shared: Value,
    /// The page's values; a later one wins over an earlier one of the same name.
    own: Vec<(&'static str, Value)>,
}

impl Object for PageContext {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        let shared = match self.shared.downcast_object_ref::<SharedValues>() {
            Some(s) => s.get(key),
            None => self.shared.get_attr(key).ok().filter(|v| !v.is_undefined()),
        };
        shared.or_else(|| {
            self.own
                .iter()
                .rev()
                .find(|(k, _)| crate::render::values::same_key(k, key))
                .map(|(_, v)| v.clone())
        })
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        let mut keys: BTreeSet<Value> = self.own.iter().map(|(k, _)| Value::from(*k)).collect();
        if let Ok(shared) = self.shared.try_iter() {
            keys.extend(shared);
        }
        Enumerator::Iter(Box::new(keys.into_iter()))
    }
}

/// The values every page of a language shares: a map of `lang`, `site`, `t`, `today`.
#[derive(Debug)]
pub(crate) struct SharedValues {
    lang: Value,
    site: Value,
    t: Value,
    today: Value,
}

const SHARED_KEYS: &[&str; 4] = &["lang", "site", "t", "today"];
const _: () = assert!(crate::render::values::sorted(SHARED_KEYS));

impl SharedValues {
    fn get(&self, key: &str) -> Option<Value> {
        Some(
            match key {
                "lang" => &self.lang,
                "site" => &self.site,
                "t" => &self.t,
                "today" => &self.today,
                _ => return None,
            }
            .clone(),
        )
    }
}

impl Object for SharedValues {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        self.get(key)
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(SHARED_KEYS)
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        Some(SHARED_KEYS.len())
    }
}

/// The UI strings of a language (`t`): a map, looked up by name without making a key.
///
/// A page reads `t` a few hundred times (every label of a portal checklist), so the
/// strings are found by a fast hash rather than by comparing keys down a tree; the
/// sorted keys are kept for iteration, which must follow a map's order.
#[derive(Debug)]
pub(crate) struct Strings {
    values: rustc_hash::FxHashMap<String, Value>,
    keys: Vec<Value>,
}

impl Strings {
    pub(crate) fn new(strings: impl IntoIterator<Item = (String, Value)>) -> Strings {
        let values: rustc_hash::FxHashMap<String, Value> = strings.into_iter().collect();
        let mut keys: Vec<&String> = values.keys().collect();
        keys.sort_unstable();
        let keys = keys.into_iter().map(|k| Value::from(k.as_str())).collect();
        Strings { values, keys }
    }
}

impl Object for Strings {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.values.get(key.as_str()?).cloned()
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        self.values.get(key).cloned()
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Values(self.keys.clone())
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        Some(self.keys.len())
    }
}

/// The values every page of `lang` shares: `lang`, `t`, `site` and `today` (formatted once).
pub(crate) fn shared_values(
    site: &Site,
    lang: &Lang,
    locale: &crate::locale::Locale,
    today: jiff::civil::Date,
) -> minijinja::Value {
    let default = &site.config.default_language;
    let strings = site
        .theme
        .strings
        .get(lang)
        .or_else(|| site.theme.strings.get(default));
    let strings = strings.map(|s| {
        Value::from_object(Strings::new(
            s.iter().map(|(k, v)| (k.clone(), Value::from(v.as_str()))),
        ))
    });
    let vendor = &site.config.vendor;
    Value::from_object(SharedValues {
        lang: Value::from(lang.as_str()),
        site: record! {
            "base_url" => site.config.base_url.as_str(),
            // Written as it is: its sources cannot hold `"`, `<` or `>` (see `csp`).
            "csp" => Value::from_safe_string(site.config.csp.page()),
            "description" => site.config.description_in(lang),
            // The language's ten digits, for scripts that write numbers (search counts).
            "digits" => (0..10).map(|d| locale.number(d)).collect::<String>(),
            "title" => site.config.title_in(lang),
            "vendor" => record! {
                "name" => vendor.name.as_str(),
                "support_email" => vendor.support_email.as_str(),
                "support_url" => vendor.support_url.as_str(),
            },
        },
        t: Value::from(strings),
        today: Value::from(locale.date(today)),
    })
}

/// Renders pages in parallel; diagnostics come back in page order.
pub(crate) fn render_pages(
    input: &RenderInput<'_>,
    pages: Vec<Page>,
    noindex: bool,
    sink: &Sink<'_>,
) -> Diagnostics {
    let problems: Vec<Diagnostic> = pages
        .into_par_iter()
        .filter_map(|page| render_page(input, page, noindex, sink))
        .collect();
    problems.into()
}

/// Renders one page through its template and sends it on; the template's error, if any.
pub(crate) fn render_page(
    input: &RenderInput<'_>,
    mut page: Page,
    noindex: bool,
    sink: &Sink<'_>,
) -> Option<Diagnostic> {
    input
        .rendered
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let ctx = context(input.site, input.shared(&page.lang), &mut page, noindex);
    match input.templates.render(page.template, ctx) {
        Ok(html) => {
            sink(OutputFile {
                path: page.path,
                bytes: html.into_bytes(),
            });
            None
        }
        Err(d) => Some(d),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn wrap_tables_puts_each_table_in_a_labelled_region() {
        let label = |n: usize| format!("Table {n} <\"x\">");
        let html = "<p>a &lt;table&gt;</p><table><tr><td>1</td></tr></table><table class=\"t\"></table><tablet>";
        let out = wrap_tables(Cow::Borrowed(html), &label);
        assert_eq!(
            out,
            "<p>a &lt;table&gt;</p><div class=\"table-scroll\" role=\"region\" tabindex=\"0\" aria-label=\"Table 1 &lt;&quot;x&quot;&gt;\">\
             <table><tr><td>1</td></tr></table></div><div class=\"table-scroll\" role=\"region\" tabindex=\"0\" \
             aria-label=\"Table 2 &lt;&quot;x&quot;&gt;\"><table class=\"t\"></table></div><tablet>"
        );
        assert!(matches!(
            wrap_tables(Cow::Borrowed("<p>no</p>"), &label),
            Cow::Borrowed(_)
        ));
    }

    /// `wrap_tables` as it was first written (two passes), for comparison.
    fn wrap_tables_in_two_passes(html: &str, label: &dyn Fn(usize) -> String) -> String {
        if !html.contains("<table") {
            return html.to_string();
        }
        let mut out = String::new();
        let mut rest = html;
        let mut n = 0;
        while let Some(at) = rest.find("<table") {
            let after = rest.as_bytes().get(at + 6).copied();
            let (before, from) = rest.split_at(at);
            out.push_str(before);
            if matches!(after, Some(b'>' | b' ' | b'\t' | b'\n')) {
                n += 1;
                out.push_str(
                    "<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" aria-label=\"",
                );
                out.push_str(&crate::html::escape(&label(n)));
                out.push_str("\">");
            }
            out.push_str("<table");
            rest = &from[6..];
        }
        out.push_str(rest);
        out.replace("</table>", "</table></div>")
    }

    #[test]
    fn wrap_tables_in_one_pass_writes_what_two_passes_did() {
        let label = |n: usize| format!("Table {n}");
        let cases = [
            "<table>",
            "table</table>",
            "<table\n><td>table</td></table><table\tx></table>",
            "</table><table>x</table></table>",
            "<p>tables &lt;table&gt;</p><table>ລາວ</table><tablet></tablet>",
            "<table",
            "</table",
            "x<table class=\"a\"><tr><td>नेपाली</td></tr></table>y",
            // `table` right after a char of three bytes (and of two).
            "<table><td>ລtable ລາວtable étable</td></table>",
        ];
        for html in cases {
            assert_eq!(
                wrap_tables(Cow::Borrowed(html), &label),
                wrap_tables_in_two_passes(html, &label),
                "{html}"
            );
        }
    }

    #[test]
    fn place_links_replaces_as_two_replaces_do() {
        let cases = [
            "no links",
            "<a href=\"@@gangway-lang-root@@kb/x/\">x</a><img src=\"@@gangway-site-root@@a.png\">",
            "@@gangway-site-@@gangway-lang-root@@root@@",
            "@@gangway-other@@",
        ];
        for html in cases {
            for (lang_root, site_root) in [("", ""), ("../ms/", "../")] {
                let two = html
                    .replace(LANG_ROOT, lang_root)
                    .replace(SITE_ROOT, site_root);
                assert_eq!(place_links(html, lang_root, site_root), two, "{html}");
            }
        }
    }

    /// The context objects answer templates exactly as the merged maps they replace.
    #[test]
    fn page_context_behaves_as_merged_maps() {
        let mut strings = BTreeMap::new();
        strings.insert("b".to_string(), Value::from("B"));
        strings.insert("a".to_string(), Value::from("A's"));
        strings.insert("days_overdue_one".to_string(), Value::from("{n} day"));
        let t_map = Value::from_pairs(strings.iter().map(|(k, v)| (k.as_str(), v.clone())));
        let t_obj = Value::from_object(Strings::new(strings));
        let shared_obj = Value::from_object(SharedValues {
            lang: Value::from("en"),
            site: record! { "title" => "Site" },
            t: t_obj,
            today: Value::from("today"),
        });
        let shared_map = Value::from_pairs([
            ("lang", Value::from("en")),
            ("site", record! { "title" => "Site" }),
            ("t", t_map),
            ("today", Value::from("today")),
        ]);
        let own = vec![
            ("root", Value::from("../")),
            ("page", record! { "kind" => "home" }),
            ("lang", Value::from("shadowed")),
        ];
        let ctx_obj = Value::from_object(PageContext {
            shared: shared_obj,
            own: own.clone(),
        });
        let ctx_map = minijinja::value::merge_maps([Value::from_pairs(own), shared_map]);
        let env = minijinja::Environment::new();
        let template = "{{ lang }} {{ root }} {{ page.kind }} {{ site.title }} {{ today }} \
            {{ t.a }} {{ t['b'] }} {{ t.missing is defined }} {{ t['days_overdue_' ~ 'one'] }} \
            {{ t|length }} {{ t|tojson }} {{ t }} {% for k, v in t|items %}{{ k }}={{ v }};{% endfor %} \
            {{ x is defined }} {{ range(2)|list }}";
        let with_obj = env.render_str(template, &ctx_obj).unwrap();
        assert_eq!(with_obj, env.render_str(template, &ctx_map).unwrap());
        assert!(
            with_obj.starts_with("en ../ home Site today A"),
            "{with_obj}"
        );
        assert_eq!(
            ctx_obj.try_iter().unwrap().collect::<Vec<_>>(),
            ctx_map.try_iter().unwrap().collect::<Vec<_>>()
        );
    }
}
