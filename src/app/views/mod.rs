//! Table rows for each list screen, built from the newest snapshot and derived metrics.
//! Every string here came through the sanitiser in the collectors.

pub mod cache;
pub mod indexes;
pub mod journal;
pub mod maintenance;
pub mod pool;

use std::time::Duration;

use super::table::{Cell, Column, Row, RowId, Severity, SortKey};
use super::{App, TableId};
use crate::format;
use crate::snapshot::Session;

/// Which sessions the Activity screen lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivityMode {
    All,
    /// Not idle: running, or idle inside a transaction.
    Active,
    /// Waiting on a lock.
    Waiting,
    /// Root blockers first, their waiters indented below.
    BlockingTree,
}

impl ActivityMode {
    pub fn label(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Active => "active",
            Self::Waiting => "waiting",
            Self::BlockingTree => "blocking tree",
        }
    }
}

/// Default sort columns: longest running query, most time, slowest p95.
pub const ACTIVITY_DEFAULT_SORT: usize = 7;
pub const STATEMENTS_DEFAULT_SORT: usize = 2;
pub const LATENCY_DEFAULT_SORT: usize = 3;

/// The column a table is sorted by until the user chooses (largest first).
pub fn default_sort(id: TableId) -> usize {
    match id {
        TableId::Activity => ACTIVITY_DEFAULT_SORT,
        TableId::Statements => STATEMENTS_DEFAULT_SORT,
        TableId::Latency => LATENCY_DEFAULT_SORT,
        TableId::PoolApplications
        | TableId::PoolUsers
        | TableId::PoolClients
        | TableId::PgBouncerPools => pool::default_sort(id),
        TableId::Progress => maintenance::PROGRESS_DEFAULT_SORT,
        TableId::CacheTables => cache::default_sort(id),
        TableId::Indexes | TableId::TableScans => indexes::default_sort(id),
        _ => 0,
    }
}

/// Columns and rows of a table from the newest data; `true` keeps the rows' order.
pub fn build(app: &App, id: TableId) -> (Vec<Column>, Vec<Row>, bool) {
    match id {
        TableId::Activity => activity(app),
        TableId::Statements => {
            let (columns, rows) = statements(app);
            (columns, rows, false)
        }
        TableId::Latency => {
            let (columns, rows) = latency(app);
            (columns, rows, false)
        }
        TableId::CacheTables => cache::build(app, id),
        TableId::Indexes | TableId::TableScans => indexes::build(app, id),
        TableId::Maintenance | TableId::Progress | TableId::Wraparound | TableId::TaskHistory => {
            maintenance::build(app, id)
        }
        TableId::PoolApplications
        | TableId::PoolUsers
        | TableId::PoolClients
        | TableId::PgBouncerPools => pool::build(app, id),
        TableId::Journal => journal::build(app),
    }
}

/// Housekeeping processes that are not sessions a DBA acts on.
const BACKGROUND_TYPES: &[&str] = &[
    "checkpointer",
    "background writer",
    "walwriter",
    "archiver",
    "startup",
    "autovacuum launcher",
    "logical replication launcher",
    "io worker",
    "walsummarizer",
];

fn cell(text: impl Into<String>) -> Cell {
    Cell {
        text: text.into(),
        severity: Severity::Normal,
    }
}

fn text(value: Option<&str>) -> (Cell, SortKey) {
    match value {
        Some(v) => (cell(v), SortKey::Text(v.to_string())),
        None => (
            Cell {
                text: "-".into(),
                severity: Severity::Muted,
            },
            SortKey::Missing,
        ),
    }
}

fn number(
    value: Option<f64>,
    shown: impl FnOnce(f64) -> String,
    severity: Severity,
) -> (Cell, SortKey) {
    match value {
        Some(v) if v.is_finite() => (
            Cell {
                text: shown(v),
                severity,
            },
            SortKey::Number(v),
        ),
        _ => (
            Cell {
                text: "-".into(),
                severity: Severity::Muted,
            },
            SortKey::Missing,
        ),
    }
}

fn age(value: Option<Duration>, severity: Severity) -> (Cell, SortKey) {
    number(
        value.map(|d| d.as_secs_f64()),
        |s| format::age(Duration::from_secs_f64(s)),
        severity,
    )
}

