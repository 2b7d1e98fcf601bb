//! Playbooks: parse every `playbooks/*.yaml`, apply `extends`, validate references.
//!
//! Inheritance is applied on the raw data (each piece keeping the file it came
//! from), then each flattened playbook is validated and converted once. Problems in
//! a parent are therefore also found through its children; the diagnostics list
//! drops the duplicates.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use crate::yaml::Spanned;
use indexmap::IndexMap;

use crate::actions::Completion;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Label, SourceFile};
use crate::ids::{ID_HELP, is_valid_id};
use crate::lang::Lang;
use crate::model::ContentIndex;
use crate::model::{
    Link, Milestone, Origin, Phase, Playbook, Ref, Request, RequestKind, Role, Task, Text,
};
use crate::offset::{OFFSET_HELP, Offset};
use crate::raw::{
    Localized, RawMilestone, RawPhase, RawPlaybook, RawRequest, RawRole, RawTask, Side,
};
use crate::suggest::hint;
use crate::text::TextEngine;
use crate::yaml;

/// A raw value together with the file it was read from.
#[derive(Clone, Debug)]
pub(crate) struct InFile<T> {
    pub file: Arc<SourceFile>,
    pub value: T,
}

pub(crate) fn origin<T>(file: &Arc<SourceFile>, spanned: &Spanned<T>) -> Origin {
    let (start, end) = yaml::span_in(file, 0, &spanned.place);
    Origin {
        file: Arc::clone(file),
        start,
        end,
    }
}

fn label<T>(file: &Arc<SourceFile>, spanned: &Spanned<T>) -> Label {
    yaml::label(file, 0, spanned)
}

/// Parses one playbook file. Returns the id (the file name) and the raw playbook.
pub(crate) fn parse_playbook(
    file: &Arc<SourceFile>,
    diagnostics: &mut Diagnostics,
) -> Option<(String, RawPlaybook)> {
    let stem = file_stem(&file.path, "playbooks/")?;
    if !is_valid_id(&stem) {
        diagnostics.push(
            Diagnostic::error(
                Code::InvalidId,
                format!("`{stem}` is not a valid playbook id"),
            )
            .at(Label::new(file, 0, 0))
            .help(format!("rename the file: {ID_HELP}")),
        );
        return None;
    }
    let raw: RawPlaybook = match yaml::parse_all::<RawPlaybook>(file, 0, file.text.len()) {
        Ok(mut raw) => {
            let tasks = raw.phases.iter_mut().flat_map(|p| p.tasks.iter_mut());
            read_back_as_written(file, tasks);
            raw
        }
        Err(ds) => {
            diagnostics.push_all(ds);
            return None;
        }
    };
    if let Some(id) = &raw.id
        && id.value != stem
    {
        diagnostics.push(
            Diagnostic::error(
                Code::IdMismatch,
                format!(
                    "the playbook id `{}` differs from its file name `{stem}`",
                    id.value
                ),
            )
            .at(label(file, id))
            .help(format!("write `id: {stem}` or remove `id:`")),
        );
    }
    Some((stem, raw))
}

/// The file name without folder and extension, for files directly in `folder`.
pub(crate) fn file_stem(path: &str, folder: &str) -> Option<String> {
    let name = path.strip_prefix(folder)?;
    let stem = name
        .strip_suffix(".yaml")
        .or_else(|| name.strip_suffix(".yml"))?;
    Some(stem.to_string())
}

#[derive(Clone, Debug)]
struct MergedPhase {
    id: InFile<Spanned<String>>,
    title: Option<InFile<Spanned<String>>>,
    description: Option<InFile<Spanned<String>>>,
    tasks: Vec<InFile<RawTask>>,
}

#[derive(Clone, Debug)]
struct Merged {
    roles: IndexMap<String, InFile<(Spanned<String>, RawRole)>>,
    phases: Vec<MergedPhase>,
    milestones: Vec<InFile<RawMilestone>>,
}

/// Resolves every playbook: applies `extends`, validates, converts. A playbook
/// extending one of `broken` (files under playbooks/ that did not parse, already
/// reported) is left out without a second error.
pub(crate) fn resolve_playbooks(
    raws: BTreeMap<String, InFile<RawPlaybook>>,
    broken: &BTreeSet<String>,
    content: &ContentIndex,
    lang: &Lang,
    texts: &TextEngine,
    diagnostics: &mut Diagnostics,
) -> BTreeMap<String, Playbook> {
    let mut merged: HashMap<String, Option<Merged>> =
        broken.iter().map(|id| (id.clone(), None)).collect();
    let mut out = BTreeMap::new();
    for id in raws.keys() {
        let mut visiting = Vec::new();
        let Some(m) = merge(id, &raws, &mut merged, &mut visiting, diagnostics) else {
            continue;
        };
        let checks = Checks {
            content,
            lang,
            texts,
        };
        if let Some(playbook) = convert(id, &raws, &m, checks, diagnostics) {
            out.insert(id.clone(), playbook);
        }
    }
    out
}

