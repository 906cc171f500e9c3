//! Per-database rates from `pg_stat_database`: TPS, cache hits, tuples, temp files.

use std::collections::HashMap;
use std::time::Duration;

use super::counters::section_pair;
use super::counters::{Interval, counter_delta, share, time_counter_delta};
use super::status::{RateStatus, ResetReason};
use crate::monitor::snapshot::{DatabaseCounters, Snapshot};

/// What one database (or all of them) did during one interval.
#[derive(Debug, Clone, PartialEq)]
pub struct DatabaseRates {
    /// The interval the rates cover.
    pub interval: Duration,
    /// Transactions per second: commits plus rollbacks.
    pub tps: f64,
    /// Commits per second.
    pub commits_per_sec: f64,
    /// Rollbacks per second (errors and explicit rollbacks).
    pub rollbacks_per_sec: f64,
    /// `blks_hit / (blks_hit + blks_read)` in the interval; `None` when no block was
    /// accessed (an idle interval has no ratio rather than a fake 0 % or 100 %).
    pub cache_hit_ratio: Option<f64>,
    /// Live rows read by sequential scans plus index entries returned, per second.
    pub tuples_returned_per_sec: f64,
    /// Live rows fetched by index scans, per second.
    pub tuples_fetched_per_sec: f64,
    /// Rows inserted per second.
    pub inserts_per_sec: f64,
    /// Rows updated per second.
    pub updates_per_sec: f64,
    /// Rows deleted per second.
    pub deletes_per_sec: f64,
    /// Bytes written to temporary files per second (sorts and hashes spilling to disk).
    pub temp_bytes_per_sec: f64,
    /// Deadlocks detected in the interval (a count: they are too rare for a rate).
    pub deadlocks: i64,
    /// Temporary files created in the interval, and the bytes written to them: counts
    /// for the Dashboard and the temp-file alert, which judge a window of intervals.
    pub temp_files: i64,
    pub temp_bytes: i64,
    /// Milliseconds spent reading blocks per second (needs `track_io_timing`).
    pub blk_read_time_ms_per_sec: f64,
}

/// Rates of database `datid` between the previous and the current snapshot.
///
/// `Unavailable` when the section or the database is missing now; `Reset(NewObject)` when
/// the database did not exist before; `Reset(StatsReset)` when its `stats_reset` changed.
pub fn database_rates(
    prev: Option<&Snapshot>,
    cur: &Snapshot,
    datid: u32,
) -> RateStatus<DatabaseRates> {
    let pair = match section_pair(prev, cur, databases) {
        Ok(pair) => pair,
        Err(status) => return status,
    };
    let Some(now) = pair.cur.iter().find(|db| db.datid == datid) else {
        return RateStatus::Unavailable;
    };
    let Some(before) = pair.prev.iter().find(|db| db.datid == datid) else {
        return RateStatus::Reset(ResetReason::NewObject);
    };
    match DatabaseDelta::between(before, now) {
        Ok(delta) => RateStatus::Ready(delta.rates(&pair.interval)),
        Err(reason) => RateStatus::Reset(reason),
    }
}

/// Rates summed over every database: the server-wide TPS.
///
/// A database that appeared in the interval is left out of the sum (its counters are
/// cumulative, they would show as a spike); one that disappeared is simply dropped. A
/// reset of any database resets the sum: leaving it out would understate the server's
/// load without saying so.
pub fn all_databases_rates(prev: Option<&Snapshot>, cur: &Snapshot) -> RateStatus<DatabaseRates> {
    let pair = match section_pair(prev, cur, databases) {
        Ok(pair) => pair,
        Err(status) => return status,
    };
    if pair.cur.is_empty() {
        return RateStatus::Unavailable;
    }
    let before: HashMap<u32, &DatabaseCounters> =
        pair.prev.iter().map(|db| (db.datid, db)).collect();
    let mut total = DatabaseDelta::default();
    let mut compared = 0;
    for now in pair.cur {
        let Some(before) = before.get(&now.datid) else {
            continue;
        };
        match DatabaseDelta::between(before, now) {
            Ok(delta) => total.add(&delta),
            Err(reason) => return RateStatus::Reset(reason),
        }
        compared += 1;
    }
    if compared == 0 {
        return RateStatus::Reset(ResetReason::NewObject);
    }
    RateStatus::Ready(total.rates(&pair.interval))
}

