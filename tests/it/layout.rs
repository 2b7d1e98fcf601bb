//! What authors say about the public pages' layout and what the theme makes of it
//! (issue 22): the order of playbooks, the home and FAQ pages' own title and
//! introduction, tables in a scroll region, placeholders on the playbook preview,
//! the portal's furniture.

use crate::harness::*;

/// A second playbook, `alpha`, copied from [`PLAYBOOK`] with another title.
fn with_second_playbook(weights: (&str, &str)) -> Site {
    let alpha = PLAYBOOK.replace(
        "title: Onboarding\n",
        &format!("title: Alpha plan\n{}", weights.1),
    );
    Site::new()
        .edit(
            "playbooks/onboarding.yaml",
            "title: Onboarding\n",
            &format!("title: Onboarding\n{}", weights.0),
        )
        .file("playbooks/alpha.yaml", &alpha)
}

/// Where `needle` first occurs in `page`.
fn at(page: &str, needle: &str) -> usize {
    page.find(needle)
        .unwrap_or_else(|| panic!("`{needle}` is not on the page"))
}

#[test]
fn the_home_page_lists_playbooks_by_weight_then_id() {
    // Without weights: by id (alpha before onboarding).
    let home = with_second_playbook(("", "")).build().page("index.html");
    assert!(
        at(&home, "Alpha plan") < at(&home, ">Onboarding<"),
        "{home}"
    );
    // A lower weight first, whatever the id.
    let home = with_second_playbook(("weight: 1\n", "weight: 2\n"))
        .build()
        .page("index.html");
    assert!(
        at(&home, ">Onboarding<") < at(&home, "Alpha plan"),
        "{home}"
    );
    // Equal weights: by id again.
    let home = with_second_playbook(("weight: 3\n", "weight: 3\n"))
        .build()
        .page("index.html");
    assert!(
        at(&home, "Alpha plan") < at(&home, ">Onboarding<"),
        "{home}"
    );
}

#[test]
fn a_playbook_weight_must_be_a_number() {
    let build = with_second_playbook(("weight: first\n", "")).build();
    build.assert_error_codes(&["wrong-type"]);
}

/// The test site published in English, Malay and Lao, with a home page and an
/// FAQ page of its own, both translated into Malay only.
fn titled_pages() -> Site {
    Site::new()
        .edit(
            "gangway.toml",
            "description = ",
            "default_language = \"en\"\nlanguages = [\"en\", \"ms\", \"lo\"]\ndescription = ",
        )
        .file(
            "content/_index.md",
            "---\ntitle: Welcome aboard\n---\nStart with [setup](kb/setup.md).\n",
        )
        .file(
            "content/_index.ms.md",
            "---\ntitle: Selamat datang\n---\nMula dengan [persediaan](kb/setup.md).\n",
        )
        .file(
            "content/faq/_index.md",
            "---\ntitle: Questions people ask\n---\nAsk **us** anything else.\n",
        )
        .file(
            "content/faq/_index.ms.md",
            "---\ntitle: Soalan yang ditanya\n---\nTanya **kami**.\n",
        )
}

#[test]
fn the_home_page_heading_is_the_title_of_content_index() {
    let files = titled_pages().build().ok();
    let home = files.page("index.html");
    assert!(home.contains("<h1>Welcome aboard</h1>"), "{home}");
    assert!(
        home.contains("<title>Test Portal</title>"),
        "the tab keeps the site title: {home}"
    );
    assert!(home.contains("href=\"kb/setup/\""), "{home}");
    let ms = files.page("ms/index.html");
    assert!(
        ms.contains("<h1>Selamat datang</h1>") && ms.contains("Mula dengan"),
        "{ms}"
    );
    // Lao has no translation: the original's title and text, in the original's language.
    let lo = files.page("lo/index.html");
    assert!(
        lo.contains("<h1><span lang=\"en\">Welcome aboard</span></h1>"),
        "{lo}"
    );
    assert!(
        lo.contains("<html lang=\"lo\">") && lo.contains("lang=\"en\""),
        "{lo}"
    );
}

#[test]
fn without_content_index_the_home_heading_is_the_site_title() {
    let home = Site::new().build().page("index.html");
    assert!(home.contains("<h1>Test Portal</h1>"), "{home}");
}

