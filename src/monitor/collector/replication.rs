//! Replication sources: WAL senders, replication slots, and a standby's own view (its
//! positions, replay pause, WAL receiver and recovery conflicts). WAL, archiver,
//! checkpoints and I/O are in `wal`. [`collect_replication`] reads them all.
//!
//! Tier: fast. Each is a handful of rows from shared memory (no catalog scan, no lock),
//! and lag is what on-call watches second by second.

use tokio_postgres::Row;

use crate::monitor::snapshot::replication::{
    RecoveryConflicts, ReplayPause, ReplicationSlot, StandbyStatus, WalReceiver, WalSender,
};
use crate::monitor::snapshot::{ReplicationSnapshot, Section, SectionError};
use crate::pg::probe::Capabilities;
use crate::pg::queries::{
    REPLICATION_SENDERS_SQL, REPLICATION_SLOTS_17_SQL, REPLICATION_SLOTS_SQL,
    STANDBY_STATUS_13_SQL, STANDBY_STATUS_14_SQL,
};
use crate::pg::session::MonitorSession;

use super::rows::{bad_row, bytes, opt_text, query_failed, seconds};
use super::wal::{collect_io, collect_wal_activity};

/// Reads every replication source. `in_recovery` is this poll's reading (a promotion
/// changes the role without a reconnect): a standby's own view is read only in
/// recovery, where the primary-only functions would raise.
pub async fn collect_replication(
    session: &mut MonitorSession,
    caps: &Capabilities,
    in_recovery: bool,
) -> ReplicationSnapshot {
    ReplicationSnapshot {
        senders: collect_senders(session).await,
        slots: collect_slots(session, caps).await,
        wal: collect_wal_activity(session, caps).await,
        io: collect_io(session, caps).await,
        standby: if in_recovery {
            collect_standby(session, caps).await
        } else {
            Err(SectionError::Unavailable {
                reason: "not a standby: this server is not in recovery".into(),
                fix: None,
            })
        },
    }
}

/// `pg_stat_replication` with distances in bytes from the server's WAL position.
async fn collect_senders(session: &mut MonitorSession) -> Section<Vec<WalSender>> {
    let rows = session
        .query(REPLICATION_SENDERS_SQL, &[])
        .await
        .map_err(query_failed)?;
    rows.iter().map(sender_from_row).collect()
}

fn sender_from_row(row: &Row) -> Section<WalSender> {
    let state = opt_text(row, "state")?;
    let lag = |name: &str| -> Section<_> {
        Ok(seconds(
            row.try_get::<_, Option<f64>>(name).map_err(bad_row)?,
        ))
    };
    let behind =
        |name: &str| -> Section<Option<i64>> { Ok(bytes(row.try_get(name).map_err(bad_row)?)) };
    Ok(WalSender {
        pid: row.try_get("pid").map_err(bad_row)?,
        user: opt_text(row, "user_name")?,
        application_name: opt_text(row, "application_name")?.unwrap_or_default(),
        client_addr: opt_text(row, "client_addr")?,
        client_hostname: opt_text(row, "client_hostname")?,
        sync_state: opt_text(row, "sync_state")?,
        backend_start: row.try_get("backend_start").map_err(bad_row)?,
        sent_behind_bytes: behind("sent_behind_bytes")?,
        write_behind_bytes: behind("write_behind_bytes")?,
        flush_behind_bytes: behind("flush_behind_bytes")?,
        replay_behind_bytes: behind("replay_behind_bytes")?,
        write_lag: lag("write_lag_seconds")?,
        flush_lag: lag("flush_lag_seconds")?,
        replay_lag: lag("replay_lag_seconds")?,
        reply_time: row.try_get("reply_time").map_err(bad_row)?,
        xmin_age: row.try_get("xmin_age").map_err(bad_row)?,
        // Every sender has a state; only privileges blank it.
        hidden: state.is_none(),
        state,
    })
}

