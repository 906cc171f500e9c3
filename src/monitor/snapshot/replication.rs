//! Replication, WAL, archiver, checkpoints and I/O as one poll read them: raw values and
//! cumulative counters (rates and lag judgements are the analysis layer's job).
//!
//! Each source is its own section of [`super::ReplicationSnapshot`]: a server without
//! `pg_stat_io` (before 16) or a primary (no WAL receiver) says `Unavailable` with the
//! reason, and one failing query degrades only its part of the screen.

use std::time::{Duration, SystemTime};

/// One WAL sender. Without `pg_read_all_stats` another role's sender shows only its
/// pid, user and application name: `hidden`, every detail `None` (not zero).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WalSender {
    pub pid: i32,
    pub user: Option<String>,
    pub application_name: String,
    /// The client's address; `None` for a Unix socket or when hidden.
    pub client_addr: Option<String>,
    pub client_hostname: Option<String>,
    /// `startup`, `catchup`, `streaming`, `backup`, `stopping`; `None` when hidden.
    pub state: Option<String>,
    /// `async`, `potential`, `sync`, `quorum`.
    pub sync_state: Option<String>,
    pub backend_start: Option<SystemTime>,
    /// Bytes between the server's WAL position and what the standby was sent, wrote,
    /// flushed and replayed (`None` when hidden or not reported yet).
    pub sent_behind_bytes: Option<i64>,
    pub write_behind_bytes: Option<i64>,
    pub flush_behind_bytes: Option<i64>,
    pub replay_behind_bytes: Option<i64>,
    /// The lag columns: `None` when hidden, and also once the standby has been idle a
    /// while (the server clears them): see `analysis::replication`.
    pub write_lag: Option<Duration>,
    pub flush_lag: Option<Duration>,
    pub replay_lag: Option<Duration>,
    /// When the standby last replied.
    pub reply_time: Option<SystemTime>,
    /// `age(backend_xmin)`: the horizon held by `hot_standby_feedback`.
    pub xmin_age: Option<i32>,
    pub hidden: bool,
}

/// One replication slot.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ReplicationSlot {
    pub name: String,
    /// `physical` or `logical`.
    pub slot_type: String,
    /// The output plugin of a logical slot.
    pub plugin: Option<String>,
    /// The database of a logical slot.
    pub database: Option<String>,
    pub temporary: bool,
    pub active: bool,
    /// The process streaming from it, when active.
    pub active_pid: Option<i32>,
    pub restart_lsn: Option<String>,
    pub confirmed_flush_lsn: Option<String>,
    /// WAL kept for it: the server's WAL position minus `restart_lsn` (`None` when the
    /// slot reserves none).
    pub retained_bytes: Option<i64>,
    /// `reserved`, `extended`, `unreserved` (about to lose WAL), `lost`.
    pub wal_status: Option<String>,
    /// Bytes that can still be written before the slot is in danger (`None` when
    /// `max_slot_wal_keep_size` is unlimited).
    pub safe_wal_size: Option<i64>,
    /// `age(xmin)` / `age(catalog_xmin)` in transactions: the horizon it holds.
    pub xmin_age: Option<i32>,
    pub catalog_xmin_age: Option<i32>,
    /// 17+: since when nothing streams from it.
    pub inactive_since: Option<SystemTime>,
    /// 17+: why it was invalidated (`wal_removed`, `rows_removed`, ...).
    pub invalidation_reason: Option<String>,
}

/// WAL position and cumulative counters of WAL, archiver and checkpoints.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WalActivity {
    /// The server's clock at the read.
    pub now: SystemTime,
    pub in_recovery: bool,
    /// Current WAL position (received position on a standby; `None` there before
    /// anything was received).
    pub lsn: Option<String>,
    /// The same position in bytes from 0/0: its delta between polls is the WAL rate.
    pub position_bytes: Option<i64>,
    /// `pg_stat_wal` (14+).
    pub stats: Option<WalStats>,
    pub archiver: Archiver,
    pub checkpoints: Checkpoints,
}

/// `pg_stat_wal`'s counters that 14–18 share.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WalStats {
    pub records: i64,
    pub full_page_images: i64,
    pub bytes: i64,
    /// Times WAL was written out because the WAL buffers were full.
    pub buffers_full: i64,
    pub stats_reset: Option<SystemTime>,
}

