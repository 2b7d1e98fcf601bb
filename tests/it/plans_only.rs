//! The plans-only path ([`gangway::build::plan_customers`]): the same
//! diagnostics as a full build for settings, playbooks and customers, none of
//! the knowledge base's, and the same reading of which articles exist.

use gangway::diagnostic::Diagnostic;
use gangway::report::{self, Format};

use crate::harness::Site;

/// Diagnostics as a person reads them, to compare two lists exactly.
fn shown(diagnostics: &[Diagnostic]) -> String {
    report::render(diagnostics, Format::Human, false)
}

/// Asserts that a full build and the plans-only path report the same problems.
#[track_caller]
fn same_diagnostics(site: &Site) -> String {
    let full = shown(site.build().diagnostics());
    let planned = site.plan();
    assert_eq!(shown(&planned.diagnostics), full);
    full
}

#[test]
fn a_customer_error_is_reported_the_same_way_by_both_paths() {
    let site = Site::new().append(
        "customers/acme.yaml",
        "remove_tasks: [welcom]\nprogress:\n  setup: { status: done, on: 2026-13-02 }\n",
    );
    let full = same_diagnostics(&site);
    assert!(full.contains("unknown-task"), "{full}");
    assert!(full.contains("customers/acme.yaml"), "{full}");
    assert!(site.plan().has_errors());
}

#[test]
fn settings_and_playbook_errors_are_reported_the_same_way_by_both_paths() {
    let site = Site::new()
        .append("gangway.toml", "\n[forecast]\nlate_after_days = -1\n")
        .edit("playbooks/onboarding.yaml", "owner: admin", "owner: admn");
    let full = same_diagnostics(&site);
    assert!(full.contains("playbooks/onboarding.yaml"), "{full}");
    assert!(full.contains("gangway.toml"), "{full}");
}

#[test]
fn references_to_missing_and_draft_articles_resolve_as_in_a_full_build() {
    let site = Site::new()
        .edit(
            "playbooks/onboarding.yaml",
            "guides: [kb/setup]",
            "guides: [kb/later, kb/stup]",
        )
        .file(
            "content/kb/later.md",
            "---\ntitle: Later\ndraft: true\n---\nSoon.\n",
        );
    let full = same_diagnostics(&site);
    assert!(full.contains("kb/later"), "{full}");
    assert!(full.contains("kb/stup"), "{full}");
    // And a site whose references all resolve has nothing to say either way.
    let fine = Site::new().file("content/kb/other.md", "---\ntitle: Other\n---\n");
    assert_eq!(same_diagnostics(&fine), "");
    assert_eq!(fine.plan().customer_ids(), ["acme"]);
    assert_eq!(fine.plan().customers_planned(), 1);
    assert_eq!(fine.plan().languages(), ["en"]);
}

#[test]
fn content_problems_are_left_to_check() {
    let site = Site::new()
        .file("content/kb/broken.md", "no front matter here\n")
        .edit(
            "content/kb/setup.md",
            "## Sign in",
            "[dead](missing.md)\n\n## Sign in",
        );
    assert!(site.build().compiled.has_errors());
    let planned = site.plan();
    assert!(
        planned.diagnostics.is_empty(),
        "{}",
        shown(&planned.diagnostics)
    );
    assert_eq!(planned.customer_ids(), ["acme"]);
}

#[test]
fn reading_for_plans_keeps_front_matter_and_skips_bodies_and_static_files() {
    let site = Site::new()
        .file("static/logo.svg", "<svg/>")
        .file("content/kb/picture.png", "png")
        .file(
            "content/kb/later.md",
            "---\ntitle: Later\ndraft: true\n---\nA long body.\n",
        );
    let dir = site.on_disk();
    let (tree, problems) = gangway::SourceTree::read_for_plans(dir.path());
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        tree.get("content/kb/later.md"),
        Some(&b"---\ntitle: Later\ndraft: true\n---\n"[..])
    );
    assert!(tree.get("static/logo.svg").is_none());
    assert!(tree.get("content/kb/picture.png").is_none());
    assert_eq!(
        tree.get("customers/acme.yaml"),
        site.tree().get("customers/acme.yaml")
    );
    let planned = gangway::build::plan_customers(&tree, &site.options());
    assert!(
        planned.diagnostics.is_empty(),
        "{}",
        shown(&planned.diagnostics)
    );
    assert_eq!(planned.customer_ids(), ["acme"]);
}

#[test]
fn translations_are_known_by_name_and_drafts_judged_as_in_a_full_build() {
    // Read from disk for plans, a translation beside its original is known by
    // its name alone; a page that exists only as a translation is read, so its
    // `draft: true` still refuses a task's reference as a full build does.
    let site = Site::new()
        .edit(
            "gangway.toml",
            "title = \"Test Portal\"",
            "title = \"Test Portal\"\nlanguages = [\"en\", \"ms\"]",
        )
        .edit(
            "playbooks/onboarding.yaml",
            "guides: [kb/setup]",
            "guides: [kb/setup, kb/only-ms, kb/draft-original]",
        )
        .file(
            "content/kb/setup.ms.md",
            "---\ntitle: Persediaan\ndraft: true\n---\n",
        )
        .file(
            "content/kb/only-ms.ms.md",
            "---\ntitle: Hanya\ndraft: true\n---\n",
        )
        .file(
            "content/kb/draft-original.md",
            "---\ntitle: Later\ndraft: true\n---\n",
        )
        .file(
            "content/ms/kb/draft-original.md",
            "---\ntitle: Nanti\n---\n",
        );
    let dir = site.on_disk();
    let (tree, problems) = gangway::SourceTree::read_for_plans(dir.path());
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        tree.get("content/kb/setup.ms.md"),
        Some(&b""[..]),
        "known by name"
    );
    assert_eq!(tree.get("content/ms/kb/draft-original.md"), Some(&b""[..]));
    assert!(
        !tree
            .get("content/kb/only-ms.ms.md")
            .unwrap_or_default()
            .is_empty()
    );
    let from_disk = gangway::build::plan_customers(&tree, &site.options());
    let full = site.build();
    let errors = |d: &[Diagnostic]| -> Vec<String> {
        d.iter()
            .filter(|d| d.severity == gangway::diagnostic::Severity::Error)
            .map(|d| d.message.clone())
            .collect()
    };
    let expected = errors(full.diagnostics());
    assert_eq!(expected.len(), 2, "{expected:?}");
    assert!(
        expected.iter().any(|m| m.contains("kb/only-ms")),
        "{expected:?}"
    );
    assert!(
        expected.iter().any(|m| m.contains("kb/draft-original")),
        "{expected:?}"
    );
    assert_eq!(errors(&from_disk.diagnostics), expected);
}
