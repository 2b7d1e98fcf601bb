//! The portal calendars (`portal/<id>/calendar.ics`, and `calendar-<role>.ics`
//! for each role's own tasks): valid RFC 5545 text, read back by a real parser
//! (the `icalendar` crate), one all-day event per visible task and milestone on
//! its expected date, with UIDs that survive rebuilds, reminders before
//! customer-side tasks, and done and skipped tasks marked.

use crate::harness::*;

const PB: &str = "playbooks/onboarding.yaml";
const ICS: &str = "portal/acme/calendar.ics";

/// One event: its properties as `(name with parameters, value)`, unfolded.
type Event = Vec<(String, String)>;

/// Unfolds the calendar's lines and returns its events, without the properties
/// of the components inside them (reminders).
fn events(ics: &str) -> Vec<Event> {
    let unfolded = ics.replace("\r\n ", "").replace("\r\n\t", "");
    let mut events = Vec::new();
    let mut current: Option<Event> = None;
    let mut inner = 0;
    for line in unfolded.split("\r\n").filter(|l| !l.is_empty()) {
        let (name, value) = line.split_once(':').expect("NAME:VALUE");
        match (name, &mut current) {
            ("BEGIN", None) if value == "VEVENT" => current = Some(Vec::new()),
            ("END", Some(_)) if value == "VEVENT" => events.extend(current.take()),
            ("BEGIN", Some(_)) => inner += 1,
            ("END", Some(_)) => inner -= 1,
            (_, Some(event)) if inner == 0 => {
                event.push((name.to_string(), value.to_string()));
            }
            _ => {}
        }
    }
    events
}

/// The value of the first property called `name` (parameters ignored).
fn prop<'a>(event: &'a Event, name: &str) -> &'a str {
    event
        .iter()
        .find(|(n, _)| n.split(';').next() == Some(name))
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {name} in {event:?}"))
}

/// `acme-setup@portal.test` → `setup`.
fn item_id(event: &Event) -> String {
    let uid = prop(event, "UID");
    let local = uid.split('@').next().expect("uid@host");
    local
        .strip_prefix("acme-")
        .expect("customer id first")
        .to_string()
}

/// The minimal site with an internal task, a conditional task left out, and a
/// title long and non-Latin enough to need folding.
fn site() -> Site {
    Site::new().edit(
        PB,
        "        duration: 2bd\n",
        "        duration: 2bd\n      - id: vet\n        title: Vet the contract\n        owner: csm\n        internal: true\n      - id: sso\n        title: Connect SSO\n        owner: admin\n        when: \"false\"\n      - id: train\n        title: ຝຶກອົບຮົມທີມງານ ກ່ຽວກັບການນຳໃຊ້ລະບົບ ແລະ ການຕັ້ງຄ່າ ຂອງ {{ customer.name }} ສຳລັບທຸກຄົນ\n        owner: csm\n        after: [setup]\n",
    )
}

#[test]
fn every_line_ends_in_crlf() {
    let ics = site().build().file(ICS);
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
    for (i, line) in ics.split_inclusive('\n').enumerate() {
        assert!(
            line.ends_with("\r\n"),
            "line {} ends without CR: {line:?}",
            i + 1
        );
        assert!(
            !line[..line.len() - 2].contains('\r'),
            "stray CR on line {}",
            i + 1
        );
    }
}

#[test]
fn no_line_is_longer_than_75_octets() {
    let ics = site().build().file(ICS);
    let mut folded = 0;
    for line in ics.split("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line}", line.len());
        if line.starts_with(' ') {
            folded += 1;
        }
    }
    assert!(folded > 0, "the long title was folded");
    let train = events(&ics)
        .into_iter()
        .find(|e| item_id(e) == "train")
        .expect("the train event");
    assert!(prop(&train, "SUMMARY").ends_with("ຂອງ Acme Corp ສຳລັບທຸກຄົນ"));
}

#[test]
fn there_is_one_event_per_visible_task_and_milestone() {
    let files = site().build().ok();
    let plan = files.plan("acme");
    let mut from_plan: Vec<String> = plan.ids().iter().map(|s| s.to_string()).collect();
    let mut from_ics: Vec<String> = events(&files.file(ICS)).iter().map(item_id).collect();
    from_plan.sort();
    from_ics.sort();
    assert_eq!(from_ics, from_plan);
    assert_eq!(from_ics, ["live", "setup", "train", "welcome"]);
}

