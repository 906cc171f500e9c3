//! What the user does to the screen on view and its tables: switch screens, move the
//! selection (by row, by page as drawn), filter, sort, mark, clear.

use super::event::Effect;
use super::shell::App;
use crate::monitor::poller::PollerCommand;
use crate::tui::screen::Screen;
use crate::tui::screens::state::{ActivityMode, TableId};
use crate::tui::screens::table::RowId;

/// Switches screens and tells the poller, which reads some costly sources only for the
/// screen that shows them. The new screen's tables are ordered from the newest data.
pub(super) fn show_screen(app: &mut App, screen: Screen) -> Vec<Effect> {
    if app.screen == screen {
        return vec![];
    }
    let left = app.screen;
    app.screen = screen;
    app.order_tables();
    let mut effects = vec![Effect::Poller(PollerCommand::Watch(screen.slow_group()))];
    // `pg_locks` is read only while the lock view is on view: off when its screen is
    // left, on again when it comes back with the view still chosen.
    if app.screens.shows_locks() && (left == Screen::Activity || screen == Screen::Activity) {
        effects.push(Effect::Poller(PollerCommand::WatchLocks(
            screen == Screen::Activity,
        )));
    }
    // Each backend's CPU and memory are sampled only for the Activity screen's columns.
    if left == Screen::Activity || screen == Screen::Activity {
        effects.push(Effect::Poller(PollerCommand::WatchBackends(
            screen == Screen::Activity,
        )));
    }
    effects
}

/// Sessions ↔ locks on the Activity screen; the poller reads `pg_locks` only while the
/// lock view is on.
pub(super) fn toggle_locks(app: &mut App) -> Vec<Effect> {
    app.screens.toggle_locks();
    app.order_tables();
    vec![Effect::Poller(PollerCommand::WatchLocks(
        app.screens.shows_locks(),
    ))]
}

/// How many rows a page of the focused table is, as the last frame drew it.
pub(super) fn page(app: &App) -> isize {
    let rows = app
        .focused_table_id()
        .and_then(|id| app.drawn.table(id))
        .map_or(10, |table| table.rows);
    isize::try_from(rows.max(1)).unwrap_or(10)
}

/// Moves the focused table's selection by `delta` rows (the next frame scrolls to it).
pub(super) fn move_selection(app: &mut App, delta: isize) {
    let Some(id) = app.focused_table_id() else {
        return;
    };
    if let (state, Some(order)) = app.screens.table_and_order(id) {
        state.move_by(order, delta);
    }
}

/// The focused table's first row (a kept filter starts from the top).
pub(super) fn select_first(app: &mut App) {
    let Some(id) = app.focused_table_id() else {
        return;
    };
    if let (state, Some(order)) = app.screens.table_and_order(id) {
        state.select_index(order, 0);
    }
}

impl App {
    /// Selects `row` in table `id`, as the keys or a click would (it follows its row in
    /// every new order).
    pub fn select(&mut self, id: TableId, row: RowId) {
        self.screens.table_mut(id).selected_id = Some(row);
        if id.screen() == self.screen {
            self.order_table(id);
        }
    }

    /// Lists the Activity screen's sessions in `mode` (what cycling with its key reaches).
    pub fn set_activity_mode(&mut self, mode: ActivityMode) {
        self.screens.set_activity_mode(mode);
        self.order_tables();
    }

    /// Totals since the reset (`true`) or the last interval on the Queries screen.
    pub fn set_cumulative(&mut self, cumulative: bool) {
        if self.screens.cumulative() != cumulative {
            self.screens.toggle_cumulative();
            self.order_tables();
        }
    }

    /// Shows `screen`, as its key would; the effect tells the poller.
    pub fn show(&mut self, screen: Screen) -> Vec<Effect> {
        show_screen(self, screen)
    }
}

/// Filters the focused table (live, as the filter is typed).
pub(super) fn set_filter(app: &mut App, filter: String) {
    if let Some(id) = app.focused_table_id() {
        app.screens.table_mut(id).filter = filter;
        app.order_table(id);
    }
}

/// Sorts the focused table by the next (or previous) column.
pub(super) fn cycle_sort(app: &mut App, forward: bool) {
    let Some(id) = app.focused_table_id() else {
        return;
    };
    let columns = app.screens.order(id).map_or(0, |order| order.columns.len());
    app.screens.table_mut(id).cycle_sort(columns, forward);
    app.order_table(id);
}

/// Reverses the focused table's sort.
pub(super) fn reverse_sort(app: &mut App) {
    if let Some(id) = app.focused_table_id() {
        let state = app.screens.table_mut(id);
        state.descending = !state.descending;
        app.order_table(id);
    }
}

/// Space on the Activity screen: marks (or unmarks) the selected session for
/// cancel/terminate, and says what the marks are for.
pub(super) fn mark(app: &mut App) {
    app.screens.table_mut(TableId::Activity).toggle_mark();
    let count = app.screens.table(TableId::Activity).marked.len();
    let keymap = app.settings.keymap();
    let keys = |action| keymap.keys_for(action).join("/");
    use crate::tui::keymap::Action;
    let text = format!(
        "{count} marked: {}/{} act on them, {} clears",
        keys(Action::CancelBackend),
        keys(Action::TerminateBackend),
        keys(Action::Back)
    );
    app.set_status(text, false);
    app.order_table(TableId::Activity);
}

/// Esc on the screen: one layer at a time, marks first (they aim cancel/terminate), then
/// the filter.
pub(super) fn back(app: &mut App) -> Vec<Effect> {
    let marks = app.screens.table(TableId::Activity).marked.len();
    if app.screen == Screen::Activity && marks > 0 {
        app.screens.table_mut(TableId::Activity).marked.clear();
        app.set_status(format!("{marks} marks cleared"), false);
        app.order_tables();
        return vec![];
    }
    let Some(id) = app.focused_table_id() else {
        return vec![];
    };
    let had_filter = !app.screens.table(id).filter.is_empty();
    app.screens.table_mut(id).filter.clear();
    app.order_tables();
    if had_filter {
        return super::polling::search_effect(app);
    }
    vec![]
}
