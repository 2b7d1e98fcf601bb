//! Watching the site root and bringing the in-memory [`SourceTree`] up to date.
//!
//! This module owns the file watcher (`notify`, debounced per path by
//! `notify-debouncer-full`), the mapping from a file system path to a site path
//! (`content/kb/setup.md`), and [`refresh`], which re-reads one changed path into
//! the tree exactly as [`SourceTree::read`] would have read it. It must not compile
//! or decide when to rebuild: it only turns file system activity into
//! [`Event`]s for the event loop in [`super`].
//!
//! The watcher does not trust event kinds. Editors save by writing a temporary
//! file and renaming it over the original, `git checkout` deletes and recreates
//! folders, and event order across paths is not reliable; so every path an event
//! names is simply looked at again on disk: a file is re-read, a folder is walked,
//! and a path that is gone is removed with everything under it.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use notify::event::{AccessKind, AccessMode, EventKind};
use notify::{PollWatcher, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{
    DebounceEventResult, Debouncer, NoCache, RecommendedCache, new_debouncer_opt,
};
use tokio::sync::mpsc::UnboundedSender;

use super::Event;
use crate::diagnostic::Diagnostic;
use crate::incremental::Change;
use crate::source::{self, SITE_ENTRIES, SourceTree};

/// How the site root is watched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WatchMode {
    /// The operating system's file events (inotify, FSEvents, ReadDirectoryChanges).
    Native,
    /// Looking at every site file (its time and contents) at this interval:
    /// slower, but works on network and virtual file systems that send no events.
    Poll(Duration),
}

/// What kind of source file changed, which decides what a rebuild must redo.
///
/// Every rebuild is a full in-memory compile today; the kinds name the part of
/// the output each change could be limited to, for the log line and for
/// incremental rebuilds later.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    /// `content/` outside `content/faq/`: the article, the knowledge-base index,
    /// pages that link to it and portals that list it as a guide.
    Article,
    /// `content/faq/`: the FAQ pages and the portals that cite the entry.
    Faq,
    /// `playbooks/`: the playbook's preview and every portal of its customers.
    Playbook,
    /// `customers/`: that customer's portal.
    Customer,
    /// `themes/` templates and strings: every page.
    Template,
    /// `static/` and `themes/<name>/static/`: copied files only.
    Static,
    /// `gangway.toml`: everything.
    Config,
}

impl ChangeKind {
    /// The kind of a site path (a file or a folder).
    pub fn of(path: &str) -> ChangeKind {
        let mut parts = path.split('/');
        match parts.next().unwrap_or("") {
            "gangway.toml" => ChangeKind::Config,
            "playbooks" => ChangeKind::Playbook,
            "customers" => ChangeKind::Customer,
            "content" => match parts.next() {
                Some("faq") => ChangeKind::Faq,
                _ => ChangeKind::Article,
            },
            "static" => ChangeKind::Static,
            "themes" => match (parts.next(), parts.next()) {
                (Some(_), Some("static")) => ChangeKind::Static,
                _ => ChangeKind::Template,
            },
            _ => ChangeKind::Config,
        }
    }

    /// The name used in the log line.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Article => "article",
            ChangeKind::Faq => "faq",
            ChangeKind::Playbook => "playbook",
            ChangeKind::Customer => "customer",
            ChangeKind::Template => "template",
            ChangeKind::Static => "static",
            ChangeKind::Config => "config",
        }
    }
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A running watcher; dropping it stops watching.
pub(crate) struct Watcher {
    root: PathBuf,
    inner: Inner,
    /// Where a folder that cannot be watched is reported.
    log: super::Log,
}

enum Inner {
    Native(Debouncer<RecommendedWatcher, RecommendedCache>),
    Poll(Debouncer<PollWatcher, NoCache>),
}

impl Watcher {
    /// Starts watching `root` (which must be canonical): the root itself for new
    /// top-level entries, and each site folder that exists, recursively. Events
    /// go to `events`; paths outside the site and ignored names are dropped here.
    pub(crate) fn start(
        root: &Path,
        mode: WatchMode,
        debounce: Duration,
        events: UnboundedSender<Event>,
        log: super::Log,
    ) -> notify::Result<Watcher> {
        let handler_root = root.to_path_buf();
        let handler = move |result: DebounceEventResult| {
            let event = match result {
                Ok(batch) if batch.iter().any(|e| e.need_rescan()) => Event::Rescan,
                Ok(batch) => {
                    let paths: Vec<String> = batch
                        .iter()
                        .filter(|e| changes_files(&e.kind))
                        .flat_map(|e| e.paths.iter())
                        .filter_map(|p| site_path(&handler_root, p))
                        .collect();
                    if paths.is_empty() {
                        return;
                    }
                    Event::Changed(paths)
                }
                Err(errors) => Event::WatchFailed(
                    errors
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
            };
            // The loop is gone when serving stops; later events do not matter.
            let _ = events.send(event);
        };
        let config = notify::Config::default().with_follow_symlinks(false);
        let inner = match mode {
            WatchMode::Native => Inner::Native(new_debouncer_opt(
                debounce,
                None,
                handler,
                RecommendedCache::new(),
                config,
            )?),
            // notify's poller keeps modification times in whole seconds, so an
            // edit in the same second as the last look would go unseen: compare
            // contents too (it reads every site file at each interval).
            WatchMode::Poll(interval) => Inner::Poll(new_debouncer_opt(
                debounce,
                None,
                handler,
                NoCache,
                config
                    .with_poll_interval(interval)
                    .with_compare_contents(true),
            )?),
        };
        let mut watcher = Watcher {
            root: root.to_path_buf(),
            inner,
            log,
        };
        watcher.watch(root, RecursiveMode::NonRecursive)?;
        for entry in SITE_ENTRIES {
            watcher.rewatch(entry);
        }
        Ok(watcher)
    }

    /// Watches the top-level site folder `entry` again if it is a folder now: it
    /// may have been created, or deleted and recreated, since the last look.
    /// Files at the top level (gangway.toml) are covered by the root's watch.
    pub(crate) fn rewatch(&mut self, entry: &str) {
        let path = self.root.join(entry);
        if !path.is_dir() {
            return;
        }
        // Unwatching a folder that is not watched fails harmlessly.
        let _ = self.unwatch(&path);
        if let Err(err) = self.watch(&path, RecursiveMode::Recursive) {
            let message = format!("warning: cannot watch {}: {err}\n", path.display());
            self.log.say(&message);
        }
    }

    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        match &mut self.inner {
            Inner::Native(d) => d.watch(path, mode),
            Inner::Poll(d) => d.watch(path, mode),
        }
    }

