//! Templated author text: `{{ customer.name }}` in titles and descriptions, and
//! `when:` conditions, both evaluated by the template engine.
//!
//! Owns one small minijinja environment for author text (separate from the theme's).
//! It starts empty and holds only the filters, tests and functions listed in
//! [`builtins`]: nothing a text can call shows the engine's context, the texts it has
//! compiled (other customers' among them) or another render, and a text cannot
//! include, import or extend another. Undefined values are errors, so a misspelt
//! variable never silently prints nothing or hides a task.
//!
//! Values are text, never markup: every value a Markdown description prints is
//! escaped for Markdown and HTML as it is printed ([`builtins::escape_markdown`]),
//! while titles, which are plain text, print values as they are (the page
//! templates, the calendar and the JSON writer escape titles for their formats).
//! Text written in a customer file is data: shown as it is, never a template.

mod builtins;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use minijinja::value::{Enumerator, Object, Value};
use minijinja::{AutoEscape, Environment, Error, ErrorKind, UndefinedBehavior};

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::lang::Lang;
use crate::model::{Origin, Text};

/// The name a plain-text template (a title) is compiled under: this, then its source.
const PLAIN: &str = "t:";
/// The name a Markdown template (a description) is compiled under: this, then its
/// source. Values such a template prints are escaped for Markdown.
const MARKDOWN: &str = "m:";

/// Renders and checks author text.
///
/// The same text is rendered for every customer: templates are compiled once (the
/// environment's loader takes a template's source from its name and keeps what it
/// compiled), and the HTML of Markdown without placeholders is made once per text.
pub(crate) struct TextEngine {
    env: Environment<'static>,
    /// HTML of descriptions without placeholders, by their Markdown.
    plain_html: std::sync::RwLock<rustc_hash::FxHashMap<String, Arc<str>>>,
    /// What becomes of raw HTML in descriptions (`[markdown] raw_html`).
    raw_html: crate::raw_html::RawHtml,
}

impl Default for TextEngine {
    fn default() -> Self {
        TextEngine::new()
    }
}

impl TextEngine {
    pub fn new() -> TextEngine {
        let mut env = Environment::empty();
        builtins::add_builtins(&mut env);
        // Errors name the expression that failed (`customer.vars.plan`) in release
        // builds too, not only in debug builds.
        env.set_debug(true);
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_fuel(Some(50_000));
        env.set_recursion_limit(50);
        env.set_loader(|name| {
            match name
                .strip_prefix(PLAIN)
                .or_else(|| name.strip_prefix(MARKDOWN))
            {
                Some(source) => Ok(Some(source.to_string())),
                None => Err(Error::new(
                    ErrorKind::InvalidOperation,
                    "author text cannot include, import or extend other templates",
                )),
            }
        });
        // `{% include %}`, `{% import %}` and `{% extends %}` name templates through
        // this; the names it gives are refused by the loader above, so no text can
        // render another, nor a value as a template.
        env.set_path_join_callback(|name, _| Cow::Owned(format!("include:{name}")));
        // The escaping is decided by the template's name, which a text cannot
        // change (`{% autoescape false %}` changes only the mode). Markdown templates
        // get a mode of their own so that what a text captures (`{% set %}` blocks,
        // macros) is kept as the Markdown it already is.
        env.set_auto_escape_callback(|name| {
            if name.starts_with(MARKDOWN) {
                AutoEscape::Custom("markdown".into())
            } else {
                AutoEscape::None
            }
        });
        env.set_formatter(print_value);
        TextEngine {
            env,
            plain_html: Default::default(),
            raw_html: Default::default(),
        }
    }

    /// The engine with raw HTML in descriptions treated as `raw_html` says.
    pub fn with_raw_html(mut self, raw_html: crate::raw_html::RawHtml) -> TextEngine {
        self.raw_html = raw_html;
        self
    }

