//! Helpers for the action tests: executors as a given role, sessions as the Activity
//! screen shows them, statements left running, and a target session that counts the
//! cancels it receives, so "no signal was sent" is read from the server.

use std::time::SystemTime;

use pgpulse::actions::executor::{Executor, ExecutorConfig};
use pgpulse::actions::{Plan, RelationTarget, StepReport};
use pgpulse::monitor::collector::collect_activity;
use pgpulse::monitor::snapshot::Session;
use pgpulse::pg::conninfo::{self, ConnParams, Flags};
use pgpulse::pg::probe::Capabilities;
use pgpulse::pg::session::MonitorSession;
use pgpulse::text::sanitize::sanitized;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_postgres::{CancelToken, Client, NoTls};

use super::TestDb;
use super::live::{WAIT, backend_pid, eventually, exec, finished, must, spawn_sql};

/// TCP conninfo for `db` as `user`: trust on 127.0.0.1, scram for `password_users`.
pub fn conninfo_as(db: &TestDb<'_>, user: &str, password: Option<&str>) -> String {
    let mut conninfo = format!(
        "host=127.0.0.1 port={} dbname={} user={user} sslmode=disable",
        db.server.port(),
        db.name
    );
    if let Some(password) = password {
        conninfo.push_str(&format!(" password={password}"));
    }
    conninfo
}

pub fn params(conninfo: String) -> ConnParams {
    must(
        conninfo::resolve_from_process(Flags::default(), Some(conninfo)),
        "resolving conninfo",
    )
}

/// An executor configuration with the defaults, connecting with `conninfo`.
pub fn config(conninfo: String, server_version_num: i32) -> ExecutorConfig {
    ExecutorConfig::new(params(conninfo), server_version_num)
}

/// The superuser's executor configuration for `db`.
pub fn superuser_config(db: &TestDb<'_>, server_version_num: i32) -> ExecutorConfig {
    config(db.conninfo(), server_version_num)
}

/// A client connected with `conninfo` (bounded), its connection task spawned.
pub async fn connect_with(conninfo: &str) -> Client {
    let connecting = tokio::time::timeout(WAIT, tokio_postgres::connect(conninfo, NoTls));
    let (client, connection) = must(
        must(connecting.await, "connecting timed out"),
        &format!("connecting with {conninfo}"),
    );
    tokio::spawn(connection);
    client
}

pub async fn server_version(client: &Client) -> i32 {
    must(
        client
            .query_one("SELECT current_setting('server_version_num')::int", &[])
            .await,
        "server_version_num",
    )
    .get(0)
}

/// Runs a plan to its end with no stop pressed, bounded by [`WAIT`].
pub async fn run(executor: &mut Executor, plan: &Plan) -> Vec<StepReport> {
    let (_stop_tx, mut stop) = mpsc::unbounded_channel();
    must(
        tokio::time::timeout(WAIT, executor.run(plan, &mut stop)).await,
        "the action did not finish",
    )
}

/// Runs a one-step plan on a fresh executor and returns its report.
pub async fn run_one(config: ExecutorConfig, plan: &Plan) -> StepReport {
    let mut executor = Executor::new(config);
    let mut reports = run(&mut executor, plan).await;
    assert_eq!(reports.len(), 1, "one step, one report: {reports:#?}");
    reports.remove(0)
}

/// What the Activity screen shows for `pid` once it is running something containing
/// `needle`.
pub async fn active_session(
    session: &mut MonitorSession,
    caps: &Capabilities,
    pid: i32,
    needle: &str,
) -> Session {
    session_where(session, caps, pid, |s| {
        s.state.as_ref().is_some_and(|st| st.as_str() == "active") && s.query.contains(needle)
    })
    .await
}

/// What the Activity screen shows for `pid` once `ready` holds.
pub async fn session_where(
    session: &mut MonitorSession,
    caps: &Capabilities,
    pid: i32,
    ready: impl Fn(&Session) -> bool,
) -> Session {
    eventually(&format!("pid {pid} on the Activity screen"), async || {
        let all = collect_activity(session, caps)
            .await
            .map_err(|e| e.to_string())?;
        match all.into_iter().find(|s| s.pid == pid) {
            Some(s) if ready(&s) => Ok(s),
            Some(s) => Err(format!("{s:#?}")),
            None => Err(format!("pid {pid} not in pg_stat_activity")),
        }
    })
    .await
}

/// A statement left running in another session.
pub struct Background {
    pub pid: i32,
    cancel: CancelToken,
    pub task: JoinHandle<Result<(), tokio_postgres::Error>>,
}

impl Background {
    pub async fn start(client: Client, sql: &str) -> Background {
        let pid = backend_pid(&client).await;
        let cancel = client.cancel_token();
        let task = spawn_sql(client, sql.to_string());
        Background { pid, cancel, task }
    }

    /// Cancels the statement (cleanup) and returns how it ended.
    pub async fn cancel(self) -> Result<(), String> {
        must(self.cancel.cancel_query(NoTls).await, "cancelling");
        finished(self.task).await
    }
}

/// `(backend_start, query_start, state)` of `pid` as `observer` sees it now.
pub async fn session_state(
    observer: &Client,
    pid: i32,
) -> Option<(SystemTime, Option<SystemTime>, Option<String>)> {
    let row = must(
        observer
            .query_opt(
                "SELECT backend_start, query_start, state FROM pg_stat_activity WHERE pid = $1",
                &[&pid],
            )
            .await,
        "the target's session",
    );
    row.map(|r| (r.get(0), r.get(1), r.get(2)))
}

