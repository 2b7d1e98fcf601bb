//! `gangway serve`: every kind of edit, made on disk while the server runs, must
//! end with the server serving exactly what a clean build of the same files
//! makes (apart from the live-reload block it adds to HTML); a broken site keeps
//! the last good pages and shows an overlay; paths cannot escape the output.
//!
//! Each test starts a server in-process on 127.0.0.1, port 0, against a copy of
//! a small site in a temporary folder, edits files, waits for the rebuild by
//! polling `/__gangway/status` (bounded), and fetches every page over HTTP.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use gangway::build::WithoutPassphrase;
use gangway::serve::{self, INJECTION_END, INJECTION_START, OVERLAY_ID, ServeError, UNSEALED_ID};
use gangway::{BuildOptions, Compiled, SourceTree};

use crate::harness::{Site, TODAY};

/// How long any one wait may take before the test fails.
const PATIENCE: Duration = Duration::from_secs(10);

/// A server running on a copy of a site.
struct Served {
    dir: tempfile::TempDir,
    handle: Option<serve::Handle>,
    addr: SocketAddr,
    /// How long the status must stay the same to count as settled: longer than
    /// the debounce plus the settle time (half of it) plus a tick.
    quiet: Duration,
}

/// What `/__gangway/status` says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Status {
    generation: u64,
    errors: u64,
    files: u64,
    busy: bool,
    batches: u64,
    /// Whether the last build only updated the one before.
    incremental: bool,
}

/// An HTTP response.
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn options() -> BuildOptions {
    BuildOptions::for_tests(TODAY.parse().expect("TODAY is a date"))
}

impl Served {
    fn start(site: &Site) -> Served {
        Served::start_with(site, |_| {})
    }

    fn start_with(site: &Site, adjust: impl FnOnce(&mut serve::Config)) -> Served {
        let dir = site.on_disk();
        let mut config = serve::Config::new(dir.path(), options());
        config.addr = "127.0.0.1:0".parse().expect("an address");
        adjust(&mut config);
        let quiet = config.debounce * 2 + Duration::from_millis(200);
        let handle = serve::start(config).expect("the server starts");
        let addr = handle.addr();
        Served {
            dir,
            handle: Some(handle),
            addr,
            quiet,
        }
    }

