//! What `gangway init` writes for CI and version control: the GitHub Actions
//! workflow (its shape, and a workflow linter's verdict) and `init .` in a
//! freshly cloned repository.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::harness::*;

const WORKFLOW: &str = ".github/workflows/portal.yml";

/// A new site made by `init` in a temporary directory.
fn initialised() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    let run = gangway(dir.path(), &["init", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    dir
}

/// The workflow `init` wrote into `dir`, as a JSON value.
fn workflow(dir: &Path) -> Value {
    let text = std::fs::read_to_string(dir.join(WORKFLOW)).expect("the workflow");
    serde_saphyr::from_str(&text).expect("the workflow is YAML")
}

/// The steps of job `job`.
fn steps<'a>(flow: &'a Value, job: &str) -> &'a Vec<Value> {
    flow["jobs"][job]["steps"].as_array().expect("steps")
}

/// The step of `job` that runs `command`, or uses `action` (`name@version`).
fn step<'a>(flow: &'a Value, job: &str, key: &str, starts: &str) -> &'a Value {
    steps(flow, job)
        .iter()
        .find(|s| s[key].as_str().is_some_and(|v| v.starts_with(starts)))
        .unwrap_or_else(|| panic!("no step of `{job}` with {key}: {starts}…"))
}

#[test]
fn the_workflow_checks_pull_requests_and_publishes_main_to_pages() {
    let dir = initialised();
    let flow = workflow(dir.path());
    assert!(flow["on"]["pull_request"].is_null() && flow["on"].get("pull_request").is_some());
    assert_eq!(flow["on"]["push"]["branches"], serde_json::json!(["main"]));
    assert_eq!(flow["permissions"], serde_json::json!({"contents": "read"}));
    assert_eq!(flow["env"]["GANGWAY_VERSION"], env!("CARGO_PKG_VERSION"));

    // Pull requests: check, with annotations, and no secret (forks have none).
    assert_eq!(
        flow["jobs"]["check"]["if"],
        "github.event_name == 'pull_request'"
    );
    let check = step(&flow, "check", "run", "gangway check");
    assert_eq!(check["run"], "gangway check --format github");
    let job = serde_json::to_string(&flow["jobs"]["check"]).expect("json");
    assert!(!job.contains("secrets."), "{job}");

    // main: build with the repository's portal secret, then the Pages artifact.
    assert_eq!(
        flow["jobs"]["build"]["if"],
        "github.event_name != 'pull_request'"
    );
    let build = step(&flow, "build", "name", "Build");
    assert_eq!(
        build["env"]["GANGWAY_PORTAL_SECRET"],
        "${{ secrets.GANGWAY_PORTAL_SECRET }}"
    );
    let script = build["run"].as_str().expect("a script");
    assert!(script.contains("gangway build --format github"), "{script}");
    assert!(
        script.contains("[ -z \"$GANGWAY_PORTAL_SECRET\" ]"),
        "{script}"
    );
    step(&flow, "build", "uses", "actions/configure-pages@");
    let upload = step(&flow, "build", "uses", "actions/upload-pages-artifact@");
    assert_eq!(upload["with"]["path"], "public", "build's default output");
    for job in ["check", "build"] {
        let install = step(&flow, job, "name", "Install gangway");
        let run = install["run"].as_str().unwrap_or_default();
        assert!(
            run.ends_with(
                "cargo install --locked --git \"$GANGWAY_GIT\" --tag \"v$GANGWAY_VERSION\" gangway\n"
            ),
            "{run}"
        );
        // Never by name from crates.io, where `gangway` is another project.
        assert!(!run.contains("install --locked gangway"), "{run}");
        assert!(run.contains("*OWNER*)"), "{run}");
        assert_eq!(install["if"], "steps.cache.outputs.cache-hit != 'true'");
    }

    // Deploy: only this job may write to Pages, one deployment at a time.
    let deploy = &flow["jobs"]["deploy"];
    assert_eq!(deploy["needs"], "build");
    assert_eq!(
        deploy["permissions"],
        serde_json::json!({"pages": "write", "id-token": "write"})
    );
    assert_eq!(
        deploy["concurrency"],
        serde_json::json!({"group": "pages", "cancel-in-progress": false})
    );
    assert_eq!(deploy["environment"]["name"], "github-pages");
    let step = step(&flow, "deploy", "uses", "actions/deploy-pages@");
    assert_eq!(step["id"], "deployment");
    assert_eq!(
        deploy["environment"]["url"],
        "${{ steps.deployment.outputs.page_url }}"
    );
}

