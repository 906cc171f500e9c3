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
#[cfg(test)]
mod layout_check;
pub(crate) mod maintenance;
mod messages;
mod overlay;
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
mod tests_layout;
#[cfg(test)]
mod tests_maintenance;
#[cfg(test)]
mod tests_pool;
#[cfg(test)]
mod tests_text;
pub(crate) mod text;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::app::{App, Mode};
use crate::tui::layout;
use crate::tui::screen::Screen;
use crate::tui::theme::Role;

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
        Mode::Messages => messages::render(app, frame, areas.body),
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
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// How far the open overlay (help, detail view, message log) can scroll, and its page
/// height, for the terminal size the app knows: the keys scroll within what is drawn.
pub fn overlay_scroll_limit(app: &App) -> (u16, u16) {
    let areas = layout::areas(Rect::new(0, 0, app.size.0, app.size.1));
    match app.mode {
        Mode::Help => help::scroll_limit(app, areas.body),
        Mode::Detail => detail::scroll_limit(app, areas.body),
        Mode::Messages => messages::scroll_limit(app, areas.body),
        _ => (0, 0),
    }
}
