//! Collectors: one module per source, each owning its SQL (`queries/*.sql`, picked by
//! server version and, for `pg_stat_statements`, by the *installed* extension version)
//! and mapping rows into the plain structs of [`crate::monitor::snapshot`] by column name.
//!
//! Every collector returns a [`Section`], so one failing source degrades only its panel:
//! [`SectionError::Failed`] when a round trip failed, [`SectionError::Unavailable`] with
//! the exact fix when the source is missing or unreadable.
//!
//! Tiers (the poller decides when each runs):
//! - fast (every refresh): [`collect_server`], [`collect_activity`],
//!   [`collect_databases`], [`collect_statements`] (counters without text; texts only
//!   for new statements); [`collect_replication`] (senders, slots, WAL position and
//!   counters, archiver, checkpoints, `pg_stat_io`, a standby's own view: a few rows of
//!   shared memory each, and lag is watched second by second);
//! - slow (every ~15 s, costlier or slow-moving): [`collect_performance_log`],
//!   [`collect_table_totals`].

mod activity;
pub mod cache;
mod database;
pub mod detail;
mod horizon;
mod index_catalog;
pub mod indexes;
mod locks;
mod maintenance;
mod maintenance_reloptions;
mod performance_log;
mod pgbouncer;
mod progress;
mod replication;
mod rows;
mod server;
mod statement_texts;
mod statements;
mod tables;
mod task_history;
mod wal;
mod wraparound;

pub use activity::collect_activity;
pub use cache::{collect_snapshot_history, collect_table_cache, collect_table_cache_capped};
pub use database::{collect_database_sizes, collect_databases};
pub use detail::{DetailData, DetailRequest, fetch_detail};
pub use horizon::collect_horizon;
pub use index_catalog::IndexCatalog;
pub use indexes::{collect_indexes, collect_table_scans, collect_table_scans_capped};
pub use locks::collect_locks;
pub use maintenance::{
    collect_statistics_since, collect_table_maintenance, collect_table_maintenance_capped,
};
pub use performance_log::{
    LatencyAsk, collect_latency_buckets, collect_performance_log, collect_performance_log_capped,
};
pub use pgbouncer::{PgBouncerClient, collect_pgbouncer};
pub use progress::collect_progress;
pub use replication::collect_replication;
pub use server::collect_server;
pub use statement_texts::StatementTextCache;
pub use statements::{TextsWanted, collect_statements};
pub use tables::collect_table_totals;
pub use task_history::{collect_task_history, collect_task_history_capped};
pub use wraparound::{XID_HARD_LIMIT, collect_wraparound, collect_wraparound_capped};
