//! Per-interval figures from two consecutive reads of the cumulative WAL, archiver,
//! checkpoint and `pg_stat_io` counters. A counter that went down was reset (a stats
//! reset, a restart): that interval has no figure for it, rather than a negative one.

use std::collections::HashMap;
use std::time::Duration;

use crate::monitor::snapshot::replication::{IoCounters, IoTotals, WalActivity};

/// What happened between two reads of [`WalActivity`].
#[derive(Debug, Clone, PartialEq)]
pub struct WalInterval {
    /// Between the two reads, on the server's clock.
    pub length: Duration,
    /// WAL written (the position's delta); per second with [`WalInterval::per_second`].
    pub wal_bytes: Option<i64>,
    /// `pg_stat_wal` deltas (14+).
    pub wal_records: Option<i64>,
    pub wal_full_page_images: Option<i64>,
    pub wal_buffers_full: Option<i64>,
    pub checkpoints: Option<CheckpointDelta>,
    /// Segments archived and archive attempts that failed.
    pub archived: Option<i64>,
    pub archive_failed: Option<i64>,
}

/// Checkpoint counters' deltas over one interval.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CheckpointDelta {
    pub timed: i64,
    pub requested: i64,
    pub write_time_ms: f64,
    pub sync_time_ms: f64,
    pub buffers_checkpoint: i64,
    pub buffers_clean: i64,
    /// Before 17 only.
    pub buffers_backend: Option<i64>,
}

impl WalInterval {
    /// `count` over this interval, per second (`None` for an empty interval).
    pub fn per_second(&self, count: i64) -> Option<f64> {
        let secs = self.length.as_secs_f64();
        (secs > 0.0).then(|| count as f64 / secs)
    }

    /// WAL bytes per second.
    pub fn wal_rate(&self) -> Option<f64> {
        self.per_second(self.wal_bytes?)
    }
}

/// The interval from `before` to `now`; `None` when the clock did not move forward.
pub fn wal_interval(before: &WalActivity, now: &WalActivity) -> Option<WalInterval> {
    let length = now.now.duration_since(before.now).ok()?;
    if length.is_zero() {
        return None;
    }
    let both = |a: Option<i64>, b: Option<i64>| delta(a?, b?);
    let stats = before.stats.as_ref().zip(now.stats.as_ref());
    let (b, n) = (&before.checkpoints, &now.checkpoints);
    let checkpoints = (|| {
        Some(CheckpointDelta {
            timed: delta(b.timed, n.timed)?,
            requested: delta(b.requested, n.requested)?,
            write_time_ms: delta_f(b.write_time_ms, n.write_time_ms)?,
            sync_time_ms: delta_f(b.sync_time_ms, n.sync_time_ms)?,
            buffers_checkpoint: delta(b.buffers_checkpoint, n.buffers_checkpoint)?,
            buffers_clean: delta(b.buffers_clean, n.buffers_clean)?,
            buffers_backend: both(b.buffers_backend, n.buffers_backend),
        })
    })();
    let (ba, na) = (&before.archiver, &now.archiver);
    Some(WalInterval {
        length,
        wal_bytes: both(before.position_bytes, now.position_bytes),
        wal_records: stats.and_then(|(b, n)| delta(b.records, n.records)),
        wal_full_page_images: stats
            .and_then(|(b, n)| delta(b.full_page_images, n.full_page_images)),
        wal_buffers_full: stats.and_then(|(b, n)| delta(b.buffers_full, n.buffers_full)),
        checkpoints,
        archived: delta(ba.archived_count, na.archived_count),
        archive_failed: delta(ba.failed_count, na.failed_count),
    })
}

/// `pg_stat_io` over one interval for one backend type and context.
#[derive(Debug, Clone, PartialEq)]
pub struct IoInterval {
    pub backend_type: String,
    pub context: String,
    pub counters: IoCounters,
}

/// Per backend type and context, what `pg_stat_io` counted between the two reads
/// (rows new in `now` or reset since `before` are left out), busiest (bytes) first.
pub fn io_intervals(before: &[IoTotals], now: &[IoTotals]) -> Vec<IoInterval> {
    let earlier: HashMap<(&str, &str), &IoTotals> = before
        .iter()
        .map(|r| ((r.backend_type.as_str(), r.context.as_str()), r))
        .collect();
    let mut rows: Vec<IoInterval> = now
        .iter()
        .filter_map(|n| {
            let b = earlier.get(&(n.backend_type.as_str(), n.context.as_str()))?;
            if b.stats_reset != n.stats_reset {
                return None;
            }
            Some(IoInterval {
                backend_type: n.backend_type.clone(),
                context: n.context.clone(),
                counters: io_growth(&b.counters, &n.counters)?,
            })
        })
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.counters.moved_bytes()));
    rows
}

