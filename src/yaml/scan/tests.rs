//! The scanner against granit-parser: on the sites' files, on generated documents
//! and on broken ones, a tree the scanner returns must be granit's tree.

use super::tree;
use crate::yaml::tree::from_events;
use crate::yaml::tree::tests::{Kind, site_documents};

/// Scans `text`; when the scanner reads it, granit must build the same tree. True
/// when the scanner read it.
fn agree(what: &str, text: &str) -> bool {
    match tree(text) {
        None => false,
        Some(scanned) => {
            assert_eq!(Some(scanned), from_events(text), "{what}: {text:?}");
            true
        }
    }
}

/// Cuts of `text` at every `step`-th character and at every line's start and end.
fn cuts(text: &str, step: usize) -> impl Iterator<Item = &str> {
    text.char_indices()
        .enumerate()
        .filter(move |(n, (i, c))| n % step == 0 || *c == '\n' || text[..*i].ends_with('\n'))
        .map(move |(_, (i, _))| &text[..i])
}

/// Every YAML file and front matter of the example site, the starter site and the
/// test fixtures, also with `\r\n` line breaks; the example and starter sites'
/// files all take the quick way.
#[test]
fn builds_granits_tree_for_the_sites_files() {
    let (mut scanned, mut customers) = (0, 0);
    for doc in site_documents() {
        let quick = agree(&doc.rel, &doc.text);
        // With Windows line breaks, the same.
        let crlf = doc.text.replace('\n', "\r\n");
        assert_eq!(agree(&doc.rel, &crlf), quick, "{} with \\r\\n", doc.rel);
        if !doc.rel.starts_with("tests/") {
            assert!(quick, "{} should be scanned", doc.rel);
            customers += usize::from(doc.kind == Kind::Customer);
        }
        scanned += usize::from(quick);
        // Cut anywhere, a file is still never read differently (nor panics).
        for cut in cuts(&doc.text, 13) {
            agree(&doc.rel, cut);
        }
    }
    assert!(customers >= 7, "{customers}");
    assert!(scanned > 50, "{scanned}");
}

/// A small, fixed pseudo-random sequence (xorshift), so the corpus is the same in
/// every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'t>(&mut self, items: &[&'t str]) -> &'t str {
        items[self.below(items.len())]
    }
}

/// Keys the scanner must read (distinct texts, one boolean word).
const KEYS: &[&str] = &[
    "name",
    "title",
    "gather-info",
    "on",
    "status",
    "a_b",
    "ສະບາຍ",
    "नमस्ते",
    "Қазақ",
    "\"quoted key\"",
    "'single key'",
    "\"ດີ\"",
    "k.x",
    "e-mail",
];

/// Scalars and one-line flow collections the scanner must read.
const VALUES: &[&str] = &[
    "Harbourside Payments Ltd",
    "2026-12-02",
    "en",
    "priya.nair@northwind.example",
    "\"+44 20 0000 0961\"",
    "'it''s'",
    "\"say \\\"hi\\\" \\\\ \\/ \\n \\t\"",
    "''",
    "\"\"",
    "ສະບາຍດີ ທຸກຄົນ",
    "नमस्ते दुनिया",
    "Қазақ тілі",
    "12:30",
    "https://x.example/a#b",
    "a#b",
    "a :b",
    "x # a comment",
    "\"a\" # a comment",
    "Mekong Freight Co., Ltd.",
    "a [b] {c}, d",
    "it's \"fine\"",
    "-5",
    "-x",
    "true",
    "~",
    "null",
    "007",
    "[en, ms]",
    "[en,ms]",
    "[ \"a, b\", 'c' ]",
    "[ສະ, ບາຍ]",
    "[]",
    "{}",
    "{ status: done, on: 2026-12-02 }",
    "{name: \"Samuel Phiri\", email: s@c1.example, phone: \"+60 3 0000 1921\"}",
    "{ 'a': b, \"c\": d }",
    "{ at: 12:30, url: http://x.example }",
    "{ ນ: ສ }",
    "[-1, -a]",
    "[a] # comment",
];

