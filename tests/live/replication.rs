//! Replication, WAL, checkpoints and I/O against a real primary with a streaming standby
//! ([`common::standby`]). Every test here starts its own topology: they stop servers,
//! pause replay, change archive settings and judge server-wide counters.

use crate::common;
use crate::common::live::{eventually, exec, monitor, must};
use std::time::Duration;

use crate::common::standby::{STANDBY_NAME, STANDBY_SLOT, Topology, start_topology};
use pgpulse::analysis::alerts::AlertKind;
use pgpulse::analysis::metrics::Level;
use pgpulse::analysis::model::{Model, ModelSettings};
use pgpulse::monitor::poller::{Poller, PollerConfig};
use pgpulse::monitor::snapshot::replication::ReplayPause;
use pgpulse::monitor::snapshot::{SectionError, Snapshot};
use pgpulse::settings::config::Config;

async fn one_bool(client: &tokio_postgres::Client, sql: &str) -> bool {
    client.query_one(sql, &[]).await.unwrap().get(0)
}

/// The harness itself: the standby streams through its slot, replays what the primary
/// writes, pauses and resumes, stops (its slot goes inactive) and comes back.
#[tokio::test]
async fn the_harness_topology_streams_pauses_and_stops() {
    let topology: Topology = start_topology(|_| {});
    let primary = topology.primary_client().await;
    let standby = topology.standby_client().await;
    assert!(one_bool(&standby, "SELECT pg_is_in_recovery()").await);
    assert!(!one_bool(&primary, "SELECT pg_is_in_recovery()").await);
    let slot =
        format!("SELECT active FROM pg_replication_slots WHERE slot_name = '{STANDBY_SLOT}'");
    assert!(one_bool(&primary, &slot).await, "the slot is in use");
    let row = primary
        .query_one(
            "SELECT count(*) FROM pg_stat_replication WHERE application_name = $1",
            &[&STANDBY_NAME],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, i64>(0), 1);

    primary
        .batch_execute("CREATE TABLE harness_t AS SELECT 1 AS x")
        .await
        .unwrap();
    topology.wait_replayed().await;
    let seen = standby
        .query_one("SELECT count(*) FROM harness_t", &[])
        .await
        .unwrap();
    assert_eq!(seen.get::<_, i64>(0), 1);

    topology.pause_replay().await;
    topology.resume_replay().await;

    drop(standby);
    topology.stop_standby();
    let inactive = async || {
        let active = one_bool(&primary, &slot).await;
        if active {
            Err("still active".to_string())
        } else {
            Ok(())
        }
    };
    common::live::eventually("the slot inactive", inactive).await;
    topology.start_standby();
    topology.wait_streaming().await;
}

/// One poll of `server` the way pgpulse polls (its monitoring session and poller).
async fn poll(server: &common::TestServer) -> Snapshot {
    let (session, caps) = monitor(format!("{} sslmode=disable", server.conninfo("postgres"))).await;
    let mut poller = Poller::new(session, caps, PollerConfig::default());
    poller.poll_everything().await
}