/// `pg_replication_slots` (17+: with `inactive_since` and `invalidation_reason`).
async fn collect_slots(
    session: &mut MonitorSession,
    caps: &Capabilities,
) -> Section<Vec<ReplicationSlot>> {
    let sql = if caps.server_version_num >= 170_000 {
        REPLICATION_SLOTS_17_SQL
    } else {
        REPLICATION_SLOTS_SQL
    };
    let rows = session.query(sql, &[]).await.map_err(query_failed)?;
    rows.iter().map(slot_from_row).collect()
}

fn slot_from_row(row: &Row) -> Section<ReplicationSlot> {
    Ok(ReplicationSlot {
        name: opt_text(row, "slot_name")?.unwrap_or_default(),
        slot_type: opt_text(row, "slot_type")?.unwrap_or_default(),
        plugin: opt_text(row, "plugin")?,
        database: opt_text(row, "database_name")?,
        temporary: row.try_get("temporary").map_err(bad_row)?,
        active: row.try_get("active").map_err(bad_row)?,
        active_pid: row.try_get("active_pid").map_err(bad_row)?,
        restart_lsn: opt_text(row, "restart_lsn")?,
        confirmed_flush_lsn: opt_text(row, "confirmed_flush_lsn")?,
        retained_bytes: bytes(row.try_get("retained_bytes").map_err(bad_row)?),
        wal_status: opt_text(row, "wal_status")?,
        safe_wal_size: row.try_get("safe_wal_size").map_err(bad_row)?,
        xmin_age: row.try_get("xmin_age").map_err(bad_row)?,
        catalog_xmin_age: row.try_get("catalog_xmin_age").map_err(bad_row)?,
        inactive_since: row.try_get("inactive_since").map_err(bad_row)?,
        invalidation_reason: opt_text(row, "invalidation_reason")?,
    })
}

/// A standby's positions, replay state, WAL receiver and conflicts (in recovery only).
async fn collect_standby(
    session: &mut MonitorSession,
    caps: &Capabilities,
) -> Section<StandbyStatus> {
    let sql = if caps.server_version_num >= 140_000 {
        STANDBY_STATUS_14_SQL
    } else {
        STANDBY_STATUS_13_SQL
    };
    let rows = session.query(sql, &[]).await.map_err(query_failed)?;
    let row = rows
        .first()
        .ok_or_else(|| SectionError::Failed("standby status query returned no row".into()))?;
    standby_from_row(row)
}

fn standby_from_row(row: &Row) -> Section<StandbyStatus> {
    let count = |name: &str| -> Section<i64> { row.try_get(name).map_err(bad_row) };
    let pause = opt_text(row, "pause_state")?;
    let receiver = match row
        .try_get::<_, Option<i32>>("receiver_pid")
        .map_err(bad_row)?
    {
        None => None,
        Some(pid) => {
            let status = opt_text(row, "receiver_status")?;
            Some(WalReceiver {
                pid,
                sender_host: opt_text(row, "sender_host")?,
                sender_port: row.try_get("sender_port").map_err(bad_row)?,
                slot_name: opt_text(row, "receiver_slot")?,
                flushed_lsn: opt_text(row, "receiver_flushed_lsn")?,
                last_msg_receipt_time: row.try_get("last_msg_receipt_time").map_err(bad_row)?,
                // A running receiver always has a status; only privileges blank it.
                hidden: status.is_none(),
                status,
            })
        }
    };
    Ok(StandbyStatus {
        now: row.try_get("now").map_err(bad_row)?,
        receive_lsn: opt_text(row, "receive_lsn")?,
        replay_lsn: opt_text(row, "replay_lsn")?,
        replay_behind_bytes: bytes(row.try_get("replay_behind_bytes").map_err(bad_row)?),
        last_replay_time: row.try_get("last_replay_time").map_err(bad_row)?,
        replay_paused: match pause.as_deref() {
            Some("paused") => ReplayPause::Paused,
            Some("pause requested") => ReplayPause::Requested,
            _ => ReplayPause::NotPaused,
        },
        receiver,
        conflicts: RecoveryConflicts {
            tablespace: count("tablespace")?,
            lock: count("lock")?,
            snapshot: count("snapshot")?,
            bufferpin: count("bufferpin")?,
            deadlock: count("deadlock")?,
            total: count("total")?,
        },
    })
}
