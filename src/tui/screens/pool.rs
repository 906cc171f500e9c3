//! The Pool screen: who holds the server's connection slots, how full the configured
//! application pools are, and what PgBouncer says about its own pools.
//!
//! Narrow terminals put the pool gauges under the server's in one panel and stack the
//! tables; when they do not all fit, the focused one is expanded and the others shrink
//! to a one-line summary (`f` moves the focus, and with it the expanded table).

use std::time::Duration;

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::empty::Empty;
use super::plot::Panel;
use super::pool_summary::{self, CONFIG_PATH};
use super::rows::{RowWriter, TableRows, cell};
use super::state::TableId;
use super::table::{Cell, Column, RowId, Severity, SortKey, TableView};
use crate::analysis::pool::UsageRow;
use crate::monitor::snapshot::pgbouncer::{BouncerPool, BouncerStats, PgBouncer};
use crate::text::format;
use crate::tui::app::App;
use crate::tui::keymap::Action;
use crate::tui::layout;
use crate::tui::theme::Role;

/// A `maxwait` this long means clients wait noticeably for a server connection: with a
/// healthy pool a client gets one at once, so a full second of queueing is an outage
/// for a web request, not noise.
pub const MAXWAIT_CRIT: Duration = Duration::from_secs(1);

/// The Pool screen as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolView {
    /// Server connections; on narrow terminals the pool gauges too.
    pub summary: Panel,
    /// The pool gauges beside the server's on wide terminals.
    pub pools: Option<Panel>,
    /// The four tables, in focus order.
    pub tables: Vec<PoolTable>,
}

/// One of the Pool screen's tables: whole, or shrunk to its title line.
#[derive(Debug, Clone, PartialEq)]
pub enum PoolTable {
    Whole {
        table: TableView,
        /// ` lists: pools 3 · used_clients 12 … ` for the bottom border (PgBouncer).
        lists: Option<String>,
    },
    /// Too little room for rows: its title and a summary on a rule line, and the key
    /// that expands it.
    Collapsed {
        id: TableId,
        area: Rect,
        title: Line<'static>,
        hint: Option<String>,
    },
}

/// The view of the Pool screen in `body`.
pub fn view(app: &App, body: Rect) -> PoolView {
    let regions = layout::pool_regions(body, app.focused_table_id());
    let (summary, pools) = match regions.pools {
        Some(pools) => (
            pool_summary::server(app, regions.summary),
            Some(pool_summary::pools(app, pools, regions.pool_lines)),
        ),
        None => (
            pool_summary::merged(app, regions.summary, regions.pool_lines),
            None,
        ),
    };
    let tables = regions
        .tables
        .into_iter()
        .map(|(id, rect)| {
            let rows = rows_of(app, id);
            // A table needs border, header and a row; with less it is a summary line.
            if rect.height < 4 {
                return collapsed(app, id, rect, rows.as_ref());
            }
            let table = super::tables::view(
                app,
                id,
                rect,
                rows.as_ref(),
                super::tables::focused(app, id),
            )
            .titled(table_title(id), empty_message(app, id));
            let lists = (id == TableId::PgBouncerPools)
                .then(|| bouncer(app))
                .flatten()
                .filter(|b| !b.lists.is_empty() && rect.height >= 3 && rect.width >= 6)
                .map(|b| {
                    let room = usize::from(rect.width - 4);
                    format!(" lists: {} ", lists_summary(b, room.saturating_sub(9)))
                });
            PoolTable::Whole { table, lists }
        })
        .collect();
    PoolView {
        summary,
        pools,
        tables,
    }
}

/// The rows of one of the Pool screen's tables.
fn rows_of<'a>(app: &'a App, id: TableId) -> Box<dyn TableRows + 'a> {
    match id {
        TableId::PoolDatabases => Box::new(super::pool_databases::DatabaseRows::new(app)),
        _ => Box::new(PoolRows::new(app, id)),
    }
}