    /// Warns about raw HTML in a Markdown description (in every language) that
    /// the sanitiser changes: once per block, at its line.
    pub fn check_description(&self, text: &Text, diagnostics: &mut Diagnostics) {
        // A customer's text is shown as written, never as markup: nothing to warn about.
        if self.raw_html != crate::raw_html::RawHtml::Sanitise || text.data {
            return;
        }
        let mut check = |source: &str, origin: &Origin| {
            if !source.contains('<') {
                return;
            }
            let found = crate::markdown::outline(source, self.raw_html).sanitised;
            for s in found {
                let line = source[..s.at].matches('\n').count() + 1;
                let label = origin.line_label(Some(line));
                // Where the line is written as it reads (a block scalar's lines,
                // a plain value) the column is exact; elsewhere (quotes,
                // escapes) the warning points at the line's start.
                let line_start = source[..s.at].rfind('\n').map_or(0, |i| i + 1);
                let line_text = source[line_start..].split('\n').next().unwrap_or("");
                let as_written = origin.file.text[label.start..].starts_with(line_text);
                let at = label.start + if as_written { s.at - line_start } else { 0 };
                diagnostics.push(crate::raw_html::sanitised_warning(
                    &origin.file,
                    at,
                    &s.what,
                ));
            }
        };
        check(&text.source, &text.origin);
        for (source, origin) in text.translations.values() {
            check(source, origin);
        }
    }

    /// Reports syntax errors in templated plain text (a title). The template compiled
    /// here is the one rendered later.
    pub fn check_text(&self, text: &Text, diagnostics: &mut Diagnostics) {
        if !text.data {
            self.check_source(&text.source, &text.origin, false, diagnostics);
        }
    }

    /// Reports syntax errors in a templated Markdown description.
    pub fn check_markdown(&self, text: &Text, diagnostics: &mut Diagnostics) {
        if !text.data {
            self.check_source(&text.source, &text.origin, true, diagnostics);
        }
    }

    /// Reports syntax errors in a condition.
    pub fn check_condition(&self, text: &Text, diagnostics: &mut Diagnostics) {
        if let Err(err) = self.env.compile_expression(&text.source) {
            diagnostics.push(template_diagnostic(
                Code::ConditionSyntax,
                &text.origin,
                &err,
            ));
        }
    }

    /// Renders plain text (a title) in `lang` (its translation, or the original when
    /// there is none). Values are printed as they are.
    pub fn render_in(&self, text: &Text, lang: &Lang, ctx: &Value) -> Result<String, Diagnostic> {
        let (source, origin, _) = text.get(lang);
        if text.data || !is_templated(source) {
            return Ok(source.to_string());
        }
        self.render_template(PLAIN, source, origin, ctx)
    }

    /// Renders a Markdown description in `lang` to HTML. Every value it prints is
    /// text; text from a customer file is shown as it is, without Markdown. A link
    /// that the URL allow-list refuses only once values are filled in is published as
    /// its text alone, with a warning in `warnings` that names the text, not the value
    /// (the same for every customer, so the report shows it once).
    pub fn render_html_in(
        &self,
        text: &Text,
        lang: &Lang,
        ctx: &Value,
        warnings: &mut Diagnostics,
    ) -> Result<Arc<str>, Diagnostic> {
        let (source, origin, _) = text.get(lang);
        if text.data {
            return Ok(data_html(source).into());
        }
        if is_templated(source) {
            let markdown = self.render_template(MARKDOWN, source, origin, ctx)?;
            let rendered = crate::markdown::render(&markdown, &|_| None, self.raw_html);
            // A link refused as written is reported where it is written, when the
            // playbook is checked; only what the values made unsafe is reported here.
            let refused = |d: &crate::markdown::Dropped| {
                matches!(d.what, crate::markdown::DroppedKind::Url { .. })
            };
            if rendered.dropped.iter().any(refused)
                && !crate::markdown::dropped(source).iter().any(refused)
            {
                warnings.push(
                    Diagnostic::warning(
                        Code::UnsafeUrl,
                        "a link in this text is refused once values are filled in; it is published as its text alone",
                    )
                    .at(origin.label())
                    .help(format!(
                        "links are published only with {}; check the values used in the link",
                        crate::url::ALLOWED_TEXT
                    )),
                );
            }
            return Ok(rendered.html.into());
        }
        if let Some(html) = self
            .plain_html
            .read()
            .ok()
            .and_then(|m| m.get(source).cloned())
        {
            return Ok(html);
        }
        let html: Arc<str> = crate::markdown::render_plain(source, self.raw_html).into();
        if let Ok(mut cache) = self.plain_html.write() {
            cache.insert(source.to_string(), Arc::clone(&html));
        }
        Ok(html)
    }

