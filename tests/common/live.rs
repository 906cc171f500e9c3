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
pub async fn eventually<T>(what: &str, mut attempt: impl AsyncFnMut() -> Result<T, String>) -> T {
    let deadline = Instant::now() + WAIT;
    loop {
        match attempt().await {
            Ok(value) => return value,
            Err(last) if Instant::now() >= deadline => {
                panic!("waited {WAIT:?} for {what}; last seen: {last}")
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
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
