//! Every problem of a YAML file in one run.
//!
//! serde stops at the first problem of a file. To find the next one, the file is
//! mended where the last problem was (an unknown key or a repeated key is blanked
//! out, a value of the wrong kind replaced by one of the right kind, a key a
//! mapping misses written into it with a stand-in value) and read again, until it
//! reads or a problem cannot be mended. Every problem is reported at its place in
//! the text as written. Only the problems are kept: a file with any is not used.

use serde::de::DeserializeOwned;

/// A problem found in the text: the parser's error and the byte offset, in the
/// text as written, that it points at.
pub(super) struct Found {
    pub(super) error: serde_saphyr::Error,
    pub(super) offset: Option<usize>,
}

/// At most this many problems are reported per file.
const MAX_PROBLEMS: usize = 50;

/// One mend: bytes `start..end` of the mended text were written over, `added`
/// bytes longer than what they replaced.
struct Edit {
    start: usize,
    end: usize,
    added: usize,
    /// For a key written in for one a mapping missed: where that mapping's
    /// missing keys are reported (the text as written).
    missing_at: Option<usize>,
}

/// The text being mended and what was done to it.
struct Mended {
    text: String,
    edits: Vec<Edit>,
}

impl Mended {
    /// The offset in the text as written of `offset` in the mended text.
    fn original(&self, offset: usize) -> usize {
        let shift: usize = self
            .edits
            .iter()
            .filter(|e| e.start < offset)
            .map(|e| e.added)
            .sum();
        offset.saturating_sub(shift)
    }

    /// The edit `offset` (mended text) is inside, if any: a problem there comes
    /// from the mending, not from the author.
    fn edit_at(&self, offset: usize) -> Option<&Edit> {
        self.edits
            .iter()
            .find(|e| (e.start..e.end.max(e.start + 1)).contains(&offset))
    }

    /// Whether a problem of `kind` at `offset` (mended text) comes from the
    /// mending. A mapping missing keys is reported at its last key, which may be a
    /// key written in for an earlier missing key: still the author's mapping.
    fn in_mended(&self, offset: usize, kind: &Kind) -> bool {
        self.edit_at(offset)
            .is_some_and(|e| !(matches!(kind, Kind::MissingKey(_)) && e.missing_at.is_some()))
    }

    /// Writes `with` at `start` and blanks the rest of `start..end`, keeping
    /// its line breaks (so every line stays where it was).
    fn replace(&mut self, start: usize, end: usize, with: &str) {
        let blanked: String = self.text[start..end]
            .bytes()
            .map(|b| if b == b'\n' { '\n' } else { ' ' })
            .collect();
        let new = format!("{with}{blanked}");
        let len = new.len();
        self.text.replace_range(start..end, &new);
        for edit in &mut self.edits {
            if edit.start >= start {
                edit.start += with.len();
                edit.end += with.len();
            } else if edit.end > start {
                // Written inside an earlier edit: that edit grows with it.
                edit.end += with.len();
            }
        }
        self.edits.push(Edit {
            start,
            end: start + len,
            added: with.len(),
            missing_at: None,
        });
    }
}

