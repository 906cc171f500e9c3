//! The configuration file, `<config dir>/config.toml` (`~/.config/pgpulse/config.toml`,
//! or `$PGPULSE_CONFIG_DIR/config.toml`): refresh intervals, alert thresholds, the
//! maintenance schedule, application pools, key overrides, the theme, read-only mode,
//! the PgBouncer admin console and named targets.
//!
//! Every key is optional and a missing file means the built-in defaults; `pgpulse
//! --print-config` prints them as a commented file ([`default_config_text`], shipped as
//! `src/config/default.toml`; a test checks it says the same as [`Config::default`]).
//! Unknown keys and bad values are errors that name the file and the key, quote the value
//! and say how to fix it: a typo must never silently fall back to a default.

mod duration;
mod parse;
mod pool;
mod read;
mod size;
mod thresholds;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

pub use duration::{DURATION_FORMAT, format_duration, parse_duration};
pub use pool::Pool;
pub use size::{SIZE_FORMAT, format_size, parse_size};
pub use thresholds::{ExtraThresholds, ThresholdSettings};

/// The file name inside the config directory.
pub const CONFIG_FILE: &str = "config.toml";

/// The commented default configuration, embedded from `src/config/default.toml`.
const DEFAULT_TEXT: &str = include_str!("default.toml");

/// The commented default config file, for `pgpulse --print-config`. It parses to
/// [`Config::default`].
pub fn default_config_text() -> &'static str {
    DEFAULT_TEXT
}

/// Why the config could not be used. Each message names the file, quotes the bad value
/// (as written in the file) and says how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The file exists but cannot be read.
    #[error("{file}: cannot read the config file: {message} (check its permissions)")]
    Io { file: String, message: String },
    /// The file is not TOML.
    #[error(
        "{file}: not valid TOML at line {line}, column {column}: {message} (fix the syntax \
         there; `pgpulse --print-config` prints a valid file)"
    )]
    Toml {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// A key pgpulse does not know (often a typo).
    #[error("{file}: unknown key \"{key}\" (use one of: {known})")]
    UnknownKey {
        file: String,
        key: String,
        known: String,
    },
    /// A value of the wrong type or out of range.
    #[error("{file}: {key} = {value} {problem} ({fix})")]
    BadValue {
        file: String,
        key: String,
        value: String,
        problem: String,
        fix: String,
    },
    /// A required key that is not there.
    #[error("{file}: {key} is missing ({fix})")]
    Missing {
        file: String,
        key: String,
        fix: String,
    },
    /// `--target NAME` that the config does not define.
    #[error("{file}: unknown target \"{name}\" ({hint})")]
    UnknownTarget {
        file: String,
        name: String,
        hint: String,
    },
}

/// The shortest refresh interval (`[refresh] fast`, `--refresh`, and `-` in the live view).
pub const MIN_REFRESH: Duration = Duration::from_millis(500);
/// The longest refresh interval (`[refresh] fast`, `--refresh`, and `+` in the live view).
pub const MAX_REFRESH: Duration = Duration::from_secs(60);
/// `[refresh] fast` and `--refresh`: 0.5 s to 60 s.
pub const FAST_REFRESH_RANGE: std::ops::RangeInclusive<Duration> = MIN_REFRESH..=MAX_REFRESH;
/// `[refresh] slow` and `--slow-refresh`: 1 s to 1 h.
pub const SLOW_REFRESH_RANGE: std::ops::RangeInclusive<Duration> =
    Duration::from_secs(1)..=Duration::from_secs(3600);

/// How often each tier polls, and the windows of the Queries screen.
#[derive(Debug, Clone, PartialEq)]
pub struct Refresh {
    /// Fast tier: sessions, database counters, `pg_stat_statements` (0.5 s to 60 s).
    pub fast: Duration,
    /// Slow tier: table statistics, `query_performance_log`.
    pub slow: Duration,
    /// Window of the latency percentiles from `query_performance_log`.
    pub latency_window: Duration,
    /// A logged query slower than this counts as slow (seed: > 5 s).
    pub slow_query: Duration,
}

/// The action connection's timeouts (`[actions]`).
#[derive(Debug, Clone, PartialEq)]
pub struct ActionTimeouts {
    /// How long an action waits for a lock before giving up.
    pub lock_timeout: Duration,
    /// Cancel, terminate, snapshot, reset, EXPLAIN.
    pub statement_timeout: Duration,
    /// VACUUM, ANALYZE, REINDEX CONCURRENTLY.
    pub maintenance_timeout: Duration,
}

