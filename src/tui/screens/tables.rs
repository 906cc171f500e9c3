//! A table of the screen on view: its rows in order (made when the data or the user's
//! state changed) and the window a frame draws.

use ratatui::layout::Rect;

use super::rows::TableRows;
use super::state::TableId;
use super::table::{TableOrder, TableView};
use crate::tui::app::App;

/// Table `id` drawn in `area`, its rows read from `source`. `focused` says whether the
/// table has the selection (a screen with one table always has it).
pub fn view(
    app: &App,
    id: TableId,
    area: Rect,
    source: &dyn TableRows,
    focused: bool,
) -> TableView {
    let state = app.screens().table(id);
    match app.screens().order(id) {
        Some(order) => TableView::of(id, area, source, order, state, focused),
        // Ordered with the screen; a table drawn before that is ordered for this frame.
        None => {
            let mut state = state.clone();
            let order = TableOrder::of(source, &mut state);
            TableView::of(id, area, source, &order, &state, focused)
        }
    }
}

/// Whether table `id` has the focus on its screen.
pub fn focused(app: &App, id: TableId) -> bool {
    app.focused_table_id() == Some(id)
}
