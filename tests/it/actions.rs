//! What a client sends from the portal (issue 20): task actions, ratings, page
//! votes and documents, as the pages show them; the `[feedback] url` template.

use gangway::actions::{self, Action, Signed};
use gangway::privacy::PortalSecret;

use crate::harness::*;

const ENDPOINT: &str = "\n[actions]\nendpoint = \"http://127.0.0.1:8765/submit\"\nconfirm = true\n";

/// The test site with an endpoint, `setup` asking for approval and a document.
fn site() -> Site {
    Site::new().append("gangway.toml", ENDPOINT).edit(
        "playbooks/onboarding.yaml",
        "        after: [welcome]\n        duration: 2bd\n",
        "        after: [welcome]\n        duration: 2bd\n        action: approve\n        request:\n          kind: sign\n          url: \"https://sign.test/{{ customer.id }}/order\"\n",
    )
}

/// The value of the hidden field `name` in the form of `html` that carries
/// `task`/`milestone` `subject` and `action`.
fn field(html: &str, subject: &str, action: &str, name: &str) -> Option<String> {
    html.split("<form").skip(1).find_map(|form| {
        let form = &form[..form.find("</form>")?];
        let has = |n: &str, v: &str| form.contains(&format!("name=\"{n}\" value=\"{v}\""));
        ((has("task", subject) || has("milestone", subject)) && has("action", action)).then(
            || {
                let at = form.find(&format!("name=\"{name}\" value=\""))? + name.len() + 15;
                Some(form[at..at + form[at..].find('"')?].to_string())
            },
        )?
    })
}

fn signed<'a>(subject: &'a str, action: Action) -> Signed<'a> {
    Signed {
        customer: "acme",
        subject,
        action,
        issued: TODAY.parse().unwrap(),
    }
}

