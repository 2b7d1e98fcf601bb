//! The relative links of a page: each must lead to a published page (and
//! anchor) or a file under `content/`.

use std::collections::BTreeSet;

use crate::diagnostic::{Code, Diagnostic, Diagnostics, Label};
use crate::links::{is_relative, page_id, resolve_path, split_anchor};
use crate::markdown::MdLink;
use crate::model::LinkTargets;

use super::file::Parsed;

pub(super) fn check_link(
    page: &Parsed,
    link: &MdLink,
    targets: &LinkTargets,
    diagnostics: &mut Diagnostics,
) {
    let here = || Label::new(&page.file, page.body + link.start, page.body + link.end);
    if link.dest.starts_with('/') && !link.dest.starts_with("//") {
        diagnostics.push(
            Diagnostic::warning(Code::AbsoluteLink, format!("`{}` is an absolute path; it breaks when the site is not at the root of its host", link.dest))
                .at(here())
                .help("link to the Markdown file instead, relative to this one: `../kb/setup.md`"),
        );
        return;
    }
    if let Some(anchor) = link.dest.strip_prefix('#') {
        if let Some(set) = targets.anchors.get(&(page.id.clone(), page.lang.clone()))
            && !set.contains(anchor)
        {
            diagnostics.push(
                Diagnostic::error(
                    Code::BrokenAnchor,
                    format!("no heading with the anchor `#{anchor}` on this page"),
                )
                .at(here())
                .help(nearest(anchor, set)),
            );
        }
        return;
    }
    if !is_relative(&link.dest) {
        return;
    }
    let dir = match page.id.rfind('/') {
        Some(i) => &page.id[..i + 1],
        None => "",
    };
    let (path, anchor) = split_anchor(&link.dest);
    let Some(target) = resolve_path(path, dir) else {
        diagnostics.push(
            Diagnostic::error(
                Code::BrokenLink,
                format!("`{}` leads outside content/", link.dest),
            )
            .at(here())
            .help("link to files inside content/ by their relative path"),
        );
        return;
    };
    match target.strip_suffix(".md") {
        Some(md) => check_page_link(page, link, targets, &target, md, anchor, diagnostics),
        None if !targets.others.contains(&target)
            && !targets.ids.contains_key(target.trim_end_matches('/')) =>
        {
            diagnostics.push(
                Diagnostic::error(
                    Code::BrokenLink,
                    format!(
                        "`{}` links to content/{target}, which does not exist",
                        link.dest
                    ),
                )
                .at(here())
                .help("link to Markdown files by their `.md` name, and to images beside them"),
            );
        }
        None => {}
    }
}

/// A link to the page `md` (the target's path without `.md`): the page must
/// exist and be published, and have the anchor the link names.
fn check_page_link(
    page: &Parsed,
    link: &MdLink,
    targets: &LinkTargets,
    target: &str,
    md: &str,
    anchor: Option<&str>,
    diagnostics: &mut Diagnostics,
) {
    let here = || Label::new(&page.file, page.body + link.start, page.body + link.end);
    let id = page_id(md);
    if targets.unreadable.contains(&id) {
        return;
    }
    match targets.anchors_of(&id, &page.lang) {
        None => {
            let mut d = Diagnostic::error(
                Code::BrokenLink,
                format!(
                    "`{}` links to content/{target}, which does not exist",
                    link.dest
                ),
            )
            .at(here());
            let ids = targets
                .ids
                .keys()
                .chain(&targets.unreadable)
                .map(String::as_str);
            if let Some(best) = crate::suggest::did_you_mean(&id, ids) {
                d = d.help(format!("did you mean content/{best}.md?"));
            }
            diagnostics.push(d);
        }
        Some(_) if targets.drafts.contains(&id) && !targets.drafts.contains(&page.id) => {
            diagnostics.push(
                Diagnostic::error(
                    Code::LinkToDraft,
                    format!(
                        "`{}` links to content/{target}, which is a draft and is not published",
                        link.dest
                    ),
                )
                .at(here())
                .help(format!(
                    "publish it (remove `draft: true` from content/{id}.md), or remove the link until it is"
                )),
            );
        }
        Some(set) => {
            if let Some(anchor) = anchor
                && !set.contains(anchor)
            {
                diagnostics.push(
                    Diagnostic::error(
                        Code::BrokenAnchor,
                        format!(
                            "content/{target} has no heading with the anchor `#{anchor}` in {}",
                            page.lang
                        ),
                    )
                    .at(here())
                    .help(format!(
                        "{}; in translations, give headings a fixed anchor with `{{#id}}`",
                        nearest(anchor, set)
                    )),
                );
            }
        }
    }
}

fn nearest(anchor: &str, set: &BTreeSet<String>) -> String {
    match crate::suggest::did_you_mean(anchor, set.iter().map(String::as_str)) {
        Some(best) => format!("did you mean `#{best}`?"),
        None if set.is_empty() => "that page has no headings".to_string(),
        None => format!(
            "anchors there: {}",
            set.iter()
                .take(8)
                .map(|s| format!("#{s}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}
