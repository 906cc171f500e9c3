//! Why VACUUM cannot clean, against real servers: a prepared transaction, a session's old
//! snapshot and replication slots named as holders of the xmin horizon, tables held back
//! by them, and each ended through its action (a slot only once inactive).

use std::time::Duration;

use crate::common;

use common::actions::{config, run, superuser_config};
use common::live::{backend_pid, eventually, exec, monitor, monitor_db, must};
use common::standby::{STANDBY_SLOT, start_topology};

use pgpulse::actions::executor::Executor;
use pgpulse::actions::holders::{drop_slot, end_holder};
use pgpulse::actions::{ActionKind, Outcome, SlotTarget};
use pgpulse::analysis::horizon::{HeldBackBy, Holder, HolderKind, HolderScope};
use pgpulse::analysis::model::{Model, ModelSettings};
use pgpulse::monitor::poller::{Poller, PollerConfig};
use pgpulse::monitor::snapshot::maintenance::TableMaintenance;
use pgpulse::pg::probe::Capabilities;
use pgpulse::pg::session::MonitorSession;
use tokio_postgres::Client;

/// A poller that reads the slow tier on every poll, and an empty model.
pub fn poller_and_model(session: MonitorSession, caps: Capabilities) -> (Poller, Model) {
    let config = PollerConfig {
        slow: Duration::ZERO,
        ..PollerConfig::default()
    };
    (
        Poller::new(session, caps, config),
        Model::new(ModelSettings::new(Duration::from_secs(1))),
    )
}

/// Polls into the model until `ready` says yes (bounded).
pub async fn poll_until<T>(
    poller: &mut Poller,
    model: &mut Model,
    what: &str,
    ready: impl Fn(&Model) -> Result<T, String>,
) -> T {
    eventually(what, async || {
        model.absorb(poller.poll_everything().await);
        ready(model)
    })
    .await
}

/// Makes this session's statistics visible to others now (see `maintenance.rs`).
async fn flush_stats(client: &Client, caps: &Capabilities) {
    if caps.server_version_num >= 150_000 {
        exec(client, "SELECT pg_stat_force_next_flush()").await;
    } else {
        tokio::time::sleep(Duration::from_millis(600)).await;
        exec(client, "SELECT 1").await;
    }
}

fn table<'a>(model: &'a Model, name: &str) -> Result<&'a TableMaintenance, String> {
    let tables = model
        .slow()
        .and_then(|s| s.maintenance.as_ref().ok())
        .ok_or("no maintenance section")?;
    tables
        .iter()
        .find(|t| t.name == name)
        .ok_or_else(|| format!("{name} not listed"))
}

/// The held-back verdict on `name`, as (holder label, why).
fn held_back(model: &Model, name: &str) -> Result<(String, HeldBackBy), String> {
    let table = table(model, name)?;
    let horizon = model.horizon().ok_or("no horizon yet")?;
    horizon
        .held_back(table)
        .map(|h| (h.holder.label(), h.why))
        .ok_or_else(|| format!("not held back: {table:?} {:?}", horizon.holders))
}

