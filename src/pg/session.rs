//! The monitoring session: one read-only connection whose every round trip has a
//! client-side deadline.
//!
//! `statement_timeout` cannot rescue a client whose backend is frozen or whose TCP peer
//! vanished; only a deadline on our side can. When one expires, the running query is
//! cancelled with the cancel token, the connection is dropped, and the next call opens a
//! fresh one, so a stuck server never hangs pgpulse.

use std::collections::HashMap;
use std::time::Duration;

use futures_util::TryStreamExt;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Row, Statement};

use crate::pg::connect::{self, ConnectError, Connected, SessionSettings};
use crate::pg::conninfo::ConnParams;
use crate::text::sanitize::sanitized;

/// Why a round trip failed. Display is one sanitized line.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error("no answer within {0:?}: query cancelled, reconnecting")]
    Deadline(Duration),
    #[error("{0}")]
    Query(String),
    #[error("connection lost: {0}")]
    Lost(String),
}

/// A monitoring connection that reconnects itself and bounds every round trip.
pub struct MonitorSession {
    params: ConnParams,
    settings: SessionSettings,
    deadline: Duration,
    live: Option<Live>,
    connects: u64,
    /// Whether a query on a closed connection opens a new one (the default). The poller
    /// turns it off: it reconnects on its own backoff schedule, and a connection lost in
    /// the middle of a poll must not turn each remaining collector into a connection
    /// attempt.
    auto_connect: bool,
    /// Why the last connection was lost, for the queries that follow without one.
    lost: Option<String>,
    /// Transactions this session's round trips ended on the server (see
    /// [`MonitorSession::transactions`]).
    transactions: u64,
}

struct Live {
    connected: Connected,
    /// Prepared once per connection: each poll is then a single round trip.
    statements: HashMap<&'static str, Statement>,
}

impl MonitorSession {
    /// A session that connects on first use. `deadline` bounds each round trip on the
    /// client side; keep it above `statement_timeout` so the server's own timeout, which
    /// leaves the connection usable, normally fires first.
    pub fn new(params: ConnParams, settings: SessionSettings, deadline: Duration) -> Self {
        Self {
            params,
            settings,
            deadline,
            live: None,
            connects: 0,
            auto_connect: true,
            lost: None,
            transactions: 0,
        }
    }

    /// Queries stop opening connections: only [`MonitorSession::ensure_connected`] does.
    pub fn connect_only_when_asked(&mut self) {
        self.auto_connect = false;
    }

    /// The default deadline for a session with these settings: statement_timeout + 1 s.
    pub fn default_deadline(settings: &SessionSettings) -> Duration {
        settings.statement_timeout + Duration::from_secs(1)
    }

    pub fn params(&self) -> &ConnParams {
        &self.params
    }

    pub fn is_connected(&self) -> bool {
        self.live
            .as_ref()
            .is_some_and(|l| !l.connected.client.is_closed())
    }

    /// How many connections this session has opened (1 + reconnects).
    pub fn connect_count(&self) -> u64 {
        self.connects
    }

    /// How many transactions pgpulse's own round trips ended on the server so far, over
    /// every connection: each prepare and each execution is one (committed, or rolled
    /// back by an error). They are in `pg_stat_database`'s counters, and TPS leaves them
    /// out. A round trip that got no answer is not counted: whether it ran is unknown.
    pub fn transactions(&self) -> u64 {
        self.transactions
    }

    /// Connects now if not connected.
    pub async fn ensure_connected(&mut self) -> Result<(), SessionError> {
        if self.is_connected() {
            return Ok(());
        }
        self.live = None;
        let connected = connect::connect(&self.params, &self.settings, None).await?;
        self.connects += 1;
        self.lost = None;
        self.live = Some(Live {
            connected,
            statements: HashMap::new(),
        });
        Ok(())
    }

