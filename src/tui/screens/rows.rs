//! How a table's source writes its rows: each value becomes a cell (text and colour) and
//! a sort key, written into a [`RowWriter`] that keeps either the whole row or only one
//! column's sort key. A source writes a row the same way in both cases; a value's text is
//! formatted only when the cell is wanted. `-` (sorted last) when there is no value.

use std::time::Duration;

use super::cells::{Cell, Column, RowId, Severity, SortKey};
use crate::text::format;

/// One table's rows, read from the model on demand.
pub trait TableRows {
    /// The table's columns (their widths may depend on the longest value).
    fn columns(&self) -> Vec<Column>;
    /// How many rows there are.
    fn len(&self) -> usize;
    /// Whether there is no row.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The identity of row `index`.
    fn id(&self, index: usize) -> RowId;
    /// Writes row `index`, one value per column, in column order.
    fn write(&self, index: usize, row: &mut RowWriter);
    /// The rows' own order before the user's sort (worst first, a tree), which a sort
    /// keeps for ties.
    fn base_order(&self) -> Vec<usize> {
        (0..self.len()).collect()
    }
    /// Whether the rows' order is their meaning (a tree): no sort applies.
    fn fixed_order(&self) -> bool {
        false
    }
    /// How far row `index` is indented (the blocking tree).
    fn depth(&self, _index: usize) -> u16 {
        0
    }
}

/// What a [`RowWriter`] keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    /// Every cell (drawing, filtering, the detail view).
    Whole,
    /// The sort key of this column only (sorting).
    Key(usize),
}

/// Receives one row's values.
#[derive(Debug)]
pub struct RowWriter {
    want: Want,
    column: usize,
    cells: Vec<Cell>,
    key: SortKey,
}

impl RowWriter {
    /// Keeps every cell.
    pub fn whole() -> Self {
        Self {
            want: Want::Whole,
            column: 0,
            cells: Vec::new(),
            key: SortKey::Missing,
        }
    }

    /// Keeps only `column`'s sort key.
    pub fn key_of(column: usize) -> Self {
        Self {
            want: Want::Key(column),
            ..Self::whole()
        }
    }

    /// The cells written (empty when only a key was wanted).
    pub fn cells(&self) -> &[Cell] {
        &self.cells
    }

    /// The cells written, owned.
    pub fn into_cells(self) -> Vec<Cell> {
        self.cells
    }

    /// The sort key of the wanted column.
    pub fn into_key(self) -> SortKey {
        self.key
    }

    /// The next column's value: its sort key and its cell, each made only when wanted.
    pub fn push(&mut self, key: impl FnOnce() -> SortKey, cell: impl FnOnce() -> Cell) {
        match self.want {
            Want::Whole => self.cells.push(cell()),
            Want::Key(column) if column == self.column => self.key = key(),
            Want::Key(_) => {}
        }
        self.column += 1;
    }

    /// A value already made into its cell and key.
    pub fn pair(&mut self, (cell, key): (Cell, SortKey)) {
        self.push(|| key, || cell);
    }

    /// Text sorted as itself; `-` when there is none.
    pub fn text(&mut self, value: Option<&str>) {
        match value {
            Some(v) => self.push(|| SortKey::Text(v.to_string()), || cell(v)),
            None => self.push(|| SortKey::Missing, missing),
        }
    }

    /// Text sorted as itself, in a colour.
    pub fn label(&mut self, text: &str, severity: Severity) {
        self.push(
            || SortKey::Text(text.to_string()),
            || Cell {
                text: text.to_string(),
                severity,
            },
        );
    }

    /// A number shown by `shown`; `-` when there is none (or it is not finite).
    pub fn number(
        &mut self,
        value: Option<f64>,
        shown: impl FnOnce(f64) -> String,
        severity: Severity,
    ) {
        match value {
            Some(v) if v.is_finite() => self.push(
                || SortKey::Number(v),
                || Cell {
                    text: shown(v),
                    severity,
                },
            ),
            _ => self.push(|| SortKey::Missing, missing),
        }
    }

    /// A count, as `1.2k`.
    pub fn count(&mut self, value: i64) {
        self.number(Some(value as f64), format::quantity, Severity::Normal);
    }

    /// An age, as `4m02s`.
    pub fn age(&mut self, value: Option<Duration>, severity: Severity) {
        self.number(
            value.map(|d| d.as_secs_f64()),
            |s| format::age(Duration::from_secs_f64(s)),
            severity,
        );
    }

    /// A percentage (0–100), as `12.5%`.
    pub fn percent(&mut self, value: f64, severity: Severity) {
        self.number(Some(value), |p| format!("{p:.1}%"), severity);
    }

    /// A ratio (0–1), as `12.5%`.
    pub fn ratio(&mut self, value: Option<f64>, severity: Severity) {
        self.number(value, |r| format::percent(Some(r)), severity);
    }

    /// A size in bytes, as `1.2 MiB`.
    pub fn bytes(&mut self, value: i64) {
        self.push(
            || SortKey::Number(value as f64),
            || cell(format::bytes(value)),
        );
    }

    /// The `!!` / `!` gutter: the row's worst judgement, sorted on as a number.
    pub fn attention(&mut self, severity: Severity) {
        let text = match rank(severity) {
            2 => "!!",
            1 => "!",
            _ => "",
        };
        self.push(
            || SortKey::Number(f64::from(rank(severity))),
            || Cell {
                text: text.into(),
                severity,
            },
        );
    }
}

/// A plain cell.
pub fn cell(text: impl Into<String>) -> Cell {
    Cell {
        text: text.into(),
        severity: Severity::Normal,
    }
}

/// `-`, muted: no value.
fn missing() -> Cell {
    Cell {
        text: "-".into(),
        severity: Severity::Muted,
    }
}

/// Crit, Warn or neither, as the rank the attention column sorts by.
pub fn rank(severity: Severity) -> u8 {
    match severity {
        Severity::Crit => 2,
        Severity::Warn => 1,
        Severity::Normal | Severity::Muted | Severity::Ok => 0,
    }
}

/// Warn when `condition` holds.
pub fn warn_if(condition: bool) -> Severity {
    if condition {
        Severity::Warn
    } else {
        Severity::Normal
    }
}
