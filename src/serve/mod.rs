//! `gangway serve`: build the site in memory, serve it on loopback, watch the
//! site root, rebuild on change, and reload the browser.
//!
//! This module owns the event loop: one closed enum of events (`Event`) and
//! one `match` over it. File events come from `watch` (debounced per path),
//! settle for a moment so a burst (a `git checkout`) becomes one rebuild, and
//! the changed paths are re-read into the in-memory [`SourceTree`] by
//! [`crate::source::read_path`], the reader of a full build. An edit the last
//! good build can absorb is an incremental update ([`crate::incremental`]:
//! only the pages it shows in); anything else is a full in-memory compile. A
//! good build replaces the files being served; a failed one keeps the last good
//! files and publishes its diagnostics to the browser overlay (`overlay`) and
//! to the caller's [`Log`] (`gangway serve` prints it; the library never
//! prints). `http` serves whatever was published last. Portals a playbook edit
//! changed are rendered when asked for, or in the background.
//!
//! Nothing is written to disk: the site lives in memory, so a stopped server
//! leaves nothing half-written. A batch of events that changes no source bytes
//! does not rebuild.

mod config;
mod files;
mod handle;
mod host;
mod http;
mod overlay;
mod watch;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

pub use config::{Config, DEFAULT_PORT, Log, ServeError};
pub use handle::{Handle, open_browser};
pub use overlay::{INJECTION_END, INJECTION_START, OVERLAY_ID, UNSEALED_ID};
pub use watch::{ChangeKind, WatchMode};

use crate::build::{BuildOptions, Compiled, DashboardLink, PortalLink, WithoutPassphrase};
use crate::diagnostic::{Diagnostic, Severity};
use crate::report::{self, Format};
use crate::source::{SITE_ENTRIES, SourceTree};

/// What is being served: the last good build's files and the last build's outcome.
#[derive(Clone, Debug, Default)]
pub(crate) struct Snapshot {
    /// Counts builds, good or bad; starts at 1 with the first build.
    pub(crate) generation: u64,
    /// The files of the last good build, by output path.
    pub(crate) files: files::Files,
    /// Errors of the last build (0 when it was good).
    pub(crate) errors: usize,
    /// Warnings of the last build.
    pub(crate) warnings: usize,
    /// The overlay's HTML while the last build failed, for this machine's browser.
    pub(crate) overlay: Option<Arc<str>>,
    /// The overlay without the diagnostics (which quote site files), for
    /// anyone else `--allow-remote` or `--allow-host` let in.
    pub(crate) overlay_summary: Option<Arc<str>>,
    /// The portals of the last build that got as far as resolving.
    pub(crate) portals: Arc<Vec<PortalLink>>,
    /// The dashboard of the last build that got as far as resolving.
    pub(crate) dashboard: Option<DashboardLink>,
    /// Portal folders whose files are out of date: they are rendered before serving.
    pub(crate) stale: Arc<BTreeSet<String>>,
    /// Whether the last build updated the one before instead of building everything.
    pub(crate) incremental: bool,
}

/// What one build gives to serve: its diagnostics, the files (the last good
/// ones when it failed), how many files changed, and where the portals and the
/// dashboard are.
struct Served {
    diagnostics: Vec<Diagnostic>,
    files: files::Files,
    changed_files: usize,
    portals: Arc<Vec<PortalLink>>,
    dashboard: Option<DashboardLink>,
}

/// What the HTTP handlers share with the event loop.
#[derive(Clone)]
pub(crate) struct Shared {
    snapshots: tokio::sync::watch::Receiver<Arc<Snapshot>>,
    /// True while changes wait to be built or are being built.
    busy: Arc<AtomicBool>,
    /// Batches of changes looked at, including those that changed no source
    /// bytes and so built nothing.
    batches: Arc<AtomicU64>,
    /// To ask the event loop for a portal that is out of date.
    events: tokio::sync::mpsc::UnboundedSender<Event>,
    /// The hosts requests may name.
    hosts: Arc<host::Hosts>,
}

/// Everything the event loop reacts to. One enum, one `match` in [`Session::run`].
#[derive(Debug)]
pub(crate) enum Event {
    /// The watcher saw these site paths change (files or folders; already
    /// filtered to what the site reads).
    Changed(Vec<String>),
    /// The watcher lost track (an event queue overflowed): re-read everything.
    Rescan,
    /// The watcher reported a problem; watching goes on.
    WatchFailed(String),
    /// No change has come in for the settle time: build what is pending.
    Settled,
    /// A page of this out-of-date portal folder was asked for: render it now,
    /// then say so.
    Render(String, tokio::sync::oneshot::Sender<()>),
    /// Render some of the out-of-date portals, if nothing else is waiting.
    Background,
    /// Stop serving.
    Shutdown,
}

