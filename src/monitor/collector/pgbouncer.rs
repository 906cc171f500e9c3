//! PgBouncer's admin console (the virtual `pgbouncer` database): `SHOW POOLS`, `SHOW
//! STATS` and `SHOW LISTS` for the Pool screen.
//!
//! The console differs from a PostgreSQL server in two ways that shape this file:
//! - it speaks only the simple query protocol, so every command goes through
//!   `simple_query` (a prepared statement would fail) and values arrive as text, parsed
//!   here by column name;
//! - it refuses startup parameters it does not know (`unsupported startup parameter:
//!   options`), so the `-c statement_timeout=...` options every pgpulse session sends
//!   cannot be sent here. `connect::connect` always sends them, so this file opens its
//!   own connection (same TLS attempts, timeouts and keepalives), without options; the
//!   client-side deadline on every round trip is the only timeout, which is enough for
//!   a console that answers from memory.

use std::time::Duration;

use tokio::task::JoinHandle;
use tokio_postgres::tls::{MakeTlsConnect, TlsConnect};
use tokio_postgres::{Client, Config, NoTls, SimpleQueryMessage, SimpleQueryRow, Socket};
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::monitor::snapshot::pgbouncer::{BouncerList, BouncerPool, BouncerStats, PgBouncer};
use crate::monitor::snapshot::{Section, SectionError};
use crate::pg::conninfo::{self, ConnInfoError, ConnParams, Flags, Host};
use crate::text::sanitize::sanitized;

/// The three commands, in the order they are sent.
const SHOW_POOLS: &str = "SHOW POOLS";
const SHOW_STATS: &str = "SHOW STATS";
const SHOW_LISTS: &str = "SHOW LISTS";

/// A connection to PgBouncer's admin console that reconnects itself and bounds every
/// round trip by a client-side deadline.
pub struct PgBouncerClient {
    params: ConnParams,
    deadline: Duration,
    live: Option<Admin>,
}

/// An open console connection; its connection task ends with it.
struct Admin {
    client: Client,
    task: JoinHandle<()>,
}

impl Drop for Admin {
    fn drop(&mut self) {
        // A PgBouncer that stopped answering would keep the task waiting forever.
        self.task.abort();
    }
}

impl PgBouncerClient {
    /// Bound on each round trip unless changed with [`PgBouncerClient::with_deadline`].
    pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(3);

    /// A client that connects on first use.
    pub fn new(params: ConnParams) -> Self {
        Self {
            params,
            deadline: Self::DEFAULT_DEADLINE,
            live: None,
        }
    }

    /// A client for the config's `[pgbouncer] conninfo`, resolved like a command-line
    /// conninfo (environment, service file and `~/.pgpass` apply).
    pub fn from_conninfo(conninfo: &str) -> Result<Self, ConnInfoError> {
        let params = conninfo::resolve_from_process(Flags::default(), Some(conninfo.to_owned()))?;
        Ok(Self::new(params))
    }

    /// The same client with another round-trip deadline.
    pub fn with_deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// Where it connects.
    pub fn params(&self) -> &ConnParams {
        &self.params
    }

    /// Whether a console connection is open.
    pub fn is_connected(&self) -> bool {
        self.live.as_ref().is_some_and(|a| !a.client.is_closed())
    }

    async fn ensure_connected(&mut self) -> Result<(), SectionError> {
        if self.is_connected() {
            return Ok(());
        }
        self.live = None;
        self.live = Some(connect(&self.params).await?);
        Ok(())
    }