    fn path(&self, rel: &str) -> std::path::PathBuf {
        self.dir.path().join(rel)
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("create folder");
        std::fs::write(path, text).expect("write a site file");
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).expect("read a site file")
    }

    /// Replaces the first `from` in a file with `to`, in place.
    fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} does not contain {from:?}");
        self.write(rel, &text.replacen(from, to, 1));
    }

    fn get(&self, raw_path: &str) -> Response {
        get(self.addr, raw_path)
    }

    fn status(&self) -> Status {
        let response = self.get("/__gangway/status");
        assert_eq!(response.status, 200);
        let v: serde_json::Value = serde_json::from_slice(&response.body).expect("status JSON");
        Status {
            generation: v["generation"].as_u64().expect("generation"),
            errors: v["errors"].as_u64().expect("errors"),
            files: v["files"].as_u64().expect("files"),
            busy: v["busy"].as_bool().expect("busy"),
            batches: v["batches"].as_u64().expect("batches"),
            incremental: v["incremental"].as_bool().expect("incremental"),
        }
    }

    /// Waits until a build after `generation` has been published and nothing
    /// has moved for a while.
    #[track_caller]
    fn rebuilt_after(&self, generation: u64) -> Status {
        let started = Instant::now();
        loop {
            let status = self.status();
            if status.generation > generation && !status.busy {
                return self.settled();
            }
            assert!(
                started.elapsed() < PATIENCE,
                "no rebuild after generation {generation} within {PATIENCE:?}: {status:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until the status has stayed the same, and not busy, for `quiet`.
    #[track_caller]
    fn settled(&self) -> Status {
        let started = Instant::now();
        let mut last = self.status();
        loop {
            std::thread::sleep(self.quiet);
            let now = self.status();
            if now == last && !now.busy {
                return now;
            }
            assert!(
                started.elapsed() < PATIENCE,
                "the server did not settle within {PATIENCE:?}: {now:?}"
            );
            last = now;
        }
    }

    /// A clean build of the files on disk, as `gangway build` would read them.
    fn clean_build(&self) -> Compiled {
        let (tree, problems) = SourceTree::read(self.dir.path());
        assert!(problems.is_empty(), "{problems:?}");
        gangway::compile(&tree, &options())
    }

    /// Fetches every file of a clean build of the files on disk and checks the
    /// server sends the same bytes (HTML with exactly one live-reload block and
    /// no overlay), and no more files.
    #[track_caller]
    fn assert_serves_clean_build(&self) {
        let clean = self.clean_build();
        assert!(
            !clean.has_errors(),
            "the edited site should build: {:?}",
            clean.diagnostics
        );
        let status = self.status();
        assert_eq!(status.errors, 0, "{status:?}");
        assert_eq!(status.files as usize, clean.files.len(), "file count");
        for file in &clean.files {
            let response = self.get(&format!("/{}", encode(&file.path)));
            assert_eq!(response.status, 200, "{}", file.path);
            if file.path.ends_with(".html") {
                let (page, block) = strip_block(&response.body);
                assert!(
                    page == file.bytes,
                    "{} differs from a clean build:\n--- served\n{}\n--- built\n{}",
                    file.path,
                    String::from_utf8_lossy(&page),
                    String::from_utf8_lossy(&file.bytes)
                );
                assert!(!block.contains(OVERLAY_ID), "{}: overlay shown", file.path);
            } else {
                assert!(
                    response.body == file.bytes,
                    "{} differs from a clean build",
                    file.path
                );
            }
        }
        assert!(
            !self.path("public").exists(),
            "serve must not write an output directory"
        );
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            handle.shutdown();
        }
    }
}

/// The page without the block `serve` adds, and the block. Fails unless there
/// is exactly one block and it sits right before the last `</body>` (or at the
/// end of a page without one).
#[track_caller]
fn strip_block(body: &[u8]) -> (Vec<u8>, String) {
    let text = std::str::from_utf8(body).expect("HTML is UTF-8");
    assert_eq!(
        text.matches(INJECTION_START).count(),
        1,
        "one live-reload block"
    );
    let start = text.find(INJECTION_START).expect("a start");
    let end = text.find(INJECTION_END).expect("an end") + INJECTION_END.len();
    let rest = &text[end..];
    assert!(
        rest.is_empty() || rest.starts_with("</body>"),
        "the block goes right before </body>"
    );
    let page = format!("{}{}", &text[..start], rest);
    (page.into_bytes(), text[start..end].to_string())
}

/// Percent-encodes everything but unreserved characters and `/`.
fn encode(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A GET with the path sent exactly as given (no normalisation of `..`).
fn get(addr: SocketAddr, raw_path: &str) -> Response {
    get_for_host(addr, raw_path, Some(&addr.to_string()))
}

/// A GET with this `Host` header (none with `None`), as a page on another site
/// would send after rebinding its name to 127.0.0.1.
fn get_for_host(addr: SocketAddr, raw_path: &str, host: Option<&str>) -> Response {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(PATIENCE))
        .expect("read timeout");
    let host = host.map(|h| format!("Host: {h}\r\n")).unwrap_or_default();
    write!(
        stream,
        "GET {raw_path} HTTP/1.1\r\n{host}Connection: close\r\n\r\n"
    )
    .expect("send request");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read response");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a header block");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let body = raw[split + 4..].to_vec();
    assert!(
        !headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("transfer-encoding")),
        "pages are sent with a length"
    );
    Response {
        status,
        headers,
        body,
    }
}

/// The test site with a theme folder of its own, so templates can be overridden.
fn themed_site() -> Site {
    Site::new()
        .edit(
            "gangway.toml",
            "title = \"Test Portal\"",
            "title = \"Test Portal\"\ntheme = \"local\"",
        )
        .file("themes/local/static/extra.css", "body { margin: 0; }\n")
}

const BUILTIN_404: &str = include_str!("../../src/theme/templates/404.html");

