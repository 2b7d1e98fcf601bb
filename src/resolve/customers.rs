//! Customers: parse every `customers/*.yaml` and check it against its playbook.
//!
//! Internal notes are read (so the key is allowed) and dropped here: they never
//! enter the model, so no later stage can write them.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use indexmap::IndexMap;

use jiff::civil::Date;

use crate::calendar::{WorkCalendar, parse_date, parse_weekday};
use crate::config::{Config, PortalLanguages};
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Label, SourceFile};
use crate::ids::{ID_HELP, is_valid_id};
use crate::lang::Lang;
use crate::model::ContentIndex;
use crate::model::{Customer, ExtraTask, Person, Playbook, Progress, Ref};
use crate::options::{BuildOptions, WithoutPassphrase};
use crate::raw::{RawCustomer, RawProgress, Status};
use crate::resolve::playbooks::{TaskScope, convert_task, file_stem, origin};
use crate::secret::Secret;
use crate::text::TextEngine;
use crate::yaml::{self, Spanned};

/// A customer file's id and YAML, or the problem (if any) that stops it there.
pub(crate) type Parsed = Result<(String, RawCustomer), Vec<Diagnostic>>;

/// Reads a customer file's id and YAML: the part of resolving a customer that needs
/// nothing else of the site, so it can run while the rest of the site resolves.
pub(crate) fn parse_customer(file: &Arc<SourceFile>) -> Parsed {
    let id = file_stem(&file.path, "customers/").ok_or(Vec::new())?;
    if !is_valid_id(&id) {
        return Err(vec![
            Diagnostic::error(
                Code::InvalidId,
                format!("`{id}` is not a valid customer id"),
            )
            .at(Label::new(file, 0, 0))
            .help(format!("rename the file: {ID_HELP}")),
        ]);
    }
    let mut raw: RawCustomer = yaml::parse_all(file, 0, file.text.len())?;
    crate::resolve::playbooks::read_back_as_written(file, raw.extra_tasks.iter_mut());
    Ok((id, raw))
}

/// The rest of the site a customer file is checked against.
pub(crate) struct SiteSoFar<'a> {
    pub(crate) config: &'a Config,
    pub(crate) playbooks: &'a BTreeMap<String, Playbook>,
    /// Names under playbooks/ that did not resolve: a customer naming one gets
    /// no second error.
    pub(crate) broken_playbooks: &'a BTreeSet<String>,
    pub(crate) content: &'a ContentIndex,
    pub(crate) texts: &'a TextEngine,
    pub(crate) options: &'a BuildOptions,
}

/// Validates one customer file, parsed by [`parse_customer`], against the site:
/// each part of the file by its own check, then the portal's address.
pub(crate) fn resolve_customer(
    file: &Arc<SourceFile>,
    parsed: Parsed,
    site: &SiteSoFar<'_>,
    diagnostics: &mut Diagnostics,
) -> Option<Customer> {
    let (id, raw) = match parsed {
        Ok(parsed) => parsed,
        Err(problems) => {
            diagnostics.push_all(problems);
            return None;
        }
    };
    let before = diagnostics.error_count();
    let playbook = find_playbook(file, &raw, site, diagnostics);
    let kickoff = date_or_error(file, &raw.kickoff, diagnostics, || {
        Some("write the kickoff date as YYYY-MM-DD")
    });
    let (language, languages) = portal_languages(file, &raw, site.config, diagnostics);
    let text_language = raw
        .text_language
        .as_ref()
        .and_then(|l| site_language(file, l, site.config, diagnostics))
        .unwrap_or_else(|| language.clone());
    let timezone = timezone(file, &raw, diagnostics);
    check_vars(file, &raw, diagnostics);
    let team = team(file, &raw, playbook, diagnostics);
    let ids = TaskIds::new(file, &raw, playbook, diagnostics);
    let extra_tasks = playbook
        .map(|p| extra_tasks(file, &raw, p, &ids, site, &text_language, diagnostics))
        .unwrap_or_default();
    let remove_tasks = remove_tasks(file, &raw, playbook.is_some(), &ids, diagnostics);
    let progress = raw
        .progress
        .iter()
        .map(|(task, p)| {
            let entry = progress_entry(
                file,
                task,
                p,
                playbook.is_some(),
                &ids,
                kickoff,
                diagnostics,
            );
            (task.value.clone(), entry)
        })
        .collect();
    let calendar = calendar(file, &raw, site.config, diagnostics);
    if diagnostics.error_count() != before {
        return None;
    }
    let passphrase = passphrase(file, &raw, site.options, diagnostics)?;
    let unsealed = raw
        .encrypt
        .as_ref()
        .filter(|_| passphrase.is_none())
        .map(|e| e.passphrase_env.value.clone());
    let portal = format!(
        "{}{}/",
        crate::privacy::PORTAL_ROOT,
        crate::privacy::portal_token(&site.options.secret, &id, raw.portal_rotation)
    );
    Some(Customer {
        id,
        portal,
        passphrase,
        unsealed,
        name: raw.name.value.clone(),
        playbook: raw.playbook.value.clone(),
        kickoff: kickoff?,
        language,
        text_language,
        languages,
        timezone,
        vars: raw.vars.clone(),
        team,
        progress,
        extra_tasks,
        remove_tasks,
        calendar,
    })
}