    fn unwatch(&mut self, path: &Path) -> notify::Result<()> {
        match &mut self.inner {
            Inner::Native(d) => d.unwatch(path),
            Inner::Poll(d) => d.unwatch(path),
        }
    }
}

/// False for events that only say a file was looked at (opened, read, closed
/// unchanged). Re-reading a file after a change opens it, so reacting to those
/// would make every rebuild trigger the next.
fn changes_files(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// The site path of `path` (under `root`), or `None` when the site does not read
/// it: outside the site's top-level entries, under an ignored name (hidden,
/// swap and backup files: [`source::is_ignored`]), or not valid Unicode.
pub(crate) fn site_path(root: &Path, path: &Path) -> Option<String> {
    let relative = path.strip_prefix(root).ok()?;
    let parts: Vec<&str> = relative
        .components()
        .map(|c| match c {
            std::path::Component::Normal(name) => name.to_str(),
            _ => None,
        })
        .collect::<Option<_>>()?;
    let (first, rest) = parts.split_first()?;
    if !SITE_ENTRIES.contains(first) || rest.iter().any(|name| source::is_ignored(name)) {
        return None;
    }
    Some(parts.join("/"))
}

/// Problems reading files, by the site path they concern.
pub(crate) type ReadProblems = BTreeMap<String, Diagnostic>;

/// Makes `tree` and `problems` agree with the disk at `path` (a site path from
/// [`site_path`]), reading as [`SourceTree::read`] does: folders are walked in
/// name order, ignored names and symbolic links below the top level are skipped.
/// Adds to `changed` every file path whose bytes were added, removed or replaced.
pub(crate) fn refresh(
    root: &Path,
    path: &str,
    tree: &mut SourceTree,
    problems: &mut ReadProblems,
    changed: &mut BTreeMap<String, Change>,
) {
    let prefix = format!("{path}/");
    let mut old: BTreeMap<String, Vec<u8>> = tree
        .under(&prefix)
        .map(|(p, b)| (p.to_string(), b.to_vec()))
        .collect();
    if let Some(bytes) = tree.get(path) {
        old.insert(path.to_string(), bytes.to_vec());
    }
    for p in old.keys() {
        tree.remove(p);
    }
    problems.retain(|p, _| p != path && !p.starts_with(&prefix));

    let (files, new_problems) = source::read_path(root, path);
    problems.extend(new_problems);
    let new: BTreeMap<String, Vec<u8>> = files.into_iter().collect();
    for (p, bytes) in &new {
        match old.get(p) {
            Some(before) if before == bytes => {}
            Some(_) => note(changed, p, Change::Modified),
            None => note(changed, p, Change::Created),
        }
    }
    for p in old.keys() {
        if !new.contains_key(p) {
            note(changed, p, Change::Removed);
        }
    }
    for (p, bytes) in new {
        tree.insert(p, bytes);
    }
}

/// Records how `path` changed; a file created or removed earlier in the same
/// batch stays created or removed (so the batch is not taken for an edit).
fn note(changed: &mut BTreeMap<String, Change>, path: &str, change: Change) {
    changed
        .entry(path.to_string())
        .and_modify(|c| {
            if *c == Change::Modified {
                *c = change;
            }
        })
        .or_insert(change);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_paths_keep_only_what_the_site_reads() {
        let root = Path::new("/site");
        let cases = [
            ("/site/content/kb/setup.md", Some("content/kb/setup.md")),
            ("/site/gangway.toml", Some("gangway.toml")),
            ("/site/content/kb/.setup.md.swp", None),
            ("/site/content/kb/setup.md~", None),
            ("/site/content/.git/x", None),
            ("/site/public/index.html", None),
            ("/site/README.md", None),
            ("/elsewhere/content/a.md", None),
            ("/site", None),
        ];
        for (path, expected) in cases {
            assert_eq!(
                site_path(root, Path::new(path)).as_deref(),
                expected,
                "{path}"
            );
        }
    }

    #[test]
    fn change_kinds_follow_the_folders() {
        let cases = [
            ("content/kb/setup.md", ChangeKind::Article),
            ("content/_index.md", ChangeKind::Article),
            ("content/faq/reset.md", ChangeKind::Faq),
            ("playbooks/a.yaml", ChangeKind::Playbook),
            ("customers/acme.yaml", ChangeKind::Customer),
            ("themes/t/templates/base.html", ChangeKind::Template),
            ("themes/t/strings/en.toml", ChangeKind::Template),
            ("themes/t/static/logo.svg", ChangeKind::Static),
            ("static/robots.txt", ChangeKind::Static),
            ("gangway.toml", ChangeKind::Config),
        ];
        for (path, kind) in cases {
            assert_eq!(ChangeKind::of(path), kind, "{path}");
        }
    }
}
