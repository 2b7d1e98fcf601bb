//! The files being served: the last full build, plus what incremental updates
//! changed since, so an update publishes without copying the whole site.
//!
//! This module owns that layering; readers see one map (`get`, `len`).

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use axum::body::Bytes;

use crate::output::OutputFile;

/// Changes kept on top of the base before they are folded into a new base.
const MAX_CHANGES: usize = 4096;

/// An immutable set of files by output path; cheap to clone.
#[derive(Clone, Debug, Default)]
pub(crate) struct Files {
    base: Arc<HashMap<String, Bytes>>,
    /// The paths of `base`, sorted: files under a folder are a range.
    sorted: Arc<Vec<String>>,
    /// Changes since `base`: new bytes, or `None` for a file that is gone.
    changes: Arc<HashMap<String, Option<Bytes>>>,
    len: usize,
}

impl Files {
    /// The files of a full build.
    pub fn new(files: Vec<OutputFile>) -> Files {
        let base: HashMap<String, Bytes> = files
            .into_iter()
            .map(|f| (f.path, Bytes::from(f.bytes)))
            .collect();
        Files::with_base(base)
    }

    fn with_base(base: HashMap<String, Bytes>) -> Files {
        let mut sorted: Vec<String> = base.keys().cloned().collect();
        sorted.sort_unstable();
        Files {
            len: base.len(),
            base: Arc::new(base),
            sorted: Arc::new(sorted),
            changes: Arc::default(),
        }
    }

    /// Every path under the folder `dir` (ending in `/`).
    fn under<'a>(&'a self, dir: &'a str) -> impl Iterator<Item = &'a String> {
        let start = self.sorted.partition_point(|p| p.as_str() < dir);
        self.sorted[start..]
            .iter()
            .take_while(move |p| p.starts_with(dir))
            .filter(|p| !self.changes.contains_key(*p))
            .chain(
                self.changes
                    .iter()
                    .filter(move |(p, c)| c.is_some() && p.starts_with(dir))
                    .map(|(p, _)| p),
            )
    }

    pub fn get(&self, path: &str) -> Option<&Bytes> {
        match self.changes.get(path) {
            Some(change) => change.as_ref(),
            None => self.base.get(path),
        }
    }

    pub fn contains_key(&self, path: &str) -> bool {
        self.get(path).is_some()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    /// Every path, in no particular order.
    fn paths(&self) -> impl Iterator<Item = &String> {
        self.base
            .keys()
            .filter(|p| !self.changes.contains_key(*p))
            .chain(
                self.changes
                    .iter()
                    .filter(|(_, c)| c.is_some())
                    .map(|(p, _)| p),
            )
    }

    /// How many files differ between `self` and `other` (added, removed or changed).
    pub fn count_changed(&self, other: &Files) -> usize {
        self.paths().filter(|p| other.get(p) != self.get(p)).count()
            + other.paths().filter(|p| !self.contains_key(p)).count()
    }

    /// These files with `made` added or replaced, and every file under a folder of
    /// `replaced` that is not in `made` removed. Also returns how many files changed.
    pub fn updated(&self, made: Vec<OutputFile>, replaced: &[String]) -> (Files, usize) {
        let mut changes = (*self.changes).clone();
        let mut len = self.len;
        let mut changed = 0;
        if !replaced.is_empty() {
            let kept: BTreeSet<&str> = made.iter().map(|f| f.path.as_str()).collect();
            let gone: BTreeSet<String> = replaced
                .iter()
                .flat_map(|dir| self.under(dir))
                .filter(|p| !kept.contains(p.as_str()))
                .cloned()
                .collect();
            for path in gone {
                changes.insert(path, None);
                len -= 1;
                changed += 1;
            }
        }
        for f in made {
            let bytes = Bytes::from(f.bytes);
            match self.get(&f.path) {
                Some(old) if *old == bytes => {}
                Some(_) => changed += 1,
                None => {
                    changed += 1;
                    len += 1;
                }
            }
            changes.insert(f.path, Some(bytes));
        }
        let files = Files {
            base: Arc::clone(&self.base),
            sorted: Arc::clone(&self.sorted),
            changes: Arc::new(changes),
            len,
        };
        let files = if files.changes.len() > MAX_CHANGES {
            files.folded()
        } else {
            files
        };
        (files, changed)
    }

    /// The same files with every change in the base.
    fn folded(&self) -> Files {
        let mut base = (*self.base).clone();
        for (path, change) in self.changes.iter() {
            match change {
                Some(bytes) => base.insert(path.clone(), bytes.clone()),
                None => base.remove(path),
            };
        }
        Files::with_base(base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> OutputFile {
        OutputFile {
            path: path.to_string(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    #[test]
    fn updates_replace_add_and_remove() {
        let files = Files::new(vec![
            file("index.html", "home"),
            file("p/a/index.html", "a"),
            file("p/a/old/index.html", "old"),
        ]);
        let (next, changed) = files.updated(
            vec![
                file("index.html", "home"),
                file("p/a/index.html", "a2"),
                file("p/a/new/index.html", "new"),
            ],
            &["p/a/".to_string()],
        );
        assert_eq!(changed, 3);
        assert_eq!(next.len(), 3);
        assert_eq!(next.get("p/a/index.html").unwrap().as_ref(), b"a2");
        assert!(next.get("p/a/old/index.html").is_none());
        assert_eq!(next.get("index.html").unwrap().as_ref(), b"home");
        assert_eq!(next.count_changed(&files), 3);
        let folded = next.folded();
        assert_eq!(folded.len(), 3);
        assert_eq!(folded.count_changed(&next), 0);
        // The earlier version is untouched.
        assert_eq!(files.get("p/a/index.html").unwrap().as_ref(), b"a");
    }
}
