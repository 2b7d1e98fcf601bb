//! The integration-test harness: make a site, build it, edit a file, build
//! again, and assert on output files and diagnostics.
//!
//! [`Site`] is a site held in memory (a [`SourceTree`]) with a fixed "today";
//! [`Site::build`] runs the pure pipeline ([`gangway::compile`]) and returns a
//! [`Build`] to ask questions of. [`gangway`] runs the real binary in a
//! directory for what only the command line does (writing, exit codes,
//! report formats). Output paths may name a customer's portal as
//! `portal/<customer id>/...` (see [`Files`]). Tests read like a spec:
//!
//! ```ignore
//! let site = Site::new().edit("playbooks/onboarding.yaml", "owner: admin", "ownr: admin");
//! site.build().assert_error("unknown-key", "playbooks/onboarding.yaml", 22);
//! let site = site.edit("playbooks/onboarding.yaml", "ownr: admin", "owner: admin");
//! assert!(site.build().file("portal/acme/index.html").contains("Acme Corp"));
//! ```
//!
//! Text given to [`Site::file`] or [`Site::append`] that starts with a line
//! break is de-indented (see [`dedent`]), so YAML can be written indented inside
//! a test, and line 1 is the first line after `r#"`.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use gangway::diagnostic::{Diagnostic, Severity};
use gangway::privacy::PortalSecret;
use gangway::report::{self, Format};
use gangway::{BuildOptions, Compiled, SourceTree};

/// The default "today" of every build: a Monday in the middle of the sample plans.
pub const TODAY: &str = "2026-12-14";

/// The site configuration of [`Site::new`]: Monday to Friday, Christmas off.
pub const CONFIG: &str = r#"
title = "Test Portal"
base_url = "https://portal.test"
description = "A small site for gangway's integration tests."

[vendor]
name = "Vendor Ltd"
support_email = "support@vendor.test"

[calendar]
workdays = ["mon", "tue", "wed", "thu", "fri"]
holidays = ["2026-12-25"]
"#;

/// The one playbook of [`Site::new`]: two roles, one phase of two tasks, one
/// milestone. Kickoff day 0 is the customer's kickoff.
pub const PLAYBOOK: &str = r#"
title: Onboarding
summary: The short way from signature to go-live.
roles:
  csm:
    title: Customer success manager
    side: vendor
    contact: true
  admin:
    title: Customer administrator
    side: customer
phases:
  - id: start
    title: Getting started
    tasks:
      - id: welcome
        title: Welcome {{ customer.name }}
        owner: csm
        guides: [kb/setup]
        faq: [reset-password]
      - id: setup
        title: Set up the account
        owner: admin
        after: [welcome]
        duration: 2bd
milestones:
  - id: live
    title: Go live
    after: [setup]
"#;

/// The one customer of [`Site::new`]: kickoff on Tuesday 2026-12-01.
pub const CUSTOMER: &str = r#"
name: Acme Corp
playbook: onboarding
kickoff: 2026-12-01
team:
  csm: { name: Casey Vendor, email: casey@vendor.test }
  admin: { name: Ada Admin, email: ada@acme.test }
"#;

/// The one knowledge-base article of [`Site::new`].
pub const ARTICLE: &str = r#"
---
title: Setting up your account
summary: The first ten minutes.
---
## Sign in {#sign-in}

Follow the link in your welcome e-mail.
"#;

/// The one FAQ entry of [`Site::new`].
pub const FAQ: &str = r#"
---
question: How do I reset my password?
---
Use **Forgot password** on the sign-in page.
"#;

/// Text that starts with a line break (the raw-string form, `r#"` then a new
/// line) loses that line break and the indentation common to all non-blank
/// lines, so a file can be written indented inside a test. Other text is
/// returned as it is.
pub fn dedent(text: &str) -> String {
    let Some(text) = text.strip_prefix('\n') else {
        return text.to_string();
    };
    let indent = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches(' ').len())
        .min()
        .unwrap_or(0);
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        out.push_str(line.get(indent..).unwrap_or(line.trim_start_matches(' ')));
    }
    out
}

/// A site in memory, with the day it is built on.
#[derive(Clone, Debug)]
pub struct Site {
    tree: SourceTree,
    today: String,
    /// The portal secret's text; `None` for [`BuildOptions::for_tests`]'s.
    secret: Option<String>,
    /// Environment variables the build may read (encryption passphrases).
    env: BTreeMap<String, String>,
}

