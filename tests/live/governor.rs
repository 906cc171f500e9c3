//! The cost governor against a real server: a tiny server-time budget spaces out the
//! governed sources and the snapshot says so; the Queries screen reads the statement
//! counters every poll; the fast tier runs no per-relation statement, on a database
//! with hundreds of tables, as the server's own pg_stat_statements counts them.

use crate::common;
use crate::common::live::snapshot_where;

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use common::TestDb;
use common::live::{WAIT, exec, monitor_db, must};
use pgpulse::monitor::poller::{
    FAST_TIER_SQL, Poller, PollerCommand, PollerConfig, SlowGroup, SnapshotReceiver,
    reads_per_relation, spawn_poller,
};
use pgpulse::monitor::snapshot::Snapshot;
use pgpulse::monitor::snapshot::governed::GovernedSource;
use pgpulse::pg::own_statements::{is_one_of, is_own_statement};

use tokio_postgres::Client;

/// A poller on `db` at a 200 ms refresh, with the slow tier and server budget given.
async fn poller(db: &TestDb<'_>, slow: Duration, budget: Duration) -> Poller {
    let (session, caps) = monitor_db(db).await;
    let config = PollerConfig {
        fast: Duration::from_millis(200),
        slow,
        server_budget: budget,
        ..PollerConfig::default()
    };
    Poller::new(session, caps, config)
}

/// The next `n` snapshots after the current one.
async fn next_snapshots(snapshots: &mut SnapshotReceiver, n: usize) -> Vec<Snapshot> {
    let mut seen = Vec::new();
    let mut last = snapshots.latest_sequence();
    while seen.len() < n {
        let snapshot =
            snapshot_where(snapshots, "the next poll", WAIT, |s| s.sequence > last).await;
        last = snapshot.sequence;
        seen.push(snapshot);
    }
    seen
}

fn statements_read_at(snapshot: &Snapshot) -> SystemTime {
    match &snapshot.statements {
        Ok(statements) => statements.read_at,
        Err(error) => panic!("statements: {error}"),
    }
}

