//! The invariants of ARCHITECTURE.md that the source itself can show: which
//! module may use which, who touches the file system, who prints. Read from
//! the source text (tests inside a file are left out), so a new import that
//! breaks the pipeline's direction fails here with the file that made it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The pipeline's stages, and the other modules the rules below name.
const STAGES: &[&str] = &[
    "source",
    "config",
    "raw",
    "yaml",
    "resolve",
    "model",
    "plan",
    "text",
    "render",
    "output",
    "build",
    "incremental",
    "serve",
    "digest",
    "ingest",
    "translations",
];

/// Modules that use no stage: anything may use them.
const LEAVES: &[&str] = &[
    "markdown",
    "locale",
    "diagnostic",
    "suggest",
    "html",
    "url",
    "lang",
    "links",
];

/// The only modules that read or write files (besides the binary, `main.rs`).
const FILE_SYSTEM: &[&str] = &["source", "output", "init"];

struct SourceFile {
    /// `src/resolve/content.rs`
    path: String,
    /// `resolve`
    module: String,
    /// The text without its test module.
    text: String,
}

fn library_files() -> Vec<SourceFile> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut paths = Vec::new();
    collect(&src, &mut paths);
    paths.sort();
    paths
        .into_iter()
        .filter_map(|path| {
            let rel = path
                .strip_prefix(&src)
                .ok()?
                .to_string_lossy()
                .replace('\\', "/");
            // The binary (main.rs and its commands in cmd/) may print and touch files.
            if rel == "main.rs"
                || rel == "lib.rs"
                || rel.starts_with("cmd/")
                || !rel.ends_with(".rs")
            {
                return None;
            }
            let module = rel.split('/').next()?.trim_end_matches(".rs").to_string();
            let text = std::fs::read_to_string(&path).ok()?;
            if test_only(&src, &rel) {
                return None;
            }
            Some(SourceFile {
                path: format!("src/{rel}"),
                module,
                text: without_tests(&text),
            })
        })
        .collect()
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ is readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Whether the file at `rel` (under `src/`) is a module its parent compiles
/// only for tests (`#[cfg(test)] mod name;`).
fn test_only(src: &Path, rel: &str) -> bool {
    let Some((dir, file)) = rel.rsplit_once('/') else {
        return false;
    };
    let name = file.trim_end_matches(".rs");
    let parent = [format!("{dir}.rs"), format!("{dir}/mod.rs")]
        .iter()
        .find_map(|p| std::fs::read_to_string(src.join(p)).ok())
        .unwrap_or_default();
    parent.contains(&format!("#[cfg(test)]\nmod {name};"))
}

/// The text before the file's `#[cfg(test)]` module, and without comments.
fn without_tests(text: &str) -> String {
    let end = [
        "#[cfg(test)]\nmod ",
        "#[cfg(test)]\npub(super) mod ",
        "#[cfg(test)]\npub(crate) mod ",
    ]
    .iter()
    .filter_map(|m| text.find(m))
    .min()
    .unwrap_or(text.len());
    text[..end]
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level modules a file names as `crate::NAME` (in paths and in
/// `use crate::{...}` groups).
fn uses(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // Top-level names of the group: those at brace depth zero.
            let mut depth = 0;
            let mut name = String::new();
            let mut expect_name = true;
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => expect_name = true,
                    c if depth == 0 && expect_name && (c.is_alphanumeric() || c == '_') => {
                        name.push(c)
                    }
                    _ => {
                        if !name.is_empty() {
                            out.insert(std::mem::take(&mut name));
                            expect_name = false;
                        }
                    }
                }
            }
            if !name.is_empty() {
                out.insert(name);
            }
            continue;
        }
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            out.insert(name);
        }
    }
    out
}

/// Module → the other modules it uses, and the file that uses each.
fn graph(files: &[SourceFile]) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut graph: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for f in files {
        let edges = graph.entry(f.module.clone()).or_default();
        for used in uses(&f.text) {
            if used != f.module {
                edges.entry(used).or_insert_with(|| f.path.clone());
            }
        }
    }
    graph
}

#[test]
fn nothing_downstream_uses_the_resolver() {
    let graph = graph(&library_files());
    let mut wrong = Vec::new();
    for module in [
        "model", "markdown", "plan", "render", "text", "raw", "locale",
    ] {
        if let Some(file) = graph.get(module).and_then(|e| e.get("resolve")) {
            wrong.push(format!("{file} uses resolve"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn leaves_use_no_stage() {
    let graph = graph(&library_files());
    let mut wrong = Vec::new();
    for leaf in LEAVES {
        for (used, file) in graph.get(*leaf).into_iter().flatten() {
            if STAGES.contains(&used.as_str()) {
                wrong.push(format!("{file} uses {used}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn the_stages_use_each_other_in_one_direction() {
    let graph = graph(&library_files());
    // Depth-first search for a cycle among the stages.
    fn visit<'a>(
        at: &'a str,
        graph: &'a BTreeMap<String, BTreeMap<String, String>>,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|m| *m == at) {
            let mut cycle: Vec<String> = path[start..].iter().map(|m| m.to_string()).collect();
            cycle.push(at.to_string());
            return Some(cycle);
        }
        if !done.insert(at) {
            return None;
        }
        path.push(at);
        for next in graph.get(at).into_iter().flat_map(|e| e.keys()) {
            if STAGES.contains(&next.as_str())
                && let Some(cycle) = visit(next, graph, path, done)
            {
                return Some(cycle);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    for stage in STAGES {
        if let Some(cycle) = visit(stage, &graph, &mut Vec::new(), &mut done) {
            let files: Vec<String> = cycle
                .windows(2)
                .map(|w| format!("{} (in {})", w[1], graph[&w[0]][&w[1]]))
                .collect();
            panic!(
                "the stages use each other in a circle: {} → {}",
                cycle[0],
                files.join(" → ")
            );
        }
    }
}

#[test]
fn only_source_output_and_init_touch_the_file_system() {
    let mut wrong = Vec::new();
    for f in library_files() {
        if FILE_SYSTEM.contains(&f.module.as_str()) {
            continue;
        }
        for needle in [
            "std::fs",
            "fs::read",
            "fs::write",
            "fs::File",
            "WalkDir",
            "read_dir",
        ] {
            if f.text.contains(needle) {
                wrong.push(format!("{} uses {needle}", f.path));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn the_library_does_not_print() {
    let mut wrong = Vec::new();
    for f in library_files() {
        for needle in ["println!", "print!(", "std::io::stdout", "std::io::stderr"] {
            if f.text.contains(needle) {
                wrong.push(format!("{} uses {needle}", f.path));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn the_reader_finds_uses_in_paths_and_groups() {
    let found = uses(
        "use crate::model::{Site, X};\nuse crate::{html::escape, url::{a, b}, lang};\nlet x = crate::plan::f();",
    );
    let expected: BTreeSet<String> = ["html", "lang", "model", "plan", "url"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(found, expected);
}
