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
        if target >= newest as isize {
            self.leave_history();
            return;
        }
        self.show_poll(target.max(0) as usize);
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

    /// Back to the live view.
    pub(super) fn leave_history(&mut self) {
        if self.history.browsing.take().is_some() {
            self.set_status("live", false);
            self.screens.forget_orders();
            self.order_tables();
        }
    }

    /// Rebuilds the model as it was at kept poll `index` and shows it.
    fn show_poll(&mut self, index: usize) {
        let memory = &self.history.memory;
        let Some(at) = memory.taken_at(index) else {
            return;
        };
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