/// Refuses a configuration before anything starts: a non-loopback address not
/// allowed, a host name that cannot be one, a root that is not a site.
fn refuse(config: &Config) -> Result<(), ServeError> {
    if !config.addr.ip().is_loopback() && !config.allow_remote {
        return Err(ServeError::NotLoopback { addr: config.addr });
    }
    if let Some(name) = config
        .allowed_hosts
        .iter()
        .find(|name| !host::is_allowable(name))
    {
        return Err(ServeError::AllowHost { name: name.clone() });
    }
    if !config.root.join("gangway.toml").is_file() {
        return Err(ServeError::NotASite {
            root: config.root.clone(),
        });
    }
    Ok(())
}

/// Builds the site at `config.root`, starts listening and watching, and returns
/// once the first build is being served. A first build with errors is served
/// too: every page shows the overlay until the site is fixed.
pub fn start(mut config: Config) -> Result<Handle, ServeError> {
    refuse(&config)?;
    // Encrypted portals are shown unencrypted only to this machine's browsers.
    if config.allow_remote || !config.allowed_hosts.is_empty() {
        config.options.without_passphrase = WithoutPassphrase::Refuse;
    }
    let root = config.root.canonicalize()?;
    let listener = std::net::TcpListener::bind(config.addr).map_err(|source| ServeError::Bind {
        addr: config.addr,
        source,
    })?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("gangway-serve")
        .enable_all()
        .build()?;

    let config_log = config.log.clone();
    let (events, inbox) = unbounded_channel();
    let watcher = watch::Watcher::start(
        &root,
        config.watch,
        config.debounce,
        events.clone(),
        config_log.clone(),
    )
    .map_err(|source| ServeError::Watch {
        root: root.clone(),
        source,
    })?;
    let (publisher, snapshots) = tokio::sync::watch::channel(Arc::new(Snapshot::default()));
    let shared = Shared {
        snapshots,
        busy: Arc::new(AtomicBool::new(false)),
        batches: Arc::new(AtomicU64::new(0)),
        events: events.clone(),
        hosts: Arc::new(host::Hosts::new(addr.ip(), &config.allowed_hosts)),
    };
    let mut session = Session {
        tree: SourceTree::new(),
        problems: watch::ReadProblems::new(),
        options: Arc::new(config.options),
        publisher,
        busy: Arc::clone(&shared.busy),
        batches: Arc::clone(&shared.batches),
        watcher,
        pending: BTreeSet::new(),
        rescan: true,
        settle: (config.debounce / 2).max(Duration::from_millis(10)),
        log: config_log.clone(),
        last_report: String::new(),
        state: None,
        stale: BTreeMap::new(),
        events: events.clone(),
        root,
    };
    // The first build: a rescan of everything, before anyone can connect.
    runtime.block_on(session.rebuild());

    let listener = {
        let _guard = runtime.enter();
        tokio::net::TcpListener::from_std(listener)?
    };
    let (stop_server, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = axum::serve(
        listener,
        http::router(shared.clone()).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        let _ = stopped.await;
    });
    let server_log = config_log.clone();
    let server = runtime.spawn(async move {
        if let Err(err) = server.await {
            server_log.say(&format!("error: the server stopped: {err}\n"));
        }
    });
    let event_loop = runtime.spawn(async move {
        session.run(inbox).await;
        // The session (and with it the publisher) is gone, which ends every
        // live-reload stream; only then can the server finish gracefully.
        let _ = stop_server.send(());
    });
    Ok(Handle {
        addr,
        shared,
        events,
        runtime: Some(runtime),
        tasks: vec![event_loop, server],
    })
}

