//! The portal calendar (`portal/<id>/calendar.ics`): valid RFC 5545 text, one
//! all-day event per visible task and milestone, on its due date, with UIDs
//! that survive rebuilds.

use crate::harness::*;

const PB: &str = "playbooks/onboarding.yaml";
const ICS: &str = "portal/acme/calendar.ics";

/// One event: its properties as `(name with parameters, value)`, unfolded.
type Event = Vec<(String, String)>;

/// Unfolds the calendar's lines and returns its events.
fn events(ics: &str) -> Vec<Event> {
    let unfolded = ics.replace("\r\n ", "").replace("\r\n\t", "");
    let mut events = Vec::new();
    let mut current: Option<Event> = None;
    for line in unfolded.split("\r\n").filter(|l| !l.is_empty()) {
        let (name, value) = line.split_once(':').expect("NAME:VALUE");
        match (name, &mut current) {
            ("BEGIN", None) if value == "VEVENT" => current = Some(Vec::new()),
            ("END", Some(_)) if value == "VEVENT" => events.extend(current.take()),
            (_, Some(event)) => event.push((name.to_string(), value.to_string())),
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
