//! Every piece of text says which language it is in: the multilingual fixture
//! (`tests/fixtures/valid/languages/`) marks each string of its playbook,
//! content and customer file with the language it is written in (`⟨ms⟩`), and
//! every text node and attribute of every page carrying a marker must sit
//! under the nearest `lang` that names that language: untranslated playbook
//! strings, articles and FAQ entries falling back to their original, and a
//! customer's own text in the customer file's `text_language:`.
//!
//! Not checked: the `<head>` (its `<title>` and meta tags hold the page title
//! as text, which cannot carry a language of its own).

use std::path::Path;

use crate::harness::*;

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// The language markers (`⟨xx⟩`) in `text`.
fn markers(text: &str) -> Vec<&str> {
    text.split('⟨')
        .skip(1)
        .filter_map(|rest| rest.split_once('⟩').map(|(m, _)| m))
        .collect()
}

/// Where a marked text stands with a `lang` that is not its own, as
/// `(marker, declared, snippet)`; and how many markers were checked.
fn misdeclared(html: &str) -> (Vec<(String, String, String)>, usize) {
    let mut stack: Vec<(String, Option<String>)> = Vec::new();
    let mut wrong = Vec::new();
    let mut checked = 0;
    let mut check = |text: &str, declared: &str, checked: &mut usize| {
        for m in markers(text) {
            *checked += 1;
            if m != declared {
                let snippet: String = text.chars().take(80).collect();
                wrong.push((m.to_string(), declared.to_string(), snippet));
            }
        }
    };
    let nearest = |stack: &[(String, Option<String>)]| {
        stack
            .iter()
            .rev()
            .find_map(|(_, l)| l.clone())
            .unwrap_or_default()
    };
    let in_head = |stack: &[(String, Option<String>)]| stack.iter().any(|(t, _)| t == "head");
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            if !in_head(&stack) {
                check(rest, &nearest(&stack), &mut checked);
            }
            break;
        };
        if !in_head(&stack) {
            check(&rest[..lt], &nearest(&stack), &mut checked);
        }
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.split_once("-->").map_or("", |(_, r)| r);
            continue;
        }
        let end = tag_end(rest);
        let tag = &rest[1..end];
        rest = &rest[end + 1..];
        if tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            let name = name.trim().to_ascii_lowercase();
            if let Some(i) = stack.iter().rposition(|(t, _)| *t == name) {
                stack.truncate(i);
            }
            continue;
        }
        let (name, attrs) = parse_tag(tag);
        let own = attrs
            .iter()
            .find(|(k, _)| k == "lang")
            .map(|(_, v)| v.clone());
        let declared = own.clone().unwrap_or_else(|| nearest(&stack));
        if !in_head(&stack) && name != "head" {
            for (_, v) in &attrs {
                check(v, &declared, &mut checked);
            }
        }
        if name == "script" || name == "style" {
            let close = format!("</{name}");
            rest = rest.find(&close).map_or("", |i| &rest[i..]);
        }
        if !VOID.contains(&name.as_str()) && !tag.ends_with('/') {
            stack.push((name, own));
        }
    }
    (wrong, checked)
}

/// The index of the `>` closing the tag `s` starts with (quotes respected).
fn tag_end(s: &str) -> usize {
    let mut quote = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return i,
            _ => {}
        }
    }
    s.len() - 1
}

/// A start tag's name and attributes (values unescaped enough for markers).
fn parse_tag(tag: &str) -> (String, Vec<(String, String)>) {
    let tag = tag.trim_end_matches('/');
    let name_end = tag.find(|c: char| c.is_whitespace()).unwrap_or(tag.len());
    let name = tag[..name_end].to_ascii_lowercase();
    let mut attrs = Vec::new();
    let mut rest = tag[name_end..].trim_start();
    while !rest.is_empty() {
        let key_end = rest
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(rest.len());
        let key = rest[..key_end].to_ascii_lowercase();
        rest = rest[key_end..].trim_start();
        let mut value = String::new();
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (v, r) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let body = &after[1..];
                    let close = body.find(q).unwrap_or(body.len());
                    (&body[..close], body.get(close + 1..).unwrap_or(""))
                }
                _ => {
                    let e = after.find(char::is_whitespace).unwrap_or(after.len());
                    (&after[..e], &after[e..])
                }
            };
            value = v.to_string();
            rest = r.trim_start();
        }
        attrs.push((key, value));
    }
    (name, attrs)
}

