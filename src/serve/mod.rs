//! `gangway serve`: build the site in memory, serve it on loopback, watch the
//! site root, rebuild on change, and reload the browser.
//!
//! This module owns the event loop: one closed enum of events ([`Event`]) and
//! one `match` over it. File events come from [`watch`] (debounced per path),
//! settle for a moment so a burst (a `git checkout`) becomes one rebuild, are
//! re-read into the in-memory [`SourceTree`], and the site is compiled again
//! with [`crate::compile`]. A good build replaces the files being served; a
//! failed one keeps the last good files and publishes its diagnostics to the
//! browser overlay ([`overlay`]) and the terminal. [`http`] serves whatever was
//! published last.
//!
//! Nothing is written to disk: the site lives in memory, so a stopped server
//! leaves nothing half-written. Every rebuild is a full in-memory compile of the
//! updated tree (the pipeline is pure and fast); change kinds are classified for
//! the log and for incremental rebuilds later, but do not yet limit the work.
//! A batch of events that changes no source bytes does not rebuild.

mod http;
mod overlay;
mod watch;

use std::collections::{BTreeSet, HashMap};
use std::io::{IsTerminal, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

pub use overlay::{INJECTION_END, INJECTION_START, OVERLAY_ID};
pub use watch::{ChangeKind, WatchMode};

use crate::build::{BuildOptions, Compiled, PortalLink};
use crate::diagnostic::{Diagnostic, Severity};
use crate::report::{self, Format};
use crate::source::{SITE_ENTRIES, SourceTree};

/// The port `serve` listens on unless told otherwise.
pub const DEFAULT_PORT: u16 = 1111;

/// What to serve and how.
#[derive(Clone, Debug)]
pub struct Config {
    /// The site's root directory.
    pub root: PathBuf,
    /// Where to listen; port 0 picks a free port.
    pub addr: SocketAddr,
    /// Listen on an address other than loopback. Off by default: the server
    /// hands out every customer's portal to whoever can reach it.
    pub allow_remote: bool,
    /// Today, the portal secret and the environment, as for `build`.
    pub options: BuildOptions,
    /// Native file events or polling.
    pub watch: WatchMode,
    /// How long a path must be quiet before its change counts.
    pub debounce: Duration,
    /// Print rebuilds and diagnostics to standard error.
    pub log: Log,
}

impl Config {
    /// Serving `root` on 127.0.0.1:1111 with native events, a 100 ms debounce
    /// and no terminal output.
    pub fn new(root: impl Into<PathBuf>, options: BuildOptions) -> Config {
        Config {
            root: root.into(),
            addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), DEFAULT_PORT),
            allow_remote: false,
            options,
            watch: WatchMode::Native,
            debounce: Duration::from_millis(100),
            log: Log::Quiet,
        }
    }
}

/// Where the server reports rebuilds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Log {
    /// Nowhere (tests).
    Quiet,
    /// Standard error, with ANSI colours in diagnostics when `color`.
    Terminal {
        /// Colour the diagnostics.
        color: bool,
    },
}

impl Log {
    /// Standard error, coloured when it is a terminal and `NO_COLOR` is unset.
    pub fn terminal() -> Log {
        Log::Terminal {
            color: std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        }
    }
}

/// Why the server did not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The address is not loopback and remote serving was not allowed.
    #[error(
        "refusing to listen on {addr}: it is not a loopback address, so anyone who can reach this machine could read every customer's portal; use 127.0.0.1, or pass --allow-remote if you mean it"
    )]
    NotLoopback {
        /// The address asked for.
        addr: SocketAddr,
    },
    /// The root is not a site.
    #[error("{} is not a site: it has no gangway.toml", root.display())]
    NotASite {
        /// The root given.
        root: PathBuf,
    },
    /// The address could not be listened on (in use, not permitted).
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The watcher could not be started.
    #[error("cannot watch {}: {source}", root.display())]
    Watch {
        /// The site's root.
        root: PathBuf,
        /// The underlying error.
        #[source]
        source: notify::Error,
    },
    /// The async runtime could not be started, or the root cannot be resolved.
    #[error("cannot start the server: {0}")]
    Io(#[from] std::io::Error),
}

