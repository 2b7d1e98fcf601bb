//! Applying checked submissions, in date order, to the texts of the files they
//! change; every edited file is read again by the build's YAML reader and kept
//! only if it holds what was meant.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::check::{Effect, EffectKind};
use super::yaml_edit::{push_items, quoted, set_entry};
use super::{FileReport, Outcome};
use crate::actions::Action;
use crate::diagnostic::{Code, Diagnostic, Label, SourceFile};
use crate::raw::{RawCustomer, RawCustomerFeedback, RawPageFeedback, Status};
use crate::source::SourceTree;
use crate::yaml;

/// A progress entry as the comparison needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Entry {
    status: Status,
    on: Option<String>,
    note: String,
    by: String,
    reported: bool,
}

impl Entry {
    /// The flow map written for it.
    fn flow(&self) -> String {
        let mut parts = vec![format!("status: {}", self.status.as_str())];
        if !self.note.is_empty() {
            parts.push(format!("note: {}", quoted(&self.note)));
        }
        if let Some(on) = &self.on {
            parts.push(format!("on: {on}"));
        }
        if self.reported {
            parts.push("reported: true".into());
        }
        if !self.by.is_empty() {
            parts.push(format!("by: {}", quoted(&self.by)));
        }
        format!("{{ {} }}", parts.join(", "))
    }

    /// Whether `self`, in the file, already holds what `wanted` says.
    fn holds(&self, wanted: &Entry) -> bool {
        self.status == wanted.status
            && self.on == wanted.on
            && (wanted.note.is_empty() || self.note == wanted.note)
            && (wanted.by.is_empty() || self.by == wanted.by)
    }
}

fn file_path(tree: &SourceTree, effect: &Effect<'_>) -> String {
    match &effect.kind {
        EffectKind::Progress { customer, .. } => {
            let yml = format!("customers/{customer}.yml");
            if tree.get(&yml).is_some() {
                yml
            } else {
                format!("customers/{customer}.yaml")
            }
        }
        EffectKind::Rating { customer, .. } => format!("feedback/{customer}.yaml"),
        EffectKind::Vote { page, .. } => format!("feedback/{page}.yaml"),
    }
}

/// Applies `effects` (sorted by date) to the files of `tree`.
pub(super) fn apply(tree: &SourceTree, effects: Vec<Effect<'_>>, outcome: &mut Outcome) {
    // Of several submissions about one task, the last one counts.
    let mut last: HashMap<(String, String), usize> = HashMap::new();
    for (i, e) in effects.iter().enumerate() {
        if let EffectKind::Progress { customer, task, .. } = &e.kind {
            last.insert((customer.clone(), task.clone()), i);
        }
    }
    let mut by_file: BTreeMap<String, Vec<Effect<'_>>> = BTreeMap::new();
    for (i, e) in effects.into_iter().enumerate() {
        let path = file_path(tree, &e);
        if let EffectKind::Progress { customer, task, .. } = &e.kind
            && last[&(customer.clone(), task.clone())] != i
        {
            let what = format!("{} (superseded by a later submission)", summary(&e));
            outcome.reports.entry(path).or_default().already.push(what);
            continue;
        }
        by_file.entry(path).or_default().push(e);
    }
    for (path, effects) in by_file {
        let before = tree
            .get(&path)
            .map(|b| String::from_utf8_lossy(b).into_owned());
        let mut report = outcome.reports.remove(&path).unwrap_or_default();
        let result = if path.starts_with("customers/") && before.is_none() {
            Err(edit_failed(
                &path,
                "",
                "the customer's file is not in the site".into(),
            ))
        } else if path.starts_with("customers/") {
            progress(
                &path,
                before.as_deref().unwrap_or(""),
                &effects,
                &mut report,
                &mut outcome.diagnostics,
            )
        } else {
            feedback(&path, before.as_deref(), &effects, &mut report)
        };
        match result {
            Ok(Some(text)) => {
                outcome
                    .before
                    .insert(path.clone(), before.unwrap_or_default());
                outcome.files.insert(path.clone(), text);
            }
            Ok(None) => {}
            Err(mut problems) => {
                report.changed.clear();
                outcome.diagnostics.append(&mut problems);
            }
        }
        if !report.changed.is_empty() || !report.already.is_empty() {
            outcome.reports.insert(path, report);
        }
    }
}

