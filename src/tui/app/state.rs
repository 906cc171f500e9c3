//! What the application holds: the [`App`] struct and the small types of its fields
//! (what has the keyboard, the status line, the dialogs' and the detail view's state, the
//! Activity screen's mode), with the queries on it that every part of the app uses.
//! Updating it is in `update` and the files it dispatches to; drawing it in `ui`.

use std::time::{Duration, SystemTime};

use super::messages;
use super::table::{TableModel, TableState};
use super::tables::{TableId, Tables};
use crate::actions::executor::ActionId;
use crate::actions::{ActionKind, Plan};
use crate::analysis::model::{Model, SectionId, Stale};
use crate::monitor::collector::{DetailData, DetailRequest};
use crate::tui::keymap::Keymap;
use crate::tui::screen::Screen;
use crate::tui::theme::Theme;

/// What has the keyboard.
#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    Normal,
    /// Typing a filter: the table filters live as it changes; Enter keeps it, Esc clears.
    Filter {
        input: String,
    },
    Help,
    Detail,
    /// The message log: recent status messages and errors, whole.
    Messages,
    /// A confirmation dialog has the keyboard.
    Dialog(Box<Dialog>),
    /// A read-only text view, e.g. an EXPLAIN plan.
    Output {
        title: String,
        lines: Vec<String>,
    },
}

/// A one-line message in the status line.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusMessage {
    pub text: String,
    pub is_error: bool,
}

/// Everything the screen shows.
pub struct App {
    /// Password-free description of the target (`user@host:port/db`).
    pub target: String,
    pub screen: Screen,
    pub mode: Mode,
    pub refresh: Duration,
    pub paused: bool,
    pub now: SystemTime,
    /// What the polls mean: every snapshot goes through `Model::absorb`.
    pub model: Model,
    pub tables: Tables,
    pub activity_mode: ActivityMode,
    pub hide_idle: bool,
    pub cumulative: bool,
    /// Which of the current screen's tables has the selection, per screen.
    pub focus: std::collections::HashMap<Screen, usize>,
    /// The `query_performance_log` window.
    pub latency_window: Duration,
    /// The `database_statistics_snapshot` history window (Cache screen).
    pub history_window: Duration,
    /// The configuration file's settings (pools, schedule, thresholds, bell...).
    pub config: crate::settings::config::Config,
    pub keymap: Keymap,
    pub theme: Theme,
    pub status: Option<StatusMessage>,
    /// First line shown in the help overlay (it scrolls on small terminals).
    pub help_scroll: u16,
    /// Terminal size, for paging and mouse hit-testing.
    pub size: (u16, u16),
    /// `--read-only` / `read_only = true`: action keys send nothing.
    pub read_only: bool,
    /// The role actions run as (for the journal).
    pub role: String,
    /// The confirmed actions the executor is running (at most one per lane).
    pub running: Vec<Running>,
    /// The id the next confirmed action gets.
    pub next_action_id: crate::actions::executor::ActionId,
    /// The invalid index the last failed REINDEX CONCURRENTLY left behind: what the
    /// drop-invalid-index key offers.
    pub invalid_left: Option<crate::actions::RelationTarget>,
    /// Recent actions (newest last): this session's and the journal file's.
    pub journal: Vec<crate::actions::journal::JournalEntry>,
    /// First line shown in the output view.
    pub output_scroll: u16,
    /// A word for the header, e.g. `DEMO` for `pgpulse demo`.
    pub badge: Option<String>,
    /// Every status message and poll error of this session (`L` shows them whole).
    pub messages: messages::MessageLog,
    /// What the open detail view asked the poller for, and its answer once it came.
    pub detail: Option<DetailFetch>,
    /// First line shown in the detail view or the message log (whichever is open).
    pub overlay_scroll: u16,
}

/// `[`/`]` steps of the Cache screen's snapshot history: 24 h, 7 d, 30 d.
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

/// What the dialog asks.
#[derive(Debug, Clone, PartialEq)]
pub enum Purpose {
    /// Run this plan.
    Run(Plan),
    /// Stop the running action `id` (cancels its statement on the server).
    Stop {
        id: ActionId,
        title: String,
        sql: String,
    },
}

