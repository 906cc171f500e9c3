//! The demo's background workload on the Personal Learning Assistant database.
//!
//! A pool of clients runs the seed's two load scenarios with their operation weights
//! (user activity: profile 30 %, sessions 25 %, recommendations 20 %, insert session
//! 15 %, update progress 10 %; content delivery: by difficulty 40 %, variants 30 %,
//! search 20 %, assessment questions 10 %) and logs each operation's own latency into
//! `query_performance_log`, as the seed's application does. Beside the pool, jobs make
//! every panel and alert show something: statistics snapshots and the seed's "update
//! table statistics" task, an analytics report that runs past 5 s, a three-session lock
//! chain, and progress updates that pile dead tuples into `pace_profiles`.
//!
//! Sessions are named so the Pool screen can tell them apart: `pla-demo-user-activity`
//! and `pla-demo-content-delivery` are the pool (`pla-demo-*`, at most `clients`);
//! `pla-jobs-perf-log`, `pla-jobs-maintenance`, `pla-jobs-analytics` and
//! `pla-jobs-content-admin` (three during a lock chain) are the jobs.

mod client;
mod incidents;
mod maintenance;
mod ops;
mod perf_log;
mod rng;
mod session;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::pg::conninfo::ConnParams;
use crate::text::sanitize::sanitized;

use self::ops::Scenario;
pub(crate) use crate::pg::session::describe;

