//! What clients send back, as the build reads it: `feedback/` records, a task's
//! `action:` and progress entries' `reported` and `by` (docs/schema.md).

use crate::harness::*;

#[test]
fn feedback_records_are_read_and_stale_ones_are_kept_with_a_warning() {
    let build = Site::new()
        .file(
            "feedback/acme.yaml",
            r#"
            ratings:
              - { milestone: live, rating: 4, on: 2026-12-10, comment: "Fine" }
              - { milestone: lve, rating: 5, on: 2026-12-10 }
            "#,
        )
        .file(
            "feedback/kb/setup.yaml",
            "votes:\n  - { lang: en, helpful: true, on: 2026-12-10 }\n  - { lang: xx, helpful: false, on: 2026-12-10 }\n",
        )
        .file(
            "feedback/kb/gone.yaml",
            "votes:\n  - { lang: en, helpful: true, on: 2026-12-10 }\n",
        )
        .file(
            "feedback/nobody.yaml",
            "ratings:\n  - { milestone: live, rating: 4, on: 2026-12-10 }\n",
        )
        .build();
    build.ok();
    build.assert_warning("stale-feedback", "feedback/acme.yaml", 3);
    build.assert_warning("stale-feedback", "feedback/kb/setup.yaml", 3);
    build.assert_warning("stale-feedback", "feedback/kb/gone.yaml", 1);
    build.assert_warning("stale-feedback", "feedback/nobody.yaml", 1);
    assert_eq!(build.errors().len(), 0, "{}", build.report());
}

#[test]
fn a_malformed_feedback_record_is_a_located_error() {
    let build = Site::new()
        .file(
            "feedback/acme.yaml",
            "ratings:\n  - { milestone: live, rating: 9, on: 2026-12-10 }\n  - { milestone: live, rating: 3, on: 2026-13-40 }\n",
        )
        .build();
    build.assert_error("invalid-value", "feedback/acme.yaml", 2);
    build.assert_error("invalid-date", "feedback/acme.yaml", 3);
    let build = Site::new()
        .file(
            "feedback/acme.yaml",
            "ratings:\n  - { milestone: live, stars: 4 }\n",
        )
        .build();
    assert!(
        build.errors().iter().any(|d| d
            .location()
            .is_some_and(|(p, l, _)| p == "feedback/acme.yaml" && l == 2)),
        "{}",
        build.report()
    );
}

#[test]
fn a_task_action_is_one_of_three_and_only_on_the_customers_side() {
    let site = Site::new().edit(
        "playbooks/onboarding.yaml",
        "        duration: 2bd\n",
        "        duration: 2bd\n        action: aprove\n",
    );
    let build = site.build();
    build.assert_error("invalid-value", "playbooks/onboarding.yaml", 25);
    assert!(
        build.report().contains("did you mean `approve`?"),
        "{}",
        build.report()
    );
    let site = Site::new().edit(
        "playbooks/onboarding.yaml",
        "        faq: [reset-password]\n",
        "        faq: [reset-password]\n        action: acknowledge\n",
    );
    let d = site
        .build()
        .assert_error("invalid-value", "playbooks/onboarding.yaml", 20)
        .to_string();
    assert!(d.contains("customer"), "{d}");
    let site = Site::new().edit(
        "playbooks/onboarding.yaml",
        "        duration: 2bd\n",
        "        duration: 2bd\n        action: approve\n",
    );
    site.build().ok();
}

#[test]
fn a_reported_status_and_its_author_are_read() {
    let site = Site::new().append(
        "customers/acme.yaml",
        "progress:\n  welcome: { status: done, on: 2026-12-01 }\n  setup: { status: blocked, note: \"Waiting for IT\", on: 2026-12-03, reported: true, by: \"Ada\" }\n",
    );
    let build = site.build();
    build.ok();
    let page = build.ok().page("portal/acme/checklist/index.html");
    assert!(page.contains("Waiting for IT"));
    // A blocked task's date is when it became blocked, never a "done on":
    // only `welcome` has one.
    assert_eq!(page.matches("<dt>Done on</dt>").count(), 1, "{page}");
}
