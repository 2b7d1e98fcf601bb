//! Markdown to HTML: CommonMark with tables, task lists, footnotes, strikethrough and
//! heading anchors; relative links resolved against the source file.
//!
//! Pure: it reports the links it saw (with byte ranges) and the headings it gave ids
//! to, and leaves deciding whether a link is broken to the caller, who knows the site.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};
use rustc_hash::FxHashSet as HashSet;

use crate::model::Heading;
use crate::raw_html::{self, RawHtml};

/// A link or image written in Markdown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct MdLink {
    /// The destination as written.
    pub dest: String,
    /// Byte range of the link in the Markdown text.
    pub start: usize,
    pub end: usize,
}

/// Raw HTML that the sanitiser cleans: where it starts in the Markdown text and
/// the first thing it loses, for a warning (at most one per block of HTML).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Sanitised {
    /// Byte offset, in the Markdown text, of the tag that is removed.
    pub at: usize,
    /// What is removed, in words.
    pub what: String,
}

/// Rendered Markdown.
#[derive(Clone, Debug, Default)]
pub(crate) struct Rendered {
    pub html: String,
    pub headings: Vec<Heading>,
    pub links: Vec<MdLink>,
    /// Raw HTML the sanitiser changed (only under [`RawHtml::Sanitise`]).
    pub sanitised: Vec<Sanitised>,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// A heading whose events are held back until its id is known.
struct OpenHeading<'a> {
    level: HeadingLevel,
    id: Option<CowStr<'a>>,
    classes: Vec<CowStr<'a>>,
    attrs: Vec<(CowStr<'a>, Option<CowStr<'a>>)>,
    inner: Vec<Event<'a>>,
    text: String,
}

/// Renders `markdown`. `rewrite` maps a link destination to the URL to write
/// (or `None` to keep it as written); `raw` says what becomes of raw HTML.
pub(crate) fn render(
    markdown: &str,
    rewrite: &dyn Fn(&str) -> Option<String>,
    raw: RawHtml,
) -> Rendered {
    let prepared = prepared_events(markdown, rewrite, raw);
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, prepared.events.into_iter());
    if prepared.aligned_table {
        out = alignment_classes(&out);
    }
    // Only a page that holds raw HTML pays for cleaning; it is cleaned as a whole,
    // since an element opened in one piece of raw HTML may close in another.
    if prepared.raw_html && raw == RawHtml::Sanitise {
        out = raw_html::sanitise(&out);
    }
    Rendered {
        html: out,
        headings: prepared.headings,
        links: prepared.links,
        sanitised: prepared.sanitised,
    }
}

/// Table cells' alignment as classes (`align-left`, `align-center`, `align-right`)
/// instead of the `style` attributes the HTML writer gives them, which the pages'
/// Content-Security-Policy does not allow.
fn alignment_classes(html: &str) -> String {
    html.replace(" style=\"text-align: left\">", " class=\"align-left\">")
        .replace(" style=\"text-align: center\">", " class=\"align-center\">")
        .replace(" style=\"text-align: right\">", " class=\"align-right\">")
}

/// What a page's Markdown holds, without its HTML: the headings and links
/// [`render`] would report, and the text a reader sees (for counting words).
#[derive(Clone, Debug, Default)]
pub(crate) struct Outline {
    pub headings: Vec<Heading>,
    pub links: Vec<MdLink>,
    /// Raw HTML the sanitiser changes, as [`Rendered::sanitised`].
    pub sanitised: Vec<Sanitised>,
    /// The visible text: what [`crate::locale::strip_html`] leaves of the
    /// rendered HTML, with the same spaces between blocks.
    pub text: String,
}