/// `gather-info done (2026-12-03)`.
fn summary(e: &Effect<'_>) -> String {
    let date = e.date;
    match &e.kind {
        EffectKind::Progress { task, action, .. } => format!("{task} {} ({date})", action.as_str()),
        EffectKind::Rating {
            milestone, rating, ..
        } => format!("{milestone} rated {rating} ({date})"),
        EffectKind::Vote { lang, helpful, .. } => format!(
            "{} ({lang}, {date})",
            if *helpful { "helpful" } else { "not helpful" }
        ),
    }
}

fn edit_failed(path: &str, text: &str, why: String) -> Vec<Diagnostic> {
    let file = SourceFile::new(path, text);
    vec![
        Diagnostic::error(
            Code::IngestEdit,
            format!("{path} is left as it is: {why}"),
        )
        .at(Label::new(&file, 0, 0))
        .help("apply these submissions by hand, or write the file as gangway writes it and run `gangway ingest` again"),
    ]
}

fn entries(path: &str, text: &str) -> Result<HashMap<String, Entry>, Diagnostic> {
    let file = SourceFile::new(path, text);
    let raw: RawCustomer = yaml::parse(&file, 0, text.len())?;
    Ok(raw
        .progress
        .into_iter()
        .map(|(k, p)| {
            let entry = Entry {
                status: p.status.value,
                on: p.on.map(|o| o.value),
                note: p.note.or(p.reason).unwrap_or_default(),
                by: p.by.unwrap_or_default(),
                reported: p.reported,
            };
            (k.value, entry)
        })
        .collect())
}

/// The entry a task action writes.
fn wanted(action: Action, date: jiff::civil::Date, note: &str, by: &str) -> Entry {
    let (status, note, reported) = match action {
        Action::Stuck => (Status::Blocked, note.to_string(), true),
        Action::Done => (Status::Done, String::new(), true),
        _ => (Status::Done, String::new(), false),
    };
    Entry {
        status,
        on: Some(date.to_string()),
        note,
        by: by.to_string(),
        reported,
    }
}

