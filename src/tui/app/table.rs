//! Tables as the user manipulates them: rows with sort keys, a live filter, a sort
//! column, and a selection that follows the same row (by id) across refreshes.

use crate::monitor::snapshot::StatementKey;

/// A stable identity for a row, so the selection survives refreshes and re-sorting.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RowId {
    Pid(i32),
    Statement(StatementKey),
    QueryHash(String),
    /// A table or index, by OID.
    Relation(u32),
    /// A named group: an application, a user, a client, a PgBouncer pool, a database.
    Name(String),
}

/// How a cell compares when its column is the sort column.
#[derive(Debug, Clone, PartialEq)]
pub enum SortKey {
    Number(f64),
    Text(String),
    /// Unknown values sort last whatever the direction.
    Missing,
}

/// How bad a value is, for colouring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Normal,
    Muted,
    Warn,
    Crit,
}

/// One column's heading and layout hints.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub title: &'static str,
    /// Minimum width in cells; the last text column takes the remaining space.
    pub width: u16,
    /// Numbers are right-aligned.
    pub numeric: bool,
    /// Which columns go first when the terminal is narrow: 0 always stays, higher
    /// numbers are dropped first.
    pub priority: u8,
}

impl Column {
    pub const fn text(title: &'static str, width: u16, priority: u8) -> Self {
        Self {
            title,
            width,
            numeric: false,
            priority,
        }
    }
    /// A name column as wide as its longest value, between `min` and twice that: only the
    /// last text column stretches, so names before it would otherwise be cut even on wide
    /// terminals. On narrow ones the priorities drop other columns first.
    pub fn fitted(title: &'static str, longest: usize, min: u16, priority: u8) -> Self {
        let width = u16::try_from(longest)
            .unwrap_or(u16::MAX)
            .clamp(min, min * 2);
        Self::text(title, width, priority)
    }

    pub const fn number(title: &'static str, width: u16, priority: u8) -> Self {
        Self {
            title,
            width,
            numeric: true,
            priority,
        }
    }
}

/// One cell: display text (already sanitized) and its severity.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub text: String,
    pub severity: Severity,
}

/// One row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub id: RowId,
    pub cells: Vec<Cell>,
    pub sort_keys: Vec<SortKey>,
    /// Indentation level (the blocking tree).
    pub depth: u16,
}

impl Row {
    /// A row whose cells and sort keys are given as pairs.
    pub fn new(id: RowId, cells: Vec<(Cell, SortKey)>) -> Self {
        let (cells, sort_keys) = cells.into_iter().unzip();
        Self {
            id,
            cells,
            sort_keys,
            depth: 0,
        }
    }

    fn matches(&self, needle_lower: &str) -> bool {
        needle_lower.is_empty()
            || self
                .cells
                .iter()
                .any(|c| c.text.to_lowercase().contains(needle_lower))
    }
}

/// A table ready to draw: columns and the visible rows in display order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TableModel {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// Rows before filtering (for "12 of 40" in the title).
    pub total_rows: usize,
    /// The rows' order is their meaning (a tree): no sort column is shown.
    pub fixed_order: bool,
}

