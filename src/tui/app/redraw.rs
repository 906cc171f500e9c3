//! Whether the next frame is worth drawing. The loop draws only when something visible
//! changed: input, a resize, new data, an action's or a detail read's answer. A clock
//! tick changes only ages and clocks ("polled 3s ago", a STALE badge, a RUNNING badge's
//! time), and only when one of them is on view and its text actually changes: the tick
//! builds the frame's view (no rendering, no terminal IO) and compares it with the one
//! last drawn, so a tick with nothing time-dependent on view draws nothing, whatever the
//! screen.

use std::any::Any;

use ratatui::layout::Rect;

/// The last frame's view and whether the next one differs from it.
///
/// The views are held as `dyn Any` (always a `FrameView`): the app shell owns this
/// state, and naming the screens' view type in it would make the shell depend on the
/// view models, which depend on the app (a file cycle `tests/architecture` rejects).
#[derive(Debug)]
pub(super) struct Redraw {
    /// A frame is owed: something that changes what is drawn happened since the last.
    pub(super) due: bool,
    /// The view the last frame drew (`None` before the first, or when drawn elsewhere).
    pub(super) last: Option<Box<dyn Any>>,
    /// The view a tick built and found different: the next frame draws it as is.
    pub(super) pending: Option<(Rect, Box<dyn Any>)>,
}

impl Default for Redraw {
    fn default() -> Self {
        Self {
            due: true,
            last: None,
            pending: None,
        }
    }
}

impl Redraw {
    pub(super) fn mark(&mut self) {
        self.due = true;
        self.pending = None;
    }
}

// The checks that build and compare views are in `redraw_check.rs`: this file names no
// view type, so the shell that holds `Redraw` does not depend on the screens.
