//! Drawing. Each renderer takes the view model of what it draws (never the app) and the
//! theme, draws it, and reports where it drew what ([`Drawn`]): the tab labels' ranges,
//! each table's rectangle and first row. Nothing here reads state, computes a number from
//! data or does IO; each screen and region has its own file.

mod activity;
mod cache;
mod chrome;
mod dashboard;
mod dialog;
mod help;
mod indexes;
#[cfg(test)]
mod layout_check;
mod maintenance;
mod overlay;
mod panel;
mod pool;
mod queries;
mod replication;
pub mod table;
#[cfg(test)]
mod test_render;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_actions;
#[cfg(test)]
mod tests_cache_indexes;
#[cfg(test)]
mod tests_governed;
#[cfg(test)]
mod tests_layout;
#[cfg(test)]
mod tests_maintenance;
#[cfg(test)]
mod tests_oncall;
#[cfg(test)]
mod tests_panels;
#[cfg(test)]
mod tests_pool;
#[cfg(test)]
mod tests_replication;
#[cfg(test)]
mod tests_text;
#[cfg(test)]
mod tests_waits;
mod wait_chart;
mod waits;

use ratatui::Frame;

use crate::tui::screens::drawn::{Drawn, OverlayScroll};
use crate::tui::screens::frame::{BodyView, FrameView, OverlayView};
use crate::tui::theme::Theme;

/// Draws the whole frame and says what it drew where.
pub fn render(frame: &mut Frame, view: &FrameView, theme: &Theme) -> Drawn {
    let areas = view.areas;
    let tabs = chrome::render_tabs(frame, areas.tabs, &view.tabs, theme);
    chrome::render_header(frame, areas.header, &view.header);
    let tables = match &view.body {
        BodyView::Dashboard(dashboard) => {
            dashboard::render(frame, dashboard, theme);
            vec![]
        }
        BodyView::Activity(activity) => activity::render(frame, activity, theme),
        BodyView::Queries(queries) => queries::render(frame, queries, theme),
        BodyView::Cache(cache) => cache::render(frame, cache, theme),
        BodyView::Pool(pool) => pool::render(frame, pool, theme),
        BodyView::Indexes(indexes) => indexes::render(frame, indexes, theme),
        BodyView::Maintenance(maintenance) => maintenance::render(frame, maintenance, theme),
        BodyView::Replication(replication) => replication::render(frame, replication, theme),
        BodyView::Waits(waits) => {
            waits::render(frame, waits, theme);
            vec![]
        }
    };
    chrome::render_status(frame, areas.status, &view.status, theme);
    let overlay = view.overlay.as_ref().map(|overlay| {
        overlay::cover(frame, areas.body);
        match overlay {
            OverlayView::Help(help) => help::render(frame, help, theme),
            OverlayView::Text(text) => overlay::render_text(frame, text, theme),
            OverlayView::Dialog(open) => {
                dialog::render(frame, open, theme);
                OverlayScroll::default()
            }
        }
    });
    Drawn {
        tabs_row: areas.tabs.y,
        tabs,
        tables,
        overlay,
    }
}
