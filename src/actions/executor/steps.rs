//! What each kind of step sends and how its answer reads.

use std::time::SystemTime;

use tokio::sync::mpsc::UnboundedReceiver;
use tokio_postgres::SimpleQueryMessage;

use super::{Executor, Guarded, describe, guarded};
use crate::actions::{ActionKind, BackendTarget, Outcome, Step, StepReport, Target, sql};
use crate::pg::connect::Notice;
use crate::pg::queries::ACTION_SESSION_SQL;
use crate::text::sanitize::sanitized;

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
            super::relations::drop_invalid(executor, target, stop, &mut report).await
        }
        (
            ActionKind::VacuumAnalyze | ActionKind::Analyze | ActionKind::ReindexConcurrently,
            Target::Relation(target),
        ) => super::relations::maintain(executor, kind, target, stop, &mut report).await,
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

pub(super) async fn simple(
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
                crate::text::timefmt::rfc3339_millis(start)
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