/// The prepared transaction is the oldest holder; the table vacuumed after it was prepared
/// still has the dead tuples it could not remove, "held back by" it. Rolled back through
/// the action from an executor connected to another database (it connects there).
/// A private server: prepared transactions need `max_prepared_transactions` > 0, and "the
/// oldest holder" is server-wide.
#[tokio::test]
async fn a_prepared_transaction_holds_back_a_vacuumed_table_until_rolled_back() {
    let server = common::start_server(|opts| {
        opts.settings
            .push(("max_prepared_transactions".into(), "5".into()));
    });
    let db = server.create_database().await;
    let client = db.client().await;
    let gid = "pgpulse's forgotten; xact";
    exec(
        &client,
        "CREATE TABLE orders (id int, n int) WITH (autovacuum_enabled = false);
         INSERT INTO orders SELECT g, 0 FROM generate_series(1, 1000) g;",
    )
    .await;
    exec(
        &client,
        "BEGIN; INSERT INTO orders VALUES (0, 0); PREPARE TRANSACTION 'pgpulse''s forgotten; xact';",
    )
    .await;
    exec(&client, "UPDATE orders SET n = 1").await;
    exec(&client, "VACUUM orders").await;
    let (session, caps) = monitor_db(&db).await;
    flush_stats(&client, &caps).await;
    let (mut poller, mut model) = poller_and_model(session, caps);
    let label = format!("prepared '{gid}'");
    let held = poll_until(
        &mut poller,
        &mut model,
        "held back by the prepared xact",
        |m| {
            let oldest = m.oldest_xmin().map(Holder::label);
            if oldest.as_deref() != Some(label.as_str()) {
                return Err(format!("oldest: {oldest:?}"));
            }
            held_back(m, "orders")
        },
    )
    .await;
    assert_eq!(held, (label.clone(), HeldBackBy::VacuumLeftThem));
    let holder = model.oldest_xmin().cloned().unwrap();
    assert!(matches!(&holder.kind, HolderKind::Prepared { database, .. } if *database == db.name));
    assert!(holder.age.is_some() && holder.since.is_some());

    let plan = must(end_holder(&holder), "plan");
    assert_eq!(plan.kind, ActionKind::RollbackPrepared);
    assert_eq!(
        plan.steps[0].sql,
        "ROLLBACK PREPARED 'pgpulse''s forgotten; xact'"
    );
    // The executor is connected to `postgres`: the rollback must happen in db's database.
    let version = caps_version(&client).await;
    let mut executor = Executor::new(config(server.conninfo("postgres"), version));
    let reports = run(&mut executor, &plan).await;
    assert_eq!(reports[0].outcome, Outcome::Ok, "{reports:?}");
    let left: i64 = client
        .query_one("SELECT count(*) FROM pg_prepared_xacts", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(left, 0);
    poll_until(
        &mut poller,
        &mut model,
        "the prepared xact gone",
        |m| match m
            .horizon()
            .map(|h| h.holders.iter().any(|h| h.label() == label))
        {
            Some(false) => Ok(()),
            other => Err(format!("{other:?}")),
        },
    )
    .await;
    // Run again: it is gone, and nothing is sent.
    let again = run(&mut executor, &plan).await;
    assert_eq!(again[0].outcome, Outcome::SessionEnded, "{again:?}");
}

async fn caps_version(client: &Client) -> i32 {
    common::actions::server_version(client).await
}

/// A session holding a REPEATABLE READ snapshot is named as the holder of its database's
/// tables (other databases' sessions on the shared server do not hold them) and is
/// terminated through the action, after which it holds nothing.
#[tokio::test]
async fn a_session_holding_an_old_snapshot_is_named_and_terminated() {
    let db = common::shared().create_database().await;
    let client = db.client().await;
    exec(
        &client,
        "CREATE TABLE items (id int, n int) WITH (autovacuum_enabled = false);
         INSERT INTO items SELECT g, 0 FROM generate_series(1, 1000) g;",
    )
    .await;
    let holder_client = db.client().await;
    let pid = backend_pid(&holder_client).await;
    exec(
        &holder_client,
        "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM items;",
    )
    .await;
    exec(&client, "UPDATE items SET n = 1").await;
    exec(&client, "VACUUM items").await;
    let (session, caps) = monitor_db(&db).await;
    flush_stats(&client, &caps).await;
    let (mut poller, mut model) = poller_and_model(session, caps.clone());
    let label = format!("pid {pid}");
    let held = poll_until(&mut poller, &mut model, "held back by the session", |m| {
        held_back(m, "items")
    })
    .await;
    assert_eq!(held, (label.clone(), HeldBackBy::VacuumLeftThem));
    let holder = model
        .horizon()
        .and_then(|h| h.oldest_for_user_tables())
        .cloned()
        .unwrap();
    let plan = must(end_holder(&holder), "plan");
    assert_eq!(plan.kind, ActionKind::TerminateBackend);
    let mut executor = Executor::new(superuser_config(&db, caps.server_version_num));
    let reports = run(&mut executor, &plan).await;
    assert_eq!(reports[0].outcome, Outcome::Ok, "{reports:?}");
    poll_until(&mut poller, &mut model, "the session gone", |m| {
        let named = m
            .horizon()
            .map(|h| h.holders.iter().any(|h| h.label() == label));
        match named {
            Some(false) => Ok(()),
            other => Err(format!("{other:?}")),
        }
    })
    .await;
    assert!(holder_client.simple_query("SELECT 1").await.is_err());
}

/// The standby's slot holds the primary's horizon through hot_standby_feedback (its
/// `xmin`), a logical slot only the catalogs (`catalog_xmin`). An active slot is not
/// dropped (no plan; and a plan made while it was inactive is refused at run time); once
/// the standby stops, the slot is dropped through the action, and so is the logical one.
#[tokio::test]
async fn slots_are_named_refused_while_active_and_dropped_when_inactive() {
    let topology = start_topology(|_| {});
    let primary = topology.primary_client().await;
    exec(
        &primary,
        "SELECT pg_create_logical_replication_slot('pgpulse_decoder', 'test_decoding')",
    )
    .await;
    let (session, caps) = monitor(topology.primary.conninfo("postgres")).await;
    let version = caps.server_version_num;
    let (mut poller, mut model) = poller_and_model(session, caps);
    let physical = format!("slot {STANDBY_SLOT} (physical)");
    let holders = poll_until(&mut poller, &mut model, "both slots as holders", |m| {
        let holders = m.horizon().map(|h| h.holders.clone()).unwrap_or_default();
        let labels: Vec<String> = holders.iter().map(Holder::label).collect();
        let both = labels.contains(&physical)
            && labels.contains(&"slot pgpulse_decoder (logical)".to_string());
        both.then_some(holders).ok_or(format!("{labels:?}"))
    })
    .await;
    let by_label = |label: &str| holders.iter().find(|h| h.label() == label).unwrap().clone();
    let standby_slot = by_label(&physical);
    let decoder = by_label("slot pgpulse_decoder (logical)");
    assert_eq!(standby_slot.scope, HolderScope::AllTables);
    assert_eq!(decoder.scope, HolderScope::CatalogsOnly);
    assert!(matches!(
        &standby_slot.kind,
        HolderKind::Slot { active: true, .. }
    ));
    let refused = end_holder(&standby_slot).unwrap_err();
    assert!(refused.contains("is active"), "{refused}");

    // A plan from a screen that showed it inactive is refused at run time.
    let mut executor = Executor::new(config(topology.primary.conninfo("postgres"), version));
    let stale = drop_slot(SlotTarget {
        name: STANDBY_SLOT.into(),
        slot_type: "physical".into(),
        retained_wal_bytes: None,
        database: None,
    });
    let reports = run(&mut executor, &stale).await;
    assert_eq!(reports[0].outcome, Outcome::Error, "{reports:?}");
    assert!(reports[0].message.contains("is active now"), "{reports:?}");

    // The logical slot is inactive: dropped.
    let plan = must(end_holder(&decoder), "plan");
    assert!(
        plan.note
            .as_deref()
            .unwrap()
            .starts_with("logical slot; retains")
    );
    let reports = run(&mut executor, &plan).await;
    assert_eq!(reports[0].outcome, Outcome::Ok, "{reports:?}");

    topology.stop_standby();
    let inactive = poll_until(
        &mut poller,
        &mut model,
        "the standby's slot inactive",
        |m| {
            let holder = m
                .horizon()
                .and_then(|h| h.holders.iter().find(|h| h.label() == physical).cloned());
            match holder {
                Some(h) if matches!(h.kind, HolderKind::Slot { active: false, .. }) => Ok(h),
                other => Err(format!("{other:?}")),
            }
        },
    )
    .await;
    // The oldest holder of the user tables now: the inactive slot's xmin.
    let plan = must(end_holder(&inactive), "plan");
    let reports = run(&mut executor, &plan).await;
    assert_eq!(reports[0].outcome, Outcome::Ok, "{reports:?}");
    let slots: i64 = primary
        .query_one("SELECT count(*) FROM pg_replication_slots", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(slots, 0);
    // Topology's drop stops both servers; the standby is already stopped.
}
