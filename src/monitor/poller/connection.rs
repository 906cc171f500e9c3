//! The monitoring connection as the poller sees it: reconnect on the backoff schedule,
//! probe after every new connection, and a snapshot that says why nothing was read.

use std::sync::Arc;
use std::time::{Instant, SystemTime};

use super::Poller;
use super::backoff::AttemptFailure;
use crate::monitor::host::HostSampler;
use crate::monitor::snapshot::{ReplicationSnapshot, SectionError, Snapshot};
use crate::pg::probe::Capabilities;

impl Poller {
    /// Connects when disconnected, at most once per backoff step; probes after every new
    /// connection (it may be a restarted or failed-over server, or the first one). The
    /// error is the line the status bar shows.
    pub(super) async fn connect_if_due(&mut self) -> Result<Arc<Capabilities>, String> {
        if !self.session.is_connected() {
            if self.backoff.remaining().is_some() {
                return Err(self.backoff.describe());
            }
            if let Err(error) = self.session.ensure_connected().await {
                self.backoff.failed(AttemptFailure::of(&error));
                tracing::warn!(
                    "connection attempt {} failed: {}; next in {}",
                    self.backoff.failures,
                    error,
                    crate::text::format::duration(self.backoff.remaining().unwrap_or_default())
                );
                return Err(self.backoff.describe());
            }
            if self.backoff.failures > 0 {
                tracing::info!(
                    "connected after {} failed attempt(s)",
                    self.backoff.failures
                );
            }
        }
        self.backoff.reset();
        let count = self.session.connect_count();
        if self.capabilities.is_none() || count != self.connects_seen {
            match Capabilities::probe(&mut self.session).await {
                Ok(fresh) => {
                    self.connects_seen = count;
                    if !self.host_detected {
                        self.host_detected = true;
                        self.host = HostSampler::detect(self.session.params(), fresh.backend_pid);
                    }
                    self.capabilities = Some(Arc::new(fresh));
                }
                // Without a first probe no collector knows which SQL to run.
                Err(e) if self.capabilities.is_none() => {
                    return Err(format!("capability probe failed: {e}"));
                }
                Err(e) => {
                    self.connects_seen = count;
                    tracing::warn!("re-probe failed: {e}");
                }
            }
        }
        self.capabilities
            .clone()
            .ok_or_else(|| "capability probe pending".to_string())
    }

    pub(super) fn failed_snapshot(&self, error: String, started: Instant) -> Snapshot {
        let failed = SectionError::Failed(error);
        Snapshot {
            sequence: self.sequence,
            taken_at: SystemTime::now(),
            poll_duration: started.elapsed(),
            own_transactions: self.session.transactions(),
            capabilities: self.capabilities.clone(),
            server: Err(failed.clone()),
            activity: Err(failed.clone()),
            databases: Err(failed.clone()),
            statements: Err(failed.clone()),
            replication: ReplicationSnapshot::failed(&failed),
            progress: Err(failed.clone()),
            horizon: Err(failed.clone()),
            locks: self.locks_on.then_some(Err(failed)),
            pgbouncer: None,
            host: None,
            slow: self.slow.clone(),
            reads: self.governor.plan(),
        }
    }
}
