//! History mode: the live view keeps the last hour of polls (as compressed frames, see
//! [`MemoryRecording`]) and can show any of them as it was. Entering it rebuilds a model
//! from the polls before the chosen one, so rates, the blocking tree and the alerts are
//! those of that moment; every screen then renders that model at that time. The live
//! model keeps absorbing polls meanwhile, and actions are refused: they would act on the
//! server as it is now, not as shown.

use std::time::{Duration, SystemTime};

use super::history_state::Browsing;
use super::shell::App;
use crate::analysis::model::Model;
use crate::monitor::snapshot::Snapshot;

/// How far before the chosen poll the rebuilt model starts: rates need the poll before,
/// and the alerts' windows (deadlocks, temp files: 5 minutes) need their span.
const WARM_UP: Duration = Duration::from_secs(5 * 60);

/// What history mode shows, read by the header.
impl App {
    /// The moment on view in history mode, and how long before the newest poll it is.
    pub fn history_moment(&self) -> Option<(SystemTime, Duration)> {
        let browsing = self.history.browsing.as_ref()?;
        let newest = self
            .history
            .memory
            .taken_at(self.history.memory.len().checked_sub(1)?)?;
        Some((
            browsing.at,
            newest.duration_since(browsing.at).unwrap_or_default(),
        ))
    }

    /// Whether history mode is on.
    pub fn in_history(&self) -> bool {
        self.history.browsing.is_some()
    }
}

/// The keys of history mode.
impl App {
    /// Moves `polls` polls back (negative: forward) from the moment on view, or from the
    /// newest poll when live. Forward to the newest returns to live.
    pub(super) fn history_step(&mut self, polls: isize) {
        let Some(newest) = self.history.memory.len().checked_sub(1) else {
            self.set_status("no history yet: the first poll has not arrived", false);
            return;
        };
        let from = self.history.browsing.as_ref().map_or(newest, |b| b.index);
        let target = from as isize - polls;
        // The newest poll is what the live view shows: reaching it is being live again.
        if target >= newest as isize && self.history.replay.is_none() {
            self.leave_history();
            return;
        }
        self.show_poll(target.clamp(0, newest as isize) as usize);
    }

    /// Moves by `minutes` (negative: forward) from the moment on view.
    pub(super) fn history_minutes(&mut self, minutes: i64) {
        let Some(newest) = self.history.memory.len().checked_sub(1) else {
            self.set_status("no history yet: the first poll has not arrived", false);
            return;
        };
        let from = self
            .history
            .browsing
            .as_ref()
            .map(|b| b.at)
            .or_else(|| self.history.memory.taken_at(newest));
        let Some(from) = from else { return };
        let shift = Duration::from_secs(60 * minutes.unsigned_abs());
        let target = if minutes > 0 {
            from.checked_sub(shift)
        } else {
            from.checked_add(shift)
        };
        let newest_at = self.history.memory.taken_at(newest);
        match (target, newest_at) {
            (Some(at), Some(newest_at)) if at >= newest_at => self.leave_history(),
            (Some(at), _) => self.history_jump(at),
            (None, _) => {}
        }
    }

    /// Shows the newest poll taken at or before `at` (the oldest kept when `at` is
    /// before it, saying so).
    pub(super) fn history_jump(&mut self, at: SystemTime) {
        let Some(index) = self.history.memory.index_at(at) else {
            self.set_status("no history yet: the first poll has not arrived", false);
            return;
        };
        let oldest = self.history.memory.taken_at(0);
        self.show_poll(index);
        if oldest.is_some_and(|oldest| at < oldest) {
            self.set_status(
                "history starts here: pgpulse keeps the last hour of polls",
                false,
            );
        }
    }

    /// Back to the live view (in a replay: to the end of the recording).
    pub(super) fn leave_history(&mut self) {
        if self.history.replay.is_some() {
            if let Some(newest) = self.history.memory.len().checked_sub(1) {
                self.show_poll(newest);
                self.set_status("the end of the recording", false);
            }
            return;
        }
        if self.history.browsing.take().is_some() {
            self.set_status("live", false);
            self.screens.forget_orders();
            self.order_tables();
        }
    }

    /// Rebuilds the model as it was at kept poll `index` and shows it; one poll forward
    /// is absorbed into the model on view instead (playback moves that way).
    fn show_poll(&mut self, index: usize) {
        let memory = &self.history.memory;
        let Some(at) = memory.taken_at(index) else {
            return;
        };
        if let Some(browsing) = &mut self.history.browsing
            && browsing.index + 1 == index
            && let Some(next) = memory.decode(index, index).pop()
        {
            browsing.model.absorb(next);
            browsing.index = index;
            browsing.at = at;
            self.screens.forget_orders();
            self.order_tables();
            return;
        }
        let start = memory
            .index_at(at.checked_sub(WARM_UP).unwrap_or(at))
            .unwrap_or(0);
        let mut model = Model::new(self.model_settings.clone());
        for snapshot in memory.decode(start, index) {
            model.absorb(snapshot);
        }
        self.history.browsing = Some(Browsing { index, at, model });
        self.screens.forget_orders();
        self.order_tables();
    }
}

