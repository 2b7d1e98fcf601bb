//! Text that knows its language: a template value that says so wherever it is
//! printed into a page of another language.
//!
//! Author text falls back to its original when a translation is missing, and
//! customer text is in the customer's language, so a value may be in another
//! language than the page that shows it. Such values are [`LangText`]s: the
//! environment's formatter ([`write()`]) prints one as its text where the page is in
//! its language, and as `<span lang="…">` (text) or `<div lang="…">` (HTML) where
//! it is not. Templates print `{{ task.title }}` and cannot forget the `lang`.
//!
//! A `LangText` is a plain value to templates: true when not empty, its text
//! when turned into a string (by filters such as `replace`, which therefore
//! lose the mark: use the `insert` filter to put one into a sentence), `.text`
//! and `.lang` for themes that want them apart; `safe` leaves it as it is.

use std::fmt;
use std::sync::Arc;

use minijinja::value::{Object, ObjectRepr};
use minijinja::{AutoEscape, Output, State, Value};

use crate::lang::Lang;

/// A text and the language it is written in; `html` when the text is markup
/// gangway made (rendered Markdown), else plain text escaped where printed.
#[derive(Debug)]
pub(crate) struct LangText {
    text: Arc<str>,
    lang: Arc<str>,
    html: bool,
}

/// Plain text in `lang`, as a template value.
pub(crate) fn text(text: impl Into<Arc<str>>, lang: &Lang) -> Value {
    text_in(text, lang.as_str())
}

/// Plain text in the language tagged `lang`, as a template value.
pub(crate) fn text_in(text: impl Into<Arc<str>>, lang: &str) -> Value {
    Value::from_object(LangText {
        text: text.into(),
        lang: Arc::from(lang),
        html: false,
    })
}

/// HTML in `lang` (rendered Markdown), as a template value.
pub(crate) fn html(html: impl Into<Arc<str>>, lang: &Lang) -> Value {
    Value::from_object(LangText {
        text: html.into(),
        lang: Arc::from(lang.as_str()),
        html: true,
    })
}

