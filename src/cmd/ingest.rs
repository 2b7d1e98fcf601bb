//! `gangway ingest`.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use gangway::report::Format;
use gangway::{BuildOptions, SourceTree};

use super::secret::{SecretUse, portal_secret};
use super::{check_root, print_problems, resolve_today};

/// The arguments of `gangway ingest`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// Exports of the form service: a JSON array, JSON Lines or CSV with a header row (`-` reads standard input)
    #[arg(required = true)]
    files: Vec<String>,
    /// The site's root directory
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// The day: submissions sent after it are rejected, and milestones are reached as of it (YYYY-MM-DD)
    #[arg(long)]
    today: Option<String>,
    /// Print what would change, as a diff, and write nothing
    #[arg(long)]
    dry_run: bool,
    /// The field holding each submission's time, when it is not one of the usual names (submitted_at, created_at, timestamp, date…)
    #[arg(long)]
    date_field: Option<String>,
    /// How rejected submissions are reported
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
}

/// Runs `gangway ingest`: the submissions checked against the site (planned
/// for the day), the valid ones written into the customer and feedback files
/// (each file replaced atomically), what changed printed per file, and the
/// rejected ones reported. Exit 1 when any submission was rejected.
pub(crate) fn run(args: Args) -> Result<ExitCode> {
    check_root(&args.root)?;
    let today = resolve_today(args.today.as_deref())?;
    let secret = portal_secret(&args.root, SecretUse::Require)?;
    let mut submissions = Vec::new();
    let mut problems = Vec::new();
    for name in &args.files {
        let bytes = read_input(name)?;
        let shown = if name == "-" { "<stdin>" } else { name };
        let (mut read, mut found) = gangway::ingest::read(shown, &bytes);
        submissions.append(&mut read);
        problems.append(&mut found);
    }
    let (tree, read_problems) = SourceTree::read_for_plans(&args.root);
    let plan_secret = portal_secret(&args.root, SecretUse::Ephemeral)?;
    let options = BuildOptions::new(today, plan_secret, std::env::vars().collect());
    let planned = gangway::build::plan_customers(&tree, &options);
    let mut site_problems: Vec<_> = read_problems.iter().cloned().collect();
    site_problems.extend(planned.diagnostics.iter().cloned());
    if print_problems(&site_problems)? > 0 {
        return Ok(ExitCode::from(1));
    }
    let ingest_options = gangway::ingest::Options {
        today,
        date_field: args.date_field.as_deref(),
    };
    let mut outcome =
        gangway::ingest::ingest(&tree, &planned, &submissions, &secret, &ingest_options);
    problems.append(&mut outcome.diagnostics);
    // The process ends soon: freeing every plan and file one by one would only delay it.
    std::mem::forget(planned);
    std::mem::forget(tree);
    let mut out = std::io::stdout().lock();
    if args.dry_run {
        for (path, text) in &outcome.files {
            let before = outcome.before.get(path).map_or("", String::as_str);
            write!(out, "{}", gangway::ingest::diff(path, before, text))?;
        }
    } else {
        for (path, text) in &outcome.files {
            super::replace_file(&args.root.join(path), text.as_bytes(), true)?;
        }
    }
    drop(out);
    // With --format json or github, standard output is the problems' document alone.
    let mut summary: Box<dyn Write> = if args.format == Format::Human {
        Box::new(std::io::stdout())
    } else {
        Box::new(std::io::stderr())
    };
    for (path, report) in &outcome.reports {
        if !report.changed.is_empty() {
            let verb = if args.dry_run { " (dry run)" } else { "" };
            writeln!(summary, "{path}{verb}: {}", report.changed.join(", "))?;
        }
        if !report.already.is_empty() {
            writeln!(
                summary,
                "{path}: already recorded: {}",
                report.already.join(", ")
            )?;
        }
    }
    drop(summary);
    let rejected = problems
        .iter()
        .filter(|d| d.severity == gangway::diagnostic::Severity::Error)
        .count();
    match args.format {
        Format::Human => {
            if !problems.is_empty() {
                let text = gangway::report::render(&problems, Format::Human, super::ui::color());
                eprint!("{text}");
                eprintln!("{rejected} submission(s) or file(s) rejected");
            }
        }
        format => {
            let text = gangway::report::render(&problems, format, false);
            std::io::stdout().lock().write_all(text.as_bytes())?;
        }
    }
    Ok(if rejected > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn read_input(name: &str) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    if name == "-" {
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("cannot read standard input")?;
    } else {
        bytes = std::fs::read(name).with_context(|| format!("cannot read {name}"))?;
    }
    Ok(bytes)
}
