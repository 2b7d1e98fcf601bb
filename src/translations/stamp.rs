//! Recording a source hash in a translation (`translation_of:`): the value
//! replaced, or the key added, by splicing text at the place the parser gives,
//! so every other byte of the file stays as it was (line endings, comments,
//! quoting, a byte-order mark). The new text is read again: it must record the
//! hash and say everything else as the old text did, or nothing is changed.

use std::sync::Arc;

use super::{Kind, Unreadable, problem_of};
use crate::diagnostic::{Diagnostics, SourceFile};
use crate::raw::RawPlaybookTranslation;
use crate::resolve::content::page_text;
use crate::yaml;

/// What a translation says (every text of it, named) and the hash it records,
/// with the byte range of the recorded value in `file`.
struct Said {
    texts: Vec<(String, String)>,
    recorded: Option<(String, (usize, usize))>,
    /// Where a new `translation_of:` line goes, and whether it is TOML.
    insert_at: usize,
    toml: bool,
}

/// The hash a playbook translation records, read as a build reads the file.
pub(super) fn recorded_in_playbook_translation(
    path: &str,
    bytes: &[u8],
) -> Result<Option<String>, Unreadable> {
    let file = super::decode(path, bytes)?;
    let said = read_playbook_translation(&file)?;
    Ok(said.recorded.map(|(v, _)| v.trim().to_string()))
}

fn read_playbook_translation(file: &Arc<SourceFile>) -> Result<Said, Unreadable> {
    let tr: RawPlaybookTranslation = yaml::parse_all(file, 0, file.text.len())
        .map_err(|ds| problem_of(&file.path, Diagnostics::from(ds)))?;
    let mut texts = Vec::new();
    let mut add = |name: String, v: &Option<yaml::Spanned<String>>| {
        if let Some(v) = v {
            texts.push((name, v.value.clone()));
        }
    };
    add("title".into(), &tr.title);
    add("summary".into(), &tr.summary);
    for (id, title) in &tr.roles {
        add(format!("role {}", id.value), &Some(title.clone()));
    }
    for (what, map) in [
        ("phase", &tr.phases),
        ("task", &tr.tasks),
        ("milestone", &tr.milestones),
    ] {
        for (id, t) in map {
            add(format!("{what} {}: title", id.value), &t.title);
            add(format!("{what} {}: description", id.value), &t.description);
        }
    }
    let recorded =
        (tr.translation_of.as_ref()).map(|r| (r.value.clone(), yaml::span_in(file, 0, &r.place)));
    Ok(Said {
        texts,
        recorded,
        insert_at: after_leading_comments(&file.text),
        toml: false,
    })
}

fn read_page(file: &Arc<SourceFile>, id: &str) -> Result<Said, Unreadable> {
    let page = page_text(file, id).map_err(|d| problem_of(&file.path, d))?;
    let (start, len, toml) = page.front;
    let mut insert_at = start + len;
    if toml {
        // Before the first table (`[taxonomies]`): a key after it would be the table's.
        let mut pos = start;
        for line in file.text[start..start + len].split_inclusive('\n') {
            if line.trim_start().starts_with('[') {
                insert_at = pos;
                break;
            }
            pos += line.len();
        }
    }
    Ok(Said {
        texts: (page.parts.into_iter())
            .map(|(n, t)| (n.to_string(), t))
            .collect(),
        recorded: page.translation_of,
        insert_at,
        toml,
    })
}

/// The start of the first line of a YAML file that is not blank, a comment, a
/// directive or the document's `---`: where a playbook translation's
/// `translation_of:` goes (the end of the file when there is none).
fn after_leading_comments(text: &str) -> usize {
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if !(t.is_empty() || t.starts_with('#') || t.starts_with('%') || t == "---") {
            return pos;
        }
        pos += line.len();
    }
    pos
}

fn read(file: &Arc<SourceFile>, kind: &Kind) -> Result<Said, Unreadable> {
    match kind {
        Kind::Page(id) => read_page(file, id),
        Kind::Playbook => read_playbook_translation(file),
    }
}

