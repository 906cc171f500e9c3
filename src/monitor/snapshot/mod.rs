//! What one poll saw: plain, owned data handed from the poller to the UI.
//!
//! Collectors fill these from rows by column name; no driver types appear here. Every
//! string from the server is already sanitized. Each section is its own `Result`, so a
//! failing source degrades only its panel.

pub mod backend;
pub mod cache;
pub mod governed;
pub mod horizon;
pub mod host;
pub mod indexes;
pub mod latency;
pub mod locks;
pub mod maintenance;
pub mod pgbouncer;
pub mod replication;
#[cfg(test)]
pub(crate) mod test_support;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::pg::probe::Capabilities;

pub use backend::{BackendType, SessionState, WaitEventType};

/// Why a panel section has no data.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SectionError {
    /// The source is not there or not readable; `fix` says how to make it so.
    Unavailable { reason: String, fix: Option<String> },
    /// The query failed this time (timeout, lost connection...): one sanitized line.
    Failed(String),
}

impl std::fmt::Display for SectionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unavailable {
                reason,
                fix: Some(fix),
            } => write!(f, "{reason} (fix: {fix})"),
            Self::Unavailable { reason, fix: None } => f.write_str(reason),
            Self::Failed(line) => f.write_str(line),
        }
    }
}

/// One section of a snapshot.
pub type Section<T> = Result<T, SectionError>;

/// Server-wide state read on the fast tier.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ServerState {
    /// Server clock at the time of the poll (ages are computed against it).
    pub now: SystemTime,
    pub postmaster_start_time: SystemTime,
    pub in_recovery: bool,
    pub max_connections: i32,
    pub superuser_reserved_connections: i32,
    /// `reserved_connections` (PostgreSQL 16+), else 0.
    pub reserved_connections: i32,
}

/// One backend from `pg_stat_activity`, with whom it waits for.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Session {
    pub pid: i32,
    /// Parallel workers point to their leader.
    pub leader_pid: Option<i32>,
    pub user: Option<String>,
    pub database: Option<String>,
    pub application: String,
    /// Client address, `local` for a Unix socket, `None` for background processes.
    pub client: Option<String>,
    pub backend_type: BackendType,
    /// `None` when hidden by privileges.
    pub state: Option<SessionState>,
    pub wait_event_type: Option<WaitEventType>,
    pub wait_event: Option<String>,
    /// `None` when hidden by privileges: such a session cannot be verified, so no action
    /// targets it.
    pub backend_start: Option<SystemTime>,
    /// Ages measured on the server's clock at poll time.
    pub backend_age: Duration,
    pub xact_age: Option<Duration>,
    pub query_age: Option<Duration>,
    pub state_age: Option<Duration>,
    /// When the current (or last) query started, on the server's clock: with the pid and
    /// `backend_start` it names exactly which query an action was aimed at.
    pub query_start: Option<SystemTime>,
    /// `age(backend_xmin)` in transactions: who holds back the xmin horizon.
    pub xmin_age: Option<i32>,
    pub query_id: Option<i64>,
    /// The query text, sanitized to one line; `<insufficient privilege>` when hidden.
    pub query: String,
    /// The query text exactly as the server sent it. Never displayed: EXPLAIN plans this
    /// text (the one on screen, not whatever the session runs by the time it is confirmed),
    /// and the detail view and copy show it through [`crate::text::sanitize::sanitize_multiline`].
    pub raw_query: String,
    /// `pg_blocking_pids(pid)`.
    pub blocked_by: Vec<i32>,
    /// How long it has waited for a heavyweight lock (`wait_event_type = 'Lock'`), on the
    /// server's clock: from `pg_locks.waitstart` (14+), else since its last state change.
    pub lock_wait_age: Option<Duration>,
}

