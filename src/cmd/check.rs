//! `gangway check`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use gangway::report::{self, Format};

use gangway::build::WithoutPassphrase;

use super::secret::SecretUse;
use super::{compile_with, counts, report_diagnostics, say_denied, ui, unsealed_note};

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
    // An encrypted portal whose passphrase is not set here (a pull request from
    // a fork, an author's machine) is checked unencrypted: nothing is written.
    let compiled = compile_with(
        &root,
        today.as_deref(),
        (SecretUse::Ephemeral, WithoutPassphrase::ShowUnencrypted),
        Some(&|_| {}),
    )?;
    let failed = report_diagnostics(&compiled, format)?;
    let human = format == Format::Human && !ui::quiet();
    if human && !compiled.translations.languages.is_empty() {
        eprint!("{}", compiled.translations.summary());
    }
    if human && let Some(note) = unsealed_note(&compiled) {
        eprintln!("{note}");
    }
    if failed {
        say_denied(&compiled.diagnostics);
        return Ok(ExitCode::from(1));
    }
    if human {
        eprintln!(
            "checked {}: {}",
            counts(&compiled.stats),
            report::summary(0, compiled.diagnostics.len())
        );
    }
    Ok(ExitCode::SUCCESS)
}
