//! The relative links of a page: each must lead to a published page (and
//! anchor) or a file under `content/`.

use std::collections::BTreeSet;

use crate::diagnostic::{Code, Diagnostic, Diagnostics, Label};
use crate::links::{LinkKind, Resolved, is_relative, page_id, resolve_link};
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
    let absolute = link.dest.starts_with('/') && !link.dest.starts_with("//");
    let Some(resolved) = resolve_link(&link.dest, &page.file_id) else {
        if absolute {
            diagnostics.push(absolute_link(link).at(here()));
        } else if is_relative(&link.dest) || link.dest.starts_with("@/") {
            diagnostics.push(
                Diagnostic::error(
                    Code::BrokenLink,
                    format!("`{}` leads outside content/", link.dest),
                )
                .at(here())
                .help("link to files inside content/ by their relative path"),
            );
        }
        return;
    };
    let target = &resolved.target;
    match resolved.kind {
        LinkKind::Markdown => {
            let md = page_id(target.strip_suffix(".md").unwrap_or(target));
            let md = targets.index_pages.get(&md).cloned().unwrap_or(md);
            let shown = format!("content/{target}");
            let anchor = resolved.anchor;
            check_page_link(page, link, targets, &shown, &md, anchor, diagnostics);
        }
        LinkKind::File if !targets.others.contains(target) => {
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
        LinkKind::File => {}
        LinkKind::Address => check_address(page, link, targets, &resolved, diagnostics),
    }
}

/// The warning for an absolute path that is no page's address (`/images/a.png`).
fn absolute_link(link: &MdLink) -> Diagnostic {
    Diagnostic::warning(
        Code::AbsoluteLink,
        format!(
            "`{}` is an absolute path; it breaks when the site is not at the root of its host",
            link.dest
        ),
    )
    .help("link to the Markdown file instead, relative to this one: `../kb/setup.md`")
}

/// A link written as a page's address (`../setup/`, `/kb/setup/`): it must lead
/// to a published page (and its anchor), a section, or one of the knowledge
/// base's own pages.
fn check_address(
    page: &Parsed,
    link: &MdLink,
    targets: &LinkTargets,
    resolved: &Resolved<'_>,
    diagnostics: &mut Diagnostics,
) {
    let id = resolved.target.as_str();
    let listing = matches!(id, "" | "kb" | "faq" | "a-z")
        || targets.ids.contains_key(&format!("{id}/_index"))
        || targets.ids.keys().any(|k| {
            k.strip_prefix(id)
                .is_some_and(|rest| rest.starts_with('/') && !id.is_empty())
        });
    // An earlier address (`aliases`, `slug`) leads to its page by a redirect.
    let page_id = targets.aliases.get(id).map_or(id, String::as_str);
    if targets.ids.contains_key(page_id) {
        let shown = format!("{id}/");
        check_page_link(
            page,
            link,
            targets,
            &shown,
            page_id,
            resolved.anchor,
            diagnostics,
        );
    } else if !listing && !targets.unreadable.contains(id) {
        let here = Label::new(&page.file, page.body + link.start, page.body + link.end);
        if resolved.absolute {
            diagnostics.push(absolute_link(link).at(here));
            return;
        }
        let mut d = Diagnostic::error(
            Code::BrokenLink,
            format!("`{}` leads to {id}/, where no page is published", link.dest),
        )
        .at(here);
        let ids = targets.ids.keys().map(String::as_str);
        d = d.help(match crate::suggest::did_you_mean(id, ids) {
            Some(best) => format!(
                "did you mean {best}/ (content/{best}.md)? An address is relative to this page's own address, {}",
                crate::links::address_dir(&page.id)
            ),
            None => format!(
                "an address is relative to this page's own address, {}; or link to the Markdown file: `other.md`",
                crate::links::address_dir(&page.id)
            ),
        });
        diagnostics.push(d);
    }
}

/// A link to the page `id` (named `shown` in messages): the page must exist and
/// be published, and have the anchor the link names.
fn check_page_link(
    page: &Parsed,
    link: &MdLink,
    targets: &LinkTargets,
    shown: &str,
    id: &str,
    anchor: Option<&str>,
    diagnostics: &mut Diagnostics,
) {
    let here = || Label::new(&page.file, page.body + link.start, page.body + link.end);
    let id = id.to_string();
    if targets.unreadable.contains(&id) {
        return;
    }
    match targets.anchors_of(&id, &page.lang) {
        None => {
            let mut d = Diagnostic::error(
                Code::BrokenLink,
                format!("`{}` links to {shown}, which does not exist", link.dest),
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
                        "`{}` links to {shown}, which is a draft and is not published",
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
                            "{shown} has no heading with the anchor `#{anchor}` in {}",
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