#[test]
fn the_faq_page_takes_title_and_introduction_from_its_index() {
    let files = titled_pages().build().ok();
    let faq = files.page("faq/index.html");
    assert!(faq.contains("<h1>Questions people ask</h1>"), "{faq}");
    assert!(
        faq.contains("<title>Questions people ask – Test Portal</title>"),
        "{faq}"
    );
    assert!(
        faq.contains("Ask <strong>us</strong> anything else."),
        "{faq}"
    );
    assert!(
        faq.contains("How do I reset my password?"),
        "the entries stay: {faq}"
    );
    let ms = files.page("ms/faq/index.html");
    assert!(
        ms.contains("<h1>Soalan yang ditanya</h1>") && ms.contains("Tanya <strong>kami</strong>."),
        "{ms}"
    );
    // Untranslated: the English title and text, declared English on the Lao page.
    let lo = files.page("lo/faq/index.html");
    assert!(
        lo.contains("<h1 lang=\"en\">Questions people ask</h1>"),
        "{lo}"
    );
    assert!(
        lo.contains("<div class=\"prose intro\" lang=\"en\">"),
        "{lo}"
    );
    // Without the file: the theme's heading, no introduction.
    let plain = Site::new().build().page("faq/index.html");
    assert!(
        plain.contains("<h1>Frequently asked questions</h1>") && !plain.contains("prose intro"),
        "{plain}"
    );
}

#[test]
fn the_faq_index_is_translated_and_tracked_like_any_page() {
    let site = titled_pages().edit(
        "content/faq/_index.ms.md",
        "---\n",
        "---\ntranslation_of: 000000000000\n",
    );
    let build = site.build();
    let d = build.diagnostic("outdated-translation");
    assert!(d.message.contains("faq/_index"), "{}", d.message);
    // A link to the FAQ's index leads to the FAQ page.
    let linked = titled_pages()
        .edit(
            "content/kb/setup.md",
            "Follow the link",
            "See [the FAQ](../faq/_index.md). Follow the link",
        )
        .build()
        .page("kb/setup/index.html");
    assert!(linked.contains("href=\"../../faq/\""), "{linked}");
}

#[test]
fn the_public_preview_says_natural_words_for_a_customers_values_in_each_language() {
    let site = Site::new()
        .edit(
            "gangway.toml",
            "description = ",
            "default_language = \"en\"\nlanguages = [\"en\", \"ms\", \"lo\"]\ndescription = ",
        )
        .edit(
            "playbooks/onboarding.yaml",
            "        duration: 2bd\n",
            "        duration: 2bd\n        description: Ask {{ customer.team.csm.name }} ({{ customer.team.csm.email }}) about {{ customer.vars.plan }}. {{ customer.team.csm.name }}, your customer success manager, will call.\n",
        )
        .append("customers/acme.yaml", "vars:\n  plan: gold\n")
        .file(
            "playbooks/onboarding.ms.yaml",
            r#"
            roles:
              csm: Pengurus kejayaan pelanggan
            tasks:
              welcome:
                title: Selamat datang {{ customer.name }}
            "#,
        );
    let files = site.build().ok();
    let en = files.page("playbooks/onboarding/index.html");
    assert!(en.contains("Welcome your company"), "{en}");
    assert!(
        en.contains("Ask your customer success manager (the email address of your customer success manager) about agreed."),
        "{en}"
    );
    // "Name, your customer success manager," is not said twice in a preview.
    assert!(
        en.contains(" your customer success manager, will call."),
        "{en}"
    );
    assert!(
        !en.contains("manager, your customer success manager"),
        "{en}"
    );
    let ms = files.page("ms/playbooks/onboarding/index.html");
    assert!(ms.contains("Selamat datang syarikat anda"), "{ms}");
    // Lao has no translation: the English text, with English words, marked English.
    let lo = files.page("lo/playbooks/onboarding/index.html");
    assert!(lo.contains("Welcome your company"), "{lo}");
    for page in [&en, &ms, &lo] {
        assert!(!page.contains("[customer."), "a raw placeholder: {page}");
    }
}

