//! `gangway.toml`: site settings, parsed and validated into [`Config`].

use std::sync::Arc;

use jiff::civil::Weekday;
use serde::Deserialize;

use crate::calendar::{WorkCalendar, parse_date, parse_weekday};
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Label, SourceFile};
use crate::lang::Lang;
use crate::offset::{OFFSET_HELP, Offset};

/// Validated site settings.
#[derive(Clone, Debug)]
pub struct Config {
    /// The site's title.
    pub title: String,
    /// The public address the site is published at, without a trailing `/`.
    pub base_url: String,
    /// A sentence about the site.
    pub description: String,
    /// The language of pages that do not say otherwise.
    pub default_language: Lang,
    /// Every language the site is published in; the default comes first.
    pub languages: Vec<Lang>,
    /// The theme folder under `themes/`, if any.
    pub theme: Option<String>,
    /// The vendor running the onboarding.
    pub vendor: Vendor,
    /// The business-day calendar customers use unless they override it.
    pub calendar: WorkCalendar,
    /// Where the feedback link of portals goes, if not to the contact.
    pub feedback_url: Option<String>,
    /// The title and description in other languages: `[translations.ms]`.
    pub translations: std::collections::BTreeMap<Lang, (Option<String>, Option<String>)>,
    /// Which languages customer portals are published in unless a customer says.
    pub portal_languages: PortalLanguages,
    /// What becomes of HTML written in Markdown: `[markdown] raw_html`.
    pub raw_html: crate::raw_html::RawHtml,
    /// The Content-Security-Policy of every page, with `[security.csp]` added.
    pub csp: crate::csp::Csp,
    /// `[forecast] late_after_days`: a milestone (or the whole onboarding) expected
    /// more working days than this after its planned date is late; fewer, at risk.
    pub late_after_days: u32,
    /// `[reminders] before`: how long before a customer-side task's due date its
    /// calendar event reminds; `None` when reminders are off (`before = "none"`).
    pub reminders: Option<Offset>,
    /// `[dashboard]`: the vendor's page across all customers.
    pub dashboard: DashboardSettings,
    /// `[digest]`: how `gangway digest` writes its messages.
    pub digest: DigestSettings,
    /// `[actions]`: where the portal's task actions and ratings are sent.
    pub actions: ActionSettings,
    /// `[search]`: the public search index and the portals' own.
    pub search: SearchSettings,
    /// `[content] edit_url`: where "Edit this page" on an article leads, with
    /// `{path}` standing for the article's file path from the site root.
    pub edit_url: Option<String>,
    /// `[content] last_updated`: where an article's "Last updated" day comes from.
    pub last_updated: LastUpdated,
}

/// `[content] last_updated` in `gangway.toml`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum LastUpdated {
    /// `"front_matter"` (the default): `lastmod`, else `updated`, else `date`.
    #[default]
    FrontMatter,
    /// `"git"`: `lastmod` or `updated` when written, else the day of the last
    /// commit that changed the file, else `date`. Holds where the setting is
    /// written in `gangway.toml`, for the warnings about the history.
    Git(std::ops::Range<usize>),
}

/// `[search]` in `gangway.toml`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SearchSettings {
    /// `enabled`: the public pages' search index (`search/<lang>/`), the search
    /// box in their header and the A–Z page of each language.
    pub enabled: bool,
    /// `portal`: each portal's own index of the FAQ entries and guides it shows,
    /// with a search box in the portal's header.
    pub portal: bool,
}

impl Default for SearchSettings {
    fn default() -> Self {
        SearchSettings {
            enabled: true,
            portal: true,
        }
    }
}

/// `[actions]` in `gangway.toml`.
#[derive(Clone, Debug)]
pub struct ActionSettings {
    /// `endpoint`: the form service the portal's forms post to; `None` makes
    /// them `mailto:` links to the customer's contact.
    pub endpoint: Option<String>,
    /// `confirm`: a task the client reports done is shown "awaiting
    /// confirmation" until the vendor removes `reported: true`.
    pub confirm: bool,
    /// `valid_days`: how many days after its publication a form's signature is
    /// accepted by `gangway ingest`.
    pub valid_days: u32,
}

/// How long a published form is accepted unless `[actions] valid_days` says.
pub const DEFAULT_VALID_DAYS: u32 = 90;

impl Default for ActionSettings {
    fn default() -> Self {
        ActionSettings {
            endpoint: None,
            confirm: false,
            valid_days: DEFAULT_VALID_DAYS,
        }
    }
}

/// `[dashboard]` in `gangway.toml`.
#[derive(Clone, Debug, Default)]
pub struct DashboardSettings {
    /// `enabled`: `None` when not said (written when the site has customers).
    pub enabled: Option<bool>,
    /// `rotation`: bump it to move the dashboard to a new address.
    pub rotation: u32,
    /// `encrypt = { passphrase_env = "..." }`: the variable's name and where it
    /// is written in `gangway.toml` (resolve reads the environment).
    pub passphrase_env: Option<(String, std::ops::Range<usize>)>,
}

/// `[digest]` in `gangway.toml`.
#[derive(Clone, Debug, Default)]
pub struct DigestSettings {
    /// `from`: the sender of the e-mail files (`"Name <address>"` or an address);
    /// `None` uses `[vendor] support_email`.
    pub from: Option<Mailbox>,
    /// `within_days`: tasks due within this many working days are "due soon".
    pub within_days: Option<u32>,
}

