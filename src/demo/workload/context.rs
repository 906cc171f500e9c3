//! What every task of the workload shares: where to connect, the counters and the
//! latencies waiting to be logged, the stop signal; and statements as the application
//! sends them.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use tokio::sync::watch;

use crate::pg::conninfo::ConnParams;
use crate::text::sanitize::sanitized;

/// A statement as the application sends it: the file's header comment (for readers of
/// `queries/demo/`) stays out, or it would be the first thing the Queries screen and
/// pg_stat_statements show for every demo statement.
pub(super) fn body(sql: &'static str) -> &'static str {
    let mut rest = sql;
    loop {
        let trimmed = rest.trim_start();
        match trimmed.strip_prefix("--") {
            Some(comment) => rest = comment.split_once('\n').map_or("", |(_, after)| after),
            None => return trimmed,
        }
    }
}

/// The share of the pool's reads sent to the standby when there is one: the seed's
/// "70% reads to replicas, 30% writes to primary" ("Horizontal Scaling Strategy › Read
/// Replicas"). Writes, and the reads left, go to the primary.
pub const READS_TO_REPLICA: f64 = 0.7;

/// The most latencies kept while the log cannot be written (oldest dropped first).
const PENDING_TIMINGS_CAP: usize = 50_000;

/// Counters since [`spawn`](super::spawn).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkloadStats {
    /// Operations that completed: scenario operations, reports, editors' updates.
    pub operations: u64,
    /// Failed operations, connections and jobs.
    pub errors: u64,
    /// Rows written to query_performance_log.
    pub logged: u64,
    pub slow_queries: u64,
    pub lock_chains: u64,
    pub snapshots: u64,
    /// The latest error, one sanitized line naming what failed.
    pub last_error: Option<String>,
}

/// What every task gets: where to connect, the shared counters, the stop signal.
#[derive(Clone)]
pub(super) struct Context {
    pub(super) params: Arc<ConnParams>,
    /// The streaming standby, when there is one: the pool sends it
    /// [`READS_TO_REPLICA`] of its reads.
    pub(super) replica: Option<Arc<ConnParams>>,
    /// The primary through PgBouncer, when there is one: the user-activity clients go
    /// through it.
    pub(super) pooled: Option<Arc<ConnParams>>,
    pub(super) shared: Arc<Shared>,
    pub(super) stop: watch::Receiver<bool>,
}

/// One operation's latency, waiting to be logged.
pub(super) struct Timing {
    pub(super) query_hash: &'static str,
    pub(super) elapsed: Duration,
    pub(super) rows_examined: Option<i32>,
    pub(super) rows_returned: Option<i32>,
    pub(super) at: SystemTime,
}

impl Timing {
    /// Whole milliseconds, as the seed's INTEGER column holds them, rounded.
    pub(super) fn millis(&self) -> i32 {
        let millis = (self.elapsed.as_secs_f64() * 1000.0).round();
        if millis >= f64::from(i32::MAX) {
            i32::MAX
        } else {
            millis as i32
        }
    }
}

#[derive(Default)]
pub(super) struct Shared {
    operations: AtomicU64,
    errors: AtomicU64,
    logged: AtomicU64,
    slow_queries: AtomicU64,
    lock_chains: AtomicU64,
    snapshots: AtomicU64,
    last_error: Mutex<Option<String>>,
    timings: Mutex<Vec<Timing>>,
}

/// A poisoned lock only means a task panicked while holding it; the data (counters,
/// pending timings) is still fine to use.
pub(super) fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    pub(super) fn record(&self, timing: Timing) {
        self.operations.fetch_add(1, Ordering::Relaxed);
        let mut timings = locked(&self.timings);
        if timings.len() >= PENDING_TIMINGS_CAP {
            timings.remove(0);
        }
        timings.push(timing);
    }

    pub(super) fn error(&self, what: &str, message: String) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        let line = sanitized(&format!("{what}: {message}"));
        tracing::debug!("demo workload: {line}");
        *locked(&self.last_error) = Some(line);
    }

    pub(super) fn take_timings(&self) -> Vec<Timing> {
        std::mem::take(&mut *locked(&self.timings))
    }

    /// Puts back a batch that could not be written, ahead of the newer ones, within the
    /// cap.
    pub(super) fn restore_timings(&self, mut batch: Vec<Timing>) {
        let mut timings = locked(&self.timings);
        batch.append(&mut timings);
        let excess = batch.len().saturating_sub(PENDING_TIMINGS_CAP);
        batch.drain(..excess);
        *timings = batch;
    }

    pub(super) fn count_logged(&self, rows: u64) {
        self.logged.fetch_add(rows, Ordering::Relaxed);
    }

    pub(super) fn count_slow_query(&self) {
        self.slow_queries.fetch_add(1, Ordering::Relaxed);
    }

    pub(super) fn count_lock_chain(&self) {
        self.lock_chains.fetch_add(1, Ordering::Relaxed);
    }

    pub(super) fn count_snapshot(&self) {
        self.snapshots.fetch_add(1, Ordering::Relaxed);
    }

    pub(super) fn stats(&self) -> WorkloadStats {
        WorkloadStats {
            operations: self.operations.load(Ordering::Relaxed),
            errors: self.errors.load(Ordering::Relaxed),
            logged: self.logged.load(Ordering::Relaxed),
            slow_queries: self.slow_queries.load(Ordering::Relaxed),
            lock_chains: self.lock_chains.load(Ordering::Relaxed),
            snapshots: self.snapshots.load(Ordering::Relaxed),
            last_error: locked(&self.last_error).clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_are_sent_without_their_header_comment() {
        assert_eq!(body("-- a\n-- b\nSELECT 1 -- c\n"), "SELECT 1 -- c\n");
        assert_eq!(body("SELECT 1"), "SELECT 1");
        assert_eq!(body("-- only"), "");
    }

    #[test]
    fn timing_rounds_to_milliseconds() {
        let timing = |elapsed| Timing {
            query_hash: "x",
            elapsed,
            rows_examined: None,
            rows_returned: None,
            at: SystemTime::UNIX_EPOCH,
        };
        assert_eq!(timing(Duration::from_micros(400)).millis(), 0);
        assert_eq!(timing(Duration::from_micros(1_600)).millis(), 2);
        assert_eq!(timing(Duration::from_secs(5_500_000)).millis(), i32::MAX);
    }

    #[test]
    fn pending_timings_are_capped_oldest_first() {
        let shared = Shared::default();
        let timing = |ms| Timing {
            query_hash: "x",
            elapsed: Duration::from_millis(ms),
            rows_examined: None,
            rows_returned: None,
            at: SystemTime::UNIX_EPOCH,
        };
        shared.restore_timings((0..PENDING_TIMINGS_CAP as u64).map(timing).collect());
        shared.record(timing(999_999));
        let kept = shared.take_timings();
        assert_eq!(kept.len(), PENDING_TIMINGS_CAP);
        assert_eq!(kept.first().map(Timing::millis), Some(1));
        assert_eq!(kept.last().map(Timing::millis), Some(999_999));
        assert_eq!(shared.stats().operations, 1);
    }
}
