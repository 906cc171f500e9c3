//! From one poll to the plain values the alert rules judge.

use std::time::Duration;

use super::incidents::IntervalEvents;
use super::kind::AlertKind;
use crate::analysis::metrics::{
    SnapshotMetrics, client_connections, connection_utilisation, dead_tuple_ratio,
    index_usage_ratio,
};
use crate::monitor::snapshot::host::HostSample;
use crate::monitor::snapshot::{
    BackendType, Section, SectionError, Session, SessionState, Snapshot,
};

/// One slot as the slot rule judges it.
#[derive(Debug, Clone, PartialEq)]
pub struct SlotInput {
    pub name: String,
    pub active: bool,
    pub retained_bytes: Option<i64>,
    pub wal_status: Option<String>,
    /// WAL that may still be written before `max_slot_wal_keep_size` removes the slot's
    /// (`None`: no limit, or lost).
    pub safe_wal_size: Option<i64>,
}

/// Checkpoints and archive failures over their windows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WindowInput {
    pub checkpoints_timed: i64,
    pub checkpoints_requested: i64,
    pub archive_failures: i64,
}

/// The values alerts are judged on, each `None` when unknown. Ratios are `0..=1`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AlertInputs {
    /// Why the monitoring connection is down (sanitized), when it is.
    pub connection_error: Option<String>,
    /// Overall statement p95 in milliseconds over the performance log's window.
    pub p95_ms: Option<f64>,
    /// The oldest active client query: its backend pid and how long it has run.
    pub oldest_active_query: Option<(i32, Duration)>,
    /// Sessions waiting for a lock: pid and how long, in any order.
    pub lock_waits: Vec<(i32, Duration)>,
    /// Sessions idle in an open transaction: pid and how long, in any order.
    pub idle_in_transaction: Vec<(i32, Duration)>,
    /// Deadlocks and temp files of this poll's interval, when it has one.
    pub interval_events: Option<IntervalEvents>,
    /// Server-wide cache hit ratio in the last interval.
    pub cache_hit_ratio: Option<f64>,
    /// Client connections / ordinary connection slots (can exceed 1).
    pub connection_utilisation: Option<f64>,
    /// Index scans / all scans of the user tables.
    pub index_usage: Option<f64>,
    /// Dead tuples / all tuples of the user tables.
    pub dead_tuple_ratio: Option<f64>,
    /// The local machine's CPU share (local servers only).
    pub host_cpu: Option<f64>,
    /// Used share of the data directory's file system (local servers only).
    pub data_disk_used: Option<f64>,
    /// Replay lag of each standby (by name; `this standby` on a standby).
    pub replication_lag: Vec<(String, std::time::Duration)>,
    /// Every replication slot.
    pub slots: Vec<SlotInput>,
    /// WAL bytes per second over the recent window (slots' headroom is judged by it).
    pub recent_wal_rate: Option<f64>,
    /// Checkpoints and archive failures over their windows, when freshly read.
    pub replication_window: Option<WindowInput>,
    /// Kinds whose source was not read in this poll: their alerts hold as they were.
    pub unread: Vec<AlertKind>,
}

