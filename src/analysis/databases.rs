//! The per-database table: every database's connections, TPS, cache hit ratio, temp
//! bytes, deadlocks, recovery conflicts and size, with the one pgpulse is connected to
//! marked. Rates are per interval, between two polls (none on the first, or across a
//! stats reset); pgpulse's own transactions are left out of its database's TPS.

use super::metrics::{
    DatabaseRates, RateStatus, counter_delta, cumulative_cache_hit_ratio, database_rates,
};
use crate::monitor::snapshot::{DatabaseCounters, Snapshot};

/// One row of the table.
#[derive(Debug, Clone, PartialEq)]
pub struct DatabaseRow {
    pub datid: u32,
    /// Sanitized.
    pub name: String,
    /// pgpulse is connected to it (its TPS leaves pgpulse's own transactions out).
    pub connected: bool,
    /// `numbackends`.
    pub connections: i32,
    /// Commits + rollbacks per second in the interval; `None` until two polls compare
    /// (or across a reset).
    pub tps: Option<f64>,
    /// Hits among block requests in the interval; `None` when nothing was read.
    pub cache_hit: Option<f64>,
    /// Hits since the database's statistics began (when the interval has no ratio).
    pub cache_hit_cumulative: Option<f64>,
    /// Bytes written to temporary files in the interval, per second.
    pub temp_bytes_per_sec: Option<f64>,
    /// Since the statistics began.
    pub temp_bytes: i64,
    pub deadlocks: i64,
    /// Deadlocks in the interval.
    pub new_deadlocks: Option<i64>,
    /// Queries cancelled by recovery conflicts (a standby's), since the statistics began.
    pub conflicts: i64,
    pub new_conflicts: Option<i64>,
    /// `pg_database_size`, read on the slow tier when due; `None` when not (yet) read or
    /// not allowed.
    pub size_bytes: Option<i64>,
}

/// The table for `cur` against `prev`. `connected` is the connected database's rates
/// with pgpulse's own transactions already taken out (the model's).
pub fn database_rows(
    prev: Option<&Snapshot>,
    cur: &Snapshot,
    connected_datid: u32,
    connected: &RateStatus<DatabaseRates>,
) -> Vec<DatabaseRow> {
    let Ok(databases) = &cur.databases else {
        return Vec::new();
    };
    let before = |datid: u32| -> Option<&DatabaseCounters> {
        prev?
            .databases
            .as_ref()
            .ok()?
            .iter()
            .find(|d| d.datid == datid)
    };
    let sizes = cur
        .slow
        .as_deref()
        .and_then(|slow| slow.database_sizes.as_ref().ok());
    databases
        .iter()
        .map(|db| {
            let is_connected = db.datid == connected_datid;
            let rates = if is_connected {
                connected.clone()
            } else {
                database_rates(prev, cur, db.datid)
            };
            let rates = rates.ready();
            // Counts compare only across the same statistics (a reset zeroes them).
            let comparable = before(db.datid).filter(|b| b.stats_reset == db.stats_reset);
            let grew = |get: fn(&DatabaseCounters) -> i64| {
                comparable.and_then(|b| counter_delta(get(b), get(db)))
            };
            DatabaseRow {
                datid: db.datid,
                name: db.name.clone(),
                connected: is_connected,
                connections: db.backends,
                tps: rates.map(|r| r.tps),
                cache_hit: rates.and_then(|r| r.cache_hit_ratio),
                cache_hit_cumulative: cumulative_cache_hit_ratio(db),
                temp_bytes_per_sec: rates.map(|r| r.temp_bytes_per_sec),
                temp_bytes: db.temp_bytes,
                deadlocks: db.deadlocks,
                new_deadlocks: grew(|d| d.deadlocks),
                conflicts: db.conflicts,
                new_conflicts: grew(|d| d.conflicts),
                size_bytes: sizes
                    .and_then(|list| list.iter().find(|s| s.datid == db.datid))
                    .and_then(|s| s.size_bytes),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::monitor::snapshot::test_support::*;
    use crate::monitor::snapshot::{DatabaseSize, SlowTier};

    #[test]
    fn every_database_gets_its_rates_and_the_connected_one_pgpulse_s_own_left_out() {
        let prev = snapshot_at(0)
            .with_database(db(1).commits(100).blocks(90, 10))
            .with_database(db(2).commits(0).deadlocks(1));
        let mut cur = snapshot_at(2)
            .with_database(db(1).commits(120).blocks(190, 10))
            .with_database(db(2).commits(50).deadlocks(3));
        let mut slow = SlowTier::not_polled(at(2));
        slow.database_sizes = Ok(vec![DatabaseSize {
            datid: 2,
            size_bytes: Some(8 << 20),
        }]);
        cur.slow = Some(Arc::new(slow));
        // The model took pgpulse's 20 transactions out of database 1: 0 TPS left.
        let connected = database_rates(Some(&prev), &cur, 1).map(|mut r| {
            r.tps = 0.0;
            r
        });
        let rows = database_rows(Some(&prev), &cur, 1, &connected);
        assert_eq!(rows.len(), 2);
        assert!(rows[0].connected && !rows[1].connected);
        assert_eq!(rows[0].tps, Some(0.0));
        assert_eq!(rows[0].cache_hit, Some(1.0));
        assert_eq!(rows[0].size_bytes, None);
        assert_eq!(rows[1].tps, Some(25.0));
        assert_eq!(rows[1].new_deadlocks, Some(2));
        assert_eq!(rows[1].size_bytes, Some(8 << 20));
        // The first poll has no rates, only what is cumulative.
        let first = database_rows(None, &prev, 1, &RateStatus::FirstPoll);
        assert_eq!(first[1].tps, None);
        assert_eq!(first[1].deadlocks, 1);
        assert_eq!(first[1].new_deadlocks, None);
    }
}
