//! Why VACUUM cannot clean: every holder of the xmin horizon, oldest first, and which
//! tables' dead tuples a holder keeps.
//!
//! The horizon of a database is the oldest of: its backends' snapshots and transaction
//! ids, its prepared transactions, every replication slot's `xmin` (and, for the system
//! catalogs only, `catalog_xmin`), and the `backend_xmin` that standbys send with
//! `hot_standby_feedback` (WAL senders belong to no database: they hold every one). A
//! dead tuple deleted after that point cannot be removed, by VACUUM or anything else.
//!
//! **Held back by** (see [`Horizon::held_back`]): a user table with dead tuples is held
//! back by the oldest holder that applies to its database (catalog-only holders never
//! apply to user tables) when
//! 1. the table's last VACUUM (manual or auto) ran after that holder began holding (its
//!    transaction start, or the time it was prepared): VACUUM leaves in `n_dead_tup`
//!    exactly the dead tuples it could not remove, so what it left was kept by a holder
//!    that was there all along — [`HeldBackBy::VacuumLeftThem`]; or
//! 2. the holder is old ([`HeldBackRule`]: held for a minute, or 1,000 transactions when
//!    its start is unknown, as for slots and standbys): every tuple deleted since it
//!    began holding is still there, whatever VACUUM does — [`HeldBackBy::OldHolder`].
//!
//! A short transaction is not named: it is gone before VACUUM would care.

use std::time::{Duration, SystemTime};

use crate::monitor::snapshot::horizon::HorizonHolders;
use crate::monitor::snapshot::maintenance::TableMaintenance;
use crate::monitor::snapshot::{BackendType, SessionState};

/// What holds the horizon.
#[derive(Debug, Clone, PartialEq)]
pub enum HolderKind {
    Backend {
        pid: i32,
        /// `None` when hidden by privileges: such a session cannot be terminated safely.
        backend_start: Option<SystemTime>,
        user: Option<String>,
        database: Option<String>,
        application: String,
        backend_type: BackendType,
        state: Option<SessionState>,
        /// Sanitized, one line.
        query: String,
    },
    Prepared {
        /// Exact, for `ROLLBACK PREPARED` only; `gid` is the display text.
        raw_gid: String,
        gid: String,
        owner: Option<String>,
        /// Exact, to connect to; `database` is the display text.
        raw_database: String,
        database: String,
        prepared: SystemTime,
    },
    Slot {
        name: String,
        slot_type: String,
        database: Option<String>,
        active: bool,
        active_pid: Option<i32>,
        xmin_age: Option<i32>,
        catalog_xmin_age: Option<i32>,
        retained_wal_bytes: Option<i64>,
        wal_status: Option<String>,
    },
    Standby {
        pid: i32,
        backend_start: Option<SystemTime>,
        application: String,
        client: Option<String>,
    },
}

/// Which tables a holder keeps from being cleaned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HolderScope {
    /// Every table of the databases it applies to.
    AllTables,
    /// Only the system catalogs (a logical slot's `catalog_xmin`).
    CatalogsOnly,
}

/// One holder of the horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct Holder {
    pub kind: HolderKind,
    /// How far back it holds, in transactions (`age(xid)`).
    pub xid_age: i32,
    /// Since when it holds, when known (transaction start, time prepared, a slot's
    /// `inactive_since` on 17+ is not it: a slot's xmin age in time is unknown).
    pub since: Option<SystemTime>,
    /// How long it has held, on the server's clock, when known.
    pub age: Option<Duration>,
    pub scope: HolderScope,
}

impl Holder {
    /// `pid 4242`, `prepared 'gid'`, `slot standby_1 (physical)`, `standby walreceiver
    /// (pid 77)`: what "held back by" names.
    pub fn label(&self) -> String {
        match &self.kind {
            HolderKind::Backend { pid, .. } => format!("pid {pid}"),
            HolderKind::Prepared { gid, .. } => format!("prepared '{gid}'"),
            HolderKind::Slot {
                name, slot_type, ..
            } => format!("slot {name} ({slot_type})"),
            HolderKind::Standby {
                pid, application, ..
            } => format!("standby {application} (pid {pid})"),
        }
    }

    /// Whether it holds back the user tables of `database`: backends and prepared
    /// transactions hold their own database only; slots with `xmin` and standby
    /// feedback hold every database; catalog-only holders no user table.
    pub fn holds_user_tables_of(&self, database: &str) -> bool {
        if self.scope == HolderScope::CatalogsOnly {
            return false;
        }
        match &self.kind {
            HolderKind::Backend { database: db, .. } => {
                db.as_deref().is_none_or(|db| db == database)
            }
            HolderKind::Prepared { database: db, .. } => db == database,
            HolderKind::Slot { .. } | HolderKind::Standby { .. } => true,
        }
    }
}

/// When a holder counts as old enough to name (see the module's rule 2).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeldBackRule {
    pub min_age: Duration,
    pub min_xid_age: i32,
}

impl Default for HeldBackRule {
    fn default() -> Self {
        Self {
            min_age: Duration::from_secs(60),
            min_xid_age: 1_000,
        }
    }
}

