//! What templated author text may call, and how a value printed into Markdown is
//! made text.
//!
//! The text engine starts from an empty minijinja environment and gets only what is
//! listed here: filters and tests that work on the values they are given. Nothing
//! here can reach the engine's context, its compiled templates or another render
//! (minijinja's `debug`, `pprint` and the `filter`/`test` tests are left out), and
//! nothing turns a value into markup (`safe`, `escape`). docs/schema.md lists the
//! same names; keep the two in step.

use minijinja::{Environment, filters, functions, tests as is};

/// Filters author text may use, by name.
#[cfg(test)]
pub(crate) const FILTERS: &[&str] = &[
    "abs",
    "capitalize",
    "chain",
    "count",
    "d",
    "default",
    "dictsort",
    "first",
    "float",
    "format",
    "groupby",
    "int",
    "items",
    "join",
    "last",
    "length",
    "lines",
    "list",
    "lower",
    "map",
    "max",
    "min",
    "reject",
    "rejectattr",
    "replace",
    "reverse",
    "round",
    "select",
    "selectattr",
    "sort",
    "split",
    "string",
    "sum",
    "title",
    "trim",
    "unique",
    "upper",
    "zip",
];

/// Tests author text may use (`x is defined`), by name, operators included.
#[cfg(test)]
pub(crate) const TESTS: &[&str] = &[
    "boolean",
    "defined",
    "divisibleby",
    "endingwith",
    "eq",
    "equalto",
    "==",
    "even",
    "false",
    "float",
    "ge",
    ">=",
    "greaterthan",
    "gt",
    ">",
    "in",
    "int",
    "integer",
    "iterable",
    "le",
    "<=",
    "lessthan",
    "lower",
    "lt",
    "<",
    "mapping",
    "ne",
    "!=",
    "none",
    "number",
    "odd",
    "sequence",
    "startingwith",
    "string",
    "true",
    "undefined",
    "upper",
];

/// Functions author text may call. `range` refuses more than 100,000 items and every
/// loop step costs fuel, so none of them can run long. (For the same reason the
/// filters that take a size, `batch`, `indent` and `slice`, are not offered: they
/// would make as much output as asked for, without paying fuel for it.)
#[cfg(test)]
pub(crate) const FUNCTIONS: &[&str] = &["dict", "namespace", "range"];

/// Adds the listed filters, tests and functions (`FILTERS`, `TESTS`, `FUNCTIONS`, kept
/// for the test that checks docs/schema.md lists the same set) to `env`.
pub(crate) fn add_builtins(env: &mut Environment<'_>) {
    add_filters(env);
    add_tests(env);
    env.add_function("dict", functions::dict);
    env.add_function("namespace", functions::namespace);
    env.add_function("range", functions::range);
}

fn add_filters(env: &mut Environment<'_>) {
    env.add_filter("abs", filters::abs);
    env.add_filter("capitalize", filters::capitalize);
    env.add_filter("chain", filters::chain);
    env.add_filter("count", filters::length);
    env.add_filter("d", filters::default);
    env.add_filter("default", filters::default);
    env.add_filter("dictsort", filters::dictsort);
    env.add_filter("first", filters::first);
    env.add_filter("float", filters::float);
    env.add_filter("format", filters::format);
    env.add_filter("groupby", filters::groupby);
    env.add_filter("int", filters::int);
    env.add_filter("items", filters::items);
    env.add_filter("join", filters::join);
    env.add_filter("last", filters::last);
    env.add_filter("length", filters::length);
    env.add_filter("lines", filters::lines);
    env.add_filter("list", filters::list);
    env.add_filter("lower", filters::lower);
    env.add_filter("map", filters::map);
    env.add_filter("max", filters::max);
    env.add_filter("min", filters::min);
    env.add_filter("reject", filters::reject);
    env.add_filter("rejectattr", filters::rejectattr);
    env.add_filter("replace", filters::replace);
    env.add_filter("reverse", filters::reverse);
    env.add_filter("round", filters::round);
    env.add_filter("select", filters::select);
    env.add_filter("selectattr", filters::selectattr);
    env.add_filter("sort", filters::sort);
    env.add_filter("split", filters::split);
    env.add_filter("string", filters::string);
    env.add_filter("sum", filters::sum);
    env.add_filter("title", filters::title);
    env.add_filter("trim", filters::trim);
    env.add_filter("unique", filters::unique);
    env.add_filter("upper", filters::upper);
    env.add_filter("zip", filters::zip);
}