/// An e-mail address with an optional display name, checked to be one address
/// that can stand in a header as it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mailbox {
    /// The display name, or empty.
    pub name: String,
    /// `local@domain`.
    pub address: String,
}

impl Mailbox {
    /// Reads `Name <local@domain>` or `local@domain`; `None` unless it is one
    /// plain address (no spaces, quotes, brackets, commas or control characters,
    /// one `@` between a local part and a domain with a dot) and the name has no
    /// control characters or angle brackets.
    pub fn parse(text: &str) -> Option<Mailbox> {
        let text = text.trim();
        let (name, address) = match text.strip_suffix('>').and_then(|t| t.rsplit_once('<')) {
            Some((name, address)) => (name.trim().trim_matches('"').trim(), address.trim()),
            None => ("", text),
        };
        let bad_name = |c: char| c.is_control() || matches!(c, '<' | '>' | '"' | '\\');
        let bad_address =
            |c: char| c.is_whitespace() || c.is_control() || "<>()[],;:\"\\".contains(c);
        let (local, domain) = address.split_once('@')?;
        let fits = !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && !address.contains(bad_address)
            && !name.contains(bad_name);
        fits.then(|| Mailbox {
            name: name.to_string(),
            address: address.to_string(),
        })
    }
}

/// `late_after_days` when `gangway.toml` does not say: a working week.
pub const DEFAULT_LATE_AFTER_DAYS: u32 = 5;

/// `[reminders] before` when `gangway.toml` does not say: one working day.
pub const DEFAULT_REMINDER: Offset = Offset::BusinessDays(1);

/// The value of `[reminders] before` that turns reminders off.
pub const NO_REMINDERS: &str = "none";

/// `[portals] languages`: the languages a customer's portal is published in when the
/// customer file does not list them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PortalLanguages {
    /// The customer's language and the site's default language (what the vendor's
    /// staff read): a Malay customer's portal in Malay and English, not in Lao.
    #[default]
    Customer,
    /// Every language of the site.
    All,
}

impl Config {
    /// Settings to check the rest of a site against when gangway.toml has errors, so
    /// one run still reports the problems in every other file.
    pub(crate) fn fallback(languages: Vec<Lang>) -> Config {
        let default_language = languages.first().cloned().unwrap_or_else(Lang::english);
        Config {
            title: String::new(),
            base_url: String::new(),
            description: String::new(),
            default_language,
            languages,
            theme: None,
            vendor: Vendor::default(),
            calendar: WorkCalendar::default(),
            feedback_url: None,
            translations: std::collections::BTreeMap::new(),
            portal_languages: PortalLanguages::default(),
            raw_html: crate::raw_html::RawHtml::default(),
            csp: crate::csp::Csp::default(),
            late_after_days: DEFAULT_LATE_AFTER_DAYS,
            reminders: Some(DEFAULT_REMINDER),
            dashboard: DashboardSettings::default(),
            digest: DigestSettings::default(),
            actions: ActionSettings::default(),
            search: SearchSettings::default(),
            edit_url: None,
            last_updated: LastUpdated::FrontMatter,
        }
    }

    /// The site's title in `lang`.
    pub fn title_in(&self, lang: &Lang) -> &str {
        match self.translations.get(lang) {
            Some((Some(title), _)) => title,
            _ => &self.title,
        }
    }

    /// The site's description in `lang`.
    pub fn description_in(&self, lang: &Lang) -> &str {
        match self.translations.get(lang) {
            Some((_, Some(d))) => d,
            _ => &self.description,
        }
    }
}