fn label(file: &Arc<SourceFile>, s: &Spanned<String>) -> Label {
    yaml::label(file, 0, s)
}

/// The playbook the customer names; `None` (with an error unless that playbook
/// is itself broken) when there is none by that name.
fn find_playbook<'a>(
    file: &Arc<SourceFile>,
    raw: &RawCustomer,
    site: &SiteSoFar<'a>,
    diagnostics: &mut Diagnostics,
) -> Option<&'a Playbook> {
    let name = &raw.playbook;
    if let Some(p) = site.playbooks.get(&name.value) {
        return Some(p);
    }
    if !site.broken_playbooks.contains(&name.value) {
        diagnostics.push(
            Diagnostic::error(
                Code::UnknownPlaybook,
                format!("no playbook `{}`", name.value),
            )
            .at(label(file, name))
            .suggest(&name.value, site.playbooks.keys().map(String::as_str)),
        );
    }
    None
}

/// A date written as YYYY-MM-DD, or an error at it (with `help`, if any).
fn date_or_error(
    file: &Arc<SourceFile>,
    value: &Spanned<String>,
    diagnostics: &mut Diagnostics,
    help: impl FnOnce() -> Option<&'static str>,
) -> Option<Date> {
    match parse_date(&value.value) {
        Ok(d) => Some(d),
        Err(why) => {
            let mut d = Diagnostic::error(Code::InvalidDate, why).at(label(file, value));
            if let Some(help) = help() {
                d = d.help(help);
            }
            diagnostics.push(d);
            None
        }
    }
}

/// A language of the site, or an error at `l`.
fn site_language(
    file: &Arc<SourceFile>,
    l: &Spanned<String>,
    config: &Config,
    diagnostics: &mut Diagnostics,
) -> Option<Lang> {
    match Lang::parse(&l.value) {
        Ok(lang) if config.languages.contains(&lang) => Some(lang),
        Ok(lang) => {
            let languages: Vec<&str> = config.languages.iter().map(Lang::as_str).collect();
            diagnostics.push(
                Diagnostic::error(
                    Code::InvalidLanguage,
                    format!("`{lang}` is not one of the site's languages"),
                )
                .at(label(file, l))
                .help(format!(
                    "the site's languages are {}; add it to `languages` in gangway.toml",
                    languages.join(", ")
                )),
            );
            None
        }
        Err(why) => {
            diagnostics.push(Diagnostic::error(Code::InvalidLanguage, why).at(label(file, l)));
            None
        }
    }
}

/// The customer's language and the portal's languages: the customer's own,
/// those the file lists, else what `[portals] languages` says; always in the
/// site's order.
fn portal_languages(
    file: &Arc<SourceFile>,
    raw: &RawCustomer,
    config: &Config,
    diagnostics: &mut Diagnostics,
) -> (Lang, Vec<Lang>) {
    let language = raw
        .language
        .as_ref()
        .and_then(|l| site_language(file, l, config, diagnostics))
        .unwrap_or_else(|| config.default_language.clone());
    let listed: Vec<Lang> = raw
        .languages
        .iter()
        .filter_map(|l| site_language(file, l, config, diagnostics))
        .collect();
    let wanted = |l: &Lang| match (raw.languages.is_empty(), config.portal_languages) {
        (false, _) => listed.contains(l),
        (true, PortalLanguages::All) => true,
        (true, PortalLanguages::Customer) => *l == config.default_language,
    };
    let languages = config
        .languages
        .iter()
        .filter(|l| **l == language || wanted(l))
        .cloned()
        .collect();
    (language, languages)
}

