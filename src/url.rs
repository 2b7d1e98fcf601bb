//! URLs gangway writes into pages: the one scheme allow-list every URL from
//! configuration, playbooks, customers and Markdown passes, and the encoding of
//! output paths in addresses.
//!
//! A URL may lead somewhere (`http`, `https`), write a message (`mailto`), call
//! (`tel`) or stay on the site (no scheme: `../kb/setup/`, `#anchor`). Every other
//! scheme is refused, because some run code in the page's origin (`javascript:`,
//! `vbscript:`, `data:text/html`) and no list of the dangerous ones stays complete.
//! Browsers drop tabs and line breaks inside a URL and ignore case in a scheme, so
//! the scheme is compared after removing ASCII whitespace and control characters,
//! percent-decoding and lower-casing: `java%09script:` and ` JaVaScRiPt:` are refused
//! like `javascript:`. The check is conservative: whatever looks like a scheme in
//! either the written or the decoded form (text with a `:` before the first `/`,
//! `?` or `#`) must be an allowed one.
//!
//! Pure and allocation-free for the common case (a URL with no `%`, whitespace or
//! control characters).

use std::borrow::Cow;

use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

/// The schemes a URL may have; a URL without one is relative and allowed.
pub(crate) const ALLOWED_SCHEMES: [&str; 4] = ["http", "https", "mailto", "tel"];

/// The allowed schemes as a sentence fragment, for diagnostics.
pub(crate) const ALLOWED_TEXT: &str = "http:, https:, mailto:, tel: or a relative address";

/// A URL the allow-list refuses, with the scheme it was refused for (normalised:
/// lower case, without whitespace, control characters or percent-encoding).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Refused {
    pub scheme: String,
}

impl Refused {
    /// "`javascript:` is not an allowed scheme", for diagnostics.
    pub(crate) fn message(&self, url: &str) -> String {
        format!(
            "`{}` uses the scheme `{}:`, which gangway does not write into pages",
            shorten(url),
            self.scheme
        )
    }
}

/// Checks `url` against the scheme allow-list.
pub(crate) fn check(url: &str) -> Result<(), Refused> {
    // The decoded form first: its scheme is the one a browser would read, the
    // one worth naming in a message.
    if url
        .bytes()
        .any(|b| b == b'%' || b.is_ascii_whitespace() || b.is_ascii_control())
    {
        check_form(&normalise(url))?;
    }
    check_form(url)
}

/// Whether `url` passes [`check`].
pub(crate) fn is_allowed(url: &str) -> bool {
    check(url).is_ok()
}

/// Checks one form of a URL: the text before the first `/`, `?` or `#`, without
/// ASCII whitespace and control characters; a `:` in it ends a scheme.
fn check_form(url: &str) -> Result<(), Refused> {
    let head = match url.find(['/', '?', '#']) {
        Some(end) => &url[..end],
        None => url,
    };
    let Some(colon) = head.find(':') else {
        return Ok(());
    };
    let scheme = &head[..colon];
    let scheme: Cow<'_, str> = if scheme
        .bytes()
        .any(|b| b.is_ascii_whitespace() || b.is_ascii_control() || b.is_ascii_uppercase())
    {
        Cow::Owned(
            scheme
                .chars()
                .filter(|c| !(c.is_ascii_whitespace() || c.is_ascii_control()))
                .map(|c| c.to_ascii_lowercase())
                .collect(),
        )
    } else {
        Cow::Borrowed(scheme)
    };
    if ALLOWED_SCHEMES.contains(&scheme.as_ref()) {
        Ok(())
    } else {
        Err(Refused {
            scheme: scheme.into_owned(),
        })
    }
}

/// `url` without ASCII whitespace and control characters, percent-decoded (bytes
/// that are not UTF-8 replaced), then without them again (`%09` is a tab).
fn normalise(url: &str) -> String {
    let stripped: String = url
        .chars()
        .filter(|c| !(c.is_ascii_whitespace() || c.is_ascii_control()))
        .collect();
    percent_decode_str(&stripped)
        .decode_utf8_lossy()
        .chars()
        .filter(|c| !(c.is_ascii_whitespace() || c.is_ascii_control()))
        .collect()
}

/// At most 60 characters of a URL, for messages (a `data:` URL can be long).
fn shorten(url: &str) -> Cow<'_, str> {
    match url.char_indices().nth(60) {
        Some((end, _)) => Cow::Owned(format!("{}…", &url[..end])),
        None => Cow::Borrowed(url),
    }
}

/// The first character of a file's path (under `content/`) that cannot stand in a
/// URL path as it is: ASCII whitespace and control characters and the ASCII
/// characters that end a path or are not allowed in one (`?`, `#`, `%`, `"`, `<`,
/// `>`, `\`, `^`, `` ` ``, `{`, `|`, `}`, `[`, `]`, `:`), and Unicode whitespace
/// and control characters. Letters of every script are fine: addresses keep them
/// as they are (IRIs), and the sitemap encodes them.
pub(crate) fn unfit_in_path(path: &str) -> Option<char> {
    path.chars().find(|&c| {
        if c.is_ascii() {
            !(c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=@/".contains(c))
        } else {
            c.is_whitespace() || c.is_control()
        }
    })
}

/// What [`encode_for_sitemap`] leaves as it is besides ASCII letters and digits:
/// the characters a path may hold unencoded.
const SITEMAP_PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// A URL path (an output path like `kb/ລະບົບ/`) as the sitemap protocol asks for
/// it: non-ASCII characters percent-encoded as UTF-8. ASCII paths of files with
/// fit names ([`unfit_in_path`]) are returned unchanged.
pub(crate) fn encode_for_sitemap(path: &str) -> Cow<'_, str> {
    utf8_percent_encode(path, SITEMAP_PATH).into()
}