    /// Runs one of pgpulse's own statements (static SQL from `queries/`), prepared once
    /// per connection, within the deadline.
    pub async fn query(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>, SessionError> {
        let statement = self.prepared(sql).await?;
        let Some(live) = self.live.as_ref() else {
            return Err(SessionError::Lost("not connected".into()));
        };
        let rows = tokio::time::timeout(
            self.deadline,
            live.connected.client.query(&statement, params),
        )
        .await;
        self.settle(rows).await
    }

    /// Like [`MonitorSession::query`], but each row is turned into a `T` by `map` as it
    /// arrives and dropped: the driver's row set (every row's bytes, several times the
    /// parsed size for a list of thousands) is never held whole. The first row `map`
    /// refuses ends the read with its error; the rest of the answer is discarded by the
    /// driver.
    pub async fn query_map<T, E>(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
        mut map: impl FnMut(&Row) -> Result<T, E>,
    ) -> Result<Result<Vec<T>, E>, SessionError> {
        let statement = self.prepared(sql).await?;
        let Some(live) = self.live.as_ref() else {
            return Err(SessionError::Lost("not connected".into()));
        };
        let client = &live.connected.client;
        let read = async {
            let params = params.iter().map(|p| *p as &dyn ToSql);
            let stream = client.query_raw(&statement, params).await?;
            let mut stream = std::pin::pin!(stream);
            let mut mapped = Vec::new();
            while let Some(row) = stream.try_next().await? {
                match map(&row) {
                    Ok(value) => mapped.push(value),
                    Err(refused) => return Ok(Err(refused)),
                }
            }
            Ok(Ok(mapped))
        };
        let outcome = tokio::time::timeout(self.deadline, read).await;
        self.settle(outcome).await
    }

    /// `sql` prepared on the live connection (connecting first when this session may),
    /// once per connection.
    async fn prepared(&mut self, sql: &'static str) -> Result<Statement, SessionError> {
        if self.auto_connect {
            self.ensure_connected().await?;
        } else if !self.is_connected() {
            let reason = self
                .lost
                .clone()
                .unwrap_or_else(|| "connection closed".into());
            return Err(SessionError::Lost(reason));
        }
        let deadline = self.deadline;
        let Some(live) = self.live.as_mut() else {
            return Err(SessionError::Lost("not connected".into()));
        };
        if let Some(statement) = live.statements.get(sql) {
            return Ok(statement.clone());
        }
        let prepared = tokio::time::timeout(deadline, live.connected.client.prepare(sql)).await;
        let statement = self.settle(prepared).await?;
        if let Some(live) = self.live.as_mut() {
            live.statements.insert(sql, statement.clone());
        }
        Ok(statement)
    }

    /// Turns a deadline-bounded driver result into ours, dropping the connection when
    /// it can no longer be trusted.
    async fn settle<T>(
        &mut self,
        outcome: Result<Result<T, tokio_postgres::Error>, tokio::time::error::Elapsed>,
    ) -> Result<T, SessionError> {
        match outcome {
            Ok(Ok(value)) => {
                self.transactions += 1;
                Ok(value)
            }
            Ok(Err(error)) if error.is_closed() || error.as_db_error().is_none() => {
                self.live = None;
                let reason = sanitized(&connect::error_chain(&error));
                self.lost = Some(reason.clone());
                Err(SessionError::Lost(reason))
            }
            Ok(Err(error)) => {
                self.transactions += 1;
                Err(SessionError::Query(describe(&error)))
            }
            Err(_) => {
                if let Some(live) = self.live.take() {
                    tracing::warn!(
                        "round trip exceeded {:?}; cancelling and reconnecting",
                        self.deadline
                    );
                    // Best effort, in the background: a frozen server may never answer
                    // the cancel request (up to its own 2 s bound over TLS), and the
                    // caller must learn of the lost connection within the deadline.
                    let canceller = live.connected.canceller();
                    tokio::spawn(async move { canceller.cancel().await });
                }
                self.lost = Some(format!("no answer within {:?}", self.deadline));
                Err(SessionError::Deadline(self.deadline))
            }
        }
    }
}

/// One line for a driver error: a server error as severity, SQLSTATE and message, anything
/// else as the driver words it; sanitized. Shared by every place that reports one.
pub(crate) fn describe(error: &tokio_postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => sanitized(&format!(
            "{} {}: {}",
            db.severity(),
            db.code().code(),
            db.message()
        )),
        None => sanitized(&error.to_string()),
    }
}
