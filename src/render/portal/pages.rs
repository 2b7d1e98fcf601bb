//! The pages of a portal in one language, one function each: overview,
//! checklist, timeline and FAQ. A new portal page is one more method here.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::civil::Date;
use minijinja::Value;
use rustc_hash::FxHashMap as HashMap;

use super::forms::Forms;
use super::portal_lang_dir;
use super::tasks::{Common, TaskText, TaskValue};
use crate::actions::Completion;
use crate::lang::Lang;
use crate::locale::Locale;
use crate::model::{Customer, Person, Playbook};
use crate::plan::{Item, Outlook, Plan, pick};
use crate::raw::{Side, Status};
use crate::render::lang_text;
use crate::render::language::Lx;
use crate::render::page::{Page, lang_prefix};
use crate::render::timeline;
use crate::render::values::{list, record};
use crate::render::{RenderInput, portal_dir, root_of};
use crate::url::encode_component;

/// The pages of one customer's portal in `lang`.
pub(super) fn language_pages(
    input: &RenderInput<'_>,
    customer: &Customer,
    playbook: &Playbook,
    plan: &Plan,
    common: &Common<'_>,
    forms: &Forms<'_>,
    lang: &Lang,
) -> Vec<Page> {
    let mut portal = PortalLang::new(input, customer, playbook, plan, common, forms, lang);
    portal.forms_value = forms.page_value();
    portal.ratings = plan
        .visible()
        .filter(|i| i.kind == crate::plan::Kind::Milestone)
        .filter_map(|m| forms.rating(m).map(|r| (m.id.as_str(), r)))
        .collect();
    vec![
        portal.overview(),
        portal.checklist(),
        portal.timeline(),
        portal.faq(),
    ]
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

/// One customer's portal in one language: what its pages share.
struct PortalLang<'a> {
    input: &'a RenderInput<'a>,
    customer: &'a Customer,
    playbook: &'a Playbook,
    plan: &'a Plan,
    common: &'a Common<'a>,
    lang: &'a Lang,
    default: &'a Lang,
    lx: Lx<'a>,
    /// The portal's folder in this language, relative to the site root.
    dir: String,
    strings: Option<&'a BTreeMap<String, String>>,
    dates: Dates<'a>,
    /// Every task's values in this language, made once for the overview and the
    /// checklist (indexes as in `common.tasks`).
    texts: Vec<Arc<TaskText>>,
    /// The `customer` value of every page.
    customer_value: Value,
    /// The roles with a calendar of their own (`files::calendar_roles`) and their
    /// titles in this language.
    calendar_roles: Vec<(&'a str, Value)>,
    /// The `forms` value of every page ([`Forms::page_value`]).
    forms_value: Value,
    /// The rating forms of reached milestones, by milestone id.
    ratings: HashMap<&'a str, Value>,
}

/// Where a page lies: its output path, and the relative roots of the site and
/// of its language.
struct At {
    path: String,
    site_root: String,
    root: String,
}

impl<'a> PortalLang<'a> {
    fn new(
        input: &'a RenderInput<'a>,
        customer: &'a Customer,
        playbook: &'a Playbook,
        plan: &'a Plan,
        common: &'a Common<'a>,
        forms: &'a Forms<'a>,
        lang: &'a Lang,
    ) -> PortalLang<'a> {
        let site = input.site;
        let locale = input.locale(lang);
        let mut portal = PortalLang {
            input,
            customer,
            playbook,
            plan,
            common,
            lang,
            default: &site.config.default_language,
            lx: Lx { site, lang, locale },
            dir: portal_lang_dir(customer, lang),
            strings: site.theme.strings.get(lang),
            dates: Dates {
                locale,
                cache: RefCell::new(HashMap::default()),
            },
            texts: Vec::new(),
            customer_value: Value::UNDEFINED,
            forms_value: Value::UNDEFINED,
            ratings: HashMap::default(),
            calendar_roles: super::files::calendar_roles(playbook, plan)
                .into_iter()
                .map(|role| {
                    let title = playbook.roles.get(role).map_or_else(
                        || Value::from(role),
                        |r| {
                            let (title, _, l) = r.title.get(lang);
                            lang_text::text(title, l)
                        },
                    );
                    (role, title)
                })
                .collect(),
        };
        portal.texts = portal.task_texts(forms);
        portal.customer_value = portal.customer_value();
        portal
    }

    /// The theme's string `key` in this language, else `fallback`.
    fn t(&self, key: &str, fallback: &str) -> String {
        self.strings
            .and_then(|s| s.get(key))
            .cloned()
            .unwrap_or_else(|| fallback.to_string())
    }

    fn date(&self, d: Date) -> Value {
        self.dates.get(d)
    }

    /// The customer's person in `role`.
    fn person(&self, role: &str) -> Option<&'a Person> {
        self.customer.team.get(role)
    }

    /// The title of role `id` in this language (or the one it falls back to).
    fn role_title(&self, id: &str) -> Value {
        self.playbook.roles.get(id).map_or_else(
            || Value::from(""),
            |r| {
                let (title, _, l) = r.title.get(self.lang);
                lang_text::text(title, l)
            },
        )
    }

    /// Every task's values in this language.
    fn task_texts(&self, forms: &Forms<'_>) -> Vec<Arc<TaskText>> {
        let lang = self.lang;
        let locale = self.lx.locale;
        let mut owners: HashMap<(Option<&str>, &str), Value> = HashMap::default();
        let mut labels: HashMap<Status, Value> = HashMap::default();
        let t = |key: &str, fallback: &str| self.t(key, fallback);
        self.common
            .tasks
            .iter()
            .zip(&self.common.entries)
            .map(|((item, _), entries)| {
                let side = item.side.map(Side::as_str).unwrap_or("");
                let owner = owners
                    .entry((item.owner.as_deref(), side))
                    .or_insert_with(|| {
                        record! {
                            "name" => item.owner.as_deref().and_then(|r| self.person(r)).map(|p| p.name.as_str()).unwrap_or_default(),
                            "role" => item.owner.as_deref().map_or_else(|| Value::from(""), |r| self.role_title(r)),
                            "side" => side,
                        }
                    })
                    .clone();
                let status_label = labels
                    .entry(item.status)
                    .or_insert_with(|| {
                        Value::from(self.t(item.status.string_key(), item.status.as_str()))
                    })
                    .clone();
                let (text, filed) = item.text(lang, self.default);
                let text_lang = text.title_lang(filed);
                Arc::new(TaskText {
                    actions_html: Value::from_safe_string(forms.actions_html(
                        &item.id, entries, &t,
                    )),
                    description_html: lang_text::html(
                        Arc::clone(&text.description_html),
                        text.description_lang(filed),
                    ),
                    done_on: item
                        .done_on
                        .map(|d| self.date(d))
                        .unwrap_or_else(|| Value::from("")),
                    due: self.date(item.due),
                    forecast: self.date(item.forecast_due),
                    lang: Value::from(text_lang.as_str()),
                    lang_attr: Value::from(if text_lang == lang {
                        ""
                    } else {
                        text_lang.as_str()
                    }),
                    owner,
                    plural: Value::from(locale.plural(item.days_overdue)),
                    start: self.date(item.start),
                    state: self.state(item),
                    status_label,
                    title: lang_text::text(text.title.as_str(), text_lang),
                })
            })
            .collect()
    }

    /// What the client said about `item`, in words: reported done or stuck
    /// (awaiting confirmation when the site confirms reports), approved or
    /// acknowledged by whom; empty otherwise. `by` is text, escaped where shown.
    fn state(&self, item: &Item) -> Value {
        let Some(on) = item.reported_on else {
            return Value::from("");
        };
        let confirm = self.input.site.config.actions.confirm;
        let (key, fallback) = match (item.reported, item.status, item.action) {
            (true, Status::Done, _) if confirm => (
                "reported_done_awaiting",
                "Reported done by you on {date}, awaiting confirmation",
            ),
            (true, Status::Done, _) => ("reported_done", "Reported done by you on {date}"),
            (true, Status::Blocked, _) => ("reported_stuck", "Reported stuck by you on {date}"),
            (false, Status::Done, Completion::Approve) if !item.by.is_empty() => {
                ("approved_by", "Approved by {name} on {date}")
            }
            (false, Status::Done, Completion::Acknowledge) if !item.by.is_empty() => {
                ("acknowledged_by", "Acknowledged by {name} on {date}")
            }
            _ => return Value::from(""),
        };
        let date = self.date(on);
        Value::from(
            self.t(key, fallback)
                .replace("{date}", date.as_str().unwrap_or_default())
                .replace("{name}", &item.by),
        )
    }

    /// Task `k` of `common.tasks` on a page whose root is `root` and whose FAQ
    /// page is `faq_page`.
    fn task(&self, k: usize, root: &str, faq_page: &str) -> Value {
        let (item, core) = &self.common.tasks[k];
        let (guides, faq) = self.lx.guides_and_faq(item, root, faq_page);
        Value::from_object(TaskValue {
            core: Arc::clone(core),
            text: Arc::clone(&self.texts[k]),
            guides,
            faq,
        })
    }

    /// Tasks `ks` of `common.tasks` on the page at `at`.
    fn tasks(&self, ks: &[usize], at: &At) -> Value {
        let faq_page = self.faq_page(&at.site_root);
        list(ks.iter().map(|&k| self.task(k, &at.root, &faq_page)))
    }

    /// The `customer` value: name, language, dates, progress, contact and team.
    fn customer_value(&self) -> Value {
        let (lang, locale, customer) = (self.lang, self.lx.locale, self.customer);
        let (done, total) = self.plan.progress();
        let percent = (done * 100).checked_div(total).unwrap_or(100);
        let contact = self.playbook.contact_role().and_then(|(id, role)| {
            self.person(id).map(|p| {
                record! {
                    "email" => p.email.as_str(),
                    "name" => p.name.as_str(),
                    "phone" => p.phone.as_str(),
                    "role" => { let (title, _, l) = role.title.get(lang); lang_text::text(title, l) },
                }
            })
        });
        let team = list(customer.team.iter().map(|(role_id, p)| {
            record! {
                "email" => p.email.as_str(),
                "name" => p.name.as_str(),
                "phone" => p.phone.as_str(),
                "role" => self.role_title(role_id),
                "side" => self.playbook.roles.get(role_id).map(|r| r.side.as_str()).unwrap_or(""),
            }
        }));
        let playbook_title = {
            let (text, filed) = pick(&self.plan.title, lang, self.default);
            lang_text::text(text.title.as_str(), text.title_lang(filed))
        };
        let risk = self.plan.outlook(self.input.site.config.late_after_days);
        record! {
            "contact" => contact.unwrap_or_else(|| record! { "email" => "", "name" => "", "phone" => "", "role" => "" }),
            "end" => self.date(self.plan.end),
            "end_iso" => self.plan.end.to_string(),
            "feedback_url" => self.feedback_url(),
            "forecast_end" => self.date(self.plan.forecast_end),
            "forecast_end_iso" => self.plan.forecast_end.to_string(),
            "kickoff" => self.date(self.plan.kickoff),
            "language" => customer.language.as_str(),
            "late_days" => self.plan.late_days,
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
            "risk" => risk.as_str(),
            "risk_label" => self.t(risk.string_key(), risk_english(risk)),
            "team" => team,
            "timezone" => customer.timezone.as_deref().unwrap_or_default(),
        }
    }

    /// The risk of being `late_days` working days behind, by the site's threshold.
    fn risk(&self, late_days: i64) -> Outlook {
        Outlook::of(late_days, self.input.site.config.late_after_days)
    }

    /// Where feedback goes: the site's `feedback_url` with this customer's
    /// values filled in (each percent-encoded; nothing when the result is
    /// refused), else an e-mail to the customer's contact.
    fn feedback_url(&self) -> String {
        if let Some(template) = &self.input.site.config.feedback_url {
            let c = self.customer;
            let url = crate::url::fill_template(template, &|name| match name {
                "customer.id" => Some(c.id.clone()),
                "customer.name" => Some(c.name.clone()),
                "customer.language" => Some(c.language.as_str().to_string()),
                _ => None,
            });
            return if crate::url::is_allowed(&url) {
                url
            } else {
                String::new()
            };
        }
        self.playbook
            .contact_role()
            .and_then(|(id, _)| self.person(id))
            .filter(|p| !p.email.is_empty())
            .map(|p| {
                format!(
                    "mailto:{}?subject={}",
                    p.email,
                    encode_component(&format!(
                        "{} — {}",
                        self.t("feedback_heading", "Feedback"),
                        self.customer.name
                    ))
                )
            })
            .unwrap_or_default()
    }

    /// The page at `sub` under the portal's folder in this language.
    fn at(&self, sub: &str) -> At {
        let path = format!("{}{sub}index.html", self.dir);
        let site_root = root_of(&path);
        let root = format!("{site_root}{}", lang_prefix(self.lang, self.default));
        At {
            path,
            site_root,
            root,
        }
    }

    /// The portal's FAQ page in this language, from a page whose site root is `site_root`.
    fn faq_page(&self, site_root: &str) -> String {
        format!("{site_root}{}faq/", self.dir)
    }

    /// A portal page at `sub`, with the `portal` and `customer` values every
    /// portal page has and its own `extra` values.
    fn page(
        &self,
        sub: &str,
        at: At,
        (template, kind): (&'static str, &'static str),
        title: String,
        extra: Vec<(&'static str, Value)>,
    ) -> Page {
        let customer = self.customer;
        let (site_root, dir) = (&at.site_root, &self.dir);
        let base = portal_dir(customer);
        let sealed_suffix = if customer.passphrase.is_some() {
            crate::seal::BLOB_SUFFIX
        } else {
            ""
        };
        let here = format!("{site_root}{dir}");
        let calendars = list(self.calendar_roles.iter().map(|(role, title)| {
            let file = super::files::role_calendar_name(role);
            record! {
                "file" => file.as_str(),
                "person" => customer.team.get(*role).map_or("", |p| p.name.as_str()),
                "role" => *role,
                "title" => title.clone(),
                "url" => format!("{site_root}{base}{file}{sealed_suffix}"),
            }
        }));
        let portal_links = record! {
            "calendar" => format!("{site_root}{base}calendar.ics{sealed_suffix}"),
            "calendars" => calendars,
            "checklist" => format!("{here}checklist/"),
            "faq" => format!("{here}faq/"),
            "overview" => here.as_str(),
            "plan" => format!("{site_root}{base}plan.json{sealed_suffix}"),
            "sealed" => customer.passphrase.is_some(),
            "timeline" => format!("{here}timeline/"),
        };
        // Its own search index, in the folder of its overview (`[search] portal`).
        let portal_search = self.input.site.config.search.portal.then(|| {
            record! { "index" => format!("search.json{sealed_suffix}") }
        });
        let mut values = vec![
            ("portal", portal_links),
            ("portal_search", Value::from(portal_search)),
            ("customer", self.customer_value.clone()),
            ("forms", self.forms_value.clone()),
        ];
        values.extend(extra);
        Page {
            path: at.path,
            template,
            title,
            kind,
            lang: self.lang.clone(),
            content_lang: self.lang.clone(),
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
    }

    /// The overview: next steps, overdue and blocked tasks, milestones.
    fn overview(&self) -> Page {
        let at = self.at("");
        let common = self.common;
        let ratings = self.input.site.feedback.ratings.get(&self.customer.id);
        let milestones = list(common.milestones.iter().map(|m| {
            let risk = self.risk(m.late_days);
            // The customer's latest rating of the milestone, if any.
            let rated = ratings.and_then(|r| r.iter().rev().find(|r| r.milestone == m.id));
            let rate = match rated {
                Some(_) => None,
                None => self.ratings.get(m.id.as_str()).cloned(),
            };
            record! {
                "comment" => rated.map_or("", |r| r.comment.as_str()),
                "date" => self.date(m.due),
                "date_iso" => m.due.to_string(),
                "forecast" => self.date(m.forecast_due),
                "forecast_iso" => m.forecast_due.to_string(),
                "id" => m.id.as_str(),
                "late_days" => m.late_days,
                "rate" => rate.unwrap_or_else(|| Value::from(())),
                "rating" => rated.map_or(0, |r| r.rating),
                "reached" => m.status.is_closed(),
                "risk" => risk.as_str(),
                "risk_label" => self.t(risk.string_key(), risk_english(risk)),
                "title" => {
                    let (text, filed) = m.text(self.lang, self.default);
                    lang_text::text(text.title.as_str(), text.title_lang(filed))
                },
            }
        }));
        let values = vec![
            ("next_steps", self.tasks(&common.next_steps, &at)),
            ("overdue", self.tasks(&common.overdue, &at)),
            ("blocked", self.tasks(&common.blocked, &at)),
            ("documents", self.tasks(&common.documents, &at)),
            ("milestones", milestones),
        ];
        self.page(
            "",
            at,
            ("portal_overview.html", "portal_overview"),
            self.t("overview", "Overview"),
            values,
        )
    }

    /// The checklist: every phase with its tasks.
    fn checklist(&self) -> Page {
        let at = self.at("checklist/");
        let (lang, default, plan) = (self.lang, self.default, self.plan);
        let phases = list(self.common.phases.iter().map(|(n, items, done)| {
            let (text, filed) = plan
                .phases
                .get(*n)
                .map_or((&*crate::plan::EMPTY_TEXT, default), |t| pick(t, lang, default));
            record! {
                "description_html" => lang_text::html(Arc::clone(&text.description_html), text.description_lang(filed)),
                "done" => *done,
                "id" => self.playbook.phases[*n].id.as_str(),
                "tasks" => self.tasks(items, &at),
                "title" => lang_text::text(text.title.as_str(), text.title_lang(filed)),
                "total" => items.len(),
            }
        }));
        self.page(
            "checklist/",
            at,
            ("portal_checklist.html", "portal_checklist"),
            self.t("checklist", "Checklist"),
            vec![("phases", phases)],
        )
    }

    /// The timeline: the plan drawn as a chart.
    fn timeline(&self) -> Page {
        let at = self.at("timeline/");
        let (lang, default, plan, locale) = (self.lang, self.default, self.plan, self.lx.locale);
        let t = |key: &str, fallback: &str| self.t(key, fallback);
        let tl = timeline::layout(
            plan.visible(),
            plan.kickoff,
            plan.end,
            Some(self.input.today),
            &timeline::Labels {
                row: &|i: &Item| {
                    let (text, filed) = i.text(lang, default);
                    let l = text.title_lang(filed);
                    (
                        text.title.clone(),
                        (l != lang).then(|| l.as_str().to_string()),
                    )
                },
                tick: &|d, _| locale.short_date(d),
                date: &|d| self.date(d).as_str().unwrap_or_default().to_string(),
            },
        )
        .draw(&timeline::ChartWords::new(&t, true));
        self.page(
            "timeline/",
            at,
            ("portal_timeline.html", "portal_timeline"),
            self.t("timeline", "Timeline"),
            vec![
                ("report", self.common.reportable.clone()),
                ("timeline", tl.into_value()),
            ],
        )
    }

    /// The FAQ: the entries the customer's tasks link to.
    fn faq(&self) -> Page {
        let at = self.at("faq/");
        let faqs = self
            .lx
            .faq_values(&self.common.faqs, &at.root, &at.site_root);
        self.page(
            "faq/",
            at,
            ("portal_faq.html", "portal_faq"),
            self.t("faq", "Frequently asked questions"),
            vec![("faqs", faqs)],
        )
    }
}

/// A risk's label when the theme's strings have none.
fn risk_english(risk: Outlook) -> &'static str {
    match risk {
        Outlook::OnTrack => "On track",
        Outlook::AtRisk => "At risk",
        Outlook::Late => "Late",
    }
}