/// The alert inputs of `snapshot`, with its interval `metrics` (from
/// [`crate::analysis::metrics::snapshot_metrics`]) and the local `host` sample when there is one.
///
/// Every value comes only from a section read successfully in this poll. A section that
/// failed this time (or, for interval values, a poll with no interval) leaves its kinds
/// in `unread`, and the engine holds their alerts; a source that is not there at all
/// (table absent) reads as no value. While the connection is down everything but the
/// failure itself and the host's own figures is unread: the slow tier's last results are
/// still in the snapshot, but they describe a server pgpulse can no longer see.
pub fn inputs_from(
    snapshot: &Snapshot,
    metrics: Option<&SnapshotMetrics>,
    host: Option<&HostSample>,
) -> AlertInputs {
    let mut unread = Vec::new();
    if host.is_none() {
        unread.extend([AlertKind::HostCpu, AlertKind::DataDisk]);
    }
    let host_inputs = AlertInputs {
        host_cpu: host.and_then(|h| h.cpu_ratio),
        data_disk_used: host
            .and_then(|h| h.data_disk.as_ref())
            .and_then(|d| d.used_ratio()),
        ..AlertInputs::default()
    };
    if let Some(error) = connection_error(snapshot) {
        unread.extend(AlertKind::ALL.into_iter().filter(|k| {
            !matches!(
                k,
                AlertKind::ConnectionFailure | AlertKind::HostCpu | AlertKind::DataDisk
            )
        }));
        return AlertInputs {
            connection_error: Some(error),
            unread,
            ..host_inputs
        };
    }
    let slow = snapshot.slow.as_deref();
    let mut read = |kinds: &[AlertKind], failed: bool| {
        if failed {
            unread.extend_from_slice(kinds);
        }
    };
    let performance = slow.map(|s| &s.performance_log);
    read(&[AlertKind::StatementP95], failed(performance));
    let totals = slow.map(|s| &s.table_totals);
    read(
        &[AlertKind::IndexUsage, AlertKind::DeadTuples],
        failed(totals),
    );
    let sessions = snapshot.activity.as_ref().ok();
    read(
        &[
            AlertKind::LongRunningQuery,
            AlertKind::LockWait,
            AlertKind::IdleInTransaction,
        ],
        sessions.is_none(),
    );
    read(
        &[AlertKind::ConnectionUtilisation],
        sessions.is_none() || snapshot.server.is_err(),
    );
    let interval = metrics.and_then(|m| m.server.ready());
    read(&[AlertKind::CacheHitRatio], interval.is_none());
    let performance = performance.and_then(|p| p.as_ref().ok());
    let totals = totals.and_then(|t| t.as_ref().ok());
    let own_pid = snapshot.capabilities.as_ref().map(|c| c.backend_pid);
    let sessions = sessions.map_or(&[][..], Vec::as_slice);
    AlertInputs {
        p95_ms: performance
            .and_then(|log| log.overall.as_ref())
            .filter(|all| all.count > 0)
            .map(|all| all.p95_ms),
        oldest_active_query: oldest_active_query(sessions, own_pid),
        lock_waits: sessions
            .iter()
            .filter(|s| !is_parallel_worker(s))
            .filter_map(|s| Some((s.pid, s.lock_wait_age?)))
            .collect(),
        idle_in_transaction: sessions
            .iter()
            .filter(|s| {
                s.state
                    .as_ref()
                    .is_some_and(SessionState::is_idle_in_transaction)
            })
            .filter_map(|s| Some((s.pid, s.state_age?)))
            .collect(),
        interval_events: interval.map(IntervalEvents::of),
        cache_hit_ratio: interval.and_then(|rates| rates.cache_hit_ratio),
        connection_utilisation: match (&snapshot.activity, &snapshot.server) {
            (Ok(sessions), Ok(server)) => {
                Some(connection_utilisation(client_connections(sessions), server))
            }
            _ => None,
        },
        index_usage: totals.and_then(index_usage_ratio),
        dead_tuple_ratio: totals.and_then(dead_tuple_ratio),
        unread,
        ..host_inputs
    }
}

/// A slow-tier section that was not read: the tier has not run yet, or its query failed
/// this time. A source that is not there (`Unavailable`) was read and found absent.
fn failed<T>(section: Option<&Section<T>>) -> bool {
    matches!(section, None | Some(Err(SectionError::Failed(_))))
}

/// A parallel worker waits along with its leader: one wait, counted once.
fn is_parallel_worker(session: &Session) -> bool {
    session
        .leader_pid
        .is_some_and(|leader| leader != session.pid)
}

/// The poller marks a lost connection by failing every fast-tier section with the same
/// error; one failing query (a timeout on a sick server) fails only its own section.
fn connection_error(snapshot: &Snapshot) -> Option<String> {
    let failed = |section: Result<(), &SectionError>| match section {
        Err(SectionError::Failed(line)) => Some(line.clone()),
        _ => None,
    };
    let server = failed(snapshot.server.as_ref().map(|_| ()))?;
    let activity = failed(snapshot.activity.as_ref().map(|_| ()))?;
    let databases = failed(snapshot.databases.as_ref().map(|_| ()))?;
    (server == activity && server == databases).then_some(server)
}

