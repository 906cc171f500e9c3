//! Application state and its one entry point, `App::update(Event) -> Vec<Effect>`.
//! No IO and no tokio in here: tests drive it by feeding events.

mod actions;
pub mod capped;
mod copy;
pub mod detail;
pub mod dialog;
mod executor_events;
mod input;
pub mod kpi;
pub mod last_good;
pub mod messages;
pub mod table;
mod tables;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_action_lanes;
#[cfg(test)]
mod tests_actions;
pub mod views;

use std::time::{Duration, SystemTime};

use crossterm::event::{KeyEvent, MouseEvent};

pub use self::executor_events::JOURNAL_KEPT;
use self::table::{TableModel, TableState};
pub use self::tables::{TableId, Tables};
use self::views::ActivityMode;
use crate::analysis::alerts::IncidentThresholds;
pub use crate::analysis::derived::Derived;
use crate::analysis::metrics::Thresholds;
use crate::monitor::poller::PollerCommand;
use crate::monitor::snapshot::Snapshot;
use crate::tui::keymap::Keymap;
use crate::tui::screen::Screen;
use crate::tui::theme::Theme;

/// Something that happened.
#[derive(Debug, Clone)]
pub enum Event {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Snapshot(Box<Snapshot>),
    /// The clock moved (ages and the STALE badge depend on it).
    Tick(SystemTime),
    /// The terminal's new size in columns and rows.
    Resize(u16, u16),
    /// SIGTERM / SIGHUP / SIGINT.
    Terminate,
    /// The action executor reports a step or the end of a plan.
    Executor(crate::actions::executor::ExecutorEvent),
    /// The poller answers the detail view's request (locks, counters, a definition).
    DetailFetched(Box<crate::monitor::poller::DetailFetched>),
}

/// Something the event loop must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Quit,
    Poller(PollerCommand),
    /// Put this text on the clipboard (OSC 52).
    Copy(String),
    /// Ring the terminal bell (a new critical alert, when `bell = true`).
    Bell,
    /// Run a confirmed action in its lane on the action connections.
    RunAction {
        id: crate::actions::executor::ActionId,
        plan: Box<crate::actions::Plan>,
    },
    /// Cancel this running action's statement on the server (nothing if it has ended).
    StopAction(crate::actions::executor::ActionId),
}

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
    Dialog(Box<dialog::Dialog>),
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
    /// The newest poll, each failed section replaced by its last good value.
    pub latest: Option<Snapshot>,
    /// Which sections of `latest` are stale, since when and why; the previous raw poll.
    pub last_good: last_good::LastGood,
    pub derived: Derived,
    /// When the last *successful* poll was taken.
    pub last_success: Option<SystemTime>,
    pub last_error: Option<String>,
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
    /// Connections by state, application, user, client and configured pool.
    pub pool_usage: Option<crate::analysis::pool::PoolUsage>,
    /// Threshold breaches, evaluated on every snapshot.
    pub alerts: crate::analysis::alerts::AlertEngine,
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
    pub running: Vec<dialog::Running>,
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
    pub detail: Option<detail::DetailFetch>,
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

impl App {
    pub fn new(
        target: String,
        refresh: Duration,
        now: SystemTime,
        keymap: Keymap,
        theme: Theme,
    ) -> Self {
        let mut app = Self {
            target,
            screen: Screen::Dashboard,
            mode: Mode::Normal,
            refresh,
            paused: false,
            now,
            latest: None,
            last_good: last_good::LastGood::default(),
            derived: Derived::new(refresh),
            last_success: None,
            last_error: None,
            tables: Tables::new(views::default_sort),
            activity_mode: ActivityMode::All,
            hide_idle: false,
            cumulative: false,
            focus: std::collections::HashMap::new(),
            latency_window: Duration::from_secs(15 * 60),
            history_window: HISTORY_WINDOWS[0],
            config: crate::settings::config::Config::default(),
            pool_usage: None,
            alerts: crate::analysis::alerts::AlertEngine::new(
                crate::analysis::metrics::Thresholds::default(),
                crate::analysis::alerts::HostThresholds::default(),
            ),
            keymap,
            theme,
            status: None,
            help_scroll: 0,
            size: (80, 24),
            read_only: false,
            role: String::new(),
            running: Vec::new(),
            next_action_id: 1,
            invalid_left: None,
            journal: Vec::new(),
            output_scroll: 0,
            badge: None,
            messages: messages::MessageLog::default(),
            detail: None,
            overlay_scroll: 0,
        };
        app.rebuild_tables();
        app
    }

