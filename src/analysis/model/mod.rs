//! The model: everything the snapshots mean, folded in by one entry point,
//! [`Model::absorb`]. Live polls come through it, and recorded ones will too: it reads no
//! clock and knows no screen; every time it keeps comes from a snapshot, and questions
//! that depend on the time ("is this stale?") take the time as an argument.
//!
//! One absorb computes, once: the rates and statement deltas against the previous poll
//! (`derived`), each section's last good value with when it was read and why its newest
//! read failed (`sections`), the alerts, the connection usage and the numbers of the
//! KPI tiles. Screens read them; none computes them again.

mod derived;
mod figures;
mod latency;
mod oncall;
mod sections;

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use crate::analysis::alerts::{
    AlertEngine, HostThresholds, IncidentThresholds, Unjudged, add_replication_inputs, inputs_from,
    unjudged,
};
use crate::analysis::databases::DatabaseRow;
use crate::analysis::horizon::{HeldBackRule, Holder, Horizon};
use crate::analysis::index_flags::IndexFlags;
use crate::analysis::locks::LockView;
use crate::analysis::maintenance_rules::{CountersSince, MaintenanceSchedule};
use crate::analysis::metrics::{
    BlockingRow, History, SnapshotMetrics, StatementDeltas, StatementTotals, Thresholds,
};
use crate::analysis::pool::{PoolUsage, pool_usage};
use crate::analysis::replication::{ReplicationAnalysis, ReplicationState, ReplicationThresholds};
use crate::analysis::standby::MaintenanceJudge;
use crate::analysis::wait_load::WaitLoad;
use crate::monitor::snapshot::{SectionError, Session, SlowTier, Snapshot};
use crate::settings::config::{Config, Pool};

pub use derived::KeptSince;
pub use figures::{Figures, IndexFlagCounts};
pub use sections::{SectionId, Stale};

/// What the model judges by: thresholds, the configured pools, how often polls come.
#[derive(Debug, Clone)]
pub struct ModelSettings {
    /// The fast tier's interval: the charts' spacing, and when silence reads as stale.
    pub refresh: Duration,
    pub thresholds: Thresholds,
    pub host: HostThresholds,
    pub incidents: IncidentThresholds,
    pub replication: ReplicationThresholds,
    /// The `[[pools]]` whose usage the Pool screen gauges.
    pub pools: Vec<Pool>,
    /// When a holder of the xmin horizon is old enough to be named as holding back a
    /// table's dead tuples.
    pub held_back: HeldBackRule,
}

impl ModelSettings {
    /// The built-in thresholds, no pools.
    pub fn new(refresh: Duration) -> Self {
        Self {
            refresh,
            thresholds: Thresholds::default(),
            host: HostThresholds::default(),
            incidents: IncidentThresholds::default(),
            replication: ReplicationThresholds::default(),
            pools: Vec::new(),
            held_back: HeldBackRule::default(),
        }
    }

    /// The configuration file's thresholds and pools.
    pub fn from_config(refresh: Duration, config: &Config) -> Self {
        let extra = config.extra_thresholds();
        Self {
            refresh,
            thresholds: Thresholds::from_settings(&config.threshold_settings),
            host: HostThresholds {
                cpu_warn: extra.cpu_warn,
                disk_crit: extra.disk_crit,
            },
            incidents: IncidentThresholds::from_settings(&config.threshold_settings),
            replication: ReplicationThresholds::from_settings(&config.threshold_settings),
            pools: config.pools.clone(),
            held_back: HeldBackRule::default(),
        }
    }
}

/// What one absorbed snapshot changed that the caller acts on.
#[derive(Debug, Clone, PartialEq)]
pub struct Absorbed {
    /// When the snapshot was taken.
    pub taken_at: SystemTime,
    /// Why the poll failed, when the fast tier could not be read (for the message log).
    pub poll_error: Option<String>,
    /// A critical alert was raised by this snapshot (the bell rings for it).
    pub raised_critical: bool,
    /// An incremental latency read never reached the model: the poller must read the
    /// whole `query_performance_log` window again (`PollerCommand::RereadLatency`).
    pub latency_missed: bool,
}