/// Cumulative counters of one database from `pg_stat_database`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DatabaseCounters {
    pub datid: u32,
    pub name: String,
    pub backends: i32,
    pub xact_commit: i64,
    pub xact_rollback: i64,
    pub blks_read: i64,
    pub blks_hit: i64,
    pub tup_returned: i64,
    pub tup_fetched: i64,
    pub tup_inserted: i64,
    pub tup_updated: i64,
    pub tup_deleted: i64,
    pub temp_files: i64,
    pub temp_bytes: i64,
    pub deadlocks: i64,
    /// Queries cancelled by recovery conflicts (only a standby has any).
    pub conflicts: i64,
    pub blk_read_time_ms: f64,
    pub blk_write_time_ms: f64,
    pub stats_reset: Option<SystemTime>,
}

/// The size of one database (`pg_database_size`, slow tier, read only when due).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DatabaseSize {
    pub datid: u32,
    /// `None` when the role may not size it (no CONNECT, no pg_read_all_stats).
    pub size_bytes: Option<i64>,
}

/// Identity of a `pg_stat_statements` entry.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct StatementKey {
    pub userid: u32,
    pub dbid: u32,
    pub queryid: i64,
    /// Always true before extension 1.9 (no `toplevel` column).
    pub toplevel: bool,
}

/// Cumulative counters of one statement (read with `showtext := false`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StatementCounters {
    pub key: StatementKey,
    pub calls: i64,
    pub total_exec_time_ms: f64,
    pub total_plan_time_ms: f64,
    pub rows: i64,
    pub shared_blks_hit: i64,
    pub shared_blks_read: i64,
    pub temp_blks_read: i64,
    pub temp_blks_written: i64,
    /// `blk_read_time` before 1.11, `shared_blk_read_time` from 1.11.
    pub shared_blk_read_time_ms: f64,
    pub shared_blk_write_time_ms: f64,
    /// `stats_since` (1.11+): when this entry's counters started.
    pub stats_since: Option<SystemTime>,
}

/// `pg_stat_statements_info` (1.9+).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StatementsInfo {
    pub dealloc: i64,
    pub stats_reset: SystemTime,
}

/// The statements section of a snapshot.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Statements {
    /// Shared: a snapshot between two reads re-sends the last read as it was.
    pub counters: Arc<Vec<StatementCounters>>,
    /// When the counters were read: the server's clock of the poll that read them (the
    /// client's when that poll had no server section). Reads are spaced out by the cost
    /// governor, so deltas are measured between reads, not between snapshots.
    pub read_at: SystemTime,
    pub info: Option<StatementsInfo>,
    /// Query texts by key, fetched once per new key and shared between snapshots (and,
    /// each text, between the maps: adding a text copies the map, not the texts).
    pub texts: Arc<HashMap<StatementKey, Arc<str>>>,
    /// Keys whose text is one of pgpulse's own statements (any pgpulse's): never shown
    /// or counted as the server's work. Judged once, when the text arrives.
    pub own: Arc<HashSet<StatementKey>>,
}

/// Latency of one `query_hash` from `query_performance_log` over the window.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct QueryLatency {
    /// `None` for the row summarising every query in the window.
    pub query_hash: Option<String>,
    pub count: i64,
    pub mean_ms: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// Executions slower than the slow-query threshold.
    pub slow_count: i64,
    pub rows_examined: i64,
    pub rows_returned: i64,
}

/// `query_performance_log` percentiles over a window.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PerformanceLog {
    pub window: Duration,
    pub slow_threshold: Duration,
    /// Per query hash, slowest p95 first.
    pub queries: Vec<QueryLatency>,
    /// All queries together (the dashboard's p95 tile).
    pub overall: Option<QueryLatency>,
    /// Hashes beyond what the client keeps per minute (`analysis::latency_store::
    /// KEPT_HASHES`), counted in `overall` only (at least this many; 0: none).
    pub folded_hashes: usize,
}

/// Table statistics summed over the connected database's user tables (slow tier).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TableTotals {
    pub seq_scan: i64,
    pub idx_scan: i64,
    pub live_tuples: i64,
    pub dead_tuples: i64,
}