/// `pg_stat_archiver`, with whether archiving is on at all.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Archiver {
    /// `archive_mode`: `off`, `on`, `always`.
    pub mode: String,
    pub archived_count: i64,
    pub last_archived_wal: Option<String>,
    pub last_archived_time: Option<SystemTime>,
    pub failed_count: i64,
    pub last_failed_wal: Option<String>,
    pub last_failed_time: Option<SystemTime>,
    pub stats_reset: Option<SystemTime>,
}

/// Checkpoint counters: `pg_stat_checkpointer` on 17+, `pg_stat_bgwriter` before. On a
/// standby they count restartpoints.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Checkpoints {
    pub timed: i64,
    pub requested: i64,
    /// Milliseconds spent writing and syncing checkpoint files.
    pub write_time_ms: f64,
    pub sync_time_ms: f64,
    /// Buffers written by checkpoints.
    pub buffers_checkpoint: i64,
    /// Buffers written by the background writer.
    pub buffers_clean: i64,
    /// Buffers written by backends themselves (before 17; then see `pg_stat_io`).
    pub buffers_backend: Option<i64>,
    pub stats_reset: Option<SystemTime>,
}

/// `pg_stat_io` summed over objects for one backend type and context (cumulative).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct IoTotals {
    pub backend_type: String,
    /// `normal`, `vacuum`, `bulkread`, `bulkwrite`, (18) `init`.
    pub context: String,
    pub counters: IoCounters,
    pub stats_reset: Option<SystemTime>,
}

/// `pg_stat_io`'s counters for one backend type and context: totals since the reset in
/// [`IoTotals`], growth over one interval in the analysis.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct IoCounters {
    pub reads: i64,
    pub read_bytes: i64,
    pub read_time_ms: f64,
    pub writes: i64,
    pub write_bytes: i64,
    pub write_time_ms: f64,
    pub writebacks: i64,
    pub extends: i64,
    pub extend_bytes: i64,
    pub hits: i64,
    pub evictions: i64,
    pub reuses: i64,
    pub fsyncs: i64,
    pub fsync_time_ms: f64,
}

impl IoCounters {
    /// Bytes read, written and extended: what moved through the buffers.
    pub fn moved_bytes(&self) -> i64 {
        self.read_bytes + self.write_bytes + self.extend_bytes
    }
}

/// A standby's own view: positions, replay, its WAL receiver, recovery conflicts.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StandbyStatus {
    /// The server's clock at the read.
    pub now: SystemTime,
    pub receive_lsn: Option<String>,
    pub replay_lsn: Option<String>,
    /// Received but not replayed yet (`None` when nothing was received by streaming).
    pub replay_behind_bytes: Option<i64>,
    /// Commit time (on the primary) of the last transaction replayed.
    pub last_replay_time: Option<SystemTime>,
    pub replay_paused: ReplayPause,
    /// `None` when no WAL receiver runs (archive recovery, or the upstream is down).
    pub receiver: Option<WalReceiver>,
    pub conflicts: RecoveryConflicts,
}

/// Whether WAL replay is paused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ReplayPause {
    NotPaused,
    /// Asked for; recovery stops at its next record (14+ tells them apart).
    Requested,
    Paused,
}

/// The standby's WAL receiver (`pg_stat_wal_receiver`). Without `pg_read_all_stats`
/// only its pid is visible: `hidden`, every detail `None`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WalReceiver {
    pub pid: i32,
    /// `streaming`, `starting`, `waiting`, `restarting`, `stopping`.
    pub status: Option<String>,
    /// The upstream server.
    pub sender_host: Option<String>,
    pub sender_port: Option<i32>,
    pub slot_name: Option<String>,
    pub flushed_lsn: Option<String>,
    /// When the last message from the upstream arrived.
    pub last_msg_receipt_time: Option<SystemTime>,
    pub hidden: bool,
}

/// Queries cancelled by recovery conflicts, summed over databases (cumulative).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct RecoveryConflicts {
    pub tablespace: i64,
    pub lock: i64,
    pub snapshot: i64,
    pub bufferpin: i64,
    pub deadlock: i64,
    /// All of them (`pg_stat_database.conflicts`; 16+ also counts logical slots).
    pub total: i64,
}