/// Hit ratio since the database's statistics were last reset (the "cumulative" view).
pub fn cumulative_cache_hit_ratio(db: &DatabaseCounters) -> Option<f64> {
    share(db.blks_hit, db.blks_read)
}

fn databases(snapshot: &Snapshot) -> Option<&Vec<DatabaseCounters>> {
    snapshot.databases.as_ref().ok()
}

/// Whether every counter of the database is zero.
fn counted_nothing(db: &DatabaseCounters) -> bool {
    let counts = [
        db.xact_commit,
        db.xact_rollback,
        db.blks_read,
        db.blks_hit,
        db.tup_returned,
        db.tup_fetched,
        db.tup_inserted,
        db.tup_updated,
        db.tup_deleted,
        db.temp_files,
        db.temp_bytes,
        db.deadlocks,
    ];
    counts.iter().all(|&c| c == 0) && db.blk_read_time_ms == 0.0 && db.blk_write_time_ms == 0.0
}

/// How much each counter of one database grew in the interval.
#[derive(Debug, Default)]
struct DatabaseDelta {
    commits: i64,
    rollbacks: i64,
    blks_hit: i64,
    blks_read: i64,
    tup_returned: i64,
    tup_fetched: i64,
    tup_inserted: i64,
    tup_updated: i64,
    tup_deleted: i64,
    temp_bytes: i64,
    deadlocks: i64,
    temp_files: i64,
    blk_read_time_ms: f64,
}

impl DatabaseDelta {
    fn between(prev: &DatabaseCounters, cur: &DatabaseCounters) -> Result<Self, ResetReason> {
        // A changed stats_reset explains counters going backwards; report it as such.
        // Except its first setting on a database that had counted nothing: before 15 a
        // database shows zeros and no stats_reset until its first statistics reach the
        // collector, which then sets stats_reset. Counting from those zeros is exact,
        // and dropping the interval would lose what it saw (a deadlock, a temp file).
        let first_statistics = prev.stats_reset.is_none() && counted_nothing(prev);
        if prev.stats_reset != cur.stats_reset && !first_statistics {
            return Err(ResetReason::StatsReset);
        }
        let grew =
            |before, now| counter_delta(before, now).ok_or(ResetReason::CounterWentBackwards);
        Ok(Self {
            commits: grew(prev.xact_commit, cur.xact_commit)?,
            rollbacks: grew(prev.xact_rollback, cur.xact_rollback)?,
            blks_hit: grew(prev.blks_hit, cur.blks_hit)?,
            blks_read: grew(prev.blks_read, cur.blks_read)?,
            tup_returned: grew(prev.tup_returned, cur.tup_returned)?,
            tup_fetched: grew(prev.tup_fetched, cur.tup_fetched)?,
            tup_inserted: grew(prev.tup_inserted, cur.tup_inserted)?,
            tup_updated: grew(prev.tup_updated, cur.tup_updated)?,
            tup_deleted: grew(prev.tup_deleted, cur.tup_deleted)?,
            temp_bytes: grew(prev.temp_bytes, cur.temp_bytes)?,
            deadlocks: grew(prev.deadlocks, cur.deadlocks)?,
            temp_files: grew(prev.temp_files, cur.temp_files)?,
            blk_read_time_ms: time_counter_delta(prev.blk_read_time_ms, cur.blk_read_time_ms)
                .ok_or(ResetReason::CounterWentBackwards)?,
        })
    }

