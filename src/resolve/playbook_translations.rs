//! Translations of playbook text: `playbooks/<id>.<lang>.yaml`, keyed by ids, so
//! translators never touch the structure.
//!
//! A playbook takes the translations of every playbook it extends, the nearest
//! one winning; a string with no translation falls back to the original, string
//! by string.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::yaml::Spanned;

use crate::diagnostic::{Code, Diagnostic, Diagnostics, Label, SourceFile};
use crate::lang::Lang;
use crate::model::{Playbook, Text};
use crate::raw::{RawPlaybook, RawPlaybookTranslation, RawTranslatedText};
use crate::resolve::playbooks::{InFile, origin};
use crate::text::TextEngine;
use crate::translation::source_hash;
use crate::yaml;

/// The source hash of a playbook file's translatable text.
pub(crate) fn playbook_hash(raw: &RawPlaybook) -> String {
    let parts: Vec<&str> = playbook_parts(raw).into_iter().map(|p| p.1).collect();
    source_hash(&parts)
}

/// What a playbook's source hash covers, each text with its name (`title`,
/// `task gather-info: description`), in the order of the file.
pub(crate) fn playbook_parts(raw: &RawPlaybook) -> Vec<(String, &str)> {
    let mut parts: Vec<(String, &str)> = vec![("title".into(), &raw.title.value)];
    if let Some(s) = &raw.summary {
        parts.push(("summary".into(), &s.value));
    }
    for (id, role) in &raw.roles {
        parts.push((format!("role {}", id.value), &role.title.value));
    }
    fn pair<'a>(
        parts: &mut Vec<(String, &'a str)>,
        what: String,
        title: Option<&'a str>,
        description: Option<&'a str>,
    ) {
        parts.extend(title.map(|t| (format!("{what}: title"), t)));
        parts.extend(description.map(|t| (format!("{what}: description"), t)));
    }
    for phase in &raw.phases {
        let title = phase.title.as_ref().map(|t| t.value.as_str());
        let description = phase.description.as_ref().map(|t| t.value.as_str());
        pair(
            &mut parts,
            format!("phase {}", phase.id.value),
            title,
            description,
        );
        for task in &phase.tasks {
            let description = task.description.as_ref().and_then(|t| t.value.one());
            let what = format!("task {}", task.id.value);
            pair(&mut parts, what, task.title.value.one(), description);
        }
    }
    for m in &raw.milestones {
        let description = m.description.as_ref().map(|t| t.value.as_str());
        let what = format!("milestone {}", m.id.value);
        pair(&mut parts, what, Some(m.title.value.as_str()), description);
    }
    parts
}

/// Parses a translation file.
pub(crate) fn parse_translation(
    file: &Arc<SourceFile>,
    diagnostics: &mut Diagnostics,
) -> Option<RawPlaybookTranslation> {
    yaml::parse_all(file, 0, file.text.len())
        .map_err(|ds| diagnostics.push_all(ds))
        .ok()
}

fn set(
    text: &mut Text,
    file: &Arc<SourceFile>,
    value: &Spanned<String>,
    lang: &Lang,
    engine: &TextEngine,
    markdown: bool,
    diagnostics: &mut Diagnostics,
) {
    // Only text written in the playbook this translation belongs to: a child that
    // redefines a task owns its text, and its parent's translation of the old text
    // must not replace it.
    if file_owner(&text.origin.file) != file_owner(file) {
        return;
    }
    let o = origin(file, value);
    engine.check_source(&value.value, &o, markdown, diagnostics);
    text.translations
        .insert(lang.clone(), (value.value.clone(), o));
}

fn set_pair(
    title: &mut Text,
    description: Option<&mut Text>,
    file: &Arc<SourceFile>,
    t: &RawTranslatedText,
    lang: &Lang,
    engine: &TextEngine,
    diagnostics: &mut Diagnostics,
) {
    if let Some(v) = &t.title {
        set(title, file, v, lang, engine, false, diagnostics);
    }
    if let (Some(v), Some(d)) = (&t.description, description) {
        set(d, file, v, lang, engine, true, diagnostics);
    }
}

