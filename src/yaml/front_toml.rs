//! Front matter written in TOML (`+++` … `+++`, as Hugo and Zola write it), read
//! into the same raw structs as YAML front matter: the TOML becomes the tree the
//! quick YAML reader hands to serde, with every value's place in the file, so a
//! value and its place are what the same front matter in YAML would give.

use std::borrow::Cow;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use toml::de::{DeTable, DeValue};

use super::Place;
use super::tree::Node;
use crate::diagnostic::{Code, Diagnostic, Label, SourceFile};

/// Parses `file.text[base..base + len]` as TOML into `T`; every problem of its
/// shape in one run, as for YAML.
pub fn parse_toml<T: DeserializeOwned>(
    file: &Arc<SourceFile>,
    base: usize,
    len: usize,
) -> Result<T, Vec<Diagnostic>> {
    let text = &file.text[base..base + len];
    let table =
        DeTable::parse(text).map_err(|err| {
            let span = err.span().unwrap_or(0..0);
            vec![
                Diagnostic::error(Code::TomlSyntax, err.message().trim().to_string())
                    .at(Label::new(file, base + span.start, base + span.end)),
            ]
        })?;
    let root = table_node(text, table.get_ref());
    if let Some(value) = super::tree::read_node(&root) {
        return Ok(value);
    }
    Err(shape_problems::<T>(file, base, table.get_ref()))
}

/// Why `table` does not fit `T`, worded as for YAML: serde-saphyr reads the same
/// values written as JSON (which is YAML), mended after each problem to find the
/// next; each is placed at the key it names, else the front matter's first line.
fn shape_problems<T: DeserializeOwned>(
    file: &Arc<SourceFile>,
    base: usize,
    table: &DeTable<'_>,
) -> Vec<Diagnostic> {
    let json = flow_table(table);
    let found = super::recover::problems::<T>(&json);
    if found.is_empty() {
        let message = match serde_saphyr::from_str::<T>(&json) {
            Ok(_) => "this front matter could not be read".to_string(),
            Err(err) => without_place(&err),
        };
        return vec![shape_problem(file, base, table, &message, None)];
    }
    found
        .iter()
        .map(|f| {
            let key = f.offset.and_then(|o| key_before(&json, o));
            shape_problem(file, base, table, &without_place(&f.error), key)
        })
        .collect()
}

/// The key whose value is at `offset` of the one-line JSON `json`: the last
/// `"key":` before it.
fn key_before(json: &str, offset: usize) -> Option<&str> {
    let before = json.get(..offset)?;
    let end = before.rfind("\":")?;
    let start = before[..end].rfind('"')? + 1;
    Some(&before[start..end])
}

/// The parser's message without its snippet and "at line …".
fn without_place(err: &serde_saphyr::Error) -> String {
    let raw = err.without_snippet().to_string();
    match raw.rfind(" at line ") {
        Some(i) => raw[..i].to_string(),
        None => raw,
    }
}

/// One problem of `table`'s shape, worded from the parser's `message`.
fn shape_problem(
    file: &Arc<SourceFile>,
    base: usize,
    table: &DeTable<'_>,
    message: &str,
    at_key: Option<&str>,
) -> Diagnostic {
    let (code, message, help) = super::classify_message(message);
    // A problem of a key names it; a problem of a value is placed at its key.
    let of_key = matches!(
        code,
        Code::UnknownKey | Code::MissingKey | Code::DuplicateKey
    );
    let named = if of_key {
        message.split('`').nth(1).or(at_key)
    } else {
        at_key
    };
    let named = named.unwrap_or("");
    let (start, end) = find_key(table, named).map_or(
        (base.saturating_sub(4), base.saturating_sub(1)),
        |(s, e)| (base + s, base + e),
    );
    let code = if code == Code::YamlSyntax {
        Code::WrongType
    } else {
        code
    };
    let d = Diagnostic::error(code, message).at(Label::new(file, start, end));
    match help {
        Some(help) => d.help(help),
        None => d,
    }
}

/// The span of the first key named `name`, at any depth.
fn find_key(table: &DeTable<'_>, name: &str) -> Option<(usize, usize)> {
    if name.is_empty() {
        return None;
    }
    table.iter().find_map(|(k, v)| {
        if k.get_ref() == name {
            return Some((k.span().start, k.span().end));
        }
        match v.get_ref() {
            DeValue::Table(t) => find_key(t, name),
            _ => None,
        }
    })
}

/// `T` with only a title: the text at `span` of `file` (a page's first heading,
/// for a page without front matter, as MkDocs reads one), placed there.
pub fn title_only<T: DeserializeOwned>(
    file: &Arc<SourceFile>,
    span: std::ops::Range<usize>,
) -> Option<T> {
    let title = file.text.get(span.clone())?;
    let root = Node::Map(vec![(
        Node::Scalar {
            text: Cow::Borrowed("title"),
            plain: false,
            place: place(&file.text, span.start..span.start),
        },
        Node::Scalar {
            text: Cow::Borrowed(title),
            plain: false,
            place: place(&file.text, span),
        },
    )]);
    super::tree::read_node(&root)
}

fn place(text: &str, span: std::ops::Range<usize>) -> Place {
    let before = text.get(..span.start).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    Place {
        line,
        column,
        offset: Some(span.start),
        chars: text.get(span).map_or(0, |s| s.chars().count()),
    }
}

fn table_node<'a>(text: &str, table: &'a DeTable<'a>) -> Node<'a> {
    Node::Map(
        table
            .iter()
            .map(|(k, v)| {
                let key = Node::Scalar {
                    text: Cow::Borrowed(k.get_ref().as_ref()),
                    plain: false,
                    place: place(text, k.span()),
                };
                (key, value_node(text, v))
            })
            .collect(),
    )
}