/// Flattens the `extends` chain of `id`, memoised. `None` when the chain is broken.
fn merge(
    id: &str,
    raws: &BTreeMap<String, InFile<RawPlaybook>>,
    memo: &mut HashMap<String, Option<Merged>>,
    visiting: &mut Vec<String>,
    diagnostics: &mut Diagnostics,
) -> Option<Merged> {
    if let Some(done) = memo.get(id) {
        return done.clone();
    }
    let raw = raws.get(id)?;
    let file = &raw.file;
    visiting.push(id.to_string());
    let base = match &raw.value.extends {
        None => Some(Merged {
            roles: IndexMap::new(),
            phases: Vec::new(),
            milestones: Vec::new(),
        }),
        Some(parent) if visiting.contains(&parent.value) => {
            let chain = visiting.join(" → ");
            diagnostics.push(
                Diagnostic::error(
                    Code::ExtendsCycle,
                    format!(
                        "playbooks extend each other in a circle: {chain} → {}",
                        parent.value
                    ),
                )
                .at(label(file, parent))
                .help("a playbook cannot extend itself, directly or through others"),
            );
            None
        }
        Some(parent) if matches!(memo.get(&parent.value), Some(None)) => None,
        Some(parent) if !raws.contains_key(&parent.value) => {
            diagnostics.push(
                Diagnostic::error(
                    Code::UnknownPlaybook,
                    format!("`{}` extends an unknown playbook `{}`", id, parent.value),
                )
                .at(label(file, parent))
                .suggest(&parent.value, raws.keys().map(String::as_str)),
            );
            None
        }
        Some(parent) => merge(&parent.value, raws, memo, visiting, diagnostics),
    };
    visiting.pop();
    let result = base.map(|mut m| {
        apply(&mut m, raw, diagnostics);
        m
    });
    memo.insert(id.to_string(), result.clone());
    result
}

/// Applies one playbook file on top of what it extends.
fn apply(m: &mut Merged, raw: &InFile<RawPlaybook>, diagnostics: &mut Diagnostics) {
    let file = &raw.file;
    let p = &raw.value;
    let extends = p.extends.is_some();
    for (id, role) in &p.roles {
        m.roles.insert(
            id.value.clone(),
            InFile {
                file: Arc::clone(file),
                value: (id.clone(), role.clone()),
            },
        );
    }
    let mut seen_in_file: BTreeMap<String, Label> = BTreeMap::new();
    for phase in &p.phases {
        m.apply_phase(file, phase, &mut seen_in_file, diagnostics);
    }
    for milestone in &p.milestones {
        let entry = InFile {
            file: Arc::clone(file),
            value: milestone.clone(),
        };
        match m
            .milestones
            .iter()
            .position(|x| x.value.id.value == milestone.id.value)
        {
            Some(i) => m.milestones[i] = entry,
            None => m.milestones.push(entry),
        }
    }
    if !p.remove.is_empty() && !extends {
        diagnostics.push(
            Diagnostic::error(
                Code::RemoveWithoutExtends,
                "`remove` only applies to a playbook that extends another",
            )
            .at(label(file, &p.remove[0]))
            .help("delete the tasks themselves, or add `extends:`"),
        );
    }
    for gone in &p.remove {
        if !m.remove(&gone.value) && extends {
            diagnostics.push(
                Diagnostic::error(
                    Code::UnknownTask,
                    format!(
                        "`remove` names `{}`, which the parent playbook does not have",
                        gone.value
                    ),
                )
                .at(label(file, gone)),
            );
        }
    }
}

impl Merged {
    /// Merges one phase of a file: a phase of the same id takes its title,
    /// description and tasks (a task of the same id is replaced); a new one is
    /// added at the end. `seen_in_file` catches a task id used twice in one file.
    fn apply_phase(
        &mut self,
        file: &Arc<SourceFile>,
        phase: &RawPhase,
        seen_in_file: &mut BTreeMap<String, Label>,
        diagnostics: &mut Diagnostics,
    ) {
        let RawPhase {
            id,
            title,
            description,
            tasks,
        } = phase;
        let in_file = |s: &Spanned<String>| InFile {
            file: Arc::clone(file),
            value: s.clone(),
        };
        let position = self
            .phases
            .iter()
            .position(|x| x.id.value.value == id.value);
        let target = match position {
            Some(i) => {
                let existing = &mut self.phases[i];
                if let Some(t) = title {
                    existing.title = Some(in_file(t));
                }
                if let Some(d) = description {
                    existing.description = Some(in_file(d));
                }
                existing
            }
            None => {
                self.phases.push(MergedPhase {
                    id: in_file(id),
                    title: title.as_ref().map(in_file),
                    description: description.as_ref().map(in_file),
                    tasks: Vec::new(),
                });
                let last = self.phases.len() - 1;
                &mut self.phases[last]
            }
        };
        for task in tasks {
            if let Some(first) = seen_in_file.get(&task.id.value) {
                diagnostics.push(
                    Diagnostic::error(
                        Code::DuplicateId,
                        format!("the task id `{}` is used twice in this file", task.id.value),
                    )
                    .at(label(file, &task.id))
                    .also(first.clone().with_message("first used here"))
                    .help("give each task its own id; to replace a parent's task, define it once"),
                );
                continue;
            }
            seen_in_file.insert(task.id.value.clone(), label(file, &task.id));
            let entry = InFile {
                file: Arc::clone(file),
                value: task.clone(),
            };
            match target
                .tasks
                .iter()
                .position(|t| t.value.id.value == task.id.value)
            {
                Some(i) => target.tasks[i] = entry,
                None => target.tasks.push(entry),
            }
        }
    }

