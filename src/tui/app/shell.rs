//! The shell: what the live view holds besides the model, the screens' state and the
//! settings: which screen is on view and what has the keyboard, the terminal's size and
//! the clock, the status line and its log, the overlays' scroll positions, the actions on
//! their way, and what the last frame drew.
//!
//! Everything is read through methods; it changes only through `App::update` (in
//! `update` and the files it dispatches to).

use std::time::{Duration, SystemTime};

use super::messages::MessageLog;
use super::settings::Settings;
use super::state::{DetailFetch, Mode, Running, StatusMessage};
use crate::actions::RelationTarget;
use crate::actions::executor::ActionId;
use crate::actions::journal::JournalEntry;
use crate::analysis::model::{Model, ModelSettings, SectionId, Stale};
use crate::tui::keymap::Keymap;
use crate::tui::screen::Screen;
use crate::tui::screens::drawn::Drawn;
use crate::tui::screens::state::{ScreenStates, TableId};
use crate::tui::theme::Theme;

/// The live view: shell, model, screens' state and settings.
pub struct App {
    pub(super) screen: Screen,
    pub(super) mode: Mode,
    /// Terminal size in columns and rows.
    pub(super) size: (u16, u16),
    /// The clock as the last tick or snapshot said.
    pub(super) now: SystemTime,
    pub(super) paused: bool,
    /// Whether the live view is writing a recording (`--record DIR`): the REC badge.
    pub(super) recording: bool,
    pub(super) refresh: Duration,
    pub(super) status: Option<StatusMessage>,
    /// Every status message and poll error of this session (`L` shows them whole).
    pub(super) messages: MessageLog,
    /// First line shown in the help overlay (it scrolls on small terminals).
    pub(super) help_scroll: u16,
    /// First line shown in the detail view or the message log (whichever is open).
    pub(super) overlay_scroll: u16,
    /// First line shown in the output view.
    pub(super) output_scroll: u16,
    /// What the open detail view asked the poller for, and its answer once it came.
    pub(super) detail: Option<DetailFetch>,
    /// The confirmed actions the executor is running (at most one per lane).
    pub(super) running: Vec<Running>,
    /// The id the next confirmed action gets.
    pub(super) next_action_id: ActionId,
    /// The invalid index the last failed REINDEX CONCURRENTLY left behind: what the
    /// drop-invalid-index key offers.
    pub(super) invalid_left: Option<RelationTarget>,
    /// Recent actions (newest last): this session's and the journal file's.
    pub(super) journal: Vec<JournalEntry>,
    /// What the last frame drew where (clicks and paging go by it).
    pub(super) drawn: Drawn,
    /// What the polls mean: every snapshot goes through `Model::absorb`.
    pub(super) model: Model,
    /// What the live model judges by, for the models history mode rebuilds.
    pub(super) model_settings: ModelSettings,
    /// The last hour of polls, and the moment on view in history mode.
    pub(super) history: super::history_state::History,
    /// What the user chose on each screen.
    pub(super) screens: ScreenStates,
    pub(super) settings: Settings,
    /// Whether the next frame differs from the last one drawn.
    pub(super) redraw: super::redraw::Redraw,
}

impl App {
    /// A live view of `target` polled every `refresh`, at `now`, before any poll.
    pub fn new(
        target: String,
        refresh: Duration,
        now: SystemTime,
        keymap: Keymap,
        theme: Theme,
    ) -> Self {
        let mut app = Self {
            screen: Screen::Dashboard,
            mode: Mode::Normal,
            size: (80, 24),
            now,
            paused: false,
            recording: false,
            refresh,
            status: None,
            messages: MessageLog::default(),
            help_scroll: 0,
            overlay_scroll: 0,
            output_scroll: 0,
            detail: None,
            running: Vec::new(),
            next_action_id: 1,
            invalid_left: None,
            journal: Vec::new(),
            drawn: Drawn::default(),
            model: Model::new(ModelSettings::new(refresh)),
            model_settings: ModelSettings::new(refresh),
            history: super::history_state::History::default(),
            screens: ScreenStates::new(),
            settings: Settings::new(target, keymap, theme),
            redraw: super::redraw::Redraw::default(),
        };
        app.order_tables();
        app
    }

    /// Applies the configuration file: thresholds, pools, schedule, latency window, bell,
    /// read-only mode. Before any poll: the model judges by the file's values.
    pub fn with_config(mut self, config: crate::settings::config::Config) -> Self {
        self.model_settings = ModelSettings::from_config(self.refresh, &config);
        self.model = Model::new(self.model_settings.clone());
        self.screens
            .set_latency_window(config.refresh.latency_window);
        self.settings.set_config(config);
        self
    }

