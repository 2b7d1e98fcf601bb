//! Markdown to HTML: CommonMark with tables, task lists, footnotes, strikethrough and
//! heading anchors; relative links resolved against the source file.
//!
//! Pure: it reports the links it saw (with byte ranges) and the headings it gave ids
//! to, and leaves deciding whether a link is broken to the caller, who knows the site.
//!
//! Every link and image it writes passes [`crate::url`]'s scheme allow-list, whoever
//! wrote the Markdown and whatever was substituted into it: a refused one is written
//! as its text alone (an image as its alt text), and reported in [`Dropped`] for the
//! caller to warn about. Heading ids and classes (`{#id .class}`) are kept only when
//! made of letters, digits, `-`, `_`, `.` and `:`; other heading attributes are dropped.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};
use rustc_hash::FxHashSet as HashSet;

use crate::diagnostic::{Code, Diagnostic, Label};
use crate::raw_html::{self, RawHtml};

/// A heading of an article, for the table of contents and anchor checks.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub(crate) struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// A link or image written in Markdown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct MdLink {
    /// The destination as written.
    pub dest: String,
    /// Byte range of the link in the Markdown text.
    pub start: usize,
    pub end: usize,
}

/// Something written in Markdown that the HTML leaves out, with its byte range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Dropped {
    pub what: DroppedKind,
    pub start: usize,
    pub end: usize,
}

/// What [`Dropped`] left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum DroppedKind {
    /// A link or image destination the scheme allow-list refused; its text stays.
    Url { dest: String, scheme: String },
    /// A heading id, class or attribute outside the safe set.
    HeadingAttribute(String),
}

impl Dropped {
    /// The warning for this, at `label` (the caller knows the file).
    pub(crate) fn diagnostic(&self, label: Label) -> Diagnostic {
        match &self.what {
            DroppedKind::Url { dest, scheme } => Diagnostic::warning(
                Code::UnsafeUrl,
                crate::url::Refused {
                    scheme: scheme.clone(),
                }
                .message(dest),
            )
            .at(label)
            .help(format!(
                "the link is published as its text alone; use {}",
                crate::url::ALLOWED_TEXT
            )),
            DroppedKind::HeadingAttribute(attr) => Diagnostic::warning(
                Code::UnsafeHeadingAttribute,
                format!("the heading attribute `{attr}` is not published"),
            )
            .at(label)
            .help(
                "headings keep `{#id}` and `{.class}` made of letters, digits, `-`, `_`, `.` and `:`; \
                 other attributes are dropped",
            ),
        }
    }
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
    /// Links, images and heading attributes left out of `html`.
    pub dropped: Vec<Dropped>,
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
    let Prepared {
        events,
        headings,
        links,
        dropped,
        sanitised,
        raw_html,
    } = prepared_events(markdown, rewrite, raw);
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    // Only a page that holds raw HTML pays for cleaning; it is cleaned as a whole,
    // since an element opened in one piece of raw HTML may close in another.
    if raw_html && raw == RawHtml::Sanitise {
        out = raw_html::sanitise(&out);
    }
    Rendered {
        html: out,
        headings,
        links,
        dropped,
        sanitised,
    }
}

/// Table cells' alignment as classes (`align-left`, `align-center`, `align-right`)
/// instead of the `style` attributes the HTML writer would give them, which the
/// pages' Content-Security-Policy does not allow. The writer is handed tables
/// without alignment, and the aligned cells are written here, as the events pass
/// (rewriting the finished HTML cost a copy of every page with a table).
#[derive(Default)]
struct TableAlignment {
    /// The open table's column alignments.
    columns: Vec<pulldown_cmark::Alignment>,
    head: bool,
    cell: usize,
}

