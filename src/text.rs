//! Templated author text: `{{ customer.name }}` in titles and descriptions, and
//! `when:` conditions, both evaluated by the template engine.
//!
//! Owns one small minijinja environment for author text (separate from the theme's,
//! with no auto-escaping: the page templates escape titles when they print them).
//! Undefined values are errors, so a misspelt variable never silently prints nothing
//! or hides a task.

use std::fmt;
use std::sync::Arc;

use minijinja::value::{Enumerator, Object, Value};
use minijinja::{Environment, UndefinedBehavior};

use crate::diagnostic::{Diagnostic, Diagnostics, Label};
use crate::lang::Lang;
use crate::model::{Origin, Text};

/// Renders and checks author text.
///
/// The same text is rendered for every customer: templates are compiled once (the
/// environment's loader treats a template's name as its source and keeps what it
/// compiled), and the HTML of Markdown without placeholders is made once per text.
pub(crate) struct TextEngine {
    env: Environment<'static>,
    /// HTML of descriptions without placeholders, by their Markdown.
    plain_html: std::sync::RwLock<rustc_hash::FxHashMap<String, Arc<str>>>,
}

impl Default for TextEngine {
    fn default() -> Self {
        TextEngine::new()
    }
}

impl TextEngine {
    pub fn new() -> TextEngine {
        let mut env = Environment::new();
        // Errors name the expression that failed (`customer.vars.plan`) in release
        // builds too, not only in debug builds.
        env.set_debug(true);
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_fuel(Some(50_000));
        env.set_recursion_limit(50);
        env.set_loader(|source| Ok(Some(source.to_string())));
        // A template's name is its text: never escape by its "file extension"
        // (a title ending in `.html`), as `render_str` never did.
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
        TextEngine {
            env,
            plain_html: Default::default(),
        }
    }

    /// Reports syntax errors in templated text. The template compiled here is the
    /// one rendered later (a customer's own texts are compiled once, not twice).
    pub fn check_text(&self, text: &Text, diagnostics: &mut Diagnostics) {
        if !is_templated(&text.source) {
            return;
        }
        if let Err(err) = self.env.get_template(&text.source) {
            diagnostics.push(template_diagnostic("template-syntax", &text.origin, &err));
        }
    }

    /// Reports syntax errors in a condition.
    pub fn check_condition(&self, text: &Text, diagnostics: &mut Diagnostics) {
        if let Err(err) = self.env.compile_expression(&text.source) {
            diagnostics.push(template_diagnostic("condition-syntax", &text.origin, &err));
        }
    }

    /// Renders templated text in `lang` (its translation, or the original when there is none).
    pub fn render_in(&self, text: &Text, lang: &Lang, ctx: &Value) -> Result<String, Diagnostic> {
        let (source, origin, _) = text.get(lang);
        if !is_templated(source) {
            return Ok(source.to_string());
        }
        self.env
            .get_template(source)
            .and_then(|t| t.render(ctx.clone()))
            .map_err(|err| template_diagnostic("template-error", origin, &err))
    }

    /// Renders a templated Markdown description in `lang` to HTML. A link that the
    /// URL allow-list refuses only once values are filled in is published as its
    /// text alone, with a warning in `warnings` that names the text, not the value
    /// (the same for every customer, so the report shows it once).
    pub fn render_html_in(
        &self,
        text: &Text,
        lang: &Lang,
        ctx: &Value,
        warnings: &mut Diagnostics,
    ) -> Result<Arc<str>, Diagnostic> {
        let (source, origin, _) = text.get(lang);
        if is_templated(source) {
            let markdown = self.render_in(text, lang, ctx)?;
            let rendered = crate::markdown::render(&markdown, &|_| None);
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
                        "unsafe-url",
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
        let html: Arc<str> = crate::markdown::render_plain(source).into();
        if let Ok(mut cache) = self.plain_html.write() {
            cache.insert(source.to_string(), Arc::clone(&html));
        }
        Ok(html)
    }

    /// Reports syntax errors in a translation of templated text.
    pub fn check_source(&self, source: &str, origin: &Origin, diagnostics: &mut Diagnostics) {
        if is_templated(source)
            && let Err(err) = self.env.get_template(source)
        {
            diagnostics.push(template_diagnostic("template-syntax", origin, &err));
        }
    }

    /// Evaluates a `when:` condition.
    pub fn condition(&self, text: &Text, ctx: &Value) -> Result<bool, Diagnostic> {
        let expr = self
            .env
            .compile_expression(&text.source)
            .map_err(|err| template_diagnostic("condition-syntax", &text.origin, &err))?;
        expr.eval(ctx.clone()).map(|v| v.is_true()).map_err(|err| {
            template_diagnostic("condition-error", &text.origin, &err).help(
                "conditions see `customer.vars`, `customer.name`, `customer.team`, ...; \
                     guard optional variables with `customer.vars.X is defined and ...`",
            )
        })
    }
}

/// Whether `source` holds template syntax, comments included (else it is printed as
/// it is).
fn is_templated(source: &str) -> bool {
    source.contains("{{") || source.contains("{%") || source.contains("{#")
}

/// A diagnostic for a template error in author text, pointing at the line of the
/// text the engine names when it names one.
fn template_diagnostic(code: &'static str, origin: &Origin, err: &minijinja::Error) -> Diagnostic {
    let message = match err.detail() {
        Some(detail) => format!("{}: {detail}", kind_text(err)),
        None => kind_text(err),
    };
    Diagnostic::error(code, message).at(line_label(origin, err.line()))
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

/// A label at line `line` (1-based) of the text written at `origin`.
pub(crate) fn line_label(origin: &Origin, line: Option<usize>) -> Label {
    let file = &origin.file;
    let written = &file.text[origin.start..];
    let Some(line) = line.filter(|&l| l > 1 || written.starts_with(['|', '>'])) else {
        return origin.label();
    };
    // Block scalars (`|`, `>`) start on the line after the indicator.
    let (start_line, _) = file.line_col(origin.start);
    let skip = if written.starts_with(['|', '>']) {
        line
    } else {
        line - 1
    };
    let offset = file.offset_of(start_line + skip, 1);
    let rest = &file.text[offset..];
    let indent = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    let end = rest.find('\n').map_or(file.text.len(), |i| offset + i);
    Label::new(file, offset + indent, end.max(offset + indent))
}

/// Stands in for any value on the public playbook preview, where there is no
/// customer: `{{ customer.vars.plan }}` prints `[customer.vars.plan]`.
#[derive(Debug)]
pub(crate) struct Placeholder(pub String);

impl Object for Placeholder {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let key = key.as_str()?;
        Some(Value::from_object(Placeholder(format!("{}.{key}", self.0))))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::NonEnumerable
    }

    fn is_true(self: &Arc<Self>) -> bool {
        true
    }

    fn render(self: &Arc<Self>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}]", self.0)
    }
}

/// The context for rendering author text without a customer.
pub(crate) fn placeholder_context() -> Value {
    minijinja::context! { customer => Value::from_object(Placeholder("customer".into())) }
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
            assert_eq!(&*html, crate::markdown::render_plain("*Sign* the plan"));
            let html = engine
                .render_html_in(&templated, &Lang::english(), &ctx, &mut Diagnostics::new())
                .unwrap();
            assert_eq!(&*html, crate::markdown::render_plain("*Hi* Acme"));
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
}
