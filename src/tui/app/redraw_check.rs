//! The redraw checks that build the frame's view and compare it with the last one drawn
//! (see `redraw.rs` for the rule, and why the state there names no view type).

use ratatui::layout::Rect;

use super::shell::App;
use crate::tui::screens::frame::FrameView;

impl App {
    /// Whether the next frame would differ from the last one drawn.
    pub fn frame_due(&self) -> bool {
        self.redraw.due
    }

    /// The view to draw in `area`: the one a tick already built when it is for this
    /// area, else built now.
    pub fn frame_view(&mut self, area: Rect) -> FrameView {
        match self.redraw.pending.take() {
            Some((built_for, view)) if built_for == area => match view.downcast::<FrameView>() {
                Ok(view) => *view,
                Err(_) => self.view(area),
            },
            _ => self.view(area),
        }
    }

    /// The frame of `view` was drawn: nothing is owed until something changes.
    pub fn frame_drawn(&mut self, view: FrameView) {
        self.redraw.due = false;
        self.redraw.pending = None;
        self.redraw.last = Some(Box::new(view));
    }

    /// The clock moved: a frame is owed only when the view's text changed with it.
    pub(super) fn check_clock(&mut self) {
        if self.redraw.due {
            return;
        }
        let area = Rect::new(0, 0, self.size.0, self.size.1);
        let view = self.view(area);
        let unchanged = self
            .redraw
            .last
            .as_ref()
            .and_then(|last| last.downcast_ref::<FrameView>())
            .is_some_and(|last| *last == view);
        if !unchanged {
            self.redraw.due = true;
            self.redraw.pending = Some((area, Box::new(view)));
        }
    }
}
