//! `gangway schema`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};

/// The arguments of `gangway schema`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// The site's root directory (the schemas go to its .gangway/schema/ unless --out says)
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Write the schemas into this directory instead (created when missing; any folder)
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

/// Runs `gangway schema`: writes the JSON Schema of every kind of input file and
/// prints the path of each file written.
pub(crate) fn run(args: Args) -> Result<ExitCode> {
    let dir = match args.out {
        Some(out) => out,
        None => {
            super::check_root(&args.root)?;
            args.root.join(gangway::schema::SCHEMA_DIR)
        }
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut written = Vec::new();
    for file in gangway::schema::schemas() {
        let path = dir.join(file.name);
        std::fs::write(&path, file.text())
            .with_context(|| format!("cannot write {}", path.display()))?;
        println!("{}", path.display());
        written.push(path);
    }
    eprintln!(
        "wrote {} JSON Schema files (draft-07) into {}",
        written.len(),
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}
