//! What a failed connection attempt means for the DBA: a server that is down, starting,
//! stopping or full is worth waiting for (the live view opens and retries); a connection
//! pooler where PostgreSQL was expected, a wrong password, a TLS or configuration error
//! is not (pgpulse says so in one line and stops).

use std::io::ErrorKind;
use std::time::Duration;

use tokio_postgres::error::SqlState;

use crate::text::sanitize::sanitized;

/// Why one connection attempt failed. Lines are sanitized and carry no password.
#[derive(Debug, thiserror::Error)]
pub(super) enum AttemptError {
    /// The server answered with an error; `wait` is set when it is a passing state.
    #[error("{line}")]
    Server { line: String, wait: Option<String> },
    /// No answer from a server: refused, no socket, unreachable, reset; `wait` as above.
    #[error("{line}")]
    Network { line: String, wait: Option<String> },
    #[error("timeout expired after {0:?}")]
    Timeout(Duration),
    #[error("password missing")]
    PasswordMissing,
    /// A connection pooler refused the startup options: what it said.
    #[error("{0}")]
    Pooler(String),
    /// The session settings sent at startup did not take effect: which and how.
    #[error("{0}")]
    SettingsIgnored(String),
}

impl AttemptError {
    /// The short reason a "waiting for server" line shows, when waiting makes sense.
    pub(super) fn wait_reason(&self) -> Option<String> {
        match self {
            AttemptError::Server { wait, .. } | AttemptError::Network { wait, .. } => wait.clone(),
            AttemptError::Timeout(limit) => Some(format!(
                "no answer within {}",
                crate::text::format::duration(*limit)
            )),
            _ => None,
        }
    }
}

/// Sorts a driver error from the handshake into an [`AttemptError`].
pub(super) fn classify(error: &tokio_postgres::Error) -> AttemptError {
    if let Some(db) = error.as_db_error() {
        let message = sanitized(db.message());
        // PgBouncer (up to 1.20 at least) answers the `options` startup parameter that
        // carries pgpulse's session settings with exactly this FATAL error.
        if message.starts_with("unsupported startup parameter") {
            return AttemptError::Pooler(message);
        }
        let mut line = format!("{}: {}", db.severity(), db.message());
        if let Some(hint) = db.hint() {
            line.push_str(" (hint: ");
            line.push_str(hint);
            line.push(')');
        }
        // 57P03 cannot_connect_now: starting up, shutting down, not yet accepting
        // connections, in recovery; 53300 too_many_connections: every slot taken (or
        // only reserved ones left). Both pass without anyone changing pgpulse's settings.
        let passing = [SqlState::CANNOT_CONNECT_NOW, SqlState::TOO_MANY_CONNECTIONS];
        let wait = passing.contains(db.code()).then(|| message.clone());
        return AttemptError::Server {
            line: sanitized(&line),
            wait,
        };
    }
    let text = error_chain(error);
    if text.contains("password missing") {
        return AttemptError::PasswordMissing;
    }
    AttemptError::Network {
        line: sanitized(&text),
        wait: io_kind(error).and_then(wait_for_io),
    }
}

/// The error and its causes on one line: tokio-postgres puts the useful part ("Connection
/// refused", "failed to lookup address") in the source, not in `Display`.
pub(crate) fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut line = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        let text = inner.to_string();
        if !line.contains(&text) {
            line.push_str(": ");
            line.push_str(&text);
        }
        cause = inner.source();
    }
    line
}

/// The kind of the first I/O error in the chain, if there is one.
fn io_kind(error: &(dyn std::error::Error + 'static)) -> Option<ErrorKind> {
    let mut cause = Some(error);
    while let Some(inner) = cause {
        if let Some(io) = inner.downcast_ref::<std::io::Error>() {
            return Some(io.kind());
        }
        cause = inner.source();
    }
    None
}

/// Network failures that mean "the server is not there right now" (stopped, restarting,
/// failing over, a network blip), as opposed to a host name that does not resolve.
fn wait_for_io(kind: ErrorKind) -> Option<String> {
    let reason = match kind {
        ErrorKind::ConnectionRefused => "connection refused",
        // A Unix socket file disappears while its server is stopped.
        ErrorKind::NotFound => "no server socket",
        ErrorKind::TimedOut => "connect timeout",
        ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted | ErrorKind::UnexpectedEof => {
            "connection closed during start-up"
        }
        ErrorKind::HostUnreachable | ErrorKind::NetworkUnreachable => "host unreachable",
        _ => return None,
    };
    Some(reason.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stopped_or_unreachable_server_is_worth_waiting_for() {
        let cases = [
            (ErrorKind::ConnectionRefused, Some("connection refused")),
            (ErrorKind::NotFound, Some("no server socket")),
            (ErrorKind::TimedOut, Some("connect timeout")),
            (
                ErrorKind::ConnectionReset,
                Some("connection closed during start-up"),
            ),
            (ErrorKind::HostUnreachable, Some("host unreachable")),
            (ErrorKind::PermissionDenied, None),
            (ErrorKind::InvalidData, None),
        ];
        for (kind, expected) in cases {
            assert_eq!(wait_for_io(kind).as_deref(), expected, "{kind:?}");
        }
    }

    #[test]
    fn the_io_kind_is_found_below_the_driver_error() {
        #[derive(Debug, thiserror::Error)]
        #[error("error connecting to server")]
        struct Outer(#[source] std::io::Error);
        let error = Outer(std::io::Error::from(ErrorKind::ConnectionRefused));
        assert_eq!(io_kind(&error), Some(ErrorKind::ConnectionRefused));
    }

    #[test]
    fn a_connect_timeout_is_waited_out_and_says_how_long() {
        let timeout = AttemptError::Timeout(Duration::from_secs(6));
        assert_eq!(
            timeout.wait_reason().as_deref(),
            Some("no answer within 6s")
        );
        assert_eq!(AttemptError::PasswordMissing.wait_reason(), None);
        assert_eq!(AttemptError::Pooler("x".into()).wait_reason(), None);
    }
}
