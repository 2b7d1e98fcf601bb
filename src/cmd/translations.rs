//! `gangway translations`: `status` (where every language stands, and what
//! changed in each original since an outdated translation was made), `stamp`
//! (record the original's current hash in translations) and `accept` (an edit
//! of an original that needs no re-translation).

mod history;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Result, bail};
use gangway::SourceTree;
use gangway::translations::diff::{Change, changes};
use gangway::translations::stamp::stamp;
use gangway::translations::{Entry, Inventory, Original};

use history::History;

/// The arguments of `gangway translations`.
#[derive(clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: Sub,
}

#[derive(clap::Subcommand)]
enum Sub {
    /// Report every language: up to date, outdated (with what changed in the
    /// original since), without a hash, missing
    Status(StatusArgs),
    /// Record the original's current hash (`translation_of:`) in the named
    /// translations, or in every translation that has none
    Stamp(StampArgs),
    /// Mark the last edit of originals as needing no re-translation: their
    /// translations made from the version before it get the current hash
    Accept(AcceptArgs),
}

/// The form of the status report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Form {
    /// For people
    Text,
    /// One JSON document, for CI and dashboards
    Json,
}

#[derive(clap::Args)]
struct StatusArgs {
    /// The report's form
    #[arg(long, value_enum, default_value = "text")]
    format: Form,
    /// Only these languages (repeat for more)
    #[arg(long = "lang", value_name = "LANG")]
    langs: Vec<String>,
    /// Exit with 1 when a translation is outdated, has no hash or cannot be read
    /// (missing translations do not count)
    #[arg(long)]
    strict: bool,
    /// The site's root directory
    #[arg(long, default_value = ".")]
    root: PathBuf,
}

#[derive(clap::Args)]
struct StampArgs {
    /// Translation files to stamp, whatever hash they record (say so once a
    /// translation matches its original); without any, every translation that
    /// records no hash
    paths: Vec<PathBuf>,
    /// Also re-stamp every outdated translation (when the translations were
    /// brought up to date without stamping them)
    #[arg(long, conflicts_with = "paths")]
    outdated: bool,
    /// Only translations into these languages (repeat for more), when no path is named
    #[arg(long = "lang", value_name = "LANG", conflicts_with = "paths")]
    langs: Vec<String>,
    /// Print what would change, changing nothing
    #[arg(long)]
    dry_run: bool,
    /// The site's root directory
    #[arg(long, default_value = ".")]
    root: PathBuf,
}

#[derive(clap::Args)]
struct AcceptArgs {
    /// Originals whose last edit needs no re-translation (a typo fixed, a link changed)
    #[arg(required = true)]
    originals: Vec<PathBuf>,
    /// Re-stamp every translation of them, whatever version it was made from
    /// (when git history cannot tell which were up to date before the edit)
    #[arg(long)]
    all: bool,
    /// Print what would change, changing nothing
    #[arg(long)]
    dry_run: bool,
    /// The site's root directory
    #[arg(long, default_value = ".")]
    root: PathBuf,
}

/// Runs `gangway translations`.
pub(crate) fn run(args: Args) -> Result<ExitCode> {
    match args.command {
        Sub::Status(a) => status(&a),
        Sub::Stamp(a) => stamp_command(&a),
        Sub::Accept(a) => accept(&a),
    }
}

/// Reads the site's originals and translations; `None` (problems printed) when
/// its settings cannot be read.
fn inventory(root: &Path) -> Result<Option<(SourceTree, Inventory)>> {
    super::check_root(root)?;
    let (tree, _) = SourceTree::read(root);
    match gangway::translations::read(&tree) {
        Ok(inventory) => Ok(Some((tree, inventory))),
        Err(problems) => {
            super::print_problems(&problems)?;
            Ok(None)
        }
    }
}

/// `PATH` as a path under the site's root, with `/` separators.
fn site_path(root: &Path, path: &Path) -> String {
    let relative = std::path::absolute(path)
        .ok()
        .zip(std::path::absolute(root).ok())
        .and_then(|(p, r)| p.strip_prefix(r).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    let text = relative.to_string_lossy().replace('\\', "/");
    text.trim_start_matches("./").to_string()
}

fn unknown_langs(inventory: &Inventory, langs: &[String]) -> Result<()> {
    for l in langs {
        if !inventory.languages.contains(l) {
            bail!(
                "--lang {l}: not one of the site's translated languages ({})",
                inventory.languages.join(", ")
            );
        }
    }
    Ok(())
}

/// One translation to stamp: its path, its original, and whether it was named.
struct Target<'a> {
    path: String,
    original: &'a Original,
    named: bool,
}

