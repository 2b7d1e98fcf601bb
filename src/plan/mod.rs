//! The plan: a playbook applied to one customer (or to no one, for the public
//! preview), with conditions evaluated, text rendered, and every task dated.
//!
//! Pure: "today" and the kickoff come in as values. Internal tasks take part in
//! scheduling (they take time) but are marked, and [`crate::render`] drops them.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::civil::Date;
use minijinja::Value;
use rustc_hash::FxHashMap as HashMap;

use crate::calendar::{WorkCalendar, days_between};
use crate::cycles::{cycle_diagnostic, find_cycles};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::lang::Lang;
use crate::model::{Customer, Link, Playbook, Ref, Task, Text};
use crate::offset::Offset;
use crate::raw::{Side, Status};
use crate::text::{TextEngine, placeholder_context};

mod forecast;
pub(crate) use forecast::Outlook;

/// A task or a milestone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Task,
    Milestone,
}

/// One dated entry of a plan.
#[derive(Clone, Debug)]
pub(crate) struct Item {
    pub id: String,
    pub kind: Kind,
    /// Index into the playbook's phases; `None` for milestones.
    pub phase: Option<usize>,
    /// Title and description by language; the default language is always there.
    pub texts: BTreeMap<Lang, ItemText>,
    pub owner: Option<String>,
    pub side: Option<Side>,
    pub internal: bool,
    pub conditional: bool,
    pub after: Vec<String>,
    pub guides: Vec<String>,
    pub faq: Vec<String>,
    pub links: Vec<Link>,
    /// How the client finishes the task from the portal (tasks; `Done` for milestones).
    pub action: crate::actions::Completion,
    /// The document the task asks for, its address and title filled in.
    pub request: Option<ItemRequest>,
    pub start: Date,
    pub due: Date,
    /// How long the task takes (zero for a milestone), for the forecast.
    pub duration: Offset,
    /// The dates expected now ([`forecast`]): the planned ones moved later by
    /// work that is late, through the dependencies; a done item's real date.
    /// The planned dates when nothing is late.
    pub forecast_start: Date,
    pub forecast_due: Date,
    /// Working days the forecast due date is after the planned one (0 when not).
    pub late_days: i64,
    pub status: Status,
    pub done_on: Option<Date>,
    pub note: String,
    /// The status was reported by the client from the portal (`reported: true`),
    /// on `reported_on`; the vendor has not confirmed it yet.
    pub reported: bool,
    /// The day of a reported or approved status: its progress entry's `on`.
    pub reported_on: Option<Date>,
    /// Who approved, acknowledged or reported it, as they gave their name.
    pub by: String,
    pub overdue: bool,
    pub days_overdue: i64,
    pub critical: bool,
}

/// A task's requested document for one customer.
#[derive(Clone, Debug)]
pub(crate) struct ItemRequest {
    pub kind: crate::model::RequestKind,
    /// The service's address, filled in and allowed by `url::check`.
    pub url: String,
    /// What is asked for, in the customer's language; empty: the task's title.
    pub title: String,
    /// The language `title` is written in (its original when not translated).
    pub title_lang: Lang,
}

/// The title and description of a plan item or phase in one language.
#[derive(Clone, Debug, Default)]
pub(crate) struct ItemText {
    pub title: String,
    /// Shared with the text engine's cache when the description has no placeholders.
    pub description_html: Arc<str>,
    /// The language the title is in, when not the one it is filed under (a
    /// description translated without its title keeps the original title).
    pub title_lang: Option<Lang>,
    /// The same for the description.
    pub description_lang: Option<Lang>,
}

impl ItemText {
    /// The title's language, the text being filed under `filed`.
    pub fn title_lang<'a>(&'a self, filed: &'a Lang) -> &'a Lang {
        self.title_lang.as_ref().unwrap_or(filed)
    }

    /// The description's language, the text being filed under `filed`.
    pub fn description_lang<'a>(&'a self, filed: &'a Lang) -> &'a Lang {
        self.description_lang.as_ref().unwrap_or(filed)
    }
}