/// Asserts on the server that `pid` still runs the very query it ran when `before` was
/// read: same session (backend_start), same query (query_start), still active.
pub async fn assert_same_query(
    observer: &Client,
    pid: i32,
    before: (SystemTime, Option<SystemTime>),
    what: &str,
) {
    let now = session_state(observer, pid).await;
    assert!(
        matches!(&now, Some((start, query, Some(state)))
            if (*start, *query) == before && state == "active"),
        "{what}: pid {pid} no longer runs the same query: {now:?}, was {before:?}"
    );
}

/// A session that loops in `pg_sleep(60)` and counts every cancel it receives in a
/// sequence (sequences are not transactional: another session sees each count at once).
/// "No signal was sent" is then a server fact: after a control cancel from the test has
/// been counted, the count is exactly one more, and the session is the same one (a
/// terminate would have ended it; a cancel would have been counted too).
pub struct CancelCountingSession {
    pub pid: i32,
    counter: String,
    backend_start: SystemTime,
    task: JoinHandle<Result<(), tokio_postgres::Error>>,
    /// Cancels counted so far (the test's own control cancels).
    counted: i64,
}

impl CancelCountingSession {
    /// Starts it on `client` (any role that may use the sequence `counter`, which
    /// `owner` creates in the current database).
    pub async fn start(owner: &Client, client: Client, counter: &str) -> Self {
        exec(
            owner,
            &format!("CREATE SEQUENCE {counter}; GRANT USAGE ON SEQUENCE {counter} TO PUBLIC"),
        )
        .await;
        let pid = backend_pid(&client).await;
        let sql = format!(
            "DO $$ BEGIN LOOP BEGIN PERFORM pg_sleep(60); \
             EXCEPTION WHEN query_canceled THEN PERFORM nextval('{counter}'); END; \
             END LOOP; END $$"
        );
        let task = spawn_sql(client, sql);
        let backend_start = eventually(
            &format!("pid {pid} sleeping"),
            async || match session_state(owner, pid).await {
                Some((start, _, Some(state))) if state == "active" => Ok(start),
                other => Err(format!("{other:?}")),
            },
        )
        .await;
        Self {
            pid,
            counter: counter.to_string(),
            backend_start,
            task,
            counted: 0,
        }
    }

    async fn count(&self, observer: &Client) -> i64 {
        let sql = format!(
            "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {}",
            self.counter
        );
        must(observer.query_one(&sql, &[]).await, "the cancel count").get(0)
    }

    /// Asserts, on the server, that no cancel and no terminate reached the session since
    /// the last check: a control cancel sent now is counted, and is the only new one.
    pub async fn assert_no_signal_reached(&mut self, observer: &Client, what: &str) {
        // pg_cancel_backend signals once. A protocol cancel request would not do: the
        // postmaster signals the backend and its process group, and the two SIGINTs are
        // sometimes handled (and counted) separately.
        exec(observer, &format!("SELECT pg_cancel_backend({})", self.pid)).await;
        let expected = self.counted + 1;
        let seen = eventually(&format!("{what}: the control cancel counted"), async || {
            match session_state(observer, self.pid).await {
                Some((start, _, _)) if start == self.backend_start => {}
                other => panic!(
                    "{what}: pid {} was terminated (session now {other:?})",
                    self.pid
                ),
            }
            let count = self.count(observer).await;
            if count >= expected {
                Ok(count)
            } else {
                Err(format!("{count} cancels counted"))
            }
        })
        .await;
        assert_eq!(
            seen,
            expected,
            "{what}: pid {} received {} cancel(s) besides the test's control cancel",
            self.pid,
            seen - expected
        );
        self.counted = seen;
    }

    /// Ends the session (cleanup).
    pub async fn end(self, observer: &Client) {
        exec(
            observer,
            &format!("SELECT pg_terminate_backend({})", self.pid),
        )
        .await;
        assert_eq!(finished(self.task).await, Err("57P01".into()));
    }
}

/// A relation target as the screen has it: sanitized names, identity by OID.
pub fn relation_target(oid: u32, schema: &str, name: &str) -> RelationTarget {
    RelationTarget {
        oid,
        schema: sanitized(schema),
        name: sanitized(name),
        size_bytes: None,
        table: None,
    }
}

/// The OID of `schema`.`name`, looked up by the raw names.
pub async fn oid_of(client: &Client, schema: &str, name: &str) -> u32 {
    let row = must(
        client
            .query_one(
                "SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = $1 AND c.relname = $2",
                &[&schema, &name],
            )
            .await,
        &format!("OID of {schema:?}.{name:?}"),
    );
    row.get(0)
}

/// (OID, relfilenode, indisvalid) of the index named `name` in `schema`, if any.
pub async fn index_state(client: &Client, schema: &str, name: &str) -> Option<(u32, u32, bool)> {
    let row = must(
        client
            .query_opt(
                "SELECT c.oid, c.relfilenode, i.indisvalid
                   FROM pg_class c
                   JOIN pg_namespace n ON n.oid = c.relnamespace
                   JOIN pg_index i ON i.indexrelid = c.oid
                  WHERE n.nspname = $1 AND c.relname = $2",
                &[&schema, &name],
            )
            .await,
        "index state",
    );
    row.map(|r| (r.get(0), r.get(1), r.get(2)))
}

pub async fn table_exists(client: &Client, name: &str) -> bool {
    let row = must(
        client
            .query_one("SELECT to_regclass($1) IS NOT NULL", &[&name])
            .await,
        "to_regclass",
    );
    row.get(0)
}
