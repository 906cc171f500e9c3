//! A failed read never blanks a panel: each section keeps its last good value on screen,
//! with when it was read and why the newest read failed, so the panel can say "stale 12s:
//! connection refused" over the numbers instead of "no sessions".
//!
//! The poll as it came is kept too: rates compare raw polls (a kept value compared with
//! itself would read as an idle server), and the alerts judge only what was re-read.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::monitor::snapshot::{CappedList, Section, SectionError, SlowTier, Snapshot};

/// Every section a panel shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SectionId {
    Server,
    Activity,
    Databases,
    Statements,
    Progress,
    PgBouncer,
    PerformanceLog,
    TableTotals,
    TableCache,
    SnapshotHistory,
    Indexes,
    TableScans,
    Maintenance,
    StatisticsSince,
    Wraparound,
    TaskHistory,
    /// Holders of the xmin horizon (fast tier).
    Horizon,
    /// The lock view's rows (fast tier, only while the view is on).
    Locks,
    /// Every database's size (slow tier, read when due).
    DatabaseSizes,
    /// `pg_stat_replication`.
    ReplicationSenders,
    ReplicationSlots,
    /// WAL position and counters, archiver, checkpoints.
    Wal,
    /// `pg_stat_io`.
    Io,
    /// A standby's own view.
    Standby,
}

/// The slow tier's sections.
const SLOW_SECTIONS: [SectionId; 11] = [
    SectionId::PerformanceLog,
    SectionId::TableTotals,
    SectionId::TableCache,
    SectionId::SnapshotHistory,
    SectionId::Indexes,
    SectionId::TableScans,
    SectionId::Maintenance,
    SectionId::StatisticsSince,
    SectionId::Wraparound,
    SectionId::TaskHistory,
    SectionId::DatabaseSizes,
];

/// A section whose newest read failed while an older value is on screen (or none is).
#[derive(Debug, Clone, PartialEq)]
pub struct Stale<'a> {
    /// When the value on screen was read; `None` when there is none.
    pub read_at: Option<SystemTime>,
    /// Why the newest read failed (one sanitized line).
    pub reason: &'a str,
}

impl Stale<'_> {
    /// How old the value on screen is at `now`.
    pub fn age(&self, now: SystemTime) -> Option<Duration> {
        self.read_at
            .map(|at| now.duration_since(at).unwrap_or_default())
    }

    /// ` · stale 12s` for a title; nothing when no value is on screen (the panel's empty
    /// message says why).
    pub fn title_suffix(&self, now: SystemTime) -> String {
        self.age(now)
            .map(|age| {
                format!(
                    " · stale {}",
                    crate::text::format::duration(whole_seconds(age))
                )
            })
            .unwrap_or_default()
    }
}

fn whole_seconds(age: Duration) -> Duration {
    Duration::from_secs(age.as_secs())
}

#[derive(Debug, Clone, Default, PartialEq)]
struct SectionState {
    read_at: Option<SystemTime>,
    failure: Option<String>,
    /// The failure is the lost connection, not a read of this section (slow sections are
    /// not re-read every poll): it ends when the connection is back.
    connection_only: bool,
}

/// The last good value of every section, and the previous poll as it came.
#[derive(Debug, Default)]
pub(super) struct LastGood {
    /// Shared with the snapshot shown when no section had to be kept (the usual poll):
    /// one copy of the poll is held, not two.
    previous_raw: Option<Arc<Snapshot>>,
    sections: HashMap<SectionId, SectionState>,
    /// The whole fast tier failed with this error: the connection is down.
    connection_lost: Option<String>,
}

/// Keeps one fast section: `$get` reads it from a snapshot, `$set` reaches it in the
/// merged one (copied from the raw poll only the first time a section is kept).
macro_rules! keep_fast {
    ($self:ident, $id:expr, $at:expr, $raw:expr, $merged:expr, $shown:expr, |$s:ident| $field:expr) => {{
        let before = $shown.map(|$s: &Snapshot| &$field);
        let section = {
            let $s: &Snapshot = &$raw;
            &$field
        };
        if let Some(value) = $self.keep($id, $at, section, before) {
            let $s: &mut Snapshot = Arc::make_mut(&mut $merged);
            $field = Ok(value);
        }
    }};
}

impl LastGood {
    /// The poll before the newest, as it came.
    pub fn previous_raw(&self) -> Option<&Snapshot> {
        self.previous_raw.as_deref()
    }

    /// Why the monitoring connection is down, when the newest poll says it is.
    pub fn connection_lost(&self) -> Option<&str> {
        self.connection_lost.as_deref()
    }

