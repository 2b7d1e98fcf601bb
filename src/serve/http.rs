//! The HTTP side of `serve`: the site from memory, the live-reload event stream
//! and the status endpoint.
//!
//! This module owns how a request path becomes an output file: percent-decoded,
//! refused if it could name anything outside the output (`..`, `.`, NUL, `\`),
//! `dir/` served as `dir/index.html`, a folder without its slash redirected, and
//! anything unknown answered with the site's own 404 page. It also owns content
//! types. It never touches the file system: every byte comes from the last good
//! build held in memory ([`Snapshot`]), so no path can escape the output.
//!
//! Every request first passes the host check ([`super::host`]): a request for
//! another host gets 403 and nothing else.
//!
//! Reserved paths live under `/__gangway/`: `events` (Server-Sent Events, one
//! `build` event with the generation on connect and after every rebuild),
//! `status` (JSON, for tests and scripts), and the live-reload script and the
//! overlay's stylesheet that `overlay` adds to pages (files, not inline, so the
//! pages' Content-Security-Policy allows them).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Extension, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::sse::{Event as SseEvent, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::Stream;
use percent_encoding::percent_decode_str;

use super::host::{self, Access};
use super::overlay;
use super::{Shared, Snapshot};

/// The routes of the server, every one behind the host check.
pub(crate) fn router(shared: Shared) -> Router {
    Router::new()
        .route("/__gangway/events", get(events))
        .route("/__gangway/status", get(status))
        .route(overlay::RELOAD_SCRIPT_PATH, get(reload_script))
        .route(overlay::OVERLAY_STYLE_PATH, get(overlay_style))
        .fallback(site)
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            check_host,
        ))
        .with_state(shared)
}

/// Refuses (403) a request whose `Host` header, or the authority of its URI,
/// is not one the server answers to ([`host::Hosts`]). An accepted request goes
/// on with its [`Access`]: `Local` only when it also came over loopback.
async fn check_host(State(shared): State<Shared>, mut request: Request, next: Next) -> Response {
    let header = request
        .headers()
        .get(header::HOST)
        .map(|value| value.to_str().unwrap_or("\u{fffd}"));
    let mut access = shared.hosts.access(header);
    if let Some(authority) = request.uri().authority() {
        access = access.max(shared.hosts.access(Some(authority.as_str())));
    }
    if access == Access::Refused {
        let shown = header.or(request.uri().authority().map(|a| a.as_str()));
        return respond(
            StatusCode::FORBIDDEN,
            "text/plain; charset=utf-8",
            Bytes::from(host::refusal(shown)),
        );
    }
    let over_loopback = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .is_some_and(|ConnectInfo(peer)| peer.ip().is_loopback());
    if !over_loopback {
        access = Access::Allowed;
    }
    request.extensions_mut().insert(access);
    next.run(request).await
}

/// The live-reload stream: the current generation at once, then each new one.
/// It ends when the server stops, so graceful shutdown is not held up.
async fn events(
    State(shared): State<Shared>,
) -> Sse<impl Stream<Item = Result<SseEvent, Infallible>>> {
    let rx = shared.snapshots.clone();
    let stream = futures_util::stream::unfold((rx, true), |(mut rx, first)| async move {
        if !first && rx.changed().await.is_err() {
            return None;
        }
        let generation = rx.borrow_and_update().generation;
        let event = SseEvent::default()
            .event("build")
            .data(generation.to_string());
        Some((Ok(event), (rx, false)))
    });
    Sse::new(stream)
}

/// `{"generation":3,"ok":true,"errors":0,"warnings":1,"files":42,"busy":false,"batches":2}`:
/// `generation` counts builds (the first is 1), `busy` is true while changes are
/// waiting to be built or being built, and `batches` counts batches of changes
/// looked at, including those that changed no source bytes and built nothing.
async fn status(State(shared): State<Shared>) -> Response {
    let snapshot = shared.snapshots.borrow().clone();
    let body = serde_json::json!({
        "generation": snapshot.generation,
        "ok": snapshot.errors == 0,
        "errors": snapshot.errors,
        "warnings": snapshot.warnings,
        "files": snapshot.files.len(),
        "busy": shared.busy.load(Ordering::SeqCst),
        "batches": shared.batches.load(Ordering::SeqCst),
        "incremental": snapshot.incremental,
        "stale_portals": snapshot.stale.len(),
    });
    respond(
        StatusCode::OK,
        "application/json",
        Bytes::from(body.to_string()),
    )
}