    /// Applies the configuration file: thresholds, pools, schedule, latency window, bell.
    pub fn with_config(mut self, config: crate::settings::config::Config) -> Self {
        let thresholds = Thresholds::from_settings(&config.threshold_settings);
        let extra = config.extra_thresholds();
        self.derived.thresholds = thresholds.clone();
        self.alerts = crate::analysis::alerts::AlertEngine::new(
            thresholds,
            crate::analysis::alerts::HostThresholds {
                cpu_warn: extra.cpu_warn,
                disk_crit: extra.disk_crit,
            },
        )
        .with_incidents(IncidentThresholds::from_settings(
            &config.threshold_settings,
        ));
        self.latency_window = config.refresh.latency_window;
        self.read_only |= config.read_only;
        self.config = config;
        self
    }

    pub fn update(&mut self, event: Event) -> Vec<Effect> {
        match event {
            Event::Key(key) => self.on_key(key),
            Event::Mouse(mouse) => self.on_mouse(mouse),
            Event::Snapshot(snapshot) => self.on_snapshot(*snapshot),
            Event::Tick(now) => {
                self.now = now;
                vec![]
            }
            Event::Resize(width, height) => {
                self.size = (width, height);
                self.scroll_tables_into_view();
                vec![]
            }
            Event::Terminate => vec![Effect::Quit],
            Event::Executor(event) => executor_events::on_event(self, event),
            Event::DetailFetched(fetched) => {
                let (request, answer) = *fetched;
                detail::on_fetched(self, request, answer);
                vec![]
            }
        }
    }

    fn on_snapshot(&mut self, snapshot: Snapshot) -> Vec<Effect> {
        let failed = [
            snapshot.server.as_ref().err(),
            snapshot.activity.as_ref().err(),
            snapshot.databases.as_ref().err(),
        ]
        .into_iter()
        .flatten()
        .find(|e| matches!(e, crate::monitor::snapshot::SectionError::Failed(_)));
        match failed {
            None => {
                self.last_success = Some(snapshot.taken_at);
                self.last_error = None;
            }
            Some(error) => {
                self.last_error = Some(error.to_string());
                self.messages
                    .push(snapshot.taken_at, &error.to_string(), true);
            }
        }
        self.now = self.now.max(snapshot.taken_at);
        // Rates compare the polls as they came; the alerts judge only what was re-read.
        self.derived
            .absorb(self.last_good.previous_raw(), &snapshot);
        let inputs = crate::analysis::alerts::inputs_from(
            &snapshot,
            self.derived.metrics.as_ref(),
            snapshot.host.as_ref(),
        );
        let changes = self.alerts.evaluate(snapshot.taken_at, &inputs);
        // The screens show each section's last good value, marked stale when it failed.
        let shown = self.last_good.absorb(self.latest.as_ref(), snapshot);
        self.pool_usage = match (&shown.activity, &shown.server) {
            (Ok(sessions), Ok(server)) => Some(crate::analysis::pool::pool_usage(
                sessions,
                server,
                &self.config.pools,
            )),
            _ => None,
        };
        actions::forget_ended_marks(self, &shown);
        self.latest = Some(shown);
        actions::note_waits(self);
        self.rebuild_tables();
        if changes.raised_critical && self.config.bell {
            vec![Effect::Bell]
        } else {
            vec![]
        }
    }

    /// Rebuilds the table models from the newest data and the user's table states.
    pub fn rebuild_tables(&mut self) {
        for id in TableId::ALL {
            let (columns, rows, keep_order) = views::build(self, id);
            self.tables.rebuild(id, columns, rows, keep_order);
        }
        self.scroll_tables_into_view();
    }

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
        let age = self
            .now
            .duration_since(self.last_success?)
            .unwrap_or_default();
        let late = age > self.refresh * 2 + Duration::from_secs(1);
        (self.last_error.is_some() || (late && !self.paused)).then_some(age)
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

    fn set_status(&mut self, text: impl Into<String>, is_error: bool) {
        let text = text.into();
        self.messages.push(self.now, &text, is_error);
        self.status = Some(StatusMessage { text, is_error });
    }

    fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        input::on_key(self, key)
    }

    fn on_mouse(&mut self, mouse: MouseEvent) -> Vec<Effect> {
        input::on_mouse(self, mouse)
    }
}
