//! The set of active alerts, kept across polls: when each started, and what changed in
//! the last evaluation (for the status line and the terminal bell).

use std::time::SystemTime;

use super::incidents::{EventTotals, EventWindow, IncidentThresholds};
use super::inputs::AlertInputs;
use super::kind::AlertKind;
use super::reading::Reading;
use super::rules::{HostThresholds, assess};
use crate::analysis::metrics::{Level, Thresholds};
use crate::analysis::replication::ReplicationThresholds;

/// An alert that is on now.
#[derive(Debug, Clone, PartialEq)]
pub struct ActiveAlert {
    pub kind: AlertKind,
    /// `Warn` or `Crit`.
    pub level: Level,
    /// The current value, formatted.
    pub value: String,
    /// The limit of the current level, with its comparison (`≥ 30s`).
    pub threshold: String,
    /// When the alert went on; kept while it stays on, whatever its level does.
    pub since: SystemTime,
    /// The poll that last judged it on fresh data: the alert is known to have been on
    /// from `since` to here.
    pub confirmed: SystemTime,
    /// Its source was not re-read in the newest poll (connection lost, query failed):
    /// value, level and times are those of `confirmed`, held rather than guessed.
    pub stale: bool,
}

/// What one evaluation changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlertChanges {
    /// Alerts that went on, and active ones that just became critical.
    pub raised: Vec<AlertKind>,
    /// A critical alert is new in this evaluation (went on as critical, or escalated):
    /// ring the bell. False while an alert merely stays critical.
    pub raised_critical: bool,
    /// Alerts that went off (value back on the good side, or no longer known).
    pub cleared: Vec<AlertKind>,
}

impl AlertChanges {
    /// Nothing went on, escalated or off.
    pub fn is_empty(&self) -> bool {
        self.raised.is_empty() && self.cleared.is_empty()
    }
}

/// Judges each poll's inputs against the thresholds and remembers what is on.
#[derive(Debug, Clone, Default)]
pub struct AlertEngine {
    thresholds: Thresholds,
    host: HostThresholds,
    incidents: IncidentThresholds,
    replication: ReplicationThresholds,
    /// At most one per kind, in [`AlertKind::ALL`] order.
    active: Vec<ActiveAlert>,
    /// Deadlocks and temp files of the recent intervals.
    recent: EventWindow,
}

impl AlertEngine {
    /// An engine with no alert on, judging by these limits (and the default incident
    /// limits: see [`AlertEngine::with_incidents`]).
    pub fn new(thresholds: Thresholds, host: HostThresholds) -> Self {
        Self {
            thresholds,
            host,
            ..Self::default()
        }
    }

    /// Judges lock waits, idle transactions, deadlocks and temp files by these limits.
    pub fn with_incidents(mut self, incidents: IncidentThresholds) -> Self {
        self.incidents = incidents;
        self
    }

    /// Judges replication lag, slots, archiving and checkpoints by these limits.
    pub fn with_replication(mut self, replication: ReplicationThresholds) -> Self {
        self.replication = replication;
        self
    }

    /// The incident limits in force (the Dashboard names the window).
    pub fn incidents(&self) -> &IncidentThresholds {
        &self.incidents
    }

    /// Deadlocks and temp files over the recent window; `None` before the first interval.
    pub fn recent_events(&self) -> Option<EventTotals> {
        self.recent.totals()
    }

    /// The alerts on now, in [`AlertKind::ALL`] order.
    pub fn active(&self) -> &[ActiveAlert] {
        &self.active
    }

    /// The worst level among the active alerts (`Ok` when none is on).
    pub fn worst(&self) -> Level {
        self.active
            .iter()
            .map(|a| a.level)
            .max()
            .unwrap_or(Level::Ok)
    }

