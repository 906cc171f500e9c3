//! What the detail view (Enter) adds to the polled data, read once when it opens: the
//! locks a session holds and waits for, a statement's every counter and its whole text,
//! an index's definition. On demand, on the monitoring session (read-only, with its
//! deadline), one round trip each; never part of a poll.

use std::time::SystemTime;

use serde_json::Value;

use crate::monitor::snapshot::StatementKey;
use crate::pg::queries::{DETAIL_INDEX_SQL, DETAIL_SESSION_LOCKS_SQL, DETAIL_STATEMENT_SQL};
use crate::pg::session::MonitorSession;
use crate::text::sanitize::{sanitize_multiline, sanitized};

/// What the detail view asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DetailRequest {
    /// A session, by pid and the `backend_start` that was on screen.
    Session {
        pid: i32,
        backend_start: Option<SystemTime>,
    },
    Statement(StatementKey),
    /// An index, by OID.
    Index(u32),
}

/// The answer.
#[derive(Debug, Clone, PartialEq)]
pub enum DetailData {
    Session(SessionDetail),
    Statement(StatementDetail),
    Index(IndexDetail),
}

/// A session's locks, and how much of a query the server keeps.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionDetail {
    /// False when the pid now belongs to another backend (the session ended).
    pub same_session: bool,
    /// Granted locks and the one it waits for (not granted) first.
    pub locks: Vec<LockInfo>,
    /// `track_activity_query_size`: the server keeps this many bytes of a query.
    pub query_size_limit: Option<usize>,
}

/// One row of `pg_locks`, display-safe.
#[derive(Debug, Clone, PartialEq)]
pub struct LockInfo {
    pub locktype: String,
    pub mode: String,
    pub granted: bool,
    /// What is locked: `public.users`, `transaction 1234`, `oid 16384 in database x`...
    pub object: String,
    /// Since when it waits (PostgreSQL 14+, not granted locks only).
    pub wait_start: Option<String>,
}

/// One `pg_stat_statements` entry in full.
#[derive(Debug, Clone, PartialEq)]
pub struct StatementDetail {
    pub role: Option<String>,
    pub database: Option<String>,
    /// The whole text, line breaks kept, controls escaped.
    pub text: Option<String>,
    /// Every numeric counter the installed extension version has, by column name.
    pub counters: Vec<(String, f64)>,
    /// `stats_since` (1.11+), as the server wrote it.
    pub stats_since: Option<String>,
    /// `pg_stat_statements.track_planning`: planning counters stay 0 when it is off.
    pub track_planning: Option<bool>,
}

impl StatementDetail {
    /// A counter by its `pg_stat_statements` column name, when this version has it.
    pub fn counter(&self, name: &str) -> Option<f64> {
        self.counters
            .iter()
            .find(|(column, _)| column == name)
            .map(|(_, value)| *value)
    }
}

/// An index's definition.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexDetail {
    /// `CREATE INDEX ...`; `None` when the index is gone.
    pub definition: Option<String>,
    /// `PRIMARY KEY (id)`, `UNIQUE (email)`... when a constraint owns the index.
    pub constraint: Option<String>,
    pub valid: Option<bool>,
}

/// Reads what `request` asks for; a failure is one display-safe line.
pub async fn fetch_detail(
    session: &mut MonitorSession,
    request: DetailRequest,
) -> Result<DetailData, String> {
    match request {
        DetailRequest::Session { pid, backend_start } => {
            session_detail(session, pid, backend_start).await
        }
        DetailRequest::Statement(key) => statement_detail(session, key).await,
        DetailRequest::Index(oid) => index_detail(session, oid).await,
    }
}

async fn session_detail(
    session: &mut MonitorSession,
    pid: i32,
    backend_start: Option<SystemTime>,
) -> Result<DetailData, String> {
    let rows = session
        .query(DETAIL_SESSION_LOCKS_SQL, &[&pid, &backend_start])
        .await
        .map_err(|e| e.to_string())?;
    let row = rows.first().ok_or("no answer")?;
    let limit: Option<String> = row.try_get("query_size_limit").map_err(bad_row)?;
    let same_session: bool = row.try_get("same_session").map_err(bad_row)?;
    let locks: String = row.try_get("locks").map_err(bad_row)?;
    let locks: Vec<Value> = serde_json::from_str(&locks).map_err(|e| sanitized(&e.to_string()))?;
    Ok(DetailData::Session(SessionDetail {
        same_session,
        locks: locks.iter().map(lock_from_json).collect(),
        query_size_limit: limit.and_then(|l| l.trim().parse().ok()),
    }))
}

