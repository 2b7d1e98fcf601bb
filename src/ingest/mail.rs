//! Submissions that arrived by e-mail: without `[actions] endpoint` a portal's
//! actions are `mailto:` links whose body is `key: value` lines. Saved as text
//! (`.eml` for one message as a mail program saves it, `.txt` for lines pasted
//! by hand), they are read as blocks of `key: value` lines separated by blank
//! lines. A block without `action` (an e-mail's headers: `Date:`, `From:`) lends
//! its fields to the blocks after it (a later one's win), so a message's `Date:`
//! dates its body. A
//! quoted-printable body (`Content-Transfer-Encoding: quoted-printable`) is
//! decoded first. Lines that are not `key: value` (a greeting, a signature) are
//! left out.

use std::sync::Arc;

use super::read::Submission;
use crate::diagnostic::SourceFile;

/// One block: where it starts, its 1-based line, its fields in order.
struct Block {
    offset: usize,
    line: usize,
    fields: Vec<(String, String)>,
}

/// A field name: a word of letters, digits, `_` and `-` (so a sentence with a
/// colon is not one).
fn field_name(key: &str) -> Option<String> {
    let key = key.trim();
    let ok = !key.is_empty()
        && key.len() <= 40
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    ok.then(|| key.to_ascii_lowercase())
}

fn blocks(text: &str) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut current: Option<Block> = None;
    let mut offset = 0;
    for (index, raw) in text.split_inclusive('\n').enumerate() {
        let at = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\r', '\n']);
        if line.trim().is_empty() {
            out.extend(current.take());
            continue;
        }
        let block = current.get_or_insert_with(|| Block {
            offset: at,
            line: index + 1,
            fields: Vec::new(),
        });
        if line.starts_with([' ', '\t']) {
            // A folded header line continues the field before it.
            if let Some((_, value)) = block.fields.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
            continue;
        }
        if let Some((key, value)) = line.split_once(':')
            && let Some(name) = field_name(key)
        {
            block.fields.push((name, value.trim().to_string()));
        }
    }
    out.extend(current);
    out
}

/// Quoted-printable text decoded (RFC 2045): `=XX` bytes and `=` soft line breaks.
fn quoted_printable(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' {
            let rest = &bytes[i + 1..];
            if rest.starts_with(b"\r\n") {
                i += 3;
                continue;
            }
            if rest.starts_with(b"\n") {
                i += 2;
                continue;
            }
            let digit = |at: usize| rest.get(at).and_then(|&b| (b as char).to_digit(16));
            if let (Some(high), Some(low)) = (digit(0), digit(1)) {
                out.push((high * 16 + low) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether a block's fields say its body is quoted-printable.
fn is_quoted_printable(fields: &[(String, String)]) -> bool {
    fields.iter().any(|(k, v)| {
        k == "content-transfer-encoding" && v.eq_ignore_ascii_case("quoted-printable")
    })
}

/// The submissions written in `file` as `key: value` blocks.
pub(super) fn read(file: &Arc<SourceFile>) -> Vec<Submission> {
    let mut headers = blocks(&file.text);
    // A quoted-printable body is decoded once, after the headers that say so.
    let body_starts = headers
        .iter()
        .position(|b| is_quoted_printable(&b.fields))
        .and_then(|i| headers.get(i + 1).map(|b| (i + 1, b.offset)));
    if let Some((index, offset)) = body_starts {
        let decoded = quoted_printable(&file.text[offset..]);
        let first_line = headers[index].line;
        headers.truncate(index);
        headers.extend(blocks(&decoded).into_iter().map(|mut b| {
            // Places stay those of the file: lines counted from the body's start.
            b.line += first_line - 1;
            b.offset = offset;
            b
        }));
    }
    let mut lent: Vec<(String, String)> = Vec::new();
    let mut out = Vec::new();
    for block in headers {
        if !block
            .fields
            .iter()
            .any(|(k, _)| k == crate::actions::field::ACTION)
        {
            for (k, v) in block.fields {
                lent.retain(|(old, _)| *old != k);
                lent.push((k, v));
            }
            continue;
        }
        let mut fields = block.fields;
        for (k, v) in &lent {
            if !fields.iter().any(|(own, _)| own == k) {
                fields.push((k.clone(), v.clone()));
            }
        }
        out.push(Submission {
            file: Arc::clone(file),
            offset: block.offset,
            place: format!("line {}", block.line),
            fields,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str) -> Vec<Vec<(String, String)>> {
        let file = SourceFile::new("mail.eml", text.to_string());
        read(&file).into_iter().map(|s| s.fields).collect()
    }

    #[test]
    fn an_e_mail_s_date_dates_its_body() {
        let mail = "From: Ana <ana@client.test>\r\nDate: Thu, 03 Dec 2026 10:22:13 +0000\r\nSubject: done setup (acme)\r\n\r\nHello,\r\n\r\ncustomer: acme\r\ntask: setup\r\naction: done\r\nissued: 2026-12-01\r\nsig: 00ff\r\nby: Ana Lima\r\n\r\nThanks\r\n";
        let got = fields(mail);
        assert_eq!(got.len(), 1, "{got:?}");
        let get = |k: &str| got[0].iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("task"), Some("setup"));
        assert_eq!(get("by"), Some("Ana Lima"));
        assert_eq!(get("date"), Some("Thu, 03 Dec 2026 10:22:13 +0000"));
    }

    #[test]
    fn a_quoted_printable_body_is_decoded() {
        let mail = "Date: Thu, 03 Dec 2026 10:22:13 +0000\nContent-Transfer-Encoding: quoted-printable\n\ncustomer: acme\ntask: setup\naction: stuck\nnote: Waiting for the na=C3=AFve IT team, who are very busy this wee=\nk\n";
        let got = fields(mail);
        let note = got[0]
            .iter()
            .find(|(n, _)| n == "note")
            .map(|(_, v)| v.as_str());
        assert_eq!(
            note,
            Some("Waiting for the naïve IT team, who are very busy this week")
        );
        // An `=` before text that is not two hex digits stays as it is.
        let odd =
            "Content-Transfer-Encoding: quoted-printable\n\naction: stuck\nnote: a=中 b=é c=4 d=\n";
        let note = fields(odd)[0]
            .iter()
            .find(|(n, _)| n == "note")
            .map(|(_, v)| v.clone());
        assert_eq!(note.as_deref(), Some("a=中 b=é c=4 d"));
    }

    #[test]
    fn pasted_blocks_are_one_submission_each_and_prose_is_left_out() {
        let text = "date: 2026-12-03\n\ncustomer: a\ntask: t\naction: done\nPlease see below: thanks\n\ncustomer: b\ntask: u\naction: done\ndate: 2026-12-04\n";
        let got = fields(text);
        assert_eq!(got.len(), 2);
        assert!(got[0].iter().any(|(k, v)| k == "date" && v == "2026-12-03"));
        assert!(got[1].iter().any(|(k, v)| k == "date" && v == "2026-12-04"));
        assert!(!got[0].iter().any(|(k, _)| k.contains(' ')));
    }
}