/// The lists that say how full PgBouncer is first, then the others it reports; empty
/// lists outside the first group (peers, DNS) are left out. Whole items only, as many
/// as fit in `width`.
fn lists_summary(bouncer: &PgBouncer, width: usize) -> String {
    const FIRST: [&str; 8] = [
        "pools",
        "used_clients",
        "free_clients",
        "login_clients",
        "used_servers",
        "free_servers",
        "databases",
        "users",
    ];
    let first = FIRST
        .iter()
        .filter_map(|name| bouncer.lists.iter().find(|l| l.name == *name));
    let rest = bouncer
        .lists
        .iter()
        .filter(|l| !FIRST.contains(&l.name.as_str()) && l.items != 0);
    let mut text = String::new();
    for list in first.chain(rest) {
        let item = format!(
            "{} {}",
            list.name,
            crate::text::format::thousands(list.items)
        );
        let separator = if text.is_empty() { "" } else { " · " };
        if text.chars().count() + separator.len() + item.chars().count() > width {
            break;
        }
        text.push_str(separator);
        text.push_str(&item);
    }
    text
}

/// A table without room for rows: its title and a summary on one rule line.
fn collapsed(app: &App, id: TableId, area: Rect, rows: &dyn TableRows) -> PoolTable {
    let theme = app.theme();
    let mut state = app.screens().table(id).clone();
    let order = match app.screens().order(id) {
        Some(order) => order.clone(),
        None => super::table::TableOrder::of(rows, &mut state),
    };
    let mut spans = vec![Span::styled(
        format!(" {} ({}) ", table_title(id), order.len()),
        theme.style(Role::Title),
    )];
    spans.extend(collapsed_summary(app, id, rows, &order, &state));
    let hint = app
        .keymap()
        .first_key(Action::FocusNext)
        .map(|key| format!(" {key} expands "));
    // The summary gives way to the hint (never drawn under it) and shows it is cut.
    let room = usize::from(area.width)
        .saturating_sub(hint.as_deref().map_or(0, crate::tui::fit::width) + 1);
    PoolTable::Collapsed {
        id,
        area,
        title: crate::tui::fit::fit_line(Line::from(spans), room),
        hint,
    }
}

/// What a collapsed table would show first: the biggest rows, or why it is empty.
fn collapsed_summary(
    app: &App,
    id: TableId,
    rows: &dyn TableRows,
    order: &super::table::TableOrder,
    state: &super::table::TableState,
) -> Vec<Span<'static>> {
    let theme = app.theme();
    if id == TableId::PgBouncerPools
        && let Some(bouncer) = bouncer(app)
        && !order.is_empty()
    {
        let waiting: i64 = bouncer.pools.iter().map(|p| p.cl_waiting).sum();
        let role = if waiting > 0 { Role::Crit } else { Role::Muted };
        return vec![Span::styled(
            format!(" {waiting} clients waiting "),
            theme.style(role),
        )];
    }
    if order.is_empty() {
        let message = empty_message(app, id);
        let first = message.lines().next().unwrap_or_default().to_string();
        let role = if bouncer_failed(app) && id == TableId::PgBouncerPools {
            Role::Crit
        } else {
            Role::Muted
        };
        return vec![Span::styled(format!(" {first} "), theme.style(role))];
    }
    let items: Vec<String> = order
        .window(rows, state, 0, 8)
        .iter()
        .map(|row| {
            let cell = |i: usize| row.cells.get(i).map_or("", |c| c.text.as_str());
            if id == TableId::PoolDatabases {
                // Name, the connected mark, connections: `app● 9 · postgres 2`.
                format!("{}{} {}", cell(1), cell(0), cell(2))
            } else {
                format!("{} {}", cell(0), cell(1))
            }
        })
        .collect();
    vec![Span::styled(
        format!(" {} ", items.join(" · ")),
        theme.style(Role::Text),
    )]
}

