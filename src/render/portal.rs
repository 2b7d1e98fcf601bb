//! A customer's portal: overview, checklist, timeline, FAQ, calendar and plan.json.
//!
//! The portal is written in the customer's language at the root of its directory,
//! and in each of its other languages (`Customer::languages`) in a sub-folder of
//! that name, with a switcher between them.
//!
//! Invariant: every file made here lies under [`portal_dir`] of its customer, and
//! nothing internal (internal tasks, their ids, notes) is among its inputs' output.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::sync::Arc;

use jiff::civil::Date;
use minijinja::Value;
use minijinja::value::{Enumerator, Object};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::diagnostic::Diagnostics;
use crate::ics;
use crate::lang::Lang;
use crate::locale::Locale;
use crate::model::{Customer, Faq, Playbook};
use crate::output::OutputFile;
use crate::plan::{Item, Kind, Plan, pick};
use crate::raw::{Side, Status};
use crate::render::pages::{Lx, Page, lang_prefix, links_value, render_pages};
use crate::render::timeline;
use crate::render::values::{list, record, sorted};
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
    let common = Common::new(site.faqs.as_slice(), playbook, plan);
    let mut pages = Vec::new();
    for lang in &customer.languages {
        pages.extend(language_pages(
            input, customer, playbook, plan, &common, lang,
        ));
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
        files = seal_portal(input, customer, passphrase.expose(), files);
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
    let unlock_csp = site.config.csp.unlock();
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
                    csp: &unlock_csp,
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

/// The values of a portal task that are the same in every language.
#[derive(Debug)]
struct TaskCore {
    critical: Value,
    days_overdue: Value,
    due_iso: Value,
    id: Value,
    links: Value,
    note: Value,
    overdue: Value,
    phase: Value,
    start_iso: Value,
    status: Value,
}

/// The values of a portal task in one language, the same on every page.
#[derive(Debug)]
struct TaskText {
    description_html: Value,
    done_on: Value,
    due: Value,
    lang: Value,
    lang_attr: Value,
    owner: Value,
    plural: Value,
    start: Value,
    status_label: Value,
    title: Value,
}

/// A portal task as templates see it: a map with the keys in [`TASK_KEYS`]
/// (docs/theming.md), made of the parts shared across languages and pages and
/// the references, whose URLs depend on the page.
#[derive(Debug)]
struct TaskValue {
    core: Arc<TaskCore>,
    text: Arc<TaskText>,
    guides: Value,
    faq: Value,
}

const TASK_KEYS: &[&str; 22] = &[
    "critical",
    "days_overdue",
    "description_html",
    "done_on",
    "due",
    "due_iso",
    "faq",
    "guides",
    "id",
    "lang",
    "lang_attr",
    "links",
    "note",
    "overdue",
    "owner",
    "phase",
    "plural",
    "start",
    "start_iso",
    "status",
    "status_label",
    "title",
];
const _: () = assert!(sorted(TASK_KEYS));

impl Object for TaskValue {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        let (c, t) = (&self.core, &self.text);
        let v = match key {
            "critical" => &c.critical,
            "days_overdue" => &c.days_overdue,
            "description_html" => &t.description_html,
            "done_on" => &t.done_on,
            "due" => &t.due,
            "due_iso" => &c.due_iso,
            "faq" => &self.faq,
            "guides" => &self.guides,
            "id" => &c.id,
            "lang" => &t.lang,
            "lang_attr" => &t.lang_attr,
            "links" => &c.links,
            "note" => &c.note,
            "overdue" => &c.overdue,
            "owner" => &t.owner,
            "phase" => &c.phase,
            "plural" => &t.plural,
            "start" => &t.start,
            "start_iso" => &c.start_iso,
            "status" => &c.status,
            "status_label" => &t.status_label,
            "title" => &t.title,
            _ => return None,
        };
        Some(v.clone())
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(TASK_KEYS)
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        Some(TASK_KEYS.len())
    }
}

/// What a customer's portal pages share in every language: the visible tasks with
/// their language-independent values, and which tasks each list shows.
struct Common<'a> {
    /// Visible tasks (not milestones), in plan order.
    tasks: Vec<(&'a Item, Arc<TaskCore>)>,
    /// Indexes into `tasks`: the overview's lists.
    next_steps: Vec<usize>,
    overdue: Vec<usize>,
    blocked: Vec<usize>,
    /// The checklist's phases that have tasks: (phase index, tasks, done).
    phases: Vec<(usize, Vec<usize>, usize)>,
    milestones: Vec<&'a Item>,
    faqs: Vec<&'a Faq>,
}

