//! The portal secret that decides every portal's address: from
//! `GANGWAY_PORTAL_SECRET`, else the site's `.portal-secret`, which `build`
//! creates (private to its owner, and left out of git).

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result, bail};
use gangway::privacy::PortalSecret;

/// How a command uses the portal secret when none is configured.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum SecretUse {
    /// Create and store one (build): addresses must stay the same from build to build.
    CreateIfMissing,
    /// Use a throw-away one (check): addresses do not matter when nothing is written.
    Ephemeral,
    /// Refuse to go on (links, rotate): printing addresses from a throw-away secret would mislead.
    Require,
}

const SECRET_ENV: &str = "GANGWAY_PORTAL_SECRET";
const SECRET_FILE: &str = ".portal-secret";

/// The portal secret: `GANGWAY_PORTAL_SECRET`, else ROOT/.portal-secret.
pub(crate) fn portal_secret(root: &Path, usage: SecretUse) -> Result<PortalSecret> {
    if let Ok(text) = std::env::var(SECRET_ENV) {
        return PortalSecret::from_text(&text)
            .with_context(|| format!("{SECRET_ENV} is not a usable secret"));
    }
    let file = root.join(SECRET_FILE);
    if file.is_file() {
        return read_secret_file(&file);
    }
    let text = PortalSecret::generate_text()
        .map_err(|e| anyhow::anyhow!("cannot get random bytes for a portal secret: {e}"))?;
    match usage {
        SecretUse::Ephemeral => {}
        SecretUse::Require => bail!(
            "no portal secret: set {SECRET_ENV} or create {} (gangway build creates one)",
            file.display()
        ),
        SecretUse::CreateIfMissing => {
            if !create_secret_file(&file, &text)? {
                // Another build created it first: use theirs, so both agree.
                return read_secret_file(&file);
            }
            super::ui::note!(
                "created {}: it decides every portal's address. Keep it out of git, back it up, and give CI the same value in {SECRET_ENV}.",
                file.display()
            );
            // The secret exists now; a .gitignore that cannot be written is the
            // author's to fix, not a reason to fail the build.
            if let Err(err) = ignore_secret_file(root) {
                super::ui::note!("warning: {err:#}; add /{SECRET_FILE} to .gitignore yourself");
            }
        }
    }
    Ok(PortalSecret::from_text(&text)?)
}

/// The secret in `file`, with a warning when other users can read it (a file
/// made before gangway created it private, or copied since).
fn read_secret_file(file: &Path) -> Result<PortalSecret> {
    #[cfg(unix)]
    if let Ok(meta) = std::fs::metadata(file)
        && std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o077 != 0
    {
        super::ui::note!(
            "warning: other users of this machine can read {}; make it private with `chmod 600 {}`",
            file.display(),
            file.display()
        );
    }
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    PortalSecret::from_text(&text)
        .with_context(|| format!("{} is not a usable secret", file.display()))
}

/// Writes a new secret file that only its owner can read (mode 0600 on Unix, set
/// as the file is created, so it is never readable by others even for a moment).
/// False when the file already exists.
fn create_secret_file(file: &Path, text: &str) -> Result<bool> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut out = match options.open(file) {
        Ok(out) => out,
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => return Ok(false),
        Err(err) => {
            return Err(anyhow::Error::new(err).context(format!("cannot write {}", file.display())));
        }
    };
    out.write_all(format!("{text}\n").as_bytes())
        .and_then(|()| out.sync_all())
        .with_context(|| format!("cannot write {}", file.display()))?;
    Ok(true)
}

/// Adds `/.portal-secret` to the site's `.gitignore` (creating it if missing)
/// unless a line there already ignores it, as `init` does for a new site.
fn ignore_secret_file(root: &Path) -> Result<()> {
    let path = root.join(".gitignore");
    let existing = match std::fs::read(&path) {
        Ok(bytes) => Some(bytes),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
        Err(err) => {
            return Err(anyhow::Error::new(err).context(format!("cannot read {}", path.display())));
        }
    };
    let Some(updated) = gitignore_with_secret(existing.as_deref()) else {
        return Ok(());
    };
    std::fs::write(&path, updated).with_context(|| format!("cannot write {}", path.display()))?;
    let done = if existing.is_some() {
        "added it to"
    } else {
        "created"
    };
    super::ui::note!(
        "{done} {} (/{SECRET_FILE}), so git leaves the secret out",
        path.display()
    );
    Ok(())
}

/// The `.gitignore` with a line for the secret file appended, or `None` when a line
/// already ignores it. The new line ends the way the file's lines do, and a last
/// line without a line break gets one first.
fn gitignore_with_secret(existing: Option<&[u8]>) -> Option<Vec<u8>> {
    gangway::init::gitignore_with(existing.unwrap_or_default(), &format!("/{SECRET_FILE}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_file_is_added_to_gitignore_once_with_its_line_endings() {
        let with = |text: &str| {
            gitignore_with_secret(Some(text.as_bytes())).map(|b| String::from_utf8(b).unwrap())
        };
        assert_eq!(
            gitignore_with_secret(None).as_deref(),
            Some(b"/.portal-secret\n".as_slice())
        );
        assert_eq!(
            with("/public/\n").as_deref(),
            Some("/public/\n/.portal-secret\n")
        );
        assert_eq!(
            with("/public/").as_deref(),
            Some("/public/\n/.portal-secret\n")
        );
        assert_eq!(
            with("/public/\r\n").as_deref(),
            Some("/public/\r\n/.portal-secret\r\n")
        );
        assert_eq!(
            with("a\r\nb").as_deref(),
            Some("a\r\nb\r\n/.portal-secret\r\n")
        );
        for ignored in [
            "/public/\n/.portal-secret\n",
            ".portal-secret",
            "x\r\n.portal-secret\r\n",
        ] {
            assert_eq!(with(ignored), None, "{ignored:?}");
        }
        // A longer name is another file.
        assert!(with(".portal-secret.bak\n").is_some());
    }
}
