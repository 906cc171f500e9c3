//! Metrics: pure functions from (previous, current) snapshots to rates, ratios and views.
//!
//! Nothing here does IO or reads a clock: every time comes from the snapshots, so the
//! whole layer is testable with hand-built data. The rule throughout is DESIGN's
//! principle 3, *honest*: a rate exists only for a clean interval between two samples of
//! the same counters. First polls, restarts, stats resets, counters that went backwards,
//! new objects and absurd intervals all yield an explicit status instead of a number,
//! and no function returns NaN or infinity.
//!
//! The usual entry point is [`snapshot_metrics`], computed once per poll and fed to
//! [`History::record_metrics`]; the screens read the parts they need from it.

pub mod blocking;
pub mod counters;
pub mod database;
pub mod derived;
pub mod history;
pub mod latency;
pub mod own_work;
pub mod statements;
pub mod status;
pub mod thresholds;
pub mod visibility;

pub use blocking::{BlockingRow, blocking_tree, oldest_xmin_holder};
pub use counters::{
    DeltaStatus, Interval, counter_delta, sample_time, server_restarted, time_counter_delta,
};
pub use database::{
    DatabaseRates, all_databases_rates, cumulative_cache_hit_ratio, database_rates,
};
pub use derived::{SnapshotMetrics, snapshot_metrics};
pub use history::{History, Series};
pub use latency::mean_latency_ms;
pub use own_work::OwnTransactions;
pub use statements::{
    StatementDelta, StatementDeltas, StatementTotals, cumulative_statements, same_statements_read,
    statement_deltas,
};
pub use status::{RateStatus, ResetReason};
pub use thresholds::{
    Level, Limits, Thresholds, client_connections, connection_utilisation, dead_tuple_ratio,
    dead_tuple_share, index_usage_ratio,
};
pub use visibility::{hidden_sessions, is_hidden_session};
