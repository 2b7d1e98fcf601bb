//! Customers: parse every `customers/*.yaml` and check it against its playbook.
//!
//! Internal notes are read (so the key is allowed) and dropped here: they never
//! enter the model, so no later stage can write them.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use indexmap::IndexMap;

use crate::calendar::{parse_date, parse_weekday};
use crate::config::{Config, PortalLanguages};
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Label, SourceFile};
use crate::ids::{ID_HELP, is_valid_id};
use crate::lang::Lang;
use crate::model::{Customer, ExtraTask, Person, Playbook, Progress, Ref};
use crate::raw::{RawCustomer, Status};
use crate::resolve::playbooks::{convert_task, file_stem, origin};
use crate::resolve::refs::ContentIndex;
use crate::suggest::did_you_mean;
use crate::text::TextEngine;
use crate::yaml;

/// A customer file's id and YAML, or the problem (if any) that stops it there.
pub(crate) type Parsed = Result<(String, RawCustomer), Option<Diagnostic>>;

/// Reads a customer file's id and YAML: the part of resolving a customer that needs
/// nothing else of the site, so it can run while the rest of the site resolves.
pub(crate) fn parse_customer(file: &Arc<SourceFile>) -> Parsed {
    let id = file_stem(&file.path, "customers/").ok_or(None)?;
    if !is_valid_id(&id) {
        return Err(Some(
            Diagnostic::error(
                Code::InvalidId,
                format!("`{id}` is not a valid customer id"),
            )
            .at(Label::new(file, 0, 0))
            .help(format!("rename the file: {ID_HELP}")),
        ));
    }
    let raw = yaml::parse(file, 0, file.text.len()).map_err(Some)?;
    Ok((id, raw))
}