    /// Removes the task or milestone `gone`; whatever waited for it waits for what
    /// it waited for instead. False when there is no such item.
    fn remove(&mut self, gone: &str) -> bool {
        let mut passed_on: Option<Vec<Spanned<String>>> = None;
        for phase in &mut self.phases {
            if let Some(t) = phase.tasks.iter().find(|t| t.value.id.value == gone) {
                passed_on = Some(t.value.after.clone());
            }
            phase.tasks.retain(|t| t.value.id.value != gone);
        }
        if let Some(x) = self.milestones.iter().find(|x| x.value.id.value == gone) {
            passed_on = Some(x.value.after.clone());
        }
        self.milestones.retain(|x| x.value.id.value != gone);
        let Some(inherited) = passed_on else {
            return false;
        };
        let rewire = |after: &mut Vec<Spanned<String>>| {
            if after.iter().any(|a| a.value == gone) {
                after.retain(|a| a.value != gone);
                for dep in &inherited {
                    if !after.iter().any(|a| a.value == dep.value) {
                        after.push(dep.clone());
                    }
                }
            }
        };
        for phase in &mut self.phases {
            for t in &mut phase.tasks {
                rewire(&mut t.value.after);
            }
        }
        for x in &mut self.milestones {
            rewire(&mut x.value.after);
        }
        true
    }
}

fn text(file: &Arc<SourceFile>, s: &Spanned<String>, lang: &Lang) -> Text {
    Text {
        source: s.value.clone(),
        lang: lang.clone(),
        origin: origin(file, s),
        translations: BTreeMap::new(),
        data: false,
    }
}

/// What playbook text is checked against: the site's articles, the default
/// language, and the engine that checks templates.
#[derive(Clone, Copy)]
struct Checks<'a> {
    content: &'a ContentIndex,
    lang: &'a Lang,
    texts: &'a TextEngine,
}

/// Validates a flattened playbook and converts it to the model: roles, ids,
/// phases with their tasks, milestones, then the playbook's own text.
fn convert(
    id: &str,
    raws: &BTreeMap<String, InFile<RawPlaybook>>,
    m: &Merged,
    checks: Checks<'_>,
    diagnostics: &mut Diagnostics,
) -> Option<Playbook> {
    let raw = &raws[id];
    let file = &raw.file;
    let Checks {
        content,
        lang,
        texts,
    } = checks;
    let before = diagnostics.error_count();
    let roles = convert_roles(m, lang, diagnostics);
    check_contact_role(id, raw, &roles, diagnostics);
    let ids = define_ids(id, m, diagnostics);
    let known: Vec<&str> = ids.keys().map(String::as_str).collect();
    let scope = TaskScope {
        roles: &roles,
        known_ids: &known,
        content,
        lang,
        texts,
        extra: false,
        languages: &[],
    };
    let phases = m
        .phases
        .iter()
        .filter_map(|phase| convert_phase(phase, &scope, diagnostics))
        .collect();
    let milestones = m
        .milestones
        .iter()
        .map(|ms| convert_milestone(ms, &known, checks, diagnostics))
        .collect();
    let summary = raw.value.summary.as_ref().map(|s| text(file, s, lang));
    let title = text(file, &raw.value.title, lang);
    texts.check_text(&title, diagnostics);
    if let Some(s) = &summary {
        texts.check_markdown(s, diagnostics);
        if !s.data {
            crate::markdown::check_text(&s.source, &s.origin, diagnostics);
        }
    }
    let playbook = Playbook {
        id: id.to_string(),
        lineage: lineage(id, raws),
        title,
        summary,
        draft: raw.value.draft,
        weight: raw.value.weight.unwrap_or(0),
        roles,
        phases,
        milestones,
    };
    crate::cycles::check_playbook_cycles(&playbook, diagnostics);
    (diagnostics.error_count() == before).then_some(playbook)
}

