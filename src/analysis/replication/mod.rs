//! Replication, WAL, checkpoints and I/O: what the raw reads mean. Lag as time on both
//! sides (correct for an idle primary), WAL and I/O per interval, checkpoints and archive
//! failures over a window. [`ReplicationState::absorb`] runs once per snapshot from
//! `Model::absorb`; screens read [`ReplicationAnalysis`].

pub mod lag;
pub mod rates;
pub mod window;

use std::time::Duration;

use crate::monitor::snapshot::{SectionError, Snapshot};
use crate::settings::config::ThresholdSettings;

pub use lag::{sender_replay_lag, standby_replay_lag};
pub use rates::{CheckpointDelta, IoInterval, WalInterval, io_intervals, wal_interval};
pub use window::{IntervalWindow, WindowTotals};

/// Where the replication alerts start. `Default` is what `pgpulse --print-config` shows.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicationThresholds {
    /// Replay lag of a standby (seen from the primary, or on the standby); critical at
    /// or above (the seed: 30 s).
    pub lag_crit: Duration,
    /// WAL an inactive slot retains; warning at or above (1 GiB).
    pub slot_retained_warn: u64,
    /// Share of requested checkpoints among all in `checkpoint_window`; warning above.
    pub requested_checkpoints_warn: f64,
    pub checkpoint_window: Duration,
    /// How far back archive failures count, and the WAL rate a slot's headroom is
    /// judged by (the incident window, 5 min).
    pub archiver_window: Duration,
    /// A slot whose `safe_wal_size` runs out sooner than this at the recent WAL rate
    /// warns (1 h): after that, `max_slot_wal_keep_size` removes its WAL.
    pub slot_loss_warn: Duration,
}

impl Default for ReplicationThresholds {
    fn default() -> Self {
        Self::from_settings(&ThresholdSettings::default())
    }
}

impl ReplicationThresholds {
    /// The config file's `[thresholds]` as the replication alerts judge by them.
    pub fn from_settings(t: &ThresholdSettings) -> Self {
        Self {
            lag_crit: t.replication_lag_crit,
            slot_retained_warn: t.slot_retained_warn,
            requested_checkpoints_warn: t.requested_checkpoints_warn,
            checkpoint_window: t.checkpoint_window,
            archiver_window: t.events_window,
            slot_loss_warn: t.slot_loss_warn,
        }
    }
}

/// One standby as its primary sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct StandbyLag {
    pub pid: i32,
    pub application_name: String,
    pub client_addr: Option<String>,
    /// Replay lag as time; `None` when unknown or hidden.
    pub lag: Option<Duration>,
    pub replay_behind_bytes: Option<i64>,
    pub hidden: bool,
}

/// What the model computed from the replication reads.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReplicationAnalysis {
    /// Each WAL sender's standby, in the order read (empty when none or not read).
    pub standbys: Vec<StandbyLag>,
    /// On a standby: its own replay lag (`None` on a primary or when unknown).
    pub own_lag: Option<Duration>,
    /// The newest interval of WAL, checkpoint and archiver counters (kept through a
    /// failed read until the next interval).
    pub wal: Option<WalInterval>,
    /// `pg_stat_io` in the newest interval (16+), busiest first.
    pub io: Vec<IoInterval>,
    /// Checkpoints over the checkpoint window; `None` before the first interval.
    pub checkpoints: Option<WindowTotals>,
    /// Archive failures over the archiver window; `None` before the first interval.
    pub archive_failures: Option<i64>,
    /// WAL bytes per second over the archiver window (what a slot's headroom lasts at).
    pub recent_wal_rate: Option<f64>,
}

/// The replication part of the model: thresholds, the window, the newest analysis.
#[derive(Debug, Clone, Default)]
pub struct ReplicationState {
    thresholds: ReplicationThresholds,
    window: IntervalWindow,
    analysis: ReplicationAnalysis,
    /// Whether the newest poll gave a fresh interval (the window moved).
    fresh_interval: bool,
}

impl ReplicationState {
    pub fn new(thresholds: ReplicationThresholds) -> Self {
        Self {
            thresholds,
            ..Self::default()
        }
    }

