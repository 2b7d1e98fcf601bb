//! Shortcodes of other generators left in Markdown: Hugo's `{{< … >}}` and
//! `{{% … %}}`, Zola's `{{ name(…) }}`, Jekyll's and Liquid's `{% … %}`.
//! gangway runs none of them (Markdown pages are not templates), so each is
//! reported where it is written instead of being published as literal text. Code spans and blocks, where
//! such text is shown on purpose, are left alone.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// One shortcode or tag: its byte range in the body and what it is.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Found {
    pub start: usize,
    pub end: usize,
    /// Its name (`figure`, `ref`, `include`), or `""` when it has none.
    pub name: String,
}

const OPENERS: [(&str, &str); 3] = [("{{<", ">}}"), ("{{%", "%}}"), ("{%", "%}")];

/// `{{` and `{%`, written so that every line keeps its braces paired.
const DOUBLE: &str = "\u{7b}\u{7b}";
const TAG: &str = "\u{7b}%";

/// The shortcodes and tags of `body` outside code, in order.
pub(super) fn find(body: &str) -> Vec<Found> {
    // Most pages have none: only they are parsed again.
    if !body.contains(DOUBLE) && !body.contains(TAG) {
        return Vec::new();
    }
    let code = code_ranges(body);
    let in_code = |at: usize| code.iter().any(|r| r.contains(&at));
    let mut found = Vec::new();
    let mut from = 0;
    while let Some((start, open, close)) = next_opener(body, from) {
        let inner = start + open.len();
        // A tag left open is marked to its line's end.
        let end = match body[inner..].find(close) {
            Some(i) => inner + i + close.len(),
            None => body[start..].find('\n').map_or(body.len(), |i| start + i),
        };
        if !in_code(start) {
            let name = body[inner..end]
                .trim_start_matches(['/', '-', ' ', '\t'])
                .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
                .next()
                .unwrap_or("")
                .to_string();
            found.push(Found { start, end, name });
        }
        from = end.max(start + open.len());
    }
    found
}

/// The first opener at or after `from`: its offset, and the opener and closer.
fn next_opener(body: &str, from: usize) -> Option<(usize, &'static str, &'static str)> {
    let rest = body.get(from..)?;
    let at = rest.find('\u{7b}')?;
    let mut i = from + at;
    while i < body.len() {
        let tail = &body[i..];
        if let Some((open, close)) = OPENERS.iter().find(|(o, _)| tail.starts_with(o)) {
            return Some((i, open, close));
        }
        if zola_call(tail) {
            return Some((i, "{{", "}}"));
        }
        i += 1 + tail[1..].find('\u{7b}')?;
    }
    None
}

/// Whether `tail` starts with a Zola shortcode call, `{{ name(`: a name and an
/// opening bracket, which no gangway placeholder has (and Markdown pages hold no
/// placeholders anyway).
fn zola_call(tail: &str) -> bool {
    let Some(rest) = tail.strip_prefix(DOUBLE) else {
        return false;
    };
    let rest = rest.trim_start_matches([' ', '\t']);
    let name = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    name > 0 && rest[name..].starts_with('(')
}

/// The byte ranges of code spans and code blocks.
fn code_ranges(body: &str) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut block: Option<usize> = None;
    for (event, range) in Parser::new_ext(body, Options::empty()).into_offset_iter() {
        match event {
            Event::Code(_) => ranges.push(range),
            Event::Start(Tag::CodeBlock(_)) => block = Some(range.start),
            Event::End(TagEnd::CodeBlock) => {
                if let Some(start) = block.take() {
                    ranges.push(start..range.end);
                }
            }
            _ => {}
        }
    }
    ranges
}

/// What to write instead of the shortcode `name`.
pub(super) fn advice(name: &str) -> &'static str {
    match name {
        "ref" | "relref" | "link" | "post_url" => {
            "link to the Markdown file instead: `[Setup](setup.md)`; gangway turns it into the page's address"
        }
        "figure" | "image" | "img" | "resize_image" => {
            "write an image instead: `![what it shows](picture.png)`, with the picture beside the page"
        }
        "highlight" | "code" | "raw" | "endraw" | "endhighlight" => {
            "write a fenced code block instead: ``` then the code, then ```"
        }
        "include" | "readfile" | "include_relative" => {
            "copy the text into the page; gangway pages do not include other files"
        }
        "youtube" | "vimeo" | "tweet" | "x" | "instagram" | "gist" => {
            "link to it instead: `[the video](https://…)`; gangway pages embed nothing from other sites"
        }
        _ => {
            "write it as Markdown (a blockquote for a note or a hint); to show the text itself, put it in a code span or block"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(body: &str) -> Vec<(String, &str)> {
        find(body)
            .into_iter()
            .map(|f| (f.name, &body[f.start..f.end]))
            .collect()
    }

    #[test]
    fn shortcodes_and_tags_are_found_outside_code() {
        let body = "See {{< ref \"setup.md\" >}} and {{% note %}}Hi{{% /note %}}.\n\n{% include footer.html %}\n\n`{{< not-this >}}`\n\n```\n{% raw %}\n```\n";
        assert_eq!(
            names(body),
            vec![
                ("ref".to_string(), "{{< ref \"setup.md\" >}}"),
                ("note".to_string(), "{{% note %}}"),
                ("note".to_string(), "{{% /note %}}"),
                ("include".to_string(), "{% include footer.html %}"),
            ]
        );
        // gangway's own placeholders are not Markdown's business, nor plain braces.
        assert!(find("Hello {{ customer.name }} and {a: 1} {{ }}").is_empty());
        // Zola calls its shortcodes like functions.
        assert_eq!(names("{{ youtube(id=\"x\") }}")[0].0, "youtube");
        // Without spaces, the tag inside is read as HTML by Markdown: still found.
        assert_eq!(names("{{<figure src=\"a.png\">}}")[0].0, "figure");
    }

    #[test]
    fn an_unclosed_tag_is_marked_to_its_line_end() {
        let body = "a {% if x\nnext line }";
        let found = find(body);
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].start, found[0].end),
            (2, body.find('\n').unwrap())
        );
    }
}