/// The customer's IANA time zone, if it names a known one.
fn timezone(
    file: &Arc<SourceFile>,
    raw: &RawCustomer,
    diagnostics: &mut Diagnostics,
) -> Option<String> {
    let tz = raw.timezone.as_ref()?;
    if jiff::tz::TimeZone::get(&tz.value).is_ok() {
        return Some(tz.value.clone());
    }
    diagnostics.push(
        Diagnostic::error(
            Code::InvalidTimezone,
            format!("`{}` is not a known time zone", tz.value),
        )
        .at(label(file, tz))
        .help("use an IANA time zone name such as `Asia/Kuala_Lumpur` or `Africa/Blantyre`"),
    );
    None
}

/// Variable names must be usable in conditions as `customer.vars.NAME`.
fn check_vars(file: &Arc<SourceFile>, raw: &RawCustomer, diagnostics: &mut Diagnostics) {
    for key in raw.vars.keys() {
        if key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !key.starts_with(|c: char| c.is_ascii_digit())
        {
            continue;
        }
        let start = file.text.find(key.as_str()).unwrap_or(0);
        diagnostics.push(
            Diagnostic::error(
                Code::InvalidId,
                format!("`{key}` cannot be used as a variable name"),
            )
            .at(Label::new(file, start, start + key.len()))
            .help("variable names use letters, digits and `_`, so conditions can write `customer.vars.NAME`"),
        );
    }
}

/// The customer's team by role; every role must be the playbook's, and the
/// playbook's contact role must be filled.
fn team(
    file: &Arc<SourceFile>,
    raw: &RawCustomer,
    playbook: Option<&Playbook>,
    diagnostics: &mut Diagnostics,
) -> IndexMap<String, Person> {
    let mut team = IndexMap::new();
    for (role, person) in &raw.team {
        if let Some(p) = playbook
            && !p.roles.contains_key(&role.value)
        {
            diagnostics.push(
                Diagnostic::error(
                    Code::UnknownRole,
                    format!("playbook `{}` has no role `{}`", p.id, role.value),
                )
                .at(label(file, role))
                .suggest(&role.value, p.roles.keys().map(String::as_str)),
            );
        }
        team.insert(
            role.value.clone(),
            Person {
                name: person.name.clone(),
                email: person.email.clone().unwrap_or_default(),
                phone: person.phone.clone().unwrap_or_default(),
            },
        );
    }
    if let Some(p) = playbook
        && let Some((contact, role)) = p.contact_role()
        && !team.contains_key(contact)
    {
        diagnostics.push(
            Diagnostic::error(
                Code::MissingContact,
                format!(
                    "{} has no {} (`{contact}`): every customer needs one single point of contact",
                    raw.name.value, role.title.source
                ),
            )
            .at(label(file, &raw.name))
            .help(format!(
                "add to `team:`\n  {contact}: {{ name: ..., email: ... }}"
            )),
        );
    }
    team
}

/// The task ids a customer file may name.
struct TaskIds {
    /// The playbook's tasks and milestones.
    playbook: Vec<String>,
    /// Those and the customer's extra tasks.
    known: Vec<String>,
}

impl TaskIds {
    /// Collects the ids; an extra task may not reuse one of the playbook's.
    fn new(
        file: &Arc<SourceFile>,
        raw: &RawCustomer,
        playbook: Option<&Playbook>,
        diagnostics: &mut Diagnostics,
    ) -> TaskIds {
        let mut known: Vec<String> = Vec::new();
        if let Some(p) = playbook {
            known.extend(p.tasks().map(|t| t.id.clone()));
            known.extend(p.milestones.iter().map(|m| m.id.clone()));
        }
        let playbook_ids = known.clone();
        for extra in &raw.extra_tasks {
            if playbook_ids.contains(&extra.id.value) {
                diagnostics.push(
                    Diagnostic::error(
                        Code::DuplicateId,
                        format!("the playbook already has a task `{}`", extra.id.value),
                    )
                    .at(label(file, &extra.id))
                    .help("give the extra task its own id"),
                );
            }
            known.push(extra.id.value.clone());
        }
        TaskIds {
            playbook: playbook_ids,
            known,
        }
    }
}

