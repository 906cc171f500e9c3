//! Draws the Waits screen: the wait-load chart over the window, then the top statements,
//! and the top waits, users and applications side by side.

use ratatui::Frame;

use super::panel::render_panel;
use super::wait_chart::render_stacked;
use crate::tui::screens::waits::WaitsView;
use crate::tui::theme::Theme;

/// Draws `view`.
pub fn render(frame: &mut Frame, view: &WaitsView, theme: &Theme) {
    render_stacked(frame, &view.chart, theme);
    for panel in [
        &view.statements,
        &view.events,
        &view.users,
        &view.applications,
    ] {
        render_panel(frame, panel, theme);
    }
}