    /// Runs one console command within the deadline and returns its rows. A lost or
    /// silent connection is dropped, so the next call reconnects.
    async fn show(&mut self, command: &'static str) -> Result<Vec<SimpleQueryRow>, SectionError> {
        self.ensure_connected().await?;
        let Some(admin) = self.live.as_ref() else {
            return Err(SectionError::Failed("PgBouncer: not connected".into()));
        };
        match tokio::time::timeout(self.deadline, admin.client.simple_query(command)).await {
            Ok(Ok(messages)) => Ok(messages
                .into_iter()
                .filter_map(|message| match message {
                    SimpleQueryMessage::Row(row) => Some(row),
                    _ => None,
                })
                .collect()),
            // An error answer leaves the connection usable.
            Ok(Err(error)) if error.as_db_error().is_some() && !error.is_closed() => {
                Err(command_error(command, &error, &self.params))
            }
            Ok(Err(error)) => {
                self.live = None;
                Err(SectionError::Failed(sanitized(&self.redact(&format!(
                    "PgBouncer connection lost during {command}: {}",
                    crate::pg::connect::error_chain(&error)
                )))))
            }
            Err(_) => {
                self.live = None;
                Err(SectionError::Failed(format!(
                    "PgBouncer did not answer {command} within {:?}: reconnecting",
                    self.deadline
                )))
            }
        }
    }

    fn redact(&self, message: &str) -> String {
        redact(message, &self.params)
    }
}

/// Reads PgBouncer's pools, per-database statistics and internal lists: three round
/// trips to the admin console, each bounded by the client's deadline.
pub async fn collect_pgbouncer(client: &mut PgBouncerClient) -> Section<PgBouncer> {
    let pools = client.show(SHOW_POOLS).await?;
    let stats = client.show(SHOW_STATS).await?;
    let lists = client.show(SHOW_LISTS).await?;
    Ok(PgBouncer {
        pools: pools.iter().map(pool_from_row).collect::<Section<_>>()?,
        stats: stats.iter().map(stats_from_row).collect::<Section<_>>()?,
        lists: lists.iter().map(list_from_row).collect::<Section<_>>()?,
    })
}

/// One console row, read by column name.
struct Row<'a> {
    row: &'a SimpleQueryRow,
    command: &'static str,
}

impl Row<'_> {
    /// A text column, sanitized; NULL reads as empty.
    fn text(&self, column: &str) -> Section<String> {
        Ok(sanitized(self.raw(column)?.unwrap_or_default()))
    }

    fn raw(&self, column: &str) -> Section<Option<&str>> {
        self.row.try_get(column).map_err(|_| {
            SectionError::Failed(format!(
                "{}: PgBouncer sent no column \"{column}\" (PgBouncer 1.8 or later is needed)",
                self.command
            ))
        })
    }

    /// A counter or size; NULL reads as 0.
    fn number(&self, column: &str) -> Section<i64> {
        match self.raw(column)? {
            None => Ok(0),
            Some(text) => text.trim().parse().map_err(|_| {
                SectionError::Failed(format!(
                    "{}: column \"{column}\": cannot read \"{}\" as a number",
                    self.command,
                    sanitized(text)
                ))
            }),
        }
    }

    /// A time in microseconds (PgBouncer's unit for all its averages).
    fn micros(&self, column: &str) -> Section<Duration> {
        Ok(Duration::from_micros(
            self.number(column)?.max(0).unsigned_abs(),
        ))
    }
}

fn pool_from_row(row: &SimpleQueryRow) -> Section<BouncerPool> {
    let r = Row {
        row,
        command: SHOW_POOLS,
    };
    let maxwait = Duration::from_secs(r.number("maxwait")?.max(0).unsigned_abs());
    Ok(BouncerPool {
        database: r.text("database")?,
        user: r.text("user")?,
        cl_active: r.number("cl_active")?,
        cl_waiting: r.number("cl_waiting")?,
        sv_active: r.number("sv_active")?,
        sv_idle: r.number("sv_idle")?,
        sv_used: r.number("sv_used")?,
        maxwait: maxwait + r.micros("maxwait_us")?,
        pool_mode: r.text("pool_mode")?,
    })
}