/// Everything the snapshots so far mean.
#[derive(Debug)]
pub struct Model {
    settings: ModelSettings,
    /// The newest poll, each failed section replaced by its last good value (the same
    /// `Arc` as the poll as it came when no section failed).
    shown: Option<std::sync::Arc<Snapshot>>,
    /// Each section's read time and failure; the previous poll as it came.
    sections: sections::LastGood,
    derived: derived::Derived,
    /// Lag, WAL and I/O per interval, checkpoint and archiver windows.
    replication: ReplicationState,
    alerts: AlertEngine,
    pool_usage: Option<PoolUsage>,
    figures: Figures,
    unjudged: Option<Unjudged>,
    /// When the last poll whose fast tier was read was taken.
    last_success: Option<SystemTime>,
    /// Why the newest poll's fast tier failed, while it does.
    last_error: Option<String>,
    /// The horizon holders, the lock view, the per-database table, recovery.
    oncall: oncall::OnCall,
    /// The `query_performance_log` window merged from the incremental reads.
    latency: latency::LatencyWindow,
    /// The last hour of active sessions by wait, statement, user and application.
    wait_load: WaitLoad,
}

impl Model {
    /// An empty model: no poll yet.
    pub fn new(settings: ModelSettings) -> Self {
        let alerts = AlertEngine::new(settings.thresholds.clone(), settings.host.clone())
            .with_incidents(settings.incidents.clone())
            .with_replication(settings.replication.clone());
        Self {
            derived: derived::Derived::new(settings.refresh),
            replication: ReplicationState::new(settings.replication.clone()),
            settings,
            shown: None,
            sections: sections::LastGood::default(),
            alerts,
            pool_usage: None,
            figures: Figures::default(),
            unjudged: None,
            last_success: None,
            last_error: None,
            oncall: oncall::OnCall::default(),
            latency: latency::LatencyWindow::default(),
            wait_load: WaitLoad::default(),
        }
    }

    /// Folds one snapshot in: the one entry point of every poll, live or recorded.
    pub fn absorb(&mut self, mut snapshot: Snapshot) -> Absorbed {
        let latency_missed = self.latency.fill(&mut snapshot);
        let taken_at = snapshot.taken_at;
        let failed = [
            snapshot.server.as_ref().err(),
            snapshot.activity.as_ref().err(),
            snapshot.databases.as_ref().err(),
        ]
        .into_iter()
        .flatten()
        .find(|e| matches!(e, SectionError::Failed(_)))
        .map(ToString::to_string);
        match &failed {
            None => {
                self.last_success = Some(taken_at);
                self.last_error = None;
            }
            Some(error) => self.last_error = Some(error.clone()),
        }
        // Rates compare the polls as they came; the alerts judge only what was re-read.
        self.derived.absorb(self.sections.previous_raw(), &snapshot);
        self.replication
            .absorb(self.sections.previous_raw(), &snapshot);
        let mut inputs = inputs_from(
            &snapshot,
            self.derived.metrics.as_ref(),
            snapshot.host.as_ref(),
        );
        add_replication_inputs(
            &mut inputs,
            &snapshot.replication,
            self.replication.analysis(),
            self.replication.fresh_interval(),
        );
        let changes = self.alerts.evaluate(taken_at, &inputs);
        // The screens show each section's last good value, marked stale when it failed.
        self.oncall.absorb_rates(
            self.sections.previous_raw(),
            &snapshot,
            self.derived.metrics.as_ref().map(|m| &m.database),
        );
        // Only sessions read by this poll are sampled: a failed read is a gap in the
        // chart, not the last good sessions counted again.
        if let Ok(sessions) = &snapshot.activity {
            self.wait_load.record(taken_at, sessions);
        }
        let shown = self.sections.absorb(self.shown.as_deref(), snapshot);
        self.oncall.absorb_shown(&shown, self.settings.held_back);
        self.pool_usage = match (&shown.activity, &shown.server) {
            (Ok(sessions), Ok(server)) => Some(pool_usage(sessions, server, &self.settings.pools)),
            _ => None,
        };
        self.figures = Figures::of(&shown, &self.derived.index_flags);
        self.unjudged = unjudged(Some(&shown));
        self.shown = Some(shown);
        Absorbed {
            taken_at,
            poll_error: failed,
            raised_critical: changes.raised_critical,
            latency_missed,
        }
    }

