//! Judgements on a table's maintenance state: due for autovacuum by the server's own
//! threshold formula, and overdue against the seed's schedule. Pure: the caller passes
//! `now` (preferably the server's clock, `ServerState::now`).

use std::time::{Duration, SystemTime};

use crate::monitor::snapshot::Section;
use crate::monitor::snapshot::maintenance::{StatisticsSince, TableMaintenance};
use crate::text::format::quantity;

/// How often tables should be analyzed and vacuumed. The default is the seed's schedule:
/// "Update Table Statistics" daily, "Vacuum and Analyze Tables" weekly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaintenanceSchedule {
    pub analyze_every: Duration,
    pub vacuum_every: Duration,
}

impl Default for MaintenanceSchedule {
    fn default() -> Self {
        Self {
            analyze_every: Duration::from_secs(86_400),
            vacuum_every: Duration::from_secs(7 * 86_400),
        }
    }
}

/// Why autovacuum would vacuum a table now.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum VacuumTrigger {
    /// `age(relfrozenxid)` past the table's `autovacuum_freeze_max_age`: autovacuum runs
    /// this one even where it is turned off.
    Wraparound { xid_age: i64, freeze_max_age: i64 },
    /// More dead tuples than the vacuum threshold.
    DeadTuples { dead: i64, threshold: f64 },
    /// More rows inserted since the last vacuum than the insert threshold (13+).
    Inserts { inserted: i64, threshold: f64 },
}

/// Why autovacuum will not act on a table (except for wraparound).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AutovacuumOff {
    /// The table's `autovacuum_enabled` reloption is false.
    Table,
    /// `autovacuum` or `track_counts` is off on the server.
    Server,
}

/// What autovacuum's formula says about one table.
#[derive(Debug, Clone, PartialEq)]
pub struct AutovacuumVerdict {
    /// `threshold + scale_factor * reltuples`, capped by the max threshold (18+).
    pub vacuum_threshold: f64,
    /// `None` when insert-triggered vacuums are off (`-1`).
    pub insert_threshold: Option<f64>,
    pub analyze_threshold: f64,
    /// `n_mod_since_analyze`, compared with `analyze_threshold`.
    pub changes_since_analyze: i64,
    /// Empty when vacuum is not due; wraparound first.
    pub vacuum_due: Vec<VacuumTrigger>,
    pub analyze_due: bool,
    pub off: Option<AutovacuumOff>,
}

impl AutovacuumVerdict {
    /// Something is due that autovacuum will not do because it is off (a wraparound
    /// vacuum always runs).
    pub fn blocked(&self) -> bool {
        let ordinary_vacuum = self
            .vacuum_due
            .iter()
            .any(|t| !matches!(t, VacuumTrigger::Wraparound { .. }));
        self.off.is_some() && (ordinary_vacuum || self.analyze_due)
    }

    /// One line for the panel, e.g. `vacuum due (5.0k dead tuples > 50) but autovacuum
    /// is off for this table`; `None` when nothing is due.
    pub fn summary(&self) -> Option<String> {
        let mut parts = Vec::new();
        if !self.vacuum_due.is_empty() {
            let reasons: Vec<String> = self.vacuum_due.iter().map(trigger_text).collect();
            parts.push(format!("vacuum due ({})", reasons.join(", ")));
        }
        if self.analyze_due {
            parts.push(format!(
                "analyze due ({} changes > {})",
                quantity(self.changes_since_analyze as f64),
                quantity(self.analyze_threshold)
            ));
        }
        if parts.is_empty() {
            return None;
        }
        let mut line = parts.join(", ");
        match (self.blocked(), self.off) {
            (true, Some(AutovacuumOff::Table)) => {
                line.push_str(" but autovacuum is off for this table");
            }
            (true, Some(AutovacuumOff::Server)) => {
                line.push_str(" but autovacuum is off on the server");
            }
            (false, Some(_)) => line.push_str(" (runs even with autovacuum off)"),
            _ => {}
        }
        Some(line)
    }
}

fn trigger_text(trigger: &VacuumTrigger) -> String {
    match *trigger {
        VacuumTrigger::Wraparound {
            xid_age,
            freeze_max_age,
        } => format!(
            "anti-wraparound: xid age {} > {}",
            quantity(xid_age as f64),
            quantity(freeze_max_age as f64)
        ),
        VacuumTrigger::DeadTuples { dead, threshold } => format!(
            "{} dead tuples > {}",
            quantity(dead as f64),
            quantity(threshold)
        ),
        VacuumTrigger::Inserts {
            inserted,
            threshold,
        } => format!(
            "{} inserts > {}",
            quantity(inserted as f64),
            quantity(threshold)
        ),
    }
}

