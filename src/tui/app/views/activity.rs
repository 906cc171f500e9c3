//! The Activity table: sessions by mode (all, active, waiting, blocking tree).

use super::super::App;
use super::super::table::{Cell, Column, Row, RowId, Severity, SortKey};
use super::ActivityMode;
use super::cells::{age, cell, number, text};
use crate::analysis::metrics::is_hidden_session;
use crate::monitor::snapshot::{BackendType, Session, SessionState, WaitEventType};
use crate::text::format;

/// The marker column's title and its mark.
const MARK_TITLE: &str = "*";
const MARK: &str = "●";

/// Seed thresholds for a running query: slow at 5 s, critical at 30 s.
fn query_age_severity(session: &Session, app: &App) -> Severity {
    let thresholds = &app.model.thresholds();
    match (&session.state, session.query_age) {
        (Some(SessionState::Active), Some(age)) => match thresholds.running_query_level(age) {
            crate::analysis::metrics::Level::Crit => Severity::Crit,
            crate::analysis::metrics::Level::Warn => Severity::Warn,
            crate::analysis::metrics::Level::Ok => Severity::Normal,
        },
        _ => Severity::Normal,
    }
}

/// What the STATE column says: the session's state, or that the role may not see it.
#[derive(Clone, Copy)]
enum Shown<'a> {
    State(&'a SessionState),
    /// A session hidden from the role has no state to show, which is not "no state".
    Hidden,
    Unknown,
}

impl Shown<'_> {
    fn severity(self) -> Severity {
        match self {
            Shown::State(state) if state.is_idle_in_transaction() => Severity::Warn,
            Shown::State(SessionState::Idle) | Shown::Hidden => Severity::Muted,
            _ => Severity::Normal,
        }
    }

    /// The state as sorted: its full name.
    fn sort_key(self) -> SortKey {
        match self {
            Shown::State(state) => SortKey::Text(state.to_string()),
            Shown::Hidden => SortKey::Text("hidden".into()),
            Shown::Unknown => SortKey::Missing,
        }
    }

    /// States shortened to fit a narrow column without losing their meaning.
    fn short(self) -> &'static str {
        match self {
            Shown::State(SessionState::IdleInTransaction) => "idle in txn",
            Shown::State(SessionState::IdleInTransactionAborted) => "aborted txn",
            Shown::State(SessionState::FastpathFunctionCall) => "fastpath",
            Shown::State(_) => "",
            Shown::Hidden => "hidden",
            Shown::Unknown => "-",
        }
    }

    fn text(self) -> String {
        match (self, self.short()) {
            (Shown::State(state), "") => state.to_string(),
            (_, short) => short.to_string(),
        }
    }
}

/// The Activity table for the current mode and idle toggle.
pub fn activity(app: &App) -> (Vec<Column>, Vec<Row>, bool) {
    let tree = app.activity_mode == ActivityMode::BlockingTree;
    let columns = vec![
        // Marked rows (Space) carry a mark of their own, readable in every theme (mono
        // too): cancel/terminate act on them instead of the highlighted row.
        Column::text(MARK_TITLE, 1, 0),
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
    let Some(Ok(sessions)) = app.model.snapshot().map(|s| &s.activity) else {
        return (columns, vec![], false);
    };
    let shown: Vec<(&Session, u16, usize)> = if tree {
        app.model
            .blocking_tree()
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
            .filter(|s| !s.backend_type.is_housekeeping())
            // Hidden rows without a database are the server's own processes.
            .filter(|s| {
                !(s.backend_start.is_none()
                    && s.backend_type == BackendType::Unknown
                    && s.database.is_none())
            })
            .filter(|s| match app.activity_mode {
                ActivityMode::All | ActivityMode::BlockingTree => true,
                // A hidden session may be running: not listing it would say it is not.
                ActivityMode::Active => {
                    s.state.as_ref().is_some_and(|st| *st != SessionState::Idle)
                        || is_hidden_session(s)
                }
                ActivityMode::Waiting => s.wait_event_type == Some(WaitEventType::Lock),
            })
            .filter(|s| !app.hide_idle || s.state != Some(SessionState::Idle))
            .map(|s| (s, 0, blocks_count(s.pid, sessions)))
            .collect()
    };
    let marked = &app.tables.state(super::super::TableId::Activity).marked;
    let rows = shown
        .into_iter()
        .map(|(session, depth, blocks)| {
            let is_marked = marked.contains(&RowId::Pid(session.pid));
            activity_row(app, session, depth, blocks, is_marked)
        })
        .collect();
    (columns, rows, tree)
}

fn blocks_count(pid: i32, sessions: &[Session]) -> usize {
    sessions
        .iter()
        .filter(|s| s.blocked_by.contains(&pid))
        .count()
}

fn activity_row(app: &App, session: &Session, depth: u16, blocks: usize, marked: bool) -> Row {
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
    let state = match &session.state {
        _ if is_hidden_session(session) => Shown::Hidden,
        Some(state) => Shown::State(state),
        None => Shown::Unknown,
    };
    let mark = if marked { MARK } else { "" };
    let mut row = Row::new(
        RowId::Pid(session.pid),
        vec![
            (
                cell(mark.to_string()),
                SortKey::Number(f64::from(u8::from(marked))),
            ),
            (cell(pid_text), SortKey::Number(f64::from(session.pid))),
            text(session.user.as_deref()),
            text(session.database.as_deref()),
            text(Some(session.application.as_str()).filter(|a| !a.is_empty())),
            text(session.client.as_deref()),
            (
                Cell {
                    text: state.text(),
                    severity: state.severity(),
                },
                state.sort_key(),
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
) -> Option<&std::collections::HashMap<i32, crate::monitor::snapshot::host::BackendUsage>> {
    app.model.snapshot()?.host.as_ref().map(|h| &h.backends)
}

/// Lock waits keep their type (`Lock:tuple`, `LWLock:WALWrite`), other waits show the
/// event alone (`ClientRead`): the column stays narrow and the important part shows.
fn wait_label(session: &Session) -> Option<String> {
    match (&session.wait_event_type, session.wait_event.as_deref()) {
        (Some(kind @ (WaitEventType::Lock | WaitEventType::LWLock)), Some(event)) => {
            Some(format!("{kind}:{event}"))
        }
        (_, Some(event)) => Some(event.to_string()),
        _ => None,
    }
}

/// Query text on one line: runs of spaces (from newlines and indentation) become one.
pub fn collapse_spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