/// The commands the workflow runs succeed on the starter site as it is.
#[test]
fn the_workflow_commands_pass_on_the_starter_site() {
    let dir = initialised();
    let run = gangway(dir.path(), &["check", "--format", "github"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "", "no annotation on the starter site");
    let run = gangway(dir.path(), &["build", "--format", "github"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(dir.path().join("public/index.html").is_file());
}

/// Runs `tool` with `args`, or `None` when it is not installed.
fn run_tool(tool: &str, args: &[&str], dir: &Path) -> Option<std::process::Output> {
    match Command::new(tool).args(args).current_dir(dir).output() {
        Ok(output) => Some(output),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
        Err(err) => panic!("cannot run {tool}: {err}"),
    }
}

/// actionlint (with ShellCheck for the `run:` scripts) accepts the workflow, and
/// rejects a broken copy of it. `.ci/run` installs both and sets
/// `GANGWAY_REQUIRE_ACTIONLINT=1`, so there a missing tool is a failure.
#[test]
fn actionlint_accepts_the_workflow() {
    let required = std::env::var("GANGWAY_REQUIRE_ACTIONLINT").is_ok_and(|v| v == "1");
    let dir = initialised();
    let Some(version) = run_tool("actionlint", &["-version"], dir.path()) else {
        assert!(!required, "actionlint is not on PATH (see .ci/run)");
        eprintln!("actionlint is not installed: the workflow was not linted");
        return;
    };
    assert!(version.status.success());
    if required {
        let shellcheck = run_tool("shellcheck", &["--version"], dir.path());
        assert!(
            shellcheck.is_some_and(|o| o.status.success()),
            "shellcheck is not on PATH (see .ci/run)"
        );
    }
    let lint = |path: &str| {
        let output = run_tool("actionlint", &["-no-color", path], dir.path()).expect("actionlint");
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
        )
    };
    let (code, out) = lint(WORKFLOW);
    assert_eq!(code, Some(0), "{out}");

    // The linter does look: a misspelt step id and an unquoted variable fail.
    let text = std::fs::read_to_string(dir.path().join(WORKFLOW)).expect("read");
    let broken = text
        .replacen("steps.cache.outputs", "steps.cahce.outputs", 1)
        .replacen("--git \"$GANGWAY_GIT\"", "--git $GANGWAY_GIT", 1);
    std::fs::write(dir.path().join(".github/workflows/broken.yml"), broken).expect("write");
    let (code, out) = lint(".github/workflows/broken.yml");
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("property \"cahce\" is not defined"), "{out}");
    if required {
        assert!(out.contains("SC2086"), "ShellCheck ran: {out}");
    }
}

// ---------------------------------------------------------------------------
// `init .` in a fresh clone

#[test]
fn init_works_in_a_fresh_clone_and_keeps_its_files() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let root = dir.path();
    std::fs::create_dir_all(root.join(".git/refs")).expect("mkdir");
    std::fs::write(root.join(".git/HEAD"), "ref: refs/heads/main\n").expect("write");
    std::fs::write(root.join("README.md"), "# Our portal\n").expect("write");
    std::fs::write(root.join("LICENSE"), "MIT\n").expect("write");
    std::fs::write(root.join(".gitattributes"), "* text=auto\n").expect("write");
    std::fs::write(root.join(".gitignore"), "target/\r\n/public/\r\n").expect("write");
    std::fs::create_dir_all(root.join(".github")).expect("mkdir");
    std::fs::write(root.join(".github/dependabot.yml"), "version: 2\n").expect("write");

    let run = gangway(root, &["init", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let read = |path: &str| std::fs::read_to_string(root.join(path)).expect(path);
    assert_eq!(read("README.md"), "# Our portal\n");
    assert_eq!(read("LICENSE"), "MIT\n");
    assert_eq!(read(".gitattributes"), "* text=auto\n");
    assert_eq!(read(".github/dependabot.yml"), "version: 2\n");
    assert_eq!(read(".git/HEAD"), "ref: refs/heads/main\n");
    // The lines it lacked, ended as its own are.
    assert_eq!(
        read(".gitignore"),
        "target/\r\n/public/\r\n/.public.lock\r\n/.portal-secret\r\n"
    );
    assert!(read(WORKFLOW).contains("gangway check --format github"));
    assert_eq!(read("gangway.toml"), read_starter("gangway.toml"));

    let run = gangway(root, &["build", "--today", TODAY]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(root.join("public/index.html").is_file());
}

/// A starter file's text, as `init` writes it into an empty directory.
fn read_starter(path: &str) -> String {
    Site::starter().text(path)
}

#[test]
fn init_without_a_gitignore_writes_one() {
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::write(dir.path().join("README"), "hello\n").expect("write");
    let run = gangway(dir.path(), &["init", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".gitignore")).expect("read"),
        "/public/\n/.public.lock\n/.portal-secret\n"
    );
}

/// Nothing is written when anything is in the way: another file, or a
/// workflow of the same name.
#[test]
fn init_refuses_other_files_and_an_existing_workflow_and_writes_nothing() {
    for (path, text) in [
        ("notes.txt", "mine\n"),
        (WORKFLOW, "name: ours\n"),
        ("content/kb/a.md", "# A\n"),
    ] {
        let dir = tempfile::tempdir().expect("temporary directory");
        std::fs::write(dir.path().join("README.md"), "# x\n").expect("write");
        let target = dir.path().join(path);
        std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        std::fs::write(&target, text).expect("write");
        let run = gangway(dir.path(), &["init", "."]);
        assert_eq!(run.code, 2, "{path}: {}", run.stderr);
        assert!(run.stderr.contains("already exists"), "{}", run.stderr);
        let first = path.split('/').next().unwrap_or(path);
        assert!(run.stderr.contains(first), "{path}: {}", run.stderr);
        assert_eq!(std::fs::read_to_string(&target).expect("read"), text);
        assert!(!dir.path().join("gangway.toml").exists(), "{path}");
        assert!(!dir.path().join(".gitignore").exists(), "{path}");
    }
}

/// docs/publishing.md installs the release the workflow pins, and names every
/// host the issue asked for.
#[test]
fn the_publishing_guide_matches_the_workflow() {
    let guide = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/publishing.md"))
        .expect("docs/publishing.md");
    let version = env!("CARGO_PKG_VERSION");
    assert!(
        guide.contains(&format!("--tag v{version} gangway")),
        "docs/publishing.md installs gangway {version}"
    );
    for host in [
        "## GitHub Pages",
        "## GitLab Pages",
        "## Netlify",
        "## Cloudflare Pages",
        "## S3 with CloudFront",
    ] {
        assert!(guide.contains(host), "{host}");
    }
    let starter = Site::starter().text(WORKFLOW);
    for action in [
        "actions/configure-pages",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
    ] {
        assert!(
            starter.contains(action) && guide.contains(action),
            "{action}"
        );
    }
}
