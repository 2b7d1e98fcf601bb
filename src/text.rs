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
pub(crate) struct TextEngine {
    env: Environment<'static>,
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
        TextEngine { env }
    }

    /// Reports syntax errors in templated text.
    pub fn check_text(&self, text: &Text, diagnostics: &mut Diagnostics) {
        if !text.source.contains("{{") && !text.source.contains("{%") && !text.source.contains("{#")
        {
            return;
        }
        if let Err(err) = self.env.template_from_str(&text.source) {
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
        if !source.contains("{{") && !source.contains("{%") {
            return Ok(source.to_string());
        }
        self.env
            .render_str(source, ctx.clone())
            .map_err(|err| template_diagnostic("template-error", origin, &err))
    }

    /// Reports syntax errors in a translation of templated text.
    pub fn check_source(&self, source: &str, origin: &Origin, diagnostics: &mut Diagnostics) {
        if (source.contains("{{") || source.contains("{%"))
            && let Err(err) = self.env.template_from_str(source)
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
