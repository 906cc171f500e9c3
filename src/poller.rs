//! The poller task: owns the monitoring session, polls on a fixed interval, and hands the
//! UI an owned [`Snapshot`] over a `watch` channel (newest wins, nothing queues).

use std::time::{Duration, SystemTime};

use tokio::sync::{mpsc, watch};
use tokio::time::MissedTickBehavior;

use crate::probe::Capabilities;
use crate::session::MonitorSession;

const CONNECTION_COUNTS_SQL: &str = include_str!("../queries/connection_counts.sql");

/// Client connections by state, against the server's limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionCounts {
    pub total: i32,
    pub active: i32,
    pub idle: i32,
    pub idle_in_transaction: i32,
    pub waiting_on_lock: i32,
    pub unknown: i32,
    pub max_connections: i32,
    pub superuser_reserved: i32,
}

impl ConnectionCounts {
    /// Connections ordinary roles can open: `max_connections - superuser_reserved_connections`.
    pub fn available(&self) -> i32 {
        (self.max_connections - self.superuser_reserved).max(1)
    }
}

/// One poll's result. Each section is its own `Result` so one failing source degrades one
/// panel only.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// Increases with every poll attempt.
    pub sequence: u64,
    pub taken_at: SystemTime,
    pub capabilities: Option<Capabilities>,
    pub connections: Result<ConnectionCounts, String>,
}

/// Requests from the UI to the poller.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PollerCommand {
    PollNow,
    SetInterval(Duration),
}

/// Starts the poller on the current runtime. The first snapshot carries the capabilities
/// already probed by the caller.
pub fn spawn(
    mut session: MonitorSession,
    capabilities: Capabilities,
    interval: Duration,
) -> (
    watch::Receiver<Option<Snapshot>>,
    mpsc::UnboundedSender<PollerCommand>,
) {
    let (snapshots, receiver) = watch::channel(None);
    let (commands, mut command_rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut capabilities = Some(capabilities);
        let mut connects_seen = session.connect_count();
        let mut ticker = new_ticker(interval);
        let mut sequence = 0;
        loop {
            tokio::select! {
                _ = ticker.tick() => {}
                command = command_rx.recv() => match command {
                    None => break,
                    Some(PollerCommand::PollNow) => {}
                    Some(PollerCommand::SetInterval(every)) => { ticker = new_ticker(every); continue; }
                },
            }
            sequence += 1;
            let connections = poll_connections(&mut session).await;
            // A new connection may be a restarted or failed-over server: probe again.
            if session.connect_count() != connects_seen && session.is_connected() {
                connects_seen = session.connect_count();
                match Capabilities::probe(&mut session).await {
                    Ok(fresh) => capabilities = Some(fresh),
                    Err(e) => tracing::warn!("re-probe failed: {e}"),
                }
            }
            let snapshot = Snapshot {
                sequence,
                taken_at: SystemTime::now(),
                capabilities: capabilities.clone(),
                connections,
            };
            if snapshots.send(Some(snapshot)).is_err() {
                break;
            }
        }
    });
    (receiver, commands)
}

/// Missed ticks are skipped, not queued: a slow poll must not be followed by a burst.
fn new_ticker(every: Duration) -> tokio::time::Interval {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Skip);
    ticker
}

/// Reads the connection counts; one line of text on failure.
pub async fn poll_connections(session: &mut MonitorSession) -> Result<ConnectionCounts, String> {
    let rows = session
        .query(CONNECTION_COUNTS_SQL, &[])
        .await
        .map_err(|e| e.to_string())?;
    let row = rows.first().ok_or("no row from pg_stat_activity")?;
    let get = |name: &str| row.try_get::<_, i32>(name).map_err(|e| e.to_string());
    Ok(ConnectionCounts {
        total: get("total")?,
        active: get("active")?,
        idle: get("idle")?,
        idle_in_transaction: get("idle_in_transaction")?,
        waiting_on_lock: get("waiting_on_lock")?,
        unknown: get("unknown")?,
        max_connections: get("max_connections")?,
        superuser_reserved: get("superuser_reserved")?,
    })
}
