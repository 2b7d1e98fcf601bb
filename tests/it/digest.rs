//! `gangway digest`: who hears what, in which language, and how each format
//! is written (issue 19, part 3).

use gangway::digest::{self, Digest, Refused, Request, SectionKind};

use crate::harness::Site;

/// A site where, on Monday 14 December 2026, the vendor's `csm` has an
/// overdue task, an internal task and a blocked one, the customer's `admin`
/// has a task just unblocked and one due soon, and go-live is late.
fn site() -> Site {
    Site::new()
        .file(
            "playbooks/onboarding.yaml",
            r#"
            title: Onboarding
            roles:
              csm: { title: Customer success manager, side: vendor, contact: true }
              admin: { title: Customer administrator, side: customer }
            phases:
              - id: start
                title: Getting started
                tasks:
                  - id: welcome
                    title: Welcome {{ customer.name }}
                    owner: csm
                    guides: [kb/setup]
                  - id: credit-check
                    title: Run the credit check
                    owner: csm
                    internal: true
                    due: 2bd
                  - id: contract
                    title: Countersign the contract
                    owner: csm
                    due: 3bd
                  - id: setup
                    title: Set up the account
                    owner: admin
                    after: [welcome]
                    due: 10bd
                  - id: invite
                    title: Invite your team
                    owner: admin
                    due: 11bd
            milestones:
              - id: live
                title: Go live
                after: [setup, invite, contract]
            "#,
        )
        .file(
            "customers/acme.yaml",
            r#"
            name: Acme Corp
            playbook: onboarding
            kickoff: 2026-12-01
            language: en
            team:
              csm: { name: Casey Vendor, email: casey@vendor.test }
              admin: { name: Ada Admin, email: ada@acme.test }
            progress:
              welcome: { status: done, on: 2026-12-11 }
              contract: { status: blocked, note: Waiting for the signed copy }
            "#,
        )
}

fn make(site: &Site, request: &Request) -> Result<Digest, Refused> {
    digest::digest(&site.plan(), &site.options(), request)
}

fn all(site: &Site) -> Digest {
    make(site, &Request::default()).expect("a digest")
}

/// The ids in each section of the digest of the recipient at `email`.
fn sections_of(d: &Digest, email: &str) -> Vec<(SectionKind, Vec<String>)> {
    let m = d
        .messages
        .iter()
        .find(|m| m.recipient.email.as_deref() == Some(email))
        .unwrap_or_else(|| panic!("no digest for {email}"));
    m.sections
        .iter()
        .map(|s| (s.kind, s.entries.iter().map(|e| e.id.clone()).collect()))
        .collect()
}

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn each_person_hears_of_their_own_work_in_sections() {
    let d = all(&site());
    assert_eq!(d.since.to_string(), "2026-12-11", "the working day before");
    assert_eq!(d.within_days, 3);
    assert_eq!(
        sections_of(&d, "ada@acme.test"),
        vec![
            (SectionKind::Unblocked, ids(&["setup"])),
            (SectionKind::DueSoon, ids(&["invite"])),
        ]
    );
    assert_eq!(
        sections_of(&d, "casey@vendor.test"),
        vec![
            (SectionKind::Blocked, ids(&["contract"])),
            (SectionKind::Overdue, ids(&["credit-check"])),
        ]
    );
    // Vendor people come first.
    assert_eq!(d.messages[0].recipient.side, "vendor");
    assert_eq!(d.messages[1].recipient.side, "customer");
}

#[test]
fn due_soon_follows_within_and_ready_follows_since() {
    let s = site();
    let request = Request {
        within_days: Some(10),
        since: Some("2026-12-12".parse().expect("a date")),
        ..Request::default()
    };
    let d = make(&s, &request).expect("a digest");
    // `setup` became ready on the 11th, before --since: now it is only due soon.
    assert_eq!(
        sections_of(&d, "ada@acme.test"),
        vec![(SectionKind::DueSoon, ids(&["setup", "invite"]))]
    );
}

