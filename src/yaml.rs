//! YAML in, typed raw structs out, with problems as diagnostics.
//!
//! Owns the one place where YAML text becomes data, so every YAML error in the
//! site reads the same: file, line, column, a snippet, and a hint when the key was
//! misspelt. It knows nothing about what the data means.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use serde::Deserialize;
use serde::de::{self, DeserializeOwned, Deserializer, Visitor};

use crate::diagnostic::{Code, Diagnostic, Label, SourceFile};
use crate::suggest::hint;

#[cfg(test)]
mod differential;
mod front_toml;
mod plain;
mod recover;
mod scan;
mod tree;

pub use front_toml::{parse_toml, title_only};

/// Parses `file.text[base..base + len]` as YAML into `T`, with the first problem
/// of the text when it does not read (see [`parse_all`] for every problem).
pub fn parse<T: DeserializeOwned>(
    file: &Arc<SourceFile>,
    base: usize,
    len: usize,
) -> Result<T, Diagnostic> {
    let text = &file.text[base..base + len];
    if let Some(value) = tree::read(text) {
        return Ok(value);
    }
    parse_slowly(file, base, len)
}

/// Parses `file.text[base..base + len]` as YAML into `T`, or reports every
/// problem of the text: each unknown key, value of the wrong kind and missing
/// key, in the order of the text (a syntax error is reported alone).
///
/// `base` is the byte offset of the YAML inside the file (non-zero for front matter),
/// so diagnostics point at the right line of the whole file. Simply written files are
/// read the quick way ([`tree`]); the rest, and every file with a problem, by
/// serde-saphyr.
pub fn parse_all<T: DeserializeOwned>(
    file: &Arc<SourceFile>,
    base: usize,
    len: usize,
) -> Result<T, Vec<Diagnostic>> {
    let text = &file.text[base..base + len];
    if let Some(value) = tree::read(text) {
        return Ok(value);
    }
    let first = match serde_saphyr::from_str::<T>(text) {
        Ok(value) => return Ok(value),
        Err(err) => err,
    };
    let found = recover::problems::<T>(text);
    if found.is_empty() {
        let offset = byte_offset(&first);
        return Err(vec![diagnostic_of(file, base, &first, offset)]);
    }
    Err(found
        .iter()
        .map(|f| diagnostic_of(file, base, &f.error, f.offset))
        .collect())
}

fn byte_offset(err: &serde_saphyr::Error) -> Option<usize> {
    err.location()
        .and_then(|l| l.span().byte_offset())
        .map(|o| o as usize)
}

/// [`parse`] by serde-saphyr alone, which also words every problem.
fn parse_slowly<T: DeserializeOwned>(
    file: &Arc<SourceFile>,
    base: usize,
    len: usize,
) -> Result<T, Diagnostic> {
    let text = &file.text[base..base + len];
    serde_saphyr::from_str::<T>(text)
        .map_err(|err| diagnostic_of(file, base, &err, byte_offset(&err)))
}

/// The parser's error `err`, found at `offset` of the YAML (which starts at `base`
/// in `file`), in our words.
fn diagnostic_of(
    file: &Arc<SourceFile>,
    base: usize,
    err: &serde_saphyr::Error,
    offset: Option<usize>,
) -> Diagnostic {
    let text = &file.text[base..];
    let raw = err.without_snippet().to_string();
    let message = strip_location_suffix(&raw);
    let location = err.location();
    let (mut start, mut end) = match (location, offset) {
        (Some(loc), Some(offset)) => {
            let place = Place {
                offset: Some(offset),
                ..Place::of(&loc)
            };
            span_in(file, base, &place)
        }
        (Some(loc), None) => span_in(file, base, &Place::of(&loc)),
        _ => (base, base),
    };
    let (code, mut message, mut help) = classify_message(&message);
    // A tab in a line's indentation is reported at the text before it, or as a
    // missing key on the line after it; point at the tab instead.
    if code == Code::YamlSyntax
        && let Some(tab) = indenting_tab(text, start.saturating_sub(base))
    {
        (start, end) = (base + tab, base + tab + 1);
        help = Some("YAML indents with spaces only: replace the tab with spaces".to_string());
    } else if matches!(code, Code::YamlSyntax | Code::WrongType)
        && let Some(plain) = plain::explain(text, start.saturating_sub(base))
    {
        (start, end) = (base + plain.start, base + plain.end);
        message = plain.message;
        help = Some(plain.help);
    }
    if code == Code::MissingKey {
        // The mapping missing a key is shown by its first key.
        let key = file.text[start..].find([':', '\n', ' ']).unwrap_or(0);
        end = start + key;
    }
    let mut diagnostic = Diagnostic::error(code, message).at(Label::new(file, start, end));
    if let Some(help) = help {
        diagnostic = diagnostic.help(help);
    }
    diagnostic
}