/// Whether a hash written as a plain YAML value would be read as a number.
fn reads_as_number(hash: &str) -> bool {
    hash.parse::<f64>().is_ok()
}

/// A stamped file.
#[derive(Debug, PartialEq, Eq)]
pub struct Stamped {
    /// The file's new bytes.
    pub bytes: Vec<u8>,
    /// The hash it recorded before, if any.
    pub before: Option<String>,
}

/// `bytes` (the translation at `path` of an original of `kind`) with `hash`
/// recorded in its `translation_of:`; `None` when it records that hash already.
/// Fails, changing nothing, when the file cannot be read or the new text would
/// not read back as the same translation with the new hash.
pub fn stamp(path: &str, kind: &Kind, bytes: &[u8], hash: &str) -> Result<Option<Stamped>, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| format!("{path} is not UTF-8 text"))?;
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let text = &text[bom..];
    // Read as written (not normalised), so the places are places in these bytes.
    let file = SourceFile::new(path, text);
    let said = read(&file, kind).map_err(|u| {
        format!(
            "{} cannot be read ({}); `gangway check` shows the problem",
            u.path, u.problem
        )
    })?;
    let before = said.recorded.as_ref().map(|(v, _)| v.trim().to_string());
    if before.as_deref() == Some(hash) {
        return Ok(None);
    }
    let new = splice(text, &said, hash);
    let again = read(&SourceFile::new(path, new.as_str()), kind).map_err(|u| {
        format!(
            "{path}: gangway could not record the hash without breaking the file ({}); set `translation_of: {hash}` by hand",
            u.problem
        )
    })?;
    let recorded = again.recorded.as_ref().map(|(v, _)| v.trim());
    if recorded != Some(hash) || again.texts != said.texts {
        return Err(format!(
            "{path}: gangway could not record the hash without changing what the file says; set `translation_of: {hash}` by hand"
        ));
    }
    let mut out = bytes[..bom].to_vec();
    out.extend_from_slice(new.as_bytes());
    Ok(Some(Stamped { bytes: out, before }))
}

