//! Rows for the Pool screen's tables: client backends grouped by application name, user
//! and client address (from [`App::pool_usage`], derived from the sessions every poll),
//! and PgBouncer's `SHOW POOLS` joined with `SHOW STATS` by database.

use std::time::Duration;

use super::super::table::{Cell, Column, Row, RowId, Severity, SortKey};
use super::super::{App, TableId};
use super::cells::{cell, number};
use crate::analysis::pool::UsageRow;
use crate::monitor::snapshot::pgbouncer::{BouncerPool, BouncerStats, PgBouncer};
use crate::text::format;

/// The breakdown tables start sorted by their TOTAL column: the biggest users of
/// connection slots first.
pub const USAGE_DEFAULT_SORT: usize = 1;

/// PgBouncer pools start sorted by CL WAIT: pools where clients queue come first.
pub const PGBOUNCER_DEFAULT_SORT: usize = 3;

/// A `maxwait` this long means clients wait noticeably for a server connection: with a
/// healthy pool a client gets one at once, so a full second of queueing is an outage
/// for a web request, not noise.
pub const MAXWAIT_CRIT: Duration = Duration::from_secs(1);

/// The column a Pool screen table is sorted by until the user chooses (largest first),
/// for `views::default_sort`.
pub fn default_sort(id: TableId) -> usize {
    match id {
        TableId::PgBouncerPools => PGBOUNCER_DEFAULT_SORT,
        _ => USAGE_DEFAULT_SORT,
    }
}

/// Columns and rows of one of this screen's tables; `true` keeps the rows' order.
pub fn build(app: &App, id: TableId) -> (Vec<Column>, Vec<Row>, bool) {
    let usage = app.model.pool_usage();
    match id {
        // Application names run long (`learning-assistant-production`): that column
        // keeps more room, dropping the WAITING and ACTIVE counts first.
        TableId::PoolApplications => usage_table(
            Column::text("APPLICATION", 28, 0),
            usage.map(|u| (u.by_application.as_slice(), u.used)),
            "(not set)",
        ),
        TableId::PoolUsers => usage_table(
            Column::text("USER", 16, 0),
            usage.map(|u| (u.by_user.as_slice(), u.used)),
            "(unknown)",
        ),
        TableId::PoolClients => usage_table(
            Column::text("CLIENT", 16, 0),
            usage.map(|u| (u.by_client.as_slice(), u.used)),
            "(unknown)",
        ),
        TableId::PgBouncerPools => {
            let bouncer = app
                .model
                .snapshot()
                .and_then(|s| s.pgbouncer.as_ref())
                .and_then(|section| section.as_ref().ok());
            (
                bouncer_columns(),
                bouncer.map_or_else(Vec::new, bouncer_rows),
                false,
            )
        }
        _ => (vec![], vec![], false),
    }
}

/// A breakdown of client backends under the `name` column: `rows` with the number of
/// all client backends, for the share column. `unnamed` stands in for an empty name.
fn usage_table(
    name: Column,
    rows: Option<(&[UsageRow], usize)>,
    unnamed: &str,
) -> (Vec<Column>, Vec<Row>, bool) {
    let columns = vec![
        name,
        Column::number("TOTAL", 6, 0),
        Column::number("ACTIVE", 7, 2),
        Column::number("IDLE TXN", 9, 1),
        Column::number("WAITING", 8, 3),
        Column::number("SHARE", 6, 1),
    ];
    let Some((rows, used)) = rows else {
        return (columns, vec![], false);
    };
    let rows = rows
        .iter()
        .map(|row| usage_row(row, used, unnamed))
        .collect();
    (columns, rows, false)
}

fn usage_row(row: &UsageRow, used: usize, unnamed: &str) -> Row {
    let name = if row.name.is_empty() {
        Cell {
            text: unnamed.to_string(),
            severity: Severity::Muted,
        }
    } else {
        cell(row.name.clone())
    };
    // Sessions holding a transaction open or stuck on a lock are the ones to look at.
    let flag = |n: usize| {
        if n > 0 {
            Severity::Warn
        } else {
            Severity::Normal
        }
    };
    let count = |n: usize, severity| number(Some(n as f64), format::quantity, severity);
    // Hidden sessions may be in any state: a state count is then "at least", never a
    // plain 0 that reads as "none" (`0+?`, `3+?`).
    let state = |n: usize, severity| {
        let (cell, key) = count(n, severity);
        if row.hidden == 0 {
            return (cell, key);
        }
        let text = format!("{}+?", cell.text);
        (Cell { text, ..cell }, key)
    };
    let share = (used > 0).then(|| row.total as f64 / used as f64);
    Row::new(
        RowId::Name(row.name.clone()),
        vec![
            (name, SortKey::Text(row.name.clone())),
            count(row.total, Severity::Normal),
            state(row.active, Severity::Normal),
            state(row.idle_in_transaction, flag(row.idle_in_transaction)),
            state(row.waiting, flag(row.waiting)),
            number(share, |r| format::percent(Some(r)), Severity::Normal),
        ],
    )
}

/// Numeric columns are one wider than their title, for the sort marker.
fn bouncer_columns() -> Vec<Column> {
    vec![
        Column::text("DATABASE", 10, 0),
        Column::text("USER", 10, 1),
        Column::number("CL ACT", 7, 0),
        Column::number("CL WAIT", 8, 0),
        Column::number("SV ACT", 7, 0),
        Column::number("SV IDLE", 8, 2),
        Column::number("SV USED", 8, 3),
        Column::number("MAXWAIT s", 10, 0),
        Column::number("AVG Q ms", 9, 1),
        // Last: the last text column takes the spare width, which next to the names
        // would push the counts away from them.
        Column::text("MODE", 11, 4),
    ]
}

fn bouncer_rows(bouncer: &PgBouncer) -> Vec<Row> {
    bouncer
        .pools
        .iter()
        .map(|pool| {
            let stats = bouncer.stats.iter().find(|s| s.database == pool.database);
            bouncer_row(pool, stats)
        })
        .collect()
}

fn bouncer_row(pool: &BouncerPool, stats: Option<&BouncerStats>) -> Row {
    let count = |n: i64, severity| number(Some(n as f64), format::quantity, severity);
    // Waiting clients sent a query and have no server to run it on: they are queueing.
    let waiting = if pool.cl_waiting > 0 {
        Severity::Crit
    } else {
        Severity::Normal
    };
    let maxwait = match pool.maxwait {
        w if w >= MAXWAIT_CRIT => Severity::Crit,
        w if !w.is_zero() => Severity::Warn,
        _ => Severity::Normal,
    };
    Row::new(
        RowId::Name(format!("{}/{}", pool.database, pool.user)),
        vec![
            (
                cell(pool.database.clone()),
                SortKey::Text(pool.database.clone()),
            ),
            (cell(pool.user.clone()), SortKey::Text(pool.user.clone())),
            count(pool.cl_active, Severity::Normal),
            count(pool.cl_waiting, waiting),
            count(pool.sv_active, Severity::Normal),
            count(pool.sv_idle, Severity::Normal),
            count(pool.sv_used, Severity::Normal),
            number(
                Some(pool.maxwait.as_secs_f64()),
                |s| format!("{s:.1}"),
                maxwait,
            ),
            number(
                stats.map(|s| s.avg_query_time.as_secs_f64() * 1000.0),
                format::millis,
                Severity::Normal,
            ),
            (
                cell(pool.pool_mode.clone()),
                SortKey::Text(pool.pool_mode.clone()),
            ),
        ],
    )
}
