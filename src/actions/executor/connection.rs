//! The executor's connection: opened on first use (never the monitoring one) with its own
//! `lock_timeout` and `statement_timeout`, one statement per round trip, every round trip
//! guarded by a deadline and by the user's stop (which cancels the statement on the
//! server), and the server's NOTICE/WARNING messages captured. What each step sends is in
//! `steps`, `relations` and `explain`, which all talk through this.

use std::future::Future;
use std::time::Duration;

use tokio::sync::mpsc::{self, UnboundedReceiver};
use tokio_postgres::SimpleQueryMessage;

use crate::actions::journal::{Journal, JournalEntry};
use crate::actions::{ActionKind, Outcome, Step, StepReport};
use crate::pg::connect::{self, Canceller, Connected, Notice, SessionSettings};
use crate::pg::conninfo::ConnParams;
use crate::text::sanitize::sanitized;

/// Where and how actions run.
#[derive(Clone)]
pub struct ExecutorConfig {
    pub params: ConnParams,
    /// How long a statement may wait for a lock before giving up (default 5 s).
    pub lock_timeout: Duration,
    /// Cancel, terminate, snapshot, reset, EXPLAIN (default 10 s).
    pub statement_timeout: Duration,
    /// VACUUM, ANALYZE, REINDEX (default 10 min).
    pub maintenance_timeout: Duration,
    /// `server_version_num` (EXPLAIN (GENERIC_PLAN) needs 16).
    pub server_version_num: i32,
    /// Where each step is recorded; `None` records nothing (tests of other things).
    pub journal: Option<Journal>,
}

impl ExecutorConfig {
    /// The defaults of DESIGN.md: lock 5 s, statements 10 s, maintenance 10 min.
    pub fn new(params: ConnParams, server_version_num: i32) -> Self {
        Self {
            params,
            lock_timeout: Duration::from_secs(5),
            statement_timeout: Duration::from_secs(10),
            maintenance_timeout: Duration::from_secs(600),
            server_version_num,
            journal: None,
        }
    }
}

/// Runs plans, one step at a time.
pub struct Executor {
    config: ExecutorConfig,
    live: Option<Live>,
    /// The password-free target, written to the journal.
    server: String,
}

pub(super) struct Live {
    connected: Connected,
    notices: UnboundedReceiver<Notice>,
    /// The server process of this connection: the header finds it in pg_stat_activity to
    /// say whom a waiting action waits for.
    backend_pid: i32,
}

/// The `application_name` of every action connection.
pub const APPLICATION_NAME: &str = "pgpulse actions";

/// How a guarded round trip ended.
pub(super) enum Guarded<T, E> {
    Done(Result<T, E>),
    /// The user asked to stop and the server has answered the cancelled statement.
    Stopped(Result<T, E>),
    /// No answer within statement_timeout + grace: cancelled, connection dropped.
    NoAnswer,
}

/// Past statement_timeout, how long to wait for the server before giving up on it.
const GRACE: Duration = Duration::from_secs(5);

impl Executor {
    pub fn new(config: ExecutorConfig) -> Self {
        let server = sanitized(&config.params.display_target());
        Self {
            config,
            live: None,
            server,
        }
    }

    /// Appends the step to the journal (when there is one); a failure to write says so in
    /// the report.
    pub(super) fn journal(&self, report: &mut StepReport) {
        let Some(journal) = &self.config.journal else {
            return;
        };
        let entry = JournalEntry::from_report(report, &self.server, &self.config.params.user);
        if let Err(e) = journal.append(&entry) {
            report.message.push_str(&format!(
                " (journal {} not written: {})",
                journal.path().display(),
                sanitized(&e.to_string())
            ));
        }
    }

    /// The connection's server process id, connecting now if needed.
    pub async fn backend_pid(&mut self) -> Result<i32, String> {
        Ok(self.connected().await?.backend_pid)
    }