/// The [`Outline`] of `markdown`: one parse, no HTML written.
pub(crate) fn outline(markdown: &str, raw: RawHtml) -> Outline {
    let Prepared {
        events,
        headings,
        links,
        sanitised,
        ..
    } = prepared_events(markdown, &|_| None, raw);
    let mut text = String::with_capacity(markdown.len());
    // Raw HTML arrives a line at a time: it is stripped as one piece, so an
    // element spread over several lines (a comment, a script) goes as a whole.
    let mut raw_html = String::new();
    // Text inside an image is its `alt` attribute, which the page does not show.
    let mut in_image = 0usize;
    // Footnotes are numbered in the order they are first referred to, as rendered.
    let mut footnotes: rustc_hash::FxHashMap<CowStr<'_>, usize> = Default::default();
    let mut footnote_number = |name| {
        let next = footnotes.len() + 1;
        *footnotes.entry(name).or_insert(next)
    };
    let separate = |text: &mut String| {
        if !text.is_empty() && !text.ends_with([' ', '\n']) {
            text.push(' ');
        }
    };
    for event in events {
        if !matches!(event, Event::Html(_) | Event::InlineHtml(_)) && !raw_html.is_empty() {
            text.push_str(&crate::locale::strip_html(&raw_html));
            raw_html.clear();
        }
        match event {
            Event::Html(h) | Event::InlineHtml(h) => raw_html.push_str(&h),
            Event::Start(Tag::Image { .. }) => {
                separate(&mut text);
                in_image += 1;
            }
            Event::End(TagEnd::Image) => in_image = in_image.saturating_sub(1),
            Event::Text(t) | Event::Code(t) if in_image == 0 => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::TaskListMarker(_) => text.push('\n'),
            Event::Rule => separate(&mut text),
            // Footnotes show their number, at the reference and before the note.
            Event::FootnoteReference(name) => text.push_str(&footnote_number(name).to_string()),
            Event::Start(Tag::FootnoteDefinition(name)) => {
                separate(&mut text);
                text.push_str(&footnote_number(name).to_string());
            }
            Event::Start(tag) if is_block(&tag.to_end()) => separate(&mut text),
            Event::End(tag) if is_block(&tag) => separate(&mut text),
            _ => {}
        }
    }
    if !raw_html.is_empty() {
        text.push_str(&crate::locale::strip_html(&raw_html));
    }
    Outline {
        headings,
        links,
        sanitised,
        text,
    }
}

