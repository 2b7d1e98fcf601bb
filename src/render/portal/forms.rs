//! What a client can send from the portal: the task actions and milestone
//! ratings of one customer, each signed once and shared by every page and
//! language (see [`crate::actions`]).
//!
//! With `[actions] endpoint` they are forms posting there; without it, `mailto:`
//! links to the customer's contact carrying the same fields as `key: value`
//! lines; without an endpoint or a contact with an e-mail address, nothing.

use jiff::civil::Date;
use minijinja::Value;

use crate::actions::{self, Action, Signed, field};
use crate::model::{Customer, Playbook};
use crate::plan::{Item, Kind};
use crate::privacy::PortalSecret;
use crate::raw::{Side, Status};
use crate::render::values::{list, record};
use crate::url::encode_component;

/// One signed action a client may send about a task.
pub(super) struct Entry {
    pub(super) action: Action,
    pub(super) sig: String,
    /// The `mailto:` address without an endpoint, else empty.
    pub(super) mailto: String,
}

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
        let e = self.signed_entry(subject, action, ask);
        record! {
            "action" => action.as_str(),
            "mailto" => e.mailto,
            "sig" => e.sig,
        }
    }

    fn signed_entry(&self, subject: &str, action: Action, ask: &[&str]) -> Entry {
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
                    encode_component(&format!(
                        "{} {subject} ({})",
                        action.as_str(),
                        self.customer
                    )),
                    encode_component(&body)
                )
            }
            _ => String::new(),
        };
        Entry {
            action,
            sig,
            mailto,
        }
    }

    /// The actions a client may take on `item`: its finishing action and
    /// "stuck", on an open customer-side task; none otherwise.
    pub(super) fn task_actions(&self, item: &Item) -> Vec<Entry> {
        let open = !item.status.is_closed();
        if !self.enabled()
            || !open
            || item.kind != Kind::Task
            || item.internal
            || item.side != Some(Side::Customer)
        {
            return Vec::new();
        }
        let finish = item.action.action();
        vec![
            self.signed_entry(&item.id, finish, &[field::BY]),
            self.signed_entry(&item.id, Action::Stuck, &[field::NOTE, field::BY]),
        ]
    }

    /// A task's `actions` value: `[{action, sig, mailto}]`.
    pub(super) fn actions_value(entries: &[Entry]) -> Value {
        list(entries.iter().map(|e| {
            record! {
                "action" => e.action.as_str(),
                "mailto" => e.mailto.as_str(),
                "sig" => e.sig.as_str(),
            }
        }))
    }

    /// The markup of a task's actions in one language (`task.actions_html`): as
    /// the default theme's `task_actions` macro writes them, made here because a
    /// portal has many tasks and the templates would spend more on them than on
    /// the rest of the page. `t` gives a UI string.
    pub(super) fn actions_html(
        &self,
        task: &str,
        entries: &[Entry],
        t: &dyn Fn(&str, &str) -> String,
    ) -> String {
        use crate::html::escape;
        if entries.is_empty() {
            return String::new();
        }
        let label = |a: Action| {
            let (key, fallback) = match a {
                Action::Done => ("action_done", "Mark as done"),
                Action::Approve => ("action_approve", "Approve"),
                Action::Acknowledge => ("action_acknowledge", "Acknowledge"),
                _ => ("action_stuck", "Send: we are stuck"),
            };
            escape(&t(key, fallback)).into_owned()
        };
        let Some(endpoint) = self.endpoint else {
            let mut out = format!(
                "<p class=\"task-actions mail-actions\">{}",
                escape(&t("actions_by_email", "Tell your contact by e-mail:"))
            );
            for e in entries {
                let class = if e.action == Action::Stuck {
                    " secondary"
                } else {
                    ""
                };
                out.push_str(&format!(
                    " <a class=\"button{class}\" href=\"{}\">{}</a>",
                    escape(&e.mailto),
                    label(e.action)
                ));
            }
            out.push_str("</p>");
            return out;
        };
        let endpoint = escape(endpoint);
        let mut out = String::with_capacity(1200);
        out.push_str("<div class=\"task-actions\">");
        for e in entries {
            let stuck = e.action == Action::Stuck;
            if stuck {
                out.push_str(&format!(
                    "<details class=\"stuck\"><summary>{}</summary>",
                    escape(&t("stuck_open", "We are stuck"))
                ));
            }
            out.push_str(&format!(
                "<form class=\"action-form\" method=\"post\" action=\"{endpoint}\" data-gw-form>\
<input type=\"hidden\" name=\"customer\" value=\"{}\">\
<input type=\"hidden\" name=\"task\" value=\"{task}\">\
<input type=\"hidden\" name=\"action\" value=\"{}\">\
<input type=\"hidden\" name=\"issued\" value=\"{}\">\
<input type=\"hidden\" name=\"sig\" value=\"{}\">",
                escape(self.customer),
                e.action.as_str(),
                self.issued_text,
                e.sig
            ));
            if stuck {
                out.push_str(&format!(
                    "<label for=\"note-{task}\">{}</label><textarea id=\"note-{task}\" name=\"note\" rows=\"3\" maxlength=\"2000\" required></textarea>",
                    escape(&t("stuck_note", "What is holding you up?"))
                ));
            } else if e.action != Action::Done {
                out.push_str(&format!(
                    "<label for=\"by-{task}\">{}</label><input id=\"by-{task}\" name=\"by\" maxlength=\"200\" autocomplete=\"name\" required>",
                    escape(&t("your_name", "Your name"))
                ));
            }
            out.push_str(&format!(
                "<button type=\"submit\"{}>{}</button></form>",
                if stuck { " class=\"secondary\"" } else { "" },
                label(e.action)
            ));
            if stuck {
                out.push_str("</details>");
            }
        }
        out.push_str("<p class=\"form-status\" role=\"status\"></p></div>");
        out
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