/// Seed thresholds for a running query: slow at 5 s, critical at 30 s.
fn query_age_severity(session: &Session, app: &App) -> Severity {
    let thresholds = &app.derived.thresholds;
    match (session.state.as_deref(), session.query_age) {
        (Some("active"), Some(age)) => match thresholds.running_query_level(age) {
            crate::metrics::Level::Crit => Severity::Crit,
            crate::metrics::Level::Warn => Severity::Warn,
            crate::metrics::Level::Ok => Severity::Normal,
        },
        _ => Severity::Normal,
    }
}

fn state_severity(state: Option<&str>) -> Severity {
    match state {
        Some(s) if s.starts_with("idle in transaction") => Severity::Warn,
        Some("idle") => Severity::Muted,
        _ => Severity::Normal,
    }
}

/// The Activity table for the current mode and idle toggle.
pub fn activity(app: &App) -> (Vec<Column>, Vec<Row>, bool) {
    let tree = app.activity_mode == ActivityMode::BlockingTree;
    let columns = vec![
        // In the tree the pid column carries the indentation, so it is left-aligned.
        if tree {
            Column::text("PID", 12, 0)
        } else {
            Column::number("PID", 8, 0)
        },
        Column::text("USER", 10, 2),
        Column::text("DB", 10, 3),
        Column::text("APP", 14, 4),
        Column::text("CLIENT", 15, 5),
        Column::text("STATE", 11, 0),
        Column::text("WAIT", 14, if tree { 3 } else { 1 }),
        Column::number("Q AGE", 7, 0),
        // In the tree the root's transaction age and reach are the point.
        Column::number("X AGE", 7, if tree { 0 } else { 2 }),
        Column::number("BLOCKS", 6, if tree { 0 } else { 3 }),
        Column::text("QUERY", 20, 0),
    ];
    let mut columns = columns;
    // Per-backend CPU and memory only when the server runs on this machine.
    if host_usage(app).is_some() {
        columns.insert(columns.len() - 1, Column::number("CPU%", 5, 2));
        columns.insert(columns.len() - 1, Column::number("RSS", 9, 4));
    }
    let Some(Ok(sessions)) = app.latest.as_ref().map(|s| &s.activity) else {
        return (columns, vec![], false);
    };
    let shown: Vec<(&Session, u16, usize)> = if tree {
        app.derived
            .blocking
            .iter()
            .filter_map(|row| {
                let session = sessions.iter().find(|s| s.pid == row.pid)?;
                Some((
                    session,
                    u16::try_from(row.depth).unwrap_or(u16::MAX),
                    row.blocks_total,
                ))
            })
            .collect()
    } else {
        sessions
            .iter()
            .filter(|s| !BACKGROUND_TYPES.contains(&s.backend_type.as_str()))
            .filter(|s| match app.activity_mode {
                ActivityMode::All | ActivityMode::BlockingTree => true,
                ActivityMode::Active => s.state.as_deref().is_some_and(|st| st != "idle"),
                ActivityMode::Waiting => s.wait_event_type.as_deref() == Some("Lock"),
            })
            .filter(|s| !app.hide_idle || s.state.as_deref() != Some("idle"))
            .map(|s| (s, 0, blocks_count(s.pid, sessions)))
            .collect()
    };
    let rows = shown
        .into_iter()
        .map(|(session, depth, blocks)| activity_row(app, session, depth, blocks))
        .collect();
    (columns, rows, tree)
}

fn blocks_count(pid: i32, sessions: &[Session]) -> usize {
    sessions
        .iter()
        .filter(|s| s.blocked_by.contains(&pid))
        .count()
}

