//! Raw latency histograms read from `query_performance_log` since the previous read: the
//! poller's incremental latency source. The window's percentiles are merged from them in
//! `analysis::latency_store`.

use std::time::Duration;

/// Histogram bucket of an execution time in whole ms, as `performance_log_buckets.sql`
/// computes it: 0..31 ms one bucket each, then log-spaced by [`LOG_FACTOR`].
pub const EXACT_BELOW_MS: i64 = 32;
/// Ratio between the bounds of one log-spaced bucket.
pub const LOG_FACTOR: f64 = 1.04;
/// The last bucket (everything slower lands in it).
pub const LAST_BUCKET: u16 = 600;

/// The bucket of `ms`, the same function as the SQL's.
pub fn histogram_bucket(ms: i64) -> u16 {
    if ms < EXACT_BELOW_MS {
        return ms.max(0) as u16;
    }
    let k = ((ms as f64 / EXACT_BELOW_MS as f64).ln() / LOG_FACTOR.ln()).floor();
    (EXACT_BELOW_MS as f64 + k).min(LAST_BUCKET as f64) as u16
}

/// One (time bucket, query hash) of a read.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LatencyBucket {
    /// `floor(epoch(executed_at) / width)`.
    pub bucket: i64,
    pub query_hash: String,
    pub count: i64,
    pub sum_ms: f64,
    pub max_ms: f64,
    pub slow_count: i64,
    pub rows_examined: i64,
    pub rows_returned: i64,
    /// Latency histogram, sparse: (histogram bucket, executions), ascending.
    pub histogram: Vec<(u16, u32)>,
}

/// What one read of `performance_log_buckets.sql` returned.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LatencyRead {
    /// Numbers the reads of one session in order (a model absorbs each read once).
    pub sequence: u64,
    pub window: Duration,
    pub slow_threshold: Duration,
    /// Seconds per time bucket.
    pub width_s: i64,
    /// The first bucket of the window at the time of the read.
    pub window_bucket: i64,
    /// Every bucket from this one on is replaced by `buckets`.
    pub from_bucket: i64,
    /// The server's current bucket: the high-water mark the next read starts before.
    pub now_bucket: i64,
    /// Whether this read covered the whole window (first read, widened window).
    pub full: bool,
    pub buckets: Vec<LatencyBucket>,
    /// The text searched for in query hashes (the Queries table's filter), if any.
    pub search: Option<String>,
}

/// Seconds per time bucket for a window: one minute up to a 2 h window, then coarser so
/// that a window holds at most ~120 buckets (7 days: 84 min), a multiple of 60 s.
pub fn bucket_width_s(window: Duration) -> i64 {
    let minutes = (window.as_secs() as i64 / 60).max(1);
    60 * ((minutes + 119) / 120).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_exact_below_32_ms_then_log_spaced() {
        assert_eq!(histogram_bucket(-3), 0);
        assert_eq!(histogram_bucket(0), 0);
        assert_eq!(histogram_bucket(31), 31);
        assert_eq!(histogram_bucket(32), 32);
        assert_eq!(histogram_bucket(33), 32);
        assert_eq!(histogram_bucket(34), 33);
        assert_eq!(histogram_bucket(i64::MAX / 2), LAST_BUCKET);
    }

    #[test]
    fn widths_are_minutes_and_at_most_120_per_window() {
        assert_eq!(bucket_width_s(Duration::from_secs(60)), 60);
        assert_eq!(bucket_width_s(Duration::from_secs(2 * 3600)), 60);
        assert_eq!(bucket_width_s(Duration::from_secs(7 * 86_400)), 84 * 60);
    }
}
