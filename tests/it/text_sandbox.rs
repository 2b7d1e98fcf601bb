//! Author text and theme templates see only what they are given (issue 17, item 4).
//!
//! `{{ debug() }}` in a task title printed the text engine's state, with every
//! text it had compiled: other customers' extra tasks, names and all. A templated
//! text now depends only on its own customer's values; theme templates on public
//! pages see no customer at all.

use crate::harness::*;

const PB: &str = "playbooks/onboarding.yaml";

/// A description that puts every filter, test and function the text engine
/// offers to work on the customer's values (docs/schema.md lists them).
const EVERYTHING: &str = r#"
        description: |
          {% if customer.id is string %}{# The public preview has placeholders, not lists. #}
          {{ customer }} {{ customer|items|list }} {{ customer.vars|dictsort }} {{ customer.team|list }}
          {{ customer.name|lower }} {{ customer.name|upper }} {{ customer.name|title }} {{ customer.name|capitalize }}
          {{ customer.name|replace('-', '+') }} {{ customer.name|trim }} {{ customer.name|length }} {{ customer.name|count }}
          {{ customer.name|first }} {{ customer.name|last }} {{ customer.name|split('-')|join('+') }} {{ customer.name|lines }}
          {{ customer.vars.gone|default('d') }} {{ customer.vars.gone|d('d') }} {{ customer.vars.n|int }} {{ customer.vars.n|float }}
          {{ customer.vars.n|round }} {{ customer.vars.n|abs }} {{ customer.name|string }} {{ customer.name|list }}
          {{ customer.vars.words|sort }} {{ customer.vars.words|reverse|list }} {{ customer.vars.words|unique|list }}
          {{ customer.vars.words|min }} {{ customer.vars.words|max }} {{ customer.vars.nums|sum }}
          {{ customer.vars.words|map('upper')|list }} {{ customer.vars.words|select('string')|list }}
          {{ customer.vars.words|reject('none')|list }} {{ customer.vars.people|selectattr('name')|list }}
          {{ customer.vars.people|rejectattr('name')|list }} {{ customer.vars.people|groupby('name')|list }}
          {{ "%s!"|format(customer.name) }} {{ customer.vars.words|chain(customer.vars.nums)|list }}
          {{ customer.vars.words|zip(customer.vars.nums)|list }}
          {{ range(3)|list }} {{ dict(who=customer.name) }} {% set ns = namespace(v=customer.id) %}{{ ns.v }}
          {% for t in ['boolean', 'defined', 'even', 'false', 'float', 'integer', 'int', 'iterable', 'lower', 'mapping', 'none', 'number', 'odd', 'sequence', 'string', 'true', 'undefined', 'upper'] %}{{ customer.vars.mixed|select(t)|list }}{% endfor %}
          {% for t in ['eq', 'equalto', '==', 'ne', '!=', 'lt', 'lessthan', '<', 'le', '<=', 'gt', 'greaterthan', '>', 'ge', '>='] %}{{ customer.vars.nums|select(t, 1)|list }}{% endfor %}
          {{ customer.vars.nums|select('divisibleby', 2)|list }} {{ customer.vars.words|select('in', customer.vars.words)|list }}
          {{ customer.vars.words|select('startingwith', 'a')|list }} {{ customer.vars.words|select('endingwith', 'a')|list }}
          {% endif %}
"#;

/// A customer whose every value carries `marker`, with an extra task of its own.
fn customer(marker: &str) -> String {
    format!(
        "name: {marker}-name\nplaybook: onboarding\nkickoff: 2026-12-01\n\
         team:\n  csm: {{ name: {marker}-csm, email: {marker}@vendor.test }}\n  \
         admin: {{ name: {marker}-admin, email: {marker}@customer.test }}\n\
         vars:\n  n: 3\n  nums: [1, 2]\n  words: [{marker}-a, {marker}-b]\n  \
         mixed: [1, 2.5, {marker}-s, true, null]\n  \
         people: [{{ name: {marker}-p }}]\n\
         progress:\n  welcome: {{ status: blocked, note: {marker}-note }}\n\
         extra_tasks:\n  - phase: start\n    id: extra-{marker}\n    \
         title: \"{marker}-extra {{{{ customer.name }}}}\"\n    owner: csm\n"
    )
}

fn two_customers() -> Site {
    Site::new()
        .edit(
            PB,
            "        owner: csm\n",
            &format!("{}        owner: csm\n", &EVERYTHING[1..]),
        )
        .file("customers/acme.yaml", &customer("alfa"))
        .file("customers/bravo.yaml", &customer("bravo"))
}

#[test]
fn a_text_using_every_builtin_shows_each_portal_only_its_own_customer() {
    let files = two_customers().build().ok();
    for (own, other) in [("acme", "bravo"), ("bravo", "alfa")] {
        let dir = files.portal(own).to_string();
        let checklist = files.file(&format!("portal/{own}/checklist/index.html"));
        let marker = if own == "acme" { "alfa" } else { "bravo" };
        assert!(
            checklist.contains(&format!("{marker}-name!")),
            "{checklist}"
        );
        assert!(checklist.contains(&format!("{marker}-extra {{{{ customer.name }}}}")));
        for (path, bytes) in &files.files {
            if path.starts_with(&dir) {
                let text = String::from_utf8_lossy(bytes);
                assert!(!text.contains(other), "{other} in {own}'s {path}");
            }
        }
    }
}

/// Regression (issue 17, item 4): `{{ debug() }}` in a title printed the engine's
/// state. It is an unknown function, reported at its line.
#[test]
fn debug_in_a_title_is_an_unknown_function_at_its_line() {
    let site = Site::new().edit(
        PB,
        "title: Set up the account",
        "title: Set up {{ debug() }}",
    );
    let line = site
        .text(PB)
        .lines()
        .position(|l| l.contains("debug()"))
        .unwrap()
        + 1;
    let d = site
        .build()
        .assert_error("template-error", PB, line)
        .clone();
    assert!(d.message.contains("unknown function"), "{}", d.message);

    let dir = site.on_disk();
    let run = gangway(dir.path(), &["check", "--today", TODAY]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!("{PB}:{line}:")) && run.stderr.contains("unknown function"),
        "{}",
        run.stderr
    );
}

