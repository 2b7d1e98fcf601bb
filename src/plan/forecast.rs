//! The forecast: when a customer's plan is expected to finish now, given the
//! work that is late. Runs after planning and statuses, for a given day, so it
//! is the same for the same `--today`.
//!
//! An unfinished task cannot finish before today, nor before its (forecast)
//! start plus its duration when what it waits for ends late; a late finish
//! moves every item that waits for it, through the dependency graph. An item
//! not reached keeps its planned dates when nothing before it is late. A done
//! task keeps its real date (`on:`); a skipped one takes no time.

use std::collections::HashMap;

use jiff::civil::Date;

use super::{Kind, Plan};
use crate::calendar::WorkCalendar;
use crate::raw::Status;

/// How far after the kickoff a forecast may run before it is an error.
const MAX_YEARS: i16 = 10;

/// Sets every item's forecast dates and the plan's forecast end, for `today`.
/// Returns the index of the first item (in dependency order) expected more
/// than ten years after the kickoff, which is an error of the site.
pub(crate) fn forecast(plan: &mut Plan, calendar: &WorkCalendar, today: Date) -> Option<usize> {
    let limit = plan
        .kickoff
        .checked_add(jiff::Span::new().years(MAX_YEARS))
        .unwrap_or(Date::MAX);
    let mut too_far = None;
    let today = calendar.roll_forward(today);
    let index: HashMap<&str, usize> = plan
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| (item.id.as_str(), i))
        .collect();
    let deps: Vec<Vec<usize>> = plan
        .items
        .iter()
        .map(|item| {
            item.after
                .iter()
                .filter_map(|id| index.get(id.as_str()).copied())
                .collect()
        })
        .collect();
    let mut due: Vec<Option<Date>> = vec![None; plan.items.len()];
    for i in order(&deps) {
        let latest = deps[i].iter().filter_map(|&j| due[j]).max();
        let item = &mut plan.items[i];
        let (start, end) = expected(item, latest, today, calendar);
        item.forecast_start = start;
        item.forecast_due = end;
        item.late_days = calendar.business_days_between(item.due, end);
        due[i] = Some(end);
        if end > limit && too_far.is_none() {
            too_far = Some(i);
        }
    }
    plan.forecast_end = plan
        .items
        .iter()
        .map(|i| i.forecast_due)
        .max()
        .unwrap_or(plan.end);
    plan.late_days = calendar.business_days_between(plan.end, plan.forecast_end);
    too_far
}

/// How a milestone, or a whole onboarding, stands against its plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outlook {
    /// Expected on (or before) its planned date.
    OnTrack,
    /// Expected at most `[forecast] late_after_days` working days after it.
    AtRisk,
    /// Expected later than that.
    Late,
}

impl Outlook {
    /// The risk of being `late_days` working days behind the plan, when
    /// `late_after` working days behind is the most that is only at risk.
    pub(crate) fn of(late_days: i64, late_after: u32) -> Outlook {
        if late_days <= 0 {
            Outlook::OnTrack
        } else if late_days <= i64::from(late_after) {
            Outlook::AtRisk
        } else {
            Outlook::Late
        }
    }

    /// The name in `plan.json`, templates and CSS classes.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Outlook::OnTrack => "on-track",
            Outlook::AtRisk => "at-risk",
            Outlook::Late => "late",
        }
    }

    /// The key of its label in the theme's strings.
    pub(crate) fn string_key(self) -> &'static str {
        match self {
            Outlook::OnTrack => "risk_on_track",
            Outlook::AtRisk => "risk_at_risk",
            Outlook::Late => "risk_late",
        }
    }
}

/// The expected (start, finish) of one item, when what it waits for finishes
/// on `latest`.
fn expected(
    item: &super::Item,
    latest: Option<Date>,
    today: Date,
    calendar: &WorkCalendar,
) -> (Date, Date) {
    match item.status {
        Status::Done => {
            // A milestone reached without a date of its own was reached when
            // the last of what it waits for was done.
            let on = match item.kind {
                Kind::Task => item.done_on,
                Kind::Milestone => item.done_on.or(latest),
            }
            .unwrap_or(item.due);
            (item.start.min(on), on)
        }
        Status::Skipped => (item.start, item.due),
        Status::Todo | Status::InProgress | Status::Blocked => match item.kind {
            Kind::Milestone => {
                let day = item.due.max(latest.unwrap_or(item.due)).max(today);
                (day, day)
            }
            Kind::Task => {
                let start = match latest {
                    Some(l) => item.start.max(calendar.next_business_day(l)),
                    None => item.start,
                };
                let finish = item
                    .due
                    .max(calendar.finish(start, item.duration))
                    .max(today);
                (start.min(finish), finish)
            }
        },
    }
}

/// The items in an order where each comes after what it waits for (there are no
/// cycles: planning refused them).
fn order(deps: &[Vec<usize>]) -> Vec<usize> {
    fn visit(i: usize, deps: &[Vec<usize>], seen: &mut [bool], out: &mut Vec<usize>) {
        if seen[i] {
            return;
        }
        seen[i] = true;
        for &d in &deps[i] {
            visit(d, deps, seen, out);
        }
        out.push(i);
    }
    let mut seen = vec![false; deps.len()];
    let mut out = Vec::with_capacity(deps.len());
    for i in 0..deps.len() {
        visit(i, deps, &mut seen, &mut out);
    }
    out
}
