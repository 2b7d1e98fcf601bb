//! The JSON Schemas of `gangway schema` checked with a real validator (boon, draft-07):
//! every example file of the repository fits them; every file of
//! `tests/fixtures/json-schema/invalid/` breaks them (and gangway rejects it too); every
//! file of `tests/fixtures/json-schema/valid/` fits them (and gangway accepts it too:
//! values gangway reads loosely, such as `title: 2024` or `draft: "yes"`); and
//! docs/schema.md names every key the schemas hold.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::harness::*;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every schema, compiled (boon also checks each against the draft-07 meta-schema).
struct Validator {
    schemas: boon::Schemas,
    index: BTreeMap<&'static str, boon::SchemaIndex>,
}

impl Validator {
    fn new() -> Validator {
        let mut schemas = boon::Schemas::new();
        let mut compiler = boon::Compiler::new();
        let mut index = BTreeMap::new();
        for file in gangway::schema::schemas() {
            let url = format!("file:///schema/{}", file.name);
            compiler
                .add_resource(&url, file.schema)
                .unwrap_or_else(|e| panic!("{}: {e}", file.name));
            let at = compiler
                .compile(&url, &mut schemas)
                .unwrap_or_else(|e| panic!("{} does not compile: {e:#}", file.name));
            index.insert(file.name.trim_end_matches(".schema.json"), at);
        }
        Validator { schemas, index }
    }

    /// The validator's complaint about `instance` under schema `kind`, if any.
    fn check(&self, kind: &str, instance: &Value) -> Option<String> {
        let at = *self
            .index
            .get(kind)
            .unwrap_or_else(|| panic!("no schema {kind}"));
        self.schemas
            .validate(instance, at)
            .err()
            .map(|e| format!("{e:#}"))
    }
}

/// The file's data as an editor sees it: YAML (YAML 1.2 scalars), TOML, or the
/// front matter of a Markdown file in either.
fn instance(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).expect("read example file");
    let name = path.to_string_lossy();
    if name.ends_with(".toml") {
        return toml_json(&text, path);
    }
    if name.ends_with(".md") {
        let text = text.replace("\r\n", "\n");
        for (fence, toml) in [("---\n", false), ("+++\n", true)] {
            if let Some(rest) = text.strip_prefix(fence) {
                let end = rest
                    .find(&format!("\n{fence}"))
                    .map_or(rest.len(), |i| i + 1);
                let front = &rest[..end];
                return if toml {
                    toml_json(front, path)
                } else {
                    yaml_json(front, path)
                };
            }
        }
        panic!("{}: no front matter", path.display());
    }
    yaml_json(&text, path)
}

fn yaml_json(text: &str, path: &Path) -> Value {
    let value: Value = serde_saphyr::from_str(text)
        .unwrap_or_else(|e| panic!("{}: not YAML: {e}", path.display()));
    // An empty document is an empty mapping to gangway.
    if value.is_null() {
        Value::Object(Default::default())
    } else {
        value
    }
}

fn toml_json(text: &str, path: &Path) -> Value {
    let table: toml::Table =
        toml::from_str(text).unwrap_or_else(|e| panic!("{}: not TOML: {e}", path.display()));
    json_of(toml::Value::Table(table))
}

/// TOML as JSON, dates as their text (as Taplo validates them).
fn json_of(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::from(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::from(b),
        toml::Value::Datetime(d) => Value::from(d.to_string()),
        toml::Value::Array(items) => items.into_iter().map(json_of).collect(),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, json_of(v))).collect())
        }
    }
}

/// The schema of a file of a site, by its path from the site root.
fn kind_of(rel: &str) -> Option<&'static str> {
    let file = rel.rsplit('/').next().unwrap_or(rel);
    if rel == "gangway.toml" {
        Some("gangway")
    } else if rel.starts_with("playbooks/") && rel.ends_with(".yaml") {
        // `saas.yaml` is a playbook, `saas.ms.yaml` its translation.
        Some(if file.matches('.').count() > 1 {
            "playbook-translation"
        } else {
            "playbook"
        })
    } else if rel.starts_with("customers/") && rel.ends_with(".yaml") {
        Some("customer")
    } else if rel.starts_with("content/faq/") && !file.starts_with("_index") {
        rel.ends_with(".md").then_some("faq")
    } else if rel.starts_with("content/") && rel.ends_with(".md") {
        Some("article")
    } else {
        None
    }
}

/// Every file of the site at `root` that a schema describes, with its schema.
fn site_files(root: &Path) -> Vec<(PathBuf, &'static str)> {
    let mut found = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir").flatten() {
            let path = entry.path();
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            if path.is_dir() {
                if ["playbooks", "customers", "content"]
                    .iter()
                    .any(|top| rel == *top || rel.starts_with(&format!("{top}/")))
                {
                    dirs.push(path);
                }
            } else if let Some(kind) = kind_of(&rel) {
                found.push((path, kind));
            }
        }
    }
    found.sort();
    found
}