/// The offset of a tab in the indentation of the line holding `offset` or of a line
/// next to it (tabs elsewhere, between a key and its value or inside brackets, are
/// allowed, and so are blank or comment lines holding tabs).
fn indenting_tab(text: &str, offset: usize) -> Option<usize> {
    let offset = offset.min(text.len());
    let line_start = |at: usize| {
        text.get(..at)
            .and_then(|t| t.rfind('\n'))
            .map_or(0, |i| i + 1)
    };
    let this = line_start(offset);
    let previous = line_start(this.saturating_sub(1));
    let next = text
        .get(this..)
        .and_then(|t| t.find('\n'))
        .map(|i| this + i + 1);
    [Some(this), (this > 0).then_some(previous), next]
        .into_iter()
        .flatten()
        .find_map(|start| {
            let line = text.get(start..)?;
            let content = line.trim_start_matches([' ', '\t']);
            if content.is_empty() || content.starts_with(['\n', '\r', '#']) {
                return None;
            }
            line[..line.len() - content.len()]
                .find('\t')
                .map(|i| start + i)
        })
}

/// Where a YAML value is written: its first line and column (from 1), its byte
/// offset in the YAML when known, and its length in characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Place {
    line: usize,
    column: usize,
    offset: Option<usize>,
    chars: usize,
}

impl Place {
    fn of(location: &serde_saphyr::Location) -> Place {
        Place {
            line: location.line() as usize,
            column: location.column() as usize,
            offset: location.span().byte_offset().map(|o| o as usize),
            chars: location.span().len() as usize,
        }
    }
}

/// A value read from YAML and the place it was written.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Spanned<T> {
    pub value: T,
    pub place: Place,
}

/// The name under which [`Spanned`] asks a deserializer for a place.
const SPANNED: &str = "gangway::yaml::Spanned";

/// The name under which [`crate::raw::Localized`] asks for a text or a map of texts.
pub(crate) const LOCALIZED: &str = "gangway::raw::Localized";

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_newtype_struct(SPANNED, SpannedVisitor(PhantomData))
    }
}

struct SpannedVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for SpannedVisitor<T> {
    type Value = Spanned<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value")
    }

    /// serde-saphyr hands itself over: its own spanned type knows how to ask it.
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        let spanned = serde_saphyr::Spanned::<T>::deserialize(d)?;
        Ok(Spanned {
            value: spanned.value,
            place: Place::of(&spanned.referenced),
        })
    }

    /// The quick reader gives the place (line, column, byte offset + 1 or 0,
    /// characters), then the value.
    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let missing = || de::Error::custom("a place and a value");
        map.next_key::<de::IgnoredAny>()?.ok_or_else(missing)?;
        let (line, column, offset, chars) = map.next_value::<(usize, usize, usize, usize)>()?;
        map.next_key::<de::IgnoredAny>()?.ok_or_else(missing)?;
        let value = map.next_value()?;
        Ok(Spanned {
            value,
            place: Place {
                line,
                column,
                offset: offset.checked_sub(1),
                chars,
            },
        })
    }
}

/// The byte range of a place inside the file, shifted by `base`.
pub fn span_in(file: &Arc<SourceFile>, base: usize, place: &Place) -> (usize, usize) {
    let start = match place.offset {
        Some(offset) => base + offset,
        None => {
            // Lines count from the start of the YAML, which may be inside the file.
            let (base_line, _) = file.line_col(base);
            file.offset_of(base_line + place.line - 1, place.column)
        }
    };
    // The length is counted in characters; walk that many characters.
    let tail = file.text.get(start..).unwrap_or("");
    let bytes: usize = tail.chars().take(place.chars).map(char::len_utf8).sum();
    (start, start + bytes)
}

/// A label over a spanned value.
pub fn label<T>(file: &Arc<SourceFile>, base: usize, spanned: &Spanned<T>) -> Label {
    let (start, end) = span_in(file, base, &spanned.place);
    Label::new(file, start, end)
}

pub(super) fn strip_location_suffix(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) if message[i..].contains(", column ") => message[..i].to_string(),
        _ => message.to_string(),
    }
}