fn table_title(id: TableId) -> String {
    match id {
        TableId::PoolApplications => "By application".into(),
        TableId::PoolUsers => "By user".into(),
        TableId::PoolClients => "By client address".into(),
        TableId::PgBouncerPools => "PgBouncer pools".into(),
        TableId::PoolDatabases => "By database".into(),
        _ => String::new(),
    }
}

/// PgBouncer's answer, when it is configured and was read.
fn bouncer(app: &App) -> Option<&PgBouncer> {
    app.model().snapshot()?.pgbouncer.as_ref()?.as_ref().ok()
}

fn bouncer_failed(app: &App) -> bool {
    app.model()
        .snapshot()
        .and_then(|s| s.pgbouncer.as_ref())
        .is_some_and(|section| section.is_err())
}

/// Why a table is empty, and how to fix it when that is possible.
fn empty_message(app: &App, id: TableId) -> String {
    let filtered = !app.screens().table(id).filter.is_empty();
    let keymap = app.keymap();
    if id == TableId::PoolDatabases {
        return super::pool_databases::empty(app);
    }
    if id == TableId::PgBouncerPools {
        return match app.model().snapshot().map(|s| &s.pgbouncer) {
            None => Empty::FirstPoll.message(keymap),
            Some(None) => format!(
                "No PgBouncer configured. To see its pools, add to {CONFIG_PATH}:\n\
                 [pgbouncer]\n\
                 conninfo = \"host=127.0.0.1 port=6432 dbname=pgbouncer user=pgbouncer\"\n\
                 (that user must be in PgBouncer's admin_users or stats_users)"
            ),
            Some(Some(Err(error))) => Empty::CouldNotRead {
                source: "PgBouncer",
                error,
            }
            .message(keymap),
            Some(Some(Ok(_))) if filtered => super::empty::no_match("pool", keymap),
            Some(Some(Ok(_))) => "PgBouncer reports no pools (SHOW POOLS is empty)".into(),
        };
    }
    match pool_summary::no_usage_reason(app) {
        (reason, _) if app.model().pool_usage().is_none() => reason,
        _ if filtered => super::empty::no_match("row", keymap),
        _ => "no client connections (pgpulse's own session is not counted)".into(),
    }
}

/// The rows of one of the Pool screen's tables: client backends grouped by application
/// name, user or client address (from the model's pool usage), or PgBouncer's
/// `SHOW POOLS` joined with `SHOW STATS` by database.
pub enum PoolRows<'a> {
    Usage {
        name: Column,
        rows: &'a [UsageRow],
        /// Every client backend, for the share column.
        used: usize,
        /// Stands in for an empty name.
        unnamed: &'static str,
    },
    Bouncer(Option<&'a PgBouncer>),
}

impl<'a> PoolRows<'a> {
    /// The rows of table `id`.
    pub fn new(app: &'a App, id: TableId) -> Self {
        let usage = app.model().pool_usage();
        let usage_of =
            |name, rows: fn(&crate::analysis::pool::PoolUsage) -> &[UsageRow], unnamed| {
                PoolRows::Usage {
                    name,
                    rows: usage.map_or(&[][..], rows),
                    used: usage.map_or(0, |u| u.used),
                    unnamed,
                }
            };
        match id {
            // Application names run long (`learning-assistant-production`): that column
            // keeps more room, dropping the WAITING and ACTIVE counts first.
            TableId::PoolApplications => usage_of(
                Column::text("APPLICATION", 28, 0),
                |u| &u.by_application,
                "(not set)",
            ),
            TableId::PoolUsers => {
                usage_of(Column::text("USER", 16, 0), |u| &u.by_user, "(unknown)")
            }
            TableId::PoolClients => {
                usage_of(Column::text("CLIENT", 16, 0), |u| &u.by_client, "(unknown)")
            }
            _ => PoolRows::Bouncer(bouncer(app)),
        }
    }
}

