//! What each kind of step sends and how its answer reads.

use std::time::SystemTime;

use tokio::sync::mpsc::UnboundedReceiver;
use tokio_postgres::SimpleQueryMessage;

use super::{Executor, Guarded, describe, guarded};
use crate::actions::{
    ActionKind, BackendTarget, Outcome, RelationTarget, Step, StepReport, Target, sql,
};
use crate::connect::Notice;
use crate::queries::{ACTION_INVALID_INDEXES_SQL, ACTION_RELATION_SQL, ACTION_SESSION_SQL};
use crate::sanitize::sanitized;

/// Runs one step; the caller fills in the duration and journals it.
pub(super) async fn run(
    executor: &mut Executor,
    kind: ActionKind,
    step: &Step,
    stop: &mut UnboundedReceiver<()>,
) -> StepReport {
    let mut report = StepReport::new(kind, step.target.describe(), step.sql.clone());
    let result = match (kind, &step.target) {
        (ActionKind::CancelBackend | ActionKind::TerminateBackend, Target::Backend(target)) => {
            signal(executor, kind, step, target, stop, &mut report).await
        }
        (ActionKind::DropInvalidIndex, Target::Relation(target)) => {
            drop_invalid(executor, target, stop, &mut report).await
        }
        (
            ActionKind::VacuumAnalyze | ActionKind::Analyze | ActionKind::ReindexConcurrently,
            Target::Relation(target),
        ) => maintain(executor, kind, target, stop, &mut report).await,
        (ActionKind::Snapshot, _) => snapshot(executor, stop, &mut report).await,
        (ActionKind::ResetStatements, _) => reset(executor, stop, &mut report).await,
        (ActionKind::Explain, target) => {
            super::explain::explain(executor, target, stop, &mut report).await
        }
        (kind, target) => Err(format!(
            "{} cannot act on {}",
            kind.title(),
            target.describe()
        )),
    };
    if let Err(message) = result {
        if report.outcome == Outcome::Ok {
            report.outcome = Outcome::Error;
        }
        report.message = message;
    }
    report
}

/// Settles a guarded round trip: errors become the report's outcome and message.
pub(super) fn settle<T>(
    executor: &mut Executor,
    guarded: Guarded<T, tokio_postgres::Error>,
    report: &mut StepReport,
) -> Result<T, String> {
    match guarded {
        Guarded::Done(Ok(value)) => Ok(value),
        Guarded::Done(Err(error)) => Err(describe(&error)),
        Guarded::Stopped(result) => {
            report.outcome = Outcome::Cancelled;
            Err(match result {
                Ok(_) => "stopped, but the statement had already finished".into(),
                Err(error) => format!("stopped: {}", describe(&error)),
            })
        }
        Guarded::NoAnswer => {
            executor.drop_connection();
            Err("no answer from the server within statement_timeout: cancelled".into())
        }
    }
}

/// Warnings turn a success into a failure; notices are kept either way.
pub(super) fn absorb_notices(notices: Vec<Notice>, report: &mut StepReport) {
    for notice in notices {
        if notice.severity == "WARNING" && report.outcome == Outcome::Ok {
            report.outcome = Outcome::Warning;
            report.message = format!("WARNING: {}", notice.message);
        }
        report
            .notices
            .push(format!("{}: {}", notice.severity, notice.message));
    }
}

async fn simple(
    executor: &mut Executor,
    kind: ActionKind,
    text: &str,
    stop: &mut UnboundedReceiver<()>,
    report: &mut StepReport,
) -> Result<Vec<Vec<Option<String>>>, String> {
    let timeout = executor.timeout_for(kind);
    let live = executor.connection(kind).await?;
    let canceller = live.canceller();
    let outcome = guarded(live.client().simple_query(text), canceller, timeout, stop).await;
    let notices = live.take_notices();
    absorb_notices(notices, report);
    let messages = settle(executor, outcome, report)?;
    Ok(messages
        .iter()
        .filter_map(|m| match m {
            SimpleQueryMessage::Row(row) => Some(
                (0..row.len())
                    .map(|i| row.get(i).map(str::to_owned))
                    .collect(),
            ),
            _ => None,
        })
        .collect())
}

