//! A hand-written reader for the block YAML most files of a site are written in.
//!
//! granit-parser spends about 200 ns on each event it makes, which made it the
//! largest part of reading a customer file (~870 events). Most files keep to a
//! small part of YAML: block maps and sequences by indentation, plain and quoted
//! scalars on one line, flow maps and sequences of scalars on one line, literal
//! block scalars, comments. This scanner reads that part straight into the
//! [`Node`] tree that [`super::tree`] builds from granit's events: the same text,
//! style and places (columns and lengths in characters, as granit counts them),
//! under the same rules for keys and depth.
//!
//! It never reports a problem: at the first thing it does not fully understand it
//! gives up (`None`), and the caller asks granit-parser instead. So a tree it
//! returns must be the tree granit would have given, and the tests compare both on
//! every file of the example sites and on generated documents.

use std::borrow::Cow;

use super::Place;
use super::tree::{Node, depth_allowed, key_allowed};

/// The tree of `text`, when it keeps to the subset this scanner reads.
pub(super) fn tree(text: &str) -> Option<Node<'_>> {
    let ascii = simple_characters(text.as_bytes())?;
    Scanner {
        text,
        bytes: text.as_bytes(),
        ascii,
        pos: 0,
        line: 1,
        line_start: 0,
    }
    .document()
}

/// Checks that `bytes` hold no character YAML or granit treats specially outside
/// this subset: tabs, lone carriage returns and other control characters, the
/// byte order mark, and the characters some YAML versions read as line breaks
/// (NEL, LS, PS). Checked once, so the scanner itself only meets spaces and line
/// breaks (`\n` or `\r\n`). Returns whether every character is ASCII, or `None`.
fn simple_characters(bytes: &[u8]) -> Option<bool> {
    // Runs of printable ASCII, most of a file, are checked 16 bytes at a time.
    let printable = |b: u8| b.wrapping_sub(b' ') < 0x5F || b == b'\n';
    let mut ascii = true;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(chunk) = bytes.get(i..i + 16)
            && chunk.iter().fold(true, |ok, &b| ok & printable(b))
        {
            i += 16;
            continue;
        }
        let ok = match bytes[i] {
            b if printable(b) => true,
            // A carriage return only before a line feed, which granit reads as
            // one line break (the scanner, seeing `\r`, knows a `\n` follows).
            b'\r' => bytes.get(i + 1) == Some(&b'\n'),
            // U+0080..U+009F: C1 controls, NEL among them.
            0xC2 => !matches!(bytes.get(i + 1), Some(0x80..=0x9F)),
            // U+2028, U+2029.
            0xE2 => {
                !(bytes.get(i + 1) == Some(&0x80) && matches!(bytes.get(i + 2), Some(0xA8 | 0xA9)))
            }
            // U+FEFF, U+FFFE, U+FFFF.
            0xEF => !matches!(
                (bytes.get(i + 1), bytes.get(i + 2)),
                (Some(0xBB), Some(0xBF)) | (Some(0xBF), Some(0xBE | 0xBF))
            ),
            0x80..=0xFF => true,
            _ => false,
        };
        if !ok {
            return None;
        }
        ascii &= bytes[i] < 0x80;
        i += 1;
    }
    Some(ascii)
}

/// A byte that cannot start a plain scalar (YAML's indicators; `-` can when a
/// character that is not a space follows).
fn indicator(b: u8) -> bool {
    b"-?:,[]{}#&*!|>'\"%@`".contains(&b)
}

/// A cursor in the text. Invariant: `line_start <= pos`, and `line_start` is the
/// start of line `line` (from 1).
struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    /// Whether the whole text is ASCII, so characters are bytes.
    ascii: bool,
    pos: usize,
    line: usize,
    line_start: usize,
}

impl<'a> Scanner<'a> {
    /// The number of characters in `text[start..end]`, as granit counts columns
    /// and lengths.
    fn chars(&self, start: usize, end: usize) -> usize {
        if self.ascii {
            end - start
        } else {
            self.text[start..end].chars().count()
        }
    }

    fn at(&self, i: usize) -> Option<u8> {
        self.bytes.get(i).copied()
    }

    fn peek(&self) -> Option<u8> {
        self.at(self.pos)
    }

