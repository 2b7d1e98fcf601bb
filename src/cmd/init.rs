//! `gangway init`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;

/// The arguments of `gangway init`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// Where to create it (new, empty, or a fresh clone: only .git, README, licence, .gitignore, .gitattributes, .github/)
    #[arg(default_value = ".")]
    dir: PathBuf,
}

/// Runs `gangway init`: a starter site that builds as it is.
pub(crate) fn run(args: Args) -> Result<ExitCode> {
    let dir = args.dir;
    let written = gangway::init::init(&dir)?;
    if super::ui::verbose() {
        for path in &written {
            eprintln!("  wrote {path}");
        }
    }
    super::ui::note!(
        "created a starter site in {} ({} files)",
        dir.display(),
        written.len()
    );
    super::ui::note!("next: cd {} && gangway build", dir.display());
    super::ui::note!(
        "to publish from GitHub: set GANGWAY_GIT in .github/workflows/portal.yml and the GANGWAY_PORTAL_SECRET repository secret (docs/publishing.md)"
    );
    Ok(ExitCode::SUCCESS)
}
