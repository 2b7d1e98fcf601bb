//! Golden sites: whole fixture sites built as of [`TODAY`] and compared with
//! what they are expected to produce.
//!
//! - `tests/fixtures/valid/<name>/site/` builds without any diagnostic into
//!   exactly the tree `tests/fixtures/valid/<name>/expected/`.
//! - `tests/fixtures/invalid/<name>/site/` fails, and its report (human format,
//!   no colour, then the summary line, as `gangway build` prints it) is
//!   `tests/fixtures/invalid/<name>/expected.txt`.
//! - `tests/fixtures/valid/starter/site/` is what `gangway init` writes.
//!
//! `GANGWAY_BLESS=1 cargo test --test it golden` rewrites the expected files
//! (and the starter's site) from what gangway does now. Read the diff before
//! committing it: a blessed mistake is a mistake with a test guarding it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::harness::*;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn blessing() -> bool {
    std::env::var_os("GANGWAY_BLESS").is_some_and(|v| v == "1")
}

/// The fixture folders under `fixtures/<kind>/`, sorted.
fn fixture_dirs(kind: &str) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(fixtures().join(kind))
        .expect("the fixtures folder")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn name(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Replaces `dir` with exactly `files`.
fn write_tree(dir: &Path, files: &Files) {
    if dir.exists() {
        std::fs::remove_dir_all(dir).expect("remove the old expected tree");
    }
    for (path, bytes) in &files.files {
        let target = dir.join(path);
        std::fs::create_dir_all(target.parent().expect("a parent")).expect("create folder");
        std::fs::write(target, bytes).expect("write expected file");
    }
}

/// A readable account of how `actual` differs from `expected`, or `None`.
fn tree_diff(expected: &Files, actual: &Files) -> Option<String> {
    let mut out = String::new();
    for path in expected.paths() {
        if !actual.has(path) {
            let _ = writeln!(out, "  missing: {path}");
        }
    }
    for path in actual.paths() {
        match expected.files.get(path) {
            None => {
                let _ = writeln!(out, "  unexpected: {path}");
            }
            Some(bytes) if *bytes != actual.files[path] => {
                let _ = writeln!(
                    out,
                    "  differs: {path}{}",
                    first_difference(bytes, &actual.files[path])
                );
            }
            Some(_) => {}
        }
    }
    (!out.is_empty()).then_some(out)
}

fn first_difference(expected: &[u8], actual: &[u8]) -> String {
    let expected = String::from_utf8_lossy(expected);
    let actual = String::from_utf8_lossy(actual);
    let mut e = expected.lines();
    let mut a = actual.lines();
    for n in 1.. {
        match (e.next(), a.next()) {
            (None, None) => return " (line endings)".to_string(),
            (x, y) if x == y => continue,
            (x, y) => {
                return format!(
                    "\n    line {n}, expected: {}\n    line {n}, actual:   {}",
                    x.unwrap_or("<end of file>"),
                    y.unwrap_or("<end of file>")
                );
            }
        }
    }
    String::new()
}

/// Builds a fixture's site. The starter is built from the binary's own copy
/// ([`Site::starter`]); [`the_starter_fixture_is_the_site_init_writes`] keeps
/// its `site/` folder equal to it.
fn build_fixture(dir: &Path) -> Build {
    let in_valid = dir.parent().is_some_and(|p| p.ends_with("valid"));
    let site = if in_valid && name(dir) == "starter" {
        Site::starter()
    } else {
        Site::read(&dir.join("site"))
    };
    site.today(TODAY).build()
}

#[test]
fn valid_fixtures_build_to_their_expected_trees() {
    let dirs = fixture_dirs("valid");
    assert!(dirs.len() >= 2, "at least two valid fixtures");
    let mut failures = String::new();
    for dir in dirs {
        let build = build_fixture(&dir);
        if !build.diagnostics().is_empty() {
            let _ = writeln!(
                failures,
                "{}: expected no diagnostics, got:\n{}",
                name(&dir),
                build.report()
            );
            continue;
        }
        let actual = build.ok();
        let expected_dir = dir.join("expected");
        if blessing() {
            write_tree(&expected_dir, &actual);
            continue;
        }
        if !expected_dir.is_dir() {
            let _ = writeln!(
                failures,
                "{}: no expected/ tree (run with GANGWAY_BLESS=1)",
                name(&dir)
            );
            continue;
        }
        if let Some(diff) = tree_diff(&Files::read(&expected_dir), &actual) {
            let _ = writeln!(failures, "{}:\n{diff}", name(&dir));
        }
    }
    assert!(
        failures.is_empty(),
        "golden output differs (GANGWAY_BLESS=1 rewrites it; review the diff):\n{failures}"
    );
}

#[test]
fn invalid_fixtures_report_their_expected_diagnostics() {
    let dirs = fixture_dirs("invalid");
    assert!(dirs.len() >= 6, "at least six invalid fixtures");
    let mut failures = String::new();
    for dir in dirs {
        let build = build_fixture(&dir);
        if build.errors().is_empty() {
            let _ = writeln!(
                failures,
                "{}: expected errors, the build succeeded",
                name(&dir)
            );
            continue;
        }
        if !build.compiled.files.is_empty() {
            let _ = writeln!(failures, "{}: a failed build produced files", name(&dir));
        }
        let actual = build.report();
        let expected_file = dir.join("expected.txt");
        if blessing() {
            std::fs::write(&expected_file, &actual).expect("write expected.txt");
            continue;
        }
        match std::fs::read_to_string(&expected_file) {
            Ok(expected) if expected == actual => {}
            Ok(expected) => {
                let _ = writeln!(
                    failures,
                    "{}:{}\n--- actual report ---\n{actual}",
                    name(&dir),
                    first_difference(expected.as_bytes(), actual.as_bytes())
                );
            }
            Err(_) => {
                let _ = writeln!(
                    failures,
                    "{}: no expected.txt (run with GANGWAY_BLESS=1)",
                    name(&dir)
                );
            }
        }
    }
    assert!(
        failures.is_empty(),
        "golden diagnostics differ (GANGWAY_BLESS=1 rewrites them; review the diff):\n{failures}"
    );
}

/// The `starter` fixture is the site `gangway init` writes, so its expected
/// tree is the output a new user sees first.
#[test]
fn the_starter_fixture_is_the_site_init_writes() {
    let site_dir = fixtures().join("valid/starter/site");
    if blessing() {
        let starter = Files {
            files: gangway::init::STARTER
                .iter()
                .map(|(path, text)| (path.to_string(), text.as_bytes().to_vec()))
                .collect(),
            portals: Default::default(),
            dashboard: None,
        };
        write_tree(&site_dir, &starter);
    }
    for (path, text) in gangway::init::STARTER {
        let on_disk = std::fs::read_to_string(site_dir.join(path)).unwrap_or_default();
        assert_eq!(
            on_disk, *text,
            "tests/fixtures/valid/starter/site/{path} differs from the starter (run with GANGWAY_BLESS=1)"
        );
    }
}
