//! What a standby changes in the analysis. Its tables are vacuumed and analyzed on the
//! primary (the standby replays the result and records no run of its own), and autovacuum
//! does not run there: judging its tables against the schedule or autovacuum's formula
//! would call every one of them OVERDUE. [`MaintenanceJudge`] is the one place the
//! maintenance verdicts are asked, so a standby flags nothing and says why.

use std::time::SystemTime;

use super::maintenance_rules::{
    AutovacuumVerdict, CountersSince, MaintenanceSchedule, Overdue, analyze_overdue,
    autovacuum_verdict, vacuum_overdue,
};
use crate::monitor::snapshot::maintenance::TableMaintenance;

/// What the Maintenance screen says on a standby instead of verdicts.
pub const MAINTENANCE_ON_STANDBY: &str = "read-only standby: VACUUM and ANALYZE run on the primary, so nothing here is overdue \
     or due for autovacuum";

/// Judges tables' maintenance on the server they were read from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MaintenanceJudge {
    pub schedule: MaintenanceSchedule,
    pub since: CountersSince,
    /// The server is a standby (`pg_is_in_recovery()` at the last poll).
    pub in_recovery: bool,
}

impl MaintenanceJudge {
    /// Why nothing is judged here, when nothing is.
    pub fn note(&self) -> Option<&'static str> {
        self.in_recovery.then_some(MAINTENANCE_ON_STANDBY)
    }

    /// Late for VACUUM against the schedule; never on a standby.
    pub fn vacuum_overdue(&self, table: &TableMaintenance, now: SystemTime) -> Option<Overdue> {
        if self.in_recovery {
            return None;
        }
        vacuum_overdue(table, &self.schedule, now, self.since)
    }

    /// Late for ANALYZE against the schedule; never on a standby.
    pub fn analyze_overdue(&self, table: &TableMaintenance, now: SystemTime) -> Option<Overdue> {
        if self.in_recovery {
            return None;
        }
        analyze_overdue(table, &self.schedule, now, self.since)
    }

    /// Autovacuum's own verdict; `None` on a standby, where autovacuum does not run.
    pub fn autovacuum_verdict(&self, table: &TableMaintenance) -> Option<AutovacuumVerdict> {
        (!self.in_recovery).then(|| autovacuum_verdict(table))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::monitor::snapshot::test_support::{at, maintained_table};

    #[test]
    fn a_standby_flags_nothing_and_says_why_a_primary_judges_as_before() {
        // Never vacuumed, dead tuples, a cluster a month old: late on a primary.
        let mut table = maintained_table(5_000);
        table.n_mod_since_analyze = 5_000;
        let since = CountersSince::ClusterCreation(at(0));
        let now = at(0) + Duration::from_secs(30 * 86_400);
        let primary = MaintenanceJudge {
            schedule: MaintenanceSchedule::default(),
            since,
            in_recovery: false,
        };
        assert_eq!(primary.vacuum_overdue(&table, now), Some(Overdue::Never));
        assert_eq!(primary.analyze_overdue(&table, now), Some(Overdue::Never));
        assert!(primary.autovacuum_verdict(&table).is_some());
        assert_eq!(primary.note(), None);
        let standby = MaintenanceJudge {
            in_recovery: true,
            ..primary
        };
        assert_eq!(standby.vacuum_overdue(&table, now), None);
        assert_eq!(standby.analyze_overdue(&table, now), None);
        assert_eq!(standby.autovacuum_verdict(&table), None);
        assert_eq!(standby.note(), Some(MAINTENANCE_ON_STANDBY));
    }
}
