//! Opening a connection from resolved [`ConnParams`], libpq's way.
//!
//! Runs the sslmode's attempts in order (`allow` falls back to TLS when the server rejects
//! a plain connection), applies the session settings as startup options and checks that
//! they took effect (a pooler may drop them), bounds the whole handshake by
//! `connect_timeout`, and reports failures as one line that never contains the password,
//! telling a server worth waiting for (down, starting, full) from one that is not.

mod failure;
mod settings;
mod verify;

use std::time::Duration;

use futures_util::stream::poll_fn;
use tokio::task::JoinHandle;
use tokio_postgres::tls::{MakeTlsConnect, TlsConnect};
use tokio_postgres::{AsyncMessage, CancelToken, Client, Config, NoTls, Socket};
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::pg::conninfo::{ConnParams, Host};
use crate::pg::tls::{self, Attempt};
use crate::text::sanitize::sanitized;
pub(crate) use failure::error_chain;
use failure::{AttemptError, classify};
pub use settings::SessionSettings;

/// How a server message that arrives outside a query result is handled.
pub type NoticeSink = tokio::sync::mpsc::UnboundedSender<Notice>;

/// A NOTICE/WARNING from the server, already sanitized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub severity: String,
    pub message: String,
}

/// An open connection and what is needed to cancel its queries.
pub struct Connected {
    pub client: Client,
    cancel: CancelToken,
    tls: Option<MakeRustlsConnect>,
    task: JoinHandle<()>,
}

impl Connected {
    /// Asks the server to cancel whatever this connection is running. Bounded: a server
    /// that does not answer the cancel request within 2 s is left alone.
    pub async fn cancel_running_query(&self) {
        self.canceller().cancel().await;
    }

    /// A handle that can cancel this connection's running query from another task while
    /// the query is still being awaited.
    pub fn canceller(&self) -> Canceller {
        Canceller {
            token: self.cancel.clone(),
            tls: self.tls.clone(),
        }
    }
}

/// Sends a cancel request for one connection's running query.
#[derive(Clone)]
pub struct Canceller {
    token: CancelToken,
    tls: Option<MakeRustlsConnect>,
}

impl Canceller {
    /// Bounded: a server that does not answer the cancel request within 2 s is left alone.
    pub async fn cancel(&self) {
        let limit = Duration::from_secs(2);
        let cancelled = match &self.tls {
            Some(tls) => tokio::time::timeout(limit, self.token.cancel_query(tls.clone())).await,
            None => tokio::time::timeout(limit, self.token.cancel_query(NoTls)).await,
        };
        match cancelled {
            Ok(Ok(())) => tracing::debug!("cancel request sent"),
            Ok(Err(e)) => tracing::warn!("cancel request failed: {}", sanitized(&e.to_string())),
            Err(_) => tracing::warn!("cancel request timed out"),
        }
    }
}

impl Drop for Connected {
    fn drop(&mut self) {
        // A frozen backend or a dead peer would keep the connection task waiting forever.
        self.task.abort();
    }
}

/// What to tell a DBA who pointed pgpulse at a connection pooler.
const POOLER_ADVICE: &str = "connect pgpulse to PostgreSQL directly and put the pooler under \
     [pgbouncer] in the config file (its pools show on the Pool screen)";