fn add_tests(env: &mut Environment<'_>) {
    env.add_test("boolean", is::is_boolean);
    env.add_test("defined", is::is_defined);
    env.add_test("divisibleby", is::is_divisibleby);
    env.add_test("endingwith", is::is_endingwith);
    for name in ["eq", "equalto", "=="] {
        env.add_test(name, is::is_eq);
    }
    env.add_test("even", is::is_even);
    env.add_test("false", is::is_false);
    env.add_test("float", is::is_float);
    for name in ["ge", ">="] {
        env.add_test(name, is::is_ge);
    }
    for name in ["greaterthan", "gt", ">"] {
        env.add_test(name, is::is_gt);
    }
    env.add_test("in", is::is_in);
    for name in ["int", "integer"] {
        env.add_test(name, is::is_integer);
    }
    env.add_test("iterable", is::is_iterable);
    for name in ["le", "<="] {
        env.add_test(name, is::is_le);
    }
    for name in ["lessthan", "lt", "<"] {
        env.add_test(name, is::is_lt);
    }
    env.add_test("lower", is::is_lower);
    env.add_test("mapping", is::is_mapping);
    for name in ["ne", "!="] {
        env.add_test(name, is::is_ne);
    }
    env.add_test("none", is::is_none);
    env.add_test("number", is::is_number);
    env.add_test("odd", is::is_odd);
    env.add_test("sequence", is::is_sequence);
    env.add_test("startingwith", is::is_startingwith);
    env.add_test("string", is::is_string);
    env.add_test("true", is::is_true);
    env.add_test("undefined", is::is_undefined);
    env.add_test("upper", is::is_upper);
}

/// Writes `value` into Markdown so that it reads as the same text and makes no
/// markup: every ASCII punctuation character becomes a numeric character reference
/// (which CommonMark decodes as text everywhere except in code, link destinations
/// and raw HTML attributes included, and which never stands for a structural
/// character, so `&#35;` is no heading and `&#34;` ends no attribute), line breaks
/// become spaces, and blanks at either end become references, so a value can
/// neither start a block (a heading, a list, indented code) nor end a line with a
/// hard break.
pub(crate) fn escape_markdown(out: &mut impl std::fmt::Write, value: &str) -> std::fmt::Result {
    let bytes = value.as_bytes();
    let blank = [' ', '\t', '\r', '\n'];
    let inner_start = value.len() - value.trim_start_matches(blank).len();
    let inner_end = value.trim_end_matches(blank).len().max(inner_start);
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let edge = i < inner_start || i >= inner_end;
        let special = b.is_ascii_punctuation()
            || b == b'\r'
            || b == b'\n'
            || (edge && (b == b' ' || b == b'\t'));
        if !special {
            i += 1;
            continue;
        }
        out.write_str(&value[copied..i])?;
        match b {
            b'\r' | b'\n' => {
                // CRLF is one line break, and one space.
                if b == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                if edge {
                    out.write_str(reference(b' '))?;
                } else {
                    out.write_char(' ')?;
                }
            }
            _ => out.write_str(reference(b))?,
        }
        i += 1;
        copied = i;
    }
    out.write_str(&value[copied..])
}

