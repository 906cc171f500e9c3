//! The lock view, the per-database table and a standby's analysis against real servers:
//! a lock chain shows its waiter first with the holder and the relation; a second
//! database shows its own numbers; on a standby the actions that write are disabled with
//! the reason (and refused if tried), nothing is OVERDUE, and its idle TPS is ~0 with
//! pgpulse's own polling left out.

use std::time::Duration;

use crate::common;
use crate::horizon::{poll_until, poller_and_model};

use common::actions::{config, run};
use common::live::{backend_pid, exec, monitor, monitor_db, must, spawn_sql};
use common::standby::start_topology;

use pgpulse::actions::availability::{Availability, STANDBY_REASON, availability};
use pgpulse::actions::executor::Executor;
use pgpulse::actions::{ActionKind, Outcome, RelationTarget, plan};
use pgpulse::analysis::maintenance_rules::MaintenanceSchedule;
use pgpulse::monitor::snapshot::locks::WaitFrom;

/// Session A holds ACCESS EXCLUSIVE on a table, B waits to read it: the view lists the
/// table (named schema.table by the catalogs) among the waited-on objects before any
/// object nobody waits for, with A as holder and B as waiter, B's wait measured from
/// `waitstart` on 14+ (from its state change before, and the view says so).
#[tokio::test]
async fn a_lock_chain_shows_the_waiter_first_with_its_holder_and_relation() {
    let db = common::shared().create_database().await;
    let holder = db.client().await;
    exec(&holder, "CREATE TABLE \"Lock Me\" (id int)").await;
    let holder_pid = backend_pid(&holder).await;
    exec(
        &holder,
        "BEGIN; LOCK TABLE \"Lock Me\" IN ACCESS EXCLUSIVE MODE",
    )
    .await;
    let waiter = db.client().await;
    let waiter_pid = backend_pid(&waiter).await;
    let waiting = spawn_sql(waiter, "SELECT count(*) FROM \"Lock Me\"".into());
    let (session, caps) = monitor_db(&db).await;
    let version = caps.server_version_num;
    let (mut poller, mut model) = poller_and_model(session, caps);
    assert!(
        poller.poll_everything().await.locks.is_none(),
        "read while the view is off"
    );
    poller.watch_locks(true);
    let (index, group) = poll_until(&mut poller, &mut model, "the lock chain", |m| {
        let view = m.lock_view().ok_or("no lock view")?;
        view.groups
            .iter()
            .enumerate()
            .find(|(_, g)| g.waiters.iter().any(|w| w.pid == Some(waiter_pid)))
            .map(|(i, g)| (i, g.clone()))
            .ok_or_else(|| format!("{view:?}"))
    })
    .await;
    let view = model.lock_view().unwrap();
    let first_unwaited = view.groups.iter().position(|g| g.waiters.is_empty());
    assert!(first_unwaited.is_none_or(|at| index < at), "{view:?}");
    assert_eq!(group.object, "public.\"Lock Me\"");
    assert_eq!(group.locktype, "relation");
    assert_eq!(group.holders[0].pid, Some(holder_pid));
    assert_eq!(group.holders[0].mode, "AccessExclusiveLock");
    let waiter = &group.waiters[0];
    assert_eq!(waiter.mode, "AccessShareLock");
    assert_eq!(waiter.blocked_by, vec![holder_pid]);
    assert!(waiter.wait_age.is_some());
    if version < 140_000 {
        assert_eq!(waiter.wait_from, Some(WaitFrom::StateChange));
        assert!(view.waits_estimated);
    } else {
        poll_until(&mut poller, &mut model, "waitstart", |m| {
            let from = m.lock_view().and_then(|v| {
                v.groups
                    .iter()
                    .flat_map(|g| &g.waiters)
                    .find(|w| w.pid == Some(waiter_pid))
                    .and_then(|w| w.wait_from)
            });
            (from == Some(WaitFrom::WaitStart))
                .then_some(())
                .ok_or(format!("{from:?}"))
        })
        .await;
    }
    exec(&holder, "COMMIT").await;
    must(
        tokio::time::timeout(Duration::from_secs(10), waiting).await,
        "waiter",
    )
    .unwrap()
    .unwrap();
    poller.watch_locks(false);
    model.absorb(poller.poll_everything().await);
    assert!(model.lock_view().is_none());
}

