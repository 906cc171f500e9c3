//! Replication, WAL, checkpoints and I/O against a real primary with a streaming standby
//! ([`common::standby`]). Every test here starts its own topology: they stop servers,
//! pause replay, change archive settings and judge server-wide counters.

use crate::common;
use crate::common::live::monitor;
use crate::common::standby::{STANDBY_NAME, STANDBY_SLOT, Topology, start_topology};
use pgpulse::monitor::poller::{Poller, PollerConfig};
use pgpulse::monitor::snapshot::replication::ReplayPause;
use pgpulse::monitor::snapshot::{SectionError, Snapshot};

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
    poller.poll_once().await
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
