//! What an on-call DBA gets paged for beyond the seed's list: sessions stuck waiting on a
//! lock, sessions idle inside an open transaction, deadlocks and temporary files.
//!
//! Deadlocks and temp files are counters in `pg_stat_database`; one refresh interval (1 s)
//! is too short to read or to alert on (a deadlock would flash for a second), so they are
//! judged over a window of recent intervals ([`EventWindow`], default 5 minutes). The
//! window moves only with fresh data: an interval that was not read (connection lost,
//! first poll, stats reset) adds nothing and expires nothing.

use std::collections::VecDeque;
use std::time::{Duration, SystemTime};

use crate::analysis::metrics::{DatabaseRates, Limits};
use crate::settings::config::ThresholdSettings;

/// Limits of the incident alerts. `Default` is what `pgpulse --print-config` shows.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentThresholds {
    /// How long one session has waited for a lock; bad at or above (10 s / 60 s).
    pub lock_wait: Limits<Duration>,
    /// How long one session has sat idle in an open transaction; bad at or above
    /// (60 s / 5 min): it holds its locks and the xmin horizon all that time.
    pub idle_in_transaction: Limits<Duration>,
    /// Deadlocks within [`window`](Self::window), server-wide; bad at or above. Any
    /// deadlock aborted a transaction, so one is a warning; five are critical.
    pub deadlocks: Limits<u64>,
    /// Bytes written to temporary files within the window, server-wide; warning at or
    /// above 1 GiB (about 3.4 MB/s for 5 minutes: queries sorting or hashing on disk
    /// all the time, usually a `work_mem` too small for them). No critical level.
    pub temp_bytes: Limits<u64>,
    /// How far back deadlocks and temp files are counted.
    pub window: Duration,
}

impl Default for IncidentThresholds {
    fn default() -> Self {
        Self {
            lock_wait: Limits {
                warn: Duration::from_secs(10),
                crit: Some(Duration::from_secs(60)),
            },
            idle_in_transaction: Limits {
                warn: Duration::from_secs(60),
                crit: Some(Duration::from_secs(300)),
            },
            deadlocks: Limits {
                warn: 1,
                crit: Some(5),
            },
            temp_bytes: Limits {
                warn: 1 << 30,
                crit: None,
            },
            window: Duration::from_secs(300),
        }
    }
}

impl IncidentThresholds {
    /// The config file's `[thresholds]` as the incident alerts judge by them.
    pub fn from_settings(t: &ThresholdSettings) -> Self {
        IncidentThresholds {
            lock_wait: Limits::warn_crit(t.lock_wait_warn, t.lock_wait_crit),
            idle_in_transaction: Limits::warn_crit(
                t.idle_in_transaction_warn,
                t.idle_in_transaction_crit,
            ),
            deadlocks: Limits::warn_crit(t.deadlocks_warn, t.deadlocks_crit),
            temp_bytes: Limits {
                warn: t.temp_bytes_warn,
                crit: None,
            },
            window: t.events_window,
        }
    }
}

/// What the server's databases did in one refresh interval, from `pg_stat_database`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntervalEvents {
    /// The interval's length.
    pub length: Duration,
    pub deadlocks: i64,
    pub temp_files: i64,
    pub temp_bytes: i64,
}

impl IntervalEvents {
    /// The counts of a ready interval (all databases summed).
    pub fn of(rates: &DatabaseRates) -> Self {
        Self {
            length: rates.interval,
            deadlocks: rates.deadlocks,
            temp_files: rates.temp_files,
            temp_bytes: rates.temp_bytes,
        }
    }
}

/// Deadlocks and temp files summed over the recent intervals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventTotals {
    /// How much time the counted intervals cover (at most the window; less after a
    /// start, a reconnect or a stats reset).
    pub covered: Duration,
    pub deadlocks: i64,
    pub temp_files: i64,
    pub temp_bytes: i64,
    /// When the newest interval with a deadlock ended.
    pub last_deadlock: Option<SystemTime>,
    /// When the newest interval was read: older than a refresh or two means the counts
    /// are held from before an outage.
    pub newest: SystemTime,
    /// When the oldest interval began: `newest - oldest_start` is the time the counts
    /// span, of which `covered` was read (an outage leaves a gap).
    pub oldest_start: SystemTime,
}

/// The intervals of the last window, newest last, each with the time its data was read.
#[derive(Debug, Clone, Default)]
pub struct EventWindow {
    intervals: VecDeque<(SystemTime, IntervalEvents)>,
}

impl EventWindow {
    /// Adds the interval read at `at` and forgets intervals that ended more than
    /// `window` before it. Only fresh data is recorded, so a pause in the data (outage)
    /// stops the window rather than emptying it.
    pub fn record(&mut self, at: SystemTime, events: IntervalEvents, window: Duration) {
        self.intervals.push_back((at, events));
        let oldest = at.checked_sub(window).unwrap_or(SystemTime::UNIX_EPOCH);
        while self
            .intervals
            .front()
            .is_some_and(|(end, _)| *end <= oldest)
        {
            self.intervals.pop_front();
        }
    }