    /// When the value of section `id` on screen was read.
    pub fn read_at(&self, id: SectionId) -> Option<SystemTime> {
        self.sections.get(&id)?.read_at
    }

    /// Whether the section on screen is not from the newest poll (or missing because it
    /// failed), and why.
    pub fn stale(&self, id: SectionId) -> Option<Stale<'_>> {
        let state = self.sections.get(&id)?;
        state.failure.as_deref().map(|reason| Stale {
            read_at: state.read_at,
            reason,
        })
    }

    /// The snapshot to show for `raw`: each section that failed to read keeps the value
    /// `shown` had (the previous snapshot shown). Remembers `raw` as the previous poll.
    /// When nothing had to be kept, the snapshot shown is `raw` itself, shared.
    pub fn absorb(&mut self, shown: Option<&Snapshot>, raw: Snapshot) -> Arc<Snapshot> {
        self.connection_lost = lost_connection(&raw);
        let raw = Arc::new(raw);
        let mut merged = Arc::clone(&raw);
        let at = raw.taken_at;
        keep_fast!(self, SectionId::Server, at, raw, merged, shown, |s| s
            .server);
        keep_fast!(self, SectionId::Activity, at, raw, merged, shown, |s| s
            .activity);
        keep_fast!(self, SectionId::Databases, at, raw, merged, shown, |s| s
            .databases);
        keep_fast!(self, SectionId::Statements, at, raw, merged, shown, |s| s
            .statements);
        keep_fast!(self, SectionId::Progress, at, raw, merged, shown, |s| s
            .progress);
        keep_fast!(self, SectionId::Horizon, at, raw, merged, shown, |s| s
            .horizon);
        if let Some(section) = raw.locks.as_ref() {
            let before = shown.and_then(|s| s.locks.as_ref());
            if let Some(value) = self.keep(SectionId::Locks, at, section, before) {
                Arc::make_mut(&mut merged).locks = Some(Ok(value));
            }
        }
        keep_fast!(
            self,
            SectionId::ReplicationSenders,
            at,
            raw,
            merged,
            shown,
            |s| s.replication.senders
        );
        keep_fast!(
            self,
            SectionId::ReplicationSlots,
            at,
            raw,
            merged,
            shown,
            |s| s.replication.slots
        );
        keep_fast!(self, SectionId::Wal, at, raw, merged, shown, |s| s
            .replication
            .wal);
        keep_fast!(self, SectionId::Io, at, raw, merged, shown, |s| s
            .replication
            .io);
        keep_fast!(self, SectionId::Standby, at, raw, merged, shown, |s| s
            .replication
            .standby);
        if let Some(section) = raw.pgbouncer.as_ref() {
            let before = shown.and_then(|s| s.pgbouncer.as_ref());
            if let Some(value) = self.keep(SectionId::PgBouncer, at, section, before) {
                Arc::make_mut(&mut merged).pgbouncer = Some(Ok(value));
            }
        }
        let slow = self.slow_tier(&raw, shown);
        let same_slow = match (&slow, &raw.slow) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        };
        if !same_slow {
            Arc::make_mut(&mut merged).slow = slow;
        }
        self.previous_raw = Some(raw);
        merged
    }

    /// One section: records a good read, or a failed one; returns the shown value to keep
    /// on screen in place of a failed read.
    fn keep<T: Clone>(
        &mut self,
        id: SectionId,
        read_at: SystemTime,
        section: &Section<T>,
        shown: Option<&Section<T>>,
    ) -> Option<T> {
        let kept = match (section, shown) {
            (Err(SectionError::Failed(_)), Some(Ok(value))) => Some(value.clone()),
            _ => None,
        };
        self.record(id, read_at, section.as_ref().map(|_| ()), kept.is_some());
        kept
    }

    /// What a read of section `id` at `read_at` says about what is on screen.
    /// `Unavailable` (no extension, no privilege) is an answer, not a failure: shown as is.
    fn record(
        &mut self,
        id: SectionId,
        read_at: SystemTime,
        outcome: Result<(), &SectionError>,
        kept: bool,
    ) {
        let state = self.sections.entry(id).or_default();
        match outcome {
            Ok(()) => {
                *state = SectionState {
                    read_at: Some(read_at),
                    ..SectionState::default()
                }
            }
            Err(SectionError::Unavailable { .. }) => *state = SectionState::default(),
            Err(SectionError::Failed(reason)) => {
                state.failure = Some(reason.clone());
                state.connection_only = false;
                if !kept {
                    state.read_at = None;
                }
            }
        }
    }

    /// The slow tier to show: failed sections keep the shown tier's values, and while
    /// the connection is down every section shown is stale since its group was read.
    fn slow_tier(&mut self, raw: &Snapshot, shown: Option<&Snapshot>) -> Option<Arc<SlowTier>> {
        let tier = raw.slow.as_ref()?;
        let shown_slow = shown.and_then(|s| s.slow.as_ref());
        let unchanged = self
            .previous_raw
            .as_ref()
            .and_then(|p| p.slow.as_ref())
            .is_some_and(|before| Arc::ptr_eq(before, tier));
        // The poller re-sends the same tier until its next slow poll: nothing to merge
        // again (a merge copies thousands of rows).
        let result = match (unchanged, shown_slow) {
            (true, Some(shown_slow)) => Arc::clone(shown_slow),
            _ => self.merge_slow(tier, shown_slow.map(|s| &**s)),
        };
        let lost = self.connection_lost.clone();
        for id in SLOW_SECTIONS {
            let state = self.sections.entry(id).or_default();
            match &lost {
                Some(reason) if state.read_at.is_some() && state.failure.is_none() => {
                    state.failure = Some(reason.clone());
                    state.connection_only = true;
                }
                None if state.connection_only => {
                    state.failure = None;
                    state.connection_only = false;
                }
                _ => {}
            }
        }
        Some(result)
    }

    /// A new slow tier with its failed sections replaced by the shown tier's values.
    fn merge_slow(&mut self, tier: &Arc<SlowTier>, shown_tier: Option<&SlowTier>) -> Arc<SlowTier> {
        let times = tier.read_at;
        let mut merged: Option<SlowTier> = None;
        macro_rules! keep_slow {
            ($id:expr, $field:ident, $read_at:expr) => {{
                let read_at = $read_at.unwrap_or(tier.taken_at);
                let before = shown_tier.map(|s| &s.$field);
                match (&tier.$field, before) {
                    (Err(SectionError::Failed(_)), Some(Ok(_))) => {
                        let target = merged.get_or_insert_with(|| (**tier).clone());
                        if let Some(value) = self.keep($id, read_at, &target.$field, before) {
                            target.$field = Ok(value);
                        }
                        // The rows kept keep the cap they were read with.
                        if let (Some(list), Some(shown)) = (capped_list($id), shown_tier)
                            && let Some(cap) = shown.caps.get(&list)
                        {
                            target.caps.insert(list, cap.clone());
                        }
                    }
                    (section, _) => self.record($id, read_at, section.as_ref().map(|_| ()), false),
                }
            }};
        }
        keep_slow!(SectionId::PerformanceLog, performance_log, times.every_poll);
        keep_slow!(SectionId::TableTotals, table_totals, times.every_poll);
        keep_slow!(SectionId::TableCache, table_cache, times.cache);
        keep_slow!(SectionId::SnapshotHistory, snapshot_history, times.cache);
        keep_slow!(SectionId::Indexes, indexes, times.indexes);
        keep_slow!(SectionId::TableScans, table_scans, times.indexes);
        keep_slow!(SectionId::Maintenance, maintenance, times.maintenance);
        keep_slow!(
            SectionId::StatisticsSince,
            statistics_since,
            times.maintenance
        );
        keep_slow!(SectionId::Wraparound, wraparound, times.maintenance);
        keep_slow!(SectionId::TaskHistory, task_history, times.maintenance);
        keep_slow!(
            SectionId::DatabaseSizes,
            database_sizes,
            times.database_sizes
        );
        match merged {
            Some(tier) => Arc::new(tier),
            None => Arc::clone(tier),
        }
    }
}