/// Replaying a recording: the polls are loaded into the history and played back.
impl App {
    /// Starts a replay of `snapshots` (time order) at `at` (the first poll when `None`),
    /// paused.
    pub fn start_replay(
        &mut self,
        snapshots: impl IntoIterator<Item = Snapshot>,
        at: Option<SystemTime>,
    ) {
        self.history.replay = Some(super::history_state::Replay {
            playing: false,
            speed: 1.0,
        });
        // The live model is the recording's end (and holds its hour of wait load).
        for snapshot in snapshots {
            self.history.keep(&snapshot);
            self.now = self.now.max(snapshot.taken_at);
            self.model.absorb(snapshot);
        }
        match at {
            Some(at) => self.history_jump(at),
            None => self.show_poll(0),
        }
    }

    /// Says `text` in the status line as a warning (a replay's damaged recording).
    pub fn warn(&mut self, text: String) {
        self.set_status(text, true);
    }

    /// The playback state, when replaying.
    pub fn replay(&self) -> Option<super::history_state::Replay> {
        self.history.replay
    }

    /// How long until the next poll should be shown, when playing (the gap between the
    /// polls as recorded, divided by the speed).
    pub fn replay_due(&self) -> Option<Duration> {
        let replay = self.history.replay.filter(|r| r.playing)?;
        let browsing = self.history.browsing.as_ref()?;
        let next = self.history.memory.taken_at(browsing.index + 1)?;
        let gap = next.duration_since(browsing.at).unwrap_or_default();
        Some(
            gap.div_f64(replay.speed.max(0.01))
                .min(Duration::from_secs(10)),
        )
    }

    /// Shows the next poll; playback stops at the end of the recording.
    pub fn replay_advance(&mut self) {
        // Not an event through `update`: the frame is owed here.
        self.redraw.mark();
        let Some(browsing) = self.history.browsing.as_ref() else {
            return;
        };
        let next = browsing.index + 1;
        if next >= self.history.memory.len() {
            if let Some(replay) = &mut self.history.replay {
                replay.playing = false;
            }
            self.set_status("the end of the recording", false);
            return;
        }
        self.show_poll(next);
    }

    /// `p` in a replay: play or pause.
    pub(super) fn replay_toggle(&mut self) {
        if let Some(replay) = &mut self.history.replay {
            replay.playing = !replay.playing;
            let text = if replay.playing {
                format!("playing at {}×", replay.speed)
            } else {
                "paused".to_string()
            };
            self.set_status(text, false);
        }
    }

    /// `+`/`-` in a replay: twice or half as fast (1/8× to 64×).
    pub(super) fn replay_speed(&mut self, faster: bool) {
        if let Some(replay) = &mut self.history.replay {
            replay.speed = if faster {
                (replay.speed * 2.0).min(64.0)
            } else {
                (replay.speed / 2.0).max(0.125)
            };
            let text = format!("speed {}×", replay.speed);
            self.set_status(text, false);
        }
    }

    /// `n`: the next poll where an alert goes on, after the moment on view.
    pub(super) fn next_alert(&mut self) {
        let Some(browsing) = self.history.browsing.as_ref() else {
            let keys = self
                .settings
                .keymap()
                .keys_for(crate::tui::keymap::Action::HistoryBack)
                .join("/");
            self.set_status(
                format!("the next alert is found in history mode ({keys} enters it)"),
                false,
            );
            return;
        };
        let (from, at) = (browsing.index, browsing.at);
        let start = self
            .history
            .memory
            .index_at(at.checked_sub(WARM_UP).unwrap_or(at))
            .unwrap_or(0);
        let newest = self.history.memory.len().saturating_sub(1);
        let mut model = Model::new(self.model_settings.clone());
        let mut before = Vec::new();
        let mut found = None;
        for (index, snapshot) in (start..).zip(self.history.memory.decode(start, newest)) {
            model.absorb(snapshot);
            let now: Vec<_> = model.alerts().active().iter().map(|a| a.kind).collect();
            if index > from && now.iter().any(|kind| !before.contains(kind)) {
                found = Some(index);
                break;
            }
            before = now;
        }
        match found {
            Some(index) => {
                self.show_poll(index);
                if let Some(replay) = &mut self.history.replay {
                    replay.playing = false;
                }
            }
            None => self.set_status("no alert goes on after this moment", false),
        }
    }
}