fn value_node<'a>(text: &str, value: &'a toml::Spanned<DeValue<'a>>) -> Node<'a> {
    let at = place(text, value.span());
    let scalar = |text: Cow<'a, str>, plain: bool| Node::Scalar {
        text,
        plain,
        place: at,
    };
    match value.get_ref() {
        DeValue::String(s) => scalar(Cow::Borrowed(s.as_ref()), false),
        DeValue::Integer(i) if i.radix() == 10 => scalar(Cow::Borrowed(i.as_str()), true),
        // Numbers the quick reader does not read: left for the shape check to word.
        DeValue::Integer(i) => scalar(Cow::Owned(format!("0x{}", i.as_str())), true),
        DeValue::Float(f) => scalar(Cow::Borrowed(f.as_str()), true),
        DeValue::Boolean(b) => scalar(Cow::Borrowed(if *b { "true" } else { "false" }), true),
        // A date is text to the front matter (as `date: 2024-05-01` is in YAML).
        DeValue::Datetime(d) => scalar(Cow::Owned(d.to_string()), false),
        DeValue::Array(items) => Node::Seq(items.iter().map(|v| value_node(text, v)).collect()),
        DeValue::Table(t) => table_node(text, t),
    }
}

/// `table` as one line of YAML in JSON's notation, each text tagged `!!str` so
/// it is read as text only, never as the boolean or number it may spell
/// (`draft = "yes"` is a wrong type, as the quick reader finds).
fn flow_table(table: &DeTable<'_>) -> String {
    let entries: Vec<String> = table
        .iter()
        .map(|(k, v)| format!("{}: {}", json_string(k.get_ref()), flow_value(v.get_ref())))
        .collect();
    let mut out = String::from('\x7b');
    out.push_str(&entries.join(", "));
    out.push('\x7d');
    out
}

fn flow_value(value: &DeValue<'_>) -> String {
    match value {
        DeValue::String(s) => format!("!!str {}", json_string(s)),
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .map_or_else(|_| json_string(i.as_str()), |n| n.to_string()),
        DeValue::Float(f) => match f.as_str().parse::<f64>() {
            Ok(n) if n.is_finite() => serde_json::Value::from(n).to_string(),
            _ => json_string(f.as_str()),
        },
        DeValue::Boolean(b) => b.to_string(),
        DeValue::Datetime(d) => json_string(&d.to_string()),
        DeValue::Array(items) => {
            let items: Vec<String> = items.iter().map(|v| flow_value(v.get_ref())).collect();
            format!("[{}]", items.join(", "))
        }
        DeValue::Table(t) => flow_table(t),
    }
}

fn json_string(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raw::RawArticleMeta;

    fn front(toml: &str) -> (Arc<SourceFile>, usize, usize) {
        let text = format!("+++\n{toml}+++\nBody\n");
        let file = SourceFile::new("content/kb/a.md", &text);
        (file, 4, toml.len())
    }

    #[test]
    fn toml_front_matter_reads_like_yaml_with_places() {
        let (file, base, len) = front(
            "title = \"Set up SSO\"\ndate = 2024-05-01\nweight = 3\ntags = [\"sso\"]\n\n[taxonomies]\ntags = [\"login\"]\n",
        );
        let meta: RawArticleMeta = parse_toml(&file, base, len).unwrap();
        assert_eq!(meta.title.value, "Set up SSO");
        assert_eq!(meta.weight, Some(3));
        assert_eq!(meta.tags, vec!["sso".to_string()]);
        assert_eq!(meta.date.as_ref().unwrap().value, "2024-05-01");
        let label = super::super::label(&file, base, &meta.title);
        assert_eq!(&file.text[label.start..label.end], "\"Set up SSO\"");
    }

    #[test]
    fn toml_problems_are_located_and_worded_as_for_yaml() {
        let (file, base, len) = front("title = \"A\"\nautor = \"B\"\n");
        let ds = parse_toml::<RawArticleMeta>(&file, base, len).unwrap_err();
        assert_eq!(ds.len(), 1, "{ds:?}");
        let d = &ds[0];
        assert_eq!(d.code, "unknown-key");
        assert_eq!(d.location(), Some(("content/kb/a.md".into(), 3, 1)));
        let (file, base, len) = front("weight = 3\n");
        let d = &parse_toml::<RawArticleMeta>(&file, base, len).unwrap_err()[0];
        assert_eq!(d.code, "missing-key");
        assert!(d.message.contains("title"), "{d:?}");
        // Every missing key, of the front matter and of its tables, in one run.
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[expect(dead_code, reason = "the fields are only deserialized")]
        struct Two {
            title: String,
            author: String,
            extra: Option<Box<Two>>,
        }
        let (file, base, len) = front("weight = 3\n[extra]\nsummary = 1\n");
        let ds = parse_toml::<Two>(&file, base, len).unwrap_err();
        let got: Vec<_> = ds.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            got,
            [
                "unknown key `summary`",
                "missing required key `title`",
                "missing required key `author`",
                "unknown key `weight`",
                "missing required key `title`",
                "missing required key `author`",
            ],
            "{ds:#?}"
        );
        let (file, base, len) = front("title = \n");
        let d = &parse_toml::<RawArticleMeta>(&file, base, len).unwrap_err()[0];
        assert_eq!(d.code, "toml-syntax");
        assert_eq!(d.location().map(|l| l.1), Some(2));
    }
}