    /// Renders `source`, compiled (once) under the name `kind` + `source`.
    fn render_template(
        &self,
        kind: &str,
        source: &str,
        origin: &Origin,
        ctx: &Value,
    ) -> Result<String, Diagnostic> {
        let mut name = String::with_capacity(kind.len() + source.len());
        name.push_str(kind);
        name.push_str(source);
        self.env
            .get_template(&name)
            .and_then(|t| t.render(ctx.clone()))
            .map_err(|err| {
                let d = template_diagnostic(Code::TemplateError, origin, &err);
                match undefined_customer_key(source, &err) {
                    Some(key) => d.suggest(key, CUSTOMER_KEYS),
                    None => d,
                }
            })
    }

    /// Reports syntax errors in templated text (a translation, or an original),
    /// Markdown or plain.
    pub fn check_source(
        &self,
        source: &str,
        origin: &Origin,
        markdown: bool,
        diagnostics: &mut Diagnostics,
    ) {
        if !is_templated(source) {
            return;
        }
        let kind = if markdown { MARKDOWN } else { PLAIN };
        if let Err(err) = self.env.get_template(&format!("{kind}{source}")) {
            diagnostics.push(template_diagnostic(Code::TemplateSyntax, origin, &err));
        }
    }

    /// Evaluates a `when:` condition.
    pub fn condition(&self, text: &Text, ctx: &Value) -> Result<bool, Diagnostic> {
        let expr = self
            .env
            .compile_expression(&text.source)
            .map_err(|err| template_diagnostic(Code::ConditionSyntax, &text.origin, &err))?;
        expr.eval(ctx.clone()).map(|v| v.is_true()).map_err(|err| {
            template_diagnostic(Code::ConditionError, &text.origin, &err).help(
                "conditions see `customer.vars`, `customer.name`, `customer.team`, ...; \
                     guard optional variables with `customer.vars.X is defined and ...`",
            )
        })
    }
}

/// Prints a value: as it is into plain text, escaped for Markdown into Markdown.
fn print_value(
    out: &mut minijinja::Output<'_>,
    state: &mut minijinja::State<'_, '_>,
    value: &Value,
) -> Result<(), Error> {
    if !state.name().starts_with(MARKDOWN) {
        return write!(out, "{value}").map_err(Error::from);
    }
    if value.is_safe() {
        // Only captured output (already escaped as it was printed) is safe here:
        // the `safe` filter is not offered.
        return out
            .write_str(value.as_str().unwrap_or_default())
            .map_err(Error::from);
    }
    let text = match value.as_str() {
        Some(s) => Cow::Borrowed(s),
        None => Cow::Owned(value.to_string()),
    };
    builtins::escape_markdown(out, &text).map_err(Error::from)
}

/// The HTML of a description written in a customer file: its text, escaped, in
/// paragraphs where it has blank lines.
fn data_html(source: &str) -> String {
    let source = source.replace("\r\n", "\n");
    let mut html = String::with_capacity(source.len() + 16);
    for paragraph in source
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        html.push_str("<p>");
        html.push_str(&crate::html::escape(paragraph));
        html.push_str("</p>\n");
    }
    html
}

/// Whether `source` holds template syntax, comments included (else it is printed as
/// it is).
pub(crate) fn is_templated(source: &str) -> bool {
    // An opening brace followed by another, by `%` or by `#`.
    let brace = crate::markdown::OPEN_BRACE;
    source
        .match_indices(brace)
        .any(|(i, _)| source[i + 1..].starts_with([brace, '%', '#']))
}

