//! Values that must never be printed: the portal secret's inputs, encryption
//! passphrases, the process environment.
//!
//! [`Secret`] wraps such a value so that `{:?}`, `{:#?}` and `{}` show
//! `[redacted]` instead of it. A struct that holds one can derive `Debug` without
//! leaking it into a log line, a panic message or a test failure. Reading the value
//! takes an explicit [`Secret::expose`], so every use is visible in the code.

use std::fmt;

/// What a [`Secret`] prints instead of its value.
pub const REDACTED: &str = "[redacted]";

/// A value that is never printed: its `Debug` and `Display` show `[redacted]`.
#[derive(Clone, Default)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    /// Wraps a value.
    pub fn new(value: T) -> Secret<T> {
        Secret(value)
    }

    /// The value itself. Callers must not print it.
    pub fn expose(&self) -> &T {
        &self.0
    }

    /// The value itself, for changing it. Callers must not print it.
    pub fn expose_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T> From<T> for Secret<T> {
    fn from(value: T) -> Secret<T> {
        Secret(value)
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl<T> fmt::Display for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_hides_the_value() {
        let secret = Secret::new("hunter2 correct horse".to_string());
        for shown in [
            format!("{secret:?}"),
            format!("{secret:#?}"),
            format!("{secret}"),
            format!("{:?}", Some(&secret)),
        ] {
            assert!(!shown.contains("hunter2"), "{shown}");
            assert!(shown.contains(REDACTED), "{shown}");
        }
        assert_eq!(secret.expose(), "hunter2 correct horse");
    }
}
