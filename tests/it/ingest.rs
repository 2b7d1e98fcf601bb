//! `gangway ingest`: portal submissions checked against the site and written
//! into the customer and feedback files, exactly once, and nothing else.

use std::path::Path;

use gangway::actions::{Action, Signed, sign};
use gangway::privacy::PortalSecret;
use serde_json::{Value, json};

use crate::harness::*;

fn secret() -> PortalSecret {
    PortalSecret::from_text(TEST_SECRET).unwrap()
}

/// A signed submission about `subject` (a task, or a milestone for `rate`).
fn submission(customer: &str, subject: &str, action: &str, issued: &str, at: &str) -> Value {
    let signed = Signed {
        customer,
        subject,
        action: Action::parse(action).unwrap(),
        issued: issued.parse().unwrap(),
    };
    let subject_field = if action == "rate" {
        "milestone"
    } else {
        "task"
    };
    json!({
        "id": "sub_123", "_next": "https://x.test/thanks",
        "customer": customer, subject_field: subject, "action": action,
        "issued": issued, "sig": sign(&secret(), &signed), "submitted_at": at,
    })
}

fn done() -> Value {
    submission(
        "acme",
        "setup",
        "done",
        "2026-12-10",
        "2026-12-11T09:30:00Z",
    )
}

fn jsonl(subs: &[Value]) -> String {
    subs.iter().map(|s| format!("{s}\n")).collect()
}

/// A site on disk with `beta` beside `acme`, and the submissions in `subs.jsonl`.
fn site_with(subs: &str) -> tempfile::TempDir {
    let dir = Site::new().file("customers/beta.yaml", CUSTOMER).on_disk();
    std::fs::write(dir.path().join("subs.jsonl"), subs).unwrap();
    dir
}

fn ingest(dir: &Path, file: &str, extra: &[&str]) -> Run {
    let mut args = vec!["ingest", file, "--today", TODAY];
    args.extend_from_slice(extra);
    gangway(dir, &args)
}

fn read(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join(path)).unwrap()
}