async fn reload_script() -> Response {
    respond(
        StatusCode::OK,
        "text/javascript; charset=utf-8",
        Bytes::from_static(overlay::RELOAD_SCRIPT.as_bytes()),
    )
}

async fn overlay_style() -> Response {
    respond(
        StatusCode::OK,
        "text/css; charset=utf-8",
        Bytes::from_static(overlay::OVERLAY_STYLE.as_bytes()),
    )
}

/// The portal folder (`p/<token>/`) a path lies in.
fn portal_folder(path: &str) -> Option<&str> {
    let rest = path.strip_prefix(crate::privacy::PORTAL_ROOT)?;
    let end = rest.find('/')? + crate::privacy::PORTAL_ROOT.len() + 1;
    Some(&path[..end])
}

/// The passphrase variable of the portal (or dashboard) `path` lies in, when
/// it is shown unencrypted for want of its passphrase.
fn unsealed_var<'a>(snapshot: &'a Snapshot, path: &str) -> Option<&'a str> {
    let dir = portal_folder(path)?;
    let portals = snapshot.portals.iter().map(|p| (&p.path, &p.unsealed));
    let dashboard = snapshot.dashboard.iter().map(|d| (&d.path, &d.unsealed));
    portals
        .chain(dashboard)
        .find(|(folder, _)| folder.as_str() == dir)
        .and_then(|(_, var)| var.as_deref())
}

