//! A customer's portal: overview, checklist, timeline, FAQ, calendar and plan.json.
//!
//! The portal is written in the customer's language at the root of its directory,
//! and in every other site language in a sub-folder of that name, with a switcher
//! between them.
//!
//! Invariant: every file made here lies under [`portal_dir`] of its customer, and
//! nothing internal (internal tasks, their ids, notes) is among its inputs' output.

use std::collections::BTreeSet;

use serde_json::{Value as Json, json};

use crate::diagnostic::Diagnostics;
use crate::ics;
use crate::lang::Lang;
use crate::model::{Customer, Faq, Playbook};
use crate::output::OutputFile;
use crate::plan::{Item, Kind, Plan, pick};
use crate::raw::{Side, Status};
use crate::render::pages::{Lx, Page, lang_prefix, render_pages};
use crate::render::timeline;
use crate::render::{RenderInput, portal_dir, root_of};

/// The folder of the portal in `lang`, relative to the site root.
fn portal_lang_dir(customer: &Customer, lang: &Lang) -> String {
    let base = portal_dir(customer);
    if *lang == customer.language {
        base
    } else {
        format!("{base}{lang}/")
    }
}

/// Renders one customer's portal in every language.
pub(crate) fn render_portal(
    input: &RenderInput<'_>,
    customer: &Customer,
    plan: &Plan,
) -> (Vec<OutputFile>, Diagnostics) {
    let site = input.site;
    let Some(playbook) = site.playbooks.get(&customer.playbook) else {
        return (Vec::new(), Diagnostics::new());
    };
    let mut pages = Vec::new();
    for lang in &site.config.languages {
        pages.extend(language_pages(input, customer, playbook, plan, lang));
    }
    let rendered = std::sync::Mutex::new(Vec::new());
    let diagnostics = render_pages(input, pages, true, &|f| {
        if let Ok(mut list) = rendered.lock() {
            list.push(f);
        }
    });
    let mut files = rendered.into_inner().unwrap_or_default();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let dir = portal_dir(customer);
    files.push(OutputFile {
        path: format!("{dir}calendar.ics"),
        bytes: calendar(input, customer, playbook, plan, &dir).into_bytes(),
    });
    files.push(OutputFile {
        path: format!("{dir}plan.json"),
        bytes: plan_json(input, customer, playbook, plan).into_bytes(),
    });
    if let Some(passphrase) = &customer.passphrase {
        files = seal_portal(input, customer, passphrase, files);
    }
    (files, diagnostics)
}

