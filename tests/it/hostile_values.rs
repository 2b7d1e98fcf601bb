//! Values from customer files are text on every page (issue 17, item 1).
//!
//! A customer puts a hostile payload (HTML, Markdown, Jinja, entities, line breaks
//! followed by block syntax, a lone CR, quotes) in every field: its name, every
//! team member's name, e-mail and phone, every `vars` value, its extra task's
//! title and description, and a progress note. The playbook prints each in
//! titles, descriptions, link text and a condition, in two languages. The same
//! site is built with a plain value in place of the payload, and every written
//! file of the portal must have the same markup (tags and attribute names, in
//! order) either way: no value creates markup. The calendar and `plan.json`
//! must hold the payload itself.

use std::collections::BTreeMap;

use crate::harness::*;

/// A value that is markup, Markdown and a template at once.
const PAYLOAD: &str = "<script>alert(1)</script> \"><img src=x onerror=alert(1)> *bold* \
                       [a](b) {{ 7*7 }} &amp; 'q'\n# heading\n<div>x</div>\r- item";

/// A value that is only text.
const PLAIN: &str = "Plain Value";

/// A link destination from a customer file. Its scheme is the URL allow-list's
/// business; here it is the same in both builds, so only markup made by the other
/// values can tell them apart.
const URL: &str = "javascript:alert(document.domain)";

const PLAYBOOK: &str = r#"
title: Onboarding
summary: For {{ customer.name }}.
roles:
  csm:
    title: Customer success manager
    side: vendor
    contact: true
  admin:
    title: Customer administrator
    side: customer
phases:
  - id: start
    title: Start {{ customer.vars.plan }}
    description: |
      Phase for **{{ customer.name }}**.
    tasks:
      - id: welcome
        title: Welcome {{ customer.name }} {{ customer.team.admin.name }}
        description: |
          Send the sheet to {{ customer.team.admin.name }} ({{ customer.team.admin.email }},
          {{ customer.team.admin.phone }}) about {{ customer.vars.plan }}.

          {{ customer.vars.region }}

          - [{{ customer.name }}](https://example.test/{{ customer.vars.plan }})
          - [the form]({{ customer.vars.url }})
          - {% if customer.vars.plan != '' %}{{ customer.vars.plan|upper }}{% endif %}

          ## About {{ customer.name }}

          <span title="{{ customer.name }}">{{ customer.team.csm.name }}</span>
        owner: admin
      - id: setup
        title: "{{ customer.vars.region }}"
        description: "{{ customer.vars.plan }}"
        owner: csm
        after: [welcome]
        when: "'<' in customer.vars.plan or customer.vars.plan == 'Plain Value'"
milestones:
  - id: live
    title: Live {{ customer.name }}
    description: "{{ customer.name }}"
    after: [setup]
"#;

const TRANSLATION: &str = r#"
title: Orientasi
tasks:
  welcome:
    title: Selamat datang {{ customer.name }}
    description: |
      Hantar kepada *{{ customer.team.admin.name }}*: {{ customer.vars.plan }}
"#;

/// The customer file with `value` in every field; `value` is written as a
/// double-quoted YAML string (JSON's escapes are YAML's).
fn customer(value: &str) -> String {
    let v = serde_json::to_string(value).unwrap();
    let url = serde_json::to_string(URL).unwrap();
    format!(
        "name: {v}\nplaybook: onboarding\nkickoff: 2026-12-01\nteam:\n  \
         csm: {{ name: {v}, email: {v}, phone: {v} }}\n  \
         admin: {{ name: {v}, email: {v}, phone: {v} }}\n\
         vars:\n  plan: {v}\n  region: {v}\n  url: {url}\n\
         progress:\n  welcome: {{ status: blocked, note: {v} }}\n  \
         extra: {{ status: skipped, reason: {v} }}\n\
         extra_tasks:\n  - phase: start\n    id: extra\n    title: {v}\n    \
         description: {v}\n    owner: csm\n"
    )
}

/// The test site in English and Malay, every portal in both, with `value` in
/// every customer field.
fn site(value: &str) -> Site {
    Site::new()
        .edit(
            "gangway.toml",
            "description = ",
            "languages = [\"en\", \"ms\"]\ndescription = ",
        )
        .append("gangway.toml", "\n[portals]\nlanguages = \"all\"\n")
        .file("playbooks/onboarding.yaml", PLAYBOOK)
        .file("playbooks/onboarding.ms.yaml", TRANSLATION)
        .file("customers/acme.yaml", &customer(value))
}

/// The markup of an HTML page without its text and attribute values: each tag's
/// name and attribute names, in order.
fn skeleton(html: &str) -> Vec<String> {
    let mut tags = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        if !rest.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!') {
            continue;
        }
        let mut tag = String::new();
        let mut chars = rest.char_indices().peekable();
        let mut end = rest.len();
        while let Some((i, c)) = chars.next() {
            match c {
                '>' => {
                    end = i + 1;
                    break;
                }
                '"' | '\'' => {
                    // An attribute value: skipped whole.
                    for (_, q) in chars.by_ref() {
                        if q == c {
                            break;
                        }
                    }
                }
                '=' => {
                    // An unquoted attribute value runs to a space or `>`.
                    if chars.peek().is_some_and(|&(_, n)| n != '"' && n != '\'') {
                        while chars
                            .peek()
                            .is_some_and(|&(_, n)| !n.is_whitespace() && n != '>')
                        {
                            chars.next();
                        }
                    }
                    tag.push('=');
                }
                c => tag.push(c),
            }
        }
        tags.push(tag);
        rest = &rest[end..];
    }
    tags
}