/// A file of the site, or the site's 404 page.
async fn site(
    State(shared): State<Shared>,
    Extension(access): Extension<Access>,
    method: Method,
    uri: Uri,
) -> Response {
    if method != Method::GET && method != Method::HEAD {
        let mut response = respond(
            StatusCode::METHOD_NOT_ALLOWED,
            "text/plain; charset=utf-8",
            Bytes::from_static(b"only GET and HEAD\n"),
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let mut snapshot = shared.snapshots.borrow().clone();
    // A portal left out of date by a playbook edit is rendered before it is served.
    if let Lookup::File(path) = lookup(&snapshot, uri.path())
        && let Some(dir) = portal_folder(&path)
        && snapshot.stale.contains(dir)
    {
        let (done, rendered) = tokio::sync::oneshot::channel();
        if shared
            .events
            .send(super::Event::Render(dir.to_string(), done))
            .is_ok()
        {
            let _ = tokio::time::timeout(std::time::Duration::from_secs(300), rendered).await;
        }
        snapshot = shared.snapshots.borrow().clone();
    }
    match lookup(&snapshot, uri.path()) {
        Lookup::File(path) => {
            let bytes = snapshot.files.get(&path).cloned().unwrap_or_default();
            page(&snapshot, access, StatusCode::OK, &path, bytes)
        }
        Lookup::Redirect(to) => {
            let mut response = StatusCode::PERMANENT_REDIRECT.into_response();
            if let Ok(value) = HeaderValue::from_str(&to) {
                response.headers_mut().insert(header::LOCATION, value);
            }
            response
        }
        Lookup::NotFound(Some(path)) => {
            let bytes = snapshot.files.get(&path).cloned().unwrap_or_default();
            page(&snapshot, access, StatusCode::NOT_FOUND, &path, bytes)
        }
        Lookup::NotFound(None) => page(
            &snapshot,
            access,
            StatusCode::NOT_FOUND,
            "404.html",
            Bytes::from_static(overlay::no_site_page()),
        ),
        Lookup::Refused => respond(
            StatusCode::BAD_REQUEST,
            "text/plain; charset=utf-8",
            Bytes::from_static(b"bad path\n"),
        ),
    }
}

/// A response for an output file, with the live-reload block in HTML. The
/// overlay's details (which quote site files) go only to this machine's own
/// browser; anyone else allowed in is told that the site is broken, not why.
fn page(
    snapshot: &Snapshot,
    access: Access,
    status: StatusCode,
    path: &str,
    bytes: Bytes,
) -> Response {
    let kind = content_type(path);
    let body = if kind.starts_with("text/html") {
        let shown = match access {
            Access::Local => snapshot.overlay.as_deref(),
            _ => snapshot.overlay_summary.as_deref(),
        };
        let banner = unsealed_var(snapshot, path).map(overlay::unsealed_banner);
        let block = overlay::block(snapshot.generation, shown, banner.as_deref());
        Bytes::from(overlay::inject(&bytes, &block))
    } else {
        bytes
    };
    respond(status, kind, body)
}

fn respond(status: StatusCode, content_type: &'static str, body: Bytes) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    // A preview must never show a stale page after a rebuild.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// What a request path names.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Lookup {
    /// This output file.
    File(String),
    /// A folder asked for without its trailing slash: go here instead.
    Redirect(String),
    /// Nothing: serve this 404 page (`None` before the site has ever built).
    NotFound(Option<String>),
    /// A path that could escape the output or is not text: 400.
    Refused,
}

/// Resolves a request path (still percent-encoded) against the site's files.
pub(crate) fn lookup(snapshot: &Snapshot, raw: &str) -> Lookup {
    let Some(path) = decode(raw) else {
        return Lookup::Refused;
    };
    let key = if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.clone()
    };
    if snapshot.files.contains_key(&key) {
        return Lookup::File(key);
    }
    if !path.is_empty()
        && !path.ends_with('/')
        && snapshot.files.contains_key(&format!("{path}/index.html"))
    {
        return Lookup::Redirect(format!("{raw}/"));
    }
    // A language's own 404 page (`ms/404.html`) for paths under its folder.
    let local = path
        .split_once('/')
        .map(|(first, _)| format!("{first}/404.html"))
        .filter(|p| snapshot.files.contains_key(p));
    let fallback = Some("404.html".to_string()).filter(|p| snapshot.files.contains_key(p));
    Lookup::NotFound(local.or(fallback))
}

/// The path without its leading `/`, percent-decoded; `None` when it is not
/// UTF-8 or has a `.` or `..` component, a NUL or a backslash, before or after
/// decoding.
pub(crate) fn decode(raw: &str) -> Option<String> {
    let raw = raw.strip_prefix('/')?;
    let path = percent_decode_str(raw).decode_utf8().ok()?.into_owned();
    let unsafe_component = path.split('/').any(|c| c == "." || c == "..");
    if unsafe_component || path.contains('\0') || path.contains('\\') {
        return None;
    }
    Some(path)
}

/// The `Content-Type` for an output path, by its extension.
pub(crate) fn content_type(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    let extension = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "ics" => "text/calendar; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        // Host configuration such as `_headers` and `_redirects` is text.
        "" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(paths: &[&str]) -> Snapshot {
        Snapshot {
            files: crate::serve::files::Files::new(
                paths
                    .iter()
                    .map(|p| crate::output::OutputFile {
                        path: p.to_string(),
                        bytes: b"x".to_vec(),
                    })
                    .collect(),
            ),
            ..Snapshot::default()
        }
    }

    #[test]
    fn portal_folders_are_found_by_path() {
        assert_eq!(portal_folder("p/abc/checklist/index.html"), Some("p/abc/"));
        assert_eq!(portal_folder("p/abc/index.html"), Some("p/abc/"));
        assert_eq!(portal_folder("p/abc"), None);
        assert_eq!(portal_folder("kb/index.html"), None);
    }

    #[test]
    fn paths_that_could_escape_are_refused() {
        for raw in [
            "/../../etc/passwd",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
            "/kb/..%2f..%2fetc/passwd",
            "/..%5c..%5cetc%5cpasswd",
            "/a%00b",
            "/./index.html",
            "/%ff",
            "relative",
        ] {
            assert_eq!(decode(raw), None, "{raw}");
        }
        assert_eq!(decode("/kb/caf%C3%A9/").as_deref(), Some("kb/café/"));
    }

    #[test]
    fn folders_and_missing_pages() {
        let s = snapshot(&["index.html", "kb/index.html", "404.html", "ms/404.html"]);
        assert_eq!(lookup(&s, "/"), Lookup::File("index.html".into()));
        assert_eq!(lookup(&s, "/kb/"), Lookup::File("kb/index.html".into()));
        assert_eq!(lookup(&s, "/kb"), Lookup::Redirect("/kb/".into()));
        assert_eq!(
            lookup(&s, "/nope"),
            Lookup::NotFound(Some("404.html".into()))
        );
        assert_eq!(
            lookup(&s, "/ms/nope/"),
            Lookup::NotFound(Some("ms/404.html".into()))
        );
        assert_eq!(lookup(&snapshot(&[]), "/x"), Lookup::NotFound(None));
    }

    #[test]
    fn content_types_by_extension() {
        assert_eq!(
            content_type("p/x/calendar.ics"),
            "text/calendar; charset=utf-8"
        );
        assert_eq!(content_type("p/x/plan.json"), "application/json");
        assert_eq!(content_type("assets/style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("_headers"), "text/plain; charset=utf-8");
        assert_eq!(content_type("a.PNG"), "image/png");
    }
}
