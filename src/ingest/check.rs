//! Checking one submission against the planned site: what it asks for, or the
//! diagnostic that rejects it (naming the submission by file and line or row).

use std::collections::HashMap;

use jiff::civil::Date;

use super::Options;
use super::read::Submission;
use crate::actions::{self, Action, Completion, Signed, field};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Site, Task};
use crate::plan::{Item, Kind, Plan};
use crate::privacy::PortalSecret;
use crate::raw::{Side, Status};

use super::yaml_edit::clean_text;

/// A submission that passed, and what it does.
pub(super) struct Effect<'s> {
    /// The day it was sent.
    pub date: Date,
    pub submission: &'s Submission,
    pub kind: EffectKind,
}

/// What a submission does.
pub(super) enum EffectKind {
    /// A task's progress entry in `customers/<customer>.yaml`.
    Progress {
        customer: String,
        task: String,
        action: Action,
        note: String,
        by: String,
    },
    /// A rating in `feedback/<customer>.yaml`.
    Rating {
        customer: String,
        milestone: String,
        rating: u8,
        comment: String,
        by: String,
        at: String,
    },
    /// A vote in `feedback/<article>.yaml`.
    Vote {
        page: String,
        lang: String,
        helpful: bool,
        at: String,
    },
}

/// The names a form service gives a submission's time (compared in lower case,
/// without `_`, `-` and spaces), most specific first.
const DATE_FIELDS: [&str; 8] = [
    "submittedat",
    "receivedat",
    "createdat",
    "timestamp",
    "submitted",
    "date",
    "time",
    "created",
];

fn normal(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The day of an RFC 3339 / ISO time stamp, a plain `YYYY-MM-DD` or an
/// e-mail's `Date:` (RFC 2822), as written.
fn day_of(stamp: &str) -> Option<Date> {
    let stamp = stamp.trim();
    iso_day(stamp).or_else(|| jiff::fmt::rfc2822::parse(stamp).ok().map(|z| z.date()))
}

fn iso_day(stamp: &str) -> Option<Date> {
    let day = stamp.get(..10)?;
    let rest = &stamp[10..];
    if !(rest.is_empty() || rest.starts_with(['T', 't', ' '])) {
        return None;
    }
    let bytes = day.as_bytes();
    if bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    day.parse().ok()
}

type Rejection = Box<Diagnostic>;

fn reject(s: &Submission, code: Code, message: String) -> Rejection {
    Box::new(Diagnostic::error(code, format!("{}: {message}", s.name())).at(s.label()))
}

pub(super) struct Checker<'a> {
    site: &'a Site,
    plans: &'a [Option<Plan>],
    secret: &'a PortalSecret,
    options: &'a Options<'a>,
    customers: HashMap<&'a str, usize>,
}