/// The event loop's state: the site in memory and what is being served.
struct Session {
    root: PathBuf,
    tree: SourceTree,
    problems: watch::ReadProblems,
    options: Arc<BuildOptions>,
    publisher: tokio::sync::watch::Sender<Arc<Snapshot>>,
    busy: Arc<AtomicBool>,
    batches: Arc<AtomicU64>,
    watcher: watch::Watcher,
    /// Site paths changed since the last build.
    pending: BTreeSet<String>,
    /// Re-read the whole site at the next build.
    rescan: bool,
    /// How long no new change must come in before building.
    settle: Duration,
    log: Log,
    /// The diagnostics last printed, so an unchanged list is not printed again.
    last_report: String,
    /// What the last good build keeps for incremental rebuilds.
    state: Option<crate::incremental::State>,
    /// Portals whose pages are out of date (after a playbook edit), by folder:
    /// the customer's index. Rendered when asked for, and in the background.
    stale: BTreeMap<String, usize>,
    /// The event loop's own inbox, for background work.
    events: tokio::sync::mpsc::UnboundedSender<Event>,
}

/// What one rebuild did, for the log line.
struct Outcome {
    result: Built,
    kinds: BTreeSet<ChangeKind>,
    elapsed: Duration,
}

/// A full build, or an update of the last good one.
enum Built {
    /// With, when it failed, the portals the last good version had left to render.
    Full(Box<Compiled>, Option<crate::incremental::Update>),
    Incremental(crate::incremental::Update),
}

impl Session {
    async fn run(mut self, mut inbox: UnboundedReceiver<Event>) {
        let mut deadline: Option<tokio::time::Instant> = None;
        loop {
            let event = tokio::select! {
                event = inbox.recv() => event.unwrap_or(Event::Shutdown),
                () = sleep_until(deadline) => Event::Settled,
            };
            match event {
                Event::Changed(paths) => {
                    self.busy.store(true, Ordering::SeqCst);
                    self.pending.extend(paths);
                    deadline = Some(tokio::time::Instant::now() + self.settle);
                }
                Event::Rescan => {
                    self.busy.store(true, Ordering::SeqCst);
                    self.rescan = true;
                    deadline = Some(tokio::time::Instant::now() + self.settle);
                }
                Event::WatchFailed(message) => {
                    let root = self.root.display();
                    self.log
                        .say(&format!("warning: watching {root}: {message}\n"));
                }
                Event::Settled => {
                    deadline = None;
                    self.rebuild().await;
                    self.batches.fetch_add(1, Ordering::SeqCst);
                    // Changes that came in while building are built next.
                    if self.pending.is_empty() && !self.rescan {
                        self.busy.store(!self.stale.is_empty(), Ordering::SeqCst);
                    }
                    if !self.stale.is_empty() {
                        let _ = self.events.send(Event::Background);
                    }
                }
                Event::Render(dir, done) => {
                    if let Some(&index) = self.stale.get(&dir) {
                        self.render_stale(vec![index]).await;
                    }
                    let _ = done.send(());
                }
                Event::Background => {
                    // Edits first: a waiting change is built before more portals.
                    if deadline.is_none() && self.pending.is_empty() && !self.stale.is_empty() {
                        let batch: Vec<usize> = self.stale.values().copied().take(16).collect();
                        self.render_stale(batch).await;
                        if self.stale.is_empty() {
                            if !self.rescan {
                                self.busy.store(false, Ordering::SeqCst);
                            }
                        } else {
                            let _ = self.events.send(Event::Background);
                        }
                    }
                }
                Event::Shutdown => break,
            }
        }
    }

    /// Re-reads what changed, compiles if any source bytes changed, and publishes.
    async fn rebuild(&mut self) {
        let started = Instant::now();
        let paths = std::mem::take(&mut self.pending);
        let rescan = std::mem::take(&mut self.rescan);
        for top in paths.iter().filter(|p| !p.contains('/')) {
            self.watcher.rewatch(top);
        }
        let root = self.root.clone();
        let options = Arc::clone(&self.options);
        let mut tree = std::mem::take(&mut self.tree);
        let mut problems = std::mem::take(&mut self.problems);
        let mut state = self.state.take();
        // Portals the last good version has not rendered yet, should a full build fail.
        let stale: Vec<usize> = self.stale.values().copied().collect();
        let first = self.publisher.borrow().generation == 0;
        // Reading and compiling block; keep them off the threads serving pages.
        let work = tokio::task::spawn_blocking(move || {
            let mut changed = BTreeMap::new();
            let before = problems.clone();
            // A rescan looks at every top-level entry, exactly as a change there would.
            let targets: Vec<String> = if rescan {
                SITE_ENTRIES.iter().map(|e| e.to_string()).collect()
            } else {
                paths.iter().cloned().collect()
            };
            for path in &targets {
                watch::refresh(&root, path, &mut tree, &mut problems, &mut changed);
            }
            let outcome = (first || !changed.is_empty() || problems != before).then(|| {
                let mut kinds: BTreeSet<ChangeKind> =
                    changed.keys().map(|p| ChangeKind::of(p)).collect();
                if kinds.is_empty() {
                    kinds.extend(paths.iter().map(|p| ChangeKind::of(p)));
                }
                // An edit the last good build can absorb re-renders only what it shows in.
                let update = match (&mut state, problems.is_empty()) {
                    (Some(s), true) => {
                        crate::incremental::update(s, &tree, &changed, &options, true)
                    }
                    _ => None,
                };
                let result = match update {
                    Some(update) => Built::Incremental(update),
                    None => full_build(&tree, &problems, &mut state, &stale, &options),
                };
                Outcome {
                    result,
                    kinds,
                    elapsed: started.elapsed(),
                }
            });
            (tree, problems, state, outcome)
        });
        let (tree, problems, state, outcome) = match work.await {
            Ok(done) => done,
            Err(err) => {
                // A panic in the pipeline: keep serving, and start over from disk.
                let message = format!("error: the rebuild failed unexpectedly: {err}\n");
                self.log.say(&message);
                self.rescan = true;
                return;
            }
        };
        self.tree = tree;
        self.problems = problems;
        self.state = state;
        if let Some(outcome) = outcome {
            self.publish(outcome, first);
        }
    }