/// Validates one customer file, parsed by [`parse_customer`], against the site.
#[allow(clippy::too_many_arguments)]
pub(crate) fn resolve_customer(
    file: &Arc<SourceFile>,
    parsed: Parsed,
    config: &Config,
    playbooks: &BTreeMap<String, Playbook>,
    broken_playbooks: &BTreeSet<String>,
    content: &ContentIndex,
    texts: &TextEngine,
    options: &crate::build::BuildOptions,
    diagnostics: &mut Diagnostics,
) -> Option<Customer> {
    let (id, raw) = match parsed {
        Ok(parsed) => parsed,
        Err(problem) => {
            if let Some(problem) = problem {
                diagnostics.push(problem);
            }
            return None;
        }
    };
    let label = |s: &crate::yaml::Spanned<String>| yaml::label(file, 0, s);
    let before = diagnostics.error_count();

    let playbook = match playbooks.get(&raw.playbook.value) {
        Some(p) => Some(p),
        None if broken_playbooks.contains(&raw.playbook.value) => None,
        None => {
            let mut d = Diagnostic::error(
                Code::UnknownPlaybook,
                format!("no playbook `{}`", raw.playbook.value),
            )
            .at(label(&raw.playbook));
            if let Some(best) =
                did_you_mean(&raw.playbook.value, playbooks.keys().map(String::as_str))
            {
                d = d.help(format!("did you mean `{best}`?"));
            }
            diagnostics.push(d);
            None
        }
    };

    let kickoff = match parse_date(&raw.kickoff.value) {
        Ok(d) => Some(d),
        Err(why) => {
            diagnostics.push(
                Diagnostic::error(Code::InvalidDate, why)
                    .at(label(&raw.kickoff))
                    .help("write the kickoff date as YYYY-MM-DD"),
            );
            None
        }
    };

    // A language of the site, or an error at `l`.
    let mut site_language = |l: &crate::yaml::Spanned<String>| match Lang::parse(&l.value) {
        Ok(lang) if config.languages.contains(&lang) => Some(lang),
        Ok(lang) => {
            diagnostics.push(
                Diagnostic::error(
                    Code::InvalidLanguage,
                    format!("`{lang}` is not one of the site's languages"),
                )
                .at(label(l))
                .help(format!(
                    "the site's languages are {}; add it to `languages` in gangway.toml",
                    config
                        .languages
                        .iter()
                        .map(Lang::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
            None
        }
        Err(why) => {
            diagnostics.push(Diagnostic::error(Code::InvalidLanguage, why).at(label(l)));
            None
        }
    };
    let language = raw
        .language
        .as_ref()
        .and_then(&mut site_language)
        .unwrap_or_else(|| config.default_language.clone());
    // The portal's languages: the customer's own, those the file lists, else what
    // `[portals] languages` says; always in the site's order.
    let listed: Vec<Lang> = raw
        .languages
        .iter()
        .filter_map(&mut site_language)
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

    let timezone = match &raw.timezone {
        None => None,
        Some(tz) => match jiff::tz::TimeZone::get(&tz.value) {
            Ok(_) => Some(tz.value.clone()),
            Err(_) => {
                diagnostics.push(
                    Diagnostic::error(Code::InvalidTimezone, format!("`{}` is not a known time zone", tz.value))
                        .at(label(tz))
                        .help("use an IANA time zone name such as `Asia/Kuala_Lumpur` or `Africa/Blantyre`"),
                );
                None
            }
        },
    };

    for key in raw.vars.keys() {
        if !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            || key.starts_with(|c: char| c.is_ascii_digit())
        {
            diagnostics.push(
                Diagnostic::error(Code::InvalidId, format!("`{key}` cannot be used as a variable name"))
                    .at(Label::new(file, file.text.find(key.as_str()).unwrap_or(0), file.text.find(key.as_str()).unwrap_or(0) + key.len()))
                    .help("variable names use letters, digits and `_`, so conditions can write `customer.vars.NAME`"),
            );
        }
    }

    let mut team = IndexMap::new();
    for (role, person) in &raw.team {
        if let Some(p) = playbook
            && !p.roles.contains_key(&role.value)
        {
            let mut d = Diagnostic::error(
                Code::UnknownRole,
                format!("playbook `{}` has no role `{}`", p.id, role.value),
            )
            .at(label(role));
            if let Some(best) = did_you_mean(&role.value, p.roles.keys().map(String::as_str)) {
                d = d.help(format!("did you mean `{best}`?"));
            }
            diagnostics.push(d);
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
            .at(label(&raw.name))
            .help(format!(
                "add to `team:`\n  {contact}: {{ name: ..., email: ... }}"
            )),
        );
    }

    // Ids this customer's tasks may refer to: the playbook's and its own extra tasks'.
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
                .at(label(&extra.id))
                .help("give the extra task its own id"),
            );
        }
        known.push(extra.id.value.clone());
    }
    // Sorted: `after:` references are looked up in it (`convert_task`).
    let mut known_refs: Vec<&str> = known.iter().map(String::as_str).collect();
    known_refs.sort_unstable();

    let mut extra_tasks = Vec::new();
    if let Some(p) = playbook {
        for extra in &raw.extra_tasks {
            let Some(phase) = &extra.phase else {
                diagnostics.push(
                    Diagnostic::error(
                        Code::MissingKey,
                        format!(
                            "extra task `{}` does not say which phase it joins",
                            extra.id.value
                        ),
                    )
                    .at(label(&extra.id))
                    .help(format!(
                        "add `phase:` with one of: {}",
                        p.phases
                            .iter()
                            .map(|x| x.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                );
                continue;
            };
            if !p.phases.iter().any(|x| x.id == phase.value) {
                let mut d = Diagnostic::error(
                    Code::UnknownPhase,
                    format!("playbook `{}` has no phase `{}`", p.id, phase.value),
                )
                .at(label(phase));
                if let Some(best) =
                    did_you_mean(&phase.value, p.phases.iter().map(|x| x.id.as_str()))
                {
                    d = d.help(format!("did you mean `{best}`?"));
                }
                diagnostics.push(d);
                continue;
            }
            let lang = &config.default_language;
            if let Some(task) = convert_task(
                file,
                extra,
                &p.roles,
                &known_refs,
                content,
                lang,
                texts,
                true,
                diagnostics,
            ) {
                extra_tasks.push(ExtraTask {
                    phase: phase.value.clone(),
                    task,
                });
            }
        }
    }

    let mut remove_tasks = Vec::new();
    for r in &raw.remove_tasks {
        if playbook.is_some() && !playbook_ids.contains(&r.value) {
            let mut d = Diagnostic::error(
                Code::UnknownTask,
                format!(
                    "`remove_tasks` names `{}`, which the playbook does not have",
                    r.value
                ),
            )
            .at(label(r));
            if let Some(best) = did_you_mean(&r.value, playbook_ids.iter().map(String::as_str)) {
                d = d.help(format!("did you mean `{best}`?"));
            }
            diagnostics.push(d);
        }
        remove_tasks.push(Ref {
            id: r.value.clone(),
            origin: origin(file, r),
        });
    }

    let mut progress = BTreeMap::new();
    for (task, p) in &raw.progress {
        if playbook.is_some() && !known.contains(&task.value) {
            let mut d = Diagnostic::error(
                Code::UnknownTask,
                format!(
                    "progress for `{}`, which is not a task of this customer's plan",
                    task.value
                ),
            )
            .at(label(task));
            if let Some(best) = did_you_mean(&task.value, known.iter().map(String::as_str)) {
                d = d.help(format!("did you mean `{best}`?"));
            }
            diagnostics.push(d);
        }
        let status = p.status.value;
        let status_label = yaml::label(file, 0, &p.status);
        let on = match &p.on {
            Some(on) => match parse_date(&on.value) {
                Ok(d) => Some(d),
                Err(why) => {
                    diagnostics.push(Diagnostic::error(Code::InvalidDate, why).at(label(on)));
                    None
                }
            },
            None => None,
        };
        let require = |ok: bool, what: &str, diagnostics: &mut Diagnostics| {
            if !ok {
                diagnostics.push(
                    Diagnostic::error(
                        Code::MissingKey,
                        format!("status `{}` needs `{what}`", status.as_str()),
                    )
                    .at(status_label.clone())
                    .help(match what {
                        "on" => "write the day it was done: `on: YYYY-MM-DD`".to_string(),
                        "note" => "say what the task is waiting for: `note: ...`".to_string(),
                        _ => "say why it is skipped: `reason: ...`".to_string(),
                    }),
                );
            }
        };
        match status {
            Status::Done => require(p.on.is_some(), "on", diagnostics),
            Status::Blocked => require(p.note.is_some(), "note", diagnostics),
            Status::Skipped => require(p.reason.is_some(), "reason", diagnostics),
            Status::Todo | Status::InProgress => {}
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
                .at(label(p.on.as_ref().unwrap_or(task))),
            );
        }
        let note = match status {
            Status::Skipped => p.reason.clone().or(p.note.clone()),
            _ => p.note.clone(),
        };
        progress.insert(
            task.value.clone(),
            Progress {
                status,
                on,
                note: note.unwrap_or_default(),
            },
        );
    }

    let mut calendar = config.calendar.clone();
    if let Some(cal) = &raw.calendar {
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
                        .at(label(day))
                        .help("use mon, tue, wed, thu, fri, sat or sun"),
                    ),
                }
            }
            calendar = calendar.with_workdays(&weekdays);
        }
        if let Some(holidays) = &cal.holidays {
            let mut dates = Vec::new();
            for day in holidays {
                match parse_date(&day.value) {
                    Ok(d) => dates.push(d),
                    Err(why) => {
                        diagnostics.push(Diagnostic::error(Code::InvalidDate, why).at(label(day)))
                    }
                }
            }
            calendar = calendar.with_holidays(dates);
        }
    }

    if diagnostics.error_count() != before {
        return None;
    }
    let passphrase = match &raw.encrypt {
        None => None,
        Some(e) => match options.env.expose().get(&e.passphrase_env.value) {
            Some(p) => match crate::seal::check_passphrase(p) {
                Ok(()) => Some(crate::secret::Secret::new(p.clone())),
                Err(why) => {
                    diagnostics.push(
                        Diagnostic::error(Code::WeakPassphrase, format!("the passphrase in `{}` cannot be used: {why}", e.passphrase_env.value))
                            .at(label(&e.passphrase_env))
                            .help("use a long passphrase: several unrelated words are easy to share and hard to guess"),
                    );
                    return None;
                }
            },
            None => {
                diagnostics.push(
                    Diagnostic::error(Code::MissingPassphrase, format!("the environment variable `{}` is not set, so this portal cannot be encrypted", e.passphrase_env.value))
                        .at(label(&e.passphrase_env))
                        .help(format!("set {} where gangway runs (a CI secret); gangway never publishes an encrypted portal unencrypted", e.passphrase_env.value)),
                );
                return None;
            }
        },
    };
    let portal = format!(
        "{}{}/",
        crate::privacy::PORTAL_ROOT,
        crate::privacy::portal_token(&options.secret, &id, raw.portal_rotation)
    );
    Some(Customer {
        id,
        portal,
        passphrase,
        name: raw.name.value.clone(),
        playbook: raw.playbook.value.clone(),
        kickoff: kickoff?,
        language,
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