/// Why a connection could not be opened. `Display` is one line without the password.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("could not connect to {target}: {reason}")]
    Failed { target: String, reason: String },
    /// The server is down, starting up, shutting down or full: trying again later makes
    /// sense. `wait_reason` is the short form for "waiting for server: ...".
    #[error("could not connect to {target}: {reason}")]
    ServerUnavailable {
        target: String,
        reason: String,
        wait_reason: String,
    },
    /// A connection pooler answered where PostgreSQL was expected.
    #[error(
        "could not connect to {target}: this is a connection pooler, not PostgreSQL (it said \
         \"{said}\"): {POOLER_ADVICE}"
    )]
    Pooler { target: String, said: String },
    /// The connection works but pgpulse's session settings are not in force.
    #[error(
        "could not connect to {target}: {detail}, as happens through a connection pooler that \
         drops startup options: {POOLER_ADVICE}"
    )]
    SettingsIgnored { target: String, detail: String },
    /// The server asked for a password and none was known (the caller may prompt).
    #[error(
        "could not connect to {target}: the server requested a password and none was supplied (use ~/.pgpass or PGPASSFILE)"
    )]
    PasswordNeeded { target: String },
    #[error("could not connect to {target}: {source}")]
    Tls {
        target: String,
        source: tls::TlsError,
    },
}

impl ConnectError {
    /// The short reason to show while waiting for the server, when waiting makes sense
    /// (connection refused, timeout, starting up, shutting down, too many clients); `None`
    /// for errors only a change of settings fixes (password, TLS, pooler, unknown host).
    pub fn wait_reason(&self) -> Option<&str> {
        match self {
            ConnectError::ServerUnavailable { wait_reason, .. } => Some(wait_reason),
            _ => None,
        }
    }
}

/// Opens a connection, trying the sslmode's attempts in order.
pub async fn connect(
    params: &ConnParams,
    settings: &SessionSettings,
    notices: Option<NoticeSink>,
) -> Result<Connected, ConnectError> {
    let target = params.display_target();
    let attempts = tls::attempts(params).map_err(|source| ConnectError::Tls {
        target: target.clone(),
        source,
    })?;
    let mut last_error = None;
    for (index, attempt) in attempts.iter().enumerate() {
        let is_last = index + 1 == attempts.len();
        match connect_once(params, settings, attempt, notices.clone()).await {
            Ok(connected) => return Ok(connected),
            Err(error) => {
                // `allow` retries with TLS only when the server said no to the plain
                // connection; a network failure would fail the same way again.
                let server_rejected = matches!(error, AttemptError::Server { .. });
                last_error = Some(error);
                if is_last || !server_rejected {
                    break;
                }
            }
        }
    }
    Err(match last_error {
        Some(AttemptError::PasswordMissing) => ConnectError::PasswordNeeded { target },
        Some(AttemptError::Pooler(said)) => ConnectError::Pooler { target, said },
        Some(AttemptError::SettingsIgnored(detail)) => {
            ConnectError::SettingsIgnored { target, detail }
        }
        Some(error) => {
            let reason = redact(&error.to_string(), params);
            match error.wait_reason() {
                Some(wait) => ConnectError::ServerUnavailable {
                    target,
                    reason,
                    wait_reason: redact(&wait, params),
                },
                None => ConnectError::Failed { target, reason },
            }
        }
        None => ConnectError::Failed {
            target,
            reason: "no connection attempt was possible".into(),
        },
    })
}

async fn connect_once(
    params: &ConnParams,
    settings: &SessionSettings,
    attempt: &Attempt,
    notices: Option<NoticeSink>,
) -> Result<Connected, AttemptError> {
    let config = driver_config(params, settings, attempt);
    // connect_timeout bounds each TCP connect inside tokio-postgres; this bounds the whole
    // handshake, so a server that accepts but never answers cannot hang us either.
    let limit = params.connect_timeout + Duration::from_secs(1);
    let opened = match &attempt.tls {
        Some(tls_config) => {
            let tls = MakeRustlsConnect::new((**tls_config).clone());
            let keep = Some(tls.clone());
            tokio::time::timeout(limit, open_verified(&config, tls, keep, notices, settings)).await
        }
        None => {
            let opening = open_verified(&config, NoTls, None, notices, settings);
            tokio::time::timeout(limit, opening).await
        }
    };
    opened.unwrap_or(Err(AttemptError::Timeout(limit)))
}

