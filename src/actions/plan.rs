//! Building a [`Plan`] from what is on screen. Pure: the dialog shows exactly what these
//! return, and the executor runs it.

use super::{ActionKind, BackendTarget, Plan, RelationTarget, StatementTarget, Step, Target, sql};
use crate::monitor::snapshot::{BackendType, Session};

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
        let sql = if terminate {
            sql::signal_backend(true, session.pid, backend_start)
        } else {
            sql::cancel_query(session.pid, backend_start, session.query_start)
        };
        steps.push(Step {
            sql,
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
        query_start: session.query_start,
        query: session.query.clone(),
        raw_query: session.raw_query.clone(),
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

/// REINDEX CONCURRENTLY of one index. It first waits for every transaction of this
/// database older than itself: the dialog names the oldest one open now, so the wait
/// is no surprise.
/// `sessions` is `None` when they could not be read: then who is open is unknown, and the
/// note says so rather than "none".
pub fn reindex(target: RelationTarget, sessions: Option<&[Session]>, database: &str) -> Plan {
    let mut plan = relation(ActionKind::ReindexConcurrently, target);
    let waits = "waits for older transactions of this database that lock the table or hold a \
                 snapshot";
    let mut note = match sessions.map(|all| oldest_transaction(all, database)) {
        Some(Some(oldest)) => format!(
            "{waits}; the oldest open now: {}",
            describe_transaction(oldest)
        ),
        Some(None) => format!("{waits} (none open now)"),
        None => format!("{waits} (which are open now is unknown: sessions could not be read)"),
    };
    let hidden = sessions.map_or(0, |all| {
        all.iter().filter(|s| s.backend_start.is_none()).count()
    });
    if hidden > 0 {
        note.push_str(&format!(
            "; {hidden} session{} hidden from this role not counted",
            if hidden == 1 { "" } else { "s" }
        ));
    }
    plan.note = Some(note);
    plan
}

/// `DROP INDEX CONCURRENTLY` of an invalid index, by OID: the executor reads its real
/// names when it runs and refuses if it has become valid.
pub fn drop_invalid_index(target: RelationTarget) -> Plan {
    Plan {
        kind: ActionKind::DropInvalidIndex,
        steps: vec![Step {
            sql: sql::drop_index_concurrently(&target.schema, &target.name),
            target: Target::Relation(target),
        }],
        note: Some(
            "an invalid index serves no query but is still updated on every write; \
             refused if it has become valid"
                .into(),
        ),
    }
}

/// The session with the oldest open transaction among those a CONCURRENTLY command
/// waits for: client sessions of `database` (the display name; it waits for no other
/// database's), not autovacuum, which it does not wait for, and not pgpulse's own
/// action connections.
pub fn oldest_transaction<'a>(sessions: &'a [Session], database: &str) -> Option<&'a Session> {
    sessions
        .iter()
        .filter(|s| s.xact_age.is_some() && s.backend_type == BackendType::ClientBackend)
        .filter(|s| s.database.as_deref() == Some(database))
        .filter(|s| s.application != super::executor::APPLICATION_NAME)
        .max_by_key(|s| s.xact_age)
}

/// `pid 4242 (idle in transaction, open 2h 3m, learning-api, alice)`.
pub fn describe_transaction(session: &Session) -> String {
    let mut facts = Vec::new();
    if let Some(state) = &session.state {
        facts.push(state.to_string());
    }
    if let Some(age) = session.xact_age {
        facts.push(format!("open {}", crate::text::format::duration(age)));
    }
    if !session.application.is_empty() {
        facts.push(session.application.clone());
    }
    if let Some(user) = &session.user {
        facts.push(user.clone());
    }
    format!("pid {} ({})", session.pid, facts.join(", "))
}

/// A statistics snapshot of every user table into `database_statistics_snapshot`.
pub fn snapshot() -> Plan {
    Plan {
        kind: ActionKind::Snapshot,
        steps: vec![Step {
            sql: crate::pg::queries::STATISTICS_SNAPSHOT_SQL.to_string(),
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

/// EXPLAIN of the query a session showed on screen: its exact text, carried in the plan,
/// never re-read (on OLTP traffic the session has moved on by the time it is confirmed).
pub fn explain_session(session: &Session, server_version_num: i32) -> Result<Plan, String> {
    let Some(backend_start) = session.backend_start else {
        return Err(format!(
            "pid {}: its query is hidden from this role (needs pg_read_all_stats)",
            session.pid
        ));
    };
    if session.raw_query.trim().is_empty() {
        return Err(format!("pid {} has no query to explain", session.pid));
    }
    let generic = sql::has_placeholders(&session.raw_query);
    check_generic(generic, server_version_num)?;
    Ok(Plan {
        kind: ActionKind::Explain,
        steps: vec![Step {
            sql: sql::explain(sql::explainable(&session.raw_query), generic),
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

#[cfg(test)]
mod tests {

    use super::*;
    use crate::monitor::snapshot::SessionState;
    use crate::monitor::snapshot::test_support::{SessionBuilder, session};

    fn index() -> RelationTarget {
        RelationTarget {
            oid: 20,
            schema: "public".into(),
            name: "t_i".into(),
            size_bytes: None,
            table: Some("t".into()),
        }
    }

    #[test]
    fn the_reindex_dialog_names_the_oldest_open_transaction_of_this_database() {
        let mut old = session(5).xact_age(7_200);
        old.state = Some(SessionState::IdleInTransaction);
        old.application = "report-job".into();
        let newer = session(6).xact_age(60);
        // Older still, but elsewhere or not a client: REINDEX does not wait for them.
        let mut other_db = session(7).xact_age(90_000);
        other_db.database = Some("other".into());
        let autovacuum = session(8)
            .xact_age(90_000)
            .backend_type("autovacuum worker");
        let mut own = session(9).xact_age(90_000);
        own.application = super::super::executor::APPLICATION_NAME.into();
        let all = [newer, old, other_db, autovacuum, own];
        let plan = reindex(index(), Some(&all), "db1");
        assert_eq!(
            plan.note.as_deref(),
            Some(
                "waits for older transactions of this database that lock the table or hold a \
                 snapshot; the oldest open now: pid 5 (idle in transaction, open 2h, \
                 report-job, app)"
            )
        );
        assert_eq!(
            reindex(index(), Some(&[]), "db1").note.as_deref(),
            Some(
                "waits for older transactions of this database that lock the table or hold a \
                 snapshot (none open now)"
            )
        );
        let mut hidden = session(10);
        hidden.backend_start = None;
        let unknown = reindex(index(), None, "db1");
        assert!(
            unknown
                .note
                .as_deref()
                .is_some_and(|n| n.contains("unknown")),
            "{:?}",
            unknown.note
        );
        let with_hidden = reindex(index(), Some(&[hidden]), "db1");
        assert!(
            with_hidden
                .note
                .as_deref()
                .is_some_and(|n| n.ends_with("1 session hidden from this role not counted")),
            "{:?}",
            with_hidden.note
        );
    }
}