#[test]
fn content_playbook_and_customer_edits_serve_what_a_clean_build_makes() {
    let s = Served::start(&Site::new());
    s.assert_serves_clean_build();

    let g = s.status().generation;
    s.edit(
        "content/kb/setup.md",
        "Follow the link",
        "First, follow the link",
    );
    let status = s.rebuilt_after(g);
    // A body edit re-renders the article's pages only.
    assert!(status.incremental, "{status:?}");
    let g = status.generation;
    s.assert_serves_clean_build();
    assert!(
        s.get("/kb/setup/")
            .text()
            .contains("First, follow the link")
    );

    // A title shows on listings too: everything is built again.
    s.edit(
        "content/kb/setup.md",
        "title: Setting up your account",
        "title: Getting set up",
    );
    let status = s.rebuilt_after(g);
    assert!(!status.incremental, "{status:?}");
    let g = status.generation;
    s.assert_serves_clean_build();

    s.edit(
        "content/faq/reset-password.md",
        "Forgot password",
        "Lost password",
    );
    let g = s.rebuilt_after(g).generation;
    s.assert_serves_clean_build();

    s.edit(
        "playbooks/onboarding.yaml",
        "title: Set up the account",
        "title: Configure the account",
    );
    let status = s.rebuilt_after(g);
    assert!(status.incremental, "{status:?}");
    let g = status.generation;
    s.assert_serves_clean_build();

    s.edit("customers/acme.yaml", "Acme Corp", "Acme Corporation");
    let status = s.rebuilt_after(g);
    assert!(status.incremental, "{status:?}");
    let g = status.generation;
    s.assert_serves_clean_build();

    // A new customer: a new portal, listed by the handle.
    s.write(
        "customers/globex.yaml",
        &crate::harness::dedent(crate::harness::CUSTOMER).replace("Acme Corp", "Globex"),
    );
    let status = s.rebuilt_after(g);
    assert!(!status.incremental, "{status:?}");
    s.assert_serves_clean_build();
    let portals = s.handle.as_ref().expect("running").portals();
    assert_eq!(portals.len(), 2, "{portals:?}");
}

#[test]
fn template_static_and_config_edits_serve_what_a_clean_build_makes() {
    let s = Served::start(&themed_site());
    s.assert_serves_clean_build();

    let g = s.status().generation;
    s.write(
        "themes/local/templates/404.html",
        &BUILTIN_404.replace("<p class=\"lead\">", "<p class=\"lead overridden\">"),
    );
    let g = s.rebuilt_after(g).generation;
    s.assert_serves_clean_build();
    assert!(s.get("/404.html").text().contains("lead overridden"));

    s.write("themes/local/static/extra.css", "body { margin: 1em; }\n");
    let g = s.rebuilt_after(g).generation;
    s.assert_serves_clean_build();

    s.write("static/downloads/info.json", "{\"a\": 1}\n");
    let g = s.rebuilt_after(g).generation;
    s.assert_serves_clean_build();

    s.edit(
        "gangway.toml",
        "title = \"Test Portal\"",
        "title = \"Renamed Portal\"",
    );
    s.rebuilt_after(g);
    s.assert_serves_clean_build();
    assert!(s.get("/").text().contains("Renamed Portal"));
}

#[test]
fn editor_saves_swap_files_and_briefly_empty_files() {
    let s = Served::start(&Site::new());
    let g = s.settled().generation;

    // Atomic save: write a hidden temporary file, rename it over the original.
    let text = s
        .read("content/kb/setup.md")
        .replace("first ten minutes", "first five minutes");
    std::fs::write(s.path("content/kb/.setup.md.tmp.123"), &text).expect("write temp");
    std::fs::rename(
        s.path("content/kb/.setup.md.tmp.123"),
        s.path("content/kb/setup.md"),
    )
    .expect("rename over");
    let g = s.rebuilt_after(g).generation;
    s.assert_serves_clean_build();
    assert!(s.get("/kb/setup/").text().contains("first five minutes"));

    // Swap and backup files are not part of the site: nothing is rebuilt.
    let before = s.settled();
    s.write("content/kb/.setup.md.swp", "not yaml: [");
    s.write("content/kb/setup.md~", "old text");
    s.write("playbooks/#onboarding.yaml#", "broken: [");
    std::thread::sleep(Duration::from_millis(600));
    let after = s.settled();
    assert_eq!(
        after.generation, before.generation,
        "no rebuild for editor files"
    );
    assert_eq!(
        after.batches, before.batches,
        "editor files are dropped early"
    );

    // A file that is briefly empty while an editor writes it.
    std::fs::write(s.path("content/faq/reset-password.md"), "").expect("truncate");
    std::thread::sleep(Duration::from_millis(20));
    let full = crate::harness::dedent(crate::harness::FAQ).replace("sign-in page", "login page");
    std::fs::write(s.path("content/faq/reset-password.md"), full).expect("write");
    s.rebuilt_after(g);
    s.assert_serves_clean_build();
}