/// The vendor, as shown in footers and portals.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Vendor {
    /// The vendor's name.
    pub name: String,
    /// An address for support questions, or empty.
    pub support_email: String,
    /// A support web site, or empty.
    pub support_url: String,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    /// The site's title.
    title: String,
    /// The public address the site is published at (http or https).
    #[schemars(with = "String")]
    base_url: toml::Spanned<String>,
    /// A sentence about the site: the home page and `<meta name="description">`.
    description: Option<String>,
    /// The language of pages that do not say otherwise (default `en`).
    #[schemars(with = "Option<String>")]
    default_language: Option<toml::Spanned<String>>,
    /// Every language the site is published in (default: the default language).
    #[schemars(with = "Option<Vec<String>>")]
    languages: Option<Vec<toml::Spanned<String>>>,
    /// A folder under `themes/` whose templates and static files override the built-in theme.
    #[schemars(with = "Option<String>")]
    theme: Option<toml::Spanned<String>>,
    /// The vendor running the onboarding, shown in footers and portals.
    vendor: Option<RawVendor>,
    /// The business-day calendar of every customer that does not override it.
    calendar: Option<RawSiteCalendar>,
    /// Where the portals' feedback link leads.
    feedback: Option<RawFeedback>,
    /// The title and description in other languages: `[translations.ms]`.
    translations: Option<std::collections::BTreeMap<String, RawSiteText>>,
    /// Customer portals.
    portals: Option<RawPortals>,
    /// Markdown.
    markdown: Option<RawMarkdown>,
    /// Security headers and policies.
    security: Option<RawSecurity>,
    /// Forecasts of late milestones.
    forecast: Option<RawForecast>,
    /// Reminders in the portal calendars.
    reminders: Option<RawReminders>,
    /// The vendor's page across all customers.
    dashboard: Option<RawDashboard>,
    /// `gangway digest`.
    digest: Option<RawDigest>,
    /// What clients send back from the portal.
    actions: Option<RawActions>,
    /// Search (docs/search.md).
    search: Option<RawSearch>,
    /// The knowledge base.
    content: Option<RawContent>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawContent {
    /// An "Edit this page" link on every article: `{path}` stands for the file's path from the site root.
    #[schemars(with = "Option<String>")]
    edit_url: Option<toml::Spanned<String>>,
    /// Where an article's "Last updated" day comes from: "front_matter" (default: `lastmod`, `updated`, else `date`) or "git" (the last commit that changed the file, unless `lastmod` or `updated` is written).
    #[schemars(with = "Option<crate::schema::LastUpdatedName>")]
    last_updated: Option<toml::Spanned<String>>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawSearch {
    /// The public pages' search index, search box and A–Z page (default true).
    enabled: Option<bool>,
    /// Each portal's own search index (default true).
    portal: Option<bool>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawActions {
    /// The form endpoint the portal's forms post to (https://, http:// or a path on the site); without it, actions are mailto: links.
    #[schemars(with = "Option<String>")]
    endpoint: Option<toml::Spanned<String>>,
    /// A task the client reports done shows "awaiting confirmation" until `reported: true` is removed (default false).
    confirm: Option<bool>,
    /// Days after a build that its forms are accepted by `gangway ingest` (default 90).
    valid_days: Option<u32>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawReminders {
    /// How long before a customer-side task's due date its calendar event reminds (an offset, default `1bd`), or `none`.
    #[schemars(with = "Option<String>")]
    before: Option<toml::Spanned<String>>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawDashboard {
    /// Whether to write the dashboard (default: when the site has customers).
    enabled: Option<bool>,
    /// Bump it to move the dashboard to a new address (default 0).
    rotation: Option<u32>,
    /// Seal the dashboard with a passphrase from the environment.
    encrypt: Option<RawEncrypt>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawEncrypt {
    /// The environment variable holding the passphrase.
    #[schemars(with = "String")]
    passphrase_env: toml::Spanned<String>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawDigest {
    /// The sender of the e-mail files: one address, optionally with a name.
    #[schemars(with = "Option<String>")]
    from: Option<toml::Spanned<String>>,
    /// Tasks due within this many working days are "due soon" (default 3).
    within_days: Option<u32>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawForecast {
    /// Working days a milestone may be expected after its plan and still be "at risk" rather than "late" (default 5).
    late_after_days: Option<u32>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawMarkdown {
    /// HTML written in Markdown: `sanitise` (default), `trusted` or `escape`.
    #[schemars(with = "Option<crate::schema::RawHtmlName>")]
    raw_html: Option<toml::Spanned<String>>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawSecurity {
    /// Sources added to directives of the Content-Security-Policy.
    #[schemars(with = "Option<std::collections::BTreeMap<String, Vec<String>>>")]
    csp: Option<std::collections::BTreeMap<toml::Spanned<String>, Vec<toml::Spanned<String>>>>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawPortals {
    /// `customer` (default): each portal in its customer's language and the default language; `all`: every language.
    #[schemars(with = "Option<crate::schema::PortalLanguagesName>")]
    languages: Option<toml::Spanned<String>>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawSiteText {
    /// The site's title in this language.
    title: Option<String>,
    /// The site's description in this language.
    description: Option<String>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawVendor {
    /// The vendor's name.
    name: Option<String>,
    /// An address for support questions.
    support_email: Option<String>,
    /// A support web site.
    #[schemars(with = "Option<String>")]
    support_url: Option<toml::Spanned<String>>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawSiteCalendar {
    /// The working days (`mon` … `sun`; default Monday to Friday).
    #[schemars(with = "Option<Vec<String>>")]
    workdays: Option<Vec<toml::Spanned<String>>>,
    /// Days off, `YYYY-MM-DD`.
    #[schemars(with = "Option<Vec<String>>")]
    holidays: Option<Vec<toml::Spanned<String>>>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawFeedback {
    /// A form the portal links to; `{{ customer.id }}`, `{{ customer.name }}` and `{{ customer.language }}` are filled in.
    #[schemars(with = "Option<String>")]
    url: Option<toml::Spanned<String>>,
}

/// The JSON Schema of `gangway.toml` (`gangway schema`), from the structs it is read into.
pub(crate) fn json_schema(generator: schemars::SchemaGenerator) -> schemars::Schema {
    generator.into_root_schema_for::<RawConfig>()
}

/// The path of the settings file in a site.
pub const CONFIG_PATH: &str = "gangway.toml";

/// `base_url` without its trailing `/`: an absolute http(s) address. Whitespace and
/// control characters would end the address in robots.txt and split it in a browser;
/// the scheme check is the allow-list's.
fn check_base_url(
    file: &Arc<SourceFile>,
    value: &toml::Spanned<String>,
    diagnostics: &mut Diagnostics,
    ok: &mut bool,
) -> String {
    let base_url = value.get_ref().trim_end_matches('/').to_string();
    if !(base_url.starts_with("https://") || base_url.starts_with("http://"))
        || base_url
            .bytes()
            .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
        || !crate::url::is_allowed(&base_url)
    {
        let span = value.span();
        diagnostics.push(
            Diagnostic::error(
                Code::InvalidValue,
                "base_url must be an absolute http(s) address",
            )
            .at(Label::new(file, span.start, span.end))
            .help("for example base_url = \"https://onboarding.example.com\""),
        );
        *ok = false;
        // Nothing is written with errors; pages are still made (and checked) with this.
        return "https://example.invalid".to_string();
    }
    base_url
}

/// A URL setting that passes the scheme allow-list; a refused one is a located error.
fn checked_url(
    file: &Arc<SourceFile>,
    url: Option<toml::Spanned<String>>,
    diagnostics: &mut Diagnostics,
    ok: &mut bool,
) -> Option<String> {
    let url = url?;
    match crate::url::check(url.get_ref()) {
        Ok(()) => Some(url.into_inner()),
        Err(refused) => {
            let span = url.span();
            diagnostics.push(
                Diagnostic::error(Code::UnsafeUrl, refused.message(url.get_ref()))
                    .at(Label::new(file, span.start, span.end))
                    .help(format!("use {}", crate::url::ALLOWED_TEXT)),
            );
            *ok = false;
            None
        }
    }
}

/// The customer values a URL template (`[feedback] url`) may hold in `{{ … }}`.
pub(crate) const URL_PLACEHOLDERS: [&str; 3] =
    ["customer.id", "customer.name", "customer.language"];

/// Whether the `{{ … }}` in `url` are all closed and name [`URL_PLACEHOLDERS`];
/// a located error for the first that does not.
fn check_url_template(
    file: &Arc<SourceFile>,
    url: &toml::Spanned<String>,
    diagnostics: &mut Diagnostics,
    ok: &mut bool,
) -> bool {
    let text = url.get_ref();
    // The value's text starts after its opening quote (escapes aside).
    let start = url.span().start + 1;
    let at = |offset: usize, len: usize| {
        let from = (start + offset).min(url.span().end);
        Label::new(file, from, (from + len).min(url.span().end))
    };
    let problem = match crate::url::template_parts(text) {
        Err(offset) => Some(
            Diagnostic::error(Code::InvalidValue, "`{{` is not closed by `}}`")
                .at(at(offset, 2))
                .help("write a placeholder as {{ customer.id }}"),
        ),
        Ok(parts) => parts
            .into_iter()
            .find(|(placeholder, name, _)| *placeholder && !URL_PLACEHOLDERS.contains(name))
            .map(|(_, name, offset)| {
                Diagnostic::error(
                    Code::InvalidValue,
                    format!("`{{{{ {name} }}}}` is not a value a URL can hold"),
                )
                .at(at(offset, name.len() + 4))
                .suggest(name, URL_PLACEHOLDERS)
                .help(format!("use {}", URL_PLACEHOLDERS.join(", ")))
            }),
    };
    match problem {
        Some(d) => {
            diagnostics.push(d);
            *ok = false;
            false
        }
        None => true,
    }
}

/// `[markdown] raw_html`: one of its choices, else a located error and the default.
fn parse_raw_html(
    file: &Arc<SourceFile>,
    value: Option<toml::Spanned<String>>,
    diagnostics: &mut Diagnostics,
    ok: &mut bool,
) -> crate::raw_html::RawHtml {
    let Some(v) = value else {
        return crate::raw_html::RawHtml::default();
    };
    crate::raw_html::RawHtml::parse(v.get_ref()).unwrap_or_else(|| {
        let span = v.span();
        diagnostics.push(
            Diagnostic::error(
                Code::InvalidValue,
                format!("`{}` is not a choice for raw HTML in Markdown", v.get_ref()),
            )
            .at(Label::new(file, span.start, span.end))
            .help(format!(
                "use {} (see docs/security.md)",
                crate::raw_html::RawHtml::CHOICES
            )),
        );
        *ok = false;
        crate::raw_html::RawHtml::default()
    })
}

/// A TOML file that could not be read into its settings: a syntax error when the
/// text is not TOML at all (`toml-syntax`), else the shape problem the parser found
/// (an unknown or missing key, a value of the wrong type).
pub(crate) fn toml_diagnostic(file: &Arc<SourceFile>, err: &toml::de::Error) -> Diagnostic {
    let span = err.span().unwrap_or(0..0);
    let message = err.message().trim().to_string();
    let label = Label::new(file, span.start, span.end);
    if toml::from_str::<toml::Table>(&file.text).is_err() {
        return Diagnostic::error(Code::TomlSyntax, message).at(label);
    }
    let (code, message, help) = crate::yaml::classify_message(&message);
    let code = if code == Code::YamlSyntax {
        Code::WrongType
    } else {
        code
    };
    let d = Diagnostic::error(code, message).at(label);
    match help {
        Some(help) => d.help(help),
        None => d,
    }
}

/// The settings of `file` without the keys whose problem serde reported (`first`,
/// then each next one): each such key's line (a whole table for a table of unknown
/// name) is blanked and the text read again. Returns the problems after the first,
/// and the settings when the mended text reads (`None` when a problem cannot be
/// mended: a missing key, a value over several lines).
fn mend_settings(
    file: &Arc<SourceFile>,
    first: &toml::de::Error,
) -> (Vec<Diagnostic>, Option<RawConfig>) {
    let mut text = file.text.clone();
    let mut err = first.clone();
    let mut found = Vec::new();
    while found.len() < 50 {
        let Some(span) = err.span() else {
            break;
        };
        if err.message().starts_with("missing field") {
            break;
        }
        let start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
        let is_table = text[start..span.start].trim_start().starts_with('[');
        let mut end = text[span.start..]
            .find('\n')
            .map_or(text.len(), |i| span.start + i);
        while is_table && end < text.len() && !text[end + 1..].trim_start().starts_with('[') {
            end = text[end + 1..]
                .find('\n')
                .map_or(text.len(), |i| end + 1 + i);
        }
        let blank: String = text[start..end]
            .bytes()
            .map(|b| if b == b'\n' { '\n' } else { ' ' })
            .collect();
        text.replace_range(start..end, &blank);
        match toml::from_str::<RawConfig>(&text) {
            Ok(raw) => return (found, Some(raw)),
            Err(next) => {
                let syntax = toml::from_str::<toml::Table>(&text).is_err();
                if syntax || next.span() == err.span() {
                    break;
                }
                found.push(toml_diagnostic(file, &next));
                err = next;
            }
        }
    }
    (found, None)
}

/// Parses and validates `gangway.toml`, one setting (or group) at a time. A
/// setting with a bad value is reported and replaced by its default, so the rest
/// of the site is checked against the others with no errors that follow from it;
/// `None` when the file cannot be read as settings, or its languages cannot.
pub fn parse_config(file: &Arc<SourceFile>, diagnostics: &mut Diagnostics) -> Option<Config> {
    let mut raw: RawConfig = match toml::from_str(&file.text) {
        Ok(raw) => raw,
        Err(err) => {
            diagnostics.push(toml_diagnostic(file, &err));
            let (more, mended) = mend_settings(file, &err);
            diagnostics.push_all(more);
            mended?
        }
    };
    let mut ok = true;
    let base_url = check_base_url(file, &raw.base_url, diagnostics, &mut ok);
    // Every other URL in the settings passes the one scheme allow-list.
    let support_url = checked_url(
        file,
        raw.vendor.as_mut().and_then(|v| v.support_url.take()),
        diagnostics,
        &mut ok,
    );
    let feedback_url = raw
        .feedback
        .and_then(|f| f.url)
        .filter(|url| check_url_template(file, url, diagnostics, &mut ok));
    let feedback_url = checked_url(file, feedback_url, diagnostics, &mut ok);
    let actions = parse_actions(file, raw.actions.take(), diagnostics, &mut ok);
    let (default_language, languages) = parse_languages(
        file,
        raw.default_language.as_ref(),
        raw.languages.as_deref(),
        diagnostics,
        &mut ok,
    )?;
    let theme = parse_theme(file, raw.theme, diagnostics, &mut ok);
    let portal_languages = parse_portal_languages(
        file,
        raw.portals.and_then(|p| p.languages),
        diagnostics,
        &mut ok,
    );
    let raw_html = parse_raw_html(
        file,
        raw.markdown.and_then(|m| m.raw_html),
        diagnostics,
        &mut ok,
    );
    let csp = parse_csp(
        file,
        raw.security.take(),
        actions.endpoint.as_deref(),
        diagnostics,
        &mut ok,
    );
    let calendar = parse_calendar(file, raw.calendar, diagnostics, &mut ok);
    let vendor = raw.vendor.map_or_else(Vendor::default, |v| Vendor {
        name: v.name.unwrap_or_default(),
        support_email: v.support_email.unwrap_or_default(),
        support_url: support_url.unwrap_or_default(),
    });
    let translations = parse_translations(file, raw.translations, &languages, diagnostics, &mut ok);
    let reminders = parse_reminders(
        file,
        raw.reminders.and_then(|r| r.before),
        diagnostics,
        &mut ok,
    );
    let digest = parse_digest(file, raw.digest, diagnostics, &mut ok);
    let (edit_url, last_updated) = parse_content(file, raw.content, diagnostics, &mut ok);
    let _ = ok; // a bad value is reported, and replaced by its default
    Some(Config {
        edit_url,
        last_updated,
        title: raw.title,
        base_url,
        description: raw.description.unwrap_or_default(),
        default_language,
        languages,
        theme,
        vendor,
        calendar,
        feedback_url,
        portal_languages,
        translations,
        raw_html,
        csp,
        late_after_days: raw
            .forecast
            .and_then(|f| f.late_after_days)
            .unwrap_or(DEFAULT_LATE_AFTER_DAYS),
        reminders,
        dashboard: dashboard_settings(raw.dashboard),
        digest,
        actions,
        search: raw
            .search
            .map_or_else(SearchSettings::default, |s| SearchSettings {
                enabled: s.enabled.unwrap_or(true),
                portal: s.portal.unwrap_or(true),
            }),
    })
}

/// `[content]`: `edit_url` and `last_updated`.
fn parse_content(
    file: &Arc<SourceFile>,
    mut content: Option<RawContent>,
    diagnostics: &mut Diagnostics,
    ok: &mut bool,
) -> (Option<String>, LastUpdated) {
    let last_updated = content.as_mut().and_then(|c| c.last_updated.take());
    let last_updated = parse_last_updated(file, last_updated, diagnostics, ok);
    (parse_edit_url(file, content, diagnostics, ok), last_updated)
}

/// `[content] last_updated`: `"front_matter"` or `"git"`.
fn parse_last_updated(
    file: &Arc<SourceFile>,
    value: Option<toml::Spanned<String>>,
    diagnostics: &mut Diagnostics,
    ok: &mut bool,
) -> LastUpdated {
    let Some(v) = value else {
        return LastUpdated::FrontMatter;
    };
    let span = v.span();
    match v.get_ref().as_str() {
        "front_matter" => LastUpdated::FrontMatter,
        "git" => LastUpdated::Git(span),
        other => {
            let help = crate::suggest::hint(other, ["front_matter", "git"]).unwrap_or_else(|| {
                "use \"front_matter\" (the default) or \"git\" (see docs/schema.md)".to_string()
            });
            diagnostics.push(
                Diagnostic::error(
                    Code::InvalidValue,
                    format!("`{other}` is not a choice for where \"Last updated\" comes from"),
                )
                .at(Label::new(file, span.start, span.end))
                .help(help),
            );
            *ok = false;
            LastUpdated::FrontMatter
        }
    }
}

/// `[content] edit_url`: a URL template holding `{path}`, which passes the URL
/// allow-list once the path is filled in.
fn parse_edit_url(
    file: &Arc<SourceFile>,
    content: Option<RawContent>,
    diagnostics: &mut Diagnostics,
    ok: &mut bool,
) -> Option<String> {
    let value = content?.edit_url?;
    let span = value.span();
    let template = value.get_ref();
    let problem = if !template.contains("{path}") {
        Some((Code::InvalidValue, format!("`{template}` does not say where the file's path goes"), "write `{path}` where the article's path from the site root goes: https://github.com/acme/help/edit/main/{path}".to_string()))
    } else {
        let sample = template.replace("{path}", "content/kb/setup.md");
        crate::url::check(&sample).err().map(|refused| {
            (
                Code::UnsafeUrl,
                refused.message(&sample),
                format!("use {}", crate::url::ALLOWED_TEXT),
            )
        })
    };
    match problem {
        Some((code, message, help)) => {
            diagnostics.push(
                Diagnostic::error(code, message)
                    .at(Label::new(file, span.start, span.end))
                    .help(help),
            );
            *ok = false;
            None
        }
        None => Some(value.into_inner()),
    }
}

/// `[dashboard]` as written (its passphrase variable is checked when the
/// environment is read).
fn dashboard_settings(raw: Option<RawDashboard>) -> DashboardSettings {
    raw.map(|d| DashboardSettings {
        enabled: d.enabled,
        rotation: d.rotation.unwrap_or(0),
        passphrase_env: d.encrypt.map(|e| {
            let span = e.passphrase_env.span();
            (e.passphrase_env.into_inner(), span)
        }),
    })
    .unwrap_or_default()
}

/// `[digest]`: `from` must be one e-mail address (with an optional name).
fn parse_digest(
    file: &Arc<SourceFile>,
    raw: Option<RawDigest>,
    diagnostics: &mut Diagnostics,
    ok: &mut bool,
) -> DigestSettings {
    let Some(raw) = raw else {
        return DigestSettings::default();
    };
    let from = raw.from.and_then(|from| {
        let mailbox = Mailbox::parse(from.get_ref());
        if mailbox.is_none() {
            diagnostics.push(
                Diagnostic::error(
                    Code::InvalidValue,
                    format!(
                        "`{}` is not an e-mail address digests can be sent from",
                        from.get_ref()
                    ),
                )
                .at(span_label(file, &from.span()))
                .help("for example from = \"Northwind Onboarding <onboarding@northwind.example>\""),
            );
            *ok = false;
        }
        mailbox
    });
    DigestSettings {
        from,
        within_days: raw.within_days,
    }
}

/// The pages' policy: gangway's, the sources `[security.csp]` adds, and the
/// origin of the form endpoint (`[actions] endpoint`).
fn parse_csp(
    file: &Arc<SourceFile>,
    raw: Option<RawSecurity>,
    endpoint: Option<&str>,
    diagnostics: &mut Diagnostics,
    ok: &mut bool,
) -> crate::csp::Csp {
    let mut csp = crate::csp::Csp::default();
    for (directive, sources) in raw.and_then(|s| s.csp).into_iter().flatten() {
        if let Err(d) = csp.add(&directive, &sources, file) {
            diagnostics.push(d);
            *ok = false;
        }
    }
    if let Some(endpoint) = endpoint {
        csp.allow_endpoint(endpoint);
    }
    csp
}

/// `[actions]`: the endpoint must be an address a form can post to (`https://`,
/// `http://` or a path on the site, `/…`).
fn parse_actions(
    file: &Arc<SourceFile>,
    raw: Option<RawActions>,
    diagnostics: &mut Diagnostics,
    ok: &mut bool,
) -> ActionSettings {
    let Some(raw) = raw else {
        return ActionSettings::default();
    };
    let endpoint = raw.endpoint.and_then(|endpoint| {
        let text = endpoint.get_ref();
        let postable = text.starts_with("https://")
            || text.starts_with("http://")
            || (text.starts_with('/') && !text.starts_with("//"));
        if postable {
            return checked_url(file, Some(endpoint), diagnostics, ok);
        }
        diagnostics.push(
            Diagnostic::error(
                Code::InvalidValue,
                format!("`{text}` is not an address a form can post to"),
            )
            .at(span_label(file, &endpoint.span()))
            .help("give the form service's `https://` address, or a path on this site such as `/actions`"),
        );
        *ok = false;
        None
    });
    ActionSettings {
        endpoint,
        confirm: raw.confirm.unwrap_or(false),
        valid_days: raw.valid_days.unwrap_or(DEFAULT_VALID_DAYS),
    }
}

fn span_label(file: &Arc<SourceFile>, span: &std::ops::Range<usize>) -> Label {
    Label::new(file, span.start, span.end)
}

/// `default_language` and `languages`: the default first, each once. `None`
/// when the default language is not a language code.
fn parse_languages(
    file: &Arc<SourceFile>,
    default: Option<&toml::Spanned<String>>,
    listed: Option<&[toml::Spanned<String>]>,
    diagnostics: &mut Diagnostics,
    ok: &mut bool,
) -> Option<(Lang, Vec<Lang>)> {
    let mut check_lang = |s: &toml::Spanned<String>| match Lang::parse(s.get_ref()) {
        Ok(lang) => Some(lang),
        Err(why) => {
            diagnostics.push(
                Diagnostic::error(Code::InvalidLanguage, why)
                    .at(span_label(file, &s.span()))
                    .help("use a BCP 47 language code such as `en`, `ms`, `ne`, `kk`, `lo`, `ny`"),
            );
            None
        }
    };
    let default_language = match default {
        Some(s) => check_lang(s),
        None => Some(Lang::english()),
    };
    let mut languages = Vec::new();
    let mut all_read = true;
    for s in listed.into_iter().flatten() {
        match check_lang(s) {
            Some(lang) if !languages.contains(&lang) => languages.push(lang),
            Some(_) => {}
            None => all_read = false,
        }
    }
    let default_language = default_language?;
    // Without every language, each file in a missing one would be reported:
    // the site is not checked further (`checks-skipped`).
    if !all_read {
        return None;
    }
    if languages.is_empty() {
        languages.push(default_language.clone());
    }
    if !languages.contains(&default_language) {
        let span = default.map(|s| s.span()).unwrap_or(0..0);
        diagnostics.push(
            Diagnostic::error(
                Code::InvalidLanguage,
                format!("the default language `{default_language}` is not in `languages`"),
            )
            .at(span_label(file, &span))
            .help(format!("add \"{default_language}\" to `languages`")),
        );
        *ok = false;
    }
    languages.retain(|l| l != &default_language);
    languages.insert(0, default_language.clone());
    Some((default_language, languages))
}

/// `theme`: the name of a folder under themes/.
fn parse_theme(
    file: &Arc<SourceFile>,
    theme: Option<toml::Spanned<String>>,
    diagnostics: &mut Diagnostics,
    ok: &mut bool,
) -> Option<String> {
    let theme = theme?;
    let name = theme.get_ref();
    if crate::ids::is_valid_id(name) {
        return Some(name.clone());
    }
    diagnostics.push(
        Diagnostic::error(
            Code::InvalidValue,
            format!("`{name}` is not a theme folder name"),
        )
        .at(span_label(file, &theme.span()))
        .help("use lower-case letters, digits and `-`, naming a folder under themes/"),
    );
    *ok = false;
    None
}

/// `[portals] languages`: "customer" or "all".
fn parse_portal_languages(
    file: &Arc<SourceFile>,
    value: Option<toml::Spanned<String>>,
    diagnostics: &mut Diagnostics,
    ok: &mut bool,
) -> PortalLanguages {
    let Some(v) = value else {
        return PortalLanguages::default();
    };
    match v.get_ref().as_str() {
        "customer" => PortalLanguages::Customer,
        "all" => PortalLanguages::All,
        other => {
            diagnostics.push(
                Diagnostic::error(
                    Code::InvalidValue,
                    format!("`{other}` is not a choice of portal languages"),
                )
                .at(span_label(file, &v.span()))
                .help("use \"customer\" (the customer's language and the default language) or \"all\""),
            );
            *ok = false;
            PortalLanguages::default()
        }
    }
}

/// `[calendar]`: the working week and the holidays every plan skips.
fn parse_calendar(
    file: &Arc<SourceFile>,
    raw: Option<RawSiteCalendar>,
    diagnostics: &mut Diagnostics,
    ok: &mut bool,
) -> WorkCalendar {
    let mut calendar = WorkCalendar::default();
    let Some(cal) = raw else {
        return calendar;
    };
    if let Some(days) = cal.workdays {
        let mut weekdays: Vec<Weekday> = Vec::new();
        for day in &days {
            match parse_weekday(day.get_ref()) {
                Some(d) => weekdays.push(d),
                None => {
                    diagnostics.push(
                        Diagnostic::error(
                            Code::InvalidValue,
                            format!("`{}` is not a day of the week", day.get_ref()),
                        )
                        .at(span_label(file, &day.span()))
                        .help("use mon, tue, wed, thu, fri, sat or sun"),
                    );
                    *ok = false;
                }
            }
        }
        calendar = calendar.with_workdays(&weekdays);
    }
    if let Some(holidays) = cal.holidays {
        let mut dates = Vec::new();
        for day in &holidays {
            match parse_date(day.get_ref()) {
                Ok(d) => dates.push(d),
                Err(why) => {
                    diagnostics.push(
                        Diagnostic::error(Code::InvalidDate, why).at(span_label(file, &day.span())),
                    );
                    *ok = false;
                }
            }
        }
        calendar = calendar.with_holidays(dates);
    }
    calendar
}

/// `[reminders] before`: an offset (`1bd`, `2d`, `1w`) or `"none"`; a bad one is
/// a located `invalid-offset` error.
fn parse_reminders(
    file: &Arc<SourceFile>,
    value: Option<toml::Spanned<String>>,
    diagnostics: &mut Diagnostics,
    ok: &mut bool,
) -> Option<Offset> {
    let Some(v) = value else {
        return Some(DEFAULT_REMINDER);
    };
    if v.get_ref().trim() == NO_REMINDERS {
        return None;
    }
    match Offset::parse(v.get_ref()) {
        Ok(offset) => Some(offset),
        Err(why) => {
            diagnostics.push(
                Diagnostic::error(Code::InvalidOffset, why)
                    .at(span_label(file, &v.span()))
                    .help(format!(
                        "{OFFSET_HELP}, or \"{NO_REMINDERS}\" for no reminders"
                    )),
            );
            *ok = false;
            Some(DEFAULT_REMINDER)
        }
    }
}

/// `[translations.LANG]`: the site's title and description in each language it
/// publishes.
fn parse_translations(
    file: &Arc<SourceFile>,
    raw: Option<std::collections::BTreeMap<String, RawSiteText>>,
    languages: &[Lang],
    diagnostics: &mut Diagnostics,
    ok: &mut bool,
) -> std::collections::BTreeMap<Lang, (Option<String>, Option<String>)> {
    let mut translations = std::collections::BTreeMap::new();
    for (code, text) in raw.into_iter().flatten() {
        match Lang::parse(&code) {
            Ok(lang) if languages.contains(&lang) => {
                translations.insert(lang, (text.title, text.description));
            }
            _ => {
                let start = file
                    .text
                    .find(&format!("[translations.{code}]"))
                    .unwrap_or(0);
                diagnostics.push(
                    Diagnostic::error(
                        Code::InvalidLanguage,
                        format!(
                            "`[translations.{code}]` names a language the site does not publish"
                        ),
                    )
                    .at(Label::new(file, start, start + 15 + code.len()))
                    .help("list the language in `languages` first"),
                );
                *ok = false;
            }
        }
    }
    translations
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Option<Config>, Vec<Diagnostic>) {
        let file = SourceFile::new(CONFIG_PATH, text);
        let mut diagnostics = Diagnostics::new();
        let config = parse_config(&file, &mut diagnostics);
        (config, diagnostics.sorted())
    }

    #[test]
    fn minimal_config_has_defaults() {
        let (config, diags) = parse("title = \"T\"\nbase_url = \"https://x.example/\"\n");
        assert!(diags.is_empty(), "{diags:?}");
        let config = config.unwrap();
        assert_eq!(config.base_url, "https://x.example");
        assert_eq!(config.languages, vec![Lang::english()]);
    }

    #[test]
    fn unknown_keys_and_bad_values_are_reported_with_places() {
        let (_, diags) = parse("title = \"T\"\nbase_url = \"x\"\ntheem = \"a\"\n");
        // The unknown key, and the settings without it checked too (the bad base_url).
        let codes: Vec<_> = diags.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["invalid-value", "unknown-key"]);
        assert_eq!(diags[1].help.as_deref(), Some("did you mean `theme`?"));
        assert_eq!(diags[1].location().unwrap().1, 3);

        let (config, diags) = parse(
            "title = \"T\"\nbase_url = \"x\"\n[calendar]\nworkdays = [\"mon\", \"funday\"]\nholidays = [\"2026-13-01\"]\n",
        );
        // Bad values are reported and replaced by their defaults, so the rest of
        // the site is checked against the other settings.
        let config = config.expect("the settings, with defaults for the bad values");
        assert_eq!(config.base_url, "https://example.invalid");
        let codes: Vec<_> = diags.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["invalid-value", "invalid-value", "invalid-date"]);
    }

    #[test]
    fn reminders_default_to_one_working_day_and_can_be_turned_off() {
        let base = "title = \"T\"\nbase_url = \"https://x.example\"\n";
        let (config, _) = parse(base);
        assert_eq!(config.unwrap().reminders, Some(Offset::BusinessDays(1)));
        for (before, expected) in [
            ("2d", Some(Offset::Days(2))),
            ("1w", Some(Offset::Days(7))),
            ("0bd", Some(Offset::BusinessDays(0))),
            ("none", None),
        ] {
            let (config, diags) = parse(&format!("{base}[reminders]\nbefore = \"{before}\"\n"));
            assert!(diags.is_empty(), "{diags:?}");
            assert_eq!(config.unwrap().reminders, expected, "{before}");
        }
        let (config, diags) = parse(&format!("{base}[reminders]\nbefore = \"2 days\"\n"));
        assert_eq!(config.unwrap().reminders, Some(Offset::BusinessDays(1)));
        assert_eq!(diags[0].code, "invalid-offset");
        assert_eq!(diags[0].location().unwrap().1, 4);
    }
}