fn activity_row(app: &App, session: &Session, depth: u16, blocks: usize) -> Row {
    let pid_text = if depth == 0 {
        session.pid.to_string()
    } else {
        format!(
            "{}└ {}",
            "  ".repeat(usize::from(depth.saturating_sub(1))),
            session.pid
        )
    };
    let wait = wait_label(session);
    let state = session.state.as_deref();
    let mut row = Row::new(
        RowId::Pid(session.pid),
        vec![
            (cell(pid_text), SortKey::Number(f64::from(session.pid))),
            text(session.user.as_deref()),
            text(session.database.as_deref()),
            text(Some(session.application.as_str()).filter(|a| !a.is_empty())),
            text(session.client.as_deref()),
            (
                Cell {
                    text: short_state(state).to_string(),
                    severity: state_severity(state),
                },
                state.map_or(SortKey::Missing, |s| SortKey::Text(s.to_string())),
            ),
            text(wait.as_deref()),
            age(session.query_age, query_age_severity(session, app)),
            age(session.xact_age, Severity::Normal),
            number(
                Some(blocks as f64),
                |n| {
                    if n > 0.0 {
                        format!("{n:.0}")
                    } else {
                        String::new()
                    }
                },
                if blocks > 0 {
                    Severity::Crit
                } else {
                    Severity::Normal
                },
            ),
        ],
    );
    if let Some(backends) = host_usage(app) {
        let usage = backends.get(&session.pid);
        let cpu = number(
            usage.and_then(|u| u.cpu_ratio).map(|r| r * 100.0),
            |p| format!("{p:.0}"),
            Severity::Normal,
        );
        let rss = number(
            usage.map(|u| u.rss_bytes as f64),
            |b| format::bytes(b as i64),
            Severity::Normal,
        );
        row.cells.extend([cpu.0, rss.0]);
        row.sort_keys.extend([cpu.1, rss.1]);
    }
    let query = cell(collapse_spaces(&session.query));
    row.cells.push(query);
    row.sort_keys.push(SortKey::Text(session.query.clone()));
    row.depth = depth;
    row
}

/// Per-backend CPU and RSS from the host sample, when the server is local.
fn host_usage(
    app: &App,
) -> Option<&std::collections::HashMap<i32, crate::snapshot::host::BackendUsage>> {
    app.latest.as_ref()?.host.as_ref().map(|h| &h.backends)
}

/// Lock waits keep their type (`Lock:tuple`, `LWLock:WALWrite`), other waits show the
/// event alone (`ClientRead`): the column stays narrow and the important part shows.
fn wait_label(session: &Session) -> Option<String> {
    match (
        session.wait_event_type.as_deref(),
        session.wait_event.as_deref(),
    ) {
        (Some(kind @ ("Lock" | "LWLock")), Some(event)) => Some(format!("{kind}:{event}")),
        (_, Some(event)) => Some(event.to_string()),
        _ => None,
    }
}

/// States shortened to fit a narrow column without losing their meaning.
fn short_state(state: Option<&str>) -> &str {
    match state {
        Some("idle in transaction") => "idle in txn",
        Some("idle in transaction (aborted)") => "aborted txn",
        Some("fastpath function call") => "fastpath",
        Some(other) => other,
        None => "-",
    }
}

