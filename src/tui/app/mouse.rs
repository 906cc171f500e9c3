//! The mouse: the wheel moves the selection, a click on a tab shows its screen, a click
//! on a row selects it (and gives its table the focus). Every click is matched against
//! what the last frame drew, never against a layout computed again.

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};

use super::event::Effect;
use super::navigate;
use super::shell::App;
use super::state::Mode;

pub(super) fn on_mouse(app: &mut App, mouse: MouseEvent) -> Vec<Effect> {
    match mouse.kind {
        MouseEventKind::ScrollDown => navigate::move_selection(app, 3),
        MouseEventKind::ScrollUp => navigate::move_selection(app, -3),
        MouseEventKind::Down(MouseButton::Left) => {
            if let Some(screen) = app.drawn.tab_at(mouse.column, mouse.row) {
                app.mode = Mode::Normal;
                return navigate::show_screen(app, screen);
            }
            click_row(app, mouse);
        }
        _ => {}
    }
    vec![]
}

/// Whether `on_mouse` acts on this event at all (moves and releases do nothing, so
/// they owe no frame).
pub(super) fn changes_anything(mouse: &MouseEvent) -> bool {
    matches!(
        mouse.kind,
        MouseEventKind::ScrollDown
            | MouseEventKind::ScrollUp
            | MouseEventKind::Down(MouseButton::Left)
    )
}

/// Selects the row under the click, in the table drawn there.
fn click_row(app: &mut App, mouse: MouseEvent) {
    let Some((id, row)) = app
        .drawn
        .tables
        .iter()
        .find_map(|table| Some((table.id, table.row_at(mouse.column, mouse.row)?)))
    else {
        return;
    };
    app.screens.focus_on(id);
    if let (state, Some(order)) = app.screens.table_and_order(id)
        && row < order.len()
    {
        state.select_index(order, row);
    }
}