#[test]
fn late_work_moves_go_live_and_everyone_on_the_customer_hears_it() {
    let d = all(&site().today("2026-12-18"));
    let ada = sections_of(&d, "ada@acme.test");
    assert_eq!(ada[0], (SectionKind::Overdue, ids(&["setup", "invite"])));
    assert_eq!(ada[1], (SectionKind::ExpectedLater, ids(&["live"])));
    let casey = sections_of(&d, "casey@vendor.test");
    assert_eq!(
        casey.last(),
        Some(&(SectionKind::ExpectedLater, ids(&["live"])))
    );
    let m = d
        .messages
        .iter()
        .find(|m| m.recipient.side == "customer")
        .expect("Ada");
    let text = digest::markdown(m);
    assert!(text.contains("planned 16 Dec 2026 → expected"), "{text}");
}

#[test]
fn internal_tasks_never_reach_a_customer_side_digest() {
    // Even an internal task owned by a customer-side role.
    let s = site().edit(
        "playbooks/onboarding.yaml",
        "owner: csm\n        internal: true",
        "owner: admin\n        internal: true",
    );
    let d = all(&s);
    for m in d.messages.iter().filter(|m| m.recipient.side == "customer") {
        let all_text = format!("{}{}", digest::markdown(m), digest::html(m));
        assert!(!all_text.contains("credit check"), "{all_text}");
        for s in &m.sections {
            assert!(s.entries.iter().all(|e| e.id != "credit-check"));
        }
    }
    // The vendor's contact still hears of it (overdue, whoever owns it).
    let casey = sections_of(&d, "casey@vendor.test");
    assert!(
        casey
            .iter()
            .any(|(_, ids)| ids.contains(&"credit-check".to_string()))
    );
}

#[test]
fn customer_side_people_read_their_customers_language_and_vendor_people_the_default() {
    let s = site()
        .edit(
            "gangway.toml",
            "description",
            "languages = [\"en\", \"ne\"]\ndescription",
        )
        .edit("customers/acme.yaml", "language: en", "language: ne");
    let d = all(&s);
    let ada = d
        .messages
        .iter()
        .find(|m| m.recipient.side == "customer")
        .expect("Ada's digest");
    assert_eq!(ada.language, "ne");
    assert!(ada.subject.contains("अनबोर्डिङ"), "{}", ada.subject);
    // Dates in Devanagari digits: 14 December 2026.
    assert!(ada.subject.contains("२०२६"), "{}", ada.subject);
    let casey = d
        .messages
        .iter()
        .find(|m| m.recipient.side == "vendor")
        .expect("Casey's digest");
    assert_eq!(casey.language, "en");
    assert_eq!(casey.subject, "Onboarding digest for 14 Dec 2026");
}

