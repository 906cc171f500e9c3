//! What the raw snapshots mean, computed without IO: rates and deltas between polls,
//! history for the charts, the blocking tree, latency, thresholds and levels, alerts,
//! index flags, maintenance verdicts, pool usage, table hints. [`model::Model`] folds each
//! snapshot in through one entry point, `Model::absorb`, and keeps every section's last
//! good value with its time and its last error.
//!
//! Layer rule: imports only `text`, `settings`, `pg`, `cluster` and `monitor` (for the
//! snapshot types it reads).

pub mod alerts;
pub mod databases;
pub mod horizon;
pub mod index_flags;
pub mod latency_store;
pub mod locks;
pub mod maintenance_rules;
pub mod metrics;
pub mod model;
pub mod pool;
pub mod replication;
pub mod standby;
pub mod tables;
pub mod wait_load;