/// Picks the text in `lang`, else in the default language, else in the one it
/// has (a customer's extra task written in another): (text, the language it is filed under).
pub(crate) fn pick<'a>(
    texts: &'a BTreeMap<Lang, ItemText>,
    lang: &'a Lang,
    default: &'a Lang,
) -> (&'a ItemText, &'a Lang) {
    match texts.get_key_value(lang) {
        Some((l, t)) => (t, l),
        None => match texts.get_key_value(default).or_else(|| texts.iter().next()) {
            Some((l, t)) => (t, l),
            None => (&*EMPTY_TEXT, default),
        },
    }
}

/// The text of an item with no text in the language asked for nor the default.
pub(crate) static EMPTY_TEXT: std::sync::LazyLock<ItemText> =
    std::sync::LazyLock::new(ItemText::default);

impl Item {
    /// The title and description in `lang` (or the default language).
    pub fn text<'a>(&'a self, lang: &'a Lang, default: &'a Lang) -> (&'a ItemText, &'a Lang) {
        pick(&self.texts, lang, default)
    }
}

/// A dated plan.
#[derive(Clone, Debug)]
pub(crate) struct Plan {
    pub kickoff: Date,
    pub end: Date,
    /// When the last item is expected to finish ([`forecast`]).
    pub forecast_end: Date,
    /// Working days `forecast_end` is after `end` (0 when not).
    pub late_days: i64,
    pub items: Vec<Item>,
    /// Phase titles and descriptions by language, in the playbook's phase order.
    pub phases: Vec<BTreeMap<Lang, ItemText>>,
    /// The playbook's title and summary (as `description_html`) by language.
    pub title: BTreeMap<Lang, ItemText>,
}

impl Plan {
    /// Items a customer may see.
    pub fn visible(&self) -> impl Iterator<Item = &Item> + Clone {
        self.items.iter().filter(|i| !i.internal)
    }

    /// Whether every item the customer can see is done or skipped: the
    /// onboarding is over, however late it finished.
    pub fn finished(&self) -> bool {
        self.visible().all(|i| i.status.is_closed())
    }

    /// How the onboarding stands against its plan: on track once finished, else
    /// by how many working days its forecast end is late.
    pub fn outlook(&self, late_after_days: u32) -> Outlook {
        if self.finished() {
            Outlook::OnTrack
        } else {
            Outlook::of(self.late_days, late_after_days)
        }
    }

    /// (done or skipped, total) over the visible tasks.
    pub fn progress(&self) -> (usize, usize) {
        let tasks = self.visible().filter(|i| i.kind == Kind::Task);
        let (mut done, mut total) = (0, 0);
        for t in tasks {
            total += 1;
            if t.status.is_closed() {
                done += 1;
            }
        }
        (done, total)
    }
}

/// A task before dating, with its condition already decided.
struct Draft<'a> {
    id: &'a str,
    kind: Kind,
    phase: Option<usize>,
    task: Option<&'a Task>,
    after: &'a [Ref],
    due: Option<Offset>,
    duration: Offset,
    title: &'a crate::model::Text,
    description: Option<&'a crate::model::Text>,
    conditional: bool,
    included: bool,
}

/// The template context customer text and conditions see.
pub(crate) fn customer_context(customer: &Customer) -> Value {
    let team: BTreeMap<&str, &crate::model::Person> =
        customer.team.iter().map(|(k, v)| (k.as_str(), v)).collect();
    minijinja::context! {
        customer => minijinja::context! {
            id => &customer.id,
            name => &customer.name,
            kickoff => customer.kickoff.to_string(),
            language => customer.language.as_str(),
            vars => Value::from(minijinja::value::Serde(&customer.vars)),
            team => Value::from(minijinja::value::Serde(&team)),
        }
    }
}