/// Every problem `T` finds in `text`, in the order of the text, the first one
/// always first. Empty when the text reads.
pub(super) fn problems<T: DeserializeOwned>(text: &str) -> Vec<Found> {
    let mut mended = Mended {
        text: text.to_string(),
        edits: Vec::new(),
    };
    let mut found: Vec<Found> = Vec::new();
    // Each round mends one problem (a key written in for a missing one may take
    // two more, to find a value of its kind); mending that makes no progress ends it.
    for _ in 0..4 * MAX_PROBLEMS {
        if found.len() >= MAX_PROBLEMS {
            break;
        }
        let Err(error) = serde_saphyr::from_str::<T>(&mended.text) else {
            break;
        };
        let at = error
            .location()
            .and_then(|l| l.span().byte_offset())
            .map(|o| o as usize);
        let message = super::strip_location_suffix(&error.without_snippet().to_string());
        let kind = Kind::of(&message);
        let from_mending = at.is_some_and(|at| mended.in_mended(at, &kind));
        if matches!(kind, Kind::Syntax) {
            // A syntax error in the text as written is reported alone; one the
            // mending made ends the search.
            if found.is_empty() {
                found.push(Found { error, offset: at });
            }
            break;
        }
        let Some(at) = at else {
            if found.is_empty() {
                found.push(Found {
                    error,
                    offset: None,
                });
            }
            break;
        };
        if !from_mending {
            let offset = Some(reported_at(text, &mended, at, &kind));
            if found
                .iter()
                .any(|f| f.offset == offset && f.error.to_string() == error.to_string())
            {
                break;
            }
            found.push(Found { error, offset });
        }
        let previous = mended.text.clone();
        let reported = reported_at(text, &mended, at, &kind);
        if !mend(&mut mended, at, &kind, reported) || mended.text == previous {
            break;
        }
    }
    found
}

/// What kind of problem a parser message names, and what mends it.
enum Kind {
    UnknownKey,
    DuplicateKey,
    /// The key a mapping misses.
    MissingKey(String),
    /// A value of the wrong kind, and a value of the right kind to put instead.
    WrongValue(Option<String>),
    /// A key without a value where text was expected.
    Null,
    Syntax,
}

impl Kind {
    fn of(message: &str) -> Kind {
        if message.starts_with("unknown field") {
            Kind::UnknownKey
        } else if message.starts_with("duplicate mapping key")
            || message.starts_with("duplicate field")
        {
            Kind::DuplicateKey
        } else if let Some(rest) = message.strip_prefix("missing field `") {
            Kind::MissingKey(rest.split('`').next().unwrap_or("").to_string())
        } else if message.starts_with("cannot deserialize null") {
            Kind::Null
        } else if message.starts_with("unknown variant") {
            let first = message.split_once("expected ").and_then(|(_, rest)| {
                let rest = rest.trim_start_matches("one of ");
                let first = rest.split(", ").next()?.trim_matches('`');
                (!first.is_empty()).then(|| first.to_string())
            });
            Kind::WrongValue(first)
        } else if let Some(rest) = message
            .strip_prefix("invalid ")
            .or_else(|| message.strip_prefix("expected "))
        {
            let expected = rest.split_once("expected ").map_or(rest, |(_, e)| e);
            Kind::WrongValue(placeholder(expected).map(str::to_string))
        } else {
            Kind::Syntax
        }
    }
}

/// How serde names the kinds of numbers.
const NUMBERS: [&str; 13] = [
    "u8", "u16", "u32", "u64", "usize", "i8", "i16", "i32", "i64", "integer", "f32", "f64",
    "number",
];

/// A value of the kind serde's `expected` names, when it is one of the plain kinds.
fn placeholder(expected: &str) -> Option<&'static str> {
    let e = expected.trim_start_matches("a ").trim_start_matches("an ");
    if e.contains("string") || e.starts_with("char") {
        Some("x")
    } else if e.contains("bool") {
        Some("false")
    } else if NUMBERS.iter().any(|n| e.starts_with(n)) {
        Some("0")
    } else if e.starts_with("sequence") || e.starts_with("seq") || e.starts_with("list") {
        Some("[]")
    } else if e.starts_with("map") || e.starts_with("struct") {
        Some("{}")
    } else {
        None
    }
}

/// Where the problem of `kind` at `at` (mended text) is reported, in the text as
/// written: a missing key at the first key of the mapping missing it.
fn reported_at(text: &str, mended: &Mended, at: usize, kind: &Kind) -> usize {
    match kind {
        Kind::MissingKey(_) => match mended.edit_at(at).and_then(|e| e.missing_at) {
            Some(reported) => reported,
            None => mapping_start(text, mended.original(at)),
        },
        _ => mended.original(at),
    }
}