/// Opens the connection and checks that the session settings took effect.
async fn open_verified<T>(
    config: &Config,
    tls: T,
    keep_tls: Option<MakeRustlsConnect>,
    notices: Option<NoticeSink>,
    settings: &SessionSettings,
) -> Result<Connected, AttemptError>
where
    T: MakeTlsConnect<Socket> + Send + 'static,
    T::Stream: Send + 'static,
    T::TlsConnect: Send,
    <T::TlsConnect as TlsConnect<Socket>>::Future: Send,
{
    let (client, cancel, task) = open(config, tls, notices).await.map_err(|e| classify(&e))?;
    // Built first, so a failed check still ends the connection task (Drop).
    let connected = Connected {
        client,
        cancel,
        tls: keep_tls,
        task,
    };
    verify::verify(&connected.client, settings).await?;
    Ok(connected)
}

async fn open<T>(
    config: &Config,
    tls: T,
    notices: Option<NoticeSink>,
) -> Result<(Client, CancelToken, JoinHandle<()>), tokio_postgres::Error>
where
    T: MakeTlsConnect<Socket> + Send + 'static,
    T::Stream: Send + 'static,
    T::TlsConnect: Send,
    <T::TlsConnect as TlsConnect<Socket>>::Future: Send,
{
    let (client, mut connection) = config.connect(tls).await?;
    let cancel = client.cancel_token();
    let task = tokio::spawn(async move {
        // Read the message stream ourselves: tokio-postgres drops notices unless asked,
        // and a non-owner's VACUUM reports its failure only as a WARNING.
        let mut messages = poll_fn(move |cx| connection.poll_message(cx));
        while let Some(message) = futures_util::StreamExt::next(&mut messages).await {
            match message {
                Ok(AsyncMessage::Notice(db)) => {
                    let notice = Notice {
                        severity: sanitized(db.severity()),
                        message: sanitized(db.message()),
                    };
                    tracing::debug!("server {}: {}", notice.severity, notice.message);
                    if let Some(sink) = &notices {
                        let _ = sink.send(notice);
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::info!("connection closed: {}", sanitized(&e.to_string()));
                    break;
                }
            }
        }
    });
    Ok((client, cancel, task))
}

fn driver_config(params: &ConnParams, settings: &SessionSettings, attempt: &Attempt) -> Config {
    let mut config = Config::new();
    match &params.host {
        Host::Tcp(name) => {
            config.host(name);
        }
        Host::Socket(dir) => {
            config.host_path(dir);
        }
    }
    if let Some(address) = params.hostaddr.as_deref().and_then(|a| a.parse().ok()) {
        config.hostaddr(address);
    }
    config
        .port(params.port)
        .user(&params.user)
        .dbname(&params.dbname)
        .application_name(
            params
                .application_name
                .as_deref()
                .unwrap_or(&settings.application_name),
        )
        .ssl_mode(attempt.wire_mode)
        .connect_timeout(params.connect_timeout)
        .keepalives(params.keepalives)
        // Half-open TCP: give up on unacknowledged data after 10 s instead of minutes.
        .tcp_user_timeout(Duration::from_secs(10));
    if let Some(idle) = params.keepalives_idle {
        config.keepalives_idle(idle);
    }
    if let Some(password) = &params.password {
        config.password(password.expose());
    }
    // The user's options (PGOPTIONS, `options=`) first, pgpulse's after them: for a
    // repeated `-c`, the last one wins, and the safety settings must win (they are
    // checked after connecting; --statement-timeout-ms changes the statement timeout).
    let options = match &params.options {
        Some(extra) => format!("{extra} {}", settings.startup_options()),
        None => settings.startup_options(),
    };
    config.options(&options);
    config
}

/// Defence in depth: no driver message should carry the password, but if one ever did,
/// it would not reach the screen or the log.
fn redact(message: &str, params: &ConnParams) -> String {
    match &params.password {
        Some(p) if p.expose().len() >= 4 => message.replace(p.expose(), "***"),
        _ => message.to_string(),
    }
}
