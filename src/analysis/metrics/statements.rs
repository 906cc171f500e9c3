//! `pg_stat_statements` deltas: which statements cost the most *now*.
//!
//! The view holds cumulative counters per (user, database, query id, top level). Entries
//! come and go between polls: new statements appear, the least used ones are evicted when
//! `pg_stat_statements.max` is reached and may come back later with fresh counters, and
//! `pg_stat_statements_reset()` empties everything. Only growth that provably happened
//! inside the interval is shown; everything else is counted, never turned into a spike.

use std::collections::HashMap;

use super::counters::{DeltaStatus, section_pair};
use super::counters::{Interval, counter_delta, ratio, share, time_counter_delta};
use super::status::{RateStatus, ResetReason};
use crate::monitor::snapshot::{Snapshot, StatementCounters, StatementKey, Statements};

/// What one statement did during the interval.
#[derive(Debug, Clone, PartialEq)]
pub struct StatementDelta {
    /// Which `pg_stat_statements` entry.
    pub key: StatementKey,
    /// Executions in the interval (never 0: idle statements are omitted).
    pub calls: i64,
    /// Executions per second.
    pub calls_per_sec: f64,
    /// Execution time spent in the interval (planning time excluded).
    pub exec_time_ms: f64,
    /// Mean execution time of the interval's calls; `None` without calls.
    pub mean_ms: Option<f64>,
    /// This statement's part of all the execution time in the interval, `0..=1`.
    pub share_of_total_time: f64,
    /// Rows returned or affected per second.
    pub rows_per_sec: f64,
    /// Shared buffer hits / (hits + reads) in the interval; `None` without block access.
    pub shared_hit_ratio: Option<f64>,
    /// Temporary blocks read plus written in the interval.
    pub temp_blks: i64,
    /// Time spent reading and writing shared blocks (needs `track_io_timing`).
    pub io_time_ms: f64,
}

/// The Queries screen's interval view.
#[derive(Debug, Clone, PartialEq)]
pub struct StatementDeltas {
    /// `Ready(interval)` when rows are meaningful; otherwise why there are none.
    pub status: DeltaStatus,
    /// Statements that ran in the interval, most execution time first.
    pub rows: Vec<StatementDelta>,
    /// Entries that appeared (or were evicted and re-added) since the previous poll. Only
    /// those whose `stats_since` (1.11+) proves they started inside the interval are in
    /// `rows`; the others' counters may predate it.
    pub new_entries: usize,
    /// Entries of the previous poll that are gone (evicted or reset individually).
    pub evicted_entries: usize,
    /// Execution time of all `rows` together.
    pub total_exec_time_ms: f64,
}

impl StatementDeltas {
    fn without_rows(status: DeltaStatus) -> Self {
        Self {
            status,
            rows: Vec::new(),
            new_entries: 0,
            evicted_entries: 0,
            total_exec_time_ms: 0.0,
        }
    }
}