    /// Judges `inputs` (observed at `now`) and updates the active alerts. Kinds listed
    /// in `inputs.unread` keep their alert exactly as it was, marked stale: nothing is
    /// raised, escalated or cleared on data that was not re-read.
    pub fn evaluate(&mut self, now: SystemTime, inputs: &AlertInputs) -> AlertChanges {
        if let Some(events) = inputs.interval_events {
            self.recent.record(now, events, self.incidents.window);
        }
        let recent = self.recent.totals();
        let mut changes = AlertChanges::default();
        let mut previous = std::mem::take(&mut self.active);
        for kind in AlertKind::ALL {
            let before = previous
                .iter()
                .position(|a| a.kind == kind)
                .map(|i| previous.swap_remove(i));
            // Deadlocks and temp files are judged on intervals: none this poll (first poll,
            // reconnect, stats reset) means nothing new is known about them.
            let interval_kind = matches!(kind, AlertKind::Deadlocks | AlertKind::TempFiles);
            if inputs.unread.contains(&kind) || (interval_kind && inputs.interval_events.is_none())
            {
                self.active.extend(before.map(|held| ActiveAlert {
                    stale: true,
                    ..held
                }));
                continue;
            }
            let reading = assess(
                kind,
                inputs,
                recent.as_ref(),
                &self.thresholds,
                &self.host,
                &self.incidents,
                &self.replication,
            );
            match (before, reading) {
                (None, None) => {}
                (Some(_), None) => changes.cleared.push(kind),
                (before, Some(reading)) => {
                    let was = before.as_ref().map(|a| a.level);
                    let is_new = was.is_none();
                    let escalated = reading.level == Level::Crit && was != Some(Level::Crit);
                    if is_new || escalated {
                        changes.raised.push(kind);
                    }
                    changes.raised_critical |= escalated;
                    let since = before.map_or(now, |a| a.since);
                    self.active.push(activate(kind, reading, since, now));
                }
            }
        }
        changes
    }
}