#[test]
fn hostile_values_are_escaped_in_html_and_markdown() {
    let s = site()
        .edit(
            "customers/acme.yaml",
            "name: Acme Corp",
            "name: \"<script>alert(1)</script> & *Co*\"",
        )
        .edit(
            "customers/acme.yaml",
            "Waiting for the signed copy",
            "\"<img src=x onerror=alert(2)> [click](javascript:alert(3))\"",
        );
    let d = all(&s);
    for m in &d.messages {
        let html = digest::html(m);
        assert!(!html.contains("<script>"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        let md = digest::markdown(m);
        assert!(!md.contains("<script>"), "{md}");
        assert!(!md.contains("[click]("), "{md}");
    }
    let casey = d
        .messages
        .iter()
        .find(|m| m.recipient.side == "vendor")
        .expect("Casey");
    assert!(
        digest::html(casey).contains("&lt;img"),
        "the note is shown, as text"
    );
}

/// Unfolds an e-mail's headers (up to the blank line): name → value.
fn headers(eml: &str) -> Vec<(String, String)> {
    let head = eml.split("\r\n\r\n").next().expect("headers");
    let mut out: Vec<(String, String)> = Vec::new();
    for line in head.split("\r\n") {
        if line.starts_with(' ') {
            out.last_mut().expect("a header before").1.push_str(line);
        } else {
            let (name, value) = line.split_once(": ").expect("Name: value");
            out.push((name.to_string(), value.to_string()));
        }
    }
    out
}

#[test]
fn e_mail_files_are_rfc_5322_with_encoded_words_and_short_crlf_lines() {
    let s = site()
        .append(
            "gangway.toml",
            "\n[digest]\nfrom = \"Northwind Onboarding <onboarding@vendor.test>\"\n",
        )
        .edit(
            "gangway.toml",
            "description",
            "languages = [\"en\", \"lo\"]\ndescription",
        )
        .edit("customers/acme.yaml", "language: en", "language: lo")
        .edit("customers/acme.yaml", "Ada Admin", "ອາດາ ແອດມິນ");
    let d = all(&s);
    let from = d.from.clone().expect("[digest] from");
    let ada = d
        .messages
        .iter()
        .find(|m| m.recipient.side == "customer")
        .expect("Ada");
    let eml = digest::eml(ada, &from, d.today);
    assert_eq!(eml, digest::eml(ada, &from, d.today), "deterministic");
    assert!(eml.is_ascii(), "headers and bodies are 7-bit");
    for line in eml.split("\r\n") {
        assert!(line.len() <= 78, "line too long: {line}");
        assert!(
            !line.contains('\n') && !line.contains('\r'),
            "bare line break"
        );
    }
    assert!(
        !eml.replace("\r\n", "").contains('\n'),
        "every line ends in CRLF"
    );
    let h = headers(&eml);
    let get = |name: &str| {
        h.iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("no {name}: header in\n{eml}"))
    };
    assert_eq!(
        get("From"),
        "\"Northwind Onboarding\" <onboarding@vendor.test>"
    );
    assert!(get("To").starts_with("=?UTF-8?B?"), "{}", get("To"));
    assert!(get("To").ends_with("<ada@acme.test>"));
    assert!(get("Subject").starts_with("=?UTF-8?B?"));
    assert_eq!(get("Date"), "Mon, 14 Dec 2026 00:00:00 +0000");
    assert_eq!(get("MIME-Version"), "1.0");
    assert!(get("Content-Type").starts_with("multipart/alternative; boundary=\""));
    assert!(get("Message-ID").ends_with("@vendor.test>"));
    // The subject decodes to the Lao text.
    let decoded: String = get("Subject")
        .split(' ')
        .map(|w| {
            let inner = w.trim_start_matches("=?UTF-8?B?").trim_end_matches("?=");
            let bytes = base64_decode(inner);
            String::from_utf8(bytes).expect("UTF-8 in each word")
        })
        .collect();
    assert_eq!(decoded, ada.subject);
    assert_eq!(eml.matches("Content-Transfer-Encoding: base64").count(), 2);
    assert!(eml.contains("Content-Type: text/plain; charset=utf-8"));
    assert!(eml.contains("Content-Type: text/html; charset=utf-8"));
}

/// A small base64 decoder, so the test does not trust the writer's own crate.
fn base64_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in text.bytes().filter(|&c| c != b'=') {
        let v = ALPHABET.iter().position(|&a| a == c).expect("base64") as u32;
        bits = (bits << 6) | v;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    out
}

#[test]
fn json_has_stable_field_names() {
    let d = all(&site());
    let json = digest::json(&d);
    assert_eq!(json["date"], "2026-12-14");
    assert_eq!(json["within_days"], 3);
    let first = &json["digests"][0];
    assert_eq!(first["recipient"]["email"], "casey@vendor.test");
    assert_eq!(first["recipient"]["side"], "vendor");
    assert_eq!(first["recipient"]["file"], "casey@vendor.test");
    let blocked = &first["sections"][0];
    assert_eq!(blocked["kind"], "blocked");
    let item = &blocked["items"][0];
    for key in [
        "customer",
        "customer_name",
        "id",
        "kind",
        "title",
        "owner",
        "status",
        "due",
        "expected",
        "late_days",
        "days_overdue",
        "ready_since",
        "note",
    ] {
        assert!(item.get(key).is_some(), "no {key} in {item}");
    }
    assert_eq!(item["note"], "Waiting for the signed copy");
    assert_eq!(item["status"], "blocked");
}

#[test]
fn a_role_without_an_e_mail_gets_a_file_named_by_role_and_a_warning() {
    let s = site().edit(
        "customers/acme.yaml",
        "admin: { name: Ada Admin, email: ada@acme.test }",
        "admin: { name: Ada Admin }",
    );
    let d = all(&s);
    let ada = d
        .messages
        .iter()
        .find(|m| m.recipient.side == "customer")
        .expect("a digest all the same");
    assert_eq!(ada.recipient.email, None);
    assert_eq!(ada.recipient.file_stem, "acme-admin");
    assert_eq!(d.warnings.len(), 1);
    assert_eq!(d.warnings[0].code.as_str(), "digest-without-email");
    let eml = digest::eml(ada, d.from.as_ref().expect("the vendor's address"), d.today);
    assert!(eml.contains("To: undisclosed-recipients:;\r\n"), "{eml}");
}

#[test]
fn customer_and_owner_narrow_the_digest_and_unknown_ones_are_refused_with_a_hint() {
    let s = site().file(
        "customers/globex.yaml",
        r#"
        name: Globex
        playbook: onboarding
        kickoff: 2026-12-01
        team:
          csm: { name: Casey Vendor, email: Casey@Vendor.test }
          admin: { name: Gil Globex, email: gil@globex.test }
        "#,
    );
    let d = all(&s);
    let casey: Vec<_> = d
        .messages
        .iter()
        .filter(|m| m.recipient.side == "vendor")
        .collect();
    assert_eq!(
        casey.len(),
        1,
        "one address across customers is one recipient"
    );
    assert_eq!(casey[0].recipient.customers, ["acme", "globex"]);

    let only = |r: Request| make(&s, &r).expect("a digest");
    let d = only(Request {
        customer: Some("globex".into()),
        ..Request::default()
    });
    assert!(
        d.messages
            .iter()
            .all(|m| m.recipient.customers == ["globex"])
    );
    let d = only(Request {
        owner: Some("admin".into()),
        ..Request::default()
    });
    assert!(d.messages.iter().all(|m| m.recipient.side == "customer"));
    assert_eq!(d.messages.len(), 2);
    let d = only(Request {
        owner: Some("CASEY@vendor.test".into()),
        ..Request::default()
    });
    assert_eq!(d.messages.len(), 1);

    let refused = make(
        &s,
        &Request {
            customer: Some("acmee".into()),
            ..Request::default()
        },
    );
    assert_eq!(
        refused.unwrap_err(),
        Refused::UnknownCustomer {
            given: "acmee".into(),
            help: Some("did you mean `acme`?".into())
        }
    );
    let refused = make(
        &s,
        &Request {
            owner: Some("admn".into()),
            ..Request::default()
        },
    );
    assert!(
        refused
            .unwrap_err()
            .to_string()
            .contains("did you mean `admin`?"),
        "a hint"
    );
}

#[test]
fn nothing_to_say_makes_no_message() {
    let s = site().today("2026-12-01").edit(
        "customers/acme.yaml",
        "contract: { status: blocked, note: Waiting for the signed copy }",
        "contract: { status: done, on: 2026-12-01 }",
    );
    let d = make(
        &s,
        &Request {
            within_days: Some(0),
            ..Request::default()
        },
    )
    .expect("a digest");
    assert!(d.messages.is_empty());
    assert_eq!(d.quiet.len(), 2);
    assert!(d.quiet.iter().any(|q| q.contains("Ada Admin")));
}

#[test]
fn a_site_with_errors_gets_no_digest() {
    let s = site().edit(
        "customers/acme.yaml",
        "playbook: onboarding",
        "playbook: onboardin",
    );
    assert_eq!(
        make(&s, &Request::default()).unwrap_err(),
        Refused::SiteHasErrors
    );
}

#[test]
fn an_invalid_sender_is_reported_where_it_is_written() {
    let s = site().append("gangway.toml", "\n[digest]\nfrom = \"not an address\"\n");
    let b = s.build();
    let d = b.diagnostic("invalid-value");
    assert!(d.message.contains("not an address"), "{}", d.message);
    let line = s
        .text("gangway.toml")
        .lines()
        .position(|l| l.starts_with("from"))
        .expect("from")
        + 1;
    b.assert_error("invalid-value", "gangway.toml", line);
}

#[test]
fn the_text_part_of_an_e_mail_is_plain_text_not_escaped_markdown() {
    let s = site().edit("customers/acme.yaml", "Ada Admin", "Ada Admin_x!");
    let d = all(&s);
    let ada = d
        .messages
        .iter()
        .find(|m| m.recipient.side == "customer")
        .expect("Ada");
    assert!(digest::markdown(ada).contains("Ada Admin\\_x"));
    let plain = digest::plain(ada);
    assert!(plain.contains("Ada Admin_x"), "{plain}");
    assert!(!plain.contains('\\'), "{plain}");
    let from = d
        .from
        .clone()
        .unwrap_or_else(|| digest::Mailbox::parse("x@vendor.test").expect("an address"));
    let eml = digest::eml(ada, &from, d.today);
    // The first base64 body is the text part.
    let body: String = eml
        .split("Content-Transfer-Encoding: base64\r\n\r\n")
        .nth(1)
        .expect("a base64 part")
        .split("\r\n--")
        .next()
        .expect("its lines")
        .replace("\r\n", "");
    let text = String::from_utf8(base64_decode(&body)).expect("UTF-8");
    assert_eq!(text, plain);
}

/// [`site`] where the client reported `setup` done on the 11th and `invite`
/// stuck on the 2nd, and rated go-live twice (the 12th, with a comment that
/// is markup, and the 1st).
fn with_client_reports() -> Site {
    site()
        .edit(
            "customers/acme.yaml",
            "contract: { status: blocked, note: Waiting for the signed copy }",
            "contract: { status: blocked, note: Waiting for the signed copy }\n  setup: { status: done, on: 2026-12-11, reported: true, by: \"<b>Ada</b>\" }\n  invite: { status: blocked, note: No staff list yet, on: 2026-12-02, reported: true }",
        )
        .file(
            "feedback/acme.yaml",
            "ratings:\n  - { milestone: live, rating: 3, on: 2026-12-12, by: Ada, comment: \"<script>x</script> so-so\" }\n  - { milestone: live, rating: 5, on: 2026-12-01 }\n",
        )
}

#[test]
fn the_owner_hears_what_the_client_reported_and_rated_since_the_last_run() {
    let s = with_client_reports();
    let d = all(&s);
    assert_eq!(d.since.to_string(), "2026-12-11");
    assert_eq!(
        sections_of(&d, "casey@vendor.test"),
        vec![
            (SectionKind::Reported, ids(&["setup"])),
            (SectionKind::Rated, ids(&["live"])),
            // Reported on the 2nd, before --since: blocked as any task is.
            (SectionKind::Blocked, ids(&["contract", "invite"])),
            (SectionKind::Overdue, ids(&["credit-check"])),
        ]
    );
    // The client's own people hear nothing of it.
    for (kind, _) in sections_of(&d, "ada@acme.test") {
        assert!(!matches!(kind, SectionKind::Reported | SectionKind::Rated));
    }
    let casey = d
        .messages
        .iter()
        .find(|m| m.recipient.side == "vendor")
        .expect("Casey");
    let md = digest::markdown(casey);
    assert!(md.contains("## Reported by the client"), "{md}");
    assert!(
        md.contains("reported done on 11 Dec 2026 · by \\<b\\>Ada\\</b\\>"),
        "{md}"
    );
    assert!(md.contains("## Rated by the client"), "{md}");
    assert!(md.contains("**Go live** · Acme Corp · rated 3/5 on 12 Dec 2026 · by Ada · “\\<script\\>x\\</script\\> so-so”"), "{md}");
    let html = digest::html(casey);
    assert!(
        !html.contains("<script>") && !html.contains("<b>Ada"),
        "{html}"
    );
    assert!(
        html.contains("&lt;script&gt;x&lt;/script&gt; so-so"),
        "{html}"
    );
    let plain = digest::plain(casey);
    assert!(
        plain.contains("by <b>Ada</b>"),
        "plain text is as written: {plain}"
    );
    let json = digest::json(&d);
    let rated = &json["digests"][0]["sections"][1];
    assert_eq!(rated["kind"], "rated");
    assert_eq!(rated["items"][0]["rating"], 3);
    assert_eq!(rated["items"][0]["by"], "Ada");
    assert_eq!(rated["items"][0]["reported_on"], "2026-12-12");
}

#[test]
fn since_widens_what_the_client_said_and_a_reported_task_is_said_once() {
    let s = with_client_reports();
    let request = Request {
        since: Some("2026-12-01".parse().expect("a date")),
        ..Request::default()
    };
    let d = make(&s, &request).expect("a digest");
    assert_eq!(
        sections_of(&d, "casey@vendor.test"),
        vec![
            // Oldest report first; `invite` is no longer under Blocked.
            (SectionKind::Reported, ids(&["invite", "setup"])),
            (SectionKind::Rated, ids(&["live", "live"])),
            (SectionKind::Blocked, ids(&["contract"])),
            (SectionKind::Overdue, ids(&["credit-check"])),
        ]
    );
    let casey = d
        .messages
        .iter()
        .find(|m| m.recipient.side == "vendor")
        .expect("Casey");
    let md = digest::markdown(casey);
    assert!(
        md.contains("reported stuck on 2 Dec 2026 · Note: No staff list yet"),
        "{md}"
    );
    // A window that ends before the reports holds none of them.
    let before = Request {
        since: Some("2026-11-01".parse().expect("a date")),
        ..Request::default()
    };
    let early = make(&s.clone().today("2026-11-30"), &before).expect("a digest");
    for m in &early.messages {
        assert!(
            m.sections
                .iter()
                .all(|x| !matches!(x.kind, SectionKind::Reported | SectionKind::Rated))
        );
    }
}

#[test]
fn the_command_line_since_sets_the_window_of_what_the_client_said() {
    let dir = with_client_reports().on_disk();
    let run = |extra: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_gangway"))
            .args([
                "digest",
                "--today",
                "2026-12-14",
                "--owner",
                "casey@vendor.test",
            ])
            .args(extra)
            .current_dir(dir.path())
            .env_remove("SOURCE_DATE_EPOCH")
            .env("GANGWAY_PORTAL_SECRET", crate::harness::TEST_SECRET)
            .env("NO_COLOR", "1")
            .output()
            .expect("run the gangway binary");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("UTF-8")
    };
    let default = run(&[]);
    let reported = |md: &str| {
        md.split("## Reported by the client")
            .nth(1)
            .and_then(|s| s.split("\n## ").next())
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        reported(&default).contains("Set up the account"),
        "{default}"
    );
    assert!(
        !reported(&default).contains("Invite your team"),
        "{default}"
    );
    let wide = run(&["--since", "2026-12-01"]);
    assert!(reported(&wide).contains("Invite your team"), "{wide}");
    assert_eq!(wide.matches("rated ").count(), 2, "{wide}");
}
