//! `[content] last_updated = "git"`: an article's "Last updated" day (and the
//! sitemap's `<lastmod>`) from the last commit that changed its file, run as an
//! author runs `gangway build` on a small site in a real git repository whose
//! commits carry fixed dates.

use std::path::Path;
use std::process::Command;

use crate::harness::*;

/// A site in English and Malay asking for dates from git: an article with no
/// dates, its Malay translation, one with `lastmod` (which wins), one with only
/// `date` (which git replaces).
fn site() -> Site {
    let config = format!(
        "default_language = \"en\"\nlanguages = [\"en\", \"ms\"]\n{CONFIG}\n[content]\nlast_updated = \"git\"\n"
    );
    Site::new()
        .file("gangway.toml", &config)
        .file(
            "content/kb/setup.md",
            "---\ntitle: Setting up your account\n---\nFollow the link.\n",
        )
        .file(
            "content/kb/setup.ms.md",
            "---\ntitle: Menyediakan akaun anda\n---\nIkut pautan.\n",
        )
        .file(
            "content/kb/pinned.md",
            "---\ntitle: Pinned\nlastmod: 2023-05-06\n---\nWritten once.\n",
        )
        .file(
            "content/kb/dated.md",
            "---\ntitle: Dated\ndate: 2022-01-01\n---\nWritten long ago.\n",
        )
}

