//! WAL position and counters, the archiver, checkpoints (`wal_activity_*.sql`, one row)
//! and `pg_stat_io` (16+) summed by backend type and context.
//!
//! Tier: fast. One single-row read of in-memory counters, and `pg_stat_io`'s few dozen
//! rows; the rates per interval are computed from their deltas by the analysis layer.

use tokio_postgres::Row;

use crate::monitor::snapshot::replication::{
    Archiver, Checkpoints, IoCounters, IoTotals, WalActivity, WalStats,
};
use crate::monitor::snapshot::{Section, SectionError};
use crate::pg::probe::Capabilities;
use crate::pg::queries::{
    IO_16_SQL, IO_18_SQL, WAL_ACTIVITY_13_SQL, WAL_ACTIVITY_14_SQL, WAL_ACTIVITY_17_SQL,
};
use crate::pg::session::MonitorSession;

use super::rows::{bad_row, bytes, opt_text, query_failed};

/// The WAL position, `pg_stat_wal` (14+), `pg_stat_archiver` and the checkpoint
/// counters (`pg_stat_checkpointer` on 17+, `pg_stat_bgwriter` before).
pub(super) async fn collect_wal_activity(
    session: &mut MonitorSession,
    caps: &Capabilities,
) -> Section<WalActivity> {
    let sql = match caps.server_version_num {
        v if v >= 170_000 => WAL_ACTIVITY_17_SQL,
        v if v >= 140_000 => WAL_ACTIVITY_14_SQL,
        _ => WAL_ACTIVITY_13_SQL,
    };
    let rows = session.query(sql, &[]).await.map_err(query_failed)?;
    let row = rows
        .first()
        .ok_or_else(|| SectionError::Failed("WAL activity query returned no row".into()))?;
    wal_from_row(row)
}

fn wal_from_row(row: &Row) -> Section<WalActivity> {
    let count = |name: &str| -> Section<i64> { row.try_get(name).map_err(bad_row) };
    let time = |name: &str| row.try_get(name).map_err(bad_row);
    let stats = match row
        .try_get::<_, Option<i64>>("wal_records")
        .map_err(bad_row)?
    {
        None => None,
        Some(records) => Some(WalStats {
            records,
            full_page_images: count("wal_fpi")?,
            bytes: bytes(row.try_get("wal_bytes").map_err(bad_row)?).unwrap_or(0),
            buffers_full: count("wal_buffers_full")?,
            stats_reset: time("wal_stats_reset")?,
        }),
    };
    Ok(WalActivity {
        now: row.try_get("now").map_err(bad_row)?,
        in_recovery: row.try_get("in_recovery").map_err(bad_row)?,
        lsn: opt_text(row, "wal_lsn")?,
        position_bytes: bytes(row.try_get("wal_position_bytes").map_err(bad_row)?),
        stats,
        archiver: Archiver {
            mode: opt_text(row, "archive_mode")?.unwrap_or_default(),
            archived_count: count("archived_count")?,
            last_archived_wal: opt_text(row, "last_archived_wal")?,
            last_archived_time: time("last_archived_time")?,
            failed_count: count("failed_count")?,
            last_failed_wal: opt_text(row, "last_failed_wal")?,
            last_failed_time: time("last_failed_time")?,
            stats_reset: time("archiver_stats_reset")?,
        },
        checkpoints: Checkpoints {
            timed: count("checkpoints_timed")?,
            requested: count("checkpoints_requested")?,
            write_time_ms: row.try_get("checkpoint_write_time").map_err(bad_row)?,
            sync_time_ms: row.try_get("checkpoint_sync_time").map_err(bad_row)?,
            buffers_checkpoint: count("buffers_checkpoint")?,
            buffers_clean: count("buffers_clean")?,
            buffers_backend: row.try_get("buffers_backend").map_err(bad_row)?,
            stats_reset: time("checkpoint_stats_reset")?,
        },
    })
}

/// `pg_stat_io` by backend type and context; `Unavailable` before PostgreSQL 16.
pub(super) async fn collect_io(
    session: &mut MonitorSession,
    caps: &Capabilities,
) -> Section<Vec<IoTotals>> {
    let sql = match caps.server_version_num {
        v if v >= 180_000 => IO_18_SQL,
        v if v >= 160_000 => IO_16_SQL,
        _ => {
            return Err(SectionError::Unavailable {
                reason: "pg_stat_io exists from PostgreSQL 16".into(),
                fix: None,
            });
        }
    };
    let rows = session.query(sql, &[]).await.map_err(query_failed)?;
    rows.iter().map(io_from_row).collect()
}

fn io_from_row(row: &Row) -> Section<IoTotals> {
    let count = |name: &str| -> Section<i64> { row.try_get(name).map_err(bad_row) };
    let byte_count = |name: &str| -> Section<i64> {
        Ok(bytes(row.try_get(name).map_err(bad_row)?).unwrap_or(0))
    };
    let millis = |name: &str| -> Section<f64> { row.try_get(name).map_err(bad_row) };
    Ok(IoTotals {
        backend_type: opt_text(row, "backend_type")?.unwrap_or_default(),
        context: opt_text(row, "context")?.unwrap_or_default(),
        counters: IoCounters {
            reads: count("reads")?,
            read_bytes: byte_count("read_bytes")?,
            read_time_ms: millis("read_time")?,
            writes: count("writes")?,
            write_bytes: byte_count("write_bytes")?,
            write_time_ms: millis("write_time")?,
            writebacks: count("writebacks")?,
            extends: count("extends")?,
            extend_bytes: byte_count("extend_bytes")?,
            hits: count("hits")?,
            evictions: count("evictions")?,
            reuses: count("reuses")?,
            fsyncs: count("fsyncs")?,
            fsync_time_ms: millis("fsync_time")?,
        },
        stats_reset: row.try_get("stats_reset").map_err(bad_row)?,
    })
}

#[cfg(test)]
mod tests {
    use super::super::rows::bytes;

    #[test]
    fn byte_counts_round_and_reject_what_is_not_a_number() {
        assert_eq!(bytes(Some(16_777_216.0)), Some(16_777_216));
        assert_eq!(bytes(Some(-8.4)), Some(-8));
        assert_eq!(bytes(Some(f64::NAN)), None);
        assert_eq!(bytes(None), None);
    }
}
