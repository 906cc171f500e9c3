//! The model's computed part: rates, deltas, history, the blocking tree and the index
//! flags, computed once per poll (never per frame).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::analysis::index_flags::{IndexFlags, flag_indexes};
use crate::analysis::metrics::{
    BlockingRow, DeltaStatus, History, OwnTransactions, SnapshotMetrics, StatementDeltas,
    StatementTotals, blocking_tree, cumulative_statements, same_statements_read, snapshot_metrics,
};
use crate::monitor::snapshot::{Section, SectionError, Snapshot};

/// Derived state, refreshed by [`Derived::absorb`] on every snapshot.
#[derive(Debug)]
pub(super) struct Derived {
    /// This interval's metrics as computed (what the alerts and charts judge).
    pub(super) metrics: Option<SnapshotMetrics>,
    /// The metrics on screen: this interval's, except the parts a failed read (now or just
    /// before) kept from being computed, which stay as last computed (see `kept_since`).
    pub(super) shown: Option<SnapshotMetrics>,
    /// When the rates and statement figures on screen were computed, if that was an
    /// earlier poll than the newest.
    pub(super) kept_since: KeptSince,
    /// Statement activity in the last interval (empty with a status until two polls);
    /// kept, like `shown`, through failed reads.
    pub(super) statements: StatementDeltas,
    pub(super) cumulative: Vec<StatementTotals>,
    pub(super) history: History,
    pub(super) blocking: Vec<BlockingRow>,
    /// Unused / duplicate / redundant / invalid flags by index oid, computed once per
    /// slow poll (from the indexes as read, like the rest of this struct) rather than per
    /// frame.
    pub(super) index_flags: HashMap<u32, IndexFlags>,
    /// pgpulse's own transactions still to be taken out of TPS.
    own_transactions: OwnTransactions,
}

impl Derived {
    pub(super) fn new(refresh: Duration) -> Self {
        Self {
            metrics: None,
            shown: None,
            kept_since: KeptSince::default(),
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
            index_flags: HashMap::new(),
            own_transactions: OwnTransactions::default(),
        }
    }

    pub(super) fn set_refresh(&mut self, refresh: Duration) {
        self.history.set_refresh_interval(refresh);
    }

    /// Folds a new snapshot in, against the previous one.
    pub(super) fn absorb(&mut self, previous: Option<&Snapshot>, current: &Snapshot) {
        let mut metrics = snapshot_metrics(previous, current, connected_datid(current));
        // Between two governed reads of pg_stat_statements the last read is re-sent: the
        // interval it covered stays on screen as computed.
        let same_statements = same_statements_read(previous, current);
        if same_statements && let Some(before) = &self.metrics {
            metrics.statements = before.statements.clone();
            metrics.mean_latency_ms = before.mean_latency_ms;
        }
        // pgpulse's polls are not the server's work (DESIGN, principle 3).
        let own = current
            .own_transactions
            .saturating_sub(previous.map_or(0, |p| p.own_transactions));
        self.own_transactions
            .take_out(own, &mut metrics.database, &mut metrics.server);
        self.history.record_metrics(&metrics);
        let shown = self.keep_through_failures(previous, current, metrics.clone());
        self.statements = shown.statements.clone();
        self.shown = Some(shown);
        self.metrics = Some(metrics);
        if current.statements.is_ok() && !same_statements {
            self.cumulative = cumulative_statements(current);
        }
        if let Ok(sessions) = &current.activity {
            self.blocking = blocking_tree(sessions);
        }
        // The poller sends the same tier until its next slow poll: flag only a new one.
        let same_tier = match (previous.and_then(|p| p.slow.as_ref()), &current.slow) {
            (Some(before), Some(now)) => Arc::ptr_eq(before, now),
            _ => false,
        };
        if !same_tier {
            self.index_flags = current
                .slow
                .as_ref()
                .and_then(|tier| tier.indexes.as_ref().ok())
                .map(|list| flag_indexes(list).into_iter().collect())
                .unwrap_or_default();
        }
    }
}

impl Derived {
    /// `metrics` as shown: where a failed read (in this poll, or in the previous one, which
    /// leaves nothing to compare with) left a part without a value, the part shown before
    /// stays, with the time it was computed. Anything else (a first poll, a stats reset)
    /// is shown as it is.
    fn keep_through_failures(
        &mut self,
        previous: Option<&Snapshot>,
        current: &Snapshot,
        mut metrics: SnapshotMetrics,
    ) -> SnapshotMetrics {
        let failing =
            |section: fn(&Snapshot) -> bool| section(current) || previous.is_some_and(section);
        let Some(before) = self.shown.as_ref() else {
            return metrics;
        };
        let rates_failing = failing(|s| failed(&s.databases) || failed(&s.server));
        if rates_failing && metrics.server.ready().is_none() && before.server.ready().is_some() {
            metrics.server = before.server.clone();
            metrics.database = before.database.clone();
            self.kept_since.rates = self.kept_since.rates.or(Some(before.at));
        } else {
            self.kept_since.rates = None;
        }
        let statements_failing = failing(|s| failed(&s.statements));
        let ready = |d: &StatementDeltas| matches!(d.status, DeltaStatus::Ready(_));
        if statements_failing && !ready(&metrics.statements) && ready(&before.statements) {
            metrics.statements = before.statements.clone();
            metrics.mean_latency_ms = before.mean_latency_ms;
            self.kept_since.statements = self.kept_since.statements.or(Some(before.at));
        } else {
            self.kept_since.statements = None;
        }
        if failed(&current.activity) {
            metrics.connections = before.connections;
        }
        metrics
    }
}

/// When parts of the metrics on screen were computed, when that was before the newest poll.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct KeptSince {
    /// TPS and the cache hit ratio.
    pub rates: Option<SystemTime>,
    /// Statement deltas and the mean latency.
    pub statements: Option<SystemTime>,
}

fn failed<T>(section: &Section<T>) -> bool {
    matches!(section, Err(SectionError::Failed(_)))
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
