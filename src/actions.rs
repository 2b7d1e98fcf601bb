//! What a client can send back from a portal, and how it is signed.
//!
//! A portal page carries forms (or, without `[actions] endpoint`, `mailto:`
//! links) whose fields are named by [`field`]. A task action or a rating carries
//! a signature: HMAC-SHA256 under a key derived from the portal secret for forms
//! alone ([`form_key`], so a signature never reveals, and is never usable as, a
//! portal token), over the customer id, the task or milestone, the action and
//! the day the form was published ([`Signed`]). `gangway ingest` recomputes it:
//! a submission for another customer, task or action, or with an altered day,
//! does not verify. A page vote from the public knowledge base carries no
//! customer and no signature: only the page, its language and the vote.

use hmac::{Hmac, Mac};
use jiff::civil::Date;

use crate::privacy::PortalSecret;

/// The names of the fields a portal's forms send, as a form service records them.
pub mod field {
    /// The customer's id.
    pub const CUSTOMER: &str = "customer";
    /// The task an action is about.
    pub const TASK: &str = "task";
    /// The milestone a rating is about.
    pub const MILESTONE: &str = "milestone";
    /// What the client did: see [`super::Action`].
    pub const ACTION: &str = "action";
    /// The day the form was published (`YYYY-MM-DD`): the build's "today".
    pub const ISSUED: &str = "issued";
    /// The signature, 32 lower-case hex digits.
    pub const SIG: &str = "sig";
    /// Free text: why a task is stuck.
    pub const NOTE: &str = "note";
    /// The name of the person who approved or acknowledged, or reported.
    pub const BY: &str = "by";
    /// A rating, `1` to `5`.
    pub const RATING: &str = "rating";
    /// Free text with a rating.
    pub const COMMENT: &str = "comment";
    /// A public page's id (an article: `kb/account-setup`).
    pub const PAGE: &str = "page";
    /// The language of the page voted on.
    pub const LANG: &str = "lang";
    /// A page vote: `yes` (helpful) or `no`.
    pub const HELPFUL: &str = "helpful";
}

/// The longest note, comment or name kept from a submission, in characters;
/// longer text is cut there.
pub const MAX_TEXT_CHARS: usize = 2000;

/// What a client did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    /// A task is finished.
    Done,
    /// A task cannot go on; a note says why.
    Stuck,
    /// A task that asks for approval is approved (`action: approve`).
    Approve,
    /// A task that asks to be acknowledged is (`action: acknowledge`).
    Acknowledge,
    /// A reached milestone is rated 1 to 5.
    Rate,
    /// A public page was helpful, or not (unsigned).
    Vote,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 6] = [
        Action::Done,
        Action::Stuck,
        Action::Approve,
        Action::Acknowledge,
        Action::Rate,
        Action::Vote,
    ];

    /// The action as a form field's value.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Done => "done",
            Action::Stuck => "stuck",
            Action::Approve => "approve",
            Action::Acknowledge => "acknowledge",
            Action::Rate => "rate",
            Action::Vote => "vote",
        }
    }

    /// The action a form field's value names.
    pub fn parse(value: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == value)
    }
}

/// How a client finishes a customer-side task from the portal: the task's
/// `action:` in its playbook (`done` unless it says `approve` or `acknowledge`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Completion {
    /// "Done".
    #[default]
    Done,
    /// "Approve", with the approver's name.
    Approve,
    /// "Acknowledge", with the name of who acknowledges.
    Acknowledge,
}

impl Completion {
    /// Every completion, as written in a playbook.
    pub const ALL: [Completion; 3] = [
        Completion::Done,
        Completion::Approve,
        Completion::Acknowledge,
    ];

    /// As written in a playbook's `action:`.
    pub fn as_str(self) -> &'static str {
        self.action().as_str()
    }

    /// The action that finishes the task.
    pub fn action(self) -> Action {
        match self {
            Completion::Done => Action::Done,
            Completion::Approve => Action::Approve,
            Completion::Acknowledge => Action::Acknowledge,
        }
    }

    /// Whether a client may send `action` about a task finished this way:
    /// its own finishing action, or "stuck".
    pub fn allows(self, action: Action) -> bool {
        action == self.action() || action == Action::Stuck
    }
}

/// What a signature covers: one customer, one task or milestone, one action,
/// offered on one day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Signed<'a> {
    /// The customer's id.
    pub customer: &'a str,
    /// The task's id (actions) or the milestone's (ratings).
    pub subject: &'a str,
    /// The action.
    pub action: Action,
    /// The day the form was published.
    pub issued: Date,
}

/// The key form signatures are made with: the portal secret's HMAC of a message
/// of its own, so it is neither the secret nor any portal's or the dashboard's token.
fn form_key(secret: &PortalSecret) -> [u8; 32] {
    secret.mac(b"gangway form signatures v1")
}

fn mac_of(secret: &PortalSecret, signed: &Signed<'_>) -> Hmac<sha2::Sha256> {
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(&form_key(secret))
        .expect("HMAC accepts any key length");
    // Ids cannot hold a NUL, so the message is unambiguous.
    mac.update(
        format!(
            "{}\0{}\0{}\0{}",
            signed.customer,
            signed.subject,
            signed.action.as_str(),
            signed.issued
        )
        .as_bytes(),
    );
    mac
}

/// The signature of `signed`: 128 bits as 32 lower-case hex digits.
pub fn sign(secret: &PortalSecret, signed: &Signed<'_>) -> String {
    let bytes = mac_of(secret, signed).finalize().into_bytes();
    bytes[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `signature` is the signature of `signed`, compared in constant time.
pub fn verify(secret: &PortalSecret, signed: &Signed<'_>, signature: &str) -> bool {
    let Some(bytes) = hex_bytes(signature.trim()) else {
        return false;
    };
    bytes.len() == 16 && mac_of(secret, signed).verify_truncated_left(&bytes).is_ok()
}

fn hex_bytes(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed(customer: &str) -> Signed<'_> {
        Signed {
            customer,
            subject: "gather-info",
            action: Action::Done,
            issued: jiff::civil::date(2026, 12, 3),
        }
    }

    #[test]
    fn a_signature_verifies_only_what_it_signed() {
        let secret = PortalSecret::insecure_for_tests();
        let sig = sign(&secret, &signed("acme"));
        assert_eq!(sig.len(), 32);
        assert!(verify(&secret, &signed("acme"), &sig));
        assert!(verify(&secret, &signed("acme"), &sig.to_uppercase()));
        assert!(!verify(&secret, &signed("acme-2"), &sig));
        let other_task = Signed {
            subject: "sso",
            ..signed("acme")
        };
        assert!(!verify(&secret, &other_task, &sig));
        let other_action = Signed {
            action: Action::Approve,
            ..signed("acme")
        };
        assert!(!verify(&secret, &other_action, &sig));
        let other_day = Signed {
            issued: jiff::civil::date(2026, 12, 4),
            ..signed("acme")
        };
        assert!(!verify(&secret, &other_day, &sig));
        let other_secret = PortalSecret::from_text(&"x".repeat(32)).unwrap();
        assert!(!verify(&other_secret, &signed("acme"), &sig));
        for bad in ["", "zz", &sig[..30], &format!("{sig}00"), "é"] {
            assert!(!verify(&secret, &signed("acme"), bad), "{bad:?}");
        }
    }

    #[test]
    fn actions_read_back_as_written() {
        for a in Action::ALL {
            assert_eq!(Action::parse(a.as_str()), Some(a));
        }
        assert_eq!(Action::parse("Done"), None);
    }
}