/// The playbook's roles, each with a valid id.
fn convert_roles(m: &Merged, lang: &Lang, diagnostics: &mut Diagnostics) -> IndexMap<String, Role> {
    let mut roles = IndexMap::new();
    for (role_id, entry) in &m.roles {
        let (id_span, role) = &entry.value;
        if !is_valid_id(role_id) {
            diagnostics.push(
                Diagnostic::error(
                    Code::InvalidId,
                    format!("`{role_id}` is not a valid role id"),
                )
                .at(label(&entry.file, id_span))
                .help(ID_HELP),
            );
        }
        roles.insert(
            role_id.clone(),
            Role {
                title: text(&entry.file, &role.title, lang),
                side: role.side,
                contact: role.contact,
            },
        );
    }
    roles
}

/// Exactly one role is the contact, and it is on the vendor side.
fn check_contact_role(
    id: &str,
    raw: &InFile<RawPlaybook>,
    roles: &IndexMap<String, Role>,
    diagnostics: &mut Diagnostics,
) {
    let contacts: Vec<&String> = roles
        .iter()
        .filter(|(_, r)| r.contact)
        .map(|(id, _)| id)
        .collect();
    if contacts.len() != 1 {
        let (message, help) = if contacts.is_empty() {
            (
                format!("playbook `{id}` has no contact role"),
                "mark the vendor's single point of contact with `contact: true` on one role"
                    .to_string(),
            )
        } else {
            (
                format!(
                    "playbook `{id}` has {} contact roles: {}",
                    contacts.len(),
                    join_ids(&contacts)
                ),
                "every customer has one single point of contact: keep `contact: true` on one role"
                    .to_string(),
            )
        };
        diagnostics.push(
            Diagnostic::error(Code::ContactRole, message)
                .at(label(&raw.file, &raw.value.title))
                .help(help),
        );
    } else if let Some(role) = roles.get(contacts[0])
        && role.side != crate::raw::Side::Vendor
    {
        diagnostics.push(
            Diagnostic::error(
                Code::ContactRole,
                format!(
                    "the contact role `{}` must be on the vendor side",
                    contacts[0]
                ),
            )
            .at(role.title.origin.label()),
        );
    }
}

/// Every id that `after` may name (tasks and milestones), with where it was
/// defined; each must be valid and used once. Phase ids must be valid too.
fn define_ids(id: &str, m: &Merged, diagnostics: &mut Diagnostics) -> BTreeMap<String, Label> {
    let mut ids: BTreeMap<String, Label> = BTreeMap::new();
    let mut define = |id_span: &Spanned<String>,
                      file: &Arc<SourceFile>,
                      what: &str,
                      diagnostics: &mut Diagnostics| {
        let here = label(file, id_span);
        if !is_valid_id(&id_span.value) {
            diagnostics.push(
                Diagnostic::error(
                    Code::InvalidId,
                    format!("`{}` is not a valid {what} id", id_span.value),
                )
                .at(here.clone())
                .help(ID_HELP),
            );
        }
        if let Some(first) = ids.get(&id_span.value) {
            diagnostics.push(
                Diagnostic::error(Code::DuplicateId, format!("the id `{}` is used twice in playbook `{id}`", id_span.value))
                    .at(here)
                    .also(first.clone().with_message("first used here"))
                    .help("task and milestone ids must be unique within a playbook, including inherited ones"),
            );
        } else {
            ids.insert(id_span.value.clone(), here);
        }
    };
    for phase in &m.phases {
        for task in &phase.tasks {
            define(&task.value.id, &task.file, "task", diagnostics);
        }
    }
    for ms in &m.milestones {
        define(&ms.value.id, &ms.file, "milestone", diagnostics);
    }
    for phase in &m.phases {
        if !is_valid_id(&phase.id.value.value) {
            diagnostics.push(
                Diagnostic::error(
                    Code::InvalidId,
                    format!("`{}` is not a valid phase id", phase.id.value.value),
                )
                .at(label(&phase.id.file, &phase.id.value))
                .help(ID_HELP),
            );
        }
    }
    ids
}

/// One phase with its tasks; `None` when it has no title.
fn convert_phase(
    phase: &MergedPhase,
    scope: &TaskScope<'_>,
    diagnostics: &mut Diagnostics,
) -> Option<Phase> {
    let (lang, texts) = (scope.lang, scope.texts);
    let Some(title) = &phase.title else {
        diagnostics.push(
            Diagnostic::error(Code::MissingKey, format!("phase `{}` has no title", phase.id.value.value))
                .at(label(&phase.id.file, &phase.id.value))
                .help("add `title:` to the phase (only phases merged into a parent's phase may leave it out)"),
        );
        return None;
    };
    let title = text(&title.file, &title.value, lang);
    texts.check_text(&title, diagnostics);
    let description = phase
        .description
        .as_ref()
        .map(|d| text(&d.file, &d.value, lang));
    if let Some(d) = &description {
        check_description(texts, d, diagnostics);
    }
    let tasks = phase
        .tasks
        .iter()
        .filter_map(|t| convert_task(&t.file, &t.value, scope, diagnostics))
        .collect();
    Some(Phase {
        id: phase.id.value.value.clone(),
        title,
        description,
        tasks,
    })
}

