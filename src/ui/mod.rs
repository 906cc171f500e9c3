//! Drawing. `render` reads `&App` and never mutates it or does IO; each screen and
//! region has its own file.

mod activity;
pub(crate) mod cache;
mod dashboard;
mod detail;
mod dialog;
mod header;
mod help;
pub(crate) mod indexes;
pub(crate) mod maintenance;
pub(crate) mod pool;
mod queries;
mod recent_events;
mod status;
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
mod tests_maintenance;
#[cfg(test)]
mod tests_pool;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::{App, Mode};
use crate::keymap::Screen;
use crate::layout;
use crate::theme::Role;

/// Draws the whole screen.
pub fn render(app: &App, frame: &mut Frame) {
    let areas = layout::areas(frame.area());
    render_tabs(app, frame, areas.tabs);
    header::render(app, frame, areas.header);
    match app.screen {
        Screen::Dashboard => dashboard::render(app, frame, areas.body),
        Screen::Activity => activity::render(app, frame, areas.body),
        Screen::Queries => queries::render(app, frame, areas.body),
        Screen::Cache => cache::render(app, frame, areas.body),
        Screen::Pool => pool::render(app, frame, areas.body),
        Screen::Indexes => indexes::render(app, frame, areas.body),
        Screen::Maintenance => maintenance::render(app, frame, areas.body),
    }
    status::render(app, frame, areas.status);
    match app.mode {
        Mode::Help => help::render(app, frame, areas.body),
        Mode::Detail => detail::render(app, frame, areas.body),
        Mode::Dialog(ref dialog) => dialog::render(app, dialog, frame, areas.body),
        Mode::Output {
            ref title,
            ref lines,
        } => dialog::render_output(app, title, lines, frame, areas.body),
        Mode::Normal | Mode::Filter { .. } => {}
    }
}

fn render_tabs(app: &App, frame: &mut Frame, area: Rect) {
    let mut spans = Vec::new();
    for (screen, label, _, _) in layout::tab_spans(area) {
        let role = if screen == app.screen {
            Role::TabActive
        } else {
            Role::TabInactive
        };
        spans.push(Span::styled(label, app.theme.style(role)));
        spans.push(Span::raw(" "));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// A rectangle of `width` x `height` centred in `area` (clamped to it), for overlays.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    )
}