/// Query text on one line: runs of spaces (from newlines and indentation) become one.
pub fn collapse_spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The statements table: interval deltas, or cumulative totals when toggled.
pub fn statements(app: &App) -> (Vec<Column>, Vec<Row>) {
    let texts = app
        .latest
        .as_ref()
        .and_then(|s| s.statements.as_ref().ok())
        .map(|s| s.texts.clone());
    let query_text = |key| {
        texts.as_ref().and_then(|t| t.get(&key)).map_or_else(
            || "(text not fetched yet)".to_string(),
            |t| collapse_spaces(t),
        )
    };
    let p95_warn = app.derived.thresholds.p95_latency_ms.warn;
    // pgpulse's own polling is not what the DBA is looking for.
    let own = |key| {
        texts
            .as_ref()
            .and_then(|t| t.get(&key))
            .is_some_and(|t| crate::queries::is_own_statement(t))
    };
    if app.cumulative {
        let columns = vec![
            Column::number("CALLS", 10, 1),
            Column::number("TOTAL ms", 11, 0),
            Column::number("MEAN ms", 9, 0),
            Column::number("ROWS", 10, 2),
            Column::number("HIT %", 7, 1),
            Column::number("TEMP BLK", 9, 3),
            Column::text("QUERY", 20, 0),
        ];
        let rows = app
            .derived
            .cumulative
            .iter()
            .filter(|t| !own(t.key))
            .map(|t| {
                Row::new(
                    RowId::Statement(t.key),
                    vec![
                        number(Some(t.calls as f64), format::quantity, Severity::Normal),
                        number(Some(t.total_exec_time_ms), format::millis, Severity::Normal),
                        number(
                            t.mean_ms,
                            format::millis,
                            latency_severity(t.mean_ms, p95_warn),
                        ),
                        number(Some(t.rows as f64), format::quantity, Severity::Normal),
                        number(
                            t.shared_hit_ratio,
                            |r| format::percent(Some(r)),
                            Severity::Normal,
                        ),
                        number(Some(t.temp_blks as f64), format::quantity, Severity::Normal),
                        (cell(query_text(t.key)), SortKey::Missing),
                    ],
                )
            })
            .collect();
        return (columns, rows);
    }
    let columns = vec![
        Column::number("CALLS/s", 9, 0),
        Column::number("MEAN ms", 9, 0),
        Column::number("% TIME", 7, 0),
        Column::number("ROWS/s", 9, 2),
        Column::number("HIT %", 7, 1),
        Column::number("TEMP BLK", 9, 3),
        Column::text("QUERY", 20, 0),
    ];
    let rows = app
        .derived
        .statements
        .rows
        .iter()
        .filter(|d| !own(d.key))
        .map(|d| {
            Row::new(
                RowId::Statement(d.key),
                vec![
                    number(Some(d.calls_per_sec), format::quantity, Severity::Normal),
                    number(
                        d.mean_ms,
                        format::millis,
                        latency_severity(d.mean_ms, p95_warn),
                    ),
                    number(
                        Some(d.share_of_total_time),
                        |r| format::percent(Some(r)),
                        Severity::Normal,
                    ),
                    number(Some(d.rows_per_sec), format::quantity, Severity::Normal),
                    number(
                        d.shared_hit_ratio,
                        |r| format::percent(Some(r)),
                        Severity::Normal,
                    ),
                    number(Some(d.temp_blks as f64), format::quantity, Severity::Normal),
                    (cell(query_text(d.key)), SortKey::Missing),
                ],
            )
        })
        .collect();
    (columns, rows)
}

fn latency_severity(ms: Option<f64>, warn_ms: f64) -> Severity {
    match ms {
        Some(v) if v >= warn_ms => Severity::Warn,
        _ => Severity::Normal,
    }
}

/// The `query_performance_log` percentiles table.
pub fn latency(app: &App) -> (Vec<Column>, Vec<Row>) {
    let columns = vec![
        Column::text("QUERY HASH", 16, 0),
        Column::number("COUNT", 8, 0),
        Column::number("P50 ms", 8, 1),
        Column::number("P95 ms", 8, 0),
        Column::number("P99 ms", 8, 1),
        Column::number("MAX ms", 8, 2),
        Column::number("SLOW", 6, 0),
        Column::number("EXAM/RET", 9, 3),
    ];
    let Some(Ok(log)) = app
        .latest
        .as_ref()
        .and_then(|s| s.slow.as_ref())
        .map(|slow| &slow.performance_log)
    else {
        return (columns, vec![]);
    };
    let p95_warn = app.derived.thresholds.p95_latency_ms.warn;
    let rows = log
        .queries
        .iter()
        .map(|q| {
            let hash = q.query_hash.clone().unwrap_or_default();
            let ratio =
                (q.rows_returned > 0).then(|| q.rows_examined as f64 / q.rows_returned as f64);
            Row::new(
                RowId::QueryHash(hash.clone()),
                vec![
                    (cell(hash.clone()), SortKey::Text(hash)),
                    number(Some(q.count as f64), format::quantity, Severity::Normal),
                    number(Some(q.p50_ms), format::millis, Severity::Normal),
                    number(
                        Some(q.p95_ms),
                        format::millis,
                        latency_severity(Some(q.p95_ms), p95_warn),
                    ),
                    number(Some(q.p99_ms), format::millis, Severity::Normal),
                    number(Some(q.max_ms), format::millis, Severity::Normal),
                    number(
                        Some(q.slow_count as f64),
                        format::quantity,
                        if q.slow_count > 0 {
                            Severity::Warn
                        } else {
                            Severity::Normal
                        },
                    ),
                    number(ratio, |r| format!("{r:.1}x"), Severity::Normal),
                ],
            )
        })
        .collect();
    (columns, rows)
}
