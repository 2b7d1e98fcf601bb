//! `gangway digest`: what each person should hear today, printed or written
//! as one file per person (`--out`), e-mail files included, for CI to send.
//! gangway sends nothing.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::{plan_site, print_problems, resolve_today};
use anyhow::{Context, Result, bail};
use gangway::digest::{self, Digest, Refused, Request};

/// How the digests are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum DigestFormat {
    /// Markdown: one document per person, printed one after the other
    Md,
    /// HTML pages (values from customer files escaped)
    Html,
    /// One JSON document with every digest
    Json,
    /// One RFC 5322 e-mail file per person (needs --out)
    Eml,
}

/// The arguments of `gangway digest`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// The site's root directory
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// The day the digest is for (YYYY-MM-DD)
    #[arg(long)]
    today: Option<String>,
    /// Only this customer's people (by customer id)
    #[arg(long)]
    customer: Option<String>,
    /// Only this person: a role id (`csm`) or an e-mail address
    #[arg(long, value_name = "ROLE-OR-EMAIL")]
    owner: Option<String>,
    /// How to write the digests
    #[arg(long, default_value = "md")]
    format: DigestFormat,
    /// Tasks due within this many working days are "due soon" (default: `[digest]
    /// within_days`, else 3)
    #[arg(long, value_name = "N")]
    within: Option<u32>,
    /// Tasks whose last dependency was done on or after this day are "ready to
    /// start", and the customer's owner hears what the client reported and
    /// rated from this day to --today (default: the working day before --today)
    #[arg(long, value_name = "YYYY-MM-DD")]
    since: Option<String>,
    /// Write one file per person into this folder (created if missing) instead of printing
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

/// Runs `gangway digest`.
pub(crate) fn run(args: Args) -> Result<ExitCode> {
    if args.format == DigestFormat::Eml && args.out.is_none() {
        bail!("--format eml writes one file per person: say where with --out DIR");
    }
    let today = resolve_today(args.today.as_deref())?;
    let since = match &args.since {
        Some(text) => Some(
            text.parse()
                .with_context(|| format!("--since {text}: expected a date as YYYY-MM-DD"))?,
        ),
        None => None,
    };
    let Some((planned, options)) = plan_site(&args.root, today)? else {
        return Ok(ExitCode::from(1));
    };
    let request = Request {
        customer: args.customer.clone(),
        owner: args.owner.clone(),
        within_days: args.within,
        since,
    };
    let digest = match digest::digest(&planned, &options, &request) {
        Ok(d) => d,
        Err(Refused::SiteHasErrors) => return Ok(ExitCode::from(1)),
        Err(refused) => bail!("{refused}"),
    };
    print_problems(&digest.warnings)?;
    if super::ui::fails(0, digest.warnings.len()) {
        super::say_denied(&digest.warnings);
        return Ok(ExitCode::from(1));
    }
    write_out(&digest, &args)?;
    // The process ends here: freeing every plan one by one would only delay it.
    std::mem::forget(planned);
    if super::ui::quiet() {
        return Ok(ExitCode::SUCCESS);
    }
    let mut err = std::io::stderr().lock();
    match digest.messages.len() {
        0 => writeln!(err, "nothing to report on {today}: no digest made")?,
        n => writeln!(
            err,
            "{n} digest{} for {today}; nothing to report for {} more",
            if n == 1 { "" } else { "s" },
            digest.quiet.len()
        )?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints the digests, or writes them into `--out`.
fn write_out(d: &Digest, args: &Args) -> Result<()> {
    let files: Vec<(String, String)> = match args.format {
        DigestFormat::Json => {
            let mut text = serde_json::to_string_pretty(&digest::json(d))?;
            text.push('\n');
            vec![("digest.json".to_string(), text)]
        }
        DigestFormat::Md => each(d, "md", digest::markdown),
        DigestFormat::Html => each(d, "html", digest::html),
        DigestFormat::Eml => {
            let Some(from) = &d.from else {
                bail!(
                    "e-mail files need a sender: set `[digest] from = \"Name <address>\"` (or `[vendor] support_email`) in gangway.toml"
                );
            };
            each(d, "eml", |m| digest::eml(m, from, d.today))
        }
    };
    match &args.out {
        Some(dir) => write_files(dir, &files),
        None => {
            let mut out = std::io::stdout().lock();
            for (i, (_, text)) in files.iter().enumerate() {
                if i > 0 && args.format == DigestFormat::Md {
                    out.write_all(b"\n---\n\n")?;
                }
                out.write_all(text.as_bytes())?;
            }
            Ok(())
        }
    }
}

/// One file per message: (file name, text).
fn each(
    d: &Digest,
    extension: &str,
    write: impl Fn(&digest::Message) -> String,
) -> Vec<(String, String)> {
    d.messages
        .iter()
        .map(|m| (format!("{}.{extension}", m.recipient.file_stem), write(m)))
        .collect()
}

/// Writes the files into `dir`, several at a time: thousands of small files
/// wait on the file system more than on the processor.
fn write_files(dir: &Path, files: &[(String, String)]) -> Result<()> {
    use rayon::prelude::*;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    files
        .par_iter()
        .with_max_len(64)
        .try_for_each(|(name, text)| {
            let path = dir.join(name);
            std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
        })
}
