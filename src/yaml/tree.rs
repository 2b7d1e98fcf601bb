//! The quick way through a YAML file that is simply written.
//!
//! Most files of a site are block and flow mappings of strings: customer files,
//! front matter. For those, a small tree of the file's nodes is handed to serde.
//! The tree comes from [`super::scan`] when the file keeps to the subset it reads
//! (nearly every customer file and front matter), else from granit-parser's events.
//! Measured on 255-line customer files: ~0.05 ms scanned, ~0.27 ms through granit's
//! events, ~0.49 ms with serde-saphyr; 2,000 customers and 60,000 pages' front
//! matter are read in every build.
//!
//! This reader gives up, and [`super::parse`] asks serde-saphyr instead, on
//! anything it does not answer exactly as serde-saphyr would: anchors, aliases,
//! tags, merge keys, duplicate keys, null where a value is required, plain scalars
//! whose type YAML would have to guess (numbers and booleans where a string or any
//! value is wanted), syntax errors and every error of the data's shape. So every
//! diagnostic still comes from serde-saphyr, with its wording and place, and a value
//! read here is the value serde-saphyr would have read, places included (the tests
//! compare both on every YAML file of the example and starter sites).

use std::borrow::Cow;
use std::fmt;

use granit_parser::{Event, Parser, ScalarStyle, Span};
use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};

use super::{LOCALIZED, Place, SPANNED, scan};

/// A YAML node with its place.
#[cfg_attr(test, derive(Debug, PartialEq))]
pub(super) enum Node<'a> {
    Scalar {
        text: Cow<'a, str>,
        plain: bool,
        place: Place,
    },
    Seq(Vec<Node<'a>>),
    Map(Vec<(Node<'a>, Node<'a>)>),
}

/// Reads `text` into `T`, or `None` when serde-saphyr must answer.
pub(super) fn read<T: de::DeserializeOwned>(text: &str) -> Option<T> {
    let root = match scan::tree(text) {
        Some(root) => root,
        None => from_events(text)?,
    };
    T::deserialize(Reader(&root)).ok()
}

/// Reads the tree `root` (made by another reader: TOML front matter) into `T`, or
/// `None` when it does not fit.
pub(super) fn read_node<T: de::DeserializeOwned>(root: &Node<'_>) -> Option<T> {
    T::deserialize(Reader(root)).ok()
}

/// The tree of a one-document `text` from granit-parser's events.
pub(super) fn from_events(text: &str) -> Option<Node<'_>> {
    let mut events = Parser::new_from_str(text);
    if !matches!(events.next()?.ok()?.0, Event::StreamStart) {
        return None;
    }
    if !matches!(events.next()?.ok()?.0, Event::DocumentStart(..)) {
        return None;
    }
    let (first, span) = events.next()?.ok()?;
    let root = node(first, span, &mut events, 0)?;
    if !matches!(events.next()?.ok()?.0, Event::DocumentEnd) {
        return None;
    }
    if !matches!(events.next()?.ok()?.0, Event::StreamEnd) {
        return None;
    }
    Some(root)
}

/// Deeper than this is left to serde-saphyr, whose budget guards against it.
const MAX_DEPTH: usize = 32;

/// Maps with more entries than this are left to serde-saphyr.
const MAX_ENTRIES: usize = 512;

/// The node that starts with `event` at `depth`, reading its children from `events`.
fn node<'a>(
    event: Event<'a>,
    span: Span,
    events: &mut Parser<'a, granit_parser::StrInput<'a>>,
    depth: usize,
) -> Option<Node<'a>> {
    depth_allowed(depth)?;
    match event {
        Event::Scalar(text, style, 0, None) => Some(Node::Scalar {
            plain: style == ScalarStyle::Plain,
            text,
            place: place(&span),
        }),
        Event::SequenceStart(_, 0, None) => {
            let mut items = Vec::new();
            loop {
                match events.next()?.ok()? {
                    (Event::SequenceEnd, _) => return Some(Node::Seq(items)),
                    (event, span) => items.push(node(event, span, events, depth + 1)?),
                }
            }
        }
        Event::MappingStart(_, 0, None) => {
            let mut entries: Vec<(Node<'a>, Node<'a>)> = Vec::new();
            loop {
                let key = match events.next()?.ok()? {
                    (Event::MappingEnd, _) => return Some(Node::Map(entries)),
                    (event, span) => node(event, span, events, depth + 1)?,
                };
                key_allowed(&entries, &key)?;
                let (event, span) = events.next()?.ok()?;
                entries.push((key, node(event, span, events, depth + 1)?));
            }
        }
        _ => None,
    }
}