/// One milestone; `known` are the ids its `after` may name (sorted).
fn convert_milestone(
    ms: &InFile<RawMilestone>,
    known: &[&str],
    checks: Checks<'_>,
    diagnostics: &mut Diagnostics,
) -> Milestone {
    let (file, raw) = (&ms.file, &ms.value);
    let (lang, texts) = (checks.lang, checks.texts);
    let after = check_refs(file, &raw.after, known, &raw.id.value, diagnostics);
    let due = raw
        .due
        .as_ref()
        .and_then(|d| parse_offset(file, d, diagnostics));
    let title = text(file, &raw.title, lang);
    texts.check_text(&title, diagnostics);
    let description = raw.description.as_ref().map(|d| text(file, d, lang));
    if let Some(d) = &description {
        check_description(texts, d, diagnostics);
    }
    let when = raw.when.as_ref().map(|w| text(file, w, lang));
    if let Some(w) = &when {
        texts.check_condition(w, diagnostics);
    }
    if raw.after.is_empty() && raw.due.is_none() {
        diagnostics.push(
            Diagnostic::warning(
                Code::MilestoneUnplaced,
                format!("milestone `{}` has neither `after` nor `due`", raw.id.value),
            )
            .at(label(file, &raw.id))
            .help("it falls on the kickoff day; add `after:` or `due:` to place it"),
        );
    }
    Milestone {
        id: raw.id.value.clone(),
        title,
        description,
        after,
        due,
        when,
    }
}

/// The playbook and the playbooks it extends, nearest first (stopping at a loop).
fn lineage(id: &str, raws: &BTreeMap<String, InFile<RawPlaybook>>) -> Vec<String> {
    let mut lineage = vec![id.to_string()];
    let mut parent = raws[id].value.extends.as_ref().map(|e| e.value.clone());
    while let Some(p) = parent.filter(|p| !lineage.contains(p)) {
        parent = raws
            .get(&p)
            .and_then(|r| r.value.extends.as_ref())
            .map(|e| e.value.clone());
        lineage.push(p);
    }
    lineage
}

fn join_ids(ids: &[&String]) -> String {
    ids.iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Checks a Markdown description: template syntax, links the URL allow-list refuses
/// and raw HTML the sanitiser changes. Text from a customer file is data, shown as
/// written, so none of these apply to it.
fn check_description(texts: &TextEngine, d: &Text, diagnostics: &mut Diagnostics) {
    texts.check_markdown(d, diagnostics);
    if !d.data {
        crate::markdown::check_text(&d.source, &d.origin, diagnostics);
    }
    texts.check_description(d, diagnostics);
}

/// Warns when a customer's extra task holds template syntax: a customer file is data,
/// shown as written, so the braces would reach the portal as they are.
fn warn_template_in_data(
    file: &Arc<SourceFile>,
    value: &Spanned<String>,
    diagnostics: &mut Diagnostics,
) {
    warn_template_in_data_at(&value.value, &origin(file, value), diagnostics);
}

/// [`warn_template_in_data`] for a text and where it was written.
fn warn_template_in_data_at(text: &str, origin: &Origin, diagnostics: &mut Diagnostics) {
    if crate::text::is_templated(text) {
        diagnostics.push(
            Diagnostic::warning(
                Code::TemplateInCustomerText,
                "text in a customer file is shown as written: `{{ ... }}` here is not filled in",
            )
            .at(origin.label())
            .help("write the value itself, or put the task in the playbook (with `when:`) where text is templated"),
        );
    }
}

/// Numbers and `true`/`false` written where a task's text is expected become
/// the text as written (`1.50`, not `1.5`), read back from the file.
pub(crate) fn read_back_as_written<'t>(
    file: &Arc<SourceFile>,
    tasks: impl Iterator<Item = &'t mut RawTask>,
) {
    let read_back = |s: &mut Spanned<Localized>| {
        if let Localized::AsWritten = s.value {
            let (start, end) = yaml::span_in(file, 0, &s.place);
            let text = file.text.get(start..end).unwrap_or("").trim();
            s.value = Localized::One(text.to_string());
        }
    };
    for task in tasks {
        read_back(&mut task.title);
        task.description.as_mut().map(read_back);
    }
}

/// Translations of a text by language: the text and where it was written.
type Translations = BTreeMap<Lang, (String, Origin)>;

