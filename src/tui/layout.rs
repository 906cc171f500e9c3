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

use crate::tui::app::TableId;
use crate::tui::screen::Screen;

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
        Screen::Cache => crate::tui::ui::cache::table_areas(body),
        Screen::Pool => crate::tui::ui::pool::table_areas_for(body, focused),
        Screen::Indexes => crate::tui::ui::indexes::table_areas(body),
        Screen::Maintenance => crate::tui::ui::maintenance::table_areas(body, focused),
        Screen::Dashboard => vec![],
    }
}

/// How many data rows fit in a bordered table with a header line.
pub fn table_rows(table: Rect) -> usize {
    usize::from(table.height.saturating_sub(3))
}

/// Screen labels as drawn in the tab bar, with their x ranges, for mouse clicks. The
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
    /// ` 1 Dashboard `: fits from 79 columns.
    Full,
    /// ` 1 Dash `: whole words or the usual abbreviations.
    Short,
    /// ` 1 `.
    Numbers,
}

/// The short names, for terminals narrower than 79 columns (59 columns fit them all).
pub fn short_title(screen: Screen) -> &'static str {
    match screen {
        Screen::Dashboard => "Dash",
        Screen::Activity => "Act",
        Screen::Queries => "Query",
        Screen::Cache => "Cache",
        Screen::Pool => "Pool",
        Screen::Indexes => "Index",
        Screen::Maintenance => "Maint",
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
