//! What every overlay (help, detail view, message log, dialogs, output) shares: where it
//! goes in the body, and the cleared body it is drawn on.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::Clear;

use crate::tui::keymap::{Action, Keymap};

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

/// ` Esc back · j/k scroll · y copy `: the keys of a read-only overlay, from the keymap (a
/// remapped key shows as remapped); the scroll keys only when there is more than a page,
/// the copy key only when the overlay copies something (`copies` says what).
pub fn hints(keymap: &Keymap, scrolls: bool, copies: Option<&str>) -> String {
    let hints: Vec<String> = [
        keymap.hint(Action::Back, "back"),
        keymap
            .pair_hint(Action::Down, Action::Up, "scroll")
            .filter(|_| scrolls),
        copies.and_then(|what| keymap.hint(Action::Copy, what)),
    ]
    .into_iter()
    .flatten()
    .collect();
    format!(" {} ", hints.join(" · "))
}

/// Clears the whole body for an overlay (help, detail, messages, output, a dialog):
/// nothing of the screen below shows around it, not even a cut word at its edge.
pub fn cover(frame: &mut Frame, body: Rect) {
    frame.render_widget(Clear, body);
}
