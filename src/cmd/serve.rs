//! `gangway serve`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use gangway::BuildOptions;
use gangway::serve::{self, Log, WatchMode};

use gangway::build::WithoutPassphrase;

use super::secret::{SecretUse, portal_secret};
use super::{resolve_today, ui};

/// The arguments of `gangway serve`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// The site's root directory
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// The address to listen on: loopback unless --allow-remote
    #[arg(long, default_value = "127.0.0.1")]
    bind: String,
    /// The port to listen on (0 picks a free one)
    #[arg(long, default_value_t = gangway::serve::DEFAULT_PORT)]
    port: u16,
    /// The day to compute overdue tasks and progress for (YYYY-MM-DD)
    #[arg(long)]
    today: Option<String>,
    /// Open the public site in the default browser
    #[arg(long)]
    open: bool,
    /// Listen on a non-loopback address: anyone who can reach it can read every portal
    #[arg(long)]
    allow_remote: bool,
    /// Also answer requests for this host name (repeatable; `.example.test` allows a
    /// domain and the names under it). Only localhost and the bound address are
    /// answered otherwise, so other sites cannot reach the server by DNS rebinding
    #[arg(long = "allow-host", value_name = "NAME")]
    allow_host: Vec<String>,
    /// Look for changes every second instead of using file events (network file systems)
    #[arg(long)]
    poll: bool,
}

/// `gangway serve`: serves until Ctrl-C, then exits 0.
pub(crate) fn run(args: Args) -> Result<ExitCode> {
    let Args {
        root,
        bind,
        port,
        today,
        open,
        allow_remote,
        allow_host: allowed_hosts,
        poll,
    } = args;
    let (root, bind, today) = (root.as_path(), bind.as_str(), today.as_deref());
    let ip: std::net::IpAddr = match bind {
        "localhost" => std::net::Ipv4Addr::LOCALHOST.into(),
        other => other
            .parse()
            .with_context(|| format!("--bind {other}: expected an IP address"))?,
    };
    let addr = std::net::SocketAddr::new(ip, port);
    // Refuse before anything else happens (such as creating a portal secret).
    if !ip.is_loopback() && !allow_remote {
        return Err(serve::ServeError::NotLoopback { addr }.into());
    }
    if !root.join("gangway.toml").is_file() {
        bail!(
            "{} has no gangway.toml: pass the site's folder with --root, or create one with `gangway init DIR`",
            root.display()
        );
    }
    let today = resolve_today(today)?;
    let secret = portal_secret(root, SecretUse::CreateIfMissing)?;
    let mut options = BuildOptions::new(today, secret, std::env::vars().collect());
    // An encrypted portal whose passphrase is not set is shown unencrypted, with
    // a banner, to this machine alone (serve::start refuses it otherwise).
    options.without_passphrase = WithoutPassphrase::ShowUnencrypted;
    // Dates from git are read once, now: commits made while serving show after a restart.
    options.git_dates = super::git_dates::read_if_asked(root);
    let mut config = serve::Config::new(root, options);
    config.addr = addr;
    config.allow_remote = allow_remote;
    config.allowed_hosts = allowed_hosts;
    // The server reports through this; it never prints itself.
    config.log = Log::to(ui::color(), |text| eprint!("{text}"));
    if poll {
        config.watch = WatchMode::Poll(std::time::Duration::from_secs(1));
    }
    let handle = serve::start(config)?;
    ui::note!(
        "serving {} (from memory; nothing is written)",
        root.display()
    );
    eprintln!("  public site: {}", handle.url());
    for (portal, url) in handle.portals() {
        let lock = match (&portal.unsealed, portal.encrypted) {
            (Some(var), _) => format!(" (shown unencrypted: {var} is not set)"),
            (None, true) => " (encrypted)".to_string(),
            (None, false) => String::new(),
        };
        ui::note!("  {} ({}): {url}{lock}", portal.customer, portal.name);
    }
    ui::note!("watching for changes; press Ctrl-C to stop");
    if open && !serve::open_browser(&handle.url()) {
        eprintln!("cannot open a browser here: open {} yourself", handle.url());
    }
    handle.wait_for_ctrl_c()?;
    ui::note!("stopping");
    handle.shutdown();
    Ok(ExitCode::SUCCESS)
}