/// Mends the problem of `kind` at `at`; false when it cannot be mended. A
/// missing key is reported at `reported` (the text as written).
fn mend(mended: &mut Mended, at: usize, kind: &Kind, reported: usize) -> bool {
    match kind {
        Kind::UnknownKey | Kind::DuplicateKey => {
            blank_entry(mended, at);
            // A key alone in its mapping leaves it empty: still the author's
            // mapping, whose missing keys are reported where the key was.
            if let Some(edit) = mended.edits.last_mut()
                && edit.added == 2
                && mended.text[edit.start..].starts_with("\x7b\x7d")
            {
                edit.missing_at = Some(reported);
            }
            true
        }
        Kind::MissingKey(key) => {
            add_key(mended, at, key, reported)
                || owner(&mended.text, at).is_some_and(|owner| blank_entry(mended, owner))
        }
        Kind::WrongValue(Some(value)) => {
            let end = value_end(&mended.text, at).min(mended.text.len());
            // A value tagged as text is replaced with its tag.
            let at = at
                - if mended.text[..at].ends_with("!!str ") {
                    6
                } else {
                    0
                };
            mended.replace(at, end, &quoted(value));
            true
        }
        Kind::WrongValue(None) => match key_of_value(&mended.text, at) {
            Some(key) => blank_entry(mended, key),
            None => false,
        },
        Kind::Null => match null_value_at(&mended.text, at) {
            Some(start) => {
                let end = line_end(&mended.text, start);
                mended.replace(start, end, " x");
                true
            }
            None => false,
        },
        Kind::Syntax => false,
    }
}

/// Writes `key` with a stand-in value into the mapping whose last key (or, when
/// it is an empty flow mapping, whose `{`) is at `at`: before that key, on a line
/// of its own at its column in a block mapping. The stand-in is of no particular
/// kind; a later round puts one of the right kind in its place. False when `at`
/// is neither.
fn add_key(mended: &mut Mended, at: usize, key: &str, reported: usize) -> bool {
    let text = &mended.text;
    if key.is_empty() || at > text.len() {
        return false;
    }
    let written = if key
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        key.to_string()
    } else {
        quoted(key)
    };
    let start = line_start(text, at);
    let before = &text[start..at];
    let (at, with) = if text[at..].starts_with('\x7b') {
        if !text[at + 1..].trim_start().starts_with('\x7d') {
            return false;
        }
        (at + 1, format!(" {written}: x "))
    } else if depth(before) > 0 || text[..at].trim_end().ends_with('\x7b') {
        (at, format!("{written}: x, "))
    } else if before.trim_start_matches([' ', '-']).is_empty() {
        (at, format!("{written}: x\n{}", " ".repeat(before.len())))
    } else {
        return false;
    };
    mended.replace(at, at, &with);
    if let Some(edit) = mended.edits.last_mut() {
        edit.missing_at = Some(reported);
    }
    true
}

fn quoted(value: &str) -> String {
    if matches!(value, "x" | "0" | "false" | "[]" | "{}") {
        value.to_string()
    } else {
        format!("'{}'", value.replace('\'', "''"))
    }
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

fn line_end(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |i| at + i)
}

/// The indentation of the line starting at `start`, or `None` for a blank or
/// comment-only line.
fn indent(text: &str, start: usize) -> Option<usize> {
    let line = &text[start..line_end(text, start)];
    let content = line.trim_start_matches(' ');
    let trimmed = content.trim();
    (!trimmed.is_empty() && !trimmed.starts_with('#')).then(|| line.len() - content.len())
}

/// Where the node written at `at` ends: the start of the next line indented no
/// deeper than `column`, or the end of the text.
fn end_of_node(text: &str, at: usize, column: usize) -> usize {
    let mut start = line_end(text, at);
    while start < text.len() {
        start += 1;
        if indent(text, start).is_some_and(|i| i <= column) {
            return start;
        }
        start = line_end(text, start);
    }
    text.len()
}