#[test]
fn new_deleted_and_renamed_files_and_folders() {
    let s = Served::start(&Site::new());
    let g = s.settled().generation;

    let article = |title: &str| format!("---\ntitle: {title}\n---\nSome text.\n");
    // A new folder with two articles, made in one go.
    s.write("content/kb/more/first.md", &article("First"));
    s.write("content/kb/more/second.md", &article("Second"));
    let g = s.rebuilt_after(g).generation;
    s.assert_serves_clean_build();
    assert_eq!(s.get("/kb/more/first/").status, 200);

    // Renaming the folder moves both articles.
    std::fs::rename(s.path("content/kb/more"), s.path("content/kb/extra")).expect("rename");
    let g = s.rebuilt_after(g).generation;
    s.assert_serves_clean_build();
    assert_eq!(s.get("/kb/more/first/").status, 404);
    assert_eq!(s.get("/kb/extra/first/").status, 200);

    // The renamed folder is still watched.
    s.write("content/kb/extra/second.md", &article("Second, edited"));
    let g = s.rebuilt_after(g).generation;
    s.assert_serves_clean_build();
    assert!(s.get("/kb/extra/second/").text().contains("Second, edited"));

    // Deleting a file, then the folder.
    std::fs::remove_file(s.path("content/kb/extra/first.md")).expect("remove");
    let g = s.rebuilt_after(g).generation;
    s.assert_serves_clean_build();
    std::fs::remove_dir_all(s.path("content/kb/extra")).expect("remove folder");
    let g = s.rebuilt_after(g).generation;
    s.assert_serves_clean_build();

    // A file deleted and written again within the debounce is just re-read.
    std::fs::remove_file(s.path("content/kb/setup.md")).expect("remove");
    s.write(
        "content/kb/setup.md",
        &crate::harness::dedent(crate::harness::ARTICLE).replace("welcome", "greeting"),
    );
    s.rebuilt_after(g);
    s.assert_serves_clean_build();
}

#[test]
fn top_level_folders_that_come_and_go() {
    let s = Served::start(&Site::new());
    let g = s.settled().generation;

    // A site folder that did not exist when serving started.
    s.write("static/a.txt", "a\n");
    let g = s.rebuilt_after(g).generation;
    s.assert_serves_clean_build();
    // ... is watched from then on.
    s.write("static/b.txt", "b\n");
    let g = s.rebuilt_after(g).generation;
    s.assert_serves_clean_build();

    // Moved away (a branch without it) and back.
    std::fs::rename(s.path("static"), s.path("static.old")).expect("rename away");
    let g = s.rebuilt_after(g).generation;
    s.assert_serves_clean_build();
    assert_eq!(s.get("/a.txt").status, 404);
    std::fs::rename(s.path("static.old"), s.path("static")).expect("rename back");
    let g = s.rebuilt_after(g).generation;
    s.assert_serves_clean_build();
    s.write("static/a.txt", "a, again\n");
    let g = s.rebuilt_after(g).generation;
    s.assert_serves_clean_build();
    assert_eq!(s.get("/a.txt").text(), "a, again\n");

    // gangway.toml saved by rename, in the root.
    let config = s
        .read("gangway.toml")
        .replace("Test Portal", "Saved Portal");
    std::fs::write(s.path(".gangway.toml.tmp"), config).expect("write temp");
    std::fs::rename(s.path(".gangway.toml.tmp"), s.path("gangway.toml")).expect("rename");
    s.rebuilt_after(g);
    s.assert_serves_clean_build();
}

#[test]
fn polling_sees_edits_too() {
    // For network file systems that send no events (`--poll`).
    let s = Served::start_with(&Site::new(), |c| {
        c.watch = serve::WatchMode::Poll(Duration::from_millis(100));
    });
    let g = s.settled().generation;
    s.edit("content/kb/setup.md", "welcome", "greeting");
    let g = s.rebuilt_after(g).generation;
    s.assert_serves_clean_build();
    s.write("content/kb/new/page.md", "---\ntitle: New\n---\nText.\n");
    s.rebuilt_after(g);
    s.assert_serves_clean_build();
}