/// Values the scanner may leave to granit (and granit may refuse).
const ODD_VALUES: &[&str] = &[
    "&a x",
    "*a",
    "!tag x",
    "!!str 5",
    ">\n  folded\n  text",
    "\"\\u0041\"",
    "\"\\x41\"",
    "'multi\n  line'",
    "\"multi\n  line\"",
    "plain\n  continued",
    "[a,\n  b]",
    "{ a: [b] }",
    "[a, [b]]",
    "[a, ]",
    "{ a: }",
    "{ a }",
    "[a: b]",
    "{a:b}",
    "{\"a\":b}",
    "|+\n  kept\n\n",
    "|2\n   indented",
    "|\n",
    "|\n\n  after a blank line",
    "@x",
    "`x`",
    "%x",
    "? x",
    "- a",
    "a: b",
    "a:b: c",
    "b:",
    "\"a\"b",
    "'a'#c",
    "[a]b",
    "x #",
    ":x",
    "?x",
    "-",
    "[a, b]]",
    "[a #b, c]",
    "{ a: b #c }",
    "{ a : b }",
    "[a:]",
    "[a:, b]",
    "{a: b:}",
    "{ on: 1, On: 2 }",
    "{ a: 1, a: 2 }",
    "[a\u{85}b]",
    "x\u{2028}y",
    "\u{feff}x",
    "a\u{7f}",
];

/// Writes random documents from [`KEYS`] and [`VALUES`] and, now and then,
/// [`ODD_VALUES`] and odd layouts; `common` says whether only the first were used.
struct Writer {
    rng: Rng,
    out: String,
    common: bool,
}

impl Writer {
    /// What starts a line at `indent`: blank and comment lines and spaces, or
    /// `lead` (as wide) for the first line of a collection that starts after a `- `.
    fn start(&mut self, indent: usize, lead: &mut Option<String>) -> String {
        lead.take().unwrap_or_else(|| {
            self.blank_and_comment_lines(indent);
            " ".repeat(indent)
        })
    }

    fn blank_and_comment_lines(&mut self, indent: usize) {
        if self.rng.chance(10) {
            self.out.push('\n');
        }
        if self.rng.chance(10) {
            let at = self.rng.below(indent + 4);
            self.out.push_str(&" ".repeat(at));
            self.out.push_str("# a comment: [x]\n");
        }
    }

    fn end_line(&mut self) {
        if self.rng.chance(10) {
            self.out.push_str("   ");
        }
        self.out.push('\n');
    }

    fn scalar(&mut self) -> &'static str {
        if self.rng.chance(4) {
            self.common = false;
            self.rng.pick(ODD_VALUES)
        } else {
            self.rng.pick(VALUES)
        }
    }

    /// A value after `key:` or `- `, on the same line or the lines below.
    fn value(&mut self, indent: usize, depth: usize, in_map: bool) {
        let kind = self.rng.below(if depth < 3 { 10 } else { 6 });
        match kind {
            0..=3 => {
                let v = self.scalar();
                self.out.push(' ');
                self.out.push_str(v);
                self.end_line();
            }
            4 => self.literal(indent),
            5 => {
                // Empty (after a map key), or a comment.
                if in_map {
                    if self.rng.chance(30) {
                        self.out.push_str("  # nothing");
                    }
                    self.end_line();
                } else {
                    let v = self.scalar();
                    self.out.push(' ');
                    self.out.push_str(v);
                    self.end_line();
                }
            }
            6 | 7 => {
                if self.rng.chance(20) {
                    self.out.push_str(" # below");
                }
                self.end_line();
                let deeper = indent + 1 + self.rng.below(4);
                self.map(deeper, depth + 1, None);
            }
            _ => {
                if self.rng.chance(20) {
                    self.out.push_str(" # below");
                }
                self.end_line();
                // A sequence may sit at its key's indentation.
                let at = if in_map && self.rng.chance(40) {
                    indent
                } else {
                    indent + 1 + self.rng.below(3)
                };
                self.seq(at, depth + 1, None);
            }
        }
    }

    fn literal(&mut self, indent: usize) {
        let header = if self.rng.chance(30) { " |-" } else { " |" };
        self.out.push_str(header);
        if self.rng.chance(20) {
            self.out.push_str("  # kept out");
        }
        self.out.push('\n');
        let width = indent + 1 + self.rng.below(3);
        for n in 0..1 + self.rng.below(4) {
            let line = match self.rng.below(8) {
                _ if n == 0 => "first line: of text",
                0 => "",
                1 => "  more indented",
                2 => "# not a comment",
                3 => "ສະບາຍດີ, नमस्ते",
                4 => "trailing   ",
                _ => "plain words \"quoted\" 'and' [flow]",
            };
            if line.is_empty() {
                let spaces = self.rng.below(width + 2);
                self.out.push_str(&" ".repeat(spaces));
            } else {
                self.out.push_str(&" ".repeat(width));
                self.out.push_str(line);
            }
            self.out.push('\n');
        }
        if self.rng.chance(30) {
            self.out.push('\n');
        }
    }

    fn map(&mut self, indent: usize, depth: usize, mut lead: Option<String>) {
        let mut keys: Vec<String> = Vec::new();
        for _ in 0..1 + self.rng.below(4) {
            let start = self.start(indent, &mut lead);
            self.out.push_str(&start);
            let mut key = self.rng.pick(KEYS).to_string();
            if keys.contains(&key) || self.rng.chance(30) {
                key = format!("k{}", keys.len());
            }
            self.out.push_str(&key);
            self.out.push(':');
            keys.push(key);
            self.value(indent, depth, true);
        }
    }

    fn seq(&mut self, indent: usize, depth: usize, mut lead: Option<String>) {
        for _ in 0..1 + self.rng.below(3) {
            let start = self.start(indent, &mut lead);
            match self.rng.below(if depth < 3 { 6 } else { 3 }) {
                0..=2 => {
                    self.out.push_str(&start);
                    self.out.push('-');
                    self.value(indent, depth, false);
                }
                3 => {
                    // `- key: value`, the map's further keys under the first.
                    let wide = 1 + self.rng.below(2);
                    let lead = format!("{start}-{}", " ".repeat(wide));
                    self.map(indent + 1 + wide, depth + 1, Some(lead));
                }
                4 => self.seq(indent + 2, depth + 1, Some(format!("{start}- "))),
                _ => {
                    // `-` alone, the entry below.
                    self.out.push_str(&start);
                    self.out.push('-');
                    self.end_line();
                    let deeper = indent + 1 + self.rng.below(3);
                    self.map(deeper, depth + 1, None);
                }
            }
        }
    }

    /// Breaks the document in one of the ways YAML files are broken or unusual.
    fn oddity(&mut self) {
        self.common = false;
        let text = std::mem::take(&mut self.out);
        let lines: Vec<&str> = text.lines().collect();
        let at = self.rng.below(lines.len().max(1));
        let mut out = String::new();
        let kind = self.rng.below(9);
        for (n, line) in lines.iter().enumerate() {
            let mut line = line.to_string();
            if n == at {
                match kind {
                    0 => line.insert(0, '\t'),
                    1 => line.insert(0, ' '),
                    2 => line = line.replacen(' ', "\t", 1),
                    3 => line.push('\r'),
                    4 => line = format!("---\n{line}"),
                    5 => line = format!("...\n{line}"),
                    6 => line = line.trim_start().to_string(),
                    7 => line = format!("{line}\n  extra: line"),
                    _ => line = format!("\u{feff}{line}"),
                }
            }
            out.push_str(&line);
            out.push('\n');
        }
        self.out = out;
    }
}

