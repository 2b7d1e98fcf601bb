//! What must never be published: internal tasks, customers' `notes:`, and
//! anything about one customer outside that customer's portal.
//!
//! Checked on the example site at the root of the repository, with marker
//! strings planted in every place that must stay private, and on the real
//! data of the example (every internal task, every line of every `notes:`,
//! every customer's name and people).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use serde_json::Value;

use crate::harness::*;

/// Strings planted in private places; none may appear in any output file.
const INTERNAL_TITLE: &str = "PRIVATE-MARKER-internal-title-7f3a";
const INTERNAL_DESCRIPTION: &str = "PRIVATE-MARKER-internal-description-7f3a";
const INTERNAL_EXTRA: &str = "PRIVATE-MARKER-internal-extra-task-7f3a";
const INTERNAL_NOTE: &str = "PRIVATE-MARKER-progress-note-of-internal-task-7f3a";
const NOTES: &str = "PRIVATE-MARKER-customer-notes-7f3a";
const MARKERS: [&str; 5] = [
    INTERNAL_TITLE,
    INTERNAL_DESCRIPTION,
    INTERNAL_EXTRA,
    INTERNAL_NOTE,
    NOTES,
];

/// The example site as it is, and its output: built once for every test here.
fn example() -> &'static (Site, Files) {
    static EXAMPLE: OnceLock<(Site, Files)> = OnceLock::new();
    EXAMPLE.get_or_init(|| {
        let site = Site::example();
        let files = site.build().ok();
        (site, files)
    })
}

/// [`example_with_markers`] and its output, built once.
fn marked() -> &'static (Site, Files) {
    static MARKED: OnceLock<(Site, Files)> = OnceLock::new();
    MARKED.get_or_init(|| {
        let site = example_with_markers();
        let files = site.build().ok();
        (site, files)
    })
}

/// The example site with markers planted:
/// - an internal task opening the first phase of `playbooks/base.yaml`, which
///   every other example playbook extends, that a visible task waits for;
/// - the marker in the `notes:` of every example customer;
/// - a new customer `privacy-probe` with notes, an internal extra task, and a
///   progress note on an internal task.
fn example_with_markers() -> Site {
    let mut site = Site::example();
    let base = site.text("playbooks/base.yaml");
    let at = base
        .find("    tasks:\n")
        .expect("base.yaml has a phase with tasks")
        + "    tasks:\n".len();
    let probe = format!(
        "      - id: probe-internal\n        title: \"{INTERNAL_TITLE}\"\n        description: |\n          {INTERNAL_DESCRIPTION}\n        owner: csm\n        internal: true\n      - id: probe-visible\n        title: Visible task after an internal one\n        owner: csm\n        after: [probe-internal]\n"
    );
    site = site.file(
        "playbooks/base.yaml",
        &format!("{}{probe}{}", &base[..at], &base[at..]),
    );

    let customers: Vec<String> = site
        .tree()
        .under("customers/")
        .map(|(p, _)| p.to_string())
        .collect();
    assert!(customers.len() >= 2, "the example site has customers");
    for path in customers {
        let text = site.text(&path);
        let text = match text.find("notes: |\n") {
            Some(i) => format!(
                "{}notes: |\n  {NOTES}\n{}",
                &text[..i],
                &text[i + "notes: |\n".len()..]
            ),
            None => format!("{text}notes: {NOTES}\n"),
        };
        site = site.file(&path, &text);
    }

    site.file(
        "customers/privacy-probe.yaml",
        &format!(
            r#"
            name: Probe Holdings
            playbook: base
            kickoff: 2026-12-01
            team:
              csm: {{ name: Probe Contact, email: probe.contact@northwind.example }}
              admin: {{ name: Quentin Quill, email: quentin@probe-holdings.example }}
            progress:
              probe-internal: {{ status: blocked, note: "{INTERNAL_NOTE}" }}
            extra_tasks:
              - phase: welcome
                id: probe-extra
                title: "{INTERNAL_EXTRA}"
                description: "{INTERNAL_EXTRA}"
                owner: csm
                internal: true
            notes: |
              {NOTES}
            "#
        ),
    )
}

#[test]
fn internal_tasks_and_notes_appear_in_no_output_file() {
    let (_, files) = marked();
    assert!(files.has("portal/privacy-probe/plan.json"));
    assert!(files.plan("privacy-probe").find("probe-visible").is_some());
    for marker in MARKERS {
        assert_eq!(
            files.containing(marker),
            Vec::<&str>::new(),
            "{marker} was published"
        );
    }
}

