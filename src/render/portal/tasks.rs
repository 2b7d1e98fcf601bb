//! The portal's tasks as templates see them, made once per customer and shared by
//! every page and language; and which tasks each page lists.

use std::collections::BTreeSet;
use std::sync::Arc;

use minijinja::Value;
use minijinja::value::{Enumerator, Object};
use rustc_hash::FxHashSet as HashSet;

use super::forms::{Entry, Forms};
use crate::model::{Faq, Playbook};
use crate::plan::{Item, Kind, Plan};
use crate::raw::Status;
use crate::render::language::links_value;
use crate::render::values::{record, sorted};

/// The values of a portal task that are the same in every language.
#[derive(Debug)]
pub(super) struct TaskCore {
    actions: Value,
    critical: Value,
    days_overdue: Value,
    due_iso: Value,
    forecast_iso: Value,
    id: Value,
    late_days: Value,
    links: Value,
    note: Value,
    overdue: Value,
    phase: Value,
    reported: Value,
    request: Value,
    start_iso: Value,
    status: Value,
}

/// The values of a portal task in one language, the same on every page.
#[derive(Debug)]
pub(super) struct TaskText {
    pub(super) actions_html: Value,
    pub(super) description_html: Value,
    pub(super) done_on: Value,
    pub(super) due: Value,
    pub(super) forecast: Value,
    pub(super) lang: Value,
    pub(super) lang_attr: Value,
    pub(super) owner: Value,
    pub(super) plural: Value,
    pub(super) start: Value,
    pub(super) state: Value,
    pub(super) status_label: Value,
    pub(super) title: Value,
}

/// A portal task as templates see it: a map with the keys in [`TASK_KEYS`]
/// (docs/theming.md), made of the parts shared across languages and pages and
/// the references, whose URLs depend on the page.
#[derive(Debug)]
pub(super) struct TaskValue {
    pub(super) core: Arc<TaskCore>,
    pub(super) text: Arc<TaskText>,
    pub(super) guides: Value,
    pub(super) faq: Value,
}

pub(super) const TASK_KEYS: &[&str; 30] = &[
    "actions",
    "actions_html",
    "critical",
    "days_overdue",
    "description_html",
    "done_on",
    "due",
    "due_iso",
    "faq",
    "forecast",
    "forecast_iso",
    "guides",
    "id",
    "lang",
    "lang_attr",
    "late_days",
    "links",
    "note",
    "overdue",
    "owner",
    "phase",
    "plural",
    "reported",
    "request",
    "start",
    "start_iso",
    "state",
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
            "actions" => &c.actions,
            "actions_html" => &t.actions_html,
            "critical" => &c.critical,
            "days_overdue" => &c.days_overdue,
            "description_html" => &t.description_html,
            "done_on" => &t.done_on,
            "due" => &t.due,
            "due_iso" => &c.due_iso,
            "faq" => &self.faq,
            "forecast" => &t.forecast,
            "forecast_iso" => &c.forecast_iso,
            "guides" => &self.guides,
            "id" => &c.id,
            "lang" => &t.lang,
            "lang_attr" => &t.lang_attr,
            "late_days" => &c.late_days,
            "links" => &c.links,
            "note" => &c.note,
            "overdue" => &c.overdue,
            "owner" => &t.owner,
            "phase" => &c.phase,
            "plural" => &t.plural,
            "reported" => &c.reported,
            "request" => &c.request,
            "start" => &t.start,
            "start_iso" => &c.start_iso,
            "state" => &t.state,
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
pub(super) struct Common<'a> {
    /// Visible tasks (not milestones), in plan order.
    pub(super) tasks: Vec<(&'a Item, Arc<TaskCore>)>,
    /// What the client may send about each task (indexes as in `tasks`).
    pub(super) entries: Vec<Vec<Entry>>,
    /// Indexes into `tasks`: the overview's lists.
    pub(super) next_steps: Vec<usize>,
    pub(super) overdue: Vec<usize>,
    pub(super) blocked: Vec<usize>,
    /// Open tasks that ask for a document, in plan order.
    pub(super) documents: Vec<usize>,
    /// The checklist's phases that have tasks: (phase index, tasks, done).
    pub(super) phases: Vec<(usize, Vec<usize>, usize)>,
    pub(super) milestones: Vec<&'a Item>,
    pub(super) faqs: Vec<&'a Faq>,
    /// The ids of the tasks the client can act on (the timeline links them to
    /// the checklist).
    pub(super) reportable: Value,
}

impl<'a> Common<'a> {
    pub(super) fn new(
        faqs: &'a [Faq],
        playbook: &Playbook,
        plan: &'a Plan,
        forms: &Forms<'_>,
        text_language: &crate::lang::Lang,
    ) -> Common<'a> {
        let (tasks, entries): (Vec<_>, Vec<_>) = plan
            .visible()
            .filter(|i| i.kind == Kind::Task)
            .map(|item| {
                let (core, entries) = task_core(item, playbook, forms, text_language);
                ((item, core), entries)
            })
            .unzip();
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
        let reportable = Value::from(
            tasks
                .iter()
                .filter(|(_, c)| c.actions.len().is_some_and(|n| n > 0))
                .map(|(i, _)| i.id.clone())
                .collect::<Vec<_>>(),
        );
        let documents = (0..tasks.len())
            .filter(|&k| tasks[k].0.request.is_some() && !tasks[k].0.status.is_closed())
            .collect();
        Common {
            entries,
            documents,
            reportable,
            next_steps,
            overdue,
            blocked,
            phases,
            milestones: milestones_by_date(plan),
            faqs: portal_faqs(faqs, plan),
            tasks,
        }
    }
}

