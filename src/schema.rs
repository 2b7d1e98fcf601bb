//! JSON Schema (draft-07, what editors' YAML and TOML support reads) of the files an
//! author writes, generated from the structs gangway reads them into ([`crate::raw`],
//! the settings of [`crate::config`]): an editor completes keys, shows their help (the
//! structs' doc comments) and marks unknown keys, values of the wrong kind and missing
//! keys before anything runs. `gangway schema` writes them; `gangway init` writes them
//! into a new site beside the editor settings that use them.
//!
//! The schemas check shape only (keys, kinds, the values of enums). References, dates,
//! offsets and conditions are checked by `gangway check`, as before.

use std::borrow::Cow;

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::Value;

use crate::raw;
use crate::yaml::Spanned;

/// Where in a site `gangway init` writes the schemas, and `gangway schema` without `--out`.
pub const SCHEMA_DIR: &str = ".gangway/schema";

/// One schema file.
pub struct SchemaFile {
    /// Its file name (`customer.schema.json`).
    pub name: &'static str,
    /// The files it describes, as globs from the site root (a leading `!` excludes).
    pub applies_to: &'static [&'static str],
    /// The schema.
    pub schema: Value,
}

impl SchemaFile {
    /// The schema as written to its file: pretty JSON with a final newline.
    pub fn text(&self) -> String {
        let mut text = serde_json::to_string_pretty(&self.schema).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// Every schema, in a fixed order.
pub fn schemas() -> Vec<SchemaFile> {
    vec![
        SchemaFile {
            name: "gangway.schema.json",
            applies_to: &["gangway.toml"],
            schema: titled(
                crate::config::json_schema(generator()),
                "gangway.toml",
                "Site settings.",
            ),
        },
        yaml::<raw::RawPlaybook>(
            "playbook.schema.json",
            &["playbooks/*.yaml", "!playbooks/*.*.yaml"],
            "A playbook: playbooks/<id>.yaml.",
        ),
        yaml::<raw::RawPlaybookTranslation>(
            "playbook-translation.schema.json",
            &["playbooks/*.*.yaml"],
            "The translated text of a playbook, keyed by ids: playbooks/<id>.<lang>.yaml.",
        ),
        yaml::<raw::RawCustomer>(
            "customer.schema.json",
            &["customers/*.yaml"],
            "A customer: customers/<id>.yaml.",
        ),
        yaml::<raw::RawArticleMeta>(
            "article.schema.json",
            &["content/**/*.md", "!content/faq/*.md"],
            "The front matter of an article, a section page or the home page (content/**/*.md).",
        ),
        yaml::<raw::RawFaqMeta>(
            "faq.schema.json",
            &["content/faq/*.md", "!content/faq/_index*.md"],
            "The front matter of an FAQ entry (content/faq/*.md).",
        ),
    ]
}

/// What a new site needs for editor support, as (path from the site root, text):
/// the schemas in [`SCHEMA_DIR`] and `.vscode/settings.json` mapping the YAML files
/// to them (VS Code's YAML extension). `gangway init` writes them.
pub fn editor_files() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = schemas()
        .iter()
        .map(|s| (format!("{SCHEMA_DIR}/{}", s.name), s.text()))
        .collect();
    files.push((VSCODE_SETTINGS.to_string(), vscode_settings()));
    files
}

/// VS Code's settings file of a site.
pub const VSCODE_SETTINGS: &str = ".vscode/settings.json";

/// `.vscode/settings.json`: `yaml.schemas` maps each YAML file of the site to its
/// schema in [`SCHEMA_DIR`] (front matter is not YAML to the editor; `gangway.toml`
/// names its schema in a `#:schema` line, read by Taplo and Even Better TOML).
pub fn vscode_settings() -> String {
    let mut map = serde_json::Map::new();
    for file in schemas() {
        let globs: Vec<&str> = file.applies_to.to_vec();
        if globs.iter().any(|g| g.ends_with(".yaml")) {
            map.insert(format!("./{SCHEMA_DIR}/{}", file.name), Value::from(globs));
        }
    }
    let mut settings = serde_json::Map::new();
    settings.insert("yaml.schemas".into(), Value::Object(map));
    let mut text = serde_json::to_string_pretty(&Value::Object(settings)).unwrap_or_default();
    text.push('\n');
    text
}

/// Draft-07, every sub-schema written in place (one self-contained file each, with
/// each key's own help beside it).
fn generator() -> SchemaGenerator {
    SchemaSettings::draft07()
        .with(|s| s.inline_subschemas = true)
        .into_generator()
}

fn yaml<T: JsonSchema>(
    name: &'static str,
    applies_to: &'static [&'static str],
    description: &str,
) -> SchemaFile {
    let mut schema = titled(generator().into_root_schema_for::<T>(), name, description);
    fit_tasks(&mut schema);
    SchemaFile {
        name,
        applies_to,
        schema: loosen(schema),
    }
}

