//! Building a [`Plan`] from what is on screen. Pure: the dialog shows exactly what these
//! return, and the executor runs it.

use super::{ActionKind, BackendTarget, Plan, RelationTarget, StatementTarget, Step, Target, sql};
use crate::snapshot::Session;

/// Cancel or terminate sessions. Each is identified by pid and `backend_start`; a session
/// whose `backend_start` is hidden by privileges cannot be verified and is refused.
pub fn signal(
    kind: ActionKind,
    sessions: &[&Session],
    note: Option<String>,
) -> Result<Plan, String> {
    let terminate = kind == ActionKind::TerminateBackend;
    let mut steps = Vec::with_capacity(sessions.len());
    for session in sessions {
        let Some(backend_start) = session.backend_start else {
            return Err(format!(
                "pid {}: its details are hidden from this role (needs pg_read_all_stats), so \
                 pgpulse cannot check the pid was not reused",
                session.pid
            ));
        };
        steps.push(Step {
            sql: sql::signal_backend(terminate, session.pid, backend_start),
            target: Target::Backend(backend_target(session, backend_start)),
        });
    }
    if steps.is_empty() {
        return Err("no session selected".into());
    }
    Ok(Plan { kind, steps, note })
}

fn backend_target(session: &Session, backend_start: std::time::SystemTime) -> BackendTarget {
    BackendTarget {
        pid: session.pid,
        backend_start,
        user: session.user.clone(),
        application: session.application.clone(),
        query_age: session.query_age,
        query: session.query.clone(),
    }
}

/// VACUUM (ANALYZE), ANALYZE or REINDEX CONCURRENTLY of one relation, by OID.
pub fn relation(kind: ActionKind, target: RelationTarget) -> Plan {
    let text = match kind {
        ActionKind::Analyze => sql::analyze(&target.schema, &target.name),
        ActionKind::ReindexConcurrently => sql::reindex_concurrently(&target.schema, &target.name),
        _ => sql::vacuum_analyze(&target.schema, &target.name),
    };
    Plan {
        kind,
        steps: vec![Step {
            sql: text,
            target: Target::Relation(target),
        }],
        note: None,
    }
}

/// A statistics snapshot of every user table into `database_statistics_snapshot`.
pub fn snapshot() -> Plan {
    Plan {
        kind: ActionKind::Snapshot,
        steps: vec![Step {
            sql: crate::queries::STATISTICS_SNAPSHOT_SQL.to_string(),
            target: Target::Server,
        }],
        note: Some("one row per user table: size, live rows, cache hit ratio".into()),
    }
}

/// `pg_stat_statements_reset()`: every statement's counters, for every user.
pub fn reset_statements() -> Plan {
    Plan {
        kind: ActionKind::ResetStatements,
        steps: vec![Step {
            sql: sql::RESET_STATEMENTS.to_string(),
            target: Target::Server,
        }],
        note: Some(
            "clears the statistics of every statement for everyone; cannot be undone".into(),
        ),
    }
}

/// EXPLAIN of a pg_stat_statements entry. Normalized texts (`$1`) need GENERIC_PLAN (16+).
pub fn explain_statement(target: StatementTarget, server_version_num: i32) -> Result<Plan, String> {
    let generic = sql::has_placeholders(&target.text);
    check_generic(generic, server_version_num)?;
    Ok(Plan {
        kind: ActionKind::Explain,
        steps: vec![Step {
            sql: sql::explain(&target.text, generic),
            target: Target::Statement(target),
        }],
        note: Some(
            "plans only (never ANALYZE), in a read-only transaction, as the role that ran it"
                .into(),
        ),
    })
}

/// EXPLAIN of a session's current query.
pub fn explain_session(session: &Session, server_version_num: i32) -> Result<Plan, String> {
    let Some(backend_start) = session.backend_start else {
        return Err(format!(
            "pid {}: its query is hidden from this role (needs pg_read_all_stats)",
            session.pid
        ));
    };
    if session.query.trim().is_empty() {
        return Err(format!("pid {} has no query to explain", session.pid));
    }
    let generic = sql::has_placeholders(&session.query);
    check_generic(generic, server_version_num)?;
    Ok(Plan {
        kind: ActionKind::Explain,
        steps: vec![Step {
            sql: sql::explain(&session.query, generic),
            target: Target::Backend(backend_target(session, backend_start)),
        }],
        note: Some(
            "plans only (never ANALYZE), in a read-only transaction, as the role that ran it"
                .into(),
        ),
    })
}

fn check_generic(generic: bool, server_version_num: i32) -> Result<(), String> {
    if generic && server_version_num < 160_000 {
        return Err(format!(
            "EXPLAIN of a normalized statement ($1 placeholders) needs EXPLAIN (GENERIC_PLAN), \
             PostgreSQL 16 or later; this server is {}",
            server_version_num / 10_000
        ));
    }
    Ok(())
}
