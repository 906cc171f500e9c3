//! The Activity screen: sessions in one of four modes (all, active, waiting, blocking
//! tree), with the xmin horizon holder and the sessions hidden from the role in the title.

use std::collections::HashMap;

use ratatui::layout::Rect;

use super::empty::Empty;
use super::rows::{RowWriter, TableRows, cell};
use super::state::{ActivityMode, TableId};
use super::table::{Cell, Column, RowId, Severity, SortKey, TableView};
use crate::analysis::metrics::{BlockingRow, Thresholds, is_hidden_session};
use crate::analysis::model::SectionId;
use crate::monitor::snapshot::host::BackendUsage;
use crate::monitor::snapshot::{BackendType, Session, SessionState, WaitEventType};
use crate::text::format;
use crate::tui::app::App;

/// The marker column's title and its mark.
const MARK_TITLE: &str = "*";
const MARK: &str = "●";

/// The Activity screen as drawn: one table.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityView {
    /// The sessions, or the lock view while it is toggled on.
    pub table: TableView,
}

/// The view of the Activity screen in `body`.
pub fn view(app: &App, body: Rect) -> ActivityView {
    let rows = ActivityRows::new(app);
    let table = super::tables::view(app, TableId::Activity, body, &rows, true)
        .titled(title(app), empty(app));
    ActivityView { table }
}

/// `2 marked · Sessions: all, idle hidden · oldest xmin: pid 4242 (1,234 xacts)`.
fn title(app: &App) -> String {
    let screens = app.screens();
    let mut title = format!("Sessions: {}", screens.activity_mode().label());
    if screens.hides_idle() {
        title.push_str(", idle hidden");
    }
    // The marks decide what cancel/terminate act on: they lead the title.
    let marked = screens.table(TableId::Activity).marked.len();
    if marked > 0 {
        title = format!("{marked} marked · {title}");
    }
    if let Some(holder) = app.model().oldest_xmin() {
        title.push_str(&format!(
            " · oldest xmin: {} ({} xacts)",
            holder.label(),
            format::thousands(i64::from(holder.xid_age))
        ));
    }
    // Other roles' sessions without pg_read_all_stats: counted, and how to see them.
    if let Some(blind) = app.model().unjudged() {
        title.push_str(&format!(" · {} hidden", blind.hidden_sessions));
        if let Some(fix) = &blind.fix {
            title.push_str(&format!(": {fix}"));
        }
    }
    if let Some(stale) = app.stale(SectionId::Activity) {
        title.push_str(&stale.title_suffix(app.now()));
    }
    title
}

fn empty(app: &App) -> String {
    let filtered = !app.screens().table(TableId::Activity).filter.is_empty();
    let why = match app.model().snapshot().map(|s| &s.activity) {
        None => Empty::FirstPoll,
        Some(Err(error)) if app.model().connection_lost().is_some() => Empty::NoConnection(error),
        Some(Err(error)) => Empty::CouldNotRead {
            source: "pg_stat_activity",
            error,
        },
        Some(Ok(_)) if filtered => Empty::Filtered { what: "session" },
        Some(Ok(_)) => Empty::Nothing(
            match app.screens().activity_mode() {
                ActivityMode::BlockingTree => "no session is blocking another",
                ActivityMode::Waiting => "no session is waiting on a lock",
                _ => "no sessions",
            }
            .into(),
        ),
    };
    why.message(app.keymap())
}

/// One listed session: which, how deep in the tree, and in the tree how many it blocks.
struct Listed<'a> {
    session: &'a Session,
    depth: u16,
    /// In the tree, every session under it; elsewhere counted when drawn.
    blocks: Option<usize>,
}

/// The sessions of the current mode, as table rows.
pub struct ActivityRows<'a> {
    listed: Vec<Listed<'a>>,
    tree: bool,
    marked: &'a [RowId],
    thresholds: &'a Thresholds,
    /// Per-backend CPU and RSS, when the server runs on this machine.
    host: Option<&'a HashMap<i32, BackendUsage>>,
    /// How many sessions wait on each pid, counted once: every row is written for each
    /// sort and filter, and counting by a scan of all sessions per row was quadratic.
    waiters: HashMap<i32, usize>,
}

impl<'a> ActivityRows<'a> {
    /// The sessions on screen in the Activity screen's mode.
    pub fn new(app: &'a App) -> Self {
        let screens = app.screens();
        let model = app.model();
        let tree = screens.activity_mode() == ActivityMode::BlockingTree;
        let sessions = model.sessions().unwrap_or_default();
        let listed = if tree {
            in_tree(sessions, model.blocking_tree())
        } else {
            listed(sessions, screens.activity_mode(), screens.hides_idle())
        };
        Self {
            waiters: waiters(sessions),
            listed,
            tree,
            marked: &screens.table(TableId::Activity).marked,
            thresholds: model.thresholds(),
            host: model
                .snapshot()
                .and_then(|s| s.host.as_ref())
                .map(|h| &h.backends),
        }
    }
}

/// For each pid that blocks someone, how many sessions wait on it (a session that lists
/// a pid twice counts once).
fn waiters(sessions: &[Session]) -> HashMap<i32, usize> {
    let mut waiters = HashMap::new();
    for session in sessions {
        for (i, pid) in session.blocked_by.iter().enumerate() {
            if !session.blocked_by[..i].contains(pid) {
                *waiters.entry(*pid).or_insert(0) += 1;
            }
        }
    }
    waiters
}

