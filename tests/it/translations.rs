//! `gangway translations status|stamp|accept`, run as an author runs them on a
//! small site in a temporary folder, with a real git history for the changes
//! an original went through since a translation was made.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::harness::*;

/// The test site in three languages: an article translated into Malay (YAML
/// front matter) and Nepali (TOML front matter, a folder per language, CRLF
/// lines), the FAQ entry into Malay, the playbook into Malay (CRLF lines, a
/// comment at the top); none of them records a hash yet.
fn site() -> Site {
    let config =
        format!("default_language = \"en\"\nlanguages = [\"en\", \"ms\", \"ne\"]\n{CONFIG}");
    Site::new()
        .file("gangway.toml", &config)
        .file(
            "content/kb/setup.md",
            "---\ntitle: Setting up your account\n---\nFollow the link in your welcome e-mail.\n\nChoose a password.\n\nInvite your team.\n",
        )
        .file(
            "content/kb/setup.ms.md",
            "---\ntitle: Menyediakan akaun anda   # reviewed\ntags: [akaun]\n---\nIkut pautan.\n\nPilih kata laluan.\n\nJemput pasukan anda.\n",
        )
        .bytes(
            "content/ne/kb/setup.md",
            "+++\r\ntitle = \"खाता सेटअप\"\r\n[taxonomies]\r\ntags = [\"खाता\"]\r\n+++\r\nलिङ्क पछ्याउनुहोस्।\r\n".as_bytes(),
        )
        .file(
            "content/faq/reset-password.ms.md",
            "---\nquestion: Bagaimana saya menetapkan semula kata laluan?\n---\nGuna **Lupa kata laluan**.\n",
        )
        .bytes(
            "playbooks/onboarding.ms.yaml",
            b"# Malay translation of onboarding.yaml\r\n\r\ntitle: Orientasi\r\ntasks:\r\n  welcome:\r\n    title: Selamat datang {{ customer.name }}\r\n",
        )
}

fn read(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join(path)).expect("read a site file")
}

fn write(dir: &Path, path: &str, text: &str) {
    std::fs::write(dir.join(path), text).expect("write a site file");
}

fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("run git");
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A git repository of the site, its files committed.
fn repository(dir: &Path) {
    git(dir, &["init", "-q", "-b", "main"]);
    git(dir, &["config", "user.name", "Test Author"]);
    git(dir, &["config", "user.email", "author@example.test"]);
    git(dir, &["config", "commit.gpgsign", "false"]);
    commit(dir, "The site");
}

fn commit(dir: &Path, message: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", message]);
}

fn status_json(dir: &Path) -> Value {
    let o = gangway(dir, &["translations", "status", "--format", "json"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    serde_json::from_str(&o.stdout).expect("a JSON report")
}

fn paths(list: &Value) -> Vec<&str> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|e| e["path"].as_str().expect("a path"))
        .collect()
}

fn hash_in(text: &str) -> String {
    let at = text.find("translation_of").expect("a recorded hash") + "translation_of".len();
    text[at..]
        .trim_start_matches([' ', ':', '=', '"'])
        .chars()
        .take(12)
        .collect()
}

