//! A digest as an RFC 5322 message, for CI to send with any mailer: headers
//! in US-ASCII with non-ASCII words as RFC 2047 encoded words, a
//! `multipart/alternative` body of plain text (the Markdown) and HTML, both
//! base64 (RFC 2045) in lines of 76 characters, every line ended by CRLF.
//!
//! Deterministic: the `Date:` is the digest's day at midnight UTC, and the
//! `Message-ID` and MIME boundary are made from a hash of the message.
//! gangway only writes the file; nothing is sent.

use std::fmt::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use jiff::civil::{Date, Weekday};
use sha2::{Digest as _, Sha256};

use super::{Mailbox, Message, format};

/// The most bytes of text in one encoded word: 36 bytes make 48 base64
/// characters, so a word (`=?UTF-8?B?…?=`, 60 characters) and its header's name
/// fit in 78.
const WORD_BYTES: usize = 36;

/// The message `m` from `from`, dated `today`, as the bytes of an `.eml` file.
pub fn eml(m: &Message, from: &Mailbox, today: Date) -> String {
    let text = format::plain(m);
    let html = format::html(m);
    let hash = {
        let mut h = Sha256::new();
        for part in [
            &from.address,
            &m.recipient.file_stem,
            &m.subject,
            &text,
            &html,
        ] {
            h.update(part.as_bytes());
            h.update([0]);
        }
        let bytes = h.finalize();
        bytes[..12].iter().fold(String::new(), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
    };
    let domain = from.address.rsplit('@').next().unwrap_or("localhost");
    let boundary = format!("=_gangway_{hash}");
    let mut out = String::new();
    header(&mut out, "From", &mailbox(&from.name, &from.address));
    let to = match &m.recipient.email {
        Some(address) => mailbox(&m.recipient.name, address),
        // No address: the file is for someone to forward by hand.
        None => "undisclosed-recipients:;".to_string(),
    };
    header(&mut out, "To", &to);
    header(&mut out, "Subject", &unstructured(&m.subject));
    header(&mut out, "Date", &rfc5322_date(today));
    header(
        &mut out,
        "Message-ID",
        &format!("<digest.{today}.{hash}@{domain}>"),
    );
    header(&mut out, "MIME-Version", "1.0");
    header(&mut out, "Auto-Submitted", "auto-generated");
    header(&mut out, "Content-Language", &m.language);
    header(
        &mut out,
        "Content-Type",
        &format!("multipart/alternative;\r\n boundary=\"{boundary}\""),
    );
    out.push_str("\r\n");
    for (kind, body) in [("plain", &text), ("html", &html)] {
        let _ = write!(
            out,
            "--{boundary}\r\nContent-Type: text/{kind}; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        );
        base64_lines(&mut out, body.as_bytes());
    }
    let _ = write!(out, "--{boundary}--\r\n");
    out
}

fn header(out: &mut String, name: &str, value: &str) {
    let _ = write!(out, "{name}: {value}\r\n");
}

/// `Name <address>`: the name as a quoted string when it is plain ASCII, else
/// as encoded words; the address alone without a name.
fn mailbox(name: &str, address: &str) -> String {
    let name = name.trim();
    if name.is_empty() {
        return address.to_string();
    }
    let plain = name.len() <= 60 && name.bytes().all(|b| (b' '..=b'~').contains(&b));
    let shown = if plain {
        let escaped = name.replace('\\', "\\\\").replace('"', "\\\"");
        format!("\"{escaped}\"")
    } else {
        encoded_words(name)
    };
    format!("{shown}\r\n <{address}>")
}

/// An unstructured header value (the subject): as it is when it is short plain
/// ASCII, else encoded words.
fn unstructured(value: &str) -> String {
    let plain = value.len() <= 60 && value.bytes().all(|b| (b' '..=b'~').contains(&b));
    if plain && !value.contains("=?") {
        value.to_string()
    } else {
        encoded_words(value)
    }
}

/// RFC 2047 `B` encoded words of at most [`WORD_BYTES`] bytes of text each,
/// split between characters, one per folded line. Line breaks and other control
/// characters become spaces: a header value is one line of text.
fn encoded_words(text: &str) -> String {
    let text: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut words = Vec::new();
    let mut start = 0;
    let mut end = 0;
    for (i, c) in text.char_indices() {
        if i + c.len_utf8() - start > WORD_BYTES {
            words.push(&text[start..end]);
            start = i;
        }
        end = i + c.len_utf8();
    }
    if start < text.len() {
        words.push(&text[start..]);
    }
    words
        .iter()
        .map(|w| format!("=?UTF-8?B?{}?=", STANDARD.encode(w.as_bytes())))
        .collect::<Vec<_>>()
        .join("\r\n ")
}

/// Base64 of `bytes` in lines of 76 characters, each ended by CRLF.
fn base64_lines(out: &mut String, bytes: &[u8]) {
    let encoded = STANDARD.encode(bytes);
    for line in encoded.as_bytes().chunks(76) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push_str("\r\n");
    }
}

/// `Mon, 14 Dec 2026 00:00:00 +0000`.
fn rfc5322_date(day: Date) -> String {
    let weekday = match day.weekday() {
        Weekday::Monday => "Mon",
        Weekday::Tuesday => "Tue",
        Weekday::Wednesday => "Wed",
        Weekday::Thursday => "Thu",
        Weekday::Friday => "Fri",
        Weekday::Saturday => "Sat",
        Weekday::Sunday => "Sun",
    };
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS[usize::try_from(day.month() - 1).unwrap_or(0)];
    format!(
        "{weekday}, {:02} {month} {} 00:00:00 +0000",
        day.day(),
        day.year()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_words_split_between_characters_and_stay_short() {
        let text = "ສະບາຍດີ ການເລີ່ມຕົ້ນໃຊ້ງານ ປະຈຳວັນທີ 14 ທັນວາ 2026";
        let words = encoded_words(text);
        let mut decoded = Vec::new();
        for line in words.split("\r\n ") {
            assert!(line.len() <= 75, "{line}");
            let inner = line
                .strip_prefix("=?UTF-8?B?")
                .and_then(|l| l.strip_suffix("?="))
                .expect("an encoded word");
            let bytes = STANDARD.decode(inner).expect("base64");
            assert!(
                std::str::from_utf8(&bytes).is_ok(),
                "split inside a character"
            );
            decoded.extend(bytes);
        }
        assert_eq!(String::from_utf8(decoded).expect("UTF-8"), text);
    }

    #[test]
    fn dates_are_written_as_rfc_5322_says() {
        assert_eq!(
            rfc5322_date(jiff::civil::date(2026, 12, 14)),
            "Mon, 14 Dec 2026 00:00:00 +0000"
        );
    }

    #[test]
    fn names_with_quotes_are_quoted_and_line_breaks_never_reach_a_header() {
        assert_eq!(
            mailbox("Ada \"A\" Admin", "ada@acme.test"),
            "\"Ada \\\"A\\\" Admin\"\r\n <ada@acme.test>"
        );
        let hostile = unstructured("Hi\r\nBcc: victim@example.com");
        assert!(!hostile.contains("\r\nBcc"), "{hostile}");
    }
}
