//! Recent values of the charted metrics, kept for a retention period.
//!
//! Points are dropped by age, not by count, so changing the refresh interval changes
//! how dense a chart is but never how far back it reaches. An interval without a rate
//! records nothing: the chart shows a gap rather than a made-up point.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, SystemTime};

use super::derived::{SnapshotMetrics, snapshot_metrics};
use crate::monitor::snapshot::Snapshot;

/// A charted metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Series {
    /// Transactions per second of the connected database.
    Tps,
    /// Transactions per second of all databases together.
    ServerTps,
    /// Mean top-level statement latency in the interval, milliseconds.
    MeanLatencyMs,
    /// Cache hit ratio of the connected database in the interval, `0..=1`.
    CacheHitRatio,
    /// Client backends.
    Connections,
    /// Temporary file bytes written per second by the connected database.
    TempBytesPerSec,
}

/// Ring buffers of `(time, value)` per [`Series`].
#[derive(Debug, Clone)]
pub struct History {
    retention: Duration,
    /// Expected points per series (retention / refresh): an allocation hint, not a cap.
    capacity: usize,
    /// The latest time recorded in any series: "now" for the charts.
    newest: Option<SystemTime>,
    series: HashMap<Series, VecDeque<(SystemTime, f64)>>,
}

impl Default for History {
    /// Ten minutes at one poll per second.
    fn default() -> Self {
        Self::new(Self::DEFAULT_RETENTION, Duration::from_secs(1))
    }
}

impl History {
    /// How far back charts reach unless configured otherwise.
    pub const DEFAULT_RETENTION: Duration = Duration::from_secs(600);

    /// An empty history keeping `retention` worth of points, polled every `refresh`.
    pub fn new(retention: Duration, refresh: Duration) -> Self {
        Self {
            retention,
            capacity: expected_points(retention, refresh),
            newest: None,
            series: HashMap::new(),
        }
    }

    /// How far back points are kept.
    pub fn retention(&self) -> Duration {
        self.retention
    }

    /// Adapts allocations to a new refresh interval; the retention is unchanged.
    pub fn set_refresh_interval(&mut self, refresh: Duration) {
        self.capacity = expected_points(self.retention, refresh);
        for points in self.series.values_mut() {
            points.reserve(self.capacity.saturating_sub(points.len()));
        }
    }

    /// Adds a point and forgets, in every series, points older than the retention.
    ///
    /// Time must move forward: a point at or before the newest one of its series replaces
    /// the later ones, and a time before the newest of the whole history (the clock went
    /// back) drops everything later, so a chart never runs backwards. Non-finite values
    /// are ignored.
    pub fn record(&mut self, at: SystemTime, series: Series, value: f64) {
        if !value.is_finite() {
            return;
        }
        if self.newest.is_some_and(|newest| at < newest) {
            for points in self.series.values_mut() {
                drop_from(points, at);
            }
        }
        let capacity = self.capacity;
        let points = self
            .series
            .entry(series)
            .or_insert_with(|| VecDeque::with_capacity(capacity));
        drop_from(points, at);
        points.push_back((at, value));
        // Nothing later than `at` is left anywhere, so it is the newest time.
        self.newest = Some(at);
        if let Some(cutoff) = at.checked_sub(self.retention) {
            for points in self.series.values_mut() {
                while points.front().is_some_and(|&(t, _)| t < cutoff) {
                    points.pop_front();
                }
            }
        }
    }