/// Per-statement activity between the previous and the current snapshot's reads of
/// `pg_stat_statements`. The cost governor spaces the reads out, so the interval is the
/// one between the two reads, not between the snapshots (the same read re-sent gives
/// an empty interval: the caller keeps what it showed, see `Derived::absorb`).
pub fn statement_deltas(prev: Option<&Snapshot>, cur: &Snapshot) -> StatementDeltas {
    let mut pair = match section_pair(prev, cur, statements) {
        Ok(pair) => pair,
        Err(status) => return StatementDeltas::without_rows(status),
    };
    pair.interval = match Interval::new(pair.prev.read_at, pair.cur.read_at) {
        Ok(interval) => interval,
        Err(reason) => return StatementDeltas::without_rows(RateStatus::Reset(reason)),
    };
    let before: HashMap<StatementKey, &StatementCounters> = pair
        .prev
        .counters
        .iter()
        .filter(|entry| !pair.cur.own.contains(&entry.key) && !pair.prev.own.contains(&entry.key))
        .map(|entry| (entry.key, entry))
        .collect();
    if was_reset(pair.prev, pair.cur, &before) {
        return StatementDeltas::without_rows(RateStatus::Reset(ResetReason::StatsReset));
    }

    let mut rows = Vec::new();
    let (mut new_entries, mut still_there) = (0, 0);
    // pgpulse's own polling is not the server's work: not a row, not in the totals.
    for now in pair
        .cur
        .counters
        .iter()
        .filter(|c| !pair.cur.own.contains(&c.key))
    {
        let previous = before.get(&now.key).copied();
        still_there += usize::from(previous.is_some());
        let growth = match previous.and_then(|before| Growth::since(before, now)) {
            Some(growth) => Some(growth),
            None => {
                new_entries += 1;
                started_inside(now, &pair.interval)
                    .then(|| Growth::since_creation(now))
                    .flatten()
            }
        };
        if let Some(growth) = growth.filter(|growth| growth.calls > 0) {
            rows.push(growth.into_delta(now.key, &pair.interval));
        }
    }

    let total_exec_time_ms: f64 = rows.iter().map(|row| row.exec_time_ms).sum();
    for row in &mut rows {
        // With no time at all (sub-resolution calls), no statement has a share of it.
        row.share_of_total_time = ratio(row.exec_time_ms, total_exec_time_ms).unwrap_or(0.0);
    }
    rows.sort_by(|a, b| {
        b.exec_time_ms
            .total_cmp(&a.exec_time_ms)
            .then(b.calls.cmp(&a.calls))
            .then(a.key.cmp(&b.key))
    });
    StatementDeltas {
        status: RateStatus::Ready(pair.interval),
        rows,
        new_entries,
        evicted_entries: before.len().saturating_sub(still_there),
        total_exec_time_ms,
    }
}

/// Whether both snapshots carry the same read of `pg_stat_statements` (the poller re-sends
/// the last read between two governed reads): nothing new to compute.
pub fn same_statements_read(prev: Option<&Snapshot>, cur: &Snapshot) -> bool {
    match (prev.map(|p| &p.statements), &cur.statements) {
        (Some(Ok(before)), Ok(now)) => {
            before.read_at == now.read_at && std::sync::Arc::ptr_eq(&before.counters, &now.counters)
        }
        _ => false,
    }
}

/// One statement's counters since they started (the Queries screen's cumulative toggle).
#[derive(Debug, Clone, PartialEq)]
pub struct StatementTotals {
    /// Which `pg_stat_statements` entry.
    pub key: StatementKey,
    /// Executions since the entry started.
    pub calls: i64,
    /// Execution time since the entry started (planning time excluded).
    pub total_exec_time_ms: f64,
    /// `None` for an entry without calls.
    pub mean_ms: Option<f64>,
    /// Rows returned or affected since the entry started.
    pub rows: i64,
    /// Shared buffer hits / (hits + reads); `None` without block access.
    pub shared_hit_ratio: Option<f64>,
    /// Temporary blocks read plus written.
    pub temp_blks: i64,
}

/// Every statement's cumulative counters, most execution time first; empty when the
/// section is missing (the section's own error says why).
pub fn cumulative_statements(cur: &Snapshot) -> Vec<StatementTotals> {
    let Some(section) = statements(cur) else {
        return Vec::new();
    };
    let mut totals: Vec<StatementTotals> = section
        .counters
        .iter()
        .filter(|entry| !section.own.contains(&entry.key))
        .map(|entry| {
            let total = finite_or_zero(entry.total_exec_time_ms);
            StatementTotals {
                key: entry.key,
                calls: entry.calls,
                total_exec_time_ms: total,
                mean_ms: mean(total, entry.calls),
                rows: entry.rows,
                shared_hit_ratio: share(entry.shared_blks_hit, entry.shared_blks_read),
                temp_blks: entry.temp_blks_read.saturating_add(entry.temp_blks_written),
            }
        })
        .collect();
    totals.sort_by(|a, b| {
        b.total_exec_time_ms
            .total_cmp(&a.total_exec_time_ms)
            .then(a.key.cmp(&b.key))
    });
    totals
}

fn statements(snapshot: &Snapshot) -> Option<&Statements> {
    snapshot.statements.as_ref().ok()
}

