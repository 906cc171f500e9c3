//! What the screens show beyond raw snapshots: rates, deltas, history and the blocking
//! tree, computed once per poll (never per frame).

use std::time::Duration;

use crate::metrics::{
    BlockingRow, DeltaStatus, History, OwnTransactions, SnapshotMetrics, StatementDeltas,
    StatementTotals, Thresholds, blocking_tree, cumulative_statements, oldest_xmin_holder,
    snapshot_metrics,
};
use crate::snapshot::Snapshot;

/// Derived state, refreshed by [`Derived::absorb`] on every snapshot.
#[derive(Debug)]
pub struct Derived {
    pub metrics: Option<SnapshotMetrics>,
    /// Statement activity in the last interval (empty with a status until two polls).
    pub statements: StatementDeltas,
    pub cumulative: Vec<StatementTotals>,
    pub history: History,
    pub blocking: Vec<BlockingRow>,
    /// (pid, age in transactions) of the session holding back the xmin horizon.
    pub oldest_xmin: Option<(i32, i32)>,
    pub thresholds: Thresholds,
    /// pgpulse's own transactions still to be taken out of TPS.
    own_transactions: OwnTransactions,
}

impl Derived {
    pub fn new(refresh: Duration) -> Self {
        Self {
            metrics: None,
            statements: StatementDeltas {
                status: DeltaStatus::FirstPoll,
                rows: vec![],
                new_entries: 0,
                evicted_entries: 0,
                total_exec_time_ms: 0.0,
            },
            cumulative: vec![],
            history: History::new(Duration::from_secs(600), refresh),
            blocking: vec![],
            oldest_xmin: None,
            thresholds: Thresholds::default(),
            own_transactions: OwnTransactions::default(),
        }
    }

    pub fn set_refresh(&mut self, refresh: Duration) {
        self.history.set_refresh_interval(refresh);
    }

    /// Folds a new snapshot in, against the previous one.
    pub fn absorb(&mut self, previous: Option<&Snapshot>, current: &Snapshot) {
        let mut metrics = snapshot_metrics(previous, current, connected_datid(current));
        // pgpulse's polls are not the server's work (DESIGN, principle 3).
        let own = current
            .own_transactions
            .saturating_sub(previous.map_or(0, |p| p.own_transactions));
        self.own_transactions
            .take_out(own, &mut metrics.database, &mut metrics.server);
        self.history.record_metrics(&metrics);
        self.statements = metrics.statements.clone();
        self.metrics = Some(metrics);
        if current.statements.is_ok() {
            self.cumulative = cumulative_statements(current);
        }
        if let Ok(sessions) = &current.activity {
            self.blocking = blocking_tree(sessions);
            self.oldest_xmin =
                oldest_xmin_holder(sessions).and_then(|s| Some((s.pid, s.xmin_age?)));
        }
    }
}

/// The oid of the database pgpulse is connected to (0 when unknown).
fn connected_datid(snapshot: &Snapshot) -> u32 {
    let name = snapshot.capabilities.as_ref().map(|c| c.database.as_str());
    snapshot
        .databases
        .as_ref()
        .ok()
        .and_then(|dbs| dbs.iter().find(|d| Some(d.name.as_str()) == name))
        .map_or(0, |d| d.datid)
}
