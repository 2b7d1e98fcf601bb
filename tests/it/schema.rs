//! The input schema (docs/schema.md): every feature an author writes, and the
//! diagnostic (code, file, line) for every way to get it wrong.

use crate::harness::*;

const PB: &str = "playbooks/onboarding.yaml";
const ACME: &str = "customers/acme.yaml";

/// A playbook's first lines: the two roles of the minimal site.
const ROLES: &str = "\
title: Onboarding
roles:
  csm: { title: Customer success manager, side: vendor, contact: true }
  admin: { title: Customer administrator, side: customer }
";

/// A playbook made of [`ROLES`] and `rest` (which starts at line 5).
fn playbook(rest: &str) -> String {
    format!("{ROLES}{}", dedent(rest))
}

// ---------------------------------------------------------------------------
// Roles, sides and the contact role

#[test]
fn a_playbook_without_a_contact_role_is_an_error() {
    let build = Site::new().edit(PB, "    contact: true\n", "").build();
    let d = build.assert_error("contact-role", PB, 1);
    assert!(d.message.contains("no contact role"), "{}", d.message);
    assert!(d.help.as_deref().unwrap_or("").contains("contact: true"));
}

#[test]
fn a_playbook_with_two_contact_roles_is_an_error() {
    let build = Site::new()
        .edit(
            PB,
            "    side: customer\n",
            "    side: customer\n    contact: true\n",
        )
        .build();
    let d = build.assert_error("contact-role", PB, 1);
    assert!(
        d.message.contains("`csm`") && d.message.contains("`admin`"),
        "{}",
        d.message
    );
}

#[test]
fn the_contact_role_must_be_on_the_vendor_side() {
    let build = Site::new()
        .file(
            PB,
            r#"
            title: Onboarding
            roles:
              csm: { title: Customer success manager, side: customer, contact: true }
              admin: { title: Customer administrator, side: customer }
            "#,
        )
        .build();
    build.assert_error("contact-role", PB, 3);
}

#[test]
fn a_customer_without_the_contact_person_is_an_error() {
    let build = Site::new()
        .edit(
            ACME,
            "  csm: { name: Casey Vendor, email: casey@vendor.test }\n",
            "",
        )
        .build();
    let d = build.assert_error("missing-contact", ACME, 1);
    assert!(d.message.contains("`csm`"), "{}", d.message);
    assert!(d.help.as_deref().unwrap_or("").contains("csm:"));
}

#[test]
fn a_team_member_in_a_role_the_playbook_lacks_is_an_error() {
    let build = Site::new()
        .append(ACME, "  admn: { name: Someone }\n")
        .build();
    let d = build.assert_error("unknown-role", ACME, 7);
    assert_eq!(d.help.as_deref(), Some("did you mean `admin`?"));
}

#[test]
fn the_contact_person_and_team_are_on_the_portal_overview() {
    let overview = Site::new().build().file("portal/acme/index.html");
    assert!(overview.contains("Casey Vendor"));
    assert!(overview.contains("casey@vendor.test"));
    assert!(overview.contains("Ada Admin"));
}

#[test]
fn a_task_side_overrides_the_side_of_its_owner_role() {
    let plan = Site::new()
        .edit(
            PB,
            "        owner: admin\n",
            "        owner: admin\n        side: vendor\n",
        )
        .build()
        .plan("acme");
    assert_eq!(plan.item("setup")["side"], "vendor");
    assert_eq!(plan.item("welcome")["side"], "vendor");
    assert_eq!(plan.item("setup")["owner_name"], "Ada Admin");
}

#[test]
fn a_role_with_an_unknown_side_is_an_error_listing_the_sides() {
    let build = Site::new()
        .edit(PB, "side: customer", "side: client")
        .build();
    let d = build.assert_error("invalid-value", PB, 10);
    assert!(
        d.help.as_deref().unwrap_or("").contains("vendor"),
        "{:?}",
        d.help
    );
}

// ---------------------------------------------------------------------------
// Phases, tasks and milestones

#[test]
fn phases_tasks_and_milestones_reach_the_portal_and_the_preview() {
    let files = Site::new().build().ok();
    let checklist = files.file("portal/acme/checklist/index.html");
    assert!(checklist.contains("Getting started"));
    assert!(checklist.contains("Welcome Acme Corp"));
    assert!(checklist.contains("Set up the account"));
    let overview = files.file("portal/acme/index.html");
    assert!(overview.contains("Go live"));
    let preview = files.file("playbooks/onboarding/index.html");
    assert!(preview.contains("Getting started"));
    assert!(preview.contains("Set up the account"));
    assert!(preview.contains("Go live"));
    assert!(preview.contains("Customer success manager"));
}

#[test]
fn a_new_phase_without_a_title_is_an_error() {
    let build = Site::new()
        .file(
            PB,
            &playbook(
                r#"
                phases:
                  - id: start
                    tasks:
                      - id: welcome
                        title: Welcome
                        owner: csm
                "#,
            ),
        )
        .build();
    build.assert_error("missing-key", PB, 6);
}

#[test]
fn a_task_id_used_in_two_phases_is_an_error_pointing_at_both() {
    let build = Site::new()
        .file(
            PB,
            &playbook(
                r#"
                phases:
                  - id: one
                    title: One
                    tasks:
                      - id: welcome
                        title: Welcome
                        owner: csm
                  - id: two
                    title: Two
                    tasks:
                      - id: welcome
                        title: Welcome again
                        owner: csm
                "#,
            ),
        )
        .build();
    let d = build.assert_error("duplicate-id", PB, 15);
    assert_eq!(d.secondary.len(), 1);
    assert_eq!(d.secondary[0].line_col().0, 9);
}

/// Regression: a second task with the same id in the *same* phase silently
/// replaced the first (the `extends` merge rule was applied within one file),
/// and the author got "`welcome` waits for itself" instead.
#[test]
fn a_task_id_used_twice_in_one_phase_is_an_error() {
    let build = Site::new()
        .file(
            PB,
            &playbook(
                r#"
                phases:
                  - id: one
                    title: One
                    tasks:
                      - id: welcome
                        title: Welcome
                        owner: csm
                      - id: welcome
                        title: Welcome again
                        owner: csm
                "#,
            ),
        )
        .build();
    build.assert_error("duplicate-id", PB, 12);
}

