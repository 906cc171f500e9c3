//! The poller's run loop against a real server, driven by the commands the UI sends:
//! pause, a new interval, the screen's slow group, and reconnecting after the server
//! went away.

use crate::common;
use crate::common::live::snapshot_where;

use std::time::{Duration, Instant, SystemTime};

use common::live::{WAIT, eventually, exec, monitor_db, must};
use pgpulse::monitor::poller::{
    Poller, PollerCommand, PollerConfig, SlowGroup, SnapshotReceiver, spawn_poller,
};
use pgpulse::monitor::snapshot::{SlowTier, Snapshot};

use tokio_postgres::Client;

/// Tiers as given, and room in the server-time budget: these tests are about the
/// commands, not the cost governor (tests/live/governor.rs).
fn config(fast: Duration, slow: Duration) -> PollerConfig {
    PollerConfig {
        fast,
        slow,
        server_budget: Duration::from_secs(30),
        ..PollerConfig::default()
    }
}

/// The sequence number of the newest snapshot.
fn latest_sequence(snapshots: &SnapshotReceiver) -> u64 {
    snapshots.latest_sequence()
}

/// When the monitoring backend started its last statement, once it has been idle for
/// 300 ms (a poll's statements follow each other within milliseconds).
async fn settled_query_start(observer: &Client, backend: i32) -> String {
    eventually("the monitoring backend to be idle for 300 ms", async || {
        let row = observer
            .query_one(
                "SELECT query_start::text, state, now() - state_change > interval '300 ms' \
                 FROM pg_stat_activity WHERE pid = $1",
                &[&backend],
            )
            .await
            .map_err(|e| e.to_string())?;
        let (start, state, quiet): (String, String, bool) = (row.get(0), row.get(1), row.get(2));
        if state == "idle" && quiet {
            Ok(start)
        } else {
            Err(format!("{state}, quiet: {quiet}"))
        }
    })
    .await
}

async fn query_start(observer: &Client, backend: i32) -> String {
    let row = must(
        observer
            .query_one(
                "SELECT query_start::text FROM pg_stat_activity WHERE pid = $1",
                &[&backend],
            )
            .await,
        "reading the monitoring backend",
    );
    row.get(0)
}

#[tokio::test]
async fn while_paused_nothing_is_polled_or_sent_and_resuming_polls_at_once() {
    let db = common::shared().create_database().await;
    let (session, caps) = monitor_db(&db).await;
    let backend = caps.backend_pid;
    let poller = Poller::new(
        session,
        caps,
        config(Duration::from_millis(100), Duration::from_secs(1)),
    );
    let (mut snapshots, commands) = spawn_poller(poller);
    snapshot_where(&mut snapshots, "two polls", WAIT, |s| s.sequence >= 2).await;

    must(commands.send(PollerCommand::Pause(true)), "pause");
    let observer = db.client().await;
    let before = settled_query_start(&observer, backend).await;
    let paused_at = latest_sequence(&snapshots);
    snapshots.take();
    // Everything the UI may send while paused: none of it may reach the server.
    for command in [
        PollerCommand::Watch(Some(SlowGroup::Indexes)),
        PollerCommand::RefreshNow,
        PollerCommand::PollNow,
        PollerCommand::SetLatencyWindow(Duration::from_secs(300)),
        PollerCommand::SetHistoryWindow(Duration::from_secs(7 * 86_400)),
        PollerCommand::SetInterval(Duration::from_millis(50)),
        PollerCommand::Reconnect,
    ] {
        must(commands.send(command), "command while paused");
    }
    // Twenty intervals of the new pace: a running poller would have sent twenty polls.
    let quiet = tokio::time::timeout(Duration::from_secs(1), snapshots.changed()).await;
    assert!(
        quiet.is_err(),
        "a snapshot arrived while paused (sequence {} after {paused_at})",
        latest_sequence(&snapshots)
    );
    assert_eq!(
        query_start(&observer, backend).await,
        before,
        "a statement reached the server while paused"
    );

    must(commands.send(PollerCommand::Pause(false)), "resume");
    let resumed = snapshot_where(&mut snapshots, "a poll after resuming", WAIT, |s| {
        s.sequence > paused_at
    })
    .await;
    assert!(resumed.activity.is_ok(), "{:?}", resumed.activity);
    assert_ne!(query_start(&observer, backend).await, before);
}

