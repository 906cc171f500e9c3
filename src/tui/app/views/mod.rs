//! Table rows for each list screen, built from the newest snapshot and derived metrics.
//! Every string here came through the sanitiser in the collectors.

mod activity;
pub mod cache;
pub mod indexes;
pub mod journal;
pub mod maintenance;
mod maintenance_panels;
pub mod pool;
mod queries;

pub use activity::{activity, collapse_spaces};
pub use queries::{latency, statements};

use std::time::Duration;

use super::table::{Cell, Column, Row, Severity, SortKey};
use super::{App, TableId};
use crate::text::format;

/// Which sessions the Activity screen lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivityMode {
    All,
    /// Not idle: running, or idle inside a transaction.
    Active,
    /// Waiting on a lock.
    Waiting,
    /// Root blockers first, their waiters indented below.
    BlockingTree,
}

impl ActivityMode {
    pub fn label(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Active => "active",
            Self::Waiting => "waiting",
            Self::BlockingTree => "blocking tree",
        }
    }
}

/// Default sort columns: longest running query, most time, slowest p95.
pub const ACTIVITY_DEFAULT_SORT: usize = 8;
pub const STATEMENTS_DEFAULT_SORT: usize = 2;
pub const LATENCY_DEFAULT_SORT: usize = 3;

/// The column a table is sorted by until the user chooses (largest first).
pub fn default_sort(id: TableId) -> usize {
    match id {
        TableId::Activity => ACTIVITY_DEFAULT_SORT,
        TableId::Statements => STATEMENTS_DEFAULT_SORT,
        TableId::Latency => LATENCY_DEFAULT_SORT,
        TableId::PoolApplications
        | TableId::PoolUsers
        | TableId::PoolClients
        | TableId::PgBouncerPools => pool::default_sort(id),
        TableId::Progress => maintenance::PROGRESS_DEFAULT_SORT,
        TableId::CacheTables => cache::default_sort(id),
        TableId::Indexes | TableId::TableScans => indexes::default_sort(id),
        _ => 0,
    }
}

/// Columns and rows of a table from the newest data; `true` keeps the rows' order.
pub fn build(app: &App, id: TableId) -> (Vec<Column>, Vec<Row>, bool) {
    match id {
        TableId::Activity => activity(app),
        TableId::Statements => {
            let (columns, rows) = statements(app);
            (columns, rows, false)
        }
        TableId::Latency => {
            let (columns, rows) = latency(app);
            (columns, rows, false)
        }
        TableId::CacheTables => cache::build(app, id),
        TableId::Indexes | TableId::TableScans => indexes::build(app, id),
        TableId::Maintenance | TableId::Progress | TableId::Wraparound | TableId::TaskHistory => {
            maintenance::build(app, id)
        }
        TableId::PoolApplications
        | TableId::PoolUsers
        | TableId::PoolClients
        | TableId::PgBouncerPools => pool::build(app, id),
        TableId::Journal => journal::build(app),
    }
}

fn cell(text: impl Into<String>) -> Cell {
    Cell {
        text: text.into(),
        severity: Severity::Normal,
    }
}

fn text(value: Option<&str>) -> (Cell, SortKey) {
    match value {
        Some(v) => (cell(v), SortKey::Text(v.to_string())),
        None => (
            Cell {
                text: "-".into(),
                severity: Severity::Muted,
            },
            SortKey::Missing,
        ),
    }
}

fn number(
    value: Option<f64>,
    shown: impl FnOnce(f64) -> String,
    severity: Severity,
) -> (Cell, SortKey) {
    match value {
        Some(v) if v.is_finite() => (
            Cell {
                text: shown(v),
                severity,
            },
            SortKey::Number(v),
        ),
        _ => (
            Cell {
                text: "-".into(),
                severity: Severity::Muted,
            },
            SortKey::Missing,
        ),
    }
}

fn age(value: Option<Duration>, severity: Severity) -> (Cell, SortKey) {
    number(
        value.map(|d| d.as_secs_f64()),
        |s| format::age(Duration::from_secs_f64(s)),
        severity,
    )
}
