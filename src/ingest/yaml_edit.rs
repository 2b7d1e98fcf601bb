//! Editing a YAML file in place, one entry at a time, by a line scanner over
//! its top-level keys: everything but the entry (comments, key order, quoting,
//! blank lines, line endings) stays byte for byte. The caller parses the result
//! again with the build's reader and refuses it unless it holds what was meant.

use crate::actions::MAX_TEXT_CHARS;

/// A line of the file: where it starts, where its text ends (before `\r\n` or
/// `\n`), and where the next line starts.
#[derive(Clone, Copy, Debug)]
struct Line {
    start: usize,
    text_end: usize,
    end: usize,
}

fn lines(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let (text_end, end) = match text[start..].find('\n') {
            Some(i) => {
                let nl = start + i;
                let text_end = if nl > start && text.as_bytes()[nl - 1] == b'\r' {
                    nl - 1
                } else {
                    nl
                };
                (text_end, nl + 1)
            }
            None => (text.len(), text.len()),
        };
        out.push(Line {
            start,
            text_end,
            end,
        });
        start = end;
    }
    out
}

/// The line ending the file uses: `\r\n` when its first line ends so.
fn ending(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// Blank, or only a comment.
fn is_filler(line: &str) -> bool {
    let t = line.trim_start_matches([' ', '\t']);
    t.is_empty() || t.starts_with('#')
}

/// The key a `key: value` line (without its indentation) starts with, and the
/// rest after the colon; `None` when the line is not a mapping entry.
fn key_of(line: &str) -> Option<(String, &str)> {
    let (key, rest) = match line.chars().next()? {
        q @ ('"' | '\'') => {
            let close = line[1..].find(q)? + 1;
            (line[1..close].to_string(), line[close + 1..].trim_start())
        }
        _ => {
            let bytes = line.as_bytes();
            let colon = (0..bytes.len()).find(|&i| {
                bytes[i] == b':' && bytes.get(i + 1).is_none_or(|b| *b == b' ' || *b == b'\t')
            })?;
            (line[..colon].trim_end().to_string(), &line[colon..])
        }
    };
    let rest = rest.strip_prefix(':')?;
    Some((key, rest))
}

/// A value without its trailing comment.
fn without_comment(value: &str) -> &str {
    let mut cut = value.len();
    let bytes = value.as_bytes();
    for i in 0..bytes.len() {
        if bytes[i] == b'#' && (i == 0 || bytes[i - 1] == b' ' || bytes[i - 1] == b'\t') {
            cut = i;
            break;
        }
    }
    value[..cut].trim()
}

/// A top-level key's line and the end of its block (the index of the next
/// top-level line, or the number of lines).
struct Block {
    key_line: usize,
    end: usize,
    /// The key line's value after the colon, without a comment.
    inline: String,
}

fn find_block(text: &str, all: &[Line], key: &str, sequence: bool) -> Option<Block> {
    let top = |l: &Line| {
        let s = &text[l.start..l.text_end];
        !(is_filler(s) || s.starts_with([' ', '\t']) || (sequence && s.starts_with('-')))
    };
    let key_line = all.iter().position(|l| {
        let s = &text[l.start..l.text_end];
        !s.starts_with([' ', '\t', '#']) && key_of(s).is_some_and(|(k, _)| k == key)
    })?;
    let l = all[key_line];
    let (_, rest) = key_of(&text[l.start..l.text_end])?;
    let end = (key_line + 1..all.len())
        .find(|&i| top(&all[i]))
        .unwrap_or(all.len());
    Some(Block {
        key_line,
        end,
        inline: without_comment(rest).to_string(),
    })
}

/// The text with `key: value` (a one-line flow value) set in the top-level
/// block mapping `parent`: an entry there already is replaced whole (its key
/// line and its nested lines), a new one goes after the last entry, at its
/// siblings' indentation. Without `parent`, it is added at the end of the file.
pub(crate) fn set_entry(
    text: &str,
    parent: &str,
    key: &str,
    value: &str,
) -> Result<String, String> {
    let eol = ending(text);
    let all = lines(text);
    let Some(block) = find_block(text, &all, parent, false) else {
        return Ok(append_block(
            text,
            parent,
            &format!("  {key}: {value}"),
            eol,
        ));
    };
    if !matches!(block.inline.as_str(), "" | "{}" | "~" | "null") {
        return Err(format!(
            "`{parent}:` is written on one line; write it as a block (one entry a line) so it can be edited"
        ));
    }
    let content: Vec<usize> = (block.key_line + 1..block.end)
        .filter(|&i| !is_filler(&text[all[i].start..all[i].text_end]))
        .collect();
    let n = content
        .first()
        .map_or(2, |&i| indent(&text[all[i].start..all[i].text_end]));
    let new_line = format!("{}{key}: {value}", " ".repeat(n));
    if !block.inline.is_empty() {
        // `progress: {}`: the block form, with the one entry.
        return Ok(replace_lines(
            text,
            &all,
            block.key_line,
            block.key_line + 1,
            &format!("{parent}:{eol}{new_line}"),
        ));
    }
    let entry = content.iter().position(|&i| {
        let s = &text[all[i].start..all[i].text_end];
        indent(s) == n && key_of(&s[n..]).is_some_and(|(k, _)| k == key)
    });
    match entry {
        Some(at) => {
            let first = content[at];
            // The entry's own lines: until the next content line at its indentation or less.
            let last = content[at + 1..]
                .iter()
                .take_while(|&&i| indent(&text[all[i].start..all[i].text_end]) > n)
                .last()
                .copied()
                .unwrap_or(first);
            Ok(replace_lines(text, &all, first, last + 1, &new_line))
        }
        None => {
            let after = content.last().copied().unwrap_or(block.key_line);
            Ok(insert_after(text, &all, after, &new_line, eol))
        }
    }
}

/// The text with `items` (one-line flow values) appended to the top-level block
/// sequence `parent`, at its items' indentation (two spaces when it has none).
/// Without `parent`, the sequence is added at the end of the file; an empty
/// file starts with `header`.
pub(crate) fn push_items(
    text: &str,
    parent: &str,
    items: &[String],
    header: &str,
) -> Result<String, String> {
    let eol = ending(text);
    let all = lines(text);
    let Some(block) = find_block(text, &all, parent, true) else {
        let body: Vec<String> = items.iter().map(|i| format!("  - {i}")).collect();
        let start = if text.trim().is_empty() { header } else { text };
        return Ok(append_block(start, parent, &body.join(eol), eol));
    };
    if !matches!(block.inline.as_str(), "" | "[]" | "~" | "null") {
        return Err(format!(
            "`{parent}:` is written on one line; write it as a block (one item a line) so it can be added to"
        ));
    }
    let content: Vec<usize> = (block.key_line + 1..block.end)
        .filter(|&i| !is_filler(&text[all[i].start..all[i].text_end]))
        .collect();
    let n = content
        .iter()
        .map(|&i| &text[all[i].start..all[i].text_end])
        .find(|s| s.trim_start().starts_with('-'))
        .map_or(2, indent);
    let body: Vec<String> = items
        .iter()
        .map(|i| format!("{}- {i}", " ".repeat(n)))
        .collect();
    let body = body.join(eol);
    if !block.inline.is_empty() {
        return Ok(replace_lines(
            text,
            &all,
            block.key_line,
            block.key_line + 1,
            &format!("{parent}:{eol}{body}"),
        ));
    }
    let after = content.last().copied().unwrap_or(block.key_line);
    Ok(insert_after(text, &all, after, &body, eol))
}

/// `text` with `parent:` and its block added at the end.
fn append_block(text: &str, parent: &str, body: &str, eol: &str) -> String {
    let mut out = String::with_capacity(text.len() + body.len() + 16);
    out.push_str(text);
    if !out.is_empty() && !out.ends_with('\n') {
        out.push_str(eol);
    }
    out.push_str(parent);
    out.push(':');
    out.push_str(eol);
    out.push_str(body);
    out.push_str(eol);
    out
}

/// Lines `from..to` replaced by `new` (which takes the last replaced line's ending).
fn replace_lines(text: &str, all: &[Line], from: usize, to: usize, new: &str) -> String {
    let start = all[from].start;
    let last = all[to - 1];
    let mut out = String::with_capacity(text.len() + new.len());
    out.push_str(&text[..start]);
    out.push_str(new);
    out.push_str(&text[last.text_end..]);
    out
}

/// `new` as a line of its own after line `after`.
fn insert_after(text: &str, all: &[Line], after: usize, new: &str, eol: &str) -> String {
    let line = all[after];
    let mut out = String::with_capacity(text.len() + new.len() + 2);
    out.push_str(&text[..line.end]);
    if line.end == line.text_end {
        // The last line of a file without a final line break.
        out.push_str(eol);
        out.push_str(new);
    } else {
        out.push_str(new);
        out.push_str(eol);
    }
    out.push_str(&text[line.end..]);
    out
}

/// Text from a submission made fit to keep: control characters but line
/// breaks removed, trimmed, cut at [`MAX_TEXT_CHARS`].
pub(crate) fn clean_text(text: &str) -> String {
    let kept: String = text
        .chars()
        .filter(|c| *c == '\n' || !c.is_control())
        .collect();
    let cut: String = kept.trim().chars().take(MAX_TEXT_CHARS).collect();
    cut.trim_end().to_string()
}

/// `text` as a YAML double-quoted scalar on one line: whatever it holds
/// (quotes, `#`, `{{ }}`, `&`, `*`, `: `) stays text.
pub(crate) fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if printable(c) => out.push(c),
            c if (c as u32) <= 0xFFFF => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push_str(&format!("\\U{:08X}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// YAML's printable characters (YAML 1.2, 5.1), less the byte order mark.
fn printable(c: char) -> bool {
    matches!(c as u32, 0x20..=0x7E | 0xA0..=0xD7FF | 0xE000..=0xFEFE | 0xFF00..=0xFFFD | 0x10000..)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_is_replaced_inserted_or_added() {
        let text = "name: A\nprogress:\n  a: { status: done }\n  b:\n    status: blocked\n    note: x\n\n  # c\n  c: { status: todo }\nnotes: |\n  hi\n";
        let out = set_entry(text, "progress", "b", "{ status: done }").unwrap();
        assert_eq!(
            out,
            "name: A\nprogress:\n  a: { status: done }\n  b: { status: done }\n\n  # c\n  c: { status: todo }\nnotes: |\n  hi\n"
        );
        let out = set_entry(text, "progress", "d", "{ status: done }").unwrap();
        assert!(out.contains("  c: { status: todo }\n  d: { status: done }\nnotes:"));
        let out = set_entry("name: A", "progress", "d", "{ x: 1 }").unwrap();
        assert_eq!(out, "name: A\nprogress:\n  d: { x: 1 }\n");
        let out = set_entry("name: A\r\nprogress: {}\r\n", "progress", "d", "{ x: 1 }").unwrap();
        assert_eq!(out, "name: A\r\nprogress:\r\n  d: { x: 1 }\r\n");
        assert!(set_entry("progress: { a: 1 }\n", "progress", "d", "{}").is_err());
        // No final line break: the new entry gets one before it.
        let out = set_entry("progress:\n    a: 1", "progress", "d", "2").unwrap();
        assert_eq!(out, "progress:\n    a: 1\n    d: 2");
    }

    #[test]
    fn items_are_appended() {
        let out = push_items("", "votes", &["{ a: 1 }".into()], "# h\n").unwrap();
        assert_eq!(out, "# h\nvotes:\n  - { a: 1 }\n");
        let out = push_items(
            "votes:\n- { a: 1 }\n# end\n",
            "votes",
            &["{ a: 2 }".into()],
            "",
        )
        .unwrap();
        assert_eq!(out, "votes:\n- { a: 1 }\n- { a: 2 }\n# end\n");
        let out = push_items("votes: []\n", "votes", &["x".into(), "y".into()], "").unwrap();
        assert_eq!(out, "votes:\n  - x\n  - y\n");
    }

    #[test]
    fn text_is_cleaned_and_quoted() {
        assert_eq!(clean_text("  a\u{7}b\r\nc\t "), "ab\nc");
        assert_eq!(
            clean_text(&"é".repeat(3000)).chars().count(),
            MAX_TEXT_CHARS
        );
        assert_eq!(quoted("a \"b\" \\ {{ c }}\n"), r#""a \"b\" \\ {{ c }}\n""#);
        assert_eq!(quoted("\u{FEFF}\u{2028}"), r#""\uFEFF\L""#);
    }

    fn progress_of(text: &str) -> Vec<(String, crate::raw::RawProgress)> {
        let file = crate::diagnostic::SourceFile::new("customers/x.yaml", text);
        let raw: crate::raw::RawCustomer =
            crate::yaml::parse(&file, 0, text.len()).expect("the edited file reads back");
        raw.progress
            .into_iter()
            .map(|(k, v)| (k.value, v))
            .collect()
    }

    /// Lines of `a` and `b` that differ, by a common prefix and suffix.
    fn changed<'a>(a: &'a str, b: &'a str) -> (Vec<&'a str>, Vec<&'a str>) {
        let a: Vec<&str> = a.split_inclusive('\n').collect();
        let b: Vec<&str> = b.split_inclusive('\n').collect();
        let p = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
        let s = a[p..]
            .iter()
            .rev()
            .zip(b[p..].iter().rev())
            .take_while(|(x, y)| x == y)
            .count();
        (a[p..a.len() - s].to_vec(), b[p..b.len() - s].to_vec())
    }

    #[test]
    fn every_example_customer_file_changes_in_the_one_entry_only() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("customers");
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        files.sort();
        assert!(files.len() >= 3);
        let note = "{{ customer.name }} \"]: x &anchor *alias # c\n- y: 'z'";
        let value = format!(
            "{{ status: blocked, note: {}, on: 2026-12-03, reported: true }}",
            quoted(note)
        );
        for path in files {
            let lf = std::fs::read_to_string(&path).unwrap();
            for text in [lf.clone(), lf.replace('\n', "\r\n")] {
                let eol = ending(&text);
                let before = progress_of(&text);
                let block = before
                    .iter()
                    .position(|(k, _)| text.contains(&format!("  {k}:{eol}")));
                let mut keys = vec!["zz-absent".to_string(), before[0].0.clone()];
                keys.extend(block.map(|i| before[i].0.clone()));
                for key in keys {
                    let out = set_entry(&text, "progress", &key, &value).unwrap();
                    let after = progress_of(&out);
                    let (entry, _) = after
                        .iter()
                        .find(|(k, _)| *k == key)
                        .map(|e| (e, ()))
                        .unwrap();
                    assert_eq!(entry.1.note.as_deref(), Some(note), "{path:?} {key}");
                    assert_eq!(after.len(), before.len() + usize::from(key == "zz-absent"));
                    let (gone, new) = changed(&text, &out);
                    assert_eq!(
                        new,
                        [format!("  {key}: {value}{eol}").as_str()],
                        "{path:?} {key}"
                    );
                    assert!(
                        gone.iter()
                            .all(|l| l.starts_with(&format!("  {key}:")) || l.starts_with("    ")),
                        "{path:?} {key}: {gone:?}"
                    );
                    assert!(
                        out.matches('\n').count() == out.matches("\r\n").count() || eol == "\n"
                    );
                }
            }
        }
    }
}
