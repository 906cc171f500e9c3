//! Tables as the user works them: the user's state of a table (selection, sort, filter,
//! scroll, marks), the order its rows are in after the filter and the sort, and the
//! window of rows one frame shows. Cells are made only for that window: sorting reads
//! one column of every row, drawing formats only what is seen.

use ratatui::layout::Rect;

pub use super::cells::{Cell, Column, Row, RowId, Severity, SortKey};
use super::rows::{RowWriter, TableRows};
use super::table_id::TableId;

/// What the user did to a table.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TableState {
    /// Index into the rows in display order.
    pub selected: usize,
    pub selected_id: Option<RowId>,
    /// First row drawn, as the last frame drew it (so the selection stays on screen and
    /// a click maps to the row that was drawn).
    pub offset: usize,
    pub sort_column: Option<usize>,
    pub descending: bool,
    pub filter: String,
    /// Rows marked with Space (for actions on several rows).
    pub marked: Vec<RowId>,
}

impl TableState {
    /// Sorted by `column`, largest first (the usual wish for numbers).
    pub fn sorted_by(column: usize) -> Self {
        Self {
            sort_column: Some(column),
            descending: true,
            ..Self::default()
        }
    }

    /// Keeps the selection on the same row (by id) in a new order, or within it.
    fn reselect(&mut self, ids: &[RowId]) {
        if let Some(index) = self
            .selected_id
            .as_ref()
            .and_then(|id| ids.iter().position(|r| r == id))
        {
            self.selected = index;
        }
        self.selected = self.selected.min(ids.len().saturating_sub(1));
        self.selected_id = ids.get(self.selected).cloned();
    }

    /// Moves the selection by `delta` rows, clamped to the table.
    pub fn move_by(&mut self, order: &TableOrder, delta: isize) {
        let last = order.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
        self.selected_id = order.ids.get(self.selected).cloned();
    }

    /// Selects the row at `index` of the order (clamped).
    pub fn select_index(&mut self, order: &TableOrder, index: usize) {
        self.selected = index.min(order.len().saturating_sub(1));
        self.selected_id = order.ids.get(self.selected).cloned();
    }

    /// The first row to draw so the selection is among the `visible` rows, scrolling as
    /// little as possible from the offset drawn last, and never leaving lines empty at
    /// the bottom while rows are hidden above (after a filter, a toggle or a resize).
    pub fn offset_for(&self, visible: usize, rows: usize) -> usize {
        let visible = visible.max(1);
        let mut offset = self.offset.min(rows.saturating_sub(visible));
        if self.selected < offset {
            offset = self.selected;
        } else if self.selected >= offset + visible {
            offset = self.selected + 1 - visible;
        }
        offset
    }

    /// Next (`forward`) or previous sort column, wrapping.
    pub fn cycle_sort(&mut self, columns: usize, forward: bool) {
        if columns == 0 {
            return;
        }
        let current = self.sort_column.unwrap_or(0);
        self.sort_column = Some(if forward {
            (current + 1) % columns
        } else {
            (current + columns - 1) % columns
        });
        self.descending = true;
    }

    /// Marks or unmarks the selected row.
    pub fn toggle_mark(&mut self) {
        if let Some(id) = self.selected_id.clone() {
            match self.marked.iter().position(|m| *m == id) {
                Some(i) => {
                    self.marked.remove(i);
                }
                None => self.marked.push(id),
            }
        }
    }
}

/// A table's rows in display order after the filter and the sort: positions in its
/// source ([`TableRows`]) and their identities. Made when the data or the user's state
/// changes, for the screen on view only; drawing reads it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TableOrder {
    pub columns: Vec<Column>,
    /// Positions in the source, in display order.
    pub rows: Vec<usize>,
    /// The rows' identities, in the same order.
    pub ids: Vec<RowId>,
    /// Rows before filtering (for "12 of 40" in the title).
    pub total: usize,
    /// The rows' order is their meaning (a tree): no sort column applies.
    pub fixed_order: bool,
}

impl TableOrder {
    /// Rows after the filter.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether no row is left after the filter.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The order of `source` under `state`'s filter and sort; the selection follows its
    /// row.
    pub fn of(source: &dyn TableRows, state: &mut TableState) -> Self {
        let fixed_order = source.fixed_order();
        let mut rows = source.base_order();
        let total = rows.len();
        let needle = state.filter.to_lowercase();
        if !needle.is_empty() {
            rows.retain(|&index| {
                let mut row = RowWriter::whole();
                source.write(index, &mut row);
                row.cells()
                    .iter()
                    .any(|c| contains_folded(&c.text, &needle))
            });
        }
        if let (Some(column), false) = (state.sort_column, fixed_order) {
            let mut keyed: Vec<(SortKey, usize)> = rows
                .iter()
                .map(|&index| {
                    let mut row = RowWriter::key_of(column);
                    source.write(index, &mut row);
                    (folded(row.into_key()), index)
                })
                .collect();
            let descending = state.descending;
            keyed.sort_by(|a, b| compare(&a.0, &b.0, descending));
            rows = keyed.into_iter().map(|(_, index)| index).collect();
        }
        let ids: Vec<RowId> = rows.iter().map(|&index| source.id(index)).collect();
        state.reselect(&ids);
        Self {
            columns: source.columns(),
            rows,
            ids,
            total,
            fixed_order,
        }
    }