/// A list the server reads with a cap (a LIMIT): its title says so, and a filter typed
/// on it is searched on the server, across every row, not only among those read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum CappedList {
    /// Cache screen: the 500 largest tables.
    CacheTables,
    /// Indexes screen: the 500 tables with most rows read by sequential scans.
    TableScans,
    /// Maintenance screen: the 2,000 tables with most dead tuples.
    Maintenance,
    /// Maintenance screen: the 20 relations with the oldest `relfrozenxid`.
    WraparoundTables,
    /// Maintenance screen: the latest run of at most 500 tasks.
    TaskHistory,
    /// Queries screen: the 200 query hashes with the slowest p95.
    QueryHashes,
}

/// How a capped list was read: the rows that came, out of how many on the server
/// (matching `search`, when there is one).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ListCap {
    pub shown: usize,
    pub total: i64,
    /// The text searched for on the server (the table's filter when it was read).
    pub search: Option<String>,
}

impl ListCap {
    /// Whether rows were left out.
    pub fn is_capped(&self) -> bool {
        i64::try_from(self.shown).is_ok_and(|shown| shown < self.total)
    }
}

/// A value read from a capped list, with its cap.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Capped<T> {
    pub value: T,
    pub cap: ListCap,
}

/// When each group of slow-tier sources was last read: a group not due this time keeps
/// its results, and their time (what "stale 4m" must be measured from).
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct SlowReadTimes {
    /// `performance_log` (the latency buckets).
    pub every_poll: Option<SystemTime>,
    /// `table_totals`.
    pub table_totals: Option<SystemTime>,
    /// `table_cache`, `snapshot_history`.
    pub cache: Option<SystemTime>,
    /// `indexes`, `table_scans`.
    pub indexes: Option<SystemTime>,
    /// `maintenance`, `statistics_since`, `wraparound`, `task_history`.
    pub maintenance: Option<SystemTime>,
    /// `database_sizes`.
    pub database_sizes: Option<SystemTime>,
}

/// Results of the slow tier, kept and re-sent until the next slow poll.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SlowTier {
    pub taken_at: SystemTime,
    /// When each group's results were read.
    pub read_at: SlowReadTimes,
    /// How the capped lists among the sections were read (missing: not read yet).
    pub caps: HashMap<CappedList, ListCap>,
    /// Filled by the model from `latency_read` (merged with the reads before it) when
    /// there is one; read whole by the one-shot collector otherwise.
    pub performance_log: Section<PerformanceLog>,
    /// The newest incremental latency read, when it succeeded.
    pub latency_read: Option<Arc<latency::LatencyRead>>,
    pub table_totals: Section<TableTotals>,
    // The per-relation lists are shared (`Arc`): a tier is copied when a group is
    // re-read, when the latency window is merged in and when a failed read keeps the
    // shown value, and these lists are thousands of rows each that did not change.
    pub table_cache: Section<Arc<Vec<cache::TableCache>>>,
    pub snapshot_history: Section<cache::SnapshotHistory>,
    pub indexes: Section<Arc<Vec<indexes::IndexInfo>>>,
    pub table_scans: Section<Arc<Vec<indexes::TableScans>>>,
    pub maintenance: Section<Arc<Vec<maintenance::TableMaintenance>>>,
    /// Since when the tables' counters and last runs go back (read with `maintenance`).
    pub statistics_since: Section<maintenance::StatisticsSince>,
    pub wraparound: Section<maintenance::Wraparound>,
    pub task_history: Section<Vec<maintenance::TaskRun>>,
    /// Every database's size (the per-database table).
    pub database_sizes: Section<Vec<DatabaseSize>>,
}

impl SlowTier {
    /// Schema and name of a table or index this tier lists, by OID (a table known only
    /// as an index's table counts too). Display text: for showing and copying, never SQL.
    pub fn relation_name(&self, oid: u32) -> Option<(&str, &str)> {
        let indexes = self.indexes.as_ref().ok();
        let tables = self.maintenance.as_ref().ok().and_then(|list| {
            list.iter()
                .find(|t| t.relid == oid)
                .map(|t| (t.schema.as_str(), t.name.as_str()))
        });
        tables
            .or_else(|| {
                self.table_cache.as_ref().ok().and_then(|list| {
                    list.iter()
                        .find(|t| t.relid == oid)
                        .map(|t| (t.schema.as_str(), t.table.as_str()))
                })
            })
            .or_else(|| {
                self.table_scans.as_ref().ok().and_then(|list| {
                    list.iter()
                        .find(|t| t.relid == oid)
                        .map(|t| (t.schema.as_str(), t.table.as_str()))
                })
            })
            .or_else(|| {
                indexes?
                    .iter()
                    .find(|i| i.indexrelid == oid)
                    .map(|i| (i.schema.as_str(), i.name.as_str()))
            })
            .or_else(|| {
                indexes?
                    .iter()
                    .find(|i| i.table_relid == oid)
                    .map(|i| (i.schema.as_str(), i.table.as_str()))
            })
    }