/// The minimal site with theme `x`, one template of it overridden.
fn with_theme_template(name: &str, text: &str) -> Site {
    Site::new()
        .edit(
            "gangway.toml",
            "title = \"Test Portal\"",
            "title = \"Test Portal\"\ntheme = \"x\"",
        )
        .file(&format!("themes/x/templates/{name}"), text)
}

/// `debug()` printed a page's whole render state (and made every build differ).
#[test]
fn debug_in_a_theme_template_is_an_error_at_its_line() {
    let site = with_theme_template(
        "home.html",
        "{% extends \"base.html\" %}\n{% block main %}\n{{ debug() }}\n{% endblock %}\n",
    );
    let d = site
        .build()
        .assert_error("template-error", "themes/x/templates/home.html", 3)
        .clone();
    assert!(d.message.contains("unknown function"), "{}", d.message);
}

/// Public pages print every value they are given, as deeply as `tojson` goes, and
/// still show no customer.
#[test]
fn public_pages_printing_all_their_values_show_no_customer() {
    let all =
        "{{ root }} {{ lang }} {{ t|tojson }} {{ site|tojson }} {{ page|tojson }} {{ today }}";
    let site = with_theme_template(
        "home.html",
        &format!(
            "{{% extends \"base.html\" %}}{{% block main %}}{all} {{{{ intro_html }}}} \
             {{{{ playbooks|tojson }}}} {{{{ sections|tojson }}}} {{{{ faqs|tojson }}}}{{% endblock %}}"
        ),
    )
    .file(
        "themes/x/templates/playbook.html",
        &format!(
            "{{% extends \"base.html\" %}}{{% block main %}}{all} {{{{ playbook|tojson }}}} \
             {{{{ timeline|tojson }}}}{{% endblock %}}"
        ),
    )
    .file("customers/acme.yaml", &customer("alfa"))
    .edit(PB, "title: Set up the account", "title: Set up {{ customer.name }}");
    let files = site.build().ok();
    let home = files.file("index.html");
    assert!(
        home.contains("Onboarding"),
        "the home page printed its values"
    );
    let preview = files.file("playbooks/onboarding/index.html");
    assert!(preview.contains("Set up your company"), "{preview}");
    for (path, bytes) in &files.files {
        if files.is_public(path) {
            let text = String::from_utf8_lossy(bytes);
            assert!(!text.contains("alfa"), "a customer value in public {path}");
        }
    }
}
