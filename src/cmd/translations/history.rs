//! The earlier versions of an original, from its git history (the `git` command
//! line, run in the site's folder): each commit that changed the file, newest
//! first, with the source hash of the file as that commit left it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::cmd::git;
use gangway::translations::{Inventory, Original, Part};

/// How many commits of one file are looked at, at most.
const MAX_COMMITS: usize = 500;

/// A commit that changed an original, and the original as it left it.
pub(super) struct Version {
    /// The commit's full id.
    pub commit: String,
    /// Its day (`YYYY-MM-DD`).
    pub date: String,
    /// Its subject line.
    pub subject: String,
    /// The original's source hash at that commit; `None` when it could not be read then.
    pub hash: Option<String>,
    /// What the hash covers.
    pub parts: Vec<Part>,
}

/// One file's commits, read as they are asked for.
struct FileHistory {
    commits: Vec<(String, String, String)>,
    versions: Vec<Version>,
}

/// The git history of the site's originals, read as it is needed.
pub(super) struct History {
    root: PathBuf,
    files: HashMap<String, Result<FileHistory, String>>,
}

impl History {
    pub(super) fn new(root: &Path) -> History {
        History {
            root: root.to_path_buf(),
            files: HashMap::new(),
        }
    }

    /// The newest version of `original` in its history for which `wanted` holds
    /// (given its hash), or why the history cannot be read.
    pub(super) fn find(
        &mut self,
        inventory: &Inventory,
        original: &Original,
        wanted: impl Fn(&str) -> bool,
    ) -> Result<Option<&Version>, String> {
        let root = self.root.clone();
        let file = self
            .files
            .entry(original.path.clone())
            .or_insert_with(|| commits_of(&root, &original.path));
        let file = file.as_mut().map_err(|e| e.clone())?;
        for i in 0..file.commits.len() {
            if i == file.versions.len() {
                let (commit, date, subject) = file.commits[i].clone();
                let spec = format!("{commit}:./{}", original.path);
                let read = git(&root, &["show", &spec])
                    .ok()
                    .and_then(|bytes| inventory.version_of(original, &bytes));
                let (hash, parts) = read.map_or((None, Vec::new()), |(h, p)| (Some(h), p));
                file.versions.push(Version {
                    commit,
                    date,
                    subject,
                    hash,
                    parts,
                });
            }
            if file.versions[i].hash.as_deref().is_some_and(&wanted) {
                return Ok(Some(&file.versions[i]));
            }
        }
        Ok(None)
    }
}

/// The commits that changed `path`, newest first.
fn commits_of(root: &Path, path: &str) -> Result<FileHistory, String> {
    let limit = format!("-n{MAX_COMMITS}");
    let out = git(
        root,
        &["log", &limit, "--format=%H%x1f%cs%x1f%s", "--", path],
    )?;
    let text = String::from_utf8_lossy(&out);
    let commits = text
        .lines()
        .filter_map(|line| {
            let mut fields = line.splitn(3, '\u{1f}');
            Some((
                fields.next()?.to_string(),
                fields.next()?.to_string(),
                fields.next().unwrap_or("").to_string(),
            ))
        })
        .collect();
    Ok(FileHistory {
        commits,
        versions: Vec::new(),
    })
}
