//! The mutation fuzzer: the example site's files, broken one to a few ways at a
//! time (bytes flipped, lines deleted, duplicated or re-indented, files cut short,
//! YAML, Jinja, Markdown and TOML fragments put in, tabs, byte order marks,
//! invalid UTF-8, very long lines, Lao and Nepali text), are checked in process.
//! No input may make the build panic, and every error must say where it is (file,
//! line, column) unless it is one of the few kinds that belong to no file
//! ([`FILE_LESS`]).
//!
//! Seeded and deterministic: `GANGWAY_FUZZ_ITERATIONS` (default [`ITERATIONS`])
//! and `GANGWAY_FUZZ_SEED` (default [`SEED`]) choose how long and which run. A
//! failure prints the seed, the iteration and the mutations, so
//! `GANGWAY_FUZZ_SEED=<seed> GANGWAY_FUZZ_ITERATIONS=<iteration + 1>` replays it.

use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};

use gangway::SourceTree;
use gangway::diagnostic::Severity;

use crate::harness::Site;

/// Iterations in a plain `cargo test`.
const ITERATIONS: u64 = 120;
/// The seed of a plain `cargo test`.
const SEED: u64 = 0x5EED_F00D_2026_1217;

/// Error codes that name no file: problems of the site as a whole, found before
/// any file is read or where no one file is to blame.
const FILE_LESS: &[&str] = &[
    // There is no gangway.toml: the folder is not a site (no file to point at).
    "not-a-site",
    // A static file at an address the site writes itself has no page to point at.
    "output-collision",
];

/// Text put into files: pieces of YAML, Jinja, Markdown and TOML that break them
/// or make them mean something else, and text in scripts the site is read in.
const FRAGMENTS: &[&str] = &[
    "{{",
    "}}",
    "{{ customer.name }}",
    "{{ nothing.here }}",
    "{% for x in y %}",
    "{% endfor %}",
    "{% if %}",
    "{# open comment",
    ": :",
    "- [",
    "&a *a",
    "*a",
    "&a",
    "!!binary x",
    "? x",
    "%YAML 1.2",
    "---",
    "...",
    "\t",
    "\u{feff}",
    "\r",
    "\r\n",
    "\u{0}",
    "|",
    ">",
    "\"",
    "'",
    "[",
    "]",
    "{",
    "}",
    "#",
    "key: value",
    "after: [nowhere]",
    "owner: nobody",
    "due: 99999bd",
    "duration: -3d",
    "kickoff: 2026-13-45",
    "when: customer.plan ==",
    "draft: true",
    "translation_of: 0000",
    "guides: [kb/missing]",
    "[a link](../nowhere.md)",
    "[an anchor](#nowhere)",
    "[up](../../../../etc/passwd)",
    "[javascript](javascript:alert(1))",
    "![image](missing.png)",
    "## Heading {#dup}",
    "```",
    "<script>alert(1)</script>",
    "<!--",
    "[table]",
    "= =",
    "title = \"x\"",
    "languages = [\"en\", \"xx\"]",
    "base_url = 5",
    "ຂໍ້ຄວາມພາສາລາວ ທົດສອບ",
    "नेपाली भाषामा पाठ",
    "\u{200b}",
    "\u{2028}",
];