    /// The fast tier's interval changed (the charts keep their spacing by it).
    pub fn set_refresh(&mut self, refresh: Duration) {
        self.settings.refresh = refresh;
        self.derived.set_refresh(refresh);
    }

    /// The fast tier's interval.
    pub fn refresh(&self) -> Duration {
        self.settings.refresh
    }

    /// The thresholds every level is judged by.
    pub fn thresholds(&self) -> &Thresholds {
        &self.settings.thresholds
    }

    /// The limits replication lag, slots, archiving and checkpoints are judged by.
    pub fn replication_thresholds(&self) -> &ReplicationThresholds {
        &self.settings.replication
    }

    /// The configured application pools.
    pub fn configured_pools(&self) -> &[Pool] {
        &self.settings.pools
    }
}

/// What is on screen: the newest poll with each failed section's last good value.
impl Model {
    /// The snapshot the screens show; `None` before the first poll.
    pub fn snapshot(&self) -> Option<&Snapshot> {
        self.shown.as_deref()
    }

    /// The sessions on screen, when there are (not before the first poll, nor when
    /// `pg_stat_activity` never could be read).
    pub fn sessions(&self) -> Option<&[Session]> {
        self.shown.as_ref()?.activity.as_deref().ok()
    }

    /// The slow tier on screen.
    pub fn slow(&self) -> Option<&SlowTier> {
        self.shown.as_ref()?.slow.as_deref()
    }

    /// The wait-load history: the last hour of sampled active sessions.
    pub fn wait_load(&self) -> &WaitLoad {
        &self.wait_load
    }
}

/// What the model computed from the snapshots.
impl Model {
    /// This interval's metrics as computed (what the alerts and charts judge).
    pub fn interval_metrics(&self) -> Option<&SnapshotMetrics> {
        self.derived.metrics.as_ref()
    }

    /// The metrics on screen: this interval's, except the parts a failed read kept from
    /// being computed, which stay as last computed (see [`Model::kept_since`]).
    pub fn shown_metrics(&self) -> Option<&SnapshotMetrics> {
        self.derived.shown.as_ref()
    }

    /// When the rates and statement figures on screen were computed, if earlier than the
    /// newest poll.
    pub fn kept_since(&self) -> KeptSince {
        self.derived.kept_since
    }

    /// Statement activity in the last interval, pgpulse's own left out.
    pub fn statement_deltas(&self) -> &StatementDeltas {
        &self.derived.statements
    }

    /// Every statement's totals since the last reset.
    pub fn statement_totals(&self) -> &[StatementTotals] {
        &self.derived.cumulative
    }

    /// The charts' history (ten minutes).
    pub fn history(&self) -> &History {
        &self.derived.history
    }

    /// Root blockers first, their waiters indented below.
    pub fn blocking_tree(&self) -> &[BlockingRow] {
        &self.derived.blocking
    }

    /// The oldest holder of the xmin horizon, whatever it is: a session, a prepared
    /// transaction, a replication slot or a standby's feedback (not only the oldest
    /// session's snapshot, which can be a millisecond old while a slot holds everything).
    pub fn oldest_xmin(&self) -> Option<&Holder> {
        self.oncall.horizon.as_ref()?.oldest()
    }

    /// Every holder of the xmin horizon, oldest first, and which tables they hold back.
    pub fn horizon(&self) -> Option<&Horizon> {
        self.oncall.horizon.as_ref()
    }

