//! The Content-Security-Policy of the site's pages: gangway's own policy, what
//! `[security.csp]` in gangway.toml adds to it, and its three written forms.
//!
//! Public pages and portals share one origin, and an encrypted portal remembers
//! its passphrase in `sessionStorage` there, so the policy lets no script run
//! but gangway's own files: no inline script or style, no `eval`, no plugins, no
//! `<base>`. It is written as a `<meta http-equiv>` by the theme's base template
//! ([`Csp::page`], so it works on any static host), into every unlock page of an
//! encrypted portal ([`Csp::unlock`], which also allows that page's own script
//! and style by their hashes), and as a header in `_headers` ([`Csp::header`],
//! which adds what only a header can say: `frame-ancestors`).

use std::sync::Arc;

use crate::diagnostic::{Code, Diagnostic, Label, SourceFile};

/// gangway's policy, directive by directive, in the order written.
const DEFAULT: &[(&str, &[&str])] = &[
    ("default-src", &["'none'"]),
    ("script-src", &["'self'"]),
    ("style-src", &["'self'"]),
    ("img-src", &["'self'", "https:", "data:"]),
    ("font-src", &["'self'"]),
    ("connect-src", &["'self'"]),
    ("form-action", &["'self'", "https:", "mailto:"]),
    ("base-uri", &["'none'"]),
    ("object-src", &["'none'"]),
];

/// Directives a site may add sources to. `frame-ancestors` is written in the
/// header only, since browsers ignore it in a `<meta>`.
const DIRECTIVES: &[&str] = &[
    "default-src",
    "script-src",
    "style-src",
    "img-src",
    "font-src",
    "connect-src",
    "media-src",
    "frame-src",
    "child-src",
    "worker-src",
    "manifest-src",
    "form-action",
    "frame-ancestors",
];

/// The pages' policy: gangway's, plus the sources a site added.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Csp {
    directives: Vec<(String, Vec<String>)>,
}

impl Default for Csp {
    fn default() -> Self {
        let mut directives: Vec<(String, Vec<String>)> = DEFAULT
            .iter()
            .map(|(d, sources)| {
                (
                    d.to_string(),
                    sources.iter().map(|s| s.to_string()).collect(),
                )
            })
            .collect();
        directives.push(("frame-ancestors".into(), vec!["'none'".into()]));
        Csp { directives }
    }
}

impl Csp {
    /// Adds `sources` to `directive` (`[security.csp] script-src = ["https://…"]`).
    /// A source replaces a directive's `'none'`.
    pub(crate) fn add(
        &mut self,
        directive: &toml::Spanned<String>,
        sources: &[toml::Spanned<String>],
        file: &Arc<SourceFile>,
    ) -> Result<(), Diagnostic> {
        let label = |span: std::ops::Range<usize>| Label::new(file, span.start, span.end);
        let name = directive.get_ref().as_str();
        if !DIRECTIVES.contains(&name) {
            let help = crate::suggest::hint(name, DIRECTIVES.iter().copied())
                .map(|hint| format!("{hint} "))
                .unwrap_or_default();
            return Err(Diagnostic::error(
                Code::InvalidValue,
                format!("`{name}` is not a directive that [security.csp] can add sources to"),
            )
            .at(label(directive.span()))
            .help(format!("{help}use one of {}", DIRECTIVES.join(", "))));
        }
        for source in sources {
            let s = source.get_ref();
            let well_formed = !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_graphic() && !b"\";,<>\\".contains(&b));
            if !well_formed {
                return Err(Diagnostic::error(
                    Code::InvalidValue,
                    format!("`{s}` is not a Content-Security-Policy source"),
                )
                .at(label(source.span()))
                .help("write one source per string, such as \"https://stats.example.com\" or \"'sha256-…'\""));
            }
        }
        let index = match self.directives.iter().position(|(d, _)| d == name) {
            Some(i) => i,
            None => {
                // A directive gangway leaves to `default-src` starts from nothing.
                let at = self.directives.len() - 1;
                self.directives.insert(at, (name.to_string(), Vec::new()));
                at
            }
        };
        let list = &mut self.directives[index].1;
        if !sources.is_empty() {
            list.retain(|s| s != "'none'");
        }
        for source in sources {
            if !list.contains(source.get_ref()) {
                list.push(source.get_ref().clone());
            }
        }
        Ok(())
    }

    /// Lets pages post forms to, and fetch from, the origin of `[actions]
    /// endpoint` (`form-action` and `connect-src`); a path on the site needs nothing.
    pub(crate) fn allow_endpoint(&mut self, endpoint: &str) {
        let Some(origin) = endpoint_origin(endpoint) else {
            return;
        };
        for (directive, sources) in &mut self.directives {
            if (directive == "form-action" || directive == "connect-src")
                && !sources.iter().any(|s| s == origin)
            {
                sources.retain(|s| s != "'none'");
                sources.push(origin.to_string());
            }
        }
    }

    /// The policy for a page's `<meta http-equiv="Content-Security-Policy">`.
    pub fn page(&self) -> String {
        self.write(&[], false)
    }

    /// The policy for an encrypted portal's unlock page: the page's, plus the
    /// hashes of the unlock page's own script and style. It stays in force after
    /// the page is replaced by the decrypted one, so it must allow what that
    /// page needs, which the page's policy does.
    pub(crate) fn unlock(&self) -> String {
        self.write(crate::seal::unlock_hashes(), false)
    }

    /// The policy for the `Content-Security-Policy` header in `_headers`: the
    /// unlock page's (the header reaches every file), with `frame-ancestors`.
    pub(crate) fn header(&self) -> String {
        self.write(crate::seal::unlock_hashes(), true)
    }

    /// `hashes` are `(directive, source)` pairs added for the unlock page.
    fn write(&self, hashes: &[(&str, String)], header: bool) -> String {
        let mut out = String::with_capacity(320);
        for (directive, sources) in &self.directives {
            if directive == "frame-ancestors" && !header {
                continue;
            }
            if !out.is_empty() {
                out.push_str("; ");
            }
            out.push_str(directive);
            for source in sources {
                out.push(' ');
                out.push_str(source);
            }
            for (_, hash) in hashes.iter().filter(|(d, _)| d == directive) {
                out.push(' ');
                out.push_str(hash);
            }
        }
        out
    }
}

