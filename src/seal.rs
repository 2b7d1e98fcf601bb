//! Page encryption: turning a finished portal file into a passphrase-protected one.
//!
//! This module owns the sealed formats, the unlock page and the rules a
//! passphrase must meet ([`check_passphrase`]), and nothing else. An HTML page becomes a
//! small *unlock page* (the template `theme/seal/unlock.html`) that carries the
//! page as ciphertext and decrypts it in the browser with WebCrypto once the
//! reader types the passphrase; any other file (`calendar.ics`, `plan.json`)
//! becomes a JSON *envelope*, written as `<name>.enc`, that the decrypted pages
//! offer as a download (see the template for the `data-sealed-download` link).
//! Deciding which portals are sealed, where the passphrase comes from and which
//! files get which treatment is the caller's business.
//!
//! Cryptography: the key is PBKDF2-HMAC-SHA256 of the passphrase (UTF-8, NFC)
//! with 16 random salt bytes and [`ITERATIONS`] rounds, 32 bytes long; the
//! cipher is AES-256-GCM with a 12-byte random nonce and the fixed associated
//! data [`AAD`]. Salt and nonce are fresh for every file, so every file costs
//! one key derivation: ≈ 0.1 s at 600,000 rounds in an optimised build, but
//! seconds in a debug build (the generic PBKDF2 loop is compiled in this crate,
//! so `opt-level` on dependencies does not help). Both sides of the format
//! live here: the Rust writer and reader below and the browser reader in the
//! template; change them together.
//!
//! Everything here is pure apart from the random source the caller passes in
//! (`rng`): the same input and the same random bytes give the same output. The
//! portal renderer (`render/portal/seal.rs`) passes a stream keyed by the portal
//! secret, the file's path and its content, so salts and nonces are unique per
//! file and version and builds stay byte-identical. Reading sealed files back
//! (`open_html`, `open_blob`) exists only for the tests' round trips.
//!
//! Envelope (JSON, fields in this order; `name` only for downloads):
//! `{"v":1,"kdf":"PBKDF2-SHA256","iter":600000,"salt":B64,"iv":B64,"ct":B64,"type":"text/html","name":"calendar.ics"}`
//! where `ct` is the ciphertext followed by the 16-byte GCM tag, and B64 is
//! standard base64 with padding.

use std::borrow::Cow;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

#[cfg(test)]
use crate::secret::Secret;

/// PBKDF2 rounds for published portals (OWASP's 2023 figure for PBKDF2-HMAC-SHA256).
pub(crate) const ITERATIONS: u32 = 600_000;

/// The fewest characters (after NFC) a passphrase may have ([`check_passphrase`]).
pub(crate) const MIN_PASSPHRASE_CHARS: usize = 12;

/// What a sealed download's file name ends with: `calendar.ics` → `calendar.ics.enc`.
pub(crate) const BLOB_SUFFIX: &str = ".enc";

/// The envelope format version written and read here.
const VERSION: u32 = 1;
/// The key derivation named in envelopes.
const KDF: &str = "PBKDF2-SHA256";
/// Associated data bound into every ciphertext; the template passes the same bytes.
const AAD: &[u8] = b"gangway-seal/v1";
/// Media type recorded for sealed pages.
const HTML_TYPE: &str = "text/html";
const SALT_LEN: usize = 16;
const NONCE_LEN: usize = 12;
const KEY_LEN: usize = 32;
/// More rounds than this in a file being opened is treated as malformed, so a
/// hostile file cannot make [`open_html`] or [`open_blob`] run for hours.
#[cfg(test)] // Opens what was sealed, to check round trips.
const MAX_OPEN_ITERATIONS: u32 = 10_000_000;

