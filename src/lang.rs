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

    /// The language's name in itself, for language switchers (the tag when unknown).
    pub fn native_name(&self) -> &str {
        let primary = self.0.split('-').next().unwrap_or(&self.0);
        match primary {
            "en" => "English",
            "ms" => "Bahasa Melayu",
            "ne" => "नेपाली",
            "kk" => "Қазақ тілі",
            "lo" => "ລາວ",
            "ny" => "Chichewa",
            "id" => "Bahasa Indonesia",
            "th" => "ไทย",
            "km" => "ខ្មែរ",
            "my" => "မြန်မာ",
            "hi" => "हिन्दी",
            "ru" => "Русский",
            "fr" => "Français",
            "es" => "Español",
            "pt" => "Português",
            "de" => "Deutsch",
            "sw" => "Kiswahili",
            "zh" => "中文",
            "vi" => "Tiếng Việt",
            _ => &self.0,
        }
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
