//! Hostile URLs and addresses (issue 17, items 2 and 10): every URL gangway writes
//! passes one scheme allow-list (http, https, mailto, tel, relative), wherever it
//! was written: settings and YAML get a located error, Markdown a located warning
//! and the link published as its text; heading attributes outside the safe set are
//! dropped; content files whose names cannot stand in an address are refused.

use crate::harness::*;

const PB: &str = "playbooks/onboarding.yaml";
const ACME: &str = "customers/acme.yaml";
const ARTICLE_PATH: &str = "content/kb/setup.md";

/// Every spelling of a refused scheme the tests try, as the text of a URL.
const DANGEROUS: [&str; 9] = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java%09script:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "file:///etc/passwd",
    "javascript&#58;alert(1)",
];

/// `url` as a TOML or YAML double-quoted string (the two escape alike here).
fn quoted(url: &str) -> String {
    format!("\"{}\"", url.replace('\t', "\\t"))
}

/// The values of every `href` and `src` attribute in every output file whose
/// scheme is a refused one, as a browser would read it (entities decoded, ASCII
/// whitespace and control characters removed, percent-decoded, lower case).
fn dangerous_attributes(files: &Files) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (path, bytes) in &files.files {
        let text = String::from_utf8_lossy(bytes).to_ascii_lowercase();
        for attr in ["href=", "src="] {
            for (at, _) in text.match_indices(attr) {
                let rest = &text[at + attr.len()..];
                let value = match rest.chars().next() {
                    Some(q @ ('"' | '\'')) => rest[1..].split(q).next().unwrap_or(""),
                    _ => rest.split([' ', '>']).next().unwrap_or(""),
                };
                let decoded = decode_attributes(value)
                    .replace("&#58;", ":")
                    .replace("&#x3a;", ":")
                    .replace("%09", "")
                    .replace("%0a", "")
                    .replace("%3a", ":");
                let read: String = decoded
                    .chars()
                    .filter(|c| !(c.is_ascii_whitespace() || c.is_ascii_control()))
                    .collect();
                if ["javascript:", "vbscript:", "data:", "file:"]
                    .iter()
                    .any(|s| read.starts_with(s))
                {
                    found.push((path.clone(), value.to_string()));
                }
            }
        }
    }
    found
}

#[track_caller]
fn assert_no_dangerous_attributes(files: &Files) {
    let found = dangerous_attributes(files);
    assert!(found.is_empty(), "refused URLs written out: {found:?}");
}

/// Sanity check of the scanner: it finds what it is meant to find.
#[test]
fn the_attribute_scanner_finds_every_spelling() {
    let mut files = Files::default();
    files.files.insert(
        "a.html".into(),
        b"<a href=\"JaVaScRiPt:x\"></a><img src='data:x'><a href=\"java&#x9;script&#58;x\">"
            .to_vec(),
    );
    files
        .files
        .insert("b.html".into(), b"<a href=\"%09javascript:x\">".to_vec());
    assert_eq!(dangerous_attributes(&files).len(), 3);
}

// ---------------------------------------------------------------------------
// Settings: a located error, and `gangway check` fails

/// gangway.toml with `support_url` on line 6 and the feedback `url` on line 8.
fn config(support_url: &str, feedback_url: &str) -> String {
    format!(
        "title = \"T\"\nbase_url = \"https://portal.test\"\n\n[vendor]\nname = \"V\"\nsupport_url = {}\n[feedback]\nurl = {}\n",
        quoted(support_url),
        quoted(feedback_url)
    )
}

/// Regression: `[vendor] support_url = "javascript:…"` was written into the footer of
/// every page, and `[feedback] url` into every portal.
#[test]
fn refused_urls_in_the_settings_are_located_errors() {
    for url in DANGEROUS {
        if url.contains("&#58;") {
            continue; // Not a scheme outside Markdown: a relative address.
        }
        let build = Site::new()
            .file("gangway.toml", &config(url, "https://ok.test/"))
            .build();
        let d = build.assert_error("unsafe-url", "gangway.toml", 6);
        assert_eq!(d.location().map(|l| l.2), Some(15), "{url:?}");
        let build = Site::new()
            .file("gangway.toml", &config("https://ok.test/", url))
            .build();
        build.assert_error("unsafe-url", "gangway.toml", 8);
    }
}

#[test]
fn base_url_must_be_http_or_https() {
    for base in [
        "javascript://x.test/%0Aalert(1)",
        "data:text/html,x",
        "ftp://x.test",
        "https://x.test/\nDisallow: /",
    ] {
        let build = Site::new()
            .edit(
                "gangway.toml",
                "base_url = \"https://portal.test\"",
                &format!("base_url = {}", quoted(&base.replace('\n', "\\n"))),
            )
            .build();
        build.assert_error("invalid-value", "gangway.toml", 2);
    }
}

