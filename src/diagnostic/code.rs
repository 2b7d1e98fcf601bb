//! The closed set of diagnostic codes: each with a one-line summary, an example of
//! input that triggers it and how to fix it.
//!
//! A code is the stable name tools and tests match on (`unknown-key`); the message
//! beside it may change. `docs/diagnostics.md` is generated from this table and a
//! test keeps the two equal, so a code cannot be added without its documentation.

use std::fmt;

/// Declares [`Code`] and its documentation from one table.
macro_rules! codes {
    ($(
        $(#[$attr:meta])*
        $variant:ident = $name:literal {
            summary: $summary:literal,
            example: $example:literal,
            fix: $fix:literal $(,)?
        }
    ),* $(,)?) => {
        /// A kind of problem gangway reports. The list is closed: every diagnostic
        /// carries one of these, and each is documented in `docs/diagnostics.md`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Code {
            $($(#[$attr])* #[doc = $summary] $variant,)*
        }

        impl Code {
            /// Every code, in the order of the table (alphabetical by name).
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The stable name printed in reports (`unknown-key`).
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            /// One line saying what the problem is.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => $summary,)* }
            }

            /// Input that triggers it, with the file it is in.
            pub fn example(self) -> &'static str {
                match self { $(Code::$variant => $example,)* }
            }

            /// How to fix it.
            pub fn fix(self) -> &'static str {
                match self { $(Code::$variant => $fix,)* }
            }
        }
    };
}

