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
//! `pla-jobs-content-admin` (three during a lock chain) are the jobs. With a standby, each
//! pool client also has a connection there under its own name (70 % of its reads), and
//! `pla-jobs-analytics` runs there too.

mod client;
mod context;
mod incidents;
mod maintenance;
mod ops;
mod perf_log;
mod rng;
mod session;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::pg::conninfo::ConnParams;

use self::context::{Context, Shared};
pub use self::context::{READS_TO_REPLICA, WorkloadStats};
use self::ops::Scenario;
pub(crate) use crate::pg::session::describe;

/// The seed's development connection pool size: `development: { max: 10, min: 2, ... }`
/// ("Connection Pool Optimization › Environment-Specific Configuration").
pub const SEED_DEVELOPMENT_POOL_MAX: usize = 10;

/// The bound on [`WorkloadHandle::stop`]: tasks cancel their statements within ~2 s.
const STOP_LIMIT: Duration = Duration::from_secs(5);

/// What to run and how hard.
#[derive(Debug, Clone)]
pub struct WorkloadConfig {
    /// Where the demo database is; the application name is set per session.
    pub params: ConnParams,
    /// The demo database on the streaming standby, if any: the pool's clients send it
    /// [`READS_TO_REPLICA`] of their reads, and the analytics report runs there too (the
    /// seed's replicas serve analytics, reporting and content delivery).
    pub replica: Option<ConnParams>,
    /// The demo database through PgBouncer, if any: the user-activity clients connect
    /// to the primary through it (the seed's "PgBouncer for connection multiplexing").
    pub pooled: Option<ConnParams>,
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
            replica: None,
            pooled: None,
            clients: SEED_DEVELOPMENT_POOL_MAX,
            rate: 40.0,
            slow_query_every: Duration::from_secs(45),
            lock_chain_every: Duration::from_secs(60),
            snapshot_every: Duration::from_secs(60),
        }
    }
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

/// What a PgBouncer in front of the primary runs on each new server connection: the
/// workload's session settings, which PgBouncer does not pass on from the clients'
/// startup packet (`options`), so that the clients' check of them passes.
pub fn pooled_connect_query() -> String {
    session::settings_sql(&session::settings("pgbouncer"))
}

/// Starts the workload's tasks on the current tokio runtime (so it must be called from
/// inside one).
pub fn spawn(config: WorkloadConfig) -> WorkloadHandle {
    let (stop, stopped) = watch::channel(false);
    let shared = Arc::new(Shared::default());
    let mut params = config.params;
    // Each session names itself (pla-demo-*, pla-jobs-*): a PGAPPNAME would hide that.
    params.application_name = None;
    let replica = config.replica.map(|mut replica| {
        replica.application_name = None;
        Arc::new(replica)
    });
    let pooled = config.pooled.map(|mut pooled| {
        pooled.application_name = None;
        Arc::new(pooled)
    });
    let ctx = Context {
        params: Arc::new(params),
        replica: replica.clone(),
        pooled,
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
        // The seed's replicas serve the analytics too; the primary's copy stays, so its
        // slow-query alert has something to show.
        if let Some(replica) = replica {
            let on_replica = Context {
                params: replica,
                ..ctx.clone()
            };
            tasks.push(tokio::spawn(incidents::slow_queries(
                on_replica,
                config.slow_query_every,
            )));
        }
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

#[cfg(test)]
mod tests {
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
}
