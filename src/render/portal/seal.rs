//! An encrypted portal: every page becomes an unlock page in its language, the
//! calendars and the plan become `.enc` envelopes the decrypted pages download.

use sha2::{Digest, Sha256};

use crate::lang::Lang;
use crate::model::Customer;
use crate::output::OutputFile;
use crate::render::{RenderInput, portal_dir};

/// Encrypts every file of a portal.
///
/// Salts and nonces come from a stream keyed by the portal secret, the file's path
/// and its content: unique for every page and every change, and the same for the
/// same content, so builds stay byte-identical.
pub(super) fn seal_portal(
    input: &RenderInput<'_>,
    customer: &Customer,
    passphrase: &str,
    files: Vec<OutputFile>,
) -> Vec<OutputFile> {
    let dir = portal_dir(customer);
    seal_folder(input, &dir, passphrase, files, &|rel| {
        page_language(input, customer, rel)
    })
}

/// Whom an unlock page names for a lost passphrase, as HTML: the vendor's support
/// address and site (`[vendor]` in gangway.toml, both checked URLs), or nothing.
fn unlock_contact(vendor: &crate::config::Vendor, ask: &str, support_site: &str) -> String {
    use crate::html::escape;
    let mut links = Vec::new();
    if !vendor.support_email.is_empty() {
        let email = escape(&vendor.support_email);
        links.push(format!("<a href=\"mailto:{email}\">{email}</a>"));
    }
    if !vendor.support_url.is_empty() {
        links.push(format!(
            "<a href=\"{}\">{}</a>",
            escape(&vendor.support_url),
            escape(support_site)
        ));
    }
    if links.is_empty() {
        return String::new();
    }
    format!("{} {}", escape(ask), links.join(" · "))
}

/// Encrypts every file of the folder `dir` (a portal, the dashboard) as
/// [`seal_portal`] does; `language` gives the language of the unlock page for a
/// page at a path relative to `dir`.
pub(crate) fn seal_folder<'a>(
    input: &'a RenderInput<'_>,
    dir: &str,
    passphrase: &str,
    files: Vec<OutputFile>,
    language: &dyn Fn(&str) -> &'a Lang,
) -> Vec<OutputFile> {
    let unlock_csp = input.site.config.csp.unlock();
    files
        .into_iter()
        .map(|file| {
            let rel = file
                .path
                .strip_prefix(dir)
                .unwrap_or(&file.path)
                .to_string();
            let mut rng = seeded_stream(input, &file);
            if rel.ends_with(".html") {
                let lang = language(&rel);
                let strings = input.site.theme.strings.get(lang);
                let s = |key: &str| {
                    strings
                        .and_then(|m| m.get(key))
                        .map(String::as_str)
                        .unwrap_or("")
                };
                let vendor = &input.site.config.vendor;
                let who = if vendor.name.is_empty() {
                    input.site.config.title_in(lang)
                } else {
                    vendor.name.as_str()
                };
                let hint = s("seal_hint").replace("{vendor}", who);
                let contact_html = unlock_contact(vendor, s("seal_contact"), s("support_site"));
                let text = crate::seal::UnlockText {
                    lang: lang.as_str(),
                    title: s("seal_title"),
                    prompt: s("seal_prompt"),
                    button: s("seal_button"),
                    working: s("seal_working"),
                    wrong: s("seal_wrong"),
                    remember: s("seal_remember"),
                    no_js: s("seal_no_js"),
                    unsupported: s("seal_unsupported"),
                    download_failed: s("seal_download_failed"),
                    vendor: who,
                    hint: &hint,
                    contact_html: &contact_html,
                    csp: &unlock_csp,
                };
                let root = "../".repeat(rel.matches('/').count());
                let bytes = crate::seal::seal_html(
                    &file.bytes,
                    passphrase,
                    input.seal_iterations,
                    &mut rng,
                    &text,
                    &root,
                );
                OutputFile {
                    path: file.path,
                    bytes,
                }
            } else {
                // The calendars (`calendar.ics`, `calendar-<role>.ics`) lie at
                // the portal's root; their names are made of ids.
                let (media, name) = match rel.as_str() {
                    "plan.json" => ("application/json", "plan.json"),
                    search if search.ends_with("search.json") => {
                        ("application/json", "search.json")
                    }
                    ics if ics.starts_with("calendar")
                        && ics.ends_with(".ics")
                        && !ics.contains('/') =>
                    {
                        ("text/calendar", ics)
                    }
                    _ => ("application/octet-stream", "download"),
                };
                let bytes = crate::seal::seal_blob(
                    &file.bytes,
                    passphrase,
                    input.seal_iterations,
                    &mut rng,
                    media,
                    name,
                );
                OutputFile {
                    path: format!("{}{}", file.path, crate::seal::BLOB_SUFFIX),
                    bytes,
                }
            }
        })
        .collect()
}