/// The unlock page, with `{{name}}` placeholders (see [`seal_html`]).
const UNLOCK_TEMPLATE: &str = include_str!("theme/seal/unlock.html");
/// The hashes (`'sha256-…'`) of the unlock page's script and style, by the
/// Content-Security-Policy directive that allows them: the page's policy (and
/// the `_headers` one) name them, so nothing else inline may run.
pub(crate) fn unlock_hashes() -> &'static [(&'static str, String); 2] {
    static HASHES: std::sync::OnceLock<[(&'static str, String); 2]> = std::sync::OnceLock::new();
    HASHES.get_or_init(|| {
        let hash = |open: &str, close: &str| {
            let start = UNLOCK_TEMPLATE.find(open).map_or(0, |i| i + open.len());
            let end = UNLOCK_TEMPLATE[start..]
                .find(close)
                .map_or(start, |i| start + i);
            let digest = <Sha256 as sha2::Digest>::digest(&UNLOCK_TEMPLATE.as_bytes()[start..end]);
            format!("'sha256-{}'", B64.encode(digest))
        };
        [
            ("script-src", hash("<script>", "</script>")),
            ("style-src", hash("<style>", "</style>")),
        ]
    })
}

/// Where the envelope starts in an unlock page.
#[cfg(test)] // Opens what was sealed, to check round trips.
const ENVELOPE_OPEN: &str = r#"<script type="application/json" id="sealed">"#;

/// The generic interface text of an unlock page, in the portal's language.
///
/// Every field is UI text from the theme's strings: none may be customer text
/// (no customer name, not even in `title`), because the unlock page is readable
/// by anyone. Values are HTML-escaped when the page is filled in.
#[derive(Debug, Clone, Copy)]
pub(crate) struct UnlockText<'a> {
    /// The page's language tag (`<html lang>`), e.g. `en`, `ne`.
    pub lang: &'a str,
    /// Title and heading, e.g. "Protected page".
    pub title: &'a str,
    /// Label of the passphrase field, e.g. "Passphrase".
    pub prompt: &'a str,
    /// Submit button, e.g. "Unlock".
    pub button: &'a str,
    /// Button text while the key is being derived, e.g. "Unlocking…".
    pub working: &'a str,
    /// Shown when decryption fails, e.g. "That passphrase is not right. Please try again."
    pub wrong: &'a str,
    /// Label of the checkbox that keeps the passphrase for this browser session.
    pub remember: &'a str,
    /// Shown in `<noscript>`: decryption needs JavaScript.
    pub no_js: &'a str,
    /// Shown when the browser lacks WebCrypto (an old browser, or a page served
    /// over plain HTTP, where browsers withhold it).
    pub unsupported: &'a str,
    /// Shown (as an alert) when a sealed download cannot be fetched or opened.
    pub download_failed: &'a str,
    /// Whose page this is: the vendor's name (or the site's title), never the
    /// customer's. Shown above the title.
    pub vendor: &'a str,
    /// Where the passphrase comes from, e.g. "Use the passphrase Northwind sent
    /// you separately from this link."
    pub hint: &'a str,
    /// Whom to ask when the passphrase is lost, as HTML: every part of it already
    /// escaped by the caller (links to the vendor's support address and site), or empty.
    pub contact_html: &'a str,
    /// The page's Content-Security-Policy ([`crate::csp::Csp::unlock`]): the
    /// site's, not the customer's.
    pub csp: &'a str,
}

impl UnlockText<'static> {
    /// The English defaults, matching the theme's `en.toml` proposal.
    #[cfg(test)]
    pub(crate) const ENGLISH: Self = Self {
        lang: "en",
        title: "Protected page",
        prompt: "Passphrase",
        button: "Unlock",
        working: "Unlocking…",
        wrong: "That passphrase is not right. Please check it and try again.",
        remember: "Remember it until I close this browser tab",
        no_js: "This page is encrypted. Please turn on JavaScript to unlock it with your passphrase.",
        unsupported: "This browser cannot unlock the page. Please open it over https:// in an up-to-date browser.",
        download_failed: "The file could not be downloaded. Please reload the page and try again.",
        vendor: "Vendor Ltd",
        hint: "Use the passphrase Vendor Ltd sent you separately from this link.",
        contact_html: "",
        csp: "",
    };
}

/// Why sealing could not start, or why a sealed file could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum SealError {
    /// Decryption failed: the passphrase is wrong, or the file was altered
    /// (AES-GCM cannot tell the two apart).
    #[error("wrong passphrase, or the sealed file was altered")]
    #[cfg(test)]
    WrongPassphrase,
    /// The bytes are not a sealed page or envelope.
    #[error("not a sealed file: {0}")]
    #[cfg(test)]
    Malformed(String),
    /// An envelope of another format version or key derivation.
    #[error(
        "sealed with format version {version} and {kdf}; this version of gangway reads version 1 with PBKDF2-SHA256"
    )]
    #[cfg(test)]
    Unsupported {
        /// The envelope's `v`.
        version: u32,
        /// The envelope's `kdf`.
        kdf: String,
    },
    /// The passphrase is empty.
    #[error("the passphrase is empty")]
    EmptyPassphrase,
    /// The passphrase holds a control character (a line break, a tab…), which
    /// the browser's passphrase field cannot take.
    #[error(
        "the passphrase contains a control character (such as a line break or a tab), which cannot be typed into the passphrase field"
    )]
    ControlCharacter,
    /// The passphrase starts or ends with white space, usually a copying accident.
    #[error("the passphrase starts or ends with a space; remove it (spaces inside are fine)")]
    OuterWhitespace,
    /// The passphrase is shorter than [`MIN_PASSPHRASE_CHARS`].
    #[error("the passphrase has {chars} characters; use at least {min}")]
    TooShort {
        /// Its length in characters (after NFC).
        chars: usize,
        /// The minimum.
        min: usize,
    },
    /// Zero PBKDF2 rounds.
    #[error("the PBKDF2 iteration count must be at least 1")]
    #[cfg(test)]
    NoIterations,
}

/// One portal's passphrase and settings, checked once; seals that portal's files.
///
/// Keys are not cached: every file gets its own salt and so its own derivation.
/// `Sealer` is `Sync`, so files can be sealed in parallel, each call with its
/// own random source.
#[cfg(test)] // Opens what was sealed, to check round trips.
#[derive(Debug)]
pub(crate) struct Sealer<'a> {
    /// NFC form of the passphrase; never printed.
    passphrase: Secret<String>,
    iterations: u32,
    text: UnlockText<'a>,
}

#[cfg(test)] // Opens what was sealed, to check round trips.
impl<'a> Sealer<'a> {
    /// Checks the passphrase with [`check_passphrase`] and sets up sealing with
    /// [`ITERATIONS`] rounds and the given interface text.
    pub(crate) fn new(passphrase: &str, text: UnlockText<'a>) -> Result<Self, SealError> {
        check_passphrase(passphrase)?;
        Ok(Self {
            passphrase: Secret::new(nfc(passphrase).into_owned()),
            iterations: ITERATIONS,
            text,
        })
    }

