//! Reading a form service's export: a JSON array of objects, JSON Lines, or CSV
//! with a header row (RFC 4180); or e-mails (`.eml`, `.txt`: see [`super::mail`]). Each submission keeps its fields as text and
//! where it was written; fields nobody asked for are kept and never read.

use std::sync::Arc;

use crate::diagnostic::{Code, Diagnostic, Label, SourceFile};

/// One submission: its fields as text (names in lower case), and where it is.
#[derive(Clone, Debug)]
pub struct Submission {
    /// The file it was read from.
    pub file: Arc<SourceFile>,
    /// The byte offset where it starts in the file.
    pub offset: usize,
    /// "line 3" (JSON) or "row 3" (CSV, the header being row 1).
    pub place: String,
    /// (name in lower case, value), in the order written.
    pub fields: Vec<(String, String)>,
}

impl Submission {
    /// The value of a field, by its name in any case; empty values count as missing.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// A label on the submission's first line.
    pub fn label(&self) -> Label {
        let end = self.file.text[self.offset..]
            .find('\n')
            .map_or(self.file.text.len(), |i| self.offset + i);
        Label::new(&self.file, self.offset, end)
    }

    /// `submissions.csv row 3`.
    pub fn name(&self) -> String {
        format!("{} {}", self.file.path, self.place)
    }
}

/// How an export is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Form {
    JsonArray,
    JsonLines,
    Csv,
    Mail,
}

/// The first character of a JSON object, named so no brace stands unmatched in code.
const OBJECT_START: char = '{';

fn form_of(path: &str, text: &str) -> Form {
    let lower = path.to_ascii_lowercase();
    let first = text.trim_start().chars().next();
    if lower.ends_with(".csv") {
        Form::Csv
    } else if lower.ends_with(".eml") || lower.ends_with(".txt") {
        Form::Mail
    } else if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") {
        Form::JsonLines
    } else if first == Some('[') {
        Form::JsonArray
    } else if first == Some(OBJECT_START) || lower.ends_with(".json") {
        Form::JsonLines
    } else {
        Form::Csv
    }
}

fn unreadable(file: &Arc<SourceFile>, at: usize, message: String) -> Diagnostic {
    let end = file.text[at.min(file.text.len())..]
        .find('\n')
        .map_or(file.text.len(), |i| at + i);
    Diagnostic::error(Code::SubmissionUnreadable, message)
        .at(Label::new(file, at, end))
        .help("export the form's submissions as JSON (an array or one object a line) or CSV with a header row; save e-mails as .eml or .txt")
}

/// The submissions in `bytes`, read from `path` (`-` shown as `<stdin>`), and
/// the problems met; a submission that cannot be read is left out, the rest kept.
pub fn read(path: &str, bytes: &[u8]) -> (Vec<Submission>, Vec<Diagnostic>) {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.strip_prefix('\u{feff}').unwrap_or(text).to_string(),
        Err(err) => {
            let file = SourceFile::new(path, String::from_utf8_lossy(bytes).into_owned());
            let at = err.valid_up_to();
            let at = file.text[..]
                .char_indices()
                .map(|(i, _)| i)
                .find(|&i| i >= at)
                .unwrap_or(file.text.len());
            let d = unreadable(&file, at, format!("{path} is not UTF-8 text"));
            return (Vec::new(), vec![d]);
        }
    };
    let file = SourceFile::new(path, text);
    match form_of(path, &file.text) {
        Form::JsonArray => json_array(&file),
        Form::JsonLines => json_lines(&file),
        Form::Csv => csv(&file),
        Form::Mail => (super::mail::read(&file), Vec::new()),
    }
}

