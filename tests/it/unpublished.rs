//! Nothing is published that the author did not publish: a link or a task's
//! reference to a draft is an error where it is written (the draft is not on the
//! site, so the link would be dead), and a translation into a language the site
//! does not have is an error at its file, never a page of its own.

use crate::harness::Site;

/// The test site with a draft article `kb/later` and a draft FAQ entry `soon`.
fn with_drafts() -> Site {
    Site::new()
        .file(
            "content/kb/later.md",
            "---\ntitle: Coming later\ndraft: true\n---\n## Soon {#soon}\nNot yet.\n",
        )
        .file(
            "content/faq/soon.md",
            "---\nquestion: When is it ready?\ndraft: true\n---\nSoon.\n",
        )
}

/// Bug: a link to a `draft: true` article passed the link check and published a
/// dead link. Input: `[later](later.md)` in content/kb/setup.md.
#[test]
fn a_link_to_a_draft_article_is_an_error_at_the_link() {
    let build = with_drafts()
        .append(
            "content/kb/setup.md",
            "\nSee [what comes later](later.md#soon).\n",
        )
        .build();
    let d = build.assert_error("link-to-draft", "content/kb/setup.md", 8);
    assert!(
        d.message.contains("content/kb/later.md")
            && d.message.contains("is a draft and is not published"),
        "{d:?}"
    );
    assert_eq!(d.location().map(|l| l.2), Some(5), "at the link itself");
    assert!(build.compiled.files.is_empty());
}

/// Every kind of page that links is checked: an FAQ answer, a section's page, the
/// home page, and a translation; and a link to a draft FAQ entry as well.
#[test]
fn links_to_drafts_from_faq_sections_home_and_translations_are_errors() {
    let site = with_drafts()
        .edit(
            "gangway.toml",
            "description = ",
            "languages = [\"en\", \"ms\"]\ndescription = ",
        )
        .append(
            "content/faq/reset-password.md",
            "\nSee [later](../kb/later.md).\n",
        )
        .file(
            "content/kb/_index.md",
            "---\ntitle: Knowledge base\n---\nStart with [later](later.md).\n",
        )
        .file(
            "content/_index.md",
            "---\ntitle: Home\n---\nAsk [soon](faq/soon.md).\n",
        )
        .file(
            "content/kb/setup.ms.md",
            "---\ntitle: Menyediakan akaun\n---\nLihat [nanti](later.ms.md).\n",
        );
    let build = site.build();
    build.assert_error("link-to-draft", "content/faq/reset-password.md", 5);
    build.assert_error("link-to-draft", "content/kb/_index.md", 4);
    let home = build.assert_error("link-to-draft", "content/_index.md", 4);
    assert!(home.message.contains("content/faq/soon.md"), "{home:?}");
    build.assert_error("link-to-draft", "content/kb/setup.ms.md", 4);
    assert_eq!(build.errors().len(), 4, "{}", build.report());
}

/// A draft may link to another draft (neither is published), and a draft's own
/// page is still checked for dead links; once published, the link is fine.
#[test]
fn drafts_may_link_to_drafts_and_published_pages_to_published_ones() {
    let site = with_drafts().file(
        "content/kb/draft-two.md",
        "---\ntitle: Two\ndraft: true\n---\nAfter [later](later.md), [setup](setup.md).\n",
    );
    let files = site.build().ok();
    assert!(!files.has("kb/later/index.html") && !files.has("kb/draft-two/index.html"));
    let published = with_drafts()
        .edit("content/kb/later.md", "draft: true\n", "")
        .append("content/kb/setup.md", "\nSee [later](later.md).\n");
    assert!(published.build().has("kb/later/index.html"));
}

