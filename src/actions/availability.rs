//! Which actions a server can run now. A standby is read-only: anything that writes
//! (VACUUM, ANALYZE, REINDEX, dropping an index, the statistics snapshot's INSERT,
//! ROLLBACK PREPARED) fails there with SQLSTATE 25006, so it is disabled before it is
//! tried, with the reason the UI shows. Signals, EXPLAIN (read-only), the
//! pg_stat_statements reset (shared memory only) and dropping one of the standby's own
//! replication slots (cascading replication) work on a standby and stay enabled.

use super::ActionKind;

/// Why an action that writes is off on a standby.
pub const STANDBY_REASON: &str = "read-only standby: run it on the primary";

/// Whether an action can run, and why not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    Available,
    Disabled(&'static str),
}

impl Availability {
    pub fn is_available(self) -> bool {
        self == Availability::Available
    }

    /// The reason it is disabled, if it is.
    pub fn reason(self) -> Option<&'static str> {
        match self {
            Availability::Available => None,
            Availability::Disabled(reason) => Some(reason),
        }
    }
}

impl ActionKind {
    /// The action writes (WAL, a table, a catalog): only a primary can run it.
    pub fn needs_primary(self) -> bool {
        match self {
            ActionKind::VacuumAnalyze
            | ActionKind::Analyze
            | ActionKind::ReindexConcurrently
            | ActionKind::DropInvalidIndex
            | ActionKind::Snapshot
            | ActionKind::RollbackPrepared => true,
            ActionKind::CancelBackend
            | ActionKind::TerminateBackend
            | ActionKind::ResetStatements
            | ActionKind::Explain
            | ActionKind::DropSlot => false,
        }
    }
}

/// Whether `kind` can run on a server that is (`in_recovery`) or is not a standby.
pub fn availability(kind: ActionKind, in_recovery: bool) -> Availability {
    if in_recovery && kind.needs_primary() {
        Availability::Disabled(STANDBY_REASON)
    } else {
        Availability::Available
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_standby_disables_what_writes_and_keeps_signals_and_explain() {
        for kind in [
            ActionKind::VacuumAnalyze,
            ActionKind::Analyze,
            ActionKind::ReindexConcurrently,
            ActionKind::DropInvalidIndex,
            ActionKind::Snapshot,
            ActionKind::RollbackPrepared,
        ] {
            assert_eq!(
                availability(kind, true),
                Availability::Disabled(STANDBY_REASON),
                "{kind:?}"
            );
            assert!(availability(kind, false).is_available(), "{kind:?}");
        }
        for kind in [
            ActionKind::CancelBackend,
            ActionKind::TerminateBackend,
            ActionKind::Explain,
            ActionKind::ResetStatements,
            ActionKind::DropSlot,
        ] {
            assert_eq!(availability(kind, true).reason(), None, "{kind:?}");
        }
    }
}
