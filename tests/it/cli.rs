//! The command line's habits (issue 23): `--quiet`, `--verbose`, `--color` and
//! `NO_COLOR`, `--deny-warnings`, shell completions, the versioned JSON
//! document; and `check` without the passphrases of encrypted portals, while
//! `build` still refuses to publish them unencrypted.

use std::process::Command;

use serde_json::Value;

use crate::harness::*;

/// `acme`'s portal encrypted with the passphrase in `ACME_PASSPHRASE`.
fn encrypted() -> Site {
    Site::new().append(
        "customers/acme.yaml",
        "encrypt:\n  passphrase_env: ACME_PASSPHRASE\n",
    )
}

/// A site with one warning (a task done the day before kickoff) and no error.
fn with_a_warning() -> Site {
    Site::new().append(
        "customers/acme.yaml",
        "progress:\n  welcome: { status: done, on: 2026-11-30 }\n",
    )
}

/// Runs gangway without `ACME_PASSPHRASE`, whatever the test's environment holds.
fn without_passphrase(dir: &std::path::Path, args: &[&str]) -> Run {
    gangway_with(dir, args, &[("ACME_PASSPHRASE", "")])
}

const NOTE: &str = "note: 1 encrypted portal was checked without encryption, as its passphrase is not set here: acme (ACME_PASSPHRASE); `gangway build` needs it";

// ---------------------------------------------------------------------------
// check, serve and build without a passphrase

#[test]
fn check_without_a_passphrase_checks_the_site_and_names_the_portal_once() {
    let dir = encrypted().on_disk();
    let run = without_passphrase(dir.path(), &["check", "--today", TODAY]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr.matches(NOTE).count(), 1, "{}", run.stderr);
    assert!(!run.stderr.contains("missing-passphrase"), "{}", run.stderr);
    let last = run.stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("checked ") && last.contains(" and 1 customer portal in "),
        "{}",
        run.stderr
    );
    // With the passphrase, nothing to note.
    let run = gangway_with(
        dir.path(),
        &["check", "--today", TODAY],
        &[("ACME_PASSPHRASE", "correct horse battery staple")],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("note:"), "{}", run.stderr);
}

#[test]
fn check_without_a_passphrase_still_finds_every_other_problem() {
    // A broken link in an article: found while rendering every page.
    let dir = encrypted()
        .append("content/kb/setup.md", "See [the rest](rest.md).\n")
        .on_disk();
    let run = without_passphrase(dir.path(), &["check", "--today", TODAY]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("error[broken-link]"), "{}", run.stderr);
    assert!(!run.stderr.contains("missing-passphrase"), "{}", run.stderr);
    // A site with errors has no portals to note yet: its errors alone.
    let dir = encrypted()
        .edit("playbooks/onboarding.yaml", "owner: admin", "owner: admni")
        .on_disk();
    let run = without_passphrase(dir.path(), &["check", "--today", TODAY]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("error[unknown-role]"), "{}", run.stderr);
    assert!(!run.stderr.contains("missing-passphrase"), "{}", run.stderr);
}