/// A task's title or description as text: its one text, or, for a customer's
/// extra task, the text in the file's language with the others as its
/// translations (each language one of the site's).
fn localized_text(
    file: &Arc<SourceFile>,
    s: &Spanned<Localized>,
    scope: &TaskScope<'_>,
    diagnostics: &mut Diagnostics,
) -> Option<(Spanned<String>, Translations)> {
    let texts = match &s.value {
        Localized::One(text) => {
            let one = Spanned {
                value: text.clone(),
                place: s.place,
            };
            return Some((one, BTreeMap::new()));
        }
        Localized::AsWritten => return None,
        Localized::Many(texts) if scope.extra => texts,
        Localized::Many(_) => {
            diagnostics.push(
                Diagnostic::error(
                    Code::WrongType,
                    "expected text, found keys and values (a mapping)",
                )
                .at(label(file, s))
                .help("a playbook's text is translated in its translation files (playbooks/<id>.<lang>.yaml); write the text itself here"),
            );
            return None;
        }
    };
    let mut original = None;
    let mut translations = BTreeMap::new();
    for (tag, text) in texts {
        let lang = Lang::parse(tag)
            .ok()
            .filter(|l| scope.languages.contains(l));
        let Some(lang) = lang else {
            let languages: Vec<&str> = scope.languages.iter().map(Lang::as_str).collect();
            diagnostics.push(
                Diagnostic::error(
                    Code::InvalidLanguage,
                    format!("`{tag}` is not one of the site's languages"),
                )
                .at(label(file, text))
                .help(format!(
                    "give the text in one of the site's languages: {}",
                    languages.join(", ")
                ))
                .suggest(tag, languages.iter().copied()),
            );
            continue;
        };
        if &lang == scope.lang {
            original = Some(text.clone());
        } else {
            translations.insert(lang, (text.value.clone(), origin(file, text)));
        }
    }
    if original.is_none() {
        diagnostics.push(
            Diagnostic::error(
                Code::MissingKey,
                format!(
                    "no text in `{}`, the language this customer file is written in",
                    scope.lang.as_str()
                ),
            )
            .at(label(file, s))
            .help(format!(
                "add `{}:` with the original text, or set `text_language:` to the language it is written in",
                scope.lang.as_str()
            )),
        );
    }
    Some((original?, translations))
}

/// What a task is checked against: its playbook's roles, the ids it may follow,
/// the site's articles, the language of its text.
pub(crate) struct TaskScope<'a> {
    pub(crate) roles: &'a IndexMap<String, Role>,
    /// Sorted: `after:` references are looked up in it.
    pub(crate) known_ids: &'a [&'a str],
    pub(crate) content: &'a ContentIndex,
    pub(crate) lang: &'a Lang,
    pub(crate) texts: &'a TextEngine,
    /// A customer's extra task (data, shown as written) rather than a playbook's.
    pub(crate) extra: bool,
    /// The site's languages (the languages an extra task's text may be given in).
    pub(crate) languages: &'a [Lang],
}

/// Validates one task; used for playbook tasks and customers' extra tasks.
pub(crate) fn convert_task(
    file: &Arc<SourceFile>,
    raw: &RawTask,
    scope: &TaskScope<'_>,
    diagnostics: &mut Diagnostics,
) -> Option<Task> {
    let TaskScope {
        roles,
        known_ids,
        content,
        lang,
        texts,
        extra,
        languages: _,
    } = *scope;
    let before = diagnostics.error_count();
    if let (Some(phase), false) = (&raw.phase, extra) {
        diagnostics.push(
            Diagnostic::error(
                Code::UnknownKey,
                "`phase` is only used in a customer's `extra_tasks`",
            )
            .at(label(file, phase))
            .help("in a playbook, a task belongs to the phase it is listed under"),
        );
    }
    let role = task_role(file, raw, roles, diagnostics);
    let due = raw
        .due
        .as_ref()
        .and_then(|d| parse_offset(file, d, diagnostics));
    let duration = match &raw.duration {
        Some(d) => parse_offset(file, d, diagnostics).unwrap_or(Offset::BusinessDays(1)),
        None => Offset::BusinessDays(1),
    };
    let after = check_refs(file, &raw.after, known_ids, &raw.id.value, diagnostics);
    let guides = task_guides(file, raw, content, diagnostics);
    let faq = task_faq(file, raw, content, diagnostics);
    let links = task_links(file, raw, diagnostics);
    // A customer's extra task is data: its text is shown as it is.
    let data_text = |s: &Spanned<String>| Text {
        data: extra,
        ..text(file, s, lang)
    };
    let mut localized = |s: &Spanned<Localized>| {
        let (original, translations) = localized_text(file, s, scope, diagnostics)?;
        if extra {
            warn_template_in_data(file, &original, diagnostics);
            for (text, origin) in translations.values() {
                warn_template_in_data_at(text, origin, diagnostics);
            }
        }
        Some(Text {
            translations,
            ..data_text(&original)
        })
    };
    let title = localized(&raw.title);
    let description = raw.description.as_ref().and_then(&mut localized);
    let title = title?;
    texts.check_text(&title, diagnostics);
    if let Some(d) = &description {
        check_description(texts, d, diagnostics);
    }
    let when = raw.when.as_ref().map(|w| text(file, w, lang));
    if let Some(w) = &when {
        texts.check_condition(w, diagnostics);
    }
    let side = raw.side.or(role.map(|r| r.side))?;
    let action = task_action(file, raw, side, diagnostics);
    let request = raw
        .request
        .as_ref()
        .and_then(|r| task_request(file, r, &data_text, texts, diagnostics));
    (diagnostics.error_count() == before).then(|| Task {
        id: raw.id.value.clone(),
        title,
        description,
        owner: raw.owner.value.clone(),
        side,
        due,
        duration,
        after,
        guides,
        faq,
        links,
        when,
        internal: raw.internal,
        action,
        request,
    })
}