/// Every portal file of a build, by path.
fn portal_files(files: &Files) -> BTreeMap<String, String> {
    let dir = files.portal("acme").to_string();
    files
        .files
        .iter()
        .filter(|(path, _)| path.starts_with(&dir))
        .map(|(path, bytes)| (path.clone(), String::from_utf8_lossy(bytes).into_owned()))
        .collect()
}

/// iCalendar text unescaped (RFC 5545, 3.3.11).
fn ics_unescape(value: &str) -> String {
    let mut out = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match (c, c == '\\') {
            (_, true) => match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(c) => out.push(c),
                None => {}
            },
            (c, false) => out.push(c),
        }
    }
    out
}

/// The values of every `name` property of a calendar, unfolded and unescaped.
fn ics_values(ics: &str, name: &str) -> Vec<String> {
    let unfolded = ics.replace("\r\n ", "").replace("\r\n\t", "");
    unfolded
        .split("\r\n")
        .filter_map(|line| line.split_once(':'))
        .filter(|(n, _)| n.split(';').next() == Some(name))
        .map(|(_, v)| ics_unescape(v))
        .collect()
}

/// `page` without the theme's `<script src="…assets/search.js" defer></script>`.
fn without_search_script(page: &str) -> String {
    let end = "assets/search.js\" defer></script>";
    match page.find(end) {
        Some(e) => match page[..e].rfind("<script src=\"") {
            Some(s) => format!("{}{}", &page[..s], &page[e + end.len()..]),
            None => page.to_string(),
        },
        None => page.to_string(),
    }
}

