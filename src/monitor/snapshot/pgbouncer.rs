//! What PgBouncer's admin console reports about its pools (the Pool screen's lower part).
//! Who uses the server's own connection slots is derived from the sessions, in
//! `analysis::pool`.

use std::time::Duration;

/// One row of PgBouncer's `SHOW POOLS`: a (database, user) pool.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BouncerList {
    pub name: String,
    pub items: i64,
}

/// What PgBouncer's admin console reported.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PgBouncer {
    pub pools: Vec<BouncerPool>,
    pub stats: Vec<BouncerStats>,
    pub lists: Vec<BouncerList>,
}
