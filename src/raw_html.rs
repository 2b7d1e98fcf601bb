//! Raw HTML written in Markdown: the site's policy for it (`[markdown] raw_html`),
//! the sanitiser that enforces the default policy, and the scan that tells the
//! author what the sanitiser will remove.
//!
//! Every page of a site shares one origin with its customer portals, where an
//! encrypted portal's remembered passphrase is kept, so a `<script>` in an article
//! would run next to it. By default raw HTML is therefore cleaned by `ammonia`
//! (an html5ever-based allow-list sanitiser) down to harmless documentation markup:
//! no scripts, event handlers, `style`, frames, objects, forms, `<base>` or
//! `<meta>`, and links and images only to http(s), mailto, tel or relative
//! addresses. [`scan`] reads the same markup with a small lexer, only to word a
//! warning: what is published is decided by the sanitiser alone.
//!
//! Pure, and only ever called for Markdown that holds raw HTML: pages without any
//! are rendered exactly as before.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use crate::diagnostic::{Code, Diagnostic, Label, SourceFile};

/// What happens to HTML written in Markdown: `[markdown] raw_html` in gangway.toml.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RawHtml {
    /// Cleaned to an allow-list of harmless tags and attributes (the default).
    #[default]
    Sanitise,
    /// Published as written: for sites whose every author may run script on the
    /// site's origin (and so next to its portals).
    Trusted,
    /// Shown as text, as if every `<` had been written `&lt;`.
    Escape,
}

impl RawHtml {
    /// The setting's values as written in gangway.toml.
    pub const CHOICES: &'static str = "\"sanitise\", \"trusted\" or \"escape\"";

    /// Reads a value of `raw_html` (`sanitize` is accepted for `sanitise`).
    pub fn parse(value: &str) -> Option<RawHtml> {
        match value {
            "sanitise" | "sanitize" => Some(RawHtml::Sanitise),
            "trusted" => Some(RawHtml::Trusted),
            "escape" => Some(RawHtml::Escape),
            _ => None,
        }
    }
}

/// Elements kept (with their content). Everything Markdown itself writes is here
/// too, since a page holding raw HTML is cleaned as a whole.
const TAGS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "bdi",
    "bdo",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "input",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "section",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
    "var",
    "wbr",
];

/// Attributes kept on every kept element. `id` and `class` stay so headings keep
/// their anchors and authors can use the theme's classes; neither can run script
/// under the Content-Security-Policy every page carries.
const GENERIC_ATTRIBUTES: &[&str] = &["class", "dir", "id", "lang", "title"];

/// Attributes kept on particular elements.
const TAG_ATTRIBUTES: &[(&str, &[&str])] = &[
    ("a", &["href", "hreflang"]),
    ("blockquote", &["cite"]),
    ("col", &["span"]),
    ("colgroup", &["span"]),
    ("del", &["cite", "datetime"]),
    ("details", &["open"]),
    ("img", &["alt", "height", "loading", "src", "width"]),
    // Task-list check boxes, as Markdown writes them.
    ("input", &["checked", "disabled", "type"]),
    ("ins", &["cite", "datetime"]),
    ("li", &["value"]),
    ("ol", &["reversed", "start", "type"]),
    ("q", &["cite"]),
    ("td", &["colspan", "headers", "rowspan"]),
    ("th", &["abbr", "colspan", "headers", "rowspan", "scope"]),
    ("time", &["datetime"]),
];

/// Attributes holding an address, checked against [`SCHEMES`].
const URL_ATTRIBUTES: &[&str] = &["cite", "href", "src"];

/// The schemes an address in raw HTML may have; relative addresses are kept.
const SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

/// Elements removed together with everything inside them.
const DROPPED_WITH_CONTENT: &[&str] = &["script", "style"];

/// The sanitiser, configured once.
fn sanitiser() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut b = ammonia::Builder::empty();
        b.tags(TAGS.iter().copied().collect::<HashSet<_>>())
            .clean_content_tags(DROPPED_WITH_CONTENT.iter().copied().collect())
            .generic_attributes(GENERIC_ATTRIBUTES.iter().copied().collect())
            .tag_attributes(
                TAG_ATTRIBUTES
                    .iter()
                    .map(|(tag, attrs)| (*tag, attrs.iter().copied().collect()))
                    .collect::<HashMap<_, _>>(),
            )
            .url_schemes(SCHEMES.iter().copied().collect())
            .url_relative(ammonia::UrlRelative::PassThrough)
            .link_rel(None)
            .strip_comments(true)
            // A check box is all an `<input>` may be.
            .attribute_filter(|tag, attr, value| {
                if tag == "input" && attr == "type" && !value.eq_ignore_ascii_case("checkbox") {
                    None
                } else {
                    Some(value.into())
                }
            });
        b
    })
}

