//! The site's files, read once into memory.
//!
//! The only module (with [`crate::output`]) that touches the file system. Everything
//! after it works on a [`SourceTree`], which tests and `serve` can also build in
//! memory. A file that cannot be read becomes a diagnostic; the walk goes on.

use std::collections::BTreeMap;
use std::io::ErrorKind::NotFound;
use std::path::Path;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diagnostic::{Code, Diagnostic, Diagnostics};

/// The top-level names of a site that gangway reads. Everything else in the root
/// (the output, `target/`, a README) is not part of the site.
pub const SITE_ENTRIES: [&str; 7] = [
    "gangway.toml",
    "playbooks",
    "customers",
    "content",
    "themes",
    "static",
    "feedback",
];

/// Every file of a site, by path relative to the root with `/` separators.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceTree {
    files: BTreeMap<String, Vec<u8>>,
}

impl SourceTree {
    /// An empty tree.
    pub fn new() -> SourceTree {
        SourceTree::default()
    }

    /// Adds or replaces a file.
    pub fn insert(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.files.insert(path.into(), bytes.into());
    }

    /// Removes a file, returning whether it was there.
    pub fn remove(&mut self, path: &str) -> bool {
        self.files.remove(path).is_some()
    }

    /// Removes and returns every file whose path `keep` accepts, in path order.
    pub(crate) fn take_where(&mut self, keep: impl Fn(&str) -> bool) -> Vec<(String, Vec<u8>)> {
        let paths: Vec<String> = self.files.keys().filter(|p| keep(p)).cloned().collect();
        paths
            .into_iter()
            .filter_map(|p| self.files.remove_entry(&p))
            .collect()
    }

    /// The bytes of a file.
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    /// All files in path order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().map(|(p, b)| (p.as_str(), b.as_slice()))
    }

    /// Files whose path starts with `prefix` (`"playbooks/"`), in path order.
    pub fn under<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, &'a [u8])> {
        self.files
            .range(prefix.to_string()..)
            .take_while(move |(p, _)| p.starts_with(prefix))
            .map(|(p, b)| (p.as_str(), b.as_slice()))
    }

    /// Reads the site at `root`. Unreadable entries become diagnostics.
    pub fn read(root: &Path) -> (SourceTree, Diagnostics) {
        let mut tree = SourceTree::new();
        let mut diagnostics = Diagnostics::new();
        for entry in SITE_ENTRIES {
            if !root.join(entry).exists() {
                continue;
            }
            let (files, problems) = read_path(root, entry);
            for (path, bytes) in files {
                tree.insert(path, bytes);
            }
            for (_, d) in problems {
                diagnostics.push(d);
            }
        }
        (tree, diagnostics)
    }

    /// Reads what planning needs of the site at `root` (for
    /// [`crate::build::plan_customers`]): every file [`SourceTree::read`] reads,
    /// except that a Markdown file under `content/` holds only its front matter
    /// (up to and with its closing `---` line), the other files under `content/`
    /// and everything under `static/` are left out. Plans need to know which
    /// articles and FAQ entries exist and which are drafts, not what they say;
    /// at 60,000 pages this reads a tenth of the bytes.
    pub fn read_for_plans(root: &Path) -> (SourceTree, Diagnostics) {
        let mut tree = SourceTree::new();
        let mut diagnostics = Diagnostics::new();
        for entry in SITE_ENTRIES {
            if entry == "static" || !root.join(entry).exists() {
                continue;
            }
            let depth = if entry == "content" {
                Depth::FrontMatter
            } else {
                Depth::Whole
            };
            let (files, problems) = read_path_to(root, entry, depth);
            for (path, bytes) in files {
                tree.insert(path, bytes);
            }
            for (_, d) in problems {
                diagnostics.push(d);
            }
        }
        (tree, diagnostics)
    }
}

/// How much of each file [`read_path_to`] reads.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Depth {
    /// Every byte.
    Whole,
    /// Markdown files up to the end of their front matter; no other file.
    FrontMatter,
}

/// What [`read_path`] found: the files (path, bytes) and the problems (the
/// site path each concerns, the diagnostic).
pub(crate) type ReadPath = (Vec<(String, Vec<u8>)>, Vec<(String, Diagnostic)>);

/// The files at a site path (a top-level entry such as `content`, or any file or
/// folder below one), read exactly as [`SourceTree::read`] reads them: folders
/// are walked in name order, ignored names are skipped, and symbolic links are
/// followed only at the top level (nothing below a link is read). `serve`
/// re-reads a changed path with it. A file gone while reading is simply absent;
/// any other problem comes with the site path it concerns.
pub(crate) fn read_path(root: &Path, path: &str) -> ReadPath {
    read_path_to(root, path, Depth::Whole)
}

