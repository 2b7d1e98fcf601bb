//! One module per command, as mdBook and zola have it: each declares its
//! arguments (`Args`) and runs them (`run`). What several commands share is
//! here: reading and compiling the site, the day, reporting problems.

pub(crate) mod build;
pub(crate) mod check;
pub(crate) mod digest;
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

use std::io::{IsTerminal, Write};
use std::path::Path;

use anyhow::{Context, Result, bail};
use gangway::report::Format;
use gangway::{BuildOptions, Compiled, SourceTree};
use jiff::civil::Date;

use secret::{SecretUse, portal_secret};

/// Reads the site at `root` and compiles it. With a sink, output files go there as
/// they are made; without, they come back in memory.
pub(crate) fn compile_with(
    root: &Path,
    today: Option<&str>,
    secret: SecretUse,
    sink: Option<&(dyn Fn(gangway::OutputFile) + Sync)>,
) -> Result<Compiled> {
    check_root(root)?;
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

/// Problems on standard error, as `check` shows them, with their count line;
/// returns how many are errors.
pub(crate) fn print_problems(problems: &[gangway::diagnostic::Diagnostic]) -> Result<usize> {
    let errors = problems
        .iter()
        .filter(|d| d.severity == gangway::diagnostic::Severity::Error)
        .count();
    if !problems.is_empty() {
        let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        let mut err = std::io::stderr().lock();
        write!(
            err,
            "{}",
            gangway::report::render(problems, Format::Human, color)
        )?;
        writeln!(
            err,
            "{}",
            gangway::report::summary(errors, problems.len() - errors)
        )?;
    }
    Ok(errors)
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
    let options = BuildOptions::new(today, secret, std::env::vars().collect());
    let planned = gangway::build::plan_customers(&tree, &options);
    let mut problems: Vec<_> = read_problems.iter().cloned().collect();
    problems.extend(planned.diagnostics.iter().cloned());
    let errors = print_problems(&problems)?;
    Ok((errors == 0).then_some((planned, options)))
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

/// Prints diagnostics; returns true when there were errors.
pub(crate) fn report_diagnostics(compiled: &Compiled, format: Format) -> Result<bool> {
    let errors = compiled
        .diagnostics
        .iter()
        .filter(|d| d.severity == gangway::diagnostic::Severity::Error)
        .count();
    match format {
        Format::Human => {
            print_problems(&compiled.diagnostics)?;
        }
        Format::Json => {
            // The diagnostics document, with the translation status beside them.
            let text = gangway::report::render(&compiled.diagnostics, format, false);
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
            let text = gangway::report::render(&compiled.diagnostics, format, false);
            std::io::stdout().lock().write_all(text.as_bytes())?;
        }
    }
    Ok(errors > 0)
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