    /// A slow tier where nothing has been read yet (tests, and the start of a session).
    pub fn not_polled(taken_at: SystemTime) -> Self {
        let missing = || SectionError::Failed("not polled yet".into());
        Self {
            taken_at,
            read_at: SlowReadTimes::default(),
            caps: HashMap::new(),
            performance_log: Err(missing()),
            latency_read: None,
            table_totals: Err(missing()),
            table_cache: Err(missing()),
            snapshot_history: Err(missing()),
            indexes: Err(missing()),
            table_scans: Err(missing()),
            maintenance: Err(missing()),
            statistics_since: Err(missing()),
            wraparound: Err(missing()),
            task_history: Err(missing()),
            database_sizes: Err(missing()),
        }
    }
}

/// Everything the Replication & WAL screen reads (fast tier: these views are a few rows
/// of shared memory each).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ReplicationSnapshot {
    /// WAL senders (`pg_stat_replication`): standbys of a primary, or cascaded ones.
    pub senders: Section<Vec<replication::WalSender>>,
    /// Every replication slot.
    pub slots: Section<Vec<replication::ReplicationSlot>>,
    /// WAL position and counters, the archiver and the checkpoints.
    pub wal: Section<replication::WalActivity>,
    /// `pg_stat_io` (16+) summed by backend type and context.
    pub io: Section<Vec<replication::IoTotals>>,
    /// The standby's own view; `Unavailable` on a primary.
    pub standby: Section<replication::StandbyStatus>,
}

impl ReplicationSnapshot {
    /// Every part failed with the same error (a lost connection, tests).
    pub fn failed(error: &SectionError) -> Self {
        Self {
            senders: Err(error.clone()),
            slots: Err(error.clone()),
            wal: Err(error.clone()),
            io: Err(error.clone()),
            standby: Err(error.clone()),
        }
    }
}

/// One poll.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Snapshot {
    /// Increases with every poll attempt.
    pub sequence: u64,
    pub taken_at: SystemTime,
    /// How long the fast tier's round trips took.
    pub poll_duration: Duration,
    /// Transactions pgpulse's monitoring session had ended on the server when the database
    /// counters were read (cumulative, see `MonitorSession::transactions`): its own part
    /// of `pg_stat_database`'s commits and rollbacks, which TPS leaves out.
    pub own_transactions: u64,
    pub capabilities: Option<Arc<Capabilities>>,
    pub server: Section<ServerState>,
    pub activity: Section<Vec<Session>>,
    pub databases: Section<Vec<DatabaseCounters>>,
    pub statements: Section<Statements>,
    /// Running VACUUM / ANALYZE / CREATE INDEX with their progress (fast tier).
    pub progress: Section<Vec<maintenance::Progress>>,
    /// Every holder of the xmin horizon (fast tier).
    pub horizon: Section<horizon::HorizonHolders>,
    /// The lock view's rows: read only while the lock view is on (`None` otherwise).
    pub locks: Option<Section<locks::Locks>>,
    /// Replication, WAL, archiver, checkpoints and I/O (fast tier).
    pub replication: ReplicationSnapshot,
    /// PgBouncer's pools and stats, when an admin connection is configured.
    pub pgbouncer: Option<Section<pgbouncer::PgBouncer>>,
    /// Host metrics, when the server runs on this machine.
    pub host: Option<host::HostSample>,
    pub slow: Option<Arc<SlowTier>>,
    /// How often the cost governor reads each governed source now, and what a read costs.
    pub reads: governed::ReadPlan,
}