/// Encrypts every file of a portal: pages become unlock pages in their language,
/// the calendar and plan become `.enc` envelopes the decrypted pages download.
///
/// Salts and nonces come from a stream keyed by the portal secret, the file's path
/// and its content: unique for every page and every change, and the same for the
/// same content, so builds stay byte-identical.
fn seal_portal(
    input: &RenderInput<'_>,
    customer: &Customer,
    passphrase: &str,
    files: Vec<OutputFile>,
) -> Vec<OutputFile> {
    use sha2::{Digest, Sha256};
    let site = input.site;
    let dir = portal_dir(customer);
    files
        .into_iter()
        .map(|file| {
            let rel = file
                .path
                .strip_prefix(&dir)
                .unwrap_or(&file.path)
                .to_string();
            let seed = input.secret.mac(
                &[
                    b"gangway seal\0".as_slice(),
                    file.path.as_bytes(),
                    b"\0",
                    &Sha256::digest(&file.bytes),
                ]
                .concat(),
            );
            let mut counter: u64 = 0;
            let mut rng = |buf: &mut [u8]| {
                for chunk in buf.chunks_mut(32) {
                    let block = input
                        .secret
                        .mac(&[seed.as_slice(), &counter.to_le_bytes()].concat());
                    chunk.copy_from_slice(&block[..chunk.len()]);
                    counter += 1;
                }
            };
            if rel.ends_with(".html") {
                // The page's language: a language folder inside the portal, else the customer's.
                let lang = site
                    .config
                    .languages
                    .iter()
                    .find(|l| rel.starts_with(&format!("{l}/")))
                    .unwrap_or(&customer.language);
                let strings = site.theme.strings.get(lang);
                let s = |key: &str| {
                    strings
                        .and_then(|m| m.get(key))
                        .map(String::as_str)
                        .unwrap_or("")
                };
                let text = crate::seal::UnlockText {
                    lang: lang.as_str(),
                    title: s("seal_title"),
                    prompt: s("seal_prompt"),
                    button: s("seal_button"),
                    working: s("seal_working"),
                    wrong: s("seal_wrong"),
                    remember: s("seal_remember"),
                    no_js: s("seal_no_js"),
                    unsupported: s("seal_unsupported"),
                    download_failed: s("seal_download_failed"),
                };
                let root = "../".repeat(rel.matches('/').count());
                let bytes = crate::seal::seal_html(
                    &file.bytes,
                    passphrase,
                    input.seal_iterations,
                    &mut rng,
                    &text,
                    &root,
                );
                OutputFile {
                    path: file.path,
                    bytes,
                }
            } else {
                let (media, name) = match rel.as_str() {
                    "calendar.ics" => ("text/calendar", "calendar.ics"),
                    "plan.json" => ("application/json", "plan.json"),
                    _ => ("application/octet-stream", "download"),
                };
                let bytes = crate::seal::seal_blob(
                    &file.bytes,
                    passphrase,
                    input.seal_iterations,
                    &mut rng,
                    media,
                    name,
                );
                OutputFile {
                    path: format!("{}{}", file.path, crate::seal::BLOB_SUFFIX),
                    bytes,
                }
            }
        })
        .collect()
}