/// Tags rendered as elements that keep words apart (see `locale::BLOCK_TAGS`),
/// by their end (a start's is `Tag::to_end`).
fn is_block(tag: &TagEnd) -> bool {
    !matches!(
        tag,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

/// What [`prepared_events`] gives: the events to write and what was seen on the way.
struct Prepared<'a> {
    events: Vec<Event<'a>>,
    headings: Vec<Heading>,
    links: Vec<MdLink>,
    /// Raw HTML that the sanitiser will change.
    sanitised: Vec<Sanitised>,
    /// Whether any raw HTML (other than comments) is left among the events.
    raw_html: bool,
    /// Whether a table has aligned columns (see [`alignment_classes`]).
    aligned_table: bool,
}

/// Consecutive raw HTML (one HTML block, or the tags of one paragraph), gathered to
/// be scanned as one text, since a tag may be spread over several lines.
#[derive(Default)]
struct RawRun {
    text: String,
    /// Where each piece starts: in `text`, and in the Markdown.
    pieces: Vec<(usize, usize)>,
    /// Whether this block already has its warning.
    warned: bool,
}

impl RawRun {
    fn push(&mut self, html: &str, at: usize) {
        self.pieces.push((self.text.len(), at));
        self.text.push_str(html);
    }

    /// Scans what was gathered, noting the first removal if the block has none yet.
    fn flush(&mut self, sanitised: &mut Vec<Sanitised>) {
        if !self.warned
            && let Some(removal) = raw_html::scan(&self.text)
        {
            let (offset, at) = self
                .pieces
                .iter()
                .rev()
                .find(|(offset, _)| *offset <= removal.at)
                .copied()
                .unwrap_or((0, 0));
            sanitised.push(Sanitised {
                at: at + removal.at - offset,
                what: removal.what,
            });
            self.warned = true;
        }
        self.text.clear();
        self.pieces.clear();
    }
}

/// The events [`render`] writes: comments dropped, links rewritten, headings
/// given their ids, raw HTML escaped under [`RawHtml::Escape`]; with the headings,
/// links and raw HTML seen.
fn prepared_events<'a>(
    markdown: &'a str,
    rewrite: &dyn Fn(&str) -> Option<String>,
    raw: RawHtml,
) -> Prepared<'a> {
    let mut links = Vec::new();
    let mut headings = Vec::new();
    let mut used_ids: HashSet<String> = HashSet::default();
    let mut events: Vec<Event<'_>> = Vec::new();
    // Events of the heading being read, which gets its id when it ends.
    let mut heading: Option<OpenHeading<'_>> = None;
    let mut sanitised = Vec::new();
    let mut raw_html = false;
    let mut aligned_table = false;
    let mut run = RawRun::default();

    // HTML comments are notes for authors and translators (`<!-- review: ... -->`):
    // they are dropped, not published.
    let mut in_comment = false;
    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        if let Event::Html(html) | Event::InlineHtml(html) = &event {
            let text = html.trim();
            if in_comment {
                in_comment = !text.contains("-->");
                continue;
            }
            if text.starts_with("<!--") {
                in_comment = !text.contains("-->");
                if text.ends_with("-->") || in_comment {
                    continue;
                }
            }
            raw_html = true;
            if raw == RawHtml::Sanitise {
                run.push(html, range.start);
            }
        } else if !run.text.is_empty() {
            run.flush(&mut sanitised);
        }
        if let Event::Start(Tag::Table(alignments)) = &event {
            aligned_table |= alignments
                .iter()
                .any(|a| *a != pulldown_cmark::Alignment::None);
        }
        match &event {
            // One warning per block: a new block may have its own.
            Event::End(tag) if is_block(tag) => run.warned = false,
            Event::Start(tag) if is_block(&tag.to_end()) => run.warned = false,
            _ => {}
        }
        let event = match event {
            Event::Html(html) | Event::InlineHtml(html) if raw == RawHtml::Escape => {
                Event::Text(html)
            }
            other => other,
        };
        // Links and images alike: noted with their place, and their destination rewritten.
        let mut note = |dest_url: CowStr<'a>| -> CowStr<'a> {
            links.push(MdLink {
                dest: dest_url.to_string(),
                start: range.start,
                end: range.end,
            });
            rewrite(&dest_url).map_or(dest_url, CowStr::from)
        };
        let event = match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Link {
                link_type,
                dest_url: note(dest_url),
                title,
                id,
            }),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Image {
                link_type,
                dest_url: note(dest_url),
                title,
                id,
            }),
            other => other,
        };
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                heading = Some(OpenHeading {
                    level,
                    id,
                    classes,
                    attrs,
                    inner: Vec::new(),
                    text: String::new(),
                });
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(OpenHeading {
                    level,
                    id,
                    classes,
                    attrs,
                    inner,
                    text,
                }) = heading.take()
                {
                    let base = match id {
                        Some(id) => id.to_string(),
                        None => slugify(&text),
                    };
                    let base = if base.is_empty() {
                        "section".to_string()
                    } else {
                        base
                    };
                    let mut unique = base.clone();
                    let mut n = 1;
                    while used_ids.contains(&unique) {
                        unique = format!("{base}-{n}");
                        n += 1;
                    }
                    used_ids.insert(unique.clone());
                    headings.push(Heading {
                        level: level as u8,
                        id: unique.clone(),
                        title: text.trim().to_string(),
                    });
                    events.push(Event::Start(Tag::Heading {
                        level,
                        id: Some(CowStr::from(unique)),
                        classes,
                        attrs,
                    }));
                    events.extend(inner);
                    events.push(Event::End(TagEnd::Heading(level)));
                }
            }
            other => match &mut heading {
                Some(OpenHeading { inner, text, .. }) => {
                    if let Event::Text(t) | Event::Code(t) = &other {
                        text.push_str(t);
                    }
                    inner.push(other);
                }
                None => events.push(other),
            },
        }
    }
    if !run.text.is_empty() {
        run.flush(&mut sanitised);
    }
    Prepared {
        events,
        headings,
        links,
        sanitised,
        raw_html,
        aligned_table,
    }
}

/// Renders short Markdown (a task description) with no link rewriting.
pub(crate) fn render_plain(markdown: &str, raw: RawHtml) -> String {
    render(markdown, &|_| None, raw).html
}

/// The anchor id of a heading: lower-case, words joined by `-`, punctuation dropped,
/// letters of every script kept as they are.
pub(crate) fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.trim().chars() {
        // ASCII answered by byte tests; other characters are kept unless they are
        // spaces or punctuation (the Unicode tables asked only for those).
        let keep = if c.is_ascii() {
            c.is_ascii_alphanumeric() || c == '_'
        } else {
            !c.is_whitespace() && (!is_punctuation(c) || c.is_alphanumeric())
        };
        if keep {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else {
                out.extend(c.to_lowercase());
            }
        } else if c.is_whitespace() || c == '-' {
            dash = true;
        }
    }
    out
}

