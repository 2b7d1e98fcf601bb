//! A customer's portal: overview, checklist, timeline, FAQ, calendar and plan.json.
//!
//! The portal is written in the customer's language at the root of its directory,
//! and in each of its other languages (`Customer::languages`) in a sub-folder of
//! that name, with a switcher between them.
//!
//! One file per part: [`tasks`] holds the task values shared by every page and
//! language, [`pages`] builds the pages of one language (one function per page),
//! [`files`] writes the calendar and `plan.json`, [`seal`] encrypts a portal.
//!
//! Invariant: every file made here lies under [`portal_dir`] of its customer, and
//! nothing internal (internal tasks, their ids, notes) is among its inputs' output.

mod files;
mod forms;
mod pages;
mod seal;
mod tasks;

pub(crate) use seal::seal_folder;

use crate::diagnostic::Diagnostics;
use crate::lang::Lang;
use crate::model::Customer;
use crate::output::OutputFile;
use crate::plan::Plan;
use crate::render::page::render_pages;
use crate::render::{RenderInput, portal_dir};

/// The folder of the portal in `lang`, relative to the site root.
fn portal_lang_dir(customer: &Customer, lang: &Lang) -> String {
    let base = portal_dir(customer);
    if *lang == customer.language {
        base
    } else {
        format!("{base}{lang}/")
    }
}

/// Renders one customer's portal in each of its languages.
pub(crate) fn render_portal(
    input: &RenderInput<'_>,
    customer: &Customer,
    plan: &Plan,
) -> (Vec<OutputFile>, Diagnostics) {
    let site = input.site;
    let Some(playbook) = site.playbooks.get(&customer.playbook) else {
        return (Vec::new(), Diagnostics::new());
    };
    let forms = forms::Forms::new(input, customer, playbook);
    let common = tasks::Common::new(
        site.faqs.as_slice(),
        playbook,
        plan,
        &forms,
        &customer.text_language,
    );
    let mut all_pages = Vec::new();
    for lang in &customer.languages {
        all_pages.extend(pages::language_pages(
            input, customer, playbook, plan, &common, &forms, lang,
        ));
    }
    let rendered = std::sync::Mutex::new(Vec::new());
    let diagnostics = render_pages(input, all_pages, true, &|f| {
        if let Ok(mut list) = rendered.lock() {
            list.push(f);
        }
    });
    let mut out = rendered.into_inner().unwrap_or_default();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    let dir = portal_dir(customer);
    for calendar in files::calendars(input, customer, playbook, plan, &dir) {
        out.push(OutputFile {
            path: format!("{dir}{}", calendar.name),
            bytes: calendar.text.into_bytes(),
        });
    }
    out.push(OutputFile {
        path: format!("{dir}plan.json"),
        bytes: files::plan_json(input, customer, playbook, plan).into_bytes(),
    });
    if site.config.search.portal {
        for lang in &customer.languages {
            let at = portal_lang_dir(customer, lang);
            out.push(crate::render::search::portal_index(
                input,
                plan,
                &common.faqs,
                lang,
                &at,
            ));
        }
    }
    if let Some(passphrase) = &customer.passphrase {
        out = seal::seal_portal(input, customer, passphrase.expose(), out);
    }
    (out, diagnostics)
}
