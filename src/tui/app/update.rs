//! The app's one entry point, `App::update(Event) -> Vec<Effect>`, and what a new poll
//! changes. No IO and no tokio in here: tests drive it by feeding events.

use std::time::{Duration, SystemTime};

use crossterm::event::{KeyEvent, MouseEvent};

use super::event::{Effect, Event};
use super::messages;
use super::state::{ActivityMode, App, HISTORY_WINDOWS, Mode};
use super::tables::Tables;
use super::{actions, detail, executor_events, input, views};
use crate::analysis::alerts::IncidentThresholds;
use crate::analysis::derived::Derived;
use crate::analysis::last_good;
use crate::analysis::metrics::Thresholds;
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
    fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        input::on_key(self, key)
    }
    fn on_mouse(&mut self, mouse: MouseEvent) -> Vec<Effect> {
        input::on_mouse(self, mouse)
    }
}