#[test]
fn internal_task_ids_appear_in_no_plan_calendar_or_page() {
    let (_, files) = marked();
    for id in ["probe-internal", "probe-extra"] {
        assert_eq!(
            files.containing(id),
            Vec::<&str>::new(),
            "{id} was published"
        );
    }
    let plan = files.plan("privacy-probe");
    assert_eq!(plan.after("probe-visible"), Vec::<&str>::new());
}

/// Every YAML file under `folder`, parsed, by file stem.
fn parsed(site: &Site, folder: &str) -> BTreeMap<String, Value> {
    site.tree()
        .under(folder)
        .filter(|(p, _)| p.ends_with(".yaml"))
        .map(|(p, bytes)| {
            let text = std::str::from_utf8(bytes).expect("UTF-8");
            let value: Value = serde_saphyr::from_str(text).expect("valid YAML");
            let stem = p[folder.len()..].trim_end_matches(".yaml").to_string();
            (stem, value)
        })
        .collect()
}

fn list(value: &Value) -> impl Iterator<Item = &Value> {
    value.as_array().into_iter().flatten()
}

#[test]
fn the_examples_own_internal_tasks_appear_in_no_output_file() {
    let (site, files) = example();
    let mut checked = 0;
    let mut tasks: Vec<Value> = Vec::new();
    for playbook in parsed(site, "playbooks/").values() {
        for phase in list(&playbook["phases"]) {
            tasks.extend(list(&phase["tasks"]).cloned());
        }
    }
    for customer in parsed(site, "customers/").values() {
        tasks.extend(list(&customer["extra_tasks"]).cloned());
    }
    for task in tasks.iter().filter(|t| t["internal"] == true) {
        let title = task["title"].as_str().expect("a title");
        if !title.contains("{{") {
            assert_eq!(files.containing(title), Vec::<&str>::new(), "{title}");
            checked += 1;
        }
        let id = task["id"].as_str().expect("an id");
        // `.ics`: the calendar of everything and each role's own.
        for (path, needle) in [
            ("plan.json", format!("\"{id}\"")),
            (".ics", format!("-{id}@")),
            ("checklist/index.html", format!("task-{id}\"")),
        ] {
            let leaks: Vec<&str> = files
                .containing(&needle)
                .into_iter()
                .filter(|p| p.ends_with(path))
                .collect();
            assert_eq!(leaks, Vec::<&str>::new(), "internal task `{id}` in {path}");
        }
    }
    assert!(checked > 0, "the example site has internal tasks to check");
}

#[test]
fn no_line_of_any_customers_notes_appears_in_any_output_file() {
    let (site, files) = example();
    let mut lines: Vec<String> = Vec::new();
    for customer in parsed(site, "customers/").values() {
        if let Some(notes) = customer["notes"].as_str() {
            lines.extend(
                notes
                    .lines()
                    .map(str::trim)
                    .filter(|l| l.len() >= 20)
                    .map(String::from),
            );
        }
    }
    assert!(!lines.is_empty(), "the example site has notes to check");
    let needles: Vec<&str> = lines.iter().map(String::as_str).collect();
    for (line, paths) in files.containing_each(&needles) {
        assert_eq!(paths, Vec::<&str>::new(), "notes published: {line}");
    }
}

/// The privacy checks above are only as good as the search they use.
#[test]
fn the_many_strings_search_finds_what_the_one_string_search_finds() {
    let files = Site::new().build().ok();
    let needles = [
        "Acme Corp",
        "ada@acme.test",
        "<html",
        "Go live",
        "é",
        "no such text anywhere",
        "p/",
    ];
    let each = files.containing_each(&needles);
    for needle in needles {
        assert_eq!(each[needle], files.containing(needle), "{needle}");
    }
    assert!(!each["Acme Corp"].is_empty());
}