/// What is being served: the last good build's files and the last build's outcome.
#[derive(Clone, Debug, Default)]
pub(crate) struct Snapshot {
    /// Counts builds, good or bad; starts at 1 with the first build.
    pub(crate) generation: u64,
    /// The files of the last good build, by output path.
    pub(crate) files: Arc<HashMap<String, Bytes>>,
    /// Errors of the last build (0 when it was good).
    pub(crate) errors: usize,
    /// Warnings of the last build.
    pub(crate) warnings: usize,
    /// The overlay's HTML while the last build failed.
    pub(crate) overlay: Option<Arc<str>>,
    /// The portals of the last build that got as far as resolving.
    pub(crate) portals: Arc<Vec<PortalLink>>,
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
    /// Stop serving.
    Shutdown,
}

/// A running server; [`Handle::shutdown`] (or dropping it) stops it.
pub struct Handle {
    addr: SocketAddr,
    shared: Shared,
    events: UnboundedSender<Event>,
    runtime: Option<tokio::runtime::Runtime>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

/// Builds the site at `config.root`, starts listening and watching, and returns
/// once the first build is being served. A first build with errors is served
/// too: every page shows the overlay until the site is fixed.
pub fn start(config: Config) -> Result<Handle, ServeError> {
    if !config.addr.ip().is_loopback() && !config.allow_remote {
        return Err(ServeError::NotLoopback { addr: config.addr });
    }
    if !config.root.join("gangway.toml").is_file() {
        return Err(ServeError::NotASite { root: config.root });
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

    let (events, inbox) = unbounded_channel();
    let watcher = watch::Watcher::start(&root, config.watch, config.debounce, events.clone())
        .map_err(|source| ServeError::Watch {
            root: root.clone(),
            source,
        })?;
    let (publisher, snapshots) = tokio::sync::watch::channel(Arc::new(Snapshot::default()));
    let shared = Shared {
        snapshots,
        busy: Arc::new(AtomicBool::new(false)),
        batches: Arc::new(AtomicU64::new(0)),
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
        settle: (config.debounce / 2).max(Duration::from_millis(30)),
        log: config.log,
        last_report: String::new(),
        root,
    };
    // The first build: a rescan of everything, before anyone can connect.
    runtime.block_on(session.rebuild());

    let listener = {
        let _guard = runtime.enter();
        tokio::net::TcpListener::from_std(listener)?
    };
    let (stop_server, stopped) = tokio::sync::oneshot::channel::<()>();
    let server =
        axum::serve(listener, http::router(shared.clone())).with_graceful_shutdown(async move {
            let _ = stopped.await;
        });
    let server = runtime.spawn(async move {
        if let Err(err) = server.await {
            eprintln!("error: the server stopped: {err}");
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

impl Handle {
    /// The address being listened on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The public site's address, `http://127.0.0.1:1111/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Every customer's portal and its address on this server, as of the last
    /// build that resolved.
    pub fn portals(&self) -> Vec<(PortalLink, String)> {
        let snapshot = self.shared.snapshots.borrow().clone();
        snapshot
            .portals
            .iter()
            .map(|p| (p.clone(), format!("{}{}", self.url(), p.path)))
            .collect()
    }

    /// Blocks until the process receives Ctrl-C (SIGINT).
    pub fn wait_for_ctrl_c(&self) -> std::io::Result<()> {
        match &self.runtime {
            Some(runtime) => runtime.block_on(tokio::signal::ctrl_c()),
            None => Ok(()),
        }
    }

    /// Stops watching and serving: lets a running build finish, ends the
    /// live-reload streams, closes connections, and returns.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        let Some(runtime) = self.runtime.take() else {
            return;
        };
        let _ = self.events.send(Event::Shutdown);
        let tasks = std::mem::take(&mut self.tasks);
        runtime.block_on(async {
            for task in tasks {
                // Bounded: a client that never reads must not keep us running.
                let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
            }
        });
        runtime.shutdown_timeout(Duration::from_secs(1));
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Opens `url` in the default browser, if a way to do so is installed.
/// Best effort: returns whether a browser was started.
pub fn open_browser(url: &str) -> bool {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .is_ok()
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
}

/// What one rebuild did, for the log line.
struct Outcome {
    compiled: Compiled,
    kinds: BTreeSet<ChangeKind>,
    elapsed: Duration,
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
                    if self.log != Log::Quiet {
                        eprintln!("warning: watching {}: {message}", self.root.display());
                    }
                }
                Event::Settled => {
                    deadline = None;
                    self.rebuild().await;
                    self.batches.fetch_add(1, Ordering::SeqCst);
                    // Changes that came in while building are built next.
                    if self.pending.is_empty() && !self.rescan {
                        self.busy.store(false, Ordering::SeqCst);
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
        let first = self.publisher.borrow().generation == 0;
        // Reading and compiling block; keep them off the threads serving pages.
        let work = tokio::task::spawn_blocking(move || {
            let mut changed = BTreeSet::new();
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
                let mut compiled = crate::compile(&tree, &options);
                if !problems.is_empty() {
                    let mut all: Vec<Diagnostic> = problems.values().cloned().collect();
                    all.append(&mut compiled.diagnostics);
                    compiled.diagnostics = all;
                    compiled.files.clear();
                }
                let mut kinds: BTreeSet<ChangeKind> =
                    changed.iter().map(|p| ChangeKind::of(p)).collect();
                if kinds.is_empty() {
                    kinds.extend(paths.iter().map(|p| ChangeKind::of(p)));
                }
                Outcome {
                    compiled,
                    kinds,
                    elapsed: started.elapsed(),
                }
            });
            (tree, problems, outcome)
        });
        let (tree, problems, outcome) = match work.await {
            Ok(done) => done,
            Err(err) => {
                // A panic in the pipeline: keep serving, and start over from disk.
                eprintln!("error: the rebuild failed unexpectedly: {err}");
                self.rescan = true;
                return;
            }
        };
        self.tree = tree;
        self.problems = problems;
        if let Some(outcome) = outcome {
            self.publish(outcome, first);
        }
    }

    /// Serves a build's files (when it is good) and reports it.
    fn publish(&mut self, outcome: Outcome, first: bool) {
        let Outcome {
            compiled,
            kinds,
            elapsed,
        } = outcome;
        let previous = self.publisher.borrow().clone();
        let errors = compiled
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let warnings = compiled.diagnostics.len() - errors;
        let failed = errors > 0;
        let (files, changed_files) = if failed {
            (Arc::clone(&previous.files), 0)
        } else {
            let files: HashMap<String, Bytes> = compiled
                .files
                .into_iter()
                .map(|f| (f.path, Bytes::from(f.bytes)))
                .collect();
            let changed = files
                .iter()
                .filter(|(path, bytes)| previous.files.get(*path) != Some(*bytes))
                .count()
                + previous
                    .files
                    .keys()
                    .filter(|path| !files.contains_key(*path))
                    .count();
            (Arc::new(files), changed)
        };
        let portals = if compiled.portals.is_empty() && failed {
            Arc::clone(&previous.portals)
        } else {
            Arc::new(compiled.portals)
        };
        let snapshot = Snapshot {
            generation: previous.generation + 1,
            files,
            errors,
            warnings,
            overlay: failed.then(|| Arc::from(overlay::panel(&compiled.diagnostics))),
            portals,
        };
        self.publisher.send_replace(Arc::new(snapshot));

        let Log::Terminal { color } = self.log else {
            return;
        };
        let text = report::render(&compiled.diagnostics, Format::Human, color);
        let mut err = std::io::stderr().lock();
        if failed || text != self.last_report {
            let _ = write!(err, "{text}");
        }
        self.last_report = text;
        let time = jiff::Zoned::now().strftime("%H:%M:%S");
        let ms = elapsed.as_millis();
        let kinds = kinds
            .iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let _ = if first {
            writeln!(
                err,
                "[{time}] built in {ms} ms: {}",
                report::summary(errors, warnings)
            )
        } else if failed {
            writeln!(
                err,
                "[{time}] rebuild failed in {ms} ms ({kinds}): {}; still serving the last good version",
                report::summary(errors, warnings)
            )
        } else {
            writeln!(
                err,
                "[{time}] rebuilt in {ms} ms: {changed_files} file{} changed ({kinds}){}",
                if changed_files == 1 { "" } else { "s" },
                if warnings > 0 {
                    format!(", {}", report::summary(0, warnings))
                } else {
                    String::new()
                }
            )
        };
    }
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}