codes! {
    AbsoluteLink = "absolute-link" {
        summary: "A Markdown link starts with `/` and is no page's address (a file, or a page outside the knowledge base), so it breaks when the site is not published at the root of its host; an absolute address of a page, `/kb/setup/`, is resolved like a relative link instead.",
        example: "content/billing.md:\n[Price list](/files/prices.pdf)",
        fix: "Link to the file by its relative path (`[Invoices](invoices.md)`); gangway turns it into the page's address.",
    },
    BrokenAnchor = "broken-anchor" {
        summary: "A link names a `#anchor` that no heading of the target page has.",
        example: "content/setup.md:\n[see below](#instal)",
        fix: "Use the anchor of an existing heading (the help line suggests the closest one), or add `{#id}` to the heading.",
    },
    BrokenLink = "broken-link" {
        summary: "A link or image points to a file that does not exist, or leaves `content/`.",
        example: "content/setup.md:\n[Billing](biling.md)",
        fix: "Correct the path (relative to the linking file), or create the page; link to files inside `content/` only.",
    },
    ChecksSkipped = "checks-skipped" {
        summary: "gangway.toml cannot be read, so the checks that depend on it (the site's languages, calendar and addresses) are not run: fix the errors reported in gangway.toml first.",
        example: "gangway.toml:\nlanguages = \"en\"",
        fix: "Fix the errors in gangway.toml; the next run checks the rest of the site.",
    },
    ConditionError = "condition-error" {
        summary: "A `when:` condition failed while it was evaluated for a customer (an unknown value, a wrong type).",
        example: "playbooks/saas.yaml:\n    when: customer.vars.plan.tier == \"enterprise\"   # `plan` is text for this customer",
        fix: "Use only values every customer of the playbook has, or guard the condition (`customer.vars.plan is defined and …`).",
    },
    ConditionSyntax = "condition-syntax" {
        summary: "A `when:` condition is not a valid expression.",
        example: "playbooks/saas.yaml:\n    when: customer.vars.plan ==",
        fix: "Write a complete Jinja expression, such as `customer.vars.plan == \"enterprise\"`.",
    },
    ContactRole = "contact-role" {
        summary: "A playbook's contact role is missing, unknown, or on the customer side.",
        example: "playbooks/saas.yaml:\nroles:\n  csm:\n    title: Customer success manager\n    side: customer\n    contact: true",
        fix: "Mark exactly one vendor-side role with `contact: true`; every customer names that person.",
    },
    DateBeforeKickoff = "date-before-kickoff" {
        summary: "A customer's task is marked done on a date before the onboarding's kickoff.",
        example: "customers/acme.yaml:\nkickoff: 2026-12-01\nprogress:\n  gather-info: { status: done, on: 2026-11-20 }",
        fix: "Check the date in `on:`, or move `kickoff:` earlier if the work really started before it.",
    },
    DependencyCycle = "dependency-cycle" {
        summary: "Tasks wait for each other in a circle (through `after:`), so none of them can start.",
        example: "playbooks/saas.yaml:\n  - id: a\n    after: [b]\n  - id: b\n    after: [a]",
        fix: "Remove one of the `after:` entries named in the message to break the circle.",
    },
    DigestWithoutEmail = "digest-without-email" {
        summary: "`gangway digest` has something to tell the holder of a role, but the customer file gives nobody with a usable e-mail address for it; the digest is written to a file named after the customer and role instead.",
        example: "customers/acme.yaml:\nteam:\n  admin: { name: Ada Admin }",
        fix: "Give the person holding the role an `email:` in the customer's `team:` (or pass the file on by hand).",
    },
    DueBeforeDependency = "due-before-dependency" {
        summary: "A task's fixed due date falls before a task it waits for can be finished.",
        example: "playbooks/saas.yaml:\n  - id: go-live\n    due: 5d\n    after: [integration]   # integration takes 10 days",
        fix: "Move the due date later, shorten the earlier tasks, or drop the `after:` if it does not really wait.",
    },
    DuplicateId = "duplicate-id" {
        summary: "An id (task, milestone, phase, extra task) is used twice where ids must be unique.",
        example: "playbooks/saas.yaml:\n  - id: kickoff\n  - id: kickoff",
        fix: "Rename one of them; ids must be unique within a playbook, including inherited ones.",
    },
    DuplicateKey = "duplicate-key" {
        summary: "A key appears twice in the same YAML mapping.",
        example: "customers/acme.yaml:\nname: Acme\nname: Acme Ltd",
        fix: "Keep one of them.",
    },
    DuplicatePage = "duplicate-page" {
        summary: "Two content files give the same page in the same language.",
        example: "content/setup.md and content/setup.en.md, on a site whose default language is `en`",
        fix: "Delete or rename one of the two files.",
    },
    ExtendsCycle = "extends-cycle" {
        summary: "Playbooks extend each other in a circle.",
        example: "playbooks/a.yaml: `extends: b`, and playbooks/b.yaml: `extends: a`",
        fix: "Remove one `extends:` so the chain ends in a playbook that extends nothing.",
    },
    ForecastTooFar = "forecast-too-far" {
        summary: "A customer's task or milestone is expected to finish more than ten years after the kickoff, given the work that is late.",
        example: "playbooks/saas.yaml:\n  - id: migrate\n    duration: 600w",
        fix: "Check the named task's `duration:` and `due:` and the customer's `kickoff:` (and `--today`); mark finished work done.",
    },
    GitHistory = "git-history" {
        summary: "`[content] last_updated = \"git\"` asks for dates from the site's git history, and it could not be read whole: git is missing, the site is in no repository, or the repository is a shallow clone. The build goes on; articles show their front matter's dates (or, in a shallow clone, the oldest commit's day for files changed before it).",
        example: "gangway.toml:\n[content]\nlast_updated = \"git\"\n(built from a copy of the site without its .git folder)",
        fix: "Build from a clone with its whole history (`git fetch --unshallow`; in GitHub Actions, `fetch-depth: 0` on actions/checkout), or remove `last_updated` to use front matter dates.",
    },
    IdMismatch = "id-mismatch" {
        summary: "A playbook's `id:` differs from its file name.",
        example: "playbooks/saas.yaml:\nid: saas-onboarding",
        fix: "Make the id and the file name the same (or leave `id:` out: the file name is the id).",
    },
    IgnoredFile = "ignored-file" {
        summary: "A file sits where gangway does not read it, so it is not published.",
        example: "content/faq/billing/refunds.md (FAQ entries live directly in content/faq/)",
        fix: "Move the file to where the message says it belongs, or delete it.",
    },
    IngestEdit = "ingest-edit" {
        summary: "`gangway ingest` could not edit a file so that the build reads back what it meant to write; the file is left as it is.",
        example: "customers/acme.yaml:\nprogress: { gather-info: { status: done } }",
        fix: "Write `progress:` (or `ratings:`, `votes:`) as a block, one entry a line, or apply the submission by hand.",
    },
    InvalidDate = "invalid-date" {
        summary: "A date is not a real calendar date in `YYYY-MM-DD` form.",
        example: "gangway.toml:\nholidays = [\"2026-02-30\"]",
        fix: "Write a real date as `YYYY-MM-DD`.",
    },
    InvalidFileName = "invalid-file-name" {
        summary: "A content file's name has characters that cannot stand in a web address (spaces, `?`, `#`, `%`, …).",
        example: "content/getting started.md",
        fix: "Rename the file using letters, digits, `-` and `_` (`getting-started.md`).",
    },
    InvalidId = "invalid-id" {
        summary: "An id (a file name, task, phase or role) is not lower-case letters, digits and hyphens.",
        example: "playbooks/saas.yaml:\n  - id: Kick Off",
        fix: "Use lower-case kebab-case, such as `kick-off`.",
    },
    InvalidLanguage = "invalid-language" {
        summary: "A language tag is not valid, or names a language the site does not publish.",
        example: "content/setup.fr.md, on a site whose gangway.toml lists `languages = [\"en\", \"ms\"]`",
        fix: "Use a BCP 47 tag listed in gangway.toml's `languages` (the help line suggests the closest one), or add the language there.",
    },
    InvalidOffset = "invalid-offset" {
        summary: "A duration or offset is not in the `3d`, `2bd`, `1w` form.",
        example: "playbooks/saas.yaml:\n        duration: 3 days",
        fix: "Write a number followed by `d` (days), `bd` (business days) or `w` (weeks): `3bd`.",
    },
    InvalidTimezone = "invalid-timezone" {
        summary: "A customer's `timezone:` is not a known IANA time zone.",
        example: "customers/acme.yaml:\ntimezone: Kuala Lumpur",
        fix: "Use an IANA name such as `Asia/Kuala_Lumpur`.",
    },
    InvalidUrl = "invalid-url" {
        summary: "A link in a playbook or customer file is not an absolute address.",
        example: "playbooks/saas.yaml:\n    links:\n      - { title: Status, url: status.example.com }",
        fix: "Start the address with `https://`, `http://`, `mailto:` or `tel:`.",
    },
    InvalidValue = "invalid-value" {
        summary: "A setting or key has a value outside the ones it accepts.",
        example: "gangway.toml:\nbase_url = \"example.com\"",
        fix: "Use one of the values the message or help line lists.",
    },
    LinkToDraft = "link-to-draft" {
        summary: "Published content links to a draft, which is not published, so the link would be broken.",
        example: "content/setup.md:\n[Pricing](pricing.md)   # pricing.md has `draft: true`",
        fix: "Publish the draft (remove `draft: true`), or remove the link until it is.",
    },
    MilestoneUnplaced = "milestone-unplaced" {
        summary: "A milestone has neither `after:` nor `due:`, so it falls on the kickoff day.",
        example: "playbooks/saas.yaml:\n  milestones:\n    - id: go-live\n      title: Go live",
        fix: "Say which tasks it waits for (`after: [...]`) or when it is due (`due: 20bd`).",
    },
    MissingContact = "missing-contact" {
        summary: "A customer does not name the person for the playbook's contact role.",
        example: "customers/acme.yaml: no `team:` entry for the role marked `contact: true`",
        fix: "Add the person under `team:`; every customer needs one single point of contact.",
    },
    MissingFrontMatter = "missing-front-matter" {
        summary: "A content page does not start with front matter (`---`, then at least `title:`).",
        example: "content/setup.md:\n# Setting up",
        fix: "Start the file with `---`, a `title:` line and `---`.",
    },
    MissingKey = "missing-key" {
        summary: "A required key is missing.",
        example: "customers/acme.yaml: no `playbook:` line",
        fix: "Add the key the message names.",
    },
    MissingPassphrase = "missing-passphrase" {
        summary: "A portal is to be encrypted, but the environment variable holding its passphrase is not set.",
        example: "customers/acme.yaml:\nencrypt:\n  passphrase_env: ACME_PASSPHRASE   # not set when building",
        fix: "Set the variable in the environment of the build (a CI secret), or remove `encrypt:`.",
    },
    MissingUiStrings = "missing-ui-strings" {
        summary: "The theme has no interface text for one of the site's languages, so its pages show English buttons and headings.",
        example: "themes/house/strings/ has no ms.toml, on a site that publishes `ms`",
        fix: "Add `themes/<theme>/strings/<lang>.toml` with the translated strings.",
    },
    NotASite = "not-a-site" {
        summary: "The folder given has no gangway.toml.",
        example: "gangway build --root docs/   # docs/ has no gangway.toml",
        fix: "Run in a site's folder, pass `--root DIR`, or create a site with `gangway init DIR`.",
    },
    NotUtf8 = "not-utf8" {
        summary: "A text file is not valid UTF-8.",
        example: "content/setup.md saved as Windows-1252",
        fix: "Save the file as UTF-8.",
    },
    OutdatedTranslation = "outdated-translation" {
        summary: "A translation was made from an older version of its original, or does not say which version.",
        example: "content/setup.ms.md:\ntranslation_of: 3f2a…   # the English page changed since",
        fix: "Update the translation, then record the original's current hash: `gangway translations stamp PATH` (or set `translation_of:` to the hash the help line gives). `gangway translations status` shows what changed in the original; an edit that needs no re-translation is accepted with `gangway translations accept ORIGINAL`.",
    },
    OutputCollision = "output-collision" {
        summary: "Two outputs would be written at one address, or a file where a folder is needed.",
        example: "content/sitemap.xml/index.md beside the generated sitemap.xml, or static/index.html beside the home page",
        fix: "Rename the content or static file; every address is published once.",
    },
    RawHtmlRemoved = "raw-html-removed" {
        summary: "Part of the raw HTML in a Markdown page is removed when it is published (a script, an event handler, a style).",
        example: "content/setup.md:\n<button onclick=\"go()\">Start</button>",
        fix: "Use Markdown or allowed HTML, or set `[markdown] raw_html = \"trusted\"` if every author is trusted.",
    },
    RemoveWithoutExtends = "remove-without-extends" {
        summary: "A playbook uses `remove:` but extends no other playbook.",
        example: "playbooks/saas.yaml:\nremove: [legacy-import]",
        fix: "Delete the tasks themselves, or add `extends:`.",
    },
    Shortcode = "shortcode" {
        summary: "A Hugo or Zola shortcode (`{{< … >}}`, `{{% … %}}`) or a Jekyll or Liquid tag (`{% … %}`) is left in a Markdown page: gangway does not run them and would publish the text as it is.",
        example: "content/kb/setup.md:\n{{< figure src=\"setup.png\" alt=\"The setup screen\" >}}",
        fix: "Write it as Markdown: an image `![The setup screen](setup.png)`, a link to the Markdown file `[Setup](setup.md)` for `ref`/`relref`, a blockquote for a note; or, to show the text itself, put it in a code span or block.",
    },
    SlugCollision = "slug-collision" {
        summary: "Two content files would be published at the same address.",
        example: "content/Setup.md and content/setup.md",
        fix: "Rename one of the files.",
    },
    StaleFeedback = "stale-feedback" {
        summary: "A record under feedback/ names a customer, milestone or page the site no longer has; it is kept but not shown.",
        example: "feedback/acme.yaml:\nratings:\n  - { milestone: go-liv, rating: 5, on: 2026-12-03 }",
        fix: "Leave it (the history stays in git), or remove the record.",
    },
    SubmissionDate = "submission-date" {
        summary: "A submission's day is missing, unreadable, in the future, before its form was published, or more than `[actions] valid_days` after it (expired).",
        example: "submissions.jsonl:\n{\"action\": \"done\", \"issued\": \"2026-01-02\", \"submitted_at\": \"2026-12-03T10:00:00Z\", ...}",
        fix: "Export the form service's time stamp (or name its field with `--date-field`); an expired form is sent again from the portal as it is now.",
    },
    SubmissionInvalid = "submission-invalid" {
        summary: "A submission lacks a field its action needs or holds a value it cannot: no action, a rating not 1 to 5, stuck without a note, approve without a name.",
        example: "submissions.csv:\naction,customer,task,issued,sig,submitted_at\nstuck,acme,sso,2026-12-01,9f…,2026-12-03   (no note)",
        fix: "Check that the form service keeps every field of the portal's form.",
    },
    SubmissionNotAllowed = "submission-not-allowed" {
        summary: "A submission asks for what its task or milestone does not allow: a task the customer does not do, an action the task is not finished by, or a rating of a milestone not reached.",
        example: "submissions.jsonl:\n{\"action\": \"done\", \"customer\": \"acme\", \"task\": \"sales-handover\", ...}   (a vendor task)",
        fix: "Nothing to do: the portal never offers it. Apply it by hand if the client is right.",
    },
    SubmissionSignature = "submission-signature" {
        summary: "A task action or rating is not signed, or its signature does not match: it was altered, forged, made for another customer, or signed with another portal secret.",
        example: "submissions.jsonl:\n{\"action\": \"done\", \"customer\": \"acme\", \"task\": \"sso\", \"issued\": \"2026-12-01\", \"sig\": \"00ff…\"}",
        fix: "Nothing of it is applied. If the portal secret changed, ask the client to send it again from the portal as it is now.",
    },
    SubmissionStale = "submission-stale" {
        summary: "A client's action on a task the vendor has since closed (done or skipped, not reported by the client): the vendor's entry wins.",
        example: "customers/acme.yaml:\nprogress:\n  sso: { status: done, on: 2026-12-04 }\nsubmissions.jsonl:\n{\"action\": \"stuck\", \"customer\": \"acme\", \"task\": \"sso\", ...}",
        fix: "Nothing to do; if the client is right, edit the task's entry by hand.",
    },
    SubmissionUnknown = "submission-unknown" {
        summary: "A submission names a customer, task, milestone, page or language the site does not have.",
        example: "submissions.jsonl:\n{\"action\": \"done\", \"customer\": \"acme\", \"task\": \"old-task\", ...}",
        fix: "The playbook or customer changed since the form was published: apply it by hand if it still matters.",
    },
    SubmissionUnreadable = "submission-unreadable" {
        summary: "An export of submissions, or one submission in it, cannot be read: not UTF-8, not JSON, or CSV with a quote left open.",
        example: "submissions.json:\n[{\"action\": \"done\", ",
        fix: "Export the form's submissions again as a JSON array, JSON Lines or CSV with a header row.",
    },
    TemplateError = "template-error" {
        summary: "A template or templated text failed while it was rendered (an undefined value, a wrong type).",
        example: "playbooks/saas.yaml:\n    title: Welcome {{ customer.nmae }}",
        fix: "Use values that exist (the help line suggests the closest name), or guard them with `is defined`.",
    },
    TemplateInCustomerText = "template-in-customer-text" {
        summary: "Text in a customer file holds `{{ … }}`, which is shown as written: customer text is never a template.",
        example: "customers/acme.yaml:\nextra_tasks:\n  - title: Call {{ customer.name }}",
        fix: "Write the value itself (`Call Acme`).",
    },
    TemplateSyntax = "template-syntax" {
        summary: "A templated text is not valid Jinja.",
        example: "playbooks/saas.yaml:\n    title: Welcome {{ customer.name",
        fix: "Close every `{{` and `{%`, and check the expression.",
    },
    TomlSyntax = "toml-syntax" {
        summary: "A TOML file (gangway.toml or a theme's strings) is not valid TOML.",
        example: "gangway.toml:\ntitle = Acme Help",
        fix: "Correct the line the message points at (here: quote the text, `title = \"Acme Help\"`).",
    },
    TranslationWithoutOriginal = "translation-without-original" {
        summary: "A translated page has no original in the site's default language.",
        example: "content/setup.ms.md with no content/setup.md",
        fix: "Add the original, or rename the file if it is the original.",
    },
    UnknownArticle = "unknown-article" {
        summary: "A task's `guides:` names a knowledge-base article that does not exist.",
        example: "playbooks/saas.yaml:\n    guides: [instal]",
        fix: "Use the article's path under content/ without `.md` (the help line suggests the closest).",
    },
    UnknownFaq = "unknown-faq" {
        summary: "A task's `faq:` names an FAQ entry that does not exist.",
        example: "playbooks/saas.yaml:\n    faq: [refund]",
        fix: "Use the entry's file name in content/faq/ without `.md`.",
    },
    UnknownKey = "unknown-key" {
        summary: "A key the file does not know, usually a misspelling.",
        example: "customers/acme.yaml:\nplaybok: saas",
        fix: "Correct the key (the help line suggests the closest known key) or remove it.",
    },
    UnknownPhase = "unknown-phase" {
        summary: "An extra task names a phase its playbook does not have.",
        example: "customers/acme.yaml:\nextra_tasks:\n  - id: sso\n    title: Single sign-on\n    owner: csm\n    phase: setp",
        fix: "Use one of the playbook's phase ids.",
    },
    UnknownPlaybook = "unknown-playbook" {
        summary: "A customer or an `extends:` names a playbook that does not exist.",
        example: "customers/acme.yaml:\nplaybook: sass",
        fix: "Use the playbook's file name in playbooks/ without `.yaml`.",
    },
    UnknownRole = "unknown-role" {
        summary: "A task's `owner:` or a customer's `team:` names a role the playbook does not define.",
        example: "playbooks/saas.yaml:\n    owner: engneer",
        fix: "Use one of the playbook's roles, or add the role under `roles:`.",
    },
    UnknownTask = "unknown-task" {
        summary: "`after:`, `remove:`, `remove_tasks:` or `progress:` names a task that does not exist.",
        example: "playbooks/saas.yaml:\n    after: [kickof]",
        fix: "Use the id of a task or milestone of the playbook (the help line suggests the closest).",
    },
    UnknownTheme = "unknown-theme" {
        summary: "gangway.toml names a theme with no folder in themes/.",
        example: "gangway.toml:\ntheme = \"house\"   # no themes/house/",
        fix: "Create `themes/<name>/`, correct the name, or remove `theme` to use the built-in one.",
    },
    UnknownTranslationKey = "unknown-translation-key" {
        summary: "A playbook translation file translates a task, phase, role or milestone the playbook does not have.",
        example: "playbooks/saas.ms.yaml:\ntasks:\n  kickof: { title: Mula }",
        fix: "Use the ids of the playbook itself.",
    },
    UnreadableFile = "unreadable-file" {
        summary: "A file or folder of the site cannot be read (permissions, a broken link).",
        example: "content/setup.md with mode 000",
        fix: "Make the file readable, or remove it.",
    },
    UnsafeHeadingAttribute = "unsafe-heading-attribute" {
        summary: "A heading attribute other than `{#id}` and plain classes is not published.",
        example: "content/setup.md:\n## Install {#install onclick=go()}",
        fix: "Keep `{#id}` and `{.class}` on headings.",
    },
    UnsafeUrl = "unsafe-url" {
        summary: "A link uses a scheme gangway never publishes (`javascript:`, `data:`, …).",
        example: "content/setup.md:\n[Start](javascript:go())",
        fix: "Use an http, https, mailto, tel or relative address.",
    },
    WeakPassphrase = "weak-passphrase" {
        summary: "A portal's encryption passphrase is too short or too simple to protect it.",
        example: "ACME_PASSPHRASE=acme",
        fix: "Use a long random passphrase (the message says how long).",
    },
    WrongType = "wrong-type" {
        summary: "A value has the wrong type (text where a list is expected, say).",
        example: "customers/acme.yaml:\nlanguages: en",
        fix: "Write the value in the type the message expects (`languages: [en]`).",
    },
    YamlSyntax = "yaml-syntax" {
        summary: "A YAML file (a playbook, a customer, front matter) is not valid YAML.",
        example: "customers/acme.yaml:\nname: \"Acme",
        fix: "Correct the line the message points at: close quotes, align indentation, use spaces rather than tabs.",
    },
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

/// `docs/diagnostics.md`: every code with its summary, example and fix.
pub fn reference_markdown() -> String {
    let mut out = String::from(
        "# Diagnostics\n\n\
         Every problem gangway reports has a stable code, printed in brackets \
         (`error[unknown-key]`) and in the `code` field of `--format json`. Tools and \
         scripts may match on the code; the wording of a message may change.\n\n\
         This page is generated from the list in `src/diagnostic/code.rs`; a test keeps \
         them equal (`GANGWAY_BLESS=1 cargo test --lib diagnostic` rewrites it).\n\n",
    );
    for code in Code::ALL {
        out.push_str(&format!("- [`{code}`](#{code})\n"));
    }
    for code in Code::ALL {
        out.push_str(&format!(
            "\n## {code}\n\n{}\n\nFor example:\n\n```text\n{}\n```\n\nFix: {}\n",
            code.summary(),
            code.example(),
            code.fix()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_sorted_and_kebab_case() {
        let names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(
            names, sorted,
            "codes must be unique and in alphabetical order"
        );
        for name in names {
            assert!(
                name.split('-').all(|w| !w.is_empty()
                    && w.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())),
                "{name} is not kebab-case"
            );
        }
    }

    #[test]
    fn every_code_is_documented() {
        for code in Code::ALL {
            assert!(
                code.summary().ends_with('.'),
                "{code}: the summary is one sentence"
            );
            assert!(!code.example().is_empty(), "{code} has no example");
            assert!(!code.fix().is_empty(), "{code} says no fix");
        }
    }

    #[test]
    fn docs_diagnostics_md_is_generated_from_the_table() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/diagnostics.md");
        let expected = reference_markdown();
        if std::env::var_os("GANGWAY_BLESS").is_some() {
            std::fs::write(path, &expected).expect("write docs/diagnostics.md");
            return;
        }
        let actual = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            actual == expected,
            "docs/diagnostics.md is out of date: run `GANGWAY_BLESS=1 cargo test --lib diagnostic`"
        );
    }

    #[test]
    fn every_code_is_reported_somewhere_in_the_source() {
        let mut source = String::new();
        let src = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut dirs = vec![std::path::PathBuf::from(src)];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).expect("src").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs")
                    && !path.ends_with("diagnostic/code.rs")
                {
                    source.push_str(&std::fs::read_to_string(&path).expect("read"));
                }
            }
        }
        for code in Code::ALL {
            let variant = format!("{code:?}");
            assert!(
                source.contains(&format!("Code::{variant}")),
                "`{code}` is in the registry but nothing reports it"
            );
        }
    }
}