fn stats_from_row(row: &SimpleQueryRow) -> Section<BouncerStats> {
    let r = Row {
        row,
        command: SHOW_STATS,
    };
    Ok(BouncerStats {
        database: r.text("database")?,
        avg_query_time: r.micros("avg_query_time")?,
        avg_xact_time: r.micros("avg_xact_time")?,
        avg_wait_time: r.micros("avg_wait_time")?,
        total_query_count: r.number("total_query_count")?,
    })
}

fn list_from_row(row: &SimpleQueryRow) -> Section<BouncerList> {
    let r = Row {
        row,
        command: SHOW_LISTS,
    };
    Ok(BouncerList {
        name: r.text("list")?,
        items: r.number("items")?,
    })
}

/// A server error answering `command`. A PostgreSQL server answers `SHOW POOLS` with
/// "unrecognized configuration parameter": the conninfo points at the wrong place.
fn command_error(
    command: &str,
    error: &tokio_postgres::Error,
    params: &ConnParams,
) -> SectionError {
    let Some(db) = error.as_db_error() else {
        return SectionError::Failed(sanitized(&error.to_string()));
    };
    let line = sanitized(&format!("{command}: {}: {}", db.severity(), db.message()));
    if db.code().code() == "42704" {
        return SectionError::Unavailable {
            reason: format!(
                "{} is not a PgBouncer admin console ({line})",
                sanitized(&params.display_target())
            ),
            fix: Some(
                "point [pgbouncer] conninfo at PgBouncer's admin database, e.g. \
                 \"host=127.0.0.1 port=6432 dbname=pgbouncer user=pgbouncer\""
                    .into(),
            ),
        };
    }
    SectionError::Failed(line)
}

/// Opens a console connection, trying the sslmode's attempts in order like
/// `connect::connect`, bounded by `connect_timeout` (+1 s for the whole handshake).
async fn connect(params: &ConnParams) -> Result<Admin, SectionError> {
    let target = sanitized(&params.display_target());
    let attempts = crate::pg::tls::attempts(params).map_err(|e| {
        SectionError::Failed(format!("PgBouncer {target}: {}", sanitized(&e.to_string())))
    })?;
    let limit = params.connect_timeout + Duration::from_secs(1);
    let mut last = String::from("no connection attempt was possible");
    for attempt in &attempts {
        let config = driver_config(params, attempt.wire_mode);
        let opened = match &attempt.tls {
            Some(tls) => {
                let tls = MakeRustlsConnect::new((**tls).clone());
                tokio::time::timeout(limit, open(&config, tls)).await
            }
            None => tokio::time::timeout(limit, open(&config, NoTls)).await,
        };
        match opened {
            Ok(Ok(admin)) => return Ok(admin),
            Ok(Err(error)) => {
                let refused = error.as_db_error().map(|db| db.message().to_owned());
                if refused.as_deref() == Some("not allowed") {
                    return Err(SectionError::Unavailable {
                        reason: format!(
                            "PgBouncer {target} does not let user \"{}\" use its admin console",
                            sanitized(&params.user)
                        ),
                        fix: Some(
                            "add the user to admin_users or stats_users in pgbouncer.ini and \
                             reload PgBouncer"
                                .into(),
                        ),
                    });
                }
                last = match error.as_db_error() {
                    Some(db) => format!("{}: {}", db.severity(), db.message()),
                    None => crate::pg::connect::error_chain(&error),
                };
                // Like libpq's `allow`: only a refusal by the server is worth retrying
                // with the next attempt; a network failure would fail the same way.
                if refused.is_none() {
                    break;
                }
            }
            Err(_) => {
                last = format!("timeout expired after {limit:?}");
                break;
            }
        }
    }
    Err(SectionError::Failed(format!(
        "could not connect to PgBouncer {target}: {}",
        sanitized(&redact(&last, params))
    )))
}

