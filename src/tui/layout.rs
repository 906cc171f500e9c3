//! Where things go on the screen: pure functions of the terminal size (and of which table
//! has the focus), used by the view models (`screens/`) to place what they hold. Input
//! never calls them: it reads what the frame drew (`screens::drawn`), so a click hits
//! what was drawn. Each screen's sketch is in its renderer (`ui/`).
//!
//! ```text
//! ┌ 1 Dashboard │ 2 Activity │ 3 Queries ...            tabs      (1 line)
//! │ postgres@host:5432/db  PG 15.18 primary  up 3d ...  header    (1 line)
//! │ body: the current screen                                      (rest)
//! └ keys for this screen · last error · poll 12ms       status    (1 line)
//! ```

use ratatui::layout::{Constraint, Layout, Rect};

use crate::tui::screen::Screen;
use crate::tui::screens::state::{TableId, tables_of};

/// The fixed regions of every screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub tabs: Rect,
    pub header: Rect,
    pub body: Rect,
    pub status: Rect,
}

/// The tab bar, header, body and status line of a frame of `size`.
pub fn areas(size: Rect) -> Areas {
    let [tabs, header, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(size);
    Areas {
        tabs,
        header,
        body,
        status,
    }
}

/// The Queries screen: statements on top, `query_performance_log` latency below.
pub fn queries_split(body: Rect) -> (Rect, Rect) {
    let [statements, latency] =
        Layout::vertical([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(body);
    (statements, latency)
}

// The Cache screen.

/// The Cache screen's three bands: summary (tiles and chart), table, history.
pub struct CacheBands {
    pub summary: Rect,
    pub table: Rect,
    pub history: Rect,
}

/// Taller terminals give the charts more lines; the table keeps the rest.
pub fn cache_bands(body: Rect) -> CacheBands {
    let (summary, history) = if body.height >= 40 {
        (9, 14)
    } else if body.height >= 30 {
        (7, 10)
    } else {
        (5, 7)
    };
    let [summary, table, history] = Layout::vertical([
        Constraint::Length(summary),
        Constraint::Min(5),
        Constraint::Length(history),
    ])
    .areas(body);
    CacheBands {
        summary,
        table,
        history,
    }
}

// The Indexes screen.

/// The Indexes screen: a summary line, the indexes, the table scans.
pub fn indexes_bands(body: Rect) -> [Rect; 3] {
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(3),
        Constraint::Fill(2),
    ])
    .areas(body)
}

// The Maintenance screen.

/// Rows of the running-commands band: one command (or the empty message) on small
/// terminals, three from this body height up.
const TALL_BODY: u16 = 30;
/// The wraparound panel's name, XID age and freeze columns with their borders.
const WRAPAROUND_MIN_WIDTH: u16 = 36;

/// From this width the actions journal gets its own panel next to the task history;
/// narrower, the two share one slot and `f` switches between them.
pub const JOURNAL_SIDE_BY_SIDE: u16 = 140;

/// The panels: tables on top with most of the height, the xmin horizon's holders under
/// them (why the tables' dead tuples stay), running commands in a thin band, wraparound,
/// task history and the actions journal side by side at the bottom.
fn maintenance_split(body: Rect) -> [Rect; 5] {
    let progress = if body.height >= TALL_BODY { 6 } else { 4 };
    // Two holders at 80x24 (usually one matters), four on taller terminals, six from 40.
    let horizon = match body.height {
        h if h >= 40 => 9,
        h if h >= TALL_BODY => 7,
        _ => 5,
    };
    // Three tenths of the height for the bottom band: three rows each at 80x24, about
    // ten at 160x48, never more than sixteen (the tables keep the rest).
    let band = u16::try_from(u32::from(body.height) * 3 / 10)
        .unwrap_or(u16::MAX)
        .clamp(6, 16);
    let [tables, horizon, progress, band] = Layout::vertical([
        Constraint::Min(6),
        Constraint::Length(horizon),
        Constraint::Length(progress),
        Constraint::Length(band),
    ])
    .areas(body);
    // Wraparound needs 36 columns for its name and two ages; past that, task history's
    // extra columns (the failure detail above all) make better use of the width.
    let wraparound_width = u16::try_from(u32::from(band.width) * 2 / 5)
        .unwrap_or(u16::MAX)
        .max(WRAPAROUND_MIN_WIDTH);
    let [wraparound, tasks] =
        Layout::horizontal([Constraint::Length(wraparound_width), Constraint::Min(0)]).areas(band);
    [tables, horizon, progress, wraparound, tasks]
}

/// Where the Maintenance screen's tables are drawn.
pub fn maintenance_table_areas(body: Rect, focused: Option<TableId>) -> Vec<(TableId, Rect)> {
    let [tables, horizon, progress, wraparound, tasks] = maintenance_split(body);
    let mut areas = vec![
        (TableId::Maintenance, tables),
        (TableId::Horizon, horizon),
        (TableId::Progress, progress),
        (TableId::Wraparound, wraparound),
    ];
    if body.width >= JOURNAL_SIDE_BY_SIDE {
        let [history, journal] =
            Layout::horizontal([Constraint::Fill(1), Constraint::Fill(1)]).areas(tasks);
        areas.push((TableId::TaskHistory, history));
        areas.push((TableId::Journal, journal));
    } else if focused == Some(TableId::Journal) {
        areas.push((TableId::Journal, tasks));
    } else {
        areas.push((TableId::TaskHistory, tasks));
    }
    areas
}

// The Replication & WAL screen.

/// Where the Replication & WAL screen's parts go.
#[derive(Debug)]
pub struct ReplicationRegions {
    /// The standby's own lines (on a standby), WAL, archiver, checkpoints.
    pub summary: Rect,
    /// Standbys, slots, `pg_stat_io`, in focus order.
    pub tables: Vec<(TableId, Rect)>,
}

/// The summary as tall as its `lines`, then the three tables stacked: the standbys and
/// the slots as tall as their `rows` (up to a third of what is left each, four lines at
/// least: border, header, a row), `pg_stat_io` (the longest list) the rest; only a line
/// for its "not on this version" when the server has none.
pub fn replication_regions(
    body: Rect,
    lines: usize,
    rows: [usize; 2],
    io_available: bool,
) -> ReplicationRegions {
    let summary = u16::try_from(lines).unwrap_or(u16::MAX).saturating_add(2);
    let [summary, rest] =
        Layout::vertical([Constraint::Length(summary), Constraint::Fill(1)]).areas(body);
    let third = (rest.height / 3).max(4);
    let want = |rows: usize| {
        u16::try_from(rows)
            .unwrap_or(u16::MAX)
            .saturating_add(3)
            .clamp(4, third)
    };
    let standbys = want(rows[0]);
    let (slots, io) = if io_available {
        (Constraint::Length(want(rows[1])), Constraint::Fill(1))
    } else {
        (Constraint::Fill(1), Constraint::Length(4))
    };
    let [standbys, slots, io] =
        Layout::vertical([Constraint::Length(standbys), slots, io]).areas(rest);
    ReplicationRegions {
        summary,
        tables: vec![
            (TableId::Standbys, standbys),
            (TableId::ReplicationSlots, slots),
            (TableId::Io, io),
        ],
    }
}

// The Pool screen.

/// From this width the summary splits into two panels and the three breakdown tables
/// stand side by side (each then has 36 columns or more, enough for name and counts).
const POOL_WIDE: u16 = 120;

/// Where everything on the Pool screen goes. A function of the body's size and of which
/// table has the focus (the expanded one when they do not all fit).
#[derive(Debug)]
pub struct PoolRegions {
    /// Server connections; on narrow terminals the pool gauges too.
    pub summary: Rect,
    /// The pool gauges beside the server's on wide terminals.
    pub pools: Option<Rect>,
    /// How many lines the pool gauges (or the hint to configure them) may take.
    pub pool_lines: usize,
    /// The four tables, in focus order.
    pub tables: Vec<(TableId, Rect)>,
}

/// The Pool screen's regions for this body and focus.
pub fn pool_regions(body: Rect, focused: Option<TableId>) -> PoolRegions {
    let wide = body.width >= POOL_WIDE;
    // Taller terminals show more pools; the tables keep the rest.
    let (summary_lines, pool_lines) = if wide {
        let lines = if body.height >= 40 { 4 } else { 3 };
        (lines, lines)
    } else {
        let pools = if body.height >= 36 { 4 } else { 2 };
        (3 + pools, pools)
    };
    let [top, rest] = Layout::vertical([
        Constraint::Length(u16::try_from(summary_lines + 2).unwrap_or(u16::MAX)),
        Constraint::Fill(1),
    ])
    .areas(body);
    let (summary, pools) = if wide {
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(top);
        (left, Some(right))
    } else {
        (top, None)
    };
    PoolRegions {
        summary,
        pools,
        pool_lines,
        tables: pool_table_rects(rest, wide, focused),
    }
}

/// The tables: side by side over PgBouncer's on wide terminals, stacked otherwise, and
/// collapsed to one line each but the focused one when stacking leaves too little room.
fn pool_table_rects(area: Rect, wide: bool, focused: Option<TableId>) -> Vec<(TableId, Rect)> {
    let order = tables_of(Screen::Pool);
    if wide && area.height >= 20 {
        // PgBouncer usually has a handful of pools, a server a handful of databases; the
        // breakdowns get the larger part.
        let bouncer_height = (area.height / 4).max(6);
        let databases_height = (area.height / 4).max(6);
        let [usage, databases, bouncer] = Layout::vertical([
            Constraint::Fill(1),
            Constraint::Length(databases_height),
            Constraint::Length(bouncer_height),
        ])
        .areas(area);
        // Application names are the longest: their table gets the widest third.
        let [applications, users, clients] = Layout::horizontal([
            Constraint::Percentage(40),
            Constraint::Percentage(30),
            Constraint::Percentage(30),
        ])
        .areas(usage);
        return vec![
            (TableId::PoolApplications, applications),
            (TableId::PoolUsers, users),
            (TableId::PoolClients, clients),
            (TableId::PoolDatabases, databases),
            (TableId::PgBouncerPools, bouncer),
        ];
    }
    // Six lines each (border, header, three rows) is the least that reads as a table.
    if area.height >= 6 * u16::try_from(order.len()).unwrap_or(4) {
        let constraints = vec![Constraint::Ratio(1, order.len() as u32); order.len()];
        let rects = Layout::vertical(constraints).split(area);
        return order.iter().copied().zip(rects.iter().copied()).collect();
    }
    let expanded = focused
        .filter(|id| order.contains(id))
        .or_else(|| order.first().copied());
    let constraints: Vec<Constraint> = order
        .iter()
        .map(|id| {
            if Some(*id) == expanded {
                Constraint::Fill(1)
            } else {
                Constraint::Length(1)
            }
        })
        .collect();
    let rects = Layout::vertical(constraints).split(area);
    order.iter().copied().zip(rects.iter().copied()).collect()
}

/// Screen labels as drawn in the tab bar, with their x ranges. The
/// labels touch (their own padding separates them); when the full names do not fit,
/// short names are used, then only numbers: a name is never cut in the middle.
pub fn tab_spans(tabs: Rect) -> Vec<(Screen, String, u16, u16)> {
    let fits = |labels: &[String]| {
        labels.iter().map(|l| l.chars().count()).sum::<usize>() <= usize::from(tabs.width)
    };
    let styles = [TabStyle::Full, TabStyle::Short, TabStyle::Numbers];
    let mut chosen: Vec<String> = Vec::new();
    for style in styles {
        chosen = Screen::ALL.iter().map(|s| tab_label(*s, style)).collect();
        if fits(&chosen) {
            break;
        }
    }
    let mut x = tabs.x;
    let mut spans = Vec::new();
    for (screen, label) in Screen::ALL.into_iter().zip(chosen) {
        let width = u16::try_from(label.chars().count()).unwrap_or(u16::MAX);
        spans.push((screen, label, x, x.saturating_add(width)));
        x = x.saturating_add(width);
    }
    spans
}

/// How much of each screen's name the tab bar has room for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TabStyle {
    /// ` 1 Dashboard `: fits from 109 columns.
    Full,
    /// ` 1 Dash `: whole words or the usual abbreviations.
    Short,
    /// ` 1 `.
    Numbers,
}

/// The short names, for terminals narrower than 109 columns (79 columns fit them all).
pub fn short_title(screen: Screen) -> &'static str {
    match screen {
        Screen::Dashboard => "Dash",
        Screen::Activity => "Act",
        Screen::Queries => "Query",
        Screen::Cache => "Cache",
        Screen::Pool => "Pool",
        Screen::Indexes => "Index",
        Screen::Maintenance => "Maint",
        Screen::Replication => "Repl/WAL",
        Screen::Waits => "Wait",
    }
}

/// ` 1 Dashboard `, ` 1 Dash ` or ` 1 `.
pub fn tab_label(screen: Screen, style: TabStyle) -> String {
    match style {
        TabStyle::Full => format!(" {} {} ", screen.number(), screen.title()),
        TabStyle::Short => format!(" {} {} ", screen.number(), short_title(screen)),
        TabStyle::Numbers => format!(" {} ", screen.number()),
    }
}
