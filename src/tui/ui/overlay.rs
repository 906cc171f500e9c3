//! What every overlay (help, detail view, message log, dialogs, output) shares: where it
//! goes in the body, and the cleared body it is drawn on.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::Clear;

/// A rectangle of `width` x `height` centred in `area` (clamped to it), for overlays.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    )
}

/// Clears the whole body for an overlay (help, detail, messages, output, a dialog):
/// nothing of the screen below shows around it, not even a cut word at its edge.
pub fn cover(frame: &mut Frame, body: Rect) {
    frame.render_widget(Clear, body);
}