/// The plan of `customer` on `playbook`.
pub(crate) fn plan_customer(
    playbook: &Playbook,
    customer: &Customer,
    languages: &[Lang],
    today: Date,
    engine: &TextEngine,
    diagnostics: &mut Diagnostics,
) -> Option<Plan> {
    let ctx = customer_context(customer);
    let who = format!("{}{}`", crate::diagnostic::FOR_CUSTOMER, customer.id);
    let removed: Vec<&str> = customer
        .remove_tasks
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    let mut drafts = drafts(playbook, &customer.extra_tasks);
    let before = diagnostics.error_count();
    for d in &mut drafts {
        let when = d.task.and_then(|t| t.when.as_ref()).or_else(|| {
            playbook
                .milestones
                .iter()
                .find(|m| m.id == d.id)
                .and_then(|m| m.when.as_ref())
        });
        d.included = !removed.contains(&d.id)
            && match when {
                None => true,
                Some(cond) => match engine.condition(cond, &ctx) {
                    Ok(yes) => yes,
                    Err(e) => {
                        diagnostics.push(with_context(e, &who));
                        false
                    }
                },
            };
    }
    let mut plan = schedule(
        &drafts,
        customer.kickoff,
        &customer.calendar,
        &who,
        diagnostics,
    )?;
    let localizer = Localizer {
        languages,
        engine,
        ctx: &ctx,
        by_lang: None,
        who: &who,
    };
    localizer.plan(&mut plan, playbook, &drafts, diagnostics);
    fill_requests(
        &mut plan,
        &drafts,
        engine,
        &ctx,
        customer,
        &who,
        diagnostics,
    );
    for item in &mut plan.items {
        let progress = customer.progress.get(&item.id);
        let derived = if item.kind == Kind::Milestone && progress.is_none() {
            milestone_status(&item.after, &customer.progress)
        } else {
            None
        };
        if let Some(p) = progress {
            item.status = p.status;
            // A blocked task's date is when it became blocked, not a finish.
            item.done_on = p.on.filter(|_| p.status != Status::Blocked);
            item.note = p.note.clone();
            item.reported = p.reported;
            item.reported_on = p.on.filter(|_| p.reported || !p.by.is_empty());
            item.by = p.by.clone();
        } else if let Some(status) = derived {
            item.status = status;
        }
        item.overdue = !item.status.is_closed() && item.due < today;
        item.days_overdue = if item.overdue {
            days_between(item.due, today)
        } else {
            0
        };
    }
    if let Some(i) = forecast::forecast(&mut plan, &customer.calendar, today) {
        diagnostics.push(forecast_too_far(&plan, i, &drafts, &who));
    }
    (diagnostics.error_count() == before).then_some(plan)
}

/// The error for item `i` of `plan`, expected more than ten years after the kickoff.
fn forecast_too_far(plan: &Plan, i: usize, drafts: &[Draft<'_>], who: &str) -> Diagnostic {
    let item = &plan.items[i];
    let mut d = Diagnostic::error(
        Code::ForecastTooFar,
        format!(
            "{who}: `{}` is expected to finish on {}, more than ten years after the kickoff ({})",
            item.id, item.forecast_due, plan.kickoff
        ),
    )
    .help("check its `duration:` and `due:`, the customer's `kickoff:` and `--today`; mark finished work done");
    if let Some(draft) = drafts.iter().find(|d| d.id == item.id) {
        d = d.at(draft.title.origin.label());
    }
    d
}

/// A milestone without its own progress entry is reached when all it waits for is closed.
fn milestone_status(
    after: &[String],
    progress: &BTreeMap<String, crate::model::Progress>,
) -> Option<Status> {
    let all_closed = !after.is_empty()
        && after
            .iter()
            .all(|id| progress.get(id).is_some_and(|p| p.status.is_closed()));
    all_closed.then_some(Status::Done)
}

/// The plan of a playbook with no customer, for its public preview: every task
/// included (conditional ones marked), text with placeholders (in the words of
/// `contexts`, the context per language of [`crate::text::placeholder_context_in`];
/// by their names in a language without one), dated from a reference Monday on
/// the site's work week without holidays.
pub(crate) fn plan_preview(
    playbook: &Playbook,
    languages: &[Lang],
    contexts: &BTreeMap<Lang, Value>,
    calendar: &WorkCalendar,
    engine: &TextEngine,
    diagnostics: &mut Diagnostics,
) -> Option<Plan> {
    let ctx = placeholder_context();
    let who = format!("in the public preview of `{}`", playbook.id);
    let mut drafts = drafts(playbook, &[]);
    for d in &mut drafts {
        d.included = true;
    }
    let kickoff = jiff::civil::date(2024, 1, 1);
    let calendar = calendar.with_holidays([]);
    let mut plan = schedule(&drafts, kickoff, &calendar, &who, diagnostics)?;
    let localizer = Localizer {
        languages,
        engine,
        ctx: &ctx,
        by_lang: Some(contexts),
        who: &who,
    };
    localizer.plan(&mut plan, playbook, &drafts, diagnostics);
    Some(plan)
}

/// Renders texts in every language for one plan: `ctx` fills their templates,
/// `who` names the plan in diagnostics.
struct Localizer<'a> {
    languages: &'a [Lang],
    engine: &'a TextEngine,
    ctx: &'a Value,
    /// A context per language, in place of `ctx` for the texts in that language.
    by_lang: Option<&'a BTreeMap<Lang, Value>>,
    who: &'a str,
}