impl<'a> Common<'a> {
    fn new(faqs: &'a [Faq], playbook: &Playbook, plan: &'a Plan) -> Common<'a> {
        let tasks: Vec<(&Item, Arc<TaskCore>)> = plan
            .visible()
            .filter(|i| i.kind == Kind::Task)
            .map(|item| {
                let core = TaskCore {
                    critical: Value::from(item.critical),
                    days_overdue: Value::from(item.days_overdue),
                    due_iso: Value::from(item.due.to_string()),
                    id: Value::from(item.id.as_str()),
                    links: links_value(item),
                    note: Value::from(item.note.as_str()),
                    overdue: Value::from(item.overdue),
                    phase: Value::from(
                        item.phase
                            .and_then(|i| playbook.phases.get(i))
                            .map(|p| p.id.as_str())
                            .unwrap_or_default(),
                    ),
                    start_iso: Value::from(item.start.to_string()),
                    status: Value::from(item.status.as_str()),
                };
                (item, Arc::new(core))
            })
            .collect();
        // Open tasks whose dependencies are done come first; when everything open
        // waits on something (a blocked task, say), the earliest open ones still show.
        let closed: HashSet<&str> = plan
            .items
            .iter()
            .filter(|x| x.status.is_closed())
            .map(|x| x.id.as_str())
            .collect();
        let mut next_steps: Vec<usize> = (0..tasks.len())
            .filter(|&k| {
                let i = tasks[k].0;
                !i.status.is_closed() && i.status != Status::Blocked
            })
            .collect();
        next_steps.sort_by_key(|&k| {
            let i = tasks[k].0;
            (
                !i.after.iter().all(|id| closed.contains(id.as_str())),
                i.due,
                i.start,
            )
        });
        next_steps.truncate(5);
        let overdue = (0..tasks.len()).filter(|&k| tasks[k].0.overdue).collect();
        let blocked = (0..tasks.len())
            .filter(|&k| tasks[k].0.status == Status::Blocked)
            .collect();
        let phases = (0..playbook.phases.len())
            .filter_map(|n| {
                let items: Vec<usize> = (0..tasks.len())
                    .filter(|&k| tasks[k].0.phase == Some(n))
                    .collect();
                if items.is_empty() {
                    return None;
                }
                let done = items
                    .iter()
                    .filter(|&&k| tasks[k].0.status.is_closed())
                    .count();
                Some((n, items, done))
            })
            .collect();
        Common {
            next_steps,
            overdue,
            blocked,
            phases,
            milestones: plan
                .visible()
                .filter(|i| i.kind == Kind::Milestone)
                .collect(),
            faqs: portal_faqs(faqs, plan),
            tasks,
        }
    }
}

/// Dates formatted in one language, each once.
struct Dates<'a> {
    locale: &'a Locale,
    cache: RefCell<HashMap<Date, Value>>,
}

impl Dates<'_> {
    fn get(&self, d: Date) -> Value {
        self.cache
            .borrow_mut()
            .entry(d)
            .or_insert_with(|| Value::from(self.locale.date(d)))
            .clone()
    }
}

