//! Languages: every piece of text in the model belongs to one.

use std::fmt;

/// A BCP 47 language tag (`en`, `ms`, `ne`, `pt-BR`), normalised to the usual case.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Lang(String);

impl Lang {
    /// English, the default when a site says nothing.
    pub fn english() -> Lang {
        Lang("en".to_string())
    }

    /// Parses a language tag: a 2–3 letter language, then optional subtags.
    pub fn parse(text: &str) -> Result<Lang, String> {
        let mut parts = text.trim().split(['-', '_']);
        let primary = parts.next().unwrap_or("");
        if !(2..=3).contains(&primary.len()) || !primary.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(format!("`{text}` is not a language code"));
        }
        let mut tag = primary.to_ascii_lowercase();
        for part in parts {
            if !(1..=8).contains(&part.len()) || !part.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(format!("`{text}` is not a language code"));
            }
            tag.push('-');
            match part.len() {
                2 => tag.push_str(&part.to_ascii_uppercase()),
                4 => {
                    let mut chars = part.chars();
                    if let Some(first) = chars.next() {
                        tag.push(first.to_ascii_uppercase());
                    }
                    tag.push_str(&chars.as_str().to_ascii_lowercase());
                }
                _ => tag.push_str(&part.to_ascii_lowercase()),
            }
        }
        Ok(Lang(tag))
    }

    /// The tag as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case() {
        assert_eq!(Lang::parse("EN").unwrap().as_str(), "en");
        assert_eq!(Lang::parse("pt_br").unwrap().as_str(), "pt-BR");
        assert_eq!(Lang::parse("sr-latn").unwrap().as_str(), "sr-Latn");
        assert!(Lang::parse("english").is_err());
        assert!(Lang::parse("").is_err());
    }
}
