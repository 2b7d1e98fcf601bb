//! Forty typical mistakes, one at a time, on the example site: each is reported
//! in the first run, in plain words, at the right place, with no errors that
//! merely follow from it. Also: every problem of a file in one run.

use crate::harness::*;

const BASE: &str = "playbooks/base.yaml";
const SAAS: &str = "playbooks/saas.yaml";
const BASE_MS: &str = "playbooks/base.ms.yaml";
const TANJUNG: &str = "customers/tanjung-logistics.yaml";
const CONFIG: &str = "gangway.toml";
const ARTICLE: &str = "content/kb/acceptance-testing.md";
const FAQ: &str = "content/faq/add-more-users.md";

/// One mistake: in `path`, `from` becomes `to`; the errors expected, by code, the
/// first at the line where `to` starts; words the first one's message or help holds.
struct Mistake {
    path: &'static str,
    from: &'static str,
    to: &'static str,
    codes: &'static [&'static str],
    words: &'static str,
}

const fn m(
    path: &'static str,
    from: &'static str,
    to: &'static str,
    codes: &'static [&'static str],
    words: &'static str,
) -> Mistake {
    Mistake {
        path,
        from,
        to,
        codes,
        words,
    }
}

const MISTAKES: &[Mistake] = &[
    // Misspelt keys, with the missing key they leave behind.
    m(
        BASE,
        "title: Standard onboarding",
        "titel: Standard onboarding",
        &["unknown-key", "missing-key"],
        "did you mean `title`?",
    ),
    m(
        TANJUNG,
        "language: ms",
        "langauge: ms",
        &["unknown-key"],
        "did you mean `language`?",
    ),
    m(
        TANJUNG,
        "    name: Nurul Huda Ismail",
        "    nmae: Nurul Huda Ismail",
        &["unknown-key", "missing-key"],
        "did you mean `name`?",
    ),
    m(
        BASE,
        "        due: 1bd\n        internal: true",
        "        due: 1bd\n        internl: true",
        &["unknown-key"],
        "did you mean `internal`?",
    ),
    m(
        CONFIG,
        "[vendor]\nname =",
        "[vendor]\nnmae =",
        &["unknown-key"],
        "did you mean `name`?",
    ),
    m(
        ARTICLE,
        "summary: How to test",
        "sumary: How to test",
        &["unknown-key"],
        "did you mean `summary`?",
    ),
    m(
        FAQ,
        "question: Can we",
        "qestion: Can we",
        &["unknown-key", "missing-key"],
        "did you mean `question`?",
    ),
    m(
        BASE_MS,
        "  welcome-email:\n    title: \"Hantar",
        "  welcome-emial:\n    title: \"Hantar",
        &["unknown-translation-key"],
        "welcome-emial",
    ),
    m(
        TANJUNG,
        "language: ms",
        "language: ms\nlanguage: en",
        &["duplicate-key"],
        "twice",
    ),
    // Values of the wrong kind.
    m(
        BASE,
        "id: base\n",
        "id: base\ndraft: maybe\n",
        &["wrong-type"],
        "`true` or `false`",
    ),
    m(
        BASE,
        "        due: 1bd\n        internal: true",
        "        due: [1bd]\n        internal: true",
        &["wrong-type"],
        "expected text",
    ),
    m(
        BASE,
        "    side: vendor\n    contact: true",
        "    side: vendr\n    contact: true",
        &["invalid-value"],
        "did you mean `vendor`?",
    ),
    m(
        TANJUNG,
        "  welcome-email: { status: done",
        "  welcome-email: { status: dnoe",
        &["invalid-value"],
        "done",
    ),
    m(
        TANJUNG,
        "kickoff: 2026-12-10",
        "kickoff: [2026-12-10]",
        &["wrong-type"],
        "expected text",
    ),
    // Dates, offsets, days.
    m(
        TANJUNG,
        "kickoff: 2026-12-10",
        "kickoff: 2026-13-10",
        &["invalid-date"],
        "2026-13-10",
    ),
    m(
        CONFIG,
        "\"2026-12-25\", # Christmas Day",
        "\"2026-12-32\", # Christmas Day",
        &["invalid-date"],
        "2026-12-32",
    ),
    m(
        BASE,
        "        due: 1bd\n        internal: true",
        "        due: 1bdd\n        internal: true",
        &["invalid-offset"],
        "unknown unit `bdd`",
    ),
    m(
        TANJUNG,
        "    duration: 3bd",
        "    duration: 3 days",
        &["invalid-offset"],
        "unknown unit",
    ),
    m(
        CONFIG,
        "before = \"1bd\"",
        "before = \"1 bd\"",
        &["invalid-offset"],
        "unknown unit",
    ),
    m(
        CONFIG,
        "workdays = [\"mon\",",
        "workdays = [\"mnday\",",
        &["invalid-value"],
        "mnday",
    ),
    m(
        TANJUNG,
        "timezone: Asia/Kuala_Lumpur",
        "timezone: Asia/Kuala_Lumpr",
        &["invalid-timezone"],
        "Kuala_Lumpr",
    ),
    // Unknown roles, tasks, playbooks, themes.
    m(
        TANJUNG,
        "    owner: engineer\n    after:",
        "    owner: enginer\n    after:",
        &["unknown-role"],
        "did you mean `engineer`?",
    ),
    m(
        BASE,
        "        after: [welcome-email]",
        "        after: [welcome-emial]",
        &["unknown-task"],
        "did you mean `welcome-email`?",
    ),
    m(
        TANJUNG,
        "playbook: saas",
        "playbook: sass",
        &["unknown-playbook"],
        "did you mean `saas`?",
    ),
    m(
        SAAS,
        "extends: base",
        "extends: bsae",
        &["unknown-playbook"],
        "did you mean `base`?",
    ),
    m(
        CONFIG,
        "theme = \"northwind\"",
        "theme = \"nortwind\"",
        &["unknown-theme"],
        "nortwind",
    ),
    m(
        BASE,
        "      - id: sales-handover",
        "      - id: Sales Handover",
        &["invalid-id"],
        "Sales Handover",
    ),
    // Text YAML does not read as text: quote it.
    m(
        BASE,
        "title: Standard onboarding",
        "title: #1 Standard onboarding",
        &["wrong-type"],
        "`title: \"#1 Standard onboarding\"`",
    ),
    m(
        TANJUNG,
        "    title: Connect the warehouse barcode scanners",
        "    title: Step 2: connect the scanners",
        &["yaml-syntax"],
        "`title: \"Step 2: connect the scanners\"`",
    ),
    m(
        TANJUNG,
        "name: Tanjung Logistics Sdn Bhd",
        "name: *Tanjung* Logistics",
        &["yaml-syntax"],
        "`name: \"*Tanjung* Logistics\"`",
    ),
    m(
        TANJUNG,
        "name: Tanjung Logistics Sdn Bhd",
        "name: &Co",
        &["wrong-type"],
        "`name: \"&Co\"`",
    ),
    m(
        TANJUNG,
        "name: Tanjung Logistics Sdn Bhd",
        "name: @tanjung",
        &["yaml-syntax"],
        "`name: \"@tanjung\"`",
    ),
    m(
        TANJUNG,
        "name: Tanjung Logistics Sdn Bhd",
        "name: `Tanjung`",
        &["yaml-syntax"],
        "`name: \"`Tanjung`\"`",
    ),
    // Tabs and indentation.
    m(
        TANJUNG,
        "    owner: engineer\n    after:",
        "\towner: engineer\n    after:",
        &["yaml-syntax"],
        "spaces",
    ),
    m(
        BASE,
        "        due: 1bd\n        internal: true",
        "        due: 1bd\n\tinternal: true",
        &["yaml-syntax"],
        "spaces",
    ),
    // Front matter.
    m(
        ARTICLE,
        "weight: 55\n---\n",
        "weight: 55\n",
        &["missing-front-matter"],
        "front matter is not closed",
    ),
    m(
        ARTICLE,
        "---\ntitle: Acceptance and system testing\nsummary: How to test Northwind with your own data before go-live, and how to report what you find.\ntags: [testing, go-live]\nweight: 55\n---",
        "---\n---",
        &["missing-key"],
        "front matter is empty: this page has no `title`",
    ),
    // Links and templates.
    m(
        ARTICLE,
        "(go-live-checklist.md)",
        "(go-live-checklst.md)",
        &["broken-link"],
        "go-live-checklst",
    ),
    m(
        BASE,
        "\"Send the welcome email to {{ customer.name }}\"",
        "\"Send the welcome email to {{ customer.nmae }}\"",
        &["template-error"],
        "did you mean `name`?",
    ),
    m(
        CONFIG,
        "languages = [\"en\", \"ms\"",
        "languages = [\"en\", \"m s\"",
        &["invalid-language"],
        "m s",
    ),
];