/// Whether a node may sit `depth` levels below the root; deeper trees are left to
/// serde-saphyr, whose budget guards against them. Both ways of reading a tree ask
/// this of every node.
pub(super) fn depth_allowed(depth: usize) -> Option<()> {
    (depth <= MAX_DEPTH).then_some(())
}

/// Whether `key` may follow `entries` in a map (both ways of reading a tree ask
/// this of every key before its value).
///
/// Keys are strings, or words YAML 1.1 reads as booleans (`on:` is a key of
/// progress entries); none twice, as text or as a boolean (so `on` and `On` are
/// left to serde-saphyr); no null or merge keys. The check for twice compares every
/// pair, so large maps are left to serde-saphyr.
pub(super) fn key_allowed(entries: &[(Node<'_>, Node<'_>)], key: &Node<'_>) -> Option<()> {
    let Node::Scalar { text, plain, .. } = key else {
        return None;
    };
    let boolean = if *plain { bool_word(text) } else { None };
    let refused = (*plain && boolean.is_none() && !surely_string(text))
        || entries.len() >= MAX_ENTRIES
        || entries.iter().any(|(k, _)| match k {
            Node::Scalar {
                text: t, plain: p, ..
            } => t == text || (boolean.is_some() && *p && bool_word(t) == boolean),
            _ => true,
        });
    (!refused).then_some(())
}

/// The place of a parser span, as serde-saphyr reports it.
fn place(span: &Span) -> Place {
    Place {
        line: span.start.line(),
        column: span.start.col() + 1,
        offset: span.start.byte_offset(),
        chars: span.len(),
    }
}

/// A plain scalar YAML reads as null.
fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

/// What a plain word means as a YAML 1.1 boolean (asked of every plain key, so
/// without making a lower-case copy).
fn bool_word(text: &str) -> Option<bool> {
    let is = |words: [&str; 4]| words.iter().any(|w| text.eq_ignore_ascii_case(w));
    if text.len() > 5 {
        None
    } else if is(["y", "yes", "true", "on"]) {
        Some(true)
    } else if is(["n", "no", "false", "off"]) {
        Some(false)
    } else {
        None
    }
}

/// A plain scalar that is a string whatever schema reads it: it starts with a
/// letter and is no word YAML 1.1 or 1.2 reads as a boolean or null. (Other plain
/// scalars are read here only when they are `true`, `false` or decimal numbers.)
fn surely_string(text: &str) -> bool {
    text.starts_with(|c: char| c.is_alphabetic())
        && bool_word(text).is_none()
        && !text.eq_ignore_ascii_case("null")
}

/// Why the quick reader gave up (never shown: serde-saphyr reads the file again).
#[derive(Debug)]
struct GiveUp;

impl fmt::Display for GiveUp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a simple YAML file")
    }
}

impl std::error::Error for GiveUp {}

impl de::Error for GiveUp {
    fn custom<T: fmt::Display>(_: T) -> Self {
        GiveUp
    }
}

struct Reader<'n, 'a>(&'n Node<'a>);

impl Reader<'_, '_> {
    /// The text of a scalar that is a string, not null.
    fn string(&self) -> Result<&str, GiveUp> {
        match self.0 {
            Node::Scalar { text, plain, .. } if !(*plain && is_null(text)) => Ok(text),
            _ => Err(GiveUp),
        }
    }

    /// The text of a plain scalar.
    fn plain(&self) -> Result<&str, GiveUp> {
        match self.0 {
            Node::Scalar {
                text, plain: true, ..
            } => Ok(text),
            _ => Err(GiveUp),
        }
    }

    /// A plain decimal number without a sign or leading zeros.
    fn unsigned(&self) -> Result<u64, GiveUp> {
        let text = self.plain()?;
        let simple =
            text.bytes().all(|b| b.is_ascii_digit()) && (text == "0" || !text.starts_with('0'));
        if !simple {
            return Err(GiveUp);
        }
        text.parse().map_err(|_| GiveUp)
    }
}

