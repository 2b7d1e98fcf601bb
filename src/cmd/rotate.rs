//! `gangway rotate`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use gangway::build::WithoutPassphrase;

use super::secret::{SecretUse, portal_secret};
use super::{compile_with, site_base_url};

/// The arguments of `gangway rotate`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// The customer's id (its file name in customers/, without .yaml)
    customer: String,
    /// The site's root directory
    #[arg(long, default_value = ".")]
    root: PathBuf,
}

/// Runs `gangway rotate`.
pub(crate) fn run(args: Args) -> Result<ExitCode> {
    rotate(&args.root, &args.customer)
}

/// `gangway rotate ID`: bumps the customer's `portal_rotation` and prints the new address.
fn rotate(root: &Path, customer: &str) -> Result<ExitCode> {
    let path = customer_file(root, customer)?;
    // Refuse before changing anything when the new address could not be printed.
    portal_secret(root, SecretUse::Require)?;
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let (updated, rotation) =
        bump_rotation(&text).with_context(|| format!("cannot rotate {}", path.display()))?;
    std::fs::write(&path, updated).with_context(|| format!("cannot write {}", path.display()))?;
    super::ui::note!(
        "{}: portal_rotation is now {rotation}; the old address stops working when the site is next published",
        path.display()
    );
    let compiled = compile_with(
        root,
        None,
        (SecretUse::Require, WithoutPassphrase::ShowUnencrypted),
        Some(&|_| {}),
    )?;
    if let Some(p) = compiled.portals.iter().find(|p| p.customer == customer) {
        println!("{}/{}", site_base_url(root)?, p.path);
    }
    Ok(ExitCode::SUCCESS)
}

/// The file of the customer `id`: `customers/<id>.yaml` (or `.yml`), which must exist.
/// The id must be one the site could have (the rules of [`gangway::ids`]), so no
/// argument can name a file outside `customers/`.
fn customer_file(root: &Path, id: &str) -> Result<PathBuf> {
    if !gangway::ids::is_valid_id(id) {
        bail!(
            "`{id}` is not a customer id: {}; a customer's id is its file name in customers/ without .yaml",
            gangway::ids::ID_HELP
        );
    }
    let folder = root.join("customers");
    ["yaml", "yml"]
        .iter()
        .map(|extension| folder.join(format!("{id}.{extension}")))
        .find(|path| path.is_file())
        .with_context(|| {
            format!(
                "there is no customer `{id}`: {} does not exist",
                folder.join(format!("{id}.yaml")).display()
            )
        })
}

/// Sets or increments the top-level `portal_rotation:` in a customer file. Every
/// other byte stays as it was: line endings (`\r\n` or `\n`, and whether the
/// last line has one, also when a line is added), other lines, a comment after
/// the number, a byte-order mark.
fn bump_rotation(text: &str) -> Result<(String, u32)> {
    let mut out = String::with_capacity(text.len() + 24);
    let mut rotation = None;
    // A byte-order mark (Windows editors write one) stays, and is not part of the first key.
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => {
            out.push('\u{feff}');
            rest
        }
        None => text,
    };
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\r', '\n']);
        let ending = &line[content.len()..];
        match content.strip_prefix("portal_rotation:") {
            Some(value) if rotation.is_none() => {
                let (number, comment) = match value.find('#') {
                    Some(at) => value.split_at(at),
                    None => (value, ""),
                };
                let current = number.trim();
                let next = if current.is_empty() {
                    1
                } else {
                    current
                        .parse::<u32>()
                        .ok()
                        .and_then(|n| n.checked_add(1))
                        .with_context(|| {
                            format!(
                                "portal_rotation is `{current}`, not a number gangway can increase"
                            )
                        })?
                };
                let spacing = &number[number.trim_end().len()..];
                let spacing = if comment.is_empty() { "" } else { spacing };
                out.push_str(&format!(
                    "portal_rotation: {next}{spacing}{comment}{ending}"
                ));
                rotation = Some(next);
            }
            _ => out.push_str(line),
        }
    }
    if let Some(rotation) = rotation {
        return Ok((out, rotation));
    }
    // A new last line, ended the way the file's lines are; a file whose last
    // line had no line break still ends without one.
    let ending = if text.contains("\r\n") { "\r\n" } else { "\n" };
    out.push_str(&rotation_line(text, ending));
    Ok((out, 1))
}

/// `portal_rotation: 1` as a new last line after `text`: a line break before it
/// when the last line has none (and then none after it), else one after it.
fn rotation_line(text: &str, ending: &str) -> String {
    if text.is_empty() || text.ends_with('\n') {
        format!("portal_rotation: 1{ending}")
    } else {
        format!("{ending}portal_rotation: 1")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotation_is_set_or_increased_keeping_every_other_byte() {
        let cases: &[(&str, &str, u32)] = &[
            ("name: A\n", "name: A\nportal_rotation: 1\n", 1),
            ("name: A", "name: A\nportal_rotation: 1", 1),
            ("name: A\r\n", "name: A\r\nportal_rotation: 1\r\n", 1),
            (
                "name: A\r\nx: 1",
                "name: A\r\nx: 1\r\nportal_rotation: 1",
                1,
            ),
            (
                "\u{feff}portal_rotation: 2\r\nname: A\r\n",
                "\u{feff}portal_rotation: 3\r\nname: A\r\n",
                3,
            ),
            (
                "\u{feff}name: A\r\n",
                "\u{feff}name: A\r\nportal_rotation: 1\r\n",
                1,
            ),
            ("", "portal_rotation: 1\n", 1),
            (
                "name: A\r\nportal_rotation: 2\r\nplaybook: p\r\n",
                "name: A\r\nportal_rotation: 3\r\nplaybook: p\r\n",
                3,
            ),
            ("portal_rotation: 9", "portal_rotation: 10", 10),
            (
                "portal_rotation: 4   # leaked in a ticket\n",
                "portal_rotation: 5   # leaked in a ticket\n",
                5,
            ),
            (
                "team:\n  portal_rotation: 7\nportal_rotation:\n",
                "team:\n  portal_rotation: 7\nportal_rotation: 1\n",
                1,
            ),
        ];
        for (before, after, rotation) in cases {
            let (text, n) = bump_rotation(before).expect("a rotation");
            assert_eq!((text.as_str(), n), (*after, *rotation), "{before:?}");
        }
    }

    #[test]
    fn a_rotation_that_is_not_a_number_is_refused() {
        for text in ["portal_rotation: two\n", "portal_rotation: 4294967295\n"] {
            assert!(bump_rotation(text).is_err(), "{text:?}");
        }
    }
}
