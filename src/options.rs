//! What a build needs besides the site's files: the day, the portal secret, the
//! environment, and how to measure. Every stage may read these; they depend on
//! no stage.

use std::collections::BTreeMap;

use jiff::civil::Date;

use crate::secret::Secret;

/// What a build needs besides the files.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// The day overdue tasks and progress are computed for.
    pub today: Date,
    /// The key portal addresses are derived from.
    pub secret: crate::privacy::PortalSecret,
    /// Environment variables the site may name (encryption passphrases); never printed.
    pub env: Secret<BTreeMap<String, String>>,
    /// PBKDF2 rounds for encrypted portals: 600,000 when publishing; tests use fewer.
    pub seal_iterations: u32,
    /// Measure each stage's time into [`crate::build::BuildStats::stages`], and the memory in
    /// use after each with this function, which the binary gives (the library
    /// reads no system files). For `GANGWAY_TIMINGS` and the benchmarks.
    pub timings: Option<MemoryProbe>,
    /// What becomes of an encrypted portal (or dashboard) whose passphrase is
    /// not in `env`: an error when publishing, shown unencrypted when nothing
    /// is published (`check`, and `serve` on this machine alone).
    pub without_passphrase: WithoutPassphrase,
    /// The days of the site's files in its git history, for
    /// `[content] last_updated = "git"`; the binary reads them (the library
    /// reads no repository).
    pub git_dates: GitDates,
}

/// What the binary read of the site's git history for `[content]
/// last_updated = "git"`.
#[derive(Clone, Debug, Default)]
pub enum GitDates {
    /// Not read: the site does not ask, or the caller does not read histories.
    #[default]
    NotRead,
    /// Each committed file's day, by site path (`content/kb/setup.md`): the
    /// committer date, in UTC, of the last commit that changed it.
    Read {
        /// The days by path.
        days: std::sync::Arc<BTreeMap<String, Date>>,
        /// The repository is a shallow clone: the oldest commit it has stands
        /// for every earlier change, so files changed before it show its day.
        shallow: bool,
    },
    /// Why the history could not be read (no git, not a repository).
    Unreadable(String),
}

/// What a build does with an encrypted portal whose passphrase it does not have.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WithoutPassphrase {
    /// Refuse: an error (`missing-passphrase`), so nothing is published
    /// unencrypted. What `build` does.
    #[default]
    Refuse,
    /// Render the portal unencrypted and list it in
    /// [`crate::build::PortalLink::unsealed`]: for `check`, which writes
    /// nothing, and `serve` on loopback, which says so on every such page.
    ShowUnencrypted,
}

/// The memory the process uses now and the most it has used, in MB (`None`
/// where the system does not say).
pub type MemoryProbe = fn() -> (Option<u64>, Option<u64>);

impl BuildOptions {
    /// Options for `today` with the public test secret and no environment: for tests
    /// and previews, never for publishing.
    pub fn for_tests(today: Date) -> BuildOptions {
        BuildOptions {
            today,
            secret: crate::privacy::PortalSecret::insecure_for_tests(),
            env: Secret::default(),
            seal_iterations: 1_000,
            timings: None,
            without_passphrase: WithoutPassphrase::Refuse,
            git_dates: GitDates::NotRead,
        }
    }

    /// Options for publishing: the given day, secret and environment, full-strength encryption.
    pub fn new(
        today: Date,
        secret: crate::privacy::PortalSecret,
        env: BTreeMap<String, String>,
    ) -> BuildOptions {
        BuildOptions {
            today,
            secret,
            env: Secret::new(env),
            seal_iterations: crate::seal::ITERATIONS,
            timings: None,
            without_passphrase: WithoutPassphrase::Refuse,
            git_dates: GitDates::NotRead,
        }
    }
}