impl TableAlignment {
    fn map<'a>(&mut self, event: Event<'a>) -> Event<'a> {
        use pulldown_cmark::Alignment;
        match event {
            Event::Start(Tag::Table(columns)) => {
                let plain = vec![Alignment::None; columns.len()];
                self.columns = columns;
                Event::Start(Tag::Table(plain))
            }
            Event::Start(Tag::TableHead) => {
                self.head = true;
                self.cell = 0;
                event
            }
            Event::End(TagEnd::TableHead) => {
                self.head = false;
                event
            }
            Event::Start(Tag::TableRow) => {
                self.cell = 0;
                event
            }
            Event::Start(Tag::TableCell) => {
                let class = match self.columns.get(self.cell) {
                    Some(Alignment::Left) => "align-left",
                    Some(Alignment::Center) => "align-center",
                    Some(Alignment::Right) => "align-right",
                    _ => return event,
                };
                let cell = if self.head { "th" } else { "td" };
                Event::Html(format!("<{cell} class=\"{class}\">").into())
            }
            Event::End(TagEnd::TableCell) => {
                let aligned = self
                    .columns
                    .get(self.cell)
                    .is_some_and(|a| *a != Alignment::None);
                self.cell += 1;
                match (aligned, self.head) {
                    (true, true) => Event::Html("</th>".into()),
                    (true, false) => Event::Html("</td>".into()),
                    (false, _) => event,
                }
            }
            other => other,
        }
    }
}

/// `{`, written as an escape so that brace-counting tools (our line-length
/// script) see balanced braces in the functions that look for it.
pub(crate) const OPEN_BRACE: char = '\u{7b}';

/// Warns about what the HTML of author text (a description or summary written at
/// `origin` in a YAML file) will leave out. Text that cannot hold a link destination
/// with a scheme (no `:`, nor `&` or `\\` that could spell one) or heading
/// attributes (no `{`) is not parsed.
pub(crate) fn check_text(
    source: &str,
    origin: &crate::diagnostic::Origin,
    diagnostics: &mut crate::diagnostic::Diagnostics,
) {
    if !source.contains([':', '&', '\\', OPEN_BRACE]) {
        return;
    }
    for d in dropped(source) {
        let line = source[..d.start].matches('\n').count() + 1;
        diagnostics.push(d.diagnostic(origin.line_label(Some(line))));
    }
}

/// What the HTML of `markdown` would leave out ([`Rendered::dropped`]), without
/// writing it: for checking author text that is rendered later.
pub(crate) fn dropped(markdown: &str) -> Vec<Dropped> {
    prepared_events(markdown, &|_| None, RawHtml::Trusted).dropped
}

/// What a page's Markdown holds, without its HTML: the headings and links
/// [`render`] would report, and the text a reader sees (for counting words).
#[derive(Clone, Debug, Default)]
pub(crate) struct Outline {
    pub headings: Vec<Heading>,
    pub links: Vec<MdLink>,
    pub dropped: Vec<Dropped>,
    /// Raw HTML the sanitiser changes, as [`Rendered::sanitised`].
    pub sanitised: Vec<Sanitised>,
    /// The visible text: what [`crate::locale::strip_html`] leaves of the
    /// rendered HTML, with the same spaces between blocks.
    pub text: String,
    /// Where each heading's own words are in `text` (byte ranges, in the order of
    /// the headings in the document): what lies between two of them is a section.
    pub heading_spans: Vec<(usize, usize)>,
}