/// `html` (a page's rendered Markdown) with everything outside the allow-list removed.
pub(crate) fn sanitise(html: &str) -> String {
    sanitiser().clean(html).to_string()
}

/// Something in raw HTML that [`sanitise`] removes, for the author's warning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Removal {
    /// Byte offset of the tag in the scanned text.
    pub at: usize,
    /// What is removed, in words: "the `<script>` element".
    pub what: String,
}

/// The first thing in the raw HTML `text` that [`sanitise`] would remove, if any.
///
/// A lexer for tags and attributes, not a parser: it only words the warning. It
/// errs towards warning (anything it cannot read as an allowed tag counts).
pub(crate) fn scan(text: &str) -> Option<Removal> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(lt) = memchr(b'<', &bytes[i..]) {
        let at = i + lt;
        let rest = &text[at..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            // Comments are never published; what they hide does not matter. As
            // in HTML, `<!-->` and `<!--->` are whole (empty) comments.
            i = if comment.starts_with('>') {
                at + 5
            } else if comment.starts_with("->") {
                at + 6
            } else {
                comment.find("-->").map_or(bytes.len(), |e| at + 4 + e + 3)
            };
            continue;
        }
        if rest.starts_with("</") {
            i = at + 2;
            continue;
        }
        let name_len = rest[1..]
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b':'))
            .count();
        if name_len == 0 {
            if rest[1..].starts_with(['!', '?']) {
                return Some(Removal {
                    at,
                    what: "a `<!…>` or `<?…>` declaration".into(),
                });
            }
            // A `<` that opens no tag is text.
            i = at + 1;
            continue;
        }
        let tag = rest[1..1 + name_len].to_ascii_lowercase();
        if !TAGS.contains(&tag.as_str()) {
            return Some(Removal {
                at,
                what: format!("the `<{tag}>` element"),
            });
        }
        let (end, removal) = scan_attributes(&tag, &text[at + 1 + name_len..]);
        if let Some(what) = removal {
            return Some(Removal { at, what });
        }
        i = at + 1 + name_len + end;
    }
    None
}

/// Reads the attributes of a `<tag` up to its `>`: how many bytes they take, and
/// the first one the sanitiser removes.
fn scan_attributes(tag: &str, text: &str) -> (usize, Option<String>) {
    let bytes = text.as_bytes();
    let mut i = 0;
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() || bytes[i] == b'>' {
            return (i, None);
        }
        let start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !b"=>/".contains(&bytes[i]) {
            i += 1;
        }
        let name = text[start..i].to_ascii_lowercase();
        let mut value = "";
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i < bytes.len() && bytes[i] == b'=' {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            let quote = bytes.get(i).copied().filter(|q| *q == b'"' || *q == b'\'');
            let value_start = i + usize::from(quote.is_some());
            i = value_start;
            while i < bytes.len()
                && match quote {
                    Some(q) => bytes[i] != q,
                    None => !bytes[i].is_ascii_whitespace() && bytes[i] != b'>',
                }
            {
                i += 1;
            }
            value = &text[value_start..i];
            i += usize::from(quote.is_some() && i < bytes.len());
        }
        if name.is_empty() {
            continue;
        }
        let allowed = GENERIC_ATTRIBUTES.contains(&name.as_str())
            || TAG_ATTRIBUTES
                .iter()
                .any(|(t, attrs)| *t == tag && attrs.contains(&name.as_str()));
        if !allowed {
            return (i, Some(format!("the `{name}` attribute of `<{tag}>`")));
        }
        if URL_ATTRIBUTES.contains(&name.as_str()) && !allowed_url(value) {
            return (
                i,
                Some(format!(
                    "the address `{}` in `<{tag} {name}>`",
                    value.chars().take(40).collect::<String>()
                )),
            );
        }
        if tag == "input" && name == "type" && !value.eq_ignore_ascii_case("checkbox") {
            return (i, Some(format!("`<input type=\"{value}\">`")));
        }
    }
}