/// The offset of the `- ` item marker right before `at` on its line, if any.
fn item_marker(text: &str, at: usize) -> Option<usize> {
    let before = &text[line_start(text, at)..at];
    let trimmed = before.trim_end_matches(' ');
    (trimmed.ends_with('-')
        && trimmed[..trimmed.len() - 1]
            .trim_matches([' ', '-'])
            .is_empty())
    .then(|| line_start(text, at) + trimmed.len() - 1)
}

/// Blanks the key written at `at` with its value. A key alone in its mapping
/// leaves an empty mapping (`{}`), not nothing.
fn blank_entry(mended: &mut Mended, at: usize) -> bool {
    let text = &mended.text;
    if let Some(end) = flow_entry_end(text, at) {
        mended.replace(at, end, "");
        return true;
    }
    let column = at - line_start(text, at);
    let end = end_of_node(text, at, column);
    let next_is_sibling = end < text.len() && indent(text, end) == Some(column);
    let previous_is_sibling = item_marker(text, at).is_none() && {
        let mut start = line_start(text, at);
        let mut sibling = false;
        while start > 0 {
            start = line_start(text, start - 1);
            if indent(text, start).is_some() {
                let line = &text[start..line_end(text, start)];
                let key_column = line.len() - line.trim_start_matches([' ', '-']).len();
                sibling = key_column == column;
                break;
            }
        }
        sibling
    };
    if next_is_sibling || previous_is_sibling {
        mended.replace(at, end, "");
    } else {
        mended.replace(at, end, "{}");
    }
    true
}

/// Where the mapping holding the key at `at` starts: its first key.
fn mapping_start(text: &str, at: usize) -> usize {
    // In a flow mapping, its first key (an empty one is shown by its opening brace).
    let open = if text[at..].starts_with('\x7b') {
        Some(at)
    } else {
        flow_mapping_open(text, at)
    };
    if let Some(open) = open {
        let after = &text[open + 1..];
        let first = open + 1 + (after.len() - after.trim_start().len());
        return if text[first..].starts_with('\x7d') {
            open
        } else {
            first
        };
    }
    if item_marker(text, at).is_some() {
        return at;
    }
    let column = at - line_start(text, at);
    let mut first = at;
    let mut start = line_start(text, at);
    while start > 0 {
        start = line_start(text, start - 1);
        let Some(i) = indent(text, start) else {
            continue;
        };
        let line = &text[start..line_end(text, start)];
        let key_column = line.len() - line.trim_start_matches([' ', '-']).len();
        if i > column {
            continue;
        }
        if i == column {
            first = start + i;
            continue;
        }
        if key_column == column && line[i..].starts_with('-') {
            first = start + key_column;
        }
        break;
    }
    first
}

/// The `{` on `at`'s line that opens the flow mapping holding `at`, if any.
fn flow_mapping_open(text: &str, at: usize) -> Option<usize> {
    let start = line_start(text, at);
    let before = &text[start..at];
    let mut open: Vec<usize> = Vec::new();
    let mut quote: Option<char> = None;
    for (i, c) in before.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '\x7b' | '[') => open.push(i),
            (None, '\x7d' | ']') => {
                open.pop();
            }
            _ => {}
        }
    }
    let last = *open.last()?;
    before[last..].starts_with('\x7b').then_some(start + last)
}

/// The key or item that holds the mapping of the key at `at`: the `- ` before
/// its first key, or the key of the nearest line above indented less. `None` at
/// the top of the file.
fn owner(text: &str, at: usize) -> Option<usize> {
    if text[at..].starts_with(['\x7b', '[']) {
        // A flow mapping: its key is on its line, or it is an item.
        let start = line_start(text, at);
        let before = &text[start..at];
        if depth(before) > 0 {
            return None;
        }
        if before.trim_end().ends_with(':') {
            let key = before.trim_start_matches([' ', '-']);
            return Some(start + before.len() - key.len());
        }
        if let Some(marker) = item_marker(text, at) {
            return Some(marker);
        }
    }
    let first = mapping_start(text, at);
    if let Some(marker) = item_marker(text, first) {
        return Some(marker);
    }
    let column = first - line_start(text, first);
    let mut start = line_start(text, first);
    while start > 0 {
        start = line_start(text, start - 1);
        if let Some(i) = indent(text, start)
            && i < column
        {
            let line = &text[start..line_end(text, start)];
            let key = line.trim_start_matches([' ', '-']);
            return Some(start + line.len() - key.len());
        }
    }
    None
}