/// Every counter's growth; `None` when any went down (a reset the timestamp missed).
fn io_growth(b: &IoCounters, n: &IoCounters) -> Option<IoCounters> {
    Some(IoCounters {
        reads: delta(b.reads, n.reads)?,
        read_bytes: delta(b.read_bytes, n.read_bytes)?,
        read_time_ms: delta_f(b.read_time_ms, n.read_time_ms)?,
        writes: delta(b.writes, n.writes)?,
        write_bytes: delta(b.write_bytes, n.write_bytes)?,
        write_time_ms: delta_f(b.write_time_ms, n.write_time_ms)?,
        writebacks: delta(b.writebacks, n.writebacks)?,
        extends: delta(b.extends, n.extends)?,
        extend_bytes: delta(b.extend_bytes, n.extend_bytes)?,
        hits: delta(b.hits, n.hits)?,
        evictions: delta(b.evictions, n.evictions)?,
        reuses: delta(b.reuses, n.reuses)?,
        fsyncs: delta(b.fsyncs, n.fsyncs)?,
        fsync_time_ms: delta_f(b.fsync_time_ms, n.fsync_time_ms)?,
    })
}

/// A counter's growth; `None` when it went down (reset).
fn delta(before: i64, now: i64) -> Option<i64> {
    now.checked_sub(before).filter(|d| *d >= 0)
}

fn delta_f(before: f64, now: f64) -> Option<f64> {
    let d = now - before;
    (d.is_finite() && d >= 0.0).then_some(d)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::monitor::snapshot::replication::{Archiver, Checkpoints, WalStats};
    use std::time::{SystemTime, UNIX_EPOCH};

    pub(crate) fn wal(
        secs: u64,
        position: i64,
        timed: i64,
        requested: i64,
        failed: i64,
    ) -> WalActivity {
        WalActivity {
            now: UNIX_EPOCH + Duration::from_secs(1_700_000_000 + secs),
            in_recovery: false,
            lsn: None,
            position_bytes: Some(position),
            stats: Some(WalStats {
                records: position / 100,
                full_page_images: 0,
                bytes: position,
                buffers_full: 0,
                stats_reset: None,
            }),
            archiver: Archiver {
                mode: "on".into(),
                archived_count: 0,
                last_archived_wal: None,
                last_archived_time: None,
                failed_count: failed,
                last_failed_wal: None,
                last_failed_time: None,
                stats_reset: None,
            },
            checkpoints: Checkpoints {
                timed,
                requested,
                write_time_ms: 10.0 * timed as f64,
                sync_time_ms: 1.0,
                buffers_checkpoint: 100 * (timed + requested),
                buffers_clean: 0,
                buffers_backend: None,
                stats_reset: None,
            },
        }
    }

    #[test]
    fn wal_rate_and_checkpoints_per_interval() {
        let i = wal_interval(&wal(0, 1_000, 1, 0, 0), &wal(2, 9_000, 2, 1, 3)).unwrap();
        assert_eq!(i.length, Duration::from_secs(2));
        assert_eq!(i.wal_rate(), Some(4_000.0));
        assert_eq!(i.wal_records, Some(80));
        let c = i.checkpoints.unwrap();
        assert_eq!((c.timed, c.requested, c.buffers_checkpoint), (1, 1, 200));
        assert_eq!(c.write_time_ms, 10.0);
        assert_eq!(i.archive_failed, Some(3));
    }

    #[test]
    fn a_reset_counter_has_no_figure_and_a_stuck_clock_no_interval() {
        let i = wal_interval(&wal(0, 1_000, 5, 5, 9), &wal(1, 2_000, 0, 0, 0)).unwrap();
        assert_eq!((i.checkpoints, i.archive_failed), (None, None));
        assert_eq!(i.wal_bytes, Some(1_000));
        assert!(wal_interval(&wal(5, 0, 0, 0, 0), &wal(5, 1, 0, 0, 0)).is_none());
        let _ = SystemTime::now();
    }

    fn io(kind: &str, reads: i64, bytes: i64) -> IoTotals {
        IoTotals {
            backend_type: kind.into(),
            context: "normal".into(),
            counters: IoCounters {
                reads,
                read_bytes: bytes,
                ..IoCounters::default()
            },
            stats_reset: None,
        }
    }

    #[test]
    fn io_deltas_per_backend_type_busiest_first() {
        let before = [io("client backend", 10, 81_920), io("checkpointer", 0, 0)];
        let now = [
            io("client backend", 12, 98_304),
            io("checkpointer", 0, 819_200),
            io("autovacuum worker", 5, 40_960),
        ];
        let rows = io_intervals(&before, &now);
        let seen: Vec<(&str, i64)> = rows
            .iter()
            .map(|r| (r.backend_type.as_str(), r.counters.read_bytes))
            .collect();
        // The new autovacuum row has no interval yet.
        assert_eq!(
            seen,
            vec![("checkpointer", 819_200), ("client backend", 16_384)]
        );
    }
}
