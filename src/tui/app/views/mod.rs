//! Table rows for each list screen, built from the newest snapshot and derived metrics.
//! Every string here came through the sanitiser in the collectors.

mod activity;
pub mod cache;
mod cells;
pub mod indexes;
pub mod journal;
pub mod maintenance;
mod maintenance_panels;
pub mod pool;
mod queries;

pub use activity::{activity, collapse_spaces};
pub use queries::{latency, statements};

pub use super::state::ActivityMode;
use super::table::{Column, Row};
use super::{App, TableId};

/// `no session matches the filter (Esc clears it)`, naming the key that clears it.
pub fn no_match(what: &str, keymap: &crate::tui::keymap::Keymap) -> String {
    match keymap.hint(crate::tui::keymap::Action::Back, "clears it") {
        Some(hint) => format!("no {what} matches the filter ({hint})"),
        None => format!("no {what} matches the filter"),
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

impl App {
    /// Rebuilds the table models from the newest data and the user's table states.
    pub fn rebuild_tables(&mut self) {
        for id in TableId::ALL {
            let (columns, rows, keep_order) = build(self, id);
            self.tables.rebuild(id, columns, rows, keep_order);
        }
        self.scroll_tables_into_view();
    }
}
