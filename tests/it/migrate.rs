//! Knowledge bases moved from Hugo, Zola and MkDocs (`tests/migrate/`): each builds as
//! its generator wrote it, with their front matter, links and shortcodes; and the
//! keys and links they share with gangway, one at a time.

use std::path::Path;

use crate::harness::Site;

fn fixture(name: &str) -> Site {
    Site::read(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/migrate")
            .join(name),
    )
}

#[test]
fn a_hugo_knowledge_base_builds_without_edits() {
    let build = fixture("hugo").build();
    let files = build.ok();
    // The one shortcode is the only thing reported, where it is written.
    assert_eq!(build.codes(), vec!["shortcode"], "{}", build.report());
    let d = build.assert_warning("shortcode", "content/kb/getting-started.md", 20);
    assert!(d.message.contains("{{< figure"), "{d:?}");
    assert!(
        d.help.as_deref().unwrap_or("").contains("![what it shows]"),
        "{d:?}"
    );

    let page = files.file("kb/getting-started/index.html");
    // Description, Open Graph, last updated (from lastmod), edit link.
    assert!(
        page.contains(
            r#"<meta name="description" content="Create your Acme account and invite your team.">"#
        ),
        "{page}"
    );
    assert!(page.contains(r#"<meta property="og:type" content="article">"#));
    assert!(page.contains(r#"<meta property="og:title" content="Getting started">"#));
    assert!(page.contains(
        r#"<meta property="og:url" content="https://help.acme.example/kb/getting-started/">"#
    ));
    assert!(
        page.contains(r#"Last updated <time datetime="2024-06-12">12 Jun 2024</time>"#),
        "{page}"
    );
    assert!(page.contains(r#"<a href="https://github.com/acme/help/edit/main/content/kb/getting-started.md">Edit this page</a>"#));
    // Hugo's links by address, relative to the page's address.
    assert!(
        page.contains(r#"href="../../kb/single-sign-on/""#),
        "{page}"
    );
    // A link to an earlier address (the slug) leads to the page itself.
    assert!(
        page.contains(r#"href="../../kb/importing-data/#csv-files""#),
        "{page}"
    );
    // A summary stands in for a missing description; an absolute address is made relative.
    let sso = files.file("kb/single-sign-on/index.html");
    assert!(sso.contains(
        r#"<meta name="description" content="Connect Acme to your identity provider.">"#
    ));
    assert!(
        sso.contains(r#"href="../../kb/getting-started/#invite-your-team""#),
        "{sso}"
    );
    // Other pages keep the site's description.
    let home = files.file("index.html");
    assert!(home.contains(r#"<meta name="description" content="Answers about Acme, the shared inbox for support teams.">"#));
    assert!(home.contains(r#"<meta property="og:type" content="website">"#));

    // Aliases and a slug: a redirect page at each, and _redirects.
    for (path, to) in [
        ("docs/getting-started/index.html", "kb/getting-started/"),
        ("start.html", "kb/getting-started/"),
        ("security/sso/index.html", "kb/single-sign-on/"),
        ("kb/import/index.html", "kb/importing-data/"),
    ] {
        let redirect = files.file(path);
        let url = format!("https://help.acme.example/{to}");
        assert!(
            redirect.contains(&format!(
                r#"<meta http-equiv="refresh" content="0; url={url}">"#
            )),
            "{path}: {redirect}"
        );
        assert!(
            redirect.contains(&format!(r#"<link rel="canonical" href="{url}">"#)),
            "{redirect}"
        );
        assert!(
            redirect.contains(&format!(r#"<a href="{url}">"#)),
            "{redirect}"
        );
        assert!(redirect.contains(r#"<meta name="robots" content="noindex">"#));
        assert!(redirect.contains("Content-Security-Policy"));
    }
    let rules = files.file("_redirects");
    assert_eq!(
        rules,
        "/docs/getting-started/ /kb/getting-started/ 301\n\
         /kb/import/ /kb/importing-data/ 301\n\
         /security/sso/ /kb/single-sign-on/ 301\n\
         /start.html /kb/getting-started/ 301\n"
    );
    // The sitemap has each article's last change, and no redirect.
    let sitemap = files.file("sitemap.xml");
    assert!(
        sitemap.contains(
            "<loc>https://help.acme.example/kb/getting-started/</loc><lastmod>2024-06-12</lastmod>"
        ),
        "{sitemap}"
    );
    assert!(sitemap.contains(
        "<loc>https://help.acme.example/kb/importing-data/</loc><lastmod>2024-04-20</lastmod>"
    ));
    assert!(!sitemap.contains("docs/getting-started"));
    // The static picture is published as it was.
    assert!(files.has("images/team.png"));
}

/// The Hugo site's leaf bundle: kb/shared-inbox/index.md is the article at its
/// folder's address, its picture and file beside it.
#[test]
fn a_hugo_leaf_bundle_is_one_article() {
    let build = fixture("hugo").build();
    let files = build.ok();
    let sitemap = files.file("sitemap.xml");
    let bundle = files.file("kb/shared-inbox/index.html");
    assert!(bundle.contains("<title>The shared inbox"), "{bundle}");
    assert!(
        bundle.contains(r#"<img src="../../kb/shared-inbox/inbox.png" alt="The inbox with three conversations" />"#),
        "{bundle}"
    );
    assert!(
        bundle.contains(r#"href="../../kb/getting-started/""#),
        "{bundle}"
    );
    assert!(bundle.contains(r#"href="../../kb/shared-inbox/checklist.txt""#));
    assert!(bundle.contains("edit/main/content/kb/shared-inbox/index.md"));
    assert!(files.has("kb/shared-inbox/inbox.png") && files.has("kb/shared-inbox/checklist.txt"));
    assert!(!files.has("kb/shared-inbox/index/index.html"));
    assert!(sitemap.contains(
        "<loc>https://help.acme.example/kb/shared-inbox/</loc><lastmod>2024-05-02</lastmod>"
    ));
}

#[test]
fn a_zola_knowledge_base_builds_without_edits() {
    let build = fixture("zola").build();
    let files = build.ok();
    assert_eq!(build.codes(), vec!["shortcode"], "{}", build.report());
    let d = build.assert_warning("shortcode", "content/kb/getting-started.md", 21);
    assert!(d.message.contains("youtube(id="), "{d:?}");
    let page = files.file("kb/getting-started/index.html");
    // `@/` links, taxonomies, `updated`.
    assert!(
        page.contains(r#"href="../../kb/single-sign-on/""#),
        "{page}"
    );
    assert!(
        page.contains(r#"href="../../kb/importing-data/#csv-files""#),
        "{page}"
    );
    assert!(
        page.contains("<li>account</li>") && page.contains("<li>setup</li>"),
        "{page}"
    );
    assert!(page.contains(r#"<time datetime="2024-06-12">"#));
    // The section introduction links with `@/` too.
    let kb = files.file("kb/index.html");
    assert!(kb.contains(r#"href="../kb/getting-started/""#), "{kb}");
    // Published in a folder of its host: redirects name it.
    assert_eq!(
        files.file("_redirects"),
        "/help/docs/getting-started/ /help/kb/getting-started/ 301\n\
         /help/kb/import/ /help/kb/importing-data/ 301\n"
    );
    assert!(
        files
            .file("kb/import/index.html")
            .contains("url=https://acme.example/help/kb/importing-data/")
    );
}

#[test]
fn an_mkdocs_knowledge_base_builds_without_edits() {
    let build = fixture("mkdocs").build();
    let files = build.ok();
    assert_eq!(build.codes(), vec!["shortcode"], "{}", build.report());
    let d = build.assert_warning("shortcode", "content/kb/getting-started.md", 19);
    assert!(
        d.help.as_deref().unwrap_or("").contains("copy the text"),
        "{d:?}"
    );
    let page = files.file("kb/getting-started/index.html");
    assert!(
        page.contains(r#"href="../../kb/importing-data/#csv-files""#),
        "{page}"
    );
    assert!(page.contains(
        r#"<meta name="description" content="Create your Acme account and invite your team.">"#
    ));
    // No dates written: no "Last updated", no edit link without `edit_url`.
    assert!(!page.contains("Last updated") && !page.contains("Edit this page"));
    assert!(!files.has("_redirects"));
    // A page without front matter, as MkDocs allows: its first heading is its
    // title, shown once.
    let untitled = files.file("kb/importing-data/index.html");
    assert!(untitled.contains("<title>Importing data"), "{untitled}");
    assert_eq!(
        untitled.matches(">Importing data</h1>").count(),
        1,
        "{untitled}"
    );
    assert!(untitled.contains(r#"id="csv-files""#), "{untitled}");
    // MkDocs' index.md is the folder's section page, titled by its heading, and
    // a link to it leads to the section.
    assert!(
        untitled.contains(r#"Back to the <a href="../../kb/">overview</a>"#),
        "{untitled}"
    );
    let kb = files.file("kb/index.html");
    assert!(
        kb.contains(r#"<h2 id="section-kb-h">Acme Help</h2>"#),
        "{kb}"
    );
    assert!(!files.has("kb/index/index.html"));
}

/// What an `index.md` is depends on its folder: the section (or home) page when
/// other pages share the folder, as MkDocs has it; the article of the folder
/// when it stands alone with its files, as a Hugo leaf bundle.
#[test]
fn an_index_md_is_a_section_page_or_a_leaf_bundle_by_its_folder() {
    let build = Site::new()
        .file(
            "content/index.md",
            "# Welcome\n\nStart in the [guides](guides/index.md).\n",
        )
        .file("content/guides/index.md", "# Guides\n\nHow to use it.\n")
        .file(
            "content/guides/first.md",
            "---\ntitle: First\n---\nSee [the tour](tour/index.md) and [the tour again](../tour/).\n",
        )
        .file(
            "content/guides/tour/index.md",
            "---\ntitle: The tour\n---\n![map](map.png) and [first](../first/).\n",
        )
        .bytes("content/guides/tour/map.png", b"png")
        .build();
    let files = build.ok();
    let home = files.file("index.html");
    assert!(home.contains("<h1>Welcome</h1>"), "{home}");
    assert!(home.contains(r#"href="guides/""#), "{home}");
    let kb = files.file("kb/index.html");
    assert!(
        kb.contains(r#"<h2 id="section-guides-h">Guides</h2>"#),
        "{kb}"
    );
    let first = files.file("guides/first/index.html");
    assert_eq!(
        first.matches(r#"href="../../guides/tour/""#).count(),
        2,
        "{first}"
    );
    let tour = files.file("guides/tour/index.html");
    assert!(
        tour.contains(r#"<img src="../../guides/tour/map.png" alt="map" />"#),
        "{tour}"
    );
    assert!(tour.contains(r#"href="../../guides/first/""#), "{tour}");
    assert!(files.has("guides/tour/map.png"));
    for path in [
        "index/index.html",
        "guides/index/index.html",
        "guides/tour/index/index.html",
    ] {
        assert!(!files.has(path), "{path}");
    }

    // `_index.md` and `index.md` for one folder: one page written twice.
    let build = Site::new()
        .file("content/kb/_index.md", "---\ntitle: Knowledge base\n---\n")
        .file("content/kb/index.md", "# Overview\n")
        .build();
    let d = build.assert_error("duplicate-page", "content/kb/index.md", 1);
    assert!(d.message.contains("`kb/_index`"), "{d:?}");
    assert!(
        d.help
            .as_deref()
            .unwrap_or("")
            .contains("`index.md` is the same page"),
        "{d:?}"
    );
    assert_eq!(build.errors().len(), 1, "{}", build.report());
}

#[test]
fn a_page_without_front_matter_needs_a_first_heading() {
    let build = Site::new()
        .file("content/kb/plain.md", "Just some text.\n\n# Late heading\n")
        .file("content/kb/titled.md", "\n# Titled page #\n\nBody text.\n")
        .file("content/faq/plain.md", "# A question?\n\nAn answer.\n")
        .build();
    let d = build.assert_error("missing-front-matter", "content/kb/plain.md", 1);
    assert!(d.help.as_deref().unwrap_or("").contains("# Title"), "{d:?}");
    build.assert_error("missing-front-matter", "content/faq/plain.md", 1);
    assert_eq!(build.errors().len(), 2, "{}", build.report());
}

#[test]
fn a_page_titled_by_its_first_heading_builds() {
    let build = Site::new()
        .file("content/kb/titled.md", "\n# Titled page #\n\nBody text.\n")
        .build();
    let files = build.ok();
    let page = files.file("kb/titled/index.html");
    assert!(page.contains("<title>Titled page"), "{page}");
    assert!(page.contains("Body text."), "{page}");
    assert!(!page.contains("Titled page #"), "{page}");
}

#[test]
fn links_by_address_that_lead_nowhere_are_reported() {
    let build = Site::new()
        .file(
            "content/kb/other.md",
            "---\ntitle: Other\n---\n[a](../setup/)\n[b](../stup/)\n[c](../setup/#nowhere)\n[d](/kb/nope/)\n[e](@/kb/gone.md)\n[f](../setup/#sign-in)\n",
        )
        .build();
    build.assert_error("broken-link", "content/kb/other.md", 5);
    let d = build.assert_error("broken-anchor", "content/kb/other.md", 6);
    assert!(
        d.help.as_deref().unwrap_or("").contains("#sign-in"),
        "{d:?}"
    );
    build.assert_warning("absolute-link", "content/kb/other.md", 7);
    build.assert_error("broken-link", "content/kb/other.md", 8);
    assert_eq!(build.errors().len(), 3, "{}", build.report());
    let d = build
        .errors()
        .into_iter()
        .find(|d| d.message.contains("../stup/"))
        .expect("the misspelt address");
    assert!(
        d.help.as_deref().unwrap_or("").contains("kb/setup/"),
        "{d:?}"
    );
}

#[test]
fn bad_dates_and_aliases_are_located_errors() {
    let build = Site::new()
        .file(
            "content/kb/other.md",
            "---\ntitle: Other\ndate: 2024-02-30\naliases:\n  - https://old.example/x/\n---\nBody\n",
        )
        .build();
    build.assert_error("invalid-date", "content/kb/other.md", 3);
    build.assert_error("invalid-url", "content/kb/other.md", 5);
    // An alias that falls on a real page is the existing output collision.
    let build = Site::new()
        .file(
            "content/kb/other.md",
            "---\ntitle: Other\naliases: [/kb/setup/]\n---\nBody\n",
        )
        .build();
    let d = build.diagnostic("output-collision");
    assert!(d.message.contains("kb/setup/index.html"), "{d:?}");
}

#[test]
fn toml_front_matter_problems_are_located() {
    let build = Site::new()
        .file(
            "content/kb/other.md",
            "+++\ntitle = \"Other\"\nautor = \"Me\"\n+++\nBody\n",
        )
        .build();
    let d = build.assert_error("unknown-key", "content/kb/other.md", 3);
    assert_eq!(d.message, "unknown key `autor`");
}

/// Issue 23: every problem of a TOML front matter in one run, each at its key
/// (before, only the first was reported).
#[test]
fn every_toml_front_matter_problem_is_reported_in_one_run() {
    let build = Site::new()
        .file(
            "content/kb/other.md",
            "+++\ntitle = \"Other\"\nauthor = \"Me\"\ntoc = true\nweight = \"first\"\n[extra]\nx = 1\n+++\nBody\n",
        )
        .build();
    assert_eq!(build.errors().len(), 4, "{}", build.report());
    build.assert_error("unknown-key", "content/kb/other.md", 3);
    build.assert_error("unknown-key", "content/kb/other.md", 4);
    build.assert_error("wrong-type", "content/kb/other.md", 5);
    build.assert_error("unknown-key", "content/kb/other.md", 6);
}

#[test]
fn an_edit_url_must_say_where_the_path_goes() {
    for (value, code) in [
        ("https://github.com/acme/help/edit/main/", "invalid-value"),
        ("javascript:alert(1)//{path}", "unsafe-url"),
    ] {
        let site = Site::new().append(
            "gangway.toml",
            &format!("\n[content]\nedit_url = \"{value}\"\n"),
        );
        let line = site
            .text("gangway.toml")
            .lines()
            .position(|l| l.starts_with("edit_url"))
            .expect("the line")
            + 1;
        site.build().assert_error(code, "gangway.toml", line);
    }
}

#[test]
fn shortcodes_in_code_are_not_reported_and_placeholders_are_not_shortcodes() {
    let build = Site::new()
        .file(
            "content/kb/other.md",
            "---\ntitle: Other\n---\nHi {{ customer.name }}.\n\n`{{< ref \"x\" >}}`\n\n```\n{% raw %}\n```\n",
        )
        .build();
    assert!(build.diagnostics().is_empty(), "{}", build.report());
}

#[test]
fn the_sitemap_names_the_default_language_as_x_default() {
    let files = Site::example().build().ok();
    let sitemap = files.file("sitemap.xml");
    assert!(
        sitemap.contains(r#"<xhtml:link rel="alternate" hreflang="x-default" href="https://onboarding.northwind.example/kb/account-setup/"/>"#),
        "{sitemap}"
    );
}
