//! Everything derived from one poll and its predecessor, computed once per snapshot.

use std::time::SystemTime;

use super::counters::sample_time;
use super::database::{DatabaseRates, all_databases_rates, database_rates};
use super::latency::mean_latency_ms;
use super::statements::{StatementDeltas, statement_deltas};
use super::status::RateStatus;
use super::thresholds::client_connections;
use crate::monitor::snapshot::Snapshot;

/// The rates and counts of one interval, for the screens and the [`History`] charts.
///
/// [`History`]: super::History
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotMetrics {
    /// When the current snapshot was taken (server clock when known).
    pub at: SystemTime,
    /// The connected database.
    pub database: RateStatus<DatabaseRates>,
    /// All databases together (server-wide TPS).
    pub server: RateStatus<DatabaseRates>,
    /// Per-statement activity in the interval.
    pub statements: StatementDeltas,
    /// Mean top-level statement latency in the interval.
    pub mean_latency_ms: Option<f64>,
    /// Client backends now; `None` when activity could not be read.
    pub connections: Option<usize>,
}

/// Computes every interval metric of `cur` against `prev` (the previous poll, if any),
/// for the connected database `datid`.
pub fn snapshot_metrics(prev: Option<&Snapshot>, cur: &Snapshot, datid: u32) -> SnapshotMetrics {
    let statements = statement_deltas(prev, cur);
    SnapshotMetrics {
        at: sample_time(cur),
        database: database_rates(prev, cur, datid),
        server: all_databases_rates(prev, cur),
        mean_latency_ms: mean_latency_ms(&statements),
        statements,
        connections: cur
            .activity
            .as_ref()
            .ok()
            .map(|sessions| client_connections(sessions)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitor::snapshot::test_support::*;

    #[test]
    fn one_call_derives_every_view() {
        let prev = snapshot_at(0)
            .with_database(db(1).commits(10))
            .with_statement(stmt(1).calls(1).exec_ms(1.0));
        let cur = snapshot_at(1)
            .with_database(db(1).commits(20))
            .with_statement(stmt(1).calls(3).exec_ms(9.0))
            .with_sessions(vec![session(1), session(2)]);
        let metrics = snapshot_metrics(Some(&prev), &cur, 1);
        assert_eq!(metrics.at, at(1));
        assert_eq!(metrics.database.ready().map(|r| r.tps), Some(10.0));
        assert_eq!(metrics.server.ready().map(|r| r.tps), Some(10.0));
        assert_eq!(metrics.mean_latency_ms, Some(4.0));
        assert_eq!(metrics.connections, Some(2));
    }

    #[test]
    fn missing_activity_means_unknown_connections() {
        let metrics = snapshot_metrics(None, &snapshot_at(0).without_activity(), 1);
        assert_eq!(metrics.connections, None);
        assert_eq!(metrics.database, RateStatus::FirstPoll);
    }
}