/// The origin of an `http://` or `https://` address (`https://forms.example:8443`),
/// if it is one and it can stand in a policy.
fn endpoint_origin(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let origin = &url[..url.len() - rest.len() + host_end];
    let fits = host_end > 0
        && !rest[..host_end].contains('@')
        && origin
            .bytes()
            .all(|b| b.is_ascii_graphic() && !b"\";,<>\\'*".contains(&b));
    fits.then_some(origin)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spanned(s: &str) -> toml::Spanned<String> {
        toml::from_str::<std::collections::BTreeMap<String, toml::Spanned<String>>>(&format!(
            "x = \"{s}\""
        ))
        .unwrap()
        .remove("x")
        .unwrap()
    }

    #[test]
    fn the_default_policy_allows_only_the_sites_own_files() {
        let csp = Csp::default();
        assert_eq!(
            csp.page(),
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; \
font-src 'self'; connect-src 'self'; form-action 'self' https: mailto:; base-uri 'none'; object-src 'none'"
        );
        assert!(csp.header().ends_with("; frame-ancestors 'none'"));
        assert!(!csp.page().contains("frame-ancestors"));
        assert!(csp.unlock().contains("script-src 'self' 'sha256-"));
    }

    #[test]
    fn an_endpoint_origin_may_receive_forms_and_fetches() {
        let mut csp = Csp::default();
        csp.allow_endpoint("http://127.0.0.1:8123/submit?x=1");
        let page = csp.page();
        assert!(
            page.contains("connect-src 'self' http://127.0.0.1:8123;"),
            "{page}"
        );
        assert!(
            page.contains("form-action 'self' https: mailto: http://127.0.0.1:8123;"),
            "{page}"
        );
        let mut same = Csp::default();
        same.allow_endpoint("/actions");
        same.allow_endpoint("https://a@b/");
        same.allow_endpoint("https://x;y/");
        assert_eq!(same, Csp::default());
        assert_eq!(
            endpoint_origin("https://forms.example"),
            Some("https://forms.example")
        );
    }

    #[test]
    fn sources_are_added_and_checked() {
        let file = Arc::new(SourceFile::new("gangway.toml", String::new()));
        let mut csp = Csp::default();
        csp.add(
            &spanned("script-src"),
            &[spanned("https://stats.example.com")],
            &file,
        )
        .unwrap();
        csp.add(
            &spanned("frame-src"),
            &[spanned("https://www.youtube-nocookie.com")],
            &file,
        )
        .unwrap();
        let page = csp.page();
        assert!(
            page.contains("script-src 'self' https://stats.example.com;"),
            "{page}"
        );
        assert!(
            page.contains("frame-src https://www.youtube-nocookie.com"),
            "{page}"
        );
        let bad = csp.add(&spanned("script-src"), &[spanned("x; script-src *")], &file);
        assert_eq!(bad.unwrap_err().code, "invalid-value");
        let bad = csp.add(&spanned("scritp-src"), &[], &file);
        assert!(
            bad.unwrap_err()
                .help
                .unwrap_or_default()
                .contains("script-src")
        );
    }
}