/// The blocking tree's sessions, roots first, each with its depth and reach.
fn in_tree<'a>(sessions: &'a [Session], tree: &[BlockingRow]) -> Vec<Listed<'a>> {
    tree.iter()
        .filter_map(|row| {
            let session = sessions.iter().find(|s| s.pid == row.pid)?;
            Some(Listed {
                session,
                depth: u16::try_from(row.depth).unwrap_or(u16::MAX),
                blocks: Some(row.blocks_total),
            })
        })
        .collect()
}

/// The sessions a DBA acts on, in `mode`, idle ones left out when `hide_idle`.
fn listed(sessions: &[Session], mode: ActivityMode, hide_idle: bool) -> Vec<Listed<'_>> {
    sessions
        .iter()
        .filter(|s| !s.backend_type.is_housekeeping())
        // Hidden rows without a database are the server's own processes.
        .filter(|s| {
            !(s.backend_start.is_none()
                && s.backend_type == BackendType::Unknown
                && s.database.is_none())
        })
        .filter(|s| match mode {
            ActivityMode::All | ActivityMode::BlockingTree => true,
            // A hidden session may be running: not listing it would say it is not.
            ActivityMode::Active => {
                s.state.as_ref().is_some_and(|st| *st != SessionState::Idle) || is_hidden_session(s)
            }
            ActivityMode::Waiting => s.wait_event_type == Some(WaitEventType::Lock),
        })
        .filter(|s| !hide_idle || s.state != Some(SessionState::Idle))
        .map(|session| Listed {
            session,
            depth: 0,
            blocks: None,
        })
        .collect()
}

impl TableRows for ActivityRows<'_> {
    fn columns(&self) -> Vec<Column> {
        let tree = self.tree;
        let mut columns = vec![
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
        // Per-backend CPU and memory only when the server runs on this machine.
        if self.host.is_some() {
            columns.insert(columns.len() - 1, Column::number("CPU%", 5, 2));
            columns.insert(columns.len() - 1, Column::number("RSS", 9, 4));
        }
        columns
    }

    fn len(&self) -> usize {
        self.listed.len()
    }

    fn id(&self, index: usize) -> RowId {
        RowId::Pid(self.listed[index].session.pid)
    }

    fn fixed_order(&self) -> bool {
        self.tree
    }

    fn depth(&self, index: usize) -> u16 {
        self.listed[index].depth
    }

    fn write(&self, index: usize, row: &mut RowWriter) {
        let Listed {
            session,
            depth,
            blocks,
        } = self.listed[index];
        let blocks = blocks.unwrap_or_else(|| self.waiters.get(&session.pid).copied().unwrap_or(0));
        let marked = self.marked.contains(&RowId::Pid(session.pid));
        row.push(
            || SortKey::Number(f64::from(u8::from(marked))),
            || cell(if marked { MARK } else { "" }),
        );
        row.push(
            || SortKey::Number(f64::from(session.pid)),
            || cell(pid_text(session.pid, depth)),
        );
        row.text(session.user.as_deref());
        row.text(session.database.as_deref());
        row.text(Some(session.application.as_str()).filter(|a| !a.is_empty()));
        row.text(session.client.as_deref());
        let state = Shown::of(session);
        row.push(
            || state.sort_key(),
            || Cell {
                text: state.text(),
                severity: state.severity(),
            },
        );
        row.text(wait_label(session).as_deref());
        row.age(
            session.query_age,
            query_age_severity(session, self.thresholds),
        );
        row.age(session.xact_age, Severity::Normal);
        row.number(
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
        );
        if let Some(backends) = self.host {
            let usage = backends.get(&session.pid);
            row.number(
                usage.and_then(|u| u.cpu_ratio).map(|r| r * 100.0),
                |p| format!("{p:.0}"),
                Severity::Normal,
            );
            row.number(
                usage.map(|u| u.rss_bytes as f64),
                |b| format::bytes(b as i64),
                Severity::Normal,
            );
        }
        row.push(
            || SortKey::Text(session.query.clone()),
            || cell(collapse_spaces(&session.query)),
        );
    }
}

/// The pid, indented under its blocker in the tree.
fn pid_text(pid: i32, depth: u16) -> String {
    if depth == 0 {
        pid.to_string()
    } else {
        format!(
            "{}└ {}",
            "  ".repeat(usize::from(depth.saturating_sub(1))),
            pid
        )
    }
}

/// Seed thresholds for a running query: slow at 5 s, critical at 30 s.
fn query_age_severity(session: &Session, thresholds: &Thresholds) -> Severity {
    match (&session.state, session.query_age) {
        (Some(SessionState::Active), Some(age)) => {
            Severity::judged(thresholds.running_query_level(age))
        }
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

impl<'a> Shown<'a> {
    fn of(session: &'a Session) -> Self {
        match &session.state {
            _ if is_hidden_session(session) => Shown::Hidden,
            Some(state) => Shown::State(state),
            None => Shown::Unknown,
        }
    }

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
    fn text(self) -> String {
        match self {
            Shown::State(SessionState::IdleInTransaction) => "idle in txn".into(),
            Shown::State(SessionState::IdleInTransactionAborted) => "aborted txn".into(),
            Shown::State(SessionState::FastpathFunctionCall) => "fastpath".into(),
            Shown::State(state) => state.to_string(),
            Shown::Hidden => "hidden".into(),
            Shown::Unknown => "-".into(),
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitor::snapshot::test_support::session;

    #[test]
    fn each_waiting_session_counts_once_for_each_pid_it_waits_on() {
        let mut a = session(1);
        a.blocked_by = vec![10, 10, 20];
        let mut b = session(2);
        b.blocked_by = vec![10];
        let waiters = waiters(&[a, b, session(10), session(20)]);
        assert_eq!(waiters.get(&10), Some(&2));
        assert_eq!(waiters.get(&20), Some(&1));
        assert_eq!(waiters.get(&1), None, "nobody waits on 1");
    }
}