    /// Folds `current` in against the `previous` poll as it came.
    pub fn absorb(&mut self, previous: Option<&Snapshot>, current: &Snapshot) {
        let now = &current.replication;
        if let Ok(senders) = &now.senders {
            self.analysis.standbys = senders
                .iter()
                .map(|s| StandbyLag {
                    pid: s.pid,
                    application_name: s.application_name.clone(),
                    client_addr: s.client_addr.clone(),
                    lag: sender_replay_lag(s),
                    replay_behind_bytes: s.replay_behind_bytes,
                    hidden: s.hidden,
                })
                .collect();
        }
        match &now.standby {
            Ok(status) => self.analysis.own_lag = standby_replay_lag(status),
            // A primary (or a promoted standby) has no replay of its own.
            Err(SectionError::Unavailable { .. }) => {
                self.analysis.own_lag = None;
            }
            Err(_) => {}
        }
        let before = previous.map(|p| &p.replication);
        let wal = before
            .and_then(|b| b.wal.as_ref().ok())
            .zip(now.wal.as_ref().ok())
            .and_then(|(b, n)| wal_interval(b, n));
        self.fresh_interval = wal.is_some();
        if let (Some(interval), Ok(read)) = (&wal, &now.wal) {
            let keep = self
                .thresholds
                .checkpoint_window
                .max(self.thresholds.archiver_window);
            self.window.record(read.now, interval, keep);
            self.analysis.checkpoints = self.window.totals(self.thresholds.checkpoint_window);
            let recent = self.window.totals(self.thresholds.archiver_window);
            self.analysis.archive_failures = recent.map(|t| t.archive_failures);
            self.analysis.recent_wal_rate = recent.and_then(|t| t.wal_rate());
            self.analysis.wal = wal;
        }
        match (before.map(|b| &b.io), &now.io) {
            (Some(Ok(b)), Ok(n)) => self.analysis.io = io_intervals(b, n),
            // A failed read keeps the last interval on screen (the section says stale).
            (_, Err(SectionError::Failed(_))) => {}
            // Before 16, or nothing to compare with yet.
            _ => self.analysis.io.clear(),
        }
    }

    /// The newest analysis.
    pub fn analysis(&self) -> &ReplicationAnalysis {
        &self.analysis
    }

    /// The limits the replication alerts judge by.
    pub fn thresholds(&self) -> &ReplicationThresholds {
        &self.thresholds
    }

    /// Whether the newest poll moved the window (its judgements are fresh).
    pub fn fresh_interval(&self) -> bool {
        self.fresh_interval
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitor::snapshot::test_support::*;

    #[test]
    fn the_model_part_computes_lag_rates_and_windows_from_two_polls() {
        let mut state = ReplicationState::default();
        let mut first = snapshot_at(0);
        first.replication.wal = Ok(rates::tests::wal(0, 1_000, 0, 0, 0));
        first.replication.senders = Ok(vec![lag::tests::sender(None, Some(0))]);
        state.absorb(None, &first);
        assert_eq!(state.analysis().wal, None, "no interval from one poll");
        assert!(!state.fresh_interval());
        // The idle standby's lag columns are cleared: caught up, zero.
        assert_eq!(state.analysis().standbys[0].lag, Some(Duration::ZERO));
        let mut second = snapshot_at(2);
        second.replication.wal = Ok(rates::tests::wal(2, 5_000, 0, 1, 0));
        second.replication.senders = Ok(vec![lag::tests::sender(Some(12), Some(4_000))]);
        state.absorb(Some(&first), &second);
        assert!(state.fresh_interval());
        let analysis = state.analysis();
        assert_eq!(
            analysis.wal.as_ref().and_then(WalInterval::wal_rate),
            Some(2_000.0)
        );
        assert_eq!(analysis.standbys[0].lag, Some(Duration::from_secs(12)));
        assert_eq!(
            analysis.checkpoints.map(|c| c.checkpoints_requested),
            Some(1)
        );
        assert_eq!(analysis.archive_failures, Some(0));
        // A failed read keeps what was computed, and the window does not move.
        let mut third = snapshot_at(3);
        third.replication.wal = Err(SectionError::Failed("timeout".into()));
        third.replication.senders = Err(SectionError::Failed("timeout".into()));
        state.absorb(Some(&second), &third);
        assert!(!state.fresh_interval());
        assert_eq!(state.analysis().standbys.len(), 1);
        assert!(state.analysis().wal.is_some());
    }
}
