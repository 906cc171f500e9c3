//! Alerts: the seed report's alerting configuration applied to each poll.
//!
//! The seed's *Alerting Configuration* names critical alerts (connection failures, queries
//! running > 30 s, disk > 90 % full) and warnings (cache hit ratio, pool usage > 80 %,
//! slow queries > 5 s, CPU > 80 %); DESIGN's *Thresholds* table fixes where each starts,
//! `≥` or `<` exactly as written there. On top of these, what paging a DBA needs
//! ([`incidents`]): lock waits, idle-in-transaction sessions, deadlocks, temp files.
//!
//! No rule without data: a kind is offered only when a collector feeds it. Replication
//! (lag, slots, archiver, requested checkpoints) is fed by the replication collector and
//! judged by [`crate::analysis::replication::ReplicationThresholds`].
//!
//! The engine judges plain values ([`AlertInputs`]) rather than a [`Snapshot`], so every
//! rule and boundary is testable without building one; [`inputs_from`] extracts them from
//! a poll. A value read and found missing (no active query, an empty log) raises nothing
//! and clears an alert. A value that could not be read this time (connection lost, the
//! query failed, no interval yet) is *unread*: its alert stays exactly as it was, marked
//! stale, and nothing new is raised, so no timer runs on data that was not re-read.
//!
//! [`Snapshot`]: crate::monitor::snapshot::Snapshot

mod engine;
pub mod incidents;
mod inputs;
mod kind;
mod reading;
mod replication_inputs;
mod replication_rules;
mod rules;
mod unjudged;

pub use engine::{ActiveAlert, AlertChanges, AlertEngine};
pub use incidents::{EventTotals, IncidentThresholds, IntervalEvents};
pub use inputs::{AlertInputs, SlotInput, WindowInput, inputs_from};
pub use kind::AlertKind;
pub use reading::Reading;
pub use replication_inputs::add_replication_inputs;
pub use rules::{HostThresholds, assess};
pub use unjudged::{SESSION_RULES, Unjudged, unjudged};

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::inputs::tests::{active, host, latency, lost, with_slow};
    use super::*;
    use crate::analysis::metrics::snapshot_metrics;
    use crate::analysis::replication::ReplicationState;
    use crate::analysis::replication::lag::tests::{sender, slot_row};
    use crate::analysis::replication::rates::tests::wal;
    use crate::monitor::snapshot::Session;
    use crate::monitor::snapshot::replication::ReplicationSlot;
    use crate::monitor::snapshot::test_support::*;

    /// No rule without data: every kind the engine offers must be raisable from what the
    /// collectors put in a snapshot. A kind added without a collector (replication lag
    /// before the replication screen) fails here.
    #[test]
    fn every_offered_alert_is_fed_by_a_collected_section() {
        let sessions = vec![
            active(10, 40),
            Session {
                lock_wait_age: Some(Duration::from_secs(90)),
                ..active(11, 90)
            },
            Session {
                state: Some(SessionState::IdleInTransaction),
                state_age: Some(Duration::from_secs(600)),
                ..session(12)
            },
        ];
        let prev = snapshot_at(0).with_database(db(1));
        let mut cur = with_slow(
            snapshot_at(1)
                .with_database(
                    db(1)
                        .blocks(10, 90)
                        .deadlocks(1)
                        .temp_files(1)
                        .temp_bytes(2 << 30),
                )
                .with_sessions(sessions),
            latency(10, 500.0),
            tables(90, 10, 50, 50),
        );
        if let Ok(server) = &mut cur.server {
            server.max_connections = 5;
        }
        // Replication: a lagging standby, a lost slot, failed archiving, requested
        // checkpoints, as the replication collector reads them.
        let mut prev = prev;
        prev.replication.wal = Ok(wal(0, 0, 0, 0, 0));
        cur.replication.senders = Ok(vec![sender(Some(60), Some(1 << 20))]);
        cur.replication.wal = Ok(wal(1, 4096, 0, 1, 2));
        cur.replication.slots = Ok(vec![ReplicationSlot {
            wal_status: Some("lost".into()),
            ..slot_row("forgotten")
        }]);
        let mut replication = ReplicationState::default();
        replication.absorb(Some(&prev), &cur);
        let metrics = snapshot_metrics(Some(&prev), &cur, 1);
        let mut engine = AlertEngine::default();
        let mut inputs = inputs_from(&cur, Some(&metrics), Some(&host(Some(0.95), 10, 0)));
        add_replication_inputs(
            &mut inputs,
            &cur.replication,
            replication.analysis(),
            replication.fresh_interval(),
        );
        let mut raised = engine.evaluate(at(1), &inputs).raised;
        let down = lost(snapshot_at(2), "connection refused");
        raised.extend(
            engine
                .evaluate(at(2), &inputs_from(&down, None, None))
                .raised,
        );
        raised.sort_unstable();
        assert_eq!(raised, AlertKind::ALL.to_vec());
    }
}