/// A small, fixed pseudo-random sequence (xorshift64), so a seed names one run.
#[derive(Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        // xorshift never leaves zero.
        Rng(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Splits bytes into lines, each with its line break.
fn lines(bytes: &[u8]) -> Vec<Vec<u8>> {
    bytes
        .split_inclusive(|&b| b == b'\n')
        .map(<[u8]>::to_vec)
        .collect()
}

/// A file of `tree` to change: most often one an author edits, as those are
/// the likeliest to be broken (YAML, Markdown, TOML).
fn pick_path(tree: &SourceTree, rng: &mut Rng) -> String {
    let paths: Vec<String> = tree.iter().map(|(p, _)| p.to_string()).collect();
    let texts: Vec<&String> = paths
        .iter()
        .filter(|p| p.ends_with(".yaml") || p.ends_with(".md") || p.ends_with(".toml"))
        .collect();
    if texts.is_empty() || rng.below(10) == 0 {
        paths[rng.below(paths.len())].clone()
    } else {
        texts[rng.below(texts.len())].clone()
    }
}

/// Changes one file of `tree` in one random way; returns what it did.
fn mutate(tree: &mut SourceTree, rng: &mut Rng) -> String {
    let path = pick_path(tree, rng);
    let mut bytes = tree.get(&path).unwrap_or_default().to_vec();
    let mut rows = lines(&bytes);
    let row = rng.below(rows.len());
    let at = rng.below(bytes.len() + 1);
    let fragment = FRAGMENTS[rng.below(FRAGMENTS.len())];
    let what = match rng.below(13) {
        0 if !bytes.is_empty() => {
            let i = rng.below(bytes.len());
            bytes[i] ^= 1 << rng.below(8);
            format!("flip a bit of byte {i}")
        }
        1 if !rows.is_empty() => {
            rows.remove(row);
            bytes = rows.concat();
            format!("delete line {}", row + 1)
        }
        2 if !rows.is_empty() => {
            rows.insert(row, rows[row].clone());
            bytes = rows.concat();
            format!("duplicate line {}", row + 1)
        }
        3 if !rows.is_empty() => {
            let indent = ["  ", " ", "    ", "\t", " \t"][rng.below(5)];
            rows[row].splice(0..0, indent.bytes());
            bytes = rows.concat();
            format!("indent line {} by {indent:?}", row + 1)
        }
        4 if !rows.is_empty() => {
            let line = &mut rows[row];
            let spaces = line.iter().take_while(|&&b| b == b' ').count();
            let cut = spaces.min(1 + rng.below(4));
            line.drain(..cut);
            bytes = rows.concat();
            format!("unindent line {} by {cut}", row + 1)
        }
        5 => {
            bytes.truncate(at);
            format!("cut at byte {at}")
        }
        6 => {
            bytes.splice(at..at, fragment.bytes());
            format!("insert {fragment:?} at byte {at}")
        }
        7 if !rows.is_empty() => {
            let indent: Vec<u8> = rows[row]
                .iter()
                .take_while(|&&b| b == b' ')
                .copied()
                .collect();
            let mut line = indent;
            line.extend_from_slice(fragment.as_bytes());
            line.push(b'\n');
            rows.insert(row, line);
            bytes = rows.concat();
            format!("insert line {fragment:?} before line {}", row + 1)
        }
        8 => {
            bytes.splice(0..0, "\u{feff}".bytes());
            "put a byte order mark first".to_string()
        }
        9 => {
            let word = ["x", "ລາວ ", "नेपाली ", "{{ ", "- "][rng.below(5)];
            let long = word.repeat(20_000 / word.len());
            bytes.splice(at..at, long.bytes());
            format!("insert a {}-byte line of {word:?} at byte {at}", long.len())
        }
        10 => {
            let junk: &[u8] = [
                &b"\xff"[..],
                b"\xc3",
                b"\xe0\x80",
                b"\xed\xa0\x80",
                b"\x80\x80",
            ][rng.below(5)];
            bytes.splice(at..at, junk.iter().copied());
            format!("insert invalid UTF-8 {junk:?} at byte {at}")
        }
        11 if rows.len() > 1 => {
            let other = rng.below(rows.len());
            rows.swap(row, other);
            bytes = rows.concat();
            format!("swap lines {} and {}", row + 1, other + 1)
        }
        12 => {
            tree.remove(&path);
            return format!("remove {path}");
        }
        _ => {
            bytes.clear();
            "empty it".to_string()
        }
    };
    tree.insert(path.as_str(), bytes);
    format!("{path}: {what}")
}

fn env_number(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(text) => {
            let text = text.trim();
            let parsed = match text.strip_prefix("0x") {
                Some(hex) => u64::from_str_radix(hex, 16),
                None => text.parse(),
            };
            parsed.unwrap_or_else(|_| panic!("{name}={text} is not a number"))
        }
        Err(_) => default,
    }
}

/// What went wrong in one iteration, if anything.
fn check(tree: &SourceTree) -> Result<(), String> {
    let options = gangway::BuildOptions::for_tests(jiff::civil::date(2026, 12, 14));
    // Files are made and dropped at once, as `gangway check` does.
    let compiled = catch_unwind(AssertUnwindSafe(|| {
        gangway::compile_to(tree, &options, &|_| {})
    }))
    .map_err(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| panic.downcast_ref::<&str>().copied())
            .unwrap_or("(not a string)");
        format!("panicked: {message}")
    })?;
    let mut problems = String::new();
    for d in &compiled.diagnostics {
        if d.severity != Severity::Error || FILE_LESS.contains(&d.code.as_str()) {
            continue;
        }
        match d.location() {
            Some((path, line, column)) if !path.is_empty() && line > 0 && column > 0 => {}
            _ => {
                let _ = writeln!(problems, "unlocated error [{}] {}", d.code, d.message);
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// Runs `iterations` mutated sites from `seed`; the first failure, with what to replay.
fn run(seed: u64, iterations: u64) -> Result<usize, String> {
    let example = Site::example();
    let mut rng = Rng::new(seed);
    let mut with_errors = 0;
    for iteration in 0..iterations {
        let mut tree = example.tree().clone();
        let mut done = Vec::new();
        for _ in 0..1 + rng.below(3) {
            done.push(mutate(&mut tree, &mut rng));
        }
        if let Err(problem) = check(&tree) {
            return Err(format!(
                "GANGWAY_FUZZ_SEED={seed:#x}, iteration {iteration} \
                 (replay with GANGWAY_FUZZ_SEED={seed:#x} GANGWAY_FUZZ_ITERATIONS={}):\n\
                 mutations:\n  {}\n{problem}",
                iteration + 1,
                done.join("\n  ")
            ));
        }
        with_errors += 1;
    }
    Ok(with_errors)
}

/// The fuzzer itself (see the module's header for its environment variables).
#[test]
fn mutated_example_sites_never_panic_and_every_error_is_located() {
    let seed = env_number("GANGWAY_FUZZ_SEED", SEED);
    let iterations = env_number("GANGWAY_FUZZ_ITERATIONS", ITERATIONS);
    if let Err(report) = run(seed, iterations) {
        panic!("{report}");
    }
}

/// The same seed makes the same mutations, so a reported failure can be replayed.
#[test]
fn a_seed_names_one_run() {
    let example = Site::example();
    let run = |seed| {
        let mut rng = Rng::new(seed);
        let mut tree = example.tree().clone();
        (0..20)
            .map(|_| mutate(&mut tree, &mut rng))
            .collect::<Vec<_>>()
    };
    assert_eq!(run(7), run(7));
    assert_ne!(run(7), run(8));
}