async fn signal(
    executor: &mut Executor,
    kind: ActionKind,
    step: &Step,
    target: &BackendTarget,
    stop: &mut UnboundedReceiver<()>,
    report: &mut StepReport,
) -> Result<(), String> {
    let rows = simple(executor, kind, &step.sql, stop, report).await?;
    let answer = rows.first().and_then(|row| row.first().cloned().flatten());
    match answer.as_deref() {
        None => match session_now(executor, kind, target).await? {
            // The session is still there: the cancel was aimed at a query that ended.
            Some(now) if kind == ActionKind::CancelBackend => {
                report.outcome = Outcome::QueryEnded;
                report.message = format!(
                    "query already finished: pid {} {}; nothing was sent",
                    target.pid,
                    now.describe()
                );
            }
            _ => {
                report.outcome = Outcome::SessionEnded;
                report.message = format!(
                    "session ended: {} is gone or now belongs to another session; nothing \
                     was sent",
                    step.target.describe()
                );
            }
        },
        Some("t") if report.outcome == Outcome::Ok => {
            report.message = if kind == ActionKind::TerminateBackend {
                format!("{} terminated", step.target.describe())
            } else {
                format!("cancel sent to {}", step.target.describe())
            };
        }
        Some(_) => {
            if report.outcome == Outcome::Ok {
                report.outcome = Outcome::Warning;
                report.message = format!("the server did not signal {}", step.target.describe());
            }
        }
    }
    Ok(())
}

/// What the session a signal was aimed at does now (same pid and backend_start).
struct SessionNow {
    state: Option<String>,
    query_start: Option<SystemTime>,
}

impl SessionNow {
    /// `is now idle` / `now runs another query (started 18:05:12.345 UTC)`.
    fn describe(&self) -> String {
        match (self.state.as_deref(), self.query_start) {
            (Some("active"), Some(start)) => format!(
                "now runs another query (started {} UTC)",
                crate::timefmt::rfc3339_millis(start)
                    .get(11..23)
                    .unwrap_or_default()
            ),
            (Some(state), _) => format!("is now {}", sanitized(state)),
            (None, _) => "has moved on".to_string(),
        }
    }
}

async fn session_now(
    executor: &mut Executor,
    kind: ActionKind,
    target: &BackendTarget,
) -> Result<Option<SessionNow>, String> {
    let live = executor.connection(kind).await?;
    let row = live
        .client()
        .query_opt(ACTION_SESSION_SQL, &[&target.pid, &target.backend_start])
        .await
        .map_err(|e| describe(&e))?;
    row.map(|row| {
        Ok(SessionNow {
            state: row.try_get("state").map_err(|e| describe(&e))?,
            query_start: row.try_get("query_start").map_err(|e| describe(&e))?,
        })
    })
    .transpose()
}

/// The relation's real names, read by OID now: what the screen showed may be sanitized,
/// renamed since, or gone.
struct Resolved {
    schema: String,
    name: String,
    relkind: String,
    table_oid: u32,
    /// `None` for a table.
    index_valid: Option<bool>,
    /// A CREATE INDEX / REINDEX running on the index's table now.
    index_build_pid: Option<i32>,
}

async fn resolve(executor: &mut Executor, kind: ActionKind, oid: u32) -> Result<Resolved, String> {
    let live = executor.connection(kind).await?;
    let row = live
        .client()
        .query_opt(ACTION_RELATION_SQL, &[&oid])
        .await
        .map_err(|e| describe(&e))?
        .ok_or_else(|| format!("relation with OID {oid} no longer exists"))?;
    let get = |name: &str| row.try_get::<_, String>(name).map_err(|e| describe(&e));
    Ok(Resolved {
        schema: get("schema_name")?,
        name: get("relation_name")?,
        relkind: get("relkind")?,
        table_oid: row.try_get("table_oid").map_err(|e| describe(&e))?,
        index_valid: row.try_get("index_valid").map_err(|e| describe(&e))?,
        index_build_pid: row.try_get("index_build_pid").map_err(|e| describe(&e))?,
    })
}

/// `DROP INDEX CONCURRENTLY` of an index that is still invalid: never a valid one, never
/// one while an index build runs on its table (the build may be about to make it valid).
async fn drop_invalid(
    executor: &mut Executor,
    target: &RelationTarget,
    stop: &mut UnboundedReceiver<()>,
    report: &mut StepReport,
) -> Result<(), String> {
    let kind = ActionKind::DropInvalidIndex;
    let index = resolve(executor, kind, target.oid).await?;
    let name = sanitized(&sql::qualified(&index.schema, &index.name));
    if index.relkind != "i" {
        return Err(format!(
            "{name} is not an index DROP INDEX CONCURRENTLY can drop (relkind {})",
            index.relkind
        ));
    }
    if index.index_valid != Some(false) {
        return Err(format!("{name} is valid now: not dropped"));
    }
    if let Some(pid) = index.index_build_pid {
        return Err(format!(
            "an index build (pid {pid}) runs on the table of {name}: not dropped while it \
             may still finish it"
        ));
    }
    let text = sql::drop_index_concurrently(&index.schema, &index.name);
    report.sql = text.clone();
    simple(executor, kind, &text, stop, report).await?;
    if report.outcome == Outcome::Ok {
        report.message = format!("dropped invalid index {name}");
    }
    Ok(())
}

