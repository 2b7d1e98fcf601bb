//! `gangway search`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use gangway::SourceTree;

use super::secret::{SecretUse, portal_secret};
use super::{check_root, print_problems, resolve_today};

/// How the results are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Form {
    /// One result a paragraph: its address, title and section, the matched text
    Human,
    /// A JSON array of results: url, title, section, snippet, score
    Json,
}

/// The arguments of `gangway search`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// What a reader would type into the search box
    query: String,
    /// The language whose pages are searched (default: the site's default language)
    #[arg(long)]
    lang: Option<String>,
    /// The site's root directory
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// The day the site is built for (YYYY-MM-DD); it changes nothing that is searched
    #[arg(long)]
    today: Option<String>,
    /// How many results to print
    #[arg(long, default_value_t = 10)]
    limit: usize,
    /// How the results are printed
    #[arg(long, value_enum, default_value = "human")]
    format: Form,
}

/// Runs `gangway search`: makes the language's public index as `build` does,
/// in memory, and runs the query the search box runs, printing the pages found
/// best first (addresses relative to the site root), with the matched words in
/// `[` `]`. Exit code 0 whether or not anything is found; 1 when the site has
/// errors; 2 for an unknown language.
pub(crate) fn run(args: Args) -> Result<ExitCode> {
    check_root(&args.root)?;
    let today = resolve_today(args.today.as_deref())?;
    let (tree, read_problems) = SourceTree::read(&args.root);
    // Nothing customer-specific is searched: a throw-away secret does.
    let secret = portal_secret(&args.root, SecretUse::Ephemeral)?;
    let options = gangway::BuildOptions::new(today, secret, std::env::vars().collect());
    let searched = gangway::build::search(&tree, &options, args.lang.as_deref());
    let mut problems: Vec<_> = read_problems.iter().cloned().collect();
    problems.extend(searched.diagnostics.iter().cloned());
    // Warnings are `check`'s to report: only what stops the search is shown.
    problems.retain(|d| d.severity == gangway::diagnostic::Severity::Error);
    if print_problems(&problems)? > 0 {
        return Ok(ExitCode::from(1));
    }
    let Some(index) = searched.index else {
        anyhow::bail!(
            "the site has no language {:?}: its languages are {}",
            args.lang.unwrap_or_default(),
            searched.languages.join(", ")
        );
    };
    let (lang, found) = (index.lang.as_str(), index.query(&args.query));
    let hits = &found[..found.len().min(args.limit)];
    let mut out = std::io::stdout().lock();
    match args.format {
        Form::Json => {
            let list: Vec<serde_json::Value> = hits
                .iter()
                .map(|h| {
                    serde_json::json!({
                        "url": h.address,
                        "title": h.title,
                        "section": h.section,
                        "snippet": h.snippet,
                        "score": h.score,
                    })
                })
                .collect();
            writeln!(out, "{}", serde_json::Value::Array(list))?;
        }
        Form::Human if hits.is_empty() => {
            writeln!(out, "no {lang} page matches {:?}", args.query)?;
        }
        Form::Human => {
            for (i, h) in hits.iter().enumerate() {
                let section = if h.section.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", h.section)
                };
                writeln!(out, "{}. {}  {}{section}", i + 1, h.address, h.title)?;
                if !h.snippet.is_empty() {
                    writeln!(out, "   {}", h.snippet)?;
                }
            }
            if found.len() > hits.len() {
                writeln!(
                    out,
                    "… {} more (--limit to see them)",
                    found.len() - hits.len()
                )?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