impl Site {
    /// A minimal valid site: gangway.toml, playbook `onboarding`, customer
    /// `acme`, article `kb/setup` and FAQ entry `reset-password`.
    pub fn new() -> Site {
        Site::empty()
            .file("gangway.toml", CONFIG)
            .file("playbooks/onboarding.yaml", PLAYBOOK)
            .file("customers/acme.yaml", CUSTOMER)
            .file("content/kb/setup.md", ARTICLE)
            .file("content/faq/reset-password.md", FAQ)
    }

    /// The site `gangway init` writes.
    pub fn starter() -> Site {
        Site::with_tree(gangway::init::starter_tree())
    }

    /// The example site at the root of the repository (Northwind).
    pub fn example() -> Site {
        Site::read(Path::new(env!("CARGO_MANIFEST_DIR")))
    }

    /// The site in a directory, read as `gangway build` reads it.
    pub fn read(dir: &Path) -> Site {
        let (tree, problems) = SourceTree::read(dir);
        assert!(
            problems.is_empty(),
            "cannot read {}: {problems:?}",
            dir.display()
        );
        Site::with_tree(tree)
    }

    /// No files at all.
    pub fn empty() -> Site {
        Site::with_tree(SourceTree::new())
    }

    fn with_tree(tree: SourceTree) -> Site {
        Site {
            tree,
            today: TODAY.to_string(),
            secret: None,
            env: BTreeMap::new(),
        }
    }

    /// Adds or replaces a file; the text is de-indented with [`dedent`].
    pub fn file(mut self, path: &str, text: &str) -> Site {
        self.tree.insert(path, dedent(text));
        self
    }

    /// Adds or replaces a file with exactly these bytes.
    pub fn bytes(mut self, path: &str, bytes: &[u8]) -> Site {
        self.tree.insert(path, bytes);
        self
    }

    /// Replaces the first occurrence of `from` in a file, which must contain it.
    pub fn edit(mut self, path: &str, from: &str, to: &str) -> Site {
        let text = self.text(path);
        assert!(
            text.contains(from),
            "{path} does not contain {from:?}:\n{text}"
        );
        self.tree.insert(path, text.replacen(from, to, 1));
        self
    }

    /// Appends text to a file, which must exist.
    pub fn append(mut self, path: &str, more: &str) -> Site {
        let mut text = self.text(path);
        text.push_str(&dedent(more));
        self.tree.insert(path, text);
        self
    }

    /// Removes a file, which must exist.
    pub fn remove(mut self, path: &str) -> Site {
        assert!(self.tree.remove(path), "no file {path} to remove");
        self
    }

    /// Builds as of this day (`YYYY-MM-DD`) instead of [`TODAY`].
    pub fn today(mut self, date: &str) -> Site {
        self.today = date.to_string();
        self
    }

    /// Builds with this portal secret (at least 32 characters) instead of the
    /// public test secret.
    pub fn secret(mut self, text: &str) -> Site {
        self.secret = Some(text.to_string());
        self
    }

    /// Lets the build see an environment variable.
    pub fn env(mut self, key: &str, value: &str) -> Site {
        self.env.insert(key.to_string(), value.to_string());
        self
    }

    /// The text of a source file.
    pub fn text(&self, path: &str) -> String {
        let bytes = self
            .tree
            .get(path)
            .unwrap_or_else(|| panic!("the site has no file {path}"));
        String::from_utf8(bytes.to_vec()).expect("source files are UTF-8")
    }

    /// The files of the site.
    pub fn tree(&self) -> &SourceTree {
        &self.tree
    }

    /// Compiles the site in memory.
    pub fn build(&self) -> Build {
        Build {
            compiled: gangway::compile(&self.tree, &self.options()),
        }
    }

    /// The options [`Site::build`] builds with.
    pub fn options(&self) -> BuildOptions {
        let today = self.today.parse().expect("today is YYYY-MM-DD");
        let mut options = BuildOptions::for_tests(today);
        if let Some(text) = &self.secret {
            options.secret = PortalSecret::from_text(text).expect("a usable portal secret");
        }
        options.env = gangway::Secret::new(self.env.clone());
        options
    }

