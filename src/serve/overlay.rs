//! What `serve` adds to HTML pages: the live-reload script and, while the last
//! rebuild failed, the error overlay.
//!
//! This module owns that markup and where it goes (just before the last
//! `</body>`). The added block is wrapped in [`INJECTION_START`] and
//! [`INJECTION_END`] so tests can remove it and compare the rest with a build
//! byte for byte. It must only ever touch responses of `serve`, never files that
//! `build` writes. Diagnostics are rendered by [`crate::report`], as in the
//! terminal, and escaped here.

use crate::diagnostic::{Diagnostic, Severity};
use crate::report::{self, Format};

/// Where the block `serve` adds to an HTML page starts.
pub const INJECTION_START: &str = "<!--gangway-serve-->";
/// Where the block `serve` adds to an HTML page ends.
pub const INJECTION_END: &str = "<!--/gangway-serve-->";
/// The id of the overlay's element, for tests and user styles.
pub const OVERLAY_ID: &str = "gangway-overlay";

/// Where [`RELOAD_SCRIPT`] is served.
pub(crate) const RELOAD_SCRIPT_PATH: &str = "/__gangway/reload.js";
/// Where [`OVERLAY_STYLE`] is served.
pub(crate) const OVERLAY_STYLE_PATH: &str = "/__gangway/overlay.css";

/// Reloads the page when the server reports a generation other than the one in
/// its `data-generation` (a rebuild finished, or the server restarted), and lets
/// the overlay's button hide it.
pub(crate) const RELOAD_SCRIPT: &str = "(function(){\
var me=document.currentScript,g=me&&me.dataset.generation;\
var s=new EventSource(\"/__gangway/events\");\
s.addEventListener(\"build\",function(e){if(e.data!==g){s.close();location.reload();}});\
document.addEventListener(\"click\",function(e){\
var b=e.target&&e.target.closest&&e.target.closest(\"[data-gangway-hide]\");\
if(b){var o=document.getElementById(\"gangway-overlay\");if(o)o.remove();}});\
})();\n";

/// The overlay's look.
pub(crate) const OVERLAY_STYLE: &str = "#gangway-overlay{position:fixed;left:0;right:0;bottom:0;\
max-height:60vh;overflow:auto;z-index:2147483647;margin:0;padding:12px 16px;\
background:#1b1b1f;color:#f2f2f2;border-top:4px solid #e5484d;\
font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;text-align:left}\n\
#gangway-overlay button{float:right;font:inherit;background:none;color:inherit;\
border:1px solid #666;border-radius:3px;cursor:pointer}\n\
#gangway-overlay .gangway-summary{margin:0 0 8px;font-weight:bold}\n\
#gangway-overlay section{margin:8px 0 0}\n\
#gangway-overlay .gangway-place{margin:0}\n\
#gangway-overlay .gangway-error{color:#ff8a8a}\n\
#gangway-overlay .gangway-warning{color:#f5c86a}\n\
#gangway-overlay pre{margin:4px 0 0;white-space:pre-wrap;color:#ddd}\n\
#gangway-unsealed{position:sticky;bottom:0;z-index:2147483646;margin:0;padding:10px 16px;\
background:#fff4d6;color:#3d2c00;border-top:4px solid #c98a00;\
font:14px/1.45 system-ui,sans-serif;text-align:left}\n\
#gangway-unsealed code{font:13px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}\n";

/// The block added to a page served at `generation`: the reload script
/// ([`RELOAD_SCRIPT`]), preceded by the unencrypted-portal `banner` and
/// `overlay`, with their stylesheet, when there are.
pub(crate) fn block(generation: u64, overlay: Option<&str>, banner: Option<&str>) -> String {
    let overlay = match (banner, overlay) {
        (None, None) => String::new(),
        (banner, panel) => format!(
            "<link rel=\"stylesheet\" href=\"{OVERLAY_STYLE_PATH}\">{}{}",
            banner.unwrap_or(""),
            panel.unwrap_or("")
        ),
    };
    format!(
        "{INJECTION_START}{overlay}<script src=\"{RELOAD_SCRIPT_PATH}\" \
data-generation=\"{generation}\"></script>{INJECTION_END}"
    )
}

/// The id of the banner on the pages of an encrypted portal shown unencrypted.
pub const UNSEALED_ID: &str = "gangway-unsealed";

/// The banner on every page of an encrypted portal (or dashboard) that `serve`
/// shows unencrypted because `var`, which holds its passphrase, is not set.
pub(crate) fn unsealed_banner(var: &str) -> String {
    format!(
        "<div id=\"{UNSEALED_ID}\" role=\"note\"><strong>Shown unencrypted.</strong> \
This portal is encrypted, but its passphrase is not available here ({} is not set), \
so it is shown unencrypted, to this computer alone. \
A published build is encrypted: <code>gangway build</code> needs the passphrase.</div>",
        crate::html::escape(var)
    )
}