/// A few hundred generated documents: every one the scanner reads is granit's tree;
/// those written only from the common forms are all read; and no cut or broken
/// copy of one is read differently.
#[test]
fn builds_granits_tree_for_generated_documents() {
    const DOCUMENTS: usize = 400;
    const MUTATIONS: usize = 3;
    let mut writer = Writer {
        rng: Rng(0x9E37_79B9_7F4A_7C15),
        out: String::new(),
        common: true,
    };
    let (mut common, mut scanned, mut odd_scanned) = (0, 0, 0);
    for n in 0..DOCUMENTS {
        writer.out.clear();
        writer.common = true;
        if writer.rng.chance(20) {
            writer.out.push_str("---\n");
        }
        if writer.rng.chance(25) {
            writer.seq(0, 0, None);
        } else {
            writer.map(0, 0, None);
        }
        if writer.rng.chance(10) {
            writer.oddity();
        }
        let text = writer.out.clone();
        let quick = agree(&format!("document {n}"), &text);
        // With Windows line breaks, the same (unless a lone `\r` was put in).
        let crlf = text.replace('\n', "\r\n");
        if !text.contains('\r') {
            assert_eq!(agree(&format!("document {n} with \\r\\n"), &crlf), quick);
        }
        if writer.common {
            common += 1;
            assert!(quick, "document {n} should be scanned: {text:?}");
        } else {
            odd_scanned += usize::from(quick);
        }
        scanned += usize::from(quick);
        for cut in cuts(&text, 1) {
            agree(&format!("document {n} cut"), cut);
        }
        for m in 0..MUTATIONS {
            let mutated = mutate(&mut writer.rng, if m % 2 == 0 { &text } else { &crlf });
            agree(&format!("document {n} changed"), &mutated);
        }
    }
    assert!(common > DOCUMENTS / 4, "{common}");
    assert!(scanned >= common, "{scanned}");
    // Some odd documents are still simple enough (a comment's indentation, a
    // second copy of a line); most are not.
    assert!(odd_scanned < DOCUMENTS - common, "{odd_scanned}");
}

