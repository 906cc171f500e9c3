//! What the user chose on each screen: every table's state (selection, sort, filter,
//! scroll, marks) and the order its rows are in, which table has the focus, the Activity
//! screen's mode and idle toggle, the Queries screen's interval/cumulative toggle and
//! latency window, the Cache screen's history window.

use std::time::Duration;

use super::table::{TableOrder, TableState};
pub use super::table_id::{TableId, tables_of};
use crate::tui::screen::Screen;

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
    /// The mode's name in the table's title.
    pub fn label(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Active => "active",
            Self::Waiting => "waiting",
            Self::BlockingTree => "blocking tree",
        }
    }

    /// all → active → waiting → blocking tree → all.
    pub fn next(self) -> Self {
        match self {
            Self::All => Self::Active,
            Self::Active => Self::Waiting,
            Self::Waiting => Self::BlockingTree,
            Self::BlockingTree => Self::All,
        }
    }
}

/// `[`/`]` steps of the Cache screen's snapshot history: 24 h, 7 d, 30 d.
/// The Waits screen's windows (`[`/`]`), up to the hour the wait-load history keeps.
pub const WAIT_WINDOWS: [Duration; 4] = [
    Duration::from_secs(60),
    Duration::from_secs(5 * 60),
    Duration::from_secs(15 * 60),
    Duration::from_secs(60 * 60),
];

pub const HISTORY_WINDOWS: [Duration; 3] = [
    Duration::from_secs(86_400),
    Duration::from_secs(7 * 86_400),
    Duration::from_secs(30 * 86_400),
];

/// `[`/`]` steps of the latency window.
pub const LATENCY_WINDOWS: [Duration; 7] = [
    Duration::from_secs(60),
    Duration::from_secs(5 * 60),
    Duration::from_secs(15 * 60),
    Duration::from_secs(60 * 60),
    Duration::from_secs(6 * 3600),
    Duration::from_secs(24 * 3600),
    Duration::from_secs(7 * 86_400),
];

/// One table: the user's state of it, and its rows' order while its screen is on view.
#[derive(Debug, Clone, Default)]
struct Entry {
    state: TableState,
    order: Option<TableOrder>,
}

/// What the user chose on every screen.
#[derive(Debug, Clone)]
pub struct ScreenStates {
    tables: Vec<Entry>,
    /// Which of each screen's tables has the focus, by screen number.
    focus: [usize; Screen::ALL.len()],
    activity_mode: ActivityMode,
    hide_idle: bool,
    cumulative: bool,
    latency_window: Duration,
    history_window: Duration,
    wait_window: Duration,
}

impl ScreenStates {
    /// Every table sorted by its default column (largest first), nothing ordered yet.
    pub fn new() -> Self {
        Self {
            tables: TableId::ALL
                .iter()
                .map(|id| Entry {
                    state: TableState::sorted_by(id.default_sort()),
                    order: None,
                })
                .collect(),
            focus: [0; Screen::ALL.len()],
            activity_mode: ActivityMode::All,
            hide_idle: false,
            cumulative: false,
            latency_window: Duration::from_secs(15 * 60),
            history_window: HISTORY_WINDOWS[0],
            // The last quarter of an hour: the page that woke you, and what led to it.
            wait_window: WAIT_WINDOWS[2],
        }
    }

    /// The user's state of table `id`.
    pub fn table(&self, id: TableId) -> &TableState {
        &self.tables[id.index()].state
    }

    /// The user's state of table `id`, to change.
    pub fn table_mut(&mut self, id: TableId) -> &mut TableState {
        &mut self.tables[id.index()].state
    }

    /// The order of table `id`'s rows, when its screen was ordered since the last
    /// snapshot.
    pub fn order(&self, id: TableId) -> Option<&TableOrder> {
        self.tables[id.index()].order.as_ref()
    }

    /// The state and the order of table `id` together (moving the selection needs both).
    pub fn table_and_order(&mut self, id: TableId) -> (&mut TableState, Option<&TableOrder>) {
        let entry = &mut self.tables[id.index()];
        (&mut entry.state, entry.order.as_ref())
    }

    /// Orders table `id` with `order`, made from its state.
    pub fn set_order(&mut self, id: TableId, order: TableOrder) {
        self.tables[id.index()].order = Some(order);
    }

    /// Forgets every table's order: a new snapshot changed the rows.
    pub fn forget_orders(&mut self) {
        for entry in &mut self.tables {
            entry.order = None;
        }
    }

    /// The table that has (or would have) the selection on `screen`.
    pub fn focused_table(&self, screen: Screen) -> Option<TableId> {
        let tables = tables_of(screen);
        let index = self.focus[screen as usize];
        tables
            .get(index.min(tables.len().saturating_sub(1)))
            .copied()
    }

    /// Moves the focus to `screen`'s next table.
    pub fn focus_next(&mut self, screen: Screen) {
        let count = tables_of(screen).len();
        if count > 1 {
            let index = &mut self.focus[screen as usize];
            *index = (*index + 1) % count;
        }
    }

    /// Gives the focus to table `id` (a click on it).
    pub fn focus_on(&mut self, id: TableId) {
        let screen = id.screen();
        if let Some(index) = tables_of(screen).iter().position(|t| *t == id) {
            self.focus[screen as usize] = index;
        }
    }

    /// Whether the Activity screen shows the lock view instead of the sessions: the
    /// toggle gives the lock table the focus, so the keys (selection, filter, actions)
    /// follow what is shown.
    pub fn shows_locks(&self) -> bool {
        self.focused_table(Screen::Activity) == Some(TableId::Locks)
    }

    /// Sessions ↔ locks on the Activity screen.
    pub fn toggle_locks(&mut self) {
        let to = if self.shows_locks() {
            TableId::Activity
        } else {
            TableId::Locks
        };
        self.focus_on(to);
    }

    /// Which sessions the Activity screen lists.
    pub fn activity_mode(&self) -> ActivityMode {
        self.activity_mode
    }

    /// all → active → waiting → blocking tree.
    pub fn set_activity_mode(&mut self, mode: ActivityMode) {
        self.activity_mode = mode;
    }

    /// Whether idle sessions are hidden on the Activity screen.
    pub fn hides_idle(&self) -> bool {
        self.hide_idle
    }

    /// Hides or shows idle sessions.
    pub fn toggle_idle(&mut self) {
        self.hide_idle = !self.hide_idle;
    }

    /// Whether the Queries screen shows totals since the reset rather than the interval.
    pub fn cumulative(&self) -> bool {
        self.cumulative
    }

    /// Interval ↔ totals on the Queries screen.
    pub fn toggle_cumulative(&mut self) {
        self.cumulative = !self.cumulative;
    }

    /// The `query_performance_log` window.
    pub fn latency_window(&self) -> Duration {
        self.latency_window
    }

    /// Sets the `query_performance_log` window.
    pub fn set_latency_window(&mut self, window: Duration) {
        self.latency_window = window;
    }

    /// The `database_statistics_snapshot` history window (Cache screen).
    pub fn history_window(&self) -> Duration {
        self.history_window
    }

    /// Sets the history window.
    pub fn set_history_window(&mut self, window: Duration) {
        self.history_window = window;
    }

    /// The Waits screen's window.
    pub fn wait_window(&self) -> Duration {
        self.wait_window
    }

    /// Sets the Waits screen's window.
    pub fn set_wait_window(&mut self, window: Duration) {
        self.wait_window = window;
    }
}

impl Default for ScreenStates {
    fn default() -> Self {
        Self::new()
    }
}