fn line_at(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The fields of a JSON object: strings, numbers and booleans as text; other
/// values (null, arrays, objects) left out.
fn object_fields(value: serde_json::Value) -> Option<Vec<(String, String)>> {
    let serde_json::Value::Object(map) = value else {
        return None;
    };
    Some(
        map.into_iter()
            .filter_map(|(k, v)| {
                let v = match v {
                    serde_json::Value::String(s) => s,
                    serde_json::Value::Number(n) => n.to_string(),
                    serde_json::Value::Bool(b) => b.to_string(),
                    _ => return None,
                };
                Some((k.trim().to_lowercase(), v))
            })
            .collect(),
    )
}

fn json_submission(
    file: &Arc<SourceFile>,
    offset: usize,
    line: usize,
    value: serde_json::Value,
) -> Result<Submission, Diagnostic> {
    let place = format!("line {line}");
    match object_fields(value) {
        Some(fields) => Ok(Submission {
            file: Arc::clone(file),
            offset,
            place,
            fields,
        }),
        None => Err(unreadable(
            file,
            offset,
            format!("{} {place}: a submission is a JSON object", file.path),
        )),
    }
}

fn json_lines(file: &Arc<SourceFile>) -> (Vec<Submission>, Vec<Diagnostic>) {
    let (mut out, mut problems) = (Vec::new(), Vec::new());
    // One object written over several lines (a JSON file of one submission).
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(&file.text) {
        let start = file.text.len() - file.text.trim_start().len();
        match json_submission(file, start, line_at(&file.text, start), value) {
            Ok(s) => out.push(s),
            Err(d) => problems.push(d),
        }
        return (out, problems);
    }
    let mut offset = 0;
    for (index, line) in file.text.split_inclusive('\n').enumerate() {
        let number = index + 1;
        let at = offset;
        offset += line.len();
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        let start = at + (line.len() - line.trim_start().len());
        match serde_json::from_str::<serde_json::Value>(trimmed) {
            Ok(value) => match json_submission(file, start, number, value) {
                Ok(s) => out.push(s),
                Err(d) => problems.push(d),
            },
            Err(err) => problems.push(unreadable(
                file,
                start,
                format!("{} line {number}: not JSON ({err})", file.path),
            )),
        }
    }
    (out, problems)
}

fn json_array(file: &Arc<SourceFile>) -> (Vec<Submission>, Vec<Diagnostic>) {
    let (mut out, mut problems) = (Vec::new(), Vec::new());
    let text = &file.text;
    let skip_ws = |mut i: usize| {
        while i < text.len() && text.as_bytes()[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    let mut at = skip_ws(0) + 1; // past `[`
    let mut first = true;
    // Lines counted as the reading goes, never from the start again.
    let (mut counted_to, mut line) = (0, 1);
    let mut line_of = |offset: usize| {
        line += text.as_bytes()[counted_to..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        counted_to = offset;
        line
    };
    loop {
        at = skip_ws(at);
        if text.as_bytes().get(at) == Some(&b']') {
            break;
        }
        if !first {
            if text.as_bytes().get(at) != Some(&b',') {
                problems.push(unreadable(
                    file,
                    at.min(text.len()),
                    format!(
                        "{} line {}: expected `,` or `]` in the JSON array; the submissions after it are not read",
                        file.path,
                        line_at(text, at)
                    ),
                ));
                break;
            }
            at = skip_ws(at + 1);
        }
        first = false;
        let mut stream =
            serde_json::Deserializer::from_str(&text[at..]).into_iter::<serde_json::Value>();
        match stream.next() {
            Some(Ok(value)) => {
                match json_submission(file, at, line_of(at), value) {
                    Ok(s) => out.push(s),
                    Err(d) => problems.push(d),
                }
                at += stream.byte_offset();
            }
            Some(Err(err)) => {
                problems.push(unreadable(
                    file,
                    at,
                    format!(
                        "{} line {}: not JSON ({err}); the submissions after it are not read",
                        file.path,
                        line_at(text, at)
                    ),
                ));
                break;
            }
            None => {
                problems.push(unreadable(
                    file,
                    at,
                    format!("{}: the JSON array is not closed", file.path),
                ));
                break;
            }
        }
    }
    (out, problems)
}

/// One CSV record: its fields and where it starts, or `Err(start)` when a quote
/// is left open at the end of the file.
fn csv_records(text: &str) -> (Vec<(usize, Vec<String>)>, Option<usize>) {
    let mut records = Vec::new();
    let mut chars = text.char_indices().peekable();
    let (mut record, mut field) = (Vec::new(), String::new());
    let mut start = 0;
    let mut quoted = false;
    let mut field_started_quoted = false;
    while let Some((i, c)) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek().map(|p| p.1) == Some('"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() && !field_started_quoted => {
                quoted = true;
                field_started_quoted = true;
            }
            ',' => {
                record.push(std::mem::take(&mut field));
                field_started_quoted = false;
            }
            '\r' if chars.peek().map(|p| p.1) == Some('\n') => {}
            '\n' => {
                record.push(std::mem::take(&mut field));
                field_started_quoted = false;
                records.push((start, std::mem::take(&mut record)));
                start = i + 1;
            }
            c => field.push(c),
        }
    }
    if quoted {
        return (records, Some(start));
    }
    if !field.is_empty() || !record.is_empty() || field_started_quoted {
        record.push(field);
        records.push((start, record));
    }
    (records, None)
}

fn csv(file: &Arc<SourceFile>) -> (Vec<Submission>, Vec<Diagnostic>) {
    let (records, open) = csv_records(&file.text);
    let mut problems = Vec::new();
    if let Some(at) = open {
        problems.push(unreadable(
            file,
            at,
            format!(
                "{} line {}: a quoted CSV field is not closed; the rest of the file is not read",
                file.path,
                line_at(&file.text, at)
            ),
        ));
    }
    let mut records = records.into_iter().enumerate();
    let Some((_, (_, header))) = records.next() else {
        return (Vec::new(), problems);
    };
    let header: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
    let out = records
        .filter(|(_, (_, fields))| fields.iter().any(|f| !f.trim().is_empty()))
        .map(|(row, (offset, fields))| Submission {
            file: Arc::clone(file),
            offset,
            place: format!("row {}", row + 1),
            fields: header.iter().cloned().zip(fields).collect(),
        })
        .collect();
    (out, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(s: &Submission) -> Vec<(&str, &str)> {
        s.fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }

    #[test]
    fn the_three_forms_read_the_same() {
        let (a, p) = read(
            "a.json",
            b"[\n {\"Task\": \"x\", \"n\": 3},\n {\"task\": \"y\"}\n]",
        );
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(fields(&a[0]), [("task", "x"), ("n", "3")]);
        assert_eq!(a[1].place, "line 3");
        let (b, p) = read("-", b"{\"task\": \"x\"}\n\n{\"task\": \"y\"}\n");
        assert!(p.is_empty());
        assert_eq!(b[1].place, "line 3");
        let (one, p) = read("one.json", b"\n{\n  \"task\": \"x\"\n}\n");
        assert!(p.is_empty());
        assert_eq!((one.len(), one[0].place.as_str()), (1, "line 2"));
        let (c, p) = read("c.csv", b"task,note\r\nx,\"a, \"\"b\"\"\r\nc\"\r\ny,\r\n");
        assert!(p.is_empty());
        assert_eq!(fields(&c[0]), [("task", "x"), ("note", "a, \"b\"\r\nc")]);
        assert_eq!(c[1].place, "row 3");
        assert_eq!(c[1].get("note"), None);
    }

    #[test]
    fn broken_input_is_reported_not_fatal() {
        for bad in [
            &b"[{\"a\": 1}, {\"b\""[..],
            b"[",
            b"{\"a\":\n",
            b"a,b\n\"x",
            b"\xff\xfe",
            b"[1, 2]",
            b"a\n1,2,3\n\n",
        ] {
            let (_, _problems) = read("x", bad);
        }
        let (ok, p) = read("x.json", b"[{\"a\": 1}, {\"b\"");
        assert_eq!(ok.len(), 1);
        assert_eq!(p.len(), 1);
        let (_, p) = read("x", b"\xff");
        assert_eq!(p[0].code, Code::SubmissionUnreadable);
    }
}