#[test]
fn open_customer_tasks_carry_signed_forms_and_others_none() {
    let build = site().build();
    let page = build.page("portal/acme/checklist/index.html");
    let secret = PortalSecret::insecure_for_tests();
    for (action, a) in [("approve", Action::Approve), ("stuck", Action::Stuck)] {
        assert_eq!(
            field(&page, "setup", action, "customer").as_deref(),
            Some("acme")
        );
        assert_eq!(
            field(&page, "setup", action, "issued").as_deref(),
            Some(TODAY)
        );
        let sig = field(&page, "setup", action, "sig").expect("a signature");
        assert!(actions::verify(&secret, &signed("setup", a), &sig));
        assert!(!actions::verify(&secret, &signed("welcome", a), &sig));
    }
    // The approval asks for a name, "stuck" for a note; both labelled.
    assert!(page.contains("<label for=\"by-setup\">Your name</label>"));
    assert!(page.contains("<input id=\"by-setup\" name=\"by\""));
    assert!(page.contains("<label for=\"note-setup\">"));
    assert!(page.contains(r#"<form class="action-form" method="post" action="http://127.0.0.1:8765/submit" data-gw-form>"#));
    // `done` is not what this task allows; the vendor's task has no form.
    assert_eq!(field(&page, "setup", "done", "sig"), None);
    assert_eq!(field(&page, "welcome", "done", "sig"), None);
    assert_eq!(field(&page, "welcome", "stuck", "sig"), None);
    // The overview's next steps carry the same forms, the timeline a link.
    let overview = build.page("portal/acme/index.html");
    assert_eq!(
        field(&overview, "setup", "approve", "sig"),
        field(&page, "setup", "approve", "sig")
    );
    assert!(overview.contains("<script src=\"../../assets/actions.js\" defer></script>"));
    let timeline = build.page("portal/acme/timeline/index.html");
    assert!(!timeline.contains("data-gw-form"));
    assert!(timeline.contains("checklist/#task-setup\">Report progress</a>"));
    assert!(!timeline.contains("#task-welcome\">Report progress"));
    // A closed task has none, and an internal one is nowhere.
    let closed = site()
        .append(
            "customers/acme.yaml",
            "progress:\n  setup: { status: done, on: 2026-12-10 }\n",
        )
        .build();
    let page = closed.page("portal/acme/checklist/index.html");
    assert!(!page.contains("data-gw-form"), "{page}");
    let internal = site()
        .edit(
            "playbooks/onboarding.yaml",
            "        action: approve\n",
            "        action: approve\n      - id: secret-check\n        title: Hidden check\n        owner: admin\n        internal: true\n",
        )
        .build();
    let page = internal.page("portal/acme/checklist/index.html");
    assert!(!page.contains("secret-check"));
}

#[test]
fn the_policy_lets_forms_reach_the_endpoint() {
    let page = site().build().page("portal/acme/index.html");
    assert!(
        page.contains("connect-src 'self' http://127.0.0.1:8765;"),
        "{page}"
    );
    assert!(page.contains("form-action 'self' https: mailto: http://127.0.0.1:8765;"));
    let headers = site().build().file("_headers");
    assert!(headers.contains("connect-src 'self' http://127.0.0.1:8765;"));
}

#[test]
fn without_an_endpoint_actions_are_mail_to_the_contact() {
    let build = Site::new().build();
    let page = decode_attributes(&build.page("portal/acme/checklist/index.html"));
    let at = page
        .find("mailto:casey@vendor.test?subject=done%20setup%20%28acme%29&body=")
        .expect("a mailto action");
    let href = &page[at..at + page[at..].find('"').unwrap()];
    let body = href.split("&body=").nth(1).unwrap();
    let body = percent_decode(body);
    assert!(
        body.starts_with(
            "customer: acme\r\ntask: setup\r\naction: done\r\nissued: 2026-12-14\r\nsig: "
        ),
        "{body}"
    );
    let sig = body.lines().find_map(|l| l.strip_prefix("sig: ")).unwrap();
    assert!(actions::verify(
        &PortalSecret::insecure_for_tests(),
        &signed("setup", Action::Done),
        sig
    ));
    assert!(page.contains("mailto:casey@vendor.test?subject=stuck%20setup"));
    assert!(!page.contains("data-gw-form"));
    assert!(!page.contains("assets/actions.js"));
    // No contact e-mail: no actions at all, and no empty link.
    let build = Site::new()
        .edit(
            "customers/acme.yaml",
            "{ name: Casey Vendor, email: casey@vendor.test }",
            "{ name: Casey Vendor }",
        )
        .build();
    let page = build.page("portal/acme/checklist/index.html");
    assert!(!page.contains("task-actions"));
    assert!(!page.contains("href=\"mailto:?"));
    assert!(!page.contains("href=\"\""));
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

const HOSTILE: &str = "<script>alert(1)</script> {{ 7*7 }}";

#[test]
fn what_the_client_wrote_is_text() {
    let build = site()
        .append(
            "customers/acme.yaml",
            &format!(
                "progress:\n  welcome: {{ status: done, on: 2026-12-01 }}\n  setup: {{ status: done, on: 2026-12-10, by: {HOSTILE:?} }}\n"
            ),
        )
        .file(
            "feedback/acme.yaml",
            &format!("ratings:\n  - milestone: live\n    rating: 2\n    on: 2026-12-11\n    comment: {HOSTILE:?}\n"),
        )
        .build();
    let page = build.page("portal/acme/checklist/index.html");
    assert!(
        page.contains("Approved by &lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }} on 10 Dec 2026"),
        "{page}"
    );
    let overview = build.page("portal/acme/index.html");
    assert!(overview.contains(
        "You rated Go live 2 of 5. Thank you. <q>&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }}</q>"
    ));
    for html in [&page, &overview] {
        assert!(!html.contains("<script>alert"));
        assert!(!html.contains("49"));
    }
    // Rated: no second rating form.
    assert_eq!(field(&overview, "live", "rate", "sig"), None);
    let plan = build.plan("acme");
    assert_eq!(plan.item("setup")["by"], HOSTILE);
    assert_eq!(plan.item("setup")["reported"], false);
    assert_eq!(plan.item("setup")["reported_on"], "2026-12-10");
}

#[test]
fn reported_states_and_ratings_of_reached_milestones() {
    let build = site()
        .append(
            "customers/acme.yaml",
            "progress:\n  welcome: { status: done, on: 2026-12-01 }\n  setup: { status: done, on: 2026-12-10, reported: true }\n",
        )
        .build();
    let page = build.page("portal/acme/checklist/index.html");
    assert!(page.contains("Reported done by you on 10 Dec 2026, awaiting confirmation"));
    let plan = build.plan("acme");
    assert_eq!(plan.item("setup")["reported"], true);
    assert_eq!(plan.item("setup")["by"], serde_json::Value::Null);
    let overview = build.page("portal/acme/index.html");
    assert!(overview.contains("<legend>How did Go live go?</legend>"));
    let sig = field(&overview, "live", "rate", "sig").expect("a rating form");
    assert!(actions::verify(
        &PortalSecret::insecure_for_tests(),
        &signed("live", Action::Rate),
        &sig
    ));
    for n in 1..=5 {
        assert!(overview.contains(&format!(
            "<input type=\"radio\" id=\"rate-live-{n}\" name=\"rating\" value=\"{n}\" required><label for=\"rate-live-{n}\">{n}</label>"
        )));
    }
    // Without `confirm`, no "awaiting"; a reported "stuck".
    let build = Site::new()
        .append(
            "customers/acme.yaml",
            "progress:\n  setup: { status: blocked, note: No access yet, on: 2026-12-09, reported: true }\n",
        )
        .build();
    let page = build.page("portal/acme/checklist/index.html");
    assert!(page.contains("Reported stuck by you on 9 Dec 2026"));
    assert!(!page.contains("awaiting confirmation"));
}

#[test]
fn page_votes_carry_nothing_about_the_reader() {
    let one = site().build();
    let article = one.page("kb/setup/index.html");
    assert!(article.contains(r#"<input type="hidden" name="page" value="kb/setup">"#));
    assert!(article.contains(r#"<input type="hidden" name="lang" value="en">"#));
    assert!(article.contains(r#"<button type="submit" name="helpful" value="yes">Yes</button>"#));
    let files = one.ok().with_portals(&one);
    let token = files
        .portal("acme")
        .trim_start_matches("p/")
        .trim_end_matches('/');
    for secret in ["acme", "Acme", "Ada", token, "name=\"sig\"", "customer"] {
        assert!(!article.contains(secret), "`{secret}` in the article");
    }
    let other = site()
        .edit("customers/acme.yaml", "Acme Corp", "Other Name Ltd")
        .file(
            "customers/beta.yaml",
            "name: Beta\nplaybook: onboarding\nkickoff: 2026-12-02\nteam:\n  csm: { name: Bo, email: bo@vendor.test }\n",
        )
        .build();
    assert_eq!(other.page("kb/setup/index.html"), article);
    // No endpoint, no vote.
    let none = Site::new().build().page("kb/setup/index.html");
    // (The header's search form is no vote: every form that sends carries data-gw-form.)
    assert!(!none.contains("data-gw-form") && !none.contains("vote-form"));
    assert!(!none.contains("actions.js"));
}

#[test]
fn the_feedback_url_is_filled_in_per_customer() {
    let build = Site::new()
        .append(
            "gangway.toml",
            "\n[feedback]\nurl = \"https://forms.test/f?c={{ customer.id }}&n={{customer.name}}&l={{ customer.language }}\"\n",
        )
        .edit("customers/acme.yaml", "Acme Corp", "Acme & Co/ {{ x }}")
        .build();
    let page = decode_attributes(&build.page("portal/acme/index.html"));
    assert!(
        page.contains(
            "href=\"https://forms.test/f?c=acme&n=Acme%20%26%20Co%2F%20%7B%7B%20x%20%7D%7D&l=en\""
        ),
        "{page}"
    );
    let bad = Site::new()
        .append(
            "gangway.toml",
            "\n[feedback]\nurl = \"https://forms.test/f?c={{ customer.secret }}\"\n",
        )
        .build();
    let d = bad.assert_error("invalid-value", "gangway.toml", 13);
    assert!(d.message.contains("customer.secret"), "{}", d.message);
    let open = Site::new()
        .append(
            "gangway.toml",
            "\n[feedback]\nurl = \"https://forms.test/{{ customer.id\"\n",
        )
        .build();
    open.assert_error("invalid-value", "gangway.toml", 13);
}

#[test]
fn requested_documents_are_listed_with_their_filled_in_address() {
    let build = site().build();
    let overview = build.page("portal/acme/index.html");
    assert!(overview.contains("<h2 id=\"documents-h\">Documents we need from you</h2>"));
    assert!(
        overview.contains("<a class=\"button\" href=\"https://sign.test/acme/order\">Sign</a>")
    );
    let checklist = build.page("portal/acme/checklist/index.html");
    assert!(checklist.contains("href=\"https://sign.test/acme/order\">Sign</a>"));
    // A done task asks for nothing more.
    let done = site()
        .append(
            "customers/acme.yaml",
            "progress:\n  setup: { status: done, on: 2026-12-10 }\n",
        )
        .build();
    assert!(!done.page("portal/acme/index.html").contains("documents-h"));
    // A written address the allow-list refuses is an error; a bad kind too.
    let refused = site()
        .edit(
            "playbooks/onboarding.yaml",
            "\"https://sign.test/{{ customer.id }}/order\"",
            "\"javascript:alert(1)\"",
        )
        .build();
    refused.assert_error("unsafe-url", "playbooks/onboarding.yaml", 28);
    let kind = site()
        .edit("playbooks/onboarding.yaml", "kind: sign", "kind: sing")
        .build();
    let d = kind.assert_error("invalid-value", "playbooks/onboarding.yaml", 27);
    assert!(d.help.as_deref().unwrap_or_default().contains("sign"));
    // One refused once a customer's value is filled in is left out, with a warning.
    let filled = site()
        .edit(
            "playbooks/onboarding.yaml",
            "\"https://sign.test/{{ customer.id }}/order\"",
            "\"{{ customer.vars.form }}\"",
        )
        .append(
            "customers/acme.yaml",
            "vars:\n  form: \"javascript:alert(1)\"\n",
        );
    let build = filled.build();
    build.assert_warning("unsafe-url", "playbooks/onboarding.yaml", 28);
    let overview = build.page("portal/acme/index.html");
    assert!(!overview.contains("javascript:"));
    assert!(!overview.contains("documents-h"));
}
