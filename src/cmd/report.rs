//! `gangway report`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use gangway::report::{self, Format};
use gangway::{BuildOptions, SourceTree};

use super::secret::{SecretUse, portal_secret};
use super::{check_root, resolve_today};

/// The form of the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Form {
    /// One JSON document: the day, a row per customer, roll-ups per playbook and per owner
    Json,
    /// A header line and one record per customer (RFC 4180), for spreadsheets
    Csv,
}

/// The arguments of `gangway report`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// The site's root directory
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// The day to compute overdue tasks, the forecast and the risk for (YYYY-MM-DD)
    #[arg(long)]
    today: Option<String>,
    /// The report's form
    #[arg(long, value_enum, default_value = "json")]
    format: Form,
    /// Write the report to this file instead of standard output
    #[arg(long, short)]
    output: Option<PathBuf>,
}

/// Runs `gangway report`: every customer's row of figures (the vendor
/// dashboard's rows), planned for the day, without rendering any page or
/// parsing any article (problems in articles are `check`'s to find). Problems
/// go to standard error; with errors, no report is printed.
pub(crate) fn run(args: Args) -> Result<ExitCode> {
    check_root(&args.root)?;
    let today = resolve_today(args.today.as_deref())?;
    // Plans only: the knowledge base is read by file name and front matter.
    let (tree, read_problems) = SourceTree::read_for_plans(&args.root);
    // Addresses are not part of a report, so any secret plans the same rows.
    let secret = portal_secret(&args.root, SecretUse::Ephemeral)?;
    let options = BuildOptions::new(today, secret, std::env::vars().collect());
    let (rows, diagnostics) = gangway::build::customer_rows(&tree, &options);
    let mut all: Vec<_> = read_problems.iter().cloned().collect();
    all.extend(diagnostics);
    let errors = all
        .iter()
        .filter(|d| d.severity == gangway::diagnostic::Severity::Error)
        .count();
    if !all.is_empty() {
        let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        let mut err = std::io::stderr().lock();
        write!(err, "{}", report::render(&all, Format::Human, color))?;
        writeln!(err, "{}", report::summary(errors, all.len() - errors))?;
    }
    if errors > 0 {
        return Ok(ExitCode::from(1));
    }
    let text = match args.format {
        Form::Json => gangway::roster_table::json(&rows, today),
        Form::Csv => gangway::roster_table::csv(&rows),
    };
    match &args.output {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}