#[test]
fn gangway_check_exits_1_on_a_refused_url_in_the_settings() {
    let site = Site::new()
        .file(
            "gangway.toml",
            &config("java%09script:alert(document.domain)", "https://ok.test/"),
        )
        .on_disk();
    let run = gangway(site.path(), &["check", "--today", TODAY]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(all.contains("gangway.toml:6:15"), "{all}");
    assert!(all.contains("unsafe-url"), "{all}");
}

#[test]
fn safe_settings_urls_are_written_as_they_are() {
    for url in [
        "https://help.vendor.test/a?b=c",
        "mailto:help@vendor.test",
        "tel:+60123456789",
        "../help/",
    ] {
        let files = Site::new()
            .file("gangway.toml", &config(url, url))
            .build()
            .ok();
        let home = files.page("index.html");
        assert!(home.contains(&format!("href=\"{url}\"")), "{url}: {home}");
    }
}

// ---------------------------------------------------------------------------
// Playbooks and customers: a located error

/// Regression: a task's `links:` accepted any text, so `javascript:` (in any of
/// its spellings) could be written into the checklist.
#[test]
fn refused_urls_in_playbook_and_customer_links_are_located_errors() {
    for url in DANGEROUS {
        if url.contains("&#58;") {
            continue;
        }
        let build = Site::new()
            .edit(
                PB,
                "        duration: 2bd\n",
                &format!(
                    "        duration: 2bd\n        links:\n          - {{ title: Docs, url: {} }}\n",
                    quoted(url)
                ),
            )
            .build();
        let line = PB_LINK_LINE;
        build.assert_error("unsafe-url", PB, line);

        let build = Site::new()
            .append(
                ACME,
                &format!(
                    "extra_tasks:\n  - id: extra\n    phase: start\n    title: Extra\n    owner: csm\n    links:\n      - {{ title: Docs, url: {} }}\n",
                    quoted(url)
                ),
            )
            .build();
        build.assert_error("unsafe-url", ACME, 13);
    }
}

/// The line of the link [`refused_urls_in_playbook_and_customer_links_are_located_errors`]
/// adds to the playbook (after `duration: 2bd` of task `setup`).
const PB_LINK_LINE: usize = 26;

#[test]
fn safe_task_links_are_written_as_they_are() {
    let files = Site::new()
        .edit(
            PB,
            "        duration: 2bd\n",
            "        duration: 2bd\n        links:\n          - { title: Docs, url: \"https://docs.test/a\" }\n          - { title: Mail, url: \"mailto:a@b.test\" }\n          - { title: Call, url: \"tel:+601234\" }\n",
        )
        .build()
        .ok();
    let checklist = files.page("portal/acme/checklist/index.html");
    for url in ["https://docs.test/a", "mailto:a@b.test", "tel:+601234"] {
        assert!(checklist.contains(&format!("href=\"{url}\"")), "{url}");
    }
}

// ---------------------------------------------------------------------------
// Markdown: a located warning, the link published as its text

/// An article with one refused link of each kind, one per line from line 5.
fn hostile_markdown(url: &str) -> String {
    format!(
        "---\ntitle: Setting up\n---\n## Sign in {{#sign-in}}\n[inline link]({url})\n![an image]({url})\n[by reference][r]\n<{url}>\n\n[r]: {url}\n",
        url = if url.contains([' ', '\t', '<', '>']) {
            format!("<{url}>")
        } else {
            url.to_string()
        }
    )
}

/// Regression: Markdown links `javascript:`, `JaVaScRiPt:`, `java%09script:` and
/// `data:text/html` images were written into the page.
#[test]
fn refused_urls_in_articles_are_warned_about_and_written_as_text() {
    for url in DANGEROUS {
        let build = Site::new()
            .file(ARTICLE_PATH, &hostile_markdown(url))
            .build();
        build.assert_warning("unsafe-url", ARTICLE_PATH, 5);
        build.assert_warning("unsafe-url", ARTICLE_PATH, 6);
        build.assert_warning("unsafe-url", ARTICLE_PATH, 7);
        let files = build.ok();
        assert_no_dangerous_attributes(&files);
        let page = files.page("kb/setup/index.html");
        assert!(page.contains("inline link"), "the text stays: {page}");
        assert!(page.contains("an image"), "the alt text stays: {page}");
        assert!(page.contains("by reference"), "{page}");
    }
}

#[test]
fn autolinks_with_a_refused_scheme_are_written_as_text() {
    let build = Site::new()
        .file(
            ARTICLE_PATH,
            "---\ntitle: Setting up\n---\nSee <javascript:alert(1)> and <DATA:text/html,x>.\n",
        )
        .build();
    build.assert_warning("unsafe-url", ARTICLE_PATH, 4);
    assert_no_dangerous_attributes(&build.ok());
}

/// Every place Markdown is written: FAQ answers, section and home text, playbook
/// summaries, phase, task and milestone descriptions, and translations of articles
/// and playbooks. A customer's extra task is data, never Markdown: its text is shown
/// as written, so the link there is text without a warning.
#[test]
fn refused_urls_are_dropped_from_every_kind_of_markdown() {
    let bad = "[x](JaVaScRiPt:alert(1))";
    let build = Site::new()
        .edit(
            "gangway.toml",
            "description =",
            "languages = [\"en\", \"ms\"]\ndescription =",
        )
        .file("content/faq/reset-password.md", &format!("---\nquestion: Reset?\n---\n{bad}\n"))
        .file("content/kb/_index.md", &format!("---\ntitle: KB\n---\n{bad}\n"))
        .file("content/_index.md", &format!("---\ntitle: Home\n---\n{bad}\n"))
        .file("content/kb/setup.ms.md", &format!("---\ntitle: Sediakan\n---\n{bad}\n"))
        .edit(PB, "summary: The short way from signature to go-live.", &format!("summary: \"{bad}\""))
        .edit(PB, "    title: Getting started\n", &format!("    title: Getting started\n    description: \"{bad}\"\n"))
        .edit(PB, "        owner: admin\n", &format!("        owner: admin\n        description: |\n          Intro.\n\n          {bad}\n"))
        .edit(PB, "    title: Go live\n", &format!("    title: Go live\n    description: \"{bad}\"\n"))
        .append(ACME, &format!("extra_tasks:\n  - id: extra\n    phase: start\n    title: Extra\n    owner: csm\n    description: \"{bad}\"\n"))
        .file("playbooks/onboarding.ms.yaml", &format!("title: Orientasi\ntasks:\n  setup:\n    description: \"{bad}\"\n"))
        .build();
    for (path, line) in [
        ("content/faq/reset-password.md", 4),
        ("content/kb/_index.md", 4),
        ("content/_index.md", 4),
        ("content/kb/setup.ms.md", 4),
        (PB, 2),
        (PB, 14),
        (PB, 27),
        (PB, 33),
        ("playbooks/onboarding.ms.yaml", 4),
    ] {
        build.assert_warning("unsafe-url", path, line);
    }
    let files = build.ok().with_portals(&build);
    assert_no_dangerous_attributes(&files);
    // Only the customer's own extra task shows the text, on its portal (`p/`), as text.
    let shown = files.containing("JaVaScRiPt:alert");
    assert!(!shown.is_empty());
    assert!(shown.iter().all(|p| p.starts_with("p/")), "{shown:?}");
    assert!(files.containing("href=\"JaVaScRiPt").is_empty());
}

/// Regression (item 2): a link whose address comes from a customer value only
/// becomes dangerous on that customer's portal. It is refused there, reported once
/// for the text (not once per customer), and the same text keeps a safe value's link.
#[test]
fn a_templated_link_is_checked_after_values_are_filled_in() {
    let customer = |name: &str, url: &str| {
        format!(
            "name: {name}\nplaybook: onboarding\nkickoff: 2026-12-01\nvars:\n  url: {}\nteam:\n  csm: {{ name: Casey, email: casey@vendor.test }}\n  admin: {{ name: Ada, email: ada@acme.test }}\n",
            quoted(url)
        )
    };
    let build = Site::new()
        .edit(
            PB,
            "        owner: admin\n",
            "        owner: admin\n        description: \"See [the console]({{ customer.vars.url }}).\"\n",
        )
        .file(ACME, &customer("Acme", "javascript:alert(document.cookie)"))
        .file("customers/beta.yaml", &customer("Beta", "JaVa%09ScRiPt:alert(1)"))
        .file("customers/gamma.yaml", &customer("Gamma", "https://console.gamma.test/"))
        .build();
    let warnings: Vec<_> = build
        .warnings()
        .into_iter()
        .filter(|d| d.code == "unsafe-url")
        .collect();
    assert_eq!(warnings.len(), 1, "{}", build.report());
    assert_eq!(
        warnings[0].location().map(|l| (l.0, l.1)),
        Some((PB.to_string(), 23))
    );
    assert!(
        !warnings[0].message.contains("alert"),
        "values stay out of reports"
    );
    let files = build.ok().with_portals(&build);
    assert_no_dangerous_attributes(&files);
    let acme = files.page("portal/acme/checklist/index.html");
    assert!(acme.contains("See the console."), "{acme}");
    let gamma = files.page("portal/gamma/checklist/index.html");
    assert!(
        gamma.contains("href=\"https://console.gamma.test/\""),
        "{gamma}"
    );
}

#[test]
fn safe_markdown_links_stay() {
    let files = Site::new()
        .file("content/kb/other.md", "---\ntitle: Other\n---\nOther.\n")
        .file(
            ARTICLE_PATH,
            "---\ntitle: Setting up\n---\n## Sign in {#sign-in}\n\
             [a](https://x.test/a?b=c#d) [b](mailto:help@x.test) [c](tel:+6012345) \
             [d](#sign-in) [e](other.md) [f](../faq/reset-password.md) <https://auto.test/>\n",
        )
        .build()
        .ok();
    let page = files.page("kb/setup/index.html");
    for href in [
        "https://x.test/a?b=c#d",
        "mailto:help@x.test",
        "tel:+6012345",
        "#sign-in",
        "../../kb/other/",
        "../../faq/#reset-password",
        "https://auto.test/",
    ] {
        assert!(page.contains(&format!("href=\"{href}\"")), "{href}: {page}");
    }
}

// ---------------------------------------------------------------------------
// Heading attributes

/// Regression: `{#x" onmouseover=…}` after a heading wrote an event handler.
#[test]
fn heading_attributes_cannot_inject_markup() {
    let build = Site::new()
        .file(
            ARTICLE_PATH,
            "---\ntitle: Setting up\n---\n## Sign in {#sign-in}\n\n## One {#x\" onmouseover=alert(1)}\n\n## Two {.a\"b onclick=alert(2) style=x}\n\n## Three {#ok:1.x .fine_class}\n",
        )
        .build();
    build.assert_warning("unsafe-heading-attribute", ARTICLE_PATH, 6);
    build.assert_warning("unsafe-heading-attribute", ARTICLE_PATH, 8);
    let files = build.ok();
    for needle in ["onmouseover", "onclick", "style=", "a\"b", "a&quot;b"] {
        assert!(
            files.containing(needle).is_empty(),
            "{needle} in {:?}",
            files.containing(needle)
        );
    }
    let page = files.page("kb/setup/index.html");
    assert!(
        page.contains("<h2 id=\"ok:1.x\" class=\"fine_class\">"),
        "{page}"
    );
    assert!(
        page.contains("<h2 id=\"one\">"),
        "the id falls back to the slug: {page}"
    );
}

// ---------------------------------------------------------------------------
// Addresses: file names that are not URLs

/// Regression (item 10): `content/kb/q?x#y.md` was linked as `href="../kb/q?x#y/"`
/// and `my article.md` listed as `<loc>…/kb/my article/</loc>`. Such names are
/// refused, naming the file.
#[test]
fn content_files_whose_names_are_not_addresses_are_refused() {
    for name in [
        "content/kb/my article.md",
        "content/kb/q?x.md",
        "content/kb/a#b.md",
        "content/kb/100%.md",
        "content/kb/shot 1.png",
    ] {
        let build = Site::new()
            .file(name, "---\ntitle: X\n---\nText.\n")
            .build();
        let d = build.assert_error("invalid-file-name", name, 1);
        assert!(d.message.contains(name), "{}", d.message);
    }
    let site = Site::new()
        .file("content/kb/my article.md", "---\ntitle: X\n---\nText.\n")
        .on_disk();
    let run = gangway(site.path(), &["check", "--today", TODAY]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        format!("{}{}", run.stdout, run.stderr).contains("content/kb/my article.md:1:1"),
        "{}",
        run.stderr
    );
}

/// Pages named in other scripts keep their names in links (IRIs) and are listed
/// in the sitemap percent-encoded, as the sitemap protocol asks.
#[test]
fn non_latin_page_names_are_encoded_in_the_sitemap_only() {
    let files = Site::new()
        .file("content/kb/ລະບົບ.md", "---\ntitle: ລະບົບ\n---\nເນື້ອໃນ.\n")
        .file(
            "content/kb/नमस्ते.md",
            "---\ntitle: नमस्ते\n---\n[ລະບົບ](ລະບົບ.md)\n",
        )
        .build()
        .ok();
    let sitemap = files.file("sitemap.xml");
    assert!(
        sitemap.contains(
            "<loc>https://portal.test/kb/%E0%BA%A5%E0%BA%B0%E0%BA%9A%E0%BA%BB%E0%BA%9A/</loc>"
        ),
        "{sitemap}"
    );
    assert!(
        sitemap.contains("<loc>https://portal.test/kb/setup/</loc>"),
        "{sitemap}"
    );
    assert!(sitemap.is_ascii(), "{sitemap}");
    // The theme writes addresses as IRIs; Markdown links are percent-encoded by
    // the Markdown renderer, as before. Both lead to the same page.
    let index = files.page("kb/index.html");
    assert!(index.contains("ລະບົບ/\""), "{index}");
    let page = files.page("kb/नमस्ते/index.html");
    assert!(
        page.contains("href=\"../../kb/%E0%BA%A5%E0%BA%B0%E0%BA%9A%E0%BA%BB%E0%BA%9A/\""),
        "{page}"
    );
}