/// Every replication query parses and runs on this major, on both sides: the primary's
/// sections are read (the standby part says "not a standby"), and the standby's poll
/// reads its own view with no `pg_current_wal_lsn()` error: receive and replay positions
/// and the upstream host and slot.
#[tokio::test]
async fn a_poll_reads_replication_on_the_primary_and_on_the_standby() {
    let topology = start_topology(|_| {});
    let major = common::standby::major_of(&topology.primary);
    let on_primary = poll(&topology.primary).await.replication;
    let senders = on_primary.senders.expect("senders");
    let standby = senders
        .iter()
        .find(|s| s.application_name == STANDBY_NAME)
        .expect("the standby's sender");
    assert_eq!(standby.state.as_deref(), Some("streaming"));
    assert_eq!(standby.client_addr.as_deref(), Some("127.0.0.1"));
    assert!(!standby.hidden);
    assert!(standby.replay_behind_bytes.is_some_and(|b| b >= 0));
    let slots = on_primary.slots.expect("slots");
    let slot = slots.iter().find(|s| s.name == STANDBY_SLOT).expect("slot");
    assert!(slot.active && slot.slot_type == "physical", "{slot:?}");
    assert_eq!(slot.wal_status.as_deref(), Some("reserved"));
    let wal = on_primary.wal.expect("wal activity");
    assert!(!wal.in_recovery && wal.position_bytes.is_some_and(|b| b > 0));
    assert_eq!(wal.stats.is_some(), major >= 14, "pg_stat_wal from 14");
    assert_eq!(wal.checkpoints.buffers_backend.is_some(), major < 17);
    match on_primary.io {
        Ok(rows) => assert!(major >= 16 && rows.iter().any(|r| r.backend_type == "checkpointer")),
        Err(SectionError::Unavailable { .. }) => assert!(major < 16),
        Err(e) => panic!("pg_stat_io: {e}"),
    }
    assert!(matches!(
        on_primary.standby,
        Err(SectionError::Unavailable { .. })
    ));

    let on_standby = poll(&topology.standby).await;
    assert!(on_standby.server.as_ref().is_ok_and(|s| s.in_recovery));
    let replication = on_standby.replication;
    let status = replication.standby.expect("the standby's own view");
    assert!(
        status.receive_lsn.is_some() && status.replay_lsn.is_some(),
        "{status:?}"
    );
    assert_eq!(status.replay_paused, ReplayPause::NotPaused);
    let receiver = status.receiver.expect("a WAL receiver");
    assert_eq!(receiver.status.as_deref(), Some("streaming"));
    assert_eq!(receiver.sender_host.as_deref(), Some("127.0.0.1"));
    assert_eq!(
        receiver.sender_port,
        Some(i32::from(topology.primary.port()))
    );
    assert_eq!(receiver.slot_name.as_deref(), Some(STANDBY_SLOT));
    // The primary-only position is the received one here: no error.
    let wal = replication.wal.expect("wal activity on the standby");
    assert!(wal.in_recovery && wal.lsn.is_some());
    replication.senders.expect("senders (none) on the standby");
    replication.slots.expect("slots on the standby");
}

/// pgpulse watching one server: its poller and a model judging by `thresholds`.
struct Watch {
    poller: Poller,
    model: Model,
}

impl Watch {
    async fn new(server: &common::TestServer, thresholds: &str) -> Watch {
        let conninfo = format!("{} sslmode=disable", server.conninfo("postgres"));
        let (session, caps) = monitor(conninfo).await;
        let config = must(
            Config::from_toml(&format!("[thresholds]\n{thresholds}"), "test.toml"),
            "config",
        );
        let settings = ModelSettings::from_config(Duration::from_secs(1), &config);
        Watch {
            poller: Poller::new(session, caps, PollerConfig::default()),
            model: Model::new(settings),
        }
    }

    /// Polls once and folds the snapshot in; returns the snapshot as shown.
    async fn poll(&mut self) -> Snapshot {
        let snapshot = self.poller.poll_everything().await;
        self.model.absorb(snapshot);
        self.model.snapshot().cloned().expect("a snapshot")
    }

    fn alert(&self, kind: AlertKind) -> Option<String> {
        let alerts = self.model.alerts().active();
        alerts
            .iter()
            .find(|a| a.kind == kind && !a.stale)
            .map(|a| a.value.clone())
    }
}

/// Writes a little WAL and moves to a new segment, so slots fall further behind.
async fn generate_wal(client: &tokio_postgres::Client) {
    exec(
        client,
        "CREATE TABLE IF NOT EXISTS wal_filler (x int); \
         INSERT INTO wal_filler SELECT generate_series(1, 1000); \
         SELECT pg_switch_wal();",
    )
    .await;
}