fn is_punctuation(c: char) -> bool {
    matches!(
        c,
        '\u{2000}'..='\u{206F}' | '\u{3000}'..='\u{303F}' | '\u{00A0}'..='\u{00BF}' | '\u{00D7}' | '\u{00F7}' | '\u{FF01}'..='\u{FF0F}' | '\u{0964}' | '\u{0965}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_get_unique_ids() {
        let r = render(
            "# Set up\n## Set up\n## Custom {#mine}\n## Why?\n",
            &|_| None,
            RawHtml::Sanitise,
        );
        let ids: Vec<&str> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["set-up", "set-up-1", "mine", "why"]);
        assert!(r.html.contains("<h2 id=\"mine\">Custom</h2>"), "{}", r.html);
    }

    #[test]
    fn slugs_keep_other_scripts() {
        assert_eq!(slugify("खाता सेटअप"), "खाता-सेटअप");
        assert_eq!(slugify("ການຕັ້ງຄ່າ"), "ການຕັ້ງຄ່າ");
        assert_eq!(slugify("Қазақ тілі!"), "қазақ-тілі");
        assert_eq!(slugify("API keys & tokens"), "api-keys-tokens");
        assert_eq!(
            slugify("Ünïcode ½ µs — “quoted” ¿sí?"),
            "ünïcode-½-µs-quoted-sí"
        );
    }

    #[test]
    fn links_are_reported_and_rewritten() {
        let md = "See [perms](permissions.md#roles) and ![x](a.png).";
        let r = render(
            md,
            &|d| {
                d.strip_suffix(".md#roles")
                    .map(|s| format!("../{s}/#roles"))
            },
            RawHtml::Sanitise,
        );
        assert_eq!(r.links.len(), 2);
        assert_eq!(r.links[0].dest, "permissions.md#roles");
        assert_eq!(
            &md[r.links[0].start..r.links[0].end],
            "[perms](permissions.md#roles)"
        );
        assert!(
            r.html.contains("href=\"../permissions/#roles\""),
            "{}",
            r.html
        );
    }

    #[test]
    fn comments_for_translators_are_not_published() {
        let r = render(
            "Text <!-- review: term? --> here.\n\n<!--\nreview: long\nnote\n-->\n\nAfter\n",
            &|_| None,
            RawHtml::Sanitise,
        );
        assert!(!r.html.contains("review"), "{}", r.html);
        assert!(r.html.contains("Text"));
        assert!(r.html.contains("After"));
    }

    #[test]
    fn extensions_are_on() {
        let r = render(
            "| a |\n|---|\n| b |\n\n- [x] done\n\n~~no~~ x[^1]\n\n[^1]: note\n",
            &|_| None,
            RawHtml::Sanitise,
        );
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("type=\"checkbox\""));
        assert!(r.html.contains("<del>no</del>"));
        assert!(r.html.contains("footnote"));
    }
}

#[cfg(test)]
mod outline_tests {
    use super::*;
    use crate::locale::{strip_html, word_count};

    /// The words of the outline are the words of the rendered page.
    fn same_words(markdown: &str) {
        let rendered = render(markdown, &|_| None, RawHtml::Sanitise);
        let outline = outline(markdown, RawHtml::Sanitise);
        assert_eq!(
            word_count(&outline.text),
            word_count(&strip_html(&rendered.html)),
            "{markdown:?}\noutline: {:?}\nstripped: {:?}",
            outline.text,
            strip_html(&rendered.html)
        );
        assert_eq!(outline.headings, rendered.headings);
        assert_eq!(outline.links, rendered.links);
    }

    #[test]
    fn outline_counts_the_words_a_rendered_page_shows() {
        for md in [
            "# Title\nSome *emph*asis and **strong**text, `code`here.\n\n## Next\nA [link](x.md)word and ![alt text](i.png)after.",
            "- one\n- two\n  - three\n\n1. a\n2. b\n\n> quoted\n> text\n\n---\n\nafter rule",
            "| a | b |\n|---|---|\n| c | d |\n| e f | g |\n",
            "```rust\nfn main() {}\nlet x = 1;\n```\n\n    indented code\n",
            "Text with a note[^n] and another[^m].\n\n[^n]: The note.\n[^m]: Other.\n",
            "- [x] done task\n- [ ] open task\n",
            "<div>\nraw <b>html</b> block\n</div>\n\nInline <span>html</span>here.\n\n<!-- a comment\nover lines -->\nvisible",
            "<script>\nvar x = 1;\nvar y = 2;\n</script>\n\nafter script",
            "line one  \nline two\\\nline three ~~struck~~out",
            "ພາສາລາວບໍ່ມີຍະຫວ່າງລະຫວ່າງຄໍາ. **ຕົວໜາ**ແລະ`ລະຫັດ`",
            "नेपाली पाठ **बोल्ड**शब्द र १२३ अंक",
            "&amp; &lt;tag&gt; &nbsp; &#8212; entities",
        ] {
            same_words(md);
        }
    }
}
