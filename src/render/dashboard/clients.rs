//! What clients said, on the dashboard: the tasks they reported from their
//! portals, their milestone ratings (CSAT) per milestone, playbook and owner
//! with their most recent comments, and the knowledge base's page votes.
//!
//! Made from the rows the dashboard shows (so a customer an unencrypted
//! dashboard leaves out is left out here too) and, for votes, from
//! `Site::feedback`, which names articles and no customer. Names, comments and
//! `by` are the clients' text: template values, escaped like every value.

use std::collections::BTreeMap;

use jiff::civil::Date;
use minijinja::Value;

use super::{View, stacked_bar};
use crate::render::values::{list, record};
use crate::roster::{Csat, CustomerRow, Rated, Reported, roll_up};

/// Without `[actions] confirm`, reports this many days old or newer are listed.
pub(crate) const RECENT_DAYS: i64 = 14;
/// The most recent comments shown.
const COMMENTS: usize = 20;
/// Votes an article needs to be ranked by its helpful share.
const MIN_VOTES: usize = 3;
/// Articles in each of the "most" and "least helpful" lists.
const RANKED: usize = 5;

impl View<'_> {
    /// Whether the dashboard lists a reported task: with `[actions] confirm`,
    /// every one not yet confirmed; without, those of the last [`RECENT_DAYS`].
    pub(super) fn listed(&self, report: &Reported) -> bool {
        if self.input.site.config.actions.confirm {
            return true;
        }
        let from = self
            .input
            .today
            .checked_sub(jiff::Span::new().days(RECENT_DAYS))
            .unwrap_or(Date::MIN);
        report
            .on
            .is_some_and(|on| on >= from && on <= self.input.today)
    }

    /// Everything clients said, the same on every page of the dashboard.
    pub(super) fn clients(&self) -> Value {
        record! {
            "comments" => self.comments(),
            "confirm" => self.input.site.config.actions.confirm,
            "csat" => self.csat(),
            "kb" => self.kb(),
            "recent_days" => RECENT_DAYS,
            "reported" => self.reported(),
        }
    }

    /// The listed reports of every row, oldest first (undated ones first of all).
    fn reported(&self) -> Value {
        let mut all: Vec<(&CustomerRow, &Reported)> = self
            .rows
            .iter()
            .flat_map(|r| r.reports.iter().map(move |p| (r, p)))
            .filter(|(_, p)| self.listed(p))
            .collect();
        all.sort_by(|(ra, a), (rb, b)| {
            (a.on, &ra.customer, &a.task).cmp(&(b.on, &rb.customer, &b.task))
        });
        list(all.into_iter().map(|(row, p)| {
            record! {
                "by" => p.by.as_str(),
                "customer" => row.name.as_str(),
                "on" => p.on.map(|d| self.date(d)),
                "portal" => row.portal.as_str(),
                "status" => p.status,
                "status_label" => self.t(if p.status == "done" { "dashboard_reported_done" } else { "dashboard_reported_stuck" }),
                "title" => p.title.as_str(),
            }
        }))
    }

    /// Average ratings overall, per milestone, per playbook and per owner.
    fn csat(&self) -> Value {
        let rows = self.rows;
        let overall = Csat::of(rows.iter().flat_map(|r| &r.ratings));
        // By playbook id, then milestone id; listed in the plans' order.
        let mut milestones: BTreeMap<(&str, &str), (&CustomerRow, &Rated, Csat)> = BTreeMap::new();
        for row in rows {
            for r in &row.ratings {
                let key = (row.playbook.as_str(), r.milestone.as_str());
                milestones
                    .entry(key)
                    .or_insert((row, r, Csat::default()))
                    .2
                    .add(r.rating);
            }
        }
        let mut milestones: Vec<_> = milestones.into_values().collect();
        milestones.sort_by(|a, b| (&a.0.playbook, a.1.place).cmp(&(&b.0.playbook, b.1.place)));
        let milestones = list(milestones.into_iter().map(|(row, r, csat)| {
            self.csat_value(
                &r.title,
                Some(&row.playbook_title),
                csat.count,
                csat.average(),
            )
        }));
        let rated: Vec<&CustomerRow> = rows.iter().filter(|r| !r.ratings.is_empty()).collect();
        let playbooks = roll_up(rated.iter().copied(), |r| {
            (r.playbook.clone(), r.playbook_title.clone())
        });
        let unassigned = self.t("dashboard_unassigned");
        let owners = roll_up(rated.iter().copied(), |r| {
            let label = r.owner_name.clone().unwrap_or_else(|| unassigned.into());
            (r.owner_key(), label)
        });
        let groups = |groups: Vec<crate::roster::RollUp>| {
            let mut groups = groups;
            groups.sort_by(|a, b| {
                self.locale
                    .compare(&a.label, &b.label)
                    .then(a.key.cmp(&b.key))
            });
            list(
                groups
                    .iter()
                    .map(|g| self.csat_value(&g.label, None, g.csat_count, g.csat_average)),
            )
        };
        record! {
            "average" => self.average(overall.average()),
            "count" => overall.count,
            "milestones" => milestones,
            "owners" => groups(owners),
            "playbooks" => groups(playbooks),
        }
    }

    /// One group's line: its label, average (as text and a bar out of 5) and count.
    fn csat_value(
        &self,
        label: &str,
        playbook: Option<&str>,
        count: usize,
        average: Option<f64>,
    ) -> Value {
        let tenths = average.map_or(0, |a| (a * 10.0).round() as usize);
        record! {
            "average" => self.average(average),
            "bar" => Value::from_safe_string(stacked_bar(&[("csat", tenths)], 50)),
            "count" => count,
            "label" => label,
            "playbook" => playbook,
        }
    }

    /// An average rating as the page's language writes it, with one decimal.
    fn average(&self, average: Option<f64>) -> Option<String> {
        average.map(|a| self.locale.tenths((a * 10.0).round() as i64))
    }

    /// The most recent comments, newest first.
    fn comments(&self) -> Value {
        let mut all: Vec<(&CustomerRow, &Rated)> = self
            .rows
            .iter()
            .flat_map(|r| r.ratings.iter().map(move |x| (r, x)))
            .filter(|(_, x)| !x.comment.trim().is_empty())
            .collect();
        all.sort_by(|(ra, a), (rb, b)| {
            (b.on, &ra.customer, &a.milestone).cmp(&(a.on, &rb.customer, &b.milestone))
        });
        list(all.into_iter().take(COMMENTS).map(|(row, x)| {
            record! {
                "by" => x.by.as_str(),
                "comment" => x.comment.trim(),
                "customer" => row.name.as_str(),
                "milestone" => x.title.as_str(),
                "on" => self.date(x.on),
                "portal" => row.portal.as_str(),
                "rating" => x.rating,
            }
        }))
    }

    /// The knowledge base's votes per article: the most and least helpful of
    /// those with at least [`MIN_VOTES`] votes, and the others.
    fn kb(&self) -> Value {
        let site = self.input.site;
        let lang = &site.config.default_language;
        let mut ranked = Vec::new();
        let mut few = Vec::new();
        for (id, votes) in &site.feedback.votes {
            let Some(article) = site.article(id) else {
                continue;
            };
            let helpful = votes.iter().filter(|v| v.helpful).count();
            let mut by_lang: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
            for v in votes {
                let e = by_lang.entry(v.lang.as_str()).or_default();
                e.0 += usize::from(v.helpful);
                e.1 += 1;
            }
            let title = article.text.get(lang).0.title.as_str();
            let share = (helpful * 200 + votes.len()) / (2 * votes.len().max(1));
            let value = record! {
                "helpful" => helpful,
                "langs" => by_lang.keys().copied().collect::<Vec<_>>().join(", "),
                "languages" => list(by_lang.iter().map(|(l, (h, n))| record! {
                    "helpful" => *h, "lang" => *l, "votes" => *n,
                })),
                "percent" => share,
                "title" => title,
                "url" => format!("{id}/"),
                "votes" => votes.len(),
            };
            let entry = (helpful, votes.len(), title, value);
            if votes.len() >= MIN_VOTES {
                ranked.push(entry);
            } else {
                few.push(entry);
            }
        }
        // Best first: the higher share (compared exactly), then more votes, then by title.
        ranked.sort_by(|a, b| {
            (b.0 * a.1)
                .cmp(&(a.0 * b.1))
                .then(b.1.cmp(&a.1))
                .then_with(|| self.locale.compare(a.2, b.2))
        });
        few.sort_by(|a, b| self.locale.compare(a.2, b.2));
        let most = RANKED.min(ranked.len().div_ceil(2));
        let least = RANKED.min(ranked.len() - most);
        let values = |v: &[(usize, usize, &str, Value)]| list(v.iter().map(|e| e.3.clone()));
        let mut worst: Vec<_> = ranked[ranked.len() - least..].to_vec();
        worst.reverse();
        record! {
            "few" => values(&few),
            "least" => values(&worst),
            "min_votes" => MIN_VOTES,
            "most" => values(&ranked[..most]),
            "votes" => ranked.len() + few.len(),
        }
    }
}
