//! The vocabulary of a table's content: a row's identity, a cell (text and severity), a
//! column's heading, a sort key, and [`Severity::role`], the one mapping from how bad a
//! value is to the theme role that colours it. Sources (`rows`) write these, tables
//! (`table`) order and window them, renderers draw them.

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

/// How bad (or good) a value is: what colours it. [`Severity::role`] is the one mapping
/// from a severity to the theme's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Normal,
    Muted,
    /// Inside its healthy threshold, said in colour (tiles, gauges, ratios).
    Ok,
    Warn,
    Crit,
}

impl Severity {
    /// A threshold level, shown in colour even when healthy (tiles, gauges, ratios).
    pub fn of_level(level: crate::analysis::metrics::Level) -> Self {
        use crate::analysis::metrics::Level;
        match level {
            Level::Ok => Severity::Ok,
            Level::Warn => Severity::Warn,
            Level::Crit => Severity::Crit,
        }
    }

    /// A threshold level in a table cell: within target is plain text, so the eye goes
    /// to what is wrong.
    pub fn judged(level: crate::analysis::metrics::Level) -> Self {
        match Self::of_level(level) {
            Severity::Ok => Severity::Normal,
            other => other,
        }
    }

    /// The theme role that colours this severity.
    pub fn role(self) -> crate::tui::theme::Role {
        use crate::tui::theme::Role;
        match self {
            Severity::Normal => Role::Text,
            Severity::Muted => Role::Muted,
            Severity::Ok => Role::Ok,
            Severity::Warn => Role::Warn,
            Severity::Crit => Role::Crit,
        }
    }
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
    /// A left-aligned column.
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

    /// A right-aligned column.
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

/// One row as drawn (or as the detail view lists it).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub id: RowId,
    pub cells: Vec<Cell>,
    /// Indentation level (the blocking tree).
    pub depth: u16,
    /// Marked with Space (cancel/terminate act on the marked rows).
    pub marked: bool,
}
