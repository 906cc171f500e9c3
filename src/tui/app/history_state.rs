//! What history mode holds: the polls kept in memory and the moment on view with the model
//! rebuilt for it (the keys that move it are in `history.rs`).

use std::time::SystemTime;

use crate::analysis::model::Model;
use crate::monitor::snapshot::Snapshot;
use crate::recording::memory::MemoryRecording;

/// The polls kept, and the moment on view while in history mode.
#[derive(Default)]
pub struct History {
    pub(super) memory: MemoryRecording,
    pub(super) browsing: Option<Browsing>,
    /// Replaying a recording (`pgpulse replay`): there is no live view to return to.
    pub(super) replay: Option<Replay>,
}

/// Playback of a recording.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Replay {
    pub playing: bool,
    /// 1.0 is the pace the polls were taken at.
    pub speed: f64,
}

/// The moment on view.
pub struct Browsing {
    /// Which kept poll (0: the oldest); it moves as the oldest are forgotten.
    pub(super) index: usize,
    pub(super) at: SystemTime,
    pub(super) model: Model,
}

impl History {
    /// Keeps a poll; while browsing, the moment on view keeps its place.
    pub(super) fn keep(&mut self, snapshot: &Snapshot) {
        let before = self.memory.len();
        self.memory.push(snapshot);
        if let Some(browsing) = &mut self.browsing {
            let forgotten = (before + 1).saturating_sub(self.memory.len());
            browsing.index = browsing.index.saturating_sub(forgotten);
        }
    }
}
