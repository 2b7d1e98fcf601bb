//! The days of the site's files from its git history, for `[content]
//! last_updated = "git"`: one `git log` over `content/` (the `git` command line,
//! run in the site's folder), each file's day the committer date, in UTC, of the
//! newest commit that changed it. Read by the binary, once per command (`serve`
//! reads it when it starts); the library takes it as
//! [`gangway::build::BuildOptions::git_dates`].

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use super::git;
use gangway::build::GitDates;
use jiff::civil::Date;

/// The days of the site at `root` when its `gangway.toml` asks for them
/// (`[content] last_updated = "git"`); else [`GitDates::NotRead`].
pub(crate) fn read_if_asked(root: &Path) -> GitDates {
    if asks_for_git(root) {
        read(root)
    } else {
        GitDates::NotRead
    }
}

/// Whether `gangway.toml` says `last_updated = "git"` in `[content]` (read
/// loosely: the build reports what is wrong with the file).
fn asks_for_git(root: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(root.join("gangway.toml")) else {
        return false;
    };
    let Ok(table) = toml::from_str::<toml::Table>(&text) else {
        return false;
    };
    table
        .get("content")
        .and_then(|c| c.get("last_updated"))
        .and_then(|v| v.as_str())
        == Some("git")
}

/// The days of every file under `content/` in the history of the repository
/// that holds `root`, or why they cannot be read.
pub(crate) fn read(root: &Path) -> GitDates {
    let shallow = match git(root, &["rev-parse", "--is-shallow-repository"]) {
        Ok(out) => String::from_utf8_lossy(&out).trim() == "true",
        Err(why) => return GitDates::Unreadable(why),
    };
    // Newest first; each commit's committer time (seconds since 1970) after
    // \x01, then the paths it changed (relative to `root`), each ending in NUL.
    // `--no-renames` lists a renamed file under its new name whatever
    // `diff.renames` says; merges change nothing of their own here.
    let log = git(
        root,
        &[
            "-c",
            "log.showSignature=false",
            "log",
            "--no-merges",
            "--no-renames",
            "--no-color",
            "--relative",
            "--format=%x01%ct",
            "--name-only",
            "-z",
            "--",
            "content",
        ],
    );
    match log {
        Ok(out) => GitDates::Read {
            days: Arc::new(days_of(&out)),
            shallow,
        },
        Err(why) => GitDates::Unreadable(why),
    }
}

/// Each path's day from `git log --format=%x01%ct --name-only -z` output: the
/// first (newest) commit that names it.
fn days_of(out: &[u8]) -> BTreeMap<String, Date> {
    let mut days = BTreeMap::new();
    let mut day: Option<Date> = None;
    for field in out.split(|b| *b == 0) {
        if let Some(seconds) = field.strip_prefix(b"\x01") {
            day = std::str::from_utf8(seconds)
                .ok()
                .and_then(|s| s.trim().parse::<i64>().ok())
                .and_then(|s| jiff::Timestamp::from_second(s).ok())
                .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date());
            continue;
        }
        let path = field.strip_prefix(b"\n").unwrap_or(field);
        if let (Some(day), Ok(path)) = (day, std::str::from_utf8(path))
            && !path.is_empty()
        {
            days.entry(path.to_string()).or_insert(day);
        }
    }
    days
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_commit_naming_a_path_gives_its_day_in_utc() {
        // 2024-03-04 10:00 UTC, then 2024-01-02 23:30 -05:00 (2024-01-03 in UTC).
        let out = b"\x011709546400\0\ncontent/kb/a.md\0\x011704256200\0\ncontent/kb/a.md\0content/kb/b\xc3\xa9.md\0";
        let days = days_of(out);
        let day = |p: &str| days.get(p).map(ToString::to_string);
        assert_eq!(day("content/kb/a.md").as_deref(), Some("2024-03-04"));
        assert_eq!(day("content/kb/bé.md").as_deref(), Some("2024-01-03"));
        assert_eq!(days.len(), 2);
        assert!(days_of(b"").is_empty());
        assert!(days_of(b"\x01nonsense\0\ncontent/kb/a.md\0").is_empty());
    }
}
