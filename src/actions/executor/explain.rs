//! EXPLAIN of a session's query or a pg_stat_statements entry, planned safely.

use tokio::sync::mpsc::UnboundedReceiver;

use super::steps::{absorb_notices, settle};
use super::{Executor, describe, guarded};
use crate::actions::{ActionKind, Outcome, StepReport, Target, sql};
use crate::queries::{ACTION_SESSION_QUERY_SQL, ACTION_STATEMENT_TEXT_SQL};
use crate::sanitize::sanitized;

/// EXPLAIN, never ANALYZE, of the real (unsanitized) text, fetched now by identity; in a
/// read-only transaction, as the role that ran the query (so a function the planner folds
/// cannot borrow pgpulse's privileges; a role pgpulse cannot become is refused), and over
/// the extended protocol, which refuses a string holding more than one statement.
pub(super) async fn explain(
    executor: &mut Executor,
    target: &Target,
    stop: &mut UnboundedReceiver<()>,
    report: &mut StepReport,
) -> Result<(), String> {
    let kind = ActionKind::Explain;
    let version = executor.server_version_num();
    let timeout = executor.timeout_for(kind);
    let live = executor.connection(kind).await?;
    let row = match target {
        Target::Statement(s) => live
            .client()
            .query_opt(ACTION_STATEMENT_TEXT_SQL, &[&s.userid, &s.dbid, &s.queryid])
            .await
            .map_err(|e| describe(&e))?
            .ok_or("the statement is no longer in pg_stat_statements")?,
        Target::Backend(b) => match live
            .client()
            .query_opt(ACTION_SESSION_QUERY_SQL, &[&b.pid, &b.backend_start])
            .await
            .map_err(|e| describe(&e))?
        {
            Some(row) => row,
            None => {
                report.outcome = Outcome::SessionEnded;
                return Err(format!("session ended: pid {} is gone", b.pid));
            }
        },
        other => return Err(format!("EXPLAIN cannot act on {}", other.describe())),
    };
    let query: Option<String> = row.try_get("query").map_err(|e| describe(&e))?;
    let role: Option<String> = row.try_get("role_name").map_err(|e| describe(&e))?;
    let role = role.ok_or("the role that ran the query no longer exists")?;
    let same_database: Option<bool> = row.try_get("same_database").map_err(|e| describe(&e))?;
    let query = query
        .filter(|q| !q.trim().is_empty())
        .ok_or("no query text (hidden by privileges)")?;
    if same_database != Some(true) {
        return Err(
            "the query runs in another database: connect pgpulse to that database to EXPLAIN it"
                .into(),
        );
    }
    let generic = sql::has_placeholders(&query);
    if generic && version < 160_000 {
        return Err(format!(
            "this statement is normalized ($1 placeholders) and EXPLAIN (GENERIC_PLAN) needs \
             PostgreSQL 16; this server is {}",
            version / 10_000
        ));
    }
    let text = sql::explain(query.trim_end().trim_end_matches(';'), generic);
    report.sql = text.clone();
    let canceller = live.canceller();
    let client = live.client();
    let set_role = sql::set_local_role(&role);
    let work = async {
        client.batch_execute("BEGIN READ ONLY").await?;
        let rows = match client.batch_execute(&set_role).await {
            Ok(()) => client.query(text.as_str(), &[]).await,
            Err(e) => Err(e),
        };
        client.batch_execute("ROLLBACK").await?;
        rows
    };
    let outcome = guarded(work, canceller, timeout, stop).await;
    absorb_notices(live.take_notices(), report);
    let rows = settle(executor, outcome, report)?;
    report.output = rows
        .iter()
        .filter_map(|row| row.try_get::<_, String>(0).ok())
        .map(|line| sanitized(&line))
        .collect();
    report.message = format!(
        "plan: {} lines (planned as role {})",
        report.output.len(),
        sanitized(&role)
    );
    Ok(())
}