    fn add(&mut self, other: &Self) {
        let sum = |a: &mut i64, b: i64| *a = a.saturating_add(b);
        sum(&mut self.commits, other.commits);
        sum(&mut self.rollbacks, other.rollbacks);
        sum(&mut self.blks_hit, other.blks_hit);
        sum(&mut self.blks_read, other.blks_read);
        sum(&mut self.tup_returned, other.tup_returned);
        sum(&mut self.tup_fetched, other.tup_fetched);
        sum(&mut self.tup_inserted, other.tup_inserted);
        sum(&mut self.tup_updated, other.tup_updated);
        sum(&mut self.tup_deleted, other.tup_deleted);
        sum(&mut self.temp_bytes, other.temp_bytes);
        sum(&mut self.deadlocks, other.deadlocks);
        sum(&mut self.temp_files, other.temp_files);
        self.blk_read_time_ms += other.blk_read_time_ms;
    }

    fn rates(&self, interval: &Interval) -> DatabaseRates {
        DatabaseRates {
            interval: interval.length(),
            tps: interval.per_sec(self.commits.saturating_add(self.rollbacks)),
            commits_per_sec: interval.per_sec(self.commits),
            rollbacks_per_sec: interval.per_sec(self.rollbacks),
            cache_hit_ratio: share(self.blks_hit, self.blks_read),
            tuples_returned_per_sec: interval.per_sec(self.tup_returned),
            tuples_fetched_per_sec: interval.per_sec(self.tup_fetched),
            inserts_per_sec: interval.per_sec(self.tup_inserted),
            updates_per_sec: interval.per_sec(self.tup_updated),
            deletes_per_sec: interval.per_sec(self.tup_deleted),
            temp_bytes_per_sec: interval.per_sec(self.temp_bytes),
            deadlocks: self.deadlocks,
            temp_files: self.temp_files,
            temp_bytes: self.temp_bytes,
            blk_read_time_ms_per_sec: interval.per_sec_f64(self.blk_read_time_ms),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitor::snapshot::test_support::*;

    fn ready(status: RateStatus<DatabaseRates>) -> DatabaseRates {
        match status {
            RateStatus::Ready(rates) => rates,
            other => panic!("expected rates, got {other:?}"),
        }
    }

    fn assert_all_finite(rates: &DatabaseRates) {
        let values = [
            rates.tps,
            rates.commits_per_sec,
            rates.rollbacks_per_sec,
            rates.tuples_returned_per_sec,
            rates.tuples_fetched_per_sec,
            rates.inserts_per_sec,
            rates.updates_per_sec,
            rates.deletes_per_sec,
            rates.temp_bytes_per_sec,
            rates.blk_read_time_ms_per_sec,
        ];
        assert!(
            values.iter().all(|v| v.is_finite() && *v >= 0.0),
            "{rates:?}"
        );
        assert!(
            rates
                .cache_hit_ratio
                .is_none_or(|r| r.is_finite() && (0.0..=1.0).contains(&r))
        );
    }

    #[test]
    fn first_poll_has_no_rates() {
        let cur = snapshot_at(0).with_database(db(1).commits(100));
        assert_eq!(database_rates(None, &cur, 1), RateStatus::FirstPoll);
        assert_eq!(all_databases_rates(None, &cur), RateStatus::FirstPoll);
    }

    #[test]
    fn a_failed_previous_read_counts_as_a_first_poll() {
        let prev = snapshot_at(0).without_databases();
        let cur = snapshot_at(1).with_database(db(1).commits(100));
        assert_eq!(database_rates(Some(&prev), &cur, 1), RateStatus::FirstPoll);
    }

    #[test]
    fn rates_are_deltas_over_the_interval() {
        let prev = snapshot_at(10).with_database(
            db(1)
                .commits(1_000)
                .rollbacks(10)
                .blocks(900, 100)
                .tuples(50, 20)
                .read_time_ms(5.0),
        );
        let cur = snapshot_at(12).with_database(
            db(1)
                .commits(1_200)
                .rollbacks(14)
                .blocks(1_080, 120)
                .tuples(250, 60)
                .writes(10, 4, 2)
                .temp_bytes(8_192)
                .temp_files(3)
                .deadlocks(1)
                .read_time_ms(9.0),
        );
        let rates = ready(database_rates(Some(&prev), &cur, 1));
        assert_eq!(rates.interval, Duration::from_secs(2));
        assert_eq!(rates.commits_per_sec, 100.0);
        assert_eq!(rates.rollbacks_per_sec, 2.0);
        assert_eq!(rates.tps, 102.0);
        assert_eq!(rates.cache_hit_ratio, Some(0.9));
        assert_eq!(rates.tuples_returned_per_sec, 100.0);
        assert_eq!(rates.tuples_fetched_per_sec, 20.0);
        assert_eq!((rates.inserts_per_sec, rates.updates_per_sec), (5.0, 2.0));
        assert_eq!(rates.deletes_per_sec, 1.0);
        assert_eq!(rates.temp_bytes_per_sec, 4_096.0);
        assert_eq!(rates.deadlocks, 1);
        assert_eq!((rates.temp_files, rates.temp_bytes), (3, 8_192));
        assert_eq!(rates.blk_read_time_ms_per_sec, 2.0);
        assert_all_finite(&rates);
    }

    #[test]
    fn an_idle_interval_has_zero_rates_and_no_hit_ratio() {
        let prev = snapshot_at(0).with_database(db(1).commits(5).blocks(10, 0));
        let cur = snapshot_at(1).with_database(db(1).commits(5).blocks(10, 0));
        let rates = ready(database_rates(Some(&prev), &cur, 1));
        assert_eq!(rates.tps, 0.0);
        assert_eq!(rates.cache_hit_ratio, None);
        assert_all_finite(&rates);
    }

    #[test]
    fn a_missing_section_or_database_is_unavailable() {
        let prev = snapshot_at(0).with_database(db(1));
        assert_eq!(
            database_rates(Some(&prev), &snapshot_at(1).without_databases(), 1),
            RateStatus::Unavailable
        );
        let cur = snapshot_at(1).with_database(db(2));
        assert_eq!(
            database_rates(Some(&prev), &cur, 1),
            RateStatus::Unavailable
        );
        assert_eq!(
            all_databases_rates(Some(&prev), &snapshot_at(1)),
            RateStatus::Unavailable
        );
    }

    #[test]
    fn a_database_created_in_the_interval_is_a_new_object() {
        let prev = snapshot_at(0);
        let cur = snapshot_at(1).with_database(db(7).commits(1_000_000));
        assert_eq!(
            database_rates(Some(&prev), &cur, 7),
            RateStatus::Reset(ResetReason::NewObject)
        );
    }

    #[test]
    fn a_changed_stats_reset_is_a_reset_not_a_negative_rate() {
        let prev = snapshot_at(0).with_database(db(1).commits(1_000));
        let cur = snapshot_at(1).with_database(db(1).commits(3).stats_reset_at(1));
        assert_eq!(
            database_rates(Some(&prev), &cur, 1),
            RateStatus::Reset(ResetReason::StatsReset)
        );
    }

    #[test]
    fn the_first_statistics_of_a_database_before_15_are_no_reset() {
        // Before 15: zeros and no stats_reset until the collector hears of the database.
        let prev = snapshot_at(0).with_database(db(1));
        let mut first = db(1).commits(3).stats_reset_at(1);
        first.deadlocks = 1;
        let cur = snapshot_at(1).with_database(first);
        let rates = ready(database_rates(Some(&prev), &cur, 1));
        assert_eq!((rates.commits_per_sec, rates.deadlocks), (3.0, 1));
        assert_eq!(ready(all_databases_rates(Some(&prev), &cur)).deadlocks, 1);
        // A database that had counted something was reset, though, even from none.
        let prev = snapshot_at(0).with_database(db(1).commits(1_000));
        assert_eq!(
            database_rates(Some(&prev), &cur, 1),
            RateStatus::Reset(ResetReason::StatsReset)
        );
    }

    #[test]
    fn counters_going_backwards_are_a_reset() {
        let prev = snapshot_at(0).with_database(db(1).commits(1_000).blocks(50, 5));
        let cur = snapshot_at(1).with_database(db(1).commits(1_010).blocks(40, 5));
        assert_eq!(
            database_rates(Some(&prev), &cur, 1),
            RateStatus::Reset(ResetReason::CounterWentBackwards)
        );
    }

    #[test]
    fn a_server_restart_is_a_reset() {
        let prev = snapshot_at(0).with_database(db(1).commits(1_000));
        let cur = snapshot_at(30)
            .restarted_at(20)
            .with_database(db(1).commits(2_000));
        assert_eq!(
            database_rates(Some(&prev), &cur, 1),
            RateStatus::Reset(ResetReason::ServerRestart)
        );
        assert_eq!(
            all_databases_rates(Some(&prev), &cur),
            RateStatus::Reset(ResetReason::ServerRestart)
        );
    }

    #[test]
    fn zero_and_overlong_intervals_give_no_rates() {
        let prev = snapshot_at(100).with_database(db(1).commits(10));
        let same_time = snapshot_at(100).with_database(db(1).commits(20));
        let much_later = snapshot_at(100 + 7_200).with_database(db(1).commits(20));
        let out = RateStatus::Reset(ResetReason::IntervalOutOfRange);
        assert_eq!(database_rates(Some(&prev), &same_time, 1), out);
        assert_eq!(database_rates(Some(&prev), &much_later, 1), out);
    }

    #[test]
    fn server_wide_rates_sum_every_database() {
        let prev = snapshot_at(0)
            .with_database(db(1).commits(100).blocks(90, 10))
            .with_database(db(2).commits(50).rollbacks(5));
        let cur = snapshot_at(1)
            .with_database(db(1).commits(130).blocks(180, 10))
            .with_database(db(2).commits(60).rollbacks(6));
        let rates = ready(all_databases_rates(Some(&prev), &cur));
        assert_eq!(rates.tps, 41.0);
        assert_eq!(rates.cache_hit_ratio, Some(1.0));
        assert_all_finite(&rates);
    }

    #[test]
    fn a_new_database_is_left_out_of_the_sum_not_counted_as_a_spike() {
        let prev = snapshot_at(0).with_database(db(1).commits(100));
        let cur = snapshot_at(1)
            .with_database(db(1).commits(110))
            .with_database(db(9).commits(5_000_000));
        assert_eq!(ready(all_databases_rates(Some(&prev), &cur)).tps, 10.0);
    }

    #[test]
    fn a_dropped_database_simply_leaves_the_sum() {
        let prev = snapshot_at(0)
            .with_database(db(1).commits(100))
            .with_database(db(2).commits(9_999));
        let cur = snapshot_at(1).with_database(db(1).commits(104));
        assert_eq!(ready(all_databases_rates(Some(&prev), &cur)).tps, 4.0);
    }

    #[test]
    fn a_reset_of_one_database_resets_the_sum() {
        let prev = snapshot_at(0)
            .with_database(db(1).commits(100))
            .with_database(db(2).commits(100));
        let cur = snapshot_at(1)
            .with_database(db(1).commits(110))
            .with_database(db(2).commits(1).stats_reset_at(1));
        assert_eq!(
            all_databases_rates(Some(&prev), &cur),
            RateStatus::Reset(ResetReason::StatsReset)
        );
    }

    #[test]
    fn only_new_databases_is_a_new_object() {
        let prev = snapshot_at(0).with_database(db(1));
        let cur = snapshot_at(1).with_database(db(2).commits(10));
        assert_eq!(
            all_databases_rates(Some(&prev), &cur),
            RateStatus::Reset(ResetReason::NewObject)
        );
    }

    #[test]
    fn huge_counters_stay_finite() {
        let prev = snapshot_at(0).with_database(db(1));
        let cur = snapshot_at(1).with_database(
            db(1)
                .commits(i64::MAX)
                .rollbacks(i64::MAX)
                .blocks(i64::MAX, i64::MAX),
        );
        assert_all_finite(&ready(database_rates(Some(&prev), &cur, 1)));
    }

    #[test]
    fn cumulative_hit_ratio_is_since_the_last_reset() {
        assert_eq!(cumulative_cache_hit_ratio(&db(1).blocks(99, 1)), Some(0.99));
        assert_eq!(cumulative_cache_hit_ratio(&db(1)), None);
    }
}