    /// Renders out-of-date portals and serves them; a failure builds everything.
    async fn render_stale(&mut self, customers: Vec<usize>) {
        let Some(state) = self.state.take() else {
            self.stale.clear();
            return;
        };
        let started = Instant::now();
        let options = Arc::clone(&self.options);
        let work = tokio::task::spawn_blocking(move || {
            let update = crate::incremental::render_portals(&state, &customers, &options);
            (state, update)
        });
        let Ok((state, update)) = work.await else {
            self.stale.clear();
            let _ = self.events.send(Event::Rescan);
            return;
        };
        match update {
            Some(update) => {
                self.state = Some(state);
                for dir in &update.replaced {
                    self.stale.remove(dir);
                }
                self.publish(
                    Outcome {
                        result: Built::Incremental(update),
                        kinds: BTreeSet::new(),
                        elapsed: started.elapsed(),
                    },
                    false,
                );
            }
            // Rendering failed: build everything again.
            None => {
                self.stale.clear();
                let _ = self.events.send(Event::Rescan);
            }
        }
    }

    /// Serves a build's files (when it is good) and reports it.
    fn publish(&mut self, outcome: Outcome, first: bool) {
        let Outcome {
            result,
            kinds,
            elapsed,
        } = outcome;
        let previous = self.publisher.borrow().clone();
        let incremental = matches!(result, Built::Incremental(_));
        let Served {
            diagnostics,
            files,
            changed_files,
            portals,
            dashboard,
        } = self.served(result, &previous);
        if !incremental {
            self.stale.clear();
        }
        let errors = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let warnings = diagnostics.len() - errors;
        let failed = errors > 0;
        // Portals brought up to date after an update are not a new build: browsers
        // already got them when they asked, so nothing reloads.
        let portals_only = incremental && kinds.is_empty();
        let snapshot = Snapshot {
            generation: previous.generation + u64::from(!portals_only),
            files,
            errors,
            warnings,
            overlay: failed.then(|| Arc::from(overlay::panel(&diagnostics))),
            overlay_summary: failed.then(|| Arc::from(overlay::summary(errors, warnings))),
            portals,
            dashboard,
            incremental,
            stale: Arc::new(self.stale.keys().cloned().collect()),
        };
        self.publisher.send_replace(Arc::new(snapshot));
        if self.log.is_on() {
            let text = report::render(&diagnostics, Format::Human, self.log.color());
            if failed || text != self.last_report {
                self.log.say(&text);
            }
            self.last_report = text;
            let line = self.log_line(&Rebuilt {
                kinds: &kinds,
                elapsed,
                first,
                incremental,
                errors,
                warnings,
                changed_files,
            });
            if let Some(line) = line {
                self.log.say(&line);
            }
        }
    }

