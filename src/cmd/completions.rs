//! `gangway completions`: a shell's completion script, made by clap_complete
//! from the same definitions as `--help`, so it never falls behind.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use clap_complete::Shell;

/// Where each shell looks for the script (the after-help of the command).
pub(crate) const HOW: &str = "\
Install:
  bash  gangway completions bash > ~/.local/share/bash-completion/completions/gangway
  zsh   gangway completions zsh > ~/.zfunc/_gangway   (with fpath+=(~/.zfunc) before compinit)
  fish  gangway completions fish > ~/.config/fish/completions/gangway.fish";

/// The arguments of `gangway completions`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// The shell to complete for
    #[arg(value_parser = ["bash", "zsh", "fish"])]
    shell: String,
}

/// Prints the completion script of `command` (the whole `gangway` command line).
pub(crate) fn run(args: &Args, command: &mut clap::Command) -> Result<ExitCode> {
    let shell = match args.shell.as_str() {
        "bash" => Shell::Bash,
        "zsh" => Shell::Zsh,
        _ => Shell::Fish,
    };
    // Made in memory: clap_complete panics on a write error (a closed pipe).
    let mut script = Vec::new();
    clap_complete::generate(shell, command, "gangway", &mut script);
    std::io::stdout().lock().write_all(&script)?;
    Ok(ExitCode::SUCCESS)
}