#[test]
fn events_are_all_day_on_the_expected_date() {
    for today in ["2026-12-01", "2026-12-14"] {
        let files = site().today(today).build().ok();
        let plan = files.plan("acme");
        for event in events(&files.file(ICS)) {
            let id = item_id(&event);
            let expected = plan.forecast(&id).replace('-', "");
            let start = event
                .iter()
                .find(|(n, _)| n.starts_with("DTSTART"))
                .expect("DTSTART");
            assert_eq!(start.0, "DTSTART;VALUE=DATE", "{id}");
            assert_eq!(start.1, expected, "{today} {id}");
            // A late item's event names its planned date.
            let late = plan.forecast(&id) != plan.due(&id) && plan.item(&id)["status"] != "done";
            let description = event
                .iter()
                .find(|(n, _)| n == "DESCRIPTION")
                .map_or("", |(_, v)| v.as_str());
            assert_eq!(
                description.contains("planned "),
                late,
                "{today} {id}: {description}"
            );
        }
    }
}

#[test]
fn events_are_all_day_on_the_due_date_when_nothing_is_late() {
    let files = site().today("2026-12-01").build().ok();
    let plan = files.plan("acme");
    for event in events(&files.file(ICS)) {
        let id = item_id(&event);
        let due = plan.due(&id).replace('-', "");
        let start = event
            .iter()
            .find(|(n, _)| n.starts_with("DTSTART"))
            .expect("DTSTART");
        assert_eq!(start.0, "DTSTART;VALUE=DATE", "{id}");
        assert_eq!(start.1, due, "{id}");
    }
}

#[test]
fn uids_are_unique_and_stable_across_builds() {
    let uids = |site: &Site| -> Vec<String> {
        events(&site.build().file(ICS))
            .iter()
            .map(|e| prop(e, "UID").to_string())
            .collect()
    };
    let first = uids(&site());
    let mut unique = first.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), first.len());
    assert_eq!(uids(&site()), first);
    // Renaming and rescheduling a task keeps every event's identity.
    let edited = site()
        .edit(
            PB,
            "title: Set up the account",
            "title: Set up the account today",
        )
        .edit(PB, "duration: 2bd", "duration: 5bd")
        .today("2027-01-04");
    assert_eq!(uids(&edited), first);
    assert_eq!(
        site().build().file(ICS),
        site().build().file(ICS),
        "the calendar is the same for the same day"
    );
}

#[test]
fn commas_semicolons_and_backslashes_are_escaped_in_text() {
    let ics = Site::new()
        .edit(
            PB,
            "title: Set up the account",
            r"title: 'Sign, seal; deliver \ done'",
        )
        .build()
        .file(ICS);
    let setup = events(&ics)
        .into_iter()
        .find(|e| item_id(e) == "setup")
        .expect("the setup event");
    assert_eq!(prop(&setup, "SUMMARY"), r"Sign\, seal\; deliver \\ done");
}

#[test]
fn a_blocked_note_with_line_breaks_is_one_escaped_description() {
    let ics = Site::new()
        .append(
            "customers/acme.yaml",
            "progress:\n  setup:\n    status: blocked\n    note: |\n      Waiting for IT.\n      Asked twice.\n",
        )
        .build()
        .file(ICS);
    let setup = events(&ics)
        .into_iter()
        .find(|e| item_id(e) == "setup")
        .expect("the setup event");
    let description = prop(&setup, "DESCRIPTION");
    assert!(
        description.contains(r"Waiting for IT.\nAsked twice."),
        "{description}"
    );
}

/// The page an event's URL names (relative to the site root) and its fragment.
fn target(files: &Files, url: &str) -> (String, String) {
    let path = url
        .strip_prefix("https://portal.test/")
        .unwrap_or_else(|| panic!("{url} is not on the site"));
    let (page, anchor) = path.split_once('#').unwrap_or((path, ""));
    let page = if page.ends_with('/') || page.is_empty() {
        format!("{page}index.html")
    } else {
        page.to_string()
    };
    assert!(files.has(&page), "{url} leads to no page");
    (page, anchor.to_string())
}