/// A database with pg_stat_statements and `tables` tables of one index each.
async fn database_with_tables(client: &Client, tables: usize) {
    exec(client, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements").await;
    let mut sql = String::new();
    for n in 0..tables {
        sql.push_str(&format!(
            "CREATE TABLE gov_t{n} (id int PRIMARY KEY, v text); "
        ));
    }
    exec(client, &sql).await;
}

#[tokio::test]
async fn a_tiny_budget_spaces_out_the_governed_sources_and_the_snapshot_says_so() {
    let db = common::shared().create_database().await;
    let client = db.client().await;
    database_with_tables(&client, 10).await;
    // A latency read that costs real server time: 200,000 log rows in the window.
    exec(&client, &pgpulse::pg::schema::script()).await;
    exec(
        &client,
        "INSERT INTO query_performance_log (query_hash, execution_time_ms) \
         SELECT 'q' || (g % 50), g % 1000 FROM generate_series(1, 200000) g",
    )
    .await;
    // 10 ms per 30 s: the Dashboard's sources share what the essentials leave of it.
    let poller = poller(&db, Duration::from_secs(1), Duration::from_millis(10)).await;
    let (mut snapshots, _commands) = spawn_poller(poller);
    let first = snapshot_where(&mut snapshots, "the first poll", WAIT, |s| {
        s.slow
            .as_ref()
            .is_some_and(|slow| slow.read_at.every_poll.is_some())
    })
    .await;
    let read = first.reads.get(GovernedSource::Latency);
    assert!(
        read.cost
            .is_some_and(|cost| cost >= Duration::from_millis(1)),
        "the latency read is measured: {read:?}"
    );
    assert!(
        read.slowed() && read.interval > Duration::from_secs(10),
        "the latency keeps its 1 s tier on a 10 ms budget: {read:?}"
    );
    // And the polls that follow keep that read instead of reading again.
    let read_at = first.slow.as_ref().and_then(|slow| slow.read_at.every_poll);
    for snapshot in next_snapshots(&mut snapshots, 4).await {
        assert_eq!(
            snapshot
                .slow
                .as_ref()
                .and_then(|slow| slow.read_at.every_poll),
            read_at,
            "query_performance_log was read again at poll {}",
            snapshot.sequence
        );
    }
}

#[tokio::test]
async fn with_room_in_the_budget_nothing_is_slowed() {
    let db = common::shared().create_database().await;
    let client = db.client().await;
    database_with_tables(&client, 50).await;
    let poller = poller(&db, Duration::from_secs(1), Duration::from_secs(30)).await;
    let (mut snapshots, _commands) = spawn_poller(poller);
    let first = snapshot_where(&mut snapshots, "the first poll", WAIT, |s| s.slow.is_some()).await;
    assert_eq!(first.reads.slowed().count(), 0, "{:?}", first.reads);
}

#[tokio::test]
async fn the_queries_screen_reads_the_statement_counters_every_poll() {
    let db = common::shared().create_database().await;
    let client = db.client().await;
    database_with_tables(&client, 1).await;
    // A budget no read can exceed: the shared server's pg_stat_statements holds every
    // test's statements, and on a busy CI machine one read took 150 ms, which at a
    // 200 ms refresh rightly slowed it under a 30 s budget. Slowing has its own tests.
    let unbounded = Duration::from_secs(24 * 3600);
    let poller = poller(&db, Duration::from_secs(60), unbounded).await;
    let (mut snapshots, commands) = spawn_poller(poller);
    snapshot_where(&mut snapshots, "the first poll", WAIT, |s| {
        s.statements.is_ok()
    })
    .await;
    // On the Dashboard the counters follow the slow tier (60 s here): re-sent.
    let dashboard = next_snapshots(&mut snapshots, 3).await;
    let read_at = statements_read_at(&dashboard[0]);
    assert!(
        dashboard.iter().all(|s| statements_read_at(s) == read_at),
        "read every poll on the Dashboard"
    );
    must(
        commands.send(PollerCommand::Watch(Some(SlowGroup::Queries))),
        "Queries",
    );
    snapshot_where(&mut snapshots, "a read on the Queries screen", WAIT, |s| {
        statements_read_at(s) > read_at
    })
    .await;
    let on_queries = next_snapshots(&mut snapshots, 4).await;
    for pair in on_queries.windows(2) {
        assert!(
            statements_read_at(&pair[1]) > statements_read_at(&pair[0]),
            "poll {} re-sent the read of poll {}",
            pair[1].sequence,
            pair[0].sequence
        );
    }
    assert!(
        !on_queries[0].reads.get(GovernedSource::Statements).slowed(),
        "{:?}",
        on_queries[0].reads
    );
}

/// Calls of each statement pgpulse ran in database `datname`, by text.
async fn calls_by_text(observer: &Client, datname: &str) -> HashMap<String, i64> {
    let rows = must(
        observer
            .query(
                "SELECT s.query, sum(s.calls)::bigint FROM pg_stat_statements s \
                 JOIN pg_database d ON d.oid = s.dbid \
                 WHERE d.datname = $1 \
                 GROUP BY s.query",
                &[&datname],
            )
            .await,
        "reading pg_stat_statements",
    );
    // pgpulse's statements only (18 keeps no header comment to tell them by).
    rows.iter()
        .map(|r| (r.get::<_, String>(0), r.get(1)))
        .filter(|(text, _)| is_own_statement(text))
        .collect()
}

/// The statements whose calls grew between two readings.
fn ran_between(before: &HashMap<String, i64>, after: &HashMap<String, i64>) -> Vec<String> {
    after
        .iter()
        .filter(|(text, calls)| before.get(*text).is_none_or(|b| b < *calls))
        .map(|(text, _)| text.clone())
        .collect()
}

/// Whether a statement text pg_stat_statements kept is one of the fast tier's.
fn is_fast_tier(text: &str) -> bool {
    is_one_of(text, FAST_TIER_SQL)
}

#[tokio::test]
async fn the_fast_tier_runs_no_per_relation_statement_on_300_tables() {
    let db = common::shared().create_database().await;
    let client = db.client().await;
    database_with_tables(&client, 300).await;
    let name = db.name.clone();
    // Every governed source is read at the first poll; then none is due for an hour.
    let mut poller = poller(&db, Duration::from_secs(3600), Duration::from_secs(30)).await;
    let before_first = calls_by_text(&client, &name).await;
    let _ = poller.poll_everything().await;
    let after_first = calls_by_text(&client, &name).await;
    // The first poll read per-relation sources: the check below can tell them apart.
    let first = ran_between(&before_first, &after_first);
    // The statements on view are read once more at once (their rates need two reads).
    let _ = poller.poll_everything().await;
    let after_first = calls_by_text(&client, &name).await;
    assert!(
        first
            .iter()
            .any(|text| !is_fast_tier(text) && reads_per_relation(text).is_some()),
        "the first poll's per-relation statements were not seen: {first:#?}"
    );
    for _ in 0..5 {
        let poll = poller.poll_once().await;
        assert!(poll.activity.is_ok(), "{:?}", poll.activity);
    }
    let after = calls_by_text(&client, &name).await;
    let fast = ran_between(&after_first, &after);
    assert!(
        !fast.is_empty(),
        "no statement of the fast tier was counted"
    );
    for text in &fast {
        assert!(is_fast_tier(text), "not a fast-tier statement: {text}");
        assert_eq!(reads_per_relation(text), None, "{text}");
    }
}