/// Words of Rust or serde that must never reach an author.
const RUST_WORDS: &[&str] = &[
    "Option<",
    "String",
    "u32",
    "u64",
    "usize",
    "deserialize",
    "struct ",
    "Raw",
    "serde",
    "invalid type:",
];

#[track_caller]
fn assert_plain_words(d: &gangway::diagnostic::Diagnostic, context: &str) {
    for rust in RUST_WORDS {
        let help = d.help.as_deref().unwrap_or("");
        assert!(
            !d.message.contains(rust) && !help.contains(rust),
            "{context}: `{rust}` in {d:?}"
        );
    }
}

#[test]
fn forty_mistakes_are_each_reported_in_the_first_run() {
    assert!(MISTAKES.len() >= 40, "{} mistakes", MISTAKES.len());
    let example = Site::example();
    let baseline = example.build();
    assert!(baseline.errors().is_empty(), "{}", baseline.report());
    let warnings = (baseline.warnings().iter())
        .filter(|d| d.code != "outdated-translation")
        .count();
    let mut failures = Vec::new();
    for (i, mistake) in MISTAKES.iter().enumerate() {
        let site = example.clone().edit(mistake.path, mistake.from, mistake.to);
        let text = site.text(mistake.path);
        let at = text.find(mistake.to).expect("the edit is in the file");
        // The line the mistake is on: the first line of the edit that changed (an
        // unclosed front matter is reported at its opening `---`).
        let changed = (mistake.from.lines().zip(mistake.to.lines()))
            .take_while(|(a, b)| a == b)
            .count();
        let line = if mistake.words.contains("front matter") {
            1
        } else {
            text[..at].matches('\n').count() + 1 + changed
        };
        let build = site.build();
        let context = format!("mistake {i} ({} in {})", mistake.to, mistake.path);
        let codes: Vec<&str> = build.errors().iter().map(|d| d.code.as_str()).collect();
        let mut expected = mistake.codes.to_vec();
        let mut got = codes.clone();
        expected.sort_unstable();
        got.sort_unstable();
        if got != expected {
            failures.push(format!(
                "{context}: errors {codes:?}, expected {:?}\n{}",
                mistake.codes,
                build.report()
            ));
            continue;
        }
        let first = build
            .errors()
            .into_iter()
            .find(|d| d.code == mistake.codes[0])
            .expect("found");
        let place = first.location();
        let (path, found_line) = place.map(|(p, l, _)| (p, l)).unwrap_or_default();
        if path != mistake.path || found_line != line {
            failures.push(format!(
                "{context}: at {path}:{found_line}, expected {}:{line}\n{}",
                mistake.path,
                build.report()
            ));
        }
        let words = format!("{} {}", first.message, first.help.as_deref().unwrap_or(""));
        if !words.contains(mistake.words) {
            failures.push(format!(
                "{context}: {words:?} does not say {:?}",
                mistake.words
            ));
        }
        // Editing an original's text outdates its translations: that one is true.
        let new_warnings = (build.warnings().iter())
            .filter(|d| d.code != "outdated-translation" && d.code != "checks-skipped")
            .count();
        if new_warnings > warnings {
            failures.push(format!("{context}: new warnings\n{}", build.report()));
        }
        for d in build.diagnostics() {
            assert_plain_words(d, &context);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} mistakes:\n{}",
        failures.len(),
        MISTAKES.len(),
        failures.join("\n\n")
    );
}

