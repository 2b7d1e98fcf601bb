//! `gangway report`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::{plan_site, resolve_today};
use anyhow::{Context, Result};

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
    let today = resolve_today(args.today.as_deref())?;
    let Some((planned, _)) = plan_site(&args.root, today)? else {
        return Ok(ExitCode::from(1));
    };
    let rows = planned.rows(today);
    // The process ends here: freeing every plan one by one would only delay it.
    std::mem::forget(planned);
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
