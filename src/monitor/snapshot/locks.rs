//! The lock view's rows, as `locks.sql` read them: one per lock a backend holds or waits
//! for, on the contended objects and the strong relation and advisory locks. Grouped by
//! object in [`crate::analysis::locks`].

use std::time::{Duration, SystemTime};

use super::SessionState;

/// What `locks.sql` returned, with how many there were before its cap.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Locks {
    pub rows: Vec<LockRow>,
    /// Rows before the LIMIT: more than `rows.len()` means the list is capped.
    pub total: i64,
}

/// What a waiter's wait age is measured from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum WaitFrom {
    /// `pg_locks.waitstart` (14+): exact.
    WaitStart,
    /// The session's last state change: before 14, or for a moment after the wait began.
    StateChange,
    /// The query's start, when nothing better is known.
    QueryStart,
}

/// One `pg_locks` entry with its session.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LockRow {
    /// The same for every lock on one object: what groups holders with their waiters.
    pub object_key: String,
    /// `relation`, `tuple`, `transactionid`, `virtualxid`, `advisory`, `object`, ...
    pub locktype: String,
    /// `AccessExclusiveLock`, ...
    pub mode: String,
    pub granted: bool,
    /// `None` for a prepared transaction's locks.
    pub pid: Option<i32>,
    pub database: Option<String>,
    pub relation_oid: Option<u32>,
    /// `"schema"."table"` quoted by the server, when the relation is in this database;
    /// sanitized, display only.
    pub relation_name: Option<String>,
    pub page: Option<i32>,
    pub tuple: Option<i32>,
    pub virtualxid: Option<String>,
    pub transactionid: Option<String>,
    pub classid: Option<u32>,
    pub objid: Option<u32>,
    pub objsubid: Option<i32>,
    pub backend_start: Option<SystemTime>,
    pub user: Option<String>,
    pub application: String,
    pub state: Option<SessionState>,
    pub xact_age: Option<Duration>,
    /// How long a waiter has waited (`None` for a granted lock).
    pub wait_age: Option<Duration>,
    pub wait_from: Option<WaitFrom>,
    /// `pg_blocking_pids` of a waiter.
    pub blocked_by: Vec<i32>,
    /// Sanitized, one line.
    pub query: String,
}