#[test]
fn check_reports_the_unencrypted_portals_in_json_and_github_formats() {
    let dir = encrypted().on_disk();
    let run = without_passphrase(dir.path(), &["check", "--today", TODAY, "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: Value = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    assert_eq!(
        doc["unencrypted"],
        serde_json::json!([{ "portal": "acme", "passphrase_env": "ACME_PASSPHRASE" }])
    );
    let run = without_passphrase(
        dir.path(),
        &["check", "--today", TODAY, "--format", "github"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "::notice title=not encrypted::acme was checked unencrypted: ACME_PASSPHRASE (its passphrase) is not set here; gangway build needs it\n"
    );
}

/// The dashboard, encrypted too, is named with the portals in the one note.
#[test]
fn check_without_passphrases_names_an_encrypted_dashboard_too() {
    let dir = encrypted()
        .append(
            "gangway.toml",
            "\n[dashboard]\nencrypt = { passphrase_env = \"STAFF_PASSPHRASE\" }\n",
        )
        .on_disk();
    let env = [("ACME_PASSPHRASE", ""), ("STAFF_PASSPHRASE", "")];
    let run = gangway_with(dir.path(), &["check", "--today", TODAY], &env);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let note = "note: 2 encrypted portals were checked without encryption, as their passphrases are not set here: acme (ACME_PASSPHRASE), dashboard (STAFF_PASSPHRASE); `gangway build` needs them";
    assert_eq!(run.stderr.matches(note).count(), 1, "{}", run.stderr);
    let run = gangway_with(dir.path(), &["build", "--today", TODAY], &env);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stderr.matches("error[missing-passphrase]").count(),
        2,
        "{}",
        run.stderr
    );
    assert!(!dir.path().join("public").exists());
}

/// `report` and `digest` make no portal page: they need no passphrase.
#[test]
fn report_and_digest_need_no_passphrase() {
    let dir = encrypted().on_disk();
    for args in [
        &["report", "--today", TODAY][..],
        &["digest", "--today", TODAY, "--format", "json"],
    ] {
        let run = without_passphrase(dir.path(), args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        assert!(run.stdout.contains("acme"), "{args:?}: {}", run.stdout);
    }
}

/// `build` publishes: it never writes an encrypted portal unencrypted.
#[test]
fn build_without_a_passphrase_refuses_and_writes_nothing() {
    let dir = encrypted().on_disk();
    let run = without_passphrase(dir.path(), &["build", "--today", TODAY]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "error[missing-passphrase]: the environment variable `ACME_PASSPHRASE` is not set"
        ),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("note:"), "{}", run.stderr);
    assert!(!dir.path().join("public").exists());
    // With it, the portal is built, encrypted.
    let run = gangway_with(
        dir.path(),
        &["build", "--today", TODAY],
        &[("ACME_PASSPHRASE", "correct horse battery staple")],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let files = Files::read(&dir.path().join("public"));
    assert_eq!(files.containing("Acme Corp"), Vec::<&str>::new());
}

// ---------------------------------------------------------------------------
// --deny-warnings, --quiet, --verbose

#[test]
fn deny_warnings_fails_check_and_build_with_a_last_line_saying_why() {
    let dir = with_a_warning().on_disk();
    let run = gangway(dir.path(), &["check", "--today", TODAY]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let denied = "error: 1 warning, and --deny-warnings makes warnings fail the run (exit code 1)";
    for args in [
        &["check", "--today", TODAY, "--deny-warnings"][..],
        &["--deny-warnings", "check", "--today", TODAY],
        &[
            "check",
            "--today",
            TODAY,
            "--deny-warnings",
            "--format",
            "json",
        ],
        &["build", "--today", TODAY, "--deny-warnings"],
    ] {
        let run = gangway(dir.path(), args);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        assert_eq!(
            run.stderr.lines().last(),
            Some(denied),
            "{args:?}: {}",
            run.stderr
        );
        assert!(run.stderr.contains("date-before-kickoff") || args.contains(&"json"));
    }
    assert!(!dir.path().join("public").exists(), "nothing published");
    // No warnings, nothing to deny.
    let clean = Site::new().on_disk();
    let run = gangway(
        clean.path(),
        &["check", "--today", TODAY, "--deny-warnings"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn quiet_prints_errors_only() {
    let dir = with_a_warning().on_disk();
    let run = gangway(dir.path(), &["check", "--today", TODAY, "--quiet"]);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
    let run = gangway(dir.path(), &["-q", "build", "--today", TODAY]);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
    assert!(dir.path().join("public/index.html").is_file());

    let broken = with_a_warning()
        .edit("playbooks/onboarding.yaml", "owner: admin", "owner: admni")
        .on_disk();
    let run = gangway(broken.path(), &["check", "--today", TODAY, "--quiet"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("error["), "{}", run.stderr);
    assert!(!run.stderr.contains("warning["), "{}", run.stderr);
    let last = run.stderr.lines().last().unwrap_or_default();
    assert!(
        last.ends_with(" error") || last.ends_with(" errors"),
        "the count of errors alone: {}",
        run.stderr
    );
    // --quiet and --verbose contradict each other.
    let run = gangway(dir.path(), &["check", "--quiet", "--verbose"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn verbose_prints_timings_and_what_was_written_naming_portals_by_customer() {
    let dir = encrypted().on_disk();
    let run = gangway_with(
        dir.path(),
        &["build", "--today", TODAY, "--verbose"],
        &[("ACME_PASSPHRASE", "correct horse battery staple")],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("timings: resolve "), "{}", run.stderr);
    assert!(run.stderr.contains("\nwritten:\n"), "{}", run.stderr);
    assert!(
        run.stderr.contains("  portal of acme, encrypted: "),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("  kb/: "), "{}", run.stderr);
    let files = Files::read(&dir.path().join("public"));
    let token = files
        .paths()
        .into_iter()
        .find_map(|p| p.strip_prefix("p/")?.split('/').next())
        .expect("a portal folder")
        .to_string();
    assert!(!run.stderr.contains(&token), "{}", run.stderr);
}

// ---------------------------------------------------------------------------
// --color

#[test]
fn color_follows_the_flag_then_no_color_then_clicolor_force() {
    let dir = with_a_warning().on_disk();
    let colored = |env: &[(&str, &str)], extra: &[&str]| {
        let mut args = vec!["check", "--today", TODAY];
        args.extend_from_slice(extra);
        let run = gangway_with(dir.path(), &args, env);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(run.stderr.contains("date-before-kickoff"), "{}", run.stderr);
        run.stderr.contains("\u{1b}[")
    };
    // The harness sets NO_COLOR; standard error is a pipe.
    assert!(!colored(&[], &[]));
    assert!(colored(&[], &["--color", "always"]));
    assert!(!colored(&[("NO_COLOR", "")], &[]));
    assert!(colored(&[("NO_COLOR", ""), ("CLICOLOR_FORCE", "1")], &[]));
    assert!(!colored(&[("CLICOLOR_FORCE", "1")], &[]), "NO_COLOR wins");
    assert!(!colored(
        &[("NO_COLOR", ""), ("CLICOLOR_FORCE", "1")],
        &["--color", "never"]
    ));
    let run = gangway(dir.path(), &["check", "--color", "sometimes"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("always"), "{}", run.stderr);
}

// ---------------------------------------------------------------------------
// --format json

#[test]
fn the_json_document_has_a_format_version_and_always_the_translations() {
    let dir = Site::new().on_disk();
    for command in ["check", "build"] {
        let run = gangway(dir.path(), &[command, "--today", TODAY, "--format", "json"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let doc: Value = serde_json::from_str(&run.stdout).expect("stdout is JSON");
        assert_eq!(
            doc,
            serde_json::json!({
                "format_version": 1,
                "diagnostics": [],
                "errors": 0,
                "warnings": 0,
                "translations": { "languages": [] },
                "unencrypted": [],
            }),
            "{command}"
        );
    }
    // A second language: its status is listed.
    let dir = Site::new()
        .edit(
            "gangway.toml",
            "title = \"Test Portal\"",
            "title = \"Test Portal\"\nlanguages = [\"en\", \"ms\"]",
        )
        .on_disk();
    let run = gangway(dir.path(), &["check", "--today", TODAY, "--format", "json"]);
    let doc: Value = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    assert_eq!(doc["format_version"], 1, "{}", run.stdout);
    assert_eq!(
        doc["translations"]["languages"][0]["lang"], "ms",
        "{}",
        run.stdout
    );
}

/// docs/cli.md shows the document's fields; they are the fields gangway prints.
#[test]
fn docs_cli_lists_the_json_documents_fields() {
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/cli.md"))
        .expect("docs/cli.md");
    let dir = encrypted().on_disk();
    let run = without_passphrase(dir.path(), &["check", "--today", TODAY, "--format", "json"]);
    let doc: Value = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    for key in doc.as_object().expect("an object").keys() {
        assert!(
            docs.contains(&format!("\"{key}\":")),
            "docs/cli.md lacks {key}"
        );
    }
    assert!(docs.contains("\"format_version\": 1"));
}

/// `gangway … | head`: a reader that stops reading ends the command quietly
/// (exit 0, no "Broken pipe" error), whichever command prints.
#[test]
fn a_closed_pipe_ends_a_command_quietly() {
    let dir = Site::new().on_disk();
    for args in [
        &["links"][..],
        &["translations", "status"],
        &["report", "--format", "json"],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gangway"))
            .args(args)
            .current_dir(dir.path())
            .env("GANGWAY_PORTAL_SECRET", TEST_SECRET)
            .env("NO_COLOR", "1")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run gangway");
        // The reading end is closed before the command writes anything.
        drop(child.stdout.take());
        let output = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("Broken pipe"), "{args:?}: {stderr}");
    }
}

// ---------------------------------------------------------------------------
// completions and help

#[test]
fn completions_are_printed_for_bash_zsh_and_fish() {
    let dir = Site::new().on_disk();
    for shell in ["bash", "zsh", "fish"] {
        let run = gangway(dir.path(), &["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        for word in ["check", "serve", "completions", "deny-warnings", "color"] {
            assert!(run.stdout.contains(word), "{shell} lacks {word}");
        }
    }
    let bash = gangway(dir.path(), &["completions", "bash"]);
    let script = dir.path().join("gangway.bash");
    std::fs::write(&script, &bash.stdout).expect("write the script");
    let syntax = Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
        .expect("run bash");
    assert!(
        syntax.status.success(),
        "{}",
        String::from_utf8_lossy(&syntax.stderr)
    );
    let run = gangway(dir.path(), &["completions", "powershell"]);
    assert_eq!(run.code, 2);
}

#[test]
fn help_lists_the_global_flags_and_every_command_takes_them() {
    let dir = Site::new().on_disk();
    let run = gangway(dir.path(), &["--help"]);
    assert_eq!(run.code, 0);
    for word in [
        "--quiet",
        "--verbose",
        "--color <WHEN>",
        "--deny-warnings",
        "completions",
    ] {
        assert!(run.stdout.contains(word), "{word}: {}", run.stdout);
    }
    for command in ["build", "check", "serve", "digest", "report", "links"] {
        let run = gangway(dir.path(), &[command, "--help"]);
        assert_eq!(run.code, 0, "{command}");
        assert!(run.stdout.contains("--deny-warnings"), "{command}");
        assert!(run.stdout.contains("--quiet"), "{command}");
    }
}