/// Shapes the scanner must read, with granit's places: multi-byte text counted in
/// characters, empty values at their `:`, literal scalars to the next line's
/// indentation.
#[test]
fn reads_the_common_shapes_with_granits_places() {
    let cases = [
        "name: Harbourside Payments Ltd\n",
        "---\nname: A\n",
        "# a comment\n---   # another\nname: A\n",
        "ສະ: ບາຍ ດີ\nk: [ດີ, ສະ]\nນ: { ສ: ບ }\n",
        "a:\nb:   \nc: # x\nd:",
        "- a:\n- b\n",
        "k:\n- a\n- b\nj: c\n",
        "- - a\n  - b\n- c\n",
        "-\n  a: b\n",
        "  indented: root\n  second: key\n",
        "n: |\n  a\n\n  b\n\n\nk: v\n",
        "x:\n  n: |\n    a\n     \n  \n# c\n  k: v\n",
        "n: |-\n  a\n    b\n# c\nk: v\n",
        "n: |  # hi\n  a\n  \n   \n  b\n  # no\n # yes\nk: v\n",
        "n: |\n  a\n  b",
        "- |\n  a\n- b\n",
        "n: |\n  ສະບາຍ\n  ດີ\n",
        "a: b \r\nc:\r\nd: \"x\" # c\r\nn: |\r\n  l1\r\n\r\n  l2\r\nk: [a, b]\r\n",
        "n: |\r\n  l1\r\n  \r\n",
    ];
    for text in cases {
        assert!(agree(text, text), "{text:?} should be scanned");
    }
}

/// What the scanner leaves to granit, whether or not granit reads it.
#[test]
fn leaves_the_unusual_to_granit() {
    let cases = [
        "",
        "---\n",
        "just a scalar\n",
        "\u{feff}name: A\n",
        "name: A\rother: B\n",
        "name: A\r",
        "name:\tA\n",
        "\tname: A\n",
        "name: A\n---\nname: B\n",
        "name: A\n...\n",
        "%YAML 1.2\n---\nname: A\n",
        "name: &a A\nother: *a\n",
        "name: !!str A\n",
        "? name\n: A\n",
        "name: >\n  folded\n",
        "name: |+\n  kept\n",
        "name: |\nk: v\n",
        "name: Harbour\n  side\n",
        "name: 'Harbour\n  side'\n",
        "name: [a,\n  b]\n",
        "name: [a #b]\n",
        "name: {a: b #c}\n",
        "name: [a:]\n",
        "name: A\n  k: v\n",
        "a:\n    b: 1\n  c: 2\n",
        "-\n- b\n",
        "name: a: b\n",
        "name : A\n",
        "\"a\":b\n",
        "name: \"\\u0041\"\n",
        "v: 1\nv: 2\n",
        "v: {on: 1, On: 2}\n",
        "1: a\n",
        &(0..40).fold(String::new(), |text, n| {
            format!("{text}{}k{n}:\n", " ".repeat(n))
        }),
        &(0..600).map(|i| format!("k{i}: {i}\n")).collect::<String>(),
    ];
    for text in cases {
        assert!(tree(text).is_none(), "{text:?}");
    }
}

/// Pieces of YAML that, put anywhere, make a document broken or different.
const PIECES: &[&str] = &[
    " ", "\n", "-", ":", "#", "'", "\"", "\\", "|", "[", "]", "{", "}", ",", "a", "ສ", "0", "  ",
    "- ", ": ", " #", "---", "\t", "\r\n", "\n  ", "\n- ", "?", "...", "|-", "\n# c\n", "*", "&",
    "!", ">", "%", "@", "`", "~", "\u{85}", "\u{a0}", "\u{feff}", "\u{2028}",
];

/// `text` with a piece put in, or a character taken out, somewhere.
fn mutate(rng: &mut Rng, text: &str) -> String {
    let bounds: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    let n = rng.below(bounds.len());
    let at = bounds[n];
    if rng.chance(30) && n + 1 < bounds.len() {
        format!("{}{}", &text[..at], &text[bounds[n + 1]..])
    } else {
        format!("{}{}{}", &text[..at], rng.pick(PIECES), &text[at..])
    }
}

/// Pieces of YAML strung together at random never make the scanner panic, loop
/// or read a document differently.
#[test]
fn survives_garbage() {
    let mut rng = Rng(7);
    let alphabet = [
        " ", "\n", "-", ":", "#", "'", "\"", "\\", "|", "[", "]", "{", "}", ",", "a", "ສ", "0",
        "  ", "- ", ": ", " #", "---", "\r\n", "k: ", "\n  ", "\n- ", "x", "b c", "on", "'x'",
        "\"y\"", "[a, b]", "{a: b}", "\n    ", "~", ".", "?", "...", "|-", "\\n", "\n# c\n", "é",
        "ດີ", "*", "&", "!", ">", "%", "@", "`", "  - ", "k2:", "\n k3: v",
    ];
    for _ in 0..3000 {
        let text: String = (0..rng.below(40))
            .map(|_| alphabet[rng.below(alphabet.len())])
            .collect();
        agree("garbage", &text);
    }
}
