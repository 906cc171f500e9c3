//! Replication, WAL, checkpoints and I/O against a real primary with a streaming standby
//! ([`common::standby`]). Every test here starts its own topology: they stop servers,
//! pause replay, change archive settings and judge server-wide counters.

use crate::common;
use crate::common::standby::{STANDBY_NAME, STANDBY_SLOT, Topology, start_topology};

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