#[test]
fn eight_problems_of_one_file_in_one_run() {
    let build = Site::new()
        .file(
            "playbooks/onboarding.yaml",
            "
            titel: Onboarding
            draft: maybe
            roles:
              csm: { title: CSM, side: vendor, contact: true }
              admin: { title: [Admin], side: customr }
            phases:
              - id: setup
                tasks:
                  - id: a
                    title: First
                    owner: csm
                    afterr: [b]
                  - id: b
                    owner: admin
                  - id: c
                    title: Third
                    owner: csm
                    due: [3d]
            ",
        )
        .build();
    let got: Vec<(&str, usize, usize)> = build
        .errors()
        .iter()
        .map(|d| {
            let (_, line, column) = d.location().unwrap_or_default();
            (d.code.as_str(), line, column)
        })
        .collect();
    assert_eq!(
        got,
        [
            ("missing-key", 1, 1),
            ("unknown-key", 1, 1),
            ("wrong-type", 2, 8),
            ("wrong-type", 5, 19),
            ("invalid-value", 5, 34),
            ("unknown-key", 12, 9),
            ("missing-key", 13, 9),
            ("wrong-type", 18, 14),
        ],
        "{}",
        build.report()
    );
    for d in build.diagnostics() {
        assert_plain_words(d, "eight problems");
    }
}