    /// Plans every customer without building ([`gangway::build::plan_customers`],
    /// the fast path of `gangway digest`).
    pub fn plan(&self) -> gangway::build::Planned {
        gangway::build::plan_customers(&self.tree, &self.options())
    }

    /// Writes the site's files into `dir` (created if missing).
    pub fn write_to(&self, dir: &Path) {
        for (path, bytes) in self.tree.iter() {
            let target = dir.join(path);
            std::fs::create_dir_all(target.parent().expect("a file has a parent"))
                .expect("create folder");
            std::fs::write(&target, bytes).expect("write site file");
        }
    }

    /// Writes the site into a new temporary directory.
    pub fn on_disk(&self) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temporary directory");
        self.write_to(dir.path());
        dir
    }
}

impl Default for Site {
    fn default() -> Site {
        Site::new()
    }
}

/// The result of [`Site::build`].
#[derive(Debug)]
pub struct Build {
    /// What the library returned.
    pub compiled: Compiled,
}

impl Build {
    /// Asserts the build has no errors (warnings are allowed) and returns its files.
    #[track_caller]
    pub fn ok(&self) -> Files {
        assert!(
            !self.compiled.has_errors(),
            "expected a successful build, got:\n{}",
            self.report()
        );
        Files::from_compiled(&self.compiled)
    }

    /// The text of an output file of a successful build.
    #[track_caller]
    pub fn file(&self, path: &str) -> String {
        self.ok().file(path)
    }

    /// An HTML page of a successful build, as [`Files::page`] decodes it.
    #[track_caller]
    pub fn page(&self, path: &str) -> String {
        self.ok().page(path)
    }

    /// Whether a successful build wrote `path`.
    #[track_caller]
    pub fn has(&self, path: &str) -> bool {
        self.ok().has(path)
    }

    /// The customer's `plan.json` of a successful build, parsed.
    #[track_caller]
    pub fn plan(&self, customer: &str) -> Plan {
        self.ok().plan(customer)
    }

    /// Every diagnostic, in the report's order.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.compiled.diagnostics
    }

    /// The errors only.
    pub fn errors(&self) -> Vec<&Diagnostic> {
        self.compiled
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect()
    }

    /// The warnings only.
    pub fn warnings(&self) -> Vec<&Diagnostic> {
        self.compiled
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .collect()
    }

    /// The codes of every diagnostic, in order.
    pub fn codes(&self) -> Vec<&'static str> {
        self.compiled
            .diagnostics
            .iter()
            .map(|d| d.code.as_str())
            .collect()
    }

    /// The only diagnostic with `code`; fails when there are none or several.
    #[track_caller]
    pub fn diagnostic(&self, code: &str) -> &Diagnostic {
        let found: Vec<&Diagnostic> = self
            .compiled
            .diagnostics
            .iter()
            .filter(|d| d.code == code)
            .collect();
        match found.as_slice() {
            [one] => one,
            [] => panic!(
                "no `{code}` diagnostic; the build reported:\n{}",
                self.report()
            ),
            _ => panic!("several `{code}` diagnostics:\n{}", self.report()),
        }
    }

    /// Asserts there is an error `code` at `path`, line `line`, and returns it.
    #[track_caller]
    pub fn assert_error(&self, code: &str, path: &str, line: usize) -> &Diagnostic {
        self.assert_diagnostic(Severity::Error, code, path, line)
    }

    /// Asserts there is a warning `code` at `path`, line `line`, and returns it.
    #[track_caller]
    pub fn assert_warning(&self, code: &str, path: &str, line: usize) -> &Diagnostic {
        self.assert_diagnostic(Severity::Warning, code, path, line)
    }

    #[track_caller]
    fn assert_diagnostic(
        &self,
        severity: Severity,
        code: &str,
        path: &str,
        line: usize,
    ) -> &Diagnostic {
        let found = self.compiled.diagnostics.iter().find(|d| {
            d.severity == severity
                && d.code == code
                && d.location().is_some_and(|(p, l, _)| p == path && l == line)
        });
        match found {
            Some(d) => {
                if severity == Severity::Error {
                    assert!(
                        self.compiled.files.is_empty(),
                        "a build with errors must produce no files"
                    );
                }
                d
            }
            None => panic!(
                "expected {}[{code}] at {path}:{line}; the build reported:\n{}",
                severity.as_str(),
                self.report()
            ),
        }
    }

    /// Asserts the only errors are exactly these codes, in report order.
    #[track_caller]
    pub fn assert_error_codes(&self, codes: &[&str]) {
        let errors: Vec<&str> = self.errors().iter().map(|d| d.code.as_str()).collect();
        assert_eq!(errors, codes, "the build reported:\n{}", self.report());
    }

    /// The diagnostics as `gangway build` prints them: plain, with the summary line.
    pub fn report(&self) -> String {
        let errors = self.errors().len();
        let warnings = self.warnings().len();
        let mut out = report::render(&self.compiled.diagnostics, Format::Human, false);
        out.push_str(&report::summary(errors, warnings));
        out.push('\n');
        out
    }
}

