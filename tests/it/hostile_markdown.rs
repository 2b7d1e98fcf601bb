//! Raw HTML in Markdown, written as an attacker (or a careless copy and paste)
//! would write it, and the Content-Security-Policy every page carries.
//!
//! Every page shares one origin with the customer portals, where an encrypted
//! portal remembers its passphrase, so by default no raw HTML may become live
//! markup that runs script, changes the page or leaves it (docs/security.md).
//! The tests read the written files: every tag of every page is checked, not
//! only the places the payloads were put.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::Digest;

use crate::harness::*;

/// Payloads, one per paragraph or block. None may survive as live markup.
const HOSTILE: &str = r#"<script>alert('script')</script>

Inline <img src=x onerror="alert('img')"> image.

A <a href="javascript:alert('href')">javascript link</a>, a <a href="JaVaScRiPt:alert(1)">mixed-case one</a>,
an <a href="java&#x09;script:alert(1)">entity one</a> and a <a href="data:text/html,<script>alert(1)</script>">data one</a>.

<iframe src="https://evil.example/"></iframe>

<style>body { display: none }</style>

<svg onload="alert('svg')"><circle r="1"/></svg>

<math><mtext><table><mglyph><style><img src=x onerror=alert('math')></style></mglyph></table></mtext></math>

<div onclick="alert('click')" style="position:fixed">unclosed <b>bold

<!-- a comment --><script>alert('after comment')</script>

<!--><script>alert('abrupt comment')</script>-->

<form action="https://evil.example/"><input type="password" name="p"><button>Go</button></form>

<base href="https://evil.example/">

<meta http-equiv="refresh" content="0;url=https://evil.example/">

<object data="x.swf"></object><embed src="x.swf">

<details ontoggle="alert('toggle')" open><summary>x</summary></details>
"#;

/// Documentation HTML that must survive sanitising as written.
const HARMLESS: &str = r#"<details open=""><summary>More about roles</summary>

Press <kbd>Ctrl</kbd>+<kbd>K</kbd>.

</details>

Water is H<sub>2</sub>O and x<sup>2</sup> grows; <abbr title="Single sign-on">SSO</abbr> is <mark>new</mark>.<br>
See <a href="https://example.com/docs?a=1">the docs</a> or <a href="mailto:help@example.com">write</a>.

<img src="https://example.com/diagram.png" alt="Diagram"> <img src="../img/local.png" alt="Local">

<table><tr><th scope="col">Plan</th><td colspan="2">Enterprise</td></tr></table>
"#;

/// A site with the payloads in an article, a FAQ answer, a section page, the
/// home page, a playbook task's description and a customer's extra task.
fn hostile_site() -> Site {
    let indented = HOSTILE
        .lines()
        .map(|l| format!("          {l}"))
        .collect::<Vec<_>>()
        .join("\n");
    Site::new()
        .file(
            "content/kb/hostile.md",
            &format!("---\ntitle: Hostile\n---\n\n{HOSTILE}"),
        )
        .file(
            "content/faq/hostile.md",
            &format!("---\nquestion: Hostile?\n---\n\n{HOSTILE}"),
        )
        .file(
            "content/kb/_index.md",
            &format!("---\ntitle: Guides\n---\n\n{HOSTILE}"),
        )
        .file(
            "content/_index.md",
            &format!("---\ntitle: Home\n---\n\n{HOSTILE}"),
        )
        .edit(
            "playbooks/onboarding.yaml",
            "        duration: 2bd\n",
            &format!("        duration: 2bd\n        description: |\n{indented}\n"),
        )
        .append(
            "customers/acme.yaml",
            &format!(
                "extra_tasks:\n  - phase: start\n    id: hostile-extra\n    title: Extra\n    owner: admin\n    description: |\n{}\n",
                HOSTILE
                    .lines()
                    .map(|l| format!("      {l}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            ),
        )
}

/// Every start tag in `html`, as (name, [(attribute, value)]), names lower-cased
/// and values with the entities browsers decode in addresses decoded. Text `<`
/// is always written `&lt;`, so every `<` followed by a letter opens an element.
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        if rest.starts_with("!--") {
            rest = rest.find("-->").map_or("", |e| &rest[e + 3..]);
            continue;
        }
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if name.is_empty() {
            continue;
        }
        let end = rest.find('>').unwrap_or(rest.len());
        let inside = &rest[name.len()..end];
        let mut attrs = Vec::new();
        let mut a = inside;
        loop {
            a = a.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
            if a.is_empty() {
                break;
            }
            let n: String = a
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '=')
                .collect();
            a = &a[n.len()..];
            let mut value = String::new();
            if let Some(v) = a.trim_start().strip_prefix('=') {
                let v = v.trim_start();
                let (val, after) = match v.chars().next() {
                    Some(q @ ('"' | '\'')) => {
                        let close = v[1..].find(q).map_or(v.len(), |e| e + 1);
                        (&v[1..close], &v[(close + 1).min(v.len())..])
                    }
                    _ => {
                        let e = v.find(char::is_whitespace).unwrap_or(v.len());
                        (&v[..e], &v[e..])
                    }
                };
                value = decode_attributes(val)
                    .replace("&#x09;", "\t")
                    .replace("&#9;", "\t");
                a = after;
            }
            attrs.push((n.to_ascii_lowercase(), value));
        }
        out.push((name.to_ascii_lowercase(), attrs));
        rest = &rest[end.min(rest.len())..];
    }
    out
}