/// `&#<b>;` for a blank or an ASCII punctuation byte, written out so that the
/// escaping, which runs for every punctuation character of every printed value,
/// needs no formatting.
fn reference(b: u8) -> &'static str {
    match b {
        b'\t' => "&#9;",
        b' ' => "&#32;",
        b'!' => "&#33;",
        b'"' => "&#34;",
        b'#' => "&#35;",
        b'$' => "&#36;",
        b'%' => "&#37;",
        b'&' => "&#38;",
        b'\'' => "&#39;",
        b'(' => "&#40;",
        b')' => "&#41;",
        b'*' => "&#42;",
        b'+' => "&#43;",
        b',' => "&#44;",
        b'-' => "&#45;",
        b'.' => "&#46;",
        b'/' => "&#47;",
        b':' => "&#58;",
        b';' => "&#59;",
        b'<' => "&#60;",
        b'=' => "&#61;",
        b'>' => "&#62;",
        b'?' => "&#63;",
        b'@' => "&#64;",
        b'[' => "&#91;",
        b'\\' => "&#92;",
        b']' => "&#93;",
        b'^' => "&#94;",
        b'_' => "&#95;",
        b'`' => "&#96;",
        b'{' => "&#123;",
        b'|' => "&#124;",
        b'}' => "&#125;",
        b'~' => "&#126;",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(value: &str) -> String {
        let mut out = String::new();
        escape_markdown(&mut out, value).unwrap();
        out
    }

    #[test]
    fn punctuation_becomes_references_and_letters_stay() {
        assert_eq!(escaped("Acme Ltd"), "Acme Ltd");
        assert_eq!(escaped("a.b"), "a&#46;b");
        assert_eq!(escaped("<b>"), "&#60;b&#62;");
        assert_eq!(escaped("ລາວ & नेपाली"), "ລາວ &#38; नेपाली");
    }

    #[test]
    fn line_breaks_become_spaces_and_edges_are_kept_as_references() {
        assert_eq!(escaped("a\r\nb\rc\nd"), "a b c d");
        assert_eq!(escaped("    code"), "&#32;&#32;&#32;&#32;code");
        assert_eq!(escaped("\tx  "), "&#9;x&#32;&#32;");
        assert_eq!(escaped("a  b"), "a  b");
        assert_eq!(escaped("x\n# h"), "x &#35; h");
        // Two spaces before a line end would be a hard line break.
        assert_eq!(escaped("x \r\n"), "x&#32;&#32;");
        assert_eq!(escaped("\n    y"), "&#32;&#32;&#32;&#32;&#32;y");
    }

    /// Every value renders as the text it is: the Markdown renderer decodes the
    /// references back, and nothing in the value becomes an element.
    #[test]
    fn escaped_values_render_as_their_own_text() {
        for value in [
            "<script>alert(1)</script>",
            "\"><img src=x onerror=alert(1)>",
            "*bold* _it_ `code` [a](b) ![i](x) <https://x>",
            "# heading",
            "- item",
            "1. item",
            "    indented",
            "| a | b |",
            "&amp; &lt; \\*",
            "x  ",
            "x \n",
        ] {
            let html = crate::markdown::render_plain(&escaped(value), Default::default());
            let text = value
                .replace('\n', " ")
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            assert_eq!(html, format!("<p>{text}</p>\n"), "{value:?}");
        }
    }

    /// A value used as a link destination or a table cell is decoded back to itself
    /// there (the URL allow-list then sees the same address as before), and a `|`
    /// in it makes no new cell.
    #[test]
    fn values_keep_their_meaning_in_links_and_tables() {
        let url = "https://acme.test/a_b?x=1&y=(2)#top";
        let html =
            crate::markdown::render_plain(&format!("[form]({})", escaped(url)), Default::default());
        assert_eq!(
            html,
            crate::markdown::render_plain(&format!("[form](<{url}>)"), Default::default())
        );
        let table = format!("| a |\n|---|\n| {} |\n", escaped("x | y"));
        let html = crate::markdown::render_plain(&table, Default::default());
        assert_eq!(html.matches("<td").count(), 1, "{html}");
        assert!(html.contains("x | y"), "{html}");
    }
}