/// A confirmation dialog. Destructive actions open with No focused.
#[derive(Debug, Clone, PartialEq)]
pub struct Dialog {
    pub purpose: Purpose,
    pub yes_focused: bool,
}

impl Dialog {
    pub fn run(plan: Plan) -> Self {
        let yes_focused = !plan.kind.destructive();
        Self {
            purpose: Purpose::Run(plan),
            yes_focused,
        }
    }

    pub fn stop(running: &Running) -> Self {
        Self {
            purpose: Purpose::Stop {
                id: running.id,
                title: running.title.clone(),
                sql: running.sql.clone(),
            },
            yes_focused: false,
        }
    }
}

/// An action on its way: shown in the header until the executor says it is done. Each
/// lane runs one at a time, so a signal can be in flight while a VACUUM runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Running {
    pub id: ActionId,
    pub kind: ActionKind,
    pub title: String,
    pub sql: String,
    pub started: std::time::SystemTime,
    pub steps: usize,
    pub done: usize,
    /// The server process running it, once the executor has said.
    pub backend_pid: Option<i32>,
    /// Whom it waits for on a lock, at the last poll (a REINDEX CONCURRENTLY waits for
    /// every older transaction).
    pub waiting_for: Vec<i32>,
    /// A stop was confirmed: the header says so until the executor reports.
    pub stopping: bool,
}

/// A request of the open detail view and, once it came, its answer.
#[derive(Debug, Clone, PartialEq)]
pub struct DetailFetch {
    pub request: DetailRequest,
    /// `None` while the poller has not answered.
    pub answer: Option<Result<DetailData, String>>,
}

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

impl App {
    /// Keeps every table's selection inside its visible rows for the current size.
    pub fn scroll_tables_into_view(&mut self) {
        let areas =
            crate::tui::layout::areas(ratatui::layout::Rect::new(0, 0, self.size.0, self.size.1));
        for screen in Screen::ALL {
            let focused = self.focused_table_id_on(screen);
            for (id, rect) in crate::tui::layout::table_areas(screen, areas.body, focused) {
                let (state, model) = self.tables.pair_mut(id);
                state.scroll_into_view(crate::tui::layout::table_rows(rect), model.rows.len());
            }
        }
    }
    /// How old the newest good data is, when the last poll failed or it is older than
    /// two refresh intervals: the STALE badge. Paused data is not stale, it is paused.
    pub fn staleness(&self) -> Option<Duration> {
        self.model.staleness(self.now, self.paused)
    }
    /// The table the selection keys act on, on the current screen.
    pub fn focused_table_id(&self) -> Option<TableId> {
        self.focused_table_id_on(self.screen)
    }
    /// The table that has (or would have) the selection on `screen`.
    pub fn focused_table_id_on(&self, screen: Screen) -> Option<TableId> {
        let tables = crate::tui::layout::tables_of(screen);
        let index = self.focus.get(&screen).copied().unwrap_or(0);
        tables
            .get(index.min(tables.len().saturating_sub(1)))
            .copied()
    }
    /// The focused table's state and model.
    pub fn focused_table(&mut self) -> Option<(&mut TableState, &TableModel)> {
        let id = self.focused_table_id()?;
        Some(self.tables.pair_mut(id))
    }
    /// Moves the focus to the screen's next table.
    pub fn focus_next_table(&mut self) {
        let count = crate::tui::layout::tables_of(self.screen).len();
        if count > 1 {
            let index = self.focus.entry(self.screen).or_insert(0);
            *index = (*index + 1) % count;
        }
    }
    pub(super) fn set_status(&mut self, text: impl Into<String>, is_error: bool) {
        let text = text.into();
        self.messages.push(self.now, &text, is_error);
        self.status = Some(StatusMessage { text, is_error });
    }
    /// Whether section `id` on screen is stale: its read failed, or no poll has answered
    /// for longer than two refresh intervals (a frozen server answers nothing at all, so
    /// no failure has arrived yet to say so).
    pub fn stale(&self, id: SectionId) -> Option<Stale<'_>> {
        self.model.stale(id, self.now, self.paused)
    }
}
