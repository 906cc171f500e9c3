//! Every table's rows by identity: which source reads table `id` from the model.

use super::activity::ActivityRows;
use super::cache::CacheRows;
use super::indexes::{IndexRows, ScanRows};
use super::locks::LockRows;
use super::maintenance_view;
use super::pool::PoolRows;
use super::pool_databases::DatabaseRows;
use super::queries::{LatencyRows, StatementRows};
use super::replication_view;
use super::rows::TableRows;
use super::state::TableId;
use super::table::{Column, Row, RowId, TableOrder};
use crate::tui::app::App;

/// The rows of table `id`, read from what `app` holds.
pub fn rows_of<'a>(app: &'a App, id: TableId) -> Box<dyn TableRows + 'a> {
    match id {
        TableId::Activity => Box::new(ActivityRows::new(app)),
        TableId::Statements => Box::new(StatementRows::new(app)),
        TableId::Latency => Box::new(LatencyRows::new(app)),
        TableId::CacheTables => Box::new(CacheRows::new(app)),
        TableId::Indexes => Box::new(IndexRows::new(app)),
        TableId::TableScans => Box::new(ScanRows::new(app)),
        TableId::PoolApplications
        | TableId::PoolUsers
        | TableId::PoolClients
        | TableId::PgBouncerPools => Box::new(PoolRows::new(app, id)),
        TableId::Locks => Box::new(LockRows::new(app)),
        TableId::PoolDatabases => Box::new(DatabaseRows::new(app)),
        TableId::Maintenance
        | TableId::Horizon
        | TableId::Progress
        | TableId::Wraparound
        | TableId::TaskHistory
        | TableId::Journal => maintenance_view::rows_of(app, id),
        TableId::Standbys | TableId::ReplicationSlots | TableId::Io => {
            replication_view::rows_of(app, id)
        }
    }
}

/// Table `id`'s columns and every row in display order, with its cells: what a check
/// (or a script) reads; drawing uses the window alone.
pub fn table(app: &App, id: TableId) -> (Vec<Column>, Vec<Row>) {
    let source = rows_of(app, id);
    let mut state = app.screens().table(id).clone();
    let order = match app.screens().order(id) {
        Some(order) => order.clone(),
        None => TableOrder::of(source.as_ref(), &mut state),
    };
    let rows = order.window(source.as_ref(), &state, 0, order.len());
    (order.columns, rows)
}

/// The row `row` of table `id` with every cell, and the table's columns.
pub fn row(app: &App, id: TableId, row: &RowId) -> Option<(Vec<Column>, Row)> {
    let source = rows_of(app, id);
    let mut state = app.screens().table(id).clone();
    let order = match app.screens().order(id) {
        Some(order) => order.clone(),
        None => TableOrder::of(source.as_ref(), &mut state),
    };
    let row = order.row(source.as_ref(), row)?;
    Some((order.columns, row))
}
