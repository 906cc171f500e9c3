//! Draws the Queries screen: `pg_stat_statements` in the interval (or cumulative) on top,
//! `query_performance_log` percentiles over a window below.
//!
//! ```text
//! ┌ Statements: last 1s (35) ─────────────────────────────────────────────┐
//! │ CALLS/s  MEAN ms  % TIME  ROWS/s  HIT %  TEMP BLK  QUERY              │
//! ├ Latency from query_performance_log, last 15m (12) ────────────────────┤
//! │ QUERY HASH  COUNT  P50 ms  P95 ms  P99 ms  MAX ms  SLOW  EXAM/RET     │
//! └───────────────────────────────────────────────────────────────────────┘
//! ```

use ratatui::Frame;

use crate::tui::screens::drawn::DrawnTable;
use crate::tui::screens::queries::QueriesView;
use crate::tui::theme::Theme;

/// Draws `view`.
pub fn render(frame: &mut Frame, view: &QueriesView, theme: &Theme) -> Vec<DrawnTable> {
    vec![
        super::table::render(frame, &view.statements, theme),
        super::table::render(frame, &view.latency, theme),
    ]
}