impl<'a> Checker<'a> {
    pub fn new(
        site: &'a Site,
        plans: &'a [Option<Plan>],
        secret: &'a PortalSecret,
        options: &'a Options<'a>,
    ) -> Checker<'a> {
        let customers = site
            .customers
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.as_str(), i))
            .collect();
        Checker {
            site,
            plans,
            secret,
            options,
            customers,
        }
    }

    /// What `s` does, or why it is rejected.
    pub fn check<'s>(&self, s: &'s Submission) -> Result<Effect<'s>, Rejection> {
        let action = match s.get(field::ACTION) {
            Some(a) => Action::parse(&a.to_ascii_lowercase()).ok_or_else(|| {
                reject(
                    s,
                    Code::SubmissionInvalid,
                    format!(
                        "`{a}` is not an action (done, stuck, approve, acknowledge, rate, vote)"
                    ),
                )
            })?,
            None => {
                return Err(reject(
                    s,
                    Code::SubmissionInvalid,
                    "no `action` field: this is not a portal's submission".into(),
                ));
            }
        };
        let (date, at) = self.date(s)?;
        let kind = match action {
            Action::Vote => self.vote(s, at)?,
            _ => self.signed(s, action, date, at)?,
        };
        Ok(Effect {
            date,
            submission: s,
            kind,
        })
    }

    /// The day the submission was sent, and its time stamp as given.
    fn date(&self, s: &Submission) -> Result<(Date, String), Rejection> {
        let stamp = match self.options.date_field {
            Some(name) => {
                let name = normal(name);
                s.fields
                    .iter()
                    .find(|(k, v)| normal(k) == name && !v.trim().is_empty())
            }
            None => DATE_FIELDS.iter().find_map(|want| {
                s.fields
                    .iter()
                    .find(|(k, v)| normal(k) == *want && !v.trim().is_empty())
            }),
        };
        let Some((name, stamp)) = stamp else {
            return Err(reject(
                s,
                Code::SubmissionDate,
                "no time stamp: the day it was sent is not known".into(),
            ));
        };
        match day_of(stamp) {
            Some(day) if day > self.options.today => Err(reject(
                s,
                Code::SubmissionDate,
                format!("sent on {day}, after today ({})", self.options.today),
            )),
            Some(day) => Ok((day, stamp.trim().to_string())),
            None => Err(reject(
                s,
                Code::SubmissionDate,
                format!("`{name}` is `{stamp}`, not a date (YYYY-MM-DD) or an RFC 3339 time"),
            )),
        }
    }

    fn vote(&self, s: &Submission, at: String) -> Result<EffectKind, Rejection> {
        let need = |name: &str| {
            s.get(name).ok_or_else(|| {
                reject(
                    s,
                    Code::SubmissionInvalid,
                    format!("a vote without `{name}`"),
                )
            })
        };
        let page = need(field::PAGE)?.trim_matches('/');
        let page = page.strip_suffix(".md").unwrap_or(page);
        if !self.site.content_index.has_article(page) {
            return Err(reject(
                s,
                Code::SubmissionUnknown,
                format!("a vote on `{page}`, which is not an article of this site"),
            ));
        }
        let lang = need(field::LANG)?;
        if !self
            .site
            .config
            .languages
            .iter()
            .any(|l| l.as_str() == lang)
        {
            return Err(reject(
                s,
                Code::SubmissionUnknown,
                format!("a vote in `{lang}`, which is not a language of this site"),
            ));
        }
        let helpful = match need(field::HELPFUL)?.to_ascii_lowercase().as_str() {
            "yes" | "true" | "1" => true,
            "no" | "false" | "0" => false,
            other => {
                return Err(reject(
                    s,
                    Code::SubmissionInvalid,
                    format!("`helpful` is `{other}`: expected yes or no"),
                ));
            }
        };
        Ok(EffectKind::Vote {
            page: page.to_string(),
            lang: lang.to_string(),
            helpful,
            at,
        })
    }

    /// A signed submission: a task action or a rating.
    fn signed(
        &self,
        s: &Submission,
        action: Action,
        date: Date,
        at: String,
    ) -> Result<EffectKind, Rejection> {
        let subject_field = if action == Action::Rate {
            field::MILESTONE
        } else {
            field::TASK
        };
        let (Some(customer), Some(subject), Some(issued_text), Some(sig)) = (
            s.get(field::CUSTOMER),
            s.get(subject_field),
            s.get(field::ISSUED),
            s.get(field::SIG),
        ) else {
            return Err(reject(
                s,
                Code::SubmissionSignature,
                format!(
                    "not signed: a {} needs `customer`, `{subject_field}`, `issued` and `sig`",
                    action.as_str()
                ),
            ));
        };
        let issued = issued_text.parse::<Date>().ok();
        let signed = issued.map(|issued| Signed {
            customer,
            subject,
            action,
            issued,
        });
        let Some(issued) = issued
            .filter(|_| signed.is_some_and(|signed| actions::verify(self.secret, &signed, sig)))
        else {
            return Err(Box::new(
                Diagnostic::error(
                    Code::SubmissionSignature,
                    format!(
                        "{}: the signature does not match: the submission was altered, forged, or signed with another portal secret",
                        s.name()
                    ),
                )
                .at(s.label())
                .help("nothing of it is applied; if the portal secret was changed, the forms published before it no longer verify"),
            ));
        };
        self.dates(s, date, issued)?;
        let Some(&index) = self.customers.get(customer) else {
            return Err(reject(
                s,
                Code::SubmissionUnknown,
                format!("customer `{customer}` is not in this site"),
            ));
        };
        let Some(plan) = self.plans.get(index).and_then(Option::as_ref) else {
            return Err(reject(
                s,
                Code::SubmissionUnknown,
                format!("customer `{customer}` could not be planned"),
            ));
        };
        if action == Action::Rate {
            return rating(s, customer, subject, plan, at);
        }
        self.task_action(s, index, plan, subject, action)
    }

    /// The day sent against the day the form was published and `valid_days`.
    fn dates(&self, s: &Submission, date: Date, issued: Date) -> Result<(), Rejection> {
        if date < issued {
            return Err(reject(
                s,
                Code::SubmissionDate,
                format!("sent on {date}, before its form was published ({issued})"),
            ));
        }
        let valid = i64::from(self.site.config.actions.valid_days);
        let age = (date - issued).get_days();
        if i64::from(age) > valid {
            return Err(Box::new(
                Diagnostic::error(
                    Code::SubmissionDate,
                    format!(
                        "{}: sent on {date} from a form published on {issued}, more than {valid} days before (expired)",
                        s.name()
                    ),
                )
                .at(s.label())
                .help("ask the client to send it again from the portal as it is now; `[actions] valid_days` sets how long a form stays valid"),
            ));
        }
        Ok(())
    }

    fn task_action(
        &self,
        s: &Submission,
        index: usize,
        plan: &Plan,
        task: &str,
        action: Action,
    ) -> Result<EffectKind, Rejection> {
        let customer = &self.site.customers[index];
        let item = find(plan, Kind::Task, task).ok_or_else(|| {
            reject(
                s,
                Code::SubmissionUnknown,
                format!("task `{task}` is not in {}'s plan", customer.id),
            )
        })?;
        // An internal task is named by its id alone, never its title.
        if item.internal || item.side != Some(Side::Customer) {
            return Err(reject(
                s,
                Code::SubmissionNotAllowed,
                format!("task `{task}` is not one the customer does"),
            ));
        }
        let completion = self.completion(index, task);
        if !completion.allows(action) {
            return Err(reject(
                s,
                Code::SubmissionNotAllowed,
                format!(
                    "task `{task}` is finished by `{}`, not `{}`",
                    completion.as_str(),
                    action.as_str()
                ),
            ));
        }
        let note = s.get(field::NOTE).map(clean_text).unwrap_or_default();
        let by = s.get(field::BY).map(clean_text).unwrap_or_default();
        if action == Action::Stuck && note.is_empty() {
            return Err(reject(
                s,
                Code::SubmissionInvalid,
                format!("task `{task}` reported stuck without a note saying why"),
            ));
        }
        if matches!(action, Action::Approve | Action::Acknowledge) && by.is_empty() {
            return Err(reject(
                s,
                Code::SubmissionInvalid,
                format!("task `{task}`: `{}` without a name (`by`)", action.as_str()),
            ));
        }
        Ok(EffectKind::Progress {
            customer: customer.id.clone(),
            task: task.to_string(),
            action,
            note,
            by,
        })
    }

    /// How the customer's task is finished: its playbook's or extra task's `action:`.
    fn completion(&self, index: usize, task: &str) -> Completion {
        let customer = &self.site.customers[index];
        let found: Option<&Task> = self
            .site
            .playbooks
            .get(&customer.playbook)
            .and_then(|p| p.tasks().find(|t| t.id == task))
            .or_else(|| {
                customer
                    .extra_tasks
                    .iter()
                    .map(|e| &e.task)
                    .find(|t| t.id == task)
            });
        found.map(|t| t.action).unwrap_or_default()
    }
}

