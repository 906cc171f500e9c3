//! What every overlay (help, detail view, message log, dialogs, output) shares: where it
//! goes in the body, and its key hints.

use ratatui::layout::Rect;

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