/// A statement as the application sends it: the file's header comment (for readers of
/// `queries/demo/`) stays out, or it would be the first thing the Queries screen and
/// pg_stat_statements show for every demo statement.
fn body(sql: &'static str) -> &'static str {
    let mut rest = sql;
    loop {
        let trimmed = rest.trim_start();
        match trimmed.strip_prefix("--") {
            Some(comment) => rest = comment.split_once('\n').map_or("", |(_, after)| after),
            None => return trimmed,
        }
    }
}

/// The seed's development connection pool size: `development: { max: 10, min: 2, ... }`
/// ("Connection Pool Optimization › Environment-Specific Configuration").
pub const SEED_DEVELOPMENT_POOL_MAX: usize = 10;

/// The most latencies kept while the log cannot be written (oldest dropped first).
const PENDING_TIMINGS_CAP: usize = 50_000;
/// The bound on [`WorkloadHandle::stop`]: tasks cancel their statements within ~2 s.
const STOP_LIMIT: Duration = Duration::from_secs(5);

/// What to run and how hard.
#[derive(Debug, Clone)]
pub struct WorkloadConfig {
    /// Where the demo database is; the application name is set per session.
    pub params: ConnParams,
    /// Pool connections, split between the two scenarios 5:3 (the seed's
    /// `maxConcurrentUsers` 50 and 30), at least one each from two on; a single client
    /// runs user activity only.
    pub clients: usize,
    /// Operations per second, all clients together; 0 leaves the pool idle.
    pub rate: f64,
    /// How often the > 5 s analytics report runs (first after a third of this); zero
    /// turns it off, as for the other two.
    pub slow_query_every: Duration,
    /// How often a lock chain is staged (first after a third of this).
    pub lock_chain_every: Duration,
    /// How often a statistics snapshot and the statistics task run (first at once).
    pub snapshot_every: Duration,
}

impl WorkloadConfig {
    /// The seed's development pool size and a moderate 40 operations a second, which a
    /// 2-core machine serves while the dashboard stays responsive.
    pub fn new(params: ConnParams) -> Self {
        Self {
            params,
            clients: SEED_DEVELOPMENT_POOL_MAX,
            rate: 40.0,
            slow_query_every: Duration::from_secs(45),
            lock_chain_every: Duration::from_secs(60),
            snapshot_every: Duration::from_secs(60),
        }
    }
}

/// Counters since [`spawn`].
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

/// The running workload. Stop it with [`WorkloadHandle::stop`]; dropping it also tells
/// every task to stop (they then wind down on their own).
pub struct WorkloadHandle {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
    shared: Arc<Shared>,
}

impl WorkloadHandle {
    pub fn stats(&self) -> WorkloadStats {
        self.shared.stats()
    }

    /// Stops every task and waits (at most 5 s) until they have cancelled what they
    /// were running and closed their connections; a task still busy after that is
    /// aborted.
    pub async fn stop(mut self) {
        self.stop.send_replace(true);
        let tasks = std::mem::take(&mut self.tasks);
        let aborts: Vec<_> = tasks.iter().map(JoinHandle::abort_handle).collect();
        let all = futures_util::future::join_all(tasks);
        if tokio::time::timeout(STOP_LIMIT, all).await.is_err() {
            for abort in aborts {
                abort.abort();
            }
        }
    }
}

impl Drop for WorkloadHandle {
    fn drop(&mut self) {
        self.stop.send_replace(true);
    }
}

/// Starts the workload's tasks on the current tokio runtime (so it must be called from
/// inside one).
pub fn spawn(config: WorkloadConfig) -> WorkloadHandle {
    let (stop, stopped) = watch::channel(false);
    let shared = Arc::new(Shared::default());
    let mut params = config.params;
    // Each session names itself (pla-demo-*, pla-jobs-*): a PGAPPNAME would hide that.
    params.application_name = None;
    let ctx = Context {
        params: Arc::new(params),
        shared: Arc::clone(&shared),
        stop: stopped,
    };
    let period = client_period(config.clients, config.rate);
    let mut tasks = Vec::new();
    for (index, scenario) in Scenario::split(config.clients).into_iter().enumerate() {
        let seed = index as u64 + 1;
        tasks.push(tokio::spawn(client::run(
            ctx.clone(),
            scenario,
            seed,
            period,
        )));
    }
    tasks.push(tokio::spawn(perf_log::run(ctx.clone())));
    if !config.snapshot_every.is_zero() {
        tasks.push(tokio::spawn(maintenance::run(
            ctx.clone(),
            config.snapshot_every,
        )));
    }
    if !config.slow_query_every.is_zero() {
        tasks.push(tokio::spawn(incidents::slow_queries(
            ctx.clone(),
            config.slow_query_every,
        )));
    }
    if !config.lock_chain_every.is_zero() {
        let seed = config.clients as u64 + 1;
        tasks.push(tokio::spawn(incidents::lock_chains(
            ctx,
            config.lock_chain_every,
            seed,
        )));
    }
    WorkloadHandle {
        stop,
        tasks,
        shared,
    }
}

/// Each client's time between operations, so that all together make `rate` a second;
/// `None` (idle) for no rate. At least 1 ms: a zero period would be a busy loop.
fn client_period(clients: usize, rate: f64) -> Option<Duration> {
    if clients == 0 || !rate.is_finite() || rate <= 0.0 {
        return None;
    }
    let seconds = clients as f64 / rate;
    Some(Duration::from_secs_f64(seconds.clamp(0.001, 86_400.0)))
}

/// What every task gets: where to connect, the shared counters, the stop signal.
#[derive(Clone)]
struct Context {
    params: Arc<ConnParams>,
    shared: Arc<Shared>,
    stop: watch::Receiver<bool>,
}

/// One operation's latency, waiting to be logged.
struct Timing {
    query_hash: &'static str,
    elapsed: Duration,
    rows_examined: Option<i32>,
    rows_returned: Option<i32>,
    at: SystemTime,
}

impl Timing {
    /// Whole milliseconds, as the seed's INTEGER column holds them, rounded.
    fn millis(&self) -> i32 {
        let millis = (self.elapsed.as_secs_f64() * 1000.0).round();
        if millis >= f64::from(i32::MAX) {
            i32::MAX
        } else {
            millis as i32
        }
    }
}

#[derive(Default)]
struct Shared {
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
fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    fn record(&self, timing: Timing) {
        self.operations.fetch_add(1, Ordering::Relaxed);
        let mut timings = locked(&self.timings);
        if timings.len() >= PENDING_TIMINGS_CAP {
            timings.remove(0);
        }
        timings.push(timing);
    }

    fn error(&self, what: &str, message: String) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        let line = sanitized(&format!("{what}: {message}"));
        tracing::debug!("demo workload: {line}");
        *locked(&self.last_error) = Some(line);
    }

    fn take_timings(&self) -> Vec<Timing> {
        std::mem::take(&mut *locked(&self.timings))
    }

    /// Puts back a batch that could not be written, ahead of the newer ones, within the
    /// cap.
    fn restore_timings(&self, mut batch: Vec<Timing>) {
        let mut timings = locked(&self.timings);
        batch.append(&mut timings);
        let excess = batch.len().saturating_sub(PENDING_TIMINGS_CAP);
        batch.drain(..excess);
        *timings = batch;
    }

    fn count_logged(&self, rows: u64) {
        self.logged.fetch_add(rows, Ordering::Relaxed);
    }

    fn count_slow_query(&self) {
        self.slow_queries.fetch_add(1, Ordering::Relaxed);
    }

    fn count_lock_chain(&self) {
        self.lock_chains.fetch_add(1, Ordering::Relaxed);
    }

    fn count_snapshot(&self) {
        self.snapshots.fetch_add(1, Ordering::Relaxed);
    }

    fn stats(&self) -> WorkloadStats {
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
    #[test]
    fn statements_are_sent_without_their_header_comment() {
        assert_eq!(
            super::body("-- a\n-- b\nSELECT 1 -- c\n"),
            "SELECT 1 -- c\n"
        );
        assert_eq!(super::body("SELECT 1"), "SELECT 1");
        assert_eq!(super::body("-- only"), "");
    }

    use super::*;

    #[test]
    fn client_period_cases() {
        let cases = [
            (10, 40.0, Some(Duration::from_millis(250))),
            (1, 50.0, Some(Duration::from_millis(20))),
            (4, 0.0, None),
            (4, -1.0, None),
            (4, f64::NAN, None),
            (0, 40.0, None),
            (1, 1e9, Some(Duration::from_millis(1))),
        ];
        for (clients, rate, expected) in cases {
            assert_eq!(
                client_period(clients, rate),
                expected,
                "{clients} clients at {rate}/s"
            );
        }
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