#[test]
fn no_customer_value_creates_markup_on_any_portal_page_in_any_language() {
    let hostile = site(PAYLOAD).build().ok();
    let plain = site(PLAIN).build().ok();
    let hostile_files = portal_files(&hostile);
    let plain_files = portal_files(&plain);
    assert_eq!(
        hostile_files.keys().collect::<Vec<_>>(),
        plain_files.keys().collect::<Vec<_>>()
    );
    assert!(hostile.has("portal/acme/ms/checklist/index.html"));
    let mut pages = 0;
    for (path, text) in &hostile_files {
        if !(path.ends_with(".html") || path.ends_with(".svg")) {
            continue;
        }
        pages += 1;
        assert_eq!(
            skeleton(text),
            skeleton(&plain_files[path]),
            "a value made markup in {path}"
        );
        // The theme's search script is the one script a portal page loads without forms.
        let text = without_search_script(text);
        for markup in [
            "<script",
            "<img",
            "<div>x",
            ">heading</h",
            "<em>bold",
            "href=\"b\"",
        ] {
            assert!(!text.contains(markup), "{markup} in {path}");
        }
        assert!(
            !text.contains("49"),
            "a value was evaluated as a template in {path}"
        );
    }
    assert!(pages >= 8, "{pages} portal pages");
    // The values are there, as text, where the author put them.
    let checklist = hostile.file("portal/acme/checklist/index.html");
    assert!(checklist.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(
        checklist.contains("{{ 7*7 }}"),
        "the Jinja in a value is shown"
    );
    assert!(
        checklist.contains("<strong>"),
        "the author's Markdown is kept"
    );
    let malay = hostile.file("portal/acme/ms/checklist/index.html");
    assert!(
        malay.contains("Hantar kepada <em>&lt;script&gt;"),
        "{malay}"
    );
}

#[test]
fn no_customer_value_reaches_a_public_page() {
    let files = site(PAYLOAD).build().ok();
    for (path, bytes) in &files.files {
        if !files.is_public(path) {
            continue;
        }
        let text = String::from_utf8_lossy(bytes);
        for part in ["alert(1)", "onerror", "7*7"] {
            assert!(!text.contains(part), "{part} in public {path}");
        }
    }
}

#[test]
fn plan_json_holds_every_value_exactly() {
    let files = site(PAYLOAD).build().ok();
    let plan = files.plan("acme");
    assert_eq!(plan.0["customer"], PAYLOAD);
    let welcome = plan.item("welcome");
    assert_eq!(welcome["title"], format!("Welcome {PAYLOAD} {PAYLOAD}"));
    assert_eq!(welcome["note"], PAYLOAD);
    assert_eq!(welcome["owner_name"], PAYLOAD);
    assert_eq!(plan.item("setup")["title"], PAYLOAD);
    assert_eq!(plan.item("extra")["title"], PAYLOAD);
    assert_eq!(plan.item("extra")["note"], PAYLOAD);
    assert_eq!(plan.item("live")["title"], format!("Live {PAYLOAD}"));
}

/// iCalendar text has one kind of line break, so a lone CR in a value is written
/// as a line break.
#[test]
fn the_calendar_holds_every_value_exactly() {
    let files = site(PAYLOAD).build().ok();
    let ics = files.file("portal/acme/calendar.ics");
    let value = PAYLOAD.replace('\r', "\n");
    let summaries = ics_values(&ics, "SUMMARY");
    for title in [
        format!("Welcome {value} {value}"),
        value.clone(),
        format!("Live {value}"),
    ] {
        assert!(summaries.contains(&title), "{title:?} in {summaries:?}");
    }
    let descriptions = ics_values(&ics, "DESCRIPTION");
    // The owner, the note, then (the task being late) its planned and expected dates.
    let welcome = format!("{value} (Customer administrator)\n{value}\nplanned ");
    assert!(
        descriptions.iter().any(|d| d.starts_with(&welcome)),
        "{descriptions:?}"
    );
}

/// A customer file is data: `{{ customer.name }}` in an extra task's title or
/// description is shown as written, and `check` says so where it is written.
#[test]
fn template_syntax_in_a_customers_extra_task_is_shown_as_written_with_a_warning() {
    let build = Site::new()
        .append(
            "customers/acme.yaml",
            "extra_tasks:\n  - id: extra\n    phase: start\n    title: Train {{ customer.name }}\n    owner: csm\n    description: Plain words.\n",
        )
        .build();
    // Line 10: the appended task follows the harness customer's nine lines.
    build.assert_warning("template-in-customer-text", "customers/acme.yaml", 10);
    let files = build.ok().with_portals(&build);
    assert!(!files.containing("Train {{ customer.name }}").is_empty());
}