    fn eof(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    /// The number of spaces from `i`.
    fn spaces_from(&self, i: usize) -> usize {
        self.bytes
            .get(i..)
            .map_or(0, |rest| rest.iter().take_while(|&&b| b == b' ').count())
    }

    fn skip_spaces(&mut self) {
        self.pos += self.spaces_from(self.pos);
    }

    /// Past the line break (`\n` or `\r\n`) at the cursor.
    fn newline(&mut self) {
        self.pos += if self.peek() == Some(b'\r') { 2 } else { 1 };
        self.line += 1;
        self.line_start = self.pos;
    }

    /// The end of the line from `i`: its line break or the end of the text.
    fn line_end(&self, i: usize) -> usize {
        self.bytes
            .get(i..)
            .and_then(|rest| rest.iter().position(|&b| matches!(b, b'\n' | b'\r')))
            .map_or(self.bytes.len(), |n| i + n)
    }

    /// The place of `start..end` on the current line.
    fn place(&self, start: usize, end: usize) -> Place {
        Place {
            line: self.line,
            column: self.chars(self.line_start, start) + 1,
            offset: Some(start),
            chars: self.chars(start, end),
        }
    }

    /// Whether a block sequence entry (`-` and a space or the line's end) is at `i`.
    fn dash_at(&self, i: usize) -> bool {
        self.at(i) == Some(b'-') && matches!(self.at(i + 1), None | Some(b' ' | b'\n' | b'\r'))
    }

    /// After a node on its line: spaces, perhaps a comment after a space, then the
    /// line break (the cursor is then at the next line) or the end of the text.
    fn end_line(&mut self) -> Option<()> {
        self.skip_spaces();
        match self.peek() {
            None => Some(()),
            Some(b'\n' | b'\r') => {
                self.newline();
                Some(())
            }
            Some(b'#') if self.pos > self.line_start && self.bytes[self.pos - 1] == b' ' => {
                self.pos = self.line_end(self.pos);
                if !self.eof() {
                    self.newline();
                }
                Some(())
            }
            _ => None,
        }
    }

    /// Skips blank and comment lines from the start of a line; the cursor is then
    /// at the start of a line with content, or at the end of the text. Returns that
    /// line's indentation.
    fn skip_blank_lines(&mut self) -> usize {
        loop {
            let indent = self.spaces_from(self.pos);
            match self.at(self.pos + indent) {
                None => {
                    self.pos = self.bytes.len();
                    return 0;
                }
                Some(b'\n' | b'\r') => {
                    self.pos += indent;
                    self.newline();
                }
                Some(b'#') => {
                    self.pos = self.line_end(self.pos);
                    if self.eof() {
                        return 0;
                    }
                    self.newline();
                }
                Some(_) => return indent,
            }
        }
    }

    /// [`Self::skip_blank_lines`], giving up at a document marker (`---` or `...`
    /// at the start of a line): a second document, or the end of this one.
    fn next_line(&mut self) -> Option<usize> {
        let indent = self.skip_blank_lines();
        (indent != 0 || !self.marker()).then_some(indent)
    }

    fn marker(&self) -> bool {
        let rest = &self.bytes[self.pos..];
        (rest.starts_with(b"---") || rest.starts_with(b"..."))
            && matches!(rest.get(3), None | Some(b' ' | b'\n' | b'\r'))
    }

    /// One document, perhaps opened by `---`, whose root is a block map or
    /// sequence.
    fn document(&mut self) -> Option<Node<'a>> {
        if self.skip_blank_lines() == 0 && self.marker() {
            if !self.bytes[self.pos..].starts_with(b"---") {
                return None;
            }
            self.pos += 3;
            self.end_line()?;
        }
        let indent = self.next_line()?;
        if self.eof() {
            return None;
        }
        self.pos += indent;
        let root = self.block(indent, 0)?;
        self.eof().then_some(root)
    }

