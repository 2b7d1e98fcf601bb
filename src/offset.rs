//! Offsets and durations as authors write them: `3d`, `2bd`, `1w`.

use std::fmt;

/// A span of time counted in calendar days or in business days.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Offset {
    /// Calendar days (`3d`; `1w` is seven of them).
    Days(u32),
    /// Business days: work days that are not holidays (`2bd`).
    BusinessDays(u32),
}

impl Offset {
    /// Parses `3d`, `2bd` or `1w`. Returns the reason on failure, for a diagnostic.
    pub fn parse(text: &str) -> Result<Offset, String> {
        let text = text.trim();
        let split = text
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len());
        let (number, unit) = text.split_at(split);
        if number.is_empty() {
            return Err(format!("`{text}` does not start with a number"));
        }
        let n: u32 = number
            .parse()
            .map_err(|_| format!("`{number}` is too large"))?;
        if n > 3650 {
            return Err(format!("`{text}` is more than ten years"));
        }
        match unit {
            "d" => Ok(Offset::Days(n)),
            "bd" => Ok(Offset::BusinessDays(n)),
            "w" => Ok(Offset::Days(n * 7)),
            "" => Err(format!("`{text}` has no unit")),
            other => Err(format!("unknown unit `{other}`")),
        }
    }
}

impl fmt::Display for Offset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Offset::Days(n) => write!(f, "{n}d"),
            Offset::BusinessDays(n) => write!(f, "{n}bd"),
        }
    }
}

/// The help line shown with an invalid offset.
pub const OFFSET_HELP: &str =
    "write a number and a unit: `3d` (calendar days), `2bd` (business days) or `1w` (weeks)";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_unit() {
        assert_eq!(Offset::parse("3d"), Ok(Offset::Days(3)));
        assert_eq!(Offset::parse("2bd"), Ok(Offset::BusinessDays(2)));
        assert_eq!(Offset::parse("1w"), Ok(Offset::Days(7)));
        assert_eq!(Offset::parse("0d"), Ok(Offset::Days(0)));
    }

    #[test]
    fn rejects_what_is_not_an_offset() {
        assert!(Offset::parse("bd").is_err());
        assert!(Offset::parse("3").is_err());
        assert!(Offset::parse("3y").is_err());
        assert!(Offset::parse("-3d").is_err());
        assert!(Offset::parse("99999999999d").is_err());
    }
}