/// Turns the parser's message into our code, wording and help.
pub(crate) fn classify_message(message: &str) -> (Code, String, Option<String>) {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (key, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let known: Vec<&str> = expected
            .trim_start_matches(", expected one of ")
            .trim_start_matches(", expected ")
            .split(", ")
            .map(|s| s.trim_matches('`'))
            .filter(|s| !s.is_empty() && !s.starts_with("there are no fields"))
            .collect();
        let help = hint(key, known.iter().copied()).or_else(|| {
            (!known.is_empty()).then(|| format!("known keys here: {}", known.join(", ")))
        });
        return (Code::UnknownKey, format!("unknown key `{key}`"), help);
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let (value, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let known: Vec<&str> = expected
            .trim_start_matches(", expected one of ")
            .trim_start_matches(", expected ")
            .split(", ")
            .map(|s| s.trim_matches('`'))
            .filter(|s| !s.is_empty())
            .collect();
        let help = hint(value, known.iter().copied())
            .unwrap_or_else(|| format!("expected one of: {}", known.join(", ")));
        return (
            Code::InvalidValue,
            format!("unknown value `{value}`"),
            Some(help),
        );
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let key = rest.split('`').next().unwrap_or(rest);
        return (
            Code::MissingKey,
            format!("missing required key `{key}`"),
            Some(format!("add `{key}:` here")),
        );
    }
    if message.starts_with("duplicate mapping key") || message.starts_with("duplicate field") {
        let key = match message.split('`').nth(1) {
            Some(key) => key,
            None => message
                .trim_start_matches("duplicate mapping key: ")
                .split(',')
                .next()
                .unwrap_or(""),
        };
        return (
            Code::DuplicateKey,
            format!("key `{key}` appears twice"),
            Some("keep one of them".to_string()),
        );
    }
    if message.starts_with("cannot deserialize null") {
        return (
            Code::WrongType,
            "this key has no value, and text is expected here".to_string(),
            Some("write the text after the colon, or remove the key".to_string()),
        );
    }
    if let Some(rest) = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "))
        && let Some((found, expected)) = rest.rsplit_once(", expected ")
    {
        return (
            Code::WrongType,
            format!(
                "expected {}, found {}",
                kind_in_words(expected),
                found_in_words(found)
            ),
            None,
        );
    }
    if let Some(kind) = message.strip_prefix("invalid ")
        && !kind.contains("expected")
    {
        return (
            Code::WrongType,
            format!("expected {}", kind_in_words(kind)),
            None,
        );
    }
    if let Some(kind) = message.strip_prefix("expected ") {
        return (
            Code::WrongType,
            format!("expected {}", kind_in_words(kind)),
            None,
        );
    }
    if message.starts_with("invalid ") {
        return (Code::WrongType, without_rust(message), None);
    }
    (Code::YamlSyntax, without_rust(message), None)
}

/// serde's name of an expected kind of value, in the words of a YAML author.
fn kind_in_words(expected: &str) -> String {
    let e = expected.trim_start_matches("a ").trim_start_matches("an ");
    let words = if e.contains("string") || e.starts_with("char") {
        "text"
    } else if e.contains("bool") {
        "`true` or `false`"
    } else if [
        "u8", "u16", "u32", "u64", "usize", "i8", "i16", "i32", "i64", "integer",
    ]
    .iter()
    .any(|n| e.starts_with(n))
    {
        "a whole number"
    } else if e.starts_with("f32") || e.starts_with("f64") || e.starts_with("number") {
        "a number"
    } else if e.starts_with("seq") || e.starts_with("tuple") || e.starts_with("list") {
        "a list"
    } else if e.starts_with("map") || e.starts_with("struct") {
        "keys and values (a mapping)"
    } else {
        return without_rust(expected);
    };
    words.to_string()
}

/// serde's name of the kind of value found, in the words of a YAML author.
fn found_in_words(found: &str) -> String {
    if found.starts_with("sequence") {
        "a list".to_string()
    } else if found.starts_with("map") {
        "keys and values (a mapping)".to_string()
    } else if found.starts_with("unit") || found.starts_with("null") {
        "no value".to_string()
    } else if let Some(text) = found.strip_prefix("string ") {
        format!("the text {text}")
    } else if let Some(b) = found.strip_prefix("boolean ") {
        format!("{b} (true or false)")
    } else if let Some(n) = found
        .strip_prefix("integer ")
        .or_else(|| found.strip_prefix("floating point "))
    {
        format!("the number {}", n.trim_matches('`'))
    } else {
        without_rust(found)
    }
}

/// A parser's message without the Rust advice it may end with (`; use
/// Option<String>`) or Rust type names.
fn without_rust(message: &str) -> String {
    let message = message.split("; use ").next().unwrap_or(message);
    let mut out = message.to_string();
    for (rust, words) in [
        ("Option<String>", "text"),
        ("String", "text"),
        ("u32", "a whole number"),
        ("u64", "a whole number"),
        ("usize", "a whole number"),
        ("bool", "true or false"),
        ("deserialize", "read"),
    ] {
        out = out.replace(rust, words);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[expect(dead_code, reason = "the fields are only deserialized")]
    struct Person {
        name: String,
        email: Option<String>,
    }

    fn err(text: &str) -> Diagnostic {
        let file = SourceFile::new("t.yaml", text);
        parse::<Person>(&file, 0, text.len()).unwrap_err()
    }

    #[test]
    fn unknown_key_suggests_the_near_one() {
        let d = err("name: A\nemial: a@b\n");
        assert_eq!(d.code, "unknown-key");
        assert_eq!(d.message, "unknown key `emial`");
        assert_eq!(d.help.as_deref(), Some("did you mean `email`?"));
        assert_eq!(d.location(), Some(("t.yaml".into(), 2, 1)));
    }

    #[test]
    fn missing_key_and_syntax_errors_have_places() {
        let d = err("email: a@b\n");
        assert_eq!(d.code, "missing-key");
        let d = err("name: [A\n");
        assert_eq!(d.location().map(|l| l.1), Some(1));
        let d = err("name: A\nname: B\n");
        assert_eq!(d.code, "duplicate-key");
        assert_eq!(d.location(), Some(("t.yaml".into(), 2, 1)));
    }

    #[test]
    fn a_tab_in_the_indentation_is_pointed_at() {
        // After a plain scalar, serde-saphyr points at the scalar; before a key, at
        // the key of the next line.
        for (text, line) in [
            ("name: A\n\temail: a@b\n", 2),
            ("name: A\nemail:\n\t  a@b\n", 3),
            ("email: a@b\nname: A\n  \tx: 1\n", 3),
        ] {
            let d = err(text);
            assert_eq!(d.code, "yaml-syntax", "{text:?}");
            let (start, end) = d.primary.as_ref().map(|l| (l.start, l.end)).unwrap();
            assert_eq!(&text[start..end], "\t", "{text:?}: {d:?}");
            assert_eq!(d.location().map(|l| l.1), Some(line), "{text:?}");
            assert!(d.help.as_deref().unwrap_or("").contains("spaces"), "{d:?}");
        }
        // Tabs after a key's colon are allowed and never blamed.
        let d = err("name:\tA\nnmae: B\n");
        assert_eq!(d.code, "unknown-key");
        let d = err("name: [A\n");
        assert!(d.help.is_none(), "{d:?}");
        // A blank line holding a tab is no indentation: the error stays where it was.
        let d = err("name: A: b\n\t\n");
        assert!(d.help.as_deref().unwrap_or("").contains("quotes"), "{d:?}");
        assert_eq!(d.location().map(|l| l.1), Some(1), "{d:?}");
    }

    #[test]
    fn front_matter_offsets_shift_lines() {
        let text = "---\nname: A\nnmae: B\n---\nbody";
        let file = SourceFile::new("a.md", text);
        let d = parse::<Person>(&file, 4, 16).unwrap_err();
        assert_eq!(d.location(), Some(("a.md".into(), 3, 1)));
        assert_eq!(d.help.as_deref(), Some("did you mean `name`?"));
    }

    fn all(text: &str) -> Vec<Diagnostic> {
        let file = SourceFile::new("p.yaml", text);
        parse_all::<crate::raw::RawPlaybook>(&file, 0, text.len())
            .map(|_| Vec::new())
            .unwrap_or_else(|d| d)
    }

    fn listed(ds: &[Diagnostic]) -> Vec<(String, usize, usize)> {
        ds.iter()
            .map(|d| {
                let (_, line, column) = d.location().unwrap_or_default();
                (d.code.to_string(), line, column)
            })
            .collect()
    }

    #[test]
    fn every_problem_of_a_file_in_one_run() {
        let text = "\
titel: Welcome
draft: maybe
roles:
  csm:
    title: [CSM]
    side: vendr
    contat: true
phases:
  - id: setup
    tasks:
      - id: a
        title: First
        owner: csm
        afterr: [b]
      - id: b
        owner: csm
      - id: c
        title: Third
        owner: csm
        due: [3d]
  - id: go
    titel: Go
milestones: nope
";
        let ds = all(text);
        let got = listed(&ds);
        assert_eq!(
            got,
            vec![
                ("unknown-key".to_string(), 1, 1),
                ("wrong-type".to_string(), 2, 8),
                ("wrong-type".to_string(), 5, 12),
                ("invalid-value".to_string(), 6, 11),
                ("unknown-key".to_string(), 7, 5),
                ("unknown-key".to_string(), 14, 9),
                ("missing-key".to_string(), 15, 9),
                ("wrong-type".to_string(), 20, 14),
                ("unknown-key".to_string(), 22, 5),
                ("wrong-type".to_string(), 23, 13),
                ("missing-key".to_string(), 1, 1),
            ],
            "{ds:#?}"
        );
        for d in &ds {
            for rust in ["Option<", "String", "u32", "deserialize", "struct ", "Raw"] {
                assert!(!d.message.contains(rust), "{d:?}");
            }
        }
    }

    fn missing(ds: &[Diagnostic]) -> Vec<(String, usize, usize)> {
        ds.iter()
            .map(|d| {
                let (_, line, column) = d.location().unwrap_or_default();
                let key = d.message.split('`').nth(1).unwrap_or("");
                (format!("{} {key}", d.code), line, column)
            })
            .collect()
    }

    #[test]
    fn every_missing_key_of_every_mapping_in_one_run() {
        let text = "\
title: Welcome
roles:
  csm: { contat: true, side: vendr }
  admin: {}
phases:
  - id: setup
    tasks:
      - id: a
      - due: 3d
        nmae: b
      - {when: x}
      - titel: X
      - { nmae: b }
      - {}
milestones:
  - after: [a]
";
        let got = missing(&all(text));
        let want = [
            ("unknown-key contat", 3, 10),
            ("invalid-value vendr", 3, 30),
            ("missing-key title", 3, 10),
            ("missing-key title", 4, 10),
            ("missing-key side", 4, 10),
            ("missing-key title", 8, 9),
            ("missing-key owner", 8, 9),
            ("unknown-key nmae", 10, 9),
            ("missing-key id", 9, 9),
            ("missing-key title", 9, 9),
            ("missing-key owner", 9, 9),
            ("missing-key id", 11, 10),
            ("missing-key title", 11, 10),
            ("missing-key owner", 11, 10),
            ("unknown-key titel", 12, 9),
            ("missing-key id", 12, 9),
            ("missing-key title", 12, 9),
            ("missing-key owner", 12, 9),
            ("unknown-key nmae", 13, 11),
            ("missing-key id", 13, 11),
            ("missing-key title", 13, 11),
            ("missing-key owner", 13, 11),
            ("missing-key id", 14, 9),
            ("missing-key title", 14, 9),
            ("missing-key owner", 14, 9),
            ("missing-key id", 16, 5),
            ("missing-key title", 16, 5),
        ];
        let want: Vec<_> = want
            .iter()
            .map(|(k, l, c)| (k.to_string(), *l, *c))
            .collect();
        assert_eq!(got, want);
        // The top-level mapping too, and a file whose only problems are missing keys.
        let file = SourceFile::new("c.yaml", "language: en\nnmae: A\n");
        let ds = parse_all::<crate::raw::RawCustomer>(&file, 0, file.text.len()).unwrap_err();
        let got = missing(&ds);
        assert_eq!(
            got.iter().map(|(k, ..)| k.as_str()).collect::<Vec<_>>(),
            [
                "unknown-key nmae",
                "missing-key name",
                "missing-key playbook",
                "missing-key kickoff"
            ],
            "{ds:#?}"
        );
        assert!(
            got[1..].iter().all(|(_, l, c)| (*l, *c) == (1, 1)),
            "{got:?}"
        );
    }

    #[test]
    fn a_value_yaml_misreads_is_explained_with_the_fix() {
        for (value, words) in [
            ("#1. Have a checklist", "comment"),
            ("Step 1: sign", "another key"),
            ("*important*", "anchor"),
            ("&Co", "anchor"),
            ("!Urgent", "tag"),
            ("| the plan", "block"),
            ("%done", "directives"),
            ("@team", "`@`"),
            ("`code`", "backquote"),
        ] {
            let text = format!("title: {value}\n");
            let ds = all(&text);
            let d = &ds[0];
            assert!(d.message.contains(words), "{value}: {d:?}");
            let fix = format!("`title: \"{}\"`", value.replace('"', "\\\""));
            assert!(
                d.help.as_deref().unwrap_or("").contains(&fix),
                "{value}: {d:?}"
            );
            assert_eq!(
                d.location().map(|l| (l.1, l.2)),
                Some((1, 8)),
                "{value}: {d:?}"
            );
        }
    }
}