/// Two databases: the connected one is marked, the other shows its connections, TPS,
/// deadlock-free counters and size.
#[tokio::test]
async fn every_database_has_its_row_with_its_own_numbers() {
    let server = common::shared();
    let db = server.create_database().await;
    let other = server.create_database().await;
    let busy = other.client().await;
    exec(&busy, "CREATE TABLE t (id int)").await;
    let (session, caps) = monitor_db(&db).await;
    let (mut poller, mut model) = poller_and_model(session, caps);
    model.absorb(poller.poll_everything().await);
    let row = poll_until(&mut poller, &mut model, "the other database's TPS", |m| {
        let row = m
            .databases()
            .iter()
            .find(|r| r.name == other.name)
            .cloned()
            .ok_or("no row")?;
        match row.tps {
            Some(tps) if tps > 0.0 && row.size_bytes.is_some() => Ok(row),
            _ => Err(format!("{row:?}")),
        }
    });
    // Work in the other database while polling (each INSERT commits).
    let work = async {
        for i in 0..200 {
            exec(&busy, &format!("INSERT INTO t VALUES ({i})")).await;
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    let (row, ()) = tokio::join!(row, work);
    assert!(!row.connected);
    assert!(row.connections >= 1, "{row:?}");
    assert!(row.size_bytes.unwrap() > 1 << 20, "{row:?}");
    let mine = model
        .databases()
        .iter()
        .find(|r| r.name == db.name)
        .unwrap();
    assert!(mine.connected);
    assert_eq!(model.databases().iter().filter(|r| r.connected).count(), 1);
}

/// pgpulse on a standby: the actions that write are disabled with the reason, and a
/// VACUUM sent anyway is refused before it reaches the server; EXPLAIN-like and signal
/// actions, the statements reset and dropping the standby's own slot work; no table is
/// judged OVERDUE or due; the idle standby's TPS, pgpulse's own polls left out, is ~0.
#[tokio::test]
async fn on_a_standby_writes_are_disabled_nothing_is_overdue_and_idle_tps_is_zero() {
    let topology = start_topology(|_| {});
    let primary = topology.primary_client().await;
    exec(
        &primary,
        "CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
         CREATE TABLE stale (id int) WITH (autovacuum_enabled = false);
         INSERT INTO stale SELECT generate_series(1, 1000);
         DELETE FROM stale WHERE id <= 500;",
    )
    .await;
    topology.wait_replayed().await;
    let conninfo = topology.standby.conninfo("postgres");
    let (session, caps) = monitor(conninfo.clone()).await;
    let version = caps.server_version_num;
    let (mut poller, mut model) = poller_and_model(session, caps);
    poll_until(&mut poller, &mut model, "the standby's table", |m| {
        let listed = m
            .slow()
            .and_then(|s| s.maintenance.as_ref().ok())
            .is_some_and(|t| t.iter().any(|t| t.name == "stale"));
        listed.then_some(()).ok_or("not listed".to_string())
    })
    .await;
    assert_eq!(model.in_recovery(), Some(true));
    for kind in [
        ActionKind::VacuumAnalyze,
        ActionKind::Analyze,
        ActionKind::ReindexConcurrently,
        ActionKind::Snapshot,
        ActionKind::RollbackPrepared,
    ] {
        assert_eq!(
            availability(kind, true),
            Availability::Disabled(STANDBY_REASON)
        );
    }
    // Sent anyway (a stale screen): refused before the server sees it.
    let table = model
        .slow()
        .and_then(|s| s.maintenance.as_ref().ok())
        .and_then(|t| t.iter().find(|t| t.name == "stale").cloned())
        .unwrap();
    let vacuum = plan::relation(
        ActionKind::VacuumAnalyze,
        RelationTarget {
            oid: table.relid,
            schema: table.schema.clone(),
            name: table.name.clone(),
            size_bytes: None,
            table: None,
        },
    );
    let mut executor = Executor::new(config(conninfo.clone(), version));
    let reports = run(&mut executor, &vacuum).await;
    assert_eq!(reports[0].outcome, Outcome::Error, "{reports:?}");
    assert!(
        reports[0].message.starts_with(STANDBY_REASON),
        "{reports:?}"
    );
    // What stays enabled on a standby works there.
    let reports = run(&mut executor, &plan::reset_statements()).await;
    assert_eq!(reports[0].outcome, Outcome::Ok, "{reports:?}");
    let standby = topology.standby_client().await;
    exec(
        &standby,
        "SELECT pg_create_physical_replication_slot('cascade_slot')",
    )
    .await;
    let drop = pgpulse::actions::holders::drop_slot(pgpulse::actions::SlotTarget {
        name: "cascade_slot".into(),
        slot_type: "physical".into(),
        retained_wal_bytes: None,
        database: None,
    });
    let reports = run(&mut executor, &drop).await;
    assert_eq!(reports[0].outcome, Outcome::Ok, "{reports:?}");

    // A month on, nothing is overdue or due, and the screen can say why.
    let judge = model.maintenance_judge(MaintenanceSchedule::default());
    assert!(judge.note().is_some_and(|n| n.contains("primary")));
    let month_later = std::time::SystemTime::now() + Duration::from_secs(30 * 86_400);
    let tables = model
        .slow()
        .and_then(|s| s.maintenance.as_ref().ok())
        .unwrap();
    for table in tables.iter() {
        assert_eq!(judge.vacuum_overdue(table, month_later), None, "{table:?}");
        assert_eq!(judge.analyze_overdue(table, month_later), None, "{table:?}");
        assert_eq!(judge.autovacuum_verdict(table), None, "{table:?}");
    }

    // Idle: a few polls a quarter second apart (the measurement interval, not a wait for
    // a condition), then the TPS without pgpulse's own transactions is ~0.
    for _ in 0..8 {
        tokio::time::sleep(Duration::from_millis(250)).await;
        model.absorb(poller.poll_everything().await);
    }
    let tps = model
        .shown_metrics()
        .and_then(|m| m.database.ready().map(|r| r.tps))
        .unwrap();
    assert!(tps < 1.0, "idle standby TPS {tps}");
    let row = model.databases().iter().find(|r| r.connected).unwrap();
    assert!(row.tps.is_some_and(|t| t < 1.0), "{row:?}");
}