#[test]
fn an_invalid_task_id_is_an_error() {
    let build = Site::new().edit(PB, "- id: setup", "- id: Set_Up").build();
    build.assert_error("invalid-id", PB, 20);
}

#[test]
fn a_milestone_without_after_or_due_is_a_warning() {
    let build = Site::new().edit(PB, "    after: [setup]\n", "").build();
    build.ok();
    build.assert_warning("milestone-unplaced", PB, 26);
}

#[test]
fn a_missing_task_title_is_an_error_inside_the_task() {
    let build = Site::new()
        .edit(PB, "        title: Set up the account\n", "")
        .build();
    let d = build.diagnostic("missing-key");
    assert!(d.message.contains("`title`"), "{}", d.message);
    // The task is lines 20 to 23 once its title is gone. gangway points at its
    // last key (`duration:`), not at the task's first line.
    let (path, line, _) = d.location().expect("a place");
    assert_eq!(path, PB);
    assert!((20..=23).contains(&line), "line {line}");
}

// ---------------------------------------------------------------------------
// Offsets and durations

#[test]
fn offsets_in_days_business_days_and_weeks_are_accepted() {
    for offset in ["0d", "3d", "2bd", "1w"] {
        Site::new()
            .edit(
                PB,
                "duration: 2bd",
                &format!("duration: 1bd\n        due: {offset}"),
            )
            .build()
            .ok();
    }
}

#[test]
fn an_offset_without_a_unit_is_an_error() {
    let build = Site::new().edit(PB, "duration: 2bd", "duration: 2").build();
    let d = build.assert_error("invalid-offset", PB, 24);
    assert!(d.help.as_deref().unwrap_or("").contains("`2bd`"));
}

#[test]
fn an_offset_with_an_unknown_unit_is_an_error() {
    let build = Site::new()
        .edit(
            PB,
            "        owner: csm\n",
            "        owner: csm\n        due: 2months\n",
        )
        .build();
    build.assert_error("invalid-offset", PB, 18);
}

// ---------------------------------------------------------------------------
// `after`

#[test]
fn waiting_for_an_unknown_task_is_an_error_with_a_suggestion() {
    let build = Site::new()
        .edit(PB, "after: [welcome]", "after: [welcom]")
        .build();
    let d = build.assert_error("unknown-task", PB, 23);
    assert_eq!(d.help.as_deref(), Some("did you mean `welcome`?"));
}

#[test]
fn a_task_waiting_for_itself_is_a_dependency_cycle() {
    let build = Site::new()
        .edit(PB, "after: [welcome]", "after: [setup]")
        .build();
    build.assert_error("dependency-cycle", PB, 23);
}

#[test]
fn a_task_may_wait_for_a_milestone() {
    let plan = Site::new()
        .append(
            PB,
            "  - id: kicked-off\n    title: Kicked off\n    after: [welcome]\n",
        )
        .edit(PB, "after: [welcome]", "after: [kicked-off]")
        .build()
        .plan("acme");
    assert_eq!(plan.after("setup"), ["kicked-off"]);
    assert_eq!(plan.start("setup"), "2026-12-02");
}

// ---------------------------------------------------------------------------
// Guides, FAQ entries and links

#[test]
fn an_unknown_guide_is_an_error_with_a_suggestion() {
    let build = Site::new().edit(PB, "[kb/setup]", "[kb/stup]").build();
    let d = build.assert_error("unknown-article", PB, 18);
    assert_eq!(d.help.as_deref(), Some("did you mean `kb/setup`?"));
}

#[test]
fn an_unknown_faq_entry_is_an_error_with_a_suggestion() {
    let build = Site::new()
        .edit(PB, "[reset-password]", "[reset-pasword]")
        .build();
    let d = build.assert_error("unknown-faq", PB, 19);
    assert_eq!(d.help.as_deref(), Some("did you mean `reset-password`?"));
}

#[test]
fn a_guide_may_be_named_by_its_file_name_alone() {
    let plan = Site::new()
        .edit(PB, "[kb/setup]", "[setup]")
        .build()
        .plan("acme");
    assert_eq!(plan.item("welcome")["guides"][0], "kb/setup");
}

#[test]
fn a_file_name_shared_by_two_articles_is_ambiguous() {
    let build = Site::new()
        .file(
            "content/security/setup.md",
            "---\ntitle: Secure setup\n---\nBody.\n",
        )
        .edit(PB, "[kb/setup]", "[setup]")
        .build();
    let d = build.assert_error("unknown-article", PB, 18);
    assert!(
        d.help.as_deref().unwrap_or("").contains("several"),
        "{:?}",
        d.help
    );
}

