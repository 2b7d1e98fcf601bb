//! The `gangway` command line: parses the arguments and runs the command (one
//! module per command in `cmd/`), mapping the outcome to an exit code.

mod cmd;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

const EXIT_CODES: &str = "\
Exit codes:
  0  success (warnings allowed)
  1  the site has errors, or warnings with --deny-warnings (nothing was written)
  2  usage or I/O problems";

/// Compiles onboarding playbooks and a knowledge base into a static client portal.
#[derive(Parser)]
#[command(name = "gangway", version, after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    global: cmd::ui::GlobalArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output directory (atomically: a failed build keeps the old output)
    #[command(after_help = EXIT_CODES)]
    Build(cmd::build::Args),
    /// Check the site as a build would (rendering every page), writing nothing
    #[command(after_help = EXIT_CODES)]
    Check(cmd::check::Args),
    /// Print every customer's portal address (keep them private: send each to its customer)
    #[command(after_help = EXIT_CODES)]
    Links(cmd::links::Args),
    /// Give a customer a new portal address; the old one stops working at the next publish
    #[command(after_help = EXIT_CODES)]
    Rotate(cmd::rotate::Args),
    /// Print every customer's figures (progress, overdue, forecast, risk) as JSON or CSV, for spreadsheets and CI
    #[command(after_help = EXIT_CODES)]
    Report(cmd::report::Args),
    /// Print (or write, one file per person) what each person should hear today:
    /// tasks blocked, overdue, ready to start, due soon or expected late
    #[command(after_help = EXIT_CODES)]
    Digest(cmd::digest::Args),
    /// Fold the portal's submissions (a form service's JSON or CSV export) into the
    /// customer and feedback files: task actions, ratings, page votes
    #[command(after_help = EXIT_CODES)]
    Ingest(cmd::ingest::Args),
    /// Search the public pages of one language as the search box does, printing the
    /// pages found best first with the matched words
    #[command(after_help = EXIT_CODES)]
    Search(cmd::search::Args),
    /// Create a small starter site that builds as it is
    #[command(after_help = EXIT_CODES)]
    Init(cmd::init::Args),
    /// Build the site in memory, serve it with live reload, and rebuild on every change
    #[command(after_help = EXIT_CODES)]
    Serve(cmd::serve::Args),
    /// Where each language's translations stand, and recording the original's
    /// hash in them (`status`, `stamp`, `accept`)
    #[command(after_help = EXIT_CODES)]
    Translations(cmd::translations::Args),
    /// Write the JSON Schema of gangway.toml, playbooks, translations, customers and
    /// front matter (for editors' completion and inline errors)
    #[command(after_help = EXIT_CODES)]
    Schema(cmd::schema::Args),
    /// Print a shell completion script (bash, zsh or fish) to standard output
    #[command(after_help = cmd::completions::HOW)]
    Completions(cmd::completions::Args),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    cmd::ui::set(cli.global);
    let result = match cli.command {
        Command::Build(args) => cmd::build::run(args),
        Command::Check(args) => cmd::check::run(args),
        Command::Links(args) => cmd::links::run(args),
        Command::Rotate(args) => cmd::rotate::run(args),
        Command::Report(args) => cmd::report::run(args),
        Command::Digest(args) => cmd::digest::run(args),
        Command::Ingest(args) => cmd::ingest::run(args),
        Command::Search(args) => cmd::search::run(args),
        Command::Init(args) => cmd::init::run(args),
        Command::Serve(args) => cmd::serve::run(args),
        Command::Translations(args) => cmd::translations::run(args),
        Command::Schema(args) => cmd::schema::run(args),
        Command::Completions(args) => cmd::completions::run(&args, &mut Cli::command()),
    };
    match result {
        Ok(code) => code,
        // The reader stopped reading (`gangway … | head`): nothing to report.
        Err(err) if closed_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// Whether `err` comes from writing to a pipe whose reader has gone.
fn closed_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// mimalloc instead of the system allocator: 13% less CPU for a large build (the
/// portals make and free many small template values on every thread).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