/// Replay paused on the standby while the primary writes: the lag grows as seen on
/// both sides, and the lag alert fires on both (threshold lowered to 1 s here).
#[tokio::test]
async fn paused_replay_shows_growing_lag_on_both_sides_and_alerts() {
    let topology = start_topology(|_| {});
    let primary = topology.primary_client().await;
    exec(&primary, "CREATE TABLE lagging (x int)").await;
    topology.wait_replayed().await;
    let mut on_primary = Watch::new(&topology.primary, "replication_lag_crit = \"1s\"").await;
    let mut on_standby = Watch::new(&topology.standby, "replication_lag_crit = \"1s\"").await;
    // Caught up: no lag on either side, however old the last commit.
    on_standby.poll().await;
    assert_eq!(on_standby.model.replication().own_lag, Some(Duration::ZERO));
    topology.pause_replay().await;
    exec(&primary, "INSERT INTO lagging VALUES (1)").await;
    eventually("the standby's own lag past 1 s and its alert", async || {
        // Keep writing: the standby receives, and cannot replay.
        exec(&primary, "INSERT INTO lagging VALUES (2)").await;
        let shown = on_standby.poll().await;
        let status = shown
            .replication
            .standby
            .clone()
            .map_err(|e| e.to_string())?;
        let lag = on_standby.model.replication().own_lag;
        match (lag, on_standby.alert(AlertKind::ReplicationLag)) {
            (Some(lag), Some(alert)) if lag >= Duration::from_secs(1) => {
                assert!(alert.contains("this standby"), "{alert}");
                assert_ne!(status.replay_paused, ReplayPause::NotPaused);
                assert!(
                    status.replay_behind_bytes.is_some_and(|b| b > 0),
                    "{status:?}"
                );
                Ok(())
            }
            other => Err(format!("{other:?}")),
        }
    })
    .await;
    eventually(
        "the primary's view of the standby's lag past 1 s",
        async || {
            exec(&primary, "INSERT INTO lagging VALUES (3)").await;
            on_primary.poll().await;
            let standby = on_primary
                .model
                .replication()
                .standbys
                .iter()
                .find(|s| s.application_name == STANDBY_NAME)
                .cloned();
            match (standby, on_primary.alert(AlertKind::ReplicationLag)) {
                (Some(s), Some(alert)) if s.lag.is_some_and(|l| l >= Duration::from_secs(1)) => {
                    assert!(alert.contains(STANDBY_NAME), "{alert}");
                    assert!(s.replay_behind_bytes.is_some_and(|b| b > 0), "{s:?}");
                    Ok(())
                }
                other => Err(format!("{other:?}")),
            }
        },
    )
    .await;
    topology.resume_replay().await;
    topology.wait_replayed().await;
}

/// A stopped standby: its slot goes inactive and the WAL it retains grows.
#[tokio::test]
async fn a_stopped_standby_leaves_an_inactive_slot_retaining_more_and_more_wal() {
    let topology = start_topology(|_| {});
    let primary = topology.primary_client().await;
    topology.stop_standby();
    let mut watch = Watch::new(&topology.primary, "").await;
    let retained = async |watch: &mut Watch| -> Result<i64, String> {
        let shown = watch.poll().await;
        let slots = shown.replication.slots.map_err(|e| e.to_string())?;
        let slot = slots
            .into_iter()
            .find(|s| s.name == STANDBY_SLOT)
            .ok_or("no slot")?;
        if slot.active {
            return Err("still active".into());
        }
        slot.retained_bytes
            .ok_or_else(|| "no retained WAL".to_string())
    };
    let before = eventually("the slot inactive", async || retained(&mut watch).await).await;
    generate_wal(&primary).await;
    generate_wal(&primary).await;
    let after = retained(&mut watch).await.unwrap();
    assert!(after >= before + (16 << 20), "{before} -> {after}");
    // Well under the default 1 GiB: no slot alert.
    assert_eq!(watch.alert(AlertKind::ReplicationSlot), None);
}

