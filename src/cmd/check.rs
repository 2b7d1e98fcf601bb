//! `gangway check`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use gangway::report::{self, Format};

use super::secret::SecretUse;
use super::{compile_with, counts, report_diagnostics};

/// The arguments of `gangway check`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// The site's root directory
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// The day to compute overdue tasks and progress for (YYYY-MM-DD)
    #[arg(long)]
    today: Option<String>,
    /// How to print problems
    #[arg(long, default_value = "human")]
    format: Format,
}

/// Runs `gangway check`: everything is rendered, and nothing kept, so it
/// writes nothing.
pub(crate) fn run(args: Args) -> Result<ExitCode> {
    let Args {
        root,
        today,
        format,
    } = args;
    let compiled = compile_with(&root, today.as_deref(), SecretUse::Ephemeral, Some(&|_| {}))?;
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
