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
];

/// Why `init` could not write the starter site.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// The directory already holds a site or other files that would be overwritten.
    #[error("{path} already exists; init only writes into a new or empty directory")]
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

/// Writes the starter site into `dir`, which must not exist or be empty.
pub fn init(dir: &Path) -> Result<Vec<String>, InitError> {
    let io = |path: &Path| {
        let path = path.display().to_string();
        move |source| InitError::Io { path, source }
    };
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir).map_err(io(dir))?;
        if entries.next().is_some() {
            return Err(InitError::Exists {
                path: dir.display().to_string(),
            });
        }
    }
    let mut written = Vec::new();
    for (path, text) in STARTER {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
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

/// The starter site as an in-memory tree, for tests.
pub fn starter_tree() -> crate::SourceTree {
    let mut tree = crate::SourceTree::new();
    for (path, text) in STARTER {
        tree.insert(*path, text.as_bytes());
    }
    tree
}
