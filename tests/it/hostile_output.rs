//! The output directory under attack: builds killed at random moments, two builds
//! into one folder, pages published at addresses the site itself uses, and
//! `check` and `build` judging every fixture site alike.
//!
//! `GANGWAY_KILL_ITERATIONS` sets how many builds the kill test interrupts
//! (default 8): `GANGWAY_KILL_ITERATIONS=200 cargo test --test it hostile_output::`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use gangway::output::{OutputLock, WhenLocked};
use serde_json::Value;

use crate::harness::*;

/// Starts `gangway build` of the site in `dir` into `dir/public`, without waiting.
fn spawn_build(dir: &Path, extra: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_gangway"))
        .args(["build", "--today", TODAY])
        .args(extra)
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .env("GANGWAY_PORTAL_SECRET", TEST_SECRET)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the gangway binary")
}

/// The paths of every file under `dir`, sorted (the marker included).
fn listing(dir: &Path) -> Vec<String> {
    Files::read(dir)
        .paths()
        .into_iter()
        .map(String::from)
        .collect()
}

/// Names in `dir` that a build leaves beside its output while it runs.
fn leftovers(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("site folder")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public."))
        .collect();
    names.sort();
    names
}

/// A tiny seeded generator, so a failing run can be replayed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

/// The article that makes the two states of the kill test differ in their files.
const EXTRA: &str = "content/kb/kill-test.md";

/// Regression (issue: 50 random kills left no `public/` in the gap between the two
/// renames of the old swap, and every one left `.public.tmp-*` folders): a build
/// killed at any moment leaves the previous output or the new one, complete, and
/// the next build cleans up after it.
#[test]
fn a_build_killed_at_any_moment_leaves_a_complete_site() {
    let iterations: u64 = std::env::var("GANGWAY_KILL_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8);
    let site = Site::example().on_disk();
    let dir = site.path();
    let public = dir.join("public");
    let article = "---\ntitle: Kill test\n---\nA page that comes and goes.\n";

    // The two states and their file lists, and how long a build takes.
    std::fs::write(dir.join(EXTRA), article).expect("write article");
    assert_eq!(gangway(dir, &["build", "--today", TODAY]).code, 0);
    let with_extra = listing(&public);
    std::fs::remove_file(dir.join(EXTRA)).expect("remove article");
    let started = Instant::now();
    let run = gangway(dir, &["build", "--today", TODAY]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let took = started.elapsed();
    let without_extra = listing(&public);
    assert_ne!(with_extra, without_extra);

    let seed = 0x9e37_79b9_7f4a_7c15 ^ iterations;
    let mut rng = Rng(seed);
    let span = took.as_millis() as u64 * 12 / 10 + 20;
    for i in 0..iterations {
        // Flip the site, so the interrupted build would change the output.
        let adding = i % 2 == 0;
        if adding {
            std::fs::write(dir.join(EXTRA), article).expect("write article");
        } else {
            std::fs::remove_file(dir.join(EXTRA)).expect("remove article");
        }
        let delay = rng.below(span);
        let mut child = spawn_build(dir, &[]);
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();

        let context = format!("iteration {i}, killed after {delay} ms (seed {seed:#x})");
        assert!(public.is_dir(), "no output after a kill: {context}");
        let now = listing(&public);
        assert!(
            now == with_extra || now == without_extra,
            "the output is neither the old nor the new site: {context}"
        );
        let run = gangway(dir, &["build", "--today", TODAY]);
        assert_eq!(run.code, 0, "{context}: {}", run.stderr);
        let expected = if adding { &with_extra } else { &without_extra };
        assert_eq!(&listing(&public), expected, "{context}");
        assert_eq!(leftovers(dir), Vec::<String>::new(), "{context}");
    }
}

/// Regression (issue: two builds into one folder, one of them failing, left the
/// other exiting 0 with thousands of files missing): builds into one output take
/// turns, and each publishes a complete site.
#[test]
fn builds_into_one_folder_at_once_take_turns() {
    let site = Site::example().on_disk();
    let dir = site.path();
    assert_eq!(gangway(dir, &["build", "--today", TODAY]).code, 0);
    let reference = listing(&dir.join("public"));
    let children: Vec<Child> = (0..3).map(|_| spawn_build(dir, &[])).collect();
    for child in children {
        let out = child.wait_with_output().expect("wait for build");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
    }
    assert_eq!(listing(&dir.join("public")), reference);
    assert_eq!(leftovers(dir), Vec::<String>::new());
}

#[test]
fn a_build_that_must_not_wait_fails_while_another_holds_the_output() {
    let site = Site::example().on_disk();
    let dir = site.path();
    let public = dir.join("public");
    let held = OutputLock::acquire(&public, WhenLocked::Wait, &|_| {}).expect("lock");
    let run = gangway(dir, &["build", "--today", TODAY, "--no-wait"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "another gangway build (process {}) is writing",
            std::process::id()
        )),
        "{}",
        run.stderr
    );
    assert!(!public.exists(), "nothing is written without the lock");

    // Without --no-wait the build says it waits, and goes on when the lock is free.
    let child = spawn_build(dir, &[]);
    std::thread::sleep(Duration::from_millis(300));
    assert!(!public.exists(), "the waiting build must not write yet");
    drop(held);
    let out = child.wait_with_output().expect("wait for build");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("waiting for another gangway build"),
        "{stderr}"
    );
    assert!(public.join("index.html").is_file());
}