    /// The same sealer with another PBKDF2 round count (tests use ~1,000 for speed).
    pub(crate) fn with_iterations(self, iterations: u32) -> Result<Self, SealError> {
        if iterations == 0 {
            return Err(SealError::NoIterations);
        }
        Ok(Self { iterations, ..self })
    }

    /// Seals one HTML page; see [`seal_html`] for `root`.
    pub(crate) fn html(
        &self,
        plain_html: &[u8],
        root: &str,
        rng: &mut dyn FnMut(&mut [u8]),
    ) -> Vec<u8> {
        seal_html(
            plain_html,
            self.passphrase.expose(),
            self.iterations,
            rng,
            &self.text,
            root,
        )
    }

    /// Seals one download; see [`seal_blob`].
    pub(crate) fn blob(
        &self,
        bytes: &[u8],
        media_type: &str,
        file_name: &str,
        rng: &mut dyn FnMut(&mut [u8]),
    ) -> Vec<u8> {
        seal_blob(
            bytes,
            self.passphrase.expose(),
            self.iterations,
            rng,
            media_type,
            file_name,
        )
    }
}

/// Checks that a passphrase can protect a portal and be typed into the unlock
/// page: not empty, no control characters, no leading or trailing white space
/// (usually a copying accident in an environment file), at least
/// [`MIN_PASSPHRASE_CHARS`] characters after NFC.
pub(crate) fn check_passphrase(passphrase: &str) -> Result<(), SealError> {
    if passphrase.is_empty() {
        return Err(SealError::EmptyPassphrase);
    }
    if passphrase.chars().any(char::is_control) {
        return Err(SealError::ControlCharacter);
    }
    if passphrase.trim() != passphrase {
        return Err(SealError::OuterWhitespace);
    }
    let chars = nfc(passphrase).chars().count();
    if chars < MIN_PASSPHRASE_CHARS {
        return Err(SealError::TooShort {
            chars,
            min: MIN_PASSPHRASE_CHARS,
        });
    }
    Ok(())
}

/// Fills `buf` from the operating system's random source; the `rng` to pass
/// to the sealing functions outside tests.
///
/// # Panics
/// If the operating system cannot provide random bytes, which on the
/// platforms gangway supports means a broken system: sealing must not go on
/// with predictable salts and nonces.
#[cfg(test)] // Opens what was sealed, to check round trips.
pub(crate) fn os_random(buf: &mut [u8]) {
    if let Err(e) = getrandom::fill(buf) {
        panic!("the operating system's random source failed: {e}");
    }
}

/// Encrypts one HTML page: returns the unlock page (HTML) that carries the ciphertext.
///
/// `root` is the relative URL from this page to the portal's root folder
/// (`"./"` for the portal's `index.html`, `"../"` one folder down): the unlock
/// script resolves it to scope the remembered passphrase to the portal. It
/// holds no customer text. `iterations` must be at least 1 ([`ITERATIONS`] in
/// production); `rng` supplies the salt and nonce. The passphrase is used as
/// given apart from NFC normalisation; [`check_passphrase`] checks it first.
pub(crate) fn seal_html(
    plain_html: &[u8],
    passphrase: &str,
    iterations: u32,
    rng: &mut dyn FnMut(&mut [u8]),
    page: &UnlockText,
    root: &str,
) -> Vec<u8> {
    let envelope = seal(plain_html, passphrase, iterations, rng, HTML_TYPE, None);
    let envelope = script_json(&envelope);
    let root = if root.is_empty() { "./" } else { root };
    fill(UNLOCK_TEMPLATE, |name| {
        Some(match name {
            "lang" => crate::html::escape(page.lang),
            "title" => crate::html::escape(page.title),
            "prompt" => crate::html::escape(page.prompt),
            "button" => crate::html::escape(page.button),
            "working" => crate::html::escape(page.working),
            "wrong" => crate::html::escape(page.wrong),
            "remember" => crate::html::escape(page.remember),
            "no_js" => crate::html::escape(page.no_js),
            "unsupported" => crate::html::escape(page.unsupported),
            "download_failed" => crate::html::escape(page.download_failed),
            "vendor" => crate::html::escape(page.vendor),
            "hint" => crate::html::escape(page.hint),
            "contact" => Cow::Borrowed(page.contact_html),
            "root" => crate::html::escape(root),
            // The portal's folder is two below the site root (`p/<token>/`).
            "icon" => Cow::Owned(format!(
                "{}../../assets/favicon.svg",
                crate::html::escape(root)
            )),
            "csp" => crate::html::escape(page.csp),
            "envelope" => Cow::Borrowed(envelope.as_str()),
            _ => return None,
        })
    })
    .into_bytes()
}

/// Encrypts any other file (`calendar.ics`, `plan.json`): returns the JSON
/// envelope, to be written as `<file_name>.enc` (see [`BLOB_SUFFIX`]).
///
/// `media_type` and `file_name` are stored in clear, so the browser can save
/// the decrypted file under that name and type: keep them generic
/// (`calendar.ics`, never a customer's name).
pub(crate) fn seal_blob(
    bytes: &[u8],
    passphrase: &str,
    iterations: u32,
    rng: &mut dyn FnMut(&mut [u8]),
    media_type: &str,
    file_name: &str,
) -> Vec<u8> {
    let envelope = seal(
        bytes,
        passphrase,
        iterations,
        rng,
        media_type,
        Some(file_name),
    );
    let mut json = serde_json::to_vec(&envelope).expect("an envelope always serialises");
    json.push(b'\n');
    json
}