/// A task's values that are the same in every language, and what the client
/// may send about it.
/// `text_language` is the language of the customer file's text (the note).
fn task_core(
    item: &Item,
    playbook: &Playbook,
    forms: &Forms<'_>,
    text_language: &crate::lang::Lang,
) -> (Arc<TaskCore>, Vec<Entry>) {
    let entries = forms.task_actions(item);
    let core = TaskCore {
        actions: Forms::actions_value(&entries),
        critical: Value::from(item.critical),
        days_overdue: Value::from(item.days_overdue),
        due_iso: Value::from(item.due.to_string()),
        forecast_iso: Value::from(item.forecast_due.to_string()),
        id: Value::from(item.id.as_str()),
        late_days: Value::from(if item.status.is_closed() {
            0
        } else {
            item.late_days
        }),
        links: links_value(item),
        note: crate::render::lang_text::text(item.note.as_str(), text_language),
        overdue: Value::from(item.overdue),
        phase: Value::from(
            item.phase
                .and_then(|i| playbook.phases.get(i))
                .map(|p| p.id.as_str())
                .unwrap_or_default(),
        ),
        reported: Value::from(item.reported),
        request: item.request.as_ref().map_or(Value::from(()), |r| {
            record! {
                "kind" => r.kind.as_str(),
                "title" => crate::render::lang_text::text(r.title.as_str(), &r.title_lang),
                "url" => r.url.as_str(),
            }
        }),
        start_iso: Value::from(item.start.to_string()),
        status: Value::from(item.status.as_str()),
    };
    (Arc::new(core), entries)
}

/// The visible milestones in the order they are expected (then planned), as
/// clients read dates.
fn milestones_by_date(plan: &Plan) -> Vec<&Item> {
    let mut milestones: Vec<&Item> = plan
        .visible()
        .filter(|i| i.kind == Kind::Milestone)
        .collect();
    milestones.sort_by_key(|m| (m.forecast_due, m.due));
    milestones
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::values::list;

    /// A portal task answers every documented key and iterates as a map of them.
    #[test]
    fn task_value_behaves_as_a_map() {
        let v = |s: &str| Value::from(s);
        let task = Arc::new(TaskValue {
            core: Arc::new(TaskCore {
                actions: list([]),
                critical: Value::from(true),
                days_overdue: Value::from(3i64),
                due_iso: v("2026-12-03"),
                forecast_iso: v("2026-12-07"),
                id: v("kickoff"),
                late_days: Value::from(2i64),
                links: list([]),
                note: v(""),
                overdue: Value::from(true),
                phase: v("setup"),
                reported: Value::from(false),
                request: Value::from(()),
                start_iso: v("2026-12-01"),
                status: v("todo"),
            }),
            text: Arc::new(TaskText {
                actions_html: v(""),
                description_html: v("<p>x</p>"),
                done_on: v(""),
                due: v("3 Dec"),
                forecast: v("7 Dec"),
                lang: v("en"),
                lang_attr: v(""),
                owner: record! { "name" => "", "role" => "Admin", "side" => "customer" },
                plural: v("other"),
                start: v("1 Dec"),
                state: v(""),
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
