//! The poller's tiers and what each screen shows: the intervals each governed source
//! would be read at without the budget ([`set_desired`]), handed to the cost governor.

use std::time::{Duration, Instant};

use super::governor::Governor;
use crate::monitor::snapshot::CappedList;
use crate::monitor::snapshot::governed::GovernedSource;
use crate::settings::config::Refresh;

/// Governed sources grouped by what the UI shows together. The group on view
/// ([`PollerCommand::Watch`]) is served first by the governor; the others are spaced out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SlowGroup {
    /// The statements in the interval, the latency and the table totals.
    Dashboard,
    /// The statement counters (at the fast interval) and the latency per query hash.
    Queries,
    /// Per-table cache hits and reads, and the statistics snapshot history.
    Cache,
    /// Index usage and definitions, and sequential versus index scans per table.
    Indexes,
    /// Vacuum and analyze state, wraparound and the scheduled task history.
    Maintenance,
}

impl SlowGroup {
    /// The governed sources the group shows.
    pub fn sources(self) -> &'static [GovernedSource] {
        match self {
            SlowGroup::Dashboard => &[
                GovernedSource::Statements,
                GovernedSource::Latency,
                GovernedSource::TableTotals,
            ],
            SlowGroup::Queries => &[GovernedSource::Statements, GovernedSource::Latency],
            SlowGroup::Cache => &[GovernedSource::Cache],
            SlowGroup::Indexes => &[GovernedSource::Indexes, GovernedSource::TableTotals],
            SlowGroup::Maintenance => &[GovernedSource::Maintenance],
        }
    }
}

/// The source a capped list is read with.
pub(super) fn source_of_list(list: CappedList) -> GovernedSource {
    match list {
        CappedList::CacheTables => GovernedSource::Cache,
        CappedList::TableScans => GovernedSource::Indexes,
        CappedList::Maintenance | CappedList::WraparoundTables | CappedList::TaskHistory => {
            GovernedSource::Maintenance
        }
        CappedList::QueryHashes => GovernedSource::Latency,
    }
}

/// The desired interval of the per-relation groups when not on view, and of the
/// database sizes (they walk every file; a figure that moves slowly).
const IDLE_GROUP_EVERY: Duration = Duration::from_secs(300);

/// Tier intervals and the latency source's settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PollerConfig {
    pub fast: Duration,
    pub slow: Duration,
    pub latency_window: Duration,
    pub slow_query_threshold: Duration,
    /// How far back the Cache screen's snapshot history reaches.
    pub history_window: Duration,
    /// pgpulse's server time per [`governor::BUDGET_WINDOW`].
    pub server_budget: Duration,
}

impl PollerConfig {
    /// The config file's `[refresh]` with `--refresh` and `--slow-refresh` over it: what
    /// the live view, `pgpulse record`, `report` and `doctor` all poll with. The flags were
    /// range-checked when parsed; the slow tier never polls more often than the fast one.
    pub fn from_settings(
        refresh: &Refresh,
        fast: Option<Duration>,
        slow: Option<Duration>,
    ) -> Self {
        let fast = fast.unwrap_or(refresh.fast);
        Self {
            fast,
            slow: slow.unwrap_or(refresh.slow).max(fast),
            latency_window: refresh.latency_window,
            slow_query_threshold: refresh.slow_query,
            server_budget: refresh.server_budget,
            ..Self::default()
        }
    }
}

impl Default for PollerConfig {
    fn default() -> Self {
        Self {
            fast: Duration::from_secs(1),
            slow: Duration::from_secs(15),
            latency_window: Duration::from_secs(15 * 60),
            slow_query_threshold: Duration::from_secs(5),
            history_window: Duration::from_secs(86_400),
            server_budget: Duration::from_millis(60),
        }
    }
}

/// A governor for `config`'s budget and tiers, with `watched` on view.
pub(super) fn governed(config: &PollerConfig, watched: Option<SlowGroup>) -> Governor {
    let mut governor = Governor::new(config.server_budget, config.fast);
    set_desired(&mut governor, config, watched);
    governor.set_visible(watched.map_or(&[][..], SlowGroup::sources), Instant::now());
    governor
}

/// Each source's interval without the budget: the statement counters follow the refresh
/// on the Queries screen; the per-relation groups follow the slow tier on view and
/// [`IDLE_GROUP_EVERY`] hidden (alerts are all they serve then), like the sizes.
pub(super) fn set_desired(
    governor: &mut Governor,
    config: &PollerConfig,
    watched: Option<SlowGroup>,
) {
    governor.set_fast(config.fast);
    let on_view = |source| watched.is_some_and(|g| g.sources().contains(&source));
    for source in GovernedSource::ALL {
        let desired = match source {
            GovernedSource::Statements if watched == Some(SlowGroup::Queries) => config.fast,
            GovernedSource::Statements | GovernedSource::Latency | GovernedSource::TableTotals => {
                config.slow
            }
            GovernedSource::Cache | GovernedSource::Indexes | GovernedSource::Maintenance
                if on_view(source) =>
            {
                config.slow
            }
            _ => IDLE_GROUP_EVERY.max(config.slow),
        };
        governor.set_desired(source, desired);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flags_beat_the_config_file_and_the_slow_tier_is_never_faster() {
        let file = Refresh::default();
        let secs = Duration::from_secs;
        let from_file = PollerConfig::from_settings(&file, None, None);
        assert_eq!((from_file.fast, from_file.slow), (file.fast, file.slow));
        assert_eq!(from_file.server_budget, file.server_budget);
        assert_eq!(from_file.latency_window, file.latency_window);
        assert_eq!(from_file.slow_query_threshold, file.slow_query);
        let flags = PollerConfig::from_settings(&file, Some(secs(2)), Some(secs(30)));
        assert_eq!((flags.fast, flags.slow), (secs(2), secs(30)));
        // `--refresh 60` alone: the file's 15 s slow tier follows it up to 60 s.
        let slower = PollerConfig::from_settings(&file, Some(secs(60)), None);
        assert_eq!((slower.fast, slower.slow), (secs(60), secs(60)));
    }
}