/// Regression: task events linked to `checklist/#<id>`, but the checklist's
/// anchors are `task-<id>`, so the link opened the top of the checklist.
#[test]
fn task_event_urls_lead_to_their_task_on_the_checklist() {
    let files = site().build().ok();
    let plan = files.plan("acme");
    for event in events(&files.file(ICS)) {
        let id = item_id(&event);
        if plan.item(&id)["kind"] != "task" {
            continue;
        }
        let (page, anchor) = target(&files, prop(&event, "URL"));
        assert_eq!(
            page,
            format!("{}checklist/index.html", files.portal("acme"))
        );
        assert!(
            files.file(&page).contains(&format!("id=\"{anchor}\"")),
            "no #{anchor} on {page}"
        );
    }
}

/// Milestone events link to `checklist/#task-<id>` like tasks, but the
/// checklist lists tasks only, so the anchor does not exist.
#[test]
fn milestone_event_urls_lead_to_an_anchor_that_exists() {
    let files = site().build().ok();
    let plan = files.plan("acme");
    for event in events(&files.file(ICS)) {
        let id = item_id(&event);
        if plan.item(&id)["kind"] != "milestone" {
            continue;
        }
        let (page, anchor) = target(&files, prop(&event, "URL"));
        assert!(
            files.file(&page).contains(&format!("id=\"{anchor}\"")),
            "milestone `{id}`: no #{anchor} on {page}"
        );
    }
}

// ---------------------------------------------------------------------------
// Read back by a real parser: reminders, status, one calendar per role.

/// An event as the `icalendar` crate reads it: text values unescaped.
#[derive(Debug)]
struct Parsed {
    /// The item id, from the UID.
    id: String,
    summary: String,
    /// `DTSTART`'s value; always a `DATE`.
    start: String,
    /// `STATUS`, if written.
    status: Option<String>,
    /// Each `VALARM`: its `TRIGGER` and `DESCRIPTION`.
    alarms: Vec<(String, String)>,
}

/// Every event of a calendar, read by the `icalendar` crate's parser (which
/// must accept the whole file) and by its typed model (which must agree).
fn parsed(ics: &str) -> Vec<Parsed> {
    use icalendar::Component as _;
    let unfolded = icalendar::parser::unfold(ics);
    let tree = icalendar::parser::read_calendar(&unfolded)
        .unwrap_or_else(|e| panic!("not iCalendar: {e}\n{ics}"));
    let typed: icalendar::Calendar = ics.parse().expect("the typed model reads it");
    let typed: Vec<&icalendar::Event> = typed
        .components
        .iter()
        .filter_map(|c| match c {
            icalendar::CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .collect();
    let mut out = Vec::new();
    for event in tree.components.iter().filter(|c| c.name == "VEVENT") {
        let value = |name: &str| event.find_prop(name).map(|p| p.val.as_str().to_string());
        let uid = value("UID").expect("a UID");
        let same = typed
            .iter()
            .find(|e| e.get_uid() == Some(uid.as_str()))
            .expect("the typed model has the event");
        let start = match same.get_start() {
            Some(icalendar::DatePerhapsTime::Date(d)) => d.format("%Y%m%d").to_string(),
            other => panic!("{uid}: an all-day start, not {other:?}"),
        };
        assert_eq!(value("DTSTART").as_deref(), Some(start.as_str()));
        assert_eq!(same.get_summary(), value("SUMMARY").as_deref());
        assert_eq!(
            same.get_status() == Some(icalendar::EventStatus::Cancelled),
            value("STATUS").as_deref() == Some("CANCELLED"),
            "{uid}"
        );
        let mut alarms = Vec::new();
        for alarm in &event.components {
            assert_eq!(alarm.name, "VALARM", "{uid}: only reminders inside events");
            let get = |name: &str| {
                alarm
                    .find_prop(name)
                    .map(|p| p.val.as_str().to_string())
                    .unwrap_or_else(|| panic!("{uid}: a reminder without {name}"))
            };
            assert_eq!(get("ACTION"), "DISPLAY");
            alarms.push((get("TRIGGER"), get("DESCRIPTION")));
        }
        let id = uid.split('@').next().expect("uid@host");
        let id = id.split_once('-').map_or(id, |(_, rest)| rest).to_string();
        out.push(Parsed {
            id,
            summary: value("SUMMARY").expect("a SUMMARY"),
            start,
            status: value("STATUS"),
            alarms,
        });
    }
    out
}

/// The one parsed event of item `id`.
#[track_caller]
fn parsed_event<'a>(events: &'a [Parsed], id: &str) -> &'a Parsed {
    events
        .iter()
        .find(|e| e.id == id)
        .unwrap_or_else(|| panic!("no event `{id}` in {events:?}"))
}

