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
mod scan;
mod tree;

pub use front_toml::parse_toml;

/// Parses `file.text[base..base + len]` as YAML into `T`.
///
/// `base` is the byte offset of the YAML inside the file (non-zero for front matter),
/// so diagnostics point at the right line of the whole file. Simply written files are
/// read the quick way ([`tree`]); the rest, and every file with a problem, by
/// serde-saphyr.
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

/// [`parse`] by serde-saphyr alone, which also words every problem.
fn parse_slowly<T: DeserializeOwned>(
    file: &Arc<SourceFile>,
    base: usize,
    len: usize,
) -> Result<T, Diagnostic> {
    let text = &file.text[base..base + len];
    serde_saphyr::from_str::<T>(text).map_err(|err| {
        let location = err.location();
        let raw = err.without_snippet().to_string();
        let message = strip_location_suffix(&raw);
        let (mut start, mut end) = match location {
            Some(loc) => span_in(file, base, &Place::of(&loc)),
            None => (base, base),
        };
        let (code, message, mut help) = classify_message(&message);
        // A tab in a line's indentation is reported at the text before it, or as a
        // missing key on the line after it; point at the tab instead.
        if code == Code::YamlSyntax
            && let Some(tab) = indenting_tab(text, start.saturating_sub(base))
        {
            (start, end) = (base + tab, base + tab + 1);
            help = Some("YAML indents with spaces only: replace the tab with spaces".to_string());
        }
        let mut diagnostic = Diagnostic::error(code, message).at(Label::new(file, start, end));
        if let Some(help) = help {
            diagnostic = diagnostic.help(help);
        }
        diagnostic
    })
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

fn strip_location_suffix(message: &str) -> String {
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
    if message.starts_with("duplicate mapping key") {
        let key = message
            .trim_start_matches("duplicate mapping key: ")
            .split(',')
            .next()
            .unwrap_or("");
        return (
            Code::DuplicateKey,
            format!("key `{key}` appears twice"),
            Some("keep one of them".to_string()),
        );
    }
    if message.starts_with("invalid type") || message.starts_with("invalid ") {
        return (Code::WrongType, message.to_string(), None);
    }
    if message.starts_with("expected ") {
        return (Code::WrongType, message.to_string(), None);
    }
    (Code::YamlSyntax, message.to_string(), None)
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
        assert!(d.help.is_none(), "{d:?}");
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
}