/// Bug: `guides:` and `faq:` of a task named a draft with "no knowledge-base
/// article", as if it did not exist. Input: `guides: [kb/later]`, `faq: [soon]`.
#[test]
fn a_task_referring_to_a_draft_is_an_error_naming_the_draft() {
    let build = with_drafts()
        .edit(
            "playbooks/onboarding.yaml",
            "guides: [kb/setup]\n        faq: [reset-password]",
            "guides: [kb/setup, later]\n        faq: [reset-password, soon]",
        )
        .build();
    let codes: Vec<&str> = build.errors().iter().map(|d| d.code.as_str()).collect();
    assert_eq!(
        codes,
        ["link-to-draft", "link-to-draft"],
        "{}",
        build.report()
    );
    let guide = build.assert_error("link-to-draft", "playbooks/onboarding.yaml", 18);
    assert!(
        guide.message.contains("content/kb/later.md")
            && guide.message.contains("is a draft and is not published"),
        "{guide:?}"
    );
    let faq = build.assert_error("link-to-draft", "playbooks/onboarding.yaml", 19);
    assert!(faq.message.contains("content/faq/soon.md"), "{faq:?}");
}

/// Bug: `setup.fr.md` on a site without French was published as an article of its
/// own at `/kb/setup.fr/` and listed in the sitemap. It is an error at the file,
/// naming the site's languages.
#[test]
fn a_translation_into_a_language_the_site_lacks_is_an_error_at_its_file() {
    let build = Site::new()
        .file(
            "content/kb/setup.fr.md",
            "---\ntitle: Configurer votre compte\n---\nBonjour.\n",
        )
        .build();
    let d = build.assert_error("invalid-language", "content/kb/setup.fr.md", 1);
    assert!(
        d.message.contains("`fr`") && d.message.contains("(en)"),
        "{d:?}"
    );
    assert!(
        d.help.as_deref().unwrap_or("").contains("languages"),
        "{d:?}"
    );
    assert!(build.compiled.files.is_empty());
    // With French among the languages, it is the French page of `kb/setup`.
    let files = Site::new()
        .edit(
            "gangway.toml",
            "description = ",
            "languages = [\"en\", \"fr\"]\ndescription = ",
        )
        .file(
            "content/kb/setup.fr.md",
            "---\ntitle: Configurer votre compte\n---\nBonjour.\n",
        )
        .build()
        .ok();
    assert!(
        files
            .file("fr/kb/setup/index.html")
            .contains("Configurer votre compte")
    );
    assert!(!files.has("kb/setup.fr/index.html"));
    assert!(!files.file("sitemap.xml").contains("setup.fr"));
}

/// A near miss of a site language is suggested; a region subtag counts too; and
/// the folder layout (`content/fr/kb/setup.md` beside `content/kb/setup.md`) is
/// caught as well.
#[test]
fn unknown_translation_languages_suggest_the_near_one_and_folders_count() {
    let site = Site::new().edit(
        "gangway.toml",
        "description = ",
        "languages = [\"en\", \"ms\"]\ndescription = ",
    );
    let page = "---\ntitle: X\n---\nx\n";
    let build = site.clone().file("content/kb/setup.mz.md", page).build();
    let d = build.assert_error("invalid-language", "content/kb/setup.mz.md", 1);
    assert_eq!(d.help.as_deref(), Some("did you mean `ms`?"), "{d:?}");
    assert!(d.message.contains("(en, ms)"), "{d:?}");
    let build = site.clone().file("content/kb/setup.pt-BR.md", page).build();
    build.assert_error("invalid-language", "content/kb/setup.pt-BR.md", 1);
    let build = site.clone().file("content/fr/kb/setup.md", page).build();
    build.assert_error("invalid-language", "content/fr/kb/setup.md", 1);
}

/// Only a suffix written as a language tag (two or three lowercase letters, with
/// optional `-Script`/`-REGION` subtags) is a language: names that merely hold a
/// dot are articles of their own, as is a folder with no original beside it.
#[test]
fn names_with_dots_that_are_not_language_tags_are_articles() {
    let page = |title: &str| format!("---\ntitle: {title}\n---\nx\n");
    let files = Site::new()
        .file("content/kb/release.2.0.md", &page("Release 2.0"))
        .file("content/kb/api.v2.md", &page("API v2"))
        .file("content/kb/notes.FINAL.md", &page("Final notes"))
        .file("content/id/intro.md", &page("Identity section"))
        .build()
        .ok();
    for path in [
        "kb/release.2.0/index.html",
        "kb/api.v2/index.html",
        "kb/notes.FINAL/index.html",
        "id/intro/index.html",
    ] {
        assert!(files.has(path), "{path} in {:?}", files.paths());
    }
}