impl Localizer<'_> {
    /// Renders every text of a plan in every language: the playbook's title and
    /// summary, the phases, and each item.
    fn plan(
        &self,
        plan: &mut Plan,
        playbook: &Playbook,
        drafts: &[Draft<'_>],
        diagnostics: &mut Diagnostics,
    ) {
        plan.title = self.texts(&playbook.title, playbook.summary.as_ref(), diagnostics);
        plan.phases = playbook
            .phases
            .iter()
            .map(|p| self.texts(&p.title, p.description.as_ref(), diagnostics))
            .collect();
        let by_id: HashMap<&str, &Draft<'_>> = drafts.iter().map(|d| (d.id, d)).collect();
        for item in &mut plan.items {
            if let Some(d) = by_id.get(item.id.as_str()) {
                item.texts = self.texts(d.title, d.description, diagnostics);
            }
        }
    }

    /// Renders a title and description in every language that has a translation of
    /// either (and always in the original's language).
    fn texts(
        &self,
        title: &Text,
        description: Option<&Text>,
        diagnostics: &mut Diagnostics,
    ) -> BTreeMap<Lang, ItemText> {
        let (engine, who) = (self.engine, self.who);
        let mut out = BTreeMap::new();
        // Always in the original's language, even one the portal is not in (a
        // customer's extra task written in a language of its own), so a page in
        // any language has a text to fall back to.
        let original = (!self.languages.contains(&title.lang)).then_some(&title.lang);
        for lang in self.languages.iter().chain(original) {
            let ctx = self.by_lang.and_then(|m| m.get(lang)).unwrap_or(self.ctx);
            let translated = title.translations.contains_key(lang)
                || description.is_some_and(|d| d.translations.contains_key(lang));
            if *lang != title.lang && !translated {
                continue;
            }
            let mut text = ItemText {
                title_lang: other_lang(title, lang),
                description_lang: description.and_then(|d| other_lang(d, lang)),
                ..ItemText::default()
            };
            match engine.render_in(title, lang, ctx) {
                Ok(t) => text.title = t,
                Err(e) => {
                    diagnostics.push(with_context(e, who));
                    text.title = title.get(lang).0.to_string();
                }
            }
            if let Some(desc) = description {
                match engine.render_html_in(desc, lang, ctx, diagnostics) {
                    Ok(html) => text.description_html = html,
                    Err(e) => diagnostics.push(with_context(e, who)),
                }
            }
            // Placeholders in words make "{{ csm.name }}, your customer success
            // manager," read "your customer success manager, your customer
            // success manager,": said once in a preview.
            if self.by_lang.is_some() {
                if let Some(t) = crate::text::without_repeats(&text.title) {
                    text.title = t;
                }
                if let Some(html) = crate::text::without_repeats(&text.description_html) {
                    text.description_html = html.into();
                }
            }
            out.insert(lang.clone(), text);
        }
        out
    }
}