/// Elements that must never come from Markdown.
const FORBIDDEN: &[&str] = &[
    "script", "style", "iframe", "math", "form", "base", "object", "embed", "frame", "frameset",
];

/// What in `html` is live markup that should not be there: forbidden elements,
/// event handlers, `style` attributes, and script or data addresses.
fn live_markup(html: &str) -> Vec<String> {
    live_markup_beside(html, &CHART)
}

/// `body` without the theme's search form (`<form class="site-search" role="search"`
/// up to its `</form>`) when it is inside the site's header.
fn theme_search_form_left_out(body: &str) -> String {
    let header_end = body
        .find("<header class=\"site-header")
        .and_then(|h| body[h..].find("</header>").map(|e| h + e));
    let form = body.find("<form class=\"site-search\" role=\"search\"");
    match (form, header_end) {
        (Some(start), Some(header_end)) if start < header_end => {
            match body[start..header_end].find("</form>") {
                Some(len) => format!("{}{}", &body[..start], &body[start + len + 7..]),
                None => body.to_string(),
            }
        }
        _ => body.to_string(),
    }
}

/// The classes of the timeline chart's SVG pictures (one per row).
const CHART: [&str; 4] = ["gantt-track", "gantt-track gantt-axis", "marks", "at"];

/// [`live_markup`] on a page whose theme draws the SVG pictures of `pictures`
/// (their classes): the timeline's, or the dashboard's bars too.
fn live_markup_beside(html: &str, pictures: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    // The theme's own <head> holds meta elements; Markdown never reaches it.
    let body = html.find("<body").map_or(html, |i| &html[i..]);
    // Nor the search form in the site's header, the one form public pages have
    // without an endpoint: it is left out, and only it.
    let body = theme_search_form_left_out(body);
    for (name, attrs) in tags(&body) {
        if FORBIDDEN.contains(&name.as_str()) || name == "meta" {
            found.push(format!("<{name}>"));
        }
        // The timeline chart's rows and the dashboard's bars are the only SVG pictures gangway writes.
        if name == "svg"
            && !attrs
                .iter()
                .any(|(a, v)| a == "class" && pictures.contains(&v.as_str()))
        {
            found.push("<svg> that is not the timeline".into());
        }
        for (attr, value) in &attrs {
            if attr.starts_with("on") || attr == "style" {
                found.push(format!("<{name} {attr}>"));
            }
            let address: String = value
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect::<String>()
                .to_ascii_lowercase();
            if ["href", "src", "action", "formaction", "data", "xlink:href"]
                .contains(&attr.as_str())
                && ["javascript:", "data:", "vbscript:"]
                    .iter()
                    .any(|s| address.starts_with(s))
            {
                found.push(format!("<{name} {attr}=\"{value}\">"));
            }
        }
    }
    found
}