/// The text with `hash` spliced in: over the recorded value, or as a new line.
fn splice(text: &str, said: &Said, hash: &str) -> String {
    let quoted = format!("\"{hash}\"");
    let mut out = String::with_capacity(text.len() + 32);
    match &said.recorded {
        Some((_, (start, end))) => {
            let (start, end) = (*start, (*end).min(text.len()));
            let value = &text[start..end];
            let in_quotes =
                |q: char| value.len() >= 2 && value.starts_with(q) && value.ends_with(q);
            let written = if in_quotes('"') || in_quotes('\'') {
                // Keep the author's quotes.
                format!("{}{hash}{}", &value[..1], &value[value.len() - 1..])
            } else if text[..start].ends_with(['"', '\'']) || !(said.toml || reads_as_number(hash))
            {
                hash.to_string()
            } else {
                quoted
            };
            out.push_str(&text[..start]);
            out.push_str(&written);
            out.push_str(&text[end..]);
        }
        None => {
            let at = said.insert_at.min(text.len());
            // Lines end as the file's do.
            let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
            out.push_str(&text[..at]);
            if !out.is_empty() && !out.ends_with('\n') {
                out.push_str(eol);
            }
            let value = if said.toml || reads_as_number(hash) {
                quoted.as_str()
            } else {
                hash
            };
            let sep = if said.toml { " = " } else { ": " };
            out.push_str(&format!("translation_of{sep}{value}{eol}"));
            out.push_str(&text[at..]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(text: &str) -> Result<Option<String>, String> {
        let kind = Kind::Page("kb/a".into());
        stamp("content/kb/a.ms.md", &kind, text.as_bytes(), "0123456789ab")
            .map(|s| s.map(|s| String::from_utf8(s.bytes).unwrap()))
    }

    fn playbook(text: &str, hash: &str) -> Result<Option<String>, String> {
        stamp(
            "playbooks/p.ms.yaml",
            &Kind::Playbook,
            text.as_bytes(),
            hash,
        )
        .map(|s| s.map(|s| String::from_utf8(s.bytes).unwrap()))
    }

    #[test]
    fn a_missing_hash_is_added_at_the_end_of_the_front_matter() {
        let cases = [
            (
                "---\ntitle: Satu\n---\nBody\n",
                "---\ntitle: Satu\ntranslation_of: 0123456789ab\n---\nBody\n",
            ),
            (
                "---\r\ntitle: Satu # comment\r\n---\r\nBody",
                "---\r\ntitle: Satu # comment\r\ntranslation_of: 0123456789ab\r\n---\r\nBody",
            ),
            (
                "\u{feff}---\ntitle: |\n  Satu\n---\n",
                "\u{feff}---\ntitle: |\n  Satu\ntranslation_of: 0123456789ab\n---\n",
            ),
            (
                "+++\ntitle = \"Satu\"\n[taxonomies]\ntags = [\"a\"]\n+++\nBody\n",
                "+++\ntitle = \"Satu\"\ntranslation_of = \"0123456789ab\"\n[taxonomies]\ntags = [\"a\"]\n+++\nBody\n",
            ),
            (
                "+++\r\ntitle = \"Satu\"\r\n+++\r\n",
                "+++\r\ntitle = \"Satu\"\r\ntranslation_of = \"0123456789ab\"\r\n+++\r\n",
            ),
        ];
        for (before, after) in cases {
            assert_eq!(page(before), Ok(Some(after.to_string())), "{before:?}");
        }
    }

    #[test]
    fn a_recorded_hash_is_replaced_where_it_is_written() {
        let cases = [
            (
                "---\ntranslation_of: abc   # old\ntitle: Satu\n---\n",
                "---\ntranslation_of: 0123456789ab   # old\ntitle: Satu\n---\n",
            ),
            (
                "---\ntitle: Satu\ntranslation_of: \"abc\"\n---\n",
                "---\ntitle: Satu\ntranslation_of: \"0123456789ab\"\n---\n",
            ),
            (
                "---\ntitle: Satu\ntranslation_of: 'new'\n---\n",
                "---\ntitle: Satu\ntranslation_of: '0123456789ab'\n---\n",
            ),
            (
                "+++\ntitle = \"Satu\"\ntranslation_of = \"abc\"\n+++\n",
                "+++\ntitle = \"Satu\"\ntranslation_of = \"0123456789ab\"\n+++\n",
            ),
        ];
        for (before, after) in cases {
            assert_eq!(page(before), Ok(Some(after.to_string())), "{before:?}");
        }
        assert_eq!(
            page("---\ntitle: Satu\ntranslation_of: 0123456789ab\n---\n"),
            Ok(None)
        );
    }

    #[test]
    fn a_playbook_translation_gets_the_hash_after_its_leading_comments() {
        let text = "# Malay\r\n\r\ntitle: Orientasi\r\ntasks:\r\n  a:\r\n    title: Satu\r\n";
        assert_eq!(
            playbook(text, "0123456789ab"),
            Ok(Some(
                "# Malay\r\n\r\ntranslation_of: 0123456789ab\r\ntitle: Orientasi\r\ntasks:\r\n  a:\r\n    title: Satu\r\n"
                    .to_string()
            ))
        );
        // A hash YAML would read as a number is quoted.
        assert_eq!(
            playbook("# only a comment", "123456789012"),
            Ok(Some(
                "# only a comment\ntranslation_of: \"123456789012\"\n".to_string()
            ))
        );
        assert_eq!(
            playbook("translation_of: 1\ntitle: A\n", "12e456789012"),
            Ok(Some(
                "translation_of: \"12e456789012\"\ntitle: A\n".to_string()
            ))
        );
    }

    #[test]
    fn files_that_cannot_be_read_or_kept_are_left_alone() {
        // Not closed: no place to write.
        assert!(page("---\ntitle: Satu\n").is_err());
        // A flow mapping at the top: a new line would break it.
        let err = playbook("{title: A}\n", "0123456789ab").unwrap_err();
        assert!(err.contains("by hand"), "{err}");
        assert!(playbook("title: [\n", "0123456789ab").is_err());
    }
}
