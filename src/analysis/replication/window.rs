//! Checkpoints and archive failures over a window of recent intervals: one refresh
//! interval is too short to judge "requested checkpoints are a fifth of all" or
//! "archiving keeps failing" (a failure would flash for a second). Like the deadlock
//! window, it moves only with fresh reads.

use std::collections::VecDeque;
use std::time::{Duration, SystemTime};

use super::rates::WalInterval;

/// Checkpoints and archive failures summed over a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WindowTotals {
    /// How much time the summed intervals cover (less than the window after a start).
    pub covered: Duration,
    pub checkpoints_timed: i64,
    pub checkpoints_requested: i64,
    pub archive_failures: i64,
    /// WAL written over the covered time (intervals with a known position only).
    pub wal_bytes: i64,
}

impl WindowTotals {
    /// WAL bytes per second over the covered time (`None` when nothing is covered).
    pub fn wal_rate(&self) -> Option<f64> {
        let secs = self.covered.as_secs_f64();
        (secs > 0.0).then(|| self.wal_bytes as f64 / secs)
    }

    /// Requested checkpoints among all (`None` when there was none).
    pub fn requested_share(&self) -> Option<f64> {
        let all = self.checkpoints_timed + self.checkpoints_requested;
        (all > 0).then(|| self.checkpoints_requested as f64 / all as f64)
    }
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    end: SystemTime,
    length: Duration,
    timed: i64,
    requested: i64,
    failed: i64,
    wal_bytes: i64,
}

/// The intervals of the longest window asked for, newest last.
#[derive(Debug, Clone, Default)]
pub struct IntervalWindow {
    entries: VecDeque<Entry>,
}

impl IntervalWindow {
    /// Adds the interval ending at `end` and forgets what is older than `keep`.
    pub fn record(&mut self, end: SystemTime, interval: &WalInterval, keep: Duration) {
        let checkpoints = interval.checkpoints.unwrap_or_default();
        self.entries.push_back(Entry {
            end,
            length: interval.length,
            timed: checkpoints.timed,
            requested: checkpoints.requested,
            failed: interval.archive_failed.unwrap_or(0),
            wal_bytes: interval.wal_bytes.unwrap_or(0),
        });
        while self
            .entries
            .front()
            .is_some_and(|e| end.duration_since(e.end).unwrap_or_default() > keep)
        {
            self.entries.pop_front();
        }
    }

    /// Totals over the intervals that ended within `window` of the newest; `None`
    /// before the first interval.
    pub fn totals(&self, window: Duration) -> Option<WindowTotals> {
        let newest = self.entries.back()?.end;
        let mut totals = WindowTotals::default();
        for e in self
            .entries
            .iter()
            .filter(|e| newest.duration_since(e.end).unwrap_or_default() < window)
        {
            totals.covered += e.length;
            totals.checkpoints_timed += e.timed;
            totals.checkpoints_requested += e.requested;
            totals.archive_failures += e.failed;
            totals.wal_bytes += e.wal_bytes;
        }
        Some(totals)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::replication::rates::{tests::wal, wal_interval};

    #[test]
    fn totals_cover_the_window_and_old_intervals_expire() {
        let mut window = IntervalWindow::default();
        let reads = [
            wal(0, 0, 0, 0, 0),
            wal(60, 0, 1, 0, 0),
            wal(120, 0, 1, 1, 2),
            wal(600, 0, 2, 1, 2),
        ];
        for pair in reads.windows(2) {
            let interval = wal_interval(&pair[0], &pair[1]).unwrap();
            window.record(pair[1].now, &interval, Duration::from_secs(3600));
        }
        let hour = window.totals(Duration::from_secs(3600)).unwrap();
        assert_eq!((hour.checkpoints_timed, hour.checkpoints_requested), (2, 1));
        assert_eq!(hour.requested_share(), Some(1.0 / 3.0));
        assert_eq!(hour.covered, Duration::from_secs(600));
        // The archive failures happened 8 minutes before the newest read.
        let five = window.totals(Duration::from_secs(300)).unwrap();
        assert_eq!(five.archive_failures, 0);
        assert_eq!(hour.archive_failures, 2);
        assert_eq!(WindowTotals::default().requested_share(), None);
    }
}
