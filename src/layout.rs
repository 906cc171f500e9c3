//! Where things go on the screen. Pure functions of the terminal size, shared by the
//! renderer and by mouse handling (a click must hit what was drawn).
//!
//! ```text
//! ┌ 1 Dashboard │ 2 Activity │ 3 Queries ...            tabs      (1 line)
//! │ postgres@host:5432/db  PG 15.18 primary  up 3d ...  header    (1 line)
//! │ body: the current screen                                      (rest)
//! └ keys for this screen · last error · poll 12ms       status    (1 line)
//! ```

use ratatui::layout::{Constraint, Layout, Rect};

use crate::app::TableId;
use crate::keymap::Screen;

/// The fixed regions of every screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub tabs: Rect,
    pub header: Rect,
    pub body: Rect,
    pub status: Rect,
}

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

/// The tables of a screen, in focus order (`f` moves between them).
pub fn tables_of(screen: Screen) -> &'static [TableId] {
    match screen {
        Screen::Dashboard => &[],
        Screen::Activity => &[TableId::Activity],
        Screen::Queries => &[TableId::Statements, TableId::Latency],
        Screen::Cache => &[TableId::CacheTables],
        Screen::Pool => &[
            TableId::PoolApplications,
            TableId::PoolUsers,
            TableId::PoolClients,
            TableId::PgBouncerPools,
        ],
        Screen::Indexes => &[TableId::Indexes, TableId::TableScans],
        Screen::Maintenance => &[
            TableId::Maintenance,
            TableId::Progress,
            TableId::Wraparound,
            TableId::TaskHistory,
            TableId::Journal,
        ],
    }
}

/// Where each table of a screen is drawn (for paging and mouse clicks); the renderers
/// use the same rectangles.
pub fn table_areas(screen: Screen, body: Rect, focused: Option<TableId>) -> Vec<(TableId, Rect)> {
    match screen {
        Screen::Activity => vec![(TableId::Activity, body)],
        Screen::Queries => {
            let (statements, latency) = queries_split(body);
            vec![
                (TableId::Statements, statements),
                (TableId::Latency, latency),
            ]
        }
        Screen::Cache => crate::ui::cache::table_areas(body),
        Screen::Pool => crate::ui::pool::table_areas_for(body, focused),
        Screen::Indexes => crate::ui::indexes::table_areas(body),
        Screen::Maintenance => crate::ui::maintenance::table_areas(body, focused),
        Screen::Dashboard => vec![],
    }
}

/// How many data rows fit in a bordered table with a header line.
pub fn table_rows(table: Rect) -> usize {
    usize::from(table.height.saturating_sub(3))
}

/// Screen labels as drawn in the tab bar, with their x ranges, for mouse clicks.
pub fn tab_spans(tabs: Rect) -> Vec<(Screen, String, u16, u16)> {
    let full: u16 = Screen::ALL
        .iter()
        .map(|s| tab_label(*s, false).chars().count() as u16 + 1)
        .sum();
    let short = full > tabs.width;
    let mut x = tabs.x;
    let mut spans = Vec::new();
    for screen in Screen::ALL {
        let label = tab_label(screen, short);
        let width = label.chars().count() as u16;
        spans.push((screen, label, x, x + width));
        x += width + 1;
    }
    spans
}

/// ` 1 Dashboard `, or ` 1 Dash ` when the terminal is narrow.
pub fn tab_label(screen: Screen, short: bool) -> String {
    let title = screen.title();
    if short {
        let cut: String = title.chars().take(5).collect();
        format!(" {} {cut} ", screen.number())
    } else {
        format!(" {} {title} ", screen.number())
    }
}
