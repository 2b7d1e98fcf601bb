//! Hostile and careless input outside the page content: theme interface text
//! that is not UTF-8 or not TOML, `rotate` aimed outside `customers/` or at a
//! file with Windows line endings, and the portal secret file `build` creates
//! (its permissions and `.gitignore`).

use crate::harness::{Site, gangway};

/// A site using the theme `mine`, with `files` under `themes/mine/`.
fn themed(files: &[(&str, &[u8])]) -> Site {
    let mut site = Site::new().edit(
        "gangway.toml",
        "title = \"Test Portal\"",
        "theme = \"mine\"\ntitle = \"Test Portal\"",
    );
    for (path, bytes) in files {
        site = site.bytes(&format!("themes/mine/{path}"), bytes);
    }
    site
}

/// Issue 17, item 12: a strings file with a byte that is not UTF-8 was skipped
/// without a word, so the site silently showed the built-in text.
#[test]
fn theme_strings_that_are_not_utf8_are_a_located_error() {
    let build = themed(&[(
        "strings/en.toml",
        b"# our wording\nnav_home = \"Sta\xffrt\"\n",
    )])
    .build();
    let d = build.assert_error("not-utf8", "themes/mine/strings/en.toml", 2);
    assert_eq!(d.location().map(|(_, _, column)| column), Some(16));
}

/// A template that is not UTF-8 was an error without a place.
#[test]
fn theme_templates_that_are_not_utf8_are_a_located_error() {
    let build = themed(&[("templates/404.html", b"<p>\n<p>caf\xe9</p>\n")]).build();
    let d = build.assert_error("not-utf8", "themes/mine/templates/404.html", 2);
    assert_eq!(d.location().map(|(_, _, column)| column), Some(7));
}

/// Strings files that are not TOML, or not a table of strings, are errors at
/// the line and column of the problem, and their strings are not used.
#[test]
fn theme_strings_that_are_not_toml_are_a_located_error() {
    for (text, code, line, column) in [
        (
            "nav_home = \"Start\"\nnav_faq = \"unterminated\n",
            "toml-syntax",
            2,
            24,
        ),
        ("nav_home = \"Start\"\n\nnav_faq = 3\n", "wrong-type", 3, 11),
        (
            "nav_home = \"Start\"\nnav_home = \"Again\"\n",
            "toml-syntax",
            2,
            1,
        ),
        ("[nav]\nhome = \"Start\"\n", "wrong-type", 1, 1),
        (
            "nav_home = \"Start\"\nnav faq = \"x\"\n",
            "toml-syntax",
            2,
            5,
        ),
    ] {
        let build = themed(&[("strings/en.toml", text.as_bytes())]).build();
        let d = build.assert_error(code, "themes/mine/strings/en.toml", line);
        assert_eq!(
            d.location().map(|(_, _, c)| c),
            Some(column),
            "{text:?}:\n{}",
            build.report()
        );
    }
}

/// A file in the strings folder that is not `<lang>.toml` is not read: say so.
#[test]
fn other_files_in_the_strings_folder_are_reported_as_unused() {
    let build = themed(&[("strings/en.txt", b"nav_home = \"Start\"\n")]).build();
    let d = build.diagnostic("ignored-file");
    assert!(d.message.contains("themes/mine/strings/en.txt"), "{d}");
}

// ---------------------------------------------------------------------------
// rotate

/// Issue 17, item 12: `rotate ../../outside` rewrote `<root>/../outside.yaml`,
/// a file outside the site. Ids that are not customer ids, and customers that do
/// not exist, are refused with exit 2 before any file is touched.
#[test]
fn rotate_refuses_ids_that_are_not_customers() {
    let tmp = tempfile::tempdir().expect("temporary directory");
    Site::new().write_to(&tmp.path().join("site"));
    let outside = tmp.path().join("outside.yaml");
    std::fs::write(&outside, "name: not a customer\n").expect("write");
    let acme = tmp.path().join("site/customers/acme.yaml");
    let before = std::fs::read(&acme).expect("read");
    for id in [
        "../../outside",
        "../customers/acme",
        "acme/../acme",
        "/etc/passwd",
        "ACME",
        "acme.yaml",
        "",
        "nobody",
    ] {
        let run = gangway(tmp.path(), &["rotate", id, "--root", "site"]);
        assert_eq!(run.code, 2, "rotate {id:?}: {run:?}");
        let expected = if id == "nobody" {
            "there is no customer `nobody`"
        } else {
            "is not a customer id"
        };
        assert!(
            run.stderr.contains(expected),
            "rotate {id:?}: {}",
            run.stderr
        );
        assert_eq!(run.stdout, "", "rotate {id:?} printed an address");
    }
    assert_eq!(
        std::fs::read_to_string(&outside).expect("read"),
        "name: not a customer\n"
    );
    assert_eq!(std::fs::read(&acme).expect("read"), before);
}

