//! How every command talks to the person or CI job running it: the global
//! flags `--quiet`, `--verbose`, `--color` and `--deny-warnings`, read once by
//! `main` ([`set`]) and asked here. Whether messages are coloured is decided in
//! this one place ([`color`]).

use std::io::IsTerminal;
use std::sync::OnceLock;

/// The flags every command takes (`global = true`: before or after the command).
#[derive(clap::Args, Clone, Debug, Default)]
pub(crate) struct GlobalArgs {
    /// Print errors only: no warnings, notes, progress or summary lines
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub(crate) quiet: bool,
    /// Also print each stage's time and, for build, what was written where
    #[arg(long, short, global = true)]
    pub(crate) verbose: bool,
    /// When to colour messages (auto: on a terminal, unless NO_COLOR is set)
    #[arg(
        long,
        global = true,
        value_enum,
        value_name = "WHEN",
        default_value = "auto"
    )]
    pub(crate) color: ColorChoice,
    /// Exit with code 1 when there are warnings, as when there are errors (for CI)
    #[arg(long, global = true)]
    pub(crate) deny_warnings: bool,
}

/// `--color`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum ColorChoice {
    // No doc comments here: clap would list the values one per line in --help.
    #[default]
    Auto,
    Always,
    Never,
}

static GLOBAL: OnceLock<GlobalArgs> = OnceLock::new();

/// Records the global flags for the rest of the run (once, from `main`).
pub(crate) fn set(args: GlobalArgs) {
    let _ = GLOBAL.set(args);
}

fn get() -> &'static GlobalArgs {
    static DEFAULT: OnceLock<GlobalArgs> = OnceLock::new();
    GLOBAL
        .get()
        .unwrap_or_else(|| DEFAULT.get_or_init(GlobalArgs::default))
}

/// `--quiet`: print errors only.
pub(crate) fn quiet() -> bool {
    get().quiet
}

/// `--verbose`: print timings and what was written.
pub(crate) fn verbose() -> bool {
    get().verbose
}

/// `--deny-warnings`: warnings fail the run.
pub(crate) fn deny_warnings() -> bool {
    get().deny_warnings
}

/// Whether messages on standard error are coloured.
pub(crate) fn color() -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
    decide_color(
        get().color,
        set("NO_COLOR"),
        set("CLICOLOR_FORCE"),
        std::io::stderr().is_terminal(),
    )
}

/// `--color` wins; then NO_COLOR (any value but empty) turns colour off and
/// CLICOLOR_FORCE (any value but empty or 0) on; else a terminal gets colour.
fn decide_color(choice: ColorChoice, no_color: bool, force: bool, terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => !no_color && (force || terminal),
    }
}

/// Whether a run with these counts fails: errors always do, warnings with
/// `--deny-warnings`.
pub(crate) fn fails(errors: usize, warnings: usize) -> bool {
    errors > 0 || (deny_warnings() && warnings > 0)
}

/// The last line of a run that only `--deny-warnings` failed, or `None`.
pub(crate) fn denied(errors: usize, warnings: usize) -> Option<String> {
    (errors == 0 && warnings > 0 && deny_warnings()).then(|| {
        let n = if warnings == 1 {
            "1 warning".to_string()
        } else {
            format!("{warnings} warnings")
        };
        format!("error: {n}, and --deny-warnings makes warnings fail the run (exit code 1)")
    })
}

/// Prints a line on standard error unless `--quiet`.
macro_rules! note {
    ($($arg:tt)*) => {
        if !$crate::cmd::ui::quiet() {
            eprintln!($($arg)*);
        }
    };
}
pub(crate) use note;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn color_follows_the_flag_then_no_color_then_force_then_the_terminal() {
        use ColorChoice::{Always, Auto, Never};
        // (choice, NO_COLOR, CLICOLOR_FORCE, terminal) -> colour
        let cases = [
            (Always, true, false, false, true),
            (Never, false, true, true, false),
            (Auto, false, false, true, true),
            (Auto, false, false, false, false),
            (Auto, true, false, true, false),
            (Auto, false, true, false, true),
            (Auto, true, true, false, false),
        ];
        for (choice, no_color, force, terminal, expected) in cases {
            assert_eq!(
                decide_color(choice, no_color, force, terminal),
                expected,
                "{choice:?} NO_COLOR={no_color} CLICOLOR_FORCE={force} terminal={terminal}"
            );
        }
    }
}
