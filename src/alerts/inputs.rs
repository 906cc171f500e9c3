//! From one poll to the plain values the alert rules judge.

use std::time::Duration;

use super::AlertInputs;
use crate::metrics::{
    SnapshotMetrics, client_connections, connection_utilisation, dead_tuple_ratio,
    index_usage_ratio,
};
use crate::snapshot::host::HostSample;
use crate::snapshot::{SectionError, Session, Snapshot};

/// The alert inputs of `snapshot`, with its interval `metrics` (from
/// [`crate::metrics::snapshot_metrics`]) and the local `host` sample when there is one.
///
/// Every value comes only from a section that was read successfully; anything else stays
/// `None`. While the connection is down, only the failure and the host's own figures are
/// judged: the slow tier's last results are still in the snapshot, but they describe a
/// server pgpulse can no longer see. `replication_lag` is left for the caller (no
/// collector yet).
pub fn inputs_from(
    snapshot: &Snapshot,
    metrics: Option<&SnapshotMetrics>,
    host: Option<&HostSample>,
) -> AlertInputs {
    let host_inputs = AlertInputs {
        host_cpu: host.and_then(|h| h.cpu_ratio),
        data_disk_used: host
            .and_then(|h| h.data_disk.as_ref())
            .and_then(|d| d.used_ratio()),
        ..AlertInputs::default()
    };
    if let Some(error) = connection_error(snapshot) {
        return AlertInputs {
            connection_error: Some(error),
            ..host_inputs
        };
    }
    let slow = snapshot.slow.as_deref();
    let performance = slow.and_then(|s| s.performance_log.as_ref().ok());
    let totals = slow.and_then(|s| s.table_totals.as_ref().ok());
    let own_pid = snapshot.capabilities.as_ref().map(|c| c.backend_pid);
    AlertInputs {
        p95_ms: performance
            .and_then(|log| log.overall.as_ref())
            .filter(|all| all.count > 0)
            .map(|all| all.p95_ms),
        oldest_active_query: snapshot
            .activity
            .as_ref()
            .ok()
            .and_then(|sessions| oldest_active_query(sessions, own_pid)),
        cache_hit_ratio: metrics
            .and_then(|m| m.server.ready())
            .and_then(|rates| rates.cache_hit_ratio),
        connection_utilisation: match (&snapshot.activity, &snapshot.server) {
            (Ok(sessions), Ok(server)) => {
                Some(connection_utilisation(client_connections(sessions), server))
            }
            _ => None,
        },
        index_usage: totals.and_then(index_usage_ratio),
        dead_tuple_ratio: totals.and_then(dead_tuple_ratio),
        ..host_inputs
    }
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
        .filter(|s| s.backend_type == "client backend")
        .filter(|s| s.state.as_deref() == Some("active"))
        .filter(|s| Some(s.pid) != own_pid)
        .filter_map(|s| Some((s.pid, s.query_age?)))
        .max_by_key(|&(_, age)| age)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::snapshot_metrics;
    use crate::metrics::test_support::*;
    use crate::snapshot::host::DiskUsage;
    use crate::snapshot::{PerformanceLog, QueryLatency, SlowTier, TableTotals};
    use std::collections::HashMap;
    use std::path::PathBuf;
    use std::sync::Arc;

    fn active(pid: i32, secs: u64) -> Session {
        Session {
            state: Some("active".into()),
            query_age: Some(Duration::from_secs(secs)),
            ..session(pid)
        }
    }

    fn latency(count: i64, p95_ms: f64) -> QueryLatency {
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

    fn with_slow(mut snapshot: Snapshot, overall: QueryLatency, totals: TableTotals) -> Snapshot {
        snapshot.slow = Some(Arc::new(SlowTier {
            performance_log: Ok(PerformanceLog {
                window: Duration::from_secs(900),
                slow_threshold: Duration::from_secs(5),
                queries: Vec::new(),
                overall: Some(overall),
            }),
            table_totals: Ok(totals),
            ..SlowTier::not_polled(at(0))
        }));
        snapshot
    }

    fn host(cpu: Option<f64>, total: u64, available: u64) -> HostSample {
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

    fn lost(mut snapshot: Snapshot, error: &str) -> Snapshot {
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
        ];
        let mut cur = with_slow(
            snapshot_at(1)
                .with_database(db(1).blocks(90, 10))
                .with_sessions(sessions),
            latency(10, 120.0),
            tables(10, 90, 800, 200),
        );
        let mut caps = crate::probe::sample_capabilities();
        caps.backend_pid = 4242;
        cur.capabilities = Some(Arc::new(caps));
        let prev = snapshot_at(0).with_database(db(1));
        let metrics = snapshot_metrics(Some(&prev), &cur, 1);
        let inputs = inputs_from(&cur, Some(&metrics), Some(&host(Some(0.5), 100, 25)));
        let want = AlertInputs {
            connection_error: None,
            p95_ms: Some(120.0),
            oldest_active_query: Some((11, Duration::from_secs(40))),
            cache_hit_ratio: Some(0.9),
            // 4 client backends of 97 ordinary slots.
            connection_utilisation: Some(4.0 / 97.0),
            index_usage: Some(0.9),
            dead_tuple_ratio: Some(0.2),
            host_cpu: Some(0.5),
            data_disk_used: Some(0.75),
            replication_lag: None,
        };
        assert_eq!(inputs, want);
    }

    #[test]
    fn missing_sources_leave_inputs_unknown() {
        let cur = with_slow(
            snapshot_at(1).without_activity(),
            latency(0, 500.0),
            tables(0, 0, 0, 0),
        );
        let inputs = inputs_from(&cur, None, None);
        assert_eq!(inputs, AlertInputs::default(), "{inputs:?}");
        // A first poll has no interval rates.
        let first = snapshot_at(0).with_database(db(1).blocks(99, 1));
        let metrics = snapshot_metrics(None, &first, 1);
        assert_eq!(
            inputs_from(&first, Some(&metrics), None).cache_hit_ratio,
            None
        );
    }

    #[test]
    fn a_lost_connection_hides_stale_server_values_but_keeps_the_host() {
        let stale = with_slow(snapshot_at(1), latency(10, 999.0), tables(99, 1, 1, 99));
        let inputs = inputs_from(
            &lost(stale, "connection refused"),
            None,
            Some(&host(Some(0.9), 10, 0)),
        );
        let want = AlertInputs {
            connection_error: Some("connection refused".into()),
            host_cpu: Some(0.9),
            data_disk_used: Some(1.0),
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
