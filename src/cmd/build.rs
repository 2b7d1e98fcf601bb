//! `gangway build`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use gangway::output::{OutputLock, Staging, WhenLocked};
use gangway::privacy;
use gangway::report::Format;

use gangway::build::WithoutPassphrase;

use super::secret::SecretUse;
use super::{compile_with, counts, error_chain, report_diagnostics, say_denied, ui};

/// The arguments of `gangway build`.
#[derive(clap::Args)]
pub(crate) struct Args {
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
}

/// Runs `gangway build`.
pub(crate) fn run(args: Args) -> Result<ExitCode> {
    let output = args.output.unwrap_or_else(|| args.root.join("public"));
    build(
        &args.root,
        &output,
        args.today.as_deref(),
        args.format,
        args.no_wait,
    )
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
        ui::note!(
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
    let written = Written::default();
    let compiled = compile_with(
        root,
        today,
        (SecretUse::CreateIfMissing, WithoutPassphrase::Refuse),
        Some(&|f| {
            progress.tick();
            written.add(&f);
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
        say_denied(&compiled.diagnostics);
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
    if ui::verbose() {
        eprint!("{}", written.lines(&compiled));
    }
    ui::note!(
        "built {} in {} ms: {} files, {} KB in {}",
        counts(&compiled.stats),
        compiled.stats.elapsed.as_millis(),
        stats.files,
        stats.bytes / 1024,
        output.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// What a build wrote, folder by folder, for `--verbose`: the files and bytes
/// under each top folder, and under each portal, named by customer id (CI logs
/// are often public: never by token).
#[derive(Default)]
struct Written(std::sync::Mutex<std::collections::BTreeMap<String, (usize, u64)>>);

impl Written {
    fn add(&self, file: &gangway::OutputFile) {
        let path = file.path.as_str();
        let folder = match path.strip_prefix(gangway::privacy::PORTAL_ROOT) {
            Some(rest) => rest.split_once('/').map_or(path.to_string(), |(token, _)| {
                format!("{}{token}/", gangway::privacy::PORTAL_ROOT)
            }),
            None => path
                .split_once('/')
                .map_or(String::new(), |(top, _)| format!("{top}/")),
        };
        if let Ok(mut map) = self.0.lock() {
            let entry = map.entry(folder).or_default();
            entry.0 += 1;
            entry.1 += file.bytes.len() as u64;
        }
    }

    fn lines(&self, compiled: &gangway::Compiled) -> String {
        let map = self.0.lock().map(|m| m.clone()).unwrap_or_default();
        let name = |folder: &str| -> String {
            if let Some(p) = compiled.portals.iter().find(|p| p.path == folder) {
                let how = if p.encrypted { ", encrypted" } else { "" };
                return format!("portal of {}{how}", p.customer);
            }
            if compiled
                .dashboard
                .as_ref()
                .is_some_and(|d| d.path == folder)
            {
                return "dashboard".to_string();
            }
            match folder {
                "" => "files at the top".to_string(),
                other => other.to_string(),
            }
        };
        let mut out = String::from("written:\n");
        for (folder, (files, bytes)) in &map {
            out.push_str(&format!(
                "  {}: {files} files, {} KB\n",
                name(folder),
                bytes / 1024
            ));
        }
        out
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
        let thread = (std::io::stderr().is_terminal() && !ui::quiet()).then(|| {
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

#[cfg(test)]
mod tests {
    use super::*;

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