/// A task's `request:`: a known kind, a title and an address whose templates
/// compile, and an address that is absolute and allowed when it holds no
/// template (a templated one is checked per customer once filled in).
fn task_request(
    file: &Arc<SourceFile>,
    raw: &RawRequest,
    text: &dyn Fn(&Spanned<String>) -> Text,
    texts: &TextEngine,
    diagnostics: &mut Diagnostics,
) -> Option<Request> {
    let Some(kind) = RequestKind::ALL
        .into_iter()
        .find(|k| k.as_str() == raw.kind.value)
    else {
        diagnostics.push(
            Diagnostic::error(
                Code::InvalidValue,
                format!("`{}` is not a kind of request", raw.kind.value),
            )
            .at(label(file, &raw.kind))
            .suggest(&raw.kind.value, RequestKind::ALL.iter().map(|k| k.as_str()))
            .help("write `upload` (a file), `sign` (an e-signature) or `form` (a form to fill in)"),
        );
        return None;
    };
    let url = text(&raw.url);
    texts.check_text(&url, diagnostics);
    let written = raw.url.value.trim();
    if url.data || !crate::text::is_templated(written) {
        if let Err(refused) = crate::url::check(written) {
            diagnostics.push(
                Diagnostic::error(Code::UnsafeUrl, refused.message(written))
                    .at(label(file, &raw.url))
                    .help("a request links the service that receives the document: https://…"),
            );
            return None;
        }
        if !(written.starts_with("https://") || written.starts_with("http://")) {
            diagnostics.push(
                Diagnostic::error(
                    Code::InvalidUrl,
                    format!("`{written}` is not an absolute link"),
                )
                .at(label(file, &raw.url))
                .help("a request links the service that receives the document: https://…"),
            );
            return None;
        }
    }
    let title = raw.title.as_ref().map(text);
    if let Some(t) = &title {
        texts.check_text(t, diagnostics);
    }
    Some(Request { kind, url, title })
}

/// A task's `action:`: one of [`Completion::ALL`], on a task the client can see
/// and owns (customer-side, not internal).
fn task_action(
    file: &Arc<SourceFile>,
    raw: &RawTask,
    side: Side,
    diagnostics: &mut Diagnostics,
) -> Completion {
    let Some(action) = &raw.action else {
        return Completion::default();
    };
    let Some(completion) = Completion::ALL
        .into_iter()
        .find(|c| c.as_str() == action.value)
    else {
        diagnostics.push(
            Diagnostic::error(
                Code::InvalidValue,
                format!("`{}` is not a task action", action.value),
            )
            .at(label(file, action))
            .help("write `approve` or `acknowledge` (a client marks any other task `done`)")
            .suggest(&action.value, Completion::ALL.iter().map(|c| c.as_str())),
        );
        return Completion::default();
    };
    if side != Side::Customer || raw.internal {
        diagnostics.push(
            Diagnostic::error(
                Code::InvalidValue,
                format!(
                    "`action: {}` is for tasks the customer does, and `{}` is not one",
                    action.value, raw.id.value
                ),
            )
            .at(label(file, action))
            .help("give the task to a customer-side role, or remove `action:`"),
        );
    }
    completion
}

/// The role that owns a task; an unknown one is reported with a suggestion.
fn task_role<'r>(
    file: &Arc<SourceFile>,
    raw: &RawTask,
    roles: &'r IndexMap<String, Role>,
    diagnostics: &mut Diagnostics,
) -> Option<&'r Role> {
    match roles.get(&raw.owner.value) {
        Some(role) => Some(role),
        None => {
            let mut d = Diagnostic::error(
                Code::UnknownRole,
                format!(
                    "task `{}` is owned by an unknown role `{}`",
                    raw.id.value, raw.owner.value
                ),
            )
            .at(label(file, &raw.owner));
            d = match hint(&raw.owner.value, roles.keys().map(String::as_str)) {
                Some(hint) => d.help(hint),
                None => d.help(format!(
                    "roles of this playbook: {}",
                    roles.keys().cloned().collect::<Vec<_>>().join(", ")
                )),
            };
            diagnostics.push(d);
            None
        }
    }
}