    /// The block map or sequence at the cursor, whose entries are at column
    /// `indent`. Like every block reader, it returns with the cursor at the start of
    /// the first line that is not its own, or at the end of the text.
    fn block(&mut self, indent: usize, depth: usize) -> Option<Node<'a>> {
        if self.dash_at(self.pos) {
            return self.seq(indent, depth);
        }
        match self.scalar()? {
            (key, true) => self.map(key, indent, depth),
            (_, false) => None,
        }
    }

    /// A block map whose first key has been read (the cursor is past its `:`).
    fn map(&mut self, first: Node<'a>, indent: usize, depth: usize) -> Option<Node<'a>> {
        depth_allowed(depth)?;
        let mut entries = Vec::new();
        let mut key = first;
        loop {
            depth_allowed(depth + 1)?;
            key_allowed(&entries, &key)?;
            let value = self.value(indent, depth + 1)?;
            entries.push((key, value));
            let next = self.next_line()?;
            if self.eof() || next < indent {
                return Some(Node::Map(entries));
            }
            if next > indent {
                return None;
            }
            self.pos += next;
            key = match self.scalar()? {
                (key, true) => key,
                (_, false) => return None,
            };
        }
    }

    /// The value after a block map's `:` at the cursor.
    fn value(&mut self, indent: usize, depth: usize) -> Option<Node<'a>> {
        let colon = self.pos - 1;
        self.skip_spaces();
        if !matches!(self.peek(), None | Some(b'\n' | b'\r' | b'#')) {
            return self.inline(indent, depth);
        }
        // Nothing on the key's line: the value is the block below, or empty.
        // granit places an empty value at the `:`, with no length.
        let empty = self.place(colon, colon);
        self.end_line()?;
        let next = self.next_line()?;
        if !self.eof() && next > indent {
            self.pos += next;
            return self.block(next, depth);
        }
        if !self.eof() && next == indent && self.dash_at(self.pos + next) {
            // A sequence may sit at its key's indentation.
            self.pos += next;
            return self.seq(next, depth);
        }
        depth_allowed(depth)?;
        Some(Node::Scalar {
            text: Cow::Borrowed("~"),
            plain: true,
            place: empty,
        })
    }

    /// A value on the line of its key or `-`: a scalar, a flow collection or a
    /// literal block scalar. `indent` is that of the block it belongs to.
    fn inline(&mut self, indent: usize, depth: usize) -> Option<Node<'a>> {
        depth_allowed(depth)?;
        let node = match self.peek()? {
            b'[' => self.flow_seq(depth)?,
            b'{' => self.flow_map(depth)?,
            b'|' => return self.literal(indent),
            _ => match self.scalar()? {
                (node, false) => node,
                (_, true) => return None,
            },
        };
        self.end_line()?;
        Some(node)
    }

    /// A block sequence whose first `-` is at the cursor, at column `indent`.
    fn seq(&mut self, indent: usize, depth: usize) -> Option<Node<'a>> {
        depth_allowed(depth)?;
        let mut items = Vec::new();
        loop {
            self.pos += 1;
            items.push(self.item(indent, depth + 1)?);
            let next = self.next_line()?;
            if self.eof() || next < indent {
                break;
            }
            if next > indent {
                return None;
            }
            if !self.dash_at(self.pos + next) {
                // The next key of the map this sequence is a value of.
                break;
            }
            self.pos += next;
        }
        Some(Node::Seq(items))
    }

    /// A sequence entry after its `-`.
    fn item(&mut self, indent: usize, depth: usize) -> Option<Node<'a>> {
        self.skip_spaces();
        if matches!(self.peek(), None | Some(b'\n' | b'\r' | b'#')) {
            // `-` alone: the entry is the block below. An empty entry is left to
            // granit (it places it at the end of the line, after any comment).
            self.end_line()?;
            let next = self.next_line()?;
            if self.eof() || next <= indent {
                return None;
            }
            self.pos += next;
            return self.block(next, depth);
        }
        // Only `-` and spaces come before, so bytes are characters here.
        let column = self.pos - self.line_start;
        if self.dash_at(self.pos) {
            return self.seq(column, depth);
        }
        if matches!(self.peek(), Some(b'[' | b'{' | b'|')) {
            return self.inline(indent, depth);
        }
        match self.scalar()? {
            (key, true) => self.map(key, column, depth),
            (node, false) => {
                depth_allowed(depth)?;
                self.end_line()?;
                Some(node)
            }
        }
    }

    /// A plain or quoted scalar on one line, and whether a `:` and a space (or the
    /// line's end) after it make it a key; the cursor is then past the `:`.
    fn scalar(&mut self) -> Option<(Node<'a>, bool)> {
        let node = match self.peek()? {
            b'\'' | b'"' => self.quoted()?,
            _ => return self.plain(),
        };
        if self.peek() == Some(b':')
            && matches!(self.at(self.pos + 1), None | Some(b' ' | b'\n' | b'\r'))
        {
            self.pos += 1;
            return Some((node, true));
        }
        Some((node, false))
    }

    /// A plain scalar in a block: to the line's end or a comment, or to a `: `
    /// that makes it a key.
    fn plain(&mut self) -> Option<(Node<'a>, bool)> {
        let start = self.pos;
        let first = self.peek()?;
        if first == b' '
            || first == b'\n'
            || first == b'\r'
            || (indicator(first) && !self.dash_plain(start))
        {
            return None;
        }
        let mut end = start;
        let mut i = start;
        let key = loop {
            match self.at(i) {
                None | Some(b'\n' | b'\r') => break false,
                Some(b':') if matches!(self.at(i + 1), None | Some(b' ' | b'\n' | b'\r')) => {
                    break true;
                }
                // `i > start`: the first byte is no `#`.
                Some(b'#') if self.bytes[i - 1] == b' ' => break false,
                Some(b' ') => {}
                Some(_) => end = i + 1,
            }
            i += 1;
        };
        self.plain_scalar(start, end, key.then_some(i))
    }

    /// The plain scalar `start..end` just scanned, a key when a `:` at `colon` follows
    /// it (then without spaces before the `:`, and as long as YAML allows a key to
    /// be); the cursor moves past the `:`, or to the scalar's end.
    fn plain_scalar(
        &mut self,
        start: usize,
        end: usize,
        colon: Option<usize>,
    ) -> Option<(Node<'a>, bool)> {
        if colon.is_some_and(|c| c != end || c - start > 1024) {
            return None;
        }
        let node = Node::Scalar {
            text: Cow::Borrowed(&self.text[start..end]),
            plain: true,
            place: self.place(start, end),
        };
        self.pos = colon.map_or(end, |c| c + 1);
        Some((node, colon.is_some()))
    }

    /// Whether the `-` at `i` starts a plain scalar (`-5`, `-x`) in a block.
    fn dash_plain(&self, i: usize) -> bool {
        self.at(i) == Some(b'-') && !matches!(self.at(i + 1), None | Some(b' ' | b'\n' | b'\r'))
    }

    /// A quoted scalar on one line: single-quoted (`''` is a quote), or double-quoted
    /// with the escapes `\"`, `\\`, `\/`, `\n` and `\t` (others are left to granit).
    fn quoted(&mut self) -> Option<Node<'a>> {
        let start = self.pos;
        let quote = self.peek()?;
        let mut owned: Option<String> = None;
        let mut run = start + 1;
        let mut i = run;
        loop {
            // An escape stands for one character and takes two bytes.
            let escaped = match self.at(i)? {
                b'\n' | b'\r' => return None,
                b'\'' if quote == b'\'' && self.at(i + 1) == Some(b'\'') => '\'',
                b'\\' if quote == b'"' => match self.at(i + 1)? {
                    b'"' => '"',
                    b'\\' => '\\',
                    b'/' => '/',
                    b'n' => '\n',
                    b't' => '\t',
                    _ => return None,
                },
                b if b == quote => break,
                _ => {
                    i += 1;
                    continue;
                }
            };
            let s = owned.get_or_insert_with(String::new);
            s.push_str(&self.text[run..i]);
            s.push(escaped);
            i += 2;
            run = i;
        }
        let text = match owned {
            Some(mut s) => {
                s.push_str(&self.text[run..i]);
                Cow::Owned(s)
            }
            None => Cow::Borrowed(&self.text[run..i]),
        };
        self.pos = i + 1;
        Some(Node::Scalar {
            text,
            plain: false,
            place: self.place(start, self.pos),
        })
    }

    /// A flow sequence of scalars, on one line.
    fn flow_seq(&mut self, depth: usize) -> Option<Node<'a>> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_spaces();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Some(Node::Seq(items));
        }
        loop {
            self.skip_spaces();
            depth_allowed(depth + 1)?;
            match self.flow_scalar()? {
                (item, false) => items.push(item),
                (_, true) => return None,
            }
            self.skip_spaces();
            match self.peek()? {
                b',' => self.pos += 1,
                b']' => {
                    self.pos += 1;
                    return Some(Node::Seq(items));
                }
                _ => return None,
            }
        }
    }

    /// A flow map of scalars, on one line; each key followed by `: `.
    fn flow_map(&mut self, depth: usize) -> Option<Node<'a>> {
        self.pos += 1;
        let mut entries = Vec::new();
        self.skip_spaces();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Some(Node::Map(entries));
        }
        loop {
            self.skip_spaces();
            depth_allowed(depth + 1)?;
            let key = match self.flow_scalar()? {
                (key, true) => key,
                (_, false) => return None,
            };
            key_allowed(&entries, &key)?;
            self.skip_spaces();
            match self.flow_scalar()? {
                (value, false) => entries.push((key, value)),
                (_, true) => return None,
            }
            self.skip_spaces();
            match self.peek()? {
                b',' => self.pos += 1,
                b'}' => {
                    self.pos += 1;
                    return Some(Node::Map(entries));
                }
                _ => return None,
            }
        }
    }

    /// A plain or quoted scalar inside a flow collection, and whether `: ` after it
    /// makes it a key (the cursor is then past the `:`).
    fn flow_scalar(&mut self) -> Option<(Node<'a>, bool)> {
        let node = match self.peek()? {
            b'\'' | b'"' => self.quoted()?,
            _ => return self.flow_plain(),
        };
        if self.peek() == Some(b':') && self.at(self.pos + 1) == Some(b' ') {
            self.pos += 1;
            return Some((node, true));
        }
        Some((node, false))
    }

    /// A plain scalar inside a flow collection: to `,`, `]` or `}`, or to a `: `
    /// that makes it a key. A comment, a nested collection, the line's end or a
    /// `:` YAML might read either way are left to granit.
    fn flow_plain(&mut self) -> Option<(Node<'a>, bool)> {
        let start = self.pos;
        let first = self.peek()?;
        let dash = first == b'-'
            && !matches!(
                self.at(start + 1),
                None | Some(b' ' | b'\n' | b'\r' | b',' | b'[' | b']' | b'{' | b'}')
            );
        if first == b' ' || first == b'\n' || first == b'\r' || (indicator(first) && !dash) {
            return None;
        }
        let mut end = start;
        let mut i = start;
        let key = loop {
            match self.at(i)? {
                b'\n' | b'\r' | b'[' | b'{' => return None,
                b',' | b']' | b'}' => break false,
                b':' => match self.at(i + 1)? {
                    b' ' => break true,
                    b'\n' | b'\r' | b',' | b'[' | b']' | b'{' | b'}' => return None,
                    _ => end = i + 1,
                },
                b'#' if self.bytes[i - 1] == b' ' => return None,
                b' ' => {}
                _ => end = i + 1,
            }
            i += 1;
        };
        self.plain_scalar(start, end, key.then_some(i))
    }

    /// A literal block scalar (`|` or `|-`) at the cursor, in a block at column
    /// `indent`; the cursor ends at the start of the first line after it.
    ///
    /// Its indentation is that of its first line, which must hold text (an empty
    /// scalar, leading blank lines and `|+` or `|2` headers are left to granit).
    /// granit's place starts at that text and ends after the indentation of the
    /// line that ends the scalar, blank lines included.
    fn literal(&mut self, indent: usize) -> Option<Node<'a>> {
        self.pos += 1;
        let strip = self.peek() == Some(b'-');
        if strip {
            self.pos += 1;
        }
        self.end_line()?;
        let width = self.spaces_from(self.pos);
        if width <= indent || matches!(self.at(self.pos + width), None | Some(b'\n' | b'\r')) {
            return None;
        }
        let start = self.pos + width;
        let (line, column) = (self.line, width + 1);
        let mut text = String::new();
        // Line breaks not yet written: the last text line's and blank lines'.
        let mut breaks = 0;
        let end = loop {
            let spaces = self.spaces_from(self.pos);
            let after = self.pos + spaces;
            match self.at(after) {
                None if spaces > width => return None,
                None => {
                    self.pos = after;
                    break after;
                }
                Some(b'\n' | b'\r') if spaces <= width => {
                    breaks += 1;
                    self.pos = after;
                    self.newline();
                }
                Some(_) if spaces < width => break after,
                Some(_) => {
                    for _ in 0..breaks {
                        text.push('\n');
                    }
                    let eol = self.line_end(after);
                    text.push_str(&self.text[self.pos + width..eol]);
                    self.pos = eol;
                    if self.eof() {
                        break eol;
                    }
                    self.newline();
                    breaks = 1;
                }
            }
        };
        if !strip {
            text.push('\n');
        }
        Some(Node::Scalar {
            text: Cow::Owned(text),
            plain: false,
            place: Place {
                line,
                column,
                offset: Some(start),
                chars: self.chars(start, end),
            },
        })
    }
}

#[cfg(test)]
mod tests;