#[test]
fn the_scanner_finds_text_under_the_wrong_language() {
    let page = r#"<html lang="lo"><head><title>x ⟨en⟩</title></head><body><p>ok ⟨lo⟩ <span lang="en">a ⟨en⟩</span> <img alt="b ⟨en⟩"> <b>c ⟨en⟩</b></p><h3 lang="ms">d ⟨ms⟩</h3></body></html>"#;
    let (wrong, checked) = misdeclared(page);
    assert_eq!(checked, 5);
    let wrong: Vec<String> = wrong.iter().map(|(m, d, _)| format!("{m}@{d}")).collect();
    assert_eq!(wrong, ["en@lo", "en@lo"]);
}

/// Issue 22, items 1 and 2: an untranslated task showed its original title on a
/// Lao page marked Lao in the overview and the timeline, descriptions were never
/// marked, and a Nepali customer's own task was declared in the site's default.
#[test]
fn every_text_of_the_multilingual_fixture_declares_its_language() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid/languages/site");
    let build = Site::read(&dir).today(TODAY).build();
    assert!(build.diagnostics().is_empty(), "{}", build.report());
    let files = build.ok();
    let mut problems = Vec::new();
    let mut checked = 0;
    let mut pages = 0;
    for path in files.paths().into_iter().filter(|p| p.ends_with(".html")) {
        let html = files.page(path);
        let (wrong, n) = misdeclared(&html);
        pages += 1;
        checked += n;
        for (marker, declared, snippet) in wrong {
            problems.push(format!(
                "{path}: ⟨{marker}⟩ text under lang=\"{declared}\": {snippet}"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{} misdeclared:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(pages > 40, "{pages} pages");
    assert!(checked > 250, "only {checked} marked texts checked");
    // The customer's own Nepali text on their Lao portal, marked Nepali.
    let portal = files.portal("champa");
    let lao = files.page(&format!("{portal}checklist/index.html"));
    assert!(
        lao.contains(r#"<span lang="ne">पुराना अभिलेख सार्नुहोस् ⟨ne⟩</span>"#),
        "{lao}"
    );
    // The description the file translates: Lao on the Lao portal, the Nepali
    // original on the Nepali one, each under its page's language.
    assert!(lao.contains("ບັນທຶກຂອງສາງ ⟨lo⟩"), "{lao}");
    assert!(!lao.contains("गोदामका"), "{lao}");
    let nepali = files.page(&format!("{portal}ne/checklist/index.html"));
    assert!(nepali.contains("गोदामका अभिलेखहरू ⟨ne⟩"), "{nepali}");
    assert!(!nepali.contains("ບັນທຶກຂອງສາງ"), "{nepali}");
}

/// Issue 22, item 1, for search results: a fragment of an article or FAQ entry
/// says which language its text is in (`l`, else the index's), and its section
/// title's (`sl`) when that differs, so the page script can mark both.
#[test]
fn every_search_result_declares_its_language() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid/languages/site");
    let build = Site::read(&dir).today(TODAY).build();
    let files = build.ok();
    let mut checked = 0;
    let mut playbook_checked = 0;
    for path in files.paths() {
        let Some((lang, _)) = path
            .strip_prefix("search/")
            .and_then(|rest| rest.split_once("/f/"))
        else {
            continue;
        };
        let fragment: serde_json::Value = serde_json::from_str(&files.page(path)).unwrap();
        let declared = fragment["l"].as_str().unwrap_or(lang);
        // Each text with its declared language: a part's heading and text may
        // name their own (a playbook preview's untranslated task).
        let mut texts = vec![(fragment["t"].as_str().unwrap_or(""), declared)];
        for part in fragment["p"].as_array().into_iter().flatten() {
            let own = |at: usize| {
                part.get(at)
                    .and_then(|l| l.as_str())
                    .filter(|l| !l.is_empty())
            };
            texts.push((part[1].as_str().unwrap_or(""), own(4).unwrap_or(declared)));
            texts.push((part[2].as_str().unwrap_or(""), own(3).unwrap_or(declared)));
        }
        for (text, declared) in texts {
            for marker in markers(text) {
                assert_eq!(marker, declared, "{path}: {text}");
                checked += 1;
                if fragment["u"].as_str().unwrap_or("").contains("playbooks/") {
                    playbook_checked += 1;
                }
            }
        }
        let section = fragment["s"].as_str().unwrap_or("");
        let section_lang = fragment["sl"].as_str().unwrap_or(declared);
        for marker in markers(section) {
            assert_eq!(marker, section_lang, "{path}: section {section}");
        }
    }
    assert!(checked > 10, "only {checked} marked texts checked");
    assert!(
        playbook_checked > 10,
        "only {playbook_checked} playbook texts checked"
    );
    // The Nepali article sits in a section whose title has no Nepali version.
    let setup = files.page("search/ne/f/0.json");
    assert!(setup.contains(r#""s":"Guides ⟨en⟩","sl":"en""#), "{setup}");
}

/// Issue 22, item 1, for calendars: an event's title in another language than
/// the calendar's carries it as the `LANGUAGE` parameter of its `SUMMARY`.
#[test]
fn every_calendar_title_declares_its_language() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid/languages/site");
    let build = Site::read(&dir).today(TODAY).build();
    let files = build.ok();
    let portal = files.portal("champa");
    let ics = files
        .page(&format!("{portal}calendar.ics"))
        .replace("\r\n ", "");
    let mut checked = 0;
    for line in ics.lines().filter(|l| l.starts_with("SUMMARY")) {
        let (property, value) = line.split_once(':').unwrap();
        let declared = property.strip_prefix("SUMMARY;LANGUAGE=").unwrap_or("lo");
        for marker in markers(value) {
            assert_eq!(marker, declared, "{line}");
            checked += 1;
        }
    }
    assert!(checked >= 4, "{checked} in {ics}");
    assert!(ics.contains("SUMMARY;LANGUAGE=ne:पुराना अभिलेख"), "{ics}");
}

/// Issue 22, item 2: an extra task's text given per language must name the
/// site's languages and include the file's own language; a playbook task's
/// text is translated in translation files, never inline.
#[test]
fn translated_extra_task_text_is_checked() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid/languages/site");
    let original = std::fs::read_to_string(dir.join("customers/champa.yaml")).unwrap();
    let wrong = original
        .replace(
            "      lo: \"ບັນທຶກຂອງສາງ ⟨lo⟩\"",
            "      kk: \"ບັນທຶກຂອງສາງ ⟨lo⟩\"",
        )
        .replace(
            "    title: पुराना अभिलेख सार्नुहोस् ⟨ne⟩",
            "    title: { lo: ບັນທຶກ }",
        );
    assert_ne!(wrong, original);
    let build = Site::read(&dir)
        .file("customers/champa.yaml", &wrong)
        .today(TODAY)
        .build();
    let report = build.report();
    assert!(
        report.contains("`kk` is not one of the site's languages"),
        "{report}"
    );
    assert!(
        report.contains("no text in `ne`, the language this customer file is written in"),
        "{report}"
    );
    assert!(report.contains("customers/champa.yaml:"), "{report}");
    let playbook = std::fs::read_to_string(dir.join("playbooks/start.yaml")).unwrap();
    let inline = playbook.replace(
        "        title: Kickoff call ⟨en⟩",
        "        title: { en: Kickoff call, lo: ໂທ }",
    );
    assert_ne!(inline, playbook);
    let build = Site::read(&dir)
        .file("playbooks/start.yaml", &inline)
        .today(TODAY)
        .build();
    let report = build.report();
    assert!(
        report.contains("a playbook's text is translated in its translation files"),
        "{report}"
    );
}

/// Issue 22, item 3: Nepali pages showed ASCII digits in the playbook preview's
/// phase numbers, its "day 0" hint and the progress bar's fallback text.
#[test]
fn nepali_pages_show_every_number_in_devanagari_digits() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid/languages/site");
    let build = Site::read(&dir).today(TODAY).build();
    let files = build.ok();
    let preview = files.page("ne/playbooks/start/index.html");
    assert!(
        preview.contains(r#"<span class="phase-num">१.</span>"#),
        "{preview}"
    );
    assert!(
        preview.contains(r#"<span class="phase-num">२.</span>"#),
        "{preview}"
    );
    assert!(preview.contains("(दिन ०)"), "{preview}");
    let portal = files.portal("champa");
    let overview = files.page(&format!("{portal}ne/index.html"));
    let progress = overview
        .split_once("<progress")
        .and_then(|(_, p)| p.split_once("</progress>"))
        .map(|(p, _)| p.to_string())
        .unwrap_or_default();
    assert!(
        progress.ends_with("%") || progress.contains('%'),
        "{progress}"
    );
    let shown = progress.rsplit_once('>').map_or("", |(_, t)| t);
    assert!(
        !shown.is_empty() && !shown.chars().any(|c| c.is_ascii_digit()),
        "{progress}"
    );
    // No ASCII digit in any text of a Nepali page, public or portal, header and
    // footer included (markup and addresses aside).
    let mut nepali = 0;
    for path in files.paths().into_iter().filter(|p| p.ends_with(".html")) {
        let html = files.page(path);
        if !html.contains(r#"<html lang="ne""#) {
            continue;
        }
        nepali += 1;
        let body = html.find("<body").map_or("", |i| &html[i..]);
        let text = strip_tags(body);
        assert!(!text.chars().any(|c| c.is_ascii_digit()), "{path}: {text}");
    }
    assert!(nepali >= 10, "{nepali} Nepali pages");
}

/// The text of `html` outside its tags.
fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        rest = &rest[lt + tag_end(&rest[lt..]) + 1..];
    }
    out.push_str(rest);
    out
}
