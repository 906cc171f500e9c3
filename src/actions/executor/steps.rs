//! Running a plan step by step, and what each kind of step sends and how its answer reads
//! (the maintenance steps in `relations`, EXPLAIN in `explain`).

use std::time::{Instant, SystemTime};

use tokio::sync::mpsc::UnboundedReceiver;

use super::connection::{Executor, Guarded, absorb_notices, describe, guarded, not_run, simple};
use crate::actions::{ActionKind, BackendTarget, Outcome, Plan, Step, StepReport, Target, sql};
use crate::monitor::snapshot::SessionState;
use crate::pg::queries::ACTION_SESSION_SQL;
use crate::text::sanitize::sanitized;

impl Executor {
    /// Runs every step of a plan (stopping early when asked) and journals each.
    pub async fn run(&mut self, plan: &Plan, stop: &mut UnboundedReceiver<()>) -> Vec<StepReport> {
        let mut reports = Vec::with_capacity(plan.steps.len());
        let mut stopped = false;
        for step in &plan.steps {
            let report = if stopped {
                not_run(plan.kind, step)
            } else {
                self.run_step(plan.kind, step, stop).await
            };
            stopped |= report.outcome == Outcome::Cancelled;
            reports.push(report);
        }
        reports
    }

    /// Runs one step and journals it.
    pub async fn run_step(
        &mut self,
        kind: ActionKind,
        step: &Step,
        stop: &mut UnboundedReceiver<()>,
    ) -> StepReport {
        let started = Instant::now();
        let mut report = run(self, kind, step, stop).await;
        report.duration = started.elapsed();
        report.finished_at = SystemTime::now();
        self.journal(&mut report);
        report
    }
}

/// Runs one step; the caller fills in the duration and journals it.
async fn run(
    executor: &mut Executor,
    kind: ActionKind,
    step: &Step,
    stop: &mut UnboundedReceiver<()>,
) -> StepReport {
    let mut report = StepReport::new(kind, step.target.describe(), step.sql.clone());
    // What writes is refused on a standby before it is sent (ROLLBACK PREPARED checks
    // in its own database).
    let checked = if kind.needs_primary() && kind != ActionKind::RollbackPrepared {
        super::holders::refuse_on_standby(executor, kind).await
    } else {
        Ok(())
    };
    let result = match (kind, &step.target) {
        _ if checked.is_err() => checked,
        (ActionKind::RollbackPrepared, Target::Prepared(target)) => {
            super::holders::rollback_prepared(executor, target, stop, &mut report).await
        }
        (ActionKind::DropSlot, Target::Slot(target)) => {
            super::holders::drop_slot(executor, target, stop, &mut report).await
        }
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
    state: Option<SessionState>,
    query_start: Option<SystemTime>,
}

impl SessionNow {
    /// `is now idle` / `now runs another query (started 18:05:12.345 UTC)`.
    fn describe(&self) -> String {
        match (&self.state, self.query_start) {
            (Some(SessionState::Active), Some(start)) => format!(
                "now runs another query (started {} UTC)",
                crate::text::timefmt::rfc3339_millis(start)
                    .get(11..23)
                    .unwrap_or_default()
            ),
            (Some(state), _) => format!("is now {state}"),
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
            // Sanitized before it is parsed: an unknown state is shown as it came.
            state: row
                .try_get::<_, Option<String>>("state")
                .map_err(|e| describe(&e))?
                .map(|state| SessionState::parse(&sanitized(&state))),
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