/// Is `url` relative or of an allowed scheme? Anything that might be a scheme the
/// lexer cannot read (entities, control characters) counts as not allowed.
fn allowed_url(url: &str) -> bool {
    let url = url.trim_matches(|c: char| c.is_ascii_whitespace() || c.is_ascii_control());
    let end = url.find(['/', '?', '#']).unwrap_or(url.len());
    match url[..end].find(':') {
        None => !url[..end].contains(['&', '\t', '\n', '\r']),
        Some(colon) => SCHEMES.iter().any(|s| url[..colon].eq_ignore_ascii_case(s)),
    }
}

fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|b| *b == needle)
}

/// The warning for raw HTML that the sanitiser changes, at the tag it removes
/// (`at`, a byte offset in `file`).
pub(crate) fn sanitised_warning(file: &Arc<SourceFile>, at: usize, what: &str) -> Diagnostic {
    let end = file.text[at..]
        .find('>')
        .map_or(file.text.len(), |i| at + i + 1)
        .min(at + 200);
    Diagnostic::warning(
        Code::RawHtmlRemoved,
        format!("{what} is removed from this raw HTML when it is published"),
    )
    .at(Label::new(file, at, end))
    .help(
        "raw HTML in Markdown keeps only harmless tags and attributes (docs/security.md); \
         write it in Markdown, or set `[markdown] raw_html = \"trusted\"` in gangway.toml \
         if every author may run script on the site",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn harmless_markup_is_kept() {
        let html = "<details open=\"\"><summary>More</summary><p>Press <kbd>Ctrl</kbd>+<kbd>C</kbd>, \
x<sup>2</sup>, H<sub>2</sub>O, <abbr title=\"Single sign-on\">SSO</abbr>, <mark>new</mark><br>\
<a href=\"https://example.com/a?b=1\">a</a> <a href=\"../kb/x/\">b</a> <a href=\"#top\">c</a> \
<img src=\"/img/a.png\" alt=\"A\"></p></details>";
        assert_eq!(sanitise(html), html);
        assert_eq!(scan(html), None);
    }

    #[test]
    fn scripts_handlers_and_bad_addresses_are_removed_and_found() {
        for (html, found) in [
            ("<script>alert(1)</script>", "`<script>`"),
            ("<img src=x onerror=alert(1)>", "`onerror`"),
            (
                "<a href=\"javascript:alert(1)\">x</a>",
                "javascript:alert(1)",
            ),
            ("<a href=\"JaVaScRiPt:alert(1)\">x</a>", "JaVaScRiPt"),
            ("<a href=\"java\tscript:alert(1)\">x</a>", "java\tscript"),
            ("<a href=\"&#106;avascript:alert(1)\">x</a>", "&#106;"),
            (
                "<iframe src=\"https://example.com\"></iframe>",
                "`<iframe>`",
            ),
            ("<p style=\"color:red\">x</p>", "`style`"),
            ("<svg onload=alert(1)>", "`<svg>`"),
            (
                "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
                "`<math>`",
            ),
            (
                "<form action=\"https://evil.example\"><button>x</button></form>",
                "`<form>`",
            ),
            ("<base href=\"https://evil.example/\">", "`<base>`"),
            (
                "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
                "`<meta>`",
            ),
            ("<object data=\"x.swf\"></object>", "`<object>`"),
            (
                "<input type=\"text\" name=\"q\">",
                "`<input type=\"text\">`",
            ),
            ("<p>x</p><div onclick=\"alert(1)\">", "`onclick`"),
            ("<!--><script>alert(1)</script>-->", "`<script>`"),
        ] {
            let removal = scan(html).unwrap_or_else(|| panic!("nothing found in {html}"));
            assert!(removal.what.contains(found), "{html}: {removal:?}");
            let clean = sanitise(html);
            for live in [
                "<script",
                "onerror",
                "onload",
                "onclick",
                "javascript:",
                "<iframe",
                "style=",
                "<svg",
                "<math",
                "<form",
                "<base",
                "<meta",
                "<object",
                "name=",
            ] {
                assert!(
                    !clean.to_ascii_lowercase().contains(live),
                    "{html} -> {clean}"
                );
            }
        }
    }

    #[test]
    fn settings_are_read() {
        assert_eq!(RawHtml::parse("sanitise"), Some(RawHtml::Sanitise));
        assert_eq!(RawHtml::parse("sanitize"), Some(RawHtml::Sanitise));
        assert_eq!(RawHtml::parse("trusted"), Some(RawHtml::Trusted));
        assert_eq!(RawHtml::parse("escape"), Some(RawHtml::Escape));
        assert_eq!(RawHtml::parse("yes"), None);
    }
}