#[test]
fn every_unknown_key_of_every_table_of_the_settings() {
    let build = Site::new()
        .edit(
            "gangway.toml",
            "title =",
            "titel = \"x\"\ncolour = 1\ntitle =",
        )
        .append("gangway.toml", "\n[calender]\nworkdays = [\"mon\"]\n")
        .edit("gangway.toml", "[vendor]\n", "[vendor]\nnmae2 = \"V\"\n")
        .build();
    let unknown: Vec<usize> = build
        .errors()
        .iter()
        .filter(|d| d.code == "unknown-key")
        .map(|d| d.location().map_or(0, |l| l.1))
        .collect();
    assert_eq!(unknown.len(), 4, "{}", build.report());
    // The rest of the site is checked against the settings without those keys.
    assert!(
        !build.codes().contains(&"checks-skipped"),
        "{}",
        build.report()
    );
}

#[test]
fn settings_that_cannot_be_read_are_said_once() {
    let build = Site::example()
        .edit(
            CONFIG,
            "languages = [\"en\", \"ms\"",
            "languages = [\"en\", \"m s\"",
        )
        .build();
    assert_eq!(build.errors().len(), 1, "{}", build.report());
    assert_eq!(build.warnings().len(), 1, "{}", build.report());
    build.assert_error("invalid-language", CONFIG, 8);
    build.assert_warning("checks-skipped", CONFIG, 1);
}

#[test]
fn one_bad_holiday_is_one_error_and_no_false_warnings() {
    let example = Site::example();
    let warnings = example.build().warnings().len();
    let build = example
        .edit(
            CONFIG,
            "\"2026-12-25\", # Christmas Day",
            "\"2026-02-30\", # Christmas Day",
        )
        .build();
    assert_eq!(build.errors().len(), 1, "{}", build.report());
    build.assert_error("invalid-date", CONFIG, 22);
    assert_eq!(build.warnings().len(), warnings, "{}", build.report());
}