/// [`read_path`], reading each file to `depth`.
fn read_path_to(root: &Path, path: &str, depth: Depth) -> ReadPath {
    let mut problems = Vec::new();
    if !below_no_link(root, path) {
        return (Vec::new(), problems);
    }
    let mut found = Vec::new();
    let walk = WalkDir::new(root.join(path))
        .follow_root_links(!path.contains('/'))
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(&e.file_name().to_string_lossy()));
    for item in walk {
        let item = match item {
            Ok(item) => item,
            Err(err) if err.io_error().map(std::io::Error::kind) == Some(NotFound) => continue,
            Err(err) => {
                let at = err
                    .path()
                    .and_then(|p| relative_path(root, p))
                    .unwrap_or_else(|| path.to_string());
                let d = Diagnostic::error(
                    Code::UnreadableFile,
                    format!("cannot read {}: {err}", display(root, err.path())),
                );
                problems.push((at, d));
                continue;
            }
        };
        if !item.file_type().is_file() {
            continue;
        }
        let Some(relative) = relative_path(root, item.path()) else {
            let at = item.path().display().to_string();
            let d = Diagnostic::error(
                Code::UnreadableFile,
                format!("{at} has a name that is not valid Unicode"),
            );
            problems.push((at, d));
            continue;
        };
        if depth == Depth::FrontMatter && !relative.ends_with(".md") {
            continue;
        }
        found.push((relative, item.into_path()));
    }
    let originals: std::collections::HashSet<&str> = match depth {
        Depth::Whole => Default::default(),
        Depth::FrontMatter => found.iter().map(|(r, _)| r.as_str()).collect(),
    };
    // The files are read in parallel: on a disk (rather than the page cache)
    // the reads overlap.
    let read: Vec<(String, std::io::Result<Vec<u8>>)> = found
        .par_iter()
        .with_max_len(crate::PAR_CHUNK)
        .map(|(relative, path)| {
            let bytes = match depth {
                Depth::Whole => std::fs::read(path),
                Depth::FrontMatter if translation_of_one_of(relative, &originals) => Ok(Vec::new()),
                Depth::FrontMatter => read_front_matter(path),
            };
            (relative.clone(), bytes)
        })
        .collect();
    let mut files = Vec::with_capacity(read.len());
    for (relative, bytes) in read {
        match bytes {
            Ok(bytes) => files.push((relative, bytes)),
            Err(err) if err.kind() == NotFound => {}
            Err(err) => {
                let d = Diagnostic::error(
                    Code::UnreadableFile,
                    format!("cannot read {relative}: {err}"),
                );
                problems.push((relative, d));
            }
        }
    }
    (files, problems)
}

/// Whether a Markdown file looks like a translation of another file in
/// `paths` (`kb/setup.ms.md` or `ms/kb/setup.md` beside `kb/setup.md`: a
/// language-shaped name part, two or three letters with an optional region).
/// Planning needs only the original's front matter (whether the page is a
/// draft), so the translation is known by its name alone, and a site with five
/// translations of every article opens a sixth of its files.
fn translation_of_one_of(relative: &str, paths: &std::collections::HashSet<&str>) -> bool {
    let language_like = |part: &str| {
        let (lang, region) = part.split_once('-').unwrap_or((part, ""));
        (2..=3).contains(&lang.len())
            && lang.bytes().all(|b| b.is_ascii_lowercase())
            && region.bytes().all(|b| b.is_ascii_alphanumeric())
    };
    let Some((top, rest)) = relative.split_once('/') else {
        return false;
    };
    let Some(stem) = rest.strip_suffix(".md") else {
        return false;
    };
    let by_suffix = stem.rsplit_once('.').is_some_and(|(original, suffix)| {
        !suffix.contains('/')
            && language_like(suffix)
            && paths.contains(format!("{top}/{original}.md").as_str())
    });
    let by_folder = rest.split_once('/').is_some_and(|(folder, below)| {
        language_like(folder) && paths.contains(format!("{top}/{below}").as_str())
    });
    by_suffix || by_folder
}