#[test]
fn hostile_raw_html_is_never_live_markup_by_default() {
    let build = hostile_site().build();
    let files = build.ok();
    let mut pages = 0;
    for path in files.paths() {
        if !(path.ends_with(".html") || path.ends_with(".svg") || path.ends_with(".xml")) {
            continue;
        }
        // The theme's own files (its icon) are copied as they are; no content reaches them.
        if path.starts_with("assets/") {
            continue;
        }
        pages += 1;
        let pictures: &[&str] = if files.in_dashboard(path) {
            &[
                "gantt-track",
                "gantt-track gantt-axis",
                "marks",
                "at",
                "bar",
            ]
        } else {
            &CHART
        };
        let found = live_markup_beside(&files.file(path), pictures);
        assert!(found.is_empty(), "{path}: {found:?}");
    }
    assert!(pages > 10, "only {pages} pages were checked");
    // The payloads were published somewhere: the text around them is there.
    for (path, what) in [
        ("kb/hostile/index.html", "javascript link"),
        ("faq/index.html", "javascript link"),
        ("index.html", "javascript link"),
        ("playbooks/onboarding/index.html", "javascript link"),
        ("portal/acme/checklist/index.html", "javascript link"),
    ] {
        assert!(files.file(path).contains(what), "{path} lacks {what:?}");
    }
    // The text of removed script elements is removed with them.
    assert!(files.containing("alert('script')").is_empty());
}

#[test]
fn harmless_documentation_html_survives() {
    let page = Site::new()
        .file(
            "content/kb/harmless.md",
            &format!("---\ntitle: Harmless\n---\n\n{HARMLESS}"),
        )
        .build();
    assert!(
        !build_codes(&page).contains(&"raw-html-removed"),
        "{}",
        page.report()
    );
    let html = page.file("kb/harmless/index.html");
    for kept in [
        "<details open=\"\"><summary>More about roles</summary>",
        "<kbd>Ctrl</kbd>+<kbd>K</kbd>",
        "H<sub>2</sub>O and x<sup>2</sup>",
        "<abbr title=\"Single sign-on\">SSO</abbr>",
        "<mark>new</mark>.<br>",
        "<a href=\"https://example.com/docs?a=1\">the docs</a>",
        "<a href=\"mailto:help@example.com\">write</a>",
        "<img src=\"https://example.com/diagram.png\" alt=\"Diagram\">",
        "<img src=\"../img/local.png\" alt=\"Local\">",
        "<th scope=\"col\">Plan</th><td colspan=\"2\">Enterprise</td>",
    ] {
        assert!(html.contains(kept), "{kept} is missing from:\n{html}");
    }
}

fn build_codes(build: &Build) -> Vec<&'static str> {
    build.codes()
}

/// Markdown itself (headings with ids, footnotes, task lists, aligned tables,
/// code) is unchanged on a page that is sanitised because it holds raw HTML.
#[test]
fn markdown_markup_survives_on_a_sanitised_page() {
    let body = "## Roles {#roles}\n\nText[^1] with `code` and [a link](setup.md#sign-in).\n\n- [x] done\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n\n```rust\nfn main() {}\n```\n\n[^1]: The note.\n";
    let plain = Site::new()
        .file("content/kb/x.md", &format!("---\ntitle: X\n---\n{body}"))
        .build()
        .file("kb/x/index.html");
    let with_raw = Site::new()
        .file(
            "content/kb/x.md",
            &format!("---\ntitle: X\n---\n{body}\n<kbd>K</kbd>\n"),
        )
        .build()
        .file("kb/x/index.html");
    let main = |html: &str| {
        let start = html
            .find("<div class=\"prose\">")
            .expect("the article's body");
        html[start..start + html[start..].find("</article>").unwrap()].to_string()
    };
    let (plain, with_raw) = (main(&plain), main(&with_raw));
    for kept in [
        "<h2 id=\"roles\">Roles</h2>",
        "<th class=\"align-left\">a</th><th class=\"align-right\">b</th>",
        "<code class=\"language-rust\">",
        "type=\"checkbox\"",
        "footnote-definition",
        // Links between pages are placed after rendering: sanitising keeps them.
        "<a href=\"../../kb/setup/#sign-in\">a link</a>",
    ] {
        assert!(plain.contains(kept), "{kept} missing from\n{plain}");
        assert!(with_raw.contains(kept), "{kept} missing from\n{with_raw}");
    }
    assert!(!plain.contains("style="), "{plain}");
}