    /// The connection, opened now if needed.
    pub(super) async fn connected(&mut self) -> Result<&mut Live, String> {
        if self
            .live
            .as_ref()
            .is_none_or(|l| l.connected.client.is_closed())
        {
            self.live = None;
            let settings = SessionSettings {
                application_name: APPLICATION_NAME.into(),
                statement_timeout: self.config.statement_timeout,
                lock_timeout: self.config.lock_timeout,
                idle_in_transaction_session_timeout: Duration::from_secs(60),
                read_only: false,
            };
            let (sink, notices) = mpsc::unbounded_channel();
            let connected = connect::connect(&self.config.params, &settings, Some(sink))
                .await
                .map_err(|e| e.to_string())?;
            let row = connected
                .client
                .query_one("SELECT pg_catalog.pg_backend_pid()", &[])
                .await
                .map_err(|e| describe(&e))?;
            let backend_pid = row.try_get(0).map_err(|e| describe(&e))?;
            self.live = Some(Live {
                connected,
                notices,
                backend_pid,
            });
        }
        self.live
            .as_mut()
            .ok_or_else(|| "not connected".to_string())
    }

    /// The connection, opened now if needed, with the timeouts for `kind` set.
    pub(super) async fn connection(&mut self, kind: ActionKind) -> Result<&mut Live, String> {
        let timeout = self.timeout_for(kind);
        let lock_timeout = self.lock_timeout_for(kind);
        let live = self.connected().await?;
        let set = format!(
            "SET statement_timeout = '{}ms'; SET lock_timeout = '{}ms'",
            timeout.as_millis(),
            lock_timeout.as_millis()
        );
        live.connected
            .client
            .simple_query(&set)
            .await
            .map_err(|e| describe(&e))?;
        // Whatever arrived before this action is not about it.
        while live.notices.try_recv().is_ok() {}
        Ok(live)
    }

    pub(super) fn timeout_for(&self, kind: ActionKind) -> Duration {
        if kind.is_maintenance() {
            self.config.maintenance_timeout
        } else {
            self.config.statement_timeout
        }
    }

    /// A CONCURRENTLY command's wait for older transactions is a lock wait: with the
    /// ordinary lock_timeout it would give up after 5 s and leave an invalid index behind.
    /// For those, no lock_timeout (0): the maintenance timeout alone bounds the wait.
    pub(super) fn lock_timeout_for(&self, kind: ActionKind) -> Duration {
        if kind.waits_for_old_transactions() {
            Duration::ZERO
        } else {
            self.config.lock_timeout
        }
    }

    /// The report of a step that could not start (e.g. no connection), journaled.
    pub(super) fn failed_step(&self, kind: ActionKind, step: &Step, message: &str) -> StepReport {
        let mut report = StepReport::new(kind, step.target.describe(), step.sql.clone());
        report.outcome = Outcome::Error;
        report.message = message.to_string();
        self.journal(&mut report);
        report
    }

    /// The database this executor connects to (exact, as configured).
    pub(super) fn database(&self) -> &str {
        &self.config.params.dbname
    }

    /// An executor for the same server, role and settings in another database (a
    /// prepared transaction can only be ended in its own), connecting on first use. It
    /// journals nothing: the step is journaled by the executor that runs it.
    pub(super) fn in_database(&self, database: &str) -> Executor {
        let mut config = self.config.clone();
        config.params.dbname = database.to_string();
        config.journal = None;
        Executor::new(config)
    }

    pub(super) fn server_version_num(&self) -> i32 {
        self.config.server_version_num
    }

    /// Forgets the connection (after a statement that got no answer).
    pub(super) fn drop_connection(&mut self) {
        self.live = None;
    }
}

impl Live {
    pub(super) fn client(&self) -> &tokio_postgres::Client {
        &self.connected.client
    }

    pub(super) fn canceller(&self) -> Canceller {
        self.connected.canceller()
    }

    /// The NOTICE/WARNING lines the last statement produced. The connection task forwards
    /// a notice before the response that follows it, so they are all here by now.
    pub(super) fn take_notices(&mut self) -> Vec<Notice> {
        let mut notices = Vec::new();
        while let Ok(notice) = self.notices.try_recv() {
            notices.push(notice);
        }
        notices
    }
}