/// Deserializer methods that all hand `self.<read>()` to `visitor.<visit>`.
macro_rules! same_as {
    ($read:ident, $visit:ident: $($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
            visitor.$visit(self.$read()?)
        }
    )*};
}

impl<'de> de::Deserializer<'de> for Reader<'_, '_> {
    type Error = GiveUp;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        match self.0 {
            Node::Scalar {
                text, plain: true, ..
            } if is_null(text) => visitor.visit_unit(),
            Node::Scalar {
                text, plain: true, ..
            } if !surely_string(text) => match text.as_ref() {
                "true" | "false" => self.deserialize_bool(visitor),
                _ => self.deserialize_u64(visitor),
            },
            Node::Scalar { text, .. } => visitor.visit_str(text),
            Node::Seq(_) => self.deserialize_seq(visitor),
            Node::Map(_) => self.deserialize_map(visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        match self.0 {
            Node::Scalar {
                text, plain: true, ..
            } if is_null(text) => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        match self.plain()? {
            "true" => visitor.visit_bool(true),
            "false" => visitor.visit_bool(false),
            _ => Err(GiveUp),
        }
    }

    // Whole numbers as plain decimals (serde narrows them, or fails and
    // serde-saphyr answers); strings and keys as strings, never null.
    same_as! { unsigned, visit_u64:
    deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64
    deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 }
    same_as! { string, visit_str: deserialize_str deserialize_string deserialize_identifier }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        match self.0 {
            Node::Seq(items) => visitor.visit_seq(Items(items.iter())),
            _ => Err(GiveUp),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, GiveUp> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        match self.0 {
            Node::Map(entries) => visitor.visit_map(Entries {
                entries: entries.iter(),
                value: None,
            }),
            _ => Err(GiveUp),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, GiveUp> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, GiveUp> {
        // Unit variants written as a string; anything else is left to serde-saphyr.
        let text: &str = self.string()?;
        visitor.visit_enum(IntoDeserializer::<GiveUp>::into_deserializer(text))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, GiveUp> {
        match self.0 {
            Node::Scalar { place, .. } if name == SPANNED => visitor.visit_map(Spanning {
                place: Some(*place),
                node: Some(self.0),
            }),
            _ if name == SPANNED => Err(GiveUp),
            // A text as written, or a map of texts; null is serde-saphyr's to report.
            Node::Scalar {
                text, plain: true, ..
            } if name == LOCALIZED && is_null(text) => Err(GiveUp),
            Node::Scalar { text, .. } if name == LOCALIZED => visitor.visit_str(text),
            Node::Map(_) if name == LOCALIZED => self.deserialize_map(visitor),
            _ => visitor.visit_newtype_struct(self),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        f32 f64 i128 u128 char bytes byte_buf unit unit_struct tuple_struct
    }
}

struct Items<'n, 'a>(std::slice::Iter<'n, Node<'a>>);

impl<'de> de::SeqAccess<'de> for Items<'_, '_> {
    type Error = GiveUp;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, GiveUp> {
        self.0
            .next()
            .map(|n| seed.deserialize(Reader(n)))
            .transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct Entries<'n, 'a> {
    entries: std::slice::Iter<'n, (Node<'a>, Node<'a>)>,
    value: Option<&'n Node<'a>>,
}

impl<'de> de::MapAccess<'de> for Entries<'_, '_> {
    type Error = GiveUp;

    fn next_key_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, GiveUp> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        seed.deserialize(Reader(key)).map(Some)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, GiveUp> {
        seed.deserialize(Reader(self.value.take().ok_or(GiveUp)?))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// A spanned value as [`super::Spanned`] reads it from this reader: its place, then
/// the value.
struct Spanning<'n, 'a> {
    place: Option<Place>,
    node: Option<&'n Node<'a>>,
}

impl<'de> de::MapAccess<'de> for Spanning<'_, '_> {
    type Error = GiveUp;

    fn next_key_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, GiveUp> {
        let key = if self.place.is_some() {
            "place"
        } else if self.node.is_some() {
            "value"
        } else {
            return Ok(None);
        };
        seed.deserialize(IntoDeserializer::<GiveUp>::into_deserializer(key))
            .map(Some)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, GiveUp> {
        if let Some(place) = self.place.take() {
            let parts = [
                place.line as u64,
                place.column as u64,
                place.offset.map_or(0, |o| o as u64 + 1),
                place.chars as u64,
            ];
            return seed.deserialize(de::value::SeqDeserializer::new(parts.into_iter()));
        }
        seed.deserialize(Reader(self.node.take().ok_or(GiveUp)?))
    }
}

#[cfg(test)]
pub(super) mod tests {
    use std::path::Path;

    use serde::Deserialize;
    use serde::de::DeserializeOwned;

    use super::super::Spanned;
    use super::read;
    use crate::raw::{
        RawArticleMeta, RawCustomer, RawFaqMeta, RawPlaybook, RawPlaybookTranslation,
    };

    /// Reads `text` both ways: when the quick reader reads it, serde-saphyr must
    /// read the same value, places included. True when the quick reader read it.
    fn agree<T: DeserializeOwned + std::fmt::Debug>(what: &str, text: &str) -> bool {
        let slow = serde_saphyr::from_str::<T>(text);
        match read::<T>(text) {
            None => false,
            Some(quick) => {
                let slow = slow
                    .unwrap_or_else(|e| panic!("{what}: read quickly, but serde-saphyr says {e}"));
                assert_eq!(format!("{quick:?}"), format!("{slow:?}"), "{what}");
                true
            }
        }
    }

    fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                files(&path, out);
            } else {
                out.push(path);
            }
        }
    }

    /// What a YAML document of a site is read as.
    #[derive(Clone, Copy, Debug, PartialEq)]
    pub(in crate::yaml) enum Kind {
        Customer,
        Playbook,
        PlaybookTranslation,
        Faq,
        Article,
    }

    /// A YAML file or front matter, as the build reads it.
    pub(in crate::yaml) struct SiteDocument {
        /// The file's path from the repository's root, with `/`.
        pub(in crate::yaml) rel: String,
        pub(in crate::yaml) text: String,
        pub(in crate::yaml) kind: Kind,
    }

    /// Every YAML file and front matter of the example site, the starter site and
    /// the test fixtures.
    pub(in crate::yaml) fn site_documents() -> Vec<SiteDocument> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut all = Vec::new();
        for dir in [
            "customers",
            "playbooks",
            "content",
            "src/starter",
            "tests/fixtures",
        ] {
            files(&root.join(dir), &mut all);
        }
        let mut documents = Vec::new();
        for path in &all {
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let name = path.file_name().unwrap().to_string_lossy();
            let dir = path
                .parent()
                .unwrap()
                .file_name()
                .unwrap()
                .to_string_lossy();
            let (kind, text) = if rel.ends_with(".yaml") && dir == "customers" {
                (Kind::Customer, text)
            } else if rel.ends_with(".yaml") && dir == "playbooks" {
                if name.matches('.').count() == 2 {
                    (Kind::PlaybookTranslation, text)
                } else {
                    (Kind::Playbook, text)
                }
            } else if rel.ends_with(".md") {
                let Some(rest) = text.strip_prefix("---\n") else {
                    continue;
                };
                let Some(end) = rest.find("\n---") else {
                    continue;
                };
                let front = rest[..end + 1].to_string();
                if rel.contains("/faq/") && !name.starts_with("_index") {
                    (Kind::Faq, front)
                } else {
                    (Kind::Article, front)
                }
            } else {
                continue;
            };
            documents.push(SiteDocument { rel, text, kind });
        }
        documents
    }

    /// Every YAML file and front matter of the example site, the starter site and
    /// the test fixtures, as the build reads them.
    #[test]
    fn agrees_with_serde_saphyr_on_the_sites_files() {
        let (mut read_quickly, mut examples) = (0, 0);
        for SiteDocument { rel, text, kind } in site_documents() {
            let quick = match kind {
                Kind::Customer => agree::<RawCustomer>(&rel, &text),
                Kind::Playbook => agree::<RawPlaybook>(&rel, &text),
                Kind::PlaybookTranslation => agree::<RawPlaybookTranslation>(&rel, &text),
                Kind::Faq => agree::<RawFaqMeta>(&rel, &text),
                Kind::Article => agree::<RawArticleMeta>(&rel, &text),
            };
            if !rel.starts_with("tests/") {
                examples += 1;
                assert!(quick, "{rel} should be read the quick way");
            }
            read_quickly += usize::from(quick);
        }
        assert!(examples > 50, "{examples}");
        assert!(read_quickly >= examples, "{read_quickly}");
    }

    #[derive(Debug, Deserialize)]
    #[expect(dead_code, reason = "the fields are only deserialized")]
    struct One<T> {
        v: T,
    }

    /// Scalars of every kind, as each type of value the site's files hold.
    #[test]
    fn agrees_with_serde_saphyr_on_every_kind_of_scalar() {
        let scalars = [
            "abc",
            "Gold plan",
            "123",
            "0",
            "007",
            "-5",
            "+1",
            "1_000",
            "0x1F",
            "0o17",
            "1.5",
            "1e3",
            ".inf",
            ".NaN",
            "true",
            "false",
            "True",
            "FALSE",
            "yes",
            "No",
            "on",
            "OFF",
            "y",
            "n",
            "null",
            "Null",
            "NULL",
            "nULL",
            "~",
            "",
            "2026-09-01",
            "12:30",
            "'x'",
            "\"y\"",
            "'null'",
            "\"123\"",
            "\"a\\tb\"",
            "|\n  lit\n  two\n",
            ">\n  folded\n  text\n",
            "a b\n  c",
            "[a, b]",
            "{k: v}",
            "&a x",
            "*a",
            "!!str 5",
            "!custom x",
            "ສະບາຍດີ",
            "नमस्ते",
            "Қазақ",
            "\"ສະບາຍ\"",
            "key: value",
            "- a",
        ];
        let mut quick = 0;
        for v in scalars {
            let text = format!("v: {v}\n");
            quick += usize::from(agree::<One<String>>(&text, &text));
            quick += usize::from(agree::<One<Option<String>>>(&text, &text));
            quick += usize::from(agree::<One<Spanned<String>>>(&text, &text));
            quick += usize::from(agree::<One<Option<Spanned<String>>>>(&text, &text));
            quick += usize::from(agree::<One<serde_json::Value>>(&text, &text));
            quick += usize::from(agree::<One<Option<u32>>>(&text, &text));
            quick += usize::from(agree::<One<u32>>(&text, &text));
            quick += usize::from(agree::<One<bool>>(&text, &text));
            quick += usize::from(agree::<One<Vec<Spanned<String>>>>(&text, &text));
            quick += usize::from(agree::<One<crate::raw::Status>>(&text, &text));
            let nested = format!("v:\n  k: {v}\n");
            quick += usize::from(agree::<
                One<indexmap::IndexMap<Spanned<String>, serde_json::Value>>,
            >(&nested, &nested));
            let listed = format!("v:\n  - {v}\n  - z\n");
            quick += usize::from(agree::<One<Vec<Spanned<String>>>>(&listed, &listed));
        }
        assert!(quick > 150, "{quick}");
    }

    /// What the quick reader leaves to serde-saphyr, whatever the target type.
    #[test]
    fn leaves_the_unusual_to_serde_saphyr() {
        let cases = [
            "v: &a x\nw: *a\n",
            "v: !!str 5\n",
            "base: &b {k: 1}\nv:\n  <<: *b\n",
            "v: 1\nv: 2\n",
            "v: {k: 1, k: 2}\n",
            "v: {[a]: 1}\n",
            "v: {~: 1}\n",
            "v: {on: 1, On: 2}\n",
            "v: {yes: 1, true: 2}\n",
            "v: {1: a}\n",
            "v: [a\n",
            "v: a\n---\nv: b\n",
            "",
            &"[".repeat(100_000),
            &(0..600).map(|i| format!("k{i}: {i}\n")).collect::<String>(),
        ];
        for text in cases {
            assert!(read::<serde_json::Value>(text).is_none(), "{text:?}");
            assert!(read::<One<serde_json::Value>>(text).is_none(), "{text:?}");
        }
        assert!(agree::<serde_json::Value>("tab", "\tv: a\n"));
        // Unknown and missing keys: the error, with its wording, is serde-saphyr's.
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        #[expect(dead_code, reason = "the fields are only deserialized")]
        struct Strict {
            name: String,
        }
        assert!(read::<Strict>("nmae: A\n").is_none());
        assert!(read::<Strict>("other: 1\n").is_none());
        assert!(read::<Strict>("name: A\n").is_some());
    }
}