    /// The sums, or `None` before the first interval.
    pub fn totals(&self) -> Option<EventTotals> {
        if self.intervals.is_empty() {
            return None;
        }
        let mut totals = EventTotals {
            covered: Duration::ZERO,
            deadlocks: 0,
            temp_files: 0,
            temp_bytes: 0,
            last_deadlock: None,
            newest: SystemTime::UNIX_EPOCH,
            oldest_start: SystemTime::UNIX_EPOCH,
        };
        if let Some((at, events)) = self.intervals.front() {
            totals.oldest_start = at.checked_sub(events.length).unwrap_or(*at);
        }
        for (at, events) in &self.intervals {
            totals.covered += events.length;
            totals.deadlocks = totals.deadlocks.saturating_add(events.deadlocks);
            totals.temp_files = totals.temp_files.saturating_add(events.temp_files);
            totals.temp_bytes = totals.temp_bytes.saturating_add(events.temp_bytes);
            if events.deadlocks > 0 {
                totals.last_deadlock = Some(*at);
            }
            totals.newest = *at;
        }
        Some(totals)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_files_defaults_are_these_defaults() {
        assert_eq!(
            IncidentThresholds::from_settings(&ThresholdSettings::default()),
            IncidentThresholds::default()
        );
    }

    #[test]
    fn every_setting_reaches_its_limit() {
        let incidents = IncidentThresholds::from_settings(&ThresholdSettings {
            lock_wait_warn: Duration::from_secs(2),
            lock_wait_crit: Duration::from_secs(20),
            idle_in_transaction_warn: Duration::from_secs(30),
            idle_in_transaction_crit: Duration::from_secs(120),
            deadlocks_warn: 2,
            deadlocks_crit: 3,
            temp_bytes_warn: 256 << 20,
            events_window: Duration::from_secs(600),
            ..ThresholdSettings::default()
        });
        assert_eq!(
            (incidents.lock_wait.warn, incidents.lock_wait.crit),
            (Duration::from_secs(2), Some(Duration::from_secs(20)))
        );
        assert_eq!(
            (
                incidents.idle_in_transaction.warn,
                incidents.idle_in_transaction.crit
            ),
            (Duration::from_secs(30), Some(Duration::from_secs(120)))
        );
        assert_eq!(
            (incidents.deadlocks.warn, incidents.deadlocks.crit),
            (2, Some(3))
        );
        assert_eq!(
            (incidents.temp_bytes.warn, incidents.temp_bytes.crit),
            (256 << 20, None)
        );
        assert_eq!(incidents.window, Duration::from_secs(600));
    }

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000 + secs)
    }

    fn second(deadlocks: i64, temp_bytes: i64) -> IntervalEvents {
        IntervalEvents {
            length: Duration::from_secs(1),
            deadlocks,
            temp_files: i64::from(temp_bytes > 0),
            temp_bytes,
        }
    }

    #[test]
    fn the_window_sums_recent_intervals_and_forgets_old_ones() {
        let window = Duration::from_secs(300);
        let mut recent = EventWindow::default();
        assert_eq!(recent.totals(), None, "nothing known before an interval");
        recent.record(at(1), second(1, 0), window);
        recent.record(at(2), second(0, 4096), window);
        let totals = recent.totals();
        assert_eq!(
            totals.map(|t| (t.deadlocks, t.temp_files, t.temp_bytes, t.last_deadlock)),
            Some((1, 1, 4096, Some(at(1))))
        );
        // 300 s after the deadlock's interval ended it is out of the window.
        recent.record(at(301), second(0, 0), window);
        let totals = recent.totals();
        assert_eq!(totals.map(|t| t.deadlocks), Some(0));
        assert_eq!(totals.map(|t| t.temp_bytes), Some(4096));
        assert_eq!(totals.map(|t| t.covered), Some(Duration::from_secs(2)));
        // 298 s between the two intervals were not read: the span says so.
        assert_eq!(
            totals.map(|t| (t.oldest_start, t.newest)),
            Some((at(1), at(301)))
        );
    }

    #[test]
    fn the_defaults_are_the_documented_ones() {
        let t = IncidentThresholds::default();
        assert_eq!(
            t.lock_wait.high_is_bad(Duration::from_millis(9_999)),
            crate::analysis::metrics::Level::Ok
        );
        assert_eq!(
            t.lock_wait.high_is_bad(Duration::from_secs(10)),
            crate::analysis::metrics::Level::Warn
        );
        assert_eq!(
            t.lock_wait.high_is_bad(Duration::from_secs(60)),
            crate::analysis::metrics::Level::Crit
        );
        assert_eq!(t.idle_in_transaction.warn, Duration::from_secs(60));
        assert_eq!(t.idle_in_transaction.crit, Some(Duration::from_secs(300)));
        assert_eq!((t.deadlocks.warn, t.deadlocks.crit), (1, Some(5)));
        assert_eq!((t.temp_bytes.warn, t.temp_bytes.crit), (1 << 30, None));
        assert_eq!(t.window, Duration::from_secs(300));
    }
}