impl TableRows for PoolRows<'_> {
    fn columns(&self) -> Vec<Column> {
        match self {
            PoolRows::Usage { name, .. } => vec![
                name.clone(),
                Column::number("TOTAL", 6, 0),
                Column::number("ACTIVE", 7, 2),
                Column::number("IDLE TXN", 9, 1),
                Column::number("WAITING", 8, 3),
                Column::number("SHARE", 6, 1),
            ],
            PoolRows::Bouncer(_) => bouncer_columns(),
        }
    }

    fn len(&self) -> usize {
        match self {
            PoolRows::Usage { rows, .. } => rows.len(),
            PoolRows::Bouncer(bouncer) => bouncer.map_or(0, |b| b.pools.len()),
        }
    }

    fn id(&self, index: usize) -> RowId {
        match self {
            PoolRows::Usage { rows, .. } => RowId::Name(rows[index].name.clone()),
            PoolRows::Bouncer(bouncer) => bouncer
                .and_then(|b| b.pools.get(index))
                .map_or(RowId::Name(String::new()), |pool| {
                    RowId::Name(format!("{}/{}", pool.database, pool.user))
                }),
        }
    }

    fn write(&self, index: usize, row: &mut RowWriter) {
        match self {
            PoolRows::Usage {
                rows,
                used,
                unnamed,
                ..
            } => usage_row(row, &rows[index], *used, unnamed),
            PoolRows::Bouncer(Some(bouncer)) => {
                if let Some(pool) = bouncer.pools.get(index) {
                    let stats = bouncer.stats.iter().find(|s| s.database == pool.database);
                    bouncer_row(row, pool, stats);
                }
            }
            PoolRows::Bouncer(None) => {}
        }
    }
}

fn usage_row(out: &mut RowWriter, row: &UsageRow, used: usize, unnamed: &str) {
    let name = if row.name.is_empty() {
        Cell {
            text: unnamed.to_string(),
            severity: Severity::Muted,
        }
    } else {
        cell(row.name.clone())
    };
    out.push(|| SortKey::Text(row.name.clone()), || name);
    // Sessions holding a transaction open or stuck on a lock are the ones to look at.
    let flag = |n: usize| {
        if n > 0 {
            Severity::Warn
        } else {
            Severity::Normal
        }
    };
    out.number(Some(row.total as f64), format::quantity, Severity::Normal);
    // Hidden sessions may be in any state: a state count is then "at least", never a
    // plain 0 that reads as "none" (`0+?`, `3+?`).
    let at_least = if row.hidden == 0 { "" } else { "+?" };
    let mut state = |n: usize, severity| {
        out.number(
            Some(n as f64),
            |v| format!("{}{at_least}", format::quantity(v)),
            severity,
        );
    };
    state(row.active, Severity::Normal);
    state(row.idle_in_transaction, flag(row.idle_in_transaction));
    state(row.waiting, flag(row.waiting));
    let share = (used > 0).then(|| row.total as f64 / used as f64);
    out.ratio(share, Severity::Normal);
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

fn bouncer_row(row: &mut RowWriter, pool: &BouncerPool, stats: Option<&BouncerStats>) {
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
    row.text(Some(&pool.database));
    row.text(Some(&pool.user));
    let mut count = |n: i64, severity| row.number(Some(n as f64), format::quantity, severity);
    count(pool.cl_active, Severity::Normal);
    count(pool.cl_waiting, waiting);
    count(pool.sv_active, Severity::Normal);
    count(pool.sv_idle, Severity::Normal);
    count(pool.sv_used, Severity::Normal);
    row.number(
        Some(pool.maxwait.as_secs_f64()),
        |s| format!("{s:.1}"),
        maxwait,
    );
    row.number(
        stats.map(|s| s.avg_query_time.as_secs_f64() * 1000.0),
        format::millis,
        Severity::Normal,
    );
    row.text(Some(&pool.pool_mode));
}