/// A logical slot nobody reads: retained WAL and catalog_xmin shown, and a warning once
/// it retains more than the (lowered) limit.
#[tokio::test]
async fn an_inactive_logical_slot_retains_wal_holds_catalog_xmin_and_warns() {
    let topology = start_topology(|_| {});
    let primary = topology.primary_client().await;
    exec(
        &primary,
        "SELECT pg_create_logical_replication_slot('forgotten_logical', 'test_decoding')",
    )
    .await;
    generate_wal(&primary).await;
    generate_wal(&primary).await;
    let mut watch = Watch::new(&topology.primary, "slot_retained_warn = \"1MB\"").await;
    let shown = watch.poll().await;
    let slots = shown.replication.slots.expect("slots");
    let slot = slots
        .iter()
        .find(|s| s.name == "forgotten_logical")
        .expect("the logical slot");
    assert_eq!(slot.slot_type, "logical");
    assert_eq!(slot.plugin.as_deref(), Some("test_decoding"));
    assert_eq!(slot.database.as_deref(), Some("postgres"));
    assert!(!slot.active);
    assert!(
        slot.retained_bytes.is_some_and(|b| b >= 16 << 20),
        "{slot:?}"
    );
    assert!(slot.catalog_xmin_age.is_some_and(|a| a > 0), "{slot:?}");
    let major = common::standby::major_of(&topology.primary);
    assert_eq!(slot.inactive_since.is_some(), major >= 17, "{slot:?}");
    let alert = watch.alert(AlertKind::ReplicationSlot).expect("slot alert");
    assert!(
        alert.starts_with("forgotten_logical inactive, retains "),
        "{alert}"
    );
    let level = watch
        .model
        .alerts()
        .active()
        .iter()
        .find(|a| a.kind == AlertKind::ReplicationSlot)
        .map(|a| a.level);
    assert_eq!(level, Some(Level::Warn));
}

/// `archive_command = 'false'`: every attempt fails, the failed count grows and the
/// archiver alert fires; a CHECKPOINT counts as requested and, being all the
/// checkpoints of the window, warns. A private primary without a standby: it changes
/// archive settings and judges server-wide counters.
#[tokio::test]
async fn failing_archiving_and_requested_checkpoints_are_counted_and_alerted() {
    let server = common::start_server(|opts| {
        for (key, value) in [
            ("archive_mode", "on"),
            ("archive_command", "false"),
            ("checkpoint_timeout", "1h"),
        ] {
            opts.settings.push((key.into(), value.into()));
        }
    });
    let client = server.superuser_client("postgres").await;
    let mut watch = Watch::new(&server, "").await;
    let first = watch.poll().await.replication.wal.expect("wal activity");
    assert_eq!(first.archiver.mode, "on");
    generate_wal(&client).await;
    exec(&client, "CHECKPOINT").await;
    eventually("archive failures and a requested checkpoint", async || {
        let shown = watch.poll().await;
        let wal = shown.replication.wal.map_err(|e| e.to_string())?;
        let failed = wal.archiver.failed_count > first.archiver.failed_count;
        let requested = wal.checkpoints.requested > first.checkpoints.requested;
        let archiver = watch.alert(AlertKind::ArchiverFailures);
        let checkpoints = watch.alert(AlertKind::RequestedCheckpoints);
        match (failed, requested, archiver, checkpoints) {
            (true, true, Some(_), Some(c)) => {
                assert_eq!(wal.checkpoints.timed, first.checkpoints.timed);
                assert!(wal.archiver.last_failed_wal.is_some(), "{wal:?}");
                assert!(c.contains("requested"), "{c}");
                Ok(())
            }
            other => Err(format!("{other:?}")),
        }
    })
    .await;
    let analysis = watch.model.replication();
    assert!(analysis.archive_failures.is_some_and(|n| n > 0));
    assert!(
        analysis
            .checkpoints
            .is_some_and(|c| c.checkpoints_requested >= 1)
    );
}

