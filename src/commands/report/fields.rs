//! The report's fields, as the JSON form serializes them (`schemas/report.schema.json`
//! says the same to other programs; a test holds the two together). Times are RFC 3339,
//! durations seconds, shares 0–1.

use serde::Serialize;

/// The version of the JSON form; `schemas/report.schema.json` describes it.
pub const SCHEMA: &str = "pgpulse-report/1";

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema: &'static str,
    pub generated_at: String,
    pub source: Source,
    pub server: Server,
    /// Whether any critical alert is active at the end of the window (the exit status).
    pub critical: bool,
    pub alerts: Vec<Alert>,
    pub wait_load: WaitLoad,
    pub top_statements: Vec<Statement>,
    pub blocking: Vec<Blocking>,
    pub long_transactions: Vec<Transaction>,
    pub horizon_holders: Vec<HorizonHolder>,
    pub replication: Replication,
    pub maintenance_due: Vec<MaintenanceDue>,
    pub index_flags: Vec<IndexFlag>,
}

/// Where the data came from and which window it covers.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    /// `live` (sampled now) or `recording`.
    pub kind: &'static str,
    /// `user@host:port/db` (never a password).
    pub target: String,
    pub window_start: String,
    pub window_end: String,
    /// Polls the window holds.
    pub polls: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Server {
    pub version: Option<String>,
    /// `primary` or `standby`.
    pub role: Option<&'static str>,
    pub started_at: Option<String>,
    pub max_connections: Option<i32>,
    /// Client connections at the end of the window.
    pub connections: Option<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Alert {
    /// `warning` or `critical`.
    pub level: &'static str,
    pub metric: &'static str,
    pub value: String,
    pub threshold: String,
    pub since: String,
    /// Its data could not be re-read at the end of the window.
    pub stale: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct WaitLoad {
    pub average_active_sessions: f64,
    /// Average active sessions per class (`CPU`, `Lock`, `IO`...), classes with load only.
    pub by_class: Vec<Share>,
    pub events: Vec<Share>,
    pub statements: Vec<Share>,
    pub users: Vec<Share>,
    pub applications: Vec<Share>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Share {
    pub name: String,
    pub average_active_sessions: f64,
    /// Share of the window's load, 0–1.
    pub share: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Statement {
    pub query: String,
    pub calls: i64,
    pub total_ms: f64,
    pub mean_ms: Option<f64>,
    /// Share of all statements' execution time in the window, 0–1.
    pub share: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Blocking {
    pub pid: i32,
    /// 0 for a root blocker, 1 for its direct waiters...
    pub depth: usize,
    /// Sessions waiting on it, directly or not.
    pub blocks: usize,
    pub user: Option<String>,
    pub application: String,
    pub state: Option<String>,
    pub wait: Option<String>,
    pub transaction_seconds: Option<f64>,
    pub query: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Transaction {
    pub pid: i32,
    pub user: Option<String>,
    pub application: String,
    pub state: Option<String>,
    pub transaction_seconds: f64,
    pub query: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct HorizonHolder {
    /// `pid 4242`, `prepared 'gid'`, `slot s1 (physical)`, `standby s2 (pid 77)`.
    pub holder: String,
    pub xid_age: i32,
    pub seconds: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Replication {
    pub standbys: Vec<Standby>,
    /// On a standby: its own replay lag.
    pub replay_lag_seconds: Option<f64>,
    pub slots: Vec<Slot>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Standby {
    pub application: String,
    pub client: Option<String>,
    pub replay_lag_seconds: Option<f64>,
    pub replay_behind_bytes: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Slot {
    pub name: String,
    pub slot_type: String,
    pub active: bool,
    pub retained_bytes: Option<i64>,
    pub wal_status: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MaintenanceDue {
    pub table: String,
    pub dead_tuples: i64,
    pub dead_ratio: Option<f64>,
    /// Autovacuum's formula (`vacuum due (5.0k dead tuples > 50)`), or the schedule.
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndexFlag {
    pub index: String,
    pub table: String,
    pub size_bytes: i64,
    /// `invalid`, `unused`, `duplicate of x`, `prefix of x`, `REINDEX CONCURRENTLY leftover`.
    pub flags: Vec<String>,
}