    /// `--read-only`: action keys send nothing.
    pub fn with_read_only(mut self, read_only: bool) -> Self {
        self.settings.set_read_only(read_only);
        self
    }

    /// The role actions run as (for the journal) and a word for the header (`DEMO`).
    pub fn with_identity(mut self, role: String, badge: Option<String>) -> Self {
        self.settings.set_role(role);
        self.settings.set_badge(badge);
        self
    }

    /// The journal file's recent entries for this server, oldest first.
    pub fn with_journal(mut self, entries: Vec<JournalEntry>) -> Self {
        self.journal = entries;
        self.order_tables();
        self
    }
}

/// What the shell holds, read-only.
impl App {
    /// What the polls mean.
    pub fn model(&self) -> &Model {
        // History mode shows the model rebuilt for the moment on view.
        match &self.history.browsing {
            Some(browsing) => &browsing.model,
            None => &self.model,
        }
    }

    /// The wait-load history: always the live model's hour of samples (in history mode
    /// the screens read it up to the moment on view; the model rebuilt for that moment
    /// holds only the minutes before it).
    pub fn wait_load(&self) -> &crate::analysis::wait_load::WaitLoad {
        self.model.wait_load()
    }

    /// What the user chose on each screen.
    pub fn screens(&self) -> &ScreenStates {
        &self.screens
    }

    /// The settings the live view runs with.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Which key does what.
    pub fn keymap(&self) -> &Keymap {
        self.settings.keymap()
    }

    /// How each role looks.
    pub fn theme(&self) -> &Theme {
        self.settings.theme()
    }

    /// The screen on view.
    pub fn screen(&self) -> Screen {
        self.screen
    }

    /// What has the keyboard.
    pub fn mode(&self) -> &Mode {
        &self.mode
    }

    /// The clock as the last tick or snapshot said; in history mode, the moment on view
    /// (ages on screen are measured against it).
    pub fn now(&self) -> SystemTime {
        match &self.history.browsing {
            Some(browsing) => browsing.at,
            None => self.now,
        }
    }

    /// How often the fast tier polls.
    pub fn refresh(&self) -> Duration {
        self.refresh
    }

    /// Whether polling is paused.
    pub fn paused(&self) -> bool {
        self.paused
    }

    /// Whether the live view is writing a recording.
    pub fn recording(&self) -> bool {
        self.recording
    }

    /// The recording started, or stopped (a failed write): the header says which.
    pub fn set_recording(&mut self, recording: bool) {
        self.recording = recording;
    }

    /// The terminal's size in columns and rows.
    pub fn size(&self) -> (u16, u16) {
        self.size
    }

    /// The status line's message.
    pub fn status(&self) -> Option<&StatusMessage> {
        self.status.as_ref()
    }

    /// Every status message and poll error of this session.
    pub fn messages(&self) -> &MessageLog {
        &self.messages
    }

    /// The detail view's request and the poller's answer.
    pub fn detail(&self) -> Option<&DetailFetch> {
        self.detail.as_ref()
    }

    /// The actions on their way.
    pub fn running(&self) -> &[Running] {
        &self.running
    }

    /// Recent actions, oldest first.
    pub fn journal(&self) -> &[JournalEntry] {
        &self.journal
    }

    /// First line shown in help.
    pub fn help_scroll(&self) -> u16 {
        self.help_scroll
    }

    /// First line shown in the detail view or the message log.
    pub fn overlay_scroll(&self) -> u16 {
        self.overlay_scroll
    }

    /// First line shown in the output view.
    pub fn output_scroll(&self) -> u16 {
        self.output_scroll
    }
}

/// Questions the whole app asks.
impl App {
    /// How old the newest good data is, when the last poll failed or it is older than
    /// two refresh intervals: the STALE badge. Paused data is not stale, it is paused.
    pub fn staleness(&self) -> Option<Duration> {
        self.model().staleness(self.now(), self.paused)
    }

    /// Whether section `id` on screen is stale now, and why.
    pub fn stale(&self, id: SectionId) -> Option<Stale<'_>> {
        self.model().stale(id, self.now(), self.paused)
    }

    /// The table the selection keys act on, on the current screen.
    pub fn focused_table_id(&self) -> Option<TableId> {
        self.screens.focused_table(self.screen)
    }

    pub(super) fn set_status(&mut self, text: impl Into<String>, is_error: bool) {
        let text = text.into();
        self.messages.push(self.now, &text, is_error);
        self.status = Some(StatusMessage { text, is_error });
    }
}
