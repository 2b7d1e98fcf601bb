//! The `gangway` command line: reads the site, runs the pipeline, writes the
//! output, reports diagnostics, and maps the outcome to an exit code.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use gangway::output::{OutputLock, Staging, WhenLocked};
use gangway::privacy::{self, PortalSecret};
use gangway::report::{self, Format};
use gangway::{BuildOptions, Compiled, SourceTree};
use jiff::civil::Date;

const EXIT_CODES: &str = "\
Exit codes:
  0  success (warnings allowed)
  1  the site has errors (nothing was written)
  2  usage or I/O problems";

/// Compiles onboarding playbooks and a knowledge base into a static client portal.
#[derive(Parser)]
#[command(name = "gangway", version, after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output directory (atomically: a failed build keeps the old output)
    #[command(after_help = EXIT_CODES)]
    Build {
        /// The site's root directory
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site [default: ROOT/public]
        #[arg(long)]
        output: Option<PathBuf>,
        /// The day to compute overdue tasks and progress for (YYYY-MM-DD)
        /// [default: SOURCE_DATE_EPOCH if set, else the system date]
        #[arg(long)]
        today: Option<String>,
        /// How to print problems
        #[arg(long, default_value = "human")]
        format: Format,
        /// Fail at once (exit 2) if another build is writing the same output, instead of waiting
        #[arg(long)]
        no_wait: bool,
    },
    /// Check the site as a build would (rendering every page), writing nothing
    #[command(after_help = EXIT_CODES)]
    Check {
        /// The site's root directory
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The day to compute overdue tasks and progress for (YYYY-MM-DD)
        #[arg(long)]
        today: Option<String>,
        /// How to print problems
        #[arg(long, default_value = "human")]
        format: Format,
    },
    /// Print every customer's portal address (keep them private: send each to its customer)
    #[command(after_help = EXIT_CODES)]
    Links {
        /// The site's root directory
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Give a customer a new portal address; the old one stops working at the next publish
    #[command(after_help = EXIT_CODES)]
    Rotate {
        /// The customer's id (its file name in customers/, without .yaml)
        customer: String,
        /// The site's root directory
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Create a small starter site that builds as it is
    #[command(after_help = EXIT_CODES)]
    Init {
        /// Where to create it (must not exist or be empty)
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Build the site in memory, serve it with live reload, and rebuild on every change
    #[command(after_help = EXIT_CODES)]
    Serve {
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
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Build {
            root,
            output,
            today,
            format,
            no_wait,
        } => {
            let output = output.unwrap_or_else(|| root.join("public"));
            build(&root, &output, today.as_deref(), format, no_wait)
        }
        Command::Check {
            root,
            today,
            format,
        } => {
            // Everything is rendered, and nothing kept: check writes nothing.
            let compiled =
                compile_with(&root, today.as_deref(), SecretUse::Ephemeral, Some(&|_| {}))?;
            let failed = report_diagnostics(&compiled, format)?;
            if format == Format::Human && !compiled.translations.languages.is_empty() {
                eprint!("{}", compiled.translations.summary());
            }
            if failed {
                return Ok(ExitCode::from(1));
            }
            if format == Format::Human {
                eprintln!(
                    "checked {}: {}",
                    counts(&compiled.stats),
                    report::summary(0, compiled.diagnostics.len())
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Links { root } => {
            let compiled = compile_with(&root, None, SecretUse::Require, Some(&|_| {}))?;
            if report_diagnostics(&compiled, Format::Human)? {
                return Ok(ExitCode::from(1));
            }
            let base = site_base_url(&root)?;
            let mut out = std::io::stdout().lock();
            for p in &compiled.portals {
                let lock = if p.encrypted { "  (encrypted)" } else { "" };
                writeln!(out, "{}\t{}/{}\t{}{lock}", p.customer, base, p.path, p.name)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Rotate { customer, root } => rotate(&root, &customer),
        Command::Init { dir } => {
            let written = gangway::init::init(&dir)?;
            eprintln!(
                "created a starter site in {} ({} files)",
                dir.display(),
                written.len()
            );
            eprintln!("next: cd {} && gangway build", dir.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve {
            root,
            bind,
            port,
            today,
            open,
            allow_remote,
            allow_host,
            poll,
        } => serve(
            &root,
            &bind,
            port,
            today.as_deref(),
            open,
            (allow_remote, allow_host),
            poll,
        ),
    }
}

/// A progress line on a terminal for builds that take more than a moment: files
/// written so far, redrawn a few times a second. Nothing when stderr is not a
/// terminal (CI gets the one summary line at the end).
struct Progress {
    written: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    done: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    fn start() -> Progress {
        use std::sync::atomic::Ordering;
        let written = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let thread = std::io::stderr().is_terminal().then(|| {
            let (written, done) = (
                std::sync::Arc::clone(&written),
                std::sync::Arc::clone(&done),
            );
            std::thread::spawn(move || {
                let started = std::time::Instant::now();
                let mut shown = false;
                while !done.load(Ordering::Relaxed) {
                    std::thread::sleep(std::time::Duration::from_millis(150));
                    // Quick builds finish before the line would be worth showing.
                    if started.elapsed() > std::time::Duration::from_millis(700)
                        && !done.load(Ordering::Relaxed)
                    {
                        match written.load(Ordering::Relaxed) {
                            0 => eprint!("\r\x1b[2Kbuilding: reading and checking the site…"),
                            n => eprint!("\r\x1b[2Kbuilding: {n} files written"),
                        }
                        shown = true;
                    }
                }
                if shown {
                    eprint!("\r\x1b[2K");
                }
            })
        });
        Progress {
            written,
            done,
            thread,
        }
    }

    fn tick(&self) {
        self.written
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    fn finish(mut self) {
        self.done.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// "12 public files and 1 customer portal in 6 languages".
fn counts(stats: &gangway::BuildStats) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    format!(
        "{} and {} in {}",
        plural(stats.public_files, "public file", "public files"),
        plural(stats.customers, "customer portal", "customer portals"),
        plural(stats.languages, "language", "languages"),
    )
}

/// `gangway serve`: serves until Ctrl-C, then exits 0.
fn serve(
    root: &Path,
    bind: &str,
    port: u16,
    today: Option<&str>,
    open: bool,
    (allow_remote, allowed_hosts): (bool, Vec<String>),
    poll: bool,
) -> Result<ExitCode> {
    use gangway::serve::{self, Log, WatchMode};
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
    let mut config = serve::Config::new(
        root,
        BuildOptions::new(today, secret, std::env::vars().collect()),
    );
    config.addr = addr;
    config.allow_remote = allow_remote;
    config.allowed_hosts = allowed_hosts;
    // The server reports through this; it never prints itself.
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    config.log = Log::to(color, |text| eprint!("{text}"));
    if poll {
        config.watch = WatchMode::Poll(std::time::Duration::from_secs(1));
    }
    let handle = serve::start(config)?;
    eprintln!(
        "serving {} (from memory; nothing is written)",
        root.display()
    );
    eprintln!("  public site: {}", handle.url());
    for (portal, url) in handle.portals() {
        let lock = if portal.encrypted { " (encrypted)" } else { "" };
        eprintln!("  {} ({}): {url}{lock}", portal.customer, portal.name);
    }
    eprintln!("watching for changes; press Ctrl-C to stop");
    if open && !serve::open_browser(&handle.url()) {
        eprintln!("cannot open a browser here: open {} yourself", handle.url());
    }
    handle.wait_for_ctrl_c()?;
    eprintln!("stopping");
    handle.shutdown();
    Ok(ExitCode::SUCCESS)
}

/// How a command uses the portal secret when none is configured.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SecretUse {
    /// Create and store one (build): addresses must stay the same from build to build.
    CreateIfMissing,
    /// Use a throw-away one (check): addresses do not matter when nothing is written.
    Ephemeral,
    /// Refuse to go on (links, rotate): printing addresses from a throw-away secret would mislead.
    Require,
}

const SECRET_ENV: &str = "GANGWAY_PORTAL_SECRET";
const SECRET_FILE: &str = ".portal-secret";

/// The portal secret: `GANGWAY_PORTAL_SECRET`, else ROOT/.portal-secret.
fn portal_secret(root: &Path, usage: SecretUse) -> Result<PortalSecret> {
    if let Ok(text) = std::env::var(SECRET_ENV) {
        return PortalSecret::from_text(&text)
            .with_context(|| format!("{SECRET_ENV} is not a usable secret"));
    }
    let file = root.join(SECRET_FILE);
    if file.is_file() {
        return read_secret_file(&file);
    }
    let text = PortalSecret::generate_text()
        .map_err(|e| anyhow::anyhow!("cannot get random bytes for a portal secret: {e}"))?;
    match usage {
        SecretUse::Ephemeral => {}
        SecretUse::Require => bail!(
            "no portal secret: set {SECRET_ENV} or create {} (gangway build creates one)",
            file.display()
        ),
        SecretUse::CreateIfMissing => {
            if !create_secret_file(&file, &text)? {
                // Another build created it first: use theirs, so both agree.
                return read_secret_file(&file);
            }
            eprintln!(
                "created {}: it decides every portal's address. Keep it out of git, back it up, and give CI the same value in {SECRET_ENV}.",
                file.display()
            );
            // The secret exists now; a .gitignore that cannot be written is the
            // author's to fix, not a reason to fail the build.
            if let Err(err) = ignore_secret_file(root) {
                eprintln!("warning: {err:#}; add /{SECRET_FILE} to .gitignore yourself");
            }
        }
    }
    Ok(PortalSecret::from_text(&text)?)
}

/// The secret in `file`, with a warning when other users can read it (a file
/// made before gangway created it private, or copied since).
fn read_secret_file(file: &Path) -> Result<PortalSecret> {
    #[cfg(unix)]
    if let Ok(meta) = std::fs::metadata(file)
        && std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o077 != 0
    {
        eprintln!(
            "warning: other users of this machine can read {}; make it private with `chmod 600 {}`",
            file.display(),
            file.display()
        );
    }
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    PortalSecret::from_text(&text)
        .with_context(|| format!("{} is not a usable secret", file.display()))
}

/// Writes a new secret file that only its owner can read (mode 0600 on Unix, set
/// as the file is created, so it is never readable by others even for a moment).
/// False when the file already exists.
fn create_secret_file(file: &Path, text: &str) -> Result<bool> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut out = match options.open(file) {
        Ok(out) => out,
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => return Ok(false),
        Err(err) => {
            return Err(anyhow::Error::new(err).context(format!("cannot write {}", file.display())));
        }
    };
    out.write_all(format!("{text}\n").as_bytes())
        .and_then(|()| out.sync_all())
        .with_context(|| format!("cannot write {}", file.display()))?;
    Ok(true)
}

/// Adds `/.portal-secret` to the site's `.gitignore` (creating it if missing)
/// unless a line there already ignores it, as `init` does for a new site.
fn ignore_secret_file(root: &Path) -> Result<()> {
    let path = root.join(".gitignore");
    let existing = match std::fs::read(&path) {
        Ok(bytes) => Some(bytes),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
        Err(err) => {
            return Err(anyhow::Error::new(err).context(format!("cannot read {}", path.display())));
        }
    };
    let Some(updated) = gitignore_with_secret(existing.as_deref()) else {
        return Ok(());
    };
    std::fs::write(&path, updated).with_context(|| format!("cannot write {}", path.display()))?;
    let done = if existing.is_some() {
        "added it to"
    } else {
        "created"
    };
    eprintln!(
        "{done} {} (/{SECRET_FILE}), so git leaves the secret out",
        path.display()
    );
    Ok(())
}

/// The `.gitignore` with a line for the secret file appended, or `None` when a line
/// already ignores it. The new line ends the way the file's lines do, and a last
/// line without a line break gets one first.
fn gitignore_with_secret(existing: Option<&[u8]>) -> Option<Vec<u8>> {
    let existing = existing.unwrap_or_default();
    let ignored = existing.split(|&b| b == b'\n').any(|line| {
        let line = line.trim_ascii();
        line == SECRET_FILE.as_bytes() || line.strip_prefix(b"/") == Some(SECRET_FILE.as_bytes())
    });
    if ignored {
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
    out.extend_from_slice(b"/");
    out.extend_from_slice(SECRET_FILE.as_bytes());
    out.extend_from_slice(ending);
    Some(out)
}

/// `base_url` from gangway.toml, for printing full addresses.
fn site_base_url(root: &Path) -> Result<String> {
    let text = std::fs::read_to_string(root.join("gangway.toml"))?;
    let value: toml::Table = toml::from_str(&text)?;
    Ok(value
        .get("base_url")
        .and_then(|v| v.as_str())
        .unwrap_or("")
        .trim_end_matches('/')
        .to_string())
}

/// `gangway rotate ID`: bumps the customer's `portal_rotation` and prints the new address.
fn rotate(root: &Path, customer: &str) -> Result<ExitCode> {
    let path = customer_file(root, customer)?;
    // Refuse before changing anything when the new address could not be printed.
    portal_secret(root, SecretUse::Require)?;
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let (updated, rotation) =
        bump_rotation(&text).with_context(|| format!("cannot rotate {}", path.display()))?;
    std::fs::write(&path, updated).with_context(|| format!("cannot write {}", path.display()))?;
    eprintln!(
        "{}: portal_rotation is now {rotation}; the old address stops working when the site is next published",
        path.display()
    );
    let compiled = compile_with(root, None, SecretUse::Require, Some(&|_| {}))?;
    if let Some(p) = compiled.portals.iter().find(|p| p.customer == customer) {
        println!("{}/{}", site_base_url(root)?, p.path);
    }
    Ok(ExitCode::SUCCESS)
}

/// The file of the customer `id`: `customers/<id>.yaml` (or `.yml`), which must exist.
/// The id must be one the site could have (the rules of [`gangway::ids`]), so no
/// argument can name a file outside `customers/`.
fn customer_file(root: &Path, id: &str) -> Result<PathBuf> {
    if !gangway::ids::is_valid_id(id) {
        bail!(
            "`{id}` is not a customer id: {}; a customer's id is its file name in customers/ without .yaml",
            gangway::ids::ID_HELP
        );
    }
    let folder = root.join("customers");
    ["yaml", "yml"]
        .iter()
        .map(|extension| folder.join(format!("{id}.{extension}")))
        .find(|path| path.is_file())
        .with_context(|| {
            format!(
                "there is no customer `{id}`: {} does not exist",
                folder.join(format!("{id}.yaml")).display()
            )
        })
}

/// Sets or increments the top-level `portal_rotation:` in a customer file. Every
/// other byte stays as it was: line endings (`\r\n` or `\n`, and whether the
/// last line has one), other lines, a comment after the number.
fn bump_rotation(text: &str) -> Result<(String, u32)> {
    let mut out = String::with_capacity(text.len() + 24);
    let mut rotation = None;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\r', '\n']);
        let ending = &line[content.len()..];
        match content.strip_prefix("portal_rotation:") {
            Some(value) if rotation.is_none() => {
                let (number, comment) = match value.find('#') {
                    Some(at) => value.split_at(at),
                    None => (value, ""),
                };
                let current = number.trim();
                let next = if current.is_empty() {
                    1
                } else {
                    current
                        .parse::<u32>()
                        .ok()
                        .and_then(|n| n.checked_add(1))
                        .with_context(|| {
                            format!(
                                "portal_rotation is `{current}`, not a number gangway can increase"
                            )
                        })?
                };
                let spacing = &number[number.trim_end().len()..];
                let spacing = if comment.is_empty() { "" } else { spacing };
                out.push_str(&format!(
                    "portal_rotation: {next}{spacing}{comment}{ending}"
                ));
                rotation = Some(next);
            }
            _ => out.push_str(line),
        }
    }
    if let Some(rotation) = rotation {
        return Ok((out, rotation));
    }
    // A new last line, ended the way the file's lines are.
    let ending = if text.contains("\r\n") { "\r\n" } else { "\n" };
    if !out.is_empty() && !out.ends_with('\n') {
        out.push_str(ending);
    }
    out.push_str(&format!("portal_rotation: 1{ending}"));
    Ok((out, 1))
}

/// `gangway build`: holds the output's lock, compiles the site into a staging
/// folder as pages are made, and swaps it into place only if everything succeeded.
fn build(
    root: &Path,
    output: &Path,
    today: Option<&str>,
    format: Format,
    no_wait: bool,
) -> Result<ExitCode> {
    let when_locked = if no_wait {
        WhenLocked::Fail
    } else {
        WhenLocked::Wait
    };
    let _lock = OutputLock::acquire(output, when_locked, &|pid| {
        let who = pid.map(|p| format!(" (process {p})")).unwrap_or_default();
        eprintln!(
            "waiting for another gangway build{who} writing {} to finish",
            output.display()
        );
    })
    .with_context(|| format!("cannot write the site to {}", output.display()))?;
    // Files are written as they are rendered, into a staging folder beside the
    // output that replaces it only when the whole build has succeeded.
    let staging = Staging::begin(output)
        .with_context(|| format!("cannot write the site to {}", output.display()))?;
    let write_error = std::sync::Mutex::new(None);
    let progress = Progress::start();
    let compiled = compile_with(
        root,
        today,
        SecretUse::CreateIfMissing,
        Some(&|f| {
            progress.tick();
            if let Err(err) = staging.write(&f)
                && let Ok(mut slot) = write_error.lock()
            {
                slot.get_or_insert(err);
            }
        }),
    );
    progress.finish();
    let compiled = compiled?;
    let failed = report_diagnostics(&compiled, format)?;
    if failed {
        drop(staging);
        eprintln!("build failed; the previous output (if any) is untouched");
        return Ok(ExitCode::from(1));
    }
    // Messages name portal folders by customer id: CI logs are often public.
    let portals = || {
        compiled
            .portals
            .iter()
            .map(|p| (p.path.as_str(), p.customer.as_str()))
    };
    if let Some(err) = write_error.into_inner().ok().flatten() {
        drop(staging);
        let message = privacy::redact_portal_paths(&error_chain(&err), portals());
        bail!(
            "cannot write the site to {}: {message}; the previous output (if any) is untouched",
            output.display()
        );
    }
    let stats = staging.commit().map_err(|err| {
        let message = privacy::redact_portal_paths(&error_chain(&err), portals());
        anyhow::anyhow!("cannot write the site to {}: {message}", output.display())
    })?;
    eprintln!(
        "built {} in {} ms: {} files, {} KB in {}",
        counts(&compiled.stats),
        compiled.stats.elapsed.as_millis(),
        stats.files,
        stats.bytes / 1024,
        output.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// An error and its causes, as one line: "cannot write X: No space left on device".
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Reads the site at `root` and compiles it. With a sink, output files go there as
/// they are made; without, they come back in memory.
fn compile_with(
    root: &Path,
    today: Option<&str>,
    secret: SecretUse,
    sink: Option<&(dyn Fn(gangway::OutputFile) + Sync)>,
) -> Result<Compiled> {
    if !root.is_dir() {
        bail!("{} is not a directory", root.display());
    }
    if !root.join("gangway.toml").is_file() {
        bail!(
            "{} has no gangway.toml: pass the site's folder with --root, or create one with `gangway init DIR`",
            root.display()
        );
    }
    let today = resolve_today(today)?;
    let started = std::time::Instant::now();
    let (tree, read_problems) = SourceTree::read(root);
    // GANGWAY_TIMINGS: each stage's time and memory, for bench/run.py.
    let timings = std::env::var_os("GANGWAY_TIMINGS").is_some();
    if timings {
        eprintln!("timings: read {:?}", started.elapsed());
    }
    let secret = portal_secret(root, secret)?;
    let env = std::env::vars().collect();
    let mut options = BuildOptions::new(today, secret, env);
    options.timings = timings.then_some(memory_now as gangway::build::MemoryProbe);
    let mut compiled = match sink {
        Some(sink) => gangway::build::compile_to_consuming(tree, &options, sink),
        None => gangway::compile(&tree, &options),
    };
    if let Some(stages) = &compiled.stats.stages {
        eprintln!("{stages}");
    }
    if !read_problems.is_empty() {
        let mut all: Vec<_> = read_problems.iter().cloned().collect();
        all.append(&mut compiled.diagnostics);
        compiled.diagnostics = all;
        compiled.files.clear();
    }
    Ok(compiled)
}

/// The memory this process uses now and the most it has used, in MB, from
/// /proc/self/status (Linux only): for `GANGWAY_TIMINGS`.
fn memory_now() -> (Option<u64>, Option<u64>) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        let kb: u64 = line[name.len()..]
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()?;
        Some(kb / 1024)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// `--today`, else `SOURCE_DATE_EPOCH`, else the system date.
fn resolve_today(flag: Option<&str>) -> Result<Date> {
    if let Some(text) = flag {
        return text
            .parse::<Date>()
            .with_context(|| format!("--today {text}: expected a date as YYYY-MM-DD"));
    }
    if let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH") {
        let seconds: i64 = epoch
            .trim()
            .parse()
            .with_context(|| format!("SOURCE_DATE_EPOCH={epoch}: expected seconds since 1970"))?;
        let ts =
            jiff::Timestamp::from_second(seconds).context("SOURCE_DATE_EPOCH is out of range")?;
        return Ok(ts.to_zoned(jiff::tz::TimeZone::UTC).date());
    }
    Ok(jiff::Zoned::now().date())
}

/// Prints diagnostics; returns true when there were errors.
fn report_diagnostics(compiled: &Compiled, format: Format) -> Result<bool> {
    let errors = compiled
        .diagnostics
        .iter()
        .filter(|d| d.severity == gangway::diagnostic::Severity::Error)
        .count();
    let warnings = compiled.diagnostics.len() - errors;
    match format {
        Format::Human => {
            if !compiled.diagnostics.is_empty() {
                let color =
                    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
                let text = report::render(&compiled.diagnostics, format, color);
                let mut err = std::io::stderr().lock();
                write!(err, "{text}")?;
                writeln!(err, "{}", report::summary(errors, warnings))?;
            }
        }
        Format::Json => {
            // The diagnostics document, with the translation status beside them.
            let text = report::render(&compiled.diagnostics, format, false);
            let mut doc: serde_json::Value = serde_json::from_str(&text)?;
            if let serde_json::Value::Object(map) = &mut doc
                && !compiled.translations.languages.is_empty()
            {
                map.insert(
                    "translations".into(),
                    serde_json::to_value(&compiled.translations)?,
                );
            }
            let mut out = serde_json::to_string_pretty(&doc)?;
            out.push('\n');
            std::io::stdout().lock().write_all(out.as_bytes())?;
        }
        Format::Github => {
            let text = report::render(&compiled.diagnostics, format, false);
            std::io::stdout().lock().write_all(text.as_bytes())?;
        }
    }
    Ok(errors > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotation_is_set_or_increased_keeping_every_other_byte() {
        let cases: &[(&str, &str, u32)] = &[
            ("name: A\n", "name: A\nportal_rotation: 1\n", 1),
            ("name: A", "name: A\nportal_rotation: 1\n", 1),
            ("name: A\r\n", "name: A\r\nportal_rotation: 1\r\n", 1),
            (
                "name: A\r\nx: 1",
                "name: A\r\nx: 1\r\nportal_rotation: 1\r\n",
                1,
            ),
            ("", "portal_rotation: 1\n", 1),
            (
                "name: A\r\nportal_rotation: 2\r\nplaybook: p\r\n",
                "name: A\r\nportal_rotation: 3\r\nplaybook: p\r\n",
                3,
            ),
            ("portal_rotation: 9", "portal_rotation: 10", 10),
            (
                "portal_rotation: 4   # leaked in a ticket\n",
                "portal_rotation: 5   # leaked in a ticket\n",
                5,
            ),
            (
                "team:\n  portal_rotation: 7\nportal_rotation:\n",
                "team:\n  portal_rotation: 7\nportal_rotation: 1\n",
                1,
            ),
        ];
        for (before, after, rotation) in cases {
            let (text, n) = bump_rotation(before).expect("a rotation");
            assert_eq!((text.as_str(), n), (*after, *rotation), "{before:?}");
        }
    }

    #[test]
    fn a_rotation_that_is_not_a_number_is_refused() {
        for text in ["portal_rotation: two\n", "portal_rotation: 4294967295\n"] {
            assert!(bump_rotation(text).is_err(), "{text:?}");
        }
    }

    #[test]
    fn the_secret_file_is_added_to_gitignore_once_with_its_line_endings() {
        let with = |text: &str| {
            gitignore_with_secret(Some(text.as_bytes())).map(|b| String::from_utf8(b).unwrap())
        };
        assert_eq!(
            gitignore_with_secret(None).as_deref(),
            Some(b"/.portal-secret\n".as_slice())
        );
        assert_eq!(
            with("/public/\n").as_deref(),
            Some("/public/\n/.portal-secret\n")
        );
        assert_eq!(
            with("/public/").as_deref(),
            Some("/public/\n/.portal-secret\n")
        );
        assert_eq!(
            with("/public/\r\n").as_deref(),
            Some("/public/\r\n/.portal-secret\r\n")
        );
        assert_eq!(
            with("a\r\nb").as_deref(),
            Some("a\r\nb\r\n/.portal-secret\r\n")
        );
        for ignored in [
            "/public/\n/.portal-secret\n",
            ".portal-secret",
            "x\r\n.portal-secret\r\n",
        ] {
            assert_eq!(with(ignored), None, "{ignored:?}");
        }
        // A longer name is another file.
        assert!(with(".portal-secret.bak\n").is_some());
    }

    /// Regression (issue: I/O errors printed portal tokens, and CI logs are often
    /// public): a write error under a portal names the customer, not the token.
    #[test]
    fn write_errors_name_portals_by_customer() {
        let token = "nitvxfn3zoxpjbvcktelk64uyi";
        let err = gangway::output::OutputError::Io {
            action: "write",
            path: PathBuf::from(format!("public/p/{token}/en/faq/index.html")),
            source: std::io::Error::other("No space left on device"),
        };
        let folder = format!("p/{token}/");
        let shown = privacy::redact_portal_paths(&error_chain(&err), [(folder.as_str(), "acme")]);
        assert_eq!(
            shown,
            "cannot write public/p/acme/en/faq/index.html: No space left on device"
        );
    }
}

/// mimalloc instead of the system allocator: 13% less CPU for a large build (the
/// portals make and free many small template values on every thread).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