    /// The points of `series`, oldest first, as `(seconds before the newest point of
    /// the history, value)`: x ≤ 0, ready for a ratatui `Chart` with x bounds
    /// `[-retention, 0]`.
    pub fn points(&self, series: Series) -> impl Iterator<Item = (f64, f64)> + '_ {
        let newest = self.newest;
        self.series
            .get(&series)
            .into_iter()
            .flatten()
            .map(move |&(t, value)| {
                let age = newest
                    .and_then(|newest| newest.duration_since(t).ok())
                    .unwrap_or_default();
                (-age.as_secs_f64(), value)
            })
    }

    /// The most recent value of `series`.
    pub fn last(&self, series: Series) -> Option<f64> {
        self.series.get(&series)?.back().map(|&(_, value)| value)
    }

    /// Forgets everything (for instance after connecting to another server).
    pub fn clear(&mut self) {
        self.series.clear();
        self.newest = None;
    }

    /// Records whatever the interval's metrics have ready; resets and first polls
    /// record nothing, leaving a gap.
    pub fn record_metrics(&mut self, metrics: &SnapshotMetrics) {
        let at = metrics.at;
        if let Some(rates) = metrics.database.ready() {
            self.record(at, Series::Tps, rates.tps);
            self.record(at, Series::TempBytesPerSec, rates.temp_bytes_per_sec);
        }
        // The dashboard's cache hit is server-wide, like its TPS tile.
        if let Some(rates) = metrics.server.ready() {
            self.record(at, Series::ServerTps, rates.tps);
            if let Some(ratio) = rates.cache_hit_ratio {
                self.record(at, Series::CacheHitRatio, ratio);
            }
        }
        if let Some(latency) = metrics.mean_latency_ms {
            self.record(at, Series::MeanLatencyMs, latency);
        }
        if let Some(connections) = metrics.connections {
            self.record(at, Series::Connections, connections as f64);
        }
    }

    /// [`snapshot_metrics`] then [`History::record_metrics`], for callers that do not
    /// need the metrics themselves.
    pub fn record_snapshot(&mut self, prev: Option<&Snapshot>, cur: &Snapshot, datid: u32) {
        self.record_metrics(&snapshot_metrics(prev, cur, datid));
    }
}

/// Removes the points at or after `at` from the end of a series.
fn drop_from(points: &mut VecDeque<(SystemTime, f64)>, at: SystemTime) {
    while points.back().is_some_and(|&(t, _)| t >= at) {
        points.pop_back();
    }
}