#[test]
fn an_error_in_text_every_customer_shares_is_reported_once() {
    let build = Site::example()
        .edit(BASE, "{{ customer.name }}", "{{ customer.nmae }}")
        .build();
    let errors = build.errors();
    assert_eq!(errors.len(), 1, "{}", build.report());
    let d = errors[0];
    assert!(d.message.starts_with("for 6 customers (`"), "{}", d.message);
    assert!(d.message.contains("and 3 more"), "{}", d.message);
    assert_eq!(d.help.as_deref(), Some("did you mean `name`?"));
}

#[test]
fn a_tab_in_a_parent_playbook_is_the_only_error() {
    let build = Site::example()
        .edit(
            BASE,
            "    side: vendor\n    contact: true",
            "    side: vendor\n\tcontact: true",
        )
        .build();
    build.assert_error_codes(&["yaml-syntax"]);
}

/// A site with many mistakes of every kind at once, beside the invalid fixtures:
/// no diagnostic of any of them shows a Rust type or serde's words.
#[test]
fn no_diagnostic_of_a_broken_site_shows_rust_words() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invalid");
    let mut sites: Vec<(String, Site)> = std::fs::read_dir(&dir)
        .expect("the invalid fixtures")
        .map(|e| e.expect("an entry").path())
        .map(|p| (p.display().to_string(), Site::read(&p.join("site"))))
        .collect();
    let mut all = Site::example();
    for mistake in MISTAKES.iter().filter(|m| m.path != CONFIG) {
        if all.text(mistake.path).contains(mistake.from) {
            all = all.edit(mistake.path, mistake.from, mistake.to);
        }
    }
    sites.push(("the example with every mistake".to_string(), all));
    sites.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, site) in &sites {
        let build = site.build();
        assert!(!build.errors().is_empty(), "{name}");
        for d in build.diagnostics() {
            assert_plain_words(d, name);
        }
    }
}

/// The errors `gangway check` printed, as `code path:line:column message`.
fn printed_errors(stderr: &str) -> Vec<String> {
    let lines: Vec<&str> = stderr.lines().collect();
    lines
        .iter()
        .enumerate()
        .filter_map(|(i, line)| {
            let rest = line.strip_prefix("error[")?;
            let (code, message) = rest.split_once("]: ")?;
            let place = lines.get(i + 1)?.trim_start().strip_prefix("--> ")?;
            Some(format!("{code} {place} {message}"))
        })
        .collect()
}

/// `gangway check` on `site`: its exit code and the errors it printed, sorted.
fn check(site: &Site) -> (i32, Vec<String>, String) {
    let dir = site.on_disk();
    let run = gangway(dir.path(), &["check", "--today", TODAY]);
    let mut errors = printed_errors(&run.stderr);
    errors.sort();
    (run.code, errors, run.stderr)
}

fn sorted(lines: &[&str]) -> Vec<String> {
    let mut lines: Vec<String> = lines.iter().map(|l| (*l).to_string()).collect();
    lines.sort();
    lines
}

