//! Who holds the xmin horizon back, as `horizon_holders.sql` read it: raw rows of four
//! kinds, ordered and judged by [`crate::analysis::horizon`].

use std::time::{Duration, SystemTime};

use super::{BackendType, SessionState};

/// Every holder of the xmin horizon one poll saw.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct HorizonHolders {
    pub backends: Vec<BackendHolder>,
    pub prepared: Vec<PreparedHolder>,
    pub slots: Vec<SlotHolder>,
    /// WAL senders with a `backend_xmin`: `hot_standby_feedback` of a standby without a
    /// slot.
    pub standbys: Vec<StandbyHolder>,
}

/// A session with `backend_xmin` (a snapshot) or `backend_xid` (a transaction id).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BackendHolder {
    pub pid: i32,
    /// `None` when hidden by privileges: no action can then verify the pid.
    pub backend_start: Option<SystemTime>,
    pub user: Option<String>,
    pub database: Option<String>,
    pub application: String,
    pub client: Option<String>,
    pub backend_type: BackendType,
    pub state: Option<SessionState>,
    /// When its transaction began, and how long ago on the server's clock.
    pub xact_start: Option<SystemTime>,
    pub xact_age: Option<Duration>,
    /// `age(backend_xmin)` and `age(backend_xid)` in transactions.
    pub xmin_age: Option<i32>,
    pub xid_age: Option<i32>,
    /// Sanitized, one line; `<insufficient privilege>` when hidden.
    pub query: String,
}

/// A prepared transaction: it holds the horizon of its database until it is committed
/// or rolled back, whoever prepared it may be long gone.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PreparedHolder {
    /// The global transaction id exactly as the server has it: what `ROLLBACK PREPARED`
    /// names (quoted as a literal). Never displayed: see `gid`.
    pub raw_gid: String,
    /// Sanitized, for display.
    pub gid: String,
    pub owner: Option<String>,
    /// The database exactly as the server names it: where `ROLLBACK PREPARED` must run.
    pub raw_database: String,
    /// Sanitized, for display.
    pub database: String,
    pub prepared: SystemTime,
    pub age: Duration,
    /// `age(transaction)` in transactions.
    pub xid_age: i32,
}

/// A replication slot with `xmin` or `catalog_xmin`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SlotHolder {
    /// Slot names are `[a-z0-9_]` only, so this is also exact.
    pub name: String,
    /// `physical` or `logical`.
    pub slot_type: String,
    /// Logical slots belong to a database.
    pub database: Option<String>,
    pub active: bool,
    pub active_pid: Option<i32>,
    /// `age(xmin)`: holds back every table (hot_standby_feedback through a slot).
    pub xmin_age: Option<i32>,
    /// `age(catalog_xmin)`: holds back only the system catalogs (logical decoding).
    pub catalog_xmin_age: Option<i32>,
    /// WAL kept for it: from its `restart_lsn` to the current (or, in recovery, last
    /// received) position.
    pub retained_wal_bytes: Option<i64>,
    /// `reserved`, `extended`, `unreserved`, `lost`.
    pub wal_status: Option<String>,
    /// `inactive_since` (17+), and how long ago.
    pub inactive_since: Option<SystemTime>,
    pub inactive_age: Option<Duration>,
}

/// A WAL sender whose standby sends `hot_standby_feedback` without a slot.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StandbyHolder {
    pub pid: i32,
    pub backend_start: Option<SystemTime>,
    /// The standby's `application_name` (its `cluster_name` or `walreceiver`).
    pub application: String,
    pub client: Option<String>,
    pub xmin_age: i32,
}
