//! Alerts: the seed report's alerting configuration applied to each poll.
//!
//! The seed's *Alerting Configuration* names critical alerts (connection failures, queries
//! running > 30 s, disk > 90 % full) and warnings (cache hit ratio, pool usage > 80 %,
//! slow queries > 5 s, CPU > 80 %); DESIGN's *Thresholds* table fixes where each starts,
//! `≥` or `<` exactly as written there. On top of these, what paging a DBA needs
//! ([`incidents`]): lock waits, idle-in-transaction sessions, deadlocks, temp files.
//!
//! No rule without data: a kind is offered only when a collector feeds it. The seed's
//! replication-lag alert comes back with the replication collector; until then its
//! config key is read and kept, but nothing alerts on it.
//!
//! The engine judges plain values ([`AlertInputs`]) rather than a [`Snapshot`], so every
//! rule and boundary is testable without building one; [`inputs_from`] extracts them from
//! a poll. A value read and found missing (no active query, an empty log) raises nothing
//! and clears an alert. A value that could not be read this time (connection lost, the
//! query failed, no interval yet) is *unread*: its alert stays exactly as it was, marked
//! stale, and nothing new is raised, so no timer runs on data that was not re-read.
//!
//! [`Snapshot`]: crate::monitor::snapshot::Snapshot

mod engine;
pub mod incidents;
mod inputs;
mod rules;
mod unjudged;

use std::time::Duration;

pub use engine::{ActiveAlert, AlertChanges, AlertEngine};
pub use incidents::{EventTotals, IncidentThresholds, IntervalEvents};
pub use inputs::inputs_from;
pub use rules::{Reading, assess};
pub use unjudged::{SESSION_RULES, Unjudged, unjudged};

/// Every condition pgpulse alerts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AlertKind {
    /// The monitoring connection is down (critical).
    ConnectionFailure,
    /// Overall p95 from `query_performance_log` at or above its limit (warning).
    StatementP95,
    /// The oldest active client query has run too long (warning at 5 s, critical at 30 s).
    LongRunningQuery,
    /// A session has waited for a lock too long (warning at 10 s, critical at 60 s).
    LockWait,
    /// A session has sat idle in an open transaction too long (60 s / 5 min).
    IdleInTransaction,
    /// Deadlocks in the recent window (warning from the first).
    Deadlocks,
    /// Bytes written to temporary files in the recent window (warning).
    TempFiles,
    /// Server-wide cache hit ratio in the last interval below target.
    CacheHitRatio,
    /// Client connections against the slots ordinary roles may use.
    ConnectionUtilisation,
    /// Index scans among all scans of the user tables below target (warning).
    IndexUsage,
    /// Dead tuples among all tuples of the user tables.
    DeadTuples,
    /// The local machine's CPU (warning).
    HostCpu,
    /// The file system of the data directory is filling up (critical).
    DataDisk,
}

impl AlertKind {
    /// Every kind, in the order alerts are listed.
    pub const ALL: [AlertKind; 13] = [
        AlertKind::ConnectionFailure,
        AlertKind::StatementP95,
        AlertKind::LongRunningQuery,
        AlertKind::LockWait,
        AlertKind::IdleInTransaction,
        AlertKind::Deadlocks,
        AlertKind::TempFiles,
        AlertKind::CacheHitRatio,
        AlertKind::ConnectionUtilisation,
        AlertKind::IndexUsage,
        AlertKind::DeadTuples,
        AlertKind::HostCpu,
        AlertKind::DataDisk,
    ];

    /// The metric's name in the alerts list.
    pub fn label(self) -> &'static str {
        match self {
            AlertKind::ConnectionFailure => "connection",
            AlertKind::StatementP95 => "statement p95",
            AlertKind::LongRunningQuery => "long-running query",
            AlertKind::LockWait => "lock wait",
            AlertKind::IdleInTransaction => "idle in transaction",
            AlertKind::Deadlocks => "deadlocks",
            AlertKind::TempFiles => "temp files",
            AlertKind::CacheHitRatio => "cache hit ratio",
            AlertKind::ConnectionUtilisation => "connection utilisation",
            AlertKind::IndexUsage => "index usage",
            AlertKind::DeadTuples => "dead tuples",
            AlertKind::HostCpu => "host CPU",
            AlertKind::DataDisk => "data disk",
        }
    }
}

/// Limits for the host metrics, which [`Thresholds`](crate::analysis::metrics::Thresholds) does not
/// cover. `Default` is DESIGN's.
#[derive(Debug, Clone, PartialEq)]
pub struct HostThresholds {
    /// Whole-machine CPU share, `0..=1`; warning at or above. (DESIGN's table says ok
    /// below 70 % but warns only from 80 %, the seed's figure; 70–80 % raises nothing.)
    pub cpu_warn: f64,
    /// Used share of the data directory's file system, `0..=1`; critical at or above.
    pub disk_crit: f64,
}

impl Default for HostThresholds {
    fn default() -> Self {
        Self {
            cpu_warn: 0.80,
            disk_crit: 0.90,
        }
    }
}

/// The values alerts are judged on, each `None` when unknown. Ratios are `0..=1`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AlertInputs {
    /// Why the monitoring connection is down (sanitized), when it is.
    pub connection_error: Option<String>,
    /// Overall statement p95 in milliseconds over the performance log's window.
    pub p95_ms: Option<f64>,
    /// The oldest active client query: its backend pid and how long it has run.
    pub oldest_active_query: Option<(i32, Duration)>,
    /// Sessions waiting for a lock: pid and how long, in any order.
    pub lock_waits: Vec<(i32, Duration)>,
    /// Sessions idle in an open transaction: pid and how long, in any order.
    pub idle_in_transaction: Vec<(i32, Duration)>,
    /// Deadlocks and temp files of this poll's interval, when it has one.
    pub interval_events: Option<IntervalEvents>,
    /// Server-wide cache hit ratio in the last interval.
    pub cache_hit_ratio: Option<f64>,
    /// Client connections / ordinary connection slots (can exceed 1).
    pub connection_utilisation: Option<f64>,
    /// Index scans / all scans of the user tables.
    pub index_usage: Option<f64>,
    /// Dead tuples / all tuples of the user tables.
    pub dead_tuple_ratio: Option<f64>,
    /// The local machine's CPU share (local servers only).
    pub host_cpu: Option<f64>,
    /// Used share of the data directory's file system (local servers only).
    pub data_disk_used: Option<f64>,
    /// Kinds whose source was not read in this poll: their alerts hold as they were.
    pub unread: Vec<AlertKind>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_listed_once_with_its_own_label() {
        let mut labels: Vec<_> = AlertKind::ALL.iter().map(|k| k.label()).collect();
        labels.sort_unstable();
        labels.dedup();
        assert_eq!(labels.len(), AlertKind::ALL.len());
        let mut kinds = AlertKind::ALL.to_vec();
        kinds.sort_unstable();
        assert_eq!(
            kinds,
            AlertKind::ALL.to_vec(),
            "ALL is in declaration order"
        );
    }

    #[test]
    fn host_defaults_are_the_seed_thresholds() {
        let host = HostThresholds::default();
        assert_eq!(host.cpu_warn, 0.80);
        assert_eq!(host.disk_crit, 0.90);
    }
}