/// The [`Outline`] of `markdown`: one parse, no HTML written.
pub(crate) fn outline(markdown: &str, raw: RawHtml) -> Outline {
    let Prepared {
        events,
        headings,
        links,
        dropped,
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
    let mut heading_spans = Vec::new();
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
            Event::Start(Tag::Heading { .. }) => {
                separate(&mut text);
                heading_spans.push((text.len(), text.len()));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(span) = heading_spans.last_mut() {
                    span.1 = text.len();
                }
                separate(&mut text);
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
        dropped,
        sanitised,
        text,
        heading_spans,
    }
}

/// Tags rendered as elements that keep words apart (see `locale::text::BLOCK_TAGS`),
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

/// The events [`render`] writes, with what was seen on the way.
struct Prepared<'a> {
    events: Vec<Event<'a>>,
    headings: Vec<Heading>,
    links: Vec<MdLink>,
    dropped: Vec<Dropped>,
    /// Raw HTML that the sanitiser will change.
    sanitised: Vec<Sanitised>,
    /// Whether any raw HTML (other than comments) is left among the events.
    raw_html: bool,
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

/// The events [`render`] writes: comments dropped, links rewritten or (when the
/// allow-list refuses them) reduced to their text, headings given their ids, raw
/// HTML escaped under [`RawHtml::Escape`]; with the headings, links and raw HTML
/// seen and what was left out.
fn prepared_events<'a>(
    markdown: &'a str,
    rewrite: &dyn Fn(&str) -> Option<String>,
    raw: RawHtml,
) -> Prepared<'a> {
    let mut p = Preparer::new(rewrite, raw);
    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        if !p.note_raw_html(&event, range.start) {
            continue;
        }
        let event = p.escape_and_align(event);
        let Some(event) = p.check_link(event, &range) else {
            continue;
        };
        p.place(event, &range);
    }
    p.finish()
}

/// The state of [`prepared_events`] while it reads one document's events.
struct Preparer<'a, 'r> {
    rewrite: &'r dyn Fn(&str) -> Option<String>,
    raw: RawHtml,
    out: Prepared<'a>,
    used_ids: HashSet<String>,
    /// Events of the heading being read, which gets its id when it ends.
    heading: Option<OpenHeading<'a>>,
    /// For each link or image open: whether its start was left out (so is its end).
    open_links: Vec<bool>,
    tables: TableAlignment,
    run: RawRun,
    /// Inside an HTML comment spread over several events.
    in_comment: bool,
}

impl<'a, 'r> Preparer<'a, 'r> {
    fn new(rewrite: &'r dyn Fn(&str) -> Option<String>, raw: RawHtml) -> Self {
        Preparer {
            rewrite,
            raw,
            out: Prepared {
                events: Vec::new(),
                headings: Vec::new(),
                links: Vec::new(),
                dropped: Vec::new(),
                sanitised: Vec::new(),
                raw_html: false,
            },
            used_ids: HashSet::default(),
            heading: None,
            open_links: Vec::new(),
            tables: TableAlignment::default(),
            run: RawRun::default(),
            in_comment: false,
        }
    }

    /// Notes raw HTML for the sanitiser's warning; `false` for a comment, which is
    /// left out. HTML comments are notes for authors and translators
    /// (`<!-- review: ... -->`): they are dropped, not published.
    fn note_raw_html(&mut self, event: &Event<'a>, at: usize) -> bool {
        if let Event::Html(html) | Event::InlineHtml(html) = event {
            let text = html.trim();
            if self.in_comment {
                self.in_comment = !text.contains("-->");
                return false;
            }
            if text.starts_with("<!--") {
                self.in_comment = !text.contains("-->");
                if text.ends_with("-->") || self.in_comment {
                    return false;
                }
            }
            self.out.raw_html = true;
            if self.raw == RawHtml::Sanitise {
                self.run.push(html, at);
            }
        } else if !self.run.text.is_empty() {
            self.run.flush(&mut self.out.sanitised);
        }
        match event {
            // One warning per block: a new block may have its own.
            Event::End(tag) if is_block(tag) => self.run.warned = false,
            Event::Start(tag) if is_block(&tag.to_end()) => self.run.warned = false,
            _ => {}
        }
        true
    }