/// Decrypts an unlock page written by [`seal_html`] (for tests, and for
/// gangway itself to verify round trips).
#[cfg(test)] // Opens what was sealed, to check round trips.
pub(crate) fn open_html(sealed_page: &[u8], passphrase: &str) -> Result<Vec<u8>, SealError> {
    let page = std::str::from_utf8(sealed_page)
        .map_err(|_| SealError::Malformed("the page is not UTF-8".into()))?;
    let start = page
        .find(ENVELOPE_OPEN)
        .ok_or_else(|| SealError::Malformed("no sealed envelope in the page".into()))?
        + ENVELOPE_OPEN.len();
    let len = page[start..]
        .find("</script>")
        .ok_or_else(|| SealError::Malformed("the sealed envelope is not closed".into()))?;
    open(&page.as_bytes()[start..start + len], passphrase)
}

/// Decrypts an envelope written by [`seal_blob`].
#[cfg(test)] // Opens what was sealed, to check round trips.
pub(crate) fn open_blob(envelope: &[u8], passphrase: &str) -> Result<Vec<u8>, SealError> {
    open(envelope, passphrase)
}

/// The sealed form of one file, as stored (base64 fields).
#[derive(Debug, Serialize, Deserialize)]
struct Envelope {
    v: u32,
    kdf: String,
    iter: u32,
    salt: String,
    iv: String,
    ct: String,
    #[serde(rename = "type")]
    media_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
}

fn seal(
    plain: &[u8],
    passphrase: &str,
    iterations: u32,
    rng: &mut dyn FnMut(&mut [u8]),
    media_type: &str,
    name: Option<&str>,
) -> Envelope {
    assert!(iterations > 0, "PBKDF2 needs at least one iteration");
    let mut salt = [0u8; SALT_LEN];
    let mut nonce = [0u8; NONCE_LEN];
    rng(&mut salt);
    rng(&mut nonce);
    let cipher = cipher(passphrase, &salt, iterations);
    let ct = cipher
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: plain,
                aad: AAD,
            },
        )
        .expect("AES-GCM encrypts any input gangway can hold in memory");
    Envelope {
        v: VERSION,
        kdf: KDF.to_owned(),
        iter: iterations,
        salt: B64.encode(salt),
        iv: B64.encode(nonce),
        ct: B64.encode(ct),
        media_type: media_type.to_owned(),
        name: name.map(str::to_owned),
    }
}

#[cfg(test)] // Opens what was sealed, to check round trips.
fn open(envelope: &[u8], passphrase: &str) -> Result<Vec<u8>, SealError> {
    let env: Envelope = serde_json::from_slice(envelope)
        .map_err(|e| SealError::Malformed(format!("the envelope is not valid: {e}")))?;
    if env.v != VERSION || env.kdf != KDF {
        return Err(SealError::Unsupported {
            version: env.v,
            kdf: env.kdf,
        });
    }
    if env.iter == 0 || env.iter > MAX_OPEN_ITERATIONS {
        return Err(SealError::Malformed(format!(
            "{} PBKDF2 iterations is out of range",
            env.iter
        )));
    }
    let field = |name: &str, value: &str, len: Option<usize>| {
        let bytes = B64
            .decode(value)
            .map_err(|_| SealError::Malformed(format!("`{name}` is not base64")))?;
        match len {
            Some(len) if bytes.len() != len => Err(SealError::Malformed(format!(
                "`{name}` has {} bytes, not {len}",
                bytes.len()
            ))),
            _ => Ok(bytes),
        }
    };
    let salt = field("salt", &env.salt, Some(SALT_LEN))?;
    let nonce = field("iv", &env.iv, Some(NONCE_LEN))?;
    let ct = field("ct", &env.ct, None)?;
    cipher(&nfc(passphrase), &salt, env.iter)
        .decrypt(Nonce::from_slice(&nonce), Payload { msg: &ct, aad: AAD })
        .map_err(|_| SealError::WrongPassphrase)
}

/// PBKDF2-HMAC-SHA256(NFC passphrase, salt, iterations) → AES-256-GCM.
fn cipher(passphrase: &str, salt: &[u8], iterations: u32) -> Aes256Gcm {
    let key = derive_key(passphrase, salt, iterations);
    Aes256Gcm::new_from_slice(&key).expect("the key is 32 bytes")
}

fn derive_key(passphrase: &str, salt: &[u8], iterations: u32) -> [u8; KEY_LEN] {
    let mut key = [0u8; KEY_LEN];
    pbkdf2::pbkdf2_hmac::<Sha256>(nfc(passphrase).as_bytes(), salt, iterations, &mut key);
    key
}

/// Unicode NFC, as the browser's `String.prototype.normalize('NFC')` gives it:
/// the same passphrase typed on another keyboard must give the same key.
fn nfc(s: &str) -> Cow<'_, str> {
    icu_normalizer::ComposingNormalizerBorrowed::new_nfc().normalize(s)
}

