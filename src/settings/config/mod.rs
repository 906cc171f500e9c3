//! The configuration file, `<config dir>/config.toml` (`~/.config/pgpulse/config.toml`,
//! or `$PGPULSE_CONFIG_DIR/config.toml`): refresh intervals, alert thresholds, the
//! maintenance schedule, application pools, key overrides, the theme, read-only mode,
//! the PgBouncer admin console and named targets.
//!
//! Every key is optional and a missing file means the built-in defaults; `pgpulse
//! --print-config` prints them as a commented file ([`default_config_text`], shipped as
//! `src/settings/config/default.toml`; a test checks it says the same as [`Config::default`]).
//! Unknown keys and bad values are errors that name the file and the key, quote the value
//! and say how to fix it: a typo must never silently fall back to a default.

mod duration;
mod error;
mod load;
mod parse;
mod pool;
mod read;
mod size;
mod thresholds;
mod values;

pub use duration::{DURATION_FORMAT, format_duration, parse_duration};
pub use error::ConfigError;
pub use load::{CONFIG_FILE, default_config_text};
pub use pool::Pool;
pub use size::{SIZE_FORMAT, format_size, parse_size};
pub use thresholds::{ExtraThresholds, ThresholdSettings};
pub use values::{
    ActionTimeouts, Config, FAST_REFRESH_RANGE, MAX_REFRESH, MIN_REFRESH, Refresh,
    SERVER_BUDGET_RANGE, SLOW_REFRESH_RANGE, Schedule, Target,
};

#[cfg(test)]
mod tests;
