//! The Pool screen's data: who uses the server's connection slots, how full the
//! application pools of the config are, and what PgBouncer reports about its pools.
//!
//! [`PoolUsage`] is derived from the sessions the activity collector already read (see
//! `collector::pool_usage`); [`PgBouncer`] comes from PgBouncer's admin console.

use std::time::Duration;

/// Client backends by state. The buckets do not overlap, so they add up to the number
/// of client backends: a session waiting on a lock counts as waiting, not as active.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StateCounts {
    /// Running a query (and not waiting on a lock).
    pub active: usize,
    pub idle: usize,
    /// `idle in transaction`: holding a transaction open, doing nothing.
    pub idle_in_transaction: usize,
    /// `idle in transaction (aborted)`: a failed transaction nobody rolled back yet.
    pub idle_in_transaction_aborted: usize,
    /// Waiting on a heavyweight lock (`wait_event_type = 'Lock'`).
    pub waiting_on_lock: usize,
    /// Anything else: `fastpath function call`, `disabled`.
    pub other: usize,
    /// Sessions the role may not see into (no `pg_read_all_stats`): state unknown.
    pub hidden: usize,
}

impl StateCounts {
    /// All client backends counted.
    pub fn total(&self) -> usize {
        self.active
            + self.idle
            + self.idle_in_transaction
            + self.idle_in_transaction_aborted
            + self.waiting_on_lock
            + self.other
            + self.hidden
    }
}

/// Client backends sharing one application name, user or client address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageRow {
    /// The application name, user or client; empty when not set or not known.
    pub name: String,
    pub total: usize,
    /// Running a query (lock waits excluded, as in [`StateCounts`]).
    pub active: usize,
    /// Idle in a transaction, aborted ones included: both hold it open.
    pub idle_in_transaction: usize,
    /// Waiting on a lock.
    pub waiting: usize,
    /// Of `total`: hidden from the role, so in none of the counts above (which are then
    /// lower bounds, shown as such).
    pub hidden: usize,
}

/// One configured application pool against its size.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolGauge {
    /// The pool's name from the config.
    pub name: String,
    /// The application name pattern.
    pub application: String,
    /// Client backends whose application name matches.
    pub used: usize,
    pub max: u32,
    /// `used / max`: above 1.0 when the application opens more than its pool should.
    pub utilisation: f64,
    /// Of `used`: running a query.
    pub active: usize,
    /// Of `used`: idle in a transaction (aborted included).
    pub idle_in_transaction: usize,
    /// Of `used`: hidden from the role (state unknown).
    pub hidden: usize,
}

/// The session that has been idle in a transaction the longest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdleInTransaction {
    pub pid: i32,
    /// Since the transaction began: how long it has held its locks and snapshot.
    pub xact_age: Duration,
    /// Since it went idle (`state_change`), what `idle_in_transaction_session_timeout`
    /// measures; `None` when unknown.
    pub idle_for: Option<Duration>,
    pub application: String,
    pub user: Option<String>,
}

/// Connection slots and who uses them.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolUsage {
    /// Client backends by state.
    pub states: StateCounts,
    /// Client backends (`states.total()`). pgpulse's own session is not among them.
    pub used: usize,
    /// `max_connections`.
    pub max_connections: i32,
    /// Slots ordinary roles can take: `max_connections - superuser_reserved_connections -
    /// reserved_connections`.
    pub available: i64,
    /// `used / available` (see [`crate::metrics::connection_utilisation`]).
    pub utilisation: f64,
    /// Sessions connected to a database whose details the role may not see (no
    /// `pg_read_all_stats`): counted in `used` and the breakdowns (their user, database
    /// and application are visible), state unknown.
    pub hidden: usize,
    /// Client backends per application name, most first.
    pub by_application: Vec<UsageRow>,
    /// Per user, most first.
    pub by_user: Vec<UsageRow>,
    /// Per client address (`local` for Unix sockets), most first.
    pub by_client: Vec<UsageRow>,
    /// The config's `[[pools]]`, in config order.
    pub pools: Vec<PoolGauge>,
    /// The longest idle-in-transaction session, if any.
    pub longest_idle_in_transaction: Option<IdleInTransaction>,
}

/// One row of PgBouncer's `SHOW POOLS`: a (database, user) pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BouncerPool {
    pub database: String,
    pub user: String,
    /// Clients linked to a server connection or idle with nothing to run.
    pub cl_active: i64,
    /// Clients that sent a query and wait for a server connection.
    pub cl_waiting: i64,
    /// Server connections linked to a client.
    pub sv_active: i64,
    /// Server connections unused and ready.
    pub sv_idle: i64,
    /// Server connections idle past `server_check_delay`, to be checked before reuse.
    pub sv_used: i64,
    /// How long the oldest waiting client has waited (`maxwait` + `maxwait_us`).
    pub maxwait: Duration,
    /// `session`, `transaction` or `statement`.
    pub pool_mode: String,
}

/// One row of PgBouncer's `SHOW STATS`: per database, averages over the last stats
/// period (60 s by default) and cumulative counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BouncerStats {
    pub database: String,
    /// Average query duration (`avg_query_time`).
    pub avg_query_time: Duration,
    /// Average transaction duration (`avg_xact_time`).
    pub avg_xact_time: Duration,
    /// Average time clients waited for a server (`avg_wait_time`).
    pub avg_wait_time: Duration,
    /// Queries pooled since PgBouncer started (cumulative: rates come from deltas).
    pub total_query_count: i64,
}

/// One row of PgBouncer's `SHOW LISTS`: an internal list and its length (`databases`,
/// `pools`, `free_clients`, `used_servers`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BouncerList {
    pub name: String,
    pub items: i64,
}

/// What PgBouncer's admin console reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PgBouncer {
    pub pools: Vec<BouncerPool>,
    pub stats: Vec<BouncerStats>,
    pub lists: Vec<BouncerList>,
}
