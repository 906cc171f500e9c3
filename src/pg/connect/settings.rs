//! The settings every pgpulse session carries, sent in the startup packet (and checked
//! right after the handshake, in `verify`).

use std::time::Duration;

/// Settings every pgpulse session carries, sent in the startup packet.
#[derive(Debug, Clone)]
pub struct SessionSettings {
    pub application_name: String,
    pub statement_timeout: Duration,
    pub lock_timeout: Duration,
    pub idle_in_transaction_session_timeout: Duration,
    /// `default_transaction_read_only`: on for the monitoring session.
    pub read_only: bool,
}

impl SessionSettings {
    /// The monitoring session: read-only, short statement and lock timeouts, so a poll
    /// can never queue behind a lock or hold one.
    pub fn monitoring(application_name: Option<&str>) -> Self {
        Self {
            application_name: application_name.unwrap_or("pgpulse").to_string(),
            statement_timeout: Duration::from_secs(2),
            lock_timeout: Duration::from_millis(500),
            idle_in_transaction_session_timeout: Duration::from_secs(10),
            read_only: true,
        }
    }

    /// A session that runs actions (snapshot, maintenance): writable, with the caller's
    /// statement and lock timeouts; an idle transaction is still ended after 10 s so a
    /// stuck client cannot hold locks.
    pub fn actions(
        application_name: &str,
        statement_timeout: Duration,
        lock_timeout: Duration,
    ) -> Self {
        Self {
            application_name: application_name.to_string(),
            statement_timeout,
            lock_timeout,
            idle_in_transaction_session_timeout: Duration::from_secs(10),
            read_only: false,
        }
    }

    /// `-c name=value` startup options for these settings.
    pub(super) fn startup_options(&self) -> String {
        format!(
            "-c statement_timeout={} -c lock_timeout={} -c idle_in_transaction_session_timeout={} -c default_transaction_read_only={}",
            self.statement_timeout.as_millis(),
            self.lock_timeout.as_millis(),
            self.idle_in_transaction_session_timeout.as_millis(),
            if self.read_only { "on" } else { "off" },
        )
    }
}