#[tokio::test]
async fn snapshots_arrive_at_the_pace_of_the_new_interval() {
    let db = common::shared().create_database().await;
    let (session, caps) = monitor_db(&db).await;
    let slow = Duration::from_secs(3600);
    let poller = Poller::new(session, caps, config(Duration::from_secs(5), slow));
    let (mut snapshots, commands) = spawn_poller(poller);
    snapshot_where(&mut snapshots, "the first poll", WAIT, |s| s.sequence >= 1).await;

    // Counted over windows, generously: two cores are shared with other tests.
    let count = async |snapshots: &SnapshotReceiver, window: Duration| {
        let first = latest_sequence(snapshots);
        tokio::time::sleep(window).await;
        latest_sequence(snapshots) - first
    };
    let at_five_seconds = count(&snapshots, Duration::from_secs(2)).await;
    assert!(
        at_five_seconds <= 1,
        "{at_five_seconds} polls in 2 s at a 5 s interval"
    );

    must(
        commands.send(PollerCommand::SetInterval(Duration::from_millis(100))),
        "faster",
    );
    let at_100_ms = count(&snapshots, Duration::from_secs(2)).await;
    assert!(
        (5..=22).contains(&at_100_ms),
        "{at_100_ms} polls in 2 s at a 100 ms interval (expected about 20)"
    );

    must(
        commands.send(PollerCommand::SetInterval(Duration::from_secs(1))),
        "slower",
    );
    let at_one_second = count(&snapshots, Duration::from_secs(3)).await;
    assert!(
        (1..=5).contains(&at_one_second),
        "{at_one_second} polls in 3 s at a 1 s interval (expected about 3)"
    );
}

fn lists_index(slow: &SlowTier, name: &str) -> bool {
    slow.indexes
        .as_ref()
        .is_ok_and(|list| list.iter().any(|i| i.name == name))
}

fn lists_table_in_maintenance(slow: &SlowTier, name: &str) -> bool {
    slow.maintenance
        .as_ref()
        .is_ok_and(|list| list.iter().any(|t| t.name == name))
}

fn lists_table_in_cache(slow: &SlowTier, name: &str) -> bool {
    slow.table_cache
        .as_ref()
        .is_ok_and(|list| list.iter().any(|t| t.table == name))
}

#[tokio::test]
async fn the_screen_on_view_decides_which_slow_sources_are_read() {
    let db = common::shared().create_database().await;
    let (session, caps) = monitor_db(&db).await;
    let poller = Poller::new(
        session,
        caps,
        config(Duration::from_millis(100), Duration::from_secs(1)),
    );
    let (mut snapshots, commands) = spawn_poller(poller);
    // Every group is read once, on the Dashboard too (the hidden ones once the budget
    // allows: at once with this one's room).
    snapshot_where(&mut snapshots, "every group read once", WAIT, |s| {
        s.slow.as_ref().is_some_and(|slow| {
            let read = slow.read_at;
            read.cache.is_some() && read.indexes.is_some() && read.maintenance.is_some()
        })
    })
    .await;

    let client = db.client().await;
    exec(
        &client,
        "CREATE TABLE fresh_t (id int); CREATE INDEX fresh_idx ON fresh_t (id)",
    )
    .await;
    let created = SystemTime::now();
    // A slow poll after the new relations exist, still on the Dashboard: the Cache,
    // Indexes and Maintenance groups are not re-read.
    let later = snapshot_where(&mut snapshots, "a slow poll after CREATE", WAIT, |s| {
        s.slow.as_ref().is_some_and(|slow| slow.taken_at > created)
    })
    .await;
    let slow = later.slow.as_deref().expect("slow tier");
    assert!(
        !lists_index(slow, "fresh_idx"),
        "the Indexes group was read on the Dashboard"
    );
    assert!(!lists_table_in_maintenance(slow, "fresh_t"));
    assert!(!lists_table_in_cache(slow, "fresh_t"));

    must(
        commands.send(PollerCommand::Watch(Some(SlowGroup::Indexes))),
        "Indexes",
    );
    let on_indexes = snapshot_where(
        &mut snapshots,
        "fresh_idx on the Indexes screen",
        WAIT,
        |s| {
            s.slow
                .as_deref()
                .is_some_and(|slow| lists_index(slow, "fresh_idx"))
        },
    )
    .await;
    let slow = on_indexes.slow.as_deref().expect("slow tier");
    assert!(
        !lists_table_in_maintenance(slow, "fresh_t") && !lists_table_in_cache(slow, "fresh_t"),
        "only the Indexes group is read for the Indexes screen"
    );

    // The other groups do list the table once their screen is on view: the checks above
    // could have failed.
    must(
        commands.send(PollerCommand::Watch(Some(SlowGroup::Maintenance))),
        "Maintenance",
    );
    snapshot_where(
        &mut snapshots,
        "fresh_t on the Maintenance screen",
        WAIT,
        |s| {
            s.slow
                .as_deref()
                .is_some_and(|slow| lists_table_in_maintenance(slow, "fresh_t"))
        },
    )
    .await;
    must(
        commands.send(PollerCommand::Watch(Some(SlowGroup::Cache))),
        "Cache",
    );
    snapshot_where(&mut snapshots, "fresh_t on the Cache screen", WAIT, |s| {
        s.slow
            .as_deref()
            .is_some_and(|slow| lists_table_in_cache(slow, "fresh_t"))
    })
    .await;
}

