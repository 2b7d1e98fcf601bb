//! Every language first class: translations beside the original, fallbacks with a
//! notice, the translation report, per-string playbook fallback, locale formatting,
//! NFC, slug collisions, and `lang`/`hreflang` on every page.

use crate::harness::Site;

/// The test site published in English and Malay.
fn bilingual() -> Site {
    Site::new().edit(
        "gangway.toml",
        "description = ",
        "default_language = \"en\"\nlanguages = [\"en\", \"ms\"]\ndescription = ",
    )
}

/// The source hash the site reports for `original` (taken from an outdated translation's help).
fn current_hash(site: &Site, original: &str) -> String {
    let build = site.build();
    let status = &build.compiled.translations.languages[0];
    status
        .outdated
        .iter()
        .find(|o| o.original == original)
        .map(|o| o.current.clone())
        .unwrap_or_else(|| panic!("no outdated translation of {original}: {status:?}"))
}

#[test]
fn a_missing_translation_falls_back_to_the_original_with_a_notice_in_the_readers_language() {
    let files = bilingual().build().ok();
    let page = files.file("ms/kb/setup/index.html");
    assert!(page.contains("<html lang=\"ms\">"), "{page}");
    assert!(
        page.contains("belum diterjemahkan"),
        "the notice is in Malay"
    );
    assert!(
        page.contains("<article class=\"article\" lang=\"en\">"),
        "the fallback text keeps its own lang"
    );
    assert!(page.contains("Setting up your account"));
    let english = files.file("kb/setup/index.html");
    assert!(!english.contains("notice-untranslated"));
}

#[test]
fn a_translation_beside_the_original_replaces_it_and_links_stay_in_the_language() {
    let site = bilingual()
        .file(
            "content/kb/setup.ms.md",
            "---\ntitle: Menyediakan akaun anda\ntranslation_of: x\n---\n## Log masuk {#sign-in}\nIkut pautan dalam e-mel [ini](setup.md#sign-in).\n",
        )
        .file("content/kb/other.md", "---\ntitle: Other\n---\nSee [setup](setup.md#sign-in).\n");
    let files = site.build().ok();
    let page = files.file("ms/kb/setup/index.html");
    assert!(page.contains("Menyediakan akaun anda"));
    assert!(!page.contains("notice-untranslated"));
    assert!(page.contains("<article class=\"article\" lang=\"ms\">"));
    // The Malay page of the untranslated article links to the Malay page of the translated one.
    let other = files.file("ms/kb/other/index.html");
    assert!(
        other.contains("href=\"../../../ms/kb/setup/#sign-in\""),
        "{other}"
    );
}

#[test]
fn a_folder_per_language_is_the_same_as_a_suffix() {
    let site = bilingual().file(
        "content/ms/kb/setup.md",
        "---\ntitle: Menyediakan akaun\n---\nTeks.\n",
    );
    let page = site.build().file("ms/kb/setup/index.html");
    assert!(page.contains("Menyediakan akaun"));
}

#[test]
fn the_report_lists_missing_and_outdated_translations_per_language() {
    let site = bilingual().file(
        "content/kb/setup.ms.md",
        "---\ntitle: Menyediakan akaun\ntranslation_of: 000000000000\n---\nTeks.\n",
    );
    let build = site.build();
    let ms = &build.compiled.translations.languages[0];
    assert_eq!(ms.lang, "ms");
    assert!(
        ms.missing
            .contains(&"content/faq/reset-password.md".to_string()),
        "{ms:?}"
    );
    assert!(
        ms.missing
            .contains(&"playbooks/onboarding.yaml".to_string()),
        "{ms:?}"
    );
    assert_eq!(ms.outdated.len(), 1);
    assert_eq!(ms.outdated[0].path, "content/kb/setup.ms.md");
    assert_eq!(ms.outdated[0].recorded, "000000000000");
    build.assert_warning("outdated-translation", "content/kb/setup.ms.md", 3);

    // Recording the current hash makes it up to date; changing the original makes it outdated again.
    let hash = current_hash(&site, "content/kb/setup.md");
    let fresh = site.edit("content/kb/setup.ms.md", "000000000000", &hash);
    assert!(
        fresh.build().compiled.translations.languages[0]
            .outdated
            .is_empty()
    );
    let changed = fresh.edit("content/kb/setup.md", "Follow the link", "Open the link");
    assert_eq!(
        changed.build().compiled.translations.languages[0]
            .outdated
            .len(),
        1
    );
}