/// The live tuples to judge dead ones against: `n_live_tup`, unless it was wiped (a stats
/// reset or a crash restart zeroes it until the table's next VACUUM or ANALYZE) while the
/// catalog still knows the rows (`reltuples`, which survives both). Right after a crash
/// restart every counter starts at 0 and a few updates would read as 100 % dead.
pub fn live_estimate(table: &TableMaintenance) -> i64 {
    if measured_since_counters_began(table) {
        table.n_live_tup
    } else {
        table.n_live_tup.max(reltuples(table))
    }
}

/// Whether `n_live_tup` is the counter alone where the catalog knows more rows: the
/// counter was wiped, and [`live_estimate`] reads `reltuples` instead.
pub fn live_is_estimated(table: &TableMaintenance) -> bool {
    !measured_since_counters_began(table) && reltuples(table) > table.n_live_tup
}

/// A VACUUM or ANALYZE recorded means the counters were set from the table itself since
/// they (last) began.
fn measured_since_counters_began(table: &TableMaintenance) -> bool {
    [
        table.last_vacuum,
        table.last_autovacuum,
        table.last_analyze,
        table.last_autoanalyze,
    ]
    .iter()
    .any(Option::is_some)
}

/// `reltuples` as a count: -1 (never vacuumed or analyzed, 14+) and NaN are 0.
fn reltuples(table: &TableMaintenance) -> i64 {
    if table.reltuples.is_finite() && table.reltuples > 0.0 {
        table.reltuples as i64
    } else {
        0
    }
}

/// Dead tuples as a fraction (0..=1) of live + dead (live per [`live_estimate`]); `None`
/// for an empty table.
pub fn dead_ratio(table: &TableMaintenance) -> Option<f64> {
    crate::analysis::metrics::dead_tuple_share(table.n_dead_tup, live_estimate(table))
}

/// The server's own decision (`relation_needs_vacanalyze`): vacuum when dead tuples exceed
/// `threshold + scale_factor * reltuples` (18+: capped by the max threshold), or inserts
/// since the last vacuum exceed the insert threshold (18+: scaled by the unfrozen part of
/// the table), or `age(relfrozenxid)` exceeds `freeze_max_age`; analyze when changes since
/// the last analyze exceed the analyze threshold. A never-vacuumed table (reltuples -1)
/// counts as 0 rows. Partitioned parents are never processed by autovacuum.
pub fn autovacuum_verdict(table: &TableMaintenance) -> AutovacuumVerdict {
    let s = &table.autovacuum;
    let reltuples = table.reltuples.max(0.0);
    let mut vacuum_threshold = s.vacuum_threshold as f64 + s.vacuum_scale_factor * reltuples;
    if let Some(cap) = s.vacuum_max_threshold {
        vacuum_threshold = vacuum_threshold.min(cap as f64);
    }
    let unfrozen = match table.relallfrozen {
        Some(frozen) if table.relpages > 0 && frozen > 0 => {
            1.0 - f64::from(frozen.min(table.relpages)) / f64::from(table.relpages)
        }
        _ => 1.0,
    };
    let insert_threshold = (s.vacuum_insert_threshold >= 0).then_some(
        s.vacuum_insert_threshold as f64 + s.vacuum_insert_scale_factor * reltuples * unfrozen,
    );
    let analyze_threshold = s.analyze_threshold as f64 + s.analyze_scale_factor * reltuples;
    let off = if !s.enabled {
        Some(AutovacuumOff::Table)
    } else if !s.server_enabled {
        Some(AutovacuumOff::Server)
    } else {
        None
    };
    let mut verdict = AutovacuumVerdict {
        vacuum_threshold,
        insert_threshold,
        analyze_threshold,
        changes_since_analyze: table.n_mod_since_analyze,
        vacuum_due: Vec::new(),
        analyze_due: false,
        off,
    };
    if table.partitioned {
        return verdict;
    }
    if let Some(age) = table.xid_age.map(i64::from)
        && age > s.freeze_max_age
    {
        verdict.vacuum_due.push(VacuumTrigger::Wraparound {
            xid_age: age,
            freeze_max_age: s.freeze_max_age,
        });
    }
    if table.n_dead_tup as f64 > vacuum_threshold {
        verdict.vacuum_due.push(VacuumTrigger::DeadTuples {
            dead: table.n_dead_tup,
            threshold: vacuum_threshold,
        });
    }
    if let Some(threshold) = insert_threshold
        && table.n_ins_since_vacuum as f64 > threshold
    {
        verdict.vacuum_due.push(VacuumTrigger::Inserts {
            inserted: table.n_ins_since_vacuum,
            threshold,
        });
    }
    verdict.analyze_due = table.n_mod_since_analyze as f64 > analyze_threshold;
    verdict
}