/// The client query running longest, other than pgpulse's own poll. Walsenders and
/// background workers are "active" for hours by design; they are not slow queries.
fn oldest_active_query(sessions: &[Session], own_pid: Option<i32>) -> Option<(i32, Duration)> {
    sessions
        .iter()
        .filter(|s| s.backend_type == BackendType::ClientBackend)
        .filter(|s| s.state == Some(SessionState::Active))
        .filter(|s| Some(s.pid) != own_pid)
        .filter_map(|s| Some((s.pid, s.query_age?)))
        .max_by_key(|&(_, age)| age)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::analysis::metrics::snapshot_metrics;
    use crate::monitor::snapshot::host::DiskUsage;
    use crate::monitor::snapshot::test_support::*;
    use crate::monitor::snapshot::{PerformanceLog, QueryLatency, SlowTier, TableTotals};
    use std::collections::HashMap;
    use std::path::PathBuf;
    use std::sync::Arc;

    pub(crate) fn active(pid: i32, secs: u64) -> Session {
        Session {
            state: Some(SessionState::Active),
            query_age: Some(Duration::from_secs(secs)),
            ..session(pid)
        }
    }

    pub(crate) fn latency(count: i64, p95_ms: f64) -> QueryLatency {
        QueryLatency {
            query_hash: None,
            count,
            mean_ms: p95_ms / 2.0,
            p50_ms: p95_ms / 2.0,
            p95_ms,
            p99_ms: p95_ms,
            max_ms: p95_ms,
            slow_count: 0,
            rows_examined: 0,
            rows_returned: 0,
        }
    }

    pub(crate) fn with_slow(
        mut snapshot: Snapshot,
        overall: QueryLatency,
        totals: TableTotals,
    ) -> Snapshot {
        snapshot.slow = Some(Arc::new(SlowTier {
            performance_log: Ok(PerformanceLog {
                window: Duration::from_secs(900),
                slow_threshold: Duration::from_secs(5),
                queries: Vec::new(),
                overall: Some(overall),
                folded_hashes: 0,
            }),
            table_totals: Ok(totals),
            ..SlowTier::not_polled(at(0))
        }));
        snapshot
    }

    pub(crate) fn host(cpu: Option<f64>, total: u64, available: u64) -> HostSample {
        HostSample {
            cpu_ratio: cpu,
            load: None,
            memory_used: 0,
            memory_total: 0,
            swap_used: 0,
            swap_total: 0,
            data_disk: Some(DiskUsage {
                mount_point: PathBuf::from("/"),
                total,
                available,
            }),
            backends: HashMap::new(),
        }
    }

    pub(crate) fn lost(mut snapshot: Snapshot, error: &str) -> Snapshot {
        let failed = SectionError::Failed(error.into());
        snapshot.server = Err(failed.clone());
        snapshot.activity = Err(failed.clone());
        snapshot.databases = Err(failed.clone());
        snapshot.statements = Err(failed);
        snapshot
    }

    #[test]
    fn a_healthy_poll_fills_every_input_it_has() {
        let sessions = vec![
            active(10, 3),
            active(11, 40),
            // pgpulse's own poll, a walsender and an idle session never count.
            active(4242, 900),
            active(12, 7_200).backend_type("walsender"),
            session(13),
            Session {
                state: Some(SessionState::IdleInTransactionAborted),
                state_age: Some(Duration::from_secs(90)),
                ..session(14)
            },
            Session {
                lock_wait_age: Some(Duration::from_secs(20)),
                ..active(15, 25)
            },
            // Its parallel worker waits with it: one wait.
            Session {
                leader_pid: Some(15),
                lock_wait_age: Some(Duration::from_secs(20)),
                ..active(16, 25).backend_type("parallel worker")
            },
        ];
        let mut cur = with_slow(
            snapshot_at(1)
                .with_database(
                    db(1)
                        .blocks(90, 10)
                        .deadlocks(3)
                        .temp_files(2)
                        .temp_bytes(8192),
                )
                .with_sessions(sessions),
            latency(10, 120.0),
            tables(10, 90, 800, 200),
        );
        let mut caps = crate::pg::probe::sample_capabilities();
        caps.backend_pid = 4242;
        cur.capabilities = Some(Arc::new(caps));
        let prev = snapshot_at(0).with_database(db(1).deadlocks(1));
        let metrics = snapshot_metrics(Some(&prev), &cur, 1);
        let inputs = inputs_from(&cur, Some(&metrics), Some(&host(Some(0.5), 100, 25)));
        let want = AlertInputs {
            connection_error: None,
            p95_ms: Some(120.0),
            oldest_active_query: Some((11, Duration::from_secs(40))),
            lock_waits: vec![(15, Duration::from_secs(20))],
            idle_in_transaction: vec![(14, Duration::from_secs(90))],
            interval_events: Some(IntervalEvents {
                length: Duration::from_secs(1),
                deadlocks: 2,
                temp_files: 2,
                temp_bytes: 8192,
            }),
            cache_hit_ratio: Some(0.9),
            // 6 client backends of 97 ordinary slots.
            connection_utilisation: Some(6.0 / 97.0),
            index_usage: Some(0.9),
            dead_tuple_ratio: Some(0.2),
            host_cpu: Some(0.5),
            data_disk_used: Some(0.75),
            ..AlertInputs::default()
        };
        assert_eq!(inputs, want);
    }

    #[test]
    fn sources_not_read_this_time_leave_their_kinds_unread() {
        use AlertKind::*;
        let cur = with_slow(
            snapshot_at(1).without_activity(),
            latency(0, 500.0),
            tables(0, 0, 0, 0),
        );
        let inputs = inputs_from(&cur, None, None);
        let want = AlertInputs {
            unread: vec![
                HostCpu,
                DataDisk,
                LongRunningQuery,
                LockWait,
                IdleInTransaction,
                ConnectionUtilisation,
                CacheHitRatio,
            ],
            ..AlertInputs::default()
        };
        assert_eq!(inputs, want);
        // A first poll has no interval: no cache ratio, deadlocks or temp files yet.
        let first = snapshot_at(0).with_database(db(1).blocks(99, 1));
        let metrics = snapshot_metrics(None, &first, 1);
        let inputs = inputs_from(&first, Some(&metrics), None);
        assert_eq!(
            (inputs.cache_hit_ratio, inputs.interval_events),
            (None, None)
        );
        assert!(inputs.unread.contains(&CacheHitRatio));
        // The slow tier not run yet, or its query failed: unread. A table that is not
        // there was read and found absent: nothing to hold.
        let unread = inputs_from(&snapshot_at(1), None, None).unread;
        assert!(unread.contains(&StatementP95) && unread.contains(&DeadTuples));
        let absent = with_slow(snapshot_at(1), latency(0, 0.0), tables(0, 0, 0, 0));
        let mut slow = absent
            .slow
            .as_deref()
            .cloned()
            .unwrap_or_else(|| SlowTier::not_polled(at(0)));
        slow.performance_log = Err(SectionError::Unavailable {
            reason: "no query_performance_log".into(),
            fix: None,
        });
        let absent = Snapshot {
            slow: Some(Arc::new(slow)),
            ..absent
        };
        let unread = inputs_from(&absent, None, None).unread;
        assert!(!unread.contains(&StatementP95), "{unread:?}");
    }

    #[test]
    fn a_lost_connection_leaves_server_values_unread_but_keeps_the_host() {
        let stale = with_slow(snapshot_at(1), latency(10, 999.0), tables(99, 1, 1, 99));
        let inputs = inputs_from(
            &lost(stale, "connection refused"),
            None,
            Some(&host(Some(0.9), 10, 0)),
        );
        let server_kinds = AlertKind::ALL
            .into_iter()
            .filter(|k| {
                !matches!(
                    k,
                    AlertKind::ConnectionFailure | AlertKind::HostCpu | AlertKind::DataDisk
                )
            })
            .collect();
        let want = AlertInputs {
            connection_error: Some("connection refused".into()),
            host_cpu: Some(0.9),
            data_disk_used: Some(1.0),
            unread: server_kinds,
            ..AlertInputs::default()
        };
        assert_eq!(inputs, want);
    }

    #[test]
    fn one_failing_query_is_not_a_connection_failure() {
        let mut cur = snapshot_at(1);
        cur.server = Err(SectionError::Failed(
            "canceling statement due to statement timeout".into(),
        ));
        assert_eq!(inputs_from(&cur, None, None).connection_error, None);
    }
}
