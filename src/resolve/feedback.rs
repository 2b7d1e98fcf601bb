//! `feedback/`: what clients said, as `gangway ingest` recorded it. A
//! customer's milestone ratings are in `feedback/<customer>.yaml`, the votes on
//! a public article in `feedback/<section>/<article>.yaml` (the article's id).
//! Records are untrusted text. One that names a customer, milestone or page the
//! site no longer has is kept in the file and left out of the model, with a
//! warning; a malformed one is an error like any malformed file.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::calendar::parse_date;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Label, SourceFile};
use crate::lang::Lang;
use crate::model::{ContentIndex, Customer, Feedback, Playbook, Rating, Vote};
use crate::raw::{RawCustomerFeedback, RawPageFeedback};
use crate::source::SourceTree;
use crate::yaml::{self, Spanned};

/// The folder feedback records live in.
pub(crate) const FEEDBACK_DIR: &str = "feedback/";

/// Every record under `feedback/`, checked against the customers, their
/// playbooks' milestones and the knowledge base.
pub(crate) fn resolve_feedback(
    tree: &SourceTree,
    customers: &[Customer],
    playbooks: &std::collections::BTreeMap<String, Playbook>,
    content: &ContentIndex,
    languages: &[Lang],
    diagnostics: &mut Diagnostics,
) -> Feedback {
    let mut feedback = Feedback::default();
    for (path, bytes) in tree.under(FEEDBACK_DIR) {
        let name = &path[FEEDBACK_DIR.len()..];
        let Some(stem) = name.strip_suffix(".yaml") else {
            diagnostics.push(super::ignored(
                path,
                "feedback records are `.yaml` files written by `gangway ingest`",
            ));
            continue;
        };
        let Some(file) = super::text_file(path, bytes, diagnostics) else {
            continue;
        };
        if stem.contains('/') {
            if let Some(votes) = page_votes(&file, stem, content, languages, diagnostics) {
                feedback.votes.insert(stem.to_string(), votes);
            }
        } else if let Some(ratings) = ratings(&file, stem, customers, playbooks, diagnostics) {
            feedback.ratings.insert(stem.to_string(), ratings);
        }
    }
    feedback
}

fn stale(label: Label, message: String) -> Diagnostic {
    Diagnostic::warning(Code::StaleFeedback, message)
        .at(label)
        .help("the record stays in git and is not shown; remove it if it is no longer wanted")
}

fn date(
    file: &Arc<SourceFile>,
    on: &Spanned<String>,
    diagnostics: &mut Diagnostics,
) -> Option<jiff::civil::Date> {
    match parse_date(&on.value) {
        Ok(d) => Some(d),
        Err(why) => {
            diagnostics
                .push(Diagnostic::error(Code::InvalidDate, why).at(yaml::label(file, 0, on)));
            None
        }
    }
}

/// A customer's ratings: of milestones of its playbook, 1 to 5.
fn ratings(
    file: &Arc<SourceFile>,
    customer_id: &str,
    customers: &[Customer],
    playbooks: &std::collections::BTreeMap<String, Playbook>,
    diagnostics: &mut Diagnostics,
) -> Option<Vec<Rating>> {
    let raw: RawCustomerFeedback = match yaml::parse_all(file, 0, file.text.len()) {
        Ok(raw) => raw,
        Err(ds) => {
            diagnostics.push_all(ds);
            return None;
        }
    };
    let Some(customer) = customers.iter().find(|c| c.id == customer_id) else {
        diagnostics.push(stale(
            Label::new(file, 0, 0),
            format!("feedback for `{customer_id}`, which is not a customer of this site"),
        ));
        return None;
    };
    // A customer on a playbook that did not resolve (reported already) has no
    // plan to check the ratings against.
    let milestones: BTreeSet<&str> = playbooks
        .get(&customer.playbook)?
        .milestones
        .iter()
        .map(|m| m.id.as_str())
        .collect();
    let mut out = Vec::new();
    for r in raw.ratings {
        let on = date(file, &r.on, diagnostics);
        if !(1..=5).contains(&r.rating.value) {
            diagnostics.push(
                Diagnostic::error(
                    Code::InvalidValue,
                    format!("a rating is 1 to 5, not {}", r.rating.value),
                )
                .at(yaml::label(file, 0, &r.rating)),
            );
            continue;
        }
        if !milestones.contains(r.milestone.value.as_str()) {
            diagnostics.push(stale(
                yaml::label(file, 0, &r.milestone),
                format!(
                    "a rating of `{}`, which is not a milestone of this customer's plan",
                    r.milestone.value
                ),
            ));
            continue;
        }
        let Some(on) = on else { continue };
        out.push(Rating {
            milestone: r.milestone.value,
            rating: r.rating.value as u8,
            comment: r.comment.unwrap_or_default(),
            by: r.by.unwrap_or_default(),
            on,
        });
    }
    Some(out)
}

/// The votes on one article, in languages of the site.
fn page_votes(
    file: &Arc<SourceFile>,
    article: &str,
    content: &ContentIndex,
    languages: &[Lang],
    diagnostics: &mut Diagnostics,
) -> Option<Vec<Vote>> {
    let raw: RawPageFeedback = match yaml::parse_all(file, 0, file.text.len()) {
        Ok(raw) => raw,
        Err(ds) => {
            diagnostics.push_all(ds);
            return None;
        }
    };
    if !content.has_article(article) {
        diagnostics.push(stale(
            Label::new(file, 0, 0),
            format!("votes on `{article}`, which is not an article of this site"),
        ));
        return None;
    }
    let mut out = Vec::new();
    for v in raw.votes {
        let on = date(file, &v.on, diagnostics);
        let Some(lang) = languages.iter().find(|l| l.as_str() == v.lang.value) else {
            diagnostics.push(stale(
                yaml::label(file, 0, &v.lang),
                format!(
                    "a vote in `{}`, which is not a language of this site",
                    v.lang.value
                ),
            ));
            continue;
        };
        let Some(on) = on else { continue };
        out.push(Vote {
            lang: lang.clone(),
            helpful: v.helpful,
            on,
        });
    }
    Some(out)
}