/// Tasks are one struct in playbooks and in a customer's `extra_tasks`, where
/// `phase` is required; in a playbook, gangway refuses it (a task is in the phase
/// it is listed under).
fn fit_tasks(schema: &mut Value) {
    if let Some(Value::Object(task)) =
        schema.pointer_mut("/properties/phases/items/properties/tasks/items/properties")
    {
        task.remove("phase");
        // A playbook's text is translated in translation files, never inline.
        for (key, kinds) in [
            ("title", &["string"][..]),
            ("description", &["string", "null"]),
        ] {
            if let Some(Value::Object(text)) = task.get_mut(key) {
                text.remove("anyOf");
                text.insert("type".into(), Value::from(kinds.to_vec()));
            }
        }
    }
    if let Some(Value::Array(required)) =
        schema.pointer_mut("/properties/extra_tasks/items/required")
    {
        required.push(Value::from("phase"));
    }
}

/// The schema with a title and description of the file it describes.
fn titled(schema: Schema, title: &str, description: &str) -> Value {
    let mut value = schema.to_value();
    if let Value::Object(map) = &mut value {
        let title = title.trim_end_matches(".schema.json");
        map.insert("title".into(), Value::from(title));
        map.insert("description".into(), Value::from(description));
    }
    value
}

/// A YAML boolean as gangway reads it, written as text: `true`, `yes`, `on`, `y` and
/// their opposites in any case (serde-saphyr's YAML 1.1 booleans).
const BOOLEAN_TEXT: &str =
    "^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|[Yy]([Ee][Ss])?|[Nn][Oo]?|[Oo][Nn]|[Oo][Ff][Ff])$";
/// A whole number written as text (`"3"`), which gangway reads as the number.
const WHOLE_TEXT: &str = "^[-+]?(0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+|[0-9][0-9_]*)$";
/// A whole number of zero or more, written as text.
const NATURAL_TEXT: &str = "^[+]?(0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+|[0-9][0-9_]*)$";

/// What gangway's YAML reading accepts beyond the Rust types: text may be written as
/// any scalar (`title: 2024` is the text "2024"), booleans and whole numbers as text
/// (`draft: "yes"`, `weight: "10"`). Enums stay strict: gangway rejects other values.
fn loosen(mut value: Value) -> Value {
    loosen_in(&mut value);
    value
}

fn loosen_in(value: &mut Value) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(loosen_in),
        Value::Object(map) => {
            if !map.contains_key("enum")
                && !map.contains_key("const")
                && let Some(kinds) = map.get("type").map(kinds_of)
            {
                let has = |k: &str| kinds.iter().any(|x| x == k);
                let (added, pattern): (&[&str], Option<&str>) = if has("string") {
                    (&["number", "boolean"], None)
                } else if has("boolean") {
                    (&["string"], Some(BOOLEAN_TEXT))
                } else if has("integer") {
                    let natural = map
                        .get("minimum")
                        .and_then(Value::as_f64)
                        .is_some_and(|m| m >= 0.0);
                    (
                        &["string"],
                        Some(if natural { NATURAL_TEXT } else { WHOLE_TEXT }),
                    )
                } else {
                    (&[], None)
                };
                if !added.is_empty() {
                    let mut all = kinds.clone();
                    all.extend(added.iter().map(|k| (*k).to_string()));
                    map.insert("type".into(), Value::from(all));
                    if let Some(pattern) = pattern {
                        map.insert("pattern".into(), Value::from(pattern));
                    }
                }
            }
            map.values_mut().for_each(loosen_in);
        }
        _ => {}
    }
}