#[test]
fn guides_and_faq_entries_are_linked_from_the_checklist() {
    let files = Site::new().build().ok();
    let checklist = files.page("portal/acme/checklist/index.html");
    assert!(
        checklist.contains(r#"href="../../../kb/setup/""#),
        "{checklist}"
    );
    assert!(checklist.contains("Setting up your account"));
    let faq = format!(
        r#"href="../../../{}faq/#reset-password""#,
        files.portal("acme")
    );
    assert!(checklist.contains(&faq), "{checklist}");
    let portal_faq = files.file("portal/acme/faq/index.html");
    assert!(portal_faq.contains("How do I reset my password?"));
}

#[test]
fn links_are_shown_with_their_title() {
    let checklist = Site::new()
        .edit(
            PB,
            "        duration: 2bd\n",
            "        duration: 2bd\n        links:\n          - { title: Status page, url: \"https://status.test\" }\n",
        )
        .build()
        .page("portal/acme/checklist/index.html");
    assert!(checklist.contains(r#"<a href="https://status.test">Status page</a>"#));
}

#[test]
fn a_link_that_is_not_absolute_is_an_error() {
    let build = Site::new()
        .edit(
            PB,
            "        duration: 2bd\n",
            "        duration: 2bd\n        links:\n          - { title: Status, url: \"status.test\" }\n",
        )
        .build();
    build.assert_error("invalid-url", PB, 26);
}

// ---------------------------------------------------------------------------
// Conditions

/// A playbook with a `sso` task for enterprise customers only, and customers
/// `big` (enterprise) and `small` (standard).
fn with_enterprise_only_task(condition: &str) -> Site {
    Site::new()
        .edit(
            PB,
            "milestones:",
            &format!(
                "      - id: sso\n        title: Connect single sign-on\n        owner: admin\n        after: [setup]\n        when: {condition}\nmilestones:"
            ),
        )
        .file(
            "customers/big.yaml",
            r#"
            name: Big Bank
            playbook: onboarding
            kickoff: 2026-12-01
            vars: { plan: enterprise }
            team:
              csm: { name: Casey Vendor }
            "#,
        )
        .file(
            "customers/small.yaml",
            r#"
            name: Small Shop
            playbook: onboarding
            kickoff: 2026-12-01
            vars: { plan: standard }
            team:
              csm: { name: Casey Vendor }
            "#,
        )
}

#[test]
fn a_conditional_task_is_in_the_portals_whose_customers_match() {
    let files = with_enterprise_only_task(
        "customer.vars.plan is defined and customer.vars.plan == \"enterprise\"",
    )
    .build()
    .ok();
    assert!(files.plan("big").find("sso").is_some());
    assert!(
        files
            .file("portal/big/checklist/index.html")
            .contains("Connect single sign-on")
    );
    assert!(files.plan("small").find("sso").is_none());
    assert!(files.plan("acme").find("sso").is_none());
    for path in files
        .paths()
        .into_iter()
        .filter(|p| files.in_portal(p, "small"))
    {
        assert!(
            !files.file(path).contains("Connect single sign-on"),
            "{path}"
        );
    }
}

#[test]
fn the_preview_shows_conditional_tasks_marked_as_conditional() {
    let preview = with_enterprise_only_task(
        "customer.vars.plan is defined and customer.vars.plan == \"enterprise\"",
    )
    .build()
    .file("playbooks/onboarding/index.html");
    assert!(preview.contains("Connect single sign-on"));
    assert!(preview.contains("flag-conditional"));
}

#[test]
fn a_condition_on_an_undefined_variable_is_an_error() {
    // acme has no `vars` at all; `big` and `small` are fine.
    let build = with_enterprise_only_task("customer.vars.plan == \"enterprise\"").build();
    let d = build.assert_error("condition-error", PB, 29);
    assert!(d.message.contains("`acme`"), "{}", d.message);
    assert!(d.message.contains("customer.vars.plan"), "{}", d.message);
    assert!(d.help.as_deref().unwrap_or("").contains("is defined"));
    assert_eq!(build.errors().len(), 1, "{}", build.report());
}

#[test]
fn a_condition_with_a_syntax_error_is_an_error() {
    let build = with_enterprise_only_task("customer.vars.plan ==").build();
    build.assert_error("condition-syntax", PB, 29);
}

#[test]
fn a_condition_can_test_the_team() {
    let files = with_enterprise_only_task("customer.team.admin is defined")
        .build()
        .ok();
    assert!(files.plan("acme").find("sso").is_some());
    assert!(files.plan("big").find("sso").is_none());
}

// ---------------------------------------------------------------------------
// Templated text

#[test]
fn templated_titles_show_the_customer_in_portals_and_placeholders_in_the_preview() {
    let files = Site::new().build().ok();
    assert_eq!(
        files.plan("acme").item("welcome")["title"],
        "Welcome Acme Corp"
    );
    assert!(
        files
            .file("portal/acme/checklist/index.html")
            .contains("Welcome Acme Corp")
    );
    let preview = files.file("playbooks/onboarding/index.html");
    // The preview has no customer: their values read as words (issue 22).
    assert!(preview.contains("Welcome your company"), "{preview}");
    assert!(!preview.contains("Acme"));
}

#[test]
fn templated_descriptions_can_name_team_members() {
    let checklist = Site::new()
        .edit(
            PB,
            "        duration: 2bd\n",
            "        duration: 2bd\n        description: |\n          Ask {{ customer.team.admin.name }} to sign in.\n",
        )
        .build()
        .file("portal/acme/checklist/index.html");
    assert!(checklist.contains("Ask Ada Admin to sign in."));
}

#[test]
fn a_misspelt_variable_in_a_title_is_an_error_at_its_line() {
    let build = Site::new()
        .edit(PB, "{{ customer.name }}", "{{ customer.nmae }}")
        .build();
    let d = build.assert_error("template-error", PB, 16);
    assert!(d.message.contains("customer.nmae"), "{}", d.message);
}

#[test]
fn a_misspelt_variable_in_a_block_description_points_at_its_line() {
    let build = Site::new()
        .edit(
            PB,
            "        duration: 2bd\n",
            "        duration: 2bd\n        description: |\n          First line.\n          Ask {{ customer.team.admn.name }}.\n",
        )
        .build();
    build.assert_error("template-error", PB, 27);
}

#[test]
fn a_template_syntax_error_in_a_title_is_an_error() {
    let build = Site::new()
        .edit(PB, "{{ customer.name }}", "{{ customer.name")
        .build();
    build.assert_error("template-syntax", PB, 16);
}

/// Regression: phase titles were rendered per customer, but a render error
/// was swallowed and the raw `{{ customer.nmae }}` was published in the
/// portal's checklist, with no diagnostic.
#[test]
fn a_misspelt_variable_in_a_phase_title_is_an_error() {
    let build = Site::new()
        .edit(
            PB,
            "title: Getting started",
            "title: Getting {{ customer.nmae }} started",
        )
        .build();
    build.assert_error("template-error", PB, 13);
}

#[test]
fn phase_titles_and_descriptions_are_templated_in_portals() {
    let checklist = Site::new()
        .edit(
            PB,
            "    title: Getting started\n",
            "    title: Getting {{ customer.name }} started\n    description: Hello {{ customer.name }}.\n",
        )
        .build()
        .file("portal/acme/checklist/index.html");
    assert!(checklist.contains("Getting Acme Corp started"));
    assert!(checklist.contains("Hello Acme Corp."));
}

/// Regression: the public preview rendered phase *titles* with placeholders
/// but printed phase *descriptions* as written, `{{ customer.name }}` and all.
#[test]
fn phase_descriptions_show_placeholders_in_the_preview() {
    let preview = Site::new()
        .edit(
            PB,
            "    title: Getting started\n",
            "    title: Getting started\n    description: Hello {{ customer.name }}.\n",
        )
        .build()
        .file("playbooks/onboarding/index.html");
    assert!(preview.contains("Hello your company."), "{preview}");
    assert!(!preview.contains("{{"));
}

// ---------------------------------------------------------------------------
// Extending

const CHILD: &str = "playbooks/child.yaml";

/// A playbook `child` extending `onboarding`, and a customer `kid` on it.
fn with_child() -> Site {
    Site::new()
        .file(
            CHILD,
            r#"
            title: Child onboarding
            extends: onboarding
            roles:
              it: { title: IT contact, side: customer }
              admin: { title: Head of IT, side: customer }
            phases:
              - id: start
                title: First steps
                tasks:
                  - id: setup
                    title: Set up the child account
                    owner: it
                    after: [welcome]
                  - id: train
                    title: Train the team
                    owner: csm
                    after: [setup]
              - id: aftercare
                title: Aftercare
                tasks:
                  - id: review
                    title: Review
                    owner: csm
                    after: [train]
            milestones:
              - id: reviewed
                title: Reviewed
                after: [review]
            remove: [live]
            "#,
        )
        .file(
            "customers/kid.yaml",
            r#"
            name: Kid Co
            playbook: child
            kickoff: 2026-12-01
            team:
              csm: { name: Casey Vendor }
              it: { name: Ian Tech }
              admin: { name: Hana Head }
            "#,
        )
}

fn task_ids(plan: &Plan, phase: usize) -> Vec<String> {
    plan.0["phases"][phase]["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .map(|t| t["id"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn extends_merges_a_phase_replaces_tasks_by_id_and_appends_new_ones() {
    let files = with_child().build().ok();
    let plan = files.plan("kid");
    assert_eq!(task_ids(&plan, 0), ["welcome", "setup", "train"]);
    assert_eq!(plan.item("setup")["title"], "Set up the child account");
    assert_eq!(plan.item("setup")["owner_role"], "it");
    assert_eq!(plan.item("welcome")["title"], "Welcome Kid Co");
    let checklist = files.file("portal/kid/checklist/index.html");
    assert!(checklist.contains("First steps"));
    assert!(!checklist.contains("Getting started"));
}

#[test]
fn extends_appends_new_phases_after_the_parents() {
    let plan = with_child().build().plan("kid");
    let phases: Vec<&str> = plan.0["phases"]
        .as_array()
        .expect("phases")
        .iter()
        .filter_map(|p| p["id"].as_str())
        .collect();
    assert_eq!(phases, ["start", "aftercare"]);
    assert_eq!(task_ids(&plan, 1), ["review"]);
}

#[test]
fn extends_remove_drops_parent_items_from_the_child_only() {
    let files = with_child().build().ok();
    assert!(files.plan("kid").find("live").is_none());
    assert!(files.plan("kid").find("reviewed").is_some());
    assert!(files.plan("acme").find("live").is_some());
    assert!(!files.file("playbooks/child/index.html").contains("Go live"));
    assert!(
        files
            .file("playbooks/onboarding/index.html")
            .contains("Go live")
    );
}

#[test]
fn extends_replaces_roles_by_id_and_adds_new_ones() {
    let files = with_child().build().ok();
    let preview = files.file("playbooks/child/index.html");
    assert!(preview.contains("Head of IT"));
    assert!(preview.contains("IT contact"));
    assert!(preview.contains("Customer success manager"));
    assert!(!preview.contains("Customer administrator"));
}

#[test]
fn extends_chains_through_several_playbooks() {
    let plan = with_child()
        .file(
            "playbooks/grandchild.yaml",
            r#"
            title: Grandchild
            extends: child
            phases:
              - id: aftercare
                tasks:
                  - id: party
                    title: Celebrate
                    owner: csm
                    after: [review]
            "#,
        )
        .edit(
            "customers/kid.yaml",
            "playbook: child",
            "playbook: grandchild",
        )
        .build()
        .plan("kid");
    assert_eq!(task_ids(&plan, 1), ["review", "party"]);
    assert!(plan.find("welcome").is_some());
}

#[test]
fn extending_an_unknown_playbook_is_an_error_with_a_suggestion() {
    let build = Site::new()
        .file(CHILD, "title: Child\nextends: onboardin\n")
        .build();
    let d = build.assert_error("unknown-playbook", CHILD, 2);
    assert_eq!(d.help.as_deref(), Some("did you mean `onboarding`?"));
}

#[test]
fn playbooks_extending_each_other_in_a_circle_are_an_error() {
    let build = Site::new()
        .file("playbooks/a.yaml", "title: A\nextends: b\n")
        .file("playbooks/b.yaml", "title: B\nextends: a\n")
        .build();
    let d = build.assert_error("extends-cycle", "playbooks/b.yaml", 2);
    assert!(d.message.contains("a → b → a"), "{}", d.message);
}

#[test]
fn a_playbook_extending_itself_is_an_error() {
    let build = Site::new()
        .file(CHILD, "title: Child\nextends: child\n")
        .build();
    build.assert_error("extends-cycle", CHILD, 2);
}

#[test]
fn removing_what_the_parent_does_not_have_is_an_error() {
    let build = with_child()
        .edit(CHILD, "remove: [live]", "remove: [lve]")
        .build();
    build.assert_error("unknown-task", CHILD, 29);
}

#[test]
fn remove_without_extends_is_an_error() {
    let build = Site::new().append(PB, "remove: [live]\n").build();
    build.assert_error("remove-without-extends", PB, 29);
}

#[test]
fn a_playbook_id_that_differs_from_its_file_name_is_an_error() {
    let build = Site::new()
        .edit(
            PB,
            "title: Onboarding\n",
            "id: onboard\ntitle: Onboarding\n",
        )
        .build();
    let d = build.assert_error("id-mismatch", PB, 1);
    assert_eq!(
        d.help.as_deref(),
        Some("write `id: onboarding` or remove `id:`")
    );
}

#[test]
fn a_draft_playbook_is_checked_but_not_published() {
    let files = with_child()
        .edit(
            CHILD,
            "extends: onboarding\n",
            "extends: onboarding\ndraft: true\n",
        )
        .build()
        .ok();
    assert!(!files.has("playbooks/child/index.html"));
    assert!(!files.file("index.html").contains("Child onboarding"));
    assert!(files.has("portal/kid/index.html"));
}

// ---------------------------------------------------------------------------
// Customers: progress

#[test]
fn progress_statuses_are_shown_on_the_checklist() {
    let files = Site::new()
        .append(
            ACME,
            r#"
            progress:
              welcome: { status: done, on: 2026-12-01 }
              setup: { status: blocked, note: Waiting for the SSO metadata }
            "#,
        )
        .build()
        .ok();
    let plan = files.plan("acme");
    assert_eq!(plan.item("welcome")["status"], "done");
    assert_eq!(plan.item("welcome")["done_on"], "2026-12-01");
    assert_eq!(plan.item("setup")["status"], "blocked");
    assert_eq!(plan.item("setup")["note"], "Waiting for the SSO metadata");
    assert_eq!(plan.0["progress"]["done"], 1);
    assert_eq!(plan.0["progress"]["total"], 2);
    let checklist = files.file("portal/acme/checklist/index.html");
    assert!(checklist.contains("Waiting for the SSO metadata"));
    assert!(
        files
            .file("portal/acme/index.html")
            .contains("Waiting for the SSO metadata")
    );
}

#[test]
fn a_skipped_task_shows_its_reason_and_counts_as_done() {
    let plan = Site::new()
        .append(
            ACME,
            r#"
            progress:
              welcome: { status: skipped, reason: Met at the conference }
              setup: { status: in-progress }
            "#,
        )
        .build()
        .plan("acme");
    assert_eq!(plan.item("welcome")["note"], "Met at the conference");
    assert_eq!(plan.item("setup")["status"], "in-progress");
    assert_eq!(plan.0["progress"]["done"], 1);
}

#[test]
fn done_needs_on() {
    let build = Site::new()
        .append(ACME, "progress:\n  welcome: { status: done }\n")
        .build();
    let d = build.assert_error("missing-key", ACME, 8);
    assert!(d.message.contains("`on`"), "{}", d.message);
}

#[test]
fn blocked_needs_a_note() {
    let build = Site::new()
        .append(ACME, "progress:\n  welcome:\n    status: blocked\n")
        .build();
    let d = build.assert_error("missing-key", ACME, 9);
    assert!(d.message.contains("`note`"), "{}", d.message);
}

#[test]
fn skipped_needs_a_reason() {
    let build = Site::new()
        .append(
            ACME,
            "progress:\n  welcome: { status: skipped, note: oops }\n",
        )
        .build();
    let d = build.assert_error("missing-key", ACME, 8);
    assert!(d.message.contains("`reason`"), "{}", d.message);
}

#[test]
fn an_unknown_status_is_an_error_listing_the_statuses() {
    let build = Site::new()
        .append(ACME, "progress:\n  welcome: { status: finished }\n")
        .build();
    let d = build.assert_error("invalid-value", ACME, 8);
    assert!(
        d.help.as_deref().unwrap_or("").contains("in-progress"),
        "{:?}",
        d.help
    );
}

#[test]
fn progress_for_an_unknown_task_is_an_error_with_a_suggestion() {
    let build = Site::new()
        .append(ACME, "progress:\n  setpu: { status: todo }\n")
        .build();
    let d = build.assert_error("unknown-task", ACME, 8);
    assert_eq!(d.help.as_deref(), Some("did you mean `setup`?"));
}

#[test]
fn a_task_done_before_the_kickoff_is_a_warning() {
    let build = Site::new()
        .append(
            ACME,
            "progress:\n  welcome: { status: done, on: 2026-11-30 }\n",
        )
        .build();
    build.ok();
    build.assert_warning("date-before-kickoff", ACME, 8);
}

// ---------------------------------------------------------------------------
// Customers: extra tasks, removed tasks, calendar

#[test]
fn an_extra_task_joins_its_phase_for_that_customer_only() {
    let files = Site::new()
        .append(
            ACME,
            r#"
            extra_tasks:
              - phase: start
                id: migrate
                title: Migrate legacy records
                owner: csm
                after: [setup]
                duration: 3bd
            "#,
        )
        .file(
            "customers/other.yaml",
            "name: Other\nplaybook: onboarding\nkickoff: 2026-12-01\nteam:\n  csm: { name: Casey Vendor }\n",
        )
        .build()
        .ok();
    let plan = files.plan("acme");
    assert_eq!(task_ids(&plan, 0), ["welcome", "setup", "migrate"]);
    assert_eq!(plan.start("migrate"), "2026-12-04");
    assert_eq!(plan.due("migrate"), "2026-12-08");
    assert!(
        files
            .file("portal/acme/checklist/index.html")
            .contains("Migrate legacy records")
    );
    assert!(files.plan("other").find("migrate").is_none());
    assert!(
        !files
            .file("playbooks/onboarding/index.html")
            .contains("Migrate")
    );
}

#[test]
fn an_extra_task_in_an_unknown_phase_is_an_error_with_a_suggestion() {
    let build = Site::new()
        .append(
            ACME,
            "extra_tasks:\n  - phase: strat\n    id: migrate\n    title: Migrate\n    owner: csm\n",
        )
        .build();
    let d = build.assert_error("unknown-phase", ACME, 8);
    assert_eq!(d.help.as_deref(), Some("did you mean `start`?"));
}

#[test]
fn an_extra_task_without_a_phase_is_an_error() {
    let build = Site::new()
        .append(
            ACME,
            "extra_tasks:\n  - id: migrate\n    title: Migrate\n    owner: csm\n",
        )
        .build();
    build.assert_error("missing-key", ACME, 8);
}

#[test]
fn an_extra_task_reusing_a_playbook_id_is_an_error() {
    let build = Site::new()
        .append(
            ACME,
            "extra_tasks:\n  - phase: start\n    id: setup\n    title: Again\n    owner: csm\n",
        )
        .build();
    build.assert_error("duplicate-id", ACME, 9);
}

#[test]
fn removed_tasks_are_dropped_and_their_dependants_move_up() {
    let plan = Site::new()
        .append(ACME, "remove_tasks: [welcome]\n")
        .build()
        .plan("acme");
    assert!(plan.find("welcome").is_none());
    assert_eq!(plan.after("setup"), Vec::<&str>::new());
    assert_eq!(plan.start("setup"), "2026-12-01");
}

#[test]
fn removing_an_unknown_task_is_an_error_with_a_suggestion() {
    let build = Site::new().append(ACME, "remove_tasks: [welcom]\n").build();
    let d = build.assert_error("unknown-task", ACME, 7);
    assert_eq!(d.help.as_deref(), Some("did you mean `welcome`?"));
}

#[test]
fn a_customer_calendar_overrides_the_work_week() {
    // Friday 2026-12-04 is a work day on the site calendar but not on a
    // Sunday-to-Thursday week, where day 0 moves to Sunday 2026-12-06.
    let site = Site::new().edit(ACME, "kickoff: 2026-12-01", "kickoff: 2026-12-04");
    assert_eq!(site.build().plan("acme").0["kickoff"], "2026-12-04");
    let plan = site
        .append(ACME, "calendar:\n  workdays: [sun, mon, tue, wed, thu]\n")
        .build()
        .plan("acme");
    assert_eq!(plan.0["kickoff"], "2026-12-06");
    assert_eq!(plan.due("setup"), "2026-12-08");
}

#[test]
fn a_customer_calendar_replaces_the_site_holidays() {
    // The site takes Friday 2026-12-25 off; this customer works it and takes
    // Thursday the 24th off instead.
    let site = Site::new()
        .edit(ACME, "kickoff: 2026-12-01", "kickoff: 2026-12-23")
        .edit(PB, "duration: 2bd", "duration: 3bd");
    let plan = site.build().plan("acme");
    assert_eq!(plan.start("setup"), "2026-12-24");
    assert_eq!(plan.due("setup"), "2026-12-29");
    let plan = site
        .append(ACME, "calendar:\n  holidays: [2026-12-24]\n")
        .build()
        .plan("acme");
    assert_eq!(plan.start("setup"), "2026-12-25");
    assert_eq!(plan.due("setup"), "2026-12-29");
    assert_eq!(plan.due("welcome"), "2026-12-23");
}

#[test]
fn a_customer_calendar_with_an_unknown_day_is_an_error() {
    let build = Site::new()
        .append(ACME, "calendar:\n  workdays: [mon, funday]\n")
        .build();
    build.assert_error("invalid-value", ACME, 8);
}

// ---------------------------------------------------------------------------
// Unknown keys, wrong types, bad dates, malformed YAML

#[test]
fn an_unknown_task_key_is_an_error_with_a_suggestion() {
    let build = Site::new()
        .edit(PB, "        owner: admin", "        ownr: admin")
        .build();
    let d = build.assert_error("unknown-key", PB, 22);
    assert_eq!(d.message, "unknown key `ownr`");
    assert_eq!(d.help.as_deref(), Some("did you mean `owner`?"));
    assert_eq!(d.location().map(|l| l.2), Some(9));
}

#[test]
fn an_unknown_customer_key_is_an_error_with_a_suggestion() {
    let build = Site::new().append(ACME, "notse: call in March\n").build();
    let d = build.assert_error("unknown-key", ACME, 7);
    assert_eq!(d.help.as_deref(), Some("did you mean `notes`?"));
}

#[test]
fn an_unknown_key_far_from_any_known_one_lists_the_known_keys() {
    let build = Site::new().append(ACME, "colour: blue\n").build();
    let d = build.assert_error("unknown-key", ACME, 7);
    assert!(
        d.help.as_deref().unwrap_or("").contains("kickoff"),
        "{:?}",
        d.help
    );
}

#[test]
fn an_unknown_config_key_is_an_error_with_a_suggestion() {
    let build = Site::new()
        .edit("gangway.toml", "description =", "descripton =")
        .build();
    let d = build.assert_error("unknown-key", "gangway.toml", 3);
    assert_eq!(d.help.as_deref(), Some("did you mean `description`?"));
}

/// gangway.toml is TOML: its syntax errors and wrong types carry TOML's own codes,
/// not YAML's, at the line of the problem.
#[test]
fn gangway_toml_problems_carry_toml_codes() {
    for (from, to, code) in [
        ("description =", "description", "toml-syntax"),
        ("description =", "description = [1] #", "wrong-type"),
        ("description =", "[description] #", "wrong-type"),
        ("description =", "description = \"x", "toml-syntax"),
    ] {
        let build = Site::new().edit("gangway.toml", from, to).build();
        build.assert_error(code, "gangway.toml", 3);
    }
}

#[test]
fn an_unknown_front_matter_key_is_an_error_at_its_line_in_the_file() {
    let build = Site::new()
        .edit("content/kb/setup.md", "summary:", "sumary:")
        .build();
    let d = build.assert_error("unknown-key", "content/kb/setup.md", 3);
    assert_eq!(d.help.as_deref(), Some("did you mean `summary`?"));
}

#[test]
fn a_missing_required_key_is_an_error_in_its_file() {
    let build = Site::new().edit(ACME, "playbook: onboarding\n", "").build();
    let d = build.diagnostic("missing-key");
    assert!(d.message.contains("`playbook`"), "{}", d.message);
    assert_eq!(d.help.as_deref(), Some("add `playbook:` here"));
    // Points at the mapping's last key (`team:`, line 3), not at line 1.
    assert_eq!(d.location().map(|l| l.0), Some(ACME.to_string()));
}

#[test]
fn a_key_written_twice_is_an_error() {
    let build = Site::new().append(ACME, "name: Acme Again\n").build();
    build.assert_error("duplicate-key", ACME, 7);
}

#[test]
fn a_word_where_a_boolean_belongs_is_a_wrong_type() {
    let build = Site::new()
        .edit(PB, "contact: true", "contact: yes please")
        .build();
    build.assert_error("wrong-type", PB, 7);
}

#[test]
fn a_single_id_where_a_list_belongs_is_a_wrong_type() {
    let build = Site::new()
        .edit(PB, "after: [welcome]", "after: welcome")
        .build();
    build.assert_error("wrong-type", PB, 23);
}

#[test]
fn a_word_where_a_number_belongs_is_a_wrong_type() {
    let build = Site::new()
        .edit("content/kb/setup.md", "summary:", "weight: heavy\nsummary:")
        .build();
    build.assert_error("wrong-type", "content/kb/setup.md", 3);
}

#[test]
fn a_date_that_does_not_exist_is_an_error() {
    let build = Site::new().edit(ACME, "2026-12-01", "2026-02-30").build();
    let d = build.assert_error("invalid-date", ACME, 3);
    assert!(d.message.contains("2026-02-30"), "{}", d.message);
}

#[test]
fn a_date_in_another_format_is_an_error() {
    let build = Site::new().edit(ACME, "2026-12-01", "01/12/2026").build();
    build.assert_error("invalid-date", ACME, 3);
}

#[test]
fn a_bad_holiday_in_the_site_calendar_is_an_error() {
    let build = Site::new()
        .edit("gangway.toml", "\"2026-12-25\"", "\"2026-12-32\"")
        .build();
    build.assert_error("invalid-date", "gangway.toml", 11);
}

#[test]
fn a_bad_done_date_is_an_error() {
    let build = Site::new()
        .append(
            ACME,
            "progress:\n  welcome: { status: done, on: 2026-11-31 }\n",
        )
        .build();
    build.assert_error("invalid-date", ACME, 8);
}

#[test]
fn an_unclosed_quote_is_a_yaml_syntax_error() {
    let build = Site::new()
        .edit(
            PB,
            "title: Set up the account",
            "title: \"Set up the account",
        )
        .build();
    build.assert_error("yaml-syntax", PB, 21);
}

#[test]
fn a_badly_indented_key_is_a_yaml_syntax_error() {
    let build = Site::new()
        .edit(ACME, "playbook: onboarding", "  playbook: onboarding")
        .build();
    build.assert_error("yaml-syntax", ACME, 2);
}

/// Regression: a syntax error in front matter has no byte offset from the YAML
/// parser, and its line was taken relative to the front matter instead of the
/// file: `summary: "The first` on line 3 was reported at line 2.
#[test]
fn malformed_front_matter_is_a_yaml_syntax_error_at_its_line_in_the_file() {
    let build = Site::new()
        .edit(
            "content/kb/setup.md",
            "summary: The first",
            "summary: \"The first",
        )
        .build();
    build.assert_error("yaml-syntax", "content/kb/setup.md", 3);
}

#[test]
fn an_article_without_front_matter_or_first_heading_is_an_error() {
    let build = Site::new()
        .file("content/kb/bare.md", "Just some text.\n\n## A heading\n")
        .build();
    build.assert_error("missing-front-matter", "content/kb/bare.md", 1);
}

#[test]
fn one_run_reports_every_problem_in_every_file() {
    let build = Site::new()
        .edit(PB, "owner: admin", "owner: admn")
        .edit(PB, "[kb/setup]", "[kb/stup]")
        .append(ACME, "notse: x\n")
        .edit("content/kb/setup.md", "summary:", "sumary:")
        .build();
    build.assert_error("unknown-role", PB, 22);
    build.assert_error("unknown-article", PB, 18);
    build.assert_error("unknown-key", ACME, 7);
    build.assert_error("unknown-key", "content/kb/setup.md", 3);
    assert_eq!(build.errors().len(), 4, "{}", build.report());
}

// ---------------------------------------------------------------------------
// Knowledge base

#[test]
fn articles_are_published_at_their_path() {
    let files = Site::new().build().ok();
    let page = files.file("kb/setup/index.html");
    assert!(page.contains("Setting up your account"));
    assert!(page.contains(r#"id="sign-in""#));
    assert!(
        files
            .file("kb/index.html")
            .contains("Setting up your account")
    );
    assert!(
        files
            .file("faq/index.html")
            .contains("How do I reset my password?")
    );
}

#[test]
fn a_link_to_a_missing_article_is_an_error_with_a_suggestion() {
    let build = Site::new()
        .append("content/kb/setup.md", "\nSee [sign in](setpu.md).\n")
        .build();
    let d = build.assert_error("broken-link", "content/kb/setup.md", 8);
    assert_eq!(d.help.as_deref(), Some("did you mean content/kb/setup.md?"));
}

#[test]
fn a_link_to_a_missing_anchor_is_an_error_with_a_suggestion() {
    let build = Site::new()
        .append("content/kb/setup.md", "\nSee [sign in](#sign-ni).\n")
        .build();
    let d = build.assert_error("broken-anchor", "content/kb/setup.md", 8);
    assert_eq!(d.help.as_deref(), Some("did you mean `#sign-in`?"));
}

#[test]
fn links_between_articles_are_rewritten_to_pages() {
    let page = Site::new()
        .file(
            "content/security/sso.md",
            "---\ntitle: SSO\n---\nFirst [set up](../kb/setup.md#sign-in).\n",
        )
        .build()
        .page("security/sso/index.html");
    assert!(page.contains(r#"href="../../kb/setup/#sign-in""#), "{page}");
}

/// A child that removes a task its parent's other items wait for: what waited
/// for the removed task waits for what the removed task waited for (as a
/// customer's `remove_tasks` does). It once left a dangling reference, reported
/// inside the parent's file without naming the child.
#[test]
fn removing_a_task_others_wait_for_passes_its_dependencies_on() {
    let build = Site::new()
        .file(
            CHILD,
            "title: Child\nextends: onboarding\nremove: [setup]\n",
        )
        .edit(ACME, "playbook: onboarding", "playbook: child")
        .build();
    let plan = build.plan("acme");
    assert!(plan.find("setup").is_none());
    assert_eq!(plan.item("live")["after"], serde_json::json!(["welcome"]));
}

/// Regression guard for "one run shows every problem": the customers are
/// only read when gangway.toml is valid.
#[test]
fn an_error_in_gangway_toml_does_not_hide_errors_in_customer_files() {
    let build = Site::new()
        .edit("gangway.toml", "description =", "descripton =")
        .append(ACME, "notse: x\n")
        .build();
    build.assert_error("unknown-key", "gangway.toml", 3);
    build.assert_error("unknown-key", ACME, 7);
}

// ---------------------------------------------------------------------------
// Themes

/// The minimal site using theme `x`, with one template of it overridden.
fn with_theme_template(name: &str, text: &str) -> Site {
    Site::new()
        .edit(
            "gangway.toml",
            "title = \"Test Portal\"",
            "title = \"Test Portal\"\ntheme = \"x\"",
        )
        .file(&format!("themes/x/templates/{name}"), text)
}

#[test]
fn a_theme_overrides_templates_and_static_files() {
    let files = with_theme_template(
        "faq.html",
        "{% extends \"base.html\" %}{% block main %}<h1 class=\"custom\">{{ page.title }}</h1>{% endblock %}\n",
    )
    .file("themes/x/static/logo.svg", "<svg/>")
    .build()
    .ok();
    assert!(
        files
            .file("faq/index.html")
            .contains(r#"<h1 class="custom">"#)
    );
    assert_eq!(files.file("assets/logo.svg"), "<svg/>");
    assert!(files.has("assets/style.css"));
}

#[test]
fn a_misspelt_value_in_a_theme_template_is_an_error_at_its_line() {
    let build = with_theme_template(
        "faq.html",
        "{% extends \"base.html\" %}\n{% block main %}\n<h1>{{ page.title }}</h1>\n{{ faqz }}\n{% endblock %}\n",
    )
    .build();
    let d = build.assert_error("template-error", "themes/x/templates/faq.html", 4);
    assert!(
        d.help.as_deref().unwrap_or("").contains("theming.md"),
        "{:?}",
        d.help
    );
}

#[test]
fn a_theme_that_does_not_exist_is_an_error() {
    let build = Site::new()
        .edit(
            "gangway.toml",
            "title = \"Test Portal\"",
            "title = \"Test Portal\"\ntheme = \"nowhere\"",
        )
        .build();
    build.assert_error("unknown-theme", "gangway.toml", 2);
}

/// A syntax error in a theme template is reported, and then the same template
/// is reported again as "template not found: ... does not exist", which it does.
#[test]
fn a_syntax_error_in_a_theme_template_is_reported_once() {
    let build = with_theme_template(
        "faq.html",
        "{% extends \"base.html\" %}\n{% block main %}\n<h1>{{ page.title }</h1>\n{% endblock %}\n",
    )
    .build();
    let d = build.diagnostic("template-error");
    assert!(d.message.contains("syntax error"), "{}", d.message);
    assert_eq!(d.location().map(|l| l.1), Some(3));
}

/// The overview's `<title>` is "page title – customer name", and the page
/// title of the overview is the customer's name, so browsers show
/// "Acme Corp – Acme Corp".
#[test]
fn the_overview_title_names_the_customer_once() {
    let overview = Site::new().build().file("portal/acme/index.html");
    let start = overview.find("<title>").expect("a title") + "<title>".len();
    let end = overview[start..].find("</title>").expect("a title") + start;
    assert_eq!(
        overview[start..end].matches("Acme Corp").count(),
        1,
        "{}",
        &overview[start..end]
    );
}

// ---------------------------------------------------------------------------
// Portal overview

/// Regression: "next steps" only listed tasks whose dependencies were closed.
/// A customer whose first visible task waits for an internal task (which they
/// never track) got "Nothing left to do: every task is done." with 0 of 5
/// tasks done (fixture `valid/multi`, customer `gamma`, before 8b54966).
#[test]
fn next_steps_are_not_held_back_by_internal_tasks() {
    let overview = Site::new()
        .edit(
            PB,
            "      - id: welcome\n",
            "      - id: prepare\n        title: Read the sales notes\n        owner: csm\n        internal: true\n      - id: welcome\n        after: [prepare]\n",
        )
        .today("2026-11-30")
        .build()
        .file("portal/acme/index.html");
    assert!(!overview.contains("every task is done"), "{overview}");
    let next = overview.find("Next steps").expect("a next steps section");
    assert!(overview[next..].contains("Welcome Acme Corp"));
}

#[test]
fn next_steps_skip_blocked_and_finished_tasks() {
    let overview = Site::new()
        .append(
            ACME,
            "progress:\n  welcome: { status: done, on: 2026-12-01 }\n",
        )
        .build()
        .file("portal/acme/index.html");
    let next = overview.find("Next steps").expect("a next steps section");
    assert!(overview[next..].contains("Set up the account"));
    assert!(!overview[next..].contains("Welcome Acme Corp"));
    let overview = Site::new()
        .append(ACME, "progress:\n  welcome: { status: done, on: 2026-12-01 }\n  setup: { status: blocked, note: Waiting }\n")
        .build()
        .file("portal/acme/index.html");
    let next = overview.find("Next steps").expect("a next steps section");
    let milestones = overview.find("Milestones").expect("a milestones section");
    assert!(
        !overview[next..milestones].contains("Set up the account"),
        "{}",
        &overview[next..milestones]
    );
}
