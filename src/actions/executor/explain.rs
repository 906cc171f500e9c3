//! EXPLAIN of a session's query or a pg_stat_statements entry, planned safely.

use tokio::sync::mpsc::UnboundedReceiver;
use tokio_postgres::SimpleQueryMessage;

use super::connection::{Executor, absorb_notices, describe, guarded, settle};
use crate::actions::{ActionKind, BackendTarget, Outcome, StepReport, Target, sql};
use crate::pg::queries::{ACTION_SESSION_SQL, ACTION_STATEMENT_TEXT_SQL};
use crate::text::sanitize::sanitized;

/// The activity collector keeps this many characters of a query (`left(query, 4096)`).
const COLLECTED_QUERY_CHARS: usize = 4096;

/// What to plan, as whom.
struct Planned {
    text: String,
    role: String,
}

/// EXPLAIN, never ANALYZE, of exactly the text the dialog showed: a session's query as
/// it was on screen (carried in the plan, never re-read: the session has moved on by
/// now), or a pg_stat_statements entry's text (fetched by its key; it does not change).
/// In a read-only transaction, as the role that ran the query (so a function the planner
/// folds cannot borrow pgpulse's privileges; a role pgpulse cannot become is refused),
/// and over the extended protocol, which refuses a string holding more than one statement.
pub(super) async fn explain(
    executor: &mut Executor,
    target: &Target,
    stop: &mut UnboundedReceiver<()>,
    report: &mut StepReport,
) -> Result<(), String> {
    let kind = ActionKind::Explain;
    let version = executor.server_version_num();
    let timeout = executor.timeout_for(kind);
    let planned = match target {
        Target::Statement(s) => {
            let live = executor.connection(kind).await?;
            let row = live
                .client()
                .query_opt(ACTION_STATEMENT_TEXT_SQL, &[&s.userid, &s.dbid, &s.queryid])
                .await
                .map_err(|e| describe(&e))?
                .ok_or("the statement is no longer in pg_stat_statements")?;
            let query: Option<String> = row.try_get("query").map_err(|e| describe(&e))?;
            let query = query
                .filter(|q| !q.trim().is_empty())
                .ok_or("no query text (hidden by privileges)")?;
            let role: Option<String> = row.try_get("role_name").map_err(|e| describe(&e))?;
            same_database(row.try_get("same_database").map_err(|e| describe(&e))?)?;
            Planned {
                text: query,
                role: role.ok_or("the role that ran the query no longer exists")?,
            }
        }
        Target::Backend(b) => session_text(executor, b, report).await?,
        other => return Err(format!("EXPLAIN cannot act on {}", other.describe())),
    };
    let text = sql::explainable(&planned.text);
    let generic = sql::has_placeholders(text);
    if generic && version < 160_000 {
        return Err(format!(
            "this statement is normalized ($1 placeholders) and EXPLAIN (GENERIC_PLAN) needs \
             PostgreSQL 16; this server is {}",
            version / 10_000
        ));
    }
    let explain = sql::explain(text, generic);
    report.sql = explain.clone();
    report.planned = Some(text.to_string());
    let live = executor.connection(kind).await?;
    let canceller = live.canceller();
    let client = live.client();
    let set_role = sql::set_local_role(&planned.role);
    let work = async {
        client.batch_execute("BEGIN READ ONLY").await?;
        let rows = match client.batch_execute(&set_role).await {
            Ok(()) => plan(client, &explain).await,
            Err(e) => Err(e),
        };
        client.batch_execute("ROLLBACK").await?;
        rows
    };
    let outcome = guarded(work, canceller, timeout, stop).await;
    absorb_notices(live.take_notices(), report);
    let lines = settle(executor, outcome, report)?;
    report.output = lines.iter().map(|line| sanitized(line)).collect();
    report.message = format!(
        "plan: {} lines (planned as role {})",
        report.output.len(),
        sanitized(&planned.role)
    );
    Ok(())
}

/// The session's text as the screen showed it, and its role, if the pid still belongs to
/// the session on screen (the role is read now: display text is sanitized).
async fn session_text(
    executor: &mut Executor,
    target: &BackendTarget,
    report: &mut StepReport,
) -> Result<Planned, String> {
    let live = executor.connection(ActionKind::Explain).await?;
    let Some(row) = live
        .client()
        .query_opt(ACTION_SESSION_SQL, &[&target.pid, &target.backend_start])
        .await
        .map_err(|e| describe(&e))?
    else {
        report.outcome = Outcome::SessionEnded;
        return Err(format!(
            "session ended: pid {} is gone, so the role to plan as cannot be confirmed",
            target.pid
        ));
    };
    let role: Option<String> = row.try_get("role_name").map_err(|e| describe(&e))?;
    same_database(row.try_get("same_database").map_err(|e| describe(&e))?)?;
    let limit: Option<i32> = row.try_get("query_size_limit").map_err(|e| describe(&e))?;
    let text = &target.raw_query;
    if text.trim().is_empty() {
        return Err("no query text (hidden by privileges)".into());
    }
    // The server keeps at most track_activity_query_size - 1 bytes (cut on a character
    // boundary); a cut text may still parse, as another statement. Never plan it.
    let cut_by_server =
        limit.is_some_and(|limit| text.len() + 4 >= usize::try_from(limit).unwrap_or(0));
    if cut_by_server || text.chars().count() >= COLLECTED_QUERY_CHARS {
        return Err(format!(
            "the query text on screen may be cut (track_activity_query_size = {} bytes): \
             EXPLAIN of a cut text would plan another statement; EXPLAIN it from the Queries \
             screen (pg_stat_statements keeps whole texts) or raise track_activity_query_size",
            limit.map_or("?".to_string(), |l| l.to_string())
        ));
    }
    Ok(Planned {
        text: text.clone(),
        role: role.ok_or("the role that ran the query no longer exists")?,
    })
}

fn same_database(same: Option<bool>) -> Result<(), String> {
    if same == Some(true) {
        Ok(())
    } else {
        Err(
            "the query runs in another database: connect pgpulse to that database to EXPLAIN it"
                .into(),
        )
    }
}

/// Prepares the EXPLAIN first: the extended protocol's Parse refuses a string holding
/// two statements, and tells how many `$n` parameters the server found.
///
/// Without parameters it runs as prepared. With them (a GENERIC_PLAN of a normalized
/// text), values cannot be bound: any bound value, even NULL, is folded into the plan as
/// a constant (`id = $1` with NULL plans as `One-Time Filter: false`), and tokio-postgres
/// refuses to send none ("expected 1 parameters but got 0"). So the very same string goes
/// over the simple protocol, where the server leaves `$n` unbound; it is one statement,
/// since the same parser has just accepted it as one.
async fn plan(
    client: &tokio_postgres::Client,
    explain: &str,
) -> Result<Vec<String>, tokio_postgres::Error> {
    let statement = client.prepare(explain).await?;
    if statement.params().is_empty() {
        let rows = client.query(&statement, &[]).await?;
        return Ok(rows
            .iter()
            .filter_map(|row| row.try_get::<_, String>(0).ok())
            .collect());
    }
    let messages = client.simple_query(explain).await?;
    Ok(messages
        .iter()
        .filter_map(|message| match message {
            SimpleQueryMessage::Row(row) => row.get(0).map(str::to_owned),
            _ => None,
        })
        .collect())
}
