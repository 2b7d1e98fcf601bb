//! `[dashboard]` made real: whether the vendor's dashboard is written, its
//! address, and the passphrase it is encrypted with (read from the environment
//! variable `gangway.toml` names, with located errors as for portals).

use std::sync::Arc;

use crate::config::Config;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Label, SourceFile};
use crate::model::Dashboard;
use crate::options::{BuildOptions, WithoutPassphrase};
use crate::secret::Secret;

/// The dashboard of a site with `customers` customers: written unless
/// `enabled = false`, and by default only when there are customers to show.
/// `None` (with an error) when its passphrase cannot be had.
pub(crate) fn resolve_dashboard(
    file: &Arc<SourceFile>,
    config: &Config,
    customers: usize,
    options: &BuildOptions,
    diagnostics: &mut Diagnostics,
) -> Option<Option<Dashboard>> {
    let settings = &config.dashboard;
    let passphrase = match &settings.passphrase_env {
        None => None,
        Some((var, span)) => passphrase(file, var, span, options, diagnostics)?,
    };
    let unsealed = settings
        .passphrase_env
        .as_ref()
        .filter(|_| passphrase.is_none())
        .map(|(var, _)| var.clone());
    if !settings.enabled.unwrap_or(customers > 0) {
        return Some(None);
    }
    let token = crate::privacy::dashboard_token(&options.secret, settings.rotation);
    Some(Some(Dashboard {
        path: format!("{}{token}/", crate::privacy::PORTAL_ROOT),
        passphrase,
        unsealed,
    }))
}

/// The passphrase in the environment variable `var` (written at `span`):
/// `Some(None)` when it is not set and the options show such dashboards
/// unencrypted, `None` (with an error) when it cannot be had.
fn passphrase(
    file: &Arc<SourceFile>,
    var: &str,
    span: &std::ops::Range<usize>,
    options: &BuildOptions,
    diagnostics: &mut Diagnostics,
) -> Option<Option<Secret<String>>> {
    let at = Label::new(file, span.start, span.end);
    let Some(p) = options.env.expose().get(var) else {
        if options.without_passphrase == WithoutPassphrase::ShowUnencrypted {
            return Some(None);
        }
        diagnostics.push(
            Diagnostic::error(
                Code::MissingPassphrase,
                format!("the environment variable `{var}` is not set, so the dashboard cannot be encrypted"),
            )
            .at(at)
            .help(format!(
                "set {var} where gangway runs (a CI secret), or remove `encrypt` from [dashboard]; gangway never publishes an encrypted dashboard unencrypted"
            )),
        );
        return None;
    };
    if let Err(why) = crate::seal::check_passphrase(p) {
        diagnostics.push(
            Diagnostic::error(
                Code::WeakPassphrase,
                format!("the passphrase in `{var}` cannot be used: {why}"),
            )
            .at(at)
            .help("use a long passphrase: several unrelated words are easy to share and hard to guess"),
        );
        return None;
    }
    Some(Some(Secret::new(p.clone())))
}