/// `html` with `block` inserted before the last `</body>` (in any case), or at
/// the end when there is none.
pub(crate) fn inject(html: &[u8], block: &str) -> Vec<u8> {
    const CLOSE: &[u8] = b"</body>";
    let at = html
        .windows(CLOSE.len())
        .rposition(|w| w.eq_ignore_ascii_case(CLOSE))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + block.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(block.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// The overlay for a failed rebuild: a fixed panel listing each diagnostic with
/// its file and line, rendered as in the terminal (which never quotes a
/// customer's internal notes).
pub(crate) fn panel(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let mut out = panel_start(errors, diagnostics.len() - errors);
    for d in diagnostics {
        let d = report::without_notes(d);
        let place = match d.location() {
            Some((path, line, column)) => format!("{path}:{line}:{column}"),
            None => "(no file)".to_string(),
        };
        let class = match d.severity {
            Severity::Error => "gangway-error",
            Severity::Warning => "gangway-warning",
        };
        out.push_str(&format!(
            "<section><p class=\"gangway-place {class}\">\
{} {}[{}]: {}</p><pre>{}</pre></section>",
            crate::html::escape(&place),
            d.severity.as_str(),
            crate::html::escape(d.code.as_str()),
            crate::html::escape(&d.message),
            crate::html::escape(
                report::render(std::slice::from_ref(&*d), Format::Human, false).trim_end()
            ),
        ));
    }
    out.push_str("</div>");
    out
}

/// The overlay for a browser on another machine: that the site is broken, and
/// where to read why, without the diagnostics (they quote the site's files).
pub(crate) fn summary(errors: usize, warnings: usize) -> String {
    let mut out = panel_start(errors, warnings);
    out.push_str(
        "<p class=\"gangway-place\">The problems are shown in the terminal running \
<code>gangway serve</code> and in a browser on that machine.</p></div>",
    );
    out
}

/// The panel's opening tag, hide button and headline; the caller closes the `<div>`.
fn panel_start(errors: usize, warnings: usize) -> String {
    format!(
        "<div id=\"{OVERLAY_ID}\" role=\"alert\">\
<button type=\"button\" data-gangway-hide>hide</button>\
<p class=\"gangway-summary\">gangway: the last change broke the \
site ({}); showing the last good version until it is fixed.</p>",
        crate::html::escape(&report::summary(errors, warnings))
    )
}

/// The page served for every path before the site has ever built.
pub(crate) fn no_site_page() -> &'static [u8] {
    b"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>gangway serve</title></head>\n<body><p>The site has not built yet: fix the problems below and this page reloads by itself.</p>\n</body></html>\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;

    #[test]
    fn the_block_goes_before_the_last_body_end() {
        let html = b"<html><body><p>x</p></BODY></html>";
        let out = inject(html, "[B]");
        assert_eq!(out, b"<html><body><p>x</p>[B]</BODY></html>");
        assert_eq!(inject(b"<p>no body</p>", "[B]"), b"<p>no body</p>[B]");
    }

    #[test]
    fn the_panel_escapes_messages() {
        let d = Diagnostic::error(Code::InvalidValue, "a <script> & more");
        let panel = panel(&[d]);
        assert!(panel.contains("a &lt;script&gt; &amp; more"), "{panel}");
        assert!(!panel.contains("<script>"));
    }

    /// Pages carry a Content-Security-Policy without 'unsafe-inline': nothing
    /// `serve` adds may be an inline script, a `style` or an `on…` attribute.
    #[test]
    fn nothing_added_is_inline() {
        let d = Diagnostic::error(Code::InvalidValue, "broken");
        let banner = unsealed_banner("ACME_<b>PASSPHRASE");
        let added = block(7, Some(&panel(&[d])), Some(&banner));
        assert!(added.contains("id=\"gangway-unsealed\""), "{added}");
        assert!(
            added.contains("(ACME_&lt;b&gt;PASSPHRASE is not set)"),
            "{added}"
        );
        assert!(
            added.contains("<script src=\"/__gangway/reload.js\" data-generation=\"7\"></script>")
        );
        assert!(!added.contains("<script>"), "{added}");
        assert!(!added.contains("style=\""), "{added}");
        assert!(!added.contains(" on"), "{added}");
        assert!(added.contains("<link rel=\"stylesheet\" href=\"/__gangway/overlay.css\">"));
        assert!(RELOAD_SCRIPT.contains(OVERLAY_ID));
    }
}