/// Points per series at one poll every `refresh`, bounded so that a silly setting
/// cannot reserve gigabytes up front.
fn expected_points(retention: Duration, refresh: Duration) -> usize {
    const MAX_PREALLOCATED: f64 = 100_000.0;
    let refresh = refresh.max(Duration::from_millis(10)).as_secs_f64();
    (retention.as_secs_f64() / refresh)
        .ceil()
        .min(MAX_PREALLOCATED) as usize
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitor::snapshot::test_support::*;

    fn at_ms(ms: u64) -> SystemTime {
        at(0) + Duration::from_millis(ms)
    }

    fn xs(history: &History, series: Series) -> Vec<f64> {
        history.points(series).map(|(x, _)| x).collect()
    }

    #[test]
    fn points_are_relative_to_the_newest_and_oldest_first() {
        let mut history = History::default();
        history.record(at(10), Series::Tps, 1.0);
        history.record(at(11), Series::Tps, 2.0);
        history.record(at(13), Series::Connections, 7.0);
        let points: Vec<(f64, f64)> = history.points(Series::Tps).collect();
        assert_eq!(points, [(-3.0, 1.0), (-2.0, 2.0)]);
        assert_eq!(history.last(Series::Tps), Some(2.0));
        assert_eq!(history.last(Series::CacheHitRatio), None);
        assert_eq!(history.points(Series::CacheHitRatio).count(), 0);
    }

    #[test]
    fn old_points_are_dropped_by_time() {
        let mut history = History::new(Duration::from_secs(60), Duration::from_secs(1));
        for t in 0..=600 {
            history.record(at(t), Series::Tps, t as f64);
        }
        assert_eq!(history.points(Series::Tps).count(), 61);
        assert_eq!(xs(&history, Series::Tps).first(), Some(&-60.0));
    }

    #[test]
    fn retention_holds_by_time_after_the_refresh_interval_changes() {
        let mut history = History::new(Duration::from_secs(60), Duration::from_secs(1));
        for t in 0..120 {
            history.record(at_ms(t * 1_000), Series::Tps, 1.0);
        }
        // Four times faster: four times the points, over the same minute.
        history.set_refresh_interval(Duration::from_millis(250));
        for i in 1..=480 {
            history.record(at_ms(119_000 + i * 250), Series::Tps, 2.0);
        }
        let xs = xs(&history, Series::Tps);
        assert_eq!(xs.len(), 241);
        assert!(xs.iter().all(|&x| (-60.0..=0.0).contains(&x)));
        // And slower again: the old dense points age out, nothing overflows.
        history.set_refresh_interval(Duration::from_secs(10));
        for i in 1..=12 {
            history.record(at_ms(239_000 + i * 10_000), Series::Tps, 3.0);
        }
        assert_eq!(
            history
                .points(Series::Tps)
                .map(|(_, v)| v)
                .collect::<Vec<_>>(),
            [3.0; 7]
        );
    }

    #[test]
    fn series_that_stop_being_recorded_age_out_too() {
        let mut history = History::new(Duration::from_secs(10), Duration::from_secs(1));
        history.record(at(0), Series::CacheHitRatio, 0.9);
        history.record(at(5), Series::Tps, 1.0);
        assert_eq!(xs(&history, Series::CacheHitRatio), [-5.0]);
        history.record(at(11), Series::Tps, 1.0);
        assert_eq!(history.points(Series::CacheHitRatio).count(), 0);
    }

    #[test]
    fn a_clock_going_back_never_makes_a_chart_run_backwards() {
        let mut history = History::default();
        for t in [10, 20, 30] {
            history.record(at(t), Series::Tps, t as f64);
            history.record(at(t), Series::Connections, 1.0);
        }
        history.record(at(25), Series::Tps, 99.0);
        assert_eq!(
            history.points(Series::Tps).collect::<Vec<_>>(),
            [(-15.0, 10.0), (-5.0, 20.0), (0.0, 99.0)]
        );
        assert_eq!(xs(&history, Series::Connections), [-15.0, -5.0]);
    }

    #[test]
    fn recording_the_same_time_twice_replaces_the_point() {
        let mut history = History::default();
        history.record(at(1), Series::Tps, 1.0);
        history.record(at(1), Series::Tps, 2.0);
        assert_eq!(
            history.points(Series::Tps).collect::<Vec<_>>(),
            [(0.0, 2.0)]
        );
    }

    #[test]
    fn non_finite_values_are_never_recorded() {
        let mut history = History::default();
        history.record(at(1), Series::Tps, f64::NAN);
        history.record(at(2), Series::Tps, f64::INFINITY);
        assert_eq!(history.points(Series::Tps).count(), 0);
    }

    #[test]
    fn snapshots_record_ready_rates_and_leave_gaps_at_resets() {
        let mut history = History::default();
        let s0 = snapshot_at(0).with_database(db(1).commits(0).blocks(0, 0));
        let s1 = snapshot_at(1).with_database(db(1).commits(10).blocks(9, 1));
        let s2 = snapshot_at(2).with_database(db(1).commits(1).stats_reset_at(2));
        let s3 = snapshot_at(3).with_database(db(1).commits(21).stats_reset_at(2));
        history.record_snapshot(None, &s0, 1);
        history.record_snapshot(Some(&s0), &s1, 1);
        history.record_snapshot(Some(&s1), &s2, 1);
        history.record_snapshot(Some(&s2), &s3, 1);
        let tps: Vec<(f64, f64)> = history.points(Series::Tps).collect();
        assert_eq!(tps, [(-2.0, 10.0), (0.0, 20.0)]);
        assert_eq!(xs(&history, Series::CacheHitRatio), [-2.0]);
        // Connections are a gauge, not a rate: every poll with activity records one.
        assert_eq!(history.points(Series::Connections).count(), 4);
    }

    #[test]
    fn clear_forgets_everything() {
        let mut history = History::default();
        history.record(at(1), Series::Tps, 1.0);
        history.clear();
        assert_eq!(history.last(Series::Tps), None);
    }
}
