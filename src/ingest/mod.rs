//! `gangway ingest`: a form service's export of portal submissions folded back
//! into the site's files. Each submission is read ([`read()`]), checked against
//! the planned site (its signature, customer, task or milestone, action and
//! dates), and applied in date order ([`apply`]): task actions to the customer's
//! `progress:`, ratings to `feedback/<customer>.yaml`, page votes to
//! `feedback/<section>/<article>.yaml`. Nothing here touches the file system:
//! the files come from the [`SourceTree`] the site was planned from, and the new
//! texts go back to the caller to write.

mod apply;
mod check;
mod mail;
mod read;
mod yaml_edit;

use std::collections::BTreeMap;

use jiff::civil::Date;

use crate::build::Planned;
use crate::diagnostic::Diagnostic;
use crate::privacy::PortalSecret;
use crate::source::SourceTree;

pub use read::{Submission, read};

/// What an ingest needs besides the site and the submissions.
pub struct Options<'a> {
    /// The day: no submission may be dated after it.
    pub today: Date,
    /// The field holding each submission's time, when not one of the usual names.
    pub date_field: Option<&'a str>,
}

/// What became of one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileReport {
    /// What changed: `gather-info done (2026-12-03)`.
    pub changed: Vec<String>,
    /// Submissions whose effect the file already held.
    pub already: Vec<String>,
}

/// What an ingest made: the files to write, what changed, the problems.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Path under the site root -> its new text, for every file that changes.
    pub files: BTreeMap<String, String>,
    /// The texts before, for every file in `files` (empty for a new file).
    pub before: BTreeMap<String, String>,
    /// By path: what changed and what was already recorded.
    pub reports: BTreeMap<String, FileReport>,
    /// Submissions rejected, files that could not be edited.
    pub diagnostics: Vec<Diagnostic>,
}

impl Outcome {
    /// Whether any submission was rejected.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == crate::diagnostic::Severity::Error)
    }
}

/// Checks `submissions` against the planned site and applies those that pass,
/// in date order (stable), to the files of `tree`.
pub fn ingest(
    tree: &SourceTree,
    planned: &Planned,
    submissions: &[Submission],
    secret: &PortalSecret,
    options: &Options<'_>,
) -> Outcome {
    let mut outcome = Outcome::default();
    let Some(site) = planned.site.as_ref().filter(|_| !planned.has_errors()) else {
        return outcome;
    };
    let checker = check::Checker::new(site, &planned.plans, secret, options);
    let mut effects = Vec::new();
    for s in submissions {
        match checker.check(s) {
            Ok(effect) => effects.push(effect),
            Err(d) => outcome.diagnostics.push(*d),
        }
    }
    effects.sort_by_key(|e| e.date);
    apply::apply(tree, effects, &mut outcome);
    outcome
}

/// A unified diff of `before` and `after` (one hunk from the first changed line
/// to the last, with three lines of context), for `--dry-run`.
pub fn diff(path: &str, before: &str, after: &str) -> String {
    let a: Vec<&str> = before.split_inclusive('\n').collect();
    let b: Vec<&str> = after.split_inclusive('\n').collect();
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let start = prefix.saturating_sub(3);
    let a_end = (a.len() - suffix + 3).min(a.len());
    let b_end = (b.len() - suffix + 3).min(b.len());
    let old = if before.is_empty() {
        "/dev/null".to_string()
    } else {
        format!("a/{path}")
    };
    let mut out = format!("--- {old}\n+++ b/{path}\n");
    let range = |from: usize, to: usize| {
        if to == from {
            format!("{},0", from)
        } else {
            format!("{},{}", from + 1, to - from)
        }
    };
    out.push_str(&format!(
        "@@ -{} +{} @@\n",
        range(start, a_end),
        range(start, b_end)
    ));
    let line = |mark: char, l: &str, out: &mut String| {
        out.push(mark);
        out.push_str(l.trim_end_matches(['\n', '\r']));
        out.push('\n');
    };
    for l in &a[start..prefix] {
        line(' ', l, &mut out);
    }
    for l in &a[prefix..a.len() - suffix] {
        line('-', l, &mut out);
    }
    for l in &b[prefix..b.len() - suffix] {
        line('+', l, &mut out);
    }
    for l in &a[a.len() - suffix..a_end] {
        line(' ', l, &mut out);
    }
    out
}