    /// Raw HTML as text under [`RawHtml::Escape`]; then table cells with their
    /// alignment (after escaping: the cells it writes are the page's own markup).
    fn escape_and_align(&mut self, event: Event<'a>) -> Event<'a> {
        let event = match event {
            Event::Html(html) | Event::InlineHtml(html) if self.raw == RawHtml::Escape => {
                Event::Text(html)
            }
            other => other,
        };
        self.tables.map(event)
    }

    /// Links and images alike: checked against the allow-list, noted with their
    /// place, and their destination rewritten; `None` leaves the event out (a
    /// refused link is published as its text).
    fn check_link(&mut self, event: Event<'a>, range: &Range<usize>) -> Option<Event<'a>> {
        Some(match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Link {
                link_type,
                dest_url: self.note_link(dest_url, range)?,
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
                dest_url: self.note_link(dest_url, range)?,
                title,
                id,
            }),
            Event::End(TagEnd::Link | TagEnd::Image) if self.open_links.pop().unwrap_or(false) => {
                return None;
            }
            other => other,
        })
    }

    /// One link or image destination: refused (`None`), or noted and rewritten.
    fn note_link(&mut self, dest_url: CowStr<'a>, range: &Range<usize>) -> Option<CowStr<'a>> {
        if let Err(refused) = crate::url::check(&dest_url) {
            self.out.dropped.push(Dropped {
                what: DroppedKind::Url {
                    dest: dest_url.to_string(),
                    scheme: refused.scheme,
                },
                start: range.start,
                end: range.end,
            });
            self.open_links.push(true);
            return None;
        }
        self.open_links.push(false);
        self.out.links.push(MdLink {
            dest: dest_url.to_string(),
            start: range.start,
            end: range.end,
        });
        Some((self.rewrite)(&dest_url).map_or(dest_url, CowStr::from))
    }

    /// Adds an event: headings are gathered until they end, to get their id.
    fn place(&mut self, event: Event<'a>, range: &Range<usize>) {
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => self.open_heading(level, id, classes, attrs, range),
            Event::End(TagEnd::Heading(_)) => self.close_heading(),
            other => match &mut self.heading {
                Some(OpenHeading { inner, text, .. }) => {
                    if let Event::Text(t) | Event::Code(t) = &other {
                        text.push_str(t);
                    }
                    inner.push(other);
                }
                None => self.out.events.push(other),
            },
        }
    }

    /// Starts gathering a heading, keeping only the id and classes in the safe set.
    fn open_heading(
        &mut self,
        level: HeadingLevel,
        id: Option<CowStr<'a>>,
        classes: Vec<CowStr<'a>>,
        attrs: Vec<(CowStr<'a>, Option<CowStr<'a>>)>,
        range: &Range<usize>,
    ) {
        let dropped = &mut self.out.dropped;
        let mut drop = |attr: String| {
            dropped.push(Dropped {
                what: DroppedKind::HeadingAttribute(attr),
                start: range.start,
                end: range.end,
            });
        };
        let id = id.filter(|id| {
            let safe = is_safe_name(id);
            if !safe {
                drop(format!("#{id}"));
            }
            safe
        });
        let classes = classes
            .into_iter()
            .filter(|c| {
                let safe = is_safe_name(c);
                if !safe {
                    drop(format!(".{c}"));
                }
                safe
            })
            .collect();
        for (key, value) in attrs {
            drop(match value {
                Some(value) => format!("{key}={value}"),
                None => key.to_string(),
            });
        }
        self.heading = Some(OpenHeading {
            level,
            id,
            classes,
            inner: Vec::new(),
            text: String::new(),
        });
    }

    /// Ends a heading: gives it a unique id (its own, or a slug of its text) and
    /// adds its events.
    fn close_heading(&mut self) {
        let Some(OpenHeading {
            level,
            id,
            classes,
            inner,
            text,
        }) = self.heading.take()
        else {
            return;
        };
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
        while self.used_ids.contains(&unique) {
            unique = format!("{base}-{n}");
            n += 1;
        }
        self.used_ids.insert(unique.clone());
        self.out.headings.push(Heading {
            level: level as u8,
            id: unique.clone(),
            title: text.trim().to_string(),
        });
        let events = &mut self.out.events;
        events.push(Event::Start(Tag::Heading {
            level,
            id: Some(CowStr::from(unique)),
            classes,
            attrs: Vec::new(),
        }));
        events.extend(inner);
        events.push(Event::End(TagEnd::Heading(level)));
    }

