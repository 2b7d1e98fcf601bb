//! Private portals on public hosting: unguessable, stable portal addresses, and the
//! host configuration that keeps them out of search engines and referrer headers.
//!
//! A portal lives at `p/<token>/`, where the token is 128 bits of HMAC-SHA256 over
//! the customer's id and rotation number, keyed with the site's portal secret. The
//! secret never enters the output and is not in the repository (an environment
//! variable in CI, a git-ignored file on an author's machine), so nobody can derive
//! a token from a customer's name or id; the same secret and rotation always give the
//! same address, and bumping the rotation issues a new one.
//!
//! The vendor's dashboard lives under `p/` too, at a token made the same way from
//! a message of its own ([`dashboard_token`]): the host treats it as a portal
//! (`_headers`), and nothing about it tells it apart from one.

use std::fmt;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// The folder all portals live under.
pub const PORTAL_ROOT: &str = "p/";

/// The key portal addresses are derived from.
#[derive(Clone, PartialEq, Eq)]
pub struct PortalSecret([u8; 32]);

impl fmt::Debug for PortalSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print the secret itself, even in debug output.
        f.write_str("PortalSecret(..)")
    }
}

/// Why a secret was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SecretError {
    /// Fewer than 32 characters: too easy to guess.
    #[error("the portal secret must be at least 32 characters long (it has {0})")]
    TooShort(usize),
}

impl PortalSecret {
    /// A secret from text (an environment variable or the secret file). Any text of
    /// at least 32 characters is accepted; it is hashed into the key.
    pub fn from_text(text: &str) -> Result<PortalSecret, SecretError> {
        let text = text.trim();
        let chars = text.chars().count();
        if chars < 32 {
            return Err(SecretError::TooShort(chars));
        }
        Ok(PortalSecret(Sha256::digest(text.as_bytes()).into()))
    }

    /// A new random secret, as text to store: 64 hex digits.
    pub fn generate_text() -> Result<String, getrandom::Error> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)?;
        Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// A fixed, public secret for tests and examples. Never use it to publish.
    pub fn insecure_for_tests() -> PortalSecret {
        PortalSecret(Sha256::digest(b"gangway insecure test secret: never publish with it").into())
    }

    /// HMAC-SHA256 of `message` under this secret.
    pub(crate) fn mac(&self, message: &[u8]) -> [u8; 32] {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC accepts any key length");
        mac.update(message);
        mac.finalize().into_bytes().into()
    }
}

/// The token of a customer's portal: 128 bits, as 26 lower-case base32 letters and digits.
pub(crate) fn portal_token(secret: &PortalSecret, customer_id: &str, rotation: u32) -> String {
    let digest = secret.mac(format!("gangway portal\0{customer_id}\0{rotation}").as_bytes());
    base32(&digest[..16])
}

/// The token of the vendor's dashboard: like a portal's, 128 bits of
/// HMAC-SHA256 under the portal secret, over a message of its own
/// (`gangway dashboard`, then the rotation), so it is neither a portal's token
/// nor derivable from one, and a customer id cannot be chosen to match it.
pub(crate) fn dashboard_token(secret: &PortalSecret, rotation: u32) -> String {
    let digest = secret.mac(format!("gangway dashboard\0{rotation}").as_bytes());
    base32(&digest[..16])
}

/// RFC 4648 base32 in lower case, without padding.
fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut out = String::with_capacity(bytes.len() * 8 / 5 + 1);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            out.push(ALPHABET[((buffer >> (bits - 5)) & 31) as usize] as char);
            bits -= 5;
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// `_headers` for Netlify and Cloudflare Pages: portals are not indexed and send no
/// referrer; every file carries the Content-Security-Policy `csp` (see [`crate::csp`]).
pub(crate) fn headers_file(csp: &str) -> String {
    format!(
        "# Written by gangway. Customer portals are unlisted: not indexed, no referrer, not cached by shared caches.\n\
         /{PORTAL_ROOT}*\n  X-Robots-Tag: noindex, nofollow, noarchive\n  Referrer-Policy: no-referrer\n  Cache-Control: private, max-age=0, must-revalidate\n  X-Content-Type-Options: nosniff\n\n\
         /*\n  X-Content-Type-Options: nosniff\n  Referrer-Policy: strict-origin-when-cross-origin\n  Content-Security-Policy: {csp}\n"
    )
}