fn find<'p>(plan: &'p Plan, kind: Kind, id: &str) -> Option<&'p Item> {
    plan.items.iter().find(|i| i.kind == kind && i.id == id)
}

fn rating(
    s: &Submission,
    customer: &str,
    milestone: &str,
    plan: &Plan,
    at: String,
) -> Result<EffectKind, Rejection> {
    let item = find(plan, Kind::Milestone, milestone)
        .filter(|i| !i.internal)
        .ok_or_else(|| {
            reject(
                s,
                Code::SubmissionUnknown,
                format!("milestone `{milestone}` is not in {customer}'s plan"),
            )
        })?;
    let value = s.get(field::RATING).unwrap_or_default();
    let rating = match value.parse::<u8>() {
        Ok(r @ 1..=5) => r,
        _ => {
            return Err(reject(
                s,
                Code::SubmissionInvalid,
                format!("a rating of `{value}`: expected 1 to 5"),
            ));
        }
    };
    if item.status != Status::Done {
        return Err(reject(
            s,
            Code::SubmissionNotAllowed,
            format!("milestone `{milestone}` is not reached yet, so it cannot be rated"),
        ));
    }
    Ok(EffectKind::Rating {
        customer: customer.to_string(),
        milestone: milestone.to_string(),
        rating,
        comment: s.get(field::COMMENT).map(clean_text).unwrap_or_default(),
        by: s.get(field::BY).map(clean_text).unwrap_or_default(),
        at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_stamps_give_their_day_as_written() {
        let d = jiff::civil::date(2026, 12, 3);
        for ok in [
            "2026-12-03",
            "2026-12-03T23:59:59Z",
            "2026-12-03T23:59:59-08:00",
            "2026-12-03 10:00",
            "Thu, 03 Dec 2026 23:59:59 -0800",
            "3 Dec 2026 10:00:00 +0000",
        ] {
            assert_eq!(day_of(ok), Some(d), "{ok}");
        }
        for bad in [
            "",
            "2026-12-3",
            "03/12/2026",
            "2026-12-03x",
            "2026-13-01",
            "ééééééééééé",
            "Thu, 33 Dec 2026 10:00:00 +0000",
        ] {
            assert_eq!(day_of(bad), None, "{bad}");
        }
        assert_eq!(normal("Submitted_At"), "submittedat");
    }
}