    /// The lock view, while it is on and has been read.
    pub fn lock_view(&self) -> Option<&LockView> {
        self.oncall.locks.as_ref()
    }

    /// Every database with its connections, rates and size.
    pub fn databases(&self) -> &[DatabaseRow] {
        &self.oncall.databases
    }

    /// Whether the server is a standby, at the last poll that said.
    pub fn in_recovery(&self) -> Option<bool> {
        self.oncall.in_recovery
    }

    /// Judges maintenance on this server: nothing on a standby, with the reason.
    pub fn maintenance_judge(&self, schedule: MaintenanceSchedule) -> MaintenanceJudge {
        MaintenanceJudge {
            schedule,
            since: self.slow().map_or(CountersSince::Unknown, |slow| {
                CountersSince::from_section(&slow.statistics_since)
            }),
            in_recovery: self.in_recovery().unwrap_or(false),
        }
    }

    /// Unused, duplicate, redundant and invalid flags by index oid.
    pub fn index_flags(&self) -> &HashMap<u32, IndexFlags> {
        &self.derived.index_flags
    }

    /// Connections by state, application, user, client and configured pool.
    pub fn pool_usage(&self) -> Option<&PoolUsage> {
        self.pool_usage.as_ref()
    }

    /// Standbys' lag, a standby's own lag, WAL and I/O per interval, checkpoints and
    /// archive failures over their windows (the raw reads are in the snapshot's
    /// `replication`, each part kept through failed reads).
    pub fn replication(&self) -> &ReplicationAnalysis {
        self.replication.analysis()
    }

    /// The alerts raised by the polls so far.
    pub fn alerts(&self) -> &AlertEngine {
        &self.alerts
    }

    /// The ratios and counts the tiles and summary lines show.
    pub fn figures(&self) -> &Figures {
        &self.figures
    }

    /// What the alert rules could not judge (sessions hidden from the role).
    pub fn unjudged(&self) -> Option<&Unjudged> {
        self.unjudged.as_ref()
    }
}

/// How fresh what is on screen is.
impl Model {
    /// When the last poll whose fast tier was read was taken.
    pub fn last_success(&self) -> Option<SystemTime> {
        self.last_success
    }

    /// Why the newest poll failed, while it does.
    pub fn last_error(&self) -> Option<&str> {
        self.last_error.as_deref()
    }

    /// Why the monitoring connection is down, when the newest poll says it is.
    pub fn connection_lost(&self) -> Option<&str> {
        self.sections.connection_lost()
    }

    /// When the value of section `id` on screen was read.
    pub fn read_at(&self, id: SectionId) -> Option<SystemTime> {
        self.sections.read_at(id)
    }

    /// Whether the newest read of section `id` failed (its value on screen, if any, is
    /// an older one), and why.
    pub fn read_failure(&self, id: SectionId) -> Option<Stale<'_>> {
        self.sections.stale(id)
    }

    /// How old the newest good data is at `now`, when the last poll failed or it is
    /// older than two refresh intervals: the STALE badge. Paused data is not stale, it
    /// is paused.
    pub fn staleness(&self, now: SystemTime, paused: bool) -> Option<Duration> {
        let age = now.duration_since(self.last_success?).unwrap_or_default();
        let late = age > self.settings.refresh * 2 + Duration::from_secs(1);
        (self.last_error.is_some() || (late && !paused)).then_some(age)
    }

    /// Whether section `id` on screen is stale at `now`: its read failed, or no poll has
    /// answered for longer than two refresh intervals (a frozen server answers nothing at
    /// all, so no failure has arrived yet to say so).
    pub fn stale(&self, id: SectionId, now: SystemTime, paused: bool) -> Option<Stale<'_>> {
        if let Some(stale) = self.sections.stale(id) {
            return Some(stale);
        }
        self.staleness(now, paused)?;
        Some(Stale {
            read_at: self.sections.read_at(id),
            reason: "no answer from the server yet",
        })
    }
}

#[cfg(test)]
mod tests;
