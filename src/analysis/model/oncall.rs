//! The on-call part of the model: who holds the xmin horizon, the lock view, the
//! per-database table and whether the server is a standby. Computed once per absorbed
//! snapshot: rates from the polls as they came, the rest from what is on screen (each
//! section's last good value).

use crate::analysis::databases::{DatabaseRow, database_rows};
use crate::analysis::horizon::{HeldBackRule, Horizon};
use crate::analysis::locks::{LockView, lock_view};
use crate::analysis::metrics::{DatabaseRates, RateStatus};
use crate::monitor::snapshot::Snapshot;

#[derive(Debug, Default)]
pub(super) struct OnCall {
    pub(super) horizon: Option<Horizon>,
    pub(super) locks: Option<LockView>,
    pub(super) databases: Vec<DatabaseRow>,
    pub(super) in_recovery: Option<bool>,
}

impl OnCall {
    /// The per-database rates: `raw` against the `previous` poll as they came;
    /// `connected` is the connected database's rates without pgpulse's own transactions.
    pub(super) fn absorb_rates(
        &mut self,
        previous: Option<&Snapshot>,
        raw: &Snapshot,
        connected: Option<&RateStatus<DatabaseRates>>,
    ) {
        if raw.databases.is_err() {
            return;
        }
        let database = connected_database(raw);
        let datid = raw
            .databases
            .as_ref()
            .ok()
            .and_then(|dbs| dbs.iter().find(|d| d.name == database))
            .map_or(0, |d| d.datid);
        let unknown = RateStatus::Unavailable;
        self.databases = database_rows(previous, raw, datid, connected.unwrap_or(&unknown));
    }

    /// Everything else, from the snapshot on screen.
    pub(super) fn absorb_shown(&mut self, shown: &Snapshot, rule: HeldBackRule) {
        if let Ok(holders) = &shown.horizon {
            self.horizon = Some(Horizon::of(holders, &connected_database(shown), rule));
        }
        // Off means off: a view turned off shows no old locks when it turns on again.
        self.locks = match &shown.locks {
            Some(Ok(locks)) => Some(lock_view(locks)),
            Some(Err(_)) | None => None,
        };
        // Sizes are slow-tier values: the last good ones.
        let sizes = shown
            .slow
            .as_deref()
            .and_then(|slow| slow.database_sizes.as_ref().ok());
        for row in &mut self.databases {
            row.size_bytes = sizes
                .and_then(|list| list.iter().find(|s| s.datid == row.datid))
                .and_then(|s| s.size_bytes);
        }
        if let Ok(server) = &shown.server {
            self.in_recovery = Some(server.in_recovery);
        }
    }
}

fn connected_database(snapshot: &Snapshot) -> String {
    snapshot
        .capabilities
        .as_ref()
        .map(|c| c.database.clone())
        .unwrap_or_default()
}