/// Whether `pg_stat_statements_reset()` ran between the polls.
///
/// From 1.9 `pg_stat_statements_info.stats_reset` says so. Without it (1.8, or the info
/// missing on one side), a reset shows as most surviving keys having fewer calls than
/// before; a few such keys are individual evictions and are handled per entry.
fn was_reset(
    prev: &Statements,
    cur: &Statements,
    before: &HashMap<StatementKey, &StatementCounters>,
) -> bool {
    if let (Some(prev_info), Some(cur_info)) = (&prev.info, &cur.info) {
        return prev_info.stats_reset != cur_info.stats_reset;
    }
    let (mut common, mut backwards) = (0usize, 0usize);
    for now in cur.counters.iter() {
        if let Some(previous) = before.get(&now.key) {
            common += 1;
            backwards += usize::from(now.calls < previous.calls);
        }
    }
    backwards * 2 > common
}

/// Whether the entry's counters provably all accrued inside the interval (1.11+).
///
/// Compared on the interval's clock, which is the server's whenever both snapshots have
/// it (`stats_since` is a server timestamp).
fn started_inside(entry: &StatementCounters, interval: &Interval) -> bool {
    entry
        .stats_since
        .is_some_and(|since| since >= interval.start())
}

fn mean(total_ms: f64, calls: i64) -> Option<f64> {
    ratio(total_ms, calls as f64)
}

fn finite_or_zero(value: f64) -> f64 {
    if value.is_finite() { value } else { 0.0 }
}

/// How much one entry's counters grew.
struct Growth {
    calls: i64,
    exec_time_ms: f64,
    rows: i64,
    blks_hit: i64,
    blks_read: i64,
    temp_blks: i64,
    io_time_ms: f64,
}

impl Growth {
    /// Growth since the previous sample of the same entry; `None` when the entry was
    /// re-created in between (its `stats_since` moved, or any counter went backwards).
    fn since(prev: &StatementCounters, cur: &StatementCounters) -> Option<Self> {
        if prev.stats_since.is_some()
            && cur.stats_since.is_some()
            && prev.stats_since != cur.stats_since
        {
            return None;
        }
        Self::between(Some(prev), cur)
    }

    /// All of an entry's counters, for an entry created inside the interval.
    fn since_creation(cur: &StatementCounters) -> Option<Self> {
        Self::between(None, cur)
    }

    fn between(prev: Option<&StatementCounters>, cur: &StatementCounters) -> Option<Self> {
        let int =
            |field: fn(&StatementCounters) -> i64| counter_delta(prev.map_or(0, field), field(cur));
        let ms = |field: fn(&StatementCounters) -> f64| {
            time_counter_delta(prev.map_or(0.0, field), field(cur))
        };
        Some(Self {
            calls: int(|e| e.calls)?,
            exec_time_ms: ms(|e| e.total_exec_time_ms)?,
            rows: int(|e| e.rows)?,
            blks_hit: int(|e| e.shared_blks_hit)?,
            blks_read: int(|e| e.shared_blks_read)?,
            temp_blks: int(|e| e.temp_blks_read)?.saturating_add(int(|e| e.temp_blks_written)?),
            io_time_ms: ms(|e| e.shared_blk_read_time_ms)? + ms(|e| e.shared_blk_write_time_ms)?,
        })
    }

