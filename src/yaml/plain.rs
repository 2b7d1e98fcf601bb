//! Values YAML does not read as the text they look like.
//!
//! An unquoted value that starts with `#` is a comment, one that holds `: ` starts
//! another key, and one that starts with `*`, `&`, `!`, `|`, `>`, `%`, `@` or a
//! backquote is YAML syntax. When a problem is reported on such a line, this says
//! what YAML did with the value and shows it quoted.

/// What to tell the author instead of the parser's words: the value's place in
/// the YAML (bytes), the message and the fix.
pub(super) struct Plain {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) message: String,
    pub(super) help: String,
}

/// The explanation for a problem reported at `at` of `text`, when the line there
/// (or the nearest one above) has a plain value YAML misread.
pub(super) fn explain(text: &str, at: usize) -> Option<Plain> {
    let at = at.min(text.len());
    let mut start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    for _ in 0..2 {
        if let Some(plain) = explain_line(text, start) {
            return Some(plain);
        }
        // The nearest line above that holds something.
        loop {
            if start == 0 {
                return None;
            }
            start = text[..start - 1].rfind('\n').map_or(0, |i| i + 1);
            if !text[start..].lines().next().unwrap_or("").trim().is_empty() {
                break;
            }
        }
    }
    None
}

/// The explanation for the line starting at `start`, when it reads
/// `key: value` with a misread plain value.
fn explain_line(text: &str, start: usize) -> Option<Plain> {
    let line = text[start..].lines().next()?;
    let body = line.trim_start_matches([' ', '-']);
    let (key, after) = body.split_once(':')?;
    if key.is_empty() || !key.chars().all(|c| c.is_alphanumeric() || "_-".contains(c)) {
        return None;
    }
    let value = after.trim_start_matches([' ', '\t']);
    if value.len() == after.len() && !after.is_empty() {
        return None;
    }
    let value = value.trim_end();
    let what = what_yaml_did(value)?;
    let value_at = start + line.len() - after.len()
        + (after.len() - after.trim_start_matches([' ', '\t']).len());
    let quoted = value.replace('\\', "\\\\").replace('"', "\\\"");
    Some(Plain {
        start: value_at,
        end: value_at + value.len(),
        message: format!("the value of `{key}` is not read as text: {what}"),
        help: format!("put the value in quotes: `{key}: \"{quoted}\"`"),
    })
}

/// What YAML does with `value` written unquoted, when that is not reading it
/// as the text it looks like.
fn what_yaml_did(value: &str) -> Option<&'static str> {
    let first = value.chars().next()?;
    let rest = value[first.len_utf8()..].trim();
    Some(match first {
        '"' | '\'' | '[' | '{' => return None,
        '#' => "YAML reads everything from `#` on as a comment, so the key has no value",
        '*' => "YAML reads a value starting with `*` as a reference to an anchor",
        '&' => "YAML reads a word starting with `&` as the name of an anchor, not as text",
        '!' => "YAML reads a word starting with `!` as a tag, not as text",
        '|' | '>' if !rest.is_empty() && !rest.starts_with(['-', '+', '#']) => {
            "YAML reads `|` or `>` as the start of a block of text on the lines below"
        }
        '%' => "YAML keeps `%` at the start of a value for directives",
        '@' | '`' => "YAML does not allow `@` or a backquote at the start of a plain value",
        _ if value.contains(": ") && !value.contains(" #") => {
            "it holds `: `, which YAML reads as the start of another key"
        }
        _ => return None,
    })
}
