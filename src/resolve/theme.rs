//! The theme: the built-in default, with a site theme's files laid over it.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::diagnostic::{Code, Diagnostic, Diagnostics, Label, SourceFile};
use crate::lang::Lang;
use crate::model::Theme;
use crate::source::SourceTree;

macro_rules! builtin {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../theme/templates/", $name)))),*]
    };
}

/// The built-in templates, compiled into the binary.
pub(crate) const TEMPLATES: &[(&str, &str)] = builtin!(
    "base.html",
    "macros.html",
    "home.html",
    "kb_index.html",
    "article.html",
    "faq.html",
    "playbook.html",
    "404.html",
    "portal_overview.html",
    "portal_checklist.html",
    "portal_timeline.html",
    "portal_faq.html",
    "dashboard.html",
    "a_z.html",
);

/// The built-in static files, written under `assets/`.
pub(crate) const ASSETS: &[(&str, &[u8])] = &[
    ("style.css", include_bytes!("../theme/static/style.css")),
    ("actions.js", include_bytes!("../theme/static/actions.js")),
    ("search.js", include_bytes!("../theme/static/search.js")),
    ("favicon.svg", include_bytes!("../theme/static/favicon.svg")),
];

/// The built-in UI strings by language. English is complete; the others fall back
/// to it key by key.
pub(crate) const STRINGS: &[(&str, &str)] = &[
    ("en", include_str!("../theme/strings/en.toml")),
    ("ms", include_str!("../theme/strings/ms.toml")),
    ("ne", include_str!("../theme/strings/ne.toml")),
    ("kk", include_str!("../theme/strings/kk.toml")),
    ("lo", include_str!("../theme/strings/lo.toml")),
    ("ny", include_str!("../theme/strings/ny.toml")),
];

/// Loads the theme named in the config (if any) over the built-in one.
pub(crate) fn resolve_theme(
    tree: &SourceTree,
    name: Option<&str>,
    languages: &[Lang],
    config_file: Option<&Arc<SourceFile>>,
    diagnostics: &mut Diagnostics,
) -> Theme {
    let mut theme = Theme::default();
    for (name, text) in TEMPLATES {
        theme.templates.insert(
            name.to_string(),
            SourceFile::new(format!("(built-in theme)/templates/{name}"), *text),
        );
    }
    for (name, bytes) in ASSETS {
        theme.assets.insert(name.to_string(), bytes.to_vec());
    }
    let builtin: BTreeMap<&str, BTreeMap<String, String>> = STRINGS
        .iter()
        .map(|(lang, text)| {
            let file = SourceFile::new(format!("(built-in theme)/strings/{lang}.toml"), *text);
            (*lang, parse_strings(&file, diagnostics))
        })
        .collect();
    let english = builtin.get("en").cloned().unwrap_or_default();
    // Site overrides, per language, from the theme's strings/ folder.
    let mut site_strings: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    if let Some(name) = name {
        for (path, bytes) in tree.under(&format!("themes/{name}/strings/")) {
            let Some(lang) = path
                .rsplit('/')
                .next()
                .and_then(|f| f.strip_suffix(".toml"))
            else {
                diagnostics.push(
                    Diagnostic::warning(Code::IgnoredFile, format!("{path} is not used")).help(
                        "interface text files are named after their language: strings/<lang>.toml",
                    ),
                );
                continue;
            };
            // A file that is not UTF-8 is an error at its first bad byte, as anywhere
            // else in the site, and its strings are not used.
            if let Some(file) = super::text_file(path, bytes, diagnostics) {
                site_strings.insert(lang.to_string(), parse_strings(&file, diagnostics));
            }
        }
    }
    for lang in languages {
        let mut strings = english.clone();
        let own = builtin.get(lang.as_str());
        let site = site_strings.get(lang.as_str());
        if own.is_none() && site.is_none() && lang.as_str() != "en" {
            diagnostics.push(
                Diagnostic::warning(Code::MissingUiStrings, format!("the theme has no interface text in `{lang}`: its pages show English buttons and headings"))
                    .help(format!("add themes/<theme>/strings/{lang}.toml with the keys of the built-in en.toml")),
            );
        }
        for extra in [own, site].into_iter().flatten() {
            strings.extend(extra.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        theme.strings.insert(lang.clone(), strings);
    }

    let Some(name) = name else {
        return theme;
    };
    let prefix = format!("themes/{name}/");
    if tree.under(&prefix).next().is_none() {
        let mut d = Diagnostic::error(
            Code::UnknownTheme,
            format!("gangway.toml names the theme `{name}`, but there is no folder themes/{name}/"),
        );
        if let Some(file) = config_file {
            let start = file.text.find("theme").unwrap_or(0);
            d = d.at(Label::new(file, start, start + 5));
        }
        diagnostics.push(d.help("create the folder, or remove `theme` to use the built-in theme"));
        return theme;
    }
    for (path, bytes) in tree.under(&prefix) {
        let rest = &path[prefix.len()..];
        if let Some(template) = rest.strip_prefix("templates/") {
            if let Some(file) = super::text_file(path, bytes, diagnostics) {
                theme.templates.insert(template.to_string(), file);
            }
        } else if let Some(asset) = rest.strip_prefix("static/") {
            theme.assets.insert(asset.to_string(), bytes.to_vec());
        } else if rest.starts_with("strings/") {
            // Read above, per language.
        } else {
            diagnostics.push(
                Diagnostic::warning(Code::IgnoredFile, format!("{path} is not used"))
                    .help("a theme holds templates/, static/ and strings/"),
            );
        }
    }
    theme
}

fn parse_strings(
    file: &Arc<SourceFile>,
    diagnostics: &mut Diagnostics,
) -> BTreeMap<String, String> {
    match toml::from_str::<BTreeMap<String, String>>(&file.text) {
        Ok(map) => map,
        Err(err) => {
            diagnostics.push(crate::config::toml_diagnostic(file, &err));
            BTreeMap::new()
        }
    }
}