fn language_pages(
    input: &RenderInput<'_>,
    customer: &Customer,
    playbook: &Playbook,
    plan: &Plan,
    lang: &Lang,
) -> Vec<Page> {
    let site = input.site;
    let default = &site.config.default_language;
    let locale = input.locale(lang);
    let lx = Lx { site, lang, locale };
    let dir = portal_lang_dir(customer, lang);
    let strings = site.theme.strings.get(lang);
    let t = |key: &str, fallback: &str| {
        strings
            .and_then(|s| s.get(key))
            .cloned()
            .unwrap_or_else(|| fallback.to_string())
    };
    let date = |d| locale.date(d);
    let person = |role: &str| customer.team.get(role);
    let role_title = |id: &str| {
        playbook
            .roles
            .get(id)
            .map(|r| r.title.get(lang).0.to_string())
            .unwrap_or_default()
    };

    let task_value = |item: &Item, root: &str, faq_page: &str| -> Json {
        let (guides, faq, links) = lx.references(item, root, faq_page);
        let owner = json!({
            "role": item.owner.as_deref().map(role_title).unwrap_or_default(),
            "name": item.owner.as_deref().and_then(person).map(|p| p.name.clone()).unwrap_or_default(),
            "side": item.side.map(Side::as_str).unwrap_or(""),
        });
        let status = item.status.as_str();
        let (text, text_lang) = item.text(lang, default);
        json!({
            "id": item.id,
            "title": text.title,
            "description_html": text.description_html,
            "lang": text_lang.as_str(),
            "lang_attr": if text_lang == lang { "" } else { text_lang.as_str() },
            "phase": item.phase.and_then(|i| playbook.phases.get(i)).map(|p| p.id.clone()).unwrap_or_default(),
            "owner": owner,
            "start": date(item.start), "due": date(item.due),
            "start_iso": item.start.to_string(), "due_iso": item.due.to_string(),
            "status": status,
            "status_label": t(&format!("status_{}", status.replace('-', "_")), status),
            "done_on": item.done_on.map(date).unwrap_or_default(),
            "note": item.note,
            "overdue": item.overdue,
            "days_overdue": item.days_overdue,
            "plural": locale.plural(item.days_overdue),
            "critical": item.critical,
            "guides": guides, "faq": faq, "links": links,
        })
    };

    let (done, total) = plan.progress();
    let percent = (done * 100).checked_div(total).unwrap_or(100);
    let contact = playbook.contact_role().and_then(|(id, role)| {
        person(id).map(|p| json!({ "role": role.title.get(lang).0, "name": p.name, "email": p.email, "phone": p.phone }))
    });
    let team: Vec<Json> = customer
        .team
        .iter()
        .map(|(role_id, p)| {
            json!({
                "role": role_title(role_id),
                "side": playbook.roles.get(role_id).map(|r| r.side.as_str()).unwrap_or(""),
                "name": p.name, "email": p.email, "phone": p.phone,
            })
        })
        .collect();
    let feedback_url = match &site.config.feedback_url {
        Some(url) => url.clone(),
        None => playbook
            .contact_role()
            .and_then(|(id, _)| person(id))
            .filter(|p| !p.email.is_empty())
            .map(|p| {
                format!(
                    "mailto:{}?subject={}",
                    p.email,
                    url_escape(&format!(
                        "{} — {}",
                        t("feedback_heading", "Feedback"),
                        customer.name
                    ))
                )
            })
            .unwrap_or_default(),
    };
    let playbook_title = pick(&plan.title, lang, default).0.title.clone();
    let customer_value = json!({
        "name": customer.name,
        "playbook_title": playbook_title,
        "language": customer.language.as_str(),
        "timezone": customer.timezone.clone().unwrap_or_default(),
        "kickoff": date(plan.kickoff),
        "end": date(plan.end),
        "contact": contact.unwrap_or(json!({ "role": "", "name": "", "email": "", "phone": "" })),
        "team": team,
        "progress": {
            "done": done, "total": total, "percent": percent,
            "done_text": locale.number(done as i64),
            "total_text": locale.number(total as i64),
            "percent_text": locale.percent(percent as i64),
        },
        "feedback_url": feedback_url,
    });

    let base = portal_dir(customer);
    let sealed_suffix = if customer.passphrase.is_some() {
        crate::seal::BLOB_SUFFIX
    } else {
        ""
    };
    let page = |sub: &str,
                template: &'static str,
                kind: &'static str,
                title: String,
                extra: &dyn Fn(&str, &str) -> Json| {
        let path = format!("{dir}{sub}index.html");
        let site_root = root_of(&path);
        let root = format!("{site_root}{}", lang_prefix(lang, default));
        let here = format!("{site_root}{dir}");
        let portal_links = json!({
            "overview": here.clone(),
            "checklist": format!("{here}checklist/"),
            "timeline": format!("{here}timeline/"),
            "faq": format!("{here}faq/"),
            "calendar": format!("{site_root}{base}calendar.ics{sealed_suffix}"),
            "plan": format!("{site_root}{base}plan.json{sealed_suffix}"),
            "sealed": customer.passphrase.is_some(),
        });
        let mut values = json!({ "portal": portal_links, "customer": customer_value });
        if let (Json::Object(v), Json::Object(e)) = (&mut values, extra(&root, &site_root)) {
            v.extend(e);
        }
        Page {
            path,
            template,
            title,
            kind,
            lang: lang.clone(),
            content_lang: lang.clone(),
            alternates: site
                .config
                .languages
                .iter()
                .map(|l| {
                    (
                        l.clone(),
                        format!("{}{sub}index.html", portal_lang_dir(customer, l)),
                    )
                })
                .collect(),
            values,
        }
    };

    let tasks = || plan.visible().filter(|i| i.kind == Kind::Task);
    let faq_page = |site_root: &str| format!("{site_root}{dir}faq/");
    vec![
        page(
            "",
            "portal_overview.html",
            "portal_overview",
            t("overview", "Overview"),
            &|root, site_root| {
                let fp = faq_page(site_root);
                // Open tasks whose dependencies are done come first; when everything open
                // waits on something (a blocked task, say), the earliest open ones still show.
                let closed = |id: &String| {
                    plan.items
                        .iter()
                        .any(|x| &x.id == id && x.status.is_closed())
                };
                let mut next: Vec<&Item> = tasks()
                    .filter(|i| !i.status.is_closed() && i.status != Status::Blocked)
                    .collect();
                next.sort_by_key(|i| (!i.after.iter().all(closed), i.due, i.start));
                next.truncate(5);
                json!({
                    "next_steps": next.iter().map(|i| task_value(i, root, &fp)).collect::<Vec<_>>(),
                    "overdue": tasks().filter(|i| i.overdue).map(|i| task_value(i, root, &fp)).collect::<Vec<_>>(),
                    "blocked": tasks().filter(|i| i.status == Status::Blocked).map(|i| task_value(i, root, &fp)).collect::<Vec<_>>(),
                    "milestones": plan.visible().filter(|i| i.kind == Kind::Milestone).map(|m| json!({
                        "id": m.id, "title": m.text(lang, default).0.title, "date": date(m.due), "date_iso": m.due.to_string(),
                        "reached": m.status.is_closed(),
                    })).collect::<Vec<_>>(),
                })
            },
        ),
        page(
            "checklist/",
            "portal_checklist.html",
            "portal_checklist",
            t("checklist", "Checklist"),
            &|root, site_root| {
                let fp = faq_page(site_root);
                let phases: Vec<Json> = playbook
                .phases
                .iter()
                .enumerate()
                .filter_map(|(n, phase)| {
                    let items: Vec<&Item> = tasks().filter(|i| i.phase == Some(n)).collect();
                    if items.is_empty() {
                        return None;
                    }
                    let done = items.iter().filter(|i| i.status.is_closed()).count();
                    let text = plan.phases.get(n).map(|t| pick(t, lang, default).0);
                    Some(json!({
                        "id": phase.id,
                        "title": text.map(|t| t.title.clone()).unwrap_or_default(),
                        "description_html": text.map(|t| t.description_html.clone()).unwrap_or_default(),
                        "tasks": items.iter().map(|i| task_value(i, root, &fp)).collect::<Vec<_>>(),
                        "done": done,
                        "total": items.len(),
                    }))
                })
                .collect();
                json!({ "phases": phases })
            },
        ),
        page(
            "timeline/",
            "portal_timeline.html",
            "portal_timeline",
            t("timeline", "Timeline"),
            &|_, _| {
                let tl = timeline::layout(
                    plan.visible(),
                    plan.kickoff,
                    plan.end,
                    Some(input.today),
                    &|i: &Item| i.text(lang, default).0.title.clone(),
                    &|d, _| locale.short_date(d),
                    &|d| locale.date(d),
                );
                json!({ "timeline": tl })
            },
        ),
        page(
            "faq/",
            "portal_faq.html",
            "portal_faq",
            t("faq", "Frequently asked questions"),
            &|root, site_root| json!({ "faqs": lx.faq_values(&portal_faqs(site.faqs.as_slice(), plan), root, site_root) }),
        ),
    ]
}

