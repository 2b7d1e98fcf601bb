//! Per-page work does not grow with the site: every page is rendered once, every
//! Markdown file parsed once when the site is checked, and every article version
//! rendered to HTML once when its pages are made, at any size (counted, not timed).

use crate::harness::Site;

/// The test site with `n` more articles, each linking to the next, in English and Malay.
fn site_with(n: usize) -> Site {
    let mut site = Site::new().edit(
        "gangway.toml",
        "description = ",
        "languages = [\"en\", \"ms\"]\ndescription = ",
    );
    for i in 0..n {
        let next = (i + 1) % n;
        site = site.file(
            &format!("content/s{}/a{i}.md", i % 7),
            &format!("---\ntitle: Article {i}\n---\n## Part {i}\nSee [the next one](../s{}/a{next}.md).\n", next % 7),
        );
    }
    site
}

fn counts(n: usize) -> (usize, usize, usize, usize, usize) {
    let build = site_with(n).build();
    let files = build.ok();
    let html = files
        .paths()
        .iter()
        .filter(|p| p.ends_with(".html"))
        .count();
    let markdown = site_with(n)
        .tree()
        .under("content/")
        .filter(|(p, _)| p.ends_with(".md"))
        .count();
    let stats = &build.compiled.stats;
    (
        stats.pages_rendered,
        html,
        stats.markdown_parsed,
        markdown,
        stats.markdown_rendered,
    )
}

#[test]
fn every_page_is_rendered_once_and_every_markdown_file_parsed_once_at_any_size() {
    for n in [10, 40] {
        let (rendered, html, parsed, markdown, to_html) = counts(n);
        assert_eq!(rendered, html, "n = {n}: one template render per HTML page");
        assert_eq!(parsed, markdown, "n = {n}: one parse per Markdown file");
        // The added articles are English only and shown on the Malay pages too:
        // their HTML is made once. The test site's own article files are one
        // version each.
        let versions = Site::new()
            .tree()
            .under("content/")
            .filter(|(p, _)| {
                p.ends_with(".md") && !p.starts_with("content/faq/") && !p.contains("/_index.")
            })
            .count();
        assert_eq!(
            to_html,
            n + versions,
            "n = {n}: one HTML render per article version"
        );
    }
    // Four times the articles: four times the article pages, not sixteen.
    let (small, ..) = counts(10);
    let (large, ..) = counts(40);
    let per_article = (large - small) as f64 / 30.0;
    assert!(
        (per_article - 2.0).abs() < 0.01,
        "two pages (en, ms) per extra article, got {per_article}"
    );
}

#[test]
fn a_build_that_lets_its_sources_go_makes_the_same_files() {
    let site = Site::example();
    let options = gangway::BuildOptions::for_tests(jiff::civil::date(2026, 12, 14));
    let whole = gangway::compile(site.tree(), &options);
    let files = std::sync::Mutex::new(Vec::new());
    let consumed = gangway::build::compile_to_consuming(site.tree().clone(), &options, &|f| {
        files.lock().expect("lock").push(f)
    });
    let mut files = files.into_inner().expect("files");
    files.sort_by(|a, b| a.path.cmp(&b.path));
    assert!(!whole.files.is_empty());
    assert_eq!(files, whole.files);
    assert_eq!(consumed.diagnostics, whole.diagnostics);
}

#[test]
fn a_build_that_lets_its_anchors_go_still_reports_a_missing_anchor() {
    // The one-shot build drops every page's anchors before rendering: the links
    // to them are checked before that, the same as in a build that keeps them.
    let site = Site::example().file(
        "content/kb/anchor-check.md",
        "---\ntitle: Anchor check\n---\n\n## Real heading\n\nSee [there](#no-such-heading) and [here](#real-heading).\n",
    );
    let options = site.options();
    let whole = gangway::compile(site.tree(), &options);
    let consumed = gangway::build::compile_to_consuming(site.tree().clone(), &options, &|_| {});
    let missing: Vec<String> = consumed
        .diagnostics
        .iter()
        .map(|d| d.to_string())
        .filter(|d| d.contains("no-such-heading"))
        .collect();
    assert_eq!(missing.len(), 1, "{:?}", consumed.diagnostics);
    assert_eq!(consumed.diagnostics, whole.diagnostics);
}