/// One warning per block, at the tag that goes, for Markdown pages and for
/// descriptions in playbooks and customer files.
#[test]
fn removed_html_is_reported_where_it_was_written() {
    let build = hostile_site().build();
    // The article's body starts on line 5 of its file.
    let d = build.assert_warning("raw-html-removed", "content/kb/hostile.md", 5);
    assert_eq!(d.location().map(|(_, _, col)| col), Some(1));
    assert!(d.message.contains("`<script>`"), "{}", d.message);
    let d = build.assert_warning("raw-html-removed", "content/kb/hostile.md", 7);
    assert_eq!(d.location().map(|(_, _, col)| col), Some(8));
    assert!(d.message.contains("onerror"), "{}", d.message);
    // The paragraph with four links, three of them bad, gets one warning.
    let in_article = |line: usize| {
        build
            .warnings()
            .iter()
            .filter(|d| {
                d.code == "raw-html-removed"
                    && d.location()
                        .is_some_and(|(p, l, _)| p == "content/kb/hostile.md" && l == line)
            })
            .count()
    };
    assert_eq!(in_article(9), 1, "{}", build.report());
    assert_eq!(in_article(10), 0, "{}", build.report());
    // The section page, home page and FAQ answer are reported alike.
    for path in [
        "content/kb/_index.md",
        "content/_index.md",
        "content/faq/hostile.md",
    ] {
        build.assert_warning("raw-html-removed", path, 5);
    }
    // A playbook task's description (a block scalar: the column is exact too).
    let d = build.assert_warning("raw-html-removed", "playbooks/onboarding.yaml", 26);
    assert!(d.message.contains("`<script>`"), "{}", d.message);
    let d = build.assert_warning("raw-html-removed", "playbooks/onboarding.yaml", 28);
    assert_eq!(d.location().map(|(_, _, col)| col), Some(11 + 7));
    // A customer's extra task is data, shown as text: nothing is removed from it.
    assert!(
        !build.warnings().iter().any(|d| d.code == "raw-html-removed"
            && d.location()
                .is_some_and(|(p, _, _)| p == "customers/acme.yaml")),
        "{}",
        build.report()
    );
}

#[test]
fn trusted_raw_html_is_published_as_written() {
    let build = hostile_site()
        .append("gangway.toml", "\n[markdown]\nraw_html = \"trusted\"\n")
        .build();
    assert!(!build.codes().contains(&"raw-html-removed"));
    let html = build.file("kb/hostile/index.html");
    assert!(html.contains("<script>alert('script')</script>"), "{html}");
    assert!(html.contains("<iframe src=\"https://evil.example/\"></iframe>"));
}

#[test]
fn escaped_raw_html_is_shown_as_text() {
    let build = hostile_site()
        .append("gangway.toml", "\n[markdown]\nraw_html = \"escape\"\n")
        .build();
    let html = build.file("kb/hostile/index.html");
    assert!(
        html.contains("&lt;script&gt;alert('script')&lt;/script&gt;"),
        "{html}"
    );
    assert!(live_markup(&html).is_empty(), "{:?}", live_markup(&html));
}

#[test]
fn an_unknown_raw_html_setting_is_a_located_error() {
    let build = Site::new()
        .append("gangway.toml", "\n[markdown]\nraw_html = \"allow\"\n")
        .build();
    let d = build.assert_error("invalid-value", "gangway.toml", 13);
    assert!(d.help.as_deref().unwrap_or("").contains("trusted"), "{d:?}");
}

/// The example site, with one encrypted portal so its unlock pages are checked too.
fn example_with_unlock_pages() -> Files {
    Site::example()
        .append(
            "customers/mekong-freight.yaml",
            "encrypt:\n  passphrase_env: MEKONG_PASSPHRASE\n",
        )
        .env("MEKONG_PASSPHRASE", "correct horse battery staple")
        .build()
        .ok()
}

const META: &str = "<meta http-equiv=\"Content-Security-Policy\" content=\"";

/// The policy a page's `<meta>` states, decoded.
fn meta_policy(html: &str) -> Option<String> {
    let start = html.find(META)? + META.len();
    let end = start + html[start..].find('"')?;
    Some(decode_attributes(&html[start..end]).replace("&#39;", "'"))
}