/// The customer's extra tasks, each checked like a playbook task and placed in
/// a phase of the playbook.
fn extra_tasks(
    file: &Arc<SourceFile>,
    raw: &RawCustomer,
    p: &Playbook,
    ids: &TaskIds,
    site: &SiteSoFar<'_>,
    text_language: &Lang,
    diagnostics: &mut Diagnostics,
) -> Vec<ExtraTask> {
    // Sorted: `after:` references are looked up in it (`convert_task`).
    let mut known_refs: Vec<&str> = ids.known.iter().map(String::as_str).collect();
    known_refs.sort_unstable();
    let scope = TaskScope {
        roles: &p.roles,
        known_ids: &known_refs,
        content: site.content,
        lang: text_language,
        texts: site.texts,
        extra: true,
        languages: &site.config.languages,
    };
    let mut extra_tasks = Vec::with_capacity(raw.extra_tasks.len());
    for extra in &raw.extra_tasks {
        let Some(phase) = &extra.phase else {
            let phases: Vec<&str> = p.phases.iter().map(|x| x.id.as_str()).collect();
            diagnostics.push(
                Diagnostic::error(
                    Code::MissingKey,
                    format!(
                        "extra task `{}` does not say which phase it joins",
                        extra.id.value
                    ),
                )
                .at(label(file, &extra.id))
                .help(format!("add `phase:` with one of: {}", phases.join(", "))),
            );
            continue;
        };
        if !p.phases.iter().any(|x| x.id == phase.value) {
            diagnostics.push(
                Diagnostic::error(
                    Code::UnknownPhase,
                    format!("playbook `{}` has no phase `{}`", p.id, phase.value),
                )
                .at(label(file, phase))
                .suggest(&phase.value, p.phases.iter().map(|x| x.id.as_str())),
            );
            continue;
        }
        if let Some(task) = convert_task(file, extra, &scope, diagnostics) {
            extra_tasks.push(ExtraTask {
                phase: phase.value.clone(),
                task,
            });
        }
    }
    extra_tasks
}

/// The playbook tasks this customer does without; each must be the playbook's.
fn remove_tasks(
    file: &Arc<SourceFile>,
    raw: &RawCustomer,
    has_playbook: bool,
    ids: &TaskIds,
    diagnostics: &mut Diagnostics,
) -> Vec<Ref> {
    let mut remove_tasks = Vec::new();
    for r in &raw.remove_tasks {
        if has_playbook && !ids.playbook.contains(&r.value) {
            diagnostics.push(
                Diagnostic::error(
                    Code::UnknownTask,
                    format!(
                        "`remove_tasks` names `{}`, which the playbook does not have",
                        r.value
                    ),
                )
                .at(label(file, r))
                .suggest(&r.value, ids.playbook.iter().map(String::as_str)),
            );
        }
        remove_tasks.push(Ref {
            id: r.value.clone(),
            origin: origin(file, r),
        });
    }
    remove_tasks
}

