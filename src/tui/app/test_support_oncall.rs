//! Builders for the on-call panels' tests: a horizon held by one of each kind of holder,
//! a lock chain (with waits measured exactly, or estimated as before PG 14), a server
//! with three databases, and a standby. Each reads like the situation it describes.
#![allow(dead_code)] // Shared by the app and render tests: not each uses all.

use std::sync::Arc;
use std::time::Duration;

use super::test_support::*;
use crate::monitor::snapshot::horizon::{
    BackendHolder, HorizonHolders, PreparedHolder, SlotHolder, StandbyHolder,
};
use crate::monitor::snapshot::locks::{LockRow, Locks, WaitFrom};
use crate::monitor::snapshot::{BackendType, DatabaseSize, SessionState, SlowTier, Snapshot};
use crate::pg::probe::sample_capabilities;

/// A prepared transaction forgotten 40 minutes before `now`, 2,345,678 transactions back.
pub(crate) fn forgotten_prepared(now: u64) -> PreparedHolder {
    PreparedHolder {
        raw_gid: "nightly_export_42".into(),
        gid: "nightly_export_42".into(),
        owner: Some("app".into()),
        raw_database: "app".into(),
        database: "app".into(),
        prepared: at(now - 40 * 60),
        age: Duration::from_secs(40 * 60),
        xid_age: 2_345_678,
    }
}

/// One holder of every kind, oldest first by transactions: an inactive logical slot (its
/// catalog_xmin only), the prepared transaction, a standby's feedback, a session idle in
/// its transaction for 12 minutes.
pub(crate) fn every_kind_of_holder(now: u64) -> HorizonHolders {
    HorizonHolders {
        backends: vec![BackendHolder {
            pid: 4242,
            backend_start: Some(at(now - 3600)),
            user: Some("app".into()),
            database: Some("app".into()),
            application: "learning-api".into(),
            client: Some("10.0.0.7".into()),
            backend_type: BackendType::ClientBackend,
            state: Some(SessionState::IdleInTransaction),
            xact_start: Some(at(now - 12 * 60)),
            xact_age: Some(Duration::from_secs(12 * 60)),
            xmin_age: Some(91_000),
            xid_age: None,
            query: "UPDATE learning_sessions SET completed = true WHERE id = $1".into(),
        }],
        prepared: vec![forgotten_prepared(now)],
        slots: vec![SlotHolder {
            name: "analytics_cdc".into(),
            slot_type: "logical".into(),
            database: Some("app".into()),
            active: false,
            active_pid: None,
            xmin_age: None,
            catalog_xmin_age: Some(3_100_000),
            retained_wal_bytes: Some(153 << 20),
            wal_status: Some("reserved".into()),
            inactive_since: None,
            inactive_age: None,
        }],
        standbys: vec![StandbyHolder {
            pid: 777,
            backend_start: Some(at(now - 7200)),
            application: "replica_1".into(),
            client: Some("10.0.0.12".into()),
            xmin_age: 150_000,
        }],
    }
}

/// A snapshot at `now` connected to database `app`, with `holders`.
pub(crate) fn with_holders(now: u64, holders: HorizonHolders) -> Snapshot {
    let mut snapshot = snapshot_at(now);
    snapshot.capabilities = Some(Arc::new(sample_capabilities()));
    snapshot.horizon = Ok(holders);
    snapshot
}

fn lock(pid: i32, mode: &str, granted: bool) -> LockRow {
    LockRow {
        object_key: "relation:16384:16390".into(),
        locktype: "relation".into(),
        mode: mode.into(),
        granted,
        pid: Some(pid),
        database: Some("app".into()),
        relation_oid: Some(16_390),
        relation_name: Some("public.orders".into()),
        page: None,
        tuple: None,
        virtualxid: None,
        transactionid: None,
        classid: None,
        objid: None,
        objsubid: None,
        backend_start: Some(at(0)),
        user: Some("app".into()),
        application: "learning-api".into(),
        state: Some(if granted {
            SessionState::IdleInTransaction
        } else {
            SessionState::Active
        }),
        xact_age: Some(Duration::from_secs(u64::from(pid.unsigned_abs()) % 1000)),
        wait_age: None,
        wait_from: None,
        blocked_by: Vec::new(),
        query: if granted {
            "ALTER TABLE orders ADD COLUMN note text".into()
        } else {
            "UPDATE orders SET status = 'paid' WHERE id = 7".into()
        },
    }
}

/// An ALTER TABLE holding `public.orders` (pid 4300) with two sessions waiting behind it,
/// the longest 42 s; `estimated`: measured from the waiters' state change (PG 13).
pub(crate) fn lock_chain(estimated: bool) -> Locks {
    let from = if estimated {
        WaitFrom::StateChange
    } else {
        WaitFrom::WaitStart
    };
    let waiter = |pid: i32, wait: u64| LockRow {
        wait_age: Some(Duration::from_secs(wait)),
        wait_from: Some(from),
        blocked_by: vec![4300],
        ..lock(pid, "RowExclusiveLock", false)
    };
    let mut advisory = lock(4400, "ExclusiveLock", true);
    advisory.object_key = "advisory:1:2:1".into();
    advisory.locktype = "advisory".into();
    advisory.relation_oid = None;
    advisory.relation_name = None;
    (advisory.classid, advisory.objid, advisory.objsubid) = (Some(1), Some(2), Some(1));
    advisory.query = "SELECT pg_advisory_lock(1, 2)".into();
    Locks {
        rows: vec![
            lock(4300, "AccessExclusiveLock", true),
            waiter(4301, 42),
            waiter(4302, 7),
            advisory,
        ],
        total: 4,
    }
}

/// Two polls two seconds apart of a server with three databases: `app` (connected, busy,
/// spilling to temp files), `postgres`, and `reports` (a new deadlock); sizes from the
/// slow tier for two of them (`postgres`'s not read yet).
pub(crate) fn three_databases() -> (Snapshot, Snapshot) {
    let databases = |secs: u64, commits: i64, temp: i64, deadlocks: i64| {
        let mut app = db(16_384)
            .commits(commits)
            .blocks(9_500 * secs as i64, 500 * secs as i64);
        app.name = "app".into();
        app.backends = 12;
        app.temp_bytes = temp;
        let mut postgres = db(5).commits(10 * secs as i64);
        postgres.name = "postgres".into();
        postgres.backends = 2;
        let mut reports = db(16_500)
            .commits(secs as i64)
            .blocks(100, 100)
            .deadlocks(deadlocks);
        reports.name = "reports".into();
        reports.backends = 1;
        let mut snapshot = snapshot_at(secs)
            .with_database(app)
            .with_database(postgres)
            .with_database(reports);
        snapshot.capabilities = Some(Arc::new(sample_capabilities()));
        let mut slow = SlowTier::not_polled(at(secs));
        slow.database_sizes = Ok(vec![
            DatabaseSize {
                datid: 16_384,
                size_bytes: Some(3 << 30),
            },
            DatabaseSize {
                datid: 16_500,
                size_bytes: Some(48 << 20),
            },
        ]);
        snapshot.slow = Some(Arc::new(slow));
        snapshot
    };
    (
        databases(10, 1_000, 0, 1),
        databases(12, 1_500, 64 << 20, 2),
    )
}

/// `snapshot` as a standby's: in recovery.
pub(crate) fn on_a_standby(mut snapshot: Snapshot) -> Snapshot {
    if let Ok(server) = &mut snapshot.server {
        server.in_recovery = true;
    }
    snapshot
}