/// The output files of a build, by path, and where each customer's portal is.
///
/// Paths given to the accessors may start with `portal/<customer id>/`: that
/// names the customer's portal folder wherever gangway puts it (`p/<token>/`
/// since portal addresses are unguessable), so tests say which customer they
/// mean and do not depend on how addresses are made. Paths returned
/// ([`Files::paths`], [`Files::containing`]) are the real ones; use
/// [`Files::portal`] to compare them with a customer's folder.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Files {
    /// Every file's bytes, by real path.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Each customer's portal folder (`p/<token>/`), by customer id.
    pub portals: BTreeMap<String, String>,
    /// The vendor's dashboard folder (`p/<token>/`), when there is one.
    pub dashboard: Option<String>,
}

impl Files {
    fn from_compiled(compiled: &Compiled) -> Files {
        Files {
            files: compiled
                .files
                .iter()
                .map(|f| (f.path.clone(), f.bytes.clone()))
                .collect(),
            portals: portals_of(compiled),
            dashboard: compiled.dashboard.as_ref().map(|d| d.path.clone()),
        }
    }

    /// Every file in a directory tree, by `/`-separated relative path. It knows
    /// no portals until given them with [`Files::with_portals`].
    pub fn read(dir: &Path) -> Files {
        let mut files = BTreeMap::new();
        for entry in walkdir(dir) {
            let rel = entry
                .strip_prefix(dir)
                .expect("inside the directory")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            files.insert(rel, std::fs::read(&entry).expect("read output file"));
        }
        Files {
            files,
            portals: BTreeMap::new(),
            dashboard: None,
        }
    }

    /// The same files, with the portal folders of `build` (which must have
    /// used the same portal secret: see [`TEST_SECRET`]).
    pub fn with_portals(mut self, build: &Build) -> Files {
        self.portals = portals_of(&build.compiled);
        self.dashboard = build.compiled.dashboard.as_ref().map(|d| d.path.clone());
        self
    }

    /// A customer's portal folder, `p/<token>/`.
    #[track_caller]
    pub fn portal(&self, customer: &str) -> &str {
        self.portals.get(customer).unwrap_or_else(|| {
            panic!(
                "no portal for customer `{customer}`; portals: {:?}",
                self.portals
            )
        })
    }

    /// The vendor's dashboard folder, `p/<token>/`.
    #[track_caller]
    pub fn dashboard(&self) -> &str {
        self.dashboard.as_deref().expect("the site has a dashboard")
    }

    /// Whether a real path lies in the vendor's dashboard.
    pub fn in_dashboard(&self, path: &str) -> bool {
        self.dashboard
            .as_deref()
            .is_some_and(|dir| path.starts_with(dir))
    }

    /// Whether a real path is public: in no portal and not in the dashboard.
    pub fn is_public(&self, path: &str) -> bool {
        !self.in_any_portal(path) && !self.in_dashboard(path)
    }

    /// The real path of `path`, with a leading `portal/<customer>/` (or
    /// `dashboard/`) replaced.
    #[track_caller]
    pub fn real_path(&self, path: &str) -> String {
        if let Some(within) = path.strip_prefix("dashboard/")
            && let Some(dir) = &self.dashboard
        {
            return format!("{dir}{within}");
        }
        if let Some(rest) = path.strip_prefix("portal/")
            && let Some((customer, within)) = rest.split_once('/')
            && let Some(dir) = self.portals.get(customer)
        {
            return format!("{dir}{within}");
        }
        path.to_string()
    }