/// One task's progress: its task must be in the plan, its status must carry
/// what it needs (`on`, `note`, `reason`), its date must parse.
fn progress_entry(
    file: &Arc<SourceFile>,
    task: &Spanned<String>,
    p: &RawProgress,
    has_playbook: bool,
    ids: &TaskIds,
    kickoff: Option<Date>,
    diagnostics: &mut Diagnostics,
) -> Progress {
    if has_playbook && !ids.known.contains(&task.value) {
        diagnostics.push(
            Diagnostic::error(
                Code::UnknownTask,
                format!(
                    "progress for `{}`, which is not a task of this customer's plan",
                    task.value
                ),
            )
            .at(label(file, task))
            .suggest(&task.value, ids.known.iter().map(String::as_str)),
        );
    }
    let status = p.status.value;
    let on =
        p.on.as_ref()
            .and_then(|on| date_or_error(file, on, diagnostics, || None));
    let (present, what, help) = match status {
        Status::Done => (
            p.on.is_some(),
            "on",
            "write the day it was done: `on: YYYY-MM-DD`",
        ),
        Status::Blocked => (
            p.note.is_some(),
            "note",
            "say what the task is waiting for: `note: ...`",
        ),
        Status::Skipped => (
            p.reason.is_some(),
            "reason",
            "say why it is skipped: `reason: ...`",
        ),
        Status::Todo | Status::InProgress => (true, "", ""),
    };
    if !present {
        diagnostics.push(
            Diagnostic::error(
                Code::MissingKey,
                format!("status `{}` needs `{what}`", status.as_str()),
            )
            .at(yaml::label(file, 0, &p.status))
            .help(help),
        );
    }
    if let (Some(on), Some(kickoff)) = (on, kickoff)
        && on < kickoff
    {
        diagnostics.push(
            Diagnostic::warning(
                Code::DateBeforeKickoff,
                format!(
                    "`{}` is marked done before the kickoff ({kickoff})",
                    task.value
                ),
            )
            .at(label(file, p.on.as_ref().unwrap_or(task))),
        );
    }
    let note = match status {
        Status::Skipped => p.reason.clone().or(p.note.clone()),
        _ => p.note.clone(),
    };
    Progress {
        status,
        on,
        note: note.unwrap_or_default(),
        by: p.by.clone().unwrap_or_default(),
        reported: p.reported,
    }
}

/// The site's working calendar with the customer's own workdays and holidays.
fn calendar(
    file: &Arc<SourceFile>,
    raw: &RawCustomer,
    config: &Config,
    diagnostics: &mut Diagnostics,
) -> WorkCalendar {
    let mut calendar = config.calendar.clone();
    let Some(cal) = &raw.calendar else {
        return calendar;
    };
    if let Some(days) = &cal.workdays {
        let mut weekdays = Vec::new();
        for day in days {
            match parse_weekday(&day.value) {
                Some(d) => weekdays.push(d),
                None => diagnostics.push(
                    Diagnostic::error(
                        Code::InvalidValue,
                        format!("`{}` is not a day of the week", day.value),
                    )
                    .at(label(file, day))
                    .help("use mon, tue, wed, thu, fri, sat or sun"),
                ),
            }
        }
        calendar = calendar.with_workdays(&weekdays);
    }
    if let Some(holidays) = &cal.holidays {
        let dates: Vec<Date> = holidays
            .iter()
            .filter_map(|day| date_or_error(file, day, diagnostics, || None))
            .collect();
        calendar = calendar.with_holidays(dates);
    }
    calendar
}

/// The passphrase of an encrypted portal, read from the environment variable
/// the file names: `Some(None)` for a portal that is not encrypted (or is to be
/// shown unencrypted for want of the variable, when the options say so), `None`
/// (with an error) when the variable is unset or its passphrase too weak.
fn passphrase(
    file: &Arc<SourceFile>,
    raw: &RawCustomer,
    options: &BuildOptions,
    diagnostics: &mut Diagnostics,
) -> Option<Option<Secret<String>>> {
    let Some(e) = &raw.encrypt else {
        return Some(None);
    };
    let var = &e.passphrase_env;
    let Some(p) = options.env.expose().get(&var.value) else {
        if options.without_passphrase == WithoutPassphrase::ShowUnencrypted {
            return Some(None);
        }
        diagnostics.push(
            Diagnostic::error(
                Code::MissingPassphrase,
                format!(
                    "the environment variable `{}` is not set, so this portal cannot be encrypted",
                    var.value
                ),
            )
            .at(label(file, var))
            .help(format!(
                "set {} where gangway runs (a CI secret); gangway never publishes an encrypted portal unencrypted",
                var.value
            )),
        );
        return None;
    };
    if let Err(why) = crate::seal::check_passphrase(p) {
        diagnostics.push(
            Diagnostic::error(
                Code::WeakPassphrase,
                format!("the passphrase in `{}` cannot be used: {why}", var.value),
            )
            .at(label(file, var))
            .help("use a long passphrase: several unrelated words are easy to share and hard to guess"),
        );
        return None;
    }
    Some(Some(Secret::new(p.clone())))
}