#[test]
fn playbook_text_falls_back_string_by_string() {
    let site = bilingual()
        .edit(
            "customers/acme.yaml",
            "playbook: onboarding",
            "playbook: onboarding\nlanguage: ms",
        )
        .file(
            "playbooks/onboarding.ms.yaml",
            "title: Orientasi\ntasks:\n  welcome:\n    title: Selamat datang {{ customer.name }}\n",
        );
    let files = site.build().ok();
    // The customer reads Malay at the portal's root.
    let checklist = files.page("portal/acme/checklist/index.html");
    assert!(
        checklist.contains("Selamat datang Acme Corp"),
        "the translated, templated title"
    );
    assert!(
        checklist.contains("lang=\"en\">Set up the account"),
        "the untranslated title, marked English"
    );
    assert!(
        files
            .page("portal/acme/index.html")
            .contains("<html lang=\"ms\">")
    );
    // And English one folder down, through the switcher.
    let english = files.page("portal/acme/en/checklist/index.html");
    assert!(english.contains("Welcome Acme Corp"));
    assert!(english.contains("<html lang=\"en\">"));
}

/// The test site in English, Malay and Lao, its customer reading Malay.
fn trilingual_malay_customer() -> Site {
    Site::new()
        .edit(
            "gangway.toml",
            "description = ",
            "languages = [\"en\", \"ms\", \"lo\"]\ndescription = ",
        )
        .edit(
            "customers/acme.yaml",
            "playbook: onboarding",
            "playbook: onboarding\nlanguage: ms",
        )
}

/// The 1-based line of `path` that holds `needle`.
fn line_of(site: &Site, path: &str, needle: &str) -> usize {
    site.text(path)
        .lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} is not in {path}"))
        + 1
}

