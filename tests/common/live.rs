//! Helpers for live tests: a monitoring session like pgpulse's, bounded waits for a
//! condition, and statements left running in the background.

use std::fmt::Display;
use std::time::{Duration, Instant};

use pgpulse::pg::connect::SessionSettings;
use pgpulse::pg::conninfo::{self, Flags};
use pgpulse::pg::probe::Capabilities;
use pgpulse::pg::session::MonitorSession;
use tokio::task::JoinHandle;
use tokio_postgres::Client;

/// The bound on every wait in a live test.
pub const WAIT: Duration = Duration::from_secs(10);

/// Unwraps or panics with what was being done.
pub fn must<T, E: Display>(result: Result<T, E>, what: &str) -> T {
    result.unwrap_or_else(|e| panic!("{what}: {e}"))
}

/// A monitoring session (read-only, deadline-bounded) for `conninfo`, and its probe.
pub async fn monitor(conninfo: String) -> (MonitorSession, Capabilities) {
    let params = must(
        conninfo::resolve_from_process(Flags::default(), Some(conninfo)),
        "resolving conninfo",
    );
    let settings = SessionSettings::monitoring(None);
    let deadline = MonitorSession::default_deadline(&settings);
    let mut session = MonitorSession::new(params, settings, deadline);
    let caps = must(Capabilities::probe(&mut session).await, "probe");
    (session, caps)
}

/// A monitoring session on a test database.
pub async fn monitor_db(db: &super::TestDb<'_>) -> (MonitorSession, Capabilities) {
    monitor(format!("{} sslmode=disable", db.conninfo())).await
}

/// Polls `attempt` every 50 ms until it gives a value; panics after [`WAIT`] with the
/// last thing it saw.
pub async fn eventually<T>(what: &str, attempt: impl AsyncFnMut() -> Result<T, String>) -> T {
    eventually_within(WAIT, what, attempt).await
}

/// [`eventually`] with its own bound, for waits on something slower than a query: e.g.
/// the statistics collector of 13 and 14, which on a loaded machine with hundreds of test
/// databases can take longer than [`WAIT`] to write what a session reported.
pub async fn eventually_within<T>(
    limit: Duration,
    what: &str,
    mut attempt: impl AsyncFnMut() -> Result<T, String>,
) -> T {
    let deadline = Instant::now() + limit;
    loop {
        match attempt().await {
            Ok(value) => return value,
            Err(last) if Instant::now() >= deadline => {
                panic!("waited {limit:?} for {what}; last seen: {last}")
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

/// Sends the statistics `client`'s session has gathered on their way to other sessions:
/// call it in each attempt of an [`eventually`] that waits for them.
///
/// From 15 the server flushes them on request. Before 15 a backend sends them to the
/// statistics collector when a transaction ends at least 500 ms after its previous
/// report, and never while idle, so a client left idle keeps them forever: each call
/// ends one more transaction, and a later attempt sends what an earlier one could not.
pub async fn report_stats(client: &Client, server_version_num: i32) {
    if server_version_num >= 150_000 {
        exec(client, "SELECT pg_stat_force_next_flush()").await;
    } else {
        exec(client, "SELECT 1").await;
    }
}

/// Waits until `sql` (one bigint) on `client` gives `expected`, sending `client`'s
/// statistics on their way at each attempt (see [`report_stats`]). Once one session sees
/// statistics every later reader does, pgpulse too: the server's files and memory only
/// move forward.
pub async fn stats_show(client: &Client, server_version_num: i32, sql: &str, expected: i64) {
    eventually(&format!("{sql} to give {expected}"), async || {
        report_stats(client, server_version_num).await;
        let row = client
            .query_one(sql, &[])
            .await
            .map_err(|e| e.to_string())?;
        let seen: Option<i64> = row.get(0);
        if seen == Some(expected) {
            Ok(())
        } else {
            Err(format!("{seen:?}"))
        }
    })
    .await;
}

/// Runs SQL, panicking with the statement on failure.
pub async fn exec(client: &Client, sql: &str) {
    must(client.batch_execute(sql).await, sql);
}

/// The backend pid of a client's session.
pub async fn backend_pid(client: &Client) -> i32 {
    let row = must(
        client.query_one("SELECT pg_backend_pid()", &[]).await,
        "pid",
    );
    row.get(0)
}

/// Runs `sql` on `client` in the background (it is expected to block or sleep).
pub fn spawn_sql(client: Client, sql: String) -> JoinHandle<Result<(), tokio_postgres::Error>> {
    tokio::spawn(async move { client.batch_execute(&sql).await })
}

/// The background statement's outcome (SQLSTATE on a server error), bounded.
pub async fn finished(task: JoinHandle<Result<(), tokio_postgres::Error>>) -> Result<(), String> {
    match tokio::time::timeout(WAIT, task).await {
        Ok(Ok(outcome)) => outcome.map_err(|e| {
            e.as_db_error()
                .map_or(e.to_string(), |db| db.code().code().to_string())
        }),
        Ok(Err(join)) => panic!("background statement panicked: {join}"),
        Err(_) => panic!("background statement still running after {WAIT:?}"),
    }
}

/// The next snapshot that satisfies `wanted`, within `bound`.
pub async fn snapshot_where(
    snapshots: &mut pgpulse::monitor::poller::SnapshotReceiver,
    what: &str,
    bound: Duration,
    wanted: impl Fn(&pgpulse::monitor::snapshot::Snapshot) -> bool,
) -> pgpulse::monitor::snapshot::Snapshot {
    let deadline = tokio::time::Instant::now() + bound;
    loop {
        if let Some(snapshot) = snapshots.take()
            && wanted(&snapshot)
        {
            return snapshot;
        }
        match tokio::time::timeout_at(deadline, snapshots.changed()).await {
            Ok(Ok(())) => {}
            Ok(Err(_)) => panic!("the poller stopped while waiting for {what}"),
            Err(_) => {
                let last = snapshots.latest_sequence();
                panic!("waited {bound:?} for {what}; last snapshot: {last:?}")
            }
        }
    }
}

/// A lock wait staged on a test database: `holder` has updated the one row of a table in
/// a transaction it leaves open (idle in transaction), and `waiter` runs a statement that
/// queues behind it.
pub struct LockWait {
    pub holder: Client,
    pub holder_pid: i32,
    pub waiter_pid: i32,
    /// The waiting statement; it goes through once `holder` ends its transaction.
    pub waiter: JoinHandle<Result<(), tokio_postgres::Error>>,
}

/// Creates `table (id int PRIMARY KEY)` with the row `1`, updates that row from a session
/// left in its transaction, and starts `waiter_sql` on another session. The waiter gives
/// up after a minute, should the test never release it.
pub async fn lock_wait(db: &super::TestDb<'_>, table: &str, waiter_sql: &str) -> LockWait {
    let holder = db.client().await;
    exec(
        &holder,
        &format!("CREATE TABLE {table} (id int PRIMARY KEY); INSERT INTO {table} VALUES (1)"),
    )
    .await;
    exec(
        &holder,
        &format!("BEGIN; UPDATE {table} SET id = 1 WHERE id = 1"),
    )
    .await;
    let holder_pid = backend_pid(&holder).await;
    let waiter_client = db.client().await;
    let waiter_pid = backend_pid(&waiter_client).await;
    let waiter = spawn_sql(
        waiter_client,
        format!("SET lock_timeout = '60s'; {waiter_sql}"),
    );
    LockWait {
        holder,
        holder_pid,
        waiter_pid,
        waiter,
    }
}
