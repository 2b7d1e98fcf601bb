use super::*;

fn site(files: &[(&str, &str)]) -> SourceTree {
    let mut tree = SourceTree::new();
    tree.insert(
        "gangway.toml",
        "title = \"T\"\nbase_url = \"https://example.com\"\ndefault_language = \"en\"\nlanguages = [\"en\", \"ms\", \"ne\"]\n",
    );
    for (path, text) in files {
        tree.insert(*path, *text);
    }
    tree
}

const PLAYBOOK: &str = "title: Onboarding\nroles:\n  csm:\n    title: CSM\n    side: vendor\n    contact: true\nphases:\n  - id: start\n    title: Start\n    tasks:\n      - id: kickoff\n        title: Kickoff\n        description: Meet the team.\n        owner: csm\n        due: 1d\n";

#[test]
fn originals_and_translations_are_sorted_into_their_states() {
    let tree = site(&[
        ("content/kb/a.md", "---\ntitle: A\n---\nBody of A.\n"),
        ("content/kb/a.ms.md", "---\ntitle: A ms\n---\nBadan.\n"),
        (
            "content/ne/kb/a.md",
            "---\ntitle: A ne\ntranslation_of: 000000000000\n---\nne\n",
        ),
        ("content/faq/q.md", "---\nquestion: Why?\n---\nBecause.\n"),
        ("content/faq/q.ms.md", "---\nquestion: broken\n"),
        ("content/kb/lone.ne.md", "---\ntitle: Lone\n---\n"),
        ("playbooks/p.yaml", PLAYBOOK),
        ("playbooks/p.ms.yaml", "# Malay\ntitle: Orientasi\n"),
    ]);
    let inv = read(&tree).expect("an inventory");
    assert_eq!(inv.languages, ["ms", "ne"]);
    let paths: Vec<&str> = inv.originals.iter().map(|o| o.path.as_str()).collect();
    assert_eq!(
        paths,
        ["content/faq/q.md", "content/kb/a.md", "playbooks/p.yaml"]
    );
    assert_eq!(
        inv.orphans,
        [("ne".to_string(), "content/kb/lone.ne.md".to_string())]
    );
    assert_eq!(inv.unreadable.len(), 1, "{:?}", inv.unreadable);
    assert_eq!(inv.unreadable[0].path, "content/faq/q.ms.md");
    assert!(
        inv.unreadable[0].problem.contains("not closed"),
        "{:?}",
        inv.unreadable
    );
    let status = inv.status();
    let ms = &status[0];
    assert_eq!(ms.unreadable, ["content/faq/q.ms.md"]);
    let no_hash: Vec<&str> = ms.missing_hash.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(no_hash, ["content/kb/a.ms.md", "playbooks/p.ms.yaml"]);
    let ne = &status[1];
    assert_eq!(ne.missing, ["content/faq/q.md", "playbooks/p.yaml"]);
    assert_eq!(ne.outdated[0].path, "content/ne/kb/a.md");
    assert_eq!(ne.outdated[0].recorded.as_deref(), Some("000000000000"));
    // The hash is the one a build computes.
    assert_eq!(
        ne.outdated[0].current,
        source_hash(&["A", "", "Body of A.\n"])
    );
    let (original, lang) = inv.translation("playbooks/p.ms.yaml").unwrap();
    assert_eq!((original.path.as_str(), lang), ("playbooks/p.yaml", "ms"));
    let names: Vec<&str> = original.parts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "title",
            "role csm",
            "phase start: title",
            "task kickoff: title",
            "task kickoff: description"
        ]
    );
}

#[test]
fn the_hashes_are_those_a_build_reports() {
    let tree = site(&[
        (
            "content/kb/a.md",
            "---\ntitle: A\nsummary: S\ndescription: D\n---\nBody.\n",
        ),
        (
            "content/kb/a.ms.md",
            "---\ntitle: A ms\ntranslation_of: 000000000000\n---\nBadan.\n",
        ),
        ("content/faq/q.md", "---\nquestion: Why?\n---\nBecause.\n"),
        (
            "content/faq/q.ms.md",
            "---\nquestion: Kenapa?\ntranslation_of: 000000000000\n---\nSebab.\n",
        ),
        (
            "content/_index.md",
            "+++\ntitle = \"Home\"\n+++\nWelcome.\n",
        ),
        (
            "content/_index.ms.md",
            "+++\ntitle = \"Laman\"\ntranslation_of = \"000000000000\"\n+++\n",
        ),
        ("playbooks/p.yaml", PLAYBOOK),
        (
            "playbooks/p.ms.yaml",
            "translation_of: 000000000000\ntitle: Orientasi\n",
        ),
    ]);
    let inv = read(&tree).expect("an inventory");
    let ours: Vec<(String, String)> = inv.status()[0]
        .outdated
        .iter()
        .map(|e| (e.path.clone(), e.current.clone()))
        .collect();
    assert_eq!(ours.len(), 4, "{ours:?}");
    let options = crate::BuildOptions::for_tests(jiff::civil::date(2027, 1, 20));
    let compiled = crate::compile(&tree, &options);
    let errors: Vec<&str> = (compiled.diagnostics.iter())
        .filter(|d| d.severity == crate::diagnostic::Severity::Error)
        .map(|d| d.message.as_str())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let theirs: Vec<(String, String)> = compiled.translations.languages[0]
        .outdated
        .iter()
        .map(|o| (o.path.clone(), o.current.clone()))
        .collect();
    assert_eq!(ours, theirs);
}