/// The random bytes for sealing `file`: a stream keyed by the portal secret, the
/// file's path and its content.
fn seeded_stream<'a>(input: &'a RenderInput<'_>, file: &OutputFile) -> impl FnMut(&mut [u8]) + 'a {
    let seed = input.secret.mac(
        &[
            b"gangway seal\0".as_slice(),
            file.path.as_bytes(),
            b"\0",
            &Sha256::digest(&file.bytes),
        ]
        .concat(),
    );
    let mut counter: u64 = 0;
    move |buf: &mut [u8]| {
        for chunk in buf.chunks_mut(32) {
            let block = input
                .secret
                .mac(&[seed.as_slice(), &counter.to_le_bytes()].concat());
            chunk.copy_from_slice(&block[..chunk.len()]);
            counter += 1;
        }
    }
}

/// The language of the page at `rel` in the portal: a language folder inside the
/// portal, else the customer's.
fn page_language<'a>(input: &'a RenderInput<'_>, customer: &'a Customer, rel: &str) -> &'a Lang {
    input
        .site
        .config
        .languages
        .iter()
        .find(|l| rel.starts_with(&format!("{l}/")))
        .unwrap_or(&customer.language)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use crate::options::BuildOptions;
    use crate::seal::{BLOB_SUFFIX, open_blob, open_html};

    const PASSPHRASE: &str = "correct horse battery staple lantern";

    /// The starter site with its customer's portal encrypted: every file, by path.
    fn sealed_starter() -> BTreeMap<String, Vec<u8>> {
        let mut tree = crate::init::starter_tree();
        let path = "customers/example-customer.yaml";
        let mut text =
            String::from_utf8(tree.get(path).expect("starter customer").to_vec()).expect("UTF-8");
        text.push_str("encrypt:\n  passphrase_env: ACME_PASSPHRASE\n");
        tree.insert(path, text);
        let mut options = BuildOptions::for_tests(jiff::civil::date(2026, 12, 14));
        options.env = crate::secret::Secret::new(BTreeMap::from([(
            "ACME_PASSPHRASE".to_string(),
            PASSPHRASE.to_string(),
        )]));
        let compiled = crate::build::compile(&tree, &options);
        assert!(!compiled.has_errors(), "{:?}", compiled.diagnostics);
        compiled
            .files
            .into_iter()
            .map(|f| (f.path, f.bytes))
            .collect()
    }

    /// Each role's calendar is sealed like `calendar.ics`, and the decrypted
    /// timeline offers every calendar as a download (a subscription cannot
    /// decrypt), saying so.
    #[test]
    fn role_calendars_are_sealed_and_offered_as_downloads() {
        let files = sealed_starter();
        let timeline = files
            .keys()
            .find(|p| p.starts_with("p/") && p.ends_with("/timeline/index.html"))
            .expect("the portal's timeline");
        let dir = &timeline[..timeline.len() - "timeline/index.html".len()];
        let page = String::from_utf8(open_html(&files[timeline], PASSPHRASE).expect("opens"))
            .expect("UTF-8");
        for name in ["calendar.ics", "calendar-admin.ics", "calendar-csm.ics"] {
            let sealed = files
                .get(&format!("{dir}{name}{BLOB_SUFFIX}"))
                .unwrap_or_else(|| panic!("no sealed {name}"));
            assert!(
                !files.contains_key(&format!("{dir}{name}")),
                "{name} in clear"
            );
            let text =
                String::from_utf8(open_blob(sealed, PASSPHRASE).expect("opens")).expect("UTF-8");
            assert!(text.starts_with("BEGIN:VCALENDAR\r\n"), "{name}");
            assert!(
                page.contains(&format!(
                    "{name}{BLOB_SUFFIX}\" type=\"text/calendar\" data-sealed-download download=\"{name}\""
                )),
                "{name}: {page}"
            );
        }
        assert!(
            page.contains("<p class=\"more calendars\">Download: "),
            "{page}"
        );
        assert!(page.contains("does not update by itself"), "{page}");
    }
}