/// Every value in `gangway.toml` is public (the vendor's support address may
/// also fill a role in a customer's team).
fn public_strings(site: &Site) -> BTreeSet<String> {
    let config = site.text("gangway.toml");
    config
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

#[test]
fn customer_names_and_people_appear_only_in_their_own_portals() {
    let (site, files) = marked();
    let public = public_strings(site);
    // Who may show each string: the customers that name it.
    let mut owners: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    // What the vendor's dashboard may show besides: each customer's name and
    // its owner (the example's playbooks make `csm` the vendor-side contact).
    // Nobody else of a customer's team, unless they signed a report.
    let mut on_dashboard: BTreeSet<String> = BTreeSet::new();
    for (id, customer) in parsed(site, "customers/") {
        let name = customer["name"].as_str().expect("a name").to_string();
        on_dashboard.insert(name.clone());
        for key in ["name", "email"] {
            if let Some(s) = customer["team"]["csm"][key].as_str() {
                on_dashboard.insert(s.to_string());
            }
        }
        // And who reported, approved or acknowledged a task from the portal (`by`),
        // beside the report it signs.
        for entry in customer["progress"]
            .as_object()
            .into_iter()
            .flat_map(|p| p.values())
        {
            if let Some(by) = entry["by"].as_str() {
                on_dashboard.insert(by.to_string());
            }
        }
        owners.entry(name).or_default().insert(id.clone());
        for person in customer["team"]
            .as_object()
            .into_iter()
            .flat_map(|t| t.values())
        {
            for key in ["name", "email", "phone"] {
                if let Some(s) = person[key].as_str() {
                    owners.entry(s.to_string()).or_default().insert(id.clone());
                }
            }
        }
    }
    assert!(owners.len() > 10, "the example site has people to check");
    let mut needles: Vec<String> = Vec::new();
    for text in owners.keys().filter(|t| !public.contains(*t)) {
        needles.push(text.clone());
        let escaped = text.replace('&', "&amp;").replace('\'', "&#x27;");
        if escaped != *text {
            needles.push(escaped);
        }
    }
    let needles: Vec<&str> = needles.iter().map(String::as_str).collect();
    for (needle, paths) in files.containing_each(&needles) {
        let text = needle.replace("&amp;", "&").replace("&#x27;", "'");
        let customers = &owners[&text];
        for path in paths {
            assert!(
                customers.iter().any(|c| files.in_portal(path, c))
                    || (files.in_dashboard(path) && on_dashboard.contains(&text)),
                "{text:?} (of {customers:?}) is in {path}"
            );
        }
    }
}

#[test]
fn public_pages_and_the_sitemap_never_lead_to_a_portal() {
    let (_, files) = marked();
    assert!(files.portals.len() >= 2);
    let dashboard = files.dashboard();
    let dashboard_token = dashboard.trim_start_matches("p/").trim_end_matches('/');
    for path in files.paths() {
        if !files.is_public(path) {
            continue;
        }
        let text = decode_attributes(&String::from_utf8_lossy(&files.files[path]));
        for (customer, dir) in &files.portals {
            let token = dir.trim_start_matches("p/").trim_end_matches('/');
            assert!(
                !text.contains(token),
                "{path} leads to the portal of {customer}"
            );
        }
        assert!(
            !text.contains(dashboard_token),
            "{path} leads to the dashboard"
        );
    }
    let sitemap = files.file("sitemap.xml");
    assert!(sitemap.contains("<loc>https://onboarding.northwind.example/kb/"));
    assert!(!sitemap.contains("/p/"), "{sitemap}");
    assert!(!sitemap.contains(dashboard_token), "{sitemap}");
    assert!(files.has("robots.txt"));
}

#[test]
fn portal_pages_ask_not_to_be_indexed_and_public_pages_do_not() {
    let files = Site::new().build().ok();
    for path in files.paths().into_iter().filter(|p| p.ends_with(".html")) {
        let noindex = files
            .file(path)
            .contains(r#"<meta name="robots" content="noindex"#);
        assert_eq!(noindex, !files.is_public(path), "{path}");
    }
}

#[test]
fn a_customers_portal_is_written_under_its_own_folder_only() {
    let files = Site::new()
        .file(
            "customers/other.yaml",
            "name: Other Org\nplaybook: onboarding\nkickoff: 2026-12-01\nteam:\n  csm: { name: Casey Vendor }\n  admin: { name: Olive Other, email: olive@other.test }\n",
        )
        .build()
        .ok();
    let dir = files.portal("acme");
    let portal: Vec<&str> = files
        .paths()
        .into_iter()
        .filter_map(|p| p.strip_prefix(dir))
        .collect();
    assert_eq!(
        portal,
        [
            "calendar-admin.ics",
            "calendar-csm.ics",
            "calendar.ics",
            "checklist/index.html",
            "faq/index.html",
            "index.html",
            "plan.json",
            "search.json",
            "timeline/index.html",
        ]
    );
    assert!(
        !dir.contains("acme"),
        "the folder does not give the customer away: {dir}"
    );
    // The dashboard shows each customer's name and owner (`csm`), no one else.
    for secret in ["Acme Corp", "Ada Admin", "ada@acme.test"] {
        for path in files.containing(secret) {
            let listed = secret == "Acme Corp" && files.in_dashboard(path);
            assert!(
                files.in_portal(path, "acme") || listed,
                "{secret} in {path}"
            );
        }
    }
    for secret in ["Other Org", "Olive Other", "olive@other.test"] {
        for path in files.containing(secret) {
            let listed = secret == "Other Org" && files.in_dashboard(path);
            assert!(
                files.in_portal(path, "other") || listed,
                "{secret} in {path}"
            );
        }
    }
}

#[test]
fn notes_and_internal_tasks_of_the_minimal_site_stay_private() {
    let files = Site::new()
        .edit(
            "playbooks/onboarding.yaml",
            "        duration: 2bd\n",
            &format!("        duration: 2bd\n      - id: vet\n        title: {INTERNAL_TITLE}\n        description: {INTERNAL_DESCRIPTION}\n        owner: csm\n        internal: true\n        faq: [reset-password]\n"),
        )
        .append("customers/acme.yaml", &format!("notes: {NOTES}\n"))
        .build()
        .ok();
    for marker in MARKERS {
        assert_eq!(files.containing(marker), Vec::<&str>::new(), "{marker}");
    }
    // The internal task takes no place in what the customer can see.
    assert_eq!(files.plan("acme").0["progress"]["total"], 2);
    assert!(
        !files
            .file("playbooks/onboarding/index.html")
            .contains("vet")
    );
}

// ---------------------------------------------------------------------------
// Portal addresses (docs/privacy.md)

const OTHER_SECRET: &str = "another portal secret, at least thirty-two characters long";

#[test]
fn portal_addresses_are_stable_and_unguessable() {
    let first = Site::new().build().ok();
    let again = Site::new().build().ok();
    let dir = first.portal("acme");
    assert_eq!(dir, again.portal("acme"));
    let token = dir
        .strip_prefix("p/")
        .and_then(|t| t.strip_suffix('/'))
        .expect("p/<token>/");
    assert_eq!(token.len(), 26, "128 bits in base32: {token}");
    assert!(
        token
            .bytes()
            .all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b))
    );
    assert!(!token.contains("acme"));
}

