use crate::harness::*;

fn show(name: &str, site: Site) {
    let b = site.build();
    eprintln!("===== {name}\n{}", b.report());
}

#[test]
fn scratch() {
    show("syntax1", Site::new().edit("playbooks/onboarding.yaml", "    title: Getting started", "    title: \"Getting started"));
    show("syntax2", Site::new().edit("playbooks/onboarding.yaml", "  admin:\n", "  admin:\n\t"));
    show("syntax3", Site::new().edit("playbooks/onboarding.yaml", "phases:\n", "phases:\n - x: [\n"));
    show("syntax4", Site::new().file("customers/acme.yaml", "name: Acme\n  playbook: onboarding\nkickoff: 2026-12-01\n"));
    show("syntax5", Site::new().file("customers/acme.yaml", "name: Acme: Corp\nplaybook: onboarding\n"));
    show("dup id other phase", Site::new().append("playbooks/onboarding.yaml", "").edit("playbooks/onboarding.yaml", "milestones:", "  - id: more\n    title: More\n    tasks:\n      - id: welcome\n        title: again\n        owner: csm\nmilestones:"));
    show("missing key", Site::new().edit("customers/acme.yaml", "playbook: onboarding\n", ""));
    show("kickoff wrong type", Site::new().edit("customers/acme.yaml", "kickoff: 2026-12-01", "kickoff: [2026]"));
    show("vars", Site::new().append("customers/acme.yaml", "vars:\n  bad-name: 1\n"));
    show("team unknown role", Site::new().append("customers/acme.yaml", "  admn: { name: X }\n"));
    show("remove without extends", Site::new().append("playbooks/onboarding.yaml", "remove: [setup]\n"));
    show("child remove unknown", Site::new().file("playbooks/child.yaml", "title: Child\nextends: onboarding\nremove: [nope]\n"));
    show("extra task bad phase", Site::new().append("customers/acme.yaml", "extra_tasks:\n  - phase: strat\n    id: extra\n    title: Extra\n    owner: csm\n"));
    show("extra task no phase", Site::new().append("customers/acme.yaml", "extra_tasks:\n  - id: extra\n    title: Extra\n    owner: csm\n"));
    show("extra task dup", Site::new().append("customers/acme.yaml", "extra_tasks:\n  - phase: start\n    id: setup\n    title: Extra\n    owner: csm\n"));
    show("remove_tasks unknown", Site::new().append("customers/acme.yaml", "remove_tasks: [setpu]\n"));
    show("progress unknown", Site::new().append("customers/acme.yaml", "progress:\n  setpu: { status: todo }\n"));
    show("cal override bad", Site::new().append("customers/acme.yaml", "calendar:\n  workdays: [mon, funday]\n  holidays: [2026-13-01]\n"));
    show("on bad", Site::new().append("customers/acme.yaml", "progress:\n  welcome: { status: done, on: 2026-11-31 }\n"));
    show("due warning", Site::new().edit("playbooks/onboarding.yaml", "        duration: 2bd\n", "        duration: 2bd\n        due: 0d\n"));
    show("playbook wrong id", Site::new().edit("playbooks/onboarding.yaml", "title: Onboarding\n", "id: onboard\ntitle: Onboarding\n"));
    show("customer on unknown playbook", Site::new().edit("customers/acme.yaml", "playbook: onboarding", "playbook: onboardin"));
    show("link bad", Site::new().edit("playbooks/onboarding.yaml", "        faq: [reset-password]\n", "        faq: [reset-password]\n        links:\n          - { title: X, url: \"www.x.test\" }\n"));
    show("contact customer side", Site::new().edit("playbooks/onboarding.yaml", "    side: vendor\n    contact: true", "    side: vendor\n  x:\n    title: X\n    side: customer\n    contact: true"));
}