/// Regression (issue: `content/sitemap.xml.md` and `content/assets/style.css.md`
/// passed `check`, then `build` failed with "File exists (os error 17)" and no
/// file): a page at an address the site uses is a located error in both. (A name
/// whose last part reads as a language tag, `sitemap.xml.md`, is refused first as a
/// translation into a language the site does not have.)
#[test]
fn a_page_at_an_address_the_site_uses_is_a_located_error_in_check_and_build() {
    for (file, code, address) in [
        ("content/sitemap.xml.md", "invalid-language", "xml"),
        ("content/assets/style.css.md", "invalid-language", "css"),
        ("content/robots.txt.md", "invalid-language", "txt"),
        ("content/404.html.md", "output-collision", "404.html"),
        ("content/_headers.md", "output-collision", "_headers"),
        ("content/faq.md", "output-collision", "faq/index.html"),
        ("content/ms.md", "output-collision", "ms/index.html"),
    ] {
        let site = Site::new()
            .edit(
                "gangway.toml",
                "description =",
                "languages = [\"en\", \"ms\"]\ndescription =",
            )
            .file(file, "---\ntitle: In the way\n---\nText.\n");
        let build = site.build();
        build.assert_error(code, file, 1);
        let on_disk = site.on_disk();
        for command in ["check", "build"] {
            let run = gangway(
                on_disk.path(),
                &[command, "--today", TODAY, "--format", "json"],
            );
            assert_eq!(run.code, 1, "{command} {file}: {}", run.stderr);
            assert!(
                run.stdout.contains(code) && run.stdout.contains(address),
                "{command} {file}: {}",
                run.stdout
            );
        }
        assert!(!on_disk.path().join("public").exists());
    }
}

/// The diagnostics of a run as comparable values (code, file, line, column).
fn diagnostics_of(run: &Run) -> Vec<Value> {
    let report: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("JSON report: {e}\n{}", run.stdout));
    report
        .get("diagnostics")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// Every site folder of the fixtures (valid and invalid) and the example site.
fn every_fixture_site() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut sites = vec![root.to_path_buf()];
    for kind in ["valid", "invalid"] {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join("tests/fixtures").join(kind))
            .expect("fixtures")
            .flatten()
            .map(|e| e.path().join("site"))
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        sites.extend(dirs);
    }
    sites
}

/// `check` and `build` never disagree: the same exit code and the same
/// diagnostics on every fixture site and the example.
#[test]
fn check_and_build_agree_on_every_fixture_site() {
    let sites = every_fixture_site();
    assert!(sites.len() > 5);
    for site in sites {
        let copy = Site::read(&site).on_disk();
        let dir = copy.path();
        let check = gangway(dir, &["check", "--today", TODAY, "--format", "json"]);
        let build = gangway(dir, &["build", "--today", TODAY, "--format", "json"]);
        let name = site.display();
        assert_eq!(
            check.code, build.code,
            "{name}: {}\n{}",
            check.stderr, build.stderr
        );
        assert_eq!(diagnostics_of(&check), diagnostics_of(&build), "{name}");
        assert_eq!(dir.join("public").is_dir(), build.code == 0, "{name}");
    }
}

/// A file in `static/` at an address the site writes itself is an error too, found
/// by `check` (it has no page to point at, so it names the address).
#[test]
fn a_static_file_at_a_generated_address_is_an_error() {
    let build = Site::new().file("static/sitemap.xml", "<urlset/>").build();
    let found = build
        .errors()
        .iter()
        .any(|d| d.code == "output-collision" && d.message.contains("`sitemap.xml`"));
    assert!(found, "{}", build.report());
}