/// When a relative trigger on an all-day event goes off: `(days before the
/// event's day, hour of that day)`. `-PT15H` is `(1, 9)`; `PT9H` is `(0, 9)`.
#[track_caller]
fn when(trigger: &str) -> (i64, i64) {
    let (sign, rest) = match trigger.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, trigger),
    };
    let rest = rest.strip_prefix('P').expect("a duration");
    let (days, time) = rest.split_once('T').unwrap_or((rest, ""));
    let days: i64 = days
        .strip_suffix('D')
        .map_or(0, |d| d.parse().expect("days"));
    let hours: i64 = time
        .strip_suffix('H')
        .map_or(0, |h| h.parse().expect("hours"));
    let minutes = sign * (days * 24 + hours) * 60;
    let days_before = (-minutes + 24 * 60 - 1).div_euclid(24 * 60);
    (days_before, (minutes + days_before * 24 * 60) / 60)
}

#[test]
fn when_reads_triggers() {
    assert_eq!(when("PT9H"), (0, 9));
    assert_eq!(when("-PT15H"), (1, 9));
    assert_eq!(when("-P3DT15H"), (4, 9));
    assert_eq!(when("-P1D"), (1, 0));
}

/// The minimal site with `setup` (the customer administrator's task) due on
/// Monday 2026-12-28: the Friday before is Christmas, a holiday.
fn after_christmas() -> Site {
    Site::new()
        .edit(PB, "        duration: 2bd\n", "        due: 27d\n")
        .today("2026-12-01")
}

#[test]
fn every_calendar_of_the_example_is_read_by_a_real_parser() {
    let files = Site::example().today("2027-01-20").build().ok();
    let mut calendars = 0;
    let mut alarms = 0;
    let mut translated = 0;
    for path in files.paths().into_iter().filter(|p| p.ends_with(".ics")) {
        let events = parsed(&files.file(path));
        calendars += 1;
        alarms += events.iter().map(|e| e.alarms.len()).sum::<usize>();
        // Reminders speak the customer's language (plan.json beside says which).
        let dir = &path[..path.rfind('/').expect("in a portal") + 1];
        let plan: serde_json::Value =
            serde_json::from_str(&files.file(&format!("{dir}plan.json"))).expect("JSON");
        if plan["language"] != "en" {
            for (_, description) in events.iter().flat_map(|e| &e.alarms) {
                assert!(!description.starts_with("Due "), "{path}: {description}");
                translated += 1;
            }
        }
        for event in &events {
            assert!(event.start.len() == 8, "{path}: {event:?}");
            assert!(
                event.status.as_deref().is_none_or(|s| s == "CANCELLED"),
                "{path}: {event:?}"
            );
        }
    }
    assert!(
        calendars > 6,
        "per-role calendars besides each portal's own"
    );
    assert!(alarms > 0, "the example has reminders");
    assert!(translated > 0, "and some in other languages");
}

#[test]
fn a_customer_task_reminds_one_working_day_before_across_a_weekend_and_holiday() {
    let files = after_christmas().build().ok();
    assert_eq!(files.plan("acme").due("setup"), "2026-12-28");
    let events = parsed(&files.file(ICS));
    let setup = parsed_event(&events, "setup");
    assert_eq!(setup.start, "20261228");
    // Monday 28 December: Sunday, Saturday and Friday 25 (a holiday) are skipped,
    // so the reminder is at 09:00 on Thursday 24, four days before.
    assert_eq!(setup.alarms.len(), 1, "{setup:?}");
    assert_eq!(setup.alarms[0].0, "-P3DT15H");
    assert_eq!(when(&setup.alarms[0].0), (4, 9));
    assert_eq!(setup.alarms[0].1, "Due 28 Dec 2026: Set up the account");
    // The vendor's task and the milestone have none.
    for id in ["welcome", "live"] {
        assert_eq!(parsed_event(&events, id).alarms, [], "{id}");
    }
}

