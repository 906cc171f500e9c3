//! Mean statement latency in the interval (the dashboard's "mean latency" tile).
//!
//! Percentiles come from `query_performance_log` instead (`monitor::snapshot::PerformanceLog`):
//! `pg_stat_statements` only has means, so p95 cannot be derived from it.

use super::counters::ratio;
use super::statements::StatementDeltas;

/// Execution time per call over every top-level statement in the interval.
///
/// Nested statements (`pg_stat_statements.track = all`, 1.9+) are left out: their time is
/// already inside the calling statement's, and counting them would both double the time
/// and add short calls. `None` when the deltas are not ready or nothing ran.
pub fn mean_latency_ms(deltas: &StatementDeltas) -> Option<f64> {
    deltas.status.ready()?;
    let (time_ms, calls) = deltas
        .rows
        .iter()
        .filter(|row| row.key.toplevel)
        .fold((0.0, 0i64), |(time, calls), row| {
            (time + row.exec_time_ms, calls.saturating_add(row.calls))
        });
    ratio(time_ms, calls as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::metrics::statements::statement_deltas;
    use crate::monitor::snapshot::test_support::*;

    #[test]
    fn mean_latency_is_interval_time_over_interval_calls() {
        let prev = snapshot_at(0)
            .with_statement(stmt(1).calls(100).exec_ms(1_000.0))
            .with_statement(stmt(2).calls(10).exec_ms(5_000.0));
        let cur = snapshot_at(1)
            .with_statement(stmt(1).calls(130).exec_ms(1_030.0))
            .with_statement(stmt(2).calls(20).exec_ms(5_370.0));
        let deltas = statement_deltas(Some(&prev), &cur);
        // (30 + 370) ms over (30 + 10) calls, not the cumulative 6400 / 150.
        assert_eq!(mean_latency_ms(&deltas), Some(10.0));
    }

    #[test]
    fn nested_statements_do_not_count_twice() {
        let prev = snapshot_at(0)
            .with_statement(stmt(1))
            .with_statement(stmt(2).nested());
        let cur = snapshot_at(1)
            .with_statement(stmt(1).calls(2).exec_ms(40.0))
            .with_statement(stmt(2).nested().calls(200).exec_ms(38.0));
        assert_eq!(
            mean_latency_ms(&statement_deltas(Some(&prev), &cur)),
            Some(20.0)
        );
    }

    #[test]
    fn no_calls_or_no_interval_means_no_latency() {
        let idle = snapshot_at(1).with_statement(stmt(1).calls(5));
        let prev = snapshot_at(0).with_statement(stmt(1).calls(5));
        assert_eq!(mean_latency_ms(&statement_deltas(Some(&prev), &idle)), None);
        assert_eq!(mean_latency_ms(&statement_deltas(None, &idle)), None);
    }
}