/// One lock, with the locked object in words.
fn lock_from_json(lock: &Value) -> LockInfo {
    let text = |name: &str| lock.get(name).and_then(Value::as_str).map(sanitized);
    let number = |name: &str| lock.get(name).and_then(Value::as_i64);
    let locktype = text("locktype").unwrap_or_default();
    let relation = || match (text("relation"), number("relation_oid")) {
        (Some(name), _) => name,
        (None, Some(oid)) => match text("database") {
            Some(db) => format!("oid {oid} in database {db}"),
            None => format!("oid {oid} (shared catalog)"),
        },
        (None, None) => "-".into(),
    };
    let object = match locktype.as_str() {
        "relation" => relation(),
        "extend" => format!("extending {}", relation()),
        "page" => format!("{} page {}", relation(), number("page").unwrap_or_default()),
        "tuple" => format!(
            "{} page {} tuple {}",
            relation(),
            number("page").unwrap_or_default(),
            number("tuple").unwrap_or_default()
        ),
        "transactionid" => format!(
            "transaction {}",
            text("transactionid").unwrap_or_else(|| "-".into())
        ),
        "virtualxid" => format!(
            "virtual transaction {}",
            text("virtualxid").unwrap_or_else(|| "-".into())
        ),
        _ => text("database").map_or_else(|| "-".into(), |db| format!("in database {db}")),
    };
    LockInfo {
        locktype,
        mode: text("mode").unwrap_or_default(),
        granted: lock
            .get("granted")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        object,
        wait_start: text("wait_start"),
    }
}

async fn statement_detail(
    session: &mut MonitorSession,
    key: StatementKey,
) -> Result<DetailData, String> {
    let rows = session
        .query(
            DETAIL_STATEMENT_SQL,
            &[&key.userid, &key.dbid, &key.queryid],
        )
        .await
        .map_err(|e| e.to_string())?;
    for row in &rows {
        let counters: String = row.try_get("counters").map_err(bad_row)?;
        let counters: Value =
            serde_json::from_str(&counters).map_err(|e| sanitized(&e.to_string()))?;
        // Before 1.9 there is no toplevel column: every entry is top level.
        let toplevel = counters
            .get("toplevel")
            .and_then(Value::as_bool)
            .unwrap_or(true);
        if toplevel != key.toplevel {
            continue;
        }
        let text: Option<String> = row.try_get("query").map_err(bad_row)?;
        let role: Option<String> = row.try_get("role_name").map_err(bad_row)?;
        let database: Option<String> = row.try_get("database_name").map_err(bad_row)?;
        let track_planning: Option<String> = row.try_get("track_planning").map_err(bad_row)?;
        let numbers = counters
            .as_object()
            .map(|fields| {
                fields
                    .iter()
                    .filter(|(name, _)| !IDENTITY.contains(&name.as_str()))
                    .filter_map(|(name, value)| Some((sanitized(name), value.as_f64()?)))
                    .collect()
            })
            .unwrap_or_default();
        return Ok(DetailData::Statement(StatementDetail {
            role: role.as_deref().map(sanitized),
            database: database.as_deref().map(sanitized),
            text: text.as_deref().map(|t| sanitize_multiline(t).into_owned()),
            counters: numbers,
            stats_since: counters
                .get("stats_since")
                .and_then(Value::as_str)
                .map(sanitized),
            track_planning: track_planning.map(|on| on == "on"),
        }));
    }
    Err("no longer in pg_stat_statements (evicted or reset)".into())
}

/// Columns that name the entry rather than count anything.
const IDENTITY: [&str; 4] = ["userid", "dbid", "queryid", "toplevel"];

async fn index_detail(session: &mut MonitorSession, oid: u32) -> Result<DetailData, String> {
    let rows = session
        .query(DETAIL_INDEX_SQL, &[&oid])
        .await
        .map_err(|e| e.to_string())?;
    let Some(row) = rows.first() else {
        return Ok(DetailData::Index(IndexDetail {
            definition: None,
            constraint: None,
            valid: None,
        }));
    };
    let definition: Option<String> = row.try_get("definition").map_err(bad_row)?;
    let constraint: Option<String> = row.try_get("constraint_definition").map_err(bad_row)?;
    let valid: Option<bool> = row.try_get("valid").map_err(bad_row)?;
    Ok(DetailData::Index(IndexDetail {
        definition: definition
            .as_deref()
            .map(|d| sanitize_multiline(d).into_owned()),
        constraint: constraint.as_deref().map(sanitized),
        valid,
    }))
}

fn bad_row(error: tokio_postgres::Error) -> String {
    sanitized(&format!("unexpected row: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_name_what_they_lock() {
        let lock = |json: &str| {
            lock_from_json(&serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}")))
        };
        let relation = lock(
            r#"{"locktype":"relation","mode":"RowExclusiveLock","granted":true,
                "relation":"public.\"Users\"","relation_oid":16384,"database":"app"}"#,
        );
        assert_eq!(relation.object, "public.\"Users\"");
        assert!(relation.granted);
        let elsewhere = lock(
            r#"{"locktype":"relation","mode":"AccessShareLock","granted":true,
                "relation":null,"relation_oid":16384,"database":"other"}"#,
        );
        assert_eq!(elsewhere.object, "oid 16384 in database other");
        let waiting = lock(
            r#"{"locktype":"transactionid","mode":"ShareLock","granted":false,
                "transactionid":"748","wait_start":"2025-01-01 10:00:00+00"}"#,
        );
        assert_eq!(waiting.object, "transaction 748");
        assert!(!waiting.granted);
        let hostile = lock(
            r#"{"locktype":"relation","mode":"AccessShareLock","granted":true,
                "relation":"public.\"evil\u001b]0;x\u0007\"","relation_oid":1}"#,
        );
        assert!(!hostile.object.contains('\u{1b}'), "{}", hostile.object);
    }
}