#[test]
fn a_table_in_an_article_scrolls_in_a_labelled_region_of_its_own() {
    let table = "\n| Role | Can invite | Can export |\n|---|---|---|\n| Admin | yes | yes |\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";
    let site = Site::new()
        .edit(
            "gangway.toml",
            "description = ",
            "default_language = \"en\"\nlanguages = [\"en\", \"ms\"]\ndescription = ",
        )
        .append("content/kb/setup.md", table);
    let files = site.build().ok();
    let page = files.page("kb/setup/index.html");
    assert!(
        page.contains("<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" aria-label=\"Table 1\"><table>"),
        "{page}"
    );
    assert!(
        page.contains("aria-label=\"Table 2\"><table>")
            && page.matches("</table></div>").count() == 2,
        "{page}"
    );
    // The Malay page shows the English article: the label is in the article's language.
    let ms = files.page("ms/kb/setup/index.html");
    assert!(ms.contains("aria-label=\"Table 1\""), "{ms}");
    let translated = site
        .file(
            "content/kb/setup.ms.md",
            &format!("---\ntitle: Menyediakan akaun\n---\nTeks.\n{table}"),
        )
        .build()
        .page("ms/kb/setup/index.html");
    assert!(
        translated.contains("aria-label=\"Jadual 1\"")
            && translated.contains("aria-label=\"Jadual 2\""),
        "{translated}"
    );
}

#[test]
fn every_page_carries_its_icon_and_no_heading_repeats_its_parent() {
    let files = Site::new()
        .file("content/kb/_index.md", "---\ntitle: Knowledge base\n---\n")
        .build()
        .ok();
    let home = files.page("index.html");
    assert!(
        home.contains("<link rel=\"icon\" href=\"assets/favicon.svg\" type=\"image/svg+xml\">"),
        "{home}"
    );
    assert!(files.has("assets/favicon.svg"));
    let portal = files.page("portal/acme/index.html");
    assert!(
        portal.contains("<link rel=\"icon\" href=\"../../assets/favicon.svg\""),
        "{portal}"
    );
    // The section titled "Knowledge base" is listed under the one heading of that name.
    assert_eq!(home.matches(">Knowledge base</h").count(), 1, "{home}");
    assert!(home.contains("Setting up your account"), "{home}");
}

#[test]
fn the_plan_download_is_in_the_portal_footer_not_its_header() {
    let files = Site::new().build().ok();
    let overview = files.page("portal/acme/index.html");
    let footer = overview.find("<footer").expect("a footer");
    let link = overview.find("plan.json").expect("the plan's link");
    assert!(link > footer, "{overview}");
    assert_eq!(overview.matches("plan.json").count(), 1, "{overview}");
    // The calendar stays at the top, and the footer names the contact for paper.
    assert!(overview.find("calendar.ics").unwrap() < footer);
    assert!(
        overview.contains("class=\"print-only print-contact\">Plan as of"),
        "{overview}"
    );
    assert!(
        overview.contains("Casey Vendor (Customer success manager) · casey@vendor.test"),
        "{overview}"
    );
}

#[test]
fn the_unlock_page_names_the_vendor_the_passphrase_and_whom_to_ask() {
    let files = Site::new()
        .append(
            "customers/acme.yaml",
            "encrypt:\n  passphrase_env: ACME_PASSPHRASE\n",
        )
        .env("ACME_PASSPHRASE", "correct horse battery staple")
        .build()
        .ok();
    let unlock = files.file("portal/acme/index.html");
    assert!(
        unlock.contains("<p class=\"vendor\">Vendor Ltd</p>"),
        "{unlock}"
    );
    assert!(
        unlock.contains("Use the passphrase Vendor Ltd sent you separately from this link."),
        "{unlock}"
    );
    assert!(
        unlock.contains("Lost the passphrase? Ask: <a href=\"mailto:support@vendor.test\">support@vendor.test</a>"),
        "{unlock}"
    );
    assert!(
        unlock.contains("type=\"checkbox\" checked>"),
        "remembered by default: {unlock}"
    );
    assert!(!unlock.contains("Acme"), "the customer stays hidden");
    assert!(
        unlock.contains("<link rel=\"icon\" href=\"./../../assets/favicon.svg\""),
        "{unlock}"
    );
    assert!(
        unlock.contains("<link rel=\"icon\" href=\"./../../assets/favicon.svg\""),
        "{unlock}"
    );
}