/// A diagnostic for a template error in author text, pointing at the line of the
/// text the engine names when it names one.
fn template_diagnostic(code: Code, origin: &Origin, err: &minijinja::Error) -> Diagnostic {
    let message = match err.detail() {
        Some(detail) => format!("{}: {detail}", kind_text(err)),
        None => kind_text(err),
    };
    Diagnostic::error(code, message).at(origin.line_label(err.line()))
}

/// The keys of `customer` in templated text (`plan::customer_context`).
const CUSTOMER_KEYS: [&str; 6] = ["id", "name", "kickoff", "language", "vars", "team"];

/// The key after `customer.` in the expression an undefined-value error points at
/// (`nmae` in `{{ customer.nmae }}`), when it is not one of [`CUSTOMER_KEYS`].
fn undefined_customer_key<'a>(source: &'a str, err: &minijinja::Error) -> Option<&'a str> {
    if err.kind() != minijinja::ErrorKind::UndefinedError {
        return None;
    }
    let expr = source.get(err.range()?)?.trim();
    let key = expr.strip_prefix("customer.")?;
    let key = key
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .next()?;
    (!CUSTOMER_KEYS.contains(&key)).then_some(key)
}

fn kind_text(err: &minijinja::Error) -> String {
    use minijinja::ErrorKind;
    match err.kind() {
        ErrorKind::UndefinedError => "undefined value".to_string(),
        ErrorKind::SyntaxError => "syntax error".to_string(),
        ErrorKind::OutOfFuel => "the template runs too long".to_string(),
        other => other.to_string(),
    }
}

/// Stands in for any value on the public playbook preview, where there is no
/// customer: with the words of the text's language ([`PlaceholderWords`]),
/// `{{ customer.name }}` prints "your company" and `{{ customer.team.csm.name }}`
/// "your customer success manager"; without them, the value's name in brackets
/// (`[customer.vars.plan]`).
#[derive(Debug)]
pub(crate) struct Placeholder(pub String, pub Option<Arc<PlaceholderWords>>);

/// The words a reader of the public preview sees in place of a customer's values,
/// in one language (the theme's `placeholder_*` strings; `{role}` and `{name}` are
/// filled in).
#[derive(Debug, Default)]
pub(crate) struct PlaceholderWords {
    /// `customer.name` and `customer.id`: "your company".
    pub company: String,
    /// `customer.team.<role>` and its `.name`: "your {role}".
    pub person: String,
    /// `customer.team.<role>.email`: "the email address of your {role}".
    pub email: String,
    /// `customer.team.<role>.phone`: "the phone number of your {role}".
    pub phone: String,
    /// `customer.kickoff`: "your start date".
    pub kickoff: String,
    /// Anything else (`customer.vars.plan`): "agreed"; `{name}` in it is the last
    /// part of the value's name with `_` and `-` read as spaces.
    pub value: String,
    /// Role id -> its title in this language, as it reads inside a sentence.
    pub roles: BTreeMap<String, String>,
}

impl PlaceholderWords {
    /// The words for the value at `path` (`customer.team.csm.name`).
    fn say(&self, path: &str) -> String {
        let parts: Vec<&str> = path.split('.').collect();
        let role = |id: &str| {
            self.roles
                .get(id)
                .cloned()
                .unwrap_or_else(|| id.replace(['_', '-'], " "))
        };
        match parts.as_slice() {
            ["customer", "name" | "id"] => self.company.clone(),
            ["customer", "kickoff"] => self.kickoff.clone(),
            ["customer", "team", r] | ["customer", "team", r, "name"] => {
                self.person.replace("{role}", &role(r))
            }
            ["customer", "team", r, "email"] => self.email.replace("{role}", &role(r)),
            ["customer", "team", r, "phone"] => self.phone.replace("{role}", &role(r)),
            [.., last] => self.value.replace("{name}", &last.replace(['_', '-'], " ")),
            [] => String::new(),
        }
    }
}