#[test]
fn every_page_carries_the_policy_and_every_inline_script_is_allowed_by_hash() {
    let files = example_with_unlock_pages();
    let headers = files.file("_headers");
    let header = headers
        .lines()
        .find_map(|l| l.trim().strip_prefix("Content-Security-Policy: "))
        .expect("a Content-Security-Policy header");
    assert!(header.contains("frame-ancestors 'none'"), "{header}");
    let mut unlock_pages = 0;
    for path in files.paths() {
        if !path.ends_with(".html") {
            continue;
        }
        let html = files.file(path);
        let policy = meta_policy(&html).unwrap_or_else(|| panic!("{path} has no policy"));
        let head_end = html.find("</head>").expect("a head");
        let meta_at = html.find(META).unwrap();
        assert!(meta_at < head_end, "{path}: the policy is not in <head>");
        for before in ["<link", "<style", "<script"] {
            assert!(
                html[..meta_at].find(before).is_none(),
                "{path}: {before} comes before the policy"
            );
        }
        assert!(policy.contains("default-src 'none'"), "{path}: {policy}");
        assert!(!policy.contains("unsafe-inline"), "{path}: {policy}");
        // Every inline script and style element is allowed by its hash, in the
        // meta and in the header; data blocks (`type="application/json"`) never run.
        for (open, close, directive) in [
            ("<script", "</script>", "script-src"),
            ("<style", "</style>", "style-src"),
        ] {
            let mut rest = html.as_str();
            while let Some(i) = rest.find(open) {
                let tag_end = i + rest[i..].find('>').unwrap() + 1;
                let tag = &rest[i..tag_end];
                let body_end = tag_end + rest[tag_end..].find(close).unwrap();
                let body = &rest[tag_end..body_end];
                rest = &rest[body_end..];
                if tag.contains("src=") || tag.contains("application/json") {
                    continue;
                }
                let hash = format!(
                    "'sha256-{}'",
                    STANDARD.encode(sha2::Sha256::digest(body.as_bytes()))
                );
                for (whose, p) in [("meta", policy.as_str()), ("header", header)] {
                    let allowed = p
                        .split(';')
                        .map(str::trim)
                        .find(|d| d.starts_with(directive))
                        .is_some_and(|d| d.split(' ').any(|s| s == hash));
                    assert!(
                        allowed,
                        "{path}: inline {open}> {hash} not in the {whose} policy"
                    );
                }
                unlock_pages += 1;
            }
        }
        for (name, attrs) in tags(&html) {
            for (attr, _) in attrs {
                assert!(
                    !(attr.starts_with("on") || attr == "style"),
                    "{path}: <{name} {attr}> is inline script or style"
                );
            }
        }
    }
    assert!(unlock_pages > 0, "no unlock page was checked");
}

#[test]
fn sites_add_sources_to_the_policy_and_bad_ones_are_located_errors() {
    let build = Site::new()
        .append(
            "gangway.toml",
            "\n[security.csp]\nscript-src = [\"https://stats.example.com\"]\nconnect-src = [\"https://stats.example.com\"]\n",
        )
        .build();
    let policy = meta_policy(&build.file("index.html")).unwrap();
    assert!(
        policy.contains("script-src 'self' https://stats.example.com;"),
        "{policy}"
    );
    assert!(build.file("_headers").contains("https://stats.example.com"));

    let build = Site::new()
        .append(
            "gangway.toml",
            "\n[security.csp]\nscript-src = [\"https://a.example; script-src *\"]\n",
        )
        .build();
    build.assert_error("invalid-value", "gangway.toml", 13);
    let build = Site::new()
        .append("gangway.toml", "\n[security.csp]\nsript-src = []\n")
        .build();
    let d = build.assert_error("invalid-value", "gangway.toml", 13);
    assert!(
        d.help.as_deref().unwrap_or("").contains("`script-src`"),
        "{d:?}"
    );
}

/// Pages without raw HTML are not sanitised: the example site (which has none)
/// is written byte for byte the same whatever `raw_html` says.
#[test]
fn a_site_without_raw_html_is_the_same_under_every_setting() {
    let site = Site::example();
    let default = site.build().ok();
    for setting in ["trusted", "escape"] {
        let other = site
            .clone()
            .append(
                "gangway.toml",
                &format!("\n[markdown]\nraw_html = \"{setting}\"\n"),
            )
            .build()
            .ok();
        assert_eq!(default.paths(), other.paths());
        for path in default.paths() {
            assert!(
                default.bytes(path) == other.bytes(path),
                "{path} differs under raw_html = {setting}"
            );
        }
    }
}