/// Everything but RFC 3986's unreserved characters.
const COMPONENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'$')
    .add(b'%')
    .add(b'&')
    .add(b'\'')
    .add(b'(')
    .add(b')')
    .add(b'*')
    .add(b'+')
    .add(b',')
    .add(b'/')
    .add(b':')
    .add(b';')
    .add(b'<')
    .add(b'=')
    .add(b'>')
    .add(b'?')
    .add(b'@')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}')
    .add(b'!');

/// `text` percent-encoded as one query or path component: everything but RFC
/// 3986's unreserved characters (letters, digits, `-`, `.`, `_`, `~`).
pub(crate) fn encode_component(text: &str) -> String {
    utf8_percent_encode(text, COMPONENT).to_string()
}

/// The parts of a URL template (`https://forms.example/?c={{ customer.id }}`):
/// literal text and the names in `{{ … }}` (trimmed), in order; `Err` with the
/// byte offset of a `{{` that is never closed.
pub(crate) fn template_parts(template: &str) -> Result<Vec<(bool, &str, usize)>, usize> {
    let mut parts = Vec::new();
    let mut rest = template;
    let mut at = 0;
    while let Some(open) = rest.find("{{") {
        if open > 0 {
            parts.push((false, &rest[..open], at));
        }
        let inner = &rest[open + 2..];
        let close = inner.find("}}").ok_or(at + open)?;
        parts.push((true, inner[..close].trim(), at + open));
        let used = open + 2 + close + 2;
        rest = &rest[used..];
        at += used;
    }
    if !rest.is_empty() {
        parts.push((false, rest, at));
    }
    Ok(parts)
}

/// Fills a URL template checked by [`template_parts`]: each `{{ name }}` is
/// `value(name)`, percent-encoded as a query or path component, so no value
/// can add a scheme, a host, a parameter or a fragment.
pub(crate) fn fill_template(template: &str, value: &dyn Fn(&str) -> Option<String>) -> String {
    let Ok(parts) = template_parts(template) else {
        return template.to_string();
    };
    let mut out = String::with_capacity(template.len() + 16);
    for (placeholder, text, _) in parts {
        if placeholder {
            let v = value(text).unwrap_or_default();
            out.push_str(&encode_component(&v));
        } else {
            out.push_str(text);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dangerous_schemes_are_refused_in_every_spelling() {
        for url in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " javascript:alert(1)",
            "\tjavascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "java%09script:alert(1)",
            "java%0Ascript:alert(1)",
            "%6Aavascript:alert(1)",
            "javascript%3Aalert(1)",
            "vbscript:msgbox(1)",
            "data:text/html,<script>alert(1)</script>",
            "DATA:text/html;base64,PHNjcmlwdD4=",
            "file:///etc/passwd",
            "\u{0}javascript:alert(1)",
            "\u{a0}javascript:alert(1)",
            "javascript\\:alert(1)",
            "ftp://example.com/",
        ] {
            assert!(check(url).is_err(), "{url:?} passed");
        }
        assert_eq!(
            check("java%09script:x").unwrap_err().scheme,
            "javascript",
            "the scheme is named as the browser reads it"
        );
    }

    #[test]
    fn safe_urls_pass() {
        for url in [
            "https://example.com/a?b=c:d#e:f",
            "HTTPS://EXAMPLE.COM/",
            "http://example.com",
            "mailto:help@example.com?subject=Hi",
            "tel:+6012345678",
            "../kb/setup/",
            "setup.md#sign-in",
            "#anchor",
            "//cdn.example.com/x.png",
            "/kb/x/",
            "a/b:c",
            "?q=a:b",
            "my%20article.md",
            "ລະບົບ.md",
            "",
        ] {
            assert!(check(url).is_ok(), "{url:?} was refused");
        }
    }

    #[test]
    fn file_names_with_url_syntax_are_unfit() {
        assert_eq!(unfit_in_path("kb/my article"), Some(' '));
        assert_eq!(unfit_in_path("kb/q?x#y"), Some('?'));
        assert_eq!(unfit_in_path("kb/100%"), Some('%'));
        assert_eq!(unfit_in_path("kb/a\u{a0}b"), Some('\u{a0}'));
        assert_eq!(unfit_in_path("kb/set-up_v2.1~(new)"), None);
        assert_eq!(unfit_in_path("kb/ລະບົບ/नमस्ते"), None);
    }

    #[test]
    fn sitemap_paths_are_percent_encoded_utf8() {
        assert_eq!(encode_for_sitemap("kb/setup/"), "kb/setup/");
        assert!(matches!(encode_for_sitemap("kb/setup/"), Cow::Borrowed(_)));
        assert_eq!(encode_for_sitemap("kb/ລະ/"), "kb/%E0%BA%A5%E0%BA%B0/");
        assert_eq!(encode_for_sitemap("kb/a b/"), "kb/a%20b/");
    }
}