/// `text` with a phrase said twice in a row, apart by a comma ("your customer
/// success manager, your customer success manager"), said once; `None` when
/// there is none. Only phrases of two words or more count, so "very, very"
/// stays. Case is ignored in the comparison; the first is kept.
pub(crate) fn without_repeats(text: &str) -> Option<String> {
    let mut out = String::new();
    let mut rest = text;
    let mut changed = false;
    while let Some(at) = rest.find(", ") {
        let (before, after) = (&rest[..at], &rest[at + 2..]);
        match repeated(before, after) {
            Some(len) => {
                out.push_str(before);
                rest = &after[len..];
                changed = true;
            }
            None => {
                out.push_str(&rest[..at + 2]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// The byte length, in `after`, of the longest phrase that ends `before` and
/// starts `after` alike (case aside), of two words or more and whole words.
fn repeated(before: &str, after: &str) -> Option<usize> {
    let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
    // Candidate starts in `before`: after each space or markup/punctuation.
    for (start, _) in before.char_indices() {
        let phrase = &before[start..];
        if !boundary(before[..start].chars().next_back()) || !phrase.contains(' ') {
            continue;
        }
        if phrase.starts_with(|c: char| !c.is_alphanumeric()) {
            continue;
        }
        let n = phrase.chars().count();
        let taken: usize = after.chars().take(n).map(char::len_utf8).sum();
        let candidate = &after[..taken];
        let same = candidate.chars().count() == n
            && candidate
                .chars()
                .zip(phrase.chars())
                .all(|(a, b)| a.to_lowercase().eq(b.to_lowercase()));
        if same && boundary(after[taken..].chars().next()) {
            return Some(taken);
        }
    }
    None
}

/// A role's title as it reads inside a sentence: its first letter in lower case
/// unless the word is an abbreviation ("Customer success manager" → "customer
/// success manager", "IT administrator" stays).
pub(crate) fn in_sentence(title: &str) -> String {
    let mut chars = title.chars();
    match (chars.next(), chars.next()) {
        (Some(first), second)
            if first.is_uppercase() && !second.is_some_and(char::is_uppercase) =>
        {
            first
                .to_lowercase()
                .chain(title[first.len_utf8()..].chars())
                .collect()
        }
        _ => title.to_string(),
    }
}

impl Object for Placeholder {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let key = key.as_str()?;
        Some(Value::from_object(Placeholder(
            format!("{}.{key}", self.0),
            self.1.clone(),
        )))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::NonEnumerable
    }

    fn is_true(self: &Arc<Self>) -> bool {
        true
    }

    fn render(self: &Arc<Self>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.1 {
            Some(words) => f.write_str(&words.say(&self.0)),
            None => write!(f, "[{}]", self.0),
        }
    }
}

/// The context for rendering author text without a customer, values by their names.
pub(crate) fn placeholder_context() -> Value {
    minijinja::context! { customer => Value::from_object(Placeholder("customer".into(), None)) }
}

/// The context for rendering author text without a customer, values in `words`.
pub(crate) fn placeholder_context_in(words: PlaceholderWords) -> Value {
    let words = Some(Arc::new(words));
    minijinja::context! { customer => Value::from_object(Placeholder("customer".into(), words)) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::SourceFile;

    fn text(file_text: &str, start: usize, source: &str) -> Text {
        let file = SourceFile::new("p.yaml", file_text);
        Text {
            source: source.to_string(),
            lang: Lang::english(),
            origin: Origin {
                end: file_text.len(),
                file,
                start,
            },
            translations: Default::default(),
            data: false,
        }
    }

    #[test]
    fn renders_customer_values_and_placeholders() {
        let engine = TextEngine::new();
        let t = text("title: Hi {{ customer.name }}", 7, "Hi {{ customer.name }}");
        let ctx = minijinja::context! { customer => minijinja::context! { name => "Acme" } };
        assert_eq!(
            engine.render_in(&t, &Lang::english(), &ctx).unwrap(),
            "Hi Acme"
        );
        assert_eq!(
            engine
                .render_in(&t, &Lang::english(), &placeholder_context())
                .unwrap(),
            "Hi [customer.name]"
        );
    }

    #[test]
    fn a_phrase_said_twice_in_a_row_is_said_once() {
        assert_eq!(
            without_repeats(
                "your customer success manager, your customer success manager, sends a link"
            )
            .as_deref(),
            Some("your customer success manager, sends a link")
        );
        assert_eq!(
            without_repeats("<p>Your account team, your account team. Done</p>").as_deref(),
            Some("<p>Your account team. Done</p>")
        );
        assert_eq!(
            without_repeats("तपाईंको ग्राहक प्रबन्धक, तपाईंको ग्राहक प्रबन्धक, पठाउनुहुन्छ").as_deref(),
            Some("तपाईंको ग्राहक प्रबन्धक, पठाउनुहुन्छ")
        );
        for kept in [
            "very, very good",
            "a team, a teammate",
            "your team, and your manager",
            "red apple, green apple",
            "",
            ", , ,",
        ] {
            assert_eq!(without_repeats(kept), None, "{kept}");
        }
    }

    /// A Jinja comment in author text is removed, never printed.
    #[test]
    fn template_comments_are_never_shown() {
        let engine = TextEngine::new();
        let ctx = minijinja::context! {};
        let t = text(
            "Sign the plan{# ask legal #}",
            0,
            "Sign the plan{# ask legal #}",
        );
        assert_eq!(
            engine.render_in(&t, &Lang::english(), &ctx).unwrap(),
            "Sign the plan"
        );
        let html = engine
            .render_html_in(&t, &Lang::english(), &ctx, &mut Diagnostics::new())
            .unwrap();
        assert!(!html.contains("legal"), "{html}");
    }

    /// Regression: templates are looked up by their text, and a text ending in
    /// `.html` must not be HTML-escaped as a file of that name would be.
    #[test]
    fn text_is_never_escaped_whatever_it_ends_with() {
        let engine = TextEngine::new();
        let source = "Open ../<b>{{ customer.name }}</b>\\x/index.html";
        let t = text(source, 0, source);
        let ctx = minijinja::context! { customer => minijinja::context! { name => "A&B" } };
        for _ in 0..2 {
            assert_eq!(
                engine.render_in(&t, &Lang::english(), &ctx).unwrap(),
                "Open ../<b>A&B</b>\\x/index.html"
            );
        }
    }

    #[test]
    fn descriptions_render_to_the_same_html_cached_or_not() {
        let engine = TextEngine::new();
        let ctx = minijinja::context! { customer => minijinja::context! { name => "Acme" } };
        let plain = text("*Sign* the plan", 0, "*Sign* the plan");
        let templated = text("*Hi* {{ customer.name }}", 0, "*Hi* {{ customer.name }}");
        for _ in 0..2 {
            let html = engine
                .render_html_in(&plain, &Lang::english(), &ctx, &mut Diagnostics::new())
                .unwrap();
            assert_eq!(
                &*html,
                crate::markdown::render_plain("*Sign* the plan", Default::default())
            );
            let html = engine
                .render_html_in(&templated, &Lang::english(), &ctx, &mut Diagnostics::new())
                .unwrap();
            assert_eq!(
                &*html,
                crate::markdown::render_plain("*Hi* Acme", Default::default())
            );
        }
    }

    #[test]
    fn a_misspelt_variable_is_an_error_at_its_line() {
        let engine = TextEngine::new();
        let file = "a: 1\ndescription: |\n  Hello\n  {{ customer.nmae }}\n";
        let start = file.find('|').unwrap();
        let t = text(file, start, "Hello\n{{ customer.nmae }}\n");
        let ctx = minijinja::context! { customer => minijinja::context! { name => "Acme" } };
        let d = engine.render_in(&t, &Lang::english(), &ctx).unwrap_err();
        assert_eq!(d.code, "template-error");
        assert_eq!(d.location(), Some(("p.yaml".into(), 4, 3)));
    }

    #[test]
    fn conditions_are_strict() {
        let engine = TextEngine::new();
        let t = text("when: x", 6, "customer.vars.plan == 'enterprise'");
        let with = minijinja::context! { customer => minijinja::context! { vars => minijinja::context! { plan => "enterprise" } } };
        assert!(engine.condition(&t, &with).unwrap());
        let without = minijinja::context! { customer => minijinja::context! { vars => minijinja::context! {} } };
        assert_eq!(
            engine.condition(&t, &without).unwrap_err().code,
            "condition-error"
        );
        let guarded = text(
            "when: x",
            6,
            "customer.vars.plan is defined and customer.vars.plan == 'x'",
        );
        assert!(!engine.condition(&guarded, &without).unwrap());
    }

    fn customer(name: &str) -> Value {
        minijinja::context! { customer => minijinja::context! { name => name } }
    }

    /// Regression (issue 17, item 1): `<script>` in a customer's name, printed by a
    /// description, became live markup on the checklist. Values printed into
    /// Markdown are text; the author's Markdown around them stays Markdown.
    #[test]
    fn values_in_descriptions_are_text_and_titles_keep_them_raw() {
        let engine = TextEngine::new();
        let source = "**Hi** {{ customer.name }}";
        let t = text(source, 0, source);
        let name = "<script>alert(1)</script> *x* [a](b)\n# h";
        let html = engine
            .render_html_in(
                &t,
                &Lang::english(),
                &customer(name),
                &mut Diagnostics::new(),
            )
            .unwrap();
        assert_eq!(
            &*html,
            "<p><strong>Hi</strong> &lt;script&gt;alert(1)&lt;/script&gt; *x* [a](b) # h</p>\n"
        );
        let title = engine
            .render_in(&t, &Lang::english(), &customer(name))
            .unwrap();
        assert_eq!(title, format!("**Hi** {name}"));
    }

    #[test]
    fn placeholders_read_as_words_of_the_language() {
        let engine = TextEngine::new();
        let source = "Hi {{ customer.name }}, ask {{ customer.team.csm.name }} ({{ customer.team.csm.email }}) about {{ customer.vars.seat_count }} *now*";
        let t = text(source, 0, source);
        let words = PlaceholderWords {
            company: "your company".into(),
            person: "your {role}".into(),
            email: "the email address of your {role}".into(),
            phone: "the phone number of your {role}".into(),
            kickoff: "your start date".into(),
            value: "your {name}".into(),
            roles: [("csm".to_string(), in_sentence("Customer *success* manager"))].into(),
        };
        let ctx = placeholder_context_in(words);
        let html = engine
            .render_html_in(&t, &Lang::english(), &ctx, &mut Diagnostics::new())
            .unwrap();
        assert_eq!(
            &*html,
            "<p>Hi your company, ask your customer *success* manager (the email address of your customer *success* manager) about your seat count <em>now</em></p>\n"
        );
        assert_eq!(in_sentence("IT administrator"), "IT administrator");
        assert_eq!(in_sentence("Ёлка"), "ёлка");
        assert_eq!(in_sentence("ຜູ້ຈັດການ"), "ຜູ້ຈັດການ");
    }

    /// The public preview's placeholders read as they did before values were escaped.
    #[test]
    fn placeholders_render_as_before() {
        let engine = TextEngine::new();
        let source = "Plan: {{ customer.vars.plan }}, see [the form]({{ customer.vars.url }})";
        let t = text(source, 0, source);
        let html = engine
            .render_html_in(
                &t,
                &Lang::english(),
                &placeholder_context(),
                &mut Diagnostics::new(),
            )
            .unwrap();
        let unescaped = "Plan: [customer.vars.plan], see [the form]([customer.vars.url])";
        assert_eq!(
            &*html,
            crate::markdown::render_plain(unescaped, Default::default())
        );
    }

    /// What a text captures (`{% set %}` blocks, macros) is already Markdown with its
    /// values escaped, and is not escaped twice.
    #[test]
    fn captured_markdown_is_escaped_once() {
        let engine = TextEngine::new();
        let source = "{% set hi %}*Hi* {{ customer.name }}{% endset %}{{ hi }} \
                      {% macro m(x) %}_{{ x }}_{% endmacro %}{{ m(customer.name) }}";
        let t = text(source, 0, source);
        let html = engine
            .render_html_in(
                &t,
                &Lang::english(),
                &customer("A.B"),
                &mut Diagnostics::new(),
            )
            .unwrap();
        assert_eq!(&*html, "<p><em>Hi</em> A.B <em>A.B</em></p>\n");
    }

    /// A text cannot mark a value as markup, nor switch the escaping off.
    #[test]
    fn escaping_cannot_be_turned_off_by_the_text() {
        let engine = TextEngine::new();
        let source = "{% autoescape false %}{{ customer.name }}{% endautoescape %}";
        let t = text(source, 0, source);
        let html = engine
            .render_html_in(
                &t,
                &Lang::english(),
                &customer("<b>x</b>"),
                &mut Diagnostics::new(),
            )
            .unwrap();
        assert_eq!(&*html, "<p>&lt;b&gt;x&lt;/b&gt;</p>\n");
        let safe = text("{{ customer.name|safe }}", 0, "{{ customer.name|safe }}");
        let err = engine
            .render_html_in(
                &safe,
                &Lang::english(),
                &customer("<b>x</b>"),
                &mut Diagnostics::new(),
            )
            .unwrap_err();
        assert!(err.message.contains("unknown filter"), "{}", err.message);
    }

    /// Regression (issue 17, item 4): `{{ debug() }}` printed the engine's state, with
    /// every text it had compiled (other customers' among them). Texts can neither
    /// call it nor render another template, nor a value as one.
    #[test]
    fn texts_see_nothing_but_their_own_values() {
        let engine = TextEngine::new();
        for (source, expected) in [
            ("{{ debug() }}", "unknown function"),
            ("{{ customer|pprint }}", "unknown filter"),
            ("{{ customer|tojson }}", "unknown filter"),
            ("{{ 'x\ny'|indent(1000000000) }}", "unknown filter"),
            ("{% if 'x' is filter %}{% endif %}", "unknown test"),
            ("{% include 't:{{ 7*7 }}' %}", "cannot include"),
            ("{% include customer.name %}", "cannot include"),
            ("{% import 'm:x' as x %}", "cannot include"),
            ("{% extends 't:x' %}", "cannot include"),
        ] {
            let t = text(source, 0, source);
            for markdown in [false, true] {
                let result = if markdown {
                    engine
                        .render_html_in(
                            &t,
                            &Lang::english(),
                            &customer("{{ 7*7 }}"),
                            &mut Diagnostics::new(),
                        )
                        .map(|h| h.to_string())
                } else {
                    engine.render_in(&t, &Lang::english(), &customer("{{ 7*7 }}"))
                };
                let err = result.unwrap_err();
                assert!(err.message.contains(expected), "{source}: {}", err.message);
            }
        }
    }

    /// Every filter, test and function the lists in `builtins` name is there (and
    /// docs/schema.md names the same).
    #[test]
    fn every_listed_builtin_is_offered() {
        let engine = TextEngine::new();
        let ctx = customer("Acme");
        let offered = |source: &str| {
            let t = text(source, 0, source);
            match engine.render_in(&t, &Lang::english(), &ctx) {
                Ok(_) => true,
                Err(e) => !e.message.contains("unknown") && !e.message.contains("syntax"),
            }
        };
        for f in builtins::FILTERS {
            assert!(offered(&format!("{{{{ [1]|{f} }}}}")), "filter {f}");
        }
        for t in builtins::TESTS {
            assert!(
                offered(&format!("{{{{ [1]|select('{t}', 1)|list }}}}")),
                "test {t}"
            );
        }
        for f in builtins::FUNCTIONS {
            assert!(offered(&format!("{{{{ {f}(1) }}}}")), "function {f}");
        }
        assert!(!offered("{{ [1]|nosuchfilter }}"));
        assert!(!offered("{{ [1]|select('nosuchtest', 1)|list }}"));
        let docs = include_str!("../docs/schema.md");
        for name in builtins::FILTERS
            .iter()
            .chain(builtins::TESTS)
            .chain(builtins::FUNCTIONS)
        {
            assert!(
                docs.contains(&format!("`{name}`")),
                "docs/schema.md lacks `{name}`"
            );
        }
    }
}
