//! What `serve` is told: where the site is, where to listen, how to watch, and
//! why it may refuse to start.
//!
//! This module owns the server's settings and their defaults, and [`ServeError`].
//! It decides nothing at run time; [`super::start`] checks the settings.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::WatchMode;
use crate::build::BuildOptions;

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
    /// Host names requests may name besides loopback names and the bound
    /// address (`--allow-host`); `.example.test` allows a domain and the names
    /// under it. Everything else is refused, against DNS rebinding.
    pub allowed_hosts: Vec<String>,
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
    /// Serving `root` on 127.0.0.1:1111 with native events, a 15 ms debounce
    /// and no terminal output.
    pub fn new(root: impl Into<PathBuf>, options: BuildOptions) -> Config {
        Config {
            root: root.into(),
            addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), DEFAULT_PORT),
            allow_remote: false,
            allowed_hosts: Vec::new(),
            options,
            watch: WatchMode::Native,
            debounce: Duration::from_millis(15),
            log: Log::quiet(),
        }
    }
}

/// A function that shows a report.
type Print = Arc<dyn Fn(&str) + Send + Sync>;

/// Where the server reports rebuilds and problems. The library never writes to
/// the terminal itself: it hands each report, a line or a block of lines, to the
/// caller's function (`gangway serve` prints them to standard error).
#[derive(Clone, Default)]
pub struct Log {
    print: Option<Print>,
    color: bool,
}

impl Log {
    /// Reports nowhere (tests).
    pub fn quiet() -> Log {
        Log::default()
    }

    /// Reports to `print`, with ANSI colours in diagnostics when `color`.
    pub fn to(color: bool, print: impl Fn(&str) + Send + Sync + 'static) -> Log {
        Log {
            print: Some(Arc::new(print)),
            color,
        }
    }

    /// Whether reports go anywhere.
    pub(crate) fn is_on(&self) -> bool {
        self.print.is_some()
    }

    /// Whether diagnostics are coloured.
    pub(crate) fn color(&self) -> bool {
        self.color
    }

    /// Reports `text` (ending with a newline when it is a line).
    pub(crate) fn say(&self, text: &str) {
        if let Some(print) = &self.print {
            print(text);
        }
    }
}

impl std::fmt::Debug for Log {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Log")
            .field("on", &self.is_on())
            .field("color", &self.color)
            .finish()
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
    /// An `--allow-host` value that is not a host name.
    #[error(
        "--allow-host {name:?}: expected a host name such as dev.example.test (or .example.test for a domain and the names under it)"
    )]
    AllowHost {
        /// The value given.
        name: String,
    },
    /// The root is not a site.
    #[error("{} is not a site: it has no gangway.toml", root.display())]
    NotASite {
        /// The root given.
        root: PathBuf,
    },
    /// The address could not be listened on (in use, not permitted).
    #[error("cannot listen on {addr}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The watcher could not be started.
    #[error("cannot watch {}", root.display())]
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The server's settings hold the build options, with the environment and
    /// the portal secret: printing them must not print those.
    #[test]
    fn debug_output_hides_the_environment() {
        let mut options = BuildOptions::for_tests(jiff::civil::date(2026, 12, 14));
        options.env.expose_mut().insert(
            "ACME_PASSPHRASE".into(),
            "correct horse battery staple".into(),
        );
        let config = Config::new("site", options);
        for shown in [format!("{config:?}"), format!("{config:#?}")] {
            assert!(!shown.contains("correct horse"), "{shown}");
            assert!(!shown.contains("ACME_PASSPHRASE"), "{shown}");
            assert!(shown.contains("allowed_hosts"), "{shown}");
        }
    }
}