impl Object for LangText {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Plain
    }

    fn is_true(self: &Arc<Self>) -> bool {
        !self.text.is_empty()
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        match key {
            "text" if self.html => Some(Value::from_safe_string(self.text.to_string())),
            "text" => Some(Value::from(&*self.text)),
            "lang" => Some(Value::from(&*self.lang)),
            _ => None,
        }
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn render(self: &Arc<Self>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// The language of the page being rendered (its `lang` value).
fn page_lang(state: &State<'_, '_>) -> Option<Value> {
    state.lookup("lang")
}

/// Writes `value` if it is a [`LangText`] (and says whether it was): its text,
/// escaped unless it is HTML, in an element declaring its language when that is
/// not the page's. Outside HTML, the text alone.
pub(crate) fn write(
    out: &mut Output<'_>,
    state: &State<'_, '_>,
    value: &Value,
) -> Result<bool, minijinja::Error> {
    let Some(t) = value.downcast_object_ref::<LangText>() else {
        return Ok(false);
    };
    let mut s = String::new();
    marked(&mut s, state, t);
    out.write_str(&s).map_err(minijinja::Error::from)?;
    Ok(true)
}

/// `t` as the page should show it, appended to `out`.
fn marked(out: &mut String, state: &State<'_, '_>, t: &LangText) {
    if *state.auto_escape() != AutoEscape::Html {
        out.push_str(&t.text);
        return;
    }
    let foreign = !t.text.is_empty()
        && page_lang(state).is_some_and(|l| l.as_str().is_some_and(|l| l != &*t.lang));
    let tag = if t.html { "div" } else { "span" };
    if foreign {
        out.push('<');
        out.push_str(tag);
        out.push_str(" lang=\"");
        out.push_str(&crate::html::escape(&t.lang));
        out.push_str("\">");
    }
    if t.html {
        out.push_str(&t.text);
    } else {
        out.push_str(&crate::html::escape(&t.text));
    }
    if foreign {
        out.push_str("</");
        out.push_str(tag);
        out.push('>');
    }
}

/// The title of a plan item or phase, in the language it is in.
pub(crate) fn title(text: &crate::plan::ItemText, filed: &Lang) -> Value {
    self::text(text.title.as_str(), text.title_lang(filed))
}

/// The description of a plan item or phase (HTML), in the language it is in.
pub(crate) fn description(text: &crate::plan::ItemText, filed: &Lang) -> Value {
    html(
        Arc::clone(&text.description_html),
        text.description_lang(filed),
    )
}

/// An author text (a role's title) in `lang`, or the original it falls back to.
pub(crate) fn get(text: &crate::model::Text, lang: &Lang) -> Value {
    let (s, _, l) = text.get(lang);
    self::text(s, l)
}

/// The `insert` filter: `sentence|insert("{name}", value)` is the sentence,
/// escaped, with `{name}` replaced by `value` as it would be printed (in a
/// `<span lang>` when in another language than the page). For the UI strings
/// that hold a title.
pub(crate) fn insert(
    state: &State<'_, '_>,
    sentence: Value,
    placeholder: &str,
    value: Value,
) -> Value {
    let escape = |v: &Value| -> String {
        match v.as_str() {
            Some(s) if !v.is_safe() => crate::html::escape(s).into_owned(),
            _ => v.to_string(),
        }
    };
    let filled = match value.downcast_object_ref::<LangText>() {
        Some(t) => {
            let mut s = String::new();
            marked(&mut s, state, t);
            s
        }
        None => escape(&value),
    };
    Value::from_safe_string(escape(&sentence).replace(placeholder, &filled))
}

/// The `safe` filter: a [`LangText`] stays as it is (it knows whether it is
/// HTML); anything else is marked safe as usual.
pub(crate) fn safe(value: Value) -> Value {
    if value.downcast_object_ref::<LangText>().is_some() {
        value
    } else {
        Value::from_safe_string(value.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> minijinja::Environment<'static> {
        let mut env = minijinja::Environment::new();
        env.add_filter("insert", insert);
        env.add_filter("safe", safe);
        env.set_formatter(|out, state, value| {
            if write(out, state, value)? {
                return Ok(());
            }
            minijinja::escape_formatter(out, state, value)
        });
        env
    }

    fn show(template: &str, page: &str, v: Value) -> String {
        let mut env = env();
        env.add_template_owned("t.html", template.to_string())
            .unwrap();
        env.get_template("t.html")
            .unwrap()
            .render(minijinja::context! { lang => page, v })
            .unwrap()
    }

    fn lang(s: &str) -> Lang {
        Lang::parse(s).unwrap()
    }

    #[test]
    fn text_in_another_language_says_so() {
        assert_eq!(
            show("{{ v }}", "lo", text("A & B", &lang("ms"))),
            r#"<span lang="ms">A &amp; B</span>"#
        );
        assert_eq!(
            show("{{ v }}", "ms", text("A & B", &lang("ms"))),
            "A &amp; B"
        );
        assert_eq!(
            show("{{ v|safe }}", "lo", html("<p>x</p>", &lang("ms"))),
            r#"<div lang="ms"><p>x</p></div>"#
        );
        assert_eq!(
            show("{{ v|safe }}", "ms", html("<p>x</p>", &lang("ms"))),
            "<p>x</p>"
        );
    }

    #[test]
    fn empty_text_is_false_and_unmarked() {
        let out = show(
            "{% if v %}yes{% else %}no{% endif %}[{{ v }}]",
            "lo",
            text("", &lang("ms")),
        );
        assert_eq!(out, "no[]");
    }

    #[test]
    fn insert_marks_the_value_in_a_sentence() {
        let out = show(
            r#"{{ "Rate <{m}>"|insert("{m}", v) }}"#,
            "lo",
            text("Go & live", &lang("ms")),
        );
        assert_eq!(out, r#"Rate &lt;<span lang="ms">Go &amp; live</span>&gt;"#);
        let out = show(
            r#"{{ "Rate {m}"|insert("{m}", "a<b") }}"#,
            "lo",
            Value::from(()),
        );
        assert_eq!(out, "Rate a&lt;b");
    }

    #[test]
    fn parts_and_strings() {
        let v = text("Tajuk", &lang("ms"));
        assert_eq!(
            show(
                "{{ v.lang }} {{ v.text }} {{ v|replace('T', 't') }} {{ v|tojson }}",
                "lo",
                v
            ),
            r#"ms Tajuk tajuk "Tajuk""#
        );
    }
}