#[test]
fn a_done_is_written_once_and_the_portal_shows_it() {
    let dir = Site::new().on_disk();
    std::fs::write(dir.path().join("subs.jsonl"), jsonl(&[done()])).unwrap();
    let before = read(dir.path(), "customers/acme.yaml");
    let run = ingest(dir.path(), "subs.jsonl", &[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .contains("customers/acme.yaml: setup done (2026-12-11)"),
        "{}",
        run.stdout
    );
    let after = read(dir.path(), "customers/acme.yaml");
    assert_eq!(
        after,
        format!(
            "{}progress:\n  setup: {{ status: done, on: 2026-12-11, reported: true }}\n",
            before
        )
    );
    // The same file again: nothing changes, and it says so.
    let again = ingest(dir.path(), "subs.jsonl", &[]);
    assert_eq!(again.code, 0, "{again:?}");
    assert!(
        again.stdout.contains("already recorded: setup done"),
        "{}",
        again.stdout
    );
    assert_eq!(read(dir.path(), "customers/acme.yaml"), after);
    // The site builds, and the checklist shows the task done.
    let build = gangway(dir.path(), &["build", "--output", "out", "--today", TODAY]);
    assert_eq!(build.code, 0, "{build:?}");
    let files = Files::read(&dir.path().join("out"));
    let pages: Vec<&str> = files
        .containing("id=\"task-setup\"")
        .into_iter()
        .filter(|p| p.ends_with("checklist/index.html"))
        .collect();
    assert!(!pages.is_empty());
    for page in pages {
        let html = files.file(page);
        let at = html.find("id=\"task-setup\"").unwrap();
        let tag = &html[html[..at].rfind('<').unwrap()..at];
        assert!(tag.contains("s-done"), "{page}: {tag}");
    }
}

#[test]
fn forged_altered_and_cross_customer_submissions_are_rejected() {
    let good = done();
    let mut cases = vec![];
    for (field, value) in [
        ("customer", "beta"),
        ("task", "welcome"),
        ("action", "stuck"),
        ("issued", "2026-12-09"),
        ("sig", "0123456789abcdef0123456789abcdef"),
        ("sig", ""),
    ] {
        let mut s = good.clone();
        s[field] = json!(value);
        cases.push(s);
    }
    let mut unsigned = good.clone();
    unsigned.as_object_mut().unwrap().remove("sig");
    cases.push(unsigned);
    let other_secret = PortalSecret::from_text(&"y".repeat(40)).unwrap();
    let mut forged = good.clone();
    forged["sig"] = json!(sign(
        &other_secret,
        &Signed {
            customer: "acme",
            subject: "setup",
            action: Action::Done,
            issued: "2026-12-10".parse().unwrap()
        }
    ));
    cases.push(forged);
    let dir = site_with(&jsonl(&cases));
    let before = read(dir.path(), "customers/acme.yaml");
    let run = ingest(dir.path(), "subs.jsonl", &[]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.stderr.matches("error[submission-signature]").count(),
        cases.len(),
        "{}",
        run.stderr
    );
    for line in 1..=cases.len() {
        assert!(run.stderr.contains(&format!("subs.jsonl line {line}:")));
    }
    assert_eq!(read(dir.path(), "customers/acme.yaml"), before);
    assert_eq!(read(dir.path(), "customers/beta.yaml"), before);
}

#[test]
fn each_rule_rejects_with_its_code() {
    let mut no_note = submission("acme", "setup", "stuck", "2026-12-10", "2026-12-11");
    no_note["note"] = json!("  \u{7} ");
    let mut bad_rating = submission("acme", "live", "rate", "2026-12-10", "2026-12-11");
    bad_rating["rating"] = json!(6);
    let mut unreached = submission("acme", "live", "rate", "2026-12-10", "2026-12-11");
    unreached["rating"] = json!(5);
    let mut undated = done();
    undated.as_object_mut().unwrap().remove("submitted_at");
    let cases = [
        (
            submission("acme", "setup", "done", "2026-08-01", "2026-12-11"),
            "submission-date",
            "expired",
        ),
        (
            submission(
                "acme",
                "setup",
                "done",
                "2026-12-10",
                "2026-12-15T00:00:00Z",
            ),
            "submission-date",
            "after today",
        ),
        (
            submission("acme", "setup", "done", "2026-12-10", "2026-12-09"),
            "submission-date",
            "before its form",
        ),
        (undated, "submission-date", "no time stamp"),
        (
            submission("acme", "welcome", "done", "2026-12-10", "2026-12-11"),
            "submission-not-allowed",
            "not one the customer does",
        ),
        (
            submission("acme", "setup", "approve", "2026-12-10", "2026-12-11"),
            "submission-not-allowed",
            "finished by `done`",
        ),
        (
            submission("acme", "nosuch", "done", "2026-12-10", "2026-12-11"),
            "submission-unknown",
            "not in acme's plan",
        ),
        (
            submission("nobody", "setup", "done", "2026-12-10", "2026-12-11"),
            "submission-unknown",
            "customer `nobody`",
        ),
        (no_note, "submission-invalid", "without a note"),
        (bad_rating, "submission-invalid", "expected 1 to 5"),
        (unreached, "submission-not-allowed", "not reached yet"),
        (
            submission("acme", "live", "rate", "2026-12-10", "2026-12-11"),
            "submission-invalid",
            "rating of ``",
        ),
        (
            json!({"action": "vote", "page": "kb/nosuch", "lang": "en", "helpful": "yes", "date": "2026-12-11"}),
            "submission-unknown",
            "not an article",
        ),
        (
            json!({"action": "vote", "page": "kb/setup", "lang": "fr", "helpful": "yes", "date": "2026-12-11"}),
            "submission-unknown",
            "not a language",
        ),
    ];
    for (s, code, words) in cases {
        let dir = site_with(&jsonl(std::slice::from_ref(&s)));
        let before = read(dir.path(), "customers/acme.yaml");
        let run = ingest(dir.path(), "subs.jsonl", &[]);
        assert_eq!(run.code, 1, "{s}: {run:?}");
        assert!(
            run.stderr.contains(&format!("error[{code}]")),
            "{s}: {}",
            run.stderr
        );
        assert!(run.stderr.contains(words), "{s}: {}", run.stderr);
        assert_eq!(read(dir.path(), "customers/acme.yaml"), before);
    }
}

#[test]
fn ratings_of_reached_milestones_and_votes_are_appended_once() {
    let mut rating = submission(
        "acme",
        "live",
        "rate",
        "2026-12-10",
        "2026-12-11T10:00:00+01:00",
    );
    rating["rating"] = json!("4");
    rating["comment"] = json!("Smooth {{ customer.name }}");
    let vote = json!({"action": "vote", "page": "kb/setup", "lang": "en", "helpful": "no", "Created-At": "2026-12-12 08:00"});
    let dir = Site::new()
        .append("customers/acme.yaml", "progress:\n  welcome: { status: done, on: 2026-12-01 }\n  setup: { status: done, on: 2026-12-03 }\n")
        .on_disk();
    std::fs::write(dir.path().join("subs.jsonl"), jsonl(&[rating, vote])).unwrap();
    let run = ingest(dir.path(), "subs.jsonl", &[]);
    assert_eq!(run.code, 0, "{run:?}");
    let ratings = read(dir.path(), "feedback/acme.yaml");
    assert!(ratings.ends_with("ratings:\n  - { milestone: live, rating: 4, on: 2026-12-11, comment: \"Smooth {{ customer.name }}\", at: \"2026-12-11T10:00:00+01:00\" }\n"), "{ratings}");
    let votes = read(dir.path(), "feedback/kb/setup.yaml");
    assert!(votes.starts_with('#') && votes.ends_with("votes:\n  - { lang: en, helpful: false, on: 2026-12-12, at: \"2026-12-12 08:00\" }\n"), "{votes}");
    let again = ingest(dir.path(), "subs.jsonl", &[]);
    assert_eq!(again.code, 0);
    assert_eq!(
        again.stdout.matches("already recorded").count(),
        2,
        "{}",
        again.stdout
    );
    assert_eq!(read(dir.path(), "feedback/acme.yaml"), ratings);
    // The same rating posted again seconds later (a form sent a second time):
    // recorded once.
    let mut twice = submission(
        "acme",
        "live",
        "rate",
        "2026-12-10",
        "2026-12-11T10:00:07+01:00",
    );
    twice["rating"] = json!("4");
    twice["comment"] = json!("Smooth {{ customer.name }}");
    std::fs::write(dir.path().join("twice.jsonl"), jsonl(&[twice])).unwrap();
    let run = ingest(dir.path(), "twice.jsonl", &[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(read(dir.path(), "feedback/acme.yaml"), ratings);
    let check = gangway(dir.path(), &["check", "--today", TODAY]);
    assert_eq!(check.code, 0, "{check:?}");
}

#[test]
fn csv_json_arrays_and_standard_input_read_alike() {
    let s = done();
    let csv = format!(
        "Submitted At,customer,task,action,issued,sig,note\r\n\"{}\",acme,setup,done,2026-12-10,{},\"a, \"\"quoted\"\"\r\nnote\"\r\n",
        s["submitted_at"].as_str().unwrap(),
        s["sig"].as_str().unwrap()
    );
    let expected = "  setup: { status: done, on: 2026-12-11, reported: true }\n";
    for (name, text) in [
        ("subs.csv", csv),
        (
            "subs.json",
            format!("[\n  {s},\n  {{\"ignored\": true}}\n]"),
        ),
    ] {
        let dir = site_with("");
        std::fs::write(dir.path().join(name), text).unwrap();
        let run = ingest(dir.path(), name, &[]);
        assert!(
            read(dir.path(), "customers/acme.yaml").ends_with(expected),
            "{name}: {run:?}"
        );
    }
    let dir = site_with("");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gangway"))
        .args(["ingest", "-", "--today", TODAY])
        .current_dir(dir.path())
        .env("GANGWAY_PORTAL_SECRET", TEST_SECRET)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(jsonl(&[s]).as_bytes())
        .unwrap();
    assert!(child.wait_with_output().unwrap().status.success());
    assert!(read(dir.path(), "customers/acme.yaml").ends_with(expected));
}

#[test]
fn untrusted_text_stays_text_and_crlf_stays_crlf() {
    let note = "{{ customer.name }} \"]: x &anchor *alias # c\n{% raw %}<b>";
    let mut stuck = submission("acme", "setup", "stuck", "2026-12-10", "2026-12-11");
    stuck["note"] = json!(note);
    stuck["by"] = json!("Ada\u{0}");
    let dir = site_with(&jsonl(&[stuck]));
    let crlf = read(dir.path(), "customers/acme.yaml").replace('\n', "\r\n")
        + "progress:\r\n  welcome: { status: done, on: 2026-12-01 } # kept\r\n";
    std::fs::write(dir.path().join("customers/acme.yaml"), &crlf).unwrap();
    let run = ingest(dir.path(), "subs.jsonl", &[]);
    assert_eq!(run.code, 0, "{run:?}");
    let after = read(dir.path(), "customers/acme.yaml");
    assert!(after.starts_with(&crlf), "{after:?}");
    let added = &after[crlf.len()..];
    assert!(
        added.ends_with("\r\n") && added.matches('\n').count() == 1,
        "{added:?}"
    );
    let build = gangway(dir.path(), &["build", "--output", "out", "--today", TODAY]);
    assert_eq!(build.code, 0, "{build:?}");
    let files = Files::read(&dir.path().join("out"));
    let shown = "{{ customer.name }} &quot;]: x &amp;anchor *alias # c";
    assert!(
        !files.containing(shown).is_empty()
            || !files
                .containing("{{ customer.name }} &#34;]: x &amp;anchor")
                .is_empty(),
        "the note is shown as written"
    );
    let pages = files.containing("{% raw %}&lt;b&gt;");
    assert!(
        pages.iter().any(|p| p.ends_with("checklist/index.html")),
        "{pages:?}"
    );
    for page in files.containing("{% raw %}<b>") {
        assert!(!page.ends_with(".html"), "{page} shows the note as markup");
    }
}

#[test]
fn a_dry_run_prints_a_diff_and_writes_nothing() {
    let dir = site_with(&jsonl(&[done()]));
    let before = read(dir.path(), "customers/acme.yaml");
    let run = ingest(dir.path(), "subs.jsonl", &["--dry-run"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .contains("--- a/customers/acme.yaml\n+++ b/customers/acme.yaml\n")
    );
    assert!(
        run.stdout
            .contains("\n+  setup: { status: done, on: 2026-12-11, reported: true }\n"),
        "{}",
        run.stdout
    );
    assert_eq!(read(dir.path(), "customers/acme.yaml"), before);
    assert!(!dir.path().join("feedback").exists());
}

#[test]
fn the_vendors_closed_entry_wins_over_a_late_stuck() {
    let mut stuck = submission("acme", "setup", "stuck", "2026-12-10", "2026-12-11");
    stuck["note"] = json!("cannot log in");
    let dir = site_with(&jsonl(&[stuck]));
    let path = dir.path().join("customers/acme.yaml");
    let text = read(dir.path(), "customers/acme.yaml")
        + "progress:\n  setup: { status: done, on: 2026-12-12 }\n";
    std::fs::write(&path, &text).unwrap();
    let run = ingest(dir.path(), "subs.jsonl", &[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("error[submission-stale]"),
        "{}",
        run.stderr
    );
    assert_eq!(read(dir.path(), "customers/acme.yaml"), text);
}

#[test]
fn malformed_exports_are_reported_never_a_panic() {
    let huge = format!(
        "{{\"action\": \"done\", \"note\": \"{}\"}}\n",
        "x".repeat(1 << 20)
    );
    for (name, bytes) in [
        ("a.json", b"[{\"action\": \"done\", \"customer\"".to_vec()),
        ("b.jsonl", b"{\"action\":\n\"done\"}\n[1]\nnull\n".to_vec()),
        (
            "c.csv",
            b"action,customer\ndone\ndone,acme,extra,fields\n\"open".to_vec(),
        ),
        ("d.csv", b"\xff\xfe\x00a,b\n".to_vec()),
        ("e.jsonl", huge.into_bytes()),
        ("f.csv", Vec::new()),
    ] {
        let dir = site_with("");
        std::fs::write(dir.path().join(name), bytes).unwrap();
        let run = ingest(dir.path(), name, &[]);
        assert!(run.code == 0 || run.code == 1, "{name}: {run:?}");
        assert!(!run.stderr.contains("panicked"), "{name}: {}", run.stderr);
    }
    let dir = site_with("");
    assert_eq!(ingest(dir.path(), "missing.json", &[]).code, 2);
}

#[test]
fn an_approval_carries_the_name_and_json_reports_the_rejections() {
    let mut approve = submission("acme", "sign-off", "approve", "2026-12-10", "2026-12-11");
    approve["by"] = json!("Ada \"the\" Admin");
    let dir = Site::new()
        .append(
            "customers/acme.yaml",
            "extra_tasks:\n  - phase: start\n    id: sign-off\n    title: Sign the plan\n    owner: admin\n    action: approve\n",
        )
        .on_disk();
    let forged = json!({"action": "done", "customer": "acme", "task": "setup", "issued": "2026-12-10", "sig": "ab", "date": "2026-12-11"});
    std::fs::write(dir.path().join("subs.jsonl"), jsonl(&[approve, forged])).unwrap();
    let run = ingest(dir.path(), "subs.jsonl", &["--format", "json"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(read(dir.path(), "customers/acme.yaml").ends_with(
        "progress:\n  sign-off: { status: done, on: 2026-12-11, by: \"Ada \\\"the\\\" Admin\" }\n"
    ));
    let doc: Value =
        serde_json::from_str(&run.stdout).expect("standard output is the JSON document");
    assert!(doc.to_string().contains("submission-signature"), "{doc}");
    assert!(
        run.stderr
            .contains("customers/acme.yaml: sign-off approve (2026-12-11)")
    );
}

#[test]
fn a_customer_file_named_yml_is_edited_where_it_is() {
    let dir = Site::new()
        .remove("customers/acme.yaml")
        .file("customers/acme.yml", CUSTOMER)
        .on_disk();
    std::fs::write(dir.path().join("subs.jsonl"), jsonl(&[done()])).unwrap();
    let run = ingest(dir.path(), "subs.jsonl", &[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        read(dir.path(), "customers/acme.yml")
            .ends_with("  setup: { status: done, on: 2026-12-11, reported: true }\n")
    );
    assert!(!dir.path().join("customers/acme.yaml").exists());
}

#[test]
fn of_several_submissions_about_a_task_the_latest_counts_and_a_rerun_changes_nothing() {
    let mut stuck = submission(
        "acme",
        "setup",
        "stuck",
        "2026-12-10",
        "2026-12-11T08:00:00Z",
    );
    stuck["note"] = json!("no access yet");
    let done = submission(
        "acme",
        "setup",
        "done",
        "2026-12-10",
        "2026-12-12T08:00:00Z",
    );
    // The later one first in the file: the day decides, not the order.
    let dir = Site::new().on_disk();
    std::fs::write(dir.path().join("subs.jsonl"), jsonl(&[done, stuck.clone()])).unwrap();
    assert_eq!(ingest(dir.path(), "subs.jsonl", &[]).code, 0);
    let after = read(dir.path(), "customers/acme.yaml");
    assert!(
        after.ends_with("  setup: { status: done, on: 2026-12-12, reported: true }\n"),
        "{after}"
    );
    let again = ingest(dir.path(), "subs.jsonl", &[]);
    assert_eq!(again.code, 0);
    assert_eq!(read(dir.path(), "customers/acme.yaml"), after);
    // An older submission in another export does not undo the newer one.
    std::fs::write(dir.path().join("old.jsonl"), jsonl(&[stuck])).unwrap();
    let old = ingest(dir.path(), "old.jsonl", &[]);
    assert_eq!(old.code, 0, "{old:?}");
    assert!(old.stdout.contains("superseded"), "{}", old.stdout);
    assert_eq!(read(dir.path(), "customers/acme.yaml"), after);
}

/// The `mailto:` link of `task`'s `action` on acme's checklist: its body decoded.
fn mailto_body(page: &str, task: &str, action: &str) -> String {
    let start = page
        .find(&format!(r#"id="task-{task}""#))
        .expect("the task is on the checklist");
    let href = page[start..]
        .split("href=\"mailto:")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .find(|href| href.contains(&format!("action%3A%20{action}")))
        .unwrap_or_else(|| panic!("no mailto for {action} on {task}"));
    let body = href.split("body=").nth(1).unwrap();
    let bytes = body.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&body[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap().replace("&amp;", "&")
}

#[test]
fn an_e_mail_sent_by_a_portal_s_mailto_link_is_ingested() {
    let page = Site::new()
        .build()
        .ok()
        .page("portal/acme/checklist/index.html");
    let body = mailto_body(&page, "setup", "stuck")
        .replace("note: ", "note: The VPN is down, see =\r\nticket 4711");
    // As a mail program saves it: headers, a greeting, the fields, quoted-printable.
    let mail = format!(
        "From: Ada Admin <ada@acme.test>\r\nTo: casey@vendor.test\r\nDate: Tue, 15 Dec 2026 08:10:00 +0100\r\nSubject: stuck setup (acme)\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nHello Casey,\r\n\r\n{body}\r\nAda\r\n"
    );
    let dir = Site::new().on_disk();
    std::fs::write(dir.path().join("mail.eml"), mail).unwrap();
    let run = gangway(dir.path(), &["ingest", "mail.eml", "--today", "2026-12-15"]);
    assert_eq!(run.code, 0, "{run:?}");
    let after = read(dir.path(), "customers/acme.yaml");
    assert!(
        after.contains(r#"setup: { status: blocked, note: "The VPN is down, see ticket 4711", on: 2026-12-15, reported: true }"#),
        "{after}"
    );
    // The same message with its signature altered is refused.
    let forged = std::fs::read_to_string(dir.path().join("mail.eml"))
        .unwrap()
        .replace("action: stuck", "action: done");
    std::fs::write(dir.path().join("forged.eml"), forged).unwrap();
    let run = gangway(
        dir.path(),
        &["ingest", "forged.eml", "--today", "2026-12-15"],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("submission-signature") || run.stdout.contains("submission-signature"),
        "{run:?}"
    );
}