/// The start of a Markdown file up to and with the line that closes its front
/// matter (`---`, or `+++` around TOML); the first line alone when it opens none, at most 64 KiB when the
/// front matter does not close before.
fn read_front_matter(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    const CHUNK: usize = 4096;
    const LIMIT: usize = 64 * 1024;
    let mut file = std::fs::File::open(path)?;
    let mut bytes = Vec::with_capacity(CHUNK);
    let mut scanned = 0;
    // The fence the first line opens: `---` (YAML) or `+++` (TOML).
    let mut opening = [0u8; 3];
    loop {
        let before = bytes.len();
        let read = (&mut file).take(CHUNK as u64).read_to_end(&mut bytes)?;
        // Complete lines only: a line may end in the next chunk.
        let mut at = scanned;
        while let Some(n) = bytes[at..].iter().position(|&b| b == b'\n') {
            let line = &bytes[at..at + n + 1];
            let line = if at == 0 {
                line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line)
            } else {
                line
            };
            let first = at == 0;
            let trimmed = line.trim_ascii_end();
            if first && (trimmed == b"---" || trimmed == b"+++") {
                opening.copy_from_slice(trimmed);
            }
            let fence = trimmed == opening;
            at += n + 1;
            // Done after a first line that opens no front matter, or the line closing it.
            if first != fence {
                bytes.truncate(at);
                // Tens of thousands of these are kept: not a chunk each.
                bytes.shrink_to_fit();
                return Ok(bytes);
            }
        }
        scanned = at;
        if read == 0 || before + read >= LIMIT {
            bytes.shrink_to_fit();
            return Ok(bytes);
        }
    }
}

/// Whether the full read reaches `path`: no folder between its top-level entry
/// and it is a symbolic link.
fn below_no_link(root: &Path, path: &str) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    (2..parts.len()).all(|n| {
        std::fs::symlink_metadata(root.join(parts[..n].join("/")))
            .map(|m| !m.file_type().is_symlink())
            .unwrap_or(true)
    })
}

/// True for names the walk skips: hidden files, editor swap and backup files.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || name.starts_with("#")
}

fn relative_path(root: &Path, path: &Path) -> Option<String> {
    let relative = path.strip_prefix(root).ok()?;
    let parts: Option<Vec<&str>> = relative
        .components()
        .map(|c| c.as_os_str().to_str())
        .collect();
    Some(parts?.join("/"))
}

fn display(root: &Path, path: Option<&Path>) -> String {
    match path {
        Some(path) => relative_path(root, path).unwrap_or_else(|| path.display().to_string()),
        None => root.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translations_are_told_by_a_language_shaped_part_beside_an_original() {
        let paths: std::collections::HashSet<&str> = [
            "content/kb/setup.md",
            "content/kb/setup.ms.md",
            "content/kb/setup.pt-BR.md",
            "content/ne/kb/setup.md",
            "content/guides/setup.md",
            "content/kb/v1.2.md",
            "content/kb/only.lo.md",
        ]
        .into_iter()
        .collect();
        let translation = |p: &str| translation_of_one_of(p, &paths);
        assert!(translation("content/kb/setup.ms.md"));
        assert!(translation("content/kb/setup.pt-BR.md"));
        assert!(translation("content/ne/kb/setup.md"));
        assert!(!translation("content/kb/setup.md"));
        assert!(!translation("content/guides/setup.md"), "not a language");
        assert!(!translation("content/kb/v1.2.md"));
        assert!(
            !translation("content/kb/only.lo.md"),
            "no original beside it"
        );
    }

    #[test]
    fn under_lists_one_folder_in_order() {
        let mut tree = SourceTree::new();
        tree.insert("playbooks/b.yaml", "b");
        tree.insert("playbooks/a.yaml", "a");
        tree.insert("playbooksx/c.yaml", "c");
        tree.insert("customers/a.yaml", "a");
        let names: Vec<&str> = tree.under("playbooks/").map(|(p, _)| p).collect();
        assert_eq!(names, ["playbooks/a.yaml", "playbooks/b.yaml"]);
    }

    #[test]
    fn front_matter_is_read_to_its_closing_fence_yaml_or_toml() {
        let dir = tempfile::tempdir().expect("a folder");
        let cases = [
            ("---\ntitle: A\n---\nbody\n", "---\ntitle: A\n---\n"),
            (
                "+++\ntitle = \"A\"\n---\ndraft = true\n+++\nbody\n",
                "+++\ntitle = \"A\"\n---\ndraft = true\n+++\n",
            ),
            ("# No front matter\nbody\n", "# No front matter\n"),
        ];
        for (i, (text, read)) in cases.into_iter().enumerate() {
            let path = dir.path().join(format!("{i}.md"));
            std::fs::write(&path, text).expect("written");
            assert_eq!(read_front_matter(&path).expect("read"), read.as_bytes());
        }
    }

    #[test]
    fn editor_files_are_ignored() {
        for name in [".x.yaml.swp", "a.yaml~", "#a.yaml#", ".git", "a.bak"] {
            assert!(is_ignored(name), "{name}");
        }
        assert!(!is_ignored("a.yaml"));
    }
}