fn activate(kind: AlertKind, reading: Reading, since: SystemTime, now: SystemTime) -> ActiveAlert {
    ActiveAlert {
        kind,
        level: reading.level,
        value: reading.value,
        threshold: reading.threshold,
        since,
        confirmed: now,
        stale: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000 + secs)
    }

    fn cache(ratio: Option<f64>) -> AlertInputs {
        AlertInputs {
            cache_hit_ratio: ratio,
            ..AlertInputs::default()
        }
    }

    /// What one poll should change: (raised, raised_critical, cleared, level and since of
    /// the cache alert afterwards).
    type Expect = (
        Vec<AlertKind>,
        bool,
        Vec<AlertKind>,
        Option<(Level, SystemTime)>,
    );

    #[test]
    fn an_alert_lives_from_raise_to_clear() {
        use AlertKind::CacheHitRatio as C;
        let steps: [(u64, Option<f64>, Expect); 9] = [
            (0, Some(0.99), (vec![], false, vec![], None)),
            (
                1,
                Some(0.80),
                (vec![C], false, vec![], Some((Level::Warn, at(1)))),
            ),
            (
                2,
                Some(0.81),
                (vec![], false, vec![], Some((Level::Warn, at(1)))),
            ),
            // Escalation keeps `since` and rings once.
            (
                3,
                Some(0.50),
                (vec![C], true, vec![], Some((Level::Crit, at(1)))),
            ),
            (
                4,
                Some(0.40),
                (vec![], false, vec![], Some((Level::Crit, at(1)))),
            ),
            // De-escalation is quiet.
            (
                5,
                Some(0.75),
                (vec![], false, vec![], Some((Level::Warn, at(1)))),
            ),
            (6, Some(0.85), (vec![], false, vec![C], None)),
            // A new alert, new since; straight to critical rings.
            (
                7,
                Some(0.10),
                (vec![C], true, vec![], Some((Level::Crit, at(7)))),
            ),
            // Unknown now: no claim either way, so it goes off.
            (8, None, (vec![], false, vec![C], None)),
        ];
        let mut engine = AlertEngine::default();
        for (secs, ratio, (raised, bell, cleared, state)) in steps {
            let changes = engine.evaluate(at(secs), &cache(ratio));
            let want = AlertChanges {
                raised,
                raised_critical: bell,
                cleared,
            };
            assert_eq!(changes, want, "poll {secs}");
            let got = engine.active().first().map(|a| (a.level, a.since));
            assert_eq!(got, state, "poll {secs}");
        }
    }

    #[test]
    fn values_follow_the_latest_poll_and_alerts_stay_in_kind_order() {
        let mut engine = AlertEngine::default();
        let both = AlertInputs {
            host_cpu: Some(0.9),
            connection_error: Some("timeout".into()),
            ..AlertInputs::default()
        };
        let changes = engine.evaluate(at(0), &both);
        assert_eq!(
            changes.raised,
            vec![AlertKind::ConnectionFailure, AlertKind::HostCpu]
        );
        assert!(changes.raised_critical);
        let hotter = AlertInputs {
            host_cpu: Some(0.95),
            ..both
        };
        assert!(engine.evaluate(at(5), &hotter).is_empty());
        let kinds: Vec<_> = engine.active().iter().map(|a| a.kind).collect();
        assert_eq!(
            kinds,
            vec![AlertKind::ConnectionFailure, AlertKind::HostCpu]
        );
        assert_eq!(engine.active()[1].value, "95.0%");
        assert_eq!(engine.active()[1].since, at(0));
        assert_eq!(engine.worst(), Level::Crit);
    }

    #[test]
    fn a_quiet_engine_is_ok() {
        let mut engine = AlertEngine::new(Thresholds::default(), HostThresholds::default());
        assert!(engine.evaluate(at(0), &AlertInputs::default()).is_empty());
        assert_eq!(engine.worst(), Level::Ok);
        assert!(engine.active().is_empty());
    }

    /// A lost connection (or a failed read) holds every alert of the unread sources as
    /// it was: `since` and the value stay, nothing clears, nothing new is raised, and the
    /// deadlock window does not move, however long the outage lasts.
    #[test]
    fn unread_sources_hold_their_alerts_and_their_timers() {
        use crate::analysis::alerts::IntervalEvents;
        let interval = |deadlocks| IntervalEvents {
            length: Duration::from_secs(1),
            deadlocks,
            temp_files: 0,
            temp_bytes: 0,
        };
        let mut engine = AlertEngine::default();
        let fresh = AlertInputs {
            oldest_active_query: Some((7, Duration::from_secs(40))),
            interval_events: Some(interval(1)),
            ..AlertInputs::default()
        };
        engine.evaluate(at(0), &fresh);
        let kinds = |e: &AlertEngine| {
            e.active()
                .iter()
                .map(|a| (a.kind, a.stale))
                .collect::<Vec<_>>()
        };
        use AlertKind::{ConnectionFailure, Deadlocks, LongRunningQuery};
        assert_eq!(
            kinds(&engine),
            vec![(LongRunningQuery, false), (Deadlocks, false)]
        );

        let unread: Vec<AlertKind> = AlertKind::ALL
            .into_iter()
            .filter(|k| *k != ConnectionFailure)
            .collect();
        // An hour of failed polls: far past the 5-minute deadlock window.
        for minute in 1..=60 {
            let lost = AlertInputs {
                connection_error: Some("connection refused".into()),
                // A stale query age would read as 40 s + an hour: unread inputs are not
                // looked at.
                oldest_active_query: Some((7, Duration::from_secs(3600))),
                unread: unread.clone(),
                ..AlertInputs::default()
            };
            let changes = engine.evaluate(at(minute * 60), &lost);
            if minute == 1 {
                assert_eq!(changes.raised, vec![ConnectionFailure]);
            } else {
                assert!(changes.is_empty(), "minute {minute}: {changes:?}");
            }
        }
        assert_eq!(
            kinds(&engine),
            vec![
                (ConnectionFailure, false),
                (LongRunningQuery, true),
                (Deadlocks, true)
            ]
        );
        let held = &engine.active()[1];
        assert_eq!((held.since, held.confirmed), (at(0), at(0)));
        assert_eq!(
            (held.level, held.value.as_str()),
            (Level::Crit, "40s (pid 7)")
        );
        assert_eq!(engine.recent_events().map(|t| t.deadlocks), Some(1));

        // Back: judged on fresh data again, the query alert keeps its start.
        let back = AlertInputs {
            oldest_active_query: Some((7, Duration::from_secs(3700))),
            ..AlertInputs::default()
        };
        let changes = engine.evaluate(at(3700), &back);
        assert_eq!(changes.cleared, vec![ConnectionFailure]);
        let query = &engine.active()[0];
        assert_eq!(
            (query.kind, query.stale, query.since),
            (LongRunningQuery, false, at(0))
        );
        // The first poll after a reconnect has no interval yet: the deadlock count holds
        // until one is read, then the window moves on and the old deadlock expires.
        assert_eq!(
            kinds(&engine),
            vec![(LongRunningQuery, false), (Deadlocks, true)]
        );
        let next = AlertInputs {
            interval_events: Some(interval(0)),
            ..back
        };
        let changes = engine.evaluate(at(3701), &next);
        assert_eq!(changes.cleared, vec![Deadlocks]);
    }
}