impl Default for ActionTimeouts {
    fn default() -> Self {
        Self {
            lock_timeout: Duration::from_secs(5),
            statement_timeout: Duration::from_secs(10),
            maintenance_timeout: Duration::from_secs(600),
        }
    }
}

impl Default for Refresh {
    fn default() -> Self {
        Self {
            fast: Duration::from_secs(1),
            slow: Duration::from_secs(15),
            latency_window: Duration::from_secs(15 * 60),
            slow_query: Duration::from_secs(5),
        }
    }
}

/// The seed's maintenance schedule: tables not analyzed / vacuumed for longer are overdue.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    pub analyze_every: Duration,
    pub vacuum_every: Duration,
}

impl Default for Schedule {
    fn default() -> Self {
        Self {
            analyze_every: Duration::from_secs(86_400),
            vacuum_every: Duration::from_secs(7 * 86_400),
        }
    }
}

/// A connection string from the config (`[pgbouncer]`, `[targets.NAME]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// libpq conninfo string or URI, resolved like the command line's.
    pub conninfo: String,
}

/// Everything the config file sets. `Default` is the built-in configuration.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Config {
    /// The file this was read from, for error messages; `None` for the defaults.
    pub file: Option<String>,
    /// Theme name; `None` lets `NO_COLOR` choose (the live view's theme module decides).
    pub theme: Option<String>,
    /// Disables every action, like `--read-only`.
    pub read_only: bool,
    /// Ring the terminal bell on new critical alerts.
    pub bell: bool,
    pub refresh: Refresh,
    /// `[actions]`: the action connection's timeouts.
    pub actions: ActionTimeouts,
    /// The `[thresholds]` table; use [`Config::thresholds`] / [`Config::extra_thresholds`].
    pub threshold_settings: ThresholdSettings,
    pub schedule: Schedule,
    /// `[keys]` overrides: (action name, keys), sorted by action name. Checked against the
    /// keymap by the live view, which owns the actions and keys.
    pub keys: Vec<(String, Vec<String>)>,
    /// Application pools, in file order.
    pub pools: Vec<Pool>,
    /// The PgBouncer admin console, when configured.
    pub pgbouncer: Option<Target>,
    /// Named targets for `--target`.
    pub targets: BTreeMap<String, Target>,
}

impl Config {
    /// Reads `<dir>/config.toml`. No directory (no home directory either) or no file
    /// gives the defaults; a file that is unreadable or wrong is an error.
    pub fn load(dir: Option<&Path>) -> Result<Config, ConfigError> {
        let Some(dir) = dir else {
            return Ok(Config::default());
        };
        let path = dir.join(CONFIG_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => Config::from_toml(&text, &path.display().to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(ConfigError::Io {
                file: path.display().to_string(),
                message: e.to_string(),
            }),
        }
    }

    /// Reads an explicitly named config file (e.g. from a `--config` option): unlike
    /// [`Config::load`], a missing file is an error.
    pub fn load_file(path: &Path) -> Result<Config, ConfigError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Io {
            file: file.clone(),
            message: e.to_string(),
        })?;
        Config::from_toml(&text, &file)
    }

    /// Parses a config file's text; `file_name` is how errors name the file.
    pub fn from_toml(text: &str, file_name: &str) -> Result<Config, ConfigError> {
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            let (line, column) = e
                .span()
                .map_or((1, 1), |span| read::line_column(text, span.start));
            ConfigError::Toml {
                file: file_name.to_owned(),
                line,
                column,
                message: e.message().trim().replace('\n', "; "),
            }
        })?;
        parse::config(&table, file_name)
    }

    /// The named target's conninfo (`--target NAME`).
    pub fn target(&self, name: &str) -> Result<&Target, ConfigError> {
        self.targets.get(name).ok_or_else(|| {
            let hint = if self.targets.is_empty() {
                format!("define it in the config file as [targets.{name}] with a conninfo")
            } else {
                let names: Vec<&str> = self.targets.keys().map(String::as_str).collect();
                format!(
                    "use one of: {}; or add [targets.{name}] with a conninfo",
                    names.join(", ")
                )
            };
            ConfigError::UnknownTarget {
                file: self.file_name().to_owned(),
                name: name.to_owned(),
                hint,
            }
        })
    }

    /// How messages name where this config came from.
    pub fn file_name(&self) -> &str {
        self.file.as_deref().unwrap_or("built-in configuration")
    }
}

#[cfg(test)]
mod tests;
