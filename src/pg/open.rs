//! Opening the monitoring session the way the command line asks: resolve the target like
//! psql, prompt once for a password when the server wants one and stdin is a terminal,
//! connect, and probe what the server offers. Also how the live view starts when the
//! server is not there yet.
//!
//! The command line's flags arrive as [`ConnectOptions`], plain values: this layer knows
//! nothing of the argument parser.

use std::io::IsTerminal;
use std::ops::RangeInclusive;
use std::time::Duration;

use crate::pg::connect::{ConnectError, SessionSettings};
use crate::pg::conninfo::{self, ConnInfoError, ConnParams, Flags, Password, PasswordSource};
use crate::pg::probe::Capabilities;
use crate::pg::session::{MonitorSession, SessionError};
use crate::text::sanitize::sanitized;

/// Why the monitoring session could not be opened. The texts are what the command line
/// prints after `pgpulse: `.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The target could not be resolved (flags, environment, service file, passfile).
    #[error(transparent)]
    Target(#[from] ConnInfoError),
    #[error("could not read the password: {0}")]
    Prompt(std::io::Error),
    /// The connection attempt failed in a way waiting would not fix.
    #[error(transparent)]
    Session(#[from] SessionError),
    #[error("capability probe failed: {0}")]
    Probe(SessionError),
}

/// The monitoring session's `statement_timeout` (`--statement-timeout-ms`): 0 would
/// switch the server's timeout off, and a poll longer than a minute is no longer live.
pub const STATEMENT_TIMEOUT_MS_RANGE: RangeInclusive<u64> = 100..=60_000;

/// The monitoring session's `statement_timeout` when none is given, in milliseconds.
pub const DEFAULT_STATEMENT_TIMEOUT_MS: u64 = 2000;

/// How to reach the server and what the monitoring session is called: psql's connection
/// flags (`-h -p -U -d -w -W`) and pgpulse's session options, as plain values.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// `-h -p -U -d`.
    pub flags: Flags,
    /// `-w`: never prompt for a password.
    pub no_password: bool,
    /// `-W`: prompt for a password before connecting.
    pub force_password_prompt: bool,
    /// `--application-name` (default `pgpulse`).
    pub application_name: Option<String>,
    /// `--statement-timeout-ms`, within [`STATEMENT_TIMEOUT_MS_RANGE`].
    pub statement_timeout_ms: u64,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        Self {
            flags: Flags::default(),
            no_password: false,
            force_password_prompt: false,
            application_name: None,
            statement_timeout_ms: DEFAULT_STATEMENT_TIMEOUT_MS,
        }
    }
}

/// Resolves the target, connects the monitoring session (prompting once for a password
/// when the server asks and stdin is a terminal) and runs the capability probe.
pub async fn open_monitoring(
    conn: &ConnectOptions,
    conninfo: Option<String>,
) -> Result<(MonitorSession, Capabilities), OpenError> {
    let (mut session, connected) = connect_monitoring(conn, conninfo).await?;
    connected?;
    let caps = Capabilities::probe(&mut session)
        .await
        .map_err(OpenError::Probe)?;
    Ok((session, caps))
}

/// How the live view starts.
pub enum LiveStart {
    /// Connected and probed.
    Ready(MonitorSession, Capabilities),
    /// The server is down, starting up, shutting down or full: the live view opens and
    /// waits for it (this failure was attempt 1).
    Waiting(MonitorSession, SessionError),
}

/// Like [`open_monitoring`], but a server that is only not there *yet* (connection
/// refused, timeout, starting up, shutting down, too many clients) is waited for instead
/// of being an error. Authentication, TLS and configuration errors are still errors.
pub async fn open_monitoring_or_wait(
    conn: &ConnectOptions,
    conninfo: Option<String>,
) -> Result<LiveStart, OpenError> {
    let (mut session, connected) = connect_monitoring(conn, conninfo).await?;
    if let Err(error) = connected {
        let worth_waiting = matches!(&error, SessionError::Connect(c) if c.wait_reason().is_some());
        if !worth_waiting {
            return Err(error.into());
        }
        tracing::warn!("connection attempt 1 failed: {error}; waiting for the server");
        return Ok(LiveStart::Waiting(session, error));
    }
    let caps = Capabilities::probe(&mut session)
        .await
        .map_err(OpenError::Probe)?;
    Ok(LiveStart::Ready(session, caps))
}

/// Resolves the target and tries to connect the monitoring session once (prompting for
/// a password when the server asks and stdin is a terminal). Errors before any connection
/// attempt (the target, the prompt) are `Err`; the attempt's own outcome comes with the
/// session.
async fn connect_monitoring(
    conn: &ConnectOptions,
    conninfo: Option<String>,
) -> Result<(MonitorSession, Result<(), SessionError>), OpenError> {
    let params = resolve_params(conn, conninfo)?;
    let settings = monitoring_settings(conn);
    let deadline = MonitorSession::default_deadline(&settings);
    let mut params = params;
    if conn.force_password_prompt && params.password.is_none() {
        params = with_prompted_password(params)?;
    }
    let mut session = MonitorSession::new(params.clone(), settings.clone(), deadline);
    let outcome = match session.ensure_connected().await {
        Err(SessionError::Connect(ConnectError::PasswordNeeded { .. }))
            if !conn.no_password && std::io::stdin().is_terminal() =>
        {
            session = MonitorSession::new(with_prompted_password(params)?, settings, deadline);
            session.ensure_connected().await
        }
        other => other,
    };
    Ok((session, outcome))
}

/// The monitoring session's settings from the command line.
pub fn monitoring_settings(conn: &ConnectOptions) -> SessionSettings {
    let mut settings = SessionSettings::monitoring(conn.application_name.as_deref());
    // Parsed within range from the command line; clamped again for other callers, since
    // 0 would switch the server's timeout off.
    let range = STATEMENT_TIMEOUT_MS_RANGE;
    let ms = conn
        .statement_timeout_ms
        .clamp(*range.start(), *range.end());
    settings.statement_timeout = Duration::from_millis(ms);
    settings
}

/// The target as psql would resolve it; its warnings (a passfile readable by others...)
/// go to stderr and the log.
pub fn resolve_params(
    conn: &ConnectOptions,
    conninfo: Option<String>,
) -> Result<ConnParams, OpenError> {
    let params = conninfo::resolve_from_process(conn.flags.clone(), conninfo)?;
    for warning in &params.warnings {
        eprintln!("{}", sanitized(warning));
        tracing::warn!("{}", sanitized(warning));
    }
    Ok(params)
}

/// `params` with the password typed at a prompt on the terminal.
pub fn with_prompted_password(mut params: ConnParams) -> Result<ConnParams, OpenError> {
    let prompt = format!("Password for user {}: ", sanitized(&params.user));
    let secret = rpassword::prompt_password(prompt).map_err(OpenError::Prompt)?;
    params.password = Some(Password::new(secret));
    params.password_source = Some(PasswordSource::Prompt);
    Ok(params)
}