/// What the user did to a table.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TableState {
    /// Index into the visible rows.
    pub selected: usize,
    pub selected_id: Option<RowId>,
    /// First visible row (kept so the selection stays on screen and mouse clicks map
    /// to the row that was drawn).
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

    /// Applies filter and sort to fresh rows and keeps the selection on the same row.
    /// `keep_order` is for views whose order is the meaning (the blocking tree).
    pub fn build(&mut self, columns: Vec<Column>, rows: Vec<Row>, keep_order: bool) -> TableModel {
        let total_rows = rows.len();
        let needle = self.filter.to_lowercase();
        let mut rows: Vec<Row> = rows.into_iter().filter(|r| r.matches(&needle)).collect();
        if let (Some(column), false) = (self.sort_column, keep_order) {
            let descending = self.descending;
            rows.sort_by(|a, b| {
                compare(a.sort_keys.get(column), b.sort_keys.get(column), descending)
            });
        }
        self.reselect(&rows);
        TableModel {
            columns,
            rows,
            total_rows,
            fixed_order: keep_order,
        }
    }

    fn reselect(&mut self, rows: &[Row]) {
        if let Some(index) = self
            .selected_id
            .as_ref()
            .and_then(|id| rows.iter().position(|r| &r.id == id))
        {
            self.selected = index;
        }
        self.selected = self.selected.min(rows.len().saturating_sub(1));
        self.selected_id = rows.get(self.selected).map(|r| r.id.clone());
    }

    /// Moves the selection by `delta` rows, clamped to the table.
    pub fn move_by(&mut self, model: &TableModel, delta: isize) {
        let last = model.rows.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
        self.selected_id = model.rows.get(self.selected).map(|r| r.id.clone());
    }

    pub fn select_index(&mut self, model: &TableModel, index: usize) {
        self.selected = index.min(model.rows.len().saturating_sub(1));
        self.selected_id = model.rows.get(self.selected).map(|r| r.id.clone());
    }

    /// Scrolls so the selected row is among the `visible` rows, and never leaves lines
    /// empty at the bottom while rows of the table's `rows` are hidden above (after a
    /// filter, a toggle or a resize shrank the list).
    pub fn scroll_into_view(&mut self, visible: usize, rows: usize) {
        let visible = visible.max(1);
        self.offset = self.offset.min(rows.saturating_sub(visible));
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + visible {
            self.offset = self.selected + 1 - visible;
        }
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

fn compare(a: Option<&SortKey>, b: Option<&SortKey>, descending: bool) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let ordered = |o: Ordering| if descending { o.reverse() } else { o };
    match (a, b) {
        (Some(SortKey::Number(x)), Some(SortKey::Number(y))) => ordered(x.total_cmp(y)),
        (Some(SortKey::Text(x)), Some(SortKey::Text(y))) => {
            ordered(x.to_lowercase().cmp(&y.to_lowercase()))
        }
        (Some(SortKey::Missing) | None, Some(SortKey::Missing) | None) => Ordering::Equal,
        (Some(SortKey::Missing) | None, _) => Ordering::Greater,
        (_, Some(SortKey::Missing) | None) => Ordering::Less,
        (Some(SortKey::Number(_)), Some(SortKey::Text(_))) => Ordering::Less,
        (Some(SortKey::Text(_)), Some(SortKey::Number(_))) => Ordering::Greater,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(pid: i32, name: &str, value: Option<f64>) -> Row {
        Row::new(
            RowId::Pid(pid),
            vec![
                (
                    Cell {
                        text: name.into(),
                        severity: Severity::Normal,
                    },
                    SortKey::Text(name.into()),
                ),
                (
                    Cell {
                        text: value.map(|v| v.to_string()).unwrap_or_default(),
                        severity: Severity::Normal,
                    },
                    value.map_or(SortKey::Missing, SortKey::Number),
                ),
            ],
        )
    }

    fn columns() -> Vec<Column> {
        vec![Column::text("name", 10, 0), Column::number("value", 6, 0)]
    }

    #[test]
    fn filter_is_a_case_insensitive_substring_over_cells() {
        let mut state = TableState {
            filter: "ALP".into(),
            ..TableState::default()
        };
        let model = state.build(
            columns(),
            vec![row(1, "alpha", Some(1.0)), row(2, "beta", Some(2.0))],
            false,
        );
        assert_eq!(model.rows.len(), 1);
        assert_eq!(model.total_rows, 2);
    }

    #[test]
    fn missing_values_sort_last_in_both_directions() {
        for descending in [true, false] {
            let mut state = TableState {
                sort_column: Some(1),
                descending,
                ..TableState::default()
            };
            let model = state.build(
                columns(),
                vec![
                    row(1, "a", None),
                    row(2, "b", Some(5.0)),
                    row(3, "c", Some(1.0)),
                ],
                false,
            );
            assert_eq!(model.rows.last().map(|r| r.id.clone()), Some(RowId::Pid(1)));
        }
    }

    #[test]
    fn selection_follows_the_same_row_after_resorting() {
        let mut state = TableState::sorted_by(1);
        let model = state.build(
            columns(),
            vec![row(1, "a", Some(1.0)), row(2, "b", Some(2.0))],
            false,
        );
        state.move_by(&model, 1);
        assert_eq!(state.selected_id, Some(RowId::Pid(1)));
        let model = state.build(
            columns(),
            vec![row(1, "a", Some(9.0)), row(2, "b", Some(2.0))],
            false,
        );
        assert_eq!(state.selected, 0);
        assert_eq!(model.rows[0].id, RowId::Pid(1));
    }
}
