//! `gangway links`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use gangway::build::WithoutPassphrase;
use gangway::report::Format;

use super::secret::SecretUse;
use super::{compile_with, report_diagnostics, site_base_url};

/// The arguments of `gangway links`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// The site's root directory
    #[arg(long, default_value = ".")]
    root: PathBuf,
}

/// Runs `gangway links`: every portal's address, one per line, then the
/// dashboard's (`dashboard<TAB>URL`), on standard output (never a throw-away
/// secret's addresses).
pub(crate) fn run(args: Args) -> Result<ExitCode> {
    let root = args.root;
    let compiled = compile_with(
        &root,
        None,
        (SecretUse::Require, WithoutPassphrase::ShowUnencrypted),
        Some(&|_| {}),
    )?;
    if report_diagnostics(&compiled, Format::Human)? {
        super::say_denied(&compiled.diagnostics);
        return Ok(ExitCode::from(1));
    }
    let base = site_base_url(&root)?;
    let mut out = std::io::stdout().lock();
    for p in &compiled.portals {
        let lock = if p.encrypted || p.unsealed.is_some() {
            "  (encrypted)"
        } else {
            ""
        };
        writeln!(out, "{}\t{}/{}\t{}{lock}", p.customer, base, p.path, p.name)?;
    }
    // After the customers. A customer whose file is `customers/dashboard.yaml`
    // also has `dashboard` first, but its line has three columns, this one two.
    if let Some(d) = &compiled.dashboard {
        let lock = if d.encrypted { "  (encrypted)" } else { "" };
        writeln!(out, "dashboard\t{}/{}{lock}", base, d.path)?;
    }
    Ok(ExitCode::SUCCESS)
}