/// How far back the statistics of the tables go: what "no run recorded" means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountersSince {
    /// Kept since the cluster was created, at this time: no run recorded means never (and
    /// a table can be no older than its cluster).
    ClusterCreation(SystemTime),
    /// Began at this time (a stats reset or crash restart): no run recorded means none
    /// since then; earlier runs are forgotten.
    Reset(SystemTime),
    /// Not known (the source could not be read): no run recorded proves nothing.
    Unknown,
}

impl CountersSince {
    /// From the slow tier's [`StatisticsSince`] section.
    pub fn from_section(section: &Section<StatisticsSince>) -> Self {
        match section.as_ref().map(StatisticsSince::reset_at) {
            Ok(Some(at)) => Self::Reset(at),
            Ok(None) => Self::ClusterCreation(
                section
                    .as_ref()
                    .map_or(SystemTime::UNIX_EPOCH, |s| s.cluster_created),
            ),
            Err(_) => Self::Unknown,
        }
    }
}

/// Late against the schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overdue {
    /// Never done (manually or by autovacuum): the statistics go back to the cluster's
    /// creation.
    Never,
    /// Last done this long ago, more than the schedule allows.
    Since(Duration),
    /// No run recorded since the statistics began this long ago (a reset or a crash
    /// restart), which is already more than the schedule allows.
    NoneSinceReset(Duration),
}

/// Whether the table needs an ANALYZE it has not had within `schedule.analyze_every`.
/// Only tables with modifications since their last analyze need one (an empty or
/// unchanged table is not late, whatever its age); partitioned parents always do, since
/// autovacuum never analyzes them and their own counters do not move.
pub fn analyze_overdue(
    table: &TableMaintenance,
    schedule: &MaintenanceSchedule,
    now: SystemTime,
    since: CountersSince,
) -> Option<Overdue> {
    let changed = table.partitioned || table.n_mod_since_analyze > 0;
    overdue(
        changed.then_some(table.last_analyze.max(table.last_autoanalyze)),
        schedule.analyze_every,
        now,
        since,
    )
}

/// Whether the table needs a VACUUM it has not had within `schedule.vacuum_every`: only
/// tables with dead tuples or rows inserted since their last vacuum (to mark visible and
/// freeze) need one. Partitioned parents have nothing to vacuum (their partitions are
/// judged on their own).
pub fn vacuum_overdue(
    table: &TableMaintenance,
    schedule: &MaintenanceSchedule,
    now: SystemTime,
    since: CountersSince,
) -> Option<Overdue> {
    let work = !table.partitioned && (table.n_dead_tup > 0 || table.n_ins_since_vacuum > 0);
    overdue(
        work.then_some(table.last_vacuum.max(table.last_autovacuum)),
        schedule.vacuum_every,
        now,
        since,
    )
}

/// `last`: `None` when the table has nothing to do, `Some(None)` when no run is recorded.
fn overdue(
    last: Option<Option<SystemTime>>,
    every: Duration,
    now: SystemTime,
    since: CountersSince,
) -> Option<Overdue> {
    match last? {
        // A last run "in the future" (clock skew between the caller and the server) is
        // recent, not overdue.
        Some(last) => {
            let ago = now.duration_since(last).unwrap_or_default();
            (ago > every).then_some(Overdue::Since(ago))
        }
        // Never run: late once the table can have existed longer than the schedule allows
        // (a table of a cluster created yesterday is not a week late).
        None => match since {
            CountersSince::ClusterCreation(at) => {
                let ago = now.duration_since(at).unwrap_or_default();
                (ago > every).then_some(Overdue::Never)
            }
            CountersSince::Reset(at) => {
                let ago = now.duration_since(at).unwrap_or_default();
                (ago > every).then_some(Overdue::NoneSinceReset(ago))
            }
            CountersSince::Unknown => None,
        },
    }
}

#[cfg(test)]
#[path = "maintenance_rules_tests.rs"]
mod tests;