/// Applies translations to every playbook. `translations` is keyed by (playbook id, language).
pub(crate) fn apply_translations(
    playbooks: &mut BTreeMap<String, Playbook>,
    translations: &BTreeMap<(String, Lang), InFile<RawPlaybookTranslation>>,
    engine: &TextEngine,
    diagnostics: &mut Diagnostics,
) {
    for playbook in playbooks.values_mut() {
        // The farthest ancestor first, so a nearer playbook's translation overrides it.
        let lineage: Vec<String> = playbook.lineage.iter().rev().cloned().collect();
        for id in &lineage {
            for ((owner, lang), tr) in translations {
                if owner == id {
                    // Unknown ids are reported once, for the playbook the file belongs to.
                    let own = *owner == playbook.id;
                    apply_one(
                        playbook,
                        &tr.file,
                        &tr.value,
                        lang,
                        engine,
                        own,
                        diagnostics,
                    );
                }
            }
        }
    }
}

fn apply_one(
    playbook: &mut Playbook,
    file: &Arc<SourceFile>,
    tr: &RawPlaybookTranslation,
    lang: &Lang,
    engine: &TextEngine,
    warn: bool,
    diagnostics: &mut Diagnostics,
) {
    let playbook_id = playbook.id.clone();
    let unknown = |what: &str, id: &Spanned<String>, diagnostics: &mut Diagnostics| {
        if warn {
            diagnostics.push(unknown_id(&playbook_id, file, what, id));
        }
    };
    if warn {
        check_file(file, tr, diagnostics);
    }
    if let Some(t) = &tr.title
        && playbook.id == file_owner(file)
    {
        set(
            &mut playbook.title,
            file,
            t,
            lang,
            engine,
            false,
            diagnostics,
        );
    }
    if let (Some(t), Some(summary)) = (&tr.summary, playbook.summary.as_mut())
        && playbook.id == file_owner(file)
    {
        set(summary, file, t, lang, engine, true, diagnostics);
    }
    for (id, title) in &tr.roles {
        match playbook.roles.get_mut(&id.value) {
            Some(role) => set(
                &mut role.title,
                file,
                title,
                lang,
                engine,
                false,
                diagnostics,
            ),
            None => unknown("role", id, diagnostics),
        }
    }
    for (id, t) in &tr.phases {
        match playbook.phases.iter_mut().find(|p| p.id == id.value) {
            Some(p) => set_pair(
                &mut p.title,
                p.description.as_mut(),
                file,
                t,
                lang,
                engine,
                diagnostics,
            ),
            None => unknown("phase", id, diagnostics),
        }
    }
    for (id, t) in &tr.tasks {
        match playbook
            .phases
            .iter_mut()
            .flat_map(|p| p.tasks.iter_mut())
            .find(|x| x.id == id.value)
        {
            Some(task) => set_pair(
                &mut task.title,
                task.description.as_mut(),
                file,
                t,
                lang,
                engine,
                diagnostics,
            ),
            None => unknown("task", id, diagnostics),
        }
    }
    for (id, t) in &tr.milestones {
        match playbook.milestones.iter_mut().find(|m| m.id == id.value) {
            Some(m) => set_pair(
                &mut m.title,
                m.description.as_mut(),
                file,
                t,
                lang,
                engine,
                diagnostics,
            ),
            None => unknown("milestone", id, diagnostics),
        }
    }
}

/// A translation of a phase, task, milestone or role (`what`) the playbook does
/// not have.
fn unknown_id(
    playbook: &str,
    file: &Arc<SourceFile>,
    what: &str,
    id: &Spanned<String>,
) -> Diagnostic {
    Diagnostic::error(
        Code::UnknownTranslationKey,
        format!(
            "playbook `{playbook}` has no {what} `{}` to translate",
            id.value
        ),
    )
    .at(yaml::label(file, 0, id))
    .help("translation files name phases, tasks, milestones and roles by the ids of the original")
}

/// Checks a translation file once, for the playbook it belongs to: its
/// descriptions and summary are Markdown, and it should translate the title.
fn check_file(file: &Arc<SourceFile>, tr: &RawPlaybookTranslation, diagnostics: &mut Diagnostics) {
    let descriptions = (tr.phases.values())
        .chain(tr.tasks.values())
        .chain(tr.milestones.values())
        .filter_map(|t| t.description.as_ref());
    for v in tr.summary.iter().chain(descriptions) {
        crate::markdown::check_text(&v.value, &origin(file, v), diagnostics);
    }
    if tr.title.is_none() {
        diagnostics.push(
            Diagnostic::warning(Code::MissingKey, "this translation has no `title`")
                .at(Label::new(file, 0, 0))
                .help("translate the playbook's title too; until then the original title is shown"),
        );
    }
}

/// The playbook id a translation file belongs to: `playbooks/saas.ms.yaml` → `saas`.
fn file_owner(file: &SourceFile) -> &str {
    let name = file.path.trim_start_matches("playbooks/");
    name.split('.').next().unwrap_or(name)
}