/// The capped list a section is read from, if it is one.
fn capped_list(id: SectionId) -> Option<CappedList> {
    match id {
        SectionId::PerformanceLog => Some(CappedList::QueryHashes),
        SectionId::TableCache => Some(CappedList::CacheTables),
        SectionId::TableScans => Some(CappedList::TableScans),
        SectionId::Maintenance => Some(CappedList::Maintenance),
        SectionId::Wraparound => Some(CappedList::WraparoundTables),
        SectionId::TaskHistory => Some(CappedList::TaskHistory),
        _ => None,
    }
}

/// The poller reports a lost connection by failing every fast section with one error;
/// one failing query (a timeout on a sick server) fails only its own.
fn lost_connection(snapshot: &Snapshot) -> Option<String> {
    let failed = |section: Result<(), &SectionError>| match section {
        Err(SectionError::Failed(line)) => Some(line.clone()),
        _ => None,
    };
    let server = failed(snapshot.server.as_ref().map(|_| ()))?;
    let activity = failed(snapshot.activity.as_ref().map(|_| ()))?;
    let databases = failed(snapshot.databases.as_ref().map(|_| ()))?;
    (server == activity && server == databases).then_some(server)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitor::snapshot::test_support::*;

    fn lost(mut snapshot: Snapshot, error: &str) -> Snapshot {
        let failed = SectionError::Failed(error.into());
        snapshot.server = Err(failed.clone());
        snapshot.activity = Err(failed.clone());
        snapshot.databases = Err(failed.clone());
        snapshot.statements = Err(failed.clone());
        snapshot.progress = Err(failed);
        snapshot
    }

    #[test]
    fn a_lost_connection_keeps_every_section_with_its_age() {
        let mut last = LastGood::default();
        let good = snapshot_at(0).with_sessions(vec![session(7)]);
        let shown = last.absorb(None, good);
        let failed = lost(snapshot_at(12), "connection refused");
        let merged = last.absorb(Some(&shown), failed);
        let pids: Vec<i32> = merged
            .activity
            .as_ref()
            .map(|s| s.iter().map(|s| s.pid).collect())
            .unwrap_or_default();
        assert_eq!(pids, vec![7], "the last sessions stay on screen");
        let stale = last.stale(SectionId::Activity);
        assert_eq!(
            stale.as_ref().map(|s| (s.age(at(12)), s.reason)),
            Some((Some(Duration::from_secs(12)), "connection refused"))
        );
        assert_eq!(last.connection_lost(), Some("connection refused"));
        assert_eq!(
            stale.map(|s| s.title_suffix(at(12))).as_deref(),
            Some(" · stale 12s")
        );
        // The previous poll as it came: failed, for the rates.
        assert!(last.previous_raw().is_some_and(|p| p.databases.is_err()));
    }

    #[test]
    fn a_good_read_is_fresh_again_and_unavailable_is_not_stale() {
        let mut last = LastGood::default();
        let shown = last.absorb(None, snapshot_at(0));
        let shown = last.absorb(Some(&shown), lost(snapshot_at(1), "timeout"));
        assert!(last.stale(SectionId::Server).is_some());
        let mut back = snapshot_at(2);
        back.statements = Err(SectionError::Unavailable {
            reason: "pg_stat_statements is not installed".into(),
            fix: None,
        });
        let merged = last.absorb(Some(&shown), back);
        assert_eq!(last.stale(SectionId::Server), None);
        assert_eq!(last.stale(SectionId::Statements), None);
        assert!(merged.statements.is_err(), "unavailable is shown as such");
        assert_eq!(last.connection_lost(), None);
    }

    #[test]
    fn the_slow_tier_is_stale_while_the_connection_is_down_and_only_then() {
        let mut last = LastGood::default();
        let mut tier = SlowTier::not_polled(at(0));
        tier.read_at.every_poll = Some(at(0));
        tier.table_totals = Ok(tables(1, 1, 1, 1));
        let tier = Arc::new(tier);
        let mut good = snapshot_at(0);
        good.slow = Some(Arc::clone(&tier));
        let shown = last.absorb(None, good);
        // The poller re-sends the tier it has while the connection is down.
        let mut down = lost(snapshot_at(5), "connection refused");
        down.slow = Some(Arc::clone(&tier));
        let shown = last.absorb(Some(&shown), down);
        let stale = last.stale(SectionId::TableTotals);
        assert_eq!(
            stale.and_then(|s| s.age(at(5))),
            Some(Duration::from_secs(5))
        );
        let mut back = snapshot_at(6);
        back.slow = Some(tier);
        last.absorb(Some(&shown), back);
        assert_eq!(last.stale(SectionId::TableTotals), None);
    }

    #[test]
    fn a_failed_slow_section_keeps_its_last_rows_and_their_time() {
        let mut last = LastGood::default();
        let mut first = snapshot_at(0);
        let mut tier = SlowTier::not_polled(at(0));
        tier.read_at.maintenance = Some(at(0));
        tier.maintenance = Ok(Arc::new(Vec::new()));
        first.slow = Some(Arc::new(tier.clone()));
        let shown = last.absorb(None, first);
        let mut second = snapshot_at(30);
        tier.taken_at = at(30);
        tier.read_at.maintenance = Some(at(30));
        tier.maintenance = Err(SectionError::Failed("statement timeout".into()));
        second.slow = Some(Arc::new(tier));
        let merged = last.absorb(Some(&shown), second);
        let kept = merged.slow.as_ref().map(|s| s.maintenance.is_ok());
        assert_eq!(kept, Some(true));
        let stale = last.stale(SectionId::Maintenance);
        assert_eq!(
            stale.map(|s| (s.age(at(30)), s.reason.to_string())),
            Some((Some(Duration::from_secs(30)), "statement timeout".into()))
        );
    }
}