/// The language `text` is shown in on a page in `lang`, when not `lang` (no
/// translation: its original).
fn other_lang(text: &Text, lang: &Lang) -> Option<Lang> {
    Some(text.get(lang).2).filter(|l| *l != lang).cloned()
}

/// Each task's `request:` for this customer: its address and title filled in.
/// An address the URL allow-list refuses once filled in (or that is not
/// absolute) is left out, with a warning at the playbook's address.
fn fill_requests(
    plan: &mut Plan,
    drafts: &[Draft<'_>],
    engine: &TextEngine,
    ctx: &Value,
    customer: &Customer,
    who: &str,
    diagnostics: &mut Diagnostics,
) {
    let lang = &customer.language;
    let requests: Vec<(&str, &crate::model::Request)> = drafts
        .iter()
        .filter_map(|d| Some((d.id, d.task?.request.as_ref()?)))
        .collect();
    if requests.is_empty() {
        return;
    }
    for item in &mut plan.items {
        let Some(&(_, request)) = requests.iter().find(|(id, _)| *id == item.id) else {
            continue;
        };
        let url = match engine.render_in(&request.url, lang, ctx) {
            Ok(url) => url.trim().to_string(),
            Err(e) => {
                diagnostics.push(with_context(e, who));
                continue;
            }
        };
        let absolute = url.starts_with("https://") || url.starts_with("http://");
        if !absolute || !crate::url::is_allowed(&url) {
            diagnostics.push(
                Diagnostic::warning(
                    Code::UnsafeUrl,
                    format!(
                        "{who}: the request of `{}` leads to `{url}`, which is not an https:// or http:// address; it is left out",
                        item.id
                    ),
                )
                .at(request.url.origin.label())
                .help("check the customer's values the address is made of"),
            );
            continue;
        }
        let (title, title_lang) = match &request.title {
            None => (String::new(), lang.clone()),
            Some(t) => (
                engine
                    .render_in(t, lang, ctx)
                    .unwrap_or_else(|_| t.source.clone()),
                t.get(lang).2.clone(),
            ),
        };
        item.request = Some(ItemRequest {
            kind: request.kind,
            url,
            title,
            title_lang,
        });
    }
}

fn with_context(mut d: Diagnostic, who: &str) -> Diagnostic {
    d.message = format!("{who}: {}", d.message);
    d
}

fn drafts<'a>(playbook: &'a Playbook, extra: &'a [crate::model::ExtraTask]) -> Vec<Draft<'a>> {
    let mut out = Vec::new();
    for (i, phase) in playbook.phases.iter().enumerate() {
        let extras = extra
            .iter()
            .filter(|e| e.phase == phase.id)
            .map(|e| &e.task);
        for task in phase.tasks.iter().chain(extras) {
            out.push(Draft {
                id: &task.id,
                kind: Kind::Task,
                phase: Some(i),
                task: Some(task),
                after: &task.after,
                due: task.due,
                duration: task.duration,
                title: &task.title,
                description: task.description.as_ref(),
                conditional: task.when.is_some(),
                included: true,
            });
        }
    }
    for m in &playbook.milestones {
        out.push(Draft {
            id: &m.id,
            kind: Kind::Milestone,
            phase: None,
            task: None,
            after: &m.after,
            due: m.due,
            duration: Offset::BusinessDays(0),
            title: &m.title,
            description: m.description.as_ref(),
            conditional: m.when.is_some(),
            included: true,
        });
    }
    out
}

/// Dates the included drafts. Excluded ones pass their own dependencies on to
/// whatever waited for them.
fn schedule(
    drafts: &[Draft<'_>],
    kickoff: Date,
    calendar: &WorkCalendar,
    who: &str,
    diagnostics: &mut Diagnostics,
) -> Option<Plan> {
    let nodes: Vec<(&str, &[Ref])> = drafts.iter().map(|d| (d.id, d.after)).collect();
    let cycles = find_cycles(&nodes);
    if !cycles.is_empty() {
        for c in cycles {
            diagnostics.push(cycle_diagnostic(&c, who));
        }
        return None;
    }
    let deps = effective_dependencies(drafts);
    let order = topological_order(drafts, &deps);
    let day0 = calendar.roll_forward(kickoff);
    let dates = Dates::assign(drafts, &deps, &order, day0, calendar);
    let end = order.iter().map(|&i| dates.due[i]).max().unwrap_or(day0);
    let critical = critical_path(drafts, &deps, &order, &dates, end, calendar);
    let items = drafts
        .iter()
        .enumerate()
        .filter(|(_, d)| d.included)
        .map(|(i, d)| {
            let task = d.task;
            Item {
                id: d.id.to_string(),
                kind: d.kind,
                phase: d.phase,
                texts: BTreeMap::new(),
                owner: task.map(|t| t.owner.clone()),
                side: task.map(|t| t.side),
                internal: task.is_some_and(|t| t.internal),
                conditional: d.conditional,
                after: deps[i].iter().map(|&j| drafts[j].id.to_string()).collect(),
                guides: task.map(|t| t.guides.clone()).unwrap_or_default(),
                faq: task.map(|t| t.faq.clone()).unwrap_or_default(),
                links: task.map(|t| t.links.clone()).unwrap_or_default(),
                action: task.map(|t| t.action).unwrap_or_default(),
                request: None,
                start: dates.start[i],
                due: dates.due[i],
                duration: d.duration,
                forecast_start: dates.start[i],
                forecast_due: dates.due[i],
                late_days: 0,
                status: Status::Todo,
                done_on: None,
                note: String::new(),
                reported: false,
                reported_on: None,
                by: String::new(),
                overdue: false,
                days_overdue: 0,
                critical: critical[i],
            }
        })
        .collect();
    Some(Plan {
        kickoff: day0,
        end,
        forecast_end: end,
        late_days: 0,
        items,
        phases: Vec::new(),
        title: BTreeMap::new(),
    })
}

/// Each draft's dependencies among the included drafts (by index, sorted): an
/// excluded draft stands for what it waited for.
fn effective_dependencies(drafts: &[Draft<'_>]) -> Vec<Vec<usize>> {
    fn resolve(
        i: usize,
        drafts: &[Draft<'_>],
        index: &HashMap<&str, usize>,
        memo: &mut Vec<Option<Vec<usize>>>,
    ) -> Vec<usize> {
        if let Some(done) = &memo[i] {
            return done.clone();
        }
        let mut out = Vec::new();
        for r in drafts[i].after {
            let Some(&j) = index.get(r.id.as_str()) else {
                continue;
            };
            if drafts[j].included {
                out.push(j);
            } else {
                out.extend(resolve(j, drafts, index, memo));
            }
        }
        out.sort_unstable();
        out.dedup();
        memo[i] = Some(out.clone());
        out
    }
    let index: HashMap<&str, usize> = drafts.iter().enumerate().map(|(i, d)| (d.id, i)).collect();
    let mut effective: Vec<Option<Vec<usize>>> = vec![None; drafts.len()];
    for i in 0..drafts.len() {
        resolve(i, drafts, &index, &mut effective);
    }
    effective
        .into_iter()
        .map(Option::unwrap_or_default)
        .collect()
}

/// The included drafts in depth-first topological order (there are no cycles).
fn topological_order(drafts: &[Draft<'_>], deps: &[Vec<usize>]) -> Vec<usize> {
    fn visit(i: usize, deps: &[Vec<usize>], seen: &mut [bool], order: &mut Vec<usize>) {
        if seen[i] {
            return;
        }
        seen[i] = true;
        for &d in &deps[i] {
            visit(d, deps, seen, order);
        }
        order.push(i);
    }
    let mut order = Vec::with_capacity(drafts.len());
    let mut seen = vec![false; drafts.len()];
    for (i, draft) in drafts.iter().enumerate() {
        if draft.included {
            visit(i, deps, &mut seen, &mut order);
        }
    }
    order
}

/// Every draft's dates, by index.
struct Dates {
    start: Vec<Date>,
    due: Vec<Date>,
    /// Dated by its own `due:` rather than by what it waits for.
    fixed: Vec<bool>,
}

impl Dates {
    /// Dates the drafts in `order`: a task starts the business day after what it
    /// waits for ends and lasts its duration, unless its `due:` is later; a
    /// milestone falls when what it waits for ends, or on its `due:` if later.
    fn assign(
        drafts: &[Draft<'_>],
        deps: &[Vec<usize>],
        order: &[usize],
        day0: Date,
        calendar: &WorkCalendar,
    ) -> Dates {
        let mut dates = Dates {
            start: vec![day0; drafts.len()],
            due: vec![day0; drafts.len()],
            fixed: vec![false; drafts.len()],
        };
        for &i in order {
            let d = &drafts[i];
            let latest = deps[i].iter().map(|&j| dates.due[j]).max();
            match d.kind {
                Kind::Milestone => {
                    let mut day = latest.unwrap_or(day0);
                    if let Some(offset) = d.due {
                        day = day.max(calendar.add(day0, offset));
                        dates.fixed[i] = true;
                    }
                    dates.start[i] = day;
                    dates.due[i] = day;
                }
                Kind::Task => {
                    let earliest = latest.map_or(day0, |l| calendar.next_business_day(l));
                    dates.start[i] = earliest;
                    dates.due[i] = calendar.finish(earliest, d.duration);
                    if let Some(offset) = d.due {
                        // Available from its start, due on its date. When what it waits for
                        // ends too late, its dependencies decide (and pass on criticality).
                        let target = calendar.add(day0, offset);
                        if target >= earliest {
                            dates.fixed[i] = true;
                            dates.due[i] = target;
                        }
                    }
                }
            }
        }
        dates
    }
}

/// The critical path: from what ends last (on `end`), back through the
/// dependencies that set each start.
fn critical_path(
    drafts: &[Draft<'_>],
    deps: &[Vec<usize>],
    order: &[usize],
    dates: &Dates,
    end: Date,
    calendar: &WorkCalendar,
) -> Vec<bool> {
    let (start, due) = (&dates.start, &dates.due);
    let mut critical = vec![false; drafts.len()];
    for &i in order.iter().rev() {
        if due[i] == end {
            critical[i] = true;
        }
        if !critical[i] || dates.fixed[i] {
            continue;
        }
        for &j in &deps[i] {
            let drives = match drafts[i].kind {
                Kind::Milestone => due[j] == due[i],
                Kind::Task => calendar.next_business_day(due[j]) == start[i],
            };
            if drives {
                critical[j] = true;
            }
        }
    }
    critical
}

/// Warnings about a playbook's schedule itself, found on its preview plan: tasks
/// due before the work they wait for can be done.
pub(crate) fn check_preview(
    playbook: &Playbook,
    plan: &Plan,
    calendar: &WorkCalendar,
    diagnostics: &mut Diagnostics,
) {
    let due: HashMap<&str, Date> = plan.items.iter().map(|i| (i.id.as_str(), i.due)).collect();
    let calendar = calendar.with_holidays([]);
    for task in playbook.tasks() {
        let Some(offset) = task.due else {
            continue;
        };
        let target = calendar.add(plan.kickoff, offset);
        for r in &task.after {
            if let Some(&dep_due) = due.get(r.id.as_str())
                && dep_due >= target
            {
                diagnostics.push(
                    Diagnostic::warning(
                        Code::DueBeforeDependency,
                        format!("`{}` is due before `{}`, which it waits for, can be finished", task.id, r.id),
                    )
                    .at(r.origin.label())
                    .help("move its `due` later, or drop `due` so it is scheduled after its dependencies"),
                );
            }
        }
    }
}
