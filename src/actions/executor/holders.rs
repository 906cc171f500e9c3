//! Steps that end a holder of the xmin horizon beyond a backend (terminating one is a
//! signal, in `steps`): `ROLLBACK PREPARED` in the prepared transaction's own database,
//! and the drop of an inactive replication slot. Each checks the target is still the one
//! the dialog showed; and, before anything that writes, that the server is not a standby.

use tokio::sync::mpsc::UnboundedReceiver;

use super::connection::{Executor, describe, simple};
use crate::actions::availability::STANDBY_REASON;
use crate::actions::{ActionKind, Outcome, PreparedTarget, SlotTarget, StepReport, sql};
use crate::pg::queries::{ACTION_PREPARED_XACT_SQL, ACTION_RECOVERY_SQL, ACTION_SLOT_SQL};
use crate::text::sanitize::sanitized;
use crate::text::timefmt::rfc3339_millis;

/// Refuses an action that writes when the server is a standby now: the screen may say
/// otherwise (a failover since), and the server would fail it with 25006 anyway.
pub(super) async fn refuse_on_standby(
    executor: &mut Executor,
    kind: ActionKind,
) -> Result<(), String> {
    let live = executor.connection(kind).await?;
    let row = live
        .client()
        .query_one(ACTION_RECOVERY_SQL, &[])
        .await
        .map_err(|e| describe(&e))?;
    let in_recovery: bool = row.try_get("in_recovery").map_err(|e| describe(&e))?;
    if in_recovery {
        return Err(format!("{STANDBY_REASON}; nothing was sent"));
    }
    Ok(())
}

/// `ROLLBACK PREPARED` of the transaction on screen (same gid, same prepared time), on a
/// connection to its own database.
pub(super) async fn rollback_prepared(
    executor: &mut Executor,
    target: &PreparedTarget,
    stop: &mut UnboundedReceiver<()>,
    report: &mut StepReport,
) -> Result<(), String> {
    let kind = ActionKind::RollbackPrepared;
    let mut elsewhere = (target.raw_database != executor.database())
        .then(|| executor.in_database(&target.raw_database));
    let there = elsewhere.as_mut().unwrap_or(executor);
    refuse_on_standby(there, kind).await?;
    let live = there.connection(kind).await.map_err(|e| {
        format!(
            "cannot connect to database {} where the transaction was prepared: {e}",
            target.database
        )
    })?;
    let found = live
        .client()
        .query_opt(
            ACTION_PREPARED_XACT_SQL,
            &[&target.raw_gid, &target.prepared],
        )
        .await
        .map_err(|e| describe(&e))?;
    let Some(row) = found else {
        report.outcome = Outcome::SessionEnded;
        report.message = format!(
            "prepared transaction '{}' of {} is gone (committed or rolled back) or was \
             replaced: nothing was sent",
            target.gid,
            rfc3339_millis(target.prepared)
        );
        return Ok(());
    };
    let same_database: bool = row.try_get("same_database").map_err(|e| describe(&e))?;
    if !same_database {
        return Err(format!(
            "connected to another database than {}: not rolled back",
            target.database
        ));
    }
    let text = sql::rollback_prepared(&target.raw_gid);
    simple(there, kind, &text, stop, report).await?;
    if report.outcome == Outcome::Ok {
        report.message = format!("prepared transaction '{}' rolled back", target.gid);
    }
    Ok(())
}

/// Drops the slot if it is still inactive and of the type on screen (one statement);
/// when nothing was dropped, says why.
pub(super) async fn drop_slot(
    executor: &mut Executor,
    target: &SlotTarget,
    stop: &mut UnboundedReceiver<()>,
    report: &mut StepReport,
) -> Result<(), String> {
    let kind = ActionKind::DropSlot;
    let text = sql::drop_slot(&target.name, &target.slot_type);
    let rows = simple(executor, kind, &text, stop, report).await?;
    if !rows.is_empty() {
        if report.outcome == Outcome::Ok {
            report.message = format!("{} slot {} dropped", target.slot_type, target.name);
        }
        return Ok(());
    }
    let live = executor.connection(kind).await?;
    let now = live
        .client()
        .query_opt(ACTION_SLOT_SQL, &[&target.name])
        .await
        .map_err(|e| describe(&e))?;
    let Some(row) = now else {
        report.outcome = Outcome::SessionEnded;
        report.message = format!("slot {} is gone: nothing was dropped", target.name);
        return Ok(());
    };
    let slot_type: String = row.try_get("slot_type").map_err(|e| describe(&e))?;
    let active: bool = row.try_get("active").map_err(|e| describe(&e))?;
    let active_pid: Option<i32> = row.try_get("active_pid").map_err(|e| describe(&e))?;
    Err(if active {
        format!(
            "slot {} is active now{}: not dropped",
            target.name,
            active_pid
                .map(|p| format!(" (pid {p})"))
                .unwrap_or_default()
        )
    } else {
        format!(
            "slot {} is now {} (was {}): not dropped",
            target.name,
            sanitized(&slot_type),
            target.slot_type
        )
    })
}