impl HeldBackRule {
    fn is_old(&self, holder: &Holder) -> bool {
        holder.age.is_some_and(|age| age >= self.min_age) || holder.xid_age >= self.min_xid_age
    }
}

/// Why a table's dead tuples are said to be held back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeldBackBy {
    /// Its last VACUUM ran while the holder held, and left these dead tuples.
    VacuumLeftThem,
    /// The holder is old: whatever was deleted since it began cannot be removed.
    OldHolder,
}

/// A table's dead tuples and who keeps them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeldBack<'a> {
    pub holder: &'a Holder,
    pub why: HeldBackBy,
}

/// Every holder, oldest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Horizon {
    pub holders: Vec<Holder>,
    /// The database whose tables the screens list (pgpulse's own).
    pub database: String,
    pub rule: HeldBackRule,
}

impl Horizon {
    /// Orders what one poll read: the largest age in transactions first (then the longest
    /// held). `database` is the connected one.
    pub fn of(raw: &HorizonHolders, database: &str, rule: HeldBackRule) -> Self {
        let mut holders: Vec<Holder> = raw
            .backends
            .iter()
            .filter_map(|b| {
                Some(Holder {
                    xid_age: b.xmin_age.max(b.xid_age)?,
                    since: b.xact_start,
                    age: b.xact_age,
                    scope: HolderScope::AllTables,
                    kind: HolderKind::Backend {
                        pid: b.pid,
                        backend_start: b.backend_start,
                        user: b.user.clone(),
                        database: b.database.clone(),
                        application: b.application.clone(),
                        backend_type: b.backend_type.clone(),
                        state: b.state.clone(),
                        query: b.query.clone(),
                    },
                })
            })
            .collect();
        holders.extend(raw.prepared.iter().map(|p| Holder {
            xid_age: p.xid_age,
            since: Some(p.prepared),
            age: Some(p.age),
            scope: HolderScope::AllTables,
            kind: HolderKind::Prepared {
                raw_gid: p.raw_gid.clone(),
                gid: p.gid.clone(),
                owner: p.owner.clone(),
                raw_database: p.raw_database.clone(),
                database: p.database.clone(),
                prepared: p.prepared,
            },
        }));
        holders.extend(raw.slots.iter().filter_map(|s| {
            // A slot's xmin holds every table; its catalog_xmin only the catalogs.
            let (xid_age, scope) = match (s.xmin_age, s.catalog_xmin_age) {
                (Some(xmin), _) => (xmin, HolderScope::AllTables),
                (None, Some(catalog)) => (catalog, HolderScope::CatalogsOnly),
                (None, None) => return None,
            };
            Some(Holder {
                xid_age,
                since: None,
                age: None,
                scope,
                kind: HolderKind::Slot {
                    name: s.name.clone(),
                    slot_type: s.slot_type.clone(),
                    database: s.database.clone(),
                    active: s.active,
                    active_pid: s.active_pid,
                    xmin_age: s.xmin_age,
                    catalog_xmin_age: s.catalog_xmin_age,
                    retained_wal_bytes: s.retained_wal_bytes,
                    wal_status: s.wal_status.clone(),
                },
            })
        }));
        holders.extend(raw.standbys.iter().map(|s| Holder {
            xid_age: s.xmin_age,
            since: None,
            age: None,
            scope: HolderScope::AllTables,
            kind: HolderKind::Standby {
                pid: s.pid,
                backend_start: s.backend_start,
                application: s.application.clone(),
                client: s.client.clone(),
            },
        }));
        holders.sort_by(|a, b| b.xid_age.cmp(&a.xid_age).then(b.age.cmp(&a.age)));
        Self {
            holders,
            database: database.to_string(),
            rule,
        }
    }

    /// The oldest holder of all (catalog-only ones included: the Dashboard's figure).
    pub fn oldest(&self) -> Option<&Holder> {
        self.holders.first()
    }

    /// The oldest holder of the connected database's user tables.
    pub fn oldest_for_user_tables(&self) -> Option<&Holder> {
        self.holders
            .iter()
            .find(|h| h.holds_user_tables_of(&self.database))
    }

    /// Who keeps `table`'s dead tuples (a user table of the connected database), by the
    /// module's rule; `None` when it has none or nothing old holds them.
    pub fn held_back(&self, table: &TableMaintenance) -> Option<HeldBack<'_>> {
        if table.n_dead_tup <= 0 {
            return None;
        }
        let holder = self.oldest_for_user_tables()?;
        let last_vacuum = table.last_vacuum.max(table.last_autovacuum);
        let vacuumed_while_held = matches!(
            (holder.since, last_vacuum),
            (Some(since), Some(vacuum)) if vacuum >= since
        );
        if vacuumed_while_held {
            return Some(HeldBack {
                holder,
                why: HeldBackBy::VacuumLeftThem,
            });
        }
        self.rule.is_old(holder).then_some(HeldBack {
            holder,
            why: HeldBackBy::OldHolder,
        })
    }
}

#[cfg(test)]
#[path = "horizon_tests.rs"]
mod tests;