#[test]
fn stamp_records_the_hash_in_every_translation_without_one_and_nothing_else() {
    let dir = site().on_disk();
    let dir = dir.path();
    let before = status_json(dir);
    let ms = &before["languages"][0];
    assert_eq!(ms["lang"], "ms");
    assert_eq!(
        paths(&ms["missing_hash"]),
        [
            "content/faq/reset-password.ms.md",
            "content/kb/setup.ms.md",
            "playbooks/onboarding.ms.yaml"
        ]
    );
    assert_eq!(
        paths(&before["languages"][1]["missing_hash"]),
        ["content/ne/kb/setup.md"]
    );
    assert_eq!(
        before["languages"][1]["missing"],
        serde_json::json!(["content/faq/reset-password.md", "playbooks/onboarding.yaml"])
    );

    let o = gangway(dir, &["translations", "stamp", "--dry-run"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(
        o.stdout
            .lines()
            .filter(|l| l.starts_with("would stamp "))
            .count(),
        4
    );
    assert!(!read(dir, "content/kb/setup.ms.md").contains("translation_of"));

    let o = gangway(dir, &["translations", "stamp"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr.contains("stamped 4 of 4 translations"),
        "{}",
        o.stderr
    );
    let article = read(dir, "content/kb/setup.ms.md");
    let hash = hash_in(&article);
    assert!(
        o.stdout.contains(&format!(
            "stamped content/kb/setup.ms.md: no hash -> {hash}"
        )),
        "{}",
        o.stdout
    );
    // Each file is as it was, with one line more.
    assert_eq!(
        article,
        format!(
            "---\ntitle: Menyediakan akaun anda   # reviewed\ntags: [akaun]\ntranslation_of: {hash}\n---\nIkut pautan.\n\nPilih kata laluan.\n\nJemput pasukan anda.\n"
        )
    );
    let toml = read(dir, "content/ne/kb/setup.md");
    assert_eq!(
        toml,
        format!(
            "+++\r\ntitle = \"खाता सेटअप\"\r\ntranslation_of = \"{hash}\"\r\n[taxonomies]\r\ntags = [\"खाता\"]\r\n+++\r\nलिङ्क पछ्याउनुहोस्।\r\n"
        )
    );
    let playbook = read(dir, "playbooks/onboarding.ms.yaml");
    let pb_hash = hash_in(&playbook);
    assert_eq!(
        playbook,
        format!(
            "# Malay translation of onboarding.yaml\r\n\r\ntranslation_of: {pb_hash}\r\ntitle: Orientasi\r\ntasks:\r\n  welcome:\r\n    title: Selamat datang {{{{ customer.name }}}}\r\n"
        )
    );

    // The build agrees: nothing outdated, nothing unverified.
    let check = gangway(dir, &["check", "--today", TODAY]);
    let check_err = &check.stderr;
    assert!(!check_err.contains("outdated-translation"), "{check_err}");
    assert!(
        check_err.contains("translations ms: 3/3 translated, 0 missing, 0 outdated, 0 unverified"),
        "{check_err}"
    );
    let after = status_json(dir);
    assert_eq!(
        after["languages"][0]["up_to_date"].as_array().map(Vec::len),
        Some(3)
    );
    assert_eq!(
        after["languages"][1]["up_to_date"].as_array().map(Vec::len),
        Some(1)
    );

    // Nothing left to do.
    let o = gangway(dir, &["translations", "stamp"]);
    assert!(
        o.stderr.contains("stamped 0 of 0 translations"),
        "{}",
        o.stderr
    );
}

#[test]
fn status_shows_the_paragraphs_changed_since_a_translation_was_made() {
    let dir = site().on_disk();
    let dir = dir.path();
    repository(dir);
    assert_eq!(gangway(dir, &["translations", "stamp"]).code, 0);
    commit(dir, "Stamp the translations");
    let text = read(dir, "content/kb/setup.md").replace(
        "Choose a password.",
        "Choose a long password.\n\nKeep it safe.",
    );
    write(dir, "content/kb/setup.md", &text);
    let playbook = read(dir, "playbooks/onboarding.yaml")
        .replace("title: Set up the account", "title: Set up your account");
    write(dir, "playbooks/onboarding.yaml", &playbook);
    commit(dir, "Passwords: say more");

    let o = gangway(dir, &["translations", "status"]);
    assert_eq!(o.code, 0);
    let report = o.stdout;
    assert!(
        report.contains(
            "ms: 3 of 3 translated: 1 up to date, 2 outdated, 0 without a hash, 0 missing"
        ),
        "{report}"
    );
    // A playbook is compared text by text, each named by its id.
    assert!(
        report.contains(
            "\"The site\"):\n      task setup: title, paragraph 1:\n        - Set up the account\n        + Set up your account\n"
        ),
        "{report}"
    );
    assert!(
        report.contains(
            "  outdated     content/kb/setup.ms.md\n    content/kb/setup.md changed since its version of commit "
        ),
        "{report}"
    );
    assert!(report.contains("\"The site\"):\n      body, paragraph 2:\n        - Choose a password.\n        + Choose a long password.\n        + Keep it safe.\n"), "{report}");
    assert!(
        report.contains("  outdated     content/ne/kb/setup.md\n"),
        "{report}"
    );

    let json = status_json(dir);
    let outdated = &json["languages"][0]["outdated"][0];
    assert_eq!(outdated["since"]["subject"], "The site");
    assert_eq!(
        outdated["changes"],
        serde_json::json!([{
            "part": "body", "paragraph": 2,
            "removed": ["Choose a password."],
            "added": ["Choose a long password.", "Keep it safe."],
        }])
    );

    // For CI: --strict fails while a translation is outdated.
    assert_eq!(
        gangway(dir, &["translations", "status", "--strict"]).code,
        1
    );

    // `stamp` alone leaves outdated translations alone and says so.
    let o = gangway(dir, &["translations", "stamp"]);
    assert!(
        o.stderr
            .contains("3 outdated translations left as they are: once updated, name them"),
        "{}",
        o.stderr
    );
    // Named, a translation is stamped whatever it records.
    let o = gangway(dir, &["translations", "stamp", "content/kb/setup.ms.md"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout.starts_with("stamped content/kb/setup.ms.md: "),
        "{}",
        o.stdout
    );
    let o = gangway(dir, &["translations", "stamp", "--outdated"]);
    assert!(
        o.stdout.starts_with("stamped content/ne/kb/setup.md: "),
        "{}",
        o.stdout
    );
    assert_eq!(
        gangway(dir, &["translations", "status", "--strict"]).code,
        0
    );
}

#[test]
fn without_the_old_text_status_says_so() {
    let dir = site()
        .edit(
            "content/kb/setup.ms.md",
            "tags: [akaun]",
            "tags: [akaun]\ntranslation_of: 0123456789ab",
        )
        .on_disk();
    let o = gangway(dir.path(), &["translations", "status", "--lang", "ms"]);
    assert_eq!(o.code, 0);
    let report = o.stdout;
    assert!(
        report.starts_with("ms: ") && !report.contains("\nne: "),
        "{report}"
    );
    assert!(
        report.contains("    content/kb/setup.md changed\n    original changed; old text not found in git history (the site is not in a git repository)\n"),
        "{report}"
    );
}

#[test]
fn accept_carries_forward_only_translations_of_the_version_before_the_edit() {
    let dir = site().on_disk();
    let dir = dir.path();
    repository(dir);
    gangway(dir, &["translations", "stamp"]);
    commit(dir, "Stamp");
    // A real change: the Malay translation follows it, the Nepali one does not.
    let v2 = read(dir, "content/kb/setup.md")
        .replace("Invite your team.", "Invite your team and your manager.");
    write(dir, "content/kb/setup.md", &v2);
    let ms = read(dir, "content/kb/setup.ms.md")
        .replace("Jemput pasukan anda.", "Jemput pasukan dan pengurus anda.");
    write(dir, "content/kb/setup.ms.md", &ms);
    gangway(dir, &["translations", "stamp", "content/kb/setup.ms.md"]);
    commit(dir, "Invite managers too");
    let ms_v2 = read(dir, "content/kb/setup.ms.md");
    let ne_v1 = read(dir, "content/ne/kb/setup.md");
    // A typo fixed, not committed yet.
    write(dir, "content/kb/setup.md", &v2.replace("e-mail", "email"));

    let o = gangway(dir, &["translations", "accept", "content/kb/setup.md"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout.starts_with("stamped content/kb/setup.ms.md: "),
        "{}",
        o.stdout
    );
    assert!(
        o.stderr.contains("content/ne/kb/setup.md stays outdated"),
        "{}",
        o.stderr
    );
    assert_eq!(read(dir, "content/ne/kb/setup.md"), ne_v1);
    let ms_v3 = read(dir, "content/kb/setup.ms.md");
    assert_ne!(hash_in(&ms_v3), hash_in(&ms_v2));
    assert_eq!(
        ms_v3.replace(&hash_in(&ms_v3), ""),
        ms_v2.replace(&hash_in(&ms_v2), "")
    );
    let json = status_json(dir);
    assert_eq!(paths(&json["languages"][0]["outdated"]), Vec::<&str>::new());
    assert_eq!(
        paths(&json["languages"][1]["outdated"]),
        ["content/ne/kb/setup.md"]
    );

    // Committed, the same edit is found as the last one.
    commit(dir, "Typo");
    let o = gangway(dir, &["translations", "accept", "content/kb/setup.md"]);
    assert!(o.stderr.contains("stamped 0 translations"), "{}", o.stderr);
}

#[test]
fn accept_without_history_asks_for_all_and_mistakes_are_refused() {
    let dir = site().on_disk();
    let dir = dir.path();
    let o = gangway(dir, &["translations", "accept", "content/kb/setup.md"]);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("not in a git repository") && o.stderr.contains("--all"),
        "{}",
        o.stderr
    );
    let o = gangway(
        dir,
        &["translations", "accept", "--all", "content/kb/setup.md"],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(o.stdout.lines().count(), 2, "{}", o.stdout);

    // An original is not stamped; a translation is not accepted.
    let o = gangway(dir, &["translations", "stamp", "content/kb/setup.md"]);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("is an original")
            && o.stderr
                .contains("gangway translations accept content/kb/setup.md"),
        "{}",
        o.stderr
    );
    let o = gangway(dir, &["translations", "accept", "content/kb/setup.ms.md"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("is a translation"), "{}", o.stderr);
    let o = gangway(dir, &["translations", "status", "--lang", "fr"]);
    assert_eq!(o.code, 2);

    // A translation the parser cannot read is left as it is.
    write(
        dir,
        "content/faq/reset-password.ms.md",
        "---\nquestion: [unclosed\n---\nX\n",
    );
    let o = gangway(
        dir,
        &["translations", "stamp", "content/faq/reset-password.ms.md"],
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("error: content/faq/reset-password.ms.md cannot be read (2:11: "),
        "{}",
        o.stderr
    );
    assert_eq!(
        read(dir, "content/faq/reset-password.ms.md"),
        "---\nquestion: [unclosed\n---\nX\n"
    );
    let report = gangway(dir, &["translations", "status"]).stdout;
    assert!(
        report.contains("  unreadable   content/faq/reset-password.ms.md\n"),
        "{report}"
    );
}