#[test]
fn every_missing_key_of_a_playbook_in_one_run() {
    // Two tasks missing two keys each, and an unknown key in a role: five
    // problems, each at its mapping, and nothing that merely follows from them
    // (acme's plan names these tasks).
    let site = Site::new()
        .edit(
            "playbooks/onboarding.yaml",
            "        title: Welcome {{ customer.name }}\n        owner: csm\n",
            "",
        )
        .edit(
            "playbooks/onboarding.yaml",
            "- id: setup\n        title: Set up the account\n        owner: admin\n        after",
            "- after",
        )
        .edit(
            "playbooks/onboarding.yaml",
            "contact: true",
            "contakt: true",
        )
        .append(
            "customers/acme.yaml",
            "progress:\n  welcome: { status: done, on: 2026-12-02 }\n",
        );
    let (code, errors, stderr) = check(&site);
    assert_eq!(code, 1, "{stderr}");
    let p = "playbooks/onboarding.yaml";
    assert_eq!(
        errors,
        sorted(&[
            &format!("unknown-key {p}:7:5 unknown key `contakt`"),
            &format!("missing-key {p}:15:9 missing required key `title`"),
            &format!("missing-key {p}:15:9 missing required key `owner`"),
            &format!("missing-key {p}:18:9 missing required key `id`"),
            &format!("missing-key {p}:18:9 missing required key `title`"),
            &format!("missing-key {p}:18:9 missing required key `owner`"),
        ]),
        "{stderr}"
    );
    assert!(stderr.ends_with("6 errors\n"), "{stderr}");
}

#[test]
fn every_missing_key_of_a_customer_file_in_one_run() {
    let site = Site::new()
        .edit("customers/acme.yaml", "playbook: onboarding\n", "")
        .edit("customers/acme.yaml", "kickoff: 2026-12-01\n", "")
        .edit(
            "customers/acme.yaml",
            "csm: { name: Casey Vendor,",
            "csm: { nmae: Casey Vendor,",
        )
        .append("customers/acme.yaml", "portal_rotation: often\n");
    let (code, errors, stderr) = check(&site);
    assert_eq!(code, 1, "{stderr}");
    let c = "customers/acme.yaml";
    assert_eq!(
        errors,
        sorted(&[
            &format!("missing-key {c}:1:1 missing required key `playbook`"),
            &format!("missing-key {c}:1:1 missing required key `kickoff`"),
            &format!("unknown-key {c}:3:10 unknown key `nmae`"),
            &format!("missing-key {c}:3:10 missing required key `name`"),
            &format!("wrong-type {c}:5:18 expected a whole number"),
        ]),
        "{stderr}"
    );
}

#[test]
fn every_problem_of_front_matter_in_one_run_yaml_and_toml() {
    let site = Site::new()
        .file(
            "content/kb/setup.md",
            "---\nautor: Sam\nweight: heavy\nsummary: The first ten minutes.\ntgas: [a]\n---\nBody.\n",
        )
        .file(
            "content/kb/toml.md",
            "+++\nautor = \"Sam\"\nweight = \"heavy\"\ntgas = [\"a\"]\ndraft = \"yes\"\n+++\nBody.\n",
        )
        .file(
            "content/faq/reset-password.md",
            "---\nqestion: How?\nweight: heavy\n---\nBody.\n",
        )
        .edit("playbooks/onboarding.yaml", "        guides: [kb/setup]\n", "");
    let (code, errors, stderr) = check(&site);
    assert_eq!(code, 1, "{stderr}");
    let (a, t, f) = (
        "content/kb/setup.md",
        "content/kb/toml.md",
        "content/faq/reset-password.md",
    );
    let want = [
        format!("missing-key {a}:2:1 missing required key `title`"),
        format!("unknown-key {a}:2:1 unknown key `autor`"),
        format!("wrong-type {a}:3:9 expected a whole number"),
        format!("unknown-key {a}:5:1 unknown key `tgas`"),
        format!("missing-key {t}:1:1 missing required key `title`"),
        format!("unknown-key {t}:2:1 unknown key `autor`"),
        format!("wrong-type {t}:3:1 expected a whole number"),
        format!("unknown-key {t}:4:1 unknown key `tgas`"),
        format!("wrong-type {t}:5:1 expected `true` or `false`"),
        format!("missing-key {f}:2:1 missing required key `question`"),
        format!("unknown-key {f}:2:1 unknown key `qestion`"),
        format!("wrong-type {f}:3:9 expected a whole number"),
    ];
    let want: Vec<&str> = want.iter().map(String::as_str).collect();
    assert_eq!(errors, sorted(&want), "{stderr}");
}