/// The key whose value is written at `at` (on the same line, or the line above).
fn key_of_value(text: &str, at: usize) -> Option<usize> {
    let start = line_start(text, at);
    let before = &text[start..at];
    if before.trim_end().ends_with(':') {
        let key = before.trim_start_matches([' ', '-']);
        return Some(start + before.len() - key.len());
    }
    if let Some(marker) = item_marker(text, at) {
        return Some(marker);
    }
    owner(text, at)
}

/// Where a value written at `at` ends: the end of its node, that is the next
/// line indented no deeper than its key (or its item's `- `).
fn value_end(text: &str, at: usize) -> usize {
    if let Some(end) = flow_value_end(text, at) {
        return end;
    }
    let start = line_start(text, at);
    let before = &text[start..at];
    let column = if before.trim().is_empty() {
        // A block value on lines of its own: it ends where less indented text begins.
        (at - start).saturating_sub(1)
    } else if let Some(marker) = item_marker(text, at) {
        marker - start
    } else {
        before.len() - before.trim_start_matches([' ', '-']).len()
    };
    end_of_node(text, at, column).max(at)
}

/// How many flow collections (`{`, `[`) are open at the end of `code` (quoted
/// text skipped).
fn depth(code: &str) -> usize {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for c in code.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '\x7b' | '[') => depth += 1,
            (None, '\x7d' | ']') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    depth
}

/// Where the value written at `at` ends when it is a flow collection or inside
/// one: after its closing bracket, or at the `,` or closing bracket after it.
fn flow_value_end(text: &str, at: usize) -> Option<usize> {
    let inside = depth(&text[line_start(text, at)..at]) > 0;
    let opens = text[at..].starts_with(['\x7b', '[']);
    if !inside && !opens {
        return None;
    }
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (i, c) in text[at..].char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '\x7b' | '[') => depth += 1,
            (None, '\x7d' | ']') if depth == 0 => return Some(at + i),
            (None, '\x7d' | ']') => {
                depth -= 1;
                if depth == 0 && opens {
                    return Some(at + i + 1);
                }
            }
            (None, ',' | '\n') if depth == 0 => return Some(at + i),
            _ => {}
        }
    }
    None
}

/// Where the key written at `at` inside a flow mapping ends with its value and
/// the `,` after it; `None` outside flow mappings.
fn flow_entry_end(text: &str, at: usize) -> Option<usize> {
    if depth(&text[line_start(text, at)..at]) == 0 {
        return None;
    }
    let colon = at + text[at..].find(':')?;
    let value =
        colon + 1 + (text[colon + 1..].len() - text[colon + 1..].trim_start_matches(' ').len());
    let end = flow_value_end(text, value).unwrap_or(value);
    Some(if text[end..].starts_with(',') {
        end + 1
    } else {
        end
    })
}

/// The code of a line without its comment.
fn without_comment(line: &str) -> &str {
    if line.trim_start().starts_with('#') {
        return "";
    }
    line.split(" #").next().unwrap_or(line)
}

/// Where to write a value for a key written without one, the problem being
/// reported at `at`: right after the colon of the key on `at`'s line, or of the
/// nearest key above.
fn null_value_at(text: &str, at: usize) -> Option<usize> {
    let mut start = line_start(text, at.min(text.len()));
    for _ in 0..2 {
        let code = without_comment(&text[start..line_end(text, start)]);
        if let Some(key) = code.trim_end().strip_suffix(':') {
            return Some(start + key.len() + 1);
        }
        loop {
            if start == 0 {
                return None;
            }
            start = line_start(text, start - 1);
            if indent(text, start).is_some() {
                break;
            }
        }
    }
    None
}