    /// The bytes of a file, which must exist.
    #[track_caller]
    pub fn bytes(&self, path: &str) -> &[u8] {
        let real = self.real_path(path);
        self.files.get(&real).unwrap_or_else(|| {
            panic!(
                "no output file {path} ({real}); there are:\n{}",
                self.paths().join("\n")
            )
        })
    }

    /// The text of a file, which must exist.
    #[track_caller]
    pub fn file(&self, path: &str) -> String {
        String::from_utf8(self.bytes(path).to_vec()).expect("output text is UTF-8")
    }

    /// The text of an HTML page with the entities the templates write in
    /// attribute values (`&#x2f;` for `/`, `&quot;`, `&#x27;`, `&amp;`) decoded,
    /// so assertions can look for `href="../kb/setup/"` as a browser reads it.
    /// `&lt;` and `&gt;` are kept, so text cannot turn into markup.
    #[track_caller]
    pub fn page(&self, path: &str) -> String {
        decode_attributes(&self.file(path))
    }

    /// Whether there is a file at `path`.
    pub fn has(&self, path: &str) -> bool {
        self.files.contains_key(&self.real_path(path))
    }

    /// Every real path, sorted.
    pub fn paths(&self) -> Vec<&str> {
        self.files.keys().map(String::as_str).collect()
    }

    /// The real paths of the files whose bytes contain `needle`.
    pub fn containing(&self, needle: &str) -> Vec<&str> {
        self.files
            .iter()
            .filter(|(_, bytes)| match std::str::from_utf8(bytes) {
                // `str::contains` is many times faster than a byte-window scan in
                // an unoptimised test build, and the example site is megabytes.
                Ok(text) => text.contains(needle),
                Err(_) => contains(bytes, needle.as_bytes()),
            })
            .map(|(p, _)| p.as_str())
            .collect()
    }

    /// For each needle, the real paths of the files that contain it: one pass
    /// over every file for all needles (indexed by their first two bytes), for
    /// checking hundreds of strings against a multi-megabyte site quickly even
    /// in an unoptimised test build.
    pub fn containing_each<'a>(&self, needles: &[&'a str]) -> BTreeMap<&'a str, Vec<&str>> {
        let mut found: BTreeMap<&str, Vec<&str>> =
            needles.iter().map(|n| (*n, Vec::new())).collect();
        let mut by_prefix: Vec<Vec<&str>> = vec![Vec::new(); 1 << 16];
        let mut short = Vec::new();
        for needle in needles {
            match needle.as_bytes() {
                [a, b, ..] => by_prefix[usize::from(*a) << 8 | usize::from(*b)].push(needle),
                _ => short.push(*needle),
            }
        }
        for (path, bytes) in &self.files {
            let mut here: BTreeSet<&str> = BTreeSet::new();
            for (i, pair) in bytes.windows(2).enumerate() {
                let candidates = &by_prefix[usize::from(pair[0]) << 8 | usize::from(pair[1])];
                for needle in candidates {
                    if bytes[i..].starts_with(needle.as_bytes()) {
                        here.insert(needle);
                    }
                }
            }
            for needle in &short {
                if contains(bytes, needle.as_bytes()) {
                    here.insert(needle);
                }
            }
            for needle in here {
                found.entry(needle).or_default().push(path.as_str());
            }
        }
        found
    }

    /// Whether a real path lies in the portal of `customer`.
    pub fn in_portal(&self, path: &str, customer: &str) -> bool {
        self.portals
            .get(customer)
            .is_some_and(|dir| path.starts_with(dir.as_str()))
    }

    /// Whether a real path lies in any customer's portal.
    pub fn in_any_portal(&self, path: &str) -> bool {
        self.portals
            .values()
            .any(|dir| path.starts_with(dir.as_str()))
    }

    /// The customer's `plan.json`, parsed.
    #[track_caller]
    pub fn plan(&self, customer: &str) -> Plan {
        let text = self.file(&format!("portal/{customer}/plan.json"));
        Plan(serde_json::from_str(&text).expect("plan.json is JSON"))
    }
}

fn portals_of(compiled: &Compiled) -> BTreeMap<String, String> {
    compiled
        .portals
        .iter()
        .map(|p| (p.customer.clone(), p.path.clone()))
        .collect()
}