/// `gangway translations stamp`.
fn stamp_command(args: &StampArgs) -> Result<ExitCode> {
    let Some((tree, inventory)) = inventory(&args.root)? else {
        return Ok(ExitCode::from(1));
    };
    unknown_langs(&inventory, &args.langs)?;
    let mut targets = Vec::new();
    for path in &args.paths {
        let rel = site_path(&args.root, path);
        match inventory.translation(&rel) {
            Some((original, _)) => targets.push(Target {
                path: rel,
                original,
                named: true,
            }),
            None => bail!("{}", not_a_translation(&inventory, &rel)),
        }
    }
    let mut outdated_left = 0;
    if args.paths.is_empty() {
        for status in inventory.status() {
            if !args.langs.is_empty() && !args.langs.contains(&status.lang) {
                continue;
            }
            let mut wanted: Vec<&Entry> = status.missing_hash.iter().collect();
            if args.outdated {
                wanted.extend(&status.outdated);
            } else {
                outdated_left += status.outdated.len();
            }
            for e in wanted {
                let original = inventory.translation(&e.path).map(|(o, _)| o);
                targets.extend(original.map(|original| Target {
                    path: e.path.clone(),
                    original,
                    named: false,
                }));
            }
        }
        targets.sort_by(|a, b| a.path.cmp(&b.path));
    }
    let (changed, failed) = stamp_all(&args.root, &tree, &targets, args.dry_run)?;
    let verb = if args.dry_run {
        "would stamp"
    } else {
        "stamped"
    };
    eprintln!("{verb} {changed} of {}", translations(targets.len()));
    if outdated_left > 0 {
        eprintln!(
            "{} left as they are: once updated, name them (`gangway translations stamp PATH`); `gangway translations status` shows what changed",
            translations(outdated_left).replace(' ', " outdated ")
        );
    }
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// "1 translation", "2 translations".
fn translations(n: usize) -> String {
    format!("{n} translation{}", if n == 1 { "" } else { "s" })
}

/// Why `path` cannot be stamped.
fn not_a_translation(inventory: &Inventory, path: &str) -> String {
    if inventory.original(path).is_some() {
        return format!(
            "{path} is an original, not a translation: name its translations, or mark its last edit as needing no re-translation with `gangway translations accept {path}`"
        );
    }
    if let Some(u) = inventory.unreadable.iter().find(|u| u.path == path) {
        return format!("{path} cannot be read: {}", u.problem);
    }
    if inventory.orphans.iter().any(|(_, p)| p == path) {
        return format!("{path} translates an original that does not exist");
    }
    format!("{path} is not a translation of this site's pages or playbooks")
}

/// Stamps `targets`, printing each change; returns how many changed and how many failed.
fn stamp_all(
    root: &Path,
    tree: &SourceTree,
    targets: &[Target<'_>],
    dry_run: bool,
) -> Result<(usize, usize)> {
    let mut out = std::io::stdout().lock();
    let (mut changed, mut failed) = (0, 0);
    for t in targets {
        let Some(hash) = &t.original.hash else {
            eprintln!(
                "error: {}: its original {} cannot be read (`gangway check` says why)",
                t.path, t.original.path
            );
            failed += 1;
            continue;
        };
        let bytes = tree.get(&t.path).unwrap_or_default();
        match stamp(&t.path, &t.original.kind, bytes, hash) {
            Ok(Some(stamped)) => {
                if !dry_run {
                    super::replace_file(&root.join(&t.path), &stamped.bytes, false)?;
                }
                let before = stamped.before.as_deref().unwrap_or("no hash");
                let verb = if dry_run { "would stamp" } else { "stamped" };
                writeln!(out, "{verb} {}: {before} -> {hash}", t.path)?;
                changed += 1;
            }
            Ok(None) => {
                if t.named {
                    writeln!(out, "{} records {hash} already", t.path)?;
                }
            }
            Err(problem) => {
                eprintln!("error: {problem}");
                failed += 1;
            }
        }
    }
    Ok((changed, failed))
}

/// `gangway translations accept`.
fn accept(args: &AcceptArgs) -> Result<ExitCode> {
    let Some((tree, inventory)) = inventory(&args.root)? else {
        return Ok(ExitCode::from(1));
    };
    let mut history = History::new(&args.root);
    let mut targets = Vec::new();
    for path in &args.originals {
        let rel = site_path(&args.root, path);
        let Some(original) = inventory.original(&rel) else {
            if inventory.translation(&rel).is_some() {
                bail!(
                    "{rel} is a translation: name originals (`gangway translations stamp {rel}` records the current hash in a translation)"
                );
            }
            bail!("{rel} is not an original page or playbook of this site");
        };
        let Some(current) = &original.hash else {
            bail!("{rel} cannot be read (`gangway check` says why)");
        };
        let previous = if args.all {
            None
        } else {
            let found = history.find(&inventory, original, |h| h != current);
            match found {
                Ok(Some(v)) => v.hash.clone(),
                Ok(None) => bail!(
                    "{rel}: git history has no earlier version of it with other text, so which translations were up to date before the edit is unknown; `--all` re-stamps every translation of it"
                ),
                Err(why) => bail!(
                    "{rel}: {why}, so which translations were up to date before the edit is unknown; `--all` re-stamps every translation of it"
                ),
            }
        };
        for t in original.translations.values() {
            let made_from_previous = previous.is_none() || t.recorded == previous;
            if made_from_previous && t.recorded.as_ref() != Some(current) {
                targets.push(Target {
                    path: t.path.clone(),
                    original,
                    named: false,
                });
            } else if t.recorded.as_ref() != Some(current) {
                eprintln!(
                    "{} stays outdated: it was made from an older version than the one before the edit",
                    t.path
                );
            }
        }
    }
    let (changed, failed) = stamp_all(&args.root, &tree, &targets, args.dry_run)?;
    let verb = if args.dry_run {
        "would stamp"
    } else {
        "stamped"
    };
    eprintln!("{verb} {}", translations(changed));
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// What changed in an original since the version a translation records.
struct Since {
    /// The commit that left the original as the translation knew it: (id, day, subject).
    commit: Option<(String, String, String)>,
    changes: Vec<Change>,
    /// Said when the old text was not found, or nothing but spacing changed.
    note: Option<String>,
}

fn since(history: &mut History, inventory: &Inventory, entry: &Entry) -> Since {
    let Some(original) = inventory
        .originals
        .iter()
        .find(|o| o.path == entry.original)
    else {
        return Since {
            commit: None,
            changes: Vec::new(),
            note: None,
        };
    };
    let recorded = entry.recorded.clone().unwrap_or_default();
    let none = |note: String| Since {
        commit: None,
        changes: Vec::new(),
        note: Some(note),
    };
    match history.find(inventory, original, |h| h == recorded) {
        Ok(Some(v)) => {
            let found = changes(&v.parts, &original.parts);
            let note = found
                .is_empty()
                .then(|| "only spacing or line breaks changed".to_string());
            Since {
                commit: Some((v.commit.clone(), v.date.clone(), v.subject.clone())),
                changes: found,
                note,
            }
        }
        Ok(None) => none(format!(
            "original changed; old text not found in git history (no version of {} has hash {recorded})",
            original.path
        )),
        Err(why) => none(format!(
            "original changed; old text not found in git history ({why})"
        )),
    }
}

/// `gangway translations status`.
fn status(args: &StatusArgs) -> Result<ExitCode> {
    let Some((_, inventory)) = inventory(&args.root)? else {
        return Ok(ExitCode::from(1));
    };
    unknown_langs(&inventory, &args.langs)?;
    let mut history = History::new(&args.root);
    let statuses: Vec<_> = (inventory.status().into_iter())
        .filter(|s| args.langs.is_empty() || args.langs.contains(&s.lang))
        .collect();
    let mut report = Vec::new();
    for s in &statuses {
        let outdated: Vec<(&Entry, Since)> = (s.outdated.iter())
            .map(|e| (e, since(&mut history, &inventory, e)))
            .collect();
        report.push((s, outdated));
    }
    let text = match args.format {
        Form::Text => status_text(&inventory, &report),
        Form::Json => status_json(&inventory, &report)?,
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    let unsettled = statuses
        .iter()
        .any(|s| !s.outdated.is_empty() || !s.missing_hash.is_empty() || !s.unreadable.is_empty());
    Ok(if args.strict && unsettled {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

type Report<'a> = [(
    &'a gangway::translations::LanguageStatus,
    Vec<(&'a Entry, Since)>,
)];

/// A paragraph under a `-` or `+`, its further lines indented to match.
fn quoted(out: &mut String, mark: char, paragraph: &str) {
    for (i, line) in paragraph.lines().enumerate() {
        let lead = if i == 0 { mark } else { ' ' };
        out.push_str(&format!("        {lead} {line}\n"));
    }
}

fn status_text(inventory: &Inventory, report: &Report<'_>) -> String {
    let mut out = String::new();
    for (s, outdated) in report {
        let translated = s.up_to_date.len() + s.outdated.len() + s.missing_hash.len();
        let total = translated + s.missing.len() + s.unreadable.len();
        out.push_str(&format!(
            "{}: {translated} of {total} translated: {} up to date, {} outdated, {} without a hash, {} missing\n",
            s.lang,
            s.up_to_date.len(),
            s.outdated.len(),
            s.missing_hash.len(),
            s.missing.len()
        ));
        for (e, since) in outdated {
            out.push_str(&format!("  outdated     {}\n", e.path));
            match &since.commit {
                Some((commit, date, subject)) => out.push_str(&format!(
                    "    {} changed since its version of commit {} ({date}, \"{subject}\"):\n",
                    e.original,
                    &commit[..commit.len().min(10)]
                )),
                None => out.push_str(&format!("    {} changed\n", e.original)),
            }
            for c in &since.changes {
                out.push_str(&format!("      {}, paragraph {}:\n", c.part, c.paragraph));
                c.removed.iter().for_each(|p| quoted(&mut out, '-', p));
                c.added.iter().for_each(|p| quoted(&mut out, '+', p));
            }
            if let Some(note) = &since.note {
                out.push_str(&format!("    {note}\n"));
            }
        }
        for e in &s.missing_hash {
            out.push_str(&format!("  no hash      {}\n", e.path));
        }
        for p in &s.unreadable {
            out.push_str(&format!("  unreadable   {p}\n"));
        }
        for p in &s.missing {
            out.push_str(&format!("  missing      {p}\n"));
        }
    }
    for (lang, path) in &inventory.orphans {
        out.push_str(&format!(
            "{path}: a {lang} translation of an original that does not exist\n"
        ));
    }
    for u in &inventory.unreadable {
        out.push_str(&format!("{}: cannot be read: {}\n", u.path, u.problem));
    }
    if report.iter().any(|(s, _)| !s.missing_hash.is_empty()) {
        out.push_str("record the hash in translations without one: gangway translations stamp\n");
    }
    out
}

fn status_json(inventory: &Inventory, report: &Report<'_>) -> Result<String> {
    let mut languages = Vec::new();
    for (s, outdated) in report {
        let mut value = serde_json::to_value(s)?;
        let detailed: Vec<serde_json::Value> = outdated
            .iter()
            .map(|(e, since)| {
                serde_json::json!({
                    "path": e.path,
                    "original": e.original,
                    "recorded": e.recorded,
                    "current": e.current,
                    "since": since.commit.as_ref().map(|(commit, date, subject)| serde_json::json!({
                        "commit": commit, "date": date, "subject": subject,
                    })),
                    "changes": since.commit.as_ref().map(|_| &since.changes),
                    "note": since.note,
                })
            })
            .collect();
        value["outdated"] = serde_json::Value::Array(detailed);
        languages.push(value);
    }
    let orphans: Vec<serde_json::Value> = (inventory.orphans.iter())
        .map(|(lang, path)| serde_json::json!({ "lang": lang, "path": path }))
        .collect();
    let doc = serde_json::json!({
        "format_version": gangway::report::JSON_FORMAT_VERSION,
        "default_language": inventory.default_language,
        "languages": languages,
        "orphans": orphans,
        "unreadable": inventory.unreadable,
    });
    let mut text = serde_json::to_string_pretty(&doc)?;
    text.push('\n');
    Ok(text)
}
