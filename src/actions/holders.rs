//! Plans that end a holder of the xmin horizon (the horizon panel's actions): terminate
//! the session, `ROLLBACK PREPARED` the prepared transaction, drop the inactive slot.
//! Pure, like [`super::plan`]: the dialog shows what these return, the executor runs it
//! after checking the target is still the one on screen.

use super::{ActionKind, BackendTarget, Plan, PreparedTarget, SlotTarget, Step, Target, sql};
use crate::analysis::horizon::{Holder, HolderKind};
use crate::text::format;

/// The plan that ends `holder`, or why there is none.
pub fn end_holder(holder: &Holder) -> Result<Plan, String> {
    match &holder.kind {
        HolderKind::Backend {
            pid,
            backend_start,
            user,
            application,
            query,
            ..
        } => {
            let Some(backend_start) = *backend_start else {
                return Err(format!(
                    "pid {pid}: its details are hidden from this role (needs \
                     pg_read_all_stats), so pgpulse cannot check the pid was not reused"
                ));
            };
            let target = BackendTarget {
                pid: *pid,
                backend_start,
                user: user.clone(),
                application: application.clone(),
                query_age: None,
                query_start: None,
                query: query.clone(),
                raw_query: String::new(),
            };
            Ok(Plan {
                kind: ActionKind::TerminateBackend,
                steps: vec![Step {
                    sql: sql::signal_backend(true, *pid, backend_start),
                    target: Target::Backend(target),
                }],
                note: Some(format!(
                    "ends the session holding the xmin horizon back {} transactions; its \
                     open transaction is rolled back",
                    format::thousands(i64::from(holder.xid_age))
                )),
            })
        }
        HolderKind::Prepared {
            raw_gid,
            gid,
            owner,
            raw_database,
            database,
            prepared,
        } => Ok(rollback_prepared(PreparedTarget {
            raw_gid: raw_gid.clone(),
            gid: gid.clone(),
            raw_database: raw_database.clone(),
            database: database.clone(),
            owner: owner.clone(),
            prepared: *prepared,
            xid_age: holder.xid_age,
        })),
        HolderKind::Slot {
            name,
            slot_type,
            database,
            active,
            active_pid,
            retained_wal_bytes,
            ..
        } => {
            if *active {
                return Err(format!(
                    "slot {name} is active{}: its consumer uses it; stop the consumer first",
                    active_pid
                        .map(|pid| format!(" (pid {pid})"))
                        .unwrap_or_default()
                ));
            }
            Ok(drop_slot(SlotTarget {
                name: name.clone(),
                slot_type: slot_type.clone(),
                retained_wal_bytes: *retained_wal_bytes,
                database: database.clone(),
            }))
        }
        HolderKind::Standby {
            application, pid, ..
        } => Err(format!(
            "standby {application} (pid {pid}) holds the horizon with hot_standby_feedback: \
             end the long query on the standby (or turn the feedback off there); \
             terminating its WAL sender only makes it reconnect"
        )),
    }
}

/// `ROLLBACK PREPARED` of one prepared transaction, in its own database.
pub fn rollback_prepared(target: PreparedTarget) -> Plan {
    let note = format!(
        "its changes are lost and its locks released; runs in database {} (a prepared \
         transaction can only be ended there){}; refused if '{}' is no longer the \
         transaction prepared at {}",
        target.database,
        target
            .owner
            .as_ref()
            .map(|o| format!(", needs {o} or a superuser"))
            .unwrap_or_default(),
        target.gid,
        crate::text::timefmt::rfc3339_millis(target.prepared)
    );
    Plan {
        kind: ActionKind::RollbackPrepared,
        steps: vec![Step {
            sql: sql::rollback_prepared(&target.raw_gid),
            target: Target::Prepared(target),
        }],
        note: Some(note),
    }
}

/// `pg_drop_replication_slot` of an inactive slot: the dialog states what it frees.
pub fn drop_slot(target: SlotTarget) -> Plan {
    let retained = target
        .retained_wal_bytes
        .map_or_else(|| "unknown".to_string(), format::bytes);
    let note = format!(
        "{} slot; retains {retained} of WAL; its consumer can never resume from it; \
         refused if the slot is active when this runs",
        target.slot_type
    );
    Plan {
        kind: ActionKind::DropSlot,
        steps: vec![Step {
            sql: sql::drop_slot(&target.name, &target.slot_type),
            target: Target::Slot(target),
        }],
        note: Some(note),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::horizon::HolderScope;
    use crate::monitor::snapshot::test_support::at;

    fn holder(kind: HolderKind) -> Holder {
        Holder {
            kind,
            xid_age: 12_345,
            since: None,
            age: None,
            scope: HolderScope::AllTables,
        }
    }

    fn slot(active: bool) -> HolderKind {
        HolderKind::Slot {
            name: "standby_1".into(),
            slot_type: "physical".into(),
            database: None,
            active,
            active_pid: active.then_some(77),
            xmin_age: Some(12_345),
            catalog_xmin_age: None,
            retained_wal_bytes: Some(384 << 20),
            wal_status: Some("reserved".into()),
        }
    }

    #[test]
    fn each_holder_has_its_ending_and_its_dialog() {
        let prepared = holder(HolderKind::Prepared {
            raw_gid: "it's".into(),
            gid: "it's".into(),
            owner: Some("app".into()),
            raw_database: "shop".into(),
            database: "shop".into(),
            prepared: at(0),
        });
        let plan = end_holder(&prepared).unwrap();
        assert_eq!(plan.kind, ActionKind::RollbackPrepared);
        assert!(plan.kind.destructive());
        assert_eq!(plan.steps[0].sql, "ROLLBACK PREPARED 'it''s'");
        assert!(plan.note.as_deref().unwrap().contains("database shop"));

        let plan = end_holder(&holder(slot(false))).unwrap();
        assert_eq!(plan.kind, ActionKind::DropSlot);
        assert!(plan.kind.destructive());
        let note = plan.note.unwrap();
        assert!(note.starts_with("physical slot; retains 384"), "{note}");
        let refused = end_holder(&holder(slot(true))).unwrap_err();
        assert!(refused.contains("is active (pid 77)"), "{refused}");

        let backend = holder(HolderKind::Backend {
            pid: 42,
            backend_start: Some(at(1)),
            user: None,
            database: None,
            application: "api".into(),
            backend_type: crate::monitor::snapshot::BackendType::ClientBackend,
            state: None,
            query: "select 1".into(),
        });
        let plan = end_holder(&backend).unwrap();
        assert_eq!(plan.kind, ActionKind::TerminateBackend);
        assert_eq!(plan.steps[0].sql, sql::signal_backend(true, 42, at(1)));

        let standby = holder(HolderKind::Standby {
            pid: 9,
            backend_start: None,
            application: "replica".into(),
            client: None,
        });
        assert!(
            end_holder(&standby)
                .unwrap_err()
                .contains("hot_standby_feedback")
        );
    }
}