async fn open<T>(config: &Config, tls: T) -> Result<Admin, tokio_postgres::Error>
where
    T: MakeTlsConnect<Socket> + Send + 'static,
    T::Stream: Send + 'static,
    T::TlsConnect: Send,
    <T::TlsConnect as TlsConnect<Socket>>::Future: Send,
{
    let (client, connection) = config.connect(tls).await?;
    let task = tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::info!("PgBouncer connection closed: {}", sanitized(&e.to_string()));
        }
    });
    Ok(Admin { client, task })
}

/// The driver configuration: what `connect.rs` sets, minus every startup option
/// (PGOPTIONS and the config's `options` included), which PgBouncer would refuse.
fn driver_config(params: &ConnParams, wire_mode: tokio_postgres::config::SslMode) -> Config {
    let mut config = Config::new();
    match &params.host {
        Host::Tcp(name) => config.host(name),
        Host::Socket(dir) => config.host_path(dir),
    };
    if let Some(address) = params.hostaddr.as_deref().and_then(|a| a.parse().ok()) {
        config.hostaddr(address);
    }
    config
        .port(params.port)
        .user(&params.user)
        .dbname(&params.dbname)
        .application_name(params.application_name.as_deref().unwrap_or("pgpulse"))
        .ssl_mode(wire_mode)
        .connect_timeout(params.connect_timeout)
        .keepalives(params.keepalives)
        .tcp_user_timeout(Duration::from_secs(10));
    if let Some(idle) = params.keepalives_idle {
        config.keepalives_idle(idle);
    }
    if let Some(password) = &params.password {
        config.password(password.expose());
    }
    config
}

/// No driver message should carry the password; if one ever did, it stops here.
fn redact(message: &str, params: &ConnParams) -> String {
    match &params.password {
        Some(p) if p.expose().len() >= 4 => message.replace(p.expose(), "***"),
        _ => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(conninfo: &str) -> ConnParams {
        match PgBouncerClient::from_conninfo(conninfo) {
            Ok(client) => client.params,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn no_startup_options_reach_pgbouncer() {
        let p = params("host=127.0.0.1 port=6432 dbname=pgbouncer user=stats options='-c x=1'");
        assert_eq!(p.options.as_deref(), Some("-c x=1"));
        let config = driver_config(&p, tokio_postgres::config::SslMode::Disable);
        assert_eq!(config.get_options(), None);
        assert_eq!(config.get_dbname(), Some("pgbouncer"));
        assert_eq!(config.get_user(), Some("stats"));
        assert_eq!(config.get_ports(), [6432]);
        assert_eq!(config.get_application_name(), Some("pgpulse"));
    }

    #[test]
    fn passwords_never_reach_messages() {
        let p = params("host=127.0.0.1 dbname=pgbouncer user=u password=s3cret");
        assert_eq!(redact("auth failed for s3cret", &p), "auth failed for ***");
    }

    #[tokio::test]
    async fn a_console_that_hangs_up_is_a_failed_section() {
        // Our own listener on loopback that accepts and closes at once.
        let listener = match tokio::net::TcpListener::bind("127.0.0.1:0").await {
            Ok(listener) => listener,
            Err(e) => panic!("{e}"),
        };
        let port = listener.local_addr().map(|a| a.port()).unwrap_or_default();
        let server = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                drop(socket);
            }
        });
        let conninfo =
            format!("host=127.0.0.1 port={port} dbname=pgbouncer user=stats sslmode=disable");
        let mut client = match PgBouncerClient::from_conninfo(&conninfo) {
            Ok(client) => client,
            Err(e) => panic!("{e}"),
        };
        for _ in 0..2 {
            match collect_pgbouncer(&mut client).await {
                Err(SectionError::Failed(line)) => assert!(
                    line.starts_with(&format!(
                        "could not connect to PgBouncer stats@127.0.0.1:{port}/pgbouncer: "
                    )),
                    "{line}"
                ),
                other => panic!("expected a failed section, got {other:?}"),
            }
            assert!(!client.is_connected());
        }
        server.abort();
    }
}