#[test]
fn portal_addresses_depend_on_the_secret_and_the_rotation() {
    let usual = Site::new().build().ok();
    let other_secret = Site::new().secret(OTHER_SECRET).build().ok();
    let rotated = Site::new()
        .append("customers/acme.yaml", "portal_rotation: 1\n")
        .build()
        .ok();
    let dirs = [
        usual.portal("acme"),
        other_secret.portal("acme"),
        rotated.portal("acme"),
    ];
    assert_ne!(dirs[0], dirs[1]);
    assert_ne!(dirs[0], dirs[2]);
    assert_ne!(dirs[1], dirs[2]);
    // Only the portal moves: the public pages do not change.
    for path in usual.paths().into_iter().filter(|p| usual.is_public(p)) {
        assert!(usual.files[path] == rotated.files[path], "{path} changed");
    }
}

#[test]
fn no_portal_links_to_another() {
    let (_, files) = example();
    assert!(files.portals.len() >= 2);
    let tokens: BTreeMap<&str, &str> = files
        .portals
        .iter()
        .map(|(customer, dir)| {
            (
                dir.trim_start_matches("p/").trim_end_matches('/'),
                customer.as_str(),
            )
        })
        .collect();
    let needles: Vec<&str> = tokens.keys().copied().collect();
    for (token, paths) in files.containing_each(&needles) {
        let owner = tokens[token];
        assert!(!paths.is_empty(), "the portal of {owner} links to itself");
        for path in paths {
            assert!(
                files.in_portal(path, owner) || files.in_dashboard(path),
                "{path} names the portal of {owner}"
            );
        }
    }
    // Nor does any portal lead to the dashboard.
    let dashboard = files.dashboard();
    let token = dashboard.trim_start_matches("p/").trim_end_matches('/');
    for path in files.containing(token) {
        assert!(files.in_dashboard(path), "{path} names the dashboard");
    }
}

