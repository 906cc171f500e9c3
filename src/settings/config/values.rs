//! What the config file sets, as plain values: `Default` is the built-in configuration.

use std::collections::BTreeMap;
use std::time::Duration;

use super::error::ConfigError;
use super::pool::Pool;
use super::thresholds::{ExtraThresholds, ThresholdSettings};

/// The shortest refresh interval (`[refresh] fast`, `--refresh`, and `-` in the live view).
pub const MIN_REFRESH: Duration = Duration::from_millis(500);
/// The longest refresh interval (`[refresh] fast`, `--refresh`, and `+` in the live view).
pub const MAX_REFRESH: Duration = Duration::from_secs(60);
/// `[refresh] fast` and `--refresh`: 0.5 s to 60 s.
pub const FAST_REFRESH_RANGE: std::ops::RangeInclusive<Duration> = MIN_REFRESH..=MAX_REFRESH;
/// `[refresh] slow` and `--slow-refresh`: 1 s to 1 h.
pub const SLOW_REFRESH_RANGE: std::ops::RangeInclusive<Duration> =
    Duration::from_secs(1)..=Duration::from_secs(3600);

/// `[refresh] server_budget`: pgpulse's own server time per 30 s, 10 ms to 30 s.
pub const SERVER_BUDGET_RANGE: std::ops::RangeInclusive<Duration> =
    Duration::from_millis(10)..=Duration::from_secs(30);

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
    /// pgpulse's own server time per 30 s: the cost governor spaces out the costlier
    /// sources so their reads stay within it.
    pub server_budget: Duration,
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
            server_budget: Duration::from_millis(60),
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
    /// The host thresholds, for the alert engine.
    pub fn extra_thresholds(&self) -> ExtraThresholds {
        let t = &self.threshold_settings;
        ExtraThresholds {
            disk_crit: t.disk_crit,
            cpu_warn: t.cpu_warn,
        }
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