/// Decodes the character references minijinja's HTML escaping writes, except
/// `&lt;` and `&gt;`.
pub fn decode_attributes(html: &str) -> String {
    html.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read directory") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// A customer's `plan.json`.
#[derive(Clone, Debug)]
pub struct Plan(pub serde_json::Value);

impl Plan {
    /// A task or milestone by id; fails when it is not in the plan.
    #[track_caller]
    pub fn item(&self, id: &str) -> &serde_json::Value {
        self.find(id)
            .unwrap_or_else(|| panic!("no `{id}` in the plan; it has {:?}", self.ids()))
    }

    /// A task or milestone by id, if the plan has it.
    pub fn find(&self, id: &str) -> Option<&serde_json::Value> {
        self.items().into_iter().find(|i| i["id"] == id)
    }

    /// Every task (in phase order), then every milestone.
    pub fn items(&self) -> Vec<&serde_json::Value> {
        let tasks = self.0["phases"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|p| p["tasks"].as_array().into_iter().flatten());
        let milestones = self.0["milestones"].as_array().into_iter().flatten();
        tasks.chain(milestones).collect()
    }

    /// The ids of every task and milestone.
    pub fn ids(&self) -> Vec<&str> {
        self.items()
            .iter()
            .filter_map(|i| i["id"].as_str())
            .collect()
    }

    /// `start` of an item, as `YYYY-MM-DD`.
    #[track_caller]
    pub fn start(&self, id: &str) -> &str {
        self.item(id)["start"].as_str().expect("start is a date")
    }

    /// `due` of an item, as `YYYY-MM-DD`.
    #[track_caller]
    pub fn due(&self, id: &str) -> &str {
        self.item(id)["due"].as_str().expect("due is a date")
    }

    /// `forecast_due` of an item: when it is expected to finish, as `YYYY-MM-DD`.
    #[track_caller]
    pub fn forecast(&self, id: &str) -> &str {
        self.item(id)["forecast_due"]
            .as_str()
            .expect("forecast_due is a date")
    }

    /// `forecast_end` of the plan, as `YYYY-MM-DD`.
    pub fn forecast_end(&self) -> &str {
        self.0["forecast_end"]
            .as_str()
            .expect("forecast_end is a date")
    }

    /// `after` of an item: the ids it waits for.
    #[track_caller]
    pub fn after(&self, id: &str) -> Vec<&str> {
        self.item(id)["after"]
            .as_array()
            .expect("after is a list")
            .iter()
            .filter_map(|v| v.as_str())
            .collect()
    }

    /// The ids of the items marked critical, in plan order.
    pub fn critical(&self) -> Vec<&str> {
        self.items()
            .iter()
            .filter(|i| i["critical"] == true)
            .filter_map(|i| i["id"].as_str())
            .collect()
    }

    /// The ids of the items marked overdue, in plan order.
    pub fn overdue(&self) -> Vec<&str> {
        self.items()
            .iter()
            .filter(|i| i["overdue"] == true)
            .filter_map(|i| i["id"].as_str())
            .collect()
    }
}

/// The portal secret the binary is given (`GANGWAY_PORTAL_SECRET`) unless a
/// test says otherwise: the text that [`BuildOptions::for_tests`] hashes, so the
/// binary puts portals where [`Site::build`] does.
pub const TEST_SECRET: &str = "gangway insecure test secret: never publish with it";

/// What a run of the `gangway` binary did.
#[derive(Debug)]
pub struct Run {
    /// The exit code (`-1` when killed by a signal).
    pub code: i32,
    /// Everything printed to standard output.
    pub stdout: String,
    /// Everything printed to standard error.
    pub stderr: String,
}

/// Runs the `gangway` binary with `args` in `dir`.
pub fn gangway(dir: &Path, args: &[&str]) -> Run {
    gangway_with(dir, args, &[])
}

/// Runs the `gangway` binary with `args` in `dir`, with extra environment
/// variables (an empty value removes the variable).
pub fn gangway_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gangway"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .env("GANGWAY_PORTAL_SECRET", TEST_SECRET)
        .env("NO_COLOR", "1");
    for (k, v) in env {
        if v.is_empty() {
            command.env_remove(k);
        } else {
            command.env(k, v);
        }
    }
    let output = command.output().expect("run the gangway binary");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}
