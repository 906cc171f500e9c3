use std::time::Duration;

use super::*;
use crate::monitor::snapshot::horizon::{BackendHolder, PreparedHolder, SlotHolder, StandbyHolder};
use crate::monitor::snapshot::test_support::{at, maintained_table};

fn backend(pid: i32, xmin_age: Option<i32>, xid_age: Option<i32>, xact_secs: u64) -> BackendHolder {
    BackendHolder {
        pid,
        backend_start: Some(at(0)),
        user: Some("app".into()),
        database: Some("db1".into()),
        application: "api".into(),
        client: None,
        backend_type: BackendType::ClientBackend,
        state: Some(SessionState::IdleInTransaction),
        xact_start: Some(at(1_000 - xact_secs)),
        xact_age: Some(Duration::from_secs(xact_secs)),
        xmin_age,
        xid_age,
        query: "select 1".into(),
    }
}

fn prepared(gid: &str, database: &str, xid_age: i32, secs: u64) -> PreparedHolder {
    PreparedHolder {
        raw_gid: gid.into(),
        gid: gid.into(),
        owner: Some("app".into()),
        raw_database: database.into(),
        database: database.into(),
        prepared: at(1_000 - secs),
        age: Duration::from_secs(secs),
        xid_age,
    }
}

fn slot(name: &str, xmin: Option<i32>, catalog: Option<i32>) -> SlotHolder {
    SlotHolder {
        name: name.into(),
        slot_type: if xmin.is_some() {
            "physical"
        } else {
            "logical"
        }
        .into(),
        database: None,
        active: false,
        active_pid: None,
        xmin_age: xmin,
        catalog_xmin_age: catalog,
        retained_wal_bytes: Some(40 << 20),
        wal_status: Some("reserved".into()),
        inactive_since: None,
        inactive_age: None,
    }
}

/// The issue's server: a 1 ms transaction, two slots and a prepared transaction.
fn issue_server() -> HorizonHolders {
    HorizonHolders {
        backends: vec![backend(10, Some(2), None, 0)],
        prepared: vec![prepared("forgotten", "db1", 5_000, 900)],
        slots: vec![
            slot("standby_1", Some(9_000), None),
            slot("decoder", None, Some(12_000)),
        ],
        standbys: vec![],
    }
}

#[test]
fn the_oldest_holder_is_the_oldest_of_every_kind_not_the_oldest_session() {
    let horizon = Horizon::of(&issue_server(), "db1", HeldBackRule::default());
    let labels: Vec<String> = horizon.holders.iter().map(Holder::label).collect();
    assert_eq!(
        labels,
        [
            "slot decoder (logical)",
            "slot standby_1 (physical)",
            "prepared 'forgotten'",
            "pid 10"
        ]
    );
    // The logical slot holds only the catalogs: user tables wait for the physical one.
    assert_eq!(horizon.holders[0].scope, HolderScope::CatalogsOnly);
    assert_eq!(
        horizon
            .oldest_for_user_tables()
            .map(Holder::label)
            .as_deref(),
        Some("slot standby_1 (physical)")
    );
}

#[test]
fn a_backend_holds_by_its_xid_when_its_snapshot_is_released() {
    // Idle in transaction after a write at READ COMMITTED: no xmin, an xid.
    let raw = HorizonHolders {
        backends: vec![backend(1, None, Some(700), 30), backend(2, None, None, 0)],
        ..HorizonHolders::default()
    };
    let horizon = Horizon::of(&raw, "db1", HeldBackRule::default());
    assert_eq!(horizon.holders.len(), 1);
    assert_eq!(horizon.holders[0].xid_age, 700);
}

#[test]
fn backends_and_prepared_transactions_hold_only_their_own_database() {
    let raw = HorizonHolders {
        backends: vec![backend(1, Some(9_999), None, 600)],
        prepared: vec![prepared("elsewhere", "other", 8_000, 600)],
        standbys: vec![StandbyHolder {
            pid: 77,
            backend_start: Some(at(0)),
            application: "replica".into(),
            client: Some("10.0.0.2".into()),
            xmin_age: 10,
        }],
        ..HorizonHolders::default()
    };
    let horizon = Horizon::of(&raw, "other", HeldBackRule::default());
    let oldest = horizon.oldest_for_user_tables().map(Holder::label);
    assert_eq!(oldest.as_deref(), Some("prepared 'elsewhere'"));
    let horizon = Horizon::of(
        &HorizonHolders {
            prepared: vec![],
            backends: vec![],
            ..raw
        },
        "db1",
        HeldBackRule::default(),
    );
    // A standby's feedback holds every database.
    let oldest = horizon.oldest_for_user_tables().map(Holder::label);
    assert_eq!(oldest.as_deref(), Some("standby replica (pid 77)"));
}

#[test]
fn dead_tuples_a_vacuum_left_while_the_holder_held_are_held_back_by_it() {
    // Prepared 10 minutes before the poll (at 400), young in transactions.
    let raw = HorizonHolders {
        prepared: vec![prepared("p", "db1", 3, 600)],
        ..HorizonHolders::default()
    };
    let rule = HeldBackRule {
        min_age: Duration::from_secs(3_600),
        min_xid_age: 1_000_000,
    };
    let horizon = Horizon::of(&raw, "db1", rule);
    let mut table = maintained_table(500);
    table.last_autovacuum = Some(at(900));
    let held = horizon.held_back(&table).map(|h| (h.holder.label(), h.why));
    assert_eq!(
        held,
        Some(("prepared 'p'".to_string(), HeldBackBy::VacuumLeftThem))
    );
    // Vacuumed before it began holding: those dead tuples may be older; not named by
    // rule 1, and the holder is not old by this rule either.
    table.last_autovacuum = Some(at(300));
    assert_eq!(horizon.held_back(&table), None);
    // No dead tuples, nothing held back.
    table.last_autovacuum = Some(at(900));
    table.n_dead_tup = 0;
    assert_eq!(horizon.held_back(&table), None);
}

#[test]
fn an_old_holder_holds_back_every_table_with_dead_tuples_a_young_one_none() {
    let old_slot = HorizonHolders {
        slots: vec![slot("standby_1", Some(5_000), None)],
        ..HorizonHolders::default()
    };
    let horizon = Horizon::of(&old_slot, "db1", HeldBackRule::default());
    let table = maintained_table(10);
    assert_eq!(
        horizon.held_back(&table).map(|h| h.why),
        Some(HeldBackBy::OldHolder)
    );
    let young = HorizonHolders {
        backends: vec![backend(3, Some(4), None, 0)],
        ..HorizonHolders::default()
    };
    let horizon = Horizon::of(&young, "db1", HeldBackRule::default());
    assert_eq!(horizon.held_back(&table), None);
    // A catalog-only slot, however old, holds back no user table.
    let catalog = HorizonHolders {
        slots: vec![slot("decoder", None, Some(9_000_000))],
        ..HorizonHolders::default()
    };
    let horizon = Horizon::of(&catalog, "db1", HeldBackRule::default());
    assert_eq!(horizon.held_back(&table), None);
    assert!(horizon.oldest().is_some());
}
