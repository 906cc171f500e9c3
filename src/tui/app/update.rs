//! The app's one entry point, `App::update(Event) -> Vec<Effect>`, and what a new poll
//! changes. No IO and no tokio in here: tests drive it by feeding events.

use std::time::{Duration, SystemTime};

use crossterm::event::{KeyEvent, MouseEvent};

use super::event::{Effect, Event};
use super::messages;
use super::state::{ActivityMode, App, HISTORY_WINDOWS, Mode};
use super::tables::Tables;
use super::{actions, detail, executor_events, input, views};
use crate::analysis::model::{Model, ModelSettings};
use crate::monitor::snapshot::Snapshot;
use crate::tui::keymap::Keymap;
use crate::tui::screen::Screen;
use crate::tui::theme::Theme;

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
            model: Model::new(ModelSettings::new(refresh)),
            tables: Tables::new(views::default_sort),
            activity_mode: ActivityMode::All,
            hide_idle: false,
            cumulative: false,
            focus: std::collections::HashMap::new(),
            latency_window: Duration::from_secs(15 * 60),
            history_window: HISTORY_WINDOWS[0],
            config: crate::settings::config::Config::default(),
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
        // Before any poll: the model judges by the file's thresholds and pools.
        self.model = Model::new(ModelSettings::from_config(self.refresh, &config));
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
        // Marks name sessions by pid: compare the sessions before and after.
        let before = actions::session_starts(self);
        let absorbed = self.model.absorb(snapshot);
        if let Some(error) = &absorbed.poll_error {
            self.messages.push(absorbed.taken_at, error, true);
        }
        self.now = self.now.max(absorbed.taken_at);
        actions::forget_ended_marks(self, &before);
        actions::note_waits(self);
        self.rebuild_tables();
        if absorbed.raised_critical && self.config.bell {
            vec![Effect::Bell]
        } else {
            vec![]
        }
    }

    fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        input::on_key(self, key)
    }
    fn on_mouse(&mut self, mouse: MouseEvent) -> Vec<Effect> {
        input::on_mouse(self, mouse)
    }
}