    fn finish(mut self) -> Prepared<'a> {
        if !self.run.text.is_empty() {
            self.run.flush(&mut self.out.sanitised);
        }
        self.out
    }
}

/// Whether a heading id or class written by an author may be published as it is:
/// letters and digits of any script, `-`, `_`, `.` and `:`.
fn is_safe_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
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

    /// Aligned columns get classes, unaligned ones plain cells, in the head and the
    /// body, whatever the raw HTML setting (the cells are the page's own markup).
    #[test]
    fn table_alignment_is_written_as_classes() {
        let table = "| a | b | c |\n|---|--:|:-:|\n| 1 | 2 | 3 |\n";
        for raw in [RawHtml::Sanitise, RawHtml::Trusted, RawHtml::Escape] {
            let html = render_plain(table, raw);
            assert_eq!(
                html,
                "<table><thead><tr><th>a</th><th class=\"align-right\">b</th>\
                 <th class=\"align-center\">c</th></tr></thead><tbody>\n\
                 <tr><td>1</td><td class=\"align-right\">2</td><td class=\"align-center\">3</td></tr>\n\
                 </tbody></table>\n"
            );
        }
    }

    #[test]
    fn refused_links_and_images_are_written_as_their_text() {
        let md = "[a](javascript:alert(1)) [b](JaVaScRiPt:x) [c](java%09script:x) \
                  ![d](data:text/html,x) <vbscript:x> [e][r] [ok](https://x.example/)\n\n\
                  [r]: file:///etc/passwd\n";
        let r = render(md, &|_| None, RawHtml::Sanitise);
        let lower = r.html.to_ascii_lowercase();
        for bad in [
            "href=\"javascript",
            "href=\"java",
            "src=",
            "href=\"vbscript",
            "file:",
            "<img",
        ] {
            assert!(!lower.contains(bad), "{bad} in {}", r.html);
        }
        for text in [">a<", " b ", " c ", "d", "e", "ok"] {
            assert!(
                r.html.contains(text.trim_matches(['>', '<']).trim()),
                "{text}"
            );
        }
        assert!(r.html.contains("href=\"https://x.example/\""), "{}", r.html);
        let schemes: Vec<String> = r
            .dropped
            .iter()
            .map(|d| match &d.what {
                DroppedKind::Url { scheme, .. } => scheme.clone(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            schemes,
            [
                "javascript",
                "javascript",
                "javascript",
                "data",
                "vbscript",
                "file"
            ]
        );
        assert_eq!(
            &md[r.dropped[0].start..r.dropped[0].end],
            "[a](javascript:alert(1))"
        );
        assert_eq!(r.links.len(), 1, "refused links are not checked as links");
        assert_eq!(outline(md, RawHtml::Sanitise).dropped, r.dropped);
    }

    #[test]
    fn heading_attributes_outside_the_safe_set_are_dropped() {
        let r = render(
            "# One {#x\" onmouseover=alert(1)}\n# Two {.a .b\"c data-x=1}\n# Three {#ok-1.x:y .fine}\n# ສາມ {#ລາວ}\n",
            &|_| None,
            RawHtml::Sanitise,
        );
        assert!(!r.html.contains("onmouseover"), "{}", r.html);
        assert!(!r.html.contains("data-x"), "{}", r.html);
        assert!(
            !r.html.contains("b\"c") && !r.html.contains("b&quot;c"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("<h1 id=\"ok-1.x:y\" class=\"fine\">"),
            "{}",
            r.html
        );
        assert!(r.html.contains("id=\"ລາວ\""), "{}", r.html);
        assert!(
            r.dropped
                .iter()
                .all(|d| matches!(d.what, DroppedKind::HeadingAttribute(_))),
            "{:?}",
            r.dropped
        );
        assert!(r.dropped.len() >= 3, "{:?}", r.dropped);
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