#[test]
fn every_portal_page_asks_for_no_referrer() {
    let files = Site::new().build().ok();
    for path in files.paths() {
        if !files.is_public(path) && path.ends_with(".html") {
            assert!(
                files
                    .file(path)
                    .contains(r#"<meta name="referrer" content="no-referrer">"#),
                "{path}"
            );
        }
    }
}

#[test]
fn host_headers_keep_portals_unindexed_and_robots_txt_does_not_list_them() {
    let files = Site::new().build().ok();
    let headers = files.file("_headers");
    let portal_block = headers
        .split("\n\n")
        .find(|block| block.starts_with("/p/*") || block.contains("\n/p/*"))
        .unwrap_or_else(|| panic!("no /p/* rule in _headers:\n{headers}"));
    assert!(
        portal_block.contains("X-Robots-Tag: noindex"),
        "{portal_block}"
    );
    assert!(
        portal_block.contains("Referrer-Policy: no-referrer"),
        "{portal_block}"
    );
    let robots = files.file("robots.txt");
    assert!(!robots.contains("/p/"), "{robots}");
}

/// docs/privacy.md: "Every HTML page of the portal is then written as
/// AES-256-GCM ciphertext ... None of the customer's text is in the files on
/// the host." Regression: `encrypt:` was accepted and checked before it was
/// implemented, and such portals were published in plain text, silently.
#[test]
fn an_encrypted_portal_holds_none_of_the_customers_text() {
    let files = Site::new()
        .append(
            "customers/acme.yaml",
            "encrypt:\n  passphrase_env: ACME_PASSPHRASE\n",
        )
        .env("ACME_PASSPHRASE", "correct horse battery staple")
        .build()
        .ok();
    for secret in ["Acme Corp", "Ada Admin", "ada@acme.test", "Casey Vendor"] {
        assert_eq!(
            files.containing(secret),
            Vec::<&str>::new(),
            "{secret} is readable"
        );
    }
    // Playbook text is public on the preview, but not readable in the portal.
    for path in files.containing("Set up the account") {
        assert!(!files.in_portal(path, "acme"), "{path} is readable");
    }
    assert!(files.has("portal/acme/index.html"));
}

#[test]
fn an_encrypted_portal_without_its_passphrase_is_an_error() {
    let build = Site::new()
        .append(
            "customers/acme.yaml",
            "encrypt:\n  passphrase_env: ACME_PASSPHRASE\n",
        )
        .build();
    let d = build.assert_error("missing-passphrase", "customers/acme.yaml", 8);
    assert!(d.message.contains("ACME_PASSPHRASE"), "{}", d.message);
}

#[test]
fn a_short_passphrase_is_an_error() {
    let build = Site::new()
        .append(
            "customers/acme.yaml",
            "encrypt:\n  passphrase_env: ACME_PASSPHRASE\n",
        )
        .env("ACME_PASSPHRASE", "short")
        .build();
    build.assert_error("weak-passphrase", "customers/acme.yaml", 8);
}

/// The customer file of the marker test: every field that reaches a portal
/// carries a marker of its own (`<id>-<field>`), and so do the fields that must
/// reach no file at all.
fn marker_customer(id: &str, encrypted: bool) -> String {
    let m = |field: &str| format!("MRK{}{}", id.to_uppercase().replace('-', ""), field);
    let mut text = format!(
        r#"
        name: {name}
        playbook: base
        kickoff: 2026-12-01
        timezone: Asia/Kuala_Lumpur
        vars: {{ region: {var}, plan: standard }}
        team:
          csm: {{ name: {csm}, email: {csm_email}@northwind.example, phone: "+60 {csm_phone}" }}
          admin: {{ name: {admin}, email: {admin_email}@customer.example }}
        progress:
          welcome-email: {{ status: blocked, note: "{blocked}" }}
          kickoff-meeting: {{ status: skipped, reason: "{skipped}" }}
        extra_tasks:
          - phase: welcome
            id: extra-visible
            title: "Ship to {{{{ customer.vars.region }}}} {extra_title}"
            description: "{extra_description}"
            owner: csm
          - phase: welcome
            id: extra-internal
            title: "{internal_title}"
            description: "{internal_description}"
            owner: csm
            internal: true
        notes: |
          {notes}
        "#,
        name = m("NAME"),
        var = m("VAR"),
        csm = m("CSM"),
        csm_email = m("CSMEMAIL").to_lowercase(),
        csm_phone = m("PHONE"),
        admin = m("ADMIN"),
        admin_email = m("ADMINEMAIL").to_lowercase(),
        blocked = m("BLOCKED"),
        skipped = m("SKIPPED"),
        extra_title = m("EXTRATITLE"),
        extra_description = m("EXTRADESC"),
        internal_title = m("INTERNALTITLE"),
        internal_description = m("INTERNALDESC"),
        notes = m("NOTES"),
    );
    if encrypted {
        // The text ends with the closing line's indentation: replace it, so `encrypt:`
        // is a key of the customer and not a line of the notes above it.
        text.truncate(text.trim_end_matches(' ').len());
        text.push_str("        encrypt:\n          passphrase_env: MARKER_PASSPHRASE\n        ");
    }
    text
}

/// Issue "no customer sees another's data": a unique marker in every field of
/// every customer file appears only inside that customer's own portal folder;
/// internal notes and internal tasks appear in no file; an encrypted customer's
/// markers appear nowhere in plain text.
#[test]
fn every_customer_field_stays_in_its_own_portal_and_internal_ones_nowhere() {
    // A task that prints `vars.region` (text in a customer's own extra tasks is
    // shown as written, not filled in).
    let site = Site::example();
    let base = site.text("playbooks/base.yaml");
    let at = base
        .find("    tasks:\n")
        .expect("base.yaml has a phase with tasks")
        + "    tasks:\n".len();
    let region_task = "      - id: ship-to-region\n        title: \"Ship to {{ customer.vars.region }}\"\n        owner: csm\n        when: customer.vars.region is defined\n";
    let files = site
        .file(
            "playbooks/base.yaml",
            &format!("{}{region_task}{}", &base[..at], &base[at..]),
        )
        .file(
            "customers/marker-one.yaml",
            &marker_customer("marker-one", false),
        )
        .file(
            "customers/marker-two.yaml",
            &marker_customer("marker-two", false),
        )
        .file(
            "customers/marker-sealed.yaml",
            &marker_customer("marker-sealed", true),
        )
        .env("MARKER_PASSPHRASE", "a passphrase long enough for the test")
        .build()
        .ok();
    let visible = [
        "NAME",
        "VAR",
        "CSM",
        "CSMEMAIL",
        "PHONE",
        "ADMIN",
        "ADMINEMAIL",
        "BLOCKED",
        "SKIPPED",
        "EXTRATITLE",
        "EXTRADESC",
    ];
    let hidden = ["INTERNALTITLE", "INTERNALDESC", "NOTES"];
    for id in ["marker-one", "marker-two"] {
        let prefix = format!("MRK{}", id.to_uppercase().replace('-', ""));
        for field in visible {
            let needle = format!("{prefix}{field}");
            let found = files.containing(&needle);
            let found_lower = files.containing(&needle.to_lowercase());
            let all: Vec<&str> = found.iter().chain(found_lower.iter()).copied().collect();
            assert!(
                !all.is_empty(),
                "{needle} reaches {id}'s portal (else this test proves nothing)"
            );
            for path in all {
                // The dashboard lists each customer's name and owner (`csm`).
                let listed =
                    ["NAME", "CSM", "CSMEMAIL"].contains(&field) && files.in_dashboard(path);
                assert!(
                    files.in_portal(path, id) || listed,
                    "{needle} of {id} is in {path}"
                );
            }
        }
        for field in hidden {
            let needle = format!("{prefix}{field}");
            assert_eq!(
                files.containing(&needle),
                Vec::<&str>::new(),
                "{needle} must be in no file"
            );
        }
    }
    for field in visible.iter().chain(hidden.iter()) {
        let needle = format!("MRKMARKERSEALED{field}");
        assert_eq!(
            files.containing(&needle),
            Vec::<&str>::new(),
            "{needle} is readable: {:?}",
            files.containing(&needle)
        );
        assert_eq!(
            files.containing(&needle.to_lowercase()),
            Vec::<&str>::new(),
            "{needle} is readable"
        );
    }
}

// ---------------------------------------------------------------------------
// The vendor's dashboard: every customer on one private page.

/// Its folder's token.
fn dashboard_token(files: &Files) -> &str {
    files
        .dashboard()
        .strip_prefix("p/")
        .and_then(|t| t.strip_suffix('/'))
        .expect("p/<token>/")
}

#[test]
fn the_dashboard_address_is_unguessable_and_no_portals() {
    let usual = Site::new().build().ok();
    let token = dashboard_token(&usual);
    assert_eq!(token.len(), 26, "128 bits in base32: {token}");
    assert!(!token.contains("dashboard"));
    assert!(usual.portals.values().all(|dir| !dir.contains(token)));
    let other_secret = Site::new().secret(OTHER_SECRET).build().ok();
    assert_ne!(
        dashboard_token(&other_secret),
        token,
        "depends on the secret"
    );
    let rotated = Site::new()
        .append("gangway.toml", "\n[dashboard]\nrotation = 1\n")
        .build()
        .ok();
    assert_ne!(dashboard_token(&rotated), token, "moves with its rotation");
    // Only the dashboard moves: portals and public pages are the same files.
    assert_eq!(rotated.portals, usual.portals);
    for path in usual.paths().into_iter().filter(|p| !usual.in_dashboard(p)) {
        assert!(usual.files[path] == rotated.files[path], "{path} changed");
    }
    // A customer named after it gets a portal of its own elsewhere.
    let named = Site::new()
        .file("customers/dashboard.yaml", &dedent(CUSTOMER))
        .build()
        .ok();
    assert_ne!(named.portal("dashboard"), named.dashboard());
}

#[test]
fn host_headers_treat_the_dashboard_as_a_portal() {
    let files = Site::new().build().ok();
    let headers = files.file("_headers");
    assert!(files.dashboard().starts_with("p/"));
    assert!(
        headers.contains("/p/*\n  X-Robots-Tag: noindex"),
        "{headers}"
    );
    assert!(!files.file("robots.txt").contains(dashboard_token(&files)));
    assert!(!files.file("sitemap.xml").contains(dashboard_token(&files)));
    for path in files.paths().into_iter().filter(|p| files.in_dashboard(p)) {
        let page = files.file(path);
        assert!(
            page.contains(r#"<meta name="robots" content="noindex"#),
            "{path}"
        );
        assert!(
            page.contains(r#"<meta name="referrer" content="no-referrer">"#),
            "{path}"
        );
    }
}

#[test]
fn an_encrypted_dashboard_holds_no_customers_text() {
    let files = Site::new()
        .append(
            "gangway.toml",
            "\n[dashboard]\nencrypt = { passphrase_env = \"STAFF_PASSPHRASE\" }\n",
        )
        .env("STAFF_PASSPHRASE", "correct horse battery staple lantern")
        .build()
        .ok();
    assert!(files.has("dashboard/index.html"));
    assert!(files.has("dashboard/by-name/index.html"));
    for secret in [
        "Acme Corp",
        "Casey Vendor",
        "casey@vendor.test",
        "Onboarding",
    ] {
        for path in files.containing(secret) {
            assert!(!files.in_dashboard(path), "{secret} readable in {path}");
        }
    }
    assert!(
        files
            .file("dashboard/index.html")
            .contains(r#"id="sealed""#),
        "an unlock page"
    );
}

#[test]
fn an_unencrypted_dashboard_leaves_out_encrypted_customers() {
    let files = Site::new()
        .append("customers/acme.yaml", "encrypt:\n  passphrase_env: ACME_PASSPHRASE\n")
        .file(
            "customers/open.yaml",
            "name: Open Org\nplaybook: onboarding\nkickoff: 2026-12-01\nteam:\n  csm: { name: Olive Open }\n",
        )
        .env("ACME_PASSPHRASE", "correct horse battery staple")
        .build()
        .ok();
    let page = files.page("dashboard/index.html");
    assert!(page.contains("Open Org"));
    assert!(!page.contains("Acme Corp") && !page.contains("Casey Vendor"));
    assert!(
        page.contains("1 customers with encrypted portals are not shown here"),
        "{page}"
    );
}

#[test]
fn the_example_dashboard_shows_no_notes_nor_internal_task_titles() {
    let (_, files) = marked();
    let dashboard: Vec<&str> = files
        .paths()
        .into_iter()
        .filter(|p| files.in_dashboard(p))
        .collect();
    assert!(dashboard.len() >= 6, "{dashboard:?}");
    for marker in MARKERS {
        for path in &dashboard {
            assert!(!files.file(path).contains(marker), "{marker} in {path}");
        }
    }
    // Internal work is counted there, never named.
    assert!(files.file(dashboard[0]).contains("internal open"));
}