    /// What a build serves: its diagnostics, the files (the last good ones when
    /// it failed, completed with the portals they still owed), how many files
    /// changed, and the portals' addresses.
    fn served(&mut self, result: Built, previous: &Snapshot) -> Served {
        match result {
            Built::Full(compiled, completed) => {
                let failed = compiled.has_errors();
                let (files, changed) = if failed {
                    match completed {
                        Some(portals) => {
                            let (files, _) =
                                previous.files.updated(portals.files, &portals.replaced);
                            (files, 0)
                        }
                        None => (previous.files.clone(), 0),
                    }
                } else {
                    let files = files::Files::new(compiled.files);
                    let changed = files.count_changed(&previous.files);
                    (files, changed)
                };
                let (portals, dashboard) = if compiled.portals.is_empty() && failed {
                    (Arc::clone(&previous.portals), previous.dashboard.clone())
                } else {
                    (Arc::new(compiled.portals), compiled.dashboard)
                };
                Served {
                    diagnostics: compiled.diagnostics,
                    files,
                    changed_files: changed,
                    portals,
                    dashboard,
                }
            }
            Built::Incremental(update) => {
                for (index, dir) in &update.stale {
                    self.stale.insert(dir.clone(), *index);
                }
                let (files, changed) = previous.files.updated(update.files, &update.replaced);
                // The dashboard's settings live in gangway.toml, whose edits are full builds.
                Served {
                    diagnostics: update.diagnostics,
                    files,
                    changed_files: changed,
                    portals: Arc::new(update.portals),
                    dashboard: previous.dashboard.clone(),
                }
            }
        }
    }

    /// The log line of a rebuild; `None` when there is nothing to say.
    fn log_line(&self, r: &Rebuilt<'_>) -> Option<String> {
        let time = jiff::Zoned::now().strftime("%H:%M:%S");
        let ms = r.elapsed.as_millis();
        let (errors, warnings) = (r.errors, r.warnings);
        let kinds = r
            .kinds
            .iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let stale = self.stale.len();
        let line = if kinds.is_empty() && r.incremental {
            // Portals brought up to date after a playbook edit: say so once, at the end.
            if stale > 0 {
                return None;
            }
            format!("[{time}] every portal is up to date")
        } else if r.first {
            format!(
                "[{time}] built in {ms} ms: {}",
                report::summary(errors, warnings)
            )
        } else if errors > 0 {
            format!(
                "[{time}] rebuild failed in {ms} ms ({kinds}): {}; still serving the last good version",
                report::summary(errors, warnings)
            )
        } else {
            format!(
                "[{time}] {} in {ms} ms: {} file{} changed ({kinds}){}{}",
                if r.incremental { "updated" } else { "rebuilt" },
                r.changed_files,
                if r.changed_files == 1 { "" } else { "s" },
                if warnings > 0 {
                    format!(", {}", report::summary(0, warnings))
                } else {
                    String::new()
                },
                if stale > 0 {
                    format!("; {stale} portals are rendered when opened, or soon")
                } else {
                    String::new()
                }
            )
        };
        Some(line + "\n")
    }
}

/// What the log line of a rebuild says.
struct Rebuilt<'a> {
    kinds: &'a BTreeSet<ChangeKind>,
    elapsed: Duration,
    first: bool,
    incremental: bool,
    errors: usize,
    warnings: usize,
    changed_files: usize,
}

/// A full build of `tree`, with the problems of reading it; sets `state` to what
/// the build leaves for the next one when it is good. A failed build keeps
/// serving the last good version, which is completed with the portals (`stale`)
/// it had left to render.
fn full_build(
    tree: &SourceTree,
    problems: &watch::ReadProblems,
    state: &mut Option<crate::incremental::State>,
    stale: &[usize],
    options: &BuildOptions,
) -> Built {
    // The old state is of no more use: free it before building anew,
    // unless it still owes portals to the version served until now.
    let owing = state.take().filter(|_| !stale.is_empty());
    let files = std::sync::Mutex::new(Vec::new());
    let (mut compiled, prepared) = crate::build::compile_keeping(tree, options, &|f| {
        if let Ok(mut list) = files.lock() {
            list.push(f);
        }
    });
    if !compiled.has_errors() {
        compiled.files = files.into_inner().unwrap_or_default();
        *state = prepared.map(|prepared| crate::incremental::State {
            prepared,
            diagnostics: compiled.diagnostics.clone(),
        });
    }
    if !problems.is_empty() {
        let mut all: Vec<Diagnostic> = problems.values().cloned().collect();
        all.append(&mut compiled.diagnostics);
        compiled.diagnostics = all;
        compiled.files.clear();
        *state = None;
    }
    // A failed build keeps serving the last good version: complete it.
    let completed = match owing {
        Some(old) if compiled.has_errors() => {
            crate::incremental::render_portals(&old, stale, options)
        }
        _ => None,
    };
    Built::Full(Box::new(compiled), completed)
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}