fn language_pages(
    input: &RenderInput<'_>,
    customer: &Customer,
    playbook: &Playbook,
    plan: &Plan,
    common: &Common<'_>,
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
    let dates = Dates {
        locale,
        cache: RefCell::new(HashMap::default()),
    };
    let date = |d| dates.get(d);
    let person = |role: &str| customer.team.get(role);
    let role_title = |id: &str| {
        playbook
            .roles
            .get(id)
            .map(|r| r.title.get(lang).0)
            .unwrap_or_default()
    };

    // Every task's values in this language, made once for the overview and the checklist.
    let mut owners: HashMap<(Option<&str>, &str), Value> = HashMap::default();
    let mut labels: HashMap<Status, Value> = HashMap::default();
    let texts: Vec<Arc<TaskText>> = common
        .tasks
        .iter()
        .map(|(item, _)| {
            let side = item.side.map(Side::as_str).unwrap_or("");
            let owner = owners
                .entry((item.owner.as_deref(), side))
                .or_insert_with(|| {
                    record! {
                        "name" => item.owner.as_deref().and_then(person).map(|p| p.name.as_str()).unwrap_or_default(),
                        "role" => item.owner.as_deref().map(role_title).unwrap_or_default(),
                        "side" => side,
                    }
                })
                .clone();
            let status_label = labels
                .entry(item.status)
                .or_insert_with(|| Value::from(t(item.status.string_key(), item.status.as_str())))
                .clone();
            let (text, text_lang) = item.text(lang, default);
            Arc::new(TaskText {
                description_html: Value::from(Arc::clone(&text.description_html)),
                done_on: item.done_on.map(date).unwrap_or_else(|| Value::from("")),
                due: date(item.due),
                lang: Value::from(text_lang.as_str()),
                lang_attr: Value::from(if text_lang == lang {
                    ""
                } else {
                    text_lang.as_str()
                }),
                owner,
                plural: Value::from(locale.plural(item.days_overdue)),
                start: date(item.start),
                status_label,
                title: Value::from(text.title.as_str()),
            })
        })
        .collect();
    // A task on a page whose root is `root` and whose FAQ page is `faq_page`.
    let task = |k: usize, root: &str, faq_page: &str| {
        let (item, core) = &common.tasks[k];
        let (guides, faq) = lx.guides_and_faq(item, root, faq_page);
        Value::from_object(TaskValue {
            core: Arc::clone(core),
            text: Arc::clone(&texts[k]),
            guides,
            faq,
        })
    };

    let (done, total) = plan.progress();
    let percent = (done * 100).checked_div(total).unwrap_or(100);
    let contact = playbook.contact_role().and_then(|(id, role)| {
        person(id).map(|p| {
            record! {
                "email" => p.email.as_str(),
                "name" => p.name.as_str(),
                "phone" => p.phone.as_str(),
                "role" => role.title.get(lang).0,
            }
        })
    });
    let team = list(customer.team.iter().map(|(role_id, p)| {
        record! {
            "email" => p.email.as_str(),
            "name" => p.name.as_str(),
            "phone" => p.phone.as_str(),
            "role" => role_title(role_id),
            "side" => playbook.roles.get(role_id).map(|r| r.side.as_str()).unwrap_or(""),
        }
    }));
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
    let playbook_title = pick(&plan.title, lang, default).0.title.as_str();
    let customer_value = record! {
        "contact" => contact.unwrap_or_else(|| record! { "email" => "", "name" => "", "phone" => "", "role" => "" }),
        "end" => date(plan.end),
        "feedback_url" => feedback_url,
        "kickoff" => date(plan.kickoff),
        "language" => customer.language.as_str(),
        "name" => customer.name.as_str(),
        "playbook_title" => playbook_title,
        "progress" => record! {
            "done" => done,
            "done_text" => locale.number(done as i64),
            "percent" => percent,
            "percent_text" => locale.percent(percent as i64),
            "total" => total,
            "total_text" => locale.number(total as i64),
        },
        "team" => team,
        "timezone" => customer.timezone.as_deref().unwrap_or_default(),
    };

    let base = portal_dir(customer);
    let sealed_suffix = if customer.passphrase.is_some() {
        crate::seal::BLOB_SUFFIX
    } else {
        ""
    };
    // A page at `sub` under the portal's folder in this language: its path, site
    // root and language root.
    let at = |sub: &str| {
        let path = format!("{dir}{sub}index.html");
        let site_root = root_of(&path);
        let root = format!("{site_root}{}", lang_prefix(lang, default));
        (path, site_root, root)
    };
    let page = |sub: &str,
                (path, site_root): (String, String),
                template: &'static str,
                kind: &'static str,
                title: String,
                extra: Vec<(&'static str, Value)>| {
        let here = format!("{site_root}{dir}");
        let portal_links = record! {
            "calendar" => format!("{site_root}{base}calendar.ics{sealed_suffix}"),
            "checklist" => format!("{here}checklist/"),
            "faq" => format!("{here}faq/"),
            "overview" => here.as_str(),
            "plan" => format!("{site_root}{base}plan.json{sealed_suffix}"),
            "sealed" => customer.passphrase.is_some(),
            "timeline" => format!("{here}timeline/"),
        };
        let mut values = vec![
            ("portal", portal_links),
            ("customer", customer_value.clone()),
        ];
        values.extend(extra);
        Page {
            path,
            template,
            title,
            kind,
            lang: lang.clone(),
            content_lang: lang.clone(),
            alternates: customer
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
    let faq_page = |site_root: &str| format!("{site_root}{dir}faq/");

    let mut pages = Vec::with_capacity(4);
    let (path, site_root, root) = at("");
    let fp = faq_page(&site_root);
    let tasks = |ks: &[usize]| list(ks.iter().map(|&k| task(k, &root, &fp)));
    let milestones = list(common.milestones.iter().map(|m| {
        record! {
            "date" => date(m.due),
            "date_iso" => m.due.to_string(),
            "id" => m.id.as_str(),
            "reached" => m.status.is_closed(),
            "title" => m.text(lang, default).0.title.as_str(),
        }
    }));
    let values = vec![
        ("next_steps", tasks(&common.next_steps)),
        ("overdue", tasks(&common.overdue)),
        ("blocked", tasks(&common.blocked)),
        ("milestones", milestones),
    ];
    pages.push(page(
        "",
        (path, site_root),
        "portal_overview.html",
        "portal_overview",
        t("overview", "Overview"),
        values,
    ));

    let (path, site_root, root) = at("checklist/");
    let fp = faq_page(&site_root);
    let phases = list(common.phases.iter().map(|(n, items, done)| {
        let text = plan.phases.get(*n).map(|t| pick(t, lang, default).0);
        record! {
            "description_html" => text.map(|t| Arc::clone(&t.description_html)).unwrap_or_default(),
            "done" => *done,
            "id" => playbook.phases[*n].id.as_str(),
            "tasks" => list(items.iter().map(|&k| task(k, &root, &fp))),
            "title" => text.map(|t| t.title.as_str()).unwrap_or_default(),
            "total" => items.len(),
        }
    }));
    pages.push(page(
        "checklist/",
        (path, site_root),
        "portal_checklist.html",
        "portal_checklist",
        t("checklist", "Checklist"),
        vec![("phases", phases)],
    ));

    let (path, site_root, _) = at("timeline/");
    let tl = timeline::layout(
        plan.visible(),
        plan.kickoff,
        plan.end,
        Some(input.today),
        &|i: &Item| i.text(lang, default).0.title.clone(),
        &|d, _| locale.short_date(d),
        &|d| date(d).as_str().unwrap_or_default().to_string(),
    )
    .draw(&timeline::ChartWords::new(&t, true));
    pages.push(page(
        "timeline/",
        (path, site_root),
        "portal_timeline.html",
        "portal_timeline",
        t("timeline", "Timeline"),
        vec![("timeline", tl.into_value())],
    ));

    let (path, site_root, root) = at("faq/");
    let faqs = lx.faq_values(&common.faqs, &root, &site_root);
    pages.push(page(
        "faq/",
        (path, site_root),
        "portal_faq.html",
        "portal_faq",
        t("faq", "Frequently asked questions"),
        vec![("faqs", faqs)],
    ));
    pages
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
fn plan_json<'p>(
    input: &'p RenderInput<'_>,
    customer: &'p Customer,
    playbook: &'p Playbook,
    plan: &'p Plan,
) -> String {
    // Written straight from borrowed values: building a `serde_json::Value` first
    // cost as much as rendering the portal's pages. Fields are in alphabetical
    // order, as the format has always listed them.
    #[derive(serde::Serialize)]
    struct PlanFile<'a> {
        customer: &'a str,
        end: String,
        format: &'static str,
        kickoff: String,
        language: &'a str,
        milestones: Vec<PlanItem<'a>>,
        phases: Vec<PlanPhase<'a>>,
        playbook: &'a str,
        progress: Progress,
        timezone: Option<&'a str>,
        today: String,
    }
    #[derive(serde::Serialize)]
    struct Progress {
        done: usize,
        total: usize,
    }
    #[derive(serde::Serialize)]
    struct PlanPhase<'a> {
        id: &'a str,
        tasks: Vec<PlanItem<'a>>,
        title: Option<&'a str>,
    }
    #[derive(serde::Serialize)]
    struct PlanItem<'a> {
        after: Vec<&'a str>,
        critical: bool,
        done_on: Option<String>,
        due: String,
        faq: &'a [String],
        guides: &'a [String],
        id: &'a str,
        kind: &'static str,
        note: Option<&'a str>,
        overdue: bool,
        owner_name: Option<&'a str>,
        owner_role: Option<&'a str>,
        side: Option<&'static str>,
        start: String,
        status: &'static str,
        title: &'a str,
    }

    let lang = &customer.language;
    let default = &input.site.config.default_language;
    let visible: BTreeSet<&str> = plan.visible().map(|i| i.id.as_str()).collect();
    let item = |i: &'p Item| -> PlanItem<'p> {
        PlanItem {
            after: i
                .after
                .iter()
                .map(String::as_str)
                .filter(|a| visible.contains(a))
                .collect(),
            critical: i.critical,
            done_on: i.done_on.map(|d| d.to_string()),
            due: i.due.to_string(),
            faq: &i.faq,
            guides: &i.guides,
            id: &i.id,
            kind: match i.kind {
                Kind::Task => "task",
                Kind::Milestone => "milestone",
            },
            note: (!i.note.is_empty()).then_some(i.note.as_str()),
            overdue: i.overdue,
            owner_name: i
                .owner
                .as_ref()
                .and_then(|o| customer.team.get(o))
                .map(|p| p.name.as_str()),
            owner_role: i.owner.as_deref(),
            side: i.side.map(Side::as_str),
            start: i.start.to_string(),
            status: i.status.as_str(),
            title: &i.text(lang, default).0.title,
        }
    };
    let (done, total) = plan.progress();
    let file = PlanFile {
        customer: &customer.name,
        end: plan.end.to_string(),
        format: "gangway-plan/1",
        kickoff: plan.kickoff.to_string(),
        language: customer.language.as_str(),
        milestones: plan
            .visible()
            .filter(|i| i.kind == Kind::Milestone)
            .map(item)
            .collect(),
        phases: playbook
            .phases
            .iter()
            .enumerate()
            .map(|(n, p)| PlanPhase {
                id: &p.id,
                tasks: plan
                    .visible()
                    .filter(|i| i.phase == Some(n))
                    .map(item)
                    .collect(),
                title: plan
                    .phases
                    .get(n)
                    .map(|t| pick(t, lang, default).0.title.as_str()),
            })
            .collect(),
        playbook: &playbook.id,
        progress: Progress { done, total },
        timezone: customer.timezone.as_deref(),
        today: input.today.to_string(),
    };
    let mut out = serde_json::to_string_pretty(&file).unwrap_or_default();
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A portal task answers every documented key and iterates as a map of them.
    #[test]
    fn task_value_behaves_as_a_map() {
        let v = |s: &str| Value::from(s);
        let task = Arc::new(TaskValue {
            core: Arc::new(TaskCore {
                critical: Value::from(true),
                days_overdue: Value::from(3i64),
                due_iso: v("2026-12-03"),
                id: v("kickoff"),
                links: list([]),
                note: v(""),
                overdue: Value::from(true),
                phase: v("setup"),
                start_iso: v("2026-12-01"),
                status: v("todo"),
            }),
            text: Arc::new(TaskText {
                description_html: v("<p>x</p>"),
                done_on: v(""),
                due: v("3 Dec"),
                lang: v("en"),
                lang_attr: v(""),
                owner: record! { "name" => "", "role" => "Admin", "side" => "customer" },
                plural: v("other"),
                start: v("1 Dec"),
                status_label: v("To do"),
                title: v("Kick-off"),
            }),
            guides: list([]),
            faq: list([]),
        });
        let map = Value::from_pairs(
            TASK_KEYS
                .iter()
                .map(|k| (*k, task.get_value_by_str(k).expect("every key answers"))),
        );
        let task = Value::from_dyn_object(task);
        assert!(task.get_attr("nope").unwrap().is_undefined());
        let env = minijinja::Environment::new();
        let show = |v: &Value| {
            env.render_str(
                "{{ v|tojson }} {{ v|length }} {% for k, x in v|items %}{{ k }};{% endfor %} {{ v.owner.role }}",
                minijinja::context! { v },
            )
            .unwrap()
        };
        assert_eq!(show(&task), show(&map));
    }
}
