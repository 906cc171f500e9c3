//! Whether the next frame is worth drawing. The loop draws only when something visible
//! changed: input, a resize, new data, an action's or a detail read's answer. A clock
//! tick changes only ages and clocks ("polled 3s ago", a STALE badge, a RUNNING badge's
//! time), and only when one of them is on view and its text actually changes: the tick
//! builds the frame's view (no rendering, no terminal IO) and compares it with the one
//! last drawn, so a tick with nothing time-dependent on view draws nothing, whatever the
//! screen.

use ratatui::layout::Rect;

use super::shell::App;
use crate::tui::screens::frame::FrameView;

/// The last frame's view and whether the next one differs from it.
#[derive(Debug)]
pub(super) struct Redraw {
    /// A frame is owed: something that changes what is drawn happened since the last.
    due: bool,
    /// The view the last frame drew (`None` before the first, or when drawn elsewhere).
    last: Option<FrameView>,
    /// The view a tick built and found different: the next frame draws it as is.
    pending: Option<(Rect, FrameView)>,
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

impl App {
    /// Whether the next frame would differ from the last one drawn.
    pub fn frame_due(&self) -> bool {
        self.redraw.due
    }

    /// The view to draw in `area`: the one a tick already built when it is for this
    /// area, else built now.
    pub fn frame_view(&mut self, area: Rect) -> FrameView {
        match self.redraw.pending.take() {
            Some((built_for, view)) if built_for == area => view,
            _ => self.view(area),
        }
    }

    /// The frame of `view` was drawn: nothing is owed until something changes.
    pub fn frame_drawn(&mut self, view: FrameView) {
        self.redraw.due = false;
        self.redraw.pending = None;
        self.redraw.last = Some(view);
    }

    /// The clock moved: a frame is owed only when the view's text changed with it.
    pub(super) fn check_clock(&mut self) {
        if self.redraw.due {
            return;
        }
        let Some(last) = &self.redraw.last else {
            self.redraw.due = true;
            return;
        };
        let area = Rect::new(0, 0, self.size.0, self.size.1);
        let view = self.view(area);
        if &view != last {
            self.redraw.due = true;
            self.redraw.pending = Some((area, view));
        }
    }
}