/// The FAQ entries a customer's plan links to, in the order they are first linked.
fn portal_faqs<'a>(faqs: &'a [Faq], plan: &Plan) -> Vec<&'a Faq> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for item in plan.visible() {
        for id in &item.faq {
            if seen.insert(id.clone())
                && let Some(f) = faqs.iter().find(|f| &f.id == id)
            {
                out.push(f);
            }
        }
    }
    out
}

/// The calendar, in the customer's language.
fn calendar(
    input: &RenderInput<'_>,
    customer: &Customer,
    playbook: &Playbook,
    plan: &Plan,
    dir: &str,
) -> String {
    let site = input.site;
    let lang = &customer.language;
    let default = &site.config.default_language;
    let host = site
        .config
        .base_url
        .split("://")
        .nth(1)
        .unwrap_or("gangway")
        .split('/')
        .next()
        .unwrap_or("gangway")
        .to_string();
    let events: Vec<ics::Event> = plan
        .visible()
        .map(|item| {
            let owner = item
                .owner
                .as_ref()
                .map(|o| {
                    let role = playbook
                        .roles
                        .get(o)
                        .map(|r| r.title.get(lang).0.to_string())
                        .unwrap_or_default();
                    match customer.team.get(o) {
                        Some(p) => format!("{} ({role})", p.name),
                        None => role,
                    }
                })
                .unwrap_or_default();
            let mut description = String::new();
            if !owner.is_empty() {
                description.push_str(&owner);
            }
            if !item.note.is_empty() {
                if !description.is_empty() {
                    description.push('\n');
                }
                description.push_str(&item.note);
            }
            ics::Event {
                uid: format!("{}-{}@{host}", customer.id, item.id),
                date: item.due,
                summary: item.text(lang, default).0.title.clone(),
                description,
                url: Some(match item.kind {
                    Kind::Task => {
                        format!("{}/{dir}checklist/#task-{}", site.config.base_url, item.id)
                    }
                    Kind::Milestone => {
                        format!("{}/{dir}#milestone-{}", site.config.base_url, item.id)
                    }
                }),
                categories: vec![match item.kind {
                    Kind::Task => "task".to_string(),
                    Kind::Milestone => "milestone".to_string(),
                }],
            }
        })
        .collect();
    let name = format!(
        "{} — {}",
        customer.name,
        pick(&plan.title, lang, default).0.title
    );
    ics::write(&ics::Calendar {
        name: &name,
        stamp: plan.kickoff,
        events: &events,
    })
}