    fn into_delta(self, key: StatementKey, interval: &Interval) -> StatementDelta {
        StatementDelta {
            key,
            calls: self.calls,
            calls_per_sec: interval.per_sec(self.calls),
            exec_time_ms: self.exec_time_ms,
            mean_ms: mean(self.exec_time_ms, self.calls),
            share_of_total_time: 0.0,
            rows_per_sec: interval.per_sec(self.rows),
            shared_hit_ratio: share(self.blks_hit, self.blks_read),
            temp_blks: self.temp_blks,
            io_time_ms: self.io_time_ms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitor::snapshot::test_support::*;

    fn keys(deltas: &StatementDeltas) -> Vec<i64> {
        deltas.rows.iter().map(|row| row.key.queryid).collect()
    }

    fn assert_ready(deltas: &StatementDeltas) {
        assert!(
            matches!(deltas.status, RateStatus::Ready(_)),
            "{:?}",
            deltas.status
        );
    }

    #[test]
    fn first_poll_has_no_rows() {
        let cur = snapshot_at(0).with_statement(stmt(1).calls(10).exec_ms(100.0));
        let deltas = statement_deltas(None, &cur);
        assert_eq!(deltas.status, RateStatus::FirstPoll);
        assert!(deltas.rows.is_empty());
    }

    #[test]
    fn a_missing_section_is_unavailable_and_a_failed_previous_read_a_first_poll() {
        let with_one = snapshot_at(1).with_statement(stmt(1).calls(10));
        let missing = snapshot_at(1).without_statements();
        assert_eq!(
            statement_deltas(Some(&with_one), &missing).status,
            RateStatus::Unavailable
        );
        let failed_before = snapshot_at(0).without_statements();
        assert_eq!(
            statement_deltas(Some(&failed_before), &with_one).status,
            RateStatus::FirstPoll
        );
    }

    #[test]
    fn deltas_cover_only_the_interval() {
        let prev = snapshot_at(10).with_statement(
            stmt(1)
                .calls(100)
                .exec_ms(1_000.0)
                .rows(100)
                .blocks(50, 50)
                .temp(1, 1)
                .io_ms(1.0, 1.0),
        );
        let cur = snapshot_at(12).with_statement(
            stmt(1)
                .calls(140)
                .exec_ms(1_200.0)
                .rows(180)
                .blocks(140, 60)
                .temp(3, 4)
                .io_ms(2.5, 1.5),
        );
        let deltas = statement_deltas(Some(&prev), &cur);
        assert_ready(&deltas);
        let row = &deltas.rows[0];
        assert_eq!((row.calls, row.calls_per_sec), (40, 20.0));
        assert_eq!(row.exec_time_ms, 200.0);
        assert_eq!(row.mean_ms, Some(5.0));
        assert_eq!(row.rows_per_sec, 40.0);
        assert_eq!(row.shared_hit_ratio, Some(0.9));
        assert_eq!(row.temp_blks, 5);
        assert_eq!(row.io_time_ms, 2.0);
        assert_eq!(row.share_of_total_time, 1.0);
        assert_eq!(deltas.total_exec_time_ms, 200.0);
    }

    /// `snapshot` with statement `queryid` marked as one of pgpulse's own.
    fn own(mut snapshot: Snapshot, queryid: i64) -> Snapshot {
        if let Ok(statements) = &mut snapshot.statements {
            statements.own = std::sync::Arc::new([stmt(queryid).key].into_iter().collect());
        }
        snapshot
    }

    #[test]
    fn pgpulse_s_own_statements_are_neither_rows_nor_time_nor_evictions() {
        let prev = own(
            snapshot_at(10)
                .with_statement(stmt(1).calls(10).exec_ms(10.0))
                .with_statement(stmt(7).calls(10).exec_ms(10.0)),
            7,
        );
        let cur = own(
            snapshot_at(11)
                .with_statement(stmt(1).calls(12).exec_ms(14.0))
                .with_statement(stmt(7).calls(30).exec_ms(90.0)),
            7,
        );
        let deltas = statement_deltas(Some(&prev), &cur);
        assert_eq!(keys(&deltas), vec![1]);
        assert_eq!(deltas.total_exec_time_ms, 4.0);
        assert_eq!(deltas.rows[0].share_of_total_time, 1.0);
        assert_eq!((deltas.new_entries, deltas.evicted_entries), (0, 0));
        let totals: Vec<i64> = cumulative_statements(&cur)
            .iter()
            .map(|t| t.key.queryid)
            .collect();
        assert_eq!(totals, vec![1]);
    }

    #[test]
    fn a_server_restart_resets_without_rows() {
        let prev = snapshot_at(0).with_statement(stmt(1).calls(500));
        let cur = snapshot_at(10)
            .restarted_at(5)
            .with_statement(stmt(1).calls(3));
        let deltas = statement_deltas(Some(&prev), &cur);
        assert_eq!(deltas.status, RateStatus::Reset(ResetReason::ServerRestart));
        assert!(deltas.rows.is_empty());
    }

    #[test]
    fn a_changed_info_stats_reset_is_a_statements_reset() {
        let prev = snapshot_at(0)
            .with_statements_reset_at(0)
            .with_statement(stmt(1).calls(5));
        // Counters grew, yet a reset happened in between: only the info can tell.
        let cur = snapshot_at(10)
            .with_statements_reset_at(4)
            .with_statement(stmt(1).calls(9));
        let deltas = statement_deltas(Some(&prev), &cur);
        assert_eq!(deltas.status, RateStatus::Reset(ResetReason::StatsReset));
        assert!(deltas.rows.is_empty());
    }

    #[test]
    fn without_info_most_keys_going_backwards_is_a_statements_reset() {
        // Extension 1.8: no pg_stat_statements_info.
        let prev = snapshot_at(0)
            .with_statement(stmt(1).calls(100))
            .with_statement(stmt(2).calls(100))
            .with_statement(stmt(3).calls(100));
        let cur = snapshot_at(1)
            .with_statement(stmt(1).calls(2))
            .with_statement(stmt(2).calls(1))
            .with_statement(stmt(3).calls(101));
        let deltas = statement_deltas(Some(&prev), &cur);
        assert_eq!(deltas.status, RateStatus::Reset(ResetReason::StatsReset));
        assert!(deltas.rows.is_empty());
    }

    #[test]
    fn one_key_going_backwards_alone_is_excluded_and_counted_as_new() {
        let prev = snapshot_at(0)
            .with_statement(stmt(1).calls(100).exec_ms(100.0))
            .with_statement(stmt(2).calls(100).exec_ms(100.0))
            .with_statement(stmt(3).calls(100).exec_ms(100.0));
        // Entry 3 was evicted and re-added: fewer calls than before.
        let cur = snapshot_at(1)
            .with_statement(stmt(1).calls(110).exec_ms(110.0))
            .with_statement(stmt(2).calls(120).exec_ms(130.0))
            .with_statement(stmt(3).calls(7).exec_ms(7.0));
        let deltas = statement_deltas(Some(&prev), &cur);
        assert_ready(&deltas);
        assert_eq!(keys(&deltas), [2, 1]);
        assert_eq!((deltas.new_entries, deltas.evicted_entries), (1, 0));
    }

    #[test]
    fn a_new_key_without_stats_since_is_not_a_spike() {
        let prev = snapshot_at(0).with_statement(stmt(1).calls(10).exec_ms(10.0));
        let cur = snapshot_at(1)
            .with_statement(stmt(1).calls(11).exec_ms(11.0))
            .with_statement(stmt(2).calls(1_000_000).exec_ms(9e9));
        let deltas = statement_deltas(Some(&prev), &cur);
        assert_eq!(keys(&deltas), [1]);
        assert_eq!(deltas.new_entries, 1);
        assert_eq!(deltas.total_exec_time_ms, 1.0);
    }

    #[test]
    fn a_new_key_whose_stats_started_inside_the_interval_counts_entirely() {
        let prev = snapshot_at(10).with_statement(stmt(1).calls(10).exec_ms(10.0).since(0));
        let cur = snapshot_at(12)
            .with_statement(stmt(1).calls(12).exec_ms(12.0).since(0))
            .with_statement(stmt(2).calls(4).exec_ms(6.0).since(10))
            .with_statement(stmt(3).calls(4).exec_ms(6.0).since(11))
            .with_statement(stmt(4).calls(500).exec_ms(900.0).since(9));
        let deltas = statement_deltas(Some(&prev), &cur);
        assert_eq!(keys(&deltas), [2, 3, 1]);
        assert_eq!(deltas.rows[0].calls_per_sec, 2.0);
        assert_eq!(deltas.new_entries, 3);
    }

    #[test]
    fn a_re_created_entry_is_detected_by_stats_since_even_when_counters_grew() {
        let prev = snapshot_at(10).with_statement(stmt(1).calls(10).exec_ms(10.0).since(0));
        let cur = snapshot_at(12).with_statement(stmt(1).calls(30).exec_ms(60.0).since(11));
        let deltas = statement_deltas(Some(&prev), &cur);
        assert_eq!(deltas.rows[0].calls, 30);
        assert_eq!(deltas.rows[0].exec_time_ms, 60.0);
        assert_eq!(deltas.new_entries, 1);
    }

    #[test]
    fn keys_gone_since_the_previous_poll_are_counted_as_evicted() {
        let prev = snapshot_at(0)
            .with_statement(stmt(1).calls(10))
            .with_statement(stmt(2).calls(10))
            .with_statement(stmt(3).calls(10));
        let cur = snapshot_at(1).with_statement(stmt(1).calls(11));
        let deltas = statement_deltas(Some(&prev), &cur);
        assert_ready(&deltas);
        assert_eq!((deltas.new_entries, deltas.evicted_entries), (0, 2));
    }

    #[test]
    fn statements_that_did_not_run_are_omitted() {
        let prev = snapshot_at(0)
            .with_statement(stmt(1).calls(10).exec_ms(5.0))
            .with_statement(stmt(2).calls(10).exec_ms(5.0));
        let cur = snapshot_at(1)
            .with_statement(stmt(1).calls(10).exec_ms(5.0))
            .with_statement(stmt(2).calls(11).exec_ms(6.0));
        assert_eq!(keys(&statement_deltas(Some(&prev), &cur)), [2]);
    }

    #[test]
    fn rows_are_sorted_by_time_and_shares_add_up() {
        let prev = snapshot_at(0)
            .with_statement(stmt(1))
            .with_statement(stmt(2))
            .with_statement(stmt(3));
        let cur = snapshot_at(1)
            .with_statement(stmt(1).calls(1).exec_ms(10.0))
            .with_statement(stmt(2).calls(1).exec_ms(60.0))
            .with_statement(stmt(3).calls(5).exec_ms(30.0));
        let deltas = statement_deltas(Some(&prev), &cur);
        assert_eq!(keys(&deltas), [2, 3, 1]);
        let shares: Vec<f64> = deltas
            .rows
            .iter()
            .map(|row| row.share_of_total_time)
            .collect();
        assert_eq!(shares, [0.6, 0.3, 0.1]);
    }

    #[test]
    fn zero_time_and_no_blocks_stay_finite() {
        let prev = snapshot_at(0).with_statement(stmt(1));
        let cur = snapshot_at(1).with_statement(stmt(1).calls(3));
        let deltas = statement_deltas(Some(&prev), &cur);
        let row = &deltas.rows[0];
        assert_eq!(row.share_of_total_time, 0.0);
        assert_eq!(row.shared_hit_ratio, None);
        assert_eq!(row.mean_ms, Some(0.0));
        assert!(
            [
                row.calls_per_sec,
                row.rows_per_sec,
                row.exec_time_ms,
                row.io_time_ms
            ]
            .iter()
            .all(|v| v.is_finite())
        );
    }

    #[test]
    fn zero_interval_gives_no_rows() {
        let prev = snapshot_at(5).with_statement(stmt(1).calls(1));
        let cur = snapshot_at(5).with_statement(stmt(1).calls(9));
        let deltas = statement_deltas(Some(&prev), &cur);
        assert_eq!(
            deltas.status,
            RateStatus::Reset(ResetReason::IntervalOutOfRange)
        );
        assert!(deltas.rows.is_empty());
    }

    #[test]
    fn cumulative_totals_are_sorted_and_safe_without_calls() {
        let cur = snapshot_at(0)
            .with_statement(
                stmt(1)
                    .calls(4)
                    .exec_ms(20.0)
                    .rows(8)
                    .blocks(3, 1)
                    .temp(2, 3),
            )
            .with_statement(stmt(2).exec_ms(f64::NAN))
            .with_statement(stmt(3).calls(1).exec_ms(500.0));
        let totals = cumulative_statements(&cur);
        let order: Vec<i64> = totals.iter().map(|t| t.key.queryid).collect();
        assert_eq!(order, [3, 1, 2]);
        assert_eq!(totals[1].mean_ms, Some(5.0));
        assert_eq!(totals[1].shared_hit_ratio, Some(0.75));
        assert_eq!(totals[1].temp_blks, 5);
        assert_eq!(
            (totals[2].mean_ms, totals[2].total_exec_time_ms),
            (None, 0.0)
        );
        assert!(cumulative_statements(&snapshot_at(0).without_statements()).is_empty());
    }
}