/// The languages a portal's switcher offers, in order.
fn switcher_languages(page: &str) -> Vec<String> {
    let Some(start) = page.find("class=\"lang-switch\"") else {
        return Vec::new();
    };
    let nav = &page[start..start + page[start..].find("</nav>").unwrap_or(0)];
    nav.split("hreflang=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap_or(0)].to_string())
        .collect()
}

#[test]
fn a_portal_is_in_the_customers_language_and_the_default_one() {
    let files = trilingual_malay_customer().build().ok();
    for page in ["", "checklist/", "timeline/", "faq/"] {
        assert!(
            files.has(&format!("portal/acme/{page}index.html")),
            "{page}"
        );
        assert!(
            files.has(&format!("portal/acme/en/{page}index.html")),
            "{page}"
        );
        assert!(
            !files.has(&format!("portal/acme/lo/{page}index.html")),
            "{page}"
        );
        assert!(
            !files.has(&format!("portal/acme/ms/{page}index.html")),
            "{page}"
        );
    }
    let overview = files.page("portal/acme/index.html");
    assert!(overview.contains("<html lang=\"ms\">"));
    assert_eq!(switcher_languages(&overview), ["en", "ms"]);
    // The public site is still in every language.
    assert!(files.has("lo/kb/setup/index.html"));
}

#[test]
fn a_portal_in_the_default_language_has_no_switcher() {
    let site =
        trilingual_malay_customer().edit("customers/acme.yaml", "language: ms", "language: en");
    let files = site.build().ok();
    assert!(files.has("portal/acme/checklist/index.html"));
    assert!(!files.has("portal/acme/ms/checklist/index.html"));
    assert!(switcher_languages(&files.page("portal/acme/index.html")).is_empty());
}

#[test]
fn portals_in_every_language_when_the_site_says_so() {
    let site =
        trilingual_malay_customer().append("gangway.toml", "\n[portals]\nlanguages = \"all\"\n");
    let files = site.build().ok();
    assert!(files.has("portal/acme/en/checklist/index.html"));
    assert!(files.has("portal/acme/lo/checklist/index.html"));
    assert_eq!(
        switcher_languages(&files.page("portal/acme/lo/index.html")),
        ["en", "ms", "lo"]
    );
}

#[test]
fn a_customer_lists_the_languages_of_its_portal() {
    let site = trilingual_malay_customer().edit(
        "customers/acme.yaml",
        "language: ms",
        "language: ms\nlanguages: [lo]",
    );
    let files = site.build().ok();
    assert!(files.has("portal/acme/lo/checklist/index.html"));
    assert!(!files.has("portal/acme/en/checklist/index.html"));
    assert_eq!(
        switcher_languages(&files.page("portal/acme/index.html")),
        ["ms", "lo"]
    );
}

#[test]
fn placeholders_are_filled_only_in_the_languages_a_portal_is_published_in() {
    // acme reads Malay (its portal: Malay and English); the Lao title asks for a
    // value acme does not have, which matters only once acme's portal is in Lao.
    let site = trilingual_malay_customer().file(
        "playbooks/onboarding.lo.yaml",
        "title: ການເລີ່ມຕົ້ນ\ntasks:\n  welcome:\n    title: ຍິນດີຕ້ອນຮັບ {{ customer.vars.region }}\n",
    );
    let files = site.build().ok();
    assert!(files.has("portal/acme/en/checklist/index.html"));
    let line = line_of(
        &site,
        "playbooks/onboarding.lo.yaml",
        "customer.vars.region",
    );
    let all = site
        .append("gangway.toml", "\n[portals]\nlanguages = \"all\"\n")
        .build();
    let d = all
        .assert_error("template-error", "playbooks/onboarding.lo.yaml", line)
        .clone();
    assert!(d.message.contains("`acme`"), "{}", d.message);
}

#[test]
fn a_portal_language_the_site_does_not_publish_is_an_error() {
    let site = trilingual_malay_customer().edit(
        "customers/acme.yaml",
        "language: ms",
        "language: ms\nlanguages: [en, kk]",
    );
    let line = line_of(&site, "customers/acme.yaml", "languages:");
    let d = site
        .build()
        .assert_error("invalid-language", "customers/acme.yaml", line)
        .clone();
    assert!(d.message.contains("`kk`"), "{}", d.message);
}

#[test]
fn an_unknown_choice_of_portal_languages_is_an_error() {
    let site =
        trilingual_malay_customer().append("gangway.toml", "\n[portals]\nlanguages = \"every\"\n");
    let line = line_of(&site, "gangway.toml", "\"every\"");
    let d = site
        .build()
        .assert_error("invalid-value", "gangway.toml", line)
        .clone();
    assert!(d.help.as_deref().unwrap_or("").contains("\"all\""));
}

#[test]
fn a_translation_of_an_unknown_task_is_an_error_with_its_place() {
    let site = bilingual().file(
        "playbooks/onboarding.ms.yaml",
        "title: Orientasi\ntasks:\n  welcom:\n    title: Selamat\n",
    );
    site.build()
        .assert_error("unknown-translation-key", "playbooks/onboarding.ms.yaml", 3);
}

#[test]
fn dates_and_numbers_follow_the_customers_language() {
    let nepali = Site::new()
        .edit(
            "gangway.toml",
            "description = ",
            "languages = [\"en\", \"ne\"]\ndescription = ",
        )
        .edit(
            "customers/acme.yaml",
            "playbook: onboarding",
            "playbook: onboarding\nlanguage: ne",
        );
    let overview = nepali.build().ok().page("portal/acme/index.html");
    assert!(overview.contains("डिसेम्बर"), "Nepali month names");
    assert!(overview.contains("२०२६"), "Devanagari digits in dates");
    assert!(!overview.contains("Dec 2026"));

    let chichewa = Site::new()
        .edit(
            "gangway.toml",
            "description = ",
            "languages = [\"en\", \"ny\"]\ndescription = ",
        )
        .edit(
            "customers/acme.yaml",
            "playbook: onboarding",
            "playbook: onboarding\nlanguage: ny",
        );
    let overview = chichewa.build().ok().page("portal/acme/index.html");
    assert!(
        overview.contains("Disembala"),
        "our own Chichewa month names, not a generic form"
    );
    assert!(!overview.contains("M12"));
}

#[test]
fn text_is_normalised_to_nfc_before_links_and_ids_are_compared() {
    // The file name is written decomposed (e + combining acute), the link composed.
    let site = Site::new()
        .file(
            "content/kb/cafe\u{301}.md",
            "---\ntitle: Caf\u{e9}\n---\nText.\n",
        )
        .file(
            "content/kb/menu.md",
            "---\ntitle: Menu\n---\nSee [the café](caf\u{e9}.md).\n",
        );
    let files = site.build().ok();
    assert!(files.has("kb/caf\u{e9}/index.html"), "{:?}", files.paths());
}

#[test]
fn pages_whose_addresses_differ_only_in_case_are_an_error() {
    let site = Site::new().file(
        "content/kb/Setup.md",
        "---\ntitle: Setup again\n---\nText.\n",
    );
    assert!(
        site.build().codes().contains(&"slug-collision"),
        "{}",
        site.build().report()
    );
}

#[test]
fn every_page_has_its_language_and_public_pages_their_alternates() {
    let site = bilingual();
    let files = site.build().ok();
    let mut checked = 0;
    for path in files.paths() {
        if !path.ends_with(".html") {
            continue;
        }
        let page = files.file(path);
        // The dashboard is in the site's default language, private as a portal.
        let in_portal = !files.is_public(path);
        let lang = if path.starts_with("ms/") || (in_portal && path.contains("/ms/")) {
            "ms"
        } else {
            "en"
        };
        assert!(
            page.contains(&format!("<html lang=\"{lang}\">")),
            "{path} should be in {lang}"
        );
        if in_portal {
            assert!(
                !page.contains("hreflang=\"x-default\""),
                "{path}: portals are not announced"
            );
            assert!(page.contains("noindex"), "{path}");
        } else if path != "404.html" && path != "ms/404.html" {
            for alt in [
                "hreflang=\"en\"",
                "hreflang=\"ms\"",
                "hreflang=\"x-default\"",
            ] {
                assert!(page.contains(alt), "{path} lacks {alt}");
            }
        }
        checked += 1;
    }
    assert!(checked > 10, "checked {checked} pages");
}

#[test]
fn the_language_switcher_leads_to_the_same_page() {
    let page = bilingual().build().file("kb/setup/index.html");
    assert!(
        page.contains("href=\"../../ms/kb/setup/\" hreflang=\"ms\" lang=\"ms\""),
        "{page}"
    );
}

/// Every language's A–Z page lists each of its articles, FAQ entries and
/// playbook previews once, under letters that are each shown once, and every
/// public page links to it and carries the search box for its language.
#[test]
fn the_a_to_z_page_lists_every_public_page_of_its_language() {
    let files = Site::example().build().ok();
    let paths = files.paths();
    for prefix in ["", "ms/", "ne/", "kk/", "lo/", "ny/"] {
        let page = files.page(&format!("{prefix}a-z/index.html"));
        let root = if prefix.is_empty() {
            "../".to_string()
        } else {
            format!("../../{prefix}")
        };
        let articles: Vec<&str> = paths
            .iter()
            .filter_map(|p| p.strip_prefix(prefix)?.strip_suffix("index.html"))
            .filter(|p| {
                (p.starts_with("kb/") || p.starts_with("security/") || p.starts_with("playbooks/"))
                    && p.matches('/').count() == 2
            })
            .collect();
        assert!(articles.len() > 10, "{prefix}: {articles:?}");
        // By letter (then by tag, where an article shows once per tag).
        let (letters_part, tags_part) = page.split_once("class=\"a-z-tags\"").unwrap();
        assert!(
            tags_part.contains("<h3 id=\"tag-1\">"),
            "{prefix}a-z: no tags"
        );
        for a in &articles {
            let link = format!("href=\"{root}{a}\"");
            assert_eq!(
                letters_part.matches(&link).count(),
                1,
                "{prefix}a-z: {link}"
            );
        }
        assert!(
            page.contains(&format!("href=\"{root}faq/#")),
            "{prefix}a-z: no FAQ entry"
        );
        let letters: Vec<&str> = page
            .split("<h2 id=\"letter-")
            .skip(1)
            .filter_map(|s| s.split_once('>')?.1.split_once('<').map(|(l, _)| l))
            .collect();
        let mut unique = letters.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), letters.len(), "{prefix}a-z: {letters:?}");
        let home = files.page(&format!("{prefix}index.html"));
        let (up, lang) = match prefix {
            "" => ("", "en"),
            _ => ("../", prefix.trim_end_matches('/')),
        };
        assert!(
            home.contains(&format!("href=\"{up}{prefix}a-z/\"")),
            "{prefix}: no link to the A–Z page"
        );
        assert!(
            home.contains(&format!("data-index=\"{up}search/{lang}/\"")),
            "{prefix}: no search box"
        );
    }
    let sitemap = files.file("sitemap.xml");
    assert!(
        sitemap.contains("/lo/a-z/</loc>"),
        "the A–Z pages are not in the sitemap"
    );
}