#[test]
fn reminders_follow_the_setting() {
    for (before, days_before) in [("1bd", 4), ("3bd", 6), ("2d", 4), ("1w", 7), ("0bd", 0)] {
        let files = after_christmas()
            .append(
                "gangway.toml",
                &format!("\n[reminders]\nbefore = \"{before}\"\n"),
            )
            .build()
            .ok();
        let events = parsed(&files.file(ICS));
        let setup = parsed_event(&events, "setup");
        assert_eq!(setup.alarms.len(), 1, "{before}");
        assert_eq!(when(&setup.alarms[0].0), (days_before, 9), "{before}");
    }
    let files = after_christmas()
        .append("gangway.toml", "\n[reminders]\nbefore = \"none\"\n")
        .build()
        .ok();
    for path in files.paths().into_iter().filter(|p| p.ends_with(".ics")) {
        assert!(!files.file(path).contains("VALARM"), "{path}");
    }
}

#[test]
fn a_reminder_already_past_is_left_out() {
    // The reminder is on Thursday 24: still to come that day, past after it.
    for (today, expected) in [("2026-12-24", 1), ("2026-12-28", 0)] {
        let files = after_christmas()
            .append(
                "customers/acme.yaml",
                "progress:\n  welcome:\n    status: done\n    on: 2026-12-01\n",
            )
            .today(today)
            .build()
            .ok();
        let events = parsed(&files.file(ICS));
        assert_eq!(files.plan("acme").forecast("setup"), "2026-12-28");
        assert_eq!(
            parsed_event(&events, "setup").alarms.len(),
            expected,
            "{today}"
        );
    }
}

#[test]
fn a_bad_reminder_offset_is_an_error_at_its_place() {
    let site = Site::new().append("gangway.toml", "\n[reminders]\nbefore = \"tomorrow\"\n");
    let line = site.text("gangway.toml").lines().count();
    let build = site.build();
    let d = build.assert_error("invalid-offset", "gangway.toml", line);
    assert_eq!(d.location().map(|(_, _, column)| column), Some(10));
    assert!(
        d.help.as_deref().is_some_and(|h| h.contains("\"none\"")),
        "{d:?}"
    );
    let site = Site::new().append("gangway.toml", "\n[reminders]\nbefor = \"1bd\"\n");
    let line = site.text("gangway.toml").lines().count();
    site.build()
        .assert_error("unknown-key", "gangway.toml", line);
}

#[test]
fn done_and_skipped_tasks_are_marked_and_not_reminded() {
    let files = after_christmas()
        .append(
            "customers/acme.yaml",
            "progress:\n  welcome:\n    status: done\n    on: 2026-12-01\n  setup:\n    status: skipped\n    reason: Done by the reseller.\n",
        )
        .build()
        .ok();
    let events = parsed(&files.file(ICS));
    let welcome = parsed_event(&events, "welcome");
    assert_eq!(welcome.summary, "✓ Welcome Acme Corp");
    assert_eq!(welcome.status, None);
    let setup = parsed_event(&events, "setup");
    assert_eq!(setup.summary, "Skipped: Set up the account");
    assert_eq!(setup.status.as_deref(), Some("CANCELLED"));
    assert_eq!(setup.alarms, []);
    // Everything it waits for is closed, so the milestone is reached too.
    assert_eq!(files.plan("acme").item("live")["status"], "done");
    let live = parsed_event(&events, "live");
    assert_eq!(live.summary, "✓ Go live");
    assert_eq!(live.status, None);
}

