//! One module per command, as mdBook and zola have it: each declares its
//! arguments (`Args`) and runs them (`run`). What several commands share is
//! here: reading and compiling the site, the day, reporting problems.

pub(crate) mod build;
pub(crate) mod check;
pub(crate) mod completions;
pub(crate) mod digest;
pub(crate) mod git_dates;
pub(crate) mod ingest;
pub(crate) mod init;
pub(crate) mod links;
pub(crate) mod report;
pub(crate) mod rotate;
pub(crate) mod schema;
pub(crate) mod search;
pub(crate) mod secret;
pub(crate) mod serve;
pub(crate) mod translations;
pub(crate) mod ui;

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result, bail};
use gangway::build::WithoutPassphrase;
use gangway::report::Format;
use gangway::{BuildOptions, Compiled, SourceTree};
use jiff::civil::Date;

use secret::{SecretUse, portal_secret};

/// Reads the site at `root` and compiles it. With a sink, output files go there as
/// they are made; without, they come back in memory. `without` says what
/// becomes of an encrypted portal whose passphrase is not set.
pub(crate) fn compile_with(
    root: &Path,
    today: Option<&str>,
    (secret, without): (SecretUse, WithoutPassphrase),
    sink: Option<&(dyn Fn(gangway::OutputFile) + Sync)>,
) -> Result<Compiled> {
    check_root(root)?;
    let today = resolve_today(today)?;
    let started = std::time::Instant::now();
    let (tree, read_problems) = SourceTree::read(root);
    // GANGWAY_TIMINGS: each stage's time and memory, for bench/run.py.
    let timings = std::env::var_os("GANGWAY_TIMINGS").is_some() || ui::verbose();
    if timings {
        let (now, _) = memory_now();
        eprintln!(
            "timings: read {:?}; resident {}",
            started.elapsed(),
            now.map_or_else(|| "?".to_string(), |mb| format!("{mb} MB"))
        );
    }
    let secret = portal_secret(root, secret)?;
    let env = std::env::vars().collect();
    let mut options = BuildOptions::new(today, secret, env);
    options.timings = timings.then_some(memory_now as gangway::build::MemoryProbe);
    options.without_passphrase = without;
    let started = std::time::Instant::now();
    options.git_dates = git_dates::read_if_asked(root);
    if timings && !matches!(options.git_dates, gangway::build::GitDates::NotRead) {
        eprintln!("timings: git log {:?}", started.elapsed());
    }
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

/// Problems on standard error, as `check` shows them, with their count line
/// (`--quiet`: the errors alone, unless `--deny-warnings` makes warnings count);
/// returns how many are errors.
pub(crate) fn print_problems(problems: &[gangway::diagnostic::Diagnostic]) -> Result<usize> {
    let is_error =
        |d: &&gangway::diagnostic::Diagnostic| d.severity == gangway::diagnostic::Severity::Error;
    let errors = problems.iter().filter(is_error).count();
    let warnings = problems.len() - errors;
    let shown: Vec<_> = if ui::quiet() && !ui::deny_warnings() {
        problems.iter().filter(is_error).cloned().collect()
    } else {
        problems.to_vec()
    };
    if !shown.is_empty() {
        let mut err = std::io::stderr().lock();
        write!(
            err,
            "{}",
            gangway::report::render(&shown, Format::Human, ui::color())
        )?;
        let summary = if shown.len() == problems.len() {
            gangway::report::summary(errors, warnings)
        } else {
            gangway::report::summary(errors, 0)
        };
        writeln!(err, "{summary}")?;
    }
    Ok(errors)
}

/// Prints, as the last line of a run, that `--deny-warnings` failed it, when it
/// did (no errors, some warnings).
pub(crate) fn say_denied(problems: &[gangway::diagnostic::Diagnostic]) {
    let (errors, warnings) = counts_of(problems);
    if let Some(line) = ui::denied(errors, warnings) {
        eprintln!("{line}");
    }
}

/// How many of `problems` are errors and warnings.
fn counts_of(problems: &[gangway::diagnostic::Diagnostic]) -> (usize, usize) {
    let errors = problems
        .iter()
        .filter(|d| d.severity == gangway::diagnostic::Severity::Error)
        .count();
    (errors, problems.len() - errors)
}

/// Every customer of the site at `root` planned for `today` without building
/// pages (`digest`, `report`): the knowledge base is read by file name and
/// front matter only. Problems go to standard error; `None` when any is an error.
pub(crate) fn plan_site(
    root: &Path,
    today: Date,
) -> Result<Option<(gangway::build::Planned, BuildOptions)>> {
    check_root(root)?;
    let (tree, read_problems) = SourceTree::read_for_plans(root);
    // Addresses are not printed: a throw-away secret plans the same.
    let secret = portal_secret(root, SecretUse::Ephemeral)?;
    let mut options = BuildOptions::new(today, secret, std::env::vars().collect());
    // No portal page is made: an encrypted portal's passphrase is not needed.
    options.without_passphrase = WithoutPassphrase::ShowUnencrypted;
    let planned = gangway::build::plan_customers(&tree, &options);
    let mut problems: Vec<_> = read_problems.iter().cloned().collect();
    problems.extend(planned.diagnostics.iter().cloned());
    print_problems(&problems)?;
    say_denied(&problems);
    let (errors, warnings) = counts_of(&problems);
    Ok((!ui::fails(errors, warnings)).then_some((planned, options)))
}

/// Refuses a root that is not a site's folder, with what to do instead.
pub(crate) fn check_root(root: &Path) -> Result<()> {
    if !root.is_dir() {
        bail!("{} is not a directory", root.display());
    }
    if !root.join("gangway.toml").is_file() {
        bail!(
            "{} has no gangway.toml: pass the site's folder with --root, or create one with `gangway init DIR`",
            root.display()
        );
    }
    Ok(())
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
pub(crate) fn resolve_today(flag: Option<&str>) -> Result<Date> {
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

/// Prints diagnostics; returns true when the run fails: there were errors, or
/// warnings and `--deny-warnings`.
pub(crate) fn report_diagnostics(compiled: &Compiled, format: Format) -> Result<bool> {
    let (errors, warnings) = counts_of(&compiled.diagnostics);
    match format {
        Format::Human => {
            print_problems(&compiled.diagnostics)?;
        }
        Format::Json => {
            let mut out = serde_json::to_string_pretty(&json_document(compiled)?)?;
            out.push('\n');
            std::io::stdout().lock().write_all(out.as_bytes())?;
        }
        Format::Github => {
            let mut text = gangway::report::render(&compiled.diagnostics, format, false);
            for (name, var) in unsealed(compiled) {
                text.push_str(&format!(
                    "::notice title=not encrypted::{name} was checked unencrypted: {var} (its passphrase) is not set here; gangway build needs it\n"
                ));
            }
            std::io::stdout().lock().write_all(text.as_bytes())?;
        }
    }
    Ok(ui::fails(errors, warnings))
}

/// The JSON document of `--format json` (docs/cli.md): the diagnostics, with
/// the translation status (an empty list of languages when there is none) and
/// the encrypted portals shown unencrypted for want of their passphrase.
fn json_document(compiled: &Compiled) -> Result<serde_json::Value> {
    let text = gangway::report::render(&compiled.diagnostics, Format::Json, false);
    let mut doc: serde_json::Value = serde_json::from_str(&text)?;
    if let serde_json::Value::Object(map) = &mut doc {
        map.insert(
            "translations".into(),
            serde_json::to_value(&compiled.translations)?,
        );
        let unsealed: Vec<serde_json::Value> = unsealed(compiled)
            .into_iter()
            .map(|(name, var)| serde_json::json!({ "portal": name, "passphrase_env": var }))
            .collect();
        map.insert("unencrypted".into(), unsealed.into());
    }
    Ok(doc)
}

/// The encrypted portals (by customer id; `dashboard`) that were not
/// encrypted because their passphrase is not set, with its variable.
pub(crate) fn unsealed(compiled: &Compiled) -> Vec<(String, String)> {
    let portals = compiled
        .portals
        .iter()
        .filter_map(|p| Some((p.customer.clone(), p.unsealed.clone()?)));
    let dashboard = compiled
        .dashboard
        .iter()
        .filter_map(|d| Some(("dashboard".to_string(), d.unsealed.clone()?)));
    portals.chain(dashboard).collect()
}

/// The one note saying which encrypted portals were checked unencrypted, or
/// `None` when every portal that should be encrypted was.
pub(crate) fn unsealed_note(compiled: &Compiled) -> Option<String> {
    let list = unsealed(compiled);
    if list.is_empty() {
        return None;
    }
    let names: Vec<String> = list
        .iter()
        .map(|(name, var)| format!("{name} ({var})"))
        .collect();
    let (count, (are, them)) = if list.len() == 1 {
        (
            "1 encrypted portal was".to_string(),
            ("its passphrase is", "it"),
        )
    } else {
        (
            format!("{} encrypted portals were", list.len()),
            ("their passphrases are", "them"),
        )
    };
    Some(format!(
        "note: {count} checked without encryption, as {are} not set here: {}; `gangway build` needs {them}",
        names.join(", ")
    ))
}

/// "12 public files and 1 customer portal in 6 languages".
pub(crate) fn counts(stats: &gangway::BuildStats) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    format!(
        "{} and {} in {}",
        plural(stats.public_files, "public file", "public files"),
        plural(stats.customers, "customer portal", "customer portals"),
        plural(stats.languages, "language", "languages"),
    )
}

/// An error and its causes, as one line: "cannot write X: No space left on device".
pub(crate) fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// `base_url` from gangway.toml, for printing full addresses.
pub(crate) fn site_base_url(root: &Path) -> Result<String> {
    let text = std::fs::read_to_string(root.join("gangway.toml"))?;
    let value: toml::Table = toml::from_str(&text)?;
    Ok(value
        .get("base_url")
        .and_then(|v| v.as_str())
        .unwrap_or("")
        .trim_end_matches('/')
        .to_string())
}

/// Writes `bytes` to a temporary file beside `path` (with its permissions, its
/// folder created when missing), then renames it over `path`: a reader sees the
/// old file or the new one, never half of one. `sync` puts the data on disk
/// before the rename (one file of value); without it many files go quickly.
pub(crate) fn replace_file(path: &Path, bytes: &[u8], sync: bool) -> Result<()> {
    let dir = path.parent().context("a file has a folder")?;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.gangway-{}", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        if sync {
            file.sync_all()?;
        }
        if let Ok(meta) = std::fs::metadata(path) {
            std::fs::set_permissions(&temp, meta.permissions())?;
        }
        std::fs::rename(&temp, path)
    })();
    if let Err(err) = result {
        let _ = std::fs::remove_file(&temp);
        return Err(anyhow::Error::new(err).context(format!("cannot write {}", path.display())));
    }
    Ok(())
}

/// Runs `git -C root ARGS`; its output, or why it failed, in words.
pub(crate) fn git(root: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|err| format!("git could not be run ({err})"))?;
    if !out.status.success() {
        let text = String::from_utf8_lossy(&out.stderr);
        let first = text.lines().next().unwrap_or("").trim();
        return Err(if first.contains("not a git repository") {
            "the site is not in a git repository".to_string()
        } else {
            format!("git failed: {first}")
        });
    }
    Ok(out.stdout)
}