/// A task's `guides:`, each a published article; drafts and unknown ids are errors.
fn task_guides(
    file: &Arc<SourceFile>,
    raw: &RawTask,
    content: &ContentIndex,
    diagnostics: &mut Diagnostics,
) -> Vec<String> {
    let mut guides = Vec::new();
    for g in &raw.guides {
        match content.article(&g.value) {
            Ok(id) => guides.push(id),
            Err(help) => diagnostics.push(match content.draft_article(&g.value) {
                Some(id) => Diagnostic::error(
                    Code::LinkToDraft,
                    format!("guide `{}` (content/{id}.md) is a draft and is not published", g.value),
                )
                .at(label(file, g))
                .help(format!("publish it (remove `draft: true` from content/{id}.md), or remove it from `guides`")),
                None => Diagnostic::error(
                    Code::UnknownArticle,
                    format!("no knowledge-base article `{}`", g.value),
                )
                .at(label(file, g))
                .help(help),
            }),
        }
    }
    guides
}

/// A task's `faq:`, each a published FAQ entry; drafts and unknown ids are errors.
fn task_faq(
    file: &Arc<SourceFile>,
    raw: &RawTask,
    content: &ContentIndex,
    diagnostics: &mut Diagnostics,
) -> Vec<String> {
    let mut faq = Vec::new();
    for f in &raw.faq {
        match content.faq(&f.value) {
            Ok(id) => faq.push(id),
            Err(help) => diagnostics.push(match content.draft_faq(&f.value) {
                Some(id) => Diagnostic::error(
                    Code::LinkToDraft,
                    format!("FAQ entry `{}` (content/faq/{id}.md) is a draft and is not published", f.value),
                )
                .at(label(file, f))
                .help(format!("publish it (remove `draft: true` from content/faq/{id}.md), or remove it from `faq`")),
                None => Diagnostic::error(Code::UnknownFaq, format!("no FAQ entry `{}`", f.value))
                    .at(label(file, f))
                    .help(help),
            }),
        }
    }
    faq
}

/// A task's `links:`, each an absolute address the URL allow-list accepts.
fn task_links(file: &Arc<SourceFile>, raw: &RawTask, diagnostics: &mut Diagnostics) -> Vec<Link> {
    let mut links = Vec::new();
    for l in &raw.links {
        let url = l.url.value.trim();
        if let Err(refused) = crate::url::check(url) {
            diagnostics.push(
                Diagnostic::error(Code::UnsafeUrl, refused.message(url))
                    .at(label(file, &l.url))
                    .help("links start with https://, http://, mailto: or tel:"),
            );
            continue;
        }
        if !(url.starts_with("https://")
            || url.starts_with("http://")
            || url.starts_with("mailto:")
            || url.starts_with("tel:"))
        {
            diagnostics.push(
                Diagnostic::error(Code::InvalidUrl, format!("`{url}` is not an absolute link"))
                    .at(label(file, &l.url))
                    .help("links start with https://, http://, mailto: or tel:; link articles with `guides:`"),
            );
        }
        links.push(Link {
            title: l.title.clone(),
            url: url.to_string(),
        });
    }
    links
}

fn parse_offset(
    file: &Arc<SourceFile>,
    s: &Spanned<String>,
    diagnostics: &mut Diagnostics,
) -> Option<Offset> {
    match Offset::parse(&s.value) {
        Ok(o) => Some(o),
        Err(why) => {
            diagnostics.push(
                Diagnostic::error(Code::InvalidOffset, why)
                    .at(label(file, s))
                    .help(OFFSET_HELP),
            );
            None
        }
    }
}

/// The references of an `after:` list that name a task or milestone of `known`,
/// which is sorted: a reference is looked up, not searched for, so a playbook of
/// many tasks that each wait for one is checked in n log n, not n².
fn check_refs(
    file: &Arc<SourceFile>,
    refs: &[Spanned<String>],
    known: &[&str],
    own_id: &str,
    diagnostics: &mut Diagnostics,
) -> Vec<Ref> {
    let mut out = Vec::new();
    for r in refs {
        if r.value == own_id {
            diagnostics.push(
                Diagnostic::error(
                    Code::DependencyCycle,
                    format!("`{own_id}` waits for itself"),
                )
                .at(label(file, r))
                .help("remove it from its own `after` list"),
            );
        } else if known.binary_search(&r.value.as_str()).is_err() {
            diagnostics.push(
                Diagnostic::error(
                    Code::UnknownTask,
                    format!(
                        "`{own_id}` waits for `{}`, which is not a task or milestone here",
                        r.value
                    ),
                )
                .at(label(file, r))
                .suggest(&r.value, known.iter().copied()),
            );
        } else {
            out.push(Ref {
                id: r.value.clone(),
                origin: origin(file, r),
            });
        }
    }
    out
}
