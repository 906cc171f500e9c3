//! What the raw snapshots mean, computed without IO: rates and deltas between polls,
//! history for the charts, the blocking tree, latency, thresholds and levels, alerts,
//! index flags, maintenance verdicts, pool usage, table hints, and each section's last
//! good value.
//!
//! Layer rule: imports only `text`, `settings`, `pg`, `cluster` and `monitor` (for the
//! snapshot types it reads).

pub mod alerts;
pub mod derived;
pub mod index_flags;
pub mod last_good;
pub mod maintenance_rules;
pub mod metrics;
pub mod pool;
pub mod tables;
