//! HTML escaping, shared by the templates, the unlock page and the error overlay.

use std::borrow::Cow;

/// Escapes `& < > " '` (as Jinja2 does), leaving text without them untouched.
///
/// Works on bytes: the five are ASCII, so they never fall inside a character, and
/// every other byte is copied in runs.
pub(crate) fn escape(text: &str) -> Cow<'_, str> {
    let special = |b: &u8| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'');
    let Some(first) = text.as_bytes().iter().position(special) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 16);
    let mut copied = 0;
    for (i, b) in text.bytes().enumerate().skip(first) {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[copied..i]);
        out.push_str(entity);
        copied = i + 1;
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup_and_quotes_only() {
        assert_eq!(super::escape("a/b"), "a/b");
        assert_eq!(super::escape("ລາວ & नेपाली's"), "ລາວ &amp; नेपाली&#39;s");
        assert_eq!(
            super::escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