/// The machine-readable plan, in the customer's language.
fn plan_json(
    input: &RenderInput<'_>,
    customer: &Customer,
    playbook: &Playbook,
    plan: &Plan,
) -> String {
    let lang = &customer.language;
    let default = &input.site.config.default_language;
    let visible: BTreeSet<&str> = plan.visible().map(|i| i.id.as_str()).collect();
    let item = |i: &Item| {
        json!({
            "id": i.id,
            "kind": match i.kind { Kind::Task => "task", Kind::Milestone => "milestone" },
            "title": i.text(lang, default).0.title,
            "owner_role": i.owner,
            "owner_name": i.owner.as_ref().and_then(|o| customer.team.get(o)).map(|p| p.name.clone()),
            "side": i.side.map(Side::as_str),
            "start": i.start.to_string(),
            "due": i.due.to_string(),
            "status": i.status.as_str(),
            "done_on": i.done_on.map(|d| d.to_string()),
            "note": if i.note.is_empty() { None } else { Some(&i.note) },
            "overdue": i.overdue,
            "critical": i.critical,
            "after": i.after.iter().filter(|a| visible.contains(a.as_str())).collect::<Vec<_>>(),
            "guides": i.guides,
            "faq": i.faq,
        })
    };
    let phases: Vec<Json> = playbook
        .phases
        .iter()
        .enumerate()
        .map(|(n, p)| {
            json!({
                "id": p.id,
                "title": plan.phases.get(n).map(|t| pick(t, lang, default).0.title.clone()),
                "tasks": plan.visible().filter(|i| i.phase == Some(n)).map(item).collect::<Vec<_>>(),
            })
        })
        .collect();
    let (done, total) = plan.progress();
    let value = json!({
        "format": "gangway-plan/1",
        "customer": customer.name,
        "playbook": playbook.id,
        "language": customer.language.as_str(),
        "timezone": customer.timezone,
        "kickoff": plan.kickoff.to_string(),
        "end": plan.end.to_string(),
        "today": input.today.to_string(),
        "progress": { "done": done, "total": total },
        "phases": phases,
        "milestones": plan.visible().filter(|i| i.kind == Kind::Milestone).map(item).collect::<Vec<_>>(),
    });
    let mut out = serde_json::to_string_pretty(&value).unwrap_or_default();
    out.push('\n');
    out
}

fn url_escape(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
