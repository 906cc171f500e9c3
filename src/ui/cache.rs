//! The Cache screen (being built).

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::app::{App, TableId};
use crate::keymap::Screen;

/// Where this screen's tables are drawn (also used for paging and mouse clicks).
pub fn table_areas(body: Rect) -> Vec<(TableId, Rect)> {
    let _ = body;
    vec![]
}

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    super::render_coming(app, frame, area, Screen::Cache);
}