/// "waiting for server: connection refused, attempt 3, next in 4s" -> 3.
fn attempt_of(snapshot: &Snapshot) -> Option<u32> {
    let error = snapshot.server.as_ref().err()?.to_string();
    let rest = error.strip_prefix("waiting for server: connection refused, attempt ")?;
    rest.split(',').next()?.parse().ok()
}

#[tokio::test]
async fn a_stopped_server_is_retried_on_the_capped_backoff_and_reconnected() {
    let server = common::start_server(|_| {});
    let db = server.create_database().await;
    let (session, caps) = monitor_db(&db).await;
    let tick = Duration::from_millis(100);
    let poller = Poller::new(session, caps, config(tick, Duration::from_secs(60)));
    let (mut snapshots, _commands) = spawn_poller(poller);
    snapshot_where(&mut snapshots, "a good poll", WAIT, |s| s.server.is_ok()).await;

    server.stop();
    // When each attempt's failure was first reported, and the longest wait announced.
    let mut seen: Vec<Instant> = Vec::new();
    let mut longest_announced = Duration::ZERO;
    let bound = Duration::from_secs(15);
    while seen.len() < 6 {
        let next = seen.len() as u32 + 1;
        let snapshot = snapshot_where(&mut snapshots, &format!("attempt {next}"), bound, |s| {
            attempt_of(s).is_some_and(|n| n >= next)
        })
        .await;
        assert_eq!(attempt_of(&snapshot), Some(next), "an attempt was skipped");
        seen.push(Instant::now());
        let line = snapshot
            .server
            .as_ref()
            .err()
            .map(ToString::to_string)
            .unwrap_or_default();
        let announced = line
            .rsplit_once("next in ")
            .and_then(|(_, wait)| wait.strip_suffix('s'))
            .and_then(|secs| secs.parse::<f64>().ok())
            .unwrap_or_else(|| panic!("no wait announced in {line:?}"));
        longest_announced = longest_announced.max(Duration::from_secs_f64(announced));
    }
    // Steps of 1, 2, 4, 8 and then 10 s, each shortened by up to a quarter (jitter);
    // an attempt happens on the first tick after its time.
    let steps = [1.0, 2.0, 4.0, 8.0, 10.0];
    for (i, pair) in seen.windows(2).enumerate() {
        let gap = pair[1] - pair[0];
        let step = Duration::from_secs_f64(steps[i]);
        assert!(
            gap >= step.mul_f64(0.74),
            "attempt {} came {gap:?} after the previous one, before its {step:?} step",
            i + 2
        );
        assert!(
            gap <= step + Duration::from_secs(2),
            "attempt {} came {gap:?} after the previous one: the wait is capped at {step:?}",
            i + 2
        );
    }
    assert!(
        longest_announced <= Duration::from_secs(10),
        "{longest_announced:?}"
    );

    server.start();
    let back = snapshot_where(
        &mut snapshots,
        "a good poll after the restart",
        bound,
        |s| s.server.is_ok() && s.activity.is_ok(),
    )
    .await;
    assert!(back.capabilities.is_some(), "re-probed after reconnecting");
}