async fn maintain(
    executor: &mut Executor,
    kind: ActionKind,
    target: &RelationTarget,
    stop: &mut UnboundedReceiver<()>,
    report: &mut StepReport,
) -> Result<(), String> {
    let relation = resolve(executor, kind, target.oid).await?;
    let is_index = matches!(relation.relkind.as_str(), "i" | "I");
    let is_table = matches!(relation.relkind.as_str(), "r" | "m" | "p");
    let text = match kind {
        ActionKind::ReindexConcurrently if is_index => {
            sql::reindex_concurrently(&relation.schema, &relation.name)
        }
        ActionKind::VacuumAnalyze if is_table => {
            sql::vacuum_analyze(&relation.schema, &relation.name)
        }
        ActionKind::Analyze if is_table => sql::analyze(&relation.schema, &relation.name),
        _ => {
            return Err(format!(
                "{} cannot act on {} (relkind {})",
                kind.title(),
                sanitized(&sql::qualified(&relation.schema, &relation.name)),
                relation.relkind
            ));
        }
    };
    report.sql = text.clone();
    if kind != ActionKind::ReindexConcurrently {
        simple(executor, kind, &text, stop, report).await?;
        if report.outcome == Outcome::Ok {
            report.message = format!("{} done", kind.title());
        }
        return Ok(());
    }
    let before = invalid_indexes(executor, kind, relation.table_oid).await?;
    let result = simple(executor, kind, &text, stop, report).await;
    if result.is_ok() && report.outcome == Outcome::Ok {
        report.message = "REINDEX CONCURRENTLY done".into();
        return Ok(());
    }
    // A failed, stopped or timed-out REINDEX CONCURRENTLY can leave an invalid copy that
    // every write still maintains: say which, and how to remove it.
    let after = invalid_indexes(executor, kind, relation.table_oid)
        .await
        .unwrap_or_default();
    let left: Vec<RelationTarget> = after
        .into_iter()
        .filter(|index| !before.iter().any(|b| b.oid == index.oid))
        .collect();
    let mut message = match &result {
        Err(message) => message.clone(),
        Ok(_) => report.message.clone(),
    };
    if !left.is_empty() {
        let names: Vec<String> = left
            .iter()
            .map(|index| sql::qualified(&index.schema, &index.name))
            .collect();
        message.push_str(&format!(
            "; left invalid index {} (still updated on every write: DROP INDEX CONCURRENTLY it)",
            names.join(", ")
        ));
    }
    report.left_invalid = left;
    result.map(|_| ()).map_err(|_| message.clone())?;
    report.message = message;
    Ok(())
}

/// Invalid indexes of a table, by OID with display-safe (sanitized) names.
async fn invalid_indexes(
    executor: &mut Executor,
    kind: ActionKind,
    table_oid: u32,
) -> Result<Vec<RelationTarget>, String> {
    let live = executor.connection(kind).await?;
    let rows = live
        .client()
        .query(ACTION_INVALID_INDEXES_SQL, &[&table_oid])
        .await
        .map_err(|e| describe(&e))?;
    rows.iter()
        .map(|row| {
            let oid: u32 = row.try_get("index_oid").map_err(|e| describe(&e))?;
            let schema: String = row.try_get("schema_name").map_err(|e| describe(&e))?;
            let name: String = row.try_get("index_name").map_err(|e| describe(&e))?;
            let table: String = row.try_get("table_name").map_err(|e| describe(&e))?;
            Ok(RelationTarget {
                oid,
                schema: sanitized(&schema),
                name: sanitized(&name),
                size_bytes: None,
                table: Some(sanitized(&table)),
            })
        })
        .collect()
}

async fn snapshot(
    executor: &mut Executor,
    stop: &mut UnboundedReceiver<()>,
    report: &mut StepReport,
) -> Result<(), String> {
    let kind = ActionKind::Snapshot;
    let timeout = executor.timeout_for(kind);
    let live = executor.connection(kind).await?;
    let canceller = live.canceller();
    let work = crate::actions::statistics::take_snapshot(live.client());
    let outcome = guarded(work, canceller, timeout, stop).await;
    absorb_notices(live.take_notices(), report);
    let rows = match outcome {
        Guarded::Done(Ok(rows)) => rows,
        Guarded::Done(Err(e)) => return Err(e.to_string()),
        Guarded::Stopped(_) => {
            report.outcome = Outcome::Cancelled;
            return Err("stopped".into());
        }
        Guarded::NoAnswer => {
            executor.drop_connection();
            return Err("no answer from the server within statement_timeout".into());
        }
    };
    if report.outcome == Outcome::Ok {
        report.message = format!("snapshot: {rows} tables recorded");
    }
    Ok(())
}

async fn reset(
    executor: &mut Executor,
    stop: &mut UnboundedReceiver<()>,
    report: &mut StepReport,
) -> Result<(), String> {
    simple(
        executor,
        ActionKind::ResetStatements,
        sql::RESET_STATEMENTS,
        stop,
        report,
    )
    .await?;
    if report.outcome == Outcome::Ok {
        report.message = "pg_stat_statements reset".into();
    }
    Ok(())
}