/// A standby's checkpoints are restartpoints: after the primary checkpoints and the
/// standby replays it, a CHECKPOINT on the standby is counted as requested there on
/// every major (17+ counts restartpoints apart from checkpoints in pg_stat_checkpointer).
#[tokio::test]
async fn a_standby_counts_its_restartpoints() {
    let topology = start_topology(|_| {});
    let primary = topology.primary.superuser_client("postgres").await;
    let standby = topology.standby.superuser_client("postgres").await;
    let mut watch = Watch::new(&topology.standby, "").await;
    let first = watch.poll().await.replication.wal.expect("wal activity");
    assert!(first.in_recovery);
    generate_wal(&primary).await;
    exec(&primary, "CHECKPOINT").await;
    let target: String = primary
        .query_one("SELECT pg_current_wal_lsn()::text", &[])
        .await
        .unwrap()
        .get(0);
    let replayed = format!("SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn");
    eventually("the standby replays the checkpoint", async || {
        one_bool(&standby, &replayed)
            .await
            .then_some(())
            .ok_or_else(|| "behind".to_string())
    })
    .await;
    exec(&standby, "CHECKPOINT").await;
    eventually("a requested restartpoint", async || {
        let wal = watch
            .poll()
            .await
            .replication
            .wal
            .map_err(|e| e.to_string())?;
        (wal.checkpoints.requested > first.checkpoints.requested)
            .then_some(())
            .ok_or_else(|| format!("{:?}", wal.checkpoints))
    })
    .await;
}

/// A slot bounded by `max_slot_wal_keep_size`: its `safe_wal_size` shrinks as WAL is
/// written and the warning says when it will be lost at the recent rate; once the WAL it
/// needs is past the limit, the slot is unreserved (then lost after a checkpoint), and
/// the alert turns critical. A private primary: it changes a server-wide setting.
#[tokio::test]
async fn a_slot_running_out_of_its_wal_limit_warns_then_turns_critical() {
    let server = common::start_server(|opts| {
        for (key, value) in [
            ("max_slot_wal_keep_size", "64MB"),
            ("checkpoint_timeout", "1h"),
        ] {
            opts.settings.push((key.into(), value.into()));
        }
    });
    let client = server.superuser_client("postgres").await;
    exec(
        &client,
        "SELECT pg_create_physical_replication_slot('bounded', true)",
    )
    .await;
    let mut watch = Watch::new(&server, "slot_loss_warn = \"24h\"").await;
    let first = watch.poll().await;
    let slots = first.replication.slots.expect("slots");
    let slot = slots
        .iter()
        .find(|s| s.name == "bounded")
        .expect("the slot");
    assert_eq!(slot.wal_status.as_deref(), Some("reserved"), "{slot:?}");
    // The limit counts from the end of the current 16 MB segment, not from the slot's LSN.
    assert!(
        slot.safe_wal_size
            .is_some_and(|b| b > 0 && b <= (64 + 16) << 20),
        "{slot:?}"
    );
    let level = |watch: &Watch| {
        let alerts = watch.model.alerts().active();
        alerts
            .iter()
            .find(|a| a.kind == AlertKind::ReplicationSlot && !a.stale)
            .map(|a| (a.level, a.value.clone()))
    };

    generate_wal(&client).await;
    let (warn, value) = eventually("the headroom warning", async || {
        watch.poll().await;
        level(&watch).ok_or_else(|| "no slot alert yet".to_string())
    })
    .await;
    assert_eq!(warn, Level::Warn, "{value}");
    assert!(
        value.starts_with("bounded lost in ~") && value.contains(" left at "),
        "{value}"
    );

    for _ in 0..6 {
        generate_wal(&client).await;
    }
    exec(&client, "CHECKPOINT").await;
    let value = eventually("the slot past its limit", async || {
        watch.poll().await;
        match level(&watch) {
            Some((Level::Crit, value)) => Ok(value),
            other => Err(format!("{other:?}")),
        }
    })
    .await;
    assert!(
        value == "bounded: wal_status lost" || value == "bounded: wal_status unreserved",
        "{value}"
    );
}