#[test]
fn each_role_has_a_calendar_of_its_own_tasks_only() {
    // `site()` adds an internal task and a left-out one for the vendor, and one
    // more task for the vendor's manager; a third role owns nothing visible.
    let site = site().edit(
        PB,
        "    side: customer\n",
        "    side: customer\n  sponsor:\n    title: Executive sponsor\n    side: customer\n",
    );
    let files = site.build().ok();
    let plan = files.plan("acme");
    let all = events(&files.file(ICS));
    for role in ["csm", "admin"] {
        let path = format!("portal/acme/calendar-{role}.ics");
        let text = files.file(&path);
        let own = parsed(&text);
        let mut ids: Vec<&str> = own.iter().map(|e| e.id.as_str()).collect();
        let mut expected: Vec<&str> = plan
            .items()
            .into_iter()
            .filter(|i| i["kind"] == "task" && i["owner_role"] == role)
            .map(|i| i["id"].as_str().expect("an id"))
            .collect();
        ids.sort_unstable();
        expected.sort_unstable();
        assert_eq!(ids, expected, "{path}");
        assert!(!ids.is_empty());
        // The same events as in the calendar of everything.
        for event in events(&text) {
            assert!(all.contains(&event), "{path}: {event:?}");
        }
        assert!(!text.contains("-vet@"), "no internal task in {path}");
    }
    let expected = ["train", "welcome"];
    let mut csm: Vec<String> = events(&files.file("portal/acme/calendar-csm.ics"))
        .iter()
        .map(item_id)
        .collect();
    csm.sort();
    assert_eq!(csm, expected);
    assert!(!files.has("portal/acme/calendar-sponsor.ics"));
    let names: Vec<&str> = files
        .paths()
        .into_iter()
        .filter(|p| p.ends_with(".ics"))
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
}

/// Where `href` on the page at `page` leads, relative to the site root.
fn resolve(page: &str, href: &str) -> String {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for part in href.split('/') {
        match part {
            ".." => {
                parts.pop();
            }
            "." => {}
            part => parts.push(part),
        }
    }
    parts.join("/")
}

#[test]
fn the_timeline_links_every_calendar_relatively() {
    let files = site().build().ok();
    let portal = files.portal("acme");
    let page_path = format!("{portal}timeline/index.html");
    let page = files.page(&page_path);
    let line = page
        .lines()
        .find(|l| l.contains("class=\"more calendars\""))
        .expect("the calendars line");
    assert!(
        line.starts_with("<p class=\"more calendars\">Subscribe: "),
        "{line}"
    );
    let links: Vec<(&str, &str)> = line
        .split("<a href=\"")
        .skip(1)
        .map(|a| {
            let (href, rest) = a.split_once('"').expect("a closing quote");
            let text = rest.split_once('>').expect(">").1;
            (href, text.split_once("</a>").expect("</a>").0)
        })
        .collect();
    let texts: Vec<&str> = links.iter().map(|(_, t)| *t).collect();
    assert_eq!(
        texts,
        [
            "all tasks",
            "Customer success manager only",
            "Customer administrator only"
        ]
    );
    let targets: Vec<String> = links
        .iter()
        .map(|(href, _)| {
            assert!(href.starts_with("../"), "relative: {href}");
            resolve(&page_path, href)
        })
        .collect();
    assert_eq!(
        targets,
        [
            format!("{portal}calendar.ics"),
            format!("{portal}calendar-csm.ics"),
            format!("{portal}calendar-admin.ics"),
        ]
    );
    for target in &targets {
        assert!(files.has(target), "{target}");
    }
    assert!(page.contains("subscription"), "how to subscribe is said");
}

#[test]
fn an_encrypted_portal_seals_every_calendar_and_offers_them_as_downloads() {
    let files = site()
        .append(
            "customers/acme.yaml",
            "encrypt:\n  passphrase_env: ACME_PASSPHRASE\n",
        )
        .env("ACME_PASSPHRASE", "correct horse battery staple")
        .build()
        .ok();
    let portal = files.portal("acme");
    for name in ["calendar.ics", "calendar-csm.ics", "calendar-admin.ics"] {
        assert!(!files.has(&format!("{portal}{name}")), "{name} in clear");
        let sealed = files.file(&format!("{portal}{name}.enc"));
        assert!(sealed.contains("text/calendar"), "{name}: {sealed}");
        assert!(sealed.contains(&format!("\"{name}\"")), "{name}: {sealed}");
        assert!(!sealed.contains("VEVENT"), "{name} is readable");
    }
}