/// Issue 17, item 12: `rotate` rewrote a customer file saved with Windows line
/// endings (`\r\n`) with `\n` everywhere. Only the rotation line may change;
/// issue 23: a last line without a line break stays without one.
#[test]
fn rotate_keeps_crlf_line_endings_and_every_other_byte() {
    let crlf = crate::harness::dedent(crate::harness::CUSTOMER).replace('\n', "\r\n");
    let dir = Site::new().file("customers/acme.yaml", "").on_disk();
    let path = dir.path().join("customers/acme.yaml");
    // Without a line break at the end, as some editors save.
    let original = crlf.trim_end().to_string();
    std::fs::write(&path, &original).expect("write");

    let run = gangway(dir.path(), &["rotate", "acme"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains("/p/"),
        "prints the new address: {run:?}"
    );
    let first = std::fs::read_to_string(&path).expect("read");
    assert_eq!(first, format!("{original}\r\nportal_rotation: 1"));

    let run = gangway(dir.path(), &["rotate", "acme"]);
    assert_eq!(run.code, 0, "{run:?}");
    let second = std::fs::read_to_string(&path).expect("read");
    assert_eq!(second, format!("{original}\r\nportal_rotation: 2"));
}

// ---------------------------------------------------------------------------
// The portal secret file

/// `build` without `GANGWAY_PORTAL_SECRET`, so it uses or creates `.portal-secret`.
fn build_with_secret_file(dir: &std::path::Path) -> crate::harness::Run {
    let run = crate::harness::gangway_with(dir, &["build"], &[("GANGWAY_PORTAL_SECRET", "")]);
    assert_eq!(run.code, 0, "{run:?}");
    run
}

/// Issue 17, item 12: the secret `build` created could be read by every user of
/// the machine (mode 0644 under the usual umask).
#[cfg(unix)]
#[test]
fn the_created_secret_file_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = Site::new().on_disk();
    build_with_secret_file(dir.path());
    let meta = std::fs::metadata(dir.path().join(".portal-secret")).expect("the secret exists");
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    // An older, readable secret still works, with a warning that says how to fix it.
    std::fs::set_permissions(
        dir.path().join(".portal-secret"),
        std::fs::Permissions::from_mode(0o644),
    )
    .expect("chmod");
    let run = build_with_secret_file(dir.path());
    assert!(run.stderr.contains("chmod 600"), "{}", run.stderr);
}

/// Issue 17, item 12: `init` puts `/.portal-secret` in `.gitignore`, but `build`
/// creating the secret in an existing site did not, so `git add .` committed it.
#[test]
fn build_adds_the_created_secret_to_gitignore_once() {
    let dir = Site::new().on_disk();
    let run = build_with_secret_file(dir.path());
    let gitignore = dir.path().join(".gitignore");
    assert_eq!(
        std::fs::read_to_string(&gitignore).expect("created"),
        "/.portal-secret\n"
    );
    assert_eq!(
        run.stderr.matches(".gitignore").count(),
        1,
        "{}",
        run.stderr
    );
    // The secret exists now: nothing more to say or add.
    let run = build_with_secret_file(dir.path());
    assert!(!run.stderr.contains(".gitignore"), "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(&gitignore).expect("kept"),
        "/.portal-secret\n"
    );
}

/// An existing `.gitignore` gets one line, ended as its lines are; one that
/// already ignores the secret is left byte for byte.
#[test]
fn build_appends_to_an_existing_gitignore_keeping_its_line_endings() {
    for (before, after) in [
        (
            "/public/\r\nnode_modules",
            "/public/\r\nnode_modules\r\n/.portal-secret\r\n",
        ),
        ("/public/\n", "/public/\n/.portal-secret\n"),
        (
            "/public/\r\n.portal-secret\r\n",
            "/public/\r\n.portal-secret\r\n",
        ),
    ] {
        let dir = Site::new().on_disk();
        std::fs::write(dir.path().join(".gitignore"), before).expect("write");
        let run = build_with_secret_file(dir.path());
        let text = std::fs::read_to_string(dir.path().join(".gitignore")).expect("read");
        assert_eq!(text, after, "{before:?}");
        assert_eq!(
            run.stderr.contains(".gitignore"),
            before != after,
            "{before:?}: {}",
            run.stderr
        );
    }
}

/// A `.gitignore` that cannot be written does not fail the build: the secret is
/// made, and the warning says what to add.
#[test]
fn an_unwritable_gitignore_is_a_warning() {
    let dir = Site::new().on_disk();
    std::fs::create_dir(dir.path().join(".gitignore")).expect("a folder in the way");
    let run = build_with_secret_file(dir.path());
    assert!(dir.path().join(".portal-secret").is_file());
    assert!(
        run.stderr.contains("warning: cannot read ./.gitignore")
            && run
                .stderr
                .contains("add /.portal-secret to .gitignore yourself"),
        "{}",
        run.stderr
    );
}
