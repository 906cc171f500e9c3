//! Rows for the Cache screen's table: buffer-cache hits and reads of every user table
//! the slow tier read from `pg_statio_user_tables`, with size and row estimates.

use super::super::table::{Cell, Column, Row, RowId, Severity, SortKey};
use super::super::{App, TableId};
use super::cells::{cell, number};
use crate::analysis::metrics::Level;
use crate::monitor::snapshot::cache::TableCache;
use crate::text::format;

/// The column sorted by until the user chooses: heap blocks read, largest first, so the
/// tables that actually go to disk (or the OS cache) come first.
pub const CACHE_TABLES_DEFAULT_SORT: usize = 4;

/// Block requests (hits + reads) below which a hit ratio is shown muted rather than
/// judged: a small table read twice, once from disk, has a 50 % ratio that says nothing
/// about the cache, and colouring it red would send the DBA after noise.
pub const MIN_BLOCKS_FOR_LEVEL: i64 = 100;

/// The column a table of this screen is sorted by until the user chooses (largest
/// first), for `views::default_sort`.
pub fn default_sort(id: TableId) -> usize {
    match id {
        TableId::CacheTables => CACHE_TABLES_DEFAULT_SORT,
        _ => 0,
    }
}

/// Columns and rows of one of this screen's tables; `true` keeps the rows' order.
pub fn build(app: &App, id: TableId) -> (Vec<Column>, Vec<Row>, bool) {
    match id {
        TableId::CacheTables => (columns(), rows(app), false),
        _ => (vec![], vec![], false),
    }
}

fn columns() -> Vec<Column> {
    vec![
        Column::text("TABLE", 16, 0),
        Column::number("HEAP HIT", 9, 0),
        Column::number("IDX HIT", 8, 1),
        Column::number("TOAST HIT", 10, 3),
        Column::number("HEAP READ", 10, 1),
        Column::number("HEAP SIZE", 10, 1),
        Column::number("IDX SIZE", 9, 2),
        Column::number("ROWS", 8, 2),
    ]
}

fn rows(app: &App) -> Vec<Row> {
    let Some(Ok(tables)) = app
        .model
        .snapshot()
        .and_then(|s| s.slow.as_ref())
        .map(|slow| &slow.table_cache)
    else {
        return vec![];
    };
    tables.iter().map(|t| table_row(app, t)).collect()
}

fn table_row(app: &App, t: &TableCache) -> Row {
    let name = format!("{}.{}", t.schema, t.table);
    let toast_blocks = t.toast_blks_hit.saturating_add(t.toast_blks_read);
    let toast_ratio = (toast_blocks > 0).then(|| t.toast_blks_hit as f64 / toast_blocks as f64);
    Row::new(
        RowId::Relation(t.relid),
        vec![
            (cell(name.clone()), SortKey::Text(name)),
            ratio(
                app,
                t.heap_hit_ratio(),
                t.heap_blks_hit.saturating_add(t.heap_blks_read),
            ),
            ratio(
                app,
                t.index_hit_ratio(),
                t.idx_blks_hit.saturating_add(t.idx_blks_read),
            ),
            ratio(app, toast_ratio, toast_blocks),
            number(
                Some(t.heap_blks_read as f64),
                format::quantity,
                Severity::Normal,
            ),
            bytes(t.heap_bytes),
            bytes(t.index_bytes),
            number(
                t.row_estimate.map(|r| r as f64),
                format::quantity,
                Severity::Normal,
            ),
        ],
    )
}

/// A hit ratio judged by the cache thresholds once enough blocks were requested.
fn ratio(app: &App, ratio: Option<f64>, blocks: i64) -> (Cell, SortKey) {
    let severity = match ratio {
        Some(r) if blocks >= MIN_BLOCKS_FOR_LEVEL => {
            level_severity(app.model.thresholds().cache_hit_level(r))
        }
        _ => Severity::Muted,
    };
    number(ratio, |r| format::percent(Some(r)), severity)
}

fn bytes(value: i64) -> (Cell, SortKey) {
    (cell(format::bytes(value)), SortKey::Number(value as f64))
}

/// A threshold level as a cell severity (within target is plain text).
fn level_severity(level: Level) -> Severity {
    match level {
        Level::Ok => Severity::Normal,
        Level::Warn => Severity::Warn,
        Level::Crit => Severity::Crit,
    }
}
