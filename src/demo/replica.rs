//! The demo's streaming standby: the seed's topology has read replicas, and the
//! Replication & WAL screen needs one to be alive out of the box.
//!
//! Made the way that works with every server build (the minimal ones have no
//! `pg_basebackup`): a physical slot on the primary (reserving WAL from now), a clean
//! stop of the primary, a cluster started from a copy of its data directory with
//! `standby.signal`, `primary_conninfo` and `primary_slot_name`, then the primary again.
//! The standby is a temporary cluster even when the primary is kept (`--keep`): it is
//! made afresh on every run, and removed when dropped.

use crate::cluster::{Cluster, ClusterOptions};

/// The standby's `application_name`, as `pg_stat_replication` lists it.
pub const REPLICA_NAME: &str = "replica1";
/// The physical slot it streams through.
pub const REPLICA_SLOT: &str = "replica1_slot";

/// The slot, created unless a kept cluster has it already (one statement, so a rerun
/// with `--keep` does not fail on it).
pub const CREATE_SLOT_SQL: &str = "SELECT pg_create_physical_replication_slot('replica1_slot', true) \
     WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = 'replica1_slot')";

/// Stops `primary` cleanly, starts its standby from a copy, starts `primary` again
/// (blocking: run it off the async threads). The slot must exist already.
pub fn start(primary: &Cluster) -> Result<Cluster, String> {
    primary
        .stop_server()
        .map_err(|e| format!("stopping the primary to copy it: {e}"))?;
    let standby = start_standby(primary);
    // The primary comes back whatever happened to the standby: the demo goes on without it.
    primary
        .start_server()
        .map_err(|e| format!("restarting the primary: {e}"))?;
    standby
}

fn start_standby(primary: &Cluster) -> Result<Cluster, String> {
    let mut options = ClusterOptions::new(primary.bindir());
    options.copy_of = Some(primary.data_dir().to_path_buf());
    let upstream = format!(
        "host=127.0.0.1 port={} user={} application_name={REPLICA_NAME} sslmode=disable",
        primary.port(),
        primary.superuser()
    );
    for (key, value) in [
        ("primary_conninfo", upstream.as_str()),
        ("primary_slot_name", REPLICA_SLOT),
        ("hot_standby", "on"),
        ("hot_standby_feedback", "on"),
        // The primary is down while the standby starts: retry soon, not after 5 s.
        ("wal_retrieve_retry_interval", "500ms"),
        // Replies every second, so the primary's lag columns follow closely.
        ("wal_receiver_status_interval", "1s"),
    ] {
        options.settings.push((key.into(), value.into()));
    }
    options.files = vec![("standby.signal".into(), Vec::new(), 0o600)];
    Cluster::start(options).map_err(|e| format!("starting the standby: {e}"))
}