    /// The rows from `offset`, at most `count`, with their cells.
    pub fn window(
        &self,
        source: &dyn TableRows,
        state: &TableState,
        offset: usize,
        count: usize,
    ) -> Vec<Row> {
        self.rows
            .iter()
            .zip(&self.ids)
            .skip(offset)
            .take(count)
            .map(|(&index, id)| {
                let mut row = RowWriter::whole();
                source.write(index, &mut row);
                Row {
                    id: id.clone(),
                    depth: source.depth(index),
                    marked: state.marked.contains(id),
                    cells: row.into_cells(),
                }
            })
            .collect()
    }

    /// The row with this identity, with its cells (the detail view lists them all).
    pub fn row(&self, source: &dyn TableRows, id: &RowId) -> Option<Row> {
        let position = self.ids.iter().position(|r| r == id)?;
        let mut row = RowWriter::whole();
        source.write(self.rows[position], &mut row);
        Some(Row {
            id: id.clone(),
            depth: source.depth(self.rows[position]),
            marked: false,
            cells: row.into_cells(),
        })
    }
}

/// Text sort keys compare case-insensitively: lowercased here, once per row.
fn folded(key: SortKey) -> SortKey {
    match key {
        SortKey::Text(text) if !text.is_ascii() || text.bytes().any(|b| b.is_ascii_uppercase()) => {
            SortKey::Text(text.to_lowercase())
        }
        other => other,
    }
}

/// Whether `text` contains `needle` (already lowercase), ignoring case. ASCII text is
/// compared in place: the filter runs over every cell of every row, and lowercasing
/// each into a new string was most of its cost.
fn contains_folded(text: &str, needle: &str) -> bool {
    if !text.is_ascii() || !needle.is_ascii() {
        return text.to_lowercase().contains(needle);
    }
    let (text, needle) = (text.as_bytes(), needle.as_bytes());
    needle.is_empty()
        || text
            .windows(needle.len())
            .any(|window| window.eq_ignore_ascii_case(needle))
}

fn compare(a: &SortKey, b: &SortKey, descending: bool) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let ordered = |o: Ordering| if descending { o.reverse() } else { o };
    match (a, b) {
        (SortKey::Number(x), SortKey::Number(y)) => ordered(x.total_cmp(y)),
        // Folded once per row by `folded`, not twice per comparison.
        (SortKey::Text(x), SortKey::Text(y)) => ordered(x.cmp(y)),
        (SortKey::Missing, SortKey::Missing) => Ordering::Equal,
        (SortKey::Missing, _) => Ordering::Greater,
        (_, SortKey::Missing) => Ordering::Less,
        (SortKey::Number(_), SortKey::Text(_)) => Ordering::Less,
        (SortKey::Text(_), SortKey::Number(_)) => Ordering::Greater,
    }
}

/// One table as a frame draws it: where, its title, and only the rows that fit.
#[derive(Debug, Clone, PartialEq)]
pub struct TableView {
    pub id: TableId,
    /// Where it is drawn, border included.
    pub area: Rect,
    pub title: String,
    /// ` (12 of 40) /filter`: the count (and the filter) that stays when the title is cut.
    pub count: String,
    pub focused: bool,
    /// Shown instead of rows when there are none: why, and how to fix it.
    pub empty: String,
    pub columns: Vec<Column>,
    /// The rows drawn, from `offset` on.
    pub rows: Vec<Row>,
    /// Position of the first drawn row in the whole order.
    pub offset: usize,
    /// The selected row's position among `rows`, when it is drawn and the table has focus.
    pub selected: Option<usize>,
    /// The sort column and whether it is descending, when a sort applies.
    pub sort: Option<(usize, bool)>,
    /// `21–40 of 124` for the bottom border when not every row fits.
    pub position: Option<String>,
}

impl TableView {
    /// The view of the table `id` drawn in `area`: `order` windowed at the offset that
    /// keeps the selection in sight.
    pub fn of(
        id: TableId,
        area: Rect,
        source: &dyn TableRows,
        order: &TableOrder,
        state: &TableState,
        focused: bool,
    ) -> Self {
        let visible = rows_in(area).max(1);
        let offset = state.offset_for(visible, order.len());
        let rows = order.window(source, state, offset, visible);
        let count = if order.len() == order.total {
            format!("{}", order.len())
        } else {
            format!("{} of {}", order.len(), order.total)
        };
        let filter = if state.filter.is_empty() {
            String::new()
        } else {
            format!(" /{}", state.filter)
        };
        let selected = state
            .selected
            .checked_sub(offset)
            .filter(|at| focused && *at < rows.len());
        Self {
            id,
            area,
            title: String::new(),
            count: format!(" ({count}){filter}"),
            focused,
            empty: String::new(),
            columns: order.columns.clone(),
            rows,
            offset,
            selected,
            sort: state
                .sort_column
                .filter(|_| !order.fixed_order)
                .map(|column| (column, state.descending)),
            position: position(offset, visible, order.len()),
        }
    }