/// `text` with every portal folder named by its customer instead of its token:
/// `public/p/<token>/en/faq/index.html` becomes `public/p/<customer-id>/en/faq/index.html`.
/// `portals` gives each portal's folder (`p/<token>/`) and customer id; any other
/// token-like folder under `p/` becomes `p/…/`. For messages that may end up in a
/// public CI log.
pub fn redact_portal_paths<'a>(
    text: &str,
    portals: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> String {
    let mut out = text.to_string();
    for (path, customer) in portals {
        let folder = path.trim_end_matches('/');
        if out.contains(folder) {
            out = out.replace(folder, &format!("{PORTAL_ROOT}{customer}"));
        }
    }
    redact_unknown_tokens(&out)
}

/// Replaces what looks like a portal token after `p/` (26 characters of the
/// lower-case base32 alphabet, then a separator or the end) with `…`.
fn redact_unknown_tokens(text: &str) -> String {
    let is_token_char = |c: u8| c.is_ascii_lowercase() || (b'2'..=b'7').contains(&c);
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut rest = 0;
    let mut i = 0;
    while let Some(found) = text[i..].find(PORTAL_ROOT) {
        let start = i + found + PORTAL_ROOT.len();
        let end = start + 26;
        let at_boundary = i + found == 0 || !bytes[i + found - 1].is_ascii_alphanumeric();
        let token = bytes
            .get(start..end)
            .is_some_and(|t| t.iter().all(|&c| is_token_char(c)));
        let closed = bytes.get(end).is_none_or(|&c| !c.is_ascii_alphanumeric());
        if at_boundary && token && closed {
            out.push_str(&text[rest..start]);
            out.push('…');
            rest = end;
            i = end;
        } else {
            i = start;
        }
    }
    out.push_str(&text[rest..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_stable_long_and_secret_dependent() {
        let a = PortalSecret::from_text("a secret that is long enough to be accepted ok").unwrap();
        let b =
            PortalSecret::from_text("another secret that is long enough to be accepted").unwrap();
        let t = portal_token(&a, "acme", 0);
        assert_eq!(t.len(), 26);
        assert!(
            t.bytes()
                .all(|c| c.is_ascii_lowercase() || (b'2'..=b'7').contains(&c))
        );
        assert_eq!(t, portal_token(&a, "acme", 0));
        assert_ne!(
            t,
            portal_token(&a, "acme", 1),
            "rotation issues a new token"
        );
        assert_ne!(t, portal_token(&a, "acmf", 0));
        assert_ne!(
            t,
            portal_token(&b, "acme", 0),
            "the token depends on the secret"
        );
        assert!(!t.contains("acme"));
    }

    #[test]
    fn short_secrets_are_refused_and_never_printed() {
        assert_eq!(
            PortalSecret::from_text("short"),
            Err(SecretError::TooShort(5))
        );
        let s = PortalSecret::from_text("x".repeat(40).as_str()).unwrap();
        assert_eq!(format!("{s:?}"), "PortalSecret(..)");
        assert_eq!(PortalSecret::generate_text().unwrap().len(), 64);
    }

    #[test]
    fn the_dashboard_token_is_no_portals_and_moves_with_its_rotation() {
        let secret = PortalSecret::insecure_for_tests();
        let other = PortalSecret::from_text(&"y".repeat(40)).unwrap();
        let t = dashboard_token(&secret, 0);
        assert_eq!(t.len(), 26);
        assert_eq!(t, dashboard_token(&secret, 0));
        assert_ne!(t, dashboard_token(&secret, 1));
        assert_ne!(t, dashboard_token(&other, 0));
        // Not the portal of a customer named like the dashboard's message.
        for id in ["dashboard", "gangway dashboard", "", "0"] {
            for rotation in 0..3 {
                assert_ne!(t, portal_token(&secret, id, rotation), "{id}");
            }
        }
    }

    #[test]
    fn base32_matches_rfc_4648() {
        assert_eq!(base32(b"foobar"), "mzxw6ytboi");
        assert_eq!(base32(b"f"), "my");
    }

    #[test]
    fn portal_folders_in_messages_are_named_by_customer() {
        let secret = PortalSecret::insecure_for_tests();
        let acme = portal_token(&secret, "acme", 0);
        let other = portal_token(&secret, "zeta", 0);
        let message = format!(
            "cannot write public/p/{acme}/en/faq/index.html: No space left on device; \
             see also p/{other}/ and p/{other}"
        );
        let path = format!("p/{acme}/");
        let shown = redact_portal_paths(&message, [(path.as_str(), "acme")]);
        assert_eq!(
            shown,
            "cannot write public/p/acme/en/faq/index.html: No space left on device; \
             see also p/…/ and p/…"
        );
        assert!(!shown.contains(&acme) && !shown.contains(&other));
        // Words that merely start like a folder stay.
        let plain = "p/short and up/p/abcdefghijklmnopqrstuvwxyz234567";
        assert_eq!(redact_portal_paths(plain, []), plain);
    }
}