fn kinds_of(kind: &Value) -> Vec<String> {
    match kind {
        Value::String(k) => vec![k.clone()],
        Value::Array(ks) => ks
            .iter()
            .filter_map(|k| k.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// A task's title or description: text, or (in a customer's `extra_tasks`) the
/// text per language.
impl JsonSchema for crate::raw::Localized {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "Localized".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({
            "anyOf": [
                { "type": "string" },
                {
                    "type": "object",
                    "description": "The text per language (a customer's extra task): the file's own language is the original.",
                    "minProperties": 1,
                    "additionalProperties": { "type": "string" }
                }
            ]
        })
    }
}

/// A value and its place in the file: the schema of the value.
impl<T: JsonSchema> JsonSchema for Spanned<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }

    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}

/// A task's `action:` (the schema of what gangway accepts; read as text).
#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[expect(dead_code, reason = "only its schema is used")]
pub(crate) enum ActionName {
    /// "Mark as done" (the default).
    Done,
    /// "Approve", with the approver's name.
    Approve,
    /// "Acknowledge", with the name of who acknowledges.
    Acknowledge,
}

/// A request's `kind:`.
#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[expect(dead_code, reason = "only its schema is used")]
pub(crate) enum RequestName {
    /// A file to upload.
    Upload,
    /// A document to sign.
    Sign,
    /// A form to fill in.
    Form,
}

/// `[markdown] raw_html`.
#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[expect(dead_code, reason = "only its schema is used")]
pub(crate) enum RawHtmlName {
    /// Keep harmless tags only (the default).
    Sanitise,
    /// The same as `sanitise`.
    Sanitize,
    /// Keep HTML as written.
    Trusted,
    /// Show HTML as text.
    Escape,
}

/// `[portals] languages`.
#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[expect(dead_code, reason = "only its schema is used")]
pub(crate) enum PortalLanguagesName {
    /// Each portal in its customer's language and the site's default language (the default).
    Customer,
    /// Every language of the site.
    All,
}

/// The values of `[content] last_updated` in `gangway.toml`.
#[derive(JsonSchema)]
#[serde(rename_all = "snake_case")]
#[expect(dead_code, reason = "only its schema is used")]
pub(crate) enum LastUpdatedName {
    /// `lastmod`, else `updated`, else `date` from front matter (the default).
    FrontMatter,
    /// `lastmod` or `updated` when written, else the day of the last commit that changed the file, else `date`.
    Git,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(name: &str) -> Value {
        schemas()
            .into_iter()
            .find(|s| s.name == name)
            .map(|s| s.schema)
            .unwrap_or_default()
    }

    #[test]
    fn unknown_keys_are_refused_and_help_comes_from_doc_comments() {
        let customer = schema("customer.schema.json");
        assert_eq!(customer["additionalProperties"], Value::Bool(false));
        assert_eq!(
            customer["properties"]["encrypt"]["additionalProperties"],
            Value::Bool(false)
        );
        let required = customer["required"].as_array().cloned().unwrap_or_default();
        for key in ["name", "playbook", "kickoff"] {
            assert!(required.contains(&Value::from(key)), "{required:?}");
        }
        let rotation = &customer["properties"]["portal_rotation"];
        assert!(
            rotation["description"]
                .as_str()
                .unwrap_or("")
                .contains("gangway rotate"),
            "{rotation}"
        );
        assert_eq!(
            customer["$schema"],
            "http://json-schema.org/draft-07/schema#"
        );
    }

    #[test]
    fn yaml_text_takes_any_scalar_and_enums_stay_strict() {
        let playbook = schema("playbook.schema.json");
        assert_eq!(
            playbook["properties"]["title"]["type"],
            serde_json::json!(["string", "number", "boolean"])
        );
        let side = playbook["properties"]["roles"]["additionalProperties"]["properties"]["side"]
            .to_string();
        assert!(
            side.contains("\"vendor\"") && side.contains("\"customer\""),
            "{side}"
        );
        assert!(!side.contains("number"), "{side}");
        let task = &playbook["properties"]["phases"]["items"]["properties"]["tasks"]["items"];
        assert!(task["properties"].get("phase").is_none(), "{task}");
        assert!(task["properties"].get("owner").is_some(), "{task}");
        let customer = schema("customer.schema.json");
        let extra = &customer["properties"]["extra_tasks"]["items"];
        let required = extra["required"].as_array().cloned().unwrap_or_default();
        assert!(required.contains(&Value::from("phase")), "{extra}");
        let toml = schema("gangway.schema.json");
        assert_eq!(toml["properties"]["title"]["type"], "string");
    }
}