    /// The title, and why the table is empty.
    pub fn titled(mut self, title: String, empty: String) -> Self {
        self.title = title;
        self.empty = empty;
        self
    }
}

/// How many data rows fit in a bordered table with a header line.
pub fn rows_in(area: Rect) -> usize {
    usize::from(area.height.saturating_sub(3))
}

/// Where the view is in a long list: `21–40 of 124`.
pub fn position(offset: usize, visible: usize, rows: usize) -> Option<String> {
    (rows > visible).then(|| {
        let first = offset.min(rows.saturating_sub(1)) + 1;
        let last = (offset + visible).min(rows);
        format!(" {first}–{last} of {rows} ")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::screens::rows::RowWriter;

    /// (pid, name, value) records.
    struct Named(Vec<(i32, &'static str, Option<f64>)>);

    impl TableRows for Named {
        fn columns(&self) -> Vec<Column> {
            vec![Column::text("name", 10, 0), Column::number("value", 6, 0)]
        }
        fn len(&self) -> usize {
            self.0.len()
        }
        fn id(&self, index: usize) -> RowId {
            RowId::Pid(self.0[index].0)
        }
        fn write(&self, index: usize, row: &mut RowWriter) {
            let (_, name, value) = self.0[index];
            row.text(Some(name));
            row.number(value, |v| v.to_string(), Severity::Normal);
        }
    }

    #[test]
    fn filter_is_a_case_insensitive_substring_over_cells() {
        let mut state = TableState {
            filter: "ALP".into(),
            ..TableState::default()
        };
        let rows = Named(vec![(1, "alpha", Some(1.0)), (2, "beta", Some(2.0))]);
        let order = TableOrder::of(&rows, &mut state);
        assert_eq!(order.len(), 1);
        assert_eq!(order.total, 2);
    }

    #[test]
    fn filter_and_sort_ignore_case_in_any_script() {
        let rows = Named(vec![
            (1, "Zeta", None),
            (2, "alpha", None),
            (3, "ÉCOLE", None),
            (4, "Beta", None),
        ]);
        let mut sorted = TableState {
            sort_column: Some(0),
            ..TableState::default()
        };
        let order = TableOrder::of(&rows, &mut sorted);
        let ids: Vec<RowId> = [2, 4, 1, 3].map(RowId::Pid).into();
        assert_eq!(order.ids, ids, "alpha, Beta, Zeta, ÉCOLE (é after z)");
        for (filter, want) in [
            ("ETA", vec![1, 4]),
            ("école", vec![3]),
            ("", vec![1, 2, 3, 4]),
        ] {
            let mut state = TableState {
                filter: filter.into(),
                ..TableState::default()
            };
            let order = TableOrder::of(&rows, &mut state);
            let want: Vec<RowId> = want.into_iter().map(RowId::Pid).collect();
            assert_eq!(order.ids, want, "{filter:?}");
        }
    }

    #[test]
    fn missing_values_sort_last_in_both_directions() {
        for descending in [true, false] {
            let mut state = TableState {
                sort_column: Some(1),
                descending,
                ..TableState::default()
            };
            let rows = Named(vec![
                (1, "a", None),
                (2, "b", Some(5.0)),
                (3, "c", Some(1.0)),
            ]);
            let order = TableOrder::of(&rows, &mut state);
            assert_eq!(order.ids.last(), Some(&RowId::Pid(1)));
        }
    }

    #[test]
    fn selection_follows_the_same_row_after_resorting() {
        let mut state = TableState::sorted_by(1);
        let order = TableOrder::of(
            &Named(vec![(1, "a", Some(1.0)), (2, "b", Some(2.0))]),
            &mut state,
        );
        state.move_by(&order, 1);
        assert_eq!(state.selected_id, Some(RowId::Pid(1)));
        let resorted = Named(vec![(1, "a", Some(9.0)), (2, "b", Some(2.0))]);
        let order = TableOrder::of(&resorted, &mut state);
        assert_eq!(state.selected, 0);
        assert_eq!(order.ids[0], RowId::Pid(1));
    }

    #[test]
    fn only_the_rows_in_the_window_get_cells() {
        let rows = Named((0..1500).map(|i| (i, "t", Some(f64::from(i)))).collect());
        let mut state = TableState::sorted_by(1);
        let order = TableOrder::of(&rows, &mut state);
        let view = TableView::of(
            TableId::Maintenance,
            Rect::new(0, 0, 80, 23),
            &rows,
            &order,
            &state,
            true,
        );
        assert_eq!(view.rows.len(), 20);
        assert_eq!(view.rows[0].id, RowId::Pid(1499));
        assert_eq!(view.position.as_deref(), Some(" 1–20 of 1500 "));
    }
}