/// The envelope as JSON that is safe inside `<script>`: `<`, `>` and `&` (which
/// can only occur inside JSON strings) become `\u003c`-style escapes.
fn script_json(envelope: &Envelope) -> String {
    let json = serde_json::to_string(envelope).expect("an envelope always serialises");
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c => out.push(c),
        }
    }
    out
}

/// Replaces each `{{name}}` in `template` with `value(name)`, in one pass, so
/// a value that itself contains `{{…}}` is left alone. An unknown name stays
/// as written (the tests check the template has none).
fn fill<'v>(template: &str, value: impl Fn(&str) -> Option<Cow<'v, str>>) -> String {
    let mut out = String::with_capacity(template.len() + 4096);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}").map(|end| (&after[..end], end)) {
            Some((name, end)) => {
                match value(name) {
                    Some(v) => out.push_str(&v),
                    None => {
                        out.push_str("{{");
                        out.push_str(name);
                        out.push_str("}}");
                    }
                }
                rest = &after[end + 2..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PASS: &str = "correct horse";
    const FAST: u32 = 1_000;
    const MARKER: &str = "CHECKLIST-MARKER";

    /// A deterministic random source: 1, 2, 3, … across calls.
    fn counter() -> impl FnMut(&mut [u8]) {
        let mut n: u8 = 0;
        move |buf: &mut [u8]| {
            for b in buf {
                n = n.wrapping_add(1);
                *b = n;
            }
        }
    }

    fn sample_page() -> Vec<u8> {
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Acme Ltd – Checklist</title></head>\
             <body><h1>Acme Ltd</h1><p id=\"marker\">{MARKER}</p><p>Ünïcödé ✓ ລາວ नेपाली</p></body></html>\n"
        )
        .into_bytes()
    }

    fn sealed(rng: &mut dyn FnMut(&mut [u8])) -> Vec<u8> {
        seal_html(&sample_page(), PASS, FAST, rng, &UnlockText::ENGLISH, "./")
    }

    fn envelope_of(page: &[u8]) -> serde_json::Value {
        let page = std::str::from_utf8(page).unwrap();
        let start = page.find(ENVELOPE_OPEN).unwrap() + ENVELOPE_OPEN.len();
        let end = start + page[start..].find("</script>").unwrap();
        serde_json::from_str(&page[start..end]).unwrap()
    }

    /// Everything plain base64 decoding could get out of `text`: every run of
    /// base64 characters, decoded from each of the four alignments, in both
    /// alphabets.
    fn base64_decodings(text: &[u8]) -> Vec<Vec<u8>> {
        use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
        let mut out = Vec::new();
        for (engine, extra) in [(&STANDARD_NO_PAD, b"+/"), (&URL_SAFE_NO_PAD, b"-_")] {
            for run in text.split(|b| !(b.is_ascii_alphanumeric() || extra.contains(b))) {
                for offset in 0..4.min(run.len()) {
                    let run = &run[offset..];
                    let run = &run[..run.len() / 4 * 4];
                    if let Ok(bytes) = engine.decode(run) {
                        out.push(bytes);
                    }
                }
            }
        }
        out
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn html_round_trip() {
        let page = sealed(&mut counter());
        assert_eq!(open_html(&page, PASS).unwrap(), sample_page());
    }

    #[test]
    fn blob_round_trip() {
        let ics = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n";
        let env = seal_blob(
            ics,
            PASS,
            FAST,
            &mut counter(),
            "text/calendar",
            "calendar.ics",
        );
        assert_eq!(open_blob(&env, PASS).unwrap(), ics);
        let json: serde_json::Value = serde_json::from_slice(&env).unwrap();
        assert_eq!(json["type"], "text/calendar");
        assert_eq!(json["name"], "calendar.ics");
        assert_eq!(json["iter"], FAST);
        assert!(!contains(&env, b"VCALENDAR"));
    }

    #[test]
    fn empty_input_round_trips() {
        let env = seal_blob(
            b"",
            PASS,
            FAST,
            &mut counter(),
            "application/json",
            "plan.json",
        );
        assert_eq!(open_blob(&env, PASS).unwrap(), b"");
    }

    #[test]
    fn wrong_passphrase_is_reported() {
        let page = sealed(&mut counter());
        assert_eq!(
            open_html(&page, "correct horse!"),
            Err(SealError::WrongPassphrase)
        );
        assert_eq!(open_html(&page, ""), Err(SealError::WrongPassphrase));
        let env = seal_blob(b"x", PASS, FAST, &mut counter(), "text/plain", "x.txt");
        assert_eq!(
            open_blob(&env, "Correct horse"),
            Err(SealError::WrongPassphrase)
        );
    }

    #[test]
    fn altered_ciphertext_is_rejected() {
        let page = sealed(&mut counter());
        let mut env = envelope_of(&page);
        let mut ct = B64.decode(env["ct"].as_str().unwrap()).unwrap();
        ct[3] ^= 1;
        env["ct"] = B64.encode(ct).into();
        let env = serde_json::to_vec(&env).unwrap();
        assert_eq!(open_blob(&env, PASS), Err(SealError::WrongPassphrase));
    }

    #[test]
    fn salts_and_nonces_differ_between_seals() {
        fn pair(rng: &mut dyn FnMut(&mut [u8])) -> [serde_json::Value; 2] {
            [envelope_of(&sealed(rng)), envelope_of(&sealed(rng))]
        }
        let mut os = os_random;
        for [a, b] in [pair(&mut counter()), pair(&mut os)] {
            assert_ne!(a["salt"], b["salt"]);
            assert_ne!(a["iv"], b["iv"]);
            assert_ne!(a["ct"], b["ct"]);
            assert_ne!(a["salt"], a["iv"]);
            assert_eq!(
                B64.decode(a["salt"].as_str().unwrap()).unwrap().len(),
                SALT_LEN
            );
            assert_eq!(
                B64.decode(a["iv"].as_str().unwrap()).unwrap().len(),
                NONCE_LEN
            );
        }
    }

    #[test]
    fn same_random_bytes_give_the_same_output() {
        assert_eq!(sealed(&mut counter()), sealed(&mut counter()));
    }

    #[test]
    fn plaintext_is_not_in_the_sealed_page() {
        let plain = sample_page();
        let page = sealed(&mut os_random);
        for needle in [MARKER.as_bytes(), b"Acme", "ລາວ".as_bytes()] {
            assert!(!contains(&page, needle));
            assert!(!contains(
                &page.to_ascii_lowercase(),
                &needle.to_ascii_lowercase()
            ));
            for decoded in base64_decodings(&page) {
                assert!(
                    !contains(&decoded, needle),
                    "recoverable by base64 decoding"
                );
            }
        }
        // The check itself can find a marker that was merely base64-encoded.
        let exposed = format!("<p>{}</p>", B64.encode(&plain));
        assert!(
            base64_decodings(exposed.as_bytes())
                .iter()
                .any(|d| contains(d, MARKER.as_bytes()))
        );
        let exposed = format!("x{}", B64.encode(format!("ab{MARKER}")));
        assert!(
            base64_decodings(exposed.as_bytes())
                .iter()
                .any(|d| contains(d, MARKER.as_bytes()))
        );
    }

    #[test]
    fn only_the_envelope_depends_on_the_page() {
        let strip = |page: Vec<u8>| {
            let page = String::from_utf8(page).unwrap();
            let start = page.find(ENVELOPE_OPEN).unwrap() + ENVELOPE_OPEN.len();
            let end = start + page[start..].find("</script>").unwrap();
            format!("{}{}", &page[..start], &page[end..])
        };
        let a = seal_html(
            &sample_page(),
            PASS,
            FAST,
            &mut counter(),
            &UnlockText::ENGLISH,
            "../",
        );
        let b = seal_html(
            b"<p>other</p>",
            "another passphrase",
            2,
            &mut counter(),
            &UnlockText::ENGLISH,
            "../",
        );
        assert_eq!(strip(a), strip(b));
    }

    #[test]
    fn envelope_records_format_and_iterations() {
        let env = envelope_of(&sealed(&mut counter()));
        assert_eq!(env["v"], 1);
        assert_eq!(env["kdf"], "PBKDF2-SHA256");
        assert_eq!(env["iter"], FAST);
        assert_eq!(env["type"], "text/html");
        assert!(env.get("name").is_none());
        // 16-byte tag on top of the plaintext.
        let ct = B64.decode(env["ct"].as_str().unwrap()).unwrap();
        assert_eq!(ct.len(), sample_page().len() + 16);
        // Opening uses the recorded count, not a constant.
        let page = seal_html(b"x", PASS, 7, &mut counter(), &UnlockText::ENGLISH, "./");
        assert_eq!(envelope_of(&page)["iter"], 7);
        assert_eq!(open_html(&page, PASS).unwrap(), b"x");
    }

    #[test]
    fn derivation_matches_rfc_7914_vector() {
        // RFC 7914 section 11: PBKDF2-HMAC-SHA256, P = "passwd", S = "salt", c = 1.
        let expected = [
            0x55, 0xac, 0x04, 0x6e, 0x56, 0xe3, 0x08, 0x9f, 0xec, 0x16, 0x91, 0xc2, 0x25, 0x44,
            0xb6, 0x05, 0xf9, 0x41, 0x85, 0x21, 0x6d, 0xde, 0x04, 0x65, 0xe6, 0x8b, 0x9d, 0x57,
            0xc2, 0x0d, 0xac, 0xbc,
        ];
        assert_eq!(derive_key("passwd", b"salt", 1), expected);
    }

    #[test]
    fn passphrase_is_normalised_to_nfc() {
        let composed = "café au lait ☕ crème";
        let decomposed = "cafe\u{301} au lait ☕ cre\u{300}me";
        assert_ne!(composed, decomposed);
        let env = seal_blob(
            b"ok",
            decomposed,
            FAST,
            &mut counter(),
            "text/plain",
            "a.txt",
        );
        assert_eq!(open_blob(&env, composed).unwrap(), b"ok");
        let sealer = Sealer::new(decomposed, UnlockText::ENGLISH)
            .unwrap()
            .with_iterations(FAST)
            .unwrap();
        let page = sealer.html(b"ok", "./", &mut counter());
        assert_eq!(open_html(&page, composed).unwrap(), b"ok");
    }

    #[test]
    fn unlock_page_is_complete_and_generic() {
        let page = String::from_utf8(sealed(&mut counter())).unwrap();
        assert!(!page.contains("{{"), "unfilled placeholder");
        for needle in [
            "<html lang=\"en\">",
            "<meta name=\"viewport\"",
            "<meta name=\"robots\" content=\"noindex, nofollow",
            "<meta name=\"referrer\" content=\"no-referrer\">",
            "<title>Protected page</title>",
            "<label for=\"seal-pass\">Passphrase</label>",
            "type=\"password\"",
            "id=\"seal-remember\" type=\"checkbox\"",
            "aria-live=",
            "<noscript>",
            "data-root=\"./\"",
            "crypto.subtle.deriveKey",
            "'gangway-seal/v1'",
        ] {
            assert!(page.contains(needle), "missing {needle}");
        }
        assert!(page.contains(std::str::from_utf8(AAD).unwrap()));
    }

    #[test]
    fn template_placeholders_are_all_known() {
        let mut seen = std::collections::BTreeSet::new();
        let known = [
            "lang",
            "title",
            "prompt",
            "button",
            "working",
            "wrong",
            "remember",
            "no_js",
            "unsupported",
            "download_failed",
            "vendor",
            "hint",
            "contact",
            "root",
            "icon",
            "envelope",
            "csp",
        ];
        let mut rest = UNLOCK_TEMPLATE;
        while let Some(i) = rest.find("{{") {
            let end = rest[i..].find("}}").unwrap();
            let name = &rest[i + 2..i + end];
            assert!(known.contains(&name), "unknown placeholder {name}");
            seen.insert(name);
            rest = &rest[i + end..];
        }
        assert_eq!(seen.len(), known.len());
    }

    /// The unlock page's policy allows its own script and style by their hashes:
    /// they must be the hashes of exactly what the filled-in page holds.
    #[test]
    fn the_policy_hashes_match_the_pages_script_and_style() {
        let csp = crate::csp::Csp::default().unlock();
        let text = UnlockText {
            csp: &csp,
            ..UnlockText::ENGLISH
        };
        let page =
            String::from_utf8(seal_html(b"x", PASS, FAST, &mut counter(), &text, "./")).unwrap();
        let between = |open: &str, close: &str| {
            let start = page.find(open).unwrap() + open.len();
            let end = start + page[start..].find(close).unwrap();
            let digest = <Sha256 as sha2::Digest>::digest(&page.as_bytes()[start..end]);
            format!("'sha256-{}'", B64.encode(digest))
        };
        let script = between("<script>", "</script>");
        let style = between("<style>", "</style>");
        let meta = format!(
            "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">",
            crate::html::escape(&csp)
        );
        assert!(page.contains(&meta), "{page}");
        assert!(
            csp.contains(&format!("script-src 'self' {script}")),
            "{csp}"
        );
        assert!(csp.contains(&format!("style-src 'self' {style}")), "{csp}");
        // Only one executable script: the envelope is data.
        assert_eq!(page.matches("<script>").count(), 1);
    }

    #[test]
    fn interface_text_is_escaped_and_not_expanded_twice() {
        let text = UnlockText {
            title: "Tom & Jerry's <page> \"x\"",
            prompt: "{{envelope}}",
            ..UnlockText::ENGLISH
        };
        let page =
            String::from_utf8(seal_html(b"x", PASS, FAST, &mut counter(), &text, "./")).unwrap();
        assert!(page.contains("<title>Tom &amp; Jerry&#39;s &lt;page&gt; &quot;x&quot;</title>"));
        assert!(page.contains(">{{envelope}}</label>"));
        assert_eq!(open_html(page.as_bytes(), PASS).unwrap(), b"x");
    }

    #[test]
    fn envelope_cannot_close_its_script() {
        let env = seal(
            b"x",
            PASS,
            1,
            &mut counter(),
            "text/html",
            Some("</script><b>&"),
        );
        let json = script_json(&env);
        assert!(!json.contains('<') && !json.contains('>') && !json.contains('&'));
        let back: Envelope = serde_json::from_str(&json).unwrap();
        assert_eq!(back.name.as_deref(), Some("</script><b>&"));
    }

    #[test]
    fn malformed_input_is_reported() {
        assert!(matches!(
            open_html(b"<p>hello</p>", PASS),
            Err(SealError::Malformed(_))
        ));
        assert!(matches!(
            open_blob(b"{}", PASS),
            Err(SealError::Malformed(_))
        ));
        assert!(matches!(
            open_blob(&[0xff, 0xfe], PASS),
            Err(SealError::Malformed(_))
        ));
        let env = seal_blob(b"x", PASS, FAST, &mut counter(), "text/plain", "x");
        let mut json: serde_json::Value = serde_json::from_slice(&env).unwrap();
        json["v"] = 2.into();
        assert!(matches!(
            open_blob(&serde_json::to_vec(&json).unwrap(), PASS),
            Err(SealError::Unsupported { version: 2, .. })
        ));
        json["v"] = 1.into();
        json["iter"] = (MAX_OPEN_ITERATIONS + 1).into();
        assert!(matches!(
            open_blob(&serde_json::to_vec(&json).unwrap(), PASS),
            Err(SealError::Malformed(_))
        ));
        json["iter"] = FAST.into();
        json["iv"] = B64.encode([0u8; 8]).into();
        assert!(matches!(
            open_blob(&serde_json::to_vec(&json).unwrap(), PASS),
            Err(SealError::Malformed(_))
        ));
    }

    #[test]
    fn passphrases_are_checked() {
        assert_eq!(check_passphrase(""), Err(SealError::EmptyPassphrase));
        assert_eq!(
            check_passphrase("correct horse\n"),
            Err(SealError::ControlCharacter)
        );
        assert_eq!(
            check_passphrase("correct\thorse"),
            Err(SealError::ControlCharacter)
        );
        assert_eq!(
            check_passphrase(" correct horse"),
            Err(SealError::OuterWhitespace)
        );
        assert_eq!(
            check_passphrase("short one"),
            Err(SealError::TooShort { chars: 9, min: 12 })
        );
        // Counted in characters after NFC, not bytes.
        assert_eq!(
            check_passphrase("e\u{301}e\u{301}e\u{301}e\u{301}e\u{301}"),
            Err(SealError::TooShort { chars: 5, min: 12 })
        );
        assert_eq!(check_passphrase(PASS), Ok(()));
        assert_eq!(check_passphrase("ລະຫັດຜ່ານຂອງພວກເຮົາ"), Ok(()));
        assert!(Sealer::new("short", UnlockText::ENGLISH).is_err());
        let sealer = Sealer::new(PASS, UnlockText::ENGLISH).unwrap();
        assert_eq!(sealer.iterations, ITERATIONS);
        assert!(!format!("{sealer:?}").contains("horse"));
        assert_eq!(
            sealer.with_iterations(0).unwrap_err(),
            SealError::NoIterations
        );
    }

    #[test]
    fn sealer_seals_pages_and_blobs() {
        let sealer = Sealer::new(PASS, UnlockText::ENGLISH)
            .unwrap()
            .with_iterations(FAST)
            .unwrap();
        let page = sealer.html(&sample_page(), "../", &mut os_random);
        assert!(String::from_utf8_lossy(&page).contains("data-root=\"../\""));
        assert_eq!(open_html(&page, PASS).unwrap(), sample_page());
        let env = sealer.blob(b"{}", "application/json", "plan.json", &mut os_random);
        assert_eq!(open_blob(&env, PASS).unwrap(), b"{}");
    }

    /// The real cost, for the record: `cargo test -- --ignored --nocapture`.
    #[test]
    #[ignore = "slow: derives keys at the production iteration count"]
    fn production_iterations_round_trip() {
        let started = std::time::Instant::now();
        let page = seal_html(
            &sample_page(),
            PASS,
            ITERATIONS,
            &mut os_random,
            &UnlockText::ENGLISH,
            "./",
        );
        let sealed_in = started.elapsed();
        assert_eq!(envelope_of(&page)["iter"], ITERATIONS);
        let started = std::time::Instant::now();
        assert_eq!(open_html(&page, PASS).unwrap(), sample_page());
        let opened_in = started.elapsed();
        assert_eq!(
            open_html(&page, "wrong horse"),
            Err(SealError::WrongPassphrase)
        );
        println!("PBKDF2-SHA256 x {ITERATIONS} + AES-GCM: seal {sealed_in:?}, open {opened_in:?}");
    }

    /// Writes the browser test's fixture (tests/browser/seal.mjs) when
    /// `SEAL_FIXTURE_DIR` is set; otherwise does nothing. Run with
    /// `SEAL_FIXTURE_DIR=/tmp/x cargo test --lib seal::tests::browser_fixture -- --ignored`.
    #[test]
    #[ignore = "writes the browser test's fixture; needs SEAL_FIXTURE_DIR"]
    fn browser_fixture() {
        let Some(dir) = std::env::var_os("SEAL_FIXTURE_DIR") else {
            eprintln!("SEAL_FIXTURE_DIR not set: no fixture written");
            return;
        };
        let portal = std::path::Path::new(&dir).join("portal/demo");
        std::fs::create_dir_all(portal.join("checklist")).unwrap();
        let csp = crate::csp::Csp::default().unlock();
        let text = UnlockText {
            csp: &csp,
            ..UnlockText::ENGLISH
        };
        let sealer = Sealer::new(PASS, text).unwrap();
        let overview = format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Overview – Demo customer</title>\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head>\
             <body><h1>Demo customer</h1><ul id=\"checklist\"><li>{MARKER}: sign the contract ✓</li></ul>\
             <p><a id=\"next\" href=\"checklist/\">Checklist</a></p>\
             <p><a id=\"calendar\" href=\"calendar.ics.enc\" data-sealed-download download=\"calendar.ics\" type=\"text/calendar\">Add dates to your calendar (.ics)</a></p>\
             </body></html>\n"
        );
        let checklist = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Checklist</title></head>\
             <body><h1>Checklist</h1><p id=\"second\">SECOND-PAGE-MARKER</p><p><a href=\"../\">Overview</a></p></body></html>\n";
        let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//gangway//test//EN\r\nX-WR-CALNAME:CALENDAR-MARKER\r\nEND:VCALENDAR\r\n";
        std::fs::write(
            portal.join("index.html"),
            sealer.html(overview.as_bytes(), "./", &mut os_random),
        )
        .unwrap();
        std::fs::write(
            portal.join("checklist/index.html"),
            sealer.html(checklist.as_bytes(), "../", &mut os_random),
        )
        .unwrap();
        std::fs::write(
            portal.join(format!("calendar.ics{BLOB_SUFFIX}")),
            sealer.blob(
                ics.as_bytes(),
                "text/calendar",
                "calendar.ics",
                &mut os_random,
            ),
        )
        .unwrap();
        println!("fixture written: {}", portal.display());
    }
}
