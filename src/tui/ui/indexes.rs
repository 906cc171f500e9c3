//! Draws the Indexes screen: the usage summary line, the indexes (flagged first), the
//! tables read by sequential scans.
//!
//! ```text
//!  Index usage 87.3% (target ≥90%) · 2 unused · 1 dup · 1 prefix · 1 invalid
//! ┌ Indexes, flagged first (24) ────────────────────────────────────────────────┐
//! │ TABLE          INDEX           KEY  SCANS  SIZE  FLAGS▼                     │
//! ┌ Tables read by sequential scans (12) ───────────────────────────────────────┐
//! │ TABLE          SEQ SCANS  SEQ ROWS▼  IDX SCANS  SEQ %  LIVE ROWS  MISSING…  │
//! ```

use ratatui::Frame;
use ratatui::widgets::Paragraph;

use crate::tui::screens::drawn::DrawnTable;
use crate::tui::screens::indexes::IndexesView;
use crate::tui::theme::Theme;

/// Draws `view`.
pub fn render(frame: &mut Frame, view: &IndexesView, theme: &Theme) -> Vec<DrawnTable> {
    let (area, summary) = &view.summary;
    frame.render_widget(Paragraph::new(summary.clone()), *area);
    vec![
        super::table::render(frame, &view.indexes, theme),
        super::table::render(frame, &view.scans, theme),
    ]
}