/// Runs git in `dir`, its commits dated `date` (committer) and a year earlier
/// (author): the committer's day is the one shown.
fn git(dir: &Path, date: &str, args: &[&str]) {
    let o = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .env("GIT_COMMITTER_DATE", date)
        .env("GIT_AUTHOR_DATE", "2020-07-07T12:00:00Z")
        .output()
        .expect("run git");
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn commit(dir: &Path, date: &str) {
    git(dir, date, &["add", "-A"]);
    git(dir, date, &["commit", "-q", "-m", "A change"]);
}

/// The site in a repository: everything committed on 2024-02-10, then the
/// English setup article changed late on 2 March 2024 in New York, which is
/// already 3 March in UTC.
fn repository(dir: &Path) {
    let first = "2024-02-10T09:00:00Z";
    git(dir, first, &["init", "-q", "-b", "main"]);
    git(dir, first, &["config", "user.name", "Test Author"]);
    git(dir, first, &["config", "user.email", "author@example.test"]);
    git(dir, first, &["config", "commit.gpgsign", "false"]);
    commit(dir, first);
    let path = dir.join("content/kb/setup.md");
    let text = std::fs::read_to_string(&path).expect("read") + "\nChoose a password.\n";
    std::fs::write(&path, text).expect("write");
    commit(dir, "2024-03-02T22:30:00-05:00");
}

fn build(dir: &Path) -> (Run, Files) {
    let o = gangway(dir, &["build", "--output", "out", "--today", TODAY]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    (o, Files::read(&dir.join("out")))
}

fn shows(page: &str, day: &str, words: &str) -> bool {
    page.contains(&format!(r#"<time datetime="{day}">{words}</time>"#))
}

#[test]
fn articles_show_the_day_of_their_last_commit_unless_front_matter_says() {
    let dir = site().on_disk();
    repository(dir.path());
    // Written after the last commit: not in the history, so front matter decides.
    std::fs::write(
        dir.path().join("content/kb/new.md"),
        "---\ntitle: New\ndate: 2021-02-03\n---\nNot committed yet.\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("content/kb/undated.md"),
        "---\ntitle: Undated\n---\nNot committed yet.\n",
    )
    .expect("write");
    let (o, files) = build(dir.path());
    assert!(!o.stderr.contains("git-history"), "{}", o.stderr);

    // The committer's day in UTC, localised.
    let setup = files.file("kb/setup/index.html");
    assert!(
        setup.contains(r#"Last updated <time datetime="2024-03-03">3 Mar 2024</time>"#),
        "{setup}"
    );
    let malay = files.file("ms/kb/setup/index.html");
    assert!(
        malay.contains(r#"Kemas kini terakhir <time datetime="2024-02-10">"#),
        "{malay}"
    );
    assert!(shows(&malay, "2024-02-10", "10 Feb 2024"), "{malay}");
    // `lastmod` wins over git; git wins over `date`.
    assert!(shows(
        &files.file("kb/pinned/index.html"),
        "2023-05-06",
        "6 May 2023"
    ));
    assert!(shows(
        &files.file("kb/dated/index.html"),
        "2024-02-10",
        "10 Feb 2024"
    ));
    // Not committed: `date`, else nothing (never the time of the build).
    assert!(shows(
        &files.file("kb/new/index.html"),
        "2021-02-03",
        "3 Feb 2021"
    ));
    assert!(!files.file("kb/undated/index.html").contains("Last updated"));

    let sitemap = files.file("sitemap.xml");
    for (page, day) in [
        ("kb/setup/", "2024-03-03"),
        ("ms/kb/setup/", "2024-02-10"),
        ("kb/pinned/", "2023-05-06"),
        ("kb/dated/", "2024-02-10"),
        ("kb/new/", "2021-02-03"),
    ] {
        assert!(
            sitemap.contains(&format!(
                "<loc>https://portal.test/{page}</loc><lastmod>{day}</lastmod>"
            )),
            "{page}: {sitemap}"
        );
    }
    assert!(
        sitemap.contains("<loc>https://portal.test/kb/undated/</loc><xhtml"),
        "{sitemap}"
    );
}

#[test]
fn without_git_history_the_build_warns_once_and_uses_front_matter() {
    let dir = site().on_disk();
    let (o, files) = build(dir.path());
    let text = &o.stderr;
    assert_eq!(text.matches("git-history").count(), 1, "{text}");
    assert!(
        text.contains(
            "the site is not in a git repository: articles show the dates of their front matter"
        ),
        "{text}"
    );
    assert!(text.contains("gangway.toml:"), "{text}");
    assert!(shows(
        &files.file("kb/dated/index.html"),
        "2022-01-01",
        "1 Jan 2022"
    ));
    assert!(!files.file("kb/setup/index.html").contains("Last updated"));
}

#[test]
fn without_git_the_build_says_so_once() {
    let dir = site().on_disk();
    repository(dir.path());
    // No git to be found: a PATH with no programs on it.
    let o = gangway_with(
        dir.path(),
        &["build", "--output", "out", "--today", TODAY],
        &[("PATH", "/nonexistent")],
    );
    let text = &o.stderr;
    assert_eq!(o.code, 0, "{text}");
    assert_eq!(text.matches("git-history").count(), 1, "{text}");
    assert!(text.contains("git could not be run"), "{text}");
    let files = Files::read(&dir.path().join("out"));
    assert!(shows(
        &files.file("kb/dated/index.html"),
        "2022-01-01",
        "1 Jan 2022"
    ));
}

#[test]
fn a_shallow_clone_is_reported() {
    let dir = site().on_disk();
    repository(dir.path());
    let clone = tempfile::tempdir().expect("temporary directory");
    let source = format!("file://{}", dir.path().display());
    git(
        clone.path(),
        "2024-03-05T00:00:00Z",
        &["clone", "-q", "--depth", "1", &source, "site"],
    );
    let site = clone.path().join("site");
    let (o, files) = build(&site);
    let text = &o.stderr;
    assert_eq!(text.matches("git-history").count(), 1, "{text}");
    assert!(text.contains("shallow clone"), "{text}");
    assert!(text.contains("fetch-depth: 0"), "{text}");
    // The one commit it has stands for every file.
    assert!(shows(
        &files.file("kb/pinned/index.html"),
        "2023-05-06",
        "6 May 2023"
    ));
    assert!(shows(
        &files.file("kb/dated/index.html"),
        "2024-03-03",
        "3 Mar 2024"
    ));
}

#[test]
fn front_matter_dates_stay_the_default_and_git_is_the_only_other_choice() {
    // Without the setting, no history is read, even in a repository.
    let dir = site()
        .edit("gangway.toml", "last_updated = \"git\"", "")
        .on_disk();
    repository(dir.path());
    let (o, files) = build(dir.path());
    assert!(!o.stderr.contains("git"), "{}", o.stderr);
    assert!(!files.file("kb/setup/index.html").contains("Last updated"));
    assert!(shows(
        &files.file("kb/dated/index.html"),
        "2022-01-01",
        "1 Jan 2022"
    ));

    let build = site().edit("gangway.toml", "\"git\"", "\"gti\"").build();
    let d = build.assert_error("invalid-value", "gangway.toml", 17);
    assert!(d.help.as_deref().unwrap_or("").contains("`git`"), "{d:?}");
    // A library build that was given no history says so, once.
    let build = site().build();
    build.assert_warning("git-history", "gangway.toml", 17);
}
