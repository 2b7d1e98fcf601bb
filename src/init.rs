//! `gangway init`: a small starter site that builds with no edits.

use std::path::Path;

/// The starter site's files, compiled into the binary.
pub const STARTER: &[(&str, &str)] = &[
    ("gangway.toml", include_str!("starter/gangway.toml")),
    (
        "playbooks/standard.yaml",
        include_str!("starter/playbooks/standard.yaml"),
    ),
    (
        "customers/example-customer.yaml",
        include_str!("starter/customers/example-customer.yaml"),
    ),
    (
        "content/_index.md",
        include_str!("starter/content/_index.md"),
    ),
    (
        "content/kb/getting-started.md",
        include_str!("starter/content/kb/getting-started.md"),
    ),
    (
        "content/kb/sso.md",
        include_str!("starter/content/kb/sso.md"),
    ),
    (
        "content/faq/reset-password.md",
        include_str!("starter/content/faq/reset-password.md"),
    ),
    (".gitignore", "/public/\n/.public.lock\n/.portal-secret\n"),
    (
        ".github/workflows/portal.yml",
        include_str!("starter/.github/workflows/portal.yml"),
    ),
];

/// Why `init` could not write the starter site.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// The directory already holds a site or other files that would be overwritten.
    #[error(
        "{path} already exists; init only writes into a new or empty directory, or a fresh clone that holds only .git, a README, a licence, .gitignore, .gitattributes and .github/"
    )]
    Exists {
        /// The file or directory in the way.
        path: String,
    },
    /// Reading or writing failed.
    #[error("cannot write {path}")]
    Io {
        /// The path involved.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// Writes the starter site into `dir`, which must not exist, be empty, or hold
/// only what a freshly made repository holds ([`fresh_clone_name`]). No file is
/// overwritten; an existing `.gitignore` gets the starter's lines it lacks.
pub fn init(dir: &Path) -> Result<Vec<String>, InitError> {
    let io = |path: &Path| {
        let path = path.display().to_string();
        move |source| InitError::Io { path, source }
    };
    if dir.exists() {
        refuse_what_is_in_the_way(dir)?;
    }
    let mut written = Vec::new();
    for (path, text) in STARTER {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        if *path == ".gitignore" && target.exists() {
            let existing = std::fs::read(&target).map_err(io(&target))?;
            if let Some(updated) = gitignore_with(&existing, text) {
                std::fs::write(&target, updated).map_err(io(&target))?;
                written.push(path.to_string());
            }
            continue;
        }
        std::fs::write(&target, text).map_err(io(&target))?;
        written.push(path.to_string());
    }
    // Editor support: the JSON Schemas and the settings that map files to them.
    for (path, text) in crate::schema::editor_files() {
        let target = dir.join(&path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        std::fs::write(&target, text).map_err(io(&target))?;
        written.push(path);
    }
    Ok(written)
}

/// Refuses a directory that holds anything but what a fresh clone holds, or
/// any starter file (but `.gitignore`) already: before anything is written.
fn refuse_what_is_in_the_way(dir: &Path) -> Result<(), InitError> {
    let entries = std::fs::read_dir(dir).map_err(|source| InitError::Io {
        path: dir.display().to_string(),
        source,
    })?;
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    if let Some(name) = names.iter().find(|name| !fresh_clone_name(name)) {
        return Err(InitError::Exists {
            path: dir.join(name).display().to_string(),
        });
    }
    for (path, _) in STARTER {
        let target = dir.join(path);
        if *path != ".gitignore" && std::fs::symlink_metadata(&target).is_ok() {
            return Err(InitError::Exists {
                path: target.display().to_string(),
            });
        }
    }
    Ok(())
}

/// True for what a repository holds when it is made on a forge and cloned:
/// `.git`, a README, a licence (`LICENSE`, `LICENCE`, `COPYING`, with any
/// extension or suffix), `.gitignore`, `.gitattributes` and `.github/`.
fn fresh_clone_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    matches!(name, ".git" | ".gitignore" | ".gitattributes" | ".github")
        || ["README", "LICENSE", "LICENCE", "COPYING"]
            .iter()
            .any(|stem| upper.starts_with(stem))
}

/// `existing` with the lines of `wanted` it lacks appended, ended the way its
/// own lines are; `None` when it has them all.
pub fn gitignore_with(existing: &[u8], wanted: &str) -> Option<Vec<u8>> {
    let has = |line: &str| {
        existing.split(|&b| b == b'\n').any(|l| {
            let l = l.trim_ascii();
            l == line.as_bytes() || Some(l) == line.as_bytes().strip_prefix(b"/")
        })
    };
    let missing: Vec<&str> = wanted.lines().filter(|line| !has(line)).collect();
    if missing.is_empty() {
        return None;
    }
    let ending: &[u8] = if existing.windows(2).any(|w| w == b"\r\n") {
        b"\r\n"
    } else {
        b"\n"
    };
    let mut out = existing.to_vec();
    if !out.is_empty() && !out.ends_with(b"\n") {
        out.extend_from_slice(ending);
    }
    for line in missing {
        out.extend_from_slice(line.as_bytes());
        out.extend_from_slice(ending);
    }
    Some(out)
}

/// The starter site as an in-memory tree, for tests.
pub fn starter_tree() -> crate::SourceTree {
    let mut tree = crate::SourceTree::new();
    for (path, text) in STARTER {
        tree.insert(*path, text.as_bytes());
    }
    tree
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_fresh_clone_holds_is_allowed() {
        for name in [
            ".git",
            "README.md",
            "readme",
            "LICENSE",
            "LICENSE-MIT",
            "LICENCE.txt",
            "COPYING",
            ".gitignore",
            ".gitattributes",
            ".github",
        ] {
            assert!(fresh_clone_name(name), "{name}");
        }
        for name in ["gangway.toml", "content", "notes.txt", ".vscode", "public"] {
            assert!(!fresh_clone_name(name), "{name}");
        }
    }

    #[test]
    fn an_existing_gitignore_gets_only_the_lines_it_lacks() {
        let wanted = "/public/\n/.public.lock\n/.portal-secret\n";
        let with = |text: &str| {
            gitignore_with(text.as_bytes(), wanted).map(|b| String::from_utf8(b).unwrap())
        };
        assert_eq!(
            with("target/\n").as_deref(),
            Some("target/\n/public/\n/.public.lock\n/.portal-secret\n")
        );
        assert_eq!(
            with("public/\r\n.portal-secret").as_deref(),
            Some("public/\r\n.portal-secret\r\n/.public.lock\r\n")
        );
        assert_eq!(with(wanted), None);
        assert_eq!(
            with("").as_deref(),
            Some("/public/\n/.public.lock\n/.portal-secret\n")
        );
    }
}
