//! What a client can send from the portal: the task actions and milestone
//! ratings of one customer, each signed once and shared by every page and
//! language (see [`crate::actions`]).
//!
//! With `[actions] endpoint` they are forms posting there; without it, `mailto:`
//! links to the customer's contact carrying the same fields as `key: value`
//! lines; without an endpoint or a contact with an e-mail address, nothing.

use jiff::civil::Date;
use minijinja::Value;

use super::url_escape;
use crate::actions::{self, Action, Signed, field};
use crate::model::{Customer, Playbook};
use crate::plan::{Item, Kind};
use crate::privacy::PortalSecret;
use crate::raw::{Side, Status};
use crate::render::values::{list, record};

/// How one customer's portal sends what the client does.
pub(super) struct Forms<'a> {
    customer: &'a str,
    secret: &'a PortalSecret,
    issued: Date,
    issued_text: String,
    /// The form service, when the site has one.
    endpoint: Option<&'a str>,
    /// The contact's e-mail address, used without an endpoint.
    mailto: Option<&'a str>,
}

impl<'a> Forms<'a> {
    pub(super) fn new(
        input: &'a crate::render::RenderInput<'a>,
        customer: &'a Customer,
        playbook: &'a Playbook,
    ) -> Forms<'a> {
        let endpoint = input.site.config.actions.endpoint.as_deref();
        let mailto = playbook
            .contact_role()
            .and_then(|(id, _)| customer.team.get(id))
            .map(|p| p.email.as_str())
            .filter(|e| !e.is_empty());
        Forms {
            customer: &customer.id,
            secret: input.secret,
            issued: input.today,
            issued_text: input.today.to_string(),
            endpoint,
            mailto,
        }
    }

    /// Whether anything can be sent at all.
    fn enabled(&self) -> bool {
        self.endpoint.is_some() || self.mailto.is_some()
    }

    /// The `forms` value of every portal page: where forms post and the fields
    /// every form shares.
    pub(super) fn page_value(&self) -> Value {
        record! {
            "customer" => self.customer,
            "enabled" => self.enabled(),
            "endpoint" => self.endpoint.unwrap_or_default(),
            "issued" => self.issued_text.as_str(),
        }
    }

    /// One signed action about `subject` (a task, or a milestone when `rating`):
    /// `{action, sig, mailto}`, `mailto` empty with an endpoint.
    fn entry(&self, subject: &str, action: Action, ask: &[&str]) -> Value {
        let sig = actions::sign(
            self.secret,
            &Signed {
                customer: self.customer,
                subject,
                action,
                issued: self.issued,
            },
        );
        let mailto = match (self.endpoint, self.mailto) {
            (None, Some(to)) => {
                let subject_field = if action == Action::Rate {
                    field::MILESTONE
                } else {
                    field::TASK
                };
                let mut body = String::new();
                for (k, v) in [
                    (field::CUSTOMER, self.customer),
                    (subject_field, subject),
                    (field::ACTION, action.as_str()),
                    (field::ISSUED, self.issued_text.as_str()),
                    (field::SIG, sig.as_str()),
                ]
                .into_iter()
                .chain(ask.iter().map(|k| (*k, "")))
                {
                    body.push_str(&format!("{k}: {v}\r\n"));
                }
                format!(
                    "mailto:{to}?subject={}&body={}",
                    url_escape(&format!(
                        "{} {subject} ({})",
                        action.as_str(),
                        self.customer
                    )),
                    url_escape(&body)
                )
            }
            _ => String::new(),
        };
        record! {
            "action" => action.as_str(),
            "mailto" => mailto,
            "sig" => sig,
        }
    }

    /// The actions a client may take on `item`: its finishing action and
    /// "stuck", on an open customer-side task; none otherwise.
    pub(super) fn task_actions(&self, item: &Item) -> Value {
        let open = !item.status.is_closed();
        if !self.enabled()
            || !open
            || item.kind != Kind::Task
            || item.internal
            || item.side != Some(Side::Customer)
        {
            return list([]);
        }
        let finish = item.action.action();
        list([
            self.entry(&item.id, finish, &[field::BY]),
            self.entry(&item.id, Action::Stuck, &[field::NOTE, field::BY]),
        ])
    }

    /// The rating form of a reached milestone, if one may be sent.
    pub(super) fn rating(&self, milestone: &Item) -> Option<Value> {
        (self.enabled() && milestone.status == Status::Done).then(|| {
            self.entry(
                &milestone.id,
                Action::Rate,
                &[field::RATING, field::COMMENT],
            )
        })
    }
}