#[test]
fn a_burst_of_200_writes_is_one_rebuild() {
    // Like a `git checkout`: writes spread over about half a second. The
    // watcher reports each path once it has been quiet for the debounce time, so
    // the paths arrive in many small batches; they must make one rebuild. A
    // longer debounce than the default keeps a stalled test thread from
    // splitting the burst on a busy machine.
    let s = Served::start_with(&Site::new(), |c| c.debounce = Duration::from_millis(300));
    let before = s.settled();
    for i in 0..200 {
        s.write(
            &format!("content/kb/burst/page-{i:03}.md"),
            &format!("---\ntitle: Page {i}\n---\nText {i}.\n"),
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    let after = s.rebuilt_after(before.generation);
    assert_eq!(
        after.generation,
        before.generation + 1,
        "one rebuild for the burst"
    );
    s.assert_serves_clean_build();
    assert_eq!(s.get("/kb/burst/page-199/").status, 200);
}

#[test]
fn a_broken_site_keeps_the_last_good_pages_and_shows_an_overlay() {
    let s = Served::start(&Site::new());
    let g = s.settled().generation;
    let good = s.clean_build();

    // Line 2 of the playbook: `summary: [unclosed`.
    s.edit(
        "playbooks/onboarding.yaml",
        "summary: The short way from signature to go-live.",
        "summary: [unclosed",
    );
    let status = s.rebuilt_after(g);
    assert!(status.errors > 0, "{status:?}");
    assert_eq!(status.files as usize, good.files.len());
    for file in &good.files {
        let response = s.get(&format!("/{}", encode(&file.path)));
        assert_eq!(response.status, 200, "{}", file.path);
        if file.path.ends_with(".html") {
            let (page, block) = strip_block(&response.body);
            assert!(page == file.bytes, "{}: the last good page", file.path);
            assert!(block.contains(OVERLAY_ID), "{}: overlay", file.path);
            assert!(
                block.contains("playbooks/onboarding.yaml:2:"),
                "the overlay names the file and line:\n{block}"
            );
        } else {
            assert!(response.body == file.bytes, "{}", file.path);
        }
    }

    s.edit(
        "playbooks/onboarding.yaml",
        "summary: [unclosed",
        "summary: Fixed.",
    );
    s.rebuilt_after(status.generation);
    s.assert_serves_clean_build();
}

#[test]
fn a_site_broken_from_the_start_shows_the_overlay_until_fixed() {
    let s = Served::start(&Site::new().edit(
        "customers/acme.yaml",
        "kickoff: 2026-12-01",
        "kickoff: [2026",
    ));
    let status = s.settled();
    assert!(status.errors > 0, "{status:?}");
    assert_eq!(status.files, 0);
    let response = s.get("/");
    let (_, block) = strip_block(&response.body);
    assert!(block.contains(OVERLAY_ID), "{block}");
    assert!(block.contains("customers/acme.yaml:3:"), "{block}");

    s.edit(
        "customers/acme.yaml",
        "kickoff: [2026",
        "kickoff: 2026-12-01",
    );
    s.rebuilt_after(status.generation);
    s.assert_serves_clean_build();
}

#[test]
fn paths_outside_the_output_are_refused() {
    let s = Served::start(&Site::new());
    for raw in [
        "/../../etc/passwd",
        "/kb/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/kb/..%2f..%2f..%2fetc%2fpasswd",
        "/..%5c..%5cetc%5cpasswd",
        "/index.html%00.css",
        "/%c0%ae%c0%ae/etc/passwd",
    ] {
        let response = s.get(raw);
        assert_eq!(response.status, 400, "{raw}");
        assert!(!response.text().contains("root:"), "{raw}");
    }
}

#[test]
fn unknown_paths_get_the_sites_404_page() {
    let s = Served::start(&Site::new());
    let clean = s.clean_build();
    let not_found = clean
        .files
        .iter()
        .find(|f| f.path == "404.html")
        .expect("a 404 page");
    for raw in ["/no/such/page/", "/missing.html", "/kb/nope"] {
        let response = s.get(raw);
        assert_eq!(response.status, 404, "{raw}");
        assert_eq!(
            response.header("content-type"),
            Some("text/html; charset=utf-8")
        );
        assert!(strip_block(&response.body).0 == not_found.bytes, "{raw}");
    }
    // A folder without its slash is redirected, so relative links work.
    let response = s.get("/kb/setup");
    assert_eq!(response.status, 308);
    assert_eq!(response.header("location"), Some("/kb/setup/"));
}

#[test]
fn content_types_follow_the_extension() {
    let s = Served::start(&Site::new());
    let clean = s.clean_build();
    let portal = &clean.portals[0].path;
    let cases = [
        (
            format!("/{portal}calendar.ics"),
            "text/calendar; charset=utf-8",
        ),
        (format!("/{portal}plan.json"), "application/json"),
        ("/assets/style.css".to_string(), "text/css; charset=utf-8"),
        ("/".to_string(), "text/html; charset=utf-8"),
    ];
    for (path, expected) in cases {
        let response = s.get(&path);
        assert_eq!(response.status, 200, "{path}");
        assert_eq!(response.header("content-type"), Some(expected), "{path}");
        assert_eq!(response.header("x-content-type-options"), Some("nosniff"));
    }
    // The live-reload block is only in served HTML, never in build output.
    assert!(
        clean
            .files
            .iter()
            .all(|f| !String::from_utf8_lossy(&f.bytes).contains(INJECTION_START))
    );
}

#[test]
fn non_loopback_addresses_are_refused_unless_allowed() {
    let dir = Site::new().on_disk();
    let mut config = serve::Config::new(dir.path(), options());
    config.addr = "0.0.0.0:0".parse().expect("an address");
    match serve::start(config) {
        Err(ServeError::NotLoopback { .. }) => {}
        Err(other) => panic!("expected NotLoopback, got {other}"),
        Ok(_) => panic!("serve listened on 0.0.0.0 without --allow-remote"),
    }
    // The command line refuses before it does anything, such as creating a
    // portal secret.
    let run = crate::harness::gangway_with(
        dir.path(),
        &["serve", "--bind", "0.0.0.0", "--port", "0"],
        &[("GANGWAY_PORTAL_SECRET", "")],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("loopback"), "{}", run.stderr);
    assert!(run.stderr.contains("--allow-remote"), "{}", run.stderr);
    assert!(!dir.path().join(".portal-secret").exists());
}

#[test]
fn live_reload_events_follow_rebuilds_and_shutdown_ends_them() {
    let mut s = Served::start(&Site::new());
    let g = s.settled().generation;
    let mut stream = TcpStream::connect(s.addr).expect("connect");
    stream
        .set_read_timeout(Some(PATIENCE))
        .expect("read timeout");
    write!(
        stream,
        "GET /__gangway/events HTTP/1.1\r\nHost: {}\r\n\r\n",
        s.addr
    )
    .expect("send");
    let mut events = BufReader::new(stream);
    let mut next_data = || -> Option<String> {
        let mut line = String::new();
        loop {
            line.clear();
            if events.read_line(&mut line).ok()? == 0 {
                return None;
            }
            if let Some(data) = line.trim_end().strip_prefix("data: ") {
                return Some(data.to_string());
            }
        }
    };
    assert_eq!(
        next_data(),
        Some(g.to_string()),
        "the generation on connect"
    );

    s.edit("content/kb/setup.md", "welcome", "greeting");
    assert_eq!(
        next_data(),
        Some((g + 1).to_string()),
        "a rebuild is announced"
    );

    // An idle server stays idle: reading files after a change must not itself
    // count as a change (it did once: open events re-triggered the rebuild).
    let before = s.settled();
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(s.status(), before, "an idle server does not rebuild");

    let started = Instant::now();
    s.handle.take().expect("running").shutdown();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "shutdown took {:?}",
        started.elapsed()
    );
    // The stream ends (chunked encoding's last chunk, then end of file).
    while next_data().is_some() {}
    assert!(TcpStream::connect(s.addr).is_err() || s.get_fails());
}

impl Served {
    /// Whether a request to the stopped server fails to get an answer.
    fn get_fails(&self) -> bool {
        let Ok(mut stream) = TcpStream::connect(self.addr) else {
            return true;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
        let _ = write!(stream, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        let mut buf = [0u8; 16];
        !matches!(stream.read(&mut buf), Ok(n) if n > 0)
    }
}

// ---------------------------------------------------------------------------
// Hosts (DNS rebinding) and what the overlay shows

/// Issue 17, item 12: `serve` answered any `Host`, so a page on another site
/// could rebind its own name to 127.0.0.1 and read every portal. Requests for
/// other hosts get 403 and a plain-text explanation naming `--allow-host`, on
/// every path, the portals and the server's own endpoints included.
#[test]
fn requests_for_other_hosts_are_refused() {
    let s = Served::start(&Site::new());
    let portal = s.clean_build().portals[0].path.clone();
    let port = s.addr.port();
    let forged = [
        "evil.example".to_string(),
        format!("evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
        "127.0.0.1.evil.example".to_string(),
        "evil.example.".to_string(),
        format!("[::2]:{port}"),
        format!("192.0.2.7:{port}"),
        format!("localhost:{port}:{port}"),
    ];
    let paths = [
        "/".to_string(),
        format!("/{portal}"),
        format!("/{portal}plan.json"),
        "/__gangway/status".to_string(),
        "/__gangway/events".to_string(),
        "/no/such/page".to_string(),
    ];
    for host in forged.iter().map(|h| Some(h.as_str())).chain([None]) {
        for path in &paths {
            let response = get_for_host(s.addr, path, host);
            assert_eq!(response.status, 403, "{host:?} {path}");
            assert_eq!(
                response.header("content-type"),
                Some("text/plain; charset=utf-8")
            );
            let text = response.text();
            assert!(!text.contains("Acme"), "{host:?} {path}: {text}");
            if host.is_some() {
                assert!(text.contains("--allow-host"), "{host:?}: {text}");
            }
        }
    }
    // A URI naming another host is refused whatever the Host header says.
    let mut stream = TcpStream::connect(s.addr).expect("connect");
    stream.set_read_timeout(Some(PATIENCE)).expect("timeout");
    write!(
        stream,
        "GET http://evil.example/{portal} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut raw = String::new();
    stream.read_to_string(&mut raw).expect("read");
    assert!(raw.starts_with("HTTP/1.1 403"), "{raw}");
}

/// Loopback names and addresses, with or without a port, are this machine.
#[test]
fn loopback_hosts_are_served() {
    let s = Served::start(&Site::new());
    let port = s.addr.port();
    for host in [
        "localhost".to_string(),
        format!("localhost:{port}"),
        format!("LocalHost:{port}"),
        format!("app.localhost:{port}"),
        "127.0.0.1".to_string(),
        format!("127.0.0.1:{port}"),
        "[::1]".to_string(),
        format!("[::1]:{port}"),
    ] {
        let response = get_for_host(s.addr, "/", Some(&host));
        assert_eq!(response.status, 200, "{host}");
    }
}

/// `--allow-host` adds names (a leading dot: a domain and the names under it);
/// others stay refused. A value that is not a host name is refused at start.
#[test]
fn allow_host_adds_names() {
    let s = Served::start_with(&Site::new(), |config| {
        config.allowed_hosts = vec!["dev.example.test".into(), ".tunnel.test".into()];
    });
    for host in [
        "dev.example.test",
        "dev.example.test:8080",
        "tunnel.test",
        "a.tunnel.test:443",
    ] {
        assert_eq!(get_for_host(s.addr, "/", Some(host)).status, 200, "{host}");
    }
    for host in ["example.test", "x.dev.example.test", "eviltunnel.test"] {
        assert_eq!(get_for_host(s.addr, "/", Some(host)).status, 403, "{host}");
    }

    let dir = Site::new().on_disk();
    let mut config = serve::Config::new(dir.path(), options());
    config.addr = "127.0.0.1:0".parse().expect("an address");
    config.allowed_hosts = vec!["*.example.test".into()];
    assert!(matches!(
        serve::start(config),
        Err(ServeError::AllowHost { .. })
    ));
}

/// Issue 17, item 11: the overlay, on every page, quoted a customer's internal
/// `notes:` lines from a diagnostic inside them, to anyone who could load a
/// page. It now gives the place without the line, shows its details only to a
/// loopback host, and tells a host allowed with `--allow-host` only that the
/// site is broken.
#[test]
fn the_overlay_never_quotes_notes_and_shows_details_only_on_loopback_hosts() {
    let s = Served::start_with(&Site::new(), |config| {
        config.allowed_hosts = vec!["dev.example.test".into()];
    });
    let g = s.settled().generation;
    // Lines 7 and 8 of the customer file: an unclosed quote inside the notes.
    s.write(
        "customers/acme.yaml",
        &format!(
            "{}notes:\n  risk: \"RENEWAL AT RISK, CEO unhappy\n",
            crate::harness::dedent(crate::harness::CUSTOMER)
        ),
    );
    let status = s.rebuilt_after(g);
    assert!(status.errors > 0, "{status:?}");

    let local = get_for_host(s.addr, "/", Some("localhost"));
    let (_, block) = strip_block(&local.body);
    assert!(block.contains(OVERLAY_ID), "{block}");
    assert!(block.contains("customers/acme.yaml:8:"), "{block}");
    assert!(block.contains("internal `notes`"), "{block}");
    for secret in ["RENEWAL", "CEO"] {
        assert!(!block.contains(secret), "{secret} quoted:\n{block}");
    }

    let other = get_for_host(s.addr, "/", Some("dev.example.test"));
    assert_eq!(other.status, 200);
    let (_, block) = strip_block(&other.body);
    assert!(
        block.contains(OVERLAY_ID),
        "told the site is broken: {block}"
    );
    assert!(block.contains("1 error"), "{block}");
    assert!(
        !block.contains("customers/acme.yaml"),
        "no details: {block}"
    );
    assert!(!block.contains("yaml-syntax"), "no details: {block}");
}

/// The example's one encrypted portal, `acme`, whose passphrase is in no
/// environment here.
fn encrypted_acme() -> Site {
    Site::new().append(
        "customers/acme.yaml",
        "encrypt:\n  passphrase_env: ACME_PASSPHRASE\n",
    )
}

/// Issue 23: without its passphrase an encrypted portal is served unencrypted
/// on loopback, the same pages a build would seal, each with a banner saying so
/// (and no other page has one).
#[test]
fn an_encrypted_portal_without_its_passphrase_is_shown_unencrypted_with_a_banner() {
    let s = Served::start_with(&encrypted_acme(), |config| {
        config.options.without_passphrase = WithoutPassphrase::ShowUnencrypted;
    });
    let status = s.settled();
    assert_eq!(status.errors, 0, "{status:?}");
    let portals = s.handle.as_ref().expect("running").portals();
    let (acme, _) = portals
        .iter()
        .find(|(p, _)| p.customer == "acme")
        .expect("acme's portal");
    assert!(!acme.encrypted);
    assert_eq!(acme.unsealed.as_deref(), Some("ACME_PASSPHRASE"));

    let (tree, _) = SourceTree::read(s.dir.path());
    let mut unsealed = options();
    unsealed.without_passphrase = WithoutPassphrase::ShowUnencrypted;
    let clean = gangway::compile(&tree, &unsealed);
    assert!(!clean.has_errors(), "{:?}", clean.diagnostics);
    let (mut portal_pages, mut public_pages) = (0, 0);
    for file in clean.files.iter().filter(|f| f.path.ends_with(".html")) {
        let response = s.get(&format!("/{}", encode(&file.path)));
        assert_eq!(response.status, 200, "{}", file.path);
        let (page, block) = strip_block(&response.body);
        assert!(page == file.bytes, "{}: the page a build makes", file.path);
        if file.path.starts_with(&acme.path) {
            portal_pages += 1;
            assert!(
                block.contains(UNSEALED_ID),
                "{}: banner\n{block}",
                file.path
            );
            assert!(block.contains("Shown unencrypted"), "{block}");
            assert!(block.contains("(ACME_PASSPHRASE is not set)"), "{block}");
            assert!(block.contains("A published build is encrypted"), "{block}");
            assert!(
                String::from_utf8_lossy(&page).contains("Acme Corp"),
                "{}: readable",
                file.path
            );
        } else {
            public_pages += 1;
            assert!(!block.contains(UNSEALED_ID), "{}: no banner", file.path);
        }
    }
    assert!(portal_pages >= 4, "{portal_pages} portal pages");
    assert!(public_pages > 0);
}

/// With `--allow-host` (a tunnel: other machines may read the pages) an
/// encrypted portal without its passphrase is an error again, as in a build.
#[test]
fn a_server_others_can_reach_never_shows_an_encrypted_portal_unencrypted() {
    let s = Served::start_with(&encrypted_acme(), |config| {
        config.options.without_passphrase = WithoutPassphrase::ShowUnencrypted;
        config.allowed_hosts = vec!["dev.example.test".into()];
    });
    let status = s.settled();
    assert!(status.errors > 0, "{status:?}");
    assert_eq!(status.files, 0);
    let (_, block) = strip_block(&get_for_host(s.addr, "/", Some("localhost")).body);
    assert!(block.contains("missing-passphrase"), "{block}");
    assert!(!block.contains(UNSEALED_ID), "{block}");
}

/// An encrypted dashboard without its passphrase gets the banner too.
#[test]
fn an_encrypted_dashboard_without_its_passphrase_is_shown_with_the_banner() {
    let site = Site::new().append(
        "gangway.toml",
        "\n[dashboard]\nencrypt = { passphrase_env = \"STAFF_PASSPHRASE\" }\n",
    );
    let s = Served::start_with(&site, |config| {
        config.options.without_passphrase = WithoutPassphrase::ShowUnencrypted;
    });
    assert_eq!(s.settled().errors, 0);
    let (tree, _) = SourceTree::read(s.dir.path());
    let mut unsealed = options();
    unsealed.without_passphrase = WithoutPassphrase::ShowUnencrypted;
    let dashboard = gangway::compile(&tree, &unsealed)
        .dashboard
        .expect("a dashboard");
    assert_eq!(dashboard.unsealed.as_deref(), Some("STAFF_PASSPHRASE"));
    let response = s.get(&format!("/{}", dashboard.path));
    assert_eq!(response.status, 200);
    let (page, block) = strip_block(&response.body);
    assert!(block.contains(UNSEALED_ID), "{block}");
    assert!(block.contains("(STAFF_PASSPHRASE is not set)"), "{block}");
    assert!(String::from_utf8_lossy(&page).contains("Acme Corp"));
}