/// Awaits `work`, cancelling it on the server when the user stops it or when the server
/// does not answer within `timeout` + grace.
pub(super) async fn guarded<T, E>(
    work: impl Future<Output = Result<T, E>>,
    canceller: Canceller,
    timeout: Duration,
    stop: &mut UnboundedReceiver<()>,
) -> Guarded<T, E> {
    tokio::pin!(work);
    let deadline = tokio::time::sleep(timeout + GRACE);
    tokio::pin!(deadline);
    let mut stopped = false;
    loop {
        tokio::select! {
            result = &mut work => {
                return if stopped { Guarded::Stopped(result) } else { Guarded::Done(result) };
            }
            Some(()) = stop.recv(), if !stopped => {
                stopped = true;
                canceller.cancel().await;
            }
            () = &mut deadline => {
                canceller.cancel().await;
                return Guarded::NoAnswer;
            }
        }
    }
}

/// One line for a driver error: the server's severity, SQLSTATE, message and detail.
pub(super) fn describe(error: &tokio_postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => {
            let mut line = format!("{} {}: {}", db.severity(), db.code().code(), db.message());
            if let Some(detail) = db.detail() {
                line.push_str(" (");
                line.push_str(detail);
                line.push(')');
            }
            sanitized(&line)
        }
        None => sanitized(&connect::error_chain(error)),
    }
}

/// The report of a step that was not run because the user stopped the plan before it.
pub(super) fn not_run(kind: ActionKind, step: &Step) -> StepReport {
    let mut report = StepReport::new(kind, step.target.describe(), step.sql.clone());
    report.outcome = Outcome::Cancelled;
    report.message = "not run: the action was stopped".into();
    report
}

/// Settles a guarded round trip: errors become the report's outcome and message.
pub(super) fn settle<T>(
    executor: &mut Executor,
    guarded: Guarded<T, tokio_postgres::Error>,
    report: &mut StepReport,
) -> Result<T, String> {
    match guarded {
        Guarded::Done(Ok(value)) => Ok(value),
        Guarded::Done(Err(error)) => Err(describe(&error)),
        Guarded::Stopped(result) => {
            report.outcome = Outcome::Cancelled;
            Err(match result {
                Ok(_) => "stopped, but the statement had already finished".into(),
                Err(error) => format!("stopped: {}", describe(&error)),
            })
        }
        Guarded::NoAnswer => {
            executor.drop_connection();
            Err("no answer from the server within statement_timeout: cancelled".into())
        }
    }
}

/// Warnings turn a success into a failure; notices are kept either way.
pub(super) fn absorb_notices(notices: Vec<Notice>, report: &mut StepReport) {
    for notice in notices {
        if notice.severity == "WARNING" && report.outcome == Outcome::Ok {
            report.outcome = Outcome::Warning;
            report.message = format!("WARNING: {}", notice.message);
        }
        report
            .notices
            .push(format!("{}: {}", notice.severity, notice.message));
    }
}

pub(super) async fn simple(
    executor: &mut Executor,
    kind: ActionKind,
    text: &str,
    stop: &mut UnboundedReceiver<()>,
    report: &mut StepReport,
) -> Result<Vec<Vec<Option<String>>>, String> {
    let timeout = executor.timeout_for(kind);
    let live = executor.connection(kind).await?;
    let canceller = live.canceller();
    let outcome = guarded(live.client().simple_query(text), canceller, timeout, stop).await;
    let notices = live.take_notices();
    absorb_notices(notices, report);
    let messages = settle(executor, outcome, report)?;
    Ok(messages
        .iter()
        .filter_map(|m| match m {
            SimpleQueryMessage::Row(row) => Some(
                (0..row.len())
                    .map(|i| row.get(i).map(str::to_owned))
                    .collect(),
            ),
            _ => None,
        })
        .collect())
}
