//! Identifiers of playbooks, phases, tasks, roles and customers.

/// True for `[a-z0-9][a-z0-9-]*` (at most 64 characters): safe in URLs, file names and
/// calendar UIDs, and the same on every file system.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
}

/// The help line for an invalid id.
pub const ID_HELP: &str =
    "ids use lower-case letters, digits and `-`, and start with a letter or digit";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_url_safe() {
        assert!(is_valid_id("kyc-2"));
        assert!(!is_valid_id("KYC"));
        assert!(!is_valid_id("-a"));
        assert!(!is_valid_id("a b"));
        assert!(!is_valid_id("ການ"));
        assert!(!is_valid_id(""));
    }
}
