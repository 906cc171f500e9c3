//! One frame's view model: the tab bar, the header, the screen on view, the status line
//! and the open overlay, each built from what the app holds, for this terminal size.
//! Only the screen on view is built, and of its tables only the rows that fit.

use ratatui::layout::Rect;

use super::activity::{self, ActivityView};
use super::cache::{self, CacheView};
use super::dashboard::{self, DashboardView};
use super::detail::{self, TextOverlay};
use super::dialog::{self, DialogView};
use super::header::{self, HeaderView};
use super::help::{self, HelpView};
use super::indexes::{self, IndexesView};
use super::maintenance_view::{self, MaintenanceView};
use super::message_log;
use super::pool::{self, PoolTable, PoolView};
use super::queries::{self, QueriesView};
use super::replication_view::{self, ReplicationView};
use super::status::{self, StatusView};
use super::table::TableView;
use super::waits::{self, WaitsView};
use crate::tui::app::{App, Mode};
use crate::tui::layout::{self, Areas};
use crate::tui::screen::Screen;

/// Everything one frame draws.
#[derive(Debug, Clone, PartialEq)]
pub struct FrameView {
    pub areas: Areas,
    pub tabs: TabsView,
    pub header: HeaderView,
    pub body: BodyView,
    pub status: StatusView,
    pub overlay: Option<OverlayView>,
}

/// The tab bar: each screen's label, where it goes, and which is on view.
#[derive(Debug, Clone, PartialEq)]
pub struct TabsView {
    /// Screen, label, from and to (exclusive) on the tab line.
    pub tabs: Vec<(Screen, String, u16, u16)>,
    pub active: Screen,
}

/// The screen on view.
// One per frame, built and drawn once: boxing the larger screens would only add
// allocations.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum BodyView {
    Dashboard(DashboardView),
    Activity(ActivityView),
    Queries(QueriesView),
    Cache(CacheView),
    Pool(PoolView),
    Indexes(IndexesView),
    Maintenance(MaintenanceView),
    Replication(ReplicationView),
    Waits(WaitsView),
}

/// What covers the screen.
#[derive(Debug, Clone, PartialEq)]
pub enum OverlayView {
    Help(HelpView),
    /// The detail view, the message log, an EXPLAIN plan.
    Text(TextOverlay),
    Dialog(DialogView),
}

/// The frame `app` shows in `area`.
pub fn view(app: &App, area: Rect) -> FrameView {
    let areas = layout::areas(area);
    let body = areas.body;
    FrameView {
        areas,
        tabs: TabsView {
            tabs: layout::tab_spans(areas.tabs),
            active: app.screen(),
        },
        header: header::view(app, areas.header.width),
        body: body_view(app, body),
        status: status::view(app, areas.status.width),
        overlay: match app.mode() {
            Mode::Help => Some(OverlayView::Help(help::view(app, body))),
            Mode::Detail => Some(OverlayView::Text(detail::view(app, body))),
            Mode::Messages => Some(OverlayView::Text(message_log::view(app, body))),
            Mode::Dialog(open) => Some(OverlayView::Dialog(dialog::view(app, open, body))),
            Mode::Output { title, lines } => {
                Some(OverlayView::Text(dialog::output(app, title, lines, body)))
            }
            Mode::Normal | Mode::Filter { .. } | Mode::JumpTo { .. } => None,
        },
    }
}

/// The screen on view, and nothing of the others.
pub fn body_view(app: &App, body: Rect) -> BodyView {
    match app.screen() {
        Screen::Dashboard => BodyView::Dashboard(dashboard::view(app, body)),
        // The lock view replaces the sessions while it is toggled on.
        Screen::Activity if app.screens().shows_locks() => {
            BodyView::Activity(super::locks::view(app, body))
        }
        Screen::Activity => BodyView::Activity(activity::view(app, body)),
        Screen::Queries => BodyView::Queries(queries::view(app, body)),
        Screen::Cache => BodyView::Cache(cache::view(app, body)),
        Screen::Pool => BodyView::Pool(pool::view(app, body)),
        Screen::Indexes => BodyView::Indexes(indexes::view(app, body)),
        Screen::Maintenance => BodyView::Maintenance(maintenance_view::view(app, body)),
        Screen::Replication => BodyView::Replication(replication_view::view(app, body)),
        Screen::Waits => BodyView::Waits(waits::view(app, body)),
    }
}

impl BodyView {
    /// The tables the screen draws whole, in focus order (collapsed Pool tables have no
    /// rows to show and are left out).
    pub fn tables(&self) -> Vec<&TableView> {
        match self {
            BodyView::Dashboard(_) | BodyView::Waits(_) => Vec::new(),
            BodyView::Activity(view) => vec![&view.table],
            BodyView::Queries(view) => vec![&view.statements, &view.latency],
            BodyView::Cache(view) => vec![&view.tables],
            BodyView::Pool(view) => view
                .tables
                .iter()
                .filter_map(|table| match table {
                    PoolTable::Whole { table, .. } => Some(table),
                    PoolTable::Collapsed { .. } => None,
                })
                .collect(),
            BodyView::Indexes(view) => vec![&view.indexes, &view.scans],
            BodyView::Maintenance(view) => view.tables.iter().collect(),
            BodyView::Replication(view) => view.tables.iter().collect(),
        }
    }
}