fn example_sites() -> Vec<PathBuf> {
    let mut sites = vec![repo(), repo().join("src/starter")];
    let valid = repo().join("tests/fixtures/valid");
    for entry in std::fs::read_dir(&valid).expect("fixtures").flatten() {
        sites.push(entry.path().join("site"));
    }
    sites
}

#[test]
fn every_example_file_fits_its_schema() {
    let validator = Validator::new();
    let mut failures = Vec::new();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for site in example_sites() {
        for (path, kind) in site_files(&site) {
            *counts.entry(kind).or_default() += 1;
            if let Some(why) = validator.check(kind, &instance(&path)) {
                failures.push(format!("{} ({kind}): {why}", path.display()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // The example site has every kind, many times over.
    for kind in [
        "gangway",
        "playbook",
        "playbook-translation",
        "customer",
        "article",
        "faq",
    ] {
        assert!(counts.get(kind).copied().unwrap_or(0) >= 3, "{counts:?}");
    }
    assert!(counts.values().sum::<usize>() > 200, "{counts:?}");
}

/// The fixtures of `tests/fixtures/json-schema/<dir>/`: `<kind>--<what>.<ext>`.
fn fixtures(dir: &str) -> Vec<(PathBuf, String)> {
    let dir = repo().join("tests/fixtures/json-schema").join(dir);
    let mut found: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .flatten()
        .map(|e| e.path())
        .map(|p| {
            let name = p
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string();
            let kind = name.split("--").next().unwrap_or_default().to_string();
            (p, kind)
        })
        .collect();
    found.sort();
    found
}

/// The minimal site with `path`'s text in place of its file of that kind.
fn site_with(kind: &str, path: &Path) -> Site {
    let text = std::fs::read_to_string(path).expect("fixture");
    let site = Site::new();
    match kind {
        "gangway" => site.file("gangway.toml", &text),
        "playbook" => site.file("playbooks/onboarding.yaml", &text),
        "playbook-translation" => site
            .append("gangway.toml", "")
            .edit(
                "gangway.toml",
                "[vendor]",
                "languages = [\"en\", \"ms\"]\n\n[vendor]",
            )
            .file("playbooks/onboarding.ms.yaml", &text),
        "customer" => site.file("customers/acme.yaml", &text),
        "article" => site.file("content/kb/setup.md", &text),
        "faq" => site.file("content/faq/reset-password.md", &text),
        other => panic!("{}: no kind {other}", path.display()),
    }
}

#[test]
fn every_invalid_fixture_breaks_its_schema_and_gangway_rejects_it() {
    let validator = Validator::new();
    let invalid = fixtures("invalid");
    assert!(invalid.len() >= 20, "{invalid:?}");
    for (path, kind) in &invalid {
        let complaint = validator.check(kind, &instance(path));
        assert!(
            complaint.is_some(),
            "{} fits the {kind} schema",
            path.display()
        );
        let build = site_with(kind, path).build();
        assert!(
            !build.errors().is_empty(),
            "{}: the schema refuses it but gangway accepts it",
            path.display()
        );
    }
}

#[test]
fn values_gangway_reads_loosely_fit_the_schemas() {
    let validator = Validator::new();
    let valid = fixtures("valid");
    assert!(valid.len() >= 3, "{valid:?}");
    for (path, kind) in &valid {
        if let Some(why) = validator.check(kind, &instance(path)) {
            panic!("{} does not fit the {kind} schema: {why}", path.display());
        }
        let build = site_with(kind, path).build();
        assert!(
            build.errors().is_empty(),
            "{}: gangway refuses it: {}",
            path.display(),
            build.report()
        );
    }
}

/// Every key of a schema, with the path of tables or mappings above it
/// (`encrypt.passphrase_env`); the keys of free-form maps (`vars`, role ids) are not keys.
fn keys(schema: &Value, above: &str, out: &mut Vec<String>) {
    let Some(map) = schema.as_object() else {
        return;
    };
    if let Some(props) = map.get("properties").and_then(Value::as_object) {
        for (key, sub) in props {
            let path = if above.is_empty() {
                key.clone()
            } else {
                format!("{above}.{key}")
            };
            out.push(path.clone());
            keys(sub, &path, out);
        }
    }
    for word in ["items", "additionalProperties"] {
        if let Some(sub) = map.get(word) {
            keys(sub, above, out);
        }
    }
    for word in ["anyOf", "oneOf", "allOf"] {
        for sub in map
            .get(word)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            keys(sub, above, out);
        }
    }
}

/// The part of docs/schema.md from the heading starting with `from` to the next
/// heading of the same level.
fn section<'a>(doc: &'a str, from: &str) -> &'a str {
    let start = doc
        .find(from)
        .unwrap_or_else(|| panic!("no {from} in docs/schema.md"));
    let level = from.split(' ').next().unwrap_or("##");
    let rest = &doc[start + from.len()..];
    let end = rest
        .match_indices(&format!("\n{level} "))
        .map(|(i, _)| i)
        .next()
        .unwrap_or(rest.len());
    &rest[..end]
}

#[test]
fn docs_schema_md_names_every_key_the_parser_accepts() {
    let doc = std::fs::read_to_string(repo().join("docs/schema.md")).expect("docs/schema.md");
    let sections = [
        ("gangway", "## `gangway.toml`"),
        ("playbook", "## Playbooks"),
        ("customer", "## Customers"),
        ("article", "## Knowledge-base articles"),
        ("faq", "## FAQ entries"),
        ("playbook-translation", "### Playbooks"),
    ];
    let mut missing = Vec::new();
    for file in gangway::schema::schemas() {
        let kind = file.name.trim_end_matches(".schema.json");
        let heading = sections
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, h)| *h)
            .unwrap_or_else(|| panic!("no section of docs/schema.md for {kind}"));
        let own = section(&doc, heading);
        // A customer's extra tasks take every key of a playbook's tasks.
        let tasks = section(&doc, "## Playbooks");
        let mut all = Vec::new();
        keys(&file.schema, "", &mut all);
        assert!(all.len() >= 5, "{kind}: {all:?}");
        for path in all {
            let key = path.rsplit('.').next().unwrap_or(&path);
            let named = [
                format!("{key}:"),
                format!("{key} ="),
                format!("[{key}]"),
                format!("[{key}."),
                format!(".{key}]"),
                format!("`{key}`"),
                format!("{{ {key} ="),
            ]
            .iter()
            .any(|form| {
                own.contains(form.as_str())
                    || (path.starts_with("extra_tasks.") && tasks.contains(form.as_str()))
            });
            if !named {
                missing.push(format!("{kind}: {path}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "docs/schema.md does not name these keys in their section:\n{}",
        missing.join("\n")
    );
}

#[test]
fn gangway_schema_writes_the_files_and_init_maps_them_for_editors() {
    let parent = tempfile::tempdir().expect("temporary directory");
    let out = parent.path().join("schemas");
    let run = gangway(parent.path(), &["schema", "--out", "schemas"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let names: Vec<String> = gangway::schema::schemas()
        .iter()
        .map(|s| s.name.to_string())
        .collect();
    assert_eq!(run.stdout.lines().count(), names.len(), "{}", run.stdout);
    for name in &names {
        let text = std::fs::read_to_string(out.join(name)).expect("schema written");
        let value: Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(value["$schema"], "http://json-schema.org/draft-07/schema#");
    }
    // Without --out: into the site's .gangway/schema/, and only in a site.
    let run = gangway(parent.path(), &["schema"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("gangway.toml"), "{}", run.stderr);

    assert_eq!(gangway(parent.path(), &["init", "s"]).code, 0);
    let site = parent.path().join("s");
    for name in &names {
        assert!(site.join(".gangway/schema").join(name).is_file(), "{name}");
    }
    let settings: Value = serde_json::from_str(
        &std::fs::read_to_string(site.join(".vscode/settings.json")).expect("settings"),
    )
    .expect("JSON");
    let map = settings["yaml.schemas"].as_object().expect("yaml.schemas");
    assert_eq!(
        map["./.gangway/schema/customer.schema.json"],
        serde_json::json!(["customers/*.yaml"])
    );
    assert_eq!(
        map["./.gangway/schema/playbook.schema.json"],
        serde_json::json!(["playbooks/*.yaml", "!playbooks/*.*.yaml"])
    );
    // Every path the settings and modelines name is a file init wrote.
    for key in map.keys() {
        assert!(site.join(key).is_file(), "{key}");
    }
    let toml = std::fs::read_to_string(site.join("gangway.toml")).expect("gangway.toml");
    let directive = toml.lines().next().unwrap_or("");
    let target = directive
        .strip_prefix("#:schema ")
        .expect("a #:schema line first");
    assert!(site.join(target).is_file(), "{directive}");
    for file in ["playbooks/standard.yaml", "customers/example-customer.yaml"] {
        let text = std::fs::read_to_string(site.join(file)).expect("starter file");
        let line = text.lines().next().unwrap_or("");
        let target = line
            .strip_prefix("# yaml-language-server: $schema=")
            .unwrap_or_else(|| panic!("{file}: no modeline: {line}"));
        let at = site.join(file).parent().expect("folder").join(target);
        assert!(at.is_file(), "{file}: {line}");
    }
    // And the site still builds without a problem, and `gangway schema` refreshes them.
    let run = gangway(&site, &["check", "--today", "2026-12-14"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.is_empty() || !run.stderr.contains("warning"),
        "{}",
        run.stderr
    );
    std::fs::remove_dir_all(site.join(".gangway")).expect("remove");
    let run = gangway(&site, &["schema"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(site.join(".gangway/schema/customer.schema.json").is_file());
}