/// The customer file with the effects' progress entries set, `None` when it
/// already holds them all.
fn progress(
    path: &str,
    before: &str,
    effects: &[Effect<'_>],
    report: &mut FileReport,
    problems: &mut Vec<Diagnostic>,
) -> Result<Option<String>, Vec<Diagnostic>> {
    let mut current = entries(path, before).map_err(|d| vec![d])?;
    let mut text = before.to_string();
    let mut set: Vec<(String, Entry)> = Vec::new();
    for e in effects {
        let EffectKind::Progress {
            task,
            action,
            note,
            by,
            ..
        } = &e.kind
        else {
            continue;
        };
        let want = wanted(*action, e.date, note, by);
        let what = summary(e);
        if let Some(have) = current.get(task.as_str()) {
            if have.holds(&want) {
                report.already.push(what);
                continue;
            }
            let vendor_closed =
                matches!(have.status, Status::Done | Status::Skipped) && !have.reported;
            if vendor_closed && have.status == Status::Done && *action != Action::Stuck {
                report.already.push(format!("{what} (already done)"));
                continue;
            }
            if vendor_closed {
                problems.push(
                    Diagnostic::error(
                        Code::SubmissionStale,
                        format!(
                            "{}: task `{task}` is {} in {path}, as the vendor wrote it; the client's `{}` is not applied",
                            e.submission.name(),
                            have.status.as_str(),
                            action.as_str()
                        ),
                    )
                    .at(e.submission.label())
                    .help("the vendor's entry wins; if the client is right, edit the entry by hand"),
                );
                continue;
            }
            if have.reported && have.on.as_deref() > want.on.as_deref() {
                report
                    .already
                    .push(format!("{what} (superseded by a later one)"));
                continue;
            }
        }
        text = set_entry(&text, "progress", task, &want.flow())
            .map_err(|why| edit_failed(path, before, why))?;
        report.changed.push(what);
        current.insert(task.clone(), want.clone());
        set.push((task.clone(), want));
    }
    if set.is_empty() {
        return Ok(None);
    }
    // The build's reader must read back exactly what was meant.
    let after = entries(path, &text).map_err(|d| {
        edit_failed(
            path,
            before,
            format!("the edited file does not read back ({})", d.message),
        )
    })?;
    for (task, want) in &set {
        let got = after.get(task.as_str());
        if got != current.get(task.as_str()) || got.is_none_or(|g| !g.holds(want)) {
            return Err(edit_failed(
                path,
                before,
                format!("the edited file does not hold `{task}` as meant"),
            ));
        }
    }
    Ok(Some(text))
}

/// A feedback record, as compared for replays: a vote's every field, `at`
/// too (two readers may vote alike on one day); a rating's every field but
/// `at`, so the same rating sent twice (a form posted again after its in-place
/// answer was refused, a replay with a new time stamp) is recorded once.
type Record = Vec<String>;

fn records(path: &str, text: &str) -> Result<HashSet<Record>, Diagnostic> {
    let file = SourceFile::new(path, text);
    if path.matches('/').count() == 1 {
        let raw: RawCustomerFeedback = yaml::parse(&file, 0, text.len())?;
        Ok(raw
            .ratings
            .into_iter()
            .map(|r| {
                vec![
                    r.milestone.value,
                    r.rating.value.to_string(),
                    r.on.value,
                    r.comment.unwrap_or_default(),
                    r.by.unwrap_or_default(),
                ]
            })
            .collect())
    } else {
        let raw: RawPageFeedback = yaml::parse(&file, 0, text.len())?;
        Ok(raw
            .votes
            .into_iter()
            .map(|v| {
                vec![
                    v.lang.value,
                    v.helpful.to_string(),
                    v.on.value,
                    v.at.unwrap_or_default(),
                ]
            })
            .collect())
    }
}

/// The record of a rating or vote and its flow map.
fn record(e: &Effect<'_>) -> (Record, String) {
    let on = e.date.to_string();
    match &e.kind {
        EffectKind::Rating {
            milestone,
            rating,
            comment,
            by,
            at,
            ..
        } => {
            let mut flow = format!("{{ milestone: {milestone}, rating: {rating}, on: {on}");
            if !comment.is_empty() {
                flow.push_str(&format!(", comment: {}", quoted(comment)));
            }
            if !by.is_empty() {
                flow.push_str(&format!(", by: {}", quoted(by)));
            }
            flow.push_str(&format!(", at: {} }}", quoted(at)));
            let rec = vec![
                milestone.clone(),
                rating.to_string(),
                on,
                comment.clone(),
                by.clone(),
            ];
            (rec, flow)
        }
        EffectKind::Vote {
            lang, helpful, at, ..
        } => {
            let flow = format!(
                "{{ lang: {lang}, helpful: {helpful}, on: {on}, at: {} }}",
                quoted(at)
            );
            (
                vec![lang.clone(), helpful.to_string(), on, at.clone()],
                flow,
            )
        }
        EffectKind::Progress { .. } => (Vec::new(), String::new()),
    }
}

/// The feedback file with the effects' records appended, `None` when it holds them all.
fn feedback(
    path: &str,
    before: Option<&str>,
    effects: &[Effect<'_>],
    report: &mut FileReport,
) -> Result<Option<String>, Vec<Diagnostic>> {
    let text = before.unwrap_or("");
    let mut seen = records(path, text).map_err(|d| vec![d])?;
    let mut items = Vec::new();
    for e in effects {
        let (rec, flow) = record(e);
        if seen.insert(rec) {
            items.push(flow);
            report.changed.push(summary(e));
        } else {
            report.already.push(summary(e));
        }
    }
    if items.is_empty() {
        return Ok(None);
    }
    let (key, header) = if path.matches('/').count() == 1 {
        (
            "ratings",
            "# Milestone ratings from the portal, written by `gangway ingest`.\n",
        )
    } else {
        (
            "votes",
            "# \"Was this page helpful?\" votes, written by `gangway ingest`.\n",
        )
    };
    let new = push_items(text, key, &items, header).map_err(|why| edit_failed(path, text, why))?;
    match records(path, &new) {
        Ok(after) if after == seen => Ok(Some(new)),
        Ok(_) => Err(edit_failed(
            path,
            text,
            "the edited file does not hold the new records as meant".into(),
        )),
        Err(d) => Err(edit_failed(
            path,
            text,
            format!("the edited file does not read back ({})", d.message),
        )),
    }
}
